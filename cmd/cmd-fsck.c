/*
 * morph fsck: verify the repository.
 */
#include <stdio.h>

#include "cmd.h"
#include "morph/fsck.h"

struct report {
	int			 json;
	struct morph_jsonw	*w;
};

static void
report(const char *problem, void *arg)
{
	struct report *r = arg;

	if (r->json)
		morph_jsonw_string(r->w, problem);
	else
		printf("error: %s\n", problem);
}

static const struct morph_error *
cmd_fsck(struct morph_cmd_ctx *ctx, int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ NULL, 0, NULL, 0 }
	};
	const struct morph_error *err = NULL;
	struct morph_fsck_stats st;
	struct morph_jsonw w;
	struct report r = { 0, &w };
	int c;

	while ((c = morph_cmd_getopt(ctx, argc, argv, "", longopts,
	    &err)) != -1) {
		if (c != 'J')
			return err;
		r.json = 1;
	}
	if (optind < argc)
		return morph_cmd_bad_usage(ctx, "unexpected argument '%s'",
		    argv[optind]);
	if (r.json) {
		morph_jsonw_init(&w, stdout);
		morph_jsonw_object_begin(&w);
		morph_jsonw_key(&w, "problems");
		morph_jsonw_array_begin(&w);
	}
	if ((err = morph_fsck(&st, ctx->repo, report, &r)) != NULL)
		return err;
	if (r.json) {
		morph_jsonw_array_end(&w);
		morph_jsonw_kv_int(&w, "objects", (int64_t)st.objects);
		morph_jsonw_kv_int(&w, "blobs", (int64_t)st.blobs);
		morph_jsonw_kv_int(&w, "trees", (int64_t)st.trees);
		morph_jsonw_kv_int(&w, "commits", (int64_t)st.commits);
		morph_jsonw_kv_int(&w, "others", (int64_t)st.others);
		morph_jsonw_kv_int(&w, "refs", (int64_t)st.refs);
		morph_jsonw_kv_int(&w, "index_entries",
		    (int64_t)st.index_entries);
		morph_jsonw_kv_int(&w, "runs", (int64_t)st.runs);
		morph_jsonw_kv_int(&w, "results", (int64_t)st.results);
		morph_jsonw_kv_int(&w, "cache_entries",
		    (int64_t)st.cache_entries);
		morph_jsonw_object_end(&w);
		morph_jsonw_finish(&w);
	} else
		printf("checked %zu objects (%zu blobs, %zu trees, %zu "
		    "commits, %zu others), %zu references, %zu index "
		    "entries, %zu runs (%zu results), %zu cache entries: "
		    "%s\n", st.objects, st.blobs, st.trees, st.commits,
		    st.others, st.refs, st.index_entries, st.runs,
		    st.results, st.cache_entries,
		    st.problems ? "PROBLEMS FOUND" : "ok");
	if (st.problems > 0)
		ctx->status = 1;
	return NULL;
}

const struct morph_cmd morph_cmd_fsck = {
	"fsck",
	"fsck [--json]",
	"verify the repository",
	MORPH_CMD_NEEDS_REPO | MORPH_CMD_READS,
	cmd_fsck,
};
