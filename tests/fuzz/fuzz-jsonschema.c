/*
 * Fuzz target for the JSON Schema subset: the input is a schema, a NUL
 * byte and an instance, both JSON (without a NUL, the one document is
 * both).  The schema is checked, and, when it passes, the instance is
 * validated against it: neither may crash, leak or run away.
 */
#include <string.h>

#include "fuzz.h"
#include "jsonschema_int.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *nul;
	cJSON *schema, *inst;
	char why[256];
	int valid;

	if ((nul = memchr(s, '\0', size)) == NULL)
		nul = s + size;
	schema = cJSON_ParseWithLength(s, (size_t)(nul - s));
	if (nul < s + size)
		inst = cJSON_ParseWithLength(nul + 1, size - (size_t)(nul - s) -
		    1);
	else
		inst = cJSON_ParseWithLength(s, size);
	if (schema != NULL && inst != NULL &&
	    morph_jsonschema_check(schema) == NULL)
		(void)morph_jsonschema_validate(&valid, why, sizeof(why),
		    schema, inst);
	cJSON_Delete(schema);
	cJSON_Delete(inst);
	return 0;
}
