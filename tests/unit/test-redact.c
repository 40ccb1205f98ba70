/*
 * Redaction of keys from what servers say.
 */
#include "test.h"
#include "redact_int.h"

static void
test_redact(void)
{
	static const struct {
		const char *in, *want;
		size_t n;
	} cases[] = {
		{ "Incorrect API key provided: Bearer sk-abcdefgh1234",
		  "Incorrect API key provided: Bearer [OPENAI_API_KEY]", 1 },
		{ "{\"error\":\"sk-abcdefgh1234 and sk-abcdefgh1234\"}",
		  "{\"error\":\"[OPENAI_API_KEY] and [OPENAI_API_KEY]\"}", 2 },
		/* The longer of two keys that start alike wins. */
		{ "x sk-abcdefgh1234567 y", "x [LONG_KEY] y", 1 },
		{ "ant-key-0987654321sk-abcdefgh1234",
		  "[ANTHROPIC_API_KEY][OPENAI_API_KEY]", 2 },
		{ "nothing here", "nothing here", 0 },
		{ "sk-abcdefgh123", "sk-abcdefgh123", 0 },
		/* Short values are no secrets: "none" stays. */
		{ "none of it", "none of it", 0 },
	};
	struct morph_redactor r;
	struct morph_buf b = MORPH_BUF_INIT;
	char s[64];
	size_t i;

	morph_redactor_init(&r);
	T_OK(morph_redactor_add(&r, "OPENAI_API_KEY", "sk-abcdefgh1234"));
	T_OK(morph_redactor_add(&r, "OPENAI_API_KEY", "sk-abcdefgh1234"));
	T_OK(morph_redactor_add(&r, "LONG_KEY", "sk-abcdefgh1234567"));
	T_OK(morph_redactor_add(&r, "ANTHROPIC_API_KEY", "ant-key-0987654321"));
	T_OK(morph_redactor_add(&r, "LOCAL_KEY", "none"));
	T_OK(morph_redactor_add(&r, "UNSET", NULL));
	T_INTEQ(r.n, 3);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		morph_buf_clear(&b);
		morph_buf_puts(&b, cases[i].in);
		T_INTEQ(morph_redact_buf(&r, &b), cases[i].n);
		T_STREQ(morph_buf_cstr(&b), cases[i].want);
	}
	/* Binary-safe: a NUL before the key does not hide it. */
	morph_buf_clear(&b);
	morph_buf_put(&b, "a\0sk-abcdefgh1234", 17);
	T_INTEQ(morph_redact_buf(&r, &b), 1);
	T_INTEQ(b.len, 2 + strlen("[OPENAI_API_KEY]"));
	/* In place, within a fixed size. */
	snprintf(s, sizeof(s), "key=ant-key-0987654321!");
	T_INTEQ(morph_redact_str(&r, s, sizeof(s)), 1);
	T_STREQ(s, "key=[ANTHROPIC_API_KEY]!");
	morph_buf_release(&b);
	morph_redactor_release(&r);
}

static const struct test tests[] = {
	TEST(test_redact),
};

TEST_MAIN(tests)
