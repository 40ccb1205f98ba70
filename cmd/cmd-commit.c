/*
 * morph commit: record the staged snapshot as a new commit.
 */
#include <sys/wait.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"

static const struct morph_error *
read_stream(struct morph_buf *out, FILE *fp, const char *name)
{
	char chunk[8192];
	size_t n;

	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		morph_buf_put(out, chunk, n);
	if (ferror(fp))
		return morph_error_errno("cannot read '%s'", name);
	return morph_buf_status(out);
}

static const struct morph_error *
read_message_file(struct morph_buf *out, const char *path)
{
	const struct morph_error *err;
	FILE *fp;

	if (strcmp(path, "-") == 0)
		return read_stream(out, stdin, "standard input");
	if ((fp = fopen(path, "r")) == NULL)
		return morph_error_errno("cannot open '%s'", path);
	err = read_stream(out, fp, path);
	fclose(fp);
	return err;
}

/* The editor on initial (the message being amended) or on nothing. */
static const struct morph_error *
edit_message(struct morph_buf *out, struct morph_repo *repo,
    const char *initial)
{
	struct morph_buf path = MORPH_BUF_INIT, cmd = MORPH_BUF_INIT;
	const struct morph_error *err = NULL;
	const char *editor;
	FILE *fp;
	pid_t pid;
	int status;

	editor = getenv("MORPH_EDITOR");
	if (editor == NULL)
		editor = getenv("VISUAL");
	if (editor == NULL)
		editor = getenv("EDITOR");
	if (editor == NULL) {
		if (!isatty(STDIN_FILENO))
			return morph_error_fmt(MORPH_ERR_INVALID, "no commit "
			    "message: give one with -m or -F");
		editor = "vi";
	}
	morph_buf_printf(&path, "%s/COMMIT_EDITMSG", morph_repo_morphdir(repo));
	morph_buf_printf(&cmd, "%s \"$@\"", editor);
	if ((err = morph_buf_status(&path)) != NULL ||
	    (err = morph_buf_status(&cmd)) != NULL)
		goto done;
	if ((fp = fopen(path.ptr, "w")) == NULL) {
		err = morph_error_errno("cannot write '%s'", path.ptr);
		goto done;
	}
	fputs(initial != NULL ? initial : "", fp);
	fputs("\n# Write the commit message above.  Lines starting with '#' "
	    "are dropped;\n# an empty message aborts the commit.\n", fp);
	if (fclose(fp) != 0) {
		err = morph_error_errno("cannot write '%s'", path.ptr);
		goto done;
	}
	fflush(stdout);
	if ((pid = fork()) == -1) {
		err = morph_error_errno("cannot start the editor");
		goto done;
	}
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", cmd.ptr, editor, path.ptr,
		    (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		err = morph_error_fmt(MORPH_ERR_INVALID, "the editor '%s' "
		    "failed; the commit is aborted", editor);
		goto done;
	}
	err = read_message_file(out, path.ptr);
done:
	morph_buf_release(&path);
	morph_buf_release(&cmd);
	return err;
}

/* commit -a of a merge: staged before the gate judges the snapshot. */
static const struct morph_error *
stage_tracked(struct morph_repo *repo)
{
	const struct morph_error *err;
	struct morph_index *idx = NULL;

	if ((err = morph_repo_begin(repo)) != NULL)
		return err;
	if ((err = morph_index_open(&idx, repo)) == NULL &&
	    (err = morph_index_add_tracked(idx, repo)) == NULL)
		err = morph_index_write(idx, repo);
	morph_index_free(idx);
	if (err != NULL) {
		morph_repo_rollback(repo);
		return err;
	}
	return morph_repo_commit(repo);
}

static const struct morph_error *
cmd_commit(struct morph_cmd_ctx *ctx, int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "allow-empty", no_argument, NULL, 'E' },
		{ "amend", no_argument, NULL, 'A' },
		{ "file", required_argument, NULL, 'F' },
		{ "message", required_argument, NULL, 'm' },
		{ "no-edit", no_argument, NULL, 'N' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "reset-author", no_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 }
	};
	struct morph_commit_opts opts = MORPH_COMMIT_OPTS_INIT;
	struct morph_cmd_gate_opts gate = { 1, 0, 0, 0 };
	struct morph_buf raw = MORPH_BUF_INIT, msg = MORPH_BUF_INIT;
	const struct morph_error *err = NULL;
	struct morph_merge_state *ms = NULL;
	struct morph_commit *old = NULL;
	struct morph_oid id;
	const char *file = NULL, *initial = NULL;
	int ch, have_m = 0, from_editor = 0, merging = 0, quiet = 0;
	int no_edit = 0;

	while ((ch = morph_cmd_getopt(ctx, argc, argv, "aF:m:q", longopts,
	    &err)) != -1) {
		switch (ch) {
		case 'a':
			opts.all = 1;
			break;
		case 'A':
			opts.amend = 1;
			break;
		case 'E':
			opts.allow_empty = 1;
			break;
		case 'N':
			no_edit = 1;
			break;
		case 'R':
			opts.reset_author = 1;
			break;
		case 'F':
			file = optarg;
			break;
		case 'm':
			if (have_m++)
				morph_buf_puts(&raw, "\n\n");
			morph_buf_puts(&raw, optarg);
			break;
		case 'q':
			quiet = 1;
			break;
		default:
			goto done;
		}
	}
	if (optind < argc) {
		err = morph_cmd_bad_usage(ctx, "unexpected argument '%s'",
		    argv[optind]);
		goto done;
	}
	if (have_m && file != NULL) {
		err = morph_cmd_bad_usage(ctx, "-m and -F cannot be combined");
		goto done;
	}
	if ((no_edit || opts.reset_author) && !opts.amend) {
		err = morph_cmd_bad_usage(ctx, "--no-edit and --reset-author "
		    "go with --amend");
		goto done;
	}
	if (no_edit && (have_m || file != NULL)) {
		err = morph_cmd_bad_usage(ctx, "--no-edit takes no -m or -F");
		goto done;
	}
	/*
	 * A merge in progress has its message; -a stages before a gate.
	 * An amend is refused then (morph_commit_create), gate or not.
	 */
	if (!opts.amend &&
	    (err = morph_merge_state_read(&ms, &merging, ctx->repo)) != NULL)
		goto done;
	if (merging && opts.all && morph_merge_state_gate(ms, NULL, NULL) &&
	    (err = stage_tracked(ctx->repo)) != NULL)
		goto done;
	if (merging && (err = morph_cmd_exec_allowed(&gate.allow_exec,
	    ctx->repo, 0)) != NULL)
		goto done;
	if (merging && (err = morph_cmd_gate_before_commit(ctx, &gate,
	    &merging, &opts.gate_passed)) != NULL)
		goto done;
	if (ctx->status != 0)
		goto done;	/* the gate refused the merge */
	/* --amend: the message being amended, kept or edited. */
	if (opts.amend && !have_m && file == NULL) {
		if ((err = morph_revparse_type(&id, ctx->repo, MORPH_HEAD,
		    MORPH_OBJ_COMMIT)) != NULL) {
			if (err->code == MORPH_ERR_NOT_FOUND)
				err = morph_error_fmt(MORPH_ERR_INVALID,
				    "cannot amend: %s; there is no commit "
				    "to amend", err->msg);
			goto done;
		}
		if ((err = morph_commit_read(&old, ctx->repo, &id)) != NULL)
			goto done;
		initial = morph_commit_message(old);
	}
	if (file != NULL)
		err = read_message_file(&raw, file);
	else if (merging && !have_m)
		goto commit;	/* the merge's own message */
	else if (no_edit)
		morph_buf_puts(&raw, initial);
	else if (!have_m) {
		err = edit_message(&raw, ctx->repo, initial);
		from_editor = 1;
	}
	if (err == NULL)
		err = morph_buf_status(&raw);
	/* The message is text: a NUL would silently cut it short. */
	if (err == NULL && raw.len > 0 && memchr(raw.ptr, '\0', raw.len))
		err = morph_error_fmt(MORPH_ERR_INVALID,
		    "the commit message contains a NUL byte");
	if (err == NULL)
		err = morph_cmd_clean_message(&msg, morph_buf_cstr(&raw),
		    from_editor);
	if (err != NULL)
		goto done;
	if (msg.len == 0) {
		err = morph_error_fmt(MORPH_ERR_INVALID,
		    "aborting commit due to an empty commit message");
		goto done;
	}
	opts.message = msg.ptr;
commit:
	err = morph_cmd_commit_index(ctx->repo, &opts, quiet);
done:
	morph_merge_state_free(ms);
	morph_commit_free(old);
	morph_buf_release(&raw);
	morph_buf_release(&msg);
	return err;
}

const struct morph_cmd morph_cmd_commit = {
	"commit",
	"commit [-aq] [--allow-empty] [-F file | -m message ...]\n"
	"       morph commit --amend [-aq] [--allow-empty] [--reset-author]\n"
	"           [--no-edit | -F file | -m message ...]",
	"record the staged snapshot",
	MORPH_CMD_NEEDS_REPO,
	cmd_commit,
};
