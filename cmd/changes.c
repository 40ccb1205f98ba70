/*
 * The files that differ between two snapshots, and their output as
 * patches, a --stat table, names or JSON: the part of morph diff that
 * morph show shares.  The layout of each file's patch is libmorph's
 * (textdiff.h); this file finds the contents of both sides.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"

/* The largest work-tree file diff reads, as the library's own limit. */
#define WORKTREE_FILE_MAX	((size_t)512 * 1024 * 1024)

/* git diff --stat's width when the output is not a terminal. */
#define STAT_WIDTH	80

void
morph_cmd_changes_init(struct morph_cmd_changes *c, struct morph_repo *repo,
    int new_in_worktree)
{
	memset(c, 0, sizeof(*c));
	c->repo = repo;
	c->new_in_worktree = new_in_worktree;
}

void
morph_cmd_changes_release(struct morph_cmd_changes *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		free(c->v[i].path);
	free(c->v);
	c->v = NULL;
	c->n = c->cap = 0;
}

static const struct morph_error *
add_change(const struct morph_entry *old, const struct morph_entry *new,
    void *arg)
{
	struct morph_cmd_changes *c = arg;
	struct morph_cmd_change *ch, *nv;
	size_t cap;

	if (c->n == c->cap) {
		cap = c->cap ? c->cap * 2 : 16;
		if ((nv = realloc(c->v, cap * sizeof(*nv))) == NULL)
			return morph_error(MORPH_ERR_NOMEM);
		c->v = nv;
		c->cap = cap;
	}
	ch = &c->v[c->n];
	memset(ch, 0, sizeof(*ch));
	if ((ch->path = strdup(old ? old->path : new->path)) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	if (old != NULL) {
		ch->old_id = old->id;
		ch->old_mode = old->mode;
	}
	if (new != NULL) {
		ch->new_id = new->id;
		ch->new_mode = new->mode;
	}
	c->n++;
	return NULL;
}

const struct morph_error *
morph_cmd_changes_collect(struct morph_cmd_changes *c,
    const struct morph_entrylist *old, const struct morph_entrylist *new)
{
	return morph_entrylist_diff(old, new, add_change, c);
}

const struct morph_error *
morph_cmd_snapshot(struct morph_entrylist *out, struct morph_repo *repo,
    const struct morph_oid *id, const char *const *paths, size_t npaths)
{
	const struct morph_error *err;
	struct morph_entrylist all;
	struct morph_commit *c = NULL;
	enum morph_object_type type;
	struct morph_oid tree = *id;
	size_t i, size;

	morph_entrylist_init(&all);
	if ((err = morph_object_info(&type, &size, repo, id)) != NULL)
		return err;
	if (type == MORPH_OBJ_COMMIT) {
		if ((err = morph_commit_read(&c, repo, id)) != NULL)
			return err;
		tree = *morph_commit_tree(c);
		morph_commit_free(c);
	} else if (type != MORPH_OBJ_TREE)
		return morph_error_fmt(MORPH_ERR_INVALID, "object %s is a %s, "
		    "not a commit or tree", morph_oid_tostr(id),
		    morph_object_type_name(type));
	if ((err = morph_tree_flatten(&all, repo, &tree, NULL)) != NULL)
		goto done;
	for (i = 0; i < all.n && err == NULL; i++)
		if (morph_pathspec_match(all.v[i].path, paths, npaths))
			err = morph_entrylist_add(out, all.v[i].path,
			    &all.v[i].id, all.v[i].mode);
	morph_entrylist_sort(out);
done:
	morph_entrylist_release(&all);
	return err;
}

const struct morph_error *
morph_cmd_commit_changes(struct morph_cmd_changes *changes,
    const struct morph_commit *c, const char *const *paths, size_t npaths)
{
	const struct morph_error *err = NULL;
	struct morph_entrylist old, new;

	morph_entrylist_init(&old);
	morph_entrylist_init(&new);
	if ((morph_commit_parent_count(c) == 0 ||
	    (err = morph_cmd_snapshot(&old, changes->repo,
	    morph_commit_parent(c, 0), paths, npaths)) == NULL) &&
	    (err = morph_cmd_snapshot(&new, changes->repo,
	    morph_commit_tree(c), paths, npaths)) == NULL)
		err = morph_cmd_changes_collect(changes, &old, &new);
	morph_entrylist_release(&old);
	morph_entrylist_release(&new);
	return err;
}

/* The contents of one side of a change. */
struct side {
	struct morph_object	*obj;		/* from the store */
	struct morph_buf	 file;		/* from the work tree */
	struct morph_textdiff_file f;
};

static const struct morph_error *
read_worktree(struct morph_buf *out, struct morph_repo *repo,
    const char *path)
{
	const struct morph_error *err = NULL;
	struct morph_buf full = MORPH_BUF_INIT;
	struct stat st;
	ssize_t n;
	int fd;

	morph_buf_printf(&full, "%s/%s", morph_repo_workdir(repo), path);
	if ((err = morph_buf_status(&full)) != NULL)
		return err;
	if ((fd = open(full.ptr, O_RDONLY | O_NOFOLLOW)) == -1) {
		err = morph_error_errno("cannot open '%s'", path);
		goto done;
	}
	if (fstat(fd, &st) == -1) {
		err = morph_error_errno("cannot stat '%s'", path);
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		err = morph_error_fmt(MORPH_ERR_INVALID, "'%s' is not a "
		    "regular file", path);
		goto done;
	}
	if ((size_t)st.st_size > WORKTREE_FILE_MAX) {
		err = morph_error_fmt(MORPH_ERR_INVALID, "'%s' is too large "
		    "to diff", path);
		goto done;
	}
	morph_buf_grow(out, (size_t)st.st_size);
	for (;;) {
		morph_buf_grow(out, 65536);
		if ((err = morph_buf_status(out)) != NULL)
			break;
		n = read(fd, out->ptr + out->len, out->cap - out->len - 1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			err = morph_error_errno("cannot read '%s'", path);
			break;
		}
		if (n == 0)
			break;
		out->len += (size_t)n;
		out->ptr[out->len] = '\0';
		if (out->len > WORKTREE_FILE_MAX) {
			err = morph_error_fmt(MORPH_ERR_INVALID, "'%s' is too "
			    "large to diff", path);
			break;
		}
	}
done:
	if (fd != -1)
		close(fd);
	morph_buf_release(&full);
	return err;
}

static const struct morph_error *
load_side(struct side *s, const struct morph_cmd_changes *c,
    const struct morph_cmd_change *ch, int new)
{
	const struct morph_error *err;
	const struct morph_oid *id = new ? &ch->new_id : &ch->old_id;
	unsigned int mode = new ? ch->new_mode : ch->old_mode;

	memset(s, 0, sizeof(*s));
	if (mode == 0)
		return NULL;	/* no file on this side */
	s->f.path = ch->path;
	s->f.id = id;
	s->f.mode = mode;
	if (new && c->new_in_worktree) {
		if ((err = read_worktree(&s->file, c->repo, ch->path)) != NULL)
			return err;
		s->f.data = s->file.ptr;
		s->f.len = s->file.len;
		return NULL;
	}
	if ((err = morph_object_read(&s->obj, c->repo, id,
	    MORPH_OBJ_BLOB)) != NULL)
		return morph_error_wrap(err, "cannot read '%s'", ch->path);
	s->f.data = morph_object_data(s->obj);
	s->f.len = morph_object_size(s->obj);
	return NULL;
}

static void
release_side(struct side *s)
{
	morph_object_free(s->obj);
	morph_buf_release(&s->file);
}

static const struct morph_error *
load_sides(struct side *a, struct side *b, const struct morph_cmd_changes *c,
    const struct morph_cmd_change *ch)
{
	const struct morph_error *err;

	memset(b, 0, sizeof(*b));
	if ((err = load_side(a, c, ch, 0)) == NULL)
		err = load_side(b, c, ch, 1);
	return err;
}

static const struct morph_error *
print_patches(const struct morph_cmd_changes *c,
    const struct morph_cmd_diff_opts *o)
{
	struct morph_textdiff_opts topts = MORPH_TEXTDIFF_OPTS_INIT;
	struct morph_buf out = MORPH_BUF_INIT;
	const struct morph_error *err = NULL;
	struct side a, b;
	size_t i;

	topts.context = o->context;
	topts.flags = (o->color ? MORPH_TEXTDIFF_COLOR : 0) |
	    (o->words ? MORPH_TEXTDIFF_WORDS : 0);
	for (i = 0; i < c->n && err == NULL; i++) {
		if ((err = load_sides(&a, &b, c, &c->v[i])) == NULL) {
			morph_buf_clear(&out);
			err = morph_textdiff_patch(&out, &a.f, &b.f, &topts);
			if (err == NULL)
				fwrite(out.ptr, 1, out.len, stdout);
		}
		release_side(&a);
		release_side(&b);
	}
	morph_buf_release(&out);
	return err;
}

static const struct morph_error *
print_stat(const struct morph_cmd_changes *c, int color)
{
	struct morph_textdiff_statline *v;
	struct morph_buf out = MORPH_BUF_INIT;
	const struct morph_error *err = NULL;
	struct side a, b;
	size_t i;

	if (c->n == 0)
		return NULL;
	if ((v = calloc(c->n, sizeof(*v))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	for (i = 0; i < c->n && err == NULL; i++) {
		v[i].path = c->v[i].path;
		if ((err = load_sides(&a, &b, c, &c->v[i])) == NULL)
			err = morph_textdiff_stat(&v[i].stat, &a.f, &b.f);
		release_side(&a);
		release_side(&b);
	}
	if (err == NULL) {
		morph_textdiff_stat_table(&out, v, c->n, STAT_WIDTH, color);
		if ((err = morph_buf_status(&out)) == NULL)
			fwrite(out.ptr, 1, out.len, stdout);
	}
	morph_buf_release(&out);
	free(v);
	return err;
}

const struct morph_error *
morph_cmd_changes_print(const struct morph_cmd_changes *c,
    const struct morph_cmd_diff_opts *o)
{
	size_t i;

	switch (o->format) {
	case MORPH_CMD_DIFF_PATCH:
		return print_patches(c, o);
	case MORPH_CMD_DIFF_STAT:
		return print_stat(c, o->color);
	case MORPH_CMD_DIFF_NAME_ONLY:
		for (i = 0; i < c->n; i++)
			printf("%s\n", c->v[i].path);
		return NULL;
	case MORPH_CMD_DIFF_NAME_STATUS:
		/* As git: Added, Deleted, Modified (content or mode). */
		for (i = 0; i < c->n; i++)
			printf("%c\t%s\n", c->v[i].old_mode == 0 ? 'A' :
			    c->v[i].new_mode == 0 ? 'D' : 'M', c->v[i].path);
		return NULL;
	case MORPH_CMD_DIFF_NONE:
		break;
	}
	return NULL;
}

static const char *
change_status(const struct morph_cmd_change *ch)
{
	if (ch->old_mode == 0)
		return "added";
	if (ch->new_mode == 0)
		return "deleted";
	return "modified";
}

const struct morph_error *
morph_cmd_changes_json(struct morph_jsonw *w,
    const struct morph_cmd_changes *c, int stats)
{
	const struct morph_error *err = NULL;
	const struct morph_cmd_change *ch;
	struct morph_textdiff_stat *st = NULL;
	struct side a, b;
	size_t i;

	/* Everything that can fail comes before the first byte of output. */
	if (stats && c->n > 0) {
		if ((st = calloc(c->n, sizeof(*st))) == NULL)
			return morph_error(MORPH_ERR_NOMEM);
		for (i = 0; i < c->n && err == NULL; i++) {
			if ((err = load_sides(&a, &b, c, &c->v[i])) == NULL)
				err = morph_textdiff_stat(&st[i], &a.f, &b.f);
			release_side(&a);
			release_side(&b);
		}
		if (err != NULL) {
			free(st);
			return err;
		}
	}
	morph_jsonw_array_begin(w);
	for (i = 0; i < c->n; i++) {
		ch = &c->v[i];
		morph_jsonw_object_begin(w);
		morph_jsonw_kv_string(w, "path", ch->path);
		morph_jsonw_kv_string(w, "status", change_status(ch));
		morph_jsonw_kv_string(w, "old_id", ch->old_mode ?
		    morph_oid_tostr(&ch->old_id) : NULL);
		morph_jsonw_kv_string(w, "new_id", ch->new_mode ?
		    morph_oid_tostr(&ch->new_id) : NULL);
		morph_jsonw_kv_string(w, "old_mode", ch->old_mode ?
		    morph_mode_str(ch->old_mode) : NULL);
		morph_jsonw_kv_string(w, "new_mode", ch->new_mode ?
		    morph_mode_str(ch->new_mode) : NULL);
		if (st != NULL) {
			morph_jsonw_kv_bool(w, "binary", st[i].binary);
			/* The lines of a binary file are not counted: null. */
			morph_jsonw_key(w, "insertions");
			if (st[i].binary)
				morph_jsonw_null(w);
			else
				morph_jsonw_int(w, (int64_t)st[i].insertions);
			morph_jsonw_key(w, "deletions");
			if (st[i].binary)
				morph_jsonw_null(w);
			else
				morph_jsonw_int(w, (int64_t)st[i].deletions);
		}
		morph_jsonw_object_end(w);
	}
	morph_jsonw_array_end(w);
	free(st);
	return NULL;
}
