/*
 * morph restore: put files back as the index (or a revision) has them,
 * or with --staged, unstage them.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"

static const struct morph_error *
cmd_restore(struct morph_cmd_ctx *ctx, int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "source", required_argument, NULL, 's' },
		{ "staged", no_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 }
	};
	const struct morph_error *err = NULL;
	struct morph_buf *norm = NULL;
	struct morph_oid id;
	const char *source = NULL, **paths = NULL;
	char **dd;
	size_t i, npaths, nopt;
	int c, nd, staged = 0;

	morph_cmd_split_paths(&argc, argv, &dd, &nd);
	while ((c = morph_cmd_getopt(ctx, argc, argv, "", longopts,
	    &err)) != -1) {
		switch (c) {
		case 's':
			source = optarg;
			break;
		case 'S':
			staged = 1;
			break;
		default:
			return err;
		}
	}
	/* Paths may come before or after "--". */
	nopt = (size_t)(argc - optind);
	npaths = nopt + (size_t)(nd > 0 ? nd : 0);
	if (npaths == 0)
		return morph_cmd_bad_usage(ctx, "no path given");
	if (source != NULL && (err = morph_revparse_peeled(&id, NULL,
	    ctx->repo, source)) != NULL)
		return err;

	norm = calloc(npaths, sizeof(*norm));
	paths = calloc(npaths, sizeof(*paths));
	if (norm == NULL || paths == NULL) {
		err = morph_error(MORPH_ERR_NOMEM);
		goto done;
	}
	for (i = 0; i < npaths && err == NULL; i++) {
		err = morph_repo_path(&norm[i], ctx->repo, i < nopt ?
		    argv[optind + (int)i] : dd[i - nopt]);
		paths[i] = morph_buf_cstr(&norm[i]);
	}
	if (err == NULL)
		err = morph_worktree_restore(ctx->repo, source ? &id : NULL,
		    paths, npaths, staged ? MORPH_RESTORE_STAGED :
		    MORPH_RESTORE_WORKTREE);
done:
	for (i = 0; norm != NULL && i < npaths; i++)
		morph_buf_release(&norm[i]);
	free(norm);
	free(paths);
	return err;
}

const struct morph_cmd morph_cmd_restore = {
	"restore",
	"restore [--source revision] [--staged] path ...",
	"restore files in the work tree or the index",
	MORPH_CMD_NEEDS_REPO,
	cmd_restore,
};
