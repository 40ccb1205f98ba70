/*
 * One file merged three ways (see mergefile_int.h): libgit2 merges the
 * lines; a conflict left in morph.json or in a case file is then tried
 * again by fields or by cases, which know what the lines mean.
 */
#include <string.h>

#include "git2_int.h"
#include "gitbridge_int.h"
#include "json_int.h"
#include "mergefile_int.h"

void
morph_mergefile_result_init(struct morph_mergefile_result *r)
{
	memset(r, 0, sizeof(*r));
}

void
morph_mergefile_result_release(struct morph_mergefile_result *r)
{
	morph_buf_release(&r->text);
	morph_buf_release(&r->fields);
	memset(r, 0, sizeof(*r));
}

static void
input(git_merge_file_input *in, const struct morph_mergefile_side *s,
    const char *path)
{
	memset(in, 0, sizeof(*in));
	in->version = GIT_MERGE_FILE_INPUT_VERSION;
	in->ptr = s->present ? s->data : "";
	in->size = s->present ? s->len : 0;
	in->path = path;
	in->mode = 0100644;
}

/* The line merge: clean, with markers, or binary (no text at all). */
static const struct morph_error *
merge_lines(struct morph_mergefile_result *r, const char *path,
    const struct morph_mergefile_side *base,
    const struct morph_mergefile_side *ours,
    const struct morph_mergefile_side *theirs, const char *label)
{
	git_merge_file_options opts;
	git_merge_file_input b, o, t;
	git_merge_file_result res;
	const struct morph_error *err;
	int rc;

	if ((err = morph_git_init()) != NULL)
		return err;
	memset(&opts, 0, sizeof(opts));
	opts.version = GIT_MERGE_FILE_OPTIONS_VERSION;
	input(&b, base, path);
	input(&o, ours, path);
	input(&t, theirs, path);
	opts.ancestor_label = "base";
	opts.our_label = "HEAD";
	opts.their_label = label;
	memset(&res, 0, sizeof(res));
	if ((rc = git_merge_file(&res, &b, &o, &t, &opts)) < 0)
		return morph_git_error(rc, "cannot merge the lines of a file");
	r->clean = res.automergeable != 0;
	r->binary = !r->clean && res.ptr == NULL;
	morph_buf_clear(&r->text);
	if (res.ptr != NULL)
		morph_buf_put(&r->text, res.ptr, res.len);
	git_merge_file_result_free(&res);
	return morph_buf_status(&r->text);
}

/* Whether path's base name ends in suffix. */
static int
ends_with(const char *path, const char *suffix)
{
	size_t n = strlen(path), k = strlen(suffix);

	return n >= k && strcmp(path + n - k, suffix) == 0;
}

/* Whether the bytes parse as JSON (a clean line merge may not). */
static int
parses(const struct morph_buf *b)
{
	cJSON *doc;

	if (morph_json_parse(&doc, morph_buf_cstr(b), b->len,
	    "morph.json") != NULL)
		return 0;
	cJSON_Delete(doc);
	return 1;
}

const struct morph_error *
morph_mergefile(struct morph_mergefile_result *r, const char *path,
    const struct morph_mergefile_side *base,
    const struct morph_mergefile_side *ours,
    const struct morph_mergefile_side *theirs, const char *label)
{
	const struct morph_error *err;
	struct morph_buf merged = MORPH_BUF_INIT;
	int json, parsed = 0, clean = 0;

	if ((err = merge_lines(r, path, base, ours, theirs, label)) != NULL)
		return err;
	json = strcmp(path, "morph.json") == 0;
	/*
	 * Lines that merge may still make broken JSON (two members added
	 * on either side of a comma); lines that conflict may be fields or
	 * cases that do not.
	 */
	if (r->binary || (r->clean && (!json || parses(&r->text))))
		return NULL;
	morph_buf_clear(&r->fields);
	if (json)
		err = morph_mergejson(&merged, &r->fields, &parsed, &clean,
		    base, ours, theirs);
	else if (ends_with(path, ".jsonl"))
		err = morph_mergecases(&merged, &r->fields, &parsed, &clean,
		    base, ours, theirs);
	if (err == NULL && parsed && clean) {
		morph_buf_clear(&r->text);
		if (merged.len > 0)
			morph_buf_put(&r->text, merged.ptr, merged.len);
		r->clean = 1;
		morph_buf_clear(&r->fields);
		err = morph_buf_status(&r->text);
	} else if (err == NULL && parsed) {
		/* Told by fields; the file keeps the line markers. */
		r->clean = 0;
	} else
		morph_buf_clear(&r->fields);
	morph_buf_release(&merged);
	return err;
}
