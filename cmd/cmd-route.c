/*
 * morph route: morph select's decision on the runs' evidence as a
 * router's configuration (export), and the plan for one prompt in words
 * (explain).  Both read the decision only through struct
 * morph_route_plan (morph/route.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "morph/compare.h"
#include "morph/route.h"
#include "morph/select.h"

struct route_args {
	struct morph_route_write_opts	 write;
	int				 format;	/* -1: not given */
	const char			*output;
	int				 json;		/* explain --json */
};

/* Parses the options export and explain share; argv[0] is the verb. */
static const struct morph_error *
options(struct morph_cmd_ctx *ctx, int argc, char *argv[],
    struct route_args *a, int export)
{
	static const struct option longopts[] = {
		{ "canary", required_argument, NULL, 'c' },
		{ "format", required_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'J' },
		{ "output", required_argument, NULL, 'o' },
		{ "user", required_argument, NULL, 'u' },
		{ NULL, 0, NULL, 0 }
	};
	const struct morph_error *err = NULL;
	int64_t pct;
	int c;

	while ((c = morph_cmd_getopt(ctx, argc, argv, "o:", longopts,
	    &err)) != -1) {
		if (!export && (c == 'f' || c == 'o' || c == 'u'))
			return morph_cmd_bad_usage(ctx, "explain takes "
			    "neither --format, -o nor --user");
		if (export && c == 'J')
			return morph_cmd_bad_usage(ctx, "export takes no "
			    "--json: --format says what it writes");
		switch (c) {
		case 'c':
			if ((err = morph_cmd_parse_int(ctx, "--canary",
			    optarg, 1, 99, &pct)) != NULL)
				return err;
			a->write.canary_pct = (int)pct;
			break;
		case 'f':
			if ((a->format = morph_route_format_from_name(
			    optarg)) < 0)
				return morph_cmd_bad_usage(ctx, "--format is "
				    "otari, otari-rank, litellm or openrouter, "
				    "not '%s'", optarg);
			break;
		case 'J':
			a->json = 1;
			break;
		case 'o':
			a->output = optarg;
			break;
		case 'u':
			a->write.user_id = optarg;
			break;
		default:
			return err;
		}
	}
	return NULL;
}

/*
 * The plan of morph select's decision on runs (none: the newest run of
 * HEAD), as morph select would print it.
 */
static const struct morph_error *
plan_of(struct morph_route_plan **out, struct morph_cmd_ctx *ctx, int nruns,
    char *runs[])
{
	const struct morph_compare_opts opts = MORPH_COMPARE_OPTS_INIT;
	const struct morph_error *err;
	struct morph_compare *cmp = NULL;
	struct morph_select *sel = NULL;

	err = morph_compare_new(&cmp, ctx->repo, (const char *const *)runs,
	    (size_t)nruns, &opts);
	if (err == NULL && (err = morph_select_new(&sel, cmp, NULL)) == NULL)
		err = morph_route_plan_select(out, ctx->repo, cmp, sel, 0);
	morph_select_free(sel);
	morph_compare_free(cmp);
	return err;
}

static const struct morph_error *
write_file(const char *path, const struct morph_buf *b)
{
	FILE *fp;

	if ((fp = fopen(path, "w")) == NULL)
		return morph_error_errno("route export: cannot write '%s'",
		    path);
	if (fwrite(b->ptr, 1, b->len, fp) != b->len || fflush(fp) != 0) {
		fclose(fp);
		return morph_error_errno("route export: cannot write '%s'",
		    path);
	}
	if (fclose(fp) != 0)
		return morph_error_errno("route export: cannot write '%s'",
		    path);
	return NULL;
}

static const struct morph_error *
export(struct morph_cmd_ctx *ctx, int argc, char *argv[])
{
	struct route_args a = { MORPH_ROUTE_WRITE_OPTS_INIT, -1, NULL, 0 };
	struct morph_buf out = MORPH_BUF_INIT;
	struct morph_route_plan *plan = NULL;
	const struct morph_error *err;

	if ((err = options(ctx, argc, argv, &a, 1)) != NULL)
		return err;
	if (a.format < 0)
		return morph_cmd_bad_usage(ctx, "export needs --format");
	if (a.format == MORPH_ROUTE_OTARI_RANK && a.write.user_id == NULL)
		return morph_cmd_bad_usage(ctx, "otari-rank needs --user: "
		    "Otari keeps what its learned router is taught per user");
	if ((err = plan_of(&plan, ctx, argc - optind, argv + optind)) != NULL)
		return err;
	if (!morph_route_plan_routes(plan)) {
		fprintf(stderr, "morph: route export: nothing to route: the "
		    "baseline has no results on any prompt of these runs "
		    "(morph route explain says why)\n");
		ctx->status = 1;
		morph_route_plan_free(plan);
		return NULL;
	}
	err = morph_route_write(&out, plan, (enum morph_route_format)a.format,
	    &a.write);
	if (err == NULL && a.output != NULL)
		err = write_file(a.output, &out);
	else if (err == NULL && out.len > 0 &&
	    fwrite(out.ptr, 1, out.len, stdout) != out.len)
		err = morph_error_errno("route export: cannot write");
	morph_buf_release(&out);
	morph_route_plan_free(plan);
	return err;
}

static const char *
percent(char *buf, size_t size, double v)
{
	if (v < 0)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%.0f%%", 100 * v);
	return buf;
}

static void
print_model(size_t rank, const struct morph_route_model *m, const char *share)
{
	char usd[32], rate[16], lo[16], hi[16], pass[128], price[96];

	if (m->n > 0)
		snprintf(pass, sizeof(pass), "%lld/%lld %s [%s, %s]",
		    (long long)m->k, (long long)m->n,
		    percent(rate, sizeof(rate), m->rate),
		    percent(lo, sizeof(lo), m->lo),
		    percent(hi, sizeof(hi), m->hi));
	else
		snprintf(pass, sizeof(pass), "-");
	if (m->priced && m->in_mtok >= 0 && m->out_mtok >= 0)
		snprintf(price, sizeof(price), "$%g/$%g per M in/out",
		    m->in_mtok, m->out_mtok);
	else
		snprintf(price, sizeof(price), "unpriced");
	if (rank > 0)
		printf("  %zu. ", rank);
	else
		printf("  - ");
	printf("%s:%s  %s", m->provider != NULL ? m->provider : "?",
	    m->model != NULL ? m->model : "?",
	    morph_route_verdict_name(m->verdict));
	if (share != NULL)
		printf("  %s", share);
	printf("\n       pass %s; %s a call; %s\n       %s\n", pass,
	    morph_usd(m->cost_nusd, usd, sizeof(usd)), price, m->reason);
}

static void
print_rule(const char *label, double v, int pct)
{
	if (v < 0)
		printf("%s -", label);
	else if (pct)
		printf("%s %g (%.0f%%)", label, v, 100 * v);
	else
		printf("%s %g", label, v);
}

/*
 * What share of the requests candidate j of p gets: its percentage, or
 * -1 for a model tried only on failure.
 */
static int
share_of(const struct morph_route_plan *plan,
    const struct morph_route_prompt *p, size_t j, int canary)
{
	size_t other = canary > 0 && p->ncandidates > 1 ?
	    morph_route_canary_other(plan, p) : 0;

	if (j == 0)
		return other > 0 ? canary : 100;
	if (j == other)
		return 100 - canary;
	return -1;
}

static void
json_model(struct morph_jsonw *w, const struct morph_route_model *m,
    int share, int candidate)
{
	morph_jsonw_object_begin(w);
	morph_jsonw_kv_string(w, "id", m->id);
	morph_jsonw_kv_string(w, "provider", m->provider);
	morph_jsonw_kv_string(w, "model", m->model);
	morph_jsonw_kv_string(w, "verdict",
	    morph_route_verdict_name(m->verdict));
	if (candidate) {
		morph_jsonw_key(w, "share_pct");
		if (share >= 0)
			morph_jsonw_int(w, share);
		else
			morph_jsonw_null(w);
	}
	morph_jsonw_kv_int(w, "n", m->n);
	morph_jsonw_kv_int(w, "k", m->k);
	morph_jsonw_kv_double_or_null(w, "rate", m->rate);
	morph_jsonw_kv_double_or_null(w, "lo", m->lo);
	morph_jsonw_kv_double_or_null(w, "hi", m->hi);
	morph_jsonw_kv_int_or_null(w, "cost_nusd", m->cost_nusd);
	morph_jsonw_kv_double_or_null(w, "input_mtok", m->priced ? m->in_mtok : -1);
	morph_jsonw_kv_double_or_null(w, "output_mtok", m->priced ? m->out_mtok : -1);
	morph_jsonw_kv_double_or_null(w, "cache_read_mtok", m->priced ? m->cache_read_mtok : -1);
	morph_jsonw_kv_double_or_null(w, "cache_write_mtok", m->priced ? m->cache_write_mtok :
	    -1);
	morph_jsonw_kv_string(w, "key_env", m->key_env);
	morph_jsonw_kv_string(w, "reason", m->reason);
	morph_jsonw_object_end(w);
}

static void
explain_json(const struct morph_route_plan *plan, size_t i, const char *name,
    int canary)
{
	const struct morph_route_prompt *p = &plan->prompts[i];
	struct morph_jsonw w;
	size_t j;

	morph_jsonw_init(&w, stdout);
	morph_jsonw_object_begin(&w);
	morph_jsonw_kv_string(&w, "prompt", p->path);
	morph_jsonw_kv_string(&w, "name", name);
	morph_jsonw_kv_string(&w, "commit", morph_oid_tostr(&plan->commit));
	morph_jsonw_key(&w, "runs");
	morph_jsonw_array_begin(&w);
	for (j = 0; j < plan->nruns; j++)
		morph_jsonw_string(&w, plan->runs[j]);
	morph_jsonw_array_end(&w);
	morph_jsonw_key(&w, "rule");
	morph_jsonw_object_begin(&w);
	morph_jsonw_kv_double_or_null(&w, "floor", plan->rule.floor);
	morph_jsonw_kv_double_or_null(&w, "margin", plan->rule.margin);
	morph_jsonw_kv_double_or_null(&w, "alpha", plan->rule.alpha);
	morph_jsonw_kv_string(&w, "baseline", plan->rule.baseline);
	morph_jsonw_object_end(&w);
	morph_jsonw_kv_string(&w, "baseline", p->baseline);
	morph_jsonw_kv_string(&w, "source", plan->source);
	morph_jsonw_key(&w, "candidates");
	morph_jsonw_array_begin(&w);
	for (j = 0; j < p->ncandidates; j++)
		json_model(&w, &p->candidates[j],
		    share_of(plan, p, j, canary), 1);
	morph_jsonw_array_end(&w);
	morph_jsonw_key(&w, "left_out");
	morph_jsonw_array_begin(&w);
	for (j = 0; j < p->nleft_out; j++)
		json_model(&w, &p->left_out[j], -1, 0);
	morph_jsonw_array_end(&w);
	morph_jsonw_object_end(&w);
	morph_jsonw_finish(&w);
}

static void
explain_prompt(const struct morph_route_plan *plan, size_t i,
    const char *name, int canary)
{
	const struct morph_route_prompt *p = &plan->prompts[i];
	char share[64];
	size_t j;
	int pct;

	printf("prompt %s, routed as %s\n", p->path, name);
	printf("commit %s, run", morph_cmd_short(&plan->commit));
	for (j = 0; j < plan->nruns; j++)
		printf("%s %s", j > 0 ? "," : "", plan->runs[j]);
	printf("\nrule: ");
	print_rule("floor", plan->rule.floor, 1);
	print_rule(", margin", plan->rule.margin, 0);
	print_rule(", alpha", plan->rule.alpha, 0);
	printf(", baseline %s\nsource: %s\n\n", p->baseline != NULL ?
	    p->baseline : "-", plan->source);
	if (p->ncandidates == 0)
		printf("no candidate: no model qualifies, so no router is "
		    "configured for this prompt\n");
	else
		printf("candidates, in routing order:\n");
	for (j = 0; j < p->ncandidates; j++) {
		pct = share_of(plan, p, j, canary);
		if (j == 0 && pct < 100)
			snprintf(share, sizeof(share), "share %d%% (canary)",
			    pct);
		else if (pct >= 0)
			snprintf(share, sizeof(share), "share %d%%", pct);
		else if (j < MORPH_ROUTE_OTARI_MAX)
			snprintf(share, sizeof(share), "on failure");
		else
			snprintf(share, sizeof(share), "on failure (not in "
			    "Otari's 5)");
		print_model(j + 1, &p->candidates[j], share);
	}
	if (p->nleft_out > 0)
		printf("left out:\n");
	for (j = 0; j < p->nleft_out; j++)
		print_model(0, &p->left_out[j], NULL);
}

static const struct morph_error *
explain(struct morph_cmd_ctx *ctx, int argc, char *argv[])
{
	struct route_args a = { MORPH_ROUTE_WRITE_OPTS_INIT, -1, NULL, 0 };
	struct morph_route_plan *plan = NULL;
	const struct morph_error *err;
	const char *prompt;
	char **names = NULL;
	size_t i;

	if ((err = options(ctx, argc, argv, &a, 0)) != NULL)
		return err;
	if (argc - optind < 1)
		return morph_cmd_bad_usage(ctx, "explain needs a prompt");
	prompt = argv[optind];
	if ((err = plan_of(&plan, ctx, argc - optind - 1,
	    argv + optind + 1)) != NULL)
		return err;
	if ((err = morph_route_names(&names, plan)) != NULL)
		goto done;
	/* A prompt is named by its path or by the name routers know. */
	for (i = 0; i < plan->nprompts; i++)
		if (strcmp(plan->prompts[i].path, prompt) == 0 ||
		    strcmp(names[i], prompt) == 0)
			break;
	if (i == plan->nprompts) {
		err = morph_error_fmt(MORPH_ERR_NOT_FOUND, "route explain: "
		    "the run has no results of prompt '%s'", prompt);
		goto done;
	}
	if (a.json)
		explain_json(plan, i, names[i], a.write.canary_pct);
	else
		explain_prompt(plan, i, names[i], a.write.canary_pct);
	if (plan->prompts[i].ncandidates == 0)
		ctx->status = 1;
done:
	morph_route_names_free(names, plan->nprompts);
	morph_route_plan_free(plan);
	return err;
}

static const struct morph_error *
cmd_route(struct morph_cmd_ctx *ctx, int argc, char *argv[])
{
	if (argc < 2)
		return morph_cmd_bad_usage(ctx, "give export or explain");
	if (strcmp(argv[1], "export") == 0)
		return export(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "explain") == 0)
		return explain(ctx, argc - 1, argv + 1);
	return morph_cmd_bad_usage(ctx, "unknown subcommand '%s': give "
	    "export or explain", argv[1]);
}

const struct morph_cmd morph_cmd_route = {
	"route",
	"route export --format format [--canary pct] [--user id] "
	    "[-o file] [run ...]\n"
	"       morph route explain [--json] [--canary pct] prompt [run ...]",
	"write a router's configuration from morph select's decision",
	MORPH_CMD_NEEDS_REPO | MORPH_CMD_READS,
	cmd_route,
};
