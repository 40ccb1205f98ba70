/*
 * morph compare: models side by side on the runs of a suite, per prompt
 * or for the whole suite: quality with its interval, cost, latency, the
 * Pareto frontier, the per-case oracle and what the configured model
 * costs (include/morph/compare.h).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "morph/compare.h"
#include "morph/select.h"

enum format { TEXT, JSON, MARKDOWN, CSV };

/* A cost a call in nano-USD (-1: unpriced) times calls, as "$0.000450". */
static const char *
usd(char *buf, size_t size, double per_call, double calls)
{
	if (per_call < 0)
		return morph_usd(-1, buf, size);
	return morph_usd((int64_t)llround(per_call * calls), buf, size);
}

static const char *
pct(char *buf, size_t size, double rate)
{
	if (rate < 0)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%.1f%%", 100 * rate);
	return buf;
}

/* A score to two decimals, or "-" for none (-1). */
static const char *
score2(char *buf, size_t size, double v)
{
	if (v < 0)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%.2f", v);
	return buf;
}

static const char *
ms(char *buf, size_t size, int64_t v)
{
	if (v < 0)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%lldms", (long long)v);
	return buf;
}

static const char *
group_name(const struct morph_compare_group *g)
{
	return g->prompt != NULL ? g->prompt : "(all prompts)";
}

static void
text_group(const struct morph_compare *cmp, const struct morph_compare_group *g)
{
	const struct morph_compare_row *r;
	char rate[16], lo[16], hi[16], call[32], k[32], p50[32], p95[32];
	char pass[32], ci[40], score[16];
	size_t i;

	printf("%s\n", group_name(g));
	printf("  %-1s %-24s %9s %7s %17s %5s %11s %12s %8s %8s\n", "", "model",
	    "pass", "rate", "95% interval", "score", "cost/call",
	    "cost/1k", "p50", "p95");
	for (i = 0; i < g->nrows; i++) {
		r = &g->rows[i];
		snprintf(pass, sizeof(pass), "%lld/%lld",
		    (long long)r->passed, (long long)r->asserted);
		snprintf(ci, sizeof(ci), "[%s, %s]", pct(lo, sizeof(lo),
		    r->rate < 0 ? -1 : r->lo), pct(hi, sizeof(hi),
		    r->rate < 0 ? -1 : r->hi));
		printf("  %-1s %-24s %9s %7s %17s %5s %11s %12s %8s %8s%s\n",
		    r->frontier ? "*" : "", r->model, pass,
		    pct(rate, sizeof(rate), r->rate), ci,
		    score2(score, sizeof(score), r->score),
		    usd(call, sizeof(call), r->cost_per_call, 1),
		    usd(k, sizeof(k), r->cost_per_call, 1000),
		    ms(p50, sizeof(p50), r->p50_ms),
		    ms(p95, sizeof(p95), r->p95_ms),
		    g->current == r ? "  (current)" : "");
	}
	printf("  oracle: %lld of %lld cases passed by some model, %s a call "
	    "(%s per 1,000)\n", (long long)g->oracle_passed,
	    (long long)g->cases, usd(call, sizeof(call), g->oracle_cost, 1),
	    usd(k, sizeof(k), g->oracle_cost, 1000));
	if (g->current != NULL)
		printf("  current: %s, %s a call (%s per 1,000)\n",
		    g->current->model, usd(call, sizeof(call),
		    g->current->cost_per_call, 1), usd(k, sizeof(k),
		    g->current->cost_per_call, 1000));
	else if (g->prompt == NULL && morph_compare_rule(cmp)->nbaselines > 0)
		printf("  current: set per prompt by select.baseline "
		    "(compare without --total)\n");
	else
		printf("  current: %s has no results here\n",
		    morph_compare_current_for(cmp, g->prompt) != NULL ?
		    morph_compare_current_for(cmp, g->prompt) : "no model");
}

static void
json_real(struct morph_jsonw *w, const char *key, double v, int known)
{
	morph_jsonw_key(w, key);
	if (known)
		morph_jsonw_double(w, v);
	else
		morph_jsonw_null(w);
}

static void
json_row(struct morph_jsonw *w, const struct morph_compare_group *g,
    const struct morph_compare_row *r)
{
	morph_jsonw_object_begin(w);
	morph_jsonw_kv_string(w, "model", r->model);
	morph_jsonw_kv_int(w, "results", r->results);
	morph_jsonw_kv_int(w, "asserted", r->asserted);
	morph_jsonw_kv_int(w, "passed", r->passed);
	morph_jsonw_kv_int(w, "errors", r->errors);
	morph_jsonw_kv_int(w, "cases", (int64_t)r->ncases);
	json_real(w, "pass_rate", r->rate, r->rate >= 0);
	json_real(w, "lo", r->lo, r->rate >= 0);
	json_real(w, "hi", r->hi, r->rate >= 0);
	json_real(w, "effective_n", r->neff, r->rate >= 0);
	json_real(w, "score", r->score, r->score >= 0);
	json_real(w, "cost_per_call_usd", r->cost_per_call / 1e9,
	    r->cost_per_call >= 0);
	json_real(w, "cost_per_1000_usd", r->cost_per_call / 1e6,
	    r->cost_per_call >= 0);
	morph_jsonw_kv_int(w, "unpriced", r->unpriced);
	json_real(w, "p50_ms", (double)r->p50_ms, r->p50_ms >= 0);
	json_real(w, "p95_ms", (double)r->p95_ms, r->p95_ms >= 0);
	morph_jsonw_kv_bool(w, "frontier", r->frontier);
	morph_jsonw_kv_bool(w, "current", g->current == r);
	morph_jsonw_object_end(w);
}

static void
json_report(const struct morph_compare *cmp)
{
	const struct morph_compare_group *g;
	const struct morph_run_info *ri;
	struct morph_jsonw w;
	size_t i, j;

	morph_jsonw_init(&w, stdout);
	morph_jsonw_object_begin(&w);
	morph_jsonw_key(&w, "runs");
	morph_jsonw_array_begin(&w);
	for (i = 0; i < morph_compare_nruns(cmp); i++) {
		ri = morph_compare_run(cmp, i);
		morph_jsonw_object_begin(&w);
		morph_jsonw_kv_int(&w, "run", ri->num);
		morph_jsonw_kv_string(&w, "id", ri->is_sealed ?
		    morph_oid_tostr(&ri->sealed) : NULL);
		morph_jsonw_kv_string(&w, "commit",
		    morph_oid_tostr(&ri->commit));
		morph_jsonw_object_end(&w);
	}
	morph_jsonw_array_end(&w);
	morph_cmd_json_baseline(&w, "current", cmp);
	morph_jsonw_key(&w, "groups");
	morph_jsonw_array_begin(&w);
	for (i = 0; i < morph_compare_ngroups(cmp); i++) {
		g = morph_compare_group(cmp, i);
		morph_jsonw_object_begin(&w);
		morph_jsonw_kv_string(&w, "prompt", g->prompt);
		morph_jsonw_key(&w, "models");
		morph_jsonw_array_begin(&w);
		for (j = 0; j < g->nrows; j++)
			json_row(&w, g, &g->rows[j]);
		morph_jsonw_array_end(&w);
		morph_jsonw_key(&w, "oracle");
		morph_jsonw_object_begin(&w);
		morph_jsonw_kv_int(&w, "cases", g->cases);
		morph_jsonw_kv_int(&w, "passed", g->oracle_passed);
		json_real(&w, "cost_per_call_usd", g->oracle_cost / 1e9,
		    g->oracle_cost >= 0);
		json_real(&w, "cost_per_1000_usd", g->oracle_cost / 1e6,
		    g->oracle_cost >= 0);
		morph_jsonw_object_end(&w);
		morph_jsonw_kv_string(&w, "current", g->current != NULL ?
		    g->current->model : NULL);
		morph_jsonw_object_end(&w);
	}
	morph_jsonw_array_end(&w);
	morph_jsonw_object_end(&w);
	morph_jsonw_finish(&w);
}

static void
markdown_group(const struct morph_compare_group *g)
{
	const struct morph_compare_row *r;
	char rate[16], lo[16], hi[16], call[32], k[32], p50[32], p95[32];
	char score[16];
	size_t i;

	printf("### `%s`\n\n", group_name(g));
	printf("| | model | pass | rate | 95%% interval | score | cost/call "
	    "| cost/1k calls | p50 | p95 |\n");
	printf("|---|---|---:|---:|---|---:|---:|---:|---:|---:|\n");
	for (i = 0; i < g->nrows; i++) {
		r = &g->rows[i];
		printf("| %s | `%s`%s | %lld/%lld | %s | %s to %s | %s | %s | "
		    "%s | %s | %s |\n", r->frontier ? "★" : "", r->model,
		    g->current == r ? " (current)" : "",
		    (long long)r->passed, (long long)r->asserted,
		    pct(rate, sizeof(rate), r->rate),
		    pct(lo, sizeof(lo), r->rate < 0 ? -1 : r->lo),
		    pct(hi, sizeof(hi), r->rate < 0 ? -1 : r->hi),
		    score2(score, sizeof(score), r->score),
		    usd(call, sizeof(call), r->cost_per_call, 1),
		    usd(k, sizeof(k), r->cost_per_call, 1000),
		    ms(p50, sizeof(p50), r->p50_ms),
		    ms(p95, sizeof(p95), r->p95_ms));
	}
	printf("\nOracle (the cheapest model passing each case): %lld of "
	    "%lld cases, %s per 1,000 calls.", (long long)g->oracle_passed,
	    (long long)g->cases, usd(k, sizeof(k), g->oracle_cost, 1000));
	if (g->current != NULL)
		printf(" Current (`%s`): %s per 1,000 calls.",
		    g->current->model, usd(call, sizeof(call),
		    g->current->cost_per_call, 1000));
	printf("\n\n");
}

/* A CSV field (RFC 4180): quoted when it holds a comma, quote or newline. */
static void
csv_field(const char *s, int last)
{
	const char *p;

	if (s == NULL)
		s = "";
	if (strpbrk(s, ",\"\r\n") == NULL)
		fputs(s, stdout);
	else {
		putchar('"');
		for (p = s; *p != '\0'; p++) {
			if (*p == '"')
				putchar('"');
			putchar(*p);
		}
		putchar('"');
	}
	putchar(last ? '\n' : ',');
}

static void
csv_real(double v, int known, int decimals)
{
	char buf[64] = "";

	if (known)
		snprintf(buf, sizeof(buf), "%.*f", decimals, v);
	csv_field(buf, 0);
}

static void
csv_report(const struct morph_compare *cmp)
{
	const struct morph_compare_group *g;
	const struct morph_compare_row *r;
	char buf[64];
	size_t i, j;

	printf("prompt,model,asserted,passed,pass_rate,lo,hi,score,"
	    "cost_per_call_usd,cost_per_1000_usd,p50_ms,p95_ms,frontier,"
	    "current\n");
	for (i = 0; i < morph_compare_ngroups(cmp); i++) {
		g = morph_compare_group(cmp, i);
		for (j = 0; j < g->nrows; j++) {
			r = &g->rows[j];
			csv_field(g->prompt != NULL ? g->prompt : "*", 0);
			csv_field(r->model, 0);
			snprintf(buf, sizeof(buf), "%lld",
			    (long long)r->asserted);
			csv_field(buf, 0);
			snprintf(buf, sizeof(buf), "%lld",
			    (long long)r->passed);
			csv_field(buf, 0);
			csv_real(r->rate, r->rate >= 0, 4);
			csv_real(r->lo, r->rate >= 0, 4);
			csv_real(r->hi, r->rate >= 0, 4);
			csv_real(r->score, r->score >= 0, 4);
			csv_real(r->cost_per_call / 1e9,
			    r->cost_per_call >= 0, 9);
			csv_real(r->cost_per_call / 1e6,
			    r->cost_per_call >= 0, 6);
			csv_real((double)r->p50_ms, r->p50_ms >= 0, 0);
			csv_real((double)r->p95_ms, r->p95_ms >= 0, 0);
			csv_field(r->frontier ? "1" : "0", 0);
			csv_field(g->current == r ? "1" : "0", 1);
		}
	}
}

static const struct morph_error *
cmd_compare(struct morph_cmd_ctx *ctx, int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "csv", no_argument, NULL, 'C' },
		{ "json", no_argument, NULL, 'J' },
		{ "markdown", no_argument, NULL, 'M' },
		{ "total", no_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 }
	};
	struct morph_compare_opts opts = MORPH_COMPARE_OPTS_INIT;
	const struct morph_error *err = NULL;
	struct morph_compare *cmp = NULL;
	enum format fmt = TEXT;
	size_t i;
	int c;

	while ((c = morph_cmd_getopt(ctx, argc, argv, "", longopts,
	    &err)) != -1) {
		switch (c) {
		case 'C':
		case 'J':
		case 'M':
			if (fmt != TEXT)
				return morph_cmd_bad_usage(ctx, "give one of "
				    "--csv, --json and --markdown");
			fmt = c == 'C' ? CSV : c == 'J' ? JSON : MARKDOWN;
			break;
		case 'T':
			opts.total = 1;
			break;
		default:
			return err;
		}
	}
	if ((err = morph_compare_new(&cmp, ctx->repo,
	    (const char *const *)&argv[optind], (size_t)(argc - optind),
	    &opts)) != NULL)
		return err;
	switch (fmt) {
	case JSON:
		json_report(cmp);
		break;
	case CSV:
		csv_report(cmp);
		break;
	case MARKDOWN:
		printf("## Models compared\n\n");
		for (i = 0; i < morph_compare_ngroups(cmp); i++)
			markdown_group(morph_compare_group(cmp, i));
		printf("★ on the Pareto frontier of pass rate, cost and "
		    "latency.\n");
		break;
	case TEXT:
		morph_cmd_pager_begin();
		for (i = 0; i < morph_compare_ngroups(cmp); i++) {
			if (i > 0)
				putchar('\n');
			text_group(cmp, morph_compare_group(cmp, i));
		}
		printf("\n* on the Pareto frontier of pass rate, cost and "
		    "p50 latency\n");
		morph_cmd_pager_end();
		break;
	}
	morph_compare_free(cmp);
	return NULL;
}

const struct morph_cmd morph_cmd_compare = {
	"compare",
	"compare [--total] [--csv | --json | --markdown] [run ...]",
	"compare models' quality, cost and latency on a suite's runs",
	MORPH_CMD_NEEDS_REPO | MORPH_CMD_READS,
	cmd_compare,
};
