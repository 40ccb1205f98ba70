/*
 * Errors returned by libmorph.
 *
 * Every fallible function returns a const struct morph_error *: NULL means
 * success.  An error is never allocated and never freed by the caller.  The
 * message lives in a small ring of static slots, so it stays valid until a
 * few more errors have been made; copy it if it must live longer.  Messages
 * say what failed first and then why, lowercase, with the subject quoted:
 *	cannot open 'prompts/a.txt': No such file or directory
 */
#ifndef MORPH_ERROR_H
#define MORPH_ERROR_H

enum morph_error_code {
	MORPH_ERR_NOMEM = 1,	/* out of memory */
	MORPH_ERR_ERRNO,	/* a system call failed; the message says which */
	MORPH_ERR_INVALID,	/* bad argument or input */
	MORPH_ERR_NOT_FOUND,	/* no such object, ref, path or revision */
	MORPH_ERR_AMBIGUOUS,	/* an abbreviated id names several objects */
	MORPH_ERR_EXISTS,	/* the thing to create already exists */
	MORPH_ERR_NOT_REPO,	/* not inside a morph repository */
	MORPH_ERR_CORRUPT,	/* stored data fails its own checks */
	MORPH_ERR_LOCKED,	/* the database stayed locked by another process */
	MORPH_ERR_PATH,		/* a path outside the work tree or under .morph */
	MORPH_ERR_CONFLICT,	/* local changes would be overwritten */
	MORPH_ERR_EMPTY,	/* nothing to commit */
	MORPH_ERR_SQLITE,	/* SQLite failed */
	MORPH_ERR_GIT,		/* libgit2 failed */
	MORPH_ERR_HTTP,		/* libcurl or the server failed */
	MORPH_ERR_SUITE,	/* morph.json, a prompt or a case file is wrong */
	MORPH_ERR_INTERRUPTED,	/* stopped by a signal */
	MORPH_ERR_FORMAT,	/* repository format newer than this morph */
	MORPH_ERR_UNSUPPORTED,	/* valid, but not something morph does */
};

struct morph_error {
	int		 code;
	const char	*msg;
};

/* An error with the default message for code. */
const struct morph_error *morph_error(int code);

/* An error with a formatted message. */
const struct morph_error *morph_error_fmt(int code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* MORPH_ERR_ERRNO (or NOMEM for ENOMEM) with ": strerror(errno)" appended. */
const struct morph_error *morph_error_errno(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/*
 * The same code as err, with "<prefix>: " before its message.  Returns err
 * itself when it is NULL.
 */
const struct morph_error *morph_error_wrap(const struct morph_error *err,
    const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
