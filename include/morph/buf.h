/*
 * A growable byte buffer.
 *
 * Appends never fail loudly: when memory runs out the buffer remembers it,
 * later appends do nothing, and morph_buf_status() reports the failure once
 * the caller is done building (the pattern of SQLite's sqlite3_str).  The
 * contents are always NUL-terminated when ptr is not NULL, so text can be
 * used as a C string.  The caller embeds the struct: init/release.
 */
#ifndef MORPH_BUF_H
#define MORPH_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "morph/error.h"

struct morph_buf {
	char	*ptr;
	size_t	 len;
	size_t	 cap;
	int	 failed;	/* an allocation failed; contents are partial */
};

#define MORPH_BUF_INIT { NULL, 0, 0, 0 }

void	morph_buf_init(struct morph_buf *);
/* Frees the contents; the buffer is empty and usable again.  NULL is ok. */
void	morph_buf_release(struct morph_buf *);
/* Empties the buffer, keeping its memory. */
void	morph_buf_clear(struct morph_buf *);
/* Makes room for n more bytes. */
void	morph_buf_grow(struct morph_buf *, size_t n);
void	morph_buf_put(struct morph_buf *, const void *, size_t);
void	morph_buf_puts(struct morph_buf *, const char *);
void	morph_buf_putc(struct morph_buf *, int);
void	morph_buf_printf(struct morph_buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	morph_buf_vprintf(struct morph_buf *, const char *, va_list)
	    __attribute__((format(printf, 2, 0)));
/* Shortens the buffer to n bytes (n <= len). */
void	morph_buf_truncate(struct morph_buf *, size_t n);

/* MORPH_ERR_NOMEM if any append failed since the last init or clear. */
const struct morph_error *morph_buf_status(const struct morph_buf *);

/* The contents as a C string; "" when empty.  Borrowed. */
const char *morph_buf_cstr(const struct morph_buf *);

/*
 * Hands the contents to the caller, who frees them with free(); the buffer
 * is left empty.  Returns NULL if an append failed (the contents are freed).
 * An empty buffer yields an allocated "".
 */
char	*morph_buf_detach(struct morph_buf *, size_t *lenp);

#endif
