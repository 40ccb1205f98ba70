/*
 * Running shell commands: input and outputs, caps, exit status and
 * signals, the environment and directory, timeouts that kill the whole
 * process group, what a command leaves behind, and being stopped.
 */
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "test.h"
#include "spawn_int.h"

static long long
ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
opts(struct morph_spawn_opts *o, const char *command)
{
	memset(o, 0, sizeof(*o));
	o->command = command;
	o->timeout_ms = 10000;
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
	long long t0;

	/* The whole group goes, the background sleep holding stdout too. */
	opts(&o, "sleep 5 & echo started; sleep 5");
	o.timeout_ms = 200;
	t0 = ms();
	morph_spawn_result_init(&r);
	T_OK(morph_spawn_run(&r, &o));
	T_ASSERT(ms() - t0 < 2000);
	T_INTEQ(r.timed_out, 1);
	T_INTEQ(r.status, -1);
	T_STREQ(morph_buf_cstr(&r.out), "started\n");
	morph_spawn_result_release(&r);

	/* A command that closes its outputs still times out. */
	opts(&o, "exec >/dev/null 2>&1; sleep 5");
	o.timeout_ms = 200;
	t0 = ms();
	morph_spawn_result_init(&r);
	T_OK(morph_spawn_run(&r, &o));
	T_ASSERT(ms() - t0 < 2000);
	T_INTEQ(r.timed_out, 1);
	morph_spawn_result_release(&r);

	/* What it leaves behind when it exits is killed, not waited for. */
	opts(&o, "sleep 5 & echo done");
	t0 = ms();
	morph_spawn_result_init(&r);
	T_OK(morph_spawn_run(&r, &o));
	T_ASSERT(ms() - t0 < 2000);
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

static void
test_stop(void)
{
	struct morph_spawn_opts o;
	struct morph_spawn_result r;
	long long t0;

	opts(&o, "sleep 5");
	o.stop = &stop_flag;
	stop_flag = 0;
	signal(SIGALRM, on_alarm);
	alarm(1);
	t0 = ms();
	morph_spawn_result_init(&r);
	T_ERR(morph_spawn_run(&r, &o), MORPH_ERR_INTERRUPTED);
	T_ASSERT(ms() - t0 < 3000);
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
