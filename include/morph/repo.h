/*
 * A morph repository: the work tree and its .morph directory.
 *
 * A struct morph_repo holds the open database and the loaded
 * configuration; every other libmorph call that touches a repository takes
 * one.  One process, one thread per repository handle.
 */
#ifndef MORPH_REPO_H
#define MORPH_REPO_H

#include "morph/buf.h"
#include "morph/error.h"

struct morph_repo;

struct morph_init_opts {
	unsigned int	 version;
	const char	*initial_branch;	/* NULL: init.defaultbranch or "main" */
};
#define MORPH_INIT_OPTS_VERSION	1
#define MORPH_INIT_OPTS_INIT	{ MORPH_INIT_OPTS_VERSION, NULL }

/*
 * Creates .morph in dir (made with its parents if need be) and opens the
 * new repository.
 * Errors: EXISTS when dir already holds one (nothing is changed).
 * The caller closes *out.
 */
const struct morph_error *morph_repo_init(struct morph_repo **out,
    const char *dir, const struct morph_init_opts *opts);

/*
 * Opens the repository whose work tree holds start (NULL: the current
 * directory), looking upwards as git does.  Errors: NOT_REPO, FORMAT,
 * LOCKED, CORRUPT; a broken config file names the file, line and column.
 */
const struct morph_error *morph_repo_open(struct morph_repo **out,
    const char *start);

/* Closes the database and frees the handle.  NULL is ok. */
void	morph_repo_close(struct morph_repo *);

/* The absolute path of the work tree, without a trailing slash. */
const char *morph_repo_workdir(const struct morph_repo *);

/* The directory .morph of the work tree. */
const char *morph_repo_morphdir(const struct morph_repo *);

/*
 * Where the current directory is in the work tree: "" at the root, else a
 * path such as "prompts/en" (no trailing slash).
 */
const char *morph_repo_prefix(const struct morph_repo *);

/*
 * Turns a path given on the command line (relative to the current
 * directory) into a repository path (relative to the work-tree root) in
 * out; "" is the root.  Errors: PATH (absolute, "..", .morph, .git).
 */
const struct morph_error *morph_repo_path(struct morph_buf *out,
    const struct morph_repo *, const char *arg);

/*
 * Removes the work-tree file at the repository path and the directories it
 * leaves empty.  A file already gone is not an error; a parent directory
 * that is a symbolic link is (MORPH_ERR_PATH), so nothing outside the work
 * tree is ever removed.
 */
const struct morph_error *morph_repo_remove_file(struct morph_repo *,
    const char *path);

/*
 * Transactions: everything between begin and commit reaches the database
 * at once or not at all.  They nest; only the outermost commits.
 * Errors from begin: LOCKED once the lock timeout has passed.
 */
const struct morph_error *morph_repo_begin(struct morph_repo *);
const struct morph_error *morph_repo_commit(struct morph_repo *);
void	morph_repo_rollback(struct morph_repo *);

/*
 * A snapshot for a command that only reads: everything read until
 * morph_repo_read_end sees the repository as it was at the first read,
 * under one shared lock, instead of taking and checking it for every
 * object.  Writers are not held up (the database is in WAL mode).  Do
 * not write inside one.
 */
const struct morph_error *morph_repo_read_begin(struct morph_repo *);
void	morph_repo_read_end(struct morph_repo *);

/*
 * Where the library tells the user why a command pauses: waiting for
 * another process's lock on the database, or for another morph run of
 * the same plan.  msg is one line without a newline, borrowed for the
 * call.  Without a hook nothing is said.
 */
typedef void (*morph_notice_fn)(const char *msg, void *arg);
void	morph_repo_set_notice(struct morph_repo *, morph_notice_fn, void *arg);
/* Says msg through the hook, if one is set. */
void	morph_repo_notice(struct morph_repo *, const char *msg);

#endif
