/*
 * morph stash: put local changes aside and bring them back (stash.h):
 * push (the default), pop, apply, list, drop and show, as git stash.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

/* A stash named "stash@{N}" or "N"; none given is stash@{0}. */
static const struct morph_error *
parse_stash(struct morph_cmd_ctx *ctx, int argc, char *argv[], size_t *n)
{
	const struct morph_error *err;
	char num[32];
	const char *s;
	size_t len;
	int64_t v;

	*n = 0;
	if (argc > 1)
		return morph_cmd_bad_usage(ctx, "unexpected argument '%s'",
		    argv[1]);
	if (argc == 0)
		return NULL;
	s = argv[0];
	len = strlen(s);
	if (strncmp(s, "stash@{", 7) == 0 && len > 8 && s[len - 1] == '}' &&
	    len - 8 < sizeof(num)) {
		memcpy(num, s + 7, len - 8);
		num[len - 8] = '\0';
		s = num;
	}
	if ((err = morph_num_int(&v, "the stash", s, 0, 1000000)) != NULL)
		return morph_cmd_bad_usage(ctx, "'%s' is not a stash: give "
		    "stash@{N} or N", argv[0]);
	*n = (size_t)v;
	return NULL;
}

static const struct morph_error *
stash_push(struct morph_cmd_ctx *ctx, int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "include-untracked", no_argument, NULL, 'u' },
		{ "message", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 }
	};
	const struct morph_error *err = NULL;
	struct morph_commit *c = NULL;
	const char *message = NULL;
	struct morph_oid id;
	int ch, flags = 0, saved;

	while ((ch = morph_cmd_getopt(ctx, argc, argv, "m:u", longopts,
	    &err)) != -1) {
		switch (ch) {
		case 'm':
			message = optarg;
			break;
		case 'u':
			flags |= MORPH_STASH_UNTRACKED;
			break;
		default:
			return err;
		}
	}
	if (optind < argc)
		return morph_cmd_bad_usage(ctx, "unexpected argument '%s'",
		    argv[optind]);
	if ((err = morph_stash_push(&id, &saved, ctx->repo, message,
	    flags)) != NULL)
		return err;
	if (!saved) {
		printf("No local changes to save\n");
		return NULL;
	}
	if ((err = morph_commit_read(&c, ctx->repo, &id)) != NULL)
		return err;
	printf("Saved working directory and index state %s\n",
	    morph_cmd_summary(morph_commit_message(c)));
	morph_commit_free(c);
	return NULL;
}

/* Options of the other subcommands: -p for show, none for the rest. */
static const struct morph_error *
stash_args(struct morph_cmd_ctx *ctx, int argc, char *argv[], int *patch,
    size_t *n)
{
	static const struct option longopts[] = {
		{ "patch", no_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 }
	};
	const struct morph_error *err = NULL;
	int ch;

	while ((ch = morph_cmd_getopt(ctx, argc, argv, patch != NULL ? "p" :
	    "", patch != NULL ? longopts : longopts + 1, &err)) != -1) {
		if (ch != 'p')
			return err;
		*patch = 1;
	}
	return parse_stash(ctx, argc - optind, argv + optind, n);
}

static const struct morph_error *
stash_drop(struct morph_repo *repo, size_t n)
{
	const struct morph_error *err;
	struct morph_oid id;

	if ((err = morph_stash_drop(&id, repo, n)) == NULL)
		printf("Dropped stash@{%zu} (%s)\n", n, morph_cmd_short(&id));
	return err;
}

static const struct morph_error *
stash_apply(struct morph_cmd_ctx *ctx, size_t n, int pop)
{
	const struct morph_error *err;
	struct morph_merge *m = NULL;

	if ((err = morph_stash_apply(&m, ctx->repo, n)) != NULL)
		return err;
	if (morph_merge_kind(m) == MORPH_MERGE_UP_TO_DATE)
		printf("Already up to date: HEAD has the changes of "
		    "stash@{%zu}\n", n);
	if (morph_merge_kind(m) == MORPH_MERGE_CONFLICTS) {
		morph_cmd_print_conflicts(m, "the stash");
		printf("the conflicts are marked in the files: fix them and "
		    "morph add them (morph merge --abort undoes the "
		    "application)%s\n", pop ? "; the stash entry is kept in "
		    "case you need it again" : "");
		ctx->status = 1;
	} else if (pop)
		err = stash_drop(ctx->repo, n);
	morph_merge_free(m);
	return err;
}

static const struct morph_error *
stash_list(struct morph_repo *repo)
{
	const struct morph_error *err = NULL;
	struct morph_commit *c;
	struct morph_oid *ids;
	size_t i, n;

	if ((err = morph_stash_list(&ids, &n, repo)) != NULL)
		return err;
	for (i = 0; i < n && err == NULL; i++) {
		if ((err = morph_commit_read(&c, repo, &ids[i])) != NULL)
			break;
		printf("stash@{%zu}: %s\n", i, morph_cmd_summary(
		    morph_commit_message(c)));
		morph_commit_free(c);
	}
	free(ids);
	return err;
}

/* The changes of stash@{n} to the commit it was made on. */
static const struct morph_error *
stash_show(struct morph_cmd_ctx *ctx, size_t n, int patch)
{
	struct morph_cmd_diff_opts opts = { MORPH_CMD_DIFF_STAT, 3, 0, 0 };
	const struct morph_error *err;
	struct morph_commit *c = NULL;
	struct morph_entrylist old, new;
	struct morph_cmd_changes changes;
	struct morph_oid *ids = NULL;
	size_t count;

	morph_entrylist_init(&old);
	morph_entrylist_init(&new);
	morph_cmd_changes_init(&changes, ctx->repo, 0);
	if ((err = morph_stash_list(&ids, &count, ctx->repo)) != NULL)
		goto done;
	if (n >= count) {
		err = morph_error_fmt(MORPH_ERR_NOT_FOUND, count == 0 ?
		    "no stash entries" : "stash@{%zu} does not exist", n);
		goto done;
	}
	if ((err = morph_commit_read(&c, ctx->repo, &ids[n])) != NULL ||
	    (err = morph_cmd_snapshot(&old, ctx->repo,
	    morph_commit_parent(c, 0), NULL, 0)) != NULL ||
	    (err = morph_cmd_snapshot(&new, ctx->repo, morph_commit_tree(c),
	    NULL, 0)) != NULL ||
	    (err = morph_cmd_changes_collect(&changes, &old, &new)) != NULL)
		goto done;
	opts.format = patch ? MORPH_CMD_DIFF_PATCH : MORPH_CMD_DIFF_STAT;
	opts.color = morph_cmd_color();
	morph_cmd_pager_begin();
	err = morph_cmd_changes_print(&changes, &opts);
done:
	morph_cmd_changes_release(&changes);
	morph_entrylist_release(&old);
	morph_entrylist_release(&new);
	morph_commit_free(c);
	free(ids);
	return err;
}

static const struct morph_error *
cmd_stash(struct morph_cmd_ctx *ctx, int argc, char *argv[])
{
	const struct morph_error *err;
	const char *sub = argc > 1 ? argv[1] : "push";
	int patch = 0;
	size_t n;

	/* No subcommand, or options first: push. */
	if (argc < 2 || argv[1][0] == '-')
		return stash_push(ctx, argc, argv);
	argc--;
	argv++;
	optind = 0;
	if (strcmp(sub, "push") == 0)
		return stash_push(ctx, argc, argv);
	if (strcmp(sub, "list") == 0) {
		if (argc > 1)
			return morph_cmd_bad_usage(ctx, "unexpected argument "
			    "'%s'", argv[1]);
		return stash_list(ctx->repo);
	}
	if (strcmp(sub, "pop") != 0 && strcmp(sub, "apply") != 0 &&
	    strcmp(sub, "drop") != 0 && strcmp(sub, "show") != 0)
		return morph_cmd_bad_usage(ctx, "unknown subcommand '%s'",
		    sub);
	if ((err = stash_args(ctx, argc, argv, strcmp(sub, "show") == 0 ?
	    &patch : NULL, &n)) != NULL)
		return err;
	if (strcmp(sub, "show") == 0)
		return stash_show(ctx, n, patch);
	if (strcmp(sub, "drop") == 0)
		return stash_drop(ctx->repo, n);
	return stash_apply(ctx, n, strcmp(sub, "pop") == 0);
}

const struct morph_cmd morph_cmd_stash = {
	"stash",
	"stash [push] [-u] [-m message]\n"
	"       morph stash pop [stash]\n"
	"       morph stash apply [stash]\n"
	"       morph stash list\n"
	"       morph stash drop [stash]\n"
	"       morph stash show [-p] [stash]",
	"put local changes aside, and bring them back",
	MORPH_CMD_NEEDS_REPO,
	cmd_stash,
};
