/*
 * Revision names to object ids (see revparse.h for the grammar).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "morph/commit.h"
#include "morph/date.h"
#include "morph/index.h"
#include "morph/refs.h"
#include "morph/revparse.h"
#include "morph/stash.h"
#include "morph/tag.h"
#include "morph/tree.h"
#include "path_int.h"
#include "reflog_int.h"
#include "repo_int.h"

static int is_git_rev(const char *);
static const struct morph_error *at_git_commit(struct morph_oid *,
    struct morph_repo *, const char *, const char *);

/* Where a NAME is looked for, in this order (see revparse.h). */
static const char *const ref_dirs[] = { "", "refs/tags/", "refs/heads/",
    "refs/remotes/" };
#define NREF_DIRS	(sizeof(ref_dirs) / sizeof(ref_dirs[0]))

static const struct morph_error *
unknown(const char *rev)
{
	return morph_error_fmt(MORPH_ERR_NOT_FOUND, "unknown revision '%s'",
	    rev);
}

/*
 * The end of the "@{...}" that starts at p, just past its '}', or NULL
 * when it has none.  A reflog selector may hold what a revision's syntax
 * uses elsewhere (the ':' of a time, the '-' of @{-N}).
 */
static const char *
skip_braces(const char *p)
{
	const char *close = strchr(p + 2, '}');

	return close != NULL ? close + 1 : NULL;
}

/* The first of chars in rev outside "@{...}" before end, or end. */
static const char *
find_outside(const char *rev, const char *end, const char *chars)
{
	const char *p, *q;

	for (p = rev; p < end && *p != '\0'; p++) {
		if (p[0] == '@' && p[1] == '{' && (q = skip_braces(p)) != NULL) {
			p = q - 1;
			continue;
		}
		if (strchr(chars, *p) != NULL)
			return p;
	}
	return end;
}

static const struct morph_error *
resolve_base(struct morph_oid *out, struct morph_repo *repo,
    const char *name, const char *rev);

/*
 * The reference whose log NAME@{...} reads, into ref, and the name its
 * errors use, into shortname: with no NAME, the branch HEAD is on (HEAD
 * when detached), else the first of HEAD and the branches by that name
 * that exists (tags keep no log).
 */
static const struct morph_error *
log_ref(struct morph_buf *ref, struct morph_buf *shortname,
    struct morph_repo *repo, const char *name, size_t len, const char *rev)
{
	struct morph_buf val = MORPH_BUF_INIT;
	const struct morph_error *err = NULL;
	int symbolic;
	size_t i;

	morph_buf_clear(ref);
	morph_buf_clear(shortname);
	if (len == 0) {
		if (morph_head_branch(ref, repo) != NULL) {
			morph_buf_clear(ref);
			morph_buf_puts(ref, MORPH_HEAD);
		}
		morph_buf_puts(shortname, strncmp(ref->ptr, MORPH_REFS_HEADS,
		    strlen(MORPH_REFS_HEADS)) == 0 ? ref->ptr +
		    strlen(MORPH_REFS_HEADS) : ref->ptr);
		return morph_buf_status(shortname);
	}
	morph_buf_put(shortname, name, len);
	if ((err = morph_buf_status(shortname)) != NULL)
		return err;
	for (i = 0; i < NREF_DIRS; i++) {
		morph_buf_clear(ref);
		morph_buf_printf(ref, "%s%s", ref_dirs[i], shortname->ptr);
		if ((err = morph_buf_status(ref)) != NULL)
			break;
		if (morph_ref_name_valid(ref->ptr) &&
		    morph_reflog_kept(ref->ptr) &&
		    morph_ref_read(&val, &symbolic, repo, ref->ptr) == NULL)
			break;
	}
	morph_buf_release(&val);
	if (err == NULL && i == NREF_DIRS)
		err = morph_error_fmt(MORPH_ERR_NOT_FOUND, "unknown revision "
		    "'%s': no branch '%s' (only HEAD and branches have a log)",
		    rev, shortname->ptr);
	return err;
}

/*
 * NAME@{N} (the Nth prior value of NAME: its log's entry N), NAME@{DATE}
 * (its value at that time, date.h) and @{-N} (what HEAD was on before
 * the Nth last checkout).  at points to the "@{" in name.
 */
static const struct morph_error *
resolve_reflog(struct morph_oid *out, struct morph_repo *repo,
    const char *name, const char *at, const char *rev)
{
	struct morph_buf ref = MORPH_BUF_INIT, shortname = MORPH_BUF_INIT;
	struct morph_buf spec = MORPH_BUF_INIT;
	const struct morph_error *err;
	const char *close = skip_braces(at);
	unsigned long n;
	int64_t when;
	char *end;

	if (close == NULL || *close != '\0' || close == at + 3)
		return morph_error_fmt(MORPH_ERR_INVALID, "invalid revision "
		    "'%s'", rev);
	morph_buf_put(&spec, at + 2, (size_t)(close - at - 3));
	if ((err = morph_buf_status(&spec)) != NULL)
		goto done;
	if (spec.ptr[0] == '-' && at == name && isdigit((unsigned char)
	    spec.ptr[1])) {
		n = strtoul(spec.ptr + 1, &end, 10);
		if (*end != '\0' || n == 0 || n > 100000) {
			err = morph_error_fmt(MORPH_ERR_INVALID, "invalid "
			    "revision '%s'", rev);
			goto done;
		}
		if ((err = morph_reflog_previous(&ref, repo, n)) == NULL)
			err = resolve_base(out, repo, ref.ptr, rev);
		goto done;
	}
	/* stash@{N}: the Nth stash, from the stash list, as git has it. */
	if (at - name == 5 && strncmp(name, "stash", 5) == 0 &&
	    spec.len <= 9 && strspn(spec.ptr, "0123456789") == spec.len) {
		err = morph_stash_nth(out, repo, strtoul(spec.ptr, NULL, 10));
		goto done;
	}
	if ((err = log_ref(&ref, &shortname, repo, name, (size_t)(at - name),
	    rev)) != NULL)
		goto done;
	if (isdigit((unsigned char)spec.ptr[0]) && strspn(spec.ptr,
	    "0123456789") == spec.len) {
		n = strtoul(spec.ptr, &end, 10);
		if (spec.len > 9)
			err = morph_error_fmt(MORPH_ERR_INVALID, "invalid "
			    "revision '%s'", rev);
		else
			err = morph_reflog_nth(out, repo, ref.ptr, n,
			    shortname.ptr);
		goto done;
	}
	if ((err = morph_date_parse(&when, spec.ptr,
	    (int64_t)time(NULL))) != NULL) {
		err = morph_error_fmt(MORPH_ERR_INVALID, "invalid revision "
		    "'%s': in braces after '@' morph reads N, -N or a date "
		    "(%s)", rev, err->msg);
		goto done;
	}
	err = morph_reflog_at(out, repo, ref.ptr, when, shortname.ptr);
done:
	morph_buf_release(&ref);
	morph_buf_release(&shortname);
	morph_buf_release(&spec);
	return err;
}

/* A name without suffixes. */
static const struct morph_error *
resolve_base(struct morph_oid *out, struct morph_repo *repo,
    const char *name, const char *rev)
{
	struct morph_buf ref = MORPH_BUF_INIT;
	const struct morph_error *err;
	const char *at;
	size_t i;

	if (name[0] == '\0')
		return morph_error_fmt(MORPH_ERR_INVALID,
		    "invalid revision '%s'", rev);
	if ((at = strstr(name, "@{")) != NULL)
		return resolve_reflog(out, repo, name, at, rev);
	if (strlen(name) == MORPH_OID_HEXSZ &&
	    morph_oid_fromhex(out, name) == 0) {
		if (morph_object_exists(repo, out))
			return NULL;
		return morph_error_fmt(MORPH_ERR_NOT_FOUND,
		    "object %s not found", name);
	}
	if (strcmp(name, "@") == 0)
		name = MORPH_HEAD;
	for (i = 0; i < NREF_DIRS; i++) {
		morph_buf_clear(&ref);
		morph_buf_printf(&ref, "%s%s", ref_dirs[i], name);
		if ((err = morph_buf_status(&ref)) != NULL)
			break;
		if (!morph_ref_name_valid(ref.ptr))
			continue;
		err = morph_ref_resolve(out, repo, ref.ptr);
		if (err == NULL || err->code != MORPH_ERR_NOT_FOUND ||
		    strcmp(ref.ptr, MORPH_HEAD) == 0)
			break;
	}
	morph_buf_release(&ref);
	if (i < NREF_DIRS)
		return err;
	if (morph_oid_is_hexprefix(name)) {
		err = morph_object_find_prefix(out, repo, name);
		if (err == NULL || err->code != MORPH_ERR_NOT_FOUND)
			return err;
	}
	return unknown(rev);
}

static const struct morph_error *
parent_of(struct morph_oid *id, struct morph_repo *repo, unsigned long n,
    const char *rev)
{
	const struct morph_error *err;
	struct morph_commit *c;

	/* A tag stands for the commit it names. */
	if ((err = morph_tag_peel(id, NULL, repo, id)) != NULL ||
	    (err = morph_commit_read(&c, repo, id)) != NULL)
		return morph_error_wrap(err, "invalid revision '%s'", rev);
	if (n == 0) {
		morph_commit_free(c);
		return NULL;
	}
	if (n > morph_commit_parent_count(c)) {
		err = morph_error_fmt(MORPH_ERR_NOT_FOUND, "revision '%s' does "
		    "not exist: commit %.12s has %s parent", rev,
		    morph_oid_tostr(id), morph_commit_parent_count(c) ?
		    "no such" : "no");
		morph_commit_free(c);
		return err;
	}
	*id = *morph_commit_parent(c, n - 1);
	morph_commit_free(c);
	return NULL;
}

/*
 * The "{}" or "{commit}" after a '^' at *p (before end): peels *id, and
 * with "commit" requires a commit.  *p moves past the '}'.
 */
static const struct morph_error *
peel_suffix(struct morph_oid *id, struct morph_repo *repo, const char **p,
    const char *end, const char *rev)
{
	const struct morph_error *err;
	enum morph_object_type type;
	const char *close;
	size_t n;

	for (close = *p; close < end && *close != '}'; close++)
		;
	n = (size_t)(close - *p - 1);
	if (close == end || (n != 0 && !(n == 6 &&
	    strncmp(*p + 1, "commit", 6) == 0)))
		return morph_error_fmt(MORPH_ERR_INVALID, "invalid revision "
		    "'%s': ^{} and ^{commit} are the suffixes in braces", rev);
	if ((err = morph_tag_peel(id, &type, repo, id)) != NULL)
		return morph_error_wrap(err, "invalid revision '%s'", rev);
	if (n == 6 && type != MORPH_OBJ_COMMIT)
		return morph_error_fmt(MORPH_ERR_NOT_FOUND, "'%s': %s is a %s, "
		    "not a commit", rev, morph_oid_tostr(id),
		    morph_object_type_name(type));
	*p = close + 1;
	return NULL;
}

static const struct morph_error *
index_path(struct morph_oid *out, struct morph_repo *repo, const char *path,
    const char *rev)
{
	struct morph_buf norm = MORPH_BUF_INIT;
	const struct morph_error *err;
	const struct morph_entry *e;
	struct morph_index *idx;

	if ((err = morph_path_normalize(&norm, path)) != NULL)
		goto done;
	if ((err = morph_index_open(&idx, repo)) != NULL)
		goto done;
	if ((e = morph_index_find(idx, norm.ptr)) != NULL)
		*out = e->id;
	else
		err = morph_error_fmt(MORPH_ERR_NOT_FOUND,
		    "path '%s' is not in the index", norm.ptr);
	morph_index_free(idx);
done:
	morph_buf_release(&norm);
	return err ? morph_error_wrap(err, "invalid revision '%s'", rev) : NULL;
}

const struct morph_error *
morph_revparse(struct morph_oid *out, struct morph_repo *repo,
    const char *rev)
{
	const struct morph_error *err;
	struct morph_buf norm = MORPH_BUF_INIT;
	struct morph_commit *c;
	const char *colon, *p;
	char *base;
	size_t blen;
	unsigned long n;
	unsigned int mode = 0;

	if (is_git_rev(rev))
		return at_git_commit(out, repo, rev + 4, rev);
	colon = find_outside(rev, rev + strlen(rev), ":");
	if (*colon == '\0')
		colon = NULL;
	if (colon == rev)
		return index_path(out, repo, rev + 1, rev);
	blen = colon ? (size_t)(colon - rev) : strlen(rev);
	/* The name ends where the first ~ or ^ begins. */
	p = find_outside(rev, rev + blen, "~^");
	if ((base = strndup(rev, (size_t)(p - rev))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	err = resolve_base(out, repo, base, rev);
	free(base);
	if (err != NULL)
		return err;
	while (p < rev + blen) {
		char op = *p++;

		/* X^{} and X^{commit}: the commit a tag names. */
		if (op == '^' && *p == '{') {
			if ((err = peel_suffix(out, repo, &p, rev + blen,
			    rev)) != NULL)
				return err;
			continue;
		}
		if (isdigit((unsigned char)*p)) {
			char *end;

			n = strtoul(p, &end, 10);
			if (end > rev + blen || n > 100000)
				return morph_error_fmt(MORPH_ERR_INVALID,
				    "invalid revision '%s'", rev);
			p = end;
		} else
			n = 1;
		if (op == '^') {
			err = parent_of(out, repo, n, rev);
		} else if (op == '~') {
			unsigned long k;

			for (k = 0, err = NULL; k < n && err == NULL; k++)
				err = parent_of(out, repo, 1, rev);
			if (n == 0)
				err = parent_of(out, repo, 0, rev);
		} else
			err = morph_error_fmt(MORPH_ERR_INVALID,
			    "invalid revision '%s'", rev);
		if (err != NULL)
			return err;
	}
	if (colon == NULL)
		return NULL;

	/* X:path: peel X to its tree and walk to path. */
	if ((err = morph_tag_peel(out, NULL, repo, out)) != NULL ||
	    (err = morph_commit_read(&c, repo, out)) != NULL)
		return morph_error_wrap(err, "invalid revision '%s'", rev);
	*out = *morph_commit_tree(c);
	morph_commit_free(c);
	if ((err = morph_path_normalize(&norm, colon + 1)) == NULL)
		err = morph_tree_lookup(out, &mode, repo, out, norm.ptr);
	if (err != NULL && err->code == MORPH_ERR_NOT_FOUND)
		err = morph_error_fmt(MORPH_ERR_NOT_FOUND, "path '%s' does "
		    "not exist in '%.*s'", norm.ptr ? norm.ptr : colon + 1,
		    (int)blen, rev);
	morph_buf_release(&norm);
	return err;
}

const struct morph_error *
morph_revparse_peeled(struct morph_oid *out, enum morph_object_type *type,
    struct morph_repo *repo, const char *rev)
{
	const struct morph_error *err;

	if ((err = morph_revparse(out, repo, rev)) != NULL)
		return err;
	return morph_tag_peel(out, type, repo, out);
}

const struct morph_error *
morph_revparse_refname(struct morph_buf *out, struct morph_repo *repo,
    const char *rev)
{
	const struct morph_error *err;
	struct morph_oid id;
	size_t i;

	morph_buf_clear(out);
	if ((err = morph_revparse(&id, repo, rev)) != NULL)
		return err;
	/* @{-N}: the branch it names, if it names one. */
	if (strncmp(rev, "@{-", 3) == 0 && strchr(rev, '~') == NULL &&
	    strchr(rev, '^') == NULL && strchr(rev, ':') == NULL) {
		char *end;

		if ((err = morph_reflog_previous(out, repo, strtoul(rev + 3,
		    &end, 10))) != NULL)
			return err;
		if ((rev = strdup(out->ptr)) == NULL)
			return morph_error(MORPH_ERR_NOMEM);
		err = morph_revparse_refname(out, repo, rev);
		free((char *)rev);
		return err;
	}
	if (strcmp(rev, "@") == 0 || strcmp(rev, MORPH_HEAD) == 0) {
		if (morph_head_branch(out, repo) != NULL) {
			morph_buf_clear(out);
			morph_buf_puts(out, MORPH_HEAD);	/* detached */
		}
		return morph_buf_status(out);
	}
	/* As resolve_base looks: the first reference that exists. */
	for (i = 0; i < NREF_DIRS; i++) {
		morph_buf_clear(out);
		morph_buf_printf(out, "%s%s", ref_dirs[i], rev);
		if ((err = morph_buf_status(out)) != NULL)
			return err;
		if (morph_ref_name_valid(out->ptr) &&
		    morph_ref_resolve(&id, repo, out->ptr) == NULL)
			return NULL;
	}
	morph_buf_clear(out);	/* an id, X~N, X:PATH: no reference */
	return NULL;
}

const struct morph_error *
morph_revparse_type(struct morph_oid *out, struct morph_repo *repo,
    const char *rev, enum morph_object_type want)
{
	const struct morph_error *err;
	enum morph_object_type type;

	if ((err = morph_revparse(out, repo, rev)) != NULL)
		return err;
	if (want == MORPH_OBJ_ANY)
		return NULL;
	if ((err = morph_object_info(&type, NULL, repo, out)) != NULL)
		return err;
	/* A tag stands for its commit wherever a tag is not wanted. */
	if (type == MORPH_OBJ_TAG && want != MORPH_OBJ_TAG &&
	    (err = morph_tag_peel(out, &type, repo, out)) != NULL)
		return err;
	if (type != want)
		return morph_error_fmt(MORPH_ERR_NOT_FOUND, "'%s' is a %s, "
		    "not a %s", rev, morph_object_type_name(type),
		    morph_object_type_name(want));
	return NULL;
}

/*
 * git:HEX, the morph commit made at git commit HEX (a full or abbreviated
 * id of the enclosing git repository's HEAD, which commits record): the
 * newest by author time when several were, so that CI can name the
 * snapshot of a git merge-base.
 */
static const struct morph_error *
at_git_commit(struct morph_oid *out, struct morph_repo *repo, const char *hex,
    const char *rev)
{
	static const char sql[] = "SELECT id FROM objects WHERE type = ?";
	const struct morph_error *err = NULL;
	struct morph_commit *c;
	struct morph_oid id;
	sqlite3_stmt *st = NULL;
	const char *head;
	char match[64] = "";
	int64_t best = 0;
	size_t n = strlen(hex);
	int rc, found = 0;

	rc = sqlite3_prepare_v2(repo->store.db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return morph_store_error(&repo->store, rc,
		    "cannot read the commits");
	sqlite3_bind_int(st, 1, MORPH_OBJ_COMMIT);
	while (err == NULL && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_bytes(st, 0) != MORPH_OID_RAWSZ)
			continue;
		memcpy(id.id, sqlite3_column_blob(st, 0), MORPH_OID_RAWSZ);
		if ((err = morph_commit_read(&c, repo, &id)) != NULL)
			break;
		head = morph_commit_git_head(c);
		if (head != NULL && strncmp(head, hex, n) == 0) {
			if (found && strcmp(match, head) != 0)
				err = morph_error_fmt(MORPH_ERR_AMBIGUOUS,
				    "'%s' names several git commits (%s, %s)",
				    rev, match, head);
			else if (!found ||
			    morph_commit_author(c)->time > best) {
				*out = id;
				best = morph_commit_author(c)->time;
				snprintf(match, sizeof(match), "%s", head);
			}
			found = 1;
		}
		morph_commit_free(c);
	}
	sqlite3_finalize(st);
	if (err == NULL && rc != SQLITE_DONE && rc != SQLITE_ROW)
		err = morph_store_error(&repo->store, rc,
		    "cannot read the commits");
	if (err == NULL && !found)
		err = morph_error_fmt(MORPH_ERR_NOT_FOUND, "no commit was made "
		    "at git commit %s ('%s'): morph commits record git's HEAD "
		    "when they are made in a git work tree", hex, rev);
	return err;
}

/* Whether rev is git:HEX, with 4 to 40 lowercase hex digits. */
static int
is_git_rev(const char *rev)
{
	size_t n, i;

	if (strncmp(rev, "git:", 4) != 0)
		return 0;
	n = strlen(rev + 4);
	if (n < 4 || n > 40)
		return 0;
	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)rev[4 + i]) ||
		    isupper((unsigned char)rev[4 + i]))
			return 0;
	return 1;
}
