/*
 * Bisection's search (lib/bisectpick.c), apart from the session that
 * keeps the marks (lib/bisect.c): given the marks, which commit to test
 * next, or which commit is the first bad one.
 */
#ifndef MORPH_BISECT_INT_H
#define MORPH_BISECT_INT_H

#include <stddef.h>

#include "morph/bisect.h"

struct morph_repo;

/*
 * Sets *out (release it with morph_bisect_next_release) from the marks:
 * bad (NULL: none yet), the ngood good commits and the nskip skipped ones.
 * Reads every commit that bad or a good commit reaches.  Errors:
 * NOT_FOUND or CORRUPT for a commit that cannot be read; NOMEM.
 */
const struct morph_error *morph_bisect_pick(struct morph_bisect_next *out,
    struct morph_repo *, const struct morph_oid *bad,
    const struct morph_oid *good, size_t ngood,
    const struct morph_oid *skip, size_t nskip);

#endif
