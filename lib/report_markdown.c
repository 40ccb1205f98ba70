/*
 * The Markdown report (morph eval --markdown), a pull-request comment: a
 * headline with the verdict, a table of the models, then a list a kind
 * of change, each entry with its reasons and, folded, its output (a line
 * diff of the baseline's when both sides have one); against a baseline
 * of another commit, the suite's own diff, folded, after the regressions
 * that it explains.
 */
#include <stdio.h>
#include <string.h>

#include "morph/commit.h"
#include "morph/eval.h"
#include "morph/num.h"
#include "morph/object.h"
#include "morph/run.h"
#include "morph/textdiff.h"
#include "morph/tree.h"
#include "report_int.h"

/* Text inside a Markdown code span or table cell. */
static void
md(struct morph_report *r, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '|' || *s == '`' || *s == '<' || *s == '*' ||
		    *s == '_')
			fputc('\\', r->out);
		fputc(*s == '\n' ? ' ' : *s, r->out);
	}
}

/*
 * One entry: the key, counts (a case's; NULL for a result), then the
 * reasons and output of result it (a case's example; may be NULL).
 */
static const struct morph_error *
entry(struct morph_report *r, const char *prompt, const char *case_id,
    const char *model, const char *counts, const struct morph_eval_item *it)
{
	const struct morph_error *err = NULL;
	struct morph_buf why = MORPH_BUF_INIT, a = MORPH_BUF_INIT;
	struct morph_buf b = MORPH_BUF_INIT, diff = MORPH_BUF_INIT;
	struct morph_textdiff_opts dopts = MORPH_TEXTDIFF_OPTS_INIT;
	const char *p, *nl;

	fputs("- `", r->out);
	md(r, prompt);
	fputs("` · case `", r->out);
	md(r, case_id);
	fputs("` · `", r->out);
	md(r, model);
	fputc('`', r->out);
	if (counts != NULL)
		fprintf(r->out, " · %s", counts);
	if (it == NULL) {
		fputc('\n', r->out);
		goto done;
	}
	if (counts != NULL)
		fprintf(r->out, " · sample %d", it->sample);
	morph_report_reasons(&why, it->kind == MORPH_EVAL_FIX ? &it->b : &it->a,
	    "");
	for (p = morph_buf_cstr(&why); *p != '\0'; p = nl + (*nl != '\0')) {
		nl = p + strcspn(p, "\n");
		fputs(" — ", r->out);
		fwrite(p, 1, (size_t)(nl - p), r->out);
	}
	fputc('\n', r->out);
	if ((err = morph_report_output_text(&a, r->repo, &it->a)) != NULL ||
	    (err = morph_report_output_text(&b, r->repo, &it->b)) != NULL)
		goto done;
	if (it->a.present && it->b.present && (err = morph_textdiff_lines(
	    &diff, b.ptr, b.len, a.ptr, a.len, &dopts)) != NULL)
		goto done;
	/* Folded below the item, not inside it, so GitHub renders it. */
	fprintf(r->out, "\n<details><summary>output</summary>\n\n```%s\n",
	    diff.len > 0 ? "diff" : "");
	if (diff.len > 0)
		fwrite(diff.ptr, 1, diff.len, r->out);
	else
		fprintf(r->out, "%s\n", it->a.present ? morph_buf_cstr(&a) :
		    morph_buf_cstr(&b));
	fputs("```\n\n</details>\n\n", r->out);
done:
	morph_buf_release(&why);
	morph_buf_release(&a);
	morph_buf_release(&b);
	morph_buf_release(&diff);
	return err;
}

static const struct morph_error *
item(struct morph_report *r, const struct morph_eval_item *it)
{
	return entry(r, it->prompt, it->case_id, it->model, NULL, it);
}

static const struct morph_error *
one_case(struct morph_report *r, const struct morph_eval_case *c)
{
	const struct morph_error *err;
	struct morph_buf counts = MORPH_BUF_INIT;

	morph_report_case_counts(&counts, c, morph_eval_baseline(r->ev) !=
	    NULL, r->o.alpha, 0);
	err = entry(r, c->prompt, c->case_id, c->model,
	    morph_buf_cstr(&counts), c->example);
	morph_buf_release(&counts);
	return err;
}

static const struct morph_error *
section(struct morph_report *r, enum morph_eval_kind k, const char *title)
{
	const struct morph_error *err;
	size_t i, n = morph_report_entries(r, k);

	if (n == 0)
		return NULL;
	fprintf(r->out, "\n### %s (%zu)\n\n", title, n);
	for (i = 0; i < n; i++) {
		err = morph_eval_repeated(r->ev) ? one_case(r,
		    morph_eval_case(r->ev, k, i)) :
		    item(r, morph_eval_item(r->ev, k, i));
		if (err != NULL)
			return err;
	}
	return NULL;
}

/* The files of commit id's snapshot, sorted, into out. */
static const struct morph_error *
snapshot(struct morph_entrylist *out, struct morph_repo *repo,
    const struct morph_oid *id)
{
	const struct morph_error *err;
	struct morph_commit *c;

	if ((err = morph_commit_read(&c, repo, id)) != NULL)
		return err;
	err = morph_tree_flatten(out, repo, morph_commit_tree(c), NULL);
	morph_commit_free(c);
	return err;
}

/* Counts the files that differ (a morph_entrylist_diff_cb). */
static const struct morph_error *
count_file(const struct morph_entry *old, const struct morph_entry *new,
    void *arg)
{
	(void)old;
	(void)new;
	(*(size_t *)arg)++;
	return NULL;
}

/* One side of a changed file, its blob read into *o; e NULL: no file. */
static const struct morph_error *
load_file(struct morph_textdiff_file *f, struct morph_object **o,
    struct morph_repo *repo, const struct morph_entry *e)
{
	const struct morph_error *err;

	memset(f, 0, sizeof(*f));
	*o = NULL;
	if (e == NULL)
		return NULL;
	if ((err = morph_object_read(o, repo, &e->id,
	    MORPH_OBJ_BLOB)) != NULL)
		return morph_error_wrap(err, "cannot read '%s'", e->path);
	f->path = e->path;
	f->id = &e->id;
	f->mode = e->mode;
	f->data = morph_object_data(*o);
	f->len = morph_object_size(*o);
	return NULL;
}

/* Writes the patch of one file that differs (a morph_entrylist_diff_cb). */
static const struct morph_error *
write_patch(const struct morph_entry *old, const struct morph_entry *new,
    void *arg)
{
	struct morph_textdiff_opts topts = MORPH_TEXTDIFF_OPTS_INIT;
	struct morph_buf patch = MORPH_BUF_INIT;
	struct morph_report *r = arg;
	const struct morph_error *err;
	struct morph_textdiff_file a, b;
	struct morph_object *oa, *ob = NULL;

	if ((err = load_file(&a, &oa, r->repo, old)) == NULL &&
	    (err = load_file(&b, &ob, r->repo, new)) == NULL &&
	    (err = morph_textdiff_patch(&patch, &a, &b, &topts)) == NULL &&
	    (err = morph_buf_status(&patch)) == NULL)
		fwrite(patch.ptr, 1, patch.len, r->out);
	morph_object_free(oa);
	morph_object_free(ob);
	morph_buf_release(&patch);
	return err;
}

/*
 * The suite's diff between the two runs' commits, folded, as morph diff
 * prints it without colour.
 */
static const struct morph_error *
suite_diff(struct morph_report *r)
{
	const struct morph_run_info *a = morph_eval_run(r->ev);
	const struct morph_run_info *b = morph_eval_baseline(r->ev);
	char ida[MORPH_REPORT_SHORT_ID + 1], idb[MORPH_REPORT_SHORT_ID + 1];
	struct morph_entrylist ea, eb;
	const struct morph_error *err;
	size_t n = 0;

	if (morph_oid_cmp(&a->commit, &b->commit) == 0)
		return NULL;
	morph_entrylist_init(&ea);
	morph_entrylist_init(&eb);
	if ((err = snapshot(&ea, r->repo, &a->commit)) != NULL ||
	    (err = snapshot(&eb, r->repo, &b->commit)) != NULL ||
	    (err = morph_entrylist_diff(&eb, &ea, count_file, &n)) != NULL ||
	    n == 0)
		goto done;
	morph_report_short_id(ida, &a->commit);
	morph_report_short_id(idb, &b->commit);
	fprintf(r->out, "\n### Suite changes\n\n<details><summary>%zu file%s "
	    "changed between %s and %s</summary>\n\n```diff\n", n, n == 1 ?
	    "" : "s", idb, ida);
	err = morph_entrylist_diff(&eb, &ea, write_patch, r);
	fputs("```\n</details>\n", r->out);
done:
	morph_entrylist_release(&ea);
	morph_entrylist_release(&eb);
	return err;
}

/* The headline and the line under it. */
static void
headline(struct morph_report *r)
{
	const struct morph_run_info *base = morph_eval_baseline(r->ev);
	char la[96], lb[96], unit[64], changes[128];
	int64_t nreg = morph_eval_regressions(r->ev);
	int rep = morph_eval_repeated(r->ev);
	size_t n;

	if (base == NULL) {
		n = morph_report_entries(r, MORPH_EVAL_FAILURE);
		fprintf(r->out, "## morph eval: %zu failing %s%s\n\n%s\n", n,
		    rep ? "case" : "result", n == 1 ? "" : "s",
		    morph_report_run_label(la, sizeof(la),
		    morph_eval_run(r->ev)));
		return;
	}
	fprintf(r->out, "## morph eval: %s %lld regression%s\n\n",
	    nreg ? ":x:" : ":white_check_mark:", (long long)nreg,
	    nreg == 1 ? "" : "s");
	fprintf(r->out, "%s against %s: %s", morph_report_run_label(la,
	    sizeof(la), morph_eval_run(r->ev)), morph_report_run_label(lb,
	    sizeof(lb), base), morph_report_changes(changes, sizeof(changes),
	    r));
	if (rep)
		fprintf(r->out, " (%s)", morph_report_unit_note(unit,
		    sizeof(unit), r));
	fputs(".\n", r->out);
}

static void
models(struct morph_report *r)
{
	int base = morph_eval_baseline(r->ev) != NULL;
	const struct morph_eval_model *m;
	char before[64], now[64], din[64], dout[64], dcost[64], l0[64];
	char l1[64];
	size_t i;

	fprintf(r->out, "\n| model | pass%s | %s | tokens in | tokens out | "
	    "cost | p50 |\n|---|---|---|---|---|---|---|\n", base ?
	    " before" : "", base ? "pass now" : "errors");
	for (i = 0; i < morph_eval_nmodels(r->ev); i++) {
		m = morph_eval_model(r->ev, i);
		morph_report_rate(now, sizeof(now), m->passed[0],
		    m->asserted[0]);
		morph_report_latency(l0, sizeof(l0), m->p50_ms[0]);
		fputs("| `", r->out);
		md(r, m->model);
		if (base) {
			fprintf(r->out, "` | %s | %s | %s | %s | %s | %s → "
			    "%s |\n", morph_report_rate(before,
			    sizeof(before), m->passed[1], m->asserted[1]), now,
			    morph_report_signed_count(din, sizeof(din),
			    m->tokens_in[0] - m->tokens_in[1]),
			    morph_report_signed_count(dout, sizeof(dout),
			    m->tokens_out[0] - m->tokens_out[1]),
			    morph_report_cost_delta(dcost, sizeof(dcost), m),
			    morph_report_latency(l1, sizeof(l1), m->p50_ms[1]),
			    l0);
		} else {
			morph_num_human(din, sizeof(din), m->tokens_in[0]);
			morph_num_human(dout, sizeof(dout), m->tokens_out[0]);
			fprintf(r->out, "` | %s | %lld | %s | %s | %s | %s |\n",
			    now, (long long)m->errors[0], din, dout,
			    morph_usd_total(dcost, sizeof(dcost),
			    m->cost_nusd[0], m->unpriced[0]), l0);
		}
	}
}

const struct morph_error *
morph_report_write_markdown(struct morph_report *r)
{
	const struct morph_error *err;

	headline(r);
	models(r);
	if (morph_eval_baseline(r->ev) == NULL)
		return section(r, MORPH_EVAL_FAILURE, "Failures");
	if ((err = section(r, MORPH_EVAL_REGRESSION, "Regressions")) ||
	    (err = suite_diff(r)) != NULL ||
	    (err = section(r, MORPH_EVAL_FIX, "Fixes")) != NULL ||
	    (err = section(r, MORPH_EVAL_CHANGED, "Changed outputs")) ||
	    (err = section(r, MORPH_EVAL_ADDED, "Added")) != NULL ||
	    (err = section(r, MORPH_EVAL_REMOVED, "Removed")) != NULL)
		return err;
	return NULL;
}
