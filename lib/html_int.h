/*
 * Text inside an HTML page (lib/report_html.c).  Everything a report
 * shows from a repository is untrusted: model outputs above all, but also
 * prompts, variables, model ids and assertion reasons.  It goes into the
 * page through one function, which makes it safe in text and in quoted
 * attribute values alike.
 */
#ifndef MORPH_HTML_INT_H
#define MORPH_HTML_INT_H

#include <stddef.h>

#include "morph/buf.h"

/*
 * Appends the len bytes at s as HTML: '&', '<', '>', '"' and '\'' as
 * character references, so that the text can close no element, open
 * none, and end no attribute value; bytes that are not UTF-8 (overlong
 * forms and surrogates included), NUL, the control characters but tab,
 * line feed and carriage return, and the noncharacters HTML parsers
 * report (U+FDD0 to U+FDEF, U+xFFFE and U+xFFFF) as U+FFFD, one for each
 * byte that cannot be decoded.  The result is valid UTF-8 with no parse
 * error in it.
 */
void	morph_html_escape(struct morph_buf *out, const char *s, size_t len);

#endif
