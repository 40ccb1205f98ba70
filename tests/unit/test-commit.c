/*
 * Commits: creation from the index, the empty-commit rule, identity and
 * date from the environment, parsing and its refusals.
 */
#include "test.h"
#include "morph/morph.h"

static void
test_create_and_read(void)
{
	struct morph_repo *repo = test_repo();
	struct morph_commit_opts opts = MORPH_COMMIT_OPTS_INIT;
	const struct morph_signature *a;
	struct morph_index *idx;
	struct morph_commit *c;
	struct morph_oid first, second, head;

	test_write_file(test_repo_dir(), "prompts/a.txt", "one\n");
	test_commit_all(repo, "first\n", &first);
	T_OK(morph_commit_read(&c, repo, &first));
	if (c != NULL) {
		T_INTEQ(morph_commit_parent_count(c), 0);
		T_STREQ(morph_commit_message(c), "first\n");
		a = morph_commit_author(c);
		T_STREQ(a->name, "Unit Test");
		T_STREQ(a->email, "unit@example.com");
		T_INTEQ(a->time, 1700000000);
		T_INTEQ(a->tz, 60);
		T_ASSERT(morph_commit_git_dirty(c) == -1 ||
		    morph_commit_git_dirty(c) >= 0);
		morph_commit_free(c);
	}

	/* Nothing changed: refused unless allowed. */
	T_OK(morph_index_open(&idx, repo));
	opts.message = "again\n";
	T_ERR(morph_commit_create(&second, repo, idx, &opts), MORPH_ERR_EMPTY);
	opts.allow_empty = 1;
	T_OK(morph_commit_create(&second, repo, idx, &opts));
	T_OK(morph_ref_resolve(&head, repo, MORPH_HEAD));
	T_ASSERT(morph_oid_cmp(&head, &second) == 0);
	T_OK(morph_commit_read(&c, repo, &second));
	if (c != NULL) {
		T_INTEQ(morph_commit_parent_count(c), 1);
		T_ASSERT(morph_oid_cmp(morph_commit_parent(c, 0), &first) == 0);
		morph_commit_free(c);
	}

	/* commit -a picks up a modified tracked file. */
	test_write_file(test_repo_dir(), "prompts/a.txt", "two\n");
	opts.allow_empty = 0;
	opts.all = 1;
	opts.message = "third\n";
	T_OK(morph_commit_create(&head, repo, idx, &opts));
	morph_index_free(idx);
	morph_repo_close(repo);
}

static void
test_unborn_empty_refused(void)
{
	struct morph_repo *repo = test_repo();
	struct morph_commit_opts opts = MORPH_COMMIT_OPTS_INIT;
	struct morph_index *idx;
	struct morph_oid id;

	T_OK(morph_index_open(&idx, repo));
	opts.message = "nothing\n";
	T_ERR(morph_commit_create(&id, repo, idx, &opts), MORPH_ERR_EMPTY);
	opts.message = NULL;
	T_ERR(morph_commit_create(&id, repo, idx, &opts), MORPH_ERR_INVALID);
	opts.message = "bad \xff utf-8";
	opts.allow_empty = 1;
	T_ERR(morph_commit_create(&id, repo, idx, &opts), MORPH_ERR_INVALID);
	morph_index_free(idx);
	morph_repo_close(repo);
}

static void
test_signature_sources(void)
{
	struct morph_repo *repo = test_repo();
	struct morph_buf name = MORPH_BUF_INIT, email = MORPH_BUF_INIT;
	struct morph_signature sig;

	T_OK(morph_signature_default(&sig, &name, &email, repo));
	T_STREQ(sig.name, "Unit Test");
	/* Configuration is used when the environment says nothing. */
	unsetenv("MORPH_AUTHOR_NAME");
	unsetenv("MORPH_AUTHOR_EMAIL");
	T_OK(morph_config_set(repo, MORPH_CONFIG_LOCAL, "user.name", "Ada",
	    0));
	T_OK(morph_config_set(repo, MORPH_CONFIG_LOCAL, "user.email",
	    "ada@example.org", 0));
	T_OK(morph_signature_default(&sig, &name, &email, repo));
	T_STREQ(sig.name, "Ada");
	T_STREQ(sig.email, "ada@example.org");
	setenv("MORPH_AUTHOR_DATE", "@1234567890 -0230", 1);
	T_OK(morph_signature_default(&sig, &name, &email, repo));
	T_INTEQ(sig.time, 1234567890);
	T_INTEQ(sig.tz, -150);
	setenv("MORPH_AUTHOR_DATE", "yesterday", 1);
	T_ERR(morph_signature_default(&sig, &name, &email, repo),
	    MORPH_ERR_INVALID);
	setenv("MORPH_AUTHOR_DATE", "12 +25x", 1);
	T_ERR(morph_signature_default(&sig, &name, &email, repo),
	    MORPH_ERR_INVALID);
	/* What strtoll(3) would take: blanks, signs, hex, overflow. */
	{
		static const char *const bad[] = { " 12", "+12", "-12",
		    "0x10 +0000", "99999999999999999999", "@", "12.5" };
		size_t i;

		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			setenv("MORPH_AUTHOR_DATE", bad[i], 1);
			T_ERR(morph_signature_default(&sig, &name, &email,
			    repo), MORPH_ERR_INVALID);
		}
	}
	setenv("MORPH_AUTHOR_DATE", "1700000000+0100", 1);
	T_OK(morph_signature_default(&sig, &name, &email, repo));
	T_INTEQ(sig.time, 1700000000);
	T_INTEQ(sig.tz, 60);
	morph_buf_release(&name);
	morph_buf_release(&email);
	morph_repo_close(repo);
}

static void
test_tz_format(void)
{
	char tz[8];

	morph_tz_fmt(tz, 0);
	T_STREQ(tz, "+0000");
	morph_tz_fmt(tz, 330);
	T_STREQ(tz, "+0530");
	morph_tz_fmt(tz, -480);
	T_STREQ(tz, "-0800");
}

static void
test_parse_rejects(void)
{
	static const char *bad[] = {
		"not json",
		"[]",
		"{\"message\":\"m\",\"parents\":[],\"author\":{\"name\":\"n\","
		"\"email\":\"e\",\"time\":1,\"tz\":\"+0000\"}}",
		"{\"tree\":\"f2c1ca92a323ca0a676704d0c3dad006\",\"parents\":[],"
		"\"author\":{\"name\":\"n\",\"email\":\"e\",\"time\":1,"
		"\"tz\":\"+0000\"}}",
		"{\"tree\":\"f2c1ca92a323ca0a676704d0c3dad006\",\"message\":"
		"\"m\",\"parents\":[\"bad\"],\"author\":{\"name\":\"n\","
		"\"email\":\"e\",\"time\":1,\"tz\":\"+0000\"}}",
		"{\"tree\":\"f2c1ca92a323ca0a676704d0c3dad006\",\"message\":"
		"\"m\",\"parents\":[],\"author\":{\"name\":\"n\","
		"\"email\":\"e\",\"time\":1,\"tz\":\"0000\"}}",
		"{\"tree\":\"f2c1ca92a323ca0a676704d0c3dad006\",\"message\":"
		"\"m\",\"parents\":[],\"author\":{\"name\":\"n\","
		"\"email\":\"e\",\"time\":1.5,\"tz\":\"+0000\"}}",
		"{\"tree\":\"f2c1ca92a323ca0a676704d0c3dad006\",\"message\":"
		"\"m\",\"parents\":[],\"author\":{\"name\":\"n\","
		"\"email\":\"e\",\"time\":1,\"tz\":\"+0000\"},\"git\":1}",
	};
	struct morph_commit *c;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		T_ERR(morph_commit_parse(&c, NULL, bad[i], strlen(bad[i])),
		    MORPH_ERR_CORRUPT);
}

static const struct test tests[] = {
	TEST(test_create_and_read),
	TEST(test_unborn_empty_refused),
	TEST(test_signature_sources),
	TEST(test_tz_format),
	TEST(test_parse_rejects),
};

TEST_MAIN(tests)
