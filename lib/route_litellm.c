/*
 * A routing plan as a LiteLLM proxy config.yaml (../shared/specs/litellm/).
 *
 * A model group per prompt that has a candidate, named by
 * morph_route_names, holds the candidates with their costs per token, so
 * that cost-based-routing sends each request to the cheapest of them that
 * is not cooling down.  Fallbacks go up the frontier explicitly: group
 * NAME@2 holds the second candidate alone, NAME@3 the third, and NAME
 * falls back to them in that order (LiteLLM follows at most 5), for a
 * group whose cheapest deployment answers with an error that puts it in
 * no cooldown would otherwise be picked again.  '@' never occurs in a
 * name, so these groups cannot meet another prompt's.  Keys are
 * os.environ/NAME, with the provider's key variable.
 */
#include <stdio.h>
#include <string.h>

#include "morph/route.h"
#include "route_int.h"

/* LiteLLM's provider prefix where it differs from any-llm's id. */
static const struct {
	const char	*anyllm;
	const char	*litellm;
} prefixes[] = {
	{ "fireworks", "fireworks_ai" },
	{ "lmstudio", "lm_studio" },
	{ "together", "together_ai" },
	{ "vllm", "hosted_vllm" },
};

static const char *
prefix(const char *provider)
{
	size_t i;

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (strcmp(prefixes[i].anyllm, provider) == 0)
			return prefixes[i].litellm;
	return provider;
}

/* The most fallbacks LiteLLM follows (ROUTER_MAX_FALLBACKS). */
#define LITELLM_MAX_FALLBACKS	5

static void
deployment(struct morph_buf *b, const char *group, int up,
    const struct morph_route_model *m, struct morph_buf *tmp)
{
	morph_buf_clear(tmp);
	morph_buf_puts(tmp, group);
	if (up > 0)
		morph_buf_printf(tmp, "@%d", up);
	morph_buf_puts(b, "  - model_name: ");
	morph_route_yaml_scalar(b, morph_buf_cstr(tmp));
	morph_buf_puts(b, "\n    litellm_params:\n      model: ");
	morph_buf_clear(tmp);
	morph_buf_printf(tmp, "%s/%s", prefix(m->provider), m->model);
	morph_route_yaml_scalar(b, morph_buf_cstr(tmp));
	morph_buf_putc(b, '\n');
	if (m->key_env != NULL) {
		morph_buf_clear(tmp);
		morph_buf_printf(tmp, "os.environ/%s", m->key_env);
		morph_buf_puts(b, "      api_key: ");
		morph_route_yaml_scalar(b, morph_buf_cstr(tmp));
		morph_buf_putc(b, '\n');
	}
	morph_buf_puts(b, "      input_cost_per_token: ");
	morph_route_put_price(b, m->in_mtok, 1);
	morph_buf_puts(b, "\n      output_cost_per_token: ");
	morph_route_put_price(b, m->out_mtok, 1);
	morph_buf_putc(b, '\n');
	if (m->cache_read_mtok >= 0) {
		morph_buf_puts(b, "      cache_read_input_token_cost: ");
		morph_route_put_price(b, m->cache_read_mtok, 1);
		morph_buf_putc(b, '\n');
	}
	if (m->cache_write_mtok >= 0) {
		morph_buf_puts(b, "      cache_creation_input_token_cost: ");
		morph_route_put_price(b, m->cache_write_mtok, 1);
		morph_buf_putc(b, '\n');
	}
}

/* Whether a deployment can carry m: cost-based routing needs its costs. */
static int
routable(const struct morph_route_model *m)
{
	return m->priced && m->in_mtok >= 0 && m->out_mtok >= 0;
}

const struct morph_error *
morph_route_write_litellm(struct morph_buf *b,
    const struct morph_route_plan *plan, char **names,
    const struct morph_route_write_opts *o)
{
	struct morph_buf tmp = MORPH_BUF_INIT;
	const struct morph_route_prompt *p;
	size_t i, j, nfb;
	int any = 0;

	(void)o;
	morph_route_comment_header(b, plan, names, "litellm");
	morph_buf_puts(b, "model_list:\n");
	for (i = 0; i < plan->nprompts; i++) {
		p = &plan->prompts[i];
		for (j = 0; j < p->ncandidates; j++) {
			if (!routable(&p->candidates[j])) {
				morph_buf_puts(b, "  # unpriced, left out of "
				    "cost-based routing: ");
				morph_route_comment_text(b,
				    p->candidates[j].id);
				morph_buf_putc(b, '\n');
				continue;
			}
			deployment(b, names[i], 0, &p->candidates[j], &tmp);
		}
		for (j = 1, nfb = 0; j < p->ncandidates &&
		    nfb < LITELLM_MAX_FALLBACKS; j++)
			if (routable(&p->candidates[j]) &&
			    routable(&p->candidates[0])) {
				deployment(b, names[i], (int)j + 1,
				    &p->candidates[j], &tmp);
				nfb++;
			}
	}
	morph_buf_puts(b, "router_settings:\n"
	    "  routing_strategy: cost-based-routing\n");
	for (i = 0; i < plan->nprompts; i++) {
		p = &plan->prompts[i];
		if (p->ncandidates < 2 || !routable(&p->candidates[0]))
			continue;
		for (j = 1, nfb = 0; j < p->ncandidates &&
		    nfb < LITELLM_MAX_FALLBACKS; j++) {
			if (!routable(&p->candidates[j]))
				continue;
			if (!any++)
				morph_buf_puts(b, "  fallbacks:\n");
			if (nfb++ == 0) {
				morph_buf_puts(b, "    - ");
				morph_route_yaml_scalar(b, names[i]);
				morph_buf_puts(b, ":\n");
			}
			morph_buf_clear(&tmp);
			morph_buf_printf(&tmp, "%s@%zu", names[i], j + 1);
			morph_buf_puts(b, "        - ");
			morph_route_yaml_scalar(b, morph_buf_cstr(&tmp));
			morph_buf_putc(b, '\n');
		}
	}
	morph_buf_release(&tmp);
	return morph_buf_status(b);
}
