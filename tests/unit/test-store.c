/*
 * The SQLite store and the object API: rows written once, compression,
 * decoding, prefixes, meta values, nested transactions and locking, and
 * the background checkpointer.
 */
#include <sys/stat.h>

#include <sqlite3.h>
#include <time.h>

#include "test.h"
#include "morph/morph.h"
#include "repo_int.h"
#include "store_int.h"

static void
test_roundtrip(void)
{
	struct morph_repo *repo = test_repo();
	struct morph_object *o;
	struct morph_oid id, again;
	enum morph_object_type type;
	size_t size;

	T_OK(morph_object_write(&id, repo, MORPH_OBJ_BLOB, "hello", 5));
	T_STREQ(morph_oid_tostr(&id), "f2c1ca92a323ca0a676704d0c3dad006");
	T_OK(morph_object_write(&again, repo, MORPH_OBJ_BLOB, "hello", 5));
	T_ASSERT(morph_oid_cmp(&id, &again) == 0);
	T_OK(morph_object_read(&o, repo, &id, MORPH_OBJ_BLOB));
	if (o != NULL) {
		T_STREQ(morph_object_data(o), "hello");
		T_INTEQ(morph_object_size(o), 5);
		T_INTEQ(morph_object_type(o), MORPH_OBJ_BLOB);
		morph_object_free(o);
	}
	T_OK(morph_object_info(&type, &size, repo, &id));
	T_INTEQ(size, 5);
	T_ASSERT(morph_object_exists(repo, &id));
	/* An empty payload is an object too. */
	T_OK(morph_object_write(&id, repo, MORPH_OBJ_BLOB, "", 0));
	T_OK(morph_object_read(&o, repo, &id, MORPH_OBJ_ANY));
	if (o != NULL) {
		T_INTEQ(morph_object_size(o), 0);
		T_STREQ(morph_object_data(o), "");
		morph_object_free(o);
	}
	morph_repo_close(repo);
}

static int
row_enc(struct morph_repo *repo, const struct morph_oid *id, int *count)
{
	sqlite3_stmt *st;
	int enc = -1;

	sqlite3_prepare_v2(repo->store.db, "SELECT enc, count(*) FROM objects "
	    "WHERE id = ?", -1, &st, NULL);
	sqlite3_bind_blob(st, 1, id->id, MORPH_OID_RAWSZ, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		enc = sqlite3_column_int(st, 0);
		*count = sqlite3_column_int(st, 1);
	}
	sqlite3_finalize(st);
	return enc;
}

static void
test_compression(void)
{
	struct morph_repo *repo = test_repo();
	struct morph_buf big = MORPH_BUF_INIT;
	struct morph_object *o;
	struct morph_oid id;
	int i, count = 0;

	for (i = 0; i < 2000; i++)
		morph_buf_printf(&big, "line %d of a very repetitive prompt\n",
		    i % 7);
	T_OK(morph_object_write(&id, repo, MORPH_OBJ_BLOB, big.ptr, big.len));
	T_INTEQ(row_enc(repo, &id, &count), 1);	/* zlib */
	T_INTEQ(count, 1);
	T_OK(morph_object_read(&o, repo, &id, MORPH_OBJ_BLOB));
	if (o != NULL) {
		T_INTEQ(morph_object_size(o), big.len);
		T_ASSERT(memcmp(morph_object_data(o), big.ptr, big.len) == 0);
		morph_object_free(o);
	}
	/* Incompressible and short payloads are stored as they are. */
	T_OK(morph_object_write(&id, repo, MORPH_OBJ_BLOB, "short", 5));
	T_INTEQ(row_enc(repo, &id, &count), 0);
	morph_buf_release(&big);
	morph_repo_close(repo);
}

static void
test_missing_and_wrong_type(void)
{
	struct morph_repo *repo = test_repo();
	const struct morph_error *err;
	struct morph_object *o;
	struct morph_oid id;

	morph_hash_object(&id, "blob", "never stored", 12);
	T_ERR(morph_object_read(&o, repo, &id, MORPH_OBJ_ANY),
	    MORPH_ERR_NOT_FOUND);
	T_ASSERT(!morph_object_exists(repo, &id));
	T_OK(morph_object_write(&id, repo, MORPH_OBJ_BLOB, "x", 1));
	err = morph_object_read(&o, repo, &id, MORPH_OBJ_TREE);
	T_ERR(err, MORPH_ERR_NOT_FOUND);
	if (err != NULL)
		T_CONTAINS(err->msg, "is a blob, not a tree");
	T_ERR(morph_object_write(&id, repo, (enum morph_object_type)42,
	    "x", 1), MORPH_ERR_INVALID);
	morph_repo_close(repo);
}

static void
test_damaged_rows(void)
{
	struct morph_repo *repo = test_repo();
	struct morph_buf big = MORPH_BUF_INIT;
	struct morph_object *o;
	struct morph_oid id;
	int i;

	for (i = 0; i < 500; i++)
		morph_buf_puts(&big, "compress me ");
	T_OK(morph_object_write(&id, repo, MORPH_OBJ_BLOB, big.ptr, big.len));
	sqlite3_exec(repo->store.db, "UPDATE objects SET data = x'0001'",
	    NULL, NULL, NULL);
	T_ERR(morph_object_read(&o, repo, &id, MORPH_OBJ_ANY),
	    MORPH_ERR_CORRUPT);
	sqlite3_exec(repo->store.db, "UPDATE objects SET enc = 7", NULL, NULL,
	    NULL);
	T_ERR(morph_object_read(&o, repo, &id, MORPH_OBJ_ANY),
	    MORPH_ERR_CORRUPT);
	morph_buf_release(&big);
	morph_repo_close(repo);
}

static void
test_prefixes(void)
{
	struct morph_repo *repo = test_repo();
	const struct morph_error *err;
	struct morph_oid id, found;
	char hex[MORPH_OID_HEXSZ + 1], prefix[5];
	unsigned char *seen;
	int i, collided = 0;

	T_OK(morph_object_write(&id, repo, MORPH_OBJ_BLOB, "unique", 6));
	morph_oid_fmt(hex, &id);
	hex[10] = '\0';
	T_OK(morph_object_find_prefix(&found, repo, hex));
	T_ASSERT(morph_oid_cmp(&id, &found) == 0);
	T_ERR(morph_object_find_prefix(&found, repo, "abc"),
	    MORPH_ERR_INVALID);
	T_ERR(morph_object_find_prefix(&found, repo, "zzzz"),
	    MORPH_ERR_INVALID);

	/* Store blobs until two share four hex digits. */
	seen = calloc(65536, 1);
	for (i = 0; i < 5000 && !collided; i++) {
		char text[32];
		unsigned int p;

		snprintf(text, sizeof(text), "blob %d", i);
		T_OK(morph_object_write(&id, repo, MORPH_OBJ_BLOB, text,
		    strlen(text)));
		p = (unsigned int)id.id[0] << 8 | id.id[1];
		if (seen[p]) {
			morph_oid_fmt(hex, &id);
			memcpy(prefix, hex, 4);
			prefix[4] = '\0';
			collided = 1;
		}
		seen[p] = 1;
	}
	free(seen);
	T_ASSERT(collided);
	if (collided) {
		err = morph_object_find_prefix(&found, repo, prefix);
		T_ERR(err, MORPH_ERR_AMBIGUOUS);
		if (err != NULL)
			T_CONTAINS(err->msg, "ambiguous");
		/* The full id still resolves. */
		T_OK(morph_object_find_prefix(&found, repo, hex));
	}
	morph_repo_close(repo);
}

static void
test_meta(void)
{
	struct morph_repo *repo = test_repo();
	struct morph_buf b = MORPH_BUF_INIT;
	int64_t v = 0;
	int found = 1;

	T_OK(morph_store_meta_get(&repo->store, "k", &v, &found));
	T_INTEQ(found, 0);
	T_OK(morph_store_meta_set(&repo->store, "k", 1234567890123LL));
	T_OK(morph_store_meta_get(&repo->store, "k", &v, &found));
	T_INTEQ(found, 1);
	T_INTEQ(v, 1234567890123LL);
	T_OK(morph_store_meta_set_blob(&repo->store, "t", "\0\1\2", 3));
	T_OK(morph_store_meta_get_blob(&repo->store, "t", &b, &found));
	T_INTEQ(found, 1);
	T_INTEQ(b.len, 3);
	T_ASSERT(b.len == 3 && memcmp(b.ptr, "\0\1\2", 3) == 0);
	T_OK(morph_store_meta_set_blob(&repo->store, "t", NULL, 0));
	T_OK(morph_store_meta_get_blob(&repo->store, "t", &b, &found));
	T_INTEQ(found, 0);
	morph_buf_release(&b);
	morph_repo_close(repo);
}

static void
test_nested_transactions(void)
{
	struct morph_repo *repo = test_repo();
	struct morph_oid id;

	/* Inner commit, outer commit: written. */
	T_OK(morph_repo_begin(repo));
	T_OK(morph_repo_begin(repo));
	T_OK(morph_object_write(&id, repo, MORPH_OBJ_BLOB, "kept", 4));
	T_OK(morph_repo_commit(repo));
	T_OK(morph_repo_commit(repo));
	T_ASSERT(morph_object_exists(repo, &id));

	/* An inner rollback poisons the outer transaction. */
	T_OK(morph_repo_begin(repo));
	T_OK(morph_repo_begin(repo));
	T_OK(morph_object_write(&id, repo, MORPH_OBJ_BLOB, "lost", 4));
	morph_repo_rollback(repo);
	T_ERR(morph_repo_commit(repo), MORPH_ERR_INVALID);
	T_ASSERT(!morph_object_exists(repo, &id));
	T_ERR(morph_repo_commit(repo), MORPH_ERR_INVALID);
	morph_repo_close(repo);
}

static void
test_locked(void)
{
	struct morph_repo *repo = test_repo();
	const struct morph_error *err;
	char path[4200];
	sqlite3 *other;

	snprintf(path, sizeof(path), "%s/.morph/morph.db", test_repo_dir());
	T_INTEQ(sqlite3_open(path, &other), SQLITE_OK);
	T_INTEQ(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL),
	    SQLITE_OK);
	repo->store.busy_ms = 50;
	sqlite3_busy_timeout(repo->store.db, 50);
	err = morph_repo_begin(repo);
	T_ERR(err, MORPH_ERR_LOCKED);
	if (err != NULL)
		T_CONTAINS(err->msg, "locked by another process");
	sqlite3_exec(other, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(other);
	T_OK(morph_repo_begin(repo));
	T_OK(morph_repo_commit(repo));
	morph_repo_close(repo);
}

static void
test_not_a_database(void)
{
	struct morph_store s;
	char dir[4096], path[4200];

	snprintf(dir, sizeof(dir), "%s", test_tmpdir());
	test_write_file(dir, "junk.db", "this is not sqlite at all, not at all, "
	    "no, not even a little bit of it");
	snprintf(path, sizeof(path), "%s/junk.db", dir);
	T_ASSERT(morph_store_open(&s, path, 0, 100) != NULL);
}

static void
test_batch(void)
{
	struct morph_repo *repo = test_repo();
	struct morph_store_batch *b = NULL;
	struct morph_buf text = MORPH_BUF_INIT;
	struct morph_oid ids[40], again, old, want;
	struct morph_object *o;
	char small[64];
	int i, count = 0;

	T_OK(morph_object_write(&old, repo, MORPH_OBJ_BLOB, "stored before",
	    13));
	T_OK(morph_store_batch_new(&b, &repo->store));
	/* Enough objects for the threads; each large enough to compress. */
	for (i = 0; i < 40; i++) {
		morph_buf_clear(&text);
		while (text.len < 3000)
			morph_buf_printf(&text, "object %d, a line that repeats\n",
			    i);
		T_OK(morph_store_batch_add(b, &ids[i], MORPH_OBJ_BLOB,
		    text.ptr, text.len));
		morph_hash_object(&want, "blob", text.ptr, text.len);
		T_ASSERT(morph_oid_cmp(&ids[i], &want) == 0);
	}
	/* The same object twice, and one already stored: one row each. */
	T_OK(morph_store_batch_add(b, &again, MORPH_OBJ_BLOB, text.ptr,
	    text.len));
	T_ASSERT(morph_oid_cmp(&again, &ids[39]) == 0);
	T_OK(morph_store_batch_add(b, &again, MORPH_OBJ_BLOB, "stored before",
	    13));
	T_ASSERT(morph_oid_cmp(&again, &old) == 0);
	/* Nothing is stored before the flush. */
	T_ASSERT(!morph_object_exists(repo, &ids[0]));
	T_OK(morph_store_batch_flush(b));
	for (i = 0; i < 40; i++) {
		T_INTEQ(row_enc(repo, &ids[i], &count), 1);
		T_INTEQ(count, 1);
		T_OK(morph_object_read(&o, repo, &ids[i], MORPH_OBJ_BLOB));
		if (o != NULL) {
			snprintf(small, sizeof(small), "object %d, a line", i);
			T_ASSERT(strncmp(morph_object_data(o), small,
			    strlen(small)) == 0);
			T_ASSERT(morph_object_size(o) >= 3000);
			morph_object_free(o);
		}
	}
	T_INTEQ(row_enc(repo, &old, &count), 0);
	T_INTEQ(count, 1);
	/* A small batch is flushed on this thread alone; free drops. */
	T_OK(morph_store_batch_add(b, &ids[0], MORPH_OBJ_TREE, "[]", 2));
	T_OK(morph_store_batch_flush(b));
	T_ASSERT(morph_object_exists(repo, &ids[0]));
	T_OK(morph_store_batch_add(b, &ids[1], MORPH_OBJ_BLOB, "dropped", 7));
	morph_store_batch_free(b);
	T_ASSERT(!morph_object_exists(repo, &ids[1]));
	morph_buf_release(&text);
	morph_repo_close(repo);
}

/* A payload that compresses by less than a quarter is stored as it is. */
static void
test_compression_threshold(void)
{
	struct morph_repo *repo = test_repo();
	struct morph_oid id;
	char text[200];
	int i, count = 0;

	/* 200 bytes of hex: about half compresses away; stored zlib. */
	for (i = 0; i < 200; i++)
		text[i] = "0123456789abcdef"[(i * 7 + i / 3) % 16];
	T_OK(morph_object_write(&id, repo, MORPH_OBJ_BLOB, text, 200));
	T_INTEQ(row_enc(repo, &id, &count), 1);
	/* Bytes with no repetition: stored as they are. */
	for (i = 0; i < 200; i++)
		text[i] = (char)((i * 73 + 41) ^ (i >> 2));
	T_OK(morph_object_write(&id, repo, MORPH_OBJ_BLOB, text, 200));
	T_INTEQ(row_enc(repo, &id, &count), 0);
	morph_repo_close(repo);
}

/* A read snapshot does not see what another connection writes. */
static void
test_read_snapshot(void)
{
	struct morph_repo *repo = test_repo();
	struct morph_oid id;
	char path[4200];
	sqlite3 *other;
	int64_t v = 0;
	int found = 0;

	T_OK(morph_store_meta_set(&repo->store, "k", 1));
	T_OK(morph_repo_read_begin(repo));
	T_OK(morph_store_meta_get(&repo->store, "k", &v, &found));
	T_INTEQ(v, 1);
	snprintf(path, sizeof(path), "%s/.morph/morph.db", test_repo_dir());
	T_INTEQ(sqlite3_open(path, &other), SQLITE_OK);
	T_INTEQ(sqlite3_exec(other, "UPDATE meta SET value = 2 WHERE key = "
	    "'k'", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(other);
	T_OK(morph_store_meta_get(&repo->store, "k", &v, &found));
	T_INTEQ(v, 1);			/* the snapshot */
	morph_repo_read_end(repo);
	T_OK(morph_store_meta_get(&repo->store, "k", &v, &found));
	T_INTEQ(v, 2);
	/* Writing after one works as before. */
	T_OK(morph_object_write(&id, repo, MORPH_OBJ_BLOB, "after", 5));
	T_ASSERT(morph_object_exists(repo, &id));
	morph_repo_close(repo);
}

static off_t
file_size(const char *name)
{
	char path[4200];
	struct stat st;

	snprintf(path, sizeof(path), "%s/.morph/%s", test_repo_dir(), name);
	return stat(path, &st) == 0 ? st.st_size : -1;
}

/* Writes blob number i: 6 KB that do not compress, two pages or more. */
static const struct morph_error *
write_big_blob(struct morph_repo *repo, struct morph_oid *id, unsigned i)
{
	unsigned char data[6144];
	uint32_t x = i * 2654435761u + 1;
	size_t k;

	for (k = 0; k < sizeof(data); k++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		data[k] = (unsigned char)x;
	}
	return morph_object_write(id, repo, MORPH_OBJ_BLOB, data, sizeof(data));
}

/*
 * While the checkpointer runs, the writer's commits do not checkpoint: a
 * thread does, and the database file grows while the writer waits.  A
 * writer that never pauses keeps the WAL within its bound (10,000 pages
 * and what one checkpoint lets through).  Stopped, the writer checkpoints
 * again and a close leaves an empty WAL; everything written is there.
 */
static void
test_checkpointer(void)
{
	struct morph_repo *repo = test_repo();
	struct morph_checkpointer *c = NULL;
	struct morph_oid first, id;
	struct morph_object *o;
	const off_t frame = 4096 + 24;
	off_t db0, wal, walmax = 0;
	unsigned i, n = 0;
	int waited;

	T_OK(morph_checkpointer_start(&c, &repo->store));
	db0 = file_size("morph.db");
	/* About 1,500 pages: past the thread's mark, well short of the bound. */
	for (i = 0; i < 500; i++, n++)
		T_OK(write_big_blob(repo, i == 0 ? &first : &id, n));
	/* Waits for the thread's checkpoint: 60 s at most, a loaded machine. */
	for (waited = 0; waited < 6000 && file_size("morph.db") < db0 +
	    (off_t)2 * 1024 * 1024; waited++)
		nanosleep(&(struct timespec){ 0, 10 * 1000 * 1000 }, NULL);
	if (file_size("morph.db") < db0 + (off_t)2 * 1024 * 1024)
		T_FAIL("no checkpoint in 60 s: morph.db is %lld bytes",
		    (long long)file_size("morph.db"));
	/* 18,000 pages without a pause. */
	for (i = 0; i < 6000; i++, n++) {
		T_OK(write_big_blob(repo, &id, n));
		if ((wal = file_size("morph.db-wal")) > walmax)
			walmax = wal;
	}
	if (walmax > (10000 + 3000) * frame)
		T_FAIL("the WAL grew to %lld bytes", (long long)walmax);
	T_OK(morph_checkpointer_stop(c));
	T_OK(morph_checkpointer_stop(NULL));
	morph_repo_close(repo);
	T_INTEQ(file_size("morph.db-wal"), 0);
	T_OK(morph_repo_open(&repo, test_repo_dir()));
	T_OK(morph_object_read(&o, repo, &first, MORPH_OBJ_BLOB));
	if (o != NULL) {
		T_INTEQ(morph_object_size(o), 6144);
		morph_object_free(o);
	}
	T_OK(morph_object_read(&o, repo, &id, MORPH_OBJ_BLOB));
	if (o != NULL)
		morph_object_free(o);
	morph_repo_close(repo);
}

static const struct test tests[] = {
	TEST(test_roundtrip),
	TEST(test_compression),
	TEST(test_missing_and_wrong_type),
	TEST(test_damaged_rows),
	TEST(test_prefixes),
	TEST(test_meta),
	TEST(test_nested_transactions),
	TEST(test_locked),
	TEST(test_not_a_database),
	TEST(test_batch),
	TEST(test_compression_threshold),
	TEST(test_read_snapshot),
	TEST(test_checkpointer),
};

TEST_MAIN(tests)
