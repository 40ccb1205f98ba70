/*
 * Providers and their wire dialects: who serves a model, at which base
 * URL, with which key, and how a call becomes an HTTP request and a reply
 * becomes output, usage and a finish reason (providers.md beside
 * DESIGN.md has the wire facts).
 *
 * Four dialects cover the field, one file each under lib/provider/ behind
 * struct morph_dialect_ops: OpenAI chat completions (OpenAI and every
 * compatible server), Anthropic messages, Gemini generateContent and
 * Ollama's /api/chat; echo is a fifth that answers locally.
 */
#ifndef MORPH_PROVIDER_INT_H
#define MORPH_PROVIDER_INT_H

#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>

#include "morph/buf.h"
#include "morph/error.h"
#include "morph/provider.h"

/*
 * The public half (include/morph/provider.h) holds the provider table:
 * enum morph_dialect, struct morph_provider, morph_model_parse,
 * morph_provider_lookup, morph_provider_foreach and the dialect names,
 * so that morph models can list providers.  This half holds what turns a
 * call into HTTP and a reply into output.
 */

/*
 * The key for provider p from the environment, or NULL.  Keys are read
 * when a request is built and never stored, logged or printed.
 */
const char *morph_provider_key(const struct morph_provider *p);

/*
 * Whether a call to p can be sent: INVALID naming the variable to set
 * when p needs a key that is not set, else NULL.
 */
const struct morph_error *morph_provider_check_key(
    const struct morph_provider *p);

/*
 * Anthropic requires max_tokens; a call that gives none gets this many
 * (man morph-models documents it).
 */
#define MORPH_ANTHROPIC_MAX_TOKENS	1024

/* An HTTP request, ready to send. */
struct morph_request {
	struct morph_buf	 url;
	char			**headers;	/* "Name: value", NULL-ended */
	size_t			 nheaders;
	struct morph_buf	 body;
};

void	morph_request_init(struct morph_request *);
void	morph_request_release(struct morph_request *);
const struct morph_error *morph_request_header(struct morph_request *,
    const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* What a reply says, in the same terms for every dialect. */
struct morph_reply {
	struct morph_buf	 output;	/* the text the model wrote */
	char			 finish[32];	/* stop, length, tool_calls,
						   content_filter, ... */
	int64_t			 tokens_in;	/* -1: not reported */
	int64_t			 tokens_out;	/* -1: not reported */
	int64_t			 tokens_cached;	/* -1: not reported */
	int64_t			 tokens_cache_write; /* -1: not reported */
	int64_t			 tokens_reasoning; /* -1: not reported */
	char			 model[128];	/* as the server named it */
	/* For a failed call: */
	int			 failed;
	char			 error_type[64]; /* provider's type/code */
	struct morph_buf	 error;		/* message for the user */
	int64_t			 retry_after_ms; /* hint in the body, or -1 */
	int			 no_retry;	/* insufficient_quota ... */
};

void	morph_reply_init(struct morph_reply *);
void	morph_reply_release(struct morph_reply *);

/*
 * A call is the canonical JSON of one fully resolved request (its id is
 * the cache key):
 *   {"dialect": "openai", "provider": "openai", "model": "gpt-4o-mini",
 *    "params": {"max_tokens": 256, "temperature": 0, ...},
 *    "messages": [{"role": "system", "content": "..."}, ...]}
 * params uses morph's names (temperature, max_tokens, top_p, top_k, stop,
 * seed, presence_penalty, frequency_penalty, response_format); each
 * dialect maps them to its own, and sends the token-limit field its
 * servers want.  Values: numbers for temperature, top_p and the
 * penalties; positive integers for max_tokens and top_k; an integer
 * seed; stop a string or an array of strings; response_format as OpenAI
 * writes it ({"type": "text" | "json_object"} or {"type": "json_schema",
 * "json_schema": {"name", "schema", "strict"}}).  A null value is the
 * same as no value.  Any other parameter, message member or role (roles
 * are system, user and assistant; content is a string) is INVALID: a
 * setting is never dropped without a word.  The one exception is seed,
 * a best-effort hint everywhere, which Anthropic (that has none) does
 * not get.
 */
struct morph_dialect_ops {
	const char	*name;		/* "openai", "anthropic", ... */
	/*
	 * Builds the HTTP request for call.  key may be NULL.  Errors:
	 * INVALID for a call the dialect cannot express (naming the field).
	 */
	const struct morph_error *(*build)(struct morph_request *,
	    const struct morph_provider *, const cJSON *call,
	    const char *key);
	/*
	 * Reads a reply: status is the HTTP status, body its bytes.  A
	 * non-2xx status or an error body sets failed and error; a 2xx body
	 * that is not what the dialect promises is an error return
	 * (MORPH_ERR_HTTP, saying what was wrong), never a crash.
	 */
	const struct morph_error *(*parse)(struct morph_reply *, long status,
	    const char *body, size_t len);
};

const struct morph_dialect_ops *morph_dialect(enum morph_dialect);

/*
 * The echo provider's answer to call, without a network: the content of
 * a prompt of one message, or "role: content" for each message of a
 * longer one, a blank line between them; finish "stop", tokens unknown.
 * Errors: INVALID for a call that is not valid (as for build).
 */
const struct morph_error *morph_echo_reply(struct morph_reply *,
    const cJSON *call);

#endif
