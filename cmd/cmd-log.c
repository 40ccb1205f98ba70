/*
 * morph log: show commit history.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
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

static const struct morph_error *
cmd_log(struct morph_cmd_ctx *ctx, int argc, char *argv[])
{
	static const struct option longopts[] = {
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
	const char *rev = MORPH_HEAD;
	long max = -1, shown = 0;
	int ch, npaths, i, json = 0, oneline = 0, hit, color;

	morph_cmd_split_paths(&argc, argv, &paths, &npaths);
	while ((ch = morph_cmd_getopt(ctx, argc, argv, "n:", longopts,
	    &err)) != -1) {
		switch (ch) {
		case 'J':
			json = 1;
			break;
		case 'n':
			if ((err = morph_cmd_parse_count(ctx, "-n", optarg,
			    &max)) != NULL)
				return err;
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
				morph_jsonw_object_end(&w);
			} else {
				if (shown > 0 && !oneline)
					putchar('\n');
				morph_cmd_print_commit(c, d, oneline, color);
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
	"log [--json] [--oneline] [-n count] [revision] [-- path ...]",
	"show commit history",
	MORPH_CMD_NEEDS_REPO,
	cmd_log,
};
