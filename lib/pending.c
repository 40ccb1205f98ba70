/*
 * The record of a checkout under way (see pending_int.h for its form and
 * invariants, worktree.h for what it means to a user).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "morph/refs.h"
#include "json_int.h"
#include "pending_int.h"
#include "repo_int.h"

#define META_CHECKOUT	"checkout"

/* Reads an id member, or null (*has 0) when has is not NULL. */
static int
get_id(const cJSON *doc, const char *key, struct morph_oid *out, int *has)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(doc, key);

	if (has != NULL && cJSON_IsNull(v)) {
		*has = 0;
		return 0;
	}
	if (has != NULL)
		*has = 1;
	return cJSON_IsString(v) ? morph_oid_fromhex(out, v->valuestring) :
	    -1;
}

static int
get_bool(const cJSON *doc, const char *key, int *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(doc, key);

	*out = cJSON_IsTrue(v);
	return cJSON_IsBool(v) ? 0 : -1;
}

static const struct morph_error *
damaged(const char *why)
{
	return morph_error_fmt(MORPH_ERR_CORRUPT, "the record of a checkout "
	    "under way (meta '%s') is damaged: %s; a forced checkout "
	    "(morph checkout -f REVISION) replaces it", META_CHECKOUT, why);
}

static const struct morph_error *
decode(struct morph_checkout_pending *p, struct morph_oid *nonce,
    const char *data, size_t len)
{
	const struct morph_error *err;
	const cJSON *branch;
	struct morph_oid n;
	cJSON *doc;
	int bad;

	if ((err = morph_json_parse(&doc, data, len, "the record")) != NULL)
		return err->code == MORPH_ERR_NOMEM ? err : damaged(err->msg);
	branch = cJSON_GetObjectItemCaseSensitive(doc, "branch");
	bad = (!cJSON_IsNull(branch) && (!cJSON_IsString(branch) ||
	    strncmp(branch->valuestring, MORPH_REFS_HEADS,
	    strlen(MORPH_REFS_HEADS)) != 0 ||
	    !morph_ref_name_valid(branch->valuestring))) ||
	    get_id(doc, "commit", &p->commit, NULL) != 0 ||
	    get_id(doc, "from", &p->from, &p->has_from) != 0 ||
	    get_id(doc, "nonce", nonce != NULL ? nonce : &n, NULL) != 0 ||
	    get_bool(doc, "create", &p->create) != 0 ||
	    get_bool(doc, "force", &p->force) != 0 ||
	    (cJSON_GetObjectItemCaseSensitive(doc, "reset") != NULL &&
	    get_bool(doc, "reset", &p->reset) != 0) ||
	    (p->create && !cJSON_IsString(branch)) ||
	    (p->reset && (p->create || cJSON_IsString(branch)));
	if (!bad && cJSON_IsString(branch))
		morph_buf_puts(&p->branch, branch->valuestring);
	cJSON_Delete(doc);
	if (bad)
		return damaged("a member is missing or of the wrong type");
	return morph_buf_status(&p->branch);
}

struct reading {
	struct morph_checkout_pending	*p;
	struct morph_oid		*nonce;
	struct morph_buf		*raw;
};

static const struct morph_error *
read_record(const void *data, size_t len, void *arg)
{
	struct reading *r = arg;

	if (r->raw != NULL) {
		morph_buf_put(r->raw, data, len);
		if (morph_buf_status(r->raw) != NULL)
			return morph_buf_status(r->raw);
	}
	return decode(r->p, r->nonce, data, len);
}

const struct morph_error *
morph_pending_read(struct morph_checkout_pending *p, int *found,
    struct morph_oid *nonce, struct morph_buf *raw, struct morph_repo *repo)
{
	struct reading r = { p, nonce, raw };
	const struct morph_error *err;

	memset(p, 0, sizeof(*p));
	if (raw != NULL)
		morph_buf_clear(raw);
	err = morph_store_meta_read_blob(&repo->store, META_CHECKOUT,
	    read_record, &r, found);
	if (err != NULL)
		*found = 0;
	return err;
}

/* A nonce no other write makes: the time, the process, a counter. */
static void
new_nonce(struct morph_oid *out)
{
	static unsigned long counter;
	struct timespec ts;
	char seed[96];
	int n;

	clock_gettime(CLOCK_REALTIME, &ts);
	n = snprintf(seed, sizeof(seed), "%lld.%ld %ld %lu",
	    (long long)ts.tv_sec, ts.tv_nsec, (long)getpid(), ++counter);
	morph_hash_bytes(out, seed, (size_t)n);
}

const struct morph_error *
morph_pending_write(struct morph_repo *repo,
    const struct morph_checkout_pending *p, const struct morph_buf *raw,
    struct morph_oid *nonce)
{
	const struct morph_error *err;
	struct morph_buf b = MORPH_BUF_INIT;
	struct morph_oid n;
	cJSON *doc;

	if (raw != NULL)
		return morph_store_meta_set_blob(&repo->store, META_CHECKOUT,
		    raw->ptr, raw->len);
	new_nonce(&n);
	if ((doc = cJSON_CreateObject()) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	if (p->branch.len > 0)
		cJSON_AddStringToObject(doc, "branch", p->branch.ptr);
	else
		cJSON_AddNullToObject(doc, "branch");
	cJSON_AddStringToObject(doc, "commit", morph_oid_tostr(&p->commit));
	cJSON_AddBoolToObject(doc, "create", p->create);
	cJSON_AddBoolToObject(doc, "force", p->force);
	if (p->has_from)
		cJSON_AddStringToObject(doc, "from",
		    morph_oid_tostr(&p->from));
	else
		cJSON_AddNullToObject(doc, "from");
	cJSON_AddStringToObject(doc, "nonce", morph_oid_tostr(&n));
	if (p->reset)
		cJSON_AddBoolToObject(doc, "reset", 1);
	if ((err = morph_json_canonical(&b, doc)) == NULL)
		err = morph_store_meta_set_blob(&repo->store, META_CHECKOUT,
		    b.ptr, b.len);
	cJSON_Delete(doc);
	morph_buf_release(&b);
	if (err == NULL && nonce != NULL)
		*nonce = n;
	return err;
}

const struct morph_error *
morph_pending_clear(struct morph_repo *repo)
{
	return morph_store_meta_set_blob(&repo->store, META_CHECKOUT, NULL, 0);
}

void
morph_pending_describe(struct morph_buf *out,
    const struct morph_checkout_pending *p)
{
	morph_buf_puts(out, p->reset ? "a reset to " : "a checkout to ");
	morph_worktree_pending_target(out, p);
	morph_buf_printf(out, " was interrupted and the work tree is partly "
	    "%s; run '", p->reset ? "reset" : "switched");
	morph_worktree_pending_command(out, p);
	morph_buf_puts(out, "' to finish it");
}

const struct morph_error *
morph_pending_refuse(struct morph_repo *repo, const char *what)
{
	const struct morph_error *err;
	struct morph_checkout_pending p;
	struct morph_buf why = MORPH_BUF_INIT;
	int found;

	if ((err = morph_pending_read(&p, &found, NULL, NULL, repo)) == NULL &&
	    found) {
		morph_pending_describe(&why, &p);
		if ((err = morph_buf_status(&why)) == NULL)
			err = morph_error_fmt(MORPH_ERR_CONFLICT, "%s: %s first",
			    what, why.ptr);
	}
	morph_buf_release(&why);
	morph_worktree_pending_release(&p);
	return err;
}

/* The public face (worktree.h) */

const struct morph_error *
morph_worktree_pending(struct morph_checkout_pending *out, int *found,
    struct morph_repo *repo)
{
	return morph_pending_read(out, found, NULL, NULL, repo);
}

void
morph_worktree_pending_release(struct morph_checkout_pending *p)
{
	morph_buf_release(&p->branch);
}

void
morph_worktree_pending_target(struct morph_buf *out,
    const struct morph_checkout_pending *p)
{
	const char *name = p->branch.len > 0 ? p->branch.ptr +
	    strlen(MORPH_REFS_HEADS) : NULL;

	if (name == NULL)
		morph_buf_printf(out, "%s", morph_oid_tostr(&p->commit));
	else
		morph_buf_printf(out, "%s'%s'", p->create ? "new branch " : "",
		    name);
}

void
morph_worktree_pending_command(struct morph_buf *out,
    const struct morph_checkout_pending *p)
{
	const char *name = p->branch.len > 0 ? p->branch.ptr +
	    strlen(MORPH_REFS_HEADS) : NULL;

	if (p->reset) {
		morph_buf_printf(out, "morph reset --hard %s",
		    morph_oid_tostr(&p->commit));
		return;
	}
	morph_buf_puts(out, p->force ? "morph checkout -f " : "morph checkout ");
	if (name == NULL)
		morph_buf_puts(out, morph_oid_tostr(&p->commit));
	else if (p->create)
		morph_buf_printf(out, "-b %s %s", name,
		    morph_oid_tostr(&p->commit));
	else
		morph_buf_puts(out, name);
}
