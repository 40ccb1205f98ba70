/*
 * Reports inside the library (see morph/report.h): what every writer is
 * handed, and the writers, one file each (lib/report_text.c,
 * lib/report_json.c, lib/report_junit.c, lib/report_markdown.c,
 * lib/report_html.c), listed in the table of lib/report.c.
 */
#ifndef MORPH_REPORT_INT_H
#define MORPH_REPORT_INT_H

#include <stdio.h>

#include "morph/error.h"
#include "morph/report.h"

struct morph_repo;
struct morph_eval;

/* One report being written. */
struct morph_report {
	FILE				*out;
	struct morph_repo		*repo;
	struct morph_eval		*ev;
	struct morph_report_opts	 o;
	enum morph_report_format	 format;
};

/* A writer: the whole report of r->ev to r->out. */
typedef const struct morph_error *(*morph_report_writer)(struct morph_report *);

/* lib/report_html.c: one self-contained page (morph-report(1)). */
const struct morph_error *morph_report_write_html(struct morph_report *);

#endif
