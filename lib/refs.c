/*
 * References in the refs table: name -> hex id, or "ref: <name>" when
 * symbolic.
 */
#include <stdio.h>
#include <string.h>

#include "morph/refs.h"
#include "reflog_int.h"
#include "repo_int.h"

#define SYMREF_PREFIX	"ref: "
#define MAX_SYMREF_DEPTH 5

static int
component_ok(const char *c, size_t n)
{
	size_t i;

	if (n == 0 || c[0] == '.')
		return 0;
	if (n >= 5 && memcmp(c + n - 5, ".lock", 5) == 0)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)c[i];

		if (ch < 0x20 || ch == 0x7f || strchr(" ~^:?*[\\", ch))
			return 0;
		if (ch == '.' && i + 1 < n && c[i + 1] == '.')
			return 0;
		if (ch == '@' && i + 1 < n && c[i + 1] == '{')
			return 0;
	}
	return 1;
}

int
morph_ref_name_valid(const char *name)
{
	const char *p, *slash;
	size_t n = strlen(name);

	if (strcmp(name, MORPH_HEAD) == 0)
		return 1;
	if (strncmp(name, "refs/", 5) != 0 || n > 1000 ||
	    name[n - 1] == '/' || name[n - 1] == '.' ||
	    strcmp(name, "@") == 0)
		return 0;
	for (p = name; ; p = slash + 1) {
		slash = strchr(p, '/');
		if (!component_ok(p, slash ? (size_t)(slash - p) : strlen(p)))
			return 0;
		if (slash == NULL)
			break;
	}
	return 1;
}

int
morph_ref_shortname_valid(const char *s)
{
	char full[1100];

	if (s[0] == '\0' || s[0] == '-' || strcmp(s, MORPH_HEAD) == 0 ||
	    strlen(s) > 1000)
		return 0;
	snprintf(full, sizeof(full), "%s%s", MORPH_REFS_HEADS, s);
	return morph_ref_name_valid(full);
}

static const char sql_ref_get[] = "SELECT value FROM refs WHERE name = ?";
static const char sql_ref_put[] = "INSERT OR REPLACE INTO refs (name, value) "
    "VALUES (?, ?)";
static const char sql_ref_del[] = "DELETE FROM refs WHERE name = ?";
static const char sql_ref_list[] = "SELECT name, value FROM refs "
    "WHERE name >= ? ORDER BY name";

const struct morph_error *
morph_ref_read(struct morph_buf *value, int *symbolic, struct morph_repo *repo,
    const char *name)
{
	const struct morph_error *err;
	sqlite3_stmt *st = NULL;
	const char *v;
	int rc;

	if ((err = morph_store_prepare(&repo->store, sql_ref_get, &st)))
		return err;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		if (rc == SQLITE_DONE)
			return morph_error_fmt(MORPH_ERR_NOT_FOUND,
			    "reference '%s' not found", name);
		return morph_store_error(&repo->store, rc,
		    "cannot read a reference");
	}
	v = (const char *)sqlite3_column_text(st, 0);
	morph_buf_clear(value);
	*symbolic = strncmp(v, SYMREF_PREFIX, strlen(SYMREF_PREFIX)) == 0;
	morph_buf_puts(value, *symbolic ? v + strlen(SYMREF_PREFIX) : v);
	sqlite3_reset(st);
	return morph_buf_status(value);
}

const struct morph_error *
morph_ref_resolve(struct morph_oid *out, struct morph_repo *repo,
    const char *name)
{
	struct morph_buf cur = MORPH_BUF_INIT, val = MORPH_BUF_INIT;
	const struct morph_error *err = NULL;
	int depth, symbolic = 0;

	morph_buf_puts(&cur, name);
	for (depth = 0; depth <= MAX_SYMREF_DEPTH; depth++) {
		if ((err = morph_buf_status(&cur)) != NULL)
			break;
		err = morph_ref_read(&val, &symbolic, repo, cur.ptr);
		if (err != NULL) {
			if (err->code == MORPH_ERR_NOT_FOUND && depth > 0)
				err = morph_error_fmt(MORPH_ERR_NOT_FOUND,
				    "branch '%s' has no commits yet",
				    strncmp(cur.ptr, MORPH_REFS_HEADS, 11) ==
				    0 ? cur.ptr + 11 : cur.ptr);
			break;
		}
		if (!symbolic) {
			if (morph_oid_fromhex(out, val.ptr) != 0)
				err = morph_error_fmt(MORPH_ERR_CORRUPT,
				    "reference '%s' holds a bad id '%s'",
				    cur.ptr, val.ptr);
			break;
		}
		morph_buf_clear(&cur);
		morph_buf_puts(&cur, val.ptr);
	}
	if (depth > MAX_SYMREF_DEPTH)
		err = morph_error_fmt(MORPH_ERR_CORRUPT,
		    "reference '%s' is a symbolic loop", name);
	morph_buf_release(&cur);
	morph_buf_release(&val);
	return err;
}

static const struct morph_error *
put(struct morph_repo *repo, const char *name, const char *value)
{
	const struct morph_error *err;
	sqlite3_stmt *st = NULL;
	int rc;

	if ((err = morph_store_prepare(&repo->store, sql_ref_put, &st)))
		return err;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return morph_store_error(&repo->store, rc,
		    "cannot update a reference");
	return NULL;
}

/*
 * Logs the move of name from old (NULL: it was new) to id: for name, and
 * for HEAD when HEAD is on name.
 */
static const struct morph_error *
log_move(struct morph_repo *repo, const char *name,
    const struct morph_oid *old, const struct morph_oid *id, const char *msg)
{
	struct morph_buf head = MORPH_BUF_INIT;
	const struct morph_error *err = NULL;
	int symbolic = 0;

	if (morph_reflog_kept(name))
		err = morph_reflog_append(repo, name, old, id, msg);
	if (err == NULL && strcmp(name, MORPH_HEAD) != 0 &&
	    morph_ref_read(&head, &symbolic, repo, MORPH_HEAD) == NULL &&
	    symbolic && strcmp(head.ptr, name) == 0)
		err = morph_reflog_append(repo, MORPH_HEAD, old, id, msg);
	morph_buf_release(&head);
	return err;
}

const struct morph_error *
morph_ref_update(struct morph_repo *repo, const char *name,
    const struct morph_oid *id, const struct morph_oid *old)
{
	return morph_ref_update_log(repo, name, id, old, NULL);
}

const struct morph_error *
morph_ref_update_log(struct morph_repo *repo, const char *name,
    const struct morph_oid *id, const struct morph_oid *old, const char *msg)
{
	const struct morph_error *err;
	struct morph_oid cur;
	int existed;

	if (!morph_ref_name_valid(name))
		return morph_error_fmt(MORPH_ERR_INVALID,
		    "'%s' is not a valid reference name", name);
	if ((err = morph_store_begin(&repo->store)) != NULL)
		return err;
	/* A damaged value is overwritten unless it was to be compared. */
	err = morph_ref_resolve(&cur, repo, name);
	if (err != NULL && err->code != MORPH_ERR_NOT_FOUND &&
	    (old != NULL || err->code != MORPH_ERR_CORRUPT))
		goto done;
	existed = err == NULL;
	err = NULL;
	if (old != NULL && (!existed ? !morph_oid_is_zero(old) :
	    morph_oid_cmp(&cur, old) != 0)) {
		err = morph_error_fmt(MORPH_ERR_CONFLICT,
		    "reference '%s' was changed by another process", name);
		goto done;
	}
	if ((err = put(repo, name, morph_oid_tostr(id))) == NULL)
		err = log_move(repo, name, existed ? &cur : NULL, id, msg);
done:
	if (err != NULL) {
		morph_store_rollback(&repo->store);
		return err;
	}
	return morph_store_commit(&repo->store);
}

const struct morph_error *
morph_ref_set_symbolic(struct morph_repo *repo, const char *name,
    const char *target)
{
	return morph_ref_set_symbolic_log(repo, name, target, NULL);
}

const struct morph_error *
morph_ref_set_symbolic_log(struct morph_repo *repo, const char *name,
    const char *target, const char *msg)
{
	struct morph_buf v = MORPH_BUF_INIT;
	const struct morph_error *err;
	struct morph_oid from, to;
	int had;

	if (!morph_ref_name_valid(name) || !morph_ref_name_valid(target))
		return morph_error_fmt(MORPH_ERR_INVALID,
		    "'%s' is not a valid reference name",
		    morph_ref_name_valid(name) ? target : name);
	if ((err = morph_store_begin(&repo->store)) != NULL)
		return err;
	had = morph_ref_resolve(&from, repo, name) == NULL;
	morph_buf_printf(&v, "%s%s", SYMREF_PREFIX, target);
	if ((err = morph_buf_status(&v)) == NULL)
		err = put(repo, name, v.ptr);
	/* As git: a move to an unborn branch is not logged. */
	if (err == NULL && msg != NULL && morph_reflog_kept(name) &&
	    morph_ref_resolve(&to, repo, target) == NULL)
		err = morph_reflog_append(repo, name, had ? &from : NULL, &to,
		    msg);
	morph_buf_release(&v);
	if (err != NULL) {
		morph_store_rollback(&repo->store);
		return err;
	}
	return morph_store_commit(&repo->store);
}

const struct morph_error *
morph_ref_delete(struct morph_repo *repo, const char *name)
{
	const struct morph_error *err;
	sqlite3_stmt *st = NULL;
	int rc;

	if ((err = morph_store_begin(&repo->store)) != NULL)
		return err;
	if ((err = morph_store_prepare(&repo->store, sql_ref_del, &st)))
		goto done;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		err = morph_store_error(&repo->store, rc,
		    "cannot delete a reference");
	else if (sqlite3_changes(repo->store.db) == 0)
		err = morph_error_fmt(MORPH_ERR_NOT_FOUND,
		    "reference '%s' not found", name);
	else
		err = morph_reflog_drop(repo, name);
done:
	if (err != NULL) {
		morph_store_rollback(&repo->store);
		return err;
	}
	return morph_store_commit(&repo->store);
}

const struct morph_error *
morph_ref_foreach(struct morph_repo *repo, const char *prefix, morph_ref_cb cb,
    void *arg)
{
	const struct morph_error *err = NULL;
	sqlite3_stmt *st = NULL;
	const char *name, *v;
	size_t plen = strlen(prefix);
	int rc, sym;

	/* Not the cached statement: cb may read references itself. */
	rc = sqlite3_prepare_v2(repo->store.db, sql_ref_list, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return morph_store_error(&repo->store, rc,
		    "cannot list references");
	sqlite3_bind_text(st, 1, prefix, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		name = (const char *)sqlite3_column_text(st, 0);
		v = (const char *)sqlite3_column_text(st, 1);
		if (strncmp(name, prefix, plen) != 0)
			break;
		sym = strncmp(v, SYMREF_PREFIX, strlen(SYMREF_PREFIX)) == 0;
		err = cb(name, sym ? v + strlen(SYMREF_PREFIX) : v, sym, arg);
		if (err != NULL)
			break;
	}
	if (err == NULL && rc != SQLITE_ROW && rc != SQLITE_DONE)
		err = morph_store_error(&repo->store, rc,
		    "cannot list references");
	sqlite3_finalize(st);
	return err;
}

const struct morph_error *
morph_head_branch(struct morph_buf *out, struct morph_repo *repo)
{
	const struct morph_error *err;
	int symbolic = 0;

	if ((err = morph_ref_read(out, &symbolic, repo, MORPH_HEAD)) != NULL)
		return err;
	if (!symbolic)
		return morph_error_fmt(MORPH_ERR_NOT_FOUND,
		    "HEAD is detached");
	return NULL;
}

const struct morph_error *
morph_head_update(struct morph_repo *repo, const struct morph_oid *id,
    const struct morph_oid *old)
{
	return morph_head_update_log(repo, id, old, NULL);
}

const struct morph_error *
morph_head_update_log(struct morph_repo *repo, const struct morph_oid *id,
    const struct morph_oid *old, const char *msg)
{
	struct morph_buf branch = MORPH_BUF_INIT;
	const struct morph_error *err;

	err = morph_head_branch(&branch, repo);
	if (err != NULL && err->code == MORPH_ERR_NOT_FOUND)
		err = morph_ref_update_log(repo, MORPH_HEAD, id, old, msg);
	else if (err == NULL)
		err = morph_ref_update_log(repo, branch.ptr, id, old, msg);
	morph_buf_release(&branch);
	return err;
}
