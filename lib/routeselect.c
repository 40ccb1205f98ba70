/*
 * The routing plan from morph select's decision (morph_route_plan_select
 * in morph/route.h): per prompt, the model select chose first, then the
 * models to fall back to up the frontier, and every other model left out
 * with the reason the evidence gives.
 *
 * Invariants:
 *  1. The first candidate is select's choice (the cheapest model that
 *     qualified, else the baseline); the others are dearer: the
 *     candidates that qualified on the way down, the baseline, and the
 *     models of the Pareto frontier dearer than the baseline that are
 *     not shown below the floor, cheapest first.  A router thus never
 *     falls back to a model the evidence says is worse.
 *  2. A prompt whose baseline has no results has no candidate: there is
 *     nothing to compare with, so nothing is routed.
 *  3. Prices are the price table's (for the router to weigh); costs per
 *     call and pass rates are the runs' (compare.h).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "morph/commit.h"
#include "morph/compare.h"
#include "morph/prices.h"
#include "morph/provider.h"
#include "morph/route.h"
#include "morph/run.h"
#include "morph/select.h"
#include "morph/stats.h"
#include "route_int.h"
#include "suite_int.h"

static char *
dupfmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *
dupfmt(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || (s = malloc((size_t)n + 1)) == NULL)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

const struct morph_error *
morph_route_case_text(char **out, const struct morph_suite *s, const char *path,
    const char *case_id)
{
	const struct morph_suite_prompt *p = NULL;
	const struct morph_suite_case *c = NULL;
	const struct morph_error *err;
	const cJSON *m, *role, *content;
	cJSON *msgs;
	size_t i;

	*out = NULL;
	for (i = 0; i < s->nprompts && p == NULL; i++)
		if (strcmp(s->prompts[i].path, path) == 0)
			p = &s->prompts[i];
	for (i = 0; i < s->ncases && c == NULL; i++)
		if (strcmp(s->cases[i].id, case_id) == 0)
			c = &s->cases[i];
	if (p == NULL || c == NULL)
		return NULL;
	if ((err = morph_suite_render(&msgs, p, c)) != NULL)
		return err;
	content = NULL;
	cJSON_ArrayForEach(m, msgs) {
		role = cJSON_GetObjectItemCaseSensitive(m, "role");
		if (cJSON_IsString(role) && strcmp(role->valuestring,
		    "user") == 0)
			content = cJSON_GetObjectItemCaseSensitive(m,
			    "content");
	}
	if (cJSON_IsString(content))
		*out = strdup(content->valuestring);
	else if (content != NULL)
		*out = cJSON_PrintUnformatted(content);
	else
		*out = strdup("");
	cJSON_Delete(msgs);
	return *out == NULL ? morph_error(MORPH_ERR_NOMEM) : NULL;
}

const struct morph_error *
morph_route_model_facts(struct morph_route_model *m, struct morph_repo *repo,
    struct morph_prices *prices, const struct morph_suite *s, int64_t at_ms)
{
	const struct morph_suite_model *sm = NULL;
	const struct morph_error *err;
	struct morph_price_view v;
	struct morph_provider prov;
	const char *spec, *colon;
	size_t i;

	for (i = 0; i < s->nmodels && sm == NULL; i++)
		if (strcmp(s->models[i].id, m->id) == 0)
			sm = &s->models[i];
	/* A model given to morph run on its command line has its spec as
	   its id. */
	spec = sm != NULL ? sm->spec : m->id;
	if ((colon = strchr(spec, ':')) == NULL || colon == spec)
		return morph_error_fmt(MORPH_ERR_CORRUPT, "route: the run has "
		    "results of model '%s', which its suite does not list",
		    m->id);
	if ((m->provider = strndup(spec, (size_t)(colon - spec))) == NULL ||
	    (m->model = strdup(colon + 1)) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	memset(&prov, 0, sizeof(prov));
	if (morph_provider_lookup(&prov, repo, m->provider) == NULL &&
	    prov.key_env != NULL &&
	    (m->key_env = strdup(prov.key_env)) == NULL) {
		morph_provider_release(&prov);
		return morph_error(MORPH_ERR_NOMEM);
	}
	morph_provider_release(&prov);
	m->in_mtok = m->out_mtok = m->cache_read_mtok = -1;
	m->cache_write_mtok = -1;
	if ((err = morph_prices_view(&v, prices, repo, spec,
	    at_ms)) != NULL)
		return err;
	m->priced = v.priced;
	if (v.free) {
		m->in_mtok = m->out_mtok = 0;
	} else if (v.priced) {
		m->in_mtok = v.base.in;
		m->out_mtok = v.base.out;
		m->cache_read_mtok = v.base.cache_read;
		m->cache_write_mtok = v.base.cache_write;
	}
	morph_price_view_release(&v);
	return NULL;
}

/* Cheapest per call first; unpriced last; then by id. */
static int
by_cost(const void *a, const void *b)
{
	const struct morph_route_model *x = a, *y = b;

	if ((x->cost_nusd < 0) != (y->cost_nusd < 0))
		return x->cost_nusd < 0 ? 1 : -1;
	if (x->cost_nusd != y->cost_nusd)
		return x->cost_nusd < y->cost_nusd ? -1 : 1;
	return strcmp(x->id, y->id);
}

static int
by_string(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* What every prompt shares while its plan is made. */
struct source {
	struct morph_repo		*repo;
	struct morph_prices		*prices;
	const struct morph_suite	*suite;
	const struct morph_select_rule	*rule;
	int64_t				 at_ms;
};

/*
 * The ids of the cases any row of g answered, sorted and distinct, into
 * *out (pointing into g's rows).
 */
static const struct morph_error *
group_cases(const char ***out, size_t *n, const struct morph_compare_group *g)
{
	const char **ids;
	size_t i, j, all = 0;

	for (i = 0; i < g->nrows; i++)
		all += g->rows[i].ncases;
	if ((ids = calloc(all + 1, sizeof(*ids))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	all = 0;
	for (i = 0; i < g->nrows; i++)
		for (j = 0; j < g->rows[i].ncases; j++)
			ids[all++] = g->rows[i].cases[j].case_id;
	qsort(ids, all, sizeof(*ids), by_string);
	for (i = j = 0; i < all; i++)
		if (j == 0 || strcmp(ids[j - 1], ids[i]) != 0)
			ids[j++] = ids[i];
	*out = ids;
	*n = j;
	return NULL;
}

/* A row's per-case pass rates, in the order of ids. */
static double *
row_scores(const struct morph_compare_row *r, const char **ids, size_t n)
{
	const struct morph_compare_case *c;
	const char **at;
	double *s;
	size_t i;

	if ((s = malloc((n + 1) * sizeof(*s))) == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		s[i] = -1;
	for (i = 0; i < r->ncases; i++) {
		c = &r->cases[i];
		at = bsearch(&c->case_id, ids, n, sizeof(*ids), by_string);
		if (at != NULL && c->n > 0)
			s[at - ids] = (double)c->k / c->n;
	}
	return s;
}

static const char *
pct(char *buf, size_t size, double v)
{
	snprintf(buf, size, "%.0f%%", 100 * v);
	return buf;
}

/* Why a candidate select tested did not qualify; *open: not settled. */
static char *
why_not(const struct morph_select_candidate *x,
    const struct morph_select_prompt *sp, const struct morph_select_rule *r,
    int *open)
{
	char a[16], b[16], f[16], need[64] = "";
	const char *test = x->repeated ? "t" : "Z";

	*open = 0;
	if (x->floor == MORPH_SELECT_FLOOR_FAILS)
		return dupfmt("below the floor: its one-sided upper bound "
		    "%s is under %s", pct(a, sizeof(a), x->floor_hi),
		    pct(b, sizeof(b), r->floor));
	if (x->inferior)
		return dupfmt("worse than %s by more than the margin %g: "
		    "%+.1f points on %d paired cases (%s = %.2f)",
		    sp->baseline->model, r->margin, 100 * x->diff, x->paired,
		    test, x->stat);
	*open = 1;
	if (x == &sp->tested[0] && sp->cases_needed > 0)
		snprintf(need, sizeof(need), "; about %lld cases would "
		    "settle it", (long long)sp->cases_needed);
	if (x->floor == MORPH_SELECT_FLOOR_UNSURE)
		return dupfmt("inconclusive: not shown to meet the floor %s "
		    "(one-sided bounds %s to %s)%s", pct(f, sizeof(f),
		    r->floor), pct(a, sizeof(a), x->floor_lo),
		    pct(b, sizeof(b), x->floor_hi), need);
	return dupfmt("inconclusive: not shown within the margin %g of %s "
	    "(%+.1f points on %d paired cases, p = %.3f)%s", r->margin,
	    sp->baseline->model, 100 * x->diff, x->paired, x->p_value, need);
}

/*
 * Places row r of a prompt: as a candidate (the verdict is not
 * EXCLUDED) or left out, with its reason in m.
 */
static void
judge_row(struct morph_route_model *m, const struct morph_compare_row *r,
    const struct morph_select_prompt *sp, const struct source *src)
{
	const struct morph_select_rule *rule = src->rule;
	const struct morph_select_candidate *x = NULL;
	const struct morph_compare_row *base = sp->baseline;
	char a[16], b[16];
	double lo, hi;
	size_t i;
	int open;

	for (i = 0; i < sp->ntested; i++)
		if (sp->tested[i].row == r)
			x = &sp->tested[i];
	m->verdict = MORPH_ROUTE_EXCLUDED;
	if (base == NULL) {
		m->verdict = MORPH_ROUTE_INCONCLUSIVE;
		m->reason = dupfmt("the baseline has no results on this "
		    "prompt: nothing to compare with");
	} else if (r == sp->chosen && r != base) {
		m->verdict = MORPH_ROUTE_RECOMMEND;
		m->reason = dupfmt("the cheapest that meets the floor %s and "
		    "is within the margin %g of %s (p = %.3f)",
		    pct(a, sizeof(a), rule->floor), rule->margin, base->model,
		    x != NULL ? x->p_value : 0);
	} else if (r == sp->chosen) {
		m->verdict = MORPH_ROUTE_KEEP;
		if (sp->baseline_floor == MORPH_SELECT_FLOOR_FAILS)
			m->reason = dupfmt("the baseline, kept for want of a "
			    "better one, though below the floor: one-sided "
			    "upper bound %s under %s",
			    pct(a, sizeof(a), sp->floor_hi),
			    pct(b, sizeof(b), rule->floor));
		else if (sp->ntested == 0)
			m->reason = dupfmt("the baseline, kept: no priced "
			    "model is cheaper");
		else if (sp->verdict == MORPH_SELECT_INCONCLUSIVE)
			m->reason = dupfmt("the baseline, kept while the "
			    "evidence on a cheaper model is inconclusive");
		else
			m->reason = dupfmt("the baseline, kept: no cheaper "
			    "model qualifies");
	} else if (!m->priced)
		m->reason = dupfmt("unpriced: the price table has no row "
		    "for it, so a router cannot weigh its cost");
	else if (r->asserted == 0)
		m->reason = dupfmt("no results with assertions: nothing "
		    "measures its quality");
	else if (x != NULL && x->qualifies) {
		m->verdict = MORPH_ROUTE_QUALIFIES;
		m->reason = dupfmt("qualifies (meets the floor, within the "
		    "margin, p = %.3f); a cheaper one does too", x->p_value);
	} else if (x != NULL) {
		m->reason = why_not(x, sp, rule, &open);
		if (open)
			m->verdict = MORPH_ROUTE_INCONCLUSIVE;
	} else if (r->cost_per_call >= 0 && base->cost_per_call >= 0 &&
	    r->cost_per_call < base->cost_per_call)
		m->reason = dupfmt("not tested: the descent from the "
		    "dearest stopped at %s", sp->tested[sp->ntested - 1].row->
		    model);
	else if (r == base && sp->baseline_floor == MORPH_SELECT_FLOOR_FAILS)
		m->reason = dupfmt("the baseline, below the floor: one-sided "
		    "upper bound %s under %s", pct(a, sizeof(a), sp->floor_hi),
		    pct(b, sizeof(b), rule->floor));
	else if (r == base) {
		m->verdict = MORPH_ROUTE_QUALIFIES;
		m->reason = dupfmt("the baseline: a fallback");
	} else if (!r->frontier)
		m->reason = dupfmt("dearer than the baseline and off the "
		    "frontier: another model is as good, as cheap and as "
		    "fast, and better on one");
	else {
		morph_stats_wilson_bounds(&lo, &hi, r->rate * r->neff,
		    r->neff, rule->alpha);
		if (hi < rule->floor)
			m->reason = dupfmt("below the floor: one-sided upper "
			    "bound %s under %s", pct(a, sizeof(a), hi),
			    pct(b, sizeof(b), rule->floor));
		else {
			m->verdict = MORPH_ROUTE_QUALIFIES;
			m->reason = dupfmt("on the frontier, dearer than the "
			    "baseline: a fallback up the frontier");
		}
	}
}

/* The model of row r as the plan knows it, judged. */
static const struct morph_error *
model_of(struct morph_route_model *m, const struct morph_compare_row *r,
    const struct morph_select_prompt *sp, const char **ids, size_t nids,
    const struct source *src)
{
	const struct morph_error *err;

	if ((m->id = strdup(r->model)) == NULL ||
	    (m->scores = row_scores(r, ids, nids)) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	m->n = r->asserted;
	m->k = r->passed;
	m->rate = r->rate;
	m->lo = r->asserted > 0 ? r->lo : -1;
	m->hi = r->asserted > 0 ? r->hi : -1;
	m->cost_nusd = r->cost_per_call < 0 ? -1 :
	    (int64_t)llround(r->cost_per_call);
	if ((err = morph_route_model_facts(m, src->repo, src->prices,
	    src->suite, src->at_ms)) != NULL)
		return err;
	judge_row(m, r, sp, src);
	return m->reason == NULL ? morph_error(MORPH_ERR_NOMEM) : NULL;
}

static const struct morph_error *
build_prompt(struct morph_route_prompt *out, const struct morph_compare_group *g,
    const struct morph_select_prompt *sp, const struct source *src)
{
	const struct morph_error *err;
	struct morph_route_model *all;
	const char **ids = NULL;
	size_t i, nids = 0, nc = 0;

	if ((out->path = strdup(g->prompt)) == NULL ||
	    (sp->baseline != NULL &&
	    (out->baseline = strdup(sp->baseline->model)) == NULL))
		return morph_error(MORPH_ERR_NOMEM);
	if ((err = group_cases(&ids, &nids, g)) != NULL)
		return err;
	if ((out->cases = calloc(nids + 1, sizeof(*out->cases))) == NULL ||
	    (all = calloc(g->nrows + 1, sizeof(*all))) == NULL) {
		free(ids);
		return morph_error(MORPH_ERR_NOMEM);
	}
	for (i = 0; i < nids && err == NULL; i++) {
		out->ncases++;
		if ((out->cases[i].id = strdup(ids[i])) == NULL)
			err = morph_error(MORPH_ERR_NOMEM);
		else
			err = morph_route_case_text(&out->cases[i].text,
			    src->suite, out->path, ids[i]);
	}
	for (i = 0; i < g->nrows && err == NULL; i++)
		err = model_of(&all[i], &g->rows[i], sp, ids, nids, src);
	free(ids);
	if (err == NULL)
		qsort(all, g->nrows, sizeof(*all), by_cost);
	for (i = 0; i < g->nrows; i++)
		if (all[i].reason != NULL &&
		    all[i].verdict != MORPH_ROUTE_EXCLUDED &&
		    all[i].verdict != MORPH_ROUTE_INCONCLUSIVE)
			nc++;
	if (err == NULL && ((out->candidates = calloc(nc + 1,
	    sizeof(*all))) == NULL || (out->left_out = calloc(g->nrows -
	    nc + 1, sizeof(*all))) == NULL))
		err = morph_error(MORPH_ERR_NOMEM);
	/* The choice first (it leads even when unpriced), then by cost. */
	for (i = 0; i < g->nrows && err == NULL; i++)
		if (all[i].verdict == MORPH_ROUTE_RECOMMEND ||
		    all[i].verdict == MORPH_ROUTE_KEEP) {
			out->candidates[out->ncandidates++] = all[i];
			all[i].id = NULL;
		}
	for (i = 0; i < g->nrows && err == NULL; i++) {
		if (all[i].id == NULL)
			continue;
		if (all[i].verdict == MORPH_ROUTE_QUALIFIES)
			out->candidates[out->ncandidates++] = all[i];
		else
			out->left_out[out->nleft_out++] = all[i];
		all[i].id = NULL;
	}
	for (i = 0; i < g->nrows; i++)
		if (all[i].id != NULL)
			morph_route_model_release(&all[i]);
	free(all);
	return err;
}

static int
by_path(const void *a, const void *b)
{
	const struct morph_route_prompt *x = a, *y = b;

	return strcmp(x->path, y->path);
}

/* The suite the comparison judged: that of its first run. */
static const struct morph_error *
load_suite(struct morph_suite **out, struct morph_repo *repo,
    const struct morph_run_info *ri)
{
	const struct morph_error *err;
	struct morph_commit *c;

	if (ri->worktree)
		return morph_suite_load(out, repo, &ri->tree);
	if ((err = morph_commit_read(&c, repo, &ri->commit)) != NULL)
		return err;
	err = morph_suite_load(out, repo, morph_commit_tree(c));
	morph_commit_free(c);
	return err;
}

/* The rule's baseline as the header names it: an id, or "{glob: id}". */
static const struct morph_error *
rule_baseline(char **out, const struct morph_compare *cmp,
    const struct morph_select_rule *rule)
{
	struct morph_buf b = MORPH_BUF_INIT;
	size_t i;

	*out = NULL;
	if (rule->nbaselines == 0) {
		if (morph_compare_current(cmp) != NULL &&
		    (*out = strdup(morph_compare_current(cmp))) == NULL)
			return morph_error(MORPH_ERR_NOMEM);
		return NULL;
	}
	morph_buf_putc(&b, '{');
	for (i = 0; i < rule->nbaselines; i++)
		morph_buf_printf(&b, "%s%s: %s", i > 0 ? ", " : "",
		    rule->baselines[i].prompts, rule->baselines[i].model);
	morph_buf_putc(&b, '}');
	if (morph_buf_status(&b) != NULL ||
	    (*out = strdup(morph_buf_cstr(&b))) == NULL) {
		morph_buf_release(&b);
		return morph_error(MORPH_ERR_NOMEM);
	}
	morph_buf_release(&b);
	return NULL;
}

static const struct morph_error *
plan_header(struct morph_route_plan *plan, const struct morph_compare *cmp,
    const struct morph_select_rule *rule)
{
	const struct morph_run_info *ri;
	const struct morph_error *err;
	size_t i, n = morph_compare_nruns(cmp);

	plan->commit = morph_compare_run(cmp, 0)->commit;
	plan->rule.floor = rule->floor;
	plan->rule.margin = rule->margin;
	plan->rule.alpha = rule->alpha;
	if ((err = rule_baseline(&plan->rule.baseline, cmp, rule)) != NULL)
		return err;
	if ((plan->source = strdup("morph select: the cheapest model that "
	    "meets the floor and is within the margin of the baseline, "
	    "then fallbacks up the frontier")) == NULL ||
	    (plan->runs = calloc(n + 1, sizeof(*plan->runs))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	for (i = 0; i < n; i++) {
		ri = morph_compare_run(cmp, i);
		if ((plan->runs[i] = ri->is_sealed ?
		    strdup(morph_oid_tostr(&ri->sealed)) :
		    dupfmt("#%lld", (long long)ri->num)) == NULL)
			return morph_error(MORPH_ERR_NOMEM);
		plan->nruns++;
	}
	return NULL;
}

const struct morph_error *
morph_route_plan_select(struct morph_route_plan **out,
    struct morph_repo *repo, const struct morph_compare *cmp,
    const struct morph_select *sel, int64_t at_ms)
{
	const struct morph_error *err;
	const struct morph_compare_group *g;
	struct morph_route_plan *plan;
	struct morph_suite *suite = NULL;
	struct source src;
	struct timespec ts;
	size_t i, n = morph_select_nprompts(sel);

	*out = NULL;
	for (i = 0; i < n; i++)
		if (morph_compare_group(cmp, i)->prompt == NULL)
			return morph_error_fmt(MORPH_ERR_INVALID, "route: a "
			    "router routes prompts: compare them per prompt, "
			    "not with --total");
	if (at_ms == 0) {
		clock_gettime(CLOCK_REALTIME, &ts);
		at_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	}
	if ((plan = calloc(1, sizeof(*plan))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	memset(&src, 0, sizeof(src));
	src.repo = repo;
	src.rule = morph_select_get_rule(sel);
	src.at_ms = at_ms;
	if ((err = plan_header(plan, cmp, src.rule)) != NULL ||
	    (err = load_suite(&suite, repo, morph_compare_run(cmp, 0))) !=
	    NULL || (err = morph_prices_open(&src.prices, repo)) != NULL)
		goto done;
	src.suite = suite;
	if ((plan->prompts = calloc(n + 1, sizeof(*plan->prompts))) == NULL) {
		err = morph_error(MORPH_ERR_NOMEM);
		goto done;
	}
	for (i = 0; i < n && err == NULL; i++) {
		g = morph_compare_group(cmp, i);
		plan->nprompts++;
		err = build_prompt(&plan->prompts[i], g,
		    morph_select_prompt(sel, i), &src);
	}
	if (err == NULL)
		qsort(plan->prompts, plan->nprompts, sizeof(*plan->prompts),
		    by_path);
done:
	morph_prices_close(src.prices);
	morph_suite_free(suite);
	if (err != NULL)
		morph_route_plan_free(plan);
	else
		*out = plan;
	return err;
}
