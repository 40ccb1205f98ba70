/*
 * Calls: building the request object that names a call, its endpoint and
 * its id (see call_int.h).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "morph/buf.h"
#include "morph/object.h"
#include "call_int.h"
#include "json_int.h"

const struct morph_error *
morph_call_endpoint(char **out, const char *url)
{
	struct morph_buf b = MORPH_BUF_INIT;
	const char *scheme_end, *auth, *auth_end, *at, *host, *port;
	size_t n, i;

	*out = NULL;
	if ((scheme_end = strstr(url, "://")) == NULL) {
		/* Not a URL (echo's ""): kept as it is. */
		n = strlen(url);
		while (n > 0 && url[n - 1] == '/')
			n--;
		if ((*out = strndup(url, n)) == NULL)
			return morph_error(MORPH_ERR_NOMEM);
		return NULL;
	}
	for (i = 0; url + i < scheme_end; i++)
		morph_buf_putc(&b, (char)tolower((unsigned char)url[i]));
	morph_buf_puts(&b, "://");
	auth = scheme_end + 3;
	auth_end = auth + strcspn(auth, "/?#");
	/* user:password@ never reaches a call. */
	host = auth;
	for (at = auth; at < auth_end; at++)
		if (*at == '@')
			host = at + 1;
	/* The port, after the last ':' that is not inside [v6]. */
	port = NULL;
	for (at = host; at < auth_end; at++) {
		if (*at == ']')
			port = NULL;
		else if (*at == ':')
			port = at;
	}
	for (at = host; at < (port ? port : auth_end); at++)
		morph_buf_putc(&b, (char)tolower((unsigned char)*at));
	if (port != NULL) {
		n = (size_t)(auth_end - port);
		if (!((n == 1) ||
		    (n == 3 && memcmp(port, ":80", 3) == 0 &&
		    strncmp(b.ptr, "http://", 7) == 0) ||
		    (n == 4 && memcmp(port, ":443", 4) == 0 &&
		    strncmp(b.ptr, "https://", 8) == 0)))
			morph_buf_put(&b, port, n);
	}
	n = strlen(auth_end);
	while (n > 0 && auth_end[n - 1] == '/')
		n--;
	morph_buf_put(&b, auth_end, n);
	if (morph_buf_status(&b) != NULL) {
		morph_buf_release(&b);
		return morph_error(MORPH_ERR_NOMEM);
	}
	*out = morph_buf_detach(&b, NULL);
	return *out != NULL ? NULL : morph_error(MORPH_ERR_NOMEM);
}

const struct morph_error *
morph_call_new(cJSON **out, const struct morph_provider *p,
    const char *model, cJSON *params, cJSON *messages)
{
	const struct morph_error *err;
	cJSON *call;
	char *endpoint;

	*out = NULL;
	if ((err = morph_call_endpoint(&endpoint, p->base_url)) != NULL) {
		cJSON_Delete(params);
		cJSON_Delete(messages);
		return err;
	}
	if ((call = cJSON_CreateObject()) == NULL ||
	    cJSON_AddStringToObject(call, "dialect",
	    morph_dialect_name(p->dialect)) == NULL ||
	    cJSON_AddStringToObject(call, "endpoint", endpoint) == NULL ||
	    cJSON_AddStringToObject(call, "provider", p->id) == NULL ||
	    cJSON_AddStringToObject(call, "model", model) == NULL ||
	    params == NULL || messages == NULL) {
		free(endpoint);
		cJSON_Delete(params);
		cJSON_Delete(messages);
		cJSON_Delete(call);
		return morph_error(MORPH_ERR_NOMEM);
	}
	free(endpoint);
	cJSON_AddItemToObject(call, "params", params);
	cJSON_AddItemToObject(call, "messages", messages);
	*out = call;
	return NULL;
}

const struct morph_error *
morph_call_id(struct morph_oid *id, const cJSON *call)
{
	const struct morph_error *err;
	struct morph_buf text = MORPH_BUF_INIT;

	if ((err = morph_json_canonical(&text, call)) == NULL)
		morph_hash_object(id, "call", text.ptr, text.len);
	morph_buf_release(&text);
	return err;
}

const struct morph_error *
morph_call_store(struct morph_oid *id, struct morph_repo *repo,
    const cJSON *call)
{
	const struct morph_error *err;
	struct morph_buf text = MORPH_BUF_INIT;

	if ((err = morph_json_canonical(&text, call)) == NULL)
		err = morph_object_write(id, repo, MORPH_OBJ_CALL, text.ptr,
		    text.len);
	morph_buf_release(&text);
	return err;
}
