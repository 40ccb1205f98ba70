/*
 * How commands print runs: the progress bar of morph run and morph merge
 * --gate, and the per-model summary table that morph run and morph show
 * print, in text or JSON.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "morph/run.h"

static const struct morph_error *
print_model(const struct morph_model_summary *ms, void *arg)
{
	struct morph_jsonw *w = arg;
	char usd[32], pass[32], tin[24], tout[24], p50[24], p95[24];

	if (w != NULL) {
		morph_jsonw_object_begin(w);
		morph_jsonw_kv_string(w, "model", ms->model);
		morph_jsonw_kv_int(w, "results", ms->results);
		morph_jsonw_kv_int(w, "errors", ms->errors);
		morph_jsonw_kv_int(w, "asserted", ms->asserted);
		morph_jsonw_kv_int(w, "passed", ms->passed);
		morph_jsonw_kv_int(w, "tokens_in", ms->tokens_in);
		morph_jsonw_kv_int(w, "tokens_out", ms->tokens_out);
		morph_jsonw_kv_int(w, "tokens_reported", ms->tokens_reported);
		morph_usd_total_json(w, "cost_nusd", ms->cost_nusd,
		    ms->unpriced);
		morph_jsonw_kv_int(w, "unpriced", ms->unpriced);
		morph_jsonw_kv_int_or_null(w, "p50_ms", ms->p50_ms);
		morph_jsonw_kv_int_or_null(w, "p95_ms", ms->p95_ms);
		morph_jsonw_object_end(w);
		return NULL;
	}
	if (ms->asserted)
		snprintf(pass, sizeof(pass), "%lld/%lld",
		    (long long)ms->passed, (long long)ms->asserted);
	else
		snprintf(pass, sizeof(pass), "-");
	if (ms->tokens_reported > 0) {
		morph_num_human(tin, sizeof(tin), ms->tokens_in);
		morph_num_human(tout, sizeof(tout), ms->tokens_out);
	} else {
		snprintf(tin, sizeof(tin), "-");
		snprintf(tout, sizeof(tout), "-");
	}
	if (ms->p50_ms < 0)
		snprintf(p50, sizeof(p50), "-");
	else
		snprintf(p50, sizeof(p50), "%lldms", (long long)ms->p50_ms);
	if (ms->p95_ms < 0)
		snprintf(p95, sizeof(p95), "-");
	else
		snprintf(p95, sizeof(p95), "%lldms", (long long)ms->p95_ms);
	printf("%-24s %7lld %6lld %9s %8s %8s %13s %7s %7s\n", ms->model,
	    (long long)ms->results, (long long)ms->errors, pass, tin, tout,
	    morph_usd_total(usd, sizeof(usd), ms->cost_nusd, ms->unpriced),
	    p50, p95);
	return NULL;
}

const struct morph_error *
morph_cmd_print_models(struct morph_repo *repo, int64_t num,
    struct morph_jsonw *w)
{
	if (w == NULL)
		printf("%-24s %7s %6s %9s %8s %8s %13s %7s %7s\n", "model",
		    "results", "errors", "pass", "tok.in", "tok.out", "cost",
		    "p50", "p95");
	return morph_run_summary(repo, num, print_model, w);
}

/* The progress bar: done/total, errors, tokens, cost, ETA; stderr only. */
void
morph_cmd_progress(const struct morph_run_progress *p, void *arg)
{
	struct morph_cmd_bar *b = arg;
	char in[16], out[16], usd[32], eta[32], lim[64] = "";
	int width = 24, fill, i;
	int64_t left;

	if (!b->on)
		return;
	/* Drawn at once, then at most every 100 ms until the end. */
	if (b->drawn && p->done < p->total &&
	    p->elapsed_ms - b->last_ms < 100)
		return;
	b->last_ms = p->elapsed_ms;
	fill = p->total ? (int)((double)p->done / (double)p->total * width) : 0;
	morph_num_human(in, sizeof(in), p->tokens_in);
	morph_num_human(out, sizeof(out), p->tokens_out);
	morph_usd_total(usd, sizeof(usd), p->cost_nusd, (int64_t)p->unpriced);
	if (p->done > p->cached && p->done < p->total) {
		left = (int64_t)((double)p->elapsed_ms /
		    (double)(p->done - p->cached) *
		    (double)(p->total - p->done) / 1000);
		snprintf(eta, sizeof(eta), "ETA %lld:%02lld",
		    (long long)(left / 60), (long long)(left % 60));
	} else
		snprintf(eta, sizeof(eta), "%s", p->done < p->total ?
		    "ETA -" : "done");
	/* Rate limits: the pace held, and a wait a refusal imposes. */
	if (p->stopped)
		snprintf(lim, sizeof(lim), "  waiting for a rate limit");
	else if (p->rate > 0)
		snprintf(lim, sizeof(lim), "  rate %.3g/s", p->rate);
	if (p->refused > 0)
		snprintf(lim + strlen(lim), sizeof(lim) - strlen(lim),
		    "  refused %zu", p->refused);
	fputs("\r[", stderr);
	for (i = 0; i < width; i++)
		fputc(i < fill ? '#' : '-', stderr);
	fprintf(stderr, "] %zu/%zu  errors %zu  tokens %s/%s  %s  %s%s\033[K",
	    p->done, p->total, p->errors, in, out, usd, eta, lim);
	b->drawn = 1;
}
