/*
 * Runs a shell command with input, environment, captured output and a
 * timeout (spawn_int.h).
 *
 * fork() then, in the child, only async-signal-safe calls (setpgid,
 * sigaction, chdir, dup2, execve), since the parent may have threads.
 * The child's standard input is one end of a socket pair rather than a
 * pipe, so that writing input the command never reads fails with EPIPE
 * through MSG_NOSIGNAL instead of raising SIGPIPE in a library that must
 * not touch its host's signal handling.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "spawn_int.h"

extern char **environ;

void
morph_spawn_result_init(struct morph_spawn_result *r)
{
	memset(r, 0, sizeof(*r));
	morph_buf_init(&r->out);
	morph_buf_init(&r->err);
	r->status = -1;
}

void
morph_spawn_result_release(struct morph_spawn_result *r)
{
	if (r == NULL)
		return;
	morph_buf_release(&r->out);
	morph_buf_release(&r->err);
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Whether env entry e sets the variable that "NAME=..." o sets. */
static int
same_name(const char *e, const char *o)
{
	const char *eq = strchr(o, '=');
	size_t n = eq != NULL ? (size_t)(eq - o) : strlen(o);

	return strncmp(e, o, n) == 0 && e[n] == '=';
}

/* Our environment with opts' entries replacing or added; borrowed items. */
static char **
make_env(const char *const *extra)
{
	size_t n = 0, k = 0, i, j;
	char **env;
	int replaced;

	for (i = 0; environ != NULL && environ[i] != NULL; i++)
		n++;
	for (j = 0; extra != NULL && extra[j] != NULL; j++)
		n++;
	if ((env = calloc(n + 1, sizeof(*env))) == NULL)
		return NULL;
	for (i = 0; environ != NULL && environ[i] != NULL; i++) {
		replaced = 0;
		for (j = 0; extra != NULL && extra[j] != NULL; j++)
			if (same_name(environ[i], extra[j]))
				replaced = 1;
		if (!replaced)
			env[k++] = environ[i];
	}
	for (j = 0; extra != NULL && extra[j] != NULL; j++)
		env[k++] = (char *)extra[j];
	env[k] = NULL;
	return env;
}

/* Makes fd the child's descriptor target, kept open across exec. */
static int
move_fd(int fd, int target)
{
	if (fd == target)
		return fcntl(fd, F_SETFD, 0);
	return dup2(fd, target);
}

/* The child, between fork and exec: async-signal-safe calls only. */
static void
child(const struct morph_spawn_opts *o, char **env, int in, int out, int err)
{
	static const char msg[] = "morph: cannot change to the exec "
	    "directory\n";
	char *argv[4];
	struct sigaction sa;
	sigset_t none;
	int sig;

	setpgid(0, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (sig = 1; sig < 65; sig++)
		(void)sigaction(sig, &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (move_fd(in, 0) == -1 || move_fd(out, 1) == -1 ||
	    move_fd(err, 2) == -1)
		_exit(127);
	if (o->dir != NULL && chdir(o->dir) == -1) {
		(void)!write(2, msg, sizeof(msg) - 1);
		_exit(126);
	}
	argv[0] = (char *)"sh";
	argv[1] = (char *)"-c";
	argv[2] = (char *)o->command;
	argv[3] = NULL;
	execve("/bin/sh", argv, env);
	_exit(127);
}

/* Reads what fd has into b, keeping at most max bytes. */
static int
drain(int fd, struct morph_buf *b, size_t max, int *cut)
{
	char chunk[8192];
	ssize_t n;

	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 1;	/* open, nothing more for now */
		if (n <= 0)
			return 0;	/* end of file (or error): closed */
		if (b->len < max)
			morph_buf_put(b, chunk, (size_t)n < max - b->len ?
			    (size_t)n : max - b->len);
		if (b->len + (size_t)n > max)
			*cut = 1;
	}
}

/* Whether child pid has exited; it stays a zombie, its group alive. */
static int
has_exited(pid_t pid)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == -1)
		return errno == ECHILD;
	return si.si_pid == pid;
}

static void
close_fd(int *fd)
{
	if (*fd != -1)
		close(*fd);
	*fd = -1;
}

const struct morph_error *
morph_spawn_run(struct morph_spawn_result *res,
    const struct morph_spawn_opts *o)
{
	const struct morph_error *err = NULL;
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, er[2] = { -1, -1 };
	struct pollfd pfd[3];
	long long deadline;
	size_t written = 0;
	char **env;
	pid_t pid;
	int status = 0, n, timeout, interrupted = 0, reaped = 0, exited = 0;

	if ((env = make_env(o->env)) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, in) == -1 ||
	    pipe(out) == -1 || pipe(er) == -1) {
		err = morph_error_errno("cannot make pipes for the exec "
		    "command");
		goto done;
	}
	for (n = 0; n < 2; n++) {
		(void)fcntl(in[n], F_SETFD, FD_CLOEXEC);
		(void)fcntl(out[n], F_SETFD, FD_CLOEXEC);
		(void)fcntl(er[n], F_SETFD, FD_CLOEXEC);
	}
	if ((pid = fork()) == -1) {
		err = morph_error_errno("cannot start /bin/sh");
		goto done;
	}
	if (pid == 0)
		child(o, env, in[1], out[1], er[1]);
	/* Both sides set the group, so a kill of it never misses. */
	(void)setpgid(pid, pid);
	close_fd(&in[1]);
	close_fd(&out[1]);
	close_fd(&er[1]);
	(void)fcntl(in[0], F_SETFL, O_NONBLOCK);
	(void)fcntl(out[0], F_SETFL, O_NONBLOCK);
	(void)fcntl(er[0], F_SETFL, O_NONBLOCK);
	if (o->input_len == 0)
		(void)shutdown(in[0], SHUT_WR);

	deadline = now_ms() + o->timeout_ms;
	while (out[0] != -1 || er[0] != -1) {
		if (o->stop != NULL && *o->stop) {
			interrupted = 1;
			break;
		}
		timeout = (int)(deadline - now_ms());
		if (timeout <= 0) {
			res->timed_out = 1;
			break;
		}
		/* Look at *stop and at the command's exit now and then. */
		if (timeout > 50)
			timeout = 50;
		pfd[0].fd = out[0];
		pfd[0].events = POLLIN;
		pfd[1].fd = er[0];
		pfd[1].events = POLLIN;
		pfd[2].fd = written < o->input_len ? in[0] : -1;
		pfd[2].events = POLLOUT;
		n = poll(pfd, 3, timeout);
		if (n == -1 && errno != EINTR) {
			err = morph_error_errno("poll");
			break;
		}
		if (n > 0 && pfd[2].revents != 0) {
			ssize_t w = send(in[0], o->input + written,
			    o->input_len - written, MSG_NOSIGNAL |
			    MSG_DONTWAIT);

			if (w > 0)
				written += (size_t)w;
			else if (w == -1 && errno != EAGAIN &&
			    errno != EWOULDBLOCK && errno != EINTR)
				written = o->input_len;	/* it stopped reading */
			if (written == o->input_len)
				(void)shutdown(in[0], SHUT_WR);
		}
		if (n > 0 && pfd[0].revents != 0 && !drain(out[0], &res->out,
		    o->out_max, &res->out_cut))
			close_fd(&out[0]);
		if (n > 0 && pfd[1].revents != 0 && !drain(er[0], &res->err,
		    o->err_max, &res->err_cut))
			close_fd(&er[0]);
		/*
		 * Once it has exited, what it left behind is killed, which
		 * closes the outputs they held; what is in the pipes is
		 * still read.
		 */
		if (!exited && has_exited(pid)) {
			exited = 1;
			(void)kill(-pid, SIGKILL);
		}
	}
	/* Its outputs are closed: wait for it to exit, as long as allowed. */
	while (err == NULL && !res->timed_out && !interrupted && !exited) {
		if (has_exited(pid))
			break;
		if (o->stop != NULL && *o->stop)
			interrupted = 1;
		else if (now_ms() >= deadline)
			res->timed_out = 1;
		else
			(void)poll(NULL, 0, 10);
	}
	/*
	 * The group's leader is not reaped yet, so its id cannot have been
	 * reused: killing the group kills what the command left behind, or
	 * the command itself at the timeout.
	 */
	(void)kill(-pid, SIGKILL);
	while (!reaped) {
		if (waitpid(pid, &status, 0) == pid)
			reaped = 1;
		else if (errno != EINTR)
			break;
	}
	if (reaped && !res->timed_out && !interrupted) {
		if (WIFEXITED(status))
			res->status = WEXITSTATUS(status);
		else if (WIFSIGNALED(status))
			res->signal = WTERMSIG(status);
	}
	if (err == NULL && interrupted)
		err = morph_error(MORPH_ERR_INTERRUPTED);
	if (err == NULL && (morph_buf_status(&res->out) != NULL ||
	    morph_buf_status(&res->err) != NULL))
		err = morph_error(MORPH_ERR_NOMEM);
done:
	close_fd(&in[0]);
	close_fd(&in[1]);
	close_fd(&out[0]);
	close_fd(&out[1]);
	close_fd(&er[0]);
	close_fd(&er[1]);
	free(env);
	return err;
}
