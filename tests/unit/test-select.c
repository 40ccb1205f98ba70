/*
 * The selection rule, proven by simulation (issue 12, item 3): suites are
 * drawn from known pass probabilities by a seeded generator and judged by
 * morph_select_decide, 2,000 times a scenario.  A candidate truly worse
 * than the margin must be recommended in at most alpha of them, also when
 * a dearer candidate is truly as good (the fixed-sequence descent); a
 * truly equivalent candidate must be recommended as often as the power
 * that the sample size predicts (morph_stats_tango_power).  With
 * repeats, the paired t test is held to the same level.
 *
 * MORPH_SIM_RUNS changes the number of simulations; the figures are
 * printed, for bench/select.sh.
 */
#include <math.h>

#include "test.h"
#include "morph/compare.h"
#include "morph/select.h"
#include "morph/stats.h"

#define MAXCASES	400
#define NMODELS		3

/* splitmix64: small, seeded, and the same on every machine. */
static uint64_t rng_state;

static double
uniform(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return (double)(z >> 11) / 9007199254740992.0;
}

/*
 * The truth of a scenario: for each candidate, the probabilities that a
 * case passes with it only (p10) or with the baseline only (p01); the
 * baseline passes with probability pbase.  Candidates are listed dearest
 * first.
 */
struct truth {
	double	pbase;
	double	p10[NMODELS - 1], p01[NMODELS - 1];
	int	ncand;
};

static char ids[MAXCASES][8];
static struct morph_compare_case cases[NMODELS][MAXCASES];
static struct morph_compare_row rows[NMODELS];

/* One suite of n cases drawn from t, as a group: cheapest row first. */
static void
draw(struct morph_compare_group *g, const struct truth *t, int n)
{
	int i, m, base, cand, nm = t->ncand + 1;
	double u, pc;

	memset(rows, 0, sizeof(rows));
	for (m = 0; m < nm; m++) {
		rows[m].model = m == nm - 1 ? "baseline" : m == 0 ? "cheap" :
		    "dear";
		rows[m].cost_per_call = 10.0 * (m + 1);
		rows[m].cases = cases[m];
		rows[m].ncases = (size_t)n;
	}
	for (i = 0; i < n; i++) {
		/* The baseline's verdict, then each candidate's given it. */
		base = uniform() < t->pbase;
		cases[nm - 1][i].k = base;
		for (m = 0; m < t->ncand; m++) {
			/* Candidate m (dearest first) is row nm - 2 - m. */
			u = uniform();
			pc = base ? 1 - t->p01[m] / t->pbase :
			    t->p10[m] / (1 - t->pbase);
			cand = u < pc;
			cases[nm - 2 - m][i].k = cand;
		}
	}
	for (m = 0; m < nm; m++) {
		for (i = 0; i < n; i++) {
			cases[m][i].prompt = "p";
			cases[m][i].case_id = ids[i];
			cases[m][i].n = 1;
			cases[m][i].calls = 1;
			rows[m].asserted++;
			rows[m].passed += cases[m][i].k;
		}
		rows[m].rate = (double)rows[m].passed / n;
		rows[m].neff = n;
	}
	memset(g, 0, sizeof(*g));
	g->prompt = "p";
	g->rows = rows;
	g->nrows = (size_t)nm;
	g->current = &rows[nm - 1];
}

/*
 * With repeats: n cases of 3 samples, half of them easy (the baseline
 * passes a sample with probability 0.95) and half hard (0.75); the
 * candidate's probability is the baseline's minus worse on every case.
 * One candidate; the paired t test judges.
 */
static void
draw_repeated(struct morph_compare_group *g, double worse, int n)
{
	int i, j, m;
	double p[2];

	memset(rows, 0, sizeof(rows));
	for (m = 0; m < 2; m++) {
		rows[m].model = m == 1 ? "baseline" : "cheap";
		rows[m].cost_per_call = 10.0 * (m + 1);
		rows[m].cases = cases[m];
		rows[m].ncases = (size_t)n;
		rows[m].repeated = 1;
	}
	for (i = 0; i < n; i++) {
		p[1] = uniform() < 0.5 ? 0.95 : 0.75;
		p[0] = p[1] - worse;
		for (m = 0; m < 2; m++) {
			cases[m][i].prompt = "p";
			cases[m][i].case_id = ids[i];
			cases[m][i].n = 3;
			cases[m][i].calls = 3;
			cases[m][i].k = 0;
			for (j = 0; j < 3; j++)
				cases[m][i].k += uniform() < p[m];
			rows[m].asserted += 3;
			rows[m].passed += cases[m][i].k;
		}
	}
	for (m = 0; m < 2; m++) {
		rows[m].rate = (double)rows[m].passed / rows[m].asserted;
		rows[m].neff = rows[m].asserted;
	}
	memset(g, 0, sizeof(*g));
	g->prompt = "p";
	g->rows = rows;
	g->nrows = 2;
	g->current = &rows[1];
}

static int
runs(void)
{
	const char *s = getenv("MORPH_SIM_RUNS");

	return s != NULL && atoi(s) > 0 ? atoi(s) : 2000;
}

/* How often, of the simulations, each model is the one chosen. */
static void
simulate(double *chosen, const struct truth *t, int n,
    const struct morph_select_rule *rule, uint64_t seed)
{
	struct morph_select_candidate tested[NMODELS];
	struct morph_select_prompt sp;
	struct morph_compare_group g;
	int i, m, nsim = runs();

	rng_state = seed;
	for (m = 0; m < NMODELS; m++)
		chosen[m] = 0;
	for (i = 0; i < nsim; i++) {
		draw(&g, t, n);
		T_OK(morph_select_decide(&sp, tested, &g, rule));
		chosen[sp.chosen - rows] += 1;
	}
	for (m = 0; m < NMODELS; m++)
		chosen[m] /= nsim;
}

static void
setup(void)
{
	int i;

	for (i = 0; i < MAXCASES; i++)
		snprintf(ids[i], sizeof(ids[i]), "c%04d", i);
}

/* A candidate truly worse than the margin: recommended at most alpha. */
static void
test_type1(void)
{
	struct morph_select_rule rule = { 0, 0.1, 0.05, NULL, NULL, 0 };
	/* Baseline 90%, candidate 78%: 12 points worse, the margin is 10. */
	struct truth t = { 0.9, { 0.04 }, { 0.16 }, 1 };
	/* At the boundary: exactly the margin worse (80%). */
	struct truth edge = { 0.9, { 0.05 }, { 0.15 }, 1 };
	double chosen[NMODELS], se;

	simulate(chosen, &t, 200, &rule, 12);
	printf("type I error, 12 points worse, 200 cases: %.4f "
	    "(alpha %.2f, %d simulations)\n", chosen[0], rule.alpha, runs());
	T_ASSERT(chosen[0] <= rule.alpha);
	simulate(chosen, &edge, 200, &rule, 13);
	se = sqrt(rule.alpha * (1 - rule.alpha) / runs());
	printf("type I error at the margin, 200 cases: %.4f "
	    "(alpha %.2f +- %.4f)\n", chosen[0], rule.alpha, se);
	/* At the boundary the size is alpha, up to chance. */
	T_ASSERT(chosen[0] <= rule.alpha + 3 * se);
}

/*
 * Two candidates: the dearer truly as good, the cheaper truly worse than
 * the margin.  The cheaper one is recommended at most alpha of the time,
 * though each is tested at the full alpha.
 */
static void
test_family(void)
{
	struct morph_select_rule rule = { 0, 0.1, 0.05, NULL, NULL, 0 };
	struct truth t = { 0.9, { 0.05, 0.04 }, { 0.05, 0.16 }, 2 };
	double chosen[NMODELS];

	simulate(chosen, &t, 200, &rule, 14);
	printf("family: the worse, cheaper candidate chosen %.4f, the "
	    "equivalent one %.4f, the baseline kept %.4f\n", chosen[0],
	    chosen[1], chosen[2]);
	T_ASSERT(chosen[0] <= rule.alpha);
	T_ASSERT(chosen[1] > 0.5);
}

/* Repeats: the paired t test keeps its level too. */
static void
test_repeated(void)
{
	struct morph_select_rule rule = { 0, 0.1, 0.05, NULL, NULL, 0 };
	struct morph_select_candidate tested[NMODELS];
	struct morph_select_prompt sp;
	struct morph_compare_group g;
	double worse = 0, same = 0;
	int i, nsim = runs();

	rng_state = 16;
	for (i = 0; i < nsim; i++) {
		draw_repeated(&g, 0.12, 100);
		T_OK(morph_select_decide(&sp, tested, &g, &rule));
		worse += sp.chosen == &rows[0];
		draw_repeated(&g, 0, 100);
		T_OK(morph_select_decide(&sp, tested, &g, &rule));
		same += sp.chosen == &rows[0];
	}
	printf("repeats (3 samples, 100 cases, paired t): 12 points worse "
	    "recommended %.4f, equivalent %.4f\n", worse / nsim, same / nsim);
	T_ASSERT(worse / nsim <= rule.alpha);
	T_ASSERT(same / nsim > 0.8);
}

/* A truly equivalent candidate: recommended at the predicted power. */
static void
test_power(void)
{
	struct morph_select_rule rule = { 0, 0.1, 0.05, NULL, NULL, 0 };
	struct truth t = { 0.9, { 0.05 }, { 0.05 }, 1 };
	static const int sizes[] = { 60, 100, 200 };
	double chosen[NMODELS], predicted, se;
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		simulate(chosen, &t, sizes[i], &rule, 15 + i);
		predicted = morph_stats_tango_power(0.05, 0.05, sizes[i],
		    rule.margin, rule.alpha);
		se = sqrt(predicted * (1 - predicted) / runs());
		printf("power, equivalent candidate, %d cases: %.4f "
		    "(predicted %.4f +- %.4f)\n", sizes[i], chosen[0],
		    predicted, se);
		/* Within chance (4 standard errors) and 3 points of the
		   normal approximation. */
		if (fabs(chosen[0] - predicted) > 4 * se + 0.03)
			T_FAIL("%d cases: power %.4f, predicted %.4f",
			    sizes[i], chosen[0], predicted);
	}
}

/* The floor and the verdicts on a group made by hand. */
static void
test_verdicts(void)
{
	struct morph_select_rule rule = { 0.8, 0.1, 0.05, NULL, NULL, 0 };
	struct morph_select_candidate tested[NMODELS];
	struct morph_select_prompt sp;
	struct morph_compare_group g;
	struct truth same = { 0.9, { 0 }, { 0 }, 1 };
	struct truth bad = { 0.9, { 0 }, { 0.5 }, 1 };

	setup();
	rng_state = 1;
	draw(&g, &same, 100);
	T_OK(morph_select_decide(&sp, tested, &g, &rule));
	T_INTEQ(sp.verdict, MORPH_SELECT_RECOMMEND);
	T_STREQ(sp.chosen->model, "cheap");
	T_INTEQ(sp.ntested, 1);
	draw(&g, &bad, 100);
	T_OK(morph_select_decide(&sp, tested, &g, &rule));
	T_INTEQ(sp.verdict, MORPH_SELECT_KEEP);
	T_ASSERT(sp.chosen == g.current);
	T_ASSERT(tested[0].inferior);
	/* Too few cases to tell: inconclusive, and how many would do. */
	draw(&g, &same, 6);
	T_OK(morph_select_decide(&sp, tested, &g, &rule));
	T_INTEQ(sp.verdict, MORPH_SELECT_INCONCLUSIVE);
	T_ASSERT(sp.cases_needed > 6);
}

static const struct test tests[] = {
	TEST(test_verdicts),
	TEST(test_type1),
	TEST(test_family),
	TEST(test_power),
	TEST(test_repeated),
};

TEST_MAIN(tests)
