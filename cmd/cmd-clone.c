/*
 * morph clone: a new repository from a remote's history and runs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

/* The directory a URL clones into: its last part, without ".git". */
static char *
dir_of(const char *url)
{
	const char *end = url + strlen(url), *start;
	char *d;

	while (end > url && end[-1] == '/')
		end--;
	start = end;
	while (start > url && start[-1] != '/' && start[-1] != ':')
		start--;
	if (end - start > 4 && strncmp(end - 4, ".git", 4) == 0)
		end -= 4;
	if (end == start)
		return NULL;
	if ((d = malloc((size_t)(end - start) + 1)) == NULL)
		return NULL;
	memcpy(d, start, (size_t)(end - start));
	d[end - start] = '\0';
	return d;
}

static const struct morph_error *
cmd_clone(struct morph_cmd_ctx *ctx, int argc, char *argv[])
{
	struct morph_sync_opts opts = MORPH_SYNC_OPTS_INIT;
	struct morph_sync_result res;
	const struct morph_error *err = NULL;
	struct morph_repo *repo = NULL;
	char *dir = NULL, *branch = NULL;
	int c;

	while ((c = morph_cmd_getopt(ctx, argc, argv, "", NULL,
	    &err)) != -1)
		return err;
	argc -= optind;
	argv += optind;
	if (argc < 1 || argc > 2)
		return morph_cmd_bad_usage(ctx, argc < 1 ? "no URL given" :
		    "unexpected argument '%s'", argv[argc > 2 ? 2 : 0]);
	if (argc == 2)
		dir = strdup(argv[1]);
	else if ((dir = dir_of(argv[0])) == NULL)
		return morph_error_fmt(MORPH_ERR_INVALID, "cannot tell a "
		    "directory from '%s': name one", argv[0]);
	if (dir == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	printf("Cloning into '%s'...\n", dir);
	fflush(stdout);
	opts.ref_cb = morph_cmd_sync_ref;
	err = morph_remote_clone(&repo, &branch, &res, argv[0], dir, &opts);
	if (err == NULL) {
		morph_cmd_sync_summary(&res, 1);
		if (branch == NULL)
			printf("The remote has no branch: you cloned an empty "
			    "repository\n");
		else
			printf("Checked out branch '%s'\n", branch);
	}
	morph_repo_close(repo);
	free(branch);
	free(dir);
	return err;
}

const struct morph_cmd morph_cmd_clone = {
	"clone",
	"clone url [directory]",
	"make a repository from a remote",
	0,
	cmd_clone,
};
