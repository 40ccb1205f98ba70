/*
 * Case files merged case by case (see mergefile_int.h): two branches that
 * each append a case to the same JSON Lines file change neighbouring
 * lines, which the line merge calls a conflict; by case id they merge.
 * A case both sides changed differently, or one changed and the other
 * deleted, is a conflict, named by its id.
 */
#include <stdlib.h>
#include <string.h>

#include "json_int.h"
#include "mergefile_int.h"

/* One case: its line as written and its parsed form. */
struct line {
	const char	*text;
	size_t		 len;
	cJSON		*doc;
};

struct side {
	struct line		*lines;
	struct morph_keyed	*keys;
	size_t			 n;
};

static void
side_release(struct side *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		cJSON_Delete(s->lines[i].doc);
	free(s->lines);
	free(s->keys);
	memset(s, 0, sizeof(*s));
}

/*
 * Splits a side into cases: 0, or -1 when a line that is not blank is not
 * a JSON object with a string "id".
 */
static int
parse_side(struct side *s, const struct morph_mergefile_side *f, int *nomem)
{
	const char *p, *end, *nl;
	size_t cap = 0, len, i;
	const char *id;

	memset(s, 0, sizeof(*s));
	if (!f->present)
		return 0;
	p = f->data;
	end = f->data + f->len;
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		for (i = 0; i < len && (p[i] == ' ' || p[i] == '\t' ||
		    p[i] == '\r'); i++)
			;
		if (i < len) {
			if (s->n == cap) {
				struct line *nv;

				cap = cap ? cap * 2 : 16;
				nv = realloc(s->lines, cap * sizeof(*nv));
				if (nv == NULL) {
					*nomem = 1;
					return -1;
				}
				s->lines = nv;
			}
			s->lines[s->n].text = p;
			s->lines[s->n].len = len;
			if (morph_json_parse(&s->lines[s->n].doc, p, len,
			    "case") != NULL)
				return -1;
			s->n++;
			id = morph_json_str(s->lines[s->n - 1].doc, "id");
			if (!cJSON_IsObject(s->lines[s->n - 1].doc) ||
			    id == NULL)
				return -1;
		}
		p += len + (nl != NULL);
	}
	if (s->n > 0 && (s->keys = calloc(s->n, sizeof(*s->keys))) == NULL) {
		*nomem = 1;
		return -1;
	}
	for (i = 0; i < s->n; i++) {
		s->keys[i].key = morph_json_str(s->lines[i].doc, "id");
		s->keys[i].item = &s->lines[i];
	}
	return 0;
}

/* Two cases are the same when their JSON is, however it is spaced. */
static int
eq_case(const void *a, const void *b)
{
	return cJSON_Compare(((const struct line *)a)->doc,
	    ((const struct line *)b)->doc, 1);
}

const struct morph_error *
morph_mergecases(struct morph_buf *out, struct morph_buf *fields,
    int *parsed, int *clean, const struct morph_mergefile_side *base,
    const struct morph_mergefile_side *ours,
    const struct morph_mergefile_side *theirs)
{
	const struct morph_error *err = NULL;
	struct side s[3];
	struct morph_aligned *al = NULL;
	const struct line *pick;
	size_t nal = 0, i;
	int nomem = 0, conflicts = 0, which;

	*parsed = 0;
	*clean = 0;
	memset(s, 0, sizeof(s));
	if (parse_side(&s[0], base, &nomem) != 0 ||
	    parse_side(&s[1], ours, &nomem) != 0 ||
	    parse_side(&s[2], theirs, &nomem) != 0) {
		if (nomem)
			err = morph_error(MORPH_ERR_NOMEM);
		goto done;
	}
	err = morph_keyed_align(&al, &nal, s[0].keys, s[0].n, s[1].keys,
	    s[1].n, s[2].keys, s[2].n);
	if (err != NULL) {
		/* A case id twice: not a case file morph would load. */
		if (err->code == MORPH_ERR_INVALID)
			err = NULL;
		goto done;
	}
	*parsed = 1;
	morph_buf_clear(out);
	for (i = 0; i < nal; i++) {
		which = morph_keyed_pick(al[i].item[0], al[i].item[1],
		    al[i].item[2], eq_case);
		if (which == 0) {
			conflicts++;
			morph_buf_printf(fields, "case '%s': %s\n", al[i].key,
			    al[i].item[1] == NULL ? "deleted here, changed "
			    "there" : al[i].item[2] == NULL ? "changed here, "
			    "deleted there" : al[i].item[0] == NULL ? "added "
			    "on both sides, differently" : "changed on both "
			    "sides");
			continue;
		}
		pick = al[i].item[which];
		if (pick == NULL)
			continue;
		morph_buf_put(out, pick->text, pick->len);
		morph_buf_putc(out, '\n');
	}
	if ((err = morph_buf_status(out)) == NULL &&
	    (err = morph_buf_status(fields)) == NULL)
		*clean = conflicts == 0;
done:
	for (i = 0; i < 3; i++)
		side_release(&s[i]);
	free(al);
	return err;
}
