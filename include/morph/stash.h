/*
 * The stash (morph-stash(1)): local changes put aside, and HEAD's state
 * restored, to be applied again later on whatever HEAD is then.
 *
 * Stored as git stores it.  A stash is a commit W whose tree is the work
 * tree's tracked files as they were (deleted ones gone), with HEAD (B) as
 * its first parent, a commit I of the index's snapshot (parent B) as its
 * second, and with untracked files saved, a commit U of those files alone
 * (no parent) as its third.  The list of stashes, newest first, is the
 * meta row "stash" (morph-repository(5)); stash@{0} is the newest.  The
 * commits are ordinary objects: morph fsck checks that every stash in the
 * list is there, and a commit of two or three parents.
 *
 * Applying a stash is the three-way merge of HEAD with W (and U's files)
 * from B (lib/merge.c).  What it changes is left unstaged, except files
 * new to HEAD, which are staged, as git stash apply leaves them; a
 * conflict is written with markers and no record, and the stash is kept.
 */
#ifndef MORPH_STASH_H
#define MORPH_STASH_H

#include <stddef.h>

#include "morph/error.h"
#include "morph/hash.h"

struct morph_repo;
struct morph_merge;

#define MORPH_STASH_UNTRACKED	0x01	/* untracked files too (-u) */

/*
 * Saves the index and the work tree's changes to tracked files (with
 * MORPH_STASH_UNTRACKED, untracked files that are not ignored too) as a
 * new stash@{0}, then makes the index and the tracked files HEAD's again
 * (and removes the untracked files saved).  message (NULL: "WIP on
 * BRANCH: ID SUBJECT") is stored as "On BRANCH: MESSAGE".  *saved is 0,
 * and nothing changes, when there is nothing to save.  The stash is
 * committed before the first file is touched: if the reset fails, the
 * changes are in the stash.  Errors: NOT_FOUND (no commit yet); CONFLICT
 * (a merge or a checkout is in progress); those of writing files.
 */
const struct morph_error *morph_stash_push(struct morph_oid *out,
    int *saved, struct morph_repo *, const char *message, int flags);

/*
 * The stashes, newest first, into *ids (the caller frees it) and *n.
 * Errors: CORRUPT (the list is damaged).
 */
const struct morph_error *morph_stash_list(struct morph_oid **ids,
    size_t *n, struct morph_repo *);

/*
 * The commit of stash@{n} (the revision stash@{N} names it, revparse.h).
 * Errors: NOT_FOUND (no such stash); CORRUPT (the list is damaged).
 */
const struct morph_error *morph_stash_nth(struct morph_oid *out,
    struct morph_repo *, size_t n);

/*
 * Applies stash@{n} (see above).  *out (freed with morph_merge_free)
 * tells the kind (UP_TO_DATE when there was nothing to change) and the
 * conflicts.  The index must be HEAD's, and no file the stash changes may
 * have local changes.  Errors: NOT_FOUND (no such stash); CORRUPT (not a
 * stash commit); those of morph_merge_check and morph_merge_apply.
 */
const struct morph_error *morph_stash_apply(struct morph_merge **out,
    struct morph_repo *, size_t n);

/*
 * Removes stash@{n} from the list (its commits stay in the store);
 * *dropped (may be NULL) gets its id.  Errors: NOT_FOUND.
 */
const struct morph_error *morph_stash_drop(struct morph_oid *dropped,
    struct morph_repo *, size_t n);

#endif
