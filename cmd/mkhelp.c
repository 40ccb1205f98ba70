/*
 * mkhelp: a program the build runs, not part of morph.  It renders the
 * SYNOPSIS and the option list of each command's man page with mandoc and
 * writes them as C, so that morph help (cmd/cmd-help.c) prints them
 * without the man pages installed:
 *
 *	mkhelp mandoc out.c man/morph-add.1 ...
 *
 * A page's option list is the first list, outside any other, whose first
 * item is a flag (".It Fl").  The lines before ".Sh DESCRIPTION" (the
 * prologue, NAME and SYNOPSIS) and that list under ".Sh OPTIONS" make a
 * small page, which mandoc renders as ASCII; its text from SYNOPSIS to
 * the footer, without the bold and underline overstrike, is what morph
 * help prints.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct lines {
	char	**v;
	size_t	  n;
	size_t	  cap;
};

/* The files main() makes, removed when it fails. */
static char tmppath[4096];
static char pagepath[4096];

static void __attribute__((format(printf, 1, 2), noreturn))
die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "mkhelp: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	if (tmppath[0] != '\0')
		remove(tmppath);
	if (pagepath[0] != '\0')
		remove(pagepath);
	exit(1);
}

static void
push(struct lines *l, char *s)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		if ((l->v = realloc(l->v, l->cap * sizeof(*l->v))) == NULL)
			die("out of memory");
	}
	l->v[l->n++] = s;
}

static void
release(struct lines *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* Reads fp into lines without their newlines. */
static void
read_lines(struct lines *l, FILE *fp, const char *what)
{
	char *line = NULL;
	size_t size = 0;
	ssize_t len;

	while ((len = getline(&line, &size, fp)) != -1) {
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		push(l, line);
		line = NULL;
		size = 0;
	}
	free(line);
	if (ferror(fp))
		die("cannot read %s: %s", what, strerror(errno));
}

static int
is_macro(const char *line, const char *name)
{
	size_t n = strlen(name);

	return line[0] == '.' && strncmp(line + 1, name, n) == 0 &&
	    (line[n + 1] == '\0' || line[n + 1] == ' ');
}

/*
 * The small page of src: the lines before .Sh DESCRIPTION, then the option
 * list, if the page has one, under .Sh OPTIONS.
 */
static void
write_small_page(FILE *fp, const struct lines *src, const char *page)
{
	size_t i, start = 0, end = 0;
	int depth = 0, found = 0;
	int flags = 0;	/* -1 not the option list, 1 it is, 0 unknown yet */

	for (i = 0; i < src->n; i++) {
		if (strcmp(src->v[i], ".Sh DESCRIPTION") == 0)
			break;
		fprintf(fp, "%s\n", src->v[i]);
	}
	if (i == src->n)
		die("%s: no .Sh DESCRIPTION", page);
	for (i = 0; i < src->n && !found; i++) {
		if (is_macro(src->v[i], "Bl")) {
			if (depth++ == 0) {
				start = i;
				flags = 0;
			}
		} else if (is_macro(src->v[i], "El")) {
			if (depth == 0)
				die("%s:%zu: .El without .Bl", page, i + 1);
			if (--depth == 0 && flags == 1) {
				end = i;
				found = 1;
			}
		} else if (is_macro(src->v[i], "It") && depth == 1 &&
		    flags == 0) {
			flags = strncmp(src->v[i], ".It Fl ", 7) == 0 ? 1 : -1;
		}
	}
	if (!found)
		return;
	fprintf(fp, ".Sh OPTIONS\n");
	for (i = start; i <= end; i++)
		fprintf(fp, "%s\n", src->v[i]);
}

/* Removes the overstrike of bold ("X\bX") and underline ("_\bX"). */
static void
strip_overstrike(char *s)
{
	char *out = s;

	for (; *s != '\0'; s++) {
		if (s[1] == '\b' && s[2] != '\0') {
			s++;
			continue;
		}
		*out++ = *s;
	}
	*out = '\0';
}

/* Appends s to fp as a C string literal. */
static void
write_literal(FILE *fp, const char *s)
{
	fputc('"', fp);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\\' || c == '"')
			fprintf(fp, "\\%c", c);
		else if (c == '?')
			fputs("\\?", fp);	/* never a trigraph */
		else if (c == '\t')
			fputs("\\t", fp);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(fp, "\\%03o", c);
		else
			fputc(c, fp);
	}
	fputc('"', fp);
}

/* The command a page documents: "rev-parse" for man/morph-rev-parse.1. */
static char *
command_of(const char *page)
{
	const char *base = strrchr(page, '/');
	char *name, *dot;

	base = base != NULL ? base + 1 : page;
	if (strncmp(base, "morph-", 6) != 0)
		die("%s: not a page morph-COMMAND.1", page);
	if ((name = strdup(base + 6)) == NULL)
		die("out of memory");
	if ((dot = strrchr(name, '.')) == NULL || strcmp(dot, ".1") != 0)
		die("%s: not a page morph-COMMAND.1", page);
	*dot = '\0';
	return name;
}

static void
c_name(char *dst, size_t size, const char *name)
{
	size_t i;

	for (i = 0; name[i] != '\0' && i + 1 < size; i++)
		dst[i] = name[i] == '-' ? '_' : name[i];
	dst[i] = '\0';
}

/* Renders one page and writes its array of lines to out. */
static void
render(FILE *out, const char *mandoc, const char *page, const char *name)
{
	struct lines src = { 0 }, text = { 0 };
	char cmd[8192], id[128];
	size_t i, first, last;
	FILE *fp;
	int status;

	if ((fp = fopen(page, "r")) == NULL)
		die("cannot open %s: %s", page, strerror(errno));
	read_lines(&src, fp, page);
	fclose(fp);

	if ((fp = fopen(pagepath, "w")) == NULL)
		die("cannot create %s: %s", pagepath, strerror(errno));
	write_small_page(fp, &src, page);
	if (fclose(fp) != 0)
		die("cannot write %s: %s", pagepath, strerror(errno));

	/* Both paths were checked for quotes in main(). */
	snprintf(cmd, sizeof(cmd), "'%s' -Tascii '%s'", mandoc, pagepath);
	if ((fp = popen(cmd, "r")) == NULL)
		die("cannot run %s: %s", mandoc, strerror(errno));
	read_lines(&text, fp, "mandoc's output");
	if ((status = pclose(fp)) != 0)
		die("%s failed on %s (status %d)", mandoc, page, status);

	for (i = 0; i < text.n; i++)
		strip_overstrike(text.v[i]);
	for (first = 0; first < text.n; first++)
		if (strcmp(text.v[first], "SYNOPSIS") == 0)
			break;
	if (first == text.n)
		die("%s: mandoc printed no SYNOPSIS", page);
	/* The last line is the footer; blank lines come before it. */
	last = text.n - 1;
	while (last > first && text.v[last - 1][0] == '\0')
		last--;

	c_name(id, sizeof(id), name);
	fprintf(out, "static const char *const manual_%s[] = {\n", id);
	for (i = first; i < last; i++) {
		fputc('\t', out);
		write_literal(out, text.v[i]);
		fputs(",\n", out);
	}
	fputs("\tNULL\n};\n\n", out);
	release(&src);
	release(&text);
}

int
main(int argc, char *argv[])
{
	const char *outpath;
	char id[128];
	char **names;
	FILE *out;
	int i;

	if (argc < 4) {
		fprintf(stderr, "usage: mkhelp mandoc out.c page ...\n");
		return 2;
	}
	outpath = argv[2];
	if (strlen(outpath) + 6 > sizeof(tmppath))
		die("%s: path too long", outpath);
	snprintf(tmppath, sizeof(tmppath), "%s.tmp", outpath);
	snprintf(pagepath, sizeof(pagepath), "%s.page", outpath);
	if (strchr(argv[1], '\'') != NULL || strchr(pagepath, '\'') != NULL)
		die("a path with a quote: %s or %s", argv[1], pagepath);
	if ((names = calloc((size_t)argc, sizeof(*names))) == NULL)
		die("out of memory");
	if ((out = fopen(tmppath, "w")) == NULL)
		die("cannot create %s: %s", tmppath, strerror(errno));
	fprintf(out, "/* Made by cmd/mkhelp.c from the man pages: do not "
	    "edit. */\n#include \"cmd.h\"\n\n");
	for (i = 3; i < argc; i++) {
		names[i] = command_of(argv[i]);
		render(out, argv[1], argv[i], names[i]);
	}
	fprintf(out, "const struct morph_cmd_manual morph_cmd_manuals[] = "
	    "{\n");
	for (i = 3; i < argc; i++) {
		c_name(id, sizeof(id), names[i]);
		fprintf(out, "\t{ \"%s\", manual_%s },\n", names[i], id);
		free(names[i]);
	}
	fprintf(out, "\t{ NULL, NULL }\n};\n");
	free(names);
	if (fclose(out) != 0)
		die("cannot write %s: %s", tmppath, strerror(errno));
	remove(pagepath);
	if (rename(tmppath, outpath) == -1)
		die("cannot rename %s: %s", tmppath, strerror(errno));
	return 0;
}
