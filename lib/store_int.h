/*
 * The SQLite database behind a repository: .morph/morph.db.
 *
 * Invariants:
 *  1. The database is in WAL mode with a busy timeout; every change happens
 *     inside a transaction started with BEGIN IMMEDIATE, so a writer takes
 *     the lock before it reads what it will change.
 *  2. Transactions nest by depth; only the outermost begins and commits.
 *     A rollback at any depth poisons the whole transaction.
 *  3. An object row is written once and never updated: its id is the hash
 *     of its type and uncompressed payload.
 *  4. PRAGMA user_version is the schema version; a database newer than
 *     this program is refused, an older one is migrated in a transaction.
 */
#ifndef MORPH_STORE_INT_H
#define MORPH_STORE_INT_H

#include <sqlite3.h>
#include <stdint.h>
#include <zlib.h>

#include "morph/buf.h"
#include "morph/error.h"
#include "morph/hash.h"
#include "morph/object.h"

#define MORPH_SCHEMA_VERSION	6
#define MORPH_STORE_MAXSTMT	64
/* The largest object payload morph will inflate (SQLite's own limit). */
#define MORPH_STORE_MAXOBJ	((size_t)1000 * 1000 * 1000)

struct morph_store {
	sqlite3		*db;
	char		*path;		/* for messages */
	int		 busy_ms;
	int		 depth;		/* transaction nesting */
	int		 poisoned;	/* an inner level rolled back */
	struct {
		const char	*sql;
		sqlite3_stmt	*stmt;
	} cache[MORPH_STORE_MAXSTMT];
	int		 ncache;
	/*
	 * Deflate streams reused for every object, one per size class:
	 * resetting a stream clears its hash table, and a table sized for a
	 * 32 KB window costs more to clear than a 2 KB object to compress.
	 */
	z_stream	 zs[3];
	int		 zs_ready[3];
	z_stream	 is;		/* the inflate stream, likewise */
	int		 is_ready;
	/* Waiting for another process's lock (busy_wait in store.c): */
	int		 busy_now;	/* the timeout in force, ms */
	int64_t		 busy_since;	/* when this wait began */
	void		(*notice)(const char *, void *);
	void		*notice_arg;
	int		 noticed;	/* said once per connection */
};

/*
 * Opens (or with create, creates) the database at path.  busy_ms is how
 * long to wait for another process's lock.
 */
const struct morph_error *morph_store_open(struct morph_store *,
    const char *path, int create, int busy_ms);
void	morph_store_close(struct morph_store *);

/*
 * How long to wait for another process's lock from now on: busy_ms, or 0
 * not to wait.  The first wait of a connection is announced through
 * notice when it is set.
 */
void	morph_store_busy(struct morph_store *, int ms);

/*
 * While a checkpointer runs, the store's connection leaves WAL checkpoints
 * to a thread of its own (lib/checkpoint.c), so that a writer that
 * commits often never stalls on a sync.  Stop it before closing the store;
 * stop reports a checkpoint that failed.
 */
struct morph_checkpointer;
const struct morph_error *morph_checkpointer_start(
    struct morph_checkpointer **, struct morph_store *);
const struct morph_error *morph_checkpointer_stop(struct morph_checkpointer *);

/* A read transaction (deferred BEGIN); end it with rollback. */
const struct morph_error *morph_store_read_begin(struct morph_store *);
const struct morph_error *morph_store_begin(struct morph_store *);
const struct morph_error *morph_store_commit(struct morph_store *);
void	morph_store_rollback(struct morph_store *);

/*
 * A prepared statement for sql, which must be a string with static storage:
 * it is cached by address.  The statement comes back reset and unbound.
 */
const struct morph_error *morph_store_prepare(struct morph_store *,
    const char *sql, sqlite3_stmt **out);

/* Runs SQL with no results (several statements allowed). */
const struct morph_error *morph_store_exec(struct morph_store *,
    const char *sql);

/*
 * The SQLite error bridge: turns rc (and the connection's message) into a
 * morph error that says what was being done.  SQLITE_BUSY becomes
 * MORPH_ERR_LOCKED, corruption MORPH_ERR_CORRUPT.
 */
const struct morph_error *morph_store_error(struct morph_store *, int rc,
    const char *what);

/* Object rows.  See object.h for the meaning. */
const struct morph_error *morph_store_put_object(struct morph_store *,
    struct morph_oid *out, enum morph_object_type, const void *, size_t);

/*
 * A batch of objects to store together: add hashes each (setting its id
 * at once, so that a tree can name it) and skips what is stored already;
 * flush compresses them all, on several threads when there are many, and
 * stores them in the order they were added.  Nothing is stored before
 * flush; free drops what was not flushed.
 */
struct morph_store_batch;
const struct morph_error *morph_store_batch_new(struct morph_store_batch **,
    struct morph_store *);
const struct morph_error *morph_store_batch_add(struct morph_store_batch *,
    struct morph_oid *out, enum morph_object_type, const void *data,
    size_t len);
const struct morph_error *morph_store_batch_flush(struct morph_store_batch *);
void	morph_store_batch_free(struct morph_store_batch *);
const struct morph_error *morph_store_get_object(struct morph_store *,
    const struct morph_oid *, enum morph_object_type *, struct morph_buf *);
const struct morph_error *morph_store_object_info(struct morph_store *,
    const struct morph_oid *, enum morph_object_type *, size_t *);

/*
 * Calls cb for every object row, decoded, in id order.  A row that cannot
 * be decoded reaches cb with data NULL and damage saying why; cb's error
 * stops the walk.
 */
typedef const struct morph_error *(*morph_store_object_cb)(
    const struct morph_oid *, enum morph_object_type, const void *data,
    size_t len, const char *damage, void *arg);
const struct morph_error *morph_store_foreach_object(struct morph_store *,
    morph_store_object_cb cb, void *arg);

/* The meta table: small named values (index timestamp, ...). */
const struct morph_error *morph_store_meta_get(struct morph_store *,
    const char *key, int64_t *val, int *found);
const struct morph_error *morph_store_meta_set(struct morph_store *,
    const char *key, int64_t val);
/*
 * A blob of the meta table, lent to cb without a copy (valid during the
 * call only); *found 0 when the key is not set, and cb is not called.
 */
typedef const struct morph_error *(*morph_store_blob_cb)(const void *data,
    size_t len, void *arg);
const struct morph_error *morph_store_meta_read_blob(struct morph_store *,
    const char *key, morph_store_blob_cb cb, void *arg, int *found);
/* A blob in the meta table; set with data NULL deletes the key. */
const struct morph_error *morph_store_meta_get_blob(struct morph_store *,
    const char *key, struct morph_buf *out, int *found);
const struct morph_error *morph_store_meta_set_blob(struct morph_store *,
    const char *key, const void *data, size_t len);

#endif
