/*
 * The index (see index.h for its invariants): loaded whole from the idx
 * table, changed in memory, saved row by row.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "morph/index.h"
#include "morph/status.h"
#include "ignore_int.h"
#include "path_int.h"
#include "repo_int.h"
#include "index_int.h"
#include "scan_int.h"

/* Files modified this close to an index write are smudged (invariant 3). */
#define RACY_NS		1000000000LL

struct ientry {
	struct morph_entry	e;	/* first: handed out as morph_entry */
	struct morph_statinfo	st;	/* st.size < 0: unknown */
	int			smudged;
	int			dirty;	/* must be saved */
	int			gone;	/* to be removed */
};

struct morph_index {
	struct ientry	*v;
	size_t		 n;
	size_t		 cap;
	char		**removed;	/* paths to delete from the table */
	size_t		 nremoved;
	size_t		 capremoved;
	int		 replace_all;	/* rewrite the whole table */
	int		 changed;	/* entries added, removed or re-hashed */
	struct morph_oid tree;		/* the tree of the entries ... */
	int		 tree_valid;	/* ... when this is set */
};

#define META_INDEX_TREE	"index_tree"

/* An entry's content changed: the cached tree id no longer holds. */
static void
touch(struct morph_index *idx)
{
	idx->changed = 1;
	idx->tree_valid = 0;
}

static const char sql_load[] = "SELECT path, id, mode, size, mtime, ctime, "
    "ino, smudged FROM idx ORDER BY path";
static const char sql_put[] = "INSERT OR REPLACE INTO idx (path, id, mode, "
    "size, mtime, ctime, ino, smudged) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
static const char sql_del[] = "DELETE FROM idx WHERE path = ?";
static const char sql_clear[] = "DELETE FROM idx";

static const struct morph_error *
grow(struct morph_index *idx, size_t more)
{
	struct ientry *nv;
	size_t cap = idx->cap ? idx->cap : 64;

	if (idx->n + more <= idx->cap)
		return NULL;
	while (cap < idx->n + more)
		cap *= 2;
	if ((nv = realloc(idx->v, cap * sizeof(*nv))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	idx->v = nv;
	idx->cap = cap;
	return NULL;
}

const struct morph_error *
morph_index_open(struct morph_index **out, struct morph_repo *repo)
{
	const struct morph_error *err = NULL;
	struct morph_index *idx;
	struct ientry *ie;
	sqlite3_stmt *st = NULL;
	int rc;

	*out = NULL;
	if ((idx = calloc(1, sizeof(*idx))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	if ((err = morph_store_prepare(&repo->store, sql_load, &st)) != NULL)
		goto done;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((err = grow(idx, 1)) != NULL)
			break;
		ie = &idx->v[idx->n];
		memset(ie, 0, sizeof(*ie));
		if (sqlite3_column_bytes(st, 1) != MORPH_OID_RAWSZ) {
			err = morph_error_fmt(MORPH_ERR_CORRUPT, "index entry "
			    "'%s' has a bad id", sqlite3_column_text(st, 0));
			break;
		}
		ie->e.path = strdup((const char *)sqlite3_column_text(st, 0));
		if (ie->e.path == NULL) {
			err = morph_error(MORPH_ERR_NOMEM);
			break;
		}
		memcpy(ie->e.id.id, sqlite3_column_blob(st, 1),
		    MORPH_OID_RAWSZ);
		ie->e.mode = (unsigned int)sqlite3_column_int(st, 2);
		ie->st.size = sqlite3_column_int64(st, 3);
		ie->st.mtime = sqlite3_column_int64(st, 4);
		ie->st.ctime = sqlite3_column_int64(st, 5);
		ie->st.ino = sqlite3_column_int64(st, 6);
		ie->st.mode = ie->e.mode;
		ie->smudged = sqlite3_column_int(st, 7);
		idx->n++;
	}
	if (err == NULL && rc != SQLITE_DONE)
		err = morph_store_error(&repo->store, rc,
		    "cannot read the index");
	sqlite3_reset(st);
	if (err == NULL)
		err = morph_store_meta_get_oid(&repo->store, META_INDEX_TREE,
		    &idx->tree, &idx->tree_valid);
done:
	if (err != NULL) {
		morph_index_free(idx);
		return err;
	}
	*out = idx;
	return NULL;
}

static void
clear_removed(struct morph_index *idx)
{
	size_t i;

	for (i = 0; i < idx->nremoved; i++)
		free(idx->removed[i]);
	idx->nremoved = 0;
}

void
morph_index_free(struct morph_index *idx)
{
	size_t i;

	if (idx == NULL)
		return;
	for (i = 0; i < idx->n; i++)
		free(idx->v[i].e.path);
	free(idx->v);
	clear_removed(idx);
	free(idx->removed);
	free(idx);
}

size_t
morph_index_count(const struct morph_index *idx)
{
	return idx->n;
}

const struct morph_entry *
morph_index_get(const struct morph_index *idx, size_t i)
{
	return &idx->v[i].e;
}

/*
 * The position of path among the first n entries (which are sorted), or
 * where it would go (*found = 0).
 */
static size_t
lookup_n(const struct morph_index *idx, size_t n, const char *path,
    int *found)
{
	size_t lo = 0, hi = n, mid;
	int c;

	*found = 0;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(path, idx->v[mid].e.path);
		if (c == 0) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static size_t
lookup(const struct morph_index *idx, const char *path, int *found)
{
	return lookup_n(idx, idx->n, path, found);
}

const struct morph_entry *
morph_index_find(const struct morph_index *idx, const char *path)
{
	int found;
	size_t i = lookup(idx, path, &found);

	return found && !idx->v[i].gone ? &idx->v[i].e : NULL;
}

const struct morph_error *
morph_index_entries(struct morph_entrylist *out, const struct morph_index *idx,
    const char *const *paths, size_t npaths)
{
	const struct morph_error *err = NULL;
	size_t i;

	for (i = 0; i < idx->n && err == NULL; i++)
		if (!idx->v[i].gone && morph_pathspec_match(idx->v[i].e.path,
		    paths, npaths))
			err = morph_entrylist_add(out, idx->v[i].e.path,
			    &idx->v[i].e.id, idx->v[i].e.mode);
	return err;
}

int
morph_index_dirty(const struct morph_index *idx)
{
	size_t i;

	if (idx->replace_all || idx->nremoved > 0)
		return 1;
	for (i = 0; i < idx->n; i++)
		if (idx->v[i].dirty || idx->v[i].gone)
			return 1;
	return 0;
}

static int
cmp_ientry(const void *a, const void *b)
{
	return strcmp(((const struct ientry *)a)->e.path,
	    ((const struct ientry *)b)->e.path);
}

/* Drops entries marked gone (remembering to delete their rows), sorts. */
static const struct morph_error *
compact(struct morph_index *idx, int sort)
{
	char **nr;
	size_t i, j, cap;

	for (i = j = 0; i < idx->n; i++) {
		if (!idx->v[i].gone) {
			idx->v[j++] = idx->v[i];
			continue;
		}
		if (idx->nremoved == idx->capremoved) {
			cap = idx->capremoved ? idx->capremoved * 2 : 32;
			nr = realloc(idx->removed, cap * sizeof(*nr));
			if (nr == NULL)
				return morph_error(MORPH_ERR_NOMEM);
			idx->removed = nr;
			idx->capremoved = cap;
		}
		idx->removed[idx->nremoved++] = idx->v[i].e.path;
	}
	idx->n = j;
	if (sort && idx->n > 1)
		qsort(idx->v, idx->n, sizeof(*idx->v), cmp_ientry);
	return NULL;
}

const struct morph_error *
morph_worktree_hash_file(struct morph_oid *out, unsigned int *mode,
    struct morph_repo *repo, const char *path, int store)
{
	struct morph_buf abs = MORPH_BUF_INIT, data = MORPH_BUF_INIT;
	const struct morph_error *err;
	struct stat st;

	morph_buf_printf(&abs, "%s/%s", repo->workdir, path);
	if ((err = morph_buf_status(&abs)) != NULL)
		goto done;
	if (lstat(abs.ptr, &st) == -1) {
		err = morph_error_errno("cannot stat '%s'", path);
		goto done;
	}
	if (S_ISLNK(st.st_mode)) {
		err = morph_error_fmt(MORPH_ERR_INVALID, "'%s' is a symbolic "
		    "link; morph stores regular files only", path);
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		err = morph_error_fmt(MORPH_ERR_INVALID,
		    "'%s' is not a regular file", path);
		goto done;
	}
	*mode = (st.st_mode & 0111) ? MORPH_MODE_EXEC : MORPH_MODE_FILE;
	if ((err = morph_file_read(&data, abs.ptr, MORPH_FILE_MAX)) != NULL) {
		err = morph_error_wrap(err, "cannot add '%s'", path);
		goto done;
	}
	if (store)
		err = morph_object_write(out, repo, MORPH_OBJ_BLOB, data.ptr,
		    data.len);
	else
		morph_hash_object(out, "blob", data.ptr, data.len);
done:
	morph_buf_release(&abs);
	morph_buf_release(&data);
	return err;
}

/* Re-stages an existing entry from the file described by si. */
static const struct morph_error *
restage(struct morph_index *idx, struct ientry *ie, struct morph_repo *repo,
    const struct morph_statinfo *si)
{
	const struct morph_error *err;
	struct morph_oid id;
	unsigned int mode = 0;

	if (morph_statinfo_equal(&ie->st, si) && !ie->smudged)
		return NULL;
	err = morph_worktree_hash_file(&id, &mode, repo, ie->e.path, 1);
	if (err != NULL)
		return err;
	if (morph_oid_cmp(&ie->e.id, &id) != 0 || ie->e.mode != mode)
		touch(idx);
	ie->e.id = id;
	ie->e.mode = mode;
	ie->st = *si;
	ie->dirty = 1;
	return NULL;
}

/*
 * Marks entries among the first nsorted that conflict with a new file at
 * path as gone.
 */
static void
drop_conflicts(struct morph_index *idx, size_t nsorted, const char *path)
{
	char dir[4096];
	const char *slash;
	size_t n = strlen(path), i;
	int found;

	/* Files where a parent directory of path now is. */
	for (slash = strchr(path, '/'); slash != NULL;
	    slash = strchr(slash + 1, '/')) {
		if ((size_t)(slash - path) >= sizeof(dir))
			break;
		memcpy(dir, path, (size_t)(slash - path));
		dir[slash - path] = '\0';
		i = lookup_n(idx, nsorted, dir, &found);
		if (found)
			idx->v[i].gone = 1;
	}
	/* Files under a directory that is now the file path. */
	i = lookup_n(idx, nsorted, path, &found);
	for (; i < nsorted && strncmp(idx->v[i].e.path, path, n) == 0; i++)
		if (idx->v[i].e.path[n] == '/')
			idx->v[i].gone = 1;
}

const struct morph_error *
morph_index_add(struct morph_index *idx, struct morph_repo *repo,
    const char *path, int flags)
{
	const struct morph_error *err = NULL;
	struct morph_ignore *ig = NULL;
	struct morph_scanlist files;
	struct morph_statinfo si;
	struct ientry *ie;
	size_t i, j, nold = idx->n, plen = strlen(path), matched = 0;
	int found, exists;

	memset(&files, 0, sizeof(files));
	if (!(flags & MORPH_ADD_FORCE) &&
	    (err = morph_ignore_load(&ig, repo->workdir)) != NULL)
		return err;
	if ((err = morph_scan(&files, repo, ig, path, 0)) != NULL)
		goto done;
	if (files.n == 0 && path[0] != '\0') {
		struct morph_buf abs = MORPH_BUF_INIT;
		struct stat st;

		morph_buf_printf(&abs, "%s/%s", repo->workdir, path);
		if (morph_buf_status(&abs) == NULL &&
		    lstat(abs.ptr, &st) == 0) {
			if (S_ISLNK(st.st_mode))
				err = morph_error_fmt(MORPH_ERR_INVALID,
				    "'%s' is a symbolic link; morph stores "
				    "regular files only", path);
			else if (S_ISREG(st.st_mode) &&
			    morph_index_find(idx, path) == NULL)
				err = morph_error_fmt(MORPH_ERR_INVALID,
				    "'%s' is ignored by .morphignore; use -f "
				    "to add it anyway", path);
		}
		morph_buf_release(&abs);
		if (err != NULL)
			goto done;
	}

	/* Files in the work tree: new or possibly modified. */
	for (j = 0; j < files.n && err == NULL; j++) {
		i = lookup_n(idx, nold, files.v[j].path, &found);
		matched++;
		if (found) {
			err = restage(idx, &idx->v[i], repo, &files.v[j].st);
			continue;
		}
		if ((err = grow(idx, 1)) != NULL)
			break;
		ie = &idx->v[idx->n];
		memset(ie, 0, sizeof(*ie));
		ie->st.size = -1;
		if ((ie->e.path = strdup(files.v[j].path)) == NULL) {
			err = morph_error(MORPH_ERR_NOMEM);
			break;
		}
		idx->n++;
		touch(idx);
		if ((err = restage(idx, ie, repo, &files.v[j].st)) != NULL)
			break;
		drop_conflicts(idx, nold, ie->e.path);
	}
	if (err != NULL)
		goto done;

	/* Tracked files under path that the walk did not see. */
	i = lookup_n(idx, nold, path, &found);
	for (; i < nold; i++) {
		ie = &idx->v[i];
		if (strncmp(ie->e.path, path, plen) != 0)
			break;
		if (!morph_path_under(ie->e.path, path) || ie->gone ||
		    morph_scanlist_find(&files, ie->e.path) != NULL)
			continue;
		matched++;
		if ((err = morph_scan_stat(&si, &exists, repo,
		    ie->e.path)) != NULL)
			goto done;
		if (!exists) {
			ie->gone = 1;	/* deleted from the work tree */
			touch(idx);
		} else if ((err = restage(idx, ie, repo, &si)) != NULL)
			goto done;	/* tracked but ignored */
	}
	if (matched == 0 && path[0] != '\0')
		err = morph_error_fmt(MORPH_ERR_NOT_FOUND,
		    "pathspec '%s' did not match any files", path);
done:
	morph_ignore_free(ig);
	morph_scanlist_release(&files);
	if (err == NULL)
		err = compact(idx, 1);
	return err;
}

const struct morph_error *
morph_index_add_tracked(struct morph_index *idx, struct morph_repo *repo)
{
	const struct morph_error *err = NULL;
	struct morph_statinfo si;
	size_t i;
	int exists;

	for (i = 0; i < idx->n && err == NULL; i++) {
		err = morph_scan_stat(&si, &exists, repo, idx->v[i].e.path);
		if (err != NULL)
			break;
		if (!exists) {
			idx->v[i].gone = 1;
			touch(idx);
		} else
			err = restage(idx, &idx->v[i], repo, &si);
	}
	if (err == NULL)
		err = compact(idx, 0);
	return err;
}

const struct morph_error *
morph_index_remove(struct morph_index *idx, const char *path, int recursive,
    size_t *count)
{
	size_t i, n = 0, plen = strlen(path);
	int found;

	if (count != NULL)
		*count = 0;
	i = lookup(idx, path, &found);
	if (found) {
		idx->v[i].gone = 1;
		n++;
	} else {
		for (; i < idx->n; i++) {
			if (strncmp(idx->v[i].e.path, path, plen) != 0)
				break;
			if (!morph_path_under(idx->v[i].e.path, path))
				continue;
			if (!recursive)
				return morph_error_fmt(MORPH_ERR_INVALID,
				    "not removing '%s' recursively without -r",
				    path);
			idx->v[i].gone = 1;
			n++;
		}
	}
	if (n == 0)
		return morph_error_fmt(MORPH_ERR_NOT_FOUND,
		    "pathspec '%s' did not match any tracked files", path);
	if (count != NULL)
		*count = n;
	touch(idx);
	return compact(idx, 0);
}

const struct morph_error *
morph_index_set(struct morph_index *idx, struct morph_repo *repo,
    const char *path, const struct morph_oid *id, unsigned int mode)
{
	const struct morph_error *err;
	struct morph_statinfo si;
	struct ientry *ie;
	size_t i;
	int found, exists;

	if ((err = morph_scan_stat(&si, &exists, repo, path)) != NULL)
		return err;
	i = lookup(idx, path, &found);
	if (!found) {
		if ((err = grow(idx, 1)) != NULL)
			return err;
		memmove(&idx->v[i + 1], &idx->v[i],
		    (idx->n - i) * sizeof(*idx->v));
		idx->n++;
		ie = &idx->v[i];
		memset(ie, 0, sizeof(*ie));
		if ((ie->e.path = strdup(path)) == NULL) {
			memmove(&idx->v[i], &idx->v[i + 1],
			    (--idx->n - i) * sizeof(*idx->v));
			return morph_error(MORPH_ERR_NOMEM);
		}
	}
	ie = &idx->v[i];
	if (!found || ie->gone || morph_oid_cmp(&ie->e.id, id) != 0 ||
	    ie->e.mode != mode)
		touch(idx);
	ie->gone = 0;
	ie->e.id = *id;
	ie->e.mode = mode;
	if (exists)
		ie->st = si;
	else
		ie->st.size = -1;
	ie->dirty = 1;
	return NULL;
}

const struct morph_error *
morph_index_read_tree(struct morph_index *idx, struct morph_repo *repo,
    const struct morph_oid *tree)
{
	const struct morph_error *err;
	struct morph_entrylist files;
	size_t i;

	morph_entrylist_init(&files);
	if ((err = morph_tree_flatten(&files, repo, tree, NULL)) != NULL)
		goto done;
	for (i = 0; i < idx->n; i++)
		free(idx->v[i].e.path);
	idx->n = 0;
	clear_removed(idx);
	if ((err = grow(idx, files.n)) != NULL)
		goto done;
	for (i = 0; i < files.n; i++) {
		struct ientry *ie = &idx->v[i];

		memset(ie, 0, sizeof(*ie));
		ie->e = files.v[i];
		files.v[i].path = NULL;	/* moved */
		ie->st.size = -1;
		ie->dirty = 1;
	}
	idx->n = files.n;
	idx->replace_all = 1;
	idx->changed = 1;
	idx->tree = *tree;
	idx->tree_valid = 1;
done:
	morph_entrylist_release(&files);
	return err;
}

const struct morph_error *
morph_index_check(enum morph_wt_state *state, struct morph_index *idx,
    struct morph_repo *repo, size_t i)
{
	const struct morph_error *err;
	struct morph_statinfo si;
	int exists;

	err = morph_scan_stat(&si, &exists, repo, idx->v[i].e.path);
	if (err != NULL)
		return err;
	return morph_index_check_stat(state, idx, repo, i, exists ? &si : NULL);
}

const struct morph_error *
morph_index_check_stat(enum morph_wt_state *state, struct morph_index *idx,
    struct morph_repo *repo, size_t i, const struct morph_statinfo *sip)
{
	const struct morph_error *err;
	struct ientry *ie = &idx->v[i];
	struct morph_statinfo si;
	struct morph_oid id;
	unsigned int mode = 0;

	if (sip == NULL) {
		*state = MORPH_WT_DELETED;
		return NULL;
	}
	si = *sip;
	if (morph_statinfo_equal(&ie->st, &si) && !ie->smudged) {
		*state = MORPH_WT_CLEAN;
		return NULL;
	}
	err = morph_worktree_hash_file(&id, &mode, repo, ie->e.path, 0);
	if (err != NULL)
		return err;
	if (morph_oid_cmp(&id, &ie->e.id) != 0 || mode != ie->e.mode) {
		*state = MORPH_WT_MODIFIED;
		return NULL;
	}
	*state = MORPH_WT_CLEAN;
	ie->st = si;
	ie->dirty = 1;
	return NULL;
}

static const struct morph_error *
put_row(struct morph_repo *repo, struct ientry *ie, int64_t now)
{
	const struct morph_error *err;
	sqlite3_stmt *st = NULL;
	int rc;

	ie->smudged = ie->st.size >= 0 && ie->st.mtime > now - RACY_NS;
	if ((err = morph_store_prepare(&repo->store, sql_put, &st)) != NULL)
		return err;
	sqlite3_bind_text(st, 1, ie->e.path, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, ie->e.id.id, MORPH_OID_RAWSZ, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, (int)ie->e.mode);
	sqlite3_bind_int64(st, 4, ie->st.size);
	sqlite3_bind_int64(st, 5, ie->st.mtime);
	sqlite3_bind_int64(st, 6, ie->st.ctime);
	sqlite3_bind_int64(st, 7, ie->st.ino);
	sqlite3_bind_int(st, 8, ie->smudged);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return morph_store_error(&repo->store, rc,
		    "cannot write the index");
	return NULL;
}

static const struct morph_error *
del_row(struct morph_repo *repo, const char *sql, const char *path)
{
	const struct morph_error *err;
	sqlite3_stmt *st = NULL;
	int rc;

	if ((err = morph_store_prepare(&repo->store, sql, &st)) != NULL)
		return err;
	if (path != NULL)
		sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return morph_store_error(&repo->store, rc,
		    "cannot write the index");
	return NULL;
}

const struct morph_error *
morph_index_write(struct morph_index *idx, struct morph_repo *repo)
{
	const struct morph_error *err;
	struct timespec ts;
	int64_t now;
	size_t i;

	if ((err = compact(idx, 0)) != NULL)
		return err;
	clock_gettime(CLOCK_REALTIME, &ts);
	now = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
	if ((err = morph_store_begin(&repo->store)) != NULL)
		return err;
	if (idx->replace_all)
		err = del_row(repo, sql_clear, NULL);
	for (i = 0; i < idx->nremoved && err == NULL && !idx->replace_all;
	    i++)
		err = del_row(repo, sql_del, idx->removed[i]);
	for (i = 0; i < idx->n && err == NULL; i++)
		if (idx->v[i].dirty || idx->replace_all)
			err = put_row(repo, &idx->v[i], now);
	if (err == NULL && (idx->changed || idx->tree_valid))
		err = morph_store_meta_set_oid(&repo->store, META_INDEX_TREE,
		    idx->tree_valid ? &idx->tree : NULL);
	if (err != NULL) {
		morph_store_rollback(&repo->store);
		return err;
	}
	if ((err = morph_store_commit(&repo->store)) != NULL)
		return err;
	for (i = 0; i < idx->n; i++)
		idx->v[i].dirty = 0;
	clear_removed(idx);
	idx->replace_all = 0;
	idx->changed = 0;
	return NULL;
}

void
morph_index_write_opportunistic(struct morph_index *idx,
    struct morph_repo *repo)
{
	if (!morph_index_dirty(idx) || repo->store.depth > 0)
		return;
	sqlite3_busy_timeout(repo->store.db, 0);
	(void)morph_index_write(idx, repo);
	sqlite3_busy_timeout(repo->store.db, repo->store.busy_ms);
}

const struct morph_error *
morph_index_write_tree(struct morph_oid *out, struct morph_index *idx,
    struct morph_repo *repo)
{
	const struct morph_error *err;
	struct morph_entry *v;
	size_t i;

	if ((err = compact(idx, 0)) != NULL)
		return err;
	if (idx->n == 0)
		err = morph_tree_write(out, repo, NULL, 0);
	else {
		if ((v = calloc(idx->n, sizeof(*v))) == NULL)
			return morph_error(MORPH_ERR_NOMEM);
		for (i = 0; i < idx->n; i++)
			v[i] = idx->v[i].e;
		err = morph_tree_write(out, repo, v, idx->n);
		free(v);
	}
	if (err == NULL) {
		idx->tree = *out;
		idx->tree_valid = 1;
	}
	return err;
}

int
morph_index_tree(const struct morph_index *idx, struct morph_oid *out)
{
	if (!idx->tree_valid)
		return 0;
	*out = idx->tree;
	return 1;
}
