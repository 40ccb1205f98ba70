/*
 * The judge's call for an llm-rubric assertion (judge_int.h).
 */
#include <stdlib.h>

#include "morph/buf.h"
#include "json_int.h"
#include "judge_int.h"
#include "provider_int.h"
#include "rubric_int.h"

const struct morph_error *
morph_call_id(struct morph_oid *id, const cJSON *call)
{
	const struct morph_error *err;
	struct morph_buf text = MORPH_BUF_INIT;

	if ((err = morph_json_canonical(&text, call)) == NULL)
		morph_hash_object(id, "call", text.ptr, text.len);
	morph_buf_release(&text);
	return err;
}

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
	if ((call = cJSON_CreateObject()) == NULL ||
	    cJSON_AddStringToObject(call, "dialect",
	    morph_dialect_name(p->dialect)) == NULL ||
	    cJSON_AddStringToObject(call, "provider", p->id) == NULL ||
	    cJSON_AddStringToObject(call, "model", model) == NULL ||
	    (params = cJSON_AddObjectToObject(call, "params")) == NULL ||
	    cJSON_AddNumberToObject(params, "temperature", 0) == NULL ||
	    !cJSON_AddItemToObject(call, "messages", messages)) {
		cJSON_Delete(messages);
		cJSON_Delete(call);
		return morph_error(MORPH_ERR_NOMEM);
	}
	if ((err = morph_call_id(id, call)) != NULL) {
		cJSON_Delete(call);
		return err;
	}
	*out = call;
	return NULL;
}
