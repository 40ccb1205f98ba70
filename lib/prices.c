/*
 * Price tables (see prices_int.h and morph/prices.h): which one applies,
 * reading and checking them, storing them, and the updates morph prices
 * update fetches.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <math.h>
#include <pcre2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fetch_int.h"
#include "json_int.h"
#include "jsondup_int.h"
#include "path_int.h"
#include "prices_int.h"
#include "repo_int.h"
#include "runs_int.h"
#include "store_int.h"

/* lib/data/genai-prices.json, embedded by the build (prices_data.c). */
extern const unsigned char morph_prices_builtin[];
extern const size_t morph_prices_builtin_len;

/* A price file or download larger than this is refused. */
#define MAX_TABLE	((size_t)64 << 20)
/* Fewer is no genai-prices table (litellm's bound for its models). */
#define MIN_PROVIDERS	5
#define MIN_MODELS	50

/* Checking a genai-prices table */

struct check {
	char	*why;
	size_t	 size;
	char	 path[512];		/* where we are, "providers[3]..." */
};

static int bad(struct check *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static int
bad(struct check *c, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c->path[0] != '\0')
		snprintf(c->why, c->size, "%s: %s", c->path, msg);
	else
		snprintf(c->why, c->size, "%s", msg);
	return -1;
}

/* Appends to the path; returns the length to cut it back to. */
static size_t push(struct check *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static size_t
push(struct check *c, const char *fmt, ...)
{
	size_t n = strlen(c->path);
	va_list ap;

	va_start(ap, fmt);
	if (n < sizeof(c->path))
		vsnprintf(c->path + n, sizeof(c->path) - n, fmt, ap);
	va_end(ap);
	return n;
}

static void
pop(struct check *c, size_t n)
{
	c->path[n] = '\0';
}

static int
is_price(const cJSON *v)
{
	return cJSON_IsNumber(v) && isfinite(v->valuedouble) &&
	    v->valuedouble >= 0;
}

static int
check_regex(struct check *c, const char *pattern)
{
	unsigned char msg[256];
	PCRE2_SIZE off;
	pcre2_code *re;
	int code;

	re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
	    PCRE2_UTF, &code, &off, NULL);
	if (re != NULL) {
		pcre2_code_free(re);
		return 0;
	}
	pcre2_get_error_message(code, msg, sizeof(msg));
	return bad(c, "regex \"%.100s\" does not compile at offset %zu: %s",
	    pattern, (size_t)off, msg);
}

static int
check_rule(struct check *c, const cJSON *rule, int depth)
{
	const cJSON *m, *sub;
	size_t n;
	int i = 0;

	if (!cJSON_IsObject(rule) || (m = rule->child) == NULL ||
	    m->next != NULL)
		return bad(c, "a match rule is an object with one member: "
		    "equals, starts_with, ends_with, contains, regex, or or "
		    "and");
	if (depth > MORPH_PRICES_MAX_DEPTH)
		return bad(c, "match rules nest deeper than %d",
		    MORPH_PRICES_MAX_DEPTH);
	if (strcmp(m->string, "or") == 0 || strcmp(m->string, "and") == 0) {
		if (!cJSON_IsArray(m) || cJSON_GetArraySize(m) == 0)
			return bad(c, "%s: expected an array of rules",
			    m->string);
		cJSON_ArrayForEach(sub, m) {
			n = push(c, ".%s[%d]", m->string, i++);
			if (check_rule(c, sub, depth + 1) != 0)
				return -1;
			pop(c, n);
		}
		return 0;
	}
	if (strcmp(m->string, "equals") != 0 &&
	    strcmp(m->string, "starts_with") != 0 &&
	    strcmp(m->string, "ends_with") != 0 &&
	    strcmp(m->string, "contains") != 0 &&
	    strcmp(m->string, "regex") != 0)
		return bad(c, "unknown match rule '%.60s'", m->string);
	if (!cJSON_IsString(m))
		return bad(c, "%s: expected a string", m->string);
	if (strcmp(m->string, "regex") == 0)
		return check_regex(c, m->valuestring);
	return 0;
}

/* A price: a number, or {base, tiers: [{start, price}]}. */
static int
check_price(struct check *c, const cJSON *v)
{
	const cJSON *m, *t, *start;
	int i = 0;

	if (is_price(v))
		return 0;
	if (!cJSON_IsObject(v))
		return bad(c, "expected a price (a number of USD, 0 or more) "
		    "or {\"base\", \"tiers\"}");
	cJSON_ArrayForEach(m, v)
		if (strcmp(m->string, "base") != 0 &&
		    strcmp(m->string, "tiers") != 0)
			return bad(c, "unknown member '%.60s' of a tiered "
			    "price", m->string);
	if (!is_price(cJSON_GetObjectItemCaseSensitive(v, "base")))
		return bad(c, "base: expected a price");
	m = cJSON_GetObjectItemCaseSensitive(v, "tiers");
	if (!cJSON_IsArray(m))
		return bad(c, "tiers: expected an array");
	cJSON_ArrayForEach(t, m) {
		start = cJSON_GetObjectItemCaseSensitive(t, "start");
		if (!cJSON_IsNumber(start) || start->valuedouble < 0 ||
		    start->valuedouble != floor(start->valuedouble) ||
		    start->valuedouble > 9e15)
			return bad(c, "tiers[%d].start: expected a number of "
			    "tokens", i);
		if (!is_price(cJSON_GetObjectItemCaseSensitive(t, "price")))
			return bad(c, "tiers[%d].price: expected a price", i);
		i++;
	}
	return 0;
}

static int
check_set(struct check *c, const cJSON *set)
{
	const cJSON *m;
	size_t n;

	if (!cJSON_IsObject(set))
		return bad(c, "expected an object of prices");
	cJSON_ArrayForEach(m, set) {
		n = push(c, ".%s", m->string);
		/* A price by the request has no tiers. */
		if (strcmp(m->string, "requests_kcount") == 0 && !is_price(m))
			return bad(c, "expected a price");
		if (check_price(c, m) != 0)
			return -1;
		pop(c, n);
	}
	return 0;
}

static int
check_constraint(struct check *c, const cJSON *k)
{
	const char *d, *from, *to;
	int64_t days;
	int secs, n;

	if (k == NULL || cJSON_IsNull(k))
		return 0;
	if (!cJSON_IsObject(k))
		return bad(c, "expected an object");
	d = morph_json_str(k, "start_date");
	from = morph_json_str(k, "start_time");
	to = morph_json_str(k, "end_time");
	n = cJSON_GetArraySize(k);
	if (d != NULL && n == 1) {
		if (morph_prices_date(d, &days) != 0)
			return bad(c, "start_date: expected YYYY-MM-DD, not "
			    "'%.40s'", d);
		return 0;
	}
	if (from != NULL && to != NULL && n == 2) {
		if (morph_prices_tod(from, &secs) != 0)
			return bad(c, "start_time: expected HH:MM:SS and a "
			    "zone, not '%.40s'", from);
		if (morph_prices_tod(to, &secs) != 0)
			return bad(c, "end_time: expected HH:MM:SS and a "
			    "zone, not '%.40s'", to);
		return 0;
	}
	return bad(c, "expected {\"start_date\"} or {\"start_time\", "
	    "\"end_time\"}");
}

static int
check_model(struct check *c, const cJSON *m)
{
	const cJSON *prices, *cp;
	const char *id = morph_json_str(m, "id");
	size_t n, k;
	int i = 0;

	if (!cJSON_IsObject(m))
		return bad(c, "expected an object");
	if (id == NULL || id[0] == '\0')
		return bad(c, "id: expected a string");
	(void)push(c, " (%.60s)", id);
	n = push(c, ".match");
	if (check_rule(c, cJSON_GetObjectItemCaseSensitive(m, "match"),
	    0) != 0)
		return -1;
	pop(c, n);
	prices = cJSON_GetObjectItemCaseSensitive(m, "prices");
	(void)push(c, ".prices");
	if (cJSON_IsObject(prices))
		return check_set(c, prices);
	if (!cJSON_IsArray(prices) || cJSON_GetArraySize(prices) == 0)
		return bad(c, "expected an object of prices, or an array of "
		    "them with constraints");
	cJSON_ArrayForEach(cp, prices) {
		k = push(c, "[%d]", i++);
		if (!cJSON_IsObject(cp))
			return bad(c, "expected {\"prices\", \"constraint\"}");
		n = push(c, ".prices");
		if (check_set(c, cJSON_GetObjectItemCaseSensitive(cp,
		    "prices")) != 0)
			return -1;
		pop(c, n);
		(void)push(c, ".constraint");
		if (check_constraint(c, cJSON_GetObjectItemCaseSensitive(cp,
		    "constraint")) != 0)
			return -1;
		pop(c, k);
	}
	return 0;
}

static int
check_provider(struct check *c, const cJSON *p, int64_t *nmodels)
{
	static const char *const rules[] = { "provider_match", "model_match" };
	const cJSON *models, *m, *f;
	const char *id = morph_json_str(p, "id");
	size_t n, i;
	int k = 0;

	if (!cJSON_IsObject(p))
		return bad(c, "expected a provider object");
	if (id == NULL || id[0] == '\0')
		return bad(c, "id: expected a string");
	(void)push(c, " (%.60s)", id);
	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		m = cJSON_GetObjectItemCaseSensitive(p, rules[i]);
		n = push(c, ".%s", rules[i]);
		if (m != NULL && !cJSON_IsNull(m) && check_rule(c, m, 0) != 0)
			return -1;
		pop(c, n);
	}
	m = cJSON_GetObjectItemCaseSensitive(p, "api_pattern");
	n = push(c, ".api_pattern");
	if (m != NULL && (!cJSON_IsString(m) ? bad(c, "expected a regex") :
	    check_regex(c, m->valuestring)) != 0)
		return -1;
	pop(c, n);
	m = cJSON_GetObjectItemCaseSensitive(p, "fallback_model_providers");
	if (m != NULL && !cJSON_IsNull(m)) {
		if (!cJSON_IsArray(m))
			return bad(c, "fallback_model_providers: expected an "
			    "array of provider ids");
		cJSON_ArrayForEach(f, m)
			if (!cJSON_IsString(f))
				return bad(c, "fallback_model_providers: "
				    "expected an array of provider ids");
	}
	models = cJSON_GetObjectItemCaseSensitive(p, "models");
	if (!cJSON_IsArray(models))
		return bad(c, "models: expected an array");
	cJSON_ArrayForEach(m, models) {
		n = push(c, ".models[%d]", k++);
		if (check_model(c, m) != 0)
			return -1;
		pop(c, n);
		(*nmodels)++;
	}
	return 0;
}

int
morph_prices_check(const cJSON *t, int64_t *nproviders, int64_t *nmodels,
    char *why, size_t whysize)
{
	struct check c;
	const cJSON *p;
	size_t n;
	int i = 0;

	c.why = why;
	c.size = whysize;
	c.path[0] = '\0';
	*nproviders = *nmodels = 0;
	if (!cJSON_IsArray(t))
		return bad(&c, "expected an array of providers%s",
		    cJSON_IsObject(t) ? " (an object keyed by model is "
		    "litellm's format)" : "");
	cJSON_ArrayForEach(p, t) {
		n = push(&c, "providers[%d]", i++);
		if (check_provider(&c, p, nmodels) != 0)
			return -1;
		pop(&c, n);
		(*nproviders)++;
	}
	if (*nproviders == 0)
		return bad(&c, "no providers");
	return 0;
}

/* Counting */

static void
count_genai(const cJSON *t, int64_t *nproviders, int64_t *nmodels)
{
	const cJSON *p;

	*nproviders = *nmodels = 0;
	cJSON_ArrayForEach(p, t) {
		(*nproviders)++;
		*nmodels += cJSON_GetArraySize(
		    cJSON_GetObjectItemCaseSensitive(p, "models"));
	}
}

/* litellm's rows; its "sample_spec" documents the format. */
static int64_t
count_litellm(const cJSON *t)
{
	const cJSON *m;
	int64_t n = 0;

	cJSON_ArrayForEach(m, t)
		n += cJSON_IsObject(m) && strcmp(m->string, "sample_spec") != 0;
	return n;
}

/* Loading */

struct update_row {
	int64_t			 num;
	struct morph_oid	 blob;
	const char		*url;		/* borrowed from the row */
	int64_t			 time_ms;
	int64_t			 providers;
	int64_t			 models;
};

static const char sql_updates[] = "SELECT num, blob, url, time, providers, "
    "models FROM price_updates ORDER BY num DESC";

static void
read_update(struct update_row *u, sqlite3_stmt *st)
{
	memset(u, 0, sizeof(*u));
	u->num = sqlite3_column_int64(st, 0);
	if (sqlite3_column_bytes(st, 1) == MORPH_OID_RAWSZ)
		memcpy(u->blob.id, sqlite3_column_blob(st, 1),
		    MORPH_OID_RAWSZ);
	u->url = (const char *)sqlite3_column_text(st, 2);
	u->time_ms = sqlite3_column_int64(st, 3);
	u->providers = sqlite3_column_int64(st, 4);
	u->models = sqlite3_column_int64(st, 5);
}

/* The newest update: *found 0 when there is none.  url is copied. */
static const struct morph_error *
newest_update(struct update_row *u, char **url, int *found,
    struct morph_repo *repo)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*found = 0;
	*url = NULL;
	rc = sqlite3_prepare_v2(repo->store.db, sql_updates, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return morph_store_error(&repo->store, rc,
		    "cannot read the price updates");
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_update(u, st);
		if ((*url = strdup(u->url != NULL ? u->url : "")) == NULL) {
			sqlite3_finalize(st);
			return morph_error(MORPH_ERR_NOMEM);
		}
		u->url = *url;
		*found = 1;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		free(*url);
		*url = NULL;
		return morph_store_error(&repo->store, rc,
		    "cannot read the price updates");
	}
	return NULL;
}

/* Parses the bytes of out as a table of source name; sets the format. */
static const struct morph_error *
parse_table(struct morph_prices *out, const char *name, int check)
{
	const struct morph_error *err;
	struct morph_json_dup dup;
	char why[640];
	int r;

	if ((err = morph_json_parse(&out->table, out->data, out->len,
	    name)) != NULL)
		return err;
	/* A user's file: a model priced twice would be read once. */
	if (check && (r = morph_json_find_dup(&dup, out->table, out->data,
	    out->len, "")) != 0)
		return r < 0 ? morph_error(MORPH_ERR_NOMEM) : morph_error_fmt(
		    MORPH_ERR_INVALID, "%s:%d: %s: duplicate key", name,
		    dup.line, dup.path);
	if (cJSON_IsObject(out->table) && check) {
		out->format = MORPH_PRICES_LITELLM;
		out->nmodels = count_litellm(out->table);
		return NULL;
	}
	out->format = MORPH_PRICES_GENAI;
	if (check && morph_prices_check(out->table, &out->nproviders,
	    &out->nmodels, why, sizeof(why)) != 0)
		return morph_error_fmt(MORPH_ERR_INVALID, "%s: not a price "
		    "table (genai-prices' data.json or litellm's "
		    "model_prices_and_context_window.json): %s", name, why);
	if (!check)
		count_genai(out->table, &out->nproviders, &out->nmodels);
	return NULL;
}

static const struct morph_error *
load_file(struct morph_prices *out, const char *name)
{
	const struct morph_error *err;

	out->kind = MORPH_PRICES_FILE;
	if ((err = morph_file_read(&out->own, name, MAX_TABLE)) != NULL)
		return morph_error_wrap(err, "config prices.file");
	if ((err = morph_buf_status(&out->own)) != NULL)
		return err;
	out->data = out->own.ptr != NULL ? out->own.ptr : "";
	out->len = out->own.len;
	if ((out->source = strdup(name)) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	return parse_table(out, name, 1);
}

static const struct morph_error *
load_update(struct morph_prices *out, struct morph_repo *repo,
    const struct update_row *u, char *url)
{
	const struct morph_error *err;
	struct morph_object *o;
	char what[64];

	out->kind = MORPH_PRICES_UPDATE;
	out->source = url;
	out->update = u->num;
	out->time_ms = u->time_ms;
	out->blob = u->blob;
	out->stored = 1;
	snprintf(what, sizeof(what), "price update #%lld",
	    (long long)u->num);
	if ((err = morph_object_read(&o, repo, &u->blob, MORPH_OBJ_BLOB)))
		return morph_error_wrap(err, "%s", what);
	out->data = morph_object_data(o);
	out->len = morph_object_size(o);
	err = parse_table(out, what, 0);
	out->data = NULL;
	out->len = 0;
	morph_object_free(o);
	if (err == NULL && out->format != MORPH_PRICES_GENAI)
		err = morph_error_fmt(MORPH_ERR_CORRUPT, "%s: not a "
		    "genai-prices table", what);
	return err;
}

const struct morph_error *
morph_prices_load(struct morph_prices *out, struct morph_repo *repo)
{
	const struct morph_error *err;
	struct update_row u;
	const cJSON *file;
	char *url;
	int found;

	memset(out, 0, sizeof(*out));
	morph_buf_init(&out->own);
	file = morph_config_lookup(repo, "prices.file");
	if (file != NULL && !cJSON_IsString(file))
		return morph_error_fmt(MORPH_ERR_INVALID,
		    "config prices.file must be a file name");
	found = 0;
	if (file != NULL)
		err = load_file(out, file->valuestring);
	else if (repo == NULL ||
	    (err = newest_update(&u, &url, &found, repo)) == NULL) {
		if (found)
			err = load_update(out, repo, &u, url);
		else {
			out->kind = MORPH_PRICES_BUILTIN;
			out->data = morph_prices_builtin;
			out->len = morph_prices_builtin_len;
			/* Parsed when a price is looked up (see below). */
			if ((out->source = strdup("built-in")) == NULL)
				err = morph_error(MORPH_ERR_NOMEM);
		}
	}
	if (err == NULL && !out->stored)
		morph_hash_object(&out->blob, "blob", out->data, out->len);
	if (err != NULL)
		morph_prices_release(out);
	return err;
}

/*
 * The built-in table is parsed at its first use: a run of local models
 * needs only its id, and parsing 350 KB of JSON is most of what a short
 * command would do.
 */
const struct morph_error *
morph_prices_parse(struct morph_prices *p)
{
	if (p->table != NULL)
		return NULL;
	return parse_table(p, "built-in price table", 0);
}

void
morph_prices_release(struct morph_prices *p)
{
	cJSON_Delete(p->table);
	free(p->source);
	morph_buf_release(&p->own);
	memset(p, 0, sizeof(*p));
}

const struct morph_error *
morph_prices_store(struct morph_prices *p, struct morph_repo *repo)
{
	const struct morph_error *err;
	enum morph_object_type type;
	struct morph_oid id;

	if (p->stored)
		return NULL;
	err = morph_object_info(&type, NULL, repo, &p->blob);
	if (err != NULL && err->code != MORPH_ERR_NOT_FOUND)
		return err;
	if (err != NULL) {
		if (p->data == NULL)
			return morph_error_fmt(MORPH_ERR_INVALID, "the price "
			    "table %s has no bytes to store",
			    morph_oid_tostr(&p->blob));
		if ((err = morph_object_write(&id, repo, MORPH_OBJ_BLOB,
		    p->data, p->len)) != NULL)
			return err;
	}
	p->stored = 1;
	return NULL;
}

/* The public view */

const struct morph_error *
morph_prices_open(struct morph_prices **out, struct morph_repo *repo)
{
	const struct morph_error *err;
	struct morph_prices *p;

	*out = NULL;
	if ((p = malloc(sizeof(*p))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	if ((err = morph_prices_load(p, repo)) != NULL) {
		free(p);
		return err;
	}
	if ((err = morph_prices_parse(p)) != NULL) {
		morph_prices_close(p);
		return err;
	}
	*out = p;
	return NULL;
}

void
morph_prices_close(struct morph_prices *p)
{
	if (p == NULL)
		return;
	morph_prices_release(p);
	free(p);
}

void
morph_prices_about(struct morph_prices_info *out, const struct morph_prices *p)
{
	memset(out, 0, sizeof(*out));
	out->kind = p->kind;
	out->format = p->format;
	out->id = p->blob;
	out->source = p->source;
	out->update = p->update;
	out->time_ms = p->time_ms;
	out->providers = p->nproviders;
	out->models = p->nmodels;
}

static void
update_info(struct morph_prices_info *out, const struct update_row *u)
{
	memset(out, 0, sizeof(*out));
	out->kind = MORPH_PRICES_UPDATE;
	out->format = MORPH_PRICES_GENAI;
	out->id = u->blob;
	out->source = u->url;
	out->update = u->num;
	out->time_ms = u->time_ms;
	out->providers = u->providers;
	out->models = u->models;
}

const struct morph_error *
morph_prices_updates(struct morph_repo *repo, morph_prices_update_cb cb,
    void *arg)
{
	const struct morph_error *err = NULL;
	struct morph_prices_info info;
	struct update_row u;
	sqlite3_stmt *st = NULL;
	int rc;

	rc = sqlite3_prepare_v2(repo->store.db, sql_updates, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return morph_store_error(&repo->store, rc,
		    "cannot read the price updates");
	while (err == NULL && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_update(&u, st);
		update_info(&info, &u);
		err = cb(&info, arg);
	}
	if (err == NULL && rc != SQLITE_DONE && rc != SQLITE_ROW)
		err = morph_store_error(&repo->store, rc,
		    "cannot read the price updates");
	sqlite3_finalize(st);
	return err;
}

/* Updates */

static const char sql_add_update[] = "INSERT INTO price_updates (blob, url, "
    "time, providers, models) VALUES (?, ?, ?, ?, ?)";

/* The models of the table an update replaces: the newest, or built-in. */
static const struct morph_error *
current_models(int64_t *models, char *what, size_t size,
    struct morph_repo *repo)
{
	const struct morph_error *err;
	struct update_row u;
	cJSON *t;
	char *url;
	int64_t np;
	int found;

	if ((err = newest_update(&u, &url, &found, repo)) != NULL)
		return err;
	free(url);
	if (found) {
		*models = u.models;
		snprintf(what, size, "update #%lld", (long long)u.num);
		return NULL;
	}
	if ((err = morph_json_parse(&t, (const char *)morph_prices_builtin,
	    morph_prices_builtin_len, "built-in price table")) != NULL)
		return err;
	count_genai(t, &np, models);
	cJSON_Delete(t);
	snprintf(what, size, "the built-in table");
	return NULL;
}

const struct morph_error *
morph_prices_update(struct morph_prices_info *out, int *changed,
    struct morph_repo *repo, const char *url)
{
	const struct morph_error *err;
	struct morph_buf body = MORPH_BUF_INIT;
	struct update_row u, newest;
	struct morph_oid id;
	sqlite3_stmt *st = NULL;
	cJSON *t = NULL;
	char why[640], what[64], *nurl = NULL;
	int64_t cur;
	int found;

	*changed = 0;
	memset(out, 0, sizeof(*out));
	if (url == NULL)
		url = MORPH_PRICES_URL;
	if (strncasecmp(url, "https://", 8) != 0)
		return morph_error_fmt(MORPH_ERR_INVALID, "'%s' is not an "
		    "https:// URL: prices are fetched over HTTPS only", url);
	if ((err = morph_fetch(&body, url, MAX_TABLE)) != NULL ||
	    (err = morph_buf_status(&body)) != NULL)
		goto done;
	if ((err = morph_json_parse(&t, body.ptr != NULL ? body.ptr : "",
	    body.len, url)) != NULL) {
		err = morph_error_wrap(err, "not a price table");
		goto done;
	}
	memset(&u, 0, sizeof(u));
	if (morph_prices_check(t, &u.providers, &u.models, why,
	    sizeof(why)) != 0) {
		err = morph_error_fmt(MORPH_ERR_INVALID, "%s: not a "
		    "genai-prices table: %s", url, why);
		goto done;
	}
	if (u.providers < MIN_PROVIDERS || u.models < MIN_MODELS) {
		err = morph_error_fmt(MORPH_ERR_INVALID, "%s: has %lld "
		    "providers and %lld models; a genai-prices table has "
		    "dozens and hundreds, so this is not one", url,
		    (long long)u.providers, (long long)u.models);
		goto done;
	}
	if ((err = current_models(&cur, what, sizeof(what), repo)) != NULL)
		goto done;
	if (u.models * 2 < cur) {
		err = morph_error_fmt(MORPH_ERR_INVALID, "%s: has %lld "
		    "models, fewer than half of the %lld of %s: not taken",
		    url, (long long)u.models, (long long)cur, what);
		goto done;
	}
	morph_hash_object(&id, "blob", body.ptr, body.len);
	u.blob = id;
	u.url = url;
	u.time_ms = morph_now_ms();

	if ((err = morph_repo_begin(repo)) != NULL)
		goto done;
	if ((err = newest_update(&newest, &nurl, &found, repo)) != NULL)
		goto fail;
	if (found && morph_oid_cmp(&newest.blob, &id) == 0) {
		/* The same table: nothing new to record. */
		morph_repo_rollback(repo);
		u = newest;
		u.url = url;
		update_info(out, &u);
		goto done;
	}
	if ((err = morph_object_write(&id, repo, MORPH_OBJ_BLOB, body.ptr,
	    body.len)) != NULL ||
	    (err = morph_store_prepare(&repo->store, sql_add_update, &st)))
		goto fail;
	sqlite3_bind_blob(st, 1, id.id, MORPH_OID_RAWSZ, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, url, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, u.time_ms);
	sqlite3_bind_int64(st, 4, u.providers);
	sqlite3_bind_int64(st, 5, u.models);
	if (sqlite3_step(st) != SQLITE_DONE) {
		err = morph_store_error(&repo->store,
		    sqlite3_errcode(repo->store.db),
		    "cannot record the price update");
		sqlite3_reset(st);
		goto fail;
	}
	sqlite3_reset(st);
	u.num = sqlite3_last_insert_rowid(repo->store.db);
	if ((err = morph_repo_commit(repo)) != NULL)
		goto done;
	update_info(out, &u);
	*changed = 1;
	goto done;
fail:
	morph_repo_rollback(repo);
done:
	free(nurl);
	cJSON_Delete(t);
	morph_buf_release(&body);
	return err;
}
