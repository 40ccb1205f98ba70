/*
 * Merge bases and ancestry: which commits two lines of history share.
 *
 * Both are revwalk.c's walks: the bases are git merge-base --all's, of
 * which a merge takes the newest, and ancestry a walk from the
 * descendant that stops at the ancestor.
 */
#include <stdlib.h>

#include "morph/merge.h"
#include "morph/revwalk.h"

const struct morph_error *
morph_merge_is_ancestor(int *yes, struct morph_repo *repo,
    const struct morph_oid *anc, const struct morph_oid *desc)
{
	return morph_revwalk_is_ancestor(yes, repo, anc, desc);
}

const struct morph_error *
morph_merge_base(struct morph_oid *out, int *found, struct morph_repo *repo,
    const struct morph_oid *a, const struct morph_oid *b)
{
	const struct morph_error *err;
	struct morph_oid *bases = NULL;
	size_t n = 0;

	*found = 0;
	if ((err = morph_revwalk_merge_bases(&bases, &n, repo, a, b)) != NULL)
		return err;
	if (n > 0) {
		*out = bases[0];	/* the newest */
		*found = 1;
	}
	free(bases);
	return NULL;
}
