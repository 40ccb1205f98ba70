/*
 * Walking the work tree (see scan_int.h).
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "morph/tree.h"
#include "ignore_int.h"
#include "json_int.h"
#include "path_int.h"
#include "repo_int.h"
#include "scan_int.h"

void
morph_statinfo_from(struct morph_statinfo *si, const struct stat *st)
{
	si->size = (int64_t)st->st_size;
	si->mtime = (int64_t)st->st_mtim.tv_sec * 1000000000 +
	    st->st_mtim.tv_nsec;
	si->ctime = (int64_t)st->st_ctim.tv_sec * 1000000000 +
	    st->st_ctim.tv_nsec;
	si->ino = (int64_t)st->st_ino;
	si->mode = (st->st_mode & 0111) ? MORPH_MODE_EXEC : MORPH_MODE_FILE;
}

int
morph_statinfo_equal(const struct morph_statinfo *a,
    const struct morph_statinfo *b)
{
	return a->size == b->size && a->mtime == b->mtime &&
	    a->ctime == b->ctime && a->ino == b->ino && a->mode == b->mode;
}

const struct morph_error *
morph_scan_stat(struct morph_statinfo *si, int *exists,
    struct morph_repo *repo, const char *path)
{
	struct stat st;

	*exists = 0;
	if (fstatat(repo->wdfd, path, &st, AT_SYMLINK_NOFOLLOW) == -1) {
		if (errno != ENOENT && errno != ENOTDIR)
			return morph_error_errno("cannot stat '%s'", path);
		return NULL;
	}
	if (S_ISREG(st.st_mode)) {
		morph_statinfo_from(si, &st);
		*exists = 1;
	}
	return NULL;
}

static const struct morph_error *
push(struct morph_scanlist *l, const char *path, const struct stat *st)
{
	/* With MORPH_SCAN_NOSTAT a file's st is all zero: size -1 says so. */
	struct morph_scanfile *nv;
	size_t cap;

	if (l->n == l->cap) {
		cap = l->cap ? l->cap * 2 : 256;
		if ((nv = realloc(l->v, cap * sizeof(*nv))) == NULL)
			return morph_error(MORPH_ERR_NOMEM);
		l->v = nv;
		l->cap = cap;
	}
	if ((l->v[l->n].path = strdup(path)) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	morph_statinfo_from(&l->v[l->n].st, st);
	if (st->st_mode == 0)
		l->v[l->n].st.size = -1;
	l->n++;
	return NULL;
}

/* A directory's path ends in '/'. */
static const struct morph_error *
push_skip(struct morph_scanlist *l, const char *path, const char *why)
{
	struct morph_scanskip *nv;
	size_t cap;

	if (l->nskip == l->capskip) {
		cap = l->capskip ? l->capskip * 2 : 16;
		if ((nv = realloc(l->skip, cap * sizeof(*nv))) == NULL)
			return morph_error(MORPH_ERR_NOMEM);
		l->skip = nv;
		l->capskip = cap;
	}
	if ((l->skip[l->nskip].path = strdup(path)) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	l->skip[l->nskip++].why = why;
	return NULL;
}

#define LINK	"a symbolic link; morph stores regular files only"
#define SPECIAL	"not a regular file; morph stores regular files only"

/* One entry of a directory being read. */
struct dent {
	char		*name;
	size_t		 len;
	int		 is_dir;
	const char	*skip;		/* why it cannot be tracked, or NULL */
	struct stat	 st;		/* for files */
};

/* Why a name that is neither reserved nor fit for a tree is unfit. */
static const char *
bad_name(const char *name, size_t len)
{
	if ((len == 1 && name[0] == '.') ||
	    (len == 2 && name[0] == '.' && name[1] == '.') ||
	    (len == 6 && memcmp(name, ".morph", 6) == 0) ||
	    (len == 4 && memcmp(name, ".git", 4) == 0))
		return NULL;		/* never tracked, by design */
	if (morph_utf8_check(name, len) != 0)
		return "its name is not valid UTF-8, which a tree cannot "
		    "hold";
	return "its name has a control character, which a tree cannot "
	    "hold";
}

/*
 * Siblings in the order their full paths sort: a directory as if its name
 * ended in '/', so that "a-b" comes before everything in "a/" (git's tree
 * order).  Walking in this order lists every path already sorted.
 */
static int
cmp_dent(const void *a, const void *b)
{
	const struct dent *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->name, y->name, n);
	unsigned char cx, cy;

	if (c != 0)
		return c;
	cx = x->len > n ? (unsigned char)x->name[n] : x->is_dir ? '/' : 0;
	cy = y->len > n ? (unsigned char)y->name[n] : y->is_dir ? '/' : 0;
	return (int)cx - (int)cy;
}

static void
free_dents(struct dent *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

static const struct morph_error *
walk(struct morph_scanlist *out, int fd_in, struct morph_buf *path,
    const struct morph_ignore *ig, int flags, int depth)
{
	const struct morph_error *err = NULL;
	struct dent *v = NULL, *nv;
	struct dirent *de;
	const char *skip;
	DIR *d;
	size_t keep = path->len, nlen, n = 0, cap = 0, i;
	int fd;

	if (depth > 256)
		return morph_error_fmt(MORPH_ERR_INVALID,
		    "'%s': directories nested too deeply", path->ptr);
	if ((d = fdopendir(fd_in)) == NULL) {
		close(fd_in);
		return morph_error_errno("cannot read directory '%s'",
		    keep ? path->ptr : ".");
	}
	while (err == NULL && (errno = 0, de = readdir(d)) != NULL) {
		nlen = strlen(de->d_name);
		skip = NULL;
		if (!morph_path_name_ok(de->d_name, nlen) &&
		    (!(flags & MORPH_SCAN_SKIPPED) ||
		    (skip = bad_name(de->d_name, nlen)) == NULL))
			continue;	/* ., .., .morph, .git, bad names */
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			if ((nv = realloc(v, cap * sizeof(*v))) == NULL) {
				err = morph_error(MORPH_ERR_NOMEM);
				break;
			}
			v = nv;
		}
		v[n].len = nlen;
		v[n].is_dir = de->d_type == DT_DIR;
		v[n].skip = skip;
		if (de->d_type == DT_LNK && skip == NULL)
			v[n].skip = LINK;
		else if (de->d_type != DT_DIR && de->d_type != DT_REG &&
		    de->d_type != DT_UNKNOWN && skip == NULL)
			v[n].skip = SPECIAL;
		if (v[n].skip != NULL && !(flags & MORPH_SCAN_SKIPPED))
			continue;	/* links, sockets, devices */
		memset(&v[n].st, 0, sizeof(v[n].st));
		if (!v[n].is_dir && v[n].skip == NULL &&
		    !((flags & MORPH_SCAN_NOSTAT) && de->d_type == DT_REG)) {
			if (fstatat(dirfd(d), de->d_name, &v[n].st,
			    AT_SYMLINK_NOFOLLOW) == -1) {
				if (errno == ENOENT)
					continue;	/* removed meanwhile */
				err = morph_error_errno("cannot stat '%s%s%s'",
				    keep ? path->ptr : "", keep ? "/" : "",
				    de->d_name);
				break;
			}
			v[n].is_dir = S_ISDIR(v[n].st.st_mode);
			if (S_ISLNK(v[n].st.st_mode))
				v[n].skip = LINK;
			else if (!v[n].is_dir && !S_ISREG(v[n].st.st_mode))
				v[n].skip = SPECIAL;
			if (v[n].skip != NULL && !(flags & MORPH_SCAN_SKIPPED))
				continue;
		}
		if ((v[n].name = strdup(de->d_name)) == NULL) {
			err = morph_error(MORPH_ERR_NOMEM);
			break;
		}
		n++;
	}
	if (err == NULL && errno != 0)
		err = morph_error_errno("cannot read directory '%s'",
		    keep ? path->ptr : ".");
	if (err == NULL && n > 1)
		qsort(v, n, sizeof(*v), cmp_dent);
	for (i = 0; i < n && err == NULL; i++) {
		morph_buf_truncate(path, keep);
		if (keep > 0)
			morph_buf_putc(path, '/');
		morph_buf_put(path, v[i].name, v[i].len);
		if ((err = morph_buf_status(path)) != NULL)
			break;
		if (!(flags & MORPH_SCAN_IGNORED) &&
		    morph_ignore_match(ig, path->ptr, v[i].is_dir))
			continue;
		if (v[i].skip != NULL) {
			if (v[i].is_dir)
				morph_buf_putc(path, '/');
			if ((err = morph_buf_status(path)) == NULL)
				err = push_skip(out, path->ptr, v[i].skip);
			continue;
		}
		if (!v[i].is_dir) {
			err = push(out, path->ptr, &v[i].st);
			continue;
		}
		fd = openat(dirfd(d), v[i].name,
		    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd == -1) {
			err = morph_error_errno("cannot open directory '%s'",
			    path->ptr);
			break;
		}
		err = walk(out, fd, path, ig, flags, depth + 1);
	}
	morph_buf_truncate(path, keep);
	free_dents(v, n);
	closedir(d);
	return err;
}

static int
cmp_file(const void *a, const void *b)
{
	return strcmp(((const struct morph_scanfile *)a)->path,
	    ((const struct morph_scanfile *)b)->path);
}

static int
cmp_skip(const void *a, const void *b)
{
	return strcmp(((const struct morph_scanskip *)a)->path,
	    ((const struct morph_scanskip *)b)->path);
}

const struct morph_error *
morph_scan(struct morph_scanlist *out, struct morph_repo *repo,
    const struct morph_ignore *ig, const char *path, int flags)
{
	struct morph_buf abs = MORPH_BUF_INIT, rel = MORPH_BUF_INIT;
	const struct morph_error *err = NULL;
	struct stat st;
	size_t n;
	int fd;

	memset(out, 0, sizeof(*out));
	if (morph_path_beyond_link(repo->workdir, path, &n))
		return morph_error_fmt(MORPH_ERR_PATH, "path '%s' is beyond a "
		    "symbolic link at '%.*s'", path, (int)n, path);
	morph_buf_printf(&abs, "%s/%s", repo->workdir, path);
	morph_buf_puts(&rel, path);
	if ((err = morph_buf_status(&abs)) != NULL ||
	    (err = morph_buf_status(&rel)) != NULL)
		goto done;
	if (lstat(abs.ptr, &st) == -1) {
		if (errno != ENOENT && errno != ENOTDIR)
			err = morph_error_errno("cannot stat '%s'", path);
		goto done;
	}
	/* A walk from the root would not reach what is under an ignored
	 * directory: neither does one that starts there. */
	if (S_ISREG(st.st_mode)) {
		if ((flags & MORPH_SCAN_IGNORED) ||
		    !morph_ignore_match_path(ig, path, 0))
			err = push(out, path, &st);
		goto done;
	}
	if (!S_ISDIR(st.st_mode))
		goto done;
	if (path[0] != '\0' && !(flags & MORPH_SCAN_IGNORED) &&
	    morph_ignore_match_path(ig, path, 1))
		goto done;
	fd = open(abs.ptr, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1) {
		err = morph_error_errno("cannot open directory '%s'",
		    path[0] ? path : ".");
		goto done;
	}
	/* walk lists paths in sorted order: no sort needed. */
	err = walk(out, fd, &rel, ig, flags, 0);
done:
	morph_buf_release(&abs);
	morph_buf_release(&rel);
	if (err != NULL)
		morph_scanlist_release(out);
	return err;
}

void
morph_scanlist_release(struct morph_scanlist *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++)
		free(l->v[i].path);
	free(l->v);
	for (i = 0; i < l->nskip; i++)
		free(l->skip[i].path);
	free(l->skip);
	memset(l, 0, sizeof(*l));
}

const struct morph_scanfile *
morph_scanlist_find(const struct morph_scanlist *l, const char *path)
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
morph_scan_paths(struct morph_scanlist *out, struct morph_repo *repo,
    const struct morph_ignore *ig, const char *const *paths, size_t npaths,
    int flags)
{
	const struct morph_error *err = NULL;
	struct morph_scanlist part;
	struct morph_scanfile *nv;
	size_t k, j;

	if (npaths <= 1)
		return morph_scan(out, repo, ig, npaths ? paths[0] : "",
		    flags);
	memset(out, 0, sizeof(*out));
	for (k = 0; k < npaths && err == NULL; k++) {
		if ((err = morph_scan(&part, repo, ig, paths[k], flags)))
			break;
		if (out->n + part.n > out->cap) {
			nv = realloc(out->v, (out->n + part.n) * sizeof(*nv));
			if (nv == NULL) {
				morph_scanlist_release(&part);
				err = morph_error(MORPH_ERR_NOMEM);
				break;
			}
			out->v = nv;
			out->cap = out->n + part.n;
		}
		if (part.n > 0)	/* part.v is NULL when nothing was found */
			memcpy(out->v + out->n, part.v,
			    part.n * sizeof(*nv));
		out->n += part.n;
		free(part.v);		/* the paths moved to out */
		part.v = NULL;
		part.n = 0;
		for (j = 0; j < part.nskip && err == NULL; j++)
			err = push_skip(out, part.skip[j].path,
			    part.skip[j].why);
		morph_scanlist_release(&part);
	}
	if (err != NULL) {
		morph_scanlist_release(out);
		return err;
	}
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), cmp_file);
	/* Overlapping paths ("a" and "a/b") list a file twice. */
	for (k = 0, j = 0; k < out->n; k++) {
		if (j > 0 && strcmp(out->v[j - 1].path, out->v[k].path) == 0) {
			free(out->v[k].path);
			continue;
		}
		out->v[j++] = out->v[k];
	}
	out->n = j;
	if (out->nskip > 1)
		qsort(out->skip, out->nskip, sizeof(*out->skip), cmp_skip);
	for (k = 0, j = 0; k < out->nskip; k++) {
		if (j > 0 && strcmp(out->skip[j - 1].path,
		    out->skip[k].path) == 0) {
			free(out->skip[k].path);
			continue;
		}
		out->skip[j++] = out->skip[k];
	}
	out->nskip = j;
	return NULL;
}
