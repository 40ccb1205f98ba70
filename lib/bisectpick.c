/*
 * Bisection's search: which commit to test next, as git bisect chooses it.
 *
 * The history that the bad commit and the good ones reach is loaded as a
 * graph.  The candidates are the commits the bad one reaches and no good
 * one does; the first bad commit is among them.  Testing a candidate c
 * that reaches w candidates (itself included) leaves w of them if c is
 * bad and all the others if c is good, so the best test is the untested
 * candidate with the largest min(w, N - w).  w is counted as git counts
 * it: a commit with one candidate parent reaches one more than that
 * parent, and only a merge of candidates needs its ancestors walked.
 *
 * Invariants:
 *  1. Nodes are numbered in the order they were found and never move;
 *     a parent is referred to by its number, so a walk needs no lookup.
 *  2. The choice depends only on the marks and the history: ties go to
 *     the candidate found first walking from the bad commit, parents in
 *     their order, so that a search is the same on every machine.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "morph/commit.h"
#include "bisect_int.h"

#define NONE	SIZE_MAX

/* Flags of a node. */
#define BAD_SIDE	0x01	/* the bad commit reaches it */
#define GOOD_SIDE	0x02	/* a good commit reaches it */
#define CANDIDATE	0x04	/* BAD_SIDE and not GOOD_SIDE */
#define NOT_BASE	0x08	/* a common commit has it as a parent */
#define SKIPPED		0x10
#define GOOD		0x20	/* marked good */
#define ON_STACK	0x40	/* being weighed */

struct node {
	struct morph_oid	 id;
	size_t			*parents;	/* node numbers */
	size_t			 nparents;
	unsigned int		 flags;
	size_t			 weight;	/* candidates it reaches */
	size_t			 stamp;		/* last walk that saw it */
};

struct graph {
	struct node	*v;
	size_t		 n;
	size_t		 cap;
	size_t		*slots;		/* node number + 1; 0: empty */
	size_t		 nslots;	/* a power of two */
};

static void
graph_release(struct graph *g)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		free(g->v[i].parents);
	free(g->v);
	free(g->slots);
}

static size_t
slot_of(const struct graph *g, const struct morph_oid *id)
{
	uint64_t h;

	memcpy(&h, id->id, sizeof(h));
	return (size_t)h & (g->nslots - 1);
}

static size_t
graph_find(const struct graph *g, const struct morph_oid *id)
{
	size_t s;

	if (g->nslots == 0)
		return NONE;
	for (s = slot_of(g, id); g->slots[s] != 0; s = (s + 1) &
	    (g->nslots - 1))
		if (morph_oid_cmp(&g->v[g->slots[s] - 1].id, id) == 0)
			return g->slots[s] - 1;
	return NONE;
}

/* Keeps the table at most half full. */
static const struct morph_error *
graph_grow(struct graph *g)
{
	size_t *ns, nn, i, s;

	if (g->nslots > 0 && (g->n + 1) * 2 <= g->nslots)
		return NULL;
	nn = g->nslots ? g->nslots * 2 : 64;
	if ((ns = calloc(nn, sizeof(*ns))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	free(g->slots);
	g->slots = ns;
	g->nslots = nn;
	for (i = 0; i < g->n; i++) {
		for (s = slot_of(g, &g->v[i].id); g->slots[s] != 0;
		    s = (s + 1) & (nn - 1))
			;
		g->slots[s] = i + 1;
	}
	return NULL;
}

/* The node of id, added when new. */
static const struct morph_error *
graph_add(struct graph *g, const struct morph_oid *id, size_t *out)
{
	const struct morph_error *err;
	struct node *nv;
	size_t s, cap;

	if ((*out = graph_find(g, id)) != NONE)
		return NULL;
	if ((err = graph_grow(g)) != NULL)
		return err;
	if (g->n == g->cap) {
		cap = g->cap ? g->cap * 2 : 64;
		if ((nv = realloc(g->v, cap * sizeof(*nv))) == NULL)
			return morph_error(MORPH_ERR_NOMEM);
		g->v = nv;
		g->cap = cap;
	}
	memset(&g->v[g->n], 0, sizeof(g->v[g->n]));
	g->v[g->n].id = *id;
	for (s = slot_of(g, id); g->slots[s] != 0; s = (s + 1) &
	    (g->nslots - 1))
		;
	g->slots[s] = g->n + 1;
	*out = g->n++;
	return NULL;
}

/*
 * Loads every commit that the nodes already there reach, reading each
 * once: nodes are appended as they are found, so walking the array to its
 * end is a breadth-first walk.
 */
static const struct morph_error *
graph_load(struct graph *g, struct morph_repo *repo)
{
	const struct morph_error *err;
	struct morph_commit *c;
	size_t i, k, np, p;

	for (i = 0; i < g->n; i++) {
		if ((err = morph_commit_read(&c, repo, &g->v[i].id)) != NULL)
			return err;
		np = morph_commit_parent_count(c);
		if (np > 0 && (g->v[i].parents = calloc(np,
		    sizeof(size_t))) == NULL) {
			morph_commit_free(c);
			return morph_error(MORPH_ERR_NOMEM);
		}
		for (k = 0; k < np; k++) {
			if ((err = graph_add(g, morph_commit_parent(c, k),
			    &p)) != NULL) {
				morph_commit_free(c);
				return err;
			}
			g->v[i].parents[g->v[i].nparents++] = p;
		}
		morph_commit_free(c);
	}
	return NULL;
}

/*
 * Sets flag on every node the nodes of start reach; with order not NULL,
 * lists them there breadth first (*n of them).
 */
static const struct morph_error *
reach(struct graph *g, const size_t *start, size_t nstart, unsigned int flag,
    size_t **order, size_t *n)
{
	size_t *q, head = 0, tail = 0, i, k, p;

	if ((q = calloc(g->n ? g->n : 1, sizeof(*q))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	for (i = 0; i < nstart; i++)
		if (!(g->v[start[i]].flags & flag)) {
			g->v[start[i]].flags |= flag;
			q[tail++] = start[i];
		}
	while (head < tail) {
		i = q[head++];
		for (k = 0; k < g->v[i].nparents; k++) {
			p = g->v[i].parents[k];
			if (!(g->v[p].flags & flag)) {
				g->v[p].flags |= flag;
				q[tail++] = p;
			}
		}
	}
	if (order != NULL) {
		*order = q;
		*n = tail;
	} else
		free(q);
	return NULL;
}

/*
 * The merge bases of the bad commit and the good ones: the commits both
 * sides reach that are no parent of another such commit.  The first that
 * is neither marked good nor skipped must be tested before anything else
 * (git's check_merge_bases): sets *base to it, or to NONE.  *bad_base is
 * set when the bad commit is itself a merge base.
 */
static void
merge_base(const struct graph *g, size_t bad, const size_t *order, size_t n,
    size_t *base, int *bad_base)
{
	const unsigned int both = BAD_SIDE | GOOD_SIDE;
	size_t i, k, c;

	*base = NONE;
	*bad_base = 0;
	for (i = 0; i < n; i++) {
		c = order[i];
		if ((g->v[c].flags & both) != both)
			continue;
		for (k = 0; k < g->v[c].nparents; k++)
			g->v[g->v[c].parents[k]].flags |= NOT_BASE;
	}
	for (i = 0; i < n; i++) {
		c = order[i];
		if ((g->v[c].flags & both) != both ||
		    (g->v[c].flags & NOT_BASE))
			continue;
		if (c == bad) {
			*bad_base = 1;
			return;
		}
		if (*base == NONE && !(g->v[c].flags & (GOOD | SKIPPED)))
			*base = c;
	}
}

/* The number of candidates c reaches, itself included: a walk. */
static size_t
count_reached(struct graph *g, size_t c, size_t stamp, size_t *stack)
{
	size_t top = 0, count = 0, i, k, p;

	stack[top++] = c;
	g->v[c].stamp = stamp;
	while (top > 0) {
		i = stack[--top];
		count++;
		for (k = 0; k < g->v[i].nparents; k++) {
			p = g->v[i].parents[k];
			if ((g->v[p].flags & CANDIDATE) &&
			    g->v[p].stamp != stamp) {
				g->v[p].stamp = stamp;
				stack[top++] = p;
			}
		}
	}
	return count;
}

/*
 * Weighs every candidate, parents before children: a depth-first walk
 * that weighs a node once all its candidate parents are weighed (a weight
 * of 0 is one not known yet).
 */
static const struct morph_error *
weigh(struct graph *g, const size_t *cand, size_t ncand)
{
	size_t *stack, *next, *walk, top, i, k, c, p, np, only, stamp = 0;

	stack = calloc(ncand, sizeof(*stack));
	next = calloc(ncand, sizeof(*next));
	walk = calloc(ncand, sizeof(*walk));
	if (stack == NULL || next == NULL || walk == NULL) {
		free(stack);
		free(next);
		free(walk);
		return morph_error(MORPH_ERR_NOMEM);
	}
	for (i = 0; i < ncand; i++) {
		if (g->v[cand[i]].weight != 0)
			continue;
		top = 0;
		g->v[cand[i]].flags |= ON_STACK;
		stack[top] = cand[i];
		next[top++] = 0;
		while (top > 0) {
			c = stack[top - 1];
			if (next[top - 1] < g->v[c].nparents) {
				p = g->v[c].parents[next[top - 1]++];
				if ((g->v[p].flags & (CANDIDATE | ON_STACK)) ==
				    CANDIDATE && g->v[p].weight == 0) {
					g->v[p].flags |= ON_STACK;
					stack[top] = p;
					next[top++] = 0;
				}
				continue;
			}
			np = 0;
			only = NONE;
			for (k = 0; k < g->v[c].nparents; k++) {
				p = g->v[c].parents[k];
				if (g->v[p].flags & CANDIDATE) {
					np++;
					only = p;
				}
			}
			if (np == 0)
				g->v[c].weight = 1;
			else if (np == 1)
				g->v[c].weight = g->v[only].weight + 1;
			else
				g->v[c].weight = count_reached(g, c, ++stamp,
				    walk);
			g->v[c].flags &= ~ON_STACK;
			top--;
		}
	}
	free(stack);
	free(next);
	free(walk);
	return NULL;
}

/* How many tests tell n possibilities apart. */
static int
tests_for(size_t n)
{
	int s = 0;

	while (s < 63 && ((size_t)1 << s) < n)
		s++;
	return s;
}

/* The first bad commit is one of these: the bad one, the skipped ones. */
static const struct morph_error *
list_possible(struct morph_bisect_next *out, const struct graph *g,
    size_t bad, const size_t *cand, size_t ncand)
{
	size_t i;

	if ((out->possible = calloc(ncand, sizeof(*out->possible))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	out->possible[out->npossible++] = g->v[bad].id;
	for (i = 0; i < ncand; i++)
		if (cand[i] != bad && (g->v[cand[i]].flags & SKIPPED))
			out->possible[out->npossible++] = g->v[cand[i]].id;
	return NULL;
}

/* With the graph loaded and marked: where the search stands. */
static const struct morph_error *
decide(struct morph_bisect_next *out, struct graph *g, size_t bad,
    const size_t *goods, size_t ngood)
{
	const struct morph_error *err;
	size_t *order = NULL, *cand = NULL, norder = 0, ncand = 0;
	size_t untested = 0;
	size_t i, c, w, d, best = NONE, bestd = 0, base;
	int bad_base;

	if ((err = reach(g, &bad, 1, BAD_SIDE, &order, &norder)) != NULL ||
	    (err = reach(g, goods, ngood, GOOD_SIDE, NULL, NULL)) != NULL)
		goto done;
	if ((cand = calloc(norder, sizeof(*cand))) == NULL) {
		err = morph_error(MORPH_ERR_NOMEM);
		goto done;
	}
	for (i = 0; i < norder; i++) {
		c = order[i];
		if (g->v[c].flags & GOOD_SIDE)
			continue;
		g->v[c].flags |= CANDIDATE;
		cand[ncand++] = c;
		untested += c != bad && !(g->v[c].flags & SKIPPED);
	}
	out->left = ncand;
	merge_base(g, bad, order, norder, &base, &bad_base);
	if (bad_base) {
		out->state = MORPH_BISECT_BASE_BAD;
		out->commit = g->v[bad].id;
		goto done;
	}
	if (base != NONE) {
		out->state = MORPH_BISECT_TEST_BASE;
		out->commit = g->v[base].id;
		goto done;
	}
	if (untested == 0) {
		out->commit = g->v[bad].id;
		if (ncand == 1)
			out->state = MORPH_BISECT_FOUND;
		else {
			out->state = MORPH_BISECT_SKIPPED;
			err = list_possible(out, g, bad, cand, ncand);
		}
		goto done;
	}
	if ((err = weigh(g, cand, ncand)) != NULL)
		goto done;
	for (i = 0; i < ncand; i++) {
		c = cand[i];
		if (c == bad || (g->v[c].flags & SKIPPED))
			continue;
		w = g->v[c].weight;
		d = w < ncand - w ? w : ncand - w;
		if (best == NONE || d > bestd) {
			best = c;
			bestd = d;
		}
	}
	/* best reaches w candidates and never the bad one: w < ncand. */
	w = g->v[best].weight;
	out->state = MORPH_BISECT_TEST;
	out->commit = g->v[best].id;
	out->after = w - 1 > ncand - w - 1 ? w - 1 : ncand - w - 1;
	out->steps = tests_for(out->after + 1);
done:
	free(order);
	free(cand);
	return err;
}

const struct morph_error *
morph_bisect_pick(struct morph_bisect_next *out, struct morph_repo *repo,
    const struct morph_oid *bad, const struct morph_oid *good, size_t ngood,
    const struct morph_oid *skip, size_t nskip)
{
	const struct morph_error *err;
	struct graph g;
	size_t *goods = NULL, b, i, x;

	memset(out, 0, sizeof(*out));
	if (bad == NULL) {
		out->state = MORPH_BISECT_NEED_BAD;
		return NULL;
	}
	if (ngood == 0) {
		out->state = MORPH_BISECT_NEED_GOOD;
		return NULL;
	}
	memset(&g, 0, sizeof(g));
	if ((goods = calloc(ngood, sizeof(*goods))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	/* The bad commit first: node 0, where the tie-breaking walk starts. */
	if ((err = graph_add(&g, bad, &b)) != NULL)
		goto done;
	for (i = 0; i < ngood; i++)
		if ((err = graph_add(&g, &good[i], &goods[i])) != NULL)
			goto done;
	if ((err = graph_load(&g, repo)) != NULL)
		goto done;
	for (i = 0; i < ngood; i++)
		g.v[goods[i]].flags |= GOOD;
	for (i = 0; i < nskip; i++)
		if ((x = graph_find(&g, &skip[i])) != NONE)
			g.v[x].flags |= SKIPPED;
	err = decide(out, &g, b, goods, ngood);
done:
	if (err != NULL)
		morph_bisect_next_release(out);
	graph_release(&g);
	free(goods);
	return err;
}
