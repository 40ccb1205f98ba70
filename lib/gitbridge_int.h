/*
 * What morph asks of an enclosing git repository, through libgit2: its
 * HEAD and dirty state (provenance recorded in commits) and the exclude
 * file that keeps .morph out of git status.  Also the libgit2 error bridge.
 */
#ifndef MORPH_GITBRIDGE_INT_H
#define MORPH_GITBRIDGE_INT_H

#include "morph/error.h"

struct morph_git_provenance {
	int	found;		/* workdir is inside a git work tree */
	int	unborn;		/* the git repository has no commit yet */
	char	head[64];	/* hex id of git HEAD's commit */
	int	dirty;		/* tracked files differ from HEAD */
};

/*
 * Loads and initialises libgit2 (git2_int.h); safe to call many times.
 * Errors: UNSUPPORTED when libgit2 cannot be loaded.
 */
const struct morph_error *morph_git_init(void);

/*
 * The libgit2 error bridge: the last libgit2 error with what was being
 * done, as MORPH_ERR_GIT.
 */
const struct morph_error *morph_git_error(int rc, const char *what);

/* Fills *out for the git work tree holding workdir, if any. */
const struct morph_error *morph_git_provenance(
    struct morph_git_provenance *out, const char *workdir);

/* Adds ".morph/" to info/exclude of the enclosing git repository, if any. */
const struct morph_error *morph_git_exclude_morph(const char *workdir);

/*
 * Calls cb with the name, URL and push URL (the URL when none is set) of
 * each remote of the git work tree holding workdir, if any.
 */
typedef const struct morph_error *(*morph_git_remote_cb)(const char *name,
    const char *url, const char *pushurl, void *arg);
const struct morph_error *morph_git_remotes(const char *workdir,
    morph_git_remote_cb cb, void *arg);

#endif
