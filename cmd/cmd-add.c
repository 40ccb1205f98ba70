/*
 * morph add: stage files for the next commit; with -A, the whole work tree
 * (new, modified and deleted files) wherever it runs, as git add -A.
 */
#include <stdio.h>

#include "cmd.h"

static const struct morph_error *
cmd_add(struct morph_cmd_ctx *ctx, int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "all", no_argument, NULL, 'A' },
		{ "force", no_argument, NULL, 'f' },
		{ "update", no_argument, NULL, 'u' },
		{ NULL, 0, NULL, 0 }
	};
	struct morph_buf path = MORPH_BUF_INIT;
	const struct morph_error *err = NULL;
	struct morph_index *idx = NULL;
	int c, i, flags = 0, update = 0, all = 0;

	while ((c = morph_cmd_getopt(ctx, argc, argv, "Afu", longopts,
	    &err)) != -1) {
		switch (c) {
		case 'A':
			all = 1;
			break;
		case 'f':
			flags |= MORPH_ADD_FORCE;
			break;
		case 'u':
			update = 1;
			break;
		default:
			return err;
		}
	}
	argc -= optind;
	argv += optind;
	if (all && update)
		return morph_cmd_bad_usage(ctx, "-A and -u cannot be combined");
	if (argc == 0 && !update && !all)
		return morph_cmd_bad_usage(ctx, "nothing specified, nothing "
		    "added; did you mean 'morph add -A' or 'morph add .'?");
	if (argc > 0 && update)
		return morph_cmd_bad_usage(ctx, "-u takes no paths");

	if ((err = morph_repo_begin(ctx->repo)) != NULL)
		return err;
	if ((err = morph_index_open(&idx, ctx->repo)) != NULL)
		goto done;
	if (update)
		err = morph_index_add_tracked(idx, ctx->repo);
	/*
	 * -A alone is the whole tree from its root, not from the current
	 * directory; with paths, add already stages deletions under them.
	 */
	if (all && argc == 0)
		err = morph_index_add(idx, ctx->repo, "", flags);
	for (i = 0; i < argc && err == NULL; i++) {
		err = morph_repo_path(&path, ctx->repo, argv[i]);
		if (err == NULL)
			err = morph_index_add(idx, ctx->repo, path.ptr, flags);
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
	/* What cannot be tracked is said, not dropped without a word. */
	for (i = 0; err == NULL && (size_t)i < morph_index_nskipped(idx); i++)
		fprintf(stderr, "morph: skipped %s\n",
		    morph_index_skipped(idx, (size_t)i));
	morph_index_free(idx);
	morph_buf_release(&path);
	return err;
}

const struct morph_cmd morph_cmd_add = {
	"add",
	"add [-Afu] [path ...]",
	"stage files for the next commit",
	MORPH_CMD_NEEDS_REPO,
	cmd_add,
};
