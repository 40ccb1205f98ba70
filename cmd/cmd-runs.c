/*
 * morph runs: list the runs of the repository or of one commit.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "morph/run.h"

struct listing {
	int			 json;
	struct morph_jsonw	*w;
	int			 any;
};

static const char *
when(int64_t ms, char *buf, size_t size)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (ms <= 0 || gmtime_r(&t, &tm) == NULL)
		snprintf(buf, size, "-");
	else
		strftime(buf, size, "%Y-%m-%d %H:%M:%SZ", &tm);
	return buf;
}

static void
json_run(struct morph_jsonw *w, const struct morph_run_info *ri)
{
	morph_jsonw_object_begin(w);
	morph_jsonw_kv_int(w, "run", ri->num);
	morph_jsonw_kv_string(w, "id", ri->is_sealed ?
	    morph_oid_tostr(&ri->sealed) : NULL);
	morph_jsonw_kv_string(w, "commit", morph_oid_tostr(&ri->commit));
	morph_jsonw_kv_string(w, "tree", ri->worktree ?
	    morph_oid_tostr(&ri->tree) : NULL);
	morph_jsonw_kv_string(w, "state", ri->state);
	morph_jsonw_kv_int(w, "started_ms", ri->started_ms);
	morph_jsonw_key(w, "ended_ms");
	if (ri->ended_ms > 0)
		morph_jsonw_int(w, ri->ended_ms);
	else
		morph_jsonw_null(w);
	morph_jsonw_kv_int(w, "results", ri->results);
	morph_jsonw_kv_int(w, "total", ri->total);
	morph_jsonw_kv_int(w, "errors", ri->errors);
	morph_jsonw_kv_int(w, "asserted", ri->asserted);
	morph_jsonw_kv_int(w, "passed", ri->passed);
	morph_jsonw_kv_int(w, "tokens_in", ri->tokens_in);
	morph_jsonw_kv_int(w, "tokens_out", ri->tokens_out);
	morph_usd_total_json(w, "cost_nusd", ri->cost_nusd, ri->unpriced);
	morph_jsonw_kv_int(w, "unpriced", ri->unpriced);
	morph_jsonw_object_end(w);
}

static const struct morph_error *
one(const struct morph_run_info *ri, void *arg)
{
	struct listing *l = arg;
	char started[32], usd[32], pass[32], commit[32];

	if (l->json) {
		json_run(l->w, ri);
		return NULL;
	}
	if (!l->any++)
		printf("%-5s %-12s %-15s %-20s %-11s %9s %6s %9s %12s\n",
		    "run", "id", "commit", "started", "state", "results",
		    "errors", "pass", "cost");
	/* A run of the work tree on top of its commit: "+wt". */
	snprintf(commit, sizeof(commit), "%s%s", morph_cmd_short(&ri->commit),
	    ri->worktree ? "+wt" : "");
	if (ri->asserted)
		snprintf(pass, sizeof(pass), "%lld/%lld",
		    (long long)ri->passed, (long long)ri->asserted);
	else
		snprintf(pass, sizeof(pass), "-");
	printf("#%-4lld %-12s %-15s %-20s %-11s %4lld/%-4lld %6lld %9s %12s\n",
	    (long long)ri->num, ri->is_sealed ? morph_cmd_short(&ri->sealed) :
	    "-", commit, when(ri->started_ms, started,
	    sizeof(started)), ri->state, (long long)ri->results,
	    (long long)ri->total, (long long)ri->errors, pass,
	    morph_usd_total(usd, sizeof(usd), ri->cost_nusd, ri->unpriced));
	return NULL;
}

static const struct morph_error *
cmd_runs(struct morph_cmd_ctx *ctx, int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ NULL, 0, NULL, 0 }
	};
	const struct morph_error *err = NULL;
	struct morph_oid commit;
	struct morph_jsonw w;
	struct listing l = { 0, &w, 0 };
	int c, have = 0;

	while ((c = morph_cmd_getopt(ctx, argc, argv, "", longopts,
	    &err)) != -1) {
		if (c != 'J')
			return err;
		l.json = 1;
	}
	if (argc - optind > 1)
		return morph_cmd_bad_usage(ctx, "too many revisions");
	if (argc - optind == 1) {
		if ((err = morph_revparse_type(&commit, ctx->repo,
		    argv[optind], MORPH_OBJ_COMMIT)) != NULL)
			return err;
		have = 1;
	}
	if (l.json) {
		morph_jsonw_init(&w, stdout);
		morph_jsonw_array_begin(&w);
	}
	err = morph_runs_foreach(ctx->repo, have ? &commit : NULL, one, &l);
	if (l.json) {
		morph_jsonw_array_end(&w);
		morph_jsonw_finish(&w);
	} else if (err == NULL && !l.any)
		printf("no runs%s%s; start one with morph run\n",
		    have ? " of " : "", have ? argv[optind] : "");
	return err;
}

const struct morph_cmd morph_cmd_runs = {
	"runs",
	"runs [--json] [revision]",
	"list the runs of the repository or of a commit",
	MORPH_CMD_NEEDS_REPO | MORPH_CMD_READS,
	cmd_runs,
};
