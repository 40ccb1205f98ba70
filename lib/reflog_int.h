/*
 * Writing the reflog (reflog.h), for refs.c, which logs every move of a
 * reference that has a log in the transaction that moves it.
 */
#ifndef MORPH_REFLOG_INT_H
#define MORPH_REFLOG_INT_H

#include "morph/reflog.h"

/* Whether ref keeps a log: HEAD and the branches, as git by default. */
int	morph_reflog_kept(const char *ref);

/*
 * Appends an entry to ref's log, inside the caller's transaction: old
 * (NULL: the reference was new) to new, by the committer of
 * morph_signature_default (a user morph cannot name is "unknown": a move
 * is never refused for want of a name), with msg (NULL: empty).
 */
const struct morph_error *morph_reflog_append(struct morph_repo *,
    const char *ref, const struct morph_oid *old, const struct morph_oid *new,
    const char *msg);

/* Deletes ref's log. */
const struct morph_error *morph_reflog_drop(struct morph_repo *,
    const char *ref);

/*
 * For fsck: calls cb for every entry of every log, with the stored
 * values as they are.
 */
typedef const struct morph_error *(*morph_reflog_row_cb)(const char *ref,
    const char *old, const char *new, void *arg);
const struct morph_error *morph_reflog_foreach_row(struct morph_repo *,
    morph_reflog_row_cb cb, void *arg);

#endif
