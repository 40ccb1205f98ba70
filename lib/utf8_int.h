/*
 * UTF-8 text for the assertions: decoding code points, ignoring case the
 * same way on every machine (no locale), and cutting excerpts for
 * messages that stay valid UTF-8.
 */
#ifndef MORPH_UTF8_INT_H
#define MORPH_UTF8_INT_H

#include <stddef.h>

/*
 * The code point at s (len > 0 bytes) and its length in *n; an invalid
 * or truncated sequence, overlong forms and surrogates included, is -1
 * with *n = 1, so that a scan always moves on.
 */
long	morph_utf8_decode(const char *s, size_t len, size_t *n);

/*
 * Lowercases the len bytes at s in place, without a locale: ASCII,
 * Latin-1, Latin Extended-A, Greek and Cyrillic capitals, each to a small
 * letter of the same encoded length, so offsets do not move.  Other
 * characters and invalid bytes are left as they are.
 */
void	morph_utf8_fold(char *s, size_t len);

/* The number of code points in len bytes (an invalid byte counts one). */
size_t	morph_utf8_count(const char *s, size_t len);

/*
 * An excerpt of the len bytes at s for a message, in buf (size bytes,
 * always NUL-terminated): at most max bytes of s, cut at a character,
 * with control characters as spaces, invalid bytes as '?' and "..." when
 * cut.  Returns buf.
 */
char	*morph_utf8_excerpt(char *buf, size_t size, const char *s, size_t len,
	    size_t max);

/*
 * Makes the C string s valid UTF-8 in place: invalid bytes become '?',
 * and a sequence cut short at the end (by a truncating snprintf) goes.
 */
void	morph_utf8_fix(char *s);

#endif
