/*
 * morph reset (reset.h): --soft and --mixed here, --hard through the
 * checkout of worktree.c, which knows how to rewrite a work tree safely.
 */
#include "morph/merge.h"
#include "morph/refs.h"
#include "morph/reset.h"
#include "morph/worktree.h"
#include "mergestate_int.h"
#include "pending_int.h"
#include "repo_int.h"

/*
 * A merge, revert or stash application in progress: --soft is refused,
 * as git refuses it; --mixed and --hard end it (its record goes), as
 * git's reset forgets MERGE_HEAD.  Inside the caller's transaction.
 */
static const struct morph_error *
end_merge(struct morph_repo *repo, enum morph_reset_mode mode)
{
	const struct morph_error *err;
	struct morph_merge_state *s = NULL;
	int found;

	if ((err = morph_mergestate_read(&s, &found, repo)) != NULL ||
	    !found)
		return err;
	if (mode == MORPH_RESET_SOFT)
		err = morph_error_fmt(MORPH_ERR_CONFLICT, "cannot do a soft "
		    "reset in the middle of a %s: finish it (morph commit) or "
		    "undo it (%s)", morph_mergestate_noun(s->op),
		    morph_mergestate_abort_cmd(s->op));
	else
		err = morph_mergestate_clear(repo);
	morph_merge_state_free(s);
	return err;
}

const struct morph_error *
morph_reset(struct morph_repo *repo, const struct morph_oid *commit,
    enum morph_reset_mode mode, const char *msg)
{
	struct morph_checkout_opts opts = MORPH_CHECKOUT_OPTS_INIT;
	const struct morph_error *err;

	if (mode == MORPH_RESET_HARD) {
		/* The checkout refuses a merge in progress: end it first. */
		if ((err = morph_repo_begin(repo)) != NULL)
			return err;
		if ((err = end_merge(repo, mode)) != NULL) {
			morph_repo_rollback(repo);
			return err;
		}
		if ((err = morph_repo_commit(repo)) != NULL)
			return err;
		opts.force = 1;
		opts.reset = 1;
		opts.message = msg;
		return morph_worktree_checkout(repo, commit, &opts);
	}
	if ((err = morph_repo_begin(repo)) != NULL)
		return err;
	if ((err = morph_pending_refuse(repo, "cannot reset")) == NULL &&
	    (err = end_merge(repo, mode)) == NULL &&
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
