/*
 * Pairs of git and morph ids (schema 5, table gitmap): which git object of
 * .morph/git stands for which morph commit, tree or run record, so that
 * exporting and importing history only ever handle what is new.
 *
 * Invariants:
 *  1. A pair is written only once both objects exist: the morph object in
 *     the store and the git object in .morph/git.
 *  2. A pair is a cache: its git object may have been pruned since (git gc
 *     in .morph/git), so a user of a pair checks that the git object still
 *     exists and makes it again when it does not.
 */
#ifndef MORPH_GITMAP_INT_H
#define MORPH_GITMAP_INT_H

#include "morph/error.h"
#include "morph/hash.h"
#include "morph/object.h"

struct morph_repo;

/* A git object id: 20 raw bytes (SHA-1), as git_oid holds it. */
#define MORPH_GITID_RAWSZ	20

/*
 * The git object paired with morph object id of type; *found 0 when there
 * is none.
 */
const struct morph_error *morph_gitmap_to_git(unsigned char git[20],
    int *found, struct morph_repo *, const struct morph_oid *id,
    enum morph_object_type type);

/* The morph object paired with git object git; *found 0 when none. */
const struct morph_error *morph_gitmap_to_morph(struct morph_oid *out,
    enum morph_object_type *type, int *found, struct morph_repo *,
    const unsigned char git[20]);

/* Records a pair, replacing what git was paired with. */
const struct morph_error *morph_gitmap_put(struct morph_repo *,
    const unsigned char git[20], const struct morph_oid *id,
    enum morph_object_type type);

/* Forgets the pair of git (its git object is gone). */
const struct morph_error *morph_gitmap_forget(struct morph_repo *,
    const unsigned char git[20]);

#endif
