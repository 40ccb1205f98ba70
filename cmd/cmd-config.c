/*
 * morph config: read and write the repository and user configuration.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

struct listing {
	int			 json;
	struct morph_jsonw	*w;
	int			 show_scope;
};

static const struct morph_error *
list_one(const char *key, const char *value, enum morph_config_scope scope,
    void *arg)
{
	struct listing *l = arg;

	if (l->json) {
		morph_jsonw_object_begin(l->w);
		morph_jsonw_kv_string(l->w, "name", key);
		morph_jsonw_kv_string(l->w, "value", value);
		morph_jsonw_kv_string(l->w, "scope",
		    scope == MORPH_CONFIG_GLOBAL ? "global" : "local");
		morph_jsonw_object_end(l->w);
	} else if (l->show_scope)
		printf("%s\t%s=%s\n", scope == MORPH_CONFIG_GLOBAL ?
		    "global" : "local", key, value);
	else
		printf("%s=%s\n", key, value);
	return NULL;
}

static const struct morph_error *
cmd_config(struct morph_cmd_ctx *ctx, int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "global", no_argument, NULL, 'g' },
		{ "json", no_argument, NULL, 'J' },
		{ "list", no_argument, NULL, 'l' },
		{ "local", no_argument, NULL, 'L' },
		{ "type", required_argument, NULL, 'T' },
		{ "unset", no_argument, NULL, 'u' },
		{ NULL, 0, NULL, 0 }
	};
	enum morph_config_scope scope = MORPH_CONFIG_ANY;
	const struct morph_error *err = NULL;
	struct morph_repo *repo = NULL;
	struct morph_jsonw w;
	struct listing l;
	char *value = NULL;
	int c, list = 0, unset = 0, json = 0, as_json = 0;

	while ((c = morph_cmd_getopt(ctx, argc, argv, "l", longopts,
	    &err)) != -1) {
		switch (c) {
		case 'g':
		case 'L':
			if (scope != MORPH_CONFIG_ANY)
				return morph_cmd_bad_usage(ctx, "give only "
				    "one of --global and --local");
			scope = c == 'g' ? MORPH_CONFIG_GLOBAL :
			    MORPH_CONFIG_LOCAL;
			break;
		case 'J':
			json = 1;
			break;
		case 'l':
			list = 1;
			break;
		case 'T':
			if (strcmp(optarg, "json") == 0)
				as_json = 1;
			else if (strcmp(optarg, "string") != 0)
				return morph_cmd_bad_usage(ctx, "--type is "
				    "string or json, not '%s'", optarg);
			break;
		case 'u':
			unset = 1;
			break;
		default:
			return err;
		}
	}
	argc -= optind;
	argv += optind;
	if (list + unset > 1 || (list && argc > 0) || (unset && argc != 1) ||
	    (!list && (argc < 1 || argc > 2)))
		return morph_cmd_bad_usage(ctx, "expected --list, --unset "
		    "name, name, or name value");

	/* The user file needs no repository; the others do. */
	err = morph_repo_open(&repo, NULL);
	if (err != NULL && (err->code != MORPH_ERR_NOT_REPO ||
	    scope == MORPH_CONFIG_LOCAL))
		return err;
	err = NULL;
	if (repo == NULL && scope == MORPH_CONFIG_ANY && (argc == 2 || unset))
		return morph_error_fmt(MORPH_ERR_NOT_REPO, "not in a morph "
		    "repository; use --global for the user configuration");
	ctx->repo = repo;	/* closed by the dispatcher */

	if (list) {
		l.json = json;
		l.w = &w;
		l.show_scope = scope == MORPH_CONFIG_ANY;
		if (json) {
			morph_jsonw_init(&w, stdout);
			morph_jsonw_array_begin(&w);
		}
		err = morph_config_foreach(repo, scope, list_one, &l);
		if (json) {
			morph_jsonw_array_end(&w);
			morph_jsonw_finish(&w);
		}
		return err;
	}
	if (unset)
		return morph_config_unset(repo, scope, argv[0]);
	if (argc == 2)
		return morph_config_set(repo, scope, argv[0], argv[1],
		    as_json);
	if ((err = morph_config_get(&value, repo, scope, argv[0])) != NULL)
		return err;
	if (value == NULL) {
		ctx->status = 1;	/* unset, as git config says */
		return NULL;
	}
	if (json) {
		morph_jsonw_init(&w, stdout);
		morph_jsonw_string(&w, value);
		morph_jsonw_finish(&w);
	} else
		puts(value);
	free(value);
	return NULL;
}

const struct morph_cmd morph_cmd_config = {
	"config",
	"config [--global | --local] [--json] [--type type] "
	    "[-l | --unset name | name [value]]",
	"read and write configuration",
	0,
	cmd_config,
};
