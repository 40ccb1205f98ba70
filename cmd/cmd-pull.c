/*
 * morph pull: fetch, then fast-forward the current branch to the remote's.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"

static const struct morph_error *
cmd_pull(struct morph_cmd_ctx *ctx, int argc, char *argv[])
{
	struct morph_sync_opts opts = MORPH_SYNC_OPTS_INIT;
	struct morph_pull_result res;
	const struct morph_error *err = NULL;
	char *remote = NULL, *url = NULL;
	int c;

	while ((c = morph_cmd_getopt(ctx, argc, argv, "", NULL,
	    &err)) != -1)
		return err;
	argc -= optind;
	argv += optind;
	if (argc > 2)
		return morph_cmd_bad_usage(ctx, "unexpected argument '%s'",
		    argv[2]);
	if (argc >= 1)
		remote = argv[0];
	else if ((err = morph_remote_default(&remote, ctx->repo)) != NULL)
		return err;
	opts.ref_cb = morph_cmd_sync_ref;
	if ((err = morph_remote_url(&url, NULL, ctx->repo, remote, 0)) != NULL)
		goto done;
	morph_cmd_print_url("From", url);
	fflush(stdout);
	err = morph_remote_pull(&res, ctx->repo, remote, argc == 2 ? argv[1] : NULL,
	    &opts);
	morph_cmd_sync_summary(&res.fetch, 1);
	if (err != NULL)
		goto done;
	if (res.ahead)
		printf("Already up to date; your branch has commits the "
		    "remote's has not: morph push sends them\n");
	else if (res.up_to_date)
		printf("Already up to date.\n");
	else if (morph_oid_is_zero(&res.old))
		printf("Checked out %s\n", morph_cmd_short(&res.new));
	else
		printf("Fast-forward %s..%s\n", morph_cmd_short(&res.old),
		    morph_cmd_short(&res.new));
done:
	if (argc == 0)
		free(remote);
	free(url);
	return err;
}

const struct morph_cmd morph_cmd_pull = {
	"pull",
	"pull [remote [branch]]",
	"fetch, then fast-forward the current branch",
	MORPH_CMD_NEEDS_REPO,
	cmd_pull,
};
