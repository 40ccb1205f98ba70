/*
 * Run locks on .morph/run.lock (see runlock_int.h).
 */
#define _GNU_SOURCE		/* F_OFD_SETLK, F_OFD_GETLK */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "morph/buf.h"
#include "morph/repo.h"
#include "runlock_int.h"

#ifndef F_OFD_SETLK
/*
 * Without open file description locks, process locks: released when the
 * process closes any descriptor of the file, which only this file opens.
 */
#define F_OFD_SETLK	F_SETLK
#define F_OFD_GETLK	F_GETLK
#define OFD_PID		getpid()
#else
#define OFD_PID		0
#endif

/* How long a waiting run sleeps between tries (it wakes on a signal). */
#define WAIT_MS		100

struct morph_runlock {
	int	fd;
};

/* The byte of plan: its first 62 bits, so that the offset is positive. */
static void
plan_lock(struct flock *fl, const struct morph_oid *plan, short type)
{
	uint64_t off = 0;
	size_t i;

	for (i = 0; i < 8; i++)
		off = off << 8 | plan->id[i];
	memset(fl, 0, sizeof(*fl));
	fl->l_type = type;
	fl->l_whence = SEEK_SET;
	fl->l_start = (off_t)(off >> 2);
	fl->l_len = 1;
	fl->l_pid = OFD_PID;
}

static const struct morph_error *
open_file(int *fd, struct morph_repo *repo, int flags)
{
	struct morph_buf path = MORPH_BUF_INIT;
	const struct morph_error *err;

	morph_buf_printf(&path, "%s/run.lock", morph_repo_morphdir(repo));
	if ((err = morph_buf_status(&path)) != NULL)
		return err;
	*fd = open(path.ptr, flags | O_CLOEXEC, 0644);
	err = *fd == -1 ? morph_error_errno("cannot open '%s'", path.ptr) :
	    NULL;
	morph_buf_release(&path);
	return err;
}

const struct morph_error *
morph_runlock_acquire(struct morph_runlock **out, int *waited,
    struct morph_repo *repo, const struct morph_oid *plan, const char *what,
    volatile sig_atomic_t *stop, volatile sig_atomic_t *drain)
{
	const struct morph_error *err;
	struct morph_runlock *l;
	struct timespec ts;
	struct flock fl;
	char msg[256];
	int said = 0;

	*out = NULL;
	*waited = 0;
	if ((l = calloc(1, sizeof(*l))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	if ((err = open_file(&l->fd, repo, O_RDWR | O_CREAT)) != NULL) {
		free(l);
		return err;
	}
	for (;;) {
		plan_lock(&fl, plan, F_WRLCK);
		if (fcntl(l->fd, F_OFD_SETLK, &fl) == 0)
			break;
		if (errno != EAGAIN && errno != EACCES && errno != EINTR) {
			err = morph_error_errno("cannot lock the run of %s",
			    what);
			goto fail;
		}
		if ((stop != NULL && *stop) || (drain != NULL && *drain)) {
			err = morph_error_fmt(MORPH_ERR_INTERRUPTED,
			    "interrupted while waiting for %s, which another "
			    "morph run is executing", what);
			goto fail;
		}
		if (!said) {
			snprintf(msg, sizeof(msg), "waiting for %s, which "
			    "another morph run is executing, to end (its "
			    "answers will be taken from the cache; Ctrl-C to "
			    "stop waiting)", what);
			morph_repo_notice(repo, msg);
			said = *waited = 1;
		}
		ts.tv_sec = 0;
		ts.tv_nsec = WAIT_MS * 1000000L;
		nanosleep(&ts, NULL);		/* a signal ends it early */
	}
	*out = l;
	return NULL;
fail:
	close(l->fd);
	free(l);
	return err;
}

void
morph_runlock_release(struct morph_runlock *l)
{
	if (l == NULL)
		return;
	close(l->fd);			/* releases the lock */
	free(l);
}

int
morph_runlock_held(struct morph_repo *repo, const struct morph_oid *plan)
{
	struct morph_buf path = MORPH_BUF_INIT;
	struct flock fl;
	int fd, e;

	morph_buf_printf(&path, "%s/run.lock", morph_repo_morphdir(repo));
	if (morph_buf_status(&path) != NULL)
		return -1;
	fd = open(path.ptr, O_RDONLY | O_CLOEXEC);
	e = errno;
	morph_buf_release(&path);
	if (fd == -1)
		return e == ENOENT ? 0 : -1;
	plan_lock(&fl, plan, F_WRLCK);
	if (fcntl(fd, F_OFD_GETLK, &fl) == -1) {
		close(fd);
		return -1;
	}
	close(fd);
	return fl.l_type != F_UNLCK;
}
