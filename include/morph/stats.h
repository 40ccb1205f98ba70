/*
 * Statistics for judging pass rates: Wilson score intervals (plain and
 * clustered by case), McNemar's exact test, Tango's score test for paired
 * proportions and a paired t test on per-case pass rates.  morph eval,
 * the merge gate, morph compare and morph select all use these; the
 * formulas are written out in morph-select(1).
 *
 * Every function is pure: no allocation, no error, defined for every
 * input (an empty sample gives the widest interval or a p-value of 1).
 */
#ifndef MORPH_STATS_H
#define MORPH_STATS_H

#include <stddef.h>
#include <stdint.h>

/* The standard normal distribution function and its inverse (0 < p < 1). */
double	morph_stats_normal_cdf(double x);
double	morph_stats_normal_quantile(double p);

/* P(T <= t) for Student's t with df degrees of freedom (df > 0). */
double	morph_stats_t_cdf(double t, double df);

/*
 * The two-sided Wilson score interval of k passes in n at a confidence
 * level (0.95 when out of (0, 1)); [0, 1] when n is 0.  k and n may be
 * fractional (an effective sample size).
 */
void	morph_stats_wilson(double *lo, double *hi, double k, double n,
	    double confidence);

/*
 * The one-sided Wilson bounds at level alpha: the rate is at least *lo
 * with confidence 1 - alpha, and at most *hi with the same confidence.
 */
void	morph_stats_wilson_bounds(double *lo, double *hi, double k, double n,
	    double alpha);

/*
 * A pass rate over cases with several samples each: case i passed k[i]
 * of its n[i] samples.  Samples of one case are not independent, so the
 * rate's variance is the cluster-robust (sandwich) one,
 * sum_i (k_i - p n_i)^2 / N^2, turned into an effective sample size
 * p (1 - p) / var, never more than N samples nor fewer than the number
 * of cases with samples (when p is 0 or 1 the variance is 0 and the
 * effective size is that number of cases).  *rate is p, *neff that size;
 * then Wilson's interval is taken at (p neff, neff).
 */
struct morph_stats_cluster {
	double	rate;		/* passes / samples; -1 when no sample */
	double	neff;		/* effective sample size */
	int64_t	cases;		/* cases with samples */
	int64_t	samples;
	int64_t	passes;
};
void	morph_stats_cluster(struct morph_stats_cluster *out,
	    const int *k, const int *n, size_t ncases);

/*
 * The nearest-rank percentile p (0 < p <= 1) of n sorted values: the
 * value at rank ceil(p n); -1 when n is 0.
 */
int64_t	morph_stats_nearest_rank(const int64_t *sorted, size_t n, double p);

/*
 * McNemar's exact test, two-sided, of b pairs that went one way and c the
 * other: p = 2 P(X <= min(b, c)), X ~ Binomial(b + c, 1/2), at most 1.
 */
double	morph_stats_mcnemar_exact(int64_t b, int64_t c);

/*
 * Tango's score statistic (Tango 1998) for the difference of paired
 * proportions theta = p1 - p2 = (b - c) / n against theta = delta, where
 * of n pairs b passed under 1 only and c under 2 only:
 * Z = (b - c - n delta) / sqrt(n (2 q + delta (1 - delta))), q the
 * maximum likelihood estimate of P(pass under 2 only) when theta = delta.
 * Counts may be fractional.  0 when n is 0.
 */
double	morph_stats_tango_z(double b, double c, double n, double delta);

/* Tango's score interval of theta at a two-sided confidence level. */
void	morph_stats_tango_ci(double *lo, double *hi, double b, double c,
	    double n, double confidence);

/*
 * Non-inferiority of 1 (a candidate) to 2 (the baseline) at margin
 * (H0: theta <= -margin), one-sided.  Single samples: Tango's test;
 * *z is its statistic and the p-value is returned.
 */
double	morph_stats_tango_noninferior(double *z, double b, double c,
	    double n, double margin);

/*
 * The power of that test with n pairs when, in truth, a pair passes under
 * 1 only with probability p10 and under 2 only with p01 (Nam 1997's
 * normal approximation): Phi((sqrt(n) (theta + margin) - z s0) / s1),
 * theta = p10 - p01, s1^2 = p10 + p01 - theta^2 the variance of a pair's
 * difference, s0^2 = 2 q + delta (1 - delta) its variance under H0 (q as
 * in Tango's statistic, at the expected counts), z = Phi^-1(1 - alpha).
 */
double	morph_stats_tango_power(double p10, double p01, double n,
	    double margin, double alpha);

/*
 * The same for repeated samples, on the per-case differences of pass
 * rates d_i: t = (mean(d) + margin) / (sd(d) / sqrt(n)) with n - 1
 * degrees of freedom, one-sided; *t is the statistic, the p-value is
 * returned.  With n < 2 the p-value is 1; with sd(d) = 0 it is 0 when
 * mean(d) + margin > 0, else 1.
 */
double	morph_stats_paired_noninferior(double *t, const double *d, size_t n,
	    double margin);

#endif
