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
 * The server loop is bench/loopserver.c's: what is this file's is the
 * limits, the answers and their headers.  The delay is the same for every
 * answer, so answers fall due in the order requests arrived, as the
 * loop's FIFO needs.
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "loopserver.h"

enum { OPENAI, ANTHROPIC };

struct bucket {
	double	 rate;			/* a second; 0: no limit */
	double	 burst;
	double	 level;
	uint64_t t_ns;
};

static uint64_t		 delay_ns;
static struct bucket	 requests, tokens, in_tokens, out_tokens;
static long		 tok_in, tok_out;
static long		 answered, refused;

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
		loopserver_die("asprintf");
	*len = (size_t)n;
	return out;
}

/*
 * Takes a request of dialect that arrived at t: answers or refuses it.
 * Returns -1 when a write failed and c is gone.
 */
static int
handle(struct loopserver_conn *c, int dialect, uint64_t t)
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
		r = loopserver_send(c, msg, len);
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
	loopserver_later(c, t + delay_ns, msg, len, 1);
	return 0;
}

/* GET /stats, or anything else: answered at once (-1: c is gone). */
static int
other(struct loopserver_conn *c, const char *line)
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
	r = loopserver_send(c, msg, len);
	free(msg);
	return r;
}

/* Takes a request: the line says which dialect, or that it is another. */
static int
route(struct loopserver_conn *c, const char *line, uint64_t t)
{
	if (strncmp(line, "POST ", 5) == 0 &&
	    strstr(line, "/chat/completions ") != NULL)
		return handle(c, OPENAI, t);
	if (strncmp(line, "POST ", 5) == 0 &&
	    strstr(line, "/messages ") != NULL)
		return handle(c, ANTHROPIC, t);
	return other(c, line);
}

static void
bucket_init(struct bucket *b, double rate, double burst)
{
	b->rate = rate;
	b->burst = burst > 0 ? burst : 1;
	b->level = b->burst;
	b->t_ns = loopserver_now_ns();
}

int
main(int argc, char **argv)
{
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
	loopserver_serve(route);
}
