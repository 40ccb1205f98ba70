/*
 * The routing plan's own source, until morph select decides instead
 * (morph_route_plan_by_floor in morph/route.h): per prompt of one run,
 * the models whose pass rate reaches a floor, cheapest per call first.
 *
 * The run is read once as a stream in (prompt, case, model, sample)
 * order; what is kept is one cell per (prompt, case, model) with its
 * counts and costs, which is all the plan needs.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "morph/commit.h"
#include "morph/eval.h"
#include "morph/prices.h"
#include "morph/provider.h"
#include "morph/route.h"
#include "morph/run.h"
#include "morph/stats.h"
#include "route_int.h"
#include "suite_int.h"

/* One (case, model) of a prompt. */
struct cell {
	size_t	 kase;
	size_t	 model;
	int64_t	 n, k;
};

/* Totals of one model over a prompt. */
struct total {
	char	*id;
	int64_t	 n, k;
	int64_t	 cost_sum;
	int64_t	 cost_calls;
};

struct acc_prompt {
	char		*path;
	char		**cases;
	size_t		 ncases;
	struct total	*models;
	size_t		 nmodels;
	struct cell	*cells;
	size_t		 ncells;
};

struct acc {
	struct acc_prompt	*prompts;
	size_t			 nprompts;
};

static int
grow(void *pp, size_t n, size_t size)
{
	void *p = realloc(*(void **)pp, (n + 1) * size);

	if (p == NULL)
		return -1;
	*(void **)pp = p;
	return 0;
}

static const struct morph_error *
one_result(const struct morph_result *r, void *arg)
{
	struct acc *a = arg;
	struct acc_prompt *p;
	struct total *t;
	struct cell *c;
	size_t ci, mi;

	if (a->nprompts == 0 ||
	    strcmp(a->prompts[a->nprompts - 1].path, r->prompt) != 0) {
		if (grow(&a->prompts, a->nprompts, sizeof(*a->prompts)) != 0)
			return morph_error(MORPH_ERR_NOMEM);
		p = &a->prompts[a->nprompts];
		memset(p, 0, sizeof(*p));
		if ((p->path = strdup(r->prompt)) == NULL)
			return morph_error(MORPH_ERR_NOMEM);
		a->nprompts++;
	}
	p = &a->prompts[a->nprompts - 1];
	if (p->ncases == 0 ||
	    strcmp(p->cases[p->ncases - 1], r->case_id) != 0) {
		if (grow(&p->cases, p->ncases, sizeof(*p->cases)) != 0 ||
		    (p->cases[p->ncases] = strdup(r->case_id)) == NULL)
			return morph_error(MORPH_ERR_NOMEM);
		p->ncases++;
	}
	ci = p->ncases - 1;
	for (mi = 0; mi < p->nmodels; mi++)
		if (strcmp(p->models[mi].id, r->model) == 0)
			break;
	if (mi == p->nmodels) {
		if (grow(&p->models, p->nmodels, sizeof(*p->models)) != 0)
			return morph_error(MORPH_ERR_NOMEM);
		t = &p->models[p->nmodels];
		memset(t, 0, sizeof(*t));
		if ((t->id = strdup(r->model)) == NULL)
			return morph_error(MORPH_ERR_NOMEM);
		p->nmodels++;
	}
	t = &p->models[mi];
	if (r->cost_nusd >= 0) {
		t->cost_sum += r->cost_nusd;
		t->cost_calls++;
	}
	/* A call that failed fails; a result without assertions is no
	   evidence of quality. */
	if (r->pass == -1 && strcmp(r->status, "error") != 0)
		return NULL;
	if (p->ncells == 0 || p->cells[p->ncells - 1].kase != ci ||
	    p->cells[p->ncells - 1].model != mi) {
		if (grow(&p->cells, p->ncells, sizeof(*p->cells)) != 0)
			return morph_error(MORPH_ERR_NOMEM);
		c = &p->cells[p->ncells++];
		c->kase = ci;
		c->model = mi;
		c->n = c->k = 0;
	}
	c = &p->cells[p->ncells - 1];
	c->n++;
	t->n++;
	if (r->pass == 1) {
		c->k++;
		t->k++;
	}
	return NULL;
}

static void
acc_release(struct acc *a)
{
	size_t i, j;

	for (i = 0; i < a->nprompts; i++) {
		struct acc_prompt *p = &a->prompts[i];

		free(p->path);
		for (j = 0; j < p->ncases; j++)
			free(p->cases[j]);
		free(p->cases);
		for (j = 0; j < p->nmodels; j++)
			free(p->models[j].id);
		free(p->models);
		free(p->cells);
	}
	free(a->prompts);
}

static char *
dupfmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *
dupfmt(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || (s = malloc((size_t)n + 1)) == NULL)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

const struct morph_error *
morph_route_case_text(char **out, const struct morph_suite *s, const char *path,
    const char *case_id)
{
	const struct morph_suite_prompt *p = NULL;
	const struct morph_suite_case *c = NULL;
	const struct morph_error *err;
	const cJSON *m, *role, *content;
	cJSON *msgs;
	size_t i;

	*out = NULL;
	for (i = 0; i < s->nprompts && p == NULL; i++)
		if (strcmp(s->prompts[i].path, path) == 0)
			p = &s->prompts[i];
	for (i = 0; i < s->ncases && c == NULL; i++)
		if (strcmp(s->cases[i].id, case_id) == 0)
			c = &s->cases[i];
	if (p == NULL || c == NULL)
		return NULL;
	if ((err = morph_suite_render(&msgs, p, c)) != NULL)
		return err;
	content = NULL;
	cJSON_ArrayForEach(m, msgs) {
		role = cJSON_GetObjectItemCaseSensitive(m, "role");
		if (cJSON_IsString(role) && strcmp(role->valuestring,
		    "user") == 0)
			content = cJSON_GetObjectItemCaseSensitive(m,
			    "content");
	}
	if (cJSON_IsString(content))
		*out = strdup(content->valuestring);
	else if (content != NULL)
		*out = cJSON_PrintUnformatted(content);
	else
		*out = strdup("");
	cJSON_Delete(msgs);
	return *out == NULL ? morph_error(MORPH_ERR_NOMEM) : NULL;
}

const struct morph_error *
morph_route_model_facts(struct morph_route_model *m, struct morph_repo *repo,
    struct morph_prices *prices, const struct morph_suite *s, int64_t at_ms)
{
	const struct morph_suite_model *sm = NULL;
	const struct morph_error *err;
	struct morph_price_view v;
	struct morph_provider prov;
	size_t i;

	for (i = 0; i < s->nmodels && sm == NULL; i++)
		if (strcmp(s->models[i].id, m->id) == 0)
			sm = &s->models[i];
	if (sm == NULL)
		return morph_error_fmt(MORPH_ERR_CORRUPT, "route: the run has "
		    "results of model '%s', which its suite does not list",
		    m->id);
	if ((m->provider = strdup(sm->provider)) == NULL ||
	    (m->model = strdup(sm->model)) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	memset(&prov, 0, sizeof(prov));
	if (morph_provider_lookup(&prov, repo, sm->provider) == NULL &&
	    prov.key_env != NULL &&
	    (m->key_env = strdup(prov.key_env)) == NULL) {
		morph_provider_release(&prov);
		return morph_error(MORPH_ERR_NOMEM);
	}
	morph_provider_release(&prov);
	m->in_mtok = m->out_mtok = m->cache_read_mtok = -1;
	m->cache_write_mtok = -1;
	if ((err = morph_prices_view(&v, prices, repo, sm->spec,
	    at_ms)) != NULL)
		return err;
	m->priced = v.priced;
	if (v.free) {
		m->in_mtok = m->out_mtok = 0;
	} else if (v.priced) {
		m->in_mtok = v.base.in;
		m->out_mtok = v.base.out;
		m->cache_read_mtok = v.base.cache_read;
		m->cache_write_mtok = v.base.cache_write;
	}
	morph_price_view_release(&v);
	return NULL;
}

/* Cheapest per call first; unpriced last; then by id. */
static int
by_cost(const void *a, const void *b)
{
	const struct morph_route_model *x = a, *y = b;

	if ((x->cost_nusd < 0) != (y->cost_nusd < 0))
		return x->cost_nusd < 0 ? 1 : -1;
	if (x->cost_nusd != y->cost_nusd)
		return x->cost_nusd < y->cost_nusd ? -1 : 1;
	return strcmp(x->id, y->id);
}

static const struct morph_error *
build_prompt(struct morph_route_prompt *out, struct acc_prompt *ap,
    struct morph_repo *repo, struct morph_prices *prices,
    const struct morph_suite *s, const struct morph_route_floor_opts *o)
{
	const struct morph_error *err = NULL;
	struct morph_route_model *all;
	size_t i, j, nq = 0;

	out->path = ap->path;
	ap->path = NULL;
	out->ncases = ap->ncases;
	if ((out->cases = calloc(ap->ncases + 1, sizeof(*out->cases))) ==
	    NULL || (all = calloc(ap->nmodels + 1, sizeof(*all))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	for (i = 0; i < ap->ncases && err == NULL; i++) {
		out->cases[i].id = ap->cases[i];
		ap->cases[i] = NULL;
		err = morph_route_case_text(&out->cases[i].text, s, out->path,
		    out->cases[i].id);
	}
	for (i = 0; i < ap->nmodels && err == NULL; i++) {
		struct morph_route_model *m = &all[i];
		struct total *t = &ap->models[i];

		m->id = t->id;
		t->id = NULL;
		m->n = t->n;
		m->k = t->k;
		m->cost_nusd = t->cost_calls > 0 ? t->cost_sum /
		    t->cost_calls : -1;
		m->rate = m->lo = m->hi = -1;
		if (m->n > 0) {
			m->rate = (double)m->k / (double)m->n;
			morph_stats_wilson(&m->lo, &m->hi, (double)m->k,
			    (double)m->n, 0.95);
		}
		if ((m->scores = malloc((ap->ncases + 1) *
		    sizeof(*m->scores))) == NULL) {
			err = morph_error(MORPH_ERR_NOMEM);
			break;
		}
		for (j = 0; j < ap->ncases; j++)
			m->scores[j] = -1;
		for (j = 0; j < ap->ncells; j++)
			if (ap->cells[j].model == i && ap->cells[j].n > 0)
				m->scores[ap->cells[j].kase] =
				    (double)ap->cells[j].k /
				    (double)ap->cells[j].n;
		err = morph_route_model_facts(m, repo, prices, s, o->at_ms);
	}
	if (err == NULL)
		qsort(all, ap->nmodels, sizeof(*all), by_cost);
	/* Qualifying models first, in price order; then those left out. */
	for (i = 0; i < ap->nmodels && err == NULL; i++) {
		struct morph_route_model *m = &all[i];

		if (!m->priced)
			m->reason = strdup("unpriced: the price table has no "
			    "row for it, so a router cannot weigh its cost");
		else if (m->n == 0)
			m->reason = strdup("no results with assertions: "
			    "nothing measures its quality");
		else if (m->rate < o->floor)
			m->reason = dupfmt("pass rate %.0f%% (%lld/%lld) is "
			    "below the floor %.0f%%", 100 * m->rate,
			    (long long)m->k, (long long)m->n, 100 * o->floor);
		else {
			m->verdict = nq == 0 ? MORPH_ROUTE_RECOMMEND :
			    MORPH_ROUTE_QUALIFIES;
			m->reason = dupfmt(nq == 0 ? "the cheapest per call "
			    "whose pass rate %.0f%% reaches the floor %.0f%%" :
			    "pass rate %.0f%% reaches the floor %.0f%%; a "
			    "fallback", 100 * m->rate, 100 * o->floor);
			nq++;
			continue;
		}
		m->verdict = MORPH_ROUTE_EXCLUDED;
	}
	for (i = 0; i < ap->nmodels; i++)
		if (all[i].reason == NULL && err == NULL)
			err = morph_error(MORPH_ERR_NOMEM);
	if ((out->candidates = calloc(nq + 1, sizeof(*all))) == NULL ||
	    (out->left_out = calloc(ap->nmodels - nq + 1,
	    sizeof(*all))) == NULL) {
		if (err == NULL)
			err = morph_error(MORPH_ERR_NOMEM);
		nq = 0;
	}
	/* Moved into the prompt even on error, so that one free frees. */
	for (i = 0; i < ap->nmodels; i++) {
		if (out->candidates != NULL && out->left_out != NULL &&
		    all[i].verdict != MORPH_ROUTE_EXCLUDED)
			out->candidates[out->ncandidates++] = all[i];
		else if (out->left_out != NULL)
			out->left_out[out->nleft_out++] = all[i];
		else {
			free(all[i].id);
			free(all[i].provider);
			free(all[i].model);
			free(all[i].key_env);
			free(all[i].reason);
			free(all[i].scores);
		}
	}
	free(all);
	return err;
}

static int
by_path(const void *a, const void *b)
{
	const struct morph_route_prompt *x = a, *y = b;

	return strcmp(x->path, y->path);
}

const struct morph_error *
morph_route_plan_by_floor(struct morph_route_plan **out,
    struct morph_repo *repo, const char *run,
    const struct morph_route_floor_opts *opts)
{
	const struct morph_route_floor_opts defaults =
	    MORPH_ROUTE_FLOOR_OPTS_INIT;
	const struct morph_error *err;
	struct morph_route_floor_opts o;
	struct morph_route_plan *plan;
	struct morph_prices *prices = NULL;
	struct morph_suite *suite = NULL;
	struct morph_commit *c = NULL;
	struct morph_run_info ri;
	struct acc a = { NULL, 0 };
	struct timespec ts;
	size_t i;

	*out = NULL;
	o = opts != NULL ? *opts : defaults;
	if (!(o.floor >= 0 && o.floor <= 1))
		return morph_error_fmt(MORPH_ERR_INVALID, "route: the floor "
		    "is a pass rate from 0 to 1, not %g", o.floor);
	if (o.at_ms == 0) {
		clock_gettime(CLOCK_REALTIME, &ts);
		o.at_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	}
	if ((err = morph_run_find(&ri, repo, run)) != NULL)
		return err;
	if ((plan = calloc(1, sizeof(*plan))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	plan->commit = ri.commit;
	plan->rule.floor = o.floor;
	plan->rule.margin = plan->rule.alpha = -1;
	if ((plan->runs = calloc(1, sizeof(*plan->runs))) == NULL ||
	    (plan->runs[0] = ri.is_sealed ?
	    strdup(morph_oid_tostr(&ri.sealed)) :
	    dupfmt("#%lld", (long long)ri.num)) == NULL ||
	    (plan->source = strdup("morph route's own: the models whose "
	    "pass rate reaches the floor, cheapest per call first")) ==
	    NULL) {
		err = morph_error(MORPH_ERR_NOMEM);
		goto done;
	}
	plan->nruns = 1;
	if (ri.worktree)
		err = morph_suite_load(&suite, repo, &ri.tree);
	else if ((err = morph_commit_read(&c, repo, &ri.commit)) == NULL)
		err = morph_suite_load(&suite, repo, morph_commit_tree(c));
	if (err != NULL)
		goto done;
	if ((err = morph_prices_open(&prices, repo)) != NULL ||
	    (err = morph_run_results(repo, ri.num, one_result, &a)) != NULL)
		goto done;
	if ((plan->prompts = calloc(a.nprompts + 1,
	    sizeof(*plan->prompts))) == NULL) {
		err = morph_error(MORPH_ERR_NOMEM);
		goto done;
	}
	for (i = 0; i < a.nprompts && err == NULL; i++) {
		err = build_prompt(&plan->prompts[i], &a.prompts[i], repo,
		    prices, suite, &o);
		plan->nprompts++;
	}
	if (err == NULL)
		qsort(plan->prompts, plan->nprompts, sizeof(*plan->prompts),
		    by_path);
done:
	acc_release(&a);
	morph_prices_close(prices);
	morph_suite_free(suite);
	morph_commit_free(c);
	if (err != NULL)
		morph_route_plan_free(plan);
	else
		*out = plan;
	return err;
}
