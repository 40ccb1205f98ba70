/*
 * Remotes: their configuration (remote.NAME.url in .morph/config, or the
 * enclosing git repository's remotes), and fetching from and pushing to
 * them through libgit2 (see remote_int.h and morph/remote.h).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "morph/config.h"
#include "morph/refs.h"
#include "morph/remote.h"
#include "credential_int.h"
#include "gitbridge_int.h"
#include "localremote_int.h"
#include "remote_int.h"
#include "repo_int.h"

int
morph_remote_name_valid(const char *name)
{
	const char *p;

	if (name[0] == '\0' || name[0] == '-' || strlen(name) > 100)
		return 0;
	for (p = name; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
			return 0;
	return 1;
}

/* Whether url is a local path: no scheme, and not scp-like host:path. */
static int
is_local(const char *url)
{
	const char *colon = strchr(url, ':'), *slash = strchr(url, '/');

	if (strstr(url, "://") != NULL)
		return 0;
	return colon == NULL || (slash != NULL && slash < colon);
}

/*
 * dir/rel with "." and ".." resolved by name, for a path that does not
 * exist yet (the hub a clone will push to).
 */
static const struct morph_error *
lexical(struct morph_buf *out, const char *dir, const char *rel)
{
	struct morph_buf in = MORPH_BUF_INIT;
	const char *p, *e;
	char *slash;
	size_t n;

	morph_buf_printf(&in, "%s/%s", dir, rel);
	morph_buf_clear(out);
	for (p = in.ptr; p != NULL && *p != '\0'; p = *e ? e + 1 : e) {
		e = strchr(p, '/');
		if (e == NULL)
			e = p + strlen(p);
		n = (size_t)(e - p);
		if (n == 0 || (n == 1 && p[0] == '.'))
			continue;
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			if (out->ptr != NULL &&
			    (slash = strrchr(out->ptr, '/')) != NULL)
				morph_buf_truncate(out, (size_t)(slash -
				    out->ptr));
			continue;
		}
		morph_buf_putc(out, '/');
		morph_buf_put(out, p, n);
	}
	if (out->len == 0)
		morph_buf_putc(out, '/');
	morph_buf_release(&in);
	return morph_buf_status(out);
}

const struct morph_error *
morph_remote_normalize(struct morph_buf *out, const char *url)
{
	char abs[PATH_MAX], cwd[PATH_MAX];

	morph_buf_clear(out);
	if (url[0] == '\0')
		return morph_error_fmt(MORPH_ERR_INVALID, "empty remote URL");
	if (!is_local(url) || url[0] == '/') {
		morph_buf_puts(out, url);
		return morph_buf_status(out);
	}
	if (realpath(url, abs) != NULL) {
		morph_buf_puts(out, abs);
		return morph_buf_status(out);
	}
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		return morph_error_errno("cannot resolve '%s'", url);
	return lexical(out, cwd, url);
}

/* Configuration */

struct listing {
	morph_remote_cb		 cb;
	void			*arg;
	size_t			 n;
	/* With find: the one wanted, and what was found. */
	const char		*find;
	int			 push;
	char			*url;
};

static const struct morph_error *
config_remote(const char *key, const char *value,
    enum morph_config_scope scope, void *arg)
{
	struct listing *l = arg;
	size_t n;

	(void)scope;
	if (strncmp(key, "remote.", 7) != 0)
		return NULL;
	key += 7;
	n = strlen(key);
	if (n <= 4 || strcmp(key + n - 4, ".url") != 0)
		return NULL;
	l->n++;
	if (l->find != NULL) {
		if (strlen(l->find) == n - 4 && strncmp(key, l->find,
		    n - 4) == 0 && l->url == NULL &&
		    (l->url = strdup(value)) == NULL)
			return morph_error(MORPH_ERR_NOMEM);
		return NULL;
	}
	{
		char name[128];

		snprintf(name, sizeof(name), "%.*s", (int)(n - 4), key);
		return l->cb != NULL ? l->cb(name, value, 0, l->arg) : NULL;
	}
}

static const struct morph_error *
git_remote_cb(const char *name, const char *url, const char *pushurl,
    void *arg)
{
	struct listing *l = arg;

	l->n++;
	if (l->find != NULL) {
		if (strcmp(name, l->find) == 0 && l->url == NULL &&
		    (l->url = strdup(l->push ? pushurl : url)) == NULL)
			return morph_error(MORPH_ERR_NOMEM);
		return NULL;
	}
	return l->cb != NULL ? l->cb(name, url, 1, l->arg) : NULL;
}

/* The remotes of .morph/config, else git's, through l. */
static const struct morph_error *
list(struct morph_repo *repo, struct listing *l)
{
	const struct morph_error *err;

	if ((err = morph_config_foreach(repo, MORPH_CONFIG_LOCAL,
	    config_remote, l)) != NULL || l->n > 0)
		return err;
	return morph_git_remotes(morph_repo_workdir(repo), git_remote_cb, l);
}

const struct morph_error *
morph_remote_foreach(struct morph_repo *repo, morph_remote_cb cb, void *arg)
{
	struct listing l;

	memset(&l, 0, sizeof(l));
	l.cb = cb;
	l.arg = arg;
	return list(repo, &l);
}

const struct morph_error *
morph_remote_url(char **out, int *from_git, struct morph_repo *repo,
    const char *name, int push)
{
	const struct morph_error *err;
	struct listing l;

	*out = NULL;
	memset(&l, 0, sizeof(l));
	l.find = name;
	l.push = push;
	if ((err = morph_config_foreach(repo, MORPH_CONFIG_LOCAL,
	    config_remote, &l)) != NULL)
		return err;
	if (from_git != NULL)
		*from_git = 0;
	if (l.url == NULL && l.n == 0) {
		if ((err = morph_git_remotes(morph_repo_workdir(repo),
		    git_remote_cb, &l)) != NULL)
			return err;
		if (from_git != NULL)
			*from_git = 1;
	}
	if (l.url == NULL)
		return morph_error_fmt(MORPH_ERR_NOT_FOUND, "no remote named "
		    "'%s'; add one with morph remote add %s URL", name, name);
	*out = l.url;
	return NULL;
}

static const struct morph_error *
count_remote(const char *name, const char *url, int from_git, void *arg)
{
	char **only = arg;

	(void)url;
	(void)from_git;
	free(*only);
	*only = strdup(name);
	return *only == NULL ? morph_error(MORPH_ERR_NOMEM) : NULL;
}

const struct morph_error *
morph_remote_default(char **out, struct morph_repo *repo)
{
	const struct morph_error *err;
	struct listing l;
	char *url = NULL;

	*out = NULL;
	err = morph_remote_url(&url, NULL, repo, "origin", 0);
	free(url);
	if (err == NULL)
		return (*out = strdup("origin")) == NULL ?
		    morph_error(MORPH_ERR_NOMEM) : NULL;
	if (err->code != MORPH_ERR_NOT_FOUND)
		return err;
	memset(&l, 0, sizeof(l));
	l.cb = count_remote;
	l.arg = out;
	if ((err = list(repo, &l)) != NULL) {
		free(*out);
		*out = NULL;
		return err;
	}
	if (l.n == 1)
		return NULL;
	free(*out);
	*out = NULL;
	return morph_error_fmt(MORPH_ERR_NOT_FOUND, l.n == 0 ? "no remote: "
	    "add one with morph remote add origin URL" : "no remote named "
	    "'origin', and several others: name the one to use");
}

const struct morph_error *
morph_remote_redact(char **out, const char *url)
{
	struct morph_buf b = MORPH_BUF_INIT;
	const struct morph_error *err;

	*out = NULL;
	if ((err = morph_cred_redact(&b, url)) == NULL &&
	    (*out = morph_buf_detach(&b, NULL)) == NULL)
		err = morph_error(MORPH_ERR_NOMEM);
	morph_buf_release(&b);
	return err;
}

const struct morph_error *
morph_remote_add(struct morph_repo *repo, const char *name, const char *url)
{
	struct morph_buf key = MORPH_BUF_INIT, norm = MORPH_BUF_INIT;
	const struct morph_error *err;
	char *old = NULL, *shown = NULL;

	if (!morph_remote_name_valid(name))
		return morph_error_fmt(MORPH_ERR_INVALID, "'%s' is not a valid "
		    "remote name (letters, digits, '_' and '-')", name);
	morph_buf_printf(&key, "remote.%s.url", name);
	if ((err = morph_buf_status(&key)) != NULL ||
	    (err = morph_config_get(&old, repo, MORPH_CONFIG_LOCAL,
	    key.ptr)) != NULL)
		goto done;
	if (old != NULL) {
		if ((err = morph_remote_redact(&shown, old)) == NULL)
			err = morph_error_fmt(MORPH_ERR_EXISTS, "remote '%s' "
			    "already exists (%s)", name, shown);
		goto done;
	}
	if ((err = morph_remote_normalize(&norm, url)) == NULL)
		err = morph_config_set(repo, MORPH_CONFIG_LOCAL, key.ptr,
		    norm.ptr, 0);
done:
	free(old);
	free(shown);
	morph_buf_release(&key);
	morph_buf_release(&norm);
	return err;
}

/* Deletes the remote-tracking branches of a remote. */
static const struct morph_error *
drop_ref(const char *name, const char *value, int symbolic, void *arg)
{
	struct morph_buf *names = arg;

	(void)value;
	(void)symbolic;
	morph_buf_puts(names, name);
	morph_buf_putc(names, '\n');
	return morph_buf_status(names);
}

const struct morph_error *
morph_remote_remove(struct morph_repo *repo, const char *name)
{
	struct morph_buf key = MORPH_BUF_INIT, names = MORPH_BUF_INIT;
	const struct morph_error *err;
	char *p, *nl;

	if (!morph_remote_name_valid(name))
		return morph_error_fmt(MORPH_ERR_NOT_FOUND, "no remote named "
		    "'%s'", name);
	morph_buf_printf(&key, "remote.%s", name);
	if ((err = morph_buf_status(&key)) != NULL)
		goto done;
	err = morph_config_unset(repo, MORPH_CONFIG_LOCAL, key.ptr);
	if (err != NULL && err->code == MORPH_ERR_NOT_FOUND)
		err = morph_error_fmt(MORPH_ERR_NOT_FOUND, "no remote named "
		    "'%s' in .morph/config", name);
	if (err != NULL)
		goto done;
	morph_buf_clear(&key);
	morph_buf_printf(&key, "%s%s/", MORPH_REFS_REMOTES, name);
	if ((err = morph_buf_status(&key)) != NULL ||
	    (err = morph_repo_begin(repo)) != NULL)
		goto done;
	err = morph_ref_foreach(repo, key.ptr, drop_ref, &names);
	for (p = names.ptr; err == NULL && p != NULL && *p != '\0';
	    p = nl + 1) {
		nl = strchr(p, '\n');
		*nl = '\0';
		err = morph_ref_delete(repo, p);
	}
	if (err == NULL)
		err = morph_repo_commit(repo);
	else
		morph_repo_rollback(repo);
done:
	morph_buf_release(&key);
	morph_buf_release(&names);
	return err;
}

/* Transport */

/* The longest url.BASE.insteadOf (or pushInsteadOf) prefix of a URL. */
struct insteadof {
	const char		*url;
	const char		*suffix;	/* ".insteadof", ".pushinsteadof" */
	size_t			 best;		/* length of the prefix */
	struct morph_buf	 base;
};

static int
note_insteadof(const git_config_entry *e, void *arg)
{
	struct insteadof *in = arg;
	size_t n = strlen(e->name), k = strlen(in->suffix), v;

	if (strncmp(e->name, "url.", 4) != 0 || n <= 4 + k ||
	    strcmp(e->name + n - k, in->suffix) != 0 || e->value == NULL)
		return 0;
	v = strlen(e->value);
	if (v <= in->best || strncmp(in->url, e->value, v) != 0)
		return 0;
	in->best = v;
	morph_buf_clear(&in->base);
	morph_buf_put(&in->base, e->name + 4, n - 4 - k);
	return morph_buf_status(&in->base) == NULL ? 0 : -1;
}

/*
 * url as git rewrites it with url.BASE.insteadOf, or for a push first
 * url.BASE.pushInsteadOf: the longest matching prefix gives way to BASE.
 * Done here, not by libgit2, which matches every configuration entry with
 * a regular expression and in version 1.5 leaks PCRE2's match data for
 * each one that does not match.
 */
static const struct morph_error *
rewrite_url(struct morph_buf *out, git_repository *git, const char *url,
    int push)
{
	const struct morph_error *err = NULL;
	struct insteadof in;
	git_config *cfg = NULL;
	int rc, pass;

	memset(&in, 0, sizeof(in));
	in.url = url;
	if ((rc = git_repository_config_snapshot(&cfg, git)) < 0)
		return morph_git_error(rc, "cannot read the git configuration");
	for (pass = push ? 0 : 1; pass < 2 && in.best == 0 && err == NULL;
	    pass++) {
		in.suffix = pass == 0 ? ".pushinsteadof" : ".insteadof";
		if ((rc = git_config_foreach(cfg, note_insteadof, &in)) < 0)
			err = morph_buf_status(&in.base) != NULL ?
			    morph_error(MORPH_ERR_NOMEM) : morph_git_error(rc,
			    "cannot read the git configuration");
	}
	morph_buf_clear(out);
	if (in.best > 0)
		morph_buf_put(out, in.base.ptr, in.base.len);
	morph_buf_puts(out, url + in.best);
	if (err == NULL)
		err = morph_buf_status(out);
	morph_buf_release(&in.base);
	git_config_free(cfg);
	return err;
}

static const struct morph_error *
connect_remote(git_remote **out, struct morph_cred *cred, git_repository *git,
    const char *remote, const char *url, int push)
{
	git_remote_create_options o;
	struct morph_buf real = MORPH_BUF_INIT;
	const struct morph_error *err;
	int rc;

	if ((err = morph_cred_init(cred, remote, url)) != NULL ||
	    (err = rewrite_url(&real, git, url, push)) != NULL) {
		morph_buf_release(&real);
		return err;
	}
	git_remote_create_options_init(&o, GIT_REMOTE_CREATE_OPTIONS_VERSION);
	o.repository = git;
	o.flags = GIT_REMOTE_CREATE_SKIP_INSTEADOF |
	    GIT_REMOTE_CREATE_SKIP_DEFAULT_FETCHSPEC;
	rc = git_remote_create_with_opts(out, real.ptr, &o);
	morph_buf_release(&real);
	if (rc < 0)
		return morph_cred_error(cred, rc, "cannot use remote");
	return NULL;
}

static void
set_callbacks(git_remote_callbacks *cb, struct morph_cred *cred)
{
	cb->credentials = morph_cred_acquire;
	cb->certificate_check = morph_cred_certificate;
	cb->payload = cred;
}

const struct morph_error *
morph_remote_git_fetch(git_repository *git, const char *remote,
    const char *url, int push, const char *const *refspecs, size_t n)
{
	git_fetch_options fo;
	const struct morph_error *err;
	git_strarray specs = { (char **)(uintptr_t)refspecs, n };
	struct morph_cred cred;
	struct morph_buf path = MORPH_BUF_INIT;
	git_remote *r = NULL;
	int rc, fallback = 0;

	memset(&cred, 0, sizeof(cred));
	if (morph_localremote_path(&path, url)) {
		err = morph_localremote_fetch(&fallback, git, remote, path.ptr,
		    refspecs, n);
		morph_buf_release(&path);
		if (!fallback)
			return err;
	}
	morph_buf_release(&path);
	if ((err = connect_remote(&r, &cred, git, remote, url, push)) != NULL)
		goto done;
	git_fetch_options_init(&fo, GIT_FETCH_OPTIONS_VERSION);
	set_callbacks(&fo.callbacks, &cred);
	fo.prune = GIT_FETCH_PRUNE;
	fo.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
	fo.update_fetchhead = 0;
	rc = git_remote_fetch(r, &specs, &fo, "morph fetch");
	morph_cred_done(&cred, rc >= 0);
	if (rc < 0)
		err = morph_cred_error(&cred, rc, "cannot fetch from");
done:
	git_remote_free(r);
	morph_cred_release(&cred);
	return err;
}

const struct morph_error *
morph_remote_git_delete(git_repository *git, const struct morph_buf *names)
{
	git_reference *ref = NULL;
	const char *p;
	int rc;

	for (p = names->ptr; p != NULL && p < names->ptr + names->len;
	    p += strlen(p) + 1) {
		if ((rc = git_reference_lookup(&ref, git, p)) == 0)
			rc = git_reference_delete(ref);
		git_reference_free(ref);
		ref = NULL;
		if (rc < 0 && rc != GIT_ENOTFOUND)
			return morph_git_error(rc, "cannot delete a git "
			    "reference");
	}
	return NULL;
}

/* The callbacks' payload: the credentials first, as they expect. */
struct push_ctx {
	struct morph_cred	 cred;
	morph_remote_push_cb	 cb;
	void			*arg;
};

/* libgit2 says here, and only here, what the server refused. */
static int
push_update(const char *ref, const char *status, void *payload)
{
	struct push_ctx *ctx = payload;

	ctx->cb(ref, status, ctx->arg);
	return 0;
}

const struct morph_error *
morph_remote_git_push(int *moved, git_repository *git, const char *remote,
    const char *url, const char *const *refspecs, size_t n,
    morph_remote_push_cb cb, void *arg)
{
	git_push_options po;
	const struct morph_error *err;
	git_strarray specs = { (char **)(uintptr_t)refspecs, n };
	struct morph_buf path = MORPH_BUF_INIT;
	struct push_ctx st;
	git_remote *r = NULL;
	int rc;

	*moved = 0;
	if (morph_localremote_path(&path, url)) {
		err = morph_localremote_push(moved, git, remote, path.ptr,
		    refspecs, n, cb, arg);
		morph_buf_release(&path);
		return err;
	}
	morph_buf_release(&path);
	memset(&st, 0, sizeof(st));
	st.cb = cb;
	st.arg = arg;
	if ((err = connect_remote(&r, &st.cred, git, remote, url, 1)) != NULL)
		goto done;
	git_push_options_init(&po, GIT_PUSH_OPTIONS_VERSION);
	po.pb_parallelism = 0;	/* as many threads as cores */
	set_callbacks(&po.callbacks, &st.cred);
	po.callbacks.push_update_reference = push_update;
	rc = git_remote_push(r, &specs, &po);
	morph_cred_done(&st.cred, rc >= 0 || rc == GIT_ENONFASTFORWARD);
	if (rc == GIT_ENONFASTFORWARD)
		*moved = 1;
	else if (rc < 0)
		err = morph_cred_error(&st.cred, rc, "cannot push to");
done:
	git_remote_free(r);
	morph_cred_release(&st.cred);
	return err;
}
