/*
 * Signatures in objects: the author of a commit and the tagger of a tag,
 * each an object {"email", "name", "time", "tz"} in canonical JSON, with
 * time in seconds since the epoch and tz "+hhmm" (see commit.h).
 */
#ifndef MORPH_SIGNATURE_INT_H
#define MORPH_SIGNATURE_INT_H

#include <cjson/cJSON.h>

#include "morph/commit.h"
#include "morph/error.h"

/* Parses "+hhmm" or "-hhmm" into minutes east of UTC: 0, or -1 if bad. */
int	morph_tz_parse(const char *s, int *tz_minutes);

/* Adds sig to obj as member key.  NULL when out of memory. */
cJSON	*morph_signature_json(cJSON *obj, const char *key,
	    const struct morph_signature *sig);

/*
 * Reads the signature that is member key of obj into sig, whose name and
 * email point into *name and *email, allocated here (the caller frees
 * them, also on error).  Errors: INVALID when the member is missing or
 * malformed, NOMEM.
 */
const struct morph_error *morph_signature_from_json(
    struct morph_signature *sig, char **name, char **email, const cJSON *obj,
    const char *key);

#endif
