/*
 * The reflog in the reflog table (schema version 6 in store.c): one row a
 * move, ordered by num, ids in hex as the refs table holds them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "morph/refs.h"
#include "reflog_int.h"
#include "repo_int.h"

#define CHECKOUT_PREFIX	"checkout: moving from "

static const char sql_append[] = "INSERT INTO reflog (ref, old, new, name, "
    "email, time, tz, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
static const char sql_drop[] = "DELETE FROM reflog WHERE ref = ?";
static const char sql_rename[] = "UPDATE reflog SET ref = ? WHERE ref = ?";
static const char sql_list[] = "SELECT old, new, name, email, time, tz, "
    "message FROM reflog WHERE ref = ? ORDER BY num DESC";
static const char sql_count[] = "SELECT '', count(*) FROM reflog "
    "WHERE ref = ?";
static const char sql_nth[] = "SELECT new FROM reflog WHERE ref = ? "
    "ORDER BY num DESC LIMIT 1 OFFSET ?";
static const char sql_at[] = "SELECT new FROM reflog WHERE ref = ? AND "
    "time <= ? ORDER BY num DESC LIMIT 1";
static const char sql_oldest[] = "SELECT old, time FROM reflog WHERE ref = ? "
    "ORDER BY num LIMIT 1";
static const char sql_rows[] = "SELECT ref, old, new FROM reflog ORDER BY num";

int
morph_reflog_kept(const char *ref)
{
	return strcmp(ref, MORPH_HEAD) == 0 || strncmp(ref, MORPH_REFS_HEADS,
	    strlen(MORPH_REFS_HEADS)) == 0;
}

/*
 * Runs a cached statement that binds ref and then, when given, the text
 * text2 or the integer int2 (-1: none).  Of its first row, if it has one
 * (*found, when found is not NULL), column 0 goes as text into hex and
 * column 1 into *second, where they are not NULL.  what says what failed.
 */
static const struct morph_error *
step_one(struct morph_repo *repo, const char *sql, const char *ref,
    const char *text2, int64_t int2, char hex[MORPH_OID_HEXSZ + 1],
    int64_t *second, int *found, const char *what)
{
	const struct morph_error *err;
	const unsigned char *v;
	sqlite3_stmt *st;
	int rc;

	if (found != NULL)
		*found = 0;
	if ((err = morph_store_prepare(&repo->store, sql, &st)) != NULL)
		return err;
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
	if (text2 != NULL)
		sqlite3_bind_text(st, 2, text2, -1, SQLITE_STATIC);
	else if (int2 != -1)
		sqlite3_bind_int64(st, 2, int2);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (found != NULL)
			*found = 1;
		v = sqlite3_column_text(st, 0);
		if (hex != NULL)
			snprintf(hex, MORPH_OID_HEXSZ + 1, "%s",
			    v != NULL ? (const char *)v : "");
		if (second != NULL)
			*second = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return morph_store_error(&repo->store, rc, what);
	return NULL;
}

const struct morph_error *
morph_reflog_append(struct morph_repo *repo, const char *ref,
    const struct morph_oid *old, const struct morph_oid *new, const char *msg)
{
	struct morph_buf name = MORPH_BUF_INIT, email = MORPH_BUF_INIT;
	const struct morph_error *err;
	struct morph_signature sig;
	struct morph_oid zero;
	char oldhex[MORPH_OID_HEXSZ + 1], newhex[MORPH_OID_HEXSZ + 1];
	sqlite3_stmt *st;
	int rc;

	memset(&zero, 0, sizeof(zero));
	err = morph_signature_default(&sig, &name, &email, repo);
	if (err != NULL && err->code == MORPH_ERR_NOMEM)
		goto done;
	if (err != NULL) {
		/* No name, or a bad MORPH_AUTHOR_DATE: still log the move. */
		sig.name = name.len > 0 && morph_buf_status(&name) == NULL ?
		    name.ptr : "unknown";
		sig.email = morph_buf_status(&email) == NULL ?
		    morph_buf_cstr(&email) : "";
		sig.time = (int64_t)time(NULL);
		sig.tz = 0;
	}
	morph_oid_fmt(oldhex, old != NULL ? old : &zero);
	morph_oid_fmt(newhex, new);
	if ((err = morph_store_prepare(&repo->store, sql_append, &st)) != NULL)
		goto done;
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, oldhex, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, newhex, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, sig.name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, sig.email, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, sig.time);
	sqlite3_bind_int(st, 7, sig.tz);
	sqlite3_bind_text(st, 8, msg != NULL ? msg : "", -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		err = morph_store_error(&repo->store, rc,
		    "cannot write the reflog");
done:
	morph_buf_release(&name);
	morph_buf_release(&email);
	return err;
}

const struct morph_error *
morph_reflog_drop(struct morph_repo *repo, const char *ref)
{
	return step_one(repo, sql_drop, ref, NULL, -1, NULL, NULL, NULL,
	    "cannot delete a reflog");
}

const struct morph_error *
morph_reflog_rename(struct morph_repo *repo, const char *from, const char *to)
{
	return step_one(repo, sql_rename, to, from, -1, NULL, NULL, NULL,
	    "cannot rename a reflog");
}

/* The end of a walk over rows: the first error, and the statement gone. */
static const struct morph_error *
end_walk(struct morph_repo *repo, sqlite3_stmt *st, int rc,
    const struct morph_error *err)
{
	if (err == NULL && rc != SQLITE_ROW && rc != SQLITE_DONE)
		err = morph_store_error(&repo->store, rc,
		    "cannot read the reflog");
	sqlite3_finalize(st);
	return err;
}

static const struct morph_error *
bad_entry(const char *ref, const char *value)
{
	return morph_error_fmt(MORPH_ERR_CORRUPT, "the reflog of '%s' holds "
	    "a bad id '%s'", ref, value);
}

const struct morph_error *
morph_reflog_foreach(struct morph_repo *repo, const char *ref,
    morph_reflog_cb cb, void *arg)
{
	const struct morph_error *err = NULL;
	struct morph_reflog_entry e;
	sqlite3_stmt *st = NULL;
	const char *old, *new;
	size_t n = 0;
	int rc;

	/* Not a cached statement: cb may read the reflog itself. */
	rc = sqlite3_prepare_v2(repo->store.db, sql_list, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return morph_store_error(&repo->store, rc,
		    "cannot read the reflog");
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		old = (const char *)sqlite3_column_text(st, 0);
		new = (const char *)sqlite3_column_text(st, 1);
		if (morph_oid_fromhex(&e.old, old) != 0) {
			err = bad_entry(ref, old);
			break;
		}
		if (morph_oid_fromhex(&e.new, new) != 0) {
			err = bad_entry(ref, new);
			break;
		}
		e.who.name = (const char *)sqlite3_column_text(st, 2);
		e.who.email = (const char *)sqlite3_column_text(st, 3);
		e.who.time = sqlite3_column_int64(st, 4);
		e.who.tz = sqlite3_column_int(st, 5);
		e.message = (const char *)sqlite3_column_text(st, 6);
		if ((err = cb(&e, n++, arg)) != NULL)
			break;
	}
	return end_walk(repo, st, rc, err);
}

static const struct morph_error *
count_entries(int64_t *n, struct morph_repo *repo, const char *ref)
{
	*n = 0;
	return step_one(repo, sql_count, ref, NULL, -1, NULL, n, NULL,
	    "cannot read the reflog");
}

static const struct morph_error *
to_oid(struct morph_oid *out, const char *ref, const char *hex)
{
	if (morph_oid_fromhex(out, hex) != 0 || morph_oid_is_zero(out))
		return bad_entry(ref, hex);
	return NULL;
}

const struct morph_error *
morph_reflog_nth(struct morph_oid *out, struct morph_repo *repo,
    const char *ref, size_t n, const char *shortname)
{
	const struct morph_error *err;
	char hex[MORPH_OID_HEXSZ + 1];
	int64_t count;
	int found;

	if ((err = count_entries(&count, repo, ref)) != NULL)
		return err;
	if (count == 0)
		return morph_error_fmt(MORPH_ERR_NOT_FOUND, "log for '%s' is "
		    "empty", shortname);
	if ((int64_t)n >= count)
		return morph_error_fmt(MORPH_ERR_NOT_FOUND, "log for '%s' only "
		    "has %lld entr%s", shortname, (long long)count,
		    count == 1 ? "y" : "ies");
	if ((err = step_one(repo, sql_nth, ref, NULL, (int64_t)n, hex, NULL,
	    &found, "cannot read the reflog")) != NULL)
		return err;
	if (!found)
		return morph_error_fmt(MORPH_ERR_NOT_FOUND, "log for '%s' "
		    "changed while it was read", shortname);
	return to_oid(out, ref, hex);
}

const struct morph_error *
morph_reflog_at(struct morph_oid *out, struct morph_repo *repo,
    const char *ref, int64_t when, const char *shortname)
{
	const struct morph_error *err;
	char hex[MORPH_OID_HEXSZ + 1], date[64];
	int64_t first;
	struct tm tm;
	time_t t;
	int found;

	if ((err = step_one(repo, sql_at, ref, NULL, when, hex, NULL, &found,
	    "cannot read the reflog")) != NULL)
		return err;
	if (found)
		return to_oid(out, ref, hex);
	if ((err = step_one(repo, sql_oldest, ref, NULL, -1, hex, &first,
	    &found, "cannot read the reflog")) != NULL)
		return err;
	if (!found)
		return morph_error_fmt(MORPH_ERR_NOT_FOUND, "log for '%s' is "
		    "empty", shortname);
	if (morph_oid_fromhex(out, hex) != 0)
		return bad_entry(ref, hex);
	if (!morph_oid_is_zero(out))
		return NULL;	/* what it was before its first entry */
	t = (time_t)first;
	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S UTC", &tm);
	return morph_error_fmt(MORPH_ERR_NOT_FOUND, "log for '%s' only goes "
	    "back to %s", shortname, date);
}

struct previous {
	unsigned long	 want;
	unsigned long	 seen;
	struct morph_buf *out;
};

static const struct morph_error *
previous_cb(const struct morph_reflog_entry *e, size_t n, void *arg)
{
	struct previous *p = arg;
	const char *from, *to;

	(void)n;
	if (strncmp(e->message, CHECKOUT_PREFIX, strlen(CHECKOUT_PREFIX)) != 0)
		return NULL;
	from = e->message + strlen(CHECKOUT_PREFIX);
	if ((to = strstr(from, " to ")) == NULL || ++p->seen < p->want)
		return NULL;
	morph_buf_put(p->out, from, (size_t)(to - from));
	return morph_error(MORPH_ERR_EXISTS);	/* found: stop the walk */
}

const struct morph_error *
morph_reflog_previous(struct morph_buf *out, struct morph_repo *repo,
    unsigned long n)
{
	const struct morph_error *err;
	struct previous p = { n, 0, out };

	morph_buf_clear(out);
	err = morph_reflog_foreach(repo, MORPH_HEAD, previous_cb, &p);
	if (err != NULL && err->code != MORPH_ERR_EXISTS)
		return err;
	if (err == NULL)
		return morph_error_fmt(MORPH_ERR_NOT_FOUND, "'@{-%lu}': HEAD's "
		    "log records %lu checkout%s", n, p.seen,
		    p.seen == 1 ? "" : "s");
	return morph_buf_status(out);
}

const struct morph_error *
morph_reflog_foreach_row(struct morph_repo *repo, morph_reflog_row_cb cb,
    void *arg)
{
	const struct morph_error *err = NULL;
	sqlite3_stmt *st = NULL;
	int rc;

	rc = sqlite3_prepare_v2(repo->store.db, sql_rows, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return morph_store_error(&repo->store, rc,
		    "cannot read the reflog");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((err = cb((const char *)sqlite3_column_text(st, 0),
		    (const char *)sqlite3_column_text(st, 1),
		    (const char *)sqlite3_column_text(st, 2), arg)) != NULL)
			break;
	return end_walk(repo, st, rc, err);
}

const struct morph_error *
morph_reflog_checkout_message(struct morph_buf *msg, struct morph_repo *repo,
    const char *to)
{
	struct morph_buf cur = MORPH_BUF_INIT;
	struct morph_oid head;

	if (morph_head_branch(&cur, repo) == NULL)
		morph_buf_printf(msg, CHECKOUT_PREFIX "%s to %s",
		    cur.ptr + strlen(MORPH_REFS_HEADS), to);
	else if (morph_ref_resolve(&head, repo, MORPH_HEAD) == NULL)
		morph_buf_printf(msg, CHECKOUT_PREFIX "%s to %s",
		    morph_oid_tostr(&head), to);
	morph_buf_release(&cur);
	return morph_buf_status(msg);
}
