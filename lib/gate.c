/*
 * The merge gate (see gate.h): both parents' runs set the bar, the merged
 * suite's run is held to it through morph eval's comparison.
 *
 * Invariants:
 *  1. Every plan is made and checked before anything is sent
 *     (morph_gate_new), and made again just before its run, so that the
 *     calls the parents' runs have just answered count as cached.
 *  2. The merge is judged only after both parents ran.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "morph/commit.h"
#include "morph/eval.h"
#include "morph/gate.h"
#include "plan_int.h"
#include "repo_int.h"
#include "suite_int.h"

struct morph_gate {
	struct morph_repo		*repo;
	struct morph_oid		 commit[2];	/* ours, theirs */
	struct morph_oid		 tree;
	int				 repeat;
	double				 alpha;		/* 0: every fall */
	struct morph_run_opts		 run;
	struct morph_gate_run_info	 info[3];
	int				 done[3];
	struct morph_gate_case		*cases;
	size_t				 ncases, capcases;
	struct morph_gate_rate		*rates;
	size_t				 nrates;
	struct morph_gate_failure	*fails;
	size_t				 nfails;
	struct morph_gate_case		*dropped;
	size_t				 ndropped, capdropped;
	char				**strs;		/* what the above point
							   into */
	size_t				 nstrs;
};

static const char *const side_names[] = { "ours", "theirs", "the merge" };

/* A copy of s that lives as long as the gate; NULL when out of memory. */
static const char *
keep(struct morph_gate *g, const char *s)
{
	char **nv, *d;

	if (s == NULL)
		return NULL;
	if ((nv = realloc(g->strs, (g->nstrs + 1) * sizeof(*nv))) == NULL)
		return NULL;
	g->strs = nv;
	if ((d = strdup(s)) == NULL)
		return NULL;
	g->strs[g->nstrs++] = d;
	return d;
}

/* The plan of a side: a parent as committed, the merge with the union. */
static const struct morph_error *
plan_side(struct morph_plan **out, struct morph_gate *g,
    enum morph_gate_side side)
{
	const struct morph_error *err;
	struct morph_suite *s = NULL, *ps = NULL;
	struct morph_commit *c = NULL;
	int i;

	*out = NULL;
	if (side != MORPH_GATE_MERGED)
		err = morph_plan_new(out, g->repo, &g->commit[side], &g->run);
	else {
		err = morph_suite_load(&s, g->repo, &g->tree);
		for (i = 0; i < 2 && err == NULL; i++) {
			if ((err = morph_commit_read(&c, g->repo,
			    &g->commit[i])) == NULL &&
			    (err = morph_suite_load(&ps, g->repo,
			    morph_commit_tree(c))) == NULL)
				err = morph_suite_union(s, ps);
			morph_suite_free(ps);
			morph_commit_free(c);
			ps = NULL;
			c = NULL;
		}
		if (err == NULL)
			err = morph_plan_new_suite(out, g->repo, &g->commit[0],
			    &g->tree, s, &g->run);
		else
			morph_suite_free(s);
	}
	if (err != NULL)
		return morph_error_wrap(err, "the gate cannot run %s",
		    side_names[side]);
	return NULL;
}

const struct morph_error *
morph_gate_new(struct morph_gate **out, struct morph_repo *repo,
    const struct morph_oid *ours, const struct morph_oid *theirs,
    const struct morph_oid *tree, const struct morph_gate_opts *opts)
{
	struct morph_run_opts defaults = MORPH_RUN_OPTS_INIT;
	const struct morph_error *err = NULL;
	struct morph_plan *plan;
	struct morph_gate *g;
	int side;

	*out = NULL;
	if (opts == NULL || opts->version != MORPH_GATE_OPTS_VERSION)
		return morph_error_fmt(MORPH_ERR_INVALID,
		    "gate: unknown options version");
	if ((g = calloc(1, sizeof(*g))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	g->repo = repo;
	g->commit[0] = *ours;
	g->commit[1] = *theirs;
	g->tree = *tree;
	g->repeat = opts->repeat > 0 ? opts->repeat : 1;
	/* A single sample is never significant: every fall counts. */
	g->alpha = g->repeat > 1 ? opts->significance : 0;
	g->run = opts->run != NULL ? *opts->run : defaults;
	g->run.repeat = g->repeat;
	g->run.models = NULL;
	g->run.nmodels = 0;
	g->run.budget_nusd = -1;
	/* Every suite is checked before anything is sent (invariant 1). */
	g->run.plan_only = 1;
	for (side = 0; side < 3 && err == NULL; side++) {
		if ((err = plan_side(&plan, g, side)) == NULL)
			morph_plan_free(plan);
	}
	g->run.plan_only = opts->run != NULL ? opts->run->plan_only : 0;
	if (err != NULL) {
		morph_gate_free(g);
		return err;
	}
	*out = g;
	return NULL;
}

void
morph_gate_free(struct morph_gate *g)
{
	size_t i;

	if (g == NULL)
		return;
	for (i = 0; i < g->nstrs; i++)
		free(g->strs[i]);
	free(g->strs);
	free(g->cases);
	free(g->rates);
	free(g->fails);
	free(g->dropped);
	free(g);
}

/* The bar */

static const struct morph_error *
push_case(struct morph_gate_case **v, size_t *n, size_t *cap,
    const struct morph_gate_case *c)
{
	struct morph_gate_case *nv;
	size_t ncap;

	if (*n == *cap) {
		ncap = *cap ? *cap * 2 : 32;
		if ((nv = realloc(*v, ncap * sizeof(*nv))) == NULL)
			return morph_error(MORPH_ERR_NOMEM);
		*v = nv;
		*cap = ncap;
	}
	(*v)[(*n)++] = *c;
	return NULL;
}

/* One parent's results as they stream: the group being read. */
struct collect {
	struct morph_gate	*g;
	int			 side;
	struct morph_gate_case	 cur;
	int			 open;
};

static const struct morph_error *
flush_group(struct collect *c)
{
	if (!c->open || c->cur.k[c->side] == 0)
		return NULL;
	c->open = 0;
	return push_case(&c->g->cases, &c->g->ncases, &c->g->capcases,
	    &c->cur);
}

static const struct morph_error *
tally_rate(struct morph_gate *g, const char *model, int side, int pass)
{
	struct morph_gate_rate *nv;
	size_t i;

	for (i = 0; i < g->nrates; i++)
		if (strcmp(g->rates[i].model, model) == 0)
			break;
	if (i == g->nrates) {
		nv = realloc(g->rates, (g->nrates + 1) * sizeof(*nv));
		if (nv == NULL)
			return morph_error(MORPH_ERR_NOMEM);
		g->rates = nv;
		memset(&nv[i], 0, sizeof(nv[i]));
		if ((nv[i].model = keep(g, model)) == NULL)
			return morph_error(MORPH_ERR_NOMEM);
		g->nrates++;
	}
	g->rates[i].n[side]++;
	g->rates[i].k[side] += pass;
	return NULL;
}

static const struct morph_error *
collect_result(const struct morph_result *r, void *arg)
{
	struct collect *c = arg;
	const struct morph_error *err;
	int ok = strcmp(r->status, "ok") == 0, pass;

	/* As eval counts: an error fails, a result without assertions is
	 * not judged. */
	if (ok && r->pass < 0)
		return NULL;
	pass = ok && r->pass != 0;
	if (!c->open || strcmp(c->cur.prompt, r->prompt) != 0 ||
	    strcmp(c->cur.case_id, r->case_id) != 0 ||
	    strcmp(c->cur.model, r->model) != 0) {
		if ((err = flush_group(c)) != NULL)
			return err;
		memset(&c->cur, 0, sizeof(c->cur));
		c->cur.prompt = keep(c->g, r->prompt);
		c->cur.case_id = keep(c->g, r->case_id);
		c->cur.model = keep(c->g, r->model);
		if (c->cur.prompt == NULL || c->cur.case_id == NULL ||
		    c->cur.model == NULL)
			return morph_error(MORPH_ERR_NOMEM);
		c->open = 1;
	}
	c->cur.n[c->side]++;
	c->cur.k[c->side] += pass;
	return tally_rate(c->g, r->model, c->side, pass);
}

static int
cmp_case(const void *a, const void *b)
{
	const struct morph_gate_case *x = a, *y = b;
	int c;

	if ((c = strcmp(x->prompt, y->prompt)) != 0)
		return c;
	if ((c = strcmp(x->case_id, y->case_id)) != 0)
		return c;
	return strcmp(x->model, y->model);
}

/* Joins the two parents' entries for one key into one. */
static void
join_bar(struct morph_gate *g)
{
	size_t i, k = 0;

	if (g->ncases > 1)
		qsort(g->cases, g->ncases, sizeof(*g->cases), cmp_case);
	for (i = 0; i < g->ncases; i++) {
		if (k > 0 && cmp_case(&g->cases[k - 1], &g->cases[i]) == 0) {
			g->cases[k - 1].n[0] += g->cases[i].n[0];
			g->cases[k - 1].k[0] += g->cases[i].k[0];
			g->cases[k - 1].n[1] += g->cases[i].n[1];
			g->cases[k - 1].k[1] += g->cases[i].k[1];
		} else
			g->cases[k++] = g->cases[i];
	}
	g->ncases = k;
}

/* The judgement */

static const struct morph_error *
push_failure(struct morph_gate *g, const struct morph_gate_failure *f)
{
	struct morph_gate_failure *nv;

	if ((nv = realloc(g->fails, (g->nfails + 1) * sizeof(*nv))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	g->fails = nv;
	g->fails[g->nfails++] = *f;
	return NULL;
}

static int
passes(const struct morph_eval_side *s)
{
	return s->present && strcmp(s->status, "ok") == 0 && s->pass != 0;
}

static int
asserted(const struct morph_eval_side *s)
{
	return s->present && (s->pass >= 0 || strcmp(s->status, "ok") != 0);
}

static int
same_key(const struct morph_eval_item *a, const char *prompt,
    const char *case_id, const char *model)
{
	return prompt != NULL && strcmp(a->prompt, prompt) == 0 &&
	    strcmp(a->case_id, case_id) == 0 && strcmp(a->model, model) == 0;
}

/* The group of several samples of it, when there is one. */
static const struct morph_eval_group *
group_of(const struct morph_eval *ev, const struct morph_eval_item *it)
{
	const struct morph_eval_group *gr;
	size_t i;

	for (i = 0; i < morph_eval_ngroups(ev); i++) {
		gr = morph_eval_group(ev, i);
		if (strcmp(gr->prompt, it->prompt) == 0 &&
		    strcmp(gr->case_id, it->case_id) == 0 &&
		    strcmp(gr->model, it->model) == 0)
			return gr;
	}
	return NULL;
}

/* The cases of a parent that fail on the merge. */
static const struct morph_error *
case_failures(struct morph_gate *g, const struct morph_eval *ev, int side)
{
	const struct morph_error *err = NULL;
	const struct morph_eval_item *it;
	const struct morph_eval_group *gr;
	struct morph_buf why = MORPH_BUF_INIT;
	struct morph_gate_failure f;
	const char *last = NULL, *lc = NULL, *lm = NULL;
	size_t i, n = morph_eval_count(ev, MORPH_EVAL_REGRESSION);

	for (i = 0; i < n && err == NULL; i++) {
		it = morph_eval_item(ev, MORPH_EVAL_REGRESSION, i);
		if (!it->significant || same_key(it, last, lc, lm))
			continue;
		last = it->prompt;
		lc = it->case_id;
		lm = it->model;
		memset(&f, 0, sizeof(f));
		f.kind = MORPH_GATE_CASE_FAILS;
		f.side = side;
		f.p_value = -1;
		f.n[0] = f.n[1] = f.k[0] = 1;
		if ((gr = group_of(ev, it)) != NULL) {
			f.n[0] = gr->n[1];
			f.k[0] = gr->k[1];
			f.n[1] = gr->n[0];
			f.k[1] = gr->k[0];
			f.p_value = gr->p_value;
		}
		morph_buf_clear(&why);
		if ((err = morph_eval_reasons(&why, &it->a, "")) != NULL)
			break;
		f.prompt = keep(g, it->prompt);
		f.case_id = keep(g, it->case_id);
		f.model = keep(g, it->model);
		f.reasons = keep(g, why.len ? why.ptr : "");
		if (f.prompt == NULL || f.case_id == NULL || f.model == NULL ||
		    f.reasons == NULL)
			err = morph_error(MORPH_ERR_NOMEM);
		else
			err = push_failure(g, &f);
	}
	morph_buf_release(&why);
	return err;
}

/* The cases a parent passes that the merge does not run. */
static const struct morph_error *
dropped_cases(struct morph_gate *g, const struct morph_eval *ev, int side)
{
	const struct morph_error *err = NULL;
	const struct morph_eval_item *it;
	struct morph_gate_case c;
	size_t i, n = morph_eval_count(ev, MORPH_EVAL_REMOVED);

	for (i = 0; i < n && err == NULL; i++) {
		it = morph_eval_item(ev, MORPH_EVAL_REMOVED, i);
		if (!passes(&it->b) || it->sample > 0)
			continue;
		memset(&c, 0, sizeof(c));
		c.prompt = keep(g, it->prompt);
		c.case_id = keep(g, it->case_id);
		c.model = keep(g, it->model);
		c.n[side] = c.k[side] = 1;
		if (c.prompt == NULL || c.case_id == NULL || c.model == NULL)
			return morph_error(MORPH_ERR_NOMEM);
		err = push_case(&g->dropped, &g->ndropped, &g->capdropped,
		    &c);
	}
	return err;
}

/* The models whose pass rate, over the pairs, falls below the parent's. */
static const struct morph_error *
rate_failures(struct morph_gate *g, const struct morph_eval *ev, int side)
{
	static const enum morph_eval_kind paired[] = { MORPH_EVAL_REGRESSION,
	    MORPH_EVAL_FIX, MORPH_EVAL_CHANGED, MORPH_EVAL_SAME };
	const struct morph_error *err = NULL;
	const struct morph_eval_model *m;
	const struct morph_eval_item *it;
	struct morph_gate_failure f;
	size_t i, j, k;

	for (i = 0; i < morph_eval_nmodels(ev) && err == NULL; i++) {
		m = morph_eval_model(ev, i);
		memset(&f, 0, sizeof(f));
		for (j = 0; j < sizeof(paired) / sizeof(paired[0]); j++)
			for (k = 0; k < morph_eval_count(ev, paired[j]); k++) {
				it = morph_eval_item(ev, paired[j], k);
				if (strcmp(it->model, m->model) != 0 ||
				    !asserted(&it->a) || !asserted(&it->b))
					continue;
				f.n[0]++;
				f.k[0] += passes(&it->b);
				f.k[1] += passes(&it->a);
			}
		f.n[1] = f.n[0];
		if (f.k[1] >= f.k[0])
			continue;
		if (g->alpha > 0 && !(m->p_value >= 0 && m->p_value < g->alpha))
			continue;
		f.kind = MORPH_GATE_RATE_FALLS;
		f.side = side;
		f.p_value = g->repeat > 1 ? m->p_value : -1;
		if ((f.model = keep(g, m->model)) == NULL)
			return morph_error(MORPH_ERR_NOMEM);
		err = push_failure(g, &f);
	}
	return err;
}

static const struct morph_error *
judge(struct morph_gate *g)
{
	struct morph_eval_opts eo = MORPH_EVAL_OPTS_INIT;
	const struct morph_error *err = NULL;
	struct morph_eval *ev = NULL;
	char run[32], base[32];
	int side;

	eo.significance = g->alpha;
	eo.allow_exec = g->run.allow_exec;
	eo.keep_all = 1;
	snprintf(run, sizeof(run), "#%lld",
	    (long long)g->info[MORPH_GATE_MERGED].num);
	for (side = 0; side < 2 && err == NULL; side++) {
		snprintf(base, sizeof(base), "#%lld",
		    (long long)g->info[side].num);
		if ((err = morph_eval_new(&ev, g->repo, run, base,
		    &eo)) != NULL)
			break;
		if ((err = case_failures(g, ev, side)) == NULL &&
		    (err = dropped_cases(g, ev, side)) == NULL)
			err = rate_failures(g, ev, side);
		morph_eval_free(ev);
		ev = NULL;
	}
	return err;
}

const struct morph_error *
morph_gate_run(struct morph_gate *g, enum morph_gate_side side)
{
	const struct morph_error *err;
	struct morph_run_outcome outcome;
	struct morph_gate_run_info *info;
	struct morph_plan *plan = NULL;
	struct collect c;

	if ((int)side < 0 || side > MORPH_GATE_MERGED)
		return morph_error_fmt(MORPH_ERR_INVALID, "gate: no such side");
	if (side == MORPH_GATE_MERGED && (!g->done[0] || !g->done[1]))
		return morph_error_fmt(MORPH_ERR_INVALID, "gate: the merge "
		    "runs after both parents");
	if (g->done[side])
		return NULL;
	/* Planned again now: what the parents answered is cached. */
	if ((err = plan_side(&plan, g, side)) != NULL)
		return err;
	err = morph_run_execute(&outcome, plan, g->repo, &g->run);
	info = &g->info[side];
	if (err == NULL) {
		info->num = outcome.num;
		info->calls = morph_plan_count(plan);
		info->cached = outcome.cached;
		info->sent = outcome.recorded - outcome.cached;
		info->errors = outcome.errors;
	}
	morph_plan_free(plan);
	if (err != NULL)
		return morph_error_wrap(err, "the gate's run of %s",
		    side_names[side]);
	if (side != MORPH_GATE_MERGED) {
		memset(&c, 0, sizeof(c));
		c.g = g;
		c.side = side;
		if ((err = morph_run_results(g->repo, info->num,
		    collect_result, &c)) != NULL ||
		    (err = flush_group(&c)) != NULL)
			return err;
		g->done[side] = 1;
		if (g->done[0] && g->done[1])
			join_bar(g);
		return NULL;
	}
	if ((err = judge(g)) != NULL)
		return err;
	g->done[side] = 1;
	return NULL;
}

const struct morph_gate_run_info *
morph_gate_run_info(const struct morph_gate *g, enum morph_gate_side side)
{
	return &g->info[side];
}

size_t
morph_gate_ncases(const struct morph_gate *g)
{
	return g->ncases;
}

const struct morph_gate_case *
morph_gate_case(const struct morph_gate *g, size_t i)
{
	return &g->cases[i];
}

size_t
morph_gate_nrates(const struct morph_gate *g)
{
	return g->nrates;
}

const struct morph_gate_rate *
morph_gate_rate(const struct morph_gate *g, size_t i)
{
	return &g->rates[i];
}

int
morph_gate_passed(const struct morph_gate *g)
{
	return g->done[MORPH_GATE_MERGED] && g->nfails == 0;
}

size_t
morph_gate_nfailures(const struct morph_gate *g)
{
	return g->nfails;
}

const struct morph_gate_failure *
morph_gate_failure(const struct morph_gate *g, size_t i)
{
	return &g->fails[i];
}

size_t
morph_gate_ndropped(const struct morph_gate *g)
{
	return g->ndropped;
}

const struct morph_gate_case *
morph_gate_dropped(const struct morph_gate *g, size_t i)
{
	return &g->dropped[i];
}

const struct morph_error *
morph_gate_configured(int *on, struct morph_repo *repo, const char *branch)
{
	const cJSON *v = morph_config_lookup(repo, "merge.gate"), *e;

	*on = 0;
	if (v == NULL || cJSON_IsFalse(v))
		return NULL;
	if (cJSON_IsTrue(v) || (cJSON_IsString(v) &&
	    strcmp(v->valuestring, "true") == 0)) {
		*on = 1;
		return NULL;
	}
	if (cJSON_IsString(v)) {
		if (strcmp(v->valuestring, "false") != 0)
			*on = branch != NULL &&
			    strcmp(v->valuestring, branch) == 0;
		return NULL;
	}
	if (!cJSON_IsArray(v))
		return morph_error_fmt(MORPH_ERR_INVALID, "merge.gate: "
		    "expected true, false, a branch name or a list of them");
	cJSON_ArrayForEach(e, v) {
		if (!cJSON_IsString(e))
			return morph_error_fmt(MORPH_ERR_INVALID, "merge.gate: "
			    "a list of branch names holds something else");
		if (branch != NULL && strcmp(e->valuestring, branch) == 0)
			*on = 1;
	}
	return NULL;
}
