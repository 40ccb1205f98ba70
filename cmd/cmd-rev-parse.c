/*
 * morph rev-parse: print the id a revision names, or with --abbrev-ref the
 * short name of the reference it names.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"

/*
 * The short form of a full reference name, as git rev-parse --abbrev-ref
 * prints it: a branch or tag without its prefix, unless a tag of the same
 * name would take the branch's short name (tags win, see revparse.h), so
 * that what is printed names the same reference again.
 */
static const struct morph_error *
print_abbrev(struct morph_repo *repo, const char *ref)
{
	struct morph_buf tag = MORPH_BUF_INIT, val = MORPH_BUF_INIT;
	const struct morph_error *err;
	const char *name = ref;
	int symbolic;

	if (strncmp(ref, MORPH_REFS_TAGS, strlen(MORPH_REFS_TAGS)) == 0)
		name = ref + strlen(MORPH_REFS_TAGS);
	else if (strncmp(ref, MORPH_REFS_HEADS,
	    strlen(MORPH_REFS_HEADS)) == 0) {
		morph_buf_printf(&tag, "%s%s", MORPH_REFS_TAGS,
		    ref + strlen(MORPH_REFS_HEADS));
		if ((err = morph_buf_status(&tag)) != NULL)
			return err;
		if (morph_ref_read(&val, &symbolic, repo, tag.ptr) != NULL)
			name = ref + strlen(MORPH_REFS_HEADS);
	}
	puts(name);
	morph_buf_release(&tag);
	morph_buf_release(&val);
	return NULL;
}

static const struct morph_error *
cmd_rev_parse(struct morph_cmd_ctx *ctx, int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "abbrev-ref", no_argument, NULL, 'a' },
		{ "short", no_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	struct morph_buf ref = MORPH_BUF_INIT;
	const struct morph_error *err = NULL;
	struct morph_oid id;
	int c, i, shorten = 0, abbrev = 0;

	while ((c = morph_cmd_getopt(ctx, argc, argv, "", longopts,
	    &err)) != -1) {
		switch (c) {
		case 'a':
			abbrev = 1;
			break;
		case 's':
			shorten = 1;
			break;
		default:
			return err;
		}
	}
	if (abbrev && shorten)
		return morph_cmd_bad_usage(ctx, "--abbrev-ref and --short "
		    "cannot be combined");
	if (optind >= argc)
		return morph_cmd_bad_usage(ctx, "no revision given");
	for (i = optind; i < argc && err == NULL; i++) {
		if (abbrev) {
			/* A revision that names no reference: an empty line,
			 * as git prints. */
			if ((err = morph_revparse_refname(&ref, ctx->repo,
			    argv[i])) == NULL)
				err = print_abbrev(ctx->repo,
				    morph_buf_cstr(&ref));
			continue;
		}
		if ((err = morph_revparse(&id, ctx->repo, argv[i])) == NULL)
			puts(shorten ? morph_cmd_short(&id) :
			    morph_oid_tostr(&id));
	}
	morph_buf_release(&ref);
	return err;
}

const struct morph_cmd morph_cmd_rev_parse = {
	"rev-parse",
	"rev-parse [--abbrev-ref | --short] revision ...",
	"print the object id a revision names",
	MORPH_CMD_NEEDS_REPO | MORPH_CMD_READS,
	cmd_rev_parse,
};
