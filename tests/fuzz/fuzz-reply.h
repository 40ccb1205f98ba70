/*
 * What the four reply fuzz targets share: the first byte of an input
 * picks the HTTP status, the rest is the body, and the parse must end in
 * one of three states that each say something (an error return, a
 * failed reply with a message, or a reply with output and counts),
 * without a leak, a crash or a read past the body.
 *
 * Status byte: '0' 200, '1' 400, '2' 401, '3' 402, '4' 404, '5' 429,
 * '6' 500, '7' 502, '8' 503, '9' 529; any other byte b is 200 + b % 400.
 */
#ifndef MORPH_FUZZ_REPLY_H
#define MORPH_FUZZ_REPLY_H

#include <stdlib.h>
#include <string.h>

#include "json_int.h"
#include "provider_int.h"

static long
fuzz_status(unsigned char b)
{
	static const long digits[] = {
		200, 400, 401, 402, 404, 429, 500, 502, 503, 529,
	};

	if (b >= '0' && b <= '9')
		return digits[b - '0'];
	return 200 + b % 400;
}

static void
fuzz_check(const struct morph_reply *r, const struct morph_error *err)
{
	if (err != NULL) {
		/* An error return leaves nothing behind. */
		if (err->code != MORPH_ERR_HTTP || r->output.len != 0 ||
		    r->failed || r->tokens_in != -1 || r->tokens_out != -1)
			abort();
		return;
	}
	if (memchr(r->finish, '\0', sizeof(r->finish)) == NULL ||
	    memchr(r->model, '\0', sizeof(r->model)) == NULL ||
	    memchr(r->error_type, '\0', sizeof(r->error_type)) == NULL)
		abort();
	if (r->failed) {
		/* A failure always says why, in one clean line. */
		if (r->error.len == 0 || r->output.len != 0 ||
		    morph_utf8_check(r->error.ptr, r->error.len) != 0 ||
		    memchr(r->error.ptr, '\n', r->error.len) != NULL)
			abort();
		return;
	}
	if (r->error.len != 0 || r->tokens_in < -1 || r->tokens_out < -1 ||
	    r->tokens_cached < -1 || r->tokens_reasoning < -1)
		abort();
}

static int
fuzz_reply(enum morph_dialect d, const unsigned char *data, size_t size)
{
	const struct morph_dialect_ops *ops = morph_dialect(d);
	const struct morph_error *err;
	struct morph_reply r;
	char *body;
	long status;

	if (size == 0)
		return 0;
	status = fuzz_status(data[0]);
	/* A copy of exactly the body, so that a read past it is caught. */
	if ((body = malloc(size - 1 > 0 ? size - 1 : 1)) == NULL)
		return 0;
	memcpy(body, data + 1, size - 1);
	morph_reply_init(&r);
	err = ops->parse(&r, status, body, size - 1);
	fuzz_check(&r, err);
	/* The same reply again, reused: nothing may leak or linger. */
	err = ops->parse(&r, 200, body, size - 1);
	fuzz_check(&r, err);
	morph_reply_release(&r);
	free(body);
	return 0;
}

#endif
