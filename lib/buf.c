/*
 * Growable byte buffers with a sticky allocation error (see buf.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "morph/buf.h"

void
morph_buf_init(struct morph_buf *b)
{
	b->ptr = NULL;
	b->len = b->cap = 0;
	b->failed = 0;
}

void
morph_buf_release(struct morph_buf *b)
{
	if (b == NULL)
		return;
	free(b->ptr);
	morph_buf_init(b);
}

void
morph_buf_clear(struct morph_buf *b)
{
	b->len = 0;
	b->failed = 0;
	if (b->ptr != NULL)
		b->ptr[0] = '\0';
}

void
morph_buf_grow(struct morph_buf *b, size_t n)
{
	size_t want, cap;
	char *p;

	if (b->failed)
		return;
	if (n > (size_t)-1 / 2 - b->len) {
		b->failed = 1;
		return;
	}
	want = b->len + n + 1;
	if (want <= b->cap)
		return;
	cap = b->cap ? b->cap : 64;
	while (cap < want)
		cap *= 2;
	p = realloc(b->ptr, cap);
	if (p == NULL) {
		b->failed = 1;
		return;
	}
	b->ptr = p;
	b->cap = cap;
}

void
morph_buf_put(struct morph_buf *b, const void *data, size_t n)
{
	morph_buf_grow(b, n);
	if (b->failed)
		return;
	if (n > 0)
		memcpy(b->ptr + b->len, data, n);
	b->len += n;
	b->ptr[b->len] = '\0';
}

void
morph_buf_puts(struct morph_buf *b, const char *s)
{
	morph_buf_put(b, s, strlen(s));
}

void
morph_buf_putc(struct morph_buf *b, int c)
{
	char ch = (char)c;

	/* One byte and its NUL fit: the common case, without a call. */
	if (b->len + 2 <= b->cap && !b->failed) {
		b->ptr[b->len++] = ch;
		b->ptr[b->len] = '\0';
		return;
	}
	morph_buf_put(b, &ch, 1);
}

void
morph_buf_vprintf(struct morph_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	if (b->failed)
		return;
	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0) {
		b->failed = 1;
		return;
	}
	morph_buf_grow(b, (size_t)n);
	if (b->failed)
		return;
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void
morph_buf_printf(struct morph_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	morph_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void
morph_buf_truncate(struct morph_buf *b, size_t n)
{
	if (n < b->len) {
		b->len = n;
		b->ptr[n] = '\0';
	}
}

const struct morph_error *
morph_buf_status(const struct morph_buf *b)
{
	return b->failed ? morph_error(MORPH_ERR_NOMEM) : NULL;
}

const char *
morph_buf_cstr(const struct morph_buf *b)
{
	return b->ptr != NULL ? b->ptr : "";
}

char *
morph_buf_detach(struct morph_buf *b, size_t *lenp)
{
	char *p;

	if (b->failed) {
		morph_buf_release(b);
		return NULL;
	}
	if (b->ptr == NULL)
		morph_buf_put(b, "", 0);
	if (b->failed)
		return NULL;
	p = b->ptr;
	if (lenp != NULL)
		*lenp = b->len;
	morph_buf_init(b);
	return p;
}
