/*
 * UTF-8 helpers: decoding, case folding without a locale, counting,
 * excerpts and repairs.
 */
#include "test.h"
#include "utf8_int.h"

static void
test_decode(void)
{
	static const struct {
		const char	*s;
		long		 cp;
		size_t		 n;
	} cases[] = {
		{ "a", 'a', 1 },
		{ "\xc3\xa9", 0xe9, 2 },
		{ "\xe2\x82\xac", 0x20ac, 3 },
		{ "\xf0\x9f\x98\x80", 0x1f600, 4 },
		{ "\xc3", -1, 1 },		/* cut short */
		{ "\xc0\xaf", -1, 1 },		/* overlong */
		{ "\xe0\x80\xaf", -1, 1 },	/* overlong */
		{ "\xed\xa0\x80", -1, 1 },	/* surrogate */
		{ "\xf4\x90\x80\x80", -1, 1 },	/* past U+10FFFF */
		{ "\x80", -1, 1 },
		{ "\xff", -1, 1 },
	};
	size_t i, n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		T_INTEQ(morph_utf8_decode(cases[i].s, strlen(cases[i].s), &n),
		    cases[i].cp);
		T_INTEQ(n, cases[i].n);
	}
}

static void
test_fold(void)
{
	static const struct {
		const char	*in;
		const char	*out;
	} cases[] = {
		{ "Hello WORLD 42", "hello world 42" },
		{ "\xc3\x89T\xc3\x89 \xc3\x80 PARIS", "\xc3\xa9t\xc3\xa9 "
		  "\xc3\xa0 paris" },				/* ÉTÉ À */
		{ "\xc3\x97\xc3\x9f", "\xc3\x97\xc3\x9f" },	/* × ß */
		{ "\xc5\x81\xc3\x93" "D\xc5\xb9", "\xc5\x82\xc3\xb3" "d"
		  "\xc5\xba" },					/* ŁÓDŹ */
		{ "\xc5\xb8", "\xc3\xbf" },			/* Ÿ */
		{ "\xc4\xb0", "\xc4\xb0" },	/* İ has no same-size small */
		{ "\xce\x91\xce\x98\xce\x97\xce\x9d\xce\x91",
		  "\xce\xb1\xce\xb8\xce\xb7\xce\xbd\xce\xb1" },	/* ΑΘΗΝΑ */
		{ "\xce\x86", "\xce\xac" },			/* Ά */
		{ "\xd0\x9c\xd0\x9e\xd0\xa1\xd0\x9a\xd0\x92\xd0\x90",
		  "\xd0\xbc\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0" },
		{ "\xd0\x81", "\xd1\x91" },			/* Ё */
		{ "\xe6\x9d\xb1\xe4\xba\xac", "\xe6\x9d\xb1\xe4\xba\xac" },
		{ "A\xffZ", "a\xffz" },
	};
	char buf[64];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(buf, sizeof(buf), "%s", cases[i].in);
		morph_utf8_fold(buf, strlen(buf));
		T_STREQ(buf, cases[i].out);
	}
}

static void
test_count_excerpt_fix(void)
{
	char buf[16], s[32];

	T_INTEQ(morph_utf8_count("caf\xc3\xa9", 5), 4);
	T_INTEQ(morph_utf8_count("\xff\xfe", 2), 2);
	T_INTEQ(morph_utf8_count("", 0), 0);

	T_STREQ(morph_utf8_excerpt(buf, sizeof(buf), "a\nb\tc", 5, 12),
	    "a b c");
	/* Cut at a character, never inside one. */
	T_STREQ(morph_utf8_excerpt(buf, sizeof(buf), "\xc3\xa9\xc3\xa9\xc3"
	    "\xa9", 6, 5), "\xc3\xa9\xc3\xa9...");
	T_STREQ(morph_utf8_excerpt(buf, sizeof(buf), "ab\xff", 3, 12),
	    "ab?");
	T_STREQ(morph_utf8_excerpt(buf, sizeof(buf), "0123456789abcdefgh",
	    18, 100), "0123456789ab...");
	T_STREQ(morph_utf8_excerpt(buf, 4, "abc", 3, 10), "");

	snprintf(s, sizeof(s), "ok \xc3\xa9 \xff end \xe2\x82");
	morph_utf8_fix(s);
	T_STREQ(s, "ok \xc3\xa9 ? end ");
	snprintf(s, sizeof(s), "\xe2\x82x");
	morph_utf8_fix(s);
	T_STREQ(s, "??x");
}

static const struct test tests[] = {
	TEST(test_decode),
	TEST(test_fold),
	TEST(test_count_excerpt_fix),
};

TEST_MAIN(tests)
