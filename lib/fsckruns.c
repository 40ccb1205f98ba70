/*
 * What morph fsck checks of what morph run records (fsck_int.h): every
 * run's commit and sealed run object, every result row, each compared
 * field by field with the line its sealed page holds, and every row of
 * the call cache.
 *
 * A run is read in one pass, in (prompt, case, model, sample) order: its
 * rows through the results table's primary key, and beside them the lines
 * of its pages, which sealing wrote in that same order, as in a merge.
 * One row and one page are in memory at a time, whatever the size of the
 * run.
 *
 * What a result's call id can be checked against: the samples of one
 * prompt, case and model share one call, a sealed run's page says the
 * same, and the call is stored as an object of type call (morph run stores
 * every call it sends or answers).  Runs recorded before morph stored
 * calls have none; a run that has some must have all.  A cache row may
 * have been replaced by a later answer to the same call (morph run
 * --no-cache), so it tells nothing of what an older result's answer was.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "morph/run.h"
#include "fsck_int.h"
#include "json_int.h"
#include "repo_int.h"
#include "runs_int.h"

#define NAMESZ	1024

/* A run being checked. */
struct runck {
	struct fsck		*f;
	char			 name[96];	/* "run #3" or "run #3 <id>" */
	struct morph_sealed	*sealed;	/* NULL: nothing to compare */
	const char		*line;		/* its current line, or NULL */
	size_t			 len;
	cJSON			*doc;		/* parsed, when needed */
	int64_t			 lines;
	struct morph_buf	 mine;		/* the row's line, as sealed */
	/* The row before, whose samples share a call with this one: */
	struct morph_buf	 prev;		/* prompt NUL case NUL model */
	struct morph_oid	 prev_call;
	int			 prev_sample;
};

static int
column_oid(sqlite3_stmt *st, int i, struct morph_oid *out)
{
	if (sqlite3_column_type(st, i) != SQLITE_BLOB ||
	    sqlite3_column_bytes(st, i) != MORPH_OID_RAWSZ)
		return 0;
	memcpy(out->id, sqlite3_column_blob(st, i), MORPH_OID_RAWSZ);
	return 1;
}

static void
result_name(char *buf, const char *prompt, const char *case_id,
    const char *model, int64_t sample)
{
	snprintf(buf, NAMESZ, "result %s, case '%s', model '%s', sample %lld",
	    prompt, case_id, model, (long long)sample);
}

/* Where the current line is: "page 2 (<id>) line 7". */
static void
line_where(char *buf, size_t size, const struct runck *rc)
{
	struct morph_oid id;
	size_t line;
	int page;

	morph_sealed_where(rc->sealed, &page, &id, &line);
	snprintf(buf, size, "page %d (%s) line %zu", page,
	    morph_oid_tostr(&id), line);
}

/* Stops comparing run rc with its sealed run object. */
static void
give_up(struct runck *rc)
{
	morph_sealed_close(rc->sealed);
	rc->sealed = NULL;
	rc->line = NULL;
}

/* Moves to the next line of the sealed pages. */
static const struct morph_error *
advance(struct runck *rc)
{
	const struct morph_error *err;

	cJSON_Delete(rc->doc);
	rc->doc = NULL;
	if (rc->sealed == NULL)
		return NULL;
	err = morph_sealed_next(&rc->line, &rc->len, rc->sealed);
	if (err != NULL) {
		if (morph_fsck_fatal(err))
			return err;
		morph_fsck_problem(rc->f, "%s: %s", rc->name, err->msg);
		give_up(rc);
		return NULL;
	}
	if (rc->line != NULL)
		rc->lines++;
	return NULL;
}

/*
 * The key of the current line, borrowed from rc->doc: 0, or -1 when the
 * line is not a result (reported).
 */
static int
line_key(struct runck *rc, const char **prompt, const char **case_id,
    const char **model, int64_t *sample)
{
	const struct morph_error *err = NULL;
	char where[128];

	if (rc->doc == NULL)
		err = morph_json_parse(&rc->doc, rc->line, rc->len, "the line");
	if (err == NULL) {
		*prompt = morph_json_str(rc->doc, "prompt");
		*case_id = morph_json_str(rc->doc, "case");
		*model = morph_json_str(rc->doc, "model");
		if (*prompt != NULL && *case_id != NULL && *model != NULL &&
		    morph_json_int64(rc->doc, "sample", sample) == 0)
			return 0;
	}
	line_where(where, sizeof(where), rc);
	morph_fsck_problem(rc->f, "%s: %s: %s", rc->name, where,
	    err != NULL ? err->msg : "not a result");
	return -1;
}

static int
keycmp(const struct morph_result *r, const char *prompt, const char *case_id,
    const char *model, int64_t sample)
{
	int c;

	if ((c = strcmp(r->prompt, prompt)) != 0 ||
	    (c = strcmp(r->case_id, case_id)) != 0 ||
	    (c = strcmp(r->model, model)) != 0)
		return c;
	return (r->sample > sample) - (r->sample < sample);
}

/* Appends to out the names of the members in which a and b differ. */
static void
differing(struct morph_buf *out, const cJSON *a, const cJSON *b,
    const char *prefix)
{
	const cJSON *x, *y;

	cJSON_ArrayForEach(x, a) {
		y = cJSON_GetObjectItemCaseSensitive(b, x->string);
		if (y != NULL && cJSON_Compare(x, y, 1))
			continue;
		if (y != NULL && prefix == NULL && cJSON_IsObject(x) &&
		    cJSON_IsObject(y)) {
			differing(out, x, y, x->string);
			continue;
		}
		morph_buf_printf(out, "%s%s%s%s", out->len > 0 ? ", " : "",
		    prefix ? prefix : "", prefix ? "." : "", x->string);
	}
	cJSON_ArrayForEach(y, b)
		if (cJSON_GetObjectItemCaseSensitive(a, y->string) == NULL)
			morph_buf_printf(out, "%s%s%s%s", out->len > 0 ?
			    ", " : "", prefix ? prefix : "", prefix ? "." : "",
			    y->string);
}

/* The row's line and the page's, same key, differ: say in what. */
static const struct morph_error *
report_fields(struct runck *rc, const char *rname)
{
	struct morph_buf names = MORPH_BUF_INIT;
	const struct morph_error *err;
	cJSON *mine;

	if (rc->mine.len == 0)
		return NULL;		/* the row is reported already */
	if ((err = morph_json_parse(&mine, rc->mine.ptr, rc->mine.len,
	    "the row")) != NULL)
		return err;
	differing(&names, rc->doc, mine, NULL);
	cJSON_Delete(mine);
	if ((err = morph_buf_status(&names)) == NULL)
		morph_fsck_problem(rc->f, "%s: %s: differs from the sealed run "
		    "in %s", rc->name, rname, names.len > 0 ? names.ptr :
		    "its form");
	morph_buf_release(&names);
	return err;
}

/* Reports the current line, which no row has, and moves past it. */
static const struct morph_error *
pass_line(struct runck *rc)
{
	const char *prompt, *case_id, *model;
	char lname[NAMESZ];
	int64_t sample;

	if (line_key(rc, &prompt, &case_id, &model, &sample) == 0) {
		result_name(lname, prompt, case_id, model, sample);
		morph_fsck_problem(rc->f, "%s: %s: in the sealed run, not in "
		    "the results table", rc->name, lname);
	}
	return advance(rc);
}

/* Compares row r with the sealed pages, reporting the lines it passes. */
static const struct morph_error *
compare_row(struct runck *rc, const struct morph_result *r, const char *rname)
{
	const struct morph_error *err;
	const char *prompt, *case_id, *model;
	int64_t sample;
	int c;

	while (rc->sealed != NULL) {
		if (rc->line == NULL) {
			morph_fsck_problem(rc->f, "%s: %s: in the results "
			    "table, not in the sealed run", rc->name, rname);
			return NULL;
		}
		/* What sealing wrote for this row, byte for byte. */
		if (rc->mine.len == rc->len + 1 &&
		    memcmp(rc->mine.ptr, rc->line, rc->len) == 0)
			return advance(rc);
		if (line_key(rc, &prompt, &case_id, &model, &sample) != 0) {
			if ((err = advance(rc)) != NULL)
				return err;
			continue;
		}
		c = keycmp(r, prompt, case_id, model, sample);
		if (c < 0) {
			morph_fsck_problem(rc->f, "%s: %s: in the results "
			    "table, not in the sealed run", rc->name, rname);
			return NULL;
		}
		if (c == 0) {
			if ((err = report_fields(rc, rname)) != NULL)
				return err;
			return advance(rc);
		}
		if ((err = pass_line(rc)) != NULL)
			return err;
	}
	return NULL;
}

/* The sealed lines that no row came to. */
static const struct morph_error *
report_rest(struct runck *rc)
{
	const struct morph_error *err;

	while (rc->sealed != NULL && rc->line != NULL)
		if ((err = pass_line(rc)) != NULL)
			return err;
	return NULL;
}

/*
 * One result row: its call (shared by the samples of its prompt, case and
 * model), its line as sealing would write it, compared with the sealed
 * page's.  (Its output blob is looked for with the others, in
 * sql_outputs.)
 */
static const struct morph_error *
check_row(struct runck *rc, const struct morph_result *r)
{
	const struct morph_error *err;
	char rname[NAMESZ], what[NAMESZ + 100];
	size_t klen;

	rc->f->stats->results++;
	result_name(rname, r->prompt, r->case_id, r->model, r->sample);
	snprintf(what, sizeof(what), "%s: %s", rc->name, rname);

	klen = strlen(r->prompt) + strlen(r->case_id) + strlen(r->model) + 2;
	if (rc->prev.len == klen &&
	    memcmp(rc->prev.ptr, r->prompt, strlen(r->prompt) + 1) == 0 &&
	    strcmp(rc->prev.ptr + strlen(r->prompt) + 1, r->case_id) == 0 &&
	    strcmp(rc->prev.ptr + strlen(r->prompt) + strlen(r->case_id) + 2,
	    r->model) == 0) {
		if (morph_oid_cmp(&rc->prev_call, &r->call) != 0)
			morph_fsck_problem(rc->f, "%s: call %s differs from "
			    "sample %d's, %s", what, morph_oid_tostr(&r->call),
			    rc->prev_sample, morph_oid_tostr(&rc->prev_call));
	} else {
		morph_buf_clear(&rc->prev);
		morph_buf_put(&rc->prev, r->prompt, strlen(r->prompt) + 1);
		morph_buf_put(&rc->prev, r->case_id, strlen(r->case_id) + 1);
		morph_buf_puts(&rc->prev, r->model);
		if ((err = morph_buf_status(&rc->prev)) != NULL)
			return err;
		rc->prev_call = r->call;
		rc->prev_sample = r->sample;
	}

	morph_buf_clear(&rc->mine);
	if ((err = morph_runs_line(&rc->mine, r)) != NULL) {
		if (morph_fsck_fatal(err))
			return err;
		morph_fsck_problem(rc->f, "%s: %s", what, err->msg);
		morph_buf_clear(&rc->mine);
	}
	return compare_row(rc, r, rname);
}

static void
differs(struct runck *rc, int differ, const char *member)
{
	if (differ)
		morph_fsck_problem(rc->f, "%s: %s differs between the run "
		    "object and the runs table", rc->name, member);
}

/* Whether member key of run differs from integer column i of st. */
static int
int_differs(const cJSON *run, const char *key, sqlite3_stmt *st, int i)
{
	int64_t v;

	return morph_json_int64(run, key, &v) != 0 ||
	    sqlite3_column_type(st, i) != SQLITE_INTEGER ||
	    v != sqlite3_column_int64(st, i);
}

/* The run object's members against the runs table's row (st). */
static const struct morph_error *
check_header(struct runck *rc, sqlite3_stmt *st, const struct morph_oid *commit)
{
	const cJSON *run = morph_sealed_run(rc->sealed);
	const struct morph_error *err;
	const char *s, *text;
	cJSON *matrix = NULL;

	s = morph_json_str(run, "commit");
	differs(rc, s == NULL || strcmp(s, morph_oid_tostr(commit)) != 0,
	    "commit");
	differs(rc, int_differs(run, "started", st, 3), "started");
	differs(rc, int_differs(run, "ended", st, 4), "ended");
	if (int_differs(run, "results", st, 6))
		morph_fsck_problem(rc->f, "%s: the run object's results "
		    "differ from the runs table's total", rc->name);
	text = (const char *)sqlite3_column_text(st, 5);
	if (text == NULL || strcmp(text, "done") != 0)
		morph_fsck_problem(rc->f, "%s: sealed, but its state is "
		    "'%s'", rc->name, text ? text : "");
	text = (const char *)sqlite3_column_text(st, 7);
	err = morph_json_parse(&matrix, text ? text : "",
	    text ? strlen(text) : 0, "the runs table's matrix");
	if (err != NULL && morph_fsck_fatal(err))
		return err;
	differs(rc, err != NULL || !cJSON_Compare(matrix,
	    cJSON_GetObjectItemCaseSensitive(run, "matrix"), 1), "matrix");
	cJSON_Delete(matrix);
	return NULL;
}

/* Opens run rc's sealed object (column 2 of st) to compare with it. */
static const struct morph_error *
open_sealed(struct runck *rc, sqlite3_stmt *st, int64_t num)
{
	const struct morph_error *err;
	struct morph_oid id;
	int ok;

	if (sqlite3_column_type(st, 2) == SQLITE_NULL)
		return NULL;
	if (!column_oid(st, 2, &id)) {
		morph_fsck_problem(rc->f, "%s: sealed is not an id", rc->name);
		return NULL;
	}
	snprintf(rc->name, sizeof(rc->name), "run #%lld %s", (long long)num,
	    morph_oid_tostr(&id));
	if ((err = morph_fsck_expect(rc->f, &id, MORPH_OBJ_RUN, rc->name,
	    &ok)) != NULL || !ok)
		return err;
	err = morph_sealed_open(&rc->sealed, rc->f->repo, &id);
	if (err != NULL && !morph_fsck_fatal(err)) {
		morph_fsck_problem(rc->f, "%s: %s", rc->name, err->msg);
		return NULL;
	}
	return err;
}

/* One run: the row of the runs table st is on, then its results. */
static const struct morph_error *
check_run(struct fsck *f, sqlite3_stmt *st)
{
	const struct morph_error *err = NULL;
	const struct morph_result *r;
	struct morph_run_iter *it = NULL;
	struct morph_oid commit;
	struct runck rc;
	int64_t num = sqlite3_column_int64(st, 0), want = -1;
	int have_commit;

	memset(&rc, 0, sizeof(rc));
	rc.f = f;
	f->stats->runs++;
	snprintf(rc.name, sizeof(rc.name), "run #%lld", (long long)num);
	if (!(have_commit = column_oid(st, 1, &commit)))
		morph_fsck_problem(f, "%s: commit_id is not an id", rc.name);
	else if ((err = morph_fsck_expect(f, &commit, MORPH_OBJ_COMMIT,
	    rc.name, NULL)) != NULL)
		return err;
	if ((err = open_sealed(&rc, st, num)) != NULL)
		goto done;
	if (rc.sealed != NULL && have_commit &&
	    (err = check_header(&rc, st, &commit)) != NULL)
		goto done;
	if ((err = advance(&rc)) != NULL ||
	    (err = morph_run_iter_open(&it, f->repo, num)) != NULL)
		goto done;
	while ((err = morph_run_iter_next(&r, it)) == NULL && r != NULL)
		if ((err = check_row(&rc, r)) != NULL)
			break;
	if (err != NULL || rc.sealed == NULL ||
	    (err = report_rest(&rc)) != NULL || rc.sealed == NULL)
		goto done;
	if (morph_json_int64(morph_sealed_run(rc.sealed), "results",
	    &want) != 0 || want != rc.lines)
		morph_fsck_problem(f, "%s: the run object counts %lld results, "
		    "its pages hold %lld", rc.name, (long long)want,
		    (long long)rc.lines);
done:
	morph_run_iter_close(it);
	cJSON_Delete(rc.doc);
	morph_sealed_close(rc.sealed);
	morph_buf_release(&rc.mine);
	morph_buf_release(&rc.prev);
	return err;
}

/*
 * Rows whose columns break what morph run writes, which reading them
 * back would hide (a call that is not an id reads as zeros, a pass of 2
 * as true).
 */
#define COUNT_OK(c)	"(typeof(" c ") = 'null' OR (typeof(" c ") = " \
	"'integer' AND " c " >= 0))"

static const char sql_malformed[] = "SELECT run, prompt, case_id, model, "
    "sample, why FROM (SELECT *, CASE "
    "WHEN typeof(call) != 'blob' OR length(call) != 16 "
    "THEN 'call is not an id' "
    "WHEN output IS NOT NULL AND (typeof(output) != 'blob' OR "
    "length(output) != 16) THEN 'output is not an id' "
    "WHEN status IS NOT 'ok' AND status IS NOT 'error' "
    "THEN 'status is neither ok nor error' "
    "WHEN (status = 'ok') != (output IS NOT NULL) "
    "THEN 'status ' || status || (CASE WHEN output IS NULL THEN ' without' "
    "ELSE ' with' END) || ' an output' "
    "WHEN typeof(sample) != 'integer' OR sample < 0 "
    "THEN 'sample is not a number' "
    "WHEN pass IS NOT NULL AND pass IS NOT 0 AND pass IS NOT 1 "
    "THEN 'pass is not true, false or null' "
    "WHEN cached IS NOT 0 AND cached IS NOT 1 "
    "THEN 'cached is not true or false' "
    "WHEN NOT " COUNT_OK("tokens_in") " THEN 'tokens_in is not a count' "
    "WHEN NOT " COUNT_OK("tokens_out") " THEN 'tokens_out is not a count' "
    "WHEN NOT " COUNT_OK("tokens_cached")
    " THEN 'tokens_cached is not a count' "
    "WHEN NOT " COUNT_OK("tokens_reasoning")
    " THEN 'tokens_reasoning is not a count' "
    "WHEN NOT " COUNT_OK("latency_ms") " THEN 'latency_ms is not a count' "
    "WHEN NOT " COUNT_OK("cost_nusd") " THEN 'cost_nusd is not a count' "
    "END AS why FROM results) WHERE why IS NOT NULL";

/*
 * The outputs of results and of the cache that are not stored blobs, each
 * found by a join rather than looked up one by one: the output ids are
 * random, and a join reads the objects table's index in a better order.
 */
static const char sql_outputs[] = "SELECT r.run, r.prompt, r.case_id, "
    "r.model, r.sample, r.output, o.type FROM results r LEFT JOIN objects o "
    "ON o.id = r.output WHERE typeof(r.output) = 'blob' AND "
    "length(r.output) = 16 AND (o.type IS NULL OR o.type != 1)";

/*
 * Results whose call is not a stored call object: of another type, or
 * missing from a run whose other results' calls are stored.
 */
static const char sql_calls[] = "SELECT r.run, r.prompt, r.case_id, "
    "r.model, r.sample, r.call, o.type FROM results r LEFT JOIN objects o "
    "ON o.id = r.call WHERE typeof(r.call) = 'blob' AND "
    "length(r.call) = 16 AND ((o.type IS NOT NULL AND o.type != 4) OR "
    "(o.type IS NULL AND r.run IN (SELECT DISTINCT r2.run FROM results r2 "
    "JOIN objects o2 ON o2.id = r2.call AND o2.type = 4)))";

static const char sql_orphans[] = "SELECT run, count(*) FROM results "
    "WHERE run NOT IN (SELECT num FROM runs) GROUP BY run";

static const char sql_runs[] = "SELECT num, commit_id, sealed, started, "
    "ended, state, total, matrix FROM runs ORDER BY num";

static const char sql_cache[] = "SELECT c.call, c.sample, c.output, o.type "
    "FROM cache c LEFT JOIN objects o ON o.id = c.output";

/*
 * Steps through the rows of sql, calling row for each.  Not cached: the
 * checks of a row use the store's cached statements meanwhile.
 */
static const struct morph_error *
each_row(struct fsck *f, const char *sql,
    const struct morph_error *(*row)(struct fsck *, sqlite3_stmt *))
{
	const struct morph_error *err = NULL;
	sqlite3_stmt *st;
	int rc;

	rc = sqlite3_prepare_v2(f->repo->store.db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return morph_store_error(&f->repo->store, rc,
		    "cannot read the runs");
	while (err == NULL && (rc = sqlite3_step(st)) == SQLITE_ROW)
		err = row(f, st);
	if (err == NULL && rc != SQLITE_DONE)
		err = morph_store_error(&f->repo->store, rc,
		    "cannot read the runs");
	sqlite3_finalize(st);
	return err;
}

static const struct morph_error *
malformed_row(struct fsck *f, sqlite3_stmt *st)
{
	char rname[NAMESZ];

	result_name(rname, (const char *)sqlite3_column_text(st, 1),
	    (const char *)sqlite3_column_text(st, 2),
	    (const char *)sqlite3_column_text(st, 3),
	    sqlite3_column_int64(st, 4));
	morph_fsck_problem(f, "run #%lld: %s: %s",
	    (long long)sqlite3_column_int64(st, 0), rname,
	    (const char *)sqlite3_column_text(st, 5));
	return NULL;
}

/*
 * A row of sql_outputs or sql_calls: the result in columns 0 to 4, the
 * id it names in 5 and that object's type, or NULL, in 6.
 */
static void
found_object(struct fsck *f, sqlite3_stmt *st, enum morph_object_type want)
{
	char rname[NAMESZ], what[NAMESZ + 32];
	struct morph_oid id;

	result_name(rname, (const char *)sqlite3_column_text(st, 1),
	    (const char *)sqlite3_column_text(st, 2),
	    (const char *)sqlite3_column_text(st, 3),
	    sqlite3_column_int64(st, 4));
	snprintf(what, sizeof(what), "run #%lld: %s",
	    (long long)sqlite3_column_int64(st, 0), rname);
	column_oid(st, 5, &id);
	morph_fsck_found(f, &id, sqlite3_column_type(st, 6) != SQLITE_NULL,
	    sqlite3_column_int(st, 6), want, what);
}

static const struct morph_error *
missing_output(struct fsck *f, sqlite3_stmt *st)
{
	found_object(f, st, MORPH_OBJ_BLOB);
	return NULL;
}

static const struct morph_error *
bad_call(struct fsck *f, sqlite3_stmt *st)
{
	found_object(f, st, MORPH_OBJ_CALL);
	return NULL;
}

static const struct morph_error *
orphans(struct fsck *f, sqlite3_stmt *st)
{
	int64_t n = sqlite3_column_int64(st, 1);

	morph_fsck_problem(f, "results table: %lld row%s of run #%lld, which "
	    "does not exist", (long long)n, n == 1 ? "" : "s",
	    (long long)sqlite3_column_int64(st, 0));
	return NULL;
}

static const struct morph_error *
cache_row(struct fsck *f, sqlite3_stmt *st)
{
	struct morph_oid call, out;
	char what[128];

	f->stats->cache_entries++;
	if (!column_oid(st, 0, &call)) {
		morph_fsck_problem(f, "cache entry: call is not an id");
		return NULL;
	}
	snprintf(what, sizeof(what), "cache entry %s sample %lld",
	    morph_oid_tostr(&call), (long long)sqlite3_column_int64(st, 1));
	if (!column_oid(st, 2, &out)) {
		morph_fsck_problem(f, "%s: output is not an id", what);
		return NULL;
	}
	morph_fsck_found(f, &out, sqlite3_column_type(st, 3) != SQLITE_NULL,
	    sqlite3_column_int(st, 3), MORPH_OBJ_BLOB, what);
	return NULL;
}

const struct morph_error *
morph_fsck_runs(struct fsck *f)
{
	const struct morph_error *err;

	if ((err = each_row(f, sql_malformed, malformed_row)) != NULL ||
	    (err = each_row(f, sql_outputs, missing_output)) != NULL ||
	    (err = each_row(f, sql_calls, bad_call)) != NULL ||
	    (err = each_row(f, sql_orphans, orphans)) != NULL ||
	    (err = each_row(f, sql_runs, check_run)) != NULL)
		return err;
	return each_row(f, sql_cache, cache_row);
}
