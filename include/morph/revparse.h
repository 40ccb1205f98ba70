/*
 * Revisions: the names a user gives to objects.
 *
 *   ID        a full id (32 hex digits) or a unique prefix of 4 or more
 *   HEAD      the current commit
 *   NAME      a tag (refs/tags/NAME), branch (refs/heads/NAME) or
 *             remote-tracking branch (refs/remotes/NAME, "origin/main"),
 *             or a full reference name; references win over id prefixes
 *   X^ X^N    the first (Nth) parent of commit X
 *   X~N       the Nth first-parent ancestor of commit X
 *   X^{}      the commit that tag X names (X itself if X is no tag);
 *   X^{commit} the same, which must be a commit
 *   X:PATH    the blob or tree at PATH in commit X's snapshot
 *   :PATH     the blob staged in the index at PATH
 *   git:HEX   the commit made at git commit HEX (4 to 40 hex digits),
 *             which commits record; the newest when there are several
 *   NAME@{N}  where HEAD or branch NAME was N moves ago (reflog.h);
 *             @{N} for the current branch, NAME@{DATE} at a time
 *   @{-N}     the branch HEAD was on before the Nth last checkout
 *   stash@{N} the Nth stash, newest first (stash.h)
 */
#ifndef MORPH_REVPARSE_H
#define MORPH_REVPARSE_H

#include "morph/buf.h"
#include "morph/error.h"
#include "morph/hash.h"
#include "morph/object.h"

struct morph_repo;

/*
 * Resolves rev to an object id.  Wherever a commit is needed (X^, X~N,
 * X:PATH) an annotated tag (tag.h) stands for the commit it names.
 * Errors: NOT_FOUND ("unknown revision"), AMBIGUOUS (listing the
 * candidates), INVALID (bad syntax).
 */
const struct morph_error *morph_revparse(struct morph_oid *out,
    struct morph_repo *, const char *rev);

/*
 * Resolves rev and checks that it names an object of type want (with
 * MORPH_OBJ_ANY, anything); a tag is peeled to its commit unless want is
 * MORPH_OBJ_TAG or MORPH_OBJ_ANY.  Errors as above, and NOT_FOUND when the
 * type differs.
 */
const struct morph_error *morph_revparse_type(struct morph_oid *out,
    struct morph_repo *, const char *rev, enum morph_object_type want);

/*
 * Resolves rev as morph_revparse does, then peels an annotated tag to the
 * commit it names (morph_tag_peel): for what takes any object but takes a
 * tag as its commit.  *type (may be NULL) is the type of *out.  Errors:
 * those of morph_revparse and morph_tag_peel.
 */
const struct morph_error *morph_revparse_peeled(struct morph_oid *out,
    enum morph_object_type *type, struct morph_repo *, const char *rev);

/*
 * The reference that rev names, as a full name, into out: "main" gives
 * "refs/heads/main" (or "refs/tags/main": the reference morph_revparse
 * resolves), "HEAD" and "@" the branch HEAD is on, or "HEAD" itself when
 * HEAD is detached.  out is left empty when rev names an object but no
 * reference (an id, X~N, X:PATH).  Errors: those of morph_revparse, for a
 * revision that names nothing (an unborn HEAD included).
 */
const struct morph_error *morph_revparse_refname(struct morph_buf *out,
    struct morph_repo *, const char *rev);

#endif
