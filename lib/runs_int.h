/*
 * The records of runs in the database (schema 2, store.c): the runs
 * table, results written one at a time, the call cache, and sealing a
 * finished run into a run object.  run.c decides what to record;
 * this file only stores and reads.
 *
 * Invariants:
 *  1. A result row is written once; a run resumed later adds only the
 *     rows it lacks.
 *  2. Only an answer (status ok) enters the cache; errors are tried again.
 *  3. A run is sealed once, when it has all its planned results; sealing
 *     writes its pages and object and sets runs.sealed in one transaction.
 */
#ifndef MORPH_RUNS_INT_H
#define MORPH_RUNS_INT_H

#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>

#include "morph/buf.h"
#include "morph/run.h"

struct morph_repo;

/* What the cache remembers of an answer. */
struct morph_cache_entry {
	struct morph_oid	output;
	char			finish[32];
	char			served_model[128];
	int64_t			tokens_in, tokens_out;
	int64_t			tokens_cached, tokens_reasoning;
	int64_t			tokens_cache_write;
	int64_t			latency_ms;
	int64_t			time_ms;	/* when it arrived */
};

/* A new run of plan; tree is NULL, or the work tree run on top of commit. */
const struct morph_error *morph_runs_create(int64_t *num, struct morph_repo *,
    const struct morph_oid *commit, const struct morph_oid *tree,
    const struct morph_oid *plan, const char *matrix,
    const struct morph_oid *prices, int64_t total);

/* The newest unsealed run of plan, if any (*found 0 otherwise). */
const struct morph_error *morph_runs_unsealed(int64_t *num, int *found,
    struct morph_repo *, const struct morph_oid *plan);

const struct morph_error *morph_runs_set_state(struct morph_repo *,
    int64_t num, const char *state);

/* Calls cb with the key of every result run num already has. */
typedef const struct morph_error *(*morph_runs_key_cb)(const char *prompt,
    const char *case_id, const char *model, int sample, void *arg);
const struct morph_error *morph_runs_keys(struct morph_repo *, int64_t num,
    morph_runs_key_cb cb, void *arg);

/* Records one result (r->attempts and r->verdicts are JSON text). */
const struct morph_error *morph_runs_put(struct morph_repo *, int64_t num,
    const struct morph_result *r);

const struct morph_error *morph_cache_get(struct morph_cache_entry *out,
    int *found, struct morph_repo *, const struct morph_oid *call,
    int sample);
const struct morph_error *morph_cache_put(struct morph_repo *,
    const struct morph_oid *call, int sample,
    const struct morph_cache_entry *);

/*
 * Seals run num: its results as canonical JSON Lines in pages of at most
 * MORPH_RUN_PAGE results, then the run object naming them.
 */
#define MORPH_RUN_PAGE	2000
const struct morph_error *morph_runs_seal(struct morph_oid *out,
    struct morph_repo *, int64_t num);

/*
 * The line of result r in a sealed page, as sealing writes it (canonical
 * JSON and a newline), appended to out.  Errors: INVALID when r's attempts
 * or verdicts are not JSON.
 */
const struct morph_error *morph_runs_line(struct morph_buf *out,
    const struct morph_result *r);

/*
 * Reading a sealed run back: its run object, then the lines of its pages
 * in order, one page in memory at a time, so that a run of any size is
 * read in little memory.  Errors of open: NOT_FOUND (no such run object),
 * INVALID or CORRUPT (it does not parse, or its pages are not a list of
 * ids).  Errors of next: NOT_FOUND (a page is missing or not a blob),
 * CORRUPT (a page is empty or its last line lacks its newline); the
 * reader is then spent.
 */
struct morph_sealed;
const struct morph_error *morph_sealed_open(struct morph_sealed **out,
    struct morph_repo *, const struct morph_oid *run);
/* The run object, parsed; borrowed from the reader. */
const cJSON *morph_sealed_run(const struct morph_sealed *);
/*
 * The next line, without its newline: *line (borrowed until the next
 * call) and *len; *line NULL at the end.
 */
const struct morph_error *morph_sealed_next(const char **line, size_t *len,
    struct morph_sealed *);
/* Where the last line came from: page (from 1), its id, line (from 1). */
void	morph_sealed_where(const struct morph_sealed *, int *page,
	    struct morph_oid *id, size_t *line);
void	morph_sealed_close(struct morph_sealed *);

/* The milliseconds since the epoch, now. */
int64_t	morph_now_ms(void);

/*
 * A sealed run fetched from a remote (lib/import.c), recorded as done
 * with run's id as its seal; its results are added with morph_runs_put.
 */
const struct morph_error *morph_runs_import(int64_t *num, struct morph_repo *,
    const struct morph_oid *commit, const struct morph_oid *run,
    const char *matrix, int64_t started, int64_t ended, int64_t total,
    const struct morph_oid *prices);

/* Whether a run of this repository is sealed as run. */
const struct morph_error *morph_runs_have_sealed(int *found,
    struct morph_repo *, const struct morph_oid *run);

/*
 * Adds an answer to the cache unless the call and sample have one: a
 * fetched answer never replaces what this repository paid for.
 */
const struct morph_error *morph_cache_add(struct morph_repo *,
    const struct morph_oid *call, int sample,
    const struct morph_cache_entry *);

/*
 * Calls cb with the id and commit of every sealed run of a commit (not
 * of a work tree), oldest first: the runs that push shares.
 */
typedef const struct morph_error *(*morph_runs_sealed_cb)(
    const struct morph_oid *run, const struct morph_oid *commit, void *arg);
const struct morph_error *morph_runs_foreach_sealed(struct morph_repo *,
    morph_runs_sealed_cb cb, void *arg);

#endif
