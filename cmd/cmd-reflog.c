/*
 * morph reflog: where HEAD or a branch has been, newest first, as git
 * reflog show prints it.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"

struct listing {
	const char		*name;	/* as the user gave it */
	struct morph_jsonw	*w;	/* NULL: text */
	int64_t			 max;	/* -n; -1: all */
};

static const struct morph_error *
print_entry(const struct morph_reflog_entry *e, size_t n, void *arg)
{
	struct listing *l = arg;
	char sel[1200], tz[8];

	if (l->max >= 0 && (int64_t)n >= l->max)
		return morph_error(MORPH_ERR_EXISTS);	/* enough: stop */
	snprintf(sel, sizeof(sel), "%s@{%zu}", l->name, n);
	if (l->w == NULL) {
		printf("%s %s: %s\n", morph_cmd_short(&e->new), sel,
		    e->message);
		return NULL;
	}
	morph_tz_fmt(tz, e->who.tz);
	morph_jsonw_object_begin(l->w);
	morph_jsonw_kv_string(l->w, "selector", sel);
	morph_jsonw_kv_string(l->w, "old", morph_oid_is_zero(&e->old) ?
	    NULL : morph_oid_tostr(&e->old));
	morph_jsonw_kv_string(l->w, "new", morph_oid_tostr(&e->new));
	morph_jsonw_kv_string(l->w, "name", e->who.name);
	morph_jsonw_kv_string(l->w, "email", e->who.email);
	morph_jsonw_kv_int(l->w, "time", e->who.time);
	morph_jsonw_kv_string(l->w, "tz", tz);
	morph_jsonw_kv_string(l->w, "message", e->message);
	morph_jsonw_object_end(l->w);
	return NULL;
}

/*
 * The reference whose log name means: HEAD, a full name under refs/heads/,
 * or a branch's short name.  It must exist, as git's must.
 */
static const struct morph_error *
log_name(struct morph_buf *ref, struct morph_repo *repo, const char *name)
{
	struct morph_buf val = MORPH_BUF_INIT;
	const struct morph_error *err;
	int symbolic;

	if (strcmp(name, MORPH_HEAD) == 0 || strncmp(name, MORPH_REFS_HEADS,
	    strlen(MORPH_REFS_HEADS)) == 0)
		morph_buf_puts(ref, name);
	else if (morph_ref_shortname_valid(name))
		morph_buf_printf(ref, "%s%s", MORPH_REFS_HEADS, name);
	else
		return morph_error_fmt(MORPH_ERR_INVALID, "'%s' is not a "
		    "branch name: morph keeps logs for HEAD and branches",
		    name);
	if ((err = morph_buf_status(ref)) != NULL)
		return err;
	err = morph_ref_read(&val, &symbolic, repo, ref->ptr);
	morph_buf_release(&val);
	if (err != NULL && err->code == MORPH_ERR_NOT_FOUND)
		return morph_error_fmt(MORPH_ERR_NOT_FOUND, "no branch '%s' "
		    "(morph keeps logs for HEAD and branches)", name);
	return err;
}

static const struct morph_error *
cmd_reflog(struct morph_cmd_ctx *ctx, int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "max-count", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	struct morph_buf ref = MORPH_BUF_INIT;
	const struct morph_error *err = NULL;
	struct listing l = { MORPH_HEAD, NULL, -1 };
	struct morph_jsonw w;
	int ch, json = 0;

	while ((ch = morph_cmd_getopt(ctx, argc, argv, "n:", longopts,
	    &err)) != -1) {
		switch (ch) {
		case 'J':
			json = 1;
			break;
		case 'n':
			if ((err = morph_cmd_parse_int(ctx, "-n", optarg, 0,
			    INT64_MAX, &l.max)) != NULL)
				return err;
			break;
		default:
			return err;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 0 && strcmp(argv[0], "show") == 0) {
		argc--;
		argv++;
	}
	if (argc > 1)
		return morph_cmd_bad_usage(ctx, "unexpected argument '%s'",
		    argv[1]);
	if (argc == 1)
		l.name = argv[0];
	if ((err = log_name(&ref, ctx->repo, l.name)) != NULL)
		goto done;
	if (json) {
		l.w = &w;
		morph_jsonw_init(&w, stdout);
		morph_jsonw_array_begin(&w);
	} else
		morph_cmd_pager_begin();
	err = morph_reflog_foreach(ctx->repo, ref.ptr, print_entry, &l);
	if (err != NULL && err->code == MORPH_ERR_EXISTS && l.max >= 0)
		err = NULL;
	if (json && err == NULL) {
		morph_jsonw_array_end(&w);
		morph_jsonw_finish(&w);
	}
done:
	morph_buf_release(&ref);
	return err;
}

const struct morph_cmd morph_cmd_reflog = {
	"reflog",
	"reflog [show] [--json] [-n count] [ref]",
	"list where HEAD or a branch has been",
	MORPH_CMD_NEEDS_REPO | MORPH_CMD_READS,
	cmd_reflog,
};
