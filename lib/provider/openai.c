/*
 * The OpenAI chat completions dialect: POST {base}/chat/completions with
 * a bearer key, spoken by OpenAI and by every compatible server (Mistral,
 * Groq, Together, OpenRouter, DeepSeek, xAI, Fireworks, vLLM, llama.cpp,
 * LM Studio, Otari ...).  providers.md 2.1 and 2.7 have the wire facts.
 */
#include <string.h>

#include "json_int.h"
#include "provider/dialect_int.h"

#define DIALECT	"openai"

/* What differs between servers that speak this dialect. */
struct quirks {
	const char	*id;
	const char	*max_tokens;	/* the token-limit field */
	const char	*seed;		/* the seed field */
	int		 top_k;		/* accepts top_k */
};

static const struct quirks quirk_table[] = {
	/*
	 * OpenAI deprecated max_tokens, and its reasoning models refuse it;
	 * max_completion_tokens counts reasoning tokens too.  top_k is
	 * refused as an unknown argument.
	 */
	{ "openai", "max_completion_tokens", "seed", 0 },
	/*
	 * Mistral's own schema (its OpenAPI spec and SDKs) calls the seed
	 * random_seed, and has no top_k.
	 */
	{ "mistral", "max_tokens", "random_seed", 0 },
};

/* Every other server: the older names, which all of them accept. */
static const struct quirks compatible = { NULL, "max_tokens", "seed", 1 };

static const struct quirks *
quirks_for(const char *id)
{
	size_t i;

	for (i = 0; i < sizeof(quirk_table) / sizeof(quirk_table[0]); i++)
		if (strcmp(quirk_table[i].id, id) == 0)
			return &quirk_table[i];
	return &compatible;
}

/* response_format as OpenAI wants it: json_schema needs a name. */
static int
add_format(cJSON *root, const cJSON *rf)
{
	cJSON *copy, *js;

	if ((copy = cJSON_Duplicate(rf, 1)) == NULL)
		return -1;
	js = cJSON_GetObjectItemCaseSensitive(copy, "json_schema");
	if (js != NULL && cJSON_GetObjectItemCaseSensitive(js, "name") ==
	    NULL && cJSON_AddStringToObject(js, "name", "response") == NULL) {
		cJSON_Delete(copy);
		return -1;
	}
	if (!cJSON_AddItemToObject(root, "response_format", copy)) {
		cJSON_Delete(copy);
		return -1;
	}
	return 0;
}

static const struct morph_error *
openai_build(struct morph_request *req, const struct morph_provider *p,
    const cJSON *call, const char *key)
{
	const struct morph_error *err;
	const struct quirks *q;
	struct morph_call c;
	cJSON *root = NULL;
	int oom = 0;

	morph_request_release(req);
	if ((err = morph_call_read(&c, call, DIALECT)) != NULL)
		return err;
	q = quirks_for(p->id);
	if (c.top_k != NULL && !q->top_k)
		return morph_error_fmt(MORPH_ERR_INVALID, "call: params.top_k: "
		    "provider '%s' has no top_k", p->id);

	if ((root = cJSON_CreateObject()) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	oom |= cJSON_AddStringToObject(root, "model", c.model) == NULL;
	oom |= morph_json_add_copy(root, "messages", c.messages);
	if (c.temperature != NULL)
		oom |= morph_json_add_copy(root, "temperature", c.temperature);
	if (c.top_p != NULL)
		oom |= morph_json_add_copy(root, "top_p", c.top_p);
	if (c.top_k != NULL)
		oom |= morph_json_add_copy(root, "top_k", c.top_k);
	if (c.max_tokens != NULL)
		oom |= morph_json_add_copy(root, q->max_tokens, c.max_tokens);
	if (c.stop != NULL)
		oom |= morph_json_add_copy(root, "stop", c.stop);
	if (c.seed != NULL)
		oom |= morph_json_add_copy(root, q->seed, c.seed);
	if (c.presence_penalty != NULL)
		oom |= morph_json_add_copy(root, "presence_penalty",
		    c.presence_penalty);
	if (c.frequency_penalty != NULL)
		oom |= morph_json_add_copy(root, "frequency_penalty",
		    c.frequency_penalty);
	if (c.response_format != NULL)
		oom |= add_format(root, c.response_format);
	if (oom) {
		err = morph_error(MORPH_ERR_NOMEM);
		goto done;
	}

	morph_buf_printf(&req->url, "%s/chat/completions", p->base_url);
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
	{ "tool_calls", "tool_calls" },
	{ "function_call", "tool_calls" },
	{ "content_filter", "content_filter" },
	{ NULL, NULL },
};

/*
 * Content as an array of parts (Mistral's reasoning models, some
 * gateways): the text parts, not the thinking ones.
 */
static const struct morph_error *
put_parts(struct morph_reply *r, const cJSON *parts)
{
	const cJSON *part, *text;
	const char *type;
	int i = 0;

	cJSON_ArrayForEach(part, parts) {
		if (!cJSON_IsObject(part))
			return morph_reply_bad(DIALECT, "choices[0].message."
			    "content[%d] is %s, not an object", i,
			    morph_json_kind(part));
		type = morph_json_str(part, "type");
		text = cJSON_GetObjectItemCaseSensitive(part, "text");
		if (type == NULL || strcmp(type, "text") == 0) {
			if (!cJSON_IsString(text))
				return morph_reply_bad(DIALECT, "choices[0]."
				    "message.content[%d].text is %s, not a "
				    "string", i, morph_json_kind(text));
			morph_buf_puts(&r->output, text->valuestring);
		}
		i++;
	}
	return NULL;
}

static const struct morph_error *
read_usage(struct morph_reply *r, const cJSON *doc)
{
	const struct morph_error *err;
	const cJSON *u, *d;

	u = cJSON_GetObjectItemCaseSensitive(doc, "usage");
	if (u == NULL || cJSON_IsNull(u))
		return NULL;
	if (!cJSON_IsObject(u))
		return morph_reply_bad(DIALECT, "usage is %s, not an object",
		    morph_json_kind(u));
	if ((err = morph_reply_count(&r->tokens_in, u, "prompt_tokens",
	    DIALECT, "usage")) != NULL ||
	    (err = morph_reply_count(&r->tokens_out, u, "completion_tokens",
	    DIALECT, "usage")) != NULL)
		return err;
	d = cJSON_GetObjectItemCaseSensitive(u, "prompt_tokens_details");
	if (d != NULL && !cJSON_IsNull(d) && !cJSON_IsObject(d))
		return morph_reply_bad(DIALECT, "usage.prompt_tokens_details "
		    "is %s, not an object", morph_json_kind(d));
	if ((err = morph_reply_count(&r->tokens_cached, d, "cached_tokens",
	    DIALECT, "usage.prompt_tokens_details")) != NULL)
		return err;
	/* OpenRouter and others count what was written to the cache. */
	if ((err = morph_reply_count(&r->tokens_cache_write, d,
	    "cache_write_tokens", DIALECT, "usage.prompt_tokens_details")))
		return err;
	/* DeepSeek counts cache hits at the top of usage. */
	if (r->tokens_cached < 0 && (err = morph_reply_count(
	    &r->tokens_cached, u, "prompt_cache_hit_tokens", DIALECT,
	    "usage")) != NULL)
		return err;
	d = cJSON_GetObjectItemCaseSensitive(u, "completion_tokens_details");
	if (d != NULL && !cJSON_IsNull(d) && !cJSON_IsObject(d))
		return morph_reply_bad(DIALECT, "usage."
		    "completion_tokens_details is %s, not an object",
		    morph_json_kind(d));
	return morph_reply_count(&r->tokens_reasoning, d, "reasoning_tokens",
	    DIALECT, "usage.completion_tokens_details");
}

static const struct morph_error *
openai_parse(struct morph_reply *r, long status, const char *body,
    size_t len)
{
	const struct morph_error *err = NULL;
	const cJSON *choices, *choice, *msg, *content, *fin, *model, *calls;
	const char *refusal, *f;
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

	choices = cJSON_GetObjectItemCaseSensitive(doc, "choices");
	if (!cJSON_IsArray(choices)) {
		err = morph_reply_bad(DIALECT, "choices is %s, not an array",
		    morph_json_kind(choices));
		goto done;
	}
	if ((choice = cJSON_GetArrayItem(choices, 0)) == NULL) {
		err = morph_reply_bad(DIALECT, "choices is empty");
		goto done;
	}
	if (!cJSON_IsObject(choice)) {
		err = morph_reply_bad(DIALECT, "choices[0] is %s, not an "
		    "object", morph_json_kind(choice));
		goto done;
	}
	msg = cJSON_GetObjectItemCaseSensitive(choice, "message");
	if (!cJSON_IsObject(msg)) {
		err = morph_reply_bad(DIALECT, "choices[0].message is %s, "
		    "not an object", morph_json_kind(msg));
		goto done;
	}
	fin = cJSON_GetObjectItemCaseSensitive(choice, "finish_reason");
	if (fin != NULL && !cJSON_IsNull(fin) && !cJSON_IsString(fin)) {
		err = morph_reply_bad(DIALECT, "choices[0].finish_reason is "
		    "%s, not a string", morph_json_kind(fin));
		goto done;
	}
	f = cJSON_IsString(fin) ? fin->valuestring : NULL;
	morph_reply_finish(r, f, finish_map);

	content = cJSON_GetObjectItemCaseSensitive(msg, "content");
	if (cJSON_IsString(content))
		morph_buf_puts(&r->output, content->valuestring);
	else if (cJSON_IsArray(content)) {
		if ((err = put_parts(r, content)) != NULL)
			goto done;
	} else if (content == NULL || cJSON_IsNull(content)) {
		/* No text: a refusal, tool calls, or a cut or filter. */
		refusal = morph_json_str(msg, "refusal");
		calls = cJSON_GetObjectItemCaseSensitive(msg, "tool_calls");
		if (refusal != NULL && refusal[0] != '\0')
			morph_reply_finish(r, "refusal", NULL);
		else if (cJSON_IsArray(calls) &&
		    cJSON_GetArraySize(calls) > 0)
			morph_reply_finish(r, "tool_calls", NULL);
		else if (strcmp(r->finish, "tool_calls") != 0 &&
		    strcmp(r->finish, "content_filter") != 0 &&
		    strcmp(r->finish, "length") != 0) {
			err = morph_reply_bad(DIALECT, "choices[0].message "
			    "has no content, refusal or tool calls");
			goto done;
		}
	} else {
		err = morph_reply_bad(DIALECT, "choices[0].message.content is "
		    "%s, not a string", morph_json_kind(content));
		goto done;
	}

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

const struct morph_dialect_ops morph_dialect_openai = {
	DIALECT,
	openai_build,
	openai_parse,
};
