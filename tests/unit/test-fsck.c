/*
 * fsck: a healthy repository passes; each kind of damage is found and
 * named.
 */
#include <sqlite3.h>

#include "test.h"
#include "morph/morph.h"
#include "repo_int.h"
#include "runs_int.h"

struct problems {
	char	text[8192];
};

static void
collect(const char *problem, void *arg)
{
	struct problems *p = arg;
	size_t n = strlen(p->text);

	snprintf(p->text + n, sizeof(p->text) - n, "%s\n", problem);
}

static void
check(struct morph_repo *repo, size_t want, const char *needle)
{
	struct morph_fsck_stats st;
	struct problems p = { "" };

	T_OK(morph_fsck(&st, repo, collect, &p));
	T_INTEQ(st.problems, want);
	if (needle != NULL)
		T_CONTAINS(p.text, needle);
}

static void
exec_sql(struct morph_repo *repo, const char *sql)
{
	T_INTEQ(sqlite3_exec(repo->store.db, sql, NULL, NULL, NULL),
	    SQLITE_OK);
}

static void
test_healthy_then_damaged(void)
{
	struct morph_repo *repo = test_repo();
	struct morph_fsck_stats st;
	struct morph_oid c, blob;
	char sql[512];

	test_write_file(test_repo_dir(), "d/a.txt", "a\n");
	test_commit_all(repo, "one\n", &c);
	T_OK(morph_fsck(&st, repo, NULL, NULL));
	T_INTEQ(st.problems, 0);
	T_INTEQ(st.commits, 1);
	T_INTEQ(st.trees, 2);
	T_INTEQ(st.blobs, 1);
	T_INTEQ(st.refs, 2);
	T_INTEQ(st.index_entries, 1);

	/* A blob whose bytes changed. */
	morph_hash_object(&blob, "blob", "a\n", 2);
	snprintf(sql, sizeof(sql), "UPDATE objects SET data = x'410a' "
	    "WHERE hex(id) = upper('%s')", morph_oid_tostr(&blob));
	T_OK(morph_repo_begin(repo));
	exec_sql(repo, sql);
	check(repo, 1, "content hashes to");
	morph_repo_rollback(repo);

	/* A missing blob: the tree and the index entry both say so. */
	snprintf(sql, sizeof(sql), "DELETE FROM objects WHERE hex(id) = "
	    "upper('%s')", morph_oid_tostr(&blob));
	T_OK(morph_repo_begin(repo));
	exec_sql(repo, sql);
	check(repo, 2, "index entry 'd/a.txt': missing blob");
	morph_repo_rollback(repo);

	/* A branch that points at a blob. */
	T_OK(morph_repo_begin(repo));
	snprintf(sql, sizeof(sql), "INSERT INTO refs VALUES ('refs/heads/x', "
	    "'%s')", morph_oid_tostr(&blob));
	exec_sql(repo, sql);
	check(repo, 1, "is a blob, not a commit");
	morph_repo_rollback(repo);

	/*
	 * Garbage in a reference and an unknown object type: the commit is
	 * no commit for main, nor for the two reflog entries (HEAD's and
	 * main's) that name it.
	 */
	T_OK(morph_repo_begin(repo));
	exec_sql(repo, "INSERT INTO refs VALUES ('refs/heads/y', 'zz');"
	    "UPDATE objects SET type = 9 WHERE type = 3;");
	check(repo, 5, "unknown type 9");
	morph_repo_rollback(repo);
	check(repo, 0, NULL);
	morph_repo_close(repo);
}

/*
 * A sealed run of more results than a page holds, so that the results
 * are read beside three pages: one changed row on the second page, one
 * row gone at the first page's end, and one row that no page holds are
 * each found, and nothing else.
 */
static void
test_run_pages(void)
{
	struct morph_repo *repo = test_repo();
	struct morph_result r;
	struct morph_oid c, sealed, out;
	struct problems p = { "" };
	struct morph_fsck_stats st;
	char case_id[32], sql[512];
	int64_t num, i, n = 2 * MORPH_RUN_PAGE + 500;

	test_write_file(test_repo_dir(), "p.txt", "p\n");
	test_commit_all(repo, "one\n", &c);
	T_OK(morph_repo_begin(repo));
	T_OK(morph_runs_create(&num, repo, &c, NULL, &c, "{}", NULL, n));
	T_OK(morph_object_write(&out, repo, MORPH_OBJ_BLOB, "out", 3));
	memset(&r, 0, sizeof(r));
	r.prompt = "p.txt";
	r.model = "echo:m";
	r.status = "ok";
	r.has_output = 1;
	r.output = out;
	r.tokens_in = r.tokens_out = r.tokens_cached = -1;
	r.tokens_reasoning = r.cost_nusd = -1;
	r.latency_ms = 5;
	r.pass = 1;
	r.verdicts = "[{\"pass\":true,\"type\":\"contains\"}]";
	for (i = 0; i < n; i++) {
		/* Zero-padded: the sealed order is the numeric one. */
		snprintf(case_id, sizeof(case_id), "c%06lld", (long long)i);
		r.case_id = case_id;
		morph_hash_bytes(&r.call, case_id, strlen(case_id));
		T_OK(morph_runs_put(repo, num, &r));
	}
	T_OK(morph_repo_commit(repo));
	T_OK(morph_runs_seal(&sealed, repo, num));
	T_OK(morph_fsck(&st, repo, collect, &p));
	T_INTEQ(st.problems, 0);
	T_STREQ(p.text, "");
	T_INTEQ(st.runs, 1);
	T_INTEQ(st.results, n);
	T_INTEQ(st.others, 1);		/* the run object */

	T_OK(morph_repo_begin(repo));
	snprintf(sql, sizeof(sql), "UPDATE results SET pass = 0, "
	    "latency_ms = 6 WHERE case_id = 'c%06d';"
	    "DELETE FROM results WHERE case_id = 'c%06d';"
	    "INSERT INTO results SELECT run, prompt, 'c%06d.5', model, sample, "
	    "call, status, output, error, finish, served_model, tokens_in, "
	    "tokens_out, tokens_cached, tokens_reasoning, latency_ms, "
	    "cost_nusd, cached, pass, attempts, verdicts, tokens_cache_write "
	    "FROM results WHERE "
	    "case_id = 'c000000'", MORPH_RUN_PAGE + 7, MORPH_RUN_PAGE - 1,
	    MORPH_RUN_PAGE * 2);
	exec_sql(repo, sql);
	p.text[0] = '\0';
	T_OK(morph_fsck(&st, repo, collect, &p));
	T_INTEQ(st.problems, 3);
	snprintf(sql, sizeof(sql), "case 'c%06d', model 'echo:m', sample 0: "
	    "differs from the sealed run in latency_ms, pass",
	    MORPH_RUN_PAGE + 7);
	T_CONTAINS(p.text, sql);
	snprintf(sql, sizeof(sql), "case 'c%06d', model 'echo:m', sample 0: "
	    "in the sealed run, not in the results table",
	    MORPH_RUN_PAGE - 1);
	T_CONTAINS(p.text, sql);
	snprintf(sql, sizeof(sql), "case 'c%06d.5', model 'echo:m', sample 0: "
	    "in the results table, not in the sealed run",
	    MORPH_RUN_PAGE * 2);
	T_CONTAINS(p.text, sql);
	morph_repo_rollback(repo);
	check(repo, 0, NULL);
	morph_repo_close(repo);
}

/* Writes a tag object by hand, as a damaged or foreign one could be. */
static struct morph_oid
raw_tag(struct morph_repo *repo, const char *object, const char *type)
{
	struct morph_buf b = MORPH_BUF_INIT;
	struct morph_oid id;

	morph_buf_printf(&b, "{\"message\":\"m\\n\",\"object\":\"%s\","
	    "\"tag\":\"t\",\"tagger\":{\"email\":\"e\",\"name\":\"n\","
	    "\"time\":1,\"tz\":\"+0000\"},\"type\":\"%s\"}", object, type);
	T_OK(morph_object_write(&id, repo, MORPH_OBJ_TAG, b.ptr, b.len));
	morph_buf_release(&b);
	return id;
}

/*
 * Annotated tags: a tag and its reference pass; a branch that names a tag,
 * a tag of a missing commit, one that names a tree and an empty one are
 * each found.
 */
static void
test_tags(void)
{
	struct morph_repo *repo = test_repo();
	struct morph_fsck_stats st;
	struct morph_oid c, tag, ghost, zero;
	char sql[512];

	memset(&zero, 0, sizeof(zero));
	test_write_file(test_repo_dir(), "a.txt", "a\n");
	test_commit_all(repo, "one\n", &c);
	T_OK(morph_repo_begin(repo));
	T_OK(morph_tag_create(&tag, repo, "v1", &c, "Release\n"));
	T_OK(morph_ref_update(repo, "refs/tags/v1", &tag, &zero));
	T_OK(morph_repo_commit(repo));
	T_OK(morph_fsck(&st, repo, NULL, NULL));
	T_INTEQ(st.problems, 0);
	T_INTEQ(st.others, 1);

	/* A branch names commits, not tags. */
	T_OK(morph_repo_begin(repo));
	snprintf(sql, sizeof(sql), "INSERT INTO refs VALUES ('refs/heads/x', "
	    "'%s')", morph_oid_tostr(&tag));
	exec_sql(repo, sql);
	check(repo, 1, "reference 'refs/heads/x': ");
	check(repo, 1, "is a tag, not a commit");
	morph_repo_rollback(repo);

	/* A tag of a commit that is not there. */
	morph_hash_object(&ghost, "commit", "ghost", 5);
	T_OK(morph_repo_begin(repo));
	(void)raw_tag(repo, morph_oid_tostr(&ghost), "commit");
	check(repo, 1, "missing commit");
	morph_repo_rollback(repo);

	/* A tag of a tree, and an empty one. */
	T_OK(morph_repo_begin(repo));
	(void)raw_tag(repo, morph_oid_tostr(&c), "tree");
	check(repo, 1, "a type other than commit");
	morph_repo_rollback(repo);
	T_OK(morph_repo_begin(repo));
	T_OK(morph_object_write(&ghost, repo, MORPH_OBJ_TAG, "{}", 2));
	check(repo, 1, "missing or bad object");
	morph_repo_rollback(repo);
	check(repo, 0, NULL);
	morph_repo_close(repo);
}

static const struct test tests[] = {
	TEST(test_healthy_then_damaged),
	TEST(test_tags),
	TEST(test_run_pages),
};

TEST_MAIN(tests)
