/*
 * The trend of a branch: figures per commit and model from results
 * written by hand (exact pass rates, costs and latencies), the run that
 * stands for a commit (sealed first, never a work tree's), commits
 * without a run skipped, only first parents followed, the limit on
 * commits, and the errors.
 */
#include <math.h>

#include "test.h"
#include "morph/commit.h"
#include "morph/morph.h"
#include "report_trend.h"
#include "runs_int.h"

/* One result of run: pass 1, 0 or -1 (no assertions); cost -1 unpriced. */
static void
put(struct morph_repo *repo, int64_t run, const char *case_id,
    const char *model, const char *status, int pass, int64_t cost,
    int64_t latency)
{
	struct morph_result r;
	char key[256];

	memset(&r, 0, sizeof(r));
	r.prompt = "p.txt";
	r.case_id = case_id;
	r.model = model;
	snprintf(key, sizeof(key), "%s/%s/%lld", case_id, model,
	    (long long)run);
	morph_hash_bytes(&r.call, key, strlen(key));
	r.status = status;
	r.error = strcmp(status, "ok") == 0 ? NULL : "HTTP 500";
	r.tokens_in = r.tokens_out = 10;
	r.tokens_cached = r.tokens_reasoning = r.tokens_cache_write = -1;
	r.latency_ms = latency;
	r.cost_nusd = cost;
	r.pass = pass;
	r.attempts = "[]";
	r.verdicts = pass < 0 ? "[]" : pass ? "[{\"type\":\"contains\","
	    "\"pass\":true,\"score\":1,\"weight\":1}]" :
	    "[{\"type\":\"contains\",\"pass\":false,\"score\":0,"
	    "\"weight\":1}]";
	T_OK(morph_runs_put(repo, run, &r));
}

/* A new run of commit (of the work tree on top of it with tree). */
static int64_t
new_run(struct morph_repo *repo, const struct morph_oid *commit,
    const struct morph_oid *tree)
{
	struct morph_oid plan;
	int64_t num = 0;
	static int k;

	morph_hash_bytes(&plan, &k, sizeof(k));
	k++;
	T_OK(morph_runs_create(&num, repo, commit, tree, &plan, "{}", NULL,
	    0));
	return num;
}

static void
seal(struct morph_repo *repo, int64_t run)
{
	struct morph_oid id;

	T_OK(morph_runs_seal(&id, repo, run));
}

static const struct morph_trend_point *
at(const struct morph_trend *t, size_t commit, size_t model)
{
	return &t->points[commit * t->nmodels + model];
}

static int
is_nan3(const struct morph_trend_point *p)
{
	return isnan(p->rate) && isnan(p->cost_per_call_usd) &&
	    isnan(p->p95_ms);
}

static char *
short_id(const struct morph_oid *id)
{
	static char s[MORPH_OID_HEXSZ + 1];

	morph_oid_fmt(s, id);
	s[MORPH_TREND_SHORT_ID] = '\0';
	return s;
}

/*
 * History (first parents from c5): c1, c2 (no run), c3, c5, a merge of
 * c3 and a side commit s4 whose run names a model of its own.
 */
struct history {
	struct morph_oid	c1, c2, c3, s4, c5;
};

static void
make_history(struct morph_repo *repo, struct history *h)
{
	struct morph_commit *c;
	struct morph_oid tree;
	int64_t run;
	int i;

	test_write_file(test_repo_dir(), "p.txt", "Say it\n");
	test_write_file(test_repo_dir(), "morph.json",
	    "{\"prompts\": [\"p.txt\"], \"models\": [\"echo:a\"]}\n");
	test_commit_all(repo, "first\n\nWith a body.\n", &h->c1);
	test_commit_all(repo, "second\n", &h->c2);
	test_commit_all(repo, "third\n", &h->c3);
	T_OK(morph_commit_read(&c, repo, &h->c3));
	tree = *morph_commit_tree(c);
	morph_commit_free(c);
	h->s4 = test_commit_raw(repo, &tree, &h->c2, NULL, 1700000100,
	    "side");
	h->c5 = test_commit_raw(repo, &tree, &h->c3, &h->s4, 1700000200,
	    "merge side");

	/*
	 * c1, sealed.  echo:a: 3 of 5 pass (the error fails its
	 * assertion); cost 1000, 2000 and 3000 nano-USD priced, one
	 * unpriced, the error unpriced: 2e-6 USD a call; the answered
	 * latencies 100 to 400 (the error's 9999 is no answer): p95 400.
	 * echo:b: no assertion, nothing priced, one answer in 50 ms.
	 */
	run = new_run(repo, &h->c1, NULL);
	put(repo, run, "x1", "echo:a", "ok", 1, 1000, 300);
	put(repo, run, "x2", "echo:a", "ok", 1, 2000, 100);
	put(repo, run, "x3", "echo:a", "ok", 0, 3000, 400);
	put(repo, run, "x4", "echo:a", "ok", 1, -1, 200);
	put(repo, run, "x5", "echo:a", "error", 0, -1, 9999);
	put(repo, run, "x1", "echo:b", "ok", -1, -1, 50);
	seal(repo, run);

	/*
	 * c3: a sealed run, then a newer unsealed one and a newer run of
	 * the work tree on it, both ignored.  The sealed one: echo:a
	 * passes all 20, each 500 nano-USD, latencies 1..20 (p95: the
	 * 19th); echo:c only here.
	 */
	run = new_run(repo, &h->c3, NULL);
	for (i = 1; i <= 20; i++) {
		char id[8];

		snprintf(id, sizeof(id), "y%02d", i);
		put(repo, run, id, "echo:a", "ok", 1, 500, i);
	}
	put(repo, run, "y01", "echo:c", "ok", 0, 0, 7);
	seal(repo, run);
	run = new_run(repo, &h->c3, NULL);
	put(repo, run, "z1", "echo:a", "ok", 0, 9, 9);
	run = new_run(repo, &h->c3, &tree);
	put(repo, run, "z1", "echo:a", "ok", 0, 9, 9);
	seal(repo, run);

	/* s4, off the first-parent line: never read. */
	run = new_run(repo, &h->s4, NULL);
	put(repo, run, "w1", "echo:z", "ok", 1, 1, 1);
	seal(repo, run);

	/*
	 * c5: an unsealed run only, which stands for it; echo:b only
	 * fails there, so it has no latency.
	 */
	run = new_run(repo, &h->c5, NULL);
	put(repo, run, "v1", "echo:a", "ok", 1, -1, 10);
	put(repo, run, "v2", "echo:a", "ok", 0, -1, 30);
	put(repo, run, "v1", "echo:b", "error", 0, -1, 5);
}

static void
test_trend(void)
{
	struct morph_repo *repo = test_repo();
	const struct morph_trend_point *p;
	struct morph_trend *t = NULL;
	struct history h;

	make_history(repo, &h);
	T_OK(morph_trend_new(&t, repo, morph_oid_tostr(&h.c5), 0));
	if (t == NULL)
		goto done;
	T_INTEQ(t->ncommits, 3);
	T_INTEQ(t->nmodels, 3);
	if (t->ncommits != 3 || t->nmodels != 3)
		goto done;
	/* Oldest first; c2 had no run; s4 is off the line. */
	T_STREQ(t->commits[0], short_id(&h.c1));
	T_STREQ(t->commits[1], short_id(&h.c3));
	T_STREQ(t->commits[2], short_id(&h.c5));
	T_INTEQ(strlen(t->commits[0]), 12);
	T_STREQ(t->subjects[0], "first");
	T_STREQ(t->subjects[1], "third");
	T_STREQ(t->subjects[2], "merge side");
	T_STREQ(t->models[0], "echo:a");
	T_STREQ(t->models[1], "echo:b");
	T_STREQ(t->models[2], "echo:c");

	p = at(t, 0, 0);
	T_ASSERT(p->rate == 0.6);
	T_ASSERT(p->cost_per_call_usd == 2000 / 1e9);
	T_ASSERT(p->p95_ms == 400);
	p = at(t, 0, 1);
	T_ASSERT(isnan(p->rate));
	T_ASSERT(isnan(p->cost_per_call_usd));
	T_ASSERT(p->p95_ms == 50);
	T_ASSERT(is_nan3(at(t, 0, 2)));

	p = at(t, 1, 0);
	T_ASSERT(p->rate == 1);
	T_ASSERT(p->cost_per_call_usd == 500 / 1e9);
	T_ASSERT(p->p95_ms == 19);
	T_ASSERT(is_nan3(at(t, 1, 1)));
	p = at(t, 1, 2);
	T_ASSERT(p->rate == 0);
	T_ASSERT(p->cost_per_call_usd == 0);	/* free, not unpriced */
	T_ASSERT(p->p95_ms == 7);

	p = at(t, 2, 0);
	T_ASSERT(p->rate == 0.5);
	T_ASSERT(isnan(p->cost_per_call_usd));
	T_ASSERT(p->p95_ms == 30);
	p = at(t, 2, 1);
	T_ASSERT(p->rate == 0);
	T_ASSERT(isnan(p->cost_per_call_usd));
	T_ASSERT(isnan(p->p95_ms));
	T_ASSERT(is_nan3(at(t, 2, 2)));
done:
	morph_trend_free(t);
	morph_repo_close(repo);
}

/* At most max commits back, those without a run counted. */
static void
test_max(void)
{
	struct morph_repo *repo = test_repo();
	struct morph_trend *t = NULL;
	struct history h;
	const char *rev;

	make_history(repo, &h);
	rev = morph_oid_tostr(&h.c5);
	T_OK(morph_trend_new(&t, repo, rev, 1));
	if (t != NULL) {
		T_INTEQ(t->ncommits, 1);
		T_INTEQ(t->nmodels, 2);
		T_STREQ(t->commits[0], short_id(&h.c5));
	}
	morph_trend_free(t);
	T_OK(morph_trend_new(&t, repo, rev, 3));
	if (t != NULL) {
		T_INTEQ(t->ncommits, 2);
		T_STREQ(t->commits[0], short_id(&h.c3));
	}
	morph_trend_free(t);
	T_OK(morph_trend_new(&t, repo, rev, 4));
	if (t != NULL)
		T_INTEQ(t->ncommits, 3);
	morph_trend_free(t);

	/* A commit with no run before it: nothing, not an error. */
	T_OK(morph_trend_new(&t, repo, morph_oid_tostr(&h.c2), 1));
	if (t != NULL) {
		T_INTEQ(t->ncommits, 0);
		T_INTEQ(t->nmodels, 0);
	}
	morph_trend_free(t);
	morph_trend_free(NULL);
	morph_repo_close(repo);
}

static void
test_errors(void)
{
	struct morph_repo *repo = test_repo();
	struct morph_trend *t = NULL;
	struct history h;
	char rev[64];

	make_history(repo, &h);
	T_ERR(morph_trend_new(&t, repo, "nosuch", 0), MORPH_ERR_NOT_FOUND);
	T_ASSERT(t == NULL);
	snprintf(rev, sizeof(rev), "%s:p.txt", morph_oid_tostr(&h.c1));
	T_ERR(morph_trend_new(&t, repo, rev, 0), MORPH_ERR_NOT_FOUND);
	T_ASSERT(t == NULL);
	morph_repo_close(repo);
}

static const struct test tests[] = {
	TEST(test_trend),
	TEST(test_max),
	TEST(test_errors),
};

TEST_MAIN(tests)
