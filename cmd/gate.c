/*
 * The behaviour gate as morph merge --gate and the commit that ends a gated
 * merge print it: the bar before the merged suite runs (which cases and
 * rates the merge must hold), then the verdict, on stdout; progress bars
 * on stderr.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "morph/gate.h"
#include "morph/merge.h"

static const char *const side_names[] = { "ours", "theirs", "the merge" };

/* "100% (6/6)", in a static buffer (one of two). */
static const char *
rate_str(int64_t k, int64_t n)
{
	static char buf[2][48];
	static int which;
	char *b = buf[which ^= 1];

	if (n == 0)
		snprintf(b, sizeof(buf[0]), "-");
	else
		snprintf(b, sizeof(buf[0]), "%.0f%% (%lld/%lld)",
		    100.0 * (double)k / (double)n, (long long)k, (long long)n);
	return b;
}

static void
print_run(const char *what, const char *name,
    const struct morph_gate_run_info *ri)
{
	printf("  %-9s %-16s run #%lld: %zu calls, %zu from the cache, %zu "
	    "sent%s\n", what, name, (long long)ri->num, ri->calls, ri->cached,
	    ri->sent, ri->errors ? ", some failed" : "");
}

/* Where a case passes: "ours", "theirs" or both, with counts on repeat. */
static void
print_where(const struct morph_gate_case *c, int repeat)
{
	int side, any = 0;

	for (side = 0; side < 2; side++) {
		if (c->k[side] == 0)
			continue;
		printf("%s%s", any++ ? ", " : "", side_names[side]);
		if (repeat > 1)
			printf(" %d/%d", c->k[side], c->n[side]);
	}
}

static void
print_bar(const struct morph_gate *g, const char *ours, const char *label,
    int repeat, double alpha)
{
	const struct morph_gate_case *c;
	const struct morph_gate_rate *r;
	size_t i;

	printf("Gate: the merge of '%s' must keep what each side passes.\n",
	    label);
	print_run("ours", ours, morph_gate_run_info(g, MORPH_GATE_OURS));
	print_run("theirs", label, morph_gate_run_info(g, MORPH_GATE_THEIRS));
	if (morph_gate_ncases(g) == 0)
		printf("No case passes on either side: no case to hold.\n");
	else
		printf("The merge must pass these %zu cases (prompt, case, "
		    "model: where each passes):\n", morph_gate_ncases(g));
	for (i = 0; i < morph_gate_ncases(g); i++) {
		c = morph_gate_case(g, i);
		printf("  %-24s %-16s %-20s ", c->prompt, c->case_id,
		    c->model);
		print_where(c, repeat);
		putchar('\n');
	}
	if (morph_gate_nrates(g) > 0)
		printf("and each model's pass rate on the results it shares "
		    "with a side:\n");
	for (i = 0; i < morph_gate_nrates(g); i++) {
		r = morph_gate_rate(g, i);
		printf("  %-20s ours %-14s theirs %s\n", r->model,
		    rate_str(r->k[0], r->n[0]), rate_str(r->k[1], r->n[1]));
	}
	if (repeat > 1)
		printf("With %d samples a call, a case or a rate fails only "
		    "when it falls significantly\n(exact McNemar test, p < "
		    "%g).\n", repeat, alpha);
	fflush(stdout);
}

static void
print_reasons(const char *reasons)
{
	const char *p = reasons, *nl;

	while (p != NULL && *p != '\0') {
		nl = strchr(p, '\n');
		printf("      %.*s\n", (int)(nl ? nl - p : (long)strlen(p)), p);
		p = nl ? nl + 1 : NULL;
	}
}

static void
print_verdict(const struct morph_gate *g)
{
	const struct morph_gate_failure *f;
	const struct morph_gate_case *c;
	size_t i;

	print_run("merged", "union", morph_gate_run_info(g,
	    MORPH_GATE_MERGED));
	for (i = 0; i < morph_gate_ndropped(g); i++) {
		c = morph_gate_dropped(g, i);
		printf("note: %s case %s model %s passes on a side but is not "
		    "run on the merge (its prompt is gone)\n", c->prompt,
		    c->case_id, c->model);
	}
	if (morph_gate_passed(g)) {
		printf("Gate passed: the merge keeps every case and pass rate "
		    "of both sides.\n");
		return;
	}
	printf("Gate refused the merge: it breaks what a side relies on.\n");
	for (i = 0; i < morph_gate_nfailures(g); i++) {
		f = morph_gate_failure(g, i);
		if (f->kind == MORPH_GATE_CASE_FAILS) {
			printf("  %s case %s model %s: passes on %s, fails "
			    "on the merge", f->prompt, f->case_id, f->model,
			    side_names[f->side]);
			if (f->n[0] > 1 || f->n[1] > 1)
				printf(" (%lld/%lld against %lld/%lld, p = "
				    "%.3g)", (long long)f->k[1],
				    (long long)f->n[1], (long long)f->k[0],
				    (long long)f->n[0], f->p_value);
			printf("\n");
			print_reasons(f->reasons);
		} else {
			printf("  model %s: pass rate falls from %s on %s to "
			    "%s on the merge", f->model, rate_str(f->k[0],
			    f->n[0]), side_names[f->side], rate_str(f->k[1],
			    f->n[1]));
			if (f->p_value >= 0)
				printf(" (p = %.3g)", f->p_value);
			printf("\n");
		}
	}
}

const struct morph_error *
morph_cmd_gate(struct morph_cmd_ctx *ctx, const struct morph_oid *ours,
    const struct morph_oid *theirs, const struct morph_oid *tree,
    const char *label, const struct morph_cmd_gate_opts *o, int *passed)
{
	struct morph_run_opts run = MORPH_RUN_OPTS_INIT;
	struct morph_gate_opts opts = MORPH_GATE_OPTS_INIT;
	struct morph_cmd_bar bar = { 0, 0, 0 };
	struct morph_buf branch = MORPH_BUF_INIT;
	const struct morph_error *err;
	struct morph_gate *g = NULL;
	struct sigaction sa, old_pipe;
	const char *ours_name;
	int side;

	*passed = 0;
	ours_name = morph_head_branch(&branch, ctx->repo) == NULL ?
	    branch.ptr + strlen(MORPH_REFS_HEADS) : "HEAD";
	run.allow_exec = o->allow_exec;
	if (o->jobs > 0)
		run.jobs = o->jobs;
	bar.on = isatty(STDERR_FILENO);
	run.progress = morph_cmd_progress;
	run.progress_arg = &bar;
	opts.repeat = o->repeat;
	opts.significance = o->significance;
	opts.run = &run;
	/* A server closing a socket must not kill the gate (libcurl). */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGPIPE, &sa, &old_pipe);
	if ((err = morph_gate_new(&g, ctx->repo, ours, theirs, tree,
	    &opts)) != NULL)
		goto done;
	for (side = MORPH_GATE_OURS; side <= MORPH_GATE_MERGED; side++) {
		err = morph_gate_run(g, side);
		if (bar.drawn)
			fputs("\r\033[K", stderr);
		bar.drawn = 0;
		if (err != NULL)
			goto done;
		if (side == MORPH_GATE_THEIRS)
			print_bar(g, ours_name, label, o->repeat,
			    o->significance);
	}
	print_verdict(g);
	*passed = morph_gate_passed(g);
done:
	sigaction(SIGPIPE, &old_pipe, NULL);
	morph_gate_free(g);
	morph_buf_release(&branch);
	return err;
}

const struct morph_error *
morph_cmd_gate_in_progress(struct morph_cmd_ctx *ctx,
    const struct morph_merge_state *ms, const struct morph_cmd_gate_opts *o,
    int *passed)
{
	struct morph_cmd_gate_opts go = *o;
	const struct morph_error *err;
	struct morph_index *idx = NULL;
	struct morph_oid tree;

	*passed = 0;
	morph_merge_state_gate(ms, &go.repeat, &go.significance);
	/* The staged snapshot is what will be committed: gate that. */
	if ((err = morph_repo_begin(ctx->repo)) != NULL)
		return err;
	if ((err = morph_index_open(&idx, ctx->repo)) == NULL)
		err = morph_index_write_tree(&tree, idx, ctx->repo);
	morph_index_free(idx);
	if (err != NULL) {
		morph_repo_rollback(ctx->repo);
		return err;
	}
	if ((err = morph_repo_commit(ctx->repo)) != NULL)
		return err;
	return morph_cmd_gate(ctx, morph_merge_state_ours(ms),
	    morph_merge_state_theirs(ms), &tree,
	    morph_merge_state_label(ms), &go, passed);
}

const struct morph_error *
morph_cmd_gate_before_commit(struct morph_cmd_ctx *ctx,
    const struct morph_cmd_gate_opts *o, int *merging, int *passed)
{
	const struct morph_error *err;
	struct morph_merge_state *ms = NULL;

	*passed = 0;
	if ((err = morph_merge_state_read(&ms, merging, ctx->repo)) != NULL ||
	    !*merging)
		return err;
	/*
	 * An unresolved conflict or an interrupted merge: the commit
	 * refuses and says why, with nothing sent.
	 */
	if (morph_merge_state_gate(ms, NULL, NULL) &&
	    !morph_merge_state_interrupted(ms) &&
	    morph_merge_state_unresolved(ms) == 0) {
		err = morph_cmd_gate_in_progress(ctx, ms, o, passed);
		if (err == NULL && !*passed) {
			ctx->status = 1;
			fflush(stdout);
			fprintf(stderr, "morph: the merge of '%s' was not "
			    "committed: it is still in progress; change it "
			    "and commit again, or undo it (morph merge "
			    "--abort)\n", morph_merge_state_label(ms));
		}
	}
	morph_merge_state_free(ms);
	return err;
}
