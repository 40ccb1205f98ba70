/*
 * .morphignore rules, and paths inside ignored directories.
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

static const char rules[] =
    "# comment\n"
    "\n"
    "*.log\n"
    "!keep.log\n"
    "build/\n"
    "/notes/*.tmp\n"
    "**/cache\n"
    "**/gen/out\n"
    "docs/draft-?.md   \n"
    "!build/keep.o\n";

static void
test_match_path(void)
{
	static const struct {
		const char	*path;
		int		 is_dir;
		int		 ignored;
	} cases[] = {
		{ "debug.log", 0, 1 },
		{ "logs/old/run.log", 0, 1 },		/* last component */
		{ "keep.log", 0, 0 },			/* negated later */
		{ "sub/keep.log", 0, 0 },
		{ "build", 1, 1 },
		{ "build", 0, 0 },			/* a file: dir-only */
		{ "build/out.o", 0, 1 },		/* inside an ignored dir */
		{ "build/keep.o", 0, 1 },		/* cannot be re-included */
		{ "build/sub/deep.o", 0, 1 },
		{ "src/build/x.c", 0, 1 },		/* build/ at any depth */
		{ "build.txt", 0, 0 },
		{ "notes/a.tmp", 0, 1 },		/* anchored */
		{ "deep/notes/a.tmp", 0, 0 },
		{ "notes/sub/a.tmp", 0, 0 },		/* '*' stops at '/' */
		{ "cache", 1, 1 },			/* leading **'/' */
		{ "a/b/cache", 1, 1 },
		{ "a/b/cache/x", 0, 1 },
		{ "gen/out/x", 0, 1 },			/* inside **'/'gen/out */
		{ "a/gen/out/x", 0, 1 },
		{ "docs/draft-1.md", 0, 1 },		/* trailing blanks */
		{ "docs/draft-10.md", 0, 0 },
		{ "prompts/a.txt", 0, 0 },
		{ "# comment", 0, 0 },
	};
	struct morph_ignore *ig = NULL;
	const char *dir = test_tmpdir();
	size_t i;

	test_write_file(dir, ".morphignore", rules);
	T_OK(morph_ignore_load(&ig, dir));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (morph_ignore_match_path(ig, cases[i].path,
		    cases[i].is_dir) != cases[i].ignored)
			T_FAIL("'%s'%s: expected %s", cases[i].path,
			    cases[i].is_dir ? " (dir)" : "",
			    cases[i].ignored ? "ignored" : "not ignored");
	/* morph_ignore_match looks at the path alone, not its parents. */
	T_INTEQ(morph_ignore_match(ig, "build/out.o", 0), 0);
	morph_ignore_free(ig);
}

static const struct test tests[] = {
	TEST(test_rules),
	TEST(test_absent_file),
	TEST(test_match_path),
};

TEST_MAIN(tests)
