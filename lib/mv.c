/*
 * morph mv (see mv.h): renaming tracked files and directories in the
 * work tree and the index, planned whole before anything moves.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "morph/index.h"
#include "morph/mv.h"
#include "index_int.h"
#include "pending_int.h"
#include "repo_int.h"

struct move {
	struct morph_mv_move	 pub;
	char			*src;
	char			*dst;
	char			*why;
};

struct morph_mv {
	struct morph_repo	*repo;
	int			 flags;
	struct move		*v;
	size_t			 n;
};

void
morph_mv_free(struct morph_mv *mv)
{
	size_t i;

	if (mv == NULL)
		return;
	for (i = 0; i < mv->n; i++) {
		free(mv->v[i].src);
		free(mv->v[i].dst);
		free(mv->v[i].why);
	}
	free(mv->v);
	free(mv);
}

size_t
morph_mv_count(const struct morph_mv *mv)
{
	return mv->n;
}

const struct morph_mv_move *
morph_mv_get(const struct morph_mv *mv, size_t i)
{
	return &mv->v[i].pub;
}

/* lstat(2) of a repository path ("" is the root): 0, or -1 with errno. */
static int
lstat_path(struct morph_repo *repo, const char *path, struct stat *st)
{
	return fstatat(repo->wdfd, path[0] != '\0' ? path : ".", st,
	    AT_SYMLINK_NOFOLLOW);
}

/*
 * Every directory above path is a directory, not a symbolic link: a
 * rename must not reach outside the work tree.
 */
static const struct morph_error *
check_parents(struct morph_repo *repo, const char *src, const char *path)
{
	const struct morph_error *err = NULL;
	struct stat st;
	char *dir;
	size_t i;

	if ((dir = strdup(path)) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	for (i = 0; dir[i] != '\0' && err == NULL; i++) {
		if (dir[i] != '/')
			continue;
		dir[i] = '\0';
		if (lstat_path(repo, dir, &st) == -1)
			err = errno == ENOENT || errno == ENOTDIR ?
			    morph_error_fmt(MORPH_ERR_NOT_FOUND, "cannot move "
			    "'%s' to '%s': directory '%s' does not exist", src,
			    path, dir) : morph_error_errno("cannot stat '%s'",
			    dir);
		else if (!S_ISDIR(st.st_mode))
			err = morph_error_fmt(MORPH_ERR_PATH, "cannot move "
			    "'%s' to '%s': '%s' is not a directory", src, path,
			    dir);
		dir[i] = '/';
	}
	free(dir);
	return err;
}

/* Whether the index has an entry at or under path (*under: under it). */
static int
tracked(const struct morph_index *idx, const char *path, int *under)
{
	const struct morph_entry *e;
	size_t i, n = strlen(path);

	*under = 0;
	if (morph_index_find(idx, path) != NULL)
		return 1;
	for (i = 0; i < morph_index_count(idx); i++) {
		e = morph_index_get(idx, i);
		if (strncmp(e->path, path, n) == 0 && e->path[n] == '/') {
			*under = 1;
			return 1;
		}
	}
	return 0;
}

/* Why src cannot move to dst, or NULL. */
static const struct morph_error *
check_move(struct morph_mv *mv, const struct morph_index *idx,
    const char *src, const char *dst)
{
	struct morph_repo *repo = mv->repo;
	const struct morph_error *err;
	struct stat st;
	size_t i, n = strlen(src);
	int dir, under;

	if (src[0] == '\0')
		return morph_error_fmt(MORPH_ERR_INVALID, "cannot move the "
		    "root of the work tree");
	if ((err = check_parents(repo, src, src)) != NULL)
		return err->code == MORPH_ERR_NOT_FOUND ? morph_error_fmt(
		    MORPH_ERR_NOT_FOUND, "cannot move '%s': it does not exist",
		    src) : err;
	if (lstat_path(repo, src, &st) == -1)
		return errno == ENOENT ? morph_error_fmt(MORPH_ERR_NOT_FOUND,
		    "cannot move '%s': it does not exist", src) :
		    morph_error_errno("cannot stat '%s'", src);
	dir = S_ISDIR(st.st_mode);
	if (!tracked(idx, src, &under) || under != dir || (!dir &&
	    !S_ISREG(st.st_mode)))
		return morph_error_fmt(MORPH_ERR_INVALID, "cannot move '%s': "
		    "not under version control (morph add it first)", src);
	if (strcmp(src, dst) == 0)
		return morph_error_fmt(MORPH_ERR_INVALID, "cannot move '%s' "
		    "onto itself", src);
	if (dir && strncmp(dst, src, n) == 0 && dst[n] == '/')
		return morph_error_fmt(MORPH_ERR_INVALID, "cannot move "
		    "directory '%s' into itself ('%s')", src, dst);
	if ((err = check_parents(repo, src, dst)) != NULL)
		return err;
	if (lstat_path(repo, dst, &st) == 0) {
		if (S_ISDIR(st.st_mode) || dir)
			return morph_error_fmt(MORPH_ERR_EXISTS, "cannot move "
			    "'%s' to '%s': %s is there", src, dst,
			    S_ISDIR(st.st_mode) ? "a directory" : "a file");
		if (!(mv->flags & MORPH_MV_FORCE))
			return morph_error_fmt(MORPH_ERR_EXISTS, "cannot move "
			    "'%s' to '%s': the destination exists (-f "
			    "overwrites it)", src, dst);
	} else if (errno != ENOENT)
		return morph_error_errno("cannot stat '%s'", dst);
	else if (tracked(idx, dst, &under) && under)
		return morph_error_fmt(MORPH_ERR_EXISTS, "cannot move '%s' to "
		    "'%s': files are tracked under it", src, dst);
	for (i = 0; i < mv->n; i++)
		if (mv->v[i].why == NULL && strcmp(mv->v[i].dst, dst) == 0)
			return morph_error_fmt(MORPH_ERR_INVALID, "cannot move "
			    "both '%s' and '%s' to '%s'", mv->v[i].src, src,
			    dst);
	return NULL;
}

/* Appends src -> dst, skipped for why when why is not NULL. */
static const struct morph_error *
add_move(struct morph_mv *mv, const char *src, const char *dst,
    const char *why)
{
	struct move *nv, *m;

	if ((nv = realloc(mv->v, (mv->n + 1) * sizeof(*nv))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	mv->v = nv;
	m = &nv[mv->n];
	memset(m, 0, sizeof(*m));
	m->src = strdup(src);
	m->dst = strdup(dst);
	m->why = why != NULL ? strdup(why) : NULL;
	if (m->src == NULL || m->dst == NULL || (why != NULL &&
	    m->why == NULL)) {
		free(m->src);
		free(m->dst);
		free(m->why);
		return morph_error(MORPH_ERR_NOMEM);
	}
	m->pub.src = m->src;
	m->pub.dst = m->dst;
	m->pub.skipped = m->why;
	mv->n++;
	return NULL;
}

/* Where src goes: dst, or dst/NAME into a directory. */
static const struct morph_error *
target(struct morph_buf *out, const char *src, const char *dst, int into)
{
	const char *name = strrchr(src, '/');

	morph_buf_clear(out);
	if (!into)
		morph_buf_puts(out, dst);
	else
		morph_buf_printf(out, "%s%s%s", dst, dst[0] != '\0' ? "/" : "",
		    name != NULL ? name + 1 : src);
	return morph_buf_status(out);
}

const struct morph_error *
morph_mv_plan(struct morph_mv **out, struct morph_repo *repo,
    const char *const *srcs, size_t nsrcs, const char *dst, int flags)
{
	struct morph_buf to = MORPH_BUF_INIT;
	const struct morph_error *err = NULL;
	struct morph_index *idx = NULL;
	struct morph_mv *mv;
	struct stat st;
	size_t i;
	int into;

	*out = NULL;
	if ((mv = calloc(1, sizeof(*mv))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	mv->repo = repo;
	mv->flags = flags;
	if ((err = morph_index_open(&idx, repo)) != NULL)
		goto done;
	into = lstat_path(repo, dst, &st) == 0 && S_ISDIR(st.st_mode);
	if (nsrcs > 1 && !into) {
		err = morph_error_fmt(MORPH_ERR_INVALID, "cannot move %zu "
		    "sources to '%s': it is not a directory", nsrcs, dst);
		goto done;
	}
	for (i = 0; i < nsrcs && err == NULL; i++) {
		if ((err = target(&to, srcs[i], dst, into)) != NULL)
			break;
		err = check_move(mv, idx, srcs[i], to.ptr);
		if (err != NULL && err->code != MORPH_ERR_NOMEM &&
		    (flags & MORPH_MV_SKIP))
			err = add_move(mv, srcs[i], to.ptr, err->msg);
		else if (err == NULL)
			err = add_move(mv, srcs[i], to.ptr, NULL);
	}
done:
	morph_index_free(idx);
	morph_buf_release(&to);
	if (err != NULL) {
		morph_mv_free(mv);
		return err;
	}
	*out = mv;
	return NULL;
}

/* The index entries of move m, moved: staged content kept, stat unknown. */
static const struct morph_error *
move_entries(struct morph_index *idx,
    const struct move *m)
{
	struct morph_buf to = MORPH_BUF_INIT;
	const struct morph_error *err;
	struct morph_entrylist l;
	const char *one[1] = { m->src };
	size_t i, n = strlen(m->src);

	morph_entrylist_init(&l);
	if ((err = morph_index_entries(&l, idx, one, 1)) != NULL)
		goto done;
	/* -f: the destination's own entry goes. */
	if (morph_index_find(idx, m->dst) != NULL &&
	    (err = morph_index_remove(idx, m->dst, 0, NULL)) != NULL)
		goto done;
	for (i = 0; i < l.n && err == NULL; i++) {
		morph_buf_clear(&to);
		morph_buf_printf(&to, "%s%s", m->dst, l.v[i].path + n);
		if ((err = morph_buf_status(&to)) == NULL &&
		    (err = morph_index_remove(idx, l.v[i].path, 0,
		    NULL)) == NULL)
			err = morph_index_set_unknown(idx, to.ptr, &l.v[i].id,
			    l.v[i].mode);
	}
done:
	morph_entrylist_release(&l);
	morph_buf_release(&to);
	return err;
}

/* Renames back the first n moves, newest first. */
static void
undo_renames(struct morph_mv *mv, size_t n)
{
	while (n-- > 0)
		if (mv->v[n].why == NULL)
			(void)renameat(mv->repo->wdfd, mv->v[n].dst,
			    mv->repo->wdfd, mv->v[n].src);
}

const struct morph_error *
morph_mv_apply(struct morph_mv *mv)
{
	const struct morph_error *err;
	struct morph_index *idx = NULL;
	size_t i;

	if ((err = morph_repo_begin(mv->repo)) != NULL)
		return err;
	if ((err = morph_pending_refuse(mv->repo, "cannot move")) != NULL ||
	    (err = morph_index_open(&idx, mv->repo)) != NULL)
		goto fail;
	for (i = 0; i < mv->n && err == NULL; i++)
		if (mv->v[i].why == NULL)
			err = move_entries(idx, &mv->v[i]);
	if (err != NULL || (err = morph_index_write(idx, mv->repo)) != NULL)
		goto fail;
	for (i = 0; i < mv->n; i++) {
		if (mv->v[i].why != NULL)
			continue;
		if (renameat(mv->repo->wdfd, mv->v[i].src, mv->repo->wdfd,
		    mv->v[i].dst) == -1) {
			err = morph_error_errno("cannot rename '%s' to '%s'",
			    mv->v[i].src, mv->v[i].dst);
			undo_renames(mv, i);
			goto fail;
		}
	}
	morph_index_free(idx);
	if ((err = morph_repo_commit(mv->repo)) != NULL)
		undo_renames(mv, mv->n);
	return err;
fail:
	morph_index_free(idx);
	morph_repo_rollback(mv->repo);
	return err;
}
