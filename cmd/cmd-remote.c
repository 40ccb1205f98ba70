/*
 * morph remote: list, add and remove the git repositories that push,
 * fetch and pull reach.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

struct listing {
	int			 verbose;
	struct morph_jsonw	*w;	/* NULL: text */
};

static const struct morph_error *
print_remote(const char *name, const char *url, int from_git, void *arg)
{
	struct listing *l = arg;
	const struct morph_error *err;
	char *shown;

	/* A password in a URL is not shown. */
	if ((err = morph_remote_redact(&shown, url)) != NULL)
		return err;
	if (l->w != NULL) {
		morph_jsonw_object_begin(l->w);
		morph_jsonw_kv_string(l->w, "name", name);
		morph_jsonw_kv_string(l->w, "url", shown);
		morph_jsonw_kv_string(l->w, "source", from_git ? "git" :
		    "morph");
		morph_jsonw_object_end(l->w);
	} else if (l->verbose)
		printf("%s\t%s%s\n", name, shown, from_git ? " (git)" : "");
	else
		printf("%s\n", name);
	free(shown);
	return NULL;
}

static const struct morph_error *
cmd_remote(struct morph_cmd_ctx *ctx, int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 }
	};
	const struct morph_error *err = NULL;
	struct morph_jsonw w;
	struct listing l;
	int c, json = 0;

	memset(&l, 0, sizeof(l));
	while ((c = morph_cmd_getopt(ctx, argc, argv, "v", longopts,
	    &err)) != -1) {
		switch (c) {
		case 'J':
			json = 1;
			break;
		case 'v':
			l.verbose = 1;
			break;
		default:
			return err;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		if (json) {
			l.w = &w;
			morph_jsonw_init(&w, stdout);
			morph_jsonw_array_begin(&w);
		}
		err = morph_remote_foreach(ctx->repo, print_remote, &l);
		if (json && err == NULL) {
			morph_jsonw_array_end(&w);
			morph_jsonw_finish(&w);
		}
		return err;
	}
	if (json || l.verbose)
		return morph_cmd_bad_usage(ctx, "-v and --json list; they take "
		    "no arguments");
	if (strcmp(argv[0], "add") == 0) {
		if (argc != 3)
			return morph_cmd_bad_usage(ctx, "add needs a name and "
			    "a URL");
		return morph_remote_add(ctx->repo, argv[1], argv[2]);
	}
	if (strcmp(argv[0], "remove") == 0 || strcmp(argv[0], "rm") == 0) {
		if (argc != 2)
			return morph_cmd_bad_usage(ctx, "remove needs a name");
		return morph_remote_remove(ctx->repo, argv[1]);
	}
	return morph_cmd_bad_usage(ctx, "unknown subcommand '%s'", argv[0]);
}

const struct morph_cmd morph_cmd_remote = {
	"remote",
	"remote [-v] [--json]\n"
	"       morph remote add name url\n"
	"       morph remote remove name",
	"list, add or remove remotes",
	MORPH_CMD_NEEDS_REPO,
	cmd_remote,
};
