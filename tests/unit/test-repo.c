/*
 * Repositories: creation, discovery from a subdirectory, command-line
 * paths, format versions and removal of work-tree files.
 */
#include <sys/stat.h>

#include <unistd.h>

#include "test.h"
#include "morph/morph.h"

static void
test_init_and_discover(void)
{
	struct morph_repo *repo = test_repo(), *again;
	struct morph_buf p = MORPH_BUF_INIT;
	char dir[4096], sub[4200];

	snprintf(dir, sizeof(dir), "%s", test_repo_dir());
	T_ERR(morph_repo_init(&again, dir, NULL), MORPH_ERR_EXISTS);
	morph_repo_close(repo);

	snprintf(sub, sizeof(sub), "%s/a/b", dir);
	test_write_file(dir, "a/b/file", "x");
	T_OK(morph_repo_open(&repo, sub));
	if (repo != NULL) {
		T_STREQ(morph_repo_prefix(repo), "a/b");
		T_STREQ(morph_repo_workdir(repo), dir);
		T_INTEQ(chdir(sub), 0);
		morph_repo_close(repo);
		T_OK(morph_repo_open(&repo, NULL));
		T_OK(morph_repo_path(&p, repo, "file"));
		T_STREQ(p.ptr, "a/b/file");
		T_OK(morph_repo_path(&p, repo, "."));
		T_STREQ(p.ptr, "a/b");
		T_ERR(morph_repo_path(&p, repo, "../x"), MORPH_ERR_PATH);
		T_ERR(morph_repo_path(&p, repo, "/abs"), MORPH_ERR_PATH);
		morph_repo_close(repo);
	}
	T_ERR(morph_repo_open(&repo, test_tmpdir()), MORPH_ERR_NOT_REPO);
	morph_buf_release(&p);
}

static void
test_init_creates_directories(void)
{
	struct morph_repo *repo;
	char dir[4200];
	struct stat st;

	snprintf(dir, sizeof(dir), "%s/new/deeper", test_tmpdir());
	T_OK(morph_repo_init(&repo, dir, NULL));
	morph_repo_close(repo);
	snprintf(dir + strlen(dir), sizeof(dir) - strlen(dir),
	    "/.morph/morph.db");
	T_INTEQ(stat(dir, &st), 0);
}

static void
test_newer_format_refused(void)
{
	struct morph_repo *repo = test_repo();
	const struct morph_error *err;
	char dir[4096];

	snprintf(dir, sizeof(dir), "%s", test_repo_dir());
	T_OK(morph_config_set(repo, MORPH_CONFIG_LOCAL, "core.formatversion",
	    "99", 1));
	morph_repo_close(repo);
	err = morph_repo_open(&repo, dir);
	T_ERR(err, MORPH_ERR_FORMAT);
	if (err != NULL)
		T_CONTAINS(err->msg, "upgrade morph");
}

static void
test_remove_file(void)
{
	struct morph_repo *repo = test_repo();
	char dir[4096], path[4200];
	struct stat st;

	snprintf(dir, sizeof(dir), "%s", test_repo_dir());
	test_write_file(dir, "x/y/z.txt", "z");
	test_write_file(dir, "outside/keep.txt", "k");
	T_OK(morph_repo_remove_file(repo, "x/y/z.txt"));
	snprintf(path, sizeof(path), "%s/x", dir);
	T_ASSERT(stat(path, &st) == -1);	/* pruned */
	T_OK(morph_repo_remove_file(repo, "x/y/z.txt"));	/* gone: ok */
	/* Through a linked directory: refused, nothing outside removed. */
	snprintf(path, sizeof(path), "%s/link", dir);
	T_INTEQ(symlink("outside", path), 0);
	T_ERR(morph_repo_remove_file(repo, "link/keep.txt"), MORPH_ERR_PATH);
	snprintf(path, sizeof(path), "%s/outside/keep.txt", dir);
	T_INTEQ(stat(path, &st), 0);
	morph_repo_close(repo);
}

static const struct test tests[] = {
	TEST(test_init_and_discover),
	TEST(test_init_creates_directories),
	TEST(test_newer_format_refused),
	TEST(test_remove_file),
};

TEST_MAIN(tests)
