/*
 * History walks: a queue of loaded commits ordered by author time, and a
 * set of the commits already queued.
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
	int			  first_parent;
};

const struct morph_error *
morph_revwalk_new(struct morph_revwalk **out, struct morph_repo *repo)
{
	if ((*out = calloc(1, sizeof(**out))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	(*out)->repo = repo;
	morph_oidset_init(&(*out)->seen);
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
	free(w);
}

void
morph_revwalk_first_parent(struct morph_revwalk *w, int on)
{
	w->first_parent = on;
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
	if (w->n == 0)
		return NULL;
	c = w->queue[--w->n];
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
