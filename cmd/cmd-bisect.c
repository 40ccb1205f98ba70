/*
 * morph bisect: find the commit that broke a case by binary search over
 * history, marking commits by hand (start, good, bad, skip) or letting
 * morph run the case on each commit it tests (run).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "morph/bisect.h"

static const char *const mark_words[] = { "good", "bad", "skip" };

/* "[id] subject" of a commit, or its id alone if it cannot be read. */
static void
print_line(struct morph_repo *repo, const struct morph_oid *id)
{
	struct morph_commit *c;

	if (morph_commit_read(&c, repo, id) != NULL) {
		printf("[%s]\n", morph_oid_tostr(id));
		return;
	}
	printf("[%s] %s\n", morph_oid_tostr(id),
	    morph_cmd_summary(morph_commit_message(c)));
	morph_commit_free(c);
}

/* The paths a case reads, at the first bad commit or its parent. */
struct paths {
	char	**v;
	size_t	  n;
};

static const struct morph_error *
add_path(const char *path, void *arg)
{
	struct paths *p = arg;
	char **nv, *s;

	if ((s = strdup(path)) == NULL ||
	    (nv = realloc(p->v, (p->n + 1) * sizeof(*nv))) == NULL) {
		free(s);
		return morph_error(MORPH_ERR_NOMEM);
	}
	p->v = nv;
	p->v[p->n++] = s;
	return NULL;
}

/*
 * The files a commit changed against its first parent, at or under paths
 * (npaths 0: all).
 */
static const struct morph_error *
changes_of(struct morph_cmd_changes *out, struct morph_repo *repo,
    const struct morph_commit *c, char *const *paths, size_t npaths)
{
	const struct morph_error *err = NULL;
	struct morph_entrylist old, new;

	morph_entrylist_init(&old);
	morph_entrylist_init(&new);
	if (morph_commit_parent_count(c) > 0)
		err = morph_cmd_snapshot(&old, repo, morph_commit_parent(c, 0),
		    (const char *const *)paths, npaths);
	if (err == NULL)
		err = morph_cmd_snapshot(&new, repo, morph_commit_tree(c),
		    (const char *const *)paths, npaths);
	if (err == NULL)
		err = morph_cmd_changes_collect(out, &old, &new);
	morph_entrylist_release(&old);
	morph_entrylist_release(&new);
	return err;
}

/*
 * The first bad commit as morph show prints it, its patch limited to the
 * files that decide case_id (all with case_id NULL): the prompt diff that
 * broke it.
 */
static const struct morph_error *
show_first_bad(struct morph_repo *repo, const struct morph_oid *id,
    const char *case_id)
{
	struct morph_cmd_diff_opts opts = { MORPH_CMD_DIFF_PATCH, 3, 0, 0 };
	struct morph_cmd_changes some, all;
	const struct morph_error *err;
	struct morph_cmd_decos *d = NULL;
	struct morph_commit *c = NULL;
	struct paths p = { NULL, 0 };
	size_t i;

	morph_cmd_changes_init(&some, repo, 0);
	morph_cmd_changes_init(&all, repo, 0);
	if ((err = morph_commit_read(&c, repo, id)) != NULL ||
	    (err = morph_cmd_decos_load(&d, repo)) != NULL)
		goto done;
	if (case_id != NULL) {
		if ((err = morph_bisect_case_files(repo, id, case_id, add_path,
		    &p)) != NULL ||
		    (morph_commit_parent_count(c) > 0 &&
		    (err = morph_bisect_case_files(repo,
		    morph_commit_parent(c, 0), case_id, add_path,
		    &p)) != NULL))
			goto done;
		if ((err = changes_of(&all, repo, c, NULL, 0)) != NULL)
			goto done;
	}
	if ((p.n > 0 || case_id == NULL) &&
	    (err = changes_of(&some, repo, c, p.v, p.n)) != NULL)
		goto done;
	opts.color = morph_cmd_color();
	printf("%s is the first bad commit\n", morph_oid_tostr(id));
	morph_cmd_print_commit(c, d, 0, opts.color);
	if (some.n > 0) {
		putchar('\n');
		if ((err = morph_cmd_changes_print(&some, &opts)) != NULL)
			goto done;
	}
	if (case_id != NULL && all.n > some.n)
		printf("\n%zu other file%s changed that case '%s' does not "
		    "read (morph show %s)\n", all.n - some.n,
		    all.n - some.n == 1 ? "" : "s", case_id,
		    morph_cmd_short(id));
	if (morph_commit_parent_count(c) > 1)
		printf("\nIt is a merge: the diff is against its first "
		    "parent.\n");
done:
	morph_cmd_changes_release(&some);
	morph_cmd_changes_release(&all);
	for (i = 0; i < p.n; i++)
		free(p.v[i]);
	free(p.v);
	morph_cmd_decos_free(d);
	morph_commit_free(c);
	return err;
}

/*
 * Says where the search stands after a mark, as git bisect does; the
 * ends that name no single commit are a negative answer (status 1).
 */
static const struct morph_error *
report(struct morph_cmd_ctx *ctx, const struct morph_bisect_next *n,
    const char *case_id)
{
	struct morph_bisect *b = NULL;
	const struct morph_error *err;
	size_t i;

	switch (n->state) {
	case MORPH_BISECT_NEED_BAD:
		printf("status: waiting for a bad commit\n");
		break;
	case MORPH_BISECT_NEED_GOOD:
		printf("status: waiting for good commits, the bad one "
		    "known\n");
		break;
	case MORPH_BISECT_TEST:
		printf("Bisecting: %zu commit%s left to test after this "
		    "(roughly %d step%s)\n", n->after, n->after == 1 ? "" :
		    "s", n->steps, n->steps == 1 ? "" : "s");
		print_line(ctx->repo, &n->commit);
		break;
	case MORPH_BISECT_TEST_BASE:
		printf("Bisecting: a merge base must be tested\n");
		print_line(ctx->repo, &n->commit);
		break;
	case MORPH_BISECT_FOUND:
		return show_first_bad(ctx->repo, &n->commit, case_id);
	case MORPH_BISECT_SKIPPED:
		printf("There are only skipped commits left to test.\n"
		    "The first bad commit could be any of:\n");
		for (i = 0; i < n->npossible; i++)
			print_line(ctx->repo, &n->possible[i]);
		printf("We cannot bisect more: mark some of them good or "
		    "bad to go on.\n");
		ctx->status = 1;
		break;
	case MORPH_BISECT_BASE_BAD:
		printf("The merge base %s is bad.\nThis means that what was "
		    "sought changed back between %s and the good commits:\n",
		    morph_oid_tostr(&n->commit), morph_cmd_short(&n->commit));
		if ((err = morph_bisect_open(&b, ctx->repo)) != NULL)
			return err;
		for (i = 0; b != NULL && i < morph_bisect_ngood(b); i++)
			print_line(ctx->repo, morph_bisect_good(b, i));
		morph_bisect_free(b);
		ctx->status = 1;
		break;
	}
	return NULL;
}

/* The commits that revisions name (HEAD when there are none). */
static const struct morph_error *
resolve(struct morph_oid **out, size_t *n, struct morph_repo *repo,
    int argc, char *argv[])
{
	const struct morph_error *err = NULL;
	size_t i, want = argc > 0 ? (size_t)argc : 1;

	*n = 0;
	if ((*out = calloc(want, sizeof(**out))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	for (i = 0; i < want && err == NULL; i++)
		err = morph_revparse_type(&(*out)[i], repo, argc > 0 ?
		    argv[i] : MORPH_HEAD, MORPH_OBJ_COMMIT);
	if (err == NULL)
		*n = want;
	return err;
}

/* Parses a subcommand that takes no option: argv[0] is its name. */
static const struct morph_error *
no_options(struct morph_cmd_ctx *ctx, int argc, char *argv[])
{
	static const struct option longopts[] = { { NULL, 0, NULL, 0 } };
	const struct morph_error *err = NULL;

	optind = 0;
	if (morph_cmd_getopt(ctx, argc, argv, "", longopts, &err) != -1)
		return err;
	return NULL;
}

static const struct morph_error *
bisect_start(struct morph_cmd_ctx *ctx, int argc, char *argv[])
{
	const struct morph_error *err;
	struct morph_bisect_next next;
	struct morph_oid *ids = NULL;
	size_t n = 0;

	memset(&next, 0, sizeof(next));
	if ((err = no_options(ctx, argc, argv)) != NULL)
		return err;
	argc -= optind;
	argv += optind;
	if (argc > 0 && (err = resolve(&ids, &n, ctx->repo, argc,
	    argv)) != NULL)
		goto done;
	if ((err = morph_bisect_start(&next, ctx->repo, n > 0 ? &ids[0] : NULL,
	    n > 1 ? &ids[1] : NULL, n > 1 ? n - 1 : 0)) != NULL)
		goto done;
	err = report(ctx, &next, NULL);
done:
	morph_bisect_next_release(&next);
	free(ids);
	return err;
}

static const struct morph_error *
bisect_mark(struct morph_cmd_ctx *ctx, int argc, char *argv[],
    enum morph_bisect_mark mark)
{
	const struct morph_error *err;
	struct morph_bisect_next next;
	struct morph_oid *ids = NULL;
	size_t n;

	memset(&next, 0, sizeof(next));
	if ((err = no_options(ctx, argc, argv)) != NULL)
		return err;
	argc -= optind;
	argv += optind;
	if (mark == MORPH_BISECT_BAD && argc > 1)
		return morph_cmd_bad_usage(ctx, "bisect bad: one commit is "
		    "bad, the newest known");
	if ((err = resolve(&ids, &n, ctx->repo, argc, argv)) == NULL &&
	    (err = morph_bisect_mark(&next, ctx->repo, ids, n, mark,
	    NULL)) == NULL)
		err = report(ctx, &next, NULL);
	morph_bisect_next_release(&next);
	free(ids);
	return err;
}

static const struct morph_error *
bisect_reset(struct morph_cmd_ctx *ctx, int argc, char *argv[])
{
	const struct morph_error *err;
	struct morph_buf name = MORPH_BUF_INIT, value = MORPH_BUF_INIT;
	struct morph_bisect *b = NULL;
	struct morph_oid id, *to = NULL;
	const char *branch = NULL;
	int sym;

	if ((err = no_options(ctx, argc, argv)) != NULL)
		return err;
	argc -= optind;
	argv += optind;
	if (argc > 1)
		return morph_cmd_bad_usage(ctx, "bisect reset: one revision "
		    "at most");
	err = morph_bisect_open(&b, ctx->repo);
	if (err != NULL && err->code == MORPH_ERR_CORRUPT) {
		/* Where HEAD was is lost with the record: HEAD stays. */
		fprintf(stderr, "morph: %s\n", err->msg);
		if ((err = morph_bisect_reset(ctx->repo, NULL, NULL,
		    1)) == NULL)
			printf("Removed the damaged bisect record; HEAD stays "
			    "where it is.\n");
		return err;
	}
	if (err != NULL)
		return err;
	if (argc == 1) {
		/* A branch name goes back to the branch, as checkout does. */
		morph_buf_printf(&name, "%s%s", MORPH_REFS_HEADS, argv[0]);
		if ((err = morph_buf_status(&name)) != NULL)
			goto done;
		if (morph_ref_shortname_valid(argv[0]) &&
		    morph_ref_read(&value, &sym, ctx->repo, name.ptr) == NULL)
			branch = name.ptr;
		else if ((err = morph_revparse_type(&id, ctx->repo, argv[0],
		    MORPH_OBJ_COMMIT)) != NULL)
			goto done;
		else
			to = &id;
	} else if (b != NULL) {
		branch = morph_bisect_start_branch(b);
		id = *morph_bisect_start_commit(b);
		to = branch == NULL ? &id : NULL;
	}
	if ((err = morph_bisect_reset(ctx->repo, branch, to, 0)) != NULL)
		goto done;
	if (branch != NULL)
		printf("Switched to branch '%s'\n", branch +
		    strlen(MORPH_REFS_HEADS));
	else {
		printf("HEAD is now at ");
		print_line(ctx->repo, to);
	}
done:
	morph_buf_release(&name);
	morph_buf_release(&value);
	morph_bisect_free(b);
	return err;
}

static const struct morph_error *
bisect_log(struct morph_cmd_ctx *ctx, int argc, char *argv[])
{
	const struct morph_error *err;
	struct morph_bisect *b = NULL;
	size_t i;

	if ((err = no_options(ctx, argc, argv)) != NULL)
		return err;
	if (argc > optind)
		return morph_cmd_bad_usage(ctx, "bisect log takes no "
		    "argument");
	if ((err = morph_bisect_open(&b, ctx->repo)) != NULL)
		return err;
	if (b == NULL)
		return morph_error_fmt(MORPH_ERR_NOT_FOUND, "no bisect is in "
		    "progress");
	for (i = 0; i < morph_bisect_nlog(b); i++)
		printf("%s\n", morph_bisect_log(b, i));
	morph_bisect_free(b);
	return NULL;
}

/* bisect run: what each tested commit gave, as it comes. */
struct run_report {
	struct morph_repo	*repo;
	struct morph_jsonw	*w;		/* --json, or NULL */
};

static void
tested(const struct morph_bisect_tested *t, void *arg)
{
	struct run_report *r = arg;

	if (r->w != NULL) {
		morph_jsonw_object_begin(r->w);
		morph_jsonw_kv_string(r->w, "commit",
		    morph_oid_tostr(&t->commit));
		morph_jsonw_kv_string(r->w, "mark", mark_words[t->mark]);
		morph_jsonw_kv_string(r->w, "why", t->why);
		morph_jsonw_key(r->w, "run");
		if (t->run > 0)
			morph_jsonw_int(r->w, t->run);
		else
			morph_jsonw_null(r->w);
		morph_jsonw_kv_int(r->w, "calls", (int64_t)t->calls);
		morph_jsonw_kv_int(r->w, "cached", (int64_t)t->cached);
		morph_jsonw_kv_int(r->w, "requests", (int64_t)t->requests);
		morph_jsonw_object_end(r->w);
		return;
	}
	printf("%s %-4s %s", morph_cmd_short(&t->commit), mark_words[t->mark],
	    t->why);
	if (t->run > 0)
		printf(" (run #%lld: %zu call%s, %zu from the cache)",
		    (long long)t->run, t->calls, t->calls == 1 ? "" : "s",
		    t->cached);
	putchar('\n');
	fflush(stdout);
}

static const char *
state_word(enum morph_bisect_state s)
{
	switch (s) {
	case MORPH_BISECT_NEED_BAD:
		return "need-bad";
	case MORPH_BISECT_NEED_GOOD:
		return "need-good";
	case MORPH_BISECT_TEST:
	case MORPH_BISECT_TEST_BASE:
		return "test";
	case MORPH_BISECT_FOUND:
		return "found";
	case MORPH_BISECT_SKIPPED:
		return "skipped";
	case MORPH_BISECT_BASE_BAD:
		return "merge-base-bad";
	}
	return "?";
}

static const struct morph_error *
bisect_run(struct morph_cmd_ctx *ctx, int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "allow-exec", no_argument, NULL, 'X' },
		{ "assert", required_argument, NULL, 'a' },
		{ "case", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'J' },
		{ "model", required_argument, NULL, 'm' },
		{ "offline", no_argument, NULL, 'O' },
		{ NULL, 0, NULL, 0 }
	};
	struct morph_bisect_run_opts opts = MORPH_BISECT_RUN_OPTS_INIT;
	struct morph_run_opts ropts = MORPH_RUN_OPTS_INIT;
	struct run_report rr = { ctx->repo, NULL };
	struct morph_bisect_next next;
	const struct morph_error *err = NULL;
	struct morph_jsonw w;
	size_t i;
	int c, json = 0;

	memset(&next, 0, sizeof(next));
	optind = 0;
	while ((c = morph_cmd_getopt(ctx, argc, argv, "m:", longopts,
	    &err)) != -1) {
		switch (c) {
		case 'X':
			ropts.allow_exec = 1;
			break;
		case 'a':
			opts.assert_spec = optarg;
			break;
		case 'c':
			opts.case_id = optarg;
			break;
		case 'J':
			json = 1;
			break;
		case 'm':
			if (opts.model != NULL)
				return morph_cmd_bad_usage(ctx, "bisect run: "
				    "one --model at most");
			opts.model = optarg;
			break;
		case 'O':
			ropts.offline = 1;
			break;
		default:
			return err;
		}
	}
	if (argc > optind)
		return morph_cmd_bad_usage(ctx, "bisect run takes no argument "
		    "but its options");
	if (opts.case_id == NULL)
		return morph_cmd_bad_usage(ctx, "bisect run: --case names the "
		    "case to run");
	if (opts.assert_spec != NULL &&
	    (err = morph_bisect_check_assert(opts.assert_spec)) != NULL)
		return err;
	if ((err = morph_cmd_exec_allowed(&ropts.allow_exec, ctx->repo,
	    ropts.allow_exec)) != NULL)
		return err;
	/* Marks are committed as each commit is tested: Ctrl-C loses none. */
	morph_cmd_signals_begin();
	morph_cmd_signals_sending(&ropts);
	opts.run = &ropts;
	opts.tested = tested;
	opts.arg = &rr;
	if (json) {
		morph_jsonw_init(&w, stdout);
		rr.w = &w;
		morph_jsonw_object_begin(&w);
		morph_jsonw_key(&w, "tested");
		morph_jsonw_array_begin(&w);
	}
	err = morph_bisect_run(&next, ctx->repo, &opts);
	morph_cmd_signals_end();
	if (json) {
		morph_jsonw_array_end(&w);
		morph_jsonw_kv_string(&w, "state", err != NULL ? "error" :
		    state_word(next.state));
		morph_jsonw_kv_string(&w, "first_bad", err == NULL &&
		    next.state == MORPH_BISECT_FOUND ?
		    morph_oid_tostr(&next.commit) : NULL);
		morph_jsonw_key(&w, "possible");
		morph_jsonw_array_begin(&w);
		for (i = 0; err == NULL && i < next.npossible; i++)
			morph_jsonw_string(&w, morph_oid_tostr(
			    &next.possible[i]));
		morph_jsonw_array_end(&w);
		morph_jsonw_object_end(&w);
		morph_jsonw_finish(&w);
		if (err == NULL && next.state != MORPH_BISECT_FOUND)
			ctx->status = 1;
	} else if (err == NULL) {
		if (next.state == MORPH_BISECT_NEED_BAD ||
		    next.state == MORPH_BISECT_NEED_GOOD)
			err = morph_error_fmt(MORPH_ERR_INVALID, "bisect run "
			    "needs a bad and a good commit: morph bisect "
			    "start BAD GOOD, or mark them with morph bisect "
			    "bad and morph bisect good");
		else
			err = report(ctx, &next, opts.case_id);
	}
	morph_bisect_next_release(&next);
	return err;
}

static const struct morph_error *
cmd_bisect(struct morph_cmd_ctx *ctx, int argc, char *argv[])
{
	const char *sub = argc > 1 ? argv[1] : "";

	/* The subcommand is argv[0] of its own options. */
	argc--;
	argv++;
	if (strcmp(sub, "start") == 0)
		return bisect_start(ctx, argc, argv);
	if (strcmp(sub, "good") == 0)
		return bisect_mark(ctx, argc, argv, MORPH_BISECT_GOOD);
	if (strcmp(sub, "bad") == 0)
		return bisect_mark(ctx, argc, argv, MORPH_BISECT_BAD);
	if (strcmp(sub, "skip") == 0)
		return bisect_mark(ctx, argc, argv, MORPH_BISECT_SKIP);
	if (strcmp(sub, "reset") == 0)
		return bisect_reset(ctx, argc, argv);
	if (strcmp(sub, "log") == 0)
		return bisect_log(ctx, argc, argv);
	if (strcmp(sub, "run") == 0)
		return bisect_run(ctx, argc, argv);
	if (*sub == '\0')
		return morph_cmd_bad_usage(ctx, "bisect needs a subcommand: "
		    "start, good, bad, skip, reset, log or run");
	return morph_cmd_bad_usage(ctx, "unknown subcommand '%s'", sub);
}

const struct morph_cmd morph_cmd_bisect = {
	"bisect",
	"bisect start [bad [good ...]]\n"
	"       morph bisect bad [revision]\n"
	"       morph bisect good | skip [revision ...]\n"
	"       morph bisect reset [revision]\n"
	"       morph bisect log\n"
	"       morph bisect run [--allow-exec] [--json] [--offline] "
	    "[--assert spec] [-m model] --case id",
	"find the commit that broke a case by binary search",
	MORPH_CMD_NEEDS_REPO,
	cmd_bisect,
};
