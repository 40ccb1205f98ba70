/*
 * The record of a merge in progress (merge.h, "In progress"): the meta row
 * "merge", canonical JSON,
 *
 *	{"base": "<id>" or null, "conflicts": [CONFLICT ...],
 *	 "gate": false, "label": "feature", "message": "Merge branch ...",
 *	 "op": "merge", "ours": "<id>", "repeat": 1, "significance": 0,
 *	 "state": "applying" or "stopped", "theirs": "<id>",
 *	 "tree": "<id>", "worktree": "<id>"}
 *
 * where tree is the snapshot the merge staged and worktree the one it
 * wrote to the work tree (they differ at the conflicts), and a CONFLICT is
 *
 *	{"binary": false, "fields": "..." or null, "kind": "content",
 *	 "path": "...", "staged": ENTRY or null, "written": ENTRY or null}
 *
 * with an ENTRY {"id": "<id>", "mode": "100644"}: what the merge left at
 * the path in the index and in the work tree.  op (merge.h) is "merge",
 * "revert" (base is the commit reverted, theirs its first parent) or
 * "stash" (base is the commit the stash was made on, theirs the stash);
 * a record without it, as the first merges wrote them, is a merge's.
 *
 * Invariants:
 *  1. The record is committed, marked applying, before the merge writes
 *     the first file, and the transaction that writes the index removes
 *     it or marks it stopped.
 *  2. While it is there, no checkout runs and no other merge, revert or
 *     stash application starts.
 *  3. A stash application that leaves no conflict leaves no record.  One
 *     that does keeps its record (op "stash", stopped) as git keeps
 *     unmerged paths in its index: it holds checkout, merge, stash and
 *     commit up only while a conflict is unresolved, and goes once they
 *     are all added (morph_merge_settle_stash), committed or reset.
 */
#ifndef MORPH_MERGESTATE_INT_H
#define MORPH_MERGESTATE_INT_H

#include "morph/merge.h"
#include "morph/tree.h"

struct morph_repo;
struct morph_index;

struct morph_mergestate_conflict {
	struct morph_merge_conflict	 pub;	/* first: handed out */
	char				*path;
	char				*fields;
	int				 has_staged;
	struct morph_entry		 staged;	/* path unused */
	int				 has_written;
	struct morph_entry		 written;	/* path unused */
	char				 why[160];
};

struct morph_merge_state {
	enum morph_merge_op			 op;
	struct morph_oid			 ours;
	struct morph_oid			 theirs;
	int					 has_base;
	struct morph_oid			 base;
	struct morph_oid			 tree;
	struct morph_oid			 worktree;
	char					*label;
	char					*message;
	int					 applying;
	int					 gate;
	int					 repeat;
	double					 significance;
	struct morph_mergestate_conflict	*v;
	size_t					 n;
	size_t					 unresolved;	/* once judged */
};

/* A new, empty state (every member zero, repeat 1). */
const struct morph_error *morph_mergestate_new(struct morph_merge_state **);

/*
 * Appends a conflict; staged and written may be NULL (nothing there).
 * fields may be NULL.
 */
const struct morph_error *morph_mergestate_add(struct morph_merge_state *,
    const char *path, enum morph_conflict_kind, int binary,
    const char *fields, const struct morph_entry *staged,
    const struct morph_entry *written);

/* Reads the record: *found 0 when none.  Errors: CORRUPT. */
const struct morph_error *morph_mergestate_read(struct morph_merge_state **,
    int *found, struct morph_repo *);
/* Writes it (inside a transaction). */
const struct morph_error *morph_mergestate_write(struct morph_repo *,
    const struct morph_merge_state *);
/* Removes it. */
const struct morph_error *morph_mergestate_clear(struct morph_repo *);

/*
 * Judges each conflict against idx and the work tree (merge.h, "In
 * progress"): sets resolved and why, and the count of unresolved ones.
 */
const struct morph_error *morph_mergestate_judge(struct morph_merge_state *,
    struct morph_repo *, const struct morph_index *idx);

/*
 * NULL when no merge is in progress, else a CONFLICT error saying that
 * what (the refused operation) must wait, and how to end the merge.
 */
const struct morph_error *morph_mergestate_refuse(struct morph_repo *,
    const char *what);

/*
 * How messages name an op: the noun ("merge", "revert", "stash
 * application") and the command that undoes it ("morph merge --abort").
 */
const char *morph_mergestate_noun(enum morph_merge_op);
const char *morph_mergestate_abort_cmd(enum morph_merge_op);

/* How messages name what s is about: "'feature'", or the reverted id. */
void	morph_mergestate_name(char *buf, size_t size,
	    const struct morph_merge_state *s);

/* Whether bytes hold a line of conflict markers ("<<<<<<< "). */
int	morph_mergestate_has_markers(const char *data, size_t len);

#endif
