/*
 * How commands print commits and annotated tags: the header and message
 * that morph log and morph show print, the references that decorate a
 * commit, and the members of a commit or tag in --json output.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

/* A reference by the commit it names, for decorations. */
struct deco {
	struct morph_oid	 id;
	char			*label;
};

struct morph_cmd_decos {
	struct morph_repo *repo;
	struct deco	*v;
	size_t		 n;
	char		*head_branch;	/* "refs/heads/main" or NULL */
	int		 head_detached;
	struct morph_oid head;
};

static const struct morph_error *
collect_ref(const char *name, const char *value, int symbolic, void *arg)
{
	struct morph_cmd_decos *d = arg;
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
	/*
	 * An annotated tag decorates the commit it names; one that cannot be
	 * read decorates nothing (morph fsck reports it).
	 */
	if (strncmp(name, MORPH_REFS_TAGS, strlen(MORPH_REFS_TAGS)) == 0 &&
	    morph_tag_peel(&d->v[d->n].id, NULL, d->repo,
	    &d->v[d->n].id) != NULL)
		return NULL;
	if ((d->v[d->n].label = strdup(label)) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	d->n++;
	return NULL;
}

const struct morph_error *
morph_cmd_decos_load(struct morph_cmd_decos **out, struct morph_repo *repo)
{
	struct morph_buf b = MORPH_BUF_INIT;
	const struct morph_error *err;
	struct morph_cmd_decos *d;

	*out = NULL;
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	d->repo = repo;
	if (morph_head_branch(&b, repo) == NULL)
		d->head_branch = strdup(b.ptr);
	else if (morph_ref_resolve(&d->head, repo, MORPH_HEAD) == NULL)
		d->head_detached = 1;
	morph_buf_release(&b);
	if ((err = morph_ref_foreach(repo, "refs/", collect_ref, d)) != NULL) {
		morph_cmd_decos_free(d);
		return err;
	}
	*out = d;
	return NULL;
}

void
morph_cmd_decos_free(struct morph_cmd_decos *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->n; i++)
		free(d->v[i].label);
	free(d->v);
	free(d->head_branch);
	free(d);
}

static void
print_decos(const struct morph_cmd_decos *d, const struct morph_oid *id,
    int color)
{
	size_t i;
	int any = 0;

	if (d->head_detached && morph_oid_cmp(&d->head, id) == 0) {
		printf(" %s(HEAD", morph_sgr(color, MORPH_SGR_YELLOW));
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
		printf(")%s", morph_sgr(color, MORPH_SGR_RESET));
}

void
morph_cmd_print_commit(const struct morph_commit *c,
    const struct morph_cmd_decos *d, int oneline, int color)
{
	const struct morph_signature *a = morph_commit_author(c);
	const char *msg = morph_commit_message(c), *nl;
	const char *head;
	size_t i;

	if (oneline) {
		printf("%s%s%s", morph_sgr(color, MORPH_SGR_YELLOW),
		    morph_cmd_short(morph_commit_id(c)),
		    morph_sgr(color, MORPH_SGR_RESET));
		print_decos(d, morph_commit_id(c), color);
		printf(" %s\n", morph_cmd_summary(msg));
		return;
	}
	printf("%scommit %s%s", morph_sgr(color, MORPH_SGR_YELLOW),
	    morph_oid_tostr(morph_commit_id(c)),
	    morph_sgr(color, MORPH_SGR_RESET));
	print_decos(d, morph_commit_id(c), color);
	putchar('\n');
	/* A merge commit names its parents, as git log does. */
	if (morph_commit_parent_count(c) > 1) {
		printf("Merge:");
		for (i = 0; i < morph_commit_parent_count(c); i++)
			printf(" %s", morph_cmd_short(morph_commit_parent(c,
			    i)));
		putchar('\n');
	}
	printf("Author: %s <%s>\nDate:   %s\n", a->name, a->email,
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

void
morph_cmd_json_signature(struct morph_jsonw *w, const char *key,
    const struct morph_signature *a)
{
	char tz[8];

	morph_jsonw_key(w, key);
	morph_jsonw_object_begin(w);
	morph_jsonw_kv_string(w, "name", a->name);
	morph_jsonw_kv_string(w, "email", a->email);
	morph_jsonw_kv_int(w, "time", a->time);
	morph_tz_fmt(tz, a->tz);
	morph_jsonw_kv_string(w, "tz", tz);
	morph_jsonw_object_end(w);
}

void
morph_cmd_json_commit(struct morph_jsonw *w, const struct morph_commit *c,
    const struct morph_cmd_decos *d)
{
	size_t i;

	morph_jsonw_kv_string(w, "id", morph_oid_tostr(morph_commit_id(c)));
	morph_jsonw_kv_string(w, "tree",
	    morph_oid_tostr(morph_commit_tree(c)));
	morph_jsonw_key(w, "parents");
	morph_jsonw_array_begin(w);
	for (i = 0; i < morph_commit_parent_count(c); i++)
		morph_jsonw_string(w,
		    morph_oid_tostr(morph_commit_parent(c, i)));
	morph_jsonw_array_end(w);
	morph_cmd_json_signature(w, "author", morph_commit_author(c));
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
}

const struct morph_error *
morph_cmd_print_summary(struct morph_repo *repo, const struct morph_oid *id,
    const char *before)
{
	const struct morph_error *err;
	struct morph_commit *c;

	if ((err = morph_commit_read(&c, repo, id)) != NULL)
		return err;
	printf("%s%s %s\n", before, morph_cmd_short(id),
	    morph_cmd_summary(morph_commit_message(c)));
	morph_commit_free(c);
	return NULL;
}

void
morph_cmd_print_tag(const struct morph_tag *t, int color)
{
	const struct morph_signature *a = morph_tag_tagger(t);

	printf("%stag %s%s\nTagger: %s <%s>\nDate:   %s\n\n%s\n",
	    morph_sgr(color, MORPH_SGR_YELLOW), morph_tag_name(t),
	    morph_sgr(color, MORPH_SGR_RESET), a->name, a->email,
	    morph_cmd_date(a->time, a->tz), morph_tag_message(t));
}

void
morph_cmd_json_tag(struct morph_jsonw *w, const struct morph_tag *t)
{
	morph_jsonw_kv_string(w, "id", morph_oid_tostr(morph_tag_id(t)));
	morph_jsonw_kv_string(w, "name", morph_tag_name(t));
	morph_jsonw_kv_string(w, "object",
	    morph_oid_tostr(morph_tag_target(t)));
	morph_cmd_json_signature(w, "tagger", morph_tag_tagger(t));
	morph_jsonw_kv_string(w, "message", morph_tag_message(t));
}
