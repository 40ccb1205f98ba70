/*
 * Runs: replaying a commit's suite against models and recording every
 * output (DESIGN.md section 4, morph-run(1)).
 *
 * A plan expands prompts x cases x models x samples into calls, each
 * named by its call id (the hash of the fully resolved request) and
 * checked before anything is sent.  Executing it sends what the call
 * cache cannot answer, records each result as it completes, and seals
 * the run as a run object when every result is in.  A run stopped
 * midway (Ctrl-C, a kill, a budget) is completed by running the same
 * plan again: it resumes, and only what is missing is sent.
 */
#ifndef MORPH_RUN_H
#define MORPH_RUN_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "morph/error.h"
#include "morph/hash.h"

struct morph_repo;
struct morph_plan;

struct morph_run_progress {
	size_t	total;		/* results the run will have */
	size_t	done;		/* recorded so far, errors included */
	size_t	errors;
	size_t	cached;		/* answered from the cache */
	size_t	running;	/* calls in flight */
	int64_t	tokens_in;
	int64_t	tokens_out;
	int64_t	cost_nusd;	/* of the priced results */
	size_t	unpriced;
	int64_t	elapsed_ms;
	/* Rate limits (morph-run(1), "Rate limits"): */
	size_t	refused;	/* requests refused for rate so far */
	double	rate;		/* requests a second the limits allow;
				   0: no limit known */
	int	waiting;	/* calls are ready but wait for a limit */
	int	stopped;	/* a refusal stopped a provider for now */
};

struct morph_run_opts {
	unsigned int	 version;
	int		 jobs;		/* calls in flight at once (8) */
	int		 provider_jobs;	/* per provider; 0: as jobs */
	int		 repeat;	/* samples per call (1) */
	int		 retries;	/* after the first attempt (2) */
	int		 no_cache;	/* send even what the cache holds */
	int		 offline;	/* send nothing; a miss is an error */
	int		 allow_exec;	/* exec assertions may run commands */
	int64_t		 budget_nusd;	/* -1: no budget */
	long		 connect_timeout_ms;
	long		 timeout_ms;
	size_t		 max_body;
	const char *const *models;	/* only these model ids (NULL: all) */
	size_t		 nmodels;
	volatile sig_atomic_t *stop;	/* set it (from a signal) to stop now,
					   abandoning the calls in flight */
	void		(*progress)(const struct morph_run_progress *, void *);
	void		*progress_arg;
	int		 plan_only;	/* the plan is shown, never sent: do
					   not get ready to send */
	volatile sig_atomic_t *drain;	/* set it (from a signal) to start
					   nothing new and stop once the
					   calls in flight have ended */
	long		 rate_wait_ms;	/* how long a call may wait, in
					   all, once refused for rate;
					   0: 600 s */
	const char *const *cases;	/* only these case ids (NULL: all);
					   each must be in the suite */
	size_t		 ncases;
};
#define MORPH_RUN_OPTS_VERSION	3
#define MORPH_RUN_OPTS_INIT { MORPH_RUN_OPTS_VERSION, 8, 0, 1, 2, 0, 0, 0, -1, \
	10000, 600000, (size_t)32 << 20, NULL, 0, NULL, NULL, NULL, 0, NULL, \
	600000, NULL, 0 }

/* One call of a plan. */
struct morph_plan_item {
	const char		*prompt;	/* prompt path */
	const char		*case_id;
	const char		*model;		/* model id (label) */
	const char		*spec;		/* provider:model */
	int			 sample;	/* 0 .. repeat - 1 */
	struct morph_oid	 call;		/* cache key with sample */
	int			 cached;	/* the cache will answer it
						   (never with no_cache) */
	int64_t			 est_tokens_in;	/* bytes / 4, roughly */
	int64_t			 est_tokens_out; /* max_tokens, else 1024 */
	int64_t			 est_cost_nusd;	/* at most; -1 unpriced */
};

/*
 * Loads the suite of commit, checks it (the suite, the assertions of the
 * cases it runs, every provider) and expands the matrix.  With
 * opts->cases, only those cases are planned, and only their assertions
 * need to hold: the run's matrix lists them ("case_ids"), and a later run
 * of the whole suite gets what they answered from the cache.  Sends
 * nothing and writes nothing.  Errors: SUITE naming file, line and field;
 * NOT_FOUND for an unknown provider, a --model that names no model, or a
 * case id that is not in the suite.  Free with morph_plan_free.
 */
const struct morph_error *morph_plan_new(struct morph_plan **out,
    struct morph_repo *, const struct morph_oid *commit,
    const struct morph_run_opts *);
/*
 * The plan of the work tree's suite as it is on disk, to try an edit
 * before committing it: the files "morph add ." would stage are stored as
 * blobs and a tree, which is not committed (the index, HEAD and the
 * branches do not change), and the plan runs that tree on top of HEAD.
 * Its run records both; morph_run_info says so (worktree, tree).  *tree
 * (may be NULL) gets the tree.  Errors: those of morph_plan_new, and
 * NOT_FOUND when HEAD has no commit yet.
 */
const struct morph_error *morph_plan_new_worktree(struct morph_plan **out,
    struct morph_oid *tree, struct morph_repo *,
    const struct morph_run_opts *);

/*
 * Calls cb with the path of every file of the suite (morph.json, prompt
 * and case files of either side) that differs between commit and the
 * work tree as morph_plan_new_worktree would run it, in path order.
 * Stores nothing.  Stops at cb's first error.
 */
const struct morph_error *morph_run_worktree_changes(struct morph_repo *,
    const struct morph_oid *commit,
    const struct morph_error *(*cb)(const char *path, void *), void *arg);

void	morph_plan_free(struct morph_plan *);
size_t	morph_plan_count(const struct morph_plan *);
const struct morph_plan_item *morph_plan_item(const struct morph_plan *,
    size_t i);

/* How an execution ended. */
struct morph_run_outcome {
	int64_t			 num;		/* the run's local number */
	int			 is_sealed;	/* every result is in */
	struct morph_oid	 sealed;	/* its run object */
	int			 resumed;	/* an unfinished run went on */
	size_t			 recorded;	/* results recorded now */
	size_t			 errors;	/* of those, failed calls */
	size_t			 not_sent;	/* left out by the budget */
	int			 budget_stop;	/* the budget stopped sending */
	/* The judges of llm-rubric assertions: */
	size_t			 judge_calls;	/* sent now */
	size_t			 judge_cached;	/* answered by the cache */
	size_t			 judge_errors;	/* failed after retries */
	int64_t			 judge_cost_nusd; /* of the priced ones sent */
	size_t			 judge_unpriced;
	size_t			 cached;	/* of recorded, answered by the
						   cache */
	/* Rate limits: */
	size_t			 requests;	/* HTTP requests sent now */
	size_t			 rate_refused;	/* of those, refused for rate
						   (and sent again) */
	int64_t			 rate_wait_ms;	/* time calls were ready but
						   held by a limit */
};

/*
 * Executes plan: resumes an unfinished run of the same plan or starts
 * one, records results as they complete, and seals the run when all are
 * in.  Calls that fail after their retries are results with status
 * "error", not errors of the run; a budget that would be passed stops
 * sending and leaves the run unsealed (budget_stop).  Calls are paced to
 * each provider's rate limits; a call refused for rate (429) is sent
 * again when the provider allows, spending no retry, for up to
 * opts->rate_wait_ms.  Errors: HTTP when a provider refuses a call for
 * quota (the run stops once the calls in flight are in, that call not
 * recorded, and running again completes it), INTERRUPTED
 * (stopped through opts->stop or opts->drain; what was answered is kept,
 * and a drain waits for every call in flight, so that none is paid for
 * twice), NOT_FOUND
 * naming the first call the cache lacks when offline (a judge's call
 * included), SUITE for an unpriced model or judge under a budget or for
 * an exec assertion without opts->allow_exec, UNSUPPORTED when libcurl
 * cannot be loaded, LOCKED.
 *
 * An llm-rubric's judge is called as soon as the output it grades is
 * stored, through the same scheduler and cache; the result is recorded
 * when its last judge has answered, and a judge that failed fails its
 * assertion.  The outcome counts the judges' calls and spend apart from
 * the results'.
 */
const struct morph_error *morph_run_execute(struct morph_run_outcome *out,
    struct morph_plan *, struct morph_repo *, const struct morph_run_opts *);

/* A run of this repository. */
struct morph_run_info {
	int64_t			 num;		/* local run number */
	struct morph_oid	 commit;
	int			 is_sealed;
	struct morph_oid	 sealed;	/* run object id when sealed */
	int64_t			 started_ms;
	int64_t			 ended_ms;	/* 0 while unfinished */
	char			 state[16];	/* running, interrupted,
						   stopped, done */
	int64_t			 results;	/* recorded */
	int64_t			 total;		/* planned */
	int64_t			 errors;
	int64_t			 asserted;	/* results with assertions */
	int64_t			 passed;	/* of those, passing */
	int64_t			 tokens_in;
	int64_t			 tokens_out;
	int64_t			 cost_nusd;	/* of priced results */
	int64_t			 unpriced;	/* results without a cost */
	int			 worktree;	/* ran the work tree on top of
						   commit (morph run
						   --worktree) */
	struct morph_oid	 tree;		/* that tree, when worktree */
};

/*
 * Calls cb for the runs of commit (NULL: every run), newest first; the
 * runs of a work tree on top of commit included.
 */
typedef const struct morph_error *(*morph_run_cb)(
    const struct morph_run_info *, void *arg);
const struct morph_error *morph_runs_foreach(struct morph_repo *,
    const struct morph_oid *commit, morph_run_cb cb, void *arg);

/*
 * Finds a run by name: a run object id or prefix, "#N" for run number N,
 * or a revision, meaning the newest run of that commit (sealed first;
 * never a run of a work tree on top of it, which is not that commit).
 * Errors: NOT_FOUND naming what was asked.
 */
const struct morph_error *morph_run_find(struct morph_run_info *out,
    struct morph_repo *, const char *name);

/* One recorded result, borrowed for the duration of a callback. */
struct morph_result {
	const char		*prompt;
	const char		*case_id;
	const char		*model;
	int			 sample;
	struct morph_oid	 call;
	const char		*status;	/* "ok" or "error" */
	int			 has_output;
	struct morph_oid	 output;	/* blob */
	const char		*error;		/* NULL when ok */
	const char		*finish;	/* NULL when unknown */
	const char		*served_model;
	int64_t			 tokens_in;	/* -1: not reported */
	int64_t			 tokens_out;
	int64_t			 tokens_cached;	/* read from the cache */
	int64_t			 tokens_cache_write; /* written to it */
	int64_t			 tokens_reasoning;
	int64_t			 latency_ms;
	int64_t			 cost_nusd;	/* -1: unpriced */
	int			 cached;
	int			 pass;		/* 1, 0, or -1: no assertions */
	const char		*attempts;	/* JSON array */
	const char		*verdicts;	/* JSON array */
};

/*
 * Calls cb for every result of run num in (prompt, case, model, sample)
 * order, streaming: a run of any size is read a row at a time.
 */
typedef const struct morph_error *(*morph_result_cb)(
    const struct morph_result *, void *arg);
const struct morph_error *morph_run_results(struct morph_repo *, int64_t num,
    morph_result_cb cb, void *arg);

/*
 * The same stream as an iterator, for reading two runs side by side:
 * *out is valid until the next call; NULL at the end.
 */
struct morph_run_iter;
const struct morph_error *morph_run_iter_open(struct morph_run_iter **out,
    struct morph_repo *, int64_t num);
const struct morph_error *morph_run_iter_next(const struct morph_result **out,
    struct morph_run_iter *);
void	morph_run_iter_close(struct morph_run_iter *);

/* Per-model totals of a run, for its summary. */
struct morph_model_summary {
	const char	*model;
	int64_t		 results;
	int64_t		 errors;
	int64_t		 asserted;
	int64_t		 passed;
	int64_t		 tokens_in;	/* of results that report it */
	int64_t		 tokens_out;
	int64_t		 tokens_reported; /* results that report tokens */
	int64_t		 cost_nusd;	/* of priced results */
	int64_t		 unpriced;
	int64_t		 p50_ms;	/* latency of answered calls, -1 */
	int64_t		 p95_ms;
};

typedef const struct morph_error *(*morph_summary_cb)(
    const struct morph_model_summary *, void *arg);
const struct morph_error *morph_run_summary(struct morph_repo *, int64_t num,
    morph_summary_cb cb, void *arg);

/* "$0.000450" or "$12.34" for nano-USD; "unpriced" for -1. */
const char *morph_usd(int64_t nusd, char *buf, size_t size);

/*
 * A total cost of nusd nano-USD over results of which unpriced have no
 * price: "$0.001200"; "$0.001200+" when some are unpriced (the total is
 * at least that); "unpriced" when some are and the others cost nothing,
 * for a total that is not known is never $0.  Returns buf.
 */
const char *morph_usd_total(char *buf, size_t size, int64_t nusd,
    int64_t unpriced);

/* The same as the JSON member key: a number, or null for "unpriced". */
struct morph_jsonw;
void	morph_usd_total_json(struct morph_jsonw *, const char *key,
	    int64_t nusd, int64_t unpriced);

/*
 * Keeps shard k (1 to n) of plan's calls: a deterministic nth of them, so
 * that n machines running shards 1 to n send every call once in all, and
 * any of them, once it has fetched the others' runs, completes the whole
 * run from the cache (morph run --shard).  Errors: INVALID for k or n out
 * of range.
 */
const struct morph_error *morph_plan_shard(struct morph_plan *, int k, int n);

#endif
