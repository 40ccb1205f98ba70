/*
 * Ctrl-C and SIGTERM while a command sends calls (morph run, morph bisect
 * run): what was answered is kept, and nothing is paid for twice.
 */
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "morph/run.h"

static volatile sig_atomic_t drain_requested, stop_requested, sending;
static struct sigaction old_pipe;

/*
 * Before anything is sent, Ctrl-C or SIGTERM ends morph at once with
 * status 2: there is nothing to record.  Then the first Ctrl-C lets the
 * calls in flight end and be recorded (they are paid for already) and
 * starts nothing new; a second Ctrl-C, or SIGTERM, abandons them.  Once
 * sending, a signal only sets a flag, to the end: morph exits with status
 * 2 and its last words said, however many Ctrl-C follow.
 */
static void
on_signal(int sig)
{
	static const char early[] = "\nmorph: interrupted before anything "
	    "was sent\n";
	static const char msg[] = "\nmorph: stopping once the calls in "
	    "flight have ended; Ctrl-C again to abandon them\n";

	if (!sending) {
		(void)!write(STDERR_FILENO, early, sizeof(early) - 1);
		_exit(2);
	}
	if (sig == SIGINT && !drain_requested) {
		drain_requested = 1;
		(void)!write(STDERR_FILENO, msg, sizeof(msg) - 1);
	} else
		stop_requested = 1;
}

void
morph_cmd_signals_begin(void)
{
	struct sigaction sa;

	/* A write a signal interrupts goes on (SA_RESTART). */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

void
morph_cmd_signals_sending(struct morph_run_opts *opts)
{
	struct sigaction sa;

	sending = 1;
	/* A server closing a socket must not kill the run (libcurl). */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGPIPE, &sa, &old_pipe);
	opts->stop = &stop_requested;
	opts->drain = &drain_requested;
}

void
morph_cmd_signals_end(void)
{
	sigaction(SIGPIPE, &old_pipe, NULL);
}
