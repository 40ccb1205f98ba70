/*
 * Commit objects: who is committing, parsing, and making a commit from
 * the index (see commit.h for the format).
 */
#include <sys/types.h>

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "morph/commit.h"
#include "morph/index.h"
#include "morph/num.h"
#include "morph/refs.h"
#include "morph/tree.h"
#include "gitbridge_int.h"
#include "json_int.h"
#include "commit_int.h"
#include "mergestate_int.h"
#include "pending_int.h"
#include "repo_int.h"
#include "signature_int.h"

struct morph_commit {
	struct morph_oid	 id;
	struct morph_oid	 tree;
	struct morph_oid	*parents;
	size_t			 nparents;
	char			*message;
	char			*name;
	char			*email;
	struct morph_signature	 author;
	char			*git_head;
	int			 git_dirty;
};

void
morph_tz_fmt(char out[8], int tz)
{
	int a = tz < 0 ? -tz : tz;

	snprintf(out, 8, "%c%02d%02d", tz < 0 ? '-' : '+', (a / 60) % 100,
	    a % 60);
}

static const struct morph_error *
author_date(int64_t *when, int *tz)
{
	const char *env = getenv("MORPH_AUTHOR_DATE");
	const char *sp, *rest;
	char secs[32];
	struct tm tm;
	time_t now;
	int64_t t;
	size_t n;

	if (env != NULL && env[0] != '\0') {
		/* "[@]SECONDS [+-hhmm]", the seconds as the strict parser
		 * reads them: no blank, sign, base or overflow slips in. */
		sp = env[0] == '@' ? env + 1 : env;
		n = strspn(sp, "0123456789");
		rest = sp + n;
		while (*rest == ' ')
			rest++;
		*tz = 0;
		if (n > 0 && n < sizeof(secs)) {
			memcpy(secs, sp, n);
			secs[n] = '\0';
		}
		if (n == 0 || n >= sizeof(secs) ||
		    morph_num_int(&t, "MORPH_AUTHOR_DATE", secs, 0,
		    INT64_MAX) != NULL || (*rest != '\0' &&
		    morph_tz_parse(rest, tz) != 0))
			return morph_error_fmt(MORPH_ERR_INVALID,
			    "MORPH_AUTHOR_DATE '%s': expected SECONDS "
			    "[+-hhmm]", env);
		*when = t;
		return NULL;
	}
	now = time(NULL);
	*when = (int64_t)now;
	localtime_r(&now, &tm);
	*tz = (int)(tm.tm_gmtoff / 60);
	return NULL;
}

const struct morph_error *
morph_signature_default(struct morph_signature *sig, struct morph_buf *name,
    struct morph_buf *email, struct morph_repo *repo)
{
	const struct morph_error *err;
	struct passwd *pw = getpwuid(getuid());
	const cJSON *v;
	const char *s;
	char host[256];

	morph_buf_clear(name);
	morph_buf_clear(email);
	if ((s = getenv("MORPH_AUTHOR_NAME")) != NULL && s[0] != '\0')
		morph_buf_puts(name, s);
	else if (cJSON_IsString(v = morph_config_lookup(repo, "user.name")) &&
	    v->valuestring[0] != '\0')
		morph_buf_puts(name, v->valuestring);
	else if (pw != NULL && pw->pw_gecos != NULL &&
	    pw->pw_gecos[0] != '\0' && pw->pw_gecos[0] != ',')
		morph_buf_put(name, pw->pw_gecos, strcspn(pw->pw_gecos, ","));
	else if (pw != NULL)
		morph_buf_puts(name, pw->pw_name);

	if ((s = getenv("MORPH_AUTHOR_EMAIL")) != NULL && s[0] != '\0')
		morph_buf_puts(email, s);
	else if (cJSON_IsString(v = morph_config_lookup(repo, "user.email")) &&
	    v->valuestring[0] != '\0')
		morph_buf_puts(email, v->valuestring);
	else if ((s = getenv("EMAIL")) != NULL && s[0] != '\0')
		morph_buf_puts(email, s);
	else if (pw != NULL) {
		if (gethostname(host, sizeof(host)) != 0)
			snprintf(host, sizeof(host), "localhost");
		host[sizeof(host) - 1] = '\0';
		morph_buf_printf(email, "%s@%s", pw->pw_name, host);
	}
	if ((err = morph_buf_status(name)) != NULL ||
	    (err = morph_buf_status(email)) != NULL)
		return err;
	if (name->len == 0)
		return morph_error_fmt(MORPH_ERR_INVALID, "cannot tell who "
		    "you are: run morph config --global user.name 'Your Name'");
	if (morph_utf8_check(name->ptr, name->len) != 0 ||
	    morph_utf8_check(morph_buf_cstr(email), email->len) != 0)
		return morph_error_fmt(MORPH_ERR_INVALID,
		    "the author name or email is not valid UTF-8");
	sig->name = name->ptr;
	sig->email = morph_buf_cstr(email);
	return author_date(&sig->time, &sig->tz);
}

void
morph_commit_free(struct morph_commit *c)
{
	if (c == NULL)
		return;
	free(c->parents);
	free(c->message);
	free(c->name);
	free(c->email);
	free(c->git_head);
	free(c);
}

static const struct morph_error *
corrupt(const struct morph_oid *id, const char *why)
{
	return morph_error_fmt(MORPH_ERR_CORRUPT, "commit %s: %s",
	    id ? morph_oid_tostr(id) : "(new)", why);
}

const struct morph_error *
morph_commit_parse(struct morph_commit **out, const struct morph_oid *id,
    const char *data, size_t len)
{
	const struct morph_error *err = NULL;
	struct morph_commit *c;
	cJSON *doc = NULL, *a, *p, *g;
	const char *s;
	size_t i = 0;

	*out = NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	if (id != NULL)
		c->id = *id;
	c->git_dirty = -1;
	if ((err = morph_json_parse(&doc, data, len, "commit")) != NULL) {
		err = corrupt(id, err->msg);
		goto done;
	}
	if (!cJSON_IsObject(doc) || (s = morph_json_str(doc, "tree")) == NULL ||
	    morph_oid_fromhex(&c->tree, s) != 0) {
		err = corrupt(id, "missing or bad tree");
		goto done;
	}
	if ((s = morph_json_str(doc, "message")) == NULL ||
	    (c->message = strdup(s)) == NULL) {
		err = s ? morph_error(MORPH_ERR_NOMEM) :
		    corrupt(id, "missing message");
		goto done;
	}
	p = cJSON_GetObjectItemCaseSensitive(doc, "parents");
	if (!cJSON_IsArray(p)) {
		err = corrupt(id, "missing parents");
		goto done;
	}
	c->nparents = (size_t)cJSON_GetArraySize(p);
	if (c->nparents > 0 &&
	    (c->parents = calloc(c->nparents, sizeof(*c->parents))) == NULL) {
		err = morph_error(MORPH_ERR_NOMEM);
		goto done;
	}
	cJSON_ArrayForEach(a, p) {
		if (!cJSON_IsString(a) ||
		    morph_oid_fromhex(&c->parents[i++], a->valuestring) != 0) {
			err = corrupt(id, "bad parent id");
			goto done;
		}
	}
	if ((err = morph_signature_from_json(&c->author, &c->name, &c->email,
	    doc, "author")) != NULL) {
		if (err->code != MORPH_ERR_NOMEM)
			err = corrupt(id, err->msg);
		goto done;
	}
	g = cJSON_GetObjectItemCaseSensitive(doc, "git");
	if (g != NULL) {
		cJSON *d = cJSON_GetObjectItemCaseSensitive(g, "dirty");

		if (!cJSON_IsObject(g) || !cJSON_IsBool(d)) {
			err = corrupt(id, "bad git provenance");
			goto done;
		}
		c->git_dirty = cJSON_IsTrue(d);
		if ((s = morph_json_str(g, "head")) != NULL &&
		    (c->git_head = strdup(s)) == NULL) {
			err = morph_error(MORPH_ERR_NOMEM);
			goto done;
		}
	}
done:
	cJSON_Delete(doc);
	if (err != NULL) {
		morph_commit_free(c);
		return err;
	}
	*out = c;
	return NULL;
}

const struct morph_error *
morph_commit_read(struct morph_commit **out, struct morph_repo *repo,
    const struct morph_oid *id)
{
	const struct morph_error *err;
	struct morph_object *o;

	*out = NULL;
	if ((err = morph_object_read(&o, repo, id, MORPH_OBJ_COMMIT)) != NULL)
		return err;
	err = morph_commit_parse(out, id, morph_object_data(o),
	    morph_object_size(o));
	morph_object_free(o);
	return err;
}

const struct morph_oid *
morph_commit_id(const struct morph_commit *c)
{
	return &c->id;
}

const struct morph_oid *
morph_commit_tree(const struct morph_commit *c)
{
	return &c->tree;
}

size_t
morph_commit_parent_count(const struct morph_commit *c)
{
	return c->nparents;
}

const struct morph_oid *
morph_commit_parent(const struct morph_commit *c, size_t i)
{
	return i < c->nparents ? &c->parents[i] : NULL;
}

const char *
morph_commit_message(const struct morph_commit *c)
{
	return c->message;
}

const struct morph_signature *
morph_commit_author(const struct morph_commit *c)
{
	return &c->author;
}

const char *
morph_commit_git_head(const struct morph_commit *c)
{
	return c->git_head;
}

int
morph_commit_git_dirty(const struct morph_commit *c)
{
	return c->git_dirty;
}

/* Builds the canonical payload of a new commit. */
static const struct morph_error *
serialize(struct morph_buf *b, const struct morph_oid *tree,
    const struct morph_oid *parents, size_t nparents,
    const struct morph_signature *sig, const char *message,
    const struct morph_git_provenance *git)
{
	const struct morph_error *err;
	cJSON *doc, *a, *p, *g;
	char tz[8];
	size_t i;

	if ((doc = cJSON_CreateObject()) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	morph_tz_fmt(tz, sig->tz);
	a = cJSON_AddObjectToObject(doc, "author");
	p = cJSON_AddArrayToObject(doc, "parents");
	if (a == NULL || p == NULL ||
	    cJSON_AddStringToObject(a, "name", sig->name) == NULL ||
	    cJSON_AddStringToObject(a, "email", sig->email) == NULL ||
	    morph_json_add_int(a, "time", sig->time) == NULL ||
	    cJSON_AddStringToObject(a, "tz", tz) == NULL ||
	    cJSON_AddStringToObject(doc, "tree",
	    morph_oid_tostr(tree)) == NULL ||
	    cJSON_AddStringToObject(doc, "message", message) == NULL) {
		err = morph_error(MORPH_ERR_NOMEM);
		goto done;
	}
	for (i = 0; i < nparents; i++)
		cJSON_AddItemToArray(p,
		    cJSON_CreateString(morph_oid_tostr(&parents[i])));
	if (cJSON_GetArraySize(p) != (int)nparents) {
		err = morph_error(MORPH_ERR_NOMEM);
		goto done;
	}
	if (git != NULL && git->found) {
		if ((g = cJSON_AddObjectToObject(doc, "git")) == NULL ||
		    cJSON_AddBoolToObject(g, "dirty", git->dirty) == NULL ||
		    (!git->unborn &&
		    cJSON_AddStringToObject(g, "head", git->head) == NULL)) {
			err = morph_error(MORPH_ERR_NOMEM);
			goto done;
		}
	}
	err = morph_json_canonical(b, doc);
done:
	cJSON_Delete(doc);
	return err;
}

/* How many unresolved conflicts a refusal lists. */
#define UNRESOLVED_SHOWN	16

/*
 * A merge in progress makes this commit the merge commit, a revert in
 * progress the revert: CONFLICT while it cannot be one.  *parents gets
 * HEAD and, for a merge, theirs; *nparents how many.
 */
static const struct morph_error *
merge_parents(struct morph_oid parents[2], size_t *nparents,
    struct morph_repo *repo, struct morph_index *idx,
    struct morph_merge_state *ms, const struct morph_oid *head,
    const struct morph_commit_opts *opts)
{
	struct morph_buf list = MORPH_BUF_INIT;
	const struct morph_error *err;
	const char *noun = morph_mergestate_noun(ms->op);
	const char *undo = morph_mergestate_abort_cmd(ms->op);
	size_t i, shown = 0;
	char name[64];

	morph_mergestate_name(name, sizeof(name), ms);
	if (ms->applying)
		return morph_error_fmt(MORPH_ERR_CONFLICT, "cannot commit: the "
		    "%s of %s was interrupted while it wrote the work tree; "
		    "undo it (%s) and start again", noun, name, undo);
	/* A stash's conflicts are unmerged paths: HEAD may have moved. */
	if (ms->op != MORPH_MERGE_OP_STASH &&
	    (head == NULL || morph_oid_cmp(head, &ms->ours) != 0))
		return morph_error_fmt(MORPH_ERR_CONFLICT, "cannot commit the "
		    "%s of %s: HEAD moved since it began; undo it (%s)", noun,
		    name, undo);
	if ((err = morph_mergestate_judge(ms, repo, idx)) != NULL)
		return err;
	if (ms->unresolved > 0) {
		for (i = 0; i < ms->n && shown < UNRESOLVED_SHOWN; i++) {
			if (ms->v[i].pub.resolved)
				continue;
			morph_buf_printf(&list, "\n\t%s: %s", ms->v[i].path,
			    ms->v[i].pub.why);
			shown++;
		}
		if (ms->unresolved > shown)
			morph_buf_printf(&list, "\n\t... and %zu more",
			    ms->unresolved - shown);
		if ((err = morph_buf_status(&list)) == NULL)
			err = morph_error_fmt(MORPH_ERR_CONFLICT, "cannot "
			    "commit the %s of %s: %zu unmerged path%s:%s",
			    noun, name, ms->unresolved, ms->unresolved == 1 ?
			    "" : "s", list.ptr);
		morph_buf_release(&list);
		return err;
	}
	if (ms->gate && !opts->gate_passed)
		return morph_error_fmt(MORPH_ERR_CONFLICT, "the merge of '%s' "
		    "is gated: finish it with morph merge --continue, which "
		    "runs the gate before it commits", ms->label);
	parents[0] = *head;
	parents[1] = ms->theirs;
	*nparents = ms->op == MORPH_MERGE_OP_MERGE ? 2 : 1;
	return NULL;
}

/*
 * The reflog message of a commit, as git writes it: "commit: SUBJECT",
 * "commit (initial): ..." for a root commit, "commit (amend): ...".
 */
static void
reflog_message(struct morph_buf *out, const char *kind, const char *message)
{
	morph_buf_printf(out, "commit%s: %.*s", kind,
	    (int)strcspn(message, "\n"), message);
}

/*
 * Whether an amended commit with tree and parents would change nothing:
 * its tree is its first parent's (a root's is empty).  A merge is never
 * empty, as git has it.
 */
static const struct morph_error *
amend_empty(int *empty, struct morph_repo *repo, struct morph_index *idx,
    const struct morph_oid *tree, const struct morph_commit *amended)
{
	const struct morph_error *err;
	struct morph_commit *base = NULL;

	*empty = 0;
	if (amended->nparents > 1)
		return NULL;
	if (amended->nparents == 0) {
		*empty = morph_index_count(idx) == 0;
		return NULL;
	}
	if ((err = morph_commit_read(&base, repo, &amended->parents[0])))
		return err;
	*empty = morph_oid_cmp(tree, morph_commit_tree(base)) == 0;
	morph_commit_free(base);
	return NULL;
}

const struct morph_error *
morph_commit_create(struct morph_oid *out, struct morph_repo *repo,
    struct morph_index *idx, const struct morph_commit_opts *opts)
{
	struct morph_buf name = MORPH_BUF_INIT, email = MORPH_BUF_INIT;
	struct morph_buf payload = MORPH_BUF_INIT, logmsg = MORPH_BUF_INIT;
	const struct morph_error *err;
	struct morph_git_provenance git;
	struct morph_signature sig;
	struct morph_commit *parent = NULL;
	struct morph_merge_state *ms = NULL;
	const struct morph_oid *parents = NULL;
	struct morph_oid head, tree, zero, joined[2];
	const char *message = opts->message;
	size_t nparents = 0;
	int have_head, merging = 0, empty;

	memset(&zero, 0, sizeof(zero));
	if (message != NULL &&
	    morph_utf8_check(message, strlen(message)) != 0)
		return morph_error_fmt(MORPH_ERR_INVALID,
		    "the commit message is not valid UTF-8");
	if ((err = morph_signature_default(&sig, &name, &email, repo)) != NULL)
		goto out;
	/* Ask git before taking the lock: it may take a while. */
	if ((err = morph_git_provenance(&git, repo->workdir)) != NULL)
		goto out;

	if ((err = morph_store_begin(&repo->store)) != NULL)
		goto out;
	if ((err = morph_pending_refuse(repo, "cannot commit")) != NULL ||
	    (err = morph_mergestate_read(&ms, &merging, repo)) != NULL)
		goto fail;
	/* A stash's message is not the commit's: it says what was stashed. */
	if (message == NULL && merging && ms->op != MORPH_MERGE_OP_STASH)
		message = ms->message;
	if (message == NULL) {
		err = morph_error_fmt(MORPH_ERR_INVALID,
		    "the commit message is missing");
		goto fail;
	}
	err = morph_ref_resolve(&head, repo, MORPH_HEAD);
	have_head = err == NULL;
	if (err != NULL && err->code != MORPH_ERR_NOT_FOUND)
		goto fail;
	if (opts->amend && !have_head) {
		err = morph_error_fmt(MORPH_ERR_INVALID, "cannot amend: %s; "
		    "there is no commit to amend", err->msg);
		goto fail;
	}
	if (have_head && (err = morph_commit_read(&parent, repo,
	    &head)) != NULL)
		goto fail;
	if (opts->all && (err = morph_index_add_tracked(idx, repo)) != NULL)
		goto fail;
	if (merging && opts->amend) {
		err = morph_error_fmt(MORPH_ERR_INVALID, "cannot amend in the "
		    "middle of a %s: finish it (morph commit) or undo it (%s)",
		    morph_mergestate_noun(ms->op),
		    morph_mergestate_abort_cmd(ms->op));
		goto fail;
	}
	if (merging) {
		if ((err = merge_parents(joined, &nparents, repo, idx, ms,
		    have_head ? &head : NULL, opts)) != NULL)
			goto fail;
		parents = joined;
	}
	if ((err = morph_index_write_tree(&tree, idx, repo)) != NULL)
		goto fail;
	/* An amended commit takes the place of HEAD: its parents, its author. */
	if (opts->amend) {
		parents = parent->parents;
		nparents = parent->nparents;
		if (!opts->reset_author)
			sig = *morph_commit_author(parent);
		if ((err = amend_empty(&empty, repo, idx, &tree,
		    parent)) != NULL)
			goto fail;
		if (empty && !opts->allow_empty) {
			err = morph_error_fmt(MORPH_ERR_EMPTY, "amending the "
			    "last commit would leave it empty: use "
			    "--allow-empty to amend anyway, or remove the "
			    "commit with morph reset HEAD~1");
			goto fail;
		}
	} else if (!merging && have_head) {
		parents = &head;
		nparents = 1;
	}
	/* A merge commit records the join even when the tree is HEAD's. */
	if (!opts->amend && !opts->allow_empty && nparents < 2 && (have_head ?
	    morph_oid_cmp(&tree, morph_commit_tree(parent)) == 0 :
	    morph_index_count(idx) == 0)) {
		err = morph_error_fmt(MORPH_ERR_EMPTY, "nothing to commit%s",
		    have_head ? " (use --allow-empty to commit anyway)" :
		    "; add files with morph add");
		goto fail;
	}
	if ((err = serialize(&payload, &tree, parents, nparents, &sig,
	    message, &git)) != NULL)
		goto fail;
	if ((err = morph_object_write(out, repo, MORPH_OBJ_COMMIT, payload.ptr,
	    payload.len)) != NULL)
		goto fail;
	reflog_message(&logmsg, opts->amend ? " (amend)" : nparents > 1 ?
	    " (merge)" : nparents == 0 ? " (initial)" : "", message);
	if ((err = morph_buf_status(&logmsg)) != NULL ||
	    (err = morph_head_update_log(repo, out, have_head ? &head : &zero,
	    logmsg.ptr)) != NULL)
		goto fail;
	if ((err = morph_index_write(idx, repo)) != NULL)
		goto fail;
	if (merging && (err = morph_mergestate_clear(repo)) != NULL)
		goto fail;
	err = morph_store_commit(&repo->store);
	goto out;
fail:
	morph_store_rollback(&repo->store);
out:
	morph_commit_free(parent);
	morph_merge_state_free(ms);
	morph_buf_release(&name);
	morph_buf_release(&email);
	morph_buf_release(&payload);
	morph_buf_release(&logmsg);
	return err;
}

const struct morph_error *
morph_commit_write(struct morph_oid *out, struct morph_repo *repo,
    const struct morph_oid *tree, const struct morph_oid *parents,
    size_t nparents, const char *message)
{
	struct morph_buf name = MORPH_BUF_INIT, email = MORPH_BUF_INIT;
	struct morph_buf payload = MORPH_BUF_INIT;
	const struct morph_error *err;
	struct morph_signature sig;

	if (morph_utf8_check(message, strlen(message)) != 0)
		return morph_error_fmt(MORPH_ERR_INVALID,
		    "the commit message is not valid UTF-8");
	if ((err = morph_signature_default(&sig, &name, &email,
	    repo)) == NULL &&
	    (err = serialize(&payload, tree, parents, nparents, &sig, message,
	    NULL)) == NULL)
		err = morph_object_write(out, repo, MORPH_OBJ_COMMIT,
		    payload.ptr, payload.len);
	morph_buf_release(&name);
	morph_buf_release(&email);
	morph_buf_release(&payload);
	return err;
}
