/*
 * morph models: the providers a model spec can name, with the dialect
 * each speaks, its base URL, and the variable that holds its key: set or
 * not, never its value.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

/* The providers to show, copied out of the callbacks. */
struct rows {
	struct morph_provider	*v;
	size_t			 n;
	size_t			 cap;
};

static char *
dup_or_null(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

static const struct morph_error *
add_row(const struct morph_provider *p, void *arg)
{
	struct rows *rows = arg;
	struct morph_provider *v, *c;

	if (rows->n == rows->cap) {
		rows->cap = rows->cap ? rows->cap * 2 : 32;
		if ((v = realloc(rows->v, rows->cap * sizeof(*v))) == NULL)
			return morph_error(MORPH_ERR_NOMEM);
		rows->v = v;
	}
	c = &rows->v[rows->n];
	*c = *p;
	c->id = strdup(p->id);
	c->base_url = strdup(p->base_url);
	c->key_env = dup_or_null(p->key_env);
	c->price_prefix = strdup(p->price_prefix);
	rows->n++;
	if (c->id == NULL || c->base_url == NULL || c->price_prefix == NULL ||
	    (p->key_env != NULL && c->key_env == NULL))
		return morph_error(MORPH_ERR_NOMEM);
	return NULL;
}

/* The KEY column: which variable, and whether it is set. */
static void
key_text(char *buf, size_t size, const struct morph_provider *p)
{
	if (p->key_env == NULL)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%s (%s%s)", p->key_env,
		    p->key_required ? "" : "optional, ",
		    p->key_set ? "set" : "not set");
}

static const char *
notes(const struct morph_provider *p)
{
	if (p->local && p->user_defined)
		return "local, config";
	if (p->local)
		return "local";
	return p->user_defined ? "config" : "";
}

static void
print_table(const struct rows *rows)
{
	const struct morph_provider *p;
	int wid = 8, wdia = 7, wbase = 8, wkey = 3, n;
	char key[160];
	size_t i;

	for (i = 0; i < rows->n; i++) {
		p = &rows->v[i];
		if ((n = (int)strlen(p->id)) > wid)
			wid = n;
		if ((n = (int)strlen(morph_dialect_name(p->dialect))) > wdia)
			wdia = n;
		if ((n = (int)strlen(p->base_url)) > wbase)
			wbase = n;
		key_text(key, sizeof(key), p);
		if ((n = (int)strlen(key)) > wkey)
			wkey = n;
	}
	printf("%-*s  %-*s  %-*s  %-*s  %s\n", wid, "PROVIDER", wdia,
	    "DIALECT", wbase, "BASE URL", wkey, "KEY", "NOTES");
	for (i = 0; i < rows->n; i++) {
		p = &rows->v[i];
		key_text(key, sizeof(key), p);
		/* No trailing blanks when there is no note. */
		if (notes(p)[0] == '\0')
			printf("%-*s  %-*s  %-*s  %s\n", wid, p->id, wdia,
			    morph_dialect_name(p->dialect), wbase,
			    p->base_url[0] != '\0' ? p->base_url : "-", key);
		else
			printf("%-*s  %-*s  %-*s  %-*s  %s\n", wid, p->id,
			    wdia, morph_dialect_name(p->dialect), wbase,
			    p->base_url[0] != '\0' ? p->base_url : "-", wkey,
			    key, notes(p));
	}
}

static void
print_json(const struct rows *rows)
{
	const struct morph_provider *p;
	struct morph_jsonw w;
	size_t i;

	morph_jsonw_init(&w, stdout);
	morph_jsonw_array_begin(&w);
	for (i = 0; i < rows->n; i++) {
		p = &rows->v[i];
		morph_jsonw_object_begin(&w);
		morph_jsonw_kv_string(&w, "id", p->id);
		morph_jsonw_kv_string(&w, "dialect",
		    morph_dialect_name(p->dialect));
		morph_jsonw_kv_string(&w, "base_url", p->base_url[0] != '\0' ?
		    p->base_url : NULL);
		morph_jsonw_kv_string(&w, "key_env", p->key_env);
		morph_jsonw_kv_bool(&w, "key_set", p->key_set);
		morph_jsonw_kv_bool(&w, "key_required", p->key_required);
		morph_jsonw_kv_bool(&w, "local", p->local);
		morph_jsonw_kv_bool(&w, "configured", p->user_defined);
		morph_jsonw_kv_string(&w, "price_prefix", p->price_prefix);
		morph_jsonw_object_end(&w);
	}
	morph_jsonw_array_end(&w);
	morph_jsonw_finish(&w);
}

static const struct morph_error *
cmd_models(struct morph_cmd_ctx *ctx, int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ NULL, 0, NULL, 0 }
	};
	const struct morph_error *err = NULL;
	struct morph_provider p;
	struct morph_repo *repo = NULL;
	struct rows rows = { NULL, 0, 0 };
	char *prov, *model;
	size_t i;
	int c, json = 0;

	while ((c = morph_cmd_getopt(ctx, argc, argv, "", longopts,
	    &err)) != -1) {
		switch (c) {
		case 'J':
			json = 1;
			break;
		default:
			return err;
		}
	}
	argc -= optind;
	argv += optind;

	/* A repository adds its providers; outside one, the user's. */
	err = morph_repo_open(&repo, NULL);
	if (err != NULL && err->code != MORPH_ERR_NOT_REPO)
		return err;
	err = NULL;
	ctx->repo = repo;	/* closed by the dispatcher */

	if (argc == 0)
		err = morph_provider_foreach(repo, add_row, &rows);
	for (c = 0; c < argc && err == NULL; c++) {
		/* A model spec names its provider. */
		if (strpbrk(argv[c], ":/") != NULL) {
			if ((err = morph_model_parse(&prov, &model,
			    argv[c])) != NULL)
				break;
			err = morph_provider_lookup(&p, repo, prov);
			free(prov);
			free(model);
		} else
			err = morph_provider_lookup(&p, repo, argv[c]);
		if (err != NULL)
			break;
		err = add_row(&p, &rows);
		morph_provider_release(&p);
	}
	if (err == NULL) {
		if (json)
			print_json(&rows);
		else
			print_table(&rows);
	}
	for (i = 0; i < rows.n; i++)
		morph_provider_release(&rows.v[i]);
	free(rows.v);
	return err;
}

const struct morph_cmd morph_cmd_models = {
	"models",
	"models [--json] [provider ...]",
	"list providers, their base URLs and key variables",
	0,
	cmd_models,
};
