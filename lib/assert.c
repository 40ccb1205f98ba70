/*
 * Assertions on outputs (see assert_int.h).  Each type is one function
 * in a table; "not-" is handled once, around them.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <ctype.h>
#include <math.h>
#include <pcre2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assert_int.h"
#include "json_int.h"

struct judged {
	int		pass;
	double		score;
	char		reason[512];
};

struct assert_type {
	const char	*name;
	/* What the value must be: a string, strings, a number, or nothing. */
	enum { V_STRING, V_STRINGS, V_NONE, V_OPTIONAL } value;
	int		 needs_threshold;	/* threshold is required */
	const struct morph_error *(*judge)(struct judged *, const cJSON *spec,
	    const struct morph_assert_ctx *);
};

static void
say(struct judged *j, int pass, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
say(struct judged *j, int pass, const char *fmt, ...)
{
	va_list ap;

	j->pass = pass;
	j->score = pass ? 1 : 0;
	va_start(ap, fmt);
	vsnprintf(j->reason, sizeof(j->reason), fmt, ap);
	va_end(ap);
}

/* A short, printable excerpt of s for reasons. */
static const char *
excerpt(const char *s, size_t n, char *buf, size_t size)
{
	size_t i, k = 0;

	for (i = 0; i < n && k + 4 < size; i++)
		buf[k++] = (s[i] == '\n' || s[i] == '\t') ? ' ' : s[i];
	if (i < n && size > 4)
		memcpy(buf + (k > size - 4 ? size - 4 : k), "...", 4);
	else
		buf[k] = '\0';
	return buf;
}

static const char *
value_str(const cJSON *spec)
{
	return morph_json_str(spec, "value");
}

static double
threshold(const cJSON *spec, double def)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(spec, "threshold");

	return cJSON_IsNumber(t) ? t->valuedouble : def;
}

/* Case-insensitive (ASCII) substring search over len bytes. */
static int
find(const char *hay, size_t len, const char *needle, int icase)
{
	size_t n = strlen(needle), i, k;

	if (n == 0)
		return 1;
	for (i = 0; i + n <= len; i++) {
		for (k = 0; k < n; k++) {
			unsigned char a = (unsigned char)hay[i + k];
			unsigned char b = (unsigned char)needle[k];

			if (icase ? tolower(a) != tolower(b) : a != b)
				break;
		}
		if (k == n)
			return 1;
	}
	return 0;
}

static const struct morph_error *
j_equals(struct judged *j, const cJSON *spec, const struct morph_assert_ctx *c)
{
	const char *v = value_str(spec);
	int eq = strlen(v) == c->len && memcmp(v, c->output, c->len) == 0;
	char ex[80];

	if (eq)
		say(j, 1, "output equals the value");
	else
		say(j, 0, "output \"%s\" differs from the value",
		    excerpt(c->output, c->len, ex, sizeof(ex)));
	return NULL;
}

static const struct morph_error *
contains(struct judged *j, const cJSON *spec, const struct morph_assert_ctx *c,
    int icase)
{
	const char *v = value_str(spec);
	int hit = find(c->output, c->len, v, icase);

	say(j, hit, "output %s \"%s\"%s", hit ? "contains" : "lacks", v,
	    icase ? " (any case)" : "");
	return NULL;
}

static const struct morph_error *
j_contains(struct judged *j, const cJSON *spec,
    const struct morph_assert_ctx *c)
{
	return contains(j, spec, c, 0);
}

static const struct morph_error *
j_icontains(struct judged *j, const cJSON *spec,
    const struct morph_assert_ctx *c)
{
	return contains(j, spec, c, 1);
}

/* contains-any / contains-all and their icase forms. */
static const struct morph_error *
contains_set(struct judged *j, const cJSON *spec,
    const struct morph_assert_ctx *c, int all, int icase)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(spec, "value"), *e;
	int hits = 0, n = 0;
	const char *missing = NULL, *first = NULL;

	cJSON_ArrayForEach(e, v) {
		n++;
		if (find(c->output, c->len, e->valuestring, icase)) {
			hits++;
			if (first == NULL)
				first = e->valuestring;
		} else if (missing == NULL)
			missing = e->valuestring;
	}
	if (all && hits == n)
		say(j, 1, "output contains all %d values", n);
	else if (all)
		say(j, 0, "output lacks \"%s\" (%d of %d found)", missing,
		    hits, n);
	else if (hits > 0)
		say(j, 1, "output contains \"%s\"", first);
	else
		say(j, 0, "output contains none of the %d values", n);
	return NULL;
}

static const struct morph_error *
j_contains_any(struct judged *j, const cJSON *s,
    const struct morph_assert_ctx *c)
{
	return contains_set(j, s, c, 0, 0);
}

static const struct morph_error *
j_contains_all(struct judged *j, const cJSON *s,
    const struct morph_assert_ctx *c)
{
	return contains_set(j, s, c, 1, 0);
}

static const struct morph_error *
j_icontains_any(struct judged *j, const cJSON *s,
    const struct morph_assert_ctx *c)
{
	return contains_set(j, s, c, 0, 1);
}

static const struct morph_error *
j_icontains_all(struct judged *j, const cJSON *s,
    const struct morph_assert_ctx *c)
{
	return contains_set(j, s, c, 1, 1);
}

static const struct morph_error *
j_starts_with(struct judged *j, const cJSON *spec,
    const struct morph_assert_ctx *c)
{
	const char *v = value_str(spec);
	size_t n = strlen(v);
	int ok = n <= c->len && memcmp(c->output, v, n) == 0;
	char ex[80];

	if (ok)
		say(j, 1, "output starts with \"%s\"", v);
	else
		say(j, 0, "output starts with \"%s\", not \"%s\"",
		    excerpt(c->output, c->len < 40 ? c->len : 40, ex,
		    sizeof(ex)), v);
	return NULL;
}

static const struct morph_error *
compile(pcre2_code **out, const char *pattern)
{
	PCRE2_SIZE off;
	int code;
	unsigned char msg[256];

	*out = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
	    PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &code, &off, NULL);
	if (*out != NULL)
		return NULL;
	pcre2_get_error_message(code, msg, sizeof(msg));
	return morph_error_fmt(MORPH_ERR_SUITE, "invalid regex \"%s\" at "
	    "offset %zu: %s", pattern, (size_t)off, msg);
}

static const struct morph_error *
j_regex(struct judged *j, const cJSON *spec, const struct morph_assert_ctx *c)
{
	const struct morph_error *err;
	pcre2_match_data *md;
	pcre2_code *re;
	int rc;

	if ((err = compile(&re, value_str(spec))) != NULL)
		return err;
	md = pcre2_match_data_create_from_pattern(re, NULL);
	rc = md ? pcre2_match(re, (PCRE2_SPTR)c->output, c->len, 0, 0, md,
	    NULL) : PCRE2_ERROR_NOMEMORY;
	if (rc >= 0)
		say(j, 1, "output matches /%s/", value_str(spec));
	else if (rc == PCRE2_ERROR_NOMATCH)
		say(j, 0, "output does not match /%s/", value_str(spec));
	else
		say(j, 0, "regex /%s/ could not be matched (PCRE2 error %d)",
		    value_str(spec), rc);
	pcre2_match_data_free(md);
	pcre2_code_free(re);
	return NULL;
}

static const struct morph_error *
j_is_json(struct judged *j, const cJSON *spec, const struct morph_assert_ctx *c)
{
	cJSON *doc = NULL;
	const struct morph_error *bad;

	(void)spec;
	bad = morph_json_parse(&doc, c->output, c->len, "output");
	if (bad == NULL)
		say(j, 1, "output is valid JSON");
	else
		say(j, 0, "%s", bad->msg);
	cJSON_Delete(doc);
	return NULL;
}

static const struct morph_error *
j_contains_json(struct judged *j, const cJSON *spec,
    const struct morph_assert_ctx *c)
{
	const char *end;
	size_t i;
	cJSON *doc;

	(void)spec;
	for (i = 0; i < c->len; i++) {
		if (c->output[i] != '{' && c->output[i] != '[')
			continue;
		doc = cJSON_ParseWithLengthOpts(c->output + i, c->len - i,
		    &end, 0);
		if (doc != NULL) {
			cJSON_Delete(doc);
			say(j, 1, "output contains JSON at offset %zu", i);
			return NULL;
		}
	}
	say(j, 0, "output contains no JSON object or array");
	return NULL;
}

/* Levenshtein distance over bytes, O(min) memory. */
static size_t
levenshtein(const char *a, size_t n, const char *b, size_t m)
{
	size_t *row, i, k, prev, cur, best;

	if (n < m) {
		const char *t = a;

		a = b;
		b = t;
		k = n;
		n = m;
		m = k;
	}
	if ((row = malloc((m + 1) * sizeof(*row))) == NULL)
		return (size_t)-1;
	for (k = 0; k <= m; k++)
		row[k] = k;
	for (i = 1; i <= n; i++) {
		prev = row[0];
		row[0] = i;
		for (k = 1; k <= m; k++) {
			cur = row[k];
			best = prev + (a[i - 1] != b[k - 1]);
			if (row[k] + 1 < best)
				best = row[k] + 1;
			if (row[k - 1] + 1 < best)
				best = row[k - 1] + 1;
			row[k] = best;
			prev = cur;
		}
	}
	k = row[m];
	free(row);
	return k;
}

static const struct morph_error *
j_levenshtein(struct judged *j, const cJSON *spec,
    const struct morph_assert_ctx *c)
{
	const char *v = value_str(spec);
	double max = threshold(spec, 5);
	size_t d;

	if (strlen(v) > 100000 || c->len > 100000) {
		say(j, 0, "texts too long for a Levenshtein distance");
		return NULL;
	}
	d = levenshtein(c->output, c->len, v, strlen(v));
	say(j, (double)d <= max, "edit distance %zu %s %g", d,
	    (double)d <= max ? "<=" : ">", max);
	return NULL;
}

static const struct morph_error *
j_cost(struct judged *j, const cJSON *spec, const struct morph_assert_ctx *c)
{
	double max = threshold(spec, 0);

	if (c->cost_nusd < 0)
		say(j, 0, "cost unknown (unpriced); threshold $%g", max);
	else
		say(j, (double)c->cost_nusd / 1e9 <= max, "cost $%.6f %s $%g",
		    (double)c->cost_nusd / 1e9, (double)c->cost_nusd / 1e9 <=
		    max ? "<=" : ">", max);
	return NULL;
}

static const struct morph_error *
j_latency(struct judged *j, const cJSON *spec,
    const struct morph_assert_ctx *c)
{
	double max = threshold(spec, 0);

	if (c->latency_ms < 0)
		say(j, 0, "latency unknown; threshold %g ms", max);
	else
		say(j, (double)c->latency_ms <= max, "latency %lld ms %s %g ms",
		    (long long)c->latency_ms, (double)c->latency_ms <= max ?
		    "<=" : ">", max);
	return NULL;
}

static const struct assert_type types[] = {
	{ "contains", V_STRING, 0, j_contains },
	{ "contains-all", V_STRINGS, 0, j_contains_all },
	{ "contains-any", V_STRINGS, 0, j_contains_any },
	{ "contains-json", V_OPTIONAL, 0, j_contains_json },
	{ "cost", V_NONE, 1, j_cost },
	{ "equals", V_STRING, 0, j_equals },
	{ "icontains", V_STRING, 0, j_icontains },
	{ "icontains-all", V_STRINGS, 0, j_icontains_all },
	{ "icontains-any", V_STRINGS, 0, j_icontains_any },
	{ "is-json", V_OPTIONAL, 0, j_is_json },
	{ "latency", V_NONE, 1, j_latency },
	{ "levenshtein", V_STRING, 0, j_levenshtein },
	{ "regex", V_STRING, 0, j_regex },
	{ "starts-with", V_STRING, 0, j_starts_with },
};

static const struct assert_type *
lookup(const char *name, int *negate)
{
	size_t i;

	*negate = strncmp(name, "not-", 4) == 0;
	if (*negate)
		name += 4;
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(types[i].name, name) == 0)
			return &types[i];
	return NULL;
}

const struct morph_error *
morph_assert_check(const cJSON *spec)
{
	const struct assert_type *t;
	const cJSON *v, *w, *th, *e;
	const char *name;
	pcre2_code *re;
	const struct morph_error *err;
	int negate;

	if (!cJSON_IsObject(spec))
		return morph_error_fmt(MORPH_ERR_SUITE,
		    "an assertion is an object with a \"type\"");
	if ((name = morph_json_str(spec, "type")) == NULL)
		return morph_error_fmt(MORPH_ERR_SUITE,
		    "assertion has no \"type\"");
	if ((t = lookup(name, &negate)) == NULL)
		return morph_error_fmt(MORPH_ERR_SUITE, "unknown assertion "
		    "type \"%s\"", name);
	v = cJSON_GetObjectItemCaseSensitive(spec, "value");
	switch (t->value) {
	case V_STRING:
		if (!cJSON_IsString(v))
			return morph_error_fmt(MORPH_ERR_SUITE, "%s: \"value\" "
			    "must be a string", name);
		break;
	case V_STRINGS:
		if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) == 0)
			return morph_error_fmt(MORPH_ERR_SUITE, "%s: \"value\" "
			    "must be a non-empty array of strings", name);
		cJSON_ArrayForEach(e, v)
			if (!cJSON_IsString(e))
				return morph_error_fmt(MORPH_ERR_SUITE, "%s: "
				    "\"value\" must be an array of strings",
				    name);
		break;
	case V_NONE:
		if (v != NULL)
			return morph_error_fmt(MORPH_ERR_SUITE, "%s takes a "
			    "\"threshold\", not a \"value\"", name);
		break;
	case V_OPTIONAL:
		break;
	}
	th = cJSON_GetObjectItemCaseSensitive(spec, "threshold");
	if (th != NULL && (!cJSON_IsNumber(th) || th->valuedouble < 0))
		return morph_error_fmt(MORPH_ERR_SUITE, "%s: \"threshold\" "
		    "must be a number >= 0", name);
	if (t->needs_threshold && th == NULL)
		return morph_error_fmt(MORPH_ERR_SUITE, "%s needs a "
		    "\"threshold\"", name);
	w = cJSON_GetObjectItemCaseSensitive(spec, "weight");
	if (w != NULL && (!cJSON_IsNumber(w) || w->valuedouble < 0))
		return morph_error_fmt(MORPH_ERR_SUITE, "%s: \"weight\" must "
		    "be a number >= 0", name);
	if (t->judge == j_regex) {
		if ((err = compile(&re, v->valuestring)) != NULL)
			return err;
		pcre2_code_free(re);
	}
	return NULL;
}

const struct morph_error *
morph_assert_eval(cJSON **out, const cJSON *spec,
    const struct morph_assert_ctx *ctx)
{
	const struct morph_error *err;
	const struct assert_type *t;
	struct judged j;
	const cJSON *w;
	cJSON *v;
	int negate;

	*out = NULL;
	if ((err = morph_assert_check(spec)) != NULL)
		return err;
	t = lookup(morph_json_str(spec, "type"), &negate);
	memset(&j, 0, sizeof(j));
	if ((err = t->judge(&j, spec, ctx)) != NULL)
		return err;
	if (negate) {
		j.pass = !j.pass;
		j.score = 1 - j.score;
	}
	w = cJSON_GetObjectItemCaseSensitive(spec, "weight");
	if ((v = cJSON_CreateObject()) == NULL ||
	    cJSON_AddStringToObject(v, "type",
	    morph_json_str(spec, "type")) == NULL ||
	    cJSON_AddBoolToObject(v, "pass", j.pass) == NULL ||
	    cJSON_AddNumberToObject(v, "score", j.score) == NULL ||
	    cJSON_AddNumberToObject(v, "weight", cJSON_IsNumber(w) ?
	    w->valuedouble : 1) == NULL ||
	    cJSON_AddStringToObject(v, "reason", j.reason) == NULL) {
		cJSON_Delete(v);
		return morph_error(MORPH_ERR_NOMEM);
	}
	*out = v;
	return NULL;
}

const struct morph_error *
morph_assert_all(cJSON **verdicts, int *pass, int *asserted,
    const cJSON *specs, const struct morph_assert_ctx *ctx)
{
	const struct morph_error *err;
	const cJSON *s;
	cJSON *v;

	*pass = 1;
	*asserted = 0;
	if ((*verdicts = cJSON_CreateArray()) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	cJSON_ArrayForEach(s, specs) {
		if ((err = morph_assert_eval(&v, s, ctx)) != NULL) {
			cJSON_Delete(*verdicts);
			*verdicts = NULL;
			return err;
		}
		*asserted = 1;
		if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(v, "pass")))
			*pass = 0;
		cJSON_AddItemToArray(*verdicts, v);
	}
	return NULL;
}
