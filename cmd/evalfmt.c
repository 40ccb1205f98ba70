/*
 * How evaluations are reported: text (with word diffs of outputs, colour
 * on a terminal), JSON, JUnit XML and a Markdown pull-request comment.
 * morph eval prints them all; morph diff --outputs prints the text
 * report's output sections.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "morph/eval.h"
#include "morph/textdiff.h"

struct report {
	struct morph_repo	*repo;
	struct morph_eval	*ev;
	int			 color;
	double			 alpha;		/* --significance */
	struct morph_jsonw	 w;
};

static const char *const kind_names[] = {
	[MORPH_EVAL_FAILURE] = "failures",
	[MORPH_EVAL_REGRESSION] = "regressions",
	[MORPH_EVAL_FIX] = "fixes",
	[MORPH_EVAL_CHANGED] = "changed",
	[MORPH_EVAL_ADDED] = "added",
	[MORPH_EVAL_REMOVED] = "removed",
	[MORPH_EVAL_SAME] = "same",
};

/* The output blob of a side as text in b ("" when none). */
static const struct morph_error *
output_text(struct morph_buf *b, struct morph_repo *repo,
    const struct morph_eval_side *s)
{
	const struct morph_error *err;
	struct morph_object *o;

	morph_buf_clear(b);
	morph_buf_put(b, "", 0);
	if (!s->present || !s->has_output)
		return NULL;
	if ((err = morph_object_read(&o, repo, &s->output,
	    MORPH_OBJ_BLOB)) != NULL)
		return err;
	morph_buf_put(b, morph_object_data(o), morph_object_size(o));
	morph_object_free(o);
	return morph_buf_status(b);
}

static void
reasons(struct morph_buf *out, const struct morph_eval_side *s,
    const char *prefix)
{
	/* A verdict that cannot be read shows as no reason, not an error. */
	(void)morph_eval_reasons(out, s, prefix);
}

/* Prints text with every line after the first indented by indent. */
static void
indented(const char *text, const char *indent)
{
	const char *nl;

	while ((nl = strchr(text, '\n')) != NULL) {
		fwrite(text, 1, (size_t)(nl - text) + 1, stdout);
		text = nl + 1;
		if (*text != '\0')
			fputs(indent, stdout);
	}
	fputs(text, stdout);
	putchar('\n');
}

static const char *
verdict_word(const struct morph_eval_side *s)
{
	if (!s->present)
		return "absent";
	if (strcmp(s->status, "ok") != 0)
		return "error";
	if (s->pass < 0)
		return "no assertions";
	return s->pass ? "pass" : "FAIL";
}

static void
rate(char *buf, size_t size, int64_t k, int64_t n)
{
	if (n <= 0)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%lld/%lld (%.0f%%)", (long long)k,
		    (long long)n, 100.0 * (double)k / (double)n);
}

static void
signed_human(char *buf, size_t size, int64_t d)
{
	char h[24];

	morph_cmd_human(h, sizeof(h), d < 0 ? -d : d);
	snprintf(buf, size, "%s%s", d < 0 ? "-" : d > 0 ? "+" : "", h);
}

/*
 * The change in a model's cost from the baseline to the run: not known
 * when either side has unpriced results.
 */
static void
cost_delta(char *buf, size_t size, const struct morph_eval_model *m)
{
	int64_t d = m->cost_nusd[0] - m->cost_nusd[1];
	char u[32];

	if (m->unpriced[0] > 0 || m->unpriced[1] > 0) {
		snprintf(buf, size, "unpriced");
		return;
	}
	morph_usd(d < 0 ? -d : d, u, sizeof(u));
	snprintf(buf, size, "%s%s", d < 0 ? "-" : "+", u);
}

static void
latency(char *buf, size_t size, int64_t ms)
{
	if (ms < 0)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%lldms", (long long)ms);
}

static const char *
run_label(const struct morph_run_info *ri, char *buf, size_t size)
{
	snprintf(buf, size, "run #%lld%s%s of %s", (long long)ri->num,
	    ri->is_sealed ? " " : "", ri->is_sealed ?
	    morph_cmd_short(&ri->sealed) : "", morph_cmd_short(&ri->commit));
	return buf;
}

/*
 * How many entries of a kind a report lists: results, or cases when the
 * runs were repeated (the significance test is one a case, and so is what
 * counts).
 */
static size_t
entries(const struct report *r, enum morph_eval_kind k)
{
	return morph_eval_repeated(r->ev) ? morph_eval_case_count(r->ev, k) :
	    morph_eval_count(r->ev, k);
}

/* "3/5", or "-" for a case without assertions on that side. */
static const char *
passed(char *buf, size_t size, int k, int n)
{
	if (n <= 0)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%d/%d", k, n);
	return buf;
}

/*
 * The sample counts of a case: "0/5 now, 5/5 before", with the McNemar p
 * when it has pairs, and with a significance level whether it counts.
 */
static void
case_counts(struct morph_buf *out, const struct morph_eval_case *c,
    int baseline, double alpha, int intervals)
{
	char k[32];
	int s;

	for (s = 0; s < 2; s++) {
		if (c->samples[s] == 0 || (s == 1 && !baseline))
			continue;
		if (out->len > 0)
			morph_buf_puts(out, ", ");
		morph_buf_puts(out, passed(k, sizeof(k), c->k[s], c->n[s]));
		if (intervals && c->n[s] > 0)
			morph_buf_printf(out, " [%.2f, %.2f]", c->lo[s],
			    c->hi[s]);
		if (baseline)
			morph_buf_puts(out, s == 0 ? " now" : " before");
	}
	if (c->p_value < 0)
		return;
	morph_buf_printf(out, "; %d worse, %d better; McNemar p = %.3g",
	    c->worse, c->better, c->p_value);
	if (alpha > 0 && c->kind == MORPH_EVAL_REGRESSION)
		morph_buf_puts(out, c->significant ? " (significant)" :
		    " (not significant)");
}

/* Text */

/*
 * The verdicts, reasons and output of one result; lead goes before the
 * verdicts ("sample 3: " for a case's example).
 */
static const struct morph_error *
text_result(struct report *r, const struct morph_eval_item *it, int baseline,
    const char *lead)
{
	const struct morph_error *err;
	struct morph_buf a = MORPH_BUF_INIT, b = MORPH_BUF_INIT;
	struct morph_buf why = MORPH_BUF_INIT, diff = MORPH_BUF_INIT;

	if (baseline)
		printf("    %sbefore: %s    now: %s\n", lead,
		    verdict_word(&it->b), verdict_word(&it->a));
	else if (*lead != '\0')
		printf("    %s%s\n", lead, verdict_word(&it->a));
	reasons(&why, it->kind == MORPH_EVAL_FIX || it->kind ==
	    MORPH_EVAL_REMOVED ? &it->b : &it->a, "    - ");
	fputs(morph_buf_cstr(&why), stdout);
	if ((err = output_text(&a, r->repo, &it->a)) != NULL ||
	    (err = output_text(&b, r->repo, &it->b)) != NULL)
		goto done;
	if (baseline && it->a.present && it->b.present) {
		if ((err = morph_textdiff_words_inline(&diff, b.ptr, b.len,
		    a.ptr, a.len, r->color)) != NULL)
			goto done;
		printf("    output: ");
		indented(morph_buf_cstr(&diff), "            ");
	} else {
		printf("    output: ");
		indented(it->a.present ? morph_buf_cstr(&a) :
		    morph_buf_cstr(&b), "            ");
	}
done:
	morph_buf_release(&a);
	morph_buf_release(&b);
	morph_buf_release(&why);
	morph_buf_release(&diff);
	return err;
}

static void
text_key(struct report *r, const char *prompt, const char *case_id,
    const char *model)
{
	printf("  %s%s%s  case %s  model %s", morph_cmd_sgr(r->color, SGR_BOLD),
	    prompt, morph_cmd_sgr(r->color, SGR_RESET), case_id, model);
}

static const struct morph_error *
text_item(struct report *r, const struct morph_eval_item *it, int baseline)
{
	text_key(r, it->prompt, it->case_id, it->model);
	putchar('\n');
	return text_result(r, it, baseline, "");
}

/* A case of a repeated run: its counts, then one sample that shows why. */
static const struct morph_error *
text_case(struct report *r, const struct morph_eval_case *c, int baseline,
    double alpha)
{
	struct morph_buf counts = MORPH_BUF_INIT;
	char lead[32];

	text_key(r, c->prompt, c->case_id, c->model);
	putchar('\n');
	case_counts(&counts, c, baseline, alpha, 1);
	printf("    passed %s\n", morph_buf_cstr(&counts));
	morph_buf_release(&counts);
	if (c->example == NULL)
		return NULL;
	snprintf(lead, sizeof(lead), "sample %d: ", c->example->sample);
	return text_result(r, c->example, baseline, lead);
}

static const struct morph_error *
text_section(struct report *r, enum morph_eval_kind k, const char *title,
    const char *sgr, int baseline, double alpha)
{
	const struct morph_error *err;
	size_t i, n = entries(r, k);

	if (n == 0)
		return NULL;
	printf("\n%s%s (%zu)%s\n", morph_cmd_sgr(r->color, sgr), title, n,
	    morph_cmd_sgr(r->color, SGR_RESET));
	for (i = 0; i < n; i++) {
		err = morph_eval_repeated(r->ev) ? text_case(r,
		    morph_eval_case(r->ev, k, i), baseline, alpha) :
		    text_item(r, morph_eval_item(r->ev, k, i), baseline);
		if (err != NULL)
			return err;
	}
	return NULL;
}

static void
text_models(struct report *r, int baseline)
{
	const struct morph_eval_model *m;
	char before[48], now[48], din[40], dout[40], dcost[48], usd[40];
	char l0[32], l1[32];
	size_t i;

	printf("\n%-24s %-15s %-15s %8s %8s %13s %15s\n", "model",
	    baseline ? "pass before" : "pass", baseline ? "pass now" : "",
	    baseline ? "d.tok.in" : "tok.in", baseline ? "d.tok.out" :
	    "tok.out", baseline ? "d.cost" : "cost", baseline ?
	    "p50 before/now" : "p50");
	for (i = 0; i < morph_eval_nmodels(r->ev); i++) {
		m = morph_eval_model(r->ev, i);
		rate(before, sizeof(before), m->passed[1], m->asserted[1]);
		rate(now, sizeof(now), m->passed[0], m->asserted[0]);
		latency(l0, sizeof(l0), m->p50_ms[0]);
		latency(l1, sizeof(l1), m->p50_ms[1]);
		if (baseline) {
			signed_human(din, sizeof(din), m->tokens_in[0] -
			    m->tokens_in[1]);
			signed_human(dout, sizeof(dout), m->tokens_out[0] -
			    m->tokens_out[1]);
			cost_delta(dcost, sizeof(dcost), m);
			printf("%-24s %-15s %-15s %8s %8s %13s %7s/%-7s\n",
			    m->model, before, now, din, dout, dcost, l1, l0);
		} else {
			morph_cmd_human(din, sizeof(din), m->tokens_in[0]);
			morph_cmd_human(dout, sizeof(dout), m->tokens_out[0]);
			printf("%-24s %-15s %-15s %8s %8s %13s %15s\n",
			    m->model, now, "", din, dout, morph_cmd_cost(usd,
			    sizeof(usd), m->cost_nusd[0], m->unpriced[0]), l0);
		}
	}
}

/* What repeated runs' counts count: "cases of 5 samples each". */
static const char *
unit_note(char *buf, size_t size, const struct report *r)
{
	int now = morph_eval_max_samples(r->ev, 0);
	int before = morph_eval_max_samples(r->ev, 1);

	if (now == before || before == 0 || now == 0)
		snprintf(buf, size, "cases of %d samples each",
		    now > before ? now : before);
	else
		snprintf(buf, size, "cases of %d samples now, %d before", now,
		    before);
	return buf;
}

static const struct morph_error *
report_text(struct report *r, double alpha, int outputs_only)
{
	const struct morph_error *err;
	const struct morph_run_info *base = morph_eval_baseline(r->ev);
	char l1[96], l2[96], unit[64];
	int64_t nreg = morph_eval_regressions(r->ev);
	int rep = morph_eval_repeated(r->ev);
	size_t n;

	if (outputs_only)
		printf("\n");
	else
		morph_cmd_pager_begin();
	printf("%s%s", outputs_only ? "Outputs: " : "",
	    run_label(morph_eval_run(r->ev), l1, sizeof(l1)));
	if (base != NULL)
		printf(" against %s", run_label(base, l2, sizeof(l2)));
	putchar('\n');
	if (base == NULL) {
		n = entries(r, MORPH_EVAL_FAILURE);
		if (rep)
			printf("%zu failing case%s of %d samples each\n", n,
			    n == 1 ? "" : "s", morph_eval_max_samples(r->ev, 0));
		else
			printf("%zu failing results\n", n);
		if ((err = text_section(r, MORPH_EVAL_FAILURE, "Failures",
		    SGR_RED, 0, alpha)) != NULL)
			return err;
		text_models(r, 0);
		return NULL;
	}
	printf("%s%lld regression%s%s, %zu fix%s, %zu changed%s, "
	    "%zu added, %zu removed", morph_cmd_sgr(r->color, nreg ?
	    SGR_RED : SGR_GREEN), (long long)nreg, nreg == 1 ? "" : "s",
	    morph_cmd_sgr(r->color, SGR_RESET),
	    entries(r, MORPH_EVAL_FIX),
	    entries(r, MORPH_EVAL_FIX) == 1 ? "" : "es",
	    entries(r, MORPH_EVAL_CHANGED), rep ? "" :
	    entries(r, MORPH_EVAL_CHANGED) == 1 ? " output" : " outputs",
	    entries(r, MORPH_EVAL_ADDED), entries(r, MORPH_EVAL_REMOVED));
	if (rep)
		printf(": %s", unit_note(unit, sizeof(unit), r));
	putchar('\n');
	n = entries(r, MORPH_EVAL_REGRESSION);
	if (alpha > 0 && n != (size_t)nreg)
		printf("(%zu %s in all; %lld significant at %g)\n", n,
		    rep ? "cases with a lower pass rate" :
		    "pass-to-fail results", (long long)nreg, alpha);
	if ((err = text_section(r, MORPH_EVAL_REGRESSION, "Regressions",
	    SGR_RED, 1, alpha)) != NULL ||
	    (err = text_section(r, MORPH_EVAL_FIX, "Fixes", SGR_GREEN,
	    1, alpha)) != NULL ||
	    (err = text_section(r, MORPH_EVAL_CHANGED, rep ? "Changed" :
	    "Changed outputs", SGR_YELLOW, 1, alpha)) != NULL ||
	    (err = text_section(r, MORPH_EVAL_ADDED, "Added", SGR_CYAN,
	    1, alpha)) != NULL ||
	    (err = text_section(r, MORPH_EVAL_REMOVED, "Removed", SGR_CYAN,
	    1, alpha)) != NULL)
		return err;
	if (outputs_only)
		return NULL;
	text_models(r, 1);
	return NULL;
}

/* JSON */

static void
json_int_or_null(struct morph_jsonw *w, const char *k, int64_t v)
{
	morph_jsonw_key(w, k);
	if (v < 0)
		morph_jsonw_null(w);
	else
		morph_jsonw_int(w, v);
}

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
json_side(struct report *r, const struct morph_eval_side *s)
{
	const struct morph_error *err;
	struct morph_buf text = MORPH_BUF_INIT;
	struct morph_jsonw *w = &r->w;

	if (!s->present) {
		morph_jsonw_null(w);
		return NULL;
	}
	if ((err = output_text(&text, r->repo, s)) != NULL)
		return err;
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
	json_int_or_null(w, "tokens_in", s->tokens_in);
	json_int_or_null(w, "tokens_out", s->tokens_out);
	json_int_or_null(w, "latency_ms", s->latency_ms);
	json_int_or_null(w, "cost_nusd", s->cost_nusd);
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
json_result(struct report *r, const struct morph_eval_item *it)
{
	const struct morph_error *err;
	struct morph_jsonw *w = &r->w;

	morph_jsonw_kv_int(w, "sample", it->sample);
	morph_jsonw_key(w, "run");
	if ((err = json_side(r, &it->a)) != NULL)
		return err;
	if (morph_eval_baseline(r->ev) != NULL) {
		morph_jsonw_key(w, "against");
		if ((err = json_side(r, &it->b)) != NULL)
			return err;
	}
	return NULL;
}

/* A case of repeated runs: its counts, test and one example result. */
static const struct morph_error *
json_case(struct report *r, const struct morph_eval_case *c)
{
	const struct morph_error *err;
	struct morph_jsonw *w = &r->w;
	int s;

	morph_jsonw_object_begin(w);
	morph_jsonw_kv_string(w, "prompt", c->prompt);
	morph_jsonw_kv_string(w, "case", c->case_id);
	morph_jsonw_kv_string(w, "model", c->model);
	if (c->kind == MORPH_EVAL_REGRESSION)
		morph_jsonw_kv_bool(w, "counted", c->significant);
	for (s = 0; s < (morph_eval_baseline(r->ev) ? 2 : 1); s++)
		json_counts(w, s == 0 ? "run" : "against", c->samples[s],
		    c->n[s], c->k[s], c->lo[s], c->hi[s]);
	if (morph_eval_baseline(r->ev) != NULL) {
		morph_jsonw_kv_int(w, "worse", c->worse);
		morph_jsonw_kv_int(w, "better", c->better);
		morph_jsonw_key(w, "mcnemar_p");
		if (c->p_value < 0)
			morph_jsonw_null(w);
		else
			morph_jsonw_double(w, c->p_value);
	}
	morph_jsonw_key(w, "example");
	if (c->example == NULL)
		morph_jsonw_null(w);
	else {
		morph_jsonw_object_begin(w);
		if ((err = json_result(r, c->example)) != NULL)
			return err;
		morph_jsonw_object_end(w);
	}
	morph_jsonw_object_end(w);
	return NULL;
}

static const struct morph_error *
report_json(struct report *r)
{
	const struct morph_error *err;
	struct morph_jsonw *w = &r->w;
	const struct morph_eval_item *it;
	const struct morph_eval_model *m;
	const struct morph_eval_group *g;
	size_t i, k;
	int s, rep = morph_eval_repeated(r->ev);

	morph_jsonw_init(w, stdout);
	morph_jsonw_object_begin(w);
	morph_jsonw_key(w, "run");
	json_run(w, morph_eval_run(r->ev));
	morph_jsonw_key(w, "against");
	json_run(w, morph_eval_baseline(r->ev));
	morph_jsonw_key(w, "summary");
	morph_jsonw_object_begin(w);
	morph_jsonw_kv_string(w, "unit", rep ? "case" : "result");
	morph_jsonw_kv_int(w, "regressions", morph_eval_regressions(r->ev));
	for (k = 0; k < MORPH_EVAL_SAME; k++)
		if (morph_eval_baseline(r->ev) == NULL ?
		    k == MORPH_EVAL_FAILURE : k != MORPH_EVAL_FAILURE &&
		    k != MORPH_EVAL_REGRESSION)
			morph_jsonw_kv_int(w, kind_names[k],
			    (int64_t)entries(r, k));
	if (morph_eval_baseline(r->ev) != NULL)
		morph_jsonw_kv_int(w, "pass_to_fail", (int64_t)
		    entries(r, MORPH_EVAL_REGRESSION));
	if (rep && morph_eval_baseline(r->ev) != NULL) {
		/* The samples behind the cases, for who wants them. */
		morph_jsonw_kv_int(w, "samples_pass_to_fail", (int64_t)
		    morph_eval_count(r->ev, MORPH_EVAL_REGRESSION));
		morph_jsonw_kv_int(w, "samples_fail_to_pass", (int64_t)
		    morph_eval_count(r->ev, MORPH_EVAL_FIX));
	}
	morph_jsonw_object_end(w);
	morph_jsonw_key(w, "models");
	morph_jsonw_array_begin(w);
	for (i = 0; i < morph_eval_nmodels(r->ev); i++) {
		m = morph_eval_model(r->ev, i);
		morph_jsonw_object_begin(w);
		morph_jsonw_kv_string(w, "model", m->model);
		for (s = 0; s < (morph_eval_baseline(r->ev) ? 2 : 1); s++) {
			morph_jsonw_key(w, s == 0 ? "run" : "against");
			morph_jsonw_object_begin(w);
			morph_jsonw_kv_int(w, "results", m->results[s]);
			morph_jsonw_kv_int(w, "asserted", m->asserted[s]);
			morph_jsonw_kv_int(w, "passed", m->passed[s]);
			morph_jsonw_kv_int(w, "errors", m->errors[s]);
			morph_jsonw_key(w, "pass_rate");
			if (m->rate[s] < 0)
				morph_jsonw_null(w);
			else
				morph_jsonw_double(w, m->rate[s]);
			morph_jsonw_key(w, "interval");
			morph_jsonw_array_begin(w);
			morph_jsonw_double(w, m->lo[s]);
			morph_jsonw_double(w, m->hi[s]);
			morph_jsonw_array_end(w);
			morph_jsonw_kv_int(w, "tokens_in", m->tokens_in[s]);
			morph_jsonw_kv_int(w, "tokens_out", m->tokens_out[s]);
			morph_cmd_json_cost(w, "cost_nusd", m->cost_nusd[s],
			    m->unpriced[s]);
			morph_jsonw_kv_int(w, "unpriced", m->unpriced[s]);
			json_int_or_null(w, "p50_ms", m->p50_ms[s]);
			json_int_or_null(w, "p95_ms", m->p95_ms[s]);
			morph_jsonw_object_end(w);
		}
		if (morph_eval_baseline(r->ev) != NULL) {
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
	for (k = 0; k < MORPH_EVAL_SAME; k++) {
		if (morph_eval_baseline(r->ev) == NULL ?
		    k != MORPH_EVAL_FAILURE : k == MORPH_EVAL_FAILURE)
			continue;
		morph_jsonw_key(w, kind_names[k]);
		morph_jsonw_array_begin(w);
		for (i = 0; i < entries(r, k); i++) {
			if (rep) {
				if ((err = json_case(r, morph_eval_case(r->ev,
				    k, i))) != NULL)
					return err;
				continue;
			}
			it = morph_eval_item(r->ev, k, i);
			morph_jsonw_object_begin(w);
			morph_jsonw_kv_string(w, "prompt", it->prompt);
			morph_jsonw_kv_string(w, "case", it->case_id);
			morph_jsonw_kv_string(w, "model", it->model);
			if (k == MORPH_EVAL_REGRESSION)
				morph_jsonw_kv_bool(w, "counted",
				    it->significant);
			if ((err = json_result(r, it)) != NULL)
				return err;
			morph_jsonw_object_end(w);
		}
		morph_jsonw_array_end(w);
	}
	morph_jsonw_key(w, "groups");
	morph_jsonw_array_begin(w);
	for (i = 0; i < morph_eval_ngroups(r->ev); i++) {
		g = morph_eval_group(r->ev, i);
		morph_jsonw_object_begin(w);
		morph_jsonw_kv_string(w, "prompt", g->prompt);
		morph_jsonw_kv_string(w, "case", g->case_id);
		morph_jsonw_kv_string(w, "model", g->model);
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
	morph_jsonw_object_end(w);
	morph_jsonw_finish(w);
	return NULL;
}

/* JUnit */

/* XML text: escapes markup and drops what XML 1.0 cannot hold. */
static void
xml(const char *s, size_t n)
{
	size_t i;
	unsigned char c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c == '<')
			fputs("&lt;", stdout);
		else if (c == '>')
			fputs("&gt;", stdout);
		else if (c == '&')
			fputs("&amp;", stdout);
		else if (c == '"')
			fputs("&quot;", stdout);
		else if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
			fputs("\xef\xbf\xbd", stdout);	/* U+FFFD */
		else
			putchar(c);
	}
}

static void
xmls(const char *s)
{
	xml(s, strlen(s));
}

static const struct morph_error *
junit_case(struct report *r, const struct morph_eval_item *it)
{
	const struct morph_error *err;
	struct morph_buf why = MORPH_BUF_INIT, text = MORPH_BUF_INIT;
	const struct morph_eval_side *s = it->a.present ? &it->a : &it->b;
	char name[64];

	printf("    <testcase classname=\"");
	xmls(it->model);
	printf("\" name=\"");
	xmls(it->prompt);
	printf(" :: ");
	xmls(it->case_id);
	if (morph_eval_repeated(r->ev)) {
		snprintf(name, sizeof(name), " [sample %d]", it->sample);
		xmls(name);
	}
	printf("\" time=\"%.3f\">\n", s->latency_ms > 0 ?
	    (double)s->latency_ms / 1000 : 0.0);
	reasons(&why, s, "");
	if ((err = output_text(&text, r->repo, s)) != NULL)
		goto done;
	if (it->kind == MORPH_EVAL_REMOVED)
		printf("      <skipped message=\"not in this run (removed)\"/>\n");
	else if (s->error != NULL) {
		printf("      <error type=\"call\" message=\"");
		xmls(s->error);
		printf("\"/>\n");
	} else if (!(s->pass != 0)) {
		printf("      <failure type=\"%s\" message=\"",
		    it->kind == MORPH_EVAL_REGRESSION ? "regression" :
		    "assertion");
		xml(why.ptr ? why.ptr : "", strcspn(morph_buf_cstr(&why),
		    "\n"));
		printf("\">");
		xmls(morph_buf_cstr(&why));
		printf("\noutput:\n");
		xml(text.ptr, text.len);
		printf("</failure>\n");
	}
	printf("      <system-out>");
	xml(text.ptr, text.len);
	printf("</system-out>\n    </testcase>\n");
done:
	morph_buf_release(&why);
	morph_buf_release(&text);
	return err;
}

static int
is_failure(const struct morph_eval_item *it)
{
	return it->kind != MORPH_EVAL_REMOVED && it->a.present &&
	    it->a.error == NULL && it->a.pass == 0;
}

static const struct morph_error *
report_junit(struct report *r)
{
	const struct morph_error *err;
	const struct morph_eval_model *m;
	const struct morph_eval_item *it;
	size_t i, k, j;
	int64_t tests, fails, errors, skipped;
	char usd[40];

	printf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	printf("<testsuites name=\"morph eval\">\n");
	for (i = 0; i < morph_eval_nmodels(r->ev); i++) {
		m = morph_eval_model(r->ev, i);
		tests = fails = errors = skipped = 0;
		for (k = 0; k < MORPH_EVAL_NKINDS; k++)
			for (j = 0; j < morph_eval_count(r->ev, k); j++) {
				it = morph_eval_item(r->ev, k, j);
				if (strcmp(it->model, m->model) != 0)
					continue;
				tests++;
				skipped += it->kind == MORPH_EVAL_REMOVED;
				errors += it->kind != MORPH_EVAL_REMOVED &&
				    it->a.error != NULL;
				fails += is_failure(it);
			}
		printf("  <testsuite name=\"");
		xmls(m->model);
		printf("\" tests=\"%lld\" failures=\"%lld\" errors=\"%lld\" "
		    "skipped=\"%lld\">\n", (long long)tests, (long long)fails,
		    (long long)errors, (long long)skipped);
		printf("    <properties>\n      <property name=\"cost\" "
		    "value=\"%s\"/>\n    </properties>\n", morph_cmd_cost(usd,
		    sizeof(usd), m->cost_nusd[0], m->unpriced[0]));
		for (k = 0; k < MORPH_EVAL_NKINDS; k++)
			for (j = 0; j < morph_eval_count(r->ev, k); j++) {
				it = morph_eval_item(r->ev, k, j);
				if (strcmp(it->model, m->model) == 0 &&
				    (err = junit_case(r, it)) != NULL)
					return err;
			}
		printf("  </testsuite>\n");
	}
	printf("</testsuites>\n");
	return NULL;
}

/* Markdown */

/* Text inside a Markdown code span or table cell. */
static void
md(const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '|' || *s == '`' || *s == '<' || *s == '*' ||
		    *s == '_')
			putchar('\\');
		putchar(*s == '\n' ? ' ' : *s);
	}
}

/*
 * One entry: the key, counts (a case's; NULL for a result), then the
 * reasons and output of result it (a case's example; may be NULL).
 */
static const struct morph_error *
md_entry(struct report *r, const char *prompt, const char *case_id,
    const char *model, const char *counts, const struct morph_eval_item *it)
{
	const struct morph_error *err = NULL;
	struct morph_buf why = MORPH_BUF_INIT, a = MORPH_BUF_INIT;
	struct morph_buf b = MORPH_BUF_INIT, diff = MORPH_BUF_INIT;
	struct morph_textdiff_opts dopts;
	const char *p, *nl;

	printf("- `");
	md(prompt);
	printf("` · case `");
	md(case_id);
	printf("` · `");
	md(model);
	printf("`");
	if (counts != NULL)
		printf(" · %s", counts);
	if (it == NULL) {
		putchar('\n');
		goto done;
	}
	if (counts != NULL)
		printf(" · sample %d", it->sample);
	reasons(&why, it->kind == MORPH_EVAL_FIX ? &it->b : &it->a, "");
	for (p = morph_buf_cstr(&why); *p != '\0'; p = nl + (*nl != '\0')) {
		nl = p + strcspn(p, "\n");
		printf(" — ");
		fwrite(p, 1, (size_t)(nl - p), stdout);
	}
	putchar('\n');
	if ((err = output_text(&a, r->repo, &it->a)) != NULL ||
	    (err = output_text(&b, r->repo, &it->b)) != NULL)
		goto done;
	memset(&dopts, 0, sizeof(dopts));
	dopts.version = 1;
	dopts.context = 3;
	if (it->a.present && it->b.present && (err = morph_textdiff_lines(
	    &diff, b.ptr, b.len, a.ptr, a.len, &dopts)) != NULL)
		goto done;
	/* Folded below the item, not inside it, so GitHub renders it. */
	printf("\n<details><summary>output</summary>\n\n```%s\n",
	    diff.len > 0 ? "diff" : "");
	if (diff.len > 0)
		fwrite(diff.ptr, 1, diff.len, stdout);
	else
		printf("%s\n", it->a.present ? morph_buf_cstr(&a) :
		    morph_buf_cstr(&b));
	printf("```\n\n</details>\n\n");
done:
	morph_buf_release(&why);
	morph_buf_release(&a);
	morph_buf_release(&b);
	morph_buf_release(&diff);
	return err;
}

static const struct morph_error *
md_item(struct report *r, const struct morph_eval_item *it)
{
	return md_entry(r, it->prompt, it->case_id, it->model, NULL, it);
}

static const struct morph_error *
md_case(struct report *r, const struct morph_eval_case *c)
{
	const struct morph_error *err;
	struct morph_buf counts = MORPH_BUF_INIT;

	case_counts(&counts, c, morph_eval_baseline(r->ev) != NULL,
	    r->alpha, 0);
	err = md_entry(r, c->prompt, c->case_id, c->model,
	    morph_buf_cstr(&counts), c->example);
	morph_buf_release(&counts);
	return err;
}

static const struct morph_error *
md_section(struct report *r, enum morph_eval_kind k, const char *title)
{
	const struct morph_error *err;
	size_t i, n = entries(r, k);

	if (n == 0)
		return NULL;
	printf("\n### %s (%zu)\n\n", title, n);
	for (i = 0; i < n; i++) {
		err = morph_eval_repeated(r->ev) ? md_case(r,
		    morph_eval_case(r->ev, k, i)) :
		    md_item(r, morph_eval_item(r->ev, k, i));
		if (err != NULL)
			return err;
	}
	return NULL;
}

/* The suite's diff between the two runs' commits, folded. */
static const struct morph_error *
md_prompt_diff(struct report *r)
{
	const struct morph_run_info *a = morph_eval_run(r->ev);
	const struct morph_run_info *b = morph_eval_baseline(r->ev);
	struct morph_cmd_diff_opts dopts;
	struct morph_cmd_changes ch;
	struct morph_entrylist ea, eb;
	const struct morph_error *err;

	if (morph_oid_cmp(&a->commit, &b->commit) == 0)
		return NULL;
	morph_entrylist_init(&ea);
	morph_entrylist_init(&eb);
	morph_cmd_changes_init(&ch, r->repo, 0);
	if ((err = morph_cmd_snapshot(&ea, r->repo, &a->commit, NULL, 0)) ||
	    (err = morph_cmd_snapshot(&eb, r->repo, &b->commit, NULL, 0)) ||
	    (err = morph_cmd_changes_collect(&ch, &eb, &ea)) != NULL)
		goto done;
	if (ch.n == 0)
		goto done;
	printf("\n### Suite changes\n\n<details><summary>%zu file%s changed "
	    "between %s and %s</summary>\n\n```diff\n", ch.n, ch.n == 1 ?
	    "" : "s", morph_cmd_short(&b->commit), morph_cmd_short(&a->commit));
	fflush(stdout);
	memset(&dopts, 0, sizeof(dopts));
	dopts.format = MORPH_CMD_DIFF_PATCH;
	dopts.context = 3;
	err = morph_cmd_changes_print(&ch, &dopts);
	printf("```\n</details>\n");
done:
	morph_cmd_changes_release(&ch);
	morph_entrylist_release(&ea);
	morph_entrylist_release(&eb);
	return err;
}

static const struct morph_error *
report_markdown(struct report *r)
{
	const struct morph_error *err;
	const struct morph_run_info *base = morph_eval_baseline(r->ev);
	const struct morph_eval_model *m;
	char before[48], now[48], din[40], dout[40], dcost[48], l0[32];
	char l1[32], la[96], lb[96], unit[64];
	int64_t nreg = morph_eval_regressions(r->ev);
	int rep = morph_eval_repeated(r->ev);
	size_t i;

	if (base == NULL) {
		printf("## morph eval: %zu failing %s%s\n\n%s\n",
		    entries(r, MORPH_EVAL_FAILURE), rep ? "case" : "result",
		    entries(r, MORPH_EVAL_FAILURE) == 1 ? "" :
		    "s", run_label(morph_eval_run(r->ev), la, sizeof(la)));
	} else {
		printf("## morph eval: %s %lld regression%s\n\n",
		    nreg ? ":x:" : ":white_check_mark:", (long long)nreg,
		    nreg == 1 ? "" : "s");
		printf("%s against %s: %zu fix%s, %zu changed%s, %zu "
		    "added, %zu removed", run_label(morph_eval_run(r->ev),
		    la, sizeof(la)), run_label(base, lb, sizeof(lb)),
		    entries(r, MORPH_EVAL_FIX),
		    entries(r, MORPH_EVAL_FIX) == 1 ? "" : "es",
		    entries(r, MORPH_EVAL_CHANGED), rep ? "" :
		    entries(r, MORPH_EVAL_CHANGED) == 1 ? " output" :
		    " outputs", entries(r, MORPH_EVAL_ADDED),
		    entries(r, MORPH_EVAL_REMOVED));
		if (rep)
			printf(" (%s)", unit_note(unit, sizeof(unit), r));
		printf(".\n");
	}
	printf("\n| model | pass%s | %s | tokens in | tokens out | cost | "
	    "p50 |\n|---|---|---|---|---|---|---|\n", base ? " before" : "",
	    base ? "pass now" : "errors");
	for (i = 0; i < morph_eval_nmodels(r->ev); i++) {
		m = morph_eval_model(r->ev, i);
		rate(before, sizeof(before), m->passed[1], m->asserted[1]);
		rate(now, sizeof(now), m->passed[0], m->asserted[0]);
		latency(l0, sizeof(l0), m->p50_ms[0]);
		latency(l1, sizeof(l1), m->p50_ms[1]);
		printf("| `");
		md(m->model);
		if (base != NULL) {
			signed_human(din, sizeof(din), m->tokens_in[0] -
			    m->tokens_in[1]);
			signed_human(dout, sizeof(dout), m->tokens_out[0] -
			    m->tokens_out[1]);
			cost_delta(dcost, sizeof(dcost), m);
			printf("` | %s | %s | %s | %s | %s | %s → %s |\n",
			    before, now, din, dout, dcost, l1, l0);
		} else {
			morph_cmd_human(din, sizeof(din), m->tokens_in[0]);
			morph_cmd_human(dout, sizeof(dout), m->tokens_out[0]);
			printf("` | %s | %lld | %s | %s | %s | %s |\n", now,
			    (long long)m->errors[0], din, dout,
			    morph_cmd_cost(dcost, sizeof(dcost),
			    m->cost_nusd[0], m->unpriced[0]), l0);
		}
	}
	if (base == NULL)
		return md_section(r, MORPH_EVAL_FAILURE, "Failures");
	if ((err = md_section(r, MORPH_EVAL_REGRESSION, "Regressions")) ||
	    (err = md_prompt_diff(r)) != NULL ||
	    (err = md_section(r, MORPH_EVAL_FIX, "Fixes")) != NULL ||
	    (err = md_section(r, MORPH_EVAL_CHANGED, "Changed outputs")) ||
	    (err = md_section(r, MORPH_EVAL_ADDED, "Added")) != NULL ||
	    (err = md_section(r, MORPH_EVAL_REMOVED, "Removed")) != NULL)
		return err;
	return NULL;
}

const struct morph_error *
morph_cmd_eval_report(struct morph_repo *repo, struct morph_eval *ev,
    enum morph_cmd_eval_format fmt, double alpha)
{
	struct report r;

	memset(&r, 0, sizeof(r));
	r.repo = repo;
	r.ev = ev;
	r.alpha = alpha;
	r.color = (fmt == MORPH_CMD_EVAL_TEXT || fmt ==
	    MORPH_CMD_EVAL_OUTPUTS) && morph_cmd_color();
	switch (fmt) {
	case MORPH_CMD_EVAL_TEXT:
	case MORPH_CMD_EVAL_OUTPUTS:
		return report_text(&r, alpha, fmt == MORPH_CMD_EVAL_OUTPUTS);
	case MORPH_CMD_EVAL_JSON:
		return report_json(&r);
	case MORPH_CMD_EVAL_JUNIT:
		return report_junit(&r);
	case MORPH_CMD_EVAL_MARKDOWN:
		return report_markdown(&r);
	}
	return NULL;
}
