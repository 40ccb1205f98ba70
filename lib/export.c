/*
 * Exporting commits and runs as git objects in .morph/git (see
 * export_int.h and morph-repository(5)).
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "morph/commit.h"
#include "morph/run.h"
#include "morph/tree.h"
#include "export_int.h"
#include "gitbridge_int.h"
#include "gitmap_int.h"
#include "gitstage_int.h"
#include "json_int.h"
#include "oidset_int.h"
#include "repo_int.h"
#include "runs_int.h"

const struct morph_error *
morph_gitdir_open(git_repository **out, struct morph_repo *repo)
{
	struct morph_buf path = MORPH_BUF_INIT;
	const struct morph_error *err;
	struct stat st;
	int rc;

	*out = NULL;
	if ((err = morph_git_init()) != NULL)
		return err;
	morph_buf_printf(&path, "%s/git", morph_repo_morphdir(repo));
	if ((err = morph_buf_status(&path)) != NULL)
		return err;
	if (stat(path.ptr, &st) == 0)
		rc = git_repository_open_bare(out, path.ptr);
	else
		rc = git_repository_init(out, path.ptr, 1);
	if (rc < 0)
		err = morph_git_error(rc, "cannot open the git repository "
		    "of .morph");
	morph_buf_release(&path);
	return err;
}

const struct morph_error *
morph_export_init(struct morph_export *x, struct morph_repo *repo,
    git_repository *git)
{
	struct morph_buf dir = MORPH_BUF_INIT;
	const struct morph_error *err = NULL;
	int rc;

	memset(x, 0, sizeof(*x));
	x->repo = repo;
	x->git = git;
	/*
	 * Every entry of a tree export makes was written just before:
	 * libgit2 need not read each one back to check that it exists.
	 */
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_OBJECT_CREATION, 0);
	if ((rc = git_repository_odb(&x->odb, git)) < 0)
		return morph_git_error(rc, "cannot open the git objects of "
		    ".morph");
	morph_buf_printf(&dir, "%s/git/objects", morph_repo_morphdir(repo));
	if ((err = morph_buf_status(&dir)) == NULL &&
	    (rc = git_odb_backend_loose(&x->loose, dir.ptr, -1, 0, 0,
	    0)) < 0)
		err = morph_git_error(rc, "cannot open the git objects of "
		    ".morph");
	morph_buf_release(&dir);
	if (err != NULL)
		morph_export_release(x);
	return err;
}

void
morph_export_release(struct morph_export *x)
{
	if (x == NULL)
		return;
	if (x->loose != NULL)
		x->loose->free(x->loose);
	x->loose = NULL;
	git_odb_free(x->odb);
	x->odb = NULL;
	free(x->folders.keys);
	free(x->folders.ids);
	free(x->calls.keys);
	free(x->calls.ids);
	memset(&x->folders, 0, sizeof(x->folders));
	memset(&x->calls, 0, sizeof(x->calls));
}

/* The slot of key in the map of folders: its own, or the empty one. */
static size_t
folder_slot(const struct morph_export_folders *f, const struct morph_oid *key)
{
	static const struct morph_oid zero;
	size_t i;

	memcpy(&i, key->id, sizeof(i));
	for (i &= f->cap - 1; morph_oid_cmp(&f->keys[i], &zero) != 0 &&
	    morph_oid_cmp(&f->keys[i], key) != 0; i = (i + 1) & (f->cap - 1))
		;
	return i;
}

/*
 * The git object made of the ids that hash to key, if this session made
 * it and it is still there; 0 when not.
 */
static int
folder_find(git_oid *out, const struct morph_export *x,
    const struct morph_export_folders *f, const struct morph_oid *key)
{
	size_t i;

	if (f->cap == 0)
		return 0;
	i = folder_slot(f, key);
	if (morph_oid_cmp(&f->keys[i], key) != 0)
		return 0;
	*out = f->ids[i];
	return git_odb_exists(x->odb, out);
}

static const struct morph_error *
folder_add(struct morph_export_folders *f, const struct morph_oid *key,
    const git_oid *tree)
{
	struct morph_export_folders old = *f;
	size_t i, j;

	if (2 * (f->n + 1) > f->cap) {
		f->cap = old.cap ? 2 * old.cap : 64;
		f->keys = calloc(f->cap, sizeof(*f->keys));
		f->ids = calloc(f->cap, sizeof(*f->ids));
		if (f->keys == NULL || f->ids == NULL) {
			free(f->keys);
			free(f->ids);
			*f = old;
			return morph_error(MORPH_ERR_NOMEM);
		}
		f->n = 0;
		for (i = 0; i < old.cap; i++) {
			if (morph_oid_is_zero(&old.keys[i]))
				continue;
			j = folder_slot(f, &old.keys[i]);
			f->keys[j] = old.keys[i];
			f->ids[j] = old.ids[i];
			f->n++;
		}
		free(old.keys);
		free(old.ids);
	}
	i = folder_slot(f, key);
	if (morph_oid_is_zero(&f->keys[i]))
		f->n++;
	f->keys[i] = *key;
	f->ids[i] = *tree;
	return NULL;
}

int
morph_export_shard(const struct morph_oid *run)
{
	return run->id[0] >> 4;
}

void
morph_export_run_path(char out[40], const struct morph_oid *run)
{
	char hex[MORPH_OID_HEXSZ + 1];

	morph_oid_fmt(hex, run);
	snprintf(out, 40, "%.2s/%s", hex + 1, hex);
}

/*
 * Whether morph object id of type has a git object still present: the
 * pair is forgotten when the object was pruned (gitmap_int.h).
 */
static const struct morph_error *
mapped(git_oid *out, int *found, struct morph_export *x,
    const struct morph_oid *id, enum morph_object_type type)
{
	const struct morph_error *err;
	unsigned char raw[MORPH_GITID_RAWSZ];

	if ((err = morph_gitmap_to_git(raw, found, x->repo, id, type)) != NULL)
		return err;
	if (!*found)
		return NULL;
	git_oid_fromraw(out, raw);
	if (git_odb_exists(x->odb, out))
		return NULL;
	*found = 0;
	return morph_gitmap_forget(x->repo, raw);
}

/*
 * Writes a git object, straight to the loose objects: git_odb_write
 * would first look for it in every pack (rereading the pack folder) and
 * touch it when it is there, which a push of many objects pays for each.
 */
static const struct morph_error *
write_git(git_oid *out, struct morph_export *x, const void *data, size_t len,
    git_object_t type)
{
	int rc;

	if (x->stage != NULL)
		return morph_gitstage_write(out, x->stage, data, len, type);
	if ((rc = git_odb_hash(out, data, len, type)) < 0)
		return morph_git_error(rc, "cannot hash a git object");
	if (git_odb_exists_ext(x->odb, out, GIT_ODB_LOOKUP_NO_REFRESH))
		return NULL;
	if ((rc = x->loose->write(x->loose, out, data, len, type)) < 0)
		return morph_git_error(rc, "cannot write a git object");
	return NULL;
}

const struct morph_error *
morph_export_blob(git_oid *out, struct morph_export *x,
    const struct morph_oid *id)
{
	const struct morph_error *err;
	struct morph_object *o;

	if ((err = morph_object_read(&o, x->repo, id, MORPH_OBJ_BLOB)) != NULL)
		return err;
	err = write_git(out, x, morph_object_data(o), morph_object_size(o),
	    GIT_OBJECT_BLOB);
	morph_object_free(o);
	return err;
}

static const struct morph_error *
insert(git_treebuilder *b, const char *name, const git_oid *id,
    git_filemode_t mode)
{
	int rc;

	if ((rc = git_treebuilder_insert(NULL, b, name, id, mode)) < 0)
		return morph_git_error(rc, "cannot make a git tree");
	return NULL;
}

static const struct morph_error *
new_builder(git_treebuilder **out, struct morph_export *x,
    const git_tree *from)
{
	int rc;

	if ((rc = git_treebuilder_new(out, x->git, from)) < 0)
		return morph_git_error(rc, "cannot make a git tree");
	return NULL;
}

static const struct morph_error *
write_builder(git_oid *out, git_treebuilder *b)
{
	int rc;

	if ((rc = git_treebuilder_write(out, b)) < 0)
		return morph_git_error(rc, "cannot write a git tree");
	return NULL;
}

/* The git tree of morph tree id, its blobs and subtrees written. */
static const struct morph_error *
export_tree(git_oid *out, struct morph_export *x, const struct morph_oid *id,
    int depth)
{
	const struct morph_error *err;
	struct morph_tree *t = NULL;
	git_treebuilder *b = NULL;
	git_oid child;
	size_t i;
	int found;

	if (depth > 256)
		return morph_error_fmt(MORPH_ERR_CORRUPT, "tree %s is nested "
		    "too deeply", morph_oid_tostr(id));
	if ((err = mapped(out, &found, x, id, MORPH_OBJ_TREE)) != NULL ||
	    found)
		return err;
	if ((err = morph_tree_read(&t, x->repo, id)) != NULL ||
	    (err = new_builder(&b, x, NULL)) != NULL)
		goto done;
	for (i = 0; i < morph_tree_count(t) && err == NULL; i++) {
		if (morph_tree_entry_type(t, i) == MORPH_OBJ_TREE)
			err = export_tree(&child, x, morph_tree_entry_id(t, i),
			    depth + 1);
		else
			err = morph_export_blob(&child, x,
			    morph_tree_entry_id(t, i));
		if (err == NULL)
			err = insert(b, morph_tree_entry_name(t, i), &child,
			    (git_filemode_t)morph_tree_entry_mode(t, i));
	}
	if (err == NULL && (err = write_builder(out, b)) == NULL)
		err = morph_gitmap_put(x->repo, out->id, id, MORPH_OBJ_TREE);
done:
	git_treebuilder_free(b);
	morph_tree_free(t);
	return err;
}

/*
 * The root of an exported commit: the snapshot's files (tree) and the
 * folder .morph with the commit object and the format version.
 */
static const struct morph_error *
commit_root(git_oid *out, struct morph_export *x, const git_oid *tree,
    const char *payload, size_t len)
{
	const struct morph_error *err;
	git_treebuilder *b = NULL, *m = NULL;
	git_tree *t = NULL;
	git_oid blob, dir;
	int rc;

	if ((rc = git_tree_lookup(&t, x->git, tree)) < 0)
		return morph_git_error(rc, "cannot read a git tree");
	if ((err = new_builder(&m, x, NULL)) != NULL ||
	    (err = write_git(&blob, x, payload, len,
	    GIT_OBJECT_BLOB)) != NULL ||
	    (err = insert(m, "commit", &blob, GIT_FILEMODE_BLOB)) != NULL ||
	    (err = write_git(&blob, x, MORPH_GIT_FORMAT_TEXT,
	    strlen(MORPH_GIT_FORMAT_TEXT), GIT_OBJECT_BLOB)) != NULL ||
	    (err = insert(m, "format", &blob, GIT_FILEMODE_BLOB)) != NULL ||
	    (err = write_builder(&dir, m)) != NULL ||
	    (err = new_builder(&b, x, t)) != NULL ||
	    (err = insert(b, MORPH_GIT_DIR, &dir, GIT_FILEMODE_TREE)) != NULL)
		goto done;
	err = write_builder(out, b);
done:
	git_treebuilder_free(m);
	git_treebuilder_free(b);
	git_tree_free(t);
	return err;
}

/* Writes the git commit of c, whose parents are exported. */
static const struct morph_error *
build_commit(git_oid *out, struct morph_export *x, const struct morph_oid *id,
    const struct morph_commit *c, const char *payload, size_t len)
{
	const struct morph_signature *a = morph_commit_author(c);
	const struct morph_error *err = NULL;
	size_t n = morph_commit_parent_count(c), i, got = 0;
	const git_commit **parents = NULL;
	git_signature *sig = NULL;
	git_tree *root = NULL;
	git_buf buf = { NULL, 0, 0 };
	git_oid plain, tree, pid;
	int found, rc;

	if (n > 0 && (parents = calloc(n, sizeof(*parents))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	for (i = 0; i < n && err == NULL; i++) {
		if ((err = mapped(&pid, &found, x, morph_commit_parent(c, i),
		    MORPH_OBJ_COMMIT)) != NULL)
			break;
		if (!found)
			err = morph_error_fmt(MORPH_ERR_INVALID, "commit %s: "
			    "parent %s is not exported", morph_oid_tostr(id),
			    morph_oid_tostr(morph_commit_parent(c, i)));
		else if ((rc = git_commit_lookup((git_commit **)&parents[i],
		    x->git, &pid)) < 0)
			err = morph_git_error(rc, "cannot read a git commit");
		else
			got++;
	}
	if (err != NULL)
		goto done;
	if ((err = export_tree(&plain, x, morph_commit_tree(c), 0)) != NULL ||
	    (err = commit_root(&tree, x, &plain, payload, len)) != NULL)
		goto done;
	if ((rc = git_tree_lookup(&root, x->git, &tree)) < 0) {
		err = morph_git_error(rc, "cannot read a git tree");
		goto done;
	}
	if ((rc = git_signature_new(&sig, a->name, a->email, a->time,
	    a->tz)) < 0) {
		err = morph_error_wrap(morph_git_error(rc, "the author "
		    "cannot be written in git"), "commit %s",
		    morph_oid_tostr(id));
		goto done;
	}
	rc = git_commit_create_buffer(&buf, x->git, sig, sig, NULL,
	    morph_commit_message(c), root, n, parents);
	if (rc < 0) {
		err = morph_git_error(rc, "cannot make a git commit");
		goto done;
	}
	if ((err = write_git(out, x, buf.ptr, buf.size,
	    GIT_OBJECT_COMMIT)) == NULL)
		err = morph_gitmap_put(x->repo, out->id, id, MORPH_OBJ_COMMIT);
	if (err == NULL)
		x->commits++;
done:
	git_buf_dispose(&buf);
	git_signature_free(sig);
	git_tree_free(root);
	for (i = 0; i < got; i++)
		git_commit_free((git_commit *)parents[i]);
	free(parents);
	return err;
}

/*
 * Commits are exported parents first, from an explicit stack: a history
 * of any length never deepens the C stack.
 */
const struct morph_error *
morph_export_commit(git_oid *out, struct morph_export *x,
    const struct morph_oid *id)
{
	const struct morph_error *err = NULL;
	struct morph_object *o = NULL;
	struct morph_commit *c = NULL;
	struct morph_oid *stack = NULL, top, *ns;
	size_t n = 0, cap = 0, i;
	git_oid gid;
	int found, pending;

	if ((stack = malloc(16 * sizeof(*stack))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	cap = 16;
	stack[n++] = *id;
	while (n > 0 && err == NULL) {
		top = stack[n - 1];
		if ((err = mapped(&gid, &found, x, &top,
		    MORPH_OBJ_COMMIT)) != NULL)
			break;
		if (found) {
			n--;
			continue;
		}
		if ((err = morph_object_read(&o, x->repo, &top,
		    MORPH_OBJ_COMMIT)) != NULL ||
		    (err = morph_commit_parse(&c, &top, morph_object_data(o),
		    morph_object_size(o))) != NULL)
			break;
		pending = 0;
		for (i = 0; i < morph_commit_parent_count(c) && err == NULL;
		    i++) {
			err = mapped(&gid, &found, x, morph_commit_parent(c, i),
			    MORPH_OBJ_COMMIT);
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
			stack[n++] = *morph_commit_parent(c, i);
			pending = 1;
		}
		if (err == NULL && !pending) {
			err = build_commit(&gid, x, &top, c,
			    morph_object_data(o), morph_object_size(o));
			n--;
		}
		morph_commit_free(c);
		c = NULL;
		morph_object_free(o);
		o = NULL;
	}
	morph_commit_free(c);
	morph_object_free(o);
	free(stack);
	if (err == NULL)
		err = mapped(out, &found, x, id, MORPH_OBJ_COMMIT);
	return err;
}

/* Runs */

/* Ids gathered from a run's results: a set, then a sorted list. */
struct idlist {
	struct morph_oidset	 set;
	struct morph_oid	*v;
	size_t			 n;
	size_t			 cap;
};

static const struct morph_error *
idlist_add(struct idlist *l, const struct morph_oid *id)
{
	const struct morph_error *err;
	struct morph_oid *nv;
	int added;

	if ((err = morph_oidset_add(&l->set, id, &added)) != NULL || !added)
		return err;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		if ((nv = realloc(l->v, l->cap * sizeof(*nv))) == NULL)
			return morph_error(MORPH_ERR_NOMEM);
		l->v = nv;
	}
	l->v[l->n++] = *id;
	return NULL;
}

static int
cmp_oid(const void *a, const void *b)
{
	return morph_oid_cmp(a, b);
}

static void
idlist_release(struct idlist *l)
{
	morph_oidset_release(&l->set);
	free(l->v);
}

/*
 * The outputs and calls of a run come in groups, one for each prompt (in
 * the order of the results), so that the outputs of a prompt no commit
 * changed make the same git tree in every run, and its calls the same
 * file: git objects stored once, that a push sends once.
 */
struct group {
	struct idlist	outputs;
	struct idlist	calls;
};

struct run_export {
	struct morph_export	*x;
	struct group		*groups;
	size_t			 ngroups;
	size_t			 gcap;
	struct morph_buf	 prompt;	/* the last group's */
	struct idlist		 judges;
	size_t			*jgroup;	/* of each judge's call */
	size_t			 jcap;
};

/* Starts the group of a new prompt. */
static const struct morph_error *
new_group(struct run_export *r, const char *prompt)
{
	struct group *nv, *g;

	if (r->ngroups == r->gcap) {
		r->gcap = r->gcap ? 2 * r->gcap : 16;
		if ((nv = realloc(r->groups, r->gcap * sizeof(*nv))) == NULL)
			return morph_error(MORPH_ERR_NOMEM);
		r->groups = nv;
	}
	g = &r->groups[r->ngroups++];
	memset(g, 0, sizeof(*g));
	morph_oidset_init(&g->outputs.set);
	morph_oidset_init(&g->calls.set);
	morph_buf_clear(&r->prompt);
	morph_buf_puts(&r->prompt, prompt);
	return morph_buf_status(&r->prompt);
}

/* Makes room in jgroup for as many entries as judges.v has. */
static const struct morph_error *
grow_jgroup(struct run_export *r)
{
	size_t *nv;

	if ((nv = realloc(r->jgroup, r->judges.cap * sizeof(*nv))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	r->jgroup = nv;
	r->jcap = r->judges.cap;
	return NULL;
}

/* Adds the judges' calls an llm-rubric verdict names. */
static const struct morph_error *
note_judges(struct run_export *r, const char *verdicts)
{
	const struct morph_error *err = NULL;
	const cJSON *v;
	cJSON *doc;
	struct morph_oid id;
	const char *call;
	size_t n;

	if (strstr(verdicts, "\"judge\"") == NULL)
		return NULL;
	if ((err = morph_json_parse(&doc, verdicts, strlen(verdicts),
	    "verdicts")) != NULL)
		return err;
	cJSON_ArrayForEach(v, doc) {
		call = morph_json_str(cJSON_GetObjectItemCaseSensitive(v,
		    "judge"), "call");
		if (call == NULL || morph_oid_fromhex(&id, call) != 0)
			continue;
		n = r->judges.n;
		if ((err = idlist_add(&r->judges, &id)) != NULL)
			break;
		if (r->judges.n == n)
			continue;
		/* Its answer goes with the outputs of the result's prompt. */
		if (r->judges.n > r->jcap && (err = grow_jgroup(r)) != NULL)
			break;
		r->jgroup[n] = r->ngroups - 1;
	}
	cJSON_Delete(doc);
	return err;
}

static const struct morph_error *
gather(const struct morph_result *res, void *arg)
{
	struct run_export *r = arg;
	const struct morph_error *err;
	struct group *g;

	if ((r->ngroups == 0 || strcmp(morph_buf_cstr(&r->prompt),
	    res->prompt) != 0) && (err = new_group(r, res->prompt)) != NULL)
		return err;
	g = &r->groups[r->ngroups - 1];
	if (res->has_output && (err = idlist_add(&g->outputs,
	    &res->output)) != NULL)
		return err;
	if ((err = idlist_add(&g->calls, &res->call)) != NULL)
		return err;
	return res->verdicts != NULL ? note_judges(r, res->verdicts) : NULL;
}

/* Adds key: v, or null for a count not known (negative). */
static void
add_count(cJSON *o, const char *key, int64_t v)
{
	if (v < 0)
		cJSON_AddNullToObject(o, key);
	else
		morph_json_add_int(o, key, v);
}

/*
 * The cache rows of the judges' calls as canonical JSON Lines: what a
 * replay needs that the results do not hold (the judge's answer).
 */
static const struct morph_error *
judge_rows(struct morph_buf *out, struct run_export *r)
{
	const struct morph_error *err = NULL;
	struct morph_cache_entry ce;
	cJSON *o, *t;
	size_t i;
	int found;

	for (i = 0; i < r->judges.n && err == NULL; i++) {
		if ((err = morph_cache_get(&ce, &found, r->x->repo,
		    &r->judges.v[i], 0)) != NULL || !found)
			continue;
		if ((err = idlist_add(&r->groups[r->jgroup[i]].outputs,
		    &ce.output)) != NULL ||
		    (err = idlist_add(&r->groups[r->jgroup[i]].calls,
		    &r->judges.v[i])) != NULL)
			break;
		if ((o = cJSON_CreateObject()) == NULL)
			return morph_error(MORPH_ERR_NOMEM);
		cJSON_AddStringToObject(o, "call",
		    morph_oid_tostr(&r->judges.v[i]));
		if (ce.finish[0] != '\0')
			cJSON_AddStringToObject(o, "finish", ce.finish);
		else
			cJSON_AddNullToObject(o, "finish");
		add_count(o, "latency_ms", ce.latency_ms);
		cJSON_AddStringToObject(o, "output",
		    morph_oid_tostr(&ce.output));
		morph_json_add_int(o, "sample", 0);
		if (ce.served_model[0] != '\0')
			cJSON_AddStringToObject(o, "served_model",
			    ce.served_model);
		else
			cJSON_AddNullToObject(o, "served_model");
		morph_json_add_int(o, "time", ce.time_ms);
		t = cJSON_AddObjectToObject(o, "tokens");
		add_count(t, "cache_write", ce.tokens_cache_write);
		add_count(t, "cached", ce.tokens_cached);
		add_count(t, "in", ce.tokens_in);
		add_count(t, "out", ce.tokens_out);
		add_count(t, "reasoning", ce.tokens_reasoning);
		err = morph_json_canonical(out, o);
		morph_buf_putc(out, '\n');
		cJSON_Delete(o);
	}
	return err == NULL ? morph_buf_status(out) : err;
}

/*
 * The git tree of the folder of outputs v[0 .. n - 1] (sorted), each
 * named by its id: made once a session for the same ids.
 */
static const struct morph_error *
folder_tree(git_oid *out, struct morph_export *x, const struct morph_oid *v,
    size_t n)
{
	const struct morph_error *err = NULL;
	git_treebuilder *b = NULL;
	struct morph_oid key;
	git_oid blob;
	size_t i;

	morph_hash_bytes(&key, v, n * sizeof(*v));
	if (folder_find(out, x, &x->folders, &key))
		return NULL;
	if ((err = new_builder(&b, x, NULL)) != NULL)
		return err;
	for (i = 0; i < n && err == NULL; i++)
		if ((err = morph_export_blob(&blob, x, &v[i])) == NULL)
			err = insert(b, morph_oid_tostr(&v[i]), &blob,
			    GIT_FILEMODE_BLOB);
	if (err == NULL && (err = write_builder(out, b)) == NULL)
		err = folder_add(&x->folders, &key, out);
	git_treebuilder_free(b);
	return err;
}

/*
 * Calls emit for each part of a group's ids l (sorted here) with the
 * name of its folder or file: NNNN, its number; but a group of more than
 * MORPH_EXPORT_CALLS_PER_FILE is split by the first one or two hex digits
 * of the ids, NNNN-x or NNNN-xy, so that no folder holds more than a few
 * thousand entries (a host's limit) and a change to one id leaves the
 * other parts as they were.
 */
static const struct morph_error *
each_part(struct run_export *r, struct idlist *l, size_t k,
    const struct morph_error *(*emit)(struct run_export *, const char *,
    const struct morph_oid *, size_t, void *), void *arg)
{
	const struct morph_error *err = NULL;
	char name[32];
	size_t i, start, lim = MORPH_EXPORT_CALLS_PER_FILE;
	int digits = l->n <= lim ? 0 : l->n <= 16 * lim ? 1 : 2, bucket, next;

	qsort(l->v, l->n, sizeof(*l->v), cmp_oid);
	for (start = 0; start < l->n && err == NULL; start = i) {
		bucket = digits == 0 ? 0 : digits == 1 ?
		    l->v[start].id[0] >> 4 : l->v[start].id[0];
		for (i = start + 1; i < l->n; i++) {
			next = digits == 0 ? 0 : digits == 1 ?
			    l->v[i].id[0] >> 4 : l->v[i].id[0];
			if (next != bucket)
				break;
		}
		if (digits == 0)
			snprintf(name, sizeof(name), "%04zu", k);
		else
			snprintf(name, sizeof(name), "%04zu-%0*x", k, digits,
			    (unsigned int)bucket);
		err = emit(r, name, l->v + start, i - start, arg);
	}
	return err;
}

/* Adds the folder of outputs v[0 .. n - 1] to top as name. */
static const struct morph_error *
emit_outputs(struct run_export *r, const char *name,
    const struct morph_oid *v, size_t n, void *arg)
{
	const struct morph_error *err;
	git_oid t;

	if ((err = folder_tree(&t, r->x, v, n)) != NULL)
		return err;
	return insert(arg, name, &t, GIT_FILEMODE_TREE);
}

/* outputs/NNNN/<id>: a folder of outputs for each prompt (group). */
static const struct morph_error *
outputs_tree(git_oid *out, int *any, struct run_export *r)
{
	const struct morph_error *err;
	git_treebuilder *top = NULL;
	size_t k;

	*any = 0;
	if ((err = new_builder(&top, r->x, NULL)) != NULL)
		return err;
	for (k = 0; k < r->ngroups && err == NULL; k++)
		if (r->groups[k].outputs.n > 0) {
			*any = 1;
			err = each_part(r, &r->groups[k].outputs, k,
			    emit_outputs, top);
		}
	if (err == NULL && *any)
		err = write_builder(out, top);
	git_treebuilder_free(top);
	return err;
}

/* Adds a file holding buf to b, its id in *blob, and empties buf. */
static const struct morph_error *
add_file(git_oid *blob, git_treebuilder *b, struct morph_export *x,
    const char *name, struct morph_buf *buf)
{
	const struct morph_error *err;

	if ((err = morph_buf_status(buf)) != NULL ||
	    (err = write_git(blob, x, buf->len ? buf->ptr : "", buf->len,
	    GIT_OBJECT_BLOB)) != NULL)
		return err;
	morph_buf_clear(buf);
	return insert(b, name, blob, GIT_FILEMODE_BLOB);
}

/*
 * Adds the file of calls v[0 .. n - 1] to the tree being built as name;
 * one of more than a quarter of the blob size cap goes on in name.1,
 * name.2 and so on.  A call this repository never stored (a run made
 * before calls were) is left out: its id, the cache key, is in the
 * results.
 */
static const struct morph_error *
emit_calls(struct run_export *r, const char *name, const struct morph_oid *v,
    size_t n, void *arg)
{
	const struct morph_error *err = NULL;
	struct morph_buf buf = MORPH_BUF_INIT;
	struct morph_object *o;
	struct morph_oid key;
	char file[80];
	git_oid blob;
	size_t i, more = 0;

	/* A prompt no commit changed has the file of the run before. */
	morph_hash_bytes(&key, v, n * sizeof(*v));
	if (folder_find(&blob, r->x, &r->x->calls, &key))
		return insert(arg, name, &blob, GIT_FILEMODE_BLOB);
	for (i = 0; i < n && err == NULL; i++) {
		err = morph_object_read(&o, r->x->repo, &v[i], MORPH_OBJ_CALL);
		if (err != NULL && err->code == MORPH_ERR_NOT_FOUND) {
			err = NULL;
			continue;
		}
		if (err != NULL)
			break;
		morph_buf_put(&buf, morph_object_data(o), morph_object_size(o));
		morph_buf_putc(&buf, '\n');
		morph_object_free(o);
		if (buf.len > MORPH_IMPORT_MAX_BLOB / 4) {
			if (more == 0)
				snprintf(file, sizeof(file), "%s", name);
			else
				snprintf(file, sizeof(file), "%s.%zu", name,
				    more);
			more++;
			err = add_file(&blob, arg, r->x, file, &buf);
		}
	}
	if (err == NULL && buf.len > 0) {
		if (more == 0)
			snprintf(file, sizeof(file), "%s", name);
		else
			snprintf(file, sizeof(file), "%s.%zu", name, more);
		err = add_file(&blob, arg, r->x, file, &buf);
		/* Only a single file is remembered: its name is the part's. */
		if (err == NULL && more == 0)
			err = folder_add(&r->x->calls, &key, &blob);
	}
	morph_buf_release(&buf);
	return err;
}

/*
 * calls/NNNN: the call objects of each prompt (group), one canonical JSON
 * document a line, in id order.
 */
static const struct morph_error *
calls_tree(git_oid *out, int *any, struct run_export *r)
{
	const struct morph_error *err = NULL;
	git_treebuilder *b = NULL;
	size_t k;

	*any = 0;
	if ((err = new_builder(&b, r->x, NULL)) != NULL)
		return err;
	for (k = 0; k < r->ngroups && err == NULL; k++)
		if (r->groups[k].calls.n > 0)
			err = each_part(r, &r->groups[k].calls, k, emit_calls,
			    b);
	if (err == NULL && git_treebuilder_entrycount(b) > 0) {
		*any = 1;
		err = write_builder(out, b);
	}
	git_treebuilder_free(b);
	return err;
}

/* pages/NNNN: the run's pages of results, as its object lists them. */
static const struct morph_error *
pages_tree(git_oid *out, struct morph_export *x, const cJSON *pages)
{
	const struct morph_error *err = NULL;
	git_treebuilder *b = NULL;
	const cJSON *p;
	struct morph_oid id;
	git_oid blob;
	char name[24];
	size_t i = 0;

	if ((err = new_builder(&b, x, NULL)) != NULL)
		return err;
	cJSON_ArrayForEach(p, pages) {
		if (!cJSON_IsString(p) ||
		    morph_oid_fromhex(&id, p->valuestring) != 0) {
			err = morph_error_fmt(MORPH_ERR_CORRUPT, "a run "
			    "names a page that is not an object id");
			break;
		}
		if ((err = morph_export_blob(&blob, x, &id)) != NULL)
			break;
		snprintf(name, sizeof(name), "%04zu", i++);
		if ((err = insert(b, name, &blob, GIT_FILEMODE_BLOB)) != NULL)
			break;
	}
	if (err == NULL)
		err = write_builder(out, b);
	git_treebuilder_free(b);
	return err;
}

static const struct morph_error *
run_folder(git_oid *out, struct run_export *r, const struct morph_oid *run,
    struct morph_object *o, const struct morph_run_info *ri)
{
	struct morph_export *x = r->x;
	const struct morph_error *err;
	struct morph_buf rows = MORPH_BUF_INIT;
	git_treebuilder *b = NULL;
	cJSON *doc = NULL;
	const char *prices;
	struct morph_oid pid;
	git_oid id;
	int any;

	if ((err = morph_json_parse(&doc, morph_object_data(o),
	    morph_object_size(o), "run")) != NULL ||
	    (err = new_builder(&b, x, NULL)) != NULL ||
	    (err = write_git(&id, x, morph_object_data(o),
	    morph_object_size(o), GIT_OBJECT_BLOB)) != NULL ||
	    (err = insert(b, "run", &id, GIT_FILEMODE_BLOB)) != NULL ||
	    (err = pages_tree(&id, x, cJSON_GetObjectItemCaseSensitive(doc,
	    "pages"))) != NULL ||
	    (err = insert(b, "pages", &id, GIT_FILEMODE_TREE)) != NULL ||
	    (err = morph_run_results(x->repo, ri->num, gather, r)) != NULL ||
	    (err = judge_rows(&rows, r)) != NULL)
		goto done;
	if (rows.len > 0 && ((err = write_git(&id, x, rows.ptr, rows.len,
	    GIT_OBJECT_BLOB)) != NULL ||
	    (err = insert(b, "cache", &id, GIT_FILEMODE_BLOB)) != NULL))
		goto done;
	if ((err = outputs_tree(&id, &any, r)) != NULL || (any &&
	    (err = insert(b, "outputs", &id, GIT_FILEMODE_TREE)) != NULL))
		goto done;
	if ((err = calls_tree(&id, &any, r)) != NULL || (any &&
	    (err = insert(b, "calls", &id, GIT_FILEMODE_TREE)) != NULL))
		goto done;
	prices = morph_json_str(doc, "prices");
	if (prices != NULL && (morph_oid_fromhex(&pid, prices) != 0 ||
	    (err = morph_export_blob(&id, x, &pid)) != NULL ||
	    (err = insert(b, "prices", &id, GIT_FILEMODE_BLOB)) != NULL)) {
		if (err == NULL)
			err = morph_error_fmt(MORPH_ERR_CORRUPT, "run %s: bad "
			    "price table id", morph_oid_tostr(run));
		goto done;
	}
	if ((err = write_builder(out, b)) == NULL)
		err = morph_gitmap_put(x->repo, out->id, run, MORPH_OBJ_RUN);
done:
	git_treebuilder_free(b);
	cJSON_Delete(doc);
	morph_buf_release(&rows);
	return err;
}

const struct morph_error *
morph_export_run(git_oid *out, struct morph_export *x,
    const struct morph_oid *run)
{
	const struct morph_error *err;
	struct morph_run_info ri;
	struct morph_object *o = NULL;
	struct run_export r;
	size_t k;
	int found;

	if ((err = mapped(out, &found, x, run, MORPH_OBJ_RUN)) != NULL ||
	    found)
		return err;
	if ((err = morph_run_find(&ri, x->repo, morph_oid_tostr(run))) != NULL)
		return err;
	if ((err = morph_object_read(&o, x->repo, run, MORPH_OBJ_RUN)) != NULL)
		return err;
	memset(&r, 0, sizeof(r));
	r.x = x;
	morph_oidset_init(&r.judges.set);
	err = run_folder(out, &r, run, o, &ri);
	if (err == NULL)
		x->runs++;
	for (k = 0; k < r.ngroups; k++) {
		idlist_release(&r.groups[k].outputs);
		idlist_release(&r.groups[k].calls);
	}
	free(r.groups);
	free(r.jgroup);
	morph_buf_release(&r.prompt);
	idlist_release(&r.judges);
	morph_object_free(o);
	return err;
}
