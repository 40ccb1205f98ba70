/*
 * UTF-8 helpers for the assertions (utf8_int.h).
 */
#include <string.h>

#include "utf8_int.h"

long
morph_utf8_decode(const char *str, size_t len, size_t *n)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned long c;
	size_t k, more;

	*n = 1;
	if (s[0] < 0x80)
		return s[0];
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		more = 1;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		more = 2;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		more = 3;
		c = s[0] & 0x07;
	} else
		return -1;
	if (len <= more)
		return -1;
	for (k = 1; k <= more; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return -1;
		c = c << 6 | (s[k] & 0x3f);
	}
	/* Overlong forms, surrogates, past U+10FFFF. */
	if ((more == 2 && c < 0x800) || (more == 3 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return -1;
	*n = more + 1;
	return (long)c;
}

/* The small letter of capital c when it has one of c's length, else c. */
static long
lower(long c)
{
	if (c >= 'A' && c <= 'Z')
		return c + 32;
	if (c < 0xc0 || c > 0x4bf)
		return c;
	if (c <= 0xde)
		return c == 0xd7 ? c : c + 0x20;
	/* Latin Extended-A: capital and small letters alternate. */
	if ((c >= 0x100 && c <= 0x137 && c != 0x130) ||
	    (c >= 0x14a && c <= 0x177))
		return c % 2 == 0 ? c + 1 : c;
	if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e))
		return c % 2 == 1 ? c + 1 : c;
	if (c == 0x178)
		return 0xff;
	/* Greek. */
	if (c == 0x386)
		return 0x3ac;
	if (c >= 0x388 && c <= 0x38a)
		return c + 0x25;
	if (c == 0x38c)
		return 0x3cc;
	if (c == 0x38e || c == 0x38f)
		return c + 0x3f;
	if (c >= 0x391 && c <= 0x3ab && c != 0x3a2)
		return c + 0x20;
	/* Cyrillic. */
	if (c >= 0x400 && c <= 0x40f)
		return c + 0x50;
	if (c >= 0x410 && c <= 0x42f)
		return c + 0x20;
	if ((c >= 0x460 && c <= 0x481) || (c >= 0x48a && c <= 0x4bf))
		return c % 2 == 0 ? c + 1 : c;
	return c;
}

void
morph_utf8_fold(char *s, size_t len)
{
	size_t i = 0, n;
	long c, l;

	while (i < len) {
		c = morph_utf8_decode(s + i, len - i, &n);
		if (c >= 0 && (l = lower(c)) != c) {
			if (n == 1)
				s[i] = (char)l;
			else {
				/* Every mapped pair is two bytes long. */
				s[i] = (char)(0xc0 | (l >> 6));
				s[i + 1] = (char)(0x80 | (l & 0x3f));
			}
		}
		i += n;
	}
}

size_t
morph_utf8_count(const char *s, size_t len)
{
	size_t i = 0, n, count = 0;

	while (i < len) {
		(void)morph_utf8_decode(s + i, len - i, &n);
		i += n;
		count++;
	}
	return count;
}

char *
morph_utf8_excerpt(char *buf, size_t size, const char *s, size_t len,
    size_t max)
{
	size_t i = 0, k = 0, n;
	long c;

	if (size < 5) {
		if (size > 0)
			buf[0] = '\0';
		return buf;
	}
	if (max > size - 4)
		max = size - 4;
	while (i < len) {
		c = morph_utf8_decode(s + i, len - i, &n);
		if (k + n > max)
			break;
		if (c < 0)
			buf[k++] = '?';
		else if (c < 0x20 || c == 0x7f)
			buf[k++] = ' ';
		else {
			memcpy(buf + k, s + i, n);
			k += n;
		}
		i += n;
	}
	if (i < len && k + 4 <= size) {
		memcpy(buf + k, "...", 3);
		k += 3;
	}
	buf[k] = '\0';
	return buf;
}

void
morph_utf8_fix(char *s)
{
	size_t len = strlen(s), i = 0, n;

	while (i < len) {
		if (morph_utf8_decode(s + i, len - i, &n) >= 0) {
			i += n;
			continue;
		}
		/* A lead byte whose sequence the end cut short. */
		if ((unsigned char)s[i] >= 0xc2 &&
		    (unsigned char)s[i] <= 0xf4) {
			size_t k = i + 1;

			while (k < len && ((unsigned char)s[k] & 0xc0) == 0x80)
				k++;
			if (k == len) {
				s[i] = '\0';
				return;
			}
		}
		s[i++] = '?';
	}
}
