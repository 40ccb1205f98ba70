/*
 * The record of a merge in progress (see mergestate_int.h for its form,
 * merge.h for what it means to a user), and how each conflict stands.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "morph/index.h"
#include "morph/object.h"
#include "json_int.h"
#include "mergestate_int.h"
#include "repo_int.h"

#define META_MERGE	"merge"

static const char *const kind_names[] = {
	[MORPH_CONFLICT_CONTENT] = "content",
	[MORPH_CONFLICT_ADD_ADD] = "add-add",
	[MORPH_CONFLICT_DELETED_BY_THEM] = "deleted-by-them",
	[MORPH_CONFLICT_DELETED_BY_US] = "deleted-by-us",
};
#define NKINDS	(sizeof(kind_names) / sizeof(kind_names[0]))

static const char *const op_names[] = {
	[MORPH_MERGE_OP_MERGE] = "merge",
	[MORPH_MERGE_OP_REVERT] = "revert",
	[MORPH_MERGE_OP_STASH] = "stash",
};
#define NOPS	(sizeof(op_names) / sizeof(op_names[0]))

const char *
morph_merge_op_name(enum morph_merge_op op)
{
	return (size_t)op < NOPS ? op_names[op] : NULL;
}

const char *
morph_mergestate_noun(enum morph_merge_op op)
{
	static const char *const nouns[] = {
		[MORPH_MERGE_OP_MERGE] = "merge",
		[MORPH_MERGE_OP_REVERT] = "revert",
		[MORPH_MERGE_OP_STASH] = "stash application",
	};

	return (size_t)op < NOPS ? nouns[op] : "merge";
}

const char *
morph_mergestate_abort_cmd(enum morph_merge_op op)
{
	return op == MORPH_MERGE_OP_REVERT ? "morph revert --abort" :
	    "morph merge --abort";
}

const char *
morph_merge_conflict_kind_name(enum morph_conflict_kind kind)
{
	return (size_t)kind < NKINDS ? kind_names[kind] : NULL;
}

const struct morph_error *
morph_mergestate_new(struct morph_merge_state **out)
{
	if ((*out = calloc(1, sizeof(**out))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	(*out)->repeat = 1;
	return NULL;
}

void
morph_merge_state_free(struct morph_merge_state *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n; i++) {
		free(s->v[i].path);
		free(s->v[i].fields);
	}
	free(s->v);
	free(s->label);
	free(s->message);
	free(s);
}

const struct morph_error *
morph_mergestate_add(struct morph_merge_state *s, const char *path,
    enum morph_conflict_kind kind, int binary, const char *fields,
    const struct morph_entry *staged, const struct morph_entry *written)
{
	struct morph_mergestate_conflict *nv, *c;

	if ((nv = realloc(s->v, (s->n + 1) * sizeof(*nv))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	s->v = nv;
	c = &nv[s->n];
	memset(c, 0, sizeof(*c));
	c->path = strdup(path);
	c->fields = fields != NULL ? strdup(fields) : NULL;
	if (c->path == NULL || (fields != NULL && c->fields == NULL)) {
		free(c->path);
		free(c->fields);
		return morph_error(MORPH_ERR_NOMEM);
	}
	s->n++;
	c->pub.path = c->path;
	c->pub.kind = kind;
	c->pub.binary = binary;
	c->pub.fields = c->fields;
	if (staged != NULL) {
		c->has_staged = 1;
		c->staged.id = staged->id;
		c->staged.mode = staged->mode;
	}
	if (written != NULL) {
		c->has_written = 1;
		c->written.id = written->id;
		c->written.mode = written->mode;
	}
	return NULL;
}

/* Encoding */

static cJSON *
entry_json(int has, const struct morph_entry *e)
{
	cJSON *o;

	if (!has)
		return cJSON_CreateNull();
	if ((o = cJSON_CreateObject()) == NULL)
		return NULL;
	if (cJSON_AddStringToObject(o, "id", morph_oid_tostr(&e->id)) ==
	    NULL || cJSON_AddStringToObject(o, "mode",
	    morph_mode_str(e->mode)) == NULL) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static const struct morph_error *
encode(struct morph_buf *b, const struct morph_merge_state *s)
{
	const struct morph_error *err;
	cJSON *doc, *a, *c;
	size_t i;
	int bad = 0;

	if ((doc = cJSON_CreateObject()) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	if (s->has_base)
		bad |= cJSON_AddStringToObject(doc, "base",
		    morph_oid_tostr(&s->base)) == NULL;
	else
		bad |= cJSON_AddNullToObject(doc, "base") == NULL;
	bad |= (a = cJSON_AddArrayToObject(doc, "conflicts")) == NULL;
	for (i = 0; !bad && i < s->n; i++) {
		const struct morph_mergestate_conflict *k = &s->v[i];

		if ((c = cJSON_CreateObject()) == NULL) {
			bad = 1;
			break;
		}
		cJSON_AddItemToArray(a, c);
		bad |= cJSON_AddBoolToObject(c, "binary", k->pub.binary) ==
		    NULL;
		if (k->fields != NULL)
			bad |= cJSON_AddStringToObject(c, "fields",
			    k->fields) == NULL;
		else
			bad |= cJSON_AddNullToObject(c, "fields") == NULL;
		bad |= cJSON_AddStringToObject(c, "kind",
		    kind_names[k->pub.kind]) == NULL;
		bad |= cJSON_AddStringToObject(c, "path", k->path) == NULL;
		cJSON_AddItemToObject(c, "staged", entry_json(k->has_staged,
		    &k->staged));
		cJSON_AddItemToObject(c, "written", entry_json(k->has_written,
		    &k->written));
		bad |= cJSON_GetObjectItemCaseSensitive(c, "staged") == NULL ||
		    cJSON_GetObjectItemCaseSensitive(c, "written") == NULL;
	}
	bad |= cJSON_AddBoolToObject(doc, "gate", s->gate) == NULL;
	bad |= cJSON_AddStringToObject(doc, "label", s->label) == NULL;
	bad |= cJSON_AddStringToObject(doc, "message", s->message) == NULL;
	bad |= cJSON_AddStringToObject(doc, "op", op_names[s->op]) == NULL;
	bad |= cJSON_AddStringToObject(doc, "ours",
	    morph_oid_tostr(&s->ours)) == NULL;
	bad |= morph_json_add_int(doc, "repeat", s->repeat) == NULL;
	bad |= cJSON_AddNumberToObject(doc, "significance",
	    s->significance) == NULL;
	bad |= cJSON_AddStringToObject(doc, "state", s->applying ? "applying" :
	    "stopped") == NULL;
	bad |= cJSON_AddStringToObject(doc, "theirs",
	    morph_oid_tostr(&s->theirs)) == NULL;
	bad |= cJSON_AddStringToObject(doc, "tree",
	    morph_oid_tostr(&s->tree)) == NULL;
	bad |= cJSON_AddStringToObject(doc, "worktree",
	    morph_oid_tostr(&s->worktree)) == NULL;
	err = bad ? morph_error(MORPH_ERR_NOMEM) : morph_json_canonical(b, doc);
	cJSON_Delete(doc);
	return err;
}

const struct morph_error *
morph_mergestate_write(struct morph_repo *repo,
    const struct morph_merge_state *s)
{
	struct morph_buf b = MORPH_BUF_INIT;
	const struct morph_error *err;

	if ((err = encode(&b, s)) == NULL)
		err = morph_store_meta_set_blob(&repo->store, META_MERGE,
		    b.ptr, b.len);
	morph_buf_release(&b);
	return err;
}

const struct morph_error *
morph_mergestate_clear(struct morph_repo *repo)
{
	return morph_store_meta_set_blob(&repo->store, META_MERGE, NULL, 0);
}

/* Decoding */

static const struct morph_error *
damaged(const char *why)
{
	return morph_error_fmt(MORPH_ERR_CORRUPT, "the record of the merge in "
	    "progress (meta '%s') is damaged: %s", META_MERGE, why);
}

static int
get_id(const cJSON *doc, const char *key, struct morph_oid *out)
{
	const char *s = morph_json_str(doc, key);

	return s != NULL ? morph_oid_fromhex(out, s) : -1;
}

/* An ENTRY or null: 0, or -1 when it is neither. */
static int
get_entry(const cJSON *doc, const char *key, int *has, struct morph_entry *e)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(doc, key);
	const char *mode;

	*has = 0;
	if (cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsObject(v) || get_id(v, "id", &e->id) != 0 ||
	    (mode = morph_json_str(v, "mode")) == NULL)
		return -1;
	if (strcmp(mode, "100644") == 0)
		e->mode = MORPH_MODE_FILE;
	else if (strcmp(mode, "100755") == 0)
		e->mode = MORPH_MODE_EXEC;
	else
		return -1;
	*has = 1;
	return 0;
}

static const struct morph_error *
decode_conflict(struct morph_merge_state *s, const cJSON *c)
{
	const cJSON *fields = cJSON_GetObjectItemCaseSensitive(c, "fields");
	const cJSON *binary = cJSON_GetObjectItemCaseSensitive(c, "binary");
	struct morph_entry staged, written;
	const char *path = morph_json_str(c, "path");
	const char *kind = morph_json_str(c, "kind");
	int has_staged, has_written;
	size_t k;

	if (kind == NULL || path == NULL || !cJSON_IsBool(binary) ||
	    (!cJSON_IsNull(fields) && !cJSON_IsString(fields)) ||
	    get_entry(c, "staged", &has_staged, &staged) != 0 ||
	    get_entry(c, "written", &has_written, &written) != 0)
		return damaged("a conflict lacks a member or has one of the "
		    "wrong type");
	for (k = 0; k < NKINDS; k++)
		if (strcmp(kind, kind_names[k]) == 0)
			break;
	if (k == NKINDS)
		return damaged("a conflict of an unknown kind");
	return morph_mergestate_add(s, path, (enum morph_conflict_kind)k,
	    cJSON_IsTrue(binary), cJSON_IsString(fields) ?
	    fields->valuestring : NULL, has_staged ? &staged : NULL,
	    has_written ? &written : NULL);
}

static const struct morph_error *
decode(struct morph_merge_state *s, const char *data, size_t len)
{
	const struct morph_error *err;
	const cJSON *conflicts, *c, *base, *gate, *sig;
	const char *label, *message, *state, *op;
	int64_t repeat;
	size_t k;
	cJSON *doc;

	if ((err = morph_json_parse(&doc, data, len, "the record")) != NULL)
		return err->code == MORPH_ERR_NOMEM ? err : damaged(err->msg);
	base = cJSON_GetObjectItemCaseSensitive(doc, "base");
	conflicts = cJSON_GetObjectItemCaseSensitive(doc, "conflicts");
	gate = cJSON_GetObjectItemCaseSensitive(doc, "gate");
	sig = cJSON_GetObjectItemCaseSensitive(doc, "significance");
	label = morph_json_str(doc, "label");
	message = morph_json_str(doc, "message");
	state = morph_json_str(doc, "state");
	s->has_base = !cJSON_IsNull(base);
	if ((s->has_base && get_id(doc, "base", &s->base) != 0) ||
	    get_id(doc, "ours", &s->ours) != 0 ||
	    get_id(doc, "theirs", &s->theirs) != 0 ||
	    get_id(doc, "tree", &s->tree) != 0 ||
	    get_id(doc, "worktree", &s->worktree) != 0 ||
	    !cJSON_IsArray(conflicts) || !cJSON_IsBool(gate) ||
	    !cJSON_IsNumber(sig) || label == NULL || message == NULL ||
	    state == NULL || morph_json_int64(doc, "repeat", &repeat) != 0 ||
	    repeat < 1 || repeat > 10000 || sig->valuedouble < 0 ||
	    sig->valuedouble >= 1 || (strcmp(state, "applying") != 0 &&
	    strcmp(state, "stopped") != 0)) {
		err = damaged("a member is missing or of the wrong type");
		goto done;
	}
	/* No op: a record of the first merges, always a merge's. */
	op = morph_json_str(doc, "op");
	for (k = 0; op != NULL && k < NOPS; k++)
		if (strcmp(op, op_names[k]) == 0)
			break;
	if ((op == NULL && cJSON_HasObjectItem(doc, "op")) || k == NOPS ||
	    (op != NULL && k != MORPH_MERGE_OP_MERGE && !s->has_base)) {
		err = damaged("'op' is not merge, revert or stash");
		goto done;
	}
	s->op = op != NULL ? (enum morph_merge_op)k : MORPH_MERGE_OP_MERGE;
	s->gate = cJSON_IsTrue(gate);
	s->repeat = (int)repeat;
	s->significance = sig->valuedouble;
	s->applying = strcmp(state, "applying") == 0;
	if ((s->label = strdup(label)) == NULL ||
	    (s->message = strdup(message)) == NULL) {
		err = morph_error(MORPH_ERR_NOMEM);
		goto done;
	}
	cJSON_ArrayForEach(c, conflicts)
		if ((err = decode_conflict(s, c)) != NULL)
			break;
done:
	cJSON_Delete(doc);
	return err;
}

struct reading {
	struct morph_merge_state	*s;
};

static const struct morph_error *
read_record(const void *data, size_t len, void *arg)
{
	struct reading *r = arg;

	return decode(r->s, data, len);
}

const struct morph_error *
morph_mergestate_read(struct morph_merge_state **out, int *found,
    struct morph_repo *repo)
{
	const struct morph_error *err;
	struct reading r;

	*out = NULL;
	*found = 0;
	if ((err = morph_mergestate_new(&r.s)) != NULL)
		return err;
	err = morph_store_meta_read_blob(&repo->store, META_MERGE,
	    read_record, &r, found);
	if (err != NULL || !*found) {
		*found = 0;
		morph_merge_state_free(r.s);
		return err;
	}
	*out = r.s;
	return NULL;
}

const struct morph_error *
morph_mergestate_refuse(struct morph_repo *repo, const char *what)
{
	const struct morph_error *err;
	struct morph_merge_state *s;
	struct morph_index *idx = NULL;
	const char *noun;
	char name[64];
	int found;

	if ((err = morph_mergestate_read(&s, &found, repo)) != NULL ||
	    !found)
		return err;
	/*
	 * A stash application whose conflicts are all resolved holds
	 * nothing up, as git's index with no unmerged path left; the next
	 * add, commit or reset takes its record away.
	 */
	if (s->op == MORPH_MERGE_OP_STASH && !s->applying) {
		if ((err = morph_index_open(&idx, repo)) == NULL)
			err = morph_mergestate_judge(s, repo, idx);
		morph_index_free(idx);
		if (err != NULL || s->unresolved == 0) {
			morph_merge_state_free(s);
			return err;
		}
	}
	noun = morph_mergestate_noun(s->op);
	morph_mergestate_name(name, sizeof(name), s);
	if (s->applying)
		err = morph_error_fmt(MORPH_ERR_CONFLICT, "%s: a %s of %s was "
		    "interrupted while it wrote the work tree; undo it first "
		    "(%s)", what, noun, name,
		    morph_mergestate_abort_cmd(s->op));
	else if (s->op == MORPH_MERGE_OP_STASH)
		err = morph_error_fmt(MORPH_ERR_CONFLICT, "%s: the stash "
		    "applied onto %s left %zu unmerged path%s; fix %s and "
		    "morph add %s, or undo the application (%s)", what, name,
		    s->unresolved, s->unresolved == 1 ? "" : "s",
		    s->unresolved == 1 ? "it" : "them",
		    s->unresolved == 1 ? "it" : "them",
		    morph_mergestate_abort_cmd(s->op));
	else
		err = morph_error_fmt(MORPH_ERR_CONFLICT, "%s: a %s of %s is "
		    "in progress; finish it first (morph commit, or morph %s "
		    "--continue) or undo it (%s)", what, noun, name,
		    op_names[s->op], morph_mergestate_abort_cmd(s->op));
	morph_merge_state_free(s);
	return err;
}

void
morph_mergestate_name(char *buf, size_t size,
    const struct morph_merge_state *s)
{
	if (s->op == MORPH_MERGE_OP_MERGE)
		snprintf(buf, size, "'%s'", s->label);
	else
		snprintf(buf, size, "%.12s", morph_oid_tostr(&s->base));
}

int
morph_mergestate_has_markers(const char *data, size_t len)
{
	const char *p = data, *end = data + len, *nl;
	int open = 0;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (end - p >= 8 && memcmp(p, "<<<<<<< ", 8) == 0)
			open = 1;
		else if (open && end - p >= 8 && memcmp(p, ">>>>>>> ", 8) == 0)
			return 1;
		p = nl ? nl + 1 : end;
	}
	return 0;
}

/* Judging */

/* What stands at path in the work tree: a file (*has, e), or nothing. */
static const struct morph_error *
worktree_file(int *has, int *other, struct morph_entry *e,
    struct morph_repo *repo, const char *path)
{
	struct stat st;

	*has = *other = 0;
	if (fstatat(repo->wdfd, path, &st, AT_SYMLINK_NOFOLLOW) == -1) {
		if (errno == ENOENT || errno == ENOTDIR)
			return NULL;
		return morph_error_errno("cannot stat '%s'", path);
	}
	if (!S_ISREG(st.st_mode)) {
		*other = 1;
		return NULL;
	}
	*has = 1;
	return morph_worktree_hash_file(&e->id, &e->mode, repo, path, 0);
}

static int
same(int ha, const struct morph_entry *a, int hb, const struct morph_entry *b)
{
	if (!ha || !hb)
		return ha == hb;
	return a->mode == b->mode && morph_oid_cmp(&a->id, &b->id) == 0;
}

/* Whether the staged blob id still has conflict markers. */
static const struct morph_error *
staged_markers(int *yes, struct morph_repo *repo, const struct morph_oid *id)
{
	const struct morph_error *err;
	struct morph_object *o;

	*yes = 0;
	if ((err = morph_object_read(&o, repo, id, MORPH_OBJ_BLOB)) != NULL)
		return err;
	*yes = morph_mergestate_has_markers(morph_object_data(o),
	    morph_object_size(o));
	morph_object_free(o);
	return NULL;
}

static const struct morph_error *
judge_one(struct morph_mergestate_conflict *c, struct morph_repo *repo,
    const struct morph_index *idx)
{
	const struct morph_error *err;
	const struct morph_entry *ie = morph_index_find(idx, c->path);
	struct morph_entry wf;
	int has_wf, other, markers;

	c->pub.resolved = 0;
	c->pub.why = c->why;
	c->why[0] = '\0';
	if (!same(ie != NULL, ie, c->has_staged, &c->staged)) {
		/* Something else is staged: resolved, unless markers. */
		if (ie != NULL && (err = staged_markers(&markers, repo,
		    &ie->id)) != NULL)
			return err;
		if (ie != NULL && markers) {
			snprintf(c->why, sizeof(c->why), "conflict markers "
			    "are staged: edit them out, then morph add %s",
			    c->path);
			return NULL;
		}
		c->pub.resolved = 1;
		c->pub.why = NULL;
		return NULL;
	}
	if ((err = worktree_file(&has_wf, &other, &wf, repo,
	    c->path)) != NULL)
		return err;
	if (!other && same(has_wf, &wf, ie != NULL, ie)) {
		c->pub.resolved = 1;
		c->pub.why = NULL;
		return NULL;
	}
	if (!other && same(has_wf, &wf, c->has_written, &c->written))
		snprintf(c->why, sizeof(c->why), "%s", c->pub.kind ==
		    MORPH_CONFLICT_DELETED_BY_THEM || c->pub.kind ==
		    MORPH_CONFLICT_DELETED_BY_US || c->pub.binary ?
		    "keep the file with morph add, or delete it" :
		    "edit the file, then morph add it");
	else if (!has_wf && !other)
		snprintf(c->why, sizeof(c->why), "deleted in the work tree "
		    "but not staged: morph rm %s", c->path);
	else
		snprintf(c->why, sizeof(c->why), "changed in the work tree "
		    "but not staged: morph add %s", c->path);
	return NULL;
}

const struct morph_error *
morph_mergestate_judge(struct morph_merge_state *s, struct morph_repo *repo,
    const struct morph_index *idx)
{
	const struct morph_error *err;
	size_t i;

	s->unresolved = 0;
	for (i = 0; i < s->n; i++) {
		if ((err = judge_one(&s->v[i], repo, idx)) != NULL)
			return err;
		s->unresolved += !s->v[i].pub.resolved;
	}
	return NULL;
}

/* The public face (merge.h) */

const struct morph_error *
morph_merge_settle_stash(struct morph_repo *repo,
    const struct morph_index *idx)
{
	const struct morph_error *err;
	struct morph_merge_state *s;
	int found;

	if ((err = morph_mergestate_read(&s, &found, repo)) != NULL ||
	    !found)
		return err;
	if (s->op == MORPH_MERGE_OP_STASH && !s->applying &&
	    (err = morph_mergestate_judge(s, repo, idx)) == NULL &&
	    s->unresolved == 0)
		err = morph_mergestate_clear(repo);
	morph_merge_state_free(s);
	return err;
}

const struct morph_error *
morph_merge_state_read(struct morph_merge_state **out, int *found,
    struct morph_repo *repo)
{
	const struct morph_error *err;
	struct morph_index *idx = NULL;

	if ((err = morph_mergestate_read(out, found, repo)) != NULL ||
	    !*found)
		return err;
	if ((err = morph_index_open(&idx, repo)) == NULL)
		err = morph_mergestate_judge(*out, repo, idx);
	morph_index_free(idx);
	if (err != NULL) {
		morph_merge_state_free(*out);
		*out = NULL;
		*found = 0;
	}
	return err;
}

const struct morph_oid *
morph_merge_state_ours(const struct morph_merge_state *s)
{
	return &s->ours;
}

const struct morph_oid *
morph_merge_state_theirs(const struct morph_merge_state *s)
{
	return &s->theirs;
}

const char *
morph_merge_state_label(const struct morph_merge_state *s)
{
	return s->label;
}

const char *
morph_merge_state_message(const struct morph_merge_state *s)
{
	return s->message;
}

enum morph_merge_op
morph_merge_state_op(const struct morph_merge_state *s)
{
	return s->op;
}

const struct morph_oid *
morph_merge_state_reverted(const struct morph_merge_state *s)
{
	return s->op == MORPH_MERGE_OP_REVERT ? &s->base : NULL;
}

int
morph_merge_state_interrupted(const struct morph_merge_state *s)
{
	return s->applying;
}

int
morph_merge_state_gate(const struct morph_merge_state *s, int *repeat,
    double *significance)
{
	if (repeat != NULL)
		*repeat = s->repeat;
	if (significance != NULL)
		*significance = s->significance;
	return s->gate;
}

size_t
morph_merge_state_nconflicts(const struct morph_merge_state *s)
{
	return s->n;
}

const struct morph_merge_conflict *
morph_merge_state_conflict(const struct morph_merge_state *s, size_t i)
{
	return &s->v[i].pub;
}

size_t
morph_merge_state_unresolved(const struct morph_merge_state *s)
{
	return s->unresolved;
}
