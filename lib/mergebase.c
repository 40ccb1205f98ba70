/*
 * Merge bases and ancestry: which commits two lines of history share.
 *
 * The ancestors of one side are collected into a set; a walk from the
 * other side stops at the first commits it finds in that set (their own
 * ancestors are common too, but never the best), and of those the ones
 * that are ancestors of another are dropped.  Histories of prompts are
 * small enough that holding one side's ancestors is cheap.
 */
#include <stdlib.h>
#include <string.h>

#include "morph/commit.h"
#include "morph/merge.h"
#include "oidset_int.h"
#include "repo_int.h"

/* A stack of ids to visit. */
struct stack {
	struct morph_oid	*v;
	size_t			 n;
	size_t			 cap;
};

static const struct morph_error *
push(struct stack *s, const struct morph_oid *id)
{
	struct morph_oid *nv;
	size_t cap;

	if (s->n == s->cap) {
		cap = s->cap ? s->cap * 2 : 32;
		if ((nv = realloc(s->v, cap * sizeof(*nv))) == NULL)
			return morph_error(MORPH_ERR_NOMEM);
		s->v = nv;
		s->cap = cap;
	}
	s->v[s->n++] = *id;
	return NULL;
}

/* Pushes the parents of commit id. */
static const struct morph_error *
push_parents(struct stack *s, struct morph_repo *repo,
    const struct morph_oid *id)
{
	const struct morph_error *err;
	struct morph_commit *c;
	size_t i;

	if ((err = morph_commit_read(&c, repo, id)) != NULL)
		return err;
	for (i = 0; i < morph_commit_parent_count(c) && err == NULL; i++)
		err = push(s, morph_commit_parent(c, i));
	morph_commit_free(c);
	return err;
}

/*
 * Walks from start through parents, each commit once.  With stop not
 * NULL, a commit in stop is reported (*hit) and not walked past; with
 * want not NULL, the walk ends as soon as it meets want (*met).  Every
 * commit visited goes into seen.
 */
static const struct morph_error *
walk(struct morph_oidset *seen, struct morph_repo *repo,
    const struct morph_oid *start, const struct morph_oidset *stop,
    struct stack *hit, const struct morph_oid *want, int *met)
{
	const struct morph_error *err;
	struct stack s = { NULL, 0, 0 };
	struct morph_oid id;
	int added;

	err = push(&s, start);
	while (err == NULL && s.n > 0) {
		id = s.v[--s.n];
		if ((err = morph_oidset_add(seen, &id, &added)) != NULL ||
		    !added)
			continue;
		if (want != NULL && morph_oid_cmp(&id, want) == 0) {
			*met = 1;
			break;
		}
		if (stop != NULL && morph_oidset_has(stop, &id)) {
			err = push(hit, &id);
			continue;
		}
		err = push_parents(&s, repo, &id);
	}
	free(s.v);
	return err;
}

const struct morph_error *
morph_merge_is_ancestor(int *yes, struct morph_repo *repo,
    const struct morph_oid *anc, const struct morph_oid *desc)
{
	const struct morph_error *err;
	struct morph_oidset seen;

	*yes = 0;
	morph_oidset_init(&seen);
	err = walk(&seen, repo, desc, NULL, NULL, anc, yes);
	morph_oidset_release(&seen);
	return err;
}

/* The author time of commit id, for choosing among equal bases. */
static const struct morph_error *
commit_time(int64_t *t, struct morph_repo *repo, const struct morph_oid *id)
{
	const struct morph_error *err;
	struct morph_commit *c;

	if ((err = morph_commit_read(&c, repo, id)) != NULL)
		return err;
	*t = morph_commit_author(c)->time;
	morph_commit_free(c);
	return NULL;
}

const struct morph_error *
morph_merge_base(struct morph_oid *out, int *found, struct morph_repo *repo,
    const struct morph_oid *a, const struct morph_oid *b)
{
	const struct morph_error *err;
	struct morph_oidset ancestors, seen;
	struct stack cand = { NULL, 0, 0 };
	size_t i, j;
	int64_t t, best_t = 0;
	int under;

	*found = 0;
	morph_oidset_init(&ancestors);
	morph_oidset_init(&seen);
	if ((err = walk(&ancestors, repo, a, NULL, NULL, NULL, NULL)) != NULL ||
	    (err = walk(&seen, repo, b, &ancestors, &cand, NULL,
	    NULL)) != NULL)
		goto done;
	/* Drop the candidates that are ancestors of another one. */
	for (i = 0; i < cand.n && err == NULL; i++) {
		under = 0;
		for (j = 0; j < cand.n && !under && err == NULL; j++)
			if (j != i && morph_oid_cmp(&cand.v[i],
			    &cand.v[j]) != 0)
				err = morph_merge_is_ancestor(&under, repo,
				    &cand.v[i], &cand.v[j]);
		if (err != NULL || under)
			continue;
		if ((err = commit_time(&t, repo, &cand.v[i])) != NULL)
			break;
		/* The newest; of equal times the smallest id, stably. */
		if (!*found || t > best_t || (t == best_t &&
		    morph_oid_cmp(&cand.v[i], out) < 0)) {
			*out = cand.v[i];
			best_t = t;
			*found = 1;
		}
	}
done:
	free(cand.v);
	morph_oidset_release(&ancestors);
	morph_oidset_release(&seen);
	return err;
}
