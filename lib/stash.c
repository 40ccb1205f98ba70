/*
 * morph stash (see stash.h): saving local changes as stash commits, the
 * list of them (the meta row "stash"), applying one through lib/merge.c,
 * and what fsck checks of them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "morph/commit.h"
#include "morph/index.h"
#include "morph/refs.h"
#include "morph/stash.h"
#include "morph/tree.h"
#include "morph/worktree.h"
#include "commit_int.h"
#include "fsck_int.h"
#include "json_int.h"
#include "merge_int.h"
#include "mergestate_int.h"
#include "pending_int.h"
#include "repo_int.h"

#define META_STASH	"stash"

/* The list: {"stashes": ["<id>", ...]}, newest first. */
struct stashlist {
	struct morph_oid	*v;
	size_t			 n;
};

static const struct morph_error *
damaged(const char *why)
{
	return morph_error_fmt(MORPH_ERR_CORRUPT, "the stash list (meta '%s') "
	    "is damaged: %s", META_STASH, why);
}

static const struct morph_error *
list_read(struct stashlist *l, struct morph_repo *repo)
{
	struct morph_buf b = MORPH_BUF_INIT;
	const struct morph_error *err;
	const cJSON *a, *e;
	cJSON *doc = NULL;
	int found, i;

	memset(l, 0, sizeof(*l));
	if ((err = morph_store_meta_get_blob(&repo->store, META_STASH, &b,
	    &found)) != NULL || !found)
		goto done;
	if ((err = morph_json_parse(&doc, b.ptr, b.len, "the stash "
	    "list")) != NULL) {
		err = err->code == MORPH_ERR_NOMEM ? err : damaged(err->msg);
		goto done;
	}
	a = cJSON_GetObjectItemCaseSensitive(doc, "stashes");
	if (!cJSON_IsArray(a)) {
		err = damaged("'stashes' is not an array");
		goto done;
	}
	if (cJSON_GetArraySize(a) > 0 && (l->v = calloc((size_t)
	    cJSON_GetArraySize(a), sizeof(*l->v))) == NULL) {
		err = morph_error(MORPH_ERR_NOMEM);
		goto done;
	}
	i = 0;
	cJSON_ArrayForEach(e, a) {
		if (!cJSON_IsString(e) ||
		    morph_oid_fromhex(&l->v[i], e->valuestring) != 0) {
			err = damaged("an entry is not an object id");
			break;
		}
		i++;
	}
	l->n = (size_t)i;
done:
	cJSON_Delete(doc);
	morph_buf_release(&b);
	if (err != NULL) {
		free(l->v);
		memset(l, 0, sizeof(*l));
	}
	return err;
}

/* Writes the list (inside a transaction); an empty list removes it. */
static const struct morph_error *
list_write(struct morph_repo *repo, const struct stashlist *l)
{
	struct morph_buf b = MORPH_BUF_INIT;
	const struct morph_error *err;
	cJSON *doc, *a;
	size_t i;

	if (l->n == 0)
		return morph_store_meta_set_blob(&repo->store, META_STASH,
		    NULL, 0);
	if ((doc = cJSON_CreateObject()) == NULL ||
	    (a = cJSON_AddArrayToObject(doc, "stashes")) == NULL) {
		cJSON_Delete(doc);
		return morph_error(MORPH_ERR_NOMEM);
	}
	for (i = 0; i < l->n; i++)
		cJSON_AddItemToArray(a,
		    cJSON_CreateString(morph_oid_tostr(&l->v[i])));
	if (cJSON_GetArraySize(a) != (int)l->n)
		err = morph_error(MORPH_ERR_NOMEM);
	else if ((err = morph_json_canonical(&b, doc)) == NULL)
		err = morph_store_meta_set_blob(&repo->store, META_STASH,
		    b.ptr, b.len);
	cJSON_Delete(doc);
	morph_buf_release(&b);
	return err;
}

const struct morph_error *
morph_stash_list(struct morph_oid **ids, size_t *n, struct morph_repo *repo)
{
	const struct morph_error *err;
	struct stashlist l;

	if ((err = list_read(&l, repo)) != NULL)
		return err;
	*ids = l.v;
	*n = l.n;
	return NULL;
}

/* push */

/* The files of the untracked-files commit: in snap, not in idx. */
static const struct morph_error *
untracked_files(struct morph_entrylist *out, struct morph_repo *repo,
    const struct morph_index *idx)
{
	const struct morph_error *err;
	struct morph_entrylist all;
	struct morph_oid snap;
	size_t i;

	morph_entrylist_init(&all);
	if ((err = morph_worktree_snapshot(&snap, repo)) == NULL)
		err = morph_tree_flatten(&all, repo, &snap, NULL);
	for (i = 0; i < all.n && err == NULL; i++)
		if (morph_index_find(idx, all.v[i].path) == NULL)
			err = morph_entrylist_add(out, all.v[i].path,
			    &all.v[i].id, all.v[i].mode);
	morph_entrylist_sort(out);
	morph_entrylist_release(&all);
	return err;
}

/* What the stash commits are called: "WIP on main: 0123abcd subject". */
static const struct morph_error *
describe(struct morph_buf *out, struct morph_repo *repo,
    const struct morph_commit *head)
{
	struct morph_buf branch = MORPH_BUF_INIT;
	const char *msg = morph_commit_message(head);

	if (morph_head_branch(&branch, repo) == NULL)
		morph_buf_printf(out, "%s", branch.ptr +
		    strlen(MORPH_REFS_HEADS));
	else
		morph_buf_puts(out, "(no branch)");
	morph_buf_printf(out, ": %.12s %.*s",
	    morph_oid_tostr(morph_commit_id(head)), (int)strcspn(msg, "\n"),
	    msg);
	morph_buf_release(&branch);
	return morph_buf_status(out);
}

/* The three commits of a stash, W's id in *out. */
static const struct morph_error *
write_commits(struct morph_oid *out, struct morph_repo *repo,
    const struct morph_commit *head, const struct morph_oid *itree,
    const struct morph_oid *wtree, const struct morph_oid *utree,
    const char *message)
{
	struct morph_buf what = MORPH_BUF_INIT, msg = MORPH_BUF_INIT;
	const struct morph_error *err;
	struct morph_oid parents[3];
	size_t n = 2;

	parents[0] = *morph_commit_id(head);
	if ((err = describe(&what, repo, head)) != NULL)
		goto done;
	morph_buf_printf(&msg, "index on %s\n", what.ptr);
	if ((err = morph_buf_status(&msg)) != NULL ||
	    (err = morph_commit_write(&parents[1], repo, itree, parents, 1,
	    msg.ptr)) != NULL)
		goto done;
	if (utree != NULL) {
		morph_buf_clear(&msg);
		morph_buf_printf(&msg, "untracked files on %s\n", what.ptr);
		if ((err = morph_buf_status(&msg)) != NULL ||
		    (err = morph_commit_write(&parents[2], repo, utree, NULL,
		    0, msg.ptr)) != NULL)
			goto done;
		n = 3;
	}
	morph_buf_clear(&msg);
	if (message != NULL)
		morph_buf_printf(&msg, "On %.*s: %s\n", (int)strcspn(what.ptr,
		    ":"), what.ptr, message);
	else
		morph_buf_printf(&msg, "WIP on %s\n", what.ptr);
	if ((err = morph_buf_status(&msg)) == NULL)
		err = morph_commit_write(out, repo, wtree, parents, n,
		    msg.ptr);
done:
	morph_buf_release(&what);
	morph_buf_release(&msg);
	return err;
}

/* Prepends id to the list. */
static const struct morph_error *
list_push(struct morph_repo *repo, const struct morph_oid *id)
{
	const struct morph_error *err;
	struct stashlist l;
	struct morph_oid *nv;

	if ((err = list_read(&l, repo)) != NULL)
		return err;
	if ((nv = realloc(l.v, (l.n + 1) * sizeof(*nv))) == NULL) {
		free(l.v);
		return morph_error(MORPH_ERR_NOMEM);
	}
	memmove(nv + 1, nv, l.n * sizeof(*nv));
	nv[0] = *id;
	l.v = nv;
	l.n++;
	err = list_write(repo, &l);
	free(l.v);
	return err;
}

/* Phase 1 of push: the stash, committed; *saved 0 when nothing to save. */
static const struct morph_error *
save(struct morph_oid *out, int *saved, struct morph_oid *head,
    struct morph_entrylist *untracked, struct morph_repo *repo,
    const char *message, int flags)
{
	const struct morph_error *err;
	struct morph_commit *hc = NULL;
	struct morph_index *idx = NULL;
	struct morph_oid itree, wtree, utree;
	const struct morph_oid *htree;

	*saved = 0;
	if ((err = morph_repo_begin(repo)) != NULL)
		return err;
	if ((err = morph_pending_refuse(repo, "cannot stash")) != NULL ||
	    (err = morph_mergestate_refuse(repo, "cannot stash")) != NULL)
		goto done;
	err = morph_ref_resolve(head, repo, MORPH_HEAD);
	if (err != NULL && err->code == MORPH_ERR_NOT_FOUND)
		err = morph_error_fmt(MORPH_ERR_NOT_FOUND, "cannot stash: the "
		    "current branch has no commit yet");
	if (err != NULL || (err = morph_commit_read(&hc, repo, head)) != NULL ||
	    (err = morph_index_open(&idx, repo)) != NULL ||
	    (err = morph_index_write_tree(&itree, idx, repo)) != NULL)
		goto done;
	if ((flags & MORPH_STASH_UNTRACKED) && (err = untracked_files(
	    untracked, repo, idx)) != NULL)
		goto done;
	if ((err = morph_index_add_tracked(idx, repo)) != NULL ||
	    (err = morph_index_write_tree(&wtree, idx, repo)) != NULL ||
	    (untracked->n > 0 && (err = morph_tree_write(&utree, repo,
	    untracked->v, untracked->n)) != NULL))
		goto done;
	htree = morph_commit_tree(hc);
	if (morph_oid_cmp(&itree, htree) == 0 &&
	    morph_oid_cmp(&wtree, htree) == 0 && untracked->n == 0)
		goto done;	/* nothing to save */
	if ((err = write_commits(out, repo, hc, &itree, &wtree,
	    untracked->n > 0 ? &utree : NULL, message)) != NULL ||
	    (err = list_push(repo, out)) != NULL)
		goto done;
	*saved = 1;
done:
	morph_index_free(idx);
	morph_commit_free(hc);
	if (err == NULL && *saved)
		return morph_repo_commit(repo);
	morph_repo_rollback(repo);
	return err;
}

const struct morph_error *
morph_stash_push(struct morph_oid *out, int *saved, struct morph_repo *repo,
    const char *message, int flags)
{
	const struct morph_error *err;
	struct morph_entrylist untracked;
	struct morph_oid head;
	const char *all[1] = { "" };
	size_t i;

	morph_entrylist_init(&untracked);
	if ((err = save(out, saved, &head, &untracked, repo, message,
	    flags)) != NULL || !*saved)
		goto done;
	/* Phase 2: HEAD's state back; the changes are safe in the stash. */
	err = morph_worktree_restore(repo, &head, all, 1,
	    MORPH_RESTORE_WORKTREE | MORPH_RESTORE_STAGED);
	for (i = 0; i < untracked.n && err == NULL; i++)
		err = morph_repo_remove_file(repo, untracked.v[i].path);
done:
	morph_entrylist_release(&untracked);
	return err;
}

/* apply, drop */

/* stash@{n}'s id, or NOT_FOUND. */
static const struct morph_error *
lookup(struct morph_oid *out, struct stashlist *l, size_t n)
{
	if (n < l->n) {
		*out = l->v[n];
		return NULL;
	}
	if (l->n == 0)
		return morph_error_fmt(MORPH_ERR_NOT_FOUND, "no stash "
		    "entries");
	return morph_error_fmt(MORPH_ERR_NOT_FOUND, "stash@{%zu} does not "
	    "exist: there %s %zu (stash@{0} to stash@{%zu})", n, l->n == 1 ?
	    "is" : "are", l->n, l->n - 1);
}

const struct morph_error *
morph_stash_nth(struct morph_oid *out, struct morph_repo *repo, size_t n)
{
	const struct morph_error *err;
	struct stashlist l;

	if ((err = list_read(&l, repo)) != NULL)
		return err;
	err = lookup(out, &l, n);
	free(l.v);
	return err;
}

/* The tree of the files of l, sorted first, in a transaction of its own. */
static const struct morph_error *
write_tree(struct morph_oid *out, struct morph_repo *repo,
    struct morph_entrylist *l)
{
	const struct morph_error *err;

	morph_entrylist_sort(l);
	if ((err = morph_repo_begin(repo)) != NULL)
		return err;
	if ((err = morph_tree_write(out, repo, l->v, l->n)) != NULL) {
		morph_repo_rollback(repo);
		return err;
	}
	return morph_repo_commit(repo);
}

/* Whether path is one of the merge's conflicts. */
static int
conflicted(const struct morph_merge *m, const char *path)
{
	size_t i;

	for (i = 0; i < morph_merge_nconflicts(m); i++)
		if (strcmp(morph_merge_conflict(m, i)->path, path) == 0)
			return 1;
	return 0;
}

/*
 * What applying a stash stages: HEAD's entries, and the files new to HEAD
 * (not the untracked files it restores); at a conflict, what the merge
 * staged there.
 */
static const struct morph_error *
staged_tree(struct morph_oid *out, struct morph_repo *repo,
    const struct morph_merge *m, const struct morph_entrylist *untracked)
{
	const struct morph_error *err;
	struct morph_entrylist head, merged, res;
	const struct morph_entry *e;
	size_t i;

	morph_entrylist_init(&head);
	morph_entrylist_init(&merged);
	morph_entrylist_init(&res);
	if ((err = morph_tree_flatten(&head, repo, morph_merge_ours_tree(m),
	    NULL)) != NULL || (err = morph_tree_flatten(&merged, repo,
	    morph_merge_tree(m), NULL)) != NULL)
		goto done;
	for (i = 0; i < head.n && err == NULL; i++) {
		e = &head.v[i];
		if (!conflicted(m, e->path))
			err = morph_entrylist_add(&res, e->path, &e->id,
			    e->mode);
	}
	for (i = 0; i < merged.n && err == NULL; i++) {
		e = &merged.v[i];
		if (conflicted(m, e->path) ||
		    (morph_entrylist_find(&head, e->path) == NULL &&
		    morph_entrylist_find(untracked, e->path) == NULL))
			err = morph_entrylist_add(&res, e->path, &e->id,
			    e->mode);
	}
	if (err == NULL)
		err = write_tree(out, repo, &res);
done:
	morph_entrylist_release(&head);
	morph_entrylist_release(&merged);
	morph_entrylist_release(&res);
	return err;
}

/*
 * The snapshot a stash brings: W's tree with U's files added; U's files
 * into *untracked.
 */
static const struct morph_error *
stash_tree(struct morph_oid *out, struct morph_entrylist *untracked,
    struct morph_repo *repo, const struct morph_commit *w)
{
	const struct morph_error *err;
	struct morph_commit *u = NULL;
	struct morph_entrylist all;
	size_t i;

	*out = *morph_commit_tree(w);
	if (morph_commit_parent_count(w) < 3)
		return NULL;
	morph_entrylist_init(&all);
	if ((err = morph_commit_read(&u, repo, morph_commit_parent(w,
	    2))) != NULL ||
	    (err = morph_tree_flatten(untracked, repo, morph_commit_tree(u),
	    NULL)) != NULL ||
	    (err = morph_tree_flatten(&all, repo, morph_commit_tree(w),
	    NULL)) != NULL)
		goto done;
	for (i = 0; i < untracked->n && err == NULL; i++)
		if (morph_entrylist_find(&all, untracked->v[i].path) == NULL)
			err = morph_entrylist_add(&all, untracked->v[i].path,
			    &untracked->v[i].id, untracked->v[i].mode);
	if (err == NULL)
		err = write_tree(out, repo, &all);
done:
	morph_commit_free(u);
	morph_entrylist_release(&all);
	return err;
}

const struct morph_error *
morph_stash_apply(struct morph_merge **out, struct morph_repo *repo,
    size_t n)
{
	struct morph_merge_opts opts = MORPH_MERGE_OPTS_INIT;
	struct morph_entrylist untracked;
	const struct morph_error *err;
	struct morph_commit *w = NULL, *b = NULL;
	struct morph_merge *m = NULL;
	struct morph_oid id, ttree, staged;
	struct stashlist l;

	*out = NULL;
	morph_entrylist_init(&untracked);
	if ((err = list_read(&l, repo)) != NULL)
		return err;
	if ((err = lookup(&id, &l, n)) != NULL ||
	    (err = morph_commit_read(&w, repo, &id)) != NULL)
		goto done;
	if (morph_commit_parent_count(w) < 2 ||
	    morph_commit_parent_count(w) > 3) {
		err = morph_error_fmt(MORPH_ERR_CORRUPT, "stash@{%zu} (%s) is "
		    "not a stash: a commit of %zu parents", n,
		    morph_oid_tostr(&id), morph_commit_parent_count(w));
		goto done;
	}
	if ((err = morph_commit_read(&b, repo, morph_commit_parent(w,
	    0))) != NULL ||
	    (err = stash_tree(&ttree, &untracked, repo, w)) != NULL ||
	    (err = morph_merge_new_from(&m, repo, MORPH_MERGE_OP_STASH,
	    morph_commit_id(b), morph_commit_tree(b), &id, &ttree,
	    "Stashed changes")) != NULL)
		goto done;
	if (morph_merge_kind(m) == MORPH_MERGE_UP_TO_DATE)
		goto done;
	if ((err = staged_tree(&staged, repo, m, &untracked)) != NULL)
		goto done;
	morph_merge_set_staged(m, &staged);
	opts.message = morph_commit_message(w);
	if ((err = morph_merge_check(m, &opts)) == NULL)
		err = morph_merge_apply(NULL, m, &opts);
done:
	if (err == NULL)
		*out = m;
	else
		morph_merge_free(m);
	morph_commit_free(w);
	morph_commit_free(b);
	morph_entrylist_release(&untracked);
	free(l.v);
	return err;
}

const struct morph_error *
morph_stash_drop(struct morph_oid *dropped, struct morph_repo *repo,
    size_t n)
{
	const struct morph_error *err;
	struct morph_oid id;
	struct stashlist l;

	if ((err = morph_repo_begin(repo)) != NULL)
		return err;
	if ((err = list_read(&l, repo)) == NULL &&
	    (err = lookup(&id, &l, n)) == NULL) {
		memmove(&l.v[n], &l.v[n + 1], (l.n - n - 1) * sizeof(*l.v));
		l.n--;
		err = list_write(repo, &l);
	}
	free(l.v);
	if (err != NULL) {
		morph_repo_rollback(repo);
		return err;
	}
	if (dropped != NULL)
		*dropped = id;
	return morph_repo_commit(repo);
}

/* fsck */

const struct morph_error *
morph_fsck_stash(struct fsck *f)
{
	const struct morph_error *err;
	struct morph_commit *c;
	struct stashlist l;
	char what[64];
	size_t i;
	int ok;

	err = list_read(&l, f->repo);
	if (err != NULL && !morph_fsck_fatal(err)) {
		morph_fsck_problem(f, "%s", err->msg);
		return NULL;
	}
	for (i = 0; i < l.n && err == NULL; i++) {
		snprintf(what, sizeof(what), "stash@{%zu}", i);
		if ((err = morph_fsck_expect(f, &l.v[i], MORPH_OBJ_COMMIT, what,
		    &ok)) != NULL || !ok)
			continue;
		err = morph_commit_read(&c, f->repo, &l.v[i]);
		if (err != NULL && !morph_fsck_fatal(err)) {
			err = NULL;	/* the object check reports it */
			continue;
		}
		if (err == NULL && (morph_commit_parent_count(c) < 2 ||
		    morph_commit_parent_count(c) > 3))
			morph_fsck_problem(f, "%s (%s): not a stash: a commit "
			    "of %zu parents", what, morph_oid_tostr(&l.v[i]),
			    morph_commit_parent_count(c));
		if (err == NULL)
			morph_commit_free(c);
	}
	free(l.v);
	return err;
}
