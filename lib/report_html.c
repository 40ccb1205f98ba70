/*
 * The HTML report (morph-report(1)): one self-contained page a reviewer
 * opens anywhere, from a file, a CI artifact or a web server.  The style
 * and the script are inline (lib/data/report.css and report.js, built
 * in) and named in a Content-Security-Policy by their SHA-256, so that
 * the page loads nothing, sends nothing, and runs no script but its own
 * even if an output were to slip through as markup.
 *
 * What the page holds: a summary (the runs, per model pass rates with
 * their intervals, tokens, cost and latency, before and now), the suite's
 * changes between the two runs' commits, then the cases, regressions
 * first, then fixes, changed outputs, added and removed ones, each with
 * its variables, prompt, outputs side by side with the changed words
 * marked in each, and the verdict and reason of each assertion; results
 * that did not change are counted, not listed.
 *
 * Invariants:
 * 1. Every byte that comes from the repository (outputs, prompts,
 *    variables, ids, reasons, paths, commit messages) goes into the page
 *    through morph_html_escape (lib/html.c); only this file's own
 *    constant markup is written raw.
 * 2. The page is written a piece at a time: the buffer holds one case
 *    (or one changed file) and is flushed to the stream after it; of the
 *    suites only the cases listed are loaded.  So the writer keeps little
 *    more than the evaluation itself holds, whatever the size of the
 *    runs.
 * 3. No element has a style attribute or an event-handler attribute: the
 *    policy allows neither.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "morph/commit.h"
#include "morph/eval.h"
#include "morph/morph.h"
#include "morph/run.h"
#include "morph/suite.h"
#include "morph/textdiff.h"
#include "morph/tree.h"
#include "html_int.h"
#include "json_int.h"
#include "report_int.h"
#include "sha256_int.h"
#include "suite_int.h"

/* The built-in style and script (lib/data/, embedded at build time). */
extern const unsigned char morph_report_css[];
extern const size_t morph_report_css_len;
extern const unsigned char morph_report_js[];
extern const size_t morph_report_js_len;

/* Outputs and prompts longer than this are folded (<details>). */
#define FOLD_BYTES	2000
#define FOLD_LINES	30
/* A changed file's patch longer than this many lines starts folded. */
#define FOLD_PATCH	200
/*
 * Files larger than this are not diffed into the page: a case file of
 * 100,000 cases would take more memory to diff than the whole report, and
 * its changes show in the cases' variables anyway.
 */
#define DIFF_MAX	((size_t)1 << 20)

/* The suite of one side: for the variables and prompts of its cases. */
struct side_suite {
	struct morph_suite	 *suite;	/* NULL: not loaded */
	char			 *why;		/* why not, or NULL */
	struct morph_suite_case	**byid;		/* sorted by id */
};

struct html {
	struct morph_report		*r;
	struct morph_eval		*ev;
	struct morph_buf		 b;	/* the piece being written */
	const struct morph_run_info	*run;	/* now */
	const struct morph_run_info	*base;	/* before, or NULL */
	int				 repeated;
	const char			**wanted;	/* ids of the cases
						   listed, sorted */
	size_t				 nwanted;
	struct side_suite		 suites[2];	/* [0] now,
						   [1] before */
	char				 label[2][64];	/* "run #2" */
};

static const char *const kind_ids[] = {
	[MORPH_EVAL_FAILURE] = "failure",
	[MORPH_EVAL_REGRESSION] = "regression",
	[MORPH_EVAL_FIX] = "fix",
	[MORPH_EVAL_CHANGED] = "changed",
	[MORPH_EVAL_ADDED] = "added",
	[MORPH_EVAL_REMOVED] = "removed",
	[MORPH_EVAL_SAME] = "same",
};

/* Section titles, in the order of the page. */
static const struct {
	enum morph_eval_kind	 kind;
	const char		*id;		/* the section's anchor */
	const char		*title;
	const char		*option;	/* in the status filter */
} sections[] = {
	{ MORPH_EVAL_FAILURE, "failures", "Failures", "Failures" },
	{ MORPH_EVAL_REGRESSION, "regressions", "Regressions", "Regressions" },
	{ MORPH_EVAL_FIX, "fixes", "Fixes", "Fixes" },
	{ MORPH_EVAL_CHANGED, "changed", "Changed outputs", "Changed" },
	{ MORPH_EVAL_ADDED, "added", "Added", "Added" },
	{ MORPH_EVAL_REMOVED, "removed", "Removed", "Removed" },
};
#define NSECTIONS	(sizeof(sections) / sizeof(sections[0]))

/* Writing */

static void
raw(struct html *h, const char *s)
{
	morph_buf_puts(&h->b, s);
}

static void
rawf(struct html *h, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
rawf(struct html *h, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	morph_buf_vprintf(&h->b, fmt, ap);
	va_end(ap);
}

/* Untrusted text (invariant 1). */
static void
textn(struct html *h, const char *s, size_t n)
{
	morph_html_escape(&h->b, s, n);
}

static void
text(struct html *h, const char *s)
{
	if (s != NULL)
		textn(h, s, strlen(s));
}

/* Writes what the buffer holds to the stream and empties it. */
static const struct morph_error *
flush(struct html *h)
{
	const struct morph_error *err;

	if ((err = morph_buf_status(&h->b)) != NULL)
		return err;
	if (h->b.len > 0 && fwrite(h->b.ptr, 1, h->b.len, h->r->out) !=
	    h->b.len)
		return morph_error_errno("cannot write the report");
	morph_buf_clear(&h->b);
	if (ferror(h->r->out))
		return morph_error_fmt(MORPH_ERR_ERRNO, "cannot write the "
		    "report: %s", strerror(errno ? errno : EIO));
	return NULL;
}

/* The 12-digit form of an id. */
static const char *
short_id(const struct morph_oid *id, char buf[MORPH_OID_HEXSZ + 1])
{
	morph_oid_fmt(buf, id);
	buf[12] = '\0';
	return buf;
}

static const char *
plural(int64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* The suites of the two runs */

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static size_t entries(const struct html *, enum morph_eval_kind);

/*
 * The prompts (which 0) or the case ids (which 1) of the entries the page
 * lists, sorted and unique, as a new array of *n strings borrowed from
 * the evaluation (NULL when there is none).
 */
static const struct morph_error *
listed(const char ***out, size_t *n, const struct html *h, int which)
{
	const struct morph_eval_case *c;
	const struct morph_eval_item *it;
	enum morph_eval_kind kind;
	const char **v;
	size_t k, i, j, total = 0;

	*out = NULL;
	*n = 0;
	for (k = 0; k < NSECTIONS; k++)
		total += entries(h, sections[k].kind);
	if (total == 0)
		return NULL;
	if ((v = calloc(total, sizeof(*v))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	for (k = 0, j = 0; k < NSECTIONS; k++)
		for (i = 0; i < entries(h, sections[k].kind); i++) {
			kind = sections[k].kind;
			if (h->repeated) {
				c = morph_eval_case(h->ev, kind, i);
				v[j++] = which ? c->case_id : c->prompt;
			} else {
				it = morph_eval_item(h->ev, kind, i);
				v[j++] = which ? it->case_id : it->prompt;
			}
		}
	qsort(v, total, sizeof(*v), cmp_str);
	for (i = j = 0; i < total; i++)
		if (j == 0 || strcmp(v[j - 1], v[i]) != 0)
			v[j++] = v[i];
	*out = v;
	*n = j;
	return NULL;
}

static int
keep_case(const char *id, void *arg)
{
	const struct html *h = arg;

	return h->nwanted > 0 && bsearch(&id, h->wanted, h->nwanted,
	    sizeof(*h->wanted), cmp_str) != NULL;
}

static int
cmp_case(const void *a, const void *b)
{
	const struct morph_suite_case *x = *(struct morph_suite_case *const *)a;
	const struct morph_suite_case *y = *(struct morph_suite_case *const *)b;

	return strcmp(x->id, y->id);
}

/* The root tree of what a run ran: its commit's, or its work tree's. */
static const struct morph_error *
run_tree(struct morph_oid *out, struct morph_repo *repo,
    const struct morph_run_info *ri)
{
	const struct morph_error *err;
	struct morph_commit *c;

	if (ri->worktree) {
		*out = ri->tree;
		return NULL;
	}
	if ((err = morph_commit_read(&c, repo, &ri->commit)) != NULL)
		return err;
	*out = *morph_commit_tree(c);
	morph_commit_free(c);
	return NULL;
}

/*
 * Loads the suite of a run.  A suite that cannot be loaded is no reason
 * not to report the outputs: the page says why its cases lack their
 * variables and prompts.  Only running out of memory is an error.
 */
static const struct morph_error *
load_suite(struct html *h, struct side_suite *s,
    const struct morph_run_info *ri)
{
	const struct morph_error *err;
	struct morph_oid tree;
	size_t i;

	if ((err = run_tree(&tree, h->r->repo, ri)) == NULL)
		err = morph_suite_load_some(&s->suite, h->r->repo, &tree,
		    keep_case, h);
	if (err != NULL) {
		if (err->code == MORPH_ERR_NOMEM)
			return err;
		s->suite = NULL;
		return (s->why = strdup(err->msg)) == NULL ?
		    morph_error(MORPH_ERR_NOMEM) : NULL;
	}
	if ((s->byid = calloc(s->suite->ncases + 1,
	    sizeof(*s->byid))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	for (i = 0; i < s->suite->ncases; i++)
		s->byid[i] = &s->suite->cases[i];
	qsort(s->byid, s->suite->ncases, sizeof(*s->byid), cmp_case);
	return NULL;
}

static void
free_suite(struct side_suite *s)
{
	morph_suite_free(s->suite);
	free(s->why);
	free(s->byid);
}

static const struct morph_suite_case *
find_case(const struct side_suite *s, const char *id)
{
	struct morph_suite_case key, *kp = &key, **found;

	if (s->suite == NULL)
		return NULL;
	key.id = (char *)id;
	found = bsearch(&kp, s->byid, s->suite->ncases, sizeof(*s->byid),
	    cmp_case);
	return found ? *found : NULL;
}

static const struct morph_suite_prompt *
find_prompt(const struct side_suite *s, const char *path)
{
	size_t lo = 0, hi, mid;
	int c;

	if (s->suite == NULL)
		return NULL;
	hi = s->suite->nprompts;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(path, s->suite->prompts[mid].path);
		if (c == 0)
			return &s->suite->prompts[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/*
 * The prompt of a case as the model got it, into out: each message as
 * "role: content", a blank line between them.  0 when the suite does not
 * have the prompt or the case, or they do not go together.
 */
static const struct morph_error *
rendered_prompt(int *have, struct morph_buf *out, const struct side_suite *s,
    const char *prompt, const char *case_id)
{
	const struct morph_suite_prompt *p = find_prompt(s, prompt);
	const struct morph_suite_case *c = find_case(s, case_id);
	const struct morph_error *err;
	const cJSON *m;
	cJSON *msgs;

	*have = 0;
	morph_buf_clear(out);
	if (p == NULL || c == NULL || !morph_suite_case_applies(c, p))
		return NULL;
	if ((err = morph_suite_render(&msgs, p, c)) != NULL)
		return err->code == MORPH_ERR_NOMEM ? err : NULL;
	cJSON_ArrayForEach(m, msgs) {
		if (out->len > 0)
			morph_buf_puts(out, "\n\n");
		morph_buf_puts(out, morph_json_str(m, "role") ?
		    morph_json_str(m, "role") : "?");
		morph_buf_puts(out, ": ");
		morph_buf_puts(out, morph_json_str(m, "content") ?
		    morph_json_str(m, "content") : "");
	}
	cJSON_Delete(msgs);
	*have = 1;
	return morph_buf_status(out);
}

/* The head and the summary */

static void
head(struct html *h)
{
	char css[MORPH_SHA256_B64SIZE], js[MORPH_SHA256_B64SIZE];

	morph_sha256_base64(css, morph_report_css, morph_report_css_len);
	morph_sha256_base64(js, morph_report_js, morph_report_js_len);
	raw(h, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n");
	/* Nothing may load: no font, no image but data:, no request. */
	rawf(h, "<meta http-equiv=\"Content-Security-Policy\" content=\""
	    "default-src 'none'; style-src 'sha256-%s'; "
	    "script-src 'sha256-%s'; img-src data:; base-uri 'none'; "
	    "form-action 'none'\">\n", css, js);
	raw(h, "<meta name=\"referrer\" content=\"no-referrer\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n<meta name=\"generator\" content=\"morph ");
	text(h, morph_version());
	raw(h, "\">\n<title>morph report: ");
	text(h, h->label[0]);
	if (h->base != NULL) {
		raw(h, " against ");
		text(h, h->label[1]);
	}
	raw(h, "</title>\n<style>");
	morph_buf_put(&h->b, morph_report_css, morph_report_css_len);
	raw(h, "</style>\n</head>\n<body>\n"
	    "<a class=\"skip\" href=\"#cases\">Skip to the cases</a>\n");
}

static void
date_utc(char *buf, size_t size, int64_t ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (ms <= 0 || gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, size, "%Y-%m-%d %H:%M UTC", &tm) == 0)
		snprintf(buf, size, "an unknown time");
}

/* "run #2 (id 0123456789ab) of commit 0123456789ab "subject", date". */
static const struct morph_error *
describe_run(struct html *h, const struct morph_run_info *ri,
    const char *label)
{
	const struct morph_error *err;
	struct morph_commit *c;
	char id[MORPH_OID_HEXSZ + 1], when[40];
	const char *msg;

	raw(h, "<strong>");
	text(h, label);
	raw(h, "</strong>");
	if (ri->is_sealed) {
		raw(h, " (id <code>");
		text(h, short_id(&ri->sealed, id));
		raw(h, "</code>)");
	}
	raw(h, " of commit <code>");
	text(h, short_id(&ri->commit, id));
	raw(h, "</code>");
	if (ri->worktree)
		raw(h, " with the changes of the work tree");
	if ((err = morph_commit_read(&c, h->r->repo, &ri->commit)) != NULL)
		return err;
	msg = morph_commit_message(c);
	raw(h, " &ldquo;");
	textn(h, msg, strcspn(msg, "\n"));
	raw(h, "&rdquo;");
	morph_commit_free(c);
	date_utc(when, sizeof(when), ri->started_ms);
	rawf(h, ", started %s, %lld of %lld results", when,
	    (long long)ri->results, (long long)ri->total);
	if (strcmp(ri->state, "done") != 0) {
		raw(h, " (");
		text(h, ri->state);
		raw(h, ")");
	}
	return NULL;
}

static size_t
entries(const struct html *h, enum morph_eval_kind k)
{
	return h->repeated ? morph_eval_case_count(h->ev, k) :
	    morph_eval_count(h->ev, k);
}

static void
rate_cell(struct html *h, const struct morph_eval_model *m, int s)
{
	if (m->asserted[s] <= 0) {
		raw(h, "<td class=\"num\">&ndash;</td>");
		return;
	}
	rawf(h, "<td class=\"num\">%lld/%lld &middot; %.1f%% "
	    "<span class=\"muted\">[%.1f, %.1f]</span></td>",
	    (long long)m->passed[s], (long long)m->asserted[s],
	    100 * m->rate[s], 100 * m->lo[s], 100 * m->hi[s]);
}

/* "a → b (+d)": a value before and now, with the change. */
static void
before_now(struct html *h, const char *before, const char *now,
    const char *delta)
{
	raw(h, "<td class=\"num\">");
	text(h, before);
	raw(h, " &rarr; ");
	text(h, now);
	if (delta != NULL && *delta != '\0') {
		raw(h, " <span class=\"muted\">(");
		text(h, delta);
		raw(h, ")</span>");
	}
	raw(h, "</td>");
}

static void
delta_int(char *buf, size_t size, int64_t a, int64_t b, const char *unit)
{
	if (a < 0 || b < 0)
		buf[0] = '\0';
	else
		snprintf(buf, size, "%+lld%s", (long long)(a - b), unit);
}

static void
model_row(struct html *h, const struct morph_eval_model *m)
{
	static const char *const kinds[] = { "regressed", "fixed",
	    "changed", "added", "removed", "unchanged" };
	char x[48], y[48], d[48], u[40];
	const char *sep;
	int64_t dc, counts[6];
	int i;

	raw(h, "<tr><th scope=\"row\">");
	text(h, m->model);
	raw(h, "</th>");
	if (h->base == NULL) {
		rate_cell(h, m, 0);
		rawf(h, "<td class=\"num\">%lld</td><td class=\"num\">%lld"
		    "</td><td class=\"num\">%lld</td>",
		    (long long)m->errors[0], (long long)m->tokens_in[0],
		    (long long)m->tokens_out[0]);
		morph_usd_total(x, sizeof(x), m->cost_nusd[0], m->unpriced[0]);
		raw(h, "<td class=\"num\">");
		text(h, x);
		morph_report_latency(x, sizeof(x), m->p50_ms[0]);
		morph_report_latency(y, sizeof(y), m->p95_ms[0]);
		raw(h, "</td><td class=\"num\">");
		text(h, x);
		raw(h, "</td><td class=\"num\">");
		text(h, y);
		rawf(h, "</td><td class=\"num\">%lld</td></tr>\n",
		    (long long)m->cases[MORPH_EVAL_FAILURE]);
		return;
	}
	rate_cell(h, m, 1);
	rate_cell(h, m, 0);
	snprintf(x, sizeof(x), "%lld", (long long)m->tokens_in[1]);
	snprintf(y, sizeof(y), "%lld", (long long)m->tokens_in[0]);
	delta_int(d, sizeof(d), m->tokens_in[0], m->tokens_in[1], "");
	before_now(h, x, y, d);
	snprintf(x, sizeof(x), "%lld", (long long)m->tokens_out[1]);
	snprintf(y, sizeof(y), "%lld", (long long)m->tokens_out[0]);
	delta_int(d, sizeof(d), m->tokens_out[0], m->tokens_out[1], "");
	before_now(h, x, y, d);
	morph_usd_total(x, sizeof(x), m->cost_nusd[1], m->unpriced[1]);
	morph_usd_total(y, sizeof(y), m->cost_nusd[0], m->unpriced[0]);
	d[0] = '\0';
	if (m->unpriced[0] == 0 && m->unpriced[1] == 0) {
		dc = m->cost_nusd[0] - m->cost_nusd[1];
		snprintf(d, sizeof(d), "%s%s", dc < 0 ? "-" : "+",
		    morph_usd(dc < 0 ? -dc : dc, u, sizeof(u)));
	}
	before_now(h, x, y, d);
	morph_report_latency(x, sizeof(x), m->p50_ms[1]);
	morph_report_latency(y, sizeof(y), m->p50_ms[0]);
	delta_int(d, sizeof(d), m->p50_ms[0], m->p50_ms[1], " ms");
	before_now(h, x, y, d);
	morph_report_latency(x, sizeof(x), m->p95_ms[1]);
	morph_report_latency(y, sizeof(y), m->p95_ms[0]);
	delta_int(d, sizeof(d), m->p95_ms[0], m->p95_ms[1], " ms");
	before_now(h, x, y, d);
	/* The cases of each kind, those there are, in one cell. */
	counts[0] = h->repeated ? m->case_regressions : m->regressions;
	counts[1] = h->repeated ? m->cases[MORPH_EVAL_FIX] : m->fixes;
	counts[2] = h->repeated ? m->cases[MORPH_EVAL_CHANGED] : m->changed;
	counts[3] = h->repeated ? m->cases[MORPH_EVAL_ADDED] : m->added;
	counts[4] = h->repeated ? m->cases[MORPH_EVAL_REMOVED] : m->removed;
	counts[5] = m->cases[MORPH_EVAL_SAME];
	raw(h, "<td>");
	for (i = 0, sep = ""; i < 6; i++)
		if (counts[i] > 0 || i == 5) {
			rawf(h, "%s%lld %s", sep, (long long)counts[i],
			    kinds[i]);
			sep = ", ";
		}
	raw(h, "</td></tr>\n");
}

static const struct morph_error *
summary(struct html *h)
{
	const struct morph_error *err;
	int64_t nreg = morph_eval_regressions(h->ev);
	size_t i, n;
	int now, before;

	raw(h, "<header>\n<h1>morph report</h1>\n<p>");
	if ((err = describe_run(h, h->run, h->label[0])) != NULL)
		return err;
	if (h->base != NULL) {
		raw(h, ",<br>\nagainst ");
		if ((err = describe_run(h, h->base, h->label[1])) != NULL)
			return err;
	}
	raw(h, ".</p>\n</header>\n<nav aria-label=\"Sections\"><ul>\n"
	    "<li><a href=\"#summary\">Summary</a></li>\n");
	if (h->base != NULL)
		raw(h, "<li><a href=\"#changes\">Suite changes</a></li>\n");
	for (i = 0; i < NSECTIONS; i++)
		if ((n = entries(h, sections[i].kind)) > 0)
			rawf(h, "<li><a href=\"#%s\">%s (%zu)</a></li>\n",
			    sections[i].id, sections[i].title, n);
	if (h->base != NULL)
		raw(h, "<li><a href=\"#unchanged\">Unchanged</a></li>\n");
	raw(h, "</ul></nav>\n<main>\n<section id=\"summary\" "
	    "aria-labelledby=\"summary-h\">\n"
	    "<h2 id=\"summary-h\">Summary</h2>\n");
	if (h->base == NULL) {
		n = entries(h, MORPH_EVAL_FAILURE);
		rawf(h, "<p class=\"headline %s\">%zu failing %s</p>\n",
		    n ? "bad" : "good", n, h->repeated ?
		    plural((int64_t)n, "case", "cases") :
		    plural((int64_t)n, "result", "results"));
	} else {
		rawf(h, "<p class=\"headline %s\">%lld %s, %zu %s, %zu "
		    "changed, %zu added, %zu removed</p>\n",
		    nreg ? "bad" : "good", (long long)nreg,
		    plural(nreg, "regression", "regressions"),
		    entries(h, MORPH_EVAL_FIX),
		    plural((int64_t)entries(h, MORPH_EVAL_FIX), "fix",
		    "fixes"), entries(h, MORPH_EVAL_CHANGED),
		    entries(h, MORPH_EVAL_ADDED),
		    entries(h, MORPH_EVAL_REMOVED));
		n = entries(h, MORPH_EVAL_REGRESSION);
		if (h->r->o.alpha > 0 && n != (size_t)nreg)
			rawf(h, "<p>%zu %s in all; %lld significant at "
			    "&alpha; = %g.</p>\n", n, h->repeated ?
			    "cases with a lower pass rate" :
			    "pass-to-fail results", (long long)nreg,
			    h->r->o.alpha);
	}
	if (h->repeated) {
		now = morph_eval_max_samples(h->ev, 0);
		before = morph_eval_max_samples(h->ev, 1);
		if (h->base == NULL || now == before || before == 0)
			rawf(h, "<p>Counts are of cases of %d samples each.</p>"
			    "\n", now > before ? now : before);
		else
			rawf(h, "<p>Counts are of cases of %d samples now, %d "
			    "before.</p>\n", now, before);
	}
	raw(h, "<div class=\"scroll\"><table>\n<caption>Per model: pass "
	    "rate with its Wilson interval in brackets");
	raw(h, h->base != NULL ? ", tokens, cost and latency before "
	    "&rarr; now, and its cases by what became of them</caption>\n"
	    "<thead><tr><th scope=\"col\">Model</th>"
	    "<th scope=\"col\">Pass before</th>"
	    "<th scope=\"col\">Pass now</th><th scope=\"col\">Tokens in</th>"
	    "<th scope=\"col\">Tokens out</th><th scope=\"col\">Cost</th>"
	    "<th scope=\"col\">p50 latency</th>"
	    "<th scope=\"col\">p95 latency</th>"
	    "<th scope=\"col\">Cases</th></tr></thead>\n<tbody>\n" :
	    ", errors, tokens, cost and latency</caption>\n<thead><tr>"
	    "<th scope=\"col\">Model</th>"
	    "<th scope=\"col\">Pass</th><th scope=\"col\">Errors</th>"
	    "<th scope=\"col\">Tokens in</th><th scope=\"col\">Tokens out"
	    "</th><th scope=\"col\">Cost</th><th scope=\"col\">p50 latency"
	    "</th><th scope=\"col\">p95 latency</th>"
	    "<th scope=\"col\">Failing</th></tr></thead>\n<tbody>\n");
	for (i = 0; i < morph_eval_nmodels(h->ev); i++)
		model_row(h, morph_eval_model(h->ev, i));
	raw(h, "</tbody>\n</table></div>\n</section>\n");
	return flush(h);
}

/* The suite's changes */

/* Counts the files that differ (a morph_entrylist_diff callback). */
static const struct morph_error *
count_change(const struct morph_entry *old, const struct morph_entry *new,
    void *arg)
{
	(void)old;
	(void)new;
	++*(size_t *)arg;
	return NULL;
}

/* A patch's lines, each in a span of its kind. */
static void
patch_lines(struct html *h, const char *p, size_t len)
{
	const char *nl, *end = p + len, *cls;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		switch (*p) {
		case '@':
			cls = "hunk";
			break;
		case '-':
			cls = NULL;
			raw(h, "<del>");
			break;
		case '+':
			cls = NULL;
			raw(h, "<ins>");
			break;
		case '\\':
			cls = "meta";
			break;
		default:
			cls = "ctx";
			break;
		}
		if (cls != NULL)
			rawf(h, "<span class=\"%s\">", cls);
		textn(h, p, (size_t)(nl - p));
		raw(h, cls == NULL ? (*p == '-' ? "</del>\n" : "</ins>\n") :
		    "</span>\n");
		p = nl + 1;
	}
}

static const struct morph_error *
read_blob(struct morph_object **out, struct morph_repo *repo,
    const struct morph_entry *e)
{
	*out = NULL;
	if (e == NULL)
		return NULL;
	return morph_object_read(out, repo, &e->id, MORPH_OBJ_BLOB);
}

/*
 * One changed file (a morph_entrylist_diff callback; old or new NULL for
 * a file added or deleted): its patch, folded when long.
 */
static const struct morph_error *
changed_file(const struct morph_entry *old, const struct morph_entry *new,
    void *arg)
{
	struct html *h = arg;
	const char *path = old != NULL ? old->path : new->path;
	const struct morph_error *err;
	struct morph_object *a = NULL, *b = NULL;
	struct morph_textdiff_opts o = MORPH_TEXTDIFF_OPTS_INIT;
	struct morph_buf patch = MORPH_BUF_INIT;
	const char *what, *ad = "", *bd = "";
	size_t al = 0, bl = 0, lines = 0, i;

	if ((err = read_blob(&a, h->r->repo, old)) != NULL ||
	    (err = read_blob(&b, h->r->repo, new)) != NULL)
		goto done;
	if (a != NULL) {
		ad = morph_object_data(a);
		al = morph_object_size(a);
	}
	if (b != NULL) {
		bd = morph_object_data(b);
		bl = morph_object_size(b);
	}
	what = a == NULL ? "added" : b == NULL ? "deleted" : al == bl &&
	    memcmp(ad, bd, al) == 0 ? "mode changed" : "modified";
	if (al > DIFF_MAX || bl > DIFF_MAX) {
		raw(h, "<p><code>");
		text(h, path);
		rawf(h, "</code> (%s, %zu &rarr; %zu bytes): too large to show "
		    "here; <code>morph diff</code> shows it.</p>\n", what, al,
		    bl);
		goto done;
	}
	if (morph_textdiff_is_binary(ad, al) ||
	    morph_textdiff_is_binary(bd, bl)) {
		raw(h, "<p><code>");
		text(h, path);
		rawf(h, "</code> (%s): binary, %zu &rarr; %zu bytes</p>\n",
		    what, al, bl);
		goto done;
	}
	if ((err = morph_textdiff_lines(&patch, ad, al, bd, bl, &o)) != NULL)
		goto done;
	for (i = 0; i < patch.len; i++)
		lines += patch.ptr[i] == '\n';
	rawf(h, "<details%s><summary><code>", lines > FOLD_PATCH ? "" :
	    " open");
	text(h, path);
	rawf(h, "</code> (%s, %zu %s)</summary>\n<pre class=\"patch\">", what,
	    lines, plural((int64_t)lines, "line", "lines"));
	patch_lines(h, patch.ptr ? patch.ptr : "", patch.len);
	raw(h, "</pre></details>\n");
done:
	morph_object_free(a);
	morph_object_free(b);
	morph_buf_release(&patch);
	return err == NULL ? flush(h) : err;
}

static const struct morph_error *
setting_row(const char *model, const char *setting, const char *old_value,
    const char *new_value, void *arg)
{
	struct html *h = arg;

	raw(h, "<tr><th scope=\"row\">");
	text(h, model);
	raw(h, "</th><td><code>");
	text(h, setting);
	raw(h, "</code></td><td><code>");
	text(h, old_value ? old_value : "(not set)");
	raw(h, "</code></td><td><code>");
	text(h, new_value ? new_value : "(not set)");
	raw(h, "</code></td></tr>\n");
	return morph_buf_status(&h->b);
}

/* The suite's diff between the two runs (morph diff's). */
static const struct morph_error *
suite_changes(struct html *h)
{
	const struct morph_error *err;
	struct morph_entrylist ea, eb;
	struct morph_buf page, rows;
	struct morph_oid ta, tb;
	char ia[MORPH_OID_HEXSZ + 1], ib[MORPH_OID_HEXSZ + 1];
	size_t n = 0;

	morph_entrylist_init(&ea);
	morph_entrylist_init(&eb);
	raw(h, "<section id=\"changes\" aria-labelledby=\"changes-h\">\n"
	    "<h2 id=\"changes-h\">Suite changes</h2>\n");
	if ((err = run_tree(&ta, h->r->repo, h->run)) != NULL ||
	    (err = run_tree(&tb, h->r->repo, h->base)) != NULL ||
	    (err = morph_tree_flatten(&ea, h->r->repo, &ta, NULL)) != NULL ||
	    (err = morph_tree_flatten(&eb, h->r->repo, &tb, NULL)) != NULL ||
	    (err = morph_entrylist_diff(&eb, &ea, count_change, &n)) != NULL)
		goto done;
	if (n == 0)
		raw(h, "<p>Both runs ran the same suite: no prompt, case or "
		    "setting changed.</p>\n");
	else {
		rawf(h, "<p>%zu %s changed from ", n,
		    plural((int64_t)n, "file", "files"));
		raw(h, h->base->worktree ? "the work tree on " : "");
		raw(h, "commit <code>");
		text(h, short_id(&h->base->commit, ib));
		raw(h, "</code> to ");
		raw(h, h->run->worktree ? "the work tree on " : "");
		raw(h, "commit <code>");
		text(h, short_id(&h->run->commit, ia));
		raw(h, "</code>.</p>\n");
	}
	if ((err = flush(h)) != NULL)
		goto done;
	if ((err = morph_entrylist_diff(&eb, &ea, changed_file, h)) != NULL)
		goto done;
	/* Model settings, of the suites already loaded (a suite that does
	   not load has none to compare: the cases say why).  The rows go
	   into a buffer of their own, for there may be none. */
	if (n > 0 && h->suites[0].why == NULL &&
	    h->suites[1].why == NULL) {
		page = h->b;
		morph_buf_init(&h->b);
		err = morph_suite_settings_compare(h->suites[1].suite,
		    h->suites[0].suite, setting_row, h);
		rows = h->b;
		h->b = page;
		if (err == NULL)
			err = morph_buf_status(&rows);
		if (err == NULL && rows.len == 0)
			raw(h, "<p>No model setting changed.</p>\n");
		else if (err == NULL) {
			raw(h, "<div class=\"scroll\"><table>\n<caption>Model "
			    "settings that changed</caption>\n<thead><tr><th "
			    "scope=\"col\">Model</th><th scope=\"col\">Setting"
			    "</th><th scope=\"col\">Before</th><th scope=\"col"
			    "\">Now</th></tr></thead>\n<tbody>\n");
			morph_buf_put(&h->b, rows.ptr, rows.len);
			raw(h, "</tbody>\n</table></div>\n");
		}
		morph_buf_release(&rows);
		if (err != NULL)
			goto done;
	}
	raw(h, "</section>\n");
	err = flush(h);
done:
	morph_entrylist_release(&ea);
	morph_entrylist_release(&eb);
	return err;
}

/* Filters */

static void
option(struct html *h, const char *value)
{
	raw(h, "<option value=\"");
	text(h, value);
	raw(h, "\">");
	text(h, value);
	raw(h, "</option>");
}

/* The filter form, hidden until the script shows it. */
static const struct morph_error *
filters(struct html *h)
{
	const struct morph_error *err;
	const char **prompts;
	size_t i, n;

	if ((err = listed(&prompts, &n, h, 0)) != NULL)
		return err;
	raw(h, "<form id=\"filters\" class=\"filters\" role=\"search\" "
	    "aria-label=\"Filter the cases\" hidden>\n<div><label "
	    "for=\"f-model\">Model</label><select id=\"f-model\" "
	    "name=\"model\"><option value=\"\">All models</option>");
	for (i = 0; i < morph_eval_nmodels(h->ev); i++)
		option(h, morph_eval_model(h->ev, i)->model);
	raw(h, "</select></div>\n<div><label for=\"f-prompt\">Prompt</label>"
	    "<select id=\"f-prompt\" name=\"prompt\"><option value=\"\">"
	    "All prompts</option>");
	for (i = 0; i < n; i++)
		option(h, prompts[i]);
	free(prompts);
	raw(h, "</select></div>\n<div><label for=\"f-status\">Status</label>"
	    "<select id=\"f-status\" name=\"status\"><option value=\"\">"
	    "All</option>");
	for (i = 0; i < NSECTIONS; i++)
		if (entries(h, sections[i].kind) > 0)
			rawf(h, "<option value=\"%s\">%s</option>",
			    kind_ids[sections[i].kind], sections[i].option);
	raw(h, "</select></div>\n<div><label for=\"f-q\">Text</label>"
	    "<input id=\"f-q\" name=\"q\" type=\"search\" "
	    "placeholder=\"in outputs, prompts, reasons\"></div>\n"
	    "<div><button id=\"f-clear\" type=\"button\">Clear filters"
	    "</button></div>\n<p id=\"f-count\" role=\"status\"></p>\n"
	    "</form>\n");
	return flush(h);
}

/* One case */

/* Whether a text is long enough to fold. */
static int
long_text(const char *s, size_t len)
{
	size_t lines = 0, i;

	if (len > FOLD_BYTES)
		return 1;
	for (i = 0; i < len; i++)
		if (s[i] == '\n' && ++lines > FOLD_LINES)
			return 1;
	return 0;
}

/*
 * A table cell of text (CSS keeps its white space, as a <pre> would, with
 * one element fewer: a large page has tens of thousands of them), with
 * the ranges of changes (side 0: the old text's, 1: the new's) in <del>
 * or <ins>; folded when long.  span 2: across both sides.
 */
static void
text_cell(struct html *h, const char *what, const char *s, size_t len,
    const struct morph_textdiff_wordchange *v, size_t n, int side, int span)
{
	size_t i, at = 0, b, e;
	int fold = long_text(s, len);

	raw(h, span == 2 ? "<td colspan=\"2\"" : "<td");
	if (fold)
		rawf(h, "><details><summary>%s: %zu bytes</summary>"
		    "<div class=\"text\">", what, len);
	else
		raw(h, " class=\"text\">");
	for (i = 0; i < n; i++) {
		b = side ? v[i].b_begin : v[i].a_begin;
		e = side ? v[i].b_end : v[i].a_end;
		if (b == e || b < at || e > len)
			continue;
		textn(h, s + at, b - at);
		raw(h, side ? "<ins>" : "<del>");
		textn(h, s + b, e - b);
		raw(h, side ? "</ins>" : "</del>");
		at = e;
	}
	textn(h, s + at, len - at);
	raw(h, fold ? "</div></details></td>" : "</td>");
}

/* A cell that says why a side has no text. */
static void
absent_cell(struct html *h, const char *why)
{
	raw(h, "<td class=\"muted\">");
	text(h, why);
	raw(h, "</td>");
}

/*
 * A row of two texts side by side (before, now) with their word changes
 * marked; one cell across both when they are the same.  Either may be
 * missing (have 0): its cell says so with absent.
 */
static const struct morph_error *
sbs_row(struct html *h, const char *what, const struct morph_buf *before,
    int have_before, const struct morph_buf *now, int have_now,
    const char *absent_before, const char *absent_now)
{
	const struct morph_error *err = NULL;
	struct morph_textdiff_wordchange *v = NULL;
	size_t n = 0;
	const char *bp = before->ptr ? before->ptr : "";
	const char *np = now->ptr ? now->ptr : "";

	rawf(h, "<tr><th scope=\"row\">%s</th>", what);
	if (h->base == NULL) {
		if (have_now)
			text_cell(h, what, np, now->len, NULL, 0, 1, 1);
		else
			absent_cell(h, absent_now);
		raw(h, "</tr>\n");
		return NULL;
	}
	if (have_before && have_now && before->len == now->len &&
	    memcmp(bp, np, now->len) == 0) {
		text_cell(h, what, np, now->len, NULL, 0, 1, 2);
		raw(h, "</tr>\n");
		return NULL;
	}
	if (have_before && have_now && (err = morph_textdiff_word_changes(&v,
	    &n, bp, before->len, np, now->len)) != NULL)
		return err;
	if (have_before)
		text_cell(h, what, bp, before->len, v, n, 0, 1);
	else
		absent_cell(h, absent_before);
	if (have_now)
		text_cell(h, what, np, now->len, v, n, 1, 1);
	else
		absent_cell(h, absent_now);
	raw(h, "</tr>\n");
	free(v);
	return NULL;
}

static void
verdict(struct html *h, const struct morph_eval_side *s)
{
	if (!s->present)
		raw(h, "<span class=\"muted\">not in this run</span>");
	else if (strcmp(s->status, "ok") != 0)
		raw(h, "<span class=\"fail\">error</span>");
	else if (s->pass < 0)
		raw(h, "no assertions");
	else
		raw(h, s->pass ? "<span class=\"pass\">pass</span>" :
		    "<span class=\"fail\">FAIL</span>");
}

/* Each assertion of a side with its verdict and reason. */
static void
assertions(struct html *h, const struct morph_eval_side *s)
{
	const cJSON *v, *p;
	const char *type, *why;
	cJSON *doc;

	if (!s->present)
		return;
	if (s->error != NULL) {
		raw(h, "<p><span class=\"fail\">error:</span> ");
		text(h, s->error);
		raw(h, "</p>");
		return;
	}
	if (s->verdicts == NULL || morph_json_parse(&doc, s->verdicts,
	    strlen(s->verdicts), "verdicts") != NULL) {
		raw(h, "<span class=\"muted\">no verdicts recorded</span>");
		return;
	}
	if (cJSON_GetArraySize(doc) == 0)
		raw(h, "<span class=\"muted\">none</span>");
	else
		raw(h, "<ul class=\"verdicts\">");
	cJSON_ArrayForEach(v, doc) {
		type = morph_json_str(v, "type");
		why = morph_json_str(v, "reason");
		p = cJSON_GetObjectItemCaseSensitive(v, "pass");
		raw(h, cJSON_IsTrue(p) ? "<li><span class=\"pass\">pass</span> "
		    : "<li><span class=\"fail\">FAIL</span> ");
		raw(h, "<code>");
		text(h, type ? type : "?");
		raw(h, "</code>");
		if (why != NULL && *why != '\0') {
			raw(h, ": ");
			text(h, why);
		}
		raw(h, "</li>");
	}
	if (cJSON_GetArraySize(doc) > 0)
		raw(h, "</ul>");
	cJSON_Delete(doc);
}

/* Tokens (where known), latency and cost of a side. */
static void
usage(struct html *h, const struct morph_eval_side *s)
{
	char c[40];

	if (!s->present)
		return;
	if (s->tokens_in >= 0 && s->tokens_out >= 0)
		rawf(h, "%lld in, %lld out tokens &middot; ",
		    (long long)s->tokens_in, (long long)s->tokens_out);
	if (s->latency_ms >= 0)
		rawf(h, "%lld ms &middot; ", (long long)s->latency_ms);
	raw(h, s->cost_nusd < 0 ? "unpriced" : morph_usd(s->cost_nusd, c,
	    sizeof(c)));
}

/*
 * A row of what cell writes of each side (before, now); one cell across
 * both when they are the same, as the verdicts of a changed output are.
 */
static const struct morph_error *
side_row(struct html *h, const char *what,
    void (*cell)(struct html *, const struct morph_eval_side *),
    const struct morph_eval_item *it)
{
	const struct morph_error *err;
	struct morph_buf page = h->b, now = MORPH_BUF_INIT;
	size_t start;

	/* Now's cell is written apart, to be compared with before's. */
	morph_buf_init(&h->b);
	cell(h, &it->a);
	now = h->b;
	h->b = page;
	if ((err = morph_buf_status(&now)) != NULL)
		goto done;
	rawf(h, "<tr><th scope=\"row\">%s</th>", what);
	if (h->base != NULL) {
		raw(h, "<td>");
		start = h->b.len;
		cell(h, &it->b);
		if (h->b.len - start == now.len && memcmp(h->b.ptr + start,
		    now.ptr ? now.ptr : "", now.len) == 0) {
			morph_buf_truncate(&h->b, start - 4);
			raw(h, "<td colspan=\"2\">");
			morph_buf_put(&h->b, now.ptr, now.len);
			raw(h, "</td></tr>\n");
			goto done;
		}
		raw(h, "</td>");
	}
	raw(h, "<td>");
	morph_buf_put(&h->b, now.ptr, now.len);
	raw(h, "</td></tr>\n");
done:
	morph_buf_release(&now);
	return err;
}

/* The output blob of a side into b; 0 in *have when there is none. */
static const struct morph_error *
output_of(int *have, struct morph_buf *b, struct morph_repo *repo,
    const struct morph_eval_side *s)
{
	const struct morph_error *err;
	struct morph_object *o;

	morph_buf_clear(b);
	*have = s->present && s->has_output;
	if (!*have)
		return NULL;
	if ((err = morph_object_read(&o, repo, &s->output,
	    MORPH_OBJ_BLOB)) != NULL)
		return err;
	morph_buf_put(b, morph_object_data(o), morph_object_size(o));
	morph_object_free(o);
	return morph_buf_status(b);
}

/*
 * A cell with a variable's value: a string as it is, anything else as
 * JSON; across span columns.
 */
static const struct morph_error *
var_cell(struct html *h, const cJSON *v, int span)
{
	const struct morph_error *err;
	struct morph_buf j = MORPH_BUF_INIT;

	if (v == NULL) {
		absent_cell(h, "(none)");
		return NULL;
	}
	if (cJSON_IsString(v)) {
		text_cell(h, "Value", v->valuestring, strlen(v->valuestring),
		    NULL, 0, 1, span);
		return NULL;
	}
	if ((err = morph_json_canonical(&j, v)) == NULL)
		text_cell(h, "Value", morph_buf_cstr(&j), j.len, NULL, 0, 1,
		    span);
	morph_buf_release(&j);
	return err;
}

/*
 * The variables of a case: one column, or before and now when they
 * differ.
 */
static const struct morph_error *
variables(struct html *h, const char *case_id)
{
	const struct morph_suite_case *a = find_case(&h->suites[0], case_id);
	const struct morph_suite_case *b = h->base ? find_case(&h->suites[1],
	    case_id) : NULL;
	const struct morph_error *err = NULL;
	const cJSON *v, *vars, *old;
	int both;

	if (a == NULL && b == NULL)
		return NULL;
	vars = a != NULL ? a->vars : b->vars;
	both = a != NULL && b != NULL && !cJSON_Compare(a->vars, b->vars, 1);
	if (!both && cJSON_GetArraySize(vars) == 0)
		return NULL;
	raw(h, "<table class=\"vars\"><caption>Variables</caption>");
	raw(h, both ? "<thead><tr><th scope=\"col\">Name</th>"
	    "<th scope=\"col\">Before</th><th scope=\"col\">Now</th></tr>"
	    "</thead>" : "<thead><tr><th scope=\"col\">Name</th>"
	    "<th scope=\"col\">Value</th></tr></thead>");
	raw(h, "<tbody>");
	cJSON_ArrayForEach(v, vars) {
		raw(h, "<tr><th scope=\"row\">");
		text(h, v->string);
		raw(h, "</th>");
		old = both ? cJSON_GetObjectItemCaseSensitive(b->vars,
		    v->string) : NULL;
		/* A value that did not change takes both columns. */
		if (both && cJSON_Compare(old, v, 1))
			err = var_cell(h, v, 2);
		else if (both && (err = var_cell(h, old, 1)) == NULL)
			err = var_cell(h, v, 1);
		else if (!both)
			err = var_cell(h, v, 1);
		if (err != NULL)
			return err;
		raw(h, "</tr>");
	}
	/* Those only the baseline's case has. */
	if (both)
		cJSON_ArrayForEach(v, b->vars) {
			if (cJSON_GetObjectItemCaseSensitive(a->vars,
			    v->string) != NULL)
				continue;
			raw(h, "<tr><th scope=\"row\">");
			text(h, v->string);
			raw(h, "</th>");
			if ((err = var_cell(h, v, 1)) != NULL)
				return err;
			absent_cell(h, "(none)");
			raw(h, "</tr>");
		}
	raw(h, "</tbody></table>\n");
	return NULL;
}

/* "case-" and 16 hex digits of the key: a stable anchor. */
static void
anchor(char out[32], const char *prompt, const char *case_id,
    const char *model)
{
	struct morph_buf k = MORPH_BUF_INIT;
	struct morph_oid id;
	char hex[MORPH_OID_HEXSZ + 1];

	morph_buf_puts(&k, prompt);
	morph_buf_putc(&k, 0);
	morph_buf_puts(&k, case_id);
	morph_buf_putc(&k, 0);
	morph_buf_puts(&k, model);
	morph_hash_bytes(&id, k.ptr ? k.ptr : "", k.len);
	morph_buf_release(&k);
	morph_oid_fmt(hex, &id);
	snprintf(out, 32, "case-%.16s", hex);
}

/*
 * The sample counts of a repeated run's case, before and now, with the
 * McNemar test when it has pairs.
 */
static void
case_counts(struct html *h, const struct morph_eval_case *c)
{
	int s;

	raw(h, "<p>Passed ");
	for (s = 0; s < 2; s++) {
		if (c->samples[s] == 0 || (s == 1 && h->base == NULL))
			continue;
		if (s == 1 && c->samples[0] > 0)
			raw(h, ", ");
		if (c->n[s] > 0)
			rawf(h, "%d/%d <span class=\"muted\">[%.2f, %.2f]"
			    "</span>", c->k[s], c->n[s], c->lo[s], c->hi[s]);
		else
			raw(h, "&ndash;");
		if (h->base != NULL)
			raw(h, s == 0 ? " now" : " before");
	}
	if (c->p_value >= 0)
		rawf(h, "; %d worse, %d better; McNemar p = %.3g", c->worse,
		    c->better, c->p_value);
	raw(h, ".</p>\n");
}

/*
 * One case: it is the result shown (a repeated run's example sample), c
 * the case when runs are repeated (NULL otherwise).
 */
static const struct morph_error *
one_case(struct html *h, enum morph_eval_kind kind,
    const struct morph_eval_item *it, const struct morph_eval_case *c,
    struct morph_buf *before, struct morph_buf *now)
{
	const struct morph_error *err;
	const char *prompt = c ? c->prompt : it->prompt;
	const char *case_id = c ? c->case_id : it->case_id;
	const char *model = c ? c->model : it->model;
	int counted = c ? c->significant : it->significant;
	int hb = 0, hn = 0;
	char id[32];

	anchor(id, prompt, case_id, model);
	rawf(h, "<article class=\"case\" id=\"%s\" data-status=\"%s\" "
	    "data-model=\"", id, kind_ids[kind]);
	text(h, model);
	raw(h, "\" data-prompt=\"");
	text(h, prompt);
	rawf(h, "\">\n<h4><a href=\"#%s\"><code>", id);
	text(h, prompt);
	raw(h, "</code> &middot; case <code>");
	text(h, case_id);
	raw(h, "</code> &middot; <code>");
	text(h, model);
	rawf(h, "</code></a> <span class=\"badge %s\">%s</span></h4>\n",
	    kind_ids[kind], kind_ids[kind]);
	if (kind == MORPH_EVAL_REGRESSION && !counted)
		rawf(h, "<p>Not counted: not significant at &alpha; = %g."
		    "</p>\n", h->r->o.alpha);
	if (c != NULL)
		case_counts(h, c);
	if ((err = variables(h, case_id)) != NULL)
		return err;
	if (it == NULL) {
		raw(h, "</article>\n");
		return flush(h);
	}
	raw(h, "<table class=\"sbs\">");
	if (c != NULL)
		rawf(h, "<caption>Sample %d</caption>", it->sample);
	raw(h, "<thead><tr><td></td>");
	if (h->base != NULL) {
		raw(h, "<th scope=\"col\">Before: ");
		text(h, h->label[1]);
		raw(h, "</th>");
	}
	raw(h, "<th scope=\"col\">Now: ");
	text(h, h->label[0]);
	raw(h, "</th></tr></thead>\n<tbody>\n");
	if ((err = side_row(h, "Verdict", verdict, it)) != NULL)
		return err;
	/* The prompt each side sent, as its suite renders it. */
	if ((err = rendered_prompt(&hn, now, &h->suites[0], prompt,
	    case_id)) != NULL)
		return err;
	if (h->base != NULL && (err = rendered_prompt(&hb, before,
	    &h->suites[1], prompt, case_id)) != NULL)
		return err;
	if ((hn || hb) && (err = sbs_row(h, "Prompt", before, hb &&
	    it->b.present, now, hn && it->a.present, h->suites[1].why ?
	    h->suites[1].why : "not in this run", h->suites[0].why ?
	    h->suites[0].why : "not in this run")) != NULL)
		return err;
	if ((err = output_of(&hb, before, h->r->repo, &it->b)) != NULL ||
	    (err = output_of(&hn, now, h->r->repo, &it->a)) != NULL)
		return err;
	if ((err = sbs_row(h, "Output", before, hb, now, hn, it->b.present ?
	    "no output" : "not in this run", it->a.present ? "no output" :
	    "not in this run")) != NULL)
		return err;
	if ((err = side_row(h, "Assertions", assertions, it)) != NULL ||
	    (err = side_row(h, "Usage", usage, it)) != NULL)
		return err;
	raw(h, "</tbody></table>\n</article>\n");
	return flush(h);
}

static const struct morph_error *
kind_section(struct html *h, size_t k)
{
	const struct morph_error *err = NULL;
	struct morph_buf before = MORPH_BUF_INIT, now = MORPH_BUF_INIT;
	enum morph_eval_kind kind = sections[k].kind;
	const struct morph_eval_case *c;
	size_t i, n = entries(h, kind);

	if (n == 0)
		return NULL;
	rawf(h, "<section id=\"%s\" class=\"kind\" aria-labelledby=\"%s-h\">"
	    "\n<h3 id=\"%s-h\">%s (%zu)</h3>\n", sections[k].id,
	    sections[k].id, sections[k].id, sections[k].title, n);
	for (i = 0; i < n && err == NULL; i++) {
		if (h->repeated) {
			c = morph_eval_case(h->ev, kind, i);
			err = one_case(h, kind, c->example, c, &before, &now);
		} else
			err = one_case(h, kind, morph_eval_item(h->ev, kind, i),
			    NULL, &before, &now);
	}
	morph_buf_release(&before);
	morph_buf_release(&now);
	if (err != NULL)
		return err;
	raw(h, "</section>\n");
	return flush(h);
}

/* Results the same in both runs: counted, not listed. */
static void
unchanged(struct html *h)
{
	static const enum morph_eval_kind listed[] = { MORPH_EVAL_REGRESSION,
	    MORPH_EVAL_FIX, MORPH_EVAL_CHANGED, MORPH_EVAL_ADDED };
	const struct morph_eval_model *m;
	const struct morph_eval_item *it;
	int64_t same = 0, passed = 0, asserted = 0;
	size_t i, k;

	for (i = 0; i < morph_eval_nmodels(h->ev); i++) {
		m = morph_eval_model(h->ev, i);
		same += m->cases[MORPH_EVAL_SAME];
		passed += m->passed[0];
		asserted += m->asserted[0];
	}
	raw(h, "<section id=\"unchanged\" aria-labelledby=\"unchanged-h\">\n"
	    "<h3 id=\"unchanged-h\">Unchanged</h3>\n");
	if (h->repeated) {
		rawf(h, "<p>%lld %s had the same verdicts and outputs in both "
		    "runs: counted in the summary, not listed.</p>\n",
		    (long long)same, plural(same, "case", "cases"));
		raw(h, "</section>\n");
		return;
	}
	/* What the run's totals hold beyond the results listed. */
	for (k = 0; k < sizeof(listed) / sizeof(listed[0]); k++)
		for (i = 0; i < morph_eval_count(h->ev, listed[k]); i++) {
			it = morph_eval_item(h->ev, listed[k], i);
			if (!it->a.present)
				continue;
			if (it->a.pass >= 0 || strcmp(it->a.status, "ok") != 0)
				asserted--;
			if (it->a.pass == 1 && strcmp(it->a.status, "ok") == 0)
				passed--;
		}
	rawf(h, "<p>%lld %s had the same verdict and output in both runs: "
	    "%lld passing, %lld failing, %lld without assertions. They are "
	    "counted in the summary, not listed.</p>\n</section>\n",
	    (long long)same, plural(same, "result", "results"),
	    (long long)passed, (long long)(asserted - passed),
	    (long long)(same - asserted));
}

static const struct morph_error *
cases(struct html *h)
{
	const struct morph_error *err;
	size_t i, total = 0;

	for (i = 0; i < NSECTIONS; i++)
		total += entries(h, sections[i].kind);
	raw(h, "<section id=\"cases\" aria-labelledby=\"cases-h\">\n"
	    "<h2 id=\"cases-h\">Cases</h2>\n");
	for (i = 0; i < 2; i++)
		if (h->suites[i].why != NULL && (i == 0 || h->base != NULL)) {
			raw(h, "<p>The suite of ");
			text(h, h->label[i]);
			raw(h, " cannot be read, so its cases lack their "
			    "variables and prompts: ");
			text(h, h->suites[i].why);
			raw(h, "</p>\n");
		}
	if (total == 0)
		raw(h, h->base != NULL ? "<p>No case regressed, was fixed or "
		    "changed.</p>\n" : "<p>No case failed.</p>\n");
	else if ((err = filters(h)) != NULL)
		return err;
	for (i = 0; i < NSECTIONS; i++)
		if ((err = kind_section(h, i)) != NULL)
			return err;
	if (h->base != NULL)
		unchanged(h);
	raw(h, "</section>\n");
	return flush(h);
}

const struct morph_error *
morph_report_write_html(struct morph_report *r)
{
	const struct morph_error *err;
	struct html h;
	int i;

	memset(&h, 0, sizeof(h));
	h.r = r;
	h.ev = r->ev;
	h.run = morph_eval_run(r->ev);
	h.base = morph_eval_baseline(r->ev);
	h.repeated = morph_eval_repeated(r->ev);
	snprintf(h.label[0], sizeof(h.label[0]), "run #%lld",
	    (long long)h.run->num);
	if (h.base != NULL)
		snprintf(h.label[1], sizeof(h.label[1]), "run #%lld",
		    (long long)h.base->num);
	if ((err = listed(&h.wanted, &h.nwanted, &h, 1)) != NULL ||
	    (err = load_suite(&h, &h.suites[0], h.run)) != NULL ||
	    (h.base != NULL && (err = load_suite(&h, &h.suites[1],
	    h.base)) != NULL))
		goto done;
	head(&h);
	if ((err = summary(&h)) != NULL)
		goto done;
	if ((err = morph_report_html_charts(&h.b, r->repo, h.run)) != NULL ||
	    (err = flush(&h)) != NULL)
		goto done;
	if (h.base != NULL && (err = suite_changes(&h)) != NULL)
		goto done;
	if ((err = cases(&h)) != NULL)
		goto done;
	raw(&h, "</main>\n<script>");
	morph_buf_put(&h.b, morph_report_js, morph_report_js_len);
	raw(&h, "</script>\n</body>\n</html>\n");
	if ((err = flush(&h)) == NULL && fflush(r->out) != 0)
		err = morph_error_errno("cannot write the report");
done:
	for (i = 0; i < 2; i++)
		free_suite(&h.suites[i]);
	free(h.wanted);
	morph_buf_release(&h.b);
	return err;
}
