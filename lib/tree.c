/*
 * Tree objects: parsing, writing from a sorted file list, flattening to
 * full paths, and path lookup (see tree.h for the format).
 */
#include <stdlib.h>
#include <string.h>

#include "morph/tree.h"
#include "json_int.h"
#include "path_int.h"
#include "repo_int.h"

struct tree_entry {
	char			*name;
	struct morph_oid	 id;
	unsigned int		 mode;
};

struct morph_tree {
	struct tree_entry	*v;
	size_t			 n;
};

const char *
morph_mode_str(unsigned int mode)
{
	switch (mode) {
	case MORPH_MODE_EXEC:
		return "100755";
	case MORPH_MODE_TREE:
		return "040000";
	default:
		return "100644";
	}
}

static int
mode_parse(const char *s, unsigned int *mode)
{
	if (strcmp(s, "100644") == 0)
		*mode = MORPH_MODE_FILE;
	else if (strcmp(s, "100755") == 0)
		*mode = MORPH_MODE_EXEC;
	else if (strcmp(s, "040000") == 0)
		*mode = MORPH_MODE_TREE;
	else
		return -1;
	return 0;
}

/* entry lists */

void
morph_entrylist_init(struct morph_entrylist *l)
{
	l->v = NULL;
	l->n = l->cap = 0;
}

void
morph_entrylist_release(struct morph_entrylist *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++)
		free(l->v[i].path);
	free(l->v);
	morph_entrylist_init(l);
}

const struct morph_error *
morph_entrylist_add(struct morph_entrylist *l, const char *path,
    const struct morph_oid *id, unsigned int mode)
{
	struct morph_entry *nv;
	size_t cap;

	if (l->n == l->cap) {
		cap = l->cap ? l->cap * 2 : 64;
		if ((nv = realloc(l->v, cap * sizeof(*nv))) == NULL)
			return morph_error(MORPH_ERR_NOMEM);
		l->v = nv;
		l->cap = cap;
	}
	if ((l->v[l->n].path = strdup(path)) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	l->v[l->n].id = *id;
	l->v[l->n].mode = mode;
	l->n++;
	return NULL;
}

static int
cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct morph_entry *)a)->path,
	    ((const struct morph_entry *)b)->path);
}

void
morph_entrylist_sort(struct morph_entrylist *l)
{
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), cmp_entry);
}

int
morph_entry_same(const struct morph_entry *a, const struct morph_entry *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return a->mode == b->mode && morph_oid_cmp(&a->id, &b->id) == 0;
}

const struct morph_entry *
morph_entrylist_find(const struct morph_entrylist *l, const char *path)
{
	size_t lo = 0, hi = l->n, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(path, l->v[mid].path);
		if (c == 0)
			return &l->v[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

const struct morph_error *
morph_entrylist_diff(const struct morph_entrylist *a,
    const struct morph_entrylist *b, morph_entrylist_diff_cb cb, void *arg)
{
	const struct morph_error *err = NULL;
	size_t i = 0, j = 0;
	int c;

	while (err == NULL && (i < a->n || j < b->n)) {
		if (i == a->n)
			c = 1;
		else if (j == b->n)
			c = -1;
		else
			c = strcmp(a->v[i].path, b->v[j].path);
		if (c < 0)
			err = cb(&a->v[i++], NULL, arg);
		else if (c > 0)
			err = cb(NULL, &b->v[j++], arg);
		else {
			if (morph_oid_cmp(&a->v[i].id, &b->v[j].id) != 0 ||
			    a->v[i].mode != b->v[j].mode)
				err = cb(&a->v[i], &b->v[j], arg);
			i++;
			j++;
		}
	}
	return err;
}

/* parsing */

void
morph_tree_free(struct morph_tree *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->n; i++)
		free(t->v[i].name);
	free(t->v);
	free(t);
}

const struct morph_error *
morph_tree_parse(struct morph_tree **out, const char *data, size_t len)
{
	const struct morph_error *err;
	struct morph_tree *t = NULL;
	cJSON *doc = NULL, *e;
	const char *name, *mode, *type, *id;
	size_t i = 0, n;

	*out = NULL;
	if ((err = morph_json_parse(&doc, data, len, "tree")) != NULL)
		return morph_error_fmt(MORPH_ERR_CORRUPT, "%s", err->msg);
	if (!cJSON_IsArray(doc)) {
		err = morph_error_fmt(MORPH_ERR_CORRUPT,
		    "tree: not a JSON array");
		goto done;
	}
	n = (size_t)cJSON_GetArraySize(doc);
	if ((t = calloc(1, sizeof(*t))) == NULL ||
	    (n > 0 && (t->v = calloc(n, sizeof(*t->v))) == NULL)) {
		err = morph_error(MORPH_ERR_NOMEM);
		goto done;
	}
	cJSON_ArrayForEach(e, doc) {
		struct tree_entry *te = &t->v[i];

		name = morph_json_str(e, "name");
		mode = morph_json_str(e, "mode");
		type = morph_json_str(e, "type");
		id = morph_json_str(e, "id");
		if (name == NULL || mode == NULL || type == NULL || id == NULL ||
		    cJSON_GetArraySize(e) != 4) {
			err = morph_error_fmt(MORPH_ERR_CORRUPT, "tree entry "
			    "%zu: expected exactly id, mode, name, type", i);
			goto done;
		}
		if (!morph_path_name_ok(name, strlen(name))) {
			err = morph_error_fmt(MORPH_ERR_CORRUPT,
			    "tree entry %zu: invalid name", i);
			goto done;
		}
		if (mode_parse(mode, &te->mode) != 0 ||
		    (strcmp(type, "tree") == 0) !=
		    (te->mode == MORPH_MODE_TREE) ||
		    (strcmp(type, "tree") != 0 && strcmp(type, "blob") != 0)) {
			err = morph_error_fmt(MORPH_ERR_CORRUPT, "tree entry "
			    "'%s': bad type '%s' or mode '%s'", name, type,
			    mode);
			goto done;
		}
		if (morph_oid_fromhex(&te->id, id) != 0) {
			err = morph_error_fmt(MORPH_ERR_CORRUPT,
			    "tree entry '%s': bad id", name);
			goto done;
		}
		if (i > 0 && strcmp(t->v[i - 1].name, name) >= 0) {
			err = morph_error_fmt(MORPH_ERR_CORRUPT, "tree entry "
			    "'%s': entries not sorted or not unique", name);
			goto done;
		}
		if ((te->name = strdup(name)) == NULL) {
			err = morph_error(MORPH_ERR_NOMEM);
			goto done;
		}
		t->n = ++i;
	}
done:
	cJSON_Delete(doc);
	if (err != NULL) {
		morph_tree_free(t);
		return err;
	}
	*out = t;
	return NULL;
}

const struct morph_error *
morph_tree_read(struct morph_tree **out, struct morph_repo *repo,
    const struct morph_oid *id)
{
	const struct morph_error *err;
	struct morph_object *o;

	*out = NULL;
	if ((err = morph_object_read(&o, repo, id, MORPH_OBJ_TREE)) != NULL)
		return err;
	err = morph_tree_parse(out, morph_object_data(o), morph_object_size(o));
	morph_object_free(o);
	if (err != NULL)
		return morph_error_wrap(err, "tree %s", morph_oid_tostr(id));
	return NULL;
}

size_t
morph_tree_count(const struct morph_tree *t)
{
	return t->n;
}

const char *
morph_tree_entry_name(const struct morph_tree *t, size_t i)
{
	return t->v[i].name;
}

const struct morph_oid *
morph_tree_entry_id(const struct morph_tree *t, size_t i)
{
	return &t->v[i].id;
}

unsigned int
morph_tree_entry_mode(const struct morph_tree *t, size_t i)
{
	return t->v[i].mode;
}

enum morph_object_type
morph_tree_entry_type(const struct morph_tree *t, size_t i)
{
	return t->v[i].mode == MORPH_MODE_TREE ? MORPH_OBJ_TREE :
	    MORPH_OBJ_BLOB;
}

/* flattening */

static const struct morph_error *
flatten(struct morph_entrylist *out, struct morph_repo *repo,
    const struct morph_oid *id, struct morph_buf *path, const char *under,
    int depth)
{
	const struct morph_error *err;
	struct morph_tree *t;
	size_t i, keep = path->len;

	if (depth > 256)
		return morph_error_fmt(MORPH_ERR_CORRUPT,
		    "tree %s is nested too deeply", morph_oid_tostr(id));
	if ((err = morph_tree_read(&t, repo, id)) != NULL)
		return err;
	for (i = 0; i < t->n && err == NULL; i++) {
		morph_buf_truncate(path, keep);
		if (keep > 0)
			morph_buf_putc(path, '/');
		morph_buf_puts(path, t->v[i].name);
		if ((err = morph_buf_status(path)) != NULL)
			break;
		/* Skip what is neither under nor on the way to under. */
		if (!morph_path_under(path->ptr, under) &&
		    !(t->v[i].mode == MORPH_MODE_TREE &&
		    morph_path_under(under, path->ptr)))
			continue;
		if (t->v[i].mode == MORPH_MODE_TREE)
			err = flatten(out, repo, &t->v[i].id, path, under,
			    depth + 1);
		else
			err = morph_entrylist_add(out, path->ptr, &t->v[i].id,
			    t->v[i].mode);
	}
	morph_buf_truncate(path, keep);
	morph_tree_free(t);
	return err;
}

const struct morph_error *
morph_tree_flatten(struct morph_entrylist *out, struct morph_repo *repo,
    const struct morph_oid *id, const char *under)
{
	struct morph_buf path = MORPH_BUF_INIT;
	const struct morph_error *err;

	morph_buf_put(&path, "", 0);
	err = flatten(out, repo, id, &path, under ? under : "", 0);
	morph_buf_release(&path);
	if (err == NULL)
		morph_entrylist_sort(out);
	return err;
}

/* writing */

struct child {
	const char		*name;
	size_t			 len;
	struct morph_oid	 id;
	unsigned int		 mode;
};

static int
cmp_child(const void *a, const void *b)
{
	const struct child *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->name, y->name, n);

	if (c != 0)
		return c;
	return x->len < y->len ? -1 : x->len > y->len;
}

static const struct morph_error *
write_level(struct morph_oid *out, struct morph_store_batch *batch,
    const struct morph_entry *v, size_t n, size_t plen, struct morph_buf *b)
{
	const struct morph_error *err = NULL;
	struct child *kids;
	size_t nkids = 0, i = 0, j, k;
	const char *rest, *slash;
	char hex[MORPH_OID_HEXSZ + 1];

	if (n > 0 && (kids = calloc(n, sizeof(*kids))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	else if (n == 0)
		kids = NULL;
	while (i < n && err == NULL) {
		rest = v[i].path + plen;
		slash = strchr(rest, '/');
		kids[nkids].name = rest;
		if (slash == NULL) {
			kids[nkids].len = strlen(rest);
			kids[nkids].id = v[i].id;
			kids[nkids].mode = v[i].mode;
			nkids++;
			i++;
			continue;
		}
		kids[nkids].len = (size_t)(slash - rest);
		kids[nkids].mode = MORPH_MODE_TREE;
		for (j = i + 1; j < n; j++)
			if (strncmp(v[j].path + plen, rest,
			    kids[nkids].len + 1) != 0)
				break;
		err = write_level(&kids[nkids].id, batch, v + i, j - i,
		    plen + kids[nkids].len + 1, b);
		nkids++;
		i = j;
	}
	if (err != NULL)
		goto done;
	if (nkids > 1)
		qsort(kids, nkids, sizeof(*kids), cmp_child);
	morph_buf_clear(b);
	morph_buf_putc(b, '[');
	for (k = 0; k < nkids; k++) {
		if (k > 0 && cmp_child(&kids[k - 1], &kids[k]) == 0) {
			err = morph_error_fmt(MORPH_ERR_INVALID, "'%.*s%.*s' "
			    "is both a file and a directory", (int)plen,
			    v[0].path, (int)kids[k].len, kids[k].name);
			goto done;
		}
		if (k > 0)
			morph_buf_putc(b, ',');
		/* Hot: a commit serialises every tree; no printf here. */
		morph_oid_fmt(hex, &kids[k].id);
		morph_buf_put(b, "{\"id\":\"", 7);
		morph_buf_put(b, hex, MORPH_OID_HEXSZ);
		morph_buf_put(b, "\",\"mode\":\"", 10);
		morph_buf_put(b, morph_mode_str(kids[k].mode), 6);
		morph_buf_put(b, "\",\"name\":", 9);
		morph_json_put_string(b, kids[k].name, kids[k].len);
		morph_buf_puts(b, kids[k].mode == MORPH_MODE_TREE ?
		    ",\"type\":\"tree\"}" : ",\"type\":\"blob\"}");
	}
	morph_buf_putc(b, ']');
	if ((err = morph_buf_status(b)) == NULL)
		err = morph_store_batch_add(batch, out, MORPH_OBJ_TREE, b->ptr,
		    b->len);
done:
	free(kids);
	return err;
}

const struct morph_error *
morph_tree_write(struct morph_oid *out, struct morph_repo *repo,
    const struct morph_entry *v, size_t n)
{
	struct morph_buf b = MORPH_BUF_INIT;
	struct morph_store_batch *batch;
	const struct morph_error *err;

	/*
	 * Trees are hashed as they are made, children first, and stored
	 * together: a commit that changes files in many directories makes
	 * many trees, compressed on every processor.
	 */
	if ((err = morph_store_batch_new(&batch, &repo->store)) != NULL)
		return err;
	err = write_level(out, batch, v, n, 0, &b);
	if (err == NULL)
		err = morph_store_batch_flush(batch);
	morph_store_batch_free(batch);
	morph_buf_release(&b);
	return err;
}

/* lookup */

const struct morph_error *
morph_tree_lookup(struct morph_oid *out, unsigned int *mode,
    struct morph_repo *repo, const struct morph_oid *id, const char *path)
{
	const struct morph_error *err;
	struct morph_oid cur = *id;
	struct morph_tree *t;
	const char *p = path, *slash;
	size_t n, i;
	int found;

	*mode = MORPH_MODE_TREE;
	while (*p != '\0') {
		if (*mode != MORPH_MODE_TREE)
			return morph_error_fmt(MORPH_ERR_NOT_FOUND,
			    "path '%s' does not exist", path);
		slash = strchr(p, '/');
		n = slash ? (size_t)(slash - p) : strlen(p);
		if ((err = morph_tree_read(&t, repo, &cur)) != NULL)
			return err;
		found = 0;
		for (i = 0; i < t->n; i++) {
			if (strlen(t->v[i].name) == n &&
			    memcmp(t->v[i].name, p, n) == 0) {
				cur = t->v[i].id;
				*mode = t->v[i].mode;
				found = 1;
				break;
			}
		}
		morph_tree_free(t);
		if (!found)
			return morph_error_fmt(MORPH_ERR_NOT_FOUND,
			    "path '%s' does not exist", path);
		p += n;
		while (*p == '/')
			p++;
	}
	*out = cur;
	return NULL;
}
