/*
 * The index: staging new, modified and deleted files, conflicts between
 * files and directories, ignore rules, the stat cache and its smudging,
 * and the cached tree id.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include "test.h"
#include "morph/morph.h"
#include "index_int.h"
#include "repo_int.h"
#include "scan_int.h"

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

/*
 * The smudged flag of path as saved (morph-repository(5), version 2: bit
 * 2 of the flag byte after the path's bytes and the id).  The path must
 * share no leading byte with the path before it, so that it is stored
 * whole.
 */
static int
smudged(struct morph_repo *repo, const char *path)
{
	struct morph_buf rec = MORPH_BUF_INIT;
	size_t i, n = strlen(path);
	int found, v = -1;

	T_OK(morph_store_meta_get_blob(&repo->store, "index", &rec, &found));
	T_INTEQ(found && rec.len > 8 ? rec.ptr[4] : -1, 2);	/* version */
	for (i = 0; found && i + n + 17 < rec.len; i++)
		if (memcmp(rec.ptr + i, path, n) == 0) {
			v = (rec.ptr[i + n + 16] & 0x4) != 0;
			break;
		}
	morph_buf_release(&rec);
	return v;
}

static int64_t
ns_of(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec;
}

/* Sets the modification time of dir/rel to ns since the epoch. */
static void
set_mtime(const char *dir, const char *rel, int64_t ns)
{
	struct timespec t[2];
	char path[4200];

	t[0].tv_sec = t[1].tv_sec = (time_t)(ns / 1000000000);
	t[0].tv_nsec = t[1].tv_nsec = (long)(ns % 1000000000);
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	T_INTEQ(utimensat(AT_FDCWD, path, t, 0), 0);
}

/*
 * Waits until a file written now gets a ctime later than dir/rel's: the
 * kernel stamps files from a clock that ticks every few milliseconds.
 */
static void
wait_ctime_past(const char *dir, const char *rel)
{
	struct stat st, probe;
	char path[4200];
	int i;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	T_INTEQ(stat(path, &st), 0);
	snprintf(path, sizeof(path), "%s/ctime-probe", dir);
	for (i = 0; i < 60000; i++) {
		test_write_file(dir, "ctime-probe", "tick\n");
		T_INTEQ(stat(path, &probe), 0);
		if (ns_of(&probe.st_ctim) > ns_of(&st.st_ctim))
			break;
		nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
	}
	unlink(path);
}

static void
test_stat_cache_and_smudge(void)
{
	struct morph_repo *repo = test_repo();
	const char *dir = test_repo_dir();
	struct morph_index *idx = NULL;
	enum morph_wt_state ws;
	struct timespec t0, t1;
	int64_t coarse;
	int i;

	test_write_file(dir, "old.txt", "written long ago\n");
	test_write_file(dir, "recent.txt", "written a moment ago\n");
	test_write_file(dir, "coarse.txt", "on a file system of seconds\n");
	set_mtime(dir, "old.txt", 1000000000LL * 1000000000);
	/*
	 * The index judges each file's mtime against the moment it was
	 * loaded, between t0 and t1 here.  The times are set from those,
	 * after the load, so that no delay of a loaded machine changes the
	 * verdicts; the load is tried again if it took a good part of a
	 * second.
	 */
	for (i = 0; i < 100; i++) {
		clock_gettime(CLOCK_REALTIME, &t0);
		T_OK(morph_index_open(&idx, repo));
		clock_gettime(CLOCK_REALTIME, &t1);
		if (ns_of(&t1) - ns_of(&t0) < 900000000)
			break;
		morph_index_free(idx);
		idx = NULL;
	}
	if (idx == NULL) {
		T_FAIL("morph_index_open never took less than 0.9 s");
		morph_repo_close(repo);
		return;
	}
	/* Written after the load: within a tick of it, or later. */
	test_write_file(dir, "fresh.txt", "just written\n");
	/* Half a second before the load, with nanoseconds: past the tick. */
	set_mtime(dir, "recent.txt", ns_of(&t0) - 500000001);
	/*
	 * A whole second, at least 50 ms before the load (no longer within
	 * the tick) but within 2 s of it: a clock of seconds may tick again.
	 */
	coarse = (ns_of(&t0) - 50000000) / 1000000000 * 1000000000;
	set_mtime(dir, "coarse.txt", coarse);
	T_ASSERT(coarse > ns_of(&t1) - 2000000000);
	T_OK(morph_index_add(idx, repo, "", 0));
	idx = reload(repo, idx);
	/* A file modified within a tick of the stat is not trusted by it. */
	T_INTEQ(smudged(repo, "fresh.txt"), 1);
	T_INTEQ(smudged(repo, "old.txt"), 0);
	T_INTEQ(smudged(repo, "recent.txt"), 0);
	T_INTEQ(smudged(repo, "coarse.txt"), 1);
	T_ASSERT(morph_index_find(idx, "old.txt") ==
	    morph_index_get(idx, 2));
	T_OK(morph_index_check(&ws, idx, repo, 2));
	T_INTEQ(ws, MORPH_WT_CLEAN);
	/* Same size, same mtime, other bytes: ctime still tells. */
	wait_ctime_past(dir, "old.txt");
	test_write_file(dir, "old.txt", "WRITTEN LONG AGO\n");
	set_mtime(dir, "old.txt", 1000000000LL * 1000000000);
	T_OK(morph_index_check(&ws, idx, repo, 2));
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

static void
put_le(struct morph_buf *b, uint64_t v, size_t n)
{
	while (n-- > 0) {
		morph_buf_putc(b, (char)(v & 0xff));
		v >>= 8;
	}
}

/* One entry of morph-repository(5)'s version 1 record. */
struct v1_entry {
	const char	*path;
	unsigned char	 idbyte;
	unsigned int	 mode;
	int64_t		 size, mtime, ctime, ino;
	int		 smudged;
};

static const struct v1_entry v1_entries[] = {
	{ "a/b/c.txt", 0x11, 0100644, 12, 1700000000123456789LL,
	    1700000000123456789LL, 42, 0 },
	{ "a/b/d.sh", 0x22, 0100755, 0, 1700000000000000000LL,
	    1700000001000000000LL, 41, 0 },
	{ "a/link", 0x33, 0120000, -1, 5, 5, 9000000000LL, 1 },
	{ "z", 0x44, 0100600, 7, 1, 2, 0, 0 },	/* a mode of no class */
};
#define NV1	(sizeof(v1_entries) / sizeof(v1_entries[0]))

/* Whether idx holds v1_entries, stat fields included. */
static void
check_v1_entries(struct morph_repo *repo, struct morph_index *idx)
{
	const struct morph_entry *e;
	struct morph_statinfo si;
	enum morph_wt_state ws;
	size_t i;
	int k;

	T_INTEQ(morph_index_count(idx), NV1);
	for (i = 0; i < NV1 && i < morph_index_count(idx); i++) {
		const struct v1_entry *v = &v1_entries[i];

		e = morph_index_get(idx, i);
		T_STREQ(e->path, v->path);
		T_INTEQ(e->mode, v->mode);
		for (k = 0; k < MORPH_OID_RAWSZ; k++)
			if (e->id.id[k] != v->idbyte)
				break;
		T_INTEQ(k, MORPH_OID_RAWSZ);
		/*
		 * The same stat fields mean clean without reading the file
		 * (there is none); a smudged entry must read it, and fails.
		 */
		si.size = v->size;
		si.mtime = v->mtime;
		si.ctime = v->ctime;
		si.ino = v->ino;
		si.mode = v->mode;
		if (v->smudged) {
			T_ASSERT(morph_index_check_stat(&ws, idx, repo, i,
			    &si) != NULL);
		} else {
			T_OK(morph_index_check_stat(&ws, idx, repo, i, &si));
			T_INTEQ(ws, MORPH_WT_CLEAN);
		}
	}
}

static void
test_record_formats(void)
{
	struct morph_repo *repo = test_repo();
	struct morph_buf rec = MORPH_BUF_INIT, big = MORPH_BUF_INIT;
	struct morph_index *idx = NULL;
	struct morph_oid id;
	char path[3100];
	size_t i;
	int found;

	/* A version 1 record, as morph wrote it before, is read. */
	morph_buf_put(&rec, "MIDX", 4);
	put_le(&rec, 1, 4);
	put_le(&rec, 0, 4);
	for (i = 0; i < MORPH_OID_RAWSZ; i++)
		morph_buf_putc(&rec, 0);
	put_le(&rec, NV1, 4);
	for (i = 0; i < NV1; i++) {
		const struct v1_entry *v = &v1_entries[i];
		size_t k;

		put_le(&rec, strlen(v->path), 4);
		morph_buf_puts(&rec, v->path);
		for (k = 0; k < MORPH_OID_RAWSZ; k++)
			morph_buf_putc(&rec, (char)v->idbyte);
		put_le(&rec, v->mode, 4);
		put_le(&rec, (uint64_t)v->size, 8);
		put_le(&rec, (uint64_t)v->mtime, 8);
		put_le(&rec, (uint64_t)v->ctime, 8);
		put_le(&rec, (uint64_t)v->ino, 8);
		put_le(&rec, (uint64_t)v->smudged, 1);
	}
	T_OK(morph_store_meta_set_blob(&repo->store, "index", rec.ptr,
	    rec.len));
	T_OK(morph_index_open(&idx, repo));
	check_v1_entries(repo, idx);

	/* Written again, it is version 2, smaller, and reads the same. */
	idx = reload(repo, idx);
	T_OK(morph_store_meta_get_blob(&repo->store, "index", &big, &found));
	T_INTEQ(big.len > 8 ? big.ptr[4] : -1, 2);
	T_ASSERT(big.len < rec.len);
	check_v1_entries(repo, idx);
	morph_index_free(idx);

	/*
	 * Long paths that share all but their last bytes: the record is
	 * far smaller than the paths it holds.
	 */
	T_OK(morph_index_open(&idx, repo));
	T_OK(morph_object_write(&id, repo, MORPH_OBJ_BLOB, "x", 1));
	/* Twelve directories of 240 bytes: names stay under NAME_MAX. */
	memset(path, 'p', 2892);
	for (i = 240; i < 2892; i += 241)
		path[i] = '/';
	for (i = 0; i < 300; i++) {
		snprintf(path + 2892, sizeof(path) - 2892, "f%04zu", i);
		T_OK(morph_index_set(idx, repo, path, &id, MORPH_MODE_FILE));
	}
	idx = reload(repo, idx);
	T_OK(morph_store_meta_get_blob(&repo->store, "index", &big, &found));
	T_ASSERT(big.len < 300 * 100);
	T_INTEQ(morph_index_count(idx), NV1 + 300);
	snprintf(path + 2892, sizeof(path) - 2892, "f%04d", 299);
	T_ASSERT(morph_index_find(idx, path) != NULL);
	snprintf(path + 2892, sizeof(path) - 2892, "f%04d", 0);
	T_ASSERT(morph_index_find(idx, path) != NULL);
	morph_index_free(idx);

	/* Damage is an error, never a crash or a wrong entry. */
	for (i = 28; i < big.len; i += 97) {
		T_OK(morph_store_meta_set_blob(&repo->store, "index", big.ptr,
		    i));
		idx = NULL;
		T_ERR(morph_index_open(&idx, repo), MORPH_ERR_CORRUPT);
		T_ASSERT(idx == NULL);
	}
	/* The first entry cannot share bytes with an entry before it. */
	big.ptr[32] = 5;
	T_OK(morph_store_meta_set_blob(&repo->store, "index", big.ptr,
	    big.len));
	T_ERR(morph_index_open(&idx, repo), MORPH_ERR_CORRUPT);
	morph_buf_release(&rec);
	morph_buf_release(&big);
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
	TEST(test_record_formats),
};

TEST_MAIN(tests)
