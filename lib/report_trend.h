/*
 * The trend of a branch for the HTML report (morph-report(1)): per
 * commit of its first-parent history and per model, the pass rate, the
 * cost per call and the p95 latency of the commit's run, which
 * svgchart.h draws as lines.
 */
#ifndef MORPH_REPORT_TREND_H
#define MORPH_REPORT_TREND_H

#include <stddef.h>

#include "morph/error.h"

struct morph_repo;

struct morph_trend_point {		/* one model at one commit */
	double	 rate;			/* pass rate; NAN: no run */
	double	 cost_per_call_usd;	/* NAN: unpriced or no run */
	double	 p95_ms;		/* NAN: no answered call */
};

struct morph_trend {
	size_t		 ncommits;	/* oldest first */
	char		**commits;	/* short ids */
	char		**subjects;	/* their messages' first lines */
	size_t		 nmodels;
	char		**models;	/* ids, sorted */
	struct morph_trend_point *points; /* [commit * nmodels + model] */
};

/* The length of the short ids, as morph log --oneline shows them. */
#define MORPH_TREND_SHORT_ID	12

/*
 * The newest run of each commit on the first-parent history of rev
 * (a revision), at most max commits back (0: the whole history; oldest
 * first in the result); commits without a run are skipped.  A commit's
 * run is the one morph_run_find names for it: the newest sealed, else
 * the newest unfinished; never a run of a work tree on top of it.
 *
 * For each model of a run: rate is the share of its results with
 * assertions that passed (NAN when none has assertions); cost per call
 * the mean cost in USD of its priced results (NAN when none is priced);
 * p95 the nearest-rank 95th percentile of the latencies of its answered
 * calls (status ok), as morph run's summary takes it.  A model absent
 * from a commit's run has NAN in all three there.
 *
 * The results are read streaming, one run at a time, keeping per model
 * only counts and the latencies of that run.  Errors: NOT_FOUND for a
 * revision that names no commit; CORRUPT when a commit cannot be read;
 * the store's when a run cannot be read, naming the run; NOMEM.  Free
 * the result with morph_trend_free.
 */
const struct morph_error *morph_trend_new(struct morph_trend **out,
    struct morph_repo *, const char *rev, size_t max);
/* Frees t and all it holds; NULL is ok. */
void	morph_trend_free(struct morph_trend *);

#endif
