/*
 * Providers: who serves a model, at which base URL and with which key.
 *
 * A model is named "provider:model" as any-llm and Otari name it.  The
 * provider is looked up in a built-in table (openai, anthropic, gemini,
 * ollama, mistral, groq, ... and echo, which answers locally), in the
 * configuration's "providers.ID" objects, and in the environment's
 * base-URL variables.  How a call becomes HTTP is private to the library
 * (lib/provider_int.h); this header is what commands may see.
 */
#ifndef MORPH_PROVIDER_H
#define MORPH_PROVIDER_H

#include <stddef.h>

#include "morph/error.h"

struct morph_repo;
struct morph_model_limit;

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
	char			*base_url;	/* no trailing '/'; "" for
						   echo */
	char			*key_env;	/* variable holding the key, or
						   NULL when none is needed */
	int			 key_set;	/* that variable is set and not
						   empty */
	int			 key_required;	/* calls fail without the key
						   (0 for servers where it is
						   optional: vllm, lmstudio) */
	char			*price_prefix;	/* litellm key prefix: "",
						   "gemini/", "groq/" ... */
	int			 local;		/* runs on your machine: free */
	int			 user_defined;	/* declared in config */
	/* Rate limits the configuration declares; 0: none. */
	double			 rpm;		/* requests a minute, all of
						   the provider's models */
	double			 tpm;		/* tokens a minute, all too */
	struct morph_model_limit *model_limits;	/* each model's own */
	size_t			 nmodel_limits;
};

/* A model's rate limits, from providers.ID.models.MODEL. */
struct morph_model_limit {
	char	*model;
	double	 rpm;		/* 0: none */
	double	 tpm;
};

/* Frees the members; the struct may be reused.  NULL is ok. */
void	morph_provider_release(struct morph_provider *);

/*
 * Splits a model spec as any-llm does: "provider:model" on the first ':'
 * ("ollama:llama3.2:3b" is provider ollama, model llama3.2:3b); the
 * legacy "provider/model" only when '/' comes before any ':'.  The
 * provider is stripped of white space and lowercased; the model is kept
 * as written.  The caller frees both.  Errors: INVALID naming the spec.
 */
const struct morph_error *morph_model_parse(char **provider, char **model,
    const char *spec);

/*
 * Resolves provider id: the built-in table (openai, anthropic, gemini,
 * ollama, mistral, groq, together, openrouter, deepseek, xai, fireworks,
 * vllm, llamacpp, lmstudio, otari, echo, ...), a "providers.ID" object in
 * the configuration ({"dialect", "base_url", "key_env"}; and the rate
 * limits "rpm", "tpm" and "models": {"MODEL": {"rpm", "tpm"}}) which may
 * also override a built-in one, and the base-URL variable (OPENAI_BASE_URL,
 * ...), which wins.  repo may be NULL (user configuration only).  The
 * caller releases *out.  Errors: NOT_FOUND naming the provider; INVALID
 * naming the configuration key that is wrong.
 */
const struct morph_error *morph_provider_lookup(struct morph_provider *out,
    struct morph_repo *, const char *id);

/*
 * Calls cb for every known provider, built-in and configured, in the
 * order of their ids.  The provider passed to cb is borrowed.  Stops at
 * the first error, from a broken configuration or from cb.
 */
typedef const struct morph_error *(*morph_provider_cb)(
    const struct morph_provider *, void *arg);
const struct morph_error *morph_provider_foreach(struct morph_repo *,
    morph_provider_cb cb, void *arg);

/* "openai", "anthropic", "gemini", "ollama" or "echo". */
const char *morph_dialect_name(enum morph_dialect);
/* The dialect named s, or -1. */
int	morph_dialect_from_name(const char *s);

#endif
