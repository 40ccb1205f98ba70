/*
 * morph eval: score a run, or compare it with a baseline and say what got
 * worse, in the format asked for (libmorph writes the reports:
 * morph/report.h).
 */
#include <stdlib.h>

#include "cmd.h"
#include "morph/eval.h"
#include "morph/report.h"

static const struct morph_error *
cmd_eval(struct morph_cmd_ctx *ctx, int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "against", required_argument, NULL, 'a' },
		{ "allow-exec", no_argument, NULL, 'X' },
		{ "json", no_argument, NULL, 'J' },
		{ "junit", no_argument, NULL, 'U' },
		{ "markdown", no_argument, NULL, 'M' },
		{ "significance", required_argument, NULL, 's' },
		{ "suite", required_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 }
	};
	struct morph_eval_opts opts = MORPH_EVAL_OPTS_INIT;
	struct morph_report_opts ropts = MORPH_REPORT_OPTS_INIT;
	const struct morph_error *err = NULL;
	struct morph_eval *ev = NULL;
	const char *run = MORPH_HEAD, *against = NULL;
	enum morph_report_format fmt = MORPH_REPORT_TEXT;
	int c;

	while ((c = morph_cmd_getopt(ctx, argc, argv, "", longopts,
	    &err)) != -1) {
		switch (c) {
		case 'a':
			against = optarg;
			break;
		case 'X':
			opts.allow_exec = 1;
			break;
		case 'J':
		case 'U':
		case 'M':
			if (fmt != MORPH_REPORT_TEXT)
				return morph_cmd_bad_usage(ctx, "give one of "
				    "--json, --junit and --markdown");
			fmt = c == 'J' ? MORPH_REPORT_JSON : c == 'U' ?
			    MORPH_REPORT_JUNIT : MORPH_REPORT_MARKDOWN;
			break;
		case 's':
			if ((err = morph_cmd_parse_real(ctx, "--significance",
			    optarg, 0, 1, MORPH_NUM_OPEN_LO | MORPH_NUM_OPEN_HI,
			    &opts.significance)) != NULL)
				return err;
			break;
		case 'S':
			opts.suite = optarg;
			break;
		default:
			return err;
		}
	}
	if (argc - optind > 1)
		return morph_cmd_bad_usage(ctx, "too many runs");
	if (argc - optind == 1)
		run = argv[optind];
	if ((err = morph_cmd_exec_allowed(&opts.allow_exec, ctx->repo,
	    opts.allow_exec)) != NULL)
		return err;
	/* JUnit lists every result as a test case. */
	opts.keep_all = fmt == MORPH_REPORT_JUNIT;
	if ((err = morph_eval_new(&ev, ctx->repo, run, against,
	    &opts)) != NULL)
		return err;
	ropts.alpha = opts.significance;
	/* Colour and the pager are for a reader at a terminal. */
	if (fmt == MORPH_REPORT_TEXT) {
		ropts.color = morph_cmd_color();
		morph_cmd_pager_begin();
	}
	err = morph_report_write(stdout, ctx->repo, ev, fmt, &ropts);
	if (err == NULL && morph_eval_regressions(ev) > 0)
		ctx->status = 1;
	morph_eval_free(ev);
	return err;
}

const struct morph_cmd morph_cmd_eval = {
	"eval",
	"eval [--allow-exec] [--json | --junit | --markdown] "
	    "[--significance alpha] [--suite revision] [--against run] [run]",
	"score a run, or find what got worse against another",
	MORPH_CMD_NEEDS_REPO | MORPH_CMD_READS,
	cmd_eval,
};
