/*
 * morph blame: which commit last changed each line of a file, as git
 * blame prints it (lib/blame.c finds them); with --runs, the pass rate of
 * each line's commit in its newest run, so that a reviewer sees which
 * lines went in with a drop.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "morph/blame.h"
#include "morph/run.h"

enum format {
	FORMAT_TEXT,
	FORMAT_SHORT,		/* -s: no author, no date */
	FORMAT_JSON,
	FORMAT_PORCELAIN,
};

/* The newest run of a commit, looked up once a commit. */
struct run_of {
	const struct morph_commit *commit;
	int			 found;
	struct morph_run_info	 ri;
	char			 rate[48];	/* "3/4 (75%)", or "-" */
};

struct blame_out {
	struct morph_repo	*repo;
	struct morph_blame	*b;
	const char		*path;
	int			 runs;
	struct run_of		*v;
	size_t			 n;
};

/* The run of c's commit, reading it on first use. */
static const struct morph_error *
run_of(const struct run_of **out, struct blame_out *o,
    const struct morph_commit *c)
{
	const struct morph_error *err;
	struct run_of *r, *nv;
	size_t i;

	for (i = 0; i < o->n; i++)
		if (o->v[i].commit == c) {
			*out = &o->v[i];
			return NULL;
		}
	if ((nv = realloc(o->v, (o->n + 1) * sizeof(*nv))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	o->v = nv;
	r = &o->v[o->n];
	memset(r, 0, sizeof(*r));
	r->commit = c;
	err = morph_run_find(&r->ri, o->repo,
	    morph_oid_tostr(morph_commit_id(c)));
	if (err != NULL && err->code != MORPH_ERR_NOT_FOUND)
		return err;
	r->found = err == NULL;
	if (r->found && r->ri.asserted > 0)
		snprintf(r->rate, sizeof(r->rate), "%lld/%lld (%.0f%%)",
		    (long long)r->ri.passed, (long long)r->ri.asserted,
		    100.0 * (double)r->ri.passed / (double)r->ri.asserted);
	else
		snprintf(r->rate, sizeof(r->rate), "-");
	o->n++;
	*out = r;
	return NULL;
}

/* "2026-11-25 10:00:00 +0100", in the author's zone, static buffer. */
static const char *
blame_date(const struct morph_signature *a)
{
	static char out[40];
	char zone[8];
	time_t t = (time_t)(a->time + (int64_t)a->tz * 60);
	struct tm tm;
	size_t n;

	if (gmtime_r(&t, &tm) == NULL)
		return "(bad date)";
	n = strftime(out, sizeof(out), "%Y-%m-%d %H:%M:%S", &tm);
	morph_tz_fmt(zone, a->tz);
	snprintf(out + n, sizeof(out) - n, " %s", zone);
	return out;
}

static const struct morph_error *
print_text(struct blame_out *o, int color, int brief)
{
	const struct morph_error *err;
	const struct morph_blame_line *l;
	const struct morph_signature *a;
	const struct run_of *r = NULL;
	size_t i, n = morph_blame_count(o->b);
	int wname = 0, wrate = 0, wline, len;

	if (n == 0)
		return NULL;
	wline = snprintf(NULL, 0, "%zu", morph_blame_line(o->b, n - 1)->line);
	for (i = 0; i < n; i++) {
		l = morph_blame_line(o->b, i);
		len = (int)strlen(morph_commit_author(l->commit)->name);
		wname = len > wname ? len : wname;
		if (o->runs) {
			if ((err = run_of(&r, o, l->commit)) != NULL)
				return err;
			len = (int)strlen(r->rate);
			wrate = len > wrate ? len : wrate;
		}
	}
	morph_cmd_pager_begin();
	for (i = 0; i < n; i++) {
		l = morph_blame_line(o->b, i);
		a = morph_commit_author(l->commit);
		printf("%s%s%s ", morph_sgr(color, MORPH_SGR_YELLOW),
		    morph_cmd_short(morph_commit_id(l->commit)),
		    morph_sgr(color, MORPH_SGR_RESET));
		if (!brief)
			printf("(%-*s %s ", wname, a->name, blame_date(a));
		if (o->runs) {
			if ((err = run_of(&r, o, l->commit)) != NULL)
				return err;
			printf("%-*s ", wrate, r->rate);
		}
		printf("%*zu) ", wline, l->line);
		fwrite(l->text, 1, l->len, stdout);
		putchar('\n');
	}
	return NULL;
}

/*
 * git blame --porcelain: a header "ID ORIG FINAL [COUNT]" a line (COUNT
 * on the first of a run of lines from one commit), the commit's details
 * the first time it appears, then the line after a tab.
 */
static const struct morph_error *
print_porcelain(struct blame_out *o)
{
	const struct morph_error *err;
	const struct morph_blame_line *l, *next;
	const struct morph_signature *a;
	const struct morph_commit **shown = NULL, **ns;
	const struct run_of *r;
	size_t i, j, k, nshown = 0, group = 0, n = morph_blame_count(o->b);
	char tz[8];

	for (i = 0; i < n; i++) {
		l = morph_blame_line(o->b, i);
		printf("%s %zu %zu", morph_oid_tostr(morph_commit_id(l->commit)),
		    l->orig_line, l->line);
		if (group == 0) {
			/* The run of lines from this commit, in order. */
			for (k = i + 1; k < n; k++) {
				next = morph_blame_line(o->b, k);
				if (next->commit != l->commit ||
				    next->orig_line != l->orig_line + (k - i))
					break;
			}
			group = k - i;
			printf(" %zu", group);
		}
		group--;
		putchar('\n');
		for (j = 0; j < nshown && shown[j] != l->commit; j++)
			;
		if (j == nshown) {
			if ((ns = realloc(shown, (nshown + 1) *
			    sizeof(*ns))) == NULL) {
				free(shown);
				return morph_error(MORPH_ERR_NOMEM);
			}
			shown = ns;
			shown[nshown++] = l->commit;
			a = morph_commit_author(l->commit);
			morph_tz_fmt(tz, a->tz);
			/* A morph commit has an author only: it commits too. */
			for (k = 0; k < 2; k++)
				printf("%s %s\n%s-mail <%s>\n%s-time %lld\n"
				    "%s-tz %s\n", k ? "committer" : "author",
				    a->name, k ? "committer" : "author",
				    a->email, k ? "committer" : "author",
				    (long long)a->time, k ? "committer" :
				    "author", tz);
			printf("summary %s\n", morph_cmd_summary(
			    morph_commit_message(l->commit)));
			if (morph_commit_parent_count(l->commit) == 0)
				printf("boundary\n");
			if (o->runs) {
				if ((err = run_of(&r, o, l->commit)) != NULL) {
					free(shown);
					return err;
				}
				printf("pass-rate %s\n", r->rate);
			}
			printf("filename %s\n", o->path);
		}
		putchar('\t');
		fwrite(l->text, 1, l->len, stdout);
		putchar('\n');
	}
	free(shown);
	return NULL;
}

static const struct morph_error *
print_json(struct blame_out *o)
{
	const struct morph_error *err;
	const struct morph_blame_line *l;
	const struct run_of *r;
	struct morph_jsonw w;
	size_t i;

	morph_jsonw_init(&w, stdout);
	morph_jsonw_array_begin(&w);
	for (i = 0; i < morph_blame_count(o->b); i++) {
		l = morph_blame_line(o->b, i);
		morph_jsonw_object_begin(&w);
		morph_jsonw_kv_int(&w, "line", (int64_t)l->line);
		morph_jsonw_kv_int(&w, "orig_line", (int64_t)l->orig_line);
		morph_jsonw_kv_string(&w, "commit",
		    morph_oid_tostr(morph_commit_id(l->commit)));
		morph_cmd_json_signature(&w, "author",
		    morph_commit_author(l->commit));
		morph_jsonw_kv_string(&w, "summary",
		    morph_cmd_summary(morph_commit_message(l->commit)));
		morph_jsonw_key(&w, "text");
		morph_jsonw_string_len(&w, l->text, l->len);
		if (o->runs) {
			if ((err = run_of(&r, o, l->commit)) != NULL)
				return err;
			morph_jsonw_key(&w, "run");
			if (!r->found)
				morph_jsonw_null(&w);
			else {
				morph_jsonw_object_begin(&w);
				morph_jsonw_kv_int(&w, "run", r->ri.num);
				morph_jsonw_kv_string(&w, "id",
				    r->ri.is_sealed ?
				    morph_oid_tostr(&r->ri.sealed) : NULL);
				morph_jsonw_kv_int(&w, "asserted",
				    r->ri.asserted);
				morph_jsonw_kv_int(&w, "passed", r->ri.passed);
				morph_jsonw_key(&w, "pass_rate");
				if (r->ri.asserted > 0)
					morph_jsonw_double(&w,
					    (double)r->ri.passed /
					    (double)r->ri.asserted);
				else
					morph_jsonw_null(&w);
				morph_jsonw_object_end(&w);
			}
		}
		morph_jsonw_object_end(&w);
	}
	morph_jsonw_array_end(&w);
	morph_jsonw_finish(&w);
	return NULL;
}

/* A line number of -L: digits, from 1. */
static int
line_number(size_t *out, const char **s)
{
	char *end;
	unsigned long long v;

	if (**s < '0' || **s > '9')
		return -1;
	v = strtoull(*s, &end, 10);
	if (v == 0 || v > (unsigned long long)SIZE_MAX / 2)
		return -1;
	*out = (size_t)v;
	*s = end;
	return 0;
}

/* -L START,END, START, (to the end), ,END or START,+COUNT. */
static const struct morph_error *
parse_range(struct morph_cmd_ctx *ctx, struct morph_blame_opts *opts,
    const char *arg)
{
	const char *s = arg;
	size_t count;

	if (*s != ',' && line_number(&opts->first, &s) == -1)
		goto bad;
	if (*s == '\0')
		return NULL;
	if (*s++ != ',')
		goto bad;
	if (*s == '\0')
		return NULL;
	if (*s == '+') {
		s++;
		if (line_number(&count, &s) == -1 || *s != '\0')
			goto bad;
		opts->last = (opts->first ? opts->first : 1) + count - 1;
		return NULL;
	}
	if (line_number(&opts->last, &s) == 0 && *s == '\0')
		return NULL;
bad:
	return morph_cmd_bad_usage(ctx, "-L needs START,END (line numbers "
	    "from 1), START, or START,+COUNT, not '%s'", arg);
}

static const struct morph_error *
cmd_blame(struct morph_cmd_ctx *ctx, int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "porcelain", no_argument, NULL, 'P' },
		{ "runs", no_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 }
	};
	struct morph_blame_opts opts = MORPH_BLAME_OPTS_INIT;
	const struct morph_error *err = NULL;
	struct morph_buf path = MORPH_BUF_INIT;
	struct blame_out o;
	struct morph_oid id;
	enum format fmt = FORMAT_TEXT;
	const char *rev = MORPH_HEAD;
	int c;

	memset(&o, 0, sizeof(o));
	while ((c = morph_cmd_getopt(ctx, argc, argv, "L:s", longopts,
	    &err)) != -1) {
		switch (c) {
		case 'L':
			if ((err = parse_range(ctx, &opts, optarg)) != NULL)
				return err;
			break;
		case 's':
		case 'J':
		case 'P':
			if (fmt != FORMAT_TEXT)
				return morph_cmd_bad_usage(ctx, "give one of "
				    "-s, --json and --porcelain");
			fmt = c == 's' ? FORMAT_SHORT : c == 'J' ?
			    FORMAT_JSON : FORMAT_PORCELAIN;
			break;
		case 'R':
			o.runs = 1;
			break;
		default:
			return err;
		}
	}
	if (argc - optind < 1)
		return morph_cmd_bad_usage(ctx, "which file?");
	if (argc - optind > 2)
		return morph_cmd_bad_usage(ctx, "too many arguments");
	if (argc - optind == 2)
		rev = argv[optind + 1];
	if ((err = morph_repo_path(&path, ctx->repo, argv[optind])) != NULL ||
	    (err = morph_revparse_type(&id, ctx->repo, rev,
	    MORPH_OBJ_COMMIT)) != NULL)
		goto done;
	o.repo = ctx->repo;
	o.path = morph_buf_cstr(&path);
	if ((err = morph_blame_file(&o.b, ctx->repo, &id, o.path,
	    &opts)) != NULL) {
		err = morph_error_wrap(err, "blame %s", rev);
		goto done;
	}
	switch (fmt) {
	case FORMAT_TEXT:
	case FORMAT_SHORT:
		err = print_text(&o, morph_cmd_color(), fmt == FORMAT_SHORT);
		break;
	case FORMAT_JSON:
		err = print_json(&o);
		break;
	case FORMAT_PORCELAIN:
		err = print_porcelain(&o);
		break;
	}
done:
	morph_blame_free(o.b);
	free(o.v);
	morph_buf_release(&path);
	return err;
}

const struct morph_cmd morph_cmd_blame = {
	"blame",
	"blame [-s | --json | --porcelain] [--runs] [-L start,end] path "
	    "[revision]",
	"show which commit last changed each line of a file",
	MORPH_CMD_NEEDS_REPO | MORPH_CMD_READS,
	cmd_blame,
};
