/*
 * Evaluations: one run scored, or two compared result by result (see
 * include/morph/eval.h).
 *
 * Invariants:
 *  1. Both runs are read as streams in (prompt, case, model, sample)
 *     order and merged; memory holds the items a report lists, per-model
 *     totals and latencies, never a whole run.
 *  2. The samples of one (prompt, case, model) are consecutive in that
 *     order, so a group's statistics are complete when its key changes.
 *  3. Strings kept past a stream step are copied into the arena, which
 *     lives as long as the evaluation.
 *  4. Every group becomes a case when it closes (kept as items are: all
 *     but SAME ones unless keep_all), so the report of a repeated run
 *     needs no second pass; a case names its example item by kind and
 *     index until finish() makes that a pointer, when no item array
 *     moves any more.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "morph/commit.h"
#include "morph/eval.h"
#include "morph/object.h"
#include "morph/revparse.h"
#include "morph/stats.h"
#include "assert_int.h"
#include "json_int.h"
#include "judge_int.h"
#include "repo_int.h"
#include "rubric_int.h"
#include "runs_int.h"
#include "suite_int.h"

/* Strings that outlive the streams, in chunks that never move. */
struct arena {
	char	**chunks;
	size_t	  n;
	size_t	  used;		/* in the last chunk */
};

#define ARENA_CHUNK	(64 * 1024)

static const char *
keep(struct arena *a, const char *s)
{
	size_t len, size;
	char **nc, *c;

	if (s == NULL)
		return NULL;
	len = strlen(s) + 1;
	if (a->n == 0 || a->used + len > ARENA_CHUNK) {
		size = len > ARENA_CHUNK ? len : ARENA_CHUNK;
		if ((nc = realloc(a->chunks, (a->n + 1) * sizeof(*nc))) == NULL)
			return NULL;
		a->chunks = nc;
		if ((c = malloc(size)) == NULL)
			return NULL;
		a->chunks[a->n++] = c;
		a->used = 0;
		if (len > ARENA_CHUNK) {	/* a chunk of its own */
			memcpy(c, s, len);
			a->used = ARENA_CHUNK;
			return c;
		}
	}
	c = a->chunks[a->n - 1] + a->used;
	memcpy(c, s, len);
	a->used += len;
	return c;
}

static void
arena_free(struct arena *a)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		free(a->chunks[i]);
	free(a->chunks);
}

struct items {
	struct morph_eval_item	*v;
	size_t			 n, cap;
};

struct lat {
	int64_t	*v;
	size_t	 n, cap;
};

struct model {
	struct morph_eval_model	 m;
	struct lat		 lat[2];
};

/* A case and where its example item is, until finish(). */
struct kept_case {
	struct morph_eval_case	 c;
	int			 has_example;
	enum morph_eval_kind	 ex_kind;
	size_t			 ex_index;
};

struct cases {
	struct kept_case	*v;
	size_t			 n, cap;
};

struct morph_eval {
	struct morph_repo	*repo;
	struct morph_eval_opts	 opts;
	struct morph_run_info	 run, base;
	int			 have_base;
	struct arena		 arena;
	struct items		 items[MORPH_EVAL_NKINDS];
	struct model		*models;
	size_t			 nmodels;
	struct morph_eval_group	*groups;
	size_t			 ngroups, capgroups;
	int			 repeated;
	int64_t			 regressions;
	struct cases		 cases[MORPH_EVAL_NKINDS];
	int64_t			 case_regressions;
	int			 max_samples[2];
	/* --suite: the assertions to score with, and their judges. */
	struct morph_suite	*suite;
	struct eval_judge	*judges;
	size_t			 njudges;
};

/* An llm-rubric's judge, for finding its answers in the call cache. */
struct eval_judge {
	char			*spec;		/* provider:model */
	char			*model;
	struct morph_provider	 provider;
};

/* What the judge callback of one rescoring found. */
struct judging {
	struct morph_eval		*ev;
	const struct morph_result	*r;
	const struct morph_suite_case	*c;
	const char			*output;
	char				**answers;	/* to free */
	size_t				 nanswers;
	char				 miss[512];	/* not in the cache;
							   "" when all are */
};

/* Building */

static const struct morph_error *
push_item(struct morph_eval *ev, const struct morph_eval_item *it)
{
	struct items *l = &ev->items[it->kind];
	struct morph_eval_item *nv;
	size_t cap;

	if (l->n == l->cap) {
		cap = l->cap ? l->cap * 2 : 64;
		if ((nv = realloc(l->v, cap * sizeof(*nv))) == NULL)
			return morph_error(MORPH_ERR_NOMEM);
		l->v = nv;
		l->cap = cap;
	}
	l->v[l->n++] = *it;
	return NULL;
}

static const struct morph_error *
push_lat(struct lat *l, int64_t v)
{
	int64_t *nv;
	size_t cap;

	if (l->n == l->cap) {
		cap = l->cap ? l->cap * 2 : 256;
		if ((nv = realloc(l->v, cap * sizeof(*nv))) == NULL)
			return morph_error(MORPH_ERR_NOMEM);
		l->v = nv;
		l->cap = cap;
	}
	l->v[l->n++] = v;
	return NULL;
}

static struct model *
model_of(struct morph_eval *ev, const char *name)
{
	struct model *nv;
	size_t i;

	for (i = 0; i < ev->nmodels; i++)
		if (strcmp(ev->models[i].m.model, name) == 0)
			return &ev->models[i];
	nv = realloc(ev->models, (ev->nmodels + 1) * sizeof(*nv));
	if (nv == NULL)
		return NULL;
	ev->models = nv;
	memset(&nv[ev->nmodels], 0, sizeof(*nv));
	if ((nv[ev->nmodels].m.model = keep(&ev->arena, name)) == NULL)
		return NULL;
	nv[ev->nmodels].m.p_value = -1;
	return &ev->models[ev->nmodels++];
}

/* Whether a side counts as passing: answered, and no assertion failed. */
static int
passes(const struct morph_eval_side *s)
{
	return s->present && strcmp(s->status, "ok") == 0 && s->pass != 0;
}

/* The suite case --suite scores result r with, or NULL. */
static const struct morph_suite_case *
rescore_case(const struct morph_eval *ev, const struct morph_result *r)
{
	const struct morph_suite_prompt *p = NULL;
	size_t i;

	for (i = 0; i < ev->suite->nprompts; i++)
		if (strcmp(ev->suite->prompts[i].path, r->prompt) == 0)
			p = &ev->suite->prompts[i];
	for (i = 0; i < ev->suite->ncases; i++) {
		const struct morph_suite_case *c = &ev->suite->cases[i];

		if (strcmp(c->id, r->case_id) != 0)
			continue;
		if (p == NULL || morph_suite_case_applies(c, p))
			return c;
	}
	return NULL;
}

static const struct eval_judge *
eval_judge_of(const struct morph_eval *ev, const cJSON *spec)
{
	const char *name = morph_rubric_model(spec, ev->suite->judge);
	size_t i;

	for (i = 0; name != NULL && i < ev->njudges; i++)
		if (strcmp(ev->judges[i].spec, name) == 0)
			return &ev->judges[i];
	return NULL;
}

/*
 * The judge's answer to spec for the output being rescored: the one its
 * call left in the cache.  eval sends nothing, so a miss stops the
 * evaluation (j->miss) rather than pass for a failing output.
 */
static const struct morph_error *
judge_from_cache(void *arg, const cJSON *spec, const char **answer,
    size_t *len)
{
	struct judging *j = arg;
	const struct eval_judge *ej = eval_judge_of(j->ev, spec);
	const struct morph_error *err;
	struct morph_cache_entry ce;
	struct morph_object *o;
	struct morph_oid id;
	cJSON *call;
	char **nv;
	int found;

	if (ej == NULL)			/* load_suite resolved every judge */
		return morph_error_fmt(MORPH_ERR_INVALID, "llm-rubric: no "
		    "judge");
	if ((err = morph_judge_call(&call, &id, &ej->provider, ej->model,
	    spec, j->output, j->c->vars)) != NULL)
		return err;
	cJSON_Delete(call);
	if ((err = morph_cache_get(&ce, &found, j->ev->repo, &id, 0)) != NULL)
		return err;
	if (!found) {
		if (j->miss[0] == '\0')
			snprintf(j->miss, sizeof(j->miss), "--suite: "
			    "%s:%d: case '%s' (prompt %s, model '%s', sample "
			    "%d): judge %s has not graded this output with "
			    "this rubric (call %s is not in the cache), and "
			    "eval sends no request: run the suite with morph "
			    "run to have it graded", j->c->file, j->c->line,
			    j->c->id, j->r->prompt, j->r->model, j->r->sample,
			    ej->spec, morph_oid_tostr(&id));
		return morph_error_fmt(MORPH_ERR_NOT_FOUND, "%s", j->miss);
	}
	if ((err = morph_object_read(&o, j->ev->repo, &ce.output,
	    MORPH_OBJ_BLOB)) != NULL)
		return err;
	nv = realloc(j->answers, (j->nanswers + 1) * sizeof(*nv));
	if (nv == NULL) {
		morph_object_free(o);
		return morph_error(MORPH_ERR_NOMEM);
	}
	j->answers = nv;
	*len = morph_object_size(o);
	if ((nv[j->nanswers] = malloc(*len + 1)) == NULL) {
		morph_object_free(o);
		return morph_error(MORPH_ERR_NOMEM);
	}
	memcpy(nv[j->nanswers], morph_object_data(o), *len);
	nv[j->nanswers][*len] = '\0';
	*answer = nv[j->nanswers++];
	morph_object_free(o);
	return NULL;
}

/* Judges r's output again with the assertions of --suite. */
static const struct morph_error *
rescore(struct morph_eval *ev, struct morph_eval_side *s,
    const struct morph_result *r)
{
	const struct morph_error *err;
	const struct morph_suite_case *c = rescore_case(ev, r);
	struct morph_assert_ctx ctx;
	struct morph_object *o = NULL;
	struct judging jg;
	cJSON *verdicts = NULL;
	char *text;
	size_t i;
	int pass, asserted;

	if (c == NULL || cJSON_GetArraySize(c->asserts) == 0) {
		s->pass = -1;
		s->verdicts = "[]";
		return NULL;
	}
	if (!r->has_output) {
		s->pass = 0;
		s->verdicts = "[]";
		return NULL;
	}
	if ((err = morph_object_read(&o, ev->repo, &r->output,
	    MORPH_OBJ_BLOB)) != NULL)
		return err;
	memset(&ctx, 0, sizeof(ctx));
	memset(&jg, 0, sizeof(jg));
	ctx.output = morph_object_data(o);
	ctx.len = morph_object_size(o);
	ctx.cost_nusd = r->cost_nusd;
	ctx.latency_ms = r->latency_ms;
	ctx.vars = c->vars;
	ctx.allow_exec = ev->opts.allow_exec;
	ctx.prompt = r->prompt;
	ctx.case_id = r->case_id;
	ctx.model = r->model;
	ctx.dir = morph_repo_workdir(ev->repo);
	jg.ev = ev;
	jg.r = r;
	jg.c = c;
	jg.output = ctx.output;
	ctx.judge = judge_from_cache;
	ctx.judge_arg = &jg;
	err = morph_assert_all(&verdicts, &pass, &asserted, c->asserts, &ctx);
	morph_object_free(o);
	for (i = 0; i < jg.nanswers; i++)
		free(jg.answers[i]);
	free(jg.answers);
	if (err == NULL && jg.miss[0] != '\0')
		err = morph_error_fmt(MORPH_ERR_NOT_FOUND, "%s", jg.miss);
	if (err != NULL) {
		cJSON_Delete(verdicts);
		return err->code == MORPH_ERR_NOMEM || jg.miss[0] != '\0' ?
		    err :
		    morph_error_wrap(err, "%s:%d: case '%s'", c->file,
		    c->line, c->id);
	}
	s->pass = asserted ? pass : -1;
	if ((text = cJSON_PrintUnformatted(verdicts)) == NULL) {
		cJSON_Delete(verdicts);
		return morph_error(MORPH_ERR_NOMEM);
	}
	s->verdicts = keep(&ev->arena, text);
	free(text);
	cJSON_Delete(verdicts);
	return s->verdicts ? NULL : morph_error(MORPH_ERR_NOMEM);
}

/* Copies what a side needs to outlive the stream step. */
static const struct morph_error *
fill(struct morph_eval *ev, struct morph_eval_side *s,
    const struct morph_result *r)
{
	memset(s, 0, sizeof(*s));
	s->pass = -1;
	if (r == NULL)
		return NULL;
	s->present = 1;
	s->status = strcmp(r->status, "ok") == 0 ? "ok" : "error";
	s->has_output = r->has_output;
	s->output = r->output;
	s->error = keep(&ev->arena, r->error);
	s->tokens_in = r->tokens_in;
	s->tokens_out = r->tokens_out;
	s->latency_ms = r->latency_ms;
	s->cost_nusd = r->cost_nusd;
	if (ev->suite != NULL)
		return rescore(ev, s, r);
	s->pass = r->pass;
	s->verdicts = keep(&ev->arena, r->verdicts);
	return NULL;
}

/* Adds one side's result to its model's totals. */
static const struct morph_error *
tally(struct morph_eval *ev, const char *name, int side,
    const struct morph_eval_side *s)
{
	struct model *m = model_of(ev, name);

	if (m == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	m->m.results[side]++;
	if (strcmp(s->status, "ok") != 0)
		m->m.errors[side]++;
	if (s->pass >= 0 || strcmp(s->status, "ok") != 0) {
		m->m.asserted[side]++;
		m->m.passed[side] += passes(s);
	}
	if (s->tokens_in > 0)
		m->m.tokens_in[side] += s->tokens_in;
	if (s->tokens_out > 0)
		m->m.tokens_out[side] += s->tokens_out;
	if (s->cost_nusd >= 0)
		m->m.cost_nusd[side] += s->cost_nusd;
	else if (strcmp(s->status, "ok") == 0)
		m->m.unpriced[side]++;
	if (strcmp(s->status, "ok") == 0 && s->latency_ms >= 0)
		return push_lat(&m->lat[side], s->latency_ms);
	return NULL;
}

/* The group being read: one (prompt, case, model) over its samples. */
struct group {
	int			 open;
	int			 samples;	/* how many keys it had */
	const char		*prompt, *case_id, *model;	/* arena */
	int			 n[2], k[2];
	int			 worse, better;
	size_t			 first_regression;	/* index in items */
	int			 present[2];	/* samples on each side */
	size_t			 first[MORPH_EVAL_NKINDS]; /* its first item
							   of each kind */
};

/* The kind of a closed group's case (see struct morph_eval_case). */
static enum morph_eval_kind
case_kind(const struct morph_eval *ev, const struct group *g)
{
	size_t k;

	if (!ev->have_base)
		return ev->items[MORPH_EVAL_FAILURE].n >
		    g->first[MORPH_EVAL_FAILURE] ? MORPH_EVAL_FAILURE :
		    MORPH_EVAL_SAME;
	if (g->present[1] == 0)
		return MORPH_EVAL_ADDED;
	if (g->present[0] == 0)
		return MORPH_EVAL_REMOVED;
	if (g->n[0] > 0 && g->n[1] > 0 &&
	    (int64_t)g->k[0] * g->n[1] != (int64_t)g->k[1] * g->n[0])
		return (int64_t)g->k[0] * g->n[1] < (int64_t)g->k[1] * g->n[0] ?
		    MORPH_EVAL_REGRESSION : MORPH_EVAL_FIX;
	for (k = 0; k < MORPH_EVAL_NKINDS; k++)
		if (k != MORPH_EVAL_SAME && ev->items[k].n > g->first[k])
			return MORPH_EVAL_CHANGED;
	return MORPH_EVAL_SAME;
}

/* Records the case of a group that closes (invariant 4). */
static const struct morph_error *
close_case(struct morph_eval *ev, const struct group *g)
{
	static const enum morph_eval_kind order[] = { MORPH_EVAL_REGRESSION,
	    MORPH_EVAL_FIX, MORPH_EVAL_CHANGED, MORPH_EVAL_ADDED,
	    MORPH_EVAL_REMOVED, MORPH_EVAL_FAILURE, MORPH_EVAL_SAME };
	enum morph_eval_kind kind = case_kind(ev, g), k;
	struct cases *l = &ev->cases[kind];
	struct kept_case *kc, *nv;
	struct model *m;
	size_t i, cap;
	double alpha = ev->opts.significance;

	if ((m = model_of(ev, g->model)) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	m->m.cases[kind]++;
	for (i = 0; i < 2; i++)
		if (g->present[i] > ev->max_samples[i])
			ev->max_samples[i] = g->present[i];
	if (kind == MORPH_EVAL_SAME && !ev->opts.keep_all)
		return NULL;
	if (l->n == l->cap) {
		cap = l->cap ? l->cap * 2 : 32;
		if ((nv = realloc(l->v, cap * sizeof(*nv))) == NULL)
			return morph_error(MORPH_ERR_NOMEM);
		l->v = nv;
		l->cap = cap;
	}
	kc = &l->v[l->n++];
	memset(kc, 0, sizeof(*kc));
	kc->c.kind = kind;
	kc->c.prompt = g->prompt;
	kc->c.case_id = g->case_id;
	kc->c.model = g->model;
	for (i = 0; i < 2; i++) {
		kc->c.samples[i] = g->present[i];
		kc->c.n[i] = g->n[i];
		kc->c.k[i] = g->k[i];
		morph_stats_wilson(&kc->c.lo[i], &kc->c.hi[i], g->k[i],
		    g->n[i], ev->opts.confidence);
	}
	kc->c.worse = g->worse;
	kc->c.better = g->better;
	kc->c.p_value = ev->have_base && g->present[0] > 0 &&
	    g->present[1] > 0 ? morph_stats_mcnemar_exact(g->worse,
	    g->better) : -1;
	if (kind == MORPH_EVAL_REGRESSION) {
		kc->c.significant = alpha <= 0 || (g->worse > g->better &&
		    kc->c.p_value < alpha);
		if (kc->c.significant) {
			ev->case_regressions++;
			m->m.case_regressions++;
		}
	}
	/* The example: an item of the case's kind, else of the first other
	 * kind the case has. */
	for (i = 0; i <= sizeof(order) / sizeof(order[0]); i++) {
		k = i == 0 ? kind : order[i - 1];
		if (ev->items[k].n > g->first[k]) {
			kc->has_example = 1;
			kc->ex_kind = k;
			kc->ex_index = g->first[k];
			break;
		}
	}
	return NULL;
}

static const struct morph_error *
close_group(struct morph_eval *ev, struct group *g)
{
	const struct morph_error *err;
	struct morph_eval_group *ng, *out;
	size_t i, cap;
	double alpha = ev->opts.significance;

	if (!g->open)
		return NULL;
	g->open = 0;
	if ((err = close_case(ev, g)) != NULL)
		return err;
	/* Only groups of several samples whose verdicts differ are kept. */
	if (g->samples <= 1)
		return NULL;
	if (g->worse == 0 && g->better == 0 &&
	    g->k[0] * g->n[1] == g->k[1] * g->n[0])
		return NULL;
	if (ev->ngroups == ev->capgroups) {
		cap = ev->capgroups ? ev->capgroups * 2 : 32;
		if ((ng = realloc(ev->groups, cap * sizeof(*ng))) == NULL)
			return morph_error(MORPH_ERR_NOMEM);
		ev->groups = ng;
		ev->capgroups = cap;
	}
	out = &ev->groups[ev->ngroups++];
	memset(out, 0, sizeof(*out));
	out->prompt = g->prompt;
	out->case_id = g->case_id;
	out->model = g->model;
	for (i = 0; i < 2; i++) {
		out->n[i] = g->n[i];
		out->k[i] = g->k[i];
		morph_stats_wilson(&out->lo[i], &out->hi[i], g->k[i], g->n[i],
		    ev->opts.confidence);
	}
	out->worse = g->worse;
	out->better = g->better;
	out->p_value = morph_stats_mcnemar_exact(g->worse, g->better);
	out->significant = alpha > 0 && g->worse > g->better &&
	    out->p_value < alpha;
	/* With a significance level, this group's regressions count only
	 * when the group's test says so. */
	if (out->significant)
		for (i = g->first_regression;
		    i < ev->items[MORPH_EVAL_REGRESSION].n; i++)
			ev->items[MORPH_EVAL_REGRESSION].v[i].significant = 1;
	return NULL;
}

static int
same_group(const struct group *g, const char *prompt, const char *case_id,
    const char *model)
{
	return g->open && strcmp(g->prompt, prompt) == 0 &&
	    strcmp(g->case_id, case_id) == 0 && strcmp(g->model, model) == 0;
}

/* Key order: prompt, case, model, sample, as the streams come. */
static int
cmp_key(const struct morph_result *a, const struct morph_result *b)
{
	int c;

	if ((c = strcmp(a->prompt, b->prompt)) != 0)
		return c;
	if ((c = strcmp(a->case_id, b->case_id)) != 0)
		return c;
	if ((c = strcmp(a->model, b->model)) != 0)
		return c;
	return (a->sample > b->sample) - (a->sample < b->sample);
}

static const struct morph_error *
pair(struct morph_eval *ev, struct group *g, const struct morph_result *a,
    const struct morph_result *b)
{
	const struct morph_error *err;
	const struct morph_result *key = a ? a : b;
	struct morph_eval_item it;
	struct model *m;
	int pa, pb, asserted_a, asserted_b;
	size_t k;

	memset(&it, 0, sizeof(it));
	if ((err = fill(ev, &it.a, a)) != NULL ||
	    (err = fill(ev, &it.b, b)) != NULL)
		return err;
	if (key->sample > 0)
		ev->repeated = 1;
	if (!same_group(g, key->prompt, key->case_id, key->model)) {
		if ((err = close_group(ev, g)) != NULL)
			return err;
		memset(g, 0, sizeof(*g));
		g->open = 1;
		g->prompt = keep(&ev->arena, key->prompt);
		g->case_id = keep(&ev->arena, key->case_id);
		g->model = keep(&ev->arena, key->model);
		if (g->prompt == NULL || g->case_id == NULL || g->model == NULL)
			return morph_error(MORPH_ERR_NOMEM);
		g->first_regression = ev->items[MORPH_EVAL_REGRESSION].n;
		for (k = 0; k < MORPH_EVAL_NKINDS; k++)
			g->first[k] = ev->items[k].n;
	}
	g->samples++;
	g->present[0] += a != NULL;
	g->present[1] += b != NULL;
	it.prompt = g->prompt;
	it.case_id = g->case_id;
	it.model = g->model;
	it.sample = key->sample;
	if (a != NULL && (err = tally(ev, it.model, 0, &it.a)) != NULL)
		return err;
	if (b != NULL && (err = tally(ev, it.model, 1, &it.b)) != NULL)
		return err;
	pa = passes(&it.a);
	pb = passes(&it.b);
	asserted_a = a && (it.a.pass >= 0 || strcmp(it.a.status, "ok") != 0);
	asserted_b = b && (it.b.pass >= 0 || strcmp(it.b.status, "ok") != 0);
	if (asserted_a) {
		g->n[0]++;
		g->k[0] += pa;
	}
	if (asserted_b) {
		g->n[1]++;
		g->k[1] += pb;
	}

	if (!ev->have_base) {
		it.kind = pa ? MORPH_EVAL_SAME : MORPH_EVAL_FAILURE;
		if (pa && !ev->opts.keep_all)
			return NULL;
		return push_item(ev, &it);
	}
	if ((m = model_of(ev, it.model)) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	if (b == NULL) {
		it.kind = MORPH_EVAL_ADDED;
		m->m.added++;
	} else if (a == NULL) {
		it.kind = MORPH_EVAL_REMOVED;
		m->m.removed++;
	} else if (pb && !pa) {
		g->worse++;
		m->m.discordant[0]++;
		it.kind = MORPH_EVAL_REGRESSION;
	} else if (pa && !pb) {
		g->better++;
		m->m.discordant[1]++;
		m->m.fixes++;
		it.kind = MORPH_EVAL_FIX;
	} else if (it.a.has_output != it.b.has_output || (it.a.has_output &&
	    morph_oid_cmp(&it.a.output, &it.b.output) != 0)) {
		it.kind = MORPH_EVAL_CHANGED;
		m->m.changed++;
	} else if (ev->opts.keep_all)
		it.kind = MORPH_EVAL_SAME;
	else
		return NULL;
	return push_item(ev, &it);
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Percentiles, rates, tests and the count of regressions. */
static void
finish(struct morph_eval *ev)
{
	struct items *reg = &ev->items[MORPH_EVAL_REGRESSION];
	struct kept_case *kc;
	size_t i, s, k;

	for (k = 0; k < MORPH_EVAL_NKINDS; k++)
		for (i = 0; i < ev->cases[k].n; i++) {
			kc = &ev->cases[k].v[i];
			if (kc->has_example)
				kc->c.example =
				    &ev->items[kc->ex_kind].v[kc->ex_index];
		}

	for (i = 0; i < ev->nmodels; i++) {
		struct model *m = &ev->models[i];

		for (s = 0; s < 2; s++) {
			if (m->lat[s].n > 1)
				qsort(m->lat[s].v, m->lat[s].n,
				    sizeof(*m->lat[s].v), cmp_i64);
			m->m.p50_ms[s] = morph_stats_nearest_rank(
			    m->lat[s].v, m->lat[s].n, 0.50);
			m->m.p95_ms[s] = morph_stats_nearest_rank(
			    m->lat[s].v, m->lat[s].n, 0.95);
			m->m.rate[s] = m->m.asserted[s] > 0 ?
			    (double)m->m.passed[s] / (double)m->m.asserted[s] :
			    -1;
			morph_stats_wilson(&m->m.lo[s], &m->m.hi[s],
			    (double)m->m.passed[s], (double)m->m.asserted[s],
			    ev->opts.confidence);
		}
		if (ev->have_base)
			m->m.p_value = morph_stats_mcnemar_exact(
			    m->m.discordant[0], m->m.discordant[1]);
	}
	/* Without a significance level every pass -> fail counts. */
	for (i = 0; i < reg->n; i++) {
		if (ev->opts.significance <= 0)
			reg->v[i].significant = 1;
		if (reg->v[i].significant) {
			struct model *m = model_of(ev, reg->v[i].model);

			ev->regressions++;
			if (m != NULL)
				m->m.regressions++;
		}
	}
}

static const struct morph_error *
seed_model(const struct morph_model_summary *ms, void *arg)
{
	return model_of(arg, ms->model) ? NULL : morph_error(MORPH_ERR_NOMEM);
}

/* Resolves the judge of spec, an llm-rubric of --suite. */
static const struct morph_error *
add_judge(struct morph_eval *ev, const cJSON *spec)
{
	const struct morph_error *err;
	const char *name = morph_rubric_model(spec, ev->suite->judge);
	struct eval_judge *nv, *j;
	char *prov = NULL;

	if (name == NULL)
		return morph_error_fmt(MORPH_ERR_SUITE, "llm-rubric has no "
		    "judge: give it a \"provider\", or morph.json a "
		    "\"judge\", such as \"openai:gpt-4o-mini\"");
	if (eval_judge_of(ev, spec) != NULL)
		return NULL;
	if ((nv = realloc(ev->judges, (ev->njudges + 1) *
	    sizeof(*nv))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	ev->judges = nv;
	j = &nv[ev->njudges];
	memset(j, 0, sizeof(*j));
	if ((j->spec = strdup(name)) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	ev->njudges++;
	if ((err = morph_model_parse(&prov, &j->model, name)) != NULL)
		return err;
	err = morph_provider_lookup(&j->provider, ev->repo, prov);
	free(prov);
	return err ? morph_error_wrap(err, "judge %s", name) : NULL;
}

static const struct morph_error *
load_suite(struct morph_eval *ev, const char *rev)
{
	const struct morph_error *err;
	struct morph_commit *c;
	struct morph_oid id;
	size_t i;
	const cJSON *a;
	int k;

	if ((err = morph_revparse_type(&id, ev->repo, rev,
	    MORPH_OBJ_COMMIT)) != NULL)
		return morph_error_wrap(err, "--suite");
	if ((err = morph_commit_read(&c, ev->repo, &id)) != NULL)
		return err;
	err = morph_suite_load(&ev->suite, ev->repo, morph_commit_tree(c));
	morph_commit_free(c);
	if (err != NULL)
		return err;
	/* Broken assertions are reported before anything is scored. */
	for (i = 0; i < ev->suite->ncases; i++) {
		const struct morph_suite_case *sc = &ev->suite->cases[i];

		if (!ev->opts.allow_exec && morph_assert_needs_exec(sc->asserts))
			return morph_error_fmt(MORPH_ERR_SUITE, "--suite: "
			    "%s:%d: case '%s': an exec assertion runs a "
			    "command, and this repository does not allow it: "
			    "give --allow-exec, or allow it here with 'morph "
			    "config --local --type json exec.allow true'",
			    sc->file, sc->line, sc->id);
		k = 0;
		cJSON_ArrayForEach(a, sc->asserts) {
			if ((err = morph_assert_check(a)) != NULL ||
			    (morph_assert_is(a, "llm-rubric") &&
			    (err = add_judge(ev, a)) != NULL))
				return morph_error_fmt(err->code ==
				    MORPH_ERR_NOMEM ? MORPH_ERR_NOMEM :
				    MORPH_ERR_SUITE, "%s:%d: case '%s': "
				    "assert[%d]: %s", sc->file, sc->line,
				    sc->id, k, err->msg);
			k++;
		}
	}
	return NULL;
}

const struct morph_error *
morph_eval_new(struct morph_eval **out, struct morph_repo *repo,
    const char *run, const char *baseline, const struct morph_eval_opts *opts)
{
	const struct morph_error *err;
	struct morph_run_iter *ia = NULL, *ib = NULL;
	const struct morph_result *a = NULL, *b = NULL;
	struct morph_eval *ev;
	struct group g;
	int c;

	*out = NULL;
	if ((ev = calloc(1, sizeof(*ev))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	ev->repo = repo;
	ev->opts = *opts;
	memset(&g, 0, sizeof(g));
	if ((err = morph_run_find(&ev->run, repo, run)) != NULL)
		goto done;
	if (baseline != NULL) {
		if ((err = morph_run_find(&ev->base, repo, baseline)) != NULL)
			goto done;
		ev->have_base = 1;
	}
	if (opts->suite != NULL && (err = load_suite(ev, opts->suite)) != NULL)
		goto done;
	/* Models in the order the runs list them. */
	if ((err = morph_run_summary(repo, ev->run.num, seed_model, ev)) ||
	    (ev->have_base && (err = morph_run_summary(repo, ev->base.num,
	    seed_model, ev)) != NULL))
		goto done;
	if ((err = morph_run_iter_open(&ia, repo, ev->run.num)) != NULL ||
	    (err = morph_run_iter_next(&a, ia)) != NULL)
		goto done;
	if (ev->have_base &&
	    ((err = morph_run_iter_open(&ib, repo, ev->base.num)) != NULL ||
	    (err = morph_run_iter_next(&b, ib)) != NULL))
		goto done;
	while (a != NULL || b != NULL) {
		c = a == NULL ? 1 : b == NULL ? -1 : cmp_key(a, b);
		if ((err = pair(ev, &g, c <= 0 ? a : NULL,
		    c >= 0 ? b : NULL)) != NULL)
			goto done;
		if (c <= 0 && (err = morph_run_iter_next(&a, ia)) != NULL)
			goto done;
		if (c >= 0 && (err = morph_run_iter_next(&b, ib)) != NULL)
			goto done;
	}
	if ((err = close_group(ev, &g)) == NULL)
		finish(ev);
done:
	morph_run_iter_close(ia);
	morph_run_iter_close(ib);
	if (err != NULL) {
		morph_eval_free(ev);
		return err;
	}
	*out = ev;
	return NULL;
}

void
morph_eval_free(struct morph_eval *ev)
{
	size_t i;

	if (ev == NULL)
		return;
	for (i = 0; i < sizeof(ev->items) / sizeof(ev->items[0]); i++) {
		free(ev->items[i].v);
		free(ev->cases[i].v);
	}
	for (i = 0; i < ev->nmodels; i++) {
		free(ev->models[i].lat[0].v);
		free(ev->models[i].lat[1].v);
	}
	free(ev->models);
	free(ev->groups);
	for (i = 0; i < ev->njudges; i++) {
		free(ev->judges[i].spec);
		free(ev->judges[i].model);
		morph_provider_release(&ev->judges[i].provider);
	}
	free(ev->judges);
	morph_suite_free(ev->suite);
	arena_free(&ev->arena);
	free(ev);
}

const struct morph_run_info *
morph_eval_run(const struct morph_eval *ev)
{
	return &ev->run;
}

const struct morph_run_info *
morph_eval_baseline(const struct morph_eval *ev)
{
	return ev->have_base ? &ev->base : NULL;
}

size_t
morph_eval_count(const struct morph_eval *ev, enum morph_eval_kind k)
{
	return ev->items[k].n;
}

const struct morph_eval_item *
morph_eval_item(const struct morph_eval *ev, enum morph_eval_kind k, size_t i)
{
	return &ev->items[k].v[i];
}

size_t
morph_eval_nmodels(const struct morph_eval *ev)
{
	return ev->nmodels;
}

const struct morph_eval_model *
morph_eval_model(const struct morph_eval *ev, size_t i)
{
	return &ev->models[i].m;
}

size_t
morph_eval_ngroups(const struct morph_eval *ev)
{
	return ev->ngroups;
}

const struct morph_eval_group *
morph_eval_group(const struct morph_eval *ev, size_t i)
{
	return &ev->groups[i];
}

const struct morph_error *
morph_eval_reasons(struct morph_buf *out, const struct morph_eval_side *s,
    const char *prefix)
{
	const struct morph_error *err;
	const cJSON *v;
	cJSON *doc;

	if (!s->present)
		return NULL;
	if (s->error != NULL) {
		morph_buf_printf(out, "%serror: %s\n", prefix, s->error);
		return morph_buf_status(out);
	}
	if (s->verdicts == NULL)
		return NULL;
	if ((err = morph_json_parse(&doc, s->verdicts, strlen(s->verdicts),
	    "verdicts")) != NULL)
		return err;
	cJSON_ArrayForEach(v, doc) {
		const char *type = morph_json_str(v, "type");
		const char *why = morph_json_str(v, "reason");

		if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(v, "pass")))
			continue;
		morph_buf_printf(out, "%s%s: %s\n", prefix, type ? type : "?",
		    why ? why : "failed");
	}
	cJSON_Delete(doc);
	return morph_buf_status(out);
}

size_t
morph_eval_case_count(const struct morph_eval *ev, enum morph_eval_kind k)
{
	return ev->cases[k].n;
}

const struct morph_eval_case *
morph_eval_case(const struct morph_eval *ev, enum morph_eval_kind k,
    size_t i)
{
	return &ev->cases[k].v[i].c;
}

int64_t
morph_eval_regressions(const struct morph_eval *ev)
{
	return ev->repeated ? ev->case_regressions : ev->regressions;
}

int
morph_eval_max_samples(const struct morph_eval *ev, int side)
{
	return ev->max_samples[side ? 1 : 0];
}

int
morph_eval_repeated(const struct morph_eval *ev)
{
	return ev->repeated;
}
