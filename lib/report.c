/*
 * Reports of an evaluation (morph/report.h): the table of writers, one a
 * format, each in a file of its own as curl's TLS backends are, and what
 * the writers share (report_int.h).  morph_report_write hands the writer
 * one struct morph_report and checks the stream once it is done, so that
 * a report that could not be written is an error rather than a truncated
 * file.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "morph/num.h"
#include "morph/object.h"
#include "morph/run.h"
#include "report_int.h"

/* One line a format; a new format is one line here and one file. */
static const struct {
	const char			*name;
	enum morph_report_format	 format;
	morph_report_writer		 write;
} writers[] = {
	{ "text", MORPH_REPORT_TEXT, morph_report_write_text },
	{ "outputs", MORPH_REPORT_OUTPUTS, morph_report_write_text },
	{ "json", MORPH_REPORT_JSON, morph_report_write_json },
	{ "junit", MORPH_REPORT_JUNIT, morph_report_write_junit },
	{ "markdown", MORPH_REPORT_MARKDOWN, morph_report_write_markdown },
	{ "html", MORPH_REPORT_HTML, morph_report_write_html },
};
#define NWRITERS	(sizeof(writers) / sizeof(writers[0]))

int
morph_report_format_from_name(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < NWRITERS; i++)
		if (strcmp(writers[i].name, name) == 0)
			return (int)writers[i].format;
	return -1;
}

const char *
morph_report_format_name(enum morph_report_format format)
{
	size_t i;

	for (i = 0; i < NWRITERS; i++)
		if (writers[i].format == format)
			return writers[i].name;
	return NULL;
}

const struct morph_error *
morph_report_write(FILE *out, struct morph_repo *repo, struct morph_eval *ev,
    enum morph_report_format format, const struct morph_report_opts *opts)
{
	static const struct morph_report_opts defaults =
	    MORPH_REPORT_OPTS_INIT;
	const struct morph_error *err;
	struct morph_report r;
	size_t i;

	for (i = 0; i < NWRITERS; i++)
		if (writers[i].format == format)
			break;
	if (i == NWRITERS)
		return morph_error_fmt(MORPH_ERR_INVALID, "report format %d: "
		    "no writer for it", (int)format);
	if (opts != NULL && opts->version != MORPH_REPORT_OPTS_VERSION)
		return morph_error_fmt(MORPH_ERR_INVALID, "report options: "
		    "version %u, expected %u", opts->version,
		    MORPH_REPORT_OPTS_VERSION);
	if (out == NULL || repo == NULL || ev == NULL)
		return morph_error_fmt(MORPH_ERR_INVALID, "%s report: no %s",
		    writers[i].name, out == NULL ? "stream" : repo == NULL ?
		    "repository" : "evaluation");
	memset(&r, 0, sizeof(r));
	r.out = out;
	r.repo = repo;
	r.ev = ev;
	r.o = opts != NULL ? *opts : defaults;
	r.format = format;
	err = writers[i].write(&r);
	/*
	 * A failed write sets the stream's error flag and may leave bytes in
	 * its buffer: fflush reports the cause, ferror one that came earlier
	 * (whose errno is gone by now).
	 */
	if (fflush(out) != 0) {
		if (err == NULL)
			err = morph_error_errno("cannot write the %s report",
			    writers[i].name);
	} else if (ferror(out) && err == NULL) {
		errno = EIO;
		err = morph_error_errno("cannot write the %s report",
		    writers[i].name);
	}
	return err;
}

/* What the writers share */

static const char *const kind_names[] = {
	[MORPH_EVAL_FAILURE] = "failures",
	[MORPH_EVAL_REGRESSION] = "regressions",
	[MORPH_EVAL_FIX] = "fixes",
	[MORPH_EVAL_CHANGED] = "changed",
	[MORPH_EVAL_ADDED] = "added",
	[MORPH_EVAL_REMOVED] = "removed",
	[MORPH_EVAL_SAME] = "same",
};

const char *
morph_report_kind_name(enum morph_eval_kind k)
{
	return (size_t)k < sizeof(kind_names) / sizeof(kind_names[0]) ?
	    kind_names[k] : "unknown";
}

size_t
morph_report_entries(const struct morph_report *r, enum morph_eval_kind k)
{
	return morph_eval_repeated(r->ev) ? morph_eval_case_count(r->ev, k) :
	    morph_eval_count(r->ev, k);
}

const struct morph_error *
morph_report_output_text(struct morph_buf *b, struct morph_repo *repo,
    const struct morph_eval_side *s)
{
	const struct morph_error *err;
	struct morph_object *o;

	morph_buf_clear(b);
	morph_buf_put(b, "", 0);
	if (!s->present || !s->has_output)
		return morph_buf_status(b);
	if ((err = morph_object_read(&o, repo, &s->output,
	    MORPH_OBJ_BLOB)) != NULL)
		return err;
	morph_buf_put(b, morph_object_data(o), morph_object_size(o));
	morph_object_free(o);
	return morph_buf_status(b);
}

void
morph_report_reasons(struct morph_buf *out, const struct morph_eval_side *s,
    const char *prefix)
{
	(void)morph_eval_reasons(out, s, prefix);
}

const char *
morph_report_verdict(const struct morph_eval_side *s)
{
	if (!s->present)
		return "absent";
	if (strcmp(s->status, "ok") != 0)
		return "error";
	if (s->pass < 0)
		return "no assertions";
	return s->pass ? "pass" : "FAIL";
}

const char *
morph_report_rate(char *buf, size_t size, int64_t k, int64_t n)
{
	if (n <= 0)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%lld/%lld (%.0f%%)", (long long)k,
		    (long long)n, 100.0 * (double)k / (double)n);
	return buf;
}

const char *
morph_report_signed_count(char *buf, size_t size, int64_t d)
{
	char h[24];

	morph_num_human(h, sizeof(h), d < 0 ? -d : d);
	snprintf(buf, size, "%s%s", d < 0 ? "-" : d > 0 ? "+" : "", h);
	return buf;
}

const char *
morph_report_cost_delta(char *buf, size_t size,
    const struct morph_eval_model *m)
{
	int64_t d = m->cost_nusd[0] - m->cost_nusd[1];
	char u[32];

	if (m->unpriced[0] > 0 || m->unpriced[1] > 0)
		snprintf(buf, size, "unpriced");
	else
		snprintf(buf, size, "%s%s", d < 0 ? "-" : "+",
		    morph_usd(d < 0 ? -d : d, u, sizeof(u)));
	return buf;
}

const char *
morph_report_latency(char *buf, size_t size, int64_t ms)
{
	if (ms < 0)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%lldms", (long long)ms);
	return buf;
}

void
morph_report_short_id(char out[MORPH_REPORT_SHORT_ID + 1],
    const struct morph_oid *id)
{
	char hex[MORPH_OID_HEXSZ + 1];

	morph_oid_fmt(hex, id);
	memcpy(out, hex, MORPH_REPORT_SHORT_ID);
	out[MORPH_REPORT_SHORT_ID] = '\0';
}

const char *
morph_report_run_label(char *buf, size_t size,
    const struct morph_run_info *ri)
{
	char sealed[MORPH_REPORT_SHORT_ID + 1];
	char commit[MORPH_REPORT_SHORT_ID + 1];

	morph_report_short_id(sealed, &ri->sealed);
	morph_report_short_id(commit, &ri->commit);
	snprintf(buf, size, "run #%lld%s%s of %s", (long long)ri->num,
	    ri->is_sealed ? " " : "", ri->is_sealed ? sealed : "", commit);
	return buf;
}

const char *
morph_report_changes(char *buf, size_t size, const struct morph_report *r)
{
	size_t fixes = morph_report_entries(r, MORPH_EVAL_FIX);
	size_t changed = morph_report_entries(r, MORPH_EVAL_CHANGED);

	snprintf(buf, size, "%zu fix%s, %zu changed%s, %zu added, %zu removed",
	    fixes, fixes == 1 ? "" : "es", changed,
	    morph_eval_repeated(r->ev) ? "" : changed == 1 ? " output" :
	    " outputs", morph_report_entries(r, MORPH_EVAL_ADDED),
	    morph_report_entries(r, MORPH_EVAL_REMOVED));
	return buf;
}

const char *
morph_report_unit_note(char *buf, size_t size, const struct morph_report *r)
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

void
morph_report_case_counts(struct morph_buf *out, const struct morph_eval_case *c,
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
