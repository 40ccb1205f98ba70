/*
 * Annotated tags: made, read back field by field, refused when malformed,
 * and peeled to their commit.
 */
#include <stdlib.h>

#include "test.h"
#include "morph/morph.h"

static const char good[] = "{\"message\":\"Release one\\n\","
    "\"object\":\"00112233445566778899aabbccddeeff\",\"tag\":\"v1\","
    "\"tagger\":{\"email\":\"ada@example.com\",\"name\":\"Ada\","
    "\"time\":1700000000,\"tz\":\"-0130\"},\"type\":\"commit\"}";

static void
test_parse(void)
{
	struct morph_tag *t;
	struct morph_oid id;

	morph_hash_object(&id, "tag", good, strlen(good));
	T_OK(morph_tag_parse(&t, &id, good, strlen(good)));
	if (t == NULL)
		return;
	T_ASSERT(morph_oid_cmp(morph_tag_id(t), &id) == 0);
	T_STREQ(morph_oid_tostr(morph_tag_target(t)),
	    "00112233445566778899aabbccddeeff");
	T_INTEQ(morph_tag_target_type(t), MORPH_OBJ_COMMIT);
	T_STREQ(morph_tag_name(t), "v1");
	T_STREQ(morph_tag_message(t), "Release one\n");
	T_STREQ(morph_tag_tagger(t)->name, "Ada");
	T_STREQ(morph_tag_tagger(t)->email, "ada@example.com");
	T_INTEQ(morph_tag_tagger(t)->time, 1700000000);
	T_INTEQ(morph_tag_tagger(t)->tz, -90);
	morph_tag_free(t);
	morph_tag_free(NULL);
}

static void
bad(const char *payload, const char *why)
{
	const struct morph_error *err;
	struct morph_tag *t = NULL;

	err = morph_tag_parse(&t, NULL, payload, strlen(payload));
	T_ERR(err, MORPH_ERR_CORRUPT);
	if (err != NULL)
		T_CONTAINS(err->msg, why);
	T_ASSERT(t == NULL);
}

static void
test_parse_refused(void)
{
	bad("not json", "tag (new): ");
	bad("[]", "missing or bad object");
	bad("{\"object\":\"0011\"}", "missing or bad object");
	bad("{\"object\":\"00112233445566778899aabbccddeeff\"}",
	    "missing type, or a type other than commit");
	bad("{\"object\":\"00112233445566778899aabbccddeeff\","
	    "\"type\":\"blob\"}", "a type other than commit");
	bad("{\"object\":\"00112233445566778899aabbccddeeff\","
	    "\"type\":\"commit\",\"tag\":\"\"}", "missing tag name");
	bad("{\"object\":\"00112233445566778899aabbccddeeff\","
	    "\"type\":\"commit\",\"tag\":\"v1\"}", "missing message");
	bad("{\"message\":\"m\","
	    "\"object\":\"00112233445566778899aabbccddeeff\","
	    "\"tag\":\"v1\",\"type\":\"commit\"}", "missing or bad tagger");
	bad("{\"message\":\"m\","
	    "\"object\":\"00112233445566778899aabbccddeeff\","
	    "\"tag\":\"v1\",\"tagger\":{\"email\":\"e\",\"name\":\"n\","
	    "\"time\":1,\"tz\":\"UTC\"},\"type\":\"commit\"}",
	    "missing or bad tagger");
}

static void
test_create_and_peel(void)
{
	struct morph_repo *repo = test_repo();
	struct morph_object *o;
	enum morph_object_type type;
	struct morph_tag *t;
	struct morph_oid c, tag, tag2, blob, out, ghost;
	const struct morph_error *err;

	test_write_file(test_repo_dir(), "a.txt", "a\n");
	test_commit_all(repo, "one\n", &c);
	setenv("MORPH_AUTHOR_DATE", "1700000000 +0200", 1);
	T_OK(morph_tag_create(&tag, repo, "v1", &c, "Release one\n"));
	unsetenv("MORPH_AUTHOR_DATE");
	T_OK(morph_object_read(&o, repo, &tag, MORPH_OBJ_TAG));
	if (o != NULL) {
		/* Canonical JSON, keys in order, the tagger as an author. */
		T_CONTAINS(morph_object_data(o),
		    "{\"message\":\"Release one\\n\",\"object\":\"");
		T_CONTAINS(morph_object_data(o), "\"tag\":\"v1\",\"tagger\":{");
		T_CONTAINS(morph_object_data(o), "\"time\":1700000000,"
		    "\"tz\":\"+0200\"},\"type\":\"commit\"}");
		morph_object_free(o);
	}
	T_OK(morph_tag_read(&t, repo, &tag));
	if (t != NULL) {
		T_ASSERT(morph_oid_cmp(morph_tag_target(t), &c) == 0);
		T_STREQ(morph_tag_name(t), "v1");
		morph_tag_free(t);
	}
	T_ERR(morph_tag_read(&t, repo, &c), MORPH_ERR_NOT_FOUND);

	/* Peeling: a tag gives its commit; anything else is itself. */
	T_OK(morph_tag_peel(&out, &type, repo, &tag));
	T_ASSERT(morph_oid_cmp(&out, &c) == 0);
	T_INTEQ(type, MORPH_OBJ_COMMIT);
	T_OK(morph_tag_peel(&out, &type, repo, &c));
	T_ASSERT(morph_oid_cmp(&out, &c) == 0);
	T_OK(morph_object_write(&blob, repo, MORPH_OBJ_BLOB, "x", 1));
	T_OK(morph_tag_peel(&out, &type, repo, &blob));
	T_INTEQ(type, MORPH_OBJ_BLOB);
	morph_hash_object(&ghost, "commit", "ghost", 5);
	T_ERR(morph_tag_peel(&out, &type, repo, &ghost), MORPH_ERR_NOT_FOUND);

	/* Refused: bad names, empty messages, what is not a commit. */
	err = morph_tag_create(&tag2, repo, "bad..name", &c, "m\n");
	T_ERR(err, MORPH_ERR_INVALID);
	T_ERR(morph_tag_create(&tag2, repo, "-x", &c, "m\n"),
	    MORPH_ERR_INVALID);
	T_ERR(morph_tag_create(&tag2, repo, "v2", &c, ""), MORPH_ERR_INVALID);
	T_ERR(morph_tag_create(&tag2, repo, "v2", &c, "\xff\n"),
	    MORPH_ERR_INVALID);
	T_ERR(morph_tag_create(&tag2, repo, "v2", &blob, "m\n"),
	    MORPH_ERR_NOT_FOUND);
	T_ERR(morph_tag_create(&tag2, repo, "v2", &tag, "m\n"),
	    MORPH_ERR_NOT_FOUND);
	T_ERR(morph_tag_create(&tag2, repo, "v2", &ghost, "m\n"),
	    MORPH_ERR_NOT_FOUND);
	morph_repo_close(repo);
}

static const struct test tests[] = {
	TEST(test_parse),
	TEST(test_parse_refused),
	TEST(test_create_and_peel),
};

TEST_MAIN(tests)
