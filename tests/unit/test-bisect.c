/*
 * Bisection's search (lib/bisectpick.c): a binary search over a line, over
 * histories with merges, with skipped commits, and the merge-base checks.
 * Each search is played out against an oracle that knows which commit
 * broke things: a commit is bad when it reaches the breaking one.
 */
#include "test.h"
#include "morph/morph.h"
#include "bisect_int.h"

#define MAXN	80

/* A history: commit i has parents p[i][0..np[i]-1], all below i. */
struct hist {
	size_t			 n;
	int			 p[MAXN][2];
	int			 np[MAXN];
	struct morph_oid	 id[MAXN];
};

/* Writes the commits by hand: the API makes no merges. */
static void
write_hist(struct morph_repo *repo, struct hist *h)
{
	struct morph_buf b = MORPH_BUF_INIT;
	struct morph_oid tree;
	size_t i;
	int k;

	T_OK(morph_tree_write(&tree, repo, NULL, 0));
	for (i = 0; i < h->n; i++) {
		morph_buf_clear(&b);
		morph_buf_printf(&b, "{\"author\":{\"email\":\"e\",\"name\":"
		    "\"n\",\"time\":%zu,\"tz\":\"+0000\"},\"message\":"
		    "\"c%zu\",\"parents\":[", 1000 + i, i);
		for (k = 0; k < h->np[i]; k++)
			morph_buf_printf(&b, "%s\"%s\"", k ? "," : "",
			    morph_oid_tostr(&h->id[h->p[i][k]]));
		morph_buf_printf(&b, "],\"tree\":\"%s\"}",
		    morph_oid_tostr(&tree));
		T_OK(morph_object_write(&h->id[i], repo, MORPH_OBJ_COMMIT,
		    b.ptr, b.len));
	}
	morph_buf_release(&b);
}

/* n commits in a line: each has the one before as its parent. */
static void
init_line(struct hist *h, size_t n)
{
	size_t i;

	memset(h, 0, sizeof(*h));
	h->n = n;
	for (i = 1; i < n; i++) {
		h->p[i][0] = (int)i - 1;
		h->np[i] = 1;
	}
}

/* Whether commit c reaches commit x. */
static int
reaches(const struct hist *h, int c, int x)
{
	int k;

	if (c == x)
		return 1;
	for (k = 0; k < h->np[c]; k++)
		if (reaches(h, h->p[c][k], x))
			return 1;
	return 0;
}

static int
index_of(const struct hist *h, const struct morph_oid *id)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		if (morph_oid_cmp(&h->id[i], id) == 0)
			return (int)i;
	return -1;
}

/*
 * Plays a search from bad and good against the oracle "x broke it",
 * skipping the commits in skip (-1 ends the list); returns the number of
 * commits tested and sets *found (-1 unless FOUND) and *state.
 */
static int
play(struct morph_repo *repo, const struct hist *h, int bad, int good, int x,
    const int *skip, int *found, enum morph_bisect_state *state)
{
	struct morph_oid b = h->id[bad], goods[MAXN], skips[MAXN];
	struct morph_bisect_next next;
	size_t ngood = 0, nskip = 0;
	int tests = 0, c, k;

	goods[ngood++] = h->id[good];
	*found = -1;
	for (;;) {
		T_OK(morph_bisect_pick(&next, repo, &b, goods, ngood, skips,
		    nskip));
		*state = next.state;
		if (next.state != MORPH_BISECT_TEST &&
		    next.state != MORPH_BISECT_TEST_BASE)
			break;
		c = index_of(h, &next.commit);
		T_ASSERT(c >= 0);
		if (c < 0 || tests > MAXN)
			break;
		for (k = 0; skip != NULL && skip[k] >= 0; k++)
			if (skip[k] == c)
				break;
		if (skip != NULL && skip[k] >= 0) {
			skips[nskip++] = next.commit;
			continue;
		}
		tests++;
		if (reaches(h, c, x))
			b = next.commit;
		else
			goods[ngood++] = next.commit;
		morph_bisect_next_release(&next);
	}
	if (next.state == MORPH_BISECT_FOUND)
		*found = index_of(h, &next.commit);
	morph_bisect_next_release(&next);
	return tests;
}

/*
 * Picks from bad and one good commit, no skips, into *next (released by
 * the caller), which must say state and name commit.
 */
static void
expect_pick(struct morph_bisect_next *next, struct morph_repo *repo,
    const struct hist *h, int bad, int good, enum morph_bisect_state state,
    int commit)
{
	T_OK(morph_bisect_pick(next, repo, &h->id[bad], &h->id[good], 1, NULL,
	    0));
	T_INTEQ(next->state, state);
	T_INTEQ(index_of(h, &next->commit), commit);
}

/* 64 commits in a line: any breaking commit is found in 6 tests. */
static void
test_line(void)
{
	struct morph_repo *repo = test_repo();
	enum morph_bisect_state st;
	struct hist h;
	int x, found, tests, most = 0;

	init_line(&h, 64);
	write_hist(repo, &h);
	for (x = 1; x < 64; x++) {
		tests = play(repo, &h, 63, 0, x, NULL, &found, &st);
		T_INTEQ(st, MORPH_BISECT_FOUND);
		T_INTEQ(found, x);
		if (tests > most)
			most = tests;
	}
	/* 63 possible first bad commits: ceil(log2(63)) tests. */
	T_INTEQ(most, 6);
	morph_repo_close(repo);
}

/*
 * Merges: a line 0..9 with a side branch from 3 (10..14) merged at 15,
 * then 16..19.  Whichever commit broke it, the search finds it.
 *
 *   0-1-2-3-4-5-6-7-8-9-15-16-17-18-19
 *          \             /
 *           10-11-12-13-14
 */
static void
test_merges(void)
{
	struct morph_repo *repo = test_repo();
	enum morph_bisect_state st;
	struct hist h;
	int x, found, tests;

	init_line(&h, 20);
	h.p[10][0] = 3;
	h.p[15][0] = 9;
	h.p[15][1] = 14;
	h.np[15] = 2;
	write_hist(repo, &h);
	for (x = 1; x < 20; x++) {
		tests = play(repo, &h, 19, 0, x, NULL, &found, &st);
		T_INTEQ(st, MORPH_BISECT_FOUND);
		T_INTEQ(found, x);
		/* 19 candidates: 5 tests, and merges cost at most one more. */
		T_ASSERT(tests <= 6);
	}
	morph_repo_close(repo);
}

/* The first test splits a merge's history by what each commit reaches. */
static void
test_weights(void)
{
	struct morph_repo *repo = test_repo();
	struct morph_bisect_next next;
	struct hist h;

	/*
	 * 0 good; 1..6 on one side, 7..12 on the other, 13 merges them,
	 * 14 bad: 14 candidates.  A side's tip, 6 or 12, reaches 6 of
	 * them, the best split (13 reaches 13); 6 comes first walking
	 * from 14 by first parents.
	 */
	init_line(&h, 15);
	h.p[7][0] = 0;
	h.p[13][0] = 6;
	h.p[13][1] = 12;
	h.np[13] = 2;
	write_hist(repo, &h);
	expect_pick(&next, repo, &h, 14, 0, MORPH_BISECT_TEST, 6);
	T_INTEQ(next.left, 14);
	/* If 6 is bad, 6 are left (5 to test); if good, 8 (7 to test). */
	T_INTEQ(next.after, 7);
	T_INTEQ(next.steps, 3);
	morph_bisect_next_release(&next);

	/*
	 * 3 merges 1 and 2 (each on 0), then 4..15 in a line, 15 bad: 15
	 * candidates.  4 reaches the merge's 3 and itself, so the middle,
	 * reaching 7 or 8 of 15, is 7 or 8 (8 comes first from 15): only
	 * if a merge counts what both its sides reach.
	 */
	init_line(&h, 16);
	h.p[2][0] = 0;
	h.p[3][0] = 1;
	h.p[3][1] = 2;
	h.np[3] = 2;
	write_hist(repo, &h);
	expect_pick(&next, repo, &h, 15, 0, MORPH_BISECT_TEST, 8);
	T_INTEQ(next.left, 15);
	morph_bisect_next_release(&next);
	morph_repo_close(repo);
}

/* Skipped commits are stepped around, and can leave the answer open. */
static void
test_skips(void)
{
	struct morph_repo *repo = test_repo();
	static const int skip_mid[] = { 5, 6, -1 };
	static const int skip_all[] = { 2, 3, -1 };
	struct morph_bisect_next next;
	enum morph_bisect_state st;
	struct hist h;
	int found, tests;

	init_line(&h, 12);
	write_hist(repo, &h);
	/* Skips that do not hide the answer: still found. */
	tests = play(repo, &h, 11, 0, 8, skip_mid, &found, &st);
	T_INTEQ(st, MORPH_BISECT_FOUND);
	T_INTEQ(found, 8);
	T_ASSERT(tests <= 5);
	/* The commit that broke it is skipped: the answer is a set. */
	tests = play(repo, &h, 4, 1, 3, skip_all, &found, &st);
	T_INTEQ(st, MORPH_BISECT_SKIPPED);
	T_INTEQ(tests, 0);
	T_OK(morph_bisect_pick(&next, repo, &h.id[4], &h.id[1], 1,
	    (struct morph_oid[]){ h.id[2], h.id[3] }, 2));
	T_INTEQ(next.state, MORPH_BISECT_SKIPPED);
	T_INTEQ(next.npossible, 3);
	T_INTEQ(index_of(&h, &next.possible[0]), 4);
	T_INTEQ(index_of(&h, &next.possible[1]), 3);
	T_INTEQ(index_of(&h, &next.possible[2]), 2);
	morph_bisect_next_release(&next);
	morph_repo_close(repo);
}

/*
 * A good commit that the bad one does not reach: their merge base is
 * tested first, as git does; a bad merge base ends the search.
 *
 *   0-1-2-3-4 (bad)
 *      \
 *       5-6 (good)
 */
static void
test_merge_base(void)
{
	struct morph_repo *repo = test_repo();
	struct morph_bisect_next next;
	enum morph_bisect_state st;
	struct hist h;
	int found, tests;

	init_line(&h, 7);
	h.p[5][0] = 1;
	write_hist(repo, &h);
	expect_pick(&next, repo, &h, 4, 6, MORPH_BISECT_TEST_BASE, 1);
	morph_bisect_next_release(&next);
	/* The base is good: the search goes on between it and 4. */
	tests = play(repo, &h, 4, 6, 3, NULL, &found, &st);
	T_INTEQ(st, MORPH_BISECT_FOUND);
	T_INTEQ(found, 3);
	T_ASSERT(tests <= 3);
	/* The base is bad: what broke came before the good side. */
	tests = play(repo, &h, 4, 6, 1, NULL, &found, &st);
	T_INTEQ(st, MORPH_BISECT_BASE_BAD);
	T_INTEQ(tests, 1);
	/* A bad commit that a good one reaches is a bad merge base. */
	expect_pick(&next, repo, &h, 2, 4, MORPH_BISECT_BASE_BAD, 2);
	morph_bisect_next_release(&next);
	morph_repo_close(repo);
}

/* Without both ends there is nothing to search; an unknown id fails. */
static void
test_waiting(void)
{
	struct morph_repo *repo = test_repo();
	struct morph_bisect_next next;
	struct morph_oid none;
	struct hist h;

	init_line(&h, 1);
	write_hist(repo, &h);
	T_OK(morph_bisect_pick(&next, repo, NULL, NULL, 0, NULL, 0));
	T_INTEQ(next.state, MORPH_BISECT_NEED_BAD);
	T_OK(morph_bisect_pick(&next, repo, &h.id[0], NULL, 0, NULL, 0));
	T_INTEQ(next.state, MORPH_BISECT_NEED_GOOD);
	memset(&none, 0xab, sizeof(none));
	T_ERR(morph_bisect_pick(&next, repo, &none, &h.id[0], 1, NULL, 0),
	    MORPH_ERR_NOT_FOUND);
	morph_repo_close(repo);
}

static const struct test tests[] = {
	TEST(test_line),
	TEST(test_merges),
	TEST(test_weights),
	TEST(test_skips),
	TEST(test_merge_base),
	TEST(test_waiting),
};

TEST_MAIN(tests)
