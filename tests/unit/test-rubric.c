/*
 * llm-rubric's halves: spec checks, the judge's model, the messages sent
 * to it (rendered rubric, stable text), and the reading of its answers,
 * well-formed, fenced, in prose, partial and unreadable.
 */
#include "test.h"
#include "rubric_int.h"

static cJSON *
parse(const char *text)
{
	cJSON *v = cJSON_Parse(text);

	if (v == NULL)
		T_FAIL("cannot parse %s", text);
	return v;
}

static void
test_check(void)
{
	static const struct {
		const char	*spec;
		const char	*msg;	/* NULL: valid */
	} cases[] = {
		{ "{\"type\": \"llm-rubric\", \"value\": \"Is polite\"}",
		  NULL },
		{ "{\"type\": \"llm-rubric\", \"value\": \"x\", \"provider\": "
		  "\"anthropic:claude-haiku-4-5\"}", NULL },
		{ "{\"type\": \"not-llm-rubric\", \"value\": \"\"}",
		  "not-llm-rubric: \"value\" must be a non-empty string" },
		{ "{\"type\": \"llm-rubric\"}",
		  "llm-rubric: \"value\" must be a non-empty string" },
		{ "{\"type\": \"llm-rubric\", \"value\": \"x\", \"provider\": "
		  "\"gpt4\"}", "llm-rubric: \"provider\" must be a model spec, "
		  "as in \"openai:gpt-4o-mini\"" },
		{ "{\"type\": \"llm-rubric\", \"value\": \"x\", \"provider\": "
		  "{\"id\": \"openai:gpt-4o\"}}", "llm-rubric: \"provider\" "
		  "must be a model spec, as in \"openai:gpt-4o-mini\"" },
	};
	const struct morph_error *err;
	size_t i;
	cJSON *s;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if ((s = parse(cases[i].spec)) == NULL)
			continue;
		err = morph_rubric_check(s);
		if (cases[i].msg == NULL)
			T_OK(err);
		else if (err == NULL)
			T_FAIL("%s: accepted", cases[i].spec);
		else {
			T_INTEQ(err->code, MORPH_ERR_SUITE);
			T_STREQ(err->msg, cases[i].msg);
		}
		cJSON_Delete(s);
	}
}

static void
test_model(void)
{
	cJSON *a = parse("{\"type\": \"llm-rubric\", \"value\": \"x\", "
	    "\"provider\": \"ollama:llama3.2:3b\"}");
	cJSON *b = parse("{\"type\": \"llm-rubric\", \"value\": \"x\"}");

	T_STREQ(morph_rubric_model(a, "openai:gpt-4o-mini"),
	    "ollama:llama3.2:3b");
	T_STREQ(morph_rubric_model(b, "openai:gpt-4o-mini"),
	    "openai:gpt-4o-mini");
	T_ASSERT(morph_rubric_model(b, NULL) == NULL);
	cJSON_Delete(a);
	cJSON_Delete(b);
}

static void
test_call(void)
{
	cJSON *spec = parse("{\"type\": \"llm-rubric\", \"value\": "
	    "\"Answers {{q}} in {{lang.name}}, politely\"}");
	cJSON *vars = parse("{\"q\": \"Capital of France?\", \"lang\": "
	    "{\"name\": \"fran\\u00e7ais\"}}");
	cJSON *msgs = NULL, *again = NULL, *bad;
	char *a, *b;

	T_OK(morph_rubric_call(&msgs, spec, "Paris, bien s\xc3\xbbr.", vars));
	T_ASSERT(cJSON_IsArray(msgs) && cJSON_GetArraySize(msgs) == 2);
	if (msgs == NULL || cJSON_GetArraySize(msgs) != 2)
		goto done;
	T_STREQ(cJSON_GetObjectItem(cJSON_GetArrayItem(msgs, 0), "role")->
	    valuestring, "system");
	T_CONTAINS(cJSON_GetObjectItem(cJSON_GetArrayItem(msgs, 0),
	    "content")->valuestring, "\"pass\": true");
	T_STREQ(cJSON_GetObjectItem(cJSON_GetArrayItem(msgs, 1), "role")->
	    valuestring, "user");
	T_STREQ(cJSON_GetObjectItem(cJSON_GetArrayItem(msgs, 1), "content")->
	    valuestring, "<rubric>\nAnswers Capital of France? in "
	    "fran\xc3\xa7" "ais, politely\n</rubric>\n\n<output>\nParis, bien "
	    "s\xc3\xbbr.\n</output>");
	/* The same inputs give the same call, so it caches. */
	T_OK(morph_rubric_call(&again, spec, "Paris, bien s\xc3\xbbr.", vars));
	a = cJSON_PrintUnformatted(msgs);
	b = cJSON_PrintUnformatted(again);
	T_STREQ(a, b);
	free(a);
	free(b);

	/* A variable the case does not set. */
	bad = parse("{\"type\": \"llm-rubric\", \"value\": \"Mentions "
	    "{{city}}\"}");
	cJSON_Delete(again);
	again = NULL;
	T_ERR(morph_rubric_call(&again, bad, "x", vars), MORPH_ERR_SUITE);
	T_ASSERT(again == NULL);
	T_ERR(morph_rubric_call(&again, bad, "x", NULL), MORPH_ERR_SUITE);
	cJSON_Delete(bad);
done:
	cJSON_Delete(again);
	cJSON_Delete(msgs);
	cJSON_Delete(spec);
	cJSON_Delete(vars);
}

struct vcase {
	const char	*threshold;	/* JSON, or NULL */
	const char	*answer;
	int		 pass;
	double		 score;
	int		 unreadable;
	const char	*reason;	/* exact */
};

static const struct vcase vcases[] = {
	{ NULL, "{\"reason\": \"Polite and correct.\", \"pass\": true, "
	  "\"score\": 0.9}", 1, 0.9, 0, "Polite and correct." },
	{ NULL, "{\"pass\": false, \"score\": 0.1, \"reason\": \"Rude.\"}",
	  0, 0.1, 0, "Rude." },
	{ NULL, "Here is my grading:\n```json\n{\"reason\": \"ok\", "
	  "\"pass\": true, \"score\": 1}\n```\nThanks!", 1, 1, 0, "ok" },
	{ NULL, "I think {this} is fine. {\"pass\": \"yes\", \"reason\": "
	  "\"fine\"}", 1, 1, 0, "fine" },
	{ NULL, "{\"verdict\": {\"x\": 1}} then {\"pass\": \"FAIL\"}", 0, 0, 0,
	  "the judge failed it and gave no reason" },
	{ NULL, "{\"score\": 0.7, \"reason\": \"mostly\"}", 1, 0.7, 0,
	  "mostly" },
	{ NULL, "{\"score\": \"0.3\"}", 0, 0.3, 0,
	  "the judge failed it and gave no reason" },
	{ "0.8", "{\"pass\": true, \"score\": 0.7, \"reason\": \"good\"}", 0,
	  0.7, 0, "score 0.7 is below the threshold 0.8: good" },
	{ "0.8", "{\"pass\": true, \"score\": 0.8, \"reason\": \"good\"}", 1,
	  0.8, 0, "good" },
	{ "0.6", "{\"score\": 0.7}", 1, 0.7, 0,
	  "the judge passed it and gave no reason" },
	{ "0.2", "{\"pass\": false, \"score\": 0.9, \"reason\": \"no\"}", 0,
	  0.9, 0, "no" },
	{ NULL, "{\"pass\": true, \"reason\": \"tr\\u00e8s bien\"}", 1, 1, 0,
	  "tr\xc3\xa8s bien" },
	{ NULL, "", 0, 0, 1, "the judge's answer was empty" },
	{ NULL, " \n\t", 0, 0, 1, "the judge's answer was empty" },
	{ NULL, "The output passes.", 0, 0, 1, "the judge's answer was "
	  "unreadable: no JSON object with \"pass\" or \"score\" in \"The "
	  "output passes.\"" },
	{ NULL, "{\"pass\": true, \"score\": 0.9", 0, 0, 1, "the judge's "
	  "answer was unreadable: no JSON object with \"pass\" or \"score\" "
	  "in \"{\"pass\": true, \"score\": 0.9\"" },
	{ NULL, "{\"pass\": \"maybe\"}", 0, 0, 1, "the judge's answer was "
	  "unreadable: \"pass\" is not true or false in \"{\"pass\": "
	  "\"maybe\"}\"" },
	{ NULL, "{\"pass\": true, \"score\": \"0x1\"}", 0, 0, 1, "the judge's "
	  "answer was unreadable: \"score\" is not a number from 0 to 1 in "
	  "\"{\"pass\": true, \"score\": \"0x1\"}\"" },
	{ NULL, "{\"pass\": true, \"score\": \" 0.5\"}", 0, 0, 1, "the "
	  "judge's answer was unreadable: \"score\" is not a number from 0 "
	  "to 1 in \"{\"pass\": true, \"score\": \" 0.5\"}\"" },
	{ NULL, "{\"pass\": true, \"score\": 7}", 0, 0, 1, "the judge's "
	  "answer was unreadable: \"score\" is not a number from 0 to 1 in "
	  "\"{\"pass\": true, \"score\": 7}\"" },
	{ NULL, "Well.\n\nLet me think about this at length, since the "
	  "rubric is subtle and the output long, and I want to be sure.", 0,
	  0, 1, "the judge's answer was unreadable: no JSON object with "
	  "\"pass\" or \"score\" in \"Well.  Let me think about this at "
	  "length, since the rubric is subtle and the out...\"" },
};

static void
test_verdict(void)
{
	const cJSON *p, *s, *r, *u;
	char spec[200];
	size_t i;
	cJSON *sp, *v;

	for (i = 0; i < sizeof(vcases) / sizeof(vcases[0]); i++) {
		test_current = vcases[i].answer;
		snprintf(spec, sizeof(spec), "{\"type\": \"llm-rubric\", "
		    "\"value\": \"x\"%s%s}", vcases[i].threshold ?
		    ", \"threshold\": " : "", vcases[i].threshold ?
		    vcases[i].threshold : "");
		if ((sp = parse(spec)) == NULL)
			continue;
		v = NULL;
		T_OK(morph_rubric_verdict(&v, sp, vcases[i].answer,
		    strlen(vcases[i].answer)));
		p = cJSON_GetObjectItem(v, "pass");
		s = cJSON_GetObjectItem(v, "score");
		r = cJSON_GetObjectItem(v, "reason");
		u = cJSON_GetObjectItem(v, "unreadable");
		T_INTEQ(cJSON_IsTrue(p), vcases[i].pass);
		T_ASSERT(cJSON_IsNumber(s) && s->valuedouble ==
		    vcases[i].score);
		T_INTEQ(cJSON_IsTrue(u), vcases[i].unreadable);
		T_STREQ(cJSON_IsString(r) ? r->valuestring : NULL,
		    vcases[i].reason);
		cJSON_Delete(v);
		cJSON_Delete(sp);
	}
}

static const struct test tests[] = {
	TEST(test_check),
	TEST(test_model),
	TEST(test_call),
	TEST(test_verdict),
};

TEST_MAIN(tests)
