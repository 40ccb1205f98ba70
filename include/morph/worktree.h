/*
 * Moving the work tree and the index between snapshots: morph checkout
 * (the whole tree to a commit, then HEAD) and morph restore (some paths,
 * from the index or a commit, to the work tree or the index).
 *
 * Files are written atomically (a temporary file, then rename(2)), parent
 * directories are made without following symbolic links, directories that
 * files leave empty are removed, and the executable bit follows the mode.
 * No file is ever written outside the work tree or under .morph or .git:
 * every path is checked again before it is touched.
 *
 * If the process dies midway.  The database changes (index and HEAD) are
 * made in one transaction that commits only after every file is in place,
 * so a checkout stopped by a crash, a kill or a full disk leaves the work
 * tree partly updated while HEAD and the index still describe the old
 * commit.  The files already written then show as local changes, and a
 * plain checkout refuses to go on; "morph checkout -f REV" (force) to the
 * intended or the old revision finishes the job, since it makes the work
 * tree and the index match the target whatever state they are in.  A
 * file being written when the process died may have left its temporary
 * "FILE.morph-XXXXXX" beside it; the next checkout or restore that writes
 * into that directory (with force: any directory of the target) removes
 * it, and it is never taken for anything but an untracked file.  A
 * restore is the same: run it again.
 */
#ifndef MORPH_WORKTREE_H
#define MORPH_WORKTREE_H

#include <stddef.h>

#include "morph/error.h"
#include "morph/hash.h"

struct morph_repo;

struct morph_checkout_opts {
	unsigned int	 version;
	/*
	 * Overwrite and discard: the index and every tracked file end up
	 * exactly as in the target, and untracked files (or directories) in
	 * the way are removed.  Untracked files elsewhere are kept.
	 */
	int		 force;
	/*
	 * Where HEAD goes.  NULL: HEAD is detached at the commit.  Else a
	 * branch, "refs/heads/NAME", that HEAD will name; it must exist and
	 * commit may be NULL (the branch's commit is read under the lock).
	 */
	const char	*branch;
	/*
	 * With branch: create it at the commit first (MORPH_ERR_EXISTS if it
	 * exists).  With commit NULL only HEAD is repointed, leaving the new
	 * branch unborn (morph checkout -b on an unborn branch).
	 */
	int		 create;
};
#define MORPH_CHECKOUT_OPTS_VERSION	1
#define MORPH_CHECKOUT_OPTS_INIT \
	{ MORPH_CHECKOUT_OPTS_VERSION, 0, NULL, 0 }

/*
 * Checks out commit: updates the work tree and the index from HEAD's
 * snapshot to commit's, then moves HEAD as opts says, holding the
 * database lock throughout.
 *
 * Without force, only the files that differ between the two snapshots
 * are touched, and the checkout is refused before anything changes when
 * one of them has local changes that would be lost: a staged change (the
 * index differs from HEAD, and from the target), a work-tree file that
 * differs from the index (and from the target), an untracked file, link or
 * non-empty directory where the target puts a file, or an untracked file
 * where the target needs a directory.  A local change that already equals
 * the target is not a conflict.  Local changes to other paths are carried
 * over: their index entries and files are kept.
 *
 * Errors: CONFLICT, whose message lists the paths (as many as fit);
 * NOT_FOUND (no such commit or branch); EXISTS (create and the branch
 * exists); PATH or CORRUPT (a snapshot names a path morph never writes);
 * LOCKED; ERRNO (a file could not be written: see "If the process dies
 * midway" above).
 */
const struct morph_error *morph_worktree_checkout(struct morph_repo *,
    const struct morph_oid *commit, const struct morph_checkout_opts *opts);

#define MORPH_RESTORE_WORKTREE	0x01	/* write the work-tree files */
#define MORPH_RESTORE_STAGED	0x02	/* set the index entries */

/*
 * Restores the files at or under the repository paths in paths (a file,
 * or every file under a directory; "" is the whole tree), in one
 * transaction, whatever local changes they have (that is the point).
 *
 * source is a commit or a tree; NULL means the index for the work tree
 * alone (discard unstaged changes), and HEAD (or an empty snapshot on an
 * unborn branch) when MORPH_RESTORE_STAGED is in flags.  Tracked files
 * that the source lacks are removed (from the work tree, from the index,
 * or both), as git restore does.  Untracked files are never removed; one
 * that stands where a directory must go is a CONFLICT.
 *
 * Errors: NOT_FOUND naming a path that matches nothing in the source nor
 * in the index (nothing is changed); CONFLICT; INVALID (flags empty, or
 * source neither a commit nor a tree); PATH; LOCKED; ERRNO.
 */
const struct morph_error *morph_worktree_restore(struct morph_repo *,
    const struct morph_oid *source, const char *const *paths, size_t npaths,
    int flags);

/*
 * The snapshot of the work tree as "morph add ." would stage it: every
 * tracked file as it is on disk (deleted ones gone) and every untracked
 * file that is not ignored.  Its blobs and trees are written to the store,
 * inside the caller's transaction, which decides whether they stay; the
 * index is not changed.  *out is the root tree.  Errors: those of
 * morph_index_add; LOCKED.
 */
const struct morph_error *morph_worktree_snapshot(struct morph_oid *out,
    struct morph_repo *);

#endif
