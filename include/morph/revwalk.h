/*
 * Walking history: every commit reachable from the starting points, each
 * once, newest author time first (ties in the order they were found).
 */
#ifndef MORPH_REVWALK_H
#define MORPH_REVWALK_H

#include "morph/error.h"
#include "morph/hash.h"

struct morph_repo;
struct morph_commit;
struct morph_revwalk;

const struct morph_error *morph_revwalk_new(struct morph_revwalk **out,
    struct morph_repo *);
void	morph_revwalk_free(struct morph_revwalk *);

/* Adds a starting commit.  Errors: NOT_FOUND, CORRUPT. */
const struct morph_error *morph_revwalk_push(struct morph_revwalk *,
    const struct morph_oid *);

/* Follow only first parents (as git log --first-parent). */
void	morph_revwalk_first_parent(struct morph_revwalk *, int on);

/*
 * The next commit, or *out NULL when the walk is over.  The caller frees
 * *out with morph_commit_free().
 */
const struct morph_error *morph_revwalk_next(struct morph_commit **out,
    struct morph_revwalk *);

#endif
