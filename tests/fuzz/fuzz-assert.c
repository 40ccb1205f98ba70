/*
 * Fuzz target for assertions: checking specs, judging outputs, and
 * reading a judge's answer.  The first byte chooses the spec: 0xff means
 * the spec is the JSON up to the first NUL byte and the output what
 * follows; any other byte picks one of the specs below (modulo their
 * number) and the rest is the output.  An llm-rubric judge answers with
 * the output itself.  exec is never allowed: no command runs.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "assert_int.h"
#include "rubric_int.h"

static const char *const specs[] = {
	"{\"type\": \"equals\", \"value\": \"Paris\"}",
	"{\"type\": \"not-contains\", \"value\": \"As an AI\"}",
	"{\"type\": \"icontains\", \"value\": \"\xc3\x89T\xc3\x89\"}",
	"{\"type\": \"contains-any\", \"value\": [\"a\", \"\xe2\x82\xac\"]}",
	"{\"type\": \"icontains-all\", \"value\": [\"\xd0\x9c\", \"x\"]}",
	"{\"type\": \"starts-with\", \"value\": \"{\"}",
	"{\"type\": \"regex\", \"value\": \"^\\\\p{Lu}\\\\w+\\\\d{2,}$\"}",
	"{\"type\": \"not-regex\", \"value\": \"(a|b)*c\"}",
	"{\"type\": \"is-json\"}",
	"{\"type\": \"is-json\", \"value\": {\"type\": \"object\", "
	"\"required\": [\"a\"], \"properties\": {\"a\": {\"type\": "
	"[\"string\", \"null\"], \"maxLength\": 3}}, \"additionalProperties\": "
	"false}}",
	"{\"type\": \"contains-json\"}",
	"{\"type\": \"contains-json\", \"value\": {\"type\": \"array\", "
	"\"prefixItems\": [{\"type\": \"integer\"}], \"items\": {\"enum\": "
	"[1, \"x\", null]}, \"uniqueItems\": true}}",
	"{\"type\": \"json-schema\", \"value\": {\"$defs\": {\"n\": "
	"{\"anyOf\": [{\"type\": \"number\", \"multipleOf\": 0.5}, {\"type\": "
	"\"array\", \"items\": {\"$ref\": \"#/$defs/n\"}}]}}, \"$ref\": "
	"\"#/$defs/n\"}}",
	"{\"type\": \"json-schema\", \"value\": {\"patternProperties\": "
	"{\"^[a-z]+$\": {\"oneOf\": [{\"minimum\": 0}, {\"pattern\": "
	"\"^x\"}]}}, \"not\": {\"required\": [\"z\"]}}}",
	"{\"type\": \"levenshtein\", \"value\": \"kitten\", \"threshold\": 3}",
	"{\"type\": \"levenshtein\", \"value\": \"caf\xc3\xa9 au lait\"}",
	"{\"type\": \"rouge-n\", \"value\": \"the cat sat on the mat\"}",
	"{\"type\": \"not-rouge-n\", \"value\": \"\xe6\x9d\xb1\xe4\xba\xac "
	"tower of tokyo\", \"n\": 2, \"threshold\": 0.3}",
	"{\"type\": \"cost\", \"threshold\": 0.001}",
	"{\"type\": \"not-latency\", \"threshold\": 100}",
	"{\"type\": \"llm-rubric\", \"value\": \"Is polite to {{name}}\"}",
	"{\"type\": \"not-llm-rubric\", \"value\": \"Rude\", \"threshold\": "
	"0.5}",
	"{\"type\": \"exec\", \"value\": \"cat\"}",
};

static const struct morph_error *
judge(void *arg, const cJSON *spec, const char **answer, size_t *len)
{
	const struct morph_assert_ctx *c = arg;

	(void)spec;
	*answer = c->output;
	*len = c->len;
	return NULL;
}

static void
run(const cJSON *spec, const char *output, size_t len)
{
	struct morph_assert_ctx c;
	cJSON *v = NULL, *vars, *msgs = NULL, *all;
	int pass, asserted;

	if (morph_assert_check(spec) != NULL)
		return;
	vars = cJSON_Parse("{\"name\": \"Ada\", \"n\": [1, 2]}");
	memset(&c, 0, sizeof(c));
	c.output = output;
	c.len = len;
	c.cost_nusd = len % 3 == 0 ? -1 : (int64_t)len * 1000;
	c.latency_ms = len % 5 == 0 ? -1 : (int64_t)len;
	c.vars = vars;
	c.judge = judge;
	c.judge_arg = &c;
	(void)morph_assert_eval(&v, spec, &c);
	cJSON_Delete(v);
	if (morph_assert_is(spec, "llm-rubric")) {
		(void)morph_rubric_call(&msgs, spec, output, vars);
		cJSON_Delete(msgs);
	}
	if ((all = cJSON_CreateArray()) != NULL &&
	    cJSON_AddItemReferenceToArray(all, (cJSON *)spec)) {
		v = NULL;
		(void)morph_assert_all(&v, &pass, &asserted, all, &c);
		(void)morph_assert_needs_exec(all);
		cJSON_Delete(v);
	}
	cJSON_Delete(all);
	cJSON_Delete(vars);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *rest = (const char *)data + 1, *nul;
	char *output;
	cJSON *spec;
	size_t n;

	if (size == 0)
		return 0;
	n = size - 1;
	if (data[0] == 0xff) {
		if ((nul = memchr(rest, '\0', n)) == NULL)
			nul = rest + n;
		spec = cJSON_ParseWithLength(rest, (size_t)(nul - rest));
		n -= (size_t)(nul - rest) + (nul < rest + n);
		rest = nul + (nul < (const char *)data + size);
	} else
		spec = cJSON_Parse(specs[data[0] % (sizeof(specs) /
		    sizeof(specs[0]))]);
	/* Outputs are NUL-terminated, as the run engine gives them. */
	if (spec != NULL && (output = malloc(n + 1)) != NULL) {
		memcpy(output, rest, n);
		output[n] = '\0';
		run(spec, output, n);
		free(output);
	}
	cJSON_Delete(spec);
	return 0;
}
