/*
 * The record of a checkout under way (morph_checkout_pending in
 * worktree.h): the meta row "checkout", canonical JSON,
 *
 *	{"branch": "refs/heads/NAME" or null, "commit": "<id>",
 *	 "create": false, "force": false, "from": "<id>" or null,
 *	 "nonce": "<32 hex digits>"}
 *
 * and "reset": true for a reset --hard (absent otherwise, and in records
 * written before resets were).
 *
 * A checkout commits it before it touches the first file and removes it
 * in the transaction that moves the index and HEAD, so that a checkout
 * killed in between leaves it behind.
 *
 * Invariants:
 *  1. While the record is there, nothing but a checkout writes the index
 *     (morph_index_write refuses) or the work tree (restore refuses).
 *  2. The nonce is new at each write: a checkout that finds another nonce
 *     than the one it wrote knows that another one ran meanwhile.
 */
#ifndef MORPH_PENDING_INT_H
#define MORPH_PENDING_INT_H

#include "morph/buf.h"
#include "morph/worktree.h"

struct morph_repo;

/*
 * Reads the record into *p (release it with
 * morph_worktree_pending_release): *found 0 when there is none.  nonce
 * and raw (may be NULL) receive its nonce and its bytes as stored.
 * Errors: CORRUPT (the record does not parse).
 */
const struct morph_error *morph_pending_read(struct morph_checkout_pending *p,
    int *found, struct morph_oid *nonce, struct morph_buf *raw,
    struct morph_repo *);

/*
 * Writes p with a new nonce (inside a transaction), or with raw not NULL,
 * those bytes (a record read before, put back); *nonce (may be NULL) is
 * the nonce written.
 */
const struct morph_error *morph_pending_write(struct morph_repo *,
    const struct morph_checkout_pending *p, const struct morph_buf *raw,
    struct morph_oid *nonce);

/* Removes the record. */
const struct morph_error *morph_pending_clear(struct morph_repo *);

/*
 * "a checkout to 'NAME' was interrupted and the work tree is partly
 * switched; run 'morph checkout NAME' to finish it", appended to out.
 */
void	morph_pending_describe(struct morph_buf *out,
	    const struct morph_checkout_pending *);

/*
 * NULL when no checkout is pending, else a CONFLICT error saying so, how
 * to finish it, and that what (the refused operation) must wait.
 */
const struct morph_error *morph_pending_refuse(struct morph_repo *,
    const char *what);

#endif
