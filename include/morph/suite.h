/*
 * Suites: morph.json, prompt files and case files, which morph run
 * replays (morph-suite(5)).  Loading and rendering are internal to
 * libmorph; this header offers the starter suite that morph init
 * --example writes.
 */
#ifndef MORPH_SUITE_H
#define MORPH_SUITE_H

#include "morph/error.h"

/* One file of the starter suite. */
struct morph_example_file {
	const char	*path;		/* repository path */
	const char	*text;		/* its contents */
};

/*
 * The files of the starter suite, ending with { NULL, NULL }: morph.json,
 * a .txt and a .json prompt, and two case files.  Its one model is the
 * offline echo provider.  Static storage.
 */
const struct morph_example_file *morph_suite_example(void);

/*
 * Checks that none of the starter suite's files exists under workdir.
 * Errors: EXISTS naming the first that does.
 */
const struct morph_error *morph_suite_example_check(const char *workdir);

/*
 * Writes the starter suite into workdir (a work tree's root), making
 * prompts/ and cases/ as needed; nothing is staged.  Errors: EXISTS
 * naming a file that is already there, before anything is written;
 * CONFLICT for a directory that is a symbolic link; ERRNO.
 */
const struct morph_error *morph_suite_example_write(const char *workdir);

/*
 * The model settings that differ between the suites of two commits, for
 * morph diff: for each model id (the new suite's order, then models only
 * in the old one), a row for its spec when it changed or the model came or
 * went (setting "model"), and a row per setting whose value differs, with
 * values as compact JSON (NULL: not set), defaults included; then the
 * judge.  A commit without morph.json has no models.  Errors: the loading
 * error of a suite that is broken.
 */
struct morph_oid;
struct morph_repo;
typedef const struct morph_error *(*morph_settings_cb)(const char *model,
    const char *setting, const char *old_value, const char *new_value,
    void *arg);
const struct morph_error *morph_suite_settings_diff(struct morph_repo *,
    const struct morph_oid *old_commit, const struct morph_oid *new_commit,
    morph_settings_cb cb, void *arg);

#endif
