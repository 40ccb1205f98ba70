/*
 * The HTML report: written from runs made by hand, whose outputs hold
 * markup, bytes that are not UTF-8 and control characters (a provider's
 * reply cannot bring those into the store, but an imported run can): the
 * page stays valid UTF-8 with one script, shows every hostile text as
 * text, lists regressions, fixes and changes in that order with an anchor
 * each, and says so when its stream cannot be written.
 */
#include <unistd.h>

#include "test.h"
#include "morph/morph.h"
#include "morph/eval.h"
#include "morph/report.h"
#include "morph/run.h"
#include "json_int.h"
#include "report_int.h"
#include "runs_int.h"

static void
put(struct morph_repo *repo, int64_t run, const char *case_id,
    const char *model, int pass, const char *output, size_t len)
{
	struct morph_result r;

	memset(&r, 0, sizeof(r));
	r.prompt = "p.txt";
	r.case_id = case_id;
	r.model = model;
	morph_hash_bytes(&r.call, case_id, strlen(case_id));
	r.status = "ok";
	r.has_output = 1;
	T_OK(morph_object_write(&r.output, repo, MORPH_OBJ_BLOB, output, len));
	r.tokens_in = r.tokens_out = 10;
	r.tokens_cached = r.tokens_reasoning = -1;
	r.latency_ms = 100;
	r.cost_nusd = 1000;
	r.pass = pass;
	r.attempts = "[]";
	r.verdicts = pass ? "[{\"type\":\"contains\",\"pass\":true,\"score\":1,"
	    "\"weight\":1,\"reason\":\"output contains \\\"good\\\"\"}]" :
	    "[{\"type\":\"contains\",\"pass\":false,\"score\":0,\"weight\":1,"
	    "\"reason\":\"<b>lacks</b> \\\"good\\\"\"}]";
	T_OK(morph_runs_put(repo, run, &r));
}

#define PUT(repo, run, c, m, pass, text) \
	put(repo, run, c, m, pass, text, sizeof(text) - 1)

static int64_t
new_run(struct morph_repo *repo, const struct morph_oid *commit, int k)
{
	struct morph_oid plan;
	int64_t num = 0;

	morph_hash_bytes(&plan, &k, sizeof(k));
	T_OK(morph_runs_create(&num, repo, commit, NULL, &plan,
	    "{\"models\":[{\"id\":\"m\"}]}", NULL, 0));
	return num;
}

/* The report of run a against b (0: alone), as a string. */
static char *
report(struct morph_repo *repo, int64_t a, int64_t b)
{
	struct morph_eval_opts opts = MORPH_EVAL_OPTS_INIT;
	struct morph_eval *ev = NULL;
	char na[16], nb[16], *page;
	FILE *fp;
	long n;

	snprintf(na, sizeof(na), "#%lld", (long long)a);
	snprintf(nb, sizeof(nb), "#%lld", (long long)b);
	T_OK(morph_eval_new(&ev, repo, na, b ? nb : NULL, &opts));
	if (ev == NULL || (fp = tmpfile()) == NULL)
		return NULL;
	T_OK(morph_report_write(fp, repo, ev, MORPH_REPORT_HTML, NULL));
	morph_eval_free(ev);
	n = ftell(fp);
	rewind(fp);
	page = calloc(1, (size_t)n + 1);
	if (page != NULL && fread(page, 1, (size_t)n, fp) != (size_t)n)
		T_FAIL("cannot read the report back");
	fclose(fp);
	return page;
}

static size_t
count(const char *hay, const char *needle)
{
	size_t n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

static struct morph_repo *
suite_repo(int64_t *a, int64_t *b)
{
	struct morph_repo *repo = test_repo();
	struct morph_oid c1, c2;

	test_write_file(test_repo_dir(), "morph.json", "{\"prompts\": "
	    "[\"p.txt\"], \"cases\": [\"c.jsonl\"], \"models\": "
	    "[{\"id\": \"m\", \"model\": \"echo:m\"}]}\n");
	test_write_file(test_repo_dir(), "p.txt", "Say {{w}}\n");
	test_write_file(test_repo_dir(), "c.jsonl",
	    "{\"id\": \"regress\", \"vars\": {\"w\": \"<i>x</i>\"}}\n"
	    "{\"id\": \"fix\", \"vars\": {\"w\": \"f\"}}\n"
	    "{\"id\": \"changed\", \"vars\": {\"w\": \"c\"}}\n"
	    "{\"id\": \"same\", \"vars\": {\"w\": \"s\"}}\n");
	test_commit_all(repo, "one\n", &c1);
	test_write_file(test_repo_dir(), "p.txt", "Say {{w}} </pre>now\n");
	test_commit_all(repo, "two <script>\n", &c2);
	*b = new_run(repo, &c1, 1);
	*a = new_run(repo, &c2, 2);
	return repo;
}

static void
test_hostile(void)
{
	struct morph_repo *repo;
	int64_t a, b;
	char *page;

	repo = suite_repo(&a, &b);
	PUT(repo, b, "regress", "m", 1, "good");
	PUT(repo, a, "regress", "m", 0,
	    "bad \xff\xfe <script>alert(1)</script> \x1b[31m \0 end");
	PUT(repo, b, "fix", "m", 0, "bad");
	PUT(repo, a, "fix", "m", 1, "good");
	PUT(repo, b, "changed", "m", 1, "good old ]]> <!--");
	PUT(repo, a, "changed", "m", 1, "good new \"onerror=x ' </textarea>");
	PUT(repo, b, "same", "m", 1, "good");
	PUT(repo, a, "same", "m", 1, "good");
	if ((page = report(repo, a, b)) == NULL)
		goto done;
	T_ASSERT(morph_utf8_check(page, strlen(page)) == 0);
	T_INTEQ(count(page, "<script"), 1);
	T_INTEQ(count(page, "</script"), 1);
	T_INTEQ(count(page, "<style"), 1);
	T_INTEQ(count(page, "</style"), 1);
	T_INTEQ(count(page, "<!--"), 0);
	T_INTEQ(count(page, "<textarea"), 0);
	T_INTEQ(count(page, "<i>"), 0);
	T_INTEQ(count(page, "<b>"), 0);
	T_CONTAINS(page, "bad \xef\xbf\xbd\xef\xbf\xbd &lt;script&gt;alert(1)"
	    "&lt;/script&gt; \xef\xbf\xbd[31m \xef\xbf\xbd end");
	T_CONTAINS(page, "]]&gt; &lt;!--");
	T_CONTAINS(page, "&quot;onerror=x &#39; &lt;/textarea&gt;");
	T_CONTAINS(page, "&lt;b&gt;lacks&lt;/b&gt;");	/* a reason */
	T_CONTAINS(page, "&lt;i&gt;x&lt;/i&gt;");	/* a variable */
	T_CONTAINS(page, "&ldquo;two &lt;script&gt;&rdquo;");	/* a subject */
	T_CONTAINS(page, "Say &lt;i&gt;x&lt;/i&gt; <ins>&lt;/pre&gt;now</ins>");
	/* The suite's diff, words marked in the outputs. */
	T_CONTAINS(page, "<ins>+Say {{w}} &lt;/pre&gt;now</ins>");
	T_CONTAINS(page, "good <del>old ]]&gt; &lt;!--</del>");
	/* Regressions, fixes, changed; the same result only counted. */
	T_ASSERT(strstr(page, "id=\"regressions\"") != NULL &&
	    strstr(page, "id=\"regressions\"") < strstr(page, "id=\"fixes\"") &&
	    strstr(page, "id=\"fixes\"") < strstr(page, "id=\"changed\""));
	T_INTEQ(count(page, "<article class=\"case\""), 3);
	T_INTEQ(count(page, "data-status=\"regression\""), 1);
	T_CONTAINS(page, "1 result had the same verdict and output in both "
	    "runs: 1 passing, 0 failing");
	T_CONTAINS(page, "1 regression, 1 fix, 1 changed, 0 added, 0 removed");
	T_CONTAINS(page, "<a href=\"#case-");
	free(page);
	/* Alone, the run's failures. */
	if ((page = report(repo, a, 0)) == NULL)
		goto done;
	T_CONTAINS(page, "1 failing result");
	T_INTEQ(count(page, "<article class=\"case\""), 1);
	T_INTEQ(count(page, "data-status=\"failure\""), 1);
	free(page);
done:
	morph_repo_close(repo);
}

/* A stream that cannot take the page is an error, not a short page. */
static void
test_write_error(void)
{
	struct morph_eval_opts opts = MORPH_EVAL_OPTS_INIT;
	struct morph_repo *repo;
	struct morph_eval *ev = NULL;
	char na[16], nb[16];
	int64_t a, b;
	FILE *fp;

	if ((fp = fopen("/dev/full", "w")) == NULL)
		return;		/* no /dev/full here */
	repo = suite_repo(&a, &b);
	PUT(repo, b, "regress", "m", 1, "good");
	PUT(repo, a, "regress", "m", 0, "bad");
	snprintf(na, sizeof(na), "#%lld", (long long)a);
	snprintf(nb, sizeof(nb), "#%lld", (long long)b);
	T_OK(morph_eval_new(&ev, repo, na, nb, &opts));
	if (ev != NULL)
		T_ERR(morph_report_write(fp, repo, ev, MORPH_REPORT_HTML,
		    NULL), MORPH_ERR_ERRNO);
	morph_eval_free(ev);
	fclose(fp);
	morph_repo_close(repo);
}

static const struct test tests[] = {
	TEST(test_hostile),
	TEST(test_write_error),
};

TEST_MAIN(tests)
