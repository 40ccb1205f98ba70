/*
 * The JUnit XML report (morph eval --junit), for CI systems that show
 * test reports: a testsuite a model, a testcase a result with its
 * latency as time, failures and call errors as JUnit's failure and
 * error, removed results as skipped, and the output as system-out.
 * Every string is XML-escaped; bytes XML 1.0 cannot hold become U+FFFD.
 */
#include <stdio.h>
#include <string.h>

#include "morph/eval.h"
#include "morph/run.h"
#include "report_int.h"

/* XML text: escapes markup and drops what XML 1.0 cannot hold. */
static void
xml(struct morph_report *r, const char *s, size_t n)
{
	size_t i;
	unsigned char c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c == '<')
			fputs("&lt;", r->out);
		else if (c == '>')
			fputs("&gt;", r->out);
		else if (c == '&')
			fputs("&amp;", r->out);
		else if (c == '"')
			fputs("&quot;", r->out);
		else if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
			fputs("\xef\xbf\xbd", r->out);	/* U+FFFD */
		else
			fputc(c, r->out);
	}
}

static void
xmls(struct morph_report *r, const char *s)
{
	xml(r, s, strlen(s));
}

static const struct morph_error *
testcase(struct morph_report *r, const struct morph_eval_item *it)
{
	const struct morph_error *err;
	struct morph_buf why = MORPH_BUF_INIT, text = MORPH_BUF_INIT;
	const struct morph_eval_side *s = it->a.present ? &it->a : &it->b;
	char name[64];

	fputs("    <testcase classname=\"", r->out);
	xmls(r, it->model);
	fputs("\" name=\"", r->out);
	xmls(r, it->prompt);
	fputs(" :: ", r->out);
	xmls(r, it->case_id);
	if (morph_eval_repeated(r->ev)) {
		snprintf(name, sizeof(name), " [sample %d]", it->sample);
		xmls(r, name);
	}
	fprintf(r->out, "\" time=\"%.3f\">\n", s->latency_ms > 0 ?
	    (double)s->latency_ms / 1000 : 0.0);
	morph_report_reasons(&why, s, "");
	if ((err = morph_report_output_text(&text, r->repo, s)) != NULL)
		goto done;
	if (it->kind == MORPH_EVAL_REMOVED)
		fputs("      <skipped message=\"not in this run "
		    "(removed)\"/>\n", r->out);
	else if (s->error != NULL) {
		fputs("      <error type=\"call\" message=\"", r->out);
		xmls(r, s->error);
		fputs("\"/>\n", r->out);
	} else if (!(s->pass != 0)) {
		fprintf(r->out, "      <failure type=\"%s\" message=\"",
		    it->kind == MORPH_EVAL_REGRESSION ? "regression" :
		    "assertion");
		xml(r, why.ptr ? why.ptr : "", strcspn(morph_buf_cstr(&why),
		    "\n"));
		fputs("\">", r->out);
		xmls(r, morph_buf_cstr(&why));
		fputs("\noutput:\n", r->out);
		xml(r, text.ptr, text.len);
		fputs("</failure>\n", r->out);
	}
	fputs("      <system-out>", r->out);
	xml(r, text.ptr, text.len);
	fputs("</system-out>\n    </testcase>\n", r->out);
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

const struct morph_error *
morph_report_write_junit(struct morph_report *r)
{
	const struct morph_error *err;
	const struct morph_eval_model *m;
	const struct morph_eval_item *it;
	size_t i, k, j;
	int64_t tests, fails, errors, skipped;
	char usd[40];

	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<testsuites name=\"morph eval\">\n", r->out);
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
		fputs("  <testsuite name=\"", r->out);
		xmls(r, m->model);
		fprintf(r->out, "\" tests=\"%lld\" failures=\"%lld\" "
		    "errors=\"%lld\" skipped=\"%lld\">\n", (long long)tests,
		    (long long)fails, (long long)errors, (long long)skipped);
		fprintf(r->out, "    <properties>\n      <property "
		    "name=\"cost\" value=\"%s\"/>\n    </properties>\n",
		    morph_usd_total(usd, sizeof(usd), m->cost_nusd[0],
		    m->unpriced[0]));
		for (k = 0; k < MORPH_EVAL_NKINDS; k++)
			for (j = 0; j < morph_eval_count(r->ev, k); j++) {
				it = morph_eval_item(r->ev, k, j);
				if (strcmp(it->model, m->model) == 0 &&
				    (err = testcase(r, it)) != NULL)
					return err;
			}
		fputs("  </testsuite>\n", r->out);
	}
	fputs("</testsuites>\n", r->out);
	return NULL;
}

