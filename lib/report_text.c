/*
 * The text report, for a terminal (morph eval): a summary line, a section
 * a kind of change with each result's verdicts, reasons and output (as a
 * word diff of the baseline's when both sides have one), then a table of
 * the models.  OUTPUTS is the same without the table, which is what morph
 * diff --outputs appends to a suite diff.  Colour when the caller asks
 * for it (opts.color): whether a terminal is there is the caller's to
 * know.
 */
#include <stdio.h>
#include <string.h>

#include "morph/eval.h"
#include "morph/num.h"
#include "morph/run.h"
#include "morph/sgr.h"
#include "morph/textdiff.h"
#include "report_int.h"

/* Writes text with every line after the first indented by indent. */
static void
indented(struct morph_report *r, const char *text, const char *indent)
{
	const char *nl;

	while ((nl = strchr(text, '\n')) != NULL) {
		fwrite(text, 1, (size_t)(nl - text) + 1, r->out);
		text = nl + 1;
		if (*text != '\0')
			fputs(indent, r->out);
	}
	fputs(text, r->out);
	fputc('\n', r->out);
}

/*
 * The verdicts, reasons and output of one result; lead goes before the
 * verdicts ("sample 3: " for a case's example).
 */
static const struct morph_error *
result(struct morph_report *r, const struct morph_eval_item *it,
    int baseline, const char *lead)
{
	const struct morph_error *err;
	struct morph_buf a = MORPH_BUF_INIT, b = MORPH_BUF_INIT;
	struct morph_buf why = MORPH_BUF_INIT, diff = MORPH_BUF_INIT;

	if (baseline)
		fprintf(r->out, "    %sbefore: %s    now: %s\n", lead,
		    morph_report_verdict(&it->b), morph_report_verdict(&it->a));
	else if (*lead != '\0')
		fprintf(r->out, "    %s%s\n", lead,
		    morph_report_verdict(&it->a));
	morph_report_reasons(&why, it->kind == MORPH_EVAL_FIX || it->kind ==
	    MORPH_EVAL_REMOVED ? &it->b : &it->a, "    - ");
	fputs(morph_buf_cstr(&why), r->out);
	if ((err = morph_report_output_text(&a, r->repo, &it->a)) != NULL ||
	    (err = morph_report_output_text(&b, r->repo, &it->b)) != NULL)
		goto done;
	if (baseline && it->a.present && it->b.present) {
		if ((err = morph_textdiff_words_inline(&diff, b.ptr, b.len,
		    a.ptr, a.len, r->o.color)) != NULL)
			goto done;
		fputs("    output: ", r->out);
		indented(r, morph_buf_cstr(&diff), "            ");
	} else {
		fputs("    output: ", r->out);
		indented(r, it->a.present ? morph_buf_cstr(&a) :
		    morph_buf_cstr(&b), "            ");
	}
done:
	morph_buf_release(&a);
	morph_buf_release(&b);
	morph_buf_release(&why);
	morph_buf_release(&diff);
	return err;
}

/* "  prompt  case ID  model ID" and a newline. */
static void
key(struct morph_report *r, const char *prompt, const char *case_id,
    const char *model)
{
	fprintf(r->out, "  %s%s%s  case %s  model %s\n", morph_sgr(r->o.color,
	    MORPH_SGR_BOLD), prompt, morph_sgr(r->o.color, MORPH_SGR_RESET),
	    case_id, model);
}

static const struct morph_error *
item(struct morph_report *r, const struct morph_eval_item *it, int baseline)
{
	key(r, it->prompt, it->case_id, it->model);
	return result(r, it, baseline, "");
}

/* A case of a repeated run: its counts, then one sample that shows why. */
static const struct morph_error *
one_case(struct morph_report *r, const struct morph_eval_case *c,
    int baseline)
{
	struct morph_buf counts = MORPH_BUF_INIT;
	char lead[32];

	key(r, c->prompt, c->case_id, c->model);
	morph_report_case_counts(&counts, c, baseline, r->o.alpha, 1);
	fprintf(r->out, "    passed %s\n", morph_buf_cstr(&counts));
	morph_buf_release(&counts);
	if (c->example == NULL)
		return NULL;
	snprintf(lead, sizeof(lead), "sample %d: ", c->example->sample);
	return result(r, c->example, baseline, lead);
}

static const struct morph_error *
section(struct morph_report *r, enum morph_eval_kind k, const char *title,
    const char *colour, int baseline)
{
	const struct morph_error *err;
	size_t i, n = morph_report_entries(r, k);

	if (n == 0)
		return NULL;
	fprintf(r->out, "\n%s%s (%zu)%s\n", morph_sgr(r->o.color, colour),
	    title, n, morph_sgr(r->o.color, MORPH_SGR_RESET));
	for (i = 0; i < n; i++) {
		err = morph_eval_repeated(r->ev) ? one_case(r,
		    morph_eval_case(r->ev, k, i), baseline) :
		    item(r, morph_eval_item(r->ev, k, i), baseline);
		if (err != NULL)
			return err;
	}
	return NULL;
}

static void
models(struct morph_report *r, int baseline)
{
	const struct morph_eval_model *m;
	char before[64], now[64], din[64], dout[64], dcost[64], usd[64];
	char l0[64], l1[64];
	size_t i;

	fprintf(r->out, "\n%-24s %-15s %-15s %8s %8s %13s %15s\n", "model",
	    baseline ? "pass before" : "pass", baseline ? "pass now" : "",
	    baseline ? "d.tok.in" : "tok.in", baseline ? "d.tok.out" :
	    "tok.out", baseline ? "d.cost" : "cost", baseline ?
	    "p50 before/now" : "p50");
	for (i = 0; i < morph_eval_nmodels(r->ev); i++) {
		m = morph_eval_model(r->ev, i);
		morph_report_rate(before, sizeof(before), m->passed[1],
		    m->asserted[1]);
		morph_report_rate(now, sizeof(now), m->passed[0],
		    m->asserted[0]);
		morph_report_latency(l0, sizeof(l0), m->p50_ms[0]);
		morph_report_latency(l1, sizeof(l1), m->p50_ms[1]);
		if (baseline) {
			fprintf(r->out, "%-24s %-15s %-15s %8s %8s %13s "
			    "%7s/%-7s\n", m->model, before, now,
			    morph_report_signed_count(din, sizeof(din),
			    m->tokens_in[0] - m->tokens_in[1]),
			    morph_report_signed_count(dout, sizeof(dout),
			    m->tokens_out[0] - m->tokens_out[1]),
			    morph_report_cost_delta(dcost, sizeof(dcost), m),
			    l1, l0);
		} else {
			morph_num_human(din, sizeof(din), m->tokens_in[0]);
			morph_num_human(dout, sizeof(dout), m->tokens_out[0]);
			fprintf(r->out, "%-24s %-15s %-15s %8s %8s %13s %15s\n",
			    m->model, now, "", din, dout, morph_usd_total(usd,
			    sizeof(usd), m->cost_nusd[0], m->unpriced[0]), l0);
		}
	}
}

/* Scoring one run: its failures and the models. */
static const struct morph_error *
scored(struct morph_report *r)
{
	const struct morph_error *err;
	size_t n = morph_report_entries(r, MORPH_EVAL_FAILURE);

	if (morph_eval_repeated(r->ev))
		fprintf(r->out, "%zu failing case%s of %d samples each\n", n,
		    n == 1 ? "" : "s", morph_eval_max_samples(r->ev, 0));
	else
		fprintf(r->out, "%zu failing results\n", n);
	if ((err = section(r, MORPH_EVAL_FAILURE, "Failures", MORPH_SGR_RED,
	    0)) != NULL)
		return err;
	models(r, 0);
	return NULL;
}

const struct morph_error *
morph_report_write_text(struct morph_report *r)
{
	const struct morph_error *err;
	const struct morph_run_info *base = morph_eval_baseline(r->ev);
	char l1[96], l2[96], unit[64], changes[128];
	int64_t nreg = morph_eval_regressions(r->ev);
	int rep = morph_eval_repeated(r->ev);
	int outputs_only = r->format == MORPH_REPORT_OUTPUTS;
	size_t n;

	if (outputs_only)
		fputc('\n', r->out);
	fprintf(r->out, "%s%s", outputs_only ? "Outputs: " : "",
	    morph_report_run_label(l1, sizeof(l1), morph_eval_run(r->ev)));
	if (base != NULL)
		fprintf(r->out, " against %s", morph_report_run_label(l2,
		    sizeof(l2), base));
	fputc('\n', r->out);
	if (base == NULL)
		return scored(r);
	fprintf(r->out, "%s%lld regression%s%s, %s", morph_sgr(r->o.color,
	    nreg ? MORPH_SGR_RED : MORPH_SGR_GREEN), (long long)nreg,
	    nreg == 1 ? "" : "s", morph_sgr(r->o.color, MORPH_SGR_RESET),
	    morph_report_changes(changes, sizeof(changes), r));
	if (rep)
		fprintf(r->out, ": %s", morph_report_unit_note(unit,
		    sizeof(unit), r));
	fputc('\n', r->out);
	n = morph_report_entries(r, MORPH_EVAL_REGRESSION);
	if (r->o.alpha > 0 && n != (size_t)nreg)
		fprintf(r->out, "(%zu %s in all; %lld significant at %g)\n", n,
		    rep ? "cases with a lower pass rate" :
		    "pass-to-fail results", (long long)nreg, r->o.alpha);
	if ((err = section(r, MORPH_EVAL_REGRESSION, "Regressions",
	    MORPH_SGR_RED, 1)) != NULL ||
	    (err = section(r, MORPH_EVAL_FIX, "Fixes", MORPH_SGR_GREEN,
	    1)) != NULL ||
	    (err = section(r, MORPH_EVAL_CHANGED, rep ? "Changed" :
	    "Changed outputs", MORPH_SGR_YELLOW, 1)) != NULL ||
	    (err = section(r, MORPH_EVAL_ADDED, "Added", MORPH_SGR_CYAN,
	    1)) != NULL ||
	    (err = section(r, MORPH_EVAL_REMOVED, "Removed", MORPH_SGR_CYAN,
	    1)) != NULL)
		return err;
	if (!outputs_only)
		models(r, 1);
	return NULL;
}
