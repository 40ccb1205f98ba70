/*
 * Errors: codes, formatted messages, errno text, wrapping, and the ring
 * of slots that keeps recent messages alive.
 */
#include <errno.h>

#include "test.h"

static void
test_messages(void)
{
	const struct morph_error *a, *b, *c;

	a = morph_error(MORPH_ERR_NOT_REPO);
	T_INTEQ(a->code, MORPH_ERR_NOT_REPO);
	T_CONTAINS(a->msg, "not a morph repository");
	b = morph_error_fmt(MORPH_ERR_PATH, "cannot open '%s'", "x.txt");
	T_STREQ(b->msg, "cannot open 'x.txt'");
	errno = ENOENT;
	c = morph_error_errno("cannot read '%s'", "y");
	T_INTEQ(c->code, MORPH_ERR_ERRNO);
	T_STREQ(c->msg, "cannot read 'y': No such file or directory");
	errno = ENOMEM;
	T_INTEQ(morph_error_errno("x")->code, MORPH_ERR_NOMEM);
	c = morph_error_wrap(b, "cannot add");
	T_INTEQ(c->code, MORPH_ERR_PATH);
	T_STREQ(c->msg, "cannot add: cannot open 'x.txt'");
	T_ASSERT(morph_error_wrap(NULL, "x") == NULL);
	/* The slots survive a few more errors. */
	T_STREQ(b->msg, "cannot open 'x.txt'");
	T_CONTAINS(morph_error(9999)->msg, "unknown");
}

static void
test_long_messages_truncate(void)
{
	char big[3000];
	const struct morph_error *e;

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	e = morph_error_fmt(MORPH_ERR_INVALID, "%s", big);
	T_INTEQ(strlen(e->msg), 1023);
	e = morph_error_wrap(e, "prefix");
	T_INTEQ(strlen(e->msg), 1023);
}

static const struct test tests[] = {
	TEST(test_messages),
	TEST(test_long_messages_truncate),
};

TEST_MAIN(tests)
