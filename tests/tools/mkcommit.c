/*
 * morph-mkcommit: writes a commit with any parents, a merge included, for
 * tests of history that morph's commands do not make yet.
 *
 *	morph-mkcommit REF TREE-REV MESSAGE PARENT-REV ...
 *
 * run in a work tree, writes a commit whose snapshot is TREE-REV's, with
 * the given parents in order and the author morph commit would record,
 * points REF (a full reference name) at it, and prints its id.  MESSAGE
 * may hold letters, digits, spaces and ".,:-_'" only: the commit is
 * written as canonical JSON by hand.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "morph/morph.h"

static int
die(const char *what, const struct morph_error *err)
{
	fprintf(stderr, "morph-mkcommit: %s: %s\n", what,
	    err != NULL ? err->msg : "invalid");
	return 2;
}

int
main(int argc, char *argv[])
{
	struct morph_buf payload = MORPH_BUF_INIT, name = MORPH_BUF_INIT;
	struct morph_buf email = MORPH_BUF_INIT;
	const struct morph_error *err;
	struct morph_signature sig;
	struct morph_commit *c;
	struct morph_repo *repo;
	struct morph_oid id, tree;
	char tz[8];
	int i;

	if (argc < 5) {
		fprintf(stderr, "usage: morph-mkcommit REF TREE-REV MESSAGE "
		    "PARENT-REV ...\n");
		return 2;
	}
	if (strspn(argv[3], "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV"
	    "WXYZ0123456789 .,:-_'") != strlen(argv[3]))
		return die("MESSAGE", NULL);
	if ((err = morph_repo_open(&repo, NULL)) != NULL)
		return die("cannot open the repository", err);
	if ((err = morph_revparse_type(&id, repo, argv[2],
	    MORPH_OBJ_COMMIT)) != NULL ||
	    (err = morph_commit_read(&c, repo, &id)) != NULL)
		return die(argv[2], err);
	tree = *morph_commit_tree(c);
	morph_commit_free(c);
	if ((err = morph_signature_default(&sig, &name, &email, repo)) != NULL)
		return die("author", err);
	morph_tz_fmt(tz, sig.tz);
	morph_buf_printf(&payload, "{\"author\":{\"email\":\"%s\",\"name\":"
	    "\"%s\",\"time\":%lld,\"tz\":\"%s\"},\"message\":\"%s\","
	    "\"parents\":[", sig.email, sig.name, (long long)sig.time, tz,
	    argv[3]);
	for (i = 4; i < argc; i++) {
		if ((err = morph_revparse_type(&id, repo, argv[i],
		    MORPH_OBJ_COMMIT)) != NULL)
			return die(argv[i], err);
		morph_buf_printf(&payload, "%s\"%s\"", i > 4 ? "," : "",
		    morph_oid_tostr(&id));
	}
	morph_buf_printf(&payload, "],\"tree\":\"%s\"}",
	    morph_oid_tostr(&tree));
	if ((err = morph_buf_status(&payload)) != NULL ||
	    (err = morph_object_write(&id, repo, MORPH_OBJ_COMMIT,
	    payload.ptr, payload.len)) != NULL ||
	    (err = morph_ref_update(repo, argv[1], &id, NULL)) != NULL)
		return die("cannot write the commit", err);
	printf("%s\n", morph_oid_tostr(&id));
	morph_buf_release(&payload);
	morph_buf_release(&name);
	morph_buf_release(&email);
	morph_repo_close(repo);
	return 0;
}
