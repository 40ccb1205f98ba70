/*
 * The reflog: where HEAD and each branch have been.
 *
 * Every move of HEAD or of a branch (refs/heads/NAME) appends an entry
 * to that reference's log: its old and new commit, who moved it and when,
 * and why ("commit: SUBJECT", "checkout: moving from A to B", "reset:
 * moving to REV").  A move of the branch HEAD is on is logged for HEAD
 * too, as git does.  Deleting a branch deletes its log; HEAD's log stays.
 * Revisions name entries as NAME@{N} (revparse.h).
 */
#ifndef MORPH_REFLOG_H
#define MORPH_REFLOG_H

#include <stddef.h>

#include "morph/buf.h"
#include "morph/commit.h"
#include "morph/error.h"
#include "morph/hash.h"

struct morph_repo;

struct morph_reflog_entry {
	struct morph_oid	 old;	/* all zeros: the reference was new */
	struct morph_oid	 new;
	struct morph_signature	 who;
	const char		*message;
};

/*
 * Calls cb for each entry of ref's log ("HEAD", "refs/heads/main"),
 * newest first, n counting from 0 (the entry NAME@{n} names).  The entry
 * is borrowed for the call.  An empty or absent log calls nothing.
 * cb's error stops the walk.  Errors: CORRUPT (an entry holds a bad id).
 */
typedef const struct morph_error *(*morph_reflog_cb)(
    const struct morph_reflog_entry *, size_t n, void *arg);
const struct morph_error *morph_reflog_foreach(struct morph_repo *,
    const char *ref, morph_reflog_cb cb, void *arg);

/*
 * The commit ref@{n} names: the new id of the entry n.  Errors:
 * NOT_FOUND ("log for 'NAME' only has K entries"), naming the reference
 * by short.
 */
const struct morph_error *morph_reflog_nth(struct morph_oid *out,
    struct morph_repo *, const char *ref, size_t n, const char *shortname);

/*
 * The commit ref had at time when (seconds since the epoch): the new id
 * of the newest entry made at or before when, or the old id of the
 * oldest entry if all are later.  Errors: NOT_FOUND (an empty log, or
 * one that goes back no further than a reference that did not exist).
 */
const struct morph_error *morph_reflog_at(struct morph_oid *out,
    struct morph_repo *, const char *ref, int64_t when,
    const char *shortname);

/*
 * What HEAD was on before the n-th most recent checkout (n >= 1: @{-n}):
 * a branch's short name, or a commit's id where HEAD was detached, read
 * from the "checkout: moving from A to B" entries of HEAD's log.
 * Errors: NOT_FOUND (fewer checkouts recorded).
 */
const struct morph_error *morph_reflog_previous(struct morph_buf *out,
    struct morph_repo *, unsigned long n);

/*
 * The message of a checkout's entry, "checkout: moving from FROM to TO",
 * FROM as git writes it (the branch HEAD is on, or the commit of a
 * detached HEAD), into msg; nothing when HEAD has no commit yet.
 */
const struct morph_error *morph_reflog_checkout_message(struct morph_buf *msg,
    struct morph_repo *, const char *to);

/*
 * Gives from's log to to (a branch renamed, to having no log of its own),
 * inside the caller's transaction.
 */
const struct morph_error *morph_reflog_rename(struct morph_repo *,
    const char *from, const char *to);

#endif
