/*
 * Blame: which commit last changed each line of a file, as git blame
 * finds it.
 *
 * Each line of the file as a commit has it starts as that commit's
 * suspect.  A commit passes a suspect line on to a parent that has the
 * same line (libgit2's line diff of the parent's file and the commit's
 * says it is unchanged), trying the parents in order, so that a line a
 * merge took from its second parent is blamed on the commit on that
 * branch; a line that no parent has is the commit's own.  When a parent
 * has the very same file, every line passes to it, as in git.  Renames
 * are not followed: a file that a parent lacks is new in the commit.
 */
#ifndef MORPH_BLAME_H
#define MORPH_BLAME_H

#include <stddef.h>

#include "morph/error.h"
#include "morph/hash.h"

struct morph_repo;
struct morph_commit;
struct morph_blame;

struct morph_blame_opts {
	unsigned int	 version;
	size_t		 first;		/* first line to blame, from 1;
					   0: the first */
	size_t		 last;		/* last line; 0: the last */
};
#define MORPH_BLAME_OPTS_VERSION	1
#define MORPH_BLAME_OPTS_INIT		{ MORPH_BLAME_OPTS_VERSION, 0, 0 }

/* One line of the file and the commit that last changed it. */
struct morph_blame_line {
	size_t			 line;		/* in the file blamed, from 1 */
	size_t			 orig_line;	/* in the file as commit left
						   it */
	const struct morph_commit *commit;	/* borrowed from the blame */
	const char		*text;		/* without its newline; not
						   NUL-terminated */
	size_t			 len;
};

/*
 * Blames the file at path (a repository path) in the snapshot of commit,
 * following every parent.  Only the lines from opts->first to opts->last
 * are blamed, and a range that starts past the end is an error.  Free
 * *out with morph_blame_free.  Errors: NOT_FOUND when commit's snapshot
 * has no file at path (or a commit cannot be read); INVALID when path is
 * a directory or the range is empty or past the end; CORRUPT; GIT.
 */
const struct morph_error *morph_blame_file(struct morph_blame **out,
    struct morph_repo *, const struct morph_oid *commit, const char *path,
    const struct morph_blame_opts *);
void	morph_blame_free(struct morph_blame *);

/* How many lines the blame holds (the file's, or those of the range). */
size_t	morph_blame_count(const struct morph_blame *);
/* Line i of the blame, from 0, in file order; borrowed. */
const struct morph_blame_line *morph_blame_line(const struct morph_blame *,
    size_t i);
/* How many lines the whole file has. */
size_t	morph_blame_file_lines(const struct morph_blame *);

#endif
