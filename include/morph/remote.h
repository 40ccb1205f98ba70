/*
 * Remotes, and history shared through them over git: morph remote, push,
 * fetch, pull and clone (morph-remote(1) and the others;
 * morph-repository(5) says how history is laid out in git).
 *
 * A remote is a git repository named in .morph/config as
 * remote.NAME.url; a repository with no remote of its own reaches those
 * of the enclosing git work tree, so that morph push in a git checkout
 * goes where git push goes.  Branches fetched from remote NAME are
 * remote-tracking branches refs/remotes/NAME/BRANCH, revisions like any
 * other ("origin/main").
 */
#ifndef MORPH_REMOTE_H
#define MORPH_REMOTE_H

#include <stddef.h>

#include "morph/error.h"
#include "morph/hash.h"

struct morph_repo;

#define MORPH_REFS_REMOTES	"refs/remotes/"

/* Whether name is a valid remote name: letters, digits, '_' and '-'. */
int	morph_remote_name_valid(const char *name);

/*
 * Calls cb for each remote: those of .morph/config, or when it names
 * none, those of the enclosing git repository (from_git set).
 */
typedef const struct morph_error *(*morph_remote_cb)(const char *name,
    const char *url, int from_git, void *arg);
const struct morph_error *morph_remote_foreach(struct morph_repo *,
    morph_remote_cb cb, void *arg);

/*
 * Adds remote name.  A local path is recorded as an absolute one.
 * Errors: INVALID (bad name), EXISTS.
 */
const struct morph_error *morph_remote_add(struct morph_repo *,
    const char *name, const char *url);

/*
 * Removes remote name from .morph/config with its remote-tracking
 * branches.  Errors: NOT_FOUND.
 */
const struct morph_error *morph_remote_remove(struct morph_repo *,
    const char *name);

/*
 * The URL of remote name, for pushing when push is set (a git remote's
 * push URL); *out is freed by the caller.  from_git (may be NULL) says it
 * is a remote of the enclosing git repository.  Errors: NOT_FOUND.
 */
const struct morph_error *morph_remote_url(char **out, int *from_git,
    struct morph_repo *, const char *name, int push);

/*
 * url as it may be shown: without the password it may hold
 * (https://user:password@host/...).  The caller frees *out.
 */
const struct morph_error *morph_remote_redact(char **out, const char *url);

/*
 * The remote to use when none is named: "origin", else the only one.
 * Errors: NOT_FOUND saying what to do.
 */
const struct morph_error *morph_remote_default(char **out,
    struct morph_repo *);

/* A reference pushed or fetched, as push, fetch and pull report it. */
enum morph_sync_kind {
	MORPH_SYNC_BRANCH,
	MORPH_SYNC_TAG,
};

struct morph_sync_ref {
	enum morph_sync_kind	 kind;
	const char		*name;		/* "main", "v1" */
	struct morph_oid	 old;		/* all zero: it is new */
	struct morph_oid	 new;		/* all zero: it is gone */
	const char		*rejected;	/* NULL, or why it did not move */
};
typedef void (*morph_sync_ref_cb)(const struct morph_sync_ref *, void *arg);

struct morph_sync_opts {
	unsigned int		 version;
	const char *const	*branches;	/* push these (NULL: the
						   current branch) */
	size_t			 nbranches;
	int			 all;		/* push every branch */
	int			 tags;		/* push the tags too */
	int			 no_runs;	/* push history only */
	morph_sync_ref_cb	 ref_cb;	/* each reference, may be NULL */
	void			*ref_arg;
};
#define MORPH_SYNC_OPTS_VERSION	1
#define MORPH_SYNC_OPTS_INIT \
	{ MORPH_SYNC_OPTS_VERSION, NULL, 0, 0, 0, 0, NULL, NULL }

struct morph_sync_result {
	size_t	commits;	/* exported (push) or imported (fetch) */
	size_t	runs;		/* pushed, or fetched and new here */
	size_t	results;	/* of the runs fetched */
	size_t	refs;		/* references that moved */
	size_t	rejected;	/* references the remote refused */
};

/*
 * Pushes branches (and with opts->tags the tags) to remote, with the
 * sealed runs of every commit they hold unless opts->no_runs.  A push is
 * never forced: a branch the remote moved on is rejected (reported
 * through ref_cb and counted in rejected), saying to fetch first; runs
 * are merged with the remote's, so that concurrent pushes lose none.
 * Errors: NOT_FOUND (no such remote or branch), GIT (the transport,
 * authentication), CORRUPT.
 */
const struct morph_error *morph_remote_push(struct morph_sync_result *out,
    struct morph_repo *, const char *remote, const struct morph_sync_opts *);

/*
 * Fetches remote's history and runs, checks every object and imports them
 * in one transaction: its branches become refs/remotes/REMOTE/BRANCH, new
 * tags are added, runs are merged as a union.  Errors: CORRUPT naming the
 * object when anything fetched fails its checks (the repository is left
 * as it was), FORMAT, GIT.
 */
const struct morph_error *morph_remote_fetch(struct morph_sync_result *out,
    struct morph_repo *, const char *remote, const struct morph_sync_opts *);

struct morph_pull_result {
	struct morph_sync_result fetch;
	int			 up_to_date;	/* nothing to merge */
	int			 ahead;		/* ours has commits theirs has
						   not, and nothing new came */
	int			 fast_forward;	/* the branch moved */
	struct morph_oid	 old;		/* the branch before */
	struct morph_oid	 new;		/* and after */
};

/*
 * Fetches remote, then fast-forwards the current branch to
 * REMOTE/BRANCH (branch NULL: the current branch's name), updating the
 * work tree as morph checkout does.  Errors: CONFLICT when the branches
 * have diverged (saying what to do) or local changes are in the way;
 * NOT_FOUND when the remote has no such branch; those of morph_remote_fetch.
 */
const struct morph_error *morph_remote_pull(struct morph_pull_result *out,
    struct morph_repo *, const char *remote, const char *branch,
    const struct morph_sync_opts *);

/*
 * Makes a repository in dir (a new or empty directory) with url as its
 * remote "origin", fetches it and checks out its default branch: "main",
 * else "master", else the first; *branch (may be NULL) names it, NULL
 * when the remote has none (the caller frees it).  The caller closes
 * *out.  Errors: EXISTS when dir is not empty; those of morph_remote_fetch.
 */
const struct morph_error *morph_remote_clone(struct morph_repo **out, char **branch,
    struct morph_sync_result *res, const char *url, const char *dir,
    const struct morph_sync_opts *);

#endif
