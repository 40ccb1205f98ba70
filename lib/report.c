/*
 * The formats of reports (morph/report.h): a table of writers, one file
 * each, that every report goes through.  Only the HTML writer is here so
 * far: text, JSON, JUnit and Markdown are still cmd/evalfmt.c's.
 */
#include <string.h>

#include "report_int.h"

static const struct {
	enum morph_report_format	 format;
	const char			*name;
	morph_report_writer		 write;
} writers[] = {
	{ MORPH_REPORT_HTML, "html", morph_report_write_html },
};
#define NWRITERS	(sizeof(writers) / sizeof(writers[0]))

int
morph_report_format_from_name(const char *name)
{
	size_t i;

	for (i = 0; i < NWRITERS; i++)
		if (strcmp(writers[i].name, name) == 0)
			return (int)writers[i].format;
	return -1;
}

const char *
morph_report_format_name(enum morph_report_format format)
{
	size_t i;

	for (i = 0; i < NWRITERS; i++)
		if (writers[i].format == format)
			return writers[i].name;
	return NULL;
}

const struct morph_error *
morph_report_write(FILE *out, struct morph_repo *repo, struct morph_eval *ev,
    enum morph_report_format format, const struct morph_report_opts *opts)
{
	struct morph_report_opts def = MORPH_REPORT_OPTS_INIT;
	struct morph_report r;
	size_t i;

	for (i = 0; i < NWRITERS; i++)
		if (writers[i].format == format)
			break;
	if (i == NWRITERS)
		return morph_error_fmt(MORPH_ERR_UNSUPPORTED, "no writer of "
		    "report format %d", (int)format);
	memset(&r, 0, sizeof(r));
	r.out = out;
	r.repo = repo;
	r.ev = ev;
	r.format = format;
	r.o = opts != NULL ? *opts : def;
	return writers[i].write(&r);
}
