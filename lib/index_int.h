/*
 * Index functions for other lib/ modules: those that take the stat fields
 * a work-tree scan already has, to save a second lstat per file.
 */
#ifndef MORPH_INDEX_INT_H
#define MORPH_INDEX_INT_H

#include "morph/index.h"
#include "scan_int.h"

/*
 * An index read from a record in the format of morph-repository(5), as
 * morph_index_open reads the stored one (for the fuzz target).  Errors:
 * CORRUPT saying where, NOMEM.
 */
const struct morph_error *morph_index_parse(struct morph_index **,
    const void *data, size_t len);

/* morph_index_check with the file's stat fields (NULL: no file). */
const struct morph_error *morph_index_check_stat(enum morph_wt_state *,
    struct morph_index *, struct morph_repo *, size_t i,
    const struct morph_statinfo *);

/*
 * lstat of every entry's file, into st[i] (exists[i] 0 when there is no
 * regular file), from several threads on a large index: on a tree of
 * thousands of files the kernel's lstat is most of the work, and it runs
 * in parallel.  The caller frees both arrays.  Errors: the first lstat
 * that failed other than with ENOENT or ENOTDIR.
 */
const struct morph_error *morph_index_preload(struct morph_index *,
    struct morph_repo *, struct morph_statinfo **st, unsigned char **exists);

/*
 * The same in two halves, so that the caller works while the threads
 * stat: begin starts them (the index must not change until end), end
 * waits for them and hands over the arrays.  end must be called once,
 * and frees what begin made.
 */
struct morph_preload;
const struct morph_error *morph_index_preload_begin(struct morph_preload **,
    struct morph_index *, struct morph_repo *);
const struct morph_error *morph_index_preload_end(struct morph_preload *,
    struct morph_statinfo **, unsigned char **);

/*
 * morph_index_set without looking at the work tree: the entry's stat
 * fields are unknown, so the next check hashes the file.  For staging
 * content the work-tree file does not hold (morph restore --staged).
 */
const struct morph_error *morph_index_set_unknown(struct morph_index *,
    const char *path, const struct morph_oid *id, unsigned int mode);

#endif
