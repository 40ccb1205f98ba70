/*
 * morph reset: moving the current branch (or a detached HEAD) to a
 * commit, and with it the index, or the index and the work tree.
 */
#ifndef MORPH_RESET_H
#define MORPH_RESET_H

#include "morph/error.h"
#include "morph/hash.h"

struct morph_repo;

enum morph_reset_mode {
	MORPH_RESET_SOFT,	/* HEAD only */
	MORPH_RESET_MIXED,	/* HEAD and the index */
	MORPH_RESET_HARD,	/* HEAD, the index and the tracked files */
};

/*
 * Moves what HEAD names to commit, logging msg (reflog.h), and as mode
 * says resets the index to commit's snapshot (stat caches kept where an
 * entry does not change) and the work tree: HARD is a forced checkout
 * (worktree.h) that leaves HEAD where it is, so every tracked file and
 * every untracked one in the way of commit's files ends as commit has
 * it, files tracked only before are removed, and other untracked files
 * are kept.  One transaction, or with HARD the checkout's crash-safe
 * pair of them.  Errors: CONFLICT while a checkout is pending (HARD
 * finishes or replaces it); those of morph_worktree_checkout.
 */
const struct morph_error *morph_reset(struct morph_repo *,
    const struct morph_oid *commit, enum morph_reset_mode mode,
    const char *msg);

#endif
