/*
 * JSON Schema, the draft 2020-12 subset of jsonschema_int.h: a checker
 * that refuses what it does not know, and a validator that says where an
 * instance fails.
 *
 * Invariants of the validator:
 *   1. A keyword is evaluated only where the instance is of the type it
 *      applies to (minLength to strings, ...), as the draft says.
 *   2. Keywords are tried in one fixed order and the first failure ends
 *      the evaluation of a schema, so the reason is always the same one.
 *   3. Inside anyOf, oneOf and not, failures are expected and leave no
 *      reason (quiet > 0); the combinator states its own.
 *   4. Once stopped (a limit reached), every evaluation fails, whatever
 *      not says, and the reason is the limit.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <math.h>
#include <pcre2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "morph/buf.h"
#include "jsonschema_int.h"

/* What a keyword's value must be. */
enum kw_kind {
	K_SCHEMA,	/* a schema */
	K_SCHEMA_MAP,	/* an object of schemas */
	K_SCHEMA_LIST,	/* a non-empty array of schemas */
	K_COUNT,	/* a non-negative integer */
	K_NUMBER,	/* a number */
	K_POSITIVE,	/* a number > 0 */
	K_BOOL,		/* true or false */
	K_TYPE,		/* a type name or a non-empty array of them */
	K_ARRAY,	/* an array */
	K_NAMES,	/* an array of distinct strings */
	K_PATTERN,	/* a string that compiles */
	K_REF,		/* "#" or "#/$defs/NAME" naming a definition */
	K_STRING,	/* a string (annotation) */
	K_ROOT_STRING,	/* a string, at the root only */
	K_ANY,		/* anything (annotation or const) */
};

static const struct keyword {
	const char	*name;
	enum kw_kind	 kind;
} keywords[] = {
	{ "$comment", K_STRING },
	{ "$defs", K_SCHEMA_MAP },
	{ "$id", K_ROOT_STRING },
	{ "$ref", K_REF },
	{ "$schema", K_ROOT_STRING },
	{ "additionalProperties", K_SCHEMA },
	{ "allOf", K_SCHEMA_LIST },
	{ "anyOf", K_SCHEMA_LIST },
	{ "const", K_ANY },
	{ "default", K_ANY },
	{ "deprecated", K_BOOL },
	{ "description", K_STRING },
	{ "enum", K_ARRAY },
	{ "examples", K_ARRAY },
	{ "exclusiveMaximum", K_NUMBER },
	{ "exclusiveMinimum", K_NUMBER },
	{ "items", K_SCHEMA },
	{ "maxItems", K_COUNT },
	{ "maxLength", K_COUNT },
	{ "maximum", K_NUMBER },
	{ "minItems", K_COUNT },
	{ "minLength", K_COUNT },
	{ "minimum", K_NUMBER },
	{ "multipleOf", K_POSITIVE },
	{ "not", K_SCHEMA },
	{ "oneOf", K_SCHEMA_LIST },
	{ "pattern", K_PATTERN },
	{ "patternProperties", K_SCHEMA_MAP },
	{ "prefixItems", K_SCHEMA_LIST },
	{ "properties", K_SCHEMA_MAP },
	{ "readOnly", K_BOOL },
	{ "required", K_NAMES },
	{ "title", K_STRING },
	{ "type", K_TYPE },
	{ "uniqueItems", K_BOOL },
	{ "writeOnly", K_BOOL },
};

/* What to write instead of a keyword morph does not know, when it helps. */
static const struct {
	const char	*name;
	const char	*hint;
} hints[] = {
	{ "definitions", "use '$defs'" },
	{ "format", "formats are not checked; use 'pattern'" },
	{ "dependencies", "use 'allOf' with 'required'" },
};

static const char *const type_names[] = {
	"null", "boolean", "object", "array", "number", "string", "integer",
};

static const struct keyword *
keyword(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
		if (strcmp(keywords[i].name, name) == 0)
			return &keywords[i];
	return NULL;
}

/* Appends a JSON pointer segment: '/' then s with '~' and '/' escaped. */
static void
put_segment(struct morph_buf *b, const char *s)
{
	morph_buf_putc(b, '/');
	for (; *s != '\0'; s++) {
		if (*s == '~')
			morph_buf_puts(b, "~0");
		else if (*s == '/')
			morph_buf_puts(b, "~1");
		else
			morph_buf_putc(b, *s);
	}
}

static void
put_index(struct morph_buf *b, int i)
{
	morph_buf_printf(b, "/%d", i);
}

/* The definition "#/$defs/NAME" names in root, "#" root itself. */
static const cJSON *
resolve(const cJSON *root, const char *ref)
{
	static const char defs[] = "#/$defs/";
	const cJSON *d, *e;
	char name[256];
	size_t k = 0;
	const char *p;

	if (strcmp(ref, "#") == 0)
		return root;
	if (strncmp(ref, defs, sizeof(defs) - 1) != 0)
		return NULL;
	for (p = ref + sizeof(defs) - 1; *p != '\0'; p++) {
		if (k + 1 >= sizeof(name) || *p == '/')
			return NULL;
		if (*p == '~' && (p[1] == '0' || p[1] == '1')) {
			name[k++] = p[1] == '0' ? '~' : '/';
			p++;
		} else if (*p == '~')
			return NULL;
		else
			name[k++] = *p;
	}
	name[k] = '\0';
	if (k == 0 || !cJSON_IsObject(root))
		return NULL;
	d = cJSON_GetObjectItemCaseSensitive(root, "$defs");
	if (!cJSON_IsObject(d))
		return NULL;
	cJSON_ArrayForEach(e, d)
		if (e->string != NULL && strcmp(e->string, name) == 0)
			return e;
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
	if (code == PCRE2_ERROR_NOMEMORY)
		return morph_error(MORPH_ERR_NOMEM);
	pcre2_get_error_message(code, msg, sizeof(msg));
	return morph_error_fmt(MORPH_ERR_SUITE, "'%.200s' is not a valid "
	    "regex (%s at offset %zu)", pattern, msg, (size_t)off);
}

/* checking */

struct checker {
	const cJSON		*root;
	struct morph_buf	 path;	/* JSON pointer of the schema checked */
};

static const struct morph_error *
check_schema(struct checker *, const cJSON *s);

/* An error about the schema at c->path, with " at PATH" below the root. */
static const struct morph_error *
bad(struct checker *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static const struct morph_error *
bad(struct checker *c, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (morph_buf_status(&c->path) != NULL)
		return morph_error(MORPH_ERR_NOMEM);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c->path.len == 0)
		return morph_error_fmt(MORPH_ERR_SUITE, "%s", msg);
	return morph_error_fmt(MORPH_ERR_SUITE, "%s at %.300s", msg,
	    morph_buf_cstr(&c->path));
}

static int
is_count(const cJSON *v)
{
	return cJSON_IsNumber(v) && v->valuedouble >= 0 &&
	    v->valuedouble <= 1e15 && floor(v->valuedouble) == v->valuedouble;
}

static int
type_name_ok(const cJSON *v)
{
	size_t i;

	if (!cJSON_IsString(v))
		return 0;
	for (i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (strcmp(v->valuestring, type_names[i]) == 0)
			return 1;
	return 0;
}

static const struct morph_error *
check_type(struct checker *c, const cJSON *v)
{
	const cJSON *e, *f;

	if (type_name_ok(v))
		return NULL;
	if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) == 0)
		goto bad;
	cJSON_ArrayForEach(e, v) {
		if (!type_name_ok(e))
			goto bad;
		for (f = v->child; f != e; f = f->next)
			if (strcmp(f->valuestring, e->valuestring) == 0)
				return bad(c, "'type' names '%s' twice",
				    e->valuestring);
	}
	return NULL;
bad:
	return bad(c, "'type' must be one of null, boolean, object, array, "
	    "number, string and integer, or an array of them");
}

/* Checks the value v of keyword k of the schema at c->path. */
static const struct morph_error *
check_keyword(struct checker *c, const struct keyword *k, const cJSON *v)
{
	const struct morph_error *err = NULL;
	const cJSON *e, *f;
	pcre2_code *re;
	size_t len = c->path.len;
	int i = 0;

	switch (k->kind) {
	case K_SCHEMA:
		put_segment(&c->path, k->name);
		err = check_schema(c, v);
		break;
	case K_SCHEMA_MAP:
		if (!cJSON_IsObject(v))
			return bad(c, "'%s' must be an object of schemas",
			    k->name);
		cJSON_ArrayForEach(e, v) {
			morph_buf_truncate(&c->path, len);
			if (strcmp(k->name, "patternProperties") == 0) {
				if ((err = compile(&re, e->string)) != NULL)
					return err->code == MORPH_ERR_NOMEM ?
					    err : bad(c, "'patternProperties': "
					    "%s", err->msg);
				pcre2_code_free(re);
			}
			put_segment(&c->path, k->name);
			put_segment(&c->path, e->string);
			if ((err = check_schema(c, e)) != NULL)
				break;
		}
		break;
	case K_SCHEMA_LIST:
		if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) == 0)
			return bad(c, "'%s' must be a non-empty array of "
			    "schemas", k->name);
		cJSON_ArrayForEach(e, v) {
			morph_buf_truncate(&c->path, len);
			put_segment(&c->path, k->name);
			put_index(&c->path, i++);
			if ((err = check_schema(c, e)) != NULL)
				break;
		}
		break;
	case K_COUNT:
		if (!is_count(v))
			return bad(c, "'%s' must be a non-negative integer",
			    k->name);
		break;
	case K_NUMBER:
		if (!cJSON_IsNumber(v))
			return bad(c, "'%s' must be a number", k->name);
		break;
	case K_POSITIVE:
		if (!cJSON_IsNumber(v) || !(v->valuedouble > 0))
			return bad(c, "'%s' must be a number greater than 0",
			    k->name);
		break;
	case K_BOOL:
		if (!cJSON_IsBool(v))
			return bad(c, "'%s' must be true or false", k->name);
		break;
	case K_TYPE:
		return check_type(c, v);
	case K_ARRAY:
		if (!cJSON_IsArray(v))
			return bad(c, "'%s' must be an array", k->name);
		break;
	case K_NAMES:
		if (!cJSON_IsArray(v))
			return bad(c, "'%s' must be an array of property "
			    "names", k->name);
		cJSON_ArrayForEach(e, v) {
			if (!cJSON_IsString(e))
				return bad(c, "'%s' must be an array of "
				    "property names", k->name);
			for (f = v->child; f != e; f = f->next)
				if (strcmp(f->valuestring, e->valuestring) ==
				    0)
					return bad(c, "'%s' names '%.200s' "
					    "twice", k->name, e->valuestring);
		}
		break;
	case K_PATTERN:
		if (!cJSON_IsString(v))
			return bad(c, "'pattern' must be a string");
		if ((err = compile(&re, v->valuestring)) != NULL)
			return err->code == MORPH_ERR_NOMEM ? err :
			    bad(c, "'pattern': %s", err->msg);
		pcre2_code_free(re);
		break;
	case K_REF:
		if (!cJSON_IsString(v))
			return bad(c, "'$ref' must be a string");
		if (strcmp(v->valuestring, "#") != 0 &&
		    strncmp(v->valuestring, "#/$defs/", 8) != 0)
			return bad(c, "'$ref' '%.200s' is not supported: "
			    "expected '#' or '#/$defs/NAME'", v->valuestring);
		if (resolve(c->root, v->valuestring) == NULL)
			return bad(c, "'$ref' '%.200s' names no definition of "
			    "the root's '$defs'", v->valuestring);
		break;
	case K_ROOT_STRING:
		if (c->path.len != 0)
			return bad(c, "unsupported keyword '%s' (only at the "
			    "root)", k->name);
		/* FALLTHROUGH */
	case K_STRING:
		if (!cJSON_IsString(v))
			return bad(c, "'%s' must be a string", k->name);
		break;
	case K_ANY:
		break;
	}
	morph_buf_truncate(&c->path, len);
	if (err == NULL && morph_buf_status(&c->path) != NULL)
		return morph_error(MORPH_ERR_NOMEM);
	return err;
}

static const struct morph_error *
check_schema(struct checker *c, const cJSON *s)
{
	const struct morph_error *err;
	const struct keyword *k;
	const cJSON *e, *f;
	size_t i;

	if (cJSON_IsBool(s))
		return NULL;
	if (!cJSON_IsObject(s))
		return bad(c, "expected a schema (an object or a boolean)");
	cJSON_ArrayForEach(e, s) {
		for (f = s->child; f != e; f = f->next)
			if (strcmp(f->string, e->string) == 0)
				return bad(c, "keyword '%.100s' given twice",
				    e->string);
		if ((k = keyword(e->string)) != NULL) {
			if ((err = check_keyword(c, k, e)) != NULL)
				return err;
			continue;
		}
		for (i = 0; i < sizeof(hints) / sizeof(hints[0]); i++)
			if (strcmp(hints[i].name, e->string) == 0)
				return bad(c, "unsupported keyword '%s' (%s)",
				    e->string, hints[i].hint);
		return bad(c, "unsupported keyword '%.100s'", e->string);
	}
	return NULL;
}

const struct morph_error *
morph_jsonschema_check(const cJSON *schema)
{
	const struct morph_error *err;
	struct checker c;

	c.root = schema;
	morph_buf_init(&c.path);
	err = check_schema(&c, schema);
	morph_buf_release(&c.path);
	return err;
}

/* validating */

struct pattern {
	const cJSON	*node;		/* where the pattern is written */
	pcre2_code	*re;
};

struct validator {
	const cJSON		*root;
	struct morph_buf	 path;	/* JSON pointer of the instance */
	char			*why;
	size_t			 size;
	int			 have_why;
	int			 quiet;		/* inside anyOf, oneOf, not */
	int			 stopped;	/* a limit was reached */
	int			 depth;
	int			 refs;		/* $refs since a descent */
	unsigned long		 steps;
	struct pattern		*pats;
	size_t			 npats;
	pcre2_match_data	*md;
	pcre2_match_context	*mc;
	int			 nomem;
};

/* Records why validation failed at v->path, unless quiet or known. */
static void
fail(struct validator *v, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
fail(struct validator *v, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	if (v->quiet > 0 || v->have_why)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(v->why, v->size, "%.300s: %s", v->path.len > 0 ?
	    morph_buf_cstr(&v->path) : "/", msg);
	v->have_why = 1;
}

/* Stops validation for good: a limit was reached. */
static void
stop(struct validator *v, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
stop(struct validator *v, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	if (v->stopped)
		return;
	v->stopped = 1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(v->why, v->size, "%.300s: %s", v->path.len > 0 ?
	    morph_buf_cstr(&v->path) : "/", msg);
	v->have_why = 1;
}

/* A number as a person writes it: 3, 2.5, 1e+20. */
static const char *
num(double d, char *buf, size_t size)
{
	if (fabs(d) < 1e15 && floor(d) == d)
		snprintf(buf, size, "%.0f", d);
	else
		snprintf(buf, size, "%.17g", d);
	/* The shortest form that reads back, when %.17g is too long. */
	if (strchr(buf, '.') != NULL || strchr(buf, 'e') != NULL) {
		int p;

		for (p = 1; p <= 17; p++) {
			snprintf(buf, size, "%.*g", p, d);
			if (strtod(buf, NULL) == d)
				break;
		}
	}
	return buf;
}

static int
is_integer(const cJSON *i)
{
	return cJSON_IsNumber(i) && isfinite(i->valuedouble) &&
	    floor(i->valuedouble) == i->valuedouble;
}

/* The JSON type of an instance, as error messages name it. */
static const char *
type_of(const cJSON *i)
{
	if (cJSON_IsNull(i))
		return "null";
	if (cJSON_IsBool(i))
		return "boolean";
	if (cJSON_IsObject(i))
		return "object";
	if (cJSON_IsArray(i))
		return "array";
	if (cJSON_IsNumber(i))
		return "number";
	return "string";
}

static int
has_type(const cJSON *i, const char *t)
{
	if (strcmp(t, "integer") == 0)
		return is_integer(i);
	return strcmp(t, type_of(i)) == 0;
}

/* JSON equality: numbers by value, objects whatever their order. */
static int
json_equal(const cJSON *a, const cJSON *b)
{
	const cJSON *x, *y;

	if (cJSON_IsNumber(a) && cJSON_IsNumber(b))
		return a->valuedouble == b->valuedouble;
	if (strcmp(type_of(a), type_of(b)) != 0)
		return 0;
	if (cJSON_IsBool(a))
		return cJSON_IsTrue(a) == cJSON_IsTrue(b);
	if (cJSON_IsString(a))
		return strcmp(a->valuestring, b->valuestring) == 0;
	if (cJSON_IsArray(a)) {
		for (x = a->child, y = b->child; x != NULL && y != NULL;
		    x = x->next, y = y->next)
			if (!json_equal(x, y))
				return 0;
		return x == NULL && y == NULL;
	}
	if (cJSON_IsObject(a)) {
		if (cJSON_GetArraySize(a) != cJSON_GetArraySize(b))
			return 0;
		cJSON_ArrayForEach(x, a) {
			y = cJSON_GetObjectItemCaseSensitive(b, x->string);
			if (y == NULL || !json_equal(x, y))
				return 0;
		}
		return 1;
	}
	return 1;	/* null */
}

/* The compiled pattern written at node (text: the pattern). */
static pcre2_code *
pattern(struct validator *v, const cJSON *node, const char *text)
{
	struct pattern *p;
	pcre2_code *re;
	size_t i;

	for (i = 0; i < v->npats; i++)
		if (v->pats[i].node == node)
			return v->pats[i].re;
	if (compile(&re, text) != NULL) {
		stop(v, "pattern '%.100s' does not compile", text);
		return NULL;
	}
	if ((p = realloc(v->pats, (v->npats + 1) * sizeof(*p))) == NULL) {
		pcre2_code_free(re);
		v->nomem = 1;
		stop(v, "out of memory");
		return NULL;
	}
	v->pats = p;
	p[v->npats].node = node;
	p[v->npats++].re = re;
	return re;
}

/* 1 when the pattern at node matches s, 0 when not, -1 when stopped. */
static int
matches(struct validator *v, const cJSON *node, const char *text,
    const char *s)
{
	pcre2_code *re;
	int rc;

	if ((re = pattern(v, node, text)) == NULL)
		return -1;
	rc = pcre2_match(re, (PCRE2_SPTR)s, strlen(s), 0, 0, v->md, v->mc);
	if (rc >= 0)
		return 1;
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	stop(v, "pattern '%.100s' could not be matched (PCRE2 error %d)",
	    text, rc);
	return -1;
}

static int validate(struct validator *, const cJSON *s, const cJSON *i);

/* Validates i, member or item seg of the instance, against s. */
static int
descend(struct validator *v, const cJSON *s, const cJSON *i, const char *key,
    int index)
{
	size_t len = v->path.len;
	int refs = v->refs, ok;

	if (key != NULL)
		put_segment(&v->path, key);
	else
		put_index(&v->path, index);
	if (morph_buf_status(&v->path) != NULL) {
		v->nomem = 1;
		stop(v, "out of memory");
		return 0;
	}
	v->refs = 0;
	ok = validate(v, s, i);
	v->refs = refs;
	morph_buf_truncate(&v->path, len);
	return ok;
}

static int
v_type(struct validator *v, const cJSON *t, const cJSON *i)
{
	char want[128];
	const cJSON *e;
	size_t k = 0;
	int n = 0, total;

	if (cJSON_IsString(t)) {
		if (has_type(i, t->valuestring))
			return 1;
		fail(v, "expected %s, got %s", t->valuestring, type_of(i));
		return 0;
	}
	cJSON_ArrayForEach(e, t)
		if (cJSON_IsString(e) && has_type(i, e->valuestring))
			return 1;
	total = cJSON_GetArraySize(t);
	want[0] = '\0';
	cJSON_ArrayForEach(e, t) {
		if (!cJSON_IsString(e))
			continue;
		n++;
		snprintf(want + k, sizeof(want) - k, "%s%s", n == 1 ? "" :
		    n == total ? " or " : ", ", e->valuestring);
		k = strlen(want);
	}
	fail(v, "expected %s, got %s", want, type_of(i));
	return 0;
}

static int
v_number(struct validator *v, const cJSON *s, const cJSON *i)
{
	const cJSON *k;
	double x = i->valuedouble, q;
	char a[40], b[40];

	if ((k = cJSON_GetObjectItemCaseSensitive(s, "minimum")) != NULL &&
	    cJSON_IsNumber(k) && !(x >= k->valuedouble)) {
		fail(v, "%s is less than minimum %s", num(x, a, sizeof(a)),
		    num(k->valuedouble, b, sizeof(b)));
		return 0;
	}
	if ((k = cJSON_GetObjectItemCaseSensitive(s, "maximum")) != NULL &&
	    cJSON_IsNumber(k) && !(x <= k->valuedouble)) {
		fail(v, "%s is greater than maximum %s", num(x, a, sizeof(a)),
		    num(k->valuedouble, b, sizeof(b)));
		return 0;
	}
	if ((k = cJSON_GetObjectItemCaseSensitive(s, "exclusiveMinimum")) !=
	    NULL && cJSON_IsNumber(k) && !(x > k->valuedouble)) {
		fail(v, "%s is not greater than exclusiveMinimum %s",
		    num(x, a, sizeof(a)), num(k->valuedouble, b, sizeof(b)));
		return 0;
	}
	if ((k = cJSON_GetObjectItemCaseSensitive(s, "exclusiveMaximum")) !=
	    NULL && cJSON_IsNumber(k) && !(x < k->valuedouble)) {
		fail(v, "%s is not less than exclusiveMaximum %s",
		    num(x, a, sizeof(a)), num(k->valuedouble, b, sizeof(b)));
		return 0;
	}
	if ((k = cJSON_GetObjectItemCaseSensitive(s, "multipleOf")) != NULL &&
	    cJSON_IsNumber(k) && k->valuedouble > 0) {
		/* Within rounding: 0.3 is a multiple of 0.1. */
		q = x / k->valuedouble;
		if (!isfinite(q) || fabs(q - nearbyint(q)) > 1e-9 *
		    (fabs(q) > 1 ? fabs(q) : 1)) {
			fail(v, "%s is not a multiple of %s",
			    num(x, a, sizeof(a)), num(k->valuedouble, b,
			    sizeof(b)));
			return 0;
		}
	}
	return 1;
}

static int
v_string(struct validator *v, const cJSON *s, const cJSON *i)
{
	const cJSON *k;
	const unsigned char *p;
	double n = 0;
	int m;

	for (p = (const unsigned char *)i->valuestring; *p != '\0'; p++)
		n += (*p & 0xc0) != 0x80;
	if ((k = cJSON_GetObjectItemCaseSensitive(s, "minLength")) != NULL &&
	    cJSON_IsNumber(k) && n < k->valuedouble) {
		fail(v, "%.0f characters, fewer than minLength %.0f", n,
		    k->valuedouble);
		return 0;
	}
	if ((k = cJSON_GetObjectItemCaseSensitive(s, "maxLength")) != NULL &&
	    cJSON_IsNumber(k) && n > k->valuedouble) {
		fail(v, "%.0f characters, more than maxLength %.0f", n,
		    k->valuedouble);
		return 0;
	}
	if ((k = cJSON_GetObjectItemCaseSensitive(s, "pattern")) != NULL &&
	    cJSON_IsString(k)) {
		if ((m = matches(v, k, k->valuestring, i->valuestring)) < 0)
			return 0;
		if (m == 0) {
			fail(v, "does not match pattern '%.100s'",
			    k->valuestring);
			return 0;
		}
	}
	return 1;
}

static int
v_array(struct validator *v, const cJSON *s, const cJSON *i)
{
	const cJSON *k, *prefix, *items, *e, *f, *p;
	int n = cJSON_GetArraySize(i), a, b, idx;

	if ((k = cJSON_GetObjectItemCaseSensitive(s, "minItems")) != NULL &&
	    cJSON_IsNumber(k) && n < k->valuedouble) {
		fail(v, "%d item%s, fewer than minItems %.0f", n, n == 1 ?
		    "" : "s", k->valuedouble);
		return 0;
	}
	if ((k = cJSON_GetObjectItemCaseSensitive(s, "maxItems")) != NULL &&
	    cJSON_IsNumber(k) && n > k->valuedouble) {
		fail(v, "%d item%s, more than maxItems %.0f", n, n == 1 ?
		    "" : "s", k->valuedouble);
		return 0;
	}
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(s, "uniqueItems"))) {
		for (e = i->child, a = 0; e != NULL; e = e->next, a++) {
			if (++v->steps > MORPH_JSONSCHEMA_MAX_STEPS) {
				stop(v, "validation takes more than %d steps",
				    MORPH_JSONSCHEMA_MAX_STEPS);
				return 0;
			}
			for (f = i->child, b = 0; f != e; f = f->next, b++)
				if (json_equal(e, f)) {
					fail(v, "items %d and %d are equal "
					    "(uniqueItems)", b, a);
					return 0;
				}
		}
	}
	prefix = cJSON_GetObjectItemCaseSensitive(s, "prefixItems");
	items = cJSON_GetObjectItemCaseSensitive(s, "items");
	p = cJSON_IsArray(prefix) ? prefix->child : NULL;
	for (e = i->child, idx = 0; e != NULL; e = e->next, idx++) {
		if (p != NULL) {
			if (!descend(v, p, e, NULL, idx))
				return 0;
			p = p->next;
			continue;
		}
		if (items == NULL)
			break;
		if (cJSON_IsFalse(items) && idx == 0) {
			fail(v, "%d item%s, but items is false", n, n == 1 ?
			    "" : "s");
			return 0;
		}
		if (cJSON_IsFalse(items)) {
			fail(v, "%d items, more than the %d of prefixItems "
			    "(items is false)", n, idx);
			return 0;
		}
		if (!descend(v, items, e, NULL, idx))
			return 0;
	}
	return 1;
}

static int
v_object(struct validator *v, const cJSON *s, const cJSON *i)
{
	const cJSON *req, *props, *pats, *extra, *e, *p;
	int matched, m;

	req = cJSON_GetObjectItemCaseSensitive(s, "required");
	cJSON_ArrayForEach(e, req) {
		if (!cJSON_IsString(e))
			continue;
		if (cJSON_GetObjectItemCaseSensitive(i, e->valuestring) ==
		    NULL) {
			fail(v, "missing required property '%.100s'",
			    e->valuestring);
			return 0;
		}
	}
	props = cJSON_GetObjectItemCaseSensitive(s, "properties");
	pats = cJSON_GetObjectItemCaseSensitive(s, "patternProperties");
	extra = cJSON_GetObjectItemCaseSensitive(s, "additionalProperties");
	cJSON_ArrayForEach(e, i) {
		matched = 0;
		if (cJSON_IsObject(props) && (p =
		    cJSON_GetObjectItemCaseSensitive(props, e->string)) !=
		    NULL) {
			matched = 1;
			if (!descend(v, p, e, e->string, 0))
				return 0;
		}
		if (cJSON_IsObject(pats)) {
			cJSON_ArrayForEach(p, pats) {
				if ((m = matches(v, p, p->string, e->string)) <
				    0)
					return 0;
				if (m == 0)
					continue;
				matched = 1;
				if (!descend(v, p, e, e->string, 0))
					return 0;
			}
		}
		if (matched || extra == NULL)
			continue;
		if (cJSON_IsFalse(extra)) {
			fail(v, "property '%.100s' is not allowed "
			    "(additionalProperties is false)", e->string);
			return 0;
		}
		if (!descend(v, extra, e, e->string, 0))
			return 0;
	}
	return 1;
}

static int
v_combinators(struct validator *v, const cJSON *s, const cJSON *i)
{
	const cJSON *k, *e;
	int n, hits, first = -1, second = -1, idx;

	if ((k = cJSON_GetObjectItemCaseSensitive(s, "allOf")) != NULL)
		cJSON_ArrayForEach(e, k)
			if (!validate(v, e, i))
				return 0;
	if ((k = cJSON_GetObjectItemCaseSensitive(s, "anyOf")) != NULL) {
		hits = 0;
		v->quiet++;
		cJSON_ArrayForEach(e, k)
			if (validate(v, e, i)) {
				hits = 1;
				break;
			}
		v->quiet--;
		if (v->stopped)
			return 0;
		if (!hits) {
			n = cJSON_GetArraySize(k);
			fail(v, "matches none of the %d schema%s of anyOf", n,
			    n == 1 ? "" : "s");
			return 0;
		}
	}
	if ((k = cJSON_GetObjectItemCaseSensitive(s, "oneOf")) != NULL) {
		hits = 0;
		idx = 0;
		v->quiet++;
		cJSON_ArrayForEach(e, k) {
			if (validate(v, e, i)) {
				if (hits++ == 0)
					first = idx;
				else {
					second = idx;
					break;
				}
			}
			idx++;
		}
		v->quiet--;
		if (v->stopped)
			return 0;
		n = cJSON_GetArraySize(k);
		if (hits == 0) {
			fail(v, "matches none of the %d schema%s of oneOf", n,
			    n == 1 ? "" : "s");
			return 0;
		}
		if (hits > 1) {
			fail(v, "matches schemas %d and %d of oneOf, not "
			    "exactly one", first, second);
			return 0;
		}
	}
	if ((k = cJSON_GetObjectItemCaseSensitive(s, "not")) != NULL) {
		v->quiet++;
		hits = validate(v, k, i);
		v->quiet--;
		if (v->stopped)
			return 0;
		if (hits) {
			fail(v, "matches the schema of not");
			return 0;
		}
	}
	return 1;
}

/* Whether i is valid against s; the order of keywords is invariant 2. */
static int
validate(struct validator *v, const cJSON *s, const cJSON *i)
{
	const cJSON *k, *e, *target;
	int ok = 0, ref_ok;

	if (v->stopped)
		return 0;
	if (++v->steps > MORPH_JSONSCHEMA_MAX_STEPS) {
		stop(v, "validation takes more than %d steps",
		    MORPH_JSONSCHEMA_MAX_STEPS);
		return 0;
	}
	if (v->depth >= MORPH_JSONSCHEMA_MAX_DEPTH) {
		stop(v, "validation nests deeper than %d schemas",
		    MORPH_JSONSCHEMA_MAX_DEPTH);
		return 0;
	}
	if (cJSON_IsTrue(s))
		return 1;
	if (cJSON_IsFalse(s)) {
		fail(v, "not allowed (the schema is false)");
		return 0;
	}
	if (!cJSON_IsObject(s))
		return 1;
	v->depth++;
	if ((k = cJSON_GetObjectItemCaseSensitive(s, "$ref")) != NULL &&
	    cJSON_IsString(k)) {
		if ((target = resolve(v->root, k->valuestring)) == NULL) {
			stop(v, "'$ref' '%.100s' names no definition",
			    k->valuestring);
			goto done;
		}
		if (v->refs >= MORPH_JSONSCHEMA_MAX_REFS) {
			stop(v, "'$ref' loops: more than %d in a row",
			    MORPH_JSONSCHEMA_MAX_REFS);
			goto done;
		}
		v->refs++;
		ref_ok = validate(v, target, i);
		v->refs--;
		if (!ref_ok)
			goto done;
	}
	if ((k = cJSON_GetObjectItemCaseSensitive(s, "type")) != NULL &&
	    !v_type(v, k, i))
		goto done;
	if ((k = cJSON_GetObjectItemCaseSensitive(s, "enum")) != NULL &&
	    cJSON_IsArray(k)) {
		cJSON_ArrayForEach(e, k)
			if (json_equal(e, i))
				break;
		if (e == NULL) {
			fail(v, "not one of the %d values of enum",
			    cJSON_GetArraySize(k));
			goto done;
		}
	}
	if ((k = cJSON_GetObjectItemCaseSensitive(s, "const")) != NULL &&
	    !json_equal(k, i)) {
		fail(v, "differs from const");
		goto done;
	}
	if (cJSON_IsNumber(i) && !v_number(v, s, i))
		goto done;
	if (cJSON_IsString(i) && !v_string(v, s, i))
		goto done;
	if (cJSON_IsArray(i) && !v_array(v, s, i))
		goto done;
	if (cJSON_IsObject(i) && !v_object(v, s, i))
		goto done;
	ok = v_combinators(v, s, i);
done:
	v->depth--;
	return ok && !v->stopped;
}

const struct morph_error *
morph_jsonschema_validate(int *valid, char *why, size_t size,
    const cJSON *schema, const cJSON *instance)
{
	struct validator v;
	size_t i;

	*valid = 0;
	if (size > 0)
		why[0] = '\0';
	memset(&v, 0, sizeof(v));
	v.root = schema;
	v.why = why;
	v.size = size;
	morph_buf_init(&v.path);
	v.md = pcre2_match_data_create(1, NULL);
	v.mc = pcre2_match_context_create(NULL);
	if (v.md == NULL || v.mc == NULL) {
		pcre2_match_data_free(v.md);
		pcre2_match_context_free(v.mc);
		return morph_error(MORPH_ERR_NOMEM);
	}
	/* A pattern that backtracks without end fails, it does not hang. */
	pcre2_set_match_limit(v.mc, 1000000);
	*valid = validate(&v, schema, instance);
	if (!*valid && !v.have_why && size > 0)
		snprintf(why, size, "/: invalid");
	for (i = 0; i < v.npats; i++)
		pcre2_code_free(v.pats[i].re);
	free(v.pats);
	pcre2_match_data_free(v.md);
	pcre2_match_context_free(v.mc);
	morph_buf_release(&v.path);
	if (v.nomem) {
		*valid = 0;
		return morph_error(MORPH_ERR_NOMEM);
	}
	return NULL;
}
