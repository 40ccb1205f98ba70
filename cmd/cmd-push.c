/*
 * morph push: send branches, tags and the runs of their commits to a git
 * remote, never forcing.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"

static const struct morph_error *
cmd_push(struct morph_cmd_ctx *ctx, int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "no-runs", no_argument, NULL, 'N' },
		{ "tags", no_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 }
	};
	struct morph_sync_opts opts = MORPH_SYNC_OPTS_INIT;
	struct morph_sync_result res;
	const struct morph_error *err = NULL;
	char *remote = NULL, *url = NULL;
	int c;

	while ((c = morph_cmd_getopt(ctx, argc, argv, "", longopts,
	    &err)) != -1) {
		switch (c) {
		case 'a':
			opts.all = 1;
			break;
		case 'N':
			opts.no_runs = 1;
			break;
		case 'T':
			opts.tags = 1;
			break;
		default:
			return err;
		}
	}
	argc -= optind;
	argv += optind;
	if (opts.all && argc > 1)
		return morph_cmd_bad_usage(ctx, "--all pushes every branch: "
		    "name no branch");
	if (argc > 0)
		remote = argv[0];
	else if ((err = morph_remote_default(&remote, ctx->repo)) != NULL)
		return err;
	if (argc > 1) {
		opts.branches = (const char *const *)argv + 1;
		opts.nbranches = (size_t)argc - 1;
	}
	opts.ref_cb = morph_cmd_sync_ref;
	if ((err = morph_remote_url(&url, NULL, ctx->repo, remote, 1)) != NULL)
		goto done;
	morph_cmd_print_url("To", url);
	fflush(stdout);
	if ((err = morph_remote_push(&res, ctx->repo, remote, &opts)) != NULL)
		goto done;
	morph_cmd_sync_summary(&res, 0);
	if (res.refs == 0 && res.rejected == 0 && res.runs == 0)
		printf("Everything up-to-date\n");
	if (res.rejected > 0)
		err = morph_error_fmt(MORPH_ERR_CONFLICT, "failed to push some "
		    "references to '%s'", remote);
done:
	if (argc == 0)
		free(remote);
	free(url);
	return err;
}

const struct morph_cmd morph_cmd_push = {
	"push",
	"push [--all] [--tags] [--no-runs] [remote [branch ...]]",
	"send branches, tags and runs to a remote",
	MORPH_CMD_NEEDS_REPO,
	cmd_push,
};
