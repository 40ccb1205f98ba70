/*
 * Commits: a snapshot (tree), its parents, who made it and why, and where
 * the enclosing git repository stood.
 *
 * The payload is canonical JSON:
 *   {"author":{"email","name","time","tz"},"git":{"dirty","head"},
 *    "message","parents":[...],"tree"}
 * time is seconds since the epoch, tz "+hhmm"; "git" appears only when the
 * work tree is inside a git work tree ("head" absent while git has no
 * commit).
 */
#ifndef MORPH_COMMIT_H
#define MORPH_COMMIT_H

#include <stddef.h>
#include <stdint.h>

#include "morph/buf.h"
#include "morph/error.h"
#include "morph/hash.h"

struct morph_repo;
struct morph_commit;
struct morph_index;

struct morph_signature {
	const char	*name;
	const char	*email;
	int64_t		 time;		/* seconds since the epoch */
	int		 tz;		/* minutes east of UTC */
};

/*
 * Who is committing, as git decides it: MORPH_AUTHOR_NAME and
 * MORPH_AUTHOR_EMAIL, else user.name and user.email from the
 * configuration, else EMAIL and the login name; MORPH_AUTHOR_DATE
 * ("SECONDS [+-hhmm]") or the current time.  name and email are filled in
 * and sig points into them.
 */
const struct morph_error *morph_signature_default(struct morph_signature *sig,
    struct morph_buf *name, struct morph_buf *email, struct morph_repo *);

/* Formats a time zone as "+hhmm". */
void	morph_tz_fmt(char out[8], int tz_minutes);

/* Parses a commit payload, checking its fields.  Errors: CORRUPT. */
const struct morph_error *morph_commit_parse(struct morph_commit **out,
    const struct morph_oid *id, const char *data, size_t len);
/* Reads and parses commit id.  Errors: NOT_FOUND, CORRUPT. */
const struct morph_error *morph_commit_read(struct morph_commit **out,
    struct morph_repo *, const struct morph_oid *id);
void	morph_commit_free(struct morph_commit *);

const struct morph_oid *morph_commit_id(const struct morph_commit *);
const struct morph_oid *morph_commit_tree(const struct morph_commit *);
size_t	morph_commit_parent_count(const struct morph_commit *);
const struct morph_oid *morph_commit_parent(const struct morph_commit *,
    size_t i);
const char *morph_commit_message(const struct morph_commit *);
/* The author; the strings are borrowed from the commit. */
const struct morph_signature *morph_commit_author(const struct morph_commit *);
/* git HEAD's id when recorded, else NULL; dirty: -1 when not recorded. */
const char *morph_commit_git_head(const struct morph_commit *);
int	morph_commit_git_dirty(const struct morph_commit *);

struct morph_commit_opts {
	unsigned int	 version;
	const char	*message;	/* NULL: a merge in progress's own */
	int		 allow_empty;	/* commit even if the tree is unchanged */
	int		 all;		/* stage modified tracked files first */
	/*
	 * Replace HEAD's commit instead of adding one on top: the new one
	 * has its parents and (unless reset_author) its author.
	 */
	int		 amend;
	int		 reset_author;
	int		 gate_passed;	/* a gated merge in progress: the
					   caller ran its gate, which passed */
};
#define MORPH_COMMIT_OPTS_VERSION	1
#define MORPH_COMMIT_OPTS_INIT	\
	{ MORPH_COMMIT_OPTS_VERSION, NULL, 0, 0, 0, 0, 0 }

/*
 * Commits what the index holds on top of HEAD, in one transaction: writes
 * the trees and the commit, moves the current branch and saves the index.
 * With a merge in progress (merge.h) this is the merge commit: its
 * parents are HEAD and theirs, it is made even when the tree equals
 * HEAD's, and the merge's record goes with it.  The move is logged
 * (reflog.h) as "commit: SUBJECT", "commit (initial): ...", "commit
 * (merge): ..." or "commit (amend): ...".  Errors: EMPTY when the tree
 * equals the parent's (with amend: the first parent's, unless HEAD is a
 * merge) and allow_empty is not set; INVALID without a message (and no
 * merge to take one from), and for amend with no commit or during a
 * merge; CONFLICT when HEAD moved meanwhile, and for a merge with
 * unresolved conflicts (listed), a merge that was interrupted, or a gated
 * merge without gate_passed; LOCKED.
 */
const struct morph_error *morph_commit_create(struct morph_oid *out,
    struct morph_repo *, struct morph_index *,
    const struct morph_commit_opts *);

#endif
