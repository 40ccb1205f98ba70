/*
 * Three-way merges of the snapshot from a base that is not the merge base,
 * for other lib/ modules: morph revert (lib/revert.c: base the commit
 * reverted, theirs its parent) and morph stash apply (lib/stash.c: base
 * the commit the stash was made on, theirs the stash).  The result is
 * carried out with morph_merge_check and morph_merge_apply (merge.h).
 */
#ifndef MORPH_MERGE_INT_H
#define MORPH_MERGE_INT_H

#include "morph/merge.h"

/*
 * The merge of HEAD with commit theirs from commit base, op saying what
 * it is for; base_tree and theirs_tree are the snapshots merged (a stash
 * merges more than its commit's tree).  label names theirs in conflict
 * markers.  The kind is CLEAN or CONFLICTS, or UP_TO_DATE when the result
 * is HEAD's snapshot.  Errors: those of morph_merge_new.
 */
const struct morph_error *morph_merge_new_from(struct morph_merge **out,
    struct morph_repo *, enum morph_merge_op op, const struct morph_oid *base,
    const struct morph_oid *base_tree, const struct morph_oid *theirs,
    const struct morph_oid *theirs_tree, const char *label);

/* HEAD's snapshot, as the merge was computed on it. */
const struct morph_oid *morph_merge_ours_tree(const struct morph_merge *);

/* What the merge writes to the work tree. */
const struct morph_oid *morph_merge_written(const struct morph_merge *);

/*
 * Replaces what the merge stages (its own tree, morph_merge_tree) with
 * tree: a stash leaves what it applies unstaged.
 */
void	morph_merge_set_staged(struct morph_merge *,
	    const struct morph_oid *tree);

#endif
