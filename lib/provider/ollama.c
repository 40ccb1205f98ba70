/*
 * Ollama's native dialect: POST {base}/api/chat with "stream": false
 * (its default is a stream of JSON lines), settings under "options"
 * (providers.md 2.5).  Counts may be missing on cached prompts: missing
 * is unknown, not zero.
 */
#include <string.h>

#include "json_int.h"
#include "provider/dialect_int.h"

#define DIALECT	"ollama"

static const struct morph_error *
ollama_build(struct morph_request *req, const struct morph_provider *p,
    const cJSON *call, const char *key)
{
	const struct morph_error *err;
	const cJSON *schema;
	struct morph_call c;
	enum morph_call_format f;
	cJSON *root = NULL, *opt, *o;
	int oom = 0;

	morph_request_release(req);
	if ((err = morph_call_read(&c, call, DIALECT)) != NULL)
		return err;
	if ((root = cJSON_CreateObject()) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	oom |= cJSON_AddStringToObject(root, "model", c.model) == NULL;
	oom |= morph_json_add_copy(root, "messages", c.messages);
	oom |= cJSON_AddFalseToObject(root, "stream") == NULL;
	if ((opt = cJSON_CreateObject()) == NULL) {
		err = morph_error(MORPH_ERR_NOMEM);
		goto done;
	}
	if (c.temperature != NULL)
		oom |= morph_json_add_copy(opt, "temperature", c.temperature);
	if (c.top_p != NULL)
		oom |= morph_json_add_copy(opt, "top_p", c.top_p);
	if (c.top_k != NULL)
		oom |= morph_json_add_copy(opt, "top_k", c.top_k);
	if (c.max_tokens != NULL)
		oom |= morph_json_add_copy(opt, "num_predict", c.max_tokens);
	if (c.stop != NULL) {
		if ((o = morph_call_stop_array(&c)) == NULL ||
		    !cJSON_AddItemToObject(opt, "stop", o)) {
			cJSON_Delete(o);
			oom = 1;
		}
	}
	if (c.seed != NULL)
		oom |= morph_json_add_copy(opt, "seed", c.seed);
	if (c.presence_penalty != NULL)
		oom |= morph_json_add_copy(opt, "presence_penalty",
		    c.presence_penalty);
	if (c.frequency_penalty != NULL)
		oom |= morph_json_add_copy(opt, "frequency_penalty",
		    c.frequency_penalty);
	if (opt->child == NULL)
		cJSON_Delete(opt);
	else if (!cJSON_AddItemToObject(root, "options", opt)) {
		cJSON_Delete(opt);
		oom = 1;
	}
	/* "json" for any JSON, the schema itself for structured output. */
	f = morph_call_format(&c, &schema);
	if (f == MORPH_FORMAT_JSON)
		oom |= cJSON_AddStringToObject(root, "format", "json") == NULL;
	else if (f == MORPH_FORMAT_SCHEMA)
		oom |= morph_json_add_copy(root, "format", schema);
	if (oom) {
		err = morph_error(MORPH_ERR_NOMEM);
		goto done;
	}

	morph_buf_printf(&req->url, "%s/api/chat", p->base_url);
	/* Ollama itself wants no key; a proxy in front of it may. */
	if (key != NULL && (err = morph_request_key(req, "Authorization",
	    "Bearer ", key)) != NULL)
		goto done;
	err = morph_request_json(req, root);
done:
	cJSON_Delete(root);
	if (err != NULL)
		morph_request_release(req);
	return err;
}

static const struct morph_finish_map finish_map[] = {
	{ "stop", "stop" },
	{ "length", "length" },
	{ NULL, NULL },
};

static const struct morph_error *
ollama_parse(struct morph_reply *r, long status, const char *body,
    size_t len)
{
	const struct morph_error *err = NULL;
	const cJSON *done, *msg, *content, *reason, *model;
	cJSON *doc = NULL;

	morph_reply_reset(r);
	if (status < 200 || status > 299) {
		morph_reply_fail_body(r, status, body, len);
		return NULL;
	}
	if ((err = morph_reply_doc(&doc, DIALECT, body, len)) != NULL)
		return err;
	if (morph_reply_fail_doc(r, status, doc))
		goto done;

	done = cJSON_GetObjectItemCaseSensitive(doc, "done");
	if (!cJSON_IsTrue(done)) {
		if (cJSON_IsFalse(done))
			err = morph_reply_bad(DIALECT, "done is false: one "
			    "chunk of a stream, not a whole reply");
		else
			err = morph_reply_bad(DIALECT, "done is %s, not true",
			    morph_json_kind(done));
		goto done;
	}
	msg = cJSON_GetObjectItemCaseSensitive(doc, "message");
	if (!cJSON_IsObject(msg)) {
		err = morph_reply_bad(DIALECT, "message is %s, not an object",
		    morph_json_kind(msg));
		goto done;
	}
	/* "thinking", when there is any, is beside the content. */
	content = cJSON_GetObjectItemCaseSensitive(msg, "content");
	if (!cJSON_IsString(content)) {
		err = morph_reply_bad(DIALECT, "message.content is %s, not a "
		    "string", morph_json_kind(content));
		goto done;
	}
	morph_buf_puts(&r->output, content->valuestring);
	reason = cJSON_GetObjectItemCaseSensitive(doc, "done_reason");
	if (reason != NULL && !cJSON_IsNull(reason) &&
	    !cJSON_IsString(reason)) {
		err = morph_reply_bad(DIALECT, "done_reason is %s, not a "
		    "string", morph_json_kind(reason));
		goto done;
	}
	morph_reply_finish(r, cJSON_IsString(reason) ? reason->valuestring :
	    NULL, finish_map);
	model = cJSON_GetObjectItemCaseSensitive(doc, "model");
	if (model != NULL && !cJSON_IsNull(model) && !cJSON_IsString(model)) {
		err = morph_reply_bad(DIALECT, "model is %s, not a string",
		    morph_json_kind(model));
		goto done;
	}
	morph_reply_model(r, cJSON_IsString(model) ? model->valuestring :
	    NULL);
	if ((err = morph_reply_count(&r->tokens_in, doc, "prompt_eval_count",
	    DIALECT, "reply")) != NULL ||
	    (err = morph_reply_count(&r->tokens_out, doc, "eval_count",
	    DIALECT, "reply")) != NULL)
		goto done;
	err = morph_buf_status(&r->output);
done:
	cJSON_Delete(doc);
	if (err != NULL)
		morph_reply_reset(r);
	return err;
}

const struct morph_dialect_ops morph_dialect_ollama = {
	DIALECT,
	ollama_build,
	ollama_parse,
};
