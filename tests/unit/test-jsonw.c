/*
 * The streaming JSON writer and the pretty printer.
 */
#include <stdlib.h>

#include "test.h"
#include "morph/morph.h"

static void
test_nested(void)
{
	struct morph_jsonw w;
	char *text = NULL;
	size_t n = 0;
	FILE *fp = open_memstream(&text, &n);

	morph_jsonw_init(&w, fp);
	morph_jsonw_object_begin(&w);
	morph_jsonw_kv_string(&w, "s", "a\"b\n");
	morph_jsonw_kv_int(&w, "i", -42);
	morph_jsonw_kv_bool(&w, "b", 1);
	morph_jsonw_kv_string(&w, "null", NULL);
	morph_jsonw_kv_int_or_null(&w, "known", 0);
	morph_jsonw_kv_int_or_null(&w, "unknown", -1);
	morph_jsonw_key(&w, "empty");
	morph_jsonw_array_begin(&w);
	morph_jsonw_array_end(&w);
	morph_jsonw_key(&w, "list");
	morph_jsonw_array_begin(&w);
	morph_jsonw_double(&w, 0.5);
	morph_jsonw_object_begin(&w);
	morph_jsonw_object_end(&w);
	morph_jsonw_array_end(&w);
	morph_jsonw_object_end(&w);
	morph_jsonw_finish(&w);
	fclose(fp);
	T_STREQ(text, "{\n  \"s\": \"a\\\"b\\n\",\n  \"i\": -42,\n"
	    "  \"b\": true,\n  \"null\": null,\n  \"known\": 0,\n"
	    "  \"unknown\": null,\n  \"empty\": [],\n"
	    "  \"list\": [\n    0.5,\n    {}\n  ]\n}\n");
	free(text);
}

static void
test_pretty(void)
{
	struct morph_buf b = MORPH_BUF_INIT;
	static const char in[] = "{\"a\":[1,\"x\"],\"b\":{}}";

	T_OK(morph_json_pretty(&b, in, strlen(in)));
	T_STREQ(b.ptr, "{\n  \"a\": [\n    1,\n    \"x\"\n  ],\n  \"b\": {}\n}\n");
	morph_buf_clear(&b);
	T_ERR(morph_json_pretty(&b, "{", 1), MORPH_ERR_INVALID);
	morph_buf_release(&b);
}

static const struct test tests[] = {
	TEST(test_nested),
	TEST(test_pretty),
};

TEST_MAIN(tests)
