/*
 * JSON helpers over cJSON: parsing with positions in errors, canonical
 * serialisation for hashed objects, and small accessors.
 *
 * Canonical JSON (DESIGN.md 2.1): object keys sorted bytewise, no
 * insignificant white space, UTF-8 text, numbers in one form: integers as
 * integers, others as the shortest text that reads back to the same double.
 * Duplicate keys, NaN and infinities are refused.
 */
#ifndef MORPH_JSON_INT_H
#define MORPH_JSON_INT_H

#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>

#include "morph/buf.h"
#include "morph/error.h"

/* Arrays and objects nest at most this deep (cJSON's limit is 1000). */
#define MORPH_JSON_MAX_DEPTH	512
#define MORPH_JSON_MAX_DEPTH_STR "512"

/*
 * What cJSON would take without a word but must not: text it would cut
 * short and nesting it would refuse with a bare syntax error.  cJSON keeps
 * strings as C strings, so a NUL (the escape \u0000, or a raw NUL byte)
 * would end a string there and silently drop the rest; past its own
 * nesting limit it stops as if the text were malformed.
 */
enum {
	MORPH_JSON_NUL_BYTE = 1,
	MORPH_JSON_NUL_ESCAPE,
	MORPH_JSON_TOO_DEEP,
};

/*
 * Walks len bytes of JSON once: 0 when cJSON may parse them, else the
 * first hazard with *off its byte offset.  morph_json_parse calls it;
 * a caller of cJSON's own parser must too.
 */
int	morph_json_hazard(const char *data, size_t len, size_t *off);
/* What a hazard is, for an error message. */
const char *morph_json_hazard_str(int hazard);

/*
 * Parses len bytes.  On failure the error names what (a file name or a
 * description) and the line and column.  Text is never cut short: a NUL
 * in a string (\u0000, or a raw NUL byte) is refused, since cJSON's
 * strings would end there; so is nesting deeper than MORPH_JSON_MAX_DEPTH
 * ("nested too deep").  The caller frees *out with cJSON_Delete().
 */
const struct morph_error *morph_json_parse(cJSON **out, const char *data,
    size_t len, const char *what);

/* Appends the canonical form of v. */
const struct morph_error *morph_json_canonical(struct morph_buf *,
    const cJSON *v);

/* Appends s (len bytes) as a JSON string literal. */
void	morph_json_put_string(struct morph_buf *, const char *s, size_t len);

/* Appends a number in canonical form; fails on NaN or infinity. */
const struct morph_error *morph_json_put_number(struct morph_buf *, double);

/* 0 if the len bytes at s are valid UTF-8, else -1. */
int	morph_utf8_check(const char *s, size_t len);

/* Member accessors: NULL or the default when absent or of another type. */
const char *morph_json_str(const cJSON *obj, const char *key);
int	morph_json_int64(const cJSON *obj, const char *key, int64_t *out);

/* Adds key with an integer value exactly representable as a double. */
cJSON	*morph_json_add_int(cJSON *obj, const char *key, int64_t v);

#endif
