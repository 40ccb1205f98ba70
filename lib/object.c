/*
 * The public face of stored objects: read, write, look up by prefix.
 */
#include <stdlib.h>
#include <string.h>

#include "morph/object.h"
#include "repo_int.h"

struct morph_object {
	struct morph_oid	 id;
	enum morph_object_type	 type;
	struct morph_buf	 data;
};

static const char *const type_names[] = {
	[MORPH_OBJ_BLOB] = "blob",
	[MORPH_OBJ_TREE] = "tree",
	[MORPH_OBJ_COMMIT] = "commit",
	[MORPH_OBJ_CALL] = "call",
	[MORPH_OBJ_RUN] = "run",
	[MORPH_OBJ_TAG] = "tag",
};

const char *
morph_object_type_name(enum morph_object_type t)
{
	if ((int)t <= 0 || (size_t)t >= sizeof(type_names) /
	    sizeof(type_names[0]))
		return NULL;
	return type_names[t];
}

enum morph_object_type
morph_object_type_from_name(const char *s)
{
	size_t i;

	for (i = 1; i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (strcmp(s, type_names[i]) == 0)
			return (enum morph_object_type)i;
	return MORPH_OBJ_ANY;
}

const struct morph_error *
morph_object_write(struct morph_oid *out, struct morph_repo *repo,
    enum morph_object_type type, const void *data, size_t len)
{
	return morph_store_put_object(&repo->store, out, type, data, len);
}

static const struct morph_error *
wrong_type(const struct morph_oid *id, enum morph_object_type have,
    enum morph_object_type want)
{
	const char *h = morph_object_type_name(have);

	return morph_error_fmt(MORPH_ERR_NOT_FOUND,
	    "object %s is a%s %s, not a%s %s", morph_oid_tostr(id),
	    h == NULL ? "n" : "", h == NULL ? "unknown type" : h,
	    want == MORPH_OBJ_ANY ? "n" : "",
	    want == MORPH_OBJ_ANY ? "object" : morph_object_type_name(want));
}

const struct morph_error *
morph_object_read(struct morph_object **out, struct morph_repo *repo,
    const struct morph_oid *id, enum morph_object_type want)
{
	const struct morph_error *err;
	struct morph_object *o;

	*out = NULL;
	if ((o = calloc(1, sizeof(*o))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	o->id = *id;
	err = morph_store_get_object(&repo->store, id, &o->type, &o->data);
	if (err == NULL && want != MORPH_OBJ_ANY && o->type != want)
		err = wrong_type(id, o->type, want);
	if (err == NULL && o->data.ptr == NULL)
		morph_buf_put(&o->data, "", 0);
	if (err == NULL)
		err = morph_buf_status(&o->data);
	if (err != NULL) {
		morph_object_free(o);
		return err;
	}
	*out = o;
	return NULL;
}

const struct morph_error *
morph_object_info(enum morph_object_type *type, size_t *size,
    struct morph_repo *repo, const struct morph_oid *id)
{
	return morph_store_object_info(&repo->store, id, type, size);
}

int
morph_object_exists(struct morph_repo *repo, const struct morph_oid *id)
{
	return morph_store_object_info(&repo->store, id, NULL, NULL) == NULL;
}

static const char sql_prefix[] = "SELECT id, type FROM objects "
    "WHERE id >= ? AND id <= ? ORDER BY id LIMIT 10";

const struct morph_error *
morph_object_find_prefix(struct morph_oid *out, struct morph_repo *repo,
    const char *hex)
{
	struct morph_oid lo, hi;
	struct morph_buf list = MORPH_BUF_INIT;
	const struct morph_error *err;
	char full[MORPH_OID_HEXSZ + 1];
	sqlite3_stmt *st = NULL;
	size_t n = strlen(hex), i;
	int rc, found = 0;

	if (!morph_oid_is_hexprefix(hex))
		return morph_error_fmt(MORPH_ERR_INVALID,
		    "'%s' is not an object id", hex);
	for (i = 0; i < MORPH_OID_HEXSZ; i++)
		full[i] = i < n ? hex[i] : '0';
	full[MORPH_OID_HEXSZ] = '\0';
	morph_oid_fromhex(&lo, full);
	for (i = n; i < MORPH_OID_HEXSZ; i++)
		full[i] = 'f';
	morph_oid_fromhex(&hi, full);

	if ((err = morph_store_prepare(&repo->store, sql_prefix, &st)))
		return err;
	sqlite3_bind_blob(st, 1, lo.id, MORPH_OID_RAWSZ, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, hi.id, MORPH_OID_RAWSZ, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct morph_oid id;
		const char *t;

		if (sqlite3_column_bytes(st, 0) != MORPH_OID_RAWSZ)
			continue;
		memcpy(id.id, sqlite3_column_blob(st, 0), MORPH_OID_RAWSZ);
		t = morph_object_type_name(sqlite3_column_int(st, 1));
		morph_buf_printf(&list, "\n  %s %s", morph_oid_tostr(&id),
		    t ? t : "?");
		if (found++ == 0)
			*out = id;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		err = morph_store_error(&repo->store, rc,
		    "cannot look up an object");
	else if (found == 0)
		err = morph_error_fmt(MORPH_ERR_NOT_FOUND,
		    "no object with an id starting with '%s'", hex);
	else if (found > 1)
		err = morph_error_fmt(MORPH_ERR_AMBIGUOUS, "short id '%s' is "
		    "ambiguous; the candidates are:%s%s", hex,
		    morph_buf_cstr(&list), found >= 10 ? "\n  ..." : "");
	morph_buf_release(&list);
	return err;
}

enum morph_object_type
morph_object_type(const struct morph_object *o)
{
	return o->type;
}

const struct morph_oid *
morph_object_id(const struct morph_object *o)
{
	return &o->id;
}

const char *
morph_object_data(const struct morph_object *o)
{
	return morph_buf_cstr(&o->data);
}

size_t
morph_object_size(const struct morph_object *o)
{
	return o->data.len;
}

void
morph_object_free(struct morph_object *o)
{
	if (o == NULL)
		return;
	morph_buf_release(&o->data);
	free(o);
}
