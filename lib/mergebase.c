/*
 * Merge bases and ancestry: which commits two lines of history share.
 *
 * The bases are revwalk.c's (git merge-base --all), of which a merge
 * takes the newest; whether one commit is an ancestor of another is a
 * walk from the descendant that ends when it meets the ancestor.
 */
#include <stdlib.h>
#include <string.h>

#include "morph/commit.h"
#include "morph/merge.h"
#include "morph/revwalk.h"
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
 * Walks from start through parents, each commit once (into seen), and
 * ends as soon as it meets want (*met).
 */
static const struct morph_error *
walk(struct morph_oidset *seen, struct morph_repo *repo,
    const struct morph_oid *start, const struct morph_oid *want, int *met)
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
		if (morph_oid_cmp(&id, want) == 0) {
			*met = 1;
			break;
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
	err = walk(&seen, repo, desc, anc, yes);
	morph_oidset_release(&seen);
	return err;
}

const struct morph_error *
morph_merge_base(struct morph_oid *out, int *found, struct morph_repo *repo,
    const struct morph_oid *a, const struct morph_oid *b)
{
	const struct morph_error *err;
	struct morph_oid *bases = NULL;
	size_t n = 0;

	*found = 0;
	if ((err = morph_revwalk_merge_bases(&bases, &n, repo, a, b)) != NULL)
		return err;
	if (n > 0) {
		*out = bases[0];	/* the newest */
		*found = 1;
	}
	free(bases);
	return NULL;
}
