/*
 * Dates as users type them: every accepted form, in UTC and in a zone
 * with daylight saving time, and what is refused.
 */
#include <stdlib.h>
#include <time.h>

#include "test.h"
#include "morph/date.h"

/* 2026-12-05 06:08:33 UTC, a Saturday. */
#define NOW	((int64_t)1796450913)

static void
zone_set(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

static void
ok(const char *s, int64_t want)
{
	int64_t got = -1;

	T_OK(morph_date_parse(&got, s, NOW));
	if (got != want)
		T_FAIL("'%s' is %lld, expected %lld", s, (long long)got,
		    (long long)want);
}

static void
refused(const char *s)
{
	const struct morph_error *err;
	int64_t got = 7;

	err = morph_date_parse(&got, s, NOW);
	T_ERR(err, MORPH_ERR_INVALID);
	if (err != NULL)
		T_CONTAINS(err->msg, "as a date: give YYYY-MM-DD");
	T_INTEQ(got, 7);
}

static void
test_absolute_utc(void)
{
	zone_set("UTC");
	ok("2024-01-15", 1705276800);
	ok("2024-01-15 10:00", 1705312800);
	ok("2024-01-15T10:00:00", 1705312800);
	ok("2024-01-15t10:00:07", 1705312807);
	ok("2024-01-15T10:00:00Z", 1705312800);
	ok("2024-01-15 10:00:00 +0200", 1705305600);
	ok("2024-01-15 10:00:00+02:00", 1705305600);
	ok("2024-01-15 10:00 -0130", 1705318200);
	ok("2024-02-29", 1709164800);		/* a leap day */
	ok("1970-01-01", 0);
	ok("@1700000000", 1700000000);
	ok("@0", 0);
}

static void
test_absolute_local(void)
{
	/* Paris: +0100 in winter, +0200 in summer. */
	zone_set("Europe/Paris");
	ok("2024-01-15", 1705273200);
	ok("2024-01-15 10:00", 1705309200);
	ok("2024-07-01 12:00", 1719828000);
	ok("2024-07-01 12:00 Z", 1719835200);
	zone_set("UTC");
}

static void
test_relative(void)
{
	zone_set("UTC");
	ok("now", NOW);
	ok("NOW", NOW);
	ok("yesterday", NOW - 86400);
	ok("Yesterday", NOW - 86400);
	ok("2 weeks ago", NOW - 14 * 86400);
	ok("2.weeks.ago", NOW - 14 * 86400);
	ok("1 week ago", NOW - 7 * 86400);
	ok("3 days ago", NOW - 3 * 86400);
	ok("3 days", NOW - 3 * 86400);
	ok("1 day ago", NOW - 86400);
	ok("90 minutes ago", NOW - 5400);
	ok("1 hour ago", NOW - 3600);
	ok("10 seconds ago", NOW - 10);
	ok("0 days ago", NOW);
	ok("2 Days Ago", NOW - 2 * 86400);
	/* On the calendar: 2026-11-05 and 2025-12-05, same time of day. */
	ok("1 month ago", 1793858913);
	ok("1 year ago", 1764914913);
	ok("12 months ago", 1764914913);
}

static void
test_refused(void)
{
	zone_set("UTC");
	refused("");
	refused("junk");
	refused("today");
	refused("last week");
	refused("2024-13-01");
	refused("2024-02-30");
	refused("2023-02-29");
	refused("2024-01-15 25:00");
	refused("2024-01-15 10:60");
	refused("2024-01-15 10:00:61");
	refused("2024-01-15 10");
	refused("2024-01-15x");
	refused("2024-01-15 10:00 +2500");
	refused("2024-01-15 10:00 CET");
	refused("2024-1-15");
	refused("1969-12-31");
	refused("1700000000");
	refused("@");
	refused("@-1");
	refused("@12x");
	refused("2 fortnights ago");
	refused("weeks ago");
	refused("-2 weeks ago");
	refused("2 weeks from now");
	refused("2 weeks ago ago");
	refused("2 weekss ago");
	refused("9999999999 days ago");
	refused("yesterday noon");
}

static const struct test tests[] = {
	TEST(test_absolute_utc),
	TEST(test_absolute_local),
	TEST(test_relative),
	TEST(test_refused),
};

TEST_MAIN(tests)
