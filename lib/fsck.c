/*
 * Repository checks (see fsck.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "morph/commit.h"
#include "morph/fsck.h"
#include "morph/index.h"
#include "morph/refs.h"
#include "morph/tree.h"
#include "json_int.h"
#include "repo_int.h"

struct fsck {
	struct morph_repo	*repo;
	struct morph_fsck_stats	*stats;
	morph_fsck_cb		 cb;
	void			*arg;
};

static void
problem(struct fsck *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
problem(struct fsck *f, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	f->stats->problems++;
	if (f->cb != NULL)
		f->cb(msg, f->arg);
}

/* Checks that id exists with type want; what names the referrer. */
static const struct morph_error *
expect(struct fsck *f, const struct morph_oid *id,
    enum morph_object_type want, const char *what)
{
	const struct morph_error *err;
	enum morph_object_type type;

	err = morph_object_info(&type, NULL, f->repo, id);
	if (err != NULL && err->code != MORPH_ERR_NOT_FOUND)
		return err;
	if (err != NULL)
		problem(f, "%s: missing %s %s", what,
		    morph_object_type_name(want), morph_oid_tostr(id));
	else if (type != want)
		problem(f, "%s: %s is a %s, not a %s", what,
		    morph_oid_tostr(id), morph_object_type_name(type) ?
		    morph_object_type_name(type) : "object of unknown type",
		    morph_object_type_name(want));
	return NULL;
}

static const struct morph_error *
check_tree(struct fsck *f, const struct morph_oid *id, const char *data,
    size_t len)
{
	const struct morph_error *err;
	struct morph_tree *t;
	char what[128];
	size_t i;

	if ((err = morph_tree_parse(&t, data, len)) != NULL) {
		problem(f, "tree %s: %s", morph_oid_tostr(id), err->msg);
		return NULL;
	}
	snprintf(what, sizeof(what), "tree %s", morph_oid_tostr(id));
	for (i = 0; i < morph_tree_count(t) && err == NULL; i++)
		err = expect(f, morph_tree_entry_id(t, i),
		    morph_tree_entry_type(t, i), what);
	morph_tree_free(t);
	return err;
}

static const struct morph_error *
check_commit(struct fsck *f, const struct morph_oid *id, const char *data,
    size_t len)
{
	const struct morph_error *err;
	struct morph_commit *c;
	char what[128];
	size_t i;

	if ((err = morph_commit_parse(&c, id, data, len)) != NULL) {
		problem(f, "%s", err->msg);
		return NULL;
	}
	snprintf(what, sizeof(what), "commit %s", morph_oid_tostr(id));
	err = expect(f, morph_commit_tree(c), MORPH_OBJ_TREE, what);
	for (i = 0; i < morph_commit_parent_count(c) && err == NULL; i++)
		err = expect(f, morph_commit_parent(c, i), MORPH_OBJ_COMMIT,
		    what);
	morph_commit_free(c);
	return err;
}

static const struct morph_error *
check_object(const struct morph_oid *id, enum morph_object_type type,
    const void *data, size_t len, const char *damage, void *arg)
{
	struct fsck *f = arg;
	const char *tname = morph_object_type_name(type);
	struct morph_oid again;
	cJSON *doc;

	f->stats->objects++;
	if (damage != NULL) {
		problem(f, "%s", damage);
		return NULL;
	}
	if (tname == NULL) {
		problem(f, "object %s has unknown type %d", morph_oid_tostr(id),
		    (int)type);
		return NULL;
	}
	morph_hash_object(&again, tname, data, len);
	if (morph_oid_cmp(&again, id) != 0) {
		problem(f, "%s %s: content hashes to %s", tname,
		    morph_oid_tostr(id), morph_oid_tostr(&again));
		return NULL;
	}
	switch (type) {
	case MORPH_OBJ_BLOB:
		f->stats->blobs++;
		return NULL;
	case MORPH_OBJ_TREE:
		f->stats->trees++;
		return check_tree(f, id, data, len);
	case MORPH_OBJ_COMMIT:
		f->stats->commits++;
		return check_commit(f, id, data, len);
	default:
		f->stats->others++;
		if (morph_json_parse(&doc, data, len, tname) != NULL)
			problem(f, "%s %s: not valid JSON", tname,
			    morph_oid_tostr(id));
		else
			cJSON_Delete(doc);
		return NULL;
	}
}

static const struct morph_error *
check_ref(const char *name, const char *value, int symbolic, void *arg)
{
	struct fsck *f = arg;
	struct morph_oid id;
	char what[1100];

	f->stats->refs++;
	if (!morph_ref_name_valid(name)) {
		problem(f, "reference '%s': invalid name", name);
		return NULL;
	}
	if (symbolic) {
		if (!morph_ref_name_valid(value))
			problem(f, "reference '%s': points to invalid name "
			    "'%s'", name, value);
		return NULL;
	}
	if (morph_oid_fromhex(&id, value) != 0) {
		problem(f, "reference '%s': bad id '%s'", name, value);
		return NULL;
	}
	snprintf(what, sizeof(what), "reference '%s'", name);
	return expect(f, &id, MORPH_OBJ_COMMIT, what);
}

static const struct morph_error *
quick_check(struct fsck *f)
{
	sqlite3_stmt *st = NULL;
	const char *msg;
	int rc;

	rc = sqlite3_prepare_v2(f->repo->store.db, "PRAGMA quick_check", -1,
	    &st, NULL);
	if (rc != SQLITE_OK)
		return morph_store_error(&f->repo->store, rc,
		    "cannot check the database");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		msg = (const char *)sqlite3_column_text(st, 0);
		if (msg != NULL && strcmp(msg, "ok") != 0)
			problem(f, "database: %s", msg);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		problem(f, "database: %s", sqlite3_errstr(rc));
	return NULL;
}

/*
 * Every price table a run names, and every update of the table, is a
 * blob in the store: a run's costs must be explainable by its table.
 */
static const struct morph_error *
check_price_tables(struct fsck *f)
{
	static const char sql[] = "SELECT 'run #' || num, prices FROM runs "
	    "WHERE prices IS NOT NULL UNION ALL SELECT 'price update #' || "
	    "num, blob FROM price_updates";
	const struct morph_error *err = NULL;
	struct morph_oid id;
	sqlite3_stmt *st = NULL;
	char what[128];
	int rc;

	rc = sqlite3_prepare_v2(f->repo->store.db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return morph_store_error(&f->repo->store, rc,
		    "cannot read the runs");
	while (err == NULL && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		snprintf(what, sizeof(what), "%s: price table",
		    (const char *)sqlite3_column_text(st, 0));
		if (sqlite3_column_type(st, 1) != SQLITE_BLOB ||
		    sqlite3_column_bytes(st, 1) != MORPH_OID_RAWSZ) {
			problem(f, "%s: not an object id", what);
			continue;
		}
		memcpy(id.id, sqlite3_column_blob(st, 1), MORPH_OID_RAWSZ);
		err = expect(f, &id, MORPH_OBJ_BLOB, what);
	}
	if (err == NULL && rc != SQLITE_DONE && rc != SQLITE_ROW)
		err = morph_store_error(&f->repo->store, rc,
		    "cannot read the runs");
	sqlite3_finalize(st);
	return err;
}

const struct morph_error *
morph_fsck(struct morph_fsck_stats *stats, struct morph_repo *repo,
    morph_fsck_cb cb, void *arg)
{
	const struct morph_error *err;
	struct morph_index *idx;
	struct fsck f;
	char what[4200];
	size_t i;

	memset(stats, 0, sizeof(*stats));
	f.repo = repo;
	f.stats = stats;
	f.cb = cb;
	f.arg = arg;
	if ((err = quick_check(&f)) != NULL)
		return err;
	if ((err = morph_store_foreach_object(&repo->store, check_object,
	    &f)) != NULL)
		return err;
	if ((err = morph_ref_foreach(repo, "", check_ref, &f)) != NULL)
		return err;
	if ((err = check_price_tables(&f)) != NULL)
		return err;
	err = morph_index_open(&idx, repo);
	if (err != NULL) {
		problem(&f, "index: %s", err->msg);
		return NULL;
	}
	stats->index_entries = morph_index_count(idx);
	for (i = 0; i < morph_index_count(idx) && err == NULL; i++) {
		const struct morph_entry *e = morph_index_get(idx, i);

		snprintf(what, sizeof(what), "index entry '%s'", e->path);
		err = expect(&f, &e->id, MORPH_OBJ_BLOB, what);
	}
	morph_index_free(idx);
	return err;
}
