/*
 * Checkout and restore: table-driven cases that check out one snapshot,
 * make local changes, check out another (with and without force), and
 * compare the work tree, the status and the error with what is expected.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"
#include "morph/morph.h"
#include "pending_int.h"
#include "repo_int.h"

#define MAXF	16

/*
 * A snapshot: "path=content", with "path*=content" for an executable
 * file.  NULL ends the list.
 */
typedef const char *snap[MAXF];

/*
 * Local changes, applied in order:
 *   "w:path=text"   write a file (making parents)
 *   "x:path"        make a file executable
 *   "nx:path"       make a file not executable
 *   "rm:path"       remove a file
 *   "add:path"      stage a path (morph add)
 *   "ln:path=dest"  make a symbolic link (dest "OUT" is the outside dir)
 */
typedef const char *changes[MAXF];

static char outside[4096];	/* a directory outside the work tree */

static void
mkparents(const char *path)
{
	char buf[4096], *p;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		mkdir(buf, 0777);
		*p = '/';
	}
}

/* Stores a snapshot as a root commit (HEAD, index, work tree untouched). */
static struct morph_oid
mkcommit(struct morph_repo *repo, const snap s, const char *msg)
{
	struct morph_entrylist l;
	struct morph_oid blob, tree, id;
	char path[1024], json[2048];
	const char *eq, *star;
	size_t i, n;
	int len;

	memset(&id, 0, sizeof(id));
	morph_entrylist_init(&l);
	for (i = 0; i < MAXF && s[i] != NULL; i++) {
		eq = strchr(s[i], '=');
		n = (size_t)(eq - s[i]);
		star = n > 0 && s[i][n - 1] == '*' ? eq - 1 : NULL;
		snprintf(path, sizeof(path), "%.*s",
		    (int)(star ? n - 1 : n), s[i]);
		T_OK(morph_object_write(&blob, repo, MORPH_OBJ_BLOB, eq + 1,
		    strlen(eq + 1)));
		T_OK(morph_entrylist_add(&l, path, &blob, star ?
		    MORPH_MODE_EXEC : MORPH_MODE_FILE));
	}
	morph_entrylist_sort(&l);
	T_OK(morph_tree_write(&tree, repo, l.v, l.n));
	len = snprintf(json, sizeof(json), "{\"author\":{\"email\":"
	    "\"t@example.com\",\"name\":\"T\",\"time\":1700000000,\"tz\":"
	    "\"+0000\"},\"message\":\"%s\\n\",\"parents\":[],\"tree\":\"%s\"}",
	    msg, morph_oid_tostr(&tree));
	T_OK(morph_object_write(&id, repo, MORPH_OBJ_COMMIT, json,
	    (size_t)len));
	morph_entrylist_release(&l);
	return id;
}

static void
apply_changes(struct morph_repo *repo, const char *dir, const changes c)
{
	struct morph_index *idx = NULL;
	char path[4096], rel[1024];
	const char *arg, *eq;
	size_t i;

	for (i = 0; i < MAXF && c[i] != NULL; i++) {
		arg = strchr(c[i], ':') + 1;
		eq = strchr(arg, '=');
		snprintf(rel, sizeof(rel), "%.*s",
		    (int)(eq ? (size_t)(eq - arg) : strlen(arg)), arg);
		snprintf(path, sizeof(path), "%s/%s", dir, rel);
		if (strncmp(c[i], "w:", 2) == 0) {
			mkparents(path);
			test_write_file(dir, rel, eq + 1);
		} else if (strncmp(c[i], "x:", 2) == 0)
			T_ASSERT(chmod(path, 0755) == 0);
		else if (strncmp(c[i], "nx:", 3) == 0)
			T_ASSERT(chmod(path, 0644) == 0);
		else if (strncmp(c[i], "rm:", 3) == 0)
			T_ASSERT(unlink(path) == 0);
		else if (strncmp(c[i], "ln:", 3) == 0) {
			mkparents(path);
			T_ASSERT(symlink(strcmp(eq + 1, "OUT") == 0 ? outside :
			    eq + 1, path) == 0);
		} else if (strncmp(c[i], "add:", 4) == 0) {
			T_OK(morph_index_open(&idx, repo));
			if (idx == NULL)
				continue;
			T_OK(morph_repo_begin(repo));
			T_OK(morph_index_add(idx, repo, rel, 0));
			T_OK(morph_index_write(idx, repo));
			T_OK(morph_repo_commit(repo));
			morph_index_free(idx);
		} else
			T_FAIL("bad change '%s'", c[i]);
	}
}

/*
 * Lists the work tree (not .morph) as sorted lines "path=content",
 * "path*=content" (executable), "path@" (link), "path/" (empty dir).
 */
static void
walk(struct morph_buf *out, const char *root, const char *rel)
{
	char path[8192], sub[4096], data[4096];
	struct dirent **names;
	struct stat st;
	FILE *fp;
	size_t len;
	int i, n;

	snprintf(path, sizeof(path), "%s%s%s", root, rel[0] ? "/" : "", rel);
	if ((n = scandir(path, &names, NULL, alphasort)) < 0) {
		T_FAIL("cannot scan %s", path);
		return;
	}
	if (n == 2 && rel[0] != '\0')
		morph_buf_printf(out, "%s/\n", rel);
	for (i = 0; i < n; i++) {
		const char *name = names[i]->d_name;

		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
		    (rel[0] == '\0' && strcmp(name, ".morph") == 0)) {
			free(names[i]);
			continue;
		}
		snprintf(sub, sizeof(sub), "%s%s%s", rel, rel[0] ? "/" : "",
		    name);
		snprintf(path, sizeof(path), "%s/%s", root, sub);
		free(names[i]);
		if (lstat(path, &st) != 0)
			continue;
		if (S_ISLNK(st.st_mode))
			morph_buf_printf(out, "%s@\n", sub);
		else if (S_ISDIR(st.st_mode))
			walk(out, root, sub);
		else if ((fp = fopen(path, "r")) != NULL) {
			len = fread(data, 1, sizeof(data) - 1, fp);
			data[len] = '\0';
			fclose(fp);
			morph_buf_printf(out, "%s%s=%s\n", sub,
			    (st.st_mode & 0100) ? "*" : "", data);
		}
	}
	free(names);
}

static int
cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorts the lines of a listing in place, so that orders compare. */
static char *
sorted(char *text)
{
	char *lines[256], *copy, *p, *nl, *out;
	size_t n = 0, i, k;

	if (text == NULL || (copy = strdup(text)) == NULL)
		return text;
	for (p = copy; *p != '\0' && n < 256; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL)
			break;
		*nl = '\0';
		lines[n++] = p;
	}
	qsort(lines, n, sizeof(lines[0]), cmp_line);
	for (i = 0, out = text; i < n; i++) {
		k = strlen(lines[i]);
		memcpy(out, lines[i], k);
		out[k] = '\n';
		out += k + 1;
	}
	*out = '\0';
	free(copy);
	return text;
}

static char *
worktree_listing(const char *root)
{
	struct morph_buf b = MORPH_BUF_INIT;

	morph_buf_puts(&b, "");
	walk(&b, root, "");
	return sorted(morph_buf_detach(&b, NULL));
}

static char *
snap_listing(const snap s)
{
	struct morph_buf b = MORPH_BUF_INIT;
	size_t i;

	morph_buf_puts(&b, "");
	for (i = 0; i < MAXF && s[i] != NULL; i++) {
		const char *eq = strchr(s[i], '=');
		size_t n = (size_t)(eq - s[i]);

		if (n > 0 && s[i][n - 1] == '*')
			morph_buf_printf(&b, "%.*s*=%s\n", (int)(n - 1), s[i],
			    eq + 1);
		else
			morph_buf_printf(&b, "%s\n", s[i]);
	}
	return sorted(morph_buf_detach(&b, NULL));
}

/* The short status: "XY path" lines as morph status --short prints. */
static char *
short_status(struct morph_repo *repo)
{
	static const char letters[] = " ADM";
	struct morph_buf b = MORPH_BUF_INIT;
	const struct morph_status_entry *e;
	struct morph_status *st = NULL;
	struct morph_index *idx = NULL;
	size_t i;

	morph_buf_puts(&b, "");
	T_OK(morph_index_open(&idx, repo));
	if (idx != NULL)
		T_OK(morph_status_new(&st, repo, idx, NULL, 0,
		    MORPH_STATUS_UNTRACKED));
	for (i = 0; st != NULL && i < morph_status_count(st); i++) {
		e = morph_status_get(st, i);
		if (e->untracked)
			morph_buf_printf(&b, "?? %s\n", e->path);
		else
			morph_buf_printf(&b, "%c%c %s\n", letters[e->staged],
			    letters[e->unstaged], e->path);
	}
	morph_status_free(st);
	morph_index_free(idx);
	return morph_buf_detach(&b, NULL);
}

static struct morph_repo *
new_repo(char *dir, size_t dirsz)
{
	struct morph_init_opts o = MORPH_INIT_OPTS_INIT;
	struct morph_repo *repo = NULL;

	snprintf(dir, dirsz, "%s", test_tmpdir());
	if (chdir(dir) != 0)
		T_FAIL("cannot enter %s", dir);
	T_OK(morph_repo_init(&repo, dir, &o));
	return repo;
}

static const struct morph_error *
checkout(struct morph_repo *repo, const struct morph_oid *id, int force)
{
	struct morph_checkout_opts o = MORPH_CHECKOUT_OPTS_INIT;

	o.force = force;
	return morph_worktree_checkout(repo, id, &o);
}

static int
fsck_problems(struct morph_repo *repo)
{
	struct morph_fsck_stats st;

	memset(&st, 0, sizeof(st));
	T_OK(morph_fsck(&st, repo, NULL, NULL));
	return (int)st.problems;
}

struct case_ {
	const char	*name;
	snap		 a;		/* checked out first */
	changes		 local;		/* then these changes */
	snap		 b;		/* then this is checked out */
	int		 force;
	int		 want_err;	/* 0 or a MORPH_ERR_ code */
	const char	*want_msg;	/* in the error message */
	const char	*want_wt;	/* NULL: b's files exactly */
	const char	*want_status;	/* NULL: "" (clean) */
};

static const struct case_ cases[] = {
	{ "add, remove and modify",
	  { "a=1", "b=2", "d/c=3", "d/e/f=4" }, { NULL },
	  { "a=1", "b=22", "n/m=5" }, 0, 0, NULL, NULL, NULL },
	{ "file becomes a directory",
	  { "x=1", "y=2" }, { NULL }, { "x/y=2", "y=2" }, 0, 0, NULL, NULL,
	  NULL },
	{ "directory becomes a file",
	  { "x/y=2", "x/z/w=3" }, { NULL }, { "x=1" }, 0, 0, NULL, NULL,
	  NULL },
	{ "exec bit set",
	  { "s=1" }, { NULL }, { "s*=1" }, 0, 0, NULL, NULL, NULL },
	{ "exec bit cleared",
	  { "s*=1", "t=2" }, { NULL }, { "s=1", "t*=2" }, 0, 0, NULL, NULL,
	  NULL },
	{ "names with spaces and UTF-8",
	  { "a b/c d.txt=1", "\xc3\xa9t\xc3\xa9.txt=2" }, { NULL },
	  { "a b/c d.txt=3", "\xe6\x97\xa5\xe6\x9c\xac/x=4" }, 0, 0, NULL,
	  NULL, NULL },
	{ "to the empty snapshot",
	  { "a=1", "d/e/f=2" }, { NULL }, { NULL }, 0, 0, NULL, "", NULL },
	{ "modified file refused",
	  { "a=1", "b=2" }, { "w:a=local" }, { "a=9", "b=2" }, 0,
	  MORPH_ERR_CONFLICT, "a (modified)", "a=local\nb=2\n", NULL },
	{ "modified file forced",
	  { "a=1", "b=2" }, { "w:a=local" }, { "a=9", "b=2" }, 1, 0, NULL,
	  NULL, NULL },
	{ "staged change refused",
	  { "a=1" }, { "w:a=staged", "add:a", "w:a=1" }, { "a=9" }, 0,
	  MORPH_ERR_CONFLICT, "a (staged changes)", "a=1\n", NULL },
	{ "deleted file that changes refused",
	  { "a=1" }, { "rm:a" }, { "a=2" }, 0, MORPH_ERR_CONFLICT,
	  "a (deleted)", "", NULL },
	{ "deleted file that leaves",
	  { "a=1", "b=1" }, { "rm:a" }, { "b=1" }, 0, 0, NULL, NULL, NULL },
	{ "exec bit change refused",
	  { "a=1" }, { "x:a" }, { "a=2" }, 0, MORPH_ERR_CONFLICT,
	  "a (modified)", "a*=1\n", NULL },
	{ "untracked file in the way refused",
	  { "a=1" }, { "w:n=mine" }, { "a=1", "n=2" }, 0, MORPH_ERR_CONFLICT,
	  "n (untracked)", "a=1\nn=mine\n", NULL },
	{ "untracked file equal to the target",
	  { "a=1" }, { "w:n=2" }, { "a=1", "n=2" }, 0, 0, NULL, NULL, NULL },
	{ "untracked file in the way forced",
	  { "a=1" }, { "w:n=mine" }, { "a=1", "n=2" }, 1, 0, NULL, NULL,
	  NULL },
	{ "untracked directory in the way refused",
	  { "a=1" }, { "w:d/u=x" }, { "a=1", "d=2" }, 0, MORPH_ERR_CONFLICT,
	  "d/u (untracked, in the way)", "a=1\nd/u=x\n", NULL },
	{ "untracked directory in the way forced",
	  { "a=1" }, { "w:d/u=x" }, { "a=1", "d=2" }, 1, 0, NULL, NULL, NULL },
	{ "untracked file where a directory goes refused",
	  { "a=1" }, { "w:d=x" }, { "a=1", "d/f=2" }, 0, MORPH_ERR_CONFLICT,
	  "d (untracked, in the way)", "a=1\nd=x\n", NULL },
	{ "untracked file where a directory goes forced",
	  { "a=1" }, { "w:d=x" }, { "a=1", "d/f=2" }, 1, 0, NULL, NULL, NULL },
	{ "tracked directory becomes a file, untracked inside refused",
	  { "d/a=1" }, { "w:d/u=x" }, { "d=2" }, 0, MORPH_ERR_CONFLICT,
	  "d/u", "d/a=1\nd/u=x\n", NULL },
	{ "symbolic link in the way refused",
	  { "a=1" }, { "ln:l=OUT" }, { "a=1", "l=2" }, 0, MORPH_ERR_CONFLICT,
	  "l (untracked, not a regular file)", "a=1\nl@\n", NULL },
	{ "symbolic link in the way forced",
	  { "a=1" }, { "ln:l=OUT" }, { "a=1", "l=2" }, 1, 0, NULL, NULL,
	  NULL },
	{ "linked directory on the way refused",
	  { "a=1" }, { "ln:d=OUT" }, { "a=1", "d/f=2" }, 0, MORPH_ERR_CONFLICT,
	  "d (untracked, in the way)", "a=1\nd@\n", NULL },
	{ "linked directory on the way forced",
	  { "a=1" }, { "ln:d=OUT" }, { "a=1", "d/f=2" }, 1, 0, NULL, NULL,
	  NULL },
	{ "unrelated change carried over",
	  { "a=1", "b=2" }, { "w:b=local" }, { "a=9", "b=2" }, 0, 0, NULL,
	  "a=9\nb=local\n", " M b\n" },
	{ "unrelated staged change carried over",
	  { "a=1", "b=2" }, { "w:b=staged", "add:b" }, { "a=9", "b=2" }, 0, 0,
	  NULL, "a=9\nb=staged\n", "M  b\n" },
	{ "staged new file carried over",
	  { "a=1" }, { "w:n=new", "add:n" }, { "a=2" }, 0, 0, NULL,
	  "a=2\nn=new\n", "A  n\n" },
	{ "untracked file left alone",
	  { "a=1" }, { "w:u=mine" }, { "a=2" }, 0, 0, NULL, "a=2\nu=mine\n",
	  "?? u\n" },
	{ "staged new file in the way refused",
	  { "a=1" }, { "w:n=new", "add:n", "rm:n" }, { "a=1", "n/x=2" }, 0,
	  MORPH_ERR_CONFLICT, "n (staged, in the way)", "a=1\n", NULL },
	{ "staged change equal to the target",
	  { "a=1" }, { "w:a=2", "add:a" }, { "a=2" }, 0, 0, NULL, NULL, NULL },
	{ "staged change equal to the target, then modified",
	  { "a=1" }, { "w:a=2", "add:a", "w:a=3" }, { "a=2" }, 0, 0, NULL,
	  "a=3\n", " M a\n" },
	{ "force discards unrelated changes",
	  { "a=1", "b=2" }, { "w:b=local", "w:c=staged", "add:c" },
	  { "a=9", "b=2" }, 1, 0, NULL, NULL, NULL },
	{ "force keeps untracked files elsewhere",
	  { "a=1" }, { "w:u=mine" }, { "a=2" }, 1, 0, NULL, "a=2\nu=mine\n",
	  "?? u\n" },
	{ "every conflict listed",
	  { "a=1", "b=1", "c=1" }, { "w:a=x", "w:b=x", "w:n=x" },
	  { "a=2", "b=2", "c=1", "n=2" }, 0, MORPH_ERR_CONFLICT,
	  "\n\ta (modified)\n\tb (modified)\n\tn (untracked)\n",
	  "a=x\nb=x\nc=1\nn=x\n", NULL },
};

static void
run_case(const struct case_ *c)
{
	const struct morph_error *err;
	struct morph_repo *repo;
	struct morph_oid a, b, head;
	char dir[4096], *before = NULL, *after, *want, *st;

	test_current = c->name;
	if ((repo = new_repo(dir, sizeof(dir))) == NULL)
		return;
	a = mkcommit(repo, c->a, "a");
	b = mkcommit(repo, c->b, "b");
	T_OK(checkout(repo, &a, 0));
	apply_changes(repo, dir, c->local);
	if (c->want_err != 0)
		before = worktree_listing(dir);

	err = checkout(repo, &b, c->force);
	if (c->want_err == 0) {
		T_OK(err);
		T_OK(morph_ref_resolve(&head, repo, MORPH_HEAD));
		T_ASSERT(morph_oid_cmp(&head, &b) == 0);
	} else {
		T_ERR(err, c->want_err);
		if (err != NULL && c->want_msg != NULL)
			T_CONTAINS(err->msg, c->want_msg);
		T_OK(morph_ref_resolve(&head, repo, MORPH_HEAD));
		T_ASSERT(morph_oid_cmp(&head, &a) == 0);
	}
	after = worktree_listing(dir);
	want = c->want_wt ? sorted(strdup(c->want_wt)) : snap_listing(c->b);
	T_STREQ(after, want);
	if (before != NULL)
		T_STREQ(after, before);	/* a refusal changes nothing */
	if (c->want_err == 0) {
		st = short_status(repo);
		T_STREQ(st, c->want_status ? c->want_status : "");
		free(st);
	}
	T_INTEQ(fsck_problems(repo), 0);
	free(before);
	free(after);
	free(want);
	morph_repo_close(repo);
}

static void
test_checkout_cases(void)
{
	size_t i;

	snprintf(outside, sizeof(outside), "%s", test_tmpdir());
	test_write_file(outside, "f", "outside");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i]);
	/* Nothing outside the work tree was touched through a link. */
	test_current = "outside";
	{
		struct morph_buf b = MORPH_BUF_INIT;

		walk(&b, outside, "");
		T_STREQ(morph_buf_cstr(&b), "f=outside\n");
		morph_buf_release(&b);
	}
}

/*
 * What a checkout killed midway leaves: some files already as in the
 * target, some not, HEAD and the index old.  A plain checkout back to
 * the old commit keeps them as local changes; -f to either commit
 * recovers; and a plain checkout to the target finishes the job, since
 * every file already written equals the target.
 */
static void
test_recovery(void)
{
	static const snap a = { "f0=a0", "f1=a1", "f2=a2", "f3=a3", "gone=g",
	    "d/f4=a4" };
	static const snap b = { "f0=b0", "f1=b1", "f2=b2", "f3=b3", "new=n",
	    "d/f4=b4" };
	static const changes partial = { "w:f0=b0", "w:f1=b1", "rm:gone",
	    "w:d/f4=b4", "w:f2.morph-AbC123=b", "w:u.morph-xyz789=keep" };
	struct morph_repo *repo;
	struct morph_oid ia, ib, head;
	char dir[4096], *wt, *want, *st;
	int round;

	for (round = 0; round < 3; round++) {
		test_current = round == 0 ? "recovery: -f to the target" :
		    round == 1 ? "recovery: -f back" :
		    "recovery: plain checkout to the target";
		if ((repo = new_repo(dir, sizeof(dir))) == NULL)
			return;
		ia = mkcommit(repo, a, "a");
		ib = mkcommit(repo, b, "b");
		T_OK(checkout(repo, &ia, 0));
		apply_changes(repo, dir, partial);
		/* To HEAD's own commit, a plain checkout keeps them. */
		T_OK(checkout(repo, &ia, 0));
		st = short_status(repo);
		T_STREQ(st, " M d/f4\n M f0\n M f1\n?? f2.morph-AbC123\n"
		    " D gone\n?? u.morph-xyz789\n");
		free(st);
		T_OK(checkout(repo, round == 1 ? &ia : &ib, round != 2));
		T_OK(morph_ref_resolve(&head, repo, MORPH_HEAD));
		T_ASSERT(morph_oid_cmp(&head, round == 1 ? &ia : &ib) == 0);
		wt = worktree_listing(dir);
		/* The temporary file goes, the untracked look-alike stays. */
		want = snap_listing(round == 1 ? a : b);
		want = realloc(want, strlen(want) + 32);
		strcat(want, "u.morph-xyz789=keep\n");
		T_STREQ(wt, sorted(want));
		st = short_status(repo);
		T_STREQ(st, "?? u.morph-xyz789\n");
		free(wt);
		free(want);
		free(st);
		T_INTEQ(fsck_problems(repo), 0);
		morph_repo_close(repo);
	}
}

/* The record of the checkout under way, as stored (empty: none). */
static char *
record_bytes(struct morph_repo *repo)
{
	struct morph_buf b = MORPH_BUF_INIT;
	int found;

	T_OK(morph_store_meta_get_blob(&repo->store, "checkout", &b,
	    &found));
	morph_buf_puts(&b, "");
	return morph_buf_detach(&b, NULL);
}

/* Records a detached checkout from "from" to "to", as one killed would. */
static void
record_checkout(struct morph_repo *repo, const struct morph_oid *from,
    const struct morph_oid *to)
{
	struct morph_checkout_pending p;

	memset(&p, 0, sizeof(p));
	p.commit = *to;
	p.has_from = 1;
	p.from = *from;
	T_OK(morph_repo_begin(repo));
	T_OK(morph_pending_write(repo, &p, NULL, NULL));
	T_OK(morph_repo_commit(repo));
}

/*
 * A checkout killed midway, as its record and the files it wrote leave
 * it.  The checkout to the same target plans from the recorded snapshot,
 * even when HEAD already names the target (a plain checkout would find
 * nothing to do); one refused leaves the record as it was; a damaged
 * record stops everything but a forced checkout.
 */
static void
test_pending(void)
{
	static const snap a = { "f0=a0", "f1=a1", "f2=a2", "gone=g" };
	static const snap b = { "f0=b0", "f1=b1", "f2=b2", "new=n" };
	static const changes partial = { "w:f0=b0", "rm:gone" };
	static const changes edit = { "w:f2=mine" };
	struct morph_checkout_pending p;
	struct morph_repo *repo;
	struct morph_oid ia, ib;
	char dir[4096], *wt, *want, *st, *before, *after;
	int found;

	if ((repo = new_repo(dir, sizeof(dir))) == NULL)
		return;
	ia = mkcommit(repo, a, "a");
	ib = mkcommit(repo, b, "b");
	T_OK(checkout(repo, &ia, 0));
	record_checkout(repo, &ia, &ib);
	apply_changes(repo, dir, partial);
	T_OK(morph_ref_update(repo, MORPH_HEAD, &ib, NULL));
	T_INTEQ(fsck_problems(repo), 1);
	T_OK(morph_worktree_pending(&p, &found, repo));
	T_INTEQ(found, 1);
	T_ASSERT(morph_oid_cmp(&p.commit, &ib) == 0);
	morph_worktree_pending_release(&p);
	T_OK(checkout(repo, &ib, 0));
	wt = worktree_listing(dir);
	want = snap_listing(b);
	T_STREQ(wt, want);
	free(wt);
	free(want);
	st = short_status(repo);
	T_STREQ(st, "");
	free(st);
	T_OK(morph_worktree_pending(&p, &found, repo));
	T_INTEQ(found, 0);
	T_INTEQ(fsck_problems(repo), 0);

	/* A repair refused for a local change keeps the record. */
	T_OK(checkout(repo, &ia, 1));
	record_checkout(repo, &ia, &ib);
	apply_changes(repo, dir, partial);
	apply_changes(repo, dir, edit);
	before = record_bytes(repo);
	T_ASSERT(before[0] == '{');
	T_ERR(checkout(repo, &ib, 0), MORPH_ERR_CONFLICT);
	after = record_bytes(repo);
	T_STREQ(after, before);
	free(after);
	/* So is a checkout elsewhere, naming the one that finishes it. */
	{
		const struct morph_error *err = checkout(repo, &ia, 0);

		T_ERR(err, MORPH_ERR_CONFLICT);
		if (err != NULL)
			T_CONTAINS(err->msg, morph_oid_tostr(&ib));
	}
	after = record_bytes(repo);
	T_STREQ(after, before);
	free(after);
	free(before);
	T_ERR(morph_worktree_restore(repo, NULL, NULL, 0,
	    MORPH_RESTORE_WORKTREE), MORPH_ERR_CONFLICT);
	T_OK(checkout(repo, &ib, 1));
	st = short_status(repo);
	T_STREQ(st, "");
	free(st);

	/* A damaged record. */
	T_OK(morph_repo_begin(repo));
	T_OK(morph_store_meta_set_blob(&repo->store, "checkout", "{", 1));
	T_OK(morph_repo_commit(repo));
	T_ERR(morph_worktree_pending(&p, &found, repo), MORPH_ERR_CORRUPT);
	morph_worktree_pending_release(&p);
	T_INTEQ(fsck_problems(repo), 1);
	T_ERR(checkout(repo, &ia, 0), MORPH_ERR_CORRUPT);
	T_OK(checkout(repo, &ia, 1));
	T_OK(morph_worktree_pending(&p, &found, repo));
	T_INTEQ(found, 0);
	T_INTEQ(fsck_problems(repo), 0);
	morph_repo_close(repo);
}

static void
test_branches(void)
{
	static const snap a = { "a=1" }, b = { "a=2" };
	struct morph_checkout_opts o = MORPH_CHECKOUT_OPTS_INIT;
	struct morph_buf v = MORPH_BUF_INIT;
	struct morph_repo *repo;
	struct morph_oid ia, ib, id;
	char dir[4096];
	int sym = 0;

	test_current = "branches";
	if ((repo = new_repo(dir, sizeof(dir))) == NULL)
		return;
	ia = mkcommit(repo, a, "a");
	ib = mkcommit(repo, b, "b");

	/* On the unborn branch, a new branch only repoints HEAD. */
	o.branch = "refs/heads/topic";
	o.create = 1;
	T_OK(morph_worktree_checkout(repo, NULL, &o));
	T_OK(morph_ref_read(&v, &sym, repo, MORPH_HEAD));
	T_ASSERT(sym);
	T_STREQ(morph_buf_cstr(&v), "refs/heads/topic");
	T_ERR(morph_ref_resolve(&id, repo, "refs/heads/topic"),
	    MORPH_ERR_NOT_FOUND);

	/* Create at a commit, then switch to an existing branch. */
	o.branch = "refs/heads/one";
	T_OK(morph_worktree_checkout(repo, &ia, &o));
	T_OK(morph_ref_resolve(&id, repo, "refs/heads/one"));
	T_ASSERT(morph_oid_cmp(&id, &ia) == 0);
	T_ERR(morph_worktree_checkout(repo, &ia, &o), MORPH_ERR_EXISTS);
	T_OK(morph_ref_update(repo, "refs/heads/two", &ib, NULL));
	o.branch = "refs/heads/two";
	o.create = 0;
	T_OK(morph_worktree_checkout(repo, NULL, &o));
	T_OK(morph_ref_read(&v, &sym, repo, MORPH_HEAD));
	T_STREQ(morph_buf_cstr(&v), "refs/heads/two");
	T_OK(morph_ref_resolve(&id, repo, MORPH_HEAD));
	T_ASSERT(morph_oid_cmp(&id, &ib) == 0);
	/* A branch that moved since the caller looked. */
	T_ERR(morph_worktree_checkout(repo, &ia, &o), MORPH_ERR_CONFLICT);
	o.branch = "refs/heads/none";
	T_ERR(morph_worktree_checkout(repo, NULL, &o), MORPH_ERR_NOT_FOUND);
	o.branch = "refs/heads/bad..name";
	T_ERR(morph_worktree_checkout(repo, &ia, &o), MORPH_ERR_INVALID);
	/* Not a commit. */
	T_OK(morph_object_write(&id, repo, MORPH_OBJ_BLOB, "x", 1));
	T_ERR(checkout(repo, &id, 0), MORPH_ERR_NOT_FOUND);
	T_INTEQ(fsck_problems(repo), 0);
	morph_buf_release(&v);
	morph_repo_close(repo);
}

struct rcase {
	const char	*name;
	snap		 a;		/* checked out (HEAD) */
	changes		 local;
	snap		 b;		/* the source, with from_b */
	const char	*paths[4];
	int		 flags;
	int		 from_b;
	int		 want_err;
	const char	*want_msg;
	const char	*want_wt;
	const char	*want_status;	/* NULL: not checked */
};

#define WT	MORPH_RESTORE_WORKTREE
#define IX	MORPH_RESTORE_STAGED

static const struct rcase rcases[] = {
	{ "a file from the index",
	  { "a=1", "d/b=2" }, { "w:a=x", "w:d/b=y" }, { NULL }, { "a" }, WT, 0,
	  0, NULL, "a=1\nd/b=y\n", " M d/b\n" },
	{ "a directory from the index",
	  { "a=1", "d/b=2", "d/e/c=3" }, { "w:a=x", "w:d/b=y", "rm:d/e/c" },
	  { NULL }, { "d" }, WT, 0, 0, NULL, "a=x\nd/b=2\nd/e/c=3\n",
	  " M a\n" },
	{ "everything from the index",
	  { "a=1", "d/b=2" }, { "w:a=x", "x:d/b", "w:u=new" }, { NULL },
	  { "" }, WT, 0, 0, NULL, "a=1\nd/b=2\nu=new\n", "?? u\n" },
	{ "from the index, not HEAD",
	  { "a=1" }, { "w:a=staged", "add:a", "w:a=x" }, { NULL }, { "a" },
	  WT, 0, 0, NULL, "a=staged\n", "M  a\n" },
	{ "a directory from a commit",
	  { "a=1", "d/b=2", "d/c=3" }, { NULL }, { "a=9", "d/b=8" },
	  { "d" }, WT, 1, 0, NULL, "a=1\nd/b=8\n", " M d/b\n D d/c\n" },
	{ "unstage a change",
	  { "a=1" }, { "w:a=x", "add:a" }, { NULL }, { "a" }, IX, 0, 0, NULL,
	  "a=x\n", " M a\n" },
	{ "unstage a new file",
	  { "a=1" }, { "w:n=new", "add:n" }, { NULL }, { "n" }, IX, 0, 0, NULL,
	  "a=1\nn=new\n", "?? n\n" },
	{ "stage from a commit",
	  { "a=1", "b=2" }, { NULL }, { "a=9" }, { "a" }, IX, 1, 0, NULL,
	  "a=1\nb=2\n", "MM a\n" },
	{ "stage the whole tree from a commit",
	  { "a=1", "b=2" }, { NULL }, { "a=9" }, { "" }, IX, 1, 0, NULL,
	  "a=1\nb=2\n", "MM a\n?? b\n" },
	{ "stage what the file already holds",
	  { "a=1" }, { "w:a=9" }, { "a=9" }, { "a" }, IX, 1, 0, NULL,
	  "a=9\n", "M  a\n" },
	{ "index and work tree from a commit",
	  { "a=1", "b=2" }, { NULL }, { "a=9", "c=3" }, { "a", "b", "c" },
	  WT | IX, 1, 0, NULL, "a=9\nc=3\n", "M  a\nD  b\nA  c\n" },
	{ "a path nowhere",
	  { "a=1" }, { "w:u=x" }, { NULL }, { "a", "u" }, WT, 0,
	  MORPH_ERR_NOT_FOUND, "pathspec 'u' did not match", "a=1\nu=x\n",
	  NULL },
	{ "a path nowhere, from a commit",
	  { "a=1" }, { NULL }, { "b=1" }, { "zz" }, WT, 1,
	  MORPH_ERR_NOT_FOUND, "'zz'", "a=1\n", NULL },
	{ "a path only in the commit",
	  { "a=1" }, { NULL }, { "a=1", "b/c=2" }, { "b" }, WT, 1, 0, NULL,
	  "a=1\nb/c=2\n", "?? b/c\n" },
	{ "a tracked file where a directory goes",
	  { "a=1" }, { NULL }, { "a/x=2" }, { "a" }, WT, 1, 0, NULL,
	  "a/x=2\n", " D a\n?? a/x\n" },
	{ "an untracked file where a directory goes",
	  { "a=1" }, { "w:u=x" }, { "a=1", "u/v=2" }, { "u/v" }, WT, 1,
	  MORPH_ERR_CONFLICT, "u (in the way)", "a=1\nu=x\n", NULL },
	{ "an untracked directory where a file goes",
	  { "a=1" }, { "w:u/v=x" }, { "a=1", "u=2" }, { "u" }, WT, 1,
	  MORPH_ERR_CONFLICT, "u/v (in the way)", "a=1\nu/v=x\n", NULL },
	{ "a staged file where a directory goes",
	  { "a=1" }, { NULL }, { "a/x=2" }, { "a/x" }, IX, 1,
	  MORPH_ERR_CONFLICT, "a/x (a staged file is in the way)", "a=1\n",
	  NULL },
	{ "the executable bit",
	  { "a*=1" }, { "nx:a" }, { NULL }, { "a" }, WT, 0, 0, NULL, "a*=1\n",
	  "" },
};

static void
run_rcase(const struct rcase *c)
{
	const struct morph_error *err;
	struct morph_repo *repo;
	struct morph_oid a, b;
	char dir[4096], *wt, *want, *st;
	size_t n;

	test_current = c->name;
	if ((repo = new_repo(dir, sizeof(dir))) == NULL)
		return;
	a = mkcommit(repo, c->a, "a");
	b = mkcommit(repo, c->b, "b");
	T_OK(checkout(repo, &a, 0));
	apply_changes(repo, dir, c->local);
	for (n = 0; n < 4 && c->paths[n] != NULL; n++)
		;
	err = morph_worktree_restore(repo, c->from_b ? &b : NULL, c->paths, n,
	    c->flags);
	if (c->want_err == 0)
		T_OK(err);
	else {
		T_ERR(err, c->want_err);
		if (err != NULL && c->want_msg != NULL)
			T_CONTAINS(err->msg, c->want_msg);
	}
	wt = worktree_listing(dir);
	want = sorted(strdup(c->want_wt));
	T_STREQ(wt, want);
	free(want);
	if (c->want_status != NULL) {
		st = short_status(repo);
		T_STREQ(st, c->want_status);
		free(st);
	}
	T_INTEQ(fsck_problems(repo), 0);
	free(wt);
	morph_repo_close(repo);
}

static void
test_restore_cases(void)
{
	size_t i;

	for (i = 0; i < sizeof(rcases) / sizeof(rcases[0]); i++)
		run_rcase(&rcases[i]);
}

/* A commit whose root tree holds one entry, named name, of mode mode. */
static struct morph_oid
hostile_commit(struct morph_repo *repo, const char *name, const char *mode,
    const struct morph_oid *id)
{
	struct morph_oid tree, commit;
	char json[2048];
	int len;

	len = snprintf(json, sizeof(json), "[{\"id\":\"%s\",\"mode\":\"%s\","
	    "\"name\":\"%s\",\"type\":\"%s\"}]", morph_oid_tostr(id), mode,
	    name, strcmp(mode, "040000") == 0 ? "tree" : "blob");
	T_OK(morph_object_write(&tree, repo, MORPH_OBJ_TREE, json,
	    (size_t)len));
	len = snprintf(json, sizeof(json), "{\"author\":{\"email\":"
	    "\"t@example.com\",\"name\":\"T\",\"time\":1700000000,\"tz\":"
	    "\"+0000\"},\"message\":\"evil\\n\",\"parents\":[],"
	    "\"tree\":\"%s\"}", morph_oid_tostr(&tree));
	T_OK(morph_object_write(&commit, repo, MORPH_OBJ_COMMIT, json,
	    (size_t)len));
	return commit;
}

/*
 * Snapshots that name paths morph never writes (.morph, .git, "..", a
 * '/' in a name) are refused by checkout and restore, and nothing is
 * written: the tree is checked when read, and the path again before use.
 */
static void
test_hostile_trees(void)
{
	static const snap a = { "a=1" };
	static const char *const names[] = { ".morph", ".git", "..", ".",
	    "x/../../y", "/abs", "" };
	static const char *const all[] = { "" };
	struct morph_repo *repo;
	struct morph_oid ia, blob, sub, evil, head;
	char dir[4096], json[512], *before, *after;
	size_t i;
	int len;

	test_current = "hostile trees";
	if ((repo = new_repo(dir, sizeof(dir))) == NULL)
		return;
	ia = mkcommit(repo, a, "a");
	T_OK(checkout(repo, &ia, 0));
	T_OK(morph_object_write(&blob, repo, MORPH_OBJ_BLOB, "evil", 4));
	len = snprintf(json, sizeof(json), "[{\"id\":\"%s\",\"mode\":"
	    "\"100644\",\"name\":\"config\",\"type\":\"blob\"}]",
	    morph_oid_tostr(&blob));
	T_OK(morph_object_write(&sub, repo, MORPH_OBJ_TREE, json,
	    (size_t)len));
	before = worktree_listing(dir);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		evil = hostile_commit(repo, names[i], "100644", &blob);
		T_ASSERT(checkout(repo, &evil, 1) != NULL);
		T_ASSERT(morph_worktree_restore(repo, &evil, all, 1,
		    MORPH_RESTORE_WORKTREE) != NULL);
		evil = hostile_commit(repo, names[i], "040000", &sub);
		T_ASSERT(checkout(repo, &evil, 1) != NULL);
		T_ASSERT(morph_worktree_restore(repo, &evil, all, 1,
		    MORPH_RESTORE_WORKTREE | MORPH_RESTORE_STAGED) != NULL);
	}
	after = worktree_listing(dir);
	T_STREQ(after, before);
	T_OK(morph_ref_resolve(&head, repo, MORPH_HEAD));
	T_ASSERT(morph_oid_cmp(&head, &ia) == 0);
	/* .morph/config is untouched. */
	{
		char path[4200], text[4096];
		size_t n = 0;
		FILE *fp;

		snprintf(path, sizeof(path), "%s/.morph/config", dir);
		if ((fp = fopen(path, "r")) != NULL) {
			n = fread(text, 1, sizeof(text) - 1, fp);
			fclose(fp);
		}
		text[n] = '\0';
		T_ASSERT(strstr(text, "evil") == NULL);
	}
	free(before);
	free(after);
	morph_repo_close(repo);
}

static const struct test tests[] = {
	TEST(test_checkout_cases),
	TEST(test_restore_cases),
	TEST(test_recovery),
	TEST(test_pending),
	TEST(test_branches),
	TEST(test_hostile_trees),
};

TEST_MAIN(tests)
