/*
 * A preload library for tests/cli/t-run.sh: a Ctrl-C that lands while
 * morph takes in answers that have just arrived.  Once the file named by
 * MORPH_TEST_RAISE_FILE exists, the first poll() that returns ready
 * descriptors raises SIGINT before it returns, so that the handler runs
 * after the poll and before morph has looked at what came back: a moment
 * no signal sent from outside can be timed to hit.  It fires once.
 *
 *	LD_PRELOAD=.../libmorph-raisepoll.so MORPH_TEST_RAISE_FILE=F morph run
 *
 * Under AddressSanitizer its poll() interceptor calls this one, as the
 * next poll() after the program's own.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int	poll(struct pollfd *, nfds_t, int);

int
poll(struct pollfd *fds, nfds_t nfds, int timeout)
{
	static int (*real)(struct pollfd *, nfds_t, int);
	static volatile sig_atomic_t fired;
	const char *file;
	void *sym;
	int n;

	if (real == NULL) {
		/* A function pointer from dlsym's object pointer, portably. */
		sym = dlsym(RTLD_NEXT, "poll");
		memcpy(&real, &sym, sizeof(real));
	}
	n = real(fds, nfds, timeout);
	if (n > 0 && !fired &&
	    (file = getenv("MORPH_TEST_RAISE_FILE")) != NULL &&
	    access(file, F_OK) == 0) {
		fired = 1;
		raise(SIGINT);
	}
	return n;
}
