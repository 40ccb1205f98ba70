/*
 * Error values that never allocate: a ring of static slots holds the
 * formatted messages, so an error can be made even when memory is gone.
 * Slots are taken atomically: a thread (libcurl's preload, say) may make
 * an error while the main thread makes another.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "morph/error.h"

#define ERR_SLOTS	8
#define ERR_MSGSZ	1024

static struct {
	struct morph_error	err;
	char			msg[ERR_MSGSZ];
} slots[ERR_SLOTS];
static unsigned int next_slot;

static const char *const default_msgs[] = {
	[MORPH_ERR_NOMEM] = "out of memory",
	[MORPH_ERR_ERRNO] = "system call failed",
	[MORPH_ERR_INVALID] = "invalid argument",
	[MORPH_ERR_NOT_FOUND] = "not found",
	[MORPH_ERR_AMBIGUOUS] = "ambiguous name",
	[MORPH_ERR_EXISTS] = "already exists",
	[MORPH_ERR_NOT_REPO] = "not a morph repository (or any of the parent "
	    "directories): .morph",
	[MORPH_ERR_CORRUPT] = "repository is corrupt",
	[MORPH_ERR_LOCKED] = "database is locked by another process",
	[MORPH_ERR_PATH] = "path is outside the work tree",
	[MORPH_ERR_CONFLICT] = "local changes would be overwritten",
	[MORPH_ERR_EMPTY] = "nothing to commit",
	[MORPH_ERR_SQLITE] = "database error",
	[MORPH_ERR_GIT] = "git error",
	[MORPH_ERR_HTTP] = "http error",
	[MORPH_ERR_SUITE] = "invalid suite",
	[MORPH_ERR_INTERRUPTED] = "interrupted",
	[MORPH_ERR_FORMAT] = "unsupported repository format",
	[MORPH_ERR_UNSUPPORTED] = "not supported",
};

/* Appends s to the NUL-terminated m (capacity ERR_MSGSZ), truncating. */
static void
append(char *m, const char *s)
{
	size_t n = strlen(m), k = strlen(s);

	if (k > ERR_MSGSZ - 1 - n)
		k = ERR_MSGSZ - 1 - n;
	memcpy(m + n, s, k);
	m[n + k] = '\0';
}

static struct morph_error *
take_slot(int code)
{
	unsigned int i = __atomic_fetch_add(&next_slot, 1, __ATOMIC_RELAXED) %
	    ERR_SLOTS;

	slots[i].err.code = code;
	slots[i].err.msg = slots[i].msg;
	slots[i].msg[0] = '\0';
	return &slots[i].err;
}

const struct morph_error *
morph_error(int code)
{
	struct morph_error *e = take_slot(code);
	const char *m = "unknown error";

	if (code > 0 && (size_t)code < sizeof(default_msgs) /
	    sizeof(default_msgs[0]) && default_msgs[code] != NULL)
		m = default_msgs[code];
	snprintf((char *)e->msg, ERR_MSGSZ, "%s", m);
	return e;
}

const struct morph_error *
morph_error_fmt(int code, const char *fmt, ...)
{
	struct morph_error *e = take_slot(code);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf((char *)e->msg, ERR_MSGSZ, fmt, ap);
	va_end(ap);
	return e;
}

const struct morph_error *
morph_error_errno(const char *fmt, ...)
{
	int saved = errno;
	struct morph_error *e;
	char *m;
	va_list ap;

	e = take_slot(saved == ENOMEM ? MORPH_ERR_NOMEM : MORPH_ERR_ERRNO);
	m = (char *)e->msg;
	va_start(ap, fmt);
	vsnprintf(m, ERR_MSGSZ, fmt, ap);
	va_end(ap);
	append(m, ": ");
	append(m, strerror(saved));
	errno = saved;
	return e;
}

const struct morph_error *
morph_error_wrap(const struct morph_error *err, const char *fmt, ...)
{
	char inner[ERR_MSGSZ];
	struct morph_error *e;
	char *m;
	va_list ap;

	if (err == NULL)
		return NULL;
	snprintf(inner, sizeof(inner), "%s", err->msg);
	e = take_slot(err->code);
	m = (char *)e->msg;
	va_start(ap, fmt);
	vsnprintf(m, ERR_MSGSZ, fmt, ap);
	va_end(ap);
	append(m, ": ");
	append(m, inner);
	return e;
}
