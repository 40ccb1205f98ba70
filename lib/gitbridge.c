/*
 * The enclosing git repository, seen through libgit2: provenance for
 * commits and the exclude entry for .morph.
 */
#include <sys/stat.h>

#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "morph/buf.h"
#include "git2_int.h"
#include "gitbridge_int.h"
#include "path_int.h"

const struct morph_error *
morph_git_init(void)
{
	static int done;
	const struct morph_error *err;

	if (done)
		return NULL;
	if ((err = morph_git2_load()) != NULL)
		return err;
	git_libgit2_init();
	done = 1;
	return NULL;
}

const struct morph_error *
morph_git_error(int rc, const char *what)
{
	const git_error *e = git_error_last();

	if (e == NULL || e->message == NULL)
		return morph_error_fmt(MORPH_ERR_GIT, "%s: libgit2 error %d",
		    what, rc);
	return morph_error_fmt(MORPH_ERR_GIT, "%s: %s", what, e->message);
}

/*
 * Whether a .git entry exists in dir or a parent.  libgit2's own search
 * would give the same answer, but initialising libgit2 reads every CA
 * certificate on the system, which costs more than a commit; most
 * repositories are not inside git, and they should not pay for it.
 */
static int
maybe_in_git(const char *dir)
{
	char path[PATH_MAX + 8];
	struct stat st;
	char *slash;
	size_t n;

	if (getenv("GIT_DIR") != NULL)
		return 1;
	if (snprintf(path, sizeof(path), "%s", dir) >= (int)sizeof(path))
		return 1;
	for (;;) {
		n = strlen(path);
		if (n + 6 > sizeof(path))
			return 1;
		memcpy(path + n, "/.git", 6);
		if (stat(path, &st) == 0)
			return 1;
		path[n] = '\0';
		if ((slash = strrchr(path, '/')) == NULL || n <= 1)
			return 0;
		*slash = '\0';
		if (slash == path) {
			if (stat("/.git", &st) == 0)
				return 1;
			return 0;
		}
	}
}

static const struct morph_error *
open_enclosing(git_repository **out, const char *workdir)
{
	const struct morph_error *err;
	int rc;

	*out = NULL;
	if (!maybe_in_git(workdir))
		return NULL;
	if ((err = morph_git_init()) != NULL)
		return err;
	rc = git_repository_open_ext(out, workdir, 0, NULL);
	if (rc == GIT_ENOTFOUND)
		return NULL;
	if (rc < 0)
		return morph_git_error(rc, "cannot open the git repository");
	if (git_repository_is_bare(*out)) {
		git_repository_free(*out);
		*out = NULL;
	}
	return NULL;
}

const struct morph_error *
morph_git_provenance(struct morph_git_provenance *out, const char *workdir)
{
	const struct morph_error *err;
	git_repository *repo;
	git_status_options opts;
	git_status_list *list = NULL;
	git_oid head;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((err = open_enclosing(&repo, workdir)) != NULL || repo == NULL)
		return err;
	out->found = 1;
	rc = git_reference_name_to_id(&head, repo, "HEAD");
	if (rc == GIT_ENOTFOUND || rc == GIT_EUNBORNBRANCH)
		out->unborn = 1;
	else if (rc < 0) {
		err = morph_git_error(rc, "cannot read git HEAD");
		goto done;
	} else
		git_oid_tostr(out->head, sizeof(out->head), &head);

	/* Dirty as git describe --dirty says it: tracked changes only. */
	git_status_options_init(&opts, GIT_STATUS_OPTIONS_VERSION);
	opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
	opts.flags = GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
	rc = git_status_list_new(&list, repo, &opts);
	if (rc < 0) {
		err = morph_git_error(rc, "cannot read git status");
		goto done;
	}
	out->dirty = git_status_list_entrycount(list) > 0;
done:
	git_status_list_free(list);
	git_repository_free(repo);
	return err;
}

const struct morph_error *
morph_git_exclude_morph(const char *workdir)
{
	static const char line[] = ".morph/";
	struct morph_buf path = MORPH_BUF_INIT, text = MORPH_BUF_INIT;
	const struct morph_error *err;
	git_repository *repo;
	const char *p;
	int have = 0;

	if ((err = open_enclosing(&repo, workdir)) != NULL || repo == NULL)
		return err;
	morph_buf_printf(&path, "%sinfo/exclude", git_repository_path(repo));
	if ((err = morph_buf_status(&path)) != NULL)
		goto done;
	err = morph_file_read(&text, path.ptr, 1 << 20);
	if (err != NULL && err->code != MORPH_ERR_ERRNO)
		goto done;
	err = NULL;
	for (p = morph_buf_cstr(&text); *p != '\0';) {
		size_t n = strcspn(p, "\n");

		if (n == sizeof(line) - 1 && memcmp(p, line, n) == 0)
			have = 1;
		p += n + (p[n] == '\n');
	}
	if (have)
		goto done;
	if (text.len > 0 && text.ptr[text.len - 1] != '\n')
		morph_buf_putc(&text, '\n');
	morph_buf_puts(&text, line);
	morph_buf_putc(&text, '\n');
	if ((err = morph_buf_status(&text)) == NULL &&
	    (err = morph_mkdir_parents(path.ptr)) == NULL)
		err = morph_file_write(path.ptr, text.ptr, text.len, 0644);
done:
	morph_buf_release(&path);
	morph_buf_release(&text);
	git_repository_free(repo);
	return err;
}

/*
 * The remotes of the enclosing git repository: a morph repository with
 * none of its own reaches the ones git has (morph-remote(1)).
 */
/* The remotes of a git configuration, in the order they appear. */
struct remotes {
	struct morph_buf	 names;		/* "name\0" each */
};

/* Notes remote NAME of a key remote.NAME.url or remote.NAME.pushurl. */
static int
note_remote(const git_config_entry *e, void *arg)
{
	struct remotes *l = arg;
	const char *name = e->name + 7, *dot = strrchr(e->name, '.'), *p;
	size_t n;

	if (strncmp(e->name, "remote.", 7) != 0 || dot == NULL ||
	    dot < name || (strcmp(dot, ".url") != 0 &&
	    strcmp(dot, ".pushurl") != 0))
		return 0;
	n = (size_t)(dot - name);
	for (p = l->names.ptr; p != NULL && p < l->names.ptr + l->names.len;
	    p += strlen(p) + 1)
		if (strlen(p) == n && strncmp(p, name, n) == 0)
			return 0;
	morph_buf_put(&l->names, name, n);
	morph_buf_putc(&l->names, '\0');
	return morph_buf_status(&l->names) == NULL ? 0 : -1;
}

/*
 * The value of key remote.NAME.WHAT in cfg, the last one set, in out;
 * NULL when none.  Set through git_config_foreach, which unlike
 * git_remote_list and git_remote_lookup reads the configuration without
 * a regular expression: libgit2 1.5 leaks PCRE2's match data for every
 * entry a regular expression does not match.
 */
static const char *
remote_value(struct morph_buf *out, git_config *cfg, const char *name,
    const char *what)
{
	struct morph_buf key = MORPH_BUF_INIT;
	git_config_entry *e = NULL;
	const char *v = NULL;

	morph_buf_clear(out);
	morph_buf_printf(&key, "remote.%s.%s", name, what);
	if (morph_buf_status(&key) == NULL &&
	    git_config_get_entry(&e, cfg, key.ptr) == 0 && e->value != NULL) {
		morph_buf_puts(out, e->value);
		if (morph_buf_status(out) == NULL)
			v = out->ptr;
	}
	git_config_entry_free(e);
	morph_buf_release(&key);
	return v;
}

const struct morph_error *
morph_git_remotes(const char *workdir, morph_git_remote_cb cb, void *arg)
{
	struct morph_buf url = MORPH_BUF_INIT, pushurl = MORPH_BUF_INIT;
	const struct morph_error *err = NULL;
	git_repository *repo;
	git_config *cfg = NULL;
	struct remotes l;
	const char *p, *u, *pu;
	int rc;

	if ((err = open_enclosing(&repo, workdir)) != NULL || repo == NULL)
		return err;
	memset(&l, 0, sizeof(l));
	if ((rc = git_repository_config_snapshot(&cfg, repo)) < 0 ||
	    (rc = git_config_foreach(cfg, note_remote, &l)) < 0) {
		err = morph_buf_status(&l.names) != NULL ?
		    morph_error(MORPH_ERR_NOMEM) :
		    morph_git_error(rc, "cannot list the git remotes");
		goto done;
	}
	for (p = l.names.ptr; err == NULL && p != NULL &&
	    p < l.names.ptr + l.names.len; p += strlen(p) + 1) {
		if ((u = remote_value(&url, cfg, p, "url")) == NULL)
			continue;
		pu = remote_value(&pushurl, cfg, p, "pushurl");
		err = cb(p, u, pu != NULL ? pu : u, arg);
	}
done:
	morph_buf_release(&l.names);
	morph_buf_release(&url);
	morph_buf_release(&pushurl);
	git_config_free(cfg);
	git_repository_free(repo);
	return err;
}
