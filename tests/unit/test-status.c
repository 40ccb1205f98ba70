/*
 * Status: staged, unstaged and untracked paths, path limits and ignored
 * files.
 */
#include <unistd.h>

#include "test.h"
#include "morph/morph.h"

/* "path:SU " for each entry: S staged, U unstaged (A D M or -), ? ! */
static void
render(struct morph_status *st, char *out, size_t size)
{
	static const char letters[] = "-ADM";
	const struct morph_status_entry *e;
	size_t i, n;

	out[0] = '\0';
	for (i = 0; i < morph_status_count(st); i++) {
		e = morph_status_get(st, i);
		n = strlen(out);
		if (e->untracked)
			snprintf(out + n, size - n, "%s:%s ", e->path,
			    e->ignored ? "!" : "?");
		else
			snprintf(out + n, size - n, "%s:%c%c ", e->path,
			    letters[e->staged], letters[e->unstaged]);
	}
}

static void
check(struct morph_repo *repo, const char *const *paths, size_t npaths,
    int flags, const char *want)
{
	struct morph_index *idx;
	struct morph_status *st;
	char got[1024];

	T_OK(morph_index_open(&idx, repo));
	T_OK(morph_status_new(&st, repo, idx, paths, npaths, flags));
	if (st != NULL) {
		render(st, got, sizeof(got));
		T_STREQ(got, want);
		morph_status_free(st);
	}
	morph_index_free(idx);
}

static void
stage(struct morph_repo *repo, const char *path)
{
	struct morph_index *idx;

	T_OK(morph_index_open(&idx, repo));
	T_OK(morph_index_add(idx, repo, path, 0));
	T_OK(morph_index_write(idx, repo));
	morph_index_free(idx);
}

static void
test_states(void)
{
	struct morph_repo *repo = test_repo();
	const char *dir = test_repo_dir();
	const char *only_p[] = { "p" };
	struct morph_oid c;
	char path[4200];

	test_write_file(dir, "a.txt", "a\n");
	stage(repo, "a.txt");
	check(repo, NULL, 0, MORPH_STATUS_UNTRACKED, "a.txt:A- ");

	test_write_file(dir, "p/m.txt", "m\n");
	test_write_file(dir, "p/d.txt", "d\n");
	test_write_file(dir, "keep.txt", "k\n");
	test_commit_all(repo, "base\n", &c);
	check(repo, NULL, 0, MORPH_STATUS_UNTRACKED, "");

	test_write_file(dir, "p/m.txt", "m2\n");
	snprintf(path, sizeof(path), "%s/p/d.txt", dir);
	unlink(path);
	test_write_file(dir, "new.txt", "n\n");
	test_write_file(dir, "keep.txt", "k2\n");
	stage(repo, "keep.txt");
	test_write_file(dir, "keep.txt", "k3\n");
	check(repo, NULL, 0, MORPH_STATUS_UNTRACKED,
	    "keep.txt:MM new.txt:? p/d.txt:-D p/m.txt:-M ");
	check(repo, NULL, 0, 0, "keep.txt:MM p/d.txt:-D p/m.txt:-M ");
	check(repo, only_p, 1, MORPH_STATUS_UNTRACKED, "p/d.txt:-D p/m.txt:-M ");

	stage(repo, "p");
	check(repo, only_p, 1, MORPH_STATUS_UNTRACKED, "p/d.txt:D- p/m.txt:M- ");
	morph_repo_close(repo);
}

static void
test_ignored(void)
{
	struct morph_repo *repo = test_repo();
	const char *dir = test_repo_dir();

	test_write_file(dir, ".morphignore", "*.tmp\n");
	test_write_file(dir, "x.tmp", "t\n");
	test_write_file(dir, "y.txt", "y\n");
	check(repo, NULL, 0, MORPH_STATUS_UNTRACKED,
	    ".morphignore:? y.txt:? ");
	check(repo, NULL, 0, MORPH_STATUS_UNTRACKED | MORPH_STATUS_IGNORED,
	    ".morphignore:? x.tmp:! y.txt:? ");
	morph_repo_close(repo);
}

static void
test_pathspec(void)
{
	const char *specs[] = { "a", "b/c" };

	T_ASSERT(morph_pathspec_match("a", specs, 2));
	T_ASSERT(morph_pathspec_match("a/x", specs, 2));
	T_ASSERT(morph_pathspec_match("b/c/d", specs, 2));
	T_ASSERT(!morph_pathspec_match("b/cd", specs, 2));
	T_ASSERT(!morph_pathspec_match("ab", specs, 2));
	T_ASSERT(morph_pathspec_match("anything", NULL, 0));
}

static const struct test tests[] = {
	TEST(test_states),
	TEST(test_ignored),
	TEST(test_pathspec),
};

TEST_MAIN(tests)
