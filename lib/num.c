/*
 * Strict parsing of numbers written as text (see num.h).  The grammar is
 * checked here, by hand; strtod(3) only converts what passed, with the
 * locale's decimal point put in, as cJSON does.  And the short form of
 * counts that tables show.
 */
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "morph/num.h"

/* s as it may appear in a message: printable and at most 40 bytes. */
static void
quote(char *out, size_t size, const char *s)
{
	size_t i, n = strlen(s), max = size - 4;

	for (i = 0; i < n && i < max; i++)
		out[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' :
		    s[i];
	out[i] = '\0';
	if (n > max)
		memcpy(out + max - 3, "...", 4);
}

static const struct morph_error *
bad(const char *what, const char *want, const char *s)
{
	char q[44];

	quote(q, sizeof(q), s);
	return morph_error_fmt(MORPH_ERR_INVALID, "%s needs %s, not '%s'",
	    what, want, q);
}

static int
digit(char c)
{
	return c >= '0' && c <= '9';
}

const struct morph_error *
morph_num_int(int64_t *out, const char *what, const char *s, int64_t lo,
    int64_t hi)
{
	const char *p = s;
	uint64_t v = 0, limit;
	int64_t n;
	char want[96];
	int neg;

	if (hi == INT64_MAX)
		snprintf(want, sizeof(want), "a whole number, %lld or more",
		    (long long)lo);
	else
		snprintf(want, sizeof(want), "a whole number from %lld to "
		    "%lld", (long long)lo, (long long)hi);
	neg = *p == '-';
	if (neg)
		p++;
	if (!digit(*p))
		return bad(what, want, s);
	/* INT64_MIN's magnitude is one more than INT64_MAX. */
	limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; digit(*p); p++) {
		if (v > (limit - (uint64_t)(*p - '0')) / 10)
			return bad(what, want, s);	/* overflow */
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (*p != '\0')
		return bad(what, want, s);
	if (neg)
		n = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
	else
		n = (int64_t)v;
	if (n < lo || n > hi)
		return bad(what, want, s);
	*out = n;
	return NULL;
}

/* The length of the number at the start of s, or 0 when there is none. */
static size_t
real_len(const char *s)
{
	const char *p = s;
	int digits = 0;

	if (*p == '-')
		p++;
	for (; digit(*p); p++)
		digits++;
	if (*p == '.')
		for (p++; digit(*p); p++)
			digits++;
	if (digits == 0)
		return 0;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '-' || *p == '+')
			p++;
		if (!digit(*p))
			return 0;
		while (digit(*p))
			p++;
	}
	return (size_t)(p - s);
}

const struct morph_error *
morph_num_real(double *out, const char *what, const char *s, double lo,
    double hi, int flags)
{
	const char *point = localeconv()->decimal_point;
	char want[128], copy[400], *end, *dot;
	size_t n = real_len(s);
	double v;

	if (flags == (MORPH_NUM_OPEN_LO | MORPH_NUM_OPEN_HI))
		snprintf(want, sizeof(want), "a number strictly between "
		    "%.15g and %.15g", lo, hi);
	else if (flags == MORPH_NUM_OPEN_LO)
		snprintf(want, sizeof(want), "a number greater than %.15g "
		    "and at most %.15g", lo, hi);
	else if (flags == MORPH_NUM_OPEN_HI)
		snprintf(want, sizeof(want), "a number at least %.15g and "
		    "less than %.15g", lo, hi);
	else
		snprintf(want, sizeof(want), "a number from %.15g to %.15g",
		    lo, hi);
	if (n == 0 || s[n] != '\0' || n >= sizeof(copy))
		return bad(what, want, s);
	memcpy(copy, s, n + 1);
	if ((dot = strchr(copy, '.')) != NULL && point != NULL &&
	    point[0] != '\0' && point[1] == '\0')
		*dot = point[0];
	errno = 0;
	v = strtod(copy, &end);
	if (*end != '\0' || errno == ERANGE || !isfinite(v))
		return bad(what, want, s);
	if (v < lo || v > hi || ((flags & MORPH_NUM_OPEN_LO) && v == lo) ||
	    ((flags & MORPH_NUM_OPEN_HI) && v == hi))
		return bad(what, want, s);
	*out = v;
	return NULL;
}

void
morph_num_human(char *buf, size_t size, int64_t n)
{
	if (n >= 1000000)
		snprintf(buf, size, "%.1fM", (double)n / 1e6);
	else if (n >= 1000)
		snprintf(buf, size, "%.1fk", (double)n / 1e3);
	else if (n > -1000)
		snprintf(buf, size, "%d", (int)n);	/* fits any buffer here */
	else
		snprintf(buf, size, "%.1fk", (double)n / 1e3);
}
