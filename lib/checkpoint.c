/*
 * The background checkpointer: WAL checkpoints off the writer's thread
 * while a long writer (morph run) commits many small transactions.
 *
 * A checkpoint copies the WAL into the database file and syncs both; here
 * that takes 10 to 15 ms, and a connection that checkpoints on commit
 * (SQLite's default, every 1000 pages) stalls its own thread for that
 * long.  For morph run that thread is the scheduler's: every answer that
 * arrives during the stall waits, and the next request goes out late.
 *
 * While the checkpointer runs, the writer's connection does not
 * checkpoint on commit: its WAL hook counts the pages and, past
 * CKPT_PAGES, wakes a thread that runs a PASSIVE checkpoint on a
 * connection of its own.  A passive checkpoint takes no lock that a
 * writer waits for, so commits go on meanwhile.  The WAL starts again from
 * its beginning only at a commit that finds it all copied; if the writer
 * never pauses for that, the WAL grows, and past CKPT_LIMIT pages the
 * writer checkpoints once on its own thread, as SQLite would have, which
 * bounds the file at about 40 MB.  The writer's WAL is not
 * truncated when it restarts (journal_size_limit -1): the file is
 * rewritten in place.  Stopping joins the thread and puts the writer's
 * connection back as it was: it checkpoints on commit again, and on
 * close, and truncates its WAL to nothing then.
 *
 * Durability is unchanged: with synchronous = NORMAL a commit is in the
 * WAL when it returns, whoever checkpoints it later.
 */
#include <pthread.h>
#include <stdlib.h>

#include "store_int.h"

/* Pages in the WAL that wake the thread: SQLite's own default. */
#define CKPT_PAGES	1000
/* Pages past which the writer checkpoints itself. */
#define CKPT_LIMIT	(10 * CKPT_PAGES)

struct morph_checkpointer {
	struct morph_store	*store;
	sqlite3			*db;		/* the thread's connection */
	pthread_t		 thread;
	pthread_mutex_t		 lock;
	pthread_cond_t		 wake;
	int			 due;		/* a checkpoint is asked for */
	int			 quit;
	int			 failed;	/* the last checkpoint's rc */
};

static void *
checkpointer_main(void *arg)
{
	struct morph_checkpointer *c = arg;
	int rc;

	pthread_mutex_lock(&c->lock);
	for (;;) {
		while (!c->due && !c->quit)
			pthread_cond_wait(&c->wake, &c->lock);
		if (c->quit)
			break;
		c->due = 0;
		pthread_mutex_unlock(&c->lock);
		rc = sqlite3_wal_checkpoint_v2(c->db, "main",
		    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		pthread_mutex_lock(&c->lock);
		c->failed = rc == SQLITE_BUSY ? SQLITE_OK : rc;
	}
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

/* SQLite calls this after each commit of the writer, with the WAL's size. */
static int
wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
	struct morph_checkpointer *c = arg;

	if (pages >= CKPT_LIMIT)
		(void)sqlite3_wal_checkpoint_v2(db, name,
		    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	else if (pages >= CKPT_PAGES) {
		pthread_mutex_lock(&c->lock);
		c->due = 1;
		pthread_cond_signal(&c->wake);
		pthread_mutex_unlock(&c->lock);
	}
	return SQLITE_OK;
}

const struct morph_error *
morph_checkpointer_start(struct morph_checkpointer **out,
    struct morph_store *s)
{
	const struct morph_error *err = NULL;
	struct morph_checkpointer *c;
	int locks = 0, rc;

	*out = NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	c->store = s;
	rc = sqlite3_open_v2(s->path, &c->db,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_busy_timeout(c->db, s->busy_ms);
		/*
		 * A connection learns that the database is in WAL mode
		 * when it first reads it; until then a checkpoint does
		 * nothing.
		 */
		rc = sqlite3_exec(c->db, "PRAGMA synchronous = NORMAL;"
		    "SELECT count(*) FROM sqlite_schema;", NULL, NULL, NULL);
	}
	if (rc != SQLITE_OK) {
		err = morph_error_fmt(MORPH_ERR_SQLITE,
		    "cannot open database '%s' for checkpoints: %s", s->path,
		    c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
		goto fail;
	}
	if (pthread_mutex_init(&c->lock, NULL) != 0)
		goto nothread;
	locks = 1;
	if (pthread_cond_init(&c->wake, NULL) != 0)
		goto nothread;
	locks = 2;
	if (pthread_create(&c->thread, NULL, checkpointer_main, c) != 0)
		goto nothread;
	/* Replaces the connection's automatic checkpoints. */
	sqlite3_wal_hook(s->db, wal_hook, c);
	(void)morph_store_exec(s, "PRAGMA journal_size_limit = -1;");
	*out = c;
	return NULL;

nothread:
	err = morph_error_fmt(MORPH_ERR_ERRNO,
	    "cannot start a thread for checkpoints");
fail:
	if (locks > 1)
		pthread_cond_destroy(&c->wake);
	if (locks > 0)
		pthread_mutex_destroy(&c->lock);
	sqlite3_close(c->db);
	free(c);
	return err;
}

const struct morph_error *
morph_checkpointer_stop(struct morph_checkpointer *c)
{
	const struct morph_error *err = NULL;
	int failed;

	if (c == NULL)
		return NULL;
	pthread_mutex_lock(&c->lock);
	c->quit = 1;
	pthread_cond_signal(&c->wake);
	pthread_mutex_unlock(&c->lock);
	pthread_join(c->thread, NULL);
	failed = c->failed;
	sqlite3_wal_autocheckpoint(c->store->db, CKPT_PAGES);
	(void)morph_store_exec(c->store, "PRAGMA journal_size_limit = 0;");
	if (failed != SQLITE_OK)
		err = morph_error_fmt(MORPH_ERR_SQLITE,
		    "checkpoint of '%s': %s", c->store->path,
		    sqlite3_errstr(failed));
	sqlite3_close(c->db);
	pthread_cond_destroy(&c->wake);
	pthread_mutex_destroy(&c->lock);
	free(c);
	return err;
}
