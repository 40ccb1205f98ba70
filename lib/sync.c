/*
 * Push, fetch, pull and clone (see morph/remote.h): the steps between the
 * store, the bare git repository .morph/git and a remote.
 *
 * In .morph/git, refs/morph/ holds what this repository exports (heads,
 * tags, runs) and refs/remotes/REMOTE/ what was last fetched from REMOTE
 * (its refs/morph/ as they were).  Import goes from the latter to the
 * store, in one transaction, and moves the morph references last.
 *
 * Invariants:
 *  1. No push is forced.  A branch or tag is pushed only when the remote
 *     has none or an ancestor; a shard of runs is pushed as a new commit
 *     on top of the remote's, its tree the union of the remote's runs and
 *     ours, so that concurrent pushes are retried, never overwritten.
 *  2. The store is only written inside a transaction that is rolled back
 *     on any error; nothing fetched is used before it is checked
 *     (import_int.h).  No transaction is held across the network.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "morph/commit.h"
#include "morph/refs.h"
#include "morph/remote.h"
#include "morph/revwalk.h"
#include "morph/worktree.h"
#include "export_int.h"
#include "gitbridge_int.h"
#include "gitmap_int.h"
#include "gitstage_int.h"
#include "import_int.h"
#include "oidset_int.h"
#include "remote_int.h"
#include "repo_int.h"
#include "runs_int.h"

/* Tries of a push whose shards of runs the remote moved meanwhile. */
#define PUSH_TRIES	5

struct session {
	struct morph_repo		*repo;
	const char			*remote;
	char				*url;
	git_repository			*git;
	int				 push;		/* url is the push URL */
	const struct morph_sync_opts	*opts;
	struct morph_sync_result	*res;
};

static const struct morph_sync_opts default_opts = MORPH_SYNC_OPTS_INIT;

/*
 * Deletes the git references of .morph/git whose object is missing: a
 * push killed before it kept what it staged (gitstage_int.h) leaves
 * them, and a fetch or a push would trip over them.
 */
static const struct morph_error *
drop_dangling(git_repository *git)
{
	const struct morph_error *err = NULL;
	git_reference_iterator *it = NULL;
	struct morph_buf gone = MORPH_BUF_INIT;
	git_odb *odb = NULL;
	const char *name;
	git_oid id;
	int rc;

	if ((rc = git_repository_odb(&odb, git)) < 0 ||
	    (rc = git_reference_iterator_glob_new(&it, git, "refs/*")) < 0) {
		git_odb_free(odb);
		return morph_git_error(rc, "cannot list git references");
	}
	while ((rc = git_reference_next_name(&name, it)) == 0)
		if (git_reference_name_to_id(&id, git, name) == 0 &&
		    !git_odb_exists(odb, &id))
			morph_buf_put(&gone, name, strlen(name) + 1);
	if (rc != GIT_ITEROVER)
		err = morph_git_error(rc, "cannot list git references");
	if (err == NULL && (err = morph_buf_status(&gone)) == NULL)
		err = morph_remote_git_delete(git, &gone);
	git_reference_iterator_free(it);
	git_odb_free(odb);
	morph_buf_release(&gone);
	return err;
}

static const struct morph_error *
session_open(struct session *s, struct morph_repo *repo, const char *remote,
    int push, const struct morph_sync_opts *opts,
    struct morph_sync_result *res)
{
	const struct morph_error *err;

	memset(s, 0, sizeof(*s));
	memset(res, 0, sizeof(*res));
	s->repo = repo;
	s->remote = remote;
	s->push = push;
	s->opts = opts != NULL ? opts : &default_opts;
	s->res = res;
	if (!morph_remote_name_valid(remote))
		return morph_error_fmt(MORPH_ERR_INVALID, "'%s' is not a "
		    "remote name", remote);
	if ((err = morph_remote_url(&s->url, NULL, repo, remote,
	    push)) != NULL ||
	    (err = morph_gitdir_open(&s->git, repo)) != NULL)
		return err;
	return drop_dangling(s->git);
}

static void
session_close(struct session *s)
{
	git_repository_free(s->git);
	free(s->url);
}

static void
report(struct session *s, enum morph_sync_kind kind, const char *name,
    const struct morph_oid *old, const struct morph_oid *new,
    const char *rejected)
{
	struct morph_sync_ref r;

	memset(&r, 0, sizeof(r));
	r.kind = kind;
	r.name = name;
	if (old != NULL)
		r.old = *old;
	if (new != NULL)
		r.new = *new;
	r.rejected = rejected;
	if (rejected != NULL)
		s->res->rejected++;
	else
		s->res->refs++;
	if (s->opts->ref_cb != NULL)
		s->opts->ref_cb(&r, s->opts->ref_arg);
}

/* The value of git reference name; *found 0 when there is none. */
static const struct morph_error *
git_ref(git_oid *out, int *found, git_repository *git, const char *name)
{
	int rc = git_reference_name_to_id(out, git, name);

	*found = rc == 0;
	if (rc < 0 && rc != GIT_ENOTFOUND)
		return morph_git_error(rc, "cannot read a git reference");
	return NULL;
}

static const struct morph_error *
set_git_ref(git_repository *git, const char *name, const git_oid *id)
{
	git_reference *ref = NULL;
	int rc;

	rc = git_reference_create(&ref, git, name, id, 1, "morph");
	git_reference_free(ref);
	if (rc < 0)
		return morph_git_error(rc, "cannot set a git reference");
	return NULL;
}

/* Calls cb with the short name and value of each git ref under prefix. */
static const struct morph_error *
each_git_ref(git_repository *git, const char *prefix,
    const struct morph_error *(*cb)(const char *name, const git_oid *id,
    void *arg), void *arg)
{
	const struct morph_error *err = NULL;
	git_reference_iterator *it = NULL;
	struct morph_buf glob = MORPH_BUF_INIT;
	const char *name;
	git_oid id;
	int rc;

	morph_buf_printf(&glob, "%s*", prefix);
	if ((err = morph_buf_status(&glob)) != NULL)
		return err;
	if ((rc = git_reference_iterator_glob_new(&it, git, glob.ptr)) < 0) {
		morph_buf_release(&glob);
		return morph_git_error(rc, "cannot list git references");
	}
	while (err == NULL && (rc = git_reference_next_name(&name, it)) == 0) {
		if (git_reference_name_to_id(&id, git, name) < 0)
			continue;
		err = cb(name + strlen(prefix), &id, arg);
	}
	if (err == NULL && rc != GIT_ITEROVER)
		err = morph_git_error(rc, "cannot list git references");
	git_reference_iterator_free(it);
	morph_buf_release(&glob);
	return err;
}

/* Import: reading git objects for import.c */

static const struct morph_error *
src_tree(void *arg, const unsigned char key[20], morph_import_entry_cb cb,
    void *cbarg)
{
	const struct morph_error *err = NULL;
	git_repository *git = arg;
	const git_tree_entry *e;
	git_tree *t;
	git_oid id;
	char hex[GIT_OID_HEXSZ + 1];
	size_t i;

	git_oid_fromraw(&id, key);
	if (git_tree_lookup(&t, git, &id) < 0)
		return morph_error_fmt(MORPH_ERR_CORRUPT, "git tree %s is "
		    "missing or not a tree", git_oid_tostr(hex, sizeof(hex),
		    &id));
	for (i = 0; i < git_tree_entrycount(t) && err == NULL; i++) {
		e = git_tree_entry_byindex(t, i);
		err = cb(git_tree_entry_name(e),
		    (unsigned int)git_tree_entry_filemode(e),
		    git_tree_entry_id(e)->id, cbarg);
	}
	git_tree_free(t);
	return err;
}

static const struct morph_error *
src_blob(void *arg, const unsigned char key[20], size_t max,
    struct morph_buf *out)
{
	git_repository *git = arg;
	git_blob *b;
	git_oid id;
	char hex[GIT_OID_HEXSZ + 1];
	size_t n;

	git_oid_fromraw(&id, key);
	git_oid_tostr(hex, sizeof(hex), &id);
	if (git_blob_lookup(&b, git, &id) < 0)
		return morph_error_fmt(MORPH_ERR_CORRUPT, "git blob %s is "
		    "missing or not a blob", hex);
	n = (size_t)git_blob_rawsize(b);
	morph_buf_clear(out);
	if (n > max) {
		git_blob_free(b);
		return morph_error_fmt(MORPH_ERR_CORRUPT, "git blob %s: %zu "
		    "bytes, more than the %zu accepted", hex, n, max);
	}
	morph_buf_put(out, git_blob_rawcontent(b), n);
	git_blob_free(b);
	return morph_buf_status(out);
}

struct importer {
	struct session		*s;
	struct morph_import	*imp;
};

/*
 * Checks that git commit gid is exactly what exporting morph commit id
 * makes: a git commit whose author, committer, message or parents were
 * changed is refused like a changed object.
 */
static const struct morph_error *
same_as_export(struct importer *im, const git_oid *gid, git_commit *gc,
    const struct morph_oid *id)
{
	const struct morph_error *err = NULL;
	const struct morph_signature *a;
	struct morph_commit *c = NULL;
	const git_commit **parents = NULL;
	git_signature *sig = NULL;
	git_tree *tree = NULL;
	git_buf buf = { NULL, 0, 0 };
	git_oid again;
	size_t i, n = git_commit_parentcount(gc), got = 0;
	char hex[GIT_OID_HEXSZ + 1];
	int rc;

	if ((err = morph_commit_read(&c, im->s->repo, id)) != NULL)
		return err;
	a = morph_commit_author(c);
	if (n > 0 && (parents = calloc(n, sizeof(*parents))) == NULL) {
		err = morph_error(MORPH_ERR_NOMEM);
		goto done;
	}
	for (got = 0; got < n; got++)
		if (git_commit_lookup((git_commit **)&parents[got], im->s->git,
		    git_commit_parent_id(gc, (unsigned int)got)) < 0)
			break;
	if (got < n ||
	    git_tree_lookup(&tree, im->s->git, git_commit_tree_id(gc)) < 0 ||
	    git_signature_new(&sig, a->name, a->email, a->time, a->tz) < 0 ||
	    (rc = git_commit_create_buffer(&buf, im->s->git, sig, sig, NULL,
	    morph_commit_message(c), tree, n, parents)) < 0 ||
	    git_odb_hash(&again, buf.ptr, buf.size, GIT_OBJECT_COMMIT) < 0 ||
	    memcmp(again.id, gid->id, sizeof(again.id)) != 0)
		err = morph_error_fmt(MORPH_ERR_CORRUPT, "git commit %s is "
		    "not the export of morph commit %s: its author, date, "
		    "message or parents differ", git_oid_tostr(hex,
		    sizeof(hex), gid), morph_oid_tostr(id));
done:
	git_buf_dispose(&buf);
	git_signature_free(sig);
	git_tree_free(tree);
	for (i = 0; i < got; i++)
		git_commit_free((git_commit *)parents[i]);
	free(parents);
	morph_commit_free(c);
	return err;
}

/* The morph commit git commit gid stands for, if it was imported. */
static const struct morph_error *
imported(struct morph_oid *out, int *found, struct importer *im,
    const git_oid *gid)
{
	const struct morph_error *err;
	enum morph_object_type type;

	if ((err = morph_gitmap_to_morph(out, &type, found, im->s->repo,
	    gid->id)) != NULL)
		return err;
	if (*found && (type != MORPH_OBJ_COMMIT ||
	    !morph_object_exists(im->s->repo, out)))
		*found = 0;
	return NULL;
}

/* Imports one git commit whose parents are imported. */
static const struct morph_error *
import_one(struct morph_oid *out, struct importer *im, const git_oid *gid,
    git_commit *gc)
{
	const struct morph_error *err = NULL;
	struct morph_oid *parents = NULL;
	size_t n = git_commit_parentcount(gc), i;
	char what[64], hex[GIT_OID_HEXSZ + 1];
	int found;

	if (n > 0 && (parents = calloc(n, sizeof(*parents))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	for (i = 0; i < n && err == NULL; i++)
		if ((err = imported(&parents[i], &found, im,
		    git_commit_parent_id(gc, (unsigned int)i))) == NULL &&
		    !found)
			err = morph_error_fmt(MORPH_ERR_INVALID, "a parent "
			    "was not imported first");
	snprintf(what, sizeof(what), "git commit %s", git_oid_tostr(hex,
	    sizeof(hex), gid));
	if (err == NULL)
		err = morph_import_commit(out, im->imp,
		    git_commit_tree_id(gc)->id, parents, n, what);
	if (err == NULL)
		err = same_as_export(im, gid, gc, out);
	if (err == NULL)
		err = morph_gitmap_put(im->s->repo, gid->id, out,
		    MORPH_OBJ_COMMIT);
	free(parents);
	return err;
}

/*
 * Imports git commit tip and its ancestors not imported yet, parents
 * first, from an explicit stack.
 */
static const struct morph_error *
import_chain(struct morph_oid *out, struct importer *im, const git_oid *tip)
{
	const struct morph_error *err = NULL;
	git_oid *stack = NULL, *ns, top;
	git_commit *gc = NULL;
	struct morph_oid id;
	size_t n = 0, cap = 16, i;
	char hex[GIT_OID_HEXSZ + 1];
	int found, pending;

	if ((stack = malloc(cap * sizeof(*stack))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	stack[n++] = *tip;
	while (n > 0 && err == NULL) {
		top = stack[n - 1];
		if ((err = imported(&id, &found, im, &top)) != NULL)
			break;
		if (found) {
			n--;
			continue;
		}
		if (git_commit_lookup(&gc, im->s->git, &top) < 0) {
			err = morph_error_fmt(MORPH_ERR_CORRUPT, "git commit %s "
			    "is missing", git_oid_tostr(hex, sizeof(hex),
			    &top));
			break;
		}
		pending = 0;
		for (i = 0; i < git_commit_parentcount(gc) && err == NULL;
		    i++) {
			err = imported(&id, &found, im, git_commit_parent_id(gc,
			    (unsigned int)i));
			if (err != NULL || found)
				continue;
			if (n == cap) {
				if ((ns = realloc(stack, 2 * cap *
				    sizeof(*ns))) == NULL) {
					err = morph_error(MORPH_ERR_NOMEM);
					break;
				}
				stack = ns;
				cap *= 2;
			}
			stack[n++] = *git_commit_parent_id(gc, (unsigned int)i);
			pending = 1;
		}
		if (err == NULL && !pending) {
			err = import_one(&id, im, &top, gc);
			n--;
		}
		git_commit_free(gc);
		gc = NULL;
	}
	free(stack);
	if (err == NULL)
		err = imported(out, &found, im, tip);
	return err;
}

/* Fetched branches and tags, by short name. */
struct named {
	char			*name;
	struct morph_oid	 id;
};

struct namelist {
	struct importer		*im;
	struct named		*v;
	size_t			 n;
	size_t			 cap;
};

static const struct morph_error *
import_ref(const char *name, const git_oid *id, void *arg)
{
	struct namelist *l = arg;
	const struct morph_error *err;
	struct named *nv;
	char hex[GIT_OID_HEXSZ + 1];

	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 8;
		if ((nv = realloc(l->v, l->cap * sizeof(*nv))) == NULL)
			return morph_error(MORPH_ERR_NOMEM);
		l->v = nv;
	}
	if ((err = import_chain(&l->v[l->n].id, l->im, id)) != NULL)
		return morph_error_wrap(err, "'%s' (git %s)", name,
		    git_oid_tostr(hex, sizeof(hex), id));
	if ((l->v[l->n].name = strdup(name)) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	l->n++;
	return NULL;
}

static void
namelist_release(struct namelist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].name);
	free(l->v);
}

static const struct named *
namelist_find(const struct namelist *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].name, name) == 0)
			return &l->v[i];
	return NULL;
}

/* Whether git tree t has entry name of the given mode. */
static int
has_entry(const git_tree *t, const char *name, git_filemode_t mode)
{
	const git_tree_entry *e = git_tree_entry_byname(t, name);

	return e != NULL && git_tree_entry_filemode(e) == mode;
}

/*
 * The morph commits of the shard commits from tip down to stop (or the
 * first): a run's commit is reachable from the shard that holds it, even
 * when no branch holds it any more.
 */
static const struct morph_error *
import_shard_commits(struct importer *im, const git_oid *tip,
    const git_oid *stop)
{
	const struct morph_error *err = NULL;
	git_commit *c = NULL, *p = NULL;
	git_tree *t = NULL;
	git_oid cur = *tip, next;
	struct morph_oid id;
	size_t i;
	int more;

	while (err == NULL && (stop == NULL ||
	    memcmp(cur.id, stop->id, sizeof(cur.id)) != 0)) {
		if (git_commit_lookup(&c, im->s->git, &cur) < 0)
			return morph_error_fmt(MORPH_ERR_CORRUPT, "a commit of "
			    "a shard of runs is missing");
		more = 0;
		for (i = 0; i < git_commit_parentcount(c) && err == NULL;
		    i++) {
			const git_oid *pid = git_commit_parent_id(c,
			    (unsigned int)i);

			if (git_commit_lookup(&p, im->s->git, pid) < 0 ||
			    git_tree_lookup(&t, im->s->git,
			    git_commit_tree_id(p)) < 0)
				err = morph_error_fmt(MORPH_ERR_CORRUPT, "a "
				    "parent of a shard commit is missing");
			else if (has_entry(t, MORPH_GIT_DIR,
			    GIT_FILEMODE_TREE))
				err = import_chain(&id, im, pid);
			else if (!more) {
				next = *pid;
				more = 1;
			}
			git_tree_free(t);
			t = NULL;
			git_commit_free(p);
			p = NULL;
		}
		git_commit_free(c);
		c = NULL;
		if (!more)
			break;
		cur = next;
	}
	return err;
}

struct shard_walk {
	struct importer		*im;
	git_tree		*old;		/* the tree last imported */
};

/* Imports the runs of a shard's tree that were not in the old one. */
static const struct morph_error *
import_runs(struct importer *im, git_tree *tree, git_tree *old)
{
	const struct morph_error *err = NULL;
	const git_tree_entry *e, *was, *f;
	git_tree *sub = NULL;
	git_blob *fmt = NULL;
	size_t i, j;
	int added;

	f = git_tree_entry_byname(tree, "format");
	if (f == NULL || git_blob_lookup(&fmt, im->s->git,
	    git_tree_entry_id(f)) < 0)
		return morph_error_fmt(MORPH_ERR_CORRUPT, "a shard of runs has "
		    "no format file");
	if (git_blob_rawsize(fmt) != strlen(MORPH_GIT_FORMAT_TEXT) ||
	    memcmp(git_blob_rawcontent(fmt), MORPH_GIT_FORMAT_TEXT,
	    strlen(MORPH_GIT_FORMAT_TEXT)) != 0)
		err = morph_error_fmt(MORPH_ERR_FORMAT, "the runs on the "
		    "remote are in a format this morph does not read (it reads "
		    "%d): upgrade morph", MORPH_GIT_FORMAT);
	git_blob_free(fmt);
	for (i = 0; i < git_tree_entrycount(tree) && err == NULL; i++) {
		e = git_tree_entry_byindex(tree, i);
		if (strcmp(git_tree_entry_name(e), "format") == 0)
			continue;
		if (git_tree_entry_filemode(e) != GIT_FILEMODE_TREE ||
		    strlen(git_tree_entry_name(e)) != 2)
			return morph_error_fmt(MORPH_ERR_CORRUPT, "a shard of "
			    "runs holds '%s'", git_tree_entry_name(e));
		/* A folder the last import saw as it is holds nothing new. */
		was = old != NULL ? git_tree_entry_byname(old,
		    git_tree_entry_name(e)) : NULL;
		if (was != NULL && memcmp(git_tree_entry_id(was)->id,
		    git_tree_entry_id(e)->id, GIT_OID_RAWSZ) == 0)
			continue;
		if (git_tree_lookup(&sub, im->s->git,
		    git_tree_entry_id(e)) < 0)
			return morph_error_fmt(MORPH_ERR_CORRUPT, "a folder of "
			    "a shard of runs is missing");
		for (j = 0; j < git_tree_entrycount(sub) && err == NULL; j++) {
			const git_tree_entry *r = git_tree_entry_byindex(sub, j);
			const char *name = git_tree_entry_name(r);

			if (git_tree_entry_filemode(r) != GIT_FILEMODE_TREE ||
			    strlen(name) != MORPH_OID_HEXSZ ||
			    strncmp(name + 1, git_tree_entry_name(e), 2) != 0) {
				err = morph_error_fmt(MORPH_ERR_CORRUPT, "a "
				    "shard of runs holds '%s/%s'",
				    git_tree_entry_name(e), name);
				break;
			}
			err = morph_import_run(&added, im->imp, name,
			    git_tree_entry_id(r)->id);
			if (err == NULL && added)
				im->s->res->runs++;
		}
		git_tree_free(sub);
		sub = NULL;
	}
	return err;
}

/* The key in the meta table of the shard tip last imported. */
static void
shard_key(char *out, size_t size, const char *remote, const char *shard)
{
	snprintf(out, size, "sync.%s.runs.%s", remote, shard);
}

static const struct morph_error *
import_shard(const char *name, const git_oid *tip, void *arg)
{
	struct importer *im = arg;
	const struct morph_error *err;
	struct morph_buf last = MORPH_BUF_INIT;
	git_commit *c = NULL, *oc = NULL;
	git_tree *tree = NULL, *old = NULL;
	git_oid lastid;
	char key[256];
	int found;

	shard_key(key, sizeof(key), im->s->remote, name);
	if ((err = morph_store_meta_get_blob(&im->s->repo->store, key, &last,
	    &found)) != NULL)
		goto done;
	found = found && last.len == GIT_OID_RAWSZ;
	if (found)
		git_oid_fromraw(&lastid, (const unsigned char *)last.ptr);
	if (found && memcmp(lastid.id, tip->id, GIT_OID_RAWSZ) == 0)
		goto done;	/* nothing new */
	/* The last tip imported may be gone (a forced push): walk all. */
	if (found && (git_commit_lookup(&oc, im->s->git, &lastid) < 0 ||
	    git_tree_lookup(&old, im->s->git, git_commit_tree_id(oc)) < 0))
		found = 0;
	if ((err = import_shard_commits(im, tip, found ? &lastid :
	    NULL)) != NULL)
		goto done;
	if (git_commit_lookup(&c, im->s->git, tip) < 0 ||
	    git_tree_lookup(&tree, im->s->git, git_commit_tree_id(c)) < 0) {
		err = morph_error_fmt(MORPH_ERR_CORRUPT, "shard %s of runs is "
		    "missing its commit or tree", name);
		goto done;
	}
	if ((err = import_runs(im, tree, found ? old : NULL)) == NULL)
		err = morph_store_meta_set_blob(&im->s->repo->store, key,
		    tip->id, GIT_OID_RAWSZ);
done:
	git_tree_free(tree);
	git_tree_free(old);
	git_commit_free(c);
	git_commit_free(oc);
	morph_buf_release(&last);
	return err;
}

/* The remote-tracking branches of the remote, before the fetch. */
struct tracking {
	struct morph_buf	 names;		/* "name\0" each */
};

static const struct morph_error *
note_tracking(const char *name, const char *value, int symbolic, void *arg)
{
	struct tracking *t = arg;

	(void)value;
	if (symbolic)
		return NULL;
	morph_buf_put(&t->names, name, strlen(name) + 1);
	return morph_buf_status(&t->names);
}

/*
 * The reference prefix + name that a fetched branch or tag (kind) sets,
 * in ref, checked, and its value here in *old; *have 0 when it has none.
 */
static const struct morph_error *
local_ref(struct morph_buf *ref, struct morph_oid *old, int *have,
    struct session *s, const char *prefix, const char *name,
    const char *kind)
{
	const struct morph_error *err;

	*have = 0;
	morph_buf_clear(ref);
	morph_buf_printf(ref, "%s%s", prefix, name);
	if ((err = morph_buf_status(ref)) != NULL)
		return err;
	if (!morph_ref_name_valid(ref->ptr))
		return morph_error_fmt(MORPH_ERR_CORRUPT, "the remote's %s "
		    "name '%s' is not valid", kind, name);
	err = morph_ref_resolve(old, s->repo, ref->ptr);
	*have = err == NULL;
	return err != NULL && err->code != MORPH_ERR_NOT_FOUND ? err : NULL;
}

/*
 * Moves the branches under refs/remotes/REMOTE/ to the fetched ones, deleting those the
 * remote no longer has, and adds the fetched tags this repository lacks.
 */
static const struct morph_error *
update_refs(struct session *s, const struct namelist *heads,
    const struct namelist *tags)
{
	const struct morph_error *err = NULL;
	struct morph_buf ref = MORPH_BUF_INIT, prefix = MORPH_BUF_INIT;
	struct tracking t;
	struct morph_oid old, zero;
	const char *p;
	size_t i;
	int have;

	memset(&zero, 0, sizeof(zero));
	memset(&t, 0, sizeof(t));
	morph_buf_printf(&prefix, "%s%s/", MORPH_REFS_REMOTES, s->remote);
	if ((err = morph_buf_status(&prefix)) != NULL ||
	    (err = morph_ref_foreach(s->repo, prefix.ptr, note_tracking,
	    &t)) != NULL)
		goto done;
	for (p = t.names.ptr; p != NULL && p < t.names.ptr + t.names.len;
	    p += strlen(p) + 1) {
		if (namelist_find(heads, p + prefix.len) != NULL)
			continue;
		if ((err = morph_ref_resolve(&old, s->repo, p)) != NULL ||
		    (err = morph_ref_delete(s->repo, p)) != NULL)
			goto done;
		report(s, MORPH_SYNC_BRANCH, p + strlen(MORPH_REFS_REMOTES),
		    &old, NULL, NULL);
	}
	for (i = 0; i < heads->n && err == NULL; i++) {
		if ((err = local_ref(&ref, &old, &have, s, prefix.ptr,
		    heads->v[i].name, "branch")) != NULL)
			break;
		if (have && morph_oid_cmp(&old, &heads->v[i].id) == 0)
			continue;
		if ((err = morph_ref_update(s->repo, ref.ptr, &heads->v[i].id,
		    NULL)) != NULL)
			break;
		report(s, MORPH_SYNC_BRANCH, ref.ptr +
		    strlen(MORPH_REFS_REMOTES), have ? &old : NULL,
		    &heads->v[i].id, NULL);
	}
	for (i = 0; i < tags->n && err == NULL; i++) {
		if ((err = local_ref(&ref, &old, &have, s, MORPH_REFS_TAGS,
		    tags->v[i].name, "tag")) != NULL)
			break;
		if (have && morph_oid_cmp(&old, &tags->v[i].id) == 0)
			continue;
		if (have) {
			report(s, MORPH_SYNC_TAG, tags->v[i].name, &old,
			    &tags->v[i].id, "a tag of that name here names "
			    "another commit; kept it");
			continue;
		}
		if ((err = morph_ref_update(s->repo, ref.ptr, &tags->v[i].id,
		    &zero)) != NULL)
			break;
		report(s, MORPH_SYNC_TAG, tags->v[i].name, NULL,
		    &tags->v[i].id, NULL);
	}
done:
	morph_buf_release(&ref);
	morph_buf_release(&prefix);
	morph_buf_release(&t.names);
	return err;
}

/*
 * Imports what the last fetch from the remote brought into .morph/git, in
 * one transaction.
 */
static const struct morph_error *
import_fetched(struct session *s)
{
	const struct morph_import_src src = { src_tree, src_blob, s->git };
	const struct morph_import_stats *st;
	const struct morph_error *err;
	struct morph_buf prefix = MORPH_BUF_INIT;
	struct namelist heads, tags;
	struct importer im;

	memset(&im, 0, sizeof(im));
	memset(&heads, 0, sizeof(heads));
	memset(&tags, 0, sizeof(tags));
	im.s = s;
	heads.im = tags.im = &im;
	if ((err = morph_repo_begin(s->repo)) != NULL)
		return err;
	if ((err = morph_import_new(&im.imp, s->repo, &src)) != NULL)
		goto done;
	morph_buf_printf(&prefix, "refs/remotes/%s/heads/", s->remote);
	if ((err = morph_buf_status(&prefix)) != NULL ||
	    (err = each_git_ref(s->git, prefix.ptr, import_ref,
	    &heads)) != NULL)
		goto done;
	morph_buf_clear(&prefix);
	morph_buf_printf(&prefix, "refs/remotes/%s/tags/", s->remote);
	if ((err = morph_buf_status(&prefix)) != NULL ||
	    (err = each_git_ref(s->git, prefix.ptr, import_ref,
	    &tags)) != NULL)
		goto done;
	morph_buf_clear(&prefix);
	morph_buf_printf(&prefix, "refs/remotes/%s/runs/", s->remote);
	if ((err = morph_buf_status(&prefix)) != NULL ||
	    (err = each_git_ref(s->git, prefix.ptr, import_shard,
	    &im)) != NULL)
		goto done;
	if ((err = update_refs(s, &heads, &tags)) != NULL)
		goto done;
	st = morph_import_stats(im.imp);
	s->res->commits += st->commits;
	s->res->results += st->results;
done:
	if (err == NULL)
		err = morph_repo_commit(s->repo);
	else
		morph_repo_rollback(s->repo);
	morph_import_free(im.imp);
	namelist_release(&heads);
	namelist_release(&tags);
	morph_buf_release(&prefix);
	return err;
}

static const struct morph_error *
fetch_remote(struct session *s)
{
	struct morph_buf spec = MORPH_BUF_INIT;
	const struct morph_error *err;
	const char *specs[1];

	morph_buf_printf(&spec, "+refs/morph/*:refs/remotes/%s/*", s->remote);
	if ((err = morph_buf_status(&spec)) == NULL) {
		specs[0] = spec.ptr;
		err = morph_remote_git_fetch(s->git, s->remote, s->url, s->push,
		    specs, 1);
	}
	morph_buf_release(&spec);
	return err;
}

const struct morph_error *
morph_remote_fetch(struct morph_sync_result *out, struct morph_repo *repo,
    const char *remote, const struct morph_sync_opts *opts)
{
	const struct morph_error *err;
	struct session s;

	if ((err = session_open(&s, repo, remote, 0, opts, out)) == NULL &&
	    (err = fetch_remote(&s)) == NULL &&
	    (err = import_fetched(&s)) != NULL)
		err = morph_error_wrap(err, "fetch from '%s' refused, nothing "
		    "changed", remote);
	session_close(&s);
	return err;
}

/* Push */

/* A reference to push: a branch or a tag, and where it stands. */
struct outgoing {
	enum morph_sync_kind	 kind;
	char			*name;
	struct morph_oid	 id;		/* ours */
	git_oid			 gid;		/* its export */
	int			 has_remote;
	struct morph_oid	 remote;	/* theirs, when has_remote */
	const char		*rejected;
	int			 send;		/* differs, and may move */
};

struct pushing {
	struct session		*s;
	struct outgoing		*v;
	size_t			 n;
	size_t			 cap;
	/* Shards of runs: what the remote has and what we add. */
	git_treebuilder		*shard[MORPH_RUN_SHARDS];
	git_tree		*theirs[MORPH_RUN_SHARDS];
	git_oid			 tip[MORPH_RUN_SHARDS];
	int			 has_tip[MORPH_RUN_SHARDS];
	size_t			 adding[MORPH_RUN_SHARDS];
	git_oid			*extra[MORPH_RUN_SHARDS];	/* parents */
	size_t			 nextra[MORPH_RUN_SHARDS];
	struct morph_buf	 msg[MORPH_RUN_SHARDS];
	git_oid			 made[MORPH_RUN_SHARDS];
	int			 retry;		/* a shard was refused */
	struct morph_oidset	 reach;		/* commits the remote will
						   hold */
	struct morph_export	 x;
	size_t			 runs;
};

static const struct morph_error *
add_outgoing(struct pushing *p, enum morph_sync_kind kind, const char *name,
    const struct morph_oid *id)
{
	struct outgoing *nv;
	size_t i;

	for (i = 0; i < p->n; i++)
		if (p->v[i].kind == kind && strcmp(p->v[i].name, name) == 0)
			return NULL;
	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 8;
		if ((nv = realloc(p->v, p->cap * sizeof(*nv))) == NULL)
			return morph_error(MORPH_ERR_NOMEM);
		p->v = nv;
	}
	memset(&p->v[p->n], 0, sizeof(p->v[p->n]));
	p->v[p->n].kind = kind;
	p->v[p->n].id = *id;
	if ((p->v[p->n].name = strdup(name)) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	p->n++;
	return NULL;
}

static const struct morph_error *
add_ref(const char *name, const char *value, int symbolic, void *arg)
{
	struct pushing *p = arg;
	struct morph_oid id;
	int tag = strncmp(name, MORPH_REFS_TAGS, strlen(MORPH_REFS_TAGS)) == 0;

	if (symbolic || morph_oid_fromhex(&id, value) != 0)
		return NULL;
	return add_outgoing(p, tag ? MORPH_SYNC_TAG : MORPH_SYNC_BRANCH,
	    name + strlen(tag ? MORPH_REFS_TAGS : MORPH_REFS_HEADS), &id);
}

/* The branches and tags the options name. */
static const struct morph_error *
choose_refs(struct pushing *p)
{
	const struct morph_sync_opts *o = p->s->opts;
	struct morph_buf ref = MORPH_BUF_INIT;
	const struct morph_error *err = NULL;
	struct morph_oid id;
	size_t i;

	if (o->all)
		err = morph_ref_foreach(p->s->repo, MORPH_REFS_HEADS, add_ref,
		    p);
	for (i = 0; err == NULL && i < o->nbranches; i++) {
		morph_buf_clear(&ref);
		morph_buf_printf(&ref, "%s%s", MORPH_REFS_HEADS,
		    o->branches[i]);
		if ((err = morph_buf_status(&ref)) != NULL)
			break;
		if (!morph_ref_shortname_valid(o->branches[i]) ||
		    morph_ref_resolve(&id, p->s->repo, ref.ptr) != NULL)
			err = morph_error_fmt(MORPH_ERR_NOT_FOUND, "no branch "
			    "named '%s'", o->branches[i]);
		else
			err = add_outgoing(p, MORPH_SYNC_BRANCH,
			    o->branches[i], &id);
	}
	if (err == NULL && !o->all && o->nbranches == 0) {
		if ((err = morph_head_branch(&ref, p->s->repo)) != NULL) {
			if (err->code == MORPH_ERR_NOT_FOUND)
				err = morph_error_fmt(MORPH_ERR_NOT_FOUND,
				    "HEAD is detached: name the branch to push");
		} else if (morph_ref_resolve(&id, p->s->repo, ref.ptr) !=
		    NULL)
			err = morph_error_fmt(MORPH_ERR_NOT_FOUND, "branch '%s' "
			    "has no commit yet", ref.ptr +
			    strlen(MORPH_REFS_HEADS));
		else
			err = add_outgoing(p, MORPH_SYNC_BRANCH, ref.ptr +
			    strlen(MORPH_REFS_HEADS), &id);
	}
	if (err == NULL && o->tags)
		err = morph_ref_foreach(p->s->repo, MORPH_REFS_TAGS, add_ref,
		    p);
	morph_buf_release(&ref);
	return err;
}

static const char *
kind_dir(enum morph_sync_kind kind)
{
	return kind == MORPH_SYNC_TAG ? "tags" : "heads";
}

/* Exports what is pushed; sets refs/morph/heads|tags/NAME in .morph/git. */
static const struct morph_error *
export_refs(struct pushing *p)
{
	const struct morph_error *err = NULL;
	struct morph_buf name = MORPH_BUF_INIT;
	size_t i;

	if ((err = morph_repo_begin(p->s->repo)) != NULL)
		return err;
	for (i = 0; i < p->n && err == NULL; i++) {
		if ((err = morph_export_commit(&p->v[i].gid, &p->x,
		    &p->v[i].id)) != NULL)
			break;
		morph_buf_clear(&name);
		morph_buf_printf(&name, "refs/morph/%s/%s",
		    kind_dir(p->v[i].kind), p->v[i].name);
		if ((err = morph_buf_status(&name)) == NULL)
			err = set_git_ref(p->s->git, name.ptr, &p->v[i].gid);
	}
	if (err == NULL)
		err = morph_repo_commit(p->s->repo);
	else
		morph_repo_rollback(p->s->repo);
	p->s->res->commits = p->x.commits;
	morph_buf_release(&name);
	return err;
}

/*
 * Compares each reference with the remote's, as last fetched: it is sent
 * when it differs and the remote's is an ancestor of ours.
 */
static const struct morph_error *
check_refs(struct pushing *p)
{
	const struct morph_error *err = NULL;
	struct morph_buf name = MORPH_BUF_INIT;
	struct outgoing *o;
	git_oid theirs;
	enum morph_object_type type;
	size_t i;
	int found;

	for (i = 0; i < p->n && err == NULL; i++) {
		o = &p->v[i];
		o->send = 0;
		o->rejected = NULL;
		morph_buf_clear(&name);
		morph_buf_printf(&name, "refs/remotes/%s/%s/%s", p->s->remote,
		    kind_dir(o->kind), o->name);
		if ((err = morph_buf_status(&name)) != NULL ||
		    (err = git_ref(&theirs, &found, p->s->git,
		    name.ptr)) != NULL)
			break;
		o->has_remote = found;
		if (found && memcmp(theirs.id, o->gid.id, GIT_OID_RAWSZ) == 0) {
			o->remote = o->id;
			continue;
		}
		if (found && (err = morph_gitmap_to_morph(&o->remote, &type,
		    &found, p->s->repo, theirs.id)) == NULL && !found)
			memset(&o->remote, 0, sizeof(o->remote));
		if (err != NULL)
			break;
		if (!o->has_remote)
			o->send = 1;
		else if (o->kind == MORPH_SYNC_TAG)
			o->rejected = "the remote has a tag of that name on "
			    "another commit";
		else if (git_graph_descendant_of(p->s->git, &o->gid,
		    &theirs) == 1)
			o->send = 1;
		else
			o->rejected = "the remote's branch has commits you do "
			    "not have: fetch them (morph pull) first";
	}
	morph_buf_release(&name);
	return err;
}

/* The commits the remote holds after the push: whose runs travel. */
static const struct morph_error *
reachable(struct pushing *p)
{
	const struct morph_error *err;
	struct morph_revwalk *w = NULL;
	struct morph_commit *c;
	size_t i;

	morph_oidset_release(&p->reach);
	morph_oidset_init(&p->reach);
	if ((err = morph_revwalk_new(&w, p->s->repo)) != NULL)
		return err;
	for (i = 0; i < p->n && err == NULL; i++)
		if (p->v[i].rejected == NULL)
			err = morph_revwalk_push(w, &p->v[i].id);
	while (err == NULL && (err = morph_revwalk_next(&c, w)) == NULL &&
	    c != NULL) {
		err = morph_oidset_add(&p->reach, morph_commit_id(c), NULL);
		morph_commit_free(c);
	}
	morph_revwalk_free(w);
	return err;
}

static void
shards_release(struct pushing *p)
{
	int k;

	for (k = 0; k < MORPH_RUN_SHARDS; k++) {
		git_treebuilder_free(p->shard[k]);
		git_tree_free(p->theirs[k]);
		free(p->extra[k]);
		morph_buf_release(&p->msg[k]);
		p->shard[k] = NULL;
		p->theirs[k] = NULL;
		p->extra[k] = NULL;
		p->nextra[k] = 0;
		p->adding[k] = 0;
		p->has_tip[k] = 0;
	}
}

/* Reads the remote's shards of runs, as last fetched. */
static const struct morph_error *
read_shards(struct pushing *p)
{
	const struct morph_error *err = NULL;
	struct morph_buf name = MORPH_BUF_INIT;
	git_commit *c = NULL;
	int k, found;

	shards_release(p);
	for (k = 0; k < MORPH_RUN_SHARDS && err == NULL; k++) {
		morph_buf_clear(&name);
		morph_buf_printf(&name, "refs/remotes/%s/runs/%x",
		    p->s->remote, k);
		if ((err = morph_buf_status(&name)) != NULL ||
		    (err = git_ref(&p->tip[k], &found, p->s->git,
		    name.ptr)) != NULL || !found)
			continue;
		p->has_tip[k] = 1;
		if (git_commit_lookup(&c, p->s->git, &p->tip[k]) < 0 ||
		    git_commit_tree(&p->theirs[k], c) < 0)
			err = morph_error_fmt(MORPH_ERR_CORRUPT, "the remote's "
			    "shard %x of runs is missing its commit", k);
		git_commit_free(c);
		c = NULL;
	}
	morph_buf_release(&name);
	return err;
}

/* Whether the remote's shard holds the run at path. */
static int
remote_has(struct pushing *p, int k, const char *path)
{
	git_tree_entry *e = NULL;

	if (p->theirs[k] == NULL ||
	    git_tree_entry_bypath(&e, p->theirs[k], path) < 0)
		return 0;
	git_tree_entry_free(e);
	return 1;
}

static const struct morph_error *
add_extra(struct pushing *p, int k, const git_oid *id)
{
	git_oid *nv;
	size_t i;

	for (i = 0; i < p->nextra[k]; i++)
		if (memcmp(p->extra[k][i].id, id->id, GIT_OID_RAWSZ) == 0)
			return NULL;
	if ((nv = realloc(p->extra[k], (p->nextra[k] + 1) *
	    sizeof(*nv))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	p->extra[k] = nv;
	nv[p->nextra[k]++] = *id;
	return NULL;
}

/* Adds run (of commit) to its shard unless the remote has it. */
static const struct morph_error *
queue_run(const struct morph_oid *run, const struct morph_oid *commit,
    void *arg)
{
	struct pushing *p = arg;
	const struct morph_error *err;
	git_treebuilder *sub = NULL;
	const git_tree_entry *e;
	git_tree *old = NULL;
	git_oid folder, cid, subid;
	char path[40], dir[3];
	int k = morph_export_shard(run), rc;

	if (!morph_oidset_has(&p->reach, commit))
		return NULL;
	morph_export_run_path(path, run);
	if (remote_has(p, k, path))
		return NULL;
	if ((err = morph_export_run(&folder, &p->x, run)) != NULL ||
	    (err = morph_export_commit(&cid, &p->x, commit)) != NULL ||
	    (err = add_extra(p, k, &cid)) != NULL)
		return err;
	if (p->shard[k] == NULL &&
	    git_treebuilder_new(&p->shard[k], p->s->git, p->theirs[k]) < 0)
		return morph_git_error(-1, "cannot make a git tree");
	/* Into folder path[0..1] of the shard, as the remote has it. */
	memcpy(dir, path, 2);
	dir[2] = '\0';
	e = git_treebuilder_get(p->shard[k], dir);
	if (e != NULL && git_tree_lookup(&old, p->s->git,
	    git_tree_entry_id(e)) < 0)
		return morph_git_error(-1, "cannot read a git tree");
	rc = git_treebuilder_new(&sub, p->s->git, old);
	git_tree_free(old);
	if (rc < 0)
		return morph_git_error(rc, "cannot make a git tree");
	if ((rc = git_treebuilder_insert(NULL, sub, path + 3, &folder,
	    GIT_FILEMODE_TREE)) < 0 ||
	    (rc = git_treebuilder_write(&subid, sub)) < 0 ||
	    (rc = git_treebuilder_insert(NULL, p->shard[k], dir, &subid,
	    GIT_FILEMODE_TREE)) < 0) {
		git_treebuilder_free(sub);
		return morph_git_error(rc, "cannot make a git tree");
	}
	git_treebuilder_free(sub);
	morph_buf_printf(&p->msg[k], "run %s of commit %s\n",
	    morph_oid_tostr(run), morph_oid_tostr(commit));
	p->adding[k]++;
	p->runs++;
	return morph_buf_status(&p->msg[k]);
}

/*
 * Commits each shard that gains runs: its tree the remote's with ours
 * added, its parents the remote's tip then the commits of the runs added
 * (which keeps them reachable), and sets refs/morph/runs/K to it.
 */
static const struct morph_error *
commit_shards(struct pushing *p)
{
	const struct morph_error *err = NULL;
	const git_commit **parents = NULL;
	git_signature *sig = NULL;
	git_tree *tree = NULL;
	git_buf buf = { NULL, 0, 0 };
	git_oid tid, blob;
	struct morph_buf msg = MORPH_BUF_INIT;
	char name[64];
	size_t i, n = 0, got = 0;
	int k, rc;

	if ((rc = git_signature_new(&sig, "morph", "morph@localhost",
	    (git_time_t)time(NULL), 0)) < 0)
		return morph_git_error(rc, "cannot sign a git commit");
	for (k = 0; k < MORPH_RUN_SHARDS && err == NULL; k++) {
		if (p->adding[k] == 0)
			continue;
		if ((rc = git_odb_write(&blob, p->x.odb, MORPH_GIT_FORMAT_TEXT,
		    strlen(MORPH_GIT_FORMAT_TEXT), GIT_OBJECT_BLOB)) < 0 ||
		    (rc = git_treebuilder_insert(NULL, p->shard[k], "format",
		    &blob, GIT_FILEMODE_BLOB)) < 0 ||
		    (rc = git_treebuilder_write(&tid, p->shard[k])) < 0 ||
		    (rc = git_tree_lookup(&tree, p->s->git, &tid)) < 0) {
			err = morph_git_error(rc, "cannot make a shard of runs");
			break;
		}
		n = (size_t)p->has_tip[k] + p->nextra[k];
		if ((parents = calloc(n, sizeof(*parents))) == NULL) {
			err = morph_error(MORPH_ERR_NOMEM);
			break;
		}
		for (got = 0, i = 0; i < n; i++, got++)
			if ((rc = git_commit_lookup((git_commit **)&parents[i],
			    p->s->git, p->has_tip[k] && i == 0 ? &p->tip[k] :
			    &p->extra[k][i - (size_t)p->has_tip[k]])) < 0)
				break;
		morph_buf_clear(&msg);
		morph_buf_printf(&msg, "morph: %zu run%s\n\n%s", p->adding[k],
		    p->adding[k] == 1 ? "" : "s", morph_buf_cstr(&p->msg[k]));
		if (got < n)
			err = morph_git_error(rc, "cannot read a git commit");
		else if ((err = morph_buf_status(&msg)) == NULL &&
		    (rc = git_commit_create_buffer(&buf, p->s->git, sig, sig,
		    NULL, msg.ptr, tree, n, parents)) < 0)
			err = morph_git_error(rc, "cannot make a git commit");
		else if (err == NULL && (rc = git_odb_write(&p->made[k],
		    p->x.odb, buf.ptr, buf.size, GIT_OBJECT_COMMIT)) < 0)
			err = morph_git_error(rc, "cannot write a git commit");
		if (err == NULL) {
			snprintf(name, sizeof(name), "refs/morph/runs/%x", k);
			err = set_git_ref(p->s->git, name, &p->made[k]);
		}
		git_buf_dispose(&buf);
		for (i = 0; i < got; i++)
			git_commit_free((git_commit *)parents[i]);
		free(parents);
		parents = NULL;
		git_tree_free(tree);
		tree = NULL;
	}
	git_signature_free(sig);
	morph_buf_release(&msg);
	return err;
}

/* What the remote said of one reference. */
static void
pushed(const char *ref, const char *status, void *arg)
{
	struct pushing *p = arg;
	const char *rest;
	size_t i, k;

	if (strncmp(ref, "refs/morph/runs/", 16) == 0) {
		if (status != NULL)
			p->retry = 1;
		return;
	}
	for (i = 0; i < p->n; i++) {
		if (strncmp(ref, "refs/morph/", 11) != 0)
			continue;
		rest = ref + 11;
		k = strlen(kind_dir(p->v[i].kind));
		if (strncmp(rest, kind_dir(p->v[i].kind), k) != 0 ||
		    rest[k] != '/' || strcmp(rest + k + 1, p->v[i].name) != 0)
			continue;
		if (status != NULL) {
			p->v[i].send = 0;
			p->v[i].rejected = "the remote refused it: fetch (morph "
			    "pull) and try again";
		}
	}
}

/* The refspecs of one push: what differs, never forced. */
static const struct morph_error *
refspecs(struct pushing *p, char ***out, size_t *n)
{
	const struct morph_error *err = NULL;
	struct morph_buf b = MORPH_BUF_INIT;
	char **v;
	size_t i, k;
	int j;

	*n = 0;
	if ((v = calloc(p->n + MORPH_RUN_SHARDS + 1, sizeof(*v))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	for (i = 0; i < p->n + MORPH_RUN_SHARDS && err == NULL; i++) {
		morph_buf_clear(&b);
		if (i < p->n && p->v[i].send)
			morph_buf_printf(&b, "refs/morph/%s/%s:refs/morph/%s/%s",
			    kind_dir(p->v[i].kind), p->v[i].name,
			    kind_dir(p->v[i].kind), p->v[i].name);
		else if (i >= p->n && p->adding[(j = (int)(i - p->n))] > 0)
			morph_buf_printf(&b, "refs/morph/runs/%x:"
			    "refs/morph/runs/%x", j, j);
		else
			continue;
		if ((err = morph_buf_status(&b)) == NULL &&
		    (v[(*n)++] = morph_buf_detach(&b, NULL)) == NULL)
			err = morph_error(MORPH_ERR_NOMEM);
	}
	morph_buf_release(&b);
	if (err == NULL) {
		*out = v;
		return NULL;
	}
	for (k = 0; k < *n; k++)
		free(v[k]);
	free(v);
	*n = 0;
	return err;
}

/*
 * After a push: the remote-tracking references, in .morph/git and in the
 * store, say what the remote now holds.
 */
static const struct morph_error *
record_pushed(struct pushing *p)
{
	const struct morph_error *err;
	struct morph_buf name = MORPH_BUF_INIT;
	struct morph_oid *old;
	size_t i;
	int k;

	if ((err = morph_repo_begin(p->s->repo)) != NULL)
		return err;
	for (i = 0; i < p->n && err == NULL; i++) {
		struct outgoing *o = &p->v[i];

		if (o->rejected != NULL) {
			report(p->s, o->kind, o->name, o->has_remote ?
			    &o->remote : NULL, &o->id, o->rejected);
			continue;
		}
		if (!o->send)
			continue;
		morph_buf_clear(&name);
		morph_buf_printf(&name, "refs/remotes/%s/%s/%s", p->s->remote,
		    kind_dir(o->kind), o->name);
		if ((err = morph_buf_status(&name)) != NULL ||
		    (err = set_git_ref(p->s->git, name.ptr, &o->gid)) != NULL)
			break;
		if (o->kind == MORPH_SYNC_BRANCH) {
			morph_buf_clear(&name);
			morph_buf_printf(&name, "%s%s/%s", MORPH_REFS_REMOTES,
			    p->s->remote, o->name);
			if ((err = morph_buf_status(&name)) != NULL ||
			    (err = morph_ref_update(p->s->repo, name.ptr,
			    &o->id, NULL)) != NULL)
				break;
		}
		old = o->has_remote && !morph_oid_is_zero(&o->remote) ?
		    &o->remote : NULL;
		report(p->s, o->kind, o->name, old, &o->id, NULL);
	}
	for (k = 0; k < MORPH_RUN_SHARDS && err == NULL; k++) {
		if (p->adding[k] == 0)
			continue;
		morph_buf_clear(&name);
		morph_buf_printf(&name, "refs/remotes/%s/runs/%x",
		    p->s->remote, k);
		if ((err = morph_buf_status(&name)) == NULL)
			err = set_git_ref(p->s->git, name.ptr, &p->made[k]);
	}
	if (err == NULL)
		err = morph_repo_commit(p->s->repo);
	else
		morph_repo_rollback(p->s->repo);
	morph_buf_release(&name);
	return err;
}

/* One try: read the remote, decide, push.  *again when it moved. */
static const struct morph_error *
push_once(struct pushing *p, int *again)
{
	const struct morph_error *err;
	char **specs = NULL;
	size_t n = 0, i;
	int moved = 0;

	*again = 0;
	p->retry = 0;
	p->runs = 0;
	if ((err = fetch_remote(p->s)) != NULL ||
	    (err = check_refs(p)) != NULL ||
	    (err = read_shards(p)) != NULL)
		return err;
	if (!p->s->opts->no_runs) {
		if ((err = reachable(p)) != NULL ||
		    (err = morph_repo_begin(p->s->repo)) != NULL)
			return err;
		err = morph_runs_foreach_sealed(p->s->repo, queue_run, p);
		if (err == NULL)
			err = commit_shards(p);
		if (err == NULL)
			err = morph_repo_commit(p->s->repo);
		else
			morph_repo_rollback(p->s->repo);
		if (err != NULL)
			return err;
	}
	if ((err = refspecs(p, &specs, &n)) != NULL)
		return err;
	if (n > 0)
		err = morph_remote_git_push(&moved, p->s->git, p->s->remote,
		    p->s->url, (const char *const *)specs, n, pushed, p);
	for (i = 0; i < n; i++)
		free(specs[i]);
	free(specs);
	if (err != NULL)
		return err;
	if (moved || p->retry) {
		*again = 1;
		return NULL;
	}
	p->s->res->runs = p->runs;
	/* What the remote-tracking references name is kept here first. */
	if ((err = morph_gitstage_keep(p->x.stage, p->s->git)) != NULL)
		return err;
	return record_pushed(p);
}

const struct morph_error *
morph_remote_push(struct morph_sync_result *out, struct morph_repo *repo,
    const char *remote, const struct morph_sync_opts *opts)
{
	const struct morph_error *err, *kept;
	struct session s;
	struct pushing p;
	int tries, again = 0;
	size_t i;

	memset(&p, 0, sizeof(p));
	morph_oidset_init(&p.reach);
	p.s = &s;
	if ((err = session_open(&s, repo, remote, 1, opts, out)) != NULL)
		goto done;
	if ((err = morph_export_init(&p.x, repo, s.git)) != NULL ||
	    (err = morph_gitstage_attach(&p.x.stage, s.git)) != NULL ||
	    (err = choose_refs(&p)) != NULL ||
	    (err = export_refs(&p)) != NULL)
		goto done;
	for (tries = 0; tries < PUSH_TRIES; tries++)
		if ((err = push_once(&p, &again)) != NULL || !again)
			break;
	if (err == NULL && again)
		err = morph_error_fmt(MORPH_ERR_CONFLICT, "the remote '%s' kept "
		    "moving while morph pushed (%d tries): try again", remote,
		    PUSH_TRIES);
done:
	/* What was exported stays in .morph/git, pushed or not. */
	if (p.x.stage != NULL && (kept = morph_gitstage_keep(p.x.stage,
	    s.git)) != NULL && err == NULL)
		err = kept;
	shards_release(&p);
	morph_oidset_release(&p.reach);
	morph_export_release(&p.x);
	for (i = 0; i < p.n; i++)
		free(p.v[i].name);
	free(p.v);
	session_close(&s);
	return err;
}

/* Pull */

/* Whether commit a is b or an ancestor of b. */
static const struct morph_error *
is_ancestor(int *yes, struct morph_repo *repo, const struct morph_oid *a,
    const struct morph_oid *b)
{
	const struct morph_error *err;
	struct morph_revwalk *w = NULL;
	struct morph_commit *c;

	*yes = 0;
	if ((err = morph_revwalk_new(&w, repo)) != NULL ||
	    (err = morph_revwalk_push(w, b)) != NULL)
		goto done;
	while (!*yes && (err = morph_revwalk_next(&c, w)) == NULL &&
	    c != NULL) {
		*yes = morph_oid_cmp(morph_commit_id(c), a) == 0;
		morph_commit_free(c);
	}
done:
	morph_revwalk_free(w);
	return err;
}

/* Moves branch (HEAD's) from old to new, and the work tree with it. */
static const struct morph_error *
fast_forward(struct morph_repo *repo, const char *branch,
    const struct morph_oid *old, const struct morph_oid *new)
{
	struct morph_checkout_opts co = MORPH_CHECKOUT_OPTS_INIT;
	const struct morph_error *err;

	/*
	 * The checkout moves a detached HEAD with the files; the branch
	 * follows and HEAD names it again, all in one transaction.
	 */
	co.message = "pull: Fast-forward";
	if ((err = morph_repo_begin(repo)) != NULL)
		return err;
	if ((err = morph_worktree_checkout(repo, new, &co)) == NULL &&
	    (err = morph_ref_update_log(repo, branch, new, old,
	    co.message)) == NULL)
		err = morph_ref_set_symbolic(repo, MORPH_HEAD, branch);
	if (err == NULL)
		return morph_repo_commit(repo);
	morph_repo_rollback(repo);
	return err;
}

const struct morph_error *
morph_remote_pull(struct morph_pull_result *out, struct morph_repo *repo,
    const char *remote, const char *branch, const struct morph_sync_opts *opts)
{
	struct morph_checkout_opts co = MORPH_CHECKOUT_OPTS_INIT;
	struct morph_buf head = MORPH_BUF_INIT, theirs = MORPH_BUF_INIT;
	const struct morph_error *err;
	const char *name;
	int unborn, yes;

	memset(out, 0, sizeof(*out));
	if ((err = morph_head_branch(&head, repo)) != NULL) {
		if (err->code == MORPH_ERR_NOT_FOUND)
			err = morph_error_fmt(MORPH_ERR_INVALID, "HEAD is "
			    "detached: check out the branch to pull into");
		goto done;
	}
	name = head.ptr + strlen(MORPH_REFS_HEADS);
	morph_buf_printf(&theirs, "%s%s/%s", MORPH_REFS_REMOTES, remote,
	    branch != NULL ? branch : name);
	if ((err = morph_buf_status(&theirs)) != NULL ||
	    (err = morph_remote_fetch(&out->fetch, repo, remote, opts)) != NULL)
		goto done;
	if ((err = morph_ref_resolve(&out->new, repo, theirs.ptr)) != NULL) {
		if (err->code == MORPH_ERR_NOT_FOUND)
			err = morph_error_fmt(MORPH_ERR_NOT_FOUND, "the remote "
			    "'%s' has no branch '%s'", remote, branch != NULL ?
			    branch : name);
		goto done;
	}
	err = morph_ref_resolve(&out->old, repo, head.ptr);
	unborn = err != NULL && err->code == MORPH_ERR_NOT_FOUND;
	if (err != NULL && !unborn)
		goto done;
	err = NULL;
	if (unborn) {
		co.branch = head.ptr;
		co.create = 1;
		out->fast_forward = 1;
		err = morph_worktree_checkout(repo, &out->new, &co);
		goto done;
	}
	if (morph_oid_cmp(&out->old, &out->new) == 0) {
		out->up_to_date = 1;
		goto done;
	}
	if ((err = is_ancestor(&yes, repo, &out->old, &out->new)) != NULL)
		goto done;
	if (yes) {
		out->fast_forward = 1;
		err = fast_forward(repo, head.ptr, &out->old, &out->new);
		goto done;
	}
	if ((err = is_ancestor(&yes, repo, &out->new, &out->old)) != NULL)
		goto done;
	if (yes) {
		out->up_to_date = out->ahead = 1;
		out->new = out->old;
		goto done;
	}
	err = morph_error_fmt(MORPH_ERR_CONFLICT, "branch '%s' and '%s' have "
	    "diverged, and morph does not merge prompts: keep your commits "
	    "on a branch of their own (morph branch NAME), take the "
	    "remote's (morph checkout -f %s && morph branch -D %s && "
	    "morph checkout -b %s), then make your changes again", name,
	    theirs.ptr + strlen(MORPH_REFS_REMOTES), theirs.ptr +
	    strlen(MORPH_REFS_REMOTES), name, name);
done:
	morph_buf_release(&head);
	morph_buf_release(&theirs);
	return err;
}

/* Clone */

/* Removes dir and what it holds (a clone that failed). */
static void
remove_tree(int at, const char *name)
{
	struct dirent *d;
	DIR *dp;
	int fd;

	if (unlinkat(at, name, 0) == 0 || errno == ENOENT)
		return;
	if ((fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1)
		return;
	if ((dp = fdopendir(fd)) == NULL) {
		close(fd);
		return;
	}
	while ((d = readdir(dp)) != NULL)
		if (strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0)
			remove_tree(dirfd(dp), d->d_name);
	closedir(dp);
	unlinkat(at, name, AT_REMOVEDIR);
}

static int
dir_is_empty(const char *dir, int *exists)
{
	struct dirent *d;
	DIR *dp;
	int empty = 1;

	*exists = 0;
	if ((dp = opendir(dir)) == NULL)
		return errno == ENOENT;
	*exists = 1;
	while ((d = readdir(dp)) != NULL)
		if (strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0)
			empty = 0;
	closedir(dp);
	return empty;
}

static const struct morph_error *
pick_branch(struct morph_repo *repo, char **out, struct morph_oid *id)
{
	static const char *const prefer[] = { "main", "master" };
	struct morph_buf ref = MORPH_BUF_INIT;
	const struct morph_error *err;
	size_t i;

	*out = NULL;
	for (i = 0; i < sizeof(prefer) / sizeof(prefer[0]); i++) {
		morph_buf_clear(&ref);
		morph_buf_printf(&ref, "%sorigin/%s", MORPH_REFS_REMOTES,
		    prefer[i]);
		if ((err = morph_buf_status(&ref)) != NULL)
			break;
		if (morph_ref_resolve(id, repo, ref.ptr) == NULL) {
			*out = strdup(prefer[i]);
			break;
		}
	}
	if (*out == NULL) {
		morph_buf_clear(&ref);
		err = morph_ref_foreach(repo, MORPH_REFS_REMOTES "origin/",
		    note_tracking, &ref);
		if (err == NULL && ref.len > 0 &&
		    morph_ref_resolve(id, repo, ref.ptr) == NULL)
			*out = strdup(ref.ptr + strlen(MORPH_REFS_REMOTES
			    "origin/"));
		else if (err == NULL) {
			morph_buf_release(&ref);
			return NULL;	/* an empty remote */
		}
	}
	morph_buf_release(&ref);
	return *out == NULL ? morph_error(MORPH_ERR_NOMEM) : NULL;
}

const struct morph_error *
morph_remote_clone(struct morph_repo **out, char **branch,
    struct morph_sync_result *res, const char *url, const char *dir,
    const struct morph_sync_opts *opts)
{
	struct morph_init_opts io = MORPH_INIT_OPTS_INIT;
	struct morph_checkout_opts co = MORPH_CHECKOUT_OPTS_INIT;
	struct morph_buf ref = MORPH_BUF_INIT, norm = MORPH_BUF_INIT;
	const struct morph_error *err;
	struct morph_repo *repo = NULL;
	struct morph_oid id;
	char *name = NULL;
	int existed;

	*out = NULL;
	if (branch != NULL)
		*branch = NULL;
	if (!dir_is_empty(dir, &existed))
		return morph_error_fmt(MORPH_ERR_EXISTS, "'%s' exists and is "
		    "not an empty directory", dir);
	/* The URL as given, before the current directory changes. */
	if ((err = morph_remote_normalize(&norm, url)) != NULL ||
	    (err = morph_repo_init(&repo, dir, &io)) != NULL ||
	    (err = morph_remote_add(repo, "origin", norm.ptr)) != NULL ||
	    (err = morph_remote_fetch(res, repo, "origin", opts)) != NULL ||
	    (err = pick_branch(repo, &name, &id)) != NULL)
		goto done;
	if (name != NULL) {
		morph_buf_printf(&ref, "%s%s", MORPH_REFS_HEADS, name);
		if ((err = morph_buf_status(&ref)) != NULL)
			goto done;
		co.branch = ref.ptr;
		co.create = 1;
		if ((err = morph_worktree_checkout(repo, &id, &co)) != NULL)
			goto done;
	}
done:
	morph_buf_release(&ref);
	morph_buf_release(&norm);
	if (err != NULL) {
		free(name);
		morph_repo_close(repo);
		if (!existed)
			remove_tree(AT_FDCWD, dir);
		else {
			/* An empty directory we were given stays, empty. */
			char path[4096];

			snprintf(path, sizeof(path), "%s/.morph", dir);
			remove_tree(AT_FDCWD, path);
		}
		return err;
	}
	*out = repo;
	if (branch != NULL)
		*branch = name;
	else
		free(name);
	return NULL;
}
