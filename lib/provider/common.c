/*
 * Helpers every dialect uses (dialect_int.h): checking calls, writing
 * requests, and reading error bodies, counts and finish reasons.
 *
 * Replies are untrusted bytes.  Everything here checks the type of each
 * JSON value before it reads it, copies strings into bounded buffers, and
 * turns anything unexpected into an error that says what it was.
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "morph/num.h"
#include "json_int.h"
#include "provider/dialect_int.h"

/* The most of an error message that a reply keeps. */
#define ERROR_MAX	1024

/* The largest integer a double holds exactly. */
#define EXACT_MAX	9007199254740992.0

static int
is_int(const cJSON *v, double min, double max)
{
	return cJSON_IsNumber(v) && isfinite(v->valuedouble) &&
	    floor(v->valuedouble) == v->valuedouble &&
	    v->valuedouble >= min && v->valuedouble <= max;
}

static int
is_num(const cJSON *v)
{
	return cJSON_IsNumber(v) && isfinite(v->valuedouble);
}

const char *
morph_json_kind(const cJSON *v)
{
	if (v == NULL)
		return "missing";
	if (cJSON_IsObject(v))
		return "an object";
	if (cJSON_IsArray(v))
		return "an array";
	if (cJSON_IsString(v))
		return "a string";
	if (cJSON_IsNumber(v))
		return "a number";
	if (cJSON_IsBool(v))
		return "a boolean";
	if (cJSON_IsNull(v))
		return "null";
	return "not JSON";
}

static const struct morph_error *
check_format(const cJSON *rf)
{
	const cJSON *m, *js = NULL;
	const char *type = NULL;

	if (!cJSON_IsObject(rf))
		return morph_error_fmt(MORPH_ERR_INVALID, "call: "
		    "params.response_format must be an object, not %s",
		    morph_json_kind(rf));
	cJSON_ArrayForEach(m, rf) {
		if (strcmp(m->string, "type") == 0 && cJSON_IsString(m))
			type = m->valuestring;
		else if (strcmp(m->string, "json_schema") == 0)
			js = m;
		else
			return morph_error_fmt(MORPH_ERR_INVALID, "call: "
			    "params.response_format.%s is not something "
			    "morph sends", m->string);
	}
	if (type == NULL || (strcmp(type, "text") != 0 &&
	    strcmp(type, "json_object") != 0 &&
	    strcmp(type, "json_schema") != 0))
		return morph_error_fmt(MORPH_ERR_INVALID, "call: "
		    "params.response_format.type must be text, json_object "
		    "or json_schema");
	if (strcmp(type, "json_schema") != 0) {
		if (js != NULL)
			return morph_error_fmt(MORPH_ERR_INVALID, "call: "
			    "params.response_format.json_schema needs type "
			    "json_schema");
		return NULL;
	}
	if (!cJSON_IsObject(js) || !cJSON_IsObject(
	    cJSON_GetObjectItemCaseSensitive(js, "schema")))
		return morph_error_fmt(MORPH_ERR_INVALID, "call: "
		    "params.response_format.json_schema.schema must be an "
		    "object");
	cJSON_ArrayForEach(m, js) {
		if (strcmp(m->string, "schema") == 0)
			continue;
		if (strcmp(m->string, "name") == 0 && cJSON_IsString(m))
			continue;
		if (strcmp(m->string, "description") == 0 &&
		    cJSON_IsString(m))
			continue;
		if (strcmp(m->string, "strict") == 0 && cJSON_IsBool(m))
			continue;
		return morph_error_fmt(MORPH_ERR_INVALID, "call: "
		    "params.response_format.json_schema.%s is not a "
		    "name, description, schema or strict", m->string);
	}
	return NULL;
}

static const struct morph_error *
read_params(struct morph_call *c, const cJSON *params)
{
	const cJSON *m, *s;
	const char *k;

	if (params == NULL || cJSON_IsNull(params))
		return NULL;
	if (!cJSON_IsObject(params))
		return morph_error_fmt(MORPH_ERR_INVALID, "call: params must "
		    "be an object, not %s", morph_json_kind(params));
	cJSON_ArrayForEach(m, params) {
		k = m->string;
		if (cJSON_IsNull(m))
			continue;
		if (strcmp(k, "temperature") == 0) {
			if (!is_num(m) || m->valuedouble < 0)
				goto bad_number;
			c->temperature = m;
		} else if (strcmp(k, "top_p") == 0) {
			if (!is_num(m) || m->valuedouble < 0 ||
			    m->valuedouble > 1)
				return morph_error_fmt(MORPH_ERR_INVALID,
				    "call: params.top_p must be a number "
				    "from 0 to 1");
			c->top_p = m;
		} else if (strcmp(k, "presence_penalty") == 0 ||
		    strcmp(k, "frequency_penalty") == 0) {
			if (!is_num(m))
				return morph_error_fmt(MORPH_ERR_INVALID,
				    "call: params.%s must be a number", k);
			if (k[0] == 'p')
				c->presence_penalty = m;
			else
				c->frequency_penalty = m;
		} else if (strcmp(k, "max_tokens") == 0 ||
		    strcmp(k, "top_k") == 0) {
			if (!is_int(m, 1, 2147483647.0))
				return morph_error_fmt(MORPH_ERR_INVALID,
				    "call: params.%s must be a positive "
				    "integer", k);
			if (k[0] == 'm')
				c->max_tokens = m;
			else
				c->top_k = m;
		} else if (strcmp(k, "seed") == 0) {
			if (!is_int(m, -EXACT_MAX, EXACT_MAX))
				return morph_error_fmt(MORPH_ERR_INVALID,
				    "call: params.seed must be an integer");
			c->seed = m;
		} else if (strcmp(k, "stop") == 0) {
			if (cJSON_IsArray(m)) {
				cJSON_ArrayForEach(s, m)
					if (!cJSON_IsString(s))
						goto bad_stop;
			} else if (!cJSON_IsString(m))
				goto bad_stop;
			c->stop = m;
		} else if (strcmp(k, "response_format") == 0) {
			const struct morph_error *err = check_format(m);

			if (err != NULL)
				return err;
			c->response_format = m;
		} else
			return morph_error_fmt(MORPH_ERR_INVALID, "call: "
			    "params.%s is not a parameter morph knows",
			    k);
	}
	return NULL;
bad_number:
	return morph_error_fmt(MORPH_ERR_INVALID, "call: params.%s must be "
	    "a number >= 0", k);
bad_stop:
	return morph_error_fmt(MORPH_ERR_INVALID, "call: params.stop must be "
	    "a string or an array of strings");
}

const struct morph_error *
morph_call_read(struct morph_call *c, const cJSON *call, const char *dialect)
{
	const cJSON *msgs, *m, *f;
	const char *d, *role;
	int i = 0, has_role, has_content;

	memset(c, 0, sizeof(*c));
	if (!cJSON_IsObject(call))
		return morph_error_fmt(MORPH_ERR_INVALID, "call: not a JSON "
		    "object");
	d = morph_json_str(call, "dialect");
	if (d != NULL && strcmp(d, dialect) != 0)
		return morph_error_fmt(MORPH_ERR_INVALID, "call: dialect "
		    "'%s' given to the %s dialect", d, dialect);
	c->model = morph_json_str(call, "model");
	if (c->model == NULL || c->model[0] == '\0')
		return morph_error_fmt(MORPH_ERR_INVALID, "call: model must "
		    "be a string that is not empty");
	msgs = cJSON_GetObjectItemCaseSensitive(call, "messages");
	if (!cJSON_IsArray(msgs) || cJSON_GetArraySize(msgs) == 0)
		return morph_error_fmt(MORPH_ERR_INVALID, "call: messages must "
		    "be an array of at least one message");
	cJSON_ArrayForEach(m, msgs) {
		if (!cJSON_IsObject(m))
			return morph_error_fmt(MORPH_ERR_INVALID, "call: "
			    "messages[%d] must be an object", i);
		has_role = has_content = 0;
		cJSON_ArrayForEach(f, m) {
			if (strcmp(f->string, "role") == 0)
				has_role = 1;
			else if (strcmp(f->string, "content") == 0)
				has_content = 1;
			else
				return morph_error_fmt(MORPH_ERR_INVALID,
				    "call: messages[%d].%s: a message has a "
				    "role and a content only", i, f->string);
		}
		role = morph_json_str(m, "role");
		if (!has_role || role == NULL || (strcmp(role, "system") != 0 &&
		    strcmp(role, "user") != 0 &&
		    strcmp(role, "assistant") != 0))
			return morph_error_fmt(MORPH_ERR_INVALID, "call: "
			    "messages[%d].role must be system, user or "
			    "assistant", i);
		if (!has_content || morph_json_str(m, "content") == NULL)
			return morph_error_fmt(MORPH_ERR_INVALID, "call: "
			    "messages[%d].content must be a string", i);
		i++;
	}
	c->messages = msgs;
	return read_params(c, cJSON_GetObjectItemCaseSensitive(call,
	    "params"));
}

enum morph_call_format
morph_call_format(const struct morph_call *c, const cJSON **schema)
{
	const char *type;

	*schema = NULL;
	if (c->response_format == NULL)
		return MORPH_FORMAT_TEXT;
	type = morph_json_str(c->response_format, "type");
	if (type != NULL && strcmp(type, "json_object") == 0)
		return MORPH_FORMAT_JSON;
	if (type != NULL && strcmp(type, "json_schema") == 0) {
		*schema = cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(c->response_format,
		    "json_schema"), "schema");
		return MORPH_FORMAT_SCHEMA;
	}
	return MORPH_FORMAT_TEXT;
}

int
morph_json_add_copy(cJSON *obj, const char *key, const cJSON *v)
{
	cJSON *copy = cJSON_Duplicate(v, 1);

	if (copy == NULL)
		return -1;
	if (key == NULL ? !cJSON_AddItemToArray(obj, copy) :
	    !cJSON_AddItemToObject(obj, key, copy)) {
		cJSON_Delete(copy);
		return -1;
	}
	return 0;
}

cJSON *
morph_call_stop_array(const struct morph_call *c)
{
	cJSON *a;

	if (cJSON_IsArray(c->stop))
		return cJSON_Duplicate(c->stop, 1);
	if ((a = cJSON_CreateArray()) == NULL)
		return NULL;
	if (morph_json_add_copy(a, NULL, c->stop) != 0) {
		cJSON_Delete(a);
		return NULL;
	}
	return a;
}

const struct morph_error *
morph_request_json(struct morph_request *req, const cJSON *root)
{
	const struct morph_error *err;

	if ((err = morph_request_header(req, "Content-Type: "
	    "application/json")) != NULL)
		return err;
	morph_buf_clear(&req->body);
	if ((err = morph_json_canonical(&req->body, root)) != NULL)
		return err;
	if ((err = morph_buf_status(&req->body)) != NULL)
		return err;
	return morph_buf_status(&req->url);
}

const struct morph_error *
morph_request_key(struct morph_request *req, const char *name,
    const char *prefix, const char *key)
{
	const char *p;

	for (p = key; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return morph_error_fmt(MORPH_ERR_INVALID, "the key for "
			    "the %s header holds a control character", name);
	return morph_request_header(req, "%s: %s%s", name, prefix, key);
}

void
morph_url_put_segment(struct morph_buf *url, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned char ch;

	for (; *s != '\0'; s++) {
		ch = (unsigned char)*s;
		if (isalnum(ch) || strchr("-._~/:@!$&'()*+,;=", ch) != NULL)
			morph_buf_putc(url, ch);
		else {
			morph_buf_putc(url, '%');
			morph_buf_putc(url, hex[ch >> 4]);
			morph_buf_putc(url, hex[ch & 15]);
		}
	}
}

void
morph_reply_reset(struct morph_reply *r)
{
	morph_reply_release(r);
	morph_reply_init(r);
}

/*
 * Appends up to max bytes of text to b as one line: control characters
 * and runs of white space become one space, bytes that are not UTF-8
 * become '?', and a cut never splits a character.
 */
static void
put_clean(struct morph_buf *b, const char *s, size_t len, size_t max)
{
	size_t i = 0, n, start = b->len;
	unsigned char ch;
	int space = 0;

	while (i < len && b->len - start < max) {
		ch = (unsigned char)s[i];
		if (ch < 0x20 || ch == 0x7f || ch == ' ') {
			space = 1;
			i++;
			continue;
		}
		if (space && b->len > start)
			morph_buf_putc(b, ' ');
		space = 0;
		n = ch < 0x80 ? 1 : ch >= 0xf0 ? 4 : ch >= 0xe0 ? 3 : 2;
		if (n > len - i || morph_utf8_check(s + i, n) != 0) {
			morph_buf_putc(b, '?');
			i++;
			continue;
		}
		if (b->len - start + n > max)
			break;
		morph_buf_put(b, s + i, n);
		i += n;
	}
	if (i < len)
		morph_buf_puts(b, "...");
}

/* Text of an HTML or plain body, without its tags. */
static void
put_text_body(struct morph_buf *b, const char *s, size_t len)
{
	struct morph_buf t = MORPH_BUF_INIT;
	size_t i;
	int tag = 0;

	/* Long pages: look at the start only. */
	if (len > 64 * 1024)
		len = 64 * 1024;
	for (i = 0; i < len; i++) {
		if (s[i] == '<')
			tag = 1;
		else if (s[i] == '>' && tag) {
			tag = 0;
			morph_buf_putc(&t, ' ');
		} else if (!tag)
			morph_buf_putc(&t, s[i]);
	}
	put_clean(b, t.ptr != NULL ? t.ptr : "", t.len, 200);
	morph_buf_release(&t);
}

/* Copies s into dst (size bytes), cut to fit, control characters '_'. */
static void
copy_name(char *dst, size_t size, const char *s)
{
	size_t n = strlen(s), i;

	if (n >= size) {
		n = size - 1;
		/* Do not cut a UTF-8 character in two. */
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	for (i = 0; i < n; i++)
		dst[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '_' :
		    s[i];
	dst[n] = '\0';
}

static void
set_type(struct morph_reply *r, const char *s)
{
	copy_name(r->error_type, sizeof(r->error_type), s);
}

/*
 * "34s", "1.5s" as milliseconds, or -1: the seconds in the strict form of
 * morph/num.h (no "0x10s"), at most a year.
 */
static int64_t
duration_ms(const char *s)
{
	char num[64];
	size_t n;
	double v;

	if (s == NULL || (n = strlen(s)) < 2 || n >= sizeof(num) ||
	    s[n - 1] != 's')
		return -1;
	memcpy(num, s, n - 1);
	num[n - 1] = '\0';
	if (morph_num_real(&v, "retryDelay", num, 0, 86400.0 * 365, 0) !=
	    NULL)
		return -1;
	return (int64_t)llround(v * 1000);
}

/* A google.rpc.RetryInfo among Gemini's error details. */
static void
retry_info(struct morph_reply *r, const cJSON *details)
{
	const cJSON *d;
	const char *t;
	int64_t ms;

	cJSON_ArrayForEach(d, details) {
		t = morph_json_str(d, "@type");
		if (t == NULL || strstr(t, "google.rpc.RetryInfo") == NULL)
			continue;
		if ((ms = duration_ms(morph_json_str(d, "retryDelay"))) >= 0)
			r->retry_after_ms = ms;
	}
}

static int
quota_word(const char *s)
{
	return s != NULL && (strcmp(s, "insufficient_quota") == 0 ||
	    strcmp(s, "billing_error") == 0);
}

/*
 * Problem documents (RFC 9457) from validating proxies such as Prism list
 * what was wrong in "validation": the messages say more than "detail".
 */
static void
validation(struct morph_buf *b, const cJSON *doc)
{
	const cJSON *v, *m;
	const char *msg;
	int n = 0;

	v = cJSON_GetObjectItemCaseSensitive(doc, "validation");
	if (!cJSON_IsArray(v))
		return;
	cJSON_ArrayForEach(m, v) {
		if ((msg = morph_json_str(m, "message")) == NULL)
			continue;
		if (n++ == 3) {
			morph_buf_puts(b, "; ...");
			break;
		}
		morph_buf_puts(b, n == 1 ? ": " : "; ");
		put_clean(b, msg, strlen(msg), 200);
	}
}

/*
 * Fills r from an error document, if doc is one of the shapes we know.
 * With strict (a 2xx reply) only an "error" member counts.
 */
static int
error_from_doc(struct morph_reply *r, long status, const cJSON *doc,
    int strict)
{
	const cJSON *e = NULL, *src = NULL, *v;
	const char *msg = NULL, *type = NULL, *code = NULL, *gstatus = NULL;
	char *text = NULL;

	if (cJSON_IsArray(doc) && !strict) {
		/* Gemini has sent its errors as a list of one. */
		return cJSON_GetArraySize(doc) == 1 && error_from_doc(r,
		    status, cJSON_GetArrayItem(doc, 0), strict);
	}
	if (!cJSON_IsObject(doc))
		return 0;
	e = cJSON_GetObjectItemCaseSensitive(doc, "error");
	if (cJSON_IsObject(e))
		src = e;
	else if (cJSON_IsString(e))
		msg = e->valuestring;
	else if (strict) {
		/* Anthropic's shape always has an error object. */
		return 0;
	} else if (morph_json_str(doc, "message") != NULL) {
		/* vLLM and Mistral: {"object": "error", "message", ...} */
		src = doc;
	} else if ((v = cJSON_GetObjectItemCaseSensitive(doc,
	    "detail")) != NULL) {
		/* FastAPI servers: {"detail": "..." or [...]} */
		if (cJSON_IsString(v))
			msg = v->valuestring;
		else
			msg = text = cJSON_PrintUnformatted(v);
	} else
		return 0;
	if (src != NULL) {
		msg = morph_json_str(src, "message");
		type = morph_json_str(src, "type");
		code = morph_json_str(src, "code");
		gstatus = morph_json_str(src, "status");
		retry_info(r, cJSON_GetObjectItemCaseSensitive(src,
		    "details"));
	}
	r->failed = 1;
	if (code != NULL && code[0] != '\0')
		set_type(r, code);
	else if (type != NULL && type[0] != '\0')
		set_type(r, type);
	else if (gstatus != NULL)
		set_type(r, gstatus);
	r->no_retry = quota_word(code) || quota_word(type) ||
	    quota_word(gstatus);
	morph_buf_clear(&r->error);
	morph_buf_printf(&r->error, "HTTP %ld: ", status);
	if (msg != NULL && msg[0] != '\0')
		put_clean(&r->error, msg, strlen(msg), ERROR_MAX);
	else if (r->error_type[0] != '\0')
		morph_buf_printf(&r->error, "%s (no message)", r->error_type);
	else
		morph_buf_puts(&r->error, "an error without a message");
	validation(&r->error, doc);
	free(text);
	return 1;
}

void
morph_reply_fail_body(struct morph_reply *r, long status, const char *body,
    size_t len)
{
	cJSON *doc = NULL;

	r->failed = 1;
	if (len > 0 && morph_json_parse(&doc, body, len, "error") == NULL &&
	    error_from_doc(r, status, doc, 0)) {
		cJSON_Delete(doc);
		return;
	}
	morph_buf_clear(&r->error);
	morph_buf_printf(&r->error, "HTTP %ld", status);
	if (len == 0)
		morph_buf_puts(&r->error, " with an empty body");
	else if (doc != NULL) {
		/* JSON, but no error shape we know: show it. */
		char *s = cJSON_PrintUnformatted(doc);

		morph_buf_puts(&r->error, ": ");
		if (s != NULL)
			put_clean(&r->error, s, strlen(s), 200);
		free(s);
	} else {
		morph_buf_puts(&r->error, ": ");
		put_text_body(&r->error, body, len);
	}
	cJSON_Delete(doc);
}

int
morph_reply_fail_doc(struct morph_reply *r, long status, const cJSON *doc)
{
	const cJSON *e;
	const char *type;

	e = cJSON_GetObjectItemCaseSensitive(doc, "error");
	type = morph_json_str(doc, "type");
	if ((e == NULL || cJSON_IsNull(e)) &&
	    (type == NULL || strcmp(type, "error") != 0))
		return 0;
	if (!error_from_doc(r, status, doc, 1)) {
		r->failed = 1;
		morph_buf_clear(&r->error);
		morph_buf_printf(&r->error, "HTTP %ld: the reply is an error "
		    "that says nothing", status);
	}
	return 1;
}

const struct morph_error *
morph_reply_bad(const char *dialect, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return morph_error_fmt(MORPH_ERR_HTTP, "%s reply: %s", dialect, what);
}

const struct morph_error *
morph_reply_doc(cJSON **out, const char *dialect, const char *body,
    size_t len)
{
	const struct morph_error *err;
	char what[64];
	size_t i;

	*out = NULL;
	for (i = 0; i < len && isspace((unsigned char)body[i]); i++)
		;
	if (i == len)
		return morph_reply_bad(dialect, "the body is empty");
	if (body[i] == '<')
		return morph_reply_bad(dialect, "HTML, not JSON");
	snprintf(what, sizeof(what), "%s reply", dialect);
	if ((err = morph_json_parse(out, body, len, what)) != NULL)
		return morph_error_fmt(MORPH_ERR_HTTP, "%s", err->msg);
	if (!cJSON_IsObject(*out)) {
		err = morph_reply_bad(dialect, "%s, not an object",
		    morph_json_kind(*out));
		cJSON_Delete(*out);
		*out = NULL;
		return err;
	}
	return NULL;
}

const struct morph_error *
morph_reply_count(int64_t *out, const cJSON *obj, const char *key,
    const char *dialect, const char *path)
{
	const cJSON *v;

	*out = -1;
	v = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (v == NULL || cJSON_IsNull(v))
		return NULL;
	if (!is_int(v, 0, EXACT_MAX))
		return morph_reply_bad(dialect, "%s.%s is %s, not a count",
		    path, key, cJSON_IsNumber(v) ? "not a whole number >= 0" :
		    morph_json_kind(v));
	*out = (int64_t)v->valuedouble;
	return NULL;
}

void
morph_reply_finish(struct morph_reply *r, const char *raw,
    const struct morph_finish_map *map)
{
	size_t i;

	r->finish[0] = '\0';
	if (raw == NULL)
		return;
	for (; map != NULL && map->raw != NULL; map++)
		if (strcmp(map->raw, raw) == 0) {
			snprintf(r->finish, sizeof(r->finish), "%s",
			    map->norm);
			return;
		}
	for (i = 0; raw[i] != '\0' && i < sizeof(r->finish) - 1; i++)
		r->finish[i] = isalnum((unsigned char)raw[i]) ||
		    raw[i] == '_' || raw[i] == '-' ?
		    (char)tolower((unsigned char)raw[i]) : '_';
	r->finish[i] = '\0';
}

void
morph_reply_model(struct morph_reply *r, const char *model)
{
	copy_name(r->model, sizeof(r->model), model != NULL ? model : "");
}
