/*
 * Assertions: checks on one output, named as promptfoo names them, each
 * with a "not-" form, an optional weight (default 1) and, for scored
 * types, a threshold.  A verdict is JSON stored with the result:
 *   {"type": "icontains", "pass": true, "score": 1, "weight": 1,
 *    "reason": "output contains \"paris\""}
 * An output passes when every assertion passes.
 */
#ifndef MORPH_ASSERT_INT_H
#define MORPH_ASSERT_INT_H

#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>

#include "morph/error.h"

/* What an assertion may look at. */
struct morph_assert_ctx {
	const char	*output;
	size_t		 len;
	int64_t		 cost_nusd;	/* -1: unpriced */
	int64_t		 latency_ms;	/* -1: unknown */
	const cJSON	*vars;		/* the case's vars, or NULL */
};

/*
 * Checks an assertion spec before anything runs: a known type, a value of
 * the right kind, a pattern that compiles, a number where one is needed.
 * Errors (MORPH_ERR_SUITE) say what is wrong; the caller adds where.
 */
const struct morph_error *morph_assert_check(const cJSON *spec);

/*
 * Judges ctx against spec and sets *verdict (the caller frees it with
 * cJSON_Delete).  Only a spec that fails morph_assert_check is an error.
 */
const struct morph_error *morph_assert_eval(cJSON **verdict,
    const cJSON *spec, const struct morph_assert_ctx *ctx);

/*
 * Judges every assertion of specs (an array, may be NULL) into a verdict
 * array; *pass is 1 when all passed (also when there are none), *asserted
 * whether there was any.
 */
const struct morph_error *morph_assert_all(cJSON **verdicts, int *pass,
    int *asserted, const cJSON *specs, const struct morph_assert_ctx *ctx);

#endif
