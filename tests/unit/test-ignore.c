/*
 * .morphignore rules.
 */
#include "test.h"
#include "ignore_int.h"

static void
test_rules(void)
{
	static const struct {
		const char	*path;
		int		 is_dir;
		int		 ignored;
	} cases[] = {
		{ "debug.log", 0, 1 },
		{ "deep/er/x.log", 0, 1 },
		{ "keep.log", 0, 0 },		/* re-included */
		{ "build", 1, 1 },
		{ "build", 0, 0 },		/* dir-only pattern */
		{ "src/build", 1, 1 },
		{ "docs/draft.md", 0, 1 },	/* anchored */
		{ "other/docs/draft.md", 0, 0 },
		{ "tmp", 1, 1 },		/* leading slash */
		{ "x/tmp", 1, 0 },
		{ "a/cache/b", 0, 1 },		/* ** at the start */
		{ "cache/b", 0, 1 },
		{ "prompt.txt", 0, 0 },
	};
	struct morph_ignore *ig;
	const char *dir = test_tmpdir();
	size_t i;

	test_write_file(dir, ".morphignore",
	    "# comment\n\n*.log\n!keep.log\nbuild/\ndocs/*.md\n/tmp/\n"
	    "**/cache/b\n   \n");
	T_OK(morph_ignore_load(&ig, dir));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (morph_ignore_match(ig, cases[i].path, cases[i].is_dir) !=
		    cases[i].ignored)
			T_FAIL("'%s'%s should %sbe ignored", cases[i].path,
			    cases[i].is_dir ? " (dir)" : "",
			    cases[i].ignored ? "" : "not ");
	morph_ignore_free(ig);
}

static void
test_absent_file(void)
{
	struct morph_ignore *ig;

	T_OK(morph_ignore_load(&ig, test_tmpdir()));
	T_ASSERT(!morph_ignore_match(ig, "anything", 0));
	morph_ignore_free(ig);
	T_ASSERT(!morph_ignore_match(NULL, "anything", 0));
}

static const struct test tests[] = {
	TEST(test_rules),
	TEST(test_absent_file),
};

TEST_MAIN(tests)
