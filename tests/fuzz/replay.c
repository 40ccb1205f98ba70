/*
 * A main() for fuzz targets built without libFuzzer (MORPH_FUZZ off): runs
 * every file named on the command line, and every file of each directory
 * named there, through LLVMFuzzerTestOneInput once, so that ctest replays
 * the seed corpus and any crash found earlier stays fixed.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

/* Runs one file; -1 when it cannot be read. */
static int
run_file(const char *path)
{
	unsigned char *data;
	struct stat st;
	size_t n;
	FILE *fp;

	if ((fp = fopen(path, "rb")) == NULL || fstat(fileno(fp), &st) ==
	    -1) {
		perror(path);
		if (fp != NULL)
			fclose(fp);
		return -1;
	}
	/* Exactly the file's size, so that ASan sees any read past it. */
	n = (size_t)st.st_size;
	if ((data = malloc(n > 0 ? n : 1)) == NULL ||
	    fread(data, 1, n, fp) != n) {
		perror(path);
		free(data);
		fclose(fp);
		return -1;
	}
	fclose(fp);
	LLVMFuzzerTestOneInput(data, n);
	free(data);
	return 0;
}

static int
regular_file(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

int
main(int argc, char *argv[])
{
	struct dirent **names;
	char path[4096];
	struct stat st;
	int i, j, n, runs = 0, bad = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s corpus-dir-or-file ...\n", argv[0]);
		return 2;
	}
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) == -1) {
			perror(argv[i]);
			return 2;
		}
		if (!S_ISDIR(st.st_mode)) {
			bad |= run_file(argv[i]) != 0;
			runs++;
			continue;
		}
		if ((n = scandir(argv[i], &names, regular_file,
		    alphasort)) == -1) {
			perror(argv[i]);
			return 2;
		}
		for (j = 0; j < n; j++) {
			snprintf(path, sizeof(path), "%s/%s", argv[i],
			    names[j]->d_name);
			bad |= run_file(path) != 0;
			runs++;
			free(names[j]);
		}
		free(names);
	}
	printf("replayed %d inputs\n", runs);
	if (runs == 0) {
		fprintf(stderr, "no inputs: the corpus is empty\n");
		return 1;
	}
	return bad ? 1 : 0;
}
