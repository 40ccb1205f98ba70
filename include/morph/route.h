/*
 * Routing plans: which models a router should send each prompt to, in
 * which order, and why the others are left out (morph-route(1)).
 *
 * A plan is the one interface between what decides (morph select,
 * through morph_route_plan_select) and what writes a router's configuration: Otari's config.yml and its
 * learned router's examples, a LiteLLM proxy config.yaml, OpenRouter
 * request fields.  Every writer reads only this struct, so a new source
 * of decisions needs no change to the writers, and a new router needs no
 * change to the sources.
 *
 * Invariants of a plan that writers rely on:
 *  1. prompts are sorted by path, and paths are distinct;
 *  2. a prompt's candidates are in routing order: the first is the model
 *     recommended, the next ones those to fall back to, up the frontier;
 *  3. a model is a candidate or left out, never both, once a prompt;
 *  4. each model's scores is NULL (no per-case evidence: otari-rank
 *     skips the model) or has one entry per case of its prompt, -1 where
 *     the model has no result with assertions for that case.
 */
#ifndef MORPH_ROUTE_H
#define MORPH_ROUTE_H

#include <stddef.h>
#include <stdint.h>

#include "morph/buf.h"
#include "morph/error.h"
#include "morph/hash.h"

struct morph_repo;

/* What the evidence says about a model for a prompt. */
enum morph_route_verdict {
	MORPH_ROUTE_RECOMMEND,		/* route the prompt to it */
	MORPH_ROUTE_KEEP,		/* the current model stays */
	MORPH_ROUTE_QUALIFIES,		/* good enough: a fallback */
	MORPH_ROUTE_INCONCLUSIVE,	/* not enough cases to decide */
	MORPH_ROUTE_EXCLUDED,		/* left out; reason says why */
};

/* One model as the plan knows it for one prompt. */
struct morph_route_model {
	char	*id;		/* the suite's label ("id", else the spec) */
	char	*provider;	/* "openai", as in provider:model */
	char	*model;		/* "gpt-4o-mini" */
	char	*key_env;	/* the provider's key variable, or NULL */
	/*
	 * Prices from morph's price table in USD per million tokens, as the
	 * table holds them (writers that want USD per token shift the
	 * decimal point, exactly); -1: the table has none.  priced is 0 for
	 * a model the table does not price at all.
	 */
	int	 priced;
	double	 in_mtok;
	double	 out_mtok;
	double	 cache_read_mtok;
	double	 cache_write_mtok;
	int64_t	 cost_nusd;	/* mean cost of a call of this prompt in
				   the runs; -1: unpriced */
	int64_t	 n;		/* results with assertions */
	int64_t	 k;		/* of those, passing */
	double	 rate;		/* k / n; -1 when n is 0 */
	double	 lo, hi;	/* its 95% interval; -1 when n is 0 */
	enum morph_route_verdict verdict;
	char	*reason;	/* why, in a few words; never NULL */
	double	*scores;	/* per case of the prompt, 0 to 1; -1: none */
};

/* One case of a prompt: what the learned router embeds. */
struct morph_route_case {
	char	*id;
	char	*text;		/* the last user message, rendered */
};

struct morph_route_prompt {
	char			*path;		/* "prompts/summary.txt" */
	char			*baseline;	/* its configured model's id, or
						   NULL when it has no
						   results */
	struct morph_route_case	*cases;
	size_t			 ncases;
	struct morph_route_model *candidates;	/* routing order */
	size_t			 ncandidates;
	struct morph_route_model *left_out;
	size_t			 nleft_out;
};

/* The rule a plan was decided by; -1 or NULL for what it does not use. */
struct morph_route_rule {
	double	 floor;		/* pass rate a model must reach */
	double	 margin;	/* non-inferiority margin */
	double	 alpha;		/* level of the tests */
	char	*baseline;	/* the configured model's id, or with a
				   baseline per prompt its rule as text,
				   "{glob: id, ...}" */
};

struct morph_route_plan {
	struct morph_oid	 commit;	/* the suite judged */
	char			**runs;		/* run ids (or "#N" for a
						   run not sealed) */
	size_t			 nruns;
	struct morph_route_rule	 rule;
	char			*source;	/* how the plan was decided,
						   one line */
	struct morph_route_prompt *prompts;	/* by path */
	size_t			 nprompts;
};

/* Frees a plan and everything it holds; NULL is ok. */
void	morph_route_plan_free(struct morph_route_plan *);
/* Whether any prompt of the plan has a candidate: something to route. */
int	morph_route_plan_routes(const struct morph_route_plan *);

struct morph_compare;
struct morph_select;

/*
 * The plan of a selection (morph/select.h) made on the comparison cmp,
 * one prompt a group: the model select chose first (RECOMMEND when it is
 * cheaper than the baseline, else KEEP), then as fallbacks, cheapest
 * first, the dearer candidates that qualified, the baseline, and the
 * models of the Pareto frontier dearer than the baseline that are not
 * shown below the floor.  Every other model is left out with its reason
 * (below the floor, worse than the margin, inconclusive with the cases
 * that would settle it, not tested, off the frontier, unpriced).  A
 * prompt whose baseline has no results has no candidate.  Prices are
 * those of the price table in force at at_ms (0: now).  The caller frees
 * *out.  Errors: INVALID for a comparison made with total; the suite's
 * and the price table's.
 */
const struct morph_error *morph_route_plan_select(
    struct morph_route_plan **out, struct morph_repo *,
    const struct morph_compare *cmp, const struct morph_select *sel,
    int64_t at_ms);

/*
 * The names a router knows prompts by, one a prompt in plan order:
 * Otari's policy names and LiteLLM's model groups, which must not hold
 * ':' or '/'.  A path loses its extension, '/' becomes '-', and every
 * byte but ASCII letters, digits, '.', '_' and '-' becomes '_'
 * ("prompts/summary.txt" is "prompts-summary"); a name already taken gets
 * "-2", "-3"... in path order.  The caller frees the array and its
 * strings with morph_route_names_free.
 */
const struct morph_error *morph_route_names(char ***out,
    const struct morph_route_plan *);
void	morph_route_names_free(char **, size_t n);

enum morph_route_format {
	MORPH_ROUTE_OTARI,		/* Otari config.yml */
	MORPH_ROUTE_OTARI_RANK,		/* its /v1/routing/preferences/rank
					   bodies, JSON Lines */
	MORPH_ROUTE_LITELLM,		/* LiteLLM proxy config.yaml */
	MORPH_ROUTE_OPENROUTER,		/* OpenRouter request fields */
};

/* The format called name ("otari", "otari-rank", ...), or -1. */
int	morph_route_format_from_name(const char *name);
const char *morph_route_format_name(enum morph_route_format);

struct morph_route_write_opts {
	unsigned int	 version;
	int		 canary_pct;	/* Otari: share of the recommended
					   model in a weighted split, 1 to
					   99; 0: no split */
	const char	*user_id;	/* otari-rank: whose memory */
};
#define MORPH_ROUTE_WRITE_OPTS_VERSION	1
#define MORPH_ROUTE_WRITE_OPTS_INIT \
	{ MORPH_ROUTE_WRITE_OPTS_VERSION, 0, NULL }

/* The most candidates an Otari policy may have. */
#define MORPH_ROUTE_OTARI_MAX		5
/* The most examples one rank body may carry. */
#define MORPH_ROUTE_OTARI_RANK_MAX	100

/*
 * Appends plan written in format to out.  Each writer starts with a
 * header (a comment, or for JSON a "morph" member) naming the commit,
 * the runs and the rule, and keeps to its router's limits (see
 * morph-route(1)).  A prompt with no candidate is written as a comment
 * only.  Errors: INVALID for a canary out of range, for otari-rank
 * without a user id, and when no prompt has a candidate (nothing to
 * route); NOMEM.
 */
const struct morph_error *morph_route_write(struct morph_buf *out,
    const struct morph_route_plan *, enum morph_route_format,
    const struct morph_route_write_opts *);

/*
 * With a canary, the candidate of p that gets the share the recommended
 * one does not: the baseline when it is one of the first candidates
 * of p (within Otari's limit), else the second.  p has two candidates or more.
 */
size_t	morph_route_canary_other(const struct morph_route_plan *,
	    const struct morph_route_prompt *p);

/* "RECOMMEND", "KEEP", "QUALIFIES", "INCONCLUSIVE" or "EXCLUDED". */
const char *morph_route_verdict_name(enum morph_route_verdict);

#endif
