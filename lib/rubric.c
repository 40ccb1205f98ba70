/*
 * llm-rubric's pure halves (rubric_int.h): the judge's messages, and the
 * reading of its answer into a verdict.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "morph/buf.h"
#include "morph/num.h"
#include "morph/provider.h"
#include "json_int.h"
#include "rubric_int.h"
#include "suite_int.h"
#include "utf8_int.h"

/*
 * What the judge is told.  It is part of every judge call's id, so a
 * change here makes every grading a cache miss: change it on purpose.
 */
static const char system_prompt[] =
    "You grade the output of a language model against a rubric.  The "
    "output passes when it satisfies the rubric.  Answer with one JSON "
    "object and nothing else:\n"
    "{\"reason\": \"why, in one or two sentences\", \"pass\": true, "
    "\"score\": 1.0}\n"
    "where \"pass\" is true or false, and \"score\" is a number from 0.0 "
    "(the output does not satisfy the rubric at all) to 1.0 (it satisfies "
    "it fully).";

const struct morph_error *
morph_rubric_check(const cJSON *spec)
{
	const struct morph_error *err;
	const char *name = morph_json_str(spec, "type");
	const cJSON *v, *p;
	char *prov, *model;

	if (name == NULL)
		name = "llm-rubric";
	v = cJSON_GetObjectItemCaseSensitive(spec, "value");
	if (!cJSON_IsString(v) || v->valuestring[0] == '\0')
		return morph_error_fmt(MORPH_ERR_SUITE, "%s: \"value\" must "
		    "be a non-empty string", name);
	p = cJSON_GetObjectItemCaseSensitive(spec, "provider");
	if (p == NULL)
		return NULL;
	if (!cJSON_IsString(p))
		goto bad;
	if ((err = morph_model_parse(&prov, &model, p->valuestring)) !=
	    NULL) {
		if (err->code == MORPH_ERR_NOMEM)
			return err;
		goto bad;
	}
	free(prov);
	free(model);
	return NULL;
bad:
	return morph_error_fmt(MORPH_ERR_SUITE, "%s: \"provider\" must be a "
	    "model spec, as in \"openai:gpt-4o-mini\"", name);
}

const char *
morph_rubric_model(const cJSON *spec, const char *judge)
{
	const char *p = morph_json_str(spec, "provider");

	return p != NULL ? p : judge;
}

const struct morph_error *
morph_rubric_call(cJSON **out, const cJSON *spec, const char *output,
    const cJSON *vars)
{
	const struct morph_error *err;
	struct morph_buf user = MORPH_BUF_INIT;
	const char *rubric = morph_json_str(spec, "value");
	cJSON *msgs = NULL, *m, *empty = NULL;

	*out = NULL;
	if (rubric == NULL)
		return morph_error_fmt(MORPH_ERR_INVALID, "llm-rubric: no "
		    "rubric");
	if (vars == NULL && (vars = empty = cJSON_CreateObject()) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	morph_buf_puts(&user, "<rubric>\n");
	err = morph_template_render(&user, rubric, vars, "llm-rubric rubric");
	cJSON_Delete(empty);
	if (err != NULL)
		goto done;
	morph_buf_puts(&user, "\n</rubric>\n\n<output>\n");
	morph_buf_puts(&user, output);
	morph_buf_puts(&user, "\n</output>");
	if ((err = morph_buf_status(&user)) != NULL)
		goto done;
	err = morph_error(MORPH_ERR_NOMEM);
	if ((msgs = cJSON_CreateArray()) == NULL)
		goto done;
	if ((m = cJSON_CreateObject()) == NULL ||
	    !cJSON_AddItemToArray(msgs, m) ||
	    cJSON_AddStringToObject(m, "role", "system") == NULL ||
	    cJSON_AddStringToObject(m, "content", system_prompt) == NULL)
		goto done;
	if ((m = cJSON_CreateObject()) == NULL ||
	    !cJSON_AddItemToArray(msgs, m) ||
	    cJSON_AddStringToObject(m, "role", "user") == NULL ||
	    cJSON_AddStringToObject(m, "content",
	    morph_buf_cstr(&user)) == NULL)
		goto done;
	*out = msgs;
	msgs = NULL;
	err = NULL;
done:
	cJSON_Delete(msgs);
	morph_buf_release(&user);
	return err;
}

/* The first object of text that has "pass" or "score", or NULL. */
static cJSON *
find_answer(const char *text, size_t len)
{
	const char *end;
	cJSON *doc;
	size_t i;

	for (i = 0; i < len; i++) {
		if (text[i] != '{')
			continue;
		end = NULL;
		doc = cJSON_ParseWithLengthOpts(text + i, len - i, &end, 0);
		if (doc == NULL)
			continue;
		if (cJSON_IsObject(doc) &&
		    (cJSON_GetObjectItemCaseSensitive(doc, "pass") != NULL ||
		    cJSON_GetObjectItemCaseSensitive(doc, "score") != NULL))
			return doc;
		cJSON_Delete(doc);
		/* Skip what parsed; its inner objects are not the answer. */
		if (end != NULL && end > text + i && end <= text + len)
			i = (size_t)(end - text) - 1;
	}
	return NULL;
}

/* 1 or 0 for a pass the judge wrote as it may; -1 when unreadable. */
static int
read_pass(const cJSON *p)
{
	static const char *const yes[] = { "true", "yes", "pass" };
	static const char *const no[] = { "false", "no", "fail" };
	size_t i;

	if (cJSON_IsBool(p))
		return cJSON_IsTrue(p);
	if (!cJSON_IsString(p))
		return -1;
	for (i = 0; i < 3; i++) {
		if (strcasecmp(p->valuestring, yes[i]) == 0)
			return 1;
		if (strcasecmp(p->valuestring, no[i]) == 0)
			return 0;
	}
	return -1;
}

/*
 * 0 and *score when s is a number from 0 to 1, or one as text in the
 * strict form of morph/num.h: no "0x1", no "nan".
 */
static int
read_score(const cJSON *s, double *score)
{
	if (cJSON_IsString(s))
		return morph_num_real(score, "score", s->valuestring, 0, 1,
		    0) == NULL ? 0 : -1;
	if (!cJSON_IsNumber(s))
		return -1;
	*score = s->valuedouble;
	return isfinite(*score) && *score >= 0 && *score <= 1 ? 0 : -1;
}

static const struct morph_error *
make(cJSON **out, int pass, double score, const char *reason, int unreadable)
{
	char fixed[1024];
	cJSON *v;

	snprintf(fixed, sizeof(fixed), "%s", reason);
	morph_utf8_fix(fixed);
	if ((v = cJSON_CreateObject()) == NULL ||
	    cJSON_AddBoolToObject(v, "pass", pass) == NULL ||
	    cJSON_AddNumberToObject(v, "score", score) == NULL ||
	    cJSON_AddStringToObject(v, "reason", fixed) == NULL ||
	    (unreadable && cJSON_AddTrueToObject(v, "unreadable") == NULL)) {
		cJSON_Delete(v);
		return morph_error(MORPH_ERR_NOMEM);
	}
	*out = v;
	return NULL;
}

const struct morph_error *
morph_rubric_verdict(cJSON **out, const cJSON *spec, const char *text,
    size_t len)
{
	const cJSON *th = cJSON_GetObjectItemCaseSensitive(spec, "threshold");
	const cJSON *p, *s, *r;
	const struct morph_error *err;
	char ex[100], why[1024], reason[700];
	double score = 0, min = cJSON_IsNumber(th) ? th->valuedouble : 0.5;
	size_t i;
	cJSON *doc;
	int pass = 0;

	*out = NULL;
	for (i = 0; i < len && strchr(" \t\r\n", text[i]) != NULL; i++)
		;
	if (i == len)
		return make(out, 0, 0, "the judge's answer was empty", 1);
	morph_utf8_excerpt(ex, sizeof(ex), text + i, len - i, 80);
	if ((doc = find_answer(text, len)) == NULL) {
		snprintf(why, sizeof(why), "the judge's answer was unreadable: "
		    "no JSON object with \"pass\" or \"score\" in \"%s\"", ex);
		return make(out, 0, 0, why, 1);
	}
	p = cJSON_GetObjectItemCaseSensitive(doc, "pass");
	s = cJSON_GetObjectItemCaseSensitive(doc, "score");
	r = cJSON_GetObjectItemCaseSensitive(doc, "reason");
	if (p != NULL && (pass = read_pass(p)) < 0) {
		snprintf(why, sizeof(why), "the judge's answer was unreadable: "
		    "\"pass\" is not true or false in \"%s\"", ex);
		err = make(out, 0, 0, why, 1);
		goto done;
	}
	if (s != NULL && read_score(s, &score) != 0) {
		snprintf(why, sizeof(why), "the judge's answer was unreadable: "
		    "\"score\" is not a number from 0 to 1 in \"%s\"", ex);
		err = make(out, 0, 0, why, 1);
		goto done;
	}
	if (p == NULL)
		pass = score >= min;
	else if (s == NULL)
		score = pass ? 1 : 0;
	if (cJSON_IsString(r) && r->valuestring[0] != '\0')
		snprintf(reason, sizeof(reason), "%s", r->valuestring);
	else
		snprintf(reason, sizeof(reason), "the judge %s it and gave no "
		    "reason", pass ? "passed" : "failed");
	if (pass && cJSON_IsNumber(th) && score < th->valuedouble) {
		pass = 0;
		snprintf(why, sizeof(why), "score %g is below the threshold "
		    "%g: %s", score, th->valuedouble, reason);
	} else
		snprintf(why, sizeof(why), "%s", reason);
	err = make(out, pass, score, why, 0);
done:
	cJSON_Delete(doc);
	return err;
}
