/*
 * Otari's forms of a routing plan: config.yml's routing policies and
 * pricing, and the bodies of POST /v1/routing/preferences/rank that teach
 * its learned router (../shared/specs/otari/README.md has the rules).
 *
 * A policy per prompt that has a candidate, named by morph_route_names:
 * the recommended model is the default; with a canary, a weighted router
 * first sends canary_pct percent to it and the rest to the baseline (when
 * it is a candidate) or else to the next candidate up; the candidates
 * not in that pool follow as on_failure.  Otari allows five candidates a
 * policy (the router's pool, or 1, plus on_failure): those past the
 * limit are named in a comment and left out.
 */
#include <stdio.h>
#include <string.h>

#include "morph/route.h"
#include "json_int.h"
#include "route_int.h"

/*
 * The candidates p's policy names, in order, into idx: the recommended
 * model, the canary's other model when there is a canary, then the
 * on_failure ones up to Otari's limit.  *pool is 2 with a canary, else 1.
 */
static size_t
members(size_t idx[MORPH_ROUTE_OTARI_MAX], size_t *pool,
    const struct morph_route_plan *plan, const struct morph_route_prompt *p,
    int canary_pct)
{
	size_t i, n = 0, other = 0;

	idx[n++] = 0;
	*pool = 1;
	if (canary_pct > 0 && p->ncandidates > 1) {
		other = morph_route_canary_other(plan, p);
		idx[n++] = other;
		*pool = 2;
	}
	for (i = 1; i < p->ncandidates && n < MORPH_ROUTE_OTARI_MAX; i++)
		if (*pool == 1 || i != other)
			idx[n++] = i;
	return n;
}

static void
item(struct morph_buf *b, const char *indent, struct morph_buf *tmp,
    const struct morph_route_model *m)
{
	morph_buf_printf(b, "%s- ", indent);
	morph_route_yaml_scalar(b, morph_route_selector(tmp, m));
	morph_buf_putc(b, '\n');
}

static void
policy(struct morph_buf *b, const struct morph_route_plan *plan,
    const struct morph_route_prompt *p, const char *name,
    const struct morph_route_write_opts *o, struct morph_buf *tmp)
{
	const struct morph_route_model *rec = &p->candidates[0], *other;
	size_t idx[MORPH_ROUTE_OTARI_MAX], i, j, n, pool;

	n = members(idx, &pool, plan, p, o->canary_pct);
	morph_buf_puts(b, "    ");
	morph_route_yaml_scalar(b, name);
	morph_buf_puts(b, ":\n      spec_version: 1\n      select:\n");
	if (pool == 2) {
		other = &p->candidates[idx[1]];
		morph_buf_printf(b, "        # canary: %d%% to the recommended "
		    "model, %d%% to ", o->canary_pct, 100 - o->canary_pct);
		morph_route_comment_text(b, other->id);
		morph_buf_puts(b, "\n        - router: weighted\n"
		    "          candidates:\n");
		item(b, "            ", tmp, rec);
		item(b, "            ", tmp, other);
		morph_buf_puts(b, "          weights:\n            ");
		morph_route_yaml_scalar(b, morph_route_selector(tmp, rec));
		morph_buf_printf(b, ": %d\n            ", o->canary_pct);
		morph_route_yaml_scalar(b, morph_route_selector(tmp, other));
		morph_buf_printf(b, ": %d\n", 100 - o->canary_pct);
	} else if (o->canary_pct > 0)
		morph_buf_puts(b, "        # no canary: one model qualifies\n");
	morph_buf_puts(b, "        - default: ");
	morph_route_yaml_scalar(b, morph_route_selector(tmp, rec));
	morph_buf_putc(b, '\n');
	if (n > pool)
		morph_buf_puts(b, "      on_failure:\n");
	for (i = pool; i < n; i++)
		item(b, "        ", tmp, &p->candidates[idx[i]]);
	/* What the limit left out, so that a reader knows. */
	for (i = 1; i < p->ncandidates; i++) {
		for (j = 0; j < n && idx[j] != i; j++)
			;
		if (j < n)
			continue;
		morph_buf_puts(b, "      # left out, over Otari's limit of 5 "
		    "candidates: ");
		morph_route_comment_text(b, p->candidates[i].id);
		morph_buf_putc(b, '\n');
	}
}

static void
price_line(struct morph_buf *b, const char *key, double mtok)
{
	if (mtok < 0)
		return;
	morph_buf_printf(b, "    %s: ", key);
	morph_route_put_price(b, mtok, 0);
	morph_buf_putc(b, '\n');
}

/* Whether selector sel is among the n lines of seen. */
static int
seen_before(const struct morph_buf *seen, const char *sel)
{
	const char *s = morph_buf_cstr(seen), *nl;
	size_t len = strlen(sel);

	for (; s != NULL && *s != '\0'; s = nl + 1) {
		nl = strchr(s, '\n');
		if ((size_t)(nl - s) == len && memcmp(s, sel, len) == 0)
			return 1;
	}
	return 0;
}

const struct morph_error *
morph_route_write_otari(struct morph_buf *b,
    const struct morph_route_plan *plan, char **names,
    const struct morph_route_write_opts *o)
{
	struct morph_buf tmp = MORPH_BUF_INIT, seen = MORPH_BUF_INIT;
	const struct morph_route_prompt *p;
	const struct morph_route_model *m;
	size_t idx[MORPH_ROUTE_OTARI_MAX], i, j, n, pool;

	morph_route_comment_header(b, plan, names, "otari");
	morph_buf_puts(b, "routing:\n  enabled: true\n  policies:\n");
	for (i = 0; i < plan->nprompts; i++) {
		p = &plan->prompts[i];
		if (p->ncandidates == 0) {
			morph_buf_puts(b, "    # ");
			morph_route_comment_text(b, p->path);
			morph_buf_puts(b, ": no model qualifies, no policy\n");
			continue;
		}
		policy(b, plan, p, names[i], o, &tmp);
	}
	/* Every model a policy names, once, in the order first named. */
	morph_buf_puts(b, "pricing:\n");
	for (i = 0; i < plan->nprompts; i++) {
		p = &plan->prompts[i];
		if (p->ncandidates == 0)
			continue;
		n = members(idx, &pool, plan, p, o->canary_pct);
		for (j = 0; j < n; j++) {
			m = &p->candidates[idx[j]];
			if (seen_before(&seen, morph_route_selector(&tmp, m)))
				continue;
			morph_buf_puts(&seen, morph_buf_cstr(&tmp));
			morph_buf_putc(&seen, '\n');
			if (!m->priced || m->in_mtok < 0 || m->out_mtok < 0) {
				morph_buf_puts(b, "  # unpriced, which Otari "
				    "refuses unless require_pricing is off: ");
				morph_route_comment_text(b, tmp.ptr);
				morph_buf_putc(b, '\n');
				continue;
			}
			morph_buf_puts(b, "  ");
			morph_route_yaml_scalar(b, tmp.ptr);
			morph_buf_puts(b, ":\n");
			price_line(b, "input_price_per_million", m->in_mtok);
			price_line(b, "output_price_per_million", m->out_mtok);
			price_line(b, "cache_read_price_per_million",
			    m->cache_read_mtok);
			price_line(b, "cache_write_price_per_million",
			    m->cache_write_mtok);
		}
	}
	morph_buf_release(&tmp);
	morph_buf_release(&seen);
	return morph_buf_status(b);
}

/* m's score on case c, or -1: none (a plan may have no scores). */
static double
score(const struct morph_route_model *m, size_t c)
{
	return m->scores != NULL ? m->scores[c] : -1;
}

/* Closes the body being written, if one is open. */
static void
rank_close(struct morph_buf *b, size_t *inbody)
{
	if (*inbody > 0)
		morph_buf_puts(b, "]}\n");
	*inbody = 0;
}

const struct morph_error *
morph_route_write_otari_rank(struct morph_buf *b,
    const struct morph_route_plan *plan, char **names,
    const struct morph_route_write_opts *o)
{
	struct morph_buf tmp = MORPH_BUF_INIT;
	const struct morph_route_prompt *p;
	const struct morph_error *err = NULL;
	size_t i, j, c, ncand, inbody = 0;
	int any;

	(void)names;
	if (o->user_id == NULL || o->user_id[0] == '\0')
		return morph_error_fmt(MORPH_ERR_INVALID, "route export: "
		    "otari-rank needs the user whose routing memory it "
		    "teaches (--user): Otari keeps that memory per user");
	for (i = 0; i < plan->nprompts && err == NULL; i++) {
		p = &plan->prompts[i];
		ncand = p->ncandidates < MORPH_ROUTE_OTARI_MAX ?
		    p->ncandidates : MORPH_ROUTE_OTARI_MAX;
		for (c = 0; c < p->ncases && err == NULL; c++) {
			/* Otari refuses a blank prompt and empty scores. */
			if (p->cases[c].text == NULL ||
			    strspn(p->cases[c].text, " \t\r\n") ==
			    strlen(p->cases[c].text))
				continue;
			for (j = 0, any = 0; j < ncand; j++)
				any |= score(&p->candidates[j], c) >= 0;
			if (!any)
				continue;
			if (inbody == MORPH_ROUTE_OTARI_RANK_MAX)
				rank_close(b, &inbody);
			if (inbody == 0) {
				morph_buf_puts(b, "{\"user_id\":");
				morph_json_put_string(b, o->user_id,
				    strlen(o->user_id));
				morph_buf_puts(b, ",\"examples\":[");
			} else
				morph_buf_putc(b, ',');
			inbody++;
			morph_buf_puts(b, "{\"prompt\":");
			morph_json_put_string(b, p->cases[c].text,
			    strlen(p->cases[c].text));
			morph_buf_puts(b, ",\"scores\":{");
			for (j = 0, any = 0; j < ncand && err == NULL; j++) {
				const struct morph_route_model *m =
				    &p->candidates[j];

				if (score(m, c) < 0)
					continue;
				if (any++)
					morph_buf_putc(b, ',');
				morph_route_selector(&tmp, m);
				morph_json_put_string(b, tmp.ptr, tmp.len);
				morph_buf_putc(b, ':');
				err = morph_json_put_number(b, m->scores[c]);
			}
			morph_buf_puts(b, "},\"task_id\":");
			morph_json_put_string(b, p->path, strlen(p->path));
			morph_buf_puts(b, ",\"label_source\":\"judge\"}");
		}
	}
	rank_close(b, &inbody);
	morph_buf_release(&tmp);
	return err;
}
