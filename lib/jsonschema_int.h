/*
 * A validator for a subset of JSON Schema draft 2020-12, for the schemas
 * of the json-schema, is-json and contains-json assertions.  The subset
 * (morph-suite(5) lists it) is the one structured outputs use: type,
 * enum, const, the object, array, string and number keywords, allOf,
 * anyOf, oneOf, not, $ref into the root's $defs, boolean schemas.
 *
 * A schema is checked whole before anything runs: a keyword outside the
 * subset is an error that names it, never a rule silently ignored.
 */
#ifndef MORPH_JSONSCHEMA_INT_H
#define MORPH_JSONSCHEMA_INT_H

#include <stddef.h>
#include <cjson/cJSON.h>

#include "morph/error.h"

/*
 * $ref may lead to $ref this many times without descending into the
 * instance; more is a loop ("#/$defs/a" -> "#/$defs/a").
 */
#define MORPH_JSONSCHEMA_MAX_REFS	32

/*
 * Validation stops, failing, past this many nested subschemas (the
 * instance's depth and the schema's combined) or this many subschema
 * evaluations, so that no schema can make it run away.
 */
#define MORPH_JSONSCHEMA_MAX_DEPTH	256
#define MORPH_JSONSCHEMA_MAX_STEPS	1000000

/*
 * Checks that schema (an object or a boolean) uses only keywords of the
 * subset, each with a value of the right kind, that every pattern
 * compiles and that every $ref names a definition.  Errors
 * (MORPH_ERR_SUITE) say what is wrong and, below the root, where, as a
 * JSON pointer into the schema:
 *	unsupported keyword 'if' at /properties/a
 *	'minLength' must be a non-negative integer at /properties/name
 */
const struct morph_error *morph_jsonschema_check(const cJSON *schema);

/*
 * Validates instance against schema, which morph_jsonschema_check
 * accepted.  Sets *valid to 1 or 0; when 0, why (size bytes, always
 * NUL-terminated) says where, as a JSON pointer into the instance ("/"
 * for the root), and what failed:
 *	/items/2/name: expected string, got number
 * Errors: NOMEM.
 */
const struct morph_error *morph_jsonschema_validate(int *valid, char *why,
    size_t size, const cJSON *schema, const cJSON *instance);

#endif
