/*
 * bench/latency_server.c: a loopback OpenAI-compatible server for
 * bench/run.sh.  It answers every POST .../chat/completions exactly DELAY
 * milliseconds after the request has arrived, with a short reply and a
 * usage block, over keep-alive HTTP/1.1.
 *
 *	latency_server DELAY_MS		prints PORT=<n> once it listens
 *
 * One thread, epoll and a timerfd: a reply is due to the microsecond, so
 * that what the benchmark measures beyond the ideal is the client's.  The
 * delay is the same for every request, so replies fall due in the order
 * requests arrived and a FIFO holds them.  Errors end the connection.
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

#define MAXCONN	4096
#define BUFSZ	65536

struct conn {
	int	 fd;
	char	 buf[BUFSZ];
	size_t	 len;
	uint64_t gen;			/* tells a reused fd apart */
};

struct due {
	int		 fd;
	uint64_t	 gen;
	uint64_t	 at_ns;
};

static struct conn	*conns[MAXCONN];
static struct due	*fifo;
static size_t		 fhead, ftail, fcap;
static uint64_t		 delay_ns;
static uint64_t		 gens;

static const char body[] =
    "{\"id\":\"bench\",\"object\":\"chat.completion\",\"model\":\"m\","
    "\"choices\":[{\"index\":0,\"finish_reason\":\"stop\",\"message\":"
    "{\"role\":\"assistant\",\"content\":\"ok\"}}],\"usage\":"
    "{\"prompt_tokens\":10,\"completion_tokens\":1,\"total_tokens\":11}}";

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void
die(const char *what)
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

static void
push(int fd, uint64_t gen, uint64_t at)
{
	if (ftail - fhead == fcap) {
		size_t ncap = fcap ? fcap * 2 : 1024, i;
		struct due *nv = malloc(ncap * sizeof(*nv));

		if (nv == NULL)
			die("malloc");
		for (i = 0; i < fcap; i++)
			nv[i] = fifo[(fhead + i) % fcap];
		free(fifo);
		fifo = nv;
		ftail = fcap;
		fhead = 0;
		fcap = ncap;
	}
	fifo[ftail++ % fcap] = (struct due){ fd, gen, at };
}

static void
arm(int tfd)
{
	struct itimerspec its;

	memset(&its, 0, sizeof(its));
	if (fhead != ftail) {
		uint64_t at = fifo[fhead % fcap].at_ns;

		if (at == 0)
			at = 1;		/* zero would disarm */
		its.it_value.tv_sec = (time_t)(at / 1000000000u);
		its.it_value.tv_nsec = (long)(at % 1000000000u);
	}
	if (timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, NULL) == -1)
		die("timerfd_settime");
}

static void
reply(int fd)
{
	char head[160];
	size_t hl, off = 0, total;
	char out[sizeof(head) + sizeof(body)];
	ssize_t n;

	hl = (size_t)snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\n"
	    "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
	    sizeof(body) - 1);
	memcpy(out, head, hl);
	memcpy(out + hl, body, sizeof(body) - 1);
	total = hl + sizeof(body) - 1;
	while (off < total) {
		if ((n = write(fd, out + off, total - off)) == -1) {
			if (errno == EINTR)
				continue;
			drop(fd);
			return;
		}
		off += (size_t)n;
	}
}

/* Takes every whole request off c's buffer; returns -1 on a bad one. */
static int
parse(struct conn *c, uint64_t t)
{
	char *end, *p;
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
		memmove(c->buf, c->buf + hl + clen, c->len - hl - clen);
		c->len -= hl + clen;
		push(c->fd, c->gen, t + delay_ns);
	}
}

/* Writes every reply that is due by now. */
static void
answer_due(void)
{
	uint64_t t = now_ns();
	struct due *d;

	while (fhead != ftail && (d = &fifo[fhead % fcap])->at_ns <= t) {
		fhead++;
		/* The connection may be gone, its fd reused. */
		if (conns[d->fd] != NULL && conns[d->fd]->gen == d->gen)
			reply(d->fd);
	}
}

int
main(int argc, char **argv)
{
	struct epoll_event ev, evs[256];
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	int lfd, efd, tfd, one = 1, n, i;

	if (argc != 2) {
		fprintf(stderr, "usage: latency_server DELAY_MS\n");
		return 2;
	}
	delay_ns = (uint64_t)(atof(argv[1]) * 1e6);
	if ((lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0)) == -1)
		die("socket");
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) == -1 ||
	    listen(lfd, 1024) == -1 ||
	    getsockname(lfd, (struct sockaddr *)&sa, &sl) == -1)
		die("listen");
	if ((efd = epoll_create1(0)) == -1 ||
	    (tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK)) == -1)
		die("epoll");
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
			die("epoll_wait");
		}
		for (i = 0; i < n; i++) {
			int fd = evs[i].data.fd;

			if (fd == lfd) {
				int c;

				while ((c = accept4(lfd, NULL, NULL,
				    SOCK_NONBLOCK)) != -1) {
					if (c >= MAXCONN ||
					    (conns[c] = calloc(1,
					    sizeof(struct conn))) == NULL) {
						close(c);
						continue;
					}
					conns[c]->fd = c;
					conns[c]->gen = ++gens;
					setsockopt(c, IPPROTO_TCP, TCP_NODELAY,
					    &one, sizeof(one));
					ev.events = EPOLLIN;
					ev.data.fd = c;
					epoll_ctl(efd, EPOLL_CTL_ADD, c, &ev);
				}
			} else if (fd == tfd) {
				uint64_t x;

				if (read(tfd, &x, sizeof(x)) < 0 &&
				    errno != EAGAIN)
					die("read timerfd");
				answer_due();
			} else if (conns[fd] != NULL) {
				struct conn *c = conns[fd];
				ssize_t r = read(fd, c->buf + c->len,
				    BUFSZ - 1 - c->len);

				if (r <= 0) {
					if (r == -1 && errno == EAGAIN)
						continue;
					drop(fd);
					continue;
				}
				c->len += (size_t)r;
				if (parse(c, now_ns()) == -1)
					drop(fd);
			}
		}
		/* Due already (a delay of 0): answer now, not a turn later. */
		answer_due();
		arm(tfd);
	}
}
