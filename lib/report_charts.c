/*
 * The charts of morph report's page (lib/report_html.c): the branch's
 * trend (pass rate, cost per call and p95 latency per model along the
 * first-parent history, lib/report_trend.c), the cost-quality scatter
 * with the Pareto frontier of morph compare over the whole run, and the
 * distribution of the run's latencies per model, each drawn as inline
 * SVG by lib/svgchart.c, which escapes every label.
 *
 * The latencies are the only figures read here result by result; they
 * are kept one number a result, models apart, and freed before return.
 *
 * A model keeps its colour, marker and dash across the charts: the
 * palette gives each model its style when it first appears (the trend's
 * models first, in order of name), and every later chart looks it up.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "morph/compare.h"
#include "morph/run.h"
#include "report_int.h"
#include "report_trend.h"
#include "svgchart.h"

/* How far back the trend goes. */
#define TREND_COMMITS	30

/* The models drawn so far, in the order of their styles. */
struct palette {
	char	**models;
	size_t	  n;
};

/*
 * The style of model as svgchart takes it (1 for the first style):
 * the one it was given, or the next one.  0 when memory runs out: that
 * chart styles it by its place.
 */
static size_t
palette_style(struct palette *pal, const char *model)
{
	char **p;
	size_t i;

	for (i = 0; i < pal->n; i++)
		if (strcmp(pal->models[i], model) == 0)
			return i + 1;
	if ((p = realloc(pal->models, (pal->n + 1) * sizeof(*p))) == NULL)
		return 0;
	pal->models = p;
	if ((pal->models[pal->n] = strdup(model)) == NULL)
		return 0;
	return ++pal->n;
}

static void
palette_free(struct palette *pal)
{
	size_t i;

	for (i = 0; i < pal->n; i++)
		free(pal->models[i]);
	free(pal->models);
}

struct latencies {
	char	**models;
	double	**ms;
	size_t	 *n;
	size_t	  nmodels;
};

static const struct morph_error *
add_latency(const struct morph_result *res, void *arg)
{
	struct latencies *l = arg;
	size_t i;
	void *p;

	if (strcmp(res->status, "ok") != 0 || res->latency_ms < 0)
		return NULL;
	for (i = 0; i < l->nmodels; i++)
		if (strcmp(l->models[i], res->model) == 0)
			break;
	if (i == l->nmodels) {
		if ((p = realloc(l->models, (i + 1) * sizeof(*l->models))) ==
		    NULL)
			return morph_error(MORPH_ERR_NOMEM);
		l->models = p;
		if ((p = realloc(l->ms, (i + 1) * sizeof(*l->ms))) == NULL)
			return morph_error(MORPH_ERR_NOMEM);
		l->ms = p;
		if ((p = realloc(l->n, (i + 1) * sizeof(*l->n))) == NULL)
			return morph_error(MORPH_ERR_NOMEM);
		l->n = p;
		l->ms[i] = NULL;
		l->n[i] = 0;
		if ((l->models[i] = strdup(res->model)) == NULL)
			return morph_error(MORPH_ERR_NOMEM);
		l->nmodels++;
	}
	/* Doubling by powers of two: realloc at 1, 2, 4, 8... */
	if ((l->n[i] & (l->n[i] - 1)) == 0) {
		if ((p = realloc(l->ms[i], (l->n[i] ? 2 * l->n[i] : 1) *
		    sizeof(**l->ms))) == NULL)
			return morph_error(MORPH_ERR_NOMEM);
		l->ms[i] = p;
	}
	l->ms[i][l->n[i]++] = (double)res->latency_ms;
	return NULL;
}

static void
latencies_free(struct latencies *l)
{
	size_t i;

	for (i = 0; i < l->nmodels; i++) {
		free(l->models[i]);
		free(l->ms[i]);
	}
	free(l->models);
	free(l->ms);
	free(l->n);
}

/* The three trend charts; none when fewer than two commits have runs. */
static const struct morph_error *
trend(struct morph_buf *out, struct morph_repo *repo,
    const struct morph_run_info *run, struct palette *pal)
{
	static const char *const titles[] = { "Pass rate by commit",
	    "Cost per call by commit", "p95 latency by commit" };
	static const char *const units[] = { "pass rate", "USD a call",
	    "ms" };
	const struct morph_error *err;
	struct morph_svg_series *series = NULL;
	struct morph_trend *t = NULL;
	double *y = NULL;
	size_t c, m, k;

	if ((err = morph_trend_new(&t, repo, morph_oid_tostr(&run->commit),
	    TREND_COMMITS)) != NULL)
		return err;
	if (t->ncommits < 2 || t->nmodels == 0) {
		morph_buf_puts(out, "<p>The branch has runs of fewer than two "
		    "commits: no trend to draw.</p>\n");
		morph_trend_free(t);
		return NULL;
	}
	if ((series = calloc(t->nmodels, sizeof(*series))) == NULL ||
	    (y = calloc(t->nmodels * t->ncommits, sizeof(*y))) == NULL) {
		err = morph_error(MORPH_ERR_NOMEM);
		goto done;
	}
	for (k = 0; k < 3; k++) {
		for (m = 0; m < t->nmodels; m++) {
			series[m].name = t->models[m];
			series[m].y = &y[m * t->ncommits];
			series[m].n = t->ncommits;
			series[m].style = palette_style(pal, t->models[m]);
			for (c = 0; c < t->ncommits; c++) {
				const struct morph_trend_point *p =
				    &t->points[c * t->nmodels + m];

				y[m * t->ncommits + c] = k == 0 ? p->rate :
				    k == 1 ? p->cost_per_call_usd : p->p95_ms;
			}
		}
		morph_buf_puts(out, "<figure>");
		morph_svg_lines(out, titles[k], units[k],
		    (const char *const *)t->commits, t->ncommits, series,
		    t->nmodels, k == 0 ? 0 : NAN, k == 0 ? 1 : NAN);
		morph_buf_puts(out, "</figure>\n");
	}
done:
	free(series);
	free(y);
	morph_trend_free(t);
	return err;
}

/* Cost against pass rate over the whole run, the frontier joined. */
static const struct morph_error *
scatter(struct morph_buf *out, struct morph_repo *repo,
    const struct morph_run_info *run, struct palette *pal)
{
	struct morph_compare_opts opts = MORPH_COMPARE_OPTS_INIT;
	const struct morph_compare_group *g;
	const struct morph_error *err;
	struct morph_svg_point *pts;
	struct morph_compare *cmp;
	char name[32];
	const char *runs[1] = { name };
	size_t i;

	opts.total = 1;
	snprintf(name, sizeof(name), "#%lld", (long long)run->num);
	if ((err = morph_compare_new(&cmp, repo, runs, 1, &opts)) != NULL)
		return err;
	g = morph_compare_group(cmp, 0);
	if ((pts = calloc(g->nrows + 1, sizeof(*pts))) == NULL) {
		morph_compare_free(cmp);
		return morph_error(MORPH_ERR_NOMEM);
	}
	for (i = 0; i < g->nrows; i++) {
		pts[i].label = g->rows[i].model;
		pts[i].x = g->rows[i].cost_per_call < 0 ? NAN :
		    g->rows[i].cost_per_call / 1e9;
		pts[i].y = g->rows[i].rate < 0 ? NAN : g->rows[i].rate;
		pts[i].frontier = g->rows[i].frontier;
		pts[i].style = palette_style(pal, pts[i].label);
	}
	morph_buf_puts(out, "<figure>");
	morph_svg_scatter(out, "Cost and quality: the Pareto frontier",
	    "cost per call (USD)", "pass rate", pts, g->nrows, 1);
	morph_buf_puts(out, "</figure>\n");
	free(pts);
	morph_compare_free(cmp);
	return NULL;
}

static const struct morph_error *
boxes(struct morph_buf *out, struct morph_repo *repo,
    const struct morph_run_info *run, struct palette *pal)
{
	struct latencies l = { NULL, NULL, NULL, 0 };
	struct morph_svg_series *series = NULL;
	const struct morph_error *err;
	size_t i;

	if ((err = morph_run_results(repo, run->num, add_latency, &l)) ==
	    NULL && (series = calloc(l.nmodels + 1, sizeof(*series))) ==
	    NULL)
		err = morph_error(MORPH_ERR_NOMEM);
	if (err == NULL) {
		for (i = 0; i < l.nmodels; i++) {
			series[i].name = l.models[i];
			series[i].y = l.ms[i];
			series[i].n = l.n[i];
			series[i].style = palette_style(pal, l.models[i]);
		}
		morph_buf_puts(out, "<figure>");
		morph_svg_boxes(out, "Latency of the run's calls", "ms",
		    series, l.nmodels);
		morph_buf_puts(out, "</figure>\n");
	}
	free(series);
	latencies_free(&l);
	return err;
}

const struct morph_error *
morph_report_html_charts(struct morph_buf *out, struct morph_repo *repo,
    const struct morph_run_info *run)
{
	const struct morph_error *err;
	struct palette pal = { NULL, 0 };

	morph_buf_puts(out, "<section id=\"charts\" aria-labelledby="
	    "\"charts-h\">\n<h2 id=\"charts-h\">Charts</h2>\n");
	if ((err = trend(out, repo, run, &pal)) == NULL &&
	    (err = scatter(out, repo, run, &pal)) == NULL &&
	    (err = boxes(out, repo, run, &pal)) == NULL)
		morph_buf_puts(out, "</section>\n");
	palette_free(&pal);
	return err;
}
