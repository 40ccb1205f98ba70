/*
 * Fuzz target for importing fetched history (lib/import.c): any bytes are
 * offered as the files a remote's git objects hold, and imported into a
 * scratch repository in a transaction that is rolled back.  The first
 * byte says what they are:
 *
 *   'c'  the rest is .morph/commit of an exported commit
 *   'r'  the rest is a run object, in a folder named by its hash
 *   'f'  the rest is a run's folder: its page, its cache file, its calls
 *        file and its outputs, split at lines "--"; the harness writes the
 *        run object naming them, so that the checks of results are reached
 *
 * Whatever the bytes, nothing may crash or leak, and what import accepts
 * must be what it checked: an accepted commit is stored under its id.
 */
#define _XOPEN_SOURCE 700	/* nftw */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "morph/morph.h"
#include "morph/object.h"
#include "import_int.h"
#include "json_int.h"
#include "repo_int.h"

#define MAXNODES	64

/* A fake git object: a tree of entries, or a blob. */
struct node {
	int			 tree;
	const char		*names[MAXNODES];
	unsigned int		 modes[MAXNODES];
	int			 kids[MAXNODES];
	size_t			 n;
	const unsigned char	*data;
	size_t			 len;
	char			*own;		/* data the harness made */
};

static struct node nodes[MAXNODES];
static int nnodes;
static struct morph_repo *repo;
static char root[] = "/tmp/morph-fuzz-import.XXXXXX";
static struct morph_oid commit;

static void
key_of(unsigned char key[20], int i)
{
	memset(key, 0, 20);
	key[0] = 0xfe;
	key[1] = (unsigned char)i;
}

static int
node_of(const unsigned char key[20])
{
	if (key[0] != 0xfe || key[1] >= nnodes)
		return -1;
	return key[1];
}

static const struct morph_error *
src_tree(void *arg, const unsigned char key[20], morph_import_entry_cb cb,
    void *cbarg)
{
	const struct morph_error *err = NULL;
	unsigned char k[20];
	int i = node_of(key);
	size_t j;

	(void)arg;
	if (i < 0 || !nodes[i].tree)
		return morph_error_fmt(MORPH_ERR_CORRUPT, "not a tree");
	for (j = 0; j < nodes[i].n && err == NULL; j++) {
		key_of(k, nodes[i].kids[j]);
		err = cb(nodes[i].names[j], nodes[i].modes[j], k, cbarg);
	}
	return err;
}

static const struct morph_error *
src_blob(void *arg, const unsigned char key[20], size_t max,
    struct morph_buf *out)
{
	int i = node_of(key);

	(void)arg;
	if (i < 0 || nodes[i].tree)
		return morph_error_fmt(MORPH_ERR_CORRUPT, "not a blob");
	if (nodes[i].len > max)
		return morph_error_fmt(MORPH_ERR_CORRUPT, "too large");
	morph_buf_clear(out);
	morph_buf_put(out, nodes[i].len ? (const char *)nodes[i].data : "",
	    nodes[i].len);
	return morph_buf_status(out);
}

static int
blob(const void *data, size_t len)
{
	if (nnodes == MAXNODES)
		abort();
	memset(&nodes[nnodes], 0, sizeof(nodes[nnodes]));
	nodes[nnodes].data = data;
	nodes[nnodes].len = len;
	return nnodes++;
}

static int
tree(void)
{
	if (nnodes == MAXNODES)
		abort();
	memset(&nodes[nnodes], 0, sizeof(nodes[nnodes]));
	nodes[nnodes].tree = 1;
	return nnodes++;
}

static void
add(int t, const char *name, unsigned int mode, int kid)
{
	struct node *n = &nodes[t];

	if (n->n == MAXNODES)
		abort();
	n->names[n->n] = name;
	n->modes[n->n] = mode;
	n->kids[n->n++] = kid;
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(path);
}

static void
cleanup(void)
{
	morph_repo_close(repo);
	nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* A scratch repository with one commit, for runs to name. */
static void
setup(void)
{
	struct morph_init_opts io = MORPH_INIT_OPTS_INIT;
	struct morph_buf b = MORPH_BUF_INIT;
	struct morph_oid t;

	if (mkdtemp(root) == NULL ||
	    morph_repo_init(&repo, root, &io) != NULL ||
	    morph_object_write(&t, repo, MORPH_OBJ_TREE, "[]", 2) != NULL)
		abort();
	morph_buf_printf(&b, "{\"author\":{\"email\":\"f@example.com\","
	    "\"name\":\"F\",\"time\":0,\"tz\":\"+0000\"},\"message\":\"m\","
	    "\"parents\":[],\"tree\":\"%s\"}", morph_oid_tostr(&t));
	if (morph_object_write(&commit, repo, MORPH_OBJ_COMMIT, b.ptr,
	    b.len) != NULL)
		abort();
	morph_buf_release(&b);
	atexit(cleanup);
}

static void
fuzz_commit(struct morph_import *imp, const uint8_t *data, size_t size)
{
	static const char format[] = "1\n", file[] = "hello\n";
	unsigned char key[20];
	struct morph_oid id, again;
	int r, m;

	r = tree();
	m = tree();
	add(r, ".morph", 040000, m);
	add(r, "a.txt", 0100644, blob(file, sizeof(file) - 1));
	add(m, "commit", 0100644, blob(data, size));
	add(m, "format", 0100644, blob(format, sizeof(format) - 1));
	key_of(key, r);
	if (morph_import_commit(&id, imp, key, NULL, 0, "fuzz") != NULL)
		return;
	morph_hash_object(&again, "commit", data, size);
	if (morph_oid_cmp(&id, &again) != 0 || !morph_object_exists(repo, &id))
		__builtin_trap();
}

/* The run's folder, given its run object and its parts. */
static void
fuzz_folder(struct morph_import *imp, const char *run, size_t runlen,
    const char *const *part, const size_t *plen, size_t nparts)
{
	static char names[MAXNODES][40], dirs[MAXNODES][8];
	unsigned char key[20];
	struct morph_oid id;
	int f, d, o, sub, added;
	size_t i;

	f = tree();
	add(f, "run", 0100644, blob(run, runlen));
	d = tree();
	add(f, "pages", 040000, d);
	if (nparts > 0)
		add(d, "0000", 0100644, blob(part[0], plen[0]));
	if (nparts > 1 && plen[1] > 0)
		add(f, "cache", 0100644, blob(part[1], plen[1]));
	if (nparts > 2 && plen[2] > 0) {
		d = tree();
		add(f, "calls", 040000, d);
		add(d, "0000", 0100644, blob(part[2], plen[2]));
	}
	if (nparts > 3) {
		o = tree();
		add(f, "outputs", 040000, o);
		for (i = 3; i < nparts && nnodes < MAXNODES - 4; i++) {
			morph_hash_object(&id, "blob", part[i], plen[i]);
			snprintf(names[i], sizeof(names[i]), "%s",
			    morph_oid_tostr(&id));
			snprintf(dirs[i], sizeof(dirs[i]), "%04zu", i - 3);
			sub = tree();
			add(o, dirs[i], 040000, sub);
			add(sub, names[i], 0100644, blob(part[i], plen[i]));
		}
	}
	morph_hash_object(&id, "run", run, runlen);
	key_of(key, f);
	(void)morph_import_run(&added, imp, morph_oid_tostr(&id), key);
}

static void
fuzz_run(struct morph_import *imp, const uint8_t *data, size_t size)
{
	fuzz_folder(imp, (const char *)data, size, NULL, NULL, 0);
}

/* Splits at lines "--" and writes the run object naming the page. */
static void
fuzz_parts(struct morph_import *imp, const uint8_t *data, size_t size)
{
	const char *part[8], *p = (const char *)data, *end = p + size, *sep;
	struct morph_buf run = MORPH_BUF_INIT;
	struct morph_oid page;
	size_t plen[8], n = 0, lines = 0, i;

	while (n < 8) {
		sep = NULL;
		for (i = 0; p + i + 4 <= end; i++)
			if (memcmp(p + i, "\n--\n", 4) == 0) {
				sep = p + i;
				break;
			}
		part[n] = p;
		plen[n] = sep ? (size_t)(sep - p) + 1 : (size_t)(end - p);
		n++;
		if (sep == NULL)
			break;
		p = sep + 4;
	}
	for (i = 0; i < plen[0]; i++)
		lines += part[0][i] == '\n';
	morph_hash_object(&page, "blob", part[0], plen[0]);
	morph_buf_printf(&run, "{\"commit\":\"%s\",\"ended\":2,\"matrix\":{},"
	    "\"morph\":\"fuzz\",\"pages\":[\"%s\"],\"prices\":null,"
	    "\"results\":%zu,\"started\":1}", morph_oid_tostr(&commit),
	    morph_oid_tostr(&page), lines);
	if (morph_buf_status(&run) == NULL)
		fuzz_folder(imp, run.ptr, run.len, part, plen, n);
	morph_buf_release(&run);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct morph_import_src src = { src_tree, src_blob,
	    NULL };
	struct morph_import *imp = NULL;

	if (repo == NULL)
		setup();
	if (size < 1)
		return 0;
	nnodes = 0;
	if (morph_repo_begin(repo) != NULL ||
	    morph_import_new(&imp, repo, &src) != NULL)
		abort();
	switch (data[0]) {
	case 'c':
		fuzz_commit(imp, data + 1, size - 1);
		break;
	case 'r':
		fuzz_run(imp, data + 1, size - 1);
		break;
	case 'f':
		fuzz_parts(imp, data + 1, size - 1);
		break;
	}
	morph_import_free(imp);
	morph_repo_rollback(repo);
	return 0;
}
