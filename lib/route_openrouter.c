/*
 * A routing plan as OpenRouter request fields: per prompt, the fields to
 * merge into a chat completion request, "models" (the candidates in
 * routing order: OpenRouter tries the next when one fails) and
 * "provider" with "sort": "price" and "max_price" (USD per million
 * tokens, the dearest candidate's, so that no candidate is priced out).
 *
 * JSON has no comments: the header is the document's first member,
 * "morph", with the commit, the runs, the rule and the models left out.
 * OpenRouter names models "vendor/model": a model of provider openrouter
 * keeps its name, a model whose name holds a '/' already keeps it too,
 * and the vendors whose OpenRouter names differ from any-llm's provider
 * ids are mapped (gemini is google, mistral mistralai, xai x-ai,
 * moonshot moonshotai); a local model is left out, as OpenRouter cannot
 * serve it.
 */
#include <stdio.h>
#include <string.h>

#include "morph/route.h"
#include "json_int.h"
#include "route_int.h"

static const struct {
	const char	*anyllm;
	const char	*vendor;
} vendors[] = {
	{ "gemini", "google" },
	{ "mistral", "mistralai" },
	{ "moonshot", "moonshotai" },
	{ "xai", "x-ai" },
};

/* Providers that run on the user's machine. */
static const char *const local[] = {
	"echo", "llamacpp", "llamafile", "lmstudio", "ollama", "vllm",
};

/* m's OpenRouter name into tmp; 0 when OpenRouter cannot serve it. */
static int
or_name(struct morph_buf *tmp, const struct morph_route_model *m)
{
	const char *v = m->provider;
	size_t i;

	morph_buf_clear(tmp);
	for (i = 0; i < sizeof(local) / sizeof(local[0]); i++)
		if (strcmp(local[i], m->provider) == 0)
			return 0;
	if (strcmp(m->provider, "openrouter") == 0 ||
	    strchr(m->model, '/') != NULL) {
		morph_buf_puts(tmp, m->model);
		return 1;
	}
	for (i = 0; i < sizeof(vendors) / sizeof(vendors[0]); i++)
		if (strcmp(vendors[i].anyllm, m->provider) == 0)
			v = vendors[i].vendor;
	morph_buf_printf(tmp, "%s/%s", v, m->model);
	return 1;
}

static void
str(struct morph_buf *b, const char *s)
{
	morph_json_put_string(b, s, strlen(s));
}

static void
left_out(struct morph_buf *b, int *first, const struct morph_route_model *m,
    const char *reason, struct morph_buf *tmp)
{
	morph_buf_puts(b, *first ? "\n        {" : ",\n        {");
	*first = 0;
	morph_buf_puts(b, "\"model\": ");
	str(b, morph_route_selector(tmp, m));
	morph_buf_puts(b, ", \"reason\": ");
	str(b, reason);
	morph_buf_putc(b, '}');
}

static const struct morph_error *
number_or_null(struct morph_buf *b, double v)
{
	if (v < 0) {
		morph_buf_puts(b, "null");
		return NULL;
	}
	return morph_json_put_number(b, v);
}

const struct morph_error *
morph_route_write_openrouter(struct morph_buf *b,
    const struct morph_route_plan *plan, char **names,
    const struct morph_route_write_opts *o)
{
	struct morph_buf tmp = MORPH_BUF_INIT;
	const struct morph_error *err = NULL;
	const struct morph_route_prompt *p;
	const struct morph_route_model *m;
	double maxin, maxout;
	size_t i, j, n;
	int first, allpriced;

	(void)names;
	(void)o;
	morph_buf_puts(b, "{\n  \"morph\": {\n    \"format\": \"openrouter\",\n"
	    "    \"commit\": ");
	str(b, morph_oid_tostr(&plan->commit));
	morph_buf_puts(b, ",\n    \"runs\": [");
	for (i = 0; i < plan->nruns; i++) {
		if (i > 0)
			morph_buf_puts(b, ", ");
		str(b, plan->runs[i]);
	}
	morph_buf_puts(b, "],\n    \"rule\": {\"floor\": ");
	err = number_or_null(b, plan->rule.floor);
	morph_buf_puts(b, ", \"margin\": ");
	if (err == NULL)
		err = number_or_null(b, plan->rule.margin);
	morph_buf_puts(b, ", \"alpha\": ");
	if (err == NULL)
		err = number_or_null(b, plan->rule.alpha);
	morph_buf_puts(b, ", \"baseline\": ");
	if (plan->rule.baseline != NULL)
		str(b, plan->rule.baseline);
	else
		morph_buf_puts(b, "null");
	morph_buf_puts(b, "},\n    \"source\": ");
	str(b, plan->source != NULL ? plan->source : "");
	morph_buf_puts(b, ",\n    \"left_out\": {");
	for (i = 0; i < plan->nprompts; i++) {
		p = &plan->prompts[i];
		morph_buf_puts(b, i == 0 ? "\n      " : ",\n      ");
		str(b, p->path);
		morph_buf_puts(b, ": [");
		first = 1;
		for (j = 0; j < p->ncandidates; j++)
			if (!or_name(&tmp, &p->candidates[j]))
				left_out(b, &first, &p->candidates[j],
				    "a local model, which OpenRouter cannot "
				    "serve", &tmp);
		for (j = 0; j < p->nleft_out; j++)
			left_out(b, &first, &p->left_out[j],
			    p->left_out[j].reason, &tmp);
		morph_buf_puts(b, first ? "]" : "\n      ]");
	}
	morph_buf_puts(b, plan->nprompts > 0 ? "\n    }\n  },\n" :
	    "}\n  },\n");
	morph_buf_puts(b, "  \"prompts\": {");
	first = 1;
	for (i = 0; i < plan->nprompts && err == NULL; i++) {
		p = &plan->prompts[i];
		maxin = maxout = -1;
		allpriced = 1;
		for (j = n = 0; j < p->ncandidates; j++)
			n += or_name(&tmp, &p->candidates[j]);
		if (n == 0)
			continue;
		morph_buf_puts(b, first ? "\n    " : ",\n    ");
		first = 0;
		str(b, p->path);
		morph_buf_puts(b, ": {\n      \"models\": [");
		for (j = n = 0; j < p->ncandidates; j++) {
			m = &p->candidates[j];
			if (!or_name(&tmp, m))
				continue;
			if (n++ > 0)
				morph_buf_puts(b, ", ");
			str(b, morph_buf_cstr(&tmp));
			allpriced &= m->priced && m->in_mtok >= 0 &&
			    m->out_mtok >= 0;
			if (m->in_mtok > maxin)
				maxin = m->in_mtok;
			if (m->out_mtok > maxout)
				maxout = m->out_mtok;
		}
		morph_buf_puts(b, "],\n      \"provider\": {\"sort\": "
		    "\"price\"");
		/* An unpriced candidate would be priced out by a cap. */
		if (allpriced) {
			morph_buf_puts(b, ", \"max_price\": {\"prompt\": ");
			err = morph_json_put_number(b, maxin);
			morph_buf_puts(b, ", \"completion\": ");
			if (err == NULL)
				err = morph_json_put_number(b, maxout);
			morph_buf_putc(b, '}');
		}
		morph_buf_puts(b, "}\n    }");
	}
	morph_buf_puts(b, first ? "}\n}\n" : "\n  }\n}\n");
	morph_buf_release(&tmp);
	return err;
}
