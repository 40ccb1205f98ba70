/*
 * The judge's call for an llm-rubric assertion (judge_int.h).
 */
#include <stdlib.h>

#include "morph/buf.h"
#include "json_int.h"
#include "call_int.h"
#include "judge_int.h"
#include "provider_int.h"
#include "rubric_int.h"

const struct morph_error *
morph_judge_call(cJSON **out, struct morph_oid *id,
    const struct morph_provider *p, const char *model, const cJSON *spec,
    const char *output, const cJSON *vars)
{
	const struct morph_error *err;
	cJSON *call, *messages = NULL, *params;

	*out = NULL;
	if ((err = morph_rubric_call(&messages, spec, output, vars)) != NULL)
		return err;
	if ((params = cJSON_CreateObject()) != NULL &&
	    cJSON_AddNumberToObject(params, "temperature", 0) == NULL) {
		cJSON_Delete(params);
		params = NULL;
	}
	if ((err = morph_call_new(&call, p, model, params, messages)) != NULL)
		return err;
	if ((err = morph_call_id(id, call)) != NULL) {
		cJSON_Delete(call);
		return err;
	}
	*out = call;
	return NULL;
}
