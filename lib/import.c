/*
 * Importing exported commits and runs, checking everything (see
 * import_int.h and morph-repository(5)).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "morph/commit.h"
#include "morph/object.h"
#include "morph/run.h"
#include "morph/tree.h"
#include "export_int.h"
#include "import_int.h"
#include "json_int.h"
#include "oidset_int.h"
#include "path_int.h"
#include "repo_int.h"
#include "runs_int.h"

/* Git blobs by git id, with a morph id each. */
struct blobmap_slot {
	unsigned char		key[20];
	struct morph_oid	id;
	int			used;
};

struct blobmap {
	struct blobmap_slot	*slots;
	size_t			 cap;		/* a power of two */
	size_t			 n;
};

struct morph_import {
	struct morph_repo		*repo;
	struct morph_import_src		 src;
	struct morph_import_stats	 stats;
	struct blobmap			 blobs;		/* read and stored in
							   this session */
	struct blobmap			 calls;		/* files of calls
							   imported */
	struct morph_oidset		 stored;	/* blobs known stored */
	struct morph_oidset		 cached;	/* (call, sample) pairs
							   cached, hashed */
	struct morph_buf		 buf;
	struct morph_buf		 canon;
};

struct ent {
	char		*name;
	unsigned int	 mode;
	unsigned char	 key[20];
};

struct entlist {
	struct ent	*v;
	size_t		 n;
	size_t		 cap;
};

const struct morph_error *
morph_import_new(struct morph_import **out, struct morph_repo *repo,
    const struct morph_import_src *src)
{
	struct morph_import *imp;

	if ((imp = calloc(1, sizeof(*imp))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	imp->repo = repo;
	imp->src = *src;
	morph_oidset_init(&imp->stored);
	morph_oidset_init(&imp->cached);
	*out = imp;
	return NULL;
}

void
morph_import_free(struct morph_import *imp)
{
	if (imp == NULL)
		return;
	free(imp->blobs.slots);
	free(imp->calls.slots);
	morph_oidset_release(&imp->stored);
	morph_oidset_release(&imp->cached);
	morph_buf_release(&imp->buf);
	morph_buf_release(&imp->canon);
	free(imp);
}

const struct morph_import_stats *
morph_import_stats(const struct morph_import *imp)
{
	return &imp->stats;
}

/* The blob map */

static size_t
slot_of(const struct blobmap *m, const unsigned char key[20])
{
	size_t h;

	memcpy(&h, key, sizeof(h));	/* git ids are uniform already */
	return h & (m->cap - 1);
}

static struct blobmap_slot *
map_find(const struct blobmap *m, const unsigned char key[20])
{
	size_t i;

	if (m->cap == 0)
		return NULL;
	for (i = slot_of(m, key); m->slots[i].used; i = (i + 1) & (m->cap - 1))
		if (memcmp(m->slots[i].key, key, 20) == 0)
			return &m->slots[i];
	return NULL;
}

static const struct morph_error *
map_add(struct blobmap *m, const unsigned char key[20],
    const struct morph_oid *id)
{
	struct blobmap old = *m;
	size_t i, j;

	if (2 * (m->n + 1) > m->cap) {
		m->cap = old.cap ? 2 * old.cap : 256;
		if ((m->slots = calloc(m->cap, sizeof(*m->slots))) == NULL) {
			*m = old;
			return morph_error(MORPH_ERR_NOMEM);
		}
		for (i = 0; i < old.cap; i++) {
			if (!old.slots[i].used)
				continue;
			for (j = slot_of(m, old.slots[i].key); m->slots[j].used;
			    j = (j + 1) & (m->cap - 1))
				;
			m->slots[j] = old.slots[i];
		}
		free(old.slots);
	}
	for (i = slot_of(m, key); m->slots[i].used; i = (i + 1) & (m->cap - 1))
		;
	memcpy(m->slots[i].key, key, 20);
	m->slots[i].id = *id;
	m->slots[i].used = 1;
	m->n++;
	return NULL;
}

/* Reading */

static const struct morph_error *
add_ent(const char *name, unsigned int mode, const unsigned char key[20],
    void *arg)
{
	struct entlist *l = arg;
	struct ent *nv;

	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		if ((nv = realloc(l->v, l->cap * sizeof(*nv))) == NULL)
			return morph_error(MORPH_ERR_NOMEM);
		l->v = nv;
	}
	if ((l->v[l->n].name = strdup(name)) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	l->v[l->n].mode = mode;
	memcpy(l->v[l->n].key, key, 20);
	l->n++;
	return NULL;
}

static void
entlist_release(struct entlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].name);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static const struct morph_error *
list_tree(struct entlist *out, struct morph_import *imp,
    const unsigned char key[20])
{
	entlist_release(out);
	return imp->src.tree(imp->src.arg, key, add_ent, out);
}

static const struct ent *
find_ent(const struct entlist *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].name, name) == 0)
			return &l->v[i];
	return NULL;
}

/* Compares an id in hex with the id that starts an entry of outputs. */
static int
cmp_id_key(const void *key, const void *e)
{
	return strncmp(key, ((const struct ent *)e)->name, MORPH_OID_HEXSZ);
}

static int
cmp_ent(const void *a, const void *b)
{
	return strcmp(((const struct ent *)a)->name,
	    ((const struct ent *)b)->name);
}

static const struct morph_error *
read_blob(struct morph_import *imp, const unsigned char key[20], size_t max,
    struct morph_buf *out)
{
	const struct morph_error *err;

	if ((err = imp->src.blob(imp->src.arg, key, max, out)) != NULL)
		return err;
	if (out->ptr == NULL)
		morph_buf_put(out, "", 0);
	return morph_buf_status(out);
}

/*
 * Parses the document in b, which must be in canonical form; *out is
 * freed by the caller.
 */
static const struct morph_error *
canonical_doc(cJSON **out, struct morph_import *imp, const char *data,
    size_t len, const char *what)
{
	const struct morph_error *err;

	*out = NULL;
	if ((err = morph_json_parse(out, data, len, what)) != NULL)
		return morph_error_fmt(MORPH_ERR_CORRUPT, "%s", err->msg);
	morph_buf_clear(&imp->canon);
	if ((err = morph_json_canonical(&imp->canon, *out)) != NULL ||
	    (err = morph_buf_status(&imp->canon)) != NULL) {
		cJSON_Delete(*out);
		*out = NULL;
		return err;
	}
	if (imp->canon.len != len || memcmp(imp->canon.ptr, data, len) != 0) {
		cJSON_Delete(*out);
		*out = NULL;
		return morph_error_fmt(MORPH_ERR_CORRUPT, "%s: not in "
		    "canonical form", what);
	}
	return NULL;
}

/*
 * Stores the blob read from git blob key (or found in this session) and
 * sets *out to its id.
 */
static const struct morph_error *
import_blob(struct morph_oid *out, struct morph_import *imp,
    const unsigned char key[20], const char *what)
{
	const struct morph_error *err;
	struct blobmap_slot *s;

	if ((s = map_find(&imp->blobs, key)) != NULL) {
		*out = s->id;
		return NULL;
	}
	if ((err = read_blob(imp, key, MORPH_IMPORT_MAX_BLOB,
	    &imp->buf)) != NULL)
		return morph_error_wrap(err, "%s", what);
	if ((err = morph_object_write(out, imp->repo, MORPH_OBJ_BLOB,
	    imp->buf.ptr, imp->buf.len)) != NULL)
		return err;
	return map_add(&imp->blobs, key, out);
}

/* Commits */

/* The files of a git tree, with their morph blob ids, into files. */
static const struct morph_error *
flatten(struct morph_entrylist *files, struct morph_import *imp,
    const unsigned char key[20], struct morph_buf *path, int depth,
    const char *what)
{
	const struct morph_error *err = NULL;
	struct entlist l;
	struct morph_oid id;
	size_t keep = path->len, i;

	if (depth > 256)
		return morph_error_fmt(MORPH_ERR_CORRUPT, "%s: trees nested "
		    "too deeply", what);
	memset(&l, 0, sizeof(l));
	if ((err = list_tree(&l, imp, key)) != NULL)
		return morph_error_wrap(err, "%s", what);
	for (i = 0; i < l.n && err == NULL; i++) {
		const struct ent *e = &l.v[i];

		if (depth == 0 && strcmp(e->name, MORPH_GIT_DIR) == 0)
			continue;
		morph_buf_truncate(path, keep);
		if (keep > 0)
			morph_buf_putc(path, '/');
		morph_buf_puts(path, e->name);
		if ((err = morph_buf_status(path)) != NULL)
			break;
		if (!morph_path_name_ok(e->name, strlen(e->name))) {
			err = morph_error_fmt(MORPH_ERR_CORRUPT, "%s: '%s' is "
			    "not a path morph accepts", what, path->ptr);
			break;
		}
		switch (e->mode) {
		case MORPH_MODE_TREE:
			err = flatten(files, imp, e->key, path, depth + 1,
			    what);
			break;
		case MORPH_MODE_FILE:
		case MORPH_MODE_EXEC:
			if ((err = import_blob(&id, imp, e->key,
			    what)) == NULL)
				err = morph_entrylist_add(files, path->ptr, &id,
				    e->mode);
			break;
		default:
			err = morph_error_fmt(MORPH_ERR_CORRUPT, "%s: '%s' has "
			    "mode %06o, which morph does not write", what,
			    path->ptr, e->mode);
		}
	}
	morph_buf_truncate(path, keep);
	entlist_release(&l);
	return err;
}

/* Reads .morph/format and .morph/commit of an exported commit's root. */
static const struct morph_error *
commit_record(struct morph_buf *payload, struct morph_import *imp,
    const struct entlist *root, const char *what)
{
	const struct morph_error *err;
	const struct ent *dir, *format, *commit;
	struct entlist l;

	memset(&l, 0, sizeof(l));
	dir = find_ent(root, MORPH_GIT_DIR);
	if (dir == NULL || dir->mode != MORPH_MODE_TREE)
		return morph_error_fmt(MORPH_ERR_CORRUPT, "%s is not a morph "
		    "commit: it has no folder %s", what, MORPH_GIT_DIR);
	if ((err = list_tree(&l, imp, dir->key)) != NULL)
		return err;
	format = find_ent(&l, "format");
	commit = find_ent(&l, "commit");
	if (l.n != 2 || format == NULL || commit == NULL ||
	    format->mode != MORPH_MODE_FILE || commit->mode != MORPH_MODE_FILE) {
		err = morph_error_fmt(MORPH_ERR_CORRUPT, "%s: %s must hold "
		    "exactly the files commit and format", what,
		    MORPH_GIT_DIR);
		goto done;
	}
	if ((err = read_blob(imp, format->key, 64, payload)) != NULL)
		goto done;
	if (payload->len != strlen(MORPH_GIT_FORMAT_TEXT) ||
	    memcmp(payload->ptr, MORPH_GIT_FORMAT_TEXT, payload->len) != 0) {
		err = morph_error_fmt(MORPH_ERR_FORMAT, "%s was exported in "
		    "format '%.*s'; this morph reads format %d: upgrade morph",
		    what, (int)strcspn(payload->ptr, "\n"), payload->ptr,
		    MORPH_GIT_FORMAT);
		goto done;
	}
	err = read_blob(imp, commit->key, MORPH_IMPORT_MAX_DOC, payload);
done:
	entlist_release(&l);
	return err;
}

const struct morph_error *
morph_import_commit(struct morph_oid *out, struct morph_import *imp,
    const unsigned char tree[20], const struct morph_oid *parents,
    size_t nparents, const char *what)
{
	const struct morph_error *err;
	struct morph_buf payload = MORPH_BUF_INIT, path = MORPH_BUF_INIT;
	struct morph_entrylist files;
	struct morph_commit *c = NULL;
	struct entlist root;
	struct morph_oid id, snap;
	cJSON *doc = NULL;
	size_t i;

	memset(&root, 0, sizeof(root));
	morph_entrylist_init(&files);
	if ((err = list_tree(&root, imp, tree)) != NULL ||
	    (err = commit_record(&payload, imp, &root, what)) != NULL)
		goto done;
	if ((err = canonical_doc(&doc, imp, payload.ptr, payload.len,
	    "commit")) != NULL) {
		err = morph_error_wrap(err, "%s", what);
		goto done;
	}
	morph_hash_object(&id, "commit", payload.ptr, payload.len);
	if ((err = morph_commit_parse(&c, &id, payload.ptr,
	    payload.len)) != NULL)
		goto done;
	if (morph_commit_parent_count(c) != nparents) {
		err = morph_error_fmt(MORPH_ERR_CORRUPT, "%s: commit %s has "
		    "%zu parents, its git commit %zu", what,
		    morph_oid_tostr(&id), morph_commit_parent_count(c),
		    nparents);
		goto done;
	}
	for (i = 0; i < nparents; i++)
		if (morph_oid_cmp(morph_commit_parent(c, i),
		    &parents[i]) != 0) {
			err = morph_error_fmt(MORPH_ERR_CORRUPT, "%s: parent "
			    "%zu of commit %s is %s, but its git commit's "
			    "stands for %s", what, i + 1, morph_oid_tostr(&id),
			    morph_oid_tostr(morph_commit_parent(c, i)),
			    morph_oid_tostr(&parents[i]));
			goto done;
		}
	morph_buf_put(&path, "", 0);
	if ((err = flatten(&files, imp, tree, &path, 0, what)) != NULL)
		goto done;
	morph_entrylist_sort(&files);
	if ((err = morph_tree_write(&snap, imp->repo, files.v,
	    files.n)) != NULL)
		goto done;
	if (morph_oid_cmp(&snap, morph_commit_tree(c)) != 0) {
		err = morph_error_fmt(MORPH_ERR_CORRUPT, "%s: the files of "
		    "commit %s make tree %s, not %s", what,
		    morph_oid_tostr(&id), morph_oid_tostr(&snap),
		    morph_oid_tostr(morph_commit_tree(c)));
		goto done;
	}
	if (!morph_object_exists(imp->repo, &id))
		imp->stats.commits++;
	if ((err = morph_object_write(out, imp->repo, MORPH_OBJ_COMMIT,
	    payload.ptr, payload.len)) != NULL)
		goto done;
done:
	cJSON_Delete(doc);
	morph_commit_free(c);
	morph_entrylist_release(&files);
	entlist_release(&root);
	morph_buf_release(&payload);
	morph_buf_release(&path);
	return err;
}

/* Runs */

struct run_import {
	struct morph_import	*imp;
	char			 what[64];	/* "run <id>" */
	struct morph_oid	 id;
	int64_t			 num;
	int64_t			 started;
	struct entlist		 top;		/* the folder */
	struct entlist		 outputs;	/* outputs/xx/<id>, flattened */
	struct morph_buf	 prev;		/* the last result's key */
	int			 prev_sample;
	int64_t			 results;
};

/* An integer member that is null (-1) or a whole number from 0 to 2^53. */
static int
get_count(const cJSON *o, const char *key, int64_t *out, int nullable)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (v == NULL)
		return -1;
	if (cJSON_IsNull(v) && nullable) {
		*out = -1;
		return 0;
	}
	if (!cJSON_IsNumber(v) || v->valuedouble < 0 ||
	    v->valuedouble > 9007199254740992.0 ||
	    v->valuedouble != (double)(int64_t)v->valuedouble)
		return -1;
	*out = (int64_t)v->valuedouble;
	return 0;
}

/* A string member, or with nullable a null one (*out NULL). */
static int
get_str(const cJSON *o, const char *key, const char **out, int nullable)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (v != NULL && cJSON_IsNull(v) && nullable) {
		*out = NULL;
		return 0;
	}
	if (!cJSON_IsString(v))
		return -1;
	*out = v->valuestring;
	return 0;
}

/* An id member (32 hex digits), or with nullable null (*has 0). */
static int
get_id(const cJSON *o, const char *key, struct morph_oid *out, int *has,
    int nullable)
{
	const char *s;

	if (get_str(o, key, &s, nullable) != 0)
		return -1;
	*has = s != NULL;
	if (s == NULL)
		return 0;
	return morph_oid_fromhex(out, s);
}

/* Whether o has exactly the keys in keys (optional ones may lack). */
static int
has_keys(const cJSON *o, const char *const *keys, size_t n,
    const char *optional)
{
	const cJSON *v;
	size_t i, want = 0, have = 0;

	if (!cJSON_IsObject(o))
		return 0;
	for (i = 0; i < n; i++) {
		if (cJSON_GetObjectItemCaseSensitive(o, keys[i]) != NULL)
			want++;
		else if (optional == NULL || strcmp(keys[i], optional) != 0)
			return 0;
	}
	cJSON_ArrayForEach(v, o)
		have++;
	return have == want;
}

static const struct morph_error *
bad(struct run_import *r, const char *file, const char *why)
{
	return morph_error_fmt(MORPH_ERR_CORRUPT, "%s: %s: %s", r->what, file,
	    why);
}

/*
 * Makes sure blob id is stored: it is, or the folder holds it at
 * outputs/GROUP/<id> with the right bytes.
 */
static const struct morph_error *
need_output(struct run_import *r, const struct morph_oid *id,
    const char *file)
{
	const struct morph_error *err;
	const struct ent *e;
	struct morph_oid got;
	char hex[MORPH_OID_HEXSZ + 1];

	/* Runs share most outputs: each is looked up once a session. */
	if (morph_oidset_has(&r->imp->stored, id))
		return NULL;
	if (morph_object_exists(r->imp->repo, id))
		return morph_oidset_add(&r->imp->stored, id, NULL);
	morph_oid_fmt(hex, id);
	/* bsearch may not be given the NULL of an empty list. */
	e = r->outputs.n == 0 ? NULL : bsearch(hex, r->outputs.v,
	    r->outputs.n, sizeof(*r->outputs.v), cmp_id_key);
	if (e == NULL)
		return morph_error_fmt(MORPH_ERR_CORRUPT, "%s: %s names output "
		    "%s, which the run's folder lacks", r->what, file, hex);
	if ((err = import_blob(&got, r->imp, e->key, r->what)) != NULL)
		return err;
	if (morph_oid_cmp(&got, id) != 0)
		return morph_error_fmt(MORPH_ERR_CORRUPT, "%s: outputs/%s/%s "
		    "hashes to %s", r->what, e->name + MORPH_OID_HEXSZ + 1, hex,
		    morph_oid_tostr(&got));
	return morph_oidset_add(&r->imp->stored, id, NULL);
}

/*
 * Adds the cache row of (call, sample) unless this session did: the
 * first answer of a call stays (as morph_cache_add keeps it), and runs
 * share most of their calls.
 */
static const struct morph_error *
cache_once(struct morph_import *imp, const struct morph_oid *call,
    int sample, const struct morph_cache_entry *ce)
{
	const struct morph_error *err;
	unsigned char key[sizeof(call->id) + sizeof(sample)];
	struct morph_oid k;
	int added;

	memcpy(key, call->id, sizeof(call->id));
	memcpy(key + sizeof(call->id), &sample, sizeof(sample));
	morph_hash_bytes(&k, key, sizeof(key));
	if ((err = morph_oidset_add(&imp->cached, &k, &added)) != NULL ||
	    !added)
		return err;
	return morph_cache_add(imp->repo, call, sample, ce);
}

/* Whether name can be a folder of outputs: NNNN, NNNN-x or NNNN-xy. */
static int
group_name(const char *name)
{
	size_t n = strspn(name, "0123456789"), k;

	if (n < 4 || n > 12)
		return 0;
	if (name[n] == '\0')
		return 1;
	k = strspn(name + n + 1, "0123456789abcdef");
	return name[n] == '-' && (k == 1 || k == 2) && name[n + 1 + k] == '\0';
}

/*
 * outputs/GROUP/<id> of the folder, as entries named "<id>/GROUP" sorted
 * by name (an output two groups share is there twice).
 */
static const struct morph_error *
list_outputs(struct run_import *r)
{
	const struct morph_error *err = NULL;
	const struct ent *dir = find_ent(&r->top, "outputs");
	struct entlist sub, subsub;
	struct morph_oid id;
	char path[MORPH_OID_HEXSZ + 16];
	size_t i, j;

	if (dir == NULL)
		return NULL;
	if (dir->mode != MORPH_MODE_TREE)
		return bad(r, "outputs", "not a folder");
	memset(&sub, 0, sizeof(sub));
	memset(&subsub, 0, sizeof(subsub));
	if ((err = list_tree(&sub, r->imp, dir->key)) != NULL)
		goto done;
	for (i = 0; i < sub.n && err == NULL; i++) {
		if (sub.v[i].mode != MORPH_MODE_TREE ||
		    !group_name(sub.v[i].name)) {
			err = morph_error_fmt(MORPH_ERR_CORRUPT, "%s: outputs: "
			    "unexpected entry '%s'", r->what, sub.v[i].name);
			break;
		}
		if ((err = list_tree(&subsub, r->imp, sub.v[i].key)) != NULL)
			break;
		for (j = 0; j < subsub.n && err == NULL; j++) {
			const struct ent *e = &subsub.v[j];

			if (e->mode != MORPH_MODE_FILE ||
			    morph_oid_fromhex(&id, e->name) != 0 ||
			    strcmp(e->name, morph_oid_tostr(&id)) != 0) {
				err = morph_error_fmt(MORPH_ERR_CORRUPT, "%s: "
				    "outputs/%s: unexpected entry '%s'",
				    r->what, sub.v[i].name, e->name);
				break;
			}
			snprintf(path, sizeof(path), "%s/%s", e->name,
			    sub.v[i].name);
			err = add_ent(path, e->mode, e->key, &r->outputs);
		}
	}
done:
	if (err == NULL && r->outputs.n > 1)
		qsort(r->outputs.v, r->outputs.n, sizeof(*r->outputs.v),
		    cmp_ent);
	entlist_release(&sub);
	entlist_release(&subsub);
	return err;
}

/*
 * The files of the folder calls: NNNN, NNNN-x or NNNN-xy (group_name),
 * each perhaps followed by .N.
 */
static const struct morph_error *
calls_files(struct entlist *out, struct run_import *r)
{
	const struct morph_error *err;
	const struct ent *d = find_ent(&r->top, "calls");
	char base[32];
	size_t i, n;

	if (d == NULL)
		return NULL;
	if (d->mode != MORPH_MODE_TREE)
		return bad(r, "calls", "not a folder");
	if ((err = list_tree(out, r->imp, d->key)) != NULL)
		return err;
	for (i = 0; i < out->n; i++) {
		const char *name = out->v[i].name, *dot = strchr(name, '.');

		n = dot != NULL ? (size_t)(dot - name) : strlen(name);
		snprintf(base, sizeof(base), "%.*s", (int)(n < sizeof(base) ?
		    n : sizeof(base) - 1), name);
		if (out->v[i].mode != MORPH_MODE_FILE || n >= sizeof(base) ||
		    !group_name(base) || (dot != NULL && (dot[1] == '\0' ||
		    strspn(dot + 1, "0123456789") != strlen(dot + 1) ||
		    strlen(dot + 1) > 6)))
			return morph_error_fmt(MORPH_ERR_CORRUPT, "%s: calls: "
			    "unexpected entry '%s'", r->what, name);
	}
	return NULL;
}

/* Files NNNN of a folder of the run's, in order; *n their count. */
static const struct morph_error *
numbered(struct entlist *out, struct run_import *r, const char *dir)
{
	const struct morph_error *err;
	const struct ent *d = find_ent(&r->top, dir);
	struct entlist l;
	char name[24];
	size_t i;

	memset(&l, 0, sizeof(l));
	if (d == NULL)
		return NULL;
	if (d->mode != MORPH_MODE_TREE)
		return bad(r, dir, "not a folder");
	if ((err = list_tree(&l, r->imp, d->key)) != NULL)
		return err;
	for (i = 0; i < l.n && err == NULL; i++) {
		snprintf(name, sizeof(name), "%04zu", i);
		if (find_ent(&l, name) == NULL)
			err = morph_error_fmt(MORPH_ERR_CORRUPT, "%s: %s: "
			    "files are not numbered 0000 to %04zu", r->what,
			    dir, l.n - 1);
	}
	for (i = 0; i < l.n && err == NULL; i++) {
		const struct ent *e;

		snprintf(name, sizeof(name), "%04zu", i);
		e = find_ent(&l, name);
		if (e->mode != MORPH_MODE_FILE)
			err = morph_error_fmt(MORPH_ERR_CORRUPT, "%s: %s/%s: "
			    "not a file", r->what, dir, name);
		else
			err = add_ent(name, e->mode, e->key, out);
	}
	entlist_release(&l);
	return err;
}

/* Calls cb for each line of buf (without its newline); lines must end. */
static const struct morph_error *
each_line(struct run_import *r, const struct morph_buf *buf,
    const char *file,
    const struct morph_error *(*cb)(struct run_import *, const char *,
    size_t, const char *), const char *what)
{
	const struct morph_error *err = NULL;
	const char *p = buf->ptr, *end = buf->ptr + buf->len, *nl;

	while (p < end && err == NULL) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			return bad(r, file, "the last line has no newline");
		err = cb(r, p, (size_t)(nl - p), what);
		p = nl + 1;
	}
	return err;
}

static const char *const result_keys[] = {
	"attempts", "cached", "call", "case", "cost_nusd", "error", "finish",
	"latency_ms", "model", "output", "pass", "prompt", "sample",
	"served_model", "status", "tokens", "verdicts",
};
static const char *const token_keys[] = {
	"cache_write", "cached", "in", "out", "reasoning",
};

/* Whether a result's key (prompt, case, model, sample) follows prev's. */
static int
in_order(struct run_import *r, const struct morph_result *res)
{
	struct morph_buf *p = &r->prev;
	const char *a, *b;
	size_t na;
	int c, k;

	if (r->results == 0)
		return 1;
	/* prev holds prompt\0case\0model\0, as SQLite orders text. */
	a = p->ptr;
	for (k = 0; k < 3; k++) {
		b = k == 0 ? res->prompt : k == 1 ? res->case_id : res->model;
		na = strlen(a);
		c = strcmp(a, b);
		if (c != 0)
			return c < 0;
		a += na + 1;
	}
	return r->prev_sample < res->sample;
}

static const struct morph_error *
json_text(char **out, const cJSON *v)
{
	struct morph_buf b = MORPH_BUF_INIT;
	const struct morph_error *err;

	*out = NULL;
	if ((err = morph_json_canonical(&b, v)) == NULL &&
	    (*out = morph_buf_detach(&b, NULL)) == NULL)
		err = morph_error(MORPH_ERR_NOMEM);
	morph_buf_release(&b);
	return err;
}

/* One line of a page: a result, recorded with the cache row it makes. */
static const struct morph_error *
result_line(struct run_import *r, const char *line, size_t len,
    const char *file)
{
	const struct morph_error *err;
	struct morph_cache_entry ce;
	struct morph_result res;
	const cJSON *tokens, *v;
	cJSON *doc = NULL;
	char *attempts = NULL, *verdicts = NULL;
	int64_t n;
	int has;

	if ((err = canonical_doc(&doc, r->imp, line, len, file)) != NULL)
		return morph_error_wrap(err, "%s", r->what);
	memset(&res, 0, sizeof(res));
	tokens = cJSON_GetObjectItemCaseSensitive(doc, "tokens");
	if (!has_keys(doc, result_keys, sizeof(result_keys) /
	    sizeof(result_keys[0]), NULL) ||
	    !has_keys(tokens, token_keys, sizeof(token_keys) /
	    sizeof(token_keys[0]), "cache_write") ||
	    get_str(doc, "prompt", &res.prompt, 0) != 0 ||
	    get_str(doc, "case", &res.case_id, 0) != 0 ||
	    get_str(doc, "model", &res.model, 0) != 0 ||
	    get_str(doc, "status", &res.status, 0) != 0 ||
	    get_str(doc, "error", &res.error, 1) != 0 ||
	    get_str(doc, "finish", &res.finish, 1) != 0 ||
	    get_str(doc, "served_model", &res.served_model, 1) != 0 ||
	    get_id(doc, "call", &res.call, &has, 0) != 0 ||
	    get_id(doc, "output", &res.output, &res.has_output, 1) != 0 ||
	    get_count(doc, "sample", &n, 0) != 0 || n > 1000000 ||
	    get_count(doc, "cost_nusd", &res.cost_nusd, 1) != 0 ||
	    get_count(doc, "latency_ms", &res.latency_ms, 1) != 0 ||
	    get_count(tokens, "in", &res.tokens_in, 1) != 0 ||
	    get_count(tokens, "out", &res.tokens_out, 1) != 0 ||
	    get_count(tokens, "cached", &res.tokens_cached, 1) != 0 ||
	    get_count(tokens, "reasoning", &res.tokens_reasoning, 1) != 0 ||
	    !cJSON_IsBool(cJSON_GetObjectItemCaseSensitive(doc, "cached")) ||
	    !cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(doc,
	    "attempts")) ||
	    !cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(doc,
	    "verdicts"))) {
		err = bad(r, file, "a result lacks a field or has one of the "
		    "wrong type");
		goto done;
	}
	res.sample = (int)n;
	res.tokens_cache_write = -1;
	if (cJSON_GetObjectItemCaseSensitive(tokens, "cache_write") != NULL &&
	    get_count(tokens, "cache_write", &res.tokens_cache_write,
	    1) != 0) {
		err = bad(r, file, "tokens.cache_write is not a count");
		goto done;
	}
	res.cached = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(doc,
	    "cached"));
	v = cJSON_GetObjectItemCaseSensitive(doc, "pass");
	if (cJSON_IsNull(v))
		res.pass = -1;
	else if (cJSON_IsBool(v))
		res.pass = cJSON_IsTrue(v);
	else {
		err = bad(r, file, "pass is not true, false or null");
		goto done;
	}
	if (strcmp(res.status, "ok") == 0 ? !res.has_output ||
	    res.error != NULL : strcmp(res.status, "error") != 0 ||
	    res.error == NULL) {
		err = bad(r, file, "a result's status, output and error do "
		    "not agree");
		goto done;
	}
	if (!in_order(r, &res)) {
		err = morph_error_fmt(MORPH_ERR_CORRUPT, "%s: %s: results are "
		    "not in order of prompt, case, model and sample (at '%s', "
		    "'%s', '%s', %d)", r->what, file, res.prompt, res.case_id,
		    res.model, res.sample);
		goto done;
	}
	if (res.has_output && (err = need_output(r, &res.output,
	    file)) != NULL)
		goto done;
	if ((err = json_text(&attempts, cJSON_GetObjectItemCaseSensitive(doc,
	    "attempts"))) != NULL ||
	    (err = json_text(&verdicts, cJSON_GetObjectItemCaseSensitive(doc,
	    "verdicts"))) != NULL)
		goto done;
	res.attempts = attempts;
	res.verdicts = verdicts;
	if ((err = morph_runs_put(r->imp->repo, r->num, &res)) != NULL)
		goto done;
	r->imp->stats.results++;
	if (res.has_output) {
		/* The answer a replay of this call finds in the cache. */
		memset(&ce, 0, sizeof(ce));
		ce.output = res.output;
		snprintf(ce.finish, sizeof(ce.finish), "%s",
		    res.finish ? res.finish : "");
		snprintf(ce.served_model, sizeof(ce.served_model), "%s",
		    res.served_model ? res.served_model : "");
		ce.tokens_in = res.tokens_in;
		ce.tokens_out = res.tokens_out;
		ce.tokens_cached = res.tokens_cached;
		ce.tokens_cache_write = res.tokens_cache_write;
		ce.tokens_reasoning = res.tokens_reasoning;
		ce.latency_ms = res.latency_ms;
		ce.time_ms = r->started;
		if ((err = cache_once(r->imp, &res.call, res.sample,
		    &ce)) != NULL)
			goto done;
	}
	morph_buf_clear(&r->prev);
	morph_buf_put(&r->prev, res.prompt, strlen(res.prompt) + 1);
	morph_buf_put(&r->prev, res.case_id, strlen(res.case_id) + 1);
	morph_buf_put(&r->prev, res.model, strlen(res.model) + 1);
	r->prev_sample = res.sample;
	r->results++;
	err = morph_buf_status(&r->prev);
done:
	free(attempts);
	free(verdicts);
	cJSON_Delete(doc);
	return err;
}

static const char *const cache_keys[] = {
	"call", "finish", "latency_ms", "output", "sample", "served_model",
	"time", "tokens",
};

/* One line of the folder's cache file: a judge's answer. */
static const struct morph_error *
cache_line(struct run_import *r, const char *line, size_t len,
    const char *file)
{
	const struct morph_error *err;
	struct morph_cache_entry ce;
	struct morph_oid call;
	const cJSON *tokens;
	const char *finish, *served;
	cJSON *doc = NULL;
	int64_t sample;
	int has;

	if ((err = canonical_doc(&doc, r->imp, line, len, file)) != NULL)
		return morph_error_wrap(err, "%s", r->what);
	memset(&ce, 0, sizeof(ce));
	tokens = cJSON_GetObjectItemCaseSensitive(doc, "tokens");
	if (!has_keys(doc, cache_keys, sizeof(cache_keys) /
	    sizeof(cache_keys[0]), NULL) ||
	    !has_keys(tokens, token_keys, sizeof(token_keys) /
	    sizeof(token_keys[0]), NULL) ||
	    get_id(doc, "call", &call, &has, 0) != 0 ||
	    get_id(doc, "output", &ce.output, &has, 0) != 0 ||
	    get_str(doc, "finish", &finish, 1) != 0 ||
	    get_str(doc, "served_model", &served, 1) != 0 ||
	    get_count(doc, "sample", &sample, 0) != 0 || sample > 1000000 ||
	    get_count(doc, "time", &ce.time_ms, 0) != 0 ||
	    get_count(doc, "latency_ms", &ce.latency_ms, 1) != 0 ||
	    get_count(tokens, "in", &ce.tokens_in, 1) != 0 ||
	    get_count(tokens, "out", &ce.tokens_out, 1) != 0 ||
	    get_count(tokens, "cached", &ce.tokens_cached, 1) != 0 ||
	    get_count(tokens, "cache_write", &ce.tokens_cache_write, 1) != 0 ||
	    get_count(tokens, "reasoning", &ce.tokens_reasoning, 1) != 0 ||
	    (finish != NULL && strlen(finish) >= sizeof(ce.finish)) ||
	    (served != NULL && strlen(served) >= sizeof(ce.served_model))) {
		err = bad(r, file, "a cached answer lacks a field or has one "
		    "of the wrong type");
		goto done;
	}
	snprintf(ce.finish, sizeof(ce.finish), "%s", finish ? finish : "");
	snprintf(ce.served_model, sizeof(ce.served_model), "%s",
	    served ? served : "");
	if ((err = need_output(r, &ce.output, file)) == NULL)
		err = cache_once(r->imp, &call, (int)sample, &ce);
done:
	cJSON_Delete(doc);
	return err;
}

/* One line of a calls file: a call object. */
static const struct morph_error *
call_line(struct run_import *r, const char *line, size_t len,
    const char *file)
{
	const struct morph_error *err;
	struct morph_oid id;
	cJSON *doc = NULL;

	if ((err = canonical_doc(&doc, r->imp, line, len, file)) != NULL)
		return morph_error_wrap(err, "%s", r->what);
	if (!cJSON_IsObject(doc))
		err = bad(r, file, "a call is not a JSON object");
	cJSON_Delete(doc);
	if (err != NULL)
		return err;
	if (!morph_object_exists(r->imp->repo, (morph_hash_object(&id, "call",
	    line, len), &id)))
		r->imp->stats.calls++;
	return morph_object_write(&id, r->imp->repo, MORPH_OBJ_CALL, line,
	    len);
}

static const char *const run_keys[] = {
	"commit", "ended", "matrix", "morph", "pages", "prices", "results",
	"started",
};

/* Checks the run object and records the run; r->num is its number. */
static const struct morph_error *
run_object(struct run_import *r, const struct morph_buf *payload,
    cJSON **doc)
{
	const struct morph_error *err;
	const struct ent *e;
	struct morph_oid commit, prices, got;
	enum morph_object_type type;
	const cJSON *pages, *p;
	const char *morph;
	char *matrix = NULL;
	int64_t ended, results;
	int has_prices, has;

	if ((err = canonical_doc(doc, r->imp, payload->ptr, payload->len,
	    "run")) != NULL)
		return morph_error_wrap(err, "%s", r->what);
	morph_hash_object(&got, "run", payload->ptr, payload->len);
	if (morph_oid_cmp(&got, &r->id) != 0)
		return morph_error_fmt(MORPH_ERR_CORRUPT, "%s: its object "
		    "hashes to %s", r->what, morph_oid_tostr(&got));
	if (cJSON_GetObjectItemCaseSensitive(*doc, "tree") != NULL)
		return bad(r, "run", "a run of a work tree is not exchanged");
	pages = cJSON_GetObjectItemCaseSensitive(*doc, "pages");
	if (!has_keys(*doc, run_keys, sizeof(run_keys) / sizeof(run_keys[0]),
	    NULL) ||
	    get_id(*doc, "commit", &commit, &has, 0) != 0 ||
	    get_id(*doc, "prices", &prices, &has_prices, 1) != 0 ||
	    get_count(*doc, "started", &r->started, 0) != 0 ||
	    get_count(*doc, "ended", &ended, 0) != 0 ||
	    get_count(*doc, "results", &results, 0) != 0 ||
	    get_str(*doc, "morph", &morph, 0) != 0 ||
	    !cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(*doc,
	    "matrix")) || !cJSON_IsArray(pages))
		return bad(r, "run", "a field is missing or of the wrong "
		    "type");
	cJSON_ArrayForEach(p, pages)
		if (!cJSON_IsString(p) ||
		    morph_oid_fromhex(&got, p->valuestring) != 0)
			return bad(r, "run", "a page is not an object id");
	err = morph_object_info(&type, NULL, r->imp->repo, &commit);
	if (err != NULL && err->code == MORPH_ERR_NOT_FOUND)
		return morph_error_fmt(MORPH_ERR_NOT_FOUND, "%s: its commit %s "
		    "was not fetched", r->what, morph_oid_tostr(&commit));
	if (err != NULL)
		return err;
	if (type != MORPH_OBJ_COMMIT)
		return bad(r, "run", "its commit is not a commit");
	if (has_prices && !morph_object_exists(r->imp->repo, &prices)) {
		if ((e = find_ent(&r->top, "prices")) == NULL ||
		    e->mode != MORPH_MODE_FILE)
			return bad(r, "prices", "the price table the run names "
			    "is missing");
		if ((err = import_blob(&got, r->imp, e->key,
		    r->what)) != NULL)
			return err;
		if (morph_oid_cmp(&got, &prices) != 0)
			return morph_error_fmt(MORPH_ERR_CORRUPT, "%s: prices "
			    "hashes to %s, not %s", r->what,
			    morph_oid_tostr(&got), morph_oid_tostr(&prices));
	}
	if ((err = json_text(&matrix, cJSON_GetObjectItemCaseSensitive(*doc,
	    "matrix"))) != NULL)
		return err;
	err = morph_runs_import(&r->num, r->imp->repo, &commit, &r->id,
	    matrix, r->started, ended, results, has_prices ? &prices : NULL);
	free(matrix);
	return err;
}

static const char *const folder_names[] = {
	"cache", "calls", "outputs", "pages", "prices", "run",
};

static const struct morph_error *
import_folder(struct run_import *r)
{
	const struct morph_error *err;
	struct morph_import *imp = r->imp;
	struct morph_buf payload = MORPH_BUF_INIT;
	struct entlist files;
	const struct ent *e;
	const cJSON *pages;
	cJSON *doc = NULL;
	struct morph_oid got, want;
	char file[32];
	int64_t want_n = 0;
	size_t i, k;

	memset(&files, 0, sizeof(files));
	for (i = 0; i < r->top.n; i++) {
		for (k = 0; k < sizeof(folder_names) /
		    sizeof(folder_names[0]); k++)
			if (strcmp(r->top.v[i].name, folder_names[k]) == 0)
				break;
		if (k == sizeof(folder_names) / sizeof(folder_names[0]))
			return morph_error_fmt(MORPH_ERR_CORRUPT, "%s: "
			    "unexpected entry '%s'", r->what,
			    r->top.v[i].name);
	}
	if ((e = find_ent(&r->top, "run")) == NULL ||
	    e->mode != MORPH_MODE_FILE)
		return bad(r, "run", "missing");
	if ((err = read_blob(imp, e->key, MORPH_IMPORT_MAX_DOC,
	    &payload)) != NULL ||
	    (err = list_outputs(r)) != NULL ||
	    (err = run_object(r, &payload, &doc)) != NULL ||
	    (err = morph_object_write(&got, imp->repo, MORPH_OBJ_RUN,
	    payload.ptr, payload.len)) != NULL)
		goto done;
	/* The pages: the run's results. */
	pages = cJSON_GetObjectItemCaseSensitive(doc, "pages");
	if ((err = numbered(&files, r, "pages")) != NULL)
		goto done;
	if (files.n != (size_t)cJSON_GetArraySize(pages)) {
		err = morph_error_fmt(MORPH_ERR_CORRUPT, "%s: pages: %zu "
		    "files for %d pages", r->what, files.n,
		    cJSON_GetArraySize(pages));
		goto done;
	}
	for (i = 0; i < files.n; i++) {
		snprintf(file, sizeof(file), "pages/%s", files.v[i].name);
		morph_oid_fromhex(&want, cJSON_GetArrayItem(pages,
		    (int)i)->valuestring);
		if ((err = read_blob(imp, files.v[i].key,
		    MORPH_IMPORT_MAX_BLOB, &payload)) != NULL)
			goto done;
		morph_hash_object(&got, "blob", payload.ptr, payload.len);
		if (morph_oid_cmp(&got, &want) != 0) {
			err = morph_error_fmt(MORPH_ERR_CORRUPT, "%s: %s hashes "
			    "to %s, not %s", r->what, file,
			    morph_oid_tostr(&got), morph_oid_tostr(&want));
			goto done;
		}
		if ((err = morph_object_write(&got, imp->repo, MORPH_OBJ_BLOB,
		    payload.ptr, payload.len)) != NULL ||
		    (err = each_line(r, &payload, file, result_line,
		    file)) != NULL)
			goto done;
	}
	morph_json_int64(doc, "results", &want_n);
	if (r->results != want_n) {
		err = morph_error_fmt(MORPH_ERR_CORRUPT, "%s: its pages hold "
		    "%" PRId64 " results, not %" PRId64, r->what, r->results,
		    want_n);
		goto done;
	}
	/* The judges' answers, and the calls. */
	if ((e = find_ent(&r->top, "cache")) != NULL) {
		if (e->mode != MORPH_MODE_FILE) {
			err = bad(r, "cache", "not a file");
			goto done;
		}
		if ((err = read_blob(imp, e->key, MORPH_IMPORT_MAX_BLOB,
		    &payload)) != NULL ||
		    (err = each_line(r, &payload, "cache", cache_line,
		    "cache")) != NULL)
			goto done;
	}
	entlist_release(&files);
	if ((err = calls_files(&files, r)) != NULL)
		goto done;
	for (i = 0; i < files.n; i++) {
		/* A file of calls another run shared was read already. */
		if (map_find(&imp->calls, files.v[i].key) != NULL)
			continue;
		snprintf(file, sizeof(file), "calls/%s", files.v[i].name);
		if ((err = read_blob(imp, files.v[i].key,
		    MORPH_IMPORT_MAX_BLOB, &payload)) != NULL ||
		    (err = each_line(r, &payload, file, call_line,
		    file)) != NULL)
			goto done;
		morph_hash_object(&got, "blob", payload.ptr, payload.len);
		if ((err = map_add(&imp->calls, files.v[i].key, &got)) != NULL)
			goto done;
	}
	imp->stats.runs++;
done:
	cJSON_Delete(doc);
	entlist_release(&files);
	morph_buf_release(&payload);
	return err;
}

const struct morph_error *
morph_import_run(int *added, struct morph_import *imp, const char *name,
    const unsigned char folder[20])
{
	const struct morph_error *err;
	struct run_import r;
	int found;

	*added = 0;
	memset(&r, 0, sizeof(r));
	r.imp = imp;
	snprintf(r.what, sizeof(r.what), "run %.40s", name);
	if (morph_oid_fromhex(&r.id, name) != 0 ||
	    strcmp(name, morph_oid_tostr(&r.id)) != 0)
		return morph_error_fmt(MORPH_ERR_CORRUPT, "'%.40s' is not the "
		    "id of a run", name);
	if ((err = morph_runs_have_sealed(&found, imp->repo, &r.id)) != NULL ||
	    found)
		return err;
	if ((err = list_tree(&r.top, imp, folder)) == NULL &&
	    (err = import_folder(&r)) == NULL)
		*added = 1;
	entlist_release(&r.top);
	entlist_release(&r.outputs);
	morph_buf_release(&r.prev);
	return err;
}
