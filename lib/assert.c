/*
 * Assertions on outputs (see assert_int.h and morph-suite(5)).  Each type
 * is one function in a table; "not-", weights and the verdict's form are
 * handled once, around them.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <math.h>
#include <pcre2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "morph/buf.h"
#include "assert_int.h"
#include "json_int.h"
#include "jsonschema_int.h"
#include "rubric_int.h"
#include "spawn_int.h"
#include "utf8_int.h"

struct judged {
	int		pass;
	double		score;		/* 0..1 */
	int		broken;		/* could not judge: fails either way */
	char		reason[1024];
};

/* What an assertion's value must be. */
enum value_kind {
	V_STRING,	/* a string */
	V_TEXT,		/* a non-empty string */
	V_STRINGS,	/* a non-empty array of strings */
	V_NONE,		/* nothing: the type takes a threshold */
	V_SCHEMA,	/* a JSON Schema */
	V_OPT_SCHEMA,	/* nothing, null or a JSON Schema */
};

/* What an assertion's threshold may be. */
enum threshold_kind {
	T_ANY,		/* optional, finite, >= 0 */
	T_UNIT,		/* optional, from 0 to 1 */
	T_REQUIRED,	/* required, finite, >= 0 */
	T_COUNT,	/* optional, a whole number of edits */
};

typedef const struct morph_error *(*judge_fn)(struct judged *,
    const cJSON *spec, const struct morph_assert_ctx *);

struct assert_type {
	const char		*name;
	enum value_kind		 value;
	enum threshold_kind	 threshold;
	judge_fn		 judge;
	/* Checks the fields particular to the type, or NULL. */
	const struct morph_error *(*check)(const cJSON *spec,
	    const char *name);
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

/* A check that could not be made: it fails, negated or not. */
static void
broken(struct judged *j, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
broken(struct judged *j, const char *fmt, ...)
{
	va_list ap;

	j->pass = 0;
	j->score = 0;
	j->broken = 1;
	va_start(ap, fmt);
	vsnprintf(j->reason, sizeof(j->reason), fmt, ap);
	va_end(ap);
}

/* A short excerpt of s for reasons. */
static const char *
excerpt(const char *s, size_t n, char *buf, size_t size)
{
	return morph_utf8_excerpt(buf, size, s, n, size - 4);
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

static int
has_threshold(const cJSON *spec)
{
	return cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(spec,
	    "threshold"));
}

/* Whether the n bytes of needle occur in the len bytes of hay. */
static int
find_bytes(const char *hay, size_t len, const char *needle, size_t n)
{
	const char *p = hay, *end = hay + len;

	if (n == 0)
		return 1;
	while ((size_t)(end - p) >= n &&
	    (p = memchr(p, needle[0], (size_t)(end - p) - n + 1)) != NULL) {
		if (memcmp(p, needle, n) == 0)
			return 1;
		p++;
	}
	return 0;
}

/* A lowercased copy of s (morph_utf8_fold), or NULL. */
static char *
folded(const char *s, size_t len)
{
	char *f;

	if ((f = malloc(len + 1)) == NULL)
		return NULL;
	memcpy(f, s, len);
	f[len] = '\0';
	morph_utf8_fold(f, len);
	return f;
}

/* Whether hay (folded already when icase) contains needle. */
static const struct morph_error *
find(int *hit, const char *hay, size_t len, const char *needle, int icase)
{
	char *f;

	if (!icase) {
		*hit = find_bytes(hay, len, needle, strlen(needle));
		return NULL;
	}
	if ((f = folded(needle, strlen(needle))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	*hit = find_bytes(hay, len, f, strlen(f));
	free(f);
	return NULL;
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

/* contains and icontains. */
static const struct morph_error *
contains(struct judged *j, const cJSON *spec, const struct morph_assert_ctx *c,
    int icase)
{
	const struct morph_error *err;
	const char *v = value_str(spec);
	char *hay = NULL, ex[200];
	int hit = 0;

	if (icase && (hay = folded(c->output, c->len)) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	err = find(&hit, icase ? hay : c->output, c->len, v, icase);
	free(hay);
	if (err != NULL)
		return err;
	say(j, hit, "output %s \"%s\"%s", hit ? "contains" : "lacks",
	    excerpt(v, strlen(v), ex, sizeof(ex)), icase ? " (any case)" : "");
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
	const struct morph_error *err = NULL;
	const char *missing = NULL, *first = NULL;
	char *hay = NULL, ex[200];
	int hits = 0, n = 0, hit = 0;

	if (icase && (hay = folded(c->output, c->len)) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	cJSON_ArrayForEach(e, v) {
		n++;
		if ((err = find(&hit, icase ? hay : c->output, c->len,
		    e->valuestring, icase)) != NULL)
			break;
		if (hit) {
			hits++;
			if (first == NULL)
				first = e->valuestring;
		} else if (missing == NULL)
			missing = e->valuestring;
	}
	free(hay);
	if (err != NULL)
		return err;
	if (all && hits == n)
		say(j, 1, "output contains all %d values%s", n,
		    icase ? " (any case)" : "");
	else if (all)
		say(j, 0, "output lacks \"%s\" (%d of %d found)%s",
		    excerpt(missing, strlen(missing), ex, sizeof(ex)), hits, n,
		    icase ? " (any case)" : "");
	else if (hits > 0)
		say(j, 1, "output contains \"%s\"%s",
		    excerpt(first, strlen(first), ex, sizeof(ex)),
		    icase ? " (any case)" : "");
	else
		say(j, 0, "output contains none of the %d values%s", n,
		    icase ? " (any case)" : "");
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
	char ex[80], ev[200];

	if (ok)
		say(j, 1, "output starts with \"%s\"",
		    excerpt(v, n, ev, sizeof(ev)));
	else
		say(j, 0, "output starts with \"%s\", not \"%s\"",
		    morph_utf8_excerpt(ex, sizeof(ex), c->output, c->len, 40),
		    excerpt(v, n, ev, sizeof(ev)));
	return NULL;
}

static const struct morph_error *
compile(pcre2_code **out, const char *name, const char *pattern)
{
	PCRE2_SIZE off;
	int code;
	unsigned char msg[256];

	*out = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
	    PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &code, &off, NULL);
	if (*out != NULL)
		return NULL;
	if (code == PCRE2_ERROR_NOMEMORY)
		return morph_error(MORPH_ERR_NOMEM);
	pcre2_get_error_message(code, msg, sizeof(msg));
	return morph_error_fmt(MORPH_ERR_SUITE, "%s: invalid regex \"%.200s\" "
	    "at offset %zu: %s", name, pattern, (size_t)off, msg);
}

static const struct morph_error *
j_regex(struct judged *j, const cJSON *spec, const struct morph_assert_ctx *c)
{
	const struct morph_error *err;
	pcre2_match_data *md;
	pcre2_code *re;
	char ev[200];
	int rc;

	if ((err = compile(&re, "regex", value_str(spec))) != NULL)
		return err;
	excerpt(value_str(spec), strlen(value_str(spec)), ev, sizeof(ev));
	md = pcre2_match_data_create_from_pattern(re, NULL);
	rc = md ? pcre2_match(re, (PCRE2_SPTR)c->output, c->len, 0, 0, md,
	    NULL) : PCRE2_ERROR_NOMEMORY;
	pcre2_match_data_free(md);
	pcre2_code_free(re);
	if (rc == PCRE2_ERROR_NOMEMORY)
		return morph_error(MORPH_ERR_NOMEM);
	if (rc >= 0)
		say(j, 1, "output matches /%s/", ev);
	else if (rc == PCRE2_ERROR_NOMATCH)
		say(j, 0, "output does not match /%s/", ev);
	else
		broken(j, "regex /%s/ could not be matched (PCRE2 error %d)",
		    ev, rc);
	return NULL;
}

/* The spec's schema, or NULL when it has none (is-json without one). */
static const cJSON *
schema_of(const cJSON *spec)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(spec, "value");

	return v == NULL || cJSON_IsNull(v) ? NULL : v;
}

/* is-json and json-schema: the whole output is JSON (matching). */
static const struct morph_error *
j_is_json(struct judged *j, const cJSON *spec, const struct morph_assert_ctx *c)
{
	const struct morph_error *bad, *err;
	const cJSON *schema = schema_of(spec);
	cJSON *doc = NULL;
	char why[600];
	int valid;

	bad = morph_json_parse(&doc, c->output, c->len, "output");
	if (bad != NULL) {
		if (bad->code == MORPH_ERR_NOMEM)
			return bad;
		say(j, 0, "%s", bad->msg);
		return NULL;
	}
	if (schema == NULL) {
		say(j, 1, "output is valid JSON");
		cJSON_Delete(doc);
		return NULL;
	}
	err = morph_jsonschema_validate(&valid, why, sizeof(why), schema, doc);
	cJSON_Delete(doc);
	if (err != NULL)
		return err;
	if (valid)
		say(j, 1, "output is JSON that matches the schema");
	else
		say(j, 0, "output does not match the schema: %s", why);
	return NULL;
}

/*
 * contains-json: some JSON object or array in the output (matching the
 * schema, when there is one).  A value that parses is skipped whole: the
 * objects inside it are not candidates of their own.
 */
static const struct morph_error *
j_contains_json(struct judged *j, const cJSON *spec,
    const struct morph_assert_ctx *c)
{
	const struct morph_error *err;
	const cJSON *schema = schema_of(spec);
	const char *end;
	char why[600], first[600];
	size_t i;
	cJSON *doc;
	int valid, found = 0;

	first[0] = '\0';
	for (i = 0; i < c->len; i++) {
		if (c->output[i] != '{' && c->output[i] != '[')
			continue;
		end = NULL;
		doc = cJSON_ParseWithLengthOpts(c->output + i, c->len - i,
		    &end, 0);
		if (doc == NULL)
			continue;
		found++;
		if (schema == NULL) {
			cJSON_Delete(doc);
			say(j, 1, "output contains JSON at offset %zu", i);
			return NULL;
		}
		err = morph_jsonschema_validate(&valid, why, sizeof(why),
		    schema, doc);
		cJSON_Delete(doc);
		if (err != NULL)
			return err;
		if (valid) {
			say(j, 1, "output contains JSON that matches the "
			    "schema at offset %zu", i);
			return NULL;
		}
		if (found == 1)
			snprintf(first, sizeof(first), "%s", why);
		if (end != NULL && end > c->output + i &&
		    end <= c->output + c->len)
			i = (size_t)(end - c->output) - 1;
	}
	if (found == 0)
		say(j, 0, "output contains no JSON object or array");
	else if (found == 1)
		say(j, 0, "the JSON in the output does not match the schema: "
		    "%s", first);
	else
		say(j, 0, "none of the %d JSON values in the output matches "
		    "the schema; the first: %s", found, first);
	return NULL;
}

/* The code points of the len bytes at s, in a new array. */
static long *
code_points(const char *s, size_t len, size_t *count)
{
	size_t i = 0, k = 0, n;
	long *cp;

	if ((cp = malloc((len + 1) * sizeof(*cp))) == NULL)
		return NULL;
	while (i < len) {
		cp[k] = morph_utf8_decode(s + i, len - i, &n);
		/* An invalid byte is a character of its own. */
		if (cp[k] < 0)
			cp[k] = -1 - (long)(unsigned char)s[i];
		k++;
		i += n;
	}
	*count = k;
	return cp;
}

/*
 * The Levenshtein distance of a (n) and b (m), or, when the table would
 * be too big, min(distance, k + 1) from the diagonal band of width
 * 2k + 1, which holds every path of cost k or less.  (size_t)-1: no
 * memory.
 */
static size_t
levenshtein(const long *a, size_t n, const long *b, size_t m, size_t k)
{
	size_t *prev, *cur, *t, i, jj, lo, hi, best, inf;
	int banded = (double)(n + 1) * (double)(m + 1) > 1e8;

	if (banded && (n > m ? n - m : m - n) > k)
		return k + 1;
	inf = banded ? k + 1 : (size_t)-1 / 2;
	prev = malloc((m + 1) * sizeof(*prev));
	cur = malloc((m + 1) * sizeof(*cur));
	if (prev == NULL || cur == NULL) {
		free(prev);
		free(cur);
		return (size_t)-1;
	}
	for (jj = 0; jj <= m; jj++) {
		prev[jj] = jj < inf ? jj : inf;
		cur[jj] = inf;
	}
	for (i = 1; i <= n; i++) {
		lo = banded && i > k ? i - k : 1;
		hi = banded && i + k < m ? i + k : m;
		cur[lo - 1] = lo == 1 ? (i < inf ? i : inf) : inf;
		for (jj = lo; jj <= hi; jj++) {
			best = prev[jj - 1] + (a[i - 1] != b[jj - 1]);
			if (prev[jj] + 1 < best)
				best = prev[jj] + 1;
			if (cur[jj - 1] + 1 < best)
				best = cur[jj - 1] + 1;
			cur[jj] = best < inf ? best : inf;
		}
		t = prev;
		prev = cur;
		cur = t;
	}
	best = prev[m];
	free(prev);
	free(cur);
	return best;
}

static const struct morph_error *
j_levenshtein(struct judged *j, const cJSON *spec,
    const struct morph_assert_ctx *c)
{
	const char *v = value_str(spec);
	double max = threshold(spec, 5);
	size_t n, m, d, k;
	long *a, *b;

	a = code_points(c->output, c->len, &n);
	b = code_points(v, strlen(v), &m);
	k = max < 1e9 ? (size_t)max : 1000000000;
	d = a != NULL && b != NULL ? levenshtein(a, n, b, m, k) : (size_t)-1;
	free(a);
	free(b);
	if (d == (size_t)-1)
		return morph_error(MORPH_ERR_NOMEM);
	if ((double)d <= max)
		say(j, 1, "edit distance %zu <= %g", d, max);
	else if ((double)(n + 1) * (double)(m + 1) > 1e8)
		say(j, 0, "edit distance > %g", max);
	else
		say(j, 0, "edit distance %zu > %g", d, max);
	return NULL;
}

/* rouge-n */

/* A word: bytes of a folded text. */
struct word {
	const char	*p;
	size_t		 len;
};

/* An n-gram: n words from w, from the reference (1) or the output (0). */
struct ngram {
	const struct word	*w;
	int			 n;
	int			 ref;
};

/* Whether code point c separates words (spaces, punctuation, symbols). */
static int
separator(long c)
{
	if (c < 0x80)
		return !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9'));
	return c < 0xc0 || c == 0xd7 || c == 0xf7 ||
	    (c >= 0x2000 && c <= 0x2bff) || (c >= 0x3000 && c <= 0x303f) ||
	    (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff01 && c <= 0xff0f) ||
	    (c >= 0xff1a && c <= 0xff20) || (c >= 0xff3b && c <= 0xff40) ||
	    (c >= 0xff5b && c <= 0xff65);
}

/* Whether c is a word by itself: Han ideographs and kana. */
static int
ideograph(long c)
{
	return (c >= 0x3040 && c <= 0x30ff) || (c >= 0x3400 && c <= 0x4dbf) ||
	    (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff) ||
	    (c >= 0x20000 && c <= 0x2ffff);
}

/* Splits the folded text s into words, in a new array (*count of them). */
static struct word *
words(const char *s, size_t len, size_t *count)
{
	struct word *w;
	size_t i = 0, k = 0, n, start = 0;
	int in = 0;
	long c;

	/* At most one word per byte, plus one. */
	if ((w = malloc((len + 1) * sizeof(*w))) == NULL)
		return NULL;
	while (i < len) {
		c = morph_utf8_decode(s + i, len - i, &n);
		if (c < 0 || separator(c) || ideograph(c)) {
			if (in) {
				w[k].p = s + start;
				w[k++].len = i - start;
				in = 0;
			}
			if (c >= 0 && ideograph(c)) {
				w[k].p = s + i;
				w[k++].len = n;
			}
		} else if (!in) {
			in = 1;
			start = i;
		}
		i += n;
	}
	if (in) {
		w[k].p = s + start;
		w[k++].len = len - start;
	}
	*count = k;
	return w;
}

static int
word_cmp(const struct word *a, const struct word *b)
{
	size_t n = a->len < b->len ? a->len : b->len;
	int r = memcmp(a->p, b->p, n);

	if (r != 0)
		return r;
	return a->len < b->len ? -1 : a->len > b->len;
}

static int
ngram_cmp(const void *x, const void *y)
{
	const struct ngram *a = x, *b = y;
	int i, r;

	for (i = 0; i < a->n; i++)
		if ((r = word_cmp(&a->w[i], &b->w[i])) != 0)
			return r;
	return 0;
}

/*
 * ROUGE-N recall of ref in out (both folded): of the reference's
 * n-grams, counted with repeats, how many the output has, each output
 * n-gram matching at most once.  *total is the reference's count.
 */
static const struct morph_error *
rouge_n(size_t *hits, size_t *total, const char *out, size_t olen,
    const char *ref, size_t rlen, int n)
{
	struct word *ow = NULL, *rw = NULL;
	struct ngram *g = NULL;
	size_t on, rn, og, rg, i, k = 0, a, b, r, o;

	*hits = *total = 0;
	ow = words(out, olen, &on);
	rw = words(ref, rlen, &rn);
	og = on >= (size_t)n ? on - (size_t)n + 1 : 0;
	rg = rn >= (size_t)n ? rn - (size_t)n + 1 : 0;
	if (ow == NULL || rw == NULL || (g = malloc((og + rg + 1) *
	    sizeof(*g))) == NULL) {
		free(ow);
		free(rw);
		return morph_error(MORPH_ERR_NOMEM);
	}
	for (i = 0; i < og; i++) {
		g[k].w = ow + i;
		g[k].n = n;
		g[k++].ref = 0;
	}
	for (i = 0; i < rg; i++) {
		g[k].w = rw + i;
		g[k].n = n;
		g[k++].ref = 1;
	}
	qsort(g, k, sizeof(*g), ngram_cmp);
	for (a = 0; a < k; a = b) {
		r = o = 0;
		for (b = a; b < k && ngram_cmp(&g[a], &g[b]) == 0; b++) {
			if (g[b].ref)
				r++;
			else
				o++;
		}
		*hits += r < o ? r : o;
	}
	*total = rg;
	free(g);
	free(ow);
	free(rw);
	return NULL;
}

static int
rouge_order(const cJSON *spec)
{
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(spec, "n");

	return cJSON_IsNumber(n) ? (int)n->valuedouble : 1;
}

static const struct morph_error *
j_rouge_n(struct judged *j, const cJSON *spec,
    const struct morph_assert_ctx *c)
{
	const struct morph_error *err;
	const char *v = value_str(spec);
	double min = threshold(spec, 0.75), score;
	char *out, *ref;
	size_t hits, total;
	int n = rouge_order(spec);

	out = folded(c->output, c->len);
	ref = folded(v, strlen(v));
	if (out == NULL || ref == NULL) {
		free(out);
		free(ref);
		return morph_error(MORPH_ERR_NOMEM);
	}
	err = rouge_n(&hits, &total, out, c->len, ref, strlen(ref), n);
	free(out);
	free(ref);
	if (err != NULL)
		return err;
	if (total == 0) {
		broken(j, "the value has no %d-grams", n);
		return NULL;
	}
	score = (double)hits / (double)total;
	say(j, score >= min, "ROUGE-%d recall %.2f (%zu of %zu %d-grams) %s "
	    "threshold %g", n, score, hits, total, n, score >= min ? ">=" :
	    "<", min);
	j->score = score;
	return NULL;
}

static const struct morph_error *
j_cost(struct judged *j, const cJSON *spec, const struct morph_assert_ctx *c)
{
	double max = threshold(spec, 0);

	if (c->cost_nusd < 0)
		broken(j, "cost unknown (unpriced); threshold $%g", max);
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
		broken(j, "latency unknown; threshold %g ms", max);
	else
		say(j, (double)c->latency_ms <= max, "latency %lld ms %s %g ms",
		    (long long)c->latency_ms, (double)c->latency_ms <= max ?
		    "<=" : ">", max);
	return NULL;
}

/* exec */

/* Appends "NAME=value" as a new string to env[*n]. */
static const struct morph_error *
put_env(char **env, size_t *n, const char *name, const char *value)
{
	struct morph_buf b = MORPH_BUF_INIT;

	morph_buf_printf(&b, "%s=%s", name, value != NULL ? value : "");
	if ((env[*n] = morph_buf_detach(&b, NULL)) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	(*n)++;
	return NULL;
}

/*
 * Reads the verdict a command printed: its stdout, trimmed, as a JSON
 * object with "pass".  Returns 0 when there is none (the exit status
 * decides), 1 when j is set.
 */
static int
exec_json(struct judged *j, const struct morph_buf *out, const cJSON *spec)
{
	const char *s = morph_buf_cstr(out), *e = s + out->len, *end;
	const cJSON *p, *sc, *r;
	cJSON *doc;
	double score;

	while (s < e && strchr(" \t\r\n", *s) != NULL)
		s++;
	while (e > s && strchr(" \t\r\n", e[-1]) != NULL)
		e--;
	if (s == e || *s != '{')
		return 0;
	/* The object alone: nothing may follow it. */
	end = NULL;
	doc = cJSON_ParseWithLengthOpts(s, (size_t)(e - s), &end, 0);
	if (doc != NULL && end != e) {
		cJSON_Delete(doc);
		doc = NULL;
	}
	if (doc == NULL)
		return 0;
	if (!cJSON_IsObject(doc) ||
	    (p = cJSON_GetObjectItemCaseSensitive(doc, "pass")) == NULL) {
		cJSON_Delete(doc);
		return 0;
	}
	sc = cJSON_GetObjectItemCaseSensitive(doc, "score");
	r = cJSON_GetObjectItemCaseSensitive(doc, "reason");
	if (!cJSON_IsBool(p))
		broken(j, "the command printed JSON whose \"pass\" is not "
		    "true or false");
	else if (sc != NULL && (!cJSON_IsNumber(sc) || !(sc->valuedouble >=
	    0 && sc->valuedouble <= 1)))
		broken(j, "the command printed JSON whose \"score\" is not a "
		    "number from 0 to 1");
	else if (r != NULL && !cJSON_IsString(r))
		broken(j, "the command printed JSON whose \"reason\" is not a "
		    "string");
	else {
		say(j, cJSON_IsTrue(p), "%s", r != NULL ? r->valuestring :
		    cJSON_IsTrue(p) ? "the command printed a pass" :
		    "the command printed a fail");
		if (sc != NULL)
			j->score = sc->valuedouble;
		score = j->score;
		if (j->pass && has_threshold(spec) &&
		    score < threshold(spec, 0)) {
			char why[sizeof(j->reason)];

			snprintf(why, sizeof(why), "%s", j->reason);
			say(j, 0, "score %g is below the threshold %g: %s",
			    score, threshold(spec, 0), why);
			j->score = score;
		}
	}
	cJSON_Delete(doc);
	return 1;
}

static int
exec_timeout(const cJSON *spec)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(spec, "timeout");

	return cJSON_IsNumber(t) ? (int)t->valuedouble : MORPH_EXEC_TIMEOUT_MS;
}

static const struct morph_error *
j_exec(struct judged *j, const cJSON *spec, const struct morph_assert_ctx *c)
{
	const struct morph_error *err = NULL;
	struct morph_spawn_opts o;
	struct morph_spawn_result r;
	const struct morph_buf *said;
	char *env[5] = { NULL }, *vars = NULL, ex[400];
	size_t n = 0, i;

	if (!c->allow_exec)
		return morph_error_fmt(MORPH_ERR_UNSUPPORTED, "%s: not "
		    "allowed: commands run only with --allow-exec, or with "
		    "exec.allow set to true in .morph/config",
		    morph_json_str(spec, "type"));
	vars = c->vars != NULL ? cJSON_PrintUnformatted(c->vars) : NULL;
	if ((c->vars != NULL && vars == NULL) ||
	    (err = put_env(env, &n, "MORPH_PROMPT", c->prompt)) != NULL ||
	    (err = put_env(env, &n, "MORPH_CASE", c->case_id)) != NULL ||
	    (err = put_env(env, &n, "MORPH_MODEL", c->model)) != NULL ||
	    (err = put_env(env, &n, "MORPH_VARS", vars != NULL ? vars :
	    "{}")) != NULL) {
		if (err == NULL)
			err = morph_error(MORPH_ERR_NOMEM);
		goto done;
	}
	memset(&o, 0, sizeof(o));
	o.command = value_str(spec);
	o.dir = c->dir;
	o.env = (const char *const *)env;
	o.input = c->output;
	o.input_len = c->len;
	o.timeout_ms = exec_timeout(spec);
	o.out_max = MORPH_EXEC_OUT_MAX;
	o.err_max = MORPH_EXEC_ERR_MAX;
	o.stop = c->stop;
	morph_spawn_result_init(&r);
	err = morph_spawn_run(&r, &o);
	if (err != NULL && err->code != MORPH_ERR_NOMEM &&
	    err->code != MORPH_ERR_INTERRUPTED) {
		broken(j, "cannot run the command: %s", err->msg);
		err = NULL;
	} else if (err != NULL)
		;
	else if (r.timed_out)
		broken(j, "the command timed out after %d ms", o.timeout_ms);
	else if (r.signal != 0)
		broken(j, "the command was killed by signal %d", r.signal);
	else if (!r.out_cut && exec_json(j, &r.out, spec))
		;
	else if (r.status == 126 || r.status == 127) {
		said = &r.err;
		broken(j, "the command could not run (exit status %d): %s",
		    r.status, morph_utf8_excerpt(ex, sizeof(ex),
		    morph_buf_cstr(said), said->len, 300));
	} else if (r.status == 0)
		say(j, 1, "the command exited 0");
	else {
		/* What it said about why: stderr, else stdout. */
		said = r.err.len > 0 ? &r.err : &r.out;
		if (said->len == 0)
			say(j, 0, "the command exited %d", r.status);
		else
			say(j, 0, "the command exited %d: %s", r.status,
			    morph_utf8_excerpt(ex, sizeof(ex),
			    morph_buf_cstr(said), said->len, 300));
	}
	morph_spawn_result_release(&r);
done:
	for (i = 0; i < n; i++)
		free(env[i]);
	cJSON_free(vars);
	return err;
}

/* llm-rubric */

static const struct morph_error *
j_llm_rubric(struct judged *j, const cJSON *spec,
    const struct morph_assert_ctx *c)
{
	const struct morph_error *err;
	const char *answer = NULL;
	const cJSON *p, *s, *r;
	size_t len = 0;
	cJSON *v;

	if (c->judge == NULL || ((err = c->judge(c->judge_arg, spec, &answer,
	    &len)) == NULL && answer == NULL))
		return morph_error_fmt(MORPH_ERR_INVALID, "%s: no answer from "
		    "the judge to read (morph run asks the judge)",
		    morph_json_str(spec, "type"));
	if (err != NULL) {
		if (err->code == MORPH_ERR_NOMEM ||
		    err->code == MORPH_ERR_INTERRUPTED)
			return err;
		broken(j, "the judge's call failed: %s", err->msg);
		return NULL;
	}
	if ((err = morph_rubric_verdict(&v, spec, answer, len)) != NULL)
		return err;
	p = cJSON_GetObjectItemCaseSensitive(v, "pass");
	s = cJSON_GetObjectItemCaseSensitive(v, "score");
	r = cJSON_GetObjectItemCaseSensitive(v, "reason");
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(v, "unreadable")))
		broken(j, "%s", cJSON_IsString(r) ? r->valuestring : "");
	else {
		say(j, cJSON_IsTrue(p), "%s", cJSON_IsString(r) ?
		    r->valuestring : "");
		j->score = cJSON_IsNumber(s) ? s->valuedouble : j->score;
	}
	cJSON_Delete(v);
	return NULL;
}

/* Checks of the fields particular to a type. */

static const struct morph_error *
check_regex(const cJSON *spec, const char *name)
{
	const struct morph_error *err;
	pcre2_code *re;

	if ((err = compile(&re, name, value_str(spec))) != NULL)
		return err;
	pcre2_code_free(re);
	return NULL;
}

static const struct morph_error *
check_schema(const cJSON *spec, const char *name)
{
	const struct morph_error *err;
	const cJSON *s = schema_of(spec);

	if (s == NULL || (err = morph_jsonschema_check(s)) == NULL)
		return NULL;
	if (err->code == MORPH_ERR_NOMEM)
		return err;
	return morph_error_fmt(MORPH_ERR_SUITE, "%s: schema in \"value\": %s",
	    name, err->msg);
}

static const struct morph_error *
check_rouge(const cJSON *spec, const char *name)
{
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(spec, "n");
	const char *v = value_str(spec);
	struct word *w;
	size_t count;
	char *f;
	int order;

	if (n != NULL && (!cJSON_IsNumber(n) || n->valuedouble < 1 ||
	    n->valuedouble > 9 || floor(n->valuedouble) != n->valuedouble))
		return morph_error_fmt(MORPH_ERR_SUITE, "%s: \"n\" must be an "
		    "integer from 1 to 9", name);
	order = rouge_order(spec);
	if ((f = folded(v, strlen(v))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	w = words(f, strlen(f), &count);
	free(f);
	free(w);
	if (w == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	if (count < (size_t)order)
		return morph_error_fmt(MORPH_ERR_SUITE, "%s: \"value\" has %zu "
		    "word%s, too few for %d-grams", name, count, count == 1 ?
		    "" : "s", order);
	return NULL;
}

static const struct morph_error *
check_exec(const cJSON *spec, const char *name)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(spec, "timeout");

	if (t != NULL && (!cJSON_IsNumber(t) || t->valuedouble < 1 ||
	    t->valuedouble > 3600000 ||
	    floor(t->valuedouble) != t->valuedouble))
		return morph_error_fmt(MORPH_ERR_SUITE, "%s: \"timeout\" must "
		    "be a whole number of milliseconds from 1 to 3600000",
		    name);
	return NULL;
}

static const struct morph_error *
check_rubric(const cJSON *spec, const char *name)
{
	(void)name;
	return morph_rubric_check(spec);
}

static const struct assert_type types[] = {
	{ "contains", V_STRING, T_ANY, j_contains, NULL },
	{ "contains-all", V_STRINGS, T_ANY, j_contains_all, NULL },
	{ "contains-any", V_STRINGS, T_ANY, j_contains_any, NULL },
	{ "contains-json", V_OPT_SCHEMA, T_ANY, j_contains_json,
	  check_schema },
	{ "cost", V_NONE, T_REQUIRED, j_cost, NULL },
	{ "equals", V_STRING, T_ANY, j_equals, NULL },
	{ "exec", V_TEXT, T_UNIT, j_exec, check_exec },
	{ "icontains", V_STRING, T_ANY, j_icontains, NULL },
	{ "icontains-all", V_STRINGS, T_ANY, j_icontains_all, NULL },
	{ "icontains-any", V_STRINGS, T_ANY, j_icontains_any, NULL },
	{ "is-json", V_OPT_SCHEMA, T_ANY, j_is_json, check_schema },
	{ "json-schema", V_SCHEMA, T_ANY, j_is_json, check_schema },
	{ "latency", V_NONE, T_REQUIRED, j_latency, NULL },
	{ "levenshtein", V_STRING, T_COUNT, j_levenshtein, NULL },
	{ "llm-rubric", V_TEXT, T_UNIT, j_llm_rubric, check_rubric },
	{ "regex", V_STRING, T_ANY, j_regex, check_regex },
	{ "rouge-n", V_TEXT, T_UNIT, j_rouge_n, check_rouge },
	{ "starts-with", V_STRING, T_ANY, j_starts_with, NULL },
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

int
morph_assert_is(const cJSON *spec, const char *base)
{
	const char *name = morph_json_str(spec, "type");

	if (name == NULL)
		return 0;
	if (strncmp(name, "not-", 4) == 0)
		name += 4;
	return strcmp(name, base) == 0;
}

int
morph_assert_needs_exec(const cJSON *specs)
{
	const cJSON *s;

	cJSON_ArrayForEach(s, specs)
		if (morph_assert_is(s, "exec"))
			return 1;
	return 0;
}

static const struct morph_error *
check_value(const struct assert_type *t, const cJSON *v, const char *name)
{
	const cJSON *e;

	if (v == NULL && t->value != V_NONE && t->value != V_OPT_SCHEMA)
		return morph_error_fmt(MORPH_ERR_SUITE, "%s needs a \"value\"",
		    name);
	switch (t->value) {
	case V_STRING:
		if (!cJSON_IsString(v))
			return morph_error_fmt(MORPH_ERR_SUITE, "%s: \"value\" "
			    "must be a string", name);
		break;
	case V_TEXT:
		if (!cJSON_IsString(v) || v->valuestring[0] == '\0')
			return morph_error_fmt(MORPH_ERR_SUITE, "%s: \"value\" "
			    "must be a non-empty string", name);
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
	case V_SCHEMA:
		if (cJSON_IsNull(v))
			return morph_error_fmt(MORPH_ERR_SUITE, "%s needs a "
			    "\"value\"", name);
		break;
	case V_OPT_SCHEMA:
		break;
	}
	return NULL;
}

/*
 * A threshold of the kind t takes.  JSON has no NaN, but 1e999 reads as
 * infinity, which is refused with the rest.
 */
static const struct morph_error *
check_threshold(const struct assert_type *t, const cJSON *th,
    const char *name)
{
	double d = cJSON_IsNumber(th) ? th->valuedouble : -1;

	switch (t->threshold) {
	case T_UNIT:
		if (!(d >= 0 && d <= 1))
			return morph_error_fmt(MORPH_ERR_SUITE, "%s: "
			    "\"threshold\" must be a number from 0 to 1", name);
		break;
	case T_COUNT:
		if (!(d >= 0 && d <= 1e9) || floor(d) != d)
			return morph_error_fmt(MORPH_ERR_SUITE, "%s: "
			    "\"threshold\" must be a whole number of edits "
			    "from 0 to 1000000000", name);
		break;
	case T_ANY:
	case T_REQUIRED:
		if (!(d >= 0) || !isfinite(d))
			return morph_error_fmt(MORPH_ERR_SUITE, "%s: "
			    "\"threshold\" must be a finite number, 0 or more",
			    name);
		break;
	}
	return NULL;
}

const struct morph_error *
morph_assert_check(const cJSON *spec)
{
	const struct morph_error *err;
	const struct assert_type *t;
	const cJSON *w, *th;
	const char *name;
	int negate;

	if (!cJSON_IsObject(spec))
		return morph_error_fmt(MORPH_ERR_SUITE,
		    "an assertion is an object with a \"type\"");
	if ((name = morph_json_str(spec, "type")) == NULL)
		return morph_error_fmt(MORPH_ERR_SUITE,
		    "assertion has no \"type\"");
	if ((t = lookup(name, &negate)) == NULL)
		return morph_error_fmt(MORPH_ERR_SUITE, "unknown assertion "
		    "type \"%.100s\"", name);
	if ((err = check_value(t, cJSON_GetObjectItemCaseSensitive(spec,
	    "value"), name)) != NULL)
		return err;
	th = cJSON_GetObjectItemCaseSensitive(spec, "threshold");
	if (th != NULL && (err = check_threshold(t, th, name)) != NULL)
		return err;
	if (t->threshold == T_REQUIRED && th == NULL)
		return morph_error_fmt(MORPH_ERR_SUITE, "%s needs a "
		    "\"threshold\"", name);
	w = cJSON_GetObjectItemCaseSensitive(spec, "weight");
	if (w != NULL && (!cJSON_IsNumber(w) || !(w->valuedouble >= 0 &&
	    w->valuedouble <= 1e6)))
		return morph_error_fmt(MORPH_ERR_SUITE, "%s: \"weight\" must "
		    "be a number from 0 to 1000000", name);
	if (t->check != NULL && (err = t->check(spec, name)) != NULL)
		return err;
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
	if (j.broken) {
		j.pass = 0;
		j.score = 0;
	} else if (negate) {
		j.pass = !j.pass;
		j.score = 1 - j.score;
	}
	morph_utf8_fix(j.reason);
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
