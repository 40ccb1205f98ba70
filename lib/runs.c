/*
 * Runs, results and the call cache in the database, and sealing (see
 * runs_int.h for the invariants).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "morph/morph.h"
#include "morph/object.h"
#include "morph/revparse.h"
#include "json_int.h"
#include "utf8_int.h"
#include "repo_int.h"
#include "runlock_int.h"
#include "runs_int.h"

int64_t
morph_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const struct morph_error *
step_done(struct morph_repo *repo, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return morph_store_error(&repo->store, rc, what);
	return NULL;
}

static void
bind_oid(sqlite3_stmt *st, int i, const struct morph_oid *id)
{
	if (id == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_blob(st, i, id->id, MORPH_OID_RAWSZ,
		    SQLITE_TRANSIENT);
}

static int
column_oid(sqlite3_stmt *st, int i, struct morph_oid *out)
{
	if (sqlite3_column_type(st, i) != SQLITE_BLOB ||
	    sqlite3_column_bytes(st, i) != MORPH_OID_RAWSZ) {
		memset(out, 0, sizeof(*out));
		return 0;
	}
	memcpy(out->id, sqlite3_column_blob(st, i), MORPH_OID_RAWSZ);
	return 1;
}

/* An integer column that may be NULL (unknown): -1. */
static int64_t
column_int(sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return -1;
	return sqlite3_column_int64(st, i);
}

static void
bind_int(sqlite3_stmt *st, int i, int64_t v)
{
	if (v < 0)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_int64(st, i, v);
}

static void
bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

static const char sql_create[] = "INSERT INTO runs (commit_id, plan, matrix, "
    "started, state, total, prices, tree) "
    "VALUES (?, ?, ?, ?, 'running', ?, ?, ?)";

const struct morph_error *
morph_runs_create(int64_t *num, struct morph_repo *repo,
    const struct morph_oid *commit, const struct morph_oid *tree,
    const struct morph_oid *plan, const char *matrix,
    const struct morph_oid *prices, int64_t total)
{
	const struct morph_error *err;
	sqlite3_stmt *st = NULL;

	if ((err = morph_store_prepare(&repo->store, sql_create, &st)))
		return err;
	bind_oid(st, 1, commit);
	bind_oid(st, 2, plan);
	sqlite3_bind_text(st, 3, matrix, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, morph_now_ms());
	sqlite3_bind_int64(st, 5, total);
	bind_oid(st, 6, prices);
	if (tree != NULL)
		bind_oid(st, 7, tree);
	else
		sqlite3_bind_null(st, 7);
	if ((err = step_done(repo, st, "cannot record the run")) != NULL)
		return err;
	*num = sqlite3_last_insert_rowid(repo->store.db);
	return NULL;
}

static const char sql_unsealed[] = "SELECT num FROM runs WHERE plan = ? AND "
    "sealed IS NULL ORDER BY num DESC LIMIT 1";

const struct morph_error *
morph_runs_unsealed(int64_t *num, int *found, struct morph_repo *repo,
    const struct morph_oid *plan)
{
	const struct morph_error *err;
	sqlite3_stmt *st = NULL;
	int rc;

	*found = 0;
	if ((err = morph_store_prepare(&repo->store, sql_unsealed, &st)))
		return err;
	bind_oid(st, 1, plan);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*num = sqlite3_column_int64(st, 0);
		*found = 1;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return morph_store_error(&repo->store, rc,
		    "cannot read the runs");
	return NULL;
}

static const char sql_state[] = "UPDATE runs SET state = ?, ended = ? "
    "WHERE num = ?";

const struct morph_error *
morph_runs_set_state(struct morph_repo *repo, int64_t num, const char *state)
{
	const struct morph_error *err;
	sqlite3_stmt *st = NULL;

	if ((err = morph_store_prepare(&repo->store, sql_state, &st)))
		return err;
	sqlite3_bind_text(st, 1, state, -1, SQLITE_STATIC);
	if (strcmp(state, "running") == 0)
		sqlite3_bind_null(st, 2);
	else
		sqlite3_bind_int64(st, 2, morph_now_ms());
	sqlite3_bind_int64(st, 3, num);
	return step_done(repo, st, "cannot record the run");
}

const struct morph_error *
morph_runs_keys(struct morph_repo *repo, int64_t num, morph_runs_key_cb cb,
    void *arg)
{
	static const char sql[] = "SELECT prompt, case_id, model, sample "
	    "FROM results WHERE run = ?";
	const struct morph_error *err = NULL;
	sqlite3_stmt *st;
	int rc;

	rc = sqlite3_prepare_v2(repo->store.db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return morph_store_error(&repo->store, rc,
		    "cannot read results");
	sqlite3_bind_int64(st, 1, num);
	while (err == NULL && (rc = sqlite3_step(st)) == SQLITE_ROW)
		err = cb((const char *)sqlite3_column_text(st, 0),
		    (const char *)sqlite3_column_text(st, 1),
		    (const char *)sqlite3_column_text(st, 2),
		    sqlite3_column_int(st, 3), arg);
	if (err == NULL && rc != SQLITE_DONE && rc != SQLITE_ROW)
		err = morph_store_error(&repo->store, rc,
		    "cannot read results");
	sqlite3_finalize(st);
	return err;
}

static const char sql_put[] = "INSERT INTO results (run, prompt, case_id, "
    "model, sample, call, status, output, error, finish, served_model, "
    "tokens_in, tokens_out, tokens_cached, tokens_reasoning, latency_ms, "
    "cost_nusd, cached, pass, attempts, verdicts, tokens_cache_write) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
    "?)";

const struct morph_error *
morph_runs_put(struct morph_repo *repo, int64_t num,
    const struct morph_result *r)
{
	const struct morph_error *err;
	sqlite3_stmt *st = NULL;

	if ((err = morph_store_prepare(&repo->store, sql_put, &st)))
		return err;
	sqlite3_bind_int64(st, 1, num);
	bind_text(st, 2, r->prompt);
	bind_text(st, 3, r->case_id);
	bind_text(st, 4, r->model);
	sqlite3_bind_int(st, 5, r->sample);
	bind_oid(st, 6, &r->call);
	bind_text(st, 7, r->status);
	bind_oid(st, 8, r->has_output ? &r->output : NULL);
	bind_text(st, 9, r->error);
	bind_text(st, 10, r->finish);
	bind_text(st, 11, r->served_model);
	bind_int(st, 12, r->tokens_in);
	bind_int(st, 13, r->tokens_out);
	bind_int(st, 14, r->tokens_cached);
	bind_int(st, 15, r->tokens_reasoning);
	bind_int(st, 16, r->latency_ms);
	bind_int(st, 17, r->cost_nusd);
	sqlite3_bind_int(st, 18, r->cached);
	bind_int(st, 19, r->pass);
	bind_text(st, 20, r->attempts ? r->attempts : "[]");
	bind_text(st, 21, r->verdicts ? r->verdicts : "[]");
	bind_int(st, 22, r->tokens_cache_write);
	return step_done(repo, st, "cannot record a result");
}

static const char sql_cache_get[] = "SELECT output, finish, served_model, "
    "tokens_in, tokens_out, tokens_cached, tokens_reasoning, latency_ms, "
    "tokens_cache_write, time FROM cache WHERE call = ? AND sample = ?";
#define CACHE_ROW	"INTO cache (call, sample, output, finish, " \
    "served_model, tokens_in, tokens_out, tokens_cached, tokens_reasoning, " \
    "latency_ms, time, tokens_cache_write) " \
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
static const char sql_cache_put[] = "INSERT OR REPLACE " CACHE_ROW;
static const char sql_cache_add[] = "INSERT OR IGNORE " CACHE_ROW;

const struct morph_error *
morph_cache_get(struct morph_cache_entry *out, int *found,
    struct morph_repo *repo, const struct morph_oid *call, int sample)
{
	const struct morph_error *err;
	sqlite3_stmt *st = NULL;
	const char *s;
	int rc;

	*found = 0;
	if ((err = morph_store_prepare(&repo->store, sql_cache_get, &st)))
		return err;
	bind_oid(st, 1, call);
	sqlite3_bind_int(st, 2, sample);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && column_oid(st, 0, &out->output)) {
		s = (const char *)sqlite3_column_text(st, 1);
		snprintf(out->finish, sizeof(out->finish), "%s", s ? s : "");
		s = (const char *)sqlite3_column_text(st, 2);
		snprintf(out->served_model, sizeof(out->served_model), "%s",
		    s ? s : "");
		out->tokens_in = column_int(st, 3);
		out->tokens_out = column_int(st, 4);
		out->tokens_cached = column_int(st, 5);
		out->tokens_reasoning = column_int(st, 6);
		out->latency_ms = column_int(st, 7);
		out->tokens_cache_write = column_int(st, 8);
		out->time_ms = sqlite3_column_int64(st, 9);
		*found = 1;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return morph_store_error(&repo->store, rc,
		    "cannot read the call cache");
	return NULL;
}

/*
 * Writes e for (call, sample) with sql: INSERT OR REPLACE (a call made
 * here) or INSERT OR IGNORE (one imported, which never replaces ours).
 */
static const struct morph_error *
cache_write(struct morph_repo *repo, const char *sql,
    const struct morph_oid *call, int sample,
    const struct morph_cache_entry *e, int64_t time_ms)
{
	const struct morph_error *err;
	sqlite3_stmt *st = NULL;

	if ((err = morph_store_prepare(&repo->store, sql, &st)))
		return err;
	bind_oid(st, 1, call);
	sqlite3_bind_int(st, 2, sample);
	bind_oid(st, 3, &e->output);
	bind_text(st, 4, e->finish[0] ? e->finish : NULL);
	bind_text(st, 5, e->served_model[0] ? e->served_model : NULL);
	bind_int(st, 6, e->tokens_in);
	bind_int(st, 7, e->tokens_out);
	bind_int(st, 8, e->tokens_cached);
	bind_int(st, 9, e->tokens_reasoning);
	bind_int(st, 10, e->latency_ms);
	sqlite3_bind_int64(st, 11, time_ms);
	bind_int(st, 12, e->tokens_cache_write);
	return step_done(repo, st, "cannot write the call cache");
}

const struct morph_error *
morph_cache_put(struct morph_repo *repo, const struct morph_oid *call,
    int sample, const struct morph_cache_entry *e)
{
	return cache_write(repo, sql_cache_put, call, sample, e,
	    e->time_ms > 0 ? e->time_ms : morph_now_ms());
}

/* Reading results */

static const char sql_results[] = "SELECT prompt, case_id, model, sample, "
    "call, status, output, error, finish, served_model, tokens_in, "
    "tokens_out, tokens_cached, tokens_reasoning, latency_ms, cost_nusd, "
    "cached, pass, attempts, verdicts, tokens_cache_write FROM results "
    "WHERE run = ? ORDER BY prompt, case_id, model, sample";

static void
row_result(struct morph_result *r, sqlite3_stmt *st)
{
	memset(r, 0, sizeof(*r));
	r->prompt = (const char *)sqlite3_column_text(st, 0);
	r->case_id = (const char *)sqlite3_column_text(st, 1);
	r->model = (const char *)sqlite3_column_text(st, 2);
	r->sample = sqlite3_column_int(st, 3);
	column_oid(st, 4, &r->call);
	r->status = (const char *)sqlite3_column_text(st, 5);
	r->has_output = column_oid(st, 6, &r->output);
	r->error = (const char *)sqlite3_column_text(st, 7);
	r->finish = (const char *)sqlite3_column_text(st, 8);
	r->served_model = (const char *)sqlite3_column_text(st, 9);
	r->tokens_in = column_int(st, 10);
	r->tokens_out = column_int(st, 11);
	r->tokens_cached = column_int(st, 12);
	r->tokens_reasoning = column_int(st, 13);
	r->latency_ms = column_int(st, 14);
	r->cost_nusd = column_int(st, 15);
	r->cached = sqlite3_column_int(st, 16);
	r->pass = (int)column_int(st, 17);
	r->attempts = (const char *)sqlite3_column_text(st, 18);
	r->verdicts = (const char *)sqlite3_column_text(st, 19);
	r->tokens_cache_write = column_int(st, 20);
}

const struct morph_error *
morph_run_results(struct morph_repo *repo, int64_t num, morph_result_cb cb,
    void *arg)
{
	const struct morph_error *err = NULL;
	struct morph_result r;
	sqlite3_stmt *st;
	int rc;

	/* Not cached: cb may read objects and the cache meanwhile. */
	rc = sqlite3_prepare_v2(repo->store.db, sql_results, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return morph_store_error(&repo->store, rc,
		    "cannot read results");
	sqlite3_bind_int64(st, 1, num);
	while (err == NULL && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		row_result(&r, st);
		err = cb(&r, arg);
	}
	if (err == NULL && rc != SQLITE_DONE && rc != SQLITE_ROW)
		err = morph_store_error(&repo->store, rc,
		    "cannot read results");
	sqlite3_finalize(st);
	return err;
}

struct morph_run_iter {
	struct morph_repo	*repo;
	sqlite3_stmt		*st;
	struct morph_result	 r;
};

const struct morph_error *
morph_run_iter_open(struct morph_run_iter **out, struct morph_repo *repo,
    int64_t num)
{
	struct morph_run_iter *it;
	int rc;

	*out = NULL;
	if ((it = calloc(1, sizeof(*it))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	it->repo = repo;
	rc = sqlite3_prepare_v2(repo->store.db, sql_results, -1, &it->st,
	    NULL);
	if (rc != SQLITE_OK) {
		free(it);
		return morph_store_error(&repo->store, rc,
		    "cannot read results");
	}
	sqlite3_bind_int64(it->st, 1, num);
	*out = it;
	return NULL;
}

const struct morph_error *
morph_run_iter_next(const struct morph_result **out, struct morph_run_iter *it)
{
	int rc = sqlite3_step(it->st);

	*out = NULL;
	if (rc == SQLITE_DONE)
		return NULL;
	if (rc != SQLITE_ROW)
		return morph_store_error(&it->repo->store, rc,
		    "cannot read results");
	row_result(&it->r, it->st);
	*out = &it->r;
	return NULL;
}

void
morph_run_iter_close(struct morph_run_iter *it)
{
	if (it == NULL)
		return;
	sqlite3_finalize(it->st);
	free(it);
}

/* Sealing */

static void
add_str_or_null(cJSON *o, const char *k, const char *v)
{
	if (v == NULL)
		cJSON_AddNullToObject(o, k);
	else
		cJSON_AddStringToObject(o, k, v);
}

/* Appends ,"key": (no comma before the first key). */
static void
put_key(struct morph_buf *b, const char *key)
{
	if (b->len > 0 && b->ptr[b->len - 1] != '{')
		morph_buf_putc(b, ',');
	morph_json_put_string(b, key, strlen(key));
	morph_buf_putc(b, ':');
}

/* Appends "key":"v", or "key":null for NULL, as canonical JSON. */
static const struct morph_error *
put_str(struct morph_buf *b, const char *key, const char *v)
{
	size_t n;

	put_key(b, key);
	if (v == NULL) {
		morph_buf_puts(b, "null");
		return NULL;
	}
	n = strlen(v);
	if (morph_utf8_check(v, n) != 0)
		return morph_error_fmt(MORPH_ERR_INVALID,
		    "JSON string is not valid UTF-8");
	morph_json_put_string(b, v, n);
	return NULL;
}

/* Appends "key":v, or "key":null for a negative v. */
static void
put_int(struct morph_buf *b, const char *key, int64_t v)
{
	put_key(b, key);
	if (v < 0)
		morph_buf_puts(b, "null");
	else
		(void)morph_json_put_number(b, (double)v);
}

/* Appends "key": and the JSON text doc, made canonical. */
static const struct morph_error *
put_doc(struct morph_buf *b, const char *key, const char *doc)
{
	const struct morph_error *err;
	cJSON *v;

	if ((err = morph_json_parse(&v, doc, strlen(doc), key)) != NULL)
		return err;
	put_key(b, key);
	err = morph_json_canonical(b, v);
	cJSON_Delete(v);
	return err;
}

/*
 * A result as the canonical JSON line a sealed page holds, written field
 * by field: the keys are in canonical (byte) order, and only attempts and
 * verdicts, stored as JSON text, are parsed.
 */
static const struct morph_error *
result_line(struct morph_buf *page, const struct morph_result *r)
{
	const struct morph_error *err;
	struct morph_buf b = MORPH_BUF_INIT;

	morph_buf_putc(&b, '{');
	if ((err = put_doc(&b, "attempts", r->attempts)) != NULL)
		goto done;
	put_key(&b, "cached");
	morph_buf_puts(&b, r->cached ? "true" : "false");
	if ((err = put_str(&b, "call", morph_oid_tostr(&r->call))) ||
	    (err = put_str(&b, "case", r->case_id)))
		goto done;
	put_int(&b, "cost_nusd", r->cost_nusd);
	if ((err = put_str(&b, "error", r->error)) ||
	    (err = put_str(&b, "finish", r->finish)))
		goto done;
	put_int(&b, "latency_ms", r->latency_ms);
	if ((err = put_str(&b, "model", r->model)) ||
	    (err = put_str(&b, "output", r->has_output ?
	    morph_oid_tostr(&r->output) : NULL)))
		goto done;
	put_key(&b, "pass");
	morph_buf_puts(&b, r->pass < 0 ? "null" : r->pass ? "true" : "false");
	if ((err = put_str(&b, "prompt", r->prompt)))
		goto done;
	put_int(&b, "sample", r->sample);
	if ((err = put_str(&b, "served_model", r->served_model)) ||
	    (err = put_str(&b, "status", r->status)))
		goto done;
	put_key(&b, "tokens");
	morph_buf_putc(&b, '{');
	/* Reported since schema 3; older pages lack the key. */
	put_int(&b, "cache_write", r->tokens_cache_write);
	put_int(&b, "cached", r->tokens_cached);
	put_int(&b, "in", r->tokens_in);
	put_int(&b, "out", r->tokens_out);
	put_int(&b, "reasoning", r->tokens_reasoning);
	morph_buf_putc(&b, '}');
	if ((err = put_doc(&b, "verdicts", r->verdicts)) != NULL)
		goto done;
	morph_buf_puts(&b, "}\n");
	if ((err = morph_buf_status(&b)) == NULL)
		morph_buf_put(page, b.ptr, b.len);
done:
	morph_buf_release(&b);
	return err;
}

struct sealing {
	struct morph_repo	*repo;
	struct morph_buf	 page;
	size_t			 in_page;
	int64_t			 results;
	cJSON			*pages;
};

static const struct morph_error *
flush_page(struct sealing *s)
{
	const struct morph_error *err;
	struct morph_oid id;

	if (s->in_page == 0)
		return NULL;
	if ((err = morph_buf_status(&s->page)) != NULL ||
	    (err = morph_object_write(&id, s->repo, MORPH_OBJ_BLOB,
	    s->page.ptr, s->page.len)) != NULL)
		return err;
	cJSON_AddItemToArray(s->pages, cJSON_CreateString(morph_oid_tostr(&id)));
	morph_buf_clear(&s->page);
	s->in_page = 0;
	return NULL;
}

static const struct morph_error *
seal_one(const struct morph_result *r, void *arg)
{
	struct sealing *s = arg;
	const struct morph_error *err;

	if ((err = result_line(&s->page, r)) != NULL)
		return err;
	s->results++;
	if (++s->in_page == MORPH_RUN_PAGE)
		return flush_page(s);
	return NULL;
}

const struct morph_error *
morph_runs_seal(struct morph_oid *out, struct morph_repo *repo, int64_t num)
{
	static const char sql_run[] = "SELECT commit_id, matrix, started, "
	    "prices, tree FROM runs WHERE num = ?";
	static const char sql_sealed[] = "UPDATE runs SET sealed = ?, "
	    "state = 'done', ended = ? WHERE num = ?";
	const struct morph_error *err;
	struct sealing s;
	struct morph_buf payload = MORPH_BUF_INIT;
	struct morph_oid commit, prices, tree;
	sqlite3_stmt *st = NULL;
	cJSON *run = NULL, *matrix = NULL;
	const char *mtext;
	int64_t started, ended = morph_now_ms();
	int rc, have_prices, have_tree;

	memset(&s, 0, sizeof(s));
	s.repo = repo;
	if ((err = morph_store_begin(&repo->store)) != NULL)
		return err;
	if ((err = morph_store_prepare(&repo->store, sql_run, &st)) != NULL)
		goto done;
	sqlite3_bind_int64(st, 1, num);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		sqlite3_reset(st);
		err = rc == SQLITE_DONE ? morph_error_fmt(MORPH_ERR_NOT_FOUND,
		    "run #%lld not found", (long long)num) :
		    morph_store_error(&repo->store, rc, "cannot read a run");
		goto done;
	}
	column_oid(st, 0, &commit);
	mtext = (const char *)sqlite3_column_text(st, 1);
	err = morph_json_parse(&matrix, mtext, strlen(mtext), "run matrix");
	started = sqlite3_column_int64(st, 2);
	have_prices = column_oid(st, 3, &prices);
	have_tree = column_oid(st, 4, &tree);
	sqlite3_reset(st);
	if (err != NULL)
		goto done;

	if ((s.pages = cJSON_CreateArray()) == NULL) {
		err = morph_error(MORPH_ERR_NOMEM);
		goto done;
	}
	if ((err = morph_run_results(repo, num, seal_one, &s)) != NULL ||
	    (err = flush_page(&s)) != NULL)
		goto done;
	if ((run = cJSON_CreateObject()) == NULL) {
		err = morph_error(MORPH_ERR_NOMEM);
		goto done;
	}
	cJSON_AddStringToObject(run, "commit", morph_oid_tostr(&commit));
	morph_json_add_int(run, "ended", ended);
	cJSON_AddItemToObject(run, "matrix", matrix);
	matrix = NULL;
	cJSON_AddStringToObject(run, "morph", morph_version());
	cJSON_AddItemToObject(run, "pages", s.pages);
	s.pages = NULL;
	add_str_or_null(run, "prices", have_prices ?
	    morph_oid_tostr(&prices) : NULL);
	morph_json_add_int(run, "results", s.results);
	morph_json_add_int(run, "started", started);
	/* A run of the work tree names the tree it ran, on top of commit. */
	if (have_tree)
		cJSON_AddStringToObject(run, "tree", morph_oid_tostr(&tree));
	if ((err = morph_json_canonical(&payload, run)) != NULL ||
	    (err = morph_object_write(out, repo, MORPH_OBJ_RUN, payload.ptr,
	    payload.len)) != NULL)
		goto done;
	if ((err = morph_store_prepare(&repo->store, sql_sealed, &st)))
		goto done;
	bind_oid(st, 1, out);
	sqlite3_bind_int64(st, 2, ended);
	sqlite3_bind_int64(st, 3, num);
	err = step_done(repo, st, "cannot seal the run");
done:
	cJSON_Delete(run);
	cJSON_Delete(matrix);
	cJSON_Delete(s.pages);
	morph_buf_release(&s.page);
	morph_buf_release(&payload);
	if (err != NULL) {
		morph_store_rollback(&repo->store);
		return err;
	}
	return morph_store_commit(&repo->store);
}

/* Listing runs */

static const char sql_totals[] = "SELECT count(*), "
    "coalesce(sum(status = 'error'), 0), coalesce(sum(pass IS NOT NULL), 0), "
    "coalesce(sum(pass = 1), 0), coalesce(sum(tokens_in), 0), "
    "coalesce(sum(tokens_out), 0), coalesce(sum(cost_nusd), 0), "
    "coalesce(sum(status = 'ok' AND cost_nusd IS NULL), 0) "
    "FROM results WHERE run = ?";

static const struct morph_error *
totals(struct morph_run_info *ri, struct morph_repo *repo)
{
	const struct morph_error *err;
	sqlite3_stmt *st = NULL;
	int rc;

	if ((err = morph_store_prepare(&repo->store, sql_totals, &st)))
		return err;
	sqlite3_bind_int64(st, 1, ri->num);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ri->results = sqlite3_column_int64(st, 0);
		ri->errors = sqlite3_column_int64(st, 1);
		ri->asserted = sqlite3_column_int64(st, 2);
		ri->passed = sqlite3_column_int64(st, 3);
		ri->tokens_in = sqlite3_column_int64(st, 4);
		ri->tokens_out = sqlite3_column_int64(st, 5);
		ri->cost_nusd = sqlite3_column_int64(st, 6);
		ri->unpriced = sqlite3_column_int64(st, 7);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return morph_store_error(&repo->store, rc,
		    "cannot read results");
	return NULL;
}

/*
 * The run of row st.  A run still "running" whose plan no process holds
 * was killed, however it was (runlock_int.h): it is "interrupted".
 */
static void
row_info(struct morph_run_info *ri, struct morph_repo *repo,
    sqlite3_stmt *st)
{
	struct morph_oid plan;
	const char *state;

	memset(ri, 0, sizeof(*ri));
	ri->num = sqlite3_column_int64(st, 0);
	column_oid(st, 1, &ri->commit);
	ri->is_sealed = column_oid(st, 2, &ri->sealed);
	ri->started_ms = sqlite3_column_int64(st, 3);
	ri->ended_ms = sqlite3_column_type(st, 4) == SQLITE_NULL ? 0 :
	    sqlite3_column_int64(st, 4);
	state = (const char *)sqlite3_column_text(st, 5);
	snprintf(ri->state, sizeof(ri->state), "%s", state ? state : "?");
	ri->total = sqlite3_column_int64(st, 6);
	if (strcmp(ri->state, "running") == 0 && column_oid(st, 7, &plan) &&
	    morph_runlock_held(repo, &plan) == 0)
		snprintf(ri->state, sizeof(ri->state), "interrupted");
	ri->worktree = column_oid(st, 8, &ri->tree);
}

#define RUN_COLUMNS "num, commit_id, sealed, started, ended, state, total, " \
	"plan, tree"

const struct morph_error *
morph_runs_foreach(struct morph_repo *repo, const struct morph_oid *commit,
    morph_run_cb cb, void *arg)
{
	static const char sql_all[] = "SELECT " RUN_COLUMNS " FROM runs "
	    "ORDER BY num DESC";
	static const char sql_commit[] = "SELECT " RUN_COLUMNS " FROM runs "
	    "WHERE commit_id = ? ORDER BY num DESC";
	const struct morph_error *err = NULL;
	struct morph_run_info ri;
	sqlite3_stmt *st;
	int rc;

	rc = sqlite3_prepare_v2(repo->store.db, commit ? sql_commit : sql_all,
	    -1, &st, NULL);
	if (rc != SQLITE_OK)
		return morph_store_error(&repo->store, rc,
		    "cannot read the runs");
	if (commit != NULL)
		bind_oid(st, 1, commit);
	while (err == NULL && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		row_info(&ri, repo, st);
		if ((err = totals(&ri, repo)) == NULL)
			err = cb(&ri, arg);
	}
	if (err == NULL && rc != SQLITE_DONE && rc != SQLITE_ROW)
		err = morph_store_error(&repo->store, rc,
		    "cannot read the runs");
	sqlite3_finalize(st);
	return err;
}

static const struct morph_error *
find_where(struct morph_run_info *out, int *found, struct morph_repo *repo,
    const char *sql, const struct morph_oid *id, int64_t num)
{
	sqlite3_stmt *st;
	int rc;

	*found = 0;
	rc = sqlite3_prepare_v2(repo->store.db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return morph_store_error(&repo->store, rc,
		    "cannot read the runs");
	if (id != NULL)
		bind_oid(st, 1, id);
	else
		sqlite3_bind_int64(st, 1, num);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		row_info(out, repo, st);
		*found = 1;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return morph_store_error(&repo->store, rc,
		    "cannot read the runs");
	return *found ? totals(out, repo) : NULL;
}

const struct morph_error *
morph_run_find(struct morph_run_info *out, struct morph_repo *repo,
    const char *name)
{
	static const char sql_num[] = "SELECT " RUN_COLUMNS " FROM runs "
	    "WHERE num = ?";
	static const char sql_sealed[] = "SELECT " RUN_COLUMNS " FROM runs "
	    "WHERE sealed = ?";
	static const char sql_latest[] = "SELECT " RUN_COLUMNS " FROM runs "
	    "WHERE commit_id = ? AND tree IS NULL "
	    "ORDER BY sealed IS NULL, num DESC LIMIT 1";
	const struct morph_error *err;
	enum morph_object_type type;
	struct morph_oid id;
	int64_t n;
	int found;

	if (name[0] == '#') {
		if (morph_num_int(&n, "a run number", name + 1, 1,
		    INT64_MAX) != NULL)
			return morph_error_fmt(MORPH_ERR_INVALID,
			    "'%s' is not a run number", name);
		if ((err = find_where(out, &found, repo, sql_num, NULL,
		    n)) != NULL)
			return err;
		return found ? NULL : morph_error_fmt(MORPH_ERR_NOT_FOUND,
		    "run %s not found", name);
	}
	if ((err = morph_revparse_peeled(&id, &type, repo, name)) != NULL)
		return err;
	if (type == MORPH_OBJ_RUN) {
		if ((err = find_where(out, &found, repo, sql_sealed, &id,
		    0)) != NULL)
			return err;
		return found ? NULL : morph_error_fmt(MORPH_ERR_NOT_FOUND,
		    "run %s is not a run of this repository", name);
	}
	if (type != MORPH_OBJ_COMMIT)
		return morph_error_fmt(MORPH_ERR_NOT_FOUND, "'%s' names a %s, "
		    "not a run or a commit", name,
		    morph_object_type_name(type));
	if ((err = find_where(out, &found, repo, sql_latest, &id, 0)) != NULL)
		return err;
	return found ? NULL : morph_error_fmt(MORPH_ERR_NOT_FOUND,
	    "commit %s has no run; run morph run %s", morph_oid_tostr(&id),
	    name);
}

/* Summaries */

static const char sql_model[] = "SELECT count(*), "
    "coalesce(sum(status = 'error'), 0), coalesce(sum(pass IS NOT NULL), 0), "
    "coalesce(sum(pass = 1), 0), coalesce(sum(tokens_in), 0), "
    "coalesce(sum(tokens_out), 0), coalesce(sum(cost_nusd), 0), "
    "coalesce(sum(status = 'ok' AND cost_nusd IS NULL), 0), "
    "coalesce(sum(status = 'ok' AND latency_ms IS NOT NULL), 0), "
    "coalesce(sum(tokens_in IS NOT NULL OR tokens_out IS NOT NULL), 0) "
    "FROM results WHERE run = ? AND model = ?";

static int64_t
percentile(struct morph_repo *repo, int64_t num, const char *model,
    int64_t n, double p)
{
	static const char sql[] = "SELECT latency_ms FROM results WHERE "
	    "run = ? AND model = ? AND status = 'ok' AND latency_ms IS NOT "
	    "NULL ORDER BY latency_ms LIMIT 1 OFFSET ?";
	sqlite3_stmt *st;
	int64_t k, v = -1;

	if (n <= 0)
		return -1;
	/* The nearest-rank percentile. */
	k = (int64_t)((double)n * p + 0.999999) - 1;
	if (k < 0)
		k = 0;
	if (sqlite3_prepare_v2(repo->store.db, sql, -1, &st, NULL) !=
	    SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, num);
	sqlite3_bind_text(st, 2, model, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, k);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

const struct morph_error *
morph_run_summary(struct morph_repo *repo, int64_t num, morph_summary_cb cb,
    void *arg)
{
	static const char sql_matrix[] = "SELECT matrix FROM runs WHERE num = ?";
	const struct morph_error *err = NULL;
	struct morph_model_summary ms;
	const cJSON *models, *m;
	cJSON *matrix = NULL;
	sqlite3_stmt *st = NULL;
	const char *text;
	int64_t answered;
	int rc;

	/* Models in the order the suite lists them (the run's matrix). */
	rc = sqlite3_prepare_v2(repo->store.db, sql_matrix, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return morph_store_error(&repo->store, rc, "cannot read a run");
	sqlite3_bind_int64(st, 1, num);
	if (sqlite3_step(st) == SQLITE_ROW &&
	    (text = (const char *)sqlite3_column_text(st, 0)) != NULL)
		err = morph_json_parse(&matrix, text, strlen(text),
		    "run matrix");
	else
		err = morph_error_fmt(MORPH_ERR_NOT_FOUND,
		    "run #%lld not found", (long long)num);
	sqlite3_finalize(st);
	st = NULL;
	if (err != NULL)
		return err;
	models = cJSON_GetObjectItemCaseSensitive(matrix, "models");
	rc = sqlite3_prepare_v2(repo->store.db, sql_model, -1, &st, NULL);
	if (rc != SQLITE_OK) {
		cJSON_Delete(matrix);
		return morph_store_error(&repo->store, rc,
		    "cannot read results");
	}
	cJSON_ArrayForEach(m, models) {
		const char *id = morph_json_str(m, "id");

		if (id == NULL)
			continue;
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, num);
		sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
		if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
			err = morph_store_error(&repo->store, rc,
			    "cannot read results");
			break;
		}
		memset(&ms, 0, sizeof(ms));
		ms.model = id;
		ms.results = sqlite3_column_int64(st, 0);
		if (ms.results == 0)
			continue;
		ms.errors = sqlite3_column_int64(st, 1);
		ms.asserted = sqlite3_column_int64(st, 2);
		ms.passed = sqlite3_column_int64(st, 3);
		ms.tokens_in = sqlite3_column_int64(st, 4);
		ms.tokens_out = sqlite3_column_int64(st, 5);
		ms.cost_nusd = sqlite3_column_int64(st, 6);
		ms.unpriced = sqlite3_column_int64(st, 7);
		answered = sqlite3_column_int64(st, 8);
		ms.tokens_reported = sqlite3_column_int64(st, 9);
		ms.p50_ms = percentile(repo, num, id, answered, 0.50);
		ms.p95_ms = percentile(repo, num, id, answered, 0.95);
		if ((err = cb(&ms, arg)) != NULL)
			break;
	}
	sqlite3_finalize(st);
	cJSON_Delete(matrix);
	return err;
}

/* Runs fetched from a remote (lib/import.c) */

static const char sql_import[] = "INSERT INTO runs (commit_id, plan, matrix, "
    "started, ended, state, total, sealed, prices, tree) "
    "VALUES (?, ?, ?, ?, ?, 'done', ?, ?, ?, NULL)";

const struct morph_error *
morph_runs_import(int64_t *num, struct morph_repo *repo,
    const struct morph_oid *commit, const struct morph_oid *run,
    const char *matrix, int64_t started, int64_t ended, int64_t total,
    const struct morph_oid *prices)
{
	const struct morph_error *err;
	sqlite3_stmt *st = NULL;

	if ((err = morph_store_prepare(&repo->store, sql_import, &st)))
		return err;
	bind_oid(st, 1, commit);
	/*
	 * The plan's key is not part of a run object; a sealed run is never
	 * resumed, so its own id keeps the column unique to it.
	 */
	bind_oid(st, 2, run);
	sqlite3_bind_text(st, 3, matrix, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, started);
	sqlite3_bind_int64(st, 5, ended);
	sqlite3_bind_int64(st, 6, total);
	bind_oid(st, 7, run);
	bind_oid(st, 8, prices);
	if ((err = step_done(repo, st, "cannot record a fetched run")) != NULL)
		return err;
	*num = sqlite3_last_insert_rowid(repo->store.db);
	return NULL;
}

const struct morph_error *
morph_runs_have_sealed(int *found, struct morph_repo *repo,
    const struct morph_oid *run)
{
	static const char sql[] = "SELECT 1 FROM runs WHERE sealed = ?";
	const struct morph_error *err;
	sqlite3_stmt *st = NULL;
	int rc;

	*found = 0;
	if ((err = morph_store_prepare(&repo->store, sql, &st)))
		return err;
	bind_oid(st, 1, run);
	rc = sqlite3_step(st);
	*found = rc == SQLITE_ROW;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return morph_store_error(&repo->store, rc,
		    "cannot read the runs");
	return NULL;
}

const struct morph_error *
morph_cache_add(struct morph_repo *repo, const struct morph_oid *call,
    int sample, const struct morph_cache_entry *e)
{
	return cache_write(repo, sql_cache_add, call, sample, e, e->time_ms);
}

const struct morph_error *
morph_runs_foreach_sealed(struct morph_repo *repo, morph_runs_sealed_cb cb,
    void *arg)
{
	static const char sql[] = "SELECT sealed, commit_id FROM runs "
	    "WHERE sealed IS NOT NULL AND tree IS NULL ORDER BY num";
	const struct morph_error *err = NULL;
	struct morph_oid run, commit;
	sqlite3_stmt *st;
	int rc;

	/* Not cached: cb may read objects and runs meanwhile. */
	rc = sqlite3_prepare_v2(repo->store.db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return morph_store_error(&repo->store, rc,
		    "cannot read the runs");
	while (err == NULL && (rc = sqlite3_step(st)) == SQLITE_ROW)
		if (column_oid(st, 0, &run) && column_oid(st, 1, &commit))
			err = cb(&run, &commit, arg);
	if (err == NULL && rc != SQLITE_DONE && rc != SQLITE_ROW)
		err = morph_store_error(&repo->store, rc,
		    "cannot read the runs");
	sqlite3_finalize(st);
	return err;
}

/* Reading sealed runs */

const struct morph_error *
morph_runs_line(struct morph_buf *out, const struct morph_result *r)
{
	return result_line(out, r);
}

struct morph_sealed {
	struct morph_repo	*repo;
	struct morph_oid	 id;		/* the run object */
	cJSON			*run;
	const cJSON		*next;		/* the page to read after this */
	int			 page;		/* pages opened so far */
	struct morph_oid	 page_id;
	struct morph_object	*obj;		/* the page being read */
	size_t			 at;		/* its next line */
	size_t			 line;		/* lines read from it */
};

const struct morph_error *
morph_sealed_open(struct morph_sealed **out, struct morph_repo *repo,
    const struct morph_oid *id)
{
	const struct morph_error *err;
	struct morph_sealed *s;
	struct morph_object *o;
	const cJSON *pages, *p;

	*out = NULL;
	if ((err = morph_object_read(&o, repo, id, MORPH_OBJ_RUN)) != NULL)
		return err;
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		morph_object_free(o);
		return morph_error(MORPH_ERR_NOMEM);
	}
	s->repo = repo;
	s->id = *id;
	err = morph_json_parse(&s->run, morph_object_data(o),
	    morph_object_size(o), "run object");
	morph_object_free(o);
	if (err == NULL) {
		pages = cJSON_GetObjectItemCaseSensitive(s->run, "pages");
		if (!cJSON_IsArray(pages))
			err = morph_error_fmt(MORPH_ERR_CORRUPT, "run %s: "
			    "pages is not a list", morph_oid_tostr(id));
		cJSON_ArrayForEach(p, pages)
			if (err == NULL && !cJSON_IsString(p))
				err = morph_error_fmt(MORPH_ERR_CORRUPT,
				    "run %s: a page is not an id",
				    morph_oid_tostr(id));
		if (err == NULL)
			s->next = pages->child;
	}
	if (err != NULL) {
		morph_sealed_close(s);
		return err;
	}
	*out = s;
	return NULL;
}

const cJSON *
morph_sealed_run(const struct morph_sealed *s)
{
	return s->run;
}

/* Opens the next page; *done when there is none. */
static const struct morph_error *
next_page(struct morph_sealed *s, int *done)
{
	const struct morph_error *err;
	const char *hex;

	morph_object_free(s->obj);
	s->obj = NULL;
	s->at = s->line = 0;
	if ((*done = s->next == NULL))
		return NULL;
	hex = s->next->valuestring;
	s->next = s->next->next;
	s->page++;
	if (morph_oid_fromhex(&s->page_id, hex) != 0)
		return morph_error_fmt(MORPH_ERR_CORRUPT, "page %d: '%.40s' "
		    "is not an id", s->page, hex);
	if ((err = morph_object_read(&s->obj, s->repo, &s->page_id,
	    MORPH_OBJ_BLOB)) != NULL)
		return morph_error_fmt(err->code, "page %d: %s", s->page,
		    err->msg);
	if (morph_object_size(s->obj) == 0)
		return morph_error_fmt(MORPH_ERR_CORRUPT, "page %d (%s) is "
		    "empty", s->page, morph_oid_tostr(&s->page_id));
	return NULL;
}

const struct morph_error *
morph_sealed_next(const char **line, size_t *len, struct morph_sealed *s)
{
	const struct morph_error *err;
	const char *data, *nl;
	size_t size;
	int done;

	*line = NULL;
	*len = 0;
	while (s->obj == NULL || s->at == morph_object_size(s->obj)) {
		if ((err = next_page(s, &done)) != NULL) {
			/* Spent: the next call ends the reading. */
			s->next = NULL;
			morph_object_free(s->obj);
			s->obj = NULL;
			return err;
		}
		if (done)
			return NULL;
	}
	data = morph_object_data(s->obj) + s->at;
	size = morph_object_size(s->obj) - s->at;
	s->line++;
	if ((nl = memchr(data, '\n', size)) == NULL) {
		s->next = NULL;
		s->at = morph_object_size(s->obj);
		return morph_error_fmt(MORPH_ERR_CORRUPT, "page %d (%s) line "
		    "%zu: no newline at the end", s->page,
		    morph_oid_tostr(&s->page_id), s->line);
	}
	*line = data;
	*len = (size_t)(nl - data);
	s->at += *len + 1;
	return NULL;
}

void
morph_sealed_where(const struct morph_sealed *s, int *page,
    struct morph_oid *id, size_t *line)
{
	*page = s->page;
	*id = s->page_id;
	*line = s->line;
}

void
morph_sealed_close(struct morph_sealed *s)
{
	if (s == NULL)
		return;
	cJSON_Delete(s->run);
	morph_object_free(s->obj);
	free(s);
}
