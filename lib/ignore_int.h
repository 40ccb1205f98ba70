/*
 * .morphignore: which untracked files morph leaves alone.
 *
 * One pattern a line at the work-tree root, a subset of gitignore(5):
 * blank lines and lines starting with '#' are skipped; '!' re-includes; a
 * trailing '/' matches directories only; a pattern with a '/' elsewhere is
 * matched against the whole path from the root (fnmatch with
 * FNM_PATHNAME; a leading "**" + "/" matches at any depth), one without
 * against the last component.  The last matching line wins.
 */
#ifndef MORPH_IGNORE_INT_H
#define MORPH_IGNORE_INT_H

#include "morph/error.h"

struct morph_ignore;

/* Loads workdir/.morphignore; an absent file ignores nothing. */
const struct morph_error *morph_ignore_load(struct morph_ignore **out,
    const char *workdir);
void	morph_ignore_free(struct morph_ignore *);

/* Whether path (a directory when is_dir) is ignored. */
int	morph_ignore_match(const struct morph_ignore *, const char *path,
	    int is_dir);

/*
 * Whether path is ignored, or is inside an ignored directory: what a walk
 * from the root would never reach.
 */
int	morph_ignore_match_path(const struct morph_ignore *, const char *path,
	    int is_dir);

#endif
