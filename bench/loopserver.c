/*
 * bench/loopserver.c: the loopback HTTP/1.1 server under the benchmarks'
 * servers (bench/loopserver.h): listening, connections, cutting requests
 * out of their bytes, and the FIFO of answers falling due on a timerfd.
 *
 * Invariants:
 *   1. conns[fd] is the connection on fd, or NULL; a connection's gen is
 *      never reused, so an answer scheduled for a connection that has
 *      ended is not written to another that got its fd.
 *   2. fifo[fhead % fcap] .. fifo[(ftail - 1) % fcap] are the answers not
 *      yet written, in the order they were scheduled.
 *   3. The timerfd is armed for the first of them, or disarmed.
 */
#define _GNU_SOURCE
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "loopserver.h"

#define MAXCONN 4096
#define BUFSZ 65536

struct loopserver_conn {
	int fd;
	char buf[BUFSZ];
	size_t len;
	uint64_t gen; /* tells a reused fd apart */
};

/* An answer falling due: its connection, time and bytes. */
struct due {
	int fd;
	uint64_t gen;
	uint64_t at_ns;
	char *msg;
	size_t len;
	int owned; /* msg is freed once sent */
};

static struct loopserver_conn *conns[MAXCONN];
static struct due *fifo;
static size_t fhead, ftail, fcap;
static uint64_t gens;

uint64_t
loopserver_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void
loopserver_die(const char *what)
{
	perror(what);
	exit(1);
}

static void
drop(int fd)
{
	free(conns[fd]);
	conns[fd] = NULL;
	close(fd);
}

static int
send_fd(int fd, const char *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		/* A client gone with answers still due ends its
		 * connection, not the server (no SIGPIPE). */
		if ((n = send(fd, p, len, MSG_NOSIGNAL)) == -1) {
			if (errno == EINTR)
				continue;
			drop(fd);
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
loopserver_send(struct loopserver_conn *c, const char *msg, size_t len)
{
	return send_fd(c->fd, msg, len);
}

void
loopserver_later(const struct loopserver_conn *c, uint64_t at_ns, char *msg,
    size_t len, int owned)
{
	if (ftail - fhead == fcap) {
		size_t ncap = fcap ? fcap * 2 : 1024, i;
		struct due *nv = malloc(ncap * sizeof(*nv));

		if (nv == NULL)
			loopserver_die("malloc");
		for (i = 0; i < fcap; i++)
			nv[i] = fifo[(fhead + i) % fcap];
		free(fifo);
		fifo = nv;
		ftail = fcap;
		fhead = 0;
		fcap = ncap;
	}
	fifo[ftail++ % fcap] =
	    (struct due){c->fd, c->gen, at_ns, msg, len, owned};
}

static void
arm(int tfd)
{
	struct itimerspec its;

	memset(&its, 0, sizeof(its));
	if (fhead != ftail) {
		uint64_t at = fifo[fhead % fcap].at_ns;

		if (at == 0)
			at = 1; /* zero would disarm */
		its.it_value.tv_sec = (time_t)(at / 1000000000u);
		its.it_value.tv_nsec = (long)(at % 1000000000u);
	}
	if (timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, NULL) == -1)
		loopserver_die("timerfd_settime");
}

/* Writes every answer that is due by now. */
static void
answer_due(void)
{
	uint64_t t = loopserver_now_ns();
	struct due *d;

	while (fhead != ftail && (d = &fifo[fhead % fcap])->at_ns <= t) {
		fhead++;
		/* The connection may be gone, its fd reused. */
		if (conns[d->fd] != NULL && conns[d->fd]->gen == d->gen)
			(void)send_fd(d->fd, d->msg, d->len);
		if (d->owned)
			free(d->msg);
	}
}

/*
 * Hands every whole request on c's buffer to handle.  Returns 0, -1 on a
 * bad request (c is to be dropped), -2 when a write failed and c is gone.
 */
static int
parse(struct loopserver_conn *c, loopserver_handler *handle, uint64_t t)
{
	char *end, *p, *eol;
	size_t hl, clen;

	for (;;) {
		c->buf[c->len] = '\0';
		if ((end = strstr(c->buf, "\r\n\r\n")) == NULL)
			return c->len == BUFSZ - 1 ? -1 : 0;
		hl = (size_t)(end - c->buf) + 4;
		clen = 0;
		for (p = c->buf; p < end; p++) {
			if ((p == c->buf || p[-1] == '\n') &&
			    strncasecmp(p, "content-length:", 15) == 0)
				clen = strtoul(p + 15, NULL, 10);
		}
		if (hl + clen > BUFSZ - 1)
			return -1;
		if (c->len < hl + clen)
			return 0;
		eol = strstr(c->buf, "\r\n");
		*eol = '\0';
		if (handle(c, c->buf, t) == -1)
			return -2;
		memmove(c->buf, c->buf + hl + clen, c->len - hl - clen);
		c->len -= hl + clen;
	}
}

/* Takes every connection waiting on lfd into efd. */
static void
accept_all(int lfd, int efd)
{
	struct epoll_event ev;
	int c, one = 1;

	while ((c = accept4(lfd, NULL, NULL, SOCK_NONBLOCK)) != -1) {
		if (c >= MAXCONN ||
		    (conns[c] = calloc(1, sizeof(struct loopserver_conn))) ==
		        NULL) {
			close(c);
			continue;
		}
		conns[c]->fd = c;
		conns[c]->gen = ++gens;
		setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		ev.events = EPOLLIN;
		ev.data.fd = c;
		epoll_ctl(efd, EPOLL_CTL_ADD, c, &ev);
	}
}

/* Reads what fd has sent and hands its whole requests to handle. */
static void
receive(int fd, loopserver_handler *handle)
{
	struct loopserver_conn *c = conns[fd];
	ssize_t r;

	r = read(fd, c->buf + c->len, BUFSZ - 1 - c->len);
	if (r <= 0) {
		if (r == -1 && errno == EAGAIN)
			return;
		drop(fd);
		return;
	}
	c->len += (size_t)r;
	if (parse(c, handle, loopserver_now_ns()) == -1)
		drop(fd);
}

void
loopserver_serve(loopserver_handler *handle)
{
	struct epoll_event ev, evs[256];
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	int lfd, efd, tfd, n, i;

	if ((lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0)) == -1)
		loopserver_die("socket");
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) == -1 ||
	    listen(lfd, 1024) == -1 ||
	    getsockname(lfd, (struct sockaddr *)&sa, &sl) == -1)
		loopserver_die("listen");
	if ((efd = epoll_create1(0)) == -1 ||
	    (tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK)) == -1)
		loopserver_die("epoll");
	ev.events = EPOLLIN;
	ev.data.fd = lfd;
	epoll_ctl(efd, EPOLL_CTL_ADD, lfd, &ev);
	ev.data.fd = tfd;
	epoll_ctl(efd, EPOLL_CTL_ADD, tfd, &ev);
	printf("PORT=%d\n", ntohs(sa.sin_port));
	fflush(stdout);

	for (;;) {
		if ((n = epoll_wait(efd, evs, 256, -1)) == -1) {
			if (errno == EINTR)
				continue;
			loopserver_die("epoll_wait");
		}
		for (i = 0; i < n; i++) {
			int fd = evs[i].data.fd;

			if (fd == lfd)
				accept_all(lfd, efd);
			else if (fd == tfd) {
				uint64_t x;

				if (read(tfd, &x, sizeof(x)) < 0 &&
				    errno != EAGAIN)
					loopserver_die("read timerfd");
				answer_due();
			} else if (conns[fd] != NULL)
				receive(fd, handle);
		}
		/* Due already (a delay of 0): answer now, not a turn later. */
		answer_due();
		arm(tfd);
	}
}
