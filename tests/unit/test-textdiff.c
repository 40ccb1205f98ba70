/*
 * Text diffs: file patches with git's headers, hunks, word diffs, binary
 * detection and --stat counts and tables.  The expected texts are what
 * git 2.39 prints for the same contents (ids aside: git's are SHA-1).
 */
#include "test.h"
#include "morph/textdiff.h"
#include "morph/tree.h"

/* Fixed ids, so the index lines are known: 1111... and 2222... */
static struct morph_oid id1, id2;

static void
set_ids(void)
{
	memset(id1.id, 0x11, sizeof(id1.id));
	memset(id2.id, 0x22, sizeof(id2.id));
}

#define FILE_MODE	MORPH_MODE_FILE
#define EXEC_MODE	MORPH_MODE_EXEC
#define NONE		NULL

struct patch_case {
	const char	*name;
	const char	*path;		/* both sides' path */
	const char	*old;		/* NULL: no old file */
	const char	*new;		/* NULL: no new file */
	unsigned int	 old_mode;
	unsigned int	 new_mode;
	unsigned int	 context;
	int		 flags;
	const char	*want;
	size_t		 old_len;	/* 0: strlen(old) */
	size_t		 new_len;	/* 0: strlen(new) */
};

static const struct patch_case patch_cases[] = {
	{ "modified line", "p.txt", "a\nb\nc\n", "a\nB\nc\n", FILE_MODE,
	  FILE_MODE, 3, 0,
	  "diff --git a/p.txt b/p.txt\n"
	  "index 111111111111..222222222222 100644\n"
	  "--- a/p.txt\n"
	  "+++ b/p.txt\n"
	  "@@ -1,3 +1,3 @@\n"
	  " a\n"
	  "-b\n"
	  "+B\n"
	  " c\n", 0, 0 },
	{ "added lines", "p.txt", "a\n", "a\nb\nc\n", FILE_MODE, FILE_MODE,
	  3, 0,
	  "diff --git a/p.txt b/p.txt\n"
	  "index 111111111111..222222222222 100644\n"
	  "--- a/p.txt\n"
	  "+++ b/p.txt\n"
	  "@@ -1 +1,3 @@\n"
	  " a\n"
	  "+b\n"
	  "+c\n", 0, 0 },
	{ "removed lines", "p.txt", "a\nb\nc\nd\n", "a\nd\n", FILE_MODE,
	  FILE_MODE, 3, 0,
	  "diff --git a/p.txt b/p.txt\n"
	  "index 111111111111..222222222222 100644\n"
	  "--- a/p.txt\n"
	  "+++ b/p.txt\n"
	  "@@ -1,4 +1,2 @@\n"
	  " a\n"
	  "-b\n"
	  "-c\n"
	  " d\n", 0, 0 },
	{ "new file", "new.txt", NONE, "hello\nworld\n", 0, FILE_MODE, 3, 0,
	  "diff --git a/new.txt b/new.txt\n"
	  "new file mode 100644\n"
	  "index 000000000000..222222222222\n"
	  "--- /dev/null\n"
	  "+++ b/new.txt\n"
	  "@@ -0,0 +1,2 @@\n"
	  "+hello\n"
	  "+world\n", 0, 0 },
	{ "deleted file", "old.txt", "bye\n", NONE, EXEC_MODE, 0, 3, 0,
	  "diff --git a/old.txt b/old.txt\n"
	  "deleted file mode 100755\n"
	  "index 111111111111..000000000000\n"
	  "--- a/old.txt\n"
	  "+++ /dev/null\n"
	  "@@ -1 +0,0 @@\n"
	  "-bye\n", 0, 0 },
	{ "new empty file", "e", NONE, "", 0, FILE_MODE, 3, 0,
	  "diff --git a/e b/e\n"
	  "new file mode 100644\n"
	  "index 000000000000..222222222222\n", 0, 0 },
	{ "emptied file", "e", "x\n", "", FILE_MODE, FILE_MODE, 3, 0,
	  "diff --git a/e b/e\n"
	  "index 111111111111..222222222222 100644\n"
	  "--- a/e\n"
	  "+++ b/e\n"
	  "@@ -1 +0,0 @@\n"
	  "-x\n", 0, 0 },
	{ "no newline at end", "p", "a\nb\nc", "a\nb\nC", FILE_MODE,
	  FILE_MODE, 3, 0,
	  "diff --git a/p b/p\n"
	  "index 111111111111..222222222222 100644\n"
	  "--- a/p\n"
	  "+++ b/p\n"
	  "@@ -1,3 +1,3 @@\n"
	  " a\n"
	  " b\n"
	  "-c\n"
	  "\\ No newline at end of file\n"
	  "+C\n"
	  "\\ No newline at end of file\n", 0, 0 },
	{ "newline added at end", "p", "a\nb", "a\nb\n", FILE_MODE, FILE_MODE,
	  3, 0,
	  "diff --git a/p b/p\n"
	  "index 111111111111..222222222222 100644\n"
	  "--- a/p\n"
	  "+++ b/p\n"
	  "@@ -1,2 +1,2 @@\n"
	  " a\n"
	  "-b\n"
	  "\\ No newline at end of file\n"
	  "+b\n", 0, 0 },
	{ "mode only", "run.sh", "echo\n", "echo\n", FILE_MODE, EXEC_MODE, 3,
	  0,
	  "diff --git a/run.sh b/run.sh\n"
	  "old mode 100644\n"
	  "new mode 100755\n", 0, 0 },
	{ "mode and content", "run.sh", "echo\n", "echo hi\n", FILE_MODE,
	  EXEC_MODE, 3, 0,
	  "diff --git a/run.sh b/run.sh\n"
	  "old mode 100644\n"
	  "new mode 100755\n"
	  "index 111111111111..222222222222\n"
	  "--- a/run.sh\n"
	  "+++ b/run.sh\n"
	  "@@ -1 +1 @@\n"
	  "-echo\n"
	  "+echo hi\n", 0, 0 },
	{ "equal", "p", "same\n", "same\n", FILE_MODE, FILE_MODE, 3, 0, "",
	  0, 0 },
	{ "context and function line", "f.c",
	  "int main()\n{\n\tfoo();\n\tbar();\n\tbaz();\n\tqux();\n"
	  "\tquux();\n}\n",
	  "int main()\n{\n\tfoo();\n\tbar();\n\tbaz();\n\tqux();\n"
	  "\tQUUX();\n}\n", FILE_MODE, FILE_MODE, 3, 0,
	  "diff --git a/f.c b/f.c\n"
	  "index 111111111111..222222222222 100644\n"
	  "--- a/f.c\n"
	  "+++ b/f.c\n"
	  "@@ -4,5 +4,5 @@ int main()\n"
	  " \tbar();\n"
	  " \tbaz();\n"
	  " \tqux();\n"
	  "-\tquux();\n"
	  "+\tQUUX();\n"
	  " }\n", 0, 0 },
	{ "one line of context, two hunks", "n",
	  "1\n2\n3\n4\n5\n6\n7\n8\n", "1\nII\n3\n4\n5\n6\nVII\n8\n",
	  FILE_MODE, FILE_MODE, 1, 0,
	  "diff --git a/n b/n\n"
	  "index 111111111111..222222222222 100644\n"
	  "--- a/n\n"
	  "+++ b/n\n"
	  "@@ -1,3 +1,3 @@\n"
	  " 1\n"
	  "-2\n"
	  "+II\n"
	  " 3\n"
	  "@@ -6,3 +6,3 @@\n"
	  " 6\n"
	  "-7\n"
	  "+VII\n"
	  " 8\n", 0, 0 },
	{ "no context", "n", "1\n2\n3\n", "1\nII\n3\n", FILE_MODE, FILE_MODE,
	  0, 0,
	  "diff --git a/n b/n\n"
	  "index 111111111111..222222222222 100644\n"
	  "--- a/n\n"
	  "+++ b/n\n"
	  "@@ -2 +2 @@\n"
	  "-2\n"
	  "+II\n", 0, 0 },
	{ "binary", "img.bin", "x\0y", "x\0yz", FILE_MODE, FILE_MODE, 3, 0,
	  "diff --git a/img.bin b/img.bin\n"
	  "index 111111111111..222222222222 100644\n"
	  "Binary files a/img.bin and b/img.bin differ\n", 3, 4 },
	{ "binary new file", "img.bin", NONE, "\0\1\2", 0, FILE_MODE, 3, 0,
	  "diff --git a/img.bin b/img.bin\n"
	  "new file mode 100644\n"
	  "index 000000000000..222222222222\n"
	  "Binary files /dev/null and b/img.bin differ\n", 0, 3 },
	{ "text becomes binary", "t", "text\n", "te\0xt\n", FILE_MODE,
	  FILE_MODE, 3, MORPH_TEXTDIFF_WORDS,
	  "diff --git a/t b/t\n"
	  "index 111111111111..222222222222 100644\n"
	  "Binary files a/t and b/t differ\n", 0, 6 },
	{ "UTF-8 text and name", "caf\xc3\xa9.txt",
	  "na\xc3\xafve\n", "na\xc3\xafve r\xc3\xa9sum\xc3\xa9\n", FILE_MODE,
	  FILE_MODE, 3, 0,
	  "diff --git a/caf\xc3\xa9.txt b/caf\xc3\xa9.txt\n"
	  "index 111111111111..222222222222 100644\n"
	  "--- a/caf\xc3\xa9.txt\n"
	  "+++ b/caf\xc3\xa9.txt\n"
	  "@@ -1 +1 @@\n"
	  "-na\xc3\xafve\n"
	  "+na\xc3\xafve r\xc3\xa9sum\xc3\xa9\n", 0, 0 },
	{ "CRLF", "w.txt", "a b\r\nc d\r\n", "a x\r\nc d\r\n", FILE_MODE,
	  FILE_MODE, 3, 0,
	  "diff --git a/w.txt b/w.txt\n"
	  "index 111111111111..222222222222 100644\n"
	  "--- a/w.txt\n"
	  "+++ b/w.txt\n"
	  "@@ -1,2 +1,2 @@\n"
	  "-a b\r\n"
	  "+a x\r\n"
	  " c d\r\n", 0, 0 },
	{ "name with a space", "sp ace.txt", "one\n", "one\ntwo\n", FILE_MODE,
	  FILE_MODE, 3, 0,
	  "diff --git a/sp ace.txt b/sp ace.txt\n"
	  "index 111111111111..222222222222 100644\n"
	  "--- a/sp ace.txt\t\n"
	  "+++ b/sp ace.txt\t\n"
	  "@@ -1 +1,2 @@\n"
	  " one\n"
	  "+two\n", 0, 0 },
	{ "name with a quote", "say \"hi\".txt", NONE, "hi\n", 0, FILE_MODE,
	  3, 0,
	  "diff --git \"a/say \\\"hi\\\".txt\" \"b/say \\\"hi\\\".txt\"\n"
	  "new file mode 100644\n"
	  "index 000000000000..222222222222\n"
	  "--- /dev/null\n"
	  "+++ \"b/say \\\"hi\\\".txt\"\t\n"
	  "@@ -0,0 +1 @@\n"
	  "+hi\n", 0, 0 },
	{ "word diff of prose", "prose.md",
	  "The quick brown fox jumps over the lazy dog.\nSecond line here.\n",
	  "The slow brown fox leaps over the lazy cat.\nSecond line here.\n"
	  "A new line.\n", FILE_MODE, FILE_MODE, 3, MORPH_TEXTDIFF_WORDS,
	  "diff --git a/prose.md b/prose.md\n"
	  "index 111111111111..222222222222 100644\n"
	  "--- a/prose.md\n"
	  "+++ b/prose.md\n"
	  "@@ -1,2 +1,3 @@\n"
	  "The [-quick-]{+slow+} brown fox [-jumps-]{+leaps+} over the lazy "
	  "[-dog.-]{+cat.+}\n"
	  "Second line here.\n"
	  "{+A new line.+}\n", 0, 0 },
	{ "word diff of a new file", "n", NONE, "all new\n", 0, FILE_MODE, 3,
	  MORPH_TEXTDIFF_WORDS,
	  "diff --git a/n b/n\n"
	  "new file mode 100644\n"
	  "index 000000000000..222222222222\n"
	  "--- /dev/null\n"
	  "+++ b/n\n"
	  "@@ -0,0 +1 @@\n"
	  "{+all new+}\n", 0, 0 },
	{ "word diff, no newline at end", "p", "p q r", "s t u", FILE_MODE,
	  FILE_MODE, 3, MORPH_TEXTDIFF_WORDS,
	  "diff --git a/p b/p\n"
	  "index 111111111111..222222222222 100644\n"
	  "--- a/p\n"
	  "+++ b/p\n"
	  "@@ -1 +1 @@\n"
	  "[-p q r-]{+s t u+}\n", 0, 0 },
	{ "coloured", "c", "a\nb\n", "a\nB\n", FILE_MODE, FILE_MODE, 3,
	  MORPH_TEXTDIFF_COLOR,
	  "\033[1mdiff --git a/c b/c\033[m\n"
	  "\033[1mindex 111111111111..222222222222 100644\033[m\n"
	  "\033[1m--- a/c\033[m\n"
	  "\033[1m+++ b/c\033[m\n"
	  "\033[36m@@ -1,2 +1,2 @@\033[m\n"
	  " a\n"
	  "\033[31m-b\033[m\n"
	  "\033[32m+B\033[m\n", 0, 0 },
};

static void
fill_side(struct morph_textdiff_file *f, const char *path, const char *data,
    size_t len, const struct morph_oid *id, unsigned int mode)
{
	memset(f, 0, sizeof(*f));
	if (data == NULL)
		return;
	f->path = path;
	f->data = data;
	f->len = len;
	f->id = id;
	f->mode = mode;
}

static void
test_patches(void)
{
	struct morph_textdiff_opts opts = MORPH_TEXTDIFF_OPTS_INIT;
	struct morph_textdiff_file a, b;
	struct morph_buf out = MORPH_BUF_INIT;
	size_t i;

	set_ids();
	for (i = 0; i < sizeof(patch_cases) / sizeof(patch_cases[0]); i++) {
		const struct patch_case *c = &patch_cases[i];

		test_current = c->name;
		fill_side(&a, c->path, c->old, c->old_len ? c->old_len :
		    c->old ? strlen(c->old) : 0, &id1, c->old_mode);
		fill_side(&b, c->path, c->new, c->new_len ? c->new_len :
		    c->new ? strlen(c->new) : 0, &id2, c->new_mode);
		/* Equal contents get equal ids. */
		if (a.path != NULL && b.path != NULL && a.len == b.len &&
		    memcmp(a.data, b.data, a.len) == 0)
			b.id = &id1;
		opts.context = c->context;
		opts.flags = c->flags;
		morph_buf_clear(&out);
		T_OK(morph_textdiff_patch(&out, &a, &b, &opts));
		T_STREQ(morph_buf_cstr(&out), c->want);
	}
	morph_buf_release(&out);
}

/* Without ids, the sides are hashed as blobs. */
static void
test_patch_hashes_data(void)
{
	struct morph_textdiff_opts opts = MORPH_TEXTDIFF_OPTS_INIT;
	struct morph_textdiff_file a, b;
	struct morph_buf out = MORPH_BUF_INIT, want = MORPH_BUF_INIT;
	char ha[MORPH_OID_HEXSZ + 1], hb[MORPH_OID_HEXSZ + 1];
	struct morph_oid ia, ib;

	fill_side(&a, "p", "a\n", 2, NULL, FILE_MODE);
	fill_side(&b, "p", "b\n", 2, NULL, FILE_MODE);
	morph_hash_object(&ia, "blob", "a\n", 2);
	morph_hash_object(&ib, "blob", "b\n", 2);
	morph_oid_fmt(ha, &ia);
	morph_oid_fmt(hb, &ib);
	morph_buf_printf(&want, "index %.12s..%.12s 100644\n", ha, hb);
	T_OK(morph_textdiff_patch(&out, &a, &b, &opts));
	T_CONTAINS(morph_buf_cstr(&out), want.ptr);
	/* Same bytes, no ids: no difference at all. */
	morph_buf_clear(&out);
	fill_side(&b, "p", "a\n", 2, NULL, FILE_MODE);
	T_OK(morph_textdiff_patch(&out, &a, &b, &opts));
	T_INTEQ(out.len, 0);
	T_ERR(morph_textdiff_patch(&out, NULL, NULL, &opts),
	    MORPH_ERR_INVALID);
	morph_buf_release(&out);
	morph_buf_release(&want);
}

struct words_case {
	const char	*a;
	const char	*b;
	unsigned int	 context;
	const char	*want;
};

static void
test_words(void)
{
	static const struct words_case cases[] = {
		{ "one two three\nfour five six\nseven\n",
		  "one 2 three\nfour five six\nseven eight\n", 3,
		  "@@ -1,3 +1,3 @@\n"
		  "one [-two-]{+2+} three\n"
		  "four five six\n"
		  "seven {+eight+}\n" },
		/* The spaces between unchanged words are the new text's. */
		{ "word  spaced   out\n", "word spaced out here\n", 3,
		  "@@ -1 +1 @@\n"
		  "word spaced out {+here+}\n" },
		/*
		 * A run of several lines becomes one rewritten run; as in
		 * git, a removal after the last common word sticks to it.
		 */
		{ "keep\nold line one\nold line two\nkeep2\n",
		  "keep\nnew line\nkeep2\n", 3,
		  "@@ -1,4 +1,3 @@\n"
		  "keep\n"
		  "[-old-]{+new+} line[-one-]\n"
		  "[-old line two-]\n"
		  "keep2\n" },
		/* Only removal: the whole run is marked, line by line. */
		{ "a\nb\nc\nd\n", "a\nd\n", 3,
		  "@@ -1,4 +1,2 @@\n"
		  "a\n"
		  "[-b-]\n"
		  "[-c-]\n"
		  "d\n" },
		/* Only white space changed: the new text, unmarked. */
		{ "x\n", "  x  \n", 3,
		  "@@ -1 +1 @@\n"
		  "  x  \n" },
		{ "caf\xc3\xa9 au lait\n", "caf\xc3\xa9 noir\n", 3,
		  "@@ -1 +1 @@\n"
		  "caf\xc3\xa9 [-au lait-]{+noir+}\n" },
		{ "a b\r\nc d\r\n", "a x\r\nc d\r\n", 3,
		  "@@ -1,2 +1,2 @@\n"
		  "a [-b-]{+x+}\r\n"
		  "c d\r\n" },
		{ "", "fresh text\n", 3,
		  "@@ -0,0 +1 @@\n"
		  "{+fresh text+}\n" },
		{ "gone\n", "", 3,
		  "@@ -1 +0,0 @@\n"
		  "[-gone-]\n" },
		{ "1\n2\n3\n4\n5\n", "1\n2\nthree\n4\n5\n", 0,
		  "@@ -3 +3 @@\n"
		  "[-3-]{+three+}\n" },
		{ "same\n", "same\n", 3, "" },
	};
	struct morph_textdiff_opts opts = MORPH_TEXTDIFF_OPTS_INIT;
	struct morph_buf out = MORPH_BUF_INIT;
	char name[32];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(name, sizeof(name), "test_words[%zu]", i);
		test_current = name;
		opts.context = cases[i].context;
		morph_buf_clear(&out);
		T_OK(morph_textdiff_words(&out, cases[i].a,
		    strlen(cases[i].a), cases[i].b, strlen(cases[i].b),
		    &opts));
		T_STREQ(morph_buf_cstr(&out), cases[i].want);
	}
	morph_buf_release(&out);
}

static void
test_words_inline(void)
{
	static const struct words_case cases[] = {
		{ "Paris is the capital of France.",
		  "The capital of France is Paris.", 0,
		  "[-Paris is the-]{+The+} capital of [-France.-]{+France is "
		  "Paris.+}" },
		{ "yes", "yes", 0, "yes" },
		{ "line one\nline two\n", "line 1\nline two\nline three\n", 0,
		  "line [-one-]{+1+}\nline two\n{+line three+}\n" },
		{ "", "", 0, "" },
	};
	struct morph_buf out = MORPH_BUF_INIT;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		morph_buf_clear(&out);
		T_OK(morph_textdiff_words_inline(&out, cases[i].a,
		    strlen(cases[i].a), cases[i].b, strlen(cases[i].b), 0));
		T_STREQ(morph_buf_cstr(&out), cases[i].want);
	}
	morph_buf_clear(&out);
	T_OK(morph_textdiff_words_inline(&out, "a b", 3, "a c", 3, 1));
	T_STREQ(morph_buf_cstr(&out),
	    "a \033[31m[-b-]\033[m\033[32m{+c+}\033[m");
	morph_buf_release(&out);
}

/* Each text with its changed ranges in brackets. */
static void
mark(struct morph_buf *out, const char *s, size_t len,
    const struct morph_textdiff_wordchange *v, size_t n, int new)
{
	size_t i, at = 0, b, e;

	for (i = 0; i < n; i++) {
		b = new ? v[i].b_begin : v[i].a_begin;
		e = new ? v[i].b_end : v[i].a_end;
		morph_buf_put(out, s + at, b - at);
		morph_buf_putc(out, '[');
		morph_buf_put(out, s + b, e - b);
		morph_buf_putc(out, ']');
		at = e;
	}
	morph_buf_put(out, s + at, len - at);
}

static void
test_word_changes(void)
{
	static const struct {
		const char	*a, *b;
		const char	*want_a, *want_b;
	} cases[] = {
		{ "Paris is the capital of France.",
		  "The capital of France is Paris.",
		  "[Paris is the] capital of [France.]",
		  "[The] capital of [France is Paris.]" },
		{ "yes", "yes", "yes", "yes" },
		{ "line one\nline two\n", "line 1\nline two\nline three\n",
		  "line [one]\nline two[]\n", "line [1]\nline two\n[line three]\n" },
		{ "all gone", "", "[all gone]", "[]" },
		{ "", "new", "[]", "[new]" },
		{ "", "", "", "" },
	};
	struct morph_textdiff_wordchange *v;
	struct morph_buf out = MORPH_BUF_INIT;
	size_t i, n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		T_OK(morph_textdiff_word_changes(&v, &n, cases[i].a,
		    strlen(cases[i].a), cases[i].b, strlen(cases[i].b)));
		morph_buf_clear(&out);
		mark(&out, cases[i].a, strlen(cases[i].a), v, n, 0);
		T_STREQ(morph_buf_cstr(&out), cases[i].want_a);
		morph_buf_clear(&out);
		mark(&out, cases[i].b, strlen(cases[i].b), v, n, 1);
		T_STREQ(morph_buf_cstr(&out), cases[i].want_b);
		free(v);
	}
	morph_buf_release(&out);
}

static void
test_lines(void)
{
	struct morph_textdiff_opts opts = MORPH_TEXTDIFF_OPTS_INIT;
	struct morph_buf out = MORPH_BUF_INIT;

	T_OK(morph_textdiff_lines(&out, "a\n", 2, "b\n", 2, &opts));
	T_STREQ(morph_buf_cstr(&out), "@@ -1 +1 @@\n-a\n+b\n");
	morph_buf_clear(&out);
	T_OK(morph_textdiff_lines(&out, NULL, 0, "", 0, &opts));
	T_STREQ(morph_buf_cstr(&out), "");
	morph_buf_clear(&out);
	T_OK(morph_textdiff_lines(&out, "", 0, "x", 1, &opts));
	T_STREQ(morph_buf_cstr(&out),
	    "@@ -0,0 +1 @@\n+x\n\\ No newline at end of file\n");
	morph_buf_release(&out);
}

static void
test_binary_detection(void)
{
	char big[9000];

	memset(big, 'a', sizeof(big));
	T_ASSERT(!morph_textdiff_is_binary(big, sizeof(big)));
	big[7999] = '\0';
	T_ASSERT(morph_textdiff_is_binary(big, sizeof(big)));
	big[7999] = 'a';
	big[8000] = '\0';	/* past what git looks at */
	T_ASSERT(!morph_textdiff_is_binary(big, sizeof(big)));
	T_ASSERT(!morph_textdiff_is_binary(NULL, 0));
	T_ASSERT(!morph_textdiff_is_binary("", 0));
	T_ASSERT(!morph_textdiff_is_binary("\xff\xfe text", 7));

	T_ASSERT(morph_textdiff_is_utf8("", 0));
	T_ASSERT(morph_textdiff_is_utf8("caf\xc3\xa9", 5));
	T_ASSERT(!morph_textdiff_is_utf8("caf\xc3", 4));
	T_ASSERT(!morph_textdiff_is_utf8("\xff", 1));
	T_ASSERT(morph_textdiff_is_utf8("a\0b", 3));
}

static void
test_stat(void)
{
	struct morph_textdiff_file a, b;
	struct morph_textdiff_stat st;

	fill_side(&a, "p", "a\nb\nc\n", 6, NULL, FILE_MODE);
	fill_side(&b, "p", "a\nB\nc\nd\n", 8, NULL, FILE_MODE);
	T_OK(morph_textdiff_stat(&st, &a, &b));
	T_INTEQ(st.insertions, 2);
	T_INTEQ(st.deletions, 1);
	T_INTEQ(st.binary, 0);

	T_OK(morph_textdiff_stat(&st, NULL, &b));
	T_INTEQ(st.insertions, 4);
	T_INTEQ(st.deletions, 0);
	T_OK(morph_textdiff_stat(&st, &a, NULL));
	T_INTEQ(st.insertions, 0);
	T_INTEQ(st.deletions, 3);

	fill_side(&b, "p", "a\0b", 3, NULL, FILE_MODE);
	T_OK(morph_textdiff_stat(&st, &a, &b));
	T_INTEQ(st.binary, 1);
	T_INTEQ(st.insertions, 0);
	T_INTEQ(st.old_size, 6);
	T_INTEQ(st.new_size, 3);
}

static void
test_stat_table(void)
{
	/* git diff --stat of the same changes. */
	static const struct morph_textdiff_statline v[] = {
		{ "a.txt", { 2, 1, 0, 6, 8 } },
		{ "b.bin", { 0, 0, 1, 3, 4 } },
		{ "dir/sub/long-name-of-a-file-that-goes-on-and-on-and-on-"
		  "forever-and-ever.txt", { 0, 66, 0, 0, 0 } },
		{ "sp ace.txt", { 1, 0, 0, 4, 8 } },
	};
	static const struct morph_textdiff_statline one[] = {
		{ "p.txt", { 2, 1, 0, 6, 8 } },
	};
	static const struct morph_textdiff_statline dels[] = {
		{ "x", { 0, 1, 0, 2, 0 } },
		{ "y", { 0, 0, 0, 0, 0 } },
	};
	struct morph_buf out = MORPH_BUF_INIT;

	morph_textdiff_stat_table(&out, v, 4, 80, 0);
	T_STREQ(morph_buf_cstr(&out),
	    " a.txt                                              |   3 +-\n"
	    " b.bin                                              | Bin 3 -> 4 "
	    "bytes\n"
	    " ...that-goes-on-and-on-and-on-forever-and-ever.txt |  66 "
	    "---------------------\n"
	    " sp ace.txt                                         |   1 +\n"
	    " 4 files changed, 3 insertions(+), 67 deletions(-)\n");
	morph_buf_clear(&out);
	morph_textdiff_stat_table(&out, one, 1, 80, 0);
	T_STREQ(morph_buf_cstr(&out),
	    " p.txt | 3 ++-\n"
	    " 1 file changed, 2 insertions(+), 1 deletion(-)\n");
	morph_buf_clear(&out);
	morph_textdiff_stat_table(&out, dels, 2, 80, 0);
	T_STREQ(morph_buf_cstr(&out),
	    " x | 1 -\n"
	    " y | 0\n"
	    " 2 files changed, 1 deletion(-)\n");
	morph_buf_clear(&out);
	morph_textdiff_stat_table(&out, v, 0, 80, 0);
	T_STREQ(morph_buf_cstr(&out), "");
	morph_buf_release(&out);
}

static const struct test tests[] = {
	TEST(test_patches),
	TEST(test_patch_hashes_data),
	TEST(test_words),
	TEST(test_words_inline),
	TEST(test_word_changes),
	TEST(test_lines),
	TEST(test_binary_detection),
	TEST(test_stat),
	TEST(test_stat_table),
};

TEST_MAIN(tests)
