/*
 * Strict numbers from text: what each parser takes, what it refuses, and
 * the message that names the option and quotes the value; and counts
 * written short.
 */
#include <locale.h>
#include <stdint.h>

#include "test.h"
#include "morph/num.h"

static void
test_int(void)
{
	static const struct {
		const char	*s;
		int64_t		 lo, hi;
		int		 ok;
		int64_t		 want;
	} cases[] = {
		{ "0", 0, 10, 1, 0 },
		{ "7", 1, 10, 1, 7 },
		{ "010", 0, 100, 1, 10 },	/* decimal, never octal */
		{ "-5", -10, 10, 1, -5 },
		{ "-0", 0, 10, 1, 0 },
		{ "1000", 1, 1000, 1, 1000 },
		{ "9223372036854775807", 0, INT64_MAX, 1, INT64_MAX },
		{ "-9223372036854775808", INT64_MIN, 0, 1, INT64_MIN },
		{ "9223372036854775808", 0, INT64_MAX, 0, 0 },	/* overflow */
		{ "-9223372036854775809", INT64_MIN, 0, 0, 0 },
		{ "99999999999999999999999", 0, INT64_MAX, 0, 0 },
		{ "1001", 1, 1000, 0, 0 },
		{ "0", 1, 1000, 0, 0 },
		{ "-1", 0, 1000, 0, 0 },
		{ "", 0, 10, 0, 0 },
		{ "-", 0, 10, 0, 0 },
		{ "0x10", 0, 100, 0, 0 },
		{ "0X10", 0, 100, 0, 0 },
		{ "+5", 0, 10, 0, 0 },
		{ " 5", 0, 10, 0, 0 },
		{ "5 ", 0, 10, 0, 0 },
		{ "5\n", 0, 10, 0, 0 },
		{ "5s", 0, 10, 0, 0 },
		{ "1.0", 0, 10, 0, 0 },
		{ "1e3", 0, 10000, 0, 0 },
		{ "nan", 0, 10, 0, 0 },
		{ "inf", 0, 10, 0, 0 },
		{ "--5", -10, 10, 0, 0 },
	};
	size_t i;
	int64_t v;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct morph_error *err;

		v = 42;
		err = morph_num_int(&v, "-j", cases[i].s, cases[i].lo,
		    cases[i].hi);
		if (cases[i].ok && err != NULL)
			T_FAIL("'%s' refused: %s", cases[i].s, err->msg);
		else if (cases[i].ok && v != cases[i].want)
			T_FAIL("'%s' read as %lld", cases[i].s, (long long)v);
		else if (!cases[i].ok && err == NULL)
			T_FAIL("'%s' accepted as %lld", cases[i].s,
			    (long long)v);
		else if (!cases[i].ok) {
			T_INTEQ(err->code, MORPH_ERR_INVALID);
			T_INTEQ(v, 42);		/* untouched */
		}
	}
}

static void
test_real(void)
{
	static const struct {
		const char	*s;
		double		 lo, hi;
		int		 flags;
		int		 ok;
		double		 want;
	} cases[] = {
		{ "0", 0, 1e6, 0, 1, 0 },
		{ "2.5", 0, 1e6, 0, 1, 2.5 },
		{ ".5", 0, 1, 0, 1, 0.5 },
		{ "5.", 0, 10, 0, 1, 5 },
		{ "0.05", 0, 1, MORPH_NUM_OPEN_LO | MORPH_NUM_OPEN_HI, 1,
		  0.05 },
		{ "1e-3", 0, 1, 0, 1, 0.001 },
		{ "1E2", 0, 1000, 0, 1, 100 },
		{ "2.5e+1", 0, 1000, 0, 1, 25 },
		{ "-1.5", -2, 2, 0, 1, -1.5 },
		{ "1000000", 0, 1e6, 0, 1, 1e6 },
		{ "1000000.01", 0, 1e6, 0, 0, 0 },
		{ "0", 0, 1, MORPH_NUM_OPEN_LO, 0, 0 },
		{ "1", 0, 1, MORPH_NUM_OPEN_HI, 0, 0 },
		{ "1", 0, 1, MORPH_NUM_OPEN_LO, 1, 1 },
		{ "-0.01", 0, 1, 0, 0, 0 },
		{ "", 0, 1, 0, 0, 0 },
		{ ".", 0, 1, 0, 0, 0 },
		{ "-", 0, 1, 0, 0, 0 },
		{ "e5", 0, 1e6, 0, 0, 0 },
		{ "1e", 0, 1e6, 0, 0, 0 },
		{ "1e+", 0, 1e6, 0, 0, 0 },
		{ "nan", -1e9, 1e9, 0, 0, 0 },
		{ "NaN", -1e9, 1e9, 0, 0, 0 },
		{ "-nan", -1e9, 1e9, 0, 0, 0 },
		{ "inf", 0, 1e308, 0, 0, 0 },
		{ "-inf", -1e308, 0, 0, 0, 0 },
		{ "infinity", 0, 1e308, 0, 0, 0 },
		{ "1e999", 0, 1e308, 0, 0, 0 },		/* overflow */
		{ "1e-400", 0, 1, 0, 0, 0 },		/* underflow */
		{ "0x10", 0, 100, 0, 0, 0 },
		{ "0x1p4", 0, 100, 0, 0, 0 },
		{ "+1", 0, 10, 0, 0, 0 },
		{ " 1", 0, 10, 0, 0, 0 },
		{ "1 ", 0, 10, 0, 0, 0 },
		{ "1,5", 0, 10, 0, 0, 0 },
		{ "$5", 0, 10, 0, 0, 0 },
		{ "5usd", 0, 10, 0, 0, 0 },
	};
	size_t i;
	double v;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct morph_error *err;

		v = 42;
		err = morph_num_real(&v, "--budget", cases[i].s, cases[i].lo,
		    cases[i].hi, cases[i].flags);
		if (cases[i].ok && err != NULL)
			T_FAIL("'%s' refused: %s", cases[i].s, err->msg);
		else if (cases[i].ok && v != cases[i].want)
			T_FAIL("'%s' read as %g", cases[i].s, v);
		else if (!cases[i].ok && err == NULL)
			T_FAIL("'%s' accepted as %g", cases[i].s, v);
		else if (!cases[i].ok) {
			T_INTEQ(err->code, MORPH_ERR_INVALID);
			T_ASSERT(v == 42);	/* untouched */
		}
	}
}

/* The messages name the option, the range and the value, printably. */
static void
test_messages(void)
{
	const struct morph_error *err;
	int64_t n;
	double d;

	err = morph_num_int(&n, "-j", "0x10", 1, 1000);
	T_STREQ(err ? err->msg : NULL, "-j needs a whole number from 1 to "
	    "1000, not '0x10'");
	err = morph_num_int(&n, "-n", "-1", 0, INT64_MAX);
	T_STREQ(err ? err->msg : NULL, "-n needs a whole number, 0 or more, "
	    "not '-1'");
	err = morph_num_real(&d, "--budget", "nan", 0, 1e6, 0);
	T_STREQ(err ? err->msg : NULL, "--budget needs a number from 0 to "
	    "1000000, not 'nan'");
	err = morph_num_real(&d, "--significance", "1", 0, 1,
	    MORPH_NUM_OPEN_LO | MORPH_NUM_OPEN_HI);
	T_STREQ(err ? err->msg : NULL, "--significance needs a number "
	    "strictly between 0 and 1, not '1'");
	err = morph_num_int(&n, "-j", "1\n2\033[31m", 1, 10);
	T_STREQ(err ? err->msg : NULL, "-j needs a whole number from 1 to "
	    "10, not '1?2?[31m'");
	err = morph_num_int(&n, "-j",
	    "123456789012345678901234567890123456789012345678901234567890",
	    1, 10);
	T_STREQ(err ? err->msg : NULL, "-j needs a whole number from 1 to "
	    "10, not '1234567890123456789012345678901234567...'");
}

/* A locale whose decimal point is a comma changes nothing. */
static void
test_locale(void)
{
	double d = 0;

	if (setlocale(LC_NUMERIC, "de_DE.UTF-8") == NULL &&
	    setlocale(LC_NUMERIC, "fr_FR.UTF-8") == NULL)
		return;		/* no such locale here: nothing to show */
	T_OK(morph_num_real(&d, "--budget", "2.5", 0, 10, 0));
	T_ASSERT(d == 2.5);
	T_ERR(morph_num_real(&d, "--budget", "2,5", 0, 10, 0),
	    MORPH_ERR_INVALID);
	setlocale(LC_NUMERIC, "C");
}

/* Counts as tables show them. */
static void
test_human(void)
{
	static const struct {
		int64_t		 n;
		const char	*want;
	} cases[] = {
		{ 0, "0" }, { 999, "999" }, { 1000, "1.0k" }, { 1234, "1.2k" },
		{ 999999, "1000.0k" }, { 1000000, "1.0M" },
		{ 2500000, "2.5M" }, { -12, "-12" }, { -999, "-999" },
		{ -1500, "-1.5k" },
	};
	char buf[32], small[4];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		morph_num_human(buf, sizeof(buf), cases[i].n);
		T_STREQ(buf, cases[i].want);
	}
	/* A buffer too small is cut, never overrun. */
	morph_num_human(small, sizeof(small), 123456);
	T_STREQ(small, "123");
}

static const struct test tests[] = {
	TEST(test_int),
	TEST(test_real),
	TEST(test_messages),
	TEST(test_locale),
	TEST(test_human),
};

TEST_MAIN(tests)
