/*
 * embed: writes a C file defining a file's bytes as an array, for data
 * built into morph (lib/data/README.md).  A build tool, not part of
 * libmorph: CMake runs it when the data changes.
 *
 *	embed NAME INPUT OUTPUT
 *
 * defines const unsigned char NAME[] (the bytes, then a NUL that is not
 * counted, so the data may be read as a string) and const size_t
 * NAME_len.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
main(int argc, char *argv[])
{
	FILE *in, *out;
	size_t n = 0;
	int c;

	if (argc != 4) {
		fprintf(stderr, "usage: embed name input output\n");
		return 2;
	}
	if ((in = fopen(argv[2], "rb")) == NULL) {
		perror(argv[2]);
		return 1;
	}
	if ((out = fopen(argv[3], "w")) == NULL) {
		perror(argv[3]);
		fclose(in);
		return 1;
	}
	fprintf(out, "/* %s, embedded by lib/data/embed.c: do not edit. */\n"
	    "#include <stddef.h>\n\n"
	    "extern const unsigned char %s[];\n"
	    "extern const size_t %s_len;\n\n"
	    "const unsigned char %s[] = {\n", argv[2], argv[1], argv[1],
	    argv[1]);
	while ((c = getc(in)) != EOF)
		fprintf(out, "%d,%s", c, ++n % 24 == 0 ? "\n" : "");
	fprintf(out, "0\n};\nconst size_t %s_len = %zu;\n", argv[1], n);
	if (ferror(in) || fclose(out) != 0) {
		fprintf(stderr, "embed: cannot write %s\n", argv[3]);
		fclose(in);
		remove(argv[3]);
		return 1;
	}
	fclose(in);
	return 0;
}
