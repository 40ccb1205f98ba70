/*
 * morph status: what is staged, what is modified, what is untracked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

static const char *
change_word(enum morph_change c)
{
	switch (c) {
	case MORPH_CHANGE_ADDED:
		return "added";
	case MORPH_CHANGE_DELETED:
		return "deleted";
	case MORPH_CHANGE_MODIFIED:
		return "modified";
	default:
		return NULL;
	}
}

static char
change_letter(enum morph_change c)
{
	switch (c) {
	case MORPH_CHANGE_ADDED:
		return 'A';
	case MORPH_CHANGE_DELETED:
		return 'D';
	case MORPH_CHANGE_MODIFIED:
		return 'M';
	default:
		return ' ';
	}
}

/* The unresolved conflict at path, or NULL. */
static const struct morph_merge_conflict *
unmerged(const struct morph_merge_state *ms, const char *path)
{
	const struct morph_merge_conflict *c;
	size_t i;

	for (i = 0; ms != NULL && i < morph_merge_state_nconflicts(ms); i++) {
		c = morph_merge_state_conflict(ms, i);
		if (!c->resolved && strcmp(c->path, path) == 0)
			return c;
	}
	return NULL;
}

/* How status names each kind of conflict, long and --short. */
static const struct {
	const char	*word;
	const char	*letters;
} conflict_names[] = {
	[MORPH_CONFLICT_CONTENT] = { "both modified:", "UU" },
	[MORPH_CONFLICT_ADD_ADD] = { "both added:", "AA" },
	[MORPH_CONFLICT_DELETED_BY_THEM] = { "deleted by them:", "UD" },
	[MORPH_CONFLICT_DELETED_BY_US] = { "deleted by us:", "DU" },
};

/* The merge or revert in progress: where it stands, its unmerged paths. */
static void
print_merge(const struct morph_merge_state *ms, int color)
{
	const struct morph_merge_conflict *c;
	const struct morph_oid *rev = morph_merge_state_reverted(ms);
	const char *p, *nl, *op = morph_merge_op_name(
	    morph_merge_state_op(ms));
	char what[64];
	size_t i;

	if (rev != NULL)
		snprintf(what, sizeof(what), "reverting commit %s",
		    morph_cmd_short(rev));
	else
		snprintf(what, sizeof(what), "merging '%s'",
		    morph_merge_state_label(ms));
	if (morph_merge_state_interrupted(ms) &&
	    morph_merge_state_op(ms) == MORPH_MERGE_OP_STASH) {
		printf("A stash was being applied when it was interrupted "
		    "while it wrote the work tree.\n  (use \"morph merge "
		    "--abort\" to undo it; the stash is kept)\n\n");
		return;
	}
	if (morph_merge_state_interrupted(ms)) {
		printf("A %s of '%s' was interrupted while it wrote the "
		    "work tree.\n  (use \"morph %s --abort\" to undo it)"
		    "\n\n", op, rev != NULL ? morph_cmd_short(rev) :
		    morph_merge_state_label(ms), rev != NULL ? "revert" :
		    "merge");
		return;
	}
	if (rev != NULL)
		printf("You are currently reverting commit %s.\n",
		    morph_cmd_short(rev));
	if (morph_merge_state_op(ms) == MORPH_MERGE_OP_STASH)
		/* As git: no operation in progress, unmerged paths. */
		printf("The stash applied left unmerged paths.\n  (fix them "
		    "and run \"morph add\"; \"morph merge --abort\" undoes "
		    "the application)\n");
	else if (morph_merge_state_unresolved(ms) > 0)
		printf("You have unmerged paths (%s).\n  (fix the "
		    "conflicts and run \"morph commit\")\n  (use \"morph "
		    "%s --abort\" to abort the %s)\n", what, op, op);
	else
		printf("All conflicts fixed but you are still %s.\n"
		    "  (use \"morph commit\" to conclude the %s)\n", what,
		    op);
	if (morph_merge_state_gate(ms, NULL, NULL))
		printf("  (the merge is gated: the commit runs the gate "
		    "first)\n");
	putchar('\n');
	if (morph_merge_state_unresolved(ms) == 0)
		return;
	printf("Unmerged paths:\n  (use \"morph add <path>...\" to mark "
	    "resolution)\n");
	for (i = 0; i < morph_merge_state_nconflicts(ms); i++) {
		c = morph_merge_state_conflict(ms, i);
		if (c->resolved)
			continue;
		printf("\t%s%-17s %s%s\n\t    (%s)\n",
		    morph_sgr(color, MORPH_SGR_RED),
		    conflict_names[c->kind].word, c->path,
		    morph_sgr(color, MORPH_SGR_RESET), c->why);
		for (p = c->fields; p != NULL && (nl = strchr(p, '\n')) != NULL;
		    p = nl + 1)
			printf("\t    %.*s\n", (int)(nl - p), p);
	}
	putchar('\n');
}

static void
json_merge(struct morph_jsonw *w, const struct morph_merge_state *ms)
{
	const struct morph_merge_conflict *c;
	size_t i;

	morph_jsonw_object_begin(w);
	morph_jsonw_kv_string(w, "operation", morph_merge_op_name(
	    morph_merge_state_op(ms)));
	morph_jsonw_kv_string(w, "label", morph_merge_state_label(ms));
	morph_jsonw_kv_string(w, "theirs",
	    morph_oid_tostr(morph_merge_state_theirs(ms)));
	morph_jsonw_kv_bool(w, "interrupted",
	    morph_merge_state_interrupted(ms));
	morph_jsonw_kv_bool(w, "gated", morph_merge_state_gate(ms, NULL,
	    NULL));
	morph_jsonw_kv_int(w, "unresolved",
	    (int64_t)morph_merge_state_unresolved(ms));
	morph_jsonw_key(w, "conflicts");
	morph_jsonw_array_begin(w);
	for (i = 0; i < morph_merge_state_nconflicts(ms); i++) {
		c = morph_merge_state_conflict(ms, i);
		morph_jsonw_object_begin(w);
		morph_jsonw_kv_string(w, "path", c->path);
		morph_jsonw_kv_string(w, "kind", morph_merge_conflict_kind_name(c->kind));
		morph_jsonw_kv_bool(w, "resolved", c->resolved);
		morph_jsonw_kv_string(w, "why", c->resolved ? NULL : c->why);
		morph_jsonw_kv_string(w, "fields", c->fields);
		morph_jsonw_object_end(w);
	}
	morph_jsonw_array_end(w);
	morph_jsonw_object_end(w);
}

static void
print_section(const struct morph_status *st,
    const struct morph_merge_state *ms, int which, const char *title,
    const char *hint, const char *sgr, int color)
{
	const struct morph_status_entry *e;
	const char *label;
	size_t i;
	int any = 0;

	for (i = 0; i < morph_status_count(st); i++) {
		e = morph_status_get(st, i);
		if (which == 0 && e->staged == MORPH_CHANGE_NONE)
			continue;
		if (which == 1 && e->unstaged == MORPH_CHANGE_NONE)
			continue;
		if (which == 2 && !e->untracked)
			continue;
		if (unmerged(ms, e->path) != NULL)
			continue;	/* listed as unmerged */
		if (which == 0 && e->renamed_to != NULL)
			continue;	/* listed at where it went */
		if (!any++)
			printf("%s\n  (%s)\n", title, hint);
		if (which == 0 && e->renamed_from != NULL) {
			printf("\t%srenamed:    %s -> %s%s\n",
			    morph_sgr(color, sgr), e->renamed_from, e->path,
			    morph_sgr(color, MORPH_SGR_RESET));
			continue;
		}
		if (which == 0)
			label = e->staged == MORPH_CHANGE_ADDED ? "new file:   " :
			    e->staged == MORPH_CHANGE_DELETED ? "deleted:    " :
			    "modified:   ";
		else if (which == 1)
			label = e->unstaged == MORPH_CHANGE_DELETED ?
			    "deleted:    " : "modified:   ";
		else
			label = "";
		printf("\t%s%s%s%s\n", morph_sgr(color, sgr), label,
		    e->path, morph_sgr(color, MORPH_SGR_RESET));
	}
	if (any)
		putchar('\n');
}

/* The bisect in progress, or null. */
static void
json_bisect(struct morph_jsonw *w, const struct morph_bisect *b)
{
	const char *branch;
	size_t i;

	morph_jsonw_key(w, "bisect");
	if (b == NULL) {
		morph_jsonw_null(w);
		return;
	}
	branch = morph_bisect_start_branch(b);
	morph_jsonw_object_begin(w);
	morph_jsonw_kv_string(w, "branch", branch != NULL ? branch +
	    strlen(MORPH_REFS_HEADS) : NULL);
	morph_jsonw_kv_string(w, "commit",
	    morph_oid_tostr(morph_bisect_start_commit(b)));
	morph_jsonw_kv_string(w, "bad", morph_bisect_bad(b) != NULL ?
	    morph_oid_tostr(morph_bisect_bad(b)) : NULL);
	morph_jsonw_key(w, "good");
	morph_jsonw_array_begin(w);
	for (i = 0; i < morph_bisect_ngood(b); i++)
		morph_jsonw_string(w, morph_oid_tostr(morph_bisect_good(b, i)));
	morph_jsonw_array_end(w);
	morph_jsonw_key(w, "skip");
	morph_jsonw_array_begin(w);
	for (i = 0; i < morph_bisect_nskip(b); i++)
		morph_jsonw_string(w, morph_oid_tostr(morph_bisect_skip(b, i)));
	morph_jsonw_array_end(w);
	morph_jsonw_object_end(w);
}

static const struct morph_error *
cmd_status(struct morph_cmd_ctx *ctx, int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "ignored", no_argument, NULL, 'i' },
		{ "json", no_argument, NULL, 'J' },
		{ "short", no_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	struct morph_buf branch = MORPH_BUF_INIT, *norm = NULL;
	struct morph_buf target = MORPH_BUF_INIT, finish = MORPH_BUF_INIT;
	struct morph_checkout_pending pending;
	struct morph_merge_state *ms = NULL;
	struct morph_bisect *bisect = NULL;
	const struct morph_error *err = NULL;
	const struct morph_merge_conflict *mc;
	const struct morph_status_entry *e;
	struct morph_status *st = NULL;
	struct morph_index *idx = NULL;
	struct morph_oid head;
	struct morph_jsonw w;
	const char **paths = NULL;
	char **dd;
	size_t i, npaths = 0, staged = 0, unstaged = 0, untracked = 0;
	int c, nd, json = 0, shortfmt = 0, ignored = 0, have_head, detached;
	int interrupted = 0, merging = 0;
	int color;

	memset(&pending, 0, sizeof(pending));
	morph_cmd_split_paths(&argc, argv, &dd, &nd);
	while ((c = morph_cmd_getopt(ctx, argc, argv, "s", longopts,
	    &err)) != -1) {
		switch (c) {
		case 'i':
			ignored = 1;
			break;
		case 'J':
			json = 1;
			break;
		case 's':
			shortfmt = 1;
			break;
		default:
			return err;
		}
	}
	/* Paths may come before or after "--". */
	npaths = (size_t)(argc - optind) + (size_t)(nd > 0 ? nd : 0);
	if (npaths > 0) {
		norm = calloc(npaths, sizeof(*norm));
		paths = calloc(npaths, sizeof(*paths));
		if (norm == NULL || paths == NULL) {
			err = morph_error(MORPH_ERR_NOMEM);
			goto done;
		}
		for (i = 0; i < npaths && err == NULL; i++) {
			const char *a = i < (size_t)(argc - optind) ?
			    argv[optind + (int)i] :
			    dd[i - (size_t)(argc - optind)];

			err = morph_repo_path(&norm[i], ctx->repo, a);
			paths[i] = norm[i].ptr;
		}
		if (err != NULL)
			goto done;
	}

	if ((err = morph_worktree_pending(&pending, &interrupted,
	    ctx->repo)) != NULL)
		goto done;
	if (interrupted) {
		morph_worktree_pending_target(&target, &pending);
		morph_worktree_pending_command(&finish, &pending);
		if ((err = morph_buf_status(&target)) != NULL ||
		    (err = morph_buf_status(&finish)) != NULL)
			goto done;
	}
	if ((err = morph_merge_state_read(&ms, &merging, ctx->repo)) != NULL)
		goto done;
	/* A stash whose conflicts are resolved leaves nothing in progress. */
	if (merging && morph_merge_state_op(ms) == MORPH_MERGE_OP_STASH &&
	    !morph_merge_state_interrupted(ms) &&
	    morph_merge_state_unresolved(ms) == 0)
		merging = 0;
	if ((err = morph_bisect_open(&bisect, ctx->repo)) != NULL)
		goto done;
	if ((err = morph_index_open(&idx, ctx->repo)) != NULL)
		goto done;
	if ((err = morph_status_new(&st, ctx->repo, idx, paths, npaths,
	    MORPH_STATUS_UNTRACKED | (ignored ? MORPH_STATUS_IGNORED : 0))))
		goto done;
	morph_index_write_opportunistic(idx, ctx->repo);
	have_head = morph_ref_resolve(&head, ctx->repo, MORPH_HEAD) == NULL;
	detached = morph_head_branch(&branch, ctx->repo) != NULL;
	for (i = 0; i < morph_status_count(st); i++) {
		e = morph_status_get(st, i);
		staged += e->staged != MORPH_CHANGE_NONE;
		unstaged += e->unstaged != MORPH_CHANGE_NONE;
		untracked += e->untracked && !e->ignored;
	}

	if (json) {
		morph_jsonw_init(&w, stdout);
		morph_jsonw_object_begin(&w);
		morph_jsonw_kv_string(&w, "branch", detached ? NULL :
		    branch.ptr + strlen(MORPH_REFS_HEADS));
		morph_jsonw_kv_string(&w, "head", have_head ?
		    morph_oid_tostr(&head) : NULL);
		morph_jsonw_kv_bool(&w, "detached", detached);
		morph_jsonw_kv_bool(&w, "clean", staged + unstaged == 0 &&
		    (ms == NULL || morph_merge_state_unresolved(ms) == 0));
		morph_jsonw_key(&w, "interrupted_checkout");
		if (interrupted) {
			morph_jsonw_object_begin(&w);
			morph_jsonw_kv_string(&w, "branch",
			    pending.branch.len > 0 ? pending.branch.ptr +
			    strlen(MORPH_REFS_HEADS) : NULL);
			morph_jsonw_kv_string(&w, "commit",
			    morph_oid_tostr(&pending.commit));
			morph_jsonw_kv_string(&w, "command", finish.ptr);
			morph_jsonw_object_end(&w);
		} else
			morph_jsonw_null(&w);
		morph_jsonw_key(&w, "merge");
		if (merging)
			json_merge(&w, ms);
		else
			morph_jsonw_null(&w);
		json_bisect(&w, bisect);
		morph_jsonw_key(&w, "entries");
		morph_jsonw_array_begin(&w);
		for (i = 0; i < morph_status_count(st); i++) {
			e = morph_status_get(st, i);
			morph_jsonw_object_begin(&w);
			morph_jsonw_kv_string(&w, "path", e->path);
			morph_jsonw_kv_string(&w, "staged",
			    change_word(e->staged));
			morph_jsonw_kv_string(&w, "unstaged",
			    change_word(e->unstaged));
			morph_jsonw_kv_bool(&w, "untracked", e->untracked);
			morph_jsonw_kv_bool(&w, "ignored", e->ignored);
			morph_jsonw_kv_string(&w, "renamed_from",
			    e->renamed_from);
			morph_jsonw_kv_string(&w, "renamed_to",
			    e->renamed_to);
			morph_jsonw_object_end(&w);
		}
		morph_jsonw_array_end(&w);
		morph_jsonw_object_end(&w);
		morph_jsonw_finish(&w);
		goto done;
	}
	color = morph_cmd_color();
	if (shortfmt) {
		for (i = 0; i < morph_status_count(st); i++) {
			e = morph_status_get(st, i);
			if ((mc = unmerged(ms, e->path)) != NULL) {
				printf("%s%s%s %s\n", morph_sgr(color,
				    MORPH_SGR_RED),
				    conflict_names[mc->kind].letters,
				    morph_sgr(color, MORPH_SGR_RESET),
				    e->path);
				continue;
			}
			/*
			 * A path both staged for deletion and back in the
			 * work tree untracked (rm --cached) gets both lines.
			 */
			/*
			 * A rename is one line, "R  FROM -> TO", at where
			 * the file went.
			 */
			if (e->renamed_from != NULL)
				printf("%sR%s%s%c%s %s -> %s\n",
				    morph_sgr(color, MORPH_SGR_GREEN),
				    morph_sgr(color, MORPH_SGR_RESET),
				    morph_sgr(color, MORPH_SGR_RED),
				    change_letter(e->unstaged),
				    morph_sgr(color, MORPH_SGR_RESET),
				    e->renamed_from, e->path);
			else if (e->renamed_to == NULL && (!e->untracked ||
			    e->staged != MORPH_CHANGE_NONE))
				printf("%s%c%s%s%c%s %s\n",
				    morph_sgr(color, MORPH_SGR_GREEN),
				    change_letter(e->staged),
				    morph_sgr(color, MORPH_SGR_RESET),
				    morph_sgr(color, MORPH_SGR_RED),
				    change_letter(e->unstaged),
				    morph_sgr(color, MORPH_SGR_RESET),
				    e->path);
			if (e->untracked)
				printf("%s %s\n", e->ignored ? "!!" : "??",
				    e->path);
		}
		goto done;
	}
	if (interrupted)
		printf("A %s to %s was interrupted: the work tree is "
		    "partly %s.\n  (use \"%s\" to finish it)\n\n",
		    pending.reset ? "reset" : "checkout", target.ptr,
		    pending.reset ? "reset" : "switched", finish.ptr);
	if (detached)
		printf("HEAD detached at %s\n", have_head ?
		    morph_cmd_short(&head) : "?");
	else
		printf("On branch %s\n", branch.ptr + strlen(MORPH_REFS_HEADS));
	if (bisect != NULL && morph_bisect_start_branch(bisect) != NULL)
		printf("You are currently bisecting, started from branch "
		    "'%s'.\n", morph_bisect_start_branch(bisect) +
		    strlen(MORPH_REFS_HEADS));
	else if (bisect != NULL)
		printf("You are currently bisecting, started from %s.\n",
		    morph_cmd_short(morph_bisect_start_commit(bisect)));
	if (bisect != NULL)
		printf("  (use \"morph bisect reset\" to get back to where "
		    "it started)\n");
	if (!have_head)
		printf("\nNo commits yet\n");
	putchar('\n');
	if (merging)
		print_merge(ms, color);
	print_section(st, ms, 0, "Changes to be committed:",
	    "use \"morph restore --staged <path>...\" to unstage",
	    MORPH_SGR_GREEN, color);
	print_section(st, ms, 1, "Changes not staged for commit:",
	    "use \"morph add <path>...\" to stage, \"morph restore <path>...\" "
	    "to discard", MORPH_SGR_RED, color);
	print_section(st, ms, 2, ignored ? "Untracked and ignored files:" :
	    "Untracked files:", "use \"morph add <path>...\" to track",
	    MORPH_SGR_RED, color);
	if (merging && morph_merge_state_unresolved(ms) > 0)
		printf("the %s is not finished: %zu unmerged path%s\n",
		    morph_merge_op_name(morph_merge_state_op(ms)),
		    morph_merge_state_unresolved(ms),
		    morph_merge_state_unresolved(ms) == 1 ? "" : "s");
	else if (staged == 0 && unstaged == 0)
		printf("nothing to commit%s\n", untracked ?
		    " (untracked files present)" : ", working tree clean");
	else if (staged == 0)
		printf("no changes added to commit (use \"morph add\" or "
		    "\"morph commit -a\")\n");
done:
	morph_status_free(st);
	morph_index_free(idx);
	for (i = 0; norm != NULL && i < npaths; i++)
		morph_buf_release(&norm[i]);
	free(norm);
	free(paths);
	morph_buf_release(&branch);
	morph_buf_release(&target);
	morph_buf_release(&finish);
	morph_worktree_pending_release(&pending);
	morph_merge_state_free(ms);
	morph_bisect_free(bisect);
	return err;
}

const struct morph_cmd morph_cmd_status = {
	"status",
	"status [--ignored] [--json] [--short] [path ...]",
	"show staged, modified and untracked files",
	MORPH_CMD_NEEDS_REPO,
	cmd_status,
};
