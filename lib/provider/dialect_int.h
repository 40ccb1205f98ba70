/*
 * What the dialect files under lib/provider/ share (common.c): reading
 * and checking a call, building a JSON request, and reading the parts of
 * a reply that every dialect has in some form: the document itself, an
 * error body, token counts and finish reasons.
 */
#ifndef MORPH_DIALECT_INT_H
#define MORPH_DIALECT_INT_H

#include <stdint.h>
#include <cjson/cJSON.h>

#include "provider_int.h"

/* The dialects, one file each; morph_dialect() returns them. */
extern const struct morph_dialect_ops morph_dialect_openai;
extern const struct morph_dialect_ops morph_dialect_anthropic;
extern const struct morph_dialect_ops morph_dialect_gemini;
extern const struct morph_dialect_ops morph_dialect_ollama;
extern const struct morph_dialect_ops morph_dialect_echo;

/*
 * A call, checked (provider_int.h says what a call holds).  Every
 * pointer is borrowed from the call; a parameter that is absent or null
 * is NULL.
 */
struct morph_call {
	const char	*model;
	const cJSON	*messages;	/* [{role, content}], not empty */
	const cJSON	*temperature;	/* number >= 0 */
	const cJSON	*max_tokens;	/* integer >= 1 */
	const cJSON	*top_p;		/* number in [0, 1] */
	const cJSON	*top_k;		/* integer >= 1 */
	const cJSON	*stop;		/* string or array of strings */
	const cJSON	*seed;		/* integer */
	const cJSON	*presence_penalty;	/* number */
	const cJSON	*frequency_penalty;	/* number */
	const cJSON	*response_format;	/* checked object */
};

/*
 * Checks call for dialect (its "dialect" member, when present, must name
 * it) and fills c.  Errors: INVALID naming the member that is wrong.
 */
const struct morph_error *morph_call_read(struct morph_call *c,
    const cJSON *call, const char *dialect);

enum morph_call_format {
	MORPH_FORMAT_TEXT,	/* no response_format, or type text */
	MORPH_FORMAT_JSON,	/* json_object: any JSON */
	MORPH_FORMAT_SCHEMA,	/* json_schema: JSON matching *schema */
};

/* What response_format asks for; *schema is set for SCHEMA. */
enum morph_call_format morph_call_format(const struct morph_call *c,
    const cJSON **schema);

/*
 * Adds a deep copy of v to obj under key (to the array obj when key is
 * NULL).  Returns 0, or -1 when memory runs out.
 */
int	morph_json_add_copy(cJSON *obj, const char *key, const cJSON *v);

/* The stop sequences as a new array (a lone string becomes one). */
cJSON	*morph_call_stop_array(const struct morph_call *c);

/*
 * Ends a request: appends "Content-Type: application/json" and writes
 * root in canonical form as the body.  root stays the caller's.
 */
const struct morph_error *morph_request_json(struct morph_request *,
    const cJSON *root);

/*
 * Appends the header "name: prefix key", refusing a key with control
 * characters (they would split the header).  The key never appears in
 * an error.
 */
const struct morph_error *morph_request_key(struct morph_request *,
    const char *name, const char *prefix, const char *key);

/* Appends a path segment to url, percent-encoding what a path cannot
 * hold as it is. */
void	morph_url_put_segment(struct morph_buf *url, const char *s);

/* Empties a reply for a new parse: no output, every count unknown. */
void	morph_reply_reset(struct morph_reply *);

/*
 * For a non-2xx status: marks r failed with what the body says (any of
 * the error shapes the dialects and their proxies send: JSON with an
 * "error" object or string, top-level "message" or "detail", an array
 * of those, HTML or text), its type or code, retry hint and no_retry.
 */
void	morph_reply_fail_body(struct morph_reply *r, long status,
	    const char *body, size_t len);

/*
 * For a 2xx document: when it carries an error (a non-null "error"
 * member, or "type": "error"), marks r failed as above and returns 1;
 * else 0.
 */
int	morph_reply_fail_doc(struct morph_reply *r, long status,
	    const cJSON *doc);

/*
 * Parses a 2xx body that must be a JSON object.  Errors (MORPH_ERR_HTTP,
 * "<dialect> reply: ..."): an empty body, invalid JSON, another type.
 */
const struct morph_error *morph_reply_doc(cJSON **out, const char *dialect,
    const char *body, size_t len);

/*
 * A reply that is not what the dialect promises: MORPH_ERR_HTTP,
 * "<dialect> reply: <what>".
 */
const struct morph_error *morph_reply_bad(const char *dialect,
    const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "an object", "a string", ... for messages about wrong types. */
const char *morph_json_kind(const cJSON *v);

/*
 * A token count: obj's member key (NULL obj is fine), -1 when absent or
 * null.  Errors (MORPH_ERR_HTTP naming dialect and path) when it is
 * there but not a non-negative integer.
 */
const struct morph_error *morph_reply_count(int64_t *out, const cJSON *obj,
    const char *key, const char *dialect, const char *path);

/* One finish reason as a dialect writes it, and morph's name for it. */
struct morph_finish_map {
	const char	*raw;
	const char	*norm;
};

/*
 * Sets r->finish from raw: its name in map (NULL-ended), else raw itself
 * lowercased and cut to fit; "" when raw is NULL.
 */
void	morph_reply_finish(struct morph_reply *r, const char *raw,
	    const struct morph_finish_map *map);

/* Sets r->model (cut to fit), "" for NULL. */
void	morph_reply_model(struct morph_reply *r, const char *model);

#endif
