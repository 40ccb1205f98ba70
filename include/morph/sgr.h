/*
 * The SGR (Select Graphic Rendition) sequences of morph's coloured
 * output, the ones git uses, so that the commands and the library's
 * writers (the text report of morph/report.h) colour alike.  Whether to
 * colour at all is the program's to decide: a terminal, NO_COLOR.
 */
#ifndef MORPH_SGR_H
#define MORPH_SGR_H

/* seq (one of these), or "" when color is 0. */
const char *morph_sgr(int color, const char *seq);

#define MORPH_SGR_RESET		"\033[m"
#define MORPH_SGR_RED		"\033[31m"
#define MORPH_SGR_GREEN		"\033[32m"
#define MORPH_SGR_YELLOW	"\033[33m"
#define MORPH_SGR_CYAN		"\033[36m"
#define MORPH_SGR_BOLD		"\033[1m"

#endif
