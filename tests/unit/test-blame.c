/*
 * Blame: lines through edits, insertions that shift numbers, files added
 * late, merges that take lines from either parent or make their own, line
 * ranges, and the errors for a missing path or a directory.
 */
#include "test.h"
#include "morph/morph.h"

/*
 * A commit whose snapshot holds p.txt with text (none when NULL) and
 * d/x.txt, written by hand: the API makes no merges.
 */
static struct morph_oid
commit(struct morph_repo *repo, const char *text, const struct morph_oid *p1,
    const struct morph_oid *p2, int64_t t, const char *msg)
{
	struct morph_entry e[2];
	struct morph_oid tree;
	size_t n = 0;

	T_OK(morph_object_write(&e[n].id, repo, MORPH_OBJ_BLOB, "x\n", 2));
	e[n].path = "d/x.txt";
	e[n++].mode = MORPH_MODE_FILE;
	if (text != NULL) {
		T_OK(morph_object_write(&e[n].id, repo, MORPH_OBJ_BLOB, text,
		    strlen(text)));
		e[n].path = "p.txt";
		e[n++].mode = MORPH_MODE_FILE;
	}
	T_OK(morph_tree_write(&tree, repo, e, n));
	return test_commit_raw(repo, &tree, p1, p2, t, msg);
}

/*
 * Blames p.txt at c over lines first..last and checks each line as
 * "message:orig_line:text", joined by blanks.
 */
static void
blame_range(struct morph_repo *repo, const struct morph_oid *c, size_t first,
    size_t last, const char *want)
{
	struct morph_blame_opts opts = MORPH_BLAME_OPTS_INIT;
	const struct morph_blame_line *l;
	struct morph_blame *b;
	struct morph_buf got = MORPH_BUF_INIT;
	size_t i, start = first ? first : 1;

	opts.first = first;
	opts.last = last;
	T_OK(morph_blame_file(&b, repo, c, "p.txt", &opts));
	if (b == NULL)
		return;
	for (i = 0; i < morph_blame_count(b); i++) {
		l = morph_blame_line(b, i);
		T_INTEQ(l->line, (last && last < start ? last : start) + i);
		morph_buf_printf(&got, "%s%s:%zu:%.*s", i ? " " : "",
		    morph_commit_message(l->commit), l->orig_line,
		    (int)l->len, l->text);
	}
	T_STREQ(morph_buf_cstr(&got), want);
	morph_buf_release(&got);
	morph_blame_free(b);
}

static void
blame(struct morph_repo *repo, const struct morph_oid *c, const char *want)
{
	blame_range(repo, c, 0, 0, want);
}

static void
test_linear(void)
{
	struct morph_repo *repo = test_repo();
	struct morph_oid c0, c1, c2, c3, c4;

	c0 = commit(repo, NULL, NULL, NULL, 50, "c0");
	c1 = commit(repo, "a\nb\nc\n", &c0, NULL, 100, "c1");
	c2 = commit(repo, "a\nB\nc\n", &c1, NULL, 200, "c2");
	c3 = commit(repo, "top\na\nB\nc\nd", &c2, NULL, 300, "c3");
	blame(repo, &c1, "c1:1:a c1:2:b c1:3:c");
	blame(repo, &c2, "c1:1:a c2:2:B c1:3:c");
	/* A line inserted above shifts the others; a last line without a
	 * newline is a line. */
	blame(repo, &c3, "c3:1:top c1:1:a c2:2:B c1:3:c c3:5:d");
	/* Deleting lines leaves the others with their commits. */
	c4 = commit(repo, "a\nc\nd", &c3, NULL, 400, "c4");
	blame(repo, &c4, "c1:1:a c1:3:c c3:5:d");
	morph_repo_close(repo);
}

static void
test_merge(void)
{
	struct morph_repo *repo = test_repo();
	struct morph_oid base, b1, b2, m, m2, m3, t;

	/*   base - b1 ------ m (merge: X from b1, Z from b2, w its own)
	 *      \            /
	 *       b2 --------
	 */
	base = commit(repo, "x\ny\nz\n", NULL, NULL, 100, "base");
	b1 = commit(repo, "X\ny\nz\n", &base, NULL, 200, "b1");
	b2 = commit(repo, "x\ny\nZ\n", &base, NULL, 150, "b2");
	m = commit(repo, "X\ny\nZ\nw\n", &b1, &b2, 300, "m");
	blame(repo, &m, "b1:1:X base:2:y b2:3:Z m:4:w");
	/* A merge that took the second parent's file whole. */
	m2 = commit(repo, "x\ny\nZ\n", &b1, &b2, 310, "m2");
	blame(repo, &m2, "base:1:x base:2:y b2:3:Z");
	/* A line both branches added the same way goes to the first. */
	b1 = commit(repo, "X\ny\nz\nnew\n", &b1, NULL, 400, "b1b");
	b2 = commit(repo, "x\ny\nZ\nnew\n", &b2, NULL, 410, "b2b");
	m3 = commit(repo, "X\ny\nZ\nnew\n", &b1, &b2, 500, "m3");
	blame(repo, &m3, "b1:1:X base:2:y b2:3:Z b1b:4:new");
	/* Commits reached by two paths are blamed once, after both. */
	t = commit(repo, "X\ny\nZ\nnew\ntail\n", &m3, NULL, 600, "t");
	blame(repo, &t, "b1:1:X base:2:y b2:3:Z b1b:4:new t:5:tail");
	morph_repo_close(repo);
}

static void
test_added_late(void)
{
	struct morph_repo *repo = test_repo();
	struct morph_oid c0, c1, c2, c3;

	c0 = commit(repo, NULL, NULL, NULL, 100, "c0");
	c1 = commit(repo, "a\n", &c0, NULL, 200, "c1");
	/* Removed and added again: the lines are new again. */
	c2 = commit(repo, NULL, &c1, NULL, 300, "c2");
	c3 = commit(repo, "a\nb\n", &c2, NULL, 400, "c3");
	blame(repo, &c1, "c1:1:a");
	blame(repo, &c3, "c3:1:a c3:2:b");
	morph_repo_close(repo);
}

static void
test_range_and_errors(void)
{
	struct morph_repo *repo = test_repo();
	struct morph_blame_opts opts = MORPH_BLAME_OPTS_INIT;
	struct morph_blame *b;
	struct morph_oid c0, c1, c2;

	c0 = commit(repo, NULL, NULL, NULL, 100, "c0");
	c1 = commit(repo, "a\nb\nc\n", &c0, NULL, 200, "c1");
	c2 = commit(repo, "a\nB\nc\n", &c1, NULL, 300, "c2");
	blame_range(repo, &c2, 2, 3, "c2:2:B c1:3:c");
	blame_range(repo, &c2, 3, 0, "c1:3:c");
	blame_range(repo, &c2, 0, 1, "c1:1:a");
	/* git swaps a range written backwards. */
	blame_range(repo, &c2, 2, 1, "c1:1:a c2:2:B");
	opts.first = 4;
	T_ERR(morph_blame_file(&b, repo, &c2, "p.txt", &opts),
	    MORPH_ERR_INVALID);
	T_ASSERT(b == NULL);
	opts.first = 2;
	opts.last = 9;
	T_ERR(morph_blame_file(&b, repo, &c2, "p.txt", &opts),
	    MORPH_ERR_INVALID);
	opts.first = opts.last = 0;
	T_ERR(morph_blame_file(&b, repo, &c0, "p.txt", &opts),
	    MORPH_ERR_NOT_FOUND);
	T_ERR(morph_blame_file(&b, repo, &c2, "d", &opts), MORPH_ERR_INVALID);
	/* An empty file has no line to blame. */
	c2 = commit(repo, "", &c2, NULL, 400, "empty");
	T_OK(morph_blame_file(&b, repo, &c2, "p.txt", &opts));
	T_INTEQ(morph_blame_count(b), 0);
	T_INTEQ(morph_blame_file_lines(b), 0);
	morph_blame_free(b);
	morph_repo_close(repo);
}

static const struct test tests[] = {
	TEST(test_linear),
	TEST(test_merge),
	TEST(test_added_late),
	TEST(test_range_and_errors),
};

TEST_MAIN(tests)
