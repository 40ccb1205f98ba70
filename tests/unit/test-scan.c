/*
 * Walking the work tree: sorted regular files, what is skipped, several
 * paths at once.
 */
#include <sys/stat.h>

#include <unistd.h>

#include "test.h"
#include "morph/morph.h"
#include "ignore_int.h"
#include "scan_int.h"

static void
names(const struct morph_scanlist *l, char *out, size_t size)
{
	size_t i, n;

	out[0] = '\0';
	for (i = 0; i < l->n; i++) {
		n = strlen(out);
		snprintf(out + n, size - n, "%s ", l->v[i].path);
	}
}

static void
test_walk(void)
{
	struct morph_repo *repo = test_repo();
	const char *dir = test_repo_dir();
	struct morph_ignore *ig;
	struct morph_scanlist l;
	const char *two[] = { "b", "a/x" };
	char got[512], path[4200];

	test_write_file(dir, "b/2.txt", "2");
	test_write_file(dir, "a/x/1.txt", "1");
	test_write_file(dir, "a-y.txt", "y");
	test_write_file(dir, "skip.tmp", "t");
	test_write_file(dir, ".git/config", "git's");
	test_write_file(dir, ".morphignore", "*.tmp\n");
	snprintf(path, sizeof(path), "%s/link", dir);
	T_INTEQ(symlink("b", path), 0);
	snprintf(path, sizeof(path), "%s/fifo", dir);
	T_INTEQ(mkfifo(path, 0600), 0);

	T_OK(morph_ignore_load(&ig, dir));
	T_OK(morph_scan(&l, repo, ig, "", 0));
	names(&l, got, sizeof(got));
	T_STREQ(got, ".morphignore a-y.txt a/x/1.txt b/2.txt ");
	morph_scanlist_release(&l);

	T_OK(morph_scan(&l, repo, ig, "", MORPH_SCAN_IGNORED));
	names(&l, got, sizeof(got));
	T_STREQ(got, ".morphignore a-y.txt a/x/1.txt b/2.txt skip.tmp ");
	morph_scanlist_release(&l);

	T_OK(morph_scan_paths(&l, repo, ig, two, 2, 0));
	names(&l, got, sizeof(got));
	T_STREQ(got, "a/x/1.txt b/2.txt ");
	T_ASSERT(morph_scanlist_find(&l, "b/2.txt") != NULL);
	T_ASSERT(morph_scanlist_find(&l, "a-y.txt") == NULL);
	morph_scanlist_release(&l);

	T_OK(morph_scan(&l, repo, ig, "does/not/exist", 0));
	T_INTEQ(l.n, 0);
	morph_scanlist_release(&l);
	morph_ignore_free(ig);
	morph_repo_close(repo);
}

static void
skips(const struct morph_scanlist *l, char *out, size_t size)
{
	size_t i, n;

	out[0] = '\0';
	for (i = 0; i < l->nskip; i++) {
		n = strlen(out);
		snprintf(out + n, size - n, "[%s] %.10s; ", l->skip[i].path,
		    l->skip[i].why);
	}
}

/*
 * What cannot be tracked is listed when asked, not ignored files, never
 * ., .., .git or .morph, and the files beside it are walked as ever.
 */
static void
test_skipped(void)
{
	struct morph_repo *repo = test_repo();
	const char *dir = test_repo_dir();
	const char *two[] = { "d", "d/e" };
	struct morph_ignore *ig;
	struct morph_scanlist l;
	char got[1024], path[4200];

	test_write_file(dir, "ok.txt", "1");
	test_write_file(dir, "bad\001name.txt", "2");
	test_write_file(dir, "lat\377.txt", "3");
	test_write_file(dir, "d/\033dir/in.txt", "4");
	test_write_file(dir, "d/e/f.txt", "5");
	test_write_file(dir, "d/ign\002.tmp", "6");
	test_write_file(dir, ".morphignore", "*.tmp\n");
	snprintf(path, sizeof(path), "%s/d/e/link", dir);
	T_INTEQ(symlink("f.txt", path), 0);
	snprintf(path, sizeof(path), "%s/fifo", dir);
	T_INTEQ(mkfifo(path, 0600), 0);
	T_OK(morph_ignore_load(&ig, dir));

	T_OK(morph_scan(&l, repo, ig, "", 0));
	names(&l, got, sizeof(got));
	T_STREQ(got, ".morphignore d/e/f.txt ok.txt ");
	T_INTEQ(l.nskip, 0);
	morph_scanlist_release(&l);

	T_OK(morph_scan(&l, repo, ig, "", MORPH_SCAN_SKIPPED));
	names(&l, got, sizeof(got));
	T_STREQ(got, ".morphignore d/e/f.txt ok.txt ");
	skips(&l, got, sizeof(got));
	T_STREQ(got, "[bad\001name.txt] its name h; [d/\033dir/] its name h; "
	    "[d/e/link] a symbolic; [fifo] not a regu; [lat\377.txt] its "
	    "name i; ");
	morph_scanlist_release(&l);

	/* Overlapping paths list a skipped file once. */
	T_OK(morph_scan_paths(&l, repo, ig, two, 2, MORPH_SCAN_SKIPPED));
	skips(&l, got, sizeof(got));
	T_STREQ(got, "[d/\033dir/] its name h; [d/e/link] a symbolic; ");
	morph_scanlist_release(&l);
	morph_ignore_free(ig);
	morph_repo_close(repo);
}

static const struct test tests[] = {
	TEST(test_walk),
	TEST(test_skipped),
};

TEST_MAIN(tests)
