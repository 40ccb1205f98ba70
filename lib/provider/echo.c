/*
 * The echo provider: "echo:NAME" answers every call with the prompt it
 * was given, without a network, so that a suite can be tried before it
 * costs anything.  It has no wire format: build and parse refuse.
 */
#include <string.h>

#include "json_int.h"
#include "provider/dialect_int.h"

#define DIALECT	"echo"

/*
 * A prompt of one message answers with its content, exactly; several
 * answer with "role: content" for each, a blank line between them.
 * Tokens are unknown (-1): echo counts none, and costs nothing.
 */
const struct morph_error *
morph_echo_reply(struct morph_reply *r, const cJSON *call)
{
	const struct morph_error *err;
	struct morph_call c;
	const cJSON *m;
	int several, first = 1;

	morph_reply_reset(r);
	if ((err = morph_call_read(&c, call, DIALECT)) != NULL)
		return err;
	several = cJSON_GetArraySize(c.messages) > 1;
	cJSON_ArrayForEach(m, c.messages) {
		if (!first)
			morph_buf_puts(&r->output, "\n\n");
		first = 0;
		if (several)
			morph_buf_printf(&r->output, "%s: ",
			    morph_json_str(m, "role"));
		morph_buf_puts(&r->output, morph_json_str(m, "content"));
	}
	morph_reply_finish(r, "stop", NULL);
	morph_reply_model(r, c.model);
	if ((err = morph_buf_status(&r->output)) != NULL)
		morph_reply_reset(r);
	return err;
}

static const struct morph_error *
echo_build(struct morph_request *req, const struct morph_provider *p,
    const cJSON *call, const char *key)
{
	(void)req;
	(void)p;
	(void)call;
	(void)key;
	return morph_error_fmt(MORPH_ERR_UNSUPPORTED, "the echo provider "
	    "sends no requests: use morph_echo_reply");
}

static const struct morph_error *
echo_parse(struct morph_reply *r, long status, const char *body, size_t len)
{
	(void)r;
	(void)status;
	(void)body;
	(void)len;
	return morph_error_fmt(MORPH_ERR_UNSUPPORTED, "the echo provider "
	    "reads no replies: use morph_echo_reply");
}

const struct morph_dialect_ops morph_dialect_echo = {
	DIALECT,
	echo_build,
	echo_parse,
};
