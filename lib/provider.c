/*
 * Providers (provider.h, provider_int.h): model specs, the built-in
 * table, providers declared in the configuration, keys, and the request
 * and reply structs the dialects fill.
 *
 * Invariants:
 *  1. The built-in table is sorted by id and names each variable as
 *     any-llm does (providers.md 1.2), so keys and base URLs carry over.
 *  2. A key is read from the environment when a request is built and is
 *     copied only into that request's headers; it is never in a struct
 *     morph_provider, an error message or anything stored.
 *  3. Resolution order: built-in, then the config object providers.ID
 *     (repository before user file), then the base-URL variable.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_int.h"
#include "provider/dialect_int.h"
#include "repo_int.h"

#define F_LOCAL		0x01	/* runs on your machine: free */
#define F_KEY_OPTIONAL	0x02	/* a key is sent when set, else none */

struct builtin {
	const char		*id;
	enum morph_dialect	 dialect;
	const char		*base_url;
	const char		*base_env;	/* overrides base_url */
	const char		*key_env;
	const char		*key_env2;	/* read when key_env is unset */
	const char		*price_prefix;	/* litellm's */
	int			 flags;
};

/*
 * Where any-llm wraps a vendor SDK, the base is the vendor's
 * OpenAI-compatible endpoint (litellm's openai_compatible_endpoints).
 */
static const struct builtin builtins[] = {
	{ "anthropic", MORPH_DIALECT_ANTHROPIC, "https://api.anthropic.com",
	  "ANTHROPIC_BASE_URL", "ANTHROPIC_API_KEY", NULL, "", 0 },
	{ "cerebras", MORPH_DIALECT_OPENAI, "https://api.cerebras.ai/v1",
	  "CEREBRAS_API_BASE", "CEREBRAS_API_KEY", NULL, "cerebras/", 0 },
	{ "deepinfra", MORPH_DIALECT_OPENAI,
	  "https://api.deepinfra.com/v1/openai", "DEEPINFRA_API_BASE",
	  "DEEPINFRA_API_KEY", NULL, "deepinfra/", 0 },
	{ "deepseek", MORPH_DIALECT_OPENAI, "https://api.deepseek.com",
	  "DEEPSEEK_API_BASE", "DEEPSEEK_API_KEY", NULL, "deepseek/", 0 },
	{ "echo", MORPH_DIALECT_ECHO, "", NULL, NULL, NULL, "", F_LOCAL },
	{ "fireworks", MORPH_DIALECT_OPENAI,
	  "https://api.fireworks.ai/inference/v1", "FIREWORKS_API_BASE",
	  "FIREWORKS_API_KEY", NULL, "fireworks_ai/", 0 },
	{ "gemini", MORPH_DIALECT_GEMINI,
	  "https://generativelanguage.googleapis.com",
	  "GOOGLE_GEMINI_BASE_URL", "GEMINI_API_KEY", "GOOGLE_API_KEY",
	  "gemini/", 0 },
	{ "groq", MORPH_DIALECT_OPENAI, "https://api.groq.com/openai/v1",
	  "GROQ_BASE_URL", "GROQ_API_KEY", NULL, "groq/", 0 },
	{ "llamacpp", MORPH_DIALECT_OPENAI, "http://127.0.0.1:8080/v1",
	  "LLAMACPP_API_BASE", "LLAMACPP_API_KEY", NULL, "llamacpp/",
	  F_LOCAL | F_KEY_OPTIONAL },
	{ "llamafile", MORPH_DIALECT_OPENAI, "http://127.0.0.1:8080/v1",
	  "LLAMAFILE_API_BASE", NULL, NULL, "llamafile/", F_LOCAL },
	{ "lmstudio", MORPH_DIALECT_OPENAI, "http://localhost:1234/v1",
	  "LM_STUDIO_API_BASE", "LM_STUDIO_API_KEY", NULL, "lm_studio/",
	  F_LOCAL | F_KEY_OPTIONAL },
	{ "mistral", MORPH_DIALECT_OPENAI, "https://api.mistral.ai/v1",
	  "MISTRAL_API_BASE", "MISTRAL_API_KEY", NULL, "mistral/", 0 },
	{ "moonshot", MORPH_DIALECT_OPENAI, "https://api.moonshot.ai/v1",
	  "MOONSHOT_API_BASE", "MOONSHOT_API_KEY", NULL, "moonshot/", 0 },
	{ "nebius", MORPH_DIALECT_OPENAI, "https://api.studio.nebius.ai/v1",
	  "NEBIUS_API_BASE", "NEBIUS_API_KEY", NULL, "nebius/", 0 },
	{ "ollama", MORPH_DIALECT_OLLAMA, "http://localhost:11434",
	  "OLLAMA_HOST", NULL, NULL, "ollama/", F_LOCAL },
	{ "openai", MORPH_DIALECT_OPENAI, "https://api.openai.com/v1",
	  "OPENAI_BASE_URL", "OPENAI_API_KEY", NULL, "", 0 },
	{ "openrouter", MORPH_DIALECT_OPENAI, "https://openrouter.ai/api/v1",
	  "OPENROUTER_API_BASE", "OPENROUTER_API_KEY", NULL, "openrouter/",
	  0 },
	/* A gateway: its models are "provider:model" themselves. */
	{ "otari", MORPH_DIALECT_OPENAI, "http://localhost:8000/v1",
	  "OTARI_API_BASE", "OTARI_API_KEY", NULL, "", F_KEY_OPTIONAL },
	{ "perplexity", MORPH_DIALECT_OPENAI, "https://api.perplexity.ai",
	  "PERPLEXITY_BASE_URL", "PERPLEXITY_API_KEY", NULL, "perplexity/",
	  0 },
	{ "sambanova", MORPH_DIALECT_OPENAI, "https://api.sambanova.ai/v1",
	  "SAMBANOVA_API_BASE", "SAMBANOVA_API_KEY", NULL, "sambanova/", 0 },
	{ "together", MORPH_DIALECT_OPENAI, "https://api.together.xyz/v1",
	  "TOGETHER_API_BASE", "TOGETHER_API_KEY", NULL, "together_ai/", 0 },
	{ "vllm", MORPH_DIALECT_OPENAI, "http://localhost:8000/v1",
	  "VLLM_API_BASE", "VLLM_API_KEY", NULL, "hosted_vllm/",
	  F_LOCAL | F_KEY_OPTIONAL },
	{ "xai", MORPH_DIALECT_OPENAI, "https://api.x.ai/v1", "XAI_API_BASE",
	  "XAI_API_KEY", NULL, "xai/", 0 },
};

#define NBUILTINS	(sizeof(builtins) / sizeof(builtins[0]))

static const char *const dialect_names[] = {
	"openai", "anthropic", "gemini", "ollama", "echo",
};

const char *
morph_dialect_name(enum morph_dialect d)
{
	if ((size_t)d < sizeof(dialect_names) / sizeof(dialect_names[0]))
		return dialect_names[d];
	return "?";
}

int
morph_dialect_from_name(const char *s)
{
	size_t i;

	for (i = 0; s != NULL &&
	    i < sizeof(dialect_names) / sizeof(dialect_names[0]); i++)
		if (strcmp(dialect_names[i], s) == 0)
			return (int)i;
	return -1;
}

/* Model specs. */

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	    c == '\v';
}

const struct morph_error *
morph_model_parse(char **provider, char **model, const char *spec)
{
	const char *colon, *slash, *sep, *b, *e;
	char *p, *m;
	size_t i;

	*provider = *model = NULL;
	colon = strchr(spec, ':');
	slash = strchr(spec, '/');
	/* The first of ':' and '/' splits; '/' is the legacy form. */
	if (colon != NULL && (slash == NULL || colon < slash))
		sep = colon;
	else if (slash != NULL)
		sep = slash;
	else
		goto bad;
	if (sep == spec || sep[1] == '\0')
		goto bad;
	/* any-llm looks the provider up stripped and lowercased. */
	for (b = spec; b < sep && is_space(*b); b++)
		;
	for (e = sep; e > b && is_space(e[-1]); e--)
		;
	if (b == e)
		goto bad;
	if ((p = strndup(b, (size_t)(e - b))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	if ((m = strdup(sep + 1)) == NULL) {
		free(p);
		return morph_error(MORPH_ERR_NOMEM);
	}
	for (i = 0; p[i] != '\0'; i++)
		p[i] = (char)tolower((unsigned char)p[i]);
	*provider = p;
	*model = m;
	return NULL;
bad:
	return morph_error_fmt(MORPH_ERR_INVALID, "invalid model '%s': "
	    "expected provider:model", spec);
}

/* The table and the configuration. */

void
morph_provider_release(struct morph_provider *p)
{
	size_t i;

	if (p == NULL)
		return;
	free(p->id);
	free(p->base_url);
	free(p->key_env);
	free(p->price_prefix);
	for (i = 0; i < p->nmodel_limits; i++)
		free(p->model_limits[i].model);
	free(p->model_limits);
	memset(p, 0, sizeof(*p));
}

static const struct builtin *
find_builtin(const char *id)
{
	size_t lo = 0, hi = NBUILTINS, mid;
	int c;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		c = strcmp(id, builtins[mid].id);
		if (c == 0)
			return &builtins[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

static const char *
env(const char *name)
{
	const char *v;

	if (name == NULL || (v = getenv(name)) == NULL || v[0] == '\0')
		return NULL;
	return v;
}

/* Provider ids in the configuration: what a model spec can name. */
static int
valid_id(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!islower((unsigned char)*s) &&
		    !isdigit((unsigned char)*s) && *s != '-' && *s != '_')
			return 0;
	return 1;
}

static int
valid_env_name(const char *s)
{
	if (!isalpha((unsigned char)*s) && *s != '_')
		return 0;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return 0;
	return 1;
}

/* A copy of url without trailing '/'. */
static char *
trim_url(const char *url)
{
	size_t n = strlen(url);

	while (n > 0 && url[n - 1] == '/')
		n--;
	return strndup(url, n);
}

/*
 * A base URL from the environment.  Variables are often written without
 * a scheme (LM Studio's "localhost:1234", OLLAMA_HOST "0.0.0.0:11434"),
 * so http:// is assumed; OLLAMA_HOST also defaults the port as the
 * ollama client does.
 */
static char *
env_url(const char *var, const char *v)
{
	struct morph_buf b = MORPH_BUF_INIT;
	const char *host, *colon, *end;
	char *out;

	if (strstr(v, "://") == NULL)
		morph_buf_puts(&b, "http://");
	morph_buf_puts(&b, v);
	if (strcmp(var, "OLLAMA_HOST") == 0 && b.ptr != NULL) {
		host = strstr(b.ptr, "://") + 3;
		end = host + strcspn(host, "/");
		colon = memchr(host, ':', (size_t)(end - host));
		if (colon == NULL && end == host + strlen(host))
			morph_buf_puts(&b, ":11434");
	}
	if (morph_buf_status(&b) != NULL)
		return NULL;
	out = trim_url(b.ptr);
	morph_buf_release(&b);
	return out;
}

static const struct morph_error *
bad_conf(const char *id, const char *member, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static const struct morph_error *
bad_conf(const char *id, const char *member, const char *fmt, ...)
{
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (member == NULL)
		return morph_error_fmt(MORPH_ERR_INVALID, "config "
		    "'providers.%s': %s", id, why);
	return morph_error_fmt(MORPH_ERR_INVALID, "config "
	    "'providers.%s.%s': %s", id, member, why);
}

static const struct morph_error *
set_str(char **dst, const char *s)
{
	char *c;

	if ((c = strdup(s)) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	free(*dst);
	*dst = c;
	return NULL;
}

/*
 * A rate limit (rpm, tpm): a positive number, or a string of digits as
 * morph config stores a value given without --type json.
 */
static int
limit_value(const cJSON *v, double *out)
{
	const char *s;
	double n = 0;

	if (cJSON_IsNumber(v)) {
		n = v->valuedouble;
	} else if (cJSON_IsString(v) && v->valuestring[0] != '\0') {
		for (s = v->valuestring; *s >= '0' && *s <= '9'; s++)
			n = n * 10 + (*s - '0');
		if (*s != '\0')
			return -1;
	} else
		return -1;
	if (!(n > 0) || n > 1e12)
		return -1;
	*out = n;
	return 0;
}

/* providers.ID.models: {"MODEL": {"rpm": N, "tpm": N}, ...}. */
static const struct morph_error *
model_limits(struct morph_provider *out, const char *id, const cJSON *conf)
{
	struct morph_model_limit *nv, *ml;
	const cJSON *m, *v;
	char member[192];

	if (!cJSON_IsObject(conf))
		return bad_conf(id, "models", "expected an object of models, "
		    "each {\"rpm\": N, \"tpm\": N}");
	cJSON_ArrayForEach(m, conf) {
		snprintf(member, sizeof(member), "models.%s", m->string);
		if (!cJSON_IsObject(m))
			return bad_conf(id, member, "expected an object "
			    "{\"rpm\": N, \"tpm\": N}");
		if ((nv = realloc(out->model_limits, (out->nmodel_limits + 1) *
		    sizeof(*nv))) == NULL)
			return morph_error(MORPH_ERR_NOMEM);
		out->model_limits = nv;
		ml = &nv[out->nmodel_limits];
		memset(ml, 0, sizeof(*ml));
		if ((ml->model = strdup(m->string)) == NULL)
			return morph_error(MORPH_ERR_NOMEM);
		out->nmodel_limits++;
		cJSON_ArrayForEach(v, m) {
			snprintf(member, sizeof(member), "models.%s.%s",
			    m->string, v->string);
			if (strcmp(v->string, "rpm") != 0 &&
			    strcmp(v->string, "tpm") != 0)
				return bad_conf(id, member, "unknown member: "
				    "expected rpm or tpm");
			if (limit_value(v, strcmp(v->string, "rpm") == 0 ?
			    &ml->rpm : &ml->tpm) == -1)
				return bad_conf(id, member, "expected a "
				    "positive number");
		}
	}
	return NULL;
}

/*
 * Applies the configuration object conf for provider id to out, which
 * holds the built-in values (or zeros for a new provider).
 */
static const struct morph_error *
apply_config(struct morph_provider *out, const char *id, const cJSON *conf,
    int builtin)
{
	const struct morph_error *err;
	const cJSON *m;
	const char *k;
	int d, have_dialect = 0, have_base = 0;

	if (!cJSON_IsObject(conf))
		return bad_conf(id, NULL, "expected an object with dialect, "
		    "base_url and key_env");
	cJSON_ArrayForEach(m, conf) {
		k = m->string;
		if (strcmp(k, "dialect") == 0) {
			d = cJSON_IsString(m) ?
			    morph_dialect_from_name(m->valuestring) : -1;
			if (d < 0 || d == MORPH_DIALECT_ECHO)
				return bad_conf(id, k, "expected openai, "
				    "anthropic, gemini or ollama");
			out->dialect = (enum morph_dialect)d;
			have_dialect = 1;
		} else if (strcmp(k, "base_url") == 0) {
			if (!cJSON_IsString(m) || (strncmp(m->valuestring,
			    "http://", 7) != 0 && strncmp(m->valuestring,
			    "https://", 8) != 0) || strchr(m->valuestring,
			    ' ') != NULL)
				return bad_conf(id, k, "expected an http:// "
				    "or https:// URL");
			free(out->base_url);
			if ((out->base_url = trim_url(m->valuestring)) ==
			    NULL)
				return morph_error(MORPH_ERR_NOMEM);
			have_base = 1;
		} else if (strcmp(k, "key_env") == 0) {
			free(out->key_env);
			out->key_env = NULL;
			out->key_required = 0;
			if (cJSON_IsNull(m))
				continue;
			if (!cJSON_IsString(m) ||
			    !valid_env_name(m->valuestring))
				return bad_conf(id, k, "expected the name of "
				    "an environment variable, or null");
			if ((err = set_str(&out->key_env, m->valuestring)))
				return err;
			out->key_required = 1;
		} else if (strcmp(k, "price_prefix") == 0) {
			if (!cJSON_IsString(m))
				return bad_conf(id, k, "expected a string "
				    "such as \"openai/\"");
			if ((err = set_str(&out->price_prefix,
			    m->valuestring)) != NULL)
				return err;
		} else if (strcmp(k, "local") == 0) {
			if (!cJSON_IsBool(m))
				return bad_conf(id, k, "expected true or "
				    "false");
			out->local = cJSON_IsTrue(m);
		} else if (strcmp(k, "rpm") == 0 || strcmp(k, "tpm") == 0) {
			if (limit_value(m, strcmp(k, "rpm") == 0 ? &out->rpm :
			    &out->tpm) == -1)
				return bad_conf(id, k, "expected a positive "
				    "number of %s a minute", strcmp(k, "rpm") ==
				    0 ? "requests" : "tokens");
		} else if (strcmp(k, "models") == 0) {
			if ((err = model_limits(out, id, m)) != NULL)
				return err;
		} else
			return bad_conf(id, k, "unknown member: expected "
			    "dialect, base_url, key_env, price_prefix, local, "
			    "rpm, tpm or models");
	}
	if (!builtin && !have_dialect)
		return bad_conf(id, "dialect", "missing: expected openai, "
		    "anthropic, gemini or ollama");
	if (!builtin && !have_base)
		return bad_conf(id, "base_url", "missing");
	if (builtin && out->dialect == MORPH_DIALECT_ECHO)
		return bad_conf(id, NULL, "echo cannot be configured");
	if (builtin && have_dialect && !have_base)
		return bad_conf(id, "base_url", "a new dialect needs its "
		    "base URL too");
	return NULL;
}

static const struct morph_error *
from_builtin(struct morph_provider *out, const struct builtin *b)
{
	out->dialect = b->dialect;
	out->local = (b->flags & F_LOCAL) != 0;
	out->key_required = b->key_env != NULL &&
	    !(b->flags & F_KEY_OPTIONAL);
	if ((out->base_url = strdup(b->base_url)) == NULL ||
	    (out->price_prefix = strdup(b->price_prefix)) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	if (b->key_env != NULL) {
		/* Gemini: GEMINI_API_KEY, else GOOGLE_API_KEY, as any-llm. */
		const char *k = b->key_env2 != NULL && env(b->key_env) ==
		    NULL && env(b->key_env2) != NULL ? b->key_env2 :
		    b->key_env;

		if ((out->key_env = strdup(k)) == NULL)
			return morph_error(MORPH_ERR_NOMEM);
	}
	return NULL;
}

const struct morph_error *
morph_provider_lookup(struct morph_provider *out, struct morph_repo *repo,
    const char *id)
{
	const struct morph_error *err = NULL;
	const struct builtin *b;
	const cJSON *conf = NULL;
	const char *v;
	char key[128];

	memset(out, 0, sizeof(*out));
	b = find_builtin(id);
	if (valid_id(id) && strlen(id) < sizeof(key) - 16) {
		snprintf(key, sizeof(key), "providers.%s", id);
		conf = morph_config_lookup(repo, key);
	}
	if (b == NULL && conf == NULL)
		return morph_error_fmt(MORPH_ERR_NOT_FOUND, "unknown provider "
		    "'%s' (morph models lists them)", id);
	if ((out->id = strdup(id)) == NULL) {
		err = morph_error(MORPH_ERR_NOMEM);
		goto done;
	}
	if (b != NULL && (err = from_builtin(out, b)) != NULL)
		goto done;
	if (b == NULL && (out->price_prefix = strdup("")) == NULL) {
		err = morph_error(MORPH_ERR_NOMEM);
		goto done;
	}
	if (conf != NULL) {
		out->user_defined = 1;
		if ((err = apply_config(out, id, conf, b != NULL)) != NULL)
			goto done;
	}
	if (b != NULL && (v = env(b->base_env)) != NULL) {
		free(out->base_url);
		if ((out->base_url = env_url(b->base_env, v)) == NULL)
			err = morph_error(MORPH_ERR_NOMEM);
	}
	out->key_set = env(out->key_env) != NULL;
done:
	if (err != NULL)
		morph_provider_release(out);
	return err;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds the ids of the providers object of one configuration file. */
static const struct morph_error *
config_ids(const char ***ids, size_t *n, size_t *cap, const cJSON *conf)
{
	const cJSON *provs, *m;
	const char **v;

	provs = cJSON_GetObjectItemCaseSensitive(conf, "providers");
	if (provs == NULL)
		return NULL;
	if (!cJSON_IsObject(provs))
		return morph_error_fmt(MORPH_ERR_INVALID, "config "
		    "'providers': expected an object of providers by id");
	cJSON_ArrayForEach(m, provs) {
		if (!valid_id(m->string))
			return morph_error_fmt(MORPH_ERR_INVALID, "config "
			    "'providers.%s': a provider id is lowercase "
			    "letters, digits, '-' and '_'", m->string);
		if (*n == *cap) {
			*cap = *cap ? *cap * 2 : 64;
			if ((v = realloc(*ids, *cap * sizeof(*v))) == NULL)
				return morph_error(MORPH_ERR_NOMEM);
			*ids = v;
		}
		(*ids)[(*n)++] = m->string;
	}
	return NULL;
}

const struct morph_error *
morph_provider_foreach(struct morph_repo *repo, morph_provider_cb cb,
    void *arg)
{
	const struct morph_error *err = NULL;
	struct morph_provider p;
	const char **ids = NULL;
	const cJSON *conf;
	size_t i, n = 0, cap = NBUILTINS + 16;

	if ((ids = calloc(cap, sizeof(*ids))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	for (i = 0; i < NBUILTINS; i++)
		ids[n++] = builtins[i].id;
	if (repo != NULL) {
		if ((err = morph_config_load(&conf, repo,
		    MORPH_CONFIG_LOCAL)) != NULL ||
		    (err = config_ids(&ids, &n, &cap, conf)) != NULL)
			goto done;
	}
	if ((err = morph_config_load(&conf, repo, MORPH_CONFIG_GLOBAL)) !=
	    NULL || (err = config_ids(&ids, &n, &cap, conf)) != NULL)
		goto done;
	qsort(ids, n, sizeof(*ids), cmp_str);
	for (i = 0; i < n && err == NULL; i++) {
		if (i > 0 && strcmp(ids[i], ids[i - 1]) == 0)
			continue;
		if ((err = morph_provider_lookup(&p, repo, ids[i])) != NULL)
			break;
		err = cb(&p, arg);
		morph_provider_release(&p);
	}
done:
	free(ids);
	return err;
}

const char *
morph_provider_key(const struct morph_provider *p)
{
	return env(p->key_env);
}

const struct morph_error *
morph_provider_check_key(const struct morph_provider *p)
{
	const struct builtin *b;

	if (!p->key_required || morph_provider_key(p) != NULL)
		return NULL;
	b = find_builtin(p->id);
	if (b != NULL && b->key_env2 != NULL &&
	    (strcmp(p->key_env, b->key_env) == 0 ||
	    strcmp(p->key_env, b->key_env2) == 0))
		return morph_error_fmt(MORPH_ERR_INVALID, "provider '%s' "
		    "needs a key: set %s or %s", p->id, b->key_env,
		    b->key_env2);
	return morph_error_fmt(MORPH_ERR_INVALID, "provider '%s' needs a "
	    "key: set %s", p->id, p->key_env);
}

/* Requests and replies. */

void
morph_request_init(struct morph_request *req)
{
	memset(req, 0, sizeof(*req));
	morph_buf_init(&req->url);
	morph_buf_init(&req->body);
}

void
morph_request_release(struct morph_request *req)
{
	size_t i;

	if (req == NULL)
		return;
	morph_buf_release(&req->url);
	/* Headers may hold a key: wipe them before they go back. */
	for (i = 0; i < req->nheaders; i++) {
		memset(req->headers[i], 0, strlen(req->headers[i]));
		free(req->headers[i]);
	}
	free(req->headers);
	morph_buf_release(&req->body);
	morph_request_init(req);
}

const struct morph_error *
morph_request_header(struct morph_request *req, const char *fmt, ...)
{
	struct morph_buf b = MORPH_BUF_INIT;
	char **v, *h;
	va_list ap;

	va_start(ap, fmt);
	morph_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if ((h = morph_buf_detach(&b, NULL)) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	v = realloc(req->headers, (req->nheaders + 2) * sizeof(*v));
	if (v == NULL) {
		memset(h, 0, strlen(h));
		free(h);
		return morph_error(MORPH_ERR_NOMEM);
	}
	req->headers = v;
	req->headers[req->nheaders++] = h;
	req->headers[req->nheaders] = NULL;
	return NULL;
}

void
morph_reply_init(struct morph_reply *r)
{
	memset(r, 0, sizeof(*r));
	morph_buf_init(&r->output);
	morph_buf_init(&r->error);
	r->tokens_in = r->tokens_out = -1;
	r->tokens_cached = r->tokens_reasoning = -1;
	r->tokens_cache_write = -1;
	r->retry_after_ms = -1;
}

void
morph_reply_release(struct morph_reply *r)
{
	if (r == NULL)
		return;
	morph_buf_release(&r->output);
	morph_buf_release(&r->error);
}

const struct morph_dialect_ops *
morph_dialect(enum morph_dialect d)
{
	switch (d) {
	case MORPH_DIALECT_OPENAI:
		return &morph_dialect_openai;
	case MORPH_DIALECT_ANTHROPIC:
		return &morph_dialect_anthropic;
	case MORPH_DIALECT_GEMINI:
		return &morph_dialect_gemini;
	case MORPH_DIALECT_OLLAMA:
		return &morph_dialect_ollama;
	case MORPH_DIALECT_ECHO:
		return &morph_dialect_echo;
	}
	return NULL;
}
