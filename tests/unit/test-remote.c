/*
 * Unit tests for remotes (lib/remote.c), their credentials
 * (lib/credential.c), repositories on this machine (lib/localremote.c)
 * and the git map (lib/gitmap.c): remote names, URLs as they are
 * recorded, passwords kept out of messages and attempts bounded, pushes
 * that never overwrite, fetches that prune, pairs of ids.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"
#include "morph/morph.h"
#include "credential_int.h"
#include "gitbridge_int.h"
#include "gitmap_int.h"
#include "localremote_int.h"
#include "remote_int.h"
#include "repo_int.h"

static void
test_names(void)
{
	static const struct {
		const char	*name;
		int		 ok;
	} cases[] = {
		{ "origin", 1 }, { "up-stream_2", 1 }, { "", 0 }, { "-x", 0 },
		{ "a.b", 0 }, { "a/b", 0 }, { "a b", 0 }, { "é", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (morph_remote_name_valid(cases[i].name) != cases[i].ok)
			T_FAIL("'%s' should be %s", cases[i].name,
			    cases[i].ok ? "valid" : "refused");
}

static void
test_normalize(void)
{
	static const struct {
		const char	*in;
		const char	*out;	/* "@" stands for the directory */
	} cases[] = {
		{ "https://example.com/a.git", "https://example.com/a.git" },
		{ "git@example.com:team/a.git", "git@example.com:team/a.git" },
		{ "ssh://h:22/x", "ssh://h:22/x" },
		{ "/srv/hub.git", "/srv/hub.git" },
		{ "hub.git", "@/hub.git" },
		{ "../x/./y/../hub.git", "@/../x/hub.git" },
		{ "./a:b/c", "@/a:b/c" },
	};
	struct morph_buf out = MORPH_BUF_INIT, want = MORPH_BUF_INIT;
	char cwd[4096], *parent;
	size_t i;

	T_ASSERT(chdir(test_tmpdir()) == 0);
	T_ASSERT(getcwd(cwd, sizeof(cwd)) != NULL);
	parent = strdup(cwd);
	*strrchr(parent, '/') = '\0';
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		morph_buf_clear(&want);
		if (cases[i].out[0] == '@' &&
		    strncmp(cases[i].out, "@/../", 5) == 0)
			morph_buf_printf(&want, "%s/%s", parent,
			    cases[i].out + 5);
		else if (cases[i].out[0] == '@')
			morph_buf_printf(&want, "%s%s", cwd, cases[i].out + 1);
		else
			morph_buf_puts(&want, cases[i].out);
		T_OK(morph_remote_normalize(&out, cases[i].in));
		T_STREQ(morph_buf_cstr(&out), morph_buf_cstr(&want));
	}
	T_ERR(morph_remote_normalize(&out, ""), MORPH_ERR_INVALID);
	free(parent);
	morph_buf_release(&out);
	morph_buf_release(&want);
}

static void
test_redact(void)
{
	static const struct {
		const char	*in;
		const char	*out;
	} cases[] = {
		{ "https://alice:s3cret@example.com/a.git",
		    "https://alice@example.com/a.git" },
		{ "https://alice@example.com/a.git",
		    "https://alice@example.com/a.git" },
		{ "https://example.com/a:b@c", "https://example.com/a:b@c" },
		{ "http://u:p@h", "http://u@h" },
		{ "/srv/x:y@z", "/srv/x:y@z" },
	};
	struct morph_buf out = MORPH_BUF_INIT;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		T_OK(morph_cred_redact(&out, cases[i].in));
		T_STREQ(morph_buf_cstr(&out), cases[i].out);
	}
	morph_buf_release(&out);
}

static void
test_gitmap(void)
{
	struct morph_repo *repo = test_repo();
	unsigned char git[20], got[20];
	struct morph_oid id, back;
	enum morph_object_type type;
	int found;

	memset(git, 0xab, sizeof(git));
	memset(&id, 0x12, sizeof(id));
	T_OK(morph_gitmap_to_git(got, &found, repo, &id, MORPH_OBJ_COMMIT));
	T_INTEQ(found, 0);
	T_OK(morph_repo_begin(repo));
	T_OK(morph_gitmap_put(repo, git, &id, MORPH_OBJ_COMMIT));
	T_OK(morph_repo_commit(repo));
	T_OK(morph_gitmap_to_git(got, &found, repo, &id, MORPH_OBJ_COMMIT));
	T_INTEQ(found, 1);
	T_ASSERT(memcmp(got, git, 20) == 0);
	T_OK(morph_gitmap_to_git(got, &found, repo, &id, MORPH_OBJ_TREE));
	T_INTEQ(found, 0);
	T_OK(morph_gitmap_to_morph(&back, &type, &found, repo, git));
	T_INTEQ(found, 1);
	T_INTEQ(type, MORPH_OBJ_COMMIT);
	T_ASSERT(morph_oid_cmp(&back, &id) == 0);
	T_OK(morph_repo_begin(repo));
	T_OK(morph_gitmap_forget(repo, git));
	T_OK(morph_repo_commit(repo));
	T_OK(morph_gitmap_to_morph(&back, &type, &found, repo, git));
	T_INTEQ(found, 0);
	morph_repo_close(repo);
}

/* A bare git repository at dir/name, made with libgit2. */
static git_repository *
bare(const char *dir, const char *name)
{
	char path[4096];
	git_repository *g = NULL;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (git_repository_init(&g, path, 1) < 0)
		T_FAIL("cannot make %s", path);
	return g;
}

/* A git commit of one file holding text, with parent (may be NULL). */
static void
make_commit(git_oid *out, git_repository *g, const char *text,
    const git_oid *parent)
{
	git_odb *odb = NULL;
	git_treebuilder *tb = NULL;
	git_signature *sig = NULL;
	git_tree *tree = NULL;
	git_commit *p = NULL;
	git_buf buf = { NULL, 0, 0 };
	git_oid blob, tid;
	const git_commit *parents[1];

	T_ASSERT(git_repository_odb(&odb, g) == 0);
	T_ASSERT(git_odb_write(&blob, odb, text, strlen(text),
	    GIT_OBJECT_BLOB) == 0);
	T_ASSERT(git_treebuilder_new(&tb, g, NULL) == 0);
	T_ASSERT(git_treebuilder_insert(NULL, tb, "f", &blob,
	    GIT_FILEMODE_BLOB) == 0);
	T_ASSERT(git_treebuilder_write(&tid, tb) == 0);
	T_ASSERT(git_tree_lookup(&tree, g, &tid) == 0);
	T_ASSERT(git_signature_new(&sig, "T", "t@example.com", 1700000000,
	    0) == 0);
	if (parent != NULL)
		T_ASSERT(git_commit_lookup(&p, g, parent) == 0);
	parents[0] = p;
	T_ASSERT(git_commit_create_buffer(&buf, g, sig, sig, NULL, text, tree,
	    parent != NULL ? 1 : 0, parents) == 0);
	T_ASSERT(git_odb_write(out, odb, buf.ptr, buf.size,
	    GIT_OBJECT_COMMIT) == 0);
	git_buf_dispose(&buf);
	git_commit_free(p);
	git_signature_free(sig);
	git_tree_free(tree);
	git_treebuilder_free(tb);
	git_odb_free(odb);
}

static void
set_ref(git_repository *g, const char *name, const git_oid *id)
{
	git_reference *r = NULL;

	T_ASSERT(git_reference_create(&r, g, name, id, 1, "test") == 0);
	git_reference_free(r);
}

/* Whether g's reference name is id; 0 when it does not exist. */
static int
ref_is(git_repository *g, const char *name, const git_oid *id)
{
	git_oid got;

	return git_reference_name_to_id(&got, g, name) == 0 &&
	    git_oid_equal(&got, id);
}

static int
ref_exists(git_repository *g, const char *name)
{
	git_oid got;

	return git_reference_name_to_id(&got, g, name) == 0;
}

struct heard {
	int	ok;
	int	refused;
	char	why[256];
};

static void
hear(const char *ref, const char *status, void *arg)
{
	struct heard *h = arg;

	(void)ref;
	if (status == NULL)
		h->ok++;
	else {
		h->refused++;
		snprintf(h->why, sizeof(h->why), "%s", status);
	}
}

static void
test_local_path(void)
{
	struct morph_buf p = MORPH_BUF_INIT;
	const char *dir = test_tmpdir();
	char url[4200];

	test_write_file(dir, "a b/x", "");
	snprintf(url, sizeof(url), "%s/a b", dir);
	T_INTEQ(morph_localremote_path(&p, url), 1);
	T_STREQ(morph_buf_cstr(&p), url);
	snprintf(url, sizeof(url), "file://%s/a%%20b", dir);
	T_INTEQ(morph_localremote_path(&p, url), 1);
	snprintf(url, sizeof(url), "%s/a b", dir);
	T_STREQ(morph_buf_cstr(&p), url);
	snprintf(url, sizeof(url), "%s/nosuch", dir);
	T_INTEQ(morph_localremote_path(&p, url), 0);
	T_INTEQ(morph_localremote_path(&p, "git@example.com:a.git"), 0);
	T_INTEQ(morph_localremote_path(&p, "https://example.com/a.git"), 0);
	T_INTEQ(morph_localremote_path(&p, "file://host/a.git"), 0);
	morph_buf_release(&p);
}

static void
test_local_push(void)
{
	const char *dir = test_tmpdir();
	const char *spec[] = { "refs/morph/heads/main:refs/morph/heads/main" };
	git_repository *ours, *hub;
	struct heard h;
	git_oid c1, c2, other;
	char path[4096], lock[4200];
	int moved, fd;

	T_OK(morph_git_init());
	ours = bare(dir, "ours.git");
	hub = bare(dir, "hub.git");
	snprintf(path, sizeof(path), "%s/hub.git", dir);
	make_commit(&c1, ours, "one", NULL);
	make_commit(&c2, ours, "two", &c1);
	set_ref(ours, "refs/morph/heads/main", &c1);

	/* To an empty hub: the objects, then the reference. */
	memset(&h, 0, sizeof(h));
	T_OK(morph_localremote_push(&moved, ours, "hub", path, spec, 1, hear,
	    &h));
	T_INTEQ(moved, 0);
	T_INTEQ(h.ok, 1);
	T_ASSERT(ref_is(hub, "refs/morph/heads/main", &c1));

	/* A fast-forward moves it. */
	set_ref(ours, "refs/morph/heads/main", &c2);
	memset(&h, 0, sizeof(h));
	T_OK(morph_localremote_push(&moved, ours, "hub", path, spec, 1, hear,
	    &h));
	T_INTEQ(h.ok, 1);
	T_ASSERT(ref_is(hub, "refs/morph/heads/main", &c2));

	/* Another's commit on the hub: nothing is sent, nothing moves. */
	make_commit(&other, hub, "theirs", &c2);
	set_ref(hub, "refs/morph/heads/main", &other);
	make_commit(&c1, ours, "three", &c2);
	set_ref(ours, "refs/morph/heads/main", &c1);
	memset(&h, 0, sizeof(h));
	T_OK(morph_localremote_push(&moved, ours, "hub", path, spec, 1, hear,
	    &h));
	T_INTEQ(moved, 1);
	T_INTEQ(h.ok + h.refused, 0);
	T_ASSERT(ref_is(hub, "refs/morph/heads/main", &other));

	/*
	 * A reference another push holds (its lock file) is refused, not
	 * overwritten: the compare and swap of the reference.
	 */
	set_ref(hub, "refs/morph/heads/main", &c2);
	snprintf(lock, sizeof(lock), "%s/refs/morph/heads/main.lock", path);
	T_ASSERT((fd = open(lock, O_WRONLY | O_CREAT | O_EXCL, 0644)) != -1);
	close(fd);
	memset(&h, 0, sizeof(h));
	T_OK(morph_localremote_push(&moved, ours, "hub", path, spec, 1, hear,
	    &h));
	T_INTEQ(moved, 0);
	T_INTEQ(h.refused, 1);
	T_CONTAINS(h.why, "fetch first");
	T_ASSERT(ref_is(hub, "refs/morph/heads/main", &c2));
	unlink(lock);

	/* Not a repository: an error naming the remote. */
	snprintf(path, sizeof(path), "%s", dir);
	T_ERR(morph_localremote_push(&moved, ours, "hub", path, spec, 1, hear,
	    &h), MORPH_ERR_GIT);
	git_repository_free(ours);
	git_repository_free(hub);
}

static void
test_local_fetch(void)
{
	const char *dir = test_tmpdir();
	const char *spec[] = { "+refs/morph/*:refs/remotes/o/*" };
	git_repository *ours, *hub;
	git_odb *odb = NULL;
	git_oid c1, c2;
	char path[4096];
	int fallback;

	T_OK(morph_git_init());
	ours = bare(dir, "ours.git");
	hub = bare(dir, "hub.git");
	snprintf(path, sizeof(path), "%s/hub.git", dir);
	make_commit(&c1, hub, "one", NULL);
	make_commit(&c2, hub, "two", &c1);
	set_ref(hub, "refs/morph/heads/main", &c2);
	set_ref(hub, "refs/morph/tags/v1", &c1);
	set_ref(hub, "refs/heads/code", &c1);
	T_OK(morph_localremote_fetch(&fallback, ours, "o", path, spec, 1));
	T_INTEQ(fallback, 0);
	T_ASSERT(ref_is(ours, "refs/remotes/o/heads/main", &c2));
	T_ASSERT(ref_is(ours, "refs/remotes/o/tags/v1", &c1));
	T_ASSERT(!ref_exists(ours, "refs/remotes/o/code"));
	T_ASSERT(git_repository_odb(&odb, ours) == 0);
	T_ASSERT(git_odb_exists(odb, &c1) && git_odb_exists(odb, &c2));

	/* What the hub no longer has is pruned. */
	{
		git_reference *r = NULL;

		T_ASSERT(git_reference_lookup(&r, hub,
		    "refs/morph/tags/v1") == 0);
		T_ASSERT(git_reference_delete(r) == 0);
		git_reference_free(r);
	}
	T_OK(morph_localremote_fetch(&fallback, ours, "o", path, spec, 1));
	T_ASSERT(!ref_exists(ours, "refs/remotes/o/tags/v1"));
	T_ASSERT(ref_is(ours, "refs/remotes/o/heads/main", &c2));

	/* A hub whose objects live elsewhere is left to libgit2. */
	make_commit(&c1, hub, "three", &c2);
	set_ref(hub, "refs/morph/heads/main", &c1);
	test_write_file(path, "objects/info/alternates", "/nowhere\n");
	T_OK(morph_localremote_fetch(&fallback, ours, "o", path, spec, 1));
	T_INTEQ(fallback, 1);
	T_ASSERT(ref_is(ours, "refs/remotes/o/heads/main", &c2));
	git_odb_free(odb);
	git_repository_free(ours);
	git_repository_free(hub);
}

/*
 * Credentials from git's helpers: at most MORPH_CRED_MAX_FILLS, after
 * which the callback gives up with a message naming the remote and what
 * was tried, and never the password.
 */
static void
test_cred_bounded(void)
{
	const char *dir = test_tmpdir();
	char cfg[4300], home[4200], *msg;
	struct morph_cred c;
	git_credential *cred = NULL;
	int i, rc;

	T_OK(morph_git_init());
	snprintf(home, sizeof(home), "%s/home", dir);
	T_ASSERT(mkdir(home, 0777) == 0);
	test_write_file(home, ".gitconfig", "[credential]\n"
	    "\thelper = \"!f() { echo username=alice; "
	    "echo password=pw-s3cret; }; f\"\n");
	snprintf(cfg, sizeof(cfg), "%s/.gitconfig", home);
	setenv("GIT_CONFIG_GLOBAL", cfg, 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	setenv("HOME", home, 1);
	T_OK(morph_cred_init(&c, "origin",
	    "https://bob:url-pw@example.com/team/a.git"));
	T_ASSERT(strstr(c.url, "url-pw") == NULL);
	for (i = 0; i < MORPH_CRED_MAX_FILLS; i++) {
		rc = morph_cred_acquire(&cred, "https://example.com/team/a.git",
		    NULL, GIT_CREDENTIAL_USERPASS_PLAINTEXT, &c);
		T_INTEQ(rc, 0);
		T_ASSERT(cred != NULL);
		cred->free(cred);
		cred = NULL;
	}
	rc = morph_cred_acquire(&cred, "https://example.com/team/a.git", NULL,
	    GIT_CREDENTIAL_USERPASS_PLAINTEXT, &c);
	T_INTEQ(rc, GIT_EAUTH);
	msg = (char *)morph_cred_error(&c, rc, "cannot fetch from")->msg;
	T_CONTAINS(msg, "authentication to 'origin' "
	    "(https://bob@example.com/team/a.git) failed");
	T_CONTAINS(msg, "3 times");
	T_ASSERT(strstr(msg, "pw-s3cret") == NULL);
	T_ASSERT(strstr(msg, "url-pw") == NULL);
	morph_cred_release(&c);

	/* No helper gives anything: say so, and how to set one up. */
	test_write_file(home, ".gitconfig", "[credential]\n"
	    "\thelper = \"!f() { :; }; f\"\n");
	T_OK(morph_cred_init(&c, "origin", "https://example.com/a.git"));
	rc = morph_cred_acquire(&cred, "https://example.com/a.git", NULL,
	    GIT_CREDENTIAL_USERPASS_PLAINTEXT, &c);
	T_INTEQ(rc, GIT_EAUTH);
	T_CONTAINS(morph_cred_error(&c, rc, "cannot fetch from")->msg,
	    "no credentials for 'origin' (https://example.com/a.git)");
	morph_cred_release(&c);

	/* SSH with no agent and no key: each way is named. */
	unsetenv("SSH_AUTH_SOCK");
	T_OK(morph_cred_init(&c, "origin", "ssh://git@example.com/a.git"));
	rc = morph_cred_acquire(&cred, "ssh://git@example.com/a.git", "git",
	    GIT_CREDENTIAL_SSH_KEY, &c);
	T_INTEQ(rc, GIT_EAUTH);
	T_CONTAINS(morph_cred_error(&c, rc, "cannot fetch from")->msg,
	    "no SSH agent ($SSH_AUTH_SOCK) and no key in ~/.ssh");
	morph_cred_release(&c);
	unsetenv("GIT_CONFIG_GLOBAL");
}

static const struct test tests[] = {
	TEST(test_names),
	TEST(test_normalize),
	TEST(test_redact),
	TEST(test_gitmap),
	TEST(test_local_path),
	TEST(test_local_push),
	TEST(test_local_fetch),
	TEST(test_cred_bounded),
};

TEST_MAIN(tests)
