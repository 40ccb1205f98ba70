/*
 * Revisions: names, ids, prefixes, ancestry suffixes and paths.
 */
#include "test.h"
#include "morph/morph.h"

static struct morph_oid c[3];

static struct morph_repo *
history(void)
{
	struct morph_repo *repo = test_repo();
	int i;
	char text[16];

	for (i = 0; i < 3; i++) {
		snprintf(text, sizeof(text), "v%d\n", i);
		test_write_file(test_repo_dir(), "dir/p.txt", text);
		test_commit_all(repo, text, &c[i]);
	}
	T_OK(morph_ref_update(repo, "refs/tags/v0", &c[0], NULL));
	T_OK(morph_ref_update(repo, "refs/heads/old", &c[1], NULL));
	return repo;
}

static void
expect_rev(struct morph_repo *repo, const char *rev,
    const struct morph_oid *want)
{
	struct morph_oid got;
	const struct morph_error *err = morph_revparse(&got, repo, rev);

	if (err != NULL)
		T_FAIL("%s: %s", rev, err->msg);
	else if (morph_oid_cmp(&got, want) != 0)
		T_FAIL("%s is %s, expected %s", rev, morph_oid_tostr(&got),
		    morph_oid_tostr(want));
}

static void
test_names_and_ancestry(void)
{
	struct morph_repo *repo = history();
	char hex[MORPH_OID_HEXSZ + 1];

	expect_rev(repo, "HEAD", &c[2]);
	expect_rev(repo, "@", &c[2]);
	expect_rev(repo, "main", &c[2]);
	expect_rev(repo, "refs/heads/main", &c[2]);
	expect_rev(repo, "old", &c[1]);
	expect_rev(repo, "v0", &c[0]);
	expect_rev(repo, "HEAD^", &c[1]);
	expect_rev(repo, "HEAD^1", &c[1]);
	expect_rev(repo, "HEAD^0", &c[2]);
	expect_rev(repo, "HEAD~0", &c[2]);
	expect_rev(repo, "HEAD~2", &c[0]);
	expect_rev(repo, "HEAD^^", &c[0]);
	expect_rev(repo, "HEAD~1^", &c[0]);
	expect_rev(repo, "old~1", &c[0]);
	morph_oid_fmt(hex, &c[1]);
	expect_rev(repo, hex, &c[1]);
	hex[8] = '\0';
	expect_rev(repo, hex, &c[1]);
	morph_repo_close(repo);
}

static void
test_paths(void)
{
	struct morph_repo *repo = history();
	struct morph_oid got, want;
	struct morph_object *o;

	morph_hash_object(&want, "blob", "v1\n", 3);
	expect_rev(repo, "HEAD~1:dir/p.txt", &want);
	expect_rev(repo, "HEAD^:./dir//p.txt", &want);
	T_OK(morph_revparse_type(&got, repo, "HEAD:dir", MORPH_OBJ_TREE));
	T_OK(morph_revparse_type(&got, repo, "HEAD:", MORPH_OBJ_TREE));
	morph_hash_object(&want, "blob", "v2\n", 3);
	expect_rev(repo, ":dir/p.txt", &want);
	T_OK(morph_revparse(&got, repo, "v0:dir/p.txt"));
	T_OK(morph_object_read(&o, repo, &got, MORPH_OBJ_BLOB));
	if (o != NULL) {
		T_STREQ(morph_object_data(o), "v0\n");
		morph_object_free(o);
	}
	morph_repo_close(repo);
}

static void
test_errors(void)
{
	struct morph_repo *repo = history();
	const struct morph_error *err;
	struct morph_oid got;

	err = morph_revparse(&got, repo, "nosuch");
	T_ERR(err, MORPH_ERR_NOT_FOUND);
	if (err != NULL)
		T_CONTAINS(err->msg, "unknown revision 'nosuch'");
	err = morph_revparse(&got, repo, "HEAD~3");
	T_ERR(err, MORPH_ERR_NOT_FOUND);
	if (err != NULL)
		T_CONTAINS(err->msg, "HEAD~3");
	T_ERR(morph_revparse(&got, repo, "HEAD:missing.txt"),
	    MORPH_ERR_NOT_FOUND);
	T_ERR(morph_revparse(&got, repo, "HEAD:../x"), MORPH_ERR_PATH);
	T_ERR(morph_revparse(&got, repo, ":nope"), MORPH_ERR_NOT_FOUND);
	T_ERR(morph_revparse(&got, repo, "HEAD~x"), MORPH_ERR_INVALID);
	T_ERR(morph_revparse(&got, repo, "~1"), MORPH_ERR_INVALID);
	T_ERR(morph_revparse(&got, repo, "00000000000000000000000000000000"),
	    MORPH_ERR_NOT_FOUND);
	T_ERR(morph_revparse_type(&got, repo, "HEAD:dir/p.txt",
	    MORPH_OBJ_COMMIT), MORPH_ERR_NOT_FOUND);
	/* Suffixes need a commit. */
	T_ASSERT(morph_revparse(&got, repo, "HEAD:dir~1") != NULL);
	morph_repo_close(repo);
}

static const struct test tests[] = {
	TEST(test_names_and_ancestry),
	TEST(test_paths),
	TEST(test_errors),
};

TEST_MAIN(tests)
