/*
 * Escaping for HTML: the markup characters, invalid UTF-8 and control
 * characters, and a property test over random hostile strings: the
 * escaped text is valid UTF-8 holding no markup character, and decodes
 * back to the original wherever the original was text.
 */
#include "test.h"
#include "html_int.h"
#include "json_int.h"
#include "utf8_int.h"

static void
check(const char *in, size_t len, const char *want)
{
	struct morph_buf b = MORPH_BUF_INIT;

	morph_html_escape(&b, in, len);
	T_OK(morph_buf_status(&b));
	if (strcmp(morph_buf_cstr(&b), want) != 0)
		T_FAIL("escaping \"%.*s\" gave \"%s\", expected \"%s\"",
		    (int)len, in, morph_buf_cstr(&b), want);
	morph_buf_release(&b);
}

#define CHECK(in, want)	check(in, sizeof(in) - 1, want)

static void
test_escape(void)
{
	CHECK("", "");
	CHECK("plain text", "plain text");
	CHECK("<script>alert(1)</script>",
	    "&lt;script&gt;alert(1)&lt;/script&gt;");
	CHECK("\" onerror=\"x", "&quot; onerror=&quot;x");
	CHECK("' onload='x", "&#39; onload=&#39;x");
	CHECK("a & b &amp;", "a &amp; b &amp;amp;");
	CHECK("]]><!-- -->", "]]&gt;&lt;!-- --&gt;");
	CHECK("</textarea>", "&lt;/textarea&gt;");
	CHECK("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
	    "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	CHECK("tab\tline\ncr\r", "tab\tline\ncr\r");
}

static void
test_invalid(void)
{
	/* Each byte that cannot be decoded is one U+FFFD. */
	CHECK("a\xff" "b", "a\xef\xbf\xbd" "b");
	CHECK("\xc3", "\xef\xbf\xbd");			/* cut short */
	CHECK("\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd");	/* overlong '/' */
	CHECK("\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	CHECK("\xc3<", "\xef\xbf\xbd&lt;");	/* the '<' is not eaten */
	CHECK("nul\0x", "nul\xef\xbf\xbdx");
	CHECK("\x1b[31m\x7f", "\xef\xbf\xbd[31m\xef\xbf\xbd");
	CHECK("\xc2\x85", "\xef\xbf\xbd");		/* C1: NEL */
	CHECK("\xef\xb7\x90", "\xef\xbf\xbd");		/* U+FDD0 */
	CHECK("\xef\xbf\xbe", "\xef\xbf\xbd");		/* U+FFFE */
	CHECK("\xf4\x8f\xbf\xbf", "\xef\xbf\xbd");	/* U+10FFFF */
}

/* A tiny deterministic generator, so a failure can be replayed. */
static uint32_t
next(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Undoes the five references; U+FFFD stays. */
static size_t
unescape(char *out, const char *s)
{
	static const struct {
		const char	*ref;
		char		 c;
	} refs[] = { { "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' },
	    { "&quot;", '"' }, { "&#39;", '\'' } };
	size_t n = 0, k;

	while (*s != '\0') {
		if (*s == '&') {
			for (k = 0; k < sizeof(refs) / sizeof(refs[0]); k++)
				if (strncmp(s, refs[k].ref,
				    strlen(refs[k].ref)) == 0)
					break;
			if (k == sizeof(refs) / sizeof(refs[0]))
				return (size_t)-1;
			out[n++] = refs[k].c;
			s += strlen(refs[k].ref);
		} else
			out[n++] = *s++;
	}
	return n;
}

/* UTF-8 of printable characters and line feeds only. */
static int
is_text(const char *s, size_t len)
{
	size_t i, n;
	long c;

	for (i = 0; i < len; i += n) {
		c = morph_utf8_decode(s + i, len - i, &n);
		if (c < 0 || (c < 0x20 && c != '\n') || (c >= 0x7f &&
		    c <= 0x9f) || (c >= 0xfdd0 && c <= 0xfdef) ||
		    (c & 0xfffe) == 0xfffe)
			return 0;
	}
	return 1;
}

static void
test_property(void)
{
	static const char *const pieces[] = {
		"<script>", "</script>", "</textarea>", "\"onerror=", "'",
		"]]>", "<!--", "-->", "&", "&amp;", "<img src=x>",
		"javascript:", "\xff", "\xc3", "\xe2\x82", "\xed\xa0\x80",
		"\0", "\x1b", "\xef\xbf\xbe", "caf\xc3\xa9", " ", "\n", "x",
	};
	struct morph_buf b = MORPH_BUF_INIT;
	char in[256], back[2048];
	size_t len, k, n, i;
	uint32_t seed = 0x13;
	int round, text;

	for (round = 0; round < 5000; round++) {
		len = 0;
		n = next(&seed) % 12;
		for (k = 0; k < n; k++) {
			if (next(&seed) % 4 == 0) {
				in[len++] = (char)(next(&seed) & 0xff);
				continue;
			}
			i = next(&seed) % (sizeof(pieces) / sizeof(pieces[0]));
			/* "\0" is one byte, not an empty string. */
			memcpy(in + len, pieces[i], pieces[i][0] ? strlen(
			    pieces[i]) : 1);
			len += pieces[i][0] ? strlen(pieces[i]) : 1;
		}
		morph_buf_clear(&b);
		morph_html_escape(&b, in, len);
		T_OK(morph_buf_status(&b));
		if (strpbrk(morph_buf_cstr(&b), "<>\"'") != NULL ||
		    memchr(b.ptr ? b.ptr : "", '\0', b.len) != NULL) {
			T_FAIL("round %d: markup left in \"%s\"", round,
			    morph_buf_cstr(&b));
			break;
		}
		if (morph_utf8_check(morph_buf_cstr(&b), b.len) != 0) {
			T_FAIL("round %d: not UTF-8", round);
			break;
		}
		/* Text without bad characters comes back whole. */
		text = is_text(in, len);
		n = unescape(back, morph_buf_cstr(&b));
		if (n == (size_t)-1) {
			T_FAIL("round %d: a stray '&' in \"%s\"", round,
			    morph_buf_cstr(&b));
			break;
		}
		if (text && (n != len || memcmp(back, in, len) != 0)) {
			T_FAIL("round %d: \"%.*s\" did not come back", round,
			    (int)len, in);
			break;
		}
	}
	morph_buf_release(&b);
}

static const struct test tests[] = {
	TEST(test_escape),
	TEST(test_invalid),
	TEST(test_property),
};

TEST_MAIN(tests)
