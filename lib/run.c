/*
 * morph run: expanding a commit's suite into calls (the plan) and sending
 * them (the scheduler), recording each result as it completes.
 *
 * Invariants:
 *  1. Every call is resolved, validated and priced before anything is
 *     sent: a broken suite, assertion or provider costs nothing.
 *  2. One thread and one libcurl multi handle send everything; at most
 *     opts->jobs calls are in flight, and at most opts->provider_jobs for
 *     one provider; a call starts only when the pacer lets its model go
 *     (lib/pacer.c: the provider's rate limits).
 *  3. A result that cost something is committed to the database, with
 *     its output blob and cache row, before the scheduler waits on the
 *     network again: the calls that ended together are settled in one
 *     pass and committed in one transaction, so a crash or Ctrl-C loses
 *     at most the answers of the pass it interrupts (the milliseconds
 *     since the last wake), and one commit serves many results.  Results
 *     that cost nothing (answers from the cache, the echo provider) are
 *     committed in batches of BATCH: a crash loses at most a batch of
 *     what the next run recomputes for free.  While calls are in
 *     flight, WAL checkpoints run on a thread of their own
 *     (lib/checkpoint.c): a commit never waits for a disk sync.
 *  4. API keys are read from the environment when a request is built and
 *     live only in that request's headers: never in the call object, the
 *     database, an attempt record or a message.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "morph/commit.h"
#include "morph/refs.h"
#include "morph/revparse.h"
#include "morph/run.h"
#include "morph/tree.h"
#include "morph/worktree.h"
#include "assert_int.h"
#include "call_int.h"
#include "curl_int.h"
#include "http_int.h"
#include "json_int.h"
#include "judge_int.h"
#include "oidset_int.h"
#include "pacer_int.h"
#include "plan_int.h"
#include "prices_int.h"
#include "provider_int.h"
#include "redact_int.h"
#include "repo_int.h"
#include "rubric_int.h"
#include "runlock_int.h"
#include "runs_int.h"
#include "suite_int.h"

/* Output tokens assumed when a call sets no max_tokens (estimates only). */
#define DEFAULT_OUT_ESTIMATE	1024
/* Server-given retry delays longer than this are not waited for. */
#define MAX_RETRY_AFTER_MS	60000
/* Free results committed together (invariant 3). */
#define BATCH			1000
/* Calls of the plan looked at past one that waits for its limit. */
#define PACE_AHEAD		256

/* A model as the plan runs it. */
struct plan_model {
	char			*id;
	char			*spec;
	char			*model;
	cJSON			*params;	/* owned */
	struct morph_provider	 provider;
	int			 priced;
	struct morph_price	 price;
	int			 slot;		/* index in plan->pslots */
	struct morph_pacer_lane	*lane;		/* while executing; NULL for
						   echo */
};

/* One call of the plan. */
struct plan_call {
	struct morph_plan_item	 item;		/* the public view */
	size_t			 model;		/* into plan->models */
	size_t			 prompt;	/* into plan->suite->prompts */
	size_t			 kase;		/* into plan->suite->cases */
	const cJSON		*asserts;	/* the case's, borrowed */
	const cJSON		*vars;
	int			 judged;	/* an llm-rubric among them */
};

struct morph_plan {
	struct morph_repo	*repo;
	struct morph_oid	 commit;
	int			 worktree;	/* runs tree, not commit's */
	struct morph_oid	 tree;		/* the work tree's snapshot */
	struct morph_suite	*suite;
	unsigned char		*chosen;	/* [case]: it is planned */
	int			 some_cases;	/* only some are: opts->cases */
	struct plan_model	*models;
	size_t			 nmodels;
	struct plan_model	*judges;	/* llm-rubric's models */
	size_t			 njudges;
	char			**pslots;	/* distinct provider ids */
	size_t			 npslots;
	struct morph_prices	 prices;
	struct plan_call	*v;
	size_t			 n;
	size_t			 cap;
	int			 repeat;
	struct morph_oid	 key;		/* identifies the plan */
	char			*matrix;	/* canonical JSON */
};

/* Plan */

static const char *const sampling_keys[] = {
	"frequency_penalty", "max_tokens", "presence_penalty",
	"response_format", "seed", "stop", "temperature", "top_k", "top_p",
};

/* The sampling settings of morph.json's defaults (without "assert"). */
static cJSON *
default_params(const struct morph_suite *suite)
{
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(suite->doc,
	    "defaults");
	cJSON *out = cJSON_CreateObject(), *v;
	size_t i;

	for (i = 0; out != NULL && i < sizeof(sampling_keys) /
	    sizeof(sampling_keys[0]); i++) {
		v = cJSON_GetObjectItemCaseSensitive(d, sampling_keys[i]);
		if (v != NULL)
			cJSON_AddItemToObject(out, sampling_keys[i],
			    cJSON_Duplicate(v, 1));
	}
	return out;
}

/* Appends a model to v, plan->models or plan->judges. */
static const struct morph_error *
add_model_to(struct morph_plan *plan, struct plan_model **v, size_t *n,
    const char *id, const char *spec, const char *provider,
    const char *model, const cJSON *params)
{
	const struct morph_error *err;
	struct plan_model *m, *nv;
	size_t i;

	if ((nv = realloc(*v, (*n + 1) * sizeof(*nv))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	*v = nv;
	m = &nv[*n];
	memset(m, 0, sizeof(*m));
	m->id = strdup(id);
	m->spec = strdup(spec);
	m->model = strdup(model);
	m->params = cJSON_Duplicate(params, 1);
	if (m->id == NULL || m->spec == NULL || m->model == NULL ||
	    m->params == NULL) {
		free(m->id);
		free(m->spec);
		free(m->model);
		cJSON_Delete(m->params);
		return morph_error(MORPH_ERR_NOMEM);
	}
	(*n)++;
	if ((err = morph_provider_lookup(&m->provider, plan->repo,
	    provider)) != NULL)
		return morph_error_wrap(err, "model '%s'", id);
	m->priced = morph_prices_find(&m->price, &plan->prices, &m->provider,
	    model) == 0;
	for (i = 0; i < plan->npslots; i++)
		if (strcmp(plan->pslots[i], m->provider.id) == 0)
			break;
	if (i == plan->npslots) {
		char **ns = realloc(plan->pslots, (i + 1) * sizeof(*ns));

		if (ns == NULL)
			return morph_error(MORPH_ERR_NOMEM);
		plan->pslots = ns;
		if ((ns[i] = strdup(m->provider.id)) == NULL)
			return morph_error(MORPH_ERR_NOMEM);
		plan->npslots++;
	}
	m->slot = (int)i;
	return NULL;
}

static const struct morph_error *
add_model(struct morph_plan *plan, const char *id, const char *spec,
    const char *provider, const char *model, const cJSON *params)
{
	return add_model_to(plan, &plan->models, &plan->nmodels, id, spec,
	    provider, model, params);
}

/*
 * The models to run: the suite's, or with --model the ones named.  A
 * name that is no model id or spec of the suite but reads as
 * provider:model runs that model with the suite's defaults: switching
 * models is one flag.
 */
static const struct morph_error *
pick_models(struct morph_plan *plan, const struct morph_run_opts *opts)
{
	const struct morph_error *err = NULL;
	const struct morph_suite_model *sm;
	char *prov = NULL, *model = NULL;
	cJSON *defaults;
	size_t i, k;

	if (opts->nmodels == 0) {
		if (plan->suite->nmodels == 0)
			return morph_error_fmt(MORPH_ERR_SUITE, "morph.json: "
			    "models: the suite names no model; list some, or "
			    "name one with -m provider:model");
		for (i = 0; i < plan->suite->nmodels && err == NULL; i++) {
			sm = &plan->suite->models[i];
			err = add_model(plan, sm->id, sm->spec, sm->provider,
			    sm->model, sm->params);
		}
		return err;
	}
	for (k = 0; k < opts->nmodels && err == NULL; k++) {
		for (i = 0; i < plan->suite->nmodels; i++) {
			sm = &plan->suite->models[i];
			if (strcmp(sm->id, opts->models[k]) == 0 ||
			    strcmp(sm->spec, opts->models[k]) == 0)
				break;
		}
		if (i < plan->suite->nmodels) {
			err = add_model(plan, sm->id, sm->spec, sm->provider,
			    sm->model, sm->params);
			continue;
		}
		err = morph_model_parse(&prov, &model, opts->models[k]);
		if (err != NULL) {
			err = morph_error_fmt(MORPH_ERR_NOT_FOUND, "--model "
			    "'%s' is no model of the suite and not a "
			    "provider:model spec", opts->models[k]);
			break;
		}
		if ((defaults = default_params(plan->suite)) == NULL)
			err = morph_error(MORPH_ERR_NOMEM);
		else
			err = add_model(plan, opts->models[k],
			    opts->models[k], prov, model, defaults);
		cJSON_Delete(defaults);
		free(prov);
		free(model);
		prov = model = NULL;
	}
	return err;
}

/*
 * The cases to run: all, or with opts->cases the ones named, each of which
 * must be in the suite.
 */
static const struct morph_error *
pick_cases(struct morph_plan *plan, const struct morph_run_opts *opts)
{
	size_t i, k;

	plan->chosen = calloc(plan->suite->ncases, 1);
	if (plan->chosen == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	plan->some_cases = opts->ncases > 0;
	for (i = 0; i < plan->suite->ncases; i++)
		plan->chosen[i] = !plan->some_cases;
	for (k = 0; k < opts->ncases; k++) {
		for (i = 0; i < plan->suite->ncases; i++)
			if (strcmp(plan->suite->cases[i].id,
			    opts->cases[k]) == 0)
				break;
		if (i == plan->suite->ncases)
			return morph_error_fmt(MORPH_ERR_NOT_FOUND, "case '%s' "
			    "is not in the suite of commit %s", opts->cases[k],
			    morph_oid_tostr(&plan->commit));
		plan->chosen[i] = 1;
	}
	return NULL;
}

static const struct morph_error *
push_call(struct morph_plan *plan, struct plan_call **out)
{
	struct plan_call *nv;
	size_t cap;

	if (plan->n == plan->cap) {
		cap = plan->cap ? plan->cap * 2 : 64;
		if ((nv = realloc(plan->v, cap * sizeof(*nv))) == NULL)
			return morph_error(MORPH_ERR_NOMEM);
		plan->v = nv;
		plan->cap = cap;
	}
	*out = &plan->v[plan->n++];
	memset(*out, 0, sizeof(**out));
	return NULL;
}

/* Rough input tokens: a token is about four bytes of English. */
static int64_t
estimate_in(const cJSON *messages)
{
	const cJSON *m;
	const char *c;
	int64_t bytes = 0, n = 0;

	cJSON_ArrayForEach(m, messages) {
		if ((c = morph_json_str(m, "content")) != NULL)
			bytes += (int64_t)strlen(c);
		n++;
	}
	return (bytes + 3) / 4 + 4 * n;
}

/*
 * The call for prompt p and model m with the rendered messages: settings
 * combine as morph-suite(5) says (defaults, the model's, the prompt's).
 */
static const struct morph_error *
make_call(cJSON **out, const struct plan_model *m,
    const struct morph_suite_prompt *p, const cJSON *messages)
{
	const struct morph_error *err;
	struct morph_suite_model sm;
	cJSON *params = NULL;

	*out = NULL;
	memset(&sm, 0, sizeof(sm));
	sm.id = m->id;
	sm.spec = m->spec;
	sm.model = m->model;
	sm.params = m->params;
	if ((err = morph_suite_params(&params, &sm, p)) != NULL)
		return err;
	return morph_call_new(out, &m->provider, m->model, params,
	    cJSON_Duplicate(messages, 1));
}

/* Makes pc's call again, as the plan made (and checked) it. */
static const struct morph_error *
plan_call_make(cJSON **out, const struct morph_plan *plan,
    const struct plan_call *pc)
{
	const struct morph_suite_prompt *p = &plan->suite->prompts[pc->prompt];
	const struct morph_error *err;
	cJSON *messages;

	*out = NULL;
	if ((err = morph_suite_render(&messages, p,
	    &plan->suite->cases[pc->kase])) != NULL)
		return err;
	err = make_call(out, &plan->models[pc->model], p, messages);
	cJSON_Delete(messages);
	return err;
}

/* Builds and drops the request: the dialect's own checks, before sending. */
static const struct morph_error *
validate_call(const struct plan_model *m, const cJSON *call)
{
	const struct morph_dialect_ops *ops = morph_dialect(m->provider.dialect);
	const struct morph_error *err = NULL;
	struct morph_request req;

	if (m->provider.dialect == MORPH_DIALECT_ECHO || ops == NULL)
		return NULL;
	morph_request_init(&req);
	err = ops->build(&req, &m->provider, call, NULL);
	morph_request_release(&req);
	return err ? morph_error_wrap(err, "model '%s'", m->id) : NULL;
}

/* The judge model of spec, an llm-rubric, added to the plan if new. */
static const struct morph_error *
find_judge(struct plan_model **out, struct morph_plan *plan,
    const cJSON *spec)
{
	const struct morph_error *err;
	const char *name = morph_rubric_model(spec, plan->suite->judge);
	char *prov = NULL, *model = NULL;
	cJSON *params;
	size_t i;

	*out = NULL;
	if (name == NULL)
		return morph_error_fmt(MORPH_ERR_SUITE, "llm-rubric has no "
		    "judge: give it a \"provider\", or morph.json a "
		    "\"judge\", such as \"openai:gpt-4o-mini\"");
	for (i = 0; i < plan->njudges; i++)
		if (strcmp(plan->judges[i].spec, name) == 0) {
			*out = &plan->judges[i];
			return NULL;
		}
	if ((err = morph_model_parse(&prov, &model, name)) != NULL)
		return err;
	if ((params = cJSON_CreateObject()) == NULL)
		err = morph_error(MORPH_ERR_NOMEM);
	else
		err = add_model_to(plan, &plan->judges, &plan->njudges, name,
		    name, prov, model, params);
	cJSON_Delete(params);
	free(prov);
	free(model);
	if (err == NULL)
		*out = &plan->judges[plan->njudges - 1];
	return err;
}

/*
 * Checks an llm-rubric of case c before anything is sent: its judge
 * resolves, its rubric renders with the case's variables, and the
 * judge's dialect accepts the call.
 */
static const struct morph_error *
check_rubric(struct morph_plan *plan, const struct morph_suite_case *c,
    const cJSON *spec)
{
	const struct morph_error *err;
	struct plan_model *jm;
	struct morph_oid id;
	cJSON *call;

	if ((err = find_judge(&jm, plan, spec)) != NULL)
		return err;
	if ((err = morph_judge_call(&call, &id, &jm->provider, jm->model,
	    spec, "", c->vars)) != NULL)
		return err;
	err = validate_call(jm, call);
	cJSON_Delete(call);
	return err;
}

/* Checks every assertion of c once, naming the case file and line. */
static const struct morph_error *
check_asserts(struct morph_plan *plan, const struct morph_suite_case *c)
{
	const struct morph_error *err;
	const cJSON *a;
	int i = 0;

	cJSON_ArrayForEach(a, c->asserts) {
		if ((err = morph_assert_check(a)) != NULL ||
		    (morph_assert_is(a, "llm-rubric") &&
		    (err = check_rubric(plan, c, a)) != NULL))
			return morph_error_fmt(err->code == MORPH_ERR_NOMEM ?
			    MORPH_ERR_NOMEM : MORPH_ERR_SUITE, "%s:%d: case "
			    "'%s': assert[%d]: %s", c->file, c->line, c->id, i,
			    err->msg);
		i++;
	}
	return NULL;
}

/* Whether specs hold an llm-rubric. */
static int
has_rubric(const cJSON *specs)
{
	const cJSON *a;

	cJSON_ArrayForEach(a, specs)
		if (morph_assert_is(a, "llm-rubric"))
			return 1;
	return 0;
}

static const struct morph_error *
make_matrix(struct morph_plan *plan)
{
	const struct morph_error *err;
	struct morph_buf b = MORPH_BUF_INIT;
	cJSON *doc, *models, *prompts, *mo, *ids;
	size_t i, n = 0;

	if ((doc = cJSON_CreateObject()) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	models = cJSON_AddArrayToObject(doc, "models");
	prompts = cJSON_AddArrayToObject(doc, "prompts");
	for (i = 0; models != NULL && i < plan->nmodels; i++) {
		if ((mo = cJSON_CreateObject()) == NULL)
			break;
		cJSON_AddStringToObject(mo, "id", plan->models[i].id);
		cJSON_AddStringToObject(mo, "spec", plan->models[i].spec);
		cJSON_AddItemToObject(mo, "params",
		    cJSON_Duplicate(plan->models[i].params, 1));
		cJSON_AddItemToArray(models, mo);
	}
	for (i = 0; prompts != NULL && i < plan->suite->nprompts; i++)
		cJSON_AddItemToArray(prompts,
		    cJSON_CreateString(plan->suite->prompts[i].path));
	if (plan->some_cases) {
		/* A run of some cases says which: it is not the suite's. */
		ids = cJSON_AddArrayToObject(doc, "case_ids");
		for (i = 0; ids != NULL && i < plan->suite->ncases; i++)
			if (plan->chosen[i])
				cJSON_AddItemToArray(ids, cJSON_CreateString(
				    plan->suite->cases[i].id));
		for (i = 0; i < plan->suite->ncases; i++)
			n += plan->chosen[i];
	} else
		n = plan->suite->ncases;
	morph_json_add_int(doc, "cases", (int64_t)n);
	morph_json_add_int(doc, "calls", (int64_t)plan->n);
	morph_json_add_int(doc, "repeat", plan->repeat);
	err = morph_json_canonical(&b, doc);
	cJSON_Delete(doc);
	if (err == NULL && (plan->matrix = morph_buf_detach(&b, NULL)) == NULL)
		err = morph_error(MORPH_ERR_NOMEM);
	morph_buf_release(&b);
	return err;
}

/* The plan's key: every call with its labels, in order. */
static const struct morph_error *
make_key(struct morph_plan *plan)
{
	struct morph_buf b = MORPH_BUF_INIT;
	const struct morph_error *err;
	size_t i;

	morph_buf_printf(&b, "%s\n", morph_oid_tostr(&plan->commit));
	if (plan->worktree)
		morph_buf_printf(&b, "tree %s\n", morph_oid_tostr(&plan->tree));
	for (i = 0; i < plan->n; i++) {
		const struct morph_plan_item *it = &plan->v[i].item;

		morph_buf_printf(&b, "%s", it->prompt);
		morph_buf_putc(&b, 0);
		morph_buf_puts(&b, it->case_id);
		morph_buf_putc(&b, 0);
		morph_buf_puts(&b, it->model);
		morph_buf_printf(&b, "%c%d %s\n", 0, it->sample,
		    morph_oid_tostr(&it->call));
	}
	if ((err = morph_buf_status(&b)) == NULL)
		morph_hash_bytes(&plan->key, b.ptr, b.len);
	morph_buf_release(&b);
	return err;
}

/* Whether some model of the plan answers over the network. */
static int
sends(const struct morph_plan *plan)
{
	size_t i;

	for (i = 0; i < plan->nmodels; i++)
		if (plan->models[i].provider.dialect != MORPH_DIALECT_ECHO)
			return 1;
	return 0;
}

/*
 * The plan of commit, or with tree of that tree on top of commit; suite,
 * when not NULL, is that tree's suite already loaded, which the plan
 * takes over.
 */
static const struct morph_error *
plan_new(struct morph_plan **out, struct morph_repo *repo,
    const struct morph_oid *commit, const struct morph_oid *tree,
    struct morph_suite *suite, const struct morph_run_opts *opts)
{
	const struct morph_error *err;
	struct morph_cache_entry ce;
	struct morph_commit *c = NULL;
	struct morph_plan *plan;
	struct plan_call *pc = NULL;
	cJSON *messages = NULL, *call;
	struct morph_oid id;
	size_t ip, ic, im;
	int s, found;

	*out = NULL;
	if ((plan = calloc(1, sizeof(*plan))) == NULL) {
		morph_suite_free(suite);
		return morph_error(MORPH_ERR_NOMEM);
	}
	plan->repo = repo;
	plan->suite = suite;
	plan->commit = *commit;
	if (tree != NULL) {
		plan->worktree = 1;
		plan->tree = *tree;
	}
	plan->repeat = opts->repeat > 0 ? opts->repeat : 1;
	/*
	 * One snapshot for every read, not a lock and a stat each.  Nothing
	 * is written inside it: a write there could not wait for another
	 * writer's lock, and would be rolled back with the snapshot (the
	 * price table is stored when the run starts).
	 */
	if ((err = morph_repo_read_begin(repo)) != NULL) {
		morph_plan_free(plan);
		return err;
	}
	if ((err = morph_commit_read(&c, repo, commit)) != NULL ||
	    (plan->suite == NULL && (err = morph_suite_load(&plan->suite, repo,
	    tree != NULL ? tree : morph_commit_tree(c))) != NULL) ||
	    (err = morph_prices_load(&plan->prices, repo)) != NULL ||
	    (err = pick_models(plan, opts)) != NULL ||
	    (err = pick_cases(plan, opts)) != NULL)
		goto done;
	/* libcurl loads in a thread while the plan is made. */
	if (!opts->plan_only && !opts->offline && sends(plan))
		morph_curl_preload();
	for (ic = 0; ic < plan->suite->ncases; ic++)
		if (plan->chosen[ic] &&
		    (err = check_asserts(plan, &plan->suite->cases[ic])))
			goto done;

	for (ip = 0; ip < plan->suite->nprompts; ip++) {
		const struct morph_suite_prompt *p = &plan->suite->prompts[ip];

		for (ic = 0; ic < plan->suite->ncases; ic++) {
			const struct morph_suite_case *sc =
			    &plan->suite->cases[ic];

			if (!plan->chosen[ic] ||
			    !morph_suite_case_applies(sc, p))
				continue;
			if ((err = morph_suite_render(&messages, p, sc)))
				goto done;
			for (im = 0; im < plan->nmodels; im++) {
				struct plan_model *m = &plan->models[im];
				const cJSON *mt;
				int64_t in, outt;

				if ((err = make_call(&call, m, p,
				    messages)) != NULL)
					goto done;
				if ((err = validate_call(m, call)) != NULL ||
				    (err = morph_call_id(&id, call)) != NULL) {
					cJSON_Delete(call);
					goto done;
				}
				in = estimate_in(messages);
				mt = cJSON_GetObjectItemCaseSensitive(
				    cJSON_GetObjectItemCaseSensitive(call,
				    "params"), "max_tokens");
				outt = cJSON_IsNumber(mt) ?
				    (int64_t)mt->valuedouble :
				    DEFAULT_OUT_ESTIMATE;
				/*
				 * The call itself is made again when it is
				 * sent (plan_call_make): a plan of many cases
				 * keeps only their ids.
				 */
				cJSON_Delete(call);
				for (s = 0; s < plan->repeat; s++) {
					if ((err = push_call(plan, &pc)))
						goto done;
					pc->model = im;
					pc->prompt = ip;
					pc->kase = ic;
					pc->asserts = sc->asserts;
					pc->vars = sc->vars;
					pc->judged = has_rubric(sc->asserts);
					pc->item.prompt = p->path;
					pc->item.case_id = sc->id;
					pc->item.model = m->id;
					pc->item.spec = m->spec;
					pc->item.sample = s;
					pc->item.call = id;
					pc->item.est_tokens_in = in;
					pc->item.est_tokens_out = outt;
					pc->item.est_cost_nusd = m->priced ?
					    morph_price_cost(&m->price, in,
					    outt, 0, 0, morph_now_ms()) : -1;
					found = 0;
					if (!opts->no_cache && (err =
					    morph_cache_get(&ce, &found, repo,
					    &id, s)) != NULL)
						goto done;
					pc->item.cached = found;
				}
			}
			cJSON_Delete(messages);
			messages = NULL;
		}
	}
	if ((err = make_matrix(plan)) == NULL)
		err = make_key(plan);
done:
	morph_repo_read_end(repo);
	cJSON_Delete(messages);
	morph_commit_free(c);
	if (err != NULL) {
		morph_plan_free(plan);
		return err;
	}
	*out = plan;
	return NULL;
}

const struct morph_error *
morph_plan_new(struct morph_plan **out, struct morph_repo *repo,
    const struct morph_oid *commit, const struct morph_run_opts *opts)
{
	return plan_new(out, repo, commit, NULL, NULL, opts);
}

const struct morph_error *
morph_plan_new_suite(struct morph_plan **out, struct morph_repo *repo,
    const struct morph_oid *commit, const struct morph_oid *tree,
    struct morph_suite *suite, const struct morph_run_opts *opts)
{
	return plan_new(out, repo, commit, tree, suite, opts);
}

/* HEAD's commit; NOT_FOUND, saying what to do, on an unborn branch. */
static const struct morph_error *
head_commit(struct morph_oid *out, struct morph_repo *repo)
{
	const struct morph_error *err;

	err = morph_revparse_type(out, repo, MORPH_HEAD, MORPH_OBJ_COMMIT);
	if (err != NULL && err->code == MORPH_ERR_NOT_FOUND)
		return morph_error_fmt(MORPH_ERR_NOT_FOUND, "--worktree runs "
		    "the work tree on top of HEAD, which has no commit yet: "
		    "commit once (morph add . && morph commit)");
	return err;
}

const struct morph_error *
morph_plan_new_worktree(struct morph_plan **out, struct morph_oid *tree,
    struct morph_repo *repo, const struct morph_run_opts *opts)
{
	const struct morph_error *err;
	struct morph_oid commit, t;

	*out = NULL;
	if ((err = head_commit(&commit, repo)) != NULL)
		return err;
	/* The snapshot's objects stay, so that the run can name its tree. */
	if ((err = morph_repo_begin(repo)) != NULL)
		return err;
	if ((err = morph_worktree_snapshot(&t, repo)) != NULL) {
		morph_repo_rollback(repo);
		return err;
	}
	if ((err = morph_repo_commit(repo)) != NULL)
		return err;
	if (tree != NULL)
		*tree = t;
	return plan_new(out, repo, &commit, &t, NULL, opts);
}

/* The suite files of two trees, for morph_run_worktree_changes. */
struct suite_paths {
	char	**v;
	size_t	  n;
};

static const struct morph_error *
add_suite_path(const char *path, void *arg)
{
	struct suite_paths *sp = arg;
	char **nv;

	if ((nv = realloc(sp->v, (sp->n + 1) * sizeof(*nv))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	sp->v = nv;
	if ((nv[sp->n] = strdup(path)) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	sp->n++;
	return NULL;
}

static int
cmp_path(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Whether path is the same file in trees a and b (absent in both counts). */
static const struct morph_error *
same_file(int *same, struct morph_repo *repo, const struct morph_oid *a,
    const struct morph_oid *b, const char *path)
{
	const struct morph_error *ea, *eb;
	struct morph_oid ia, ib;
	unsigned int ma = 0, mb = 0;

	ea = morph_tree_lookup(&ia, &ma, repo, a, path);
	if (ea != NULL && ea->code != MORPH_ERR_NOT_FOUND)
		return ea;
	eb = morph_tree_lookup(&ib, &mb, repo, b, path);
	if (eb != NULL && eb->code != MORPH_ERR_NOT_FOUND)
		return eb;
	if (ea != NULL || eb != NULL)
		*same = ea != NULL && eb != NULL;
	else
		*same = ma == mb && memcmp(&ia, &ib, sizeof(ia)) == 0;
	return NULL;
}

const struct morph_error *
morph_run_worktree_changes(struct morph_repo *repo,
    const struct morph_oid *commit,
    const struct morph_error *(*cb)(const char *path, void *), void *arg)
{
	const struct morph_error *err;
	struct morph_suite *sa = NULL, *sb = NULL;
	struct suite_paths sp = { NULL, 0 };
	struct morph_commit *c = NULL;
	struct morph_oid wt, ct;
	size_t i;
	int same;

	/* The snapshot is hashed and stored, then rolled back: not kept. */
	if ((err = morph_repo_begin(repo)) != NULL)
		return err;
	if ((err = morph_commit_read(&c, repo, commit)) != NULL ||
	    (err = morph_worktree_snapshot(&wt, repo)) != NULL)
		goto done;
	ct = *morph_commit_tree(c);
	if (memcmp(&ct, &wt, sizeof(ct)) == 0)
		goto done;
	/* A suite that does not load still has its morph.json. */
	if (morph_suite_load(&sa, repo, &ct) == NULL)
		err = morph_suite_files(sa, add_suite_path, &sp);
	if (err == NULL && morph_suite_load(&sb, repo, &wt) == NULL)
		err = morph_suite_files(sb, add_suite_path, &sp);
	if (err == NULL && sp.n == 0)
		err = add_suite_path("morph.json", &sp);
	if (err != NULL)
		goto done;
	qsort(sp.v, sp.n, sizeof(*sp.v), cmp_path);
	for (i = 0; i < sp.n && err == NULL; i++) {
		if (i > 0 && strcmp(sp.v[i], sp.v[i - 1]) == 0)
			continue;
		if ((err = same_file(&same, repo, &ct, &wt, sp.v[i])) == NULL &&
		    !same)
			err = cb(sp.v[i], arg);
	}
done:
	morph_repo_rollback(repo);
	morph_suite_free(sa);
	morph_suite_free(sb);
	morph_commit_free(c);
	for (i = 0; i < sp.n; i++)
		free(sp.v[i]);
	free(sp.v);
	return err;
}

void
morph_plan_free(struct morph_plan *plan)
{
	size_t i;

	if (plan == NULL)
		return;
	free(plan->v);
	free(plan->chosen);
	for (i = 0; i < plan->nmodels; i++) {
		free(plan->models[i].id);
		free(plan->models[i].spec);
		free(plan->models[i].model);
		cJSON_Delete(plan->models[i].params);
		morph_provider_release(&plan->models[i].provider);
	}
	free(plan->models);
	for (i = 0; i < plan->njudges; i++) {
		free(plan->judges[i].id);
		free(plan->judges[i].spec);
		free(plan->judges[i].model);
		cJSON_Delete(plan->judges[i].params);
		morph_provider_release(&plan->judges[i].provider);
	}
	free(plan->judges);
	for (i = 0; i < plan->npslots; i++)
		free(plan->pslots[i]);
	free(plan->pslots);
	morph_prices_release(&plan->prices);
	morph_suite_free(plan->suite);
	free(plan->matrix);
	free(plan);
	/* The process may end next: libcurl must not be half loaded. */
	morph_curl_preload_wait();
}

size_t
morph_plan_count(const struct morph_plan *plan)
{
	return plan->n;
}

const struct morph_plan_item *
morph_plan_item(const struct morph_plan *plan, size_t i)
{
	return &plan->v[i].item;
}

/* Execution */

/*
 * A call being sent: one of the plan (pc), or a judge's, which grades the
 * output of its parent against one llm-rubric.  A call whose case has
 * llm-rubrics stores its output when it arrives, then waits for its
 * judges; its result is recorded when the last has answered.
 *
 * A job lives from when its call is started (or answered from the cache
 * while judges are asked) until its result is recorded; retire() then
 * frees it with its judges.  Calls of the plan not started yet are only
 * plan_call pointers (exec.todo), so a run of many cases holds jobs for
 * what is in flight, not for every case.
 */
struct job {
	struct plan_call	*pc;		/* NULL for a judge's call */
	const struct plan_model	*m;		/* who answers */
	const cJSON		*call;
	struct morph_oid	 id;		/* call id */
	int			 sample;
	int64_t			 est_cost;	/* nano-USD; 0: unknown */
	int			 attempt;	/* attempts made so far */
	int64_t			 not_before;	/* ms; for a retry */
	int			 running;
	int			 finished;	/* the call is over */
	struct job		*live_prev;	/* on exec's live list */
	struct job		*live_next;
	cJSON			*attempts;	/* what each attempt did */
	struct morph_http_result *last;		/* of the attempt just done;
						   from start to settle */
	struct exec		*exec;		/* while it runs */
	struct job		*next_done;	/* on exec's done list */

	/* A judge's call. */
	struct job		*parent;
	const cJSON		*spec;		/* the llm-rubric */
	cJSON			*own_call;
	char			*answer;	/* the judge's reply */
	size_t			 answer_len;
	char			*failure;	/* why there is no reply */
	int			 cached;
	int64_t			 tokens_in;
	int64_t			 tokens_out;
	int64_t			 cost_nusd;	/* -1: unpriced */

	/* A call waiting for its judges. */
	struct job		**judges;
	size_t			 njudges;
	size_t			 waiting;	/* judges yet to answer */
	struct morph_cache_entry *ce;		/* its output, stored */
	int			 from_cache;
	int			 recorded;

	/* Rate limits (lib/pacer.c). */
	struct morph_pacer_ticket ticket;	/* of the attempt in flight */
	int64_t			 est_in;	/* tokens, for the pacer; 0: */
	int64_t			 est_out;	/* not estimated yet */
	int			 refused;	/* attempts refused for rate */
	int64_t			 refused_since;	/* us: the first refusal */
};

struct exec {
	struct morph_plan		*plan;
	struct morph_repo		*repo;
	const struct morph_run_opts	*opts;
	struct morph_run_outcome	*out;
	struct morph_http		*http;
	struct plan_call		**todo;		/* calls to send */
	size_t				 ntodo;
	size_t				 next;		/* first never started */
	struct job			*live;		/* every job allocated */
	struct job			**queue;	/* judges and retries
							   not yet started */
	size_t				 nqueue;
	size_t				 capqueue;
	struct job			*done;		/* transfers over, to */
	struct job			*done_tail;	/* settle, in order */
	size_t				 ndone;		/* on the done list */
	size_t				 freed;		/* slots freed since the
							   last refill */
	size_t				 running;
	int				*per_slot;	/* in flight a provider */
	int64_t				 spent_nusd;	/* new spend */
	int64_t				 reserved_nusd;	/* in flight */
	struct morph_run_progress	 progress;
	int64_t				 t0;
	int				 batch_open;	/* a free batch, or a
							   pass of collect() */
	int				 settling;	/* in collect() */
	int				 batched;
	struct morph_redactor		 redact;	/* the keys in use */

	/* Rate limits (lib/pacer.c). */
	struct morph_pacer		*pacer;		/* made by the first
							   schedule() */
	int				 held;		/* the last pass held a
							   call for a limit */
	int64_t				 held_at;	/* us: that pass */
	int64_t				 wake;		/* us: a held call may
							   go; 0: none */
	int64_t				 waited_us;	/* held, in all */
	char				*quota;		/* why a provider
							   refused for quota */
};

/*
 * Transactions (invariant 3): while collect() settles a pass, every write
 * joins the open batch, which collect() commits at the end of the pass;
 * outside a pass, what cost something commits at once, in its own, and
 * what was free joins the batch.
 */
static const struct morph_error *
flush_batch(struct exec *x)
{
	if (!x->batch_open)
		return NULL;
	x->batch_open = 0;
	x->batched = 0;
	return morph_repo_commit(x->repo);
}

static const struct morph_error *
txn_begin(struct exec *x, int free_write)
{
	const struct morph_error *err;

	free_write |= x->settling;

	if (!free_write && (err = flush_batch(x)) != NULL)
		return err;
	if (!free_write || !x->batch_open) {
		if ((err = morph_repo_begin(x->repo)) != NULL)
			return err;
		x->batch_open = free_write;
	}
	return NULL;
}

static const struct morph_error *
txn_end(struct exec *x, int free_write)
{
	if (x->settling)
		return NULL;		/* collect() commits the pass */
	if (!free_write)
		return morph_repo_commit(x->repo);
	if (++x->batched >= BATCH)
		return flush_batch(x);
	return NULL;
}

static void
txn_fail(struct exec *x)
{
	morph_repo_rollback(x->repo);
	x->batch_open = 0;
	x->batched = 0;
}

/* A new job, zeroed, on x's live list (drop_job frees it). */
static struct job *
new_job(struct exec *x)
{
	struct job *j;

	if ((j = calloc(1, sizeof(*j))) == NULL)
		return NULL;
	j->cost_nusd = -1;
	j->live_next = x->live;
	if (x->live != NULL)
		x->live->live_prev = j;
	x->live = j;
	return j;
}

/* Queues j, a judge's call or a retry, to be started when it may. */
static const struct morph_error *
enqueue(struct exec *x, struct job *j)
{
	struct job **nv;
	size_t cap;

	if (x->nqueue == x->capqueue) {
		cap = x->capqueue ? x->capqueue * 2 : 64;
		if ((nv = realloc(x->queue, cap * sizeof(*nv))) == NULL)
			return morph_error(MORPH_ERR_NOMEM);
		x->queue = nv;
		x->capqueue = cap;
	}
	x->queue[x->nqueue++] = j;
	return NULL;
}

/* Makes j (zeroed, or new) the job of pc, a call of the plan. */
static void
init_job(struct job *j, struct morph_plan *plan, struct plan_call *pc)
{
	j->pc = pc;
	j->m = &plan->models[pc->model];
	j->id = pc->item.call;
	j->sample = pc->item.sample;
	j->est_cost = pc->item.est_cost_nusd > 0 ? pc->item.est_cost_nusd : 0;
	j->cost_nusd = -1;
}

/* Frees what j holds, not j. */
static void
release_job(struct job *j)
{
	cJSON_Delete(j->attempts);
	cJSON_Delete(j->own_call);
	if (j->last != NULL)
		morph_buf_release(&j->last->body);
	free(j->last);
	free(j->ce);
	free(j->answer);
	free(j->failure);
	free(j->judges);
}

/* Takes j off the live list and frees it. */
static void
drop_job(struct exec *x, struct job *j)
{
	if (j->live_prev != NULL)
		j->live_prev->live_next = j->live_next;
	else
		x->live = j->live_next;
	if (j->live_next != NULL)
		j->live_next->live_prev = j->live_prev;
	release_job(j);
	free(j);
}

/*
 * Frees the call of the plan that j is (or that j judges) once its result
 * is recorded, with its judges, which are all over by then.  j may be
 * gone after.
 */
static void
retire(struct exec *x, struct job *j)
{
	struct job *p = j->parent != NULL ? j->parent : j;
	size_t i;

	if (p->pc == NULL || !p->recorded)
		return;
	for (i = 0; i < p->njudges; i++)
		drop_job(x, p->judges[i]);
	drop_job(x, p);
}

static void
report(struct exec *x)
{
	x->progress.running = x->running;
	x->progress.elapsed_ms = morph_now_ms() - x->t0;
	if (x->opts->progress != NULL)
		x->opts->progress(&x->progress, x->opts->progress_arg);
}

/* Stainless backoff: 0.5 s doubling to 8 s, minus up to a quarter. */
static int64_t
backoff_ms(int retry)
{
	double d = 500.0 * pow(2, retry);

	if (d > 8000)
		d = 8000;
	return (int64_t)(d * (1 - 0.25 * ((double)rand() / RAND_MAX)));
}

static const char *
transport_word(int e)
{
	switch (e) {
	case MORPH_HTTP_E_CONNECT:
		return "cannot connect";
	case MORPH_HTTP_E_TIMEOUT:
		return "timed out";
	case MORPH_HTTP_E_RESET:
		return "connection reset";
	case MORPH_HTTP_E_TOOBIG:
		return "response too large";
	default:
		return "transfer failed";
	}
}

/*
 * Stores j's call as an object: what was sent, or would have been for a
 * call a rate limit failed before it went, can be read back.
 */
static const struct morph_error *
store_call(struct exec *x, struct job *j)
{
	const struct morph_error *err;
	struct morph_oid id;

	if (j->call == NULL && j->pc != NULL) {
		if ((err = plan_call_make(&j->own_call, x->plan, j->pc)))
			return err;
		j->call = j->own_call;
	}
	if (j->call == NULL)
		return NULL;
	return morph_call_store(&id, x->repo, j->call);
}

/*
 * Stores a reply's output as a blob and a cache row for j's call, with
 * the call itself.
 */
static const struct morph_error *
put_output(struct exec *x, struct job *j, const struct morph_reply *reply,
    int64_t latency_ms, struct morph_cache_entry *ce)
{
	const struct morph_error *err;

	memset(ce, 0, sizeof(*ce));
	if ((err = store_call(x, j)) != NULL)
		return err;
	err = morph_object_write(&ce->output, x->repo, MORPH_OBJ_BLOB,
	    morph_buf_cstr(&reply->output), reply->output.len);
	if (err != NULL)
		return err;
	snprintf(ce->finish, sizeof(ce->finish), "%s", reply->finish);
	snprintf(ce->served_model, sizeof(ce->served_model), "%s",
	    reply->model);
	ce->tokens_in = reply->tokens_in;
	ce->tokens_out = reply->tokens_out;
	ce->tokens_cached = reply->tokens_cached;
	ce->tokens_cache_write = reply->tokens_cache_write;
	ce->time_ms = morph_now_ms();
	ce->tokens_reasoning = reply->tokens_reasoning;
	ce->latency_ms = latency_ms;
	return morph_cache_put(x->repo, &j->id, j->sample, ce);
}

/* The judge's answer to spec, for morph_assert_all (assert_int.h). */
static const struct morph_error *
judge_answer(void *arg, const cJSON *spec, const char **answer, size_t *len)
{
	struct job *p = arg, *jj;
	size_t i;

	for (i = 0; i < p->njudges; i++) {
		jj = p->judges[i];
		if (jj->spec != spec)
			continue;
		if (jj->answer == NULL)
			return morph_error_fmt(MORPH_ERR_HTTP, "judge %s: %s",
			    jj->m->spec, jj->failure ? jj->failure :
			    "no answer");
		*answer = jj->answer;
		*len = jj->answer_len;
		return NULL;
	}
	return NULL;			/* nobody asked: an error upstream */
}

/* Adds to each llm-rubric verdict what its judge's call was and cost. */
static void
note_judges(cJSON *verdicts, const struct job *p)
{
	const cJSON *spec;
	cJSON *v, *o;
	size_t i;
	int k = 0;

	cJSON_ArrayForEach(spec, p->pc->asserts) {
		v = cJSON_GetArrayItem(verdicts, k++);
		if (v == NULL || !morph_assert_is(spec, "llm-rubric"))
			continue;
		for (i = 0; i < p->njudges; i++) {
			const struct job *jj = p->judges[i];

			if (jj->spec != spec)
				continue;
			if ((o = cJSON_AddObjectToObject(v, "judge")) == NULL)
				return;
			cJSON_AddStringToObject(o, "model", jj->m->spec);
			cJSON_AddStringToObject(o, "call",
			    morph_oid_tostr(&jj->id));
			cJSON_AddBoolToObject(o, "cached", jj->cached);
			morph_json_add_int(o, "tokens_in", jj->tokens_in);
			morph_json_add_int(o, "tokens_out", jj->tokens_out);
			if (jj->cost_nusd >= 0)
				morph_json_add_int(o, "cost_nusd",
				    jj->cost_nusd);
			else
				cJSON_AddNullToObject(o, "cost_nusd");
		}
	}
}

/*
 * Records the result of a finished call of the plan: an error, an answer
 * whose output put_output has stored (stored), or a fresh reply.
 */
static const struct morph_error *
record(struct exec *x, struct job *j, const char *error,
    const struct morph_reply *reply, const struct morph_cache_entry *stored,
    int cached, int64_t latency_ms)
{
	const struct plan_model *m = j->m;
	const struct morph_error *err;
	struct morph_assert_ctx actx;
	struct morph_cache_entry ce;
	struct morph_result r;
	cJSON *verdicts = NULL;
	char *vtext = NULL, *atext = NULL;
	int pass, asserted, free_result;

	memset(&r, 0, sizeof(r));
	memset(&ce, 0, sizeof(ce));
	r.prompt = j->pc->item.prompt;
	r.case_id = j->pc->item.case_id;
	r.model = j->pc->item.model;
	r.sample = j->pc->item.sample;
	r.call = j->pc->item.call;
	r.cached = cached;
	r.tokens_in = r.tokens_out = r.tokens_cached = -1;
	r.tokens_cache_write = -1;
	r.tokens_reasoning = r.cost_nusd = -1;
	r.latency_ms = latency_ms;
	r.pass = -1;
	free_result = cached || m->provider.dialect == MORPH_DIALECT_ECHO;
	if ((err = txn_begin(x, free_result)) != NULL)
		return err;
	if (error != NULL) {
		r.status = "error";
		r.error = error;
		if ((err = store_call(x, j)) != NULL)
			goto fail;
	} else {
		r.status = "ok";
		if (stored != NULL)
			ce = *stored;
		else if ((err = put_output(x, j, reply, latency_ms,
		    &ce)) != NULL)
			goto fail;
		r.has_output = 1;
		r.output = ce.output;
		r.finish = ce.finish[0] ? ce.finish : NULL;
		r.served_model = ce.served_model[0] ? ce.served_model : NULL;
		r.tokens_in = ce.tokens_in;
		r.tokens_out = ce.tokens_out;
		r.tokens_cached = ce.tokens_cached;
		r.tokens_cache_write = ce.tokens_cache_write;
		r.tokens_reasoning = ce.tokens_reasoning;
		r.latency_ms = ce.latency_ms;
		if (m->priced)
			r.cost_nusd = morph_price_cost(&m->price, r.tokens_in,
			    r.tokens_out, r.tokens_cached,
			    r.tokens_cache_write, ce.time_ms);
	}
	/* Assertions judge the output a result has, errors included. */
	memset(&actx, 0, sizeof(actx));
	if (r.has_output) {
		struct morph_object *o;

		if ((err = morph_object_read(&o, x->repo, &r.output,
		    MORPH_OBJ_BLOB)) != NULL)
			goto fail;
		actx.output = morph_object_data(o);
		actx.len = morph_object_size(o);
		actx.cost_nusd = r.cost_nusd;
		actx.latency_ms = r.latency_ms;
		actx.vars = j->pc->vars;
		actx.allow_exec = x->opts->allow_exec;
		actx.prompt = r.prompt;
		actx.case_id = r.case_id;
		actx.model = r.model;
		actx.dir = morph_repo_workdir(x->repo);
		actx.stop = x->opts->stop;
		if (j->njudges > 0) {
			actx.judge = judge_answer;
			actx.judge_arg = j;
		}
		err = morph_assert_all(&verdicts, &pass, &asserted,
		    j->pc->asserts, &actx);
		morph_object_free(o);
		if (err != NULL)
			goto fail;
		r.pass = asserted ? pass : -1;
		if (j->njudges > 0)
			note_judges(verdicts, j);
	} else {
		if (cJSON_GetArraySize(j->pc->asserts) > 0)
			r.pass = 0;		/* no output passes nothing */
		verdicts = cJSON_CreateArray();
	}
	vtext = cJSON_PrintUnformatted(verdicts);
	atext = j->attempts != NULL ? cJSON_PrintUnformatted(j->attempts) :
	    strdup("[]");
	if (vtext == NULL || atext == NULL) {
		err = morph_error(MORPH_ERR_NOMEM);
		goto fail;
	}
	r.verdicts = vtext;
	r.attempts = atext;
	if ((err = morph_runs_put(x->repo, x->out->num, &r)) != NULL)
		goto fail;
	if ((err = txn_end(x, free_result)) != NULL)
		goto out;

	j->recorded = 1;
	/* What the result no longer needs goes now, not at the end. */
	cJSON_Delete(j->attempts);
	j->attempts = NULL;
	cJSON_Delete(j->own_call);
	j->own_call = NULL;
	j->call = NULL;
	free(j->ce);
	j->ce = NULL;
	x->out->recorded++;
	x->progress.done++;
	if (error != NULL) {
		x->out->errors++;
		x->progress.errors++;
	}
	if (cached) {
		x->progress.cached++;
		x->out->cached++;
	}
	if (r.tokens_in > 0)
		x->progress.tokens_in += r.tokens_in;
	if (r.tokens_out > 0)
		x->progress.tokens_out += r.tokens_out;
	if (r.cost_nusd >= 0) {
		x->progress.cost_nusd += r.cost_nusd;
		if (!cached && stored == NULL)	/* else counted when stored */
			x->spent_nusd += r.cost_nusd;
	} else if (error == NULL)
		x->progress.unpriced++;
	goto out;
fail:
	txn_fail(x);
out:
	cJSON_Delete(verdicts);
	free(vtext);
	free(atext);
	return err;
}

/* Records p, whose judges have all answered or failed. */
static const struct morph_error *
judged(struct exec *x, struct job *p)
{
	const struct morph_error *err;
	size_t i;

	err = record(x, p, NULL, NULL, p->ce, p->from_cache,
	    p->ce->latency_ms);
	/* The answers are in the verdicts now. */
	for (i = 0; i < p->njudges; i++) {
		free(p->judges[i]->answer);
		p->judges[i]->answer = NULL;
	}
	return err;
}

/* A judge's call is over, answered or not: its parent may be complete. */
static const struct morph_error *
judge_over(struct exec *x, struct job *jj)
{
	struct job *p = jj->parent;

	jj->finished = 1;
	cJSON_Delete(jj->own_call);
	jj->own_call = NULL;
	jj->call = NULL;
	if (--p->waiting > 0)
		return NULL;
	return judged(x, p);
}

/* A judge has answered: keep the answer, in the cache and for p. */
static const struct morph_error *
judge_answered(struct exec *x, struct job *jj, const struct morph_reply *reply,
    int64_t ms)
{
	const struct morph_error *err;
	struct morph_cache_entry ce;
	int free_write = jj->m->provider.dialect == MORPH_DIALECT_ECHO;

	if ((err = txn_begin(x, free_write)) != NULL)
		return err;
	if ((err = put_output(x, jj, reply, ms, &ce)) != NULL ||
	    (err = txn_end(x, free_write)) != NULL) {
		txn_fail(x);
		return err;
	}
	jj->answer_len = reply->output.len;
	if ((jj->answer = malloc(jj->answer_len + 1)) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	memcpy(jj->answer, morph_buf_cstr(&reply->output), jj->answer_len);
	jj->answer[jj->answer_len] = '\0';
	jj->tokens_in = reply->tokens_in;
	jj->tokens_out = reply->tokens_out;
	jj->cost_nusd = jj->m->priced ? morph_price_cost(&jj->m->price,
	    reply->tokens_in, reply->tokens_out, reply->tokens_cached,
	    reply->tokens_cache_write, ce.time_ms) : -1;
	x->out->judge_calls++;
	if (jj->cost_nusd >= 0) {
		x->out->judge_cost_nusd += jj->cost_nusd;
		x->spent_nusd += jj->cost_nusd;
		x->progress.cost_nusd += jj->cost_nusd;
	} else
		x->out->judge_unpriced++;
	return judge_over(x, jj);
}

/* A judge's call failed after its retries: the rubric fails, saying why. */
static const struct morph_error *
judge_failed(struct exec *x, struct job *jj, const char *why)
{
	x->out->judge_calls++;
	x->out->judge_errors++;
	if ((jj->failure = strdup(why)) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	return judge_over(x, jj);
}

/* Reads a cached judge's answer into jj. */
static const struct morph_error *
judge_from_cache(struct exec *x, struct job *jj,
    const struct morph_cache_entry *ce)
{
	const struct morph_error *err;
	struct morph_object *o;

	if ((err = morph_object_read(&o, x->repo, &ce->output,
	    MORPH_OBJ_BLOB)) != NULL)
		return err;
	jj->answer_len = morph_object_size(o);
	if ((jj->answer = malloc(jj->answer_len + 1)) != NULL) {
		memcpy(jj->answer, morph_object_data(o), jj->answer_len);
		jj->answer[jj->answer_len] = '\0';
	}
	morph_object_free(o);
	if (jj->answer == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	jj->cached = 1;
	jj->finished = 1;
	jj->tokens_in = ce->tokens_in;
	jj->tokens_out = ce->tokens_out;
	jj->cost_nusd = jj->m->priced ? morph_price_cost(&jj->m->price,
	    ce->tokens_in, ce->tokens_out, ce->tokens_cached,
	    ce->tokens_cache_write, ce->time_ms) : -1;
	x->out->judge_cached++;
	return NULL;
}

/* The judge model of spec, an llm-rubric the plan checked. */
static const struct plan_model *
judge_of(const struct morph_plan *plan, const cJSON *spec)
{
	const char *name = morph_rubric_model(spec, plan->suite->judge);
	size_t i;

	for (i = 0; name != NULL && i < plan->njudges; i++)
		if (strcmp(plan->judges[i].spec, name) == 0)
			return &plan->judges[i];
	return NULL;
}

/* Makes the judge's call of p for spec, answered from the cache or queued. */
static const struct morph_error *
add_judge(struct exec *x, struct job *p, const cJSON *spec,
    const char *output)
{
	const struct morph_error *err;
	const struct plan_model *jm = judge_of(x->plan, spec);
	struct morph_cache_entry ce;
	struct job *jj;
	int found = 0;

	if (jm == NULL)			/* the plan checked every rubric */
		return morph_error_fmt(MORPH_ERR_INVALID, "llm-rubric: no "
		    "judge");
	if ((jj = new_job(x)) == NULL)		/* x frees it */
		return morph_error(MORPH_ERR_NOMEM);
	jj->parent = p;
	jj->spec = spec;
	jj->m = jm;
	jj->cost_nusd = -1;
	p->judges[p->njudges++] = jj;
	if ((err = morph_judge_call(&jj->own_call, &jj->id, &jm->provider,
	    jm->model, spec, output, p->pc->vars)) != NULL)
		return err;
	jj->call = jj->own_call;
	if (jm->priced)
		jj->est_cost = morph_price_cost(&jm->price, estimate_in(
		    cJSON_GetObjectItemCaseSensitive(jj->call, "messages")),
		    DEFAULT_OUT_ESTIMATE, 0, 0, morph_now_ms());
	if (!x->opts->no_cache && (err = morph_cache_get(&ce, &found, x->repo,
	    &jj->id, 0)) != NULL)
		return err;
	if (found)
		return judge_from_cache(x, jj, &ce);
	if (x->opts->offline)
		return morph_error_fmt(MORPH_ERR_NOT_FOUND, "offline, and the "
		    "judge's call %s is not in the cache (prompt %s, case "
		    "'%s', model '%s', sample %d, judge %s)",
		    morph_oid_tostr(&jj->id), p->pc->item.prompt,
		    p->pc->item.case_id, p->pc->item.model, p->sample,
		    jm->spec);
	p->waiting++;
	return enqueue(x, jj);
}

/*
 * p's output is stored (p->ce): asks a judge for each of its llm-rubrics,
 * and records p at once if the cache answers them all.
 */
static const struct morph_error *
await_judges(struct exec *x, struct job *p)
{
	const struct morph_error *err;
	struct morph_object *o;
	const cJSON *spec;
	size_t n = 0;

	cJSON_ArrayForEach(spec, p->pc->asserts)
		n += morph_assert_is(spec, "llm-rubric");
	if ((p->judges = calloc(n ? n : 1, sizeof(*p->judges))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	if ((err = morph_object_read(&o, x->repo, &p->ce->output,
	    MORPH_OBJ_BLOB)) != NULL)
		return err;
	cJSON_ArrayForEach(spec, p->pc->asserts) {
		if (!morph_assert_is(spec, "llm-rubric"))
			continue;
		if ((err = add_judge(x, p, spec, morph_object_data(o))))
			break;
	}
	morph_object_free(o);
	if (err != NULL || p->waiting > 0)
		return err;
	return judged(x, p);
}

/* A call of the plan has answered. */
static const struct morph_error *
answered(struct exec *x, struct job *j, const struct morph_reply *reply,
    int64_t ms)
{
	const struct morph_error *err;
	int free_write;

	if (j->parent != NULL)
		return judge_answered(x, j, reply, ms);
	if (!j->pc->judged)
		return record(x, j, NULL, reply, NULL, 0, ms);
	/* Keep the output safe while the judges work. */
	free_write = j->m->provider.dialect == MORPH_DIALECT_ECHO;
	if ((err = txn_begin(x, free_write)) != NULL)
		return err;
	if ((j->ce = malloc(sizeof(*j->ce))) == NULL) {
		txn_fail(x);
		return morph_error(MORPH_ERR_NOMEM);
	}
	if ((err = put_output(x, j, reply, ms, j->ce)) != NULL ||
	    (err = txn_end(x, free_write)) != NULL) {
		txn_fail(x);
		return err;
	}
	if (!free_write && j->m->priced)
		x->spent_nusd += morph_price_cost(&j->m->price,
		    reply->tokens_in, reply->tokens_out, reply->tokens_cached,
		    reply->tokens_cache_write, j->ce->time_ms);
	return await_judges(x, j);
}

/* A call has failed after its retries. */
static const struct morph_error *
failed(struct exec *x, struct job *j, const char *why, int64_t ms)
{
	if (j->parent != NULL)
		return judge_failed(x, j, why);
	return record(x, j, why, NULL, NULL, 0, ms);
}

/* Appends an attempt's record: status, error, time and the wait after. */
static void
note_attempt(struct job *j, long status, const char *what, int64_t ms,
    int64_t wait_ms)
{
	cJSON *a;

	if (j->attempts == NULL)
		j->attempts = cJSON_CreateArray();
	if (j->attempts == NULL || (a = cJSON_CreateObject()) == NULL)
		return;
	if (status > 0)
		morph_json_add_int(a, "status", status);
	else
		cJSON_AddNullToObject(a, "status");
	if (what != NULL)
		cJSON_AddStringToObject(a, "error", what);
	else
		cJSON_AddNullToObject(a, "error");
	morph_json_add_int(a, "ms", ms < 0 ? 0 : ms);
	if (wait_ms >= 0)
		morph_json_add_int(a, "retry_in_ms", wait_ms);
	cJSON_AddItemToArray(j->attempts, a);
}

static int
retryable_status(long status)
{
	return status == 408 || status == 409 || status == 429 ||
	    status >= 500;
}

/*
 * Rate limits: the scheduler's hooks into the pacer (lib/pacer.c).
 * schedule() asks a model's lane whether a call may go, start() charges
 * it, settle() tells it what came back: a call refused for rate (a 429)
 * goes back in the queue without spending a retry, until it has waited
 * --rate-wait in all; a refusal for quota stops the run.
 */

/* How long a call may wait for a refusal to pass, in all. */
static int64_t
rate_wait_us(const struct exec *x)
{
	return (x->opts->rate_wait_ms > 0 ? x->opts->rate_wait_ms : 600000) *
	    (int64_t)1000;
}

/*
 * Makes the lanes of m: one for its endpoint (its dialect, base URL and
 * the name of the variable its key comes from, never the key) with the
 * limits declared for the provider, and under it one for the model, with
 * the model's own, which learns what the provider says: providers set
 * their limits per model.
 */
static const struct morph_error *
pace_model(struct exec *x, struct plan_model *m)
{
	const struct morph_provider *pv = &m->provider;
	struct morph_buf b = MORPH_BUF_INIT;
	struct morph_pacer_limits lim;
	struct morph_pacer_lane *endpoint;
	const struct morph_error *err;
	size_t i;

	if (pv->dialect == MORPH_DIALECT_ECHO)
		return NULL;
	lim.rpm = pv->rpm;
	lim.tpm = pv->tpm;
	morph_buf_printf(&b, "%s\n%s\n%s", morph_dialect_name(pv->dialect),
	    pv->base_url, pv->key_env != NULL ? pv->key_env : "");
	if ((err = morph_buf_status(&b)) == NULL &&
	    (err = morph_pacer_lane(&endpoint, x->pacer, morph_buf_cstr(&b),
	    NULL, &lim)) == NULL) {
		memset(&lim, 0, sizeof(lim));
		for (i = 0; i < pv->nmodel_limits; i++)
			if (strcmp(pv->model_limits[i].model, m->model) == 0) {
				lim.rpm = pv->model_limits[i].rpm;
				lim.tpm = pv->model_limits[i].tpm;
			}
		morph_buf_printf(&b, "\n%s", m->model);
		if ((err = morph_buf_status(&b)) == NULL)
			err = morph_pacer_lane(&m->lane, x->pacer,
			    morph_buf_cstr(&b), endpoint, &lim);
	}
	morph_buf_release(&b);
	return err;
}

/*
 * Begins a pass of schedule(): makes the lanes the first time, counts
 * the time calls were held, and once a provider has refused for quota
 * and nothing is in flight, ends the run with that error (until then,
 * x->quota set, the pass starts nothing).
 */
static const struct morph_error *
pace_pass(struct exec *x, int64_t now)
{
	const struct morph_error *err;
	size_t i;

	if (x->pacer == NULL) {
		if ((err = morph_pacer_new(&x->pacer)) != NULL)
			return err;
		for (i = 0; i < x->plan->nmodels; i++)
			if ((err = pace_model(x, &x->plan->models[i])) != NULL)
				return err;
		for (i = 0; i < x->plan->njudges; i++)
			if ((err = pace_model(x, &x->plan->judges[i])) != NULL)
				return err;
	}
	if (x->held) {
		x->waited_us += now - x->held_at;
		x->out->rate_wait_ms = x->waited_us / 1000;
	}
	x->held = 0;
	x->wake = 0;
	x->progress.stopped = 0;
	if (x->quota != NULL && x->running == 0 && x->ndone == 0)
		return morph_error_fmt(MORPH_ERR_HTTP, "%s; run #%lld stopped "
		    "with %zu results recorded, not the calls refused: add "
		    "credit or raise the quota, then run the same command "
		    "again to complete it", x->quota, (long long)x->out->num,
		    x->progress.done);
	return NULL;
}

/* Ends a pass of schedule(): what the progress bar shows of the limits. */
static void
pace_pass_end(struct exec *x, int64_t now)
{
	x->progress.rate = morph_pacer_rate(x->pacer, now);
	x->progress.waiting = x->held;
	if (x->held) {
		x->held_at = now;
		report(x);
	}
}

/* The tokens j is expected to take, for its lane. */
static void
job_tokens(struct job *j)
{
	const cJSON *mt;

	if (j->est_in > 0)
		return;
	if (j->pc != NULL) {
		j->est_in = j->pc->item.est_tokens_in;
		j->est_out = j->pc->item.est_tokens_out;
		return;
	}
	j->est_in = estimate_in(cJSON_GetObjectItemCaseSensitive(j->call,
	    "messages"));
	mt = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(
	    j->call, "params"), "max_tokens");
	j->est_out = cJSON_IsNumber(mt) ? (int64_t)mt->valuedouble :
	    DEFAULT_OUT_ESTIMATE;
}

/*
 * Whether the limits of m let a call of about in and out tokens go now:
 * 1 yes; 0 not yet (x->wake says when); -1 not within --rate-wait of
 * since, a refusal stopping m's lane for longer.
 */
static int
paced(struct exec *x, const struct plan_model *m, int64_t in, int64_t out,
    int64_t now, int64_t since)
{
	int64_t when;

	if (m->lane == NULL ||
	    (when = morph_pacer_when(m->lane, now, in, out)) <= now)
		return 1;
	x->held = 1;
	if (x->wake == 0 || when < x->wake)
		x->wake = when;
	if (!morph_pacer_stopped(m->lane, now))
		return 0;
	x->progress.stopped = 1;
	return when - since > rate_wait_us(x) ? -1 : 0;
}

/* Whether j may go now, as paced() says. */
static int
paced_job(struct exec *x, struct job *j, int64_t now)
{
	job_tokens(j);
	return paced(x, j->m, j->est_in, j->est_out, now, j->refused > 0 ?
	    j->refused_since : now);
}

/*
 * The next call of the plan waits for its limit: brings forward one of
 * the calls after it (PACE_AHEAD at most) whose model may go now, so
 * that a model held by its limit does not hold back the others.
 * Returns whether it found one.
 */
static int
pace_ahead(struct exec *x, int64_t now, int limit)
{
	const struct morph_pacer_lane *held[8];
	const struct plan_model *m;
	struct plan_call *pc;
	size_t i, k, end, nheld = 0;

	end = x->ntodo - x->next > PACE_AHEAD ? x->next + PACE_AHEAD :
	    x->ntodo;
	held[nheld++] = x->plan->models[x->todo[x->next]->model].lane;
	for (i = x->next + 1; i < end; i++) {
		pc = x->todo[i];
		m = &x->plan->models[pc->model];
		for (k = 0; k < nheld && held[k] != m->lane; k++)
			;
		if (k < nheld || x->per_slot[m->slot] >= limit)
			continue;
		if (paced(x, m, pc->item.est_tokens_in,
		    pc->item.est_tokens_out, now, now) == 1) {
			x->todo[i] = x->todo[x->next];
			x->todo[x->next] = pc;
			return 1;
		}
		if (nheld < sizeof(held) / sizeof(held[0]))
			held[nheld++] = m->lane;
	}
	return 0;
}

/* Fails j, whose lane a refusal stops for longer than --rate-wait. */
static const struct morph_error *
give_up(struct exec *x, struct job *j, int64_t now)
{
	struct morph_buf msg = MORPH_BUF_INIT;
	const struct morph_error *err;
	int64_t when;

	job_tokens(j);
	when = morph_pacer_when(j->m->lane, now, j->est_in, j->est_out);
	morph_buf_printf(&msg, "refused for rate: provider '%s' stops calls "
	    "to %s for %lld s more, past --rate-wait (%lld s)",
	    j->m->provider.id, j->m->model,
	    (long long)((when - now + 999999) / 1000000),
	    (long long)(rate_wait_us(x) / 1000000));
	if (j->refused > 0)
		morph_buf_printf(&msg, " after %d refusals", j->refused);
	if (j->attempt > 0)
		x->reserved_nusd -= j->est_cost;
	j->finished = 1;
	if ((err = morph_buf_status(&msg)) == NULL)
		err = failed(x, j, morph_buf_cstr(&msg), 0);
	morph_buf_release(&msg);
	return err;
}

/* j is sent now: its lane is charged. */
static void
pace_sent(struct exec *x, struct job *j)
{
	x->out->requests++;
	if (j->m->lane == NULL)
		return;
	job_tokens(j);
	morph_pacer_sent(j->m->lane, morph_pacer_now(), j->est_in, j->est_out,
	    &j->ticket);
}

/*
 * Tells j's lane what its attempt h brought (reply, as settle() read
 * it); returns whether it was refused for rate.
 */
static int
pace_settle(struct exec *x, struct job *j, const struct morph_http_result *h,
    const struct morph_reply *reply, int retry, int64_t hint)
{
	struct morph_pacer_reply r;

	memset(&r, 0, sizeof(r));
	r.status = h->transport != 0 ? 0 : h->status;
	r.refused = r.status == 429 && retry && !reply->no_retry;
	r.headers = h->limits;
	r.retry_after_ms = hint;
	r.tokens_in = reply->failed ? -1 : reply->tokens_in;
	r.tokens_out = reply->failed ? -1 : reply->tokens_out;
	r.wall_ms = morph_now_ms();
	if (j->m->lane != NULL)
		morph_pacer_settle(j->m->lane, morph_pacer_now(), &j->ticket,
		    &r);
	if (r.refused) {
		x->out->rate_refused++;
		x->progress.refused++;
	}
	return r.refused;
}

/*
 * j was refused for rate (what): it goes back in the queue, its lane
 * deciding when it goes again, unless that is past --rate-wait since its
 * first refusal.  No retry is spent.
 */
static const struct morph_error *
requeue(struct exec *x, struct job *j, long status, const char *what,
    int64_t ms)
{
	struct morph_buf msg = MORPH_BUF_INIT;
	const struct morph_error *err;
	int64_t now = morph_pacer_now(), when;

	job_tokens(j);
	when = morph_pacer_when(j->m->lane, now, j->est_in, j->est_out);
	if (j->refused++ == 0)
		j->refused_since = now;
	if (when - j->refused_since <= rate_wait_us(x)) {
		note_attempt(j, status, what, ms, (when - now + 999) / 1000);
		j->not_before = 0;
		return enqueue(x, j);
	}
	note_attempt(j, status, what, ms, -1);
	morph_buf_printf(&msg, "%s (refused for rate %d times in %lld s, "
	    "past --rate-wait)", what, j->refused,
	    (long long)((now - j->refused_since) / 1000000));
	j->finished = 1;
	if ((err = morph_buf_status(&msg)) == NULL)
		err = failed(x, j, morph_buf_cstr(&msg), ms);
	morph_buf_release(&msg);
	return err;
}

/*
 * j's provider refused it for quota (what): nothing more is started, and
 * the run ends once the calls in flight are in (pace_pass).  j is not
 * recorded, so that running again sends it.
 */
static const struct morph_error *
quota_stop(struct exec *x, struct job *j, const char *what)
{
	struct morph_buf msg = MORPH_BUF_INIT;

	j->finished = 1;
	if (x->quota != NULL)
		return NULL;
	morph_buf_printf(&msg, "provider '%s' refused a call to %s for quota: "
	    "%s", j->m->provider.id, j->m->model, what);
	if ((x->quota = morph_buf_detach(&msg, NULL)) == NULL) {
		morph_buf_release(&msg);
		return morph_error(MORPH_ERR_NOMEM);
	}
	return NULL;
}

/* Frees what the pacer holds, at the end of a run. */
static void
pace_end(struct exec *x)
{
	size_t i;

	morph_pacer_free(x->pacer);
	x->pacer = NULL;
	for (i = 0; i < x->plan->nmodels; i++)
		x->plan->models[i].lane = NULL;
	for (i = 0; i < x->plan->njudges; i++)
		x->plan->judges[i].lane = NULL;
	free(x->quota);
	x->quota = NULL;
}

/* Decides what one finished attempt means: done, or another try. */
static const struct morph_error *
settle(struct exec *x, struct job *j)
{
	const struct morph_dialect_ops *ops =
	    morph_dialect(j->m->provider.dialect);
	const struct morph_http_result *h = j->last;
	const struct morph_error *err = NULL, *bad;
	struct morph_reply reply;
	struct morph_buf msg = MORPH_BUF_INIT;
	int64_t ms = h->total_us / 1000, hint = -1, wait;
	int retry = 0, refused;

	morph_reply_init(&reply);
	/*
	 * What a server says never carries a key (invariant 4): the body is
	 * redacted before it is read, so that no excerpt can cut a key in
	 * two, and what was read from it is redacted again, for a key the
	 * server sent escaped.
	 */
	morph_redact_buf(&x->redact, &j->last->body);
	morph_redact_str(&x->redact, j->last->errmsg,
	    sizeof(j->last->errmsg));
	if (h->body.failed) {
		morph_buf_printf(&msg, "out of memory reading the reply");
	} else if (h->transport != 0) {
		morph_buf_printf(&msg, "%s: %s", transport_word(h->transport),
		    h->errmsg);
		retry = h->transport != MORPH_HTTP_E_TOOBIG;
	} else if ((bad = ops->parse(&reply, h->status, morph_buf_cstr(&h->body),
	    h->body.len)) != NULL) {
		/* A reply that is not what the dialect promises. */
		morph_buf_printf(&msg, "HTTP %ld: %s", h->status, bad->msg);
	} else if (reply.failed) {
		/* The dialect's message already says "HTTP <status>: ...". */
		morph_buf_puts(&msg, morph_buf_cstr(&reply.error));
		if (reply.error_type[0] != '\0' &&
		    strstr(morph_buf_cstr(&msg), reply.error_type) == NULL)
			morph_buf_printf(&msg, " (%s)", reply.error_type);
		retry = retryable_status(h->status) && !reply.no_retry;
		hint = reply.retry_after_ms;
	}
	morph_redact_buf(&x->redact, &reply.output);
	morph_redact_buf(&x->redact, &reply.error);
	morph_redact_buf(&x->redact, &msg);
	morph_redact_str(&x->redact, reply.error_type,
	    sizeof(reply.error_type));
	morph_redact_str(&x->redact, reply.model, sizeof(reply.model));
	if (reply.output.failed || reply.error.failed || msg.failed) {
		morph_buf_clear(&msg);
		morph_buf_puts(&msg, "out of memory reading the reply");
	}
	if (h->should_retry >= 0 && msg.len > 0)
		retry = h->should_retry;	/* the server knows best */
	if (h->retry_after_ms >= 0)
		hint = h->retry_after_ms;
	refused = pace_settle(x, j, h, &reply, retry, hint);

	if (msg.len == 0) {			/* an answer */
		note_attempt(j, h->status, NULL, ms, -1);
		j->finished = 1;
		err = answered(x, j, &reply, ms);
	} else if (reply.failed && reply.no_retry) {
		note_attempt(j, h->status, morph_buf_cstr(&msg), ms, -1);
		err = quota_stop(x, j, morph_buf_cstr(&msg));
	} else if (refused) {
		err = requeue(x, j, h->status, morph_buf_cstr(&msg), ms);
	} else if (retry && j->attempt - j->refused <= x->opts->retries) {
		wait = hint > 0 && hint <= MAX_RETRY_AFTER_MS ? hint :
		    backoff_ms(j->attempt - 1);
		note_attempt(j, h->status, morph_buf_cstr(&msg), ms, wait);
		j->not_before = morph_now_ms() + wait;
		err = enqueue(x, j);
	} else {
		note_attempt(j, h->status, morph_buf_cstr(&msg), ms, -1);
		if (j->attempt > 1)
			morph_buf_printf(&msg, " (after %d attempts)",
			    j->attempt);
		j->finished = 1;
		err = failed(x, j, morph_buf_cstr(&msg), ms);
	}
	morph_reply_release(&reply);
	morph_buf_release(&msg);
	morph_buf_release(&j->last->body);
	free(j->last);
	j->last = NULL;
	return err;
}

/* A transfer is over: its slot is free; settling it is for collect(). */
static void
http_done(void *arg, struct morph_http_result *res)
{
	struct job *j = arg;
	struct exec *x = j->exec;

	j->running = 0;
	x->running--;
	x->per_slot[j->m->slot]--;
	x->freed++;
	/* A refusal holds its lane until collect() settles it. */
	if (res->transport == 0 && res->status == 429 && j->m->lane != NULL)
		morph_pacer_refusing(j->m->lane);
	/* start() made room for the result; the body is ours to take. */
	*j->last = *res;
	morph_buf_init(&res->body);
	j->next_done = NULL;
	if (x->done_tail != NULL)
		x->done_tail->next_done = j;
	else
		x->done = j;
	x->done_tail = j;
	x->ndone++;
}

/* Answers an echo call at once. */
static const struct morph_error *
run_echo(struct exec *x, struct job *j)
{
	const struct morph_error *err;
	struct morph_reply reply;
	int64_t t0 = morph_now_ms();

	morph_reply_init(&reply);
	j->attempt++;
	j->finished = 1;
	err = morph_echo_reply(&reply, j->call);
	if (err == NULL) {
		note_attempt(j, 0, NULL, morph_now_ms() - t0, -1);
		err = answered(x, j, &reply, morph_now_ms() - t0);
	}
	morph_reply_release(&reply);
	return err;
}

static const struct morph_error *
start(struct exec *x, struct job *j)
{
	const struct morph_dialect_ops *ops =
	    morph_dialect(j->m->provider.dialect);
	struct morph_http_opts hopts = MORPH_HTTP_OPTS_INIT;
	const struct morph_error *err;
	struct morph_request req;

	if (j->call == NULL) {		/* a call of the plan */
		if ((err = plan_call_make(&j->own_call, x->plan, j->pc)))
			return err;
		j->call = j->own_call;
	}
	if (j->m->provider.dialect == MORPH_DIALECT_ECHO)
		return run_echo(x, j);
	if (x->http == NULL && (err = morph_http_new(&x->http)) != NULL)
		return err;
	/* A judge's provider may need a key its plan did not check. */
	if (j->parent != NULL && j->attempt == 0 &&
	    (err = morph_provider_check_key(&j->m->provider)) != NULL)
		return morph_error_wrap(err, "judge %s", j->m->spec);
	/* Room for the result, which http_done cannot fail to fill. */
	if (j->last == NULL && (j->last = calloc(1, sizeof(*j->last))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	hopts.connect_timeout_ms = x->opts->connect_timeout_ms;
	hopts.timeout_ms = x->opts->timeout_ms;
	hopts.max_body = x->opts->max_body;
	morph_request_init(&req);
	/* The key goes into this request's headers and nowhere else. */
	err = ops->build(&req, &j->m->provider, j->call,
	    morph_provider_key(&j->m->provider));
	if (err == NULL)
		err = morph_http_start(x->http, &req, &hopts, http_done, j);
	morph_request_release(&req);
	if (err != NULL)
		return err;
	pace_sent(x, j);
	j->attempt++;
	j->running = 1;
	j->exec = x;
	x->running++;
	x->per_slot[j->m->slot]++;
	if (j->attempt == 1)
		x->reserved_nusd += j->est_cost;
	return NULL;
}

/* Whether the budget allows starting pc, a call of the plan. */
static int
affordable_call(struct exec *x, const struct plan_call *pc)
{
	int64_t est = pc->item.est_cost_nusd > 0 ? pc->item.est_cost_nusd : 0;

	if (x->opts->budget_nusd < 0)
		return 1;
	return x->spent_nusd + x->reserved_nusd + est <= x->opts->budget_nusd;
}

/* Whether the budget allows starting j. */
static int
affordable(struct exec *x, const struct job *j)
{
	if (x->opts->budget_nusd < 0)
		return 1;
	return x->spent_nusd + x->reserved_nusd + j->est_cost <=
	    x->opts->budget_nusd;
}

/*
 * Starts what may start: judges and retries first, which complete results
 * already paid for; then calls never tried, in plan order.  A provisional
 * pass (slots just freed, their transfers not yet settled) counts their
 * reserved cost still, so it only holds back what the budget may not
 * allow; the pass after settling decides that the budget is spent.
 */
static const struct morph_error *
schedule(struct exec *x, int provisional)
{
	const struct morph_error *err = NULL;
	int64_t now = morph_now_ms(), tick = morph_pacer_now();
	int limit = x->opts->provider_jobs > 0 ? x->opts->provider_jobs :
	    x->opts->jobs;
	size_t i, k = 0;
	int p = 1;

	if ((err = pace_pass(x, tick)) != NULL || x->quota != NULL)
		return err;

	/*
	 * The queue may grow while it is walked (an echo answer brings its
	 * judges): index, not pointer, and x->nqueue read on every turn.
	 */
	for (i = 0; i < x->nqueue; i++) {
		struct job *j = x->queue[i];

		if (j->finished || j->running)
			continue;
		if (err != NULL || x->running >= (size_t)x->opts->jobs ||
		    j->not_before > now || x->per_slot[j->m->slot] >= limit ||
		    (p = paced_job(x, j, tick)) == 0) {
			x->queue[k++] = j;
			continue;
		}
		if (p < 0) {
			if ((err = give_up(x, j, tick)) == NULL)
				retire(x, j);
			continue;
		}
		if (j->attempt == 0 && !affordable(x, j)) {
			if (!provisional)
				x->out->budget_stop = 1;
			x->queue[k++] = j;
			continue;
		}
		if ((err = start(x, j)) != NULL)
			x->queue[k++] = j;
		else
			retire(x, j);	/* an echo judge may complete p */
	}
	x->nqueue = k;
	if (err != NULL)
		return err;
	while (x->next < x->ntodo && x->running < (size_t)x->opts->jobs &&
	    !x->out->budget_stop) {
		struct plan_call *pc = x->todo[x->next];
		struct job *j;

		if (x->per_slot[x->plan->models[pc->model].slot] >= limit)
			break;
		if (!affordable_call(x, pc)) {
			if (!provisional)
				x->out->budget_stop = 1;
			break;
		}
		if ((p = paced(x, &x->plan->models[pc->model],
		    pc->item.est_tokens_in, pc->item.est_tokens_out, tick,
		    tick)) == 0) {
			if (!pace_ahead(x, tick, limit))
				break;
			continue;
		}
		if ((j = new_job(x)) == NULL)
			return morph_error(MORPH_ERR_NOMEM);
		init_job(j, x->plan, pc);
		x->next++;
		if ((err = p < 0 ? give_up(x, j, tick) : start(x, j)) != NULL)
			return err;
		retire(x, j);		/* an echo answer is recorded */
	}
	pace_pass_end(x, tick);
	return NULL;
}

/* The milliseconds until the next retry or paced call is due (cap: 200). */
static long
next_wait(struct exec *x)
{
	int64_t now = morph_now_ms(), best = 200;
	size_t i;

	/* Rounded up: waking before the pacer allows would only spin. */
	if (x->held && x->wake > 0 &&
	    (x->wake - morph_pacer_now() + 999) / 1000 < best)
		best = (x->wake - morph_pacer_now() + 999) / 1000;

	for (i = 0; i < x->nqueue; i++) {
		const struct job *j = x->queue[i];

		if (j->finished || j->running || j->attempt == 0)
			continue;
		if (j->not_before - now < best)
			best = j->not_before - now;
	}
	return best < 0 ? 0 : (long)best;
}

/* Whether a stop or a drain has been asked for: nothing new may start. */
static int
stopping(const struct morph_run_opts *opts)
{
	return (opts->stop != NULL && *opts->stop) ||
	    (opts->drain != NULL && *opts->drain);
}

/* Whether anything is left to do once nothing runs. */
static int
pending(struct exec *x)
{
	size_t i;

	for (i = 0; i < x->nqueue; i++) {
		const struct job *j = x->queue[i];

		if (j->finished || j->running)
			continue;
		if (j->attempt > 0)
			return 1;		/* a retry is due */
		if (!x->out->budget_stop)
			return 1;		/* a judge to ask */
	}
	return x->next < x->ntodo && !x->out->budget_stop;
}

/* Settles the transfers that are over, in the order they ended. */
static const struct morph_error *
collect(struct exec *x)
{
	const struct morph_error *err = NULL;
	struct job *j;

	if (x->done == NULL)
		return NULL;
	x->settling = 1;
	while ((j = x->done) != NULL) {
		if ((x->done = j->next_done) == NULL)
			x->done_tail = NULL;
		j->next_done = NULL;
		x->ndone--;
		if ((err = settle(x, j)) != NULL)
			break;
		if (j->finished)
			x->reserved_nusd -= j->est_cost;
		retire(x, j);
	}
	x->settling = 0;
	if (err == NULL)
		err = flush_batch(x);
	report(x);
	return err;
}

struct have {
	struct morph_oidset	set;
};

static void
result_key(struct morph_oid *out, const char *prompt, const char *case_id,
    const char *model, int sample)
{
	struct morph_buf b = MORPH_BUF_INIT;

	morph_buf_puts(&b, prompt);
	morph_buf_putc(&b, 0);
	morph_buf_puts(&b, case_id);
	morph_buf_putc(&b, 0);
	morph_buf_puts(&b, model);
	morph_buf_printf(&b, "%c%d", 0, sample);
	morph_hash_bytes(out, morph_buf_cstr(&b), b.len);
	morph_buf_release(&b);
}

static const struct morph_error *
have_key(const char *prompt, const char *case_id, const char *model,
    int sample, void *arg)
{
	struct have *h = arg;
	struct morph_oid k;

	result_key(&k, prompt, case_id, model, sample);
	return morph_oidset_add(&h->set, &k, NULL);
}

/*
 * What the judges of pc need when its output will be new, so that its
 * judges' calls will be sent: a key, and a price under a budget.
 */
static const struct morph_error *
preflight_judges(struct morph_plan *plan, const struct plan_call *pc,
    const struct morph_run_opts *opts)
{
	const struct morph_error *err;
	const struct plan_model *jm;
	const cJSON *a;

	cJSON_ArrayForEach(a, pc->asserts) {
		if (!morph_assert_is(a, "llm-rubric") ||
		    (jm = judge_of(plan, a)) == NULL)
			continue;
		if ((err = morph_provider_check_key(&jm->provider)) != NULL)
			return morph_error_wrap(err, "judge %s", jm->spec);
		if (opts->budget_nusd >= 0 && !jm->priced)
			return morph_error_fmt(MORPH_ERR_SUITE, "--budget: "
			    "judge %s has no price, so its spend cannot be "
			    "bounded; name a price table with config "
			    "prices.file or run without --budget", jm->spec);
	}
	return NULL;
}

/* Checks what must hold before anything is sent or recorded. */
static const struct morph_error *
preflight(struct morph_plan *plan, const struct morph_run_opts *opts)
{
	const struct morph_error *err;
	size_t i;

	/* A suite comes with history: its commands run only if allowed. */
	for (i = 0; !opts->allow_exec && i < plan->suite->ncases; i++) {
		const struct morph_suite_case *c = &plan->suite->cases[i];

		if (plan->chosen[i] && morph_assert_needs_exec(c->asserts))
			return morph_error_fmt(MORPH_ERR_SUITE, "%s:%d: case "
			    "'%s': an exec assertion runs a command, and "
			    "this repository does not allow it: run with "
			    "--allow-exec, or allow it here with 'morph "
			    "config --local --type json exec.allow true'",
			    c->file, c->line, c->id);
	}
	for (i = 0; i < plan->n; i++) {
		const struct morph_plan_item *it = &plan->v[i].item;
		const struct plan_model *m = &plan->models[plan->v[i].model];
		int send = !it->cached || opts->no_cache;

		if (opts->offline && send)
			return morph_error_fmt(MORPH_ERR_NOT_FOUND, "offline, "
			    "and call %s is not in the cache (prompt %s, case "
			    "'%s', model '%s', sample %d)",
			    morph_oid_tostr(&it->call), it->prompt,
			    it->case_id, it->model, it->sample);
		if (send &&
		    (err = morph_provider_check_key(&m->provider)) != NULL)
			return morph_error_wrap(err, "model '%s'", m->id);
		if (opts->budget_nusd >= 0 && !m->priced && send)
			return morph_error_fmt(MORPH_ERR_SUITE, "--budget: "
			    "model '%s' has no price, so its spend cannot be "
			    "bounded; name a price table with config "
			    "prices.file or run without --budget", m->id);
		if (send && plan->v[i].judged &&
		    (err = preflight_judges(plan, &plan->v[i], opts)) != NULL)
			return err;
	}
	return NULL;
}

/* Sets up j to send pc. */

/* Records pc, which the cache answers (ce), or has it wait for judges. */
static const struct morph_error *
from_cache(struct exec *x, struct plan_call *pc,
    const struct morph_cache_entry *ce)
{
	const struct morph_error *err;
	struct job tmp, *j = &tmp;

	if (!pc->judged) {
		memset(&tmp, 0, sizeof(tmp));
		init_job(j, x->plan, pc);
		j->finished = 1;
		err = record(x, j, NULL, NULL, ce, 1, ce->latency_ms);
		release_job(j);
		return err;
	}
	if ((j = new_job(x)) == NULL)		/* x frees it */
		return morph_error(MORPH_ERR_NOMEM);
	init_job(j, x->plan, pc);
	j->finished = 1;
	if ((j->ce = malloc(sizeof(*j->ce))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	*j->ce = *ce;
	j->from_cache = 1;
	if ((err = await_judges(x, j)) == NULL)
		retire(x, j);		/* the cache answered its judges */
	return err;
}

/* The keys of every provider the plan may call, to redact (invariant 4). */
static const struct morph_error *
add_secrets(struct morph_redactor *r, const struct morph_plan *plan)
{
	const struct morph_error *err = NULL;
	const struct morph_provider *p;
	size_t i;

	for (i = 0; err == NULL && i < plan->nmodels + plan->njudges; i++) {
		p = i < plan->nmodels ? &plan->models[i].provider :
		    &plan->judges[i - plan->nmodels].provider;
		if (p->key_env != NULL)
			err = morph_redactor_add(r, p->key_env,
			    morph_provider_key(p));
	}
	return err;
}

const struct morph_error *
morph_run_execute(struct morph_run_outcome *out, struct morph_plan *plan,
    struct morph_repo *repo, const struct morph_run_opts *opts)
{
	const struct morph_error *err = NULL;
	const struct morph_error *ckerr;
	struct morph_checkpointer *ckpt = NULL;
	struct morph_runlock *lock = NULL;
	struct morph_cache_entry ce;
	struct exec x;
	struct have have;
	struct morph_oid k;
	char what[128];
	size_t i;
	int draining, found, waited = 0;

	memset(out, 0, sizeof(*out));
	memset(&x, 0, sizeof(x));
	morph_oidset_init(&have.set);
	x.plan = plan;
	x.repo = repo;
	x.opts = opts;
	x.out = out;
	x.t0 = morph_now_ms();
	srand((unsigned int)x.t0);
	morph_redactor_init(&x.redact);
	if ((err = preflight(plan, opts)) != NULL ||
	    (err = add_secrets(&x.redact, plan)) != NULL)
		goto out;
	/*
	 * One process executes a plan at a time (runlock_int.h): another
	 * run of it is waited for, and its answers then come from the cache.
	 */
	if ((err = morph_runs_unsealed(&out->num, &found, repo,
	    &plan->key)) != NULL)
		goto out;
	if (found)
		snprintf(what, sizeof(what), "run #%lld of the same commit and "
		    "models", (long long)out->num);
	else
		snprintf(what, sizeof(what), "a run of the same commit and "
		    "models");
	if ((err = morph_runlock_acquire(&lock, &waited, repo, &plan->key,
	    what, opts->stop, opts->drain)) != NULL)
		goto out;

	/* Resume the unfinished run of this plan, or start one. */
	if ((err = morph_repo_begin(repo)) != NULL)
		goto out;
	err = morph_runs_unsealed(&out->num, &found, repo, &plan->key);
	if (err == NULL && found) {
		out->resumed = 1;
		err = morph_runs_set_state(repo, out->num, "running");
	} else if (err == NULL &&
	    (err = morph_prices_store(&plan->prices, repo)) == NULL)
		err = morph_runs_create(&out->num, repo, &plan->commit,
		    plan->worktree ? &plan->tree : NULL, &plan->key,
		    plan->matrix, &plan->prices.blob, (int64_t)plan->n);
	if (err == NULL)
		err = morph_repo_commit(repo);
	else
		morph_repo_rollback(repo);
	if (err != NULL)
		goto out;
	if (out->resumed &&
	    (err = morph_runs_keys(repo, out->num, have_key, &have)) != NULL)
		goto done;

	if ((x.todo = calloc(plan->n ? plan->n : 1, sizeof(*x.todo))) == NULL ||
	    (x.per_slot = calloc(plan->npslots ? plan->npslots : 1,
	    sizeof(*x.per_slot))) == NULL) {
		err = morph_error(MORPH_ERR_NOMEM);
		goto done;
	}
	x.progress.total = plan->n;
	x.progress.done = have.set.n;
	/* The lookups share the batch the cache's answers are written in. */
	if (!opts->no_cache && (err = txn_begin(&x, 1)) != NULL)
		goto done;
	for (i = 0; i < plan->n; i++) {
		struct plan_call *pc = &plan->v[i];

		result_key(&k, pc->item.prompt, pc->item.case_id,
		    pc->item.model, pc->item.sample);
		if (morph_oidset_has(&have.set, &k))
			continue;		/* recorded before */
		/*
		 * What the cache answers is recorded without sending.  The
		 * plan looked each call up: what it did not find is not
		 * looked for again, unless another run of the plan was
		 * waited for, whose answers are in the cache now.
		 */
		if (!opts->no_cache && (pc->item.cached || waited)) {
			err = morph_cache_get(&ce, &found, repo,
			    &pc->item.call, pc->item.sample);
			if (err == NULL && found)
				err = from_cache(&x, pc, &ce);
			if (err != NULL)
				goto done;
			if (found)
				continue;
		}
		x.todo[x.ntodo++] = pc;
	}
	if ((err = flush_batch(&x)) != NULL)
		goto done;
	report(&x);
	/* Commits while calls are in flight must not stall on a sync. */
	if (x.ntodo > 0 &&
	    (err = morph_checkpointer_start(&ckpt, &repo->store)) != NULL)
		goto done;

	while (err == NULL) {
		/*
		 * A stop abandons what is in flight; a drain starts
		 * nothing new and ends once what is in flight has been
		 * answered and recorded (collect leaves nothing behind).
		 */
		draining = opts->drain != NULL && *opts->drain;
		if ((opts->stop != NULL && *opts->stop) ||
		    (draining && x.running == 0)) {
			err = morph_error_fmt(MORPH_ERR_INTERRUPTED,
			    "interrupted; %zu results recorded in run #%lld; "
			    "run the same command again to complete it",
			    x.progress.done, (long long)out->num);
			break;
		}
		if (!draining && (err = schedule(&x, 0)) != NULL)
			break;
		if (x.running == 0 && !pending(&x))
			break;
		if (x.http != NULL) {
			morph_http_wait(x.http, next_wait(&x));
			report(&x);	/* the clock moves while nothing ends */
			/*
			 * Refill the slots just freed and send, taking in
			 * what else has arrived meanwhile; then record what
			 * came back: the servers work while we write.  At
			 * most a pass's worth waits to be recorded: a
			 * server that answers at once must not outrun it.
			 * A Ctrl-C may have come during the wait: the flags
			 * are read again, or it would start new calls.
			 */
			while (x.freed > 0 && x.ndone < (size_t)opts->jobs &&
			    !stopping(opts) && err == NULL) {
				x.freed = 0;
				if ((err = schedule(&x, 1)) == NULL)
					morph_http_wait(x.http, 0);
			}
		}
		if (err == NULL)
			err = collect(&x);
	}
	if (out->budget_stop) {
		/* What never started: calls of the plan, and judges. */
		out->not_sent = x.ntodo - x.next;
		for (i = 0; i < x.nqueue; i++)
			out->not_sent += x.queue[i]->parent != NULL &&
			    !x.queue[i]->finished && x.queue[i]->attempt == 0;
	}

done:
	/* What was recorded stays, whatever ended the run. */
	if (err == NULL)
		err = flush_batch(&x);
	else
		(void)flush_batch(&x);
	ckerr = morph_checkpointer_stop(ckpt);
	if (err == NULL)
		err = ckerr;
	if (x.http != NULL)
		morph_http_free(x.http);	/* aborts what still runs */
	while (x.live != NULL)
		drop_job(&x, x.live);
	pace_end(&x);
	free(x.queue);
	free(x.todo);
	free(x.per_slot);
	if (err != NULL) {
		/* What was recorded stays; the run waits to be resumed. */
		(void)morph_runs_set_state(repo, out->num,
		    err->code == MORPH_ERR_INTERRUPTED ? "interrupted" :
		    "failed");
		goto out;
	}
	if (out->budget_stop) {
		err = morph_runs_set_state(repo, out->num, "stopped");
		goto out;
	}
	if ((err = morph_runs_seal(&out->sealed, repo, out->num)) != NULL)
		goto out;
	out->is_sealed = 1;
	report(&x);
out:
	morph_runlock_release(lock);
	morph_redactor_release(&x.redact);
	morph_oidset_release(&have.set);
	return err;
}

/* Sharding (morph run --shard) */

struct shard_key {
	struct morph_oid	call;
	int			sample;
};

static int
cmp_shard_key(const void *a, const void *b)
{
	const struct shard_key *x = a, *y = b;
	int c = morph_oid_cmp(&x->call, &y->call);

	if (c != 0)
		return c;
	return (x->sample > y->sample) - (x->sample < y->sample);
}

/*
 * Keeps the calls of shard k of n: the distinct (call, sample) keys of
 * the plan in id order, dealt out in turn, so that every shard gets as
 * many as the others but one, and two items that are the same call (which
 * the cache answers once) always go to the same shard.  The matrix says
 * which shard the run is.
 */
const struct morph_error *
morph_plan_shard(struct morph_plan *plan, int k, int n)
{
	const struct morph_error *err;
	struct shard_key *keys = NULL, want, *at;
	struct morph_buf b = MORPH_BUF_INIT;
	size_t i, j, nk = 0;
	cJSON *m = NULL;
	char s[32];

	if (n < 1 || k < 1 || k > n)
		return morph_error_fmt(MORPH_ERR_INVALID, "shard %d/%d: "
		    "expected K/N with 1 <= K <= N", k, n);
	if (plan->n > 0 && (keys = calloc(plan->n, sizeof(*keys))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	for (i = 0; i < plan->n; i++) {
		keys[i].call = plan->v[i].item.call;
		keys[i].sample = plan->v[i].item.sample;
	}
	if (plan->n > 1)
		qsort(keys, plan->n, sizeof(*keys), cmp_shard_key);
	for (i = 0; i < plan->n; i++)
		if (nk == 0 || cmp_shard_key(&keys[nk - 1], &keys[i]) != 0)
			keys[nk++] = keys[i];
	for (i = j = 0; i < plan->n; i++) {
		want.call = plan->v[i].item.call;
		want.sample = plan->v[i].item.sample;
		at = bsearch(&want, keys, nk, sizeof(*keys), cmp_shard_key);
		if (at != NULL && (size_t)(at - keys) % (size_t)n ==
		    (size_t)(k - 1))
			plan->v[j++] = plan->v[i];
	}
	plan->n = j;
	free(keys);
	free(plan->matrix);
	plan->matrix = NULL;
	if ((err = make_matrix(plan)) != NULL ||
	    (err = morph_json_parse(&m, plan->matrix, strlen(plan->matrix),
	    "matrix")) != NULL)
		return err;
	snprintf(s, sizeof(s), "%d/%d", k, n);
	cJSON_AddStringToObject(m, "shard", s);
	if ((err = morph_json_canonical(&b, m)) == NULL) {
		free(plan->matrix);
		if ((plan->matrix = morph_buf_detach(&b, NULL)) == NULL)
			err = morph_error(MORPH_ERR_NOMEM);
	}
	cJSON_Delete(m);
	morph_buf_release(&b);
	return err != NULL ? err : make_key(plan);
}
