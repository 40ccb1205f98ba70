/*
 * What the parts of morph fsck share: fsck.c checks the database, the
 * objects, the references and the index; fsckruns.c what morph run
 * records.  A problem is reported and counted, and the check goes on; an
 * error stops it.
 */
#ifndef MORPH_FSCK_INT_H
#define MORPH_FSCK_INT_H

#include "morph/fsck.h"
#include "morph/object.h"

struct fsck {
	struct morph_repo	*repo;
	struct morph_fsck_stats	*stats;
	morph_fsck_cb		 cb;
	void			*arg;
};

void	morph_fsck_problem(struct fsck *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/*
 * Checks that id exists with type want, reporting a problem that names
 * what (the referrer) otherwise; *ok (may be NULL) says whether it does.
 */
const struct morph_error *morph_fsck_expect(struct fsck *,
    const struct morph_oid *id, enum morph_object_type want,
    const char *what, int *ok);

/*
 * Reports what morph_fsck_expect reports, for an object looked up
 * already: found, and of which type.
 */
void	morph_fsck_found(struct fsck *, const struct morph_oid *id, int found,
	    enum morph_object_type type, enum morph_object_type want,
	    const char *what);

/*
 * Whether err ends the check (the database cannot be read, no memory)
 * rather than being a problem of what was being read.
 */
int	morph_fsck_fatal(const struct morph_error *err);

/*
 * The stash list (stash.h): each stash a commit of two or three parents
 * (its parents and trees are checked with every commit).
 */
const struct morph_error *morph_fsck_stash(struct fsck *);

/* The runs, their results and sealed run objects, and the call cache. */
const struct morph_error *morph_fsck_runs(struct fsck *);

#endif
