/*
 * Checkout and restore: moving the work tree and the index to a snapshot
 * (see worktree.h for what each refuses and what a crash leaves).
 *
 * Both work in three phases, so that a refusal changes nothing:
 *  1. plan: decide, for every path concerned, what happens to its file and
 *     its index entry, and collect the conflicts;
 *  2. files: remove what leaves, then write what arrives, in path order;
 *  3. database: the index and HEAD, in the transaction that has held the
 *     lock since phase 1.
 *
 * Invariants:
 *  1. No file is written or removed before the plan is complete and free
 *     of conflicts.
 *  2. Every path is checked with morph_path_normalize before it is
 *     touched, and no parent directory on the way to it may be a symbolic
 *     link (morph_mkdirs_for, morph_repo_remove_file, remove_dir_at).
 *  3. An index entry records stat fields only when the file was just
 *     written or was found to hold exactly the entry's content.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "morph/commit.h"
#include "morph/index.h"
#include "morph/object.h"
#include "morph/refs.h"
#include "morph/repo.h"
#include "morph/status.h"
#include "morph/tree.h"
#include "morph/worktree.h"
#include "index_int.h"
#include "mergestate_int.h"
#include "path_int.h"
#include "pending_int.h"
#include "repo_int.h"
#include "worktree_int.h"

/* What stands at a path in the work tree. */
enum wkind {
	W_ABSENT,	/* nothing, or a parent is not a directory */
	W_FILE,		/* a regular file */
	W_DIR,		/* a real directory */
	W_OTHER,	/* a symbolic link, a fifo, ... */
};

/* What happens to one path. */
enum act {
	ACT_NONE,	/* nothing: carried over or already right */
	ACT_WRITE,	/* write the file, stage it */
	ACT_STAGE,	/* the file already holds it: stage it only */
	ACT_REMOVE,	/* remove the file, unstage it */
	ACT_UNSTAGE,	/* unstage only (the file is gone already) */
};

struct action {
	const char		*path;	/* borrowed from a list */
	const struct morph_entry *t;	/* the new entry (WRITE, STAGE) */
	enum act		 act;
};

struct plan {
	struct action	*v;
	size_t		 n;
	size_t		 cap;
};

/* The work tree, with a scratch buffer for absolute paths. */
struct wt {
	struct morph_repo	*repo;
	struct morph_buf	 abs;
	struct morph_buf	 okdir;	/* last parent found to be all dirs */
	int			 force;
	int			 pausable; /* a checkout or merge: see
					    test_pause */
};

/* Conflicts, listed in the error message as far as it has room. */
struct conflicts {
	struct morph_buf	 list;
	size_t			 n;
	size_t			 shown;
};

#define CONFLICTS_SHOWN	16
#define CONFLICT_PATHMAX 120

static const struct morph_error *
conflict(struct conflicts *c, const char *path, const char *why)
{
	c->n++;
	if (c->shown >= CONFLICTS_SHOWN)
		return NULL;
	c->shown++;
	if (strlen(path) > CONFLICT_PATHMAX)
		morph_buf_printf(&c->list, "\n\t%.*s... (%s)", CONFLICT_PATHMAX,
		    path, why);
	else
		morph_buf_printf(&c->list, "\n\t%s (%s)", path, why);
	return morph_buf_status(&c->list);
}

static const struct morph_error *
conflicts_error(const struct conflicts *c, const char *what, const char *hint)
{
	if (c->n == c->shown)
		return morph_error_fmt(MORPH_ERR_CONFLICT, "%s:%s\n%s", what,
		    c->list.ptr, hint);
	return morph_error_fmt(MORPH_ERR_CONFLICT, "%s:%s\n\t... and %zu "
	    "more\n%s", what, c->list.ptr, c->n - c->shown, hint);
}

static const struct morph_error *
plan_add(struct plan *p, const char *path, const struct morph_entry *t,
    enum act act)
{
	struct action *nv;
	size_t cap;

	if (act == ACT_NONE)
		return NULL;
	if (p->n == p->cap) {
		cap = p->cap ? p->cap * 2 : 64;
		if ((nv = realloc(p->v, cap * sizeof(*nv))) == NULL)
			return morph_error(MORPH_ERR_NOMEM);
		p->v = nv;
		p->cap = cap;
	}
	p->v[p->n].path = path;
	p->v[p->n].t = t;
	p->v[p->n].act = act;
	p->n++;
	return NULL;
}


/* Whether two entries (either may be NULL) hold the same file. */
static int
same(const struct morph_entry *a, const struct morph_entry *b)
{
	return morph_entry_same(a, b);
}

/*
 * A path from a snapshot or the index, checked again before morph
 * touches it (invariant 2): normalised, not empty, not under .morph.
 */
static const struct morph_error *
check_path(const char *path)
{
	struct morph_buf norm = MORPH_BUF_INIT;
	const struct morph_error *err;

	err = morph_path_normalize(&norm, path);
	if (err == NULL && (norm.len == 0 || strcmp(norm.ptr, path) != 0))
		err = morph_error_fmt(MORPH_ERR_PATH, "'%s' is not a "
		    "normalised path", path);
	morph_buf_release(&norm);
	if (err != NULL)
		return morph_error_fmt(MORPH_ERR_PATH, "refusing to write "
		    "'%s': %s", path, err->msg);
	return NULL;
}

static const char *
abspath(struct wt *w, const char *rel)
{
	morph_buf_clear(&w->abs);
	morph_buf_printf(&w->abs, "%s/%s", morph_repo_workdir(w->repo), rel);
	return morph_buf_status(&w->abs) == NULL ? w->abs.ptr : NULL;
}

/*
 * The first parent directory of rel that is not a real directory: *qlen
 * is its length in rel (0 when every parent is a directory or missing).
 */
static const struct morph_error *
parent_blocker(size_t *qlen, struct wt *w, const char *rel)
{
	const char *slash = strrchr(rel, '/'), *p;
	size_t dlen = slash ? (size_t)(slash - rel) : 0;
	struct stat st;

	*qlen = 0;
	if (dlen == 0)
		return NULL;
	if (w->okdir.len == dlen && memcmp(w->okdir.ptr, rel, dlen) == 0)
		return NULL;
	for (p = strchr(rel, '/'); p != NULL; p = strchr(p + 1, '/')) {
		morph_buf_clear(&w->abs);
		morph_buf_printf(&w->abs, "%s/%.*s",
		    morph_repo_workdir(w->repo), (int)(p - rel), rel);
		if (morph_buf_status(&w->abs) != NULL)
			return morph_error(MORPH_ERR_NOMEM);
		if (lstat(w->abs.ptr, &st) == -1) {
			if (errno == ENOENT)
				return NULL;	/* nothing further exists */
			return morph_error_errno("cannot stat '%.*s'",
			    (int)(p - rel), rel);
		}
		if (!S_ISDIR(st.st_mode)) {
			*qlen = (size_t)(p - rel);
			return NULL;
		}
	}
	morph_buf_clear(&w->okdir);
	morph_buf_put(&w->okdir, rel, dlen);
	return NULL;
}

/* What is at rel, given that its parents are real directories. */
static const struct morph_error *
wt_kind(enum wkind *kind, struct wt *w, const char *rel)
{
	struct stat st;
	const char *a;

	*kind = W_ABSENT;
	if ((a = abspath(w, rel)) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	if (lstat(a, &st) == -1) {
		if (errno == ENOENT || errno == ENOTDIR)
			return NULL;
		return morph_error_errno("cannot stat '%s'", rel);
	}
	*kind = S_ISREG(st.st_mode) ? W_FILE : S_ISDIR(st.st_mode) ? W_DIR :
	    W_OTHER;
	return NULL;
}

/* Where rel stands: its kind, W_ABSENT when a parent is in the way. */
static const struct morph_error *
wt_probe(enum wkind *kind, size_t *qlen, struct wt *w, const char *rel)
{
	const struct morph_error *err;

	*kind = W_ABSENT;
	if ((err = parent_blocker(qlen, w, rel)) != NULL || *qlen > 0)
		return err;
	return wt_kind(kind, w, rel);
}

/* Whether the regular file at rel holds exactly e. */
static const struct morph_error *
wt_holds(int *yes, struct wt *w, const char *rel, const struct morph_entry *e)
{
	const struct morph_error *err;
	struct morph_oid id;
	unsigned int mode;

	*yes = 0;
	err = morph_worktree_hash_file(&id, &mode, w->repo, rel, 0);
	if (err != NULL)
		return err;
	*yes = mode == e->mode && morph_oid_cmp(&id, &e->id) == 0;
	return NULL;
}

/*
 * Removes the directory name under dfd, never following a symbolic
 * link: with files, everything under it; without, only empty
 * directories (any other entry fails with ENOTEMPTY).
 */
static int
remove_dir_at(int dfd, const char *name, int files, int depth)
{
	struct dirent *de;
	struct stat st;
	DIR *d;
	int fd, saved;

	if (depth > 256) {
		errno = ELOOP;
		return -1;
	}
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd == -1)
		return -1;
	if ((d = fdopendir(fd)) == NULL) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	while ((errno = 0, de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (fstatat(dirfd(d), de->d_name, &st,
		    AT_SYMLINK_NOFOLLOW) == -1) {
			if (errno == ENOENT)
				continue;
			goto fail;
		}
		if (S_ISDIR(st.st_mode)) {
			if (remove_dir_at(dirfd(d), de->d_name, files,
			    depth + 1) == -1)
				goto fail;
		} else if (!files) {
			errno = ENOTEMPTY;
			goto fail;
		} else if (unlinkat(dirfd(d), de->d_name, 0) == -1)
			goto fail;
	}
	if (errno != 0)
		goto fail;
	closedir(d);
	return unlinkat(dfd, name, AT_REMOVEDIR);
fail:
	saved = errno;
	closedir(d);
	errno = saved;
	return -1;
}

/* Decides whether the work-tree file at path may go away unasked. */
typedef int (*removable_fn)(const char *path, void *arg);

/*
 * Walks the directory rel (a buffer holding the repository path, restored
 * on return) and reports in *blocker the first thing under it that is
 * not a removable file: an untracked or ignored file, a link, a fifo.
 */
static const struct morph_error *
dir_blocker(int *found, struct morph_buf *blocker, struct wt *w,
    struct morph_buf *rel, removable_fn removable, void *arg, int depth)
{
	const struct morph_error *err = NULL;
	struct dirent *de;
	struct stat st;
	size_t keep = rel->len;
	DIR *d;
	int fd;

	if (depth > 256)
		return morph_error_fmt(MORPH_ERR_INVALID, "'%s': directories "
		    "nested too deeply", rel->ptr);
	morph_buf_clear(&w->abs);
	morph_buf_printf(&w->abs, "%s/%s", morph_repo_workdir(w->repo),
	    rel->ptr);
	if ((err = morph_buf_status(&w->abs)) != NULL)
		return err;
	fd = open(w->abs.ptr, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1)
		return morph_error_errno("cannot open directory '%s'",
		    rel->ptr);
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return morph_error_errno("cannot read directory '%s'",
		    rel->ptr);
	}
	while (err == NULL && !*found && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		morph_buf_truncate(rel, keep);
		morph_buf_printf(rel, "/%s", de->d_name);
		if ((err = morph_buf_status(rel)) != NULL)
			break;
		if (fstatat(dirfd(d), de->d_name, &st,
		    AT_SYMLINK_NOFOLLOW) == -1) {
			if (errno != ENOENT)
				err = morph_error_errno("cannot stat '%s'",
				    rel->ptr);
			continue;
		}
		if (S_ISDIR(st.st_mode))
			err = dir_blocker(found, blocker, w, rel, removable,
			    arg, depth + 1);
		else if (!S_ISREG(st.st_mode) || !removable(rel->ptr, arg)) {
			*found = 1;
			morph_buf_clear(blocker);
			morph_buf_puts(blocker, rel->ptr);
			err = morph_buf_status(blocker);
		}
	}
	closedir(d);
	morph_buf_truncate(rel, keep);
	return err;
}

/*
 * Clears what stands in the way of a file at rel: with force anything;
 * without, only empty directories (what the plan expects to find).
 */
static const struct morph_error *
clear_way(struct wt *w, const char *rel)
{
	const struct morph_error *err;
	struct morph_buf q = MORPH_BUF_INIT;
	enum wkind kind;
	size_t qlen;

	if ((err = parent_blocker(&qlen, w, rel)) != NULL)
		return err;
	if (qlen > 0) {
		if (!w->force)
			return morph_error_fmt(MORPH_ERR_CONFLICT, "cannot "
			    "write '%s': '%.*s' is in the way", rel,
			    (int)qlen, rel);
		morph_buf_put(&q, rel, qlen);
		if ((err = morph_buf_status(&q)) == NULL &&
		    unlink(abspath(w, q.ptr)) == -1)
			err = morph_error_errno("cannot remove '%s'", q.ptr);
		morph_buf_release(&q);
		if (err != NULL)
			return err;
	}
	if ((err = wt_kind(&kind, w, rel)) != NULL)
		return err;
	if (kind == W_DIR) {
		if (remove_dir_at(AT_FDCWD, abspath(w, rel), w->force, 0) == -1)
			return morph_error_errno("cannot replace directory "
			    "'%s' with a file", rel);
	} else if (kind == W_OTHER && w->force) {
		if (unlink(abspath(w, rel)) == -1)
			return morph_error_errno("cannot remove '%s'", rel);
	}
	return NULL;
}

/* Writes e's blob to the work-tree file rel. */
static const struct morph_error *
write_entry(struct wt *w, const char *rel, const struct morph_entry *e)
{
	const struct morph_error *err;
	struct morph_object *o = NULL;

	if ((err = check_path(rel)) != NULL)
		return err;
	if ((err = clear_way(w, rel)) != NULL)
		return err;
	if ((err = morph_mkdirs_for(morph_repo_workdir(w->repo), rel)) != NULL)
		return err;
	if ((err = morph_object_read(&o, w->repo, &e->id,
	    MORPH_OBJ_BLOB)) != NULL)
		return morph_error_wrap(err, "cannot write '%s'", rel);
	if (abspath(w, rel) == NULL)
		err = morph_error(MORPH_ERR_NOMEM);
	else
		err = morph_file_write(w->abs.ptr, morph_object_data(o),
		    morph_object_size(o), e->mode == MORPH_MODE_EXEC ? 0755 :
		    0644);
	morph_object_free(o);
	return err;
}

/*
 * Whether name is "NAME.morph-XXXXXX", the temporary file morph_file_write
 * (path.c) renames into place; *plen is the length of NAME.
 */
static int
is_tempname(const char *name, size_t *plen)
{
	size_t n = strlen(name), i;

	if (n < 14 || memcmp(name + n - 13, ".morph-", 7) != 0)
		return 0;
	for (i = n - 6; i < n; i++)
		if (!isalnum((unsigned char)name[i]))
			return 0;
	*plen = n - 13;
	return 1;
}

/*
 * Removes from the directory dir ("" is the root) the temporary files a
 * killed morph left beside the files that tracked() names.
 */
static const struct morph_error *
remove_temps(struct wt *w, const char *dir, removable_fn tracked, void *arg)
{
	struct morph_buf rel = MORPH_BUF_INIT;
	const struct morph_error *err = NULL;
	struct dirent *de;
	struct stat st;
	size_t qlen, plen;
	DIR *d;
	int fd;

	/* Never through a link: every parent, then dir itself. */
	morph_buf_printf(&rel, "%s%sx", dir, dir[0] ? "/" : "");
	if ((err = morph_buf_status(&rel)) != NULL ||
	    (err = parent_blocker(&qlen, w, rel.ptr)) != NULL || qlen > 0)
		goto done;
	fd = open(dir[0] ? abspath(w, dir) : morph_repo_workdir(w->repo),
	    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1)
		goto done;	/* not there (yet): nothing left in it */
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		goto done;
	}
	while (err == NULL && (de = readdir(d)) != NULL) {
		if (!is_tempname(de->d_name, &plen))
			continue;
		morph_buf_clear(&rel);
		morph_buf_printf(&rel, "%s%s%.*s", dir, dir[0] ? "/" : "",
		    (int)plen, de->d_name);
		if ((err = morph_buf_status(&rel)) != NULL)
			break;
		if (!tracked(rel.ptr, arg) || fstatat(dirfd(d), de->d_name,
		    &st, AT_SYMLINK_NOFOLLOW) == -1 || !S_ISREG(st.st_mode))
			continue;
		if (unlinkat(dirfd(d), de->d_name, 0) == -1 && errno != ENOENT)
			err = morph_error_errno("cannot remove '%s.morph-%s'",
			    rel.ptr, de->d_name + strlen(de->d_name) - 6);
	}
	closedir(d);
done:
	morph_buf_release(&rel);
	return err;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Removes the temporary files left in the directories of the files the
 * plan writes, and of the files in more (may be NULL).
 */
static const struct morph_error *
sweep_temps(struct wt *w, const struct plan *p,
    const struct morph_entrylist *more, removable_fn tracked, void *arg)
{
	const struct morph_error *err = NULL;
	const char *path, *slash;
	char **dirs;
	size_t i, n = 0, max = p->n + (more ? more->n : 0);

	if (max == 0)
		return NULL;
	if ((dirs = calloc(max, sizeof(*dirs))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	for (i = 0; i < max && err == NULL; i++) {
		if (i < p->n && p->v[i].act != ACT_WRITE)
			continue;
		path = i < p->n ? p->v[i].path : more->v[i - p->n].path;
		slash = strrchr(path, '/');
		if (n > 0 && strlen(dirs[n - 1]) == (size_t)(slash ?
		    slash - path : 0) && strncmp(dirs[n - 1], path,
		    (size_t)(slash ? slash - path : 0)) == 0)
			continue;	/* the same as the last one */
		dirs[n] = strndup(path, slash ? (size_t)(slash - path) : 0);
		if (dirs[n++] == NULL)
			err = morph_error(MORPH_ERR_NOMEM);
	}
	if (err == NULL && n > 1)
		qsort(dirs, n, sizeof(*dirs), cmp_str);
	for (i = 0; i < n && err == NULL; i++)
		if (i == 0 || strcmp(dirs[i], dirs[i - 1]) != 0)
			err = remove_temps(w, dirs[i], tracked, arg);
	for (i = 0; i < n; i++)
		free(dirs[i]);
	free(dirs);
	return err;
}

/*
 * For the tests of a checkout or a merge killed midway (t-checkout.sh,
 * t-merge.sh), which must not depend on timing: with
 * MORPH_TEST_CHECKOUT_PAUSE naming a FIFO, a checkout or merge that has
 * written its first file says so on the FIFO (the open waits for the test
 * to read it) and then waits to be killed.
 */
static void
test_pause(void)
{
	const char *fifo = getenv("MORPH_TEST_CHECKOUT_PAUSE");
	ssize_t n;
	int fd;

	if (fifo == NULL || fifo[0] == '\0')
		return;
	if ((fd = open(fifo, O_WRONLY)) != -1) {
		n = write(fd, "paused\n", 7);
		(void)n;	/* the test fails by its deadline if short */
		close(fd);
	}
	for (;;)
		pause();
}

/*
 * Phase 2: removals first (a file may leave for a directory), then the
 * temporary files of an earlier, killed run, then the writes.
 */
static const struct morph_error *
apply_files(struct wt *w, const struct plan *p,
    const struct morph_entrylist *more, removable_fn tracked, void *arg)
{
	const struct morph_error *err = NULL;
	size_t i, written = 0;

	for (i = 0; i < p->n && err == NULL; i++) {
		if (p->v[i].act != ACT_REMOVE)
			continue;
		if ((err = check_path(p->v[i].path)) == NULL)
			err = morph_repo_remove_file(w->repo, p->v[i].path);
	}
	morph_buf_clear(&w->okdir);	/* directories went away */
	if (err == NULL)
		err = sweep_temps(w, p, more, tracked, arg);
	for (i = 0; i < p->n && err == NULL; i++) {
		if (p->v[i].act != ACT_WRITE)
			continue;
		err = write_entry(w, p->v[i].path, p->v[i].t);
		if (err == NULL && written++ == 0 && w->pausable)
			test_pause();
	}
	return err;
}

/* The position of path in the index, or -1. */
static long
index_pos(const struct morph_index *idx, const char *path)
{
	size_t lo = 0, hi = morph_index_count(idx), mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(path, morph_index_get(idx, mid)->path);
		if (c == 0)
			return (long)mid;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

/* The first entry of a sorted list at or after key. */
static size_t
lower_bound(const struct morph_entrylist *l, const char *key)
{
	size_t lo = 0, hi = l->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(l->v[mid].path, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Whether l has an entry strictly under the directory dir. */
static int
has_under(const struct morph_entrylist *l, const char *dir)
{
	size_t n = strlen(dir), i = lower_bound(l, dir);

	for (; i < l->n && strncmp(l->v[i].path, dir, n) == 0; i++)
		if (l->v[i].path[n] == '/')
			return 1;
		else if (l->v[i].path[n] > '/')
			break;
	return 0;
}

/*
 * Whether a file at path would clash with l: l has a file at one of
 * path's parents, or files under path.
 */
static int
df_clash(const struct morph_entrylist *l, const char *path)
{
	struct morph_buf q = MORPH_BUF_INIT;
	const char *p;
	int hit = 0;

	for (p = strchr(path, '/'); p != NULL && !hit; p = strchr(p + 1, '/')) {
		morph_buf_clear(&q);
		morph_buf_put(&q, path, (size_t)(p - path));
		hit = morph_buf_status(&q) == NULL &&
		    morph_entrylist_find(l, q.ptr) != NULL;
	}
	morph_buf_release(&q);
	return hit || has_under(l, path);
}

/* checkout */

struct checkout {
	struct wt		 w;
	struct morph_index	*idx;	/* as loaded: checks and stat caches */
	struct morph_index	*nidx;	/* the new index */
	struct morph_entrylist	 head;	/* H: HEAD's files */
	struct morph_entrylist	 target; /* T: the target's files */
	struct morph_entrylist	 staged; /* I: the index's files */
	struct plan		 plan;
	struct conflicts	 conf;
};

/* A file under a directory that must become a file may go if tracked. */
static int
checkout_removable(const char *path, void *arg)
{
	struct checkout *co = arg;

	return morph_entrylist_find(&co->head, path) != NULL &&
	    morph_entrylist_find(&co->staged, path) != NULL;
}

/* Whether path is a file of HEAD, the index or the target. */
static int
checkout_tracked(const char *path, void *arg)
{
	struct checkout *co = arg;

	return morph_entrylist_find(&co->target, path) != NULL ||
	    morph_entrylist_find(&co->head, path) != NULL ||
	    morph_entrylist_find(&co->staged, path) != NULL;
}

/*
 * Plans one path whose HEAD and target entries differ (h != t), without
 * force.
 */
static const struct morph_error *
plan_safe(struct checkout *co, const char *path, const struct morph_entry *h,
    const struct morph_entry *i, const struct morph_entry *t)
{
	struct morph_buf rel = MORPH_BUF_INIT, blk = MORPH_BUF_INIT;
	const struct morph_error *err;
	enum morph_wt_state ws;
	enum act act = ACT_NONE;
	enum wkind kind;
	size_t qlen;
	int yes, found = 0;

	if (same(i, t))
		return NULL;	/* the index holds the target: carried */
	if (!same(i, h))
		return conflict(&co->conf, path, "staged changes");
	if ((err = wt_probe(&kind, &qlen, &co->w, path)) != NULL)
		return err;
	if (qlen > 0 && t != NULL) {
		/* A file in the way of the directory the target needs. */
		struct morph_buf q = MORPH_BUF_INIT;

		morph_buf_put(&q, path, qlen);
		if ((err = morph_buf_status(&q)) == NULL &&
		    !checkout_removable(q.ptr, co))
			err = conflict(&co->conf, q.ptr, "untracked, in the "
			    "way");
		morph_buf_release(&q);
		if (err != NULL)
			return err;
	}
	if (i != NULL) {
		if (kind == W_FILE) {
			err = morph_index_check(&ws, co->idx, co->w.repo,
			    (size_t)index_pos(co->idx, path));
			if (err != NULL)
				return err;
		} else
			ws = MORPH_WT_DELETED;
		if (ws == MORPH_WT_CLEAN)
			act = t != NULL ? ACT_WRITE : ACT_REMOVE;
		else if (t == NULL && kind != W_FILE && kind != W_OTHER)
			act = ACT_UNSTAGE;	/* gone, or now a directory */
		else if (t != NULL && kind == W_FILE) {
			if ((err = wt_holds(&yes, &co->w, path, t)) != NULL)
				return err;
			if (yes)
				act = ACT_STAGE;
		}
		if (act == ACT_NONE)
			return conflict(&co->conf, path,
			    ws == MORPH_WT_DELETED ? "deleted" : "modified");
		return plan_add(&co->plan, path, t, act);
	}

	/* Untracked: the target brings a file where there is none. */
	switch (kind) {
	case W_ABSENT:
		return plan_add(&co->plan, path, t, ACT_WRITE);
	case W_FILE:
		if ((err = wt_holds(&yes, &co->w, path, t)) != NULL)
			return err;
		if (yes)
			return plan_add(&co->plan, path, t, ACT_STAGE);
		return conflict(&co->conf, path, "untracked");
	case W_DIR:
		morph_buf_puts(&rel, path);
		if ((err = morph_buf_status(&rel)) == NULL)
			err = dir_blocker(&found, &blk, &co->w, &rel,
			    checkout_removable, co, 0);
		if (err == NULL && found)
			err = conflict(&co->conf, blk.ptr, "untracked, in the "
			    "way");
		else if (err == NULL)
			err = plan_add(&co->plan, path, t, ACT_WRITE);
		morph_buf_release(&rel);
		morph_buf_release(&blk);
		return err;
	default:
		return conflict(&co->conf, path, "untracked, not a regular "
		    "file");
	}
}

/* Plans one path of HEAD, the index or the target, with force. */
static const struct morph_error *
plan_force(struct checkout *co, const char *path, const struct morph_entry *i,
    const struct morph_entry *t)
{
	const struct morph_error *err;
	enum morph_wt_state ws;
	enum wkind kind;
	size_t qlen;
	int yes;

	if ((err = wt_probe(&kind, &qlen, &co->w, path)) != NULL)
		return err;
	if (t == NULL) {
		if (kind == W_FILE)
			return plan_add(&co->plan, path, NULL, ACT_REMOVE);
		return plan_add(&co->plan, path, NULL,
		    i != NULL ? ACT_UNSTAGE : ACT_NONE);
	}
	if (kind != W_FILE)
		return plan_add(&co->plan, path, t, ACT_WRITE);
	if (same(i, t)) {
		err = morph_index_check(&ws, co->idx, co->w.repo,
		    (size_t)index_pos(co->idx, path));
		if (err != NULL)
			return err;
		if (ws == MORPH_WT_CLEAN)
			return NULL;
	}
	if ((err = wt_holds(&yes, &co->w, path, t)) != NULL)
		return err;
	return plan_add(&co->plan, path, t, yes ? ACT_STAGE : ACT_WRITE);
}

/*
 * Phase 1.  Walks the union of H, I and T in path order; without force
 * only the paths where H and T differ matter, plus the staged additions
 * that the target's files would clash with.
 */
static const struct morph_error *
plan_checkout(struct checkout *co)
{
	const struct morph_error *err = NULL;
	const struct morph_entrylist *l[3] = { &co->head, &co->staged,
	    &co->target };
	const struct morph_entry *e[3];
	const char *path;
	size_t k[3] = { 0, 0, 0 }, j;
	int c;

	while (err == NULL) {
		path = NULL;
		for (j = 0; j < 3; j++)
			if (k[j] < l[j]->n && (path == NULL ||
			    strcmp(l[j]->v[k[j]].path, path) < 0))
				path = l[j]->v[k[j]].path;
		if (path == NULL)
			break;
		for (j = 0; j < 3; j++) {
			e[j] = NULL;
			if (k[j] < l[j]->n && (c = strcmp(l[j]->v[k[j]].path,
			    path)) == 0)
				e[j] = &l[j]->v[k[j]++];
		}
		if ((err = check_path(path)) != NULL)
			break;
		if (co->w.force)
			err = plan_force(co, path, e[1], e[2]);
		else if (!same(e[0], e[2]))
			err = plan_safe(co, path, e[0], e[1], e[2]);
		else if (e[0] == NULL && e[1] != NULL &&
		    df_clash(&co->target, path))
			err = conflict(&co->conf, path, "staged, in the way");
	}
	return err;
}

/*
 * A merge stages, at its conflicts, something else than the files it
 * writes: the index gets ilist's entries where the target's differ.
 */
static const struct morph_error *
index_fixup(struct checkout *co, const struct morph_entrylist *ilist)
{
	const struct morph_error *err = NULL;
	const struct morph_entry *t, *e;
	size_t a = 0, b = 0;
	int c;

	while (err == NULL && (a < co->target.n || b < ilist->n)) {
		c = a == co->target.n ? 1 : b == ilist->n ? -1 :
		    strcmp(co->target.v[a].path, ilist->v[b].path);
		t = c <= 0 ? &co->target.v[a++] : NULL;
		e = c >= 0 ? &ilist->v[b++] : NULL;
		if (same(t, e))
			continue;
		if (e != NULL)
			err = morph_index_set_unknown(co->nidx, e->path, &e->id,
			    e->mode);
		else if (morph_index_find(co->nidx, t->path) != NULL)
			err = morph_index_remove(co->nidx, t->path, 0, NULL);
	}
	return err;
}

/*
 * Phase 3 for the index: the target's snapshot, with the stat fields of
 * every file known to match (invariant 3) and, without force, the staged
 * changes carried over.  For a merge, tree is what it stages, ilist its
 * files, and co->target what it wrote.
 */
static const struct morph_error *
update_index(struct checkout *co, const struct morph_oid *tree,
    const struct morph_entrylist *ilist)
{
	struct morph_repo *repo = co->w.repo;
	const struct morph_error *err;
	const struct morph_entry *h, *i, *t;
	enum morph_wt_state ws;
	struct morph_oid itree;
	size_t k, a = 0;
	long pos;

	if ((err = morph_index_read_tree(co->nidx, repo, tree)) != NULL)
		return err;
	/* Files the plan wrote or found right. */
	for (k = 0; k < co->plan.n; k++)
		if (co->plan.v[k].act == ACT_WRITE ||
		    co->plan.v[k].act == ACT_STAGE)
			if ((err = morph_index_set(co->nidx, repo,
			    co->plan.v[k].path, &co->plan.v[k].t->id,
			    co->plan.v[k].t->mode)) != NULL)
				return err;
	/* The rest of the old index: stat caches kept, changes carried. */
	for (k = 0; k < co->staged.n; k++) {
		i = &co->staged.v[k];
		while (a < co->plan.n && strcmp(co->plan.v[a].path,
		    i->path) < 0)
			a++;
		if (a < co->plan.n && strcmp(co->plan.v[a].path,
		    i->path) == 0)
			continue;	/* planned */
		t = morph_entrylist_find(&co->target, i->path);
		h = morph_entrylist_find(&co->head, i->path);
		pos = index_pos(co->idx, i->path);
		if (same(i, t) || (!co->w.force && same(h, t))) {
			err = morph_index_check(&ws, co->idx, repo,
			    (size_t)pos);
			if (err == NULL && ws == MORPH_WT_CLEAN)
				err = morph_index_set(co->nidx, repo, i->path,
				    &i->id, i->mode);
			else if (err == NULL && !same(i, t))
				err = morph_index_set_unknown(co->nidx,
				    i->path, &i->id, i->mode);
			if (err != NULL)
				return err;
		}
	}
	/* Staged deletions carried over. */
	for (k = 0; k < co->head.n && !co->w.force; k++) {
		h = &co->head.v[k];
		if (morph_entrylist_find(&co->staged, h->path) == NULL &&
		    same(h, morph_entrylist_find(&co->target, h->path)) &&
		    morph_index_find(co->nidx, h->path) != NULL)
			if ((err = morph_index_remove(co->nidx, h->path, 0,
			    NULL)) != NULL)
				return err;
	}
	if (ilist != NULL && (err = index_fixup(co, ilist)) != NULL)
		return err;
	if (!morph_index_tree(co->nidx, &itree) &&
	    (err = morph_index_write_tree(&itree, co->nidx, repo)) != NULL)
		return err;
	return morph_index_write(co->nidx, repo);
}

/* The files of commit from (none when from is NULL: an unborn HEAD). */
static const struct morph_error *
head_tree(struct morph_entrylist *out, struct morph_repo *repo,
    const struct morph_oid *from)
{
	const struct morph_error *err;
	struct morph_commit *c = NULL;

	if (from == NULL)
		return NULL;
	if ((err = morph_commit_read(&c, repo, from)) == NULL)
		err = morph_tree_flatten(out, repo, morph_commit_tree(c), NULL);
	morph_commit_free(c);
	return err;
}

/* Moves HEAD once files and index are in place. */
static const struct morph_error *
move_head(struct morph_repo *repo, const struct morph_oid *commit,
    const struct morph_checkout_opts *opts)
{
	const struct morph_error *err;
	struct morph_oid zero;

	if (opts->reset)
		return morph_head_update_log(repo, commit, NULL,
		    opts->message);
	if (opts->branch == NULL)
		return morph_ref_update_log(repo, MORPH_HEAD, commit, NULL,
		    opts->message);
	if (opts->create && commit != NULL) {
		memset(&zero, 0, sizeof(zero));
		if ((err = morph_ref_update_log(repo, opts->branch, commit,
		    &zero, opts->message)) != NULL)
			return err;
	}
	return morph_ref_set_symbolic_log(repo, MORPH_HEAD, opts->branch,
	    opts->message);
}

static const struct morph_error *
check_branch(struct morph_repo *repo, const struct morph_oid **commit,
    struct morph_oid *bid, const struct morph_checkout_opts *opts)
{
	const struct morph_error *err;
	const char *name;

	if (opts->branch == NULL) {
		if (*commit == NULL)
			return morph_error_fmt(MORPH_ERR_INVALID,
			    "checkout: no commit given");
		return NULL;
	}
	if (opts->reset)
		return morph_error_fmt(MORPH_ERR_INVALID,
		    "checkout: a reset takes no branch");
	if (strncmp(opts->branch, MORPH_REFS_HEADS,
	    strlen(MORPH_REFS_HEADS)) != 0 ||
	    !morph_ref_shortname_valid(opts->branch +
	    strlen(MORPH_REFS_HEADS)))
		return morph_error_fmt(MORPH_ERR_INVALID, "'%s' is not a "
		    "valid branch name", opts->branch);
	name = opts->branch + strlen(MORPH_REFS_HEADS);
	err = morph_ref_resolve(bid, repo, opts->branch);
	if (err != NULL && err->code != MORPH_ERR_NOT_FOUND)
		return err;
	if (opts->create) {
		if (err == NULL)
			return morph_error_fmt(MORPH_ERR_EXISTS, "a branch "
			    "named '%s' already exists", name);
		return NULL;
	}
	if (err != NULL)
		return morph_error_fmt(MORPH_ERR_NOT_FOUND, "branch '%s' not "
		    "found", name);
	if (*commit != NULL && morph_oid_cmp(*commit, bid) != 0)
		return morph_error_fmt(MORPH_ERR_CONFLICT, "branch '%s' was "
		    "moved by another process", name);
	*commit = bid;
	return NULL;
}

/* The record of a checkout this process made (phase 0). */
struct intent {
	int			 ours;		/* a record was written ... */
	struct morph_oid	 nonce;		/* ... with this nonce */
	int			 had_old;	/* it replaced a pending one ... */
	struct morph_buf	 old;		/* ... whose bytes were these */
	int			 has_from;
	struct morph_oid	 from;		/* the snapshot to plan from */
};

/* Whether pending checkout p goes where commit and opts go. */
static int
same_target(const struct morph_checkout_pending *p,
    const struct morph_oid *commit, const struct morph_checkout_opts *opts)
{
	if (p->reset != opts->reset)
		return 0;
	if (opts->branch == NULL)
		return p->branch.len == 0 &&
		    morph_oid_cmp(&p->commit, commit) == 0;
	return p->branch.len > 0 && strcmp(p->branch.ptr, opts->branch) == 0 &&
	    p->create == opts->create;
}

/* CONFLICT: pending checkout p is not the one asked for. */
static const struct morph_error *
other_pending(const struct morph_checkout_pending *p)
{
	struct morph_buf why = MORPH_BUF_INIT;
	const struct morph_error *err;

	morph_pending_describe(&why, p);
	if ((err = morph_buf_status(&why)) == NULL)
		err = morph_error_fmt(MORPH_ERR_CONFLICT, "%s, or force a "
		    "checkout (-f) to discard it", why.ptr);
	morph_buf_release(&why);
	return err;
}

/*
 * Phase 0 (see "If the process dies midway" in worktree.h), in a
 * transaction of its own: resolves *commit as check_branch does and
 * records the checkout with the snapshot it plans from: HEAD's, or the
 * one a pending checkout to the same target started from, since the files
 * are that one's or the target's.
 */
static const struct morph_error *
record_checkout(struct intent *in, struct morph_repo *repo,
    const struct morph_oid **commit, struct morph_oid *bid,
    const struct morph_checkout_opts *opts)
{
	struct morph_checkout_pending p, mine;
	const struct morph_error *err;
	int found = 0;

	memset(&mine, 0, sizeof(mine));
	if ((err = morph_repo_begin(repo)) != NULL)
		return err;
	err = morph_pending_read(&p, &found, NULL, &in->old, repo);
	if (err != NULL && err->code == MORPH_ERR_CORRUPT && opts->force) {
		/* A damaged record: force makes a new one. */
		morph_worktree_pending_release(&p);
		memset(&p, 0, sizeof(p));
		err = NULL;
		found = 0;
	}
	if (err != NULL || (err = morph_mergestate_refuse(repo,
	    "cannot check out")) != NULL || (err = check_branch(repo, commit,
	    bid, opts)) != NULL)
		goto done;
	if (found && (*commit == NULL || (!opts->force &&
	    !same_target(&p, *commit, opts)))) {
		err = other_pending(&p);
		goto done;
	}
	if (*commit == NULL)
		goto done;	/* a new branch on an unborn one: no files */
	if (found && same_target(&p, *commit, opts)) {
		mine.has_from = p.has_from;
		mine.from = p.from;
	} else if (found) {
		/*
		 * Forced to another target: among the files to discard are
		 * those the pending checkout wrote, its target's.
		 */
		mine.has_from = 1;
		mine.from = p.commit;
	} else {
		err = morph_ref_resolve(&mine.from, repo, MORPH_HEAD);
		if (err != NULL && err->code != MORPH_ERR_NOT_FOUND)
			goto done;
		mine.has_from = err == NULL;
	}
	if (opts->branch != NULL)
		morph_buf_puts(&mine.branch, opts->branch);
	mine.commit = **commit;
	mine.create = opts->create;
	mine.force = opts->force;
	mine.reset = opts->reset;
	if ((err = morph_buf_status(&mine.branch)) != NULL ||
	    (err = morph_pending_write(repo, &mine, NULL,
	    &in->nonce)) != NULL)
		goto done;
	in->ours = 1;
	in->had_old = found;
	in->has_from = mine.has_from;
	in->from = mine.from;
done:
	if (err == NULL)
		err = morph_repo_commit(repo);
	else
		morph_repo_rollback(repo);
	if (err != NULL)
		in->ours = 0;
	morph_worktree_pending_release(&p);
	morph_worktree_pending_release(&mine);
	return err;
}

/*
 * A checkout refused before it touched a file leaves the record as it
 * found it, unless another checkout has replaced it since.  Best effort:
 * a record left behind only makes the next checkout plan from where this
 * one would have.
 */
static void
unrecord_checkout(struct intent *in, struct morph_repo *repo)
{
	const struct morph_error *err;
	struct morph_checkout_pending p;
	struct morph_oid nonce;
	int found;

	if (!in->ours || morph_repo_begin(repo) != NULL)
		return;
	err = morph_pending_read(&p, &found, &nonce, NULL, repo);
	if (err == NULL && found && morph_oid_cmp(&nonce, &in->nonce) == 0)
		err = in->had_old ? morph_pending_write(repo, NULL, &in->old,
		    NULL) : morph_pending_clear(repo);
	morph_worktree_pending_release(&p);
	if (err == NULL)
		(void)morph_repo_commit(repo);
	else
		morph_repo_rollback(repo);
}

/* Whether the record is still the one phase 0 wrote. */
static const struct morph_error *
check_record(struct intent *in, struct morph_repo *repo)
{
	const struct morph_error *err;
	struct morph_checkout_pending p;
	struct morph_oid nonce;
	int found;

	if (!in->ours)
		return NULL;
	err = morph_pending_read(&p, &found, &nonce, NULL, repo);
	morph_worktree_pending_release(&p);
	if (err == NULL && (!found || morph_oid_cmp(&nonce, &in->nonce) != 0)) {
		in->ours = 0;		/* not ours to undo */
		err = morph_error_fmt(MORPH_ERR_CONFLICT, "checkout: another "
		    "checkout ran meanwhile; run this one again");
	}
	return err;
}

const struct morph_error *
morph_worktree_checkout(struct morph_repo *repo,
    const struct morph_oid *commit, const struct morph_checkout_opts *opts)
{
	const struct morph_error *err;
	struct morph_commit *c = NULL;
	struct checkout co;
	struct intent in;
	struct morph_oid bid;
	int touched = 0;

	if (opts == NULL || opts->version != MORPH_CHECKOUT_OPTS_VERSION)
		return morph_error_fmt(MORPH_ERR_INVALID,
		    "checkout: unknown options version");
	memset(&co, 0, sizeof(co));
	memset(&in, 0, sizeof(in));
	co.w.repo = repo;
	co.w.force = opts->force;
	co.w.pausable = 1;
	morph_entrylist_init(&co.head);
	morph_entrylist_init(&co.target);
	morph_entrylist_init(&co.staged);

	if ((err = record_checkout(&in, repo, &commit, &bid, opts)) != NULL) {
		morph_buf_release(&in.old);
		return err;
	}
	if ((err = morph_repo_begin(repo)) != NULL)
		goto out;
	if ((err = check_record(&in, repo)) != NULL ||
	    (err = check_branch(repo, &commit, &bid, opts)) != NULL)
		goto done;
	if (commit == NULL) {
		/* A new branch on an unborn one: nothing to check out. */
		err = move_head(repo, NULL, opts);
		goto done;
	}
	if ((err = morph_commit_read(&c, repo, commit)) != NULL)
		goto done;
	if ((err = head_tree(&co.head, repo, in.has_from ? &in.from :
	    NULL)) != NULL ||
	    (err = morph_tree_flatten(&co.target, repo, morph_commit_tree(c),
	    NULL)) != NULL ||
	    (err = morph_index_open(&co.idx, repo)) != NULL ||
	    (err = morph_index_open(&co.nidx, repo)) != NULL ||
	    (err = morph_index_entries(&co.staged, co.idx, NULL, 0)) != NULL)
		goto done;

	if ((err = plan_checkout(&co)) != NULL)
		goto done;
	if (co.conf.n > 0) {
		err = conflicts_error(&co.conf, "checkout would overwrite "
		    "local changes", "commit or restore them first, or force "
		    "the checkout (-f) to discard them");
		goto done;
	}
	/* From here on, a failure leaves the record: files may change. */
	touched = 1;
	if ((err = apply_files(&co.w, &co.plan, co.w.force ? &co.target :
	    NULL, checkout_tracked, &co)) != NULL ||
	    (in.ours && (err = morph_pending_clear(repo)) != NULL) ||
	    (err = update_index(&co, morph_commit_tree(c), NULL)) != NULL)
		goto done;
	err = move_head(repo, commit, opts);
done:
	if (err == NULL)
		err = morph_repo_commit(repo);
	else
		morph_repo_rollback(repo);
out:
	if (err != NULL && !touched)
		unrecord_checkout(&in, repo);
	morph_buf_release(&in.old);
	morph_commit_free(c);
	morph_index_free(co.idx);
	morph_index_free(co.nidx);
	morph_entrylist_release(&co.head);
	morph_entrylist_release(&co.target);
	morph_entrylist_release(&co.staged);
	free(co.plan.v);
	morph_buf_release(&co.conf.list);
	morph_buf_release(&co.w.abs);
	morph_buf_release(&co.w.okdir);
	return err;
}

/* merge */

/* CONFLICT for every path where the index differs from HEAD's files. */
static const struct morph_error *
staged_changes(struct checkout *co)
{
	const struct morph_error *err = NULL;
	const struct morph_entry *h, *i;
	size_t a = 0, b = 0;
	int c;

	while (err == NULL && (a < co->head.n || b < co->staged.n)) {
		c = a == co->head.n ? 1 : b == co->staged.n ? -1 :
		    strcmp(co->head.v[a].path, co->staged.v[b].path);
		h = c <= 0 ? &co->head.v[a++] : NULL;
		i = c >= 0 ? &co->staged.v[b++] : NULL;
		if (!same(h, i))
			err = conflict(&co->conf, h ? h->path : i->path,
			    "staged");
	}
	return err;
}

const struct morph_error *
morph_worktree_merge(struct morph_repo *repo, enum morph_merge_op op,
    const struct morph_oid *from, const struct morph_oid *wt,
    const struct morph_oid *it, int check_only)
{
	static const char *const staged[] = {
		[MORPH_MERGE_OP_MERGE] = "cannot merge with staged changes",
		[MORPH_MERGE_OP_REVERT] = "cannot revert with staged changes",
		[MORPH_MERGE_OP_STASH] = ("cannot apply the stash with "
		    "staged changes"),
	};
	static const char *const overwrite[] = {
		[MORPH_MERGE_OP_MERGE] = ("the merge would overwrite local "
		    "changes"),
		[MORPH_MERGE_OP_REVERT] = ("the revert would overwrite local "
		    "changes"),
		[MORPH_MERGE_OP_STASH] = ("the stash would overwrite local "
		    "changes"),
	};
	const struct morph_error *err;
	struct morph_entrylist ilist;
	struct checkout co;

	memset(&co, 0, sizeof(co));
	co.w.repo = repo;
	co.w.pausable = 1;
	morph_entrylist_init(&co.head);
	morph_entrylist_init(&co.target);
	morph_entrylist_init(&co.staged);
	morph_entrylist_init(&ilist);
	if ((err = morph_tree_flatten(&co.head, repo, from, NULL)) != NULL ||
	    (err = morph_tree_flatten(&co.target, repo, wt, NULL)) != NULL ||
	    (err = morph_tree_flatten(&ilist, repo, it, NULL)) != NULL ||
	    (err = morph_index_open(&co.idx, repo)) != NULL ||
	    (err = morph_index_open(&co.nidx, repo)) != NULL ||
	    (err = morph_index_entries(&co.staged, co.idx, NULL, 0)) != NULL)
		goto done;
	if ((err = staged_changes(&co)) != NULL)
		goto done;
	if (co.conf.n > 0) {
		err = conflicts_error(&co.conf, staged[op], "commit them, or "
		    "unstage them (morph restore --staged), first");
		goto done;
	}
	if ((err = plan_checkout(&co)) != NULL)
		goto done;
	if (co.conf.n > 0) {
		err = conflicts_error(&co.conf, overwrite[op], "commit or "
		    "restore them first");
		goto done;
	}
	if (check_only)
		goto done;
	if ((err = apply_files(&co.w, &co.plan, NULL, checkout_tracked,
	    &co)) == NULL)
		err = update_index(&co, it, &ilist);
done:
	morph_index_free(co.idx);
	morph_index_free(co.nidx);
	morph_entrylist_release(&co.head);
	morph_entrylist_release(&co.target);
	morph_entrylist_release(&co.staged);
	morph_entrylist_release(&ilist);
	free(co.plan.v);
	morph_buf_release(&co.conf.list);
	morph_buf_release(&co.w.abs);
	morph_buf_release(&co.w.okdir);
	return err;
}

/* restore */

struct restore {
	struct wt		 w;
	struct morph_index	*idx;
	struct morph_entrylist	 src;	/* S: the source's files */
	struct morph_entrylist	 sel;	/* I: the index's files, selected */
	const char *const	*paths;
	size_t			 npaths;
	int			 flags;
	int			 from_index;	/* S is the index itself */
};

/* Files under a directory that must become a file may go if leaving. */
static int
restore_removable(const char *path, void *arg)
{
	struct restore *r = arg;

	return !r->from_index &&
	    morph_entrylist_find(&r->sel, path) != NULL &&
	    morph_entrylist_find(&r->src, path) == NULL;
}

/* Whether path is a file of the source or the index. */
static int
restore_tracked(const char *path, void *arg)
{
	struct restore *r = arg;

	return morph_entrylist_find(&r->src, path) != NULL ||
	    morph_index_find(r->idx, path) != NULL;
}

static const struct morph_error *
source_files(struct restore *r, const struct morph_oid *source)
{
	const struct morph_error *err;
	enum morph_object_type type;
	struct morph_commit *c = NULL;
	struct morph_oid head, tree;

	if (source == NULL && !(r->flags & MORPH_RESTORE_STAGED)) {
		r->from_index = 1;
		return morph_index_entries(&r->src, r->idx, NULL, 0);
	}
	if (source == NULL) {
		err = morph_ref_resolve(&head, r->w.repo, MORPH_HEAD);
		if (err != NULL)
			return err->code == MORPH_ERR_NOT_FOUND ? NULL : err;
		return head_tree(&r->src, r->w.repo, &head);
	}
	if ((err = morph_object_info(&type, NULL, r->w.repo, source)) != NULL)
		return err;
	if (type == MORPH_OBJ_COMMIT) {
		if ((err = morph_commit_read(&c, r->w.repo, source)) != NULL)
			return err;
		tree = *morph_commit_tree(c);
		morph_commit_free(c);
	} else if (type == MORPH_OBJ_TREE)
		tree = *source;
	else
		return morph_error_fmt(MORPH_ERR_INVALID, "cannot restore "
		    "from %s: it is a %s", morph_oid_tostr(source),
		    morph_object_type_name(type));
	return morph_tree_flatten(&r->src, r->w.repo, &tree, NULL);
}

/* Whether pathspec p names a file of l or a directory holding some. */
static int
pathspec_hits(const struct morph_entrylist *l, const char *p)
{
	if (p[0] == '\0')
		return l->n > 0;
	return morph_entrylist_find(l, p) != NULL || has_under(l, p);
}

/*
 * Whether the index holds a file at a parent of path that the restore
 * keeps (it is outside the paths): staging path would break the index.
 */
static const struct morph_error *
staged_parent_clash(struct restore *r, const char *path,
    struct conflicts *conf)
{
	struct morph_buf q = MORPH_BUF_INIT;
	const struct morph_error *err = NULL;
	const char *p;

	for (p = strchr(path, '/'); p != NULL && err == NULL;
	    p = strchr(p + 1, '/')) {
		morph_buf_clear(&q);
		morph_buf_put(&q, path, (size_t)(p - path));
		if ((err = morph_buf_status(&q)) != NULL)
			break;
		if (morph_index_find(r->idx, q.ptr) != NULL &&
		    !morph_pathspec_match(q.ptr, r->paths, r->npaths))
			err = conflict(conf, path, "a staged file is in the "
			    "way");
	}
	morph_buf_release(&q);
	return err;
}

/* Sets the index entries under the paths to the source's. */
static const struct morph_error *
restore_staged(struct restore *r)
{
	const struct morph_error *err = NULL;
	const struct morph_entry *s, *i;
	enum wkind kind;
	size_t k, qlen;
	int yes;

	for (k = 0; k < r->sel.n && err == NULL; k++)
		if (morph_entrylist_find(&r->src, r->sel.v[k].path) == NULL)
			err = morph_index_remove(r->idx, r->sel.v[k].path, 0,
			    NULL);
	for (k = 0; k < r->src.n && err == NULL; k++) {
		s = &r->src.v[k];
		if (!morph_pathspec_match(s->path, r->paths, r->npaths))
			continue;
		i = morph_entrylist_find(&r->sel, s->path);
		if (same(i, s))
			continue;
		if ((err = wt_probe(&kind, &qlen, &r->w, s->path)) != NULL)
			break;
		yes = 0;
		if (kind == W_FILE && (err = wt_holds(&yes, &r->w, s->path,
		    s)) != NULL)
			break;
		if (yes)
			err = morph_index_set(r->idx, r->w.repo, s->path,
			    &s->id, s->mode);
		else
			err = morph_index_set_unknown(r->idx, s->path, &s->id,
			    s->mode);
	}
	return err;
}

/* Plans the work-tree side: which files leave, which are written. */
static const struct morph_error *
plan_restore(struct restore *r, struct plan *p, struct conflicts *conf)
{
	struct morph_buf rel = MORPH_BUF_INIT, blk = MORPH_BUF_INIT;
	const struct morph_error *err = NULL;
	const struct morph_entry *s;
	enum morph_wt_state ws;
	enum wkind kind;
	size_t k, qlen;
	long pos;
	int yes, found;

	for (k = 0; k < r->sel.n && err == NULL && !r->from_index; k++)
		if (morph_entrylist_find(&r->src, r->sel.v[k].path) == NULL)
			err = plan_add(p, r->sel.v[k].path, NULL, ACT_REMOVE);
	for (k = 0; k < r->src.n && err == NULL; k++) {
		s = &r->src.v[k];
		if (!morph_pathspec_match(s->path, r->paths, r->npaths))
			continue;
		if ((err = check_path(s->path)) != NULL ||
		    (err = wt_probe(&kind, &qlen, &r->w, s->path)) != NULL)
			break;
		if (qlen > 0) {
			morph_buf_clear(&rel);
			morph_buf_put(&rel, s->path, qlen);
			if ((err = morph_buf_status(&rel)) == NULL &&
			    !restore_removable(rel.ptr, r))
				err = conflict(conf, rel.ptr, "in the way");
			if (err == NULL)
				err = plan_add(p, s->path, s, ACT_WRITE);
			continue;
		}
		if (kind == W_DIR) {
			morph_buf_clear(&rel);
			morph_buf_puts(&rel, s->path);
			found = 0;
			if ((err = morph_buf_status(&rel)) == NULL)
				err = dir_blocker(&found, &blk, &r->w, &rel,
				    restore_removable, r, 0);
			if (err == NULL && found)
				err = conflict(conf, blk.ptr, "in the way");
			else if (err == NULL)
				err = plan_add(p, s->path, s, ACT_WRITE);
			continue;
		}
		yes = 0;
		pos = index_pos(r->idx, s->path);
		if (kind == W_FILE && r->from_index && pos >= 0) {
			err = morph_index_check(&ws, r->idx, r->w.repo,
			    (size_t)pos);
			yes = err == NULL && ws == MORPH_WT_CLEAN;
		}
		if (err == NULL && !yes && kind == W_FILE)
			err = wt_holds(&yes, &r->w, s->path, s);
		if (err == NULL)
			err = plan_add(p, s->path, s, yes ? ACT_STAGE :
			    ACT_WRITE);
	}
	morph_buf_release(&rel);
	morph_buf_release(&blk);
	return err;
}

const struct morph_error *
morph_worktree_restore(struct morph_repo *repo, const struct morph_oid *source,
    const char *const *paths, size_t npaths, int flags)
{
	const struct morph_error *err;
	const struct morph_entry *e;
	struct conflicts conf;
	struct restore r;
	struct plan plan;
	size_t k;

	if (!(flags & (MORPH_RESTORE_WORKTREE | MORPH_RESTORE_STAGED)))
		return morph_error_fmt(MORPH_ERR_INVALID,
		    "restore: neither the work tree nor the index to restore");
	memset(&r, 0, sizeof(r));
	memset(&conf, 0, sizeof(conf));
	memset(&plan, 0, sizeof(plan));
	r.w.repo = repo;
	r.w.force = 1;	/* restore overwrites what it is asked to */
	r.paths = paths;
	r.npaths = npaths;
	r.flags = flags;
	morph_entrylist_init(&r.src);
	morph_entrylist_init(&r.sel);

	if ((err = morph_repo_begin(repo)) != NULL)
		return err;
	if ((err = morph_pending_refuse(repo, "cannot restore")) != NULL ||
	    (err = morph_index_open(&r.idx, repo)) != NULL ||
	    (err = source_files(&r, source)) != NULL ||
	    (err = morph_index_entries(&r.sel, r.idx, paths, npaths)) != NULL)
		goto done;
	for (k = 0; k < npaths; k++) {
		if (pathspec_hits(&r.src, paths[k]) ||
		    pathspec_hits(&r.sel, paths[k]))
			continue;
		err = morph_error_fmt(MORPH_ERR_NOT_FOUND, "pathspec '%s' did "
		    "not match any file known to morph", paths[k][0] ?
		    paths[k] : ".");
		goto done;
	}

	/* A staged file outside the paths, where a directory must go. */
	for (k = 0; k < r.src.n && (flags & MORPH_RESTORE_STAGED); k++) {
		e = &r.src.v[k];
		if (morph_pathspec_match(e->path, paths, npaths) &&
		    (err = staged_parent_clash(&r, e->path, &conf)) != NULL)
			goto done;
	}
	if ((flags & MORPH_RESTORE_WORKTREE) &&
	    (err = plan_restore(&r, &plan, &conf)) != NULL)
		goto done;
	if (conf.n > 0) {
		err = conflicts_error(&conf, "cannot restore", "move them "
		    "away first");
		goto done;
	}
	if ((flags & MORPH_RESTORE_STAGED) &&
	    (err = restore_staged(&r)) != NULL)
		goto done;
	if ((flags & MORPH_RESTORE_WORKTREE) &&
	    (err = apply_files(&r.w, &plan, NULL, restore_tracked, &r)) != NULL)
		goto done;
	/* Fresh stat fields for files that now match their entry. */
	for (k = 0; k < plan.n && err == NULL; k++) {
		if (plan.v[k].t == NULL ||
		    !same(morph_index_find(r.idx, plan.v[k].path),
		    plan.v[k].t))
			continue;
		err = morph_index_set(r.idx, repo, plan.v[k].path,
		    &plan.v[k].t->id, plan.v[k].t->mode);
	}
	if (err == NULL && morph_index_dirty(r.idx))
		err = morph_index_write(r.idx, repo);
done:
	if (err == NULL)
		err = morph_repo_commit(repo);
	else
		morph_repo_rollback(repo);
	morph_index_free(r.idx);
	morph_entrylist_release(&r.src);
	morph_entrylist_release(&r.sel);
	free(plan.v);
	morph_buf_release(&conf.list);
	morph_buf_release(&r.w.abs);
	morph_buf_release(&r.w.okdir);
	return err;
}

const struct morph_error *
morph_worktree_snapshot(struct morph_oid *out, struct morph_repo *repo)
{
	const struct morph_error *err;
	struct morph_index *idx;

	if ((err = morph_index_open(&idx, repo)) != NULL)
		return err;
	err = morph_index_add(idx, repo, "", 0);
	if (err != NULL && err->code == MORPH_ERR_NOT_FOUND)
		err = NULL;		/* an empty work tree */
	if (err == NULL)
		err = morph_index_write_tree(out, idx, repo);
	/* The index itself stays as it was: it is never written here. */
	morph_index_free(idx);
	return err;
}
