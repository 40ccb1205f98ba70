/*
 * References: name rules, compare-and-set updates, symbolic references,
 * listing and deletion.
 */
#include "test.h"
#include "morph/morph.h"

static void
test_names(void)
{
	static const struct {
		const char	*name;
		int		 ok;
	} cases[] = {
		{ "HEAD", 1 }, { "refs/heads/main", 1 },
		{ "refs/heads/feature/x-1", 1 }, { "refs/tags/v1.0", 1 },
		{ "refs/heads/caf\xc3\xa9", 1 },
		{ "main", 0 }, { "refs/heads/a..b", 0 }, { "refs/heads/a b", 0 },
		{ "refs/heads/a~1", 0 }, { "refs/heads/a^", 0 },
		{ "refs/heads/a:b", 0 }, { "refs/heads/a?", 0 },
		{ "refs/heads/a*", 0 }, { "refs/heads/a[", 0 },
		{ "refs/heads/a\\b", 0 }, { "refs/heads/.hidden", 0 },
		{ "refs/heads/x.lock", 0 }, { "refs/heads/x/", 0 },
		{ "refs/heads/x.", 0 }, { "refs/heads//x", 0 },
		{ "refs/heads/a@{1}", 0 }, { "refs/heads/\x01", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (morph_ref_name_valid(cases[i].name) != cases[i].ok)
			T_FAIL("'%s' should be %s", cases[i].name,
			    cases[i].ok ? "valid" : "invalid");
	T_ASSERT(morph_ref_shortname_valid("main"));
	T_ASSERT(!morph_ref_shortname_valid("HEAD"));
	T_ASSERT(!morph_ref_shortname_valid("-x"));
	T_ASSERT(!morph_ref_shortname_valid(""));
}

static const struct morph_error *
collect(const char *name, const char *value, int symbolic, void *arg)
{
	char *log = arg;
	size_t n = strlen(log);

	snprintf(log + n, 512 - n, "%s%s ", name, symbolic ? "@" : "");
	(void)value;
	return NULL;
}

static void
test_update_resolve_delete(void)
{
	struct morph_repo *repo = test_repo();
	struct morph_buf val = MORPH_BUF_INIT;
	struct morph_oid c1, c2, got, zero;
	char log[512] = "";
	int sym;

	memset(&zero, 0, sizeof(zero));
	test_write_file(test_repo_dir(), "f", "1\n");
	test_commit_all(repo, "1\n", &c1);
	test_write_file(test_repo_dir(), "f", "2\n");
	test_commit_all(repo, "2\n", &c2);

	T_OK(morph_ref_read(&val, &sym, repo, "HEAD"));
	T_INTEQ(sym, 1);
	T_STREQ(val.ptr, "refs/heads/main");
	T_OK(morph_ref_resolve(&got, repo, "HEAD"));
	T_ASSERT(morph_oid_cmp(&got, &c2) == 0);

	/* Compare-and-set. */
	T_OK(morph_ref_update(repo, "refs/tags/t", &c1, &zero));
	T_ERR(morph_ref_update(repo, "refs/tags/t", &c2, &zero),
	    MORPH_ERR_CONFLICT);
	T_ERR(morph_ref_update(repo, "refs/tags/t", &c2, &c2),
	    MORPH_ERR_CONFLICT);
	T_OK(morph_ref_update(repo, "refs/tags/t", &c2, &c1));
	T_OK(morph_ref_resolve(&got, repo, "refs/tags/t"));
	T_ASSERT(morph_oid_cmp(&got, &c2) == 0);
	T_ERR(morph_ref_update(repo, "refs/tags/bad name", &c1, NULL),
	    MORPH_ERR_INVALID);

	T_OK(morph_ref_update(repo, "refs/heads/other", &c1, NULL));
	T_OK(morph_ref_foreach(repo, "refs/", collect, log));
	T_STREQ(log, "refs/heads/main refs/heads/other refs/tags/t ");
	log[0] = '\0';
	T_OK(morph_ref_foreach(repo, "", collect, log));
	T_STREQ(log, "HEAD@ refs/heads/main refs/heads/other refs/tags/t ");

	T_OK(morph_ref_delete(repo, "refs/tags/t"));
	T_ERR(morph_ref_delete(repo, "refs/tags/t"), MORPH_ERR_NOT_FOUND);
	T_ERR(morph_ref_resolve(&got, repo, "refs/tags/t"),
	    MORPH_ERR_NOT_FOUND);
	morph_buf_release(&val);
	morph_repo_close(repo);
}

static void
test_head(void)
{
	struct morph_repo *repo = test_repo();
	struct morph_buf b = MORPH_BUF_INIT;
	const struct morph_error *err;
	struct morph_oid c1, got;

	/* Unborn: HEAD names main, which does not exist yet. */
	err = morph_ref_resolve(&got, repo, "HEAD");
	T_ERR(err, MORPH_ERR_NOT_FOUND);
	if (err != NULL)
		T_CONTAINS(err->msg, "branch 'main' has no commits yet");
	T_OK(morph_head_branch(&b, repo));
	T_STREQ(b.ptr, "refs/heads/main");

	test_write_file(test_repo_dir(), "f", "1\n");
	test_commit_all(repo, "1\n", &c1);

	/* Detached: HEAD holds the id itself and moves by itself. */
	T_OK(morph_ref_update(repo, "HEAD", &c1, NULL));
	T_ERR(morph_head_branch(&b, repo), MORPH_ERR_NOT_FOUND);
	T_OK(morph_head_update(repo, &c1, &c1));
	T_OK(morph_ref_resolve(&got, repo, "refs/heads/main"));
	T_ASSERT(morph_oid_cmp(&got, &c1) == 0);

	/* A symbolic loop is damage, not an endless walk. */
	T_OK(morph_ref_set_symbolic(repo, "refs/heads/a", "refs/heads/b"));
	T_OK(morph_ref_set_symbolic(repo, "refs/heads/b", "refs/heads/a"));
	T_ERR(morph_ref_resolve(&got, repo, "refs/heads/a"),
	    MORPH_ERR_CORRUPT);
	morph_buf_release(&b);
	morph_repo_close(repo);
}

static const struct test tests[] = {
	TEST(test_names),
	TEST(test_update_resolve_delete),
	TEST(test_head),
};

TEST_MAIN(tests)
