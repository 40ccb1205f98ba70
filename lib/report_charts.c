/*
 * The charts of morph report's page (lib/report_html.c): the branch's
 * trend (pass rate, cost per call and p95 latency per model along the
 * first-parent history, lib/report_trend.c), the cost-quality scatter
 * with the Pareto frontier of morph compare over the whole run, and the
 * distribution of the run's latencies per model, each drawn as inline
 * SVG by lib/svgchart.c, which escapes every label.
 *
 * The run's results are read once here, by morph compare, whose rows
 * give the scatter its points and the boxes their latencies.
 *
 * A model keeps its colour, marker and dash across the charts: the
 * palette gives each model its style when it first appears (the trend's
 * models first, in order of name), and every later chart looks it up.
 */
#include <math.h>
#include <stdio.h>
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
scatter(struct morph_buf *out, const struct morph_compare_group *g,
    struct palette *pal)
{
	struct morph_svg_point *pts;
	size_t i;

	if ((pts = calloc(g->nrows + 1, sizeof(*pts))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
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
	return NULL;
}

static int
cmp_row_model(const void *a, const void *b)
{
	return strcmp((*(const struct morph_compare_row *const *)a)->model,
	    (*(const struct morph_compare_row *const *)b)->model);
}

/*
 * The latencies of the run's answered calls, a box a model in order of
 * name; a model with no answered call has no box.
 */
static const struct morph_error *
boxes(struct morph_buf *out, const struct morph_compare_group *g,
    struct palette *pal)
{
	const struct morph_compare_row **rows;
	struct morph_svg_series *series;
	double *ms = NULL;
	size_t i, j, k, n = 0, nms = 0;

	rows = calloc(g->nrows + 1, sizeof(*rows));
	series = calloc(g->nrows + 1, sizeof(*series));
	for (i = 0; i < g->nrows; i++)
		nms += g->rows[i].nlatencies;
	if (rows == NULL || series == NULL ||
	    (ms = calloc(nms + 1, sizeof(*ms))) == NULL) {
		free(rows);
		free(series);
		return morph_error(MORPH_ERR_NOMEM);
	}
	for (i = 0; i < g->nrows; i++)
		if (g->rows[i].nlatencies > 0)
			rows[n++] = &g->rows[i];
	qsort(rows, n, sizeof(*rows), cmp_row_model);
	for (i = k = 0; i < n; i++) {
		series[i].name = rows[i]->model;
		series[i].y = &ms[k];
		series[i].n = rows[i]->nlatencies;
		series[i].style = palette_style(pal, rows[i]->model);
		for (j = 0; j < rows[i]->nlatencies; j++)
			ms[k++] = (double)rows[i]->latencies[j];
	}
	morph_buf_puts(out, "<figure>");
	morph_svg_boxes(out, "Latency of the run's calls", "ms", series, n);
	morph_buf_puts(out, "</figure>\n");
	free(rows);
	free(series);
	free(ms);
	return NULL;
}

const struct morph_error *
morph_report_html_charts(struct morph_buf *out, struct morph_repo *repo,
    const struct morph_run_info *run)
{
	struct morph_compare_opts opts = MORPH_COMPARE_OPTS_INIT;
	const struct morph_compare_group *g;
	const struct morph_error *err;
	struct palette pal = { NULL, 0 };
	struct morph_compare *cmp = NULL;
	char name[32];
	const char *runs[1] = { name };

	morph_buf_puts(out, "<section id=\"charts\" aria-labelledby="
	    "\"charts-h\">\n<h2 id=\"charts-h\">Charts</h2>\n");
	/* The run read once, by compare, for the scatter and the boxes. */
	opts.total = 1;
	snprintf(name, sizeof(name), "#%lld", (long long)run->num);
	if ((err = trend(out, repo, run, &pal)) == NULL &&
	    (err = morph_compare_new(&cmp, repo, runs, 1, &opts)) == NULL) {
		g = morph_compare_group(cmp, 0);
		if ((err = scatter(out, g, &pal)) == NULL &&
		    (err = boxes(out, g, &pal)) == NULL)
			morph_buf_puts(out, "</section>\n");
	}
	morph_compare_free(cmp);
	palette_free(&pal);
	return err;
}
