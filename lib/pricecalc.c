/*
 * Matching models to the rows of a price table, what a call costs (see
 * prices_int.h), and how costs are written (morph/run.h).
 *
 * genai-prices' rules, as its own packages apply them: a provider is
 * found by id, then by its provider_match; a model by the first match
 * rule of the provider's models that takes the model name, lowercased
 * (equals, starts_with, ends_with and contains ignore case; a regex
 * searches the lowercased name); the price in force is the last of a
 * model's conditional prices whose constraint holds, else the first; a
 * tiered price applies the rate of the highest tier whose start the
 * prompt exceeds to all its tokens.  The matching code never trusts the
 * table's shape: a member of the wrong type matches nothing and prices
 * nothing.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <ctype.h>
#include <math.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "morph/jsonw.h"
#include "morph/run.h"
#include "json_int.h"
#include "prices_int.h"
#include "provider_int.h"

#define MS_PER_DAY	86400000LL

/* Times */

int64_t
morph_days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	/* Howard Hinnant's days_from_civil. */
	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Reads exactly n digits at *s into *v, advancing *s. */
static int
digits(const char **s, int n, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*s)[i]))
			return -1;
		*v = *v * 10 + ((*s)[i] - '0');
	}
	*s += n;
	return 0;
}

/* "YYYY-MM-DD" at *s: days since the epoch, advancing *s. */
static int
read_date(const char **s, int64_t *days)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int y, m, d;

	if (digits(s, 4, &y) != 0 || *(*s)++ != '-' ||
	    digits(s, 2, &m) != 0 || *(*s)++ != '-' ||
	    digits(s, 2, &d) != 0)
		return -1;
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1] ||
	    (m == 2 && d == 29 && (y % 4 != 0 || (y % 100 == 0 &&
	    y % 400 != 0))))
		return -1;
	*days = morph_days_from_civil(y, m, d);
	return 0;
}

/*
 * "HH:MM[:SS[.frac]]" then "Z", "+HH:MM", "-HH:MM" or nothing (UTC) at
 * *s: the seconds into the UTC day (0 to 86399), advancing *s.
 */
static int
read_time(const char **s, int *secs)
{
	int h, m, sec = 0, oh, om, t;
	char sign;

	if (digits(s, 2, &h) != 0 || *(*s)++ != ':' || digits(s, 2, &m) != 0)
		return -1;
	if (**s == ':') {
		(*s)++;
		if (digits(s, 2, &sec) != 0)
			return -1;
		if (**s == '.') {
			(*s)++;
			if (!isdigit((unsigned char)**s))
				return -1;
			while (isdigit((unsigned char)**s))
				(*s)++;
		}
	}
	if (h > 23 || m > 59 || sec > 60)
		return -1;
	t = h * 3600 + m * 60 + (sec > 59 ? 59 : sec);
	if (**s == 'Z' || **s == 'z')
		(*s)++;
	else if (**s == '+' || **s == '-') {
		sign = *(*s)++;
		if (digits(s, 2, &oh) != 0 || *(*s)++ != ':' ||
		    digits(s, 2, &om) != 0 || oh > 23 || om > 59)
			return -1;
		t += (sign == '+' ? -1 : 1) * (oh * 3600 + om * 60);
	}
	*secs = ((t % 86400) + 86400) % 86400;
	return 0;
}

int
morph_prices_date(const char *s, int64_t *days)
{
	if (s == NULL || read_date(&s, days) != 0 || *s != '\0')
		return -1;
	return 0;
}

int
morph_prices_tod(const char *s, int *secs)
{
	if (s == NULL || read_time(&s, secs) != 0 || *s != '\0')
		return -1;
	return 0;
}

int
morph_prices_parse_time(int64_t *out_ms, const char *s)
{
	int64_t days;
	int secs = 0;

	if (read_date(&s, &days) != 0)
		return -1;
	if (*s == 'T' || *s == 't' || *s == ' ') {
		s++;
		if (read_time(&s, &secs) != 0)
			return -1;
	}
	if (*s != '\0')
		return -1;
	*out_ms = days * MS_PER_DAY + (int64_t)secs * 1000;
	return 0;
}

/* Match rules */

/* Whether the lowercase text s ends with pattern p, ignoring case. */
static int
ends_with(const char *s, const char *p)
{
	size_t n = strlen(s), k = strlen(p);

	return k <= n && strcasecmp(s + n - k, p) == 0;
}

/* Whether s contains p, ignoring ASCII case. */
static int
contains(const char *s, const char *p)
{
	size_t k = strlen(p);

	for (; *s != '\0'; s++)
		if (strncasecmp(s, p, k) == 0)
			return 1;
	return k == 0;
}

/*
 * Whether the regex pattern matches s: anywhere, as Python's re.search,
 * or with PCRE2_ANCHORED at its start, as re.match.  A pattern that does
 * not compile matches nothing.
 */
static int
regex_matches(const char *pattern, const char *s, uint32_t options)
{
	pcre2_match_data *md;
	pcre2_code *re;
	PCRE2_SIZE off;
	int code, rc;

	re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
	    PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | options, &code, &off, NULL);
	if (re == NULL)
		return 0;
	md = pcre2_match_data_create_from_pattern(re, NULL);
	rc = md != NULL ? pcre2_match(re, (PCRE2_SPTR)s, strlen(s), 0, 0, md,
	    NULL) : -1;
	pcre2_match_data_free(md);
	pcre2_code_free(re);
	return rc >= 0;
}

/* Whether rule takes s (lowercase); a malformed rule takes nothing. */
static int
rule_takes(const cJSON *rule, const char *s, int depth)
{
	const cJSON *c = rule != NULL ? rule->child : NULL, *sub;
	const char *k;
	int any;

	if (!cJSON_IsObject(rule) || c == NULL ||
	    depth > MORPH_PRICES_MAX_DEPTH)
		return 0;
	k = c->string;
	if (strcmp(k, "or") == 0 || strcmp(k, "and") == 0) {
		if (!cJSON_IsArray(c))
			return 0;
		any = 0;
		cJSON_ArrayForEach(sub, c) {
			int t = rule_takes(sub, s, depth + 1);

			if (k[0] == 'o' && t)
				return 1;
			if (k[0] == 'a' && !t)
				return 0;
			any = 1;
		}
		return k[0] == 'a' && any;
	}
	if (!cJSON_IsString(c))
		return 0;
	if (strcmp(k, "equals") == 0)
		return strcasecmp(s, c->valuestring) == 0;
	if (strcmp(k, "starts_with") == 0)
		return strncasecmp(s, c->valuestring,
		    strlen(c->valuestring)) == 0;
	if (strcmp(k, "ends_with") == 0)
		return ends_with(s, c->valuestring);
	if (strcmp(k, "contains") == 0)
		return contains(s, c->valuestring);
	if (strcmp(k, "regex") == 0)
		return regex_matches(c->valuestring, s, 0);
	return 0;
}

/* Finding rows */

/* morph's provider ids that genai-prices spells otherwise. */
static const struct {
	const char	*morph;
	const char	*genai;
} provider_ids[] = {
	{ "gemini", "google" },
	{ "moonshot", "moonshotai" },
	{ "xai", "x-ai" },
};

/* A lowercase copy of s in buf, or NULL when it does not fit. */
static const char *
lower(char *buf, size_t size, const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++) {
		if (i + 1 >= size)
			return NULL;
		buf[i] = (char)tolower((unsigned char)s[i]);
	}
	buf[i] = '\0';
	return buf;
}

static const cJSON *
provider_by_id(const cJSON *table, const char *id)
{
	const cJSON *p;
	const char *pid;

	cJSON_ArrayForEach(p, table)
		if ((pid = morph_json_str(p, "id")) != NULL &&
		    strcmp(pid, id) == 0)
			return p;
	return NULL;
}

/* The table's provider for morph's provider id: by id, then its rule. */
static const cJSON *
provider_for(const cJSON *table, const char *morph_id)
{
	const cJSON *p;
	char id[128];
	size_t i;

	if (lower(id, sizeof(id), morph_id) == NULL)
		return NULL;
	for (i = 0; i < sizeof(provider_ids) / sizeof(provider_ids[0]); i++)
		if (strcmp(id, provider_ids[i].morph) == 0)
			return provider_by_id(table, provider_ids[i].genai);
	if ((p = provider_by_id(table, id)) != NULL)
		return p;
	cJSON_ArrayForEach(p, table)
		if (rule_takes(cJSON_GetObjectItemCaseSensitive(p,
		    "provider_match"), id, 0))
			return p;
	return NULL;
}

/* The first model of provider p whose rule takes ref (lowercase). */
static const cJSON *
model_in(const cJSON *p, const char *ref)
{
	const cJSON *m;

	cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(p, "models"))
		if (morph_json_str(m, "id") != NULL && rule_takes(
		    cJSON_GetObjectItemCaseSensitive(m, "match"), ref, 0))
			return m;
	return NULL;
}

/* The model in p, else in the providers p falls back to. */
static const cJSON *
model_of(const cJSON *table, const cJSON **p, const char *ref)
{
	const cJSON *m, *f, *fp;

	if ((m = model_in(*p, ref)) != NULL)
		return m;
	cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(*p,
	    "fallback_model_providers")) {
		if (!cJSON_IsString(f) ||
		    (fp = provider_by_id(table, f->valuestring)) == NULL)
			continue;
		if ((m = model_in(fp, ref)) != NULL) {
			*p = fp;
			return m;
		}
	}
	return NULL;
}

/*
 * The row of model at the table's provider for morph provider id; for a
 * provider of the configuration (guess), by its base URL or the model
 * name when its id names none.
 */
static int
find_genai(struct morph_price *out, const cJSON *table, const char *id,
    const char *base_url, int guess, const char *model)
{
	const cJSON *p, *m = NULL;
	char ref[512];

	if (lower(ref, sizeof(ref), model) == NULL)
		return -1;
	if ((p = provider_for(table, id)) != NULL)
		m = model_of(table, &p, ref);
	else if (guess) {
		cJSON_ArrayForEach(p, table) {
			const char *pat = morph_json_str(p, "api_pattern");

			if (pat != NULL && base_url != NULL && base_url[0] &&
			    regex_matches(pat, base_url, PCRE2_ANCHORED))
				break;
		}
		if (p == NULL)
			cJSON_ArrayForEach(p, table)
				if (rule_takes(cJSON_GetObjectItemCaseSensitive(
				    p, "model_match"), ref, 0))
					break;
		if (p != NULL)
			m = model_of(table, &p, ref);
	}
	if (m == NULL)
		return -1;
	out->row = m;
	out->provider = morph_json_str(p, "id");
	out->id = morph_json_str(m, "id");
	return 0;
}

static int
find_litellm(struct morph_price *out, const cJSON *table, const char *prefix,
    const char *model)
{
	const cJSON *row = NULL;
	char key[512];

	if (prefix != NULL && prefix[0] != '\0') {
		snprintf(key, sizeof(key), "%s%s", prefix, model);
		row = cJSON_GetObjectItemCaseSensitive(table, key);
	}
	if (row == NULL)
		row = cJSON_GetObjectItemCaseSensitive(table, model);
	if (!cJSON_IsObject(row))
		return -1;
	out->litellm = 1;
	out->row = row;
	out->id = row->string;
	return 0;
}

int
morph_prices_find(struct morph_price *out, struct morph_prices *prices,
    const struct morph_provider *p, const char *model)
{
	char *gp = NULL, *gm = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if (p->local) {
		out->free = 1;
		return 0;
	}
	/* The built-in table parses (test-prices checks it). */
	if (morph_prices_parse(prices) != NULL)
		return -1;
	if (prices->format == MORPH_PRICES_LITELLM)
		return find_litellm(out, prices->table, p->price_prefix, model);
	/* A gateway's model names the provider that answers. */
	if (strcmp(p->id, "otari") == 0 && !p->user_defined) {
		if (morph_model_parse(&gp, &gm, model) != NULL)
			return -1;
		rc = find_genai(out, prices->table, gp, NULL, 0, gm);
		free(gp);
		free(gm);
		return rc;
	}
	return find_genai(out, prices->table, p->id, p->base_url,
	    p->user_defined, model);
}

/* Rates */

/* The number, or the rate a tiered price has for a prompt of in tokens. */
static double
mtok(const cJSON *v, int64_t in)
{
	const cJSON *base, *t;
	double best = -1, start;

	if (cJSON_IsNumber(v))
		return isfinite(v->valuedouble) && v->valuedouble >= 0 ?
		    v->valuedouble : -1;
	base = cJSON_GetObjectItemCaseSensitive(v, "base");
	if (!cJSON_IsNumber(base) || !isfinite(base->valuedouble) ||
	    base->valuedouble < 0)
		return -1;
	/* The highest tier whose start the prompt passes, in any order. */
	cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(v, "tiers")) {
		const cJSON *s = cJSON_GetObjectItemCaseSensitive(t, "start");
		const cJSON *pr = cJSON_GetObjectItemCaseSensitive(t, "price");

		if (!cJSON_IsNumber(s) || !cJSON_IsNumber(pr) ||
		    !isfinite(pr->valuedouble) || pr->valuedouble < 0)
			continue;
		start = s->valuedouble;
		if ((double)in > start && start > best) {
			best = start;
			base = pr;
		}
	}
	return base->valuedouble;
}

/* Whether the constraint c holds at when_ms (NULL always holds). */
static int
holds(const cJSON *c, int64_t when_ms)
{
	const char *date, *from, *to;
	int64_t days, day = when_ms >= 0 ? when_ms / MS_PER_DAY :
	    -((-when_ms + MS_PER_DAY - 1) / MS_PER_DAY);
	int a, b, t;

	if (c == NULL || cJSON_IsNull(c))
		return 1;
	if ((date = morph_json_str(c, "start_date")) != NULL)
		return morph_prices_date(date, &days) == 0 && day >= days;
	from = morph_json_str(c, "start_time");
	to = morph_json_str(c, "end_time");
	if (morph_prices_tod(from, &a) != 0 || morph_prices_tod(to, &b) != 0)
		return 0;
	t = (int)((when_ms - day * MS_PER_DAY) / 1000);
	return a <= b ? a <= t && t < b : t >= a || t < b;
}

/* The index of the price set in force at when_ms in a model's list. */
static int
in_force(const cJSON *list, int64_t when_ms)
{
	int i, n = cJSON_GetArraySize(list);

	for (i = n - 1; i >= 0; i--)
		if (holds(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(
		    list, i), "constraint"), when_ms))
			return i;
	return 0;
}

/* A genai-prices model's price set in force at when_ms. */
static const cJSON *
price_set(const cJSON *model, int64_t when_ms, int *index)
{
	const cJSON *pr = cJSON_GetObjectItemCaseSensitive(model, "prices");

	*index = -1;
	if (!cJSON_IsArray(pr))
		return pr;
	*index = in_force(pr, when_ms);
	return cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(pr,
	    *index), "prices");
}

/* A litellm rate in nano-USD a token for a prompt of in tokens, or -1. */
static double
litellm_rate(const cJSON *row, const char *field, int64_t in)
{
	static const struct {
		int64_t		 above;
		const char	*suffix;
	} tiers[] = {
		{ 200000, "_above_200k_tokens" },
		{ 128000, "_above_128k_tokens" },
	};
	const cJSON *v;
	char key[128];
	size_t i;

	for (i = 0; i < sizeof(tiers) / sizeof(tiers[0]); i++) {
		if (in <= tiers[i].above)
			continue;
		snprintf(key, sizeof(key), "%s%s", field, tiers[i].suffix);
		v = cJSON_GetObjectItemCaseSensitive(row, key);
		if (cJSON_IsNumber(v) && isfinite(v->valuedouble) &&
		    v->valuedouble >= 0)
			return v->valuedouble * 1e9;
	}
	v = cJSON_GetObjectItemCaseSensitive(row, field);
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) ||
	    v->valuedouble < 0)
		return -1;
	return v->valuedouble * 1e9;
}

/* A price set's rate in nano-USD a token (USD per million × 1000). */
static double
genai_rate(const cJSON *set, const char *field, int64_t in)
{
	double v = mtok(cJSON_GetObjectItemCaseSensitive(set, field), in);

	return v < 0 ? -1 : v * 1e3;
}

void
morph_price_rates(struct morph_rates *out, const struct morph_price *pr,
    int64_t when_ms, int64_t in)
{
	const cJSON *set, *k;
	int index;

	out->in = out->out = out->cache_read = out->cache_write = -1;
	out->per_request = -1;
	if (pr->free) {
		out->in = out->out = 0;
		return;
	}
	if (pr->litellm) {
		out->in = litellm_rate(pr->row, "input_cost_per_token", in);
		out->out = litellm_rate(pr->row, "output_cost_per_token", in);
		out->cache_read = litellm_rate(pr->row,
		    "cache_read_input_token_cost", in);
		out->cache_write = litellm_rate(pr->row,
		    "cache_creation_input_token_cost", in);
		return;
	}
	set = price_set(pr->row, when_ms, &index);
	if (!cJSON_IsObject(set))
		return;
	out->in = genai_rate(set, "input_mtok", in);
	out->out = genai_rate(set, "output_mtok", in);
	out->cache_read = genai_rate(set, "cache_read_mtok", in);
	out->cache_write = genai_rate(set, "cache_write_mtok", in);
	k = cJSON_GetObjectItemCaseSensitive(set, "requests_kcount");
	if (cJSON_IsNumber(k) && isfinite(k->valuedouble) &&
	    k->valuedouble >= 0)
		out->per_request = k->valuedouble * 1e6;
}

/* Adds n tokens at rate r to *cost; -1 when tokens have no rate. */
static int
add(double *cost, int64_t n, double r)
{
	if (n <= 0)
		return 0;
	if (r < 0)
		return -1;
	*cost += (double)n * r;
	return 0;
}

int64_t
morph_price_cost(const struct morph_price *pr, int64_t in, int64_t out,
    int64_t cache_read, int64_t cache_write, int64_t when_ms)
{
	struct morph_rates r;
	double cost = 0, rr, rw;

	/* What runs on your machine costs nothing, whatever the tokens. */
	if (pr->free)
		return 0;
	morph_price_rates(&r, pr, when_ms, in);
	/* So does a row whose every price is zero. */
	if (r.in <= 0 && r.out <= 0 && r.cache_read <= 0 &&
	    r.cache_write <= 0 && r.per_request <= 0 &&
	    (r.in == 0 || r.out == 0))
		return 0;
	if (in < 0 || out < 0)
		return -1;
	/* Counts that do not add up are not trusted: all input uncached. */
	if (cache_read < 0 || cache_read > in)
		cache_read = 0;
	if (cache_write < 0 || cache_write > in - cache_read)
		cache_write = 0;
	rr = r.cache_read >= 0 ? r.cache_read : r.in;
	rw = r.cache_write >= 0 ? r.cache_write : r.in;
	if (add(&cost, in - cache_read - cache_write, r.in) != 0 ||
	    add(&cost, cache_read, rr) != 0 ||
	    add(&cost, cache_write, rw) != 0 ||
	    add(&cost, out, r.out) != 0)
		return -1;
	if (r.per_request > 0)
		cost += r.per_request;
	return (int64_t)llround(cost);
}

/* Views for morph prices */

/* USD per million tokens of a rate in nano-USD a token. */
static double
per_million(double r)
{
	return r < 0 ? -1 : r / 1e3;
}

static void
usd_rates(struct morph_price_rates *out, const struct morph_rates *r)
{
	out->in = per_million(r->in);
	out->out = per_million(r->out);
	out->cache_read = per_million(r->cache_read);
	out->cache_write = per_million(r->cache_write);
}

/* Adds start to the ascending list of tier starts, once. */
static int
add_start(int64_t **v, size_t *n, int64_t start)
{
	int64_t *nv;
	size_t i, j;

	for (i = 0; i < *n && (*v)[i] < start; i++)
		;
	if (i < *n && (*v)[i] == start)
		return 0;
	if ((nv = realloc(*v, (*n + 1) * sizeof(*nv))) == NULL)
		return -1;
	*v = nv;
	for (j = *n; j > i; j--)
		nv[j] = nv[j - 1];
	nv[i] = start;
	(*n)++;
	return 0;
}

/* The starts of the tiers pr has at when_ms, ascending. */
static int
tier_starts(int64_t **v, size_t *n, const struct morph_price *pr,
    int64_t when_ms)
{
	static const char *const genai_fields[] = { "input_mtok",
	    "output_mtok", "cache_read_mtok", "cache_write_mtok" };
	static const char *const litellm_fields[] = { "input_cost_per_token",
	    "output_cost_per_token", "cache_read_input_token_cost",
	    "cache_creation_input_token_cost" };
	const cJSON *set, *t, *s;
	char key[128];
	size_t i;
	int index;

	*v = NULL;
	*n = 0;
	if (pr->free)
		return 0;
	if (pr->litellm) {
		for (i = 0; i < 4; i++) {
			snprintf(key, sizeof(key), "%s_above_128k_tokens",
			    litellm_fields[i]);
			if (cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(
			    pr->row, key)) && add_start(v, n, 128000) != 0)
				return -1;
			snprintf(key, sizeof(key), "%s_above_200k_tokens",
			    litellm_fields[i]);
			if (cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(
			    pr->row, key)) && add_start(v, n, 200000) != 0)
				return -1;
		}
		return 0;
	}
	set = price_set(pr->row, when_ms, &index);
	for (i = 0; i < 4; i++) {
		cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(set, genai_fields[i]),
		    "tiers")) {
			s = cJSON_GetObjectItemCaseSensitive(t, "start");
			if (cJSON_IsNumber(s) && s->valuedouble >= 0 &&
			    s->valuedouble < 9e15 &&
			    add_start(v, n, (int64_t)s->valuedouble) != 0)
				return -1;
		}
	}
	return 0;
}

/* The dates of the price in force at when_ms and of the next one. */
static void
view_dates(struct morph_price_view *v, const struct morph_price *pr,
    int64_t when_ms)
{
	const cJSON *list, *c;
	int64_t days, next = -1;
	const char *d;
	int i, index, n;

	if (pr->free || pr->litellm)
		return;
	list = cJSON_GetObjectItemCaseSensitive(pr->row, "prices");
	(void)price_set(pr->row, when_ms, &index);
	if (index < 0)
		return;
	c = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(list, index),
	    "constraint");
	v->start_date = morph_json_str(c, "start_date");
	v->start_time = morph_json_str(c, "start_time");
	v->end_time = morph_json_str(c, "end_time");
	n = cJSON_GetArraySize(list);
	for (i = 0; i < n; i++) {
		c = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(list,
		    i), "constraint");
		if (i != index && v->other_start == NULL &&
		    morph_json_str(c, "start_time") != NULL &&
		    morph_json_str(c, "end_time") != NULL) {
			v->other_start = morph_json_str(c, "start_time");
			v->other_end = morph_json_str(c, "end_time");
		}
		d = morph_json_str(c, "start_date");
		if (d == NULL || morph_prices_date(d, &days) != 0 ||
		    days * MS_PER_DAY <= when_ms)
			continue;
		if (next < 0 || days < next) {
			next = days;
			v->next_date = d;
		}
	}
}

const struct morph_error *
morph_prices_view(struct morph_price_view *out, struct morph_prices *prices,
    struct morph_repo *repo, const char *spec, int64_t at_ms)
{
	const struct morph_error *err;
	struct morph_provider p;
	struct morph_price pr;
	struct morph_rates r;
	char *pid = NULL, *model = NULL;
	int64_t *starts = NULL;
	size_t n = 0, i;

	memset(out, 0, sizeof(*out));
	if ((err = morph_model_parse(&pid, &model, spec)) != NULL)
		return err;
	if ((err = morph_provider_lookup(&p, repo, pid)) != NULL)
		goto done;
	if (morph_prices_find(&pr, prices, &p, model) != 0)
		goto done;
	out->priced = 1;
	out->free = pr.free;
	out->provider = pr.provider;
	out->row = pr.id;
	if (!pr.free && !pr.litellm)
		out->name = morph_json_str(pr.row, "name");
	view_dates(out, &pr, at_ms);
	morph_price_rates(&r, &pr, at_ms, 0);
	usd_rates(&out->base, &r);
	out->per_request = r.per_request < 0 ? -1 : r.per_request / 1e9;
	if (tier_starts(&starts, &n, &pr, at_ms) != 0) {
		err = morph_error(MORPH_ERR_NOMEM);
		goto done;
	}
	if (n > 0 && (out->tiers = calloc(n, sizeof(*out->tiers))) == NULL) {
		err = morph_error(MORPH_ERR_NOMEM);
		goto done;
	}
	for (i = 0; i < n; i++) {
		out->tiers[i].above = starts[i];
		morph_price_rates(&r, &pr, at_ms, starts[i] + 1);
		usd_rates(&out->tiers[i].rates, &r);
	}
	out->ntiers = n;
done:
	free(starts);
	morph_provider_release(&p);
	free(pid);
	free(model);
	if (err != NULL)
		morph_price_view_release(out);
	return err;
}

void
morph_price_view_release(struct morph_price_view *v)
{
	if (v == NULL)
		return;
	free(v->tiers);
	memset(v, 0, sizeof(*v));
}

const char *
morph_usd(int64_t nusd, char *buf, size_t size)
{
	if (nusd < 0)
		snprintf(buf, size, "unpriced");
	else if (nusd >= 10 * 1000000000LL)
		snprintf(buf, size, "$%.2f", (double)nusd / 1e9);
	else
		snprintf(buf, size, "$%.6f", (double)nusd / 1e9);
	return buf;
}

const char *
morph_usd_total(char *buf, size_t size, int64_t nusd, int64_t unpriced)
{
	char usd[32];

	if (unpriced > 0 && nusd <= 0)
		snprintf(buf, size, "unpriced");
	else
		snprintf(buf, size, "%s%s", morph_usd(nusd, usd, sizeof(usd)),
		    unpriced > 0 ? "+" : "");
	return buf;
}

void
morph_usd_total_json(struct morph_jsonw *w, const char *key, int64_t nusd,
    int64_t unpriced)
{
	morph_jsonw_key(w, key);
	if (unpriced > 0 && nusd <= 0)
		morph_jsonw_null(w);
	else
		morph_jsonw_int(w, nusd);
}
