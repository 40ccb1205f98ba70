/*
 * HTTP for morph run: one libcurl multi handle, many transfers at once,
 * each with connect and total timeouts and a hard cap on the response.
 * libcurl is opened at first use (curl_int.h, as git2_int.h).  This layer
 * sends and receives; retries, limits and budgets are the scheduler's.
 * Transfers run with CURLOPT_NOSIGNAL: the program should ignore SIGPIPE.
 */
#ifndef MORPH_HTTP_INT_H
#define MORPH_HTTP_INT_H

#include <stddef.h>
#include <stdint.h>

#include "morph/buf.h"
#include "morph/error.h"

struct morph_http;
struct morph_request;

struct morph_http_opts {
	long	connect_timeout_ms;	/* default 10 s */
	long	timeout_ms;		/* whole transfer; default 600 s */
	size_t	max_body;		/* response cap; default 32 MiB */
};
#define MORPH_HTTP_OPTS_INIT	{ 10000, 600000, (size_t)32 << 20 }

struct morph_http_result {
	long			 status;	/* 0: no HTTP answer, as
						   whenever transport is set */
	int			 transport;	/* 0, or a MORPH_HTTP_E_* */
	char			 errmsg[256];	/* for transport failures */
	struct morph_buf	 body;		/* empty when transport is
						   set */
	int64_t			 retry_after_ms; /* retry-after-ms, else
						   retry-after (seconds or a
						   date), else -1 */
	int			 should_retry;	/* x-should-retry: 1, 0, -1 */
	char			 request_id[128]; /* x-request-id, request-id */
	int64_t			 total_us;	/* whole transfer */
	int64_t			 ttfb_us;	/* to the first byte */
	char			 limits[1024];	/* the rate limit headers
						   (x-ratelimit-*,
						   anthropic-ratelimit-*),
						   "name: value\n" each, as
						   many as fit */
};

enum {
	MORPH_HTTP_E_CONNECT = 1,	/* refused, unreachable, DNS */
	MORPH_HTTP_E_TIMEOUT,		/* connect or total timeout */
	MORPH_HTTP_E_RESET,		/* connection dropped mid-transfer */
	MORPH_HTTP_E_TOOBIG,		/* body over max_body, or header over
					   MORPH_HTTP_MAX_HEADER */
	MORPH_HTTP_E_OTHER,
};

/*
 * The most a reply's header may hold, status line and fields together.
 * Providers send a few kilobytes; this stays under libcurl's own limits
 * (100 KiB a line, 300 KiB in all), so that morph, not libcurl, says
 * what went wrong.
 */
#define MORPH_HTTP_MAX_HEADER	(64 * 1024)

/*
 * Called once per transfer, from morph_http_wait.  The result is borrowed
 * for the call; the callback may take its body, leaving res->body as
 * morph_buf_init makes it (what is left there is released after).  The
 * callback may start transfers, but must not wait or free the handle.
 */
typedef void (*morph_http_done_cb)(void *arg, struct morph_http_result *res);

/* Errors: UNSUPPORTED when libcurl cannot be loaded. */
const struct morph_error *morph_http_new(struct morph_http **out);
/* Cancels what is running, calling no callback. */
void	morph_http_free(struct morph_http *);

/*
 * Starts a POST of req (copied) now; done is called when it ends.  opts
 * may be NULL, and a zero field takes its default.  Content-Type defaults
 * to application/json.  Errors: INVALID (no URL), NOMEM, HTTP.
 */
const struct morph_error *morph_http_start(struct morph_http *,
    const struct morph_request *req, const struct morph_http_opts *,
    morph_http_done_cb done, void *arg);

/*
 * Runs transfers for up to timeout_ms (or until one finishes), calling
 * done for each that finished; with nothing running it sleeps out the
 * timeout.  A timeout of 0 sends what was started and takes in what has
 * arrived, without waiting.  Returns the number still running.
 */
int	morph_http_wait(struct morph_http *, long timeout_ms);

#endif
