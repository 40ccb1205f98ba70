/*
 * Trees: writing from sorted file lists, canonical parsing, flattening,
 * lookup and list comparison.
 */
#include "test.h"
#include "morph/morph.h"

static struct morph_oid
blob(struct morph_repo *repo, const char *text)
{
	struct morph_oid id;

	T_OK(morph_object_write(&id, repo, MORPH_OBJ_BLOB, text, strlen(text)));
	return id;
}

static void
add(struct morph_entrylist *l, const char *path, struct morph_oid id,
    unsigned int mode)
{
	T_OK(morph_entrylist_add(l, path, &id, mode));
}

static void
test_write_and_flatten(void)
{
	struct morph_repo *repo = test_repo();
	struct morph_entrylist in, out, sub;
	struct morph_oid a = blob(repo, "a"), b = blob(repo, "b"), root;
	struct morph_object *o;
	size_t i;

	morph_entrylist_init(&in);
	morph_entrylist_init(&out);
	morph_entrylist_init(&sub);
	/* "a-c" sorts between "a" and "a/..." bytewise. */
	add(&in, "z.txt", a, MORPH_MODE_FILE);
	add(&in, "a/b/c.txt", b, MORPH_MODE_FILE);
	add(&in, "a-c", a, MORPH_MODE_EXEC);
	add(&in, "a/x y \xc3\xa9.txt", a, MORPH_MODE_FILE);
	add(&in, "a/b/d.txt", a, MORPH_MODE_FILE);
	morph_entrylist_sort(&in);
	T_OK(morph_tree_write(&root, repo, in.v, in.n));
	T_OK(morph_tree_flatten(&out, repo, &root, NULL));
	T_INTEQ(out.n, in.n);
	for (i = 0; i < out.n && i < in.n; i++) {
		T_STREQ(out.v[i].path, in.v[i].path);
		T_ASSERT(morph_oid_cmp(&out.v[i].id, &in.v[i].id) == 0);
		T_INTEQ(out.v[i].mode, in.v[i].mode);
	}
	/* The root tree's own payload is canonical and sorted by name. */
	T_OK(morph_object_read(&o, repo, &root, MORPH_OBJ_TREE));
	if (o != NULL) {
		T_CONTAINS(morph_object_data(o), "\"name\":\"a\",\"type\":"
		    "\"tree\"},{\"id\":");
		T_ASSERT(strstr(morph_object_data(o), "\"a\"") <
		    strstr(morph_object_data(o), "\"a-c\""));
		T_CONTAINS(morph_object_data(o), "\"mode\":\"100755\"");
		morph_object_free(o);
	}
	T_OK(morph_tree_flatten(&sub, repo, &root, "a/b"));
	T_INTEQ(sub.n, 2);
	if (sub.n == 2) {
		T_STREQ(sub.v[0].path, "a/b/c.txt");
		T_STREQ(sub.v[1].path, "a/b/d.txt");
	}
	T_ASSERT(morph_entrylist_find(&out, "a-c") != NULL);
	T_ASSERT(morph_entrylist_find(&out, "a") == NULL);
	morph_entrylist_release(&in);
	morph_entrylist_release(&out);
	morph_entrylist_release(&sub);
	morph_repo_close(repo);
}

static void
test_same_content_same_id(void)
{
	struct morph_repo *repo = test_repo();
	struct morph_entrylist l;
	struct morph_oid a = blob(repo, "a"), t1, t2, empty1, empty2;

	morph_entrylist_init(&l);
	add(&l, "d/f", a, MORPH_MODE_FILE);
	T_OK(morph_tree_write(&t1, repo, l.v, l.n));
	T_OK(morph_tree_write(&t2, repo, l.v, l.n));
	T_ASSERT(morph_oid_cmp(&t1, &t2) == 0);
	T_OK(morph_tree_write(&empty1, repo, NULL, 0));
	T_OK(morph_tree_write(&empty2, repo, NULL, 0));
	T_ASSERT(morph_oid_cmp(&empty1, &empty2) == 0);
	T_ASSERT(morph_oid_cmp(&empty1, &t1) != 0);
	morph_entrylist_release(&l);
	morph_repo_close(repo);
}

static void
test_file_and_directory_conflict(void)
{
	struct morph_repo *repo = test_repo();
	struct morph_entrylist l;
	struct morph_oid a = blob(repo, "a"), root;

	morph_entrylist_init(&l);
	add(&l, "p", a, MORPH_MODE_FILE);
	add(&l, "p/q", a, MORPH_MODE_FILE);
	morph_entrylist_sort(&l);
	T_ERR(morph_tree_write(&root, repo, l.v, l.n), MORPH_ERR_INVALID);
	morph_entrylist_release(&l);
	morph_repo_close(repo);
}

static void
test_parse_rejects(void)
{
	static const char id[] = "f2c1ca92a323ca0a676704d0c3dad006";
	static const struct {
		const char	*payload;
		int		 ok;
	} cases[] = {
		{ "[]", 1 },
		{ "[{\"id\":\"ID\",\"mode\":\"100644\",\"name\":\"a\","
		  "\"type\":\"blob\"}]", 1 },
		{ "{}", 0 },
		{ "[{\"id\":\"ID\",\"mode\":\"100644\",\"name\":\"a\"}]", 0 },
		{ "[{\"id\":\"ID\",\"mode\":\"100600\",\"name\":\"a\","
		  "\"type\":\"blob\"}]", 0 },
		{ "[{\"id\":\"ID\",\"mode\":\"040000\",\"name\":\"a\","
		  "\"type\":\"blob\"}]", 0 },
		{ "[{\"id\":\"ID\",\"mode\":\"100644\",\"name\":\"..\","
		  "\"type\":\"blob\"}]", 0 },
		{ "[{\"id\":\"ID\",\"mode\":\"100644\",\"name\":\".morph\","
		  "\"type\":\"blob\"}]", 0 },
		{ "[{\"id\":\"ID\",\"mode\":\"100644\",\"name\":\"a/b\","
		  "\"type\":\"blob\"}]", 0 },
		{ "[{\"id\":\"xyz\",\"mode\":\"100644\",\"name\":\"a\","
		  "\"type\":\"blob\"}]", 0 },
		{ "[{\"id\":\"ID\",\"mode\":\"100644\",\"name\":\"b\","
		  "\"type\":\"blob\"},{\"id\":\"ID\",\"mode\":\"100644\","
		  "\"name\":\"a\",\"type\":\"blob\"}]", 0 },
		{ "[{\"id\":\"ID\",\"mode\":\"100644\",\"name\":\"a\","
		  "\"type\":\"blob\"},{\"id\":\"ID\",\"mode\":\"100644\","
		  "\"name\":\"a\",\"type\":\"blob\"}]", 0 },
		{ "[{\"id\":\"ID\",\"mode\":\"100644\",\"name\":\"a\","
		  "\"type\":\"blob\",\"extra\":1}]", 0 },
		{ "not json", 0 },
	};
	struct morph_tree *t;
	char buf[512], *p;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(buf, sizeof(buf), "%s", cases[i].payload);
		while ((p = strstr(buf, "\"ID\"")) != NULL) {
			memmove(p + 34, p + 4, strlen(p + 4) + 1);
			p[0] = '"';
			memcpy(p + 1, id, 32);
			p[33] = '"';
		}
		if (cases[i].ok) {
			T_OK(morph_tree_parse(&t, buf, strlen(buf)));
			morph_tree_free(t);
		} else
			T_ERR(morph_tree_parse(&t, buf, strlen(buf)),
			    MORPH_ERR_CORRUPT);
	}
}

static void
test_lookup(void)
{
	struct morph_repo *repo = test_repo();
	struct morph_entrylist l;
	struct morph_oid a = blob(repo, "a"), root, out;
	unsigned int mode;

	morph_entrylist_init(&l);
	add(&l, "dir/sub/f.txt", a, MORPH_MODE_FILE);
	T_OK(morph_tree_write(&root, repo, l.v, l.n));
	T_OK(morph_tree_lookup(&out, &mode, repo, &root, "dir/sub/f.txt"));
	T_ASSERT(morph_oid_cmp(&out, &a) == 0);
	T_INTEQ(mode, MORPH_MODE_FILE);
	T_OK(morph_tree_lookup(&out, &mode, repo, &root, "dir/sub"));
	T_INTEQ(mode, MORPH_MODE_TREE);
	T_OK(morph_tree_lookup(&out, &mode, repo, &root, ""));
	T_ASSERT(morph_oid_cmp(&out, &root) == 0);
	T_ERR(morph_tree_lookup(&out, &mode, repo, &root, "dir/nope"),
	    MORPH_ERR_NOT_FOUND);
	T_ERR(morph_tree_lookup(&out, &mode, repo, &root,
	    "dir/sub/f.txt/deeper"), MORPH_ERR_NOT_FOUND);
	morph_entrylist_release(&l);
	morph_repo_close(repo);
}

struct seen {
	char	log[256];
};

static const struct morph_error *
record(const struct morph_entry *old, const struct morph_entry *new,
    void *arg)
{
	struct seen *s = arg;
	size_t n = strlen(s->log);

	snprintf(s->log + n, sizeof(s->log) - n, "%c%s ",
	    old == NULL ? '+' : new == NULL ? '-' : '~',
	    old ? old->path : new->path);
	return NULL;
}

static void
test_entrylist_diff(void)
{
	struct morph_entrylist a, b;
	struct morph_oid x, y;
	struct seen s = { "" };

	morph_hash_object(&x, "blob", "x", 1);
	morph_hash_object(&y, "blob", "y", 1);
	morph_entrylist_init(&a);
	morph_entrylist_init(&b);
	add(&a, "gone", x, MORPH_MODE_FILE);
	add(&a, "mode", x, MORPH_MODE_FILE);
	add(&a, "same", x, MORPH_MODE_FILE);
	add(&a, "text", x, MORPH_MODE_FILE);
	add(&b, "mode", x, MORPH_MODE_EXEC);
	add(&b, "new", y, MORPH_MODE_FILE);
	add(&b, "same", x, MORPH_MODE_FILE);
	add(&b, "text", y, MORPH_MODE_FILE);
	T_OK(morph_entrylist_diff(&a, &b, record, &s));
	T_STREQ(s.log, "-gone ~mode +new ~text ");
	morph_entrylist_release(&a);
	morph_entrylist_release(&b);
}

static const struct test tests[] = {
	TEST(test_write_and_flatten),
	TEST(test_same_content_same_id),
	TEST(test_file_and_directory_conflict),
	TEST(test_parse_rejects),
	TEST(test_lookup),
	TEST(test_entrylist_diff),
};

TEST_MAIN(tests)
