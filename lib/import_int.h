/*
 * Importing history from git (morph-repository(5), "Sharing over git"):
 * the commits and runs another machine exported (export_int.h) become
 * morph objects and database rows again, trusting nothing.
 *
 * Invariants:
 *  1. Every object is hashed again from its bytes and must have the id
 *     it is named by; every JSON document must be in canonical form; every
 *     file is read with a size cap.
 *  2. Everything an imported object refers to is present (imported in the
 *     same session, or already stored) before it is written: a commit's
 *     tree and parents, a run's commit, pages, outputs and price table.
 *  3. Import writes, but never begins nor ends a transaction: the caller
 *     holds one around the whole session and rolls it back on the first
 *     error, so a refused fetch leaves the repository as it was.
 *
 * Import reads git objects through struct morph_import_src, so that the
 * checks can be driven without libgit2 (tests/fuzz/fuzz-import.c).
 */
#ifndef MORPH_IMPORT_INT_H
#define MORPH_IMPORT_INT_H

#include <stddef.h>

#include "morph/buf.h"
#include "morph/error.h"
#include "morph/hash.h"

struct morph_repo;
struct morph_import;

/* Called for each entry of a git tree: its name, git mode and id. */
typedef const struct morph_error *(*morph_import_entry_cb)(const char *name,
    unsigned int mode, const unsigned char key[20], void *arg);

struct morph_import_src {
	/* Calls cb for each entry of git tree key.  Errors: CORRUPT. */
	const struct morph_error *(*tree)(void *arg, const unsigned char key[20],
	    morph_import_entry_cb cb, void *cbarg);
	/*
	 * Reads git blob key into out (emptied first), refusing one of
	 * more than max bytes.  Errors: CORRUPT (not a blob, too large).
	 */
	const struct morph_error *(*blob)(void *arg, const unsigned char key[20],
	    size_t max, struct morph_buf *out);
	void	*arg;
};

struct morph_import_stats {
	size_t	commits;	/* imported, not already stored */
	size_t	runs;
	size_t	results;
	size_t	calls;
};

const struct morph_error *morph_import_new(struct morph_import **out,
    struct morph_repo *, const struct morph_import_src *);
void	morph_import_free(struct morph_import *);
const struct morph_import_stats *morph_import_stats(
    const struct morph_import *);

/*
 * Imports the morph commit exported as a git commit whose root tree is
 * tree and whose parents stand for the morph commits parents[0 ..
 * nparents - 1], in order; *out is its id.  what names the git commit in
 * messages.  Errors: CORRUPT naming what is wrong; FORMAT for a format
 * version this morph does not read.
 */
const struct morph_error *morph_import_commit(struct morph_oid *out,
    struct morph_import *, const unsigned char tree[20],
    const struct morph_oid *parents, size_t nparents, const char *what);

/*
 * Imports the run whose folder (git tree folder) is named name, its id in
 * hex, unless this repository has it already (*added 0).  The run's commit
 * must be stored.  Errors: CORRUPT naming the run and the file;
 * NOT_FOUND naming a commit the run names that is not stored.
 */
const struct morph_error *morph_import_run(int *added, struct morph_import *,
    const char *name, const unsigned char folder[20]);

#endif
