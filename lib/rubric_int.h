/*
 * llm-rubric: a model, the judge, grades an output against a rubric.  The
 * run engine makes the judge's call like any other (and caches it like
 * any other); this module holds the two pure halves around it: the
 * messages to send, and the reading of the judge's answer.
 *
 * The judge is asked for one JSON object,
 *	{"reason": "...", "pass": true, "score": 0.9}
 * and its answer is read robustly: the first JSON object with "pass" or
 * "score" anywhere in it, in a ```json fence, after prose or alone.
 */
#ifndef MORPH_RUBRIC_INT_H
#define MORPH_RUBRIC_INT_H

#include <stddef.h>
#include <cjson/cJSON.h>

#include "morph/error.h"

/*
 * Checks what is particular to an llm-rubric (or not-llm-rubric) spec: a
 * non-empty string "value", the rubric, and an optional "provider", a
 * model spec such as "openai:gpt-4o-mini".  morph_assert_check calls it
 * and checks the rest (threshold from 0 to 1, weight).  Errors:
 * MORPH_ERR_SUITE.
 */
const struct morph_error *morph_rubric_check(const cJSON *spec);

/*
 * The model spec of spec's judge: its "provider", else judge (morph.json's
 * "judge", may be NULL), else NULL when there is none.  Borrowed.
 */
const char *morph_rubric_model(const cJSON *spec, const char *judge);

/*
 * The judge's messages for grading output against spec's rubric: a new
 * array [{"role": "system", ...}, {"role": "user", ...}], in the form of
 * a rendered prompt (suite_int.h).  The rubric is a template rendered
 * with vars (the case's, may be NULL) as prompts are.  The same spec,
 * output and vars always give the same messages, so the call caches.
 * Errors: SUITE for a variable the rubric uses and vars lacks, NOMEM.
 * The caller frees *messages with cJSON_Delete().
 */
const struct morph_error *morph_rubric_call(cJSON **messages,
    const cJSON *spec, const char *output, const cJSON *vars);

/*
 * Reads the judge's answer (len bytes) into the judge's verdict, a new
 * object {"pass": bool, "score": number, "reason": string}:
 *   - "pass" is the answer's pass (true or false, or the strings "true",
 *     "yes", "pass", "false", "no", "fail" in any case); without one, it
 *     is whether the score reaches the threshold, 0.5 without one;
 *   - "score" is the answer's score, a number from 0 to 1 (a numeric
 *     string is read too); without one, 1 for a pass and 0 for a fail;
 *   - with a "threshold" in spec, a score below it fails;
 *   - "reason" is the answer's reason.
 * An answer that is empty, holds no such object, or whose pass or score
 * cannot be read fails, with "unreadable": true and a reason that says so
 * and quotes the start of the answer.  spec is an llm-rubric spec.
 * Errors: NOMEM.  The caller frees *verdict with cJSON_Delete().
 */
const struct morph_error *morph_rubric_verdict(cJSON **verdict,
    const cJSON *spec, const char *judge_output, size_t len);

#endif
