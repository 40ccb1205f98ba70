/*
 * Redaction of API keys from what servers say (see redact_int.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "redact_int.h"

void
morph_redactor_init(struct morph_redactor *r)
{
	memset(r, 0, sizeof(*r));
}

void
morph_redactor_release(struct morph_redactor *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n; i++) {
		free(r->v[i].value);
		free(r->v[i].mark);
	}
	free(r->v);
	memset(r, 0, sizeof(*r));
}

const struct morph_error *
morph_redactor_add(struct morph_redactor *r, const char *name,
    const char *value)
{
	struct morph_redact_secret *nv, *s;
	size_t i, len;

	if (value == NULL || (len = strlen(value)) < MORPH_REDACT_MIN)
		return NULL;
	for (i = 0; i < r->n; i++)
		if (r->v[i].len == len && memcmp(r->v[i].value, value,
		    len) == 0)
			return NULL;
	if ((nv = realloc(r->v, (r->n + 1) * sizeof(*nv))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	r->v = nv;
	s = &nv[r->n];
	s->len = len;
	s->mark_len = strlen(name) + 2;
	s->value = strdup(value);
	s->mark = malloc(s->mark_len + 1);
	if (s->value == NULL || s->mark == NULL) {
		free(s->value);
		free(s->mark);
		return morph_error(MORPH_ERR_NOMEM);
	}
	snprintf(s->mark, s->mark_len + 1, "[%s]", name);
	r->n++;
	return NULL;
}

/* The first n bytes of needle in [p, end), or NULL (memmem is a GNU one). */
static const char *
find_bytes(const char *p, const char *end, const char *needle, size_t n)
{
	const char *q;

	while ((size_t)(end - p) >= n &&
	    (q = memchr(p, needle[0], (size_t)(end - p) - n + 1)) != NULL) {
		if (memcmp(q, needle, n) == 0)
			return q;
		p = q + 1;
	}
	return NULL;
}

/* The first secret at or after p in [p, end), or NULL; *which says which. */
static const char *
find_secret(const struct morph_redactor *r, const char *p, const char *end,
    size_t *which)
{
	const char *best = NULL, *q;
	size_t i;

	for (i = 0; i < r->n; i++) {
		if ((size_t)(end - p) < r->v[i].len)
			continue;
		q = find_bytes(p, end, r->v[i].value, r->v[i].len);
		if (q != NULL && (best == NULL || q < best ||
		    (q == best && r->v[i].len > r->v[*which].len))) {
			best = q;
			*which = i;
		}
	}
	return best;
}

size_t
morph_redact_buf(const struct morph_redactor *r, struct morph_buf *b)
{
	struct morph_buf out = MORPH_BUF_INIT;
	const char *p, *end, *hit;
	size_t which = 0, n = 0;

	if (r->n == 0 || b->len == 0)
		return 0;
	p = b->ptr;
	end = b->ptr + b->len;
	if (find_secret(r, p, end, &which) == NULL)
		return 0;
	while ((hit = find_secret(r, p, end, &which)) != NULL) {
		morph_buf_put(&out, p, (size_t)(hit - p));
		morph_buf_put(&out, r->v[which].mark, r->v[which].mark_len);
		p = hit + r->v[which].len;
		n++;
	}
	morph_buf_put(&out, p, (size_t)(end - p));
	if (out.failed) {
		/* Better no text than a key: keep the failure in b. */
		morph_buf_release(&out);
		morph_buf_clear(b);
		b->failed = 1;
		return n;
	}
	morph_buf_release(b);
	*b = out;
	return n;
}

size_t
morph_redact_str(const struct morph_redactor *r, char *s, size_t size)
{
	struct morph_buf b = MORPH_BUF_INIT;
	size_t n;

	if (r->n == 0 || size == 0)
		return 0;
	morph_buf_puts(&b, s);
	if ((n = morph_redact_buf(r, &b)) > 0)
		snprintf(s, size, "%s", b.failed ? "" : morph_buf_cstr(&b));
	morph_buf_release(&b);
	return n;
}
