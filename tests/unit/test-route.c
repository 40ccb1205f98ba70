/*
 * Unit tests for lib/route.c and its writers: the names routers know
 * prompts by, YAML scalars, prices as decimals, and each format's exact
 * output for a small plan made by hand, with the routers' limits.
 * tests/cli/t-route.sh feeds real runs to the routers' own checks.
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "morph/route.h"
#include "route_int.h"
#include "test.h"

static char *
dup(const char *s)
{
	char *d = strdup(s);

	if (d == NULL)
		abort();
	return d;
}

static struct morph_route_model
mk(const char *provider, const char *model, double in, double out,
    int64_t k, int64_t n, enum morph_route_verdict v, const char *reason)
{
	struct morph_route_model m;
	size_t len;

	memset(&m, 0, sizeof(m));
	len = strlen(provider) + strlen(model) + 2;
	if ((m.id = malloc(len)) == NULL)
		abort();
	snprintf(m.id, len, "%s:%s", provider, model);
	m.provider = dup(provider);
	m.model = dup(model);
	m.key_env = strcmp(provider, "ollama") == 0 ? NULL :
	    dup(strcmp(provider, "anthropic") == 0 ? "ANTHROPIC_API_KEY" :
	    "OPENAI_API_KEY");
	m.priced = in >= 0;
	m.in_mtok = in;
	m.out_mtok = out;
	m.cache_read_mtok = -1;
	m.cache_write_mtok = -1;
	m.cost_nusd = in < 0 ? -1 : (int64_t)(in * 1000);
	m.n = n;
	m.k = k;
	m.rate = n > 0 ? (double)k / (double)n : -1;
	m.lo = m.hi = -1;
	m.verdict = v;
	m.reason = dup(reason);
	return m;
}

/* A plan of n prompts with the given paths, no models yet. */
static struct morph_route_plan *
plan_new(const char *const *paths, size_t n)
{
	struct morph_route_plan *p = calloc(1, sizeof(*p));
	size_t i;

	if (p == NULL || (p->runs = calloc(2, sizeof(char *))) == NULL ||
	    (p->prompts = calloc(n + 1, sizeof(*p->prompts))) == NULL)
		abort();
	memset(&p->commit, 0xab, sizeof(p->commit));
	p->runs[0] = dup("0123456789abcdef0123456789abcdef");
	p->runs[1] = dup("#7");
	p->nruns = 2;
	p->rule.floor = 0.8;
	p->rule.margin = 0.05;
	p->rule.alpha = -1;
	p->source = dup("by hand");
	for (i = 0; i < n; i++)
		p->prompts[i].path = dup(paths[i]);
	p->nprompts = n;
	return p;
}

static void
add(struct morph_route_prompt *p, struct morph_route_model m, int left_out)
{
	struct morph_route_model **v = left_out ? &p->left_out :
	    &p->candidates;
	size_t *n = left_out ? &p->nleft_out : &p->ncandidates;

	if ((*v = realloc(*v, (*n + 1) * sizeof(**v))) == NULL)
		abort();
	(*v)[(*n)++] = m;
}

/* Two cases; the candidates' scores. */
static void
cases(struct morph_route_prompt *p, const char *t1, const char *t2)
{
	size_t i;

	if ((p->cases = calloc(2, sizeof(*p->cases))) == NULL)
		abort();
	p->cases[0].id = dup("c1");
	p->cases[0].text = dup(t1);
	p->cases[1].id = dup("c2");
	p->cases[1].text = dup(t2);
	p->ncases = 2;
	for (i = 0; i < p->ncandidates; i++) {
		if ((p->candidates[i].scores = malloc(2 *
		    sizeof(double))) == NULL)
			abort();
		p->candidates[i].scores[0] = 1;
		p->candidates[i].scores[1] = i == 0 ? 0.5 : -1;
	}
}

/* The plan of the exact-output tests. */
static struct morph_route_plan *
small_plan(void)
{
	static const char *const paths[] = {
		"prompts/summary.txt", "prompts/tricky.txt",
	};
	struct morph_route_plan *plan = plan_new(paths, 2);

	add(&plan->prompts[0], mk("openai", "gpt-4o-mini", 0.15, 0.6, 9, 10,
	    MORPH_ROUTE_RECOMMEND, "cheapest"), 0);
	plan->prompts[0].candidates[0].cache_read_mtok = 0.075;
	add(&plan->prompts[0], mk("anthropic", "claude-haiku-4-5", 1, 5, 10,
	    10, MORPH_ROUTE_QUALIFIES, "fallback"), 0);
	add(&plan->prompts[0], mk("ollama", "llama3.2:3b", 0, 0, 2, 10,
	    MORPH_ROUTE_EXCLUDED, "pass rate 20% is below the floor 80%"),
	    1);
	cases(&plan->prompts[0], "Sum up: cats", "   ");
	add(&plan->prompts[1], mk("openai", "gpt-4o", 2.5, 10, 1, 10,
	    MORPH_ROUTE_EXCLUDED, "below the floor"), 1);
	return plan;
}

static const char header[] =
    "# commit abababababababababababababababab\n"
    "# runs 0123456789abcdef0123456789abcdef, #7\n"
    "# rule: floor 0.8, margin 0.05, alpha -, baseline -\n"
    "# source: by hand\n"
    "# names (prompt):\n"
    "#   prompts-summary (prompts/summary.txt)\n"
    "#   prompts-tricky (prompts/tricky.txt)\n";

static char *
write_plan(const struct morph_route_plan *plan, enum morph_route_format f,
    int canary, const char *user)
{
	struct morph_route_write_opts o = MORPH_ROUTE_WRITE_OPTS_INIT;
	struct morph_buf b = MORPH_BUF_INIT;

	o.canary_pct = canary;
	o.user_id = user;
	T_OK(morph_route_write(&b, plan, f, &o));
	return morph_buf_detach(&b, NULL);
}

static void
expect_text(const char *got, const char *format, const char *body)
{
	struct morph_buf want = MORPH_BUF_INIT;

	morph_buf_printf(&want, "# morph route export --format %s\n%s%s",
	    format, header, body);
	T_STREQ(got, morph_buf_cstr(&want));
	morph_buf_release(&want);
}

static void
test_otari(void)
{
	struct morph_route_plan *plan = small_plan();
	char *s = write_plan(plan, MORPH_ROUTE_OTARI, 0, NULL);

	expect_text(s, "otari",
	    "routing:\n"
	    "  enabled: true\n"
	    "  policies:\n"
	    "    prompts-summary:\n"
	    "      spec_version: 1\n"
	    "      select:\n"
	    "        - default: openai:gpt-4o-mini\n"
	    "      on_failure:\n"
	    "        - anthropic:claude-haiku-4-5\n"
	    "    # prompts/tricky.txt: no model qualifies, no policy\n"
	    "pricing:\n"
	    "  openai:gpt-4o-mini:\n"
	    "    input_price_per_million: 0.15\n"
	    "    output_price_per_million: 0.6\n"
	    "    cache_read_price_per_million: 0.075\n"
	    "  anthropic:claude-haiku-4-5:\n"
	    "    input_price_per_million: 1.0\n"
	    "    output_price_per_million: 5.0\n");
	free(s);
	/* A canary: a weighted split before the default. */
	s = write_plan(plan, MORPH_ROUTE_OTARI, 10, NULL);
	T_CONTAINS(s,
	    "      select:\n"
	    "        # canary: 10% to the recommended model, 90% to "
	    "anthropic:claude-haiku-4-5\n"
	    "        - router: weighted\n"
	    "          candidates:\n"
	    "            - openai:gpt-4o-mini\n"
	    "            - anthropic:claude-haiku-4-5\n"
	    "          weights:\n"
	    "            openai:gpt-4o-mini: 10\n"
	    "            anthropic:claude-haiku-4-5: 90\n"
	    "        - default: openai:gpt-4o-mini\n"
	    "    # prompts/tricky.txt");
	T_ASSERT(strstr(s, "on_failure") == NULL);
	free(s);
	morph_route_plan_free(plan);
}

static void
test_otari_limit(void)
{
	static const char *const paths[] = { "p.txt" };
	struct morph_route_plan *plan = plan_new(paths, 1);
	char name[16], *s;
	int i;

	for (i = 0; i < 7; i++) {
		snprintf(name, sizeof(name), "m%d", i);
		add(&plan->prompts[0], mk("openai", name, i + 1, i + 1, 10, 10,
		    i == 0 ? MORPH_ROUTE_RECOMMEND : MORPH_ROUTE_QUALIFIES,
		    "ok"), 0);
	}
	s = write_plan(plan, MORPH_ROUTE_OTARI, 0, NULL);
	T_CONTAINS(s, "        - default: openai:m0\n"
	    "      on_failure:\n"
	    "        - openai:m1\n        - openai:m2\n"
	    "        - openai:m3\n        - openai:m4\n"
	    "      # left out, over Otari's limit of 5 candidates: openai:m5\n"
	    "      # left out, over Otari's limit of 5 candidates: openai:m6\n"
	    "pricing:\n");
	T_ASSERT(strstr(s, "  openai:m4:\n") != NULL);
	T_ASSERT(strstr(s, "  openai:m5:\n") == NULL);
	free(s);
	/* With a canary toward the prompt's baseline m3: a pool of 2, 3 on
	   failure. */
	plan->rule.baseline = dup("openai:m3");
	plan->prompts[0].baseline = dup("openai:m3");
	s = write_plan(plan, MORPH_ROUTE_OTARI, 25, NULL);
	T_CONTAINS(s, "            openai:m0: 25\n"
	    "            openai:m3: 75\n"
	    "        - default: openai:m0\n"
	    "      on_failure:\n"
	    "        - openai:m1\n        - openai:m2\n"
	    "        - openai:m4\n"
	    "      # left out, over Otari's limit of 5 candidates: "
	    "openai:m5\n");
	T_ASSERT(strstr(s, "  openai:m3:\n") != NULL);
	T_ASSERT(strstr(s, "  openai:m5:\n") == NULL);
	free(s);
	morph_route_plan_free(plan);
}

static void
test_litellm(void)
{
	struct morph_route_plan *plan = small_plan();
	char *s = write_plan(plan, MORPH_ROUTE_LITELLM, 0, NULL);

	expect_text(s, "litellm",
	    "model_list:\n"
	    "  - model_name: prompts-summary\n"
	    "    litellm_params:\n"
	    "      model: openai/gpt-4o-mini\n"
	    "      api_key: os.environ/OPENAI_API_KEY\n"
	    "      input_cost_per_token: 0.00000015\n"
	    "      output_cost_per_token: 0.0000006\n"
	    "      cache_read_input_token_cost: 0.000000075\n"
	    "  - model_name: prompts-summary\n"
	    "    litellm_params:\n"
	    "      model: anthropic/claude-haiku-4-5\n"
	    "      api_key: os.environ/ANTHROPIC_API_KEY\n"
	    "      input_cost_per_token: 0.000001\n"
	    "      output_cost_per_token: 0.000005\n"
	    "  - model_name: prompts-summary@2\n"
	    "    litellm_params:\n"
	    "      model: anthropic/claude-haiku-4-5\n"
	    "      api_key: os.environ/ANTHROPIC_API_KEY\n"
	    "      input_cost_per_token: 0.000001\n"
	    "      output_cost_per_token: 0.000005\n"
	    "router_settings:\n"
	    "  routing_strategy: cost-based-routing\n"
	    "  fallbacks:\n"
	    "    - prompts-summary:\n"
	    "        - prompts-summary@2\n");
	free(s);
	morph_route_plan_free(plan);
}

static void
test_openrouter(void)
{
	struct morph_route_plan *plan = small_plan();
	char *s;
	cJSON *doc;

	/* A local model is no OpenRouter model: it is left out. */
	add(&plan->prompts[0], mk("ollama", "qwen3", 0, 0, 10, 10,
	    MORPH_ROUTE_QUALIFIES, "ok"), 0);
	s = write_plan(plan, MORPH_ROUTE_OPENROUTER, 0, NULL);
	T_STREQ(s,
	    "{\n"
	    "  \"morph\": {\n"
	    "    \"format\": \"openrouter\",\n"
	    "    \"commit\": \"abababababababababababababababab\",\n"
	    "    \"runs\": [\"0123456789abcdef0123456789abcdef\", \"#7\"],\n"
	    "    \"rule\": {\"floor\": 0.8, \"margin\": 0.05, \"alpha\": null, "
	    "\"baseline\": null},\n"
	    "    \"source\": \"by hand\",\n"
	    "    \"left_out\": {\n"
	    "      \"prompts/summary.txt\": [\n"
	    "        {\"model\": \"ollama:qwen3\", \"reason\": \"a local "
	    "model, which OpenRouter cannot serve\"},\n"
	    "        {\"model\": \"ollama:llama3.2:3b\", \"reason\": \"pass "
	    "rate 20% is below the floor 80%\"}\n"
	    "      ],\n"
	    "      \"prompts/tricky.txt\": [\n"
	    "        {\"model\": \"openai:gpt-4o\", \"reason\": \"below the "
	    "floor\"}\n"
	    "      ]\n"
	    "    }\n"
	    "  },\n"
	    "  \"prompts\": {\n"
	    "    \"prompts/summary.txt\": {\n"
	    "      \"models\": [\"openai/gpt-4o-mini\", "
	    "\"anthropic/claude-haiku-4-5\"],\n"
	    "      \"provider\": {\"sort\": \"price\", \"max_price\": "
	    "{\"prompt\": 1, \"completion\": 5}}\n"
	    "    }\n"
	    "  }\n"
	    "}\n");
	doc = cJSON_Parse(s);
	T_ASSERT(doc != NULL);
	cJSON_Delete(doc);
	free(s);
	morph_route_plan_free(plan);
}

static void
test_otari_rank(void)
{
	static const char *const paths[] = { "p.txt" };
	struct morph_route_plan *plan = small_plan(), *big;
	struct morph_route_write_opts o = MORPH_ROUTE_WRITE_OPTS_INIT;
	struct morph_route_prompt *p;
	struct morph_buf b = MORPH_BUF_INIT;
	char *s, *line, id[16];
	int i, lines, n;

	/* The blank case is left out: Otari refuses a blank prompt. */
	s = write_plan(plan, MORPH_ROUTE_OTARI_RANK, 0, "u\"1");
	T_STREQ(s, "{\"user_id\":\"u\\\"1\",\"examples\":[{\"prompt\":"
	    "\"Sum up: cats\",\"scores\":{\"openai:gpt-4o-mini\":1,"
	    "\"anthropic:claude-haiku-4-5\":1},\"task_id\":"
	    "\"prompts/summary.txt\",\"label_source\":\"judge\"}]}\n");
	free(s);
	T_ERR(morph_route_write(&b, plan, MORPH_ROUTE_OTARI_RANK, &o),
	    MORPH_ERR_INVALID);
	morph_buf_release(&b);
	/* A model without per-case scores is left out of the examples. */
	free(plan->prompts[0].candidates[1].scores);
	plan->prompts[0].candidates[1].scores = NULL;
	s = write_plan(plan, MORPH_ROUTE_OTARI_RANK, 0, "u");
	T_CONTAINS(s, "\"scores\":{\"openai:gpt-4o-mini\":1},");
	free(s);
	morph_route_plan_free(plan);

	/* 250 cases: bodies of 100, 100 and 50 examples. */
	big = plan_new(paths, 1);
	p = &big->prompts[0];
	add(p, mk("openai", "a", 1, 1, 1, 1, MORPH_ROUTE_RECOMMEND, "ok"), 0);
	if ((p->cases = calloc(250, sizeof(*p->cases))) == NULL ||
	    (p->candidates[0].scores = calloc(250, sizeof(double))) == NULL)
		abort();
	for (i = 0; i < 250; i++) {
		snprintf(id, sizeof(id), "c%d", i);
		p->cases[i].id = dup(id);
		p->cases[i].text = dup(id);
		p->candidates[0].scores[i] = i % 2;
	}
	p->ncases = 250;
	s = write_plan(big, MORPH_ROUTE_OTARI_RANK, 0, "u1");
	lines = 0;
	for (line = s; line != NULL && *line != '\0'; lines++) {
		cJSON *doc = cJSON_Parse(line), *ex;

		ex = cJSON_GetObjectItem(doc, "examples");
		n = cJSON_GetArraySize(ex);
		T_INTEQ(n, lines < 2 ? 100 : 50);
		cJSON_Delete(doc);
		line = strchr(line, '\n');
		if (line != NULL)
			line++;
	}
	T_INTEQ(lines, 3);
	free(s);
	morph_route_plan_free(big);
}

static void
test_errors(void)
{
	static const char *const paths[] = { "p.txt" };
	struct morph_route_plan *plan = small_plan(), *none;
	struct morph_route_write_opts o = MORPH_ROUTE_WRITE_OPTS_INIT;
	struct morph_buf b = MORPH_BUF_INIT;

	o.canary_pct = 100;
	T_ERR(morph_route_write(&b, plan, MORPH_ROUTE_OTARI, &o),
	    MORPH_ERR_INVALID);
	none = plan_new(paths, 1);
	o.canary_pct = 0;
	T_ERR(morph_route_write(&b, none, MORPH_ROUTE_LITELLM, &o),
	    MORPH_ERR_INVALID);
	T_INTEQ(b.len, 0);
	T_INTEQ(morph_route_format_from_name("otari-rank"),
	    MORPH_ROUTE_OTARI_RANK);
	T_INTEQ(morph_route_format_from_name("Otari"), -1);
	T_STREQ(morph_route_format_name(MORPH_ROUTE_LITELLM), "litellm");
	morph_buf_release(&b);
	morph_route_plan_free(plan);
	morph_route_plan_free(none);
}

static void
test_names(void)
{
	static const char *const paths[] = {
		"prompts-a.txt", "prompts/a.md", "prompts/a.txt",
		"we ird:x/.hidden", "x/y.z/w", ".txt",
	};
	struct morph_route_plan *plan = plan_new(paths, 6);
	char **names;

	T_OK(morph_route_names(&names, plan));
	T_STREQ(names[0], "prompts-a");
	T_STREQ(names[1], "prompts-a-2");
	T_STREQ(names[2], "prompts-a-3");
	T_STREQ(names[3], "we_ird_x-.hidden");
	T_STREQ(names[4], "x-y.z-w");
	T_STREQ(names[5], ".txt");
	morph_route_names_free(names, plan->nprompts);
	morph_route_plan_free(plan);
}

static char *
yaml(const char *s)
{
	struct morph_buf b = MORPH_BUF_INIT;

	morph_route_yaml_scalar(&b, s);
	return morph_buf_detach(&b, NULL);
}

static void
test_yaml_scalar(void)
{
	static const struct {
		const char	*in;
		const char	*out;
	} cases[] = {
		{ "openai:gpt-4o-mini", "openai:gpt-4o-mini" },
		{ "ollama:llama3.2:3b", "ollama:llama3.2:3b" },
		{ "openrouter:meta-llama/llama-3.3-70b",
		  "openrouter:meta-llama/llama-3.3-70b" },
		{ "prompts-a@2", "prompts-a@2" },
		{ "yes", "\"yes\"" },
		{ "Off", "\"Off\"" },
		{ "null", "\"null\"" },
		{ "1.5", "\"1.5\"" },
		{ "1:20", "\"1:20\"" },
		{ "2026-12-05", "\"2026-12-05\"" },
		{ "-x", "\"-x\"" },
		{ "@x", "\"@x\"" },
		{ "a: b", "\"a: b\"" },
		{ "a:", "\"a:\"" },
		{ "x #y", "\"x #y\"" },
		{ "say \"hi\"\\", "\"say \\\"hi\\\"\\\\\"" },
		{ "two\nlines\t", "\"two\\x0alines\\x09\"" },
		{ "caf\xc3\xa9", "\"caf\xc3\xa9\"" },
		{ "bad\xff", "\"bad\\xff\"" },
		{ "", "\"\"" },
	};
	size_t i;
	char *s;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		s = yaml(cases[i].in);
		T_STREQ(s, cases[i].out);
		free(s);
	}
}

static char *
price(double v, int per_token)
{
	struct morph_buf b = MORPH_BUF_INIT;

	morph_buf_puts(&b, "x=");
	morph_route_put_price(&b, v, per_token);
	return morph_buf_detach(&b, NULL);
}

static void
test_price(void)
{
	static const struct {
		double		 mtok;
		const char	*per_million;
		const char	*per_token;
	} cases[] = {
		{ 0.15, "x=0.15", "x=0.00000015" },
		{ 0.075, "x=0.075", "x=0.000000075" },
		{ 3, "x=3.0", "x=0.000003" },
		{ 15, "x=15.0", "x=0.000015" },
		{ 0, "x=0.0", "x=0.0" },
		{ 0.6, "x=0.6", "x=0.0000006" },
		{ 2500000, "x=2500000.0", "x=2.5" },
		{ 1234567.5, "x=1234567.5", "x=1.2345675" },
	};
	size_t i;
	char *s;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		s = price(cases[i].mtok, 0);
		T_STREQ(s, cases[i].per_million);
		free(s);
		s = price(cases[i].mtok, 1);
		T_STREQ(s, cases[i].per_token);
		free(s);
	}
}

static const struct test tests[] = {
	TEST(test_names),
	TEST(test_yaml_scalar),
	TEST(test_price),
	TEST(test_otari),
	TEST(test_otari_limit),
	TEST(test_litellm),
	TEST(test_openrouter),
	TEST(test_otari_rank),
	TEST(test_errors),
};

TEST_MAIN(tests)
