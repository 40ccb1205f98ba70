/*
 * The trend of a branch (report_trend.h): the first-parent history is
 * walked newest first; each commit's run is read once, streaming, into
 * per-model accumulators, of which only the three figures are kept; at
 * the end the commits are turned oldest first and the figures laid out
 * in a matrix over the sorted model ids.
 *
 * Invariants:
 *  1. models holds each model id seen in any run once, in the order
 *     first seen; a row refers to models by their index there.
 *  2. acc holds the models of the run being read only, and is emptied
 *     (its latencies freed) once the run's row is made.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "morph/commit.h"
#include "morph/revparse.h"
#include "morph/revwalk.h"
#include "morph/run.h"
#include "morph/stats.h"
#include "report_trend.h"

/* What one model of the run being read has so far. */
struct acc {
	size_t		 model;		/* index in models */
	int64_t		 asserted;
	int64_t		 passed;
	int64_t		 priced;
	int64_t		 cost_nusd;
	int64_t		*lat;		/* of its answered calls */
	size_t		 nlat;
	size_t		 caplat;
};

/* A commit with a run: its figures for the models of that run. */
struct row {
	char			*commit;
	char			*subject;
	size_t			 n;
	size_t			*model;	/* indices in models */
	struct morph_trend_point *pt;
};

struct walk {
	char		**models;
	size_t		  nmodels;
	size_t		  capmodels;
	struct row	 *rows;		/* newest first */
	size_t		  nrows;
	size_t		  caprows;
	struct acc	 *acc;
	size_t		  nacc;
	size_t		  capacc;
	size_t		  last;	/* the acc of the last result */
};

/*
 * The array v of n items of size bytes (room for *cap) with room for one
 * more: v itself, or moved; NULL, v untouched, when memory runs out.
 */
static void *
grow(void *v, size_t n, size_t *cap, size_t size)
{
	void *nv;
	size_t c;

	if (n < *cap)
		return v;
	c = *cap ? *cap * 2 : 16;
	if (c > SIZE_MAX / size || (nv = realloc(v, c * size)) == NULL)
		return NULL;
	*cap = c;
	return nv;
}

/* The index of model id in models, added if new. */
static const struct morph_error *
model_index(size_t *out, struct walk *w, const char *id)
{
	char **nv;
	size_t i;

	for (i = 0; i < w->nmodels; i++)
		if (strcmp(w->models[i], id) == 0) {
			*out = i;
			return NULL;
		}
	if ((nv = grow(w->models, w->nmodels, &w->capmodels,
	    sizeof(*nv))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	w->models = nv;
	if ((w->models[w->nmodels] = strdup(id)) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	*out = w->nmodels++;
	return NULL;
}

/*
 * The accumulator of model id in the run being read.  Results come in
 * (prompt, case, model) order, so the models take turns: a scan of the
 * run's few models, starting with the last one's, finds it.
 */
static const struct morph_error *
acc_of(struct acc **out, struct walk *w, const char *id)
{
	const struct morph_error *err;
	struct acc *nv;
	size_t i, m = 0;

	if (w->last < w->nacc &&
	    strcmp(w->models[w->acc[w->last].model], id) == 0) {
		*out = &w->acc[w->last];
		return NULL;
	}
	for (i = 0; i < w->nacc; i++)
		if (strcmp(w->models[w->acc[i].model], id) == 0) {
			*out = &w->acc[w->last = i];
			return NULL;
		}
	if ((err = model_index(&m, w, id)) != NULL)
		return err;
	if ((nv = grow(w->acc, w->nacc, &w->capacc, sizeof(*nv))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	w->acc = nv;
	memset(&w->acc[w->nacc], 0, sizeof(w->acc[0]));
	w->acc[w->nacc].model = m;
	*out = &w->acc[w->last = w->nacc++];
	return NULL;
}

static const struct morph_error *
add_result(const struct morph_result *r, void *arg)
{
	const struct morph_error *err;
	struct walk *w = arg;
	struct acc *a = NULL;
	int64_t *nv;

	if ((err = acc_of(&a, w, r->model != NULL ? r->model : "")) != NULL)
		return err;
	if (r->pass >= 0) {
		a->asserted++;
		a->passed += r->pass > 0;
	}
	if (r->cost_nusd >= 0) {
		a->priced++;
		a->cost_nusd += r->cost_nusd;
	}
	if (r->status != NULL && strcmp(r->status, "ok") == 0 &&
	    r->latency_ms >= 0) {
		if ((nv = grow(a->lat, a->nlat, &a->caplat,
		    sizeof(*nv))) == NULL)
			return morph_error(MORPH_ERR_NOMEM);
		a->lat = nv;
		a->lat[a->nlat++] = r->latency_ms;
	}
	return NULL;
}

static int
cmp_i64(const void *pa, const void *pb)
{
	int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;

	return a < b ? -1 : a > b;
}

static void
acc_clear(struct walk *w)
{
	size_t i;

	for (i = 0; i < w->nacc; i++)
		free(w->acc[i].lat);
	w->nacc = 0;
	w->last = 0;
}

/* The figures of the run just read, into row r; empties acc. */
static const struct morph_error *
row_figures(struct row *r, struct walk *w)
{
	struct morph_trend_point *pt;
	struct acc *a = NULL;
	size_t i;

	r->n = w->nacc;
	if ((r->model = calloc(w->nacc + 1, sizeof(*r->model))) == NULL ||
	    (r->pt = calloc(w->nacc + 1, sizeof(*r->pt))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	for (i = 0; i < w->nacc; i++) {
		a = &w->acc[i];
		pt = &r->pt[i];
		r->model[i] = a->model;
		pt->rate = a->asserted > 0 ?
		    (double)a->passed / (double)a->asserted : NAN;
		pt->cost_per_call_usd = a->priced > 0 ?
		    (double)a->cost_nusd / (double)a->priced / 1e9 : NAN;
		pt->p95_ms = NAN;
		if (a->nlat > 0) {
			qsort(a->lat, a->nlat, sizeof(*a->lat), cmp_i64);
			pt->p95_ms = (double)morph_stats_nearest_rank(a->lat,
			    a->nlat, 0.95);
		}
	}
	acc_clear(w);
	return NULL;
}

/* Which run of a commit stands for it: as morph_run_find picks. */
struct pick {
	int	 found;
	int	 sealed;
	int64_t	 num;
};

static const struct morph_error *
pick_run(const struct morph_run_info *ri, void *arg)
{
	struct pick *p = arg;

	/* Newest first: the first of its kind is the newest. */
	if (ri->worktree || (p->found && (p->sealed || !ri->is_sealed)))
		return NULL;
	p->found = 1;
	p->sealed = ri->is_sealed;
	p->num = ri->num;
	return NULL;
}

/* Adds the row of commit c if it has a run. */
static const struct morph_error *
add_commit(struct walk *w, struct morph_repo *repo,
    const struct morph_commit *c)
{
	const struct morph_error *err;
	const char *msg = morph_commit_message(c);
	char hex[MORPH_OID_HEXSZ + 1];
	struct pick p = { 0, 0, 0 };
	struct row *r, *nv;

	if ((err = morph_runs_foreach(repo, morph_commit_id(c), pick_run,
	    &p)) != NULL)
		return morph_error_wrap(err, "cannot list the runs of %s",
		    morph_oid_tostr(morph_commit_id(c)));
	if (!p.found)
		return NULL;
	if ((err = morph_run_results(repo, p.num, add_result, w)) != NULL) {
		acc_clear(w);
		return morph_error_wrap(err, "cannot read run #%lld of %s",
		    (long long)p.num, morph_oid_tostr(morph_commit_id(c)));
	}
	if ((nv = grow(w->rows, w->nrows, &w->caprows, sizeof(*nv))) ==
	    NULL) {
		acc_clear(w);
		return morph_error(MORPH_ERR_NOMEM);
	}
	w->rows = nv;
	r = &w->rows[w->nrows++];
	memset(r, 0, sizeof(*r));
	morph_oid_fmt(hex, morph_commit_id(c));
	hex[MORPH_TREND_SHORT_ID] = '\0';
	if ((r->commit = strdup(hex)) == NULL ||
	    (r->subject = strndup(msg, strcspn(msg, "\n"))) == NULL) {
		acc_clear(w);
		return morph_error(MORPH_ERR_NOMEM);
	}
	return row_figures(r, w);
}

/* The models in the order of their ids, for qsort. */
static int
cmp_str(const void *pa, const void *pb)
{
	return strcmp(*(char *const *)pa, *(char *const *)pb);
}

/*
 * Makes *t of the walk: commits oldest first, models sorted, points
 * NAN where a model had no run.  Takes the strings of w.
 */
static const struct morph_error *
make_trend(struct morph_trend *t, struct walk *w)
{
	size_t *rank, i, j, k, m;
	struct row *r;
	char **sorted;

	t->ncommits = w->nrows;
	t->nmodels = w->nmodels;
	if ((t->commits = calloc(w->nrows + 1, sizeof(char *))) == NULL ||
	    (t->subjects = calloc(w->nrows + 1, sizeof(char *))) == NULL ||
	    (t->models = calloc(w->nmodels + 1, sizeof(char *))) == NULL ||
	    (t->points = calloc(w->nrows * w->nmodels + 1,
	    sizeof(*t->points))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	if ((sorted = calloc(w->nmodels + 1, sizeof(*sorted))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	if ((rank = calloc(w->nmodels + 1, sizeof(*rank))) == NULL) {
		free(sorted);
		return morph_error(MORPH_ERR_NOMEM);
	}
	if (w->nmodels > 0) {
		memcpy(sorted, w->models, w->nmodels * sizeof(*sorted));
		qsort(sorted, w->nmodels, sizeof(*sorted), cmp_str);
	}
	/* Ids are distinct: a model's rank is where its pointer went. */
	for (j = 0; j < w->nmodels; j++)
		for (m = 0; m < w->nmodels; m++)
			if (w->models[m] == sorted[j])
				rank[m] = j;
	for (j = 0; j < w->nmodels; j++) {
		t->models[j] = sorted[j];
		w->models[j] = NULL;
	}
	free(sorted);
	for (i = 0; i < w->nrows * w->nmodels; i++)
		t->points[i].rate = t->points[i].cost_per_call_usd =
		    t->points[i].p95_ms = NAN;
	for (i = 0; i < w->nrows; i++) {
		r = &w->rows[w->nrows - 1 - i];
		t->commits[i] = r->commit;
		t->subjects[i] = r->subject;
		r->commit = r->subject = NULL;
		for (k = 0; k < r->n; k++)
			t->points[i * w->nmodels + rank[r->model[k]]] =
			    r->pt[k];
	}
	free(rank);
	return NULL;
}

static void
walk_release(struct walk *w)
{
	size_t i;

	acc_clear(w);
	free(w->acc);
	for (i = 0; i < w->nmodels; i++)
		free(w->models[i]);
	free(w->models);
	for (i = 0; i < w->nrows; i++) {
		free(w->rows[i].commit);
		free(w->rows[i].subject);
		free(w->rows[i].model);
		free(w->rows[i].pt);
	}
	free(w->rows);
}

const struct morph_error *
morph_trend_new(struct morph_trend **out, struct morph_repo *repo,
    const char *rev, size_t max)
{
	const struct morph_error *err;
	struct morph_revwalk *rw = NULL;
	struct morph_commit *c;
	struct morph_trend *t = NULL;
	struct morph_oid id;
	struct walk w;
	size_t walked = 0;

	*out = NULL;
	memset(&w, 0, sizeof(w));
	if ((err = morph_revparse_type(&id, repo, rev,
	    MORPH_OBJ_COMMIT)) != NULL)
		return err;
	if ((err = morph_revwalk_new(&rw, repo)) != NULL)
		goto done;
	morph_revwalk_first_parent(rw, 1);
	if ((err = morph_revwalk_push(rw, &id)) != NULL)
		goto done;
	while (max == 0 || walked < max) {
		if ((err = morph_revwalk_next(&c, rw)) != NULL)
			goto done;
		if (c == NULL)
			break;
		walked++;
		err = add_commit(&w, repo, c);
		morph_commit_free(c);
		if (err != NULL)
			goto done;
	}
	if ((t = calloc(1, sizeof(*t))) == NULL) {
		err = morph_error(MORPH_ERR_NOMEM);
		goto done;
	}
	if ((err = make_trend(t, &w)) != NULL)
		goto done;
	*out = t;
	t = NULL;
done:
	morph_trend_free(t);
	morph_revwalk_free(rw);
	walk_release(&w);
	return err;
}

void
morph_trend_free(struct morph_trend *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; t->commits != NULL && i < t->ncommits; i++)
		free(t->commits[i]);
	for (i = 0; t->subjects != NULL && i < t->ncommits; i++)
		free(t->subjects[i]);
	for (i = 0; t->models != NULL && i < t->nmodels; i++)
		free(t->models[i]);
	free(t->commits);
	free(t->subjects);
	free(t->models);
	free(t->points);
	free(t);
}
