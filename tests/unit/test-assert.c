/*
 * Assertions: every type and its not- form on outputs that pass and fail
 * (UTF-8 where it matters), scores, thresholds and weights, checks that
 * cannot be made, malformed specs with their exact messages, exec's
 * permission and protocol, llm-rubric through a judge, morph_assert_all.
 */
#include <math.h>
#include <time.h>

#include "test.h"
#include "assert_int.h"
#include "json_int.h"

/* Parses JSON written with ` for " (the tables are easier to read). */
static cJSON *
parse(const char *text)
{
	char *s = strdup(text), *p;
	cJSON *v;

	for (p = s; *p != '\0'; p++)
		if (*p == '`')
			*p = '"';
	v = cJSON_Parse(s);
	free(s);
	if (v == NULL)
		T_FAIL("cannot parse %s", text);
	return v;
}

/*
 * The judge of these tests reads its answer from the spec itself:
 * "test_answer", or "test_error" for a call that failed.
 */
static const struct morph_error *
judge(void *arg, const cJSON *spec, const char **answer, size_t *len)
{
	const cJSON *a = cJSON_GetObjectItem(spec, "test_answer");
	const cJSON *e = cJSON_GetObjectItem(spec, "test_error");

	(*(int *)arg)++;
	if (cJSON_IsString(e))
		return morph_error_fmt(MORPH_ERR_HTTP, "%s", e->valuestring);
	if (cJSON_IsString(a)) {
		*answer = a->valuestring;
		*len = strlen(a->valuestring);
	}
	return NULL;
}

static int judge_calls;
static cJSON *the_vars;

static void
ctx_init(struct morph_assert_ctx *c, const char *output)
{
	memset(c, 0, sizeof(*c));
	c->output = output;
	c->len = strlen(output);
	c->cost_nusd = 2500000;		/* $0.0025 */
	c->latency_ms = 1200;
	if (the_vars == NULL)
		the_vars = cJSON_Parse("{\"name\":\"Ada\",\"n\":3}");
	c->vars = the_vars;
	c->allow_exec = 1;
	c->prompt = "prompts/a.txt";
	c->case_id = "paris";
	c->model = "echo:x";
	c->judge = judge;
	c->judge_arg = &judge_calls;
}

struct acase {
	const char	*spec;
	const char	*output;
	int		 pass;
	double		 score;
	const char	*reason;	/* exact; "~x": contains x */
};

/* Scores of pass/fail types are 1 and 0; P and F say so. */
#define P	1, 1
#define F	0, 0

static const struct acase cases[] = {
	/* equals */
	{ "{`type`: `equals`, `value`: `Paris`}", "Paris", P,
	  "output equals the value" },
	{ "{`type`: `equals`, `value`: `Paris`}", "Paris\n", F,
	  "output \"Paris \" differs from the value" },
	{ "{`type`: `not-equals`, `value`: `Paris`}", "Paris", F,
	  "output equals the value" },
	{ "{`type`: `not-equals`, `value`: `Paris`}", "Rome", P,
	  "output \"Rome\" differs from the value" },
	{ "{`type`: `equals`, `value`: `caf\xc3\xa9`}", "caf\xc3\xa9", P,
	  "output equals the value" },
	/* contains, icontains */
	{ "{`type`: `contains`, `value`: `Par`}", "Paris", P,
	  "output contains \"Par\"" },
	{ "{`type`: `contains`, `value`: `par`}", "Paris", F,
	  "output lacks \"par\"" },
	{ "{`type`: `not-contains`, `value`: `As an AI`}", "Paris", P,
	  "output lacks \"As an AI\"" },
	{ "{`type`: `not-contains`, `value`: `Paris`}", "Paris", F,
	  "output contains \"Paris\"" },
	{ "{`type`: `contains`, `value`: `\xc3\xa9t\xc3\xa9`}",
	  "en \xc3\xa9t\xc3\xa9", P, "output contains \"\xc3\xa9t\xc3\xa9\"" },
	{ "{`type`: `icontains`, `value`: `PARIS`}", "in paris.", P,
	  "output contains \"PARIS\" (any case)" },
	{ "{`type`: `icontains`, `value`: `\xc3\x89T\xc3\x89`}",
	  "en \xc3\xa9t\xc3\xa9", P,
	  "output contains \"\xc3\x89T\xc3\x89\" (any case)" },
	{ "{`type`: `icontains`, `value`: `\xd0\x9c\xd0\x9e\xd0\xa1\xd0\x9a"
	  "\xd0\x92\xd0\x90`}", "\xd0\xb2 \xd0\xbc\xd0\xbe\xd1\x81\xd0\xba"
	  "\xd0\xb2\xd0\xb5", F, "~lacks" },
	{ "{`type`: `not-icontains`, `value`: `\xc3\xa9t\xc3\xa9`}",
	  "\xc3\x89T\xc3\x89", F, "~contains" },
	{ "{`type`: `not-icontains`, `value`: `rome`}", "Paris", P,
	  "output lacks \"rome\" (any case)" },
	/* contains-any, contains-all and their icase forms */
	{ "{`type`: `contains-any`, `value`: [`Rome`, `Paris`]}", "Paris", P,
	  "output contains \"Paris\"" },
	{ "{`type`: `contains-any`, `value`: [`Rome`, `paris`]}", "Paris", F,
	  "output contains none of the 2 values" },
	{ "{`type`: `not-contains-any`, `value`: [`sorry`, `apolog`]}",
	  "Paris", P, "output contains none of the 2 values" },
	{ "{`type`: `contains-all`, `value`: [`Par`, `is`]}", "Paris", P,
	  "output contains all 2 values" },
	{ "{`type`: `contains-all`, `value`: [`Par`, `Rome`, `x`]}", "Paris",
	  F, "output lacks \"Rome\" (1 of 3 found)" },
	{ "{`type`: `not-contains-all`, `value`: [`Par`, `Rome`]}", "Paris",
	  P, "output lacks \"Rome\" (1 of 2 found)" },
	{ "{`type`: `icontains-any`, `value`: [`ROME`, `PARIS`]}", "paris",
	  P, "output contains \"PARIS\" (any case)" },
	{ "{`type`: `not-icontains-any`, `value`: [`ROME`, `PARIS`]}",
	  "paris", F, "output contains \"PARIS\" (any case)" },
	{ "{`type`: `icontains-all`, `value`: [`\xc3\x89t\xc3\xa9`, "
	  "`\xce\x91\xce\x98\xce\x97\xce\x9d\xce\x91`]}",
	  "\xc3\xa9t\xc3\xa9 \xce\xb1\xce\xb8\xce\xb7\xce\xbd\xce\xb1", P,
	  "output contains all 2 values (any case)" },
	{ "{`type`: `not-icontains-all`, `value`: [`A`, `Z`]}", "abc", P,
	  "output lacks \"Z\" (1 of 2 found) (any case)" },
	/* starts-with */
	{ "{`type`: `starts-with`, `value`: `Yes`}", "Yes, Paris.", P,
	  "output starts with \"Yes\"" },
	{ "{`type`: `starts-with`, `value`: `Yes`}", "No.", F,
	  "output starts with \"No.\", not \"Yes\"" },
	{ "{`type`: `not-starts-with`, `value`: `Sure`}", "Paris", P,
	  "output starts with \"Paris\", not \"Sure\"" },
	{ "{`type`: `starts-with`, `value`: `\xc3\x89l`}", "\xc3\x89lan", P,
	  "output starts with \"\xc3\x89l\"" },
	/* regex */
	{ "{`type`: `regex`, `value`: `^\\\\d{4}$`}", "2024", P,
	  "output matches /^\\d{4}$/" },
	{ "{`type`: `regex`, `value`: `^\\\\d{4}$`}", "20245", F,
	  "output does not match /^\\d{4}$/" },
	{ "{`type`: `not-regex`, `value`: `(?i)as an ai`}", "Paris", P,
	  "output does not match /(?i)as an ai/" },
	{ "{`type`: `regex`, `value`: `^\\\\p{Lu}\\\\p{Ll}+$`}",
	  "\xc3\x89lan", P, "~matches" },
	{ "{`type`: `regex`, `value`: `^.{4}$`}", "caf\xc3\xa9", P,
	  "~matches" },
	/* is-json */
	{ "{`type`: `is-json`}", " {\"a\": [1, 2]}\n", P,
	  "output is valid JSON" },
	{ "{`type`: `is-json`, `value`: null}", "[]", P,
	  "output is valid JSON" },
	{ "{`type`: `is-json`}", "{a", F,
	  "output:1:2: invalid JSON near 'a'" },
	{ "{`type`: `is-json`}", "Sure: {}", F,
	  "output:1:1: invalid JSON near 'Sure: {}'" },
	{ "{`type`: `not-is-json`}", "plain text", P, "~invalid JSON" },
	{ "{`type`: `is-json`, `value`: {`type`: `object`, `required`: "
	  "[`city`]}}", "{\"city\": \"Paris\"}", P,
	  "output is JSON that matches the schema" },
	{ "{`type`: `is-json`, `value`: {`type`: `object`, `required`: "
	  "[`city`]}}", "{\"town\": \"Paris\"}", F,
	  "output does not match the schema: /: missing required property "
	  "'city'" },
	{ "{`type`: `not-is-json`, `value`: {`type`: `array`}}", "{}", P,
	  "output does not match the schema: /: expected array, got object" },
	/* contains-json */
	{ "{`type`: `contains-json`}", "Here: ```json\n{\"a\": 1}\n``` done",
	  P, "output contains JSON at offset 14" },
	{ "{`type`: `contains-json`}", "no json {here", F,
	  "output contains no JSON object or array" },
	{ "{`type`: `not-contains-json`}", "Just prose.", P,
	  "output contains no JSON object or array" },
	{ "{`type`: `contains-json`, `value`: {`required`: [`a`], "
	  "`properties`: {`a`: {`type`: `number`}}}}",
	  "First {\"a\": \"x\"} then {\"a\": 2}", P,
	  "output contains JSON that matches the schema at offset 22" },
	{ "{`type`: `contains-json`, `value`: {`type`: `object`, "
	  "`properties`: {`a`: {`type`: `number`}}}}",
	  "{\"a\": \"x\"} and [1]", F, "none of the 2 JSON values in the "
	  "output matches the schema; the first: /a: expected number, got "
	  "string" },
	{ "{`type`: `contains-json`, `value`: {`required`: [`a`]}}",
	  "{\"b\": {\"a\": 1}}", F, "the JSON in the output does not match "
	  "the schema: /: missing required property 'a'" },
	{ "{`type`: `not-contains-json`, `value`: {`required`: [`a`]}}",
	  "x {\"a\": 1}", F, "~matches the schema" },
	/* json-schema */
	{ "{`type`: `json-schema`, `value`: {`type`: `object`, "
	  "`properties`: {`items`: {`type`: `array`, `items`: {`type`: "
	  "`object`, `properties`: {`name`: {`type`: `string`}}}}}}}",
	  "{\"items\": [{\"name\": \"a\"}, {\"name\": \"b\"}, {\"name\": 3}]}",
	  F, "output does not match the schema: /items/2/name: expected "
	  "string, got number" },
	{ "{`type`: `json-schema`, `value`: {`properties`: {`name`: "
	  "{`maxLength`: 4}}}}", "{\"name\": \"Zo\xc3\xab\"}", P,
	  "output is JSON that matches the schema" },
	{ "{`type`: `json-schema`, `value`: true}", "\"x\"", P,
	  "output is JSON that matches the schema" },
	{ "{`type`: `json-schema`, `value`: {`type`: `object`}}",
	  "```json\n{}\n```", F, "output:1:1: invalid JSON near '```json'" },
	{ "{`type`: `not-json-schema`, `value`: {`type`: `string`}}", "1",
	  P, "output does not match the schema: /: expected string, got "
	  "number" },
	/* levenshtein: default threshold 5, code points */
	{ "{`type`: `levenshtein`, `value`: `kitten`}", "sitting", P,
	  "edit distance 3 <= 5" },
	{ "{`type`: `levenshtein`, `value`: `kitten`, `threshold`: 2}",
	  "sitting", F, "edit distance 3 > 2" },
	{ "{`type`: `not-levenshtein`, `value`: `kitten`, `threshold`: 2}",
	  "sitting", P, "edit distance 3 > 2" },
	{ "{`type`: `levenshtein`, `value`: `caf\xc3\xa9`, `threshold`: 1}",
	  "cafe", P, "edit distance 1 <= 1" },
	{ "{`type`: `levenshtein`, `value`: ``, `threshold`: 0}", "", P,
	  "edit distance 0 <= 0" },
	/* rouge-n: recall, lowercased words, default n 1, threshold 0.75 */
	{ "{`type`: `rouge-n`, `value`: `the cat sat on the mat`}",
	  "The cat sat on a mat.", 1, 5.0 / 6,
	  "ROUGE-1 recall 0.83 (5 of 6 1-grams) >= threshold 0.75" },
	{ "{`type`: `rouge-n`, `value`: `the cat sat on the mat`, `n`: 2}",
	  "The cat sat on a mat.", 0, 0.6,
	  "ROUGE-2 recall 0.60 (3 of 5 2-grams) < threshold 0.75" },
	{ "{`type`: `rouge-n`, `value`: `the cat sat on the mat`, `n`: 2, "
	  "`threshold`: 0.5}", "The cat sat on a mat.", 1, 0.6,
	  "ROUGE-2 recall 0.60 (3 of 5 2-grams) >= threshold 0.5" },
	{ "{`type`: `not-rouge-n`, `value`: `the cat sat on the mat`}",
	  "The cat sat on a mat.", 0, 1.0 / 6, "~>= threshold 0.75" },
	{ "{`type`: `not-rouge-n`, `value`: `hello world`}", "goodbye", 1, 1,
	  "ROUGE-1 recall 0.00 (0 of 2 1-grams) < threshold 0.75" },
	{ "{`type`: `rouge-n`, `value`: `\xc3\x89lan vital`}",
	  "\xc3\xa9lan VITAL!", 1, 1, "~(2 of 2 1-grams)" },
	{ "{`type`: `rouge-n`, `value`: `\xe6\x9d\xb1\xe4\xba\xac`}",
	  "\xe6\x9d\xb1\xe4\xba\xac\xe9\x83\xbd", 1, 1, "~(2 of 2 1-grams)" },
	{ "{`type`: `rouge-n`, `value`: `a a a b`}", "a b", 0, 0.5,
	  "~(2 of 4 1-grams)" },
	/* cost and latency */
	{ "{`type`: `cost`, `threshold`: 0.01}", "x", P,
	  "cost $0.002500 <= $0.01" },
	{ "{`type`: `cost`, `threshold`: 0.001}", "x", F,
	  "cost $0.002500 > $0.001" },
	{ "{`type`: `not-cost`, `threshold`: 0.001}", "x", P,
	  "cost $0.002500 > $0.001" },
	{ "{`type`: `latency`, `threshold`: 1000}", "x", F,
	  "latency 1200 ms > 1000 ms" },
	{ "{`type`: `latency`, `threshold`: 1200}", "x", P,
	  "latency 1200 ms <= 1200 ms" },
	{ "{`type`: `not-latency`, `threshold`: 1000}", "x", P,
	  "latency 1200 ms > 1000 ms" },
	/* exec */
	{ "{`type`: `exec`, `value`: `grep -q Paris`}", "in Paris", P,
	  "the command exited 0" },
	{ "{`type`: `exec`, `value`: `grep -q Rome`}", "in Paris", F,
	  "the command exited 1" },
	{ "{`type`: `not-exec`, `value`: `grep -q Rome`}", "in Paris", P,
	  "the command exited 1" },
	{ "{`type`: `exec`, `value`: `grep -q \xc3\xa9t\xc3\xa9`}",
	  "en \xc3\xa9t\xc3\xa9", P, "the command exited 0" },
	{ "{`type`: `exec`, `value`: `cat >/dev/null; echo 'too long' >&2; "
	  "exit 3`}", "x", F, "the command exited 3: too long " },
	{ "{`type`: `exec`, `value`: `echo only stdout; exit 2`}", "x", F,
	  "the command exited 2: only stdout " },
	{ "{`type`: `exec`, `value`: `printf '{\\`pass\\`: true, \\`score\\`: "
	  "0.8, \\`reason\\`: \\`looks right\\`}'`}", "x", 1, 0.8,
	  "looks right" },
	{ "{`type`: `exec`, `value`: `printf '{\\`pass\\`: true, \\`score\\`: "
	  "0.8}'; exit 1`}", "x", 1, 0.8, "the command printed a pass" },
	{ "{`type`: `exec`, `threshold`: 0.9, `value`: `printf '{\\`pass\\`: "
	  "true, \\`score\\`: 0.8, \\`reason\\`: \\`close\\`}'`}", "x", 0, 0.8,
	  "score 0.8 is below the threshold 0.9: close" },
	{ "{`type`: `not-exec`, `value`: `printf '{\\`pass\\`: false, "
	  "\\`score\\`: 0.25}'`}", "x", 1, 0.75, "the command printed a fail" },
	{ "{`type`: `exec`, `value`: `printf '{\\`pass\\`: false, "
	  "\\`reason\\`: \\`%s\\`}' \\`$(cat)\\``}", "\xc3\x9c" "n\xc3\xaf"
	  "c\xc3\xb6" "de", F, "\xc3\x9c" "n\xc3\xaf" "c\xc3\xb6" "de" },
	{ "{`type`: `exec`, `value`: `echo '{\\`ok\\`: 1}'`}", "x", P,
	  "the command exited 0" },
	{ "{`type`: `exec`, `value`: `echo '{\\`pass\\`: false} and more'`}",
	  "x", P, "the command exited 0" },
	{ "{`type`: `exec`, `value`: `echo '  {\\`pass\\`: false}'; echo`}",
	  "x", F, "the command printed a fail" },
	{ "{`type`: `exec`, `value`: `test \\`$MORPH_PROMPT|$MORPH_CASE|"
	  "$MORPH_MODEL|$MORPH_VARS\\` = 'prompts/a.txt|paris|echo:x|"
	  "{\\`name\\`:\\`Ada\\`,\\`n\\`:3}'`}", "x", P,
	  "the command exited 0" },
	/* exec: checks that could not be made fail both forms */
	{ "{`type`: `exec`, `value`: `sleep 5`, `timeout`: 200}", "x", F,
	  "the command timed out after 200 ms" },
	{ "{`type`: `not-exec`, `value`: `sleep 5`, `timeout`: 200}", "x", F,
	  "the command timed out after 200 ms" },
	{ "{`type`: `not-exec`, `value`: `no-such-command-morph`}", "x", F,
	  "~the command could not run (exit status 127): " },
	{ "{`type`: `exec`, `value`: `kill -9 $$`}", "x", F,
	  "the command was killed by signal 9" },
	{ "{`type`: `not-exec`, `value`: `echo '{\\`pass\\`: 1}'`}", "x", F,
	  "the command printed JSON whose \"pass\" is not true or false" },
	{ "{`type`: `exec`, `value`: `echo '{\\`pass\\`: true, \\`score\\`: "
	  "2}'`}", "x", F, "the command printed JSON whose \"score\" is not "
	  "a number from 0 to 1" },
	/* llm-rubric, through the judge */
	{ "{`type`: `llm-rubric`, `value`: `Is polite`, `test_answer`: "
	  "`{\\`pass\\`: true, \\`score\\`: 0.9, \\`reason\\`: \\`polite\\`}`}",
	  "x", 1, 0.9, "polite" },
	{ "{`type`: `not-llm-rubric`, `value`: `Is rude`, `test_answer`: "
	  "`{\\`pass\\`: true, \\`score\\`: 0.9, \\`reason\\`: \\`rude\\`}`}",
	  "x", 0, 0.1, "rude" },
	{ "{`type`: `llm-rubric`, `value`: `Is polite`, `threshold`: 0.95, "
	  "`test_answer`: `Sure! {\\`pass\\`: true, \\`score\\`: 0.9}`}", "x",
	  0, 0.9, "score 0.9 is below the threshold 0.95: the judge passed it "
	  "and gave no reason" },
	{ "{`type`: `not-llm-rubric`, `value`: `Is rude`, `test_answer`: "
	  "`I cannot grade this.`}", "x", F, "the judge's answer was "
	  "unreadable: no JSON object with \"pass\" or \"score\" in \"I "
	  "cannot grade this.\"" },
	{ "{`type`: `not-llm-rubric`, `value`: `Is rude`, `test_error`: "
	  "`connection refused`}", "x", F,
	  "the judge's call failed: connection refused" },
};

static void
test_types(void)
{
	struct morph_assert_ctx c;
	const cJSON *p, *s, *r, *t;
	size_t i;
	cJSON *spec, *v;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		test_current = cases[i].spec;
		if ((spec = parse(cases[i].spec)) == NULL)
			continue;
		ctx_init(&c, cases[i].output);
		v = NULL;
		T_OK(morph_assert_check(spec));
		T_OK(morph_assert_eval(&v, spec, &c));
		p = cJSON_GetObjectItem(v, "pass");
		s = cJSON_GetObjectItem(v, "score");
		r = cJSON_GetObjectItem(v, "reason");
		t = cJSON_GetObjectItem(v, "type");
		T_INTEQ(cJSON_IsTrue(p), cases[i].pass);
		if (!cJSON_IsNumber(s) || fabs(s->valuedouble -
		    cases[i].score) > 1e-9)
			T_FAIL("score %g, expected %g", cJSON_IsNumber(s) ?
			    s->valuedouble : -1, cases[i].score);
		T_STREQ(cJSON_IsString(t) ? t->valuestring : NULL,
		    cJSON_GetObjectItem(spec, "type")->valuestring);
		T_INTEQ(cJSON_GetObjectItem(v, "weight")->valuedouble, 1);
		if (cases[i].reason[0] == '~')
			T_CONTAINS(cJSON_IsString(r) ? r->valuestring : NULL,
			    cases[i].reason + 1);
		else
			T_STREQ(cJSON_IsString(r) ? r->valuestring : NULL,
			    cases[i].reason);
		cJSON_Delete(v);
		cJSON_Delete(spec);
	}
}

/* Malformed specs, each with its exact message. */
static const struct {
	const char	*spec;
	const char	*msg;
} bad[] = {
	{ "[]", "an assertion is an object with a \"type\"" },
	{ "{`value`: `x`}", "assertion has no \"type\"" },
	{ "{`type`: 3}", "assertion has no \"type\"" },
	{ "{`type`: `contain`, `value`: `x`}",
	  "unknown assertion type \"contain\"" },
	{ "{`type`: `not-bogus`}", "unknown assertion type \"not-bogus\"" },
	{ "{`type`: `similar`, `value`: `x`}",
	  "unknown assertion type \"similar\"" },
	{ "{`type`: `contains`}", "contains needs a \"value\"" },
	{ "{`type`: `not-regex`}", "not-regex needs a \"value\"" },
	{ "{`type`: `json-schema`}", "json-schema needs a \"value\"" },
	{ "{`type`: `json-schema`, `value`: null}",
	  "json-schema needs a \"value\"" },
	{ "{`type`: `exec`}", "exec needs a \"value\"" },
	{ "{`type`: `contains`, `value`: 3}",
	  "contains: \"value\" must be a string" },
	{ "{`type`: `equals`, `value`: [`x`]}",
	  "equals: \"value\" must be a string" },
	{ "{`type`: `contains-any`, `value`: `x`}",
	  "contains-any: \"value\" must be a non-empty array of strings" },
	{ "{`type`: `icontains-all`, `value`: []}",
	  "icontains-all: \"value\" must be a non-empty array of strings" },
	{ "{`type`: `contains-all`, `value`: [`a`, 1]}",
	  "contains-all: \"value\" must be an array of strings" },
	{ "{`type`: `cost`, `value`: 1, `threshold`: 1}",
	  "cost takes a \"threshold\", not a \"value\"" },
	{ "{`type`: `cost`}", "cost needs a \"threshold\"" },
	{ "{`type`: `not-latency`}", "not-latency needs a \"threshold\"" },
	{ "{`type`: `regex`, `value`: `(`}", "regex: invalid regex \"(\" at "
	  "offset 1: missing closing parenthesis" },
	{ "{`type`: `not-regex`, `value`: `[a`}", "not-regex: invalid regex "
	  "\"[a\" at offset 2: missing terminating ] for character class" },
	{ "{`type`: `json-schema`, `value`: {`type`: `text`}}", "json-schema: "
	  "schema in \"value\": 'type' must be one of null, boolean, object, "
	  "array, number, string and integer, or an array of them" },
	{ "{`type`: `json-schema`, `value`: {`properties`: {`a`: "
	  "{`minLength`: -1}}}}", "json-schema: schema in \"value\": "
	  "'minLength' must be a non-negative integer at /properties/a" },
	{ "{`type`: `json-schema`, `value`: {`pattern`: `(`}}", "json-schema: "
	  "schema in \"value\": 'pattern': '(' is not a valid regex (missing "
	  "closing parenthesis at offset 1)" },
	{ "{`type`: `is-json`, `value`: {`if`: {}}}",
	  "is-json: schema in \"value\": unsupported keyword 'if'" },
	{ "{`type`: `contains-json`, `value`: {`properties`: {`a`: "
	  "{`format`: `email`}}}}", "contains-json: schema in \"value\": "
	  "unsupported keyword 'format' (formats are not checked; use "
	  "'pattern') at /properties/a" },
	{ "{`type`: `is-json`, `value`: `{}`}", "is-json: schema in \"value\": "
	  "expected a schema (an object or a boolean)" },
	{ "{`type`: `levenshtein`, `value`: `x`, `threshold`: -1}",
	  "levenshtein: \"threshold\" must be a whole number of edits from "
	  "0 to 1000000000" },
	{ "{`type`: `levenshtein`, `value`: `x`, `threshold`: 2.5}",
	  "levenshtein: \"threshold\" must be a whole number of edits from "
	  "0 to 1000000000" },
	{ "{`type`: `not-levenshtein`, `value`: `x`, `threshold`: 1e10}",
	  "not-levenshtein: \"threshold\" must be a whole number of edits "
	  "from 0 to 1000000000" },
	{ "{`type`: `levenshtein`, `value`: `x`, `threshold`: 1e999}",
	  "levenshtein: \"threshold\" must be a whole number of edits from "
	  "0 to 1000000000" },
	{ "{`type`: `contains`, `value`: `x`, `threshold`: `1`}",
	  "contains: \"threshold\" must be a finite number, 0 or more" },
	{ "{`type`: `not-cost`, `threshold`: -0.5}",
	  "not-cost: \"threshold\" must be a finite number, 0 or more" },
	{ "{`type`: `cost`, `threshold`: 1e999}",
	  "cost: \"threshold\" must be a finite number, 0 or more" },
	{ "{`type`: `latency`, `threshold`: -1e999}",
	  "latency: \"threshold\" must be a finite number, 0 or more" },
	{ "{`type`: `latency`, `threshold`: 1e999}",
	  "latency: \"threshold\" must be a finite number, 0 or more" },
	{ "{`type`: `rouge-n`, `value`: `a b`, `threshold`: 1e999}",
	  "rouge-n: \"threshold\" must be a number from 0 to 1" },
	{ "{`type`: `rouge-n`, `value`: `a b`, `threshold`: 1.5}",
	  "rouge-n: \"threshold\" must be a number from 0 to 1" },
	{ "{`type`: `llm-rubric`, `value`: `x`, `threshold`: -0.1}",
	  "llm-rubric: \"threshold\" must be a number from 0 to 1" },
	{ "{`type`: `exec`, `value`: `true`, `threshold`: 2}",
	  "exec: \"threshold\" must be a number from 0 to 1" },
	{ "{`type`: `contains`, `value`: `x`, `weight`: -1}",
	  "contains: \"weight\" must be a number from 0 to 1000000" },
	{ "{`type`: `contains`, `value`: `x`, `weight`: true}",
	  "contains: \"weight\" must be a number from 0 to 1000000" },
	{ "{`type`: `contains`, `value`: `x`, `weight`: 1e999}",
	  "contains: \"weight\" must be a number from 0 to 1000000" },
	{ "{`type`: `contains`, `value`: `x`, `weight`: 1000001}",
	  "contains: \"weight\" must be a number from 0 to 1000000" },
	{ "{`type`: `exec`, `value`: `true`, `timeout`: 1e999}", "exec: "
	  "\"timeout\" must be a whole number of milliseconds from 1 to "
	  "3600000" },
	{ "{`type`: `exec`, `value`: `true`, `timeout`: 1.5}", "exec: "
	  "\"timeout\" must be a whole number of milliseconds from 1 to "
	  "3600000" },
	{ "{`type`: `rouge-n`, `value`: `a b`, `n`: 1e999}",
	  "rouge-n: \"n\" must be an integer from 1 to 9" },
	{ "{`type`: `rouge-n`, `value`: `a b`, `n`: 0}",
	  "rouge-n: \"n\" must be an integer from 1 to 9" },
	{ "{`type`: `rouge-n`, `value`: `a b`, `n`: 2.5}",
	  "rouge-n: \"n\" must be an integer from 1 to 9" },
	{ "{`type`: `rouge-n`, `value`: `!!!`}",
	  "rouge-n: \"value\" has 0 words, too few for 1-grams" },
	{ "{`type`: `not-rouge-n`, `value`: `one`, `n`: 2}",
	  "not-rouge-n: \"value\" has 1 word, too few for 2-grams" },
	{ "{`type`: `rouge-n`, `value`: ``}",
	  "rouge-n: \"value\" must be a non-empty string" },
	{ "{`type`: `exec`, `value`: ``}",
	  "exec: \"value\" must be a non-empty string" },
	{ "{`type`: `exec`, `value`: `true`, `timeout`: 0}", "exec: "
	  "\"timeout\" must be a whole number of milliseconds from 1 to "
	  "3600000" },
	{ "{`type`: `exec`, `value`: `true`, `timeout`: `5s`}", "exec: "
	  "\"timeout\" must be a whole number of milliseconds from 1 to "
	  "3600000" },
	{ "{`type`: `llm-rubric`, `value`: ``}",
	  "llm-rubric: \"value\" must be a non-empty string" },
	{ "{`type`: `llm-rubric`, `value`: `x`, `provider`: `gpt4`}",
	  "llm-rubric: \"provider\" must be a model spec, as in "
	  "\"openai:gpt-4o-mini\"" },
};

static void
test_malformed(void)
{
	const struct morph_error *err;
	struct morph_assert_ctx c;
	size_t i;
	cJSON *spec, *v;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		test_current = bad[i].spec;
		if ((spec = parse(bad[i].spec)) == NULL)
			continue;
		err = morph_assert_check(spec);
		if (err == NULL)
			T_FAIL("accepted");
		else {
			T_INTEQ(err->code, MORPH_ERR_SUITE);
			T_STREQ(err->msg, bad[i].msg);
		}
		/* eval refuses it the same way. */
		ctx_init(&c, "x");
		v = NULL;
		err = morph_assert_eval(&v, spec, &c);
		T_ASSERT(err != NULL && v == NULL);
		if (err != NULL)
			T_STREQ(err->msg, bad[i].msg);
		cJSON_Delete(spec);
	}
}

/* exec without permission, llm-rubric without a judge: errors. */
static void
test_refused(void)
{
	const struct morph_error *err;
	struct morph_assert_ctx c;
	cJSON *spec, *v = NULL;
	int pass, asserted;

	test_current = "test_refused";
	spec = parse("{`type`: `not-exec`, `value`: `touch should-not-be`}");
	ctx_init(&c, "x");
	c.allow_exec = 0;
	c.dir = test_tmpdir();
	T_OK(morph_assert_check(spec));
	err = morph_assert_eval(&v, spec, &c);
	T_ASSERT(err != NULL && v == NULL);
	if (err != NULL) {
		T_INTEQ(err->code, MORPH_ERR_UNSUPPORTED);
		T_STREQ(err->msg, "not-exec: not allowed: commands run only "
		    "with --allow-exec, or with exec.allow set to true in "
		    ".morph/config");
	}
	cJSON_Delete(spec);

	spec = parse("[{`type`: `contains`, `value`: `x`}, {`type`: `exec`, "
	    "`value`: `true`}]");
	T_ERR(morph_assert_all(&v, &pass, &asserted, spec, &c),
	    MORPH_ERR_UNSUPPORTED);
	T_ASSERT(v == NULL);
	cJSON_Delete(spec);

	spec = parse("{`type`: `llm-rubric`, `value`: `Is polite`}");
	ctx_init(&c, "x");
	c.judge = NULL;
	err = morph_assert_eval(&v, spec, &c);
	T_ASSERT(err != NULL && v == NULL);
	if (err != NULL) {
		T_INTEQ(err->code, MORPH_ERR_INVALID);
		T_STREQ(err->msg, "llm-rubric: no answer from the judge to "
		    "read (morph run asks the judge)");
	}
	/* A judge that was not asked about this spec: the same. */
	ctx_init(&c, "x");
	judge_calls = 0;
	T_ERR(morph_assert_eval(&v, spec, &c), MORPH_ERR_INVALID);
	T_INTEQ(judge_calls, 1);
	cJSON_Delete(spec);
}

static void
test_needs_exec(void)
{
	static const struct {
		const char	*specs;
		int		 needs;
	} nc[] = {
		{ "[]", 0 },
		{ "[{`type`: `contains`, `value`: `exec`}]", 0 },
		{ "[{`type`: `contains`, `value`: `x`}, {`type`: `exec`, "
		  "`value`: `true`}]", 1 },
		{ "[{`type`: `not-exec`, `value`: `true`}]", 1 },
		{ "[{`type`: `exec-ish`}, {`value`: `exec`}, 3]", 0 },
	};
	size_t i;
	cJSON *s;

	T_INTEQ(morph_assert_needs_exec(NULL), 0);
	for (i = 0; i < sizeof(nc) / sizeof(nc[0]); i++) {
		test_current = nc[i].specs;
		if ((s = parse(nc[i].specs)) == NULL)
			continue;
		T_INTEQ(morph_assert_needs_exec(s), nc[i].needs);
		cJSON_Delete(s);
	}
	s = parse("{`type`: `not-llm-rubric`, `value`: `x`}");
	T_INTEQ(morph_assert_is(s, "llm-rubric"), 1);
	T_INTEQ(morph_assert_is(s, "rubric"), 0);
	cJSON_Delete(s);
}

/* Weights are reported; morph_assert_all passes only when all pass. */
static void
test_weights_all(void)
{
	struct morph_assert_ctx c;
	cJSON *specs, *v = NULL;
	int pass, asserted;

	test_current = "test_weights_all";
	specs = parse("[{`type`: `icontains`, `value`: `PARIS`, `weight`: "
	    "2.5}, {`type`: `not-contains`, `value`: `Rome`, `weight`: 0}, "
	    "{`type`: `rouge-n`, `value`: `paris france`, `weight`: 3}]");
	ctx_init(&c, "Paris, France");
	T_OK(morph_assert_all(&v, &pass, &asserted, specs, &c));
	T_INTEQ(pass, 1);
	T_INTEQ(asserted, 1);
	T_INTEQ(cJSON_GetArraySize(v), 3);
	T_ASSERT(cJSON_GetObjectItem(cJSON_GetArrayItem(v, 0),
	    "weight")->valuedouble == 2.5);
	T_ASSERT(cJSON_GetObjectItem(cJSON_GetArrayItem(v, 1),
	    "weight")->valuedouble == 0);
	T_ASSERT(cJSON_GetObjectItem(cJSON_GetArrayItem(v, 2),
	    "weight")->valuedouble == 3);
	cJSON_Delete(v);

	ctx_init(&c, "Rome");
	T_OK(morph_assert_all(&v, &pass, &asserted, specs, &c));
	T_INTEQ(pass, 0);
	T_INTEQ(asserted, 1);
	T_INTEQ(cJSON_IsFalse(cJSON_GetObjectItem(cJSON_GetArrayItem(v, 1),
	    "pass")), 1);
	cJSON_Delete(v);
	cJSON_Delete(specs);

	T_OK(morph_assert_all(&v, &pass, &asserted, NULL, &c));
	T_INTEQ(pass, 1);
	T_INTEQ(asserted, 0);
	T_INTEQ(cJSON_GetArraySize(v), 0);
	cJSON_Delete(v);

	/* Unknown cost and latency fail in both forms. */
	specs = parse("[{`type`: `not-cost`, `threshold`: 1}, {`type`: "
	    "`latency`, `threshold`: 1e9}]");
	ctx_init(&c, "x");
	c.cost_nusd = -1;
	c.latency_ms = -1;
	T_OK(morph_assert_all(&v, &pass, &asserted, specs, &c));
	T_INTEQ(pass, 0);
	T_STREQ(cJSON_GetObjectItem(cJSON_GetArrayItem(v, 0),
	    "reason")->valuestring, "cost unknown (unpriced); threshold $1");
	T_STREQ(cJSON_GetObjectItem(cJSON_GetArrayItem(v, 1),
	    "reason")->valuestring, "latency unknown; threshold 1e+09 ms");
	T_INTEQ(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetArrayItem(v, 1),
	    "pass")), 0);
	cJSON_Delete(v);
	cJSON_Delete(specs);
}

/* Reasons stay valid UTF-8 however values and outputs are cut. */
static void
test_reasons_utf8(void)
{
	struct morph_assert_ctx c;
	char value[3000], out[400];
	cJSON *spec, *v = NULL, *answer;
	const char *r;
	char *text;
	size_t i;

	test_current = "test_reasons_utf8";
	for (i = 0; i + 2 < sizeof(value); i += 2)
		memcpy(value + i, "\xc3\xa9", 2);
	value[i] = '\0';
	for (i = 0; i + 3 < sizeof(out); i += 3)
		memcpy(out + i, "\xe2\x82\xac", 3);
	out[i] = '\0';
	spec = cJSON_CreateObject();
	cJSON_AddStringToObject(spec, "type", "contains-all");
	cJSON_AddItemToObject(spec, "value", cJSON_CreateStringArray(
	    (const char *const[]){ value }, 1));
	ctx_init(&c, out);
	T_OK(morph_assert_eval(&v, spec, &c));
	r = cJSON_GetObjectItem(v, "reason")->valuestring;
	T_INTEQ(morph_utf8_check(r, strlen(r)), 0);
	cJSON_Delete(v);
	cJSON_Delete(spec);

	/* A judge's reason longer than a verdict keeps: cut at a character. */
	spec = cJSON_CreateObject();
	cJSON_AddStringToObject(spec, "type", "llm-rubric");
	cJSON_AddStringToObject(spec, "value", "x");
	answer = cJSON_CreateObject();
	cJSON_AddTrueToObject(answer, "pass");
	cJSON_AddStringToObject(answer, "reason", value + 1);
	text = cJSON_PrintUnformatted(answer);
	cJSON_AddStringToObject(spec, "test_answer", text);
	ctx_init(&c, "x");
	T_OK(morph_assert_eval(&v, spec, &c));
	r = cJSON_GetObjectItem(v, "reason")->valuestring;
	T_INTEQ(morph_utf8_check(r, strlen(r)), 0);
	T_ASSERT(strlen(r) > 600 && r[0] == '?');
	cJSON_Delete(v);
	cJSON_Delete(spec);
	cJSON_Delete(answer);
	free(text);

	/* An output with invalid bytes. */
	spec = parse("{`type`: `equals`, `value`: `x`}");
	ctx_init(&c, "\xff\xfe\xc3");
	T_OK(morph_assert_eval(&v, spec, &c));
	T_STREQ(cJSON_GetObjectItem(v, "reason")->valuestring,
	    "output \"???\" differs from the value");
	cJSON_Delete(v);
	cJSON_Delete(spec);
}

/* A levenshtein too big for the full table takes the band. */
static void
test_levenshtein_band(void)
{
	struct morph_assert_ctx c;
	char *a, *b;
	cJSON *spec, *v = NULL;
	clock_t t0 = clock();
	size_t i, n = 20000;

	test_current = "test_levenshtein_band";
	a = malloc(n + 1);
	b = malloc(n + 1);
	for (i = 0; i < n; i++)
		a[i] = b[i] = (char)('a' + i % 7);
	a[n] = b[n] = '\0';
	b[100] = 'z';
	b[9000] = 'z';
	spec = cJSON_CreateObject();
	cJSON_AddStringToObject(spec, "type", "levenshtein");
	cJSON_AddStringToObject(spec, "value", b);
	cJSON_AddNumberToObject(spec, "threshold", 3);
	ctx_init(&c, a);
	T_OK(morph_assert_eval(&v, spec, &c));
	T_STREQ(cJSON_GetObjectItem(v, "reason")->valuestring,
	    "edit distance 2 <= 3");
	cJSON_Delete(v);
	cJSON_ReplaceItemInObject(spec, "threshold", cJSON_CreateNumber(1));
	T_OK(morph_assert_eval(&v, spec, &c));
	T_STREQ(cJSON_GetObjectItem(v, "reason")->valuestring,
	    "edit distance > 1");
	cJSON_Delete(v);
	/* Lengths that differ by more than the threshold. */
	a[n - 10] = '\0';
	c.len = n - 10;
	T_OK(morph_assert_eval(&v, spec, &c));
	T_STREQ(cJSON_GetObjectItem(v, "reason")->valuestring,
	    "edit distance > 1");
	cJSON_Delete(v);
	T_ASSERT((double)(clock() - t0) / CLOCKS_PER_SEC < 5);
	cJSON_Delete(spec);
	free(a);
	free(b);
}

static const struct test tests[] = {
	TEST(test_types),
	TEST(test_malformed),
	TEST(test_refused),
	TEST(test_needs_exec),
	TEST(test_weights_all),
	TEST(test_reasons_utf8),
	TEST(test_levenshtein_band),
};

TEST_MAIN(tests)
