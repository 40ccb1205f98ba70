/*
 * Scoring runs and comparing them (DESIGN.md section 5, morph-eval(1)).
 *
 * An evaluation reads one run, or two side by side, as streams sorted by
 * (prompt, case, model, sample): results pair by that key, and only what
 * a report lists (regressions, fixes, changed outputs, cases added or
 * removed, failures) is kept in memory, with per-model totals.  A run of
 * any size is compared without being loaded whole.
 *
 * A result passes when every assertion passed; an error (a call that
 * failed) never passes.  Against a baseline, a pair is a regression when
 * the baseline passed and the run does not, a fix the other way round.
 * With several samples (morph run --repeat), each (prompt, case, model)
 * also gets pass rates with Wilson intervals and an exact McNemar test on
 * its paired samples; with a significance level, only regressions whose
 * test is significant count.  Since that test is one a case, reports of
 * repeated runs list and count cases (struct morph_eval_case) rather than
 * samples: a case regresses when its pass rate falls.
 */
#ifndef MORPH_EVAL_H
#define MORPH_EVAL_H

#include <stddef.h>
#include <stdint.h>

#include "morph/buf.h"
#include "morph/error.h"
#include "morph/hash.h"
#include "morph/run.h"

struct morph_repo;
struct morph_eval;

struct morph_eval_opts {
	unsigned int	 version;
	/*
	 * Re-score both runs with the assertions of this revision's suite
	 * instead of the verdicts they recorded (no request is made; an
	 * llm-rubric judge must be in the call cache).  NULL: recorded.
	 */
	const char	*suite;
	double		 significance;	/* alpha; 0: every regression counts */
	double		 confidence;	/* of the Wilson intervals (0.95) */
	int		 allow_exec;	/* exec assertions may run */
	int		 keep_all;	/* keep MORPH_EVAL_SAME items too */
};
#define MORPH_EVAL_OPTS_VERSION	1
#define MORPH_EVAL_OPTS_INIT	{ MORPH_EVAL_OPTS_VERSION, NULL, 0, 0.95, 0, 0 }

enum morph_eval_kind {
	MORPH_EVAL_FAILURE,	/* scoring one run: a result that fails */
	MORPH_EVAL_REGRESSION,	/* passed in the baseline, not now */
	MORPH_EVAL_FIX,		/* failed in the baseline, passes now */
	MORPH_EVAL_CHANGED,	/* same verdict, another output */
	MORPH_EVAL_ADDED,	/* only in the run */
	MORPH_EVAL_REMOVED,	/* only in the baseline */
	MORPH_EVAL_SAME,	/* nothing to report (kept with keep_all) */
};
#define MORPH_EVAL_NKINDS	7

/* One side of a paired result. */
struct morph_eval_side {
	int			 present;
	const char		*status;	/* "ok" or "error" */
	int			 pass;		/* 1, 0; -1: no assertions */
	int			 has_output;
	struct morph_oid	 output;
	const char		*error;
	const char		*verdicts;	/* JSON array */
	int64_t			 tokens_in, tokens_out;
	int64_t			 latency_ms;
	int64_t			 cost_nusd;	/* -1: unpriced */
};

/* A result a report lists; a is the run, b the baseline. */
struct morph_eval_item {
	enum morph_eval_kind	 kind;
	const char		*prompt;
	const char		*case_id;
	const char		*model;
	int			 sample;
	struct morph_eval_side	 a;
	struct morph_eval_side	 b;
	int			 significant;	/* counted as a regression */
};

/* Totals of one model on each side. */
struct morph_eval_model {
	const char	*model;
	int64_t		 results[2];	/* [0] the run, [1] the baseline */
	int64_t		 asserted[2];
	int64_t		 passed[2];
	int64_t		 errors[2];
	int64_t		 tokens_in[2];
	int64_t		 tokens_out[2];
	int64_t		 cost_nusd[2];	/* of priced results */
	int64_t		 unpriced[2];
	int64_t		 p50_ms[2];	/* -1: no latency */
	int64_t		 p95_ms[2];
	double		 rate[2];	/* passed / asserted; -1: none */
	double		 lo[2], hi[2];	/* Wilson interval of rate */
	int64_t		 regressions;	/* counted ones */
	int64_t		 fixes;
	int64_t		 changed;
	int64_t		 added;
	int64_t		 removed;
	int64_t		 discordant[2];	/* [0] pass->fail, [1] fail->pass */
	double		 p_value;	/* McNemar over all pairs; -1: none */
	/* By case (struct morph_eval_case), what repeated runs report: */
	int64_t		 cases[MORPH_EVAL_NKINDS];	/* cases of a kind */
	int64_t		 case_regressions;	/* of those, counted */
};

/* A (prompt, case, model) over its samples, when there are several. */
struct morph_eval_group {
	const char	*prompt;
	const char	*case_id;
	const char	*model;
	int		 n[2];		/* samples with assertions */
	int		 k[2];		/* of those, passing */
	double		 lo[2], hi[2];	/* Wilson intervals */
	int		 worse;		/* pairs pass -> fail */
	int		 better;	/* pairs fail -> pass */
	double		 p_value;	/* exact McNemar, two-sided */
	int		 significant;	/* a counted regression */
};

/*
 * A (prompt, case, model) over all its samples: what reports list, one
 * entry a case, when runs have several samples (morph_eval_repeated).
 * Against a baseline its kind is REGRESSION when its pass rate fell, FIX
 * when it rose, CHANGED when it held but a verdict or an output changed,
 * ADDED or REMOVED when one run lacks it, SAME otherwise; scoring one
 * run, FAILURE when a sample fails.  A regression counts (significant)
 * when no significance level is set, or when its McNemar test is
 * significant and more samples got worse than better.
 */
struct morph_eval_case {
	enum morph_eval_kind	 kind;
	const char		*prompt;
	const char		*case_id;
	const char		*model;
	int			 samples[2];	/* [0] the run, [1] the baseline */
	int			 n[2];		/* samples with assertions */
	int			 k[2];		/* of those, passing */
	double			 lo[2], hi[2];	/* Wilson intervals */
	int			 worse;		/* pairs pass -> fail */
	int			 better;	/* pairs fail -> pass */
	double			 p_value;	/* exact McNemar; -1: no pairs */
	int			 significant;	/* a counted regression */
	/*
	 * A sample that shows why, the first of the case's items of the
	 * case's kind (else of another kind); NULL when none is kept (a SAME
	 * case).  Borrowed from the evaluation.
	 */
	const struct morph_eval_item *example;
};

/*
 * Scores run (a name as morph_run_find takes: id, prefix, #N or a
 * revision) and, when baseline is not NULL, compares it with baseline.
 * Errors: NOT_FOUND for a run that does not exist; SUITE when --suite's
 * assertions are broken or need an exec that is not allowed.
 */
const struct morph_error *morph_eval_new(struct morph_eval **out,
    struct morph_repo *, const char *run, const char *baseline,
    const struct morph_eval_opts *);
void	morph_eval_free(struct morph_eval *);

/* The runs compared; baseline is NULL when scoring one run. */
const struct morph_run_info *morph_eval_run(const struct morph_eval *);
const struct morph_run_info *morph_eval_baseline(const struct morph_eval *);

/* Items of a kind, in key order. */
size_t	morph_eval_count(const struct morph_eval *, enum morph_eval_kind);
const struct morph_eval_item *morph_eval_item(const struct morph_eval *,
    enum morph_eval_kind, size_t i);

/* Models in the order the run lists them, then the baseline's others. */
size_t	morph_eval_nmodels(const struct morph_eval *);
const struct morph_eval_model *morph_eval_model(const struct morph_eval *,
    size_t i);

/* Groups with several samples whose pass rate differs between the runs. */
size_t	morph_eval_ngroups(const struct morph_eval *);
const struct morph_eval_group *morph_eval_group(const struct morph_eval *,
    size_t i);

/*
 * Cases of a kind, in key order: every (prompt, case, model), whether the
 * runs were repeated or not (SAME ones only with keep_all).
 */
size_t	morph_eval_case_count(const struct morph_eval *,
	    enum morph_eval_kind);
const struct morph_eval_case *morph_eval_case(const struct morph_eval *,
    enum morph_eval_kind, size_t i);

/*
 * The regressions that count (all, or the significant ones): results, or
 * cases when the runs were repeated, as the reports count them.
 */
int64_t	morph_eval_regressions(const struct morph_eval *);
/* The most samples a case has in the run ([0]) and the baseline ([1]). */
int	morph_eval_max_samples(const struct morph_eval *, int side);
/* Whether any run had more than one sample of a call. */
int	morph_eval_repeated(const struct morph_eval *);

/*
 * Appends one line "<prefix><type>: <reason>" for each failed verdict of
 * a side, or "<prefix>error: <message>" for a failed call.
 */
const struct morph_error *morph_eval_reasons(struct morph_buf *out,
    const struct morph_eval_side *, const char *prefix);

#endif
