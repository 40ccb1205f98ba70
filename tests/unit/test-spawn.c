/*
 * Running shell commands: input and outputs, caps, exit status and
 * signals, the environment and directory, timeouts that kill the whole
 * process group, what a command leaves behind, and being stopped.
 */
#include <signal.h>
#include <unistd.h>

#include "test.h"
#include "spawn_int.h"

static void
opts(struct morph_spawn_opts *o, const char *command)
{
	memset(o, 0, sizeof(*o));
	o->command = command;
	/* Generous: a loaded machine under a sanitizer is slow to fork. */
	o->timeout_ms = 60000;
	o->out_max = 1 << 20;
	o->err_max = 100;
}

static void
test_input_output(void)
{
	struct morph_spawn_opts o;
	struct morph_spawn_result r;
	static char big[3 << 20];
	size_t i;

	/* More than any pipe holds, both ways: neither side may block. */
	for (i = 0; i < sizeof(big); i++)
		big[i] = (char)('a' + i % 26);
	opts(&o, "cat; echo oops >&2; exit 3");
	o.input = big;
	o.input_len = sizeof(big);
	morph_spawn_result_init(&r);
	T_OK(morph_spawn_run(&r, &o));
	T_INTEQ(r.status, 3);
	T_INTEQ(r.signal, 0);
	T_INTEQ(r.timed_out, 0);
	T_INTEQ(r.out.len, 1 << 20);
	T_INTEQ(r.out_cut, 1);
	T_ASSERT(memcmp(r.out.ptr, big, 1 << 20) == 0);
	T_STREQ(morph_buf_cstr(&r.err), "oops\n");
	T_INTEQ(r.err_cut, 0);
	morph_spawn_result_release(&r);

	/* Input it never reads is dropped, without SIGPIPE. */
	opts(&o, "exit 0");
	o.input = big;
	o.input_len = sizeof(big);
	morph_spawn_result_init(&r);
	T_OK(morph_spawn_run(&r, &o));
	T_INTEQ(r.status, 0);
	T_INTEQ(r.out.len, 0);
	morph_spawn_result_release(&r);

	/* No input: its standard input is at its end at once. */
	opts(&o, "wc -c");
	morph_spawn_result_init(&r);
	T_OK(morph_spawn_run(&r, &o));
	T_INTEQ(r.status, 0);
	T_INTEQ(atoi(morph_buf_cstr(&r.out)), 0);
	morph_spawn_result_release(&r);

	/* stderr's cap. */
	opts(&o, "i=0; while [ $i -lt 50 ]; do echo 0123456789 >&2; "
	    "i=$((i+1)); done; exit 1");
	morph_spawn_result_init(&r);
	T_OK(morph_spawn_run(&r, &o));
	T_INTEQ(r.status, 1);
	T_INTEQ(r.err.len, 100);
	T_INTEQ(r.err_cut, 1);
	morph_spawn_result_release(&r);
}

static void
test_status_signal_env(void)
{
	static const char *const env[] = { "MORPH_X=caf\xc3\xa9",
	    "HOME=/nonexistent-home", NULL };
	struct morph_spawn_opts o;
	struct morph_spawn_result r;
	const char *dir = test_tmpdir();
	char want[4200];

	opts(&o, "kill -TERM $$");
	morph_spawn_result_init(&r);
	T_OK(morph_spawn_run(&r, &o));
	T_INTEQ(r.status, -1);
	T_INTEQ(r.signal, SIGTERM);
	morph_spawn_result_release(&r);

	/* SIGPIPE is at its default even when ours is ignored. */
	signal(SIGPIPE, SIG_IGN);
	opts(&o, "yes | head -n 2");
	morph_spawn_result_init(&r);
	T_OK(morph_spawn_run(&r, &o));
	T_INTEQ(r.status, 0);
	T_STREQ(morph_buf_cstr(&r.out), "y\ny\n");
	morph_spawn_result_release(&r);
	signal(SIGPIPE, SIG_DFL);

	opts(&o, "printf '%s|%s|' \"$MORPH_X\" \"$HOME\"; pwd");
	o.env = env;
	o.dir = dir;
	morph_spawn_result_init(&r);
	T_OK(morph_spawn_run(&r, &o));
	snprintf(want, sizeof(want), "caf\xc3\xa9|/nonexistent-home|%s\n",
	    dir);
	T_STREQ(morph_buf_cstr(&r.out), want);
	morph_spawn_result_release(&r);

	opts(&o, "true");
	o.dir = "/nonexistent/dir";
	morph_spawn_result_init(&r);
	T_OK(morph_spawn_run(&r, &o));
	T_INTEQ(r.status, 126);
	T_CONTAINS(morph_buf_cstr(&r.err), "cannot change to the exec "
	    "directory");
	morph_spawn_result_release(&r);

	opts(&o, "no-such-command-here");
	morph_spawn_result_init(&r);
	T_OK(morph_spawn_run(&r, &o));
	T_INTEQ(r.status, 127);
	morph_spawn_result_release(&r);
}

static void
test_timeout(void)
{
	struct morph_spawn_opts o;
	struct morph_spawn_result r;
	int ms;

	/*
	 * The whole group goes, the background sleep holding stdout too: a
	 * run that waited for it would last 10 minutes.  No clock is read:
	 * only the timeout can end these commands before then.
	 */
	opts(&o, "sleep 600 & sleep 600");
	o.timeout_ms = 200;
	morph_spawn_result_init(&r);
	T_OK(morph_spawn_run(&r, &o));
	T_INTEQ(r.timed_out, 1);
	T_INTEQ(r.status, -1);
	morph_spawn_result_release(&r);

	/*
	 * What it printed before the timeout is kept.  Printing must come
	 * before the timeout, which a loaded machine may delay: the timeout
	 * doubles until it does (over a minute in all).
	 */
	for (ms = 200; ms <= 51200; ms *= 2) {
		opts(&o, "echo started; sleep 600 & sleep 600");
		o.timeout_ms = ms;
		morph_spawn_result_init(&r);
		T_OK(morph_spawn_run(&r, &o));
		T_INTEQ(r.timed_out, 1);
		T_INTEQ(r.status, -1);
		if (r.out.len > 0 || ms == 51200)
			break;
		morph_spawn_result_release(&r);
	}
	T_STREQ(morph_buf_cstr(&r.out), "started\n");
	morph_spawn_result_release(&r);

	/* A command that closes its outputs still times out. */
	opts(&o, "exec >/dev/null 2>&1; sleep 600");
	o.timeout_ms = 200;
	morph_spawn_result_init(&r);
	T_OK(morph_spawn_run(&r, &o));
	T_INTEQ(r.timed_out, 1);
	morph_spawn_result_release(&r);

	/*
	 * What it leaves behind when it exits is killed, not waited for:
	 * waiting would end in the timeout, a minute later.
	 */
	opts(&o, "sleep 600 & echo done");
	morph_spawn_result_init(&r);
	T_OK(morph_spawn_run(&r, &o));
	T_INTEQ(r.timed_out, 0);
	T_INTEQ(r.status, 0);
	T_STREQ(morph_buf_cstr(&r.out), "done\n");
	morph_spawn_result_release(&r);
}

static volatile sig_atomic_t stop_flag;

static void
on_alarm(int sig)
{
	(void)sig;
	stop_flag = 1;
}

/* The command itself asks for the stop: no timer, no race with it. */
static void
test_stop(void)
{
	struct morph_spawn_opts o;
	struct morph_spawn_result r;

	opts(&o, "kill -ALRM $PPID; sleep 600");
	o.stop = &stop_flag;
	stop_flag = 0;
	signal(SIGALRM, on_alarm);
	morph_spawn_result_init(&r);
	T_ERR(morph_spawn_run(&r, &o), MORPH_ERR_INTERRUPTED);
	T_INTEQ(r.timed_out, 0);
	morph_spawn_result_release(&r);
	signal(SIGALRM, SIG_DFL);
}

static const struct test tests[] = {
	TEST(test_input_output),
	TEST(test_status_signal_env),
	TEST(test_timeout),
	TEST(test_stop),
};

TEST_MAIN(tests)
