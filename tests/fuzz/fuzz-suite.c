/*
 * Fuzz target for the suite's parsers: morph.json, prompt files (.txt and
 * .json), JSON Lines case files and {{var}} templates.  The first byte
 * chooses the parser: 'j' morph.json, 't' a .txt prompt, 'p' a .json
 * prompt, 'c' a case file, 'T' a template; any other byte its value
 * modulo 5 in that order.  The rest is the file.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "suite_int.h"

static const struct morph_error *
count_var(const char *name, size_t len, void *arg)
{
	(void)name;
	*(size_t *)arg += len;
	return NULL;
}

static void
template(const char *data, size_t size)
{
	static const char vars_json[] = "{\"a\": \"x\", \"b\": {\"c\": 1, "
	    "\"d\": [true, null]}, \"name\": \"\xc3\xa9\", \"e\": \"\"}";
	struct morph_buf out = MORPH_BUF_INIT;
	cJSON *vars;
	char *tmpl;
	size_t n = 0;

	if ((tmpl = malloc(size + 1)) == NULL)
		return;
	memcpy(tmpl, data, size);
	tmpl[size] = '\0';
	if ((vars = cJSON_Parse(vars_json)) != NULL) {
		(void)morph_template_render(&out, tmpl, vars, "fuzz");
		(void)morph_template_vars(tmpl, count_var, &n);
		cJSON_Delete(vars);
	}
	morph_buf_release(&out);
	free(tmpl);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char kinds[] = "jtpcT";
	const char *file = (const char *)data + 1;
	const char *k;
	int kind;

	if (size == 0)
		return 0;
	k = data[0] != '\0' ? strchr(kinds, data[0]) : NULL;
	kind = k != NULL ? (int)(k - kinds) : data[0] % 5;
	size--;
	switch (kind) {
	case 0:
		(void)morph_suite_parse_file("morph.json", "morph.json", file,
		    size);
		break;
	case 1:
		(void)morph_suite_parse_file("prompt", "p.txt", file, size);
		break;
	case 2:
		(void)morph_suite_parse_file("prompt", "p.json", file, size);
		break;
	case 3:
		(void)morph_suite_parse_file("cases", "c.jsonl", file, size);
		break;
	default:
		template(file, size);
		break;
	}
	return 0;
}
