/*
 * Git objects staged in memory while a push makes them, then kept in one
 * pack: a push exports tens of thousands of git objects (each output of
 * each run) that libgit2 would otherwise write one file at a time, and
 * read back one file at a time to pack them for the remote.
 *
 * The stage is an object database backend (a mempack) placed first in
 * the repository's object database: every object written to it goes to
 * memory, and reading finds it there.  It lives as long as the
 * repository handle, which frees it.
 *
 * Invariants:
 *  1. An object written to the stage is readable through the repository
 *     at once, and is in the repository's own files once
 *     morph_gitstage_keep returns (those that a pack added meanwhile, as
 *     a push to this machine links, does not hold are packed then).
 *  2. Nothing staged is lost by an error that comes before keep; a
 *     staged object never kept is gone when the handle is freed, which
 *     the git map (gitmap_int.h) allows for: its pairs are checked.
 */
#ifndef MORPH_GITSTAGE_INT_H
#define MORPH_GITSTAGE_INT_H

#include "git2_int.h"
#include "morph/error.h"

struct morph_gitstage;

/*
 * Places a stage first in git's object database; *out is owned by it.
 * Errors: GIT.
 */
const struct morph_error *morph_gitstage_attach(struct morph_gitstage **out,
    git_repository *git);

/*
 * Writes an object to the stage (out gets its id), unless git has it
 * already.  Errors: GIT, NOMEM.
 */
const struct morph_error *morph_gitstage_write(git_oid *out,
    struct morph_gitstage *, const void *data, size_t len, git_object_t);

/*
 * Keeps what was staged in git's own files: the staged objects they lack
 * go into one pack.  The stage is then empty.  Errors: GIT, NOMEM.
 */
const struct morph_error *morph_gitstage_keep(struct morph_gitstage *,
    git_repository *git);

#endif
