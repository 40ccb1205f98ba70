/*
 * morph: main(), the command table, and the one place that prints errors
 * and picks the exit status (0 success, 1 a negative answer, 2 error).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"

/* Alphabetical; morph help lists them in this order. */
static const struct morph_cmd *const commands[] = {
	&morph_cmd_add,
	&morph_cmd_bisect,
	&morph_cmd_blame,
	&morph_cmd_branch,
	&morph_cmd_cat_object,
	&morph_cmd_checkout,
	&morph_cmd_clone,
	&morph_cmd_commit,
	&morph_cmd_compare,
	&morph_cmd_config,
	&morph_cmd_diff,
	&morph_cmd_eval,
	&morph_cmd_fetch,
	&morph_cmd_fsck,
	&morph_cmd_help,
	&morph_cmd_init,
	&morph_cmd_log,
	&morph_cmd_merge,
	&morph_cmd_models,
	&morph_cmd_mv,
	&morph_cmd_prices,
	&morph_cmd_pull,
	&morph_cmd_push,
	&morph_cmd_reflog,
	&morph_cmd_remote,
	&morph_cmd_report,
	&morph_cmd_reset,
	&morph_cmd_restore,
	&morph_cmd_rev_parse,
	&morph_cmd_revert,
	&morph_cmd_rm,
	&morph_cmd_route,
	&morph_cmd_run,
	&morph_cmd_runs,
	&morph_cmd_select,
	&morph_cmd_show,
	&morph_cmd_stash,
	&morph_cmd_status,
	&morph_cmd_switch,
	&morph_cmd_tag,
};

#define NCOMMANDS	(sizeof(commands) / sizeof(commands[0]))

static const char usage_line[] =
    "morph [-C directory] command [argument ...]";

const struct morph_cmd *
morph_cmd_find(const char *name)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i]->name, name) == 0)
			return commands[i];
	return NULL;
}

void
morph_cmd_list(FILE *fp)
{
	size_t i;

	fprintf(fp, "usage: %s\n\nCommands:\n", usage_line);
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(fp, "  %-12s %s\n", commands[i]->name,
		    commands[i]->summary);
	fprintf(fp, "\nmorph help COMMAND prints a command's synopsis and "
	    "options;\nman morph-COMMAND tells the rest.\n");
}

static void
print_error(const struct morph_error *err)
{
	fflush(stdout);
	fprintf(stderr, "morph: %s\n", err->msg);
}

/* What the library says while it works: why a command pauses. */
static void
notice(const char *msg, void *arg)
{
	(void)arg;
	fflush(stdout);
	fprintf(stderr, "morph: %s\n", msg);
}

static int
wants_help(int argc, char *argv[])
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0)
			return 1;
	}
	return 0;
}

int
main(int argc, char *argv[])
{
	const struct morph_error *err = NULL;
	const struct morph_cmd *cmd;
	struct morph_cmd_ctx ctx;
	int status;

	argv++;
	argc--;
	while (argc > 0 && argv[0][0] == '-') {
		if (strcmp(argv[0], "-C") == 0 && argc > 1) {
			if (chdir(argv[1]) == -1) {
				err = morph_error_errno("cannot change to "
				    "'%s'", argv[1]);
				print_error(err);
				return 2;
			}
			argv += 2;
			argc -= 2;
		} else if (strcmp(argv[0], "-C") == 0) {
			fprintf(stderr, "morph: option '-C' needs a directory\n"
			    "usage: %s\n", usage_line);
			return 2;
		} else if (strcmp(argv[0], "--version") == 0) {
			printf("morph version %s\n", morph_version());
			return 0;
		} else if (strcmp(argv[0], "-h") == 0 ||
		    strcmp(argv[0], "--help") == 0) {
			morph_cmd_list(stdout);
			return 0;
		} else {
			fprintf(stderr, "morph: unknown option '%s'\n"
			    "usage: %s\n", argv[0], usage_line);
			return 2;
		}
	}
	if (argc == 0) {
		morph_cmd_list(stderr);
		return 2;
	}
	if ((cmd = morph_cmd_find(argv[0])) == NULL) {
		fprintf(stderr, "morph: '%s' is not a morph command; see "
		    "morph help\n", argv[0]);
		return 2;
	}
	if (wants_help(argc, argv)) {
		printf("usage: morph %s\n", cmd->usage);
		return 0;
	}

	memset(&ctx, 0, sizeof(ctx));
	ctx.cmd = cmd;
	if (cmd->flags & MORPH_CMD_NEEDS_REPO) {
		err = morph_repo_open(&ctx.repo, NULL);
		if (err == NULL)
			morph_repo_set_notice(ctx.repo, notice, NULL);
	}
	if (err == NULL && (cmd->flags & MORPH_CMD_READS))
		err = morph_repo_read_begin(ctx.repo);
	if (err == NULL) {
		optind = 0;
		err = cmd->exec(&ctx, argc, argv);
	}
	if (ctx.repo != NULL && (cmd->flags & MORPH_CMD_READS))
		morph_repo_read_end(ctx.repo);
	morph_cmd_pager_end();
	if (fflush(stdout) != 0 && err == NULL)
		err = morph_error_errno("cannot write the output");
	status = ctx.status;
	if (err != NULL) {
		print_error(err);
		if (ctx.usage_error)
			fprintf(stderr, "usage: morph %s\n", cmd->usage);
		status = 2;
	}
	morph_repo_close(ctx.repo);
	return status;
}
