/*
 * Comparing models on the pooled results of runs (see
 * include/morph/compare.h).
 *
 * Invariants:
 *  1. Every result becomes one small record naming its prompt, model and
 *     case by index into tables of interned strings; the strings live as
 *     long as the comparison.
 *  2. Records are sorted by (group, model, prompt name, case name), so a
 *     row is a run of records and its cases come in the order select.c
 *     pairs them in.
 *  3. A group's rows are sorted by cost per call, unpriced last; the
 *     frontier and the oracle are computed on that order.
 *  4. The rule's strings (baseline, and the globs and models of its
 *     per-prompt baselines) are copies the comparison owns, so that it
 *     outlives the suite it read them from.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "morph/commit.h"
#include "morph/compare.h"
#include "morph/refs.h"
#include "morph/select.h"
#include "morph/stats.h"
#include "repo_int.h"
#include "suite_int.h"

#include <cjson/cJSON.h>
#include <xxhash.h>

/*
 * A table of names (prompts, models, case ids), each kept once and
 * numbered in order of arrival.  A run of many thousand cases looks a
 * case id up once a result: an open-addressing index by hash finds it
 * in constant time.
 */
struct names {
	char	**v;
	size_t	  n, cap;
	size_t	  last;		/* the last one found: results repeat it */
	uint32_t *slot;		/* nslot entries: 1 + index into v, 0 free */
	size_t	  nslot;	/* a power of two, more than twice n */
	size_t	 *rank;		/* order by name, after reading */
};

struct rec {
	uint32_t	prompt, model, ccase;
	/* Its sort key, set once the names are ranked (invariant 2). */
	uint32_t	key[4];		/* group, model, prompt, case */
	int		pass;		/* 1, 0, -1: no assertions */
	int		error;
	double		score;		/* -1: no assertions */
	int64_t		cost;		/* -1: unpriced */
	int64_t		latency;	/* -1: not answered */
};

struct morph_compare {
	struct morph_compare_opts	 opts;
	struct morph_run_info		*runs;
	size_t				 nruns;
	struct names			 prompts, models, cases;
	struct rec			*recs;
	size_t				 nrecs, caprecs;
	struct morph_compare_row	*rows;
	size_t				 nrows;
	struct morph_compare_case	*cases_v;	/* rows point in */
	struct morph_compare_group	*groups;
	size_t				 ngroups;
	struct morph_select_rule	 rule;
	char				*baseline;	/* rule.baseline */
	struct morph_select_baseline	*baselines;	/* rule.baselines */
	char				*current;
};

/* Where s is in the index, or the free slot where it would go. */
static size_t
names_slot(const struct names *t, const char *s)
{
	size_t i = (size_t)XXH3_64bits(s, strlen(s)) & (t->nslot - 1);

	while (t->slot[i] != 0 && strcmp(t->v[t->slot[i] - 1], s) != 0)
		i = (i + 1) & (t->nslot - 1);
	return i;
}

/* Doubles the index (or makes its first 64 slots). */
static const struct morph_error *
names_grow(struct names *t)
{
	uint32_t *old = t->slot;
	size_t i, nold = t->nslot;

	t->nslot = nold ? 2 * nold : 64;
	if ((t->slot = calloc(t->nslot, sizeof(*t->slot))) == NULL) {
		t->slot = old;
		t->nslot = nold;
		return morph_error(MORPH_ERR_NOMEM);
	}
	for (i = 0; i < nold; i++)
		if (old[i] != 0)
			t->slot[names_slot(t, t->v[old[i] - 1])] = old[i];
	free(old);
	return NULL;
}

static const struct morph_error *
intern(uint32_t *out, struct names *t, const char *s)
{
	const struct morph_error *err;
	char **nv;
	size_t i, cap;

	if (t->n > 0 && strcmp(t->v[t->last], s) == 0) {
		*out = (uint32_t)t->last;
		return NULL;
	}
	if (t->n >= UINT32_MAX - 1)
		return morph_error_fmt(MORPH_ERR_UNSUPPORTED, "more than %u names",
		    UINT32_MAX - 1);
	if (2 * (t->n + 1) >= t->nslot && (err = names_grow(t)) != NULL)
		return err;
	i = names_slot(t, s);
	if (t->slot[i] != 0) {
		t->last = t->slot[i] - 1;
		*out = (uint32_t)t->last;
		return NULL;
	}
	if (t->n == t->cap) {
		cap = t->cap ? t->cap * 2 : 16;
		if ((nv = realloc(t->v, cap * sizeof(*nv))) == NULL)
			return morph_error(MORPH_ERR_NOMEM);
		t->v = nv;
		t->cap = cap;
	}
	if ((t->v[t->n] = strdup(s)) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	t->slot[i] = (uint32_t)(t->n + 1);
	t->last = t->n;
	*out = (uint32_t)t->n++;
	return NULL;
}

static void
names_free(struct names *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->v[i]);
	free(t->v);
	free(t->slot);
	free(t->rank);
}

/* A name and where it is in its table, for ranking by name. */
struct ranked {
	const char	*name;
	size_t		 index;
};

static int
cmp_ranked(const void *a, const void *b)
{
	return strcmp(((const struct ranked *)a)->name,
	    ((const struct ranked *)b)->name);
}

/* t->rank[i]: where name i comes in bytewise order. */
static const struct morph_error *
rank_names(struct names *t)
{
	struct ranked *order;
	size_t i;

	if ((t->rank = calloc(t->n + 1, sizeof(*t->rank))) == NULL ||
	    (order = calloc(t->n + 1, sizeof(*order))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	for (i = 0; i < t->n; i++) {
		order[i].name = t->v[i];
		order[i].index = i;
	}
	qsort(order, t->n, sizeof(*order), cmp_ranked);
	for (i = 0; i < t->n; i++)
		t->rank[order[i].index] = i;
	free(order);
	return NULL;
}

/*
 * The score of a result: the weighted mean of its verdicts' scores, as
 * morph eval weighs them; -1 without verdicts.
 */
static double
result_score(const char *verdicts)
{
	cJSON *doc, *v, *s, *w;
	double sum = 0, wsum = 0, weight;

	if (verdicts == NULL || (doc = cJSON_Parse(verdicts)) == NULL)
		return -1;
	cJSON_ArrayForEach(v, doc) {
		s = cJSON_GetObjectItemCaseSensitive(v, "score");
		w = cJSON_GetObjectItemCaseSensitive(v, "weight");
		weight = cJSON_IsNumber(w) ? w->valuedouble : 1;
		if (!cJSON_IsNumber(s) || weight <= 0)
			continue;
		sum += weight * s->valuedouble;
		wsum += weight;
	}
	cJSON_Delete(doc);
	return wsum > 0 ? sum / wsum : -1;
}

static const struct morph_error *
add_result(const struct morph_result *r, void *arg)
{
	struct morph_compare *cmp = arg;
	const struct morph_error *err;
	struct rec *nv, *rec;
	size_t cap;

	if (cmp->nrecs == cmp->caprecs) {
		cap = cmp->caprecs ? cmp->caprecs * 2 : 256;
		if ((nv = realloc(cmp->recs, cap * sizeof(*nv))) == NULL)
			return morph_error(MORPH_ERR_NOMEM);
		cmp->recs = nv;
		cmp->caprecs = cap;
	}
	rec = &cmp->recs[cmp->nrecs];
	if ((err = intern(&rec->prompt, &cmp->prompts, r->prompt)) != NULL ||
	    (err = intern(&rec->model, &cmp->models, r->model)) != NULL ||
	    (err = intern(&rec->ccase, &cmp->cases, r->case_id)) != NULL)
		return err;
	rec->error = strcmp(r->status, "ok") != 0;
	rec->pass = r->pass;
	rec->score = rec->pass < 0 ? -1 : rec->error ? 0 :
	    result_score(r->verdicts);
	if (rec->pass >= 0 && rec->score < 0)
		rec->score = rec->pass;
	rec->cost = r->cost_nusd;
	rec->latency = rec->error ? -1 : r->latency_ms;
	cmp->nrecs++;
	return NULL;
}

static uint32_t
group_of(const struct morph_compare *cmp, const struct rec *r)
{
	return cmp->opts.total ? 0 : (uint32_t)cmp->prompts.rank[r->prompt];
}

static int
cmp_rec(const void *pa, const void *pb)
{
	const struct rec *a = pa, *b = pb;
	int i;

	for (i = 0; i < 4; i++)
		if (a->key[i] != b->key[i])
			return a->key[i] < b->key[i] ? -1 : 1;
	return 0;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* Cheaper first; unpriced last, by id among themselves. */
static int
cmp_row_cost(const void *pa, const void *pb)
{
	const struct morph_compare_row *a = pa, *b = pb;

	if ((a->cost_per_call < 0) != (b->cost_per_call < 0))
		return a->cost_per_call < 0 ? 1 : -1;
	if (a->cost_per_call != b->cost_per_call)
		return a->cost_per_call < b->cost_per_call ? -1 : 1;
	return strcmp(a->model, b->model);
}

/* Fills the row of records [lo, hi) and its cases (from *nc on). */
static const struct morph_error *
make_row(struct morph_compare *cmp, struct morph_compare_row *row,
    size_t lo, size_t hi, size_t *nc)
{
	struct morph_compare_case *cs = NULL;
	struct morph_stats_cluster cl;
	const struct rec *r;
	int64_t *lat;
	int *kv, *nv;
	size_t i, nlat = 0, first = *nc, ncs;
	double score = 0;
	int64_t scored = 0;

	r = &cmp->recs[lo];
	memset(row, 0, sizeof(*row));
	row->prompt = cmp->opts.total ? NULL : cmp->prompts.v[r->prompt];
	row->model = cmp->models.v[r->model];
	if ((lat = calloc(hi - lo, sizeof(*lat))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	for (i = lo; i < hi; i++) {
		r = &cmp->recs[i];
		if (i == lo || r->prompt != r[-1].prompt ||
		    r->ccase != r[-1].ccase) {
			cs = &cmp->cases_v[(*nc)++];
			memset(cs, 0, sizeof(*cs));
			cs->prompt = cmp->prompts.v[r->prompt];
			cs->case_id = cmp->cases.v[r->ccase];
		}
		row->results++;
		cs->calls++;
		row->errors += r->error;
		if (r->pass >= 0) {
			row->asserted++;
			row->passed += r->pass;
			cs->n++;
			cs->k += r->pass;
			score += r->score;
			scored++;
		}
		if (r->cost >= 0) {
			row->cost_nusd += r->cost;
			row->priced++;
			cs->cost_nusd += r->cost;
			cs->priced++;
		} else
			row->unpriced++;
		if (r->latency >= 0)
			lat[nlat++] = r->latency;
	}
	qsort(lat, nlat, sizeof(*lat), cmp_i64);
	row->p50_ms = morph_stats_nearest_rank(lat, nlat, 0.50);
	row->p95_ms = morph_stats_nearest_rank(lat, nlat, 0.95);
	row->latencies = lat;		/* freed with the rows */
	row->nlatencies = nlat;
	row->score = scored > 0 ? score / (double)scored : -1;
	row->cost_per_call = row->priced > 0 && row->unpriced == 0 ?
	    (double)row->cost_nusd / (double)row->priced : -1;
	row->cases = &cmp->cases_v[first];
	row->ncases = ncs = *nc - first;
	if ((kv = calloc(ncs + 1, sizeof(*kv))) == NULL ||
	    (nv = calloc(ncs + 1, sizeof(*nv))) == NULL) {
		free(kv);
		return morph_error(MORPH_ERR_NOMEM);
	}
	for (i = 0; i < ncs; i++) {
		kv[i] = row->cases[i].k;
		nv[i] = row->cases[i].n;
		if (nv[i] > 1)
			row->repeated = 1;
	}
	morph_stats_cluster(&cl, kv, nv, ncs);
	free(kv);
	free(nv);
	row->rate = cl.rate;
	row->neff = cl.neff;
	morph_stats_wilson(&row->lo, &row->hi, cl.rate < 0 ? 0 :
	    cl.rate * cl.neff, cl.neff, cmp->opts.confidence);
	return NULL;
}

/*
 * Whether a is at least as good as b on quality (pass rate), cost and
 * latency (p50), and better on one.  No cost (unpriced) or no latency is
 * worse than any.
 */
static int
dominates(const struct morph_compare_row *a, const struct morph_compare_row *b)
{
	double ca = a->cost_per_call < 0 ? HUGE_VAL : a->cost_per_call;
	double cb = b->cost_per_call < 0 ? HUGE_VAL : b->cost_per_call;
	double la = a->p50_ms < 0 ? HUGE_VAL : (double)a->p50_ms;
	double lb = b->p50_ms < 0 ? HUGE_VAL : (double)b->p50_ms;

	if (a->rate < b->rate || ca > cb || la > lb)
		return 0;
	return a->rate > b->rate || ca < cb || la < lb;
}

/* One case of the oracle's list: a row's result on it. */
struct oracle_entry {
	const char	*prompt;
	const char	*case_id;
	int		 passes;	/* every sample passed */
	double		 cost;		/* a call; -1: unpriced */
};

static int
cmp_entry(const void *pa, const void *pb)
{
	const struct oracle_entry *a = pa, *b = pb;
	int c;

	if ((c = strcmp(a->prompt, b->prompt)) != 0)
		return c;
	return strcmp(a->case_id, b->case_id);
}

static const struct morph_error *
oracle(struct morph_compare_group *g)
{
	struct oracle_entry *v;
	size_t n = 0, i, j, r, c;
	double best, anyc, sum = 0;
	int64_t costed = 0;
	int passed;

	for (r = 0; r < g->nrows; r++)
		n += g->rows[r].ncases;
	if ((v = calloc(n + 1, sizeof(*v))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	n = 0;
	for (r = 0; r < g->nrows; r++)
		for (c = 0; c < g->rows[r].ncases; c++) {
			const struct morph_compare_case *cs =
			    &g->rows[r].cases[c];

			v[n].prompt = cs->prompt;
			v[n].case_id = cs->case_id;
			v[n].passes = cs->n > 0 && cs->k == cs->n;
			v[n].cost = cs->priced > 0 && cs->priced == cs->calls ?
			    (double)cs->cost_nusd / (double)cs->priced : -1;
			n++;
		}
	qsort(v, n, sizeof(*v), cmp_entry);
	for (i = 0; i < n; i = j) {
		best = anyc = HUGE_VAL;
		passed = 0;
		for (j = i; j < n && cmp_entry(&v[i], &v[j]) == 0; j++) {
			if (v[j].passes)
				passed = 1;
			if (v[j].cost < 0)
				continue;
			if (v[j].passes && v[j].cost < best)
				best = v[j].cost;
			if (v[j].cost < anyc)
				anyc = v[j].cost;
		}
		g->cases++;
		g->oracle_passed += passed;
		if (best == HUGE_VAL && !passed)
			best = anyc;
		if (best != HUGE_VAL) {
			sum += best;
			costed++;
		}
	}
	free(v);
	g->oracle_cost = costed > 0 && costed == g->cases ?
	    sum / (double)costed : -1;
	return NULL;
}

static const struct morph_error *
build(struct morph_compare *cmp)
{
	const struct morph_error *err;
	struct morph_compare_row *rows;
	struct morph_compare_group *g;
	struct rec *rec;
	const char *current;
	size_t i, j, nc = 0, r, s, gi;
	size_t nrows = 0, ncases = 0, ngroups = 0;

	if ((err = rank_names(&cmp->prompts)) != NULL ||
	    (err = rank_names(&cmp->models)) != NULL ||
	    (err = rank_names(&cmp->cases)) != NULL)
		return err;
	for (i = 0; i < cmp->nrecs; i++) {
		rec = &cmp->recs[i];
		rec->key[0] = group_of(cmp, rec);
		rec->key[1] = (uint32_t)cmp->models.rank[rec->model];
		rec->key[2] = (uint32_t)cmp->prompts.rank[rec->prompt];
		rec->key[3] = (uint32_t)cmp->cases.rank[rec->ccase];
	}
	qsort(cmp->recs, cmp->nrecs, sizeof(*cmp->recs), cmp_rec);
	/*
	 * As many rows as (group, model) pairs, cases as (row, prompt,
	 * case) and groups as groups: counted, not taken as one a record,
	 * so that a run of many results holds no arrays as long as it.
	 */
	for (i = 0; i < cmp->nrecs; i++) {
		rec = &cmp->recs[i];
		if (i == 0 || rec->key[0] != rec[-1].key[0])
			ngroups++;
		if (i == 0 || rec->key[0] != rec[-1].key[0] ||
		    rec->model != rec[-1].model)
			nrows++;
		if (i == 0 || rec->key[0] != rec[-1].key[0] ||
		    rec->model != rec[-1].model ||
		    rec->prompt != rec[-1].prompt ||
		    rec->ccase != rec[-1].ccase)
			ncases++;
	}
	if ((cmp->rows = calloc(nrows + 1, sizeof(*cmp->rows))) == NULL ||
	    (cmp->cases_v = calloc(ncases + 1,
	    sizeof(*cmp->cases_v))) == NULL ||
	    (cmp->groups = calloc(ngroups + 1, sizeof(*cmp->groups))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	for (i = 0; i < cmp->nrecs; i = j) {
		for (j = i + 1; j < cmp->nrecs &&
		    cmp->recs[j].key[0] == cmp->recs[i].key[0] &&
		    cmp->recs[j].model == cmp->recs[i].model; j++)
			;
		if ((err = make_row(cmp, &cmp->rows[cmp->nrows++], i, j,
		    &nc)) != NULL)
			return err;
	}
	rows = cmp->rows;
	for (r = 0; r < cmp->nrows; r = s) {
		for (s = r + 1; s < cmp->nrows && (cmp->opts.total ||
		    strcmp(rows[s].prompt, rows[r].prompt) == 0); s++)
			;
		g = &cmp->groups[cmp->ngroups++];
		g->prompt = rows[r].prompt;
		qsort(&rows[r], s - r, sizeof(*rows), cmp_row_cost);
		g->rows = &rows[r];
		g->nrows = s - r;
		current = morph_compare_current_for(cmp, g->prompt);
		for (i = 0; i < g->nrows; i++) {
			rows[r + i].frontier = 1;
			for (gi = 0; gi < g->nrows; gi++)
				if (gi != i && dominates(&g->rows[gi],
				    &g->rows[i]))
					rows[r + i].frontier = 0;
			if (current != NULL &&
			    strcmp(g->rows[i].model, current) == 0)
				g->current = &g->rows[i];
		}
		if ((err = oracle(g)) != NULL)
			return err;
	}
	return NULL;
}

/* The per-prompt baselines of rule, into cmp's rule (invariant 4). */
static const struct morph_error *
copy_baselines(struct morph_compare *cmp, const struct morph_select_rule *rule)
{
	struct morph_select_baseline *b;
	size_t k;

	if (rule->nbaselines == 0)
		return NULL;
	if ((cmp->baselines = calloc(rule->nbaselines,
	    sizeof(*cmp->baselines))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	cmp->rule.baselines = cmp->baselines;
	for (k = 0; k < rule->nbaselines; k++) {
		b = &cmp->baselines[cmp->rule.nbaselines];
		if ((b->prompts = strdup(rule->baselines[k].prompts)) == NULL)
			return morph_error(MORPH_ERR_NOMEM);
		if ((b->model = strdup(rule->baselines[k].model)) == NULL) {
			free((char *)b->prompts);
			return morph_error(MORPH_ERR_NOMEM);
		}
		cmp->rule.nbaselines++;
	}
	return NULL;
}

/* No case: the rule needs morph.json alone, not a suite's many cases. */
static int
keep_no_case(const char *id, void *arg)
{
	(void)id;
	(void)arg;
	return 0;
}

/* The rule and the configured model, from morph.json of run ri. */
static const struct morph_error *
read_rule(struct morph_compare *cmp, struct morph_repo *repo,
    const struct morph_run_info *ri)
{
	const struct morph_error *err;
	struct morph_commit *c = NULL;
	struct morph_suite *s = NULL;
	const struct morph_oid *tree;

	if (ri->worktree)
		tree = &ri->tree;
	else {
		if ((err = morph_commit_read(&c, repo, &ri->commit)) != NULL)
			return err;
		tree = morph_commit_tree(c);
	}
	err = morph_suite_load_some(&s, repo, tree, keep_no_case, NULL);
	morph_commit_free(c);
	if (err != NULL)
		return morph_error_wrap(err, "cannot read the rule of run "
		    "#%lld", (long long)ri->num);
	cmp->rule = s->rule;
	cmp->rule.baseline = NULL;
	cmp->rule.baselines = NULL;
	cmp->rule.nbaselines = 0;
	if (s->rule.baseline != NULL &&
	    (cmp->baseline = strdup(s->rule.baseline)) == NULL)
		err = morph_error(MORPH_ERR_NOMEM);
	cmp->rule.baseline = cmp->baseline;
	if (err == NULL)
		err = copy_baselines(cmp, &s->rule);
	if (err == NULL && (cmp->baseline != NULL || s->nmodels > 0) &&
	    (cmp->current = strdup(cmp->baseline != NULL ? cmp->baseline :
	    s->models[0].id)) == NULL)
		err = morph_error(MORPH_ERR_NOMEM);
	morph_suite_free(s);
	return err;
}

const struct morph_error *
morph_compare_new(struct morph_compare **out, struct morph_repo *repo,
    const char *const *runs, size_t nruns,
    const struct morph_compare_opts *opts)
{
	const struct morph_error *err = NULL;
	struct morph_compare *cmp;
	size_t i, j;

	*out = NULL;
	if (opts == NULL || opts->version != MORPH_COMPARE_OPTS_VERSION)
		return morph_error_fmt(MORPH_ERR_INVALID,
		    "compare: unknown options version");
	if (nruns == 0) {
		/* No run named: the newest run of HEAD, as eval takes it. */
		static const char *const head[] = { MORPH_HEAD };

		runs = head;
		nruns = 1;
	}
	if ((cmp = calloc(1, sizeof(*cmp))) == NULL ||
	    (cmp->runs = calloc(nruns, sizeof(*cmp->runs))) == NULL) {
		free(cmp);
		return morph_error(MORPH_ERR_NOMEM);
	}
	cmp->opts = *opts;
	if (cmp->opts.confidence <= 0 || cmp->opts.confidence >= 1)
		cmp->opts.confidence = 0.95;
	for (i = 0; i < nruns && err == NULL; i++) {
		if ((err = morph_run_find(&cmp->runs[cmp->nruns], repo,
		    runs[i])) != NULL)
			break;
		/* A run named twice (by id and by revision) counts once. */
		for (j = 0; j < cmp->nruns; j++)
			if (cmp->runs[j].num == cmp->runs[cmp->nruns].num)
				break;
		if (j < cmp->nruns)
			continue;
		if (cmp->nruns++ == 0)
			err = read_rule(cmp, repo, &cmp->runs[0]);
		if (err == NULL)
			err = morph_run_results(repo,
			    cmp->runs[cmp->nruns - 1].num,
			    add_result, cmp);
	}
	if (err == NULL && cmp->nrecs == 0)
		err = morph_error_fmt(MORPH_ERR_INVALID, "compare: run '%s' "
		    "has no results", runs[0]);
	if (err == NULL)
		err = build(cmp);
	if (err != NULL) {
		morph_compare_free(cmp);
		return err;
	}
	*out = cmp;
	return NULL;
}

void
morph_compare_free(struct morph_compare *cmp)
{
	size_t i;

	if (cmp == NULL)
		return;
	names_free(&cmp->prompts);
	names_free(&cmp->models);
	names_free(&cmp->cases);
	free(cmp->recs);
	for (i = 0; i < cmp->nrows; i++)
		free((int64_t *)cmp->rows[i].latencies);
	free(cmp->rows);
	free(cmp->cases_v);
	free(cmp->groups);
	free(cmp->runs);
	free(cmp->baseline);
	for (i = 0; i < cmp->rule.nbaselines; i++) {
		/* Strings of invariant 4, const only to the rule's reader. */
		free((char *)cmp->baselines[i].prompts);
		free((char *)cmp->baselines[i].model);
	}
	free(cmp->baselines);
	free(cmp->current);
	free(cmp);
}

size_t
morph_compare_ngroups(const struct morph_compare *cmp)
{
	return cmp->ngroups;
}

const struct morph_compare_group *
morph_compare_group(const struct morph_compare *cmp, size_t i)
{
	return i < cmp->ngroups ? &cmp->groups[i] : NULL;
}

size_t
morph_compare_nruns(const struct morph_compare *cmp)
{
	return cmp->nruns;
}

const struct morph_run_info *
morph_compare_run(const struct morph_compare *cmp, size_t i)
{
	return i < cmp->nruns ? &cmp->runs[i] : NULL;
}

const char *
morph_compare_current(const struct morph_compare *cmp)
{
	return cmp->current;
}

const char *
morph_compare_current_for(const struct morph_compare *cmp, const char *prompt)
{
	const char *m;

	if (prompt == NULL)
		return cmp->rule.nbaselines > 0 ? NULL : cmp->current;
	m = morph_select_rule_baseline(&cmp->rule, prompt);
	return m != NULL ? m : cmp->current;
}

const struct morph_select_rule *
morph_compare_rule(const struct morph_compare *cmp)
{
	return &cmp->rule;
}
