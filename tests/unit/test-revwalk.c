/*
 * History walks: order by time, each commit once across merges,
 * first-parent walks, hidden commits (A..B) and merge bases.
 */
#include "test.h"
#include "morph/morph.h"
#include "json_int.h"

static void
walk_hiding(struct morph_repo *repo, const struct morph_oid *start,
    const struct morph_oid *hide, int first, const char *want)
{
	struct morph_revwalk *w;
	struct morph_commit *c;
	char got[256] = "";
	size_t n;

	T_OK(morph_revwalk_new(&w, repo));
	morph_revwalk_first_parent(w, first);
	T_OK(morph_revwalk_push(w, start));
	if (hide != NULL)
		T_OK(morph_revwalk_hide(w, hide));
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
walk(struct morph_repo *repo, const struct morph_oid *start, int first,
    const char *want)
{
	walk_hiding(repo, start, NULL, first, want);
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

static void
test_hide(void)
{
	struct morph_repo *repo = test_repo();
	struct morph_revwalk *w;
	struct morph_commit *c;
	struct morph_oid tree, a, b, c1, c2, d, e, ghost;

	T_OK(morph_tree_write(&tree, repo, NULL, 0));
	/*  a - b ------- d (merge) - e
	 *   \           /
	 *    c1 - c2 ---
	 * c2 is older than b: hiding must not depend on the order of time. */
	a = test_commit_raw(repo, &tree, NULL, NULL, 100, "a");
	c1 = test_commit_raw(repo, &tree, &a, NULL, 110, "c1");
	c2 = test_commit_raw(repo, &tree, &c1, NULL, 120, "c2");
	b = test_commit_raw(repo, &tree, &a, NULL, 200, "b");
	d = test_commit_raw(repo, &tree, &b, &c2, 400, "d");
	e = test_commit_raw(repo, &tree, &d, NULL, 500, "e");
	walk_hiding(repo, &e, &b, 0, "e d c2 c1 ");	/* b..e */
	walk_hiding(repo, &e, &c2, 0, "e d b ");	/* c2..e */
	walk_hiding(repo, &e, &c2, 1, "e d b ");
	walk_hiding(repo, &b, &e, 0, "");		/* e..b */
	walk_hiding(repo, &e, &e, 0, "");
	walk_hiding(repo, &c2, &b, 0, "c2 c1 ");	/* b..c2 */
	/* Hiding what is unreadable fails there and then. */
	morph_hash_object(&ghost, "commit", "ghost", 5);
	T_OK(morph_revwalk_new(&w, repo));
	T_ERR(morph_revwalk_hide(w, &ghost), MORPH_ERR_NOT_FOUND);
	morph_revwalk_free(w);
	/* Hidden before pushed: the same. */
	T_OK(morph_revwalk_new(&w, repo));
	T_OK(morph_revwalk_hide(w, &d));
	T_OK(morph_revwalk_push(w, &e));
	T_OK(morph_revwalk_next(&c, w));
	T_ASSERT(c != NULL && morph_oid_cmp(morph_commit_id(c), &e) == 0);
	morph_commit_free(c);
	T_OK(morph_revwalk_next(&c, w));
	T_ASSERT(c == NULL);
	morph_revwalk_free(w);
	morph_repo_close(repo);
}

/* The merge bases of x and y as messages, "a b ". */
static void
bases(struct morph_repo *repo, const struct morph_oid *x,
    const struct morph_oid *y, const char *want)
{
	struct morph_commit *c;
	struct morph_oid *v;
	char got[256] = "";
	size_t n, i, len;

	T_OK(morph_revwalk_merge_bases(&v, &n, repo, x, y));
	for (i = 0; i < n; i++) {
		T_OK(morph_commit_read(&c, repo, &v[i]));
		if (c == NULL)
			continue;
		len = strlen(got);
		snprintf(got + len, sizeof(got) - len, "%s ",
		    morph_commit_message(c));
		morph_commit_free(c);
	}
	free(v);
	T_STREQ(got, want);
}

static void
test_merge_bases(void)
{
	struct morph_repo *repo = test_repo();
	struct morph_oid tree, a, b, c, d, m1, m2, r, s, ghost, *v;
	size_t n;

	T_OK(morph_tree_write(&tree, repo, NULL, 0));
	/*  a - b - m1 - s      b and c cross: m1 and m2 each merge both,
	 *   \    X             so both are merge bases of s and r.
	 *    c - m2 - r
	 *  d: a root of its own. */
	a = test_commit_raw(repo, &tree, NULL, NULL, 100, "a");
	b = test_commit_raw(repo, &tree, &a, NULL, 200, "b");
	c = test_commit_raw(repo, &tree, &a, NULL, 300, "c");
	m1 = test_commit_raw(repo, &tree, &b, &c, 400, "m1");
	m2 = test_commit_raw(repo, &tree, &c, &b, 410, "m2");
	s = test_commit_raw(repo, &tree, &m1, NULL, 500, "s");
	r = test_commit_raw(repo, &tree, &m2, NULL, 510, "r");
	d = test_commit_raw(repo, &tree, NULL, NULL, 50, "d");
	bases(repo, &b, &c, "a ");
	bases(repo, &c, &b, "a ");
	bases(repo, &b, &s, "b ");		/* an ancestor: itself */
	bases(repo, &s, &b, "b ");
	bases(repo, &s, &s, "s ");
	bases(repo, &s, &r, "c b ");		/* criss-cross */
	bases(repo, &m1, &m2, "c b ");
	bases(repo, &s, &d, "");		/* nothing in common */
	morph_hash_object(&ghost, "commit", "ghost", 5);
	T_ERR(morph_revwalk_merge_bases(&v, &n, repo, &ghost, &a),
	    MORPH_ERR_NOT_FOUND);
	T_ERR(morph_revwalk_merge_bases(&v, &n, repo, &a, &ghost),
	    MORPH_ERR_NOT_FOUND);
	morph_repo_close(repo);
}

static const struct test tests[] = {
	TEST(test_merge_order),
	TEST(test_missing_parent),
	TEST(test_hide),
	TEST(test_merge_bases),
};

TEST_MAIN(tests)
