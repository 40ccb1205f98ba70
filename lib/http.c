/*
 * HTTP for morph run: POSTs on one libcurl multi handle (see http_int.h).
 *
 * Invariants:
 *   1. A transfer is on http->xfers and attached to http->multi from
 *      morph_http_start until it finishes, and never after; nxfers counts
 *      them.
 *   2. A transfer's done callback runs exactly once, after the transfer
 *      left the multi handle and the list, and the transfer is freed right
 *      after it returns.  morph_http_free calls no callback.
 *   3. A response body never holds more than max_body bytes: the write
 *      callback stops the transfer first.
 *   4. No message made here quotes a request header, the URL's path or
 *      query, or its user info: API keys travel there.
 *   5. A reply's header (status line, fields, blank line) never holds
 *      more than MORPH_HTTP_MAX_HEADER bytes: header_cb stops the
 *      transfer first, and a longer line, which libcurl refuses by
 *      itself, is reported the same way.
 *
 * The event loop is libcurl's socket interface: libcurl says which sockets
 * it watches (sock_cb) and when its timer is due (timer_cb); morph_http_wait
 * polls those sockets, once, and hands libcurl only the ones that are
 * ready.  curl_multi_perform would instead check every transfer on every
 * wake, which at -j 32 is 32 system calls where one will do.
 *
 * With CURLOPT_NOSIGNAL, libcurl leaves SIGPIPE alone; a program that
 * runs transfers should ignore it.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "curl_int.h"
#include "http_int.h"
#include "provider_int.h"

struct xfer {
	struct morph_http	*http;
	struct xfer		*prev, *next;
	CURL			*easy;
	struct curl_slist	*headers;
	morph_http_done_cb	 done;
	void			*arg;
	size_t			 max_body;
	int			 toobig;	/* the write callback stopped */
	size_t			 head_bytes;	/* of the reply being read */
	int			 head_done;	/* its blank line was read */
	int			 headbig;	/* header_cb stopped */
	int			 got_xrid;	/* x-request-id seen */
	int64_t			 after_ms;	/* retry-after-ms, or -1 */
	int64_t			 after;		/* retry-after, or -1 */
	char			 host[128];	/* host[:port], for messages */
	char			 errbuf[CURL_ERROR_SIZE];
	struct morph_http_result res;
};

struct morph_http {
	CURLM		*multi;
	struct xfer	*xfers;
	int		 nxfers;
	struct pollfd	*pfds;		/* the sockets libcurl watches */
	size_t		 npfds;
	size_t		 cappfds;
	int64_t		 timer_us;	/* libcurl's timer falls due; -1: none */
	int		 nomem;		/* sock_cb could not grow pfds */
};

static int64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* libcurl's word on socket s: watch it for what, or forget it. */
static int
sock_cb(CURL *easy, curl_socket_t s, int what, void *arg, void *sockp)
{
	struct morph_http *http = arg;
	struct pollfd *nv;
	size_t i, cap;

	(void)easy;
	(void)sockp;
	for (i = 0; i < http->npfds && http->pfds[i].fd != s; i++)
		;
	if (what == CURL_POLL_REMOVE) {
		if (i < http->npfds)
			http->pfds[i] = http->pfds[--http->npfds];
		return 0;
	}
	if (i == http->npfds) {
		if (http->npfds == http->cappfds) {
			cap = http->cappfds ? http->cappfds * 2 : 16;
			if ((nv = realloc(http->pfds, cap * sizeof(*nv))) ==
			    NULL) {
				http->nomem = 1;
				return -1;
			}
			http->pfds = nv;
			http->cappfds = cap;
		}
		http->pfds[http->npfds++].fd = s;
	}
	http->pfds[i].events = (short)((what & CURL_POLL_IN ? POLLIN : 0) |
	    (what & CURL_POLL_OUT ? POLLOUT : 0));
	http->pfds[i].revents = 0;
	return 0;
}

/* libcurl's timer: due in ms milliseconds, or (-1) stopped. */
static int
timer_cb(CURLM *multi, long ms, void *arg)
{
	struct morph_http *http = arg;

	(void)multi;
	http->timer_us = ms < 0 ? -1 : now_us() + (int64_t)ms * 1000;
	return 0;
}

const struct morph_error *
morph_http_new(struct morph_http **out)
{
	const struct morph_error *err;
	struct morph_http *http;

	*out = NULL;
	if ((err = morph_curl_load()) != NULL)
		return err;
	if ((http = calloc(1, sizeof(*http))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	if ((http->multi = curl_multi_init()) == NULL) {
		free(http);
		return morph_error(MORPH_ERR_NOMEM);
	}
	http->timer_us = -1;
	if (curl_multi_setopt(http->multi, CURLMOPT_SOCKETFUNCTION, sock_cb) !=
	    CURLM_OK ||
	    curl_multi_setopt(http->multi, CURLMOPT_SOCKETDATA, http) !=
	    CURLM_OK ||
	    curl_multi_setopt(http->multi, CURLMOPT_TIMERFUNCTION, timer_cb) !=
	    CURLM_OK ||
	    curl_multi_setopt(http->multi, CURLMOPT_TIMERDATA, http) !=
	    CURLM_OK) {
		curl_multi_cleanup(http->multi);
		free(http);
		return morph_error_fmt(MORPH_ERR_HTTP, "libcurl has no "
		    "socket interface");
	}
	*out = http;
	return NULL;
}

static void
xfer_free(struct xfer *x)
{
	if (x->easy != NULL)
		curl_easy_cleanup(x->easy);
	curl_slist_free_all(x->headers);
	morph_buf_release(&x->res.body);
	free(x);
}

/* Takes x off the multi handle and the list (invariant 1). */
static void
xfer_detach(struct xfer *x)
{
	struct morph_http *http = x->http;

	curl_multi_remove_handle(http->multi, x->easy);
	if (x->prev != NULL)
		x->prev->next = x->next;
	else
		http->xfers = x->next;
	if (x->next != NULL)
		x->next->prev = x->prev;
	x->prev = x->next = NULL;
	http->nxfers--;
}

void
morph_http_free(struct morph_http *http)
{
	struct xfer *x;

	if (http == NULL)
		return;
	while ((x = http->xfers) != NULL) {
		xfer_detach(x);
		xfer_free(x);
	}
	curl_multi_cleanup(http->multi);
	free(http->pfds);
	free(http);
}

/*
 * The host and port of url, without scheme, user info, path or query:
 * all a message may say about where a request went (invariant 4).
 */
static void
url_host(char *out, size_t outsz, const char *url)
{
	const char *p, *end, *at;
	size_t n;

	if ((p = strstr(url, "://")) != NULL)
		p += 3;
	else
		p = url;
	end = p + strcspn(p, "/?#");
	for (at = p; at < end; at++)
		if (*at == '@')
			p = at + 1;
	n = (size_t)(end - p);
	if (n == 0) {
		/* No host ("file:///x"): the scheme says enough. */
		p = url;
		n = strcspn(url, ":/");
	}
	if (n >= outsz)
		n = outsz - 1;
	memcpy(out, p, n);
	out[n] = '\0';
}

/*
 * A non-negative decimal number ("2", "1.5", "150.0") times scale, rounded
 * up to a whole millisecond, or -1 when s is anything else.  Hand-made
 * rather than strtod(3), which would follow the locale's decimal point.
 */
static int64_t
parse_delay(const char *s, double scale)
{
	double v = 0, unit = 1;
	int digits = 0;

	for (; *s >= '0' && *s <= '9'; s++, digits++)
		v = v * 10 + (*s - '0');
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++, digits++)
			v += (*s - '0') * (unit /= 10);
	if (digits == 0 || *s != '\0')
		return -1;
	v = ceil(v * scale);
	/* A year is as good as forever, and cannot overflow. */
	return v > 31536000000.0 ? 31536000000 : (int64_t)v;
}

/* Appends a rate limit header to res->limits, if it fits whole. */
static void
keep_limit(struct morph_http_result *res, const char *name, size_t namelen,
    const char *value, size_t vlen)
{
	size_t used = strlen(res->limits);

	if (used + namelen + vlen + 4 > sizeof(res->limits))
		return;
	memcpy(res->limits + used, name, namelen);
	used += namelen;
	memcpy(res->limits + used, ": ", 2);
	used += 2;
	memcpy(res->limits + used, value, vlen);
	used += vlen;
	res->limits[used++] = '\n';
	res->limits[used] = '\0';
}

/* Collects the response headers morph needs; see http_int.h. */
static size_t
header_cb(char *buf, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;
	size_t len = size * n, namelen, vlen;
	const char *name = buf, *v, *colon;
	char value[256];
	time_t when, now;

	/* A new status line (after 1xx, or a proxy's): start over. */
	if (len >= 5 && strncmp(buf, "HTTP/", 5) == 0) {
		x->after_ms = x->after = -1;
		x->res.should_retry = -1;
		x->res.request_id[0] = '\0';
		x->res.limits[0] = '\0';
		x->got_xrid = 0;
		x->head_bytes = 0;
		x->head_done = 0;
	}
	/* Invariant 5: no reply's header passes MORPH_HTTP_MAX_HEADER. */
	if (len > MORPH_HTTP_MAX_HEADER - x->head_bytes) {
		x->headbig = 1;
		return 0;
	}
	x->head_bytes += len;
	if (len >= 5 && strncmp(buf, "HTTP/", 5) == 0)
		return len;
	if ((len == 2 && buf[0] == '\r' && buf[1] == '\n') ||
	    (len == 1 && buf[0] == '\n')) {
		x->head_done = 1;
		return len;
	}
	if ((colon = memchr(buf, ':', len)) == NULL)
		return len;
	namelen = (size_t)(colon - name);
	v = colon + 1;
	vlen = len - namelen - 1;
	while (vlen > 0 && (*v == ' ' || *v == '\t'))
		v++, vlen--;
	while (vlen > 0 && (v[vlen - 1] == '\r' || v[vlen - 1] == '\n' ||
	    v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
		vlen--;
	if (vlen >= sizeof(value))
		return len;	/* no header we want is this long */
	memcpy(value, v, vlen);
	value[vlen] = '\0';

#define IS(s) (namelen == sizeof(s) - 1 && strncasecmp(name, s, namelen) == 0)
	if (IS("retry-after-ms")) {
		x->after_ms = parse_delay(value, 1);
	} else if (IS("retry-after")) {
		/* Seconds, else an HTTP date. */
		if ((x->after = parse_delay(value, 1000)) == -1 &&
		    (when = curl_getdate(value, NULL)) != -1) {
			now = time(NULL);
			x->after = when > now ? (int64_t)(when - now) * 1000 :
			    0;
		}
	} else if (IS("x-should-retry")) {
		if (strcasecmp(value, "true") == 0)
			x->res.should_retry = 1;
		else if (strcasecmp(value, "false") == 0)
			x->res.should_retry = 0;
	} else if (IS("x-request-id") || (IS("request-id") && !x->got_xrid)) {
		/* OpenAI and most others; Anthropic says request-id. */
		if (vlen >= sizeof(x->res.request_id))
			vlen = sizeof(x->res.request_id) - 1;
		memcpy(x->res.request_id, value, vlen);
		x->res.request_id[vlen] = '\0';
		x->got_xrid = IS("x-request-id");
	} else if ((namelen > 12 && strncasecmp(name, "x-ratelimit-",
	    12) == 0) || (namelen > 20 && strncasecmp(name,
	    "anthropic-ratelimit-", 20) == 0))
		keep_limit(&x->res, name, namelen, value, vlen);
#undef IS
	return len;
}

/* Keeps the body, stopping the transfer at max_body (invariant 3). */
static size_t
write_cb(char *buf, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;
	size_t len = size * n;

	if (len > x->max_body - x->res.body.len) {
		x->toobig = 1;
		return 0;
	}
	morph_buf_put(&x->res.body, buf, len);
	return x->res.body.failed ? 0 : len;
}

/* Whether the header line h names the header name (with its colon). */
static int
has_name(const char *h, const char *name)
{
	size_t n = strlen(name);

	return strncasecmp(h, name, n) == 0 && h[n] == ':';
}

static const struct morph_error *
add_header(struct xfer *x, const char *h)
{
	struct curl_slist *l;

	if ((l = curl_slist_append(x->headers, h)) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	x->headers = l;
	return NULL;
}

const struct morph_error *
morph_http_start(struct morph_http *http, const struct morph_request *req,
    const struct morph_http_opts *opts, morph_http_done_cb done, void *arg)
{
	static const struct morph_http_opts defaults = MORPH_HTTP_OPTS_INIT;
	const struct morph_error *err = NULL;
	int has_type = 0, has_expect = 0;
	long connect_ms, total_ms;
	struct xfer *x;
	CURLMcode mrc;
	CURLcode rc;
	CURL *e;
	size_t i;

	if (opts == NULL)
		opts = &defaults;
	if (req->url.len == 0)
		return morph_error_fmt(MORPH_ERR_INVALID, "cannot send a "
		    "request without a URL");
	if ((x = calloc(1, sizeof(*x))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	x->http = http;
	x->done = done;
	x->arg = arg;
	x->max_body = opts->max_body > 0 ? opts->max_body : defaults.max_body;
	x->after_ms = x->after = -1;
	morph_buf_init(&x->res.body);
	x->res.retry_after_ms = -1;
	x->res.should_retry = -1;
	url_host(x->host, sizeof(x->host), morph_buf_cstr(&req->url));
	connect_ms = opts->connect_timeout_ms > 0 ? opts->connect_timeout_ms :
	    defaults.connect_timeout_ms;
	total_ms = opts->timeout_ms > 0 ? opts->timeout_ms :
	    defaults.timeout_ms;

	for (i = 0; i < req->nheaders && req->headers[i] != NULL; i++) {
		has_type |= has_name(req->headers[i], "content-type");
		has_expect |= has_name(req->headers[i], "expect");
		if ((err = add_header(x, req->headers[i])) != NULL)
			goto fail;
	}
	/* Every body morph sends is JSON. */
	if (!has_type && (err = add_header(x,
	    "Content-Type: application/json")) != NULL)
		goto fail;
	/* Waiting for "100 Continue" costs a round trip or a second. */
	if (!has_expect && (err = add_header(x, "Expect:")) != NULL)
		goto fail;

	if ((x->easy = e = curl_easy_init()) == NULL) {
		err = morph_error(MORPH_ERR_NOMEM);
		goto fail;
	}
#define SET(opt, val) do {						\
	if ((rc = curl_easy_setopt(e, opt, val)) != CURLE_OK) {		\
		err = morph_curl_error(rc, "cannot set " #opt);		\
		goto fail;						\
	}								\
} while (0)
	SET(CURLOPT_PRIVATE, (void *)x);
	SET(CURLOPT_ERRORBUFFER, x->errbuf);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_URL, morph_buf_cstr(&req->url));
	SET(CURLOPT_HTTPHEADER, x->headers);
	SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body.len);
	SET(CURLOPT_COPYPOSTFIELDS, req->body.ptr != NULL ? req->body.ptr :
	    "");
	SET(CURLOPT_USERAGENT, "morph/" MORPH_VERSION_STRING);
	SET(CURLOPT_ACCEPT_ENCODING, "");
	SET(CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
	SET(CURLOPT_TIMEOUT_MS, total_ms);
	SET(CURLOPT_TCP_KEEPALIVE, 1L);
	SET(CURLOPT_HEADERFUNCTION, header_cb);
	SET(CURLOPT_HEADERDATA, (void *)x);
	SET(CURLOPT_WRITEFUNCTION, write_cb);
	SET(CURLOPT_WRITEDATA, (void *)x);
	/* A Content-Length over the cap stops the transfer before the body. */
	if ((uint64_t)x->max_body < (uint64_t)INT64_MAX)
		SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)x->max_body);
#undef SET
#if LIBCURL_VERSION_NUM >= 0x075500
	/* No file:// or other surprises from a configured base URL. */
	(void)curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
#endif

	if ((mrc = curl_multi_add_handle(http->multi, e)) != CURLM_OK) {
		err = morph_curlm_error(mrc, "cannot start a transfer");
		goto fail;
	}
	x->next = http->xfers;
	if (x->next != NULL)
		x->next->prev = x;
	http->xfers = x;
	http->nxfers++;
	return NULL;
fail:
	xfer_free(x);
	return err;
}

/* Formats res->errmsg, cutting what does not fit. */
static void set_errmsg(struct morph_http_result *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static void
set_errmsg(struct morph_http_result *res, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(res->errmsg, sizeof(res->errmsg), fmt, ap);
	va_end(ap);
}

/* Sets res.transport and res.errmsg for a transfer that ended with rc. */
static void
classify(struct xfer *x, CURLcode rc)
{
	struct morph_http_result *res = &x->res;
	const char *why = x->errbuf;
	char what[192];
	long oserr = 0;

	if (why[0] == '\0')
		why = curl_easy_strerror(rc);
	/*
	 * One header line longer than libcurl takes (CURL_MAX_HTTP_HEADER,
	 * over MORPH_HTTP_MAX_HEADER) never reaches header_cb: libcurl
	 * gives up with "out of memory" (CURLE_TOO_LARGE since 8.6)
	 * before the header ends.  Said as what it is.
	 */
	if (!x->head_done && (rc == CURLE_OUT_OF_MEMORY
#if LIBCURL_VERSION_NUM >= 0x080600
	    || rc == CURLE_TOO_LARGE
#endif
	    )) {
		x->headbig = 1;
		rc = CURLE_WRITE_ERROR;
	}
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_SSL_CONNECT_ERROR:
		res->transport = MORPH_HTTP_E_CONNECT;
		snprintf(what, sizeof(what), "cannot connect to '%s'", x->host);
		break;
	case CURLE_OPERATION_TIMEDOUT:
		res->transport = MORPH_HTTP_E_TIMEOUT;
		snprintf(what, sizeof(what), "no reply in time from '%s'",
		    x->host);
		break;
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		res->transport = MORPH_HTTP_E_RESET;
		snprintf(what, sizeof(what), "connection to '%s' dropped",
		    x->host);
		break;
	case CURLE_FILESIZE_EXCEEDED:
		x->toobig = 1;
		/* FALLTHROUGH */
	case CURLE_WRITE_ERROR:
		if (x->headbig) {
			res->transport = MORPH_HTTP_E_TOOBIG;
			set_errmsg(res, "reply header from '%s' is over %d "
			    "bytes", x->host, MORPH_HTTP_MAX_HEADER);
			return;
		}
		if (x->toobig) {
			res->transport = MORPH_HTTP_E_TOOBIG;
			set_errmsg(res, "reply from '%s' is larger than %zu "
			    "bytes", x->host, x->max_body);
			return;
		}
		if (res->body.failed)
			why = "out of memory";
		/* FALLTHROUGH */
	default:
		res->transport = MORPH_HTTP_E_OTHER;
		snprintf(what, sizeof(what), "request to '%s' failed", x->host);
		break;
	}
	/* "Connection refused" says more than curl's "Couldn't connect". */
	if ((rc == CURLE_COULDNT_CONNECT || rc == CURLE_RECV_ERROR ||
	    rc == CURLE_SEND_ERROR) && curl_easy_getinfo(x->easy,
	    CURLINFO_OS_ERRNO, &oserr) == CURLE_OK && oserr > 0 &&
	    oserr < INT_MAX)
		why = strerror((int)oserr);
	set_errmsg(res, "%s: %s", what, why);
}

/* Ends transfer x with rc: fills its result, calls done, frees it. */
static void
finish(struct xfer *x, CURLcode rc)
{
	struct morph_http_result *res = &x->res;
	curl_off_t t;
	long status = 0;

	if (curl_easy_getinfo(x->easy, CURLINFO_TOTAL_TIME_T, &t) == CURLE_OK)
		res->total_us = t;
	if (curl_easy_getinfo(x->easy, CURLINFO_STARTTRANSFER_TIME_T, &t) ==
	    CURLE_OK)
		res->ttfb_us = t;
	res->retry_after_ms = x->after_ms >= 0 ? x->after_ms : x->after;
	if (rc == CURLE_OK) {
		if (curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE,
		    &status) == CURLE_OK)
			res->status = status;
	} else {
		/* No answer, only part of one: nothing to parse. */
		classify(x, rc);
		morph_buf_release(&res->body);
	}
	xfer_detach(x);
	if (x->done != NULL)
		x->done(x->arg, res);
	xfer_free(x);
}

/* Finishes every transfer the multi handle reports done; returns how many. */
static int
drain(struct morph_http *http)
{
	struct xfer *x;
	CURLMsg *msg;
	CURLcode rc;
	void *p;
	int left, n = 0;

	while ((msg = curl_multi_info_read(http->multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		rc = msg->data.result;
		if (curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &p) !=
		    CURLE_OK || p == NULL)
			continue;
		x = p;
		finish(x, rc);
		n++;
	}
	return n;
}

/*
 * The multi handle itself failed: every transfer running ends with that
 * error.  All leave first, so that one a callback starts is not failed too.
 */
static void
fail_all(struct morph_http *http, CURLMcode mrc)
{
	struct xfer *x, *list = NULL;

	while ((x = http->xfers) != NULL) {
		xfer_detach(x);
		x->next = list;
		list = x;
	}
	while ((x = list) != NULL) {
		list = x->next;
		x->next = NULL;
		x->res.transport = MORPH_HTTP_E_OTHER;
		set_errmsg(&x->res, "request to '%s' failed: %s", x->host,
		    curl_multi_strerror(mrc));
		morph_buf_release(&x->res.body);
		if (x->done != NULL)
			x->done(x->arg, &x->res);
		xfer_free(x);
	}
}

/* Hands libcurl socket fd (or the timeout) with events ev. */
static int
act(struct morph_http *http, curl_socket_t fd, int ev)
{
	CURLMcode mrc;
	int running;

	mrc = curl_multi_socket_action(http->multi, fd, ev, &running);
	if (mrc == CURLM_OK && http->nomem)
		mrc = CURLM_OUT_OF_MEMORY;
	http->nomem = 0;
	if (mrc != CURLM_OK) {
		fail_all(http, mrc);
		return -1;
	}
	return 0;
}

/* Runs libcurl's timer if it is due. */
static int
run_timer(struct morph_http *http)
{
	if (http->timer_us < 0 || now_us() < http->timer_us)
		return 0;
	http->timer_us = -1;
	return act(http, CURL_SOCKET_TIMEOUT, 0);
}

int
morph_http_wait(struct morph_http *http, long timeout_ms)
{
	struct pollfd ready[64];
	int64_t start = now_us(), left, wait;
	int finished = 0, polled = 0, n, k, ev;
	size_t i;

	for (;;) {
		if (run_timer(http) == -1)
			break;
		if ((finished += drain(http)) > 0)
			break;
		if (http->nxfers == 0) {
			/*
			 * Nothing to wait for: sleep out the timeout, so that a
			 * caller waiting for a retry's time does not spin.
			 */
			left = timeout_ms * 1000 - (now_us() - start);
			if (left > 0) {
				struct timespec ts = { left / 1000000,
				    (left % 1000000) * 1000 };

				nanosleep(&ts, NULL);
			}
			break;
		}
		/* Even with no time left, look once at what is ready. */
		if ((left = timeout_ms * 1000 - (now_us() - start)) <= 0 &&
		    polled)
			break;
		wait = left;
		if (http->timer_us >= 0 && http->timer_us - now_us() < wait)
			wait = http->timer_us - now_us();
		if (wait < 0)
			wait = 0;
		/* Milliseconds, rounded up: poll must not wake too soon. */
		n = poll(http->pfds, (nfds_t)http->npfds,
		    wait > INT_MAX / 2 * 1000LL ? INT_MAX / 2 :
		    (int)((wait + 999) / 1000));
		polled = 1;
		if (n < 0) {
			if (errno == EINTR)
				break;		/* a signal: let the caller look */
			fail_all(http, CURLM_INTERNAL_ERROR);
			break;
		}
		/*
		 * libcurl may add and remove sockets as it acts: act on a
		 * copy of what was ready, a few at a time.
		 */
		while (n > 0) {
			for (i = 0, k = 0; i < http->npfds && k < 64; i++) {
				if (http->pfds[i].revents == 0)
					continue;
				ready[k++] = http->pfds[i];
				http->pfds[i].revents = 0;
			}
			if (k == 0)
				break;
			n -= k;
			while (k-- > 0) {
				ev = (ready[k].revents & (POLLIN | POLLHUP) ?
				    CURL_CSELECT_IN : 0) |
				    (ready[k].revents & POLLOUT ?
				    CURL_CSELECT_OUT : 0) |
				    (ready[k].revents & (POLLERR | POLLNVAL) ?
				    CURL_CSELECT_ERR : 0);
				if (act(http, ready[k].fd, ev) == -1)
					return http->nxfers;
			}
		}
	}
	return http->nxfers;
}
