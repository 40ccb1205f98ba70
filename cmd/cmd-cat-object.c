/*
 * morph cat-object: the type, size or content of one object.
 */
#include <stdio.h>

#include "cmd.h"

static const struct morph_error *
print_tree(struct morph_repo *repo, const struct morph_oid *id)
{
	const struct morph_error *err;
	struct morph_tree *t;
	size_t i;

	if ((err = morph_tree_read(&t, repo, id)) != NULL)
		return err;
	for (i = 0; i < morph_tree_count(t); i++)
		printf("%s %s %s\t%s\n",
		    morph_mode_str(morph_tree_entry_mode(t, i)),
		    morph_object_type_name(morph_tree_entry_type(t, i)),
		    morph_oid_tostr(morph_tree_entry_id(t, i)),
		    morph_tree_entry_name(t, i));
	morph_tree_free(t);
	return NULL;
}

static const struct morph_error *
cmd_cat_object(struct morph_cmd_ctx *ctx, int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "raw", no_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	struct morph_buf pretty = MORPH_BUF_INIT;
	const struct morph_error *err = NULL;
	struct morph_object *o = NULL;
	enum morph_object_type type;
	struct morph_oid id;
	size_t size;
	int c, mode = 0;

	while ((c = morph_cmd_getopt(ctx, argc, argv, "pst", longopts,
	    &err)) != -1) {
		switch (c) {
		case 'p':
		case 'r':
		case 's':
		case 't':
			if (mode != 0 && mode != c)
				return morph_cmd_bad_usage(ctx, "give one of "
				    "-p, -s, -t and --raw");
			mode = c;
			break;
		default:
			return err;
		}
	}
	if (mode == 0)
		return morph_cmd_bad_usage(ctx, "give one of -p, -s, -t and "
		    "--raw");
	if (argc - optind != 1)
		return morph_cmd_bad_usage(ctx, "give exactly one object");
	if ((err = morph_revparse(&id, ctx->repo, argv[optind])) != NULL)
		return err;
	if ((err = morph_object_info(&type, &size, ctx->repo, &id)) != NULL)
		return err;
	if (mode == 't') {
		puts(morph_object_type_name(type));
		return NULL;
	}
	if (mode == 's') {
		printf("%zu\n", size);
		return NULL;
	}
	if (mode == 'p' && type == MORPH_OBJ_TREE)
		return print_tree(ctx->repo, &id);
	if ((err = morph_object_read(&o, ctx->repo, &id, MORPH_OBJ_ANY)))
		return err;
	if (mode == 'r' || type == MORPH_OBJ_BLOB)
		fwrite(morph_object_data(o), 1, morph_object_size(o), stdout);
	else if ((err = morph_json_pretty(&pretty, morph_object_data(o),
	    morph_object_size(o))) == NULL)
		fwrite(pretty.ptr, 1, pretty.len, stdout);
	morph_object_free(o);
	morph_buf_release(&pretty);
	return err;
}

const struct morph_cmd morph_cmd_cat_object = {
	"cat-object",
	"cat-object -p | -s | -t | --raw object",
	"show the content, size or type of an object",
	MORPH_CMD_NEEDS_REPO | MORPH_CMD_READS,
	cmd_cat_object,
};
