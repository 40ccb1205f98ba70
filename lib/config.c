/*
 * Configuration files: JSON objects addressed by dotted keys (config.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "morph/config.h"
#include "morph/num.h"
#include "json_int.h"
#include "jsondup_int.h"
#include "path_int.h"
#include "repo_int.h"

/* The user file read without a repository (morph config --global). */
static cJSON *global_alone;

const struct morph_error *
morph_config_path(struct morph_buf *out, struct morph_repo *repo,
    enum morph_config_scope scope)
{
	const char *xdg, *home;

	morph_buf_clear(out);
	if (scope == MORPH_CONFIG_LOCAL) {
		if (repo == NULL)
			return morph_error(MORPH_ERR_NOT_REPO);
		morph_buf_printf(out, "%s/config", repo->morphdir);
		return morph_buf_status(out);
	}
	xdg = getenv("XDG_CONFIG_HOME");
	if (xdg != NULL && xdg[0] == '/')
		morph_buf_printf(out, "%s/morph/config", xdg);
	else {
		home = getenv("HOME");
		if (home == NULL || home[0] == '\0')
			return morph_error_fmt(MORPH_ERR_INVALID, "cannot find "
			    "the user configuration: HOME is not set");
		morph_buf_printf(out, "%s/.config/morph/config", home);
	}
	return morph_buf_status(out);
}

static const struct morph_error *
read_file(cJSON **out, const char *path)
{
	struct morph_buf b = MORPH_BUF_INIT;
	const struct morph_error *err;
	struct morph_json_dup dup;
	int r;

	*out = NULL;
	err = morph_file_read(&b, path, 16 * 1024 * 1024);
	if (err != NULL && err->code == MORPH_ERR_ERRNO && errno == ENOENT) {
		morph_buf_release(&b);
		*out = cJSON_CreateObject();
		return *out ? NULL : morph_error(MORPH_ERR_NOMEM);
	}
	if (err == NULL)
		err = morph_json_parse(out, b.ptr, b.len, path);
	if (err == NULL && !cJSON_IsObject(*out))
		err = morph_error_fmt(MORPH_ERR_INVALID,
		    "%s: the configuration must be a JSON object", path);
	/* A key set twice would be read once and silently dropped once. */
	if (err == NULL && (r = morph_json_find_dup(&dup, *out, b.ptr, b.len,
	    "")) != 0)
		err = r < 0 ? morph_error(MORPH_ERR_NOMEM) : morph_error_fmt(
		    MORPH_ERR_INVALID, "%s:%d: %s: duplicate key", path,
		    dup.line, dup.path);
	if (err != NULL) {
		cJSON_Delete(*out);
		*out = NULL;
	}
	morph_buf_release(&b);
	return err;
}

const struct morph_error *
morph_config_load(const cJSON **out, struct morph_repo *repo,
    enum morph_config_scope scope)
{
	struct morph_buf path = MORPH_BUF_INIT;
	const struct morph_error *err;
	cJSON **slot;

	slot = repo != NULL ? &repo->config[scope] : &global_alone;
	if (*slot == NULL) {
		err = morph_config_path(&path, repo, scope);
		if (err == NULL)
			err = read_file(slot, path.ptr);
		else if (scope == MORPH_CONFIG_GLOBAL) {
			/* No HOME: no user file to read (writing it fails). */
			err = (*slot = cJSON_CreateObject()) == NULL ?
			    morph_error(MORPH_ERR_NOMEM) : NULL;
		}
		morph_buf_release(&path);
		if (err != NULL)
			return err;
	}
	*out = *slot;
	return NULL;
}

static const cJSON *
walk(const cJSON *obj, const char *key)
{
	const char *p = key, *dot;
	char seg[256];
	size_t n;

	while (obj != NULL) {
		dot = strchr(p, '.');
		n = dot != NULL ? (size_t)(dot - p) : strlen(p);
		if (n == 0 || n >= sizeof(seg) || !cJSON_IsObject(obj))
			return NULL;
		memcpy(seg, p, n);
		seg[n] = '\0';
		obj = cJSON_GetObjectItemCaseSensitive(obj, seg);
		if (dot == NULL)
			return obj;
		p = dot + 1;
	}
	return NULL;
}

const cJSON *
morph_config_lookup(struct morph_repo *repo, const char *key)
{
	const cJSON *conf, *v;

	if (repo != NULL && morph_config_load(&conf, repo,
	    MORPH_CONFIG_LOCAL) == NULL && (v = walk(conf, key)) != NULL)
		return v;
	if (morph_config_load(&conf, repo, MORPH_CONFIG_GLOBAL) == NULL)
		return walk(conf, key);
	return NULL;
}

static const struct morph_error *
check_key(const char *key, int need_section)
{
	const char *p;

	if (key[0] == '\0' || key[0] == '.' || key[strlen(key) - 1] == '.' ||
	    strstr(key, "..") != NULL)
		return morph_error_fmt(MORPH_ERR_INVALID, "invalid key '%s': "
		    "expected section.name", key);
	for (p = key; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20)
			return morph_error_fmt(MORPH_ERR_INVALID,
			    "invalid key '%s'", key);
	if (need_section && strchr(key, '.') == NULL)
		return morph_error_fmt(MORPH_ERR_INVALID, "key '%s' has no "
		    "section: expected section.name", key);
	return NULL;
}

const struct morph_error *
morph_config_locktimeout(int64_t *ms, const cJSON *v)
{
	char num[64];

	if (cJSON_IsNumber(v))
		snprintf(num, sizeof(num), "%.15g", v->valuedouble);
	else if (cJSON_IsString(v))
		snprintf(num, sizeof(num), "%s", v->valuestring);
	else
		snprintf(num, sizeof(num), "%s", cJSON_IsTrue(v) ? "true" :
		    cJSON_IsFalse(v) ? "false" : cJSON_IsNull(v) ? "null" :
		    "(an object or array)");
	return morph_num_int(ms, "core.locktimeout (milliseconds)", num, 0,
	    3600 * 1000);
}

static char *
value_text(const cJSON *v)
{
	if (cJSON_IsString(v))
		return strdup(v->valuestring);
	return cJSON_PrintUnformatted(v);
}

const struct morph_error *
morph_config_get(char **out, struct morph_repo *repo,
    enum morph_config_scope scope, const char *key)
{
	const struct morph_error *err;
	const cJSON *conf, *v;

	*out = NULL;
	if ((err = check_key(key, 0)) != NULL)
		return err;
	if (scope == MORPH_CONFIG_ANY) {
		/* A broken file is an error, not an unset key. */
		if ((repo != NULL && (err = morph_config_load(&conf, repo,
		    MORPH_CONFIG_LOCAL)) != NULL) ||
		    (err = morph_config_load(&conf, repo,
		    MORPH_CONFIG_GLOBAL)) != NULL)
			return err;
		v = morph_config_lookup(repo, key);
	} else {
		if ((err = morph_config_load(&conf, repo, scope)) != NULL)
			return err;
		v = walk(conf, key);
	}
	if (v == NULL)
		return NULL;
	if ((*out = value_text(v)) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	return NULL;
}

static const struct morph_error *
save(struct morph_repo *repo, enum morph_config_scope scope, cJSON *conf)
{
	struct morph_buf path = MORPH_BUF_INIT, text = MORPH_BUF_INIT;
	const struct morph_error *err;
	char *s = NULL;

	if ((err = morph_config_path(&path, repo, scope)) != NULL)
		goto done;
	/* ~/.config/morph and its parents may not exist yet. */
	if (scope == MORPH_CONFIG_GLOBAL &&
	    (err = morph_mkdir_parents(path.ptr)) != NULL)
		goto done;
	if ((s = cJSON_Print(conf)) == NULL) {
		err = morph_error(MORPH_ERR_NOMEM);
		goto done;
	}
	morph_buf_puts(&text, s);
	morph_buf_putc(&text, '\n');
	if ((err = morph_buf_status(&text)) != NULL)
		goto done;
	err = morph_file_write(path.ptr, text.ptr, text.len, 0644);
done:
	free(s);
	morph_buf_release(&path);
	morph_buf_release(&text);
	return err;
}

/* Re-reads the file of scope, so that edits made meanwhile are kept. */
static const struct morph_error *
reload(cJSON **out, struct morph_repo *repo, enum morph_config_scope scope)
{
	struct morph_buf path = MORPH_BUF_INIT;
	const struct morph_error *err;

	err = morph_config_path(&path, repo, scope);
	if (err == NULL)
		err = read_file(out, path.ptr);
	morph_buf_release(&path);
	return err;
}

static void
install(struct morph_repo *repo, enum morph_config_scope scope, cJSON *conf)
{
	cJSON **slot = repo != NULL ? &repo->config[scope] : &global_alone;

	cJSON_Delete(*slot);
	*slot = conf;
	/* The process-wide copy of the user file is now stale. */
	if (scope == MORPH_CONFIG_GLOBAL && slot != &global_alone) {
		cJSON_Delete(global_alone);
		global_alone = NULL;
	}
}

const struct morph_error *
morph_config_set(struct morph_repo *repo, enum morph_config_scope scope,
    const char *key, const char *value, int as_json)
{
	const struct morph_error *err;
	cJSON *conf = NULL, *obj, *item, *v = NULL;
	const char *p = key, *dot;
	char seg[256];
	int64_t ms;
	size_t n;

	if (scope == MORPH_CONFIG_ANY)
		scope = MORPH_CONFIG_LOCAL;
	if ((err = check_key(key, 1)) != NULL)
		return err;
	if (as_json) {
		err = morph_json_parse(&v, value, strlen(value), "value");
		if (err != NULL)
			return err;
	} else if ((v = cJSON_CreateString(value)) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	/* What morph reads as a number must be one. */
	if (strcmp(key, "core.locktimeout") == 0 &&
	    (err = morph_config_locktimeout(&ms, v)) != NULL)
		goto fail;
	if ((err = reload(&conf, repo, scope)) != NULL)
		goto fail;
	obj = conf;
	for (;;) {
		dot = strchr(p, '.');
		n = dot != NULL ? (size_t)(dot - p) : strlen(p);
		if (n >= sizeof(seg)) {
			err = morph_error_fmt(MORPH_ERR_INVALID,
			    "key '%s' is too long", key);
			goto fail;
		}
		memcpy(seg, p, n);
		seg[n] = '\0';
		if (dot == NULL)
			break;
		item = cJSON_GetObjectItemCaseSensitive(obj, seg);
		if (item == NULL) {
			item = cJSON_AddObjectToObject(obj, seg);
			if (item == NULL) {
				err = morph_error(MORPH_ERR_NOMEM);
				goto fail;
			}
		} else if (!cJSON_IsObject(item)) {
			err = morph_error_fmt(MORPH_ERR_INVALID, "cannot set "
			    "'%s': '%.*s' holds a value, not a section", key,
			    (int)(dot - key), key);
			goto fail;
		}
		obj = item;
		p = dot + 1;
	}
	if (cJSON_GetObjectItemCaseSensitive(obj, seg) != NULL)
		cJSON_ReplaceItemInObjectCaseSensitive(obj, seg, v);
	else
		cJSON_AddItemToObject(obj, seg, v);
	v = NULL;
	if ((err = save(repo, scope, conf)) != NULL)
		goto fail;
	install(repo, scope, conf);
	return NULL;
fail:
	cJSON_Delete(v);
	cJSON_Delete(conf);
	return err;
}

const struct morph_error *
morph_config_unset(struct morph_repo *repo, enum morph_config_scope scope,
    const char *key)
{
	const struct morph_error *err;
	cJSON *conf = NULL, *parent;
	const char *last;
	char *pkey = NULL;

	if (scope == MORPH_CONFIG_ANY)
		scope = MORPH_CONFIG_LOCAL;
	if ((err = check_key(key, 1)) != NULL)
		return err;
	if ((err = reload(&conf, repo, scope)) != NULL)
		return err;
	last = strrchr(key, '.');
	if ((pkey = strndup(key, (size_t)(last - key))) == NULL) {
		err = morph_error(MORPH_ERR_NOMEM);
		goto fail;
	}
	parent = (cJSON *)walk(conf, pkey);
	if (parent == NULL || !cJSON_IsObject(parent) ||
	    cJSON_GetObjectItemCaseSensitive(parent, last + 1) == NULL) {
		err = morph_error_fmt(MORPH_ERR_NOT_FOUND,
		    "key '%s' is not set", key);
		goto fail;
	}
	cJSON_DeleteItemFromObjectCaseSensitive(parent, last + 1);
	/* A section left empty goes too. */
	while (parent != conf && parent->child == NULL) {
		char *dot = strrchr(pkey, '.');
		cJSON *up;

		if (dot != NULL)
			*dot = '\0';
		up = dot != NULL ? (cJSON *)walk(conf, pkey) : conf;
		cJSON_DeleteItemFromObjectCaseSensitive(up, parent->string);
		parent = up;
		if (dot == NULL)
			break;
	}
	if ((err = save(repo, scope, conf)) != NULL)
		goto fail;
	free(pkey);
	install(repo, scope, conf);
	return NULL;
fail:
	free(pkey);
	cJSON_Delete(conf);
	return err;
}

static const struct morph_error *
foreach_leaf(const cJSON *obj, struct morph_buf *key,
    enum morph_config_scope scope, morph_config_cb cb, void *arg)
{
	const struct morph_error *err = NULL;
	const cJSON *c;
	size_t keep = key->len;
	char *text;

	for (c = obj->child; c != NULL && err == NULL; c = c->next) {
		morph_buf_truncate(key, keep);
		if (keep > 0)
			morph_buf_putc(key, '.');
		morph_buf_puts(key, c->string);
		if ((err = morph_buf_status(key)) != NULL)
			break;
		if (cJSON_IsObject(c)) {
			err = foreach_leaf(c, key, scope, cb, arg);
			continue;
		}
		if ((text = value_text(c)) == NULL)
			return morph_error(MORPH_ERR_NOMEM);
		err = cb(key->ptr, text, scope, arg);
		free(text);
	}
	morph_buf_truncate(key, keep);
	return err;
}

const struct morph_error *
morph_config_foreach(struct morph_repo *repo, enum morph_config_scope scope,
    morph_config_cb cb, void *arg)
{
	struct morph_buf key = MORPH_BUF_INIT;
	const struct morph_error *err = NULL;
	const cJSON *conf;

	if (scope != MORPH_CONFIG_LOCAL &&
	    (err = morph_config_load(&conf, repo, MORPH_CONFIG_GLOBAL)) == NULL)
		err = foreach_leaf(conf, &key, MORPH_CONFIG_GLOBAL, cb, arg);
	if (err == NULL && scope != MORPH_CONFIG_GLOBAL && repo != NULL &&
	    (err = morph_config_load(&conf, repo, MORPH_CONFIG_LOCAL)) == NULL)
		err = foreach_leaf(conf, &key, MORPH_CONFIG_LOCAL, cb, arg);
	morph_buf_release(&key);
	return err;
}
