/*
 * Blame (see include/morph/blame.h): suspect lines passed from each commit
 * to its parents until a commit is found that has a line and no parent
 * has, with libgit2 matching the lines.
 *
 * Invariants:
 *  1. Every line of the range is in exactly one place at a time: the
 *     suspects of one commit, or the result.
 *  2. A commit is processed only once all its children in the history
 *     have been (a topological order), so its suspects are complete when
 *     it passes them on; a commit whose file a child had unchanged may
 *     receive lines from several children, across merges.
 *  3. The history is read whole before any line moves: prompt histories
 *     are small, and the order of invariant 2 needs every child known.
 */
#include <stdlib.h>
#include <string.h>

#include "morph/blame.h"
#include "morph/commit.h"
#include "morph/object.h"
#include "morph/tree.h"
#include "git2_int.h"
#include "gitbridge_int.h"
#include "oidset_int.h"

/*
 * A line suspected of a commit: its place in the result, its number in
 * the commit's file.
 */
struct suspect {
	size_t	final;		/* index in the result */
	size_t	line;		/* from 1 */
};

/* A commit of the history. */
struct node {
	struct morph_commit	*c;
	size_t			*parents;	/* indices in the node array */
	size_t			 nparents;
	size_t			 children;	/* not processed yet */
	struct suspect		*s;
	size_t			 ns, caps;
};

struct morph_blame {
	struct node		*nodes;
	size_t			 nnodes, capnodes;
	struct morph_object	*file;		/* the blamed file's blob */
	size_t			 file_lines;
	struct morph_blame_line	*lines;
	size_t			 nlines;
	size_t			 unblamed;	/* lines still suspects */
};

/* A changed region of a line diff, in libgit2's numbers. */
struct hunk {
	size_t	old_start, old_lines;
	size_t	new_start, new_lines;
};

struct hunks {
	struct hunk	*v;
	size_t		 n, cap;
};

static const struct morph_error *
add_node(struct morph_blame *b, struct morph_commit *c)
{
	struct node *nv;
	size_t cap;

	if (b->nnodes == b->capnodes) {
		cap = b->capnodes ? b->capnodes * 2 : 64;
		if ((nv = realloc(b->nodes, cap * sizeof(*nv))) == NULL)
			return morph_error(MORPH_ERR_NOMEM);
		b->nodes = nv;
		b->capnodes = cap;
	}
	memset(&b->nodes[b->nnodes], 0, sizeof(*b->nodes));
	b->nodes[b->nnodes++].c = c;
	return NULL;
}

/* Reads every commit that the first node reaches, each once. */
static const struct morph_error *
read_history(struct morph_blame *b, struct morph_repo *repo)
{
	const struct morph_error *err;
	struct morph_oidset seen;
	struct morph_commit *c;
	const struct morph_oid *p;
	size_t i, j;
	int added;

	morph_oidset_init(&seen);
	if ((err = morph_oidset_add(&seen, morph_commit_id(b->nodes[0].c),
	    NULL)) != NULL)
		goto done;
	/* The node array is the queue: i reads what was added before. */
	for (i = 0; i < b->nnodes; i++) {
		for (j = 0; j < morph_commit_parent_count(b->nodes[i].c); j++) {
			p = morph_commit_parent(b->nodes[i].c, j);
			if ((err = morph_oidset_add(&seen, p, &added)) != NULL)
				goto done;
			if (!added)
				continue;
			if ((err = morph_commit_read(&c, repo, p)) != NULL)
				goto done;
			if ((err = add_node(b, c)) != NULL) {
				morph_commit_free(c);
				goto done;
			}
		}
	}
done:
	morph_oidset_release(&seen);
	return err;
}

/* A node's id and index, for finding parents by id. */
struct byid {
	struct morph_oid	id;
	size_t			idx;
};

static int
cmp_byid(const void *x, const void *y)
{
	const struct byid *a = x, *b = y;

	return morph_oid_cmp(&a->id, &b->id);
}

/* Links each node to its parents' nodes and counts their children. */
static const struct morph_error *
link_history(struct morph_blame *b)
{
	struct byid *v, key, *hit;
	struct node *n;
	size_t i, j;

	if ((v = calloc(b->nnodes, sizeof(*v))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	for (i = 0; i < b->nnodes; i++) {
		v[i].id = *morph_commit_id(b->nodes[i].c);
		v[i].idx = i;
	}
	qsort(v, b->nnodes, sizeof(*v), cmp_byid);
	for (i = 0; i < b->nnodes; i++) {
		n = &b->nodes[i];
		n->nparents = morph_commit_parent_count(n->c);
		if (n->nparents == 0)
			continue;
		if ((n->parents = calloc(n->nparents, sizeof(size_t))) == NULL) {
			free(v);
			return morph_error(MORPH_ERR_NOMEM);
		}
		for (j = 0; j < n->nparents; j++) {
			key.id = *morph_commit_parent(n->c, j);
			/* read_history read every parent: always found. */
			hit = bsearch(&key, v, b->nnodes, sizeof(*v), cmp_byid);
			n->parents[j] = hit->idx;
			b->nodes[hit->idx].children++;
		}
	}
	free(v);
	return NULL;
}

static const struct morph_error *
add_suspect(struct node *n, size_t final, size_t line)
{
	struct suspect *nv;
	size_t cap;

	if (n->ns == n->caps) {
		cap = n->caps ? n->caps * 2 : 16;
		if ((nv = realloc(n->s, cap * sizeof(*nv))) == NULL)
			return morph_error(MORPH_ERR_NOMEM);
		n->s = nv;
		n->caps = cap;
	}
	n->s[n->ns].final = final;
	n->s[n->ns++].line = line;
	return NULL;
}

static int
cmp_suspect(const void *x, const void *y)
{
	const struct suspect *a = x, *b = y;

	return (a->line > b->line) - (a->line < b->line);
}

/*
 * The blob at path in commit c: *found 0 when c has no file there (a
 * directory counts as none).
 */
static const struct morph_error *
file_of(struct morph_oid *out, int *found, struct morph_repo *repo,
    const struct morph_commit *c, const char *path)
{
	const struct morph_error *err;
	unsigned int mode;

	*found = 0;
	err = morph_tree_lookup(out, &mode, repo, morph_commit_tree(c), path);
	if (err != NULL && err->code == MORPH_ERR_NOT_FOUND)
		return NULL;
	if (err != NULL)
		return err;
	*found = mode != MORPH_MODE_TREE;
	return NULL;
}

static int
hunk_cb(const git_diff_delta *delta, const git_diff_hunk *h, void *arg)
{
	struct hunks *l = arg;
	struct hunk *nv;
	size_t cap;

	(void)delta;
	if (l->n == l->cap) {
		cap = l->cap ? l->cap * 2 : 16;
		if ((nv = realloc(l->v, cap * sizeof(*nv))) == NULL)
			return -1;
		l->v = nv;
		l->cap = cap;
	}
	l->v[l->n].old_start = (size_t)h->old_start;
	l->v[l->n].old_lines = (size_t)h->old_lines;
	l->v[l->n].new_start = (size_t)h->new_start;
	l->v[l->n++].new_lines = (size_t)h->new_lines;
	return 0;
}

/* The changed regions between two versions of the file, no context. */
static const struct morph_error *
diff_hunks(struct hunks *out, const struct morph_object *old,
    const struct morph_object *new)
{
	const struct morph_error *err;
	git_diff_options go;
	int rc;

	out->n = 0;
	if ((err = morph_git_init()) != NULL)
		return err;
	git_diff_options_init(&go, GIT_DIFF_OPTIONS_VERSION);
	go.context_lines = 0;
	go.interhunk_lines = 0;
	/* Every file is text to blame, and hunks slide as git's do. */
	go.flags = GIT_DIFF_FORCE_TEXT | GIT_DIFF_INDENT_HEURISTIC;
	rc = git_diff_buffers(morph_object_data(old), morph_object_size(old),
	    NULL, morph_object_data(new), morph_object_size(new), NULL, &go,
	    NULL, NULL, hunk_cb, NULL, out);
	if (rc < 0)
		return morph_git_error(rc, "cannot diff for blame");
	return NULL;
}

/* The last line of the new side a hunk covers, or the line it follows. */
static size_t
hunk_end(const struct hunk *h)
{
	return h->new_lines ? h->new_start + h->new_lines - 1 : h->new_start;
}

/*
 * Passes to parent p the suspects of n that the diff from p's file to
 * n's leaves unchanged, numbered as p's file has them; keeps the others.
 * n's suspects are sorted by line.
 */
static const struct morph_error *
pass_unchanged(struct node *n, struct node *p, const struct hunks *hk)
{
	const struct morph_error *err;
	size_t i, kept = 0, h = 0;
	long long offset = 0;
	struct suspect s;

	for (i = 0; i < n->ns; i++) {
		s = n->s[i];
		while (h < hk->n && hunk_end(&hk->v[h]) < s.line) {
			offset += (long long)hk->v[h].old_lines -
			    (long long)hk->v[h].new_lines;
			h++;
		}
		if (h < hk->n && hk->v[h].new_lines > 0 &&
		    hk->v[h].new_start <= s.line) {
			n->s[kept++] = s;
			continue;
		}
		if ((err = add_suspect(p, s.final, (size_t)((long long)s.line +
		    offset))) != NULL)
			return err;
	}
	n->ns = kept;
	return NULL;
}

/* The lines left with n are n's own. */
static void
blame_on(struct morph_blame *b, struct node *n)
{
	size_t i;

	for (i = 0; i < n->ns; i++) {
		b->lines[n->s[i].final].commit = n->c;
		b->lines[n->s[i].final].orig_line = n->s[i].line;
	}
	b->unblamed -= n->ns;
	n->ns = 0;
}

/* Passes what it can of n's suspects to its parents, keeps the rest. */
static const struct morph_error *
process(struct morph_blame *b, struct morph_repo *repo, struct node *n,
    const char *path)
{
	const struct morph_error *err = NULL;
	struct morph_object *mine = NULL, *theirs = NULL;
	struct morph_oid id, *pid = NULL;
	struct hunks hk = { NULL, 0, 0 };
	struct node *p;
	int found, *has = NULL;
	size_t j, i;

	if (n->nparents == 0)
		goto own;
	if ((pid = calloc(n->nparents, sizeof(*pid))) == NULL ||
	    (has = calloc(n->nparents, sizeof(*has))) == NULL) {
		err = morph_error(MORPH_ERR_NOMEM);
		goto done;
	}
	/* n has the file: lines pass only to commits that have it. */
	if ((err = file_of(&id, &found, repo, n->c, path)) != NULL)
		goto done;
	/* A parent with the very same file takes every line, as in git. */
	for (j = 0; j < n->nparents; j++) {
		p = &b->nodes[n->parents[j]];
		if ((err = file_of(&pid[j], &has[j], repo, p->c,
		    path)) != NULL)
			goto done;
		if (!has[j] || morph_oid_cmp(&pid[j], &id) != 0)
			continue;
		for (i = 0; i < n->ns; i++)
			if ((err = add_suspect(p, n->s[i].final,
			    n->s[i].line)) != NULL)
				goto done;
		n->ns = 0;
		goto done;
	}
	qsort(n->s, n->ns, sizeof(*n->s), cmp_suspect);
	if ((err = morph_object_read(&mine, repo, &id, MORPH_OBJ_BLOB)) != NULL)
		goto done;
	for (j = 0; j < n->nparents && n->ns > 0; j++) {
		if (!has[j])
			continue;
		p = &b->nodes[n->parents[j]];
		if ((err = morph_object_read(&theirs, repo, &pid[j],
		    MORPH_OBJ_BLOB)) != NULL)
			goto done;
		if ((err = diff_hunks(&hk, theirs, mine)) == NULL)
			err = pass_unchanged(n, p, &hk);
		morph_object_free(theirs);
		theirs = NULL;
		if (err != NULL)
			goto done;
	}
own:
	blame_on(b, n);
done:
	morph_object_free(mine);
	free(hk.v);
	free(pid);
	free(has);
	return err;
}

/* Splits the blamed file into lines and makes the range its suspects. */
static const struct morph_error *
start_lines(struct morph_blame *b, const char *path,
    const struct morph_blame_opts *opts)
{
	const struct morph_error *err;
	const char *data = morph_object_data(b->file), *p, *nl;
	size_t len = morph_object_size(b->file), first, last, i, t;

	for (p = data, i = 0; p < data + len; i++) {
		nl = memchr(p, '\n', (size_t)(data + len - p));
		p = nl ? nl + 1 : data + len;
	}
	b->file_lines = i;
	first = opts->first ? opts->first : 1;
	last = opts->last ? opts->last : b->file_lines;
	if (first > last && opts->last != 0) {
		t = first;
		first = last;
		last = t;
	}
	if ((opts->first || opts->last) && (first > b->file_lines ||
	    last > b->file_lines))
		return morph_error_fmt(MORPH_ERR_INVALID, "cannot blame %s "
		    "%zu: '%s' has only %zu line%s", first > b->file_lines ?
		    "from line" : "to line", first > b->file_lines ? first :
		    last, path, b->file_lines, b->file_lines == 1 ? "" : "s");
	if (b->file_lines == 0)
		return NULL;
	b->nlines = b->unblamed = last - first + 1;
	if ((b->lines = calloc(b->nlines, sizeof(*b->lines))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	for (p = data, i = 1; i <= last; i++) {
		nl = memchr(p, '\n', (size_t)(data + len - p));
		if (i >= first) {
			b->lines[i - first].line = i;
			b->lines[i - first].text = p;
			b->lines[i - first].len = nl ? (size_t)(nl - p) :
			    (size_t)(data + len - p);
		}
		p = nl ? nl + 1 : data + len;
	}
	for (i = 0; i < b->nlines; i++)
		if ((err = add_suspect(&b->nodes[0], i, first + i)) != NULL)
			return err;
	return NULL;
}

const struct morph_error *
morph_blame_file(struct morph_blame **out, struct morph_repo *repo,
    const struct morph_oid *commit, const char *path,
    const struct morph_blame_opts *opts)
{
	const struct morph_error *err;
	struct morph_commit *c;
	struct morph_blame *b;
	struct morph_oid id;
	unsigned int mode;
	size_t *ready = NULL, nready = 0, i, j;
	struct node *n, *p;

	*out = NULL;
	if ((b = calloc(1, sizeof(*b))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	if ((err = morph_commit_read(&c, repo, commit)) != NULL)
		goto done;
	if ((err = add_node(b, c)) != NULL) {
		morph_commit_free(c);
		goto done;
	}
	if ((err = morph_tree_lookup(&id, &mode, repo, morph_commit_tree(c),
	    path)) != NULL) {
		if (err->code == MORPH_ERR_NOT_FOUND)
			err = morph_error_fmt(MORPH_ERR_NOT_FOUND, "no file "
			    "'%s' in commit %s", path, morph_oid_tostr(commit));
		goto done;
	}
	if (mode == MORPH_MODE_TREE) {
		err = morph_error_fmt(MORPH_ERR_INVALID, "'%s' is a directory, "
		    "not a file", path);
		goto done;
	}
	if ((err = morph_object_read(&b->file, repo, &id,
	    MORPH_OBJ_BLOB)) != NULL ||
	    (err = start_lines(b, path, opts)) != NULL ||
	    (err = read_history(b, repo)) != NULL ||
	    (err = link_history(b)) != NULL)
		goto done;
	if ((ready = calloc(b->nnodes, sizeof(*ready))) == NULL) {
		err = morph_error(MORPH_ERR_NOMEM);
		goto done;
	}
	/* Kahn's order: a commit is ready once its children are done. */
	ready[nready++] = 0;
	while (nready > 0 && b->unblamed > 0) {
		n = &b->nodes[ready[--nready]];
		if (n->ns > 0 && (err = process(b, repo, n, path)) != NULL)
			goto done;
		for (j = 0; j < n->nparents; j++) {
			p = &b->nodes[n->parents[j]];
			if (--p->children == 0)
				ready[nready++] = n->parents[j];
		}
	}
	for (i = 0; i < b->nlines; i++)
		if (b->lines[i].commit == NULL) {
			err = morph_error_fmt(MORPH_ERR_CORRUPT, "blame of '%s' "
			    "lost line %zu", path, b->lines[i].line);
			goto done;
		}
done:
	free(ready);
	if (err != NULL) {
		morph_blame_free(b);
		return err;
	}
	*out = b;
	return NULL;
}

void
morph_blame_free(struct morph_blame *b)
{
	size_t i;

	if (b == NULL)
		return;
	for (i = 0; i < b->nnodes; i++) {
		morph_commit_free(b->nodes[i].c);
		free(b->nodes[i].parents);
		free(b->nodes[i].s);
	}
	free(b->nodes);
	free(b->lines);
	morph_object_free(b->file);
	free(b);
}

size_t
morph_blame_count(const struct morph_blame *b)
{
	return b->nlines;
}

const struct morph_blame_line *
morph_blame_line(const struct morph_blame *b, size_t i)
{
	return &b->lines[i];
}

size_t
morph_blame_file_lines(const struct morph_blame *b)
{
	return b->file_lines;
}
