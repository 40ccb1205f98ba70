/*
 * morph tag: list, create, move and delete tags: lightweight ones
 * (refs/tags/NAME holding a commit's id) and, with -a or -m, annotated
 * ones (refs/tags/NAME holding the id of a tag object, tag.h).
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"

struct listing {
	struct morph_repo	*repo;
	struct morph_jsonw	*w;	/* NULL: plain names */
};

static const struct morph_error *
print_tag(const char *name, const char *value, int symbolic, void *arg)
{
	struct listing *l = arg;
	const struct morph_error *err;
	enum morph_object_type type;
	struct morph_oid id, commit;

	if (symbolic)
		return NULL;
	name += strlen(MORPH_REFS_TAGS);
	if (l->w == NULL) {
		printf("%s\n", name);
		return NULL;
	}
	if (morph_oid_fromhex(&id, value) != 0)
		return morph_error_fmt(MORPH_ERR_CORRUPT, "tag '%s' holds a "
		    "bad id '%s'", name, value);
	if ((err = morph_object_info(&type, NULL, l->repo, &id)) != NULL ||
	    (err = morph_tag_peel(&commit, NULL, l->repo, &id)) != NULL)
		return morph_error_wrap(err, "tag '%s'", name);
	morph_jsonw_object_begin(l->w);
	morph_jsonw_kv_string(l->w, "name", name);
	morph_jsonw_kv_string(l->w, "id", value);
	morph_jsonw_kv_string(l->w, "commit", morph_oid_tostr(&commit));
	morph_jsonw_kv_bool(l->w, "annotated", type == MORPH_OBJ_TAG);
	morph_jsonw_object_end(l->w);
	return NULL;
}

static const struct morph_error *
list(struct morph_cmd_ctx *ctx, int json)
{
	const struct morph_error *err;
	struct morph_jsonw w;
	struct listing l;

	l.repo = ctx->repo;
	l.w = json ? &w : NULL;
	if (json) {
		morph_jsonw_init(&w, stdout);
		morph_jsonw_array_begin(&w);
	}
	err = morph_ref_foreach(ctx->repo, MORPH_REFS_TAGS, print_tag, &l);
	if (json && err == NULL) {
		morph_jsonw_array_end(&w);
		morph_jsonw_finish(&w);
	}
	return err;
}

static const struct morph_error *
tag_ref(struct morph_buf *ref, const char *name)
{
	if (!morph_ref_shortname_valid(name))
		return morph_error_fmt(MORPH_ERR_INVALID, "'%s' is not a "
		    "valid tag name", name);
	morph_buf_printf(ref, "%s%s", MORPH_REFS_TAGS, name);
	return morph_buf_status(ref);
}

/*
 * Points refs/tags/NAME at the commit rev names or, with message, at a
 * new tag object for it (written in the same transaction).
 */
static const struct morph_error *
create(struct morph_cmd_ctx *ctx, const char *name, const char *rev,
    int force, const char *message)
{
	struct morph_buf ref = MORPH_BUF_INIT;
	const struct morph_error *err;
	struct morph_oid id, old, zero;
	int exists;

	memset(&zero, 0, sizeof(zero));
	if ((err = tag_ref(&ref, name)) != NULL)
		goto out;
	if ((err = morph_revparse_type(&id, ctx->repo, rev ? rev : MORPH_HEAD,
	    MORPH_OBJ_COMMIT)) != NULL)
		goto out;
	if ((err = morph_repo_begin(ctx->repo)) != NULL)
		goto out;
	err = morph_ref_resolve(&old, ctx->repo, ref.ptr);
	exists = err == NULL;
	if (err != NULL && err->code != MORPH_ERR_NOT_FOUND)
		goto done;
	err = NULL;
	if (exists && !force) {
		err = morph_error_fmt(MORPH_ERR_EXISTS, "tag '%s' already "
		    "exists; -f moves it", name);
		goto done;
	}
	if (message != NULL && (err = morph_tag_create(&id, ctx->repo, name,
	    &id, message)) != NULL)
		goto done;
	if ((err = morph_ref_update(ctx->repo, ref.ptr, &id, exists ? &old :
	    &zero)) != NULL)
		goto done;
	if (exists && morph_oid_cmp(&old, &id) != 0)
		printf("Updated tag '%s' (was %s)\n", name,
		    morph_cmd_short(&old));
done:
	if (err == NULL)
		err = morph_repo_commit(ctx->repo);
	else
		morph_repo_rollback(ctx->repo);
out:
	morph_buf_release(&ref);
	return err;
}

static const struct morph_error *
delete(struct morph_cmd_ctx *ctx, const char *name)
{
	struct morph_buf ref = MORPH_BUF_INIT;
	const struct morph_error *err;
	struct morph_oid id;

	if ((err = tag_ref(&ref, name)) != NULL)
		goto out;
	if ((err = morph_repo_begin(ctx->repo)) != NULL)
		goto out;
	if ((err = morph_ref_resolve(&id, ctx->repo, ref.ptr)) != NULL) {
		if (err->code == MORPH_ERR_NOT_FOUND)
			err = morph_error_fmt(MORPH_ERR_NOT_FOUND, "tag '%s' "
			    "not found", name);
	} else if ((err = morph_ref_delete(ctx->repo, ref.ptr)) == NULL)
		printf("Deleted tag '%s' (was %s)\n", name,
		    morph_cmd_short(&id));
	if (err == NULL)
		err = morph_repo_commit(ctx->repo);
	else
		morph_repo_rollback(ctx->repo);
out:
	morph_buf_release(&ref);
	return err;
}

static const struct morph_error *
cmd_tag(struct morph_cmd_ctx *ctx, int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "annotate", no_argument, NULL, 'a' },
		{ "delete", no_argument, NULL, 'd' },
		{ "force", no_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'J' },
		{ "message", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 }
	};
	struct morph_buf raw = MORPH_BUF_INIT, msg = MORPH_BUF_INIT;
	const struct morph_error *err = NULL;
	int c, json = 0, del = 0, force = 0, annotate = 0, have_m = 0;

	while ((c = morph_cmd_getopt(ctx, argc, argv, "adfm:", longopts,
	    &err)) != -1) {
		switch (c) {
		case 'a':
			annotate = 1;
			break;
		case 'm':
			/* Several -m are paragraphs, as for a commit. */
			if (have_m++)
				morph_buf_puts(&raw, "\n\n");
			morph_buf_puts(&raw, optarg);
			annotate = 1;
			break;
		case 'd':
			del = 1;
			break;
		case 'f':
			force = 1;
			break;
		case 'J':
			json = 1;
			break;
		default:
			goto done;
		}
	}
	argc -= optind;
	argv += optind;
	if (del + (force || annotate) + json > 1) {
		err = morph_cmd_bad_usage(ctx, "-d, --json and the options "
		    "that make a tag cannot be combined");
		goto done;
	}
	if (del) {
		err = argc != 1 ? morph_cmd_bad_usage(ctx, "-d needs one tag "
		    "name") : delete(ctx, argv[0]);
		goto done;
	}
	if (argc == 0 && (force || annotate)) {
		err = morph_cmd_bad_usage(ctx, "%s needs a tag name", force ?
		    "-f" : annotate && have_m ? "-m" : "-a");
		goto done;
	}
	if (argc == 0) {
		err = list(ctx, json);
		goto done;
	}
	if (json) {
		err = morph_cmd_bad_usage(ctx, "--json lists; it takes no "
		    "name");
		goto done;
	}
	if (argc > 2) {
		err = morph_cmd_bad_usage(ctx, "unexpected argument '%s'",
		    argv[2]);
		goto done;
	}
	if (annotate) {
		/* morph opens no editor for a tag: the message is given. */
		if (!have_m) {
			err = morph_cmd_bad_usage(ctx, "an annotated tag needs "
			    "a message: give it with -m");
			goto done;
		}
		if ((err = morph_buf_status(&raw)) != NULL ||
		    (err = morph_cmd_clean_message(&msg, raw.ptr, 0)) != NULL)
			goto done;
		if (msg.len == 0) {
			err = morph_error_fmt(MORPH_ERR_INVALID, "the tag "
			    "message is empty");
			goto done;
		}
	}
	err = create(ctx, argv[0], argc == 2 ? argv[1] : NULL, force,
	    annotate ? msg.ptr : NULL);
done:
	morph_buf_release(&raw);
	morph_buf_release(&msg);
	return err;
}

const struct morph_cmd morph_cmd_tag = {
	"tag",
	"tag [--json]\n"
	"       morph tag [-f] name [revision]\n"
	"       morph tag [-af] -m message ... name [revision]\n"
	"       morph tag -d name",
	"list, create, move or delete tags",
	MORPH_CMD_NEEDS_REPO,
	cmd_tag,
};
