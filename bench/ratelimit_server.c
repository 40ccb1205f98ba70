/*
 * bench/ratelimit_server.c: a loopback server for bench/ratelimit.sh that
 * enforces a rate limit as providers do.  It speaks OpenAI's chat
 * completions (POST .../chat/completions) and Anthropic's messages (POST
 * .../messages), keeps token buckets for requests and for tokens, and
 * answers a request the buckets allow DELAY milliseconds after it
 * arrived; one they do not allow it refuses at once with 429, as a
 * gateway does.  Every answer states the limits in its dialect's headers:
 * OpenAI x-ratelimit-{limit,remaining,reset}-{requests,tokens} (a
 * minute's limit, Go durations) with retry-after-ms and retry-after on a
 * refusal; Anthropic anthropic-ratelimit-{requests,input-tokens,
 * output-tokens}-{limit,remaining,reset} (RFC 3339) with retry-after in
 * whole seconds.
 *
 *	ratelimit_server DELAY_MS RPS BURST TPS TOKEN_BURST IN OUT
 *
 * RPS requests a second, BURST at once (0: no request limit); TPS tokens
 * a second, TOKEN_BURST at once (0: none): for OpenAI one bucket of input
 * and output tokens, for Anthropic one of input and one of output tokens,
 * each at TPS.  Every request takes IN input and OUT output tokens, which
 * its answer reports as usage.  GET /stats answers {"answered": N,
 * "refused": N}.  Prints PORT=<n> once it listens.
 *
 * One thread, epoll and a timerfd, as bench/latency_server.c: the delay is
 * the same for every answer, so answers fall due in the order requests
 * arrived and a FIFO holds them.  Errors end the connection.
 */
#define _GNU_SOURCE
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define MAXCONN	4096
#define BUFSZ	65536

enum { OPENAI, ANTHROPIC };

struct conn {
	int	 fd;
	char	 buf[BUFSZ];
	size_t	 len;
	uint64_t gen;			/* tells a reused fd apart */
};

/* An answer falling due: its connection, time and bytes. */
struct due {
	int		 fd;
	uint64_t	 gen;
	uint64_t	 at_ns;
	char		*msg;
	size_t		 len;
};

struct bucket {
	double	 rate;			/* a second; 0: no limit */
	double	 burst;
	double	 level;
	uint64_t t_ns;
};

static struct conn	*conns[MAXCONN];
static struct due	*fifo;
static size_t		 fhead, ftail, fcap;
static uint64_t		 delay_ns;
static uint64_t		 gens;
static struct bucket	 requests, tokens, in_tokens, out_tokens;
static long		 tok_in, tok_out;
static long		 answered, refused;

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
push(struct due d)
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
	fifo[ftail++ % fcap] = d;
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

/* Writes all of p; -1 when it could not, the connection dropped. */
static int
send_all(int fd, const char *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, p, len)) == -1) {
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

static void
refill(struct bucket *b, uint64_t t)
{
	if (b->rate <= 0)
		return;
	b->level += (double)(t - b->t_ns) / 1e9 * b->rate;
	if (b->level > b->burst)
		b->level = b->burst;
	b->t_ns = t;
}

/* Seconds until b holds need (a need over the burst: a full bucket). */
static double
wait_for(const struct bucket *b, double need)
{
	if (b->rate <= 0)
		return 0;
	if (need > b->burst)
		need = b->burst;
	return b->level >= need ? 0 : (need - b->level) / b->rate;
}

static void
take(struct bucket *b, double n)
{
	if (b->rate > 0)
		b->level -= n > b->burst ? b->burst : n;
}

/* A duration as OpenAI writes its resets: 12ms, 1.5s. */
static void
go_duration(char *out, size_t size, double sec)
{
	if (sec < 1)
		snprintf(out, size, "%dms", (int)ceil(sec * 1000));
	else
		snprintf(out, size, "%.3gs", sec);
}

/* The wall-clock time sec from now, as Anthropic writes its resets. */
static void
rfc3339_in(char *out, size_t size, double sec)
{
	struct timespec ts;
	struct tm tm;
	double t;
	time_t s;

	clock_gettime(CLOCK_REALTIME, &ts);
	t = (double)ts.tv_sec + ts.tv_nsec / 1e9 + sec;
	s = (time_t)t;
	gmtime_r(&s, &tm);
	snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (int)((t - (double)s) * 1000));
}

/* Appends the limit headers of bucket b, named name, to h. */
static size_t
state(char *h, size_t off, size_t size, int dialect, const char *name,
    const struct bucket *b)
{
	char reset[64];
	double to_full;

	if (b->rate <= 0)
		return off;
	to_full = (b->burst - b->level) / b->rate;
	if (dialect == OPENAI) {
		go_duration(reset, sizeof(reset), to_full);
		off += (size_t)snprintf(h + off, size - off,
		    "x-ratelimit-limit-%s: %.0f\r\n"
		    "x-ratelimit-remaining-%s: %.0f\r\n"
		    "x-ratelimit-reset-%s: %s\r\n", name, b->rate * 60, name,
		    floor(b->level > 0 ? b->level : 0), name, reset);
	} else {
		rfc3339_in(reset, sizeof(reset), to_full);
		off += (size_t)snprintf(h + off, size - off,
		    "anthropic-ratelimit-%s-limit: %.0f\r\n"
		    "anthropic-ratelimit-%s-remaining: %.0f\r\n"
		    "anthropic-ratelimit-%s-reset: %s\r\n", name, b->rate * 60,
		    name, floor(b->level > 0 ? b->level : 0), name, reset);
	}
	return off;
}

/* The whole answer, status line to body, in a new buffer. */
static char *
answer(size_t *len, int status, const char *extra, const char *body)
{
	char *out;
	int n;

	n = asprintf(&out, "HTTP/1.1 %d %s\r\nContent-Type: application/json"
	    "\r\nContent-Length: %zu\r\n%s\r\n%s", status, status == 200 ?
	    "OK" : status == 429 ? "Too Many Requests" : "Not Found",
	    strlen(body), extra, body);
	if (n < 0)
		die("asprintf");
	*len = (size_t)n;
	return out;
}

/*
 * Takes a request of dialect that arrived at t: answers or refuses it.
 * Returns -1 when a write failed and c is gone.
 */
static int
handle(struct conn *c, int dialect, uint64_t t)
{
	char h[2048], body[512], *msg;
	double w = 0, v, in = (double)tok_in, out = (double)tok_out;
	size_t off = 0, len;
	int r;

	refill(&requests, t);
	refill(&tokens, t);
	refill(&in_tokens, t);
	refill(&out_tokens, t);
	if ((v = wait_for(&requests, 1)) > w)
		w = v;
	if (dialect == OPENAI && (v = wait_for(&tokens, in + out)) > w)
		w = v;
	if (dialect == ANTHROPIC && (v = wait_for(&in_tokens, in)) > w)
		w = v;
	if (dialect == ANTHROPIC && (v = wait_for(&out_tokens, out)) > w)
		w = v;
	if (w == 0) {
		take(&requests, 1);
		if (dialect == OPENAI)
			take(&tokens, in + out);
		else {
			take(&in_tokens, in);
			take(&out_tokens, out);
		}
	}
	off = state(h, off, sizeof(h), dialect, "requests", &requests);
	if (dialect == OPENAI)
		off = state(h, off, sizeof(h), dialect, "tokens", &tokens);
	else {
		off = state(h, off, sizeof(h), dialect, "input-tokens",
		    &in_tokens);
		off = state(h, off, sizeof(h), dialect, "output-tokens",
		    &out_tokens);
	}
	if (w > 0) {
		refused++;
		if (dialect == OPENAI) {
			snprintf(h + off, sizeof(h) - off, "retry-after-ms: %d"
			    "\r\nretry-after: %d\r\n", (int)ceil(w * 1000),
			    (int)ceil(w));
			snprintf(body, sizeof(body), "{\"error\":{\"message\":"
			    "\"Rate limit reached\",\"type\":\"requests\","
			    "\"param\":null,"
			    "\"code\":\"rate_limit_exceeded\"}}");
		} else {
			snprintf(h + off, sizeof(h) - off,
			    "retry-after: %d\r\n", (int)ceil(w));
			snprintf(body, sizeof(body), "{\"type\":\"error\","
			    "\"error\":{\"type\":\"rate_limit_error\","
			    "\"message\":\"Rate limit reached\"}}");
		}
		msg = answer(&len, 429, h, body);
		r = send_all(c->fd, msg, len);
		free(msg);
		return r;
	}
	answered++;
	if (dialect == OPENAI)
		snprintf(body, sizeof(body), "{\"id\":\"bench\",\"object\":"
		    "\"chat.completion\",\"model\":\"m\",\"choices\":"
		    "[{\"index\":0,\"finish_reason\":\"stop\",\"message\":"
		    "{\"role\":\"assistant\",\"content\":\"ok\"}}],\"usage\":"
		    "{\"prompt_tokens\":%ld,\"completion_tokens\":%ld,"
		    "\"total_tokens\":%ld}}", tok_in, tok_out,
		    tok_in + tok_out);
	else
		snprintf(body, sizeof(body), "{\"id\":\"msg_bench\",\"type\":"
		    "\"message\",\"role\":\"assistant\",\"model\":\"m\","
		    "\"content\":[{\"type\":\"text\",\"text\":\"ok\"}],"
		    "\"stop_reason\":\"end_turn\",\"stop_sequence\":null,"
		    "\"usage\":{\"input_tokens\":%ld,\"output_tokens\":%ld}}",
		    tok_in, tok_out);
	msg = answer(&len, 200, h, body);
	push((struct due){ c->fd, c->gen, t + delay_ns, msg, len });
	return 0;
}

/* GET /stats, or anything else: answered at once (-1: c is gone). */
static int
other(struct conn *c, const char *line)
{
	char body[128], *msg;
	size_t len;
	int r;

	if (strncmp(line, "GET /stats ", 11) == 0) {
		snprintf(body, sizeof(body),
		    "{\"answered\":%ld,\"refused\":%ld}", answered, refused);
		msg = answer(&len, 200, "", body);
	} else
		msg = answer(&len, 404, "", "{\"error\":\"no route\"}");
	r = send_all(c->fd, msg, len);
	free(msg);
	return r;
}

/* Takes every whole request off c's buffer; returns -1 on a bad one. */
static int
parse(struct conn *c, uint64_t t)
{
	char *end, *p, *eol;
	size_t hl, clen;
	int r;

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
		if (strncmp(c->buf, "POST ", 5) == 0 &&
		    strstr(c->buf, "/chat/completions ") != NULL)
			r = handle(c, OPENAI, t);
		else if (strncmp(c->buf, "POST ", 5) == 0 &&
		    strstr(c->buf, "/messages ") != NULL)
			r = handle(c, ANTHROPIC, t);
		else
			r = other(c, c->buf);
		if (r == -1)
			return -2;	/* a write failed: c is gone */
		memmove(c->buf, c->buf + hl + clen, c->len - hl - clen);
		c->len -= hl + clen;
	}
}

/* Writes every answer that is due by now. */
static void
answer_due(void)
{
	uint64_t t = now_ns();
	struct due *d;

	while (fhead != ftail && (d = &fifo[fhead % fcap])->at_ns <= t) {
		fhead++;
		/* The connection may be gone, its fd reused. */
		if (conns[d->fd] != NULL && conns[d->fd]->gen == d->gen)
			(void)send_all(d->fd, d->msg, d->len);
		free(d->msg);
	}
}

static void
bucket_init(struct bucket *b, double rate, double burst)
{
	b->rate = rate;
	b->burst = burst > 0 ? burst : 1;
	b->level = b->burst;
	b->t_ns = now_ns();
}

int
main(int argc, char **argv)
{
	struct epoll_event ev, evs[256];
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	int lfd, efd, tfd, one = 1, n, i;

	if (argc != 8) {
		fprintf(stderr, "usage: ratelimit_server DELAY_MS RPS BURST "
		    "TPS TOKEN_BURST IN OUT\n");
		return 2;
	}
	delay_ns = (uint64_t)(atof(argv[1]) * 1e6);
	bucket_init(&requests, atof(argv[2]), atof(argv[3]));
	bucket_init(&tokens, atof(argv[4]), atof(argv[5]));
	bucket_init(&in_tokens, atof(argv[4]), atof(argv[5]));
	bucket_init(&out_tokens, atof(argv[4]), atof(argv[5]));
	tok_in = atol(argv[6]);
	tok_out = atol(argv[7]);
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
				ssize_t rd = read(fd, c->buf + c->len,
				    BUFSZ - 1 - c->len);

				if (rd <= 0) {
					if (rd == -1 && errno == EAGAIN)
						continue;
					drop(fd);
					continue;
				}
				c->len += (size_t)rd;
				if (parse(c, now_ns()) == -1)
					drop(fd);
			}
		}
		/* Due already (a delay of 0): answer now, not a turn later. */
		answer_due();
		arm(tfd);
	}
}
