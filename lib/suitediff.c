/*
 * What changed in the model settings between the suites of two commits
 * (morph diff's settings table; see include/morph/suite.h).
 */
#include <stdlib.h>
#include <string.h>

#include "morph/commit.h"
#include "morph/suite.h"
#include "morph/tree.h"
#include "json_int.h"
#include "suite_int.h"

/* The suite of commit, or NULL when the commit has no morph.json. */
static const struct morph_error *
load(struct morph_suite **out, struct morph_repo *repo,
    const struct morph_oid *commit)
{
	const struct morph_error *err;
	struct morph_commit *c;
	struct morph_oid blob;
	unsigned int mode;

	*out = NULL;
	if ((err = morph_commit_read(&c, repo, commit)) != NULL)
		return err;
	err = morph_tree_lookup(&blob, &mode, repo, morph_commit_tree(c),
	    "morph.json");
	if (err == NULL)
		err = morph_suite_load(out, repo, morph_commit_tree(c));
	else if (err->code == MORPH_ERR_NOT_FOUND)
		err = NULL;
	morph_commit_free(c);
	return err;
}

static const struct morph_suite_model *
find(const struct morph_suite *s, const char *id)
{
	size_t i;

	for (i = 0; s != NULL && i < s->nmodels; i++)
		if (strcmp(s->models[i].id, id) == 0)
			return &s->models[i];
	return NULL;
}

/* A value as compact canonical JSON (strings without quotes), or NULL. */
static char *
text(const cJSON *v)
{
	struct morph_buf b = MORPH_BUF_INIT;

	if (v == NULL)
		return NULL;
	if (cJSON_IsString(v))
		return strdup(v->valuestring);
	if (morph_json_canonical(&b, v) != NULL) {
		morph_buf_release(&b);
		return NULL;
	}
	return morph_buf_detach(&b, NULL);
}

static const struct morph_error *
row(morph_settings_cb cb, void *arg, const char *model, const char *setting,
    const cJSON *a, const cJSON *b)
{
	const struct morph_error *err;
	char *ta = text(a), *tb = text(b);

	if ((ta == NULL) == (a == NULL) && (tb == NULL) == (b == NULL) &&
	    ta != NULL && tb != NULL && strcmp(ta, tb) == 0)
		err = NULL;
	else if (ta == NULL && tb == NULL)
		err = NULL;
	else
		err = cb(model, setting, ta, tb, arg);
	free(ta);
	free(tb);
	return err;
}

/* Rows for one model present in either suite. */
static const struct morph_error *
compare(const struct morph_suite_model *a, const struct morph_suite_model *b,
    const char *id, morph_settings_cb cb, void *arg)
{
	const struct morph_error *err;
	const cJSON *v;
	cJSON *sa = NULL, *sb = NULL;

	sa = a ? cJSON_CreateString(a->spec) : NULL;
	sb = b ? cJSON_CreateString(b->spec) : NULL;
	err = row(cb, arg, id, "model", sa, sb);
	cJSON_Delete(sa);
	cJSON_Delete(sb);
	if (err != NULL || a == NULL || b == NULL)
		return err;
	/* Settings of the old suite, then those only the new one has. */
	cJSON_ArrayForEach(v, a->params)
		if ((err = row(cb, arg, id, v->string, v,
		    cJSON_GetObjectItemCaseSensitive(b->params,
		    v->string))) != NULL)
			return err;
	cJSON_ArrayForEach(v, b->params)
		if (cJSON_GetObjectItemCaseSensitive(a->params,
		    v->string) == NULL &&
		    (err = row(cb, arg, id, v->string, NULL, v)) != NULL)
			return err;
	return NULL;
}

const struct morph_error *
morph_suite_settings_compare(const struct morph_suite *a,
    const struct morph_suite *b, morph_settings_cb cb, void *arg)
{
	const struct morph_error *err = NULL;
	cJSON *ja = NULL, *jb = NULL;
	size_t i;

	for (i = 0; b != NULL && i < b->nmodels && err == NULL; i++)
		err = compare(find(a, b->models[i].id), &b->models[i],
		    b->models[i].id, cb, arg);
	for (i = 0; a != NULL && i < a->nmodels && err == NULL; i++)
		if (find(b, a->models[i].id) == NULL)
			err = compare(&a->models[i], NULL, a->models[i].id, cb,
			    arg);
	if (err == NULL) {
		ja = a && a->judge ? cJSON_CreateString(a->judge) : NULL;
		jb = b && b->judge ? cJSON_CreateString(b->judge) : NULL;
		err = row(cb, arg, "(judge)", "model", ja, jb);
	}
	cJSON_Delete(ja);
	cJSON_Delete(jb);
	return err;
}

const struct morph_error *
morph_suite_settings_diff(struct morph_repo *repo,
    const struct morph_oid *old_commit, const struct morph_oid *new_commit,
    morph_settings_cb cb, void *arg)
{
	const struct morph_error *err;
	struct morph_suite *a = NULL, *b = NULL;

	if ((err = load(&a, repo, old_commit)) == NULL &&
	    (err = load(&b, repo, new_commit)) == NULL)
		err = morph_suite_settings_compare(a, b, cb, arg);
	morph_suite_free(a);
	morph_suite_free(b);
	return err;
}
