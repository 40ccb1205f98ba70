/*
 * Walking history: every commit reachable from the starting points and
 * not from a hidden one, each once, newest author time first (ties in the
 * order they were found); the merge bases of two commits, and whether one
 * is an ancestor of another.
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

/*
 * Hides commit id and all its ancestors from the walk, as git log A..B
 * hides A: the walk lists only what the pushed commits reach and id does
 * not.  The ancestors are read when this is called; histories of prompts
 * are small enough that holding the set is cheap.  Errors: NOT_FOUND,
 * CORRUPT.
 */
const struct morph_error *morph_revwalk_hide(struct morph_revwalk *,
    const struct morph_oid *id);

/* Follow only first parents (as git log --first-parent). */
void	morph_revwalk_first_parent(struct morph_revwalk *, int on);

/*
 * The next commit, or *out NULL when the walk is over.  The caller frees
 * *out with morph_commit_free().
 */
const struct morph_error *morph_revwalk_next(struct morph_commit **out,
    struct morph_revwalk *);

/*
 * The merge bases of commits a and b, as git merge-base --all finds them:
 * the common ancestors that are not ancestors of another common ancestor,
 * newest author time first (then by id).  *out is an array of *n ids
 * (none when a and b share no history) that the caller frees with
 * free(3).  Errors: NOT_FOUND, CORRUPT (a commit cannot be read).
 */
const struct morph_error *morph_revwalk_merge_bases(struct morph_oid **out,
    size_t *n, struct morph_repo *, const struct morph_oid *a,
    const struct morph_oid *b);

/*
 * Whether commit anc is desc or one of its ancestors (*yes), as git
 * merge-base --is-ancestor answers.  Errors: NOT_FOUND, CORRUPT.
 */
const struct morph_error *morph_revwalk_is_ancestor(int *yes,
    struct morph_repo *, const struct morph_oid *anc,
    const struct morph_oid *desc);

#endif
