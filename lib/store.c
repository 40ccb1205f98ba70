/*
 * The SQLite database of a repository: connection, schema, transactions,
 * statement cache and object rows (see store_int.h for the invariants).
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store_int.h"

#define MORPH_APPLICATION_ID	0x6d727068	/* "mrph" */

/* Payloads smaller than this are stored as they are. */
#define COMPRESS_MIN	64

enum { ENC_RAW = 0, ENC_ZLIB = 1 };

static const char schema_v1[] =
	"CREATE TABLE objects ("
	"  id BLOB PRIMARY KEY NOT NULL,"
	"  type INTEGER NOT NULL,"
	"  size INTEGER NOT NULL,"
	"  enc INTEGER NOT NULL,"
	"  data BLOB NOT NULL);"
	"CREATE TABLE refs ("
	"  name TEXT PRIMARY KEY NOT NULL,"
	"  value TEXT NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE meta ("
	"  key TEXT PRIMARY KEY NOT NULL,"
	"  value) WITHOUT ROWID;";

/*
 * Version 2: what morph run records.  runs are the runs of this
 * repository, by local number; results are written one by one as calls
 * finish (invariant: a result row is never written twice for the same
 * run, prompt, case, model and sample); cache maps a call and sample to
 * the answer it got, so that no answer is paid for twice.
 */
static const char schema_v2[] =
	"CREATE TABLE runs ("
	"  num INTEGER PRIMARY KEY,"
	"  commit_id BLOB NOT NULL,"
	"  plan BLOB NOT NULL,"
	"  matrix TEXT NOT NULL,"
	"  started INTEGER NOT NULL,"
	"  ended INTEGER,"
	"  state TEXT NOT NULL,"
	"  total INTEGER NOT NULL,"
	"  sealed BLOB,"
	"  prices BLOB);"
	"CREATE INDEX runs_by_plan ON runs (plan);"
	"CREATE TABLE results ("
	"  run INTEGER NOT NULL,"
	"  prompt TEXT NOT NULL,"
	"  case_id TEXT NOT NULL,"
	"  model TEXT NOT NULL,"
	"  sample INTEGER NOT NULL,"
	"  call BLOB NOT NULL,"
	"  status TEXT NOT NULL,"
	"  output BLOB,"
	"  error TEXT,"
	"  finish TEXT,"
	"  served_model TEXT,"
	"  tokens_in INTEGER,"
	"  tokens_out INTEGER,"
	"  tokens_cached INTEGER,"
	"  tokens_reasoning INTEGER,"
	"  latency_ms INTEGER,"
	"  cost_nusd INTEGER,"
	"  cached INTEGER NOT NULL,"
	"  pass INTEGER,"
	"  attempts TEXT NOT NULL,"
	"  verdicts TEXT NOT NULL,"
	"  PRIMARY KEY (run, prompt, case_id, model, sample)) WITHOUT ROWID;"
	"CREATE TABLE cache ("
	"  call BLOB NOT NULL,"
	"  sample INTEGER NOT NULL,"
	"  output BLOB NOT NULL,"
	"  finish TEXT,"
	"  served_model TEXT,"
	"  tokens_in INTEGER,"
	"  tokens_out INTEGER,"
	"  tokens_cached INTEGER,"
	"  tokens_reasoning INTEGER,"
	"  latency_ms INTEGER,"
	"  time INTEGER NOT NULL,"
	"  PRIMARY KEY (call, sample)) WITHOUT ROWID;";

/*
 * Version 3: prices.  Results and cached answers count the input tokens
 * written to the provider's prompt cache, which are billed at their own
 * rate (NULL: not reported, as in every row of version 2);
 * price_updates records each price table morph prices update fetched,
 * the newest being the repository's table.
 */
static const char schema_v3[] =
	"ALTER TABLE results ADD COLUMN tokens_cache_write INTEGER;"
	"ALTER TABLE cache ADD COLUMN tokens_cache_write INTEGER;"
	"CREATE TABLE price_updates ("
	"  num INTEGER PRIMARY KEY,"
	"  blob BLOB NOT NULL,"
	"  url TEXT NOT NULL,"
	"  time INTEGER NOT NULL,"
	"  providers INTEGER NOT NULL,"
	"  models INTEGER NOT NULL);";

/*
 * Version 4: a run may be of the work tree as it is on disk (morph run
 * --worktree): tree names the snapshot it ran on top of commit_id.
 */
static const char schema_v4[] =
	"ALTER TABLE runs ADD COLUMN tree BLOB;";

/*
 * Version 5: sharing over git (lib/export.c, lib/import.c).  gitmap pairs
 * a git object of .morph/git with the morph object it stands for: a
 * commit, a tree below a commit's root, or the record of a run (type 5,
 * the git tree of its folder).  The pairs are a cache of work done: a
 * row whose git object is gone is made again.
 */
static const char schema_v5[] =
	"CREATE TABLE gitmap ("
	"  git BLOB PRIMARY KEY NOT NULL,"
	"  morph BLOB NOT NULL,"
	"  type INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE INDEX gitmap_by_morph ON gitmap (morph, type);";

/*
 * Version 6: the reflog (lib/reflog.c).  Each row is one move of HEAD or
 * of a branch, in the order they happened (num); a reference's rows go
 * with it when it is deleted.  Ids are hex as in refs, all zeros for "did
 * not exist".
 */
static const char schema_v6[] =
	"CREATE TABLE reflog ("
	"  num INTEGER PRIMARY KEY,"
	"  ref TEXT NOT NULL,"
	"  old TEXT NOT NULL,"
	"  new TEXT NOT NULL,"
	"  name TEXT NOT NULL,"
	"  email TEXT NOT NULL,"
	"  time INTEGER NOT NULL,"
	"  tz INTEGER NOT NULL,"
	"  message TEXT NOT NULL);"
	"CREATE INDEX reflog_by_ref ON reflog (ref, num);";

/* migrations[v] brings a database from version v to v + 1. */
static const char *const migrations[] = {
	schema_v1,
	schema_v2,
	schema_v3,
	schema_v4,
	schema_v5,
	schema_v6,
};

const struct morph_error *
morph_store_error(struct morph_store *s, int rc, const char *what)
{
	const char *msg = s->db != NULL ? sqlite3_errmsg(s->db) :
	    sqlite3_errstr(rc);

	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return morph_error_fmt(MORPH_ERR_LOCKED,
		    "%s: database '%s' is locked by another process "
		    "(waited %d.%d s)", what, s->path, s->busy_ms / 1000,
		    (s->busy_ms % 1000) / 100);
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return morph_error_fmt(MORPH_ERR_CORRUPT, "%s: database '%s' "
		    "is damaged: %s", what, s->path, msg);
	case SQLITE_NOMEM:
		return morph_error(MORPH_ERR_NOMEM);
	default:
		return morph_error_fmt(MORPH_ERR_SQLITE, "%s: %s", what, msg);
	}
}

const struct morph_error *
morph_store_exec(struct morph_store *s, const char *sql)
{
	int rc;

	rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return morph_store_error(s, rc, "cannot update the database");
	return NULL;
}

static const struct morph_error *
pragma_int(struct morph_store *s, const char *sql, int *out)
{
	sqlite3_stmt *st = NULL;
	int rc;

	rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return morph_store_error(s, rc, "cannot read the database");
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int(st, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_OK && rc != SQLITE_DONE)
		return morph_store_error(s, rc, "cannot read the database");
	return NULL;
}

static const struct morph_error *
migrate(struct morph_store *s, int create)
{
	const struct morph_error *err;
	char sql[64];
	int version = 0, appid = 0, v;

	/*
	 * The common case reads two numbers and writes nothing: a read-only
	 * command must not take the write lock.
	 */
	if (!create) {
		if ((err = pragma_int(s, "PRAGMA application_id",
		    &appid)) != NULL ||
		    (err = pragma_int(s, "PRAGMA user_version",
		    &version)) != NULL)
			return err;
		if (appid != MORPH_APPLICATION_ID)
			return morph_error_fmt(MORPH_ERR_CORRUPT,
			    "'%s' is not a morph database", s->path);
		if (version == MORPH_SCHEMA_VERSION)
			return NULL;
	}
	if ((err = morph_store_begin(s)) != NULL)
		return err;
	if ((err = pragma_int(s, "PRAGMA application_id", &appid)) != NULL ||
	    (err = pragma_int(s, "PRAGMA user_version", &version)) != NULL)
		goto done;
	if (!create && appid != MORPH_APPLICATION_ID) {
		err = morph_error_fmt(MORPH_ERR_CORRUPT,
		    "'%s' is not a morph database", s->path);
		goto done;
	}
	if (version > MORPH_SCHEMA_VERSION) {
		err = morph_error_fmt(MORPH_ERR_FORMAT, "database '%s' has "
		    "schema version %d; this morph reads up to %d: upgrade "
		    "morph", s->path, version, MORPH_SCHEMA_VERSION);
		goto done;
	}
	for (v = version; v < MORPH_SCHEMA_VERSION; v++)
		if ((err = morph_store_exec(s, migrations[v])) != NULL)
			goto done;
	if (version != MORPH_SCHEMA_VERSION) {
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
		    MORPH_SCHEMA_VERSION);
		if ((err = morph_store_exec(s, sql)) != NULL)
			goto done;
	}
	if (create) {
		snprintf(sql, sizeof(sql), "PRAGMA application_id = %d",
		    MORPH_APPLICATION_ID);
		err = morph_store_exec(s, sql);
	}
done:
	if (err != NULL) {
		morph_store_rollback(s);
		return err;
	}
	return morph_store_commit(s);
}

/*
 * SQLite's busy handler: waits for another process's lock, up to busy_now
 * milliseconds in all, sleeping 1, 2, 4 ... 32 then 50 ms between tries
 * (SQLite's own timeout does much the same, but says nothing).  The first
 * wait is announced, so that a user whose command pauses knows why.
 */
static int
busy_wait(void *arg, int count)
{
	struct morph_store *s = arg;
	struct timespec ts;
	int64_t now, left, ms;
	char msg[512];

	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	if (count == 0)
		s->busy_since = now;
	left = s->busy_now - (now - s->busy_since);
	if (left <= 0)
		return 0;
	if (count == 0 && s->notice != NULL && !s->noticed) {
		s->noticed = 1;
		snprintf(msg, sizeof(msg), "waiting for another process to "
		    "finish writing to '%s' (at most %d.%d s: "
		    "core.locktimeout)", s->path, s->busy_now / 1000,
		    (s->busy_now % 1000) / 100);
		s->notice(msg, s->notice_arg);
	}
	ms = count < 6 ? (int64_t)1 << count : 50;
	if (ms > left)
		ms = left;
	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)(ms % 1000) * 1000000;
	nanosleep(&ts, NULL);
	return 1;
}

void
morph_store_busy(struct morph_store *s, int ms)
{
	s->busy_now = ms;
}

const struct morph_error *
morph_store_open(struct morph_store *s, const char *path, int create,
    int busy_ms)
{
	const struct morph_error *err;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
	int rc;

	memset(s, 0, sizeof(*s));
	s->busy_ms = busy_ms;
	if ((s->path = strdup(path)) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	if (create)
		flags |= SQLITE_OPEN_CREATE;
	rc = sqlite3_open_v2(path, &s->db, flags, NULL);
	if (rc != SQLITE_OK) {
		err = morph_error_fmt(rc == SQLITE_CANTOPEN ?
		    MORPH_ERR_NOT_REPO : MORPH_ERR_SQLITE,
		    "cannot open database '%s': %s", path,
		    s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
		morph_store_close(s);
		return err;
	}
	sqlite3_extended_result_codes(s->db, 0);
	s->busy_now = busy_ms;
	sqlite3_busy_handler(s->db, busy_wait, s);
	/*
	 * Keep the -wal and -shm files when the last connection closes:
	 * creating, mapping and unlinking them cost a short command more
	 * than its queries.  The WAL is still checkpointed and truncated.
	 */
	{
		int one = 1;

		sqlite3_file_control(s->db, "main", SQLITE_FCNTL_PERSIST_WAL,
		    &one);
	}
	/*
	 * journal_size_limit 0 truncates the kept WAL after the checkpoint
	 * a closing command runs, so the next command has nothing to
	 * recover.
	 */
	err = morph_store_exec(s, create ? "PRAGMA journal_mode = WAL;"
	    "PRAGMA synchronous = NORMAL; PRAGMA journal_size_limit = 0;" :
	    "PRAGMA synchronous = NORMAL; PRAGMA journal_size_limit = 0;");
	if (err == NULL)
		err = migrate(s, create);
	if (err != NULL) {
		morph_store_close(s);
		return err;
	}
	return NULL;
}

void
morph_store_close(struct morph_store *s)
{
	int i;

	if (s == NULL)
		return;
	for (i = 0; i < s->ncache; i++)
		sqlite3_finalize(s->cache[i].stmt);
	s->ncache = 0;
	for (i = 0; i < 3; i++) {
		if (s->zs_ready[i])
			deflateEnd(&s->zs[i]);
		s->zs_ready[i] = 0;
	}
	if (s->is_ready)
		inflateEnd(&s->is);
	s->is_ready = 0;
	if (s->db != NULL)
		sqlite3_close(s->db);
	s->db = NULL;
	free(s->path);
	s->path = NULL;
}

const struct morph_error *
morph_store_begin(struct morph_store *s)
{
	const struct morph_error *err;

	if (s->depth++ > 0)
		return NULL;
	s->poisoned = 0;
	err = morph_store_exec(s, "BEGIN IMMEDIATE");
	if (err != NULL) {
		s->depth = 0;
		return morph_error_wrap(err, "cannot start a transaction");
	}
	return NULL;
}

const struct morph_error *
morph_store_read_begin(struct morph_store *s)
{
	const struct morph_error *err;

	if (s->depth++ > 0)
		return NULL;
	s->poisoned = 0;
	/* Deferred: the shared lock is taken by the first read. */
	if ((err = morph_store_exec(s, "BEGIN")) != NULL) {
		s->depth = 0;
		return morph_error_wrap(err, "cannot start a transaction");
	}
	return NULL;
}

const struct morph_error *
morph_store_commit(struct morph_store *s)
{
	const struct morph_error *err;

	if (s->depth <= 0)
		return morph_error_fmt(MORPH_ERR_INVALID,
		    "commit without a transaction");
	if (--s->depth > 0)
		return NULL;
	if (s->poisoned) {
		morph_store_exec(s, "ROLLBACK");
		return morph_error_fmt(MORPH_ERR_INVALID,
		    "transaction was rolled back");
	}
	err = morph_store_exec(s, "COMMIT");
	if (err != NULL) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return morph_error_wrap(err, "cannot commit the transaction");
	}
	return NULL;
}

void
morph_store_rollback(struct morph_store *s)
{
	if (s->depth <= 0)
		return;
	if (--s->depth > 0) {
		s->poisoned = 1;
		return;
	}
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

const struct morph_error *
morph_store_prepare(struct morph_store *s, const char *sql,
    sqlite3_stmt **out)
{
	sqlite3_stmt *st = NULL;
	int i, rc;

	for (i = 0; i < s->ncache; i++) {
		if (s->cache[i].sql == sql) {
			st = s->cache[i].stmt;
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			*out = st;
			return NULL;
		}
	}
	rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
	    &st, NULL);
	if (rc != SQLITE_OK)
		return morph_store_error(s, rc, "cannot prepare a query");
	if (s->ncache < MORPH_STORE_MAXSTMT) {
		s->cache[s->ncache].sql = sql;
		s->cache[s->ncache].stmt = st;
		s->ncache++;
	} else {
		/* Should not happen: the cache is sized for every query. */
		sqlite3_finalize(st);
		return morph_error_fmt(MORPH_ERR_SQLITE,
		    "statement cache is full");
	}
	*out = st;
	return NULL;
}

static const char sql_has_object[] = "SELECT type, size FROM objects "
    "WHERE id = ?";
static const char sql_put_object[] = "INSERT OR IGNORE INTO objects "
    "(id, type, size, enc, data) VALUES (?, ?, ?, ?, ?)";
static const char sql_get_object[] = "SELECT type, size, enc, data "
    "FROM objects WHERE id = ?";

const struct morph_error *
morph_store_object_info(struct morph_store *s, const struct morph_oid *oid,
    enum morph_object_type *type, size_t *size)
{
	const struct morph_error *err;
	sqlite3_stmt *st = NULL;
	int rc;

	if ((err = morph_store_prepare(s, sql_has_object, &st)) != NULL)
		return err;
	sqlite3_bind_blob(st, 1, oid->id, MORPH_OID_RAWSZ, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (type != NULL)
			*type = sqlite3_column_int(st, 0);
		if (size != NULL)
			*size = (size_t)sqlite3_column_int64(st, 1);
		sqlite3_reset(st);
		return NULL;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return morph_store_error(s, rc, "cannot read an object");
	return morph_error_fmt(MORPH_ERR_NOT_FOUND, "object %s not found",
	    morph_oid_tostr(oid));
}

/*
 * Compresses len bytes into *out (malloc'ed, *out NULL when zlib fails)
 * with deflate streams kept in zs and ready, one per size class, for the
 * life of the store or of a compressing thread: setting one up costs
 * more than compressing a small object.
 */
static const struct morph_error *
deflate_with(z_stream *zs, int *ready, const void *data, size_t len,
    unsigned char **out, uLongf *outlen)
{
	/* Window and hash sizes by object size: same output, less to clear. */
	static const struct {
		size_t	upto;
		int	wbits;
		int	memlevel;
	} classes[3] = {
		{ 4096, 12, 4 }, { 16384, 14, 6 }, { (size_t)-1, 15, 8 },
	};
	z_stream *z;
	uLong bound;
	int c = 0;

	*out = NULL;
	while (len > classes[c].upto)
		c++;
	z = &zs[c];
	if (!ready[c]) {
		memset(z, 0, sizeof(*z));
		if (deflateInit2(z, 1, Z_DEFLATED, classes[c].wbits,
		    classes[c].memlevel, Z_DEFAULT_STRATEGY) != Z_OK)
			return NULL;	/* store uncompressed */
		ready[c] = 1;
	} else if (deflateReset(z) != Z_OK)
		return NULL;
	bound = deflateBound(z, (uLong)len);
	if ((*out = malloc(bound)) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	z->next_in = (Bytef *)(uintptr_t)data;
	z->avail_in = (uInt)len;
	z->next_out = *out;
	z->avail_out = (uInt)bound;
	if (deflate(z, Z_FINISH) != Z_STREAM_END) {
		free(*out);
		*out = NULL;
		return NULL;
	}
	*outlen = bound - z->avail_out;
	return NULL;
}

static const struct morph_error *
deflate_once(struct morph_store *s, const void *data, size_t len,
    unsigned char **out, uLongf *outlen)
{
	return deflate_with(s->zs, s->zs_ready, data, len, out, outlen);
}

/* Whether compressing saved enough to store z instead of the data. */
static int
worth_it(const unsigned char *z, uLongf zlen, size_t len)
{
	/*
	 * Compressed only when that saves a quarter: a commit saves less,
	 * and is read far more often than it is written.
	 */
	return z != NULL && zlen < len - len / 4;
}

/* Inserts an object row: the data as it is, or z when enc is zlib. */
static const struct morph_error *
insert_object(struct morph_store *s, const struct morph_oid *id,
    enum morph_object_type type, const void *data, size_t len,
    const unsigned char *z, uLongf zlen, int enc)
{
	const struct morph_error *err;
	sqlite3_stmt *st = NULL;
	int rc;

	if ((err = morph_store_prepare(s, sql_put_object, &st)) != NULL)
		return err;
	sqlite3_bind_blob(st, 1, id->id, MORPH_OID_RAWSZ, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, (int)type);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)len);
	sqlite3_bind_int(st, 4, enc);
	if (enc == ENC_ZLIB)
		sqlite3_bind_blob64(st, 5, z, zlen, SQLITE_STATIC);
	else
		sqlite3_bind_blob64(st, 5, len ? data : "", len,
		    SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return morph_store_error(s, rc, "cannot store an object");
	return NULL;
}

const struct morph_error *
morph_store_put_object(struct morph_store *s, struct morph_oid *out,
    enum morph_object_type type, const void *data, size_t len)
{
	const struct morph_error *err;
	const char *tname = morph_object_type_name(type);
	unsigned char *z = NULL;
	uLongf zlen = 0;
	int enc = ENC_RAW;

	if (tname == NULL)
		return morph_error_fmt(MORPH_ERR_INVALID,
		    "invalid object type %d", (int)type);
	morph_hash_object(out, tname, data, len);
	err = morph_store_object_info(s, out, NULL, NULL);
	if (err == NULL)
		return NULL;		/* already stored */
	if (err->code != MORPH_ERR_NOT_FOUND)
		return err;

	if (len >= COMPRESS_MIN && len <= (size_t)UINT_MAX / 2) {
		if ((err = deflate_once(s, data, len, &z, &zlen)) != NULL)
			return err;
		if (worth_it(z, zlen, len))
			enc = ENC_ZLIB;
	}
	err = insert_object(s, out, type, data, len, z, zlen, enc);
	free(z);
	return err;
}

/* Batches */

/* Objects in a batch at least for a second thread to compress. */
#define BATCH_PARALLEL	8
#define BATCH_THREADS	8

struct batch_item {
	struct morph_oid	 id;
	enum morph_object_type	 type;
	unsigned char		*data;
	size_t			 len;
	unsigned char		*z;
	uLongf			 zlen;
	int			 failed;	/* out of memory */
};

struct morph_store_batch {
	struct morph_store	*s;
	struct batch_item	*v;
	size_t			 n;
	size_t			 cap;
	size_t			 next;		/* first not compressed */
};

const struct morph_error *
morph_store_batch_new(struct morph_store_batch **out, struct morph_store *s)
{
	if ((*out = calloc(1, sizeof(**out))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	(*out)->s = s;
	return NULL;
}

static void
batch_clear(struct morph_store_batch *b)
{
	size_t i;

	for (i = 0; i < b->n; i++) {
		free(b->v[i].data);
		free(b->v[i].z);
	}
	b->n = 0;
	b->next = 0;
}

void
morph_store_batch_free(struct morph_store_batch *b)
{
	if (b == NULL)
		return;
	batch_clear(b);
	free(b->v);
	free(b);
}

const struct morph_error *
morph_store_batch_add(struct morph_store_batch *b, struct morph_oid *out,
    enum morph_object_type type, const void *data, size_t len)
{
	const struct morph_error *err;
	const char *tname = morph_object_type_name(type);
	struct batch_item *it, *nv;
	size_t i, cap;

	if (tname == NULL)
		return morph_error_fmt(MORPH_ERR_INVALID,
		    "invalid object type %d", (int)type);
	morph_hash_object(out, tname, data, len);
	err = morph_store_object_info(b->s, out, NULL, NULL);
	if (err == NULL)
		return NULL;		/* already stored */
	if (err->code != MORPH_ERR_NOT_FOUND)
		return err;
	for (i = b->n; i > 0; i--)	/* the same tree twice, say */
		if (morph_oid_cmp(&b->v[i - 1].id, out) == 0)
			return NULL;
	if (b->n == b->cap) {
		cap = b->cap ? b->cap * 2 : 32;
		if ((nv = realloc(b->v, cap * sizeof(*nv))) == NULL)
			return morph_error(MORPH_ERR_NOMEM);
		b->v = nv;
		b->cap = cap;
	}
	it = &b->v[b->n];
	memset(it, 0, sizeof(*it));
	if ((it->data = malloc(len ? len : 1)) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	memcpy(it->data, data, len);
	it->id = *out;
	it->type = type;
	it->len = len;
	b->n++;
	return NULL;
}

/* A compressing thread: takes items until none is left. */
static void *
batch_run(void *arg)
{
	struct morph_store_batch *b = arg;
	z_stream zs[3];
	int ready[3] = { 0, 0, 0 }, c;
	struct batch_item *it;
	size_t i;

	for (;;) {
		i = __atomic_fetch_add(&b->next, 1, __ATOMIC_RELAXED);
		if (i >= b->n)
			break;
		it = &b->v[i];
		if (it->len < COMPRESS_MIN || it->len > (size_t)UINT_MAX / 2)
			continue;
		if (deflate_with(zs, ready, it->data, it->len, &it->z,
		    &it->zlen) != NULL)
			it->failed = 1;
	}
	for (c = 0; c < 3; c++)
		if (ready[c])
			deflateEnd(&zs[c]);
	return NULL;
}

const struct morph_error *
morph_store_batch_flush(struct morph_store_batch *b)
{
	const struct morph_error *err = NULL;
	pthread_t tids[BATCH_THREADS];
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	size_t i, k, nthreads = 0, want;
	struct batch_item *it;

	/* Compressed by this thread and, for a large batch, others. */
	want = b->n >= BATCH_PARALLEL && ncpu > 1 ? (size_t)ncpu - 1 : 0;
	if (want > BATCH_THREADS)
		want = BATCH_THREADS;
	b->next = 0;
	for (k = 0; k < want; k++) {
		if (pthread_create(&tids[nthreads], NULL, batch_run, b) != 0)
			break;
		nthreads++;
	}
	batch_run(b);
	for (k = 0; k < nthreads; k++)
		pthread_join(tids[k], NULL);
	/* Stored in the order added: a tree after the trees it names. */
	for (i = 0; i < b->n && err == NULL; i++) {
		it = &b->v[i];
		if (it->failed)
			err = morph_error(MORPH_ERR_NOMEM);
		else
			err = insert_object(b->s, &it->id, it->type, it->data,
			    it->len, it->z, it->zlen, worth_it(it->z, it->zlen,
			    it->len) ? ENC_ZLIB : ENC_RAW);
	}
	batch_clear(b);
	return err;
}

/*
 * Decodes the size, enc and data columns (starting at column col) of an
 * object row into out.  Errors: CORRUPT naming the object.
 */
/*
 * Inflates n bytes into exactly size bytes at out, with the store's one
 * inflate stream (setting one up costs more than a small object).
 * Returns 0, or -1 when the data is damaged.
 */
static int
inflate_once(struct morph_store *s, const void *in, size_t n,
    unsigned char *out, size_t size)
{
	z_stream *z = &s->is;
	int rc;

	if (!s->is_ready) {
		memset(z, 0, sizeof(*z));
		if (inflateInit(z) != Z_OK)
			return -1;
		s->is_ready = 1;
	} else if (inflateReset(z) != Z_OK)
		return -1;
	z->next_in = (Bytef *)(uintptr_t)in;
	z->avail_in = (uInt)n;
	z->next_out = out;
	z->avail_out = (uInt)size;
	rc = inflate(z, Z_FINISH);
	return rc == Z_STREAM_END && z->avail_out == 0 && z->avail_in == 0 ?
	    0 : -1;
}

static const struct morph_error *
decode_row(struct morph_store *s, sqlite3_stmt *st, int col,
    const struct morph_oid *oid, struct morph_buf *out)
{
	const struct morph_error *err;
	sqlite3_int64 size = sqlite3_column_int64(st, col);
	int enc = sqlite3_column_int(st, col + 1);
	const void *blob = sqlite3_column_blob(st, col + 2);
	int n = sqlite3_column_bytes(st, col + 2);

	if (size < 0 || size > (sqlite3_int64)MORPH_STORE_MAXOBJ ||
	    (enc != ENC_RAW && enc != ENC_ZLIB) ||
	    (enc == ENC_RAW && n != size))
		return morph_error_fmt(MORPH_ERR_CORRUPT,
		    "object %s: stored row is damaged", morph_oid_tostr(oid));
	morph_buf_clear(out);
	morph_buf_grow(out, (size_t)size);
	if ((err = morph_buf_status(out)) != NULL)
		return err;
	if (enc == ENC_RAW) {
		morph_buf_put(out, n ? blob : "", (size_t)n);
		return morph_buf_status(out);
	}
	if (inflate_once(s, blob, (size_t)n, (unsigned char *)out->ptr,
	    (size_t)size) != 0)
		return morph_error_fmt(MORPH_ERR_CORRUPT,
		    "object %s: compressed data is damaged",
		    morph_oid_tostr(oid));
	out->len = (size_t)size;
	out->ptr[out->len] = '\0';
	return NULL;
}

const struct morph_error *
morph_store_get_object(struct morph_store *s, const struct morph_oid *oid,
    enum morph_object_type *type, struct morph_buf *out)
{
	const struct morph_error *err;
	sqlite3_stmt *st = NULL;
	int rc;

	if ((err = morph_store_prepare(s, sql_get_object, &st)) != NULL)
		return err;
	sqlite3_bind_blob(st, 1, oid->id, MORPH_OID_RAWSZ, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		if (rc == SQLITE_DONE)
			return morph_error_fmt(MORPH_ERR_NOT_FOUND,
			    "object %s not found", morph_oid_tostr(oid));
		return morph_store_error(s, rc, "cannot read an object");
	}
	*type = sqlite3_column_int(st, 0);
	err = decode_row(s, st, 1, oid, out);
	sqlite3_reset(st);
	return err;
}

const struct morph_error *
morph_store_foreach_object(struct morph_store *s, morph_store_object_cb cb,
    void *arg)
{
	static const char sql[] = "SELECT id, type, size, enc, data "
	    "FROM objects ORDER BY id";
	const struct morph_error *err = NULL, *bad;
	struct morph_buf data = MORPH_BUF_INIT;
	struct morph_oid oid;
	sqlite3_stmt *st = NULL;
	int rc;

	/* Not cached: cb may read objects with the cached statements. */
	rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return morph_store_error(s, rc, "cannot list objects");
	while (err == NULL && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&oid, 0, sizeof(oid));
		if (sqlite3_column_bytes(st, 0) != MORPH_OID_RAWSZ) {
			err = cb(&oid, 0, NULL, 0, "object row with a "
			    "malformed id", arg);
			continue;
		}
		memcpy(oid.id, sqlite3_column_blob(st, 0), MORPH_OID_RAWSZ);
		bad = decode_row(s, st, 2, &oid, &data);
		if (bad != NULL && bad->code != MORPH_ERR_CORRUPT) {
			err = bad;
			break;
		}
		err = cb(&oid, sqlite3_column_int(st, 1), bad ? NULL : data.ptr,
		    data.len, bad ? bad->msg : NULL, arg);
	}
	if (err == NULL && rc != SQLITE_DONE)
		err = morph_store_error(s, rc, "cannot list objects");
	sqlite3_finalize(st);
	morph_buf_release(&data);
	return err;
}

static const char sql_meta_get[] = "SELECT value FROM meta WHERE key = ?";
static const char sql_meta_del[] = "DELETE FROM meta WHERE key = ?";
static const char sql_meta_set[] = "INSERT OR REPLACE INTO meta (key, value) "
    "VALUES (?, ?)";

const struct morph_error *
morph_store_meta_get(struct morph_store *s, const char *key, int64_t *val,
    int *found)
{
	const struct morph_error *err;
	sqlite3_stmt *st = NULL;
	int rc;

	*found = 0;
	if ((err = morph_store_prepare(s, sql_meta_get, &st)) != NULL)
		return err;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*val = sqlite3_column_int64(st, 0);
		*found = 1;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return morph_store_error(s, rc, "cannot read the database");
	return NULL;
}

const struct morph_error *
morph_store_meta_set(struct morph_store *s, const char *key, int64_t val)
{
	const struct morph_error *err;
	sqlite3_stmt *st = NULL;
	int rc;

	if ((err = morph_store_prepare(s, sql_meta_set, &st)) != NULL)
		return err;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, val);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return morph_store_error(s, rc, "cannot update the database");
	return NULL;
}

static const struct morph_error *
copy_blob(const void *data, size_t len, void *arg)
{
	morph_buf_put(arg, data, len);
	return morph_buf_status(arg);
}

const struct morph_error *
morph_store_meta_get_blob(struct morph_store *s, const char *key,
    struct morph_buf *out, int *found)
{
	morph_buf_clear(out);
	return morph_store_meta_read_blob(s, key, copy_blob, out, found);
}

const struct morph_error *
morph_store_meta_read_blob(struct morph_store *s, const char *key,
    morph_store_blob_cb cb, void *arg, int *found)
{
	const struct morph_error *err = NULL;
	sqlite3_stmt *st = NULL;
	int rc;

	*found = 0;
	if ((err = morph_store_prepare(s, sql_meta_get, &st)) != NULL)
		return err;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_BLOB) {
		*found = 1;
		err = cb(sqlite3_column_blob(st, 0),
		    (size_t)sqlite3_column_bytes(st, 0), arg);
	}
	sqlite3_reset(st);
	if (err == NULL && rc != SQLITE_ROW && rc != SQLITE_DONE)
		err = morph_store_error(s, rc, "cannot read the database");
	return err;
}

const struct morph_error *
morph_store_meta_set_blob(struct morph_store *s, const char *key,
    const void *data, size_t len)
{
	const struct morph_error *err;
	sqlite3_stmt *st = NULL;
	int rc;

	if (data == NULL) {
		if ((err = morph_store_prepare(s, sql_meta_del, &st)) != NULL)
			return err;
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	} else {
		if ((err = morph_store_prepare(s, sql_meta_set, &st)) != NULL)
			return err;
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
		sqlite3_bind_blob64(st, 2, len ? data : "", len,
		    SQLITE_STATIC);
	}
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return morph_store_error(s, rc, "cannot update the database");
	return NULL;
}
