/*
 * The index: staging new, modified and deleted files, conflicts between
 * files and directories, ignore rules, the stat cache and its smudging,
 * and the cached tree id.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <unistd.h>

#include "test.h"
#include "morph/morph.h"
#include "repo_int.h"

static struct morph_index *
reload(struct morph_repo *repo, struct morph_index *idx)
{
	struct morph_index *fresh = NULL;

	T_OK(morph_index_write(idx, repo));
	morph_index_free(idx);
	T_OK(morph_index_open(&fresh, repo));
	return fresh;
}

static void
test_add_modify_delete(void)
{
	struct morph_repo *repo = test_repo();
	const char *dir = test_repo_dir();
	const struct morph_entry *e;
	struct morph_index *idx;
	struct morph_oid before;
	char path[4200];

	test_write_file(dir, "p/a.txt", "alpha\n");
	test_write_file(dir, "p/b.txt", "beta\n");
	test_write_file(dir, "top.txt", "top\n");
	T_OK(morph_index_open(&idx, repo));
	T_OK(morph_index_add(idx, repo, "p", 0));
	T_INTEQ(morph_index_count(idx), 2);
	idx = reload(repo, idx);
	T_INTEQ(morph_index_count(idx), 2);
	T_STREQ(morph_index_get(idx, 0)->path, "p/a.txt");
	e = morph_index_find(idx, "p/b.txt");
	T_ASSERT(e != NULL);
	if (e != NULL)
		before = e->id;

	test_write_file(dir, "p/b.txt", "beta, changed\n");
	snprintf(path, sizeof(path), "%s/p/a.txt", dir);
	unlink(path);
	T_OK(morph_index_add(idx, repo, "", 0));
	idx = reload(repo, idx);
	T_INTEQ(morph_index_count(idx), 2);	/* a gone, top added */
	T_ASSERT(morph_index_find(idx, "p/a.txt") == NULL);
	T_ASSERT(morph_index_find(idx, "top.txt") != NULL);
	e = morph_index_find(idx, "p/b.txt");
	T_ASSERT(e != NULL && morph_oid_cmp(&e->id, &before) != 0);

	T_ERR(morph_index_add(idx, repo, "nothing/here", 0),
	    MORPH_ERR_NOT_FOUND);
	morph_index_free(idx);
	morph_repo_close(repo);
}

static void
test_exec_bit(void)
{
	struct morph_repo *repo = test_repo();
	struct morph_index *idx;
	enum morph_wt_state ws;
	char path[4200];

	test_write_file(test_repo_dir(), "run.sh", "#!/bin/sh\n");
	snprintf(path, sizeof(path), "%s/run.sh", test_repo_dir());
	chmod(path, 0755);
	T_OK(morph_index_open(&idx, repo));
	T_OK(morph_index_add(idx, repo, "run.sh", 0));
	T_INTEQ(morph_index_get(idx, 0)->mode, MORPH_MODE_EXEC);
	chmod(path, 0644);
	T_OK(morph_index_check(&ws, idx, repo, 0));
	T_INTEQ(ws, MORPH_WT_MODIFIED);
	morph_index_free(idx);
	morph_repo_close(repo);
}

static void
test_file_directory_swap(void)
{
	struct morph_repo *repo = test_repo();
	const char *dir = test_repo_dir();
	struct morph_index *idx;
	char path[4200];

	test_write_file(dir, "x", "file\n");
	T_OK(morph_index_open(&idx, repo));
	T_OK(morph_index_add(idx, repo, "x", 0));
	snprintf(path, sizeof(path), "%s/x", dir);
	unlink(path);
	test_write_file(dir, "x/inner.txt", "now a directory\n");
	/* Adding only the new file still drops the stale "x". */
	T_OK(morph_index_add(idx, repo, "x/inner.txt", 0));
	T_INTEQ(morph_index_count(idx), 1);
	T_STREQ(morph_index_get(idx, 0)->path, "x/inner.txt");
	idx = reload(repo, idx);
	T_INTEQ(morph_index_count(idx), 1);
	morph_index_free(idx);
	morph_repo_close(repo);
}

static void
test_ignored_and_links(void)
{
	struct morph_repo *repo = test_repo();
	const char *dir = test_repo_dir();
	const struct morph_error *err;
	struct morph_index *idx;
	char path[4200];

	test_write_file(dir, ".morphignore", "*.log\nbuild/\n");
	test_write_file(dir, "keep.txt", "k\n");
	test_write_file(dir, "debug.log", "noise\n");
	test_write_file(dir, "build/out.txt", "artifact\n");
	snprintf(path, sizeof(path), "%s/link", dir);
	T_INTEQ(symlink("keep.txt", path), 0);
	T_OK(morph_index_open(&idx, repo));
	T_OK(morph_index_add(idx, repo, "", 0));
	T_INTEQ(morph_index_count(idx), 2);	/* .morphignore, keep.txt */
	T_ASSERT(morph_index_find(idx, "debug.log") == NULL);
	T_ASSERT(morph_index_find(idx, "build/out.txt") == NULL);
	T_ASSERT(morph_index_find(idx, "link") == NULL);
	err = morph_index_add(idx, repo, "debug.log", 0);
	T_ERR(err, MORPH_ERR_INVALID);
	if (err != NULL)
		T_CONTAINS(err->msg, "ignored");
	T_OK(morph_index_add(idx, repo, "debug.log", MORPH_ADD_FORCE));
	T_ASSERT(morph_index_find(idx, "debug.log") != NULL);
	/* Tracked files stay tracked although ignored. */
	test_write_file(dir, "debug.log", "more noise\n");
	T_OK(morph_index_add(idx, repo, "", 0));
	T_ASSERT(morph_index_find(idx, "debug.log") != NULL);
	err = morph_index_add(idx, repo, "link", 0);
	T_ERR(err, MORPH_ERR_INVALID);
	if (err != NULL)
		T_CONTAINS(err->msg, "symbolic link");
	morph_index_free(idx);
	morph_repo_close(repo);
}

static void
test_remove(void)
{
	struct morph_repo *repo = test_repo();
	const char *dir = test_repo_dir();
	struct morph_index *idx;
	size_t n = 0;

	test_write_file(dir, "d/a", "a\n");
	test_write_file(dir, "d/b", "b\n");
	test_write_file(dir, "d-e", "c\n");
	T_OK(morph_index_open(&idx, repo));
	T_OK(morph_index_add(idx, repo, "", 0));
	T_ERR(morph_index_remove(idx, "d", 0, &n), MORPH_ERR_INVALID);
	T_OK(morph_index_remove(idx, "d", 1, &n));
	T_INTEQ(n, 2);
	T_INTEQ(morph_index_count(idx), 1);
	T_STREQ(morph_index_get(idx, 0)->path, "d-e");
	T_ERR(morph_index_remove(idx, "zzz", 1, &n), MORPH_ERR_NOT_FOUND);
	idx = reload(repo, idx);
	T_INTEQ(morph_index_count(idx), 1);
	morph_index_free(idx);
	morph_repo_close(repo);
}

/* The smudged flag of path as saved: byte after the stat fields. */
static int
smudged(struct morph_repo *repo, const char *path)
{
	struct morph_buf rec = MORPH_BUF_INIT;
	size_t i, n = strlen(path);
	int found, v = -1;

	T_OK(morph_store_meta_get_blob(&repo->store, "index", &rec, &found));
	for (i = 0; found && i + n + 52 < rec.len; i++)
		if (memcmp(rec.ptr + i, path, n) == 0) {
			v = rec.ptr[i + n + 16 + 4 + 32];
			break;
		}
	morph_buf_release(&rec);
	return v;
}

static void
test_stat_cache_and_smudge(void)
{
	struct morph_repo *repo = test_repo();
	const char *dir = test_repo_dir();
	struct morph_index *idx;
	enum morph_wt_state ws;
	struct timespec old[2];
	char path[4200];

	test_write_file(dir, "fresh.txt", "just written\n");
	test_write_file(dir, "old.txt", "written long ago\n");
	snprintf(path, sizeof(path), "%s/old.txt", dir);
	old[0].tv_sec = old[1].tv_sec = 1000000000;
	old[0].tv_nsec = old[1].tv_nsec = 0;
	T_INTEQ(utimensat(AT_FDCWD, path, old, 0), 0);
	T_OK(morph_index_open(&idx, repo));
	T_OK(morph_index_add(idx, repo, "", 0));
	idx = reload(repo, idx);
	/* A file modified in the last second is not trusted by its stat. */
	T_INTEQ(smudged(repo, "fresh.txt"), 1);
	T_INTEQ(smudged(repo, "old.txt"), 0);
	T_OK(morph_index_check(&ws, idx, repo, 0));
	T_INTEQ(ws, MORPH_WT_CLEAN);
	/* Same size, same mtime, other bytes: ctime still tells. */
	test_write_file(dir, "old.txt", "WRITTEN LONG AGO\n");
	T_INTEQ(utimensat(AT_FDCWD, path, old, 0), 0);
	T_OK(morph_index_check(&ws, idx, repo, 1));
	T_INTEQ(ws, MORPH_WT_MODIFIED);
	morph_index_free(idx);
	morph_repo_close(repo);
}

static void
test_tree_cache(void)
{
	struct morph_repo *repo = test_repo();
	struct morph_index *idx;
	struct morph_commit *c;
	struct morph_oid head, tree;

	test_write_file(test_repo_dir(), "a", "a\n");
	test_commit_all(repo, "one\n", &head);
	T_OK(morph_index_open(&idx, repo));
	T_ASSERT(morph_index_tree(idx, &tree));
	T_OK(morph_commit_read(&c, repo, &head));
	if (c != NULL) {
		T_ASSERT(morph_oid_cmp(&tree, morph_commit_tree(c)) == 0);
		morph_commit_free(c);
	}
	test_write_file(test_repo_dir(), "a", "changed\n");
	T_OK(morph_index_add(idx, repo, "a", 0));
	T_ASSERT(!morph_index_tree(idx, &tree));
	idx = reload(repo, idx);
	T_ASSERT(!morph_index_tree(idx, &tree));
	morph_index_free(idx);
	morph_repo_close(repo);
}

static void
test_read_tree_and_set(void)
{
	struct morph_repo *repo = test_repo();
	struct morph_index *idx;
	struct morph_commit *c;
	struct morph_oid head, id;

	test_write_file(test_repo_dir(), "a", "a\n");
	test_write_file(test_repo_dir(), "b", "b\n");
	test_commit_all(repo, "one\n", &head);
	T_OK(morph_commit_read(&c, repo, &head));
	T_OK(morph_index_open(&idx, repo));
	T_OK(morph_index_remove(idx, "a", 0, NULL));
	T_OK(morph_index_read_tree(idx, repo, morph_commit_tree(c)));
	T_INTEQ(morph_index_count(idx), 2);
	T_OK(morph_object_write(&id, repo, MORPH_OBJ_BLOB, "c\n", 2));
	T_OK(morph_index_set(idx, repo, "c", &id, MORPH_MODE_FILE));
	T_OK(morph_index_set(idx, repo, "a", &id, MORPH_MODE_FILE));
	idx = reload(repo, idx);
	T_INTEQ(morph_index_count(idx), 3);
	T_ASSERT(morph_oid_cmp(&morph_index_find(idx, "a")->id, &id) == 0);
	morph_commit_free(c);
	morph_index_free(idx);
	morph_repo_close(repo);
}

static const struct test tests[] = {
	TEST(test_add_modify_delete),
	TEST(test_exec_bit),
	TEST(test_file_directory_swap),
	TEST(test_ignored_and_links),
	TEST(test_remove),
	TEST(test_stat_cache_and_smudge),
	TEST(test_tree_cache),
	TEST(test_read_tree_and_set),
};

TEST_MAIN(tests)
