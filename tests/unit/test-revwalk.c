/*
 * History walks: order by time, each commit once across merges, and
 * first-parent walks.
 */
#include "test.h"
#include "morph/morph.h"
#include "json_int.h"

static void
walk(struct morph_repo *repo, const struct morph_oid *start, int first,
    const char *want)
{
	struct morph_revwalk *w;
	struct morph_commit *c;
	char got[256] = "";
	size_t n;

	T_OK(morph_revwalk_new(&w, repo));
	morph_revwalk_first_parent(w, first);
	T_OK(morph_revwalk_push(w, start));
	for (;;) {
		T_OK(morph_revwalk_next(&c, w));
		if (c == NULL)
			break;
		n = strlen(got);
		snprintf(got + n, sizeof(got) - n, "%s ",
		    morph_commit_message(c));
		morph_commit_free(c);
	}
	T_STREQ(got, want);
	morph_revwalk_free(w);
}

static void
test_merge_order(void)
{
	struct morph_repo *repo = test_repo();
	struct morph_oid tree, a, b, c, d;

	T_OK(morph_tree_write(&tree, repo, NULL, 0));
	/*  a - b - d (merge)
	 *   \     /
	 *    c ---          */
	a = test_commit_raw(repo, &tree, NULL, NULL, 100, "a");
	b = test_commit_raw(repo, &tree, &a, NULL, 200, "b");
	c = test_commit_raw(repo, &tree, &a, NULL, 300, "c");
	d = test_commit_raw(repo, &tree, &b, &c, 400, "d");
	walk(repo, &d, 0, "d c b a ");
	walk(repo, &d, 1, "d b a ");
	walk(repo, &b, 0, "b a ");
	morph_repo_close(repo);
}

static void
test_missing_parent(void)
{
	struct morph_repo *repo = test_repo();
	struct morph_revwalk *w;
	struct morph_commit *c;
	struct morph_oid tree, ghost, x;

	T_OK(morph_tree_write(&tree, repo, NULL, 0));
	morph_hash_object(&ghost, "commit", "ghost", 5);
	x = test_commit_raw(repo, &tree, &ghost, NULL, 1, "x");
	T_OK(morph_revwalk_new(&w, repo));
	T_OK(morph_revwalk_push(w, &x));
	T_ERR(morph_revwalk_next(&c, w), MORPH_ERR_NOT_FOUND);
	morph_revwalk_free(w);
	morph_repo_close(repo);
}

static const struct test tests[] = {
	TEST(test_merge_order),
	TEST(test_missing_parent),
};

TEST_MAIN(tests)
