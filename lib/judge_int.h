/*
 * The judge of llm-rubric assertions: the call that asks a model to grade
 * one output against a rubric.  run.c sends it like any other call and
 * caches its answer; eval.c finds that answer in the cache again to
 * re-score with --suite.  Both build the call here, so both name it by
 * the same id.
 */
#ifndef MORPH_JUDGE_INT_H
#define MORPH_JUDGE_INT_H

#include <cjson/cJSON.h>

#include "morph/error.h"
#include "morph/hash.h"
#include "morph/provider.h"

/*
 * The judge's call: {"dialect", "endpoint", "provider", "model", "params",
 * "messages"} as every call is (call_int.h), with params {"temperature": 0} and the messages of
 * morph_rubric_call for spec (an llm-rubric), output and vars.  Sets *id
 * to its call id (sample 0 is its cache key).  Errors: SUITE for a
 * variable the rubric uses and vars lacks, NOMEM.  The caller frees *call.
 */
const struct morph_error *morph_judge_call(cJSON **call, struct morph_oid *id,
    const struct morph_provider *p, const char *model, const cJSON *spec,
    const char *output, const cJSON *vars);

#endif
