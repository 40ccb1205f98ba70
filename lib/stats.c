/*
 * Statistics for judging pass rates (see include/morph/stats.h).  The
 * normal quantile is Acklam's rational approximation (relative error
 * below 1.2e-9); Student's t goes through the regularised incomplete
 * beta function, by its continued fraction (Lentz's method).
 */
#include <math.h>

#include "morph/stats.h"

double
morph_stats_normal_cdf(double x)
{
	return 0.5 * erfc(-x / sqrt(2.0));
}

double
morph_stats_normal_quantile(double p)
{
	static const double a[] = { -3.969683028665376e+01,
	    2.209460984245205e+02, -2.759285104469687e+02,
	    1.383577518672690e+02, -3.066479806614716e+01,
	    2.506628277459239e+00 };
	static const double b[] = { -5.447609879822406e+01,
	    1.615858368580409e+02, -1.556989798598866e+02,
	    6.680131188771972e+01, -1.328068155288572e+01 };
	static const double c[] = { -7.784894002430293e-03,
	    -3.223964580411365e-01, -2.400758277161838e+00,
	    -2.549732539343734e+00, 4.374664141464968e+00,
	    2.938163982698783e+00 };
	static const double d[] = { 7.784695709041462e-03,
	    3.224671290700398e-01, 2.445134137142996e+00,
	    3.754408661907416e+00 };
	double q, r;

	if (p <= 0 || p >= 1)
		return 0;
	if (p < 0.02425) {
		q = sqrt(-2 * log(p));
		return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q +
		    c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q +
		    d[3]) * q + 1);
	}
	if (p > 1 - 0.02425)
		return -morph_stats_normal_quantile(1 - p);
	q = p - 0.5;
	r = q * q;
	return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r +
	    a[5]) * q / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r +
	    b[4]) * r + 1);
}

/* The continued fraction of the incomplete beta function. */
static double
beta_cf(double a, double b, double x)
{
	const double tiny = 1e-300;
	double c = 1, d, h, num, aa;
	int m, m2;

	d = 1 - (a + b) * x / (a + 1);
	if (fabs(d) < tiny)
		d = tiny;
	d = 1 / d;
	h = d;
	for (m = 1; m <= 300; m++) {
		m2 = 2 * m;
		aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
		d = 1 + aa * d;
		d = fabs(d) < tiny ? tiny : d;
		c = 1 + aa / c;
		c = fabs(c) < tiny ? tiny : c;
		d = 1 / d;
		h *= d * c;
		aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
		d = 1 + aa * d;
		d = fabs(d) < tiny ? tiny : d;
		c = 1 + aa / c;
		c = fabs(c) < tiny ? tiny : c;
		d = 1 / d;
		num = d * c;
		h *= num;
		if (fabs(num - 1) < 1e-15)
			break;
	}
	return h;
}

/* The regularised incomplete beta function I_x(a, b). */
static double
beta_inc(double a, double b, double x)
{
	double front;

	if (x <= 0)
		return 0;
	if (x >= 1)
		return 1;
	front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) +
	    b * log(1 - x));
	/* The fraction converges fast on this side of the mean. */
	if (x < (a + 1) / (a + b + 2))
		return front * beta_cf(a, b, x) / a;
	return 1 - front * beta_cf(b, a, 1 - x) / b;
}

double
morph_stats_t_cdf(double t, double df)
{
	double tail;

	if (df <= 0)
		return 0.5;
	if (isinf(t))
		return t > 0 ? 1 : 0;
	tail = 0.5 * beta_inc(df / 2, 0.5, df / (df + t * t));
	return t > 0 ? 1 - tail : tail;
}

/* Wilson's interval for a normal deviate z, clipped to [0, 1]. */
static void
wilson_z(double *lo, double *hi, double k, double n, double z)
{
	double p, z2, den, center, half;

	if (n <= 0) {
		*lo = 0;
		*hi = 1;
		return;
	}
	p = k / n;
	z2 = z * z;
	den = 1 + z2 / n;
	center = (p + z2 / (2 * n)) / den;
	half = z * sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / den;
	*lo = center - half < 0 ? 0 : center - half;
	*hi = center + half > 1 ? 1 : center + half;
	/* Exact at the ends, whatever the rounding. */
	if (k <= 0)
		*lo = 0;
	if (k >= n)
		*hi = 1;
}

void
morph_stats_wilson(double *lo, double *hi, double k, double n,
    double confidence)
{
	if (confidence <= 0 || confidence >= 1)
		confidence = 0.95;
	wilson_z(lo, hi, k, n,
	    morph_stats_normal_quantile(1 - (1 - confidence) / 2));
}

void
morph_stats_wilson_bounds(double *lo, double *hi, double k, double n,
    double alpha)
{
	if (alpha <= 0 || alpha >= 1)
		alpha = 0.05;
	wilson_z(lo, hi, k, n, morph_stats_normal_quantile(1 - alpha));
}

void
morph_stats_cluster(struct morph_stats_cluster *out, const int *k,
    const int *n, size_t ncases)
{
	double p, var = 0, r, total;
	size_t i;

	out->rate = -1;
	out->neff = 0;
	out->cases = out->samples = out->passes = 0;
	for (i = 0; i < ncases; i++) {
		if (n[i] <= 0)
			continue;
		out->cases++;
		out->samples += n[i];
		out->passes += k[i];
	}
	if (out->samples == 0)
		return;
	total = (double)out->samples;
	p = (double)out->passes / total;
	out->rate = p;
	for (i = 0; i < ncases; i++) {
		if (n[i] <= 0)
			continue;
		r = (double)k[i] - p * (double)n[i];
		var += r * r;
	}
	var /= total * total;
	if (var <= 0)
		out->neff = (double)out->cases;
	else
		out->neff = p * (1 - p) / var;
	/*
	 * Repeats never make a case count for less than one sample, nor
	 * (with negative correlation, which chance alone can show) for
	 * more than its samples.
	 */
	if (out->neff < (double)out->cases)
		out->neff = (double)out->cases;
	if (out->neff > total)
		out->neff = total;
}

int64_t
morph_stats_nearest_rank(const int64_t *sorted, size_t n, double p)
{
	size_t k;

	if (n == 0)
		return -1;
	k = (size_t)ceil(p * (double)n);
	if (k > n)
		k = n;
	return sorted[k > 0 ? k - 1 : 0];
}

double
morph_stats_mcnemar_exact(int64_t b, int64_t c)
{
	int64_t n = b + c, k = b < c ? b : c, i;
	double sum = 0, lchoose;

	if (n == 0)
		return 1;
	/* Summed in log space so that large counts stay exact enough. */
	for (i = 0; i <= k; i++) {
		lchoose = lgamma((double)n + 1) - lgamma((double)i + 1) -
		    lgamma((double)(n - i) + 1);
		sum += exp(lchoose - (double)n * log(2.0));
	}
	sum *= 2;
	return sum > 1 ? 1 : sum;
}

/*
 * The maximum likelihood estimate of P(pass under 2 only) with the
 * difference fixed at delta: the root in [0, 1] of A q^2 + B q + C = 0.
 */
static double
tango_q(double b, double c, double n, double delta)
{
	double A, B, C, disc;

	A = 2 * n;
	B = -b - c + (2 * n - b + c) * delta;
	C = -c * delta * (1 - delta);
	disc = B * B - 4 * A * C;
	return (sqrt(disc > 0 ? disc : 0) - B) / (2 * A);
}

double
morph_stats_tango_z(double b, double c, double n, double delta)
{
	double q, var;

	if (n <= 0)
		return 0;
	q = tango_q(b, c, n, delta);
	var = n * (2 * q + delta * (1 - delta));
	if (var <= 0) {
		/* Nothing varies: the difference is delta or it is not. */
		if (b - c - n * delta > 1e-12)
			return HUGE_VAL;
		if (b - c - n * delta < -1e-12)
			return -HUGE_VAL;
		return 0;
	}
	return (b - c - n * delta) / sqrt(var);
}

/* The delta in [lo, hi] where Tango's Z crosses target (Z falls with it). */
static double
tango_root(double b, double c, double n, double target, double lo, double hi)
{
	double mid;
	int i;

	for (i = 0; i < 200 && hi - lo > 1e-12; i++) {
		mid = (lo + hi) / 2;
		if (morph_stats_tango_z(b, c, n, mid) > target)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2;
}

void
morph_stats_tango_ci(double *lo, double *hi, double b, double c, double n,
    double confidence)
{
	double z, est;

	if (n <= 0) {
		*lo = -1;
		*hi = 1;
		return;
	}
	if (confidence <= 0 || confidence >= 1)
		confidence = 0.95;
	z = morph_stats_normal_quantile(1 - (1 - confidence) / 2);
	est = (b - c) / n;
	*lo = est <= -1 ? -1 : tango_root(b, c, n, z, -1, est);
	*hi = est >= 1 ? 1 : tango_root(b, c, n, -z, est, 1);
}

double
morph_stats_tango_noninferior(double *z, double b, double c, double n,
    double margin)
{
	*z = morph_stats_tango_z(b, c, n, -margin);
	if (n <= 0)
		return 1;
	return 1 - morph_stats_normal_cdf(*z);
}

double
morph_stats_tango_power(double p10, double p01, double n, double margin,
    double alpha)
{
	double theta = p10 - p01, delta = -margin, s0, s1, z;

	if (n <= 0 || alpha <= 0 || alpha >= 1)
		return 0;
	s0 = sqrt(2 * tango_q(p10, p01, 1, delta) + delta * (1 - delta));
	s1 = sqrt(p10 + p01 - theta * theta);
	z = morph_stats_normal_quantile(1 - alpha);
	if (s1 <= 0)
		return theta > delta ? 1 : 0;
	return morph_stats_normal_cdf((sqrt(n) * (theta - delta) - z * s0) /
	    s1);
}

double
morph_stats_paired_noninferior(double *t, const double *d, size_t n,
    double margin)
{
	double mean = 0, ss = 0, sd;
	size_t i;

	*t = 0;
	if (n < 2)
		return 1;
	for (i = 0; i < n; i++)
		mean += d[i];
	mean /= (double)n;
	for (i = 0; i < n; i++)
		ss += (d[i] - mean) * (d[i] - mean);
	sd = sqrt(ss / (double)(n - 1));
	if (sd <= 1e-12) {
		*t = mean + margin > 0 ? HUGE_VAL : -HUGE_VAL;
		return mean + margin > 0 ? 0 : 1;
	}
	*t = (mean + margin) / (sd / sqrt((double)n));
	return 1 - morph_stats_t_cdf(*t, (double)(n - 1));
}
