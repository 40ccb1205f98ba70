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
 *   X:PATH    the blob or tree at PATH in commit X's snapshot
 *   :PATH     the blob staged in the index at PATH
 *   git:HEX   the commit made at git commit HEX (4 to 40 hex digits),
 *             which commits record; the newest when there are several
 */
#ifndef MORPH_REVPARSE_H
#define MORPH_REVPARSE_H

#include "morph/error.h"
#include "morph/hash.h"
#include "morph/object.h"

struct morph_repo;

/*
 * Resolves rev to an object id.  Errors: NOT_FOUND ("unknown revision"),
 * AMBIGUOUS (listing the candidates), INVALID (bad syntax).
 */
const struct morph_error *morph_revparse(struct morph_oid *out,
    struct morph_repo *, const char *rev);

/*
 * Resolves rev and checks that it names an object of type want (with
 * MORPH_OBJ_ANY, anything).  Errors as above, and NOT_FOUND when the type
 * differs.
 */
const struct morph_error *morph_revparse_type(struct morph_oid *out,
    struct morph_repo *, const char *rev, enum morph_object_type want);

#endif
