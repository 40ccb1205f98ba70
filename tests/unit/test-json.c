/*
 * Canonical JSON, located parse errors and UTF-8 checks.
 */
#include "test.h"
#include "json_int.h"

static void
canon(const char *in, const char *want)
{
	struct morph_buf b = MORPH_BUF_INIT;
	cJSON *v = NULL;

	T_OK(morph_json_parse(&v, in, strlen(in), "test"));
	if (v != NULL)
		T_OK(morph_json_canonical(&b, v));
	T_STREQ(morph_buf_cstr(&b), want);
	cJSON_Delete(v);
	morph_buf_release(&b);
}

static void
test_canonical_form(void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "{ \"b\": 1, \"a\": [true, false, null] }",
		  "{\"a\":[true,false,null],\"b\":1}" },
		{ "{\"B\":1,\"a\":2,\"_\":3}", "{\"B\":1,\"_\":3,\"a\":2}" },
		{ "[1.0, -0, 0.1, 1e3, 1.5e300, -2.25]",
		  "[1,0,0.1,1000,1.5e+300,-2.25]" },
		{ "\"tab\\tnl\\nq\\\"bs\\\\ctl\\u0001\"",
		  "\"tab\\tnl\\nq\\\"bs\\\\ctl\\u0001\"" },
		{ "\"caf\\u00e9 \\u2603\"", "\"caf\xc3\xa9 \xe2\x98\x83\"" },
		{ "\"/\"", "\"/\"" },
		{ "9007199254740991", "9007199254740991" },
		{ "{\"k\":{\"z\":{},\"y\":[]}}", "{\"k\":{\"y\":[],\"z\":{}}}" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		canon(cases[i].in, cases[i].want);
}

static void
test_duplicate_keys_refused(void)
{
	struct morph_buf b = MORPH_BUF_INIT;
	cJSON *v;

	T_OK(morph_json_parse(&v, "{\"a\":1,\"a\":2}", 13, "t"));
	T_ERR(morph_json_canonical(&b, v), MORPH_ERR_INVALID);
	cJSON_Delete(v);
	morph_buf_release(&b);
}

static void
test_parse_errors_are_located(void)
{
	const struct morph_error *err;
	cJSON *v;

	err = morph_json_parse(&v, "{\n  \"a\": 1,\n  oops\n}", 20,
	    "morph.json");
	T_ASSERT(err != NULL);
	if (err != NULL)
		T_CONTAINS(err->msg, "morph.json:3:");
	err = morph_json_parse(&v, "[1, 2", 5, "f");
	T_ASSERT(err != NULL);
	if (err != NULL)
		T_CONTAINS(err->msg, "f:1:");
	err = morph_json_parse(&v, "{} x", 4, "f");
	T_ASSERT(err != NULL);
	if (err != NULL)
		T_CONTAINS(err->msg, "after the value");
	T_ERR(morph_json_parse(&v, "\"\xff\"", 3, "f"), MORPH_ERR_INVALID);
	/* The message stays on one line, whatever follows the error. */
	err = morph_json_parse(&v, "{\"a\": 1,}\n\n", 11, "f");
	T_ASSERT(err != NULL);
	if (err != NULL) {
		T_CONTAINS(err->msg, "f:1:");
		T_ASSERT(strchr(err->msg, '\n') == NULL);
	}
	err = morph_json_parse(&v, "[1,\n 2 3,\n 4]", 13, "f");
	T_ASSERT(err != NULL);
	if (err != NULL) {
		T_CONTAINS(err->msg, "f:2:4: invalid JSON near '3,'");
		T_ASSERT(strchr(err->msg, '\n') == NULL);
	}
}

static void
test_utf8(void)
{
	static const struct {
		const char	*s;
		int		 ok;
	} cases[] = {
		{ "plain", 1 },
		{ "caf\xc3\xa9", 1 },
		{ "\xe2\x98\x83", 1 },
		{ "\xf0\x9f\x98\x80", 1 },
		{ "\xc3", 0 },			/* truncated */
		{ "\xc0\xaf", 0 },		/* overlong */
		{ "\xed\xa0\x80", 0 },		/* surrogate */
		{ "\xf4\x90\x80\x80", 0 },	/* past U+10FFFF */
		{ "\x80", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		T_INTEQ(morph_utf8_check(cases[i].s, strlen(cases[i].s)) == 0,
		    cases[i].ok);
}

static void
test_numbers(void)
{
	struct morph_buf b = MORPH_BUF_INIT;

	T_OK(morph_json_put_number(&b, 0.1 + 0.2));
	T_STREQ(b.ptr, "0.30000000000000004");
	morph_buf_clear(&b);
	T_OK(morph_json_put_number(&b, 2.5e-06));
	T_STREQ(b.ptr, "2.5e-06");
	T_ERR(morph_json_put_number(&b, 1.0 / 0.0), MORPH_ERR_INVALID);
	morph_buf_release(&b);
}

static void
test_hazards(void)
{
	static const struct {
		const char *in;
		int want;
		size_t off;
	} cases[] = {
		{ "\"a\\u0000b\"", MORPH_JSON_NUL_ESCAPE, 2 },
		{ "{\"k\\u0000\": 1}", MORPH_JSON_NUL_ESCAPE, 3 },
		/* An escaped backslash, then the text u0000: no NUL. */
		{ "\"a\\\\u0000b\"", 0, 0 },
		{ "\"\\u0001\\u00001\"", MORPH_JSON_NUL_ESCAPE, 7 },
		/* Outside a string it is only a syntax error. */
		{ "[1, \\u0000]", 0, 0 },
		{ "\"[[[[\"", 0, 0 },
	};
	struct morph_buf deep = MORPH_BUF_INIT;
	const struct morph_error *err;
	cJSON *v = NULL;
	size_t i, off;
	int i2;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		T_INTEQ(morph_json_hazard(cases[i].in, strlen(cases[i].in),
		    &off), cases[i].want);
		if (cases[i].want != 0)
			T_INTEQ(off, cases[i].off);
	}
	/* A raw NUL byte, anywhere. */
	T_INTEQ(morph_json_hazard("\"a\0b\"", 5, &off), MORPH_JSON_NUL_BYTE);
	T_INTEQ(off, 2);

	/* Nesting: the limit itself parses, one more does not. */
	for (i2 = 0; i2 < MORPH_JSON_MAX_DEPTH; i2++)
		morph_buf_putc(&deep, '[');
	for (i2 = 0; i2 < MORPH_JSON_MAX_DEPTH; i2++)
		morph_buf_putc(&deep, ']');
	T_OK(morph_json_parse(&v, deep.ptr, deep.len, "deep"));
	cJSON_Delete(v);
	morph_buf_clear(&deep);
	for (i2 = 0; i2 <= MORPH_JSON_MAX_DEPTH; i2++)
		morph_buf_putc(&deep, '[');
	err = morph_json_parse(&v, deep.ptr, deep.len, "deep");
	T_ASSERT(err != NULL && strstr(err->msg, "nested too deep") != NULL);
	T_ASSERT(err != NULL && strstr(err->msg, "deep:1:513:") != NULL);
	morph_buf_release(&deep);

	/* morph_json_parse names the place. */
	err = morph_json_parse(&v, "{\n \"a\": \"x\\u0000\"}", 18, "f.json");
	T_ASSERT(err != NULL && strstr(err->msg, "f.json:2:9:") != NULL);
}

static const struct test tests[] = {
	TEST(test_hazards),
	TEST(test_canonical_form),
	TEST(test_duplicate_keys_refused),
	TEST(test_parse_errors_are_located),
	TEST(test_utf8),
	TEST(test_numbers),
};

TEST_MAIN(tests)
