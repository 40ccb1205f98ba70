/*
 * Growable buffers: appends, formatting, truncation, detaching.
 */
#include "test.h"
#include "morph/buf.h"

static void
test_append(void)
{
	struct morph_buf b = MORPH_BUF_INIT;
	int i;

	T_STREQ(morph_buf_cstr(&b), "");
	morph_buf_puts(&b, "abc");
	morph_buf_putc(&b, '-');
	morph_buf_put(&b, "xyz", 2);
	morph_buf_printf(&b, "%d/%s", 42, "q");
	T_STREQ(morph_buf_cstr(&b), "abc-xy42/q");
	T_INTEQ(b.len, 10);
	for (i = 0; i < 10000; i++)
		morph_buf_putc(&b, 'z');
	T_INTEQ(b.len, 10010);
	T_ASSERT(b.ptr[b.len] == '\0');
	T_OK(morph_buf_status(&b));
	morph_buf_release(&b);
	T_ASSERT(b.ptr == NULL && b.len == 0);
}

static void
test_truncate_clear(void)
{
	struct morph_buf b = MORPH_BUF_INIT;

	morph_buf_puts(&b, "hello world");
	morph_buf_truncate(&b, 5);
	T_STREQ(b.ptr, "hello");
	morph_buf_truncate(&b, 50);	/* longer: no change */
	T_STREQ(b.ptr, "hello");
	morph_buf_clear(&b);
	T_STREQ(morph_buf_cstr(&b), "");
	morph_buf_release(&b);
}

static void
test_detach(void)
{
	struct morph_buf b = MORPH_BUF_INIT;
	size_t n;
	char *s;

	s = morph_buf_detach(&b, &n);
	T_STREQ(s, "");
	T_INTEQ(n, 0);
	free(s);
	morph_buf_puts(&b, "data");
	s = morph_buf_detach(&b, &n);
	T_STREQ(s, "data");
	T_INTEQ(n, 4);
	T_ASSERT(b.ptr == NULL);
	free(s);
}

static void
test_sticky_failure(void)
{
	struct morph_buf b = MORPH_BUF_INIT;

	morph_buf_puts(&b, "x");
	morph_buf_grow(&b, (size_t)-1 / 2);	/* cannot be satisfied */
	T_ERR(morph_buf_status(&b), MORPH_ERR_NOMEM);
	morph_buf_puts(&b, "more");		/* ignored once failed */
	T_INTEQ(b.len, 1);
	T_ASSERT(morph_buf_detach(&b, NULL) == NULL);
}

static const struct test tests[] = {
	TEST(test_append),
	TEST(test_truncate_clear),
	TEST(test_detach),
	TEST(test_sticky_failure),
};

TEST_MAIN(tests)
