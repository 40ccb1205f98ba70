/*
 * morph fetch: bring a remote's branches, tags and runs into the
 * repository, checking every object.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"

static const struct morph_error *
cmd_fetch(struct morph_cmd_ctx *ctx, int argc, char *argv[])
{
	struct morph_sync_opts opts = MORPH_SYNC_OPTS_INIT;
	struct morph_sync_result res;
	const struct morph_error *err = NULL;
	char *remote = NULL, *url = NULL;
	int c;

	while ((c = morph_cmd_getopt(ctx, argc, argv, "", NULL,
	    &err)) != -1)
		return err;
	argc -= optind;
	argv += optind;
	if (argc > 1)
		return morph_cmd_bad_usage(ctx, "unexpected argument '%s'",
		    argv[1]);
	if (argc == 1)
		remote = argv[0];
	else if ((err = morph_remote_default(&remote, ctx->repo)) != NULL)
		return err;
	opts.ref_cb = morph_cmd_sync_ref;
	if ((err = morph_remote_url(&url, NULL, ctx->repo, remote,
	    0)) == NULL) {
		morph_cmd_print_url("From", url);
		fflush(stdout);
		if ((err = morph_remote_fetch(&res, ctx->repo, remote, &opts)) == NULL)
			morph_cmd_sync_summary(&res, 1);
	}
	if (argc == 0)
		free(remote);
	free(url);
	return err;
}

const struct morph_cmd morph_cmd_fetch = {
	"fetch",
	"fetch [remote]",
	"bring in a remote's branches, tags and runs",
	MORPH_CMD_NEEDS_REPO,
	cmd_fetch,
};
