/*
 * A set of object ids (open addressing), for walks that must visit each
 * object once.
 */
#ifndef MORPH_OIDSET_INT_H
#define MORPH_OIDSET_INT_H

#include <stddef.h>

#include "morph/error.h"
#include "morph/hash.h"

struct morph_oidset {
	struct morph_oid	*slots;
	unsigned char		*used;
	size_t			 cap;	/* a power of two, or 0 */
	size_t			 n;
};

void	morph_oidset_init(struct morph_oidset *);
void	morph_oidset_release(struct morph_oidset *);
/* Adds id; *added (may be NULL) says whether it was new. */
const struct morph_error *morph_oidset_add(struct morph_oidset *,
    const struct morph_oid *, int *added);
int	morph_oidset_has(const struct morph_oidset *, const struct morph_oid *);

#endif
