/*
 * morph reset: move the current branch (or a detached HEAD) to a commit,
 * resetting the index (--mixed, the default) and the work tree too
 * (--hard), or only the branch (--soft); with paths, reset those index
 * entries and nothing else, as git reset -- PATH does.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"

/* reset [REV] -- PATH...: the index entries of paths from REV. */
static const struct morph_error *
reset_paths(struct morph_cmd_ctx *ctx, const char *rev, char **args,
    int nargs)
{
	const struct morph_error *err;
	struct morph_cmd_pathspec ps;
	struct morph_oid id;
	int have_rev = rev != NULL;

	if (!have_rev)
		rev = MORPH_HEAD;
	err = morph_revparse_type(&id, ctx->repo, rev, MORPH_OBJ_COMMIT);
	/* On an unborn branch, HEAD is the empty snapshot: unstage. */
	if (err != NULL && (have_rev || err->code != MORPH_ERR_NOT_FOUND ||
	    morph_ref_resolve(&id, ctx->repo, MORPH_HEAD) == NULL))
		return err;
	if ((err = morph_cmd_pathspec_parse(&ps, ctx->repo, args,
	    nargs)) != NULL)
		return err;
	err = morph_worktree_restore(ctx->repo, have_rev ? &id : NULL, ps.v,
	    ps.n, MORPH_RESTORE_STAGED);
	morph_cmd_pathspec_release(&ps);
	return err;
}

static const struct morph_error *
cmd_reset(struct morph_cmd_ctx *ctx, int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "hard", no_argument, NULL, 'H' },
		{ "mixed", no_argument, NULL, 'M' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "soft", no_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 }
	};
	enum morph_reset_mode mode = MORPH_RESET_MIXED;
	struct morph_buf msg = MORPH_BUF_INIT;
	const struct morph_error *err = NULL;
	struct morph_status *st = NULL;
	struct morph_index *idx = NULL;
	struct morph_oid id;
	const char *rev, *modename = NULL;
	char **paths;
	int ch, npaths, quiet = 0;
	size_t i, shown;

	morph_cmd_split_paths(&argc, argv, &paths, &npaths);
	while ((ch = morph_cmd_getopt(ctx, argc, argv, "q", longopts,
	    &err)) != -1) {
		switch (ch) {
		case 'H':
		case 'M':
		case 'S':
			if (modename != NULL && strcmp(modename,
			    argv[optind - 1]) != 0)
				return morph_cmd_bad_usage(ctx, "%s and %s "
				    "cannot be combined", modename,
				    argv[optind - 1]);
			modename = argv[optind - 1];
			mode = ch == 'H' ? MORPH_RESET_HARD : ch == 'S' ?
			    MORPH_RESET_SOFT : MORPH_RESET_MIXED;
			break;
		case 'q':
			quiet = 1;
			break;
		default:
			return err;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 1)
		return morph_cmd_bad_usage(ctx, "unexpected argument '%s'",
		    argv[1]);
	if (npaths >= 0) {
		if (modename != NULL && mode != MORPH_RESET_MIXED)
			return morph_cmd_bad_usage(ctx, "cannot do a %s reset "
			    "with paths", mode == MORPH_RESET_HARD ? "hard" :
			    "soft");
		if (npaths == 0)
			return morph_cmd_bad_usage(ctx, "no path after '--'");
		return reset_paths(ctx, argc == 1 ? argv[0] : NULL, paths,
		    npaths);
	}
	rev = argc == 1 ? argv[0] : MORPH_HEAD;
	if ((err = morph_revparse_type(&id, ctx->repo, rev,
	    MORPH_OBJ_COMMIT)) != NULL)
		return err;
	morph_buf_printf(&msg, "reset: moving to %s", rev);
	if ((err = morph_buf_status(&msg)) != NULL ||
	    (err = morph_reset(ctx->repo, &id, mode, msg.ptr)) != NULL ||
	    quiet)
		goto done;
	if (mode == MORPH_RESET_HARD) {
		err = morph_cmd_print_summary(ctx->repo, &id,
		    "HEAD is now at ");
		goto done;
	}
	if (mode == MORPH_RESET_SOFT)
		goto done;
	/* As git: what the reset left unstaged. */
	if ((err = morph_index_open(&idx, ctx->repo)) != NULL ||
	    (err = morph_status_new(&st, ctx->repo, idx, NULL, 0, 0)) != NULL)
		goto done;
	for (i = 0, shown = 0; i < morph_status_count(st); i++) {
		const struct morph_status_entry *e = morph_status_get(st, i);

		if (e->unstaged == MORPH_CHANGE_NONE)
			continue;
		printf("%s%c\t%s\n", shown++ == 0 ? "Unstaged changes after "
		    "reset:\n" : "", e->unstaged == MORPH_CHANGE_DELETED ?
		    'D' : 'M', e->path);
	}
done:
	morph_status_free(st);
	morph_index_free(idx);
	morph_buf_release(&msg);
	return err;
}

const struct morph_cmd morph_cmd_reset = {
	"reset",
	"reset [-q] [--soft | --mixed | --hard] [revision]\n"
	"       morph reset [-q] [revision] -- path ...",
	"move the current branch, and reset the index or work tree",
	MORPH_CMD_NEEDS_REPO,
	cmd_reset,
};
