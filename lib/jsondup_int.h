/*
 * Repeated keys in JSON that people write (morph.json, prompt and case
 * files, configuration).  cJSON keeps every member of an object, and its
 * lookups find the first: a second "temperature" in a case's vars, or a
 * second "type" in an assertion, would be read by nobody and say nothing.
 * These files are refused instead, naming the key and its line.
 */
#ifndef MORPH_JSONDUP_INT_H
#define MORPH_JSONDUP_INT_H

#include <stddef.h>
#include <cjson/cJSON.h>

struct morph_json_dup {
	char	path[256];	/* "vars.a.b", "assert[1].type"; cut short,
				   control characters as '?' */
	int	line;		/* of the repeated key, from 1 */
};

/*
 * Looks for the first key, in the order of the text, that repeats an
 * earlier key of the same object anywhere in v, which cJSON parsed from
 * the len bytes at text (a byte-order mark and white space around the
 * value allowed, as cJSON allows them).  Paths start with root (may be
 * "": then a key at the top is named alone, an index as "[2]").  Returns
 * 1 with *dup filled in, 0 when no key repeats, -1 when out of memory.
 */
int	morph_json_find_dup(struct morph_json_dup *dup, const cJSON *v,
	    const char *text, size_t len, const char *root);

#endif
