/*
 * Authentication to git remotes: SSH keys and git's credential helpers
 * (see credential_int.h).
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "credential_int.h"

extern char **environ;

/* The answer of "git credential" is small; more is not a credential. */
#define CRED_MAX_OUTPUT	(64 * 1024)

static const char *const ssh_keys[] = { "id_ed25519", "id_ecdsa", "id_rsa" };

const struct morph_error *
morph_cred_redact(struct morph_buf *out, const char *url)
{
	const char *scheme = strstr(url, "://"), *at, *colon, *slash;

	morph_buf_clear(out);
	if (scheme == NULL) {
		morph_buf_puts(out, url);
		return morph_buf_status(out);
	}
	scheme += 3;
	slash = strchr(scheme, '/');
	at = memchr(scheme, '@', slash ? (size_t)(slash - scheme) :
	    strlen(scheme));
	colon = at ? memchr(scheme, ':', (size_t)(at - scheme)) : NULL;
	if (colon == NULL) {
		morph_buf_puts(out, url);
		return morph_buf_status(out);
	}
	morph_buf_put(out, url, (size_t)(colon - url));
	morph_buf_puts(out, at);
	return morph_buf_status(out);
}

const struct morph_error *
morph_cred_init(struct morph_cred *c, const char *remote, const char *url)
{
	struct morph_buf b = MORPH_BUF_INIT;
	const struct morph_error *err;

	memset(c, 0, sizeof(*c));
	c->remote = remote;
	if ((err = morph_cred_redact(&b, url)) != NULL) {
		morph_buf_release(&b);
		return err;
	}
	if ((c->url = morph_buf_detach(&b, NULL)) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	return NULL;
}

/* Clears a buffer that held a password, then frees it. */
static void
wipe(struct morph_buf *b)
{
	if (b->ptr != NULL)
		memset(b->ptr, 0, b->cap);
	morph_buf_release(b);
}

void
morph_cred_release(struct morph_cred *c)
{
	if (c == NULL)
		return;
	wipe(&c->filled);
	morph_buf_release(&c->tried);
	free(c->url);
	c->url = NULL;
}

static void
tried(struct morph_cred *c, const char *what)
{
	if (c->tried.len > 0)
		morph_buf_puts(&c->tried, ", ");
	morph_buf_puts(&c->tried, what);
}

static int
stop(struct morph_cred *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Gives up, saying why in c->why (and to libgit2); returns its code. */
static int
stop(struct morph_cred *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->why, sizeof(c->why), fmt, ap);
	va_end(ap);
	git_error_set_str(GIT_ERROR_NET, c->why);
	return GIT_EAUTH;
}

/* Whether a terminal is there to prompt on. */
static int
on_terminal(void)
{
	return isatty(STDIN_FILENO) && isatty(STDERR_FILENO);
}

static int
cloexec_pipe(int fd[2])
{
	if (pipe(fd) == -1)
		return -1;
	fcntl(fd[0], F_SETFD, FD_CLOEXEC);
	fcntl(fd[1], F_SETFD, FD_CLOEXEC);
	return 0;
}

/*
 * Runs "git credential op" with input on its standard input; out gets
 * its standard output, errout the first line of its standard error.
 * git runs in our process group, so that it may prompt on the terminal.
 */
static const struct morph_error *
run_git(const char *op, const struct morph_buf *input, struct morph_buf *out,
    char *errout, size_t errsize, int *status)
{
	char *argv[] = { "git", "credential", (char *)op, NULL };
	const struct morph_error *err = NULL;
	posix_spawn_file_actions_t fa;
	struct sigaction ign, old;
	struct pollfd pfd[2];
	char **env = NULL, buf[4096];
	int in[2] = { -1, -1 }, po[2] = { -1, -1 }, pe[2] = { -1, -1 };
	size_t n = 0, i, errlen = 0;
	pid_t pid;
	ssize_t r;
	int rc, open_fds;

	*status = -1;
	errout[0] = '\0';
	while (environ[n] != NULL)
		n++;
	if ((env = calloc(n + 2, sizeof(*env))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	for (i = 0, n = 0; environ[i] != NULL; i++)
		if (on_terminal() || strncmp(environ[i], "GIT_TERMINAL_PROMPT=",
		    20) != 0)
			env[n++] = environ[i];
	if (!on_terminal())
		env[n++] = "GIT_TERMINAL_PROMPT=0";
	if (cloexec_pipe(in) == -1 || cloexec_pipe(po) == -1 ||
	    cloexec_pipe(pe) == -1) {
		err = morph_error_errno("cannot run git credential");
		goto done;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], STDIN_FILENO);
	posix_spawn_file_actions_adddup2(&fa, po[1], STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&fa, pe[1], STDERR_FILENO);
	rc = posix_spawnp(&pid, "git", &fa, NULL, argv, env);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		errno = rc;
		err = morph_error_errno("cannot run git credential %s", op);
		goto done;
	}
	close(in[0]);
	close(po[1]);
	close(pe[1]);
	in[0] = po[1] = pe[1] = -1;
	/* git may exit without reading: no SIGPIPE for that. */
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &ign, &old);
	if (input->len > 0 && write(in[1], input->ptr, input->len) < 0 &&
	    errno != EPIPE)
		err = morph_error_errno("cannot write to git credential");
	sigaction(SIGPIPE, &old, NULL);
	close(in[1]);
	in[1] = -1;
	pfd[0].fd = po[0];
	pfd[1].fd = pe[0];
	pfd[0].events = pfd[1].events = POLLIN;
	open_fds = 2;
	while (open_fds > 0) {
		if (poll(pfd, 2, -1) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (i = 0; i < 2; i++) {
			if (pfd[i].fd < 0 || pfd[i].revents == 0)
				continue;
			r = read(pfd[i].fd, buf, sizeof(buf));
			if (r <= 0) {
				pfd[i].fd = -1;
				open_fds--;
			} else if (i == 0 && out->len + (size_t)r <=
			    CRED_MAX_OUTPUT)
				morph_buf_put(out, buf, (size_t)r);
			else if (i == 1 && errlen + 1 < errsize) {
				size_t k = (size_t)r < errsize - errlen - 1 ?
				    (size_t)r : errsize - errlen - 1;

				memcpy(errout + errlen, buf, k);
				errlen += k;
				errout[errlen] = '\0';
			}
		}
	}
	errout[strcspn(errout, "\n")] = '\0';
	memset(buf, 0, sizeof(buf));
	while (waitpid(pid, &rc, 0) == -1 && errno == EINTR)
		;
	*status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
	if (err == NULL)
		err = morph_buf_status(out);
done:
	for (i = 0; i < 2; i++) {
		if (in[i] >= 0)
			close(in[i]);
		if (po[i] >= 0)
			close(po[i]);
		if (pe[i] >= 0)
			close(pe[i]);
	}
	free(env);
	return err;
}

/* Value of "key=" in git credential's answer; NULL when absent. */
static char *
field(struct morph_buf *b, const char *key, size_t *len)
{
	size_t klen = strlen(key), i = 0, e;

	while (i < b->len) {
		e = i;
		while (e < b->len && b->ptr[e] != '\n')
			e++;
		if (e - i > klen && memcmp(b->ptr + i, key, klen) == 0 &&
		    b->ptr[i + klen] == '=') {
			*len = e - i - klen - 1;
			return b->ptr + i + klen + 1;
		}
		i = e + 1;
	}
	return NULL;
}

/*
 * What git credential reads about the URL: protocol, host (with its
 * port) and path; and the user name the URL gives, if any.
 */
static const struct morph_error *
describe(struct morph_buf *out, const char *url, const char *user)
{
	const char *p = strstr(url, "://"), *host, *slash, *at;

	if (p == NULL)
		return morph_error_fmt(MORPH_ERR_INVALID, "'%s' is not a URL",
		    url);
	morph_buf_printf(out, "protocol=%.*s\n", (int)(p - url), url);
	host = p + 3;
	slash = strchr(host, '/');
	at = memchr(host, '@', slash ? (size_t)(slash - host) : strlen(host));
	if (at != NULL)
		host = at + 1;
	morph_buf_printf(out, "host=%.*s\n", slash ? (int)(slash - host) :
	    (int)strlen(host), host);
	if (slash != NULL && slash[1] != '\0')
		morph_buf_printf(out, "path=%s\n", slash + 1);
	if (user != NULL && user[0] != '\0')
		morph_buf_printf(out, "username=%s\n", user);
	return morph_buf_status(out);
}

static int
userpass(git_credential **out, struct morph_cred *c, const char *url,
    const char *user)
{
	struct morph_buf in = MORPH_BUF_INIT, ans = MORPH_BUF_INIT;
	char errline[256], *u, *pw, *us = NULL, *ps = NULL;
	size_t ulen = 0, plen = 0;
	int status, rc;

	/* Asked again: the server refused what the helpers gave. */
	if (c->filled.len > 0)
		morph_cred_done(c, 0);
	if (c->fills >= MORPH_CRED_MAX_FILLS)
		return stop(c, "authentication to '%s' (%s) failed: the "
		    "server refused the credentials git's helpers gave (%d "
		    "times)", c->remote, c->url, c->fills);
	c->fills++;
	if (describe(&in, url, user) != NULL) {
		morph_buf_release(&in);
		return stop(c, "cannot authenticate to '%s' (%s)", c->remote,
		    c->url);
	}
	morph_buf_putc(&in, '\n');
	if (run_git("fill", &in, &ans, errline, sizeof(errline),
	    &status) != NULL || status != 0 ||
	    (u = field(&ans, "username", &ulen)) == NULL ||
	    (pw = field(&ans, "password", &plen)) == NULL) {
		morph_buf_release(&in);
		wipe(&ans);
		if (errline[0] != '\0') {
			return stop(c, "no credentials for '%s' (%s): git "
			    "credential fill says '%s'", c->remote, c->url,
			    errline);
		}
		return stop(c, "no credentials for '%s' (%s): git credential "
		    "fill gave none (set up a credential helper: git config "
		    "--global credential.helper store)", c->remote, c->url);
	}
	if ((us = strndup(u, ulen)) == NULL || (ps = strndup(pw, plen)) ==
	    NULL) {
		free(us);
		morph_buf_release(&in);
		wipe(&ans);
		return -1;
	}
	/* What approve or reject will say: the request with the answer. */
	morph_buf_clear(&c->filled);
	morph_buf_put(&c->filled, ans.ptr, ans.len);
	if (c->filled.len > 0 && c->filled.ptr[c->filled.len - 1] != '\n')
		morph_buf_putc(&c->filled, '\n');
	morph_buf_putc(&c->filled, '\n');
	rc = git_credential_userpass_plaintext_new(out, us, ps);
	memset(ps, 0, plen);
	free(ps);
	free(us);
	morph_buf_release(&in);
	wipe(&ans);
	if (c->fills == 1)
		tried(c, "git's credential helpers");
	return rc;
}

static const char *
login_name(const char *from_url)
{
	struct passwd *pw;
	const char *s;

	if (from_url != NULL && from_url[0] != '\0')
		return from_url;
	if ((s = getenv("USER")) != NULL && s[0] != '\0')
		return s;
	pw = getpwuid(getuid());
	return pw != NULL ? pw->pw_name : "git";
}

static int
ssh_key(git_credential **out, struct morph_cred *c, const char *user)
{
	const char *home = getenv("HOME");
	char priv[4096], pub[4200], what[4200];
	size_t k;

	/* Step 0 is the agent, then each default key that exists. */
	if (c->ssh_step == 0) {
		c->ssh_step++;
		if (getenv("SSH_AUTH_SOCK") != NULL) {
			tried(c, "the SSH agent");
			return git_credential_ssh_key_from_agent(out, user);
		}
	}
	while (home != NULL && (k = (size_t)c->ssh_step - 1) <
	    sizeof(ssh_keys) / sizeof(ssh_keys[0])) {
		c->ssh_step++;
		snprintf(priv, sizeof(priv), "%s/.ssh/%s", home, ssh_keys[k]);
		if (access(priv, R_OK) != 0)
			continue;
		snprintf(pub, sizeof(pub), "%s.pub", priv);
		snprintf(what, sizeof(what), "~/.ssh/%s", ssh_keys[k]);
		tried(c, what);
		return git_credential_ssh_key_new(out, user,
		    access(pub, R_OK) == 0 ? pub : NULL, priv, NULL);
	}
	if (c->tried.len == 0)
		return stop(c, "cannot authenticate to '%s' (%s) over SSH: "
		    "no SSH agent ($SSH_AUTH_SOCK) and no key in ~/.ssh "
		    "(id_ed25519, id_ecdsa, id_rsa)", c->remote, c->url);
	return stop(c, "authentication to '%s' (%s) failed: the server "
	    "took none of the SSH keys tried: %s", c->remote, c->url,
	    morph_buf_cstr(&c->tried));
}

int
morph_cred_acquire(git_credential **out, const char *url,
    const char *username_from_url, unsigned int allowed, void *payload)
{
	struct morph_cred *c = payload;

	*out = NULL;
	if (allowed & GIT_CREDENTIAL_SSH_KEY)
		return ssh_key(out, c, login_name(username_from_url));
	if (allowed & GIT_CREDENTIAL_USERNAME)
		return git_credential_username_new(out,
		    login_name(username_from_url));
	if (allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT)
		return userpass(out, c, url, username_from_url);
	return stop(c, "cannot authenticate to '%s' (%s): the server asks "
	    "for a kind of credential morph does not offer", c->remote,
	    c->url);
}

int
morph_cred_certificate(git_cert *cert, int valid, const char *host,
    void *payload)
{
	struct morph_cred *c = payload;

	if (valid)
		return 0;
	if (cert->cert_type == GIT_CERT_HOSTKEY_LIBSSH2)
		snprintf(c->why, sizeof(c->why), "cannot reach '%s' (%s): the "
		    "host key of %s is not in ~/.ssh/known_hosts, or differs "
		    "from the one there: connect once with ssh to check and "
		    "record it", c->remote, c->url, host);
	else
		snprintf(c->why, sizeof(c->why), "cannot reach '%s' (%s): the "
		    "certificate of %s cannot be verified", c->remote, c->url,
		    host);
	git_error_set_str(GIT_ERROR_NET, c->why);
	return GIT_ECERTIFICATE;
}

void
morph_cred_done(struct morph_cred *c, int worked)
{
	struct morph_buf out = MORPH_BUF_INIT;
	char errline[256];
	int status;

	if (c->filled.len == 0)
		return;
	/* What the helpers say back is of no use; failures are ignored. */
	(void)run_git(worked ? "approve" : "reject", &c->filled, &out,
	    errline, sizeof(errline), &status);
	morph_buf_release(&out);
	wipe(&c->filled);
}

const struct morph_error *
morph_cred_error(struct morph_cred *c, int rc, const char *what)
{
	const git_error *e;

	if (c->why[0] != '\0')
		return morph_error_fmt(MORPH_ERR_GIT, "%s", c->why);
	e = git_error_last();
	if (e == NULL || e->message == NULL)
		return morph_error_fmt(MORPH_ERR_GIT, "%s '%s' (%s): libgit2 "
		    "error %d", what, c->remote, c->url, rc);
	return morph_error_fmt(MORPH_ERR_GIT, "%s '%s' (%s): %s", what,
	    c->remote, c->url, e->message);
}
