/*
 * Choosing models on evidence (see include/morph/select.h and
 * morph-select(1), which gives the formulas).
 *
 * Invariants:
 *  1. Candidates are the priced models cheaper than the baseline, tested
 *     from the most expensive down, each at the full level alpha; the
 *     descent stops at the first that does not qualify.  Since a model is
 *     recommended only when it and every dearer candidate qualified, the
 *     chance of recommending any model worse than the margin is at most
 *     alpha (a fixed-sequence procedure: no alpha is split).
 *  2. The pairing of two rows is by (prompt, case), in the order
 *     compare.c sorts cases in; a case only one model answered is left
 *     out of the paired test (it still counts towards its floor).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "morph/compare.h"
#include "morph/select.h"
#include "morph/stats.h"
#include "suite_int.h"

struct morph_select {
	struct morph_select_rule	 rule;
	struct morph_select_prompt	*prompts;
	size_t				 nprompts;
	struct morph_select_candidate	*cands;		/* prompts point in */
};

static enum morph_select_floor
floor_test(double *lo, double *hi, const struct morph_compare_row *r,
    const struct morph_select_rule *rule)
{
	if (r->rate < 0) {
		*lo = 0;
		*hi = 1;
		return rule->floor > 0 ? MORPH_SELECT_FLOOR_UNSURE :
		    MORPH_SELECT_FLOOR_MEETS;
	}
	morph_stats_wilson_bounds(lo, hi, r->rate * r->neff, r->neff,
	    rule->alpha);
	if (*lo >= rule->floor)
		return MORPH_SELECT_FLOOR_MEETS;
	if (*hi < rule->floor)
		return MORPH_SELECT_FLOOR_FAILS;
	return MORPH_SELECT_FLOOR_UNSURE;
}

static int
cmp_case(const struct morph_compare_case *a, const struct morph_compare_case *b)
{
	int c;

	if ((c = strcmp(a->prompt, b->prompt)) != 0)
		return c;
	return strcmp(a->case_id, b->case_id);
}

/*
 * The per-case pass rates of cand minus base's, over the cases both
 * answered with assertions, into d (room for cand->ncases); *b and *c
 * count the cases only cand, or only base, passed (single samples).
 */
static size_t
pair(double *d, double *b, double *c, const struct morph_compare_row *cand,
    const struct morph_compare_row *base)
{
	const struct morph_compare_case *x, *y;
	size_t i = 0, j = 0, n = 0;
	double rx, ry;
	int o;

	*b = *c = 0;
	while (i < cand->ncases && j < base->ncases) {
		x = &cand->cases[i];
		y = &base->cases[j];
		if ((o = cmp_case(x, y)) < 0) {
			i++;
			continue;
		}
		if (o > 0) {
			j++;
			continue;
		}
		i++;
		j++;
		if (x->n == 0 || y->n == 0)
			continue;
		rx = (double)x->k / x->n;
		ry = (double)y->k / y->n;
		d[n++] = rx - ry;
		if (rx > ry)
			*b += 1;
		else if (rx < ry)
			*c += 1;
	}
	return n;
}

/*
 * The smallest whole number from lo up (at most 10^7) for which settled()
 * holds, or -1; settled must stay true once it is (it does for a
 * statistic that grows as the square root of the sample).
 */
static int64_t
smallest(int (*settled)(double, const void *), const void *arg, double lo)
{
	double hi = lo < 2 ? 2 : lo, mid;

	while (!settled(hi, arg)) {
		if (hi > 1e7)
			return -1;
		hi *= 2;
	}
	while (hi - lo > 1) {
		mid = floor((lo + hi) / 2);
		if (settled(mid, arg))
			hi = mid;
		else
			lo = mid;
	}
	return (int64_t)hi;
}

struct floor_need {
	double	rate, ratio, floor, alpha;	/* ratio: neff a case */
};

static int
floor_settled(double cases, const void *arg)
{
	const struct floor_need *f = arg;
	double lo, hi, n = cases * f->ratio;

	morph_stats_wilson_bounds(&lo, &hi, f->rate * n, n, f->alpha);
	return lo >= f->floor || hi < f->floor;
}

struct test_need {
	double	stat, n, alpha;
	int	t;		/* Student's t, else normal */
};

static int
test_settled(double cases, const void *arg)
{
	const struct test_need *t = arg;
	double s = fabs(t->stat) * sqrt(cases / t->n);

	if (t->t)
		return cases >= 2 && morph_stats_t_cdf(s, cases - 1) >=
		    1 - t->alpha;
	return morph_stats_normal_cdf(s) >= 1 - t->alpha;
}

/* The cases that would settle candidate x's open tests, if rates held. */
static int64_t
cases_needed(const struct morph_select_candidate *x,
    const struct morph_select_rule *rule)
{
	const struct morph_compare_row *r = x->row;
	int64_t need = 0, k;

	if (x->floor == MORPH_SELECT_FLOOR_UNSURE) {
		struct floor_need f = { r->rate, r->ncases > 0 ?
		    r->neff / (double)r->ncases : 1, rule->floor,
		    rule->alpha };

		if (r->rate < 0 || r->rate == rule->floor)
			return -1;
		if ((k = smallest(floor_settled, &f,
		    (double)r->ncases)) < 0)
			return -1;
		need = k;
	}
	if (!x->noninferior && !x->inferior) {
		struct test_need t = { x->stat, x->paired, rule->alpha,
		    x->repeated };

		if (x->paired == 0 || x->stat == 0 || isinf(x->stat))
			return -1;
		if ((k = smallest(test_settled, &t, x->paired)) < 0)
			return -1;
		if (k > need)
			need = k;
	}
	return need;
}

static void
test_candidate(struct morph_select_candidate *x,
    const struct morph_compare_row *base, const struct morph_select_rule *r,
    double *d)
{
	double b, c, crit;
	size_t n;

	x->floor = floor_test(&x->floor_lo, &x->floor_hi, x->row, r);
	n = pair(d, &b, &c, x->row, base);
	x->paired = (int)n;
	x->repeated = x->row->repeated || base->repeated;
	if (x->repeated) {
		size_t i;

		x->p_value = morph_stats_paired_noninferior(&x->stat, d, n,
		    r->margin);
		x->diff = 0;
		for (i = 0; i < n; i++)
			x->diff += d[i];
		x->diff = n > 0 ? x->diff / (double)n : 0;
		/* Shown worse: the other one-sided test rejects. */
		x->inferior = n >= 2 &&
		    morph_stats_t_cdf(x->stat, (double)(n - 1)) < r->alpha;
	} else {
		x->p_value = morph_stats_tango_noninferior(&x->stat, b, c,
		    (double)n, r->margin);
		x->diff = n > 0 ? (b - c) / (double)n : 0;
		crit = morph_stats_normal_quantile(1 - r->alpha);
		x->inferior = n > 0 && x->stat < -crit;
	}
	x->noninferior = n > 0 && x->p_value < r->alpha;
	x->qualifies = x->floor == MORPH_SELECT_FLOOR_MEETS &&
	    x->noninferior;
}

const struct morph_error *
morph_select_decide(struct morph_select_prompt *sp,
    struct morph_select_candidate *cv, const struct morph_compare_group *g,
    const struct morph_select_rule *rule)
{
	const struct morph_compare_row *base = g->current;
	struct morph_select_candidate *x;
	double *d;
	size_t i;

	memset(sp, 0, sizeof(*sp));
	sp->prompt = g->prompt;
	sp->baseline = base;
	sp->chosen = base;
	sp->tested = cv;
	sp->cases_needed = -1;
	if (base == NULL) {
		/* The configured model was not run on this prompt. */
		sp->verdict = MORPH_SELECT_INCONCLUSIVE;
		sp->baseline_floor = MORPH_SELECT_FLOOR_UNSURE;
		return NULL;
	}
	sp->baseline_floor = floor_test(&sp->floor_lo, &sp->floor_hi, base,
	    rule);
	sp->verdict = MORPH_SELECT_KEEP;
	if (base->cost_per_call < 0)
		return NULL;	/* unpriced: nothing is known to be cheaper */
	if ((d = calloc(base->ncases + 1, sizeof(*d))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	for (i = (size_t)(base - g->rows); i-- > 0;) {
		if (g->rows[i].cost_per_call < 0 ||
		    g->rows[i].cost_per_call >= base->cost_per_call)
			continue;
		x = &cv[sp->ntested++];
		memset(x, 0, sizeof(*x));
		x->row = &g->rows[i];
		test_candidate(x, base, rule, d);
		if (!x->qualifies)
			break;
		sp->chosen = x->row;
	}
	free(d);
	if (sp->chosen != base)
		sp->verdict = MORPH_SELECT_RECOMMEND;
	else if (sp->ntested > 0) {
		x = &cv[0];
		if (x->floor == MORPH_SELECT_FLOOR_FAILS || x->inferior)
			sp->verdict = MORPH_SELECT_KEEP;
		else {
			sp->verdict = MORPH_SELECT_INCONCLUSIVE;
			sp->cases_needed = cases_needed(x, rule);
		}
	}
	return NULL;
}

const char *
morph_select_rule_baseline(const struct morph_select_rule *rule,
    const char *prompt)
{
	size_t k;

	for (k = 0; prompt != NULL && k < rule->nbaselines; k++)
		if (morph_suite_glob_match(rule->baselines[k].prompts, prompt))
			return rule->baselines[k].model;
	return rule->baseline;
}

const struct morph_error *
morph_select_new(struct morph_select **out, const struct morph_compare *cmp,
    const struct morph_select_rule *rule)
{
	const struct morph_error *err = NULL;
	const struct morph_compare_group *g;
	struct morph_select *sel;
	size_t i, rows = 0, at = 0;

	*out = NULL;
	if ((sel = calloc(1, sizeof(*sel))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	sel->rule = rule != NULL ? *rule : *morph_compare_rule(cmp);
	sel->nprompts = morph_compare_ngroups(cmp);
	/* Groups have no prompt only when they are the whole suite. */
	if (sel->nprompts > 0 && morph_compare_group(cmp, 0)->prompt ==
	    NULL && morph_compare_rule(cmp)->nbaselines > 0) {
		morph_select_free(sel);
		return morph_error_fmt(MORPH_ERR_INVALID, "select: the "
		    "suite as a whole has no baseline: select.baseline of "
		    "morph.json names the model of each prompt, so judge "
		    "each prompt (without --total)");
	}
	for (i = 0; i < sel->nprompts; i++)
		rows += morph_compare_group(cmp, i)->nrows;
	if ((sel->prompts = calloc(sel->nprompts + 1,
	    sizeof(*sel->prompts))) == NULL ||
	    (sel->cands = calloc(rows + 1, sizeof(*sel->cands))) == NULL) {
		morph_select_free(sel);
		return morph_error(MORPH_ERR_NOMEM);
	}
	for (i = 0; i < sel->nprompts && err == NULL; i++) {
		g = morph_compare_group(cmp, i);
		err = morph_select_decide(&sel->prompts[i], &sel->cands[at], g,
		    &sel->rule);
		at += g->nrows;
	}
	if (err != NULL) {
		morph_select_free(sel);
		return err;
	}
	*out = sel;
	return NULL;
}

void
morph_select_free(struct morph_select *sel)
{
	if (sel == NULL)
		return;
	free(sel->prompts);
	free(sel->cands);
	free(sel);
}

const struct morph_select_rule *
morph_select_get_rule(const struct morph_select *sel)
{
	return &sel->rule;
}

size_t
morph_select_nprompts(const struct morph_select *sel)
{
	return sel->nprompts;
}

const struct morph_select_prompt *
morph_select_prompt(const struct morph_select *sel, size_t i)
{
	return i < sel->nprompts ? &sel->prompts[i] : NULL;
}

size_t
morph_select_check(const struct morph_select *sel)
{
	size_t i, n = 0;

	for (i = 0; i < sel->nprompts; i++)
		if (sel->prompts[i].baseline_floor ==
		    MORPH_SELECT_FLOOR_FAILS ||
		    sel->prompts[i].verdict == MORPH_SELECT_RECOMMEND)
			n++;
	return n;
}
