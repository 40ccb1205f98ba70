/*
 * Configuration: JSON files, one per repository (.morph/config) and one
 * per user ($XDG_CONFIG_HOME/morph/config, default ~/.config/morph/config).
 *
 * Keys are dotted paths into the JSON object: "user.name" is
 * {"user": {"name": ...}}.  A repository value wins over a user value.
 */
#ifndef MORPH_CONFIG_H
#define MORPH_CONFIG_H

#include "morph/buf.h"
#include "morph/error.h"

struct morph_repo;

enum morph_config_scope {
	MORPH_CONFIG_ANY = 0,	/* reading: repository, then user */
	MORPH_CONFIG_LOCAL,	/* .morph/config */
	MORPH_CONFIG_GLOBAL,	/* the user-wide file */
};

/*
 * The value of key as text (a string as it is, anything else as compact
 * JSON) in *out, which the caller frees; NULL when the key is not set.
 * repo may be NULL to read the user-wide file only.
 */
const struct morph_error *morph_config_get(char **out, struct morph_repo *,
    enum morph_config_scope, const char *key);

/*
 * Sets key to value in the file of scope (LOCAL or GLOBAL).  With as_json,
 * value is parsed as JSON (numbers, booleans, objects); otherwise it is
 * stored as a string.  The file is rewritten atomically.
 */
const struct morph_error *morph_config_set(struct morph_repo *,
    enum morph_config_scope, const char *key, const char *value,
    int as_json);

/* Removes key.  Errors: NOT_FOUND when it was not set there. */
const struct morph_error *morph_config_unset(struct morph_repo *,
    enum morph_config_scope, const char *key);

/* Calls cb for each leaf value of the files of scope (ANY: both). */
typedef const struct morph_error *(*morph_config_cb)(const char *key,
    const char *value, enum morph_config_scope, void *arg);
const struct morph_error *morph_config_foreach(struct morph_repo *,
    enum morph_config_scope, morph_config_cb, void *arg);

/* The path of the file of scope (LOCAL needs repo). */
const struct morph_error *morph_config_path(struct morph_buf *out,
    struct morph_repo *, enum morph_config_scope);

#endif
