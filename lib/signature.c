/*
 * Signatures in commits and tags (see signature_int.h): one form, written
 * and read in one place.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "json_int.h"
#include "signature_int.h"

int
morph_tz_parse(const char *s, int *tz)
{
	int i;

	if ((s[0] != '+' && s[0] != '-') || strlen(s) != 5)
		return -1;
	for (i = 1; i < 5; i++)
		if (!isdigit((unsigned char)s[i]))
			return -1;
	*tz = ((s[1] - '0') * 10 + (s[2] - '0')) * 60 +
	    (s[3] - '0') * 10 + (s[4] - '0');
	if (s[0] == '-')
		*tz = -*tz;
	return 0;
}

cJSON *
morph_signature_json(cJSON *obj, const char *key,
    const struct morph_signature *sig)
{
	cJSON *s;
	char tz[8];

	morph_tz_fmt(tz, sig->tz);
	if ((s = cJSON_AddObjectToObject(obj, key)) == NULL ||
	    cJSON_AddStringToObject(s, "name", sig->name) == NULL ||
	    cJSON_AddStringToObject(s, "email", sig->email) == NULL ||
	    morph_json_add_int(s, "time", sig->time) == NULL ||
	    cJSON_AddStringToObject(s, "tz", tz) == NULL)
		return NULL;
	return s;
}

const struct morph_error *
morph_signature_from_json(struct morph_signature *sig, char **name,
    char **email, const cJSON *obj, const char *key)
{
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(obj, key);
	const char *n, *e, *tz;
	int64_t t;

	*name = *email = NULL;
	if (!cJSON_IsObject(s) || (n = morph_json_str(s, "name")) == NULL ||
	    (e = morph_json_str(s, "email")) == NULL ||
	    (tz = morph_json_str(s, "tz")) == NULL ||
	    morph_tz_parse(tz, &sig->tz) != 0 ||
	    morph_json_int64(s, "time", &t) != 0)
		return morph_error_fmt(MORPH_ERR_INVALID, "missing or bad %s",
		    key);
	if ((*name = strdup(n)) == NULL || (*email = strdup(e)) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	sig->name = *name;
	sig->email = *email;
	sig->time = t;
	return NULL;
}
