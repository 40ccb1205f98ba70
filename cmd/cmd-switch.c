/*
 * morph switch: git's command for moving between branches, which never
 * touches paths and detaches HEAD only when asked.  The moving itself is
 * checkout's (morph_cmd_move_head in cmd-checkout.c).
 */
#include <string.h>

#include "cmd.h"

static const struct morph_error *
cmd_switch(struct morph_cmd_ctx *ctx, int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "create", required_argument, NULL, 'c' },
		{ "detach", no_argument, NULL, 'd' },
		{ "discard-changes", no_argument, NULL, 'f' },
		{ "force", no_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 }
	};
	struct morph_cmd_move sw;
	const struct morph_error *err = NULL;

	memset(&sw, 0, sizeof(sw));
	sw.branch_only = 1;
	if (morph_cmd_move_options(ctx, argc, argv, "c:fq", longopts, &sw,
	    &err) != 0)
		return err;
	argc -= optind;
	argv += optind;
	if (sw.newbranch != NULL && sw.detach)
		return morph_cmd_bad_usage(ctx, "-c and --detach cannot be "
		    "combined");
	if (argc > 1)
		return morph_cmd_bad_usage(ctx, "unexpected argument '%s'",
		    argv[1]);
	if (argc == 0 && sw.newbranch == NULL && !sw.detach)
		return morph_cmd_bad_usage(ctx, "no branch given");
	sw.rev = argc == 1 ? argv[0] : NULL;
	return morph_cmd_move_head(ctx, &sw);
}

const struct morph_cmd morph_cmd_switch = {
	"switch",
	"switch [-fq] branch\n"
	"       morph switch [-fq] -c name [start]\n"
	"       morph switch [-fq] --detach [revision]",
	"switch to a branch, or create one",
	MORPH_CMD_NEEDS_REPO,
	cmd_switch,
};
