/*
 * morph checkout: switch to a branch or a commit, updating the work tree
 * and the index; with -b, create the branch first.  With paths after
 * "--", as git checkout does, restore those files from the index, or from
 * a revision into the index and the work tree.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

/*
 * checkout [REV] -- PATH...: from the index, the work-tree files of paths,
 * as morph restore does; from REV, every file of REV at or under paths,
 * into the index and the work tree.  Files under a path that REV lacks are
 * left alone (git's overlay: unlike restore --source, nothing is removed),
 * and a path that matches no file of REV is an error before anything
 * changes.
 */
static const struct morph_error *
checkout_paths(struct morph_cmd_ctx *ctx, const char *rev, char **args,
    int nargs)
{
	const struct morph_error *err = NULL;
	struct morph_cmd_pathspec ps;
	struct morph_entrylist files;
	enum morph_object_type type;
	struct morph_oid id;
	const char **v = NULL, *const *paths;
	size_t i, j, n;

	morph_entrylist_init(&files);
	if ((err = morph_cmd_pathspec_parse(&ps, ctx->repo, args,
	    nargs)) != NULL)
		goto done;
	paths = ps.v;
	n = ps.n;
	if (rev == NULL) {
		err = morph_worktree_restore(ctx->repo, NULL, paths, n,
		    MORPH_RESTORE_WORKTREE);
		goto done;
	}
	if ((err = morph_revparse_peeled(&id, &type, ctx->repo,
	    rev)) != NULL)
		goto done;
	if (type != MORPH_OBJ_COMMIT && type != MORPH_OBJ_TREE) {
		err = morph_error_fmt(MORPH_ERR_INVALID, "'%s' names a %s, "
		    "not a commit or tree", rev, morph_object_type_name(type));
		goto done;
	}
	if ((err = morph_cmd_snapshot(&files, ctx->repo, &id, paths,
	    n)) != NULL)
		goto done;
	for (i = 0; i < n; i++) {
		for (j = 0; j < files.n; j++)
			if (morph_pathspec_match(files.v[j].path, &paths[i],
			    1))
				break;
		if (j == files.n) {
			err = morph_error_fmt(MORPH_ERR_NOT_FOUND, "pathspec "
			    "'%s' did not match any file in '%s'",
			    paths[i][0] != '\0' ? paths[i] : ".", rev);
			goto done;
		}
	}
	if ((v = calloc(files.n, sizeof(*v))) == NULL) {
		err = morph_error(MORPH_ERR_NOMEM);
		goto done;
	}
	for (j = 0; j < files.n; j++)
		v[j] = files.v[j].path;
	err = morph_worktree_restore(ctx->repo, &id, v, files.n,
	    MORPH_RESTORE_STAGED | MORPH_RESTORE_WORKTREE);
done:
	morph_cmd_pathspec_release(&ps);
	free(v);
	morph_entrylist_release(&files);
	return err;
}

const struct morph_error *
morph_cmd_move_head(struct morph_cmd_ctx *ctx,
    const struct morph_cmd_move *sw)
{
	struct morph_checkout_opts opts = MORPH_CHECKOUT_OPTS_INIT;
	struct morph_buf cur = MORPH_BUF_INIT, ref = MORPH_BUF_INIT;
	struct morph_buf val = MORPH_BUF_INIT, msg = MORPH_BUF_INIT;
	struct morph_buf prev = MORPH_BUF_INIT;
	const struct morph_error *err = NULL;
	const struct morph_oid *target = NULL;
	struct morph_oid id;
	const char *newbranch = sw->newbranch, *rev = sw->rev;
	int attached, symbolic;

	opts.force = sw->force;
	attached = morph_head_branch(&cur, ctx->repo) == NULL;
	/*
	 * "-" is the branch (or commit) HEAD was on before, as @{-1}; @{-N}
	 * names a branch to go back onto, not a commit to detach at.
	 */
	if (rev != NULL && (strcmp(rev, "-") == 0 || (strncmp(rev, "@{-",
	    3) == 0 && isdigit((unsigned char)rev[3]) &&
	    strspn(rev + 3, "0123456789") + 4 == strlen(rev) &&
	    rev[strlen(rev) - 1] == '}'))) {
		if ((err = morph_reflog_previous(&prev, ctx->repo,
		    rev[0] == '-' ? 1 : strtoul(rev + 3, NULL, 10))) != NULL)
			goto done;
		rev = prev.ptr;
	}

	if (newbranch != NULL) {
		if (!morph_ref_shortname_valid(newbranch)) {
			err = morph_error_fmt(MORPH_ERR_INVALID, "'%s' is not "
			    "a valid branch name", newbranch);
			goto done;
		}
		morph_buf_printf(&ref, "%s%s", MORPH_REFS_HEADS, newbranch);
		if ((err = morph_buf_status(&ref)) != NULL)
			goto done;
		if (morph_ref_read(&val, &symbolic, ctx->repo,
		    ref.ptr) == NULL) {
			err = morph_error_fmt(MORPH_ERR_EXISTS, "a branch "
			    "named '%s' already exists", newbranch);
			goto done;
		}
		err = morph_revparse_type(&id, ctx->repo, rev != NULL ? rev :
		    MORPH_HEAD, MORPH_OBJ_COMMIT);
		if (err == NULL)
			target = &id;
		else if (rev != NULL || err->code != MORPH_ERR_NOT_FOUND ||
		    morph_ref_resolve(&id, ctx->repo, MORPH_HEAD) == NULL)
			goto done;
		/* An unborn HEAD and no start: the new branch is unborn. */
		opts.branch = ref.ptr;
		opts.create = 1;
		if ((err = morph_reflog_checkout_message(&msg, ctx->repo,
		    newbranch)) != NULL)
			goto done;
		opts.message = msg.ptr;
		if ((err = morph_worktree_checkout(ctx->repo, target,
		    &opts)) != NULL || sw->quiet)
			goto done;
		printf("Switched to a new branch '%s'\n", newbranch);
		goto done;
	}

	if (rev == NULL)
		rev = MORPH_HEAD;	/* switch --detach */
	if (sw->detach)
		;	/* never a branch */
	else if (strcmp(rev, MORPH_HEAD) == 0 && attached) {
		/* Stay on the current branch (checkout -f HEAD discards). */
		if ((err = morph_buf_status(&cur)) != NULL)
			goto done;
		morph_buf_puts(&ref, cur.ptr);
	} else if (strcmp(rev, MORPH_HEAD) != 0 &&
	    morph_ref_shortname_valid(rev))
		morph_buf_printf(&ref, "%s%s", MORPH_REFS_HEADS, rev);
	if ((err = morph_buf_status(&ref)) != NULL)
		goto done;
	if (ref.len > 0 && morph_ref_resolve(&id, ctx->repo, ref.ptr) == NULL) {
		opts.branch = ref.ptr;
		if ((err = morph_reflog_checkout_message(&msg, ctx->repo,
		    ref.ptr + strlen(MORPH_REFS_HEADS))) != NULL)
			goto done;
		opts.message = msg.ptr;
		if ((err = morph_worktree_checkout(ctx->repo, &id,
		    &opts)) != NULL || sw->quiet)
			goto done;
		if (attached && strcmp(cur.ptr, ref.ptr) == 0)
			printf("Already on '%s'\n", rev);
		else
			printf("Switched to branch '%s'\n",
			    ref.ptr + strlen(MORPH_REFS_HEADS));
		goto done;
	}

	if ((err = morph_revparse_type(&id, ctx->repo, rev,
	    MORPH_OBJ_COMMIT)) != NULL)
		goto done;
	if (sw->branch_only && !sw->detach) {
		err = morph_error_fmt(MORPH_ERR_INVALID, "a branch is "
		    "expected, got '%s'; to detach HEAD at that commit, add "
		    "--detach", rev);
		goto done;
	}
	if ((err = morph_reflog_checkout_message(&msg, ctx->repo,
	    rev)) != NULL)
		goto done;
	opts.message = msg.ptr;
	if ((err = morph_worktree_checkout(ctx->repo, &id, &opts)) != NULL ||
	    sw->quiet)
		goto done;
	if (attached && !sw->detach)
		printf("Note: switching to '%s'.\n\n"
		    "You are in 'detached HEAD' state: new commits belong to "
		    "no branch, and are\nleft behind when you switch away "
		    "unless you give them one with\n\n"
		    "\tmorph checkout -b <new-branch-name>\n\n", rev);
	err = morph_cmd_print_summary(ctx->repo, &id, "HEAD is now at ");
done:
	morph_buf_release(&cur);
	morph_buf_release(&ref);
	morph_buf_release(&val);
	morph_buf_release(&msg);
	morph_buf_release(&prev);
	return err;
}

int
morph_cmd_move_options(struct morph_cmd_ctx *ctx, int argc, char *argv[],
    const char *shortopts, const struct option *longopts,
    struct morph_cmd_move *sw, const struct morph_error **err)
{
	int ch;

	while ((ch = morph_cmd_getopt(ctx, argc, argv, shortopts, longopts,
	    err)) != -1) {
		switch (ch) {
		case 'b':
		case 'c':
			sw->newbranch = optarg;
			break;
		case 'd':
			sw->detach = 1;
			break;
		case 'f':
			sw->force = 1;
			break;
		case 'q':
			sw->quiet = 1;
			break;
		default:
			return -1;
		}
	}
	return 0;
}

static const struct morph_error *
cmd_checkout(struct morph_cmd_ctx *ctx, int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 }
	};
	struct morph_cmd_move sw;
	const struct morph_error *err = NULL;
	char **paths;
	int npaths;

	memset(&sw, 0, sizeof(sw));
	morph_cmd_split_paths(&argc, argv, &paths, &npaths);
	if (morph_cmd_move_options(ctx, argc, argv, "b:fq", longopts, &sw,
	    &err) != 0)
		return err;
	argc -= optind;
	argv += optind;
	if (npaths >= 0) {
		/* checkout [REV] -- PATH...: files, HEAD stays. */
		if (sw.newbranch != NULL || sw.force)
			return morph_cmd_bad_usage(ctx, "-b and -f take no "
			    "paths");
		if (npaths == 0)
			return morph_cmd_bad_usage(ctx, "no path after '--'");
		if (argc > 1)
			return morph_cmd_bad_usage(ctx, "unexpected argument "
			    "'%s'", argv[1]);
		return checkout_paths(ctx, argc == 1 ? argv[0] : NULL, paths,
		    npaths);
	}
	if (sw.newbranch == NULL && argc != 1)
		return morph_cmd_bad_usage(ctx, argc == 0 ? "no revision given"
		    : "unexpected argument '%s'", argv[argc > 1]);
	if (sw.newbranch != NULL && argc > 1)
		return morph_cmd_bad_usage(ctx, "unexpected argument '%s'",
		    argv[1]);
	sw.rev = argc == 1 ? argv[0] : NULL;
	return morph_cmd_move_head(ctx, &sw);
}

const struct morph_cmd morph_cmd_checkout = {
	"checkout",
	"checkout [-fq] revision\n"
	"       morph checkout [-fq] -b name [start]\n"
	"       morph checkout [-q] [revision] -- path ...",
	"switch to a branch or commit",
	MORPH_CMD_NEEDS_REPO,
	cmd_checkout,
};
