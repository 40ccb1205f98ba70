/*
 * References: HEAD, branches (refs/heads/NAME) and tags (refs/tags/NAME).
 *
 * A reference holds an object id or, when symbolic, the name of another
 * reference ("HEAD" usually points to "refs/heads/main").  A branch with
 * no commit yet is "unborn": HEAD names it but it does not exist.
 */
#ifndef MORPH_REFS_H
#define MORPH_REFS_H

#include "morph/buf.h"
#include "morph/error.h"
#include "morph/hash.h"

struct morph_repo;

#define MORPH_HEAD		"HEAD"
#define MORPH_REFS_HEADS	"refs/heads/"
#define MORPH_REFS_TAGS		"refs/tags/"

/* Whether name is a valid full reference name (git check-ref-format). */
int	morph_ref_name_valid(const char *name);

/*
 * Whether short is valid as a branch or tag name: refs/heads/SHORT is a
 * valid reference and SHORT is not "HEAD" and does not start with '-'.
 */
int	morph_ref_shortname_valid(const char *shortname);

/*
 * The stored value of a reference: a hex id, or with *symbolic set, the
 * target's name.  Errors: NOT_FOUND.
 */
const struct morph_error *morph_ref_read(struct morph_buf *value,
    int *symbolic, struct morph_repo *, const char *name);

/*
 * The object a reference names, following symbolic references.
 * Errors: NOT_FOUND (also for an unborn branch), CORRUPT.
 */
const struct morph_error *morph_ref_resolve(struct morph_oid *out,
    struct morph_repo *, const char *name);

/*
 * Points name at id.  With old non-NULL the update happens only if the
 * reference still holds *old (an all-zero *old: only if it does not exist),
 * else CONFLICT.  Runs in its own transaction when none is open.
 */
const struct morph_error *morph_ref_update(struct morph_repo *,
    const char *name, const struct morph_oid *id,
    const struct morph_oid *old);

/*
 * morph_ref_update with msg for the reflog (reflog.h): the move of a
 * branch is logged for it, and for HEAD too when HEAD is on it; the move
 * of a detached HEAD for HEAD.  morph_ref_update logs no message.
 */
const struct morph_error *morph_ref_update_log(struct morph_repo *,
    const char *name, const struct morph_oid *id,
    const struct morph_oid *old, const char *msg);

/* Makes name a symbolic reference to target. */
const struct morph_error *morph_ref_set_symbolic(struct morph_repo *,
    const char *name, const char *target);

/*
 * The same, logging msg for name (HEAD) when target has a commit: HEAD
 * moves from the commit it had (if any) to target's.
 */
const struct morph_error *morph_ref_set_symbolic_log(struct morph_repo *,
    const char *name, const char *target, const char *msg);

/* Deletes a reference and its reflog.  Errors: NOT_FOUND. */
const struct morph_error *morph_ref_delete(struct morph_repo *,
    const char *name);

/*
 * Calls cb for every reference whose name starts with prefix, in name
 * order, with its raw stored value.  cb's error stops the walk.
 */
typedef const struct morph_error *(*morph_ref_cb)(const char *name,
    const char *value, int symbolic, void *arg);
const struct morph_error *morph_ref_foreach(struct morph_repo *,
    const char *prefix, morph_ref_cb cb, void *arg);

/*
 * The branch HEAD points to ("refs/heads/main").  Errors: NOT_FOUND when
 * HEAD is detached.
 */
const struct morph_error *morph_head_branch(struct morph_buf *out,
    struct morph_repo *);

/*
 * Moves the current branch (or a detached HEAD) to id, with the same
 * compare-and-set rule as morph_ref_update.
 */
const struct morph_error *morph_head_update(struct morph_repo *,
    const struct morph_oid *id, const struct morph_oid *old);

/* The same, with msg for the reflog (morph_ref_update_log). */
const struct morph_error *morph_head_update_log(struct morph_repo *,
    const struct morph_oid *id, const struct morph_oid *old,
    const char *msg);

#endif
