/*
 * Merging another line of history into the current branch (morph-merge(1)).
 *
 * A merge joins HEAD ("ours") and another commit ("theirs") from their
 * merge base, the newest commit both descend from.  A file only one side
 * changed takes that side; a file both changed is merged line by line
 * with libgit2's file merge (git_merge_file); when that leaves conflicts,
 * morph.json is merged field by field and a case file (JSON Lines) case
 * by case, so that two branches that each add a model or a case merge
 * cleanly.  What still cannot be merged is a conflict: the file is written
 * with conflict markers (or, when one side deleted it, as the other side
 * left it), and the merge stays in progress until it is committed (morph
 * commit, morph merge --continue) or undone (morph merge --abort).
 *
 * In progress.  A merge that stops for conflicts is recorded (the meta row
 * "merge", lib/mergestate_int.h): HEAD, theirs, the base, the message, the
 * gate's settings and, for each conflict, what the merge left in the index
 * and in the work tree.  While it is there, morph commit makes the merge
 * commit (two parents: HEAD, then theirs) and refuses while a conflict is
 * unresolved, a checkout is refused, and morph status lists the unmerged
 * paths.  A conflict is resolved once the index and the work tree agree
 * on something other than what the merge left there: the resolution
 * staged with morph add, the file removed from both (to delete it), or
 * the work tree put back to the staged side (morph restore PATH, our
 * version).  Staged content that still has conflict markers is not a
 * resolution.
 *
 * If the process dies midway.  The record is committed (marked
 * "applying") before the first file is written, and the transaction that
 * writes the index either removes it (a merge without conflicts, or a
 * fast-forward) or marks it as stopped for conflicts; a record still
 * marked applying is a merge that was interrupted, which morph status
 * reports and morph merge --abort undoes.
 */
#ifndef MORPH_MERGE_H
#define MORPH_MERGE_H

#include <stddef.h>

#include "morph/error.h"
#include "morph/hash.h"

struct morph_repo;
struct morph_index;
struct morph_merge;
struct morph_merge_state;

/*
 * The merge base of commits a and b: a common ancestor that is not an
 * ancestor of another common ancestor; of several such (a criss-cross
 * history), the newest by author time.  *found is 0 when a and b share no
 * history.  Errors: NOT_FOUND, CORRUPT (a commit cannot be read).
 */
const struct morph_error *morph_merge_base(struct morph_oid *out, int *found,
    struct morph_repo *, const struct morph_oid *a,
    const struct morph_oid *b);

/* Whether commit anc is desc or one of its ancestors. */
const struct morph_error *morph_merge_is_ancestor(int *yes,
    struct morph_repo *, const struct morph_oid *anc,
    const struct morph_oid *desc);

enum morph_merge_kind {
	MORPH_MERGE_UP_TO_DATE,		/* theirs is in HEAD's history */
	MORPH_MERGE_FAST_FORWARD,	/* HEAD is in theirs': move to it */
	MORPH_MERGE_CLEAN,		/* a new snapshot, without conflicts */
	MORPH_MERGE_CONFLICTS,		/* some files need a hand */
};

/*
 * What a record in progress is for: a merge, a revert (morph-revert(1):
 * the merge of HEAD with a commit's parent from the commit) or a stash
 * being applied (morph-stash(1)).  A revert is finished by morph
 * commit (one parent) or morph revert --continue and undone by morph
 * revert --abort.  A stash applies with no commit and leaves its
 * conflicts as markers, as git does, with no record: it is recorded only
 * while it writes the work tree, and if interrupted then, undone by morph
 * merge --abort.
 */
enum morph_merge_op {
	MORPH_MERGE_OP_MERGE,
	MORPH_MERGE_OP_REVERT,
	MORPH_MERGE_OP_STASH,
};

/* "merge", "revert" or "stash": the record's op, and status --json's. */
const char *morph_merge_op_name(enum morph_merge_op);

enum morph_conflict_kind {
	MORPH_CONFLICT_CONTENT,		/* both changed the file */
	MORPH_CONFLICT_ADD_ADD,		/* both added it, differently */
	MORPH_CONFLICT_DELETED_BY_THEM,	/* changed here, deleted there */
	MORPH_CONFLICT_DELETED_BY_US,	/* deleted here, changed there */
};

/*
 * The name of a kind as the record and morph status --json write it:
 * "content", "add-add", "deleted-by-them", "deleted-by-us".
 */
const char *morph_merge_conflict_kind_name(enum morph_conflict_kind);

/* One conflicted path. */
struct morph_merge_conflict {
	const char		 *path;
	enum morph_conflict_kind  kind;
	int			  binary;	/* no markers: the work tree
						   holds our side */
	/*
	 * What both sides changed, described one a line: the fields of
	 * morph.json ("defaults.temperature: base 0, ours 0.2, theirs 0.7")
	 * or the cases of a case file ("case 'paris': changed on both
	 * sides").  NULL when the conflict is only told as text.
	 */
	const char		 *fields;
	/* Filled by morph_merge_state_read only: */
	int			  resolved;
	const char		 *why;		/* when not resolved: what to do */
};

/*
 * Computes the merge of HEAD and commit theirs, writing the merged blobs
 * and tree to the store (in a transaction of its own: objects only; the
 * index, the work tree and the refs are not touched).  label names theirs
 * in conflict markers and messages ("feature", or the revision as given).
 * Errors: NOT_FOUND when HEAD has no commit yet; CONFLICT when a merge or
 * a checkout is in progress; UNSUPPORTED when a path is a file on one side
 * and a directory on the other; those of libgit2 (GIT).
 */
const struct morph_error *morph_merge_new(struct morph_merge **out,
    struct morph_repo *, const struct morph_oid *theirs, const char *label);
void	morph_merge_free(struct morph_merge *);

enum morph_merge_kind morph_merge_kind(const struct morph_merge *);
const struct morph_oid *morph_merge_ours(const struct morph_merge *);
const struct morph_oid *morph_merge_theirs(const struct morph_merge *);
/* The merge base, or NULL when the two share no history. */
const struct morph_oid *morph_merge_base_id(const struct morph_merge *);
/*
 * The merged snapshot: theirs' tree for a fast-forward, HEAD's when up to
 * date; with conflicts, our side of each conflicted path.
 */
const struct morph_oid *morph_merge_tree(const struct morph_merge *);
size_t	morph_merge_nconflicts(const struct morph_merge *);
const struct morph_merge_conflict *morph_merge_conflict(
    const struct morph_merge *, size_t i);
/* What morph_merge_apply does with a merge. */
struct morph_merge_opts {
	unsigned int	 version;
	const char	*message;	/* of the merge commit (NULL: "Merge
					   branch 'LABEL'") */
	int		 no_ff;		/* a merge commit even when HEAD
					   could fast-forward */
	int		 ff_only;	/* refuse unless it fast-forwards */
	/*
	 * Recorded with a merge that stops for conflicts, for the commit
	 * that ends it: the gate must pass first (gate), with these
	 * samples and significance level.
	 */
	int		 gate;
	int		 repeat;
	double		 significance;
	/*
	 * A revert: leave the result in the index and the work tree, with
	 * no commit and, without conflicts, no record.
	 */
	int		 no_commit;
};
#define MORPH_MERGE_OPTS_VERSION	1
#define MORPH_MERGE_OPTS_INIT \
	{ MORPH_MERGE_OPTS_VERSION, NULL, 0, 0, 0, 1, 0, 0 }

/*
 * Whether the work tree and the index can take the merge, changing
 * nothing: the index must equal HEAD's snapshot (staged changes would go
 * into the merge commit), and no file the merge writes may have local
 * changes or stand untracked in the way.  Errors: CONFLICT listing the
 * paths; INVALID for ff_only when the merge does not fast-forward.
 */
const struct morph_error *morph_merge_check(struct morph_merge *,
    const struct morph_merge_opts *);

/*
 * Carries the merge out, refusing as morph_merge_check does: a
 * fast-forward moves the work tree, the index and the current branch (or
 * a detached HEAD) to theirs; a clean merge writes the merged files and
 * commits them, with HEAD and theirs as parents, in one transaction; a
 * merge with conflicts writes the files, conflict markers included,
 * stages the rest and records the merge in progress.  *commit (may be
 * NULL) is the commit HEAD is at afterwards.  Errors: those of
 * morph_merge_check; CONFLICT when HEAD moved since morph_merge_new; those
 * of writing files (see "If the process dies midway").
 */
const struct morph_error *morph_merge_apply(struct morph_oid *commit,
    struct morph_merge *, const struct morph_merge_opts *);

/*
 * The merge in progress, if any (*found), with each conflict's state
 * judged against the index and the work tree now.  Free it with
 * morph_merge_state_free.  Errors: CORRUPT (the record is damaged).
 */
const struct morph_error *morph_merge_state_read(
    struct morph_merge_state **out, int *found, struct morph_repo *);
void	morph_merge_state_free(struct morph_merge_state *);

const struct morph_oid *morph_merge_state_ours(
    const struct morph_merge_state *);
const struct morph_oid *morph_merge_state_theirs(
    const struct morph_merge_state *);
const char *morph_merge_state_label(const struct morph_merge_state *);
const char *morph_merge_state_message(const struct morph_merge_state *);
enum morph_merge_op morph_merge_state_op(const struct morph_merge_state *);
/*
 * For a revert, the commit reverted (the record's base); else NULL.
 */
const struct morph_oid *morph_merge_state_reverted(
    const struct morph_merge_state *);
/* The record was left while the merge wrote its files. */
int	morph_merge_state_interrupted(const struct morph_merge_state *);
/* The gate's settings, as morph_merge_opts has them. */
int	morph_merge_state_gate(const struct morph_merge_state *, int *repeat,
	    double *significance);
size_t	morph_merge_state_nconflicts(const struct morph_merge_state *);
const struct morph_merge_conflict *morph_merge_state_conflict(
    const struct morph_merge_state *, size_t i);
/* How many conflicts are still unresolved. */
size_t	morph_merge_state_unresolved(const struct morph_merge_state *);

/*
 * Undoes the merge (or the stash application, interrupted or stopped at
 * its conflicts) in progress:
 * every path the merge touched gets HEAD's
 * file and index entry back (what was resolved meanwhile is lost), a file
 * HEAD lacks is removed when it still holds what the merge wrote, and the
 * record goes.  Other local changes are kept.  Errors: NOT_FOUND when no
 * merge is in progress.
 */
const struct morph_error *morph_merge_abort(struct morph_repo *);
/* The same for a revert in progress (morph revert --abort). */
const struct morph_error *morph_merge_abort_revert(struct morph_repo *);

/*
 * Ends a stash application whose conflicts idx now resolves (each fixed
 * file added), as git's index has no unmerged path left once they are
 * added: the record goes, and nothing stays in progress.  Nothing to do
 * without one, or while a conflict remains.  Inside the caller's
 * transaction (morph_repo_begin), after it changed the index.
 */
const struct morph_error *morph_merge_settle_stash(struct morph_repo *,
    const struct morph_index *);

#endif
