/*
 * Keyed lists for three-way merges (see mergefile_int.h): aligning the
 * items of base, ours and theirs by key, and the rule that picks a side.
 */
#include <stdlib.h>
#include <string.h>

#include "mergefile_int.h"

/* A list sorted by key for lookups, keeping the original positions. */
struct sorted {
	const struct morph_keyed	**v;
	size_t				  n;
};

static int
cmp_keyed(const void *a, const void *b)
{
	const struct morph_keyed *x = *(const struct morph_keyed *const *)a;
	const struct morph_keyed *y = *(const struct morph_keyed *const *)b;

	return strcmp(x->key, y->key);
}

static const struct morph_error *
sort_list(struct sorted *s, const struct morph_keyed *v, size_t n,
    const char *side)
{
	size_t i;

	s->n = n;
	s->v = NULL;
	if (n == 0)
		return NULL;
	if ((s->v = calloc(n, sizeof(*s->v))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	for (i = 0; i < n; i++)
		s->v[i] = &v[i];
	qsort(s->v, n, sizeof(*s->v), cmp_keyed);
	for (i = 1; i < n; i++)
		if (strcmp(s->v[i]->key, s->v[i - 1]->key) == 0)
			return morph_error_fmt(MORPH_ERR_INVALID, "%s has "
			    "'%s' twice", side, s->v[i]->key);
	return NULL;
}

static const struct morph_keyed *
find(const struct sorted *s, const char *key)
{
	size_t lo = 0, hi = s->n, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(key, s->v[mid]->key);
		if (c == 0)
			return s->v[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

static const void *
item_of(const struct sorted *s, const char *key)
{
	const struct morph_keyed *k = find(s, key);

	return k != NULL ? k->item : NULL;
}

const struct morph_error *
morph_keyed_align(struct morph_aligned **out, size_t *n,
    const struct morph_keyed *base, size_t nbase,
    const struct morph_keyed *ours, size_t nours,
    const struct morph_keyed *theirs, size_t ntheirs)
{
	const struct morph_error *err;
	struct sorted s[3];
	struct morph_aligned *v;
	const struct morph_keyed *lists[3] = { ours, theirs, base };
	size_t counts[3] = { nours, ntheirs, nbase }, i, j, k = 0;

	*out = NULL;
	*n = 0;
	memset(s, 0, sizeof(s));
	if ((err = sort_list(&s[0], base, nbase, "the base")) != NULL ||
	    (err = sort_list(&s[1], ours, nours, "our side")) != NULL ||
	    (err = sort_list(&s[2], theirs, ntheirs, "their side")) != NULL)
		goto done;
	if ((v = calloc(nbase + nours + ntheirs + 1, sizeof(*v))) == NULL) {
		err = morph_error(MORPH_ERR_NOMEM);
		goto done;
	}
	/* Ours in order, then what only theirs has, then only the base. */
	for (j = 0; j < 3; j++) {
		for (i = 0; i < counts[j]; i++) {
			const char *key = lists[j][i].key;

			if (j >= 1 && find(&s[1], key) != NULL)
				continue;
			if (j == 2 && find(&s[2], key) != NULL)
				continue;
			v[k].key = key;
			v[k].item[0] = item_of(&s[0], key);
			v[k].item[1] = item_of(&s[1], key);
			v[k].item[2] = item_of(&s[2], key);
			k++;
		}
	}
	*out = v;
	*n = k;
done:
	for (j = 0; j < 3; j++)
		free(s[j].v);
	return err;
}

static int
same(const void *a, const void *b, int (*eq)(const void *, const void *))
{
	if (a == NULL || b == NULL)
		return a == b;
	return eq(a, b);
}

int
morph_keyed_pick(const void *b, const void *o, const void *t,
    int (*eq)(const void *, const void *))
{
	if (same(o, t, eq))
		return 1;
	if (same(b, o, eq))
		return 2;
	if (same(b, t, eq))
		return 1;
	return 0;
}
