/*
 * Reports of an evaluation (morph-eval(1), morph-report(1)): one
 * comparison of two runs (struct morph_eval) written in one of several
 * formats, each a writer of its own behind one table (lib/report.c), so
 * that every format reads the same comparison and a new format is one
 * file.  Writers stream to a FILE: they keep no more of the comparison
 * than the evaluation itself holds.
 */
#ifndef MORPH_REPORT_H
#define MORPH_REPORT_H

#include <stdio.h>

#include "morph/error.h"

struct morph_repo;
struct morph_eval;

enum morph_report_format {
	MORPH_REPORT_TEXT,	/* for a terminal: word diffs of outputs */
	MORPH_REPORT_OUTPUTS,	/* the text's output sections only
				   (morph diff --outputs) */
	MORPH_REPORT_JSON,
	MORPH_REPORT_JUNIT,	/* JUnit XML, for CI test reports */
	MORPH_REPORT_MARKDOWN,	/* a pull-request comment */
	MORPH_REPORT_HTML,	/* one self-contained page (morph report) */
};

struct morph_report_opts {
	unsigned int	 version;
	int		 color;		/* text: ANSI colours */
	double		 alpha;		/* the significance eval used */
};
#define MORPH_REPORT_OPTS_VERSION	1
#define MORPH_REPORT_OPTS_INIT	{ MORPH_REPORT_OPTS_VERSION, 0, 0 }

/* The format called name ("text", "json", "junit", "markdown", "html"),
   or -1.  ("outputs" names MORPH_REPORT_OUTPUTS; a name is known only
   while a writer takes its format.) */
int	morph_report_format_from_name(const char *name);
/* The name of a format, or NULL for one that no writer takes. */
const char *morph_report_format_name(enum morph_report_format);

/*
 * Writes the report of ev in format to out (opts NULL: the defaults),
 * and flushes out.  Errors: ERRNO when out cannot be written; NOMEM; the
 * repository's when an output cannot be read; INVALID for a format no
 * writer takes, options of another version, or a NULL out, repository
 * or ev.
 */
const struct morph_error *morph_report_write(FILE *out,
    struct morph_repo *, struct morph_eval *ev, enum morph_report_format,
    const struct morph_report_opts *);

#endif
