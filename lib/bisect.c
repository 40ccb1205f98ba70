/*
 * The bisect session: its record in the repository, the marks, and the
 * checkouts that take HEAD to each commit to test and back where it was
 * (include/morph/bisect.h; the search itself is lib/bisectpick.c).
 *
 * The record is the meta row "bisect", canonical JSON:
 *
 *	{"bad": "<id>" or null, "good": ["<id>", ...],
 *	 "log": ["# bad: [<id>] subject", "morph bisect bad <id>", ...],
 *	 "skip": ["<id>", ...],
 *	 "start": {"branch": "refs/heads/NAME" or null, "commit": "<id>"}}
 *
 * Invariants:
 *  1. A commit has at most one mark: marking it again moves it.
 *  2. The record changes in one transaction, and a checkout is made only
 *     after it is committed: a checkout refused (local changes) or cut
 *     short leaves every mark, and the record says what to do next.
 */
#include <stdlib.h>
#include <string.h>

#include "morph/commit.h"
#include "morph/reflog.h"
#include "morph/refs.h"
#include "morph/worktree.h"
#include "bisect_int.h"
#include "json_int.h"
#include "repo_int.h"

#define META_BISECT	"bisect"

struct oids {
	struct morph_oid	*v;
	size_t			 n;
};

struct morph_bisect {
	char			*branch;	/* NULL: HEAD was detached */
	struct morph_oid	 start;
	int			 has_bad;
	struct morph_oid	 bad;
	struct oids		 good;
	struct oids		 skip;
	char			**log;
	size_t			 nlog;
};

void
morph_bisect_next_release(struct morph_bisect_next *n)
{
	if (n == NULL)
		return;
	free(n->possible);
	n->possible = NULL;
	n->npossible = 0;
}

void
morph_bisect_free(struct morph_bisect *b)
{
	size_t i;

	if (b == NULL)
		return;
	free(b->branch);
	free(b->good.v);
	free(b->skip.v);
	for (i = 0; i < b->nlog; i++)
		free(b->log[i]);
	free(b->log);
	free(b);
}

static int
oids_has(const struct oids *s, const struct morph_oid *id)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (morph_oid_cmp(&s->v[i], id) == 0)
			return 1;
	return 0;
}

static const struct morph_error *
oids_add(struct oids *s, const struct morph_oid *id)
{
	struct morph_oid *nv;

	if (oids_has(s, id))
		return NULL;
	if ((nv = realloc(s->v, (s->n + 1) * sizeof(*nv))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	s->v = nv;
	s->v[s->n++] = *id;
	return NULL;
}

static void
oids_remove(struct oids *s, const struct morph_oid *id)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (morph_oid_cmp(&s->v[i], id) == 0) {
			memmove(&s->v[i], &s->v[i + 1], (s->n - i - 1) *
			    sizeof(*s->v));
			s->n--;
			return;
		}
}

static const struct morph_error *
log_add(struct morph_bisect *b, const struct morph_buf *line)
{
	const struct morph_error *err;
	char **nv, *s;

	if ((err = morph_buf_status(line)) != NULL)
		return err;
	if ((s = strdup(line->ptr)) == NULL ||
	    (nv = realloc(b->log, (b->nlog + 1) * sizeof(*nv))) == NULL) {
		free(s);
		return morph_error(MORPH_ERR_NOMEM);
	}
	b->log = nv;
	b->log[b->nlog++] = s;
	return NULL;
}

/* The record */

static const struct morph_error *
damaged(const char *why)
{
	return morph_error_fmt(MORPH_ERR_CORRUPT, "the record of the bisect in "
	    "progress (meta '%s') is damaged: %s; morph bisect reset removes "
	    "it", META_BISECT, why);
}

static int
get_oids(struct oids *out, const cJSON *a)
{
	const cJSON *e;
	struct morph_oid id;

	if (!cJSON_IsArray(a))
		return -1;
	cJSON_ArrayForEach(e, a) {
		if (!cJSON_IsString(e) ||
		    morph_oid_fromhex(&id, e->valuestring) != 0 ||
		    oids_add(out, &id) != NULL)
			return -1;
	}
	return 0;
}

static const struct morph_error *
decode(struct morph_bisect *b, const char *data, size_t len)
{
	const struct morph_error *err;
	const cJSON *start, *branch, *commit, *bad, *log, *e;
	struct morph_buf line = MORPH_BUF_INIT;
	cJSON *doc;
	int bad_form;

	if ((err = morph_json_parse(&doc, data, len, "the record")) != NULL)
		return err->code == MORPH_ERR_NOMEM ? err : damaged(err->msg);
	start = cJSON_GetObjectItemCaseSensitive(doc, "start");
	branch = cJSON_GetObjectItemCaseSensitive(start, "branch");
	commit = cJSON_GetObjectItemCaseSensitive(start, "commit");
	bad = cJSON_GetObjectItemCaseSensitive(doc, "bad");
	log = cJSON_GetObjectItemCaseSensitive(doc, "log");
	bad_form = !cJSON_IsObject(start) || (!cJSON_IsNull(branch) &&
	    (!cJSON_IsString(branch) || strncmp(branch->valuestring,
	    MORPH_REFS_HEADS, strlen(MORPH_REFS_HEADS)) != 0 ||
	    !morph_ref_name_valid(branch->valuestring))) ||
	    !cJSON_IsString(commit) ||
	    morph_oid_fromhex(&b->start, commit->valuestring) != 0 ||
	    (!cJSON_IsNull(bad) && (!cJSON_IsString(bad) ||
	    morph_oid_fromhex(&b->bad, bad->valuestring) != 0)) ||
	    get_oids(&b->good, cJSON_GetObjectItemCaseSensitive(doc,
	    "good")) != 0 ||
	    get_oids(&b->skip, cJSON_GetObjectItemCaseSensitive(doc,
	    "skip")) != 0 || !cJSON_IsArray(log);
	if (!bad_form) {
		b->has_bad = cJSON_IsString(bad);
		if (cJSON_IsString(branch) &&
		    (b->branch = strdup(branch->valuestring)) == NULL)
			err = morph_error(MORPH_ERR_NOMEM);
		cJSON_ArrayForEach(e, log) {
			if (err != NULL)
				break;
			if (!cJSON_IsString(e)) {
				bad_form = 1;
				break;
			}
			morph_buf_clear(&line);
			morph_buf_puts(&line, e->valuestring);
			err = log_add(b, &line);
		}
	}
	cJSON_Delete(doc);
	morph_buf_release(&line);
	if (err == NULL && bad_form)
		err = damaged("a member is missing or of the wrong type");
	return err;
}

static const struct morph_error *
decode_cb(const void *data, size_t len, void *arg)
{
	return decode(arg, data, len);
}

const struct morph_error *
morph_bisect_open(struct morph_bisect **out, struct morph_repo *repo)
{
	const struct morph_error *err;
	struct morph_bisect *b;
	int found = 0;

	*out = NULL;
	if ((b = calloc(1, sizeof(*b))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	err = morph_store_meta_read_blob(&repo->store, META_BISECT, decode_cb,
	    b, &found);
	if (err != NULL || !found) {
		morph_bisect_free(b);
		return err;
	}
	*out = b;
	return NULL;
}

static cJSON *
oids_json(const struct oids *s)
{
	cJSON *a;
	size_t i;

	if ((a = cJSON_CreateArray()) == NULL)
		return NULL;
	for (i = 0; i < s->n; i++)
		if (!cJSON_AddItemToArray(a,
		    cJSON_CreateString(morph_oid_tostr(&s->v[i])))) {
			cJSON_Delete(a);
			return NULL;
		}
	return a;
}

static const struct morph_error *
save(struct morph_repo *repo, const struct morph_bisect *b)
{
	const struct morph_error *err;
	struct morph_buf out = MORPH_BUF_INIT;
	cJSON *doc, *start, *log, *good, *skip;
	size_t i;
	int ok;

	if ((doc = cJSON_CreateObject()) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	start = cJSON_AddObjectToObject(doc, "start");
	good = oids_json(&b->good);
	skip = oids_json(&b->skip);
	ok = start != NULL && good != NULL && skip != NULL &&
	    (b->branch != NULL ? cJSON_AddStringToObject(start, "branch",
	    b->branch) : cJSON_AddNullToObject(start, "branch")) != NULL &&
	    cJSON_AddStringToObject(start, "commit",
	    morph_oid_tostr(&b->start)) != NULL &&
	    (b->has_bad ? cJSON_AddStringToObject(doc, "bad",
	    morph_oid_tostr(&b->bad)) : cJSON_AddNullToObject(doc,
	    "bad")) != NULL;
	/* Once added, good and skip are doc's to free. */
	if (good != NULL && !cJSON_AddItemToObject(doc, "good", good)) {
		cJSON_Delete(good);
		ok = 0;
	}
	if (skip != NULL && !cJSON_AddItemToObject(doc, "skip", skip)) {
		cJSON_Delete(skip);
		ok = 0;
	}
	log = cJSON_AddArrayToObject(doc, "log");
	for (i = 0, ok = ok && log != NULL; ok && i < b->nlog; i++)
		ok = cJSON_AddItemToArray(log, cJSON_CreateString(b->log[i]));
	if (!ok)
		err = morph_error(MORPH_ERR_NOMEM);
	else if ((err = morph_json_canonical(&out, doc)) == NULL)
		err = morph_store_meta_set_blob(&repo->store, META_BISECT,
		    out.ptr, out.len);
	cJSON_Delete(doc);
	morph_buf_release(&out);
	return err;
}

/* Accessors */

const char *
morph_bisect_start_branch(const struct morph_bisect *b)
{
	return b->branch;
}

const struct morph_oid *
morph_bisect_start_commit(const struct morph_bisect *b)
{
	return &b->start;
}

const struct morph_oid *
morph_bisect_bad(const struct morph_bisect *b)
{
	return b->has_bad ? &b->bad : NULL;
}

size_t
morph_bisect_ngood(const struct morph_bisect *b)
{
	return b->good.n;
}

const struct morph_oid *
morph_bisect_good(const struct morph_bisect *b, size_t i)
{
	return i < b->good.n ? &b->good.v[i] : NULL;
}

size_t
morph_bisect_nskip(const struct morph_bisect *b)
{
	return b->skip.n;
}

const struct morph_oid *
morph_bisect_skip(const struct morph_bisect *b, size_t i)
{
	return i < b->skip.n ? &b->skip.v[i] : NULL;
}

size_t
morph_bisect_nlog(const struct morph_bisect *b)
{
	return b->nlog;
}

const char *
morph_bisect_log(const struct morph_bisect *b, size_t i)
{
	return i < b->nlog ? b->log[i] : NULL;
}

/* Marks and the log */

/* Appends "[<id>] subject" for commit id. */
static const struct morph_error *
describe(struct morph_buf *out, struct morph_repo *repo,
    const struct morph_oid *id)
{
	const struct morph_error *err;
	struct morph_commit *c;
	const char *msg;
	size_t n;

	if ((err = morph_commit_read(&c, repo, id)) != NULL)
		return err;
	msg = morph_commit_message(c);
	n = strcspn(msg, "\n");
	morph_buf_printf(out, "[%s] ", morph_oid_tostr(id));
	morph_buf_put(out, msg, n);
	morph_commit_free(c);
	return NULL;
}

static const char *const mark_word[] = { "good", "bad", "skip" };

/* Applies a mark to b and logs it, with note (may be NULL). */
static const struct morph_error *
apply_mark(struct morph_bisect *b, struct morph_repo *repo,
    const struct morph_oid *id, enum morph_bisect_mark mark,
    const char *note)
{
	const struct morph_error *err;
	struct morph_buf line = MORPH_BUF_INIT;

	morph_buf_printf(&line, "# %s: ", mark_word[mark]);
	if ((err = describe(&line, repo, id)) != NULL ||
	    (err = log_add(b, &line)) != NULL)
		goto done;
	if (note != NULL) {
		morph_buf_clear(&line);
		morph_buf_printf(&line, "#   %.*s", (int)strcspn(note, "\n"),
		    note);
		if ((err = log_add(b, &line)) != NULL)
			goto done;
	}
	morph_buf_clear(&line);
	morph_buf_printf(&line, "morph bisect %s %s", mark_word[mark],
	    morph_oid_tostr(id));
	if ((err = log_add(b, &line)) != NULL)
		goto done;
	oids_remove(&b->good, id);
	oids_remove(&b->skip, id);
	if (b->has_bad && morph_oid_cmp(&b->bad, id) == 0)
		b->has_bad = 0;
	switch (mark) {
	case MORPH_BISECT_BAD:
		b->has_bad = 1;
		b->bad = *id;
		break;
	case MORPH_BISECT_GOOD:
		err = oids_add(&b->good, id);
		break;
	case MORPH_BISECT_SKIP:
		err = oids_add(&b->skip, id);
		break;
	}
done:
	morph_buf_release(&line);
	return err;
}

static const struct morph_error *
pick(struct morph_bisect_next *next, struct morph_repo *repo,
    const struct morph_bisect *b)
{
	return morph_bisect_pick(next, repo, b->has_bad ? &b->bad : NULL,
	    b->good.v, b->good.n, b->skip.v, b->skip.n);
}

/* Logs how the search ended, when it has. */
static const struct morph_error *
log_outcome(struct morph_bisect *b, struct morph_repo *repo,
    const struct morph_bisect_next *next)
{
	const struct morph_error *err = NULL;
	struct morph_buf line = MORPH_BUF_INIT;
	size_t i;

	switch (next->state) {
	case MORPH_BISECT_FOUND:
		morph_buf_puts(&line, "# first bad commit: ");
		if ((err = describe(&line, repo, &next->commit)) == NULL)
			err = log_add(b, &line);
		break;
	case MORPH_BISECT_BASE_BAD:
		morph_buf_puts(&line, "# the merge base is bad: ");
		if ((err = describe(&line, repo, &next->commit)) == NULL)
			err = log_add(b, &line);
		break;
	case MORPH_BISECT_SKIPPED:
		morph_buf_puts(&line, "# only skipped commits left to test");
		err = log_add(b, &line);
		for (i = 0; err == NULL && i < next->npossible; i++) {
			morph_buf_clear(&line);
			morph_buf_puts(&line, "# possible first bad commit: ");
			if ((err = describe(&line, repo,
			    &next->possible[i])) == NULL)
				err = log_add(b, &line);
		}
		break;
	default:
		break;
	}
	morph_buf_release(&line);
	return err;
}

/* Takes HEAD, detached, to the commit next says to test. */
static const struct morph_error *
checkout_next(struct morph_repo *repo, const struct morph_bisect_next *next)
{
	struct morph_checkout_opts opts = MORPH_CHECKOUT_OPTS_INIT;
	struct morph_buf msg = MORPH_BUF_INIT;
	const struct morph_error *err;

	if (next->state != MORPH_BISECT_TEST &&
	    next->state != MORPH_BISECT_TEST_BASE)
		return NULL;
	if ((err = morph_reflog_checkout_message(&msg, repo,
	    morph_oid_tostr(&next->commit))) == NULL) {
		opts.message = msg.ptr;
		err = morph_worktree_checkout(repo, &next->commit, &opts);
	}
	morph_buf_release(&msg);
	return morph_error_wrap(err, "the marks are recorded, but commit %s, "
	    "the next to test, cannot be checked out (check it out with "
	    "morph checkout %s, or end with morph bisect reset)",
	    morph_oid_tostr(&next->commit), morph_oid_tostr(&next->commit));
}

/*
 * Applies the marks, logs them and what they lead to, and saves the
 * record in one transaction (invariant 2); then checks out the next
 * commit to test.
 */
static const struct morph_error *
update(struct morph_bisect_next *next, struct morph_repo *repo,
    struct morph_bisect *b, const struct morph_oid *ids,
    const enum morph_bisect_mark *marks, size_t n, const char *note)
{
	const struct morph_error *err = NULL;
	size_t i;

	for (i = 0; i < n && err == NULL; i++)
		err = apply_mark(b, repo, &ids[i], marks[i], note);
	if (err == NULL && (err = pick(next, repo, b)) == NULL &&
	    (err = log_outcome(b, repo, next)) == NULL)
		err = save(repo, b);
	if (err == NULL)
		err = morph_repo_commit(repo);
	else
		morph_repo_rollback(repo);
	if (err == NULL)
		err = checkout_next(repo, next);
	return err;
}

const struct morph_error *
morph_bisect_start(struct morph_bisect_next *next, struct morph_repo *repo,
    const struct morph_oid *bad, const struct morph_oid *good, size_t ngood)
{
	const struct morph_error *err;
	struct morph_oid *ids = NULL;
	enum morph_bisect_mark *marks = NULL;
	struct morph_buf branch = MORPH_BUF_INIT, line = MORPH_BUF_INIT;
	struct morph_bisect *b = NULL, *old = NULL;
	size_t i, n = 0;

	memset(next, 0, sizeof(*next));
	if ((b = calloc(1, sizeof(*b))) == NULL ||
	    (ids = calloc(ngood + 1, sizeof(*ids))) == NULL ||
	    (marks = calloc(ngood + 1, sizeof(*marks))) == NULL) {
		err = morph_error(MORPH_ERR_NOMEM);
		goto out;
	}
	if (bad != NULL) {
		ids[n] = *bad;
		marks[n++] = MORPH_BISECT_BAD;
	}
	for (i = 0; i < ngood; i++) {
		ids[n] = good[i];
		marks[n++] = MORPH_BISECT_GOOD;
	}
	if ((err = morph_repo_begin(repo)) != NULL)
		goto out;
	err = morph_bisect_open(&old, repo);
	if (err == NULL && old != NULL)
		err = morph_error_fmt(MORPH_ERR_EXISTS, "a bisect is in "
		    "progress already: end it with morph bisect reset first");
	if (err == NULL) {
		err = morph_ref_resolve(&b->start, repo, MORPH_HEAD);
		if (err != NULL && err->code == MORPH_ERR_NOT_FOUND)
			err = morph_error_fmt(MORPH_ERR_NOT_FOUND, "cannot "
			    "bisect: HEAD has no commit yet");
	}
	if (err == NULL && morph_head_branch(&branch, repo) == NULL &&
	    (b->branch = strdup(branch.ptr)) == NULL)
		err = morph_error(MORPH_ERR_NOMEM);
	if (err == NULL) {
		morph_buf_puts(&line, "morph bisect start");
		err = log_add(b, &line);
	}
	if (err != NULL) {
		morph_repo_rollback(repo);
		goto out;
	}
	err = update(next, repo, b, ids, marks, n, NULL);
out:
	morph_bisect_free(old);
	morph_bisect_free(b);
	morph_buf_release(&branch);
	morph_buf_release(&line);
	free(ids);
	free(marks);
	return err;
}

/* The session, inside a transaction; NOT_FOUND when there is none. */
static const struct morph_error *
open_session(struct morph_bisect **out, struct morph_repo *repo)
{
	const struct morph_error *err;

	if ((err = morph_bisect_open(out, repo)) != NULL)
		return err;
	if (*out == NULL)
		return morph_error_fmt(MORPH_ERR_NOT_FOUND, "no bisect is in "
		    "progress: start one with morph bisect start BAD GOOD");
	return NULL;
}

const struct morph_error *
morph_bisect_mark(struct morph_bisect_next *next, struct morph_repo *repo,
    const struct morph_oid *commits, size_t n, enum morph_bisect_mark mark,
    const char *note)
{
	const struct morph_error *err;
	enum morph_bisect_mark *marks;
	struct morph_bisect *b = NULL;
	size_t i;

	memset(next, 0, sizeof(*next));
	if ((marks = calloc(n ? n : 1, sizeof(*marks))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	for (i = 0; i < n; i++)
		marks[i] = mark;
	if ((err = morph_repo_begin(repo)) != NULL)
		goto out;
	if ((err = open_session(&b, repo)) != NULL) {
		morph_repo_rollback(repo);
		goto out;
	}
	err = update(next, repo, b, commits, marks, n, note);
out:
	morph_bisect_free(b);
	free(marks);
	return err;
}

const struct morph_error *
morph_bisect_next(struct morph_bisect_next *next, struct morph_repo *repo)
{
	const struct morph_error *err;
	struct morph_bisect *b = NULL;

	memset(next, 0, sizeof(*next));
	if ((err = morph_repo_read_begin(repo)) != NULL)
		return err;
	if ((err = open_session(&b, repo)) == NULL)
		err = pick(next, repo, b);
	morph_repo_read_end(repo);
	morph_bisect_free(b);
	return err;
}

/* Removes the record, in a transaction of its own. */
static const struct morph_error *
remove_record(struct morph_repo *repo)
{
	const struct morph_error *err;

	if ((err = morph_repo_begin(repo)) != NULL)
		return err;
	if ((err = morph_store_meta_set_blob(&repo->store, META_BISECT, NULL,
	    0)) != NULL) {
		morph_repo_rollback(repo);
		return err;
	}
	return morph_repo_commit(repo);
}

const struct morph_error *
morph_bisect_reset(struct morph_repo *repo, const char *to_branch,
    const struct morph_oid *to_commit, int force)
{
	struct morph_checkout_opts opts = MORPH_CHECKOUT_OPTS_INIT;
	struct morph_buf msg = MORPH_BUF_INIT;
	const struct morph_error *err;
	struct morph_bisect *b = NULL;

	err = morph_bisect_open(&b, repo);
	if (err != NULL && force && err->code == MORPH_ERR_CORRUPT)
		return remove_record(repo);	/* where HEAD was is lost */
	if (err != NULL)
		return err;
	if (b == NULL)
		return morph_error_fmt(MORPH_ERR_NOT_FOUND, "no bisect is in "
		    "progress");
	if (to_branch == NULL && to_commit == NULL) {
		to_branch = b->branch;
		to_commit = b->branch == NULL ? &b->start : NULL;
	}
	opts.branch = to_branch;
	if ((err = morph_reflog_checkout_message(&msg, repo, to_branch != NULL ?
	    to_branch + strlen(MORPH_REFS_HEADS) :
	    morph_oid_tostr(to_commit))) == NULL) {
		opts.message = msg.ptr;
		err = morph_worktree_checkout(repo, to_branch != NULL ? NULL :
		    to_commit, &opts);
	}
	if (err != NULL && err->code == MORPH_ERR_NOT_FOUND &&
	    to_branch != NULL)
		err = morph_error_fmt(MORPH_ERR_NOT_FOUND, "cannot go back to "
		    "branch '%s': it no longer exists; morph bisect reset "
		    "REVISION ends the bisect there instead",
		    to_branch + strlen(MORPH_REFS_HEADS));
	if (err == NULL)
		err = remove_record(repo);
	morph_bisect_free(b);
	morph_buf_release(&msg);
	return err;
}
