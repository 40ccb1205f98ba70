/*
 * Reverting a commit (morph-revert(1)): a new commit that undoes what a
 * commit changed, as git revert makes it.
 *
 * The revert of commit R on HEAD is the three-way merge of HEAD with R's
 * parent, from R as the base (lib/merge.c's merge of the snapshot: lines
 * through libgit2, morph.json by field, case files by case): what R
 * changed is changed back, and what HEAD changed since is kept.  A merge
 * commit has several parents: the one whose side is kept is named by its
 * number (mainline, git's -m), counting from 1.  A root commit is
 * reverted against an empty snapshot.
 *
 * Conflicts stop the revert as they stop a merge (merge.h, "In
 * progress"): the record's op is "revert", its base R and theirs R's
 * parent; morph commit (or morph revert --continue) makes the revert
 * commit, with HEAD as its one parent, and morph_merge_abort_revert
 * undoes it.
 */
#ifndef MORPH_REVERT_H
#define MORPH_REVERT_H

#include "morph/buf.h"
#include "morph/error.h"
#include "morph/hash.h"
#include "morph/merge.h"

struct morph_repo;

/*
 * Computes the revert of commit rev on HEAD (objects only), for
 * morph_merge_check and morph_merge_apply; *out is freed with
 * morph_merge_free.  mainline is 0 for a commit with one parent (or
 * none), else the number of the parent to keep.  message gets git's
 * message, "Revert \"SUBJECT\"\n\nThis reverts commit ID.\n".  Its kind
 * is CLEAN, CONFLICTS, or UP_TO_DATE when HEAD already lacks the change.
 * Errors: INVALID for a merge commit without mainline, a mainline on a
 * commit that is not a merge, or one out of range; those of
 * morph_merge_new.
 */
const struct morph_error *morph_revert_new(struct morph_merge **out,
    struct morph_buf *message, struct morph_repo *,
    const struct morph_oid *rev, int mainline);

#endif
