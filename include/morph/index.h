/*
 * The index: the files staged for the next commit, each with its blob id
 * and the stat fields it had when hashed, as in git.  morph add stages,
 * morph commit commits what is staged.
 *
 * Invariants:
 *  1. Entries are sorted bytewise by path and unique; no path is both a
 *     file and the directory of another entry.
 *  2. An entry's blob is stored before the entry is.
 *  3. An entry whose file was modified so close to the moment its stat
 *     fields were taken that a later change could keep them (the same
 *     timestamp tick) is "smudged": its stat fields are not trusted, and
 *     its content is compared instead (the racy-git problem).  "Close" is
 *     within 50 ms of when the index was loaded, which covers the kernel's
 *     coarse file clock, or 2 s for a file whose timestamp has no
 *     nanoseconds (a file system that keeps seconds).
 */
#ifndef MORPH_INDEX_H
#define MORPH_INDEX_H

#include <stddef.h>

#include "morph/error.h"
#include "morph/hash.h"
#include "morph/tree.h"

struct morph_repo;
struct morph_index;

/* Loads the index.  The caller frees it with morph_index_free(). */
const struct morph_error *morph_index_open(struct morph_index **out,
    struct morph_repo *);
void	morph_index_free(struct morph_index *);

size_t	morph_index_count(const struct morph_index *);
/* Entry i, borrowed until the index changes. */
const struct morph_entry *morph_index_get(const struct morph_index *, size_t);
/* The entry for path, or NULL. */
const struct morph_entry *morph_index_find(const struct morph_index *,
    const char *path);

/*
 * Copies the entries at or under the repository paths in paths (npaths 0:
 * all) into out, sorted.
 */
const struct morph_error *morph_index_entries(struct morph_entrylist *out,
    const struct morph_index *, const char *const *paths, size_t npaths);

#define MORPH_ADD_FORCE		0x01	/* stage ignored files too */

/*
 * Stages path ("" for the whole tree): new and modified files at or under
 * it are hashed and stored, tracked files that are gone are unstaged.
 * What the walk passes over because morph cannot track it is listed by
 * morph_index_skipped().  Errors: NOT_FOUND when path matches no file and
 * nothing tracked (INVALID when it matches only files morph cannot track);
 * INVALID for an ignored file without MORPH_ADD_FORCE or a symbolic link.
 */
const struct morph_error *morph_index_add(struct morph_index *,
    struct morph_repo *, const char *path, int flags);

/*
 * The files that morph_index_add calls on idx walked past because morph
 * cannot track them (a name with a control character or not valid UTF-8,
 * a symbolic link, a socket or another special file; never what
 * .morphignore ignores), each once, as "'PATH': why" with PATH printable
 * (see morph_index_add).  Borrowed from idx.
 */
size_t	morph_index_nskipped(const struct morph_index *);
const char *morph_index_skipped(const struct morph_index *, size_t i);

/* Stages every modified tracked file and unstages deleted ones. */
const struct morph_error *morph_index_add_tracked(struct morph_index *,
    struct morph_repo *);

/*
 * Unstages path, or with recursive everything under it; *count (may be
 * NULL) says how many entries went.  Errors: NOT_FOUND when nothing
 * matched; INVALID for a directory without recursive.
 */
const struct morph_error *morph_index_remove(struct morph_index *,
    const char *path, int recursive, size_t *count);

/*
 * Sets path to blob id with mode, recording the stat fields of the file
 * now in the work tree (if any) as matching it.
 */
const struct morph_error *morph_index_set(struct morph_index *,
    struct morph_repo *, const char *path, const struct morph_oid *id,
    unsigned int mode);

/* Replaces the whole index with the files of tree id. */
const struct morph_error *morph_index_read_tree(struct morph_index *,
    struct morph_repo *, const struct morph_oid *tree);

enum morph_wt_state {
	MORPH_WT_CLEAN,		/* the file matches the entry */
	MORPH_WT_MODIFIED,	/* content or executable bit differs */
	MORPH_WT_DELETED,	/* no regular file at the path */
};

/*
 * How the work-tree file of entry i compares with it.  Files whose stat
 * fields changed are hashed; when the content turns out the same the
 * entry's stat fields are refreshed (saved by the next morph_index_write).
 */
const struct morph_error *morph_index_check(enum morph_wt_state *,
    struct morph_index *, struct morph_repo *, size_t i);

/* Saves the changes made to the index (inside a transaction). */
const struct morph_error *morph_index_write(struct morph_index *,
    struct morph_repo *);

/*
 * Saves refreshed stat fields if the database is free right now; never
 * waits and never fails (used by read-only commands such as status).
 */
void	morph_index_write_opportunistic(struct morph_index *,
	    struct morph_repo *);

/* Whether the index has changes not yet saved. */
int	morph_index_dirty(const struct morph_index *);

/* Writes the trees of the staged snapshot; *out is the root tree. */
const struct morph_error *morph_index_write_tree(struct morph_oid *out,
    struct morph_index *, struct morph_repo *);

/*
 * The root tree of the staged snapshot when it is known without hashing
 * (after a commit, a checkout or morph_index_write_tree, until the next
 * change): returns 1 and sets *out, else returns 0.
 */
int	morph_index_tree(const struct morph_index *, struct morph_oid *out);

/*
 * Hashes the file at path (repository path) as a blob; with store, also
 * stores it.  Errors: INVALID for a symbolic link or special file.
 */
const struct morph_error *morph_worktree_hash_file(struct morph_oid *out,
    unsigned int *mode, struct morph_repo *, const char *path, int store);

#endif
