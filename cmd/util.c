/*
 * Helpers the commands share: option parsing, colour, the pager,
 * formatting of ids and dates, and the configured model of a comparison
 * in --json output.
 */
#include <sys/wait.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "morph/compare.h"
#include "morph/config.h"
#include "morph/select.h"

const struct morph_error *
morph_cmd_bad_usage(struct morph_cmd_ctx *ctx, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ctx->usage_error = 1;
	return morph_error_fmt(MORPH_ERR_INVALID, "%s: %s", ctx->cmd->name,
	    msg);
}

int
morph_cmd_getopt(struct morph_cmd_ctx *ctx, int argc, char *argv[],
    const char *shortopts, const struct option *longopts,
    const struct morph_error **err)
{
	char opts[128];
	int c, prev = optind ? optind : 1;

	/* A leading ':' makes getopt tell a missing argument apart. */
	snprintf(opts, sizeof(opts), ":%s", shortopts);
	opterr = 0;
	c = getopt_long(argc, argv, opts, longopts, NULL);
	if (c == '?') {
		if (optopt != 0)
			*err = morph_cmd_bad_usage(ctx, "unknown option '-%c'",
			    optopt);
		else
			*err = morph_cmd_bad_usage(ctx, "unknown option '%s'",
			    argv[optind - 1 > 0 ? optind - 1 : prev]);
		return '?';
	}
	if (c == ':') {
		*err = morph_cmd_bad_usage(ctx, "option '%s' needs a value",
		    argv[optind - 1 > 0 ? optind - 1 : prev]);
		return '?';
	}
	return c;
}

void
morph_cmd_split_paths(int *argc, char *argv[], char ***paths, int *npaths)
{
	int i;

	*paths = NULL;
	*npaths = -1;
	for (i = 1; i < *argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			*paths = argv + i + 1;
			*npaths = *argc - i - 1;
			argv[i] = NULL;
			*argc = i;
			return;
		}
	}
}

void
morph_cmd_pathspec_release(struct morph_cmd_pathspec *ps)
{
	size_t i;

	for (i = 0; ps->norm != NULL && i < ps->n; i++)
		morph_buf_release(&ps->norm[i]);
	free(ps->norm);
	free(ps->v);
	memset(ps, 0, sizeof(*ps));
}

const struct morph_error *
morph_cmd_pathspec_parse(struct morph_cmd_pathspec *ps,
    struct morph_repo *repo, char **args, int nargs)
{
	const struct morph_error *err = NULL;
	size_t i;

	memset(ps, 0, sizeof(*ps));
	if (nargs <= 0)
		return NULL;
	ps->n = (size_t)nargs;
	ps->norm = calloc(ps->n, sizeof(*ps->norm));
	ps->v = calloc(ps->n, sizeof(*ps->v));
	if (ps->norm == NULL || ps->v == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	for (i = 0; i < ps->n && err == NULL; i++) {
		err = morph_repo_path(&ps->norm[i], repo, args[i]);
		ps->v[i] = morph_buf_cstr(&ps->norm[i]);
	}
	return err;
}

int
morph_cmd_range(struct morph_cmd_range *r, const char *arg)
{
	const char *dots;
	size_t at;
	int n;

	memset(r, 0, sizeof(*r));
	if (strchr(arg, ':') != NULL || (dots = strstr(arg, "..")) == NULL)
		return 0;
	n = dots[2] == '.' ? 3 : 2;
	if ((r->buf = strdup(arg)) == NULL)
		return -1;
	at = (size_t)(dots - arg);
	r->buf[at] = '\0';
	r->a = at > 0 ? r->buf : MORPH_HEAD;
	r->b = dots[n] != '\0' ? r->buf + at + n : MORPH_HEAD;
	return n;
}

void
morph_cmd_range_release(struct morph_cmd_range *r)
{
	free(r->buf);
	r->buf = NULL;
}

const struct morph_error *
morph_cmd_parse_int(struct morph_cmd_ctx *ctx, const char *opt,
    const char *s, int64_t lo, int64_t hi, int64_t *out)
{
	const struct morph_error *err;

	if ((err = morph_num_int(out, opt, s, lo, hi)) != NULL)
		return morph_cmd_bad_usage(ctx, "%s", err->msg);
	return NULL;
}

const struct morph_error *
morph_cmd_parse_real(struct morph_cmd_ctx *ctx, const char *opt,
    const char *s, double lo, double hi, int flags, double *out)
{
	const struct morph_error *err;

	if ((err = morph_num_real(out, opt, s, lo, hi, flags)) != NULL)
		return morph_cmd_bad_usage(ctx, "%s", err->msg);
	return NULL;
}

int
morph_cmd_color(void)
{
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");

	if (nc != NULL && nc[0] != '\0')
		return 0;
	if (term != NULL && strcmp(term, "dumb") == 0)
		return 0;
	return isatty(STDOUT_FILENO);
}

static FILE *pager;

void
morph_cmd_pager_begin(void)
{
	const char *cmd;

	if (pager != NULL || !isatty(STDOUT_FILENO))
		return;
	cmd = getenv("MORPH_PAGER");
	if (cmd == NULL)
		cmd = getenv("PAGER");
	if (cmd == NULL)
		cmd = "less";
	if (cmd[0] == '\0' || strcmp(cmd, "cat") == 0)
		return;
	if (strcmp(cmd, "less") == 0 && access("/usr/bin/less", X_OK) != 0 &&
	    access("/bin/less", X_OK) != 0)
		return;
	/* As git does: quit if one screen, keep colour, no init. */
	setenv("LESS", "FRX", 0);
	fflush(stdout);
	if ((pager = popen(cmd, "w")) == NULL)
		return;
	if (dup2(fileno(pager), STDOUT_FILENO) == -1) {
		pclose(pager);
		pager = NULL;
	}
}

void
morph_cmd_pager_end(void)
{
	if (pager == NULL)
		return;
	fflush(stdout);
	close(STDOUT_FILENO);
	pclose(pager);
	pager = NULL;
}

const char *
morph_cmd_short(const struct morph_oid *id)
{
	static char bufs[4][MORPH_OID_HEXSZ + 1];
	static unsigned int next;
	char *b = bufs[next++ % 4];

	morph_oid_fmt(b, id);
	b[MORPH_SHORT_ID] = '\0';
	return b;
}

const char *
morph_cmd_summary(const char *message)
{
	static char line[256];
	size_t n = strcspn(message, "\n");

	if (n >= sizeof(line))
		n = sizeof(line) - 1;
	memcpy(line, message, n);
	line[n] = '\0';
	return line;
}

const char *
morph_cmd_date(int64_t when, int tz)
{
	static char out[64];
	char zone[8];
	time_t t = (time_t)(when + (int64_t)tz * 60);
	struct tm tm;
	size_t n;

	if (gmtime_r(&t, &tm) == NULL)
		return "(bad date)";
	n = strftime(out, sizeof(out), "%a %b %e %H:%M:%S %Y", &tm);
	morph_tz_fmt(zone, tz);
	snprintf(out + n, sizeof(out) - n, " %s", zone);
	return out;
}

const struct morph_error *
morph_cmd_exec_allowed(int *allowed, struct morph_repo *repo, int flag)
{
	const struct morph_error *err;
	char *v = NULL;

	*allowed = flag;
	if (flag)
		return NULL;
	if ((err = morph_config_get(&v, repo, MORPH_CONFIG_LOCAL,
	    "exec.allow")) != NULL)
		return err;
	if (v != NULL && strcmp(v, "true") == 0)
		*allowed = 1;
	else if (v != NULL && strcmp(v, "false") != 0)
		err = morph_error_fmt(MORPH_ERR_INVALID, "exec.allow in "
		    ".morph/config: expected true or false, not '%s'", v);
	free(v);
	return err;
}

const struct morph_error *
morph_cmd_print_committed(struct morph_repo *repo, const struct morph_oid *id)
{
	struct morph_buf branch = MORPH_BUF_INIT;
	const struct morph_error *err;
	struct morph_commit *c;
	const char *where;

	if ((err = morph_commit_read(&c, repo, id)) != NULL)
		return err;
	if (morph_head_branch(&branch, repo) == NULL)
		where = branch.ptr + strlen(MORPH_REFS_HEADS);
	else
		where = "detached HEAD";
	printf("[%s%s %s] %s\n", where,
	    morph_commit_parent_count(c) == 0 ? " (root-commit)" : "",
	    morph_cmd_short(id), morph_cmd_summary(morph_commit_message(c)));
	morph_commit_free(c);
	morph_buf_release(&branch);
	return NULL;
}

const struct morph_error *
morph_cmd_commit_index(struct morph_repo *repo,
    const struct morph_commit_opts *opts, int quiet)
{
	const struct morph_error *err;
	struct morph_index *idx = NULL;
	struct morph_oid id;

	/*
	 * Take the lock before reading the index: a morph add finishing in
	 * between would otherwise have its staging overwritten.
	 */
	if ((err = morph_repo_begin(repo)) != NULL)
		return err;
	if ((err = morph_index_open(&idx, repo)) == NULL)
		err = morph_commit_create(&id, repo, idx, opts);
	morph_index_free(idx);
	if (err != NULL) {
		morph_repo_rollback(repo);
		return err;
	}
	if ((err = morph_repo_commit(repo)) != NULL || quiet)
		return err;
	return morph_cmd_print_committed(repo, &id);
}

void
morph_cmd_json_baseline(struct morph_jsonw *w, const char *key,
    const struct morph_compare *cmp)
{
	const struct morph_select_rule *rule = morph_compare_rule(cmp);
	size_t k;

	if (rule->nbaselines == 0) {
		morph_jsonw_kv_string(w, key, morph_compare_current(cmp));
		return;
	}
	morph_jsonw_key(w, key);
	morph_jsonw_object_begin(w);
	for (k = 0; k < rule->nbaselines; k++)
		morph_jsonw_kv_string(w, rule->baselines[k].prompts,
		    rule->baselines[k].model);
	morph_jsonw_object_end(w);
}
