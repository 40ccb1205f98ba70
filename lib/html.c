/*
 * Escaping untrusted text for HTML (html_int.h).  Safe runs of bytes are
 * copied whole: outputs of a large report go through here, megabytes of
 * them.
 */
#include <string.h>

#include "html_int.h"
#include "utf8_int.h"

#define REPLACEMENT	"\xef\xbf\xbd"	/* U+FFFD */

/* Whether a code point is one HTML's parser reports as an error. */
static int
bad_char(long c)
{
	if (c < 0x20)
		return c != '\t' && c != '\n' && c != '\r';
	if (c >= 0x7f && c <= 0x9f)
		return 1;
	if (c >= 0xfdd0 && c <= 0xfdef)
		return 1;
	return (c & 0xfffe) == 0xfffe;
}

void
morph_html_escape(struct morph_buf *out, const char *s, size_t len)
{
	const char *ref;
	size_t i = 0, run = 0, n;
	unsigned char b;
	long c;

	morph_buf_grow(out, len);
	while (i < len) {
		b = (unsigned char)s[i];
		ref = NULL;
		n = 1;
		switch (b) {
		case '&':
			ref = "&amp;";
			break;
		case '<':
			ref = "&lt;";
			break;
		case '>':
			ref = "&gt;";
			break;
		case '"':
			ref = "&quot;";
			break;
		case '\'':
			ref = "&#39;";
			break;
		default:
			if (b >= 0x20 && b < 0x7f) {
				i++;
				continue;
			}
			c = morph_utf8_decode(s + i, len - i, &n);
			if (c < 0 || bad_char(c))
				ref = REPLACEMENT;
			break;
		}
		if (ref == NULL) {
			i += n;
			continue;
		}
		morph_buf_put(out, s + run, i - run);
		morph_buf_puts(out, ref);
		i += n;
		run = i;
	}
	morph_buf_put(out, s + run, i - run);
}
