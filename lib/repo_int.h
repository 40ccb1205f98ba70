/*
 * The inside of a repository handle, shared by the lib/ modules.
 */
#ifndef MORPH_REPO_INT_H
#define MORPH_REPO_INT_H

#include <cjson/cJSON.h>

#include "morph/config.h"
#include "morph/repo.h"
#include "store_int.h"

#define MORPH_FORMAT_VERSION	1
#define MORPH_LOCK_TIMEOUT_MS	5000

struct morph_repo {
	char			*workdir;	/* absolute, no trailing '/' */
	char			*morphdir;	/* workdir/.morph */
	char			*prefix;	/* cwd inside the work tree */
	int			 wdfd;		/* the work tree, for *at(2) */
	struct morph_store	 store;
	cJSON			*config[3];	/* by scope; NULL: not loaded */
};

/*
 * The parsed configuration of scope (LOCAL or GLOBAL), loading it on first
 * use; an absent file is an empty object.  Borrowed from the repository
 * (or, with repo NULL, from a process-wide copy of the user file).
 */
const struct morph_error *morph_config_load(const cJSON **out,
    struct morph_repo *, enum morph_config_scope);

/* The JSON value at a dotted key, repository first; NULL when unset. */
const cJSON *morph_config_lookup(struct morph_repo *, const char *key);

/*
 * core.locktimeout's value v, a number or a string of digits, as
 * milliseconds from 0 to 3600000.  morph config refuses to set anything
 * else, and a repository whose file holds anything else does not open.
 * Errors: INVALID, naming the key and quoting the value.
 */
const struct morph_error *morph_config_locktimeout(int64_t *ms,
    const cJSON *v);

#endif
