/*
 * morph log: show commit history.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "morph/run.h"
#include "morph/revwalk.h"

/* Whether any of paths differs between commit c and its first parent. */
static const struct morph_error *
touches(int *hit, struct morph_repo *repo, struct morph_commit *c,
    char **paths, int npaths)
{
	const struct morph_error *err = NULL;
	struct morph_commit *parent = NULL;
	struct morph_oid a, b;
	unsigned int ma, mb;
	int i, ha, hb;

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
		    r->sample > 0 ? " (sample)" : "", morph_cmd_sgr(cs->color,
		    r->pass == 0 || r->error ? SGR_RED : SGR_GREEN),
		    r->error ? "error" : r->pass < 0 ? "no assertions" :
		    r->pass ? "pass" : "FAIL", morph_cmd_sgr(cs->color,
		    SGR_RESET), r->error ? r->error : morph_buf_cstr(&ex));
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

static const struct morph_error *
cmd_log(struct morph_cmd_ctx *ctx, int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "case", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'J' },
		{ "max-count", required_argument, NULL, 'n' },
		{ "oneline", no_argument, NULL, 'O' },
		{ NULL, 0, NULL, 0 }
	};
	struct morph_buf *norm = NULL;
	const struct morph_error *err = NULL;
	struct morph_revwalk *walk = NULL;
	struct morph_commit *c = NULL;
	struct morph_jsonw w;
	struct morph_oid start;
	struct morph_cmd_decos *d = NULL;
	char **paths, **rel = NULL;
	const char *rev = MORPH_HEAD, *case_id = NULL;
	int64_t max = -1, shown = 0;
	int ch, npaths, i, json = 0, oneline = 0, hit, color;

	morph_cmd_split_paths(&argc, argv, &paths, &npaths);
	while ((ch = morph_cmd_getopt(ctx, argc, argv, "n:", longopts,
	    &err)) != -1) {
		switch (ch) {
		case 'J':
			json = 1;
			break;
		case 'n':
			if ((err = morph_cmd_parse_int(ctx, "-n", optarg, 0,
			    INT64_MAX, &max)) != NULL)
				return err;
			break;
		case 'c':
			case_id = optarg;
			break;
		case 'O':
			oneline = 1;
			break;
		default:
			return err;
		}
	}
	if (argc - optind > 1)
		return morph_cmd_bad_usage(ctx, "too many revisions");
	if (argc - optind == 1)
		rev = argv[optind];
	if (npaths < 0)
		npaths = 0;
	if (npaths > 0) {
		norm = calloc((size_t)npaths, sizeof(*norm));
		rel = calloc((size_t)npaths, sizeof(*rel));
		if (norm == NULL || rel == NULL) {
			err = morph_error(MORPH_ERR_NOMEM);
			goto done;
		}
		for (i = 0; i < npaths && err == NULL; i++) {
			err = morph_repo_path(&norm[i], ctx->repo, paths[i]);
			rel[i] = norm[i].ptr;
		}
		if (err != NULL)
			goto done;
	}

	if ((err = morph_revparse_type(&start, ctx->repo, rev,
	    MORPH_OBJ_COMMIT)) != NULL)
		goto done;
	if ((err = morph_cmd_decos_load(&d, ctx->repo)) != NULL)
		goto done;
	if ((err = morph_revwalk_new(&walk, ctx->repo)) != NULL ||
	    (err = morph_revwalk_push(walk, &start)) != NULL)
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
		hit = 1;
		if (npaths > 0 && (err = touches(&hit, ctx->repo, c, rel,
		    npaths)) != NULL)
			break;
		if (hit) {
			if (json) {
				morph_jsonw_object_begin(&w);
				morph_cmd_json_commit(&w, c, d);
				if (case_id != NULL && (err = case_history(
				    ctx->repo, c, case_id, &w, 0)) != NULL)
					break;
				morph_jsonw_object_end(&w);
			} else {
				if (shown > 0 && !oneline)
					putchar('\n');
				morph_cmd_print_commit(c, d, oneline, color);
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
	for (i = 0; norm != NULL && i < npaths; i++)
		morph_buf_release(&norm[i]);
	free(norm);
	free(rel);
	return err;
}

const struct morph_cmd morph_cmd_log = {
	"log",
	"log [--case id] [--json] [--oneline] [-n count] [revision] "
	    "[-- path ...]",
	"show commit history",
	MORPH_CMD_NEEDS_REPO | MORPH_CMD_READS,
	cmd_log,
};
