/*
 * Redaction: the values of the API keys a run uses, replaced in every text
 * that comes back from a server before it is stored or printed.  A server
 * may echo a key (a 401 saying "Incorrect API key provided: Bearer sk-..."),
 * and what it says goes into results, attempts and error messages; keys
 * must reach none of them (DESIGN.md 4.6).
 *
 * Values shorter than MORPH_REDACT_MIN bytes are not redacted: they are no
 * secrets (a placeholder such as "none" or "x" for a local server that
 * wants none), and replacing them would deface every text that holds
 * them.
 */
#ifndef MORPH_REDACT_INT_H
#define MORPH_REDACT_INT_H

#include <stddef.h>

#include "morph/buf.h"
#include "morph/error.h"

#define MORPH_REDACT_MIN	8

struct morph_redact_secret {
	char	*value;
	size_t	 len;
	char	*mark;		/* what replaces it: "[NAME]" */
	size_t	 mark_len;
};

struct morph_redactor {
	struct morph_redact_secret	*v;
	size_t				 n;
};

void	morph_redactor_init(struct morph_redactor *);
void	morph_redactor_release(struct morph_redactor *);

/*
 * Adds the value of the variable name (NULL or short values are ignored;
 * a value already added is not added twice).  Errors: NOMEM.
 */
const struct morph_error *morph_redactor_add(struct morph_redactor *,
    const char *name, const char *value);

/*
 * Replaces every secret in b (a binary-safe buffer) with its mark,
 * "[NAME]", which holds no character that JSON escapes: a JSON body stays
 * JSON.  Returns how many were replaced.  A failed allocation is left in b
 * (morph_buf_status).
 */
size_t	morph_redact_buf(const struct morph_redactor *, struct morph_buf *b);

/* The same for a NUL-terminated string of size bytes at most, in place. */
size_t	morph_redact_str(const struct morph_redactor *, char *s, size_t size);

#endif
