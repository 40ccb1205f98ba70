/*
 * Comparing models on the runs of a suite (morph-compare(1)): for each
 * prompt (or the whole suite) and model, the pass rate with its Wilson
 * interval (clustered by case when cases have several samples), the mean
 * score, the cost per call, latency percentiles and whether the model is
 * on the Pareto frontier of quality, cost and latency; the per-case
 * oracle (the cheapest model passing each case) as a bound, and what the
 * configured model costs (the baseline of the select rule, one for the
 * suite or one per prompt).  morph select (select.h) judges the same
 * rows.
 */
#ifndef MORPH_COMPARE_H
#define MORPH_COMPARE_H

#include <stddef.h>
#include <stdint.h>

#include "morph/error.h"
#include "morph/run.h"

struct morph_repo;
struct morph_compare;
struct morph_select_rule;

struct morph_compare_opts {
	unsigned int	 version;
	int		 total;		/* one group for the whole suite */
	double		 confidence;	/* of the Wilson intervals (0.95) */
};
#define MORPH_COMPARE_OPTS_VERSION	1
#define MORPH_COMPARE_OPTS_INIT	{ MORPH_COMPARE_OPTS_VERSION, 0, 0.95 }

/*
 * One case of a row: its samples with assertions and those that passed,
 * and the cost of its priced calls.  Cases are sorted by (prompt, id),
 * so that two rows of a group pair case by case.
 */
struct morph_compare_case {
	const char	*prompt;
	const char	*case_id;
	int		 n;		/* samples with assertions */
	int		 k;		/* of those, passing */
	int64_t		 calls;		/* results, errors included */
	int64_t		 cost_nusd;	/* of the priced ones */
	int64_t		 priced;
};

/* A model in a group. */
struct morph_compare_row {
	const char		*prompt;	/* NULL with total */
	const char		*model;		/* its id */
	int64_t			 results;
	int64_t			 asserted;
	int64_t			 passed;
	int64_t			 errors;	/* calls that failed */
	double			 rate;		/* passed / asserted; -1 */
	double			 neff;		/* effective sample size */
	double			 lo, hi;	/* Wilson interval of rate */
	double			 score;		/* mean score; -1: none */
	int64_t			 cost_nusd;	/* of priced results */
	int64_t			 priced;
	int64_t			 unpriced;
	double			 cost_per_call;	/* nano-USD; -1: unpriced */
	int64_t			 p50_ms;	/* -1: no answered call */
	int64_t			 p95_ms;
	const int64_t		*latencies;	/* of the answered calls,
						   ascending */
	size_t			 nlatencies;
	int			 frontier;	/* on the Pareto frontier */
	int			 repeated;	/* a case has 2+ samples */
	const struct morph_compare_case *cases;
	size_t			 ncases;
};

/*
 * A group: a prompt (or the suite), its rows sorted by cost per call
 * (unpriced last), the oracle and the configured model.
 */
struct morph_compare_group {
	const char			*prompt;	/* NULL with total */
	const struct morph_compare_row	*rows;
	size_t				 nrows;
	/* The oracle: each case answered by the cheapest model passing it
	   (every sample), else by the cheapest model. */
	int64_t				 cases;
	int64_t				 oracle_passed;	/* cases some model
							   passes */
	double				 oracle_cost;	/* nano-USD a call;
							   -1: unpriced */
	/* The row of the configured model of the group's prompt
	   (morph_compare_current_for), or NULL when it has none here or,
	   with total, when the rule names a model per prompt. */
	const struct morph_compare_row	*current;
};

/*
 * Compares the results of runs (names as morph_run_find takes them:
 * ids, "#N", revisions; all of them pooled, so that runs of one suite
 * made model by model add up; none: the newest run of HEAD) for the rule's baseline, the configured
 * model (of each prompt), read from morph.json of the first run's
 * commit.  Errors:
 * NOT_FOUND for a run that does not exist, SUITE for a morph.json that
 * does not load, INVALID when the runs hold no result.
 */
const struct morph_error *morph_compare_new(struct morph_compare **out,
    struct morph_repo *, const char *const *runs, size_t nruns,
    const struct morph_compare_opts *);
void	morph_compare_free(struct morph_compare *);

size_t	morph_compare_ngroups(const struct morph_compare *);
const struct morph_compare_group *morph_compare_group(
    const struct morph_compare *, size_t i);
/* The runs compared, in the order given. */
size_t	morph_compare_nruns(const struct morph_compare *);
const struct morph_run_info *morph_compare_run(const struct morph_compare *,
    size_t i);
/*
 * The configured model's id: the rule's baseline or the first model;
 * when the rule names a model per prompt, that of a prompt none of its
 * keys matches.  NULL when the suite has no model.
 */
const char *morph_compare_current(const struct morph_compare *);
/*
 * The configured model of the prompt at path prompt: the model of the
 * first key of the rule's per-prompt baselines that matches it, else
 * morph_compare_current().  With prompt NULL (the whole suite), NULL
 * when the rule names a model per prompt.  Borrowed from cmp.
 */
const char *morph_compare_current_for(const struct morph_compare *,
    const char *prompt);
/* The selection rule of that morph.json (defaults where it has none). */
const struct morph_select_rule *morph_compare_rule(
    const struct morph_compare *);

#endif
