/*
 * morph log: show commit history, as git log does: from revisions and
 * ranges (A..B, A...B, ^A), limited by count, path, author and date, each
 * commit with its patch or diffstat on request.
 */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "morph/run.h"
#include "morph/revwalk.h"

/* Whether any of paths differs between commit c and its first parent. */
static const struct morph_error *
touches(int *hit, struct morph_repo *repo, struct morph_commit *c,
    const char *const *paths, size_t npaths)
{
	const struct morph_error *err = NULL;
	struct morph_commit *parent = NULL;
	struct morph_oid a, b;
	unsigned int ma, mb;
	size_t i;
	int ha, hb;

	*hit = 0;
	if (morph_commit_parent_count(c) > 0 &&
	    (err = morph_commit_read(&parent, repo,
	    morph_commit_parent(c, 0))) != NULL)
		return err;
	for (i = 0; i < npaths && !*hit; i++) {
		err = morph_tree_lookup(&a, &ma, repo, morph_commit_tree(c),
		    paths[i]);
		ha = err == NULL;
		if (err != NULL && err->code != MORPH_ERR_NOT_FOUND)
			break;
		hb = 0;
		if (parent != NULL) {
			err = morph_tree_lookup(&b, &mb, repo,
			    morph_commit_tree(parent), paths[i]);
			hb = err == NULL;
			if (err != NULL && err->code != MORPH_ERR_NOT_FOUND)
				break;
		}
		err = NULL;
		if (ha != hb || (ha && (morph_oid_cmp(&a, &b) != 0 ||
		    ma != mb)))
			*hit = 1;
	}
	morph_commit_free(parent);
	return err;
}

/*
 * --case: the results of one case in the newest run of commit c, each with
 * its verdict and output; a commit without a run says so.
 */
struct case_show {
	const char		*case_id;
	struct morph_repo	*repo;
	struct morph_jsonw	*w;
	int			 color;
	int			 found;
};

static const struct morph_error *
case_result(const struct morph_result *r, void *arg)
{
	struct case_show *cs = arg;
	struct morph_object *o = NULL;
	const struct morph_error *err;
	struct morph_buf ex = MORPH_BUF_INIT;
	const char *text = "";
	size_t len = 0, i;

	if (strcmp(r->case_id, cs->case_id) != 0)
		return NULL;
	cs->found++;
	if (r->has_output) {
		if ((err = morph_object_read(&o, cs->repo, &r->output,
		    MORPH_OBJ_BLOB)) != NULL)
			return err;
		text = morph_object_data(o);
		len = morph_object_size(o);
	}
	if (cs->w != NULL) {
		morph_jsonw_object_begin(cs->w);
		morph_jsonw_kv_string(cs->w, "prompt", r->prompt);
		morph_jsonw_kv_string(cs->w, "model", r->model);
		morph_jsonw_kv_int(cs->w, "sample", r->sample);
		morph_jsonw_kv_string(cs->w, "status", r->status);
		morph_jsonw_key(cs->w, "pass");
		if (r->pass < 0)
			morph_jsonw_null(cs->w);
		else
			morph_jsonw_bool(cs->w, r->pass);
		morph_jsonw_key(cs->w, "output");
		if (r->has_output)
			morph_jsonw_string_len(cs->w, text, len);
		else
			morph_jsonw_null(cs->w);
		morph_jsonw_kv_string(cs->w, "error", r->error);
		morph_jsonw_key(cs->w, "verdicts");
		morph_jsonw_json(cs->w, r->verdicts);
		morph_jsonw_object_end(cs->w);
	} else {
		for (i = 0; i < len && i < 200; i++)
			morph_buf_putc(&ex, text[i] == '\n' ? ' ' : text[i]);
		if (len > 200)
			morph_buf_puts(&ex, "...");
		printf("    %s  %s%s  %s%s%s\n        %s\n", r->prompt, r->model,
		    r->sample > 0 ? " (sample)" : "", morph_sgr(cs->color,
		    r->pass == 0 || r->error ? MORPH_SGR_RED : MORPH_SGR_GREEN),
		    r->error ? "error" : r->pass < 0 ? "no assertions" :
		    r->pass ? "pass" : "FAIL", morph_sgr(cs->color,
		    MORPH_SGR_RESET), r->error ? r->error :
		    morph_buf_cstr(&ex));
	}
	morph_object_free(o);
	morph_buf_release(&ex);
	return NULL;
}

static const struct morph_error *
case_history(struct morph_repo *repo, struct morph_commit *c,
    const char *case_id, struct morph_jsonw *w, int color)
{
	const struct morph_error *err;
	struct morph_run_info ri;
	struct case_show cs = { case_id, repo, w, color, 0 };

	err = morph_run_find(&ri, repo, morph_oid_tostr(morph_commit_id(c)));
	if (err != NULL && err->code != MORPH_ERR_NOT_FOUND)
		return err;
	if (w != NULL) {
		morph_jsonw_key(w, "case_run");
		if (err != NULL)
			morph_jsonw_null(w);
		else
			morph_jsonw_int(w, ri.num);
		morph_jsonw_key(w, "case_results");
		morph_jsonw_array_begin(w);
	}
	if (err == NULL) {
		if (w == NULL)
			printf("\n  case %s in run #%lld:\n", case_id,
			    (long long)ri.num);
		err = morph_run_results(repo, ri.num, case_result, &cs);
		if (err == NULL && w == NULL && cs.found == 0)
			printf("    (no result for this case)\n");
	} else {
		err = NULL;
		if (w == NULL)
			printf("\n  case %s: no run of this commit\n",
			    case_id);
	}
	if (w != NULL)
		morph_jsonw_array_end(w);
	return err;
}

/* What selects the commits shown, besides the walk. */
struct filter {
	struct morph_cmd_pathspec paths;	/* after "--" */
	regex_t		 *authors;	/* --author, any of them */
	size_t		  nauthors;
	int64_t		  since;	/* --since, or INT64_MIN */
};

static void
filter_release(struct filter *f)
{
	size_t i;

	for (i = 0; i < f->nauthors; i++)
		regfree(&f->authors[i]);
	free(f->authors);
	morph_cmd_pathspec_release(&f->paths);
}

/* --author PATTERN: a basic regular expression, as git's. */
static const struct morph_error *
add_author(struct morph_cmd_ctx *ctx, struct filter *f, const char *pattern)
{
	regex_t *nv;
	char why[256];
	int rc;

	if ((nv = realloc(f->authors, (f->nauthors + 1) *
	    sizeof(*nv))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	f->authors = nv;
	if ((rc = regcomp(&f->authors[f->nauthors], pattern,
	    REG_NOSUB)) != 0) {
		regerror(rc, &f->authors[f->nauthors], why, sizeof(why));
		return morph_cmd_bad_usage(ctx, "--author '%s': %s", pattern,
		    why);
	}
	f->nauthors++;
	return NULL;
}

/* Whether commit c passes the author, date and path filters. */
static const struct morph_error *
selected(int *hit, struct morph_repo *repo, struct morph_commit *c,
    const struct filter *f)
{
	const struct morph_signature *a = morph_commit_author(c);
	struct morph_buf who = MORPH_BUF_INIT;
	const struct morph_error *err;
	size_t i;

	*hit = a->time >= f->since;
	if (*hit && f->nauthors > 0) {
		/* git matches the "Name <email>" of the author line. */
		morph_buf_printf(&who, "%s <%s>", a->name, a->email);
		if ((err = morph_buf_status(&who)) != NULL)
			return err;
		*hit = 0;
		for (i = 0; i < f->nauthors && !*hit; i++)
			*hit = regexec(&f->authors[i], who.ptr, 0, NULL,
			    0) == 0;
		morph_buf_release(&who);
	}
	if (*hit && f->paths.n > 0)
		return touches(hit, repo, c, f->paths.v, f->paths.n);
	return NULL;
}

/*
 * -N, git's short form of -n N, becomes "-nN" so that getopt reads it in
 * its place (the last count given wins, as in git).  The values of
 * options that take one are passed over: "-n -1" is an error, not a count.
 * The new strings go in *owned, freed by the caller.
 */
static const struct morph_error *
rewrite_counts(int argc, char *argv[], const char *takes_value,
    char ***owned, int *nowned)
{
	const char *a;
	size_t n;
	int i;

	*owned = NULL;
	*nowned = 0;
	for (i = 1; i < argc; i++) {
		a = argv[i];
		if (a[0] != '-' || a[1] == '\0')
			continue;
		if (a[1] == '-') {
			/* --name VALUE: the value is the next argument. */
			n = strcspn(a + 2, "=");
			if (a[2 + n] == '\0' && strstr(takes_value, a) != NULL)
				i++;
			continue;
		}
		n = strspn(a + 1, "0123456789");
		if (n > 0 && a[1 + n] == '\0') {
			if (*owned == NULL && (*owned = calloc((size_t)argc,
			    sizeof(**owned))) == NULL)
				return morph_error(MORPH_ERR_NOMEM);
			if (((*owned)[*nowned] = malloc(n + 3)) == NULL)
				return morph_error(MORPH_ERR_NOMEM);
			snprintf((*owned)[*nowned], n + 3, "-n%s", a + 1);
			argv[i] = (*owned)[(*nowned)++];
			continue;
		}
		/* A cluster of short options: one may take the rest or the
		 * next argument as its value. */
		for (a++; *a != '\0'; a++) {
			if (strchr("n", *a) == NULL)
				continue;
			if (a[1] == '\0')
				i++;
			break;
		}
	}
	return NULL;
}

/* The walk's start and hidden commits, from revisions and ranges. */
static const struct morph_error *
add_revision(struct morph_cmd_ctx *ctx, struct morph_revwalk *walk,
    const char *arg)
{
	struct morph_cmd_range r;
	const struct morph_error *err = NULL;
	struct morph_oid a, b, *bases = NULL;
	size_t n = 0, i;
	int dots;

	if ((dots = morph_cmd_range(&r, arg)) < 0)
		return morph_error(MORPH_ERR_NOMEM);
	if (dots == 0 && arg[0] == '^') {
		if ((err = morph_revparse_type(&a, ctx->repo, arg + 1,
		    MORPH_OBJ_COMMIT)) == NULL)
			err = morph_revwalk_hide(walk, &a);
		return err;
	}
	if (dots == 0) {
		if ((err = morph_revparse_type(&a, ctx->repo, arg,
		    MORPH_OBJ_COMMIT)) == NULL)
			err = morph_revwalk_push(walk, &a);
		return err;
	}
	if ((err = morph_revparse_type(&a, ctx->repo, r.a,
	    MORPH_OBJ_COMMIT)) != NULL || (err = morph_revparse_type(&b,
	    ctx->repo, r.b, MORPH_OBJ_COMMIT)) != NULL)
		goto done;
	if (dots == 2) {
		if ((err = morph_revwalk_hide(walk, &a)) == NULL)
			err = morph_revwalk_push(walk, &b);
		goto done;
	}
	/* A...B: both sides, less what they share. */
	if ((err = morph_revwalk_merge_bases(&bases, &n, ctx->repo, &a,
	    &b)) != NULL)
		goto done;
	for (i = 0; i < n && err == NULL; i++)
		err = morph_revwalk_hide(walk, &bases[i]);
	if (err == NULL && (err = morph_revwalk_push(walk, &a)) == NULL)
		err = morph_revwalk_push(walk, &b);
done:
	free(bases);
	morph_cmd_range_release(&r);
	return err;
}

/*
 * -p and --stat: what the commit changed against its first parent, after
 * its message, as git log prints it (a merge shows none, as in git log
 * without -m).  With both, "---", the stat, a blank line and the patch.
 */
static const struct morph_error *
print_changes(struct morph_repo *repo, const struct morph_commit *c,
    const struct filter *f, int patch, int stat, int oneline, int color)
{
	struct morph_cmd_diff_opts opts = { MORPH_CMD_DIFF_PATCH, 3, 0, 0 };
	const struct morph_error *err;
	struct morph_cmd_changes changes;

	if (morph_commit_parent_count(c) > 1)
		return NULL;
	morph_cmd_changes_init(&changes, repo, 0);
	opts.color = color;
	if ((err = morph_cmd_commit_changes(&changes, c, f->paths.v,
	    f->paths.n)) != NULL || changes.n == 0)
		goto done;
	if (!oneline)
		printf(patch && stat ? "---\n" : "\n");
	if (stat) {
		opts.format = MORPH_CMD_DIFF_STAT;
		if ((err = morph_cmd_changes_print(&changes, &opts)) != NULL)
			goto done;
		if (patch)
			putchar('\n');
	}
	if (patch) {
		opts.format = MORPH_CMD_DIFF_PATCH;
		err = morph_cmd_changes_print(&changes, &opts);
	}
done:
	morph_cmd_changes_release(&changes);
	return err;
}

/* --json --stat: the commit's files, with their line counts. */
static const struct morph_error *
json_changes(struct morph_jsonw *w, struct morph_repo *repo,
    const struct morph_commit *c, const struct filter *f)
{
	const struct morph_error *err;
	struct morph_cmd_changes changes;

	morph_cmd_changes_init(&changes, repo, 0);
	if ((err = morph_cmd_commit_changes(&changes, c, f->paths.v,
	    f->paths.n)) == NULL) {
		morph_jsonw_key(w, "files");
		err = morph_cmd_changes_json(w, &changes, 1);
	}
	morph_cmd_changes_release(&changes);
	return err;
}

static const struct morph_error *
cmd_log(struct morph_cmd_ctx *ctx, int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "author", required_argument, NULL, 'a' },
		{ "case", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'J' },
		{ "max-count", required_argument, NULL, 'n' },
		{ "oneline", no_argument, NULL, 'O' },
		{ "patch", no_argument, NULL, 'p' },
		{ "since", required_argument, NULL, 's' },
		{ "stat", no_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 }
	};
	const struct morph_error *err = NULL;
	struct morph_revwalk *walk = NULL;
	struct morph_commit *c = NULL;
	struct morph_jsonw w;
	struct morph_oid start;
	struct morph_cmd_decos *d = NULL;
	struct filter f;
	char **paths, **owned = NULL;
	const char *case_id = NULL;
	int64_t max = -1, shown = 0;
	int ch, npaths, i, nowned = 0, json = 0, oneline = 0, hit, color;
	int patch = 0, stat = 0;

	memset(&f, 0, sizeof(f));
	f.since = INT64_MIN;
	morph_cmd_split_paths(&argc, argv, &paths, &npaths);
	if ((err = rewrite_counts(argc, argv, "--author --case --max-count "
	    "--since", &owned, &nowned)) != NULL)
		goto done;
	while ((ch = morph_cmd_getopt(ctx, argc, argv, "n:p", longopts,
	    &err)) != -1) {
		switch (ch) {
		case 'a':
			if ((err = add_author(ctx, &f, optarg)) != NULL)
				goto done;
			break;
		case 'J':
			json = 1;
			break;
		case 'n':
			if ((err = morph_cmd_parse_int(ctx, "-n", optarg, 0,
			    INT64_MAX, &max)) != NULL)
				goto done;
			break;
		case 'c':
			case_id = optarg;
			break;
		case 'O':
			oneline = 1;
			break;
		case 'p':
			patch = 1;
			break;
		case 's':
			if ((err = morph_date_parse(&f.since, optarg,
			    (int64_t)time(NULL))) != NULL) {
				err = morph_cmd_bad_usage(ctx, "--since: %s",
				    err->msg);
				goto done;
			}
			break;
		case 'S':
			stat = 1;
			break;
		default:
			goto done;
		}
	}
	if (json && patch) {
		err = morph_cmd_bad_usage(ctx, "--json has no patches: "
		    "--json --stat lists each commit's files");
		goto done;
	}
	if ((err = morph_cmd_pathspec_parse(&f.paths, ctx->repo, paths,
	    npaths)) != NULL)
		goto done;

	if ((err = morph_revwalk_new(&walk, ctx->repo)) != NULL)
		goto done;
	for (i = optind; i < argc && err == NULL; i++)
		err = add_revision(ctx, walk, argv[i]);
	if (err != NULL)
		goto done;
	/* No revision: HEAD; only hidden ones (^A): nothing, as in git. */
	if (optind == argc) {
		if ((err = morph_revparse_type(&start, ctx->repo, MORPH_HEAD,
		    MORPH_OBJ_COMMIT)) != NULL ||
		    (err = morph_revwalk_push(walk, &start)) != NULL)
			goto done;
	}
	if ((err = morph_cmd_decos_load(&d, ctx->repo)) != NULL)
		goto done;
	color = !json && morph_cmd_color();
	if (json) {
		morph_jsonw_init(&w, stdout);
		morph_jsonw_array_begin(&w);
	} else
		morph_cmd_pager_begin();
	while (max < 0 || shown < max) {
		if ((err = morph_revwalk_next(&c, walk)) != NULL || c == NULL)
			break;
		if ((err = selected(&hit, ctx->repo, c, &f)) != NULL)
			break;
		if (hit) {
			if (json) {
				morph_jsonw_object_begin(&w);
				morph_cmd_json_commit(&w, c, d);
				if (stat && (err = json_changes(&w, ctx->repo,
				    c, &f)) != NULL)
					break;
				if (case_id != NULL && (err = case_history(
				    ctx->repo, c, case_id, &w, 0)) != NULL)
					break;
				morph_jsonw_object_end(&w);
			} else {
				if (shown > 0 && !oneline)
					putchar('\n');
				morph_cmd_print_commit(c, d, oneline, color);
				if ((patch || stat) && (err = print_changes(
				    ctx->repo, c, &f, patch, stat, oneline,
				    color)) != NULL)
					break;
				if (case_id != NULL && (err = case_history(
				    ctx->repo, c, case_id, NULL, color)) != NULL)
					break;
			}
			shown++;
		}
		morph_commit_free(c);
		c = NULL;
	}
	if (json) {
		morph_jsonw_array_end(&w);
		morph_jsonw_finish(&w);
	}
done:
	morph_commit_free(c);
	morph_revwalk_free(walk);
	morph_cmd_decos_free(d);
	filter_release(&f);
	for (i = 0; i < nowned; i++)
		free(owned[i]);
	free(owned);
	return err;
}

const struct morph_cmd morph_cmd_log = {
	"log",
	"log [-p] [--author pattern] [--case id] [--json] [--oneline] "
	    "[--since date] [--stat] [-n count | -count] [revision ...] "
	    "[-- path ...]",
	"show commit history",
	MORPH_CMD_NEEDS_REPO | MORPH_CMD_READS,
	cmd_log,
};
