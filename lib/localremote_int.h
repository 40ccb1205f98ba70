/*
 * Fetching from and pushing to a git repository on this machine without
 * libgit2's local transport (see localremote.c for why): the same
 * references move as through morph_remote_git_fetch and
 * morph_remote_git_push, with the same guarantees.
 */
#ifndef MORPH_LOCALREMOTE_INT_H
#define MORPH_LOCALREMOTE_INT_H

#include <stddef.h>

#include "git2_int.h"
#include "morph/buf.h"
#include "morph/error.h"
#include "remote_int.h"

/*
 * Whether url names a repository on this machine (a directory, or a
 * file:// URL); out gets its path.
 */
int	morph_localremote_path(struct morph_buf *out, const char *url);

/*
 * Fetches refspecs (forced globs, as from refs/morph/ to
 * refs/remotes/REMOTE/) from the repository at path into git, pruning
 * what the remote no longer has: the remote's pack files and loose
 * objects that git lacks are linked or copied.  *fallback is set, and nothing done, when the remote's objects
 * cannot be taken that way (alternates; a repack meanwhile): the caller
 * then uses libgit2's transport.  Errors: GIT naming the remote.
 */
const struct morph_error *morph_localremote_fetch(int *fallback,
    git_repository *git, const char *remote, const char *path,
    const char *const *refspecs, size_t n);

/*
 * Pushes refspecs ("refs/a/x:refs/a/x", never forced) from git to the
 * repository at path: one pack of what the remote lacks, then each
 * reference moved from the value it had when the push began (compare and
 * swap); cb hears each reference, with a reason when it did not move.
 * The pack is linked into git's files as well.  *moved is set, and
 * nothing sent, when a remote reference is not an ancestor of ours.
 * Errors: GIT naming the remote.
 */
const struct morph_error *morph_localremote_push(int *moved,
    git_repository *git, const char *remote, const char *path,
    const char *const *refspecs, size_t n, morph_remote_push_cb cb,
    void *arg);

#endif
