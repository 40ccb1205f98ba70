/*
 * morph report: one self-contained HTML page of an evaluation, for a
 * reviewer to open anywhere (the page itself is libmorph's,
 * lib/report_html.c).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "morph/eval.h"
#include "morph/report.h"

/*
 * Writes the report into path through a temporary file beside it, moved
 * into place when complete: a report that fails halfway leaves the old
 * file, if any, as it was.
 */
static const struct morph_error *
write_file(struct morph_repo *repo, struct morph_eval *ev, const char *path)
{
	struct morph_report_opts opts = MORPH_REPORT_OPTS_INIT;
	const struct morph_error *err;
	struct morph_buf tmp = MORPH_BUF_INIT;
	const char *slash = strrchr(path, '/');
	FILE *fp = NULL;
	mode_t mask;
	int fd;

	if (slash != NULL)
		morph_buf_put(&tmp, path, (size_t)(slash - path) + 1);
	morph_buf_puts(&tmp, ".morph-report.XXXXXX");
	if ((err = morph_buf_status(&tmp)) != NULL)
		return err;
	if ((fd = mkstemp(tmp.ptr)) == -1) {
		err = morph_error_errno("cannot write '%s'", path);
		goto done;
	}
	/* mkstemp makes it 0600; a report is as readable as any file. */
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) == -1 ||
	    (fp = fdopen(fd, "w")) == NULL) {
		err = morph_error_errno("cannot write '%s'", path);
		close(fd);
		goto done;
	}
	/* What failed to write names the file; what failed to read names
	   its object. */
	if ((err = morph_report_write(fp, repo, ev, MORPH_REPORT_HTML,
	    &opts)) != NULL && err->code == MORPH_ERR_ERRNO)
		err = morph_error_wrap(err, "'%s'", path);
	if (fclose(fp) != 0 && err == NULL)
		err = morph_error_errno("cannot write '%s'", path);
	if (err == NULL && rename(tmp.ptr, path) == -1)
		err = morph_error_errno("cannot write '%s'", path);
	if (err != NULL)
		unlink(tmp.ptr);
done:
	morph_buf_release(&tmp);
	return err;
}

static const struct morph_error *
cmd_report(struct morph_cmd_ctx *ctx, int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "against", required_argument, NULL, 'a' },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	struct morph_report_opts ropts = MORPH_REPORT_OPTS_INIT;
	struct morph_eval_opts opts = MORPH_EVAL_OPTS_INIT;
	const struct morph_error *err = NULL;
	struct morph_eval *ev = NULL;
	const char *run = MORPH_HEAD, *against = NULL, *output = NULL;
	int c;

	while ((c = morph_cmd_getopt(ctx, argc, argv, "o:", longopts,
	    &err)) != -1) {
		switch (c) {
		case 'a':
			against = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		default:
			return err;
		}
	}
	if (argc - optind > 1)
		return morph_cmd_bad_usage(ctx, "too many runs");
	if (argc - optind == 1)
		run = argv[optind];
	if (output != NULL && *output == '\0')
		return morph_cmd_bad_usage(ctx, "-o needs a file name");
	if ((err = morph_eval_new(&ev, ctx->repo, run, against,
	    &opts)) != NULL)
		return err;
	if (output != NULL)
		err = write_file(ctx->repo, ev, output);
	else
		err = morph_report_write(stdout, ctx->repo, ev,
		    MORPH_REPORT_HTML, &ropts);
	morph_eval_free(ev);
	return err;
}

const struct morph_cmd morph_cmd_report = {
	"report",
	"report [-o file] [--against run] [run]",
	"write an evaluation as one self-contained HTML page",
	MORPH_CMD_NEEDS_REPO | MORPH_CMD_READS,
	cmd_report,
};
