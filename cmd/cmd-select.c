/*
 * morph select: per prompt, the cheapest model that meets the floor and
 * is not worse than the baseline by more than the margin, by the rule
 * of morph.json (include/morph/select.h); --check makes it a CI gate.
 */
#include <math.h>
#include <stdio.h>

#include "cmd.h"
#include "morph/compare.h"
#include "morph/select.h"

static const char *const verdicts[] = { "RECOMMEND", "KEEP",
    "INCONCLUSIVE" };
static const char *const floors[] = { "meets", "fails", "unsure" };

static const char *
per1000(char *buf, size_t size, const struct morph_compare_row *r)
{
	if (r == NULL || r->cost_per_call < 0)
		return morph_usd(-1, buf, size);
	return morph_usd((int64_t)llround(r->cost_per_call * 1000), buf,
	    size);
}

/* "passed/asserted", right-aligned so that the columns after line up. */
static const char *
pass_column(char *buf, size_t size, const struct morph_compare_row *r)
{
	char s[48];

	snprintf(s, sizeof(s), "%lld/%lld", (long long)r->passed,
	    (long long)r->asserted);
	snprintf(buf, size, "%9s", s);
	return buf;
}

static void
text_candidate(const struct morph_select_candidate *x,
    const struct morph_select_rule *rule)
{
	char pass[64];

	printf("  %-20s %s  floor %s (%.1f%% to %.1f%%)  "
	    "%s %+.1f%% over %d cases, %s %.2f, p %.4f: %s\n", x->row->model,
	    pass_column(pass, sizeof(pass), x->row), floors[x->floor], 100 * x->floor_lo, 100 * x->floor_hi,
	    "difference", 100 * x->diff, x->paired,
	    x->repeated ? "t" : "Z", x->stat, x->p_value,
	    x->qualifies ? "qualifies" : x->floor ==
	    MORPH_SELECT_FLOOR_FAILS ? "below the floor" : x->inferior ?
	    "worse than the margin" : x->floor != MORPH_SELECT_FLOOR_MEETS ?
	    "floor not shown" : x->noninferior ? "qualifies" :
	    "not shown non-inferior");
	(void)rule;
}

static void
text_prompt(const struct morph_select_prompt *sp,
    const struct morph_select_rule *rule, const struct morph_compare *cmp)
{
	const char *current;
	char a[32], b[32], pass[64];
	size_t i;

	printf("%s: %s", sp->prompt != NULL ? sp->prompt : "(all prompts)",
	    verdicts[sp->verdict]);
	if (sp->baseline == NULL) {
		current = morph_compare_current_for(cmp, sp->prompt);
		printf(": the baseline%s%s has no results here\n",
		    current != NULL ? " " : "", current != NULL ? current : "");
		return;
	}
	if (sp->verdict == MORPH_SELECT_RECOMMEND)
		printf(" %s instead of %s: %s instead of %s per 1,000 calls",
		    sp->chosen->model, sp->baseline->model,
		    per1000(a, sizeof(a), sp->chosen),
		    per1000(b, sizeof(b), sp->baseline));
	else
		printf(" %s", sp->baseline->model);
	if (sp->verdict == MORPH_SELECT_INCONCLUSIVE) {
		if (sp->cases_needed > 0)
			printf(": about %lld cases would settle it",
			    (long long)sp->cases_needed);
		else
			printf(": no number of cases would settle it at "
			    "these rates");
	}
	printf("\n  %-20s %s  floor %s (%.1f%% to %.1f%%)  baseline\n",
	    sp->baseline->model, pass_column(pass, sizeof(pass),
	    sp->baseline), floors[sp->baseline_floor],
	    100 * sp->floor_lo, 100 * sp->floor_hi);
	for (i = 0; i < sp->ntested; i++)
		text_candidate(&sp->tested[i], rule);
}

static void
json_report(const struct morph_select *sel, const struct morph_compare *cmp)
{
	const struct morph_select_rule *rule = morph_select_get_rule(sel);
	const struct morph_select_prompt *sp;
	const struct morph_select_candidate *x;
	struct morph_jsonw w;
	size_t i, j;

	morph_jsonw_init(&w, stdout);
	morph_jsonw_object_begin(&w);
	morph_jsonw_key(&w, "rule");
	morph_jsonw_object_begin(&w);
	morph_jsonw_key(&w, "floor");
	morph_jsonw_double(&w, rule->floor);
	morph_jsonw_key(&w, "margin");
	morph_jsonw_double(&w, rule->margin);
	morph_jsonw_key(&w, "alpha");
	morph_jsonw_double(&w, rule->alpha);
	morph_cmd_json_baseline(&w, "baseline", cmp);
	morph_jsonw_object_end(&w);
	morph_jsonw_key(&w, "runs");
	morph_jsonw_array_begin(&w);
	for (i = 0; i < morph_compare_nruns(cmp); i++)
		morph_jsonw_int(&w, morph_compare_run(cmp, i)->num);
	morph_jsonw_array_end(&w);
	morph_jsonw_key(&w, "prompts");
	morph_jsonw_array_begin(&w);
	for (i = 0; i < morph_select_nprompts(sel); i++) {
		sp = morph_select_prompt(sel, i);
		morph_jsonw_object_begin(&w);
		morph_jsonw_kv_string(&w, "prompt", sp->prompt);
		morph_jsonw_kv_string(&w, "verdict", verdicts[sp->verdict]);
		morph_jsonw_kv_string(&w, "baseline", sp->baseline != NULL ?
		    sp->baseline->model : NULL);
		morph_jsonw_kv_string(&w, "baseline_floor",
		    floors[sp->baseline_floor]);
		morph_jsonw_kv_string(&w, "model", sp->chosen != NULL ?
		    sp->chosen->model : NULL);
		morph_jsonw_key(&w, "cases_needed");
		if (sp->cases_needed >= 0)
			morph_jsonw_int(&w, sp->cases_needed);
		else
			morph_jsonw_null(&w);
		morph_jsonw_key(&w, "tested");
		morph_jsonw_array_begin(&w);
		for (j = 0; j < sp->ntested; j++) {
			x = &sp->tested[j];
			morph_jsonw_object_begin(&w);
			morph_jsonw_kv_string(&w, "model", x->row->model);
			morph_jsonw_kv_string(&w, "floor", floors[x->floor]);
			morph_jsonw_key(&w, "floor_lo");
			morph_jsonw_double(&w, x->floor_lo);
			morph_jsonw_key(&w, "floor_hi");
			morph_jsonw_double(&w, x->floor_hi);
			morph_jsonw_kv_int(&w, "paired", x->paired);
			morph_jsonw_kv_string(&w, "test", x->repeated ?
			    "paired-t" : "tango");
			morph_jsonw_key(&w, "difference");
			morph_jsonw_double(&w, x->diff);
			morph_jsonw_key(&w, "statistic");
			if (isfinite(x->stat))
				morph_jsonw_double(&w, x->stat);
			else
				morph_jsonw_null(&w);
			morph_jsonw_key(&w, "p_value");
			morph_jsonw_double(&w, x->p_value);
			morph_jsonw_kv_bool(&w, "noninferior",
			    x->noninferior);
			morph_jsonw_kv_bool(&w, "inferior", x->inferior);
			morph_jsonw_kv_bool(&w, "qualifies", x->qualifies);
			morph_jsonw_object_end(&w);
		}
		morph_jsonw_array_end(&w);
		morph_jsonw_object_end(&w);
	}
	morph_jsonw_array_end(&w);
	morph_jsonw_object_end(&w);
	morph_jsonw_finish(&w);
}

/*
 * The rule's baseline in the text report: the one model, or the
 * per-prompt one as morph.json writes it, "{prompts/a.txt: small, **: big}".
 */
static void
text_baseline(const struct morph_compare *cmp)
{
	const struct morph_select_rule *rule = morph_compare_rule(cmp);
	size_t k;

	if (rule->nbaselines == 0) {
		printf("%s", morph_compare_current(cmp) != NULL ?
		    morph_compare_current(cmp) : "(none)");
		return;
	}
	for (k = 0; k < rule->nbaselines; k++)
		printf("%s%s: %s", k == 0 ? "{" : ", ",
		    rule->baselines[k].prompts, rule->baselines[k].model);
	putchar('}');
}

/* --check: why each prompt fails the gate, on stderr. */
static void
check_report(const struct morph_select *sel)
{
	const struct morph_select_prompt *sp;
	size_t i;

	for (i = 0; i < morph_select_nprompts(sel); i++) {
		sp = morph_select_prompt(sel, i);
		if (sp->baseline_floor == MORPH_SELECT_FLOOR_FAILS)
			fprintf(stderr, "morph: select: %s: %s is below the "
			    "floor (%.1f%% at most, floor %.1f%%)\n",
			    sp->prompt != NULL ? sp->prompt : "the suite",
			    sp->baseline->model, 100 * sp->floor_hi,
			    100 * morph_select_get_rule(sel)->floor);
		if (sp->verdict == MORPH_SELECT_RECOMMEND)
			fprintf(stderr, "morph: select: %s: %s is cheaper "
			    "and not worse than %s\n", sp->prompt != NULL ?
			    sp->prompt : "the suite", sp->chosen->model,
			    sp->baseline->model);
	}
}

static const struct morph_error *
cmd_select(struct morph_cmd_ctx *ctx, int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "check", no_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'J' },
		{ "total", no_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 }
	};
	struct morph_compare_opts opts = MORPH_COMPARE_OPTS_INIT;
	const struct morph_select_rule *rule;
	const struct morph_error *err = NULL;
	struct morph_compare *cmp = NULL;
	struct morph_select *sel = NULL;
	int c, json = 0, check = 0;
	size_t i;

	while ((c = morph_cmd_getopt(ctx, argc, argv, "", longopts,
	    &err)) != -1) {
		switch (c) {
		case 'c':
			check = 1;
			break;
		case 'J':
			json = 1;
			break;
		case 'T':
			opts.total = 1;
			break;
		default:
			return err;
		}
	}
	if ((err = morph_compare_new(&cmp, ctx->repo,
	    (const char *const *)&argv[optind], (size_t)(argc - optind),
	    &opts)) != NULL)
		return err;
	if ((err = morph_select_new(&sel, cmp, NULL)) != NULL) {
		morph_compare_free(cmp);
		return err;
	}
	rule = morph_select_get_rule(sel);
	if (json)
		json_report(sel, cmp);
	else {
		printf("rule: floor %g, margin %g, alpha %g, baseline ",
		    rule->floor, rule->margin, rule->alpha);
		text_baseline(cmp);
		printf("\n\n");
		for (i = 0; i < morph_select_nprompts(sel); i++) {
			if (i > 0)
				putchar('\n');
			text_prompt(morph_select_prompt(sel, i), rule, cmp);
		}
	}
	if (check && morph_select_check(sel) > 0) {
		fflush(stdout);
		check_report(sel);
		ctx->status = 1;
	}
	morph_select_free(sel);
	morph_compare_free(cmp);
	return NULL;
}

const struct morph_cmd morph_cmd_select = {
	"select",
	"select [--check] [--json] [--total] [run ...]",
	"recommend the cheapest model that is not worse, by the suite's rule",
	MORPH_CMD_NEEDS_REPO | MORPH_CMD_READS,
	cmd_select,
};
