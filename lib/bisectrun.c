/*
 * morph bisect run: testing commits by running one case of their suites,
 * and marking each by what it found, until the first bad commit is known
 * (morph_bisect_run in include/morph/bisect.h).
 *
 * A commit is tested with a plan restricted to the case (and to a model
 * when one is named), so that only that case's calls are made and the
 * call cache answers those made before, on this commit or any other with
 * the same rendered prompt.  The verdict is the case's own, as the run
 * recorded it, or that of the assertion given instead, judged here on the
 * recorded outputs.
 */
#include <stdlib.h>
#include <string.h>

#include "morph/bisect.h"
#include "morph/commit.h"
#include "morph/eval.h"
#include "morph/object.h"
#include "morph/refs.h"
#include "morph/worktree.h"
#include "assert_int.h"
#include "json_int.h"
#include "repo_int.h"
#include "suite_int.h"

/* Parses --assert into an array of assertions and checks each. */
static const struct morph_error *
parse_assert(cJSON **out, const char *spec)
{
	const struct morph_error *err;
	cJSON *doc, *a;
	const cJSON *e;
	int i = 0;

	*out = NULL;
	if ((err = morph_json_parse(&doc, spec, strlen(spec),
	    "--assert")) != NULL)
		return err->code == MORPH_ERR_NOMEM ? err :
		    morph_error_fmt(MORPH_ERR_INVALID, "%s", err->msg);
	if (cJSON_IsObject(doc)) {
		if ((a = cJSON_CreateArray()) == NULL) {
			cJSON_Delete(doc);
			return morph_error(MORPH_ERR_NOMEM);
		}
		cJSON_AddItemToArray(a, doc);
		doc = a;
	}
	if (!cJSON_IsArray(doc) || cJSON_GetArraySize(doc) == 0) {
		cJSON_Delete(doc);
		return morph_error_fmt(MORPH_ERR_INVALID, "--assert: expected "
		    "an assertion, such as {\"type\": \"icontains\", "
		    "\"value\": \"paris\"}, or an array of them");
	}
	cJSON_ArrayForEach(e, doc) {
		if (!cJSON_IsObject(e))
			err = morph_error_fmt(MORPH_ERR_INVALID,
			    "--assert[%d]: expected an object with a string "
			    "\"type\"", i);
		else if (morph_assert_is(e, "llm-rubric"))
			err = morph_error_fmt(MORPH_ERR_INVALID,
			    "--assert[%d]: llm-rubric needs a judge, which "
			    "bisect does not call: put it in the case's "
			    "assertions instead", i);
		else if ((err = morph_assert_check(e)) != NULL)
			err = morph_error_fmt(err->code == MORPH_ERR_NOMEM ?
			    MORPH_ERR_NOMEM : MORPH_ERR_SUITE,
			    "--assert[%d]: %s", i, err->msg);
		if (err != NULL) {
			cJSON_Delete(doc);
			return err;
		}
		i++;
	}
	*out = doc;
	return NULL;
}

const struct morph_error *
morph_bisect_check_assert(const char *spec)
{
	const struct morph_error *err;
	cJSON *doc;

	err = parse_assert(&doc, spec);
	cJSON_Delete(doc);
	return err;
}

/* What one commit's test found, as it is put together. */
struct verdict {
	struct morph_repo		*repo;
	const struct morph_suite_case	*kase;
	const cJSON			*specs;		/* --assert, or NULL */
	const struct morph_bisect_run_opts *opts;
	size_t				 results;
	size_t				 asserted;	/* with a verdict */
	size_t				 failed;
	size_t				 errors;	/* failed calls */
	struct morph_buf		 first;		/* why the first
							   failure failed */
};

/* Judges one output with --assert's assertions. */
static const struct morph_error *
judge(int *pass, struct morph_buf *verdicts, struct verdict *v,
    const struct morph_result *r)
{
	const struct morph_error *err;
	struct morph_assert_ctx ctx;
	struct morph_object *o = NULL;
	cJSON *out = NULL;
	char *text;
	int asserted;

	if ((err = morph_object_read(&o, v->repo, &r->output,
	    MORPH_OBJ_BLOB)) != NULL)
		return err;
	memset(&ctx, 0, sizeof(ctx));
	ctx.output = morph_object_data(o);
	ctx.len = morph_object_size(o);
	ctx.cost_nusd = r->cost_nusd;
	ctx.latency_ms = r->latency_ms;
	ctx.vars = v->kase->vars;
	ctx.allow_exec = v->opts->run->allow_exec;
	ctx.prompt = r->prompt;
	ctx.case_id = r->case_id;
	ctx.model = r->model;
	ctx.dir = morph_repo_workdir(v->repo);
	ctx.stop = v->opts->run->stop;
	err = morph_assert_all(&out, pass, &asserted, v->specs, &ctx);
	morph_object_free(o);
	if (err == NULL) {
		if ((text = cJSON_PrintUnformatted(out)) == NULL)
			err = morph_error(MORPH_ERR_NOMEM);
		else
			morph_buf_puts(verdicts, text);
		free(text);
	}
	cJSON_Delete(out);
	return err != NULL ? morph_error_wrap(err, "--assert") :
	    morph_buf_status(verdicts);
}

/* Tallies one result of the case, judging it with --assert if given. */
static const struct morph_error *
tally(const struct morph_result *r, void *arg)
{
	struct verdict *v = arg;
	struct morph_buf verdicts = MORPH_BUF_INIT, why = MORPH_BUF_INIT;
	struct morph_eval_side side;
	const struct morph_error *err = NULL;
	int pass = r->pass;

	v->results++;
	memset(&side, 0, sizeof(side));
	side.present = 1;
	side.verdicts = r->verdicts;
	if (strcmp(r->status, "ok") != 0) {
		v->errors++;
		side.error = r->error != NULL ? r->error : "the call failed";
		pass = 0;
	} else if (v->specs != NULL && !r->has_output)
		pass = 0;
	else if (v->specs != NULL) {
		if ((err = judge(&pass, &verdicts, v, r)) != NULL)
			goto done;
		side.verdicts = verdicts.ptr;
	}
	if (pass < 0)
		goto done;
	v->asserted++;
	if (pass)
		goto done;
	if (v->failed++ == 0) {
		if ((err = morph_eval_reasons(&why, &side, "")) != NULL)
			goto done;
		morph_buf_printf(&v->first, "%s on %s: %.*s", r->prompt,
		    r->model, (int)strcspn(why.len ? why.ptr : "fails", "\n"),
		    why.len ? why.ptr : "fails");
		err = morph_buf_status(&v->first);
	}
done:
	morph_buf_release(&verdicts);
	morph_buf_release(&why);
	return err;
}

/* The case in the suite of commit, or why there is none to run. */
static const struct morph_error *
load_case(struct morph_suite **suite, const struct morph_suite_case **kase,
    struct morph_buf *why, struct morph_repo *repo,
    const struct morph_oid *commit, const char *case_id)
{
	const struct morph_error *err;
	struct morph_commit *c = NULL;
	size_t i;

	*suite = NULL;
	*kase = NULL;
	if ((err = morph_commit_read(&c, repo, commit)) != NULL)
		return err;
	err = morph_suite_load(suite, repo, morph_commit_tree(c));
	morph_commit_free(c);
	if (err != NULL && err->code == MORPH_ERR_SUITE) {
		morph_buf_printf(why, "its suite does not load: %s", err->msg);
		return morph_buf_status(why);
	}
	if (err != NULL)
		return err;
	for (i = 0; i < (*suite)->ncases; i++)
		if (strcmp((*suite)->cases[i].id, case_id) == 0)
			*kase = &(*suite)->cases[i];
	if (*kase == NULL)
		morph_buf_printf(why, "its suite has no case '%s'", case_id);
	return morph_buf_status(why);
}

/*
 * Tests commit: runs the case and sets t->mark and why.  A commit that
 * cannot be tested is a skip, not an error.
 */
static const struct morph_error *
test_commit(struct morph_bisect_tested *t, struct morph_buf *why,
    struct morph_repo *repo, const struct morph_oid *commit,
    const cJSON *specs, const struct morph_bisect_run_opts *opts)
{
	const struct morph_error *err;
	struct morph_run_opts ropts = *opts->run;
	struct morph_run_outcome outcome;
	struct morph_suite *suite = NULL;
	struct morph_plan *plan = NULL;
	struct verdict v;
	size_t i;

	memset(&v, 0, sizeof(v));
	memset(&outcome, 0, sizeof(outcome));
	t->commit = *commit;
	t->mark = MORPH_BISECT_SKIP;
	if ((err = load_case(&suite, &v.kase, why, repo, commit,
	    opts->case_id)) != NULL || v.kase == NULL)
		goto done;
	ropts.cases = &opts->case_id;
	ropts.ncases = 1;
	ropts.models = opts->model != NULL ? &opts->model : NULL;
	ropts.nmodels = opts->model != NULL ? 1 : 0;
	ropts.plan_only = 0;
	err = morph_plan_new(&plan, repo, commit, &ropts);
	if (err != NULL && (err->code == MORPH_ERR_SUITE ||
	    err->code == MORPH_ERR_NOT_FOUND)) {
		morph_buf_printf(why, "%s", err->msg);
		err = morph_buf_status(why);
		goto done;
	}
	if (err != NULL)
		goto done;
	if ((t->calls = morph_plan_count(plan)) == 0) {
		morph_buf_printf(why, "case '%s' applies to none of its "
		    "prompts", opts->case_id);
		err = morph_buf_status(why);
		goto done;
	}
	for (i = 0; i < t->calls; i++)
		t->cached += morph_plan_item(plan, i)->cached;
	if ((err = morph_run_execute(&outcome, plan, repo, &ropts)) != NULL)
		goto done;
	t->run = outcome.num;
	t->requests = outcome.requests;
	v.repo = repo;
	v.specs = specs;
	v.opts = opts;
	if ((err = morph_run_results(repo, outcome.num, tally, &v)) != NULL)
		goto done;
	if (v.errors > 0) {
		err = morph_error_fmt(MORPH_ERR_HTTP, "commit %s: %zu of %zu "
		    "calls of case '%s' failed after their retries (%s); a "
		    "failed call says nothing of the prompt, so the commit is "
		    "not marked: run morph bisect run again to send them "
		    "again, or skip it with morph bisect skip %s",
		    morph_oid_tostr(commit), v.errors, v.results,
		    opts->case_id, morph_buf_cstr(&v.first),
		    morph_oid_tostr(commit));
		goto done;
	}
	if (v.asserted == 0)
		morph_buf_printf(why, "case '%s' has no assertion here; "
		    "decide with --assert", opts->case_id);
	else if (v.failed > 0) {
		t->mark = MORPH_BISECT_BAD;
		morph_buf_printf(why, "case '%s' fails (%zu of %zu): %s",
		    opts->case_id, v.failed, v.asserted, v.first.ptr);
	} else {
		t->mark = MORPH_BISECT_GOOD;
		morph_buf_printf(why, "case '%s' passes (%zu of %zu)",
		    opts->case_id, v.asserted, v.asserted);
	}
	err = morph_buf_status(why);
done:
	morph_buf_release(&v.first);
	morph_plan_free(plan);
	morph_suite_free(suite);
	return err;
}

/* Takes HEAD to commit unless it is there already. */
static const struct morph_error *
go_to(struct morph_repo *repo, const struct morph_oid *commit)
{
	struct morph_checkout_opts opts = MORPH_CHECKOUT_OPTS_INIT;
	struct morph_buf branch = MORPH_BUF_INIT;
	struct morph_oid head;
	int detached;

	detached = morph_head_branch(&branch, repo) != NULL;
	morph_buf_release(&branch);
	if (detached && morph_ref_resolve(&head, repo, MORPH_HEAD) == NULL &&
	    morph_oid_cmp(&head, commit) == 0)
		return NULL;
	return morph_error_wrap(morph_worktree_checkout(repo, commit, &opts),
	    "cannot check out commit %s to test it",
	    morph_oid_tostr(commit));
}

static int
testing(const struct morph_bisect_next *n)
{
	return n->state == MORPH_BISECT_TEST ||
	    n->state == MORPH_BISECT_TEST_BASE;
}

const struct morph_error *
morph_bisect_run(struct morph_bisect_next *next, struct morph_repo *repo,
    const struct morph_bisect_run_opts *opts)
{
	const struct morph_error *err;
	struct morph_bisect_tested t;
	struct morph_buf why = MORPH_BUF_INIT;
	struct morph_oid commit;
	cJSON *specs = NULL;

	memset(next, 0, sizeof(*next));
	if (opts == NULL || opts->version != MORPH_BISECT_RUN_OPTS_VERSION ||
	    opts->case_id == NULL || opts->run == NULL)
		return morph_error_fmt(MORPH_ERR_INVALID, "bisect run: a case "
		    "and run options are needed");
	if (opts->assert_spec != NULL &&
	    (err = parse_assert(&specs, opts->assert_spec)) != NULL)
		return err;
	if (specs != NULL && !opts->run->allow_exec &&
	    morph_assert_needs_exec(specs)) {
		cJSON_Delete(specs);
		return morph_error_fmt(MORPH_ERR_INVALID, "--assert: an exec "
		    "assertion runs a command: allow it with --allow-exec");
	}
	if ((err = morph_bisect_next(next, repo)) != NULL)
		goto done;
	while (testing(next)) {
		commit = next->commit;
		morph_bisect_next_release(next);
		memset(&t, 0, sizeof(t));
		morph_buf_clear(&why);
		if ((err = go_to(repo, &commit)) != NULL ||
		    (err = test_commit(&t, &why, repo, &commit, specs,
		    opts)) != NULL ||
		    (err = morph_bisect_mark(next, repo, &commit, 1, t.mark,
		    why.ptr)) != NULL)
			goto done;
		t.why = why.ptr;
		t.next = next;
		if (opts->tested != NULL)
			opts->tested(&t, opts->arg);
	}
done:
	morph_buf_release(&why);
	cJSON_Delete(specs);
	return err;
}

const struct morph_error *
morph_bisect_case_files(struct morph_repo *repo,
    const struct morph_oid *commit, const char *case_id,
    const struct morph_error *(*cb)(const char *path, void *), void *arg)
{
	const struct morph_suite_case *kase;
	const struct morph_error *err;
	struct morph_buf why = MORPH_BUF_INIT;
	struct morph_suite *suite;
	size_t i;

	err = load_case(&suite, &kase, &why, repo, commit, case_id);
	morph_buf_release(&why);
	if (err == NULL && kase != NULL) {
		err = cb("morph.json", arg);
		if (err == NULL && kase->file[0] != '\0')
			err = cb(kase->file, arg);
		for (i = 0; err == NULL && i < suite->nprompts; i++)
			if (morph_suite_case_applies(kase, &suite->prompts[i]))
				err = cb(suite->prompts[i].path, arg);
	}
	morph_suite_free(suite);
	return err;
}
