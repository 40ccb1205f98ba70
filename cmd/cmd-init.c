/*
 * morph init: create a repository, and with --example a starter suite in
 * its work tree.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

/* The starter suite, and what to do with it. */
static const struct morph_error *
write_example(struct morph_repo *repo, int quiet)
{
	const struct morph_example_file *f;
	const struct morph_error *err;

	if ((err = morph_suite_example_write(morph_repo_workdir(repo))) !=
	    NULL || quiet)
		return err;
	printf("Wrote an example suite (see morph-suite(5)):\n");
	for (f = morph_suite_example(); f->path != NULL; f++)
		printf("\t%s\n", f->path);
	printf("Commit it with: morph add . && morph commit -m 'Example "
	    "suite'\n");
	return NULL;
}

static const struct morph_error *
cmd_init(struct morph_cmd_ctx *ctx, int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "example", no_argument, NULL, 'E' },
		{ "initial-branch", required_argument, NULL, 'b' },
		{ "quiet", no_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 }
	};
	struct morph_init_opts opts = MORPH_INIT_OPTS_INIT;
	const struct morph_error *err = NULL;
	struct morph_repo *repo = NULL;
	const char *dir = ".";
	int c, example = 0, quiet = 0;

	while ((c = morph_cmd_getopt(ctx, argc, argv, "b:q", longopts,
	    &err)) != -1) {
		switch (c) {
		case 'b':
			opts.initial_branch = optarg;
			break;
		case 'E':
			example = 1;
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
		return morph_cmd_bad_usage(ctx, "too many arguments");
	if (argc == 1)
		dir = argv[0];
	/* Refuse before creating anything, so that a retry starts clean. */
	if (example && (err = morph_suite_example_check(dir)) != NULL)
		return err;
	err = morph_repo_init(&repo, dir, &opts);
	if (err != NULL && err->code == MORPH_ERR_EXISTS) {
		/* As git does: running init again is harmless. */
		if ((err = morph_repo_open(&repo, dir)) != NULL)
			return err;
		if (!quiet)
			printf("Reinitialized existing morph repository in "
			    "%s/\n", morph_repo_morphdir(repo));
	} else if (err != NULL)
		return err;
	else if (!quiet)
		printf("Initialized empty morph repository in %s/\n",
		    morph_repo_morphdir(repo));
	if (example)
		err = write_example(repo, quiet);
	morph_repo_close(repo);
	return err;
}

const struct morph_cmd morph_cmd_init = {
	"init",
	"init [-q] [-b branch] [--example] [directory]",
	"create a repository",
	0,
	cmd_init,
};
