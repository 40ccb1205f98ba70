/*
 * The Gemini dialect: POST {base}/v1beta/models/{model}:generateContent
 * with x-goog-api-key (providers.md 2.4).  Roles are user and model;
 * system messages go to systemInstruction; settings to generationConfig.
 */
#include <string.h>

#include "json_int.h"
#include "provider/dialect_int.h"

#define DIALECT	"gemini"

/* A new {"role": role, "parts": [{"text": text}]}; no role when NULL. */
static cJSON *
content(const char *role, const char *text)
{
	cJSON *c, *parts, *part;

	if ((c = cJSON_CreateObject()) == NULL)
		return NULL;
	if ((role != NULL && cJSON_AddStringToObject(c, "role", role) ==
	    NULL) || (parts = cJSON_AddArrayToObject(c, "parts")) == NULL ||
	    (part = cJSON_CreateObject()) == NULL) {
		cJSON_Delete(c);
		return NULL;
	}
	if (!cJSON_AddItemToArray(parts, part) ||
	    cJSON_AddStringToObject(part, "text", text) == NULL) {
		cJSON_Delete(c);
		return NULL;
	}
	return c;
}

static int
add_text_part(cJSON *sys, const char *text)
{
	cJSON *parts, *part;

	parts = cJSON_GetObjectItemCaseSensitive(sys, "parts");
	if ((part = cJSON_CreateObject()) == NULL)
		return -1;
	if (!cJSON_AddItemToArray(parts, part))
		return -1;
	return cJSON_AddStringToObject(part, "text", text) ? 0 : -1;
}

static int
add_messages(cJSON *root, const cJSON *messages)
{
	const cJSON *m;
	const char *role, *text;
	cJSON *contents, *sys = NULL, *c;

	if ((contents = cJSON_AddArrayToObject(root, "contents")) == NULL)
		return -1;
	cJSON_ArrayForEach(m, messages) {
		role = morph_json_str(m, "role");
		text = morph_json_str(m, "content");
		if (strcmp(role, "system") == 0) {
			/* One part for each system message, in order. */
			if (sys != NULL) {
				if (add_text_part(sys, text) != 0)
					return -1;
				continue;
			}
			if ((sys = content(NULL, text)) == NULL)
				return -1;
			if (!cJSON_AddItemToObject(root, "systemInstruction",
			    sys)) {
				cJSON_Delete(sys);
				return -1;
			}
			continue;
		}
		c = content(strcmp(role, "assistant") == 0 ? "model" : "user",
		    text);
		if (c == NULL || !cJSON_AddItemToArray(contents, c)) {
			cJSON_Delete(c);
			return -1;
		}
	}
	return 0;
}

static const struct morph_error *
gemini_build(struct morph_request *req, const struct morph_provider *p,
    const cJSON *call, const char *key)
{
	const struct morph_error *err;
	const cJSON *m, *schema;
	struct morph_call c;
	enum morph_call_format f;
	cJSON *root = NULL, *gc, *o;
	int oom = 0, nconv = 0;

	morph_request_release(req);
	if ((err = morph_call_read(&c, call, DIALECT)) != NULL)
		return err;
	cJSON_ArrayForEach(m, c.messages)
		if (strcmp(morph_json_str(m, "role"), "system") != 0)
			nconv++;
	if (nconv == 0)
		return morph_error_fmt(MORPH_ERR_INVALID, "call: messages: "
		    "gemini needs a user message, not only a system one");

	if ((root = cJSON_CreateObject()) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	oom |= add_messages(root, c.messages);
	if ((gc = cJSON_CreateObject()) == NULL) {
		err = morph_error(MORPH_ERR_NOMEM);
		goto done;
	}
	if (c.temperature != NULL)
		oom |= morph_json_add_copy(gc, "temperature", c.temperature);
	if (c.top_p != NULL)
		oom |= morph_json_add_copy(gc, "topP", c.top_p);
	if (c.top_k != NULL)
		oom |= morph_json_add_copy(gc, "topK", c.top_k);
	if (c.max_tokens != NULL)
		oom |= morph_json_add_copy(gc, "maxOutputTokens",
		    c.max_tokens);
	if (c.stop != NULL) {
		if ((o = morph_call_stop_array(&c)) == NULL ||
		    !cJSON_AddItemToObject(gc, "stopSequences", o)) {
			cJSON_Delete(o);
			oom = 1;
		}
	}
	if (c.seed != NULL)
		oom |= morph_json_add_copy(gc, "seed", c.seed);
	if (c.presence_penalty != NULL)
		oom |= morph_json_add_copy(gc, "presencePenalty",
		    c.presence_penalty);
	if (c.frequency_penalty != NULL)
		oom |= morph_json_add_copy(gc, "frequencyPenalty",
		    c.frequency_penalty);
	f = morph_call_format(&c, &schema);
	if (f != MORPH_FORMAT_TEXT)
		oom |= cJSON_AddStringToObject(gc, "responseMimeType",
		    "application/json") == NULL;
	if (schema != NULL)
		oom |= morph_json_add_copy(gc, "responseJsonSchema", schema);
	if (gc->child == NULL)
		cJSON_Delete(gc);
	else if (!cJSON_AddItemToObject(root, "generationConfig", gc)) {
		cJSON_Delete(gc);
		oom = 1;
	}
	if (oom) {
		err = morph_error(MORPH_ERR_NOMEM);
		goto done;
	}

	/* "models/x" and "tunedModels/x" are full names already. */
	morph_buf_printf(&req->url, "%s/v1beta/", p->base_url);
	if (strncmp(c.model, "models/", 7) != 0 &&
	    strncmp(c.model, "tunedModels/", 12) != 0)
		morph_buf_puts(&req->url, "models/");
	morph_url_put_segment(&req->url, c.model);
	morph_buf_puts(&req->url, ":generateContent");
	if (key != NULL && (err = morph_request_key(req, "x-goog-api-key",
	    "", key)) != NULL)
		goto done;
	err = morph_request_json(req, root);
done:
	cJSON_Delete(root);
	if (err != NULL)
		morph_request_release(req);
	return err;
}

static const struct morph_finish_map finish_map[] = {
	{ "STOP", "stop" },
	{ "MAX_TOKENS", "length" },
	{ "SAFETY", "content_filter" },
	{ "RECITATION", "content_filter" },
	{ "BLOCKLIST", "content_filter" },
	{ "PROHIBITED_CONTENT", "content_filter" },
	{ "SPII", "content_filter" },
	{ "IMAGE_SAFETY", "content_filter" },
	{ NULL, NULL },
};

static const struct morph_error *
read_usage(struct morph_reply *r, const cJSON *doc)
{
	const struct morph_error *err;
	int64_t prompt, cand, thoughts, total, tool;
	const cJSON *u;

	u = cJSON_GetObjectItemCaseSensitive(doc, "usageMetadata");
	if (u == NULL || cJSON_IsNull(u))
		return NULL;
	if (!cJSON_IsObject(u))
		return morph_reply_bad(DIALECT, "usageMetadata is %s, not an "
		    "object", morph_json_kind(u));
	if ((err = morph_reply_count(&prompt, u, "promptTokenCount", DIALECT,
	    "usageMetadata")) != NULL ||
	    (err = morph_reply_count(&cand, u, "candidatesTokenCount",
	    DIALECT, "usageMetadata")) != NULL ||
	    (err = morph_reply_count(&thoughts, u, "thoughtsTokenCount",
	    DIALECT, "usageMetadata")) != NULL ||
	    (err = morph_reply_count(&total, u, "totalTokenCount", DIALECT,
	    "usageMetadata")) != NULL ||
	    (err = morph_reply_count(&tool, u, "toolUsePromptTokenCount",
	    DIALECT, "usageMetadata")) != NULL ||
	    (err = morph_reply_count(&r->tokens_cached, u,
	    "cachedContentTokenCount", DIALECT, "usageMetadata")) != NULL)
		return err;
	r->tokens_in = prompt;
	/*
	 * Thoughts are billed as output but are not in the candidates'
	 * count.  Gemini leaves out counts that are zero, so with no
	 * candidates count the output is what the total leaves.
	 */
	if (cand >= 0)
		r->tokens_out = cand + (thoughts > 0 ? thoughts : 0);
	else if (total >= 0 && prompt >= 0 &&
	    total - prompt - (tool > 0 ? tool : 0) >= 0)
		r->tokens_out = total - prompt - (tool > 0 ? tool : 0);
	r->tokens_reasoning = thoughts;
	return NULL;
}

static const struct morph_error *
read_candidate(struct morph_reply *r, const cJSON *cand)
{
	const cJSON *content, *parts, *part, *text, *fin;
	int i = 0;

	if (!cJSON_IsObject(cand))
		return morph_reply_bad(DIALECT, "candidates[0] is %s, not an "
		    "object", morph_json_kind(cand));
	fin = cJSON_GetObjectItemCaseSensitive(cand, "finishReason");
	if (fin != NULL && !cJSON_IsNull(fin) && !cJSON_IsString(fin))
		return morph_reply_bad(DIALECT, "candidates[0].finishReason "
		    "is %s, not a string", morph_json_kind(fin));
	content = cJSON_GetObjectItemCaseSensitive(cand, "content");
	if (content != NULL && !cJSON_IsObject(content))
		return morph_reply_bad(DIALECT, "candidates[0].content is %s, "
		    "not an object", morph_json_kind(content));
	parts = cJSON_GetObjectItemCaseSensitive(content, "parts");
	if (parts != NULL && !cJSON_IsArray(parts))
		return morph_reply_bad(DIALECT, "candidates[0].content.parts "
		    "is %s, not an array", morph_json_kind(parts));
	/*
	 * A candidate cut short (MAX_TOKENS spent on thoughts, SAFETY) may
	 * have no parts; one with neither parts nor a reason is broken.
	 */
	if (parts == NULL && !cJSON_IsString(fin))
		return morph_reply_bad(DIALECT, "candidates[0] has neither "
		    "content parts nor a finishReason");
	cJSON_ArrayForEach(part, parts) {
		if (!cJSON_IsObject(part))
			return morph_reply_bad(DIALECT, "candidates[0].content."
			    "parts[%d] is %s, not an object", i,
			    morph_json_kind(part));
		i++;
		/* Thoughts are the model's notes, not its answer. */
		if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(part,
		    "thought")))
			continue;
		text = cJSON_GetObjectItemCaseSensitive(part, "text");
		if (text == NULL)
			continue;	/* a function call, inline data ... */
		if (!cJSON_IsString(text))
			return morph_reply_bad(DIALECT, "candidates[0].content."
			    "parts[%d].text is %s, not a string", i - 1,
			    morph_json_kind(text));
		morph_buf_puts(&r->output, text->valuestring);
	}
	morph_reply_finish(r, cJSON_IsString(fin) ? fin->valuestring : NULL,
	    finish_map);
	return NULL;
}

static const struct morph_error *
gemini_parse(struct morph_reply *r, long status, const char *body,
    size_t len)
{
	const struct morph_error *err = NULL;
	const cJSON *cands, *fb, *model;
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

	cands = cJSON_GetObjectItemCaseSensitive(doc, "candidates");
	if (cands != NULL && !cJSON_IsArray(cands)) {
		err = morph_reply_bad(DIALECT, "candidates is %s, not an "
		    "array", morph_json_kind(cands));
		goto done;
	}
	if (cJSON_GetArraySize(cands) > 0)
		err = read_candidate(r, cJSON_GetArrayItem(cands, 0));
	else {
		/* A blocked prompt gets no candidate, and says why. */
		fb = cJSON_GetObjectItemCaseSensitive(doc, "promptFeedback");
		if (morph_json_str(fb, "blockReason") == NULL) {
			err = morph_reply_bad(DIALECT, "no candidates and no "
			    "promptFeedback.blockReason");
			goto done;
		}
		morph_reply_finish(r, "content_filter", NULL);
	}
	if (err != NULL)
		goto done;
	model = cJSON_GetObjectItemCaseSensitive(doc, "modelVersion");
	if (model != NULL && !cJSON_IsNull(model) && !cJSON_IsString(model)) {
		err = morph_reply_bad(DIALECT, "modelVersion is %s, not a "
		    "string", morph_json_kind(model));
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

const struct morph_dialect_ops morph_dialect_gemini = {
	DIALECT,
	gemini_build,
	gemini_parse,
};
