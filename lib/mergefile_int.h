/*
 * Three-way merges of one file's bytes (morph merge): lines through
 * libgit2's git_merge_file (mergefile.c); when lines conflict, morph.json
 * field by field (mergejson.c) and a case file case by case
 * (mergecases.c), both aligning keyed lists the same way (mergelist.c).
 */
#ifndef MORPH_MERGEFILE_INT_H
#define MORPH_MERGEFILE_INT_H

#include <stddef.h>

#include "morph/buf.h"
#include "morph/error.h"

/* One side of a file: absent, or len bytes at data. */
struct morph_mergefile_side {
	int		 present;
	const char	*data;
	size_t		 len;
};

struct morph_mergefile_result {
	int			 clean;		/* text is the merged file */
	int			 binary;	/* no markers could be made */
	struct morph_buf	 text;		/* merged, or with markers */
	struct morph_buf	 fields;	/* what conflicts, one a line
						   (empty: told as text) */
};

void	morph_mergefile_result_init(struct morph_mergefile_result *);
void	morph_mergefile_result_release(struct morph_mergefile_result *);

/*
 * Merges the file at path (used to pick the format and in markers) from
 * base to ours and theirs, both present (base may be absent: both added
 * it).  label names theirs in the markers, "HEAD" names ours.  Errors:
 * GIT (libgit2 cannot be loaded or fails), NOMEM.
 */
const struct morph_error *morph_mergefile(struct morph_mergefile_result *,
    const char *path, const struct morph_mergefile_side *base,
    const struct morph_mergefile_side *ours,
    const struct morph_mergefile_side *theirs, const char *label);

/*
 * morph.json as JSON: *parsed 0 (nothing else set) when a side does not
 * parse as a JSON object.  Else *clean says whether every field merged;
 * then out holds the merged document, else fields lists the fields both
 * sides changed ("defaults.temperature: base 0, ours 0.2, theirs 0.7").
 * Objects merge member by member; arrays of strings, and of objects with
 * an "id", merge element by element.
 */
const struct morph_error *morph_mergejson(struct morph_buf *out,
    struct morph_buf *fields, int *parsed, int *clean,
    const struct morph_mergefile_side *base,
    const struct morph_mergefile_side *ours,
    const struct morph_mergefile_side *theirs);

/*
 * A case file (JSON Lines, one case a line with a unique "id"), case by
 * case, as morph_mergejson: *parsed 0 when a side is not such a file.
 * The merged file keeps each line's text as the side that wins wrote it:
 * our cases in our order, then the cases only theirs has.
 */
const struct morph_error *morph_mergecases(struct morph_buf *out,
    struct morph_buf *fields, int *parsed, int *clean,
    const struct morph_mergefile_side *base,
    const struct morph_mergefile_side *ours,
    const struct morph_mergefile_side *theirs);

/*
 * Keyed lists (mergelist.c): three lists of items, each with a key unique
 * in its list, aligned into one sequence of keys with each side's item
 * (NULL where a side lacks the key): ours' keys in ours' order, then the
 * keys only theirs has, in theirs' order, then those only the base has.
 */
struct morph_keyed {
	const char	*key;
	const void	*item;
};

struct morph_aligned {
	const char	*key;
	const void	*item[3];	/* base, ours, theirs */
};

/*
 * Aligns the lists; *out (free it) gets *n entries.  Errors: INVALID
 * when a key repeats within a list.
 */
const struct morph_error *morph_keyed_align(struct morph_aligned **out,
    size_t *n, const struct morph_keyed *base, size_t nbase,
    const struct morph_keyed *ours, size_t nours,
    const struct morph_keyed *theirs, size_t ntheirs);

/*
 * The three-way rule: which of b, o, t (any may be NULL: absent) the
 * merge takes, by eq (called with two non-NULL items): 1 for o, 2 for t,
 * or 0 when both changed it differently.
 */
int	morph_keyed_pick(const void *b, const void *o, const void *t,
	    int (*eq)(const void *, const void *));

#endif
