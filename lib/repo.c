/*
 * Opening, creating and closing repositories; paths given on the command
 * line; transactions.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "morph/config.h"
#include "morph/refs.h"
#include "gitbridge_int.h"
#include "json_int.h"
#include "path_int.h"
#include "repo_int.h"

static const struct morph_error *
alloc_repo(struct morph_repo **out, const char *workdir, const char *cwd)
{
	struct morph_repo *r;
	size_t n = strlen(workdir);

	*out = NULL;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	/*
	 * Paths in the work tree are looked up relative to one descriptor:
	 * no path building for each of thousands of lstat calls.
	 */
	r->wdfd = open(workdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (r->wdfd == -1) {
		free(r);
		return morph_error_errno("cannot open '%s'", workdir);
	}
	r->workdir = strdup(workdir);
	if (r->workdir != NULL && n > 1 && r->workdir[n - 1] == '/')
		r->workdir[--n] = '\0';
	r->morphdir = malloc(n + sizeof("/.morph"));
	if (r->morphdir != NULL) {
		memcpy(r->morphdir, r->workdir, n);
		memcpy(r->morphdir + n, "/.morph", sizeof("/.morph"));
	}
	/* The prefix is where cwd is inside the work tree, if it is. */
	if (strcmp(workdir, "/") == 0)
		r->prefix = strdup(cwd + 1);
	else if (strncmp(cwd, workdir, n) == 0 && cwd[n] == '/')
		r->prefix = strdup(cwd + n + 1);
	else
		r->prefix = strdup("");
	if (r->workdir == NULL || r->morphdir == NULL || r->prefix == NULL) {
		morph_repo_close(r);
		return morph_error(MORPH_ERR_NOMEM);
	}
	*out = r;
	return NULL;
}

/*
 * core.locktimeout: milliseconds to wait for another writer, from the
 * repository's file, else the user's.  A bad value is an error naming its
 * file, not a silent default.
 */
static const struct morph_error *
lock_timeout(int64_t *ms, struct morph_repo *r)
{
	static const enum morph_config_scope scopes[] = {
		MORPH_CONFIG_LOCAL, MORPH_CONFIG_GLOBAL };
	struct morph_buf path = MORPH_BUF_INIT;
	const struct morph_error *err = NULL, *why;
	const cJSON *conf, *v;
	size_t i;

	*ms = MORPH_LOCK_TIMEOUT_MS;
	for (i = 0; i < sizeof(scopes) / sizeof(scopes[0]); i++) {
		if ((err = morph_config_load(&conf, r, scopes[i])) != NULL)
			return err;
		v = cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(conf, "core"),
		    "locktimeout");
		if (v == NULL)
			continue;
		if ((why = morph_config_locktimeout(ms, v)) != NULL &&
		    (err = morph_config_path(&path, r, scopes[i])) == NULL)
			err = morph_error_fmt(MORPH_ERR_INVALID, "%s: %s",
			    path.ptr, why->msg);
		break;
	}
	morph_buf_release(&path);
	return err;
}

static const struct morph_error *
open_store(struct morph_repo *r, int create)
{
	const struct morph_error *err;
	struct morph_buf db = MORPH_BUF_INIT;
	const cJSON *conf, *v;
	int64_t version = 0, ms = MORPH_LOCK_TIMEOUT_MS;

	/*
	 * Both files are read now, so that a broken one is reported (naming
	 * the file, line and column) rather than silently skipped later.
	 */
	if ((err = morph_config_load(&conf, r, MORPH_CONFIG_GLOBAL)) != NULL ||
	    (err = morph_config_load(&conf, r, MORPH_CONFIG_LOCAL)) != NULL)
		return err;
	v = cJSON_GetObjectItemCaseSensitive(conf, "core");
	if (v != NULL && cJSON_GetObjectItemCaseSensitive(v,
	    "formatversion") != NULL) {
		if (morph_json_int64(v, "formatversion", &version) != 0 ||
		    version < 1)
			return morph_error_fmt(MORPH_ERR_CORRUPT, "%s/config: "
			    "core.formatversion must be a positive integer",
			    r->morphdir);
		if (version > MORPH_FORMAT_VERSION)
			return morph_error_fmt(MORPH_ERR_FORMAT, "repository "
			    "format version %lld is newer than this morph "
			    "reads (%d): upgrade morph", (long long)version,
			    MORPH_FORMAT_VERSION);
	}
	if ((err = lock_timeout(&ms, r)) != NULL)
		return err;
	morph_buf_printf(&db, "%s/morph.db", r->morphdir);
	if ((err = morph_buf_status(&db)) == NULL)
		err = morph_store_open(&r->store, db.ptr, create, (int)ms);
	morph_buf_release(&db);
	return err;
}

const struct morph_error *
morph_repo_open(struct morph_repo **out, const char *start)
{
	const struct morph_error *err;
	char cwd[PATH_MAX], dir[PATH_MAX + 16];
	struct stat st;
	char *slash;

	*out = NULL;
	if (realpath(start != NULL ? start : ".", cwd) == NULL)
		return morph_error_errno("cannot find the current directory");
	snprintf(dir, sizeof(dir), "%s", cwd);
	for (;;) {
		size_t n = strlen(dir);

		memcpy(dir + n, "/.morph/morph.db", sizeof("/.morph/morph.db"));
		if (stat(dir, &st) == 0 && S_ISREG(st.st_mode)) {
			dir[n] = '\0';
			if (n == 0)
				memcpy(dir, "/", 2);
			break;
		}
		dir[n] = '\0';
		if ((slash = strrchr(dir, '/')) == NULL || n <= 1)
			return morph_error(MORPH_ERR_NOT_REPO);
		*slash = '\0';
	}
	if ((err = alloc_repo(out, dir, cwd)) != NULL)
		return err;
	if ((err = open_store(*out, 0)) != NULL) {
		morph_repo_close(*out);
		*out = NULL;
	}
	return err;
}

const struct morph_error *
morph_repo_init(struct morph_repo **out, const char *dir,
    const struct morph_init_opts *opts)
{
	const struct morph_error *err;
	struct morph_buf path = MORPH_BUF_INIT, head = MORPH_BUF_INIT;
	struct morph_repo *r = NULL;
	char real[PATH_MAX];
	const cJSON *def;
	const char *branch = opts != NULL ? opts->initial_branch : NULL;
	struct stat st;

	*out = NULL;
	/* A broken user configuration stops init before it makes anything. */
	if ((err = morph_config_load(&def, NULL, MORPH_CONFIG_GLOBAL)) != NULL)
		return err;
	/* Like git init, create the directory and its parents. */
	morph_buf_printf(&path, "%s/.morph", dir);
	if ((err = morph_buf_status(&path)) != NULL ||
	    (err = morph_mkdir_parents(path.ptr)) != NULL)
		goto early;
	morph_buf_clear(&path);
	if (realpath(dir, real) == NULL) {
		err = morph_error_errno("cannot find '%s'", dir);
		goto early;
	}
	if ((err = alloc_repo(&r, real, real)) != NULL)
		goto early;
	morph_buf_printf(&path, "%s/morph.db", r->morphdir);
	if ((err = morph_buf_status(&path)) != NULL)
		goto done;
	if (stat(path.ptr, &st) == 0) {
		err = morph_error_fmt(MORPH_ERR_EXISTS,
		    "'%s' is already a morph repository", r->workdir);
		goto done;
	}
	if (mkdir(r->morphdir, 0777) == -1 && errno != EEXIST) {
		err = morph_error_errno("cannot create '%s'", r->morphdir);
		goto done;
	}
	if (branch == NULL) {
		def = morph_config_lookup(NULL, "init.defaultbranch");
		branch = cJSON_IsString(def) ? def->valuestring : "main";
	}
	if (!morph_ref_shortname_valid(branch)) {
		err = morph_error_fmt(MORPH_ERR_INVALID,
		    "'%s' is not a valid branch name", branch);
		goto done;
	}
	err = morph_config_set(r, MORPH_CONFIG_LOCAL, "core.formatversion",
	    "1", 1);
	if (err == NULL)
		err = open_store(r, 1);
	if (err != NULL)
		goto done;
	morph_buf_printf(&head, "%s%s", MORPH_REFS_HEADS, branch);
	if ((err = morph_buf_status(&head)) == NULL)
		err = morph_ref_set_symbolic(r, MORPH_HEAD, head.ptr);
	if (err == NULL)
		err = morph_git_exclude_morph(r->workdir);
done:
	morph_buf_release(&path);
	morph_buf_release(&head);
	if (err != NULL) {
		morph_repo_close(r);
		return err;
	}
	*out = r;
	return NULL;
early:
	morph_buf_release(&path);
	return err;
}

void
morph_repo_close(struct morph_repo *r)
{
	size_t i;

	if (r == NULL)
		return;
	morph_store_close(&r->store);
	if (r->wdfd != -1)
		close(r->wdfd);
	for (i = 0; i < sizeof(r->config) / sizeof(r->config[0]); i++)
		cJSON_Delete(r->config[i]);
	free(r->workdir);
	free(r->morphdir);
	free(r->prefix);
	free(r);
}

const char *
morph_repo_workdir(const struct morph_repo *r)
{
	return r->workdir;
}

const char *
morph_repo_morphdir(const struct morph_repo *r)
{
	return r->morphdir;
}

const char *
morph_repo_prefix(const struct morph_repo *r)
{
	return r->prefix;
}

const struct morph_error *
morph_repo_path(struct morph_buf *out, const struct morph_repo *r,
    const char *arg)
{
	struct morph_buf joined = MORPH_BUF_INIT;
	const struct morph_error *err;

	if (arg[0] == '/')
		return morph_error_fmt(MORPH_ERR_PATH, "path '%s' is "
		    "absolute; give it relative to the current directory", arg);
	morph_path_join(&joined, r->prefix, arg);
	if ((err = morph_buf_status(&joined)) == NULL)
		err = morph_path_normalize(out, joined.ptr);
	/* From a subdirectory, also say what the user typed. */
	if (err != NULL && r->prefix[0] != '\0')
		err = morph_error_wrap(err, "'%s'", arg);
	morph_buf_release(&joined);
	return err;
}

const struct morph_error *
morph_repo_begin(struct morph_repo *r)
{
	return morph_store_begin(&r->store);
}

const struct morph_error *
morph_repo_commit(struct morph_repo *r)
{
	return morph_store_commit(&r->store);
}

void
morph_repo_rollback(struct morph_repo *r)
{
	morph_store_rollback(&r->store);
}

const struct morph_error *
morph_repo_read_begin(struct morph_repo *r)
{
	return morph_store_read_begin(&r->store);
}

void
morph_repo_read_end(struct morph_repo *r)
{
	morph_store_rollback(&r->store);	/* nothing to commit */
}

void
morph_repo_set_notice(struct morph_repo *r, morph_notice_fn fn, void *arg)
{
	r->store.notice = fn;
	r->store.notice_arg = arg;
}

void
morph_repo_notice(struct morph_repo *r, const char *msg)
{
	if (r->store.notice != NULL)
		r->store.notice(msg, r->store.notice_arg);
}

const struct morph_error *
morph_repo_remove_file(struct morph_repo *r, const char *path)
{
	struct morph_buf abs = MORPH_BUF_INIT;
	const struct morph_error *err = NULL;
	const char *slash;
	struct stat st;

	morph_buf_puts(&abs, r->workdir);
	for (slash = strchr(path, '/'); slash != NULL && err == NULL;
	    slash = strchr(slash + 1, '/')) {
		morph_buf_truncate(&abs, strlen(r->workdir));
		morph_buf_printf(&abs, "/%.*s", (int)(slash - path), path);
		if ((err = morph_buf_status(&abs)) != NULL)
			break;
		if (lstat(abs.ptr, &st) == -1) {
			if (errno == ENOENT || errno == ENOTDIR)
				goto done;	/* nothing there to remove */
			err = morph_error_errno("cannot stat '%.*s'",
			    (int)(slash - path), path);
		} else if (!S_ISDIR(st.st_mode))
			err = morph_error_fmt(MORPH_ERR_PATH, "cannot remove "
			    "'%s': '%.*s' is not a directory", path,
			    (int)(slash - path), path);
	}
	if (err != NULL)
		goto done;
	morph_buf_truncate(&abs, strlen(r->workdir));
	morph_buf_printf(&abs, "/%s", path);
	if ((err = morph_buf_status(&abs)) != NULL)
		goto done;
	if (unlink(abs.ptr) == -1) {
		if (errno != ENOENT)
			err = morph_error_errno("cannot remove '%s'", path);
		goto done;
	}
	morph_prune_dirs(r->workdir, path);
done:
	morph_buf_release(&abs);
	return err;
}
