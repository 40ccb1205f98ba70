/*
 * Text diffs of two buffers, as git prints them: unified patches with
 * git's file headers, word diffs in the form of git diff --word-diff=plain,
 * and per-file counts for --stat.  The lines are matched by libgit2 (git's
 * own xdiff); this module only lays the result out.
 *
 * Everything here works on bytes in memory and needs no repository, so
 * morph eval can diff two outputs with the same functions morph diff uses
 * for files.  Output is appended to a struct morph_buf (buf.h): check
 * morph_buf_status() when done if the functions did not return an error.
 */
#ifndef MORPH_TEXTDIFF_H
#define MORPH_TEXTDIFF_H

#include <stddef.h>

#include "morph/buf.h"
#include "morph/error.h"
#include "morph/hash.h"

/*
 * One side of a file diff: path is the repository path, NULL when the
 * file does not exist on this side; data and len the contents (data may
 * be NULL when len is 0); id the blob id, or NULL to hash it from data;
 * mode MORPH_MODE_FILE or MORPH_MODE_EXEC.  All borrowed.
 */
struct morph_textdiff_file {
	const char		*path;
	const char		*data;
	size_t			 len;
	const struct morph_oid	*id;
	unsigned int		 mode;
};

#define MORPH_TEXTDIFF_COLOR	0x01	/* SGR colours as git's */
#define MORPH_TEXTDIFF_WORDS	0x02	/* word diff, not lines */

struct morph_textdiff_opts {
	unsigned int	 version;
	unsigned int	 context;	/* lines around changes */
	int		 flags;		/* MORPH_TEXTDIFF_* */
};
#define MORPH_TEXTDIFF_OPTS_VERSION	1
#define MORPH_TEXTDIFF_OPTS_INIT	{ MORPH_TEXTDIFF_OPTS_VERSION, 3, 0 }

/* Git's test: a NUL byte in the first 8000 bytes makes data binary. */
int	morph_textdiff_is_binary(const char *data, size_t len);

/*
 * Whether the len bytes at data are valid UTF-8 (no overlong forms, no
 * surrogates): text that can go into a JSON string as it is.
 */
int	morph_textdiff_is_utf8(const char *data, size_t len);

/*
 * Appends the patch of one file as git diff prints it: "diff --git a/P
 * b/P", the mode lines ("new file mode", "deleted file mode", "old
 * mode"/"new mode"), "index OLD..NEW" with 12-digit ids, "--- a/P" and
 * "+++ b/P" (or /dev/null), then the hunks, or "Binary files a/P and b/P
 * differ" when either side is binary.  With MORPH_TEXTDIFF_WORDS the hunks
 * are in word-diff form (morph_textdiff_words).  Appends nothing when the
 * two sides have the same contents and mode.  Either side may be absent
 * (path NULL) but not both.  Errors: GIT (libgit2 failed), NOMEM.
 */
const struct morph_error *morph_textdiff_patch(struct morph_buf *out,
    const struct morph_textdiff_file *old,
    const struct morph_textdiff_file *new,
    const struct morph_textdiff_opts *opts);

/*
 * Appends only the hunks of a line diff of a and b: "@@ -l,n +l,n @@"
 * headers, then ' ', '-' and '+' lines and "\ No newline at end of file"
 * markers.  Nothing when a and b are equal.  Binary data is diffed as
 * text: test with morph_textdiff_is_binary first.  Errors: GIT, NOMEM.
 */
const struct morph_error *morph_textdiff_lines(struct morph_buf *out,
    const char *a, size_t alen, const char *b, size_t blen,
    const struct morph_textdiff_opts *opts);

/*
 * Appends the hunks of a word diff of a and b in git's --word-diff=plain
 * form: the hunk headers of the line diff, context lines as they are, and
 * each run of changed lines rewritten as the new text with removed words
 * as [-old-] and added words as {+new+}.  Words are runs of non-space
 * bytes; the spaces between unchanged words are the new text's.  Errors:
 * GIT, NOMEM.
 */
const struct morph_error *morph_textdiff_words(struct morph_buf *out,
    const char *a, size_t alen, const char *b, size_t blen,
    const struct morph_textdiff_opts *opts);

/*
 * Appends the whole of b with the word changes from a marked as in
 * morph_textdiff_words, without hunk headers or context limits: for
 * showing two short texts (model outputs) side by side in one.  A line
 * break inside a marked run closes and reopens the marker, so every line
 * stands on its own.  color is 0 or 1.  Errors: GIT, NOMEM.
 */
const struct morph_error *morph_textdiff_words_inline(struct morph_buf *out,
    const char *a, size_t alen, const char *b, size_t blen, int color);

/*
 * One change between the words of two texts: bytes [a_begin, a_end) of
 * the old text were replaced by bytes [b_begin, b_end) of the new; either
 * range may be empty (words added or removed there).
 */
struct morph_textdiff_wordchange {
	size_t	a_begin, a_end;
	size_t	b_begin, b_end;
};

/*
 * The word changes from a to b that morph_textdiff_words_inline marks,
 * in order, as a new array of *n in *out (NULL when there is none; the
 * caller frees it): for showing both texts side by side, each with its
 * own words marked.  Errors: GIT, NOMEM.
 */
const struct morph_error *morph_textdiff_word_changes(
    struct morph_textdiff_wordchange **out, size_t *n, const char *a,
    size_t alen, const char *b, size_t blen);

/* What --stat shows for one file. */
struct morph_textdiff_stat {
	size_t	insertions;	/* added lines (0 when binary) */
	size_t	deletions;	/* removed lines (0 when binary) */
	int	binary;
	size_t	old_size;	/* bytes, for "Bin OLD -> NEW bytes" */
	size_t	new_size;
};

/*
 * Counts the lines added and removed between two sides (an absent side
 * counts as empty).  Errors: GIT, NOMEM.
 */
const struct morph_error *morph_textdiff_stat(struct morph_textdiff_stat *out,
    const struct morph_textdiff_file *old,
    const struct morph_textdiff_file *new);

/* One line of a --stat table. */
struct morph_textdiff_statline {
	const char			*path;
	struct morph_textdiff_stat	 stat;
};

/*
 * Appends a --stat table as git prints it, fitted to width columns (git
 * uses 80 when not on a terminal): " path | 3 ++-" per file, binary files
 * as "Bin OLD -> NEW bytes", then " N files changed, I insertions(+), D
 * deletions(-)".  Nothing when n is 0.
 */
void	morph_textdiff_stat_table(struct morph_buf *out,
	    const struct morph_textdiff_statline *v, size_t n, int width,
	    int color);

#endif
