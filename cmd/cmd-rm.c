/*
 * morph rm: stop tracking files, and remove them from the work tree.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

/*
 * Whether removing path would lose something not committed: its staged
 * content differs from HEAD, or its file from the index (for --cached:
 * only content that is neither in HEAD nor in the file is lost).
 */
static const struct morph_error *
check_safe(struct morph_repo *repo, struct morph_index *idx,
    const char *path, int cached)
{
	const struct morph_error *err;
	const struct morph_status_entry *e;
	struct morph_status *st;
	const char *one[1] = { path };
	int staged = 0, modified = 0;
	size_t i;

	if ((err = morph_status_new(&st, repo, idx, one, 1, 0)) != NULL)
		return err;
	for (i = 0; i < morph_status_count(st); i++) {
		e = morph_status_get(st, i);
		if (e->staged != MORPH_CHANGE_NONE)
			staged = 1;
		if (e->unstaged == MORPH_CHANGE_MODIFIED)
			modified = 1;
	}
	morph_status_free(st);
	if (cached ? (staged && modified) : (staged || modified))
		return morph_error_fmt(MORPH_ERR_CONFLICT, "'%s' has %s; use "
		    "--cached to keep the file, or -f to remove it anyway",
		    path, staged && modified ? "staged content different "
		    "from both the file and HEAD" : staged ?
		    "changes staged in the index" : "local modifications");
	return NULL;
}

static const struct morph_error *
cmd_rm(struct morph_cmd_ctx *ctx, int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "cached", no_argument, NULL, 'c' },
		{ "force", no_argument, NULL, 'f' },
		{ "recursive", no_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	struct morph_buf path = MORPH_BUF_INIT;
	struct morph_entrylist gone;
	const struct morph_error *err = NULL;
	struct morph_index *idx = NULL;
	const char *one[1];
	size_t j, checked = 0;
	int c, i, cached = 0, force = 0, recursive = 0;

	morph_entrylist_init(&gone);
	while ((c = morph_cmd_getopt(ctx, argc, argv, "fr", longopts,
	    &err)) != -1) {
		switch (c) {
		case 'c':
			cached = 1;
			break;
		case 'f':
			force = 1;
			break;
		case 'r':
			recursive = 1;
			break;
		default:
			return err;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0)
		return morph_cmd_bad_usage(ctx, "no path given");

	if ((err = morph_repo_begin(ctx->repo)) != NULL)
		return err;
	if ((err = morph_index_open(&idx, ctx->repo)) != NULL)
		goto done;
	/*
	 * Every path is checked before anything is removed, and the files go
	 * only once the index is saved: a refusal or a failure leaves both
	 * the index and the work tree as they were.
	 */
	for (i = 0; i < argc && err == NULL; i++) {
		if ((err = morph_repo_path(&path, ctx->repo, argv[i])) != NULL)
			break;
		if (path.len == 0 && !recursive) {
			err = morph_error_fmt(MORPH_ERR_INVALID, "not removing "
			    "'%s' recursively without -r", argv[i]);
			break;
		}
		/* Remember what goes, to check it and delete the files. */
		one[0] = path.ptr;
		if ((err = morph_index_entries(&gone, idx, one, 1)) != NULL)
			break;
		if (!force)
			for (j = checked; j < gone.n && err == NULL; j++)
				err = check_safe(ctx->repo, idx,
				    gone.v[j].path, cached);
		checked = gone.n;
		if (err == NULL)
			err = morph_index_remove(idx, path.ptr, recursive,
			    NULL);
	}
	if (err == NULL)
		err = morph_index_write(idx, ctx->repo);
	/* The last conflict of a stash resolved: nothing stays unmerged. */
	if (err == NULL)
		err = morph_merge_settle_stash(ctx->repo, idx);
done:
	if (err == NULL)
		err = morph_repo_commit(ctx->repo);
	else
		morph_repo_rollback(ctx->repo);
	for (j = 0; j < gone.n && err == NULL; j++) {
		printf("rm '%s'\n", gone.v[j].path);
		if (!cached)
			err = morph_repo_remove_file(ctx->repo,
			    gone.v[j].path);
	}
	morph_index_free(idx);
	morph_entrylist_release(&gone);
	morph_buf_release(&path);
	return err;
}

const struct morph_cmd morph_cmd_rm = {
	"rm",
	"rm [--cached] [-fr] path ...",
	"stop tracking files and remove them",
	MORPH_CMD_NEEDS_REPO,
	cmd_rm,
};
