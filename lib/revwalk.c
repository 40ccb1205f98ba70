/*
 * History walks: a queue of loaded commits ordered by author time, a set
 * of the commits already queued and a set of the hidden ones (every
 * ancestor of a hidden commit, collected when it is hidden); and merge
 * bases, from the same sets of ancestors.
 */
#include <stdlib.h>
#include <string.h>

#include "morph/commit.h"
#include "morph/revwalk.h"
#include "oidset_int.h"
#include "repo_int.h"

struct morph_revwalk {
	struct morph_repo	 *repo;
	struct morph_commit	**queue;	/* oldest first; pop the end */
	size_t			  n;
	size_t			  cap;
	struct morph_oidset	  seen;
	struct morph_oidset	  hidden;
	int			  first_parent;
};

/* A stack of ids still to visit. */
struct stack {
	struct morph_oid	*v;
	size_t			 n;
	size_t			 cap;
};

static const struct morph_error *
stack_push(struct stack *s, const struct morph_oid *id)
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

/*
 * Adds to set every commit that the ids on the stack reach, themselves
 * included, except those already in set (their ancestors are, too); with
 * stop non-NULL, the walk does not go past a commit in stop, which is
 * added to found (when not NULL) instead.  Empties the stack.
 */
static const struct morph_error *
reach(struct morph_oidset *set, struct stack *s, struct morph_repo *repo,
    const struct morph_oidset *stop, struct stack *found)
{
	const struct morph_error *err = NULL;
	struct morph_commit *c;
	struct morph_oid id;
	size_t i;
	int added;

	while (s->n > 0 && err == NULL) {
		id = s->v[--s->n];
		if ((err = morph_oidset_add(set, &id, &added)) != NULL ||
		    !added)
			continue;
		if (stop != NULL && morph_oidset_has(stop, &id)) {
			if (found != NULL)
				err = stack_push(found, &id);
			continue;
		}
		if ((err = morph_commit_read(&c, repo, &id)) != NULL)
			break;
		for (i = 0; i < morph_commit_parent_count(c) && err == NULL;
		    i++)
			err = stack_push(s, morph_commit_parent(c, i));
		morph_commit_free(c);
	}
	s->n = 0;
	return err;
}

const struct morph_error *
morph_revwalk_new(struct morph_revwalk **out, struct morph_repo *repo)
{
	if ((*out = calloc(1, sizeof(**out))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	(*out)->repo = repo;
	morph_oidset_init(&(*out)->seen);
	morph_oidset_init(&(*out)->hidden);
	return NULL;
}

void
morph_revwalk_free(struct morph_revwalk *w)
{
	size_t i;

	if (w == NULL)
		return;
	for (i = 0; i < w->n; i++)
		morph_commit_free(w->queue[i]);
	free(w->queue);
	morph_oidset_release(&w->seen);
	morph_oidset_release(&w->hidden);
	free(w);
}

void
morph_revwalk_first_parent(struct morph_revwalk *w, int on)
{
	w->first_parent = on;
}

const struct morph_error *
morph_revwalk_hide(struct morph_revwalk *w, const struct morph_oid *id)
{
	const struct morph_error *err;
	struct stack s = { NULL, 0, 0 };

	if ((err = stack_push(&s, id)) == NULL)
		err = reach(&w->hidden, &s, w->repo, NULL, NULL);
	free(s.v);
	return err;
}

const struct morph_error *
morph_revwalk_push(struct morph_revwalk *w, const struct morph_oid *id)
{
	const struct morph_error *err;
	struct morph_commit *c, **nq;
	int64_t t;
	size_t pos;
	int added;

	if ((err = morph_oidset_add(&w->seen, id, &added)) != NULL ||
	    !added)
		return err;
	if ((err = morph_commit_read(&c, w->repo, id)) != NULL)
		return err;
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 16;

		if ((nq = realloc(w->queue, cap * sizeof(*nq))) == NULL) {
			morph_commit_free(c);
			return morph_error(MORPH_ERR_NOMEM);
		}
		w->queue = nq;
		w->cap = cap;
	}
	/* Keep the queue sorted by time; the newest is popped first. */
	t = morph_commit_author(c)->time;
	for (pos = w->n; pos > 0 &&
	    morph_commit_author(w->queue[pos - 1])->time > t; pos--)
		;
	memmove(&w->queue[pos + 1], &w->queue[pos],
	    (w->n - pos) * sizeof(*w->queue));
	w->queue[pos] = c;
	w->n++;
	return NULL;
}

const struct morph_error *
morph_revwalk_next(struct morph_commit **out, struct morph_revwalk *w)
{
	const struct morph_error *err;
	struct morph_commit *c;
	size_t i, np;

	*out = NULL;
	/* A hidden commit's parents are hidden too: they are not queued. */
	for (;;) {
		if (w->n == 0)
			return NULL;
		c = w->queue[--w->n];
		if (!morph_oidset_has(&w->hidden, morph_commit_id(c)))
			break;
		morph_commit_free(c);
	}
	np = morph_commit_parent_count(c);
	if (w->first_parent && np > 1)
		np = 1;
	for (i = 0; i < np; i++) {
		err = morph_revwalk_push(w, morph_commit_parent(c, i));
		if (err != NULL) {
			morph_commit_free(c);
			return err;
		}
	}
	*out = c;
	return NULL;
}

/* Sorts merge bases: the newest author time first, then by id. */
struct base {
	struct morph_oid	id;
	int64_t			time;
};

static int
base_cmp(const void *a, const void *b)
{
	const struct base *x = a, *y = b;

	if (x->time != y->time)
		return x->time > y->time ? -1 : 1;
	return morph_oid_cmp(&x->id, &y->id);
}

const struct morph_error *
morph_revwalk_merge_bases(struct morph_oid **out, size_t *n,
    struct morph_repo *repo, const struct morph_oid *a,
    const struct morph_oid *b)
{
	const struct morph_error *err;
	struct morph_oidset of_a, seen, below;
	struct stack s = { NULL, 0, 0 }, common = { NULL, 0, 0 };
	struct morph_commit *c = NULL;
	struct base *v = NULL;
	size_t i, j, k = 0;

	*out = NULL;
	*n = 0;
	morph_oidset_init(&of_a);
	morph_oidset_init(&seen);
	morph_oidset_init(&below);
	/*
	 * The commits of b's history first met in a's are common; what lies
	 * beyond them is common too but never best, except when another path
	 * reaches it first: those are dropped below.
	 */
	if ((err = stack_push(&s, a)) != NULL ||
	    (err = reach(&of_a, &s, repo, NULL, NULL)) != NULL ||
	    (err = stack_push(&s, b)) != NULL ||
	    (err = reach(&seen, &s, repo, &of_a, &common)) != NULL)
		goto done;
	/* A common ancestor below another is no merge base. */
	for (i = 0; i < common.n && err == NULL; i++) {
		if ((err = morph_commit_read(&c, repo, &common.v[i])) != NULL)
			break;
		for (j = 0; j < morph_commit_parent_count(c) && err == NULL;
		    j++)
			err = stack_push(&s, morph_commit_parent(c, j));
		morph_commit_free(c);
	}
	if (err != NULL || (err = reach(&below, &s, repo, NULL,
	    NULL)) != NULL)
		goto done;
	if (common.n > 0 && (v = calloc(common.n, sizeof(*v))) == NULL) {
		err = morph_error(MORPH_ERR_NOMEM);
		goto done;
	}
	for (i = 0; i < common.n && err == NULL; i++) {
		if (morph_oidset_has(&below, &common.v[i]))
			continue;
		if ((err = morph_commit_read(&c, repo, &common.v[i])) != NULL)
			break;
		v[k].id = common.v[i];
		v[k++].time = morph_commit_author(c)->time;
		morph_commit_free(c);
	}
	if (err != NULL || k == 0)
		goto done;
	qsort(v, k, sizeof(*v), base_cmp);
	if ((*out = calloc(k, sizeof(**out))) == NULL) {
		err = morph_error(MORPH_ERR_NOMEM);
		goto done;
	}
	for (i = 0; i < k; i++)
		(*out)[i] = v[i].id;
	*n = k;
done:
	free(v);
	free(s.v);
	free(common.v);
	morph_oidset_release(&of_a);
	morph_oidset_release(&seen);
	morph_oidset_release(&below);
	return err;
}

const struct morph_error *
morph_revwalk_is_ancestor(int *yes, struct morph_repo *repo,
    const struct morph_oid *anc, const struct morph_oid *desc)
{
	const struct morph_error *err;
	struct morph_oidset seen, stop;
	struct stack s = { NULL, 0, 0 }, found = { NULL, 0, 0 };

	*yes = 0;
	morph_oidset_init(&seen);
	morph_oidset_init(&stop);
	/* The walk from desc stops at anc, which it then has found. */
	if ((err = morph_oidset_add(&stop, anc, NULL)) == NULL &&
	    (err = stack_push(&s, desc)) == NULL &&
	    (err = reach(&seen, &s, repo, &stop, &found)) == NULL)
		*yes = found.n > 0;
	free(s.v);
	free(found.v);
	morph_oidset_release(&seen);
	morph_oidset_release(&stop);
	return err;
}
