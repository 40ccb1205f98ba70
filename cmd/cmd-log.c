/*
 * morph log: show commit history.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "morph/revwalk.h"

/* References by the commit they name, for decorations. */
struct deco {
	struct morph_oid	 id;
	char			*label;
};

struct decos {
	struct deco	*v;
	size_t		 n;
	char		*head_branch;	/* "refs/heads/main" or NULL */
	int		 head_detached;
	struct morph_oid head;
};

static const struct morph_error *
collect_ref(const char *name, const char *value, int symbolic, void *arg)
{
	struct decos *d = arg;
	struct deco *nv;
	char label[1100];

	if (symbolic)
		return NULL;
	if (strncmp(name, MORPH_REFS_TAGS, strlen(MORPH_REFS_TAGS)) == 0)
		snprintf(label, sizeof(label), "tag: %s",
		    name + strlen(MORPH_REFS_TAGS));
	else if (strncmp(name, MORPH_REFS_HEADS,
	    strlen(MORPH_REFS_HEADS)) == 0) {
		if (d->head_branch && strcmp(name, d->head_branch) == 0)
			snprintf(label, sizeof(label), "HEAD -> %s",
			    name + strlen(MORPH_REFS_HEADS));
		else
			snprintf(label, sizeof(label), "%s",
			    name + strlen(MORPH_REFS_HEADS));
	} else
		return NULL;
	if ((nv = realloc(d->v, (d->n + 1) * sizeof(*nv))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	d->v = nv;
	if (morph_oid_fromhex(&d->v[d->n].id, value) != 0)
		return NULL;
	if ((d->v[d->n].label = strdup(label)) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	d->n++;
	return NULL;
}

static const struct morph_error *
load_decos(struct decos *d, struct morph_repo *repo)
{
	struct morph_buf b = MORPH_BUF_INIT;

	memset(d, 0, sizeof(*d));
	if (morph_head_branch(&b, repo) == NULL)
		d->head_branch = strdup(b.ptr);
	else if (morph_ref_resolve(&d->head, repo, MORPH_HEAD) == NULL)
		d->head_detached = 1;
	morph_buf_release(&b);
	return morph_ref_foreach(repo, "refs/", collect_ref, d);
}

static void
free_decos(struct decos *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		free(d->v[i].label);
	free(d->v);
	free(d->head_branch);
}

static void
print_decos(const struct decos *d, const struct morph_oid *id, int color)
{
	size_t i;
	int any = 0;

	if (d->head_detached && morph_oid_cmp(&d->head, id) == 0) {
		printf(" %s(HEAD", morph_cmd_sgr(color, SGR_YELLOW));
		any = 1;
	}
	for (i = 0; i < d->n; i++) {
		if (morph_oid_cmp(&d->v[i].id, id) != 0)
			continue;
		printf("%s%s", any ? ", " : " (", d->v[i].label);
		if (!any)
			any = 1;
	}
	if (any)
		printf(")%s", morph_cmd_sgr(color, SGR_RESET));
}

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

static void
print_json(struct morph_jsonw *w, struct morph_commit *c,
    const struct decos *d)
{
	const struct morph_signature *a = morph_commit_author(c);
	char tz[8];
	size_t i;

	morph_jsonw_object_begin(w);
	morph_jsonw_kv_string(w, "id", morph_oid_tostr(morph_commit_id(c)));
	morph_jsonw_kv_string(w, "tree",
	    morph_oid_tostr(morph_commit_tree(c)));
	morph_jsonw_key(w, "parents");
	morph_jsonw_array_begin(w);
	for (i = 0; i < morph_commit_parent_count(c); i++)
		morph_jsonw_string(w,
		    morph_oid_tostr(morph_commit_parent(c, i)));
	morph_jsonw_array_end(w);
	morph_jsonw_key(w, "author");
	morph_jsonw_object_begin(w);
	morph_jsonw_kv_string(w, "name", a->name);
	morph_jsonw_kv_string(w, "email", a->email);
	morph_jsonw_kv_int(w, "time", a->time);
	morph_tz_fmt(tz, a->tz);
	morph_jsonw_kv_string(w, "tz", tz);
	morph_jsonw_object_end(w);
	morph_jsonw_kv_string(w, "message", morph_commit_message(c));
	morph_jsonw_key(w, "git");
	if (morph_commit_git_dirty(c) < 0)
		morph_jsonw_null(w);
	else {
		morph_jsonw_object_begin(w);
		morph_jsonw_kv_string(w, "head", morph_commit_git_head(c));
		morph_jsonw_kv_bool(w, "dirty", morph_commit_git_dirty(c));
		morph_jsonw_object_end(w);
	}
	morph_jsonw_key(w, "refs");
	morph_jsonw_array_begin(w);
	for (i = 0; i < d->n; i++)
		if (morph_oid_cmp(&d->v[i].id, morph_commit_id(c)) == 0)
			morph_jsonw_string(w, d->v[i].label);
	morph_jsonw_array_end(w);
	morph_jsonw_object_end(w);
}

static void
print_text(struct morph_commit *c, const struct decos *d, int oneline,
    int color)
{
	const struct morph_signature *a = morph_commit_author(c);
	const char *msg = morph_commit_message(c), *nl;
	const char *head;

	if (oneline) {
		printf("%s%s%s", morph_cmd_sgr(color, SGR_YELLOW),
		    morph_cmd_short(morph_commit_id(c)),
		    morph_cmd_sgr(color, SGR_RESET));
		print_decos(d, morph_commit_id(c), color);
		printf(" %s\n", morph_cmd_summary(msg));
		return;
	}
	printf("%scommit %s%s", morph_cmd_sgr(color, SGR_YELLOW),
	    morph_oid_tostr(morph_commit_id(c)),
	    morph_cmd_sgr(color, SGR_RESET));
	print_decos(d, morph_commit_id(c), color);
	printf("\nAuthor: %s <%s>\nDate:   %s\n", a->name, a->email,
	    morph_cmd_date(a->time, a->tz));
	if (morph_commit_git_dirty(c) >= 0) {
		head = morph_commit_git_head(c);
		printf("Git:    %s%s\n", head ? head : "(no commit yet)",
		    morph_commit_git_dirty(c) ? " (dirty)" : "");
	}
	putchar('\n');
	while (*msg != '\0') {
		nl = strchr(msg, '\n');
		printf("    %.*s\n", (int)(nl ? nl - msg : (long)strlen(msg)),
		    msg);
		msg = nl ? nl + 1 : msg + strlen(msg);
	}
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
	struct decos d;
	char **paths, **rel = NULL;
	const char *rev = MORPH_HEAD;
	long max = -1, shown = 0;
	int ch, npaths, i, json = 0, oneline = 0, hit, color;

	memset(&d, 0, sizeof(d));
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
	if ((err = load_decos(&d, ctx->repo)) != NULL)
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
			if (json)
				print_json(&w, c, &d);
			else {
				if (shown > 0 && !oneline)
					putchar('\n');
				print_text(c, &d, oneline, color);
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
	free_decos(&d);
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
