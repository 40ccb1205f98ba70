/*
 * Talking to a git remote through libgit2: fetching and pushing refspecs
 * between .morph/git and a URL, with authentication (credential_int.h)
 * and push rejections read where libgit2 reports them.
 */
#ifndef MORPH_REMOTE_INT_H
#define MORPH_REMOTE_INT_H

#include <stddef.h>

#include "git2_int.h"
#include "morph/buf.h"
#include "morph/error.h"

/*
 * A URL as it is recorded: a local path becomes absolute (relative to the
 * current directory); URLs and scp-like "host:path" are kept as they are.
 */
const struct morph_error *morph_remote_normalize(struct morph_buf *out,
    const char *url);

/*
 * Fetches refspecs from url (remote names it in messages) into git,
 * pruning the local references of a glob refspec that the remote no longer
 * has.  url is rewritten as git's url.BASE.insteadOf say, or with push
 * set (a push reading where it goes) pushInsteadOf first.  Errors: GIT
 * naming the remote and saying why (authentication, an unknown host key,
 * the transport).
 */
const struct morph_error *morph_remote_git_fetch(git_repository *git,
    const char *remote, const char *url, int push,
    const char *const *refspecs, size_t n);

/*
 * Deletes the references of git named in names, each followed by a NUL
 * (those of a remote it no longer has, or whose object is missing); one
 * already gone is no error.  Errors: GIT.
 */
const struct morph_error *morph_remote_git_delete(git_repository *git,
    const struct morph_buf *names);

/*
 * The outcome of a push, reference by reference: status is NULL when the
 * remote took it, else its reason for refusing.
 */
typedef void (*morph_remote_push_cb)(const char *ref, const char *status,
    void *arg);

/*
 * Pushes refspecs (never forced) from git to url.  libgit2 reports what
 * the server refused only through a callback, where cb hears it; a
 * reference the remote moved meanwhile may instead stop the whole push
 * before anything is sent, which sets *moved (and is not an error).
 * Errors: GIT as for fetching.
 */
const struct morph_error *morph_remote_git_push(int *moved,
    git_repository *git, const char *remote, const char *url,
    const char *const *refspecs, size_t n, morph_remote_push_cb cb,
    void *arg);

#endif
