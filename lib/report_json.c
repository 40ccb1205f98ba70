/*
 * The JSON report (morph eval --json), for scripts: the two runs, a
 * summary, per-model totals, the results (or, when the runs were
 * repeated, the cases with their counts and tests) of each kind, and the
 * groups of samples whose pass rate moved.  Field names are stable:
 * morph-eval(1) documents them.
 */
#include <stdio.h>

#include "morph/eval.h"
#include "morph/jsonw.h"
#include "morph/run.h"
#include "report_int.h"

/* The report and its JSON writer on r->out. */
struct json {
	struct morph_report	*r;
	struct morph_jsonw	 w;
};

static void
json_run(struct morph_jsonw *w, const struct morph_run_info *ri)
{
	if (ri == NULL) {
		morph_jsonw_null(w);
		return;
	}
	morph_jsonw_object_begin(w);
	morph_jsonw_kv_int(w, "run", ri->num);
	morph_jsonw_kv_string(w, "id", ri->is_sealed ?
	    morph_oid_tostr(&ri->sealed) : NULL);
	morph_jsonw_kv_string(w, "commit", morph_oid_tostr(&ri->commit));
	morph_jsonw_kv_string(w, "state", ri->state);
	morph_jsonw_object_end(w);
}

static const struct morph_error *
json_side(struct json *j, const struct morph_eval_side *s)
{
	const struct morph_error *err;
	struct morph_buf text = MORPH_BUF_INIT;
	struct morph_jsonw *w = &j->w;

	if (!s->present) {
		morph_jsonw_null(w);
		return NULL;
	}
	if ((err = morph_report_output_text(&text, j->r->repo, s)) != NULL) {
		morph_buf_release(&text);
		return err;
	}
	morph_jsonw_object_begin(w);
	morph_jsonw_kv_string(w, "status", s->status);
	morph_jsonw_key(w, "pass");
	if (s->pass < 0)
		morph_jsonw_null(w);
	else
		morph_jsonw_bool(w, s->pass);
	morph_jsonw_key(w, "output");
	if (s->has_output)
		morph_jsonw_string_len(w, text.ptr, text.len);
	else
		morph_jsonw_null(w);
	morph_jsonw_kv_string(w, "output_id", s->has_output ?
	    morph_oid_tostr(&s->output) : NULL);
	morph_jsonw_kv_string(w, "error", s->error);
	morph_jsonw_key(w, "verdicts");
	morph_jsonw_json(w, s->verdicts ? s->verdicts : "[]");
	morph_jsonw_kv_int_or_null(w, "tokens_in", s->tokens_in);
	morph_jsonw_kv_int_or_null(w, "tokens_out", s->tokens_out);
	morph_jsonw_kv_int_or_null(w, "latency_ms", s->latency_ms);
	morph_jsonw_kv_int_or_null(w, "cost_nusd", s->cost_nusd);
	morph_jsonw_object_end(w);
	morph_buf_release(&text);
	return NULL;
}

/*
 * One side's sample counts: samples, asserted (left out when < 0),
 * passed and the Wilson interval.
 */
static void
json_counts(struct morph_jsonw *w, const char *key, int samples,
    int asserted, int passed, double lo, double hi)
{
	morph_jsonw_key(w, key);
	morph_jsonw_object_begin(w);
	morph_jsonw_kv_int(w, "samples", samples);
	if (asserted >= 0)
		morph_jsonw_kv_int(w, "asserted", asserted);
	morph_jsonw_kv_int(w, "passed", passed);
	morph_jsonw_key(w, "interval");
	morph_jsonw_array_begin(w);
	morph_jsonw_double(w, lo);
	morph_jsonw_double(w, hi);
	morph_jsonw_array_end(w);
	morph_jsonw_object_end(w);
}

/* The members of one result: sample and the sides, in an open object. */
static const struct morph_error *
json_result(struct json *j, const struct morph_eval_item *it)
{
	const struct morph_error *err;
	struct morph_jsonw *w = &j->w;

	morph_jsonw_kv_int(w, "sample", it->sample);
	morph_jsonw_key(w, "run");
	if ((err = json_side(j, &it->a)) != NULL)
		return err;
	if (morph_eval_baseline(j->r->ev) != NULL) {
		morph_jsonw_key(w, "against");
		if ((err = json_side(j, &it->b)) != NULL)
			return err;
	}
	return NULL;
}

/* The members that name an entry, in an open object. */
static void
entry_key(struct morph_jsonw *w, const char *prompt, const char *case_id,
    const char *model)
{
	morph_jsonw_kv_string(w, "prompt", prompt);
	morph_jsonw_kv_string(w, "case", case_id);
	morph_jsonw_kv_string(w, "model", model);
}

/* A case of repeated runs: its counts, test and one example result. */
static const struct morph_error *
json_case(struct json *j, const struct morph_eval_case *c)
{
	const struct morph_error *err;
	struct morph_jsonw *w = &j->w;
	int s;

	morph_jsonw_object_begin(w);
	entry_key(w, c->prompt, c->case_id, c->model);
	if (c->kind == MORPH_EVAL_REGRESSION)
		morph_jsonw_kv_bool(w, "counted", c->significant);
	for (s = 0; s < (morph_eval_baseline(j->r->ev) ? 2 : 1); s++)
		json_counts(w, s == 0 ? "run" : "against", c->samples[s],
		    c->n[s], c->k[s], c->lo[s], c->hi[s]);
	if (morph_eval_baseline(j->r->ev) != NULL) {
		morph_jsonw_kv_int(w, "worse", c->worse);
		morph_jsonw_kv_int(w, "better", c->better);
		morph_jsonw_kv_double_or_null(w, "mcnemar_p", c->p_value);
	}
	morph_jsonw_key(w, "example");
	if (c->example == NULL)
		morph_jsonw_null(w);
	else {
		morph_jsonw_object_begin(w);
		if ((err = json_result(j, c->example)) != NULL)
			return err;
		morph_jsonw_object_end(w);
	}
	morph_jsonw_object_end(w);
	return NULL;
}

static void
summary(struct json *j)
{
	struct morph_jsonw *w = &j->w;
	struct morph_eval *ev = j->r->ev;
	int base = morph_eval_baseline(ev) != NULL;
	size_t k;

	morph_jsonw_key(w, "summary");
	morph_jsonw_object_begin(w);
	morph_jsonw_kv_string(w, "unit", morph_eval_repeated(ev) ? "case" :
	    "result");
	morph_jsonw_kv_int(w, "regressions", morph_eval_regressions(ev));
	for (k = 0; k < MORPH_EVAL_SAME; k++)
		if (!base ? k == MORPH_EVAL_FAILURE : k != MORPH_EVAL_FAILURE &&
		    k != MORPH_EVAL_REGRESSION)
			morph_jsonw_kv_int(w, morph_report_kind_name(k),
			    (int64_t)morph_report_entries(j->r, k));
	if (base)
		morph_jsonw_kv_int(w, "pass_to_fail", (int64_t)
		    morph_report_entries(j->r, MORPH_EVAL_REGRESSION));
	if (base && morph_eval_repeated(ev)) {
		/* The samples behind the cases, for who wants them. */
		morph_jsonw_kv_int(w, "samples_pass_to_fail", (int64_t)
		    morph_eval_count(ev, MORPH_EVAL_REGRESSION));
		morph_jsonw_kv_int(w, "samples_fail_to_pass", (int64_t)
		    morph_eval_count(ev, MORPH_EVAL_FIX));
	}
	morph_jsonw_object_end(w);
}

/* One side's totals of a model, as member key. */
static void
model_side(struct morph_jsonw *w, const char *key,
    const struct morph_eval_model *m, int s)
{
	morph_jsonw_key(w, key);
	morph_jsonw_object_begin(w);
	morph_jsonw_kv_int(w, "results", m->results[s]);
	morph_jsonw_kv_int(w, "asserted", m->asserted[s]);
	morph_jsonw_kv_int(w, "passed", m->passed[s]);
	morph_jsonw_kv_int(w, "errors", m->errors[s]);
	morph_jsonw_kv_double_or_null(w, "pass_rate", m->rate[s]);
	morph_jsonw_key(w, "interval");
	morph_jsonw_array_begin(w);
	morph_jsonw_double(w, m->lo[s]);
	morph_jsonw_double(w, m->hi[s]);
	morph_jsonw_array_end(w);
	morph_jsonw_kv_int(w, "tokens_in", m->tokens_in[s]);
	morph_jsonw_kv_int(w, "tokens_out", m->tokens_out[s]);
	morph_usd_total_json(w, "cost_nusd", m->cost_nusd[s], m->unpriced[s]);
	morph_jsonw_kv_int(w, "unpriced", m->unpriced[s]);
	morph_jsonw_kv_int_or_null(w, "p50_ms", m->p50_ms[s]);
	morph_jsonw_kv_int_or_null(w, "p95_ms", m->p95_ms[s]);
	morph_jsonw_object_end(w);
}

static void
models(struct json *j)
{
	struct morph_jsonw *w = &j->w;
	struct morph_eval *ev = j->r->ev;
	const struct morph_eval_model *m;
	int rep = morph_eval_repeated(ev);
	size_t i;

	morph_jsonw_key(w, "models");
	morph_jsonw_array_begin(w);
	for (i = 0; i < morph_eval_nmodels(ev); i++) {
		m = morph_eval_model(ev, i);
		morph_jsonw_object_begin(w);
		morph_jsonw_kv_string(w, "model", m->model);
		model_side(w, "run", m, 0);
		if (morph_eval_baseline(ev) != NULL) {
			model_side(w, "against", m, 1);
			morph_jsonw_kv_int(w, "regressions", rep ?
			    m->case_regressions : m->regressions);
			morph_jsonw_kv_int(w, "fixes", rep ?
			    m->cases[MORPH_EVAL_FIX] : m->fixes);
			morph_jsonw_kv_int(w, "changed", rep ?
			    m->cases[MORPH_EVAL_CHANGED] : m->changed);
			morph_jsonw_kv_int(w, "added", rep ?
			    m->cases[MORPH_EVAL_ADDED] : m->added);
			morph_jsonw_kv_int(w, "removed", rep ?
			    m->cases[MORPH_EVAL_REMOVED] : m->removed);
			morph_jsonw_key(w, "mcnemar_p");
			morph_jsonw_double(w, m->p_value);
		}
		morph_jsonw_object_end(w);
	}
	morph_jsonw_array_end(w);
}

/* The entries of kind k, as member key. */
static const struct morph_error *
kind(struct json *j, enum morph_eval_kind k)
{
	const struct morph_error *err;
	struct morph_jsonw *w = &j->w;
	struct morph_eval *ev = j->r->ev;
	const struct morph_eval_item *it;
	size_t i;

	morph_jsonw_key(w, morph_report_kind_name(k));
	morph_jsonw_array_begin(w);
	for (i = 0; i < morph_report_entries(j->r, k); i++) {
		if (morph_eval_repeated(ev)) {
			if ((err = json_case(j, morph_eval_case(ev, k,
			    i))) != NULL)
				return err;
			continue;
		}
		it = morph_eval_item(ev, k, i);
		morph_jsonw_object_begin(w);
		entry_key(w, it->prompt, it->case_id, it->model);
		if (k == MORPH_EVAL_REGRESSION)
			morph_jsonw_kv_bool(w, "counted", it->significant);
		if ((err = json_result(j, it)) != NULL)
			return err;
		morph_jsonw_object_end(w);
	}
	morph_jsonw_array_end(w);
	return NULL;
}

static void
groups(struct json *j)
{
	struct morph_jsonw *w = &j->w;
	const struct morph_eval_group *g;
	size_t i;
	int s;

	morph_jsonw_key(w, "groups");
	morph_jsonw_array_begin(w);
	for (i = 0; i < morph_eval_ngroups(j->r->ev); i++) {
		g = morph_eval_group(j->r->ev, i);
		morph_jsonw_object_begin(w);
		entry_key(w, g->prompt, g->case_id, g->model);
		for (s = 0; s < 2; s++)
			json_counts(w, s == 0 ? "run" : "against", g->n[s], -1,
			    g->k[s], g->lo[s], g->hi[s]);
		morph_jsonw_kv_int(w, "worse", g->worse);
		morph_jsonw_kv_int(w, "better", g->better);
		morph_jsonw_key(w, "mcnemar_p");
		morph_jsonw_double(w, g->p_value);
		morph_jsonw_kv_bool(w, "significant", g->significant);
		morph_jsonw_object_end(w);
	}
	morph_jsonw_array_end(w);
}

const struct morph_error *
morph_report_write_json(struct morph_report *r)
{
	const struct morph_error *err;
	struct json j;
	int base = morph_eval_baseline(r->ev) != NULL;
	size_t k;

	j.r = r;
	morph_jsonw_init(&j.w, r->out);
	morph_jsonw_object_begin(&j.w);
	morph_jsonw_key(&j.w, "run");
	json_run(&j.w, morph_eval_run(r->ev));
	morph_jsonw_key(&j.w, "against");
	json_run(&j.w, morph_eval_baseline(r->ev));
	summary(&j);
	models(&j);
	/* Failures scoring one run; every other kind against a baseline. */
	for (k = 0; k < MORPH_EVAL_SAME; k++)
		if ((k == MORPH_EVAL_FAILURE) != base &&
		    (err = kind(&j, k)) != NULL)
			return err;
	groups(&j);
	morph_jsonw_object_end(&j.w);
	morph_jsonw_finish(&j.w);
	return NULL;
}
