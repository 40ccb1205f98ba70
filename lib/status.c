/*
 * The state of the work tree against the index and HEAD (see status.h).
 */
#include <stdlib.h>
#include <string.h>

#include "morph/commit.h"
#include "morph/index.h"
#include "morph/refs.h"
#include "morph/status.h"
#include "ignore_int.h"
#include "path_int.h"
#include "index_int.h"
#include "repo_int.h"
#include "scan_int.h"

struct morph_status {
	struct morph_status_entry	*v;
	size_t				 n;
	size_t				 cap;
	/* What the staged pass found added and deleted, with their ids. */
	struct morph_entrylist		 added, deleted;
};

int
morph_pathspec_match(const char *path, const char *const *paths,
    size_t npaths)
{
	size_t i;

	if (npaths == 0)
		return 1;
	for (i = 0; i < npaths; i++)
		if (morph_path_under(path, paths[i]))
			return 1;
	return 0;
}

void
morph_status_free(struct morph_status *st)
{
	size_t i;

	if (st == NULL)
		return;
	for (i = 0; i < st->n; i++)
		free((char *)st->v[i].path);
	free(st->v);
	morph_entrylist_release(&st->added);
	morph_entrylist_release(&st->deleted);
	free(st);
}

size_t
morph_status_count(const struct morph_status *st)
{
	return st->n;
}

const struct morph_status_entry *
morph_status_get(const struct morph_status *st, size_t i)
{
	return &st->v[i];
}

/* The entry for path, appended if new (entries arrive in any order). */
static const struct morph_error *
entry(struct morph_status_entry **out, struct morph_status *st,
    const char *path)
{
	struct morph_status_entry *nv;
	size_t cap;

	if (st->n == st->cap) {
		cap = st->cap ? st->cap * 2 : 32;
		if ((nv = realloc(st->v, cap * sizeof(*nv))) == NULL)
			return morph_error(MORPH_ERR_NOMEM);
		st->v = nv;
		st->cap = cap;
	}
	memset(&st->v[st->n], 0, sizeof(st->v[st->n]));
	if ((st->v[st->n].path = strdup(path)) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	*out = &st->v[st->n++];
	return NULL;
}

static const struct morph_error *
staged_cb(const struct morph_entry *old, const struct morph_entry *new,
    void *arg)
{
	struct morph_status *st = arg;
	struct morph_status_entry *e = NULL;
	const struct morph_error *err;

	err = entry(&e, st, old ? old->path : new->path);
	if (err == NULL)
		e->staged = old == NULL ? MORPH_CHANGE_ADDED :
		    new == NULL ? MORPH_CHANGE_DELETED : MORPH_CHANGE_MODIFIED;
	if (err == NULL && old == NULL)
		err = morph_entrylist_add(&st->added, new->path, &new->id,
		    new->mode);
	else if (err == NULL && new == NULL)
		err = morph_entrylist_add(&st->deleted, old->path, &old->id,
		    old->mode);
	return err;
}

static int
cmp_status(const void *a, const void *b)
{
	return strcmp(((const struct morph_status_entry *)a)->path,
	    ((const struct morph_status_entry *)b)->path);
}

/*
 * Merges entries that name the same path (one from the staged pass, one
 * from the unstaged pass) after sorting.
 */
static void
merge_dups(struct morph_status *st)
{
	size_t i, j;

	if (st->n > 1)
		qsort(st->v, st->n, sizeof(*st->v), cmp_status);
	for (i = 0, j = 0; i < st->n; i++) {
		if (j > 0 && strcmp(st->v[j - 1].path, st->v[i].path) == 0) {
			struct morph_status_entry *d = &st->v[j - 1];

			if (st->v[i].staged)
				d->staged = st->v[i].staged;
			if (st->v[i].unstaged)
				d->unstaged = st->v[i].unstaged;
			d->untracked |= st->v[i].untracked;
			d->ignored |= st->v[i].ignored;
			free((char *)st->v[i].path);
			continue;
		}
		st->v[j++] = st->v[i];
	}
	st->n = j;
}

/* By id, then by path: the pairing order of renames. */
static int
cmp_by_id(const void *pa, const void *pb)
{
	const struct morph_entry *a = pa, *b = pb;
	int c = morph_oid_cmp(&a->id, &b->id);

	return c != 0 ? c : strcmp(a->path, b->path);
}

/* The entry of path in the sorted list, or NULL. */
static struct morph_status_entry *
find_entry(struct morph_status *st, const char *path)
{
	struct morph_status_entry key, *e;

	memset(&key, 0, sizeof(key));
	key.path = path;
	e = bsearch(&key, st->v, st->n, sizeof(*st->v), cmp_status);
	return e;
}

/*
 * Exact renames, as git finds them first: a path staged for deletion and
 * one staged as new that hold the same blob are one file moved.  Where
 * several deleted and added paths hold the same blob, they pair in order
 * of path.  Runs on the sorted entries, whose paths the pairs point to.
 */
static void
pair_renames(struct morph_status *st)
{
	struct morph_status_entry *from, *to;
	struct morph_entrylist *a = &st->added, *d = &st->deleted;
	size_t i = 0, j = 0;
	int c;

	if (a->n == 0 || d->n == 0)
		return;
	qsort(a->v, a->n, sizeof(*a->v), cmp_by_id);
	qsort(d->v, d->n, sizeof(*d->v), cmp_by_id);
	while (i < d->n && j < a->n) {
		c = morph_oid_cmp(&d->v[i].id, &a->v[j].id);
		if (c < 0) {
			i++;
			continue;
		}
		if (c > 0) {
			j++;
			continue;
		}
		from = find_entry(st, d->v[i++].path);
		to = find_entry(st, a->v[j++].path);
		if (from == NULL || to == NULL)
			continue;
		from->renamed_to = to->path;
		to->renamed_from = from->path;
	}
}

/* HEAD -> index, skipped when the index is known to hold HEAD's tree. */
static const struct morph_error *
staged_pass(struct morph_status *st, struct morph_repo *repo,
    struct morph_index *idx, const char *const *paths, size_t npaths)
{
	const struct morph_error *err;
	struct morph_entrylist head, staged, sel;
	struct morph_commit *c = NULL;
	struct morph_oid id, itree;
	size_t i;

	morph_entrylist_init(&head);
	morph_entrylist_init(&staged);
	morph_entrylist_init(&sel);
	err = morph_ref_resolve(&id, repo, MORPH_HEAD);
	if (err != NULL && err->code != MORPH_ERR_NOT_FOUND)
		return err;
	if (err == NULL) {
		if ((err = morph_commit_read(&c, repo, &id)) != NULL)
			return err;
		if (morph_index_tree(idx, &itree) &&
		    morph_oid_cmp(&itree, morph_commit_tree(c)) == 0)
			goto done;	/* nothing staged */
		err = morph_tree_flatten(&head, repo, morph_commit_tree(c),
		    NULL);
		for (i = 0; i < head.n && err == NULL; i++)
			if (morph_pathspec_match(head.v[i].path, paths, npaths))
				err = morph_entrylist_add(&sel, head.v[i].path,
				    &head.v[i].id, head.v[i].mode);
	} else
		err = NULL;	/* unborn: everything staged is new */
	if (err == NULL)
		err = morph_index_entries(&staged, idx, paths, npaths);
	if (err == NULL)
		err = morph_entrylist_diff(&sel, &staged, staged_cb, st);
done:
	morph_commit_free(c);
	morph_entrylist_release(&head);
	morph_entrylist_release(&staged);
	morph_entrylist_release(&sel);
	return err;
}

const struct morph_error *
morph_status_new(struct morph_status **out, struct morph_repo *repo,
    struct morph_index *idx, const char *const *paths, size_t npaths,
    int flags)
{
	const struct morph_error *err = NULL;
	struct morph_status *st;
	struct morph_status_entry *e = NULL;
	struct morph_scanlist files, ign;
	struct morph_ignore *ig = NULL;
	enum morph_wt_state ws;
	struct morph_preload *pl;
	struct morph_statinfo *pst = NULL;
	unsigned char *pexists = NULL;
	size_t i, j;

	*out = NULL;
	memset(&files, 0, sizeof(files));
	memset(&ign, 0, sizeof(ign));
	if ((st = calloc(1, sizeof(*st))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	if ((err = staged_pass(st, repo, idx, paths, npaths)) != NULL)
		goto done;

	/*
	 * The tracked files are stat'ed by threads while this one walks the
	 * work tree for the untracked ones.
	 */
	if ((err = morph_index_preload_begin(&pl, idx, repo)) != NULL)
		goto done;
	if (flags & MORPH_STATUS_UNTRACKED) {
		if ((err = morph_ignore_load(&ig, repo->workdir)) == NULL)
			err = morph_scan_paths(&files, repo, ig, paths, npaths,
			    MORPH_SCAN_NOSTAT);
	}
	if (err == NULL)
		err = morph_index_preload_end(pl, &pst, &pexists);
	else
		(void)morph_index_preload_end(pl, &pst, &pexists);
	if (err != NULL)
		goto done;
	/*
	 * Index entries and scanned files are both sorted: one merge pass
	 * pairs each tracked file with its stat fields and finds the
	 * untracked ones.
	 */
	for (i = 0, j = 0; err == NULL && (i < morph_index_count(idx) ||
	    j < files.n);) {
		const char *path = i < morph_index_count(idx) ?
		    morph_index_get(idx, i)->path : NULL;
		int c = path == NULL ? 1 : j == files.n ? -1 :
		    strcmp(path, files.v[j].path);

		if (c > 0) {		/* in the work tree only */
			if ((err = entry(&e, st, files.v[j].path)) == NULL)
				e->untracked = 1;
			j++;
			continue;
		}
		if (!morph_pathspec_match(path, paths, npaths)) {
			i++;
			j += c == 0;
			continue;
		}
		j += c == 0;
		err = morph_index_check_stat(&ws, idx, repo, i,
		    pexists[i] ? &pst[i] : NULL);
		i++;
		if (err != NULL || ws == MORPH_WT_CLEAN)
			continue;
		if ((err = entry(&e, st, path)) == NULL)
			e->unstaged = ws == MORPH_WT_DELETED ?
			    MORPH_CHANGE_DELETED : MORPH_CHANGE_MODIFIED;
	}
	if (err == NULL && (flags & MORPH_STATUS_IGNORED) &&
	    (flags & MORPH_STATUS_UNTRACKED)) {
		err = morph_scan_paths(&ign, repo, NULL, paths, npaths,
		    MORPH_SCAN_IGNORED);
		for (i = 0; err == NULL && i < ign.n; i++) {
			if (morph_index_find(idx, ign.v[i].path) ||
			    morph_scanlist_find(&files, ign.v[i].path))
				continue;
			if ((err = entry(&e, st, ign.v[i].path)) == NULL)
				e->untracked = e->ignored = 1;
		}
	}
	if (err == NULL) {
		merge_dups(st);
		pair_renames(st);
	}
done:
	morph_ignore_free(ig);
	morph_scanlist_release(&files);
	morph_scanlist_release(&ign);
	free(pst);
	free(pexists);
	if (err != NULL) {
		morph_status_free(st);
		return err;
	}
	*out = st;
	return NULL;
}
