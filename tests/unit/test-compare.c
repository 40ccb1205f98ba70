/*
 * Comparisons: rows, intervals clustered by case, the Pareto frontier,
 * the oracle and the configured model (one, or one per prompt), on
 * results written by hand with chosen costs and latencies.
 */
#include <math.h>

#include "test.h"
#include "morph/morph.h"
#include "morph/compare.h"
#include "morph/select.h"
#include "morph/stats.h"
#include "runs_int.h"

static int
near(double a, double b, double eps)
{
	return fabs(a - b) <= eps;
}

static void
put(struct morph_repo *repo, int64_t run, const char *prompt,
    const char *case_id, const char *model, int sample, int pass,
    int64_t cost, int64_t latency)
{
	struct morph_result r;
	char key[256];

	memset(&r, 0, sizeof(r));
	r.prompt = prompt;
	r.case_id = case_id;
	r.model = model;
	r.sample = sample;
	snprintf(key, sizeof(key), "%s/%s/%s", prompt, case_id, model);
	morph_hash_bytes(&r.call, key, strlen(key));
	r.status = "ok";
	r.tokens_in = r.tokens_out = 10;
	r.tokens_cached = r.tokens_reasoning = -1;
	r.latency_ms = latency;
	r.cost_nusd = cost;
	r.pass = pass;
	r.attempts = "[]";
	r.verdicts = pass ? "[{\"type\":\"contains\",\"pass\":true,"
	    "\"score\":1,\"weight\":1}]" : "[{\"type\":\"contains\","
	    "\"pass\":false,\"score\":0,\"weight\":1}]";
	T_OK(morph_runs_put(repo, run, &r));
}

static int64_t
new_run(struct morph_repo *repo, const struct morph_oid *commit)
{
	struct morph_oid plan;
	int64_t num = 0;
	static int k;

	morph_hash_bytes(&plan, &k, sizeof(k));
	k++;
	T_OK(morph_runs_create(&num, repo, commit, NULL, &plan, "{}", NULL, 0));
	return num;
}

static const struct morph_compare_row *
row(const struct morph_compare_group *g, const char *model)
{
	size_t i;

	for (i = 0; i < g->nrows; i++)
		if (strcmp(g->rows[i].model, model) == 0)
			return &g->rows[i];
	T_FAIL("no row for %s", model);
	return &g->rows[0];
}

static void
test_compare(void)
{
	struct morph_repo *repo = test_repo();
	struct morph_compare_opts opts = MORPH_COMPARE_OPTS_INIT;
	const struct morph_compare_group *g;
	const struct morph_compare_row *r;
	struct morph_compare *cmp;
	struct morph_oid c;
	const char *name[1];
	char num[16];
	double lo, hi;
	int64_t run;
	int i, s;

	test_write_file(test_repo_dir(), "p.txt", "Say it\n");
	test_write_file(test_repo_dir(), "q.txt", "Do it\n");
	test_write_file(test_repo_dir(), "morph.json",
	    "{\"prompts\": [\"*.txt\"], \"models\": [\"echo:a\", "
	    "\"echo:b\", \"echo:c\", \"echo:d\"],\n"
	    " \"select\": {\"baseline\": \"echo:c\", \"floor\": 0.5}}\n");
	test_commit_all(repo, "suite\n", &c);
	run = new_run(repo, &c);
	/*
	 * p.txt: a passes 2 of 4 for 1000 in 100 ms; b the same for 2000
	 * (dominated by a); c all 4 for 5000 in 300 ms (the best quality);
	 * d 3 of 4 for 5000 in 50 ms (the fastest).
	 */
	for (i = 0; i < 4; i++) {
		char id[8];

		snprintf(id, sizeof(id), "x%d", i + 1);
		put(repo, run, "p.txt", id, "echo:a", 0, i < 2, 1000, 100);
		put(repo, run, "p.txt", id, "echo:b", 0, i < 2, 2000, 100);
		put(repo, run, "p.txt", id, "echo:c", 0, 1, 5000, 300);
		put(repo, run, "p.txt", id, "echo:d", 0, i < 3, 5000, 50);
	}
	/* q.txt: a, 5 samples a case, all passing y1, all failing y2. */
	for (s = 0; s < 5; s++) {
		put(repo, run, "q.txt", "y1", "echo:a", s, 1, 1000, 100);
		put(repo, run, "q.txt", "y2", "echo:a", s, 0, 1000, 100);
	}
	snprintf(num, sizeof(num), "#%lld", (long long)run);
	name[0] = num;
	T_OK(morph_compare_new(&cmp, repo, name, 1, &opts));
	if (cmp == NULL)
		goto done;
	T_STREQ(morph_compare_current(cmp), "echo:c");
	T_ASSERT(near(morph_compare_rule(cmp)->floor, 0.5, 1e-12));
	T_ASSERT(near(morph_compare_rule(cmp)->margin, 0.05, 1e-12));
	T_INTEQ(morph_compare_ngroups(cmp), 2);
	g = morph_compare_group(cmp, 0);
	T_STREQ(g->prompt, "p.txt");
	T_INTEQ(g->nrows, 4);
	/* Cheapest first. */
	T_STREQ(g->rows[0].model, "echo:a");
	T_STREQ(g->rows[1].model, "echo:b");
	r = row(g, "echo:a");
	T_INTEQ(r->passed, 2);
	T_ASSERT(near(r->rate, 0.5, 1e-12));
	morph_stats_wilson(&lo, &hi, 2, 4, 0.95);
	T_ASSERT(near(r->lo, lo, 1e-12) && near(r->hi, hi, 1e-12));
	T_ASSERT(near(r->cost_per_call, 1000, 1e-9));
	T_INTEQ(r->p50_ms, 100);
	T_ASSERT(r->frontier);
	T_ASSERT(!row(g, "echo:b")->frontier);
	T_ASSERT(row(g, "echo:c")->frontier);
	T_ASSERT(row(g, "echo:d")->frontier);
	T_ASSERT(g->current == row(g, "echo:c"));
	/* x1, x2: a (1000); x3: c or d (5000); x4: c (5000). */
	T_INTEQ(g->cases, 4);
	T_INTEQ(g->oracle_passed, 4);
	T_ASSERT(near(g->oracle_cost, 3000, 1e-9));
	/* The repeated prompt: 10 samples, but 2 cases' worth. */
	g = morph_compare_group(cmp, 1);
	T_STREQ(g->prompt, "q.txt");
	r = &g->rows[0];
	T_ASSERT(r->repeated);
	T_INTEQ(r->asserted, 10);
	T_ASSERT(near(r->neff, 2, 1e-12));
	morph_stats_wilson(&lo, &hi, 1, 2, 0.95);
	T_ASSERT(near(r->lo, lo, 1e-12) && near(r->hi, hi, 1e-12));
	T_ASSERT(g->current == NULL);
	T_INTEQ(g->oracle_passed, 1);
	morph_compare_free(cmp);

	/* The whole suite: one group, a's cases from both prompts. */
	opts.total = 1;
	T_OK(morph_compare_new(&cmp, repo, name, 1, &opts));
	if (cmp == NULL)
		goto done;
	T_INTEQ(morph_compare_ngroups(cmp), 1);
	g = morph_compare_group(cmp, 0);
	T_ASSERT(g->prompt == NULL);
	r = row(g, "echo:a");
	T_INTEQ(r->ncases, 6);
	T_INTEQ(r->asserted, 14);
	T_INTEQ(g->cases, 6);
	morph_compare_free(cmp);

	/* A run that does not exist. */
	name[0] = "#99";
	T_ERR(morph_compare_new(&cmp, repo, name, 1, &opts),
	    MORPH_ERR_NOT_FOUND);
done:
	morph_repo_close(repo);
}

/*
 * A configured model per prompt (select.baseline as an object): each
 * group's current row is its prompt's model, a prompt no key matches
 * has the first model, and the whole suite has none, which morph select
 * refuses to judge.
 */
static void
test_current_per_prompt(void)
{
	struct morph_repo *repo = test_repo();
	struct morph_compare_opts opts = MORPH_COMPARE_OPTS_INIT;
	static const char *const prompts[] = { "p.txt", "q.txt", "r.txt" };
	static const char *const models[] = { "echo:a", "echo:b", "echo:c" };
	static const char *const want[] = { "echo:b", "echo:c", "echo:a" };
	const struct morph_compare_group *g;
	struct morph_select *sel;
	struct morph_compare *cmp;
	struct morph_oid c;
	const char *name[1];
	char num[16], id[8];
	int64_t run;
	size_t i, j, k;

	test_write_file(test_repo_dir(), "p.txt", "Say it\n");
	test_write_file(test_repo_dir(), "q.txt", "Do it\n");
	test_write_file(test_repo_dir(), "r.txt", "Be it\n");
	test_write_file(test_repo_dir(), "morph.json",
	    "{\"prompts\": [\"*.txt\"], \"models\": [\"echo:a\", "
	    "\"echo:b\", \"echo:c\"],\n"
	    " \"select\": {\"baseline\": {\"p.txt\": \"echo:b\", "
	    "\"q.txt\": \"echo:c\"}}}\n");
	test_commit_all(repo, "suite\n", &c);
	run = new_run(repo, &c);
	for (i = 0; i < 3; i++)
		for (j = 0; j < 3; j++)
			for (k = 0; k < 4; k++) {
				snprintf(id, sizeof(id), "x%zu", k);
				put(repo, run, prompts[i], id, models[j], 0,
				    1, 1000 * (int64_t)(j + 1), 100);
			}
	snprintf(num, sizeof(num), "#%lld", (long long)run);
	name[0] = num;
	T_OK(morph_compare_new(&cmp, repo, name, 1, &opts));
	if (cmp == NULL)
		goto done;
	T_INTEQ(morph_compare_rule(cmp)->nbaselines, 2);
	T_STREQ(morph_compare_rule(cmp)->baselines[1].prompts, "q.txt");
	T_ASSERT(morph_compare_rule(cmp)->baseline == NULL);
	T_STREQ(morph_compare_current(cmp), "echo:a");
	T_ASSERT(morph_compare_current_for(cmp, NULL) == NULL);
	T_INTEQ(morph_compare_ngroups(cmp), 3);
	for (i = 0; i < 3; i++) {
		g = morph_compare_group(cmp, i);
		T_STREQ(g->prompt, prompts[i]);
		T_STREQ(morph_compare_current_for(cmp, g->prompt), want[i]);
		T_ASSERT(g->current == row(g, want[i]));
	}
	T_OK(morph_select_new(&sel, cmp, NULL));
	if (sel != NULL) {
		for (i = 0; i < 3; i++)
			T_ASSERT(morph_select_prompt(sel, i)->baseline ==
			    morph_compare_group(cmp, i)->current);
		/* p.txt: a is cheaper than b and as good, too few cases. */
		T_ASSERT(morph_select_prompt(sel, 0)->ntested == 1);
		/* r.txt: a is the cheapest, nothing to test. */
		T_ASSERT(morph_select_prompt(sel, 2)->ntested == 0);
		morph_select_free(sel);
	}
	morph_compare_free(cmp);

	/* The whole suite has no one configured model. */
	opts.total = 1;
	T_OK(morph_compare_new(&cmp, repo, name, 1, &opts));
	if (cmp == NULL)
		goto done;
	T_ASSERT(morph_compare_group(cmp, 0)->current == NULL);
	T_ERR(morph_select_new(&sel, cmp, NULL), MORPH_ERR_INVALID);
	T_ASSERT(sel == NULL);
	morph_compare_free(cmp);
done:
	morph_repo_close(repo);
}

/*
 * A run of many cases, their ids arriving out of order and interleaved
 * across models: each result is counted for its own case (the table of
 * case ids is an index by hash, grown as ids arrive), and the rule and
 * the configured model still come from morph.json though the suite has a
 * case file of its own.
 */
static void
test_many_cases(void)
{
	struct morph_repo *repo = test_repo();
	struct morph_compare_opts opts = MORPH_COMPARE_OPTS_INIT;
	const struct morph_compare_group *g;
	const struct morph_compare_row *r;
	struct morph_compare *cmp;
	struct morph_oid c;
	const char *name[1];
	char num[16], id[16];
	int64_t run;
	size_t i, k;
	int n, want, passed_a = 0, passed_b = 0;

	test_write_file(test_repo_dir(), "p.txt", "Say {{w}}\n");
	test_write_file(test_repo_dir(), "cases.jsonl",
	    "{\"id\": \"c0000\", \"vars\": {\"w\": \"x\"}}\n");
	test_write_file(test_repo_dir(), "morph.json",
	    "{\"prompts\": [\"*.txt\"], \"cases\": [\"cases.jsonl\"], "
	    "\"models\": [\"echo:b\", \"echo:a\"]}\n");
	test_commit_all(repo, "suite\n", &c);
	run = new_run(repo, &c);
	for (i = 0; i < 1000; i++) {
		n = (int)(i * 7919 % 1000);	/* every id once, shuffled */
		snprintf(id, sizeof(id), "c%04d", n);
		put(repo, run, "p.txt", id, "echo:a", 0, n % 3 != 0, 1000, 10);
		put(repo, run, "p.txt", id, "echo:b", 0, n % 2 == 0, 2000, 10);
		passed_a += n % 3 != 0;
		passed_b += n % 2 == 0;
	}
	snprintf(num, sizeof(num), "#%lld", (long long)run);
	name[0] = num;
	T_OK(morph_compare_new(&cmp, repo, name, 1, &opts));
	if (cmp == NULL)
		goto done;
	T_STREQ(morph_compare_current(cmp), "echo:b");
	g = morph_compare_group(cmp, 0);
	T_INTEQ(g->nrows, 2);
	T_INTEQ(g->cases, 1000);
	r = row(g, "echo:a");
	T_INTEQ(r->passed, passed_a);
	T_INTEQ(r->ncases, 1000);
	for (i = 0; i < r->ncases; i++) {
		n = atoi(r->cases[i].case_id + 1);
		T_INTEQ(r->cases[i].n, 1);
		T_INTEQ(r->cases[i].k, n % 3 != 0);
	}
	r = row(g, "echo:b");
	T_INTEQ(r->passed, passed_b);
	T_INTEQ(r->ncases, 1000);
	for (i = k = 0; i < r->ncases; i++) {
		n = atoi(r->cases[i].case_id + 1);
		want = n % 2 == 0;
		k += r->cases[i].k == want;
		/* Sorted by id: case i is c<i>. */
		k += n == (int)i;
	}
	T_INTEQ(k, 2000);
	morph_compare_free(cmp);
done:
	morph_repo_close(repo);
}

static const struct test tests[] = {
	TEST(test_compare),
	TEST(test_current_per_prompt),
	TEST(test_many_cases),
};

TEST_MAIN(tests)
