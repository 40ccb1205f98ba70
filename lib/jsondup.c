/*
 * Repeated keys in parsed JSON, located in the text they came from (see
 * jsondup_int.h).
 *
 * The tree says which keys repeat; only the text says where.  So the text
 * is walked alongside the tree: the k-th key of an object in the text is
 * the k-th member of that object in the tree.  The text is known to be
 * valid JSON (cJSON parsed it), so the walk only skips white space,
 * strings and scalars; it never needs to check them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "morph/buf.h"
#include "jsondup_int.h"

struct walk {
	const char		*text;
	const char		*p;
	const char		*end;
	struct morph_buf	 path;
	struct morph_json_dup	*dup;
};

/* cJSON's white space: every byte up to and including ' '. */
static void
ws(struct walk *w)
{
	while (w->p < w->end && (unsigned char)*w->p <= ' ')
		w->p++;
}

/* Skips the string literal at w->p. */
static void
skip_string(struct walk *w)
{
	for (w->p++; w->p < w->end && *w->p != '"'; w->p++)
		if (*w->p == '\\')
			w->p++;
	w->p++;
}

/* Skips a number, true, false or null. */
static void
skip_scalar(struct walk *w)
{
	while (w->p < w->end && strchr(",]} \t\r\n", *w->p) == NULL &&
	    (unsigned char)*w->p > ' ')
		w->p++;
}

struct member {
	const char	*name;
	size_t		 index;
};

static int
cmp_member(const void *a, const void *b)
{
	const struct member *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c != 0)
		return c;
	return x->index < y->index ? -1 : x->index > y->index;
}

/*
 * Marks, in a new array of n flags, the members of obj whose name an
 * earlier member has: sorting, so that an object of many keys costs
 * n log n.  NULL when out of memory.
 */
static unsigned char *
repeats(const cJSON *obj, size_t n)
{
	struct member *m;
	unsigned char *rep;
	const cJSON *c;
	size_t i = 0;

	if ((rep = calloc(n ? n : 1, 1)) == NULL)
		return NULL;
	if (n < 2)
		return rep;
	if ((m = calloc(n, sizeof(*m))) == NULL) {
		free(rep);
		return NULL;
	}
	for (c = obj->child; c != NULL; c = c->next, i++) {
		m[i].name = c->string;
		m[i].index = i;
	}
	qsort(m, n, sizeof(*m), cmp_member);
	for (i = 1; i < n; i++)
		if (strcmp(m[i].name, m[i - 1].name) == 0)
			rep[m[i].index] = 1;
	free(m);
	return rep;
}

static void
found(struct walk *w, const char *at)
{
	const char *s = morph_buf_cstr(&w->path), *q;
	size_t i;

	w->dup->line = 1;
	for (q = w->text; q < at; q++)
		w->dup->line += *q == '\n';
	for (i = 0; s[i] != '\0' && i + 1 < sizeof(w->dup->path); i++)
		w->dup->path[i] = (unsigned char)s[i] < 0x20 ||
		    s[i] == 0x7f ? '?' : s[i];
	w->dup->path[i] = '\0';
}

static int	value(struct walk *, const cJSON *);

static int
object(struct walk *w, const cJSON *obj)
{
	const cJSON *c;
	unsigned char *rep;
	const char *at;
	size_t keep = w->path.len, n = 0, k;
	int r = 0;

	for (c = obj->child; c != NULL; c = c->next)
		n++;
	if ((rep = repeats(obj, n)) == NULL)
		return -1;
	w->p++;					/* { */
	for (c = obj->child, k = 0; c != NULL && r == 0; c = c->next, k++) {
		ws(w);
		at = w->p;
		skip_string(w);
		ws(w);
		w->p++;				/* : */
		morph_buf_truncate(&w->path, keep);
		if (keep > 0)
			morph_buf_putc(&w->path, '.');
		morph_buf_puts(&w->path, c->string);
		if (morph_buf_status(&w->path) != NULL)
			r = -1;
		else if (rep[k]) {
			found(w, at);
			r = 1;
		} else if ((r = value(w, c)) == 0) {
			ws(w);
			if (w->p < w->end && *w->p == ',')
				w->p++;
		}
	}
	free(rep);
	morph_buf_truncate(&w->path, keep);
	if (r == 0) {
		ws(w);
		w->p++;				/* } */
	}
	return r;
}

static int
array(struct walk *w, const cJSON *arr)
{
	const cJSON *c;
	size_t keep = w->path.len, k;
	int r = 0;

	w->p++;					/* [ */
	for (c = arr->child, k = 0; c != NULL && r == 0; c = c->next, k++) {
		morph_buf_truncate(&w->path, keep);
		morph_buf_printf(&w->path, "[%zu]", k);
		if (morph_buf_status(&w->path) != NULL)
			return -1;
		ws(w);
		if ((r = value(w, c)) == 0) {
			ws(w);
			if (w->p < w->end && *w->p == ',')
				w->p++;
		}
	}
	morph_buf_truncate(&w->path, keep);
	if (r == 0) {
		ws(w);
		w->p++;				/* ] */
	}
	return r;
}

static int
value(struct walk *w, const cJSON *v)
{
	ws(w);
	if (w->p >= w->end)
		return 0;
	if (cJSON_IsObject(v) && *w->p == '{')
		return object(w, v);
	if (cJSON_IsArray(v) && *w->p == '[')
		return array(w, v);
	if (*w->p == '"')
		skip_string(w);
	else
		skip_scalar(w);
	return 0;
}

int
morph_json_find_dup(struct morph_json_dup *dup, const cJSON *v,
    const char *text, size_t len, const char *root)
{
	struct walk w;
	int r;

	memset(dup, 0, sizeof(*dup));
	w.text = text;
	w.p = text;
	w.end = text + len;
	w.dup = dup;
	morph_buf_init(&w.path);
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		w.p += 3;
	morph_buf_puts(&w.path, root);
	r = morph_buf_status(&w.path) != NULL ? -1 : value(&w, v);
	morph_buf_release(&w.path);
	return r;
}
