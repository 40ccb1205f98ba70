/*
 * morph help: the list of commands, or the synopsis and options of one, as
 * its man page gives them.  The pages are rendered into the program when
 * it is built (cmd/mkhelp.c), so help needs no man pages installed.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"

static const struct morph_error *
cmd_help(struct morph_cmd_ctx *ctx, int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ NULL, 0, NULL, 0 }
	};
	const struct morph_error *err = NULL;
	const struct morph_cmd_manual *m;
	const struct morph_cmd *cmd;
	size_t i;

	if (morph_cmd_getopt(ctx, argc, argv, "", longopts, &err) != -1)
		return err;
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		morph_cmd_list(stdout);
		return NULL;
	}
	if (argc > 1)
		return morph_cmd_bad_usage(ctx, "give one command, not %d",
		    argc);
	if ((cmd = morph_cmd_find(argv[0])) == NULL)
		return morph_error_fmt(MORPH_ERR_NOT_FOUND, "'%s' is not a "
		    "morph command; see morph help", argv[0]);
	for (m = morph_cmd_manuals; m->name != NULL; m++)
		if (strcmp(m->name, cmd->name) == 0)
			break;
	if (m->name == NULL)
		return morph_error_fmt(MORPH_ERR_NOT_FOUND, "help: this morph "
		    "was built without the man page of '%s'", cmd->name);

	morph_cmd_pager_begin();
	for (i = 0; m->lines[i] != NULL; i++)
		puts(m->lines[i]);
	printf("\nman morph-%s tells the rest.\n", cmd->name);
	return NULL;
}

const struct morph_cmd morph_cmd_help = {
	"help",
	"help [command]",
	"show the synopsis and options of a command",
	0,
	cmd_help,
};
