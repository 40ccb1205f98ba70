/*
 * The reflog: which moves of which references are logged and where, the
 * entries NAME@{N} and NAME@{DATE} read, @{-N}, deletion and renaming,
 * and a move logged even when morph cannot tell who made it.
 */
#include <stdlib.h>

#include "test.h"
#include "morph/morph.h"

struct seen {
	char		 text[2048];
	size_t		 n;
};

/* "old>new:message;" for each entry, ids cut to 4 digits, newest first. */
static const struct morph_error *
collect(const struct morph_reflog_entry *e, size_t n, void *arg)
{
	struct seen *s = arg;
	size_t len = strlen(s->text);

	if (n != s->n++)
		T_FAIL("entry %zu arrived as number %zu", n, s->n - 1);
	snprintf(s->text + len, sizeof(s->text) - len, "%.4s>%.4s:%s;",
	    morph_oid_is_zero(&e->old) ? "0000" : morph_oid_tostr(&e->old),
	    morph_oid_tostr(&e->new), e->message);
	return NULL;
}

static const char *
log_of(struct morph_repo *repo, const char *ref, struct seen *s)
{
	memset(s, 0, sizeof(*s));
	T_OK(morph_reflog_foreach(repo, ref, collect, s));
	return s->text;
}

static void
test_what_is_logged(void)
{
	struct morph_repo *repo = test_repo();
	struct morph_oid c1, c2, zero;
	struct seen s;
	char want[512], a[5], b[5];

	memset(&zero, 0, sizeof(zero));
	test_write_file(test_repo_dir(), "f", "1\n");
	test_commit_all(repo, "one\n", &c1);
	test_write_file(test_repo_dir(), "f", "2\n");
	test_commit_all(repo, "two\nbody\n", &c2);
	snprintf(a, sizeof(a), "%.4s", morph_oid_tostr(&c1));
	snprintf(b, sizeof(b), "%.4s", morph_oid_tostr(&c2));

	/* A commit moves the branch HEAD is on: logged for both. */
	snprintf(want, sizeof(want), "%s>%s:commit: two;0000>%s:commit "
	    "(initial): one;", a, b, a);
	T_STREQ(log_of(repo, "refs/heads/main", &s), want);
	T_STREQ(log_of(repo, "HEAD", &s), want);

	/* Another branch: its own log only.  A tag: none. */
	T_OK(morph_ref_update_log(repo, "refs/heads/x", &c1, &zero, "made"));
	T_OK(morph_ref_update(repo, "refs/heads/x", &c2, &c1));
	T_OK(morph_ref_update(repo, "refs/tags/t", &c1, NULL));
	snprintf(want, sizeof(want), "%s>%s:;0000>%s:made;", a, b, a);
	T_STREQ(log_of(repo, "refs/heads/x", &s), want);
	T_STREQ(log_of(repo, "refs/tags/t", &s), "");
	T_INTEQ(s.n, 0);
	snprintf(want, sizeof(want), "%s>%s:commit: two;", a, b);
	T_ASSERT(strncmp(log_of(repo, "HEAD", &s), want, strlen(want)) == 0);

	/* HEAD onto a branch: logged for HEAD when the message is given. */
	T_OK(morph_ref_set_symbolic_log(repo, "HEAD", "refs/heads/x",
	    "checkout: moving from main to x"));
	snprintf(want, sizeof(want), "%s>%s:checkout: moving from main to x;",
	    b, b);
	T_ASSERT(strncmp(log_of(repo, "HEAD", &s), want, strlen(want)) == 0);
	T_INTEQ(s.n, 3);
	/* Onto an unborn branch, or without a message: not logged. */
	T_OK(morph_ref_set_symbolic_log(repo, "HEAD", "refs/heads/unborn",
	    "checkout: moving from x to unborn"));
	T_OK(morph_ref_set_symbolic(repo, "HEAD", "refs/heads/main"));
	log_of(repo, "HEAD", &s);
	T_INTEQ(s.n, 3);

	/* Detached: HEAD alone. */
	T_OK(morph_ref_update_log(repo, "HEAD", &c1, NULL, "detach"));
	T_OK(morph_head_update_log(repo, &c2, &c1, "move"));
	snprintf(want, sizeof(want), "%s>%s:move;%s>%s:detach;", a, b, b, a);
	T_ASSERT(strncmp(log_of(repo, "HEAD", &s), want, strlen(want)) == 0);
	T_INTEQ(s.n, 5);
	log_of(repo, "refs/heads/main", &s);
	T_INTEQ(s.n, 2);

	/* Deleting a branch deletes its log; renaming moves it. */
	T_OK(morph_repo_begin(repo));
	T_OK(morph_reflog_rename(repo, "refs/heads/x", "refs/heads/y"));
	T_OK(morph_repo_commit(repo));
	log_of(repo, "refs/heads/x", &s);
	T_INTEQ(s.n, 0);
	log_of(repo, "refs/heads/y", &s);
	T_INTEQ(s.n, 2);
	T_OK(morph_ref_update(repo, "refs/heads/z", &c1, NULL));
	T_OK(morph_ref_delete(repo, "refs/heads/z"));
	log_of(repo, "refs/heads/z", &s);
	T_INTEQ(s.n, 0);
	T_OK(morph_ref_update(repo, "refs/heads/z", &c2, &zero));
	log_of(repo, "refs/heads/z", &s);
	T_INTEQ(s.n, 1);
	morph_repo_close(repo);
}

static void
test_selectors(void)
{
	struct morph_repo *repo = test_repo();
	struct morph_buf prev = MORPH_BUF_INIT;
	const struct morph_error *err;
	struct morph_oid c1, c2, got;

	setenv("MORPH_AUTHOR_DATE", "1000 +0000", 1);
	test_write_file(test_repo_dir(), "f", "1\n");
	test_commit_all(repo, "one\n", &c1);
	setenv("MORPH_AUTHOR_DATE", "2000 +0000", 1);
	test_write_file(test_repo_dir(), "f", "2\n");
	test_commit_all(repo, "two\n", &c2);
	unsetenv("MORPH_AUTHOR_DATE");

	T_OK(morph_reflog_nth(&got, repo, "HEAD", 0, "HEAD"));
	T_ASSERT(morph_oid_cmp(&got, &c2) == 0);
	T_OK(morph_reflog_nth(&got, repo, "HEAD", 1, "HEAD"));
	T_ASSERT(morph_oid_cmp(&got, &c1) == 0);
	err = morph_reflog_nth(&got, repo, "HEAD", 2, "HEAD");
	T_ERR(err, MORPH_ERR_NOT_FOUND);
	if (err != NULL)
		T_STREQ(err->msg, "log for 'HEAD' only has 2 entries");
	err = morph_reflog_nth(&got, repo, "refs/heads/none", 0, "none");
	T_ERR(err, MORPH_ERR_NOT_FOUND);
	if (err != NULL)
		T_STREQ(err->msg, "log for 'none' is empty");

	T_OK(morph_reflog_at(&got, repo, "refs/heads/main", 1999, "main"));
	T_ASSERT(morph_oid_cmp(&got, &c1) == 0);
	T_OK(morph_reflog_at(&got, repo, "refs/heads/main", 2000, "main"));
	T_ASSERT(morph_oid_cmp(&got, &c2) == 0);
	T_ERR(morph_reflog_at(&got, repo, "refs/heads/main", 999, "main"),
	    MORPH_ERR_NOT_FOUND);

	/* The same through revisions. */
	T_OK(morph_revparse(&got, repo, "HEAD@{1}"));
	T_ASSERT(morph_oid_cmp(&got, &c1) == 0);
	T_OK(morph_revparse(&got, repo, "main@{0}~1"));
	T_ASSERT(morph_oid_cmp(&got, &c1) == 0);
	T_OK(morph_revparse(&got, repo, "@{@1500}"));
	T_ASSERT(morph_oid_cmp(&got, &c1) == 0);
	T_OK(morph_revparse(&got, repo, "main@{1}:f"));
	T_ERR(morph_revparse(&got, repo, "HEAD@{x}"), MORPH_ERR_INVALID);
	T_ERR(morph_revparse(&got, repo, "HEAD@{1"), MORPH_ERR_INVALID);
	T_ERR(morph_revparse(&got, repo, "HEAD@{-1}"), MORPH_ERR_INVALID);

	/* @{-N}: the "from" of the Nth last checkout entry. */
	T_ERR(morph_reflog_previous(&prev, repo, 1), MORPH_ERR_NOT_FOUND);
	T_OK(morph_ref_update(repo, "refs/heads/b", &c1, NULL));
	T_OK(morph_ref_set_symbolic_log(repo, "HEAD", "refs/heads/b",
	    "checkout: moving from main to b"));
	T_OK(morph_ref_set_symbolic_log(repo, "HEAD", "refs/heads/main",
	    "checkout: moving from b to main"));
	T_OK(morph_reflog_previous(&prev, repo, 1));
	T_STREQ(prev.ptr, "b");
	T_OK(morph_reflog_previous(&prev, repo, 2));
	T_STREQ(prev.ptr, "main");
	T_OK(morph_revparse(&got, repo, "@{-1}"));
	T_ASSERT(morph_oid_cmp(&got, &c1) == 0);
	T_OK(morph_revparse_refname(&prev, repo, "@{-1}"));
	T_STREQ(prev.ptr, "refs/heads/b");
	morph_buf_release(&prev);
	morph_repo_close(repo);
}

/* A move is logged even when morph cannot tell who made it or when. */
static void
test_unknown_mover(void)
{
	struct morph_repo *repo = test_repo();
	struct morph_oid c1;
	struct seen s;

	test_write_file(test_repo_dir(), "f", "1\n");
	test_commit_all(repo, "one\n", &c1);
	setenv("MORPH_AUTHOR_DATE", "not a date", 1);
	T_OK(morph_ref_update_log(repo, "HEAD", &c1, NULL, "still logged"));
	unsetenv("MORPH_AUTHOR_DATE");
	T_CONTAINS(log_of(repo, "HEAD", &s), ":still logged;");
	morph_repo_close(repo);
}

static const struct test tests[] = {
	TEST(test_what_is_logged),
	TEST(test_selectors),
	TEST(test_unknown_mover),
};

TEST_MAIN(tests)
