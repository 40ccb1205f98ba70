/*
 * Reports inside the library (see morph/report.h): what every writer is
 * handed, and the writers, one file each (lib/report_text.c,
 * lib/report_json.c, lib/report_junit.c, lib/report_markdown.c,
 * lib/report_html.c), listed in the table of lib/report.c; then the
 * helpers that more than one writer uses, in lib/report.c, so that the
 * formats say the same thing in the same words.
 */
#ifndef MORPH_REPORT_INT_H
#define MORPH_REPORT_INT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "morph/buf.h"
#include "morph/error.h"
#include "morph/eval.h"
#include "morph/hash.h"
#include "morph/report.h"

struct morph_repo;
struct morph_eval;
struct morph_run_info;

/* One report being written. */
struct morph_report {
	FILE				*out;
	struct morph_repo		*repo;
	struct morph_eval		*ev;
	struct morph_report_opts	 o;
	enum morph_report_format	 format;
};

/*
 * A writer: the whole report of r->ev to r->out.  It returns the errors
 * of what it reads; morph_report_write checks the stream itself once the
 * writer is done (ferror, fflush), so a writer need not test each write.
 */
typedef const struct morph_error *(*morph_report_writer)(struct morph_report *);

/* The writers (TEXT and OUTPUTS share one: it reads r->format). */
const struct morph_error *morph_report_write_text(struct morph_report *);
const struct morph_error *morph_report_write_json(struct morph_report *);
const struct morph_error *morph_report_write_junit(struct morph_report *);
const struct morph_error *morph_report_write_markdown(struct morph_report *);
/* One self-contained page (morph-report(1)), lib/report_html.c. */
const struct morph_error *morph_report_write_html(struct morph_report *);

/*
 * The page's charts section (lib/report_charts.c), appended to out: the
 * trend of the branch up to run's commit, the cost-quality scatter with
 * the frontier of run, and the distribution of its latencies per model.
 * Errors: the store's; NOMEM.
 */
struct morph_buf;
struct morph_run_info;
const struct morph_error *morph_report_html_charts(struct morph_buf *out,
    struct morph_repo *, const struct morph_run_info *run);

/* What every writer shares (lib/report.c). */

/*
 * A kind's plural as the reports name it ("failures", "regressions",
 * "fixes", "changed", "added", "removed", "same"): JSON's member keys.
 */
const char *morph_report_kind_name(enum morph_eval_kind);

/*
 * How many entries of a kind a report lists: results, or cases when the
 * runs were repeated (the significance test is one a case, and so is what
 * counts): morph_eval_count or morph_eval_case_count.
 */
size_t	morph_report_entries(const struct morph_report *,
	    enum morph_eval_kind);

/*
 * The output blob of side s as text in b, NUL-terminated ("" when the
 * side is absent or has no output).  Errors: the store's, NOMEM.
 */
const struct morph_error *morph_report_output_text(struct morph_buf *b,
    struct morph_repo *, const struct morph_eval_side *s);

/*
 * Appends one line "<prefix><type>: <reason>" for each failed verdict of
 * s (morph_eval_reasons); a verdict that cannot be read shows as no
 * reason rather than failing the report.
 */
void	morph_report_reasons(struct morph_buf *out,
	    const struct morph_eval_side *s, const char *prefix);

/* "pass", "FAIL", "error", "no assertions" or "absent". */
const char *morph_report_verdict(const struct morph_eval_side *);

/*
 * Short strings for tables and summaries, each written into buf and
 * returned, with room for 64 bytes (run labels 96, changes 128).
 *   rate:         "2/4 (50%)", or "-" when n is 0
 *   signed_count: a change in a count, "+1.2k", "-12", "0"
 *   cost_delta:   the change in a model's cost from the baseline to the
 *                 run, "+$0.000120", or "unpriced" when either side has
 *                 unpriced results (the change is not known)
 *   latency:      "120ms", or "-" when ms < 0 (none)
 *   run_label:    "run #3 0123456789ab of 0123456789ab" (the run's short
 *                 id, when sealed, and its commit's)
 *   changes:      what changed against the baseline besides the
 *                 regressions, "1 fix, 2 changed outputs, 0 added, 0
 *                 removed" ("2 changed" for repeated runs: cases)
 *   unit_note:    what repeated runs' counts count, "cases of 5 samples
 *                 each" or "cases of 5 samples now, 3 before"
 */
const char *morph_report_rate(char *buf, size_t size, int64_t k, int64_t n);
const char *morph_report_signed_count(char *buf, size_t size, int64_t d);
const char *morph_report_cost_delta(char *buf, size_t size,
    const struct morph_eval_model *);
const char *morph_report_latency(char *buf, size_t size, int64_t ms);
const char *morph_report_run_label(char *buf, size_t size,
    const struct morph_run_info *);
const char *morph_report_changes(char *buf, size_t size,
    const struct morph_report *);
const char *morph_report_unit_note(char *buf, size_t size,
    const struct morph_report *);

/* The abbreviated id that reports show (the 12 digits commands print). */
#define MORPH_REPORT_SHORT_ID	12
void	morph_report_short_id(char out[MORPH_REPORT_SHORT_ID + 1],
	    const struct morph_oid *);

/*
 * Appends the sample counts of a case of repeated runs: "0/5 now, 5/5
 * before" (with baseline; else "0/5"), each with its Wilson interval
 * " [0.00, 0.43]" when intervals, then, when it has pairs, "; 5 worse,
 * 0 better; McNemar p = 0.0625" and, when alpha > 0 and it is a
 * regression, whether it is significant.
 */
void	morph_report_case_counts(struct morph_buf *out,
	    const struct morph_eval_case *, int baseline, double alpha,
	    int intervals);

#endif
