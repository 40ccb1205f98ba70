/*
 * A streaming JSON writer for the --json output of commands: values go
 * straight to a FILE, so a listing of any length needs no memory.
 * Output is indented by two spaces, one member a line.
 */
#ifndef MORPH_JSONW_H
#define MORPH_JSONW_H

#include <stdint.h>
#include <stdio.h>

#define MORPH_JSONW_MAXDEPTH	32

struct morph_jsonw {
	FILE	*fp;
	int	 depth;
	int	 count[MORPH_JSONW_MAXDEPTH];	/* values so far, per level */
	int	 after_key;
};

void	morph_jsonw_init(struct morph_jsonw *, FILE *);
void	morph_jsonw_object_begin(struct morph_jsonw *);
void	morph_jsonw_object_end(struct morph_jsonw *);
void	morph_jsonw_array_begin(struct morph_jsonw *);
void	morph_jsonw_array_end(struct morph_jsonw *);
void	morph_jsonw_key(struct morph_jsonw *, const char *);
void	morph_jsonw_string(struct morph_jsonw *, const char *);
void	morph_jsonw_string_len(struct morph_jsonw *, const char *, size_t);
void	morph_jsonw_int(struct morph_jsonw *, int64_t);
void	morph_jsonw_double(struct morph_jsonw *, double);
void	morph_jsonw_bool(struct morph_jsonw *, int);
void	morph_jsonw_null(struct morph_jsonw *);
/*
 * Writes the JSON text json as a value, re-indented to fit.  Text that is
 * not JSON is written as a string, so the document stays valid.
 */
void	morph_jsonw_json(struct morph_jsonw *, const char *json);
/* Ends the document with a newline. */
void	morph_jsonw_finish(struct morph_jsonw *);

/* key and value in one call. */
void	morph_jsonw_kv_string(struct morph_jsonw *, const char *key,
	    const char *value);	/* NULL writes null */
void	morph_jsonw_kv_int(struct morph_jsonw *, const char *key, int64_t);
/* The same, with null for a v < 0: a count or time that is not known. */
void	morph_jsonw_kv_int_or_null(struct morph_jsonw *, const char *key,
	    int64_t v);
/* The same for a double: null when v is negative (unknown). */
void	morph_jsonw_kv_double_or_null(struct morph_jsonw *, const char *key,
	    double v);
void	morph_jsonw_kv_bool(struct morph_jsonw *, const char *key, int);

/*
 * Re-indents a JSON document for reading (two spaces, one member a line)
 * into out.  Errors: INVALID when data is not JSON.
 */
#include "morph/buf.h"
const struct morph_error *morph_json_pretty(struct morph_buf *out,
    const char *data, size_t len);

#endif
