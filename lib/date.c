/*
 * Dates as users type them (see date.h): parsed by hand, each form in
 * full, so that a date that does not parse is an error and never a time
 * made up from part of it.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "morph/date.h"
#include "path_int.h"
#include "prices_int.h"	/* morph_days_from_civil */

#define SECONDS_DAY	86400

static const struct morph_error *
bad(const char *s)
{
	struct morph_buf q = MORPH_BUF_INIT;
	const struct morph_error *err;

	morph_path_printable(&q, s);
	err = morph_error_fmt(MORPH_ERR_INVALID, "cannot read '%s' as a "
	    "date: give YYYY-MM-DD, YYYY-MM-DD HH:MM[:SS] [+hhmm|Z], "
	    "'N days ago' (seconds, minutes, hours, days, weeks, months, "
	    "years), 'yesterday', 'now' or @SECONDS",
	    morph_buf_cstr(&q));
	morph_buf_release(&q);
	return err;
}

/* Exactly n decimal digits at *p, as a number; -1 if not. */
static int
digits(const char **p, int n)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	return v;
}

static int
month_days(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

/*
 * A zone at p: "Z", "+hhmm", "-hhmm", "+hh:mm" or "-hh:mm", nothing after
 * it.  Sets *east to minutes east of UTC.
 */
static int
zone(const char *p, int *east)
{
	int sign, h, m;

	if ((*p == 'Z' || *p == 'z') && p[1] == '\0') {
		*east = 0;
		return 0;
	}
	if (*p != '+' && *p != '-')
		return -1;
	sign = *p++ == '-' ? -1 : 1;
	if ((h = digits(&p, 2)) < 0)
		return -1;
	if (*p == ':')
		p++;
	if ((m = digits(&p, 2)) < 0 || *p != '\0' || h > 23 || m > 59)
		return -1;
	*east = sign * (h * 60 + m);
	return 0;
}

/* YYYY-MM-DD, then an optional time and zone. */
static int
absolute(int64_t *out, const char *p)
{
	struct tm tm;
	time_t t;
	int y, mo, d, h = 0, mi = 0, se = 0, east, has_zone = 0;

	if ((y = digits(&p, 4)) < 0 || *p++ != '-' ||
	    (mo = digits(&p, 2)) < 0 || *p++ != '-' ||
	    (d = digits(&p, 2)) < 0)
		return -1;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo))
		return -1;
	if (*p == ' ' || *p == 'T' || *p == 't') {
		p++;
		if ((h = digits(&p, 2)) < 0 || *p++ != ':' ||
		    (mi = digits(&p, 2)) < 0)
			return -1;
		if (*p == ':' && (p++, (se = digits(&p, 2)) < 0))
			return -1;
		if (h > 23 || mi > 59 || se > 59)
			return -1;
		if (*p == ' ' && p[1] != '\0')
			p++;
		if (*p != '\0') {
			if (zone(p, &east) != 0)
				return -1;
			has_zone = 1;
		}
	} else if (*p != '\0')
		return -1;
	if (has_zone) {
		*out = morph_days_from_civil(y, mo, d) * SECONDS_DAY +
		    h * 3600 + mi * 60 + se - (int64_t)east * 60;
		return 0;
	}
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	tm.tm_isdst = -1;
	if ((t = mktime(&tm)) == (time_t)-1)
		return -1;
	*out = (int64_t)t;
	return 0;
}

/* The next word of a relative date, ended by a blank, a dot or the end. */
static size_t
word(const char **p)
{
	size_t n;

	while (**p == ' ' || **p == '.')
		(*p)++;
	n = strcspn(*p, " .");
	return n;
}

static int
word_is(const char *w, size_t n, const char *want)
{
	return n == strlen(want) && strncasecmp(w, want, n) == 0;
}

/* "N UNIT [ago]". */
static int
relative(int64_t *out, const char *p, int64_t now)
{
	static const struct {
		const char	*name;
		int64_t		 seconds;	/* 0: on the calendar */
		int		 months;
	} units[] = {
		{ "second", 1, 0 }, { "minute", 60, 0 }, { "hour", 3600, 0 },
		{ "day", SECONDS_DAY, 0 }, { "week", 7 * SECONDS_DAY, 0 },
		{ "month", 0, 1 }, { "year", 0, 12 },
	};
	const char *w;
	struct tm tm;
	time_t t = (time_t)now;
	int64_t n = 0;
	size_t len, i, ulen;

	w = p;
	len = word(&w);
	if (len == 0 || len > 9)
		return -1;
	for (i = 0; i < len; i++) {
		if (!isdigit((unsigned char)w[i]))
			return -1;
		n = n * 10 + (w[i] - '0');
	}
	w += len;
	len = word(&w);
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		ulen = strlen(units[i].name);
		if ((len == ulen || (len == ulen + 1 &&
		    (w[ulen] == 's' || w[ulen] == 'S'))) &&
		    strncasecmp(w, units[i].name, ulen) == 0)
			break;
	}
	if (i == sizeof(units) / sizeof(units[0]))
		return -1;
	w += len;
	len = word(&w);
	if (len > 0 && !word_is(w, len, "ago"))
		return -1;
	w += len;
	if (word(&w) != 0 || *w != '\0')
		return -1;
	if (units[i].seconds > 0) {
		*out = now - n * units[i].seconds;
		return 0;
	}
	/* Months and years go back on the calendar, as git does. */
	if (n > 12 * 10000 || localtime_r(&t, &tm) == NULL)
		return -1;
	n *= units[i].months;
	tm.tm_year -= (int)(n / 12);
	tm.tm_mon -= (int)(n % 12);
	tm.tm_isdst = -1;
	if ((t = mktime(&tm)) == (time_t)-1)
		return -1;
	*out = (int64_t)t;
	return 0;
}

const struct morph_error *
morph_date_parse(int64_t *out, const char *s, int64_t now)
{
	const char *p;
	int64_t v = 0;

	if (s[0] == '@' && s[1] != '\0' && strlen(s + 1) <= 15 &&
	    strspn(s + 1, "0123456789") == strlen(s + 1)) {
		for (p = s + 1; *p != '\0'; p++)
			v = v * 10 + (*p - '0');
		*out = v;
		return NULL;
	}
	if (strcasecmp(s, "now") == 0) {
		*out = now;
		return NULL;
	}
	if (strcasecmp(s, "yesterday") == 0) {
		*out = now - SECONDS_DAY;
		return NULL;
	}
	if (isdigit((unsigned char)s[0]) && strlen(s) >= 10 && s[4] == '-' &&
	    absolute(out, s) == 0)
		return NULL;
	if (relative(out, s, now) == 0)
		return NULL;
	return bad(s);
}
