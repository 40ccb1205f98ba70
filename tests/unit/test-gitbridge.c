/*
 * The enclosing git repository: provenance (HEAD and dirty state) and the
 * exclude entry for .morph.  Uses the git program to make the fixture.
 */
#include <stdlib.h>

#include "test.h"
#include "morph/morph.h"
#include "gitbridge_int.h"

static int
sh(const char *dir, const char *cmd)
{
	char line[8192];

	snprintf(line, sizeof(line), "cd '%s' && %s >/dev/null 2>&1", dir,
	    cmd);
	return system(line);
}

static void
test_provenance(void)
{
	struct morph_git_provenance p;
	char dir[4096], head[64] = "", cmd[4200];
	FILE *fp;

	snprintf(dir, sizeof(dir), "%s", test_tmpdir());
	/* Not inside git. */
	T_OK(morph_git_provenance(&p, dir));
	T_INTEQ(p.found, 0);
	if (sh(dir, "git init -q . && git config user.email t@e && "
	    "git config user.name t") != 0) {
		T_FAIL("git is needed for this test");
		return;
	}
	T_OK(morph_git_provenance(&p, dir));
	T_INTEQ(p.found, 1);
	T_INTEQ(p.unborn, 1);
	test_write_file(dir, "f.txt", "1\n");
	T_INTEQ(sh(dir, "git add f.txt && git commit -q -m one"), 0);
	snprintf(cmd, sizeof(cmd), "cd '%s' && git rev-parse HEAD", dir);
	fp = popen(cmd, "r");
	if (fp != NULL) {
		if (fgets(head, sizeof(head), fp) != NULL)
			head[strcspn(head, "\n")] = '\0';
		pclose(fp);
	}
	T_OK(morph_git_provenance(&p, dir));
	T_INTEQ(p.unborn, 0);
	T_STREQ(p.head, head);
	T_INTEQ(p.dirty, 0);
	test_write_file(dir, "untracked.txt", "u\n");
	T_OK(morph_git_provenance(&p, dir));
	T_INTEQ(p.dirty, 0);		/* untracked files do not count */
	test_write_file(dir, "f.txt", "2\n");
	T_OK(morph_git_provenance(&p, dir));
	T_INTEQ(p.dirty, 1);

	/* A morph commit in the git work tree records it. */
	{
		struct morph_repo *repo;
		struct morph_commit *c;
		struct morph_oid id;

		T_OK(morph_repo_init(&repo, dir, NULL));
		test_commit_all(repo, "m\n", &id);
		T_OK(morph_commit_read(&c, repo, &id));
		if (c != NULL) {
			T_STREQ(morph_commit_git_head(c), head);
			T_INTEQ(morph_commit_git_dirty(c), 1);
			morph_commit_free(c);
		}
		morph_repo_close(repo);
	}
	/* init put .morph/ in info/exclude: git sees no new file. */
	snprintf(cmd, sizeof(cmd), "cd '%s' && git status --porcelain "
	    "--untracked-files=all | grep -c morph", dir);
	fp = popen(cmd, "r");
	if (fp != NULL) {
		char n[16] = "";

		if (fgets(n, sizeof(n), fp) == NULL)
			n[0] = '\0';
		T_STREQ(n, "0\n");
		pclose(fp);
	}
}

static void
test_exclude_once(void)
{
	struct morph_buf b = MORPH_BUF_INIT;
	char dir[4096], path[4200];
	const char *p;
	int count = 0;

	snprintf(dir, sizeof(dir), "%s", test_tmpdir());
	if (sh(dir, "git init -q .") != 0) {
		T_FAIL("git is needed for this test");
		return;
	}
	T_OK(morph_git_exclude_morph(dir));
	T_OK(morph_git_exclude_morph(dir));
	snprintf(path, sizeof(path), "%s/.git/info/exclude", dir);
	{
		FILE *fp = fopen(path, "r");
		char line[256];

		while (fp != NULL && fgets(line, sizeof(line), fp) != NULL)
			morph_buf_puts(&b, line);
		if (fp != NULL)
			fclose(fp);
	}
	for (p = morph_buf_cstr(&b); (p = strstr(p, ".morph/\n")) != NULL; p++)
		count++;
	T_INTEQ(count, 1);
	morph_buf_release(&b);
}

static const struct test tests[] = {
	TEST(test_provenance),
	TEST(test_exclude_once),
};

TEST_MAIN(tests)
