/*
 * The state of the work tree: for each path, how the index differs from
 * HEAD (staged) and how the work tree differs from the index (unstaged),
 * and which files are untracked.  This is what morph status prints, what
 * morph diff walks, and what morph checkout asks before overwriting.
 */
#ifndef MORPH_STATUS_H
#define MORPH_STATUS_H

#include <stddef.h>

#include "morph/error.h"
#include "morph/tree.h"

struct morph_repo;
struct morph_index;
struct morph_status;

enum morph_change {
	MORPH_CHANGE_NONE = 0,
	MORPH_CHANGE_ADDED,
	MORPH_CHANGE_DELETED,
	MORPH_CHANGE_MODIFIED,	/* content or executable bit */
};

struct morph_status_entry {
	const char		*path;
	enum morph_change	 staged;	/* HEAD -> index */
	enum morph_change	 unstaged;	/* index -> work tree */
	int			 untracked;	/* in the work tree only */
	int			 ignored;	/* untracked and ignored */
	/*
	 * An exact rename: staged added here with the blob HEAD has at
	 * renamed_from, which is staged deleted with renamed_to pointing
	 * back; NULL otherwise.  Both point to the other entry's path.
	 */
	const char		*renamed_from;
	const char		*renamed_to;
};

#define MORPH_STATUS_UNTRACKED	0x01	/* list untracked files */
#define MORPH_STATUS_IGNORED	0x02	/* and ignored ones (with UNTRACKED) */

/*
 * Compares HEAD (none on an unborn branch), the index and the work tree,
 * for the repository paths in paths (npaths 0: everything; a path names a
 * file or everything under a directory).  Only paths with a difference
 * are listed, sorted.  Unchanged files whose stat fields moved are
 * refreshed in idx (save it with morph_index_write_opportunistic).
 */
const struct morph_error *morph_status_new(struct morph_status **out,
    struct morph_repo *, struct morph_index *, const char *const *paths,
    size_t npaths, int flags);
void	morph_status_free(struct morph_status *);

size_t	morph_status_count(const struct morph_status *);
const struct morph_status_entry *morph_status_get(const struct morph_status *,
    size_t i);

/* Whether path is one of paths or under one of them (npaths 0: yes). */
int	morph_pathspec_match(const char *path, const char *const *paths,
	    size_t npaths);

#endif
