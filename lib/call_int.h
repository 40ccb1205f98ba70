/*
 * Calls: the canonical JSON of one fully resolved request, whose id is
 * the cache key (DESIGN.md 2.1, morph-repository(5)).
 *
 *   {"dialect": "openai", "endpoint": "https://api.openai.com/v1",
 *    "messages": [{"role": "user", "content": "..."}],
 *    "model": "gpt-4o-mini", "params": {"temperature": 0},
 *    "provider": "openai"}
 *
 * Everything that decides the answer is in it, and nothing that does not:
 * the endpoint names the server that answers (the provider's resolved base
 * URL, normalised), so that pointing a provider at another server is a
 * cache miss; the key is not in it, so that a team with different keys
 * shares answers.  Calls made before the endpoint was recorded have no
 * "endpoint" member; they stay readable, and are never hit again.
 */
#ifndef MORPH_CALL_INT_H
#define MORPH_CALL_INT_H

#include <cjson/cJSON.h>

#include "morph/error.h"
#include "morph/hash.h"
#include "morph/provider.h"

struct morph_repo;

/*
 * A new call to model at provider p, taking params and messages (an
 * object and an array; both are consumed, even on error).  The caller
 * frees *out.  Errors: NOMEM.
 */
const struct morph_error *morph_call_new(cJSON **out,
    const struct morph_provider *p, const char *model, cJSON *params,
    cJSON *messages);

/*
 * The endpoint of base_url, as a call records it: scheme and host in
 * lowercase, no user name or password, no default port (80 for http,
 * 443 for https), no trailing '/'.  The path and query are kept as they
 * are.  An empty base_url (echo) stays empty.  The caller frees *out.
 * Errors: NOMEM.
 */
const struct morph_error *morph_call_endpoint(char **out,
    const char *base_url);

/*
 * The call id of a call object: the hash of its canonical JSON as an
 * object of type "call".  Errors: NOMEM, INVALID for a call that has no
 * canonical form.
 */
const struct morph_error *morph_call_id(struct morph_oid *id,
    const cJSON *call);

/*
 * Stores call as an object of type "call" (its id is morph_call_id's),
 * so that what was sent can be read back and checked (morph show,
 * morph fsck).  Errors: those of morph_object_write.
 */
const struct morph_error *morph_call_store(struct morph_oid *id,
    struct morph_repo *, const cJSON *call);

#endif
