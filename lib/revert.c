/*
 * morph revert (see revert.h): the merge of HEAD with a commit's parent
 * from the commit, through lib/merge.c.
 */
#include <string.h>

#include "morph/commit.h"
#include "morph/revert.h"
#include "morph/tree.h"
#include "merge_int.h"
#include "repo_int.h"

/* The first line of a message. */
static size_t
subject_len(const char *msg)
{
	const char *nl = strchr(msg, '\n');

	return nl != NULL ? (size_t)(nl - msg) : strlen(msg);
}

/* Which parent is kept: *parent, or none for a root commit. */
static const struct morph_error *
pick_parent(const struct morph_oid **parent, const struct morph_commit *c,
    int mainline)
{
	size_t n = morph_commit_parent_count(c);
	const char *id = morph_oid_tostr(morph_commit_id(c));

	*parent = NULL;
	if (n > 1 && mainline == 0)
		return morph_error_fmt(MORPH_ERR_INVALID, "cannot revert "
		    "commit %.12s: it is a merge; name the parent whose side "
		    "to keep with -m (1 to %zu)", id, n);
	if (n <= 1 && mainline != 0)
		return morph_error_fmt(MORPH_ERR_INVALID, "cannot revert "
		    "commit %.12s with -m %d: it is not a merge", id,
		    mainline);
	if (mainline < 0 || (size_t)mainline > n)
		return morph_error_fmt(MORPH_ERR_INVALID, "cannot revert "
		    "commit %.12s with -m %d: it has %zu parents", id,
		    mainline, n);
	if (n > 0)
		*parent = morph_commit_parent(c, mainline > 0 ?
		    (size_t)mainline - 1 : 0);
	return NULL;
}

/* The tree of commit id, or the empty tree for none. */
static const struct morph_error *
parent_tree(struct morph_oid *out, struct morph_repo *repo,
    const struct morph_oid *id)
{
	const struct morph_error *err;
	struct morph_commit *c;

	if (id == NULL) {
		if ((err = morph_repo_begin(repo)) != NULL)
			return err;
		if ((err = morph_tree_write(out, repo, NULL, 0)) != NULL) {
			morph_repo_rollback(repo);
			return err;
		}
		return morph_repo_commit(repo);
	}
	if ((err = morph_commit_read(&c, repo, id)) != NULL)
		return err;
	*out = *morph_commit_tree(c);
	morph_commit_free(c);
	return NULL;
}

const struct morph_error *
morph_revert_new(struct morph_merge **out, struct morph_buf *message,
    struct morph_repo *repo, const struct morph_oid *rev, int mainline)
{
	struct morph_buf label = MORPH_BUF_INIT;
	const struct morph_error *err;
	const struct morph_oid *parent;
	struct morph_oid ptree;
	struct morph_commit *c;
	const char *msg;
	size_t slen;

	*out = NULL;
	if ((err = morph_commit_read(&c, repo, rev)) != NULL)
		return err;
	if ((err = pick_parent(&parent, c, mainline)) != NULL ||
	    (err = parent_tree(&ptree, repo, parent)) != NULL)
		goto done;
	msg = morph_commit_message(c);
	slen = subject_len(msg);
	morph_buf_printf(message, "Revert \"%.*s\"\n\nThis reverts commit "
	    "%s", (int)slen, msg, morph_oid_tostr(rev));
	if (mainline > 0)
		morph_buf_printf(message, ", reversing\nchanges made to %s",
		    morph_oid_tostr(parent));
	morph_buf_puts(message, ".\n");
	/* git's label for the side of the parent, in conflict markers. */
	morph_buf_printf(&label, "parent of %.12s (%.*s)",
	    morph_oid_tostr(rev), (int)slen, msg);
	if ((err = morph_buf_status(message)) != NULL ||
	    (err = morph_buf_status(&label)) != NULL)
		goto done;
	err = morph_merge_new_from(out, repo, MORPH_MERGE_OP_REVERT, rev,
	    morph_commit_tree(c), parent != NULL ? parent : rev, &ptree,
	    label.ptr);
done:
	morph_buf_release(&label);
	morph_commit_free(c);
	return err;
}
