/*
 * Running a shell command for the exec assertion: /bin/sh -c COMMAND in a
 * process group of its own, with bytes on its standard input, extra
 * environment variables, its standard output and error captured up to a
 * cap, and a timeout that kills the whole group.
 */
#ifndef MORPH_SPAWN_INT_H
#define MORPH_SPAWN_INT_H

#include <signal.h>
#include <stddef.h>

#include "morph/buf.h"
#include "morph/error.h"

struct morph_spawn_opts {
	const char	*command;	/* given to /bin/sh -c */
	const char	*dir;		/* working directory; NULL: ours */
	const char *const *env;		/* "NAME=value" entries that replace
					   or add to our environment; NULL
					   or NULL-terminated */
	const char	*input;		/* written to its standard input */
	size_t		 input_len;
	int		 timeout_ms;	/* > 0 */
	size_t		 out_max;	/* bytes of stdout kept */
	size_t		 err_max;	/* bytes of stderr kept */
	volatile sig_atomic_t *stop;	/* set (from a signal) to give up;
					   may be NULL */
};

struct morph_spawn_result {
	struct morph_buf out;		/* standard output, at most out_max */
	struct morph_buf err;		/* standard error, at most err_max */
	int		 out_cut;	/* output went past out_max */
	int		 err_cut;	/* error went past err_max */
	int		 status;	/* exit status, or -1 when signalled */
	int		 signal;	/* the signal that ended it, or 0 */
	int		 timed_out;	/* killed at timeout_ms */
};

void	morph_spawn_result_init(struct morph_spawn_result *);
void	morph_spawn_result_release(struct morph_spawn_result *);

/*
 * Runs the command to its end and fills *res (initialised by the caller).
 * The command gets SIGPIPE and every other signal at their defaults; the
 * input is written while the outputs are read, so neither side blocks;
 * input the command does not read is dropped.  When the command exits,
 * what it left running in its process group is killed; at the timeout,
 * the whole group is killed and res->timed_out set.  Errors: ERRNO when
 * it cannot be started (pipes, posix_spawn), NOMEM, INTERRUPTED when
 * *stop was set (the group is killed).  A command that exits non-zero or
 * dies of a signal is not an error: res says so.
 */
const struct morph_error *morph_spawn_run(struct morph_spawn_result *res,
    const struct morph_spawn_opts *opts);

#endif
