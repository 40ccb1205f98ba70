/*
 * morph diff: what changed between the work tree, the index and commits,
 * as git diff shows it.
 *
 *   diff                 the work tree against the index (unstaged)
 *   diff --cached [REV]  the index against HEAD or REV (staged)
 *   diff REV             the work tree against REV
 *   diff A B, diff A..B  commit (or tree) A against B
 *   diff A...B           B against its merge base with A (what B did)
 *
 * Each comparison becomes two sorted file lists, old and new; what differs
 * between them is printed by cmd/changes.c.  The output diffs of --outputs
 * are the output sections of eval's text report (morph/report.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "morph/eval.h"
#include "morph/report.h"
#include "morph/suite.h"

/*
 * Resolves a revision to a commit or tree, a tag to its commit.  A name
 * that is no revision but a file gets a hint, since paths go after "--".
 */
static const struct morph_error *
resolve(struct morph_oid *out, struct morph_repo *repo, const char *rev)
{
	const struct morph_error *err;
	enum morph_object_type type;

	if ((err = morph_revparse_peeled(out, &type, repo, rev)) != NULL) {
		if (err->code == MORPH_ERR_NOT_FOUND && access(rev, F_OK) == 0)
			return morph_error_fmt(err->code, "%s (to diff a path, "
			    "put it after '--')", err->msg);
		return err;
	}
	if (type != MORPH_OBJ_COMMIT && type != MORPH_OBJ_TREE)
		return morph_error_fmt(MORPH_ERR_INVALID, "'%s' names a %s, "
		    "not a commit or tree", rev, morph_object_type_name(type));
	return NULL;
}

/* The snapshot of rev, or of HEAD when rev is NULL (empty if unborn). */
static const struct morph_error *
rev_files(struct morph_entrylist *out, struct morph_repo *repo,
    const char *rev, const struct morph_cmd_pathspec *ps)
{
	const struct morph_error *err;
	struct morph_oid id;

	if (rev == NULL) {
		err = morph_ref_resolve(&id, repo, MORPH_HEAD);
		if (err != NULL && err->code == MORPH_ERR_NOT_FOUND)
			return NULL;	/* no commit yet: nothing */
	} else
		err = resolve(&id, repo, rev);
	if (err != NULL)
		return err;
	return morph_cmd_snapshot(out, repo, &id, ps->v, ps->n);
}

/*
 * The tracked files as they are in the work tree: the index entries,
 * less the deleted files, with the ids and modes of the modified ones
 * hashed from their contents.
 */
static const struct morph_error *
worktree_files(struct morph_entrylist *out, struct morph_repo *repo,
    struct morph_index *idx, const struct morph_cmd_pathspec *ps)
{
	const struct morph_status_entry *se;
	const struct morph_error *err;
	struct morph_status *st = NULL;
	struct morph_entrylist staged;
	const struct morph_entry *e;
	struct morph_oid id;
	unsigned int mode;
	size_t i, j = 0;
	int c;

	morph_entrylist_init(&staged);
	if ((err = morph_status_new(&st, repo, idx, ps->v, ps->n, 0)) != NULL ||
	    (err = morph_index_entries(&staged, idx, ps->v, ps->n)) != NULL)
		goto done;
	/* Both lists are sorted by path: walk them together. */
	for (i = 0; i < staged.n && err == NULL; i++) {
		e = &staged.v[i];
		se = NULL;
		while (j < morph_status_count(st)) {
			c = strcmp(morph_status_get(st, j)->path, e->path);
			if (c > 0)
				break;
			if (c == 0)
				se = morph_status_get(st, j);
			j++;
			if (c == 0)
				break;
		}
		if (se == NULL || se->unstaged == MORPH_CHANGE_NONE)
			err = morph_entrylist_add(out, e->path, &e->id,
			    e->mode);
		else if (se->unstaged == MORPH_CHANGE_MODIFIED &&
		    (err = morph_worktree_hash_file(&id, &mode, repo, e->path,
		    0)) == NULL)
			err = morph_entrylist_add(out, e->path, &id, mode);
	}
	morph_entrylist_sort(out);
	morph_index_write_opportunistic(idx, repo);
done:
	morph_status_free(st);
	morph_entrylist_release(&staged);
	return err;
}

struct settings {
	size_t	rows;
};

static const struct morph_error *
settings_row(const char *model, const char *setting, const char *old,
    const char *new, void *arg)
{
	struct settings *st = arg;

	if (st->rows++ == 0)
		printf("\nModel settings (morph.json):\n  %-24s %-18s %-22s "
		    "%s\n", "model", "setting", "old", "new");
	printf("  %-24s %-18s %-22s %s\n", model, setting, old ? old : "-",
	    new ? new : "-");
	return NULL;
}

/*
 * The table of model settings that differ between two commits.  A suite
 * that does not load gets a note, not an error: diff shows files either
 * way.
 */
static const struct morph_error *
settings_table(struct morph_repo *repo, const char *revs[2], size_t *rows)
{
	const struct morph_error *err;
	struct morph_oid a, b;
	struct settings st = { 0 };

	*rows = 0;
	if (morph_revparse_type(&a, repo, revs[0], MORPH_OBJ_COMMIT) != NULL ||
	    morph_revparse_type(&b, repo, revs[1], MORPH_OBJ_COMMIT) != NULL)
		return NULL;		/* trees: no suites to compare */
	err = morph_suite_settings_diff(repo, &a, &b, settings_row, &st);
	if (err != NULL) {
		fflush(stdout);
		fprintf(stderr, "morph: note: no settings table: %s\n",
		    err->msg);
	}
	*rows = st.rows;
	return NULL;
}

/*
 * A...B: the merge base of A and B into base, as a full id; of several,
 * the newest, with a note, as git diff takes the first.
 */
static const struct morph_error *
merge_base(char base[MORPH_OID_HEXSZ + 1], struct morph_repo *repo,
    const char *a, const char *b, const char *arg)
{
	const struct morph_error *err;
	struct morph_oid ia, ib, *v = NULL;
	size_t n;

	if ((err = morph_revparse_type(&ia, repo, a, MORPH_OBJ_COMMIT)) ||
	    (err = morph_revparse_type(&ib, repo, b, MORPH_OBJ_COMMIT)) ||
	    (err = morph_revwalk_merge_bases(&v, &n, repo, &ia, &ib)))
		return err;
	if (n == 0)
		err = morph_error_fmt(MORPH_ERR_NOT_FOUND, "'%s': no merge "
		    "base: the two share no history", arg);
	else {
		snprintf(base, MORPH_OID_HEXSZ + 1, "%s",
		    morph_oid_tostr(&v[0]));
		if (n > 1)
			fprintf(stderr, "morph: note: '%s' has %zu merge "
			    "bases; using %s\n", arg, n,
			    morph_cmd_short(&v[0]));
	}
	free(v);
	return err;
}

/*
 * --outputs: how the outputs of the newest runs of the two differ, as
 * the output sections of eval's text report.
 */
static const struct morph_error *
output_diffs(struct morph_repo *repo, const char *revs[2], int color)
{
	struct morph_eval_opts opts = MORPH_EVAL_OPTS_INIT;
	struct morph_report_opts ropts = MORPH_REPORT_OPTS_INIT;
	const struct morph_error *err;
	struct morph_eval *ev;

	if ((err = morph_eval_new(&ev, repo, revs[1], revs[0], &opts)))
		return err;
	ropts.color = color;
	err = morph_report_write(stdout, repo, ev, MORPH_REPORT_OUTPUTS,
	    &ropts);
	morph_eval_free(ev);
	return err;
}

static const struct morph_error *
cmd_diff(struct morph_cmd_ctx *ctx, int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "cached", no_argument, NULL, 'c' },
		{ "exit-code", no_argument, NULL, 'E' },
		{ "json", no_argument, NULL, 'J' },
		{ "name-only", no_argument, NULL, 'N' },
		{ "name-status", no_argument, NULL, 'M' },
		{ "outputs", no_argument, NULL, 'O' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "staged", no_argument, NULL, 'c' },
		{ "stat", no_argument, NULL, 'S' },
		{ "unified", required_argument, NULL, 'U' },
		{ "word-diff", no_argument, NULL, 'W' },
		{ NULL, 0, NULL, 0 }
	};
	struct morph_cmd_diff_opts opts = { MORPH_CMD_DIFF_PATCH, 3, 0, 0 };
	const struct morph_error *err = NULL;
	struct morph_entrylist old, new;
	struct morph_cmd_changes changes;
	struct morph_index *idx = NULL;
	struct morph_jsonw w;
	struct morph_cmd_range range;
	struct morph_cmd_pathspec ps;
	char **rest, base[MORPH_OID_HEXSZ + 1];
	const char *revs[2] = { NULL, NULL };
	size_t changed = 0;
	int ch, nrest, nrevs, cached = 0, exit_code = 0, json = 0, dots = 0;
	int formats = 0, worktree, outputs = 0;
	int64_t context;

	memset(&ps, 0, sizeof(ps));
	memset(&range, 0, sizeof(range));
	morph_entrylist_init(&old);
	morph_entrylist_init(&new);
	morph_cmd_changes_init(&changes, ctx->repo, 0);
	morph_cmd_split_paths(&argc, argv, &rest, &nrest);
	while ((ch = morph_cmd_getopt(ctx, argc, argv, "U:", longopts,
	    &err)) != -1) {
		switch (ch) {
		case 'c':
			cached = 1;
			break;
		case 'E':
			exit_code = 1;
			break;
		case 'O':
			outputs = 1;
			break;
		case 'J':
			json = 1;
			formats++;
			break;
		case 'M':
			opts.format = MORPH_CMD_DIFF_NAME_STATUS;
			formats++;
			break;
		case 'N':
			opts.format = MORPH_CMD_DIFF_NAME_ONLY;
			formats++;
			break;
		case 'q':
			exit_code = 1;
			opts.format = MORPH_CMD_DIFF_NONE;
			formats++;
			break;
		case 'S':
			opts.format = MORPH_CMD_DIFF_STAT;
			formats++;
			break;
		case 'U':
			if ((err = morph_cmd_parse_int(ctx, "-U", optarg, 0,
			    INT64_MAX, &context)) != NULL)
				return err;
			opts.context = context > 100000 ? 100000 :
			    (unsigned int)context;
			break;
		case 'W':
			opts.words = 1;
			break;
		default:
			return err;
		}
	}
	if (formats > 1)
		return morph_cmd_bad_usage(ctx, "--json, --name-only, "
		    "--name-status, --quiet and --stat exclude each other");
	nrevs = argc - optind;
	if (nrevs > 2)
		return morph_cmd_bad_usage(ctx, "too many revisions");
	if (nrevs >= 1)
		revs[0] = argv[optind];
	if (nrevs == 2)
		revs[1] = argv[optind + 1];
	/*
	 * A..B is A B, A...B the merge base of A and B against B; an empty
	 * side is HEAD.  (REV:PATH is no range.)
	 */
	if (nrevs == 1 && (dots = morph_cmd_range(&range, argv[optind])) < 0)
		return morph_error(MORPH_ERR_NOMEM);
	if (dots > 0) {
		revs[0] = range.a;
		revs[1] = range.b;
		nrevs = 2;
	}
	if (dots == 3 && (err = merge_base(base, ctx->repo, range.a,
	    range.b, argv[optind])) != NULL)
		goto done;
	if (dots == 3)
		revs[0] = base;
	if (outputs && (nrevs != 2 || json || cached)) {
		err = morph_cmd_bad_usage(ctx, "--outputs compares the runs of "
		    "two revisions, as text");
		goto done;
	}
	if (cached && nrevs == 2) {
		err = morph_cmd_bad_usage(ctx, "--cached takes at most one "
		    "revision");
		goto done;
	}
	if ((err = morph_cmd_pathspec_parse(&ps, ctx->repo, rest,
	    nrest)) != NULL)
		goto done;

	/* The two sides. */
	worktree = !cached && nrevs < 2;
	if (nrevs == 2) {
		if ((err = rev_files(&old, ctx->repo, revs[0], &ps)) != NULL ||
		    (err = rev_files(&new, ctx->repo, revs[1], &ps)) != NULL)
			goto done;
	} else {
		if ((err = morph_index_open(&idx, ctx->repo)) != NULL)
			goto done;
		if (cached || nrevs == 1)
			err = rev_files(&old, ctx->repo, revs[0], &ps);
		else
			err = morph_index_entries(&old, idx, ps.v, ps.n);
		if (err != NULL)
			goto done;
		if (worktree)
			err = worktree_files(&new, ctx->repo, idx, &ps);
		else
			err = morph_index_entries(&new, idx, ps.v, ps.n);
		if (err != NULL)
			goto done;
	}
	changes.new_in_worktree = worktree;
	if ((err = morph_cmd_changes_collect(&changes, &old, &new)) != NULL)
		goto done;

	/*
	 * The files come first; between two commits, the table of changed
	 * model settings and, with --outputs, the output diffs follow.
	 */
	if (json) {
		morph_jsonw_init(&w, stdout);
		if ((err = morph_cmd_changes_json(&w, &changes, 1)) != NULL)
			goto done;
		morph_jsonw_finish(&w);
	} else {
		opts.color = morph_cmd_color();
		if (opts.format != MORPH_CMD_DIFF_NONE)
			morph_cmd_pager_begin();
		if ((err = morph_cmd_changes_print(&changes, &opts)) != NULL)
			goto done;
		if (nrevs == 2 && (opts.format == MORPH_CMD_DIFF_PATCH ||
		    opts.format == MORPH_CMD_DIFF_STAT) &&
		    (err = settings_table(ctx->repo, revs, &changed)) != NULL)
			goto done;
		if (outputs && (err = output_diffs(ctx->repo, revs,
		    opts.color)) != NULL)
			goto done;
	}
	if (exit_code && (changes.n > 0 || changed > 0))
		ctx->status = 1;
done:
	morph_cmd_changes_release(&changes);
	morph_entrylist_release(&old);
	morph_entrylist_release(&new);
	morph_index_free(idx);
	morph_cmd_pathspec_release(&ps);
	morph_cmd_range_release(&range);
	return err;
}

const struct morph_cmd morph_cmd_diff = {
	"diff",
	"diff [--cached] [--exit-code] [--json] [--name-only] [--name-status] "
	"[--outputs] [--quiet] [--stat] [--word-diff] [-U lines] "
	"[revision [revision]] [-- path ...]",
	"show changes between the work tree, the index and commits",
	MORPH_CMD_NEEDS_REPO,
	cmd_diff,
};
