/*
 * morph merge (see merge.h): the merged snapshot of two commits from their
 * merge base, and carrying it out on the work tree, the index and HEAD.
 *
 * Computing a merge writes objects only: the blobs it merged and two
 * trees, the one it stages and the one it writes to the work tree (they
 * differ at the conflicts, where the work tree gets conflict markers).
 * Carrying it out follows the record's protocol (mergestate_int.h): the
 * record first, then the files, then the index and the commit or the
 * record's final form in one transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "morph/commit.h"
#include "morph/index.h"
#include "morph/merge.h"
#include "morph/object.h"
#include "morph/refs.h"
#include "morph/tree.h"
#include "morph/worktree.h"
#include "merge_int.h"
#include "mergefile_int.h"
#include "mergestate_int.h"
#include "pending_int.h"
#include "repo_int.h"
#include "worktree_int.h"

struct morph_merge {
	struct morph_repo		*repo;
	enum morph_merge_op		 op;
	enum morph_merge_kind		 kind;
	struct morph_oid		 ours;
	struct morph_oid		 ours_tree;
	struct morph_oid		 theirs;
	int				 has_base;
	struct morph_oid		 base;
	struct morph_oid		 tree;	/* staged */
	struct morph_oid		 wtree;	/* written to the work tree */
	char				*label;
	struct morph_merge_state	*conflicts;
};

static const struct morph_error *
commit_tree(struct morph_oid *out, struct morph_repo *repo,
    const struct morph_oid *commit)
{
	const struct morph_error *err;
	struct morph_commit *c;

	if ((err = morph_commit_read(&c, repo, commit)) != NULL)
		return err;
	*out = *morph_commit_tree(c);
	morph_commit_free(c);
	return NULL;
}


/* A side of a file for mergefile, read from the store into buf. */
static const struct morph_error *
load_side(struct morph_mergefile_side *s, struct morph_object **o,
    struct morph_repo *repo, const struct morph_entry *e)
{
	const struct morph_error *err;

	memset(s, 0, sizeof(*s));
	*o = NULL;
	if (e == NULL)
		return NULL;
	if ((err = morph_object_read(o, repo, &e->id, MORPH_OBJ_BLOB)) != NULL)
		return err;
	s->present = 1;
	s->data = morph_object_data(*o);
	s->len = morph_object_size(*o);
	return NULL;
}

/* The lists the merge fills: what it stages and what it writes. */
struct result {
	struct morph_entrylist	staged;
	struct morph_entrylist	written;
};

static const struct morph_error *
put(struct morph_entrylist *l, const char *path, const struct morph_entry *e)
{
	if (e == NULL)
		return NULL;
	return morph_entrylist_add(l, path, &e->id, e->mode);
}

/* The mode of a file both sides changed: theirs if only theirs moved it. */
static unsigned int
merged_mode(const struct morph_entry *b, const struct morph_entry *o,
    const struct morph_entry *t)
{
	if (b != NULL && b->mode == o->mode)
		return t->mode;
	return o->mode;
}

/* A file both sides changed and neither deleted. */
static const struct morph_error *
merge_both(struct morph_merge *m, struct result *r, const char *path,
    const struct morph_entry *b, const struct morph_entry *o,
    const struct morph_entry *t)
{
	struct morph_mergefile_side sb, so, st;
	struct morph_object *ob = NULL, *oo = NULL, *ot = NULL;
	struct morph_mergefile_result mr;
	const struct morph_error *err;
	struct morph_entry e;

	morph_mergefile_result_init(&mr);
	if ((err = load_side(&sb, &ob, m->repo, b)) != NULL ||
	    (err = load_side(&so, &oo, m->repo, o)) != NULL ||
	    (err = load_side(&st, &ot, m->repo, t)) != NULL ||
	    (err = morph_mergefile(&mr, path, &sb, &so, &st,
	    m->label)) != NULL)
		goto done;
	e.path = NULL;
	e.mode = merged_mode(b, o, t);
	if (mr.clean || !mr.binary) {
		err = morph_object_write(&e.id, m->repo, MORPH_OBJ_BLOB,
		    mr.text.len ? mr.text.ptr : "", mr.text.len);
		if (err != NULL)
			goto done;
	}
	if (mr.clean) {
		if ((err = put(&r->staged, path, &e)) == NULL)
			err = put(&r->written, path, &e);
		goto done;
	}
	/*
	 * Markers in the work tree, our side staged; a binary file keeps
	 * our side in the work tree and nothing staged, so that it counts
	 * as unmerged until a side is chosen (mergestate.c).
	 */
	if (mr.binary) {
		if ((err = put(&r->written, path, o)) == NULL)
			err = morph_mergestate_add(m->conflicts, path, b ?
			    MORPH_CONFLICT_CONTENT : MORPH_CONFLICT_ADD_ADD, 1,
			    NULL, NULL, o);
		goto done;
	}
	if ((err = put(&r->staged, path, o)) == NULL &&
	    (err = put(&r->written, path, &e)) == NULL)
		err = morph_mergestate_add(m->conflicts, path, b ?
		    MORPH_CONFLICT_CONTENT : MORPH_CONFLICT_ADD_ADD, 0,
		    mr.fields.len ? mr.fields.ptr : NULL, o, &e);
done:
	morph_mergefile_result_release(&mr);
	morph_object_free(ob);
	morph_object_free(oo);
	morph_object_free(ot);
	return err;
}

/* One path: base b, ours o, theirs t (any may be NULL). */
static const struct morph_error *
merge_path(struct morph_merge *m, struct result *r, const char *path,
    const struct morph_entry *b, const struct morph_entry *o,
    const struct morph_entry *t)
{
	const struct morph_error *err;
	const struct morph_entry *keep;

	if (morph_entry_same(o, t) || morph_entry_same(b, t) ||
	    morph_entry_same(b, o)) {
		keep = morph_entry_same(b, o) ? t : o;
		if ((err = put(&r->staged, path, keep)) == NULL)
			err = put(&r->written, path, keep);
		return err;
	}
	if (o != NULL && t != NULL)
		return merge_both(m, r, path, b, o, t);
	/* Deleted on one side, changed on the other: the change stays in
	 * the work tree, nothing is staged until it is decided. */
	keep = o != NULL ? o : t;
	if ((err = put(&r->written, path, keep)) != NULL)
		return err;
	return morph_mergestate_add(m->conflicts, path, o != NULL ?
	    MORPH_CONFLICT_DELETED_BY_THEM : MORPH_CONFLICT_DELETED_BY_US, 0,
	    NULL, NULL, keep);
}

/* UNSUPPORTED when a path of l is also the directory of another. */
static const struct morph_error *
check_dirs(const struct morph_entrylist *l)
{
	size_t i, j, n;

	/* "a" and "a/b" sort with only "a" + bytes below '/' between. */
	for (i = 0; i < l->n; i++) {
		n = strlen(l->v[i].path);
		for (j = i + 1; j < l->n &&
		    strncmp(l->v[j].path, l->v[i].path, n) == 0; j++)
			if (l->v[j].path[n] == '/')
				return morph_error_fmt(MORPH_ERR_UNSUPPORTED,
				    "cannot merge: '%s' is a file on one side "
				    "and a directory on the other; rename one "
				    "of them on its branch and merge again",
				    l->v[i].path);
	}
	return NULL;
}

/* Merges the three snapshots path by path into the two trees. */
static const struct morph_error *
merge_trees(struct morph_merge *m, const struct morph_oid *btree,
    const struct morph_oid *ttree)
{
	const struct morph_error *err = NULL;
	struct morph_entrylist l[3];
	const struct morph_entry *e[3];
	struct result r;
	const char *path;
	size_t k[3] = { 0, 0, 0 }, j;

	for (j = 0; j < 3; j++)
		morph_entrylist_init(&l[j]);
	morph_entrylist_init(&r.staged);
	morph_entrylist_init(&r.written);
	if ((btree != NULL && (err = morph_tree_flatten(&l[0], m->repo, btree,
	    NULL)) != NULL) ||
	    (err = morph_tree_flatten(&l[1], m->repo, &m->ours_tree,
	    NULL)) != NULL ||
	    (err = morph_tree_flatten(&l[2], m->repo, ttree, NULL)) != NULL)
		goto done;
	while (err == NULL) {
		path = NULL;
		for (j = 0; j < 3; j++)
			if (k[j] < l[j].n && (path == NULL ||
			    strcmp(l[j].v[k[j]].path, path) < 0))
				path = l[j].v[k[j]].path;
		if (path == NULL)
			break;
		for (j = 0; j < 3; j++) {
			e[j] = NULL;
			if (k[j] < l[j].n && strcmp(l[j].v[k[j]].path,
			    path) == 0)
				e[j] = &l[j].v[k[j]++];
		}
		err = merge_path(m, &r, path, e[0], e[1], e[2]);
	}
	if (err != NULL)
		goto done;
	morph_entrylist_sort(&r.staged);
	morph_entrylist_sort(&r.written);
	if ((err = check_dirs(&r.written)) != NULL ||
	    (err = morph_tree_write(&m->tree, m->repo, r.staged.v,
	    r.staged.n)) != NULL ||
	    (err = morph_tree_write(&m->wtree, m->repo, r.written.v,
	    r.written.n)) != NULL)
		goto done;
	m->kind = m->conflicts->n > 0 ? MORPH_MERGE_CONFLICTS :
	    MORPH_MERGE_CLEAN;
done:
	for (j = 0; j < 3; j++)
		morph_entrylist_release(&l[j]);
	morph_entrylist_release(&r.staged);
	morph_entrylist_release(&r.written);
	return err;
}

/* CONFLICT when a checkout or another merge is under way. */
static const struct morph_error *
refuse_busy(struct morph_repo *repo, enum morph_merge_op op)
{
	static const char *const what[] = {
		[MORPH_MERGE_OP_MERGE] = "cannot merge",
		[MORPH_MERGE_OP_REVERT] = "cannot revert",
		[MORPH_MERGE_OP_STASH] = "cannot apply the stash",
	};
	const struct morph_error *err;

	if ((err = morph_pending_refuse(repo, what[op])) != NULL)
		return err;
	return morph_mergestate_refuse(repo, what[op]);
}

/* A new merge of theirs with HEAD, refused while another is under way. */
static const struct morph_error *
merge_alloc(struct morph_merge **out, struct morph_repo *repo,
    enum morph_merge_op op, const struct morph_oid *theirs, const char *label)
{
	const struct morph_error *err;
	struct morph_merge *m;

	if ((*out = m = calloc(1, sizeof(*m))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	m->repo = repo;
	m->op = op;
	m->theirs = *theirs;
	if ((m->label = strdup(label)) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	if ((err = morph_mergestate_new(&m->conflicts)) != NULL ||
	    (err = refuse_busy(repo, op)) != NULL)
		return err;
	err = morph_ref_resolve(&m->ours, repo, MORPH_HEAD);
	if (err != NULL && err->code == MORPH_ERR_NOT_FOUND)
		err = op == MORPH_MERGE_OP_MERGE ? morph_error_fmt(
		    MORPH_ERR_NOT_FOUND, "cannot merge into a branch with no "
		    "commit yet: check out '%s' instead (morph checkout)",
		    label) : morph_error_fmt(MORPH_ERR_NOT_FOUND, "%s: the "
		    "current branch has no commit yet", op ==
		    MORPH_MERGE_OP_REVERT ? "cannot revert" :
		    "cannot apply the stash");
	if (err != NULL)
		return err;
	return commit_tree(&m->ours_tree, repo, &m->ours);
}

/* The merged blobs and the two trees, in a transaction of their own. */
static const struct morph_error *
merge_compute(struct morph_merge *m, const struct morph_oid *btree,
    const struct morph_oid *ttree)
{
	const struct morph_error *err;

	if ((err = morph_repo_begin(m->repo)) != NULL)
		return err;
	if ((err = merge_trees(m, btree, ttree)) != NULL) {
		morph_repo_rollback(m->repo);
		return err;
	}
	return morph_repo_commit(m->repo);
}

const struct morph_error *
morph_merge_new(struct morph_merge **out, struct morph_repo *repo,
    const struct morph_oid *theirs, const char *label)
{
	const struct morph_error *err;
	struct morph_oid btree, ttree;
	struct morph_merge *m;
	int yes;

	*out = NULL;
	if ((err = merge_alloc(&m, repo, MORPH_MERGE_OP_MERGE, theirs,
	    label)) != NULL ||
	    (err = commit_tree(&ttree, repo, theirs)) != NULL)
		goto fail;
	if ((err = morph_merge_is_ancestor(&yes, repo, theirs,
	    &m->ours)) != NULL)
		goto fail;
	if (yes) {
		m->kind = MORPH_MERGE_UP_TO_DATE;
		m->tree = m->wtree = m->ours_tree;
		m->has_base = 1;
		m->base = *theirs;
		*out = m;
		return NULL;
	}
	if ((err = morph_merge_base(&m->base, &m->has_base, repo, &m->ours,
	    theirs)) != NULL)
		goto fail;
	if (m->has_base && morph_oid_cmp(&m->base, &m->ours) == 0) {
		m->kind = MORPH_MERGE_FAST_FORWARD;
		m->tree = m->wtree = ttree;
		*out = m;
		return NULL;
	}
	if (m->has_base && (err = commit_tree(&btree, repo,
	    &m->base)) != NULL)
		goto fail;
	/* Objects only: the merged blobs and the two trees. */
	if ((err = merge_compute(m, m->has_base ? &btree : NULL,
	    &ttree)) != NULL)
		goto fail;
	*out = m;
	return NULL;
fail:
	morph_merge_free(m);
	return err;
}

const struct morph_error *
morph_merge_new_from(struct morph_merge **out, struct morph_repo *repo,
    enum morph_merge_op op, const struct morph_oid *base,
    const struct morph_oid *base_tree, const struct morph_oid *theirs,
    const struct morph_oid *theirs_tree, const char *label)
{
	const struct morph_error *err;
	struct morph_merge *m;

	*out = NULL;
	if ((err = merge_alloc(&m, repo, op, theirs, label)) != NULL)
		goto fail;
	m->has_base = 1;
	m->base = *base;
	if ((err = merge_compute(m, base_tree, theirs_tree)) != NULL)
		goto fail;
	if (m->kind == MORPH_MERGE_CLEAN && morph_oid_cmp(&m->tree,
	    &m->ours_tree) == 0)
		m->kind = MORPH_MERGE_UP_TO_DATE;
	*out = m;
	return NULL;
fail:
	morph_merge_free(m);
	return err;
}

const struct morph_oid *
morph_merge_ours_tree(const struct morph_merge *m)
{
	return &m->ours_tree;
}

const struct morph_oid *
morph_merge_written(const struct morph_merge *m)
{
	return &m->wtree;
}

void
morph_merge_set_staged(struct morph_merge *m, const struct morph_oid *tree)
{
	m->tree = *tree;
}

void
morph_merge_free(struct morph_merge *m)
{
	if (m == NULL)
		return;
	free(m->label);
	morph_merge_state_free(m->conflicts);
	free(m);
}

enum morph_merge_kind
morph_merge_kind(const struct morph_merge *m)
{
	return m->kind;
}

const struct morph_oid *
morph_merge_ours(const struct morph_merge *m)
{
	return &m->ours;
}

const struct morph_oid *
morph_merge_theirs(const struct morph_merge *m)
{
	return &m->theirs;
}

const struct morph_oid *
morph_merge_base_id(const struct morph_merge *m)
{
	return m->has_base ? &m->base : NULL;
}

const struct morph_oid *
morph_merge_tree(const struct morph_merge *m)
{
	return &m->tree;
}

size_t
morph_merge_nconflicts(const struct morph_merge *m)
{
	return m->conflicts->n;
}

const struct morph_merge_conflict *
morph_merge_conflict(const struct morph_merge *m, size_t i)
{
	return &m->conflicts->v[i].pub;
}

/* Whether the merge moves HEAD to theirs rather than committing. */
static int
fast_forwards(const struct morph_merge *m, const struct morph_merge_opts *o)
{
	return m->kind == MORPH_MERGE_FAST_FORWARD && !o->no_ff;
}

static const struct morph_error *
check_opts(const struct morph_merge *m, const struct morph_merge_opts *opts)
{
	if (opts == NULL || opts->version != MORPH_MERGE_OPTS_VERSION)
		return morph_error_fmt(MORPH_ERR_INVALID,
		    "merge: unknown options version");
	if (opts->ff_only && opts->no_ff)
		return morph_error_fmt(MORPH_ERR_INVALID, "--ff-only and "
		    "--no-ff exclude each other");
	if (opts->ff_only && m->kind != MORPH_MERGE_FAST_FORWARD &&
	    m->kind != MORPH_MERGE_UP_TO_DATE)
		return morph_error_fmt(MORPH_ERR_INVALID, "cannot "
		    "fast-forward to '%s': the branches have diverged; merge "
		    "without --ff-only", m->label);
	return NULL;
}

/* CONFLICT when HEAD is no longer the commit the merge was made on. */
static const struct morph_error *
check_head(const struct morph_merge *m)
{
	const struct morph_error *err;
	struct morph_oid head;

	if ((err = morph_ref_resolve(&head, m->repo, MORPH_HEAD)) != NULL)
		return err;
	if (morph_oid_cmp(&head, &m->ours) != 0)
		return morph_error_fmt(MORPH_ERR_CONFLICT, "cannot merge: HEAD "
		    "moved meanwhile (another process committed); merge "
		    "again");
	return NULL;
}

const struct morph_error *
morph_merge_check(struct morph_merge *m, const struct morph_merge_opts *opts)
{
	const struct morph_error *err;

	if ((err = check_opts(m, opts)) != NULL ||
	    m->kind == MORPH_MERGE_UP_TO_DATE)
		return err;
	if ((err = morph_repo_read_begin(m->repo)) != NULL)
		return err;
	if ((err = refuse_busy(m->repo, m->op)) == NULL &&
	    (err = check_head(m)) == NULL)
		err = morph_worktree_merge(m->repo, m->op, &m->ours_tree,
		    &m->wtree, &m->tree, 1);
	morph_repo_read_end(m->repo);
	return err;
}

/* The record of this merge, marked applying. */
static const struct morph_error *
make_record(struct morph_merge_state **out, const struct morph_merge *m,
    const struct morph_merge_opts *opts)
{
	const struct morph_error *err = NULL;
	struct morph_merge_state *s;
	size_t i;

	if ((err = morph_mergestate_new(&s)) != NULL)
		return err;
	s->op = m->op;
	s->ours = m->ours;
	s->theirs = m->theirs;
	s->has_base = m->has_base;
	s->base = m->base;
	s->tree = m->tree;
	s->worktree = m->wtree;
	s->applying = 1;
	s->gate = opts->gate;
	s->repeat = opts->repeat > 0 ? opts->repeat : 1;
	s->significance = opts->significance;
	s->label = strdup(m->label);
	if (opts->message != NULL)
		s->message = strdup(opts->message);
	else if (s->label != NULL && (s->message = malloc(strlen(m->label) +
	    16)) != NULL)
		snprintf(s->message, strlen(m->label) + 16, "Merge '%s'\n",
		    m->label);
	if (s->label == NULL || s->message == NULL)
		err = morph_error(MORPH_ERR_NOMEM);
	for (i = 0; err == NULL && i < m->conflicts->n; i++) {
		const struct morph_mergestate_conflict *c =
		    &m->conflicts->v[i];

		err = morph_mergestate_add(s, c->path, c->pub.kind,
		    c->pub.binary, c->fields, c->has_staged ? &c->staged :
		    NULL, c->has_written ? &c->written : NULL);
	}
	if (err != NULL) {
		morph_merge_state_free(s);
		return err;
	}
	*out = s;
	return NULL;
}

/* Phase 1: the record, committed before any file is written. */
static const struct morph_error *
record_merge(struct morph_merge *m, const struct morph_merge_state *s)
{
	const struct morph_error *err;

	if ((err = morph_repo_begin(m->repo)) != NULL)
		return err;
	if ((err = refuse_busy(m->repo, m->op)) != NULL ||
	    (err = check_head(m)) != NULL ||
	    (err = morph_mergestate_write(m->repo, s)) != NULL) {
		morph_repo_rollback(m->repo);
		return err;
	}
	return morph_repo_commit(m->repo);
}

/* A merge refused before it wrote a file leaves no record. */
static void
unrecord_merge(struct morph_repo *repo)
{
	if (morph_repo_begin(repo) != NULL)
		return;
	if (morph_mergestate_clear(repo) == NULL)
		(void)morph_repo_commit(repo);
	else
		morph_repo_rollback(repo);
}

/* Phase 3 for a merge without conflicts: the merge commit. */
static const struct morph_error *
commit_merge(struct morph_oid *out, struct morph_merge *m,
    struct morph_merge_state *s)
{
	struct morph_commit_opts copts = MORPH_COMMIT_OPTS_INIT;
	const struct morph_error *err;
	struct morph_index *idx;

	s->applying = 0;
	s->gate = 0;		/* the caller gated it, if it was to be */
	if ((err = morph_mergestate_write(m->repo, s)) != NULL ||
	    (err = morph_index_open(&idx, m->repo)) != NULL)
		return err;
	copts.message = s->message;
	err = morph_commit_create(out, m->repo, idx, &copts);
	morph_index_free(idx);
	return err;
}

const struct morph_error *
morph_merge_apply(struct morph_oid *commit, struct morph_merge *m,
    const struct morph_merge_opts *opts)
{
	struct morph_buf logmsg = MORPH_BUF_INIT;
	const struct morph_error *err;
	struct morph_merge_state *s = NULL;
	struct morph_oid head;
	int ff = fast_forwards(m, opts);

	if ((err = check_opts(m, opts)) != NULL)
		return err;
	if (m->kind == MORPH_MERGE_UP_TO_DATE) {
		if (commit != NULL)
			*commit = m->ours;
		return NULL;
	}
	if ((err = make_record(&s, m, opts)) != NULL)
		return err;
	if ((err = record_merge(m, s)) != NULL)
		goto out;
	if ((err = morph_repo_begin(m->repo)) != NULL)
		goto out;
	if ((err = check_head(m)) != NULL ||
	    (err = morph_worktree_merge(m->repo, m->op, &m->ours_tree,
	    &m->wtree, &m->tree, 1)) != NULL) {
		/* Refused before a file was written: nothing to undo. */
		morph_repo_rollback(m->repo);
		unrecord_merge(m->repo);
		goto out;
	}
	/* From here on, a failure leaves the record: files may change. */
	if ((err = morph_worktree_merge(m->repo, m->op, &m->ours_tree,
	    &m->wtree, &m->tree, 0)) != NULL)
		goto fail;
	if ((m->op == MORPH_MERGE_OP_STASH ||
	    (m->op == MORPH_MERGE_OP_REVERT && opts->no_commit)) &&
	    m->kind != MORPH_MERGE_CONFLICTS) {
		/* No commit, and nothing left to resolve. */
		head = m->ours;
		if ((err = morph_mergestate_clear(m->repo)) != NULL)
			goto fail;
	} else if (ff) {
		head = m->theirs;
		/* Logged as git logs it: "merge NAME: Fast-forward". */
		morph_buf_printf(&logmsg, "merge %s: Fast-forward", m->label);
		if ((err = morph_buf_status(&logmsg)) != NULL ||
		    (err = morph_head_update_log(m->repo, &m->theirs,
		    &m->ours, logmsg.ptr)) != NULL ||
		    (err = morph_mergestate_clear(m->repo)) != NULL)
			goto fail;
	} else if (m->kind != MORPH_MERGE_CONFLICTS) {
		if ((err = commit_merge(&head, m, s)) != NULL)
			goto fail;
	} else {
		head = m->ours;
		s->applying = 0;
		if ((err = morph_mergestate_write(m->repo, s)) != NULL)
			goto fail;
	}
	if ((err = morph_repo_commit(m->repo)) != NULL)
		goto out;
	if (commit != NULL)
		*commit = head;
	goto out;
fail:
	morph_repo_rollback(m->repo);
out:
	morph_merge_state_free(s);
	morph_buf_release(&logmsg);
	return err;
}

/* abort */

/*
 * The paths the merge in progress touched: where what it staged or wrote
 * differs from HEAD's snapshot h.  *written gets what it wrote.
 */
static const struct morph_error *
touched_paths(struct morph_entrylist *out, struct morph_entrylist *written,
    struct morph_repo *repo, const struct morph_entrylist *h,
    const struct morph_merge_state *s)
{
	const struct morph_error *err;
	struct morph_entrylist st;
	const struct morph_entry *a;
	size_t i;

	morph_entrylist_init(&st);
	if ((err = morph_tree_flatten(&st, repo, &s->tree, NULL)) != NULL ||
	    (err = morph_tree_flatten(written, repo, &s->worktree,
	    NULL)) != NULL)
		goto done;
	for (i = 0; i < h->n && err == NULL; i++) {
		a = &h->v[i];
		if (!morph_entry_same(a, morph_entrylist_find(&st,
		    a->path)) || !morph_entry_same(a,
		    morph_entrylist_find(written, a->path)))
			err = morph_entrylist_add(out, a->path, &a->id,
			    a->mode);
	}
	for (i = 0; i < st.n && err == NULL; i++)
		if (morph_entrylist_find(h, st.v[i].path) == NULL)
			err = morph_entrylist_add(out, st.v[i].path,
			    &st.v[i].id, st.v[i].mode);
	for (i = 0; i < written->n && err == NULL; i++)
		if (morph_entrylist_find(h, written->v[i].path) == NULL &&
		    morph_entrylist_find(&st, written->v[i].path) == NULL)
			err = morph_entrylist_add(out, written->v[i].path,
			    &written->v[i].id, written->v[i].mode);
	morph_entrylist_sort(out);
done:
	morph_entrylist_release(&st);
	return err;
}

/*
 * Removes a file HEAD lacks that the merge added, when it still holds
 * what the merge wrote there: anything else is someone's work, kept.
 */
static const struct morph_error *
remove_added(struct morph_repo *repo, const char *path,
    const struct morph_entrylist *written)
{
	const struct morph_entry *w = morph_entrylist_find(written, path);
	const struct morph_error *err;
	struct morph_entry f;

	if (w == NULL)
		return NULL;
	err = morph_worktree_hash_file(&f.id, &f.mode, repo, path, 0);
	if (err != NULL)	/* gone already, or not a file: kept */
		return err->code == MORPH_ERR_ERRNO ||
		    err->code == MORPH_ERR_INVALID ? NULL : err;
	if (!morph_entry_same(&f, w))
		return NULL;
	return morph_repo_remove_file(repo, path);
}

/* Undoes a record of one of the ops in mask (1 << op). */
static const struct morph_error *
abort_op(struct morph_repo *repo, unsigned int mask)
{
	const struct morph_error *err;
	struct morph_merge_state *s = NULL;
	struct morph_entrylist touched, written, h;
	struct morph_index *idx = NULL;
	struct morph_oid head, head_tree;
	const char **paths = NULL;
	const char *p;
	size_t i, n = 0;
	int found, rev;

	morph_entrylist_init(&touched);
	morph_entrylist_init(&written);
	morph_entrylist_init(&h);
	if ((err = morph_repo_begin(repo)) != NULL)
		return err;
	if ((err = morph_mergestate_read(&s, &found, repo)) != NULL)
		goto done;
	if (!found || !(mask & (1u << s->op))) {
		rev = (mask & (1u << MORPH_MERGE_OP_REVERT)) != 0;
		err = morph_error_fmt(MORPH_ERR_NOT_FOUND, "there is no %s "
		    "to abort%s", rev ? "revert" : "merge", !found ? "" :
		    rev ? " (a merge is in progress: morph merge --abort)" :
		    " (a revert is in progress: morph revert --abort)");
		goto done;
	}
	if ((err = morph_ref_resolve(&head, repo, MORPH_HEAD)) != NULL ||
	    (err = commit_tree(&head_tree, repo, &head)) != NULL ||
	    (err = morph_tree_flatten(&h, repo, &head_tree, NULL)) != NULL ||
	    (err = touched_paths(&touched, &written, repo, &h, s)) != NULL ||
	    (err = morph_index_open(&idx, repo)) != NULL)
		goto done;
	if (touched.n > 0 &&
	    (paths = calloc(touched.n, sizeof(*paths))) == NULL) {
		err = morph_error(MORPH_ERR_NOMEM);
		goto done;
	}
	/* HEAD's files and entries back; a file HEAD lacks goes. */
	for (i = 0; i < touched.n && err == NULL; i++) {
		p = touched.v[i].path;
		if (morph_index_find(idx, p) != NULL ||
		    morph_entrylist_find(&h, p) != NULL)
			paths[n++] = p;
		else
			err = remove_added(repo, p, &written);
	}
	if (err == NULL && n > 0)
		err = morph_worktree_restore(repo, &head, paths, n,
		    MORPH_RESTORE_WORKTREE | MORPH_RESTORE_STAGED);
	if (err == NULL)
		err = morph_mergestate_clear(repo);
done:
	if (err == NULL)
		err = morph_repo_commit(repo);
	else
		morph_repo_rollback(repo);
	morph_index_free(idx);
	free(paths);
	morph_entrylist_release(&touched);
	morph_entrylist_release(&written);
	morph_entrylist_release(&h);
	morph_merge_state_free(s);
	return err;
}

const struct morph_error *
morph_merge_abort(struct morph_repo *repo)
{
	return abort_op(repo, 1u << MORPH_MERGE_OP_MERGE |
	    1u << MORPH_MERGE_OP_STASH);
}

const struct morph_error *
morph_merge_abort_revert(struct morph_repo *repo)
{
	return abort_op(repo, 1u << MORPH_MERGE_OP_REVERT);
}
