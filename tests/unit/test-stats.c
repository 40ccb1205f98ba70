/*
 * Statistics: each function against figures published for it (the
 * source is cited beside each table), and the properties the callers
 * rely on (a clustered interval with one sample a case is Wilson's).
 */
#include <math.h>

#include "test.h"
#include "morph/stats.h"

static int
near(double a, double b, double eps)
{
	return fabs(a - b) <= eps;
}

static void
test_normal(void)
{
	T_ASSERT(near(morph_stats_normal_quantile(0.975), 1.959964, 1e-6));
	T_ASSERT(near(morph_stats_normal_quantile(0.95), 1.644854, 1e-6));
	T_ASSERT(near(morph_stats_normal_quantile(0.01), -2.326348, 1e-6));
	T_ASSERT(near(morph_stats_normal_cdf(1.959964), 0.975, 1e-6));
	T_ASSERT(near(morph_stats_normal_cdf(0), 0.5, 1e-12));
}

static void
test_t(void)
{
	/* Critical values of Student's t (any table: Fisher and Yates). */
	T_ASSERT(near(morph_stats_t_cdf(2.228, 10), 0.975, 1e-4));
	T_ASSERT(near(morph_stats_t_cdf(12.706, 1), 0.975, 1e-4));
	T_ASSERT(near(morph_stats_t_cdf(1.697, 30), 0.95, 1e-4));
	T_ASSERT(near(morph_stats_t_cdf(-2.228, 10), 0.025, 1e-4));
	T_ASSERT(near(morph_stats_t_cdf(0, 5), 0.5, 1e-12));
}

static void
test_wilson(void)
{
	/*
	 * Newcombe, "Two-sided confidence intervals for the single
	 * proportion: comparison of seven methods", Statistics in Medicine
	 * 17 (1998) 857-872, Table I, method 3 (Wilson 1927, the score
	 * interval without continuity correction).
	 */
	static const struct {
		double	k, n;
		double	lo, hi;
	} cases[] = {
		{ 81, 263, 0.2553, 0.3662 },
		{ 15, 148, 0.0624, 0.1605 },
		{ 0, 20, 0.0, 0.1611 },
		{ 1, 29, 0.0061, 0.1718 },
	};
	double lo, hi, lo1, hi1;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		morph_stats_wilson(&lo, &hi, cases[i].k, cases[i].n, 0.95);
		if (!near(lo, cases[i].lo, 5e-5) ||
		    !near(hi, cases[i].hi, 5e-5))
			T_FAIL("%g/%g: [%.4f, %.4f], expected [%.4f, %.4f]",
			    cases[i].k, cases[i].n, lo, hi, cases[i].lo,
			    cases[i].hi);
		/* One-sided at 2.5% are the two-sided 95% bounds. */
		morph_stats_wilson_bounds(&lo1, &hi1, cases[i].k, cases[i].n,
		    0.025);
		T_ASSERT(near(lo1, lo, 1e-9) && near(hi1, hi, 1e-9));
	}
	morph_stats_wilson(&lo, &hi, 0, 0, 0.95);
	T_ASSERT(lo == 0 && hi == 1);
	/* One-sided at 5% is narrower than two-sided at 95%. */
	morph_stats_wilson(&lo, &hi, 81, 263, 0.95);
	morph_stats_wilson_bounds(&lo1, &hi1, 81, 263, 0.05);
	T_ASSERT(lo1 > lo && hi1 < hi);
	/* ... and equals two-sided at 90%. */
	morph_stats_wilson(&lo, &hi, 81, 263, 0.90);
	T_ASSERT(near(lo1, lo, 1e-9) && near(hi1, hi, 1e-9));
}

static void
test_cluster(void)
{
	static const int k1[] = { 1, 1, 0, 1, 0, 1, 1, 1 };
	static const int n1[] = { 1, 1, 1, 1, 1, 1, 1, 1 };
	/* Every case all-or-nothing over its 5 samples: 4 of 8 cases. */
	static const int k5[] = { 5, 5, 0, 5, 0, 0, 5, 0 };
	static const int n5[] = { 5, 5, 5, 5, 5, 5, 5, 5 };
	/* Samples of a case as scattered as across cases: 20 of 40. */
	static const int kmix[] = { 3, 2, 3, 2, 3, 2, 3, 2 };
	static const int z[] = { 0, 0, 0 };
	static const int nz[] = { 4, 4, 0 };
	struct morph_stats_cluster c;

	/* One sample a case: the plain binomial, 6 of 8. */
	morph_stats_cluster(&c, k1, n1, 8);
	T_ASSERT(near(c.rate, 0.75, 1e-12) && near(c.neff, 8, 1e-9));
	T_INTEQ(c.cases, 8);
	/* Samples that always agree count as one: neff = cases. */
	morph_stats_cluster(&c, k5, n5, 8);
	T_ASSERT(near(c.rate, 0.5, 1e-12) && near(c.neff, 8, 1e-9));
	T_INTEQ(c.samples, 40);
	/* Samples that vary within cases count (at most) as many. */
	morph_stats_cluster(&c, kmix, n5, 8);
	T_ASSERT(near(c.rate, 0.5, 1e-12) && near(c.neff, 40, 1e-9));
	/* Never passing: the cases count, not the samples; none: -1. */
	morph_stats_cluster(&c, z, nz, 3);
	T_ASSERT(c.rate == 0 && near(c.neff, 2, 1e-12));
	morph_stats_cluster(&c, z, nz, 0);
	T_ASSERT(c.rate == -1);
}

static void
test_nearest_rank(void)
{
	static const int64_t v[] = { 15, 20, 35, 40, 50 };

	/* The nearest-rank method's worked example (5 values). */
	T_INTEQ(morph_stats_nearest_rank(v, 5, 0.05), 15);
	T_INTEQ(morph_stats_nearest_rank(v, 5, 0.30), 20);
	T_INTEQ(morph_stats_nearest_rank(v, 5, 0.40), 20);
	T_INTEQ(morph_stats_nearest_rank(v, 5, 0.50), 35);
	T_INTEQ(morph_stats_nearest_rank(v, 5, 1.0), 50);
	T_INTEQ(morph_stats_nearest_rank(v, 0, 0.5), -1);
}

static void
test_mcnemar(void)
{
	static const struct {
		int64_t	b, c;
		double	p;
	} cases[] = {
		{ 0, 0, 1.0 },
		{ 1, 0, 1.0 },
		{ 6, 0, 0.03125 },		/* 2 * 0.5^6 */
		{ 10, 2, 158.0 / 4096 },	/* 2 * (1 + 12 + 66) / 2^12 */
		{ 3, 3, 1.0 },
		{ 10, 0, 2.0 / 1024 },
		/*
		 * Fagerland, Lydersen and Laake, "The McNemar test for
		 * binary matched-pairs data", BMC Medical Research
		 * Methodology 13 (2013) 91: Bentur et al.'s airway data,
		 * 1 and 7 discordant pairs, exact conditional p = 0.070.
		 */
		{ 1, 7, 0.0703125 },
	};
	size_t i;
	double p;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		p = morph_stats_mcnemar_exact(cases[i].b, cases[i].c);
		if (!near(p, cases[i].p, 1e-9))
			T_FAIL("b=%lld c=%lld: p=%.10f, expected %.10f",
			    (long long)cases[i].b, (long long)cases[i].c, p,
			    cases[i].p);
	}
	/* Symmetric, and sane for large counts. */
	T_ASSERT(near(morph_stats_mcnemar_exact(2, 10),
	    morph_stats_mcnemar_exact(10, 2), 1e-12));
	p = morph_stats_mcnemar_exact(60000, 40000);
	T_ASSERT(p >= 0 && p < 1e-10);
	p = morph_stats_mcnemar_exact(50000, 50000);
	T_ASSERT(near(p, 1.0, 1e-9));
}

/*
 * Tango's 95% (or other) score interval of theta = (b - c) / n as it was
 * published, to the decimals printed: b pairs went 1 only, c 2 only.
 */
struct tango_case {
	const char	*what;
	double		 b, c, n, confidence;
	double		 lo, hi;	/* as printed */
	double		 ulp;		/* half a unit of the last decimal */
};

static void
check_tango(const struct tango_case *t)
{
	double lo, hi, z;

	morph_stats_tango_ci(&lo, &hi, t->b, t->c, t->n, t->confidence);
	if (!near(lo, t->lo, t->ulp) || !near(hi, t->hi, t->ulp))
		T_FAIL("%s: [%.5f, %.5f], published [%g, %g]", t->what, lo,
		    hi, t->lo, t->hi);
	/*
	 * The statistic itself, apart from the root finding: a bound is
	 * where Z is +-z, and Z falls as delta grows, so Z is above z just
	 * below the printed lower bound's rounding range and under it just
	 * above (and the mirror image at the upper bound, unless that is
	 * the end of the range).
	 */
	z = morph_stats_normal_quantile(1 - (1 - t->confidence) / 2);
	if (t->lo > -1 && !(morph_stats_tango_z(t->b, t->c, t->n,
	    t->lo - t->ulp) > z && morph_stats_tango_z(t->b, t->c, t->n,
	    t->lo + t->ulp) < z))
		T_FAIL("%s: Z does not cross %g at %g", t->what, z, t->lo);
	if (t->hi < 1 && !(morph_stats_tango_z(t->b, t->c, t->n,
	    t->hi - t->ulp) > -z && morph_stats_tango_z(t->b, t->c, t->n,
	    t->hi + t->ulp) < -z))
		T_FAIL("%s: Z does not cross %g at %g", t->what, -z, t->hi);
}

static void
test_tango(void)
{
	/*
	 * Every source writes the paired table with a (both), b (1 only),
	 * c (2 only), d (neither) and takes theta = (b - c) / n, as morph
	 * does (b the candidate only, c the baseline only), so the counts
	 * go in unchanged.
	 */
	static const struct tango_case cases[] = {
		/*
		 * Cavo et al. 2012, complete response before and after
		 * consolidation therapy, table (59, 6, 16, 80): "estimate =
		 * -0.0621 (95% CI -0.1240 to -0.0054)", printed by
		 * Tango_asymptotic_score_CI_paired_2x2 of the R package
		 * contingencytables, the companion of Fagerland, Lydersen
		 * and Laake, "Statistical Analysis of Contingency Tables"
		 * (ISBN 9781466588172), chapter 8, and checked in its
		 * tests/testthat/test-ch8.R.
		 */
		{ "Cavo", 6, 16, 161, 0.95, -0.1240, -0.0054, 5e-5 },
		/*
		 * The same tests: 3 pairs, all discordant one way (Tango's
		 * interval exists with off-diagonal zeros, McNemar's-type
		 * ones do not): "1.0000 (95% CI -0.1230 to 1.0000)" and its
		 * mirror image "-1.0000 (95% CI -1.0000 to 0.1230)".
		 */
		{ "3 of 3", 3, 0, 3, 0.95, -0.1230, 1.0, 5e-5 },
		{ "0 of 3", 0, 3, 3, 0.95, -1.0, 0.1230, 5e-5 },
		/*
		 * Bentur et al. 2009, airway hyper-responsiveness before
		 * and after stem cell transplantation, table (1, 1, 7, 12),
		 * the worked example of Fagerland, Lydersen and Laake,
		 * "Recommended tests and confidence intervals for paired
		 * binomial proportions", Statistics in Medicine 33 (2014)
		 * 2850-2875: Tango's interval -0.517 to -0.026, as the R
		 * package ratesci's tests of published examples record it
		 * (tests/testthat/test3.R, "paired methods examples from
		 * Fagerland et al 2014").
		 */
		{ "Bentur", 1, 7, 21, 0.95, -0.517, -0.026, 5e-4 },
		/*
		 * The same file: Agresti and Min, "Simple improved
		 * confidence intervals for comparing matched proportions",
		 * Statistics in Medicine 24 (2005) 729-740, table (53, 16,
		 * 8, 9): -0.020 to 0.207; and, under "Tango" (the paper is
		 * not named there), (4, 9, 3, 16): -0.027 to 0.390, and
		 * (43, 0, 1, 0) at 90%: -0.096 to 0.037.
		 */
		{ "Agresti-Min", 16, 8, 86, 0.95, -0.020, 0.207, 5e-4 },
		{ "(4, 9, 3, 16)", 9, 3, 32, 0.95, -0.027, 0.390, 5e-4 },
		{ "(43, 0, 1, 0)", 0, 1, 44, 0.90, -0.096, 0.037, 5e-4 },
	};
	double lo, hi, z, p;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_tango(&cases[i]);
	/*
	 * The non-inferiority test is the interval's one-sided half: with
	 * (43, 0, 1, 0) the 90% lower bound -0.096 means H0: theta <=
	 * -margin is rejected at 5% for a margin of 0.0965, not 0.0955.
	 */
	p = morph_stats_tango_noninferior(&z, 0, 1, 44, 0.0965);
	T_ASSERT(p < 0.05);
	p = morph_stats_tango_noninferior(&z, 0, 1, 44, 0.0955);
	T_ASSERT(p > 0.05);
	/* At delta 0 the statistic is McNemar's, (b - c) / sqrt(b + c). */
	T_ASSERT(near(morph_stats_tango_z(1, 7, 21, 0), -6 / sqrt(8), 1e-9));
	T_ASSERT(near(morph_stats_tango_z(40, 20, 160, 0), 20 / sqrt(60),
	    1e-9));
	/*
	 * Non-inferiority is the one-sided test at -margin: the interval's
	 * lower bound at 90% is above -margin exactly when p < 0.05.
	 */
	morph_stats_tango_ci(&lo, &hi, 6, 8, 100, 0.90);
	p = morph_stats_tango_noninferior(&z, 6, 8, 100, -lo + 0.001);
	T_ASSERT(p < 0.05);
	p = morph_stats_tango_noninferior(&z, 6, 8, 100, -lo - 0.001);
	T_ASSERT(p > 0.05);
	/* Identical outcomes: non-inferior at any margin, by the score. */
	p = morph_stats_tango_noninferior(&z, 0, 0, 30, 0.1);
	T_ASSERT(z > 0 && p < 0.05);
	p = morph_stats_tango_noninferior(&z, 0, 0, 0, 0.1);
	T_ASSERT(p == 1);
}

static void
test_paired(void)
{
	/*
	 * Student (1908) / Cushny and Peebles (1905), the "sleep" data:
	 * the differences of extra hours of sleep of the 10 patients
	 * between the two drugs; paired t = 4.0621 on 9 degrees of
	 * freedom, two-sided p = 0.002833 (as R's t.test(paired = TRUE)
	 * prints it).
	 */
	static const double d[] = { 1.2, 2.4, 1.3, 1.3, 0.0, 1.0, 1.8, 0.8,
	    4.6, 1.4 };
	static const double same[] = { 0, 0, 0, 0 };
	double t, p;

	p = morph_stats_paired_noninferior(&t, d, 10, 0);
	T_ASSERT(near(t, 4.0621, 5e-5));
	T_ASSERT(near(2 * p, 0.002833, 5e-7));
	/* A margin moves the null: t = (mean + margin) / se. */
	p = morph_stats_paired_noninferior(&t, d, 10, 0.5);
	T_ASSERT(near(t, (1.58 + 0.5) / (1.58 / 4.0621), 1e-3));
	p = morph_stats_paired_noninferior(&t, same, 4, 0.1);
	T_ASSERT(p == 0);
	p = morph_stats_paired_noninferior(&t, same, 4, 0);
	T_ASSERT(p == 1);
	p = morph_stats_paired_noninferior(&t, d, 1, 0.1);
	T_ASSERT(p == 1);
}

static const struct test tests[] = {
	TEST(test_normal),
	TEST(test_t),
	TEST(test_wilson),
	TEST(test_cluster),
	TEST(test_nearest_rank),
	TEST(test_mcnemar),
	TEST(test_tango),
	TEST(test_paired),
};

TEST_MAIN(tests)
