/*
 * morph revert: a new commit that undoes what a commit changed, as git
 * revert makes it (revert.h); --continue commits a revert stopped for
 * conflicts, --abort undoes it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

/* The revert in progress, if any: *found, and the commit it reverts. */
static const struct morph_error *
revert_in_progress(int *found, struct morph_oid *rev, struct morph_repo *repo)
{
	const struct morph_error *err;
	struct morph_merge_state *ms = NULL;

	if ((err = morph_merge_state_read(&ms, found, repo)) != NULL ||
	    !*found)
		return err;
	*found = morph_merge_state_reverted(ms) != NULL;
	if (*found)
		*rev = *morph_merge_state_reverted(ms);
	morph_merge_state_free(ms);
	return NULL;
}

static const struct morph_error *
revert_continue(struct morph_cmd_ctx *ctx)
{
	struct morph_commit_opts opts = MORPH_COMMIT_OPTS_INIT;
	const struct morph_error *err;
	struct morph_oid rev;
	int found;

	if ((err = revert_in_progress(&found, &rev, ctx->repo)) != NULL)
		return err;
	if (!found)
		return morph_error_fmt(MORPH_ERR_NOT_FOUND, "there is no "
		    "revert in progress to continue");
	return morph_cmd_commit_index(ctx->repo, &opts, 0);
}

static const struct morph_error *
revert_abort(struct morph_cmd_ctx *ctx)
{
	const struct morph_error *err;
	struct morph_oid head;

	if ((err = morph_merge_abort_revert(ctx->repo)) != NULL ||
	    (err = morph_ref_resolve(&head, ctx->repo, MORPH_HEAD)) != NULL)
		return err;
	printf("Revert aborted; HEAD is at %s\n", morph_cmd_short(&head));
	return NULL;
}

static const struct morph_error *
revert_rev(struct morph_cmd_ctx *ctx, const char *revision, int mainline,
    int no_commit)
{
	struct morph_merge_opts opts = MORPH_MERGE_OPTS_INIT;
	struct morph_buf msg = MORPH_BUF_INIT;
	const struct morph_error *err;
	struct morph_merge *m = NULL;
	struct morph_oid rev, head;
	const char *p;

	if ((err = morph_revparse_type(&rev, ctx->repo, revision,
	    MORPH_OBJ_COMMIT)) != NULL ||
	    (err = morph_revert_new(&m, &msg, ctx->repo, &rev,
	    mainline)) != NULL)
		goto done;
	if (morph_merge_kind(m) == MORPH_MERGE_UP_TO_DATE) {
		printf("nothing to commit: HEAD already lacks the changes of "
		    "%s\n", morph_cmd_short(&rev));
		ctx->status = 1;
		goto done;
	}
	opts.message = msg.ptr;
	opts.no_commit = no_commit;
	if ((err = morph_merge_check(m, &opts)) != NULL ||
	    (err = morph_merge_apply(&head, m, &opts)) != NULL)
		goto done;
	if (morph_merge_kind(m) == MORPH_MERGE_CONFLICTS) {
		morph_cmd_print_conflicts(m, "the reverted commit's parent");
		/* The subject, as the message quotes it. */
		p = msg.ptr + strlen("Revert \"");
		printf("could not revert %s... %.*s\nfix the conflicts and "
		    "morph add them, then morph commit (or morph revert "
		    "--continue); or undo the revert with morph revert "
		    "--abort.\n", morph_cmd_short(&rev),
		    (int)(strstr(p, "\"\n") - p), p);
		ctx->status = 1;
	} else if (!no_commit)
		err = morph_cmd_print_committed(ctx->repo, &head);
done:
	morph_merge_free(m);
	morph_buf_release(&msg);
	return err;
}

static const struct morph_error *
cmd_revert(struct morph_cmd_ctx *ctx, int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "abort", no_argument, NULL, 'A' },
		{ "continue", no_argument, NULL, 'C' },
		{ "mainline", required_argument, NULL, 'm' },
		{ "no-commit", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	const struct morph_error *err = NULL;
	int c, abort = 0, cont = 0, mainline = 0, no_commit = 0;
	int64_t n;

	while ((c = morph_cmd_getopt(ctx, argc, argv, "m:n", longopts,
	    &err)) != -1) {
		switch (c) {
		case 'A':
			abort = 1;
			break;
		case 'C':
			cont = 1;
			break;
		case 'm':
			if ((err = morph_cmd_parse_int(ctx, "-m", optarg, 1,
			    64, &n)) != NULL)
				return err;
			mainline = (int)n;
			break;
		case 'n':
			no_commit = 1;
			break;
		default:
			return err;
		}
	}
	argc -= optind;
	argv += optind;
	if (abort + cont > 1)
		return morph_cmd_bad_usage(ctx, "--abort and --continue "
		    "exclude each other");
	if ((abort || cont) && (argc > 0 || mainline || no_commit))
		return morph_cmd_bad_usage(ctx, "--%s takes no other argument",
		    abort ? "abort" : "continue");
	if (abort)
		return revert_abort(ctx);
	if (cont)
		return revert_continue(ctx);
	if (argc != 1)
		return morph_cmd_bad_usage(ctx, argc == 0 ? "no revision to "
		    "revert given" : "unexpected argument '%s'", argv[1]);
	return revert_rev(ctx, argv[0], mainline, no_commit);
}

const struct morph_cmd morph_cmd_revert = {
	"revert",
	"revert [-n] [-m parent-number] revision\n"
	"       morph revert --continue\n"
	"       morph revert --abort",
	"make a commit that undoes another",
	MORPH_CMD_NEEDS_REPO,
	cmd_revert,
};
