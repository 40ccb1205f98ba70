/*
 * Repository paths: normalisation and what is refused.
 */
#include "test.h"
#include "path_int.h"

static void
test_normalize(void)
{
	static const struct {
		const char	*in;
		const char	*out;	/* NULL: refused */
	} cases[] = {
		{ "a/b.txt", "a/b.txt" },
		{ "./a//b/./c/", "a/b/c" },
		{ ".", "" },
		{ "", "" },
		{ "with space/\xc3\xa9t\xc3\xa9.txt",
		  "with space/\xc3\xa9t\xc3\xa9.txt" },
		{ ".hidden/x", ".hidden/x" },
		{ "a/.morphish", "a/.morphish" },
		{ "/etc/passwd", NULL },
		{ "../x", NULL },
		{ "a/../b", NULL },
		{ "..", NULL },
		{ ".morph/morph.db", NULL },
		{ "a/.morph/x", NULL },
		{ ".git/config", NULL },
		{ "a/.git", NULL },
		{ "tab\there", NULL },
		{ "nl\nhere", NULL },
		{ "bad\xff", NULL },
	};
	struct morph_buf b = MORPH_BUF_INIT;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (cases[i].out != NULL) {
			T_OK(morph_path_normalize(&b, cases[i].in));
			T_STREQ(morph_buf_cstr(&b), cases[i].out);
		} else
			T_ERR(morph_path_normalize(&b, cases[i].in),
			    MORPH_ERR_PATH);
	}
	morph_buf_release(&b);
}

static void
test_under(void)
{
	T_ASSERT(morph_path_under("a/b", ""));
	T_ASSERT(morph_path_under("a/b", "a"));
	T_ASSERT(morph_path_under("a", "a"));
	T_ASSERT(!morph_path_under("ab", "a"));
	T_ASSERT(!morph_path_under("a-b/c", "a"));
	T_ASSERT(!morph_path_under("a", "a/b"));
}

static void
test_names(void)
{
	T_ASSERT(morph_path_name_ok("x", 1));
	T_ASSERT(!morph_path_name_ok(".", 1));
	T_ASSERT(!morph_path_name_ok("..", 2));
	T_ASSERT(!morph_path_name_ok(".git", 4));
	T_ASSERT(!morph_path_name_ok(".morph", 6));
	T_ASSERT(!morph_path_name_ok("a/b", 3));
	T_ASSERT(!morph_path_name_ok("", 0));
}

/* Paths in messages: no two alike, no byte that moves the terminal. */
static void
test_printable(void)
{
	static const struct {
		const char	*path;
		const char	*want;
	} cases[] = {
		{ "prompts/a.txt", "prompts/a.txt" },
		{ "caf\xc3\xa9/\xe2\x82\xac.txt", "caf\xc3\xa9/\xe2\x82\xac.txt" },
		{ "bad\001name", "bad\\x01name" },
		{ "esc\033[31m", "esc\\x1b[31m" },
		{ "del\177", "del\\x7f" },
		{ "lat\377n", "lat\\xffn" },
		{ "cut\xe2\x82", "cut\\xe2\\x82" },
		{ "c1\xc2\x85", "c1\\xc2\\x85" },
		{ "back\\x01", "back\\\\x01" },
		{ "", "" },
	};
	struct morph_buf b = MORPH_BUF_INIT;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		morph_buf_clear(&b);
		morph_path_printable(&b, cases[i].path);
		T_STREQ(morph_buf_cstr(&b), cases[i].want);
	}
	morph_buf_release(&b);
}

static void
test_files(void)
{
	struct morph_buf b = MORPH_BUF_INIT;
	char dir[4096], path[4200];

	snprintf(dir, sizeof(dir), "%s", test_tmpdir());
	T_OK(morph_mkdirs_for(dir, "x/y/z.txt"));
	snprintf(path, sizeof(path), "%s/x/y/z.txt", dir);
	T_OK(morph_file_write(path, "data", 4, 0644));
	T_OK(morph_file_read(&b, path, 100));
	T_STREQ(b.ptr, "data");
	T_ERR(morph_file_read(&b, path, 3), MORPH_ERR_INVALID);
	/* A file where a directory is needed. */
	T_ERR(morph_mkdirs_for(dir, "x/y/z.txt/w"), MORPH_ERR_CONFLICT);
	morph_prune_dirs(dir, "x/y/z.txt");	/* not empty: kept */
	T_OK(morph_file_read(&b, path, 100));
	morph_buf_release(&b);
}

static const struct test tests[] = {
	TEST(test_normalize),
	TEST(test_under),
	TEST(test_names),
	TEST(test_printable),
	TEST(test_files),
};

TEST_MAIN(tests)
