/*
 * Configuration files: dotted keys, scopes and their precedence, JSON
 * values, removal and broken files.
 */
#include <stdlib.h>

#include "test.h"
#include "morph/morph.h"

struct listing {
	char	text[1024];
};

static const struct morph_error *
list_cb(const char *key, const char *value, enum morph_config_scope scope,
    void *arg)
{
	struct listing *l = arg;
	size_t n = strlen(l->text);

	snprintf(l->text + n, sizeof(l->text) - n, "%s:%s=%s;",
	    scope == MORPH_CONFIG_GLOBAL ? "g" : "l", key, value);
	return NULL;
}

static void
test_scopes(void)
{
	struct morph_repo *repo;
	struct listing l = { "" };
	char home[4096], *v = NULL;

	snprintf(home, sizeof(home), "%s", test_tmpdir());
	setenv("HOME", home, 1);
	unsetenv("XDG_CONFIG_HOME");
	repo = test_repo();

	T_OK(morph_config_get(&v, repo, MORPH_CONFIG_ANY, "user.name"));
	T_ASSERT(v == NULL);
	T_OK(morph_config_set(repo, MORPH_CONFIG_GLOBAL, "user.name", "Global",
	    0));
	T_OK(morph_config_get(&v, repo, MORPH_CONFIG_ANY, "user.name"));
	T_STREQ(v, "Global");
	free(v);
	T_OK(morph_config_set(repo, MORPH_CONFIG_LOCAL, "user.name", "Local",
	    0));
	T_OK(morph_config_get(&v, repo, MORPH_CONFIG_ANY, "user.name"));
	T_STREQ(v, "Local");
	free(v);
	T_OK(morph_config_get(&v, repo, MORPH_CONFIG_GLOBAL, "user.name"));
	T_STREQ(v, "Global");
	free(v);
	/* Without a repository only the user file is read. */
	T_OK(morph_config_get(&v, NULL, MORPH_CONFIG_ANY, "user.name"));
	T_STREQ(v, "Global");
	free(v);

	T_OK(morph_config_foreach(repo, MORPH_CONFIG_ANY, list_cb, &l));
	T_STREQ(l.text, "g:user.name=Global;l:core.formatversion=1;"
	    "l:user.name=Local;");

	T_OK(morph_config_unset(repo, MORPH_CONFIG_LOCAL, "user.name"));
	T_ERR(morph_config_unset(repo, MORPH_CONFIG_LOCAL, "user.name"),
	    MORPH_ERR_NOT_FOUND);
	T_OK(morph_config_get(&v, repo, MORPH_CONFIG_ANY, "user.name"));
	T_STREQ(v, "Global");
	free(v);
	morph_repo_close(repo);
}

static void
test_values_and_keys(void)
{
	struct morph_repo *repo = test_repo();
	char *v = NULL;

	T_OK(morph_config_set(repo, MORPH_CONFIG_LOCAL, "a.b.c", "deep", 0));
	T_OK(morph_config_get(&v, repo, MORPH_CONFIG_LOCAL, "a.b.c"));
	T_STREQ(v, "deep");
	free(v);
	T_OK(morph_config_get(&v, repo, MORPH_CONFIG_LOCAL, "a.b"));
	T_STREQ(v, "{\"c\":\"deep\"}");
	free(v);
	T_OK(morph_config_set(repo, MORPH_CONFIG_LOCAL, "n.count", "42", 1));
	T_OK(morph_config_get(&v, repo, MORPH_CONFIG_LOCAL, "n.count"));
	T_STREQ(v, "42");
	free(v);
	T_ERR(morph_config_set(repo, MORPH_CONFIG_LOCAL, "n.bad", "{", 1),
	    MORPH_ERR_INVALID);
	/* A value cannot become a section. */
	T_ERR(morph_config_set(repo, MORPH_CONFIG_LOCAL, "n.count.x", "1", 0),
	    MORPH_ERR_INVALID);
	T_ERR(morph_config_set(repo, MORPH_CONFIG_LOCAL, "nosection", "1", 0),
	    MORPH_ERR_INVALID);
	T_ERR(morph_config_set(repo, MORPH_CONFIG_LOCAL, "a..b", "1", 0),
	    MORPH_ERR_INVALID);
	T_ERR(morph_config_set(repo, MORPH_CONFIG_LOCAL, ".a", "1", 0),
	    MORPH_ERR_INVALID);
	/* Removing the last key removes the section. */
	T_OK(morph_config_unset(repo, MORPH_CONFIG_LOCAL, "a.b.c"));
	T_OK(morph_config_get(&v, repo, MORPH_CONFIG_LOCAL, "a"));
	T_ASSERT(v == NULL);
	morph_repo_close(repo);
}

static void
test_broken_file(void)
{
	struct morph_repo *repo = test_repo();
	const struct morph_error *err;
	char dir[4096];

	snprintf(dir, sizeof(dir), "%s", test_repo_dir());
	morph_repo_close(repo);
	test_write_file(dir, ".morph/config", "{\n  \"core\": {\n    oops\n}\n");
	err = morph_repo_open(&repo, dir);
	T_ERR(err, MORPH_ERR_INVALID);
	if (err != NULL) {
		T_CONTAINS(err->msg, ".morph/config:3:");
		T_CONTAINS(err->msg, "invalid JSON");
	}
	test_write_file(dir, ".morph/config", "[1]\n");
	err = morph_repo_open(&repo, dir);
	T_ERR(err, MORPH_ERR_INVALID);
	if (err != NULL)
		T_CONTAINS(err->msg, "must be a JSON object");
	/* A key set twice, at any depth, is named with its line. */
	test_write_file(dir, ".morph/config", "{\"core\": {\"formatversion\": "
	    "1},\n \"providers\": {\"x\": {\"dialect\": \"openai\",\n  "
	    "\"base_url\": \"http://a\", \"base_url\": \"http://b\"}}}\n");
	err = morph_repo_open(&repo, dir);
	T_ERR(err, MORPH_ERR_INVALID);
	if (err != NULL)
		T_CONTAINS(err->msg, ".morph/config:3: providers.x.base_url: "
		    "duplicate key");
}

static const struct test tests[] = {
	TEST(test_scopes),
	TEST(test_values_and_keys),
	TEST(test_broken_file),
};

TEST_MAIN(tests)
