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

struct morph_repo;

enum morph_dialect {
	MORPH_DIALECT_OPENAI,
	MORPH_DIALECT_ANTHROPIC,
	MORPH_DIALECT_GEMINI,
	MORPH_DIALECT_OLLAMA,
	MORPH_DIALECT_ECHO,
};

/* A provider, resolved: built-in table, then config, then environment. */
struct morph_provider {
	char			*id;		/* "openai", "myco", "echo" */
	enum morph_dialect	 dialect;
	char			*base_url;	/* no trailing '/' */
	char			*key_env;	/* variable holding the key, or
						   NULL when none is needed */
	int			 key_set;	/* that variable is set */
	char			*price_prefix;	/* litellm key prefix: "",
						   "gemini/", "groq/" ... */
	int			 local;		/* runs on your machine: free */
	int			 user_defined;	/* declared in config */
};

void	morph_provider_release(struct morph_provider *);

/*
 * Splits a model spec as any-llm does: "provider:model" on the first ':'
 * ("ollama:llama3.2:3b" is provider ollama, model llama3.2:3b); the
 * legacy "provider/model" only when '/' comes before any ':'.  The
 * provider is lowercased.  Errors: INVALID naming the spec.
 */
const struct morph_error *morph_model_parse(char **provider, char **model,
    const char *spec);

/*
 * Resolves provider id: the built-in table (openai, anthropic, gemini,
 * ollama, mistral, groq, together, openrouter, deepseek, xai, fireworks,
 * vllm, llamacpp, lmstudio, otari, echo, ...), a "providers.ID" object in
 * the configuration ({"dialect", "base_url", "key_env"}) which may also
 * override a built-in one, and the base-URL variable (OPENAI_BASE_URL,
 * ...), which wins.  Errors: NOT_FOUND naming the provider.
 */
const struct morph_error *morph_provider_lookup(struct morph_provider *out,
    struct morph_repo *, const char *id);

/* Calls cb for every known provider, built-in and configured, by id. */
typedef const struct morph_error *(*morph_provider_cb)(
    const struct morph_provider *, void *arg);
const struct morph_error *morph_provider_foreach(struct morph_repo *,
    morph_provider_cb cb, void *arg);

/*
 * The key for provider p from the environment, or NULL.  Keys are read
 * when a request is built and never stored, logged or printed.
 */
const char *morph_provider_key(const struct morph_provider *p);

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
	int64_t			 tokens_reasoning; /* -1: not reported */
	char			 model[128];	/* as the server named it */
	/* For a failed call: */
	int			 failed;
	char			 error_type[64];	/* provider's type/code */
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
 * servers want.
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
const char *morph_dialect_name(enum morph_dialect);
/* The dialect named s, or -1. */
int	morph_dialect_from_name(const char *s);

/* The echo provider's answer: the rendered messages, as text. */
const struct morph_error *morph_echo_reply(struct morph_reply *,
    const cJSON *call);

#endif
