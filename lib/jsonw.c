/*
 * Streaming JSON output (see jsonw.h).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "morph/jsonw.h"
#include "json_int.h"

void
morph_jsonw_init(struct morph_jsonw *w, FILE *fp)
{
	memset(w, 0, sizeof(*w));
	w->fp = fp;
}

static void
indent(struct morph_jsonw *w)
{
	int i;

	fputc('\n', w->fp);
	for (i = 0; i < w->depth; i++)
		fputs("  ", w->fp);
}

/* Separator and indentation before a value or a key. */
static void
before(struct morph_jsonw *w)
{
	if (w->after_key) {
		w->after_key = 0;
		return;
	}
	if (w->depth > 0) {
		if (w->count[w->depth]++ > 0)
			fputc(',', w->fp);
		indent(w);
	}
}

static void
open_level(struct morph_jsonw *w, int c)
{
	before(w);
	fputc(c, w->fp);
	if (w->depth < MORPH_JSONW_MAXDEPTH - 1)
		w->depth++;
	w->count[w->depth] = 0;
}

static void
close_level(struct morph_jsonw *w, int c)
{
	int had = w->count[w->depth];

	if (w->depth > 0)
		w->depth--;
	if (had > 0)
		indent(w);
	fputc(c, w->fp);
}

void
morph_jsonw_object_begin(struct morph_jsonw *w)
{
	open_level(w, '{');
}

void
morph_jsonw_object_end(struct morph_jsonw *w)
{
	close_level(w, '}');
}

void
morph_jsonw_array_begin(struct morph_jsonw *w)
{
	open_level(w, '[');
}

void
morph_jsonw_array_end(struct morph_jsonw *w)
{
	close_level(w, ']');
}

static void
put_string(struct morph_jsonw *w, const char *s, size_t n)
{
	struct morph_buf b = MORPH_BUF_INIT;

	morph_json_put_string(&b, s, n);
	fwrite(morph_buf_cstr(&b), 1, b.len, w->fp);
	morph_buf_release(&b);
}

void
morph_jsonw_key(struct morph_jsonw *w, const char *key)
{
	before(w);
	put_string(w, key, strlen(key));
	fputs(": ", w->fp);
	w->after_key = 1;
}

void
morph_jsonw_string_len(struct morph_jsonw *w, const char *s, size_t n)
{
	before(w);
	put_string(w, s, n);
}

void
morph_jsonw_string(struct morph_jsonw *w, const char *s)
{
	if (s == NULL)
		morph_jsonw_null(w);
	else
		morph_jsonw_string_len(w, s, strlen(s));
}

void
morph_jsonw_int(struct morph_jsonw *w, int64_t v)
{
	before(w);
	fprintf(w->fp, "%lld", (long long)v);
}

void
morph_jsonw_double(struct morph_jsonw *w, double d)
{
	struct morph_buf b = MORPH_BUF_INIT;

	before(w);
	if (morph_json_put_number(&b, d) != NULL)
		fputs("null", w->fp);
	else
		fputs(morph_buf_cstr(&b), w->fp);
	morph_buf_release(&b);
}

void
morph_jsonw_bool(struct morph_jsonw *w, int v)
{
	before(w);
	fputs(v ? "true" : "false", w->fp);
}

void
morph_jsonw_null(struct morph_jsonw *w)
{
	before(w);
	fputs("null", w->fp);
}

void
morph_jsonw_finish(struct morph_jsonw *w)
{
	fputc('\n', w->fp);
}

void
morph_jsonw_kv_string(struct morph_jsonw *w, const char *key, const char *v)
{
	morph_jsonw_key(w, key);
	morph_jsonw_string(w, v);
}

void
morph_jsonw_kv_int(struct morph_jsonw *w, const char *key, int64_t v)
{
	morph_jsonw_key(w, key);
	morph_jsonw_int(w, v);
}

void
morph_jsonw_kv_int_or_null(struct morph_jsonw *w, const char *key, int64_t v)
{
	morph_jsonw_key(w, key);
	if (v < 0)
		morph_jsonw_null(w);
	else
		morph_jsonw_int(w, v);
}

void
morph_jsonw_kv_double_or_null(struct morph_jsonw *w, const char *key, double v)
{
	morph_jsonw_key(w, key);
	if (v < 0)
		morph_jsonw_null(w);
	else
		morph_jsonw_double(w, v);
}

void
morph_jsonw_kv_bool(struct morph_jsonw *w, const char *key, int v)
{
	morph_jsonw_key(w, key);
	morph_jsonw_bool(w, v);
}

static void
pretty(struct morph_jsonw *w, const cJSON *v)
{
	const cJSON *c;

	if (cJSON_IsObject(v)) {
		morph_jsonw_object_begin(w);
		for (c = v->child; c != NULL; c = c->next) {
			morph_jsonw_key(w, c->string);
			pretty(w, c);
		}
		morph_jsonw_object_end(w);
	} else if (cJSON_IsArray(v)) {
		morph_jsonw_array_begin(w);
		for (c = v->child; c != NULL; c = c->next)
			pretty(w, c);
		morph_jsonw_array_end(w);
	} else if (cJSON_IsString(v))
		morph_jsonw_string(w, v->valuestring);
	else if (cJSON_IsNumber(v))
		morph_jsonw_double(w, v->valuedouble);
	else if (cJSON_IsBool(v))
		morph_jsonw_bool(w, cJSON_IsTrue(v));
	else
		morph_jsonw_null(w);
}

void
morph_jsonw_json(struct morph_jsonw *w, const char *json)
{
	cJSON *doc = NULL;

	if (json == NULL) {
		morph_jsonw_null(w);
		return;
	}
	if (morph_json_parse(&doc, json, strlen(json), "value") != NULL) {
		morph_jsonw_string(w, json);
		return;
	}
	pretty(w, doc);
	cJSON_Delete(doc);
}

const struct morph_error *
morph_json_pretty(struct morph_buf *out, const char *data, size_t len)
{
	const struct morph_error *err;
	struct morph_jsonw w;
	cJSON *doc;
	char *text = NULL;
	size_t n = 0;
	FILE *fp;

	if ((err = morph_json_parse(&doc, data, len, "object")) != NULL)
		return err;
	if ((fp = open_memstream(&text, &n)) == NULL) {
		cJSON_Delete(doc);
		return morph_error_errno("cannot format JSON");
	}
	morph_jsonw_init(&w, fp);
	pretty(&w, doc);
	morph_jsonw_finish(&w);
	fclose(fp);
	cJSON_Delete(doc);
	morph_buf_put(out, text, n);
	free(text);
	return morph_buf_status(out);
}
