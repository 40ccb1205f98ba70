/*
 * The index (see index.h for its invariants): one binary record in the
 * meta table, loaded whole, changed in memory and written whole, as git
 * writes its index file.  One record costs one row to read, where a row
 * a file cost more than the rest of morph status.
 *
 * The record is described in morph-repository(5): version 2 stores each
 * path as the bytes it shares with the one before and the rest, and the
 * stat fields as varints, times and inodes as differences; version 1,
 * fixed-size fields, is still read.
 * Entries are sorted by path.
 */
#include <sys/stat.h>

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "morph/index.h"
#include "morph/status.h"
#include "ignore_int.h"
#include "path_int.h"
#include "pending_int.h"
#include "repo_int.h"
#include "index_int.h"
#include "scan_int.h"

/*
 * Files modified this close to the moment the index was loaded are
 * smudged (invariant 3): the kernel stamps files from a clock that ticks
 * every few milliseconds, and some file systems keep whole seconds.
 */
#define RACY_NS		50000000LL
#define RACY_COARSE_NS	2000000000LL

struct ientry {
	struct morph_entry	e;	/* first: handed out as morph_entry */
	struct morph_statinfo	st;	/* st.size < 0: unknown */
	int			smudged;
	int			dirty;	/* st recorded now: re-judge smudging */
	int			gone;	/* to be removed */
	int			in_arena; /* e.path is in idx->arena */
};

struct morph_index {
	struct ientry	*v;
	size_t		 n;
	size_t		 cap;
	int		 modified;	/* anything to save */
	struct morph_oid tree;		/* the tree of the entries ... */
	int		 tree_valid;	/* ... when this is set */
	int64_t		 loaded_ns;	/* before any stat of this process */
	char		**blocks;	/* the paths read from the record */
	size_t		 nblocks;
	size_t		 room;		/* left in the last block */
	char		*at;		/* where in it */
	char		**skipped;	/* "'path': why", for the caller */
	size_t		 nskipped;
};

/* Frees what an entry owns. */
static void
drop_path(struct ientry *ie)
{
	if (!ie->in_arena)
		free(ie->e.path);
	ie->e.path = NULL;
}

#define META_INDEX	"index"
#define INDEX_MAGIC	"MIDX"
#define INDEX_VERSION	2		/* 1 is read too */
#define INDEX_FLAG_TREE	0x1

/* Version 2: an entry's flag byte. */
#define E_MODE_MASK	0x3		/* 0100644, 0100755, 0120000, or */
#define E_MODE_OTHER	0x3		/* ... a varint mode follows */
#define E_SMUDGED	0x4
#define E_CTIME_SAME	0x8		/* ctime == mtime: not stored */

/* Paths read from the record live in blocks of at least this much. */
#define PATH_BLOCK	(64 * 1024)

/* An entry's content changed: the cached tree id no longer holds. */
static void
touch(struct morph_index *idx)
{
	idx->modified = 1;
	idx->tree_valid = 0;
}

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

/* A little-endian reader over the record; fails once past the end. */
struct reader {
	const unsigned char	*p;
	size_t			 left;
	int			 bad;
};

static const void *
take(struct reader *r, size_t n)
{
	const void *at = r->p;

	if (r->bad || n > r->left) {
		r->bad = 1;
		return NULL;
	}
	r->p += n;
	r->left -= n;
	return at;
}

static uint64_t
take_le(struct reader *r, size_t n)
{
	const unsigned char *b = take(r, n);
	uint64_t v = 0;

	while (b != NULL && n-- > 0)
		v = v << 8 | b[n];
	return v;
}

/* Room for a path of n bytes with its NUL, in idx's blocks. */
static char *
path_alloc(struct morph_index *idx, size_t n)
{
	size_t size = n + 1 > PATH_BLOCK ? n + 1 : PATH_BLOCK;
	char **nv, *b, *at;

	if (n + 1 > idx->room) {
		nv = realloc(idx->blocks, (idx->nblocks + 1) * sizeof(*nv));
		if (nv == NULL)
			return NULL;
		idx->blocks = nv;
		if ((b = malloc(size)) == NULL)
			return NULL;
		idx->blocks[idx->nblocks++] = b;
		idx->at = b;
		idx->room = size;
	}
	at = idx->at;
	idx->at += n + 1;
	idx->room -= n + 1;
	return at;
}

static uint64_t
take_varint(struct reader *r)
{
	uint64_t v = 0;
	unsigned int shift = 0;
	const unsigned char *b;

	do {
		if ((b = take(r, 1)) == NULL || shift > 63) {
			r->bad = 1;
			return 0;
		}
		v |= (uint64_t)(*b & 0x7f) << shift;
		shift += 7;
	} while (*b & 0x80);
	return v;
}

static int64_t
unzigzag(uint64_t v)
{
	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

static uint64_t
zigzag(int64_t v)
{
	return ((uint64_t)v << 1) ^ (v < 0 ? UINT64_MAX : 0);
}

static const unsigned int mode_of_class[3] = { 0100644, 0100755, 0120000 };

/*
 * Reads one entry of version 2 into ie: its path as the bytes it shares
 * with prev (the path before, NULL for the first) and the rest; stat
 * fields as varints, times and inodes as differences from the entry
 * before (*mtime, *ino).  Returns 0, -1 on damage, -2 without memory.
 */
static int
read_v2(struct morph_index *idx, struct reader *r, struct ientry *ie,
    const char *prev, size_t prevlen, int64_t *mtime, int64_t *ino)
{
	const unsigned char *id, *suffix;
	uint64_t shared, slen;
	unsigned int f;

	shared = take_varint(r);
	slen = take_varint(r);
	suffix = take(r, slen <= r->left ? (size_t)slen : r->left + 1);
	id = take(r, MORPH_OID_RAWSZ);
	f = (unsigned int)take_le(r, 1);
	ie->e.mode = (f & E_MODE_MASK) == E_MODE_OTHER ?
	    (unsigned int)take_varint(r) : mode_of_class[f & E_MODE_MASK];
	ie->smudged = (f & E_SMUDGED) != 0;
	ie->st.size = unzigzag(take_varint(r));
	/* Unsigned: a damaged record must not overflow. */
	*mtime = (int64_t)((uint64_t)*mtime +
	    (uint64_t)unzigzag(take_varint(r)));
	ie->st.mtime = *mtime;
	ie->st.ctime = *mtime;
	if (!(f & E_CTIME_SAME))
		ie->st.ctime = (int64_t)((uint64_t)*mtime +
		    (uint64_t)unzigzag(take_varint(r)));
	*ino = (int64_t)((uint64_t)*ino + (uint64_t)unzigzag(take_varint(r)));
	ie->st.ino = *ino;
	if (r->bad || shared > prevlen || shared + slen == 0 ||
	    memchr(suffix, '\0', (size_t)slen) != NULL)
		return -1;
	if ((ie->e.path = path_alloc(idx, (size_t)(shared + slen))) == NULL)
		return -2;
	ie->in_arena = 1;
	if (shared > 0)
		memcpy(ie->e.path, prev, (size_t)shared);
	memcpy(ie->e.path + shared, suffix, (size_t)slen);
	ie->e.path[shared + slen] = '\0';
	memcpy(ie->e.id.id, id, MORPH_OID_RAWSZ);
	return 0;
}

/* Reads one entry of version 1 into ie; -1 as read_v2. */
static int
read_v1(struct morph_index *idx, struct reader *r, struct ientry *ie)
{
	const unsigned char *id, *path;
	uint64_t plen;

	plen = take_le(r, 4);
	path = take(r, (size_t)plen);
	id = take(r, MORPH_OID_RAWSZ);
	ie->e.mode = (unsigned int)take_le(r, 4);
	ie->st.size = (int64_t)take_le(r, 8);
	ie->st.mtime = (int64_t)take_le(r, 8);
	ie->st.ctime = (int64_t)take_le(r, 8);
	ie->st.ino = (int64_t)take_le(r, 8);
	ie->smudged = take_le(r, 1) != 0;
	if (r->bad || plen == 0 || memchr(path, '\0', (size_t)plen))
		return -1;
	if ((ie->e.path = path_alloc(idx, (size_t)plen)) == NULL)
		return -2;
	ie->in_arena = 1;
	memcpy(ie->e.path, path, (size_t)plen);
	ie->e.path[plen] = '\0';
	memcpy(ie->e.id.id, id, MORPH_OID_RAWSZ);
	return 0;
}

static const struct morph_error *
parse(struct morph_index *idx, const unsigned char *data, size_t len)
{
	struct reader r = { data, len, 0 };
	const unsigned char *magic, *id;
	const char *prev = NULL;
	struct ientry *ie;
	uint64_t count, flags, i, version;
	int64_t mtime = 0, ino = 0;
	size_t prevlen = 0;
	int bad;

	magic = take(&r, 4);
	version = take_le(&r, 4);
	if (magic == NULL || memcmp(magic, INDEX_MAGIC, 4) != 0 ||
	    (version != 1 && version != 2))
		return morph_error_fmt(MORPH_ERR_CORRUPT,
		    "the index is damaged or of an unknown version");
	flags = take_le(&r, 4);
	if ((id = take(&r, MORPH_OID_RAWSZ)) != NULL)
		memcpy(idx->tree.id, id, MORPH_OID_RAWSZ);
	idx->tree_valid = (flags & INDEX_FLAG_TREE) != 0;
	count = take_le(&r, 4);
	/* An entry takes 21 bytes at least. */
	if (r.bad || count > len / 21)
		return morph_error_fmt(MORPH_ERR_CORRUPT,
		    "the index is damaged");
	if (count > 0 && grow(idx, (size_t)count) != NULL)
		return morph_error(MORPH_ERR_NOMEM);
	for (i = 0; i < count; i++) {
		ie = &idx->v[idx->n];
		memset(ie, 0, sizeof(*ie));
		bad = version == 2 ? read_v2(idx, &r, ie, prev, prevlen,
		    &mtime, &ino) : read_v1(idx, &r, ie);
		if (bad == -2)
			return morph_error(MORPH_ERR_NOMEM);
		if (bad)
			return morph_error_fmt(MORPH_ERR_CORRUPT, "the index "
			    "is damaged at entry %llu", (unsigned long long)i);
		/* Invariant 1: sorted and unique. */
		if (prev != NULL && strcmp(prev, ie->e.path) >= 0)
			return morph_error_fmt(MORPH_ERR_CORRUPT, "the index "
			    "is damaged: entries out of order at '%s'", prev);
		ie->st.mode = ie->e.mode;
		prev = ie->e.path;
		prevlen = strlen(prev);
		idx->n++;
	}
	if (r.left != 0)
		return morph_error_fmt(MORPH_ERR_CORRUPT,
		    "the index is damaged: trailing bytes");
	return NULL;
}

static const struct morph_error *
parse_record(const void *data, size_t len, void *arg)
{
	return parse(arg, data, len);
}

/* A new empty index, stamped with the time it was loaded. */
static struct morph_index *
index_new(void)
{
	struct morph_index *idx;
	struct timespec ts;

	if ((idx = calloc(1, sizeof(*idx))) == NULL)
		return NULL;
	clock_gettime(CLOCK_REALTIME, &ts);
	idx->loaded_ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
	return idx;
}

const struct morph_error *
morph_index_parse(struct morph_index **out, const void *data, size_t len)
{
	const struct morph_error *err;
	struct morph_index *idx;

	*out = NULL;
	if ((idx = index_new()) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	if ((err = parse(idx, data, len)) != NULL) {
		morph_index_free(idx);
		return err;
	}
	*out = idx;
	return NULL;
}

const struct morph_error *
morph_index_open(struct morph_index **out, struct morph_repo *repo)
{
	const struct morph_error *err;
	struct morph_index *idx;
	int found;

	*out = NULL;
	if ((idx = index_new()) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	/* Parsed where SQLite holds it: a large index is not copied. */
	err = morph_store_meta_read_blob(&repo->store, META_INDEX,
	    parse_record, idx, &found);
	if (err != NULL) {
		morph_index_free(idx);
		return err;
	}
	*out = idx;
	return NULL;
}

void
morph_index_free(struct morph_index *idx)
{
	size_t i;

	if (idx == NULL)
		return;
	for (i = 0; i < idx->n; i++)
		drop_path(&idx->v[i]);
	free(idx->v);
	for (i = 0; i < idx->nblocks; i++)
		free(idx->blocks[i]);
	free(idx->blocks);
	for (i = 0; i < idx->nskipped; i++)
		free(idx->skipped[i]);
	free(idx->skipped);
	free(idx);
}

size_t
morph_index_nskipped(const struct morph_index *idx)
{
	return idx->nskipped;
}

const char *
morph_index_skipped(const struct morph_index *idx, size_t i)
{
	return i < idx->nskipped ? idx->skipped[i] : NULL;
}

/* Adds "'path': why" to what the caller is told was skipped, once. */
static const struct morph_error *
note_skipped(struct morph_index *idx, const struct morph_scanskip *sk)
{
	struct morph_buf b = MORPH_BUF_INIT;
	char **nv, *s;
	size_t i;

	morph_buf_putc(&b, '\'');
	morph_path_printable(&b, sk->path);
	morph_buf_printf(&b, "': %s", sk->why);
	if ((s = morph_buf_detach(&b, NULL)) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	for (i = 0; i < idx->nskipped; i++) {
		if (strcmp(idx->skipped[i], s) == 0) {
			free(s);
			return NULL;
		}
	}
	if ((nv = realloc(idx->skipped, (idx->nskipped + 1) *
	    sizeof(*nv))) == NULL) {
		free(s);
		return morph_error(MORPH_ERR_NOMEM);
	}
	idx->skipped = nv;
	idx->skipped[idx->nskipped++] = s;
	return NULL;
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
	return idx->modified;
}

static int
cmp_ientry(const void *a, const void *b)
{
	return strcmp(((const struct ientry *)a)->e.path,
	    ((const struct ientry *)b)->e.path);
}

/* Drops entries marked gone, and sorts. */
static const struct morph_error *
compact(struct morph_index *idx, int sort)
{
	size_t i, j;

	for (i = j = 0; i < idx->n; i++) {
		if (!idx->v[i].gone) {
			idx->v[j++] = idx->v[i];
			continue;
		}
		drop_path(&idx->v[i]);
		idx->modified = 1;
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
	struct morph_buf data = MORPH_BUF_INIT;
	const struct morph_error *err;
	struct stat st;

	if (fstatat(repo->wdfd, path, &st, AT_SYMLINK_NOFOLLOW) == -1) {
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
	if ((err = morph_file_read_at(&data, repo->wdfd, path,
	    MORPH_FILE_MAX)) != NULL) {
		err = morph_error_wrap(err, "cannot add '%s'", path);
		goto done;
	}
	if (store)
		err = morph_object_write(out, repo, MORPH_OBJ_BLOB, data.ptr,
		    data.len);
	else
		morph_hash_object(out, "blob", data.ptr, data.len);
done:
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
	idx->modified = 1;
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
	int found, exists, ignored_dir = 0;

	memset(&files, 0, sizeof(files));
	if (!(flags & MORPH_ADD_FORCE) &&
	    (err = morph_ignore_load(&ig, repo->workdir)) != NULL)
		return err;
	if ((err = morph_scan(&files, repo, ig, path,
	    MORPH_SCAN_SKIPPED)) != NULL)
		goto done;
	for (j = 0; j < files.nskip && err == NULL; j++)
		err = note_skipped(idx, &files.skip[j]);
	if (err != NULL)
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
			else if (S_ISDIR(st.st_mode))
				ignored_dir = morph_ignore_match_path(ig, path,
				    1);
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
	if (matched == 0 && ignored_dir)
		err = morph_error_fmt(MORPH_ERR_INVALID, "'%s' is ignored by "
		    ".morphignore; use -f to add it anyway", path);
	else if (matched == 0 && files.nskip > 0)
		err = morph_error_fmt(MORPH_ERR_INVALID, "'%s' holds only "
		    "files morph cannot track, such as %s", path,
		    idx->skipped[idx->nskipped - 1]);
	else if (matched == 0 && path[0] != '\0')
		err = morph_error_fmt(MORPH_ERR_NOT_FOUND,
		    "pathspec '%s' did not match any files", path);
done:
	morph_ignore_free(ig);
	morph_scanlist_release(&files);
	if (err == NULL)
		err = compact(idx, 1);
	return err;
}

/* Entries a thread stats, at least: fewer are not worth a thread. */
#define PRELOAD_MIN	1000
#define PRELOAD_THREADS	8
/* Entries taken at a time: threads take chunks until none is left. */
#define PRELOAD_CHUNK	256

struct morph_preload {
	const struct morph_index *idx;
	int			 wdfd;
	size_t			 next;		/* first chunk not taken */
	struct morph_statinfo	*st;
	unsigned char		*exists;
	pthread_mutex_t		 lock;		/* for the error */
	int			 errnum;	/* first failure */
	size_t			 errat;
	pthread_t		 tids[PRELOAD_THREADS];
	size_t			 nthreads;
};

/*
 * Stats the files of entries [from, to).  Entries are sorted, so the
 * files of a directory are consecutive: each is stat'ed relative to its
 * directory, opened once, which spares the kernel a walk of the whole
 * path per file.
 */
static void
preload_chunk(struct morph_preload *p, size_t from, size_t to)
{
	const char *path, *slash, *dir = NULL;
	size_t dirlen = 0, i;
	struct stat sb;
	char *dbuf;
	int dfd = -1, r;

	for (i = from; i < to; i++) {
		path = p->idx->v[i].e.path;
		p->exists[i] = 0;
		slash = strrchr(path, '/');
		if (slash == NULL) {
			r = fstatat(p->wdfd, path, &sb, AT_SYMLINK_NOFOLLOW);
		} else {
			if (dir == NULL || (size_t)(slash - path) != dirlen ||
			    memcmp(dir, path, dirlen) != 0) {
				if (dfd != -1)
					close(dfd);
				dir = path;
				dirlen = (size_t)(slash - path);
				dfd = -1;
				if ((dbuf = strndup(path, dirlen)) != NULL) {
					dfd = openat(p->wdfd, dbuf, O_RDONLY |
					    O_DIRECTORY | O_CLOEXEC);
					free(dbuf);
				}
			}
			/* No directory: the same answers from the root. */
			r = dfd != -1 ? fstatat(dfd, slash + 1, &sb,
			    AT_SYMLINK_NOFOLLOW) : fstatat(p->wdfd, path, &sb,
			    AT_SYMLINK_NOFOLLOW);
		}
		if (r == -1) {
			if (errno != ENOENT && errno != ENOTDIR) {
				pthread_mutex_lock(&p->lock);
				if (p->errnum == 0 || i < p->errat) {
					p->errnum = errno;
					p->errat = i;
				}
				pthread_mutex_unlock(&p->lock);
			}
			continue;
		}
		if (S_ISREG(sb.st_mode)) {
			morph_statinfo_from(&p->st[i], &sb);
			p->exists[i] = 1;
		}
	}
	if (dfd != -1)
		close(dfd);
}

/* Takes chunks until none is left. */
static void *
preload_run(void *arg)
{
	struct morph_preload *p = arg;
	size_t c, from;

	for (;;) {
		c = __atomic_fetch_add(&p->next, 1, __ATOMIC_RELAXED);
		from = c * PRELOAD_CHUNK;
		if (from >= p->idx->n)
			return NULL;
		preload_chunk(p, from, from + PRELOAD_CHUNK < p->idx->n ?
		    from + PRELOAD_CHUNK : p->idx->n);
	}
}

const struct morph_error *
morph_index_preload_begin(struct morph_preload **out, struct morph_index *idx,
    struct morph_repo *repo)
{
	struct morph_preload *pl;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	size_t k, want;

	*out = NULL;
	if ((pl = calloc(1, sizeof(*pl))) == NULL ||
	    (pl->st = calloc(idx->n ? idx->n : 1, sizeof(*pl->st))) == NULL ||
	    (pl->exists = calloc(idx->n ? idx->n : 1, 1)) == NULL) {
		if (pl != NULL)
			free(pl->st);
		free(pl);
		return morph_error(MORPH_ERR_NOMEM);
	}
	pl->idx = idx;
	pl->wdfd = repo->wdfd;
	pthread_mutex_init(&pl->lock, NULL);
	/*
	 * A thread for each processor on a large index; the caller joins
	 * them in morph_index_preload_end when its own work is done.
	 */
	want = idx->n / PRELOAD_MIN;
	if (want > (size_t)(ncpu > 0 ? ncpu : 1))
		want = (size_t)(ncpu > 0 ? ncpu : 1);
	if (want > PRELOAD_THREADS)
		want = PRELOAD_THREADS;
	for (k = 0; k < want; k++) {
		if (pthread_create(&pl->tids[pl->nthreads], NULL, preload_run,
		    pl) != 0)
			break;		/* the caller does the rest */
		pl->nthreads++;
	}
	*out = pl;
	return NULL;
}

const struct morph_error *
morph_index_preload_end(struct morph_preload *pl, struct morph_statinfo **stp,
    unsigned char **existsp)
{
	const struct morph_error *err = NULL;
	size_t k;

	*stp = NULL;
	*existsp = NULL;
	preload_run(pl);		/* help with what is left */
	for (k = 0; k < pl->nthreads; k++)
		pthread_join(pl->tids[k], NULL);
	if (pl->errnum != 0) {
		errno = pl->errnum;
		err = morph_error_errno("cannot stat '%s'",
		    pl->idx->v[pl->errat].e.path);
		free(pl->st);
		free(pl->exists);
	} else {
		*stp = pl->st;
		*existsp = pl->exists;
	}
	pthread_mutex_destroy(&pl->lock);
	free(pl);
	return err;
}

const struct morph_error *
morph_index_preload(struct morph_index *idx, struct morph_repo *repo,
    struct morph_statinfo **stp, unsigned char **existsp)
{
	const struct morph_error *err;
	struct morph_preload *pl;

	*stp = NULL;
	*existsp = NULL;
	if ((err = morph_index_preload_begin(&pl, idx, repo)) != NULL)
		return err;
	return morph_index_preload_end(pl, stp, existsp);
}

const struct morph_error *
morph_index_add_tracked(struct morph_index *idx, struct morph_repo *repo)
{
	const struct morph_error *err;
	struct morph_statinfo *st;
	unsigned char *exists;
	size_t i;

	if ((err = morph_index_preload(idx, repo, &st, &exists)) != NULL)
		return err;
	for (i = 0; i < idx->n && err == NULL; i++) {
		if (!exists[i]) {
			idx->v[i].gone = 1;
			touch(idx);
		} else
			err = restage(idx, &idx->v[i], repo, &st[i]);
	}
	free(st);
	free(exists);
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
		    "pathspec '%s' did not match any tracked files",
		    path[0] != '\0' ? path : ".");
	if (count != NULL)
		*count = n;
	touch(idx);
	return compact(idx, 0);
}

/* Sets path to id and mode with the stat fields si (NULL: unknown). */
static const struct morph_error *
set_entry(struct morph_index *idx, const char *path,
    const struct morph_oid *id, unsigned int mode,
    const struct morph_statinfo *si)
{
	const struct morph_error *err;
	struct ientry *ie;
	size_t i;
	int found;

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
	if (si != NULL)
		ie->st = *si;
	else
		ie->st.size = -1;
	ie->dirty = 1;
	idx->modified = 1;
	return NULL;
}

const struct morph_error *
morph_index_set(struct morph_index *idx, struct morph_repo *repo,
    const char *path, const struct morph_oid *id, unsigned int mode)
{
	const struct morph_error *err;
	struct morph_statinfo si;
	int exists;

	if ((err = morph_scan_stat(&si, &exists, repo, path)) != NULL)
		return err;
	return set_entry(idx, path, id, mode, exists ? &si : NULL);
}

const struct morph_error *
morph_index_set_unknown(struct morph_index *idx, const char *path,
    const struct morph_oid *id, unsigned int mode)
{
	return set_entry(idx, path, id, mode, NULL);
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
		drop_path(&idx->v[i]);
	idx->n = 0;
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
	idx->modified = 1;
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
	idx->modified = 1;
	return NULL;
}

static void
put_le(struct morph_buf *b, uint64_t v, size_t n)
{
	unsigned char out[8];
	size_t i;

	for (i = 0; i < n; i++, v >>= 8)
		out[i] = (unsigned char)(v & 0xff);
	morph_buf_put(b, out, n);
}

static unsigned char *
put_varint(unsigned char *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	*p++ = (unsigned char)v;
	return p;
}

const struct morph_error *
morph_index_write(struct morph_index *idx, struct morph_repo *repo)
{
	struct morph_buf rec = MORPH_BUF_INIT;
	const struct morph_error *err;
	struct ientry *ie;
	int64_t mtime = 0, ino = 0;
	const char *prev = "";
	size_t i, plen, shared, room = 32;
	unsigned char *p;
	unsigned int f;

	/* Not while a checkout is unfinished (pending_int.h invariant 1). */
	if ((err = morph_pending_refuse(repo, "cannot change the index")))
		return err;
	if ((err = compact(idx, 0)) != NULL)
		return err;
	/* An entry takes its path and 7 varints, 16 + 1 bytes at most. */
	for (i = 0; i < idx->n; i++)
		room += strlen(idx->v[i].e.path) + 7 * 10 + 17;
	morph_buf_put(&rec, INDEX_MAGIC, 4);
	put_le(&rec, INDEX_VERSION, 4);
	put_le(&rec, idx->tree_valid ? INDEX_FLAG_TREE : 0, 4);
	morph_buf_put(&rec, idx->tree.id, MORPH_OID_RAWSZ);
	put_le(&rec, idx->n, 4);
	morph_buf_grow(&rec, room);
	if ((err = morph_buf_status(&rec)) != NULL)
		return err;
	p = (unsigned char *)rec.ptr + rec.len;
	for (i = 0; i < idx->n; i++) {
		ie = &idx->v[i];
		/*
		 * Invariant 3: stat fields recorded now are judged now,
		 * against the moment the index was loaded, which is before
		 * any of them was taken; an entry smudged before stays so
		 * until it is hashed again.
		 */
		if (ie->dirty)
			ie->smudged = ie->st.size >= 0 && ie->st.mtime >
			    idx->loaded_ns - (ie->st.mtime % 1000000000 == 0 ?
			    RACY_COARSE_NS : RACY_NS);
		plen = strlen(ie->e.path);
		for (shared = 0; prev[shared] != '\0' &&
		    prev[shared] == ie->e.path[shared]; shared++)
			;
		p = put_varint(p, shared);
		p = put_varint(p, plen - shared);
		memcpy(p, ie->e.path + shared, plen - shared);
		p += plen - shared;
		memcpy(p, ie->e.id.id, MORPH_OID_RAWSZ);
		p += MORPH_OID_RAWSZ;
		f = ie->e.mode == mode_of_class[0] ? 0 :
		    ie->e.mode == mode_of_class[1] ? 1 :
		    ie->e.mode == mode_of_class[2] ? 2 : E_MODE_OTHER;
		if (ie->smudged)
			f |= E_SMUDGED;
		if (ie->st.ctime == ie->st.mtime)
			f |= E_CTIME_SAME;
		*p++ = (unsigned char)f;
		if ((f & E_MODE_MASK) == E_MODE_OTHER)
			p = put_varint(p, ie->e.mode);
		p = put_varint(p, zigzag(ie->st.size));
		p = put_varint(p, zigzag((int64_t)((uint64_t)ie->st.mtime -
		    (uint64_t)mtime)));
		mtime = ie->st.mtime;
		if (!(f & E_CTIME_SAME))
			p = put_varint(p, zigzag((int64_t)(
			    (uint64_t)ie->st.ctime - (uint64_t)ie->st.mtime)));
		p = put_varint(p, zigzag((int64_t)((uint64_t)ie->st.ino -
		    (uint64_t)ino)));
		ino = ie->st.ino;
		prev = ie->e.path;
	}
	rec.len = (size_t)(p - (unsigned char *)rec.ptr);
	err = morph_store_meta_set_blob(&repo->store, META_INDEX, rec.ptr,
	    rec.len);
	morph_buf_release(&rec);
	if (err != NULL)
		return morph_error_wrap(err, "cannot write the index");
	for (i = 0; i < idx->n; i++)
		idx->v[i].dirty = 0;
	idx->modified = 0;
	return NULL;
}

void
morph_index_write_opportunistic(struct morph_index *idx,
    struct morph_repo *repo)
{
	if (!morph_index_dirty(idx) || repo->store.depth > 0)
		return;
	morph_store_busy(&repo->store, 0);
	(void)morph_index_write(idx, repo);
	morph_store_busy(&repo->store, repo->store.busy_ms);
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
