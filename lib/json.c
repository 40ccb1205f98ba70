/*
 * JSON parsing with located errors, and the canonical form of hashed
 * objects (see json_int.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_int.h"

static void
locate(const char *data, size_t off, int *line, int *col)
{
	size_t i;

	*line = 1;
	*col = 1;
	for (i = 0; i < off; i++) {
		if (data[i] == '\n') {
			(*line)++;
			*col = 1;
		} else
			(*col)++;
	}
}

int
morph_json_hazard(const char *data, size_t len, size_t *off)
{
	size_t i, depth = 0;
	int in_string = 0;

	for (i = 0; i < len; i++) {
		char c = data[i];

		*off = i;
		if (c == '\0')
			return MORPH_JSON_NUL_BYTE;
		if (in_string) {
			if (c == '"')
				in_string = 0;
			else if (c == '\\' && i + 1 < len) {
				if (data[i + 1] == 'u' && i + 5 < len &&
				    memcmp(data + i + 2, "0000", 4) == 0)
					return MORPH_JSON_NUL_ESCAPE;
				i++;		/* the escaped character */
			}
			continue;
		}
		if (c == '"')
			in_string = 1;
		else if (c == '[' || c == '{') {
			if (++depth > MORPH_JSON_MAX_DEPTH)
				return MORPH_JSON_TOO_DEEP;
		} else if ((c == ']' || c == '}') && depth > 0)
			depth--;
	}
	*off = len;
	return 0;
}

const char *
morph_json_hazard_str(int hazard)
{
	switch (hazard) {
	case MORPH_JSON_NUL_BYTE:
		return "a NUL byte: text holding NUL is refused, not cut short";
	case MORPH_JSON_NUL_ESCAPE:
		return "\\u0000 (NUL) in a string: text holding NUL is "
		    "refused, not cut short";
	case MORPH_JSON_TOO_DEEP:
		return "nested too deep: more than " MORPH_JSON_MAX_DEPTH_STR
		    " levels of arrays and objects";
	default:
		return "no hazard";
	}
}

const struct morph_error *
morph_json_parse(cJSON **out, const char *data, size_t len, const char *what)
{
	const char *end = NULL;
	cJSON *v;
	size_t n;
	int line, col, hazard;

	*out = NULL;
	if (morph_utf8_check(data, len) != 0)
		return morph_error_fmt(MORPH_ERR_INVALID,
		    "%s: not valid UTF-8", what);
	if ((hazard = morph_json_hazard(data, len, &n)) != 0) {
		locate(data, n, &line, &col);
		return morph_error_fmt(MORPH_ERR_INVALID, "%s:%d:%d: %s", what,
		    line, col, morph_json_hazard_str(hazard));
	}
	v = cJSON_ParseWithLengthOpts(data, len, &end, 0);
	if (v == NULL) {
		size_t off = end != NULL && end >= data ?
		    (size_t)(end - data) : 0;

		if (off > len)
			off = len;
		locate(data, off, &line, &col);
		if (off >= len)
			return morph_error_fmt(MORPH_ERR_INVALID,
			    "%s:%d:%d: invalid JSON: unexpected end of input",
			    what, line, col);
		/* The excerpt stays on its line, so the message is one. */
		for (n = 0; off + n < len && n < 16 && data[off + n] != '\n' &&
		    data[off + n] != '\r'; n++)
			;
		if (n == 0)
			return morph_error_fmt(MORPH_ERR_INVALID,
			    "%s:%d:%d: invalid JSON at the end of the line",
			    what, line, col);
		return morph_error_fmt(MORPH_ERR_INVALID,
		    "%s:%d:%d: invalid JSON near '%.*s'", what, line, col,
		    (int)n, data + off);
	}
	/* Only white space may follow the value. */
	if (end != NULL) {
		const char *p = end;

		while (p < data + len && (*p == ' ' || *p == '\t' ||
		    *p == '\n' || *p == '\r'))
			p++;
		if (p < data + len) {
			locate(data, (size_t)(p - data), &line, &col);
			cJSON_Delete(v);
			return morph_error_fmt(MORPH_ERR_INVALID,
			    "%s:%d:%d: invalid JSON: unexpected text after "
			    "the value", what, line, col);
		}
	}
	*out = v;
	return NULL;
}

int
morph_utf8_check(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, n, k;
	unsigned int c;

	while (i < len) {
		c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			n = 1;
		else if (c >= 0xe0 && c <= 0xef)
			n = 2;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 3;
		else
			return -1;
		if (len - i <= n)
			return -1;
		for (k = 1; k <= n; k++)
			if ((s[i + k] & 0xc0) != 0x80)
				return -1;
		/* Overlong forms, surrogates and values past U+10FFFF. */
		if (c == 0xe0 && s[i + 1] < 0xa0)
			return -1;
		if (c == 0xed && s[i + 1] > 0x9f)
			return -1;
		if (c == 0xf0 && s[i + 1] < 0x90)
			return -1;
		if (c == 0xf4 && s[i + 1] > 0x8f)
			return -1;
		i += n + 1;
	}
	return 0;
}

void
morph_json_put_string(struct morph_buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, run = 0;
	unsigned char c;

	morph_buf_putc(b, '"');
	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		morph_buf_put(b, s + run, i - run);
		run = i + 1;
		switch (c) {
		case '"':
			morph_buf_puts(b, "\\\"");
			break;
		case '\\':
			morph_buf_puts(b, "\\\\");
			break;
		case '\b':
			morph_buf_puts(b, "\\b");
			break;
		case '\f':
			morph_buf_puts(b, "\\f");
			break;
		case '\n':
			morph_buf_puts(b, "\\n");
			break;
		case '\r':
			morph_buf_puts(b, "\\r");
			break;
		case '\t':
			morph_buf_puts(b, "\\t");
			break;
		default:
			morph_buf_puts(b, "\\u00");
			morph_buf_putc(b, hex[c >> 4]);
			morph_buf_putc(b, hex[c & 0xf]);
			break;
		}
	}
	morph_buf_put(b, s + run, len - run);
	morph_buf_putc(b, '"');
}

const struct morph_error *
morph_json_put_number(struct morph_buf *b, double d)
{
	char tmp[40];
	int prec;

	if (!isfinite(d))
		return morph_error_fmt(MORPH_ERR_INVALID,
		    "number is not finite");
	if (d == 0) {
		morph_buf_putc(b, '0');	/* also for -0 */
		return NULL;
	}
	if (floor(d) == d && fabs(d) < 9007199254740992.0) {
		/* Integers are most numbers: no printf for them. */
		char digits[24], *p = digits + sizeof(digits);
		long long v = (long long)d;
		unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v :
		    (unsigned long long)v;

		do
			*--p = (char)('0' + u % 10);
		while ((u /= 10) != 0);
		if (v < 0)
			*--p = '-';
		morph_buf_put(b, p, (size_t)(digits + sizeof(digits) - p));
		return NULL;
	}
	for (prec = 1; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*g", prec, d);
		if (strtod(tmp, NULL) == d)
			break;
	}
	morph_buf_puts(b, tmp);
	return NULL;
}

static int
cmp_keys(const void *a, const void *b)
{
	const cJSON *x = *(const cJSON *const *)a;
	const cJSON *y = *(const cJSON *const *)b;

	return strcmp(x->string, y->string);
}

static const struct morph_error *
canonical(struct morph_buf *b, const cJSON *v, int depth)
{
	const struct morph_error *err = NULL;
	const cJSON *c;
	const cJSON *few[32], **kids = few;
	size_t n = 0, i;
	int sorted = 1;

	if (depth > 200)
		return morph_error_fmt(MORPH_ERR_INVALID,
		    "JSON nested too deeply");
	if (cJSON_IsNull(v)) {
		morph_buf_puts(b, "null");
	} else if (cJSON_IsTrue(v)) {
		morph_buf_puts(b, "true");
	} else if (cJSON_IsFalse(v)) {
		morph_buf_puts(b, "false");
	} else if (cJSON_IsNumber(v)) {
		err = morph_json_put_number(b, v->valuedouble);
	} else if (cJSON_IsString(v)) {
		size_t len = strlen(v->valuestring);

		if (morph_utf8_check(v->valuestring, len) != 0)
			return morph_error_fmt(MORPH_ERR_INVALID,
			    "JSON string is not valid UTF-8");
		morph_json_put_string(b, v->valuestring, len);
	} else if (cJSON_IsArray(v)) {
		morph_buf_putc(b, '[');
		for (c = v->child; c != NULL && err == NULL; c = c->next) {
			if (c != v->child)
				morph_buf_putc(b, ',');
			err = canonical(b, c, depth + 1);
		}
		morph_buf_putc(b, ']');
	} else if (cJSON_IsObject(v)) {
		for (c = v->child; c != NULL; c = c->next)
			n++;
		if (n > sizeof(few) / sizeof(few[0]) &&
		    (kids = calloc(n, sizeof(*kids))) == NULL)
			return morph_error(MORPH_ERR_NOMEM);
		for (i = 0, c = v->child; c != NULL; c = c->next) {
			kids[i++] = c;
			if (i > 1 && sorted && cmp_keys(&kids[i - 2],
			    &kids[i - 1]) > 0)
				sorted = 0;
		}
		/* Objects morph builds are in order already, mostly. */
		if (!sorted)
			qsort(kids, n, sizeof(*kids), cmp_keys);
		morph_buf_putc(b, '{');
		for (i = 0; i < n && err == NULL; i++) {
			size_t klen = strlen(kids[i]->string);

			if (i > 0 && strcmp(kids[i - 1]->string,
			    kids[i]->string) == 0) {
				err = morph_error_fmt(MORPH_ERR_INVALID,
				    "duplicate JSON key '%s'",
				    kids[i]->string);
				break;
			}
			if (morph_utf8_check(kids[i]->string, klen) != 0) {
				err = morph_error_fmt(MORPH_ERR_INVALID,
				    "JSON key is not valid UTF-8");
				break;
			}
			if (i > 0)
				morph_buf_putc(b, ',');
			morph_json_put_string(b, kids[i]->string, klen);
			morph_buf_putc(b, ':');
			err = canonical(b, kids[i], depth + 1);
		}
		morph_buf_putc(b, '}');
		if (kids != few)
			free(kids);
	} else
		return morph_error_fmt(MORPH_ERR_INVALID,
		    "JSON value of unknown type");
	return err;
}

const struct morph_error *
morph_json_canonical(struct morph_buf *b, const cJSON *v)
{
	const struct morph_error *err;

	err = canonical(b, v, 0);
	if (err == NULL)
		err = morph_buf_status(b);
	return err;
}

const char *
morph_json_str(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

int
morph_json_int64(const cJSON *obj, const char *key, int64_t *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (!cJSON_IsNumber(v) || floor(v->valuedouble) != v->valuedouble ||
	    fabs(v->valuedouble) > 9007199254740992.0)
		return -1;
	*out = (int64_t)v->valuedouble;
	return 0;
}

cJSON *
morph_json_add_int(cJSON *obj, const char *key, int64_t v)
{
	return cJSON_AddNumberToObject(obj, key, (double)v);
}
