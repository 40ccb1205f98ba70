/*
 * morph run: replay a commit's suite against models and record every
 * output with its tokens, latency and cost.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "morph/run.h"

static void
print_plan(struct morph_plan *plan, int json)
{
	const struct morph_plan_item *it;
	struct morph_jsonw w;
	int64_t cost = 0, in = 0, out = 0;
	size_t i, cached = 0, unpriced = 0;
	char usd[32];

	if (json) {
		morph_jsonw_init(&w, stdout);
		morph_jsonw_object_begin(&w);
		morph_jsonw_key(&w, "calls");
		morph_jsonw_array_begin(&w);
	} else
		printf("%-24s %-16s %-16s %6s %6s %9s %9s %12s\n", "prompt",
		    "case", "model", "sample", "cached", "est.in", "max.out",
		    "est.cost");
	for (i = 0; i < morph_plan_count(plan); i++) {
		it = morph_plan_item(plan, i);
		cached += it->cached;
		if (!it->cached) {
			in += it->est_tokens_in;
			out += it->est_tokens_out;
			if (it->est_cost_nusd < 0)
				unpriced++;
			else
				cost += it->est_cost_nusd;
		}
		if (json) {
			morph_jsonw_object_begin(&w);
			morph_jsonw_kv_string(&w, "prompt", it->prompt);
			morph_jsonw_kv_string(&w, "case", it->case_id);
			morph_jsonw_kv_string(&w, "model", it->model);
			morph_jsonw_kv_string(&w, "spec", it->spec);
			morph_jsonw_kv_int(&w, "sample", it->sample);
			morph_jsonw_kv_string(&w, "call",
			    morph_oid_tostr(&it->call));
			morph_jsonw_kv_bool(&w, "cached", it->cached);
			morph_jsonw_kv_int(&w, "est_tokens_in",
			    it->est_tokens_in);
			morph_jsonw_kv_int(&w, "est_tokens_out",
			    it->est_tokens_out);
			morph_jsonw_key(&w, "est_cost_nusd");
			if (it->est_cost_nusd < 0)
				morph_jsonw_null(&w);
			else
				morph_jsonw_int(&w, it->est_cost_nusd);
			morph_jsonw_object_end(&w);
		} else
			printf("%-24s %-16s %-16s %6d %6s %9lld %9lld %12s\n",
			    it->prompt, it->case_id, it->model, it->sample,
			    it->cached ? "yes" : "no",
			    (long long)it->est_tokens_in,
			    (long long)it->est_tokens_out,
			    morph_usd(it->est_cost_nusd, usd, sizeof(usd)));
	}
	if (json) {
		morph_jsonw_array_end(&w);
		morph_jsonw_kv_int(&w, "total", (int64_t)morph_plan_count(plan));
		morph_jsonw_kv_int(&w, "cached", (int64_t)cached);
		morph_jsonw_kv_int(&w, "to_send",
		    (int64_t)(morph_plan_count(plan) - cached));
		morph_usd_total_json(&w, "est_cost_nusd", cost,
		    (int64_t)unpriced);
		morph_jsonw_kv_int(&w, "unpriced", (int64_t)unpriced);
		morph_jsonw_object_end(&w);
		morph_jsonw_finish(&w);
		return;
	}
	printf("\n%zu calls: %zu cached, %zu to send (about %lld tokens in, "
	    "at most %lld out); estimated cost %s%s%s\n",
	    morph_plan_count(plan), cached, morph_plan_count(plan) - cached,
	    (long long)in, (long long)out, unpriced && cost == 0 ? "" :
	    "at most ", unpriced && cost == 0 ? "unpriced" : morph_usd(cost,
	    usd, sizeof(usd)), unpriced && cost > 0 ? " plus unpriced calls" :
	    "");
	if (unpriced)
		printf("%zu calls are unpriced: their models have no row in "
		    "the price table\n", unpriced);
}

/* The suite files that differ from HEAD, for a note (MAX_SHOWN named). */
#define MAX_SHOWN	5
struct changed {
	size_t			n;
	struct morph_buf	list;
};

static const struct morph_error *
note_change(const char *path, void *arg)
{
	struct changed *c = arg;

	if (c->n++ < MAX_SHOWN)
		morph_buf_printf(&c->list, "%s%s", c->n > 1 ? ", " : "", path);
	return NULL;
}

/* --shard K/N: 1 <= K <= N <= 1000, each number as morph_num_int reads. */
static const struct morph_error *
parse_shard(struct morph_cmd_ctx *ctx, const char *s, int *k, int *n)
{
	const char *slash = strchr(s, '/');
	char kpart[32];
	int64_t a, b;

	if (slash == NULL || (size_t)(slash - s) >= sizeof(kpart))
		goto bad;
	memcpy(kpart, s, (size_t)(slash - s));
	kpart[slash - s] = '\0';
	if (morph_num_int(&a, "--shard", kpart, 1, 1000) != NULL ||
	    morph_num_int(&b, "--shard", slash + 1, 1, 1000) != NULL ||
	    a > b)
		goto bad;
	*k = (int)a;
	*n = (int)b;
	return NULL;
bad:
	return morph_cmd_bad_usage(ctx, "--shard needs K/N, such as 1/4, "
	    "with 1 <= K <= N <= 1000, not '%s'", s);
}

static const struct morph_error *
cmd_run(struct morph_cmd_ctx *ctx, int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "allow-exec", no_argument, NULL, 'X' },
		{ "budget", required_argument, NULL, 'B' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "json", no_argument, NULL, 'J' },
		{ "model", required_argument, NULL, 'm' },
		{ "no-cache", no_argument, NULL, 'C' },
		{ "offline", no_argument, NULL, 'O' },
		{ "provider-jobs", required_argument, NULL, 'P' },
		{ "rate-wait", required_argument, NULL, 'w' },
		{ "repeat", required_argument, NULL, 'r' },
		{ "retries", required_argument, NULL, 'R' },
		{ "shard", required_argument, NULL, 'S' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "worktree", no_argument, NULL, 'W' },
		{ NULL, 0, NULL, 0 }
	};
	struct morph_run_opts opts = MORPH_RUN_OPTS_INIT;
	struct morph_run_outcome outcome;
	const struct morph_error *err = NULL;
	struct morph_plan *plan = NULL;
	struct morph_oid commit, tree;
	struct morph_jsonw w;
	struct morph_cmd_bar bar = { 0, 0, 0 };
	const char **models = NULL;
	const char *rev = MORPH_HEAD;
	char usd[32];
	double budget;
	int64_t n;
	int c, json = 0, dry = 0, nmodels = 0, worktree = 0;
	int shard_k = 0, shard_n = 0;
	struct changed changed = { 0, MORPH_BUF_INIT };

	if ((models = calloc((size_t)argc + 1, sizeof(*models))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	while ((c = morph_cmd_getopt(ctx, argc, argv, "j:m:n", longopts,
	    &err)) != -1) {
		switch (c) {
		case 'X':
			opts.allow_exec = 1;
			break;
		case 'B':
			if ((err = morph_cmd_parse_real(ctx, "--budget",
			    optarg, 0, 1e6, 0, &budget)) != NULL)
				goto done;
			opts.budget_nusd = (int64_t)(budget * 1e9 + 0.5);
			break;
		case 'n':
			dry = 1;
			break;
		case 'j':
			if ((err = morph_cmd_parse_int(ctx, "-j", optarg, 1,
			    1000, &n)) != NULL)
				goto done;
			opts.jobs = (int)n;
			break;
		case 'P':
			if ((err = morph_cmd_parse_int(ctx, "--provider-jobs",
			    optarg, 1, 1000, &n)) != NULL)
				goto done;
			opts.provider_jobs = (int)n;
			break;
		case 'r':
			if ((err = morph_cmd_parse_int(ctx, "--repeat", optarg,
			    1, 10000, &n)) != NULL)
				goto done;
			opts.repeat = (int)n;
			break;
		case 'R':
			if ((err = morph_cmd_parse_int(ctx, "--retries", optarg,
			    0, 100, &n)) != NULL)
				goto done;
			opts.retries = (int)n;
			break;
		case 'T':
			if ((err = morph_cmd_parse_int(ctx, "--timeout", optarg,
			    1, 86400, &n)) != NULL)
				goto done;
			opts.timeout_ms = (long)n * 1000;
			break;
		case 'w':
			if ((err = morph_cmd_parse_int(ctx, "--rate-wait",
			    optarg, 1, 86400, &n)) != NULL)
				goto done;
			opts.rate_wait_ms = n * 1000;
			break;
		case 'J':
			json = 1;
			break;
		case 'm':
			models[nmodels++] = optarg;
			break;
		case 'C':
			opts.no_cache = 1;
			break;
		case 'O':
			opts.offline = 1;
			break;
		case 'W':
			worktree = 1;
			break;
		case 'S':
			if ((err = parse_shard(ctx, optarg, &shard_k,
			    &shard_n)) != NULL)
				goto done;
			break;
		default:
			goto done;
		}
	}
	if (argc - optind > 1) {
		err = morph_cmd_bad_usage(ctx, "too many revisions");
		goto done;
	}
	if (argc - optind == 1)
		rev = argv[optind];
	if (worktree && argc - optind == 1) {
		err = morph_cmd_bad_usage(ctx, "--worktree runs the work tree "
		    "on top of HEAD: it takes no revision");
		goto done;
	}
	if (opts.offline && opts.no_cache) {
		err = morph_cmd_bad_usage(ctx, "--offline and --no-cache "
		    "exclude each other");
		goto done;
	}
	opts.models = models;
	opts.nmodels = (size_t)nmodels;
	if ((err = morph_cmd_exec_allowed(&opts.allow_exec, ctx->repo,
	    opts.allow_exec)) != NULL)
		goto done;
	/* Ctrl-C and SIGTERM are ours until morph exits (cmd/runsig.c). */
	morph_cmd_signals_begin();
	opts.plan_only = dry;
	if (worktree) {
		if ((err = morph_plan_new_worktree(&plan, &tree, ctx->repo,
		    &opts)) != NULL ||
		    (err = morph_revparse_type(&commit, ctx->repo, MORPH_HEAD,
		    MORPH_OBJ_COMMIT)) != NULL)
			goto done;
	} else {
		if ((err = morph_revparse_type(&commit, ctx->repo, rev,
		    MORPH_OBJ_COMMIT)) != NULL)
			goto done;
		/* Run as committed: say so when the work tree differs. */
		if (argc == optind && (err = morph_run_worktree_changes(
		    ctx->repo, &commit, note_change, &changed)) != NULL)
			goto done;
		if (changed.n > 0)
			fprintf(stderr, "morph: the work tree's suite differs "
			    "from HEAD (%s%s); this runs HEAD as committed: "
			    "commit the changes, or run them as they are with "
			    "morph run --worktree\n",
			    morph_buf_cstr(&changed.list),
			    changed.n > MAX_SHOWN ? ", ..." : "");
		if ((err = morph_plan_new(&plan, ctx->repo, &commit,
		    &opts)) != NULL)
			goto done;
	}
	if (shard_n > 0 && (err = morph_plan_shard(plan, shard_k,
	    shard_n)) != NULL)
		goto done;
	if (dry) {
		print_plan(plan, json);
		goto done;
	}

	/* Ctrl-C stops sending; what was answered is kept. */
	morph_cmd_signals_sending(&opts);
	bar.on = !json && isatty(STDERR_FILENO);
	opts.progress = morph_cmd_progress;
	opts.progress_arg = &bar;
	err = morph_run_execute(&outcome, plan, ctx->repo, &opts);
	morph_cmd_signals_end();
	if (bar.drawn)
		fputs("\r\033[K", stderr);
	if (err != NULL)
		goto done;

	if (json) {
		morph_jsonw_init(&w, stdout);
		morph_jsonw_object_begin(&w);
		morph_jsonw_kv_int(&w, "run", outcome.num);
		morph_jsonw_kv_string(&w, "id", outcome.is_sealed ?
		    morph_oid_tostr(&outcome.sealed) : NULL);
		morph_jsonw_kv_string(&w, "commit", morph_oid_tostr(&commit));
		morph_jsonw_kv_string(&w, "tree", worktree ?
		    morph_oid_tostr(&tree) : NULL);
		morph_jsonw_kv_bool(&w, "resumed", outcome.resumed);
		morph_jsonw_kv_int(&w, "calls", (int64_t)morph_plan_count(plan));
		morph_jsonw_kv_int(&w, "recorded", (int64_t)outcome.recorded);
		morph_jsonw_kv_int(&w, "cached", (int64_t)outcome.cached);
		morph_jsonw_kv_int(&w, "errors", (int64_t)outcome.errors);
		morph_jsonw_kv_bool(&w, "budget_stop", outcome.budget_stop);
		morph_jsonw_kv_int(&w, "not_sent", (int64_t)outcome.not_sent);
		morph_jsonw_key(&w, "judge");
		morph_jsonw_object_begin(&w);
		morph_jsonw_kv_int(&w, "calls", (int64_t)outcome.judge_calls);
		morph_jsonw_kv_int(&w, "cached", (int64_t)outcome.judge_cached);
		morph_jsonw_kv_int(&w, "errors", (int64_t)outcome.judge_errors);
		morph_usd_total_json(&w, "cost_nusd", outcome.judge_cost_nusd,
		    (int64_t)outcome.judge_unpriced);
		morph_jsonw_kv_int(&w, "unpriced",
		    (int64_t)outcome.judge_unpriced);
		morph_jsonw_object_end(&w);
		morph_jsonw_key(&w, "rate");
		morph_jsonw_object_begin(&w);
		morph_jsonw_kv_int(&w, "requests", (int64_t)outcome.requests);
		morph_jsonw_kv_int(&w, "refused",
		    (int64_t)outcome.rate_refused);
		morph_jsonw_kv_int(&w, "wait_ms", outcome.rate_wait_ms);
		morph_jsonw_object_end(&w);
		morph_jsonw_key(&w, "models");
		morph_jsonw_array_begin(&w);
	} else {
		printf("run #%lld of %s", (long long)outcome.num,
		    morph_cmd_short(&commit));
		if (worktree)
			printf(" with the work tree %s", morph_cmd_short(&tree));
		if (outcome.is_sealed)
			printf(", sealed as %s",
			    morph_oid_tostr(&outcome.sealed));
		printf("%s\n", outcome.resumed ? " (resumed)" : "");
		printf("%zu results recorded: %zu from the cache, %zu from calls "
		    "made now\n",
		    outcome.recorded, outcome.cached,
		    outcome.recorded - outcome.cached);
	}
	err = morph_cmd_print_models(ctx->repo, outcome.num, json ? &w : NULL);
	if (json) {
		morph_jsonw_array_end(&w);
		morph_jsonw_object_end(&w);
		morph_jsonw_finish(&w);
	}
	if (err != NULL)
		goto done;
	if (!json && outcome.judge_calls + outcome.judge_cached > 0) {
		printf("judges: %zu calls sent, %zu failed, %zu from the "
		    "cache; ", outcome.judge_calls, outcome.judge_errors,
		    outcome.judge_cached);
		if (outcome.judge_unpriced == 0)
			printf("cost %s\n", morph_usd(outcome.judge_cost_nusd,
			    usd, sizeof(usd)));
		else if (outcome.judge_cost_nusd == 0)
			printf("unpriced\n");
		else
			printf("cost %s plus unpriced calls\n",
			    morph_usd(outcome.judge_cost_nusd, usd,
			    sizeof(usd)));
	}
	if (!json && (outcome.rate_refused > 0 || outcome.rate_wait_ms >= 1000))
		printf("rate limits: %zu of %zu requests refused for rate; "
		    "calls waited %.1f s for limits\n",
		    outcome.rate_refused, outcome.requests,
		    (double)outcome.rate_wait_ms / 1000);
	if (outcome.budget_stop) {
		fprintf(stderr, "morph: the budget of %s stopped the run: %zu "
		    "calls were not sent; run again with a larger --budget "
		    "to complete run #%lld\n", morph_usd(opts.budget_nusd, usd,
		    sizeof(usd)), outcome.not_sent, (long long)outcome.num);
		ctx->status = 1;
	}
	if (outcome.errors > 0) {
		fprintf(stderr, "morph: %zu calls failed; their errors are "
		    "recorded (morph show %s)\n", outcome.errors,
		    outcome.is_sealed ? morph_cmd_short(&outcome.sealed) : "");
		ctx->status = 1;
	}
done:
	morph_plan_free(plan);
	morph_buf_release(&changed.list);
	free(models);
	return err;
}

const struct morph_cmd morph_cmd_run = {
	"run",
	"run [--allow-exec] [--dry-run] [--json] [--no-cache | --offline] "
	    "[--budget usd] "
	    "[-j jobs] [--provider-jobs jobs] [--rate-wait seconds] "
	    "[--repeat count] [--retries count] [--shard k/n] "
	    "[--timeout seconds] "
	    "[-m model ...] [--worktree | revision]",
	"replay a commit's suite against models",
	MORPH_CMD_NEEDS_REPO,
	cmd_run,
};
