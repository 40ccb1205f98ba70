/*
 * Walking the work tree: the regular files under a directory, with the
 * stat fields the index caches.  .morph and .git are never entered, nor
 * (unless asked) what .morphignore ignores; symbolic links, sockets and
 * other special files, and names a tree cannot hold, are skipped, and
 * listed when asked (MORPH_SCAN_SKIPPED) so that a caller can say so.
 */
#ifndef MORPH_SCAN_INT_H
#define MORPH_SCAN_INT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "morph/error.h"

struct morph_repo;
struct morph_ignore;

/* The stat fields that tell whether a file changed since it was hashed. */
struct morph_statinfo {
	int64_t		size;
	int64_t		mtime;		/* nanoseconds */
	int64_t		ctime;		/* nanoseconds */
	int64_t		ino;
	unsigned int	mode;		/* MORPH_MODE_FILE or MORPH_MODE_EXEC */
};

struct morph_scanfile {
	char			*path;
	struct morph_statinfo	 st;
};

/* A file the walk passed over because morph cannot track it. */
struct morph_scanskip {
	char		*path;		/* the bytes of the name, as they are;
					   a directory's ends in '/' */
	const char	*why;		/* "a symbolic link; ...", static */
};

struct morph_scanlist {
	struct morph_scanfile	*v;
	size_t			 n;
	size_t			 cap;
	struct morph_scanskip	*skip;	/* with MORPH_SCAN_SKIPPED */
	size_t			 nskip;
	size_t			 capskip;
};

void	morph_statinfo_from(struct morph_statinfo *, const struct stat *);
int	morph_statinfo_equal(const struct morph_statinfo *,
	    const struct morph_statinfo *);

/*
 * lstat of a repository path.  *exists is 0 when nothing (or no regular
 * file) is there.
 */
const struct morph_error *morph_scan_stat(struct morph_statinfo *,
    int *exists, struct morph_repo *, const char *path);

#define MORPH_SCAN_IGNORED	0x01	/* include ignored files */
#define MORPH_SCAN_NOSTAT	0x02	/* names only: st is not filled in
					   when readdir says it is a file */
#define MORPH_SCAN_SKIPPED	0x04	/* list in skip what is not ignored
					   but cannot be tracked: names with
					   a control character or not
					   UTF-8, links, special files */

/*
 * Lists the regular files at or under path ("" is the whole tree) into out,
 * sorted by path.  ig may be NULL (nothing ignored).
 */
const struct morph_error *morph_scan(struct morph_scanlist *out,
    struct morph_repo *, const struct morph_ignore *ig, const char *path,
    int flags);
void	morph_scanlist_release(struct morph_scanlist *);

/*
 * morph_scan for several paths at once (npaths 0: the whole tree), the
 * results merged, sorted and without repeats.
 */
const struct morph_error *morph_scan_paths(struct morph_scanlist *out,
    struct morph_repo *, const struct morph_ignore *ig,
    const char *const *paths, size_t npaths, int flags);

/* Binary search; NULL when absent. */
const struct morph_scanfile *morph_scanlist_find(const struct morph_scanlist *,
    const char *path);

#endif
