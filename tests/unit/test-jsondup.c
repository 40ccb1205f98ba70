/*
 * Repeated keys found in parsed JSON, with the path and the line of the
 * repeat, at any depth, and nothing found where no key repeats.
 */
#include "test.h"
#include "json_int.h"
#include "jsondup_int.h"

static void
test_find(void)
{
	static const struct {
		const char	*json;
		const char	*root;
		const char	*path;	/* NULL: no repeat */
		int		 line;
	} cases[] = {
		{ "{}", "", NULL, 0 },
		{ "{\"a\": 1, \"b\": 2}", "", NULL, 0 },
		{ "[1, {\"a\": 1}, {\"a\": 2}]", "", NULL, 0 },
		{ "{\"a\": {\"x\": 1}, \"b\": {\"x\": 1}}", "", NULL, 0 },
		{ "\"a\"", "", NULL, 0 },
		{ "{\"a\": 1, \"a\": 2}", "", "a", 1 },
		{ "{\"id\": \"c\", \"vars\": {\"q\": \"one\", \"q\": \"two\"}}",
		  "", "vars.q", 1 },
		{ "{\"vars\": {\"p\": {\"name\": \"A\", \"n\": 1, "
		  "\"name\": \"B\"}}}", "", "vars.p.name", 1 },
		{ "{\n  \"defaults\": {\n    \"response_format\": {\n"
		  "      \"type\": \"text\",\n      \"type\": \"json_object\"\n"
		  "    }\n  }\n}\n", "", "defaults.response_format.type", 5 },
		{ "{\"assert\": [{\"type\": \"equals\", \"value\": \"x\"}, "
		  "{\"type\": \"contains\", \"value\": \"a\", \"type\": "
		  "\"equals\"}]}", "", "assert[1].type", 1 },
		{ "[{\"role\": \"user\", \"content\": \"a\"},\n"
		  "{\"role\": \"user\", \"content\": \"b\", \"role\": "
		  "\"system\"}]", "messages", "messages[1].role", 2 },
		/* The first in the text wins, at whatever depth. */
		{ "{\"a\": {\"b\": 1, \"b\": 2}, \"a\": 3}", "", "a.b", 1 },
		{ "{\"a\": 1,\n\"z\": {\"y\": 1},\n\"a\": 2,\n"
		  "\"z2\": {\"y\": 1, \"y\": 2}}", "", "a", 3 },
		/* Keys that only look alike in the text, or differ in case. */
		{ "{\"a\": 1, \"\\u0061\": 2}", "", "a", 1 },
		{ "{\"a\": 1, \"A\": 2, \"a \": 3}", "", NULL, 0 },
		/* Strings that hold JSON's punctuation, escapes included. */
		{ "{\"s\": \"{\\\"k\\\": 1, \\\"k\\\": 2}\", \"t\": "
		  "[\"]\", \"}\", \",\"], \"u\": {\"v\": 1, \"v\": 2}}", "",
		  "u.v", 1 },
		/* White space cJSON allows, and a byte-order mark. */
		{ "\xef\xbb\xbf\r\n{\t\"n\"\f:\v1 ,\n\"n\" : 2 }", "", "n", 3 },
		{ "{\"e\": [], \"o\": {}, \"n\": null, \"t\": true, \"f\": "
		  "false, \"x\": -1.5e3, \"o\": 1}", "", "o", 1 },
		/* Names are printable in messages. */
		{ "{\"a\\nb\": 1, \"a\\nb\": 2}", "", "a?b", 1 },
	};
	struct morph_json_dup dup;
	size_t i;
	cJSON *v;
	int r;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		test_current = cases[i].json;
		T_OK(morph_json_parse(&v, cases[i].json,
		    strlen(cases[i].json), "test"));
		if (v == NULL)
			continue;
		r = morph_json_find_dup(&dup, v, cases[i].json,
		    strlen(cases[i].json), cases[i].root);
		if (cases[i].path == NULL)
			T_INTEQ(r, 0);
		else {
			T_INTEQ(r, 1);
			T_STREQ(dup.path, cases[i].path);
			T_INTEQ(dup.line, cases[i].line);
		}
		cJSON_Delete(v);
	}
}

/* An object of many keys, one repeated at the end. */
static void
test_many(void)
{
	struct morph_buf b = MORPH_BUF_INIT;
	struct morph_json_dup dup;
	cJSON *v;
	int i;

	morph_buf_puts(&b, "{");
	for (i = 0; i < 50000; i++)
		morph_buf_printf(&b, "\"k%d\": %d,\n", i, i);
	morph_buf_puts(&b, "\"k17\": 0}");
	T_OK(morph_json_parse(&v, b.ptr, b.len, "test"));
	if (v != NULL) {
		T_INTEQ(morph_json_find_dup(&dup, v, b.ptr, b.len, "vars"), 1);
		T_STREQ(dup.path, "vars.k17");
		T_INTEQ(dup.line, 50001);
		cJSON_Delete(v);
	}
	morph_buf_release(&b);
}

static const struct test tests[] = {
	TEST(test_find),
	TEST(test_many),
};

TEST_MAIN(tests)
