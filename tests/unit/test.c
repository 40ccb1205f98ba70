/*
 * The unit-test harness (see test.h).
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"
#include "morph/morph.h"

int test_failures;
const char *test_current = "?";

static char *tmpdirs[64];
static int ntmpdirs;

const char *
test_tmpdir(void)
{
	static char path[4096];
	const char *base = getenv("TMPDIR");

	snprintf(path, sizeof(path), "%s/morph-unit.XXXXXX",
	    base && base[0] ? base : "/tmp");
	if (mkdtemp(path) == NULL) {
		perror("mkdtemp");
		exit(2);
	}
	if (ntmpdirs < 64)
		tmpdirs[ntmpdirs++] = strdup(path);
	return path;
}

void
test_write_file(const char *dir, const char *rel, const char *text)
{
	char path[4096], *p;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	for (p = path + strlen(dir) + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(path, 0777) == -1 && errno != EEXIST) {
			perror(path);
			exit(2);
		}
		*p = '/';
	}
	if ((fp = fopen(path, "w")) == NULL) {
		perror(path);
		exit(2);
	}
	fputs(text, fp);
	fclose(fp);
}

static char repo_dir[4096];

struct morph_repo *
test_repo(void)
{
	const struct morph_error *err;
	struct morph_repo *repo;

	snprintf(repo_dir, sizeof(repo_dir), "%s", test_tmpdir());
	if (chdir(repo_dir) == -1) {
		perror(repo_dir);
		exit(2);
	}
	setenv("MORPH_AUTHOR_NAME", "Unit Test", 1);
	setenv("MORPH_AUTHOR_EMAIL", "unit@example.com", 1);
	setenv("MORPH_AUTHOR_DATE", "1700000000 +0100", 1);
	if ((err = morph_repo_init(&repo, repo_dir, NULL)) != NULL) {
		fprintf(stderr, "morph_repo_init: %s\n", err->msg);
		exit(2);
	}
	return repo;
}

const char *
test_repo_dir(void)
{
	return repo_dir;
}

void
test_commit_all(struct morph_repo *repo, const char *message,
    struct morph_oid *out)
{
	struct morph_commit_opts opts = MORPH_COMMIT_OPTS_INIT;
	const struct morph_error *err;
	struct morph_index *idx;

	opts.message = message;
	opts.allow_empty = 1;
	if ((err = morph_index_open(&idx, repo)) != NULL ||
	    (err = morph_index_add(idx, repo, "", 0)) != NULL ||
	    (err = morph_index_write(idx, repo)) != NULL ||
	    (err = morph_commit_create(out, repo, idx, &opts)) != NULL) {
		fprintf(stderr, "test_commit_all: %s\n", err->msg);
		exit(2);
	}
	morph_index_free(idx);
}

struct morph_oid
test_commit_raw(struct morph_repo *repo, const struct morph_oid *tree,
    const struct morph_oid *p1, const struct morph_oid *p2, int64_t t,
    const char *msg)
{
	struct morph_buf b = MORPH_BUF_INIT;
	const struct morph_error *err;
	struct morph_oid id;

	morph_buf_printf(&b, "{\"author\":{\"email\":\"e\",\"name\":\"n\","
	    "\"time\":%lld,\"tz\":\"+0000\"},\"message\":\"%s\","
	    "\"parents\":[", (long long)t, msg);
	if (p1 != NULL)
		morph_buf_printf(&b, "\"%s\"", morph_oid_tostr(p1));
	if (p2 != NULL)
		morph_buf_printf(&b, ",\"%s\"", morph_oid_tostr(p2));
	morph_buf_printf(&b, "],\"tree\":\"%s\"}", morph_oid_tostr(tree));
	if ((err = morph_object_write(&id, repo, MORPH_OBJ_COMMIT, b.ptr,
	    b.len)) != NULL) {
		fprintf(stderr, "test_commit_raw: %s\n", err->msg);
		exit(2);
	}
	morph_buf_release(&b);
	return id;
}

static void
cleanup(void)
{
	char cmd[4200];
	int i;

	if (chdir("/") == -1)
		perror("chdir");
	for (i = 0; i < ntmpdirs; i++) {
		if (getenv("MORPH_TEST_KEEP") == NULL) {
			snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdirs[i]);
			if (system(cmd) != 0)
				fprintf(stderr, "cannot remove %s\n",
				    tmpdirs[i]);
		}
		free(tmpdirs[i]);
	}
}

int
test_main(const struct test *tests, size_t n)
{
	size_t i;
	int before;

	atexit(cleanup);
	for (i = 0; i < n; i++) {
		test_current = tests[i].name;
		before = test_failures;
		tests[i].fn();
		printf("%s %s\n", test_failures == before ? "ok  " : "FAIL",
		    tests[i].name);
	}
	printf("%zu tests, %d failed checks\n", n, test_failures);
	return test_failures ? 1 : 0;
}
