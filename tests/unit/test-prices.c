/*
 * Prices: the built-in genai-prices table and the models it prices, its
 * matching rules, prices that change on a date or by time of day, tiers
 * by prompt size, cache reads and writes at their own rates, litellm's
 * format through prices.file, the checks a table must pass, a table
 * that is written only when a run records it (and fsck, which misses it
 * otherwise), a database of schema 2 brought to 3, and costs written as
 * text and JSON.
 *
 * JSON in the tables is written with ' for " (q() swaps them back).
 */
#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>

#include "test.h"
#include "json_int.h"
#include "prices_int.h"
#include "provider_int.h"
#include "repo_int.h"
#include "runs_int.h"
#include "morph/jsonw.h"
#include "morph/morph.h"
#include "morph/run.h"
#include "morph/prices.h"

/* s with every ' made ", in a static buffer. */
static const char *
q(const char *s)
{
	static char buf[3][8192];
	static int slot;
	char *b = buf[slot++ % 3];
	size_t i;

	for (i = 0; s[i] != '\0' && i < sizeof(buf[0]) - 1; i++)
		b[i] = s[i] == '\'' ? '"' : s[i];
	b[i] = '\0';
	return b;
}

/* Milliseconds since the epoch of "YYYY-MM-DD[THH:MM:SSZ]". */
static int64_t
at(const char *s)
{
	int64_t ms = 0;

	if (morph_prices_parse_time(&ms, s) != 0)
		T_FAIL("cannot parse '%s'", s);
	return ms;
}

static struct morph_repo *
fresh_repo(void)
{
	setenv("HOME", test_tmpdir(), 1);
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("OPENAI_BASE_URL");
	return test_repo();
}

/* Finds spec's row: 0 and *pr, or -1. */
static int
find(struct morph_price *pr, struct morph_prices *prices,
    struct morph_repo *repo, const char *spec)
{
	struct morph_provider p;
	char *prov, *model;
	int rc = -1;

	T_OK(morph_model_parse(&prov, &model, spec));
	if (prov == NULL)
		return -1;
	T_OK(morph_provider_lookup(&p, repo, prov));
	if (p.id != NULL)
		rc = morph_prices_find(pr, prices, &p, model);
	morph_provider_release(&p);
	free(prov);
	free(model);
	return rc;
}

static void
test_builtin(void)
{
	struct morph_repo *repo = fresh_repo();
	struct morph_prices prices;
	struct morph_oid id;
	int64_t np, nm;
	char why[640];

	T_OK(morph_prices_load(&prices, repo));
	T_INTEQ(prices.kind, MORPH_PRICES_BUILTIN);
	T_INTEQ(prices.format, MORPH_PRICES_GENAI);
	T_STREQ(prices.source, "built-in");
	/* Parsed at its first use only. */
	T_ASSERT(prices.table == NULL);
	T_OK(morph_prices_parse(&prices));
	T_ASSERT(prices.table != NULL);
	T_INTEQ(prices.nproviders, 34);
	T_INTEQ(prices.nmodels, 1442);
	/* The shipped table passes the checks an update must pass. */
	T_INTEQ(morph_prices_check(prices.table, &np, &nm, why, sizeof(why)),
	    0);
	T_INTEQ(nm, 1442);
	morph_hash_object(&id, "blob", prices.data, prices.len);
	T_ASSERT(morph_oid_cmp(&id, &prices.blob) == 0);
	morph_prices_release(&prices);
	morph_repo_close(repo);
}

/* Models that litellm's 14-row table left unpriced, and their rates. */
static void
test_todays_models(void)
{
	static const struct {
		const char	*spec;
		const char	*provider, *row;
		double		 in, out;	/* USD per million */
	} cases[] = {
		{ "openai:gpt-4.1", "openai", "gpt-4.1", 2, 8 },
		{ "openai:gpt-4.1-2025-04-14", "openai", "gpt-4.1", 2, 8 },
		{ "openai:o3", "openai", "o3", 2, 8 },
		{ "openai:gpt-5", "openai", "gpt-5", 1.25, 10 },
		{ "anthropic:claude-opus-4-1", "anthropic", "claude-opus-4-1",
		  15, 75 },
		{ "anthropic:claude-opus-4-1-20250805", "anthropic",
		  "claude-opus-4-1", 15, 75 },
		{ "gemini:gemini-2.5-pro", "google", "gemini-2.5-pro", 1.25,
		  10 },
		{ "openai:gpt-4o-mini", "openai", "gpt-4o-mini", 0.15, 0.6 },
		{ "xai:grok-4.3", "x-ai", "grok-4.3", 1.25, 2.5 },
		{ "openrouter:anthropic/claude-sonnet-4.5", "openrouter",
		  "anthropic/claude-sonnet-4.5", 3, 15 },
		/* A gateway's models name their provider. */
		{ "otari:openai:gpt-4.1", "openai", "gpt-4.1", 2, 8 },
	};
	struct morph_repo *repo = fresh_repo();
	struct morph_prices prices;
	struct morph_price pr;
	struct morph_rates r;
	int64_t when = at("2026-08-01");
	size_t i;

	T_OK(morph_prices_load(&prices, repo));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		test_current = cases[i].spec;
		if (find(&pr, &prices, repo, cases[i].spec) != 0) {
			T_FAIL("%s is unpriced", cases[i].spec);
			continue;
		}
		T_STREQ(pr.provider, cases[i].provider);
		T_STREQ(pr.id, cases[i].row);
		morph_price_rates(&r, &pr, when, 1000);
		T_ASSERT(fabs(r.in - cases[i].in * 1e3) < 1e-6);
		T_ASSERT(fabs(r.out - cases[i].out * 1e3) < 1e-6);
		/* 1,000 tokens in and 500 out. */
		T_INTEQ(morph_price_cost(&pr, 1000, 500, 0, 0, when),
		    llround(1000 * cases[i].in * 1e3 +
		    500 * cases[i].out * 1e3));
	}
	test_current = "test_todays_models";
	T_INTEQ(find(&pr, &prices, repo, "openai:no-such-model"), -1);
	T_INTEQ(find(&pr, &prices, repo, "deepinfra:gpt-4.1"), -1);
	morph_prices_release(&prices);
	morph_repo_close(repo);
}

/* Prices in force on a date: o3 fell from 10/40 to 2/8 on 2025-06-10. */
static void
test_start_date(void)
{
	struct morph_repo *repo = fresh_repo();
	struct morph_prices prices;
	struct morph_price_view v;
	struct morph_price pr;

	T_OK(morph_prices_load(&prices, repo));
	T_INTEQ(find(&pr, &prices, repo, "openai:o3"), 0);
	T_INTEQ(morph_price_cost(&pr, 1000000, 0, 0, 0,
	    at("2025-06-09T23:59:59Z")), 10000000000LL);
	T_INTEQ(morph_price_cost(&pr, 1000000, 0, 0, 0, at("2025-06-10")),
	    2000000000LL);
	T_INTEQ(morph_price_cost(&pr, 0, 1000, 0, 0, at("2025-01-01")),
	    40000000);
	T_INTEQ(morph_price_cost(&pr, 0, 1000, 0, 0, at("2026-01-01")),
	    8000000);

	T_OK(morph_prices_view(&v, &prices, repo, "openai:o3",
	    at("2025-05-01")));
	T_ASSERT(v.priced && !v.free);
	T_ASSERT(v.start_date == NULL);
	T_STREQ(v.next_date, "2025-06-10");
	T_ASSERT(v.base.in == 10 && v.base.out == 40);
	T_ASSERT(v.base.cache_read == 0.5 && v.base.cache_write == -1);
	morph_price_view_release(&v);
	T_OK(morph_prices_view(&v, &prices, repo, "openai:o3",
	    at("2025-07-01")));
	T_STREQ(v.start_date, "2025-06-10");
	T_ASSERT(v.next_date == NULL);
	T_ASSERT(v.base.in == 2 && v.base.out == 8);
	morph_price_view_release(&v);
	morph_prices_release(&prices);
	morph_repo_close(repo);
}

/* DeepSeek's prices by time of day (UTC). */
static void
test_time_of_day(void)
{
	struct morph_repo *repo = fresh_repo();
	struct morph_prices prices;
	struct morph_price pr;

	T_OK(morph_prices_load(&prices, repo));
	T_INTEQ(find(&pr, &prices, repo, "deepseek:deepseek-chat"), 0);
	/* 00:30 to 16:30 UTC at the standard rate, else the discount. */
	T_INTEQ(morph_price_cost(&pr, 1000000, 0, 0, 0,
	    at("2026-01-05T01:00:00Z")), 270000000);
	T_INTEQ(morph_price_cost(&pr, 1000000, 0, 0, 0,
	    at("2026-01-05T16:30:00Z")), 135000000);
	T_INTEQ(morph_price_cost(&pr, 1000000, 0, 0, 0,
	    at("2026-01-05T00:29:59Z")), 135000000);
	morph_prices_release(&prices);
	morph_repo_close(repo);
}

/* Tiers by prompt size: past the start, every token pays the tier. */
static void
test_tiers(void)
{
	struct morph_repo *repo = fresh_repo();
	struct morph_prices prices;
	struct morph_price_view v;
	struct morph_price pr;
	int64_t when = at("2026-08-01");

	T_OK(morph_prices_load(&prices, repo));
	T_INTEQ(find(&pr, &prices, repo, "gemini:gemini-2.5-pro"), 0);
	/* 1.25 in, 10 out up to 200k tokens in; 2.5 and 15 above. */
	T_INTEQ(morph_price_cost(&pr, 200000, 1000, 0, 0, when),
	    200000 * 1250 + 1000 * 10000);
	T_INTEQ(morph_price_cost(&pr, 200001, 1000, 0, 0, when),
	    200001LL * 2500 + 1000 * 15000);
	/* Cache reads follow the tier too: 0.125, then 0.25. */
	T_INTEQ(morph_price_cost(&pr, 300000, 0, 100000, 0, when),
	    200000LL * 2500 + 100000 * 250);
	T_OK(morph_prices_view(&v, &prices, repo, "gemini:gemini-2.5-pro",
	    when));
	T_INTEQ(v.ntiers, 1);
	if (v.ntiers == 1) {
		T_INTEQ(v.tiers[0].above, 200000);
		T_ASSERT(v.tiers[0].rates.in == 2.5);
		T_ASSERT(v.tiers[0].rates.out == 15);
		T_ASSERT(v.tiers[0].rates.cache_read == 0.25);
	}
	T_ASSERT(v.base.in == 1.25);
	morph_price_view_release(&v);
	morph_prices_release(&prices);
	morph_repo_close(repo);
}

/* Cache reads and writes at their own rates. */
static void
test_cache_rates(void)
{
	struct morph_repo *repo = fresh_repo();
	struct morph_prices prices;
	struct morph_price pr;
	int64_t when = at("2026-08-01");

	T_OK(morph_prices_load(&prices, repo));
	/* Claude Opus 4.1: in 15, cache write 18.75, cache read 1.5. */
	T_INTEQ(find(&pr, &prices, repo, "anthropic:claude-opus-4-1"), 0);
	/* 10,000 in: 2,000 read and 3,000 written; 100 out (75). */
	T_INTEQ(morph_price_cost(&pr, 10000, 100, 2000, 3000, when),
	    5000LL * 15000 + 2000 * 1500 + 3000 * 18750 + 100 * 75000);
	/* Unknown cache counts: the whole prompt at the input rate. */
	T_INTEQ(morph_price_cost(&pr, 10000, 100, -1, -1, when),
	    10000LL * 15000 + 100 * 75000);
	/* Counts that do not add up are not trusted. */
	T_INTEQ(morph_price_cost(&pr, 1000, 0, 2000, 0, when), 1000 * 15000);
	T_INTEQ(morph_price_cost(&pr, 1000, 0, 500, 600, when),
	    500 * 15000 + 500 * 1500);
	/* gpt-4.1 has no cache-write rate: written tokens pay the input. */
	T_INTEQ(find(&pr, &prices, repo, "openai:gpt-4.1"), 0);
	T_INTEQ(morph_price_cost(&pr, 1000, 0, 200, 300, when),
	    800 * 2000 + 200 * 500);
	/* Unknown tokens are unpriced, never free. */
	T_INTEQ(morph_price_cost(&pr, -1, 10, 0, 0, when), -1);
	T_INTEQ(morph_price_cost(&pr, 10, -1, 0, 0, when), -1);
	morph_prices_release(&prices);
	morph_repo_close(repo);
}

/* Local providers are free whatever the tokens. */
static void
test_local(void)
{
	struct morph_repo *repo = fresh_repo();
	struct morph_prices prices;
	struct morph_price_view v;
	struct morph_price pr;

	T_OK(morph_prices_load(&prices, repo));
	T_INTEQ(find(&pr, &prices, repo, "ollama:llama3.2"), 0);
	T_ASSERT(pr.free);
	T_INTEQ(morph_price_cost(&pr, -1, -1, -1, -1, 0), 0);
	T_INTEQ(find(&pr, &prices, repo, "llamacpp:gpt-4.1"), 0);
	T_INTEQ(morph_price_cost(&pr, 100, 100, 0, 0, 0), 0);
	T_OK(morph_prices_view(&v, &prices, repo, "vllm:x", 0));
	T_ASSERT(v.priced && v.free);
	morph_price_view_release(&v);
	T_OK(morph_prices_view(&v, &prices, repo, "openai:nothing", 0));
	T_ASSERT(!v.priced);
	morph_price_view_release(&v);
	T_ERR(morph_prices_view(&v, &prices, repo, "nosuch:x", 0),
	    MORPH_ERR_NOT_FOUND);
	T_ERR(morph_prices_view(&v, &prices, repo, "gpt-4.1", 0),
	    MORPH_ERR_INVALID);
	morph_prices_release(&prices);
	morph_repo_close(repo);
}

/* A table of our own through prices.file, for every matching rule. */
static const char rules_table[] =
	"[{'id': 'acme', 'name': 'Acme', 'api_pattern': "
	"  'https://api\\\\.acme\\\\.test', 'provider_match': {'or': "
	"  [{'contains': 'acme'}, {'equals': 'wile'}]}, "
	"  'model_match': {'starts_with': 'rocket-'}, "
	"  'fallback_model_providers': ['base'], 'models': ["
	"  {'id': 'eq', 'match': {'equals': 'Rocket-One'}, "
	"   'prices': {'input_mtok': 1, 'output_mtok': 2}},"
	"  {'id': 'sw', 'match': {'starts_with': 'rocket-2'}, "
	"   'prices': {'input_mtok': 3, 'output_mtok': 4}},"
	"  {'id': 'ew', 'match': {'ends_with': '-LITE'}, "
	"   'prices': {'input_mtok': 5, 'output_mtok': 6}},"
	"  {'id': 'and', 'match': {'and': [{'contains': 'big'}, "
	"   {'regex': '^rocket-\\\\d+-big$'}]}, "
	"   'prices': {'input_mtok': 7, 'output_mtok': 8, "
	"   'requests_kcount': 1}},"
	"  {'id': 'zero', 'match': {'equals': 'rocket-free'}, "
	"   'prices': {'input_mtok': 0, 'output_mtok': 0}},"
	"  {'id': 'noout', 'match': {'equals': 'rocket-embed'}, "
	"   'prices': {'input_mtok': 0.5}}]},"
	" {'id': 'base', 'name': 'Base', 'api_pattern': 'https://base', "
	"  'models': [{'id': 'fb', 'match': {'contains': 'fallback'}, "
	"   'prices': {'input_mtok': 9, 'output_mtok': 10}}]}]";

static void
test_rules(void)
{
	static const struct {
		const char	*spec;
		const char	*row;		/* NULL: unpriced */
	} cases[] = {
		{ "acme:rocket-one", "eq" },		/* equals, any case */
		{ "acme:ROCKET-ONE", "eq" },
		{ "acme:rocket-one-x", NULL },
		{ "acme:rocket-2025", "sw" },		/* starts_with */
		{ "acme:rocket-9-lite", "ew" },		/* ends_with */
		{ "acme:rocket-42-big", "and" },	/* and, regex */
		{ "acme:rocket-x-big", NULL },
		{ "acme:try-fallback", "fb" },		/* fallback provider */
		{ "wile:rocket-one", "eq" },		/* provider_match */
		{ "acmeco:rocket-2", "sw" },
		/* Configured providers: by base URL, else by model. */
		{ "mine:rocket-one", "eq" },
		{ "other:rocket-2b", "sw" },
		{ "other:plain", NULL },
	};
	struct morph_repo *repo = fresh_repo();
	const char *dir = test_tmpdir();
	struct morph_prices prices;
	struct morph_price pr;
	char path[4096];
	size_t i;
	int rc;

	test_write_file(dir, "rules.json", q(rules_table));
	snprintf(path, sizeof(path), "%s/rules.json", dir);
	T_OK(morph_config_set(repo, MORPH_CONFIG_LOCAL, "prices.file", path,
	    0));
	T_OK(morph_config_set(repo, MORPH_CONFIG_LOCAL, "providers.mine",
	    q("{'dialect': 'openai', 'base_url': 'https://api.acme.test/v1'}"),
	    1));
	T_OK(morph_config_set(repo, MORPH_CONFIG_LOCAL, "providers.other",
	    q("{'dialect': 'openai', 'base_url': 'https://other.test/v1'}"),
	    1));
	T_OK(morph_config_set(repo, MORPH_CONFIG_LOCAL, "providers.acmeco",
	    q("{'dialect': 'openai', 'base_url': 'https://x.test/v1'}"), 1));
	T_OK(morph_config_set(repo, MORPH_CONFIG_LOCAL, "providers.wile",
	    q("{'dialect': 'openai', 'base_url': 'https://y.test/v1'}"), 1));
	T_OK(morph_config_set(repo, MORPH_CONFIG_LOCAL, "providers.acme",
	    q("{'dialect': 'openai', 'base_url': 'https://z.test/v1'}"), 1));
	T_OK(morph_prices_load(&prices, repo));
	T_INTEQ(prices.kind, MORPH_PRICES_FILE);
	T_INTEQ(prices.format, MORPH_PRICES_GENAI);
	T_INTEQ(prices.nproviders, 2);
	T_INTEQ(prices.nmodels, 7);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		test_current = cases[i].spec;
		rc = find(&pr, &prices, repo, cases[i].spec);
		if (cases[i].row == NULL)
			T_INTEQ(rc, -1);
		else if (rc != 0)
			T_FAIL("%s: no row, expected %s", cases[i].spec,
			    cases[i].row);
		else
			T_STREQ(pr.id, cases[i].row);
	}
	test_current = "test_rules";
	/* A price a request: 1 USD a thousand requests. */
	T_INTEQ(find(&pr, &prices, repo, "acme:rocket-7-big"), 0);
	T_INTEQ(morph_price_cost(&pr, 1000, 1000, 0, 0, 0),
	    1000 * 7000 + 1000 * 8000 + 1000000);
	/* A row whose prices are all zero is free whatever the tokens. */
	T_INTEQ(find(&pr, &prices, repo, "acme:rocket-free"), 0);
	T_INTEQ(morph_price_cost(&pr, -1, -1, -1, -1, 0), 0);
	/* A row without an output price cannot price output. */
	T_INTEQ(find(&pr, &prices, repo, "acme:rocket-embed"), 0);
	T_INTEQ(morph_price_cost(&pr, 1000, 0, 0, 0, 0), 500000);
	T_INTEQ(morph_price_cost(&pr, 1000, 5, 0, 0, 0), -1);
	morph_prices_release(&prices);
	morph_repo_close(repo);
}

/* litellm's format still works through prices.file. */
static void
test_litellm(void)
{
	static const char table[] =
	    "{'sample_spec': {'input_cost_per_token': 0},"
	    " 'gpt-4o': {'input_cost_per_token': 2.5e-06,"
	    "  'output_cost_per_token': 1e-05,"
	    "  'cache_read_input_token_cost': 1.25e-06},"
	    " 'gemini/gemini-2.5-flash': {'input_cost_per_token': 3e-07,"
	    "  'output_cost_per_token': 2.5e-06},"
	    " 'claude-sonnet-4-5': {'input_cost_per_token': 3e-06,"
	    "  'output_cost_per_token': 1.5e-05,"
	    "  'cache_read_input_token_cost': 3e-07,"
	    "  'cache_creation_input_token_cost': 3.75e-06,"
	    "  'input_cost_per_token_above_200k_tokens': 6e-06,"
	    "  'output_cost_per_token_above_200k_tokens': 2.25e-05}}";
	struct morph_repo *repo = fresh_repo();
	const char *dir = test_tmpdir();
	struct morph_prices prices;
	struct morph_price_view v;
	struct morph_price pr;
	char path[4096];

	test_write_file(dir, "litellm.json", q(table));
	snprintf(path, sizeof(path), "%s/litellm.json", dir);
	T_OK(morph_config_set(repo, MORPH_CONFIG_LOCAL, "prices.file", path,
	    0));
	T_OK(morph_prices_load(&prices, repo));
	T_INTEQ(prices.format, MORPH_PRICES_LITELLM);
	T_INTEQ(prices.nmodels, 3);
	T_STREQ(prices.source, path);
	T_INTEQ(find(&pr, &prices, repo, "openai:gpt-4o"), 0);
	T_ASSERT(pr.litellm);
	T_STREQ(pr.id, "gpt-4o");
	/* 1,000 in of which 400 cached, 100 out. */
	T_INTEQ(morph_price_cost(&pr, 1000, 100, 400, 0, 0),
	    600 * 2500 + 400 * 1250 + 100 * 10000);
	/* The provider's prefix first. */
	T_INTEQ(find(&pr, &prices, repo, "gemini:gemini-2.5-flash"), 0);
	T_STREQ(pr.id, "gemini/gemini-2.5-flash");
	T_INTEQ(find(&pr, &prices, repo, "openai:o3"), -1);
	/* Cache writes and the rates above 200k tokens. */
	T_INTEQ(find(&pr, &prices, repo, "anthropic:claude-sonnet-4-5"), 0);
	T_INTEQ(morph_price_cost(&pr, 1000, 10, 100, 200, 0),
	    700 * 3000 + 100 * 300 + 200 * 3750 + 10 * 15000);
	T_INTEQ(morph_price_cost(&pr, 300000, 10, 0, 0, 0),
	    300000LL * 6000 + 10 * 22500);
	T_OK(morph_prices_view(&v, &prices, repo,
	    "anthropic:claude-sonnet-4-5", 0));
	T_ASSERT(v.provider == NULL);
	T_STREQ(v.row, "claude-sonnet-4-5");
	T_ASSERT(v.base.in == 3 && v.base.cache_write == 3.75);
	T_INTEQ(v.ntiers, 1);
	if (v.ntiers == 1) {
		T_INTEQ(v.tiers[0].above, 200000);
		T_ASSERT(v.tiers[0].rates.in == 6);
	}
	morph_price_view_release(&v);
	morph_prices_release(&prices);
	morph_repo_close(repo);
}

/* What the checks refuse, and where they say it is. */
static void
test_check(void)
{
	static const struct {
		const char	*json;
		const char	*why;
	} cases[] = {
		{ "{'gpt-4o': {}}", "litellm" },
		{ "[]", "no providers" },
		{ "[{'models': []}]", "providers[0]: id" },
		{ "[{'id': 'a'}]", "providers[0] (a): models" },
		{ "[{'id': 'a', 'models': [{'id': 'm', 'match': {'like': 'x'},"
		  " 'prices': {}}]}]",
		  "providers[0] (a).models[0] (m).match: unknown match rule" },
		{ "[{'id': 'a', 'models': [{'id': 'm', 'match': {'or': [{"
		  "'equals': 'x'}, {'regex': '('}]}, 'prices': {}}]}]",
		  ".match.or[1]: regex \"(\" does not compile" },
		{ "[{'id': 'a', 'models': [{'id': 'm', 'match': {'equals': "
		  "'x', 'contains': 'y'}, 'prices': {}}]}]", "one member" },
		{ "[{'id': 'a', 'models': [{'id': 'm', 'match': {'equals': "
		  "'x'}, 'prices': {'input_mtok': -1}}]}]",
		  ".prices.input_mtok: expected a price" },
		{ "[{'id': 'a', 'models': [{'id': 'm', 'match': {'equals': "
		  "'x'}, 'prices': {'input_mtok': {'base': 1, 'tiers': [{"
		  "'start': 1.5, 'price': 2}]}}}]}]", "tiers[0].start" },
		{ "[{'id': 'a', 'models': [{'id': 'm', 'match': {'equals': "
		  "'x'}, 'prices': [{'prices': {}}, {'constraint': {"
		  "'start_date': '2025-13-01'}, 'prices': {}}]}]}]",
		  ".prices[1].constraint: start_date" },
		{ "[{'id': 'a', 'models': [{'id': 'm', 'match': {'equals': "
		  "'x'}, 'prices': [{'prices': {}, 'constraint': {"
		  "'start_time': '25:00:00Z', 'end_time': '01:00:00Z'}}]}]}]",
		  "start_time" },
		{ "[{'id': 'a', 'models': [{'id': 'm', 'match': {'equals': "
		  "'x'}, 'prices': 3}]}]", ".prices: expected" },
		{ "[{'id': 'a', 'api_pattern': '[', 'models': []}]",
		  "api_pattern: regex" },
	};
	int64_t np, nm;
	char why[640];
	cJSON *t;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		test_current = cases[i].json;
		T_OK(morph_json_parse(&t, q(cases[i].json),
		    strlen(cases[i].json), "table"));
		why[0] = '\0';
		T_INTEQ(morph_prices_check(t, &np, &nm, why, sizeof(why)), -1);
		T_CONTAINS(why, q(cases[i].why));
		cJSON_Delete(t);
	}
}

/* A broken prices.file is an error naming it. */
static void
test_bad_file(void)
{
	struct morph_repo *repo = fresh_repo();
	const char *dir = test_tmpdir();
	const struct morph_error *err;
	struct morph_prices prices;
	char path[4096];

	snprintf(path, sizeof(path), "%s/bad.json", dir);
	test_write_file(dir, "bad.json", q("[{'id': 'a', 'models': [{'id': "
	    "'m', 'match': {'regex': '['}, 'prices': {}}]}]"));
	T_OK(morph_config_set(repo, MORPH_CONFIG_LOCAL, "prices.file", path,
	    0));
	err = morph_prices_load(&prices, repo);
	T_ERR(err, MORPH_ERR_INVALID);
	if (err != NULL) {
		T_CONTAINS(err->msg, path);
		T_CONTAINS(err->msg, "providers[0] (a).models[0] (m).match");
	}
	test_write_file(dir, "bad.json", "\"a string\"");
	T_ERR(morph_prices_load(&prices, repo), MORPH_ERR_INVALID);
	snprintf(path, sizeof(path), "%s/none.json", dir);
	T_OK(morph_config_set(repo, MORPH_CONFIG_LOCAL, "prices.file", path,
	    0));
	err = morph_prices_load(&prices, repo);
	T_ASSERT(err != NULL);
	if (err != NULL)
		T_CONTAINS(err->msg, "prices.file");
	morph_repo_close(repo);
}

/*
 * Loading writes nothing (a read transaction would roll it back); the
 * table is stored when a run records it.
 */
static void
test_store(void)
{
	struct morph_repo *repo = fresh_repo();
	enum morph_object_type type;
	struct morph_prices prices;

	T_OK(morph_repo_read_begin(repo));
	T_OK(morph_prices_load(&prices, repo));
	morph_repo_read_end(repo);
	T_ERR(morph_object_info(&type, NULL, repo, &prices.blob),
	    MORPH_ERR_NOT_FOUND);
	T_OK(morph_repo_begin(repo));
	T_OK(morph_prices_store(&prices, repo));
	T_OK(morph_repo_commit(repo));
	T_OK(morph_object_info(&type, NULL, repo, &prices.blob));
	T_INTEQ(type, MORPH_OBJ_BLOB);
	/* Once stored, storing again writes nothing. */
	T_OK(morph_prices_store(&prices, repo));
	morph_prices_release(&prices);
	morph_repo_close(repo);
}

static const struct morph_error *
old_result(const struct morph_result *r, void *arg)
{
	int *n = arg;

	(*n)++;
	T_INTEQ(r->tokens_in, 10);
	T_INTEQ(r->tokens_cached, 4);
	T_INTEQ(r->tokens_cache_write, -1);
	return NULL;
}

/*
 * A database of schema 2 gains the cache-write columns (unknown in old
 * rows) and the price updates; its runs still read and seal.
 */
static void
test_migration(void)
{
	static const char v2[] =
	    "ALTER TABLE results DROP COLUMN tokens_cache_write;"
	    "ALTER TABLE cache DROP COLUMN tokens_cache_write;"
	    "DROP TABLE price_updates;"
	    "ALTER TABLE runs DROP COLUMN tree;"
	    "DROP TABLE reflog;"
	    "DROP TABLE gitmap;"
	    "PRAGMA user_version = 2;"
	    "INSERT INTO runs (num, commit_id, plan, matrix, started, state, "
	    " total) VALUES (1, zeroblob(16), zeroblob(16), "
	    " '{\"models\": []}', 1, 'running', 1);"
	    "INSERT INTO results (run, prompt, case_id, model, sample, call, "
	    " status, tokens_in, tokens_cached, cached, attempts, verdicts) "
	    " VALUES (1, 'p', 'c', 'm', 0, zeroblob(16), 'ok', 10, 4, 0, "
	    " '[]', '[]');"
	    "INSERT INTO cache (call, sample, output, tokens_in, tokens_out, "
	    " tokens_cached, time) VALUES (zeroblob(16), 0, zeroblob(16), 10,"
	    " 5, 4, 1000);";
	struct morph_repo *repo = fresh_repo();
	struct morph_cache_entry ce;
	struct morph_object *o;
	struct morph_oid zero, sealed, page;
	sqlite3_stmt *st;
	sqlite3 *db;
	int found = 0, n = 0;
	const char *text;
	cJSON *run;

	morph_repo_close(repo);
	T_INTEQ(sqlite3_open(".morph/morph.db", &db), SQLITE_OK);
	T_INTEQ(sqlite3_exec(db, v2, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	T_OK(morph_repo_open(&repo, NULL));
	if (repo == NULL)
		return;
	T_INTEQ(sqlite3_prepare_v2(repo->store.db, "PRAGMA user_version", -1,
	    &st, NULL), SQLITE_OK);
	T_INTEQ(sqlite3_step(st), SQLITE_ROW);
	T_INTEQ(sqlite3_column_int(st, 0), MORPH_SCHEMA_VERSION);
	sqlite3_finalize(st);
	memset(&zero, 0, sizeof(zero));
	T_OK(morph_cache_get(&ce, &found, repo, &zero, 0));
	T_INTEQ(found, 1);
	T_INTEQ(ce.tokens_in, 10);
	T_INTEQ(ce.tokens_cache_write, -1);
	T_INTEQ(ce.time_ms, 1000);
	T_OK(morph_run_results(repo, 1, old_result, &n));
	T_INTEQ(n, 1);
	T_OK(morph_runs_seal(&sealed, repo, 1));
	T_OK(morph_object_read(&o, repo, &sealed, MORPH_OBJ_RUN));
	if (o == NULL)
		goto done;
	T_OK(morph_json_parse(&run, morph_object_data(o),
	    morph_object_size(o), "run"));
	morph_object_free(o);
	text = cJSON_GetStringValue(cJSON_GetArrayItem(
	    cJSON_GetObjectItemCaseSensitive(run, "pages"), 0));
	T_ASSERT(text != NULL && morph_oid_fromhex(&page, text) == 0);
	cJSON_Delete(run);
	T_OK(morph_object_read(&o, repo, &page, MORPH_OBJ_BLOB));
	if (o != NULL) {
		T_CONTAINS(morph_object_data(o), "\"tokens\":{\"cache_write\":"
		    "null,\"cached\":4,\"in\":10,\"out\":null,");
		morph_object_free(o);
	}
done:
	morph_repo_close(repo);
}

static void
collect(const char *problem, void *arg)
{
	struct morph_buf *b = arg;

	morph_buf_printf(b, "%s\n", problem);
}

/* fsck finds a run's price table, or an update, missing from the store. */
static void
test_fsck(void)
{
	struct morph_repo *repo = fresh_repo();
	struct morph_buf text = MORPH_BUF_INIT;
	struct morph_fsck_stats st;
	struct morph_prices prices;
	struct morph_oid commit;
	char sql[512];

	T_OK(morph_prices_load(&prices, repo));
	test_write_file(test_repo_dir(), "prompts/a.txt", "one\n");
	test_commit_all(repo, "first\n", &commit);
	T_OK(morph_repo_begin(repo));
	T_OK(morph_runs_create(&(int64_t){0}, repo, &commit, NULL, &commit,
	    "{}", &prices.blob, 1));
	T_OK(morph_repo_commit(repo));
	T_OK(morph_fsck(&st, repo, collect, &text));
	T_INTEQ(st.problems, 1);
	T_CONTAINS(morph_buf_cstr(&text), "run #1: price table: missing blob");
	/* Stored with the run, as morph run does: nothing missing. */
	T_OK(morph_repo_begin(repo));
	T_OK(morph_prices_store(&prices, repo));
	T_OK(morph_repo_commit(repo));
	T_OK(morph_fsck(&st, repo, NULL, NULL));
	T_INTEQ(st.problems, 0);
	snprintf(sql, sizeof(sql), "INSERT INTO price_updates (blob, url, "
	    "time, providers, models) VALUES (x'%s', 'https://x', 1, 1, 1)",
	    "0123456789abcdef0123456789abcdef");
	T_INTEQ(sqlite3_exec(repo->store.db, sql, NULL, NULL, NULL),
	    SQLITE_OK);
	morph_buf_clear(&text);
	T_OK(morph_fsck(&st, repo, collect, &text));
	T_INTEQ(st.problems, 1);
	T_CONTAINS(morph_buf_cstr(&text), "price update #1: price table: "
	    "missing blob 0123456789abcdef0123456789abcdef");
	morph_buf_release(&text);
	morph_prices_release(&prices);
	morph_repo_close(repo);
}

static void
test_parse_time(void)
{
	int64_t ms;

	T_INTEQ(morph_prices_parse_time(&ms, "1970-01-02"), 0);
	T_INTEQ(ms, 86400000);
	T_INTEQ(morph_prices_parse_time(&ms, "2025-06-10T12:30:00Z"), 0);
	T_INTEQ(ms, 1749558600000LL);
	T_INTEQ(morph_prices_parse_time(&ms, "2025-06-10T12:30Z"), 0);
	T_INTEQ(ms, 1749558600000LL);
	T_INTEQ(morph_prices_parse_time(&ms, "2024-02-29"), 0);
	T_INTEQ(morph_prices_parse_time(&ms, "2025-02-29"), -1);
	T_INTEQ(morph_prices_parse_time(&ms, "2025-6-10"), -1);
	T_INTEQ(morph_prices_parse_time(&ms, "2025-06-10x"), -1);
	T_INTEQ(morph_prices_parse_time(&ms, "yesterday"), -1);
	T_INTEQ(morph_prices_parse_time(&ms, "2025-06-10T25:00Z"), -1);
}

/* Costs as reports write them: known, at least, or not known. */
static void
test_usd(void)
{
	struct morph_jsonw w;
	char buf[64], *text = NULL;
	size_t n;
	FILE *fp;

	T_STREQ(morph_usd(450, buf, sizeof(buf)), "$0.000000");
	T_STREQ(morph_usd(450000, buf, sizeof(buf)), "$0.000450");
	T_STREQ(morph_usd(12340000000LL, buf, sizeof(buf)), "$12.34");
	T_STREQ(morph_usd(-1, buf, sizeof(buf)), "unpriced");
	T_STREQ(morph_usd_total(buf, sizeof(buf), 1200000, 0), "$0.001200");
	T_STREQ(morph_usd_total(buf, sizeof(buf), 1200000, 2), "$0.001200+");
	T_STREQ(morph_usd_total(buf, sizeof(buf), 0, 2), "unpriced");
	T_STREQ(morph_usd_total(buf, sizeof(buf), 0, 0), "$0.000000");
	if ((fp = open_memstream(&text, &n)) == NULL) {
		T_FAIL("open_memstream failed");
		return;
	}
	morph_jsonw_init(&w, fp);
	morph_jsonw_object_begin(&w);
	morph_usd_total_json(&w, "a", 1200000, 0);
	morph_usd_total_json(&w, "b", 1200000, 1);
	morph_usd_total_json(&w, "c", 0, 1);
	morph_jsonw_object_end(&w);
	morph_jsonw_finish(&w);
	fclose(fp);
	T_STREQ(text, "{\n  \"a\": 1200000,\n  \"b\": 1200000,\n"
	    "  \"c\": null\n}\n");
	free(text);
}

static const struct test tests[] = {
	TEST(test_builtin),
	TEST(test_todays_models),
	TEST(test_start_date),
	TEST(test_time_of_day),
	TEST(test_tiers),
	TEST(test_cache_rates),
	TEST(test_local),
	TEST(test_rules),
	TEST(test_litellm),
	TEST(test_check),
	TEST(test_bad_file),
	TEST(test_store),
	TEST(test_migration),
	TEST(test_fsck),
	TEST(test_parse_time),
	TEST(test_usd),
};

TEST_MAIN(tests)
