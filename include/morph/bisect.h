/*
 * Bisection: finding the commit that broke something by testing as few
 * commits as a binary search over history needs (morph-bisect(1)).
 *
 * A bisect session is kept in the repository while it lasts: where HEAD
 * was when it began, the bad commit, the good ones, the ones that could
 * not be tested (skipped) and a log of what was marked.  The commits left
 * to search are those the bad commit reaches and no good commit reaches,
 * as in git; the next one to test is the one that splits them most
 * evenly, counting ancestors across merges.  When a good commit is not an
 * ancestor of the bad one, their merge bases are tested first: a bad
 * merge base means that the change sought was undone on the good side,
 * which no search between them can find.
 *
 * morph_bisect_run tests commits itself: it runs one case of each
 * commit's suite (only that case's calls, the cache answering what it
 * can) and marks the commit by the case's verdict, or by an assertion
 * given instead, until the first bad commit is known.
 */
#ifndef MORPH_BISECT_H
#define MORPH_BISECT_H

#include <stddef.h>
#include <stdint.h>

#include "morph/buf.h"
#include "morph/error.h"
#include "morph/hash.h"
#include "morph/run.h"

struct morph_repo;
struct morph_bisect;

enum morph_bisect_mark {
	MORPH_BISECT_GOOD,
	MORPH_BISECT_BAD,
	MORPH_BISECT_SKIP,
};

/* Where a session stands, from its marks (morph_bisect_next). */
enum morph_bisect_state {
	MORPH_BISECT_NEED_BAD,	/* no bad commit yet (maybe no good) */
	MORPH_BISECT_NEED_GOOD,	/* a bad commit, no good one */
	MORPH_BISECT_TEST,	/* test commit */
	MORPH_BISECT_TEST_BASE,	/* test commit, a merge base of the bad
				   and a good commit that is no ancestor
				   of the bad one */
	MORPH_BISECT_FOUND,	/* commit is the first bad commit */
	MORPH_BISECT_SKIPPED,	/* only skipped commits are left: the
				   first bad commit is one of possible */
	MORPH_BISECT_BASE_BAD,	/* merge base commit is bad: the good
				   commits undo the change sought */
};

struct morph_bisect_next {
	enum morph_bisect_state	 state;
	struct morph_oid	 commit;	/* TEST, TEST_BASE, FOUND,
						   BASE_BAD */
	size_t			 left;		/* commits that may still be
						   the first bad one, the
						   bad one included */
	size_t			 after;		/* TEST: commits left to
						   test after this one, at
						   most */
	int			 steps;		/* TEST: about how many more
						   tests that takes */
	struct morph_oid	*possible;	/* SKIPPED: the bad commit and
						   the skipped ones left */
	size_t			 npossible;
};

void	morph_bisect_next_release(struct morph_bisect_next *);

/*
 * Reads the session: *out is NULL when no bisect is in progress.  Free it
 * with morph_bisect_free.  Errors: CORRUPT when the record is damaged
 * (morph_bisect_reset with force removes it).
 */
const struct morph_error *morph_bisect_open(struct morph_bisect **out,
    struct morph_repo *);
void	morph_bisect_free(struct morph_bisect *);

/*
 * Where HEAD was when the session began: a branch ("refs/heads/NAME"), or
 * NULL when it was detached at *commit.
 */
const char *morph_bisect_start_branch(const struct morph_bisect *);
const struct morph_oid *morph_bisect_start_commit(const struct morph_bisect *);
/* The bad commit, or NULL when none is marked. */
const struct morph_oid *morph_bisect_bad(const struct morph_bisect *);
/* The good and skipped commits, in the order they were marked. */
size_t	morph_bisect_ngood(const struct morph_bisect *);
const struct morph_oid *morph_bisect_good(const struct morph_bisect *,
    size_t i);
size_t	morph_bisect_nskip(const struct morph_bisect *);
const struct morph_oid *morph_bisect_skip(const struct morph_bisect *,
    size_t i);
/*
 * The log: lines as git bisect log writes them, a "# good: [ID] subject"
 * comment and the command that marked it ("morph bisect good ID").
 */
size_t	morph_bisect_nlog(const struct morph_bisect *);
const char *morph_bisect_log(const struct morph_bisect *, size_t i);

/*
 * Starts a session from HEAD, marking bad (may be NULL) and the ngood
 * commits of good, and sets *next.  When next says to test a commit, it
 * is checked out (HEAD detached at it); a checkout refused because of
 * local changes leaves the session recorded and says how to go on.
 * Errors: EXISTS when a session is in progress; NOT_FOUND when HEAD has
 * no commit or a commit is unknown; CONFLICT (see above).
 */
const struct morph_error *morph_bisect_start(struct morph_bisect_next *next,
    struct morph_repo *, const struct morph_oid *bad,
    const struct morph_oid *good, size_t ngood);

/*
 * Marks the n commits of commits, notes why in the log (note may be
 * NULL), and sets *next, checking out the commit it says to test.  A bad
 * mark replaces the bad commit; a commit marked again takes its new mark.
 * Errors: NOT_FOUND when no session is in progress or a commit is
 * unknown; CONFLICT (see morph_bisect_start).
 */
const struct morph_error *morph_bisect_mark(struct morph_bisect_next *next,
    struct morph_repo *, const struct morph_oid *commits, size_t n,
    enum morph_bisect_mark, const char *note);

/* Where the session stands, without changing anything. */
const struct morph_error *morph_bisect_next(struct morph_bisect_next *next,
    struct morph_repo *);

/*
 * Ends the session: checks out where HEAD was when it began (the branch,
 * or the commit it was detached at), or with to not NULL that commit
 * (detached) or branch ("refs/heads/NAME"), and removes the record.  With
 * force a damaged record is removed and nothing is checked out.  Errors:
 * NOT_FOUND when no session is in progress; those of the checkout, which
 * leave the session as it was.
 */
const struct morph_error *morph_bisect_reset(struct morph_repo *,
    const char *to_branch, const struct morph_oid *to_commit, int force);

/* What testing one commit found. */
struct morph_bisect_tested {
	struct morph_oid		 commit;
	enum morph_bisect_mark		 mark;
	const char			*why;		/* one line */
	int64_t				 run;		/* its run's number;
							   0: nothing ran */
	size_t				 calls;		/* of the case */
	size_t				 cached;	/* answered by the
							   cache */
	size_t				 requests;	/* HTTP requests */
	const struct morph_bisect_next	*next;		/* after the mark */
};

/* How morph_bisect_run tests a commit. */
struct morph_bisect_run_opts {
	unsigned int	 version;
	const char	*case_id;	/* the case to run */
	const char	*model;		/* only this model (NULL: all of the
					   suite's) */
	/*
	 * An assertion, or an array of them, as JSON in the suite's syntax
	 * (morph-suite(5)), to decide with instead of the case's verdict;
	 * NULL: the verdict.  An llm-rubric is refused: nothing would ask
	 * its judge.
	 */
	const char	*assert_spec;
	/*
	 * How calls are sent: jobs, retries, offline, allow_exec (for the
	 * case's exec assertions and those of assert_spec), stop and drain.
	 * Its models and cases are ignored.
	 */
	const struct morph_run_opts *run;
	/* Called after each commit is tested and marked. */
	void		(*tested)(const struct morph_bisect_tested *, void *);
	void		*arg;
};
#define MORPH_BISECT_RUN_OPTS_VERSION	1
#define MORPH_BISECT_RUN_OPTS_INIT \
	{ MORPH_BISECT_RUN_OPTS_VERSION, NULL, NULL, NULL, NULL, NULL, NULL }

/*
 * Checks opts->assert_spec as morph_bisect_run will use it.  Errors:
 * INVALID (not JSON, not assertions, an llm-rubric), SUITE (what
 * morph-suite(5) refuses, such as an unknown type).
 */
const struct morph_error *morph_bisect_check_assert(const char *spec);

/*
 * Tests and marks commits until the session ends (*next FOUND, SKIPPED
 * or BASE_BAD) or cannot go on (NEED_BAD, NEED_GOOD).  A commit whose
 * suite does not hold the case, does not load, or holds no assertion for
 * it (without assert_spec), is skipped.  It is bad when any of the case's
 * results fails (every prompt it applies to, every model), good when all
 * pass.  Errors: those of morph_run_execute and the checkout, which
 * leave every mark made so far; HTTP when a call failed after its
 * retries (the commit is not marked: a failed call says nothing about the
 * prompt); INVALID for a bad assert_spec.
 */
const struct morph_error *morph_bisect_run(struct morph_bisect_next *next,
    struct morph_repo *, const struct morph_bisect_run_opts *);

/*
 * Calls cb with the path of every file of commit's suite that decides
 * what case_id sends and how it is judged: morph.json, the case's file
 * and the prompt files it applies to.  Nothing when the suite does not
 * load or lacks the case.  Stops at cb's first error.
 */
const struct morph_error *morph_bisect_case_files(struct morph_repo *,
    const struct morph_oid *commit, const char *case_id,
    const struct morph_error *(*cb)(const char *path, void *), void *arg);

#endif
