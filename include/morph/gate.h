/*
 * The behaviour gate of a merge (morph merge --gate, morph-merge(1)):
 * before the merge commit is made, the merged suite runs, and the merge
 * is refused when it breaks what either side passes.
 *
 * Each parent's suite runs as committed (morph run of that commit: what
 * the call cache holds is not sent again), which sets the bar: every
 * (prompt, case, model) that passes on a side, and each model's pass rate
 * there.  Then the merged snapshot runs with the cases and models of both
 * parents added where it lacks them (the union: a case a branch relies on
 * is run against the merged prompts even if the merge dropped it), again
 * sending only what the cache cannot answer, and is compared with each
 * parent result by result, as morph eval --against compares two runs.
 *
 * The merge fails the gate when a (prompt, case, model) that passes on a
 * parent fails on the merge, or when a model passes fewer of the results
 * both runs have than the parent passes.  With repeated samples
 * (repeat > 1) both are judged by the exact McNemar test eval uses: a
 * case fails when its samples got worse significantly (p below the
 * significance level), a model when its paired samples did.
 */
#ifndef MORPH_GATE_H
#define MORPH_GATE_H

#include <stddef.h>
#include <stdint.h>

#include "morph/error.h"
#include "morph/hash.h"
#include "morph/run.h"

struct morph_repo;
struct morph_gate;

struct morph_gate_opts {
	unsigned int		 version;
	int			 repeat;	/* samples of each call (1) */
	double			 significance;	/* with repeat > 1: the
						   level of the tests */
	/*
	 * How calls are sent: jobs, retries, timeouts, progress, stop and
	 * drain.  Its repeat, models and plan_only are not used.  NULL:
	 * the defaults of morph run.
	 */
	const struct morph_run_opts *run;
};
#define MORPH_GATE_OPTS_VERSION	1
#define MORPH_GATE_OPTS_INIT	{ MORPH_GATE_OPTS_VERSION, 1, 0, NULL }

/*
 * Whether merges into branch (a short name; NULL for a detached HEAD) are
 * gated by default: the configuration merge.gate is true, names branch,
 * or is a list that does.  Errors: INVALID for another value.
 */
const struct morph_error *morph_gate_configured(int *on, struct morph_repo *,
    const char *branch);

/* The runs of the gate. */
enum morph_gate_side {
	MORPH_GATE_OURS,
	MORPH_GATE_THEIRS,
	MORPH_GATE_MERGED,
};

/*
 * A (prompt, case, model) that passes on a parent: the merge must keep
 * passing it.  [side] for ours and theirs: samples with assertions (0:
 * not run there) and how many passed.
 */
struct morph_gate_case {
	const char	*prompt;
	const char	*case_id;
	const char	*model;
	int		 n[2];
	int		 k[2];
};

/* A model's results on each parent: with assertions, and passing. */
struct morph_gate_rate {
	const char	*model;
	int64_t		 n[2];
	int64_t		 k[2];
};

enum morph_gate_failure_kind {
	MORPH_GATE_CASE_FAILS,	/* a case a parent passes fails */
	MORPH_GATE_RATE_FALLS,	/* a model's pass rate falls */
};

/* Why the merge fails the gate, one reason each. */
struct morph_gate_failure {
	enum morph_gate_failure_kind	 kind;
	enum morph_gate_side		 side;	/* the parent it holds on */
	const char			*prompt;	/* NULL for a rate */
	const char			*case_id;
	const char			*model;
	/* [0] the parent, [1] the merge: with assertions, and passing.
	 * For a rate, over the results both runs have. */
	int64_t				 n[2];
	int64_t				 k[2];
	double				 p_value;	/* McNemar; -1 without
							   repeats */
	const char			*reasons;	/* the merge's failed
							   assertions, one a
							   line; NULL for a
							   rate */
};

/*
 * Prepares the gate of merging theirs into ours as the snapshot tree:
 * loads and checks the three suites and plans the three runs, sending
 * nothing.  Errors: those of morph_plan_new (SUITE naming the file, field
 * and side, NOT_FOUND for an unknown provider).
 */
const struct morph_error *morph_gate_new(struct morph_gate **out,
    struct morph_repo *, const struct morph_oid *ours,
    const struct morph_oid *theirs, const struct morph_oid *tree,
    const struct morph_gate_opts *);
void	morph_gate_free(struct morph_gate *);

/*
 * Runs one side: MORPH_GATE_OURS and MORPH_GATE_THEIRS first, which set
 * the bar; then MORPH_GATE_MERGED, which judges the merge.  Errors: those
 * of morph_run_execute (INTERRUPTED, HTTP for a quota, ...); INVALID when
 * the merge runs before both parents.
 */
const struct morph_error *morph_gate_run(struct morph_gate *,
    enum morph_gate_side);

/* What a side's run did: its number, calls planned, answered by the
 * cache, sent now and failed. */
struct morph_gate_run_info {
	int64_t	num;
	size_t	calls;
	size_t	cached;
	size_t	sent;
	size_t	errors;
};
const struct morph_gate_run_info *morph_gate_run_info(
    const struct morph_gate *, enum morph_gate_side);

/* After both parents: the bar, sorted by prompt, case and model. */
size_t	morph_gate_ncases(const struct morph_gate *);
const struct morph_gate_case *morph_gate_case(const struct morph_gate *,
    size_t i);
size_t	morph_gate_nrates(const struct morph_gate *);
const struct morph_gate_rate *morph_gate_rate(const struct morph_gate *,
    size_t i);

/*
 * After the merge: whether it passed, why not, and the cases a parent
 * passes that the merge does not run at all (its prompt is gone), which
 * are told but do not fail the gate.
 */
int	morph_gate_passed(const struct morph_gate *);
size_t	morph_gate_nfailures(const struct morph_gate *);
const struct morph_gate_failure *morph_gate_failure(
    const struct morph_gate *, size_t i);
size_t	morph_gate_ndropped(const struct morph_gate *);
const struct morph_gate_case *morph_gate_dropped(const struct morph_gate *,
    size_t i);

#endif
