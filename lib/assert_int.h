/*
 * Assertions: checks on one output, named as promptfoo names them, each
 * with a "not-" form, an optional weight (default 1) and, for scored
 * types, a threshold.  morph-suite(5) documents every type.  A verdict is
 * JSON stored with the result:
 *   {"type": "icontains", "pass": true, "score": 1, "weight": 1,
 *    "reason": "output contains \"paris\""}
 * score is from 0 to 1; a not- form passes when the positive form fails
 * and scores 1 - score.  A check that cannot be made (an unknown cost, a
 * command that timed out, a judge's answer that cannot be read) fails in
 * both forms with score 0.  An output passes when every assertion passes.
 */
#ifndef MORPH_ASSERT_INT_H
#define MORPH_ASSERT_INT_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>

#include "morph/error.h"

/*
 * llm-rubric's judge, as the run engine supplies it: sets *answer and
 * *len to the judge's reply to spec (an llm-rubric spec of the ones
 * judged, found by its address), borrowed until the verdict is made, and
 * returns NULL.  An error means the judge's call failed: the assertion
 * fails, in both forms, with the error as its reason (NOMEM and
 * INTERRUPTED are passed on instead).  *answer left NULL means nobody
 * asked the judge, which is an error of morph_assert_eval.
 */
typedef const struct morph_error *(*morph_assert_judge_fn)(void *arg,
    const cJSON *spec, const char **answer, size_t *len);

/* What an assertion may look at.  Zero it, then fill what is known. */
struct morph_assert_ctx {
	const char	*output;	/* NUL-terminated, len bytes */
	size_t		 len;
	int64_t		 cost_nusd;	/* -1: unpriced */
	int64_t		 latency_ms;	/* -1: unknown */
	const cJSON	*vars;		/* the case's vars, or NULL */

	/* exec */
	int		 allow_exec;	/* 0: an exec assertion is an error;
					   see morph_assert_needs_exec */
	const char	*prompt;	/* $MORPH_PROMPT: the prompt's path */
	const char	*case_id;	/* $MORPH_CASE: the case's id */
	const char	*model;		/* $MORPH_MODEL: the model's id */
	const char	*dir;		/* the command's working directory
					   (the work tree's root); NULL:
					   the current one */
	volatile sig_atomic_t *stop;	/* set from a signal to kill a
					   running command; may be NULL */

	/* llm-rubric */
	morph_assert_judge_fn	 judge;	/* NULL: no judge was asked */
	void			*judge_arg;
};

/* exec's limits: default timeout, and what is kept of its outputs. */
#define MORPH_EXEC_TIMEOUT_MS	30000
#define MORPH_EXEC_OUT_MAX	(1024 * 1024)
#define MORPH_EXEC_ERR_MAX	4096

/*
 * Checks an assertion spec before anything runs: a known type, a value of
 * the right kind, a pattern that compiles, a schema of the supported
 * subset, a threshold in range, the fields a type takes (rouge-n's n,
 * exec's timeout, llm-rubric's provider).  Errors (MORPH_ERR_SUITE) say
 * what is wrong, starting with the type; the caller adds where.
 */
const struct morph_error *morph_assert_check(const cJSON *spec);

/*
 * Judges ctx against spec and sets *verdict (the caller frees it with
 * cJSON_Delete).  Errors: a spec that fails morph_assert_check; an exec
 * assertion without ctx->allow_exec (UNSUPPORTED); an llm-rubric
 * assertion without a judge's answer (INVALID); NOMEM; INTERRUPTED when
 * *ctx->stop is set while a command runs.  Anything else, a command that
 * cannot run included, is a failing verdict.
 */
const struct morph_error *morph_assert_eval(cJSON **verdict,
    const cJSON *spec, const struct morph_assert_ctx *ctx);

/*
 * Judges every assertion of specs (an array, may be NULL) into a verdict
 * array; *pass is 1 when all passed (also when there are none), *asserted
 * whether there was any.  Errors: those of morph_assert_eval.
 */
const struct morph_error *morph_assert_all(cJSON **verdicts, int *pass,
    int *asserted, const cJSON *specs, const struct morph_assert_ctx *ctx);

/*
 * Whether spec's type is base or not-base ("llm-rubric" matches
 * "not-llm-rubric" too).
 */
int	morph_assert_is(const cJSON *spec, const char *base);

/*
 * Whether any spec of specs (an array, may be NULL) is an exec assertion,
 * so that a run can refuse up front a suite that would run commands
 * without permission.
 */
int	morph_assert_needs_exec(const cJSON *specs);

#endif
