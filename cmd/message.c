/*
 * Messages as users write them, for commits and annotated tags: cleaned
 * the way git cleans them before they are recorded.
 */
#include <string.h>

#include "cmd.h"

const struct morph_error *
morph_cmd_clean_message(struct morph_buf *out, const char *in,
    int strip_comments)
{
	const char *p = in, *nl;
	size_t n;
	int blank = 0;

	morph_buf_clear(out);
	while (*p != '\0') {
		nl = strchr(p, '\n');
		n = nl ? (size_t)(nl - p) : strlen(p);
		if (!(strip_comments && p[0] == '#')) {
			while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t' ||
			    p[n - 1] == '\r'))
				n--;
			if (n == 0)
				blank = out->len > 0;
			else {
				if (blank)
					morph_buf_putc(out, '\n');
				blank = 0;
				morph_buf_put(out, p, n);
				morph_buf_putc(out, '\n');
			}
		}
		p += n;
		while (*p != '\0' && *p != '\n')
			p++;
		if (*p == '\n')
			p++;
	}
	return morph_buf_status(out);
}
