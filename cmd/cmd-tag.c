/*
 * morph tag: list, create, move and delete lightweight tags
 * (refs/tags/NAME holding a commit's id).
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"

struct listing {
	struct morph_jsonw	*w;	/* NULL: plain names */
};

static const struct morph_error *
print_tag(const char *name, const char *value, int symbolic, void *arg)
{
	struct listing *l = arg;

	if (symbolic)
		return NULL;
	name += strlen(MORPH_REFS_TAGS);
	if (l->w == NULL) {
		printf("%s\n", name);
		return NULL;
	}
	morph_jsonw_object_begin(l->w);
	morph_jsonw_kv_string(l->w, "name", name);
	morph_jsonw_kv_string(l->w, "id", value);
	morph_jsonw_object_end(l->w);
	return NULL;
}

static const struct morph_error *
list(struct morph_cmd_ctx *ctx, int json)
{
	const struct morph_error *err;
	struct morph_jsonw w;
	struct listing l;

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

static const struct morph_error *
create(struct morph_cmd_ctx *ctx, const char *name, const char *rev,
    int force)
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
		{ "delete", no_argument, NULL, 'd' },
		{ "force", no_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'J' },
		{ NULL, 0, NULL, 0 }
	};
	const struct morph_error *err = NULL;
	int c, json = 0, del = 0, force = 0;

	while ((c = morph_cmd_getopt(ctx, argc, argv, "df", longopts,
	    &err)) != -1) {
		switch (c) {
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
			return err;
		}
	}
	argc -= optind;
	argv += optind;
	if (del + force + json > 1)
		return morph_cmd_bad_usage(ctx, "-d, -f and --json cannot be "
		    "combined");
	if (del) {
		if (argc != 1)
			return morph_cmd_bad_usage(ctx, "-d needs one tag "
			    "name");
		return delete(ctx, argv[0]);
	}
	if (argc == 0) {
		if (force)
			return morph_cmd_bad_usage(ctx, "-f needs a tag name");
		return list(ctx, json);
	}
	if (json)
		return morph_cmd_bad_usage(ctx, "--json lists; it takes no "
		    "name");
	if (argc > 2)
		return morph_cmd_bad_usage(ctx, "unexpected argument '%s'",
		    argv[2]);
	return create(ctx, argv[0], argc == 2 ? argv[1] : NULL, force);
}

const struct morph_cmd morph_cmd_tag = {
	"tag",
	"tag [--json]\n"
	"       morph tag [-f] name [revision]\n"
	"       morph tag -d name",
	"list, create, move or delete tags",
	MORPH_CMD_NEEDS_REPO,
	cmd_tag,
};
