/*
 * morph mv: move or rename tracked files and directories, in the work
 * tree and the index (mv.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

/* Prints what the plan does (-n) and what it skips (-k). */
static void
print_plan(const struct morph_mv *mv, int dry_run)
{
	const struct morph_mv_move *m;
	size_t i;

	for (i = 0; i < morph_mv_count(mv); i++) {
		m = morph_mv_get(mv, i);
		if (m->skipped != NULL)
			fprintf(stderr, "morph: skipped: %s\n", m->skipped);
		else if (dry_run)
			printf("Renaming %s to %s\n", m->src, m->dst);
	}
}

static const struct morph_error *
cmd_mv(struct morph_cmd_ctx *ctx, int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 }
	};
	struct morph_buf *paths = NULL;
	const struct morph_error *err = NULL;
	struct morph_mv *mv = NULL;
	const char **srcs = NULL;
	int c, i, flags = 0, dry_run = 0;

	while ((c = morph_cmd_getopt(ctx, argc, argv, "fkn", longopts,
	    &err)) != -1) {
		switch (c) {
		case 'f':
			flags |= MORPH_MV_FORCE;
			break;
		case 'k':
			flags |= MORPH_MV_SKIP;
			break;
		case 'n':
			dry_run = 1;
			break;
		default:
			return err;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 2)
		return morph_cmd_bad_usage(ctx, argc == 0 ? "no source given" :
		    "no destination given");
	if ((paths = calloc((size_t)argc, sizeof(*paths))) == NULL ||
	    (srcs = calloc((size_t)argc, sizeof(*srcs))) == NULL) {
		err = morph_error(MORPH_ERR_NOMEM);
		goto done;
	}
	for (i = 0; i < argc && err == NULL; i++) {
		morph_buf_init(&paths[i]);
		if ((err = morph_repo_path(&paths[i], ctx->repo,
		    argv[i])) == NULL && (err = morph_buf_status(
		    &paths[i])) == NULL)
			srcs[i] = paths[i].ptr != NULL ? paths[i].ptr : "";
	}
	if (err != NULL || (err = morph_mv_plan(&mv, ctx->repo, srcs,
	    (size_t)argc - 1, srcs[argc - 1], flags)) != NULL)
		goto done;
	print_plan(mv, dry_run);
	if (!dry_run)
		err = morph_mv_apply(mv);
done:
	morph_mv_free(mv);
	for (i = 0; paths != NULL && i < argc; i++)
		morph_buf_release(&paths[i]);
	free(paths);
	free(srcs);
	return err;
}

const struct morph_cmd morph_cmd_mv = {
	"mv",
	"mv [-fkn] source ... destination",
	"move or rename tracked files",
	MORPH_CMD_NEEDS_REPO,
	cmd_mv,
};
