/*
 * The suite a commit holds: morph.json, the prompt files and the JSON
 * Lines case files it names, loaded from a tree and checked whole before
 * any request is sent (suite_int.h; the format is morph-suite(5)).
 *
 * Invariants of a loaded suite:
 *	1. Prompts are sorted by path and unique; each has at least one
 *	   message, every role is system, user or assistant and every
 *	   content a string.
 *	2. Every setting has passed check_setting(); a model's params hold
 *	   no null, a prompt's params may (null unsets a setting).
 *	3. Case ids are unique; a case's prompts name prompts of the suite.
 *	4. For every case and every prompt it applies to, each variable the
 *	   prompt's templates use has a value in the case's vars, so that
 *	   morph_suite_render() can only fail when memory runs out.
 *	5. ncases >= 1: a suite without cases has one, "default", with no
 *	   vars, which applies to every prompt.
 */
#include <sys/stat.h>

#include <errno.h>
#include <math.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "morph/object.h"
#include "morph/suite.h"
#include "morph/tree.h"
#include "json_int.h"
#include "jsondup_int.h"
#include "path_int.h"
#include "suite_int.h"

/* The variables one prompt uses, each once. */
struct varlist {
	char	**v;
	size_t	  n;
	size_t	  cap;
};

/* What a suite holds besides its public part, which comes first. */
struct suite_priv {
	struct morph_suite	 pub;
	struct varlist		*pvars;		/* one per prompt */
	size_t			 cap_cases;
	cJSON			*defparams;	/* defaults' settings */
	cJSON			*defasserts;	/* defaults' assert, or [] */
	const cJSON		*prompt_globs;	/* in doc */
	const cJSON		*case_globs;	/* in doc, or NULL */
	/* pub.rule.baselines, whose strings are in doc. */
	struct morph_select_baseline *baselines;
	/* morph_suite_load_some: the cases to keep, and how many were not. */
	morph_suite_keep_cb	 keep;
	void			*keep_arg;
	size_t			 dropped;
};

/* errors */

/*
 * A suite error: "FILE:LINE: FIELD: why", without LINE when line is 0
 * and without FIELD when field is NULL.
 */
static const struct morph_error *
suite_err(const char *file, int line, const char *field, const char *fmt,
    ...) __attribute__((format(printf, 4, 5)));

static const struct morph_error *
suite_err(const char *file, int line, const char *field, const char *fmt,
    ...)
{
	char why[768], where[64] = "";
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (line > 0)
		snprintf(where, sizeof(where), ":%d", line);
	if (field != NULL)
		return morph_error_fmt(MORPH_ERR_SUITE, "%s%s: %s: %s", file,
		    where, field, why);
	return morph_error_fmt(MORPH_ERR_SUITE, "%s%s: %s", file, where, why);
}

/*
 * Another module's error, as a suite error with the same message on one
 * line (a JSON error quotes the text near it, newlines included).
 */
static const struct morph_error *
as_suite_err(const struct morph_error *err)
{
	char msg[1024], *p;

	if (err == NULL || err->code == MORPH_ERR_SUITE ||
	    err->code == MORPH_ERR_NOMEM)
		return err;
	snprintf(msg, sizeof(msg), "%s", err->msg);
	for (p = msg; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
	return morph_error_fmt(MORPH_ERR_SUITE, "%s", msg);
}

/* field = prefix.key, or key alone; long keys are cut short. */
static void
field_name(char *out, size_t size, const char *prefix, const char *key)
{
	if (prefix == NULL || prefix[0] == '\0')
		snprintf(out, size, "%.200s", key);
	else
		snprintf(out, size, "%s.%.200s", prefix, key);
}

/* Bytes that cannot be text: invalid UTF-8 and NUL. 0 or the bad line. */
static int
bad_text_line(const char *data, size_t len)
{
	const char *p = data, *end = data + len, *nl;
	int line = 1;

	if (morph_utf8_check(data, len) == 0 && memchr(data, '\0', len) ==
	    NULL)
		return 0;
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		if (morph_utf8_check(p, (size_t)(nl - p)) != 0 ||
		    memchr(p, '\0', (size_t)(nl - p)) != NULL)
			return line;
		line++;
		p = nl + 1;
	}
	return line;
}

/* Skips a UTF-8 byte-order mark. */
static void
skip_bom(const char **data, size_t *len)
{
	if (*len >= 3 && memcmp(*data, "\xef\xbb\xbf", 3) == 0) {
		*data += 3;
		*len -= 3;
	}
}

/* Whether s is a usable id: non-empty, no control characters. */
static int
id_ok(const char *s)
{
	if (s[0] == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

/*
 * Refuses a key repeated in any object of doc, parsed from the len bytes
 * at text, whose first line is line first of file (jsondup_int.h); root
 * starts the field names.
 */
static const struct morph_error *
check_dups(const cJSON *doc, const char *text, size_t len,
    const char *file, int first, const char *root)
{
	struct morph_json_dup dup;
	int r;

	if ((r = morph_json_find_dup(&dup, doc, text, len, root)) < 0)
		return morph_error(MORPH_ERR_NOMEM);
	if (r == 0)
		return NULL;
	return suite_err(file, first + dup.line - 1, dup.path,
	    "duplicate key");
}

/* Whether key is one of the NULL-ended list. */
static int
is_one_of(const char *key, const char *const *list)
{
	for (; list != NULL && *list != NULL; list++)
		if (strcmp(key, *list) == 0)
			return 1;
	return 0;
}

/*
 * Checks that obj has only the keys of list (and "description", which
 * is ignored everywhere); check_dups has seen that each is there once.
 */
static const struct morph_error *
check_fields(const cJSON *obj, const char *const *list, const char *file,
    int line, const char *prefix)
{
	const cJSON *c;
	char field[256];

	for (c = obj->child; c != NULL; c = c->next) {
		if (strcmp(c->string, "description") == 0 ||
		    is_one_of(c->string, list))
			continue;
		field_name(field, sizeof(field), prefix, c->string);
		return suite_err(file, line, field, "unknown field");
	}
	return NULL;
}

/* sampling settings */

enum setting_kind { S_NUMBER, S_INTEGER, S_STOP, S_FORMAT };

static const struct setting {
	const char		*name;
	enum setting_kind	 kind;
	double			 lo, hi;
	const char		*want;
} settings[] = {
	{ "frequency_penalty", S_NUMBER, -2, 2, "a number from -2 to 2" },
	/* Providers take 32-bit counts, and costs are estimated from them. */
	{ "max_tokens", S_INTEGER, 1, 2147483647.0,
	    "a whole number from 1 to 2147483647" },
	{ "presence_penalty", S_NUMBER, -2, 2, "a number from -2 to 2" },
	{ "response_format", S_FORMAT, 0, 0, "an object whose \"type\" is "
	    "\"text\", \"json_object\" or \"json_schema\"" },
	{ "seed", S_INTEGER, -9007199254740991.0, 9007199254740991.0,
	    "a whole number from -9007199254740991 to 9007199254740991" },
	{ "stop", S_STOP, 0, 0, "a non-empty string or an array of them" },
	{ "temperature", S_NUMBER, 0, 2, "a number from 0 to 2" },
	{ "top_k", S_INTEGER, 1, 2147483647.0,
	    "a whole number from 1 to 2147483647" },
	{ "top_p", S_NUMBER, 0, 1, "a number from 0 to 1" },
};
#define NSETTINGS	(sizeof(settings) / sizeof(settings[0]))

static const struct setting *
find_setting(const char *name)
{
	size_t i;

	for (i = 0; i < NSETTINGS; i++)
		if (strcmp(settings[i].name, name) == 0)
			return &settings[i];
	return NULL;
}

static int
setting_ok(const struct setting *s, const cJSON *v)
{
	const cJSON *t, *c;
	double d;

	switch (s->kind) {
	case S_NUMBER:
	case S_INTEGER:
		if (!cJSON_IsNumber(v))
			return 0;
		d = v->valuedouble;
		if (!(d >= s->lo && d <= s->hi))
			return 0;
		return s->kind == S_NUMBER || (double)(long long)d == d;
	case S_STOP:
		if (cJSON_IsString(v))
			return v->valuestring[0] != '\0';
		if (!cJSON_IsArray(v))
			return 0;
		cJSON_ArrayForEach(c, v)
			if (!cJSON_IsString(c) || c->valuestring[0] == '\0')
				return 0;
		return 1;
	case S_FORMAT:
		if (!cJSON_IsObject(v))
			return 0;
		t = cJSON_GetObjectItemCaseSensitive(v, "type");
		if (!cJSON_IsString(t))
			return 0;
		if (strcmp(t->valuestring, "json_schema") == 0)
			return cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(
			    v, "json_schema"));
		return strcmp(t->valuestring, "text") == 0 ||
		    strcmp(t->valuestring, "json_object") == 0;
	}
	return 0;
}

/*
 * Checks the settings in obj, whose other allowed keys are extra;
 * allow_null lets a null value unset a setting.
 */
static const struct morph_error *
check_settings(const cJSON *obj, const char *const *extra, int allow_null,
    const char *file, const char *prefix)
{
	const struct morph_error *err;
	const struct setting *s;
	struct morph_buf names = MORPH_BUF_INIT;
	const cJSON *c;
	char field[256];
	size_t i;

	for (c = obj->child; c != NULL; c = c->next) {
		if (strcmp(c->string, "description") == 0 ||
		    is_one_of(c->string, extra))
			continue;
		field_name(field, sizeof(field), prefix, c->string);
		if ((s = find_setting(c->string)) == NULL) {
			for (i = 0; i < NSETTINGS; i++)
				morph_buf_printf(&names, "%s%s", i ? ", " : "",
				    settings[i].name);
			err = suite_err(file, 0, field, "unknown setting "
			    "(expected one of %s)", morph_buf_cstr(&names));
			morph_buf_release(&names);
			return err;
		}
		if (allow_null && cJSON_IsNull(c))
			continue;
		if (!setting_ok(s, c))
			return suite_err(file, 0, field, "expected %s",
			    s->want);
	}
	return NULL;
}

/*
 * Sets or, for null, removes in dst every setting of src (which passed
 * check_settings).
 */
static const struct morph_error *
overlay_settings(cJSON *dst, const cJSON *src)
{
	const cJSON *c;
	cJSON *copy;

	for (c = src->child; c != NULL; c = c->next) {
		if (find_setting(c->string) == NULL)
			continue;
		cJSON_DeleteItemFromObjectCaseSensitive(dst, c->string);
		if (cJSON_IsNull(c))
			continue;
		if ((copy = cJSON_Duplicate(c, 1)) == NULL)
			return morph_error(MORPH_ERR_NOMEM);
		if (!cJSON_AddItemToObject(dst, c->string, copy)) {
			cJSON_Delete(copy);
			return morph_error(MORPH_ERR_NOMEM);
		}
	}
	return NULL;
}

const struct morph_error *
morph_suite_params(cJSON **out, const struct morph_suite_model *m,
    const struct morph_suite_prompt *p)
{
	const struct morph_error *err = NULL;

	if ((*out = cJSON_Duplicate(m->params, 1)) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	if (p->params != NULL)
		err = overlay_settings(*out, p->params);
	if (err != NULL) {
		cJSON_Delete(*out);
		*out = NULL;
	}
	return err;
}

/* Checks an array of assertions: objects with a non-empty string type. */
static const struct morph_error *
check_asserts(const cJSON *a, const char *file, int line, const char *field)
{
	const cJSON *c, *t;
	char f[256];
	int i = 0;

	if (!cJSON_IsArray(a))
		return suite_err(file, line, field,
		    "expected an array of assertions");
	cJSON_ArrayForEach(c, a) {
		t = cJSON_GetObjectItemCaseSensitive(c, "type");
		if (!cJSON_IsObject(c) || !cJSON_IsString(t) ||
		    t->valuestring[0] == '\0') {
			snprintf(f, sizeof(f), "%s[%d]", field, i);
			return suite_err(file, line, f, "expected an object "
			    "with a string \"type\"");
		}
		i++;
	}
	return NULL;
}

/* models */

/*
 * Splits "provider:model" as morph_model_parse() will (provider_int.h):
 * on the first ':', or on a '/' that comes before any ':'; the provider
 * is lowercased.  Private until lib/provider.c lands.
 */
static int
split_spec(char **provider, char **model, const char *spec)
{
	const char *colon = strchr(spec, ':'), *slash = strchr(spec, '/');
	const char *sep = colon, *q;
	char *p;

	*provider = *model = NULL;
	if (slash != NULL && (colon == NULL || slash < colon))
		sep = slash;
	if (sep == NULL || sep == spec || sep[1] == '\0')
		return -1;
	for (q = spec; q < sep; q++)
		if ((unsigned char)*q <= ' ')
			return -1;
	*provider = strndup(spec, (size_t)(sep - spec));
	*model = strdup(sep + 1);
	if (*provider == NULL || *model == NULL) {
		free(*provider);
		free(*model);
		*provider = *model = NULL;
		return -2;
	}
	for (p = *provider; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return 0;
}

static const struct morph_error *
spec_err(const char *field, const char *spec)
{
	return suite_err("morph.json", 0, field, "'%.200s' is not a model "
	    "spec: expected provider:model, as in \"openai:gpt-4o-mini\"",
	    spec);
}

static void
model_release(struct morph_suite_model *m)
{
	free(m->id);
	free(m->spec);
	free(m->provider);
	free(m->model);
	cJSON_Delete(m->params);
}

static const struct morph_error *
load_model(struct morph_suite_model *m, const cJSON *v, int i,
    const cJSON *defparams)
{
	static const char *const extra[] = { "id", "model", NULL };
	const struct morph_error *err;
	const cJSON *spec, *id = NULL;
	char field[64], sfield[80];
	int r;

	snprintf(field, sizeof(field), "models[%d]", i);
	if (cJSON_IsString(v)) {
		spec = v;
		snprintf(sfield, sizeof(sfield), "%s", field);
	} else if (cJSON_IsObject(v)) {
		if ((err = check_settings(v, extra, 1, "morph.json", field))
		    != NULL)
			return err;
		spec = cJSON_GetObjectItemCaseSensitive(v, "model");
		id = cJSON_GetObjectItemCaseSensitive(v, "id");
		snprintf(sfield, sizeof(sfield), "%s.model", field);
		if (spec == NULL)
			return suite_err("morph.json", 0, sfield, "missing: "
			    "name the model, as in \"openai:gpt-4o-mini\"");
		if (!cJSON_IsString(spec))
			return suite_err("morph.json", 0, sfield,
			    "expected a string, as in \"openai:gpt-4o-mini\"");
		if (id != NULL && (!cJSON_IsString(id) ||
		    !id_ok(id->valuestring))) {
			snprintf(sfield, sizeof(sfield), "%s.id", field);
			return suite_err("morph.json", 0, sfield, "expected a "
			    "non-empty string without control characters");
		}
	} else
		return suite_err("morph.json", 0, field, "expected "
		    "\"provider:model\" or an object with \"model\"");
	if ((r = split_spec(&m->provider, &m->model, spec->valuestring)) == -2)
		return morph_error(MORPH_ERR_NOMEM);
	if (r != 0 || !id_ok(spec->valuestring))
		return spec_err(sfield, spec->valuestring);
	m->spec = strdup(spec->valuestring);
	m->id = strdup(id != NULL ? id->valuestring : spec->valuestring);
	m->params = cJSON_Duplicate(defparams, 1);
	if (m->spec == NULL || m->id == NULL || m->params == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	if (cJSON_IsObject(v))
		return overlay_settings(m->params, v);
	return NULL;
}

static const struct morph_error *
load_models(struct suite_priv *sp, const cJSON *models)
{
	struct morph_suite *s = &sp->pub;
	const struct morph_error *err;
	const cJSON *v;
	char field[64];
	size_t n, j;
	int i = 0;

	if (models == NULL)
		return NULL;
	if (!cJSON_IsArray(models))
		return suite_err("morph.json", 0, "models",
		    "expected an array of models");
	n = (size_t)cJSON_GetArraySize(models);
	if (n == 0)
		return NULL;
	if ((s->models = calloc(n, sizeof(*s->models))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	cJSON_ArrayForEach(v, models) {
		err = load_model(&s->models[s->nmodels], v, i, sp->defparams);
		s->nmodels++;
		if (err != NULL)
			return err;
		for (j = 0; j + 1 < s->nmodels; j++) {
			if (strcmp(s->models[j].id, s->models[i].id) != 0)
				continue;
			snprintf(field, sizeof(field), "models[%d]", i);
			return suite_err("morph.json", 0, field, "duplicate "
			    "model id '%s' (give each an \"id\")",
			    s->models[i].id);
		}
		i++;
	}
	return NULL;
}

/* morph.json */

static const struct morph_error *
check_globs(const cJSON *a, const char *name, int need_one)
{
	const cJSON *c;
	char field[64];
	int i = 0;

	if (!cJSON_IsArray(a))
		return suite_err("morph.json", 0, name,
		    "expected an array of glob patterns");
	if (need_one && a->child == NULL)
		return suite_err("morph.json", 0, name, "empty: expected at "
		    "least one glob pattern, as in \"prompts/*.txt\"");
	cJSON_ArrayForEach(c, a) {
		if (!cJSON_IsString(c) || c->valuestring[0] == '\0') {
			snprintf(field, sizeof(field), "%s[%d]", name, i);
			return suite_err("morph.json", 0, field,
			    "expected a glob pattern (a non-empty string)");
		}
		i++;
	}
	return NULL;
}

/* v, the baseline of field: the id of a model of s. */
static const struct morph_error *
check_baseline_id(const struct morph_suite *s, const cJSON *v,
    const char *field)
{
	size_t m;

	if (!cJSON_IsString(v) || v->valuestring[0] == '\0')
		return suite_err("morph.json", 0, field,
		    "expected the id of a model of \"models\"");
	for (m = 0; m < s->nmodels; m++)
		if (strcmp(s->models[m].id, v->valuestring) == 0)
			return NULL;
	return suite_err("morph.json", 0, field, "'%s' is not the id of a "
	    "model of \"models\"", v->valuestring);
}

/*
 * "baseline" as an object of prompt globs to model ids: the configured
 * model per prompt.  Whether each key serves a prompt is checked once
 * the prompts are known (check_baselines).
 */
static const struct morph_error *
parse_baselines(struct suite_priv *sp, const cJSON *obj)
{
	struct morph_suite *s = &sp->pub;
	const struct morph_error *err;
	const cJSON *v;
	char field[256];
	size_t n = 0;

	cJSON_ArrayForEach(v, obj) {
		if (!id_ok(v->string))
			return suite_err("morph.json", 0, "select.baseline",
			    "expected keys that are glob patterns of prompt "
			    "paths (non-empty, without control characters)");
		field_name(field, sizeof(field), "select.baseline", v->string);
		if ((err = check_baseline_id(s, v, field)) != NULL)
			return err;
		n++;
	}
	if (n == 0)
		return suite_err("morph.json", 0, "select.baseline", "empty: "
		    "expected at least one prompt glob, as in "
		    "{\"prompts/a.txt\": \"small\", \"**\": \"big\"}");
	if ((sp->baselines = calloc(n, sizeof(*sp->baselines))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	n = 0;
	cJSON_ArrayForEach(v, obj) {
		sp->baselines[n].prompts = v->string;
		sp->baselines[n++].model = v->valuestring;
	}
	s->rule.baselines = sp->baselines;
	s->rule.nbaselines = n;
	return NULL;
}

/*
 * The "select" object: morph select's rule (morph-suite(5)).  A number
 * out of its range, or a baseline that names no model, is refused here,
 * before the data it will judge exists.
 */
static const struct morph_error *
parse_rule(struct suite_priv *sp, const cJSON *sel)
{
	static const char *const fields[] = { "floor", "margin", "alpha",
	    "baseline", NULL };
	static const struct {
		const char	*name;
		double		 lo, hi;
		int		 open;		/* bounds excluded */
		const char	*want;
	} nums[] = {
		{ "floor", 0, 1, 0, "a pass rate from 0 to 1" },
		{ "margin", 0, 1, 2, "a difference of pass rates from 0 to "
		    "1 (1 excluded)" },
		{ "alpha", 0, 0.5, 3, "a significance level between 0 and "
		    "0.5 (both excluded)" },
	};
	struct morph_select_rule def = MORPH_SELECT_RULE_INIT;
	struct morph_suite *s = &sp->pub;
	double *dst[3];
	const struct morph_error *err;
	const cJSON *v;
	char field[64];
	size_t i;

	s->rule = def;
	if (sel == NULL)
		return NULL;
	if (!cJSON_IsObject(sel))
		return suite_err("morph.json", 0, "select", "expected an "
		    "object of \"floor\", \"margin\", \"alpha\" and "
		    "\"baseline\"");
	if ((err = check_fields(sel, fields, "morph.json", 0,
	    "select")) != NULL)
		return err;
	dst[0] = &s->rule.floor;
	dst[1] = &s->rule.margin;
	dst[2] = &s->rule.alpha;
	for (i = 0; i < 3; i++) {
		snprintf(field, sizeof(field), "select.%s", nums[i].name);
		if ((v = cJSON_GetObjectItemCaseSensitive(sel,
		    nums[i].name)) == NULL)
			continue;
		if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) ||
		    v->valuedouble < nums[i].lo ||
		    v->valuedouble > nums[i].hi ||
		    ((nums[i].open & 1) && v->valuedouble == nums[i].lo) ||
		    ((nums[i].open & 2) && v->valuedouble == nums[i].hi))
			return suite_err("morph.json", 0, field, "expected %s",
			    nums[i].want);
		*dst[i] = v->valuedouble;
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(sel, "baseline")) == NULL)
		return NULL;
	if (cJSON_IsObject(v))
		return parse_baselines(sp, v);
	if (!cJSON_IsString(v) || v->valuestring[0] == '\0')
		return suite_err("morph.json", 0, "select.baseline",
		    "expected the id of a model of \"models\", or an object "
		    "of prompt globs to model ids");
	if ((err = check_baseline_id(s, v, "select.baseline")) != NULL)
		return err;
	s->rule.baseline = v->valuestring;
	return NULL;
}

static const struct morph_error *
parse_doc(struct suite_priv *sp, const char *data, size_t len)
{
	static const char *const top[] = { "prompts", "cases", "models",
	    "defaults", "judge", "select", NULL };
	static const char *const defextra[] = { "assert", NULL };
	struct morph_suite *s = &sp->pub;
	const struct morph_error *err;
	const cJSON *doc, *defaults, *judge, *a;
	char *prov, *model;
	int r;

	skip_bom(&data, &len);
	if ((r = bad_text_line(data, len)) != 0)
		return suite_err("morph.json", r, NULL, "not valid UTF-8 text");
	if ((err = morph_json_parse(&s->doc, data, len, "morph.json")) != NULL)
		return as_suite_err(err);
	doc = s->doc;
	if ((err = check_dups(doc, data, len, "morph.json", 1, "")) != NULL)
		return err;
	if (!cJSON_IsObject(doc))
		return suite_err("morph.json", 0, NULL,
		    "expected a JSON object");
	if ((err = check_fields(doc, top, "morph.json", 0, NULL)) != NULL)
		return err;

	sp->prompt_globs = cJSON_GetObjectItemCaseSensitive(doc, "prompts");
	if (sp->prompt_globs == NULL)
		return suite_err("morph.json", 0, "prompts", "missing: name "
		    "the prompt files, as in [\"prompts/*.txt\"]");
	if ((err = check_globs(sp->prompt_globs, "prompts", 1)) != NULL)
		return err;
	sp->case_globs = cJSON_GetObjectItemCaseSensitive(doc, "cases");
	if (sp->case_globs != NULL &&
	    (err = check_globs(sp->case_globs, "cases", 0)) != NULL)
		return err;

	sp->defparams = cJSON_CreateObject();
	if (sp->defparams == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	defaults = cJSON_GetObjectItemCaseSensitive(doc, "defaults");
	if (defaults != NULL) {
		if (!cJSON_IsObject(defaults))
			return suite_err("morph.json", 0, "defaults",
			    "expected an object of settings and \"assert\"");
		if ((err = check_settings(defaults, defextra, 0, "morph.json",
		    "defaults")) != NULL)
			return err;
		if ((err = overlay_settings(sp->defparams, defaults)) != NULL)
			return err;
		a = cJSON_GetObjectItemCaseSensitive(defaults, "assert");
		if (a != NULL) {
			if ((err = check_asserts(a, "morph.json", 0,
			    "defaults.assert")) != NULL)
				return err;
			sp->defasserts = cJSON_Duplicate(a, 1);
		}
	}
	if (sp->defasserts == NULL)
		sp->defasserts = cJSON_CreateArray();
	if (sp->defasserts == NULL)
		return morph_error(MORPH_ERR_NOMEM);

	if ((err = load_models(sp, cJSON_GetObjectItemCaseSensitive(doc,
	    "models"))) != NULL)
		return err;

	if ((err = parse_rule(sp, cJSON_GetObjectItemCaseSensitive(doc,
	    "select"))) != NULL)
		return err;

	judge = cJSON_GetObjectItemCaseSensitive(doc, "judge");
	if (judge != NULL) {
		if (!cJSON_IsString(judge))
			return suite_err("morph.json", 0, "judge", "expected a "
			    "model spec, as in \"openai:gpt-4o-mini\"");
		if ((r = split_spec(&prov, &model, judge->valuestring)) == -2)
			return morph_error(MORPH_ERR_NOMEM);
		free(prov);
		free(model);
		if (r != 0 || !id_ok(judge->valuestring))
			return spec_err("judge", judge->valuestring);
		if ((s->judge = strdup(judge->valuestring)) == NULL)
			return morph_error(MORPH_ERR_NOMEM);
	}
	return NULL;
}

/* prompts */

static const struct morph_error *
varlist_add(const char *name, size_t len, void *arg)
{
	struct varlist *vl = arg;
	char **nv;
	size_t cap;

	if (vl->n == vl->cap) {
		cap = vl->cap ? vl->cap * 2 : 8;
		if ((nv = realloc(vl->v, cap * sizeof(*nv))) == NULL)
			return morph_error(MORPH_ERR_NOMEM);
		vl->v = nv;
		vl->cap = cap;
	}
	if ((vl->v[vl->n] = strndup(name, len)) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	vl->n++;
	return NULL;
}

static int
cmp_var(const void *a, const void *b)
{
	char *const *x = *(char **const *)a, *const *y = *(char **const *)b;
	int c = strcmp(*x, *y);

	/* Ties: the earlier occurrence first. */
	return c != 0 ? c : (x < y ? -1 : x > y);
}

/*
 * Keeps the first occurrence of each name, in order; sorting pointers to
 * the names, not a scan per name, so that a prompt with many variables
 * costs n log n.
 */
static const struct morph_error *
varlist_unique(struct varlist *vl)
{
	char ***by_name, *kept;
	size_t i, k;

	if (vl->n < 2)
		return NULL;
	if ((by_name = calloc(vl->n, sizeof(*by_name))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	for (i = 0; i < vl->n; i++)
		by_name[i] = &vl->v[i];
	qsort(by_name, vl->n, sizeof(*by_name), cmp_var);
	kept = *by_name[0];
	for (i = 1; i < vl->n; i++) {
		if (strcmp(*by_name[i], kept) != 0) {
			kept = *by_name[i];
			continue;
		}
		free(*by_name[i]);
		*by_name[i] = NULL;
	}
	free(by_name);
	for (i = k = 0; i < vl->n; i++)
		if (vl->v[i] != NULL)
			vl->v[k++] = vl->v[i];
	vl->n = k;
	return NULL;
}

static void
varlist_release(struct varlist *vl)
{
	size_t i;

	for (i = 0; i < vl->n; i++)
		free(vl->v[i]);
	free(vl->v);
	vl->v = NULL;
	vl->n = vl->cap = 0;
}

static const struct morph_error *
add_message(cJSON *msgs, const char *role, const char *content,
    struct varlist *vl)
{
	cJSON *m;

	if ((m = cJSON_CreateObject()) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	cJSON_AddItemToArray(msgs, m);
	if (cJSON_AddStringToObject(m, "role", role) == NULL ||
	    cJSON_AddStringToObject(m, "content", content) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	return morph_template_vars(content, varlist_add, vl);
}

static const struct morph_error *
parse_messages(struct morph_suite_prompt *p, struct varlist *vl,
    const cJSON *a, const char *name)
{
	static const char *const fields[] = { "role", "content", NULL };
	const struct morph_error *err;
	const cJSON *m, *role, *content;
	char field[64];
	int i = 0;

	if (!cJSON_IsArray(a))
		return suite_err(name, 0, "messages",
		    "expected an array of messages");
	if (a->child == NULL)
		return suite_err(name, 0, "messages",
		    "empty: expected at least one message");
	cJSON_ArrayForEach(m, a) {
		snprintf(field, sizeof(field), "messages[%d]", i);
		if (!cJSON_IsObject(m))
			return suite_err(name, 0, field, "expected an object "
			    "with \"role\" and \"content\"");
		if ((err = check_fields(m, fields, name, 0, field)) != NULL)
			return err;
		role = cJSON_GetObjectItemCaseSensitive(m, "role");
		content = cJSON_GetObjectItemCaseSensitive(m, "content");
		snprintf(field, sizeof(field), "messages[%d].role", i);
		if (!cJSON_IsString(role) ||
		    (strcmp(role->valuestring, "system") != 0 &&
		    strcmp(role->valuestring, "user") != 0 &&
		    strcmp(role->valuestring, "assistant") != 0))
			return suite_err(name, 0, field, "expected \"system\", "
			    "\"user\" or \"assistant\"");
		snprintf(field, sizeof(field), "messages[%d].content", i);
		if (!cJSON_IsString(content))
			return suite_err(name, 0, field, "expected a string");
		if ((err = add_message(p->messages, role->valuestring,
		    content->valuestring, vl)) != NULL)
			return err;
		i++;
	}
	return NULL;
}

static const struct morph_error *
parse_json_prompt(struct morph_suite_prompt *p, struct varlist *vl,
    const char *name, const char *data, size_t len)
{
	static const char *const fields[] = { "messages", "params", NULL };
	const struct morph_error *err;
	const cJSON *msgs, *params;
	cJSON *doc = NULL;

	if ((err = morph_json_parse(&doc, data, len, name)) != NULL)
		return as_suite_err(err);
	if ((err = check_dups(doc, data, len, name, 1, cJSON_IsArray(doc) ?
	    "messages" : "")) != NULL)
		goto done;
	if (cJSON_IsArray(doc)) {
		err = parse_messages(p, vl, doc, name);
		goto done;
	}
	if (!cJSON_IsObject(doc)) {
		err = suite_err(name, 0, NULL, "expected an array of messages "
		    "or an object with \"messages\"");
		goto done;
	}
	if ((err = check_fields(doc, fields, name, 0, NULL)) != NULL)
		goto done;
	msgs = cJSON_GetObjectItemCaseSensitive(doc, "messages");
	if (msgs == NULL) {
		err = suite_err(name, 0, "messages", "missing");
		goto done;
	}
	if ((err = parse_messages(p, vl, msgs, name)) != NULL)
		goto done;
	params = cJSON_GetObjectItemCaseSensitive(doc, "params");
	if (params != NULL) {
		if (!cJSON_IsObject(params)) {
			err = suite_err(name, 0, "params",
			    "expected an object of settings");
			goto done;
		}
		if ((err = check_settings(params, NULL, 1, name, "params")) !=
		    NULL)
			goto done;
		/* Keep the settings, nulls included, but no description. */
		if ((p->params = cJSON_CreateObject()) == NULL) {
			err = morph_error(MORPH_ERR_NOMEM);
			goto done;
		}
		err = overlay_settings(p->params, params);
		if (err == NULL) {
			const cJSON *c;

			for (c = params->child; c != NULL; c = c->next)
				if (cJSON_IsNull(c) &&
				    cJSON_AddNullToObject(p->params,
				    c->string) == NULL)
					err = morph_error(MORPH_ERR_NOMEM);
		}
	}
done:
	cJSON_Delete(doc);
	return err;
}

/* The extension of the last component of path, or "". */
static const char *
extension(const char *path)
{
	const char *base = strrchr(path, '/'), *dot;

	base = base != NULL ? base + 1 : path;
	dot = strrchr(base, '.');
	return dot != NULL && dot != base ? dot : "";
}

static const struct morph_error *
parse_prompt(struct morph_suite_prompt *p, struct varlist *vl,
    const char *name, const char *data, size_t len)
{
	const char *ext = extension(name);
	const struct morph_error *err;
	char *text;
	int line;

	if ((p->path = strdup(name)) == NULL ||
	    (p->messages = cJSON_CreateArray()) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	skip_bom(&data, &len);
	if ((line = bad_text_line(data, len)) != 0)
		return suite_err(name, line, NULL, "not valid UTF-8 text");
	if (strcasecmp(ext, ".json") == 0) {
		if ((err = parse_json_prompt(p, vl, name, data, len)) != NULL)
			return err;
		return varlist_unique(vl);
	}
	if (strcasecmp(ext, ".txt") != 0 && strcasecmp(ext, ".md") != 0)
		return suite_err(name, 0, NULL, "unknown kind of prompt file: "
		    "expected a name ending in .txt, .md or .json");
	/* As the shell's $(cat file): trailing newlines go (CRLF too). */
	while (len > 0 && data[len - 1] == '\n') {
		len--;
		if (len > 0 && data[len - 1] == '\r')
			len--;
	}
	if (len == 0)
		return suite_err(name, 0, NULL, "empty prompt");
	if ((text = strndup(data, len)) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	err = add_message(p->messages, "user", text, vl);
	free(text);
	return err != NULL ? err : varlist_unique(vl);
}

static void
prompt_release(struct morph_suite_prompt *p)
{
	free(p->path);
	cJSON_Delete(p->messages);
	cJSON_Delete(p->params);
}

/* cases */

/* The index of the prompt at path, or -1 (prompts are sorted by path). */
static long
find_prompt(const struct morph_suite *s, const char *path)
{
	size_t lo = 0, hi = s->nprompts, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(path, s->prompts[mid].path);
		if (c == 0)
			return (long)mid;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

static void
case_release(struct morph_suite_case *c)
{
	size_t i;

	free(c->id);
	free(c->file);
	cJSON_Delete(c->vars);
	cJSON_Delete(c->asserts);
	for (i = 0; i < c->nprompts; i++)
		free(c->prompts[i]);
	free(c->prompts);
}

static const struct morph_error *
new_case(struct suite_priv *sp, struct morph_suite_case **out)
{
	struct morph_suite *s = &sp->pub;
	struct morph_suite_case *nv;
	size_t cap;

	if (s->ncases == sp->cap_cases) {
		cap = sp->cap_cases ? sp->cap_cases * 2 : 16;
		if ((nv = realloc(s->cases, cap * sizeof(*nv))) == NULL)
			return morph_error(MORPH_ERR_NOMEM);
		s->cases = nv;
		sp->cap_cases = cap;
	}
	*out = &s->cases[s->ncases++];
	memset(*out, 0, sizeof(**out));
	return NULL;
}

/* Parses one line of JSON, locating errors by line and column. */
static const struct morph_error *
parse_line(cJSON **out, const char *p, size_t len, const char *name,
    int line)
{
	const char *end = NULL, *q;
	size_t off;
	int hazard;

	*out = NULL;
	if ((hazard = morph_json_hazard(p, len, &off)) != 0)
		return morph_error_fmt(MORPH_ERR_SUITE, "%s:%d:%zu: %s", name,
		    line, off + 1, morph_json_hazard_str(hazard));
	*out = cJSON_ParseWithLengthOpts(p, len, &end, 0);
	if (*out == NULL) {
		off = end != NULL && end >= p ? (size_t)(end - p) : 0;
		/*
		 * A case cut short, or spread over lines as pretty JSON: the
		 * line starts a value and ends before closing it.
		 */
		for (q = p; q < p + len && (*q == ' ' || *q == '\t'); q++)
			;
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t' ||
		    p[len - 1] == '\r'))
			len--;
		if (off >= len || ((*q == '{' || *q == '[') &&
		    p[len - 1] != '}' && p[len - 1] != ']'))
			return suite_err(name, line, NULL, "invalid JSON: "
			    "unexpected end of line (a case must fit on one "
			    "line)");
		return morph_error_fmt(MORPH_ERR_SUITE, "%s:%d:%zu: invalid "
		    "JSON near '%.*s'", name, line, off + 1,
		    (int)(len - off < 16 ? len - off : 16), p + off);
	}
	for (q = end != NULL ? end : p + len; q < p + len; q++) {
		if (*q == ' ' || *q == '\t' || *q == '\r')
			continue;
		cJSON_Delete(*out);
		*out = NULL;
		return morph_error_fmt(MORPH_ERR_SUITE, "%s:%d:%zu: invalid "
		    "JSON: one case a line, and nothing after it", name, line,
		    (size_t)(q - p) + 1);
	}
	return NULL;
}

static const struct morph_error *
load_case(struct suite_priv *sp, cJSON *obj, const char *name, int line,
    int check_prompts)
{
	static const char *const fields[] = { "id", "vars", "assert",
	    "prompts", NULL };
	const struct morph_error *err;
	struct morph_suite_case *c = NULL;
	const cJSON *id, *pr, *x;
	cJSON *vars, *as, *item;
	char field[64];
	int i;

	if (!cJSON_IsObject(obj))
		return suite_err(name, line, NULL, "expected a JSON object, "
		    "one case a line");
	if ((err = check_fields(obj, fields, name, line, NULL)) != NULL)
		return err;
	id = cJSON_GetObjectItemCaseSensitive(obj, "id");
	if (id == NULL)
		return suite_err(name, line, "id", "missing: every case needs "
		    "an id");
	if (!cJSON_IsString(id) || !id_ok(id->valuestring))
		return suite_err(name, line, "id", "expected a non-empty "
		    "string without control characters");
	vars = cJSON_GetObjectItemCaseSensitive(obj, "vars");
	if (vars != NULL && !cJSON_IsObject(vars))
		return suite_err(name, line, "vars", "expected an object");
	as = cJSON_GetObjectItemCaseSensitive(obj, "assert");
	if (as != NULL && (err = check_asserts(as, name, line, "assert")) !=
	    NULL)
		return err;
	pr = cJSON_GetObjectItemCaseSensitive(obj, "prompts");
	if (pr != NULL) {
		if (!cJSON_IsArray(pr))
			return suite_err(name, line, "prompts", "expected an "
			    "array of prompt paths");
		if (pr->child == NULL)
			return suite_err(name, line, "prompts", "empty: name "
			    "at least one prompt, or leave \"prompts\" out");
		i = 0;
		cJSON_ArrayForEach(x, pr) {
			snprintf(field, sizeof(field), "prompts[%d]", i++);
			if (!cJSON_IsString(x))
				return suite_err(name, line, field,
				    "expected a prompt path");
			if (check_prompts && find_prompt(&sp->pub,
			    x->valuestring) < 0)
				return suite_err(name, line, field, "no prompt "
				    "'%.200s' in the suite", x->valuestring);
		}
	}

	if (sp->keep != NULL && !sp->keep(id->valuestring, sp->keep_arg)) {
		sp->dropped++;
		return NULL;
	}
	if ((err = new_case(sp, &c)) != NULL)
		return err;
	c->line = line;
	if ((c->id = strdup(id->valuestring)) == NULL ||
	    (c->file = strdup(name)) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	if (vars != NULL)
		c->vars = cJSON_DetachItemViaPointer(obj, vars);
	else if ((c->vars = cJSON_CreateObject()) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	if ((c->asserts = cJSON_Duplicate(sp->defasserts, 1)) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	if (as != NULL)
		while ((item = cJSON_DetachItemFromArray(as, 0)) != NULL)
			cJSON_AddItemToArray(c->asserts, item);
	if (pr != NULL) {
		c->prompts = calloc((size_t)cJSON_GetArraySize(pr),
		    sizeof(*c->prompts));
		if (c->prompts == NULL)
			return morph_error(MORPH_ERR_NOMEM);
		cJSON_ArrayForEach(x, pr)
			if ((c->prompts[c->nprompts++] =
			    strdup(x->valuestring)) == NULL)
				return morph_error(MORPH_ERR_NOMEM);
	}
	return NULL;
}

static const struct morph_error *
parse_cases(struct suite_priv *sp, const char *name, const char *data,
    size_t len, int check_prompts)
{
	const struct morph_error *err = NULL;
	const char *p, *end, *nl, *q;
	cJSON *obj;
	int line = 0, bad;

	skip_bom(&data, &len);
	if ((bad = bad_text_line(data, len)) != 0)
		return suite_err(name, bad, NULL, "not valid UTF-8 text");
	p = data;
	end = data + len;
	while (p < end && err == NULL) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		line++;
		for (q = p; q < nl && (*q == ' ' || *q == '\t' || *q == '\r');
		    q++)
			;
		if (q < nl) {
			err = parse_line(&obj, p, (size_t)(nl - p), name, line);
			if (err == NULL)
				err = check_dups(obj, p, (size_t)(nl - p), name,
				    line, "");
			if (err == NULL)
				err = load_case(sp, obj, name, line,
				    check_prompts);
			cJSON_Delete(obj);
		}
		p = nl + 1;
	}
	return err;
}

static int
cmp_case_ptr(const void *a, const void *b)
{
	const struct morph_suite_case *x = *(const struct morph_suite_case *
	    const *)a, *y = *(const struct morph_suite_case *const *)b;
	int c = strcmp(x->id, y->id);

	if (c != 0)
		return c;
	/* One array: the address orders cases as the files do. */
	return x < y ? -1 : x > y;
}

/* Refuses the first case (in file order) whose id an earlier one has. */
static const struct morph_error *
check_case_ids(struct morph_suite *s)
{
	const struct morph_suite_case **v, *dup = NULL, *first = NULL;
	size_t i;

	if (s->ncases < 2)
		return NULL;
	if ((v = calloc(s->ncases, sizeof(*v))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	for (i = 0; i < s->ncases; i++)
		v[i] = &s->cases[i];
	qsort(v, s->ncases, sizeof(*v), cmp_case_ptr);
	for (i = 1; i < s->ncases; i++) {
		if (strcmp(v[i]->id, v[i - 1]->id) != 0)
			continue;
		/* The second of its group, and earliest of such seconds. */
		if ((i < 2 || strcmp(v[i - 2]->id, v[i]->id) != 0) &&
		    (dup == NULL || v[i] < dup)) {
			dup = v[i];
			first = v[i - 1];
		}
	}
	free(v);
	if (dup == NULL)
		return NULL;
	return suite_err(dup->file, dup->line, "id", "duplicate case id '%s' "
	    "(first at %s:%d)", dup->id, first->file, first->line);
}

/* loading */

int
morph_suite_case_applies(const struct morph_suite_case *c,
    const struct morph_suite_prompt *p)
{
	size_t i;

	if (c->prompts == NULL)
		return 1;
	for (i = 0; i < c->nprompts; i++)
		if (strcmp(c->prompts[i], p->path) == 0)
			return 1;
	return 0;
}

/* Invariant 4: every case gives every variable its prompts use. */
static const struct morph_error *
check_vars(struct suite_priv *sp)
{
	struct morph_suite *s = &sp->pub;
	const struct morph_suite_case *c;
	const struct varlist *vl;
	size_t i, j, k;

	for (i = 0; i < s->ncases; i++) {
		c = &s->cases[i];
		for (j = 0; j < s->nprompts; j++) {
			if (!morph_suite_case_applies(c, &s->prompts[j]))
				continue;
			vl = &sp->pvars[j];
			for (k = 0; k < vl->n; k++) {
				if (morph_template_lookup(c->vars, vl->v[k],
				    strlen(vl->v[k])) != NULL)
					continue;
				if (c->line == 0)
					return suite_err(s->prompts[j].path, 0,
					    NULL, "variable '%s' is not set: "
					    "the suite has no cases, so the "
					    "prompt runs once with no vars, "
					    "as case 'default'", vl->v[k]);
				return suite_err(c->file, c->line, "vars",
				    "case '%s' does not set '%s', which %s "
				    "uses", c->id, vl->v[k],
				    s->prompts[j].path);
			}
		}
	}
	return NULL;
}

static const struct morph_error *
add_default_case(struct suite_priv *sp)
{
	const struct morph_error *err;
	struct morph_suite_case *c = NULL;

	if ((err = new_case(sp, &c)) != NULL)
		return err;
	c->id = strdup("default");
	c->file = strdup("");
	c->vars = cJSON_CreateObject();
	c->asserts = cJSON_Duplicate(sp->defasserts, 1);
	if (c->id == NULL || c->file == NULL || c->vars == NULL ||
	    c->asserts == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	return NULL;
}

static struct suite_priv *
suite_new(void)
{
	return calloc(1, sizeof(struct suite_priv));
}

const struct morph_error *
morph_suite_files(const struct morph_suite *s,
    const struct morph_error *(*cb)(const char *path, void *), void *arg)
{
	const struct morph_error *err;
	size_t i;

	if ((err = cb("morph.json", arg)) != NULL)
		return err;
	for (i = 0; i < s->nprompts; i++)
		if ((err = cb(s->prompts[i].path, arg)) != NULL)
			return err;
	/* Cases are in file order: a file's cases are together. */
	for (i = 0; i < s->ncases; i++) {
		if (s->cases[i].file[0] == '\0' || (i > 0 &&
		    strcmp(s->cases[i].file, s->cases[i - 1].file) == 0))
			continue;
		if ((err = cb(s->cases[i].file, arg)) != NULL)
			return err;
	}
	return NULL;
}

void
morph_suite_free(struct morph_suite *s)
{
	struct suite_priv *sp = (struct suite_priv *)s;
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nprompts; i++) {
		prompt_release(&s->prompts[i]);
		if (sp->pvars != NULL)
			varlist_release(&sp->pvars[i]);
	}
	free(s->prompts);
	free(sp->pvars);
	for (i = 0; i < s->nmodels; i++)
		model_release(&s->models[i]);
	free(s->models);
	for (i = 0; i < s->ncases; i++)
		case_release(&s->cases[i]);
	free(s->cases);
	free(s->judge);
	cJSON_Delete(s->doc);
	cJSON_Delete(sp->defparams);
	cJSON_Delete(sp->defasserts);
	free(sp->baselines);
	free(sp);
}

/*
 * Whether pattern matches path: fnmatch(3) with FNM_PATHNAME, and a
 * component "**" that matches any number of directories (none included).
 */
static int
glob_match(const char *pat, const char *path)
{
	const char *pslash, *rest;
	char comp[256], name[256];
	size_t plen, nlen;

	if (strstr(pat, "**") == NULL)
		return fnmatch(pat, path, FNM_PATHNAME) == 0;
	for (;;) {
		pslash = strchr(pat, '/');
		plen = pslash ? (size_t)(pslash - pat) : strlen(pat);
		if (plen == 2 && pat[0] == '*' && pat[1] == '*') {
			if (pslash == NULL)
				return 1;
			rest = pslash + 1;
			for (;;) {
				if (glob_match(rest, path))
					return 1;
				if ((path = strchr(path, '/')) == NULL)
					return 0;
				path++;
			}
		}
		nlen = strcspn(path, "/");
		if (plen >= sizeof(comp) || nlen >= sizeof(name))
			return 0;
		memcpy(comp, pat, plen);
		comp[plen] = '\0';
		memcpy(name, path, nlen);
		name[nlen] = '\0';
		if (fnmatch(comp, name, 0) != 0)
			return 0;
		if (pslash == NULL || path[nlen] == '\0')
			return pslash == NULL && path[nlen] == '\0';
		pat = pslash + 1;
		path += nlen + 1;
	}
}

int
morph_suite_glob_match(const char *pattern, const char *path)
{
	return glob_match(pattern, path);
}

/* The first key of rule's baselines that matches path, or nbaselines. */
static size_t
baseline_key(const struct morph_select_rule *rule, const char *path)
{
	size_t k;

	for (k = 0; k < rule->nbaselines; k++)
		if (glob_match(rule->baselines[k].prompts, path))
			break;
	return k;
}

/*
 * Each key of a per-prompt baseline must be the first to match some
 * prompt: a key that matches none is a typo or a prompt since renamed,
 * and one whose prompts an earlier key takes is written in the wrong
 * order; either way the model it names would serve nothing.
 */
static const struct morph_error *
check_baselines(const struct morph_suite *s)
{
	const struct morph_select_rule *rule = &s->rule;
	const char *key, *shadow;
	char field[256];
	size_t i, k;

	for (k = 0; k < rule->nbaselines; k++) {
		key = rule->baselines[k].prompts;
		shadow = NULL;
		for (i = 0; i < s->nprompts; i++) {
			if (!glob_match(key, s->prompts[i].path))
				continue;
			if (baseline_key(rule, s->prompts[i].path) == k)
				break;
			if (shadow == NULL)
				shadow = rule->baselines[baseline_key(rule,
				    s->prompts[i].path)].prompts;
		}
		if (i < s->nprompts)
			continue;
		field_name(field, sizeof(field), "select.baseline", key);
		if (shadow == NULL)
			return suite_err("morph.json", 0, field, "'%s' matches "
			    "no prompt", key);
		return suite_err("morph.json", 0, field, "every prompt '%s' "
		    "matches is taken by the earlier key '%s' (the first key "
		    "that matches a prompt names its model)", key, shadow);
	}
	return NULL;
}

#define MARK_PROMPT	1
#define MARK_CASES	2

/* Marks the files each pattern of globs matches; each must match one. */
static const struct morph_error *
mark(unsigned char *marks, const struct morph_entrylist *files,
    const cJSON *globs, const char *name, int bit)
{
	const cJSON *g;
	char field[64];
	size_t i, hits;
	int k = 0;

	cJSON_ArrayForEach(g, globs) {
		snprintf(field, sizeof(field), "%s[%d]", name, k++);
		hits = 0;
		for (i = 0; i < files->n; i++) {
			if (strcmp(files->v[i].path, "morph.json") == 0 ||
			    !glob_match(g->valuestring, files->v[i].path))
				continue;
			hits++;
			if ((marks[i] & ~bit) != 0)
				return suite_err("morph.json", 0, field,
				    "'%s' matches %s, which is a prompt file",
				    g->valuestring, files->v[i].path);
			marks[i] |= bit;
		}
		if (hits == 0)
			return suite_err("morph.json", 0, field, "'%s' matches "
			    "no file", g->valuestring);
	}
	return NULL;
}

static const struct morph_error *
read_blob(struct morph_object **out, struct morph_repo *repo,
    const struct morph_entry *e)
{
	const struct morph_error *err;

	err = morph_object_read(out, repo, &e->id, MORPH_OBJ_BLOB);
	if (err != NULL)
		return morph_error_wrap(err, "cannot read '%s'", e->path);
	return NULL;
}

const struct morph_error *
morph_suite_load(struct morph_suite **out, struct morph_repo *repo,
    const struct morph_oid *tree)
{
	return morph_suite_load_some(out, repo, tree, NULL, NULL);
}

const struct morph_error *
morph_suite_load_some(struct morph_suite **out, struct morph_repo *repo,
    const struct morph_oid *tree, morph_suite_keep_cb keep, void *arg)
{
	const struct morph_error *err;
	struct morph_entrylist files;
	const struct morph_entry *e;
	struct morph_object *o = NULL;
	struct suite_priv *sp;
	struct morph_suite *s;
	unsigned char *marks = NULL;
	size_t i, n = 0;

	*out = NULL;
	morph_entrylist_init(&files);
	if ((sp = suite_new()) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	sp->keep = keep;
	sp->keep_arg = arg;
	s = &sp->pub;
	if ((err = morph_tree_flatten(&files, repo, tree, NULL)) != NULL)
		goto done;
	if ((e = morph_entrylist_find(&files, "morph.json")) == NULL) {
		err = suite_err("morph.json", 0, NULL, "no such file at the "
		    "root of the commit: a suite starts there "
		    "(see morph-suite(5))");
		goto done;
	}
	if ((err = read_blob(&o, repo, e)) != NULL)
		goto done;
	err = parse_doc(sp, morph_object_data(o), morph_object_size(o));
	morph_object_free(o);
	o = NULL;
	if (err != NULL)
		goto done;

	if (files.n > 0 && (marks = calloc(files.n, 1)) == NULL) {
		err = morph_error(MORPH_ERR_NOMEM);
		goto done;
	}
	if ((err = mark(marks, &files, sp->prompt_globs, "prompts",
	    MARK_PROMPT)) != NULL)
		goto done;
	if (sp->case_globs != NULL && (err = mark(marks, &files,
	    sp->case_globs, "cases", MARK_CASES)) != NULL)
		goto done;

	for (i = 0; i < files.n; i++)
		n += (marks[i] & MARK_PROMPT) != 0;
	s->prompts = calloc(n, sizeof(*s->prompts));
	sp->pvars = calloc(n, sizeof(*sp->pvars));
	if (s->prompts == NULL || sp->pvars == NULL) {
		err = morph_error(MORPH_ERR_NOMEM);
		goto done;
	}
	/* files is sorted by path, so the prompts are too. */
	for (i = 0; i < files.n; i++) {
		if (!(marks[i] & MARK_PROMPT))
			continue;
		if ((err = read_blob(&o, repo, &files.v[i])) != NULL)
			goto done;
		err = parse_prompt(&s->prompts[s->nprompts],
		    &sp->pvars[s->nprompts], files.v[i].path,
		    morph_object_data(o), morph_object_size(o));
		s->nprompts++;
		morph_object_free(o);
		o = NULL;
		if (err != NULL)
			goto done;
	}
	if ((err = check_baselines(s)) != NULL)
		goto done;
	for (i = 0; i < files.n; i++) {
		if (!(marks[i] & MARK_CASES))
			continue;
		if ((err = read_blob(&o, repo, &files.v[i])) != NULL)
			goto done;
		err = parse_cases(sp, files.v[i].path, morph_object_data(o),
		    morph_object_size(o), 1);
		morph_object_free(o);
		o = NULL;
		if (err != NULL)
			goto done;
	}
	if ((err = check_case_ids(s)) != NULL)
		goto done;
	if (s->ncases == 0 && sp->dropped == 0 &&
	    (err = add_default_case(sp)) != NULL)
		goto done;
	err = check_vars(sp);
done:
	free(marks);
	morph_entrylist_release(&files);
	if (err != NULL) {
		morph_suite_free(s);
		return err;
	}
	*out = s;
	return NULL;
}

const struct morph_error *
morph_suite_render(cJSON **out, const struct morph_suite_prompt *p,
    const struct morph_suite_case *c)
{
	const struct morph_error *err = NULL;
	struct morph_buf text = MORPH_BUF_INIT, what = MORPH_BUF_INIT;
	const cJSON *m;
	cJSON *r, *msg;

	*out = NULL;
	if ((r = cJSON_CreateArray()) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	morph_buf_printf(&what, "%s, case '%s'", p->path, c->id);
	if ((err = morph_buf_status(&what)) != NULL)
		goto done;
	cJSON_ArrayForEach(m, p->messages) {
		morph_buf_clear(&text);
		err = morph_template_render(&text, morph_json_str(m, "content"),
		    c->vars, what.ptr);
		if (err != NULL)
			goto done;
		if ((msg = cJSON_CreateObject()) == NULL) {
			err = morph_error(MORPH_ERR_NOMEM);
			goto done;
		}
		cJSON_AddItemToArray(r, msg);
		if (cJSON_AddStringToObject(msg, "role",
		    morph_json_str(m, "role")) == NULL ||
		    cJSON_AddStringToObject(msg, "content",
		    morph_buf_cstr(&text)) == NULL) {
			err = morph_error(MORPH_ERR_NOMEM);
			goto done;
		}
	}
done:
	morph_buf_release(&text);
	morph_buf_release(&what);
	if (err != NULL) {
		cJSON_Delete(r);
		return err;
	}
	*out = r;
	return NULL;
}

const struct morph_error *
morph_suite_parse_file(const char *kind, const char *name, const char *data,
    size_t len)
{
	const struct morph_error *err;
	struct suite_priv *sp;
	struct morph_suite *s;

	if ((sp = suite_new()) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	s = &sp->pub;
	if (strcmp(kind, "morph.json") == 0)
		err = parse_doc(sp, data, len);
	else if (strcmp(kind, "prompt") == 0) {
		s->prompts = calloc(1, sizeof(*s->prompts));
		sp->pvars = calloc(1, sizeof(*sp->pvars));
		if (s->prompts == NULL || sp->pvars == NULL)
			err = morph_error(MORPH_ERR_NOMEM);
		else {
			s->nprompts = 1;
			err = parse_prompt(s->prompts, sp->pvars, name, data,
			    len);
		}
	} else if (strcmp(kind, "cases") == 0) {
		if ((sp->defasserts = cJSON_CreateArray()) == NULL)
			err = morph_error(MORPH_ERR_NOMEM);
		else
			err = parse_cases(sp, name, data, len, 0);
		if (err == NULL)
			err = check_case_ids(s);
	} else
		err = morph_error_fmt(MORPH_ERR_INVALID,
		    "unknown kind of suite file '%s'", kind);
	morph_suite_free(s);
	return err;
}

/* the starter suite of morph init --example */

static const struct morph_example_file example[] = {
	{ "morph.json",
"{\n"
"  \"prompts\": [\"prompts/*.txt\", \"prompts/*.json\"],\n"
"  \"cases\": [\"cases/*.jsonl\"],\n"
"  \"models\": [\n"
"    \"echo:starter\"\n"
"  ],\n"
"  \"defaults\": {\n"
"    \"temperature\": 0,\n"
"    \"max_tokens\": 256,\n"
"    \"assert\": [{\"type\": \"not-icontains\", \"value\": \"as an AI\"}]\n"
"  }\n"
"}\n" },
	{ "prompts/welcome.txt",
"Write a one-line welcome message for {{name}}, who has just joined\n"
"the {{team}} team.  Mention their name and their team.\n" },
	{ "prompts/support.json",
"{\n"
"  \"messages\": [\n"
"    {\"role\": \"system\",\n"
"     \"content\": \"You answer questions about {{product.name}} in at "
"most {{product.sentences}} sentences.\"},\n"
"    {\"role\": \"user\", \"content\": \"{{question}}\"}\n"
"  ],\n"
"  \"params\": {\"max_tokens\": 200}\n"
"}\n" },
	{ "cases/welcome.jsonl",
"{\"id\": \"ada\", \"prompts\": [\"prompts/welcome.txt\"], "
"\"vars\": {\"name\": \"Ada\", \"team\": \"compiler\"}, "
"\"assert\": [{\"type\": \"icontains\", \"value\": \"Ada\"}, "
"{\"type\": \"icontains\", \"value\": \"compiler\"}]}\n"
"{\"id\": \"grace\", \"prompts\": [\"prompts/welcome.txt\"], "
"\"vars\": {\"name\": \"Grace\", \"team\": \"navy systems\"}, "
"\"assert\": [{\"type\": \"icontains\", \"value\": \"Grace\"}]}\n" },
	{ "cases/support.jsonl",
"{\"id\": \"reset-password\", \"prompts\": [\"prompts/support.json\"], "
"\"vars\": {\"product\": {\"name\": \"Acme Notes\", \"sentences\": 3}, "
"\"question\": \"How do I reset my password?\"}, "
"\"assert\": [{\"type\": \"icontains\", \"value\": \"password\"}]}\n"
"{\"id\": \"export-csv\", \"prompts\": [\"prompts/support.json\"], "
"\"vars\": {\"product\": {\"name\": \"Acme Notes\", \"sentences\": 2}, "
"\"question\": \"Can I export my notes as CSV?\"}, "
"\"assert\": [{\"type\": \"contains\", \"value\": \"CSV\"}]}\n" },
	{ NULL, NULL },
};

const struct morph_example_file *
morph_suite_example(void)
{
	return example;
}

const struct morph_error *
morph_suite_example_check(const char *workdir)
{
	const struct morph_example_file *f;
	struct morph_buf path = MORPH_BUF_INIT;
	const struct morph_error *err = NULL;
	struct stat st;

	for (f = example; f->path != NULL && err == NULL; f++) {
		morph_path_join(&path, workdir, f->path);
		if ((err = morph_buf_status(&path)) != NULL)
			break;
		if (lstat(path.ptr, &st) == 0)
			err = morph_error_fmt(MORPH_ERR_EXISTS, "cannot write "
			    "the example suite: '%s' already exists",
			    f->path);
		else if (errno != ENOENT && errno != ENOTDIR)
			err = morph_error_errno("cannot stat '%s'", f->path);
	}
	morph_buf_release(&path);
	return err;
}

const struct morph_error *
morph_suite_example_write(const char *workdir)
{
	const struct morph_example_file *f;
	struct morph_buf path = MORPH_BUF_INIT;
	const struct morph_error *err;

	if ((err = morph_suite_example_check(workdir)) != NULL)
		return err;
	for (f = example; f->path != NULL && err == NULL; f++) {
		morph_path_join(&path, workdir, f->path);
		if ((err = morph_buf_status(&path)) == NULL &&
		    (err = morph_mkdirs_for(workdir, f->path)) == NULL)
			err = morph_file_write(path.ptr, f->text,
			    strlen(f->text), 0644);
	}
	morph_buf_release(&path);
	return err;
}

/* Union (the merge gate) */

static char *
dup_or_null(const char *s, int *nomem)
{
	char *d;

	if (s == NULL)
		return NULL;
	if ((d = strdup(s)) == NULL)
		*nomem = 1;
	return d;
}

static const struct morph_error *
copy_case(struct suite_priv *sp, const struct morph_suite_case *from)
{
	const struct morph_error *err;
	struct morph_suite_case *c = NULL;
	size_t i;
	int nomem = 0;

	if ((err = new_case(sp, &c)) != NULL)
		return err;
	c->id = dup_or_null(from->id, &nomem);
	c->file = dup_or_null(from->file, &nomem);
	c->line = from->line;
	c->vars = cJSON_Duplicate(from->vars, 1);
	c->asserts = cJSON_Duplicate(from->asserts, 1);
	if (from->nprompts > 0 &&
	    (c->prompts = calloc(from->nprompts, sizeof(*c->prompts))) == NULL)
		nomem = 1;
	for (i = 0; !nomem && i < from->nprompts; i++, c->nprompts++)
		c->prompts[i] = dup_or_null(from->prompts[i], &nomem);
	if (nomem || c->vars == NULL || c->asserts == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	return NULL;
}

static const struct morph_error *
copy_model(struct morph_suite *s, const struct morph_suite_model *from)
{
	struct morph_suite_model *nv, *m;
	int nomem = 0;

	if ((nv = realloc(s->models, (s->nmodels + 1) * sizeof(*nv))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	s->models = nv;
	m = &nv[s->nmodels++];
	memset(m, 0, sizeof(*m));
	m->id = dup_or_null(from->id, &nomem);
	m->spec = dup_or_null(from->spec, &nomem);
	m->provider = dup_or_null(from->provider, &nomem);
	m->model = dup_or_null(from->model, &nomem);
	m->params = cJSON_Duplicate(from->params, 1);
	if (nomem || m->params == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	return NULL;
}

const struct morph_error *
morph_suite_union(struct morph_suite *into, const struct morph_suite *from)
{
	struct suite_priv *sp = (struct suite_priv *)into;
	const struct morph_error *err = NULL;
	size_t i, j, n = into->ncases;

	for (i = 0; i < from->ncases && err == NULL; i++) {
		if (from->cases[i].line == 0)
			continue;	/* the implicit "default" case */
		for (j = 0; j < n; j++)
			if (strcmp(into->cases[j].id, from->cases[i].id) == 0)
				break;
		if (j == n)
			err = copy_case(sp, &from->cases[i]);
	}
	n = into->nmodels;
	for (i = 0; i < from->nmodels && err == NULL; i++) {
		for (j = 0; j < n; j++)
			if (strcmp(into->models[j].id, from->models[i].id) == 0)
				break;
		if (j == n)
			err = copy_model(into, &from->models[i]);
	}
	return err;
}
