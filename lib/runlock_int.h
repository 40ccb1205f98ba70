/*
 * Run locks: which plans live morph runs are executing.
 *
 * A run holds a write lock on one byte of .morph/run.lock, at an offset
 * taken from its plan key, from before it looks for a run of that plan to
 * resume until it ends.  The locks are open file description locks
 * (fcntl F_OFD_SETLK): the kernel releases them when the process ends,
 * however it ends, and closing another descriptor of the file does not.
 *
 * Invariants:
 *  1. At most one process executes a plan at a time: a second run of the
 *     same commit and models waits for the first, then finds its answers
 *     in the cache, so nothing is sent twice.
 *  2. A run whose state says "running" while no process holds its plan's
 *     lock was killed (SIGKILL, a crash, a power failure): readers show
 *     it as "interrupted" (morph_runlock_held).
 */
#ifndef MORPH_RUNLOCK_INT_H
#define MORPH_RUNLOCK_INT_H

#include <signal.h>

#include "morph/error.h"
#include "morph/hash.h"

struct morph_repo;
struct morph_runlock;

/*
 * Takes the lock of plan, waiting while another process holds it; the
 * first wait is announced through the repository's notice hook, naming
 * what (e.g. "run #3"), and *waited says whether there was one: what the
 * other run recorded meanwhile must be read again.  Setting *stop or
 * *drain (either may be NULL) ends the wait with INTERRUPTED.  Release
 * with morph_runlock_release.  Errors: INTERRUPTED, ERRNO (the lock file
 * cannot be opened or locked).
 */
const struct morph_error *morph_runlock_acquire(struct morph_runlock **out,
    int *waited, struct morph_repo *, const struct morph_oid *plan,
    const char *what, volatile sig_atomic_t *stop,
    volatile sig_atomic_t *drain);
/* Releases the lock.  NULL is ok. */
void	morph_runlock_release(struct morph_runlock *);

/*
 * 1 when a process holds the lock of plan, 0 when none does, -1 when it
 * cannot be told (no lock file counts as none).
 */
int	morph_runlock_held(struct morph_repo *, const struct morph_oid *plan);

#endif
