/*
 * morph reset (reset.h): --soft and --mixed here, --hard through the
 * checkout of worktree.c, which knows how to rewrite a work tree safely.
 */
#include "morph/refs.h"
#include "morph/reset.h"
#include "morph/worktree.h"
#include "pending_int.h"
#include "repo_int.h"

const struct morph_error *
morph_reset(struct morph_repo *repo, const struct morph_oid *commit,
    enum morph_reset_mode mode, const char *msg)
{
	struct morph_checkout_opts opts = MORPH_CHECKOUT_OPTS_INIT;
	const struct morph_error *err;

	if (mode == MORPH_RESET_HARD) {
		opts.force = 1;
		opts.reset = 1;
		opts.message = msg;
		return morph_worktree_checkout(repo, commit, &opts);
	}
	if ((err = morph_repo_begin(repo)) != NULL)
		return err;
	if ((err = morph_pending_refuse(repo, "cannot reset")) == NULL &&
	    (err = morph_head_update_log(repo, commit, NULL, msg)) == NULL &&
	    mode == MORPH_RESET_MIXED)
		err = morph_worktree_restore(repo, commit, NULL, 0,
		    MORPH_RESTORE_STAGED);
	if (err != NULL) {
		morph_repo_rollback(repo);
		return err;
	}
	return morph_repo_commit(repo);
}
