/*
 * fsck: a healthy repository passes; each kind of damage is found and
 * named.
 */
#include <sqlite3.h>

#include "test.h"
#include "morph/morph.h"
#include "repo_int.h"

struct problems {
	char	text[2048];
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

	/* Garbage in a reference and an unknown object type. */
	T_OK(morph_repo_begin(repo));
	exec_sql(repo, "INSERT INTO refs VALUES ('refs/heads/y', 'zz');"
	    "UPDATE objects SET type = 9 WHERE type = 3;");
	check(repo, 3, "unknown type 9");
	morph_repo_rollback(repo);
	check(repo, 0, NULL);
	morph_repo_close(repo);
}

static const struct test tests[] = {
	TEST(test_healthy_then_damaged),
};

TEST_MAIN(tests)
