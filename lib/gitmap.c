/*
 * Pairs of git and morph ids in the database (see gitmap_int.h).
 */
#include <string.h>

#include "gitmap_int.h"
#include "repo_int.h"

static const char sql_to_git[] = "SELECT git FROM gitmap WHERE morph = ? "
    "AND type = ? LIMIT 1";
static const char sql_to_morph[] = "SELECT morph, type FROM gitmap "
    "WHERE git = ?";
static const char sql_put[] = "INSERT OR REPLACE INTO gitmap (git, morph, "
    "type) VALUES (?, ?, ?)";
static const char sql_forget[] = "DELETE FROM gitmap WHERE git = ?";

const struct morph_error *
morph_gitmap_to_git(unsigned char git[20], int *found, struct morph_repo *repo,
    const struct morph_oid *id, enum morph_object_type type)
{
	const struct morph_error *err;
	sqlite3_stmt *st = NULL;
	int rc;

	*found = 0;
	if ((err = morph_store_prepare(&repo->store, sql_to_git, &st)))
		return err;
	sqlite3_bind_blob(st, 1, id->id, MORPH_OID_RAWSZ, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, (int)type);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW &&
	    sqlite3_column_bytes(st, 0) == MORPH_GITID_RAWSZ) {
		memcpy(git, sqlite3_column_blob(st, 0), MORPH_GITID_RAWSZ);
		*found = 1;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return morph_store_error(&repo->store, rc,
		    "cannot read the git map");
	return NULL;
}

const struct morph_error *
morph_gitmap_to_morph(struct morph_oid *out, enum morph_object_type *type,
    int *found, struct morph_repo *repo, const unsigned char git[20])
{
	const struct morph_error *err;
	sqlite3_stmt *st = NULL;
	int rc;

	*found = 0;
	if ((err = morph_store_prepare(&repo->store, sql_to_morph, &st)))
		return err;
	sqlite3_bind_blob(st, 1, git, MORPH_GITID_RAWSZ, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW &&
	    sqlite3_column_bytes(st, 0) == MORPH_OID_RAWSZ) {
		memcpy(out->id, sqlite3_column_blob(st, 0), MORPH_OID_RAWSZ);
		if (type != NULL)
			*type = sqlite3_column_int(st, 1);
		*found = 1;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return morph_store_error(&repo->store, rc,
		    "cannot read the git map");
	return NULL;
}

const struct morph_error *
morph_gitmap_put(struct morph_repo *repo, const unsigned char git[20],
    const struct morph_oid *id, enum morph_object_type type)
{
	const struct morph_error *err;
	sqlite3_stmt *st = NULL;
	int rc;

	if ((err = morph_store_prepare(&repo->store, sql_put, &st)))
		return err;
	sqlite3_bind_blob(st, 1, git, MORPH_GITID_RAWSZ, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, id->id, MORPH_OID_RAWSZ, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, (int)type);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return morph_store_error(&repo->store, rc,
		    "cannot update the git map");
	return NULL;
}

const struct morph_error *
morph_gitmap_forget(struct morph_repo *repo, const unsigned char git[20])
{
	const struct morph_error *err;
	sqlite3_stmt *st = NULL;
	int rc;

	if ((err = morph_store_prepare(&repo->store, sql_forget, &st)))
		return err;
	sqlite3_bind_blob(st, 1, git, MORPH_GITID_RAWSZ, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return morph_store_error(&repo->store, rc,
		    "cannot update the git map");
	return NULL;
}
