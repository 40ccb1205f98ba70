/*
 * Work-tree moves for other lib/ modules: the files and the index of a
 * merge (lib/merge.c), which leaves HEAD where it is.
 */
#ifndef MORPH_WORKTREE_INT_H
#define MORPH_WORKTREE_INT_H

#include "morph/error.h"
#include "morph/hash.h"
#include "morph/merge.h"

struct morph_repo;

/*
 * Moves the work tree from the snapshot of tree from (HEAD's) to the
 * files of tree wt, and the index to the files of tree it, inside the
 * caller's transaction, without moving HEAD.  Refused before anything
 * changes, as a checkout without force is, when a file to write or remove
 * has local changes or an untracked file is in the way, and also when
 * the index differs from from (its staged changes would be committed with
 * the merge).  op names the operation in messages.  With check_only
 * nothing is written.  Errors: CONFLICT
 * listing the paths; those of writing files (the caller's record says a
 * merge was under way: see merge.h).
 */
const struct morph_error *morph_worktree_merge(struct morph_repo *,
    enum morph_merge_op op, const struct morph_oid *from,
    const struct morph_oid *wt, const struct morph_oid *it, int check_only);

#endif
