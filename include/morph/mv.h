/*
 * Moving tracked files (morph-mv(1)): a file or a directory is renamed in
 * the work tree and its entries in the index, as git mv does.
 *
 * A move is planned first, changing nothing, so that every refusal comes
 * before the first file moves: a source that does not exist or holds no
 * tracked file, a destination that exists (a file is overwritten only
 * with MORPH_MV_FORCE; a directory never), a destination whose directory
 * does not exist, a directory moved into itself, and two sources for one
 * destination.  With MORPH_MV_SKIP a source so refused is skipped, and
 * says why, instead.  A directory moves whole (untracked files in it go
 * along, as rename(2) takes them), and every index entry under it moves
 * with it; the entries keep their staged content, and a file's unstaged
 * changes stay unstaged.
 */
#ifndef MORPH_MV_H
#define MORPH_MV_H

#include <stddef.h>

#include "morph/error.h"

struct morph_repo;
struct morph_mv;

#define MORPH_MV_FORCE	0x01	/* overwrite a destination file */
#define MORPH_MV_SKIP	0x02	/* skip a source in error (mv -k) */

/* One source and where it goes. */
struct morph_mv_move {
	const char	*src;		/* repository paths */
	const char	*dst;
	const char	*skipped;	/* MORPH_MV_SKIP: why it stays */
};

/*
 * Plans moving the repository paths srcs to dst: to dst itself for one
 * source, unless dst is an existing directory; else (several sources, or
 * a directory) to dst/NAME, NAME the last part of each source.  Free the
 * plan with morph_mv_free.  Errors (naming the source and the
 * destination): NOT_FOUND (no such source; a destination directory
 * missing), INVALID (not tracked; several sources and dst not a
 * directory; a directory into itself; the work tree's root), EXISTS.
 */
const struct morph_error *morph_mv_plan(struct morph_mv **out,
    struct morph_repo *, const char *const *srcs, size_t nsrcs,
    const char *dst, int flags);
void	morph_mv_free(struct morph_mv *);

size_t	morph_mv_count(const struct morph_mv *);
const struct morph_mv_move *morph_mv_get(const struct morph_mv *, size_t i);

/*
 * Carries the plan out in one transaction: the index first, then the
 * renames; if a rename fails, those made are undone and the index is left
 * as it was.  Errors: ERRNO naming the rename; CONFLICT when a checkout is
 * unfinished; LOCKED.
 */
const struct morph_error *morph_mv_apply(struct morph_mv *);

#endif
