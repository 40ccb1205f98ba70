/*
 * How commands print runs: the per-model summary table that morph run
 * and morph show print, in text or JSON.
 */
#include <stdio.h>

#include "cmd.h"
#include "morph/run.h"

void
morph_cmd_human(char *buf, size_t size, int64_t n)
{
	if (n >= 1000000)
		snprintf(buf, size, "%.1fM", (double)n / 1e6);
	else if (n >= 1000)
		snprintf(buf, size, "%.1fk", (double)n / 1e3);
	else
		snprintf(buf, size, "%lld", (long long)n);
}

const char *
morph_cmd_cost(char *buf, size_t size, int64_t nusd, int64_t unpriced)
{
	char usd[32];

	if (unpriced > 0 && nusd <= 0)
		snprintf(buf, size, "unpriced");
	else
		snprintf(buf, size, "%s%s", morph_usd(nusd, usd, sizeof(usd)),
		    unpriced > 0 ? "+" : "");
	return buf;
}

void
morph_cmd_json_cost(struct morph_jsonw *w, const char *key, int64_t nusd,
    int64_t unpriced)
{
	morph_jsonw_key(w, key);
	if (unpriced > 0 && nusd <= 0)
		morph_jsonw_null(w);
	else
		morph_jsonw_int(w, nusd);
}

static void
json_ms(struct morph_jsonw *w, const char *key, int64_t ms)
{
	morph_jsonw_key(w, key);
	if (ms < 0)
		morph_jsonw_null(w);
	else
		morph_jsonw_int(w, ms);
}

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
		morph_cmd_json_cost(w, "cost_nusd", ms->cost_nusd,
		    ms->unpriced);
		morph_jsonw_kv_int(w, "unpriced", ms->unpriced);
		json_ms(w, "p50_ms", ms->p50_ms);
		json_ms(w, "p95_ms", ms->p95_ms);
		morph_jsonw_object_end(w);
		return NULL;
	}
	if (ms->asserted)
		snprintf(pass, sizeof(pass), "%lld/%lld",
		    (long long)ms->passed, (long long)ms->asserted);
	else
		snprintf(pass, sizeof(pass), "-");
	if (ms->tokens_reported > 0) {
		morph_cmd_human(tin, sizeof(tin), ms->tokens_in);
		morph_cmd_human(tout, sizeof(tout), ms->tokens_out);
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
	    morph_cmd_cost(usd, sizeof(usd), ms->cost_nusd, ms->unpriced),
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
