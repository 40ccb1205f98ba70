/*
 * The Anthropic messages dialect: POST {base}/v1/messages with x-api-key
 * and anthropic-version (providers.md 2.3).  System messages go to the
 * top-level "system"; max_tokens is required; temperature is 0 to 1;
 * there is no seed and no penalty.
 */
#include <string.h>

#include "json_int.h"
#include "provider/dialect_int.h"

#define DIALECT		"anthropic"
#define API_VERSION	"2023-06-01"

/*
 * "system": one message as a string, several as text blocks, so that
 * nothing is joined with a separator of our choosing.
 */
static int
add_system(cJSON *root, const cJSON *messages, int nsys)
{
	const cJSON *m;
	cJSON *blocks, *b;

	if (nsys == 1) {
		cJSON_ArrayForEach(m, messages)
			if (strcmp(morph_json_str(m, "role"), "system") == 0)
				return cJSON_AddStringToObject(root, "system",
				    morph_json_str(m, "content")) ? 0 : -1;
	}
	if ((blocks = cJSON_AddArrayToObject(root, "system")) == NULL)
		return -1;
	cJSON_ArrayForEach(m, messages) {
		if (strcmp(morph_json_str(m, "role"), "system") != 0)
			continue;
		if ((b = cJSON_CreateObject()) == NULL ||
		    !cJSON_AddItemToArray(blocks, b))
			return -1;
		if (cJSON_AddStringToObject(b, "type", "text") == NULL ||
		    cJSON_AddStringToObject(b, "text",
		    morph_json_str(m, "content")) == NULL)
			return -1;
	}
	return 0;
}

static const struct morph_error *
anthropic_build(struct morph_request *req, const struct morph_provider *p,
    const cJSON *call, const char *key)
{
	const struct morph_error *err;
	const cJSON *m, *schema;
	struct morph_call c;
	cJSON *root = NULL, *msgs, *o, *fmt;
	int oom = 0, nsys = 0, nconv = 0;

	morph_request_release(req);
	if ((err = morph_call_read(&c, call, DIALECT)) != NULL)
		return err;
	if (c.presence_penalty != NULL || c.frequency_penalty != NULL)
		return morph_error_fmt(MORPH_ERR_INVALID, "call: params.%s: "
		    "anthropic has no penalties", c.presence_penalty ?
		    "presence_penalty" : "frequency_penalty");
	if (c.temperature != NULL && c.temperature->valuedouble > 1)
		return morph_error_fmt(MORPH_ERR_INVALID, "call: "
		    "params.temperature: anthropic takes 0 to 1, not %g",
		    c.temperature->valuedouble);
	if (morph_call_format(&c, &schema) == MORPH_FORMAT_JSON)
		return morph_error_fmt(MORPH_ERR_INVALID, "call: "
		    "params.response_format: anthropic has no json_object "
		    "mode; use json_schema");
	cJSON_ArrayForEach(m, c.messages) {
		if (strcmp(morph_json_str(m, "role"), "system") == 0)
			nsys++;
		else
			nconv++;
	}
	if (nconv == 0)
		return morph_error_fmt(MORPH_ERR_INVALID, "call: messages: "
		    "anthropic needs a user message, not only a system one");

	if ((root = cJSON_CreateObject()) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	oom |= cJSON_AddStringToObject(root, "model", c.model) == NULL;
	if (nsys > 0)
		oom |= add_system(root, c.messages, nsys);
	if ((msgs = cJSON_AddArrayToObject(root, "messages")) == NULL)
		oom = 1;
	cJSON_ArrayForEach(m, c.messages) {
		if (oom || strcmp(morph_json_str(m, "role"), "system") == 0)
			continue;
		oom |= morph_json_add_copy(msgs, NULL, m);
	}
	/* Required here; the suite's own value when it has one. */
	if (c.max_tokens != NULL)
		oom |= morph_json_add_copy(root, "max_tokens", c.max_tokens);
	else
		oom |= morph_json_add_int(root, "max_tokens",
		    MORPH_ANTHROPIC_MAX_TOKENS) == NULL;
	if (c.temperature != NULL)
		oom |= morph_json_add_copy(root, "temperature", c.temperature);
	if (c.top_p != NULL)
		oom |= morph_json_add_copy(root, "top_p", c.top_p);
	if (c.top_k != NULL)
		oom |= morph_json_add_copy(root, "top_k", c.top_k);
	if (c.stop != NULL) {
		if ((o = morph_call_stop_array(&c)) == NULL ||
		    !cJSON_AddItemToObject(root, "stop_sequences", o)) {
			cJSON_Delete(o);
			oom = 1;
		}
	}
	/* c.seed: Anthropic has none, and a seed is only a hint. */
	if (schema != NULL) {
		if ((o = cJSON_AddObjectToObject(root, "output_config")) ==
		    NULL || (fmt = cJSON_AddObjectToObject(o, "format")) ==
		    NULL || cJSON_AddStringToObject(fmt, "type",
		    "json_schema") == NULL ||
		    morph_json_add_copy(fmt, "schema", schema) != 0)
			oom = 1;
	}
	if (oom) {
		err = morph_error(MORPH_ERR_NOMEM);
		goto done;
	}

	morph_buf_printf(&req->url, "%s/v1/messages", p->base_url);
	if (key != NULL && (err = morph_request_key(req, "x-api-key", "",
	    key)) != NULL)
		goto done;
	if ((err = morph_request_header(req, "anthropic-version: "
	    API_VERSION)) != NULL)
		goto done;
	err = morph_request_json(req, root);
done:
	cJSON_Delete(root);
	if (err != NULL)
		morph_request_release(req);
	return err;
}

static const struct morph_finish_map finish_map[] = {
	{ "end_turn", "stop" },
	{ "stop_sequence", "stop" },
	{ "max_tokens", "length" },
	{ "model_context_window_exceeded", "length" },
	{ "tool_use", "tool_calls" },
	{ "refusal", "refusal" },
	{ NULL, NULL },
};

static const struct morph_error *
read_usage(struct morph_reply *r, const cJSON *doc)
{
	const struct morph_error *err;
	int64_t in, read, write;
	const cJSON *u;

	u = cJSON_GetObjectItemCaseSensitive(doc, "usage");
	if (u == NULL || cJSON_IsNull(u))
		return NULL;
	if (!cJSON_IsObject(u))
		return morph_reply_bad(DIALECT, "usage is %s, not an object",
		    morph_json_kind(u));
	if ((err = morph_reply_count(&in, u, "input_tokens", DIALECT,
	    "usage")) != NULL ||
	    (err = morph_reply_count(&read, u, "cache_read_input_tokens",
	    DIALECT, "usage")) != NULL ||
	    (err = morph_reply_count(&write, u,
	    "cache_creation_input_tokens", DIALECT, "usage")) != NULL ||
	    (err = morph_reply_count(&r->tokens_out, u, "output_tokens",
	    DIALECT, "usage")) != NULL)
		return err;
	/*
	 * input_tokens leaves out what was read from or written to the
	 * cache (llama-server moves a repeated prompt there too): the
	 * prompt is the sum.
	 */
	if (in >= 0)
		r->tokens_in = in + (read > 0 ? read : 0) +
		    (write > 0 ? write : 0);
	r->tokens_cached = read;
	r->tokens_cache_write = write;
	return NULL;
}

static const struct morph_error *
anthropic_parse(struct morph_reply *r, long status, const char *body,
    size_t len)
{
	const struct morph_error *err = NULL;
	const cJSON *content, *block, *text, *stop, *model;
	const char *type;
	cJSON *doc = NULL;
	int i = 0;

	morph_reply_reset(r);
	if (status < 200 || status > 299) {
		morph_reply_fail_body(r, status, body, len);
		return NULL;
	}
	if ((err = morph_reply_doc(&doc, DIALECT, body, len)) != NULL)
		return err;
	if (morph_reply_fail_doc(r, status, doc))
		goto done;

	type = morph_json_str(doc, "type");
	if (type != NULL && strcmp(type, "message") != 0) {
		err = morph_reply_bad(DIALECT, "type is not 'message'");
		goto done;
	}
	content = cJSON_GetObjectItemCaseSensitive(doc, "content");
	if (!cJSON_IsArray(content)) {
		err = morph_reply_bad(DIALECT, "content is %s, not an array",
		    morph_json_kind(content));
		goto done;
	}
	/* Text blocks; thinking and tool_use blocks are not output. */
	cJSON_ArrayForEach(block, content) {
		if (!cJSON_IsObject(block)) {
			err = morph_reply_bad(DIALECT, "content[%d] is %s, "
			    "not an object", i, morph_json_kind(block));
			goto done;
		}
		type = morph_json_str(block, "type");
		if (type != NULL && strcmp(type, "text") == 0) {
			text = cJSON_GetObjectItemCaseSensitive(block, "text");
			if (!cJSON_IsString(text)) {
				err = morph_reply_bad(DIALECT, "content[%d]."
				    "text is %s, not a string", i,
				    morph_json_kind(text));
				goto done;
			}
			morph_buf_puts(&r->output, text->valuestring);
		}
		i++;
	}
	stop = cJSON_GetObjectItemCaseSensitive(doc, "stop_reason");
	if (stop != NULL && !cJSON_IsNull(stop) && !cJSON_IsString(stop)) {
		err = morph_reply_bad(DIALECT, "stop_reason is %s, not a "
		    "string", morph_json_kind(stop));
		goto done;
	}
	morph_reply_finish(r, cJSON_IsString(stop) ? stop->valuestring : NULL,
	    finish_map);
	model = cJSON_GetObjectItemCaseSensitive(doc, "model");
	if (model != NULL && !cJSON_IsNull(model) && !cJSON_IsString(model)) {
		err = morph_reply_bad(DIALECT, "model is %s, not a string",
		    morph_json_kind(model));
		goto done;
	}
	morph_reply_model(r, cJSON_IsString(model) ? model->valuestring :
	    NULL);
	if ((err = read_usage(r, doc)) != NULL)
		goto done;
	err = morph_buf_status(&r->output);
done:
	cJSON_Delete(doc);
	if (err != NULL)
		morph_reply_reset(r);
	return err;
}

const struct morph_dialect_ops morph_dialect_anthropic = {
	DIALECT,
	anthropic_build,
	anthropic_parse,
};
