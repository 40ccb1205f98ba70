/*
 * morph branch: list (with -v, each with its commit, as git branch -v),
 * create, delete and rename branches.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

struct branch {
	char			*name;	/* short name */
	struct morph_oid	 id;
};

struct branches {
	struct branch	*v;
	size_t		 n;
	size_t		 cap;
};

static const struct morph_error *
collect(const char *name, const char *value, int symbolic, void *arg)
{
	struct branches *l = arg;
	struct branch *nv;
	size_t cap;

	if (symbolic)
		return NULL;	/* not something morph makes */
	if (l->n == l->cap) {
		cap = l->cap ? l->cap * 2 : 16;
		if ((nv = realloc(l->v, cap * sizeof(*nv))) == NULL)
			return morph_error(MORPH_ERR_NOMEM);
		l->v = nv;
		l->cap = cap;
	}
	if (morph_oid_fromhex(&l->v[l->n].id, value) != 0)
		return morph_error_fmt(MORPH_ERR_CORRUPT, "reference '%s' "
		    "holds a bad id '%s'", name, value);
	if ((l->v[l->n].name = strdup(name + strlen(MORPH_REFS_HEADS))) ==
	    NULL)
		return morph_error(MORPH_ERR_NOMEM);
	l->n++;
	return NULL;
}

/*
 * How wide a name shows: its characters, not its bytes (UTF-8 continuation
 * bytes take no column), so that -v lines up "café" as git does.
 */
static size_t
columns(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* A name, then blanks up to width columns. */
static void
print_padded(const char *name, size_t width, int color, int is_cur)
{
	size_t n = columns(name);

	printf("%s%s%s", morph_sgr(color && is_cur, MORPH_SGR_GREEN), name,
	    morph_sgr(color && is_cur, MORPH_SGR_RESET));
	for (; n < width; n++)
		putchar(' ');
}

static const struct morph_error *
list(struct morph_cmd_ctx *ctx, int json, int verbose)
{
	struct morph_buf cur = MORPH_BUF_INIT;
	const struct morph_error *err;
	struct branches l = { NULL, 0, 0 };
	struct morph_jsonw w;
	struct morph_oid head;
	const char *curname = NULL;
	char label[64];
	size_t i, width = 0;
	int detached, color, is_cur;

	err = morph_head_branch(&cur, ctx->repo);
	detached = err != NULL && err->code == MORPH_ERR_NOT_FOUND &&
	    morph_ref_resolve(&head, ctx->repo, MORPH_HEAD) == NULL;
	if (err == NULL)
		curname = cur.ptr + strlen(MORPH_REFS_HEADS);
	if ((err = morph_ref_foreach(ctx->repo, MORPH_REFS_HEADS, collect,
	    &l)) != NULL)
		goto done;
	if (json) {
		morph_jsonw_init(&w, stdout);
		morph_jsonw_array_begin(&w);
		if (detached) {
			morph_jsonw_object_begin(&w);
			morph_jsonw_kv_string(&w, "name", NULL);
			morph_jsonw_kv_string(&w, "id", morph_oid_tostr(&head));
			morph_jsonw_kv_bool(&w, "current", 1);
			morph_jsonw_object_end(&w);
		}
		for (i = 0; i < l.n; i++) {
			morph_jsonw_object_begin(&w);
			morph_jsonw_kv_string(&w, "name", l.v[i].name);
			morph_jsonw_kv_string(&w, "id",
			    morph_oid_tostr(&l.v[i].id));
			morph_jsonw_kv_bool(&w, "current", curname != NULL &&
			    strcmp(curname, l.v[i].name) == 0);
			morph_jsonw_object_end(&w);
		}
		morph_jsonw_array_end(&w);
		morph_jsonw_finish(&w);
		goto done;
	}
	color = morph_cmd_color();
	/* With -v the names are padded to the longest, as git pads them. */
	snprintf(label, sizeof(label), "(HEAD detached at %s)",
	    detached ? morph_cmd_short(&head) : "");
	if (verbose && detached)
		width = strlen(label);
	for (i = 0; verbose && i < l.n; i++)
		if (columns(l.v[i].name) > width)
			width = columns(l.v[i].name);
	if (detached) {
		printf("* ");
		print_padded(label, width, color, 1);
		if (!verbose)
			putchar('\n');
		else if ((err = morph_cmd_print_summary(ctx->repo, &head,
		    " ")) != NULL)
			goto done;
	}
	for (i = 0; i < l.n; i++) {
		is_cur = curname != NULL && strcmp(curname, l.v[i].name) == 0;
		printf("%c ", is_cur ? '*' : ' ');
		print_padded(l.v[i].name, width, color, is_cur);
		if (!verbose)
			putchar('\n');
		else if ((err = morph_cmd_print_summary(ctx->repo,
		    &l.v[i].id, " ")) != NULL)
			goto done;
	}
done:
	for (i = 0; i < l.n; i++)
		free(l.v[i].name);
	free(l.v);
	morph_buf_release(&cur);
	return err;
}

/* refs/heads/NAME in ref, after checking NAME. */
static const struct morph_error *
branch_ref(struct morph_buf *ref, const char *name)
{
	if (!morph_ref_shortname_valid(name))
		return morph_error_fmt(MORPH_ERR_INVALID, "'%s' is not a "
		    "valid branch name", name);
	morph_buf_clear(ref);
	morph_buf_printf(ref, "%s%s", MORPH_REFS_HEADS, name);
	return morph_buf_status(ref);
}

static const struct morph_error *
create(struct morph_cmd_ctx *ctx, const char *name, const char *start)
{
	struct morph_buf ref = MORPH_BUF_INIT, msg = MORPH_BUF_INIT;
	const struct morph_error *err;
	struct morph_oid id, zero;

	memset(&zero, 0, sizeof(zero));
	if ((err = branch_ref(&ref, name)) != NULL)
		goto done;
	if ((err = morph_revparse_type(&id, ctx->repo, start ? start :
	    MORPH_HEAD, MORPH_OBJ_COMMIT)) != NULL)
		goto done;
	morph_buf_printf(&msg, "branch: Created from %s", start ? start :
	    MORPH_HEAD);
	if ((err = morph_buf_status(&msg)) == NULL)
		err = morph_ref_update_log(ctx->repo, ref.ptr, &id, &zero,
		    msg.ptr);
	if (err != NULL && err->code == MORPH_ERR_CONFLICT)
		err = morph_error_fmt(MORPH_ERR_EXISTS, "a branch named '%s' "
		    "already exists", name);
done:
	morph_buf_release(&ref);
	morph_buf_release(&msg);
	return err;
}

/* Whether commit target is reachable from commit from. */
static const struct morph_error *
reachable(int *yes, struct morph_repo *repo, const struct morph_oid *target,
    const struct morph_oid *from)
{
	const struct morph_error *err;
	struct morph_revwalk *walk = NULL;
	struct morph_commit *c = NULL;

	*yes = 0;
	if ((err = morph_revwalk_new(&walk, repo)) != NULL ||
	    (err = morph_revwalk_push(walk, from)) != NULL)
		goto done;
	while (!*yes && (err = morph_revwalk_next(&c, walk)) == NULL &&
	    c != NULL) {
		*yes = morph_oid_cmp(morph_commit_id(c), target) == 0;
		morph_commit_free(c);
	}
done:
	morph_revwalk_free(walk);
	return err;
}

static const struct morph_error *
delete(struct morph_cmd_ctx *ctx, const char *name, int force)
{
	struct morph_buf ref = MORPH_BUF_INIT, cur = MORPH_BUF_INIT;
	const struct morph_error *err;
	struct morph_oid id, head;
	int yes = 0;

	if ((err = branch_ref(&ref, name)) != NULL)
		goto out;
	if ((err = morph_repo_begin(ctx->repo)) != NULL)
		goto out;
	if ((err = morph_ref_resolve(&id, ctx->repo, ref.ptr)) != NULL) {
		if (err->code == MORPH_ERR_NOT_FOUND)
			err = morph_error_fmt(MORPH_ERR_NOT_FOUND, "branch "
			    "'%s' not found", name);
		goto done;
	}
	if (morph_head_branch(&cur, ctx->repo) == NULL &&
	    strcmp(cur.ptr, ref.ptr) == 0) {
		err = morph_error_fmt(MORPH_ERR_INVALID, "cannot delete "
		    "branch '%s': it is the current branch", name);
		goto done;
	}
	if (!force) {
		if (morph_ref_resolve(&head, ctx->repo, MORPH_HEAD) == NULL &&
		    (err = reachable(&yes, ctx->repo, &id, &head)) != NULL)
			goto done;
		if (!yes) {
			err = morph_error_fmt(MORPH_ERR_INVALID, "branch '%s' "
			    "is not merged into HEAD; 'morph branch -D %s' "
			    "deletes it anyway", name, name);
			goto done;
		}
	}
	if ((err = morph_ref_delete(ctx->repo, ref.ptr)) == NULL)
		printf("Deleted branch %s (was %s).\n", name,
		    morph_cmd_short(&id));
done:
	if (err == NULL)
		err = morph_repo_commit(ctx->repo);
	else
		morph_repo_rollback(ctx->repo);
out:
	morph_buf_release(&ref);
	morph_buf_release(&cur);
	return err;
}

static const struct morph_error *
rename_branch(struct morph_cmd_ctx *ctx, const char *old, const char *new)
{
	struct morph_buf oref = MORPH_BUF_INIT, nref = MORPH_BUF_INIT;
	struct morph_buf cur = MORPH_BUF_INIT, val = MORPH_BUF_INIT;
	struct morph_buf msg = MORPH_BUF_INIT;
	const struct morph_error *err;
	struct morph_oid id, zero;
	int current, symbolic, exists;

	memset(&zero, 0, sizeof(zero));
	if ((err = branch_ref(&oref, old)) != NULL ||
	    (err = branch_ref(&nref, new)) != NULL)
		goto out;
	if ((err = morph_repo_begin(ctx->repo)) != NULL)
		goto out;
	current = morph_head_branch(&cur, ctx->repo) == NULL &&
	    strcmp(cur.ptr, oref.ptr) == 0;
	err = morph_ref_resolve(&id, ctx->repo, oref.ptr);
	exists = err == NULL;
	if (err != NULL && (err->code != MORPH_ERR_NOT_FOUND || !current)) {
		if (err->code == MORPH_ERR_NOT_FOUND)
			err = morph_error_fmt(MORPH_ERR_NOT_FOUND, "branch "
			    "'%s' not found", old);
		goto done;
	}
	err = NULL;	/* the current branch may be unborn */
	if (strcmp(oref.ptr, nref.ptr) == 0)
		goto done;
	if (morph_ref_read(&val, &symbolic, ctx->repo, nref.ptr) == NULL) {
		err = morph_error_fmt(MORPH_ERR_EXISTS, "a branch named '%s' "
		    "already exists", new);
		goto done;
	}
	/* The log goes with the branch, as git's does. */
	morph_buf_printf(&msg, "Branch: renamed %s to %s", oref.ptr, nref.ptr);
	if ((err = morph_buf_status(&msg)) != NULL)
		goto done;
	if (exists && ((err = morph_reflog_rename(ctx->repo, oref.ptr,
	    nref.ptr)) != NULL ||
	    (err = morph_ref_delete(ctx->repo, oref.ptr)) != NULL ||
	    (err = morph_ref_update_log(ctx->repo, nref.ptr, &id, &zero,
	    msg.ptr)) != NULL))
		goto done;
	if (current)
		err = morph_ref_set_symbolic_log(ctx->repo, MORPH_HEAD,
		    nref.ptr, msg.ptr);
done:
	if (err == NULL)
		err = morph_repo_commit(ctx->repo);
	else
		morph_repo_rollback(ctx->repo);
out:
	morph_buf_release(&oref);
	morph_buf_release(&nref);
	morph_buf_release(&cur);
	morph_buf_release(&val);
	morph_buf_release(&msg);
	return err;
}

static const struct morph_error *
cmd_branch(struct morph_cmd_ctx *ctx, int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "delete", no_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'J' },
		{ "move", no_argument, NULL, 'm' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 }
	};
	const struct morph_error *err = NULL;
	int c, json = 0, del = 0, force = 0, move = 0, verbose = 0;

	while ((c = morph_cmd_getopt(ctx, argc, argv, "dDmv", longopts,
	    &err)) != -1) {
		switch (c) {
		case 'v':
			verbose = 1;
			break;
		case 'd':
			del = 1;
			break;
		case 'D':
			del = force = 1;
			break;
		case 'J':
			json = 1;
			break;
		case 'm':
			move = 1;
			break;
		default:
			return err;
		}
	}
	argc -= optind;
	argv += optind;
	if (del + move + json + verbose > 1)
		return morph_cmd_bad_usage(ctx, "-d, -m, -v and --json cannot "
		    "be combined");
	if (del) {
		if (argc != 1)
			return morph_cmd_bad_usage(ctx, "-d needs one branch "
			    "name");
		return delete(ctx, argv[0], force);
	}
	if (move) {
		if (argc != 2)
			return morph_cmd_bad_usage(ctx, "-m needs the old and "
			    "the new name");
		return rename_branch(ctx, argv[0], argv[1]);
	}
	if (argc == 0)
		return list(ctx, json, verbose);
	if (json || verbose)
		return morph_cmd_bad_usage(ctx, "%s lists; it takes no name",
		    json ? "--json" : "-v");
	if (argc > 2)
		return morph_cmd_bad_usage(ctx, "unexpected argument '%s'",
		    argv[2]);
	return create(ctx, argv[0], argc == 2 ? argv[1] : NULL);
}

const struct morph_cmd morph_cmd_branch = {
	"branch",
	"branch [--json | -v]\n"
	"       morph branch name [start]\n"
	"       morph branch -d | -D name\n"
	"       morph branch -m old new",
	"list, create, delete or rename branches",
	MORPH_CMD_NEEDS_REPO,
	cmd_branch,
};
