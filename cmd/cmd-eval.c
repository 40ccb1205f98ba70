/*
 * morph eval: score a run, or compare it with a baseline and say what got
 * worse (cmd/evalfmt.c prints the reports).
 */
#include <stdlib.h>

#include "cmd.h"
#include "morph/eval.h"

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
	const struct morph_error *err = NULL;
	struct morph_eval *ev = NULL;
	const char *run = MORPH_HEAD, *against = NULL;
	enum morph_cmd_eval_format fmt = MORPH_CMD_EVAL_TEXT;
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
			if (fmt != MORPH_CMD_EVAL_TEXT)
				return morph_cmd_bad_usage(ctx, "give one of "
				    "--json, --junit and --markdown");
			fmt = c == 'J' ? MORPH_CMD_EVAL_JSON : c == 'U' ?
			    MORPH_CMD_EVAL_JUNIT : MORPH_CMD_EVAL_MARKDOWN;
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
	opts.keep_all = fmt == MORPH_CMD_EVAL_JUNIT;
	if ((err = morph_eval_new(&ev, ctx->repo, run, against,
	    &opts)) != NULL)
		return err;
	err = morph_cmd_eval_report(ctx->repo, ev, fmt, opts.significance);
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
