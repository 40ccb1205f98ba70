/*
 * morph merge: join another branch or commit into the current branch,
 * three ways from the merge base; --continue commits a merge stopped for
 * conflicts, --abort undoes it; --gate runs the merged suite first and
 * refuses a merge that breaks what either side passes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "morph/gate.h"

/* "Merge branch 'feature'", "Merge tag 'v1'" or "Merge commit 'abc'". */
static const struct morph_error *
default_message(struct morph_buf *out, struct morph_repo *repo,
    const char *rev)
{
	struct morph_buf ref = MORPH_BUF_INIT;
	struct morph_oid id;
	const char *what = "commit";

	if (morph_ref_shortname_valid(rev)) {
		morph_buf_printf(&ref, "%s%s", MORPH_REFS_HEADS, rev);
		if (morph_buf_status(&ref) == NULL &&
		    morph_ref_resolve(&id, repo, ref.ptr) == NULL)
			what = "branch";
		else {
			morph_buf_clear(&ref);
			morph_buf_printf(&ref, "%s%s", MORPH_REFS_TAGS, rev);
			if (morph_buf_status(&ref) == NULL &&
			    morph_ref_resolve(&id, repo, ref.ptr) == NULL)
				what = "tag";
		}
	}
	morph_buf_release(&ref);
	morph_buf_printf(out, "Merge %s '%s'\n", what, rev);
	return morph_buf_status(out);
}

/* git's words for each kind of conflict. */
static const char *const kind_words[] = {
	[MORPH_CONFLICT_CONTENT] = "content",
	[MORPH_CONFLICT_ADD_ADD] = "add/add",
	[MORPH_CONFLICT_DELETED_BY_THEM] = "modify/delete",
	[MORPH_CONFLICT_DELETED_BY_US] = "delete/modify",
};

void
morph_cmd_print_conflicts(const struct morph_merge *m, const char *label)
{
	const struct morph_merge_conflict *c;
	const char *p, *nl;
	size_t i;

	for (i = 0; i < morph_merge_nconflicts(m); i++) {
		c = morph_merge_conflict(m, i);
		printf("CONFLICT (%s): ", kind_words[c->kind]);
		if (c->kind == MORPH_CONFLICT_DELETED_BY_THEM)
			printf("%s deleted in %s and modified in HEAD; HEAD's "
			    "version is left in the work tree\n", c->path,
			    label);
		else if (c->kind == MORPH_CONFLICT_DELETED_BY_US)
			printf("%s deleted in HEAD and modified in %s; its "
			    "version is left in the work tree\n", c->path,
			    label);
		else if (c->binary)
			printf("cannot merge binary file %s; HEAD's version "
			    "is left in the work tree\n", c->path);
		else
			printf("Merge conflict in %s\n", c->path);
		for (p = c->fields; p != NULL && *p != '\0'; p = nl + 1) {
			if ((nl = strchr(p, '\n')) == NULL)
				break;
			printf("  %s: %.*s\n", c->path, (int)(nl - p), p);
		}
	}
}

/* --continue: commit the merge in progress, gating it first if asked. */
static const struct morph_error *
merge_continue(struct morph_cmd_ctx *ctx, const struct morph_cmd_gate_opts *go,
    const char *message)
{
	struct morph_commit_opts opts = MORPH_COMMIT_OPTS_INIT;
	const struct morph_error *err;
	struct morph_merge_state *ms = NULL;
	enum morph_merge_op op;
	int merging;

	/* A revert in progress is finished by morph revert --continue. */
	if ((err = morph_merge_state_read(&ms, &merging, ctx->repo)) != NULL)
		return err;
	op = merging ? morph_merge_state_op(ms) : MORPH_MERGE_OP_MERGE;
	morph_merge_state_free(ms);
	if (op == MORPH_MERGE_OP_REVERT)
		return morph_error_fmt(MORPH_ERR_NOT_FOUND, "there is no merge "
		    "in progress to continue (a revert is: morph revert "
		    "--continue)");
	if (op == MORPH_MERGE_OP_STASH)
		return morph_error_fmt(MORPH_ERR_NOT_FOUND, "there is no merge "
		    "in progress to continue (the stash applied left unmerged "
		    "paths: fix them and morph add them)");
	if ((err = morph_cmd_gate_before_commit(ctx, go, &merging,
	    &opts.gate_passed)) != NULL)
		return err;
	if (!merging)
		return morph_error_fmt(MORPH_ERR_NOT_FOUND, "there is no merge "
		    "in progress to continue");
	if (ctx->status != 0)
		return NULL;	/* the gate refused it */
	opts.message = message;
	return morph_cmd_commit_index(ctx->repo, &opts, 0);
}

static const struct morph_error *
merge_abort(struct morph_cmd_ctx *ctx)
{
	const struct morph_error *err;
	struct morph_merge_state *ms = NULL;
	struct morph_oid head;
	struct morph_buf label = MORPH_BUF_INIT;
	int merging;

	if ((err = morph_merge_state_read(&ms, &merging, ctx->repo)) != NULL)
		return err;
	if (merging)
		morph_buf_puts(&label, morph_merge_state_label(ms));
	morph_merge_state_free(ms);
	if ((err = morph_buf_status(&label)) == NULL &&
	    (err = morph_merge_abort(ctx->repo)) == NULL &&
	    (err = morph_ref_resolve(&head, ctx->repo, MORPH_HEAD)) == NULL)
		printf("Merge of '%s' aborted; HEAD is at %s\n", label.ptr,
		    morph_cmd_short(&head));
	morph_buf_release(&label);
	return err;
}

/* Whether merges into the current branch are gated by configuration. */
static const struct morph_error *
gate_default(int *on, struct morph_repo *repo)
{
	struct morph_buf branch = MORPH_BUF_INIT;
	const struct morph_error *err;

	err = morph_gate_configured(on, repo, morph_head_branch(&branch,
	    repo) == NULL ? branch.ptr + strlen(MORPH_REFS_HEADS) : NULL);
	morph_buf_release(&branch);
	return err;
}

static const struct morph_error *
merge_rev(struct morph_cmd_ctx *ctx, const char *rev,
    struct morph_merge_opts *opts, const struct morph_cmd_gate_opts *go)
{
	struct morph_buf msg = MORPH_BUF_INIT;
	const struct morph_error *err;
	struct morph_merge *m = NULL;
	struct morph_oid theirs, head;
	int passed;

	if ((err = morph_revparse_type(&theirs, ctx->repo, rev,
	    MORPH_OBJ_COMMIT)) != NULL ||
	    (err = morph_merge_new(&m, ctx->repo, &theirs, rev)) != NULL)
		goto done;
	if (morph_merge_kind(m) == MORPH_MERGE_UP_TO_DATE) {
		printf("Already up to date.\n");
		goto done;
	}
	if (opts->message == NULL) {
		if ((err = default_message(&msg, ctx->repo, rev)) != NULL)
			goto done;
		opts->message = msg.ptr;
	}
	/* Refusals that cost nothing come before the gate spends. */
	if ((err = morph_merge_check(m, opts)) != NULL)
		goto done;
	if (opts->gate && morph_merge_kind(m) != MORPH_MERGE_CONFLICTS) {
		if ((err = morph_cmd_gate(ctx, morph_merge_ours(m), &theirs,
		    morph_merge_tree(m), rev, go, &passed)) != NULL)
			goto done;
		if (!passed) {
			ctx->status = 1;
			fflush(stdout);
			fprintf(stderr, "morph: the merge of '%s' was not "
			    "made: nothing is committed, and the work tree "
			    "and the index are as they were\n", rev);
			goto done;
		}
	}
	if ((err = morph_merge_apply(&head, m, opts)) != NULL)
		goto done;
	switch (morph_merge_kind(m)) {
	case MORPH_MERGE_FAST_FORWARD:
		if (!opts->no_ff) {
			printf("Updating %s..%s\nFast-forward\n",
			    morph_cmd_short(morph_merge_ours(m)),
			    morph_cmd_short(&theirs));
			break;
		}
		/* FALLTHROUGH */
	case MORPH_MERGE_CLEAN:
		printf("Merge made: ");
		err = morph_cmd_print_committed(ctx->repo, &head);
		break;
	default:
		morph_cmd_print_conflicts(m, rev);
		printf("Automatic merge failed; fix the conflicts and morph "
		    "add them, then morph commit\n(or morph merge "
		    "--continue); or undo the merge with morph merge "
		    "--abort.\n");
		if (opts->gate)
			printf("The gate runs when the merge is committed.\n");
		ctx->status = 1;
		break;
	}
done:
	morph_merge_free(m);
	morph_buf_release(&msg);
	return err;
}

static const struct morph_error *
merge_main(struct morph_cmd_ctx *ctx, int argc, char *argv[],
    struct morph_buf *msg)
{
	static const struct option longopts[] = {
		{ "abort", no_argument, NULL, 'A' },
		{ "allow-exec", no_argument, NULL, 'X' },
		{ "continue", no_argument, NULL, 'C' },
		{ "ff-only", no_argument, NULL, 'F' },
		{ "gate", no_argument, NULL, 'g' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "message", required_argument, NULL, 'm' },
		{ "no-ff", no_argument, NULL, 'N' },
		{ "no-gate", no_argument, NULL, 'G' },
		{ "repeat", required_argument, NULL, 'r' },
		{ "significance", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	struct morph_merge_opts opts = MORPH_MERGE_OPTS_INIT;
	struct morph_cmd_gate_opts go = { 1, 0, 0, 0 };
	const struct morph_error *err = NULL;
	int c, abort = 0, cont = 0, gate = -1, sig = 0;
	int64_t n;

	while ((c = morph_cmd_getopt(ctx, argc, argv, "j:m:", longopts,
	    &err)) != -1) {
		switch (c) {
		case 'A':
			abort = 1;
			break;
		case 'C':
			cont = 1;
			break;
		case 'X':
			go.allow_exec = 1;
			break;
		case 'F':
			opts.ff_only = 1;
			break;
		case 'N':
			opts.no_ff = 1;
			break;
		case 'g':
			gate = 1;
			break;
		case 'G':
			gate = 0;
			break;
		case 'j':
			if ((err = morph_cmd_parse_int(ctx, "-j", optarg, 1,
			    1000, &n)) != NULL)
				return err;
			go.jobs = (int)n;
			break;
		case 'm':
			/* One line or more, ending as commit's do. */
			morph_buf_clear(msg);
			morph_buf_puts(msg, optarg);
			if (msg->len == 0 || msg->ptr[msg->len - 1] != '\n')
				morph_buf_putc(msg, '\n');
			if ((err = morph_buf_status(msg)) != NULL)
				return err;
			opts.message = msg->ptr;
			break;
		case 'r':
			if ((err = morph_cmd_parse_int(ctx, "--repeat", optarg,
			    1, 10000, &n)) != NULL)
				return err;
			go.repeat = (int)n;
			break;
		case 's':
			if ((err = morph_cmd_parse_real(ctx, "--significance",
			    optarg, 0, 1, MORPH_NUM_OPEN_LO |
			    MORPH_NUM_OPEN_HI, &go.significance)) != NULL)
				return err;
			sig = 1;
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
	if ((abort || cont) && argc > 0)
		return morph_cmd_bad_usage(ctx, "unexpected argument '%s'",
		    argv[0]);
	if (abort)
		return merge_abort(ctx);
	if ((err = morph_cmd_exec_allowed(&go.allow_exec, ctx->repo,
	    go.allow_exec)) != NULL)
		return err;
	if (cont)
		return merge_continue(ctx, &go, opts.message);
	if (argc != 1)
		return morph_cmd_bad_usage(ctx, argc == 0 ? "no revision to "
		    "merge given" : "unexpected argument '%s'", argv[1]);
	if (opts.ff_only && opts.no_ff)
		return morph_cmd_bad_usage(ctx, "--ff-only and --no-ff exclude "
		    "each other");
	if (gate < 0 && (err = gate_default(&gate, ctx->repo)) != NULL)
		return err;
	if (!gate && (go.repeat > 1 || sig))
		return morph_cmd_bad_usage(ctx, "--repeat and --significance "
		    "set the gate's samples: give --gate too");
	if (sig && go.repeat < 2)
		return morph_cmd_bad_usage(ctx, "--significance tests repeated "
		    "samples: give --repeat N (N > 1) too");
	if (go.repeat > 1 && !sig)
		go.significance = 0.05;
	opts.gate = gate;
	opts.repeat = go.repeat;
	opts.significance = go.significance;
	return merge_rev(ctx, argv[0], &opts, &go);
}

static const struct morph_error *
cmd_merge(struct morph_cmd_ctx *ctx, int argc, char *argv[])
{
	struct morph_buf msg = MORPH_BUF_INIT;
	const struct morph_error *err;

	err = merge_main(ctx, argc, argv, &msg);
	morph_buf_release(&msg);
	return err;
}

const struct morph_cmd morph_cmd_merge = {
	"merge",
	"merge [--ff-only | --no-ff] [--gate | --no-gate] [--allow-exec] "
	    "[-j jobs] [--repeat count] [--significance alpha] [-m message] "
	    "revision\n"
	"       morph merge --continue [-m message]\n"
	"       morph merge --abort",
	"join another branch into the current one",
	MORPH_CMD_NEEDS_REPO,
	cmd_merge,
};
