/*
 * Merges: merge bases and ancestry over hand-made histories, keyed lists,
 * morph.json merged by field, case files by case, one file through
 * libgit2, a merge of three snapshots with each kind of conflict, reverts
 * (a merge from the reverted commit) and the record's op.
 */
#include "test.h"
#include "morph/morph.h"
#include "mergefile_int.h"
#include "mergestate_int.h"
#include "repo_int.h"

static void
expect_base(struct morph_repo *repo, const struct morph_oid *a,
    const struct morph_oid *b, const struct morph_oid *want)
{
	struct morph_oid got;
	int found;

	T_OK(morph_merge_base(&got, &found, repo, a, b));
	T_INTEQ(found, want != NULL);
	if (found && want != NULL)
		T_STREQ(morph_oid_tostr(&got), morph_oid_tostr(want));
}

static void
test_base(void)
{
	struct morph_repo *repo = test_repo();
	struct morph_oid tree, a, b, c, d, e, x, y, m1, m2;
	int yes;

	T_OK(morph_tree_write(&tree, repo, NULL, 0));
	/*  a - b - d - e
	 *   \     /
	 *    c ---          x (unrelated) */
	a = test_commit_raw(repo, &tree, NULL, NULL, 100, "a");
	b = test_commit_raw(repo, &tree, &a, NULL, 200, "b");
	c = test_commit_raw(repo, &tree, &a, NULL, 300, "c");
	d = test_commit_raw(repo, &tree, &b, &c, 400, "d");
	e = test_commit_raw(repo, &tree, &d, NULL, 500, "e");
	x = test_commit_raw(repo, &tree, NULL, NULL, 600, "x");
	expect_base(repo, &b, &c, &a);
	expect_base(repo, &e, &c, &c);
	expect_base(repo, &c, &e, &c);
	expect_base(repo, &e, &e, &e);
	expect_base(repo, &e, &x, NULL);
	T_OK(morph_merge_is_ancestor(&yes, repo, &a, &e));
	T_INTEQ(yes, 1);
	T_OK(morph_merge_is_ancestor(&yes, repo, &e, &a));
	T_INTEQ(yes, 0);
	T_OK(morph_merge_is_ancestor(&yes, repo, &c, &b));
	T_INTEQ(yes, 0);
	T_OK(morph_merge_is_ancestor(&yes, repo, &e, &e));
	T_INTEQ(yes, 1);
	/* Criss-cross: b and c both best; the newer, c, is taken. */
	m1 = test_commit_raw(repo, &tree, &b, &c, 700, "m1");
	m2 = test_commit_raw(repo, &tree, &c, &b, 800, "m2");
	y = test_commit_raw(repo, &tree, &m1, NULL, 900, "y");
	expect_base(repo, &y, &m2, &c);
	morph_repo_close(repo);
}

static const char *const keys_o[] = { "a", "c", "d" };
static const char *const keys_t[] = { "e", "a", "b" };
static const char *const keys_b[] = { "a", "b", "z" };

static void
keyed(struct morph_keyed *out, const char *const *keys, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		out[i].key = keys[i];
		out[i].item = keys[i];
	}
}

static int
eq_str(const void *a, const void *b)
{
	return strcmp(a, b) == 0;
}

static void
test_keyed(void)
{
	struct morph_keyed o[3], t[3], b[3], dup[2];
	struct morph_aligned *al;
	char got[64] = "";
	size_t n, i;

	keyed(o, keys_o, 3);
	keyed(t, keys_t, 3);
	keyed(b, keys_b, 3);
	T_OK(morph_keyed_align(&al, &n, b, 3, o, 3, t, 3));
	/* Ours in order, then theirs' own, then the base's own. */
	for (i = 0; i < n; i++)
		snprintf(got + strlen(got), sizeof(got) - strlen(got),
		    "%s%c%c%c ", al[i].key, al[i].item[0] ? 'B' : '-',
		    al[i].item[1] ? 'O' : '-', al[i].item[2] ? 'T' : '-');
	T_STREQ(got, "aBOT c-O- d-O- e--T bB-T zB-- ");
	free(al);
	dup[0].key = dup[1].key = "k";
	dup[0].item = dup[1].item = "k";
	T_ERR(morph_keyed_align(&al, &n, NULL, 0, dup, 2, NULL, 0),
	    MORPH_ERR_INVALID);
	/* The rule: one side changed it, or both the same way. */
	T_INTEQ(morph_keyed_pick("x", "x", "y", eq_str), 2);
	T_INTEQ(morph_keyed_pick("x", "y", "x", eq_str), 1);
	T_INTEQ(morph_keyed_pick("x", "y", "y", eq_str), 1);
	T_INTEQ(morph_keyed_pick("x", "y", "z", eq_str), 0);
	T_INTEQ(morph_keyed_pick("x", NULL, "x", eq_str), 1);
	T_INTEQ(morph_keyed_pick("x", NULL, "y", eq_str), 0);
	T_INTEQ(morph_keyed_pick(NULL, "y", "z", eq_str), 0);
	T_INTEQ(morph_keyed_pick(NULL, NULL, "z", eq_str), 2);
}

static struct morph_mergefile_side
side(const char *text)
{
	struct morph_mergefile_side s;

	s.present = text != NULL;
	s.data = text;
	s.len = text ? strlen(text) : 0;
	return s;
}

typedef const struct morph_error *(*merge3_fn)(struct morph_buf *,
    struct morph_buf *, int *, int *, const struct morph_mergefile_side *,
    const struct morph_mergefile_side *, const struct morph_mergefile_side *);

/* fn on three texts: the merged file when clean, else the fields. */
static void
merge3(merge3_fn fn, const char *b, const char *o, const char *t,
    int want_parsed, int want_clean, const char *want)
{
	struct morph_buf out = MORPH_BUF_INIT, fields = MORPH_BUF_INIT;
	struct morph_mergefile_side sb = side(b), so = side(o), st = side(t);
	int parsed, clean;

	T_OK(fn(&out, &fields, &parsed, &clean, &sb, &so, &st));
	T_INTEQ(parsed, want_parsed);
	T_INTEQ(clean, want_clean);
	if (want != NULL && clean)
		T_STREQ(morph_buf_cstr(&out), want);
	else if (want != NULL)
		T_STREQ(morph_buf_cstr(&fields), want);
	morph_buf_release(&out);
	morph_buf_release(&fields);
}

#define json3(...)	merge3(morph_mergejson, __VA_ARGS__)
#define cases3(...)	merge3(morph_mergecases, __VA_ARGS__)

static void
test_json(void)
{
	/* Both add a model, one changes a default: all merge. */
	json3("{\"models\": [\"a\"], \"defaults\": {\"temperature\": 0}}",
	    "{\"models\": [\"a\", \"b\"], \"defaults\": {\"temperature\": 0}}",
	    "{\"models\": [\"a\", \"c\"], \"defaults\": {\"temperature\": 0, "
	    "\"max_tokens\": 9}}", 1, 1,
	    "{\n\t\"models\":\t[\"a\", \"b\", \"c\"],\n\t\"defaults\":\t{\n"
	    "\t\t\"temperature\":\t0,\n\t\t\"max_tokens\":\t9\n\t}\n}\n");
	/* A model object changed on one side, removed... by id. */
	json3("{\"models\": [{\"id\": \"h\", \"model\": \"x:y\"}, \"a\"]}",
	    "{\"models\": [{\"id\": \"h\", \"model\": \"x:y\", "
	    "\"temperature\": 1}, \"a\"]}",
	    "{\"models\": [{\"id\": \"h\", \"model\": \"x:y\"}]}", 1, 1,
	    "{\n\t\"models\":\t[{\n\t\t\t\"id\":\t\"h\",\n\t\t\t\"model\":\t"
	    "\"x:y\",\n\t\t\t\"temperature\":\t1\n\t\t}]\n}\n");
	/* The same field changed two ways, named by its path. */
	json3("{\"defaults\": {\"temperature\": 0}}",
	    "{\"defaults\": {\"temperature\": 0.2}}",
	    "{\"defaults\": {\"temperature\": 0.7}}", 1, 0,
	    "defaults.temperature: base 0, ours 0.2, theirs 0.7\n");
	json3("{\"models\": [{\"id\": \"h\", \"model\": \"x:y\"}]}",
	    "{\"models\": [{\"id\": \"h\", \"model\": \"x:z\"}]}",
	    "{\"models\": []}", 1, 0,
	    "models[h]: base {\"id\":\"h\",\"model\":\"x:y\"}, ours "
	    "{\"id\":\"h\",\"model\":\"x:z\"}, theirs (none)\n");
	/* Added on both sides, differently; arrays without keys. */
	json3(NULL, "{\"judge\": \"a:b\"}", "{\"judge\": \"a:c\"}", 1, 0,
	    "judge: base (none), ours \"a:b\", theirs \"a:c\"\n");
	json3("{\"x\": [1]}", "{\"x\": [1, 2]}", "{\"x\": [1, 3]}", 1, 0,
	    "x: base [1], ours [1,2], theirs [1,3]\n");
	/* Not JSON objects: left to the lines. */
	json3("{}", "{", "{}", 0, 0, NULL);
	json3("{}", "[]", "{}", 0, 0, NULL);
}

static void
test_cases(void)
{
	/* Both append; one respaces a case (the same case), lines kept. */
	cases3("{\"id\": \"a\"}\n",
	    "{\"id\": \"a\"}\n{\"id\": \"b\"}\n",
	    "{\"id\":\"a\"}\n\n{\"id\": \"c\", \"vars\": {}}\n", 1, 1,
	    "{\"id\": \"a\"}\n{\"id\": \"b\"}\n{\"id\": \"c\", \"vars\": {}}\n");
	/* Deleted on one side, kept on the other. */
	cases3("{\"id\": \"a\"}\n{\"id\": \"b\"}\n",
	    "{\"id\": \"b\"}\n", "{\"id\": \"a\"}\n{\"id\": \"b\"}\n"
	    "{\"id\": \"c\"}\n", 1, 1, "{\"id\": \"b\"}\n{\"id\": \"c\"}\n");
	/* Changed two ways; changed and deleted. */
	cases3("{\"id\": \"a\"}\n{\"id\": \"b\"}\n",
	    "{\"id\": \"a\", \"vars\": {\"x\": 1}}\n{\"id\": \"b\"}\n",
	    "{\"id\": \"a\", \"vars\": {\"x\": 2}}\n", 1, 0,
	    "case 'a': changed on both sides\n");
	cases3("{\"id\": \"a\"}\n", "", "{\"id\": \"a\", \"x\": 1}\n", 1, 0,
	    "case 'a': deleted here, changed there\n");
	/* Not case files: a line without an id, a repeated id. */
	cases3("{\"id\": \"a\"}\n", "{\"no\": 1}\n", "{\"id\": \"a\"}\n", 0, 0,
	    NULL);
	cases3("{\"id\": \"a\"}\n", "{\"id\": \"a\"}\n{\"id\": \"a\"}\n",
	    "{\"id\": \"b\"}\n", 0, 0, NULL);
	cases3("{\"id\": \"a\"}\n", "not json\n", "{\"id\": \"a\"}\n", 0, 0,
	    NULL);
}

static void
test_file(void)
{
	struct morph_mergefile_result r;
	struct morph_mergefile_side b = side("one\ntwo\nthree\n");
	struct morph_mergefile_side o = side("ONE\ntwo\nthree\n");
	struct morph_mergefile_side t = side("one\ntwo\nTHREE\n");
	struct morph_mergefile_side t2 = side("uno\ntwo\nthree\n");
	struct morph_mergefile_side bin = { 1, "a\0b", 3 };
	struct morph_mergefile_side bin2 = { 1, "a\0c", 3 };

	morph_mergefile_result_init(&r);
	T_OK(morph_mergefile(&r, "p.txt", &b, &o, &t, "topic"));
	T_INTEQ(r.clean, 1);
	T_STREQ(morph_buf_cstr(&r.text), "ONE\ntwo\nTHREE\n");
	T_OK(morph_mergefile(&r, "p.txt", &b, &o, &t2, "topic"));
	T_INTEQ(r.clean, 0);
	T_STREQ(morph_buf_cstr(&r.text), "<<<<<<< HEAD\nONE\n=======\nuno\n"
	    ">>>>>>> topic\ntwo\nthree\n");
	T_INTEQ(morph_mergestate_has_markers(r.text.ptr, r.text.len), 1);
	T_INTEQ(morph_mergestate_has_markers("<<<<<<< x\n", 10), 0);
	/* A case file whose lines conflict merges by case. */
	b = side("{\"id\": \"a\"}\n");
	o = side("{\"id\": \"a\"}\n{\"id\": \"b\"}\n");
	t = side("{\"id\": \"a\"}\n{\"id\": \"c\"}\n");
	T_OK(morph_mergefile(&r, "cases/x.jsonl", &b, &o, &t, "topic"));
	T_INTEQ(r.clean, 1);
	T_STREQ(morph_buf_cstr(&r.text), "{\"id\": \"a\"}\n{\"id\": \"b\"}\n"
	    "{\"id\": \"c\"}\n");
	/* Elsewhere the same lines conflict. */
	T_OK(morph_mergefile(&r, "notes.txt", &b, &o, &t, "topic"));
	T_INTEQ(r.clean, 0);
	T_INTEQ(r.fields.len, 0);
	/* morph.json: lines that conflict, fields that do too. */
	b = side("{\"a\": 1,\n\"b\": 1}\n");
	o = side("{\"a\": 2,\n\"b\": 1}\n");
	t = side("{\"a\": 3,\n\"b\": 2}\n");
	T_OK(morph_mergefile(&r, "morph.json", &b, &o, &t, "topic"));
	T_INTEQ(r.clean, 0);
	T_STREQ(morph_buf_cstr(&r.fields), "a: base 1, ours 2, theirs 3\n");
	T_CONTAINS(morph_buf_cstr(&r.text), "<<<<<<< HEAD");
	/* Binary: no markers. */
	T_OK(morph_mergefile(&r, "x.bin", &b, &bin, &bin2, "topic"));
	T_INTEQ(r.clean, 0);
	T_INTEQ(r.binary, 1);
	morph_mergefile_result_release(&r);
}

/* A snapshot of files "path=text" in the store; returns the commit. */
static struct morph_oid
snapshot(struct morph_repo *repo, const struct morph_oid *parent,
    int64_t t, const char *const *files, size_t n)
{
	struct morph_entrylist l;
	struct morph_oid tree, id;
	size_t i;

	morph_entrylist_init(&l);
	for (i = 0; i < n; i++) {
		const char *eq = strchr(files[i], '=');
		char path[64];

		snprintf(path, sizeof(path), "%.*s", (int)(eq - files[i]),
		    files[i]);
		T_OK(morph_object_write(&id, repo, MORPH_OBJ_BLOB, eq + 1,
		    strlen(eq + 1)));
		T_OK(morph_entrylist_add(&l, path, &id, MORPH_MODE_FILE));
	}
	morph_entrylist_sort(&l);
	T_OK(morph_tree_write(&tree, repo, l.v, l.n));
	morph_entrylist_release(&l);
	return test_commit_raw(repo, &tree, parent, NULL, t, "s");
}

static void
test_trees(void)
{
	static const char *const base[] = { "a.txt=a\n", "b.txt=b\n",
	    "c.txt=c\n", "d.txt=d\n" };
	static const char *const ours[] = { "a.txt=a-ours\n", "b.txt=b\n",
	    "c.txt=c-ours\n", "e.txt=e-ours\n" };
	static const char *const theirs[] = { "a.txt=a-theirs\n",
	    "b.txt=b-theirs\n", "d.txt=d-theirs\n", "e.txt=e-theirs\n" };
	struct morph_repo *repo = test_repo();
	const struct morph_merge_conflict *c;
	struct morph_merge *m;
	struct morph_oid b, o, t;
	struct morph_entrylist l;
	char got[256] = "";
	size_t i;

	b = snapshot(repo, NULL, 100, base, 4);
	o = snapshot(repo, &b, 200, ours, 4);
	t = snapshot(repo, &b, 300, theirs, 4);
	T_OK(morph_ref_update(repo, "refs/heads/main", &o, NULL));
	T_OK(morph_merge_new(&m, repo, &t, "topic"));
	T_INTEQ(morph_merge_kind(m), MORPH_MERGE_CONFLICTS);
	T_STREQ(morph_oid_tostr(morph_merge_base_id(m)), morph_oid_tostr(&b));
	for (i = 0; i < morph_merge_nconflicts(m); i++) {
		c = morph_merge_conflict(m, i);
		snprintf(got + strlen(got), sizeof(got) - strlen(got),
		    "%s:%d ", c->path, (int)c->kind);
	}
	/* a both changed, c deleted by them, d by us, e added twice. */
	T_STREQ(got, "a.txt:0 c.txt:2 d.txt:3 e.txt:1 ");
	/* Staged: b from theirs, ours at a and e, nothing at c and d. */
	morph_entrylist_init(&l);
	T_OK(morph_tree_flatten(&l, repo, morph_merge_tree(m), NULL));
	got[0] = '\0';
	for (i = 0; i < l.n; i++)
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s ",
		    l.v[i].path);
	T_STREQ(got, "a.txt b.txt e.txt ");
	morph_entrylist_release(&l);
	morph_merge_free(m);
	/* The other way round, and a fast-forward, and up to date. */
	T_OK(morph_merge_new(&m, repo, &b, "base"));
	T_INTEQ(morph_merge_kind(m), MORPH_MERGE_UP_TO_DATE);
	morph_merge_free(m);
	T_OK(morph_ref_update(repo, "refs/heads/main", &b, &o));
	T_OK(morph_merge_new(&m, repo, &t, "topic"));
	T_INTEQ(morph_merge_kind(m), MORPH_MERGE_FAST_FORWARD);
	morph_merge_free(m);
	morph_repo_close(repo);
}

/* The content of path in tree, or "" when it is not there. */
static void
file_in(char *buf, size_t size, struct morph_repo *repo,
    const struct morph_oid *tree, const char *path)
{
	struct morph_entrylist l;
	const struct morph_entry *e;
	struct morph_object *o;

	buf[0] = '\0';
	morph_entrylist_init(&l);
	T_OK(morph_tree_flatten(&l, repo, tree, NULL));
	if ((e = morph_entrylist_find(&l, path)) != NULL) {
		T_OK(morph_object_read(&o, repo, &e->id, MORPH_OBJ_BLOB));
		snprintf(buf, size, "%.*s", (int)morph_object_size(o),
		    (const char *)morph_object_data(o));
		morph_object_free(o);
	}
	morph_entrylist_release(&l);
}

static void
test_revert(void)
{
	static const char *const base[] = { "a.txt=1\n2\n3\n4\n5\n" };
	static const char *const one[] = { "a.txt=one\n2\n3\n4\n5\n",
	    "n.txt=n\n" };
	static const char *const two[] = { "a.txt=one\n2\n3\n4\nfive\n",
	    "n.txt=n\n" };
	struct morph_buf msg = MORPH_BUF_INIT;
	struct morph_repo *repo = test_repo();
	struct morph_oid b, c1, c2, mc;
	struct morph_commit *c;
	struct morph_merge *m;
	char got[256], want[256];

	b = snapshot(repo, NULL, 100, base, 1);
	c1 = snapshot(repo, &b, 200, one, 2);
	c2 = snapshot(repo, &c1, 300, two, 2);
	T_OK(morph_ref_update(repo, "refs/heads/main", &c2, NULL));
	/* c1's change goes, c2's stays, c1's file goes. */
	T_OK(morph_revert_new(&m, &msg, repo, &c1, 0));
	T_INTEQ(morph_merge_kind(m), MORPH_MERGE_CLEAN);
	file_in(got, sizeof(got), repo, morph_merge_tree(m), "a.txt");
	T_STREQ(got, "1\n2\n3\n4\nfive\n");
	file_in(got, sizeof(got), repo, morph_merge_tree(m), "n.txt");
	T_STREQ(got, "");
	snprintf(want, sizeof(want), "Revert \"s\"\n\nThis reverts commit "
	    "%s.\n", morph_oid_tostr(&c1));
	T_STREQ(msg.ptr, want);
	morph_merge_free(m);
	/* The root commit: against nothing, every file goes. */
	morph_buf_clear(&msg);
	T_OK(morph_revert_new(&m, &msg, repo, &b, 0));
	file_in(got, sizeof(got), repo, morph_merge_tree(m), "a.txt");
	T_STREQ(got, "");
	morph_merge_free(m);
	/* -m on a commit of one parent; a merge without -m, or past it. */
	T_ERR(morph_revert_new(&m, &msg, repo, &c1, 1), MORPH_ERR_INVALID);
	T_OK(morph_commit_read(&c, repo, &c2));
	mc = test_commit_raw(repo, morph_commit_tree(c), &c2, &b, 400,
	    "join");
	morph_commit_free(c);
	T_ERR(morph_revert_new(&m, &msg, repo, &mc, 0), MORPH_ERR_INVALID);
	T_ERR(morph_revert_new(&m, &msg, repo, &mc, 3), MORPH_ERR_INVALID);
	morph_buf_release(&msg);
	morph_repo_close(repo);
}

/* A record read back has its op; none is a merge; another is damage. */
static void
test_record_op(void)
{
	static const char rec[] = "{\"base\":null,\"conflicts\":[],"
	    "\"gate\":false,\"label\":\"x\",\"message\":\"m\","
	    "%s\"ours\":\"%s\",\"repeat\":1,\"significance\":0,"
	    "\"state\":\"stopped\",\"theirs\":\"%s\",\"tree\":\"%s\","
	    "\"worktree\":\"%s\"}";
	struct morph_repo *repo = test_repo();
	struct morph_merge_state *s, *r;
	char buf[1024], id[40];
	int found;

	T_OK(morph_mergestate_new(&s));
	s->op = MORPH_MERGE_OP_REVERT;
	s->has_base = 1;
	T_ASSERT((s->label = strdup("l")) != NULL);
	T_ASSERT((s->message = strdup("m")) != NULL);
	T_OK(morph_repo_begin(repo));
	T_OK(morph_mergestate_write(repo, s));
	T_OK(morph_repo_commit(repo));
	morph_merge_state_free(s);
	T_OK(morph_mergestate_read(&r, &found, repo));
	T_INTEQ(found, 1);
	T_INTEQ(morph_merge_state_op(r), MORPH_MERGE_OP_REVERT);
	T_STREQ(morph_merge_op_name(morph_merge_state_op(r)), "revert");
	T_ASSERT(morph_merge_state_reverted(r) != NULL);
	morph_merge_state_free(r);
	snprintf(id, sizeof(id), "%032d", 0);
	snprintf(buf, sizeof(buf), rec, "", id, id, id, id);
	T_OK(morph_store_meta_set_blob(&repo->store, "merge", buf,
	    strlen(buf)));
	T_OK(morph_mergestate_read(&r, &found, repo));
	T_INTEQ(morph_merge_state_op(r), MORPH_MERGE_OP_MERGE);
	T_ASSERT(morph_merge_state_reverted(r) == NULL);
	morph_merge_state_free(r);
	snprintf(buf, sizeof(buf), rec, "\"op\":\"rebase\",", id, id, id,
	    id);
	T_OK(morph_store_meta_set_blob(&repo->store, "merge", buf,
	    strlen(buf)));
	T_ERR(morph_mergestate_read(&r, &found, repo), MORPH_ERR_CORRUPT);
	morph_repo_close(repo);
}

static const struct test tests[] = {
	TEST(test_base),
	TEST(test_keyed),
	TEST(test_json),
	TEST(test_cases),
	TEST(test_file),
	TEST(test_trees),
	TEST(test_revert),
	TEST(test_record_op),
};

TEST_MAIN(tests)
