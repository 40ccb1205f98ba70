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
 * commit.  So that this is known, a checkout first records what it is
 * doing (its target and where HEAD was) in a transaction of its own, and
 * the transaction that moves HEAD removes the record: a record left
 * behind is a checkout that did not finish (morph_worktree_pending).
 * While it is there the index and the work tree are not written by
 * anything else (add, rm, commit and restore fail with CONFLICT), and a
 * checkout to the same target finishes the job: it plans from the
 * snapshot HEAD had when the interrupted one began, even if HEAD (a branch
 * moved meanwhile) already names the target, so every file the
 * interrupted one had to change is changed, and the files it wrote already
 * are taken as they are.  A checkout to another target is refused, except
 * with force, which makes the work tree and the index match the target
 * whatever state they are in.  A file being written when the process died
 * may have left its temporary "FILE.morph-XXXXXX" beside it; the next
 * checkout or restore that writes into that directory (with force: any
 * directory of the target) removes it, and it is never taken for anything
 * but an untracked file.  A restore is not recorded: run it again.
 */
#ifndef MORPH_WORKTREE_H
#define MORPH_WORKTREE_H

#include <stddef.h>

#include "morph/buf.h"
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
	/* The message of the reflog entries HEAD's move writes (reflog.h). */
	const char	*message;
	/*
	 * morph reset --hard: HEAD stays where it is, on its branch or
	 * detached, and what it names moves to the commit.  branch must be
	 * NULL.
	 */
	int		 reset;
};
#define MORPH_CHECKOUT_OPTS_VERSION	1
#define MORPH_CHECKOUT_OPTS_INIT \
	{ MORPH_CHECKOUT_OPTS_VERSION, 0, NULL, 0, NULL, 0 }

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
 * Called inside a transaction, the record of the checkout under way is
 * part of it, and is not seen by others before it ends.
 *
 * Errors: CONFLICT, whose message lists the paths (as many as fit), or
 * says that a checkout to another target is pending, or that another
 * process checked out meanwhile; NOT_FOUND (no such commit or branch);
 * EXISTS (create and the branch exists); PATH or CORRUPT (a snapshot
 * names a path morph never writes); LOCKED; ERRNO (a file could not be
 * written: see "If the process dies midway" above).
 */
const struct morph_error *morph_worktree_checkout(struct morph_repo *,
    const struct morph_oid *commit, const struct morph_checkout_opts *opts);

/* A checkout that did not finish (see "If the process dies midway"). */
struct morph_checkout_pending {
	struct morph_buf	 branch;	/* "refs/heads/NAME"; empty:
						   HEAD was to be detached */
	struct morph_oid	 commit;	/* the target */
	int			 create;	/* with -b: the branch is still
						   to be created */
	int			 force;
	int			 reset;		/* a reset --hard, whose HEAD
						   moves where it is */
	int			 has_from;	/* HEAD had a commit ... */
	struct morph_oid	 from;		/* ... this one, when it began */
};

/*
 * Whether a checkout is pending: *found, and then *out, which the caller
 * releases with morph_worktree_pending_release.  Errors: CORRUPT (its
 * record is damaged).
 */
const struct morph_error *morph_worktree_pending(
    struct morph_checkout_pending *out, int *found, struct morph_repo *);
void	morph_worktree_pending_release(struct morph_checkout_pending *);

/* What it was going to, "'NAME'" or an id, for messages, into out. */
void	morph_worktree_pending_target(struct morph_buf *out,
	    const struct morph_checkout_pending *);

/*
 * The command that finishes it, "morph checkout NAME" (or "morph reset
 * --hard ID"), into out.
 */
void	morph_worktree_pending_command(struct morph_buf *out,
	    const struct morph_checkout_pending *);

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
