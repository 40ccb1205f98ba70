/*
 * Plans for other lib/ modules: the merge gate (lib/gate.c) runs a suite
 * that no tree holds as it is, the merged one with the cases and models
 * of both parents.
 */
#ifndef MORPH_PLAN_INT_H
#define MORPH_PLAN_INT_H

#include "morph/run.h"

struct morph_suite;

/*
 * morph_plan_new of tree on top of commit (recorded as morph run
 * --worktree records its runs), with suite as its suite: taken over, and
 * freed with the plan, or at once on an error.
 */
const struct morph_error *morph_plan_new_suite(struct morph_plan **out,
    struct morph_repo *, const struct morph_oid *commit,
    const struct morph_oid *tree, struct morph_suite *suite,
    const struct morph_run_opts *);

#endif
