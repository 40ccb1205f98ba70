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
#include "morph/tag.h"
#include "morph/tree.h"
#include "morph/worktree.h"
#include "fsck_int.h"
#include "json_int.h"
#include "mergestate_int.h"
#include "path_int.h"
#include "pending_int.h"
#include "reflog_int.h"
#include "repo_int.h"

void
morph_fsck_problem(struct fsck *f, const char *fmt, ...)
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

int
morph_fsck_fatal(const struct morph_error *err)
{
	switch (err->code) {
	case MORPH_ERR_NOMEM:
	case MORPH_ERR_ERRNO:
	case MORPH_ERR_LOCKED:
	case MORPH_ERR_SQLITE:
		return 1;
	default:
		return 0;
	}
}

void
morph_fsck_found(struct fsck *f, const struct morph_oid *id, int found,
    enum morph_object_type type, enum morph_object_type want,
    const char *what)
{
	if (!found)
		morph_fsck_problem(f, "%s: missing %s %s", what,
		    morph_object_type_name(want), morph_oid_tostr(id));
	else if (type != want)
		morph_fsck_problem(f, "%s: %s is a %s, not a %s", what,
		    morph_oid_tostr(id), morph_object_type_name(type) ?
		    morph_object_type_name(type) : "object of unknown type",
		    morph_object_type_name(want));
}

const struct morph_error *
morph_fsck_expect(struct fsck *f, const struct morph_oid *id,
    enum morph_object_type want, const char *what, int *ok)
{
	const struct morph_error *err;
	enum morph_object_type type = MORPH_OBJ_ANY;

	err = morph_object_info(&type, NULL, f->repo, id);
	if (err != NULL && err->code != MORPH_ERR_NOT_FOUND)
		return err;
	if (ok != NULL)
		*ok = err == NULL && type == want;
	morph_fsck_found(f, id, err == NULL, type, want, what);
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
		morph_fsck_problem(f, "tree %s: %s", morph_oid_tostr(id),
		    err->msg);
		return NULL;
	}
	snprintf(what, sizeof(what), "tree %s", morph_oid_tostr(id));
	for (i = 0; i < morph_tree_count(t) && err == NULL; i++)
		err = morph_fsck_expect(f, morph_tree_entry_id(t, i),
		    morph_tree_entry_type(t, i), what, NULL);
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
		morph_fsck_problem(f, "%s", err->msg);
		return NULL;
	}
	snprintf(what, sizeof(what), "commit %s", morph_oid_tostr(id));
	err = morph_fsck_expect(f, morph_commit_tree(c), MORPH_OBJ_TREE, what,
	    NULL);
	for (i = 0; i < morph_commit_parent_count(c) && err == NULL; i++)
		err = morph_fsck_expect(f, morph_commit_parent(c, i),
		    MORPH_OBJ_COMMIT, what, NULL);
	morph_commit_free(c);
	return err;
}

/* An annotated tag: well formed, and the commit it names exists. */
static const struct morph_error *
check_tag(struct fsck *f, const struct morph_oid *id, const char *data,
    size_t len)
{
	const struct morph_error *err;
	struct morph_tag *t;
	char what[128];

	if ((err = morph_tag_parse(&t, id, data, len)) != NULL) {
		if (err->code == MORPH_ERR_NOMEM)
			return err;
		morph_fsck_problem(f, "%s", err->msg);
		return NULL;
	}
	snprintf(what, sizeof(what), "tag %s", morph_oid_tostr(id));
	err = morph_fsck_expect(f, morph_tag_target(t),
	    morph_tag_target_type(t), what, NULL);
	morph_tag_free(t);
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
		morph_fsck_problem(f, "%s", damage);
		return NULL;
	}
	if (tname == NULL) {
		morph_fsck_problem(f, "object %s has unknown type %d",
		    morph_oid_tostr(id), (int)type);
		return NULL;
	}
	morph_hash_object(&again, tname, data, len);
	if (morph_oid_cmp(&again, id) != 0) {
		morph_fsck_problem(f, "%s %s: content hashes to %s", tname,
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
	case MORPH_OBJ_TAG:
		f->stats->others++;
		return check_tag(f, id, data, len);
	default:
		f->stats->others++;
		if (morph_json_parse(&doc, data, len, tname) != NULL)
			morph_fsck_problem(f, "%s %s: not valid JSON", tname,
			    morph_oid_tostr(id));
		else
			cJSON_Delete(doc);
		return NULL;
	}
}

static const struct morph_error *
check_ref(const char *name, const char *value, int symbolic, void *arg)
{
	const struct morph_error *err;
	enum morph_object_type type;
	struct fsck *f = arg;
	struct morph_oid id;
	char what[1100];

	f->stats->refs++;
	if (!morph_ref_name_valid(name)) {
		morph_fsck_problem(f, "reference '%s': invalid name", name);
		return NULL;
	}
	if (symbolic) {
		if (!morph_ref_name_valid(value))
			morph_fsck_problem(f, "reference '%s': points to "
			    "invalid name '%s'", name, value);
		return NULL;
	}
	if (morph_oid_fromhex(&id, value) != 0) {
		morph_fsck_problem(f, "reference '%s': bad id '%s'", name,
		    value);
		return NULL;
	}
	snprintf(what, sizeof(what), "reference '%s'", name);
	/* A tag may be annotated: its reference names a tag object. */
	if (strncmp(name, MORPH_REFS_TAGS, strlen(MORPH_REFS_TAGS)) == 0) {
		err = morph_object_info(&type, NULL, f->repo, &id);
		if (err != NULL && err->code != MORPH_ERR_NOT_FOUND)
			return err;
		if (err == NULL && type == MORPH_OBJ_TAG)
			return NULL;	/* checked as an object */
	}
	return morph_fsck_expect(f, &id, MORPH_OBJ_COMMIT, what, NULL);
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
			morph_fsck_problem(f, "database: %s", msg);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		morph_fsck_problem(f, "database: %s", sqlite3_errstr(rc));
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
			morph_fsck_problem(f, "%s: not an object id", what);
			continue;
		}
		memcpy(id.id, sqlite3_column_blob(st, 1), MORPH_OID_RAWSZ);
		err = morph_fsck_expect(f, &id, MORPH_OBJ_BLOB, what, NULL);
	}
	if (err == NULL && rc != SQLITE_DONE && rc != SQLITE_ROW)
		err = morph_store_error(&f->repo->store, rc,
		    "cannot read the runs");
	sqlite3_finalize(st);
	return err;
}

/*
 * The first entry after i that is under the directory named by entry i's
 * path, or NULL: the entries are sorted, so those under "a" follow "a",
 * after any such as "a-b" or "a.txt" ('-' and '.' sort before '/').
 */
static const struct morph_entry *
first_under(const struct morph_index *idx, size_t i)
{
	const char *dir = morph_index_get(idx, i)->path, *p;
	size_t n = strlen(dir), lo = i + 1, hi = morph_index_count(idx), mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		p = morph_index_get(idx, mid)->path;
		c = strncmp(p, dir, n);
		if (c < 0 || (c == 0 && (unsigned char)p[n] < '/'))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == morph_index_count(idx))
		return NULL;
	p = morph_index_get(idx, lo)->path;
	return strncmp(p, dir, n) == 0 && p[n] == '/' ?
	    morph_index_get(idx, lo) : NULL;
}

/*
 * Entry i: its path is a repository path in normal form (as morph add
 * would have written it), its mode a file's, no other entry is under it
 * (a path is a file or a directory, not both: invariant 1 of index.h;
 * sorted and unique is checked as the index is read), and its blob
 * exists.  norm is scratch space, kept from one entry to the next.
 */
static const struct morph_error *
check_entry(struct fsck *f, const struct morph_index *idx, size_t i,
    struct morph_buf *norm)
{
	const struct morph_entry *e = morph_index_get(idx, i), *under;
	const struct morph_error *err;
	char what[4200];

	snprintf(what, sizeof(what), "index entry '%s'", e->path);
	morph_buf_clear(norm);
	err = morph_path_normalize(norm, e->path);
	if (err != NULL && err->code == MORPH_ERR_NOMEM)
		return err;
	if (err != NULL)
		morph_fsck_problem(f, "%s: invalid path: %s", what, err->msg);
	else if (norm->len == 0 || strcmp(norm->ptr, e->path) != 0)
		morph_fsck_problem(f, "%s: path not in normal form ('%s')",
		    what, norm->ptr != NULL ? norm->ptr : "");
	if (e->mode != MORPH_MODE_FILE && e->mode != MORPH_MODE_EXEC)
		morph_fsck_problem(f, "%s: bad mode %o", what, e->mode);
	if ((under = first_under(idx, i)) != NULL)
		morph_fsck_problem(f, "%s: a file, and the directory of '%s'",
		    what, under->path);
	return morph_fsck_expect(f, &e->id, MORPH_OBJ_BLOB, what, NULL);
}

static const struct morph_error *
check_index(struct fsck *f)
{
	struct morph_buf norm = MORPH_BUF_INIT;
	const struct morph_error *err;
	struct morph_index *idx;
	struct morph_oid tree;
	size_t i;

	err = morph_index_open(&idx, f->repo);
	if (err != NULL && morph_fsck_fatal(err))
		return err;
	if (err != NULL) {
		morph_fsck_problem(f, "index: %s", err->msg);
		return NULL;
	}
	f->stats->index_entries = morph_index_count(idx);
	for (i = 0; i < morph_index_count(idx) && err == NULL; i++)
		err = check_entry(f, idx, i, &norm);
	/* The tree the index says it holds, when it says so. */
	if (err == NULL && morph_index_tree(idx, &tree))
		err = morph_fsck_expect(f, &tree, MORPH_OBJ_TREE,
		    "index", NULL);
	morph_buf_release(&norm);
	morph_index_free(idx);
	return err;
}

/*
 * An entry of the reflog (reflog.h): a log that morph keeps, whose ids
 * name commits (old all zeros for a reference that was new).
 */
static const struct morph_error *
check_reflog_row(const char *ref, const char *old, const char *new,
    void *arg)
{
	const struct morph_error *err = NULL;
	struct fsck *f = arg;
	struct morph_oid a, b;
	char what[1100];

	if (!morph_ref_name_valid(ref) || !morph_reflog_kept(ref)) {
		morph_fsck_problem(f, "reflog of '%s': not a reference morph "
		    "keeps a log for", ref);
		return NULL;
	}
	if (morph_oid_fromhex(&a, old) != 0 || morph_oid_fromhex(&b,
	    new) != 0 || morph_oid_is_zero(&b)) {
		morph_fsck_problem(f, "reflog of '%s': bad id in entry "
		    "'%s' -> '%s'", ref, old, new);
		return NULL;
	}
	snprintf(what, sizeof(what), "the reflog of '%s'", ref);
	if (!morph_oid_is_zero(&a))
		err = morph_fsck_expect(f, &a, MORPH_OBJ_COMMIT, what, NULL);
	if (err == NULL)
		err = morph_fsck_expect(f, &b, MORPH_OBJ_COMMIT, what, NULL);
	return err;
}

/* A checkout that did not finish (worktree.h): the work tree is off. */
static const struct morph_error *
check_pending(struct fsck *f)
{
	struct morph_buf why = MORPH_BUF_INIT;
	struct morph_checkout_pending p;
	const struct morph_error *err;
	int found;

	err = morph_worktree_pending(&p, &found, f->repo);
	if (err != NULL && !morph_fsck_fatal(err)) {
		morph_fsck_problem(f, "%s", err->msg);
		err = NULL;
	}
	if (err == NULL && found) {
		morph_pending_describe(&why, &p);
		if ((err = morph_buf_status(&why)) == NULL)
			morph_fsck_problem(f, "%s", why.ptr);
		if (err == NULL)
			err = morph_fsck_expect(f, &p.commit,
			    MORPH_OBJ_COMMIT, "the checkout under way", NULL);
		if (err == NULL && p.has_from)
			err = morph_fsck_expect(f, &p.from, MORPH_OBJ_COMMIT,
			    "the checkout under way", NULL);
	}
	morph_buf_release(&why);
	morph_worktree_pending_release(&p);
	return err;
}

/*
 * The merge in progress (merge.h): every object its record names, and a
 * merge interrupted while it wrote the work tree.
 */
static const struct morph_error *
check_merge(struct fsck *f)
{
	static const char what[] = "the merge in progress";
	const struct morph_error *err;
	struct morph_merge_state *s = NULL;
	const struct morph_mergestate_conflict *c;
	char name[64];
	size_t i;
	int found;

	err = morph_mergestate_read(&s, &found, f->repo);
	if (err != NULL && !morph_fsck_fatal(err)) {
		morph_fsck_problem(f, "%s", err->msg);
		return NULL;
	}
	if (err != NULL || !found)
		return err;
	morph_mergestate_name(name, sizeof(name), s);
	if (s->applying)
		morph_fsck_problem(f, "a %s of %s was interrupted while it "
		    "wrote the work tree; run '%s' to undo it",
		    morph_mergestate_noun(s->op), name,
		    morph_mergestate_abort_cmd(s->op));
	if ((err = morph_fsck_expect(f, &s->ours, MORPH_OBJ_COMMIT, what,
	    NULL)) == NULL &&
	    (err = morph_fsck_expect(f, &s->theirs, MORPH_OBJ_COMMIT, what,
	    NULL)) == NULL &&
	    (!s->has_base || (err = morph_fsck_expect(f, &s->base,
	    MORPH_OBJ_COMMIT, what, NULL)) == NULL) &&
	    (err = morph_fsck_expect(f, &s->tree, MORPH_OBJ_TREE, what,
	    NULL)) == NULL)
		err = morph_fsck_expect(f, &s->worktree, MORPH_OBJ_TREE, what,
		    NULL);
	for (i = 0; i < s->n && err == NULL; i++) {
		c = &s->v[i];
		if (c->has_staged)
			err = morph_fsck_expect(f, &c->staged.id,
			    MORPH_OBJ_BLOB, what, NULL);
		if (err == NULL && c->has_written)
			err = morph_fsck_expect(f, &c->written.id,
			    MORPH_OBJ_BLOB, what, NULL);
	}
	morph_merge_state_free(s);
	return err;
}

const struct morph_error *
morph_fsck(struct morph_fsck_stats *stats, struct morph_repo *repo,
    morph_fsck_cb cb, void *arg)
{
	const struct morph_error *err;
	struct fsck f;

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
	if ((err = morph_ref_foreach(repo, "", check_ref, &f)) != NULL ||
	    (err = morph_reflog_foreach_row(repo, check_reflog_row,
	    &f)) != NULL)
		return err;
	if ((err = check_price_tables(&f)) != NULL ||
	    (err = check_index(&f)) != NULL ||
	    (err = check_pending(&f)) != NULL ||
	    (err = check_merge(&f)) != NULL ||
	    (err = morph_fsck_stash(&f)) != NULL)
		return err;
	return morph_fsck_runs(&f);
}
