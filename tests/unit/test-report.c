/*
 * Reports: the table of writers (every format's name, and names of none),
 * what morph_report_write refuses, every writer on one comparison, and a
 * stream that cannot be written, which must be an error rather than a
 * report cut short in silence.
 */
#include "test.h"
#include "morph/morph.h"
#include "morph/eval.h"
#include "morph/report.h"
#include "morph/run.h"

/*
 * Every format a writer takes, with its name, how its report of the
 * comparison below starts, and something it must say.
 */
static const struct {
	const char			*name;
	enum morph_report_format	 format;
	const char			*starts;
	const char			*says;
} formats[] = {
	{ "text", MORPH_REPORT_TEXT, "run #2 ",
	    "    output: Say [-alpha-]{+<&>+}\n" },
	{ "outputs", MORPH_REPORT_OUTPUTS, "\nOutputs: run #2 ",
	    "Changed outputs (1)\n  p.txt  case changed  model echo:m\n" },
	{ "json", MORPH_REPORT_JSON, "{\n  \"run\": {",
	    "\"output\": \"Say <&>\"" },
	{ "junit", MORPH_REPORT_JUNIT, "<?xml version=\"1.0\"",
	    "<system-out>Say &lt;&amp;&gt;</system-out>" },
	{ "markdown", MORPH_REPORT_MARKDOWN, "## morph eval: :x: 1 regr",
	    "<details><summary>1 file changed between " },
};
#define NFORMATS	(sizeof(formats) / sizeof(formats[0]))

static void
test_names(void)
{
	static const char *const unknown[] = {
		"", "Text", "JSON", "xml", "htm", "text ", "markdow", "md",
		"junit\n",
	};
	int f;
	size_t i;

	for (i = 0; i < NFORMATS; i++) {
		T_INTEQ(morph_report_format_from_name(formats[i].name),
		    formats[i].format);
		T_STREQ(morph_report_format_name(formats[i].format),
		    formats[i].name);
	}
	for (i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++)
		T_INTEQ(morph_report_format_from_name(unknown[i]), -1);
	T_INTEQ(morph_report_format_from_name(NULL), -1);
	/* Every format with a name round-trips, html too once it has one. */
	for (f = MORPH_REPORT_TEXT; f <= MORPH_REPORT_HTML; f++)
		if (morph_report_format_name(f) != NULL)
			T_INTEQ(morph_report_format_from_name(
			    morph_report_format_name(f)), f);
	/* A name is claimed only with a writer behind it. */
	T_INTEQ(morph_report_format_from_name("html"),
	    morph_report_format_name(MORPH_REPORT_HTML) != NULL ?
	    MORPH_REPORT_HTML : -1);
	T_ASSERT(morph_report_format_name((enum morph_report_format)99) ==
	    NULL);
	T_ASSERT(morph_report_format_name((enum morph_report_format)-1) ==
	    NULL);
}

/* Runs the suite of commit c with the echo provider. */
static void
run(struct morph_repo *repo, const struct morph_oid *c)
{
	struct morph_run_opts opts = MORPH_RUN_OPTS_INIT;
	struct morph_run_outcome outcome;
	struct morph_plan *plan = NULL;

	T_OK(morph_plan_new(&plan, repo, c, &opts));
	if (plan != NULL)
		T_OK(morph_run_execute(&outcome, plan, repo, &opts));
	morph_plan_free(plan);
}

/*
 * Two commits of a suite and their runs, the second with a regression,
 * a fix and a changed output, compared.  NULL when it could not be made.
 */
static struct morph_eval *
comparison(struct morph_repo *repo)
{
	struct morph_eval_opts opts = MORPH_EVAL_OPTS_INIT;
	struct morph_eval *ev = NULL;
	struct morph_oid c;

	test_write_file(test_repo_dir(), "morph.json", "{\"prompts\": "
	    "[\"p.txt\"], \"cases\": [\"c.jsonl\"], \"models\": "
	    "[\"echo:m\"]}\n");
	test_write_file(test_repo_dir(), "p.txt", "Say {{w}}\n");
	test_write_file(test_repo_dir(), "c.jsonl",
	    "{\"id\": \"regress\", \"vars\": {\"w\": \"alpha\"}, "
	    "\"assert\": [{\"type\": \"contains\", \"value\": \"alpha\"}]}\n"
	    "{\"id\": \"fix\", \"vars\": {\"w\": \"beta\"}, "
	    "\"assert\": [{\"type\": \"contains\", \"value\": \"now\"}]}\n"
	    "{\"id\": \"changed\", \"vars\": {\"w\": \"gamma\"}}\n");
	test_commit_all(repo, "one\n", &c);
	run(repo, &c);
	test_write_file(test_repo_dir(), "c.jsonl",
	    "{\"id\": \"regress\", \"vars\": {\"w\": \"<&>\"}, "
	    "\"assert\": [{\"type\": \"contains\", \"value\": \"alpha\"}]}\n"
	    "{\"id\": \"fix\", \"vars\": {\"w\": \"beta now\"}, "
	    "\"assert\": [{\"type\": \"contains\", \"value\": \"now\"}]}\n"
	    "{\"id\": \"changed\", \"vars\": {\"w\": \"delta\"}}\n");
	test_commit_all(repo, "two\n", &c);
	run(repo, &c);
	opts.keep_all = 1;
	T_OK(morph_eval_new(&ev, repo, "#2", "#1", &opts));
	return ev;
}

/* The report of ev in format, as a string to free; NULL on error. */
static char *
report(struct morph_repo *repo, struct morph_eval *ev,
    enum morph_report_format format, const struct morph_report_opts *opts)
{
	const struct morph_error *err;
	char *text = NULL;
	size_t n;
	FILE *fp;

	if ((fp = open_memstream(&text, &n)) == NULL) {
		T_FAIL("open_memstream failed");
		return NULL;
	}
	err = morph_report_write(fp, repo, ev, format, opts);
	fclose(fp);
	if (err != NULL) {
		T_FAIL("the %s report: %s", morph_report_format_name(format),
		    err->msg);
		free(text);
		return NULL;
	}
	return text;
}

static void
test_write(void)
{
	struct morph_repo *repo = test_repo();
	struct morph_report_opts opts = MORPH_REPORT_OPTS_INIT;
	struct morph_eval *ev = comparison(repo);
	char *text;
	size_t i;

	if (ev == NULL) {
		morph_repo_close(repo);
		return;
	}
	for (i = 0; i < NFORMATS; i++) {
		if ((text = report(repo, ev, formats[i].format,
		    &opts)) == NULL)
			continue;
		if (strncmp(text, formats[i].starts,
		    strlen(formats[i].starts)) != 0)
			T_FAIL("the %s report begins \"%.40s\", expected "
			    "\"%s\"", formats[i].name, text,
			    formats[i].starts);
		T_CONTAINS(text, formats[i].says);
		free(text);
	}
	/* No options: the defaults (no colour). */
	if ((text = report(repo, ev, MORPH_REPORT_TEXT, NULL)) != NULL) {
		T_CONTAINS(text, "1 regression, 1 fix, 1 changed output");
		T_ASSERT(strchr(text, '\033') == NULL);
		free(text);
	}
	/* Colour only when asked for. */
	opts.color = 1;
	if ((text = report(repo, ev, MORPH_REPORT_TEXT, &opts)) != NULL) {
		T_CONTAINS(text, "\033[31m1 regression\033[m");
		free(text);
	}
	morph_eval_free(ev);
	morph_repo_close(repo);
}

static void
test_refused(void)
{
	struct morph_repo *repo = test_repo();
	struct morph_report_opts opts = MORPH_REPORT_OPTS_INIT;
	struct morph_report_opts v2 = MORPH_REPORT_OPTS_INIT;
	struct morph_eval *ev = comparison(repo);
	char *text = NULL;
	size_t n;
	FILE *fp;

	if (ev == NULL || (fp = open_memstream(&text, &n)) == NULL) {
		T_FAIL("no comparison or stream to write to");
		morph_eval_free(ev);
		morph_repo_close(repo);
		return;
	}
	T_ERR(morph_report_write(fp, repo, ev, (enum morph_report_format)99,
	    &opts), MORPH_ERR_INVALID);
	T_ERR(morph_report_write(fp, repo, ev, (enum morph_report_format)-1,
	    &opts), MORPH_ERR_INVALID);
	if (morph_report_format_name(MORPH_REPORT_HTML) == NULL)
		T_ERR(morph_report_write(fp, repo, ev, MORPH_REPORT_HTML,
		    &opts), MORPH_ERR_INVALID);
	v2.version = 2;
	T_ERR(morph_report_write(fp, repo, ev, MORPH_REPORT_JSON, &v2),
	    MORPH_ERR_INVALID);
	T_ERR(morph_report_write(NULL, repo, ev, MORPH_REPORT_JSON, &opts),
	    MORPH_ERR_INVALID);
	T_ERR(morph_report_write(fp, repo, NULL, MORPH_REPORT_JSON, &opts),
	    MORPH_ERR_INVALID);
	fclose(fp);
	/* What is refused writes nothing. */
	T_INTEQ(n, 0);
	free(text);
	morph_eval_free(ev);
	morph_repo_close(repo);
}

/*
 * A full device, and a stream opened for reading: every writer's report
 * fails with ERRNO, naming the format.
 */
static void
test_write_error(void)
{
	struct morph_repo *repo = test_repo();
	struct morph_report_opts opts = MORPH_REPORT_OPTS_INIT;
	struct morph_eval *ev = comparison(repo);
	const struct morph_error *err;
	const char *dir;
	char path[4096];
	size_t i;
	FILE *fp;

	if (ev == NULL) {
		morph_repo_close(repo);
		return;
	}
	dir = test_tmpdir();
	snprintf(path, sizeof(path), "%s/readonly", dir);
	test_write_file(dir, "readonly", "");
	for (i = 0; i < NFORMATS; i++) {
		if ((fp = fopen("/dev/full", "w")) == NULL) {
			T_FAIL("cannot open /dev/full");
			break;
		}
		err = morph_report_write(fp, repo, ev, formats[i].format,
		    &opts);
		T_ERR(err, MORPH_ERR_ERRNO);
		if (err != NULL) {
			T_CONTAINS(err->msg, formats[i].name);
			T_CONTAINS(err->msg, "No space left on device");
		}
		fclose(fp);
		if ((fp = fopen(path, "r")) == NULL) {
			T_FAIL("cannot open %s", path);
			break;
		}
		T_ERR(morph_report_write(fp, repo, ev, formats[i].format,
		    &opts), MORPH_ERR_ERRNO);
		fclose(fp);
	}
	morph_eval_free(ev);
	morph_repo_close(repo);
}

static const struct test tests[] = {
	TEST(test_names),
	TEST(test_write),
	TEST(test_refused),
	TEST(test_write_error),
};

TEST_MAIN(tests)
