/*
 * morph init: create a repository.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

static const struct morph_error *
cmd_init(struct morph_cmd_ctx *ctx, int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "initial-branch", required_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 }
	};
	struct morph_init_opts opts = MORPH_INIT_OPTS_INIT;
	const struct morph_error *err = NULL;
	struct morph_repo *repo = NULL;
	const char *dir = ".";
	int c;

	while ((c = morph_cmd_getopt(ctx, argc, argv, "b:", longopts,
	    &err)) != -1) {
		switch (c) {
		case 'b':
			opts.initial_branch = optarg;
			break;
		default:
			return err;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 1)
		return morph_cmd_bad_usage(ctx, "too many arguments");
	if (argc == 1)
		dir = argv[0];
	err = morph_repo_init(&repo, dir, &opts);
	if (err != NULL && err->code == MORPH_ERR_EXISTS) {
		/* As git does: running init again is harmless. */
		if ((err = morph_repo_open(&repo, dir)) != NULL)
			return err;
		printf("Reinitialized existing morph repository in %s/\n",
		    morph_repo_morphdir(repo));
		morph_repo_close(repo);
		return NULL;
	}
	if (err != NULL)
		return err;
	printf("Initialized empty morph repository in %s/\n",
	    morph_repo_morphdir(repo));
	morph_repo_close(repo);
	return NULL;
}

const struct morph_cmd morph_cmd_init = {
	"init",
	"init [-b branch] [directory]",
	"create a repository",
	0,
	cmd_init,
};
