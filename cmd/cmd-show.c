/*
 * morph show: one object.  A commit as morph log prints it followed by its
 * patch (or diffstat, or the names of its files) against its first parent;
 * an annotated tag as its header and message, then the commit it names;
 * a blob (REV:PATH) as its raw bytes; a
 * tree as a listing, one "mode type id<TAB>name" line an entry.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "morph/run.h"

/* A commit, after the annotated tag that names it when tag is not NULL. */
static const struct morph_error *
show_commit(struct morph_cmd_ctx *ctx, const struct morph_oid *id, int json,
    enum morph_cmd_diff_format format, const struct morph_tag *tag)
{
	struct morph_cmd_diff_opts opts = { MORPH_CMD_DIFF_PATCH, 3, 0, 0 };
	const struct morph_error *err;
	struct morph_cmd_decos *d = NULL;
	struct morph_commit *c = NULL;
	struct morph_cmd_changes changes;
	struct morph_jsonw w;

	morph_cmd_changes_init(&changes, ctx->repo, 0);
	if ((err = morph_commit_read(&c, ctx->repo, id)) != NULL ||
	    (err = morph_cmd_decos_load(&d, ctx->repo)) != NULL ||
	    (err = morph_cmd_commit_changes(&changes, c, NULL, 0)) != NULL)
		goto done;

	if (json) {
		morph_jsonw_init(&w, stdout);
		morph_jsonw_object_begin(&w);
		morph_cmd_json_commit(&w, c, d);
		morph_jsonw_key(&w, "files");
		if ((err = morph_cmd_changes_json(&w, &changes, 0)) != NULL)
			goto done;
		if (tag != NULL) {
			morph_jsonw_key(&w, "tag");
			morph_jsonw_object_begin(&w);
			morph_cmd_json_tag(&w, tag);
			morph_jsonw_object_end(&w);
		}
		morph_jsonw_object_end(&w);
		morph_jsonw_finish(&w);
		goto done;
	}
	opts.format = format;
	opts.color = morph_cmd_color();
	morph_cmd_pager_begin();
	if (tag != NULL)
		morph_cmd_print_tag(tag, opts.color);
	morph_cmd_print_commit(c, d, 0, opts.color);
	if (changes.n > 0) {
		putchar('\n');
		err = morph_cmd_changes_print(&changes, &opts);
	}
done:
	morph_cmd_changes_release(&changes);
	morph_cmd_decos_free(d);
	morph_commit_free(c);
	return err;
}

static const struct morph_error *
show_tag(struct morph_cmd_ctx *ctx, const struct morph_oid *id, int json,
    enum morph_cmd_diff_format format)
{
	const struct morph_error *err;
	struct morph_tag *t;

	if ((err = morph_tag_read(&t, ctx->repo, id)) != NULL)
		return err;
	err = show_commit(ctx, morph_tag_target(t), json, format, t);
	morph_tag_free(t);
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

/* show RUN: the run's totals, its per-model summary and every result. */
struct run_show {
	struct morph_repo	*repo;
	struct morph_jsonw	*w;
};

static const struct morph_error *
show_result(const struct morph_result *r, void *arg)
{
	struct run_show *rs = arg;
	struct morph_object *o = NULL;
	const struct morph_error *err;
	char usd[32], ex[61], tok[48];
	const char *text = NULL;
	size_t len = 0, i;

	if (r->has_output) {
		if ((err = morph_object_read(&o, rs->repo, &r->output,
		    MORPH_OBJ_BLOB)) != NULL)
			return err;
		text = morph_object_data(o);
		len = morph_object_size(o);
	}
	if (rs->w != NULL) {
		struct morph_jsonw *w = rs->w;

		morph_jsonw_object_begin(w);
		morph_jsonw_kv_string(w, "prompt", r->prompt);
		morph_jsonw_kv_string(w, "case", r->case_id);
		morph_jsonw_kv_string(w, "model", r->model);
		morph_jsonw_kv_int(w, "sample", r->sample);
		morph_jsonw_kv_string(w, "call", morph_oid_tostr(&r->call));
		morph_jsonw_kv_string(w, "status", r->status);
		morph_jsonw_key(w, "pass");
		if (r->pass < 0)
			morph_jsonw_null(w);
		else
			morph_jsonw_bool(w, r->pass);
		morph_jsonw_key(w, "output");
		if (text != NULL)
			morph_jsonw_string_len(w, text, len);
		else
			morph_jsonw_null(w);
		morph_jsonw_kv_string(w, "output_id", r->has_output ?
		    morph_oid_tostr(&r->output) : NULL);
		morph_jsonw_kv_string(w, "error", r->error);
		morph_jsonw_kv_string(w, "finish", r->finish);
		morph_jsonw_kv_string(w, "served_model", r->served_model);
		morph_jsonw_key(w, "tokens");
		morph_jsonw_object_begin(w);
		morph_jsonw_kv_int_or_null(w, "in", r->tokens_in);
		morph_jsonw_kv_int_or_null(w, "out", r->tokens_out);
		morph_jsonw_kv_int_or_null(w, "cached", r->tokens_cached);
		morph_jsonw_kv_int_or_null(w, "cache_write",
		    r->tokens_cache_write);
		morph_jsonw_kv_int_or_null(w, "reasoning", r->tokens_reasoning);
		morph_jsonw_object_end(w);
		morph_jsonw_kv_int_or_null(w, "latency_ms", r->latency_ms);
		morph_jsonw_kv_int_or_null(w, "cost_nusd", r->cost_nusd);
		morph_jsonw_kv_bool(w, "cached", r->cached);
		morph_jsonw_key(w, "verdicts");
		morph_jsonw_json(w, r->verdicts);
		morph_jsonw_key(w, "attempts");
		morph_jsonw_json(w, r->attempts);
		morph_jsonw_object_end(w);
	} else {
		for (i = 0; text != NULL && i < len && i < 60; i++)
			ex[i] = text[i] == '\n' || text[i] == '\t' ? ' ' :
			    text[i];
		ex[text != NULL && len < 60 ? len : text != NULL ? 60 : 0] =
		    '\0';
		snprintf(tok, sizeof(tok), "%lld/%lld",
		    (long long)r->tokens_in, (long long)r->tokens_out);
		printf("%-20s %-16s %-14s %2d %-5s %-4s %11s %7lldms %11s  %s\n",
		    r->prompt, r->case_id, r->model, r->sample, r->status,
		    r->pass < 0 ? "-" : r->pass ? "yes" : "NO",
		    r->tokens_in < 0 ? "-" : tok, (long long)r->latency_ms,
		    morph_usd(r->cost_nusd, usd, sizeof(usd)),
		    r->error != NULL ? r->error : ex);
	}
	morph_object_free(o);
	return NULL;
}

static const struct morph_error *
show_run(struct morph_cmd_ctx *ctx, const char *name, int json)
{
	const struct morph_error *err;
	struct morph_run_info ri;
	struct morph_jsonw w;
	struct run_show rs = { ctx->repo, NULL };
	char usd[32];

	if ((err = morph_run_find(&ri, ctx->repo, name)) != NULL)
		return err;
	if (json) {
		morph_jsonw_init(&w, stdout);
		rs.w = &w;
		morph_jsonw_object_begin(&w);
		morph_jsonw_kv_int(&w, "run", ri.num);
		morph_jsonw_kv_string(&w, "id", ri.is_sealed ?
		    morph_oid_tostr(&ri.sealed) : NULL);
		morph_jsonw_kv_string(&w, "commit", morph_oid_tostr(&ri.commit));
		morph_jsonw_kv_string(&w, "tree", ri.worktree ?
		    morph_oid_tostr(&ri.tree) : NULL);
		morph_jsonw_kv_string(&w, "state", ri.state);
		morph_jsonw_kv_int(&w, "results_recorded", ri.results);
		morph_jsonw_kv_int(&w, "total", ri.total);
		morph_jsonw_kv_int(&w, "errors", ri.errors);
		morph_usd_total_json(&w, "cost_nusd", ri.cost_nusd,
		    ri.unpriced);
		morph_jsonw_key(&w, "models");
		morph_jsonw_array_begin(&w);
		if ((err = morph_cmd_print_models(ctx->repo, ri.num, &w)))
			return err;
		morph_jsonw_array_end(&w);
		morph_jsonw_key(&w, "results");
		morph_jsonw_array_begin(&w);
		err = morph_run_results(ctx->repo, ri.num, show_result, &rs);
		morph_jsonw_array_end(&w);
		morph_jsonw_object_end(&w);
		morph_jsonw_finish(&w);
		return err;
	}
	morph_cmd_pager_begin();
	printf("run #%lld%s%s\nCommit: %s\n", (long long)ri.num,
	    ri.is_sealed ? " " : "", ri.is_sealed ?
	    morph_oid_tostr(&ri.sealed) : "", morph_oid_tostr(&ri.commit));
	if (ri.worktree)
		printf("Tree:   %s (the work tree, on top of the commit)\n",
		    morph_oid_tostr(&ri.tree));
	printf("State:  %s, %lld of %lld results, "
	    "%lld errors, %s%s\n\n",
	    ri.state, (long long)ri.results, (long long)ri.total,
	    (long long)ri.errors, ri.unpriced && ri.cost_nusd > 0 ?
	    morph_usd(ri.cost_nusd, usd, sizeof(usd)) : morph_usd_total(usd,
	    sizeof(usd), ri.cost_nusd, ri.unpriced), ri.unpriced &&
	    ri.cost_nusd > 0 ? " and unpriced results" : "");
	if ((err = morph_cmd_print_models(ctx->repo, ri.num, NULL)) != NULL)
		return err;
	printf("\n%-20s %-16s %-14s %2s %-5s %-4s %11s %9s %11s  %s\n",
	    "prompt", "case", "model", "#", "status", "pass", "tokens",
	    "latency", "cost", "output or error");
	return morph_run_results(ctx->repo, ri.num, show_result, &rs);
}

static const struct morph_error *
cmd_show(struct morph_cmd_ctx *ctx, int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "name-only", no_argument, NULL, 'N' },
		{ "name-status", no_argument, NULL, 'M' },
		{ "stat", no_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 }
	};
	enum morph_cmd_diff_format format = MORPH_CMD_DIFF_PATCH;
	const struct morph_error *err = NULL;
	enum morph_object_type type;
	struct morph_oid id;
	const char *rev = MORPH_HEAD;
	size_t size;
	int c, json = 0, formats = 0;

	while ((c = morph_cmd_getopt(ctx, argc, argv, "", longopts,
	    &err)) != -1) {
		switch (c) {
		case 'J':
			json = 1;
			formats++;
			break;
		case 'M':
			format = MORPH_CMD_DIFF_NAME_STATUS;
			formats++;
			break;
		case 'N':
			format = MORPH_CMD_DIFF_NAME_ONLY;
			formats++;
			break;
		case 'S':
			format = MORPH_CMD_DIFF_STAT;
			formats++;
			break;
		default:
			return err;
		}
	}
	if (formats > 1)
		return morph_cmd_bad_usage(ctx, "--json, --name-only, "
		    "--name-status and --stat exclude each other");
	if (argc - optind > 1)
		return morph_cmd_bad_usage(ctx, "too many revisions");
	if (argc - optind == 1)
		rev = argv[optind];
	if (rev[0] == '#')
		return show_run(ctx, rev, json);
	if ((err = morph_revparse(&id, ctx->repo, rev)) != NULL ||
	    (err = morph_object_info(&type, &size, ctx->repo, &id)) != NULL)
		return err;
	switch (type) {
	case MORPH_OBJ_COMMIT:
		return show_commit(ctx, &id, json, format, NULL);
	case MORPH_OBJ_TAG:
		return show_tag(ctx, &id, json, format);
	case MORPH_OBJ_TREE:
		return show_tree(ctx, &id, json);
	case MORPH_OBJ_RUN:
		return show_run(ctx, morph_oid_tostr(&id), json);
	default:
		return show_raw(ctx, &id, json);
	}
}

const struct morph_cmd morph_cmd_show = {
	"show",
	"show [--json | --name-only | --name-status | --stat] [revision]",
	"show a commit with its patch, a file or a directory",
	MORPH_CMD_NEEDS_REPO | MORPH_CMD_READS,
	cmd_show,
};
