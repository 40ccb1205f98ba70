/*
 * Git objects staged in memory, then kept in one pack (see
 * gitstage_int.h): an object database backend that records what is
 * written to the mempack it wraps.
 */
#include <stdlib.h>
#include <string.h>

#include "gitbridge_int.h"
#include "gitstage_int.h"

/* Above the priorities of libgit2's own backends (loose 1, packs 2). */
#define STAGE_PRIORITY	1000

struct morph_gitstage {
	git_odb_backend	 parent;	/* first: libgit2 sees this */
	git_odb_backend	*mem;		/* a mempack */
	git_oid		*ids;		/* written, in order */
	size_t		 n;
	size_t		 cap;
};

static int
st_read(void **data, size_t *len, git_object_t *type, git_odb_backend *b,
    const git_oid *id)
{
	git_odb_backend *mem = ((struct morph_gitstage *)b)->mem;

	return mem->read(data, len, type, mem, id);
}

static int
st_read_header(size_t *len, git_object_t *type, git_odb_backend *b,
    const git_oid *id)
{
	git_odb_backend *mem = ((struct morph_gitstage *)b)->mem;

	return mem->read_header(len, type, mem, id);
}

static int
st_exists(git_odb_backend *b, const git_oid *id)
{
	git_odb_backend *mem = ((struct morph_gitstage *)b)->mem;

	return mem->exists(mem, id);
}

static int
st_write(git_odb_backend *b, const git_oid *id, const void *data, size_t len,
    git_object_t type)
{
	struct morph_gitstage *st = (struct morph_gitstage *)b;
	git_oid *nv;
	int rc;

	if (st->n == st->cap) {
		st->cap = st->cap ? 2 * st->cap : 1024;
		if ((nv = realloc(st->ids, st->cap * sizeof(*nv))) == NULL) {
			git_error_set_str(GIT_ERROR_NOMEMORY, "out of memory");
			return -1;
		}
		st->ids = nv;
	}
	if ((rc = st->mem->write(st->mem, id, data, len, type)) == 0)
		st->ids[st->n++] = *id;
	return rc;
}

static void
st_free(git_odb_backend *b)
{
	struct morph_gitstage *st = (struct morph_gitstage *)b;

	st->mem->free(st->mem);
	free(st->ids);
	free(st);
}

const struct morph_error *
morph_gitstage_attach(struct morph_gitstage **out, git_repository *git)
{
	struct morph_gitstage *st;
	git_odb *odb = NULL;
	int rc;

	*out = NULL;
	if ((st = calloc(1, sizeof(*st))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	if ((rc = git_odb_init_backend(&st->parent,
	    GIT_ODB_BACKEND_VERSION)) < 0 || (rc = git_mempack_new(&st->mem)) < 0) {
		free(st);
		return morph_git_error(rc, "cannot stage git objects");
	}
	st->parent.read = st_read;
	st->parent.read_header = st_read_header;
	st->parent.exists = st_exists;
	st->parent.write = st_write;
	st->parent.free = st_free;
	if ((rc = git_repository_odb(&odb, git)) < 0 ||
	    (rc = git_odb_add_backend(odb, &st->parent,
	    STAGE_PRIORITY)) < 0) {
		git_odb_free(odb);
		st_free(&st->parent);
		return morph_git_error(rc, "cannot stage git objects");
	}
	git_odb_free(odb);
	*out = st;
	return NULL;
}

const struct morph_error *
morph_gitstage_write(git_oid *out, struct morph_gitstage *st, const void *data,
    size_t len, git_object_t type)
{
	int rc;

	if ((rc = git_odb_hash(out, data, len, type)) < 0)
		return morph_git_error(rc, "cannot hash a git object");
	/* Not git_odb_write: it rereads the pack folder for each new one. */
	if (git_odb_exists_ext(st->parent.odb, out, GIT_ODB_LOOKUP_NO_REFRESH))
		return NULL;
	if ((rc = st_write(&st->parent, out, data, len, type)) < 0)
		return morph_git_error(rc, "cannot write a git object");
	return NULL;
}

/* Writes a whole pack file to git's own files, in one piece. */
static const struct morph_error *
add_pack(git_repository *git, const void *pack, size_t len)
{
	const struct morph_error *err = NULL;
	git_odb_writepack *wp = NULL;
	git_indexer_progress st;
	git_odb *odb = NULL;
	int rc;

	/* The stage has no writepack: the pack goes to the pack folder. */
	memset(&st, 0, sizeof(st));
	if ((rc = git_repository_odb(&odb, git)) < 0 ||
	    (rc = git_odb_write_pack(&wp, odb, NULL, NULL)) < 0 ||
	    (rc = wp->append(wp, pack, len, &st)) < 0 ||
	    (rc = wp->commit(wp, &st)) < 0)
		err = morph_git_error(rc, "cannot write a pack");
	if (wp != NULL)
		wp->free(wp);
	git_odb_free(odb);
	return err;
}

const struct morph_error *
morph_gitstage_keep(struct morph_gitstage *st, git_repository *git)
{
	const struct morph_error *err = NULL;
	git_repository *disk = NULL;
	git_packbuilder *pb = NULL;
	git_buf pack = { NULL, 0, 0 };
	git_odb *files = NULL;
	size_t i, missing = 0;
	int rc;

	if (st->n == 0)
		return NULL;
	/* A second handle sees the repository's files only. */
	if ((rc = git_repository_open_bare(&disk,
	    git_repository_path(git))) < 0 ||
	    (rc = git_repository_odb(&files, disk)) < 0 ||
	    (rc = git_packbuilder_new(&pb, git)) < 0) {
		err = morph_git_error(rc, "cannot keep git objects");
		goto done;
	}
	git_packbuilder_set_threads(pb, 0);
	for (i = 0; i < st->n; i++) {
		if (git_odb_exists(files, &st->ids[i]))
			continue;
		if ((rc = git_packbuilder_insert(pb, &st->ids[i], NULL)) < 0) {
			err = morph_git_error(rc, "cannot keep git objects");
			goto done;
		}
		missing++;
	}
	if (missing > 0) {
		if ((rc = git_packbuilder_write_buf(&pack, pb)) < 0) {
			err = morph_git_error(rc, "cannot keep git objects");
			goto done;
		}
		if ((err = add_pack(git, pack.ptr,
		    pack.size)) != NULL)
			goto done;
	}
	git_mempack_reset(st->mem);
	st->n = 0;
done:
	git_buf_dispose(&pack);
	git_packbuilder_free(pb);
	git_odb_free(files);
	git_repository_free(disk);
	return err;
}
