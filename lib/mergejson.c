/*
 * morph.json merged as JSON (see mergefile_int.h): when two branches
 * change different fields on neighbouring lines, or both add a model at
 * the end of the list, the line merge conflicts where the document does
 * not.  Objects merge member by member and keyed arrays element by
 * element, recursively; a field both sides changed differently is a
 * conflict, named by its path.
 */
#include <stdlib.h>
#include <string.h>

#include "json_int.h"
#include "mergefile_int.h"

/* Longest value quoted in a conflict's description. */
#define SHOW_MAX	40

struct jmerge {
	struct morph_buf	*fields;
	int			 conflicts;
};

static int
eq_json(const void *a, const void *b)
{
	return cJSON_Compare(a, b, 1);
}

/* The key of an array element: a string itself, an object's id or model. */
static const char *
element_key(const cJSON *e)
{
	const char *k;

	if (cJSON_IsString(e))
		return e->valuestring;
	if (!cJSON_IsObject(e))
		return NULL;
	if ((k = morph_json_str(e, "id")) != NULL)
		return k;
	return morph_json_str(e, "model");
}

/* Whether every element of array a (NULL: yes) has a key. */
static int
keyed_array(const cJSON *a)
{
	const cJSON *e;

	if (a == NULL)
		return 1;
	if (!cJSON_IsArray(a))
		return 0;
	cJSON_ArrayForEach(e, a)
		if (element_key(e) == NULL)
			return 0;
	return 1;
}

/* A value as a conflict shows it: compact, cut at SHOW_MAX bytes. */
static void
show(struct morph_buf *b, const cJSON *v)
{
	char *s;

	if (v == NULL) {
		morph_buf_puts(b, "(none)");
		return;
	}
	if ((s = cJSON_PrintUnformatted(v)) == NULL) {
		morph_buf_puts(b, "?");
		return;
	}
	if (strlen(s) > SHOW_MAX)
		morph_buf_printf(b, "%.*s...", SHOW_MAX, s);
	else
		morph_buf_puts(b, s);
	free(s);
}

static void
conflict(struct jmerge *m, const char *path, const cJSON *b, const cJSON *o,
    const cJSON *t)
{
	m->conflicts++;
	morph_buf_printf(m->fields, "%s: base ", path[0] ? path : "(document)");
	show(m->fields, b);
	morph_buf_puts(m->fields, ", ours ");
	show(m->fields, o);
	morph_buf_puts(m->fields, ", theirs ");
	show(m->fields, t);
	morph_buf_putc(m->fields, '\n');
}

static const struct morph_error *merge_value(cJSON **, struct jmerge *,
    const cJSON *, const cJSON *, const cJSON *, struct morph_buf *);

/* The children of v (NULL: none) as a keyed list; *out freed by caller. */
static const struct morph_error *
children(struct morph_keyed **out, size_t *n, const cJSON *v, int is_object)
{
	const cJSON *e;
	size_t i = 0;

	*out = NULL;
	*n = v != NULL ? (size_t)cJSON_GetArraySize(v) : 0;
	if (*n == 0)
		return NULL;
	if ((*out = calloc(*n, sizeof(**out))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	cJSON_ArrayForEach(e, v) {
		(*out)[i].key = is_object ? e->string : element_key(e);
		(*out)[i++].item = e;
	}
	return NULL;
}

/*
 * Merges the members of objects (is_object) or the elements of keyed
 * arrays, into a new container *out.  *aligned_ok 0 when the keys do not
 * align (a key twice in a list): the caller calls it a conflict.
 */
static const struct morph_error *
merge_container(cJSON **out, int *aligned_ok, struct jmerge *m,
    const cJSON *b, const cJSON *o, const cJSON *t, struct morph_buf *path,
    int is_object)
{
	const struct morph_error *err;
	struct morph_keyed *kb = NULL, *ko = NULL, *kt = NULL;
	struct morph_aligned *al = NULL;
	size_t nb, no, nt, nal = 0, i, keep = path->len;
	cJSON *r, *c;

	*out = NULL;
	*aligned_ok = 1;
	if ((err = children(&kb, &nb, b, is_object)) != NULL ||
	    (err = children(&ko, &no, o, is_object)) != NULL ||
	    (err = children(&kt, &nt, t, is_object)) != NULL)
		goto done;
	err = morph_keyed_align(&al, &nal, kb, nb, ko, no, kt, nt);
	if (err != NULL && err->code == MORPH_ERR_INVALID) {
		*aligned_ok = 0;
		err = NULL;
		goto done;
	}
	if (err != NULL)
		goto done;
	r = is_object ? cJSON_CreateObject() : cJSON_CreateArray();
	if (r == NULL) {
		err = morph_error(MORPH_ERR_NOMEM);
		goto done;
	}
	for (i = 0; i < nal && err == NULL; i++) {
		morph_buf_truncate(path, keep);
		if (is_object)
			morph_buf_printf(path, "%s%s", keep ? "." : "",
			    al[i].key);
		else
			morph_buf_printf(path, "[%s]", al[i].key);
		if ((err = morph_buf_status(path)) != NULL)
			break;
		err = merge_value(&c, m, al[i].item[0], al[i].item[1],
		    al[i].item[2], path);
		if (err != NULL || c == NULL)
			continue;
		if (is_object)
			cJSON_AddItemToObject(r, al[i].key, c);
		else
			cJSON_AddItemToArray(r, c);
	}
	morph_buf_truncate(path, keep);
	if (err != NULL)
		cJSON_Delete(r);
	else
		*out = r;
done:
	free(kb);
	free(ko);
	free(kt);
	free(al);
	return err;
}

/* The merge of one value; *out NULL when the merge drops it. */
static const struct morph_error *
merge_value(cJSON **out, struct jmerge *m, const cJSON *b, const cJSON *o,
    const cJSON *t, struct morph_buf *path)
{
	const struct morph_error *err;
	const cJSON *pick;
	int ok, is_object, which;

	*out = NULL;
	which = morph_keyed_pick(b, o, t, eq_json);
	if (which != 0) {
		pick = which == 1 ? o : t;
		if (pick != NULL && (*out = cJSON_Duplicate(pick, 1)) == NULL)
			return morph_error(MORPH_ERR_NOMEM);
		return NULL;
	}
	if (o == NULL || t == NULL) {
		/* Deleted on one side, changed on the other. */
		conflict(m, path->ptr, b, o, t);
		return NULL;
	}
	/* Both changed it: look inside containers of one kind. */
	is_object = cJSON_IsObject(o) && cJSON_IsObject(t) &&
	    (b == NULL || cJSON_IsObject(b));
	if (is_object || (keyed_array(o) && keyed_array(t) && keyed_array(b))) {
		err = merge_container(out, &ok, m, b, o, t, path, is_object);
		if (err != NULL || ok)
			return err;
	}
	conflict(m, path->ptr, b, o, t);
	if ((*out = cJSON_Duplicate(o, 1)) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	return NULL;
}

/* Parses a side as a JSON object; *doc NULL for an absent side. */
static int
parse_side(cJSON **doc, const struct morph_mergefile_side *s)
{
	*doc = NULL;
	if (!s->present)
		return 0;
	if (morph_json_parse(doc, s->data, s->len, "morph.json") != NULL)
		return -1;
	if (!cJSON_IsObject(*doc)) {
		cJSON_Delete(*doc);
		*doc = NULL;
		return -1;
	}
	return 0;
}

const struct morph_error *
morph_mergejson(struct morph_buf *out, struct morph_buf *fields, int *parsed,
    int *clean, const struct morph_mergefile_side *base,
    const struct morph_mergefile_side *ours,
    const struct morph_mergefile_side *theirs)
{
	struct morph_buf path = MORPH_BUF_INIT;
	const struct morph_error *err = NULL;
	struct jmerge m = { fields, 0 };
	cJSON *b = NULL, *o = NULL, *t = NULL, *r = NULL;
	char *text;

	*parsed = 0;
	*clean = 0;
	if (parse_side(&b, base) != 0 || parse_side(&o, ours) != 0 ||
	    parse_side(&t, theirs) != 0 || o == NULL || t == NULL)
		goto done;
	*parsed = 1;
	morph_buf_puts(&path, "");
	if ((err = morph_buf_status(&path)) != NULL ||
	    (err = merge_value(&r, &m, b, o, t, &path)) != NULL ||
	    (err = morph_buf_status(fields)) != NULL)
		goto done;
	if (m.conflicts > 0 || r == NULL)
		goto done;
	if ((text = cJSON_Print(r)) == NULL) {
		err = morph_error(MORPH_ERR_NOMEM);
		goto done;
	}
	morph_buf_clear(out);
	morph_buf_puts(out, text);
	morph_buf_putc(out, '\n');
	free(text);
	if ((err = morph_buf_status(out)) == NULL)
		*clean = 1;
done:
	cJSON_Delete(b);
	cJSON_Delete(o);
	cJSON_Delete(t);
	cJSON_Delete(r);
	morph_buf_release(&path);
	return err;
}
