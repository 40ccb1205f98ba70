/*
 * morph rev-parse: print the id a revision names.
 */
#include <stdio.h>

#include "cmd.h"

static const struct morph_error *
cmd_rev_parse(struct morph_cmd_ctx *ctx, int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "short", no_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	const struct morph_error *err = NULL;
	struct morph_oid id;
	int c, i, shorten = 0;

	while ((c = morph_cmd_getopt(ctx, argc, argv, "", longopts,
	    &err)) != -1) {
		if (c != 's')
			return err;
		shorten = 1;
	}
	if (optind >= argc)
		return morph_cmd_bad_usage(ctx, "no revision given");
	for (i = optind; i < argc; i++) {
		if ((err = morph_revparse(&id, ctx->repo, argv[i])) != NULL)
			return err;
		puts(shorten ? morph_cmd_short(&id) : morph_oid_tostr(&id));
	}
	return NULL;
}

const struct morph_cmd morph_cmd_rev_parse = {
	"rev-parse",
	"rev-parse [--short] revision ...",
	"print the object id a revision names",
	MORPH_CMD_NEEDS_REPO | MORPH_CMD_READS,
	cmd_rev_parse,
};
