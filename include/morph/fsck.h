/*
 * Checking a repository: the database's own integrity, every object
 * re-hashed and parsed, every reference from commits, trees, refs and the
 * index resolved to an object of the right type, every index entry's path
 * and mode, every run and result (each against its sealed run object),
 * the call cache, a checkout left unfinished, and the merge in progress
 * (the objects its record names; interrupted, it is a problem).
 */
#ifndef MORPH_FSCK_H
#define MORPH_FSCK_H

#include <stddef.h>

#include "morph/error.h"

struct morph_repo;

struct morph_fsck_stats {
	size_t	objects;
	size_t	blobs;
	size_t	trees;
	size_t	commits;
	size_t	others;		/* calls, runs and tags */
	size_t	refs;
	size_t	index_entries;
	size_t	problems;
	size_t	runs;
	size_t	results;
	size_t	cache_entries;
};

/* Called once per problem found, with a message naming the object. */
typedef void (*morph_fsck_cb)(const char *problem, void *arg);

/*
 * Checks everything and fills *stats.  Problems go to cb (which may be
 * NULL) and are counted; they are not errors.  Errors: only failures that
 * stop the check (the database cannot be read at all).
 */
const struct morph_error *morph_fsck(struct morph_fsck_stats *stats,
    struct morph_repo *, morph_fsck_cb cb, void *arg);

#endif
