/*
 * morph show: one object.  A commit as morph log prints it followed by its
 * patch against its first parent; a blob (REV:PATH) as its raw bytes; a
 * tree as a listing, one "mode type id<TAB>name" line an entry.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

static const struct morph_error *
show_commit(struct morph_cmd_ctx *ctx, const struct morph_oid *id, int json)
{
	struct morph_cmd_diff_opts opts = { MORPH_CMD_DIFF_PATCH, 3, 0, 0 };
	const struct morph_error *err;
	struct morph_cmd_decos *d = NULL;
	struct morph_commit *c = NULL;
	struct morph_entrylist old, new;
	struct morph_cmd_changes changes;
	struct morph_jsonw w;

	morph_entrylist_init(&old);
	morph_entrylist_init(&new);
	morph_cmd_changes_init(&changes, ctx->repo, 0);
	if ((err = morph_commit_read(&c, ctx->repo, id)) != NULL ||
	    (err = morph_cmd_decos_load(&d, ctx->repo)) != NULL)
		goto done;
	/* Against the first parent; a root commit adds everything. */
	if (morph_commit_parent_count(c) > 0 &&
	    (err = morph_cmd_snapshot(&old, ctx->repo,
	    morph_commit_parent(c, 0), NULL, 0)) != NULL)
		goto done;
	if ((err = morph_cmd_snapshot(&new, ctx->repo, morph_commit_tree(c),
	    NULL, 0)) != NULL ||
	    (err = morph_cmd_changes_collect(&changes, &old, &new)) != NULL)
		goto done;

	if (json) {
		morph_jsonw_init(&w, stdout);
		morph_jsonw_object_begin(&w);
		morph_cmd_json_commit(&w, c, d);
		morph_jsonw_key(&w, "files");
		if ((err = morph_cmd_changes_json(&w, &changes, 0)) != NULL)
			goto done;
		morph_jsonw_object_end(&w);
		morph_jsonw_finish(&w);
		goto done;
	}
	opts.color = morph_cmd_color();
	morph_cmd_pager_begin();
	morph_cmd_print_commit(c, d, 0, opts.color);
	if (changes.n > 0) {
		putchar('\n');
		err = morph_cmd_changes_print(&changes, &opts);
	}
done:
	morph_cmd_changes_release(&changes);
	morph_entrylist_release(&old);
	morph_entrylist_release(&new);
	morph_cmd_decos_free(d);
	morph_commit_free(c);
	return err;
}

static const struct morph_error *
show_tree(struct morph_cmd_ctx *ctx, const struct morph_oid *id, int json)
{
	const struct morph_error *err;
	struct morph_tree *t;
	struct morph_jsonw w;
	size_t i;

	if ((err = morph_tree_read(&t, ctx->repo, id)) != NULL)
		return err;
	if (json) {
		morph_jsonw_init(&w, stdout);
		morph_jsonw_object_begin(&w);
		morph_jsonw_kv_string(&w, "id", morph_oid_tostr(id));
		morph_jsonw_kv_string(&w, "type", "tree");
		morph_jsonw_key(&w, "entries");
		morph_jsonw_array_begin(&w);
		for (i = 0; i < morph_tree_count(t); i++) {
			morph_jsonw_object_begin(&w);
			morph_jsonw_kv_string(&w, "name",
			    morph_tree_entry_name(t, i));
			morph_jsonw_kv_string(&w, "type",
			    morph_object_type_name(
			    morph_tree_entry_type(t, i)));
			morph_jsonw_kv_string(&w, "mode",
			    morph_mode_str(morph_tree_entry_mode(t, i)));
			morph_jsonw_kv_string(&w, "id",
			    morph_oid_tostr(morph_tree_entry_id(t, i)));
			morph_jsonw_object_end(&w);
		}
		morph_jsonw_array_end(&w);
		morph_jsonw_object_end(&w);
		morph_jsonw_finish(&w);
	} else {
		morph_cmd_pager_begin();
		for (i = 0; i < morph_tree_count(t); i++)
			printf("%s %s %s\t%s\n",
			    morph_mode_str(morph_tree_entry_mode(t, i)),
			    morph_object_type_name(morph_tree_entry_type(t, i)),
			    morph_oid_tostr(morph_tree_entry_id(t, i)),
			    morph_tree_entry_name(t, i));
	}
	morph_tree_free(t);
	return NULL;
}

/* RFC 4648 base64 with padding. */
static void
put_base64(struct morph_buf *out, const unsigned char *p, size_t n)
{
	static const char abc[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned long v;
	size_t i;

	morph_buf_grow(out, (n + 2) / 3 * 4);
	for (i = 0; i + 2 < n; i += 3) {
		v = (unsigned long)p[i] << 16 | (unsigned long)p[i + 1] << 8 |
		    p[i + 2];
		morph_buf_putc(out, abc[v >> 18 & 63]);
		morph_buf_putc(out, abc[v >> 12 & 63]);
		morph_buf_putc(out, abc[v >> 6 & 63]);
		morph_buf_putc(out, abc[v & 63]);
	}
	if (n - i == 1) {
		v = (unsigned long)p[i] << 16;
		morph_buf_putc(out, abc[v >> 18 & 63]);
		morph_buf_putc(out, abc[v >> 12 & 63]);
		morph_buf_puts(out, "==");
	} else if (n - i == 2) {
		v = (unsigned long)p[i] << 16 | (unsigned long)p[i + 1] << 8;
		morph_buf_putc(out, abc[v >> 18 & 63]);
		morph_buf_putc(out, abc[v >> 12 & 63]);
		morph_buf_putc(out, abc[v >> 6 & 63]);
		morph_buf_putc(out, '=');
	}
}

/* A blob, or any other object, as its raw payload. */
static const struct morph_error *
show_raw(struct morph_cmd_ctx *ctx, const struct morph_oid *id, int json)
{
	struct morph_buf b64 = MORPH_BUF_INIT;
	const struct morph_error *err;
	struct morph_object *obj;
	struct morph_jsonw w;
	const char *data;
	size_t size;

	if ((err = morph_object_read(&obj, ctx->repo, id,
	    MORPH_OBJ_ANY)) != NULL)
		return err;
	data = morph_object_data(obj);
	size = morph_object_size(obj);
	if (!json) {
		morph_cmd_pager_begin();
		fwrite(data, 1, size, stdout);
		morph_object_free(obj);
		return NULL;
	}
	morph_jsonw_init(&w, stdout);
	morph_jsonw_object_begin(&w);
	morph_jsonw_kv_string(&w, "id", morph_oid_tostr(id));
	morph_jsonw_kv_string(&w, "type",
	    morph_object_type_name(morph_object_type(obj)));
	morph_jsonw_kv_int(&w, "size", (int64_t)size);
	/* Text is valid UTF-8 without NUL bytes; the rest goes as base64. */
	if (memchr(data, '\0', size) == NULL &&
	    morph_textdiff_is_utf8(data, size)) {
		morph_jsonw_kv_string(&w, "encoding", "utf-8");
		morph_jsonw_key(&w, "content");
		morph_jsonw_string_len(&w, data, size);
	} else {
		put_base64(&b64, (const unsigned char *)data, size);
		if ((err = morph_buf_status(&b64)) != NULL)
			goto done;
		morph_jsonw_kv_string(&w, "encoding", "base64");
		morph_jsonw_key(&w, "content");
		morph_jsonw_string_len(&w, b64.ptr, b64.len);
	}
	morph_jsonw_object_end(&w);
	morph_jsonw_finish(&w);
done:
	morph_buf_release(&b64);
	morph_object_free(obj);
	return err;
}

static const struct morph_error *
cmd_show(struct morph_cmd_ctx *ctx, int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ NULL, 0, NULL, 0 }
	};
	const struct morph_error *err = NULL;
	enum morph_object_type type;
	struct morph_oid id;
	const char *rev = MORPH_HEAD;
	size_t size;
	int c, json = 0;

	while ((c = morph_cmd_getopt(ctx, argc, argv, "", longopts,
	    &err)) != -1) {
		switch (c) {
		case 'J':
			json = 1;
			break;
		default:
			return err;
		}
	}
	if (argc - optind > 1)
		return morph_cmd_bad_usage(ctx, "too many revisions");
	if (argc - optind == 1)
		rev = argv[optind];
	if ((err = morph_revparse(&id, ctx->repo, rev)) != NULL ||
	    (err = morph_object_info(&type, &size, ctx->repo, &id)) != NULL)
		return err;
	switch (type) {
	case MORPH_OBJ_COMMIT:
		return show_commit(ctx, &id, json);
	case MORPH_OBJ_TREE:
		return show_tree(ctx, &id, json);
	default:
		return show_raw(ctx, &id, json);
	}
}

const struct morph_cmd morph_cmd_show = {
	"show",
	"show [--json] [revision]",
	"show a commit with its patch, a file or a directory",
	MORPH_CMD_NEEDS_REPO,
	cmd_show,
};
