/*
 * Immutable objects in the repository: blobs, trees, commits, calls, runs,
 * tags.
 *
 * An object is named by the XXH3-128 of "<type> <size>\0<payload>" (see
 * hash.h).  Blobs hold raw bytes; the other types hold canonical JSON
 * (morph-repository(5)).
 */
#ifndef MORPH_OBJECT_H
#define MORPH_OBJECT_H

#include <stddef.h>

#include "morph/error.h"
#include "morph/hash.h"

struct morph_repo;
struct morph_object;

enum morph_object_type {
	MORPH_OBJ_ANY = 0,	/* in lookups: any type */
	MORPH_OBJ_BLOB = 1,
	MORPH_OBJ_TREE = 2,
	MORPH_OBJ_COMMIT = 3,
	MORPH_OBJ_CALL = 4,
	MORPH_OBJ_RUN = 5,
	MORPH_OBJ_TAG = 6,	/* an annotated tag (tag.h) */
};

/* "blob", "tree", ...; NULL for MORPH_OBJ_ANY or an unknown value. */
const char *morph_object_type_name(enum morph_object_type);
/* The type named s, or MORPH_OBJ_ANY when s names none. */
enum morph_object_type morph_object_type_from_name(const char *s);

/*
 * Stores an object and sets *out to its id.  Storing an object that is
 * already present does nothing.  Objects of a JSON type must already be in
 * canonical form; morph_object_write does not check.
 */
const struct morph_error *morph_object_write(struct morph_oid *out,
    struct morph_repo *, enum morph_object_type, const void *data,
    size_t len);

/*
 * Reads an object.  With want other than MORPH_OBJ_ANY an object of another
 * type is MORPH_ERR_NOT_FOUND ("object X is a tree, not a commit").  The
 * caller frees *out with morph_object_free().  Errors: NOT_FOUND, CORRUPT
 * (stored bytes do not inflate to the recorded size).
 */
const struct morph_error *morph_object_read(struct morph_object **out,
    struct morph_repo *, const struct morph_oid *,
    enum morph_object_type want);

/* Type and size without reading the payload.  Errors: NOT_FOUND. */
const struct morph_error *morph_object_info(enum morph_object_type *type,
    size_t *size, struct morph_repo *, const struct morph_oid *);

/* 1 if the object is stored, 0 if not. */
int	morph_object_exists(struct morph_repo *, const struct morph_oid *);

/*
 * Finds the one object whose id starts with hex (4 to 32 hex digits).
 * Errors: NOT_FOUND; AMBIGUOUS, whose message lists the candidates with
 * their types.
 */
const struct morph_error *morph_object_find_prefix(struct morph_oid *out,
    struct morph_repo *, const char *hex);

enum morph_object_type morph_object_type(const struct morph_object *);
const struct morph_oid *morph_object_id(const struct morph_object *);
/* The payload, NUL-terminated for convenience (the NUL is not counted). */
const char *morph_object_data(const struct morph_object *);
size_t	morph_object_size(const struct morph_object *);
void	morph_object_free(struct morph_object *);

#endif
