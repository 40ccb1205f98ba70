/*
 * Sets of object ids: open addressing with linear probing.  Ids are
 * already uniform hashes, so their first bytes are the hash.
 */
#include <stdlib.h>
#include <string.h>

#include "oidset_int.h"

void
morph_oidset_init(struct morph_oidset *s)
{
	memset(s, 0, sizeof(*s));
}

void
morph_oidset_release(struct morph_oidset *s)
{
	free(s->slots);
	free(s->used);
	morph_oidset_init(s);
}

static size_t
slot_of(const struct morph_oid *id, size_t cap)
{
	size_t h;

	memcpy(&h, id->id, sizeof(h));
	return h & (cap - 1);
}

static size_t
probe(const struct morph_oidset *s, const struct morph_oid *id, int *found)
{
	size_t i = slot_of(id, s->cap);

	while (s->used[i]) {
		if (memcmp(s->slots[i].id, id->id, MORPH_OID_RAWSZ) == 0) {
			*found = 1;
			return i;
		}
		i = (i + 1) & (s->cap - 1);
	}
	*found = 0;
	return i;
}

static const struct morph_error *
rehash(struct morph_oidset *s, size_t cap)
{
	struct morph_oidset n;
	size_t i, j;
	int found;

	n.cap = cap;
	n.n = s->n;
	n.slots = malloc(cap * sizeof(*n.slots));
	n.used = calloc(cap, 1);
	if (n.slots == NULL || n.used == NULL) {
		free(n.slots);
		free(n.used);
		return morph_error(MORPH_ERR_NOMEM);
	}
	for (i = 0; i < s->cap; i++) {
		if (!s->used[i])
			continue;
		j = probe(&n, &s->slots[i], &found);
		n.slots[j] = s->slots[i];
		n.used[j] = 1;
	}
	free(s->slots);
	free(s->used);
	*s = n;
	return NULL;
}

const struct morph_error *
morph_oidset_add(struct morph_oidset *s, const struct morph_oid *id,
    int *added)
{
	const struct morph_error *err;
	size_t i;
	int found;

	if (added != NULL)
		*added = 0;
	if ((s->n + 1) * 2 > s->cap &&
	    (err = rehash(s, s->cap ? s->cap * 2 : 64)) != NULL)
		return err;
	i = probe(s, id, &found);
	if (found)
		return NULL;
	s->slots[i] = *id;
	s->used[i] = 1;
	s->n++;
	if (added != NULL)
		*added = 1;
	return NULL;
}

int
morph_oidset_has(const struct morph_oidset *s, const struct morph_oid *id)
{
	int found;

	if (s->cap == 0)
		return 0;
	probe(s, id, &found);
	return found;
}
