/*
 * Fuzz target for the index record (morph-repository(5)): any bytes are
 * read as a stored index, in either version; a record that reads must
 * hold sorted, unique, non-empty paths.  Nothing may crash or leak.
 */
#include <string.h>

#include "fuzz.h"
#include "morph/index.h"
#include "index_int.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct morph_index *idx = NULL;
	const char *prev = NULL, *path;
	size_t i;

	if (morph_index_parse(&idx, data, size) != NULL)
		return 0;
	for (i = 0; i < morph_index_count(idx); i++) {
		path = morph_index_get(idx, i)->path;
		if (path[0] == '\0' || (prev != NULL && strcmp(prev, path) >= 0))
			__builtin_trap();
		prev = path;
	}
	morph_index_free(idx);
	return 0;
}
