/*
 * Commits for other lib/ modules: one written from a tree and parents
 * they chose, not from the index (the commits of a stash, lib/stash.c).
 */
#ifndef MORPH_COMMIT_INT_H
#define MORPH_COMMIT_INT_H

#include <stddef.h>

#include "morph/commit.h"

/*
 * Writes the commit of tree with parents and message, authored as
 * morph_signature_default says, inside the caller's transaction; no ref
 * moves.  Errors: INVALID (message not UTF-8), those of writing objects.
 */
const struct morph_error *morph_commit_write(struct morph_oid *out,
    struct morph_repo *, const struct morph_oid *tree,
    const struct morph_oid *parents, size_t nparents, const char *message);

#endif
