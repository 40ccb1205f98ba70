/*
 * Calls: the endpoint a call records, and the call object itself.
 */
#include "test.h"
#include "call_int.h"
#include "json_int.h"

static void
test_endpoint(void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "https://api.openai.com/v1", "https://api.openai.com/v1" },
		{ "https://api.openai.com/v1/", "https://api.openai.com/v1" },
		{ "HTTPS://API.OpenAI.com/v1", "https://api.openai.com/v1" },
		{ "https://api.openai.com:443/v1", "https://api.openai.com/v1" },
		{ "http://127.0.0.1:80/v1", "http://127.0.0.1/v1" },
		{ "http://127.0.0.1:443/v1", "http://127.0.0.1:443/v1" },
		{ "https://h:8443/V1/Path", "https://h:8443/V1/Path" },
		{ "http://user:secret@host:8080/v1", "http://host:8080/v1" },
		{ "http://[::1]:8080/v1", "http://[::1]:8080/v1" },
		{ "http://[::1]/v1", "http://[::1]/v1" },
		{ "http://h:/v1", "http://h/v1" },
		{ "https://h/openai?api-version=1", "https://h/openai?api-version=1" },
		{ "http://localhost:11434", "http://localhost:11434" },
		{ "", "" },
	};
	size_t i;
	char *out;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		T_OK(morph_call_endpoint(&out, cases[i].in));
		T_STREQ(out, cases[i].want);
		free(out);
	}
}

static void
test_call_object(void)
{
	struct morph_provider p;
	struct morph_buf b = MORPH_BUF_INIT;
	struct morph_oid id1, id2;
	cJSON *call, *msgs;

	memset(&p, 0, sizeof(p));
	p.id = "openai";
	p.dialect = MORPH_DIALECT_OPENAI;
	p.base_url = "https://api.openai.com/v1";
	msgs = cJSON_CreateArray();
	T_OK(morph_call_new(&call, &p, "gpt-4o-mini", cJSON_CreateObject(),
	    msgs));
	T_OK(morph_json_canonical(&b, call));
	T_STREQ(morph_buf_cstr(&b), "{\"dialect\":\"openai\",\"endpoint\":"
	    "\"https://api.openai.com/v1\",\"messages\":[],\"model\":"
	    "\"gpt-4o-mini\",\"params\":{},\"provider\":\"openai\"}");
	T_OK(morph_call_id(&id1, call));
	cJSON_Delete(call);
	morph_buf_release(&b);

	/* Another server is another call. */
	p.base_url = "http://127.0.0.1:8080/v1";
	T_OK(morph_call_new(&call, &p, "gpt-4o-mini", cJSON_CreateObject(),
	    cJSON_CreateArray()));
	T_OK(morph_call_id(&id2, call));
	T_ASSERT(memcmp(&id1, &id2, sizeof(id1)) != 0);
	cJSON_Delete(call);
}

static const struct test tests[] = {
	TEST(test_endpoint),
	TEST(test_call_object),
};

TEST_MAIN(tests)
