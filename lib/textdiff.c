/*
 * Text diffs of two buffers (see textdiff.h): libgit2 matches the lines,
 * and this file lays them out as git does, down to the file headers, the
 * word-diff markers and the --stat graph.
 *
 * The word diff follows git's diff.c: the line diff gives the hunks; in
 * each hunk, a run of removed and added lines (up to the next context
 * line) is split into words, one word a line, the two word lists are
 * diffed with no context, and the new text is printed with the removed
 * words as [-...-] and the added ones as {+...+} at each change.
 */
#include <stdlib.h>
#include <string.h>

#include "morph/textdiff.h"
#include "morph/tree.h"
#include "git2_int.h"
#include "gitbridge_int.h"
#include "json_int.h"

#define C_RESET	"\033[m"
#define C_META	"\033[1m"
#define C_FRAG	"\033[36m"
#define C_OLD	"\033[31m"
#define C_NEW	"\033[32m"

/* git's FIRST_FEW_BYTES: how far binary detection looks. */
#define BINARY_PEEK	8000

int
morph_textdiff_is_binary(const char *data, size_t len)
{
	if (data == NULL)
		return 0;
	return memchr(data, '\0', len < BINARY_PEEK ? len : BINARY_PEEK) !=
	    NULL;
}

int
morph_textdiff_is_utf8(const char *data, size_t len)
{
	return len == 0 || morph_utf8_check(data, len) == 0;
}

static void
diff_options(git_diff_options *go, unsigned int context, int lines)
{
	git_diff_options_init(go, GIT_DIFF_OPTIONS_VERSION);
	go->context_lines = context;
	go->interhunk_lines = 0;
	/*
	 * Binary detection is ours (git's rule, not libgit2's).  Line diffs
	 * slide hunks as git does by default; word lists are diffed plain,
	 * as git's word diff does.
	 */
	go->flags = GIT_DIFF_FORCE_TEXT;
	if (lines)
		go->flags |= GIT_DIFF_INDENT_HEURISTIC;
}

static const struct morph_error *
make_patch(git_patch **out, const char *a, size_t alen, const char *b,
    size_t blen, unsigned int context)
{
	const struct morph_error *err;
	git_diff_options go;
	int rc;

	*out = NULL;
	if ((err = morph_git_init()) != NULL)
		return err;
	diff_options(&go, context, 1);
	rc = git_patch_from_buffers(out, a ? a : "", alen, NULL, b ? b : "",
	    blen, NULL, &go);
	if (rc < 0) {
		*out = NULL;
		return morph_git_error(rc, "cannot diff");
	}
	return NULL;
}

/* Appends color (when on) and returns the reset to use after the text. */
static const char *
paint(struct morph_buf *out, int on, const char *color)
{
	if (!on)
		return "";
	morph_buf_puts(out, color);
	return C_RESET;
}

/* Appends text without its final newline, if any; returns whether it had. */
static int
put_line_body(struct morph_buf *out, const char *s, size_t n)
{
	int nl = n > 0 && s[n - 1] == '\n';

	morph_buf_put(out, s, nl ? n - 1 : n);
	return nl;
}

/* "@@ -a,b +c,d @@ func": the ranges in the frag colour, as git. */
static void
put_hunk_header(struct morph_buf *out, const git_diff_hunk *h, int color)
{
	const char *hdr = h->header, *end;
	size_t n = h->header_len;

	if (n > 0 && hdr[n - 1] == '\n')
		n--;
	end = n > 2 ? strstr(hdr + 2, "@@") : NULL;
	if (!color || end == NULL || (size_t)(end - hdr) + 2 > n) {
		morph_buf_put(out, hdr, n);
		morph_buf_putc(out, '\n');
		return;
	}
	end += 2;
	morph_buf_puts(out, C_FRAG);
	morph_buf_put(out, hdr, (size_t)(end - hdr));
	morph_buf_puts(out, C_RESET);
	morph_buf_put(out, end, n - (size_t)(end - hdr));
	morph_buf_putc(out, '\n');
}

static void
put_lines(struct morph_buf *out, git_patch *p, int color)
{
	const git_diff_hunk *h;
	const git_diff_line *l;
	const char *reset;
	size_t i, j, nlines;

	for (i = 0; i < git_patch_num_hunks(p); i++) {
		if (git_patch_get_hunk(&h, &nlines, p, i) < 0)
			continue;
		put_hunk_header(out, h, color);
		for (j = 0; j < nlines; j++) {
			if (git_patch_get_line_in_hunk(&l, p, i, j) < 0)
				continue;
			switch (l->origin) {
			case GIT_DIFF_LINE_CONTEXT:
				reset = "";
				break;
			case GIT_DIFF_LINE_ADDITION:
				reset = paint(out, color, C_NEW);
				break;
			case GIT_DIFF_LINE_DELETION:
				reset = paint(out, color, C_OLD);
				break;
			default:
				/* The three *_EOFNL kinds. */
				morph_buf_puts(out,
				    "\\ No newline at end of file\n");
				continue;
			}
			morph_buf_putc(out, l->origin);
			put_line_body(out, l->content, l->content_len);
			morph_buf_puts(out, reset);
			morph_buf_putc(out, '\n');
		}
	}
}

const struct morph_error *
morph_textdiff_lines(struct morph_buf *out, const char *a, size_t alen,
    const char *b, size_t blen, const struct morph_textdiff_opts *opts)
{
	const struct morph_error *err;
	git_patch *p;

	if ((err = make_patch(&p, a, alen, b, blen, opts->context)) != NULL)
		return err;
	put_lines(out, p, opts->flags & MORPH_TEXTDIFF_COLOR);
	git_patch_free(p);
	return morph_buf_status(out);
}

/* word diff */

/* A word: bytes [begin, end) of its text. */
struct word {
	size_t	begin;
	size_t	end;
};

/*
 * The words of a text.  v[0] is an empty word at the start, so that
 * v[k] is the k-th word as the 1-based line numbers of the diff count.
 */
struct words {
	const char	*text;
	struct word	*v;
	size_t		 n;
	struct morph_buf lines;		/* one word a line */
};

static int
is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
	    c == '\r';
}

static const struct morph_error *
split_words(struct words *w, const char *text, size_t len)
{
	size_t i = 0, start, cap = 16;

	memset(w, 0, sizeof(*w));
	w->text = text;
	if ((w->v = calloc(cap, sizeof(*w->v))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	w->n = 1;
	while (i < len) {
		while (i < len && is_space((unsigned char)text[i]))
			i++;
		if (i == len)
			break;
		start = i;
		while (i < len && !is_space((unsigned char)text[i]))
			i++;
		if (w->n == cap) {
			struct word *nv;

			cap *= 2;
			if ((nv = realloc(w->v, cap * sizeof(*nv))) == NULL)
				return morph_error(MORPH_ERR_NOMEM);
			w->v = nv;
		}
		w->v[w->n].begin = start;
		w->v[w->n].end = i;
		w->n++;
		morph_buf_put(&w->lines, text + start, i - start);
		morph_buf_putc(&w->lines, '\n');
	}
	return morph_buf_status(&w->lines);
}

static void
free_words(struct words *w)
{
	free(w->v);
	morph_buf_release(&w->lines);
}

/*
 * Appends count bytes of buf with each line's part between prefix and
 * suffix (git's fn_out_diff_words_write_helper): a marked run that spans
 * lines is closed at each line break and reopened after it.
 */
static void
put_marked(struct morph_buf *out, const char *prefix, const char *suffix,
    const char *color, const char *buf, size_t count)
{
	const char *p;
	size_t n;

	while (count > 0) {
		p = memchr(buf, '\n', count);
		n = p ? (size_t)(p - buf) : count;
		if (n > 0) {
			if (color != NULL)
				morph_buf_puts(out, color);
			morph_buf_puts(out, prefix);
			morph_buf_put(out, buf, n);
			morph_buf_puts(out, suffix);
			if (color != NULL)
				morph_buf_puts(out, C_RESET);
		}
		if (p == NULL)
			break;
		morph_buf_putc(out, '\n');
		count -= n + 1;
		buf = p + 1;
	}
}

/*
 * A change between two word lists, in bytes of each text: [mb, me) of
 * the old replaced by [pb, pe) of the new.  Nonzero stops the diff.
 */
typedef int (*word_change_cb)(size_t mb, size_t me, size_t pb, size_t pe,
    void *arg);

struct word_diff {
	struct words	 minus;
	struct words	 plus;
	word_change_cb	 cb;
	void		*arg;
	int		 stopped;	/* cb returned nonzero: no memory */
};

/* One change between the word lists (git's fn_out_diff_words_aux). */
static int
words_hunk_cb(const git_diff_delta *delta, const git_diff_hunk *h,
    void *arg)
{
	struct word_diff *d = arg;
	size_t mb, me, pb, pe;
	size_t ms = (size_t)h->old_start, ml = (size_t)h->old_lines;
	size_t ps = (size_t)h->new_start, pl = (size_t)h->new_lines;

	(void)delta;
	if (ms + ml > d->minus.n || ps + pl > d->plus.n)
		return -1;	/* cannot happen: libgit2 counted our lines */
	if (ml > 0) {
		mb = d->minus.v[ms].begin;
		me = d->minus.v[ms + ml - 1].end;
	} else
		mb = me = d->minus.v[ms].end;
	if (pl > 0) {
		pb = d->plus.v[ps].begin;
		pe = d->plus.v[ps + pl - 1].end;
	} else
		pb = pe = d->plus.v[ps].end;
	if (d->cb(mb, me, pb, pe, d->arg) != 0) {
		d->stopped = 1;
		return -1;
	}
	return 0;
}

/*
 * Diffs the words of a and b (git's diff_words_show), calling cb for
 * each change in order.  When b is empty, all of a is one change.
 */
static const struct morph_error *
word_diff(const char *a, size_t alen, const char *b, size_t blen,
    word_change_cb cb, void *arg)
{
	const struct morph_error *err;
	struct word_diff d;
	git_diff_options go;
	int rc;

	if (blen == 0)
		return alen > 0 && cb(0, alen, 0, 0, arg) != 0 ?
		    morph_error(MORPH_ERR_NOMEM) : NULL;
	memset(&d, 0, sizeof(d));
	d.cb = cb;
	d.arg = arg;
	if ((err = split_words(&d.minus, a ? a : "", alen)) != NULL ||
	    (err = split_words(&d.plus, b, blen)) != NULL)
		goto done;
	if ((err = morph_git_init()) != NULL)
		goto done;
	diff_options(&go, 0, 0);
	rc = git_diff_buffers(morph_buf_cstr(&d.minus.lines), d.minus.lines.len,
	    NULL, morph_buf_cstr(&d.plus.lines), d.plus.lines.len, NULL, &go,
	    NULL, NULL, words_hunk_cb, NULL, &d);
	if (rc < 0)
		err = d.stopped ? morph_error(MORPH_ERR_NOMEM) :
		    morph_git_error(rc, "cannot diff words");
done:
	free_words(&d.minus);
	free_words(&d.plus);
	return err;
}

struct words_run {
	struct morph_buf	*out;
	const char		*a, *b;
	size_t			 current;	/* b printed up to */
	int			 color;
};

static void
put_old(struct words_run *r, const char *s, size_t n)
{
	put_marked(r->out, "[-", "-]", r->color ? C_OLD : NULL, s, n);
}

static void
put_new(struct words_run *r, const char *s, size_t n)
{
	put_marked(r->out, "{+", "+}", r->color ? C_NEW : NULL, s, n);
}

static int
words_run_cb(size_t mb, size_t me, size_t pb, size_t pe, void *arg)
{
	struct words_run *r = arg;

	if (r->current < pb)
		put_marked(r->out, "", "", NULL, r->b + r->current,
		    pb - r->current);
	if (mb != me)
		put_old(r, r->a + mb, me - mb);
	if (pb != pe)
		put_new(r, r->b + pb, pe - pb);
	r->current = pe;
	return 0;
}

/* The new text with the word changes from a marked. */
static const struct morph_error *
words_run(struct morph_buf *out, const char *a, size_t alen, const char *b,
    size_t blen, int color)
{
	const struct morph_error *err;
	struct words_run r;

	memset(&r, 0, sizeof(r));
	r.out = out;
	r.a = a;
	r.b = b;
	r.color = color;
	if ((err = word_diff(a, alen, b, blen, words_run_cb, &r)) != NULL)
		return err;
	if (r.current < blen)
		put_marked(out, "", "", NULL, b + r.current, blen - r.current);
	return morph_buf_status(out);
}

const struct morph_error *
morph_textdiff_words_inline(struct morph_buf *out, const char *a,
    size_t alen, const char *b, size_t blen, int color)
{
	return words_run(out, a, alen, b, blen, color);
}

struct changes {
	struct morph_textdiff_wordchange	*v;
	size_t					 n, cap;
};

static int
add_change_cb(size_t mb, size_t me, size_t pb, size_t pe, void *arg)
{
	struct changes *c = arg;
	struct morph_textdiff_wordchange *nv;
	size_t cap;

	if (c->n == c->cap) {
		cap = c->cap ? c->cap * 2 : 8;
		if ((nv = realloc(c->v, cap * sizeof(*nv))) == NULL)
			return -1;
		c->v = nv;
		c->cap = cap;
	}
	c->v[c->n].a_begin = mb;
	c->v[c->n].a_end = me;
	c->v[c->n].b_begin = pb;
	c->v[c->n].b_end = pe;
	c->n++;
	return 0;
}

const struct morph_error *
morph_textdiff_word_changes(struct morph_textdiff_wordchange **out,
    size_t *n, const char *a, size_t alen, const char *b, size_t blen)
{
	const struct morph_error *err;
	struct changes c;

	memset(&c, 0, sizeof(c));
	*out = NULL;
	*n = 0;
	if ((err = word_diff(a, alen, b, blen, add_change_cb, &c)) != NULL) {
		free(c.v);
		return err;
	}
	*out = c.v;
	*n = c.n;
	return NULL;
}

/* Prints a pending run of changes and empties it. */
static const struct morph_error *
flush_run(struct morph_buf *out, struct morph_buf *minus,
    struct morph_buf *plus, int color)
{
	const struct morph_error *err;

	if (minus->len == 0 && plus->len == 0)
		return NULL;
	err = words_run(out, minus->ptr, minus->len, plus->ptr, plus->len,
	    color);
	/* A last line without a newline still ends the output line. */
	if (err == NULL && out->len > 0 && out->ptr[out->len - 1] != '\n')
		morph_buf_putc(out, '\n');
	morph_buf_clear(minus);
	morph_buf_clear(plus);
	return err;
}

static const struct morph_error *
put_words(struct morph_buf *out, git_patch *p, int color)
{
	struct morph_buf minus = MORPH_BUF_INIT, plus = MORPH_BUF_INIT;
	const struct morph_error *err = NULL;
	const git_diff_hunk *h;
	const git_diff_line *l;
	size_t i, j, nlines;

	for (i = 0; i < git_patch_num_hunks(p) && err == NULL; i++) {
		if (git_patch_get_hunk(&h, &nlines, p, i) < 0)
			continue;
		put_hunk_header(out, h, color);
		for (j = 0; j < nlines && err == NULL; j++) {
			if (git_patch_get_line_in_hunk(&l, p, i, j) < 0)
				continue;
			switch (l->origin) {
			case GIT_DIFF_LINE_ADDITION:
				morph_buf_put(&plus, l->content,
				    l->content_len);
				break;
			case GIT_DIFF_LINE_DELETION:
				morph_buf_put(&minus, l->content,
				    l->content_len);
				break;
			case GIT_DIFF_LINE_CONTEXT:
				err = flush_run(out, &minus, &plus, color);
				put_line_body(out, l->content, l->content_len);
				morph_buf_putc(out, '\n');
				break;
			default:
				/* No newline at the end: the run goes on. */
				break;
			}
		}
		if (err == NULL)
			err = flush_run(out, &minus, &plus, color);
	}
	if (err == NULL && (err = morph_buf_status(&minus)) == NULL)
		err = morph_buf_status(&plus);
	morph_buf_release(&minus);
	morph_buf_release(&plus);
	return err;
}

const struct morph_error *
morph_textdiff_words(struct morph_buf *out, const char *a, size_t alen,
    const char *b, size_t blen, const struct morph_textdiff_opts *opts)
{
	const struct morph_error *err;
	git_patch *p;

	if ((err = make_patch(&p, a, alen, b, blen, opts->context)) != NULL)
		return err;
	err = put_words(out, p, opts->flags & MORPH_TEXTDIFF_COLOR);
	git_patch_free(p);
	return err ? err : morph_buf_status(out);
}

/* file patches */

static int
needs_quoting(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == '"' || *s == '\\' ||
		    *s == 0x7f)
			return 1;
	return 0;
}

/*
 * prefix and path, in double quotes with C escapes when the path holds a
 * quote, a backslash or a control character (git's quote_c_style; bytes
 * of UTF-8 are left alone, as with core.quotePath off).
 */
static void
put_name(struct morph_buf *out, const char *prefix, const char *path)
{
	static const char esc[] = "\a\b\t\n\v\f\r\"\\";
	static const char letter[] = "abtnvfr\"\\";
	const char *e;

	if (!needs_quoting(path)) {
		morph_buf_puts(out, prefix);
		morph_buf_puts(out, path);
		return;
	}
	morph_buf_putc(out, '"');
	morph_buf_puts(out, prefix);
	for (; *path != '\0'; path++) {
		unsigned char c = (unsigned char)*path;

		if ((e = strchr(esc, c)) != NULL && c != '\0') {
			morph_buf_putc(out, '\\');
			morph_buf_putc(out, letter[e - esc]);
		} else if (c < 0x20 || c == 0x7f)
			morph_buf_printf(out, "\\%03o", c);
		else
			morph_buf_putc(out, c);
	}
	morph_buf_putc(out, '"');
}

/* Starts a header line in the meta colour. */
static void
meta_begin(struct morph_buf *out, int color)
{
	if (color)
		morph_buf_puts(out, C_META);
}

static void
meta_end(struct morph_buf *out, int color)
{
	if (color)
		morph_buf_puts(out, C_RESET);
	morph_buf_putc(out, '\n');
}

/* The label of a side on the ---, +++ and Binary lines. */
static void
put_label(struct morph_buf *out, const struct morph_textdiff_file *f,
    const char *prefix)
{
	if (f == NULL || f->path == NULL)
		morph_buf_puts(out, "/dev/null");
	else
		put_name(out, prefix, f->path);
}

static void
put_id(struct morph_buf *out, const struct morph_textdiff_file *f)
{
	char hex[MORPH_OID_HEXSZ + 1];
	struct morph_oid id;

	if (f == NULL || f->path == NULL) {
		morph_buf_printf(out, "%.12s", "000000000000");
		return;
	}
	if (f->id != NULL)
		id = *f->id;
	else
		morph_hash_object(&id, "blob", f->data ? f->data : "", f->len);
	morph_oid_fmt(hex, &id);
	morph_buf_printf(out, "%.12s", hex);
}

static void
put_file_line(struct morph_buf *out, const char *what,
    const struct morph_textdiff_file *f, const char *prefix, int color)
{
	size_t start;

	meta_begin(out, color);
	morph_buf_puts(out, what);
	start = out->len;
	put_label(out, f, prefix);
	if (color)
		morph_buf_puts(out, C_RESET);
	/* git ends the name with a tab when it holds a space, for patch(1). */
	if (!out->failed && memchr(out->ptr + start, ' ', out->len - start))
		morph_buf_putc(out, '\t');
	morph_buf_putc(out, '\n');
}

static int
same_content(const struct morph_textdiff_file *a,
    const struct morph_textdiff_file *b)
{
	if (a->id != NULL && b->id != NULL)
		return morph_oid_cmp(a->id, b->id) == 0;
	return a->len == b->len && (a->len == 0 ||
	    memcmp(a->data, b->data, a->len) == 0);
}

const struct morph_error *
morph_textdiff_patch(struct morph_buf *out,
    const struct morph_textdiff_file *old,
    const struct morph_textdiff_file *new,
    const struct morph_textdiff_opts *opts)
{
	const struct morph_error *err = NULL;
	static const struct morph_textdiff_file none;
	const struct morph_textdiff_file *a, *b;
	int color = opts->flags & MORPH_TEXTDIFF_COLOR;
	int have_a, have_b, changed;
	git_patch *p = NULL;

	a = old != NULL ? old : &none;
	b = new != NULL ? new : &none;
	have_a = a->path != NULL;
	have_b = b->path != NULL;
	if (!have_a && !have_b)
		return morph_error_fmt(MORPH_ERR_INVALID,
		    "cannot diff: neither side has a file");
	changed = !have_a || !have_b || !same_content(a, b);
	if (!changed && a->mode == b->mode)
		return NULL;

	meta_begin(out, color);
	morph_buf_puts(out, "diff --git ");
	put_name(out, "a/", have_a ? a->path : b->path);
	morph_buf_putc(out, ' ');
	put_name(out, "b/", have_b ? b->path : a->path);
	meta_end(out, color);
	if (!have_a) {
		meta_begin(out, color);
		morph_buf_printf(out, "new file mode %06o", b->mode);
		meta_end(out, color);
	} else if (!have_b) {
		meta_begin(out, color);
		morph_buf_printf(out, "deleted file mode %06o", a->mode);
		meta_end(out, color);
	} else if (a->mode != b->mode) {
		meta_begin(out, color);
		morph_buf_printf(out, "old mode %06o", a->mode);
		meta_end(out, color);
		meta_begin(out, color);
		morph_buf_printf(out, "new mode %06o", b->mode);
		meta_end(out, color);
	}
	if (!changed)
		return morph_buf_status(out);

	meta_begin(out, color);
	morph_buf_puts(out, "index ");
	put_id(out, have_a ? a : NULL);
	morph_buf_puts(out, "..");
	put_id(out, have_b ? b : NULL);
	if (have_a && have_b && a->mode == b->mode)
		morph_buf_printf(out, " %06o", a->mode);
	meta_end(out, color);

	if (morph_textdiff_is_binary(a->data, a->len) ||
	    morph_textdiff_is_binary(b->data, b->len)) {
		morph_buf_puts(out, "Binary files ");
		put_label(out, a, "a/");
		morph_buf_puts(out, " and ");
		put_label(out, b, "b/");
		morph_buf_puts(out, " differ\n");
		return morph_buf_status(out);
	}
	if ((err = make_patch(&p, a->data, a->len, b->data, b->len,
	    opts->context)) != NULL)
		return err;
	if (git_patch_num_hunks(p) > 0) {
		put_file_line(out, "--- ", a, "a/", color);
		put_file_line(out, "+++ ", b, "b/", color);
		if (opts->flags & MORPH_TEXTDIFF_WORDS)
			err = put_words(out, p, color);
		else
			put_lines(out, p, color);
	}
	git_patch_free(p);
	return err ? err : morph_buf_status(out);
}

/* --stat */

const struct morph_error *
morph_textdiff_stat(struct morph_textdiff_stat *out,
    const struct morph_textdiff_file *old,
    const struct morph_textdiff_file *new)
{
	static const struct morph_textdiff_file none;
	const struct morph_textdiff_file *a, *b;
	const struct morph_error *err;
	size_t ctx, adds, dels;
	git_patch *p;

	memset(out, 0, sizeof(*out));
	a = old != NULL && old->path != NULL ? old : &none;
	b = new != NULL && new->path != NULL ? new : &none;
	out->old_size = a->len;
	out->new_size = b->len;
	if (morph_textdiff_is_binary(a->data, a->len) ||
	    morph_textdiff_is_binary(b->data, b->len)) {
		out->binary = 1;
		return NULL;
	}
	if ((err = make_patch(&p, a->data, a->len, b->data, b->len, 0)) != NULL)
		return err;
	if (git_patch_line_stats(&ctx, &adds, &dels, p) < 0)
		err = morph_git_error(-1, "cannot count changed lines");
	else {
		out->insertions = adds;
		out->deletions = dels;
	}
	git_patch_free(p);
	return err;
}

static int
decimal_width(size_t n)
{
	int w = 1;

	while (n >= 10) {
		n /= 10;
		w++;
	}
	return w;
}

/* Columns a UTF-8 string takes, counting one per character. */
static int
text_width(const char *s)
{
	int w = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

/* Skips one UTF-8 character. */
static const char *
next_char(const char *s)
{
	if (*s != '\0')
		s++;
	while (((unsigned char)*s & 0xc0) == 0x80)
		s++;
	return s;
}

static size_t
scale_linear(size_t it, size_t width, size_t max_change)
{
	if (it == 0)
		return 0;
	return 1 + it * (width - 1) / max_change;
}

static void
put_graph(struct morph_buf *out, int c, size_t n, const char *color,
    int on)
{
	if (n == 0)
		return;
	if (on)
		morph_buf_puts(out, color);
	while (n-- > 0)
		morph_buf_putc(out, c);
	if (on)
		morph_buf_puts(out, C_RESET);
}

/* git's show_stats, without renames, name or graph width settings. */
void
morph_textdiff_stat_table(struct morph_buf *out,
    const struct morph_textdiff_statline *v, size_t n, int width, int color)
{
	size_t i, max_change = 0, ins = 0, dels = 0, added, deleted, add, del;
	size_t total;
	int max_len = 0, number_width = 0, bin_width = 0, graph_width;
	int name_width, len, w, padding;
	const char *name, *prefix, *slash;

	if (n == 0)
		return;
	for (i = 0; i < n; i++) {
		const struct morph_textdiff_stat *s = &v[i].stat;

		if ((w = text_width(v[i].path)) > max_len)
			max_len = w;
		if (s->binary) {
			w = 14 + decimal_width(s->new_size) +
			    decimal_width(s->old_size);
			if (w > bin_width)
				bin_width = w;
			/* Align the counts with "Bin". */
			number_width = 3;
			continue;
		}
		if (s->insertions + s->deletions > max_change)
			max_change = s->insertions + s->deletions;
	}
	if (decimal_width(max_change) > number_width)
		number_width = decimal_width(max_change);
	if (width < 16 + 6 + number_width)
		width = 16 + 6 + number_width;
	graph_width = (int)max_change + 4 > bin_width ? (int)max_change :
	    bin_width - 4;
	name_width = max_len;
	if (name_width + number_width + 6 + graph_width > width) {
		if (graph_width > width * 3 / 8 - number_width - 6) {
			graph_width = width * 3 / 8 - number_width - 6;
			if (graph_width < 6)
				graph_width = 6;
		}
		if (name_width > width - number_width - 6 - graph_width)
			name_width = width - number_width - 6 - graph_width;
		else
			graph_width = width - number_width - 6 - name_width;
	}

	for (i = 0; i < n; i++) {
		const struct morph_textdiff_stat *s = &v[i].stat;

		name = v[i].path;
		prefix = "";
		len = name_width;
		if (name_width < text_width(name)) {
			/* Too long: "..." and the tail, from a slash if any. */
			prefix = "...";
			len -= 3;
			if (len < 0)
				len = 0;
			while (text_width(name) > len)
				name = next_char(name);
			if ((slash = strchr(name, '/')) != NULL)
				name = slash;
		}
		padding = len - text_width(name);
		if (padding < 0)
			padding = 0;
		if (s->binary) {
			morph_buf_printf(out, " %s%s%*s | %*s", prefix, name,
			    padding, "", number_width, "Bin");
			if (s->old_size == 0 && s->new_size == 0) {
				morph_buf_putc(out, '\n');
				continue;
			}
			morph_buf_printf(out, " %s%zu%s -> %s%zu%s bytes\n",
			    color ? C_OLD : "", s->old_size,
			    color ? C_RESET : "", color ? C_NEW : "",
			    s->new_size, color ? C_RESET : "");
			continue;
		}
		added = s->insertions;
		deleted = s->deletions;
		ins += added;
		dels += deleted;
		add = added;
		del = deleted;
		if (graph_width > 0 && (size_t)graph_width <= max_change) {
			total = scale_linear(add + del, (size_t)graph_width,
			    max_change);
			if (total < 2 && add && del)
				total = 2;
			if (add < del) {
				add = scale_linear(add, (size_t)graph_width,
				    max_change);
				del = total - add;
			} else {
				del = scale_linear(del, (size_t)graph_width,
				    max_change);
				add = total - del;
			}
		}
		morph_buf_printf(out, " %s%s%*s | %*zu%s", prefix, name,
		    padding, "", number_width, added + deleted,
		    added + deleted ? " " : "");
		put_graph(out, '+', add, C_NEW, color);
		put_graph(out, '-', del, C_OLD, color);
		morph_buf_putc(out, '\n');
	}

	morph_buf_printf(out, " %zu file%s changed", n, n == 1 ? "" : "s");
	/* As git: never a bare "N files changed". */
	if (ins || dels == 0)
		morph_buf_printf(out, ", %zu insertion%s(+)", ins,
		    ins == 1 ? "" : "s");
	if (dels || ins == 0)
		morph_buf_printf(out, ", %zu deletion%s(-)", dels,
		    dels == 1 ? "" : "s");
	morph_buf_putc(out, '\n');
}
