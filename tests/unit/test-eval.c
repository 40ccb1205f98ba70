/*
 * Evaluations: the pairing of two runs' results into regressions, fixes,
 * changed, added and removed, with and without samples and a significance
 * level.
 */
#include <math.h>

#include "test.h"
#include "morph/morph.h"
#include "morph/eval.h"
#include "morph/run.h"
#include "runs_int.h"

static int
near(double a, double b, double eps)
{
	return fabs(a - b) <= eps;
}

/* A result of a run made by hand. */
static void
put(struct morph_repo *repo, int64_t run, const char *prompt,
    const char *case_id, const char *model, int sample, int pass,
    const char *output)
{
	struct morph_result r;

	memset(&r, 0, sizeof(r));
	r.prompt = prompt;
	r.case_id = case_id;
	r.model = model;
	r.sample = sample;
	morph_hash_bytes(&r.call, prompt, strlen(prompt));
	r.status = pass >= -1 ? "ok" : "error";
	r.error = pass >= -1 ? NULL : "HTTP 500: down";
	if (output != NULL) {
		r.has_output = 1;
		T_OK(morph_object_write(&r.output, repo, MORPH_OBJ_BLOB, output,
		    strlen(output)));
	}
	r.tokens_in = r.tokens_out = 10;
	r.tokens_cached = r.tokens_reasoning = -1;
	r.latency_ms = 100;
	r.cost_nusd = 1000;
	r.pass = pass >= -1 ? pass : 0;
	r.attempts = "[]";
	r.verdicts = pass == 0 ? "[{\"type\":\"contains\",\"pass\":false,"
	    "\"score\":0,\"weight\":1,\"reason\":\"output lacks \\\"x\\\"\"}]" :
	    "[]";
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
	T_OK(morph_runs_create(&num, repo, commit, NULL, &plan,
	    "{\"models\":[{\"id\":\"m\"},{\"id\":\"n\"}]}", NULL, 0));
	return num;
}

static void
test_pairing(void)
{
	struct morph_repo *repo = test_repo();
	struct morph_eval_opts opts = MORPH_EVAL_OPTS_INIT;
	const struct morph_eval_model *m;
	const struct morph_eval_item *it;
	struct morph_eval *ev;
	struct morph_oid c;
	int64_t a, b;
	char na[16], nb[16];

	test_write_file(test_repo_dir(), "f", "x\n");
	test_commit_all(repo, "one\n", &c);
	b = new_run(repo, &c);		/* baseline */
	a = new_run(repo, &c);		/* the run */
	put(repo, b, "p", "regress", "m", 0, 1, "good");
	put(repo, a, "p", "regress", "m", 0, 0, "bad");
	put(repo, b, "p", "fix", "m", 0, 0, "bad");
	put(repo, a, "p", "fix", "m", 0, 1, "good");
	put(repo, b, "p", "same", "m", 0, 1, "text");
	put(repo, a, "p", "same", "m", 0, 1, "text");
	put(repo, b, "p", "changed", "m", 0, 1, "old words");
	put(repo, a, "p", "changed", "m", 0, 1, "new words");
	put(repo, b, "p", "errs", "m", 0, -1, "fine");
	put(repo, a, "p", "errs", "m", 0, -2, NULL);	/* call failed */
	put(repo, a, "p", "new", "m", 0, 1, "added");
	put(repo, b, "p", "old", "n", 0, 1, "removed");
	snprintf(na, sizeof(na), "#%lld", (long long)a);
	snprintf(nb, sizeof(nb), "#%lld", (long long)b);

	T_OK(morph_eval_new(&ev, repo, na, nb, &opts));
	if (ev == NULL)
		return;
	T_INTEQ(morph_eval_count(ev, MORPH_EVAL_REGRESSION), 2);
	T_INTEQ(morph_eval_regressions(ev), 2);
	it = morph_eval_item(ev, MORPH_EVAL_REGRESSION, 0);
	T_STREQ(it->case_id, "errs");	/* an error after an answer */
	T_STREQ(it->a.status, "error");
	T_STREQ(morph_eval_item(ev, MORPH_EVAL_REGRESSION, 1)->case_id,
	    "regress");
	T_INTEQ(morph_eval_count(ev, MORPH_EVAL_FIX), 1);
	T_INTEQ(morph_eval_count(ev, MORPH_EVAL_CHANGED), 1);
	T_STREQ(morph_eval_item(ev, MORPH_EVAL_CHANGED, 0)->case_id,
	    "changed");
	T_INTEQ(morph_eval_count(ev, MORPH_EVAL_ADDED), 1);
	T_INTEQ(morph_eval_count(ev, MORPH_EVAL_REMOVED), 1);
	T_INTEQ(morph_eval_count(ev, MORPH_EVAL_SAME), 0);
	T_INTEQ(morph_eval_nmodels(ev), 2);
	m = morph_eval_model(ev, 0);
	T_STREQ(m->model, "m");
	T_INTEQ(m->results[0], 6);
	T_INTEQ(m->results[1], 5);
	T_INTEQ(m->errors[0], 1);
	T_INTEQ(m->regressions, 2);
	T_INTEQ(m->fixes, 1);
	T_INTEQ(m->cost_nusd[0], 6000);
	T_INTEQ(m->p50_ms[0], 100);
	T_ASSERT(!morph_eval_repeated(ev));
	T_INTEQ(morph_eval_ngroups(ev), 0);
	{
		struct morph_buf why = MORPH_BUF_INIT;

		it = morph_eval_item(ev, MORPH_EVAL_REGRESSION, 1);
		T_OK(morph_eval_reasons(&why, &it->a, "- "));
		T_STREQ(morph_buf_cstr(&why), "- contains: output lacks \"x\"\n");
		morph_buf_release(&why);
	}
	morph_eval_free(ev);

	/* Scoring one run lists its failures. */
	T_OK(morph_eval_new(&ev, repo, na, NULL, &opts));
	if (ev != NULL) {
		T_INTEQ(morph_eval_count(ev, MORPH_EVAL_FAILURE), 2);
		T_INTEQ(morph_eval_regressions(ev), 0);
		T_ASSERT(morph_eval_baseline(ev) == NULL);
		morph_eval_free(ev);
	}
	opts.keep_all = 1;
	T_OK(morph_eval_new(&ev, repo, na, nb, &opts));
	if (ev != NULL) {
		T_INTEQ(morph_eval_count(ev, MORPH_EVAL_SAME), 1);
		morph_eval_free(ev);
	}
	T_ERR(morph_eval_new(&ev, repo, "#999", NULL, &opts),
	    MORPH_ERR_NOT_FOUND);
	morph_repo_close(repo);
}

static void
test_samples_and_significance(void)
{
	struct morph_repo *repo = test_repo();
	struct morph_eval_opts opts = MORPH_EVAL_OPTS_INIT;
	const struct morph_eval_group *g;
	const struct morph_eval_case *ec;
	struct morph_eval *ev;
	struct morph_oid c;
	int64_t a, b;
	char na[16], nb[16];
	int s;

	test_write_file(test_repo_dir(), "f", "x\n");
	test_commit_all(repo, "one\n", &c);
	b = new_run(repo, &c);
	a = new_run(repo, &c);
	/* Ten samples: "strong" goes 10/10 -> 0/10, "weak" 3/3 -> 2/3 of
	 * its first three, "flat" stays. */
	for (s = 0; s < 10; s++) {
		put(repo, b, "p", "strong", "m", s, 1, "yes");
		put(repo, a, "p", "strong", "m", s, 0, "no");
		put(repo, b, "p", "weak", "m", s, 1, "yes");
		put(repo, a, "p", "weak", "m", s, s == 0 ? 0 : 1,
		    s == 0 ? "no" : "yes");
		put(repo, b, "p", "flat", "m", s, s % 2, s % 2 ? "y" : "n");
		put(repo, a, "p", "flat", "m", s, s % 2, s % 2 ? "y" : "n");
		/* "swap": sample 0 gets worse and 1 better, 9/10 both. */
		put(repo, b, "q", "swap", "m", s, s != 1, "s");
		put(repo, a, "q", "swap", "m", s, s != 0, "s");
	}
	/* "new" only in the run, three samples. */
	for (s = 0; s < 3; s++)
		put(repo, a, "q", "new", "m", s, 1, "n");
	snprintf(na, sizeof(na), "#%lld", (long long)a);
	snprintf(nb, sizeof(nb), "#%lld", (long long)b);

	T_OK(morph_eval_new(&ev, repo, na, nb, &opts));
	if (ev == NULL)
		return;
	T_ASSERT(morph_eval_repeated(ev));
	/* Counted by case: strong and weak fell; swap held its 9/10. */
	T_INTEQ(morph_eval_regressions(ev), 2);
	T_INTEQ(morph_eval_count(ev, MORPH_EVAL_REGRESSION), 12);
	T_INTEQ(morph_eval_ngroups(ev), 3);		/* flat is not kept */
	T_INTEQ(morph_eval_case_count(ev, MORPH_EVAL_REGRESSION), 2);
	T_INTEQ(morph_eval_case_count(ev, MORPH_EVAL_FIX), 0);
	T_INTEQ(morph_eval_case_count(ev, MORPH_EVAL_CHANGED), 1);
	T_INTEQ(morph_eval_case_count(ev, MORPH_EVAL_ADDED), 1);
	T_INTEQ(morph_eval_case_count(ev, MORPH_EVAL_SAME), 0);
	T_INTEQ(morph_eval_max_samples(ev, 0), 10);
	T_INTEQ(morph_eval_max_samples(ev, 1), 10);
	ec = morph_eval_case(ev, MORPH_EVAL_REGRESSION, 0);
	T_STREQ(ec->case_id, "strong");
	T_INTEQ(ec->samples[0], 10);
	T_INTEQ(ec->k[0], 0);
	T_INTEQ(ec->k[1], 10);
	T_INTEQ(ec->worse, 10);
	T_ASSERT(near(ec->p_value, 2.0 / 1024, 1e-9));
	T_ASSERT(ec->significant);
	T_ASSERT(ec->example != NULL && ec->example->kind ==
	    MORPH_EVAL_REGRESSION && ec->example->sample == 0 &&
	    strcmp(ec->example->case_id, "strong") == 0);
	ec = morph_eval_case(ev, MORPH_EVAL_REGRESSION, 1);
	T_STREQ(ec->case_id, "weak");
	T_INTEQ(ec->k[0], 9);
	T_INTEQ(ec->k[1], 10);
	ec = morph_eval_case(ev, MORPH_EVAL_CHANGED, 0);
	T_STREQ(ec->case_id, "swap");
	T_INTEQ(ec->worse, 1);
	T_INTEQ(ec->better, 1);
	T_ASSERT(!ec->significant);
	T_ASSERT(ec->example != NULL && ec->example->kind ==
	    MORPH_EVAL_REGRESSION && ec->example->sample == 0);
	ec = morph_eval_case(ev, MORPH_EVAL_ADDED, 0);
	T_STREQ(ec->case_id, "new");
	T_INTEQ(ec->samples[0], 3);
	T_INTEQ(ec->samples[1], 0);
	T_ASSERT(ec->p_value < 0);
	T_INTEQ(morph_eval_model(ev, 0)->cases[MORPH_EVAL_REGRESSION], 2);
	T_INTEQ(morph_eval_model(ev, 0)->cases[MORPH_EVAL_SAME], 1);
	T_INTEQ(morph_eval_model(ev, 0)->case_regressions, 2);
	g = morph_eval_group(ev, 0);
	T_STREQ(g->case_id, "strong");
	T_INTEQ(g->k[1], 10);
	T_INTEQ(g->k[0], 0);
	T_INTEQ(g->worse, 10);
	T_ASSERT(near(g->p_value, 2.0 / 1024, 1e-9));
	g = morph_eval_group(ev, 1);
	T_STREQ(g->case_id, "weak");
	T_INTEQ(g->worse, 1);
	T_ASSERT(near(g->p_value, 1.0, 1e-9));
	morph_eval_free(ev);

	/* At 0.05, only the strong case counts (its ten samples' items are
	 * marked counted). */
	opts.significance = 0.05;
	T_OK(morph_eval_new(&ev, repo, na, nb, &opts));
	if (ev != NULL) {
		T_INTEQ(morph_eval_regressions(ev), 1);
		T_INTEQ(morph_eval_count(ev, MORPH_EVAL_REGRESSION), 12);
		T_INTEQ(morph_eval_item(ev, MORPH_EVAL_REGRESSION, 9)->significant,
		    1);
		T_INTEQ(morph_eval_item(ev, MORPH_EVAL_REGRESSION, 10)->significant,
		    0);
		T_INTEQ(morph_eval_case_count(ev, MORPH_EVAL_REGRESSION), 2);
		T_ASSERT(morph_eval_case(ev, MORPH_EVAL_REGRESSION, 0)->significant);
		T_ASSERT(!morph_eval_case(ev, MORPH_EVAL_REGRESSION,
		    1)->significant);
		T_ASSERT(morph_eval_group(ev, 0)->significant);
		T_ASSERT(!morph_eval_group(ev, 1)->significant);
		morph_eval_free(ev);
	}
	/* At 0.001 nothing does. */
	opts.significance = 0.001;
	T_OK(morph_eval_new(&ev, repo, na, nb, &opts));
	if (ev != NULL) {
		T_INTEQ(morph_eval_regressions(ev), 0);
		morph_eval_free(ev);
	}
	/* One run alone: a case fails when any of its samples does. */
	opts.significance = 0;
	T_OK(morph_eval_new(&ev, repo, na, NULL, &opts));
	if (ev != NULL) {
		T_INTEQ(morph_eval_case_count(ev, MORPH_EVAL_FAILURE), 4);
		ec = morph_eval_case(ev, MORPH_EVAL_FAILURE, 0);
		T_STREQ(ec->case_id, "flat");
		T_INTEQ(ec->k[0], 5);
		T_INTEQ(ec->n[0], 10);
		T_INTEQ(morph_eval_regressions(ev), 0);
		morph_eval_free(ev);
	}
	morph_repo_close(repo);
}

static const struct test tests[] = {
	TEST(test_pairing),
	TEST(test_samples_and_significance),
};

TEST_MAIN(tests)
