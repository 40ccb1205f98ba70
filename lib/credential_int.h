/*
 * Authentication to git remotes, as git users expect it (libgit2 runs no
 * credential helper and prompts for nothing itself):
 *
 *  - SSH: the agent ($SSH_AUTH_SOCK) first, then the default keys
 *    ~/.ssh/id_ed25519, id_ecdsa and id_rsa that have no passphrase; the
 *    server's host key must be in ~/.ssh/known_hosts (libgit2 checks it).
 *  - HTTP(S): git's own credential helpers, through "git credential fill",
 *    then "approve" once the server took the credential, or "reject" when
 *    it refused it; git prompts on the terminal as it would itself, and
 *    never when morph is not on one (GIT_TERMINAL_PROMPT=0).
 *
 * Invariants:
 *  1. Attempts are bounded: each SSH method once, at most
 *     MORPH_CRED_MAX_FILLS credentials from the helpers, after which the
 *     callback fails with a message naming the remote and what was tried
 *     (libgit2 would call it forever otherwise).
 *  2. A password lives only in this state and the git_credential libgit2
 *     frees; it is cleared before it is freed and never reaches the store,
 *     an error message or a log.
 */
#ifndef MORPH_CREDENTIAL_INT_H
#define MORPH_CREDENTIAL_INT_H

#include "git2_int.h"
#include "morph/buf.h"
#include "morph/error.h"

#define MORPH_CRED_MAX_FILLS	3

struct morph_cred {
	const char		*remote;	/* name in messages */
	char			*url;		/* without a password */
	int			 ssh_step;	/* next SSH method to try */
	int			 fills;		/* credentials filled so far */
	struct morph_buf	 filled;	/* the last, as git credential
						   reads it (holds a password) */
	struct morph_buf	 tried;		/* "the SSH agent, ..." */
	char			 why[512];	/* why authentication stopped */
};

/* remote names the remote in messages; url is the one connected to. */
const struct morph_error *morph_cred_init(struct morph_cred *,
    const char *remote, const char *url);
void	morph_cred_release(struct morph_cred *);

/* The callbacks to set in git_remote_callbacks, with the state as payload. */
int	morph_cred_acquire(git_credential **out, const char *url,
	    const char *username_from_url, unsigned int allowed, void *payload);
int	morph_cred_certificate(git_cert *cert, int valid, const char *host,
	    void *payload);

/*
 * After the operation: tells git's helpers whether the last credential
 * they gave worked (approve) or not (reject).
 */
void	morph_cred_done(struct morph_cred *, int worked);

/*
 * The error for an operation that failed with libgit2 code rc: what the
 * callbacks found (authentication, host key) when they stopped it, else
 * libgit2's own message; what says what was being done.
 */
const struct morph_error *morph_cred_error(struct morph_cred *, int rc,
    const char *what);

/* url without the password it may hold (user:password@host), in out. */
const struct morph_error *morph_cred_redact(struct morph_buf *out,
    const char *url);

#endif
