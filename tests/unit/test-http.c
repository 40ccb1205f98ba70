/*
 * Unit tests for lib/http.c, against tests/tools/fakeprovider.py started
 * here on a free loopback port (MORPH_SOURCE_DIR finds it).
 */
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "test.h"
#include "http_int.h"
#include "provider_int.h"

/* The key every request carries; no message may ever show it. */
#define KEY	"sk-morph-unit-SECRET-7f3a9c"

static pid_t fake_pid = -1;
static char base[64];		/* http://127.0.0.1:PORT */

static void
fake_stop(void)
{
	if (fake_pid > 0) {
		kill(fake_pid, SIGTERM);
		waitpid(fake_pid, NULL, 0);
		fake_pid = -1;
	}
}

/* Starts the fake provider with --port 0 and reads the port it chose. */
static void
fake_start(void)
{
	const char *src = getenv("MORPH_SOURCE_DIR");
	char tool[4096], line[64];
	int fd[2], port = 0;
	FILE *fp;

	if (src == NULL || src[0] == '\0') {
		fprintf(stderr, "MORPH_SOURCE_DIR is not set\n");
		exit(2);
	}
	snprintf(tool, sizeof(tool), "%s/tests/tools/fakeprovider.py", src);
	if (pipe(fd) == -1) {
		perror("pipe");
		exit(2);
	}
	if ((fake_pid = fork()) == -1) {
		perror("fork");
		exit(2);
	}
	if (fake_pid == 0) {
#ifdef __linux__
		/* Gone with the test, however the test ends. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
#endif
		dup2(fd[1], 1);
		close(fd[0]);
		close(fd[1]);
		execlp("python3", "python3", tool, "--port", "0", "--key", KEY,
		    (char *)NULL);
		perror("python3");
		_exit(127);
	}
	close(fd[1]);
	if ((fp = fdopen(fd[0], "r")) == NULL) {
		perror("fdopen");
		exit(2);
	}
	if (fgets(line, sizeof(line), fp) == NULL ||
	    sscanf(line, "PORT=%d", &port) != 1 || port <= 0) {
		fprintf(stderr, "fakeprovider did not start (%s)\n", tool);
		fake_stop();
		exit(2);
	}
	fclose(fp);
	snprintf(base, sizeof(base), "http://127.0.0.1:%d", port);
	atexit(fake_stop);
}

/* What a done callback saw, copied out of the borrowed result. */
struct got {
	int			 done;
	long			 status;
	int			 transport;
	char			 errmsg[256];
	char			*body;
	size_t			 len;
	int64_t			 retry_after_ms;
	int			 should_retry;
	char			 request_id[128];
	int64_t			 total_us, ttfb_us;
};

static void
got_release(struct got *g)
{
	free(g->body);
	memset(g, 0, sizeof(*g));
}

static void
on_done(void *arg, struct morph_http_result *r)
{
	struct got *g = arg;

	g->done++;
	g->status = r->status;
	g->transport = r->transport;
	memcpy(g->errmsg, r->errmsg, sizeof(g->errmsg));
	free(g->body);
	g->body = malloc(r->body.len + 1);
	if (r->body.len > 0)
		memcpy(g->body, r->body.ptr, r->body.len);
	g->body[r->body.len] = '\0';
	g->len = r->body.len;
	g->retry_after_ms = r->retry_after_ms;
	g->should_retry = r->should_retry;
	memcpy(g->request_id, r->request_id, sizeof(g->request_id));
	g->total_us = r->total_us;
	g->ttfb_us = r->ttfb_us;
	/* Whatever happened, the key is not in what morph may show. */
	T_ASSERT(strstr(r->errmsg, KEY) == NULL);
	T_ASSERT(strstr(r->request_id, KEY) == NULL);
}

static char *hdrs[] = {
	"Authorization: Bearer " KEY,
	"x-api-key: " KEY,
	"x-goog-api-key: " KEY,
	"Content-Type: application/json",
	NULL,
};

/* A request for url (absolute, or a path on the fake) saying msg. */
static void
make_req(struct morph_request *req, const char *url, const char *msg)
{
	memset(req, 0, sizeof(*req));
	morph_buf_init(&req->url);
	morph_buf_init(&req->body);
	if (url[0] == '/')
		morph_buf_puts(&req->url, base);
	morph_buf_puts(&req->url, url);
	req->headers = hdrs;
	req->nheaders = 4;
	if (strstr(url, "generateContent") != NULL)
		morph_buf_printf(&req->body, "{\"contents\": [{\"role\": "
		    "\"user\", \"parts\": [{\"text\": \"%s\"}]}]}", msg);
	else
		morph_buf_printf(&req->body, "{\"model\": \"m1\", "
		    "\"max_tokens\": 100, \"stream\": false, \"messages\": "
		    "[{\"role\": \"user\", \"content\": \"%s\"}]}", msg);
}

static void
req_release(struct morph_request *req)
{
	morph_buf_release(&req->url);
	morph_buf_release(&req->body);
}

static void
start(struct morph_http *http, const char *url, const char *msg,
    const struct morph_http_opts *opts, struct got *g)
{
	struct morph_request req;

	make_req(&req, url, msg);
	T_OK(morph_http_start(http, &req, opts, on_done, g));
	req_release(&req);
}

static void
wait_all(struct morph_http *http)
{
	int rounds = 0;

	while (morph_http_wait(http, 1000) > 0 && ++rounds < 120)
		;
}

/* One request, run to its end. */
static void
run1(const char *url, const char *msg, const struct morph_http_opts *opts,
    struct got *g)
{
	struct morph_http *http;

	T_OK(morph_http_new(&http));
	start(http, url, msg, opts, g);
	wait_all(http);
	T_INTEQ(g->done, 1);
	morph_http_free(http);
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
test_success(void)
{
	struct got g = { 0 }, log = { 0 };

	run1("/v1/chat/completions", "hello world", NULL, &g);
	T_INTEQ(g.status, 200);
	T_INTEQ(g.transport, 0);
	T_STREQ(g.errmsg, "");
	T_CONTAINS(g.body, "\"content\": \"m1: hello world\"");
	T_CONTAINS(g.body, "\"prompt_tokens\": 2");
	T_ASSERT(g.total_us > 0);
	T_ASSERT(g.ttfb_us > 0 && g.ttfb_us <= g.total_us);
	T_INTEQ(g.retry_after_ms, -1);
	T_INTEQ(g.should_retry, -1);
	T_ASSERT(strncmp(g.request_id, "req_fake", 8) == 0);

	/* What went over the wire, as the fake recorded it. */
	run1("/__requests", "", NULL, &log);
	T_INTEQ(log.status, 200);
	T_CONTAINS(log.body, "\"authorization\": \"[REDACTED]\"");
	T_CONTAINS(log.body, "\"content-type\": \"application/json\"");
	T_CONTAINS(log.body, "\"user-agent\": \"morph/");
	T_CONTAINS(log.body, "\"accept-encoding\": \"");
	T_CONTAINS(log.body, "gzip");
	T_CONTAINS(log.body, "\"auth\": \"ok\"");
	T_CONTAINS(log.body, "\"content\": \"hello world\"");
	T_ASSERT(strstr(log.body, "\"expect\"") == NULL);
	T_ASSERT(strstr(log.body, KEY) == NULL);
	got_release(&g);
	got_release(&log);

	/* Anthropic names its id request-id; the reply came gzipped. */
	run1("/v1/messages", "hi", NULL, &g);
	T_INTEQ(g.status, 200);
	T_CONTAINS(g.body, "\"stop_reason\": \"end_turn\"");
	T_ASSERT(strncmp(g.request_id, "req_fake", 8) == 0);
	got_release(&g);

	/* A slow reply: the timings show it. */
	run1("/chat/completions", "fault:ok delay=300", NULL, &g);
	T_INTEQ(g.status, 200);
	T_ASSERT(g.ttfb_us >= 300000);
	T_ASSERT(g.total_us >= g.ttfb_us);
	got_release(&g);
}

static void
test_retry_after(void)
{
	static const struct {
		const char	*msg;
		int64_t		 lo, hi;
	} cases[] = {
		{ "fault:429 retry-after=1", 1000, 1000 },
		{ "fault:429 retry-after=1.5", 1500, 1500 },
		{ "fault:429 retry-after=0", 0, 0 },
		{ "fault:429 retry-after-ms=150", 150, 150 },
		{ "fault:429 retry-after-ms=0.5", 1, 1 },
		{ "fault:429 retry-after=7 retry-after-ms=250", 250, 250 },
		{ "fault:429 retry-after=soon", -1, -1 },
		{ "fault:429 retry-after=-3", -1, -1 },
		{ "fault:429 retry-after-date", 0, 3000 },
		/* A minute's slack for a slow machine between the two clocks. */
		{ "fault:429 retry-after-date=3600", 3540000, 3600000 },
		{ "fault:429 retry-after-date=-60", 0, 0 },
		{ "fault:429", -1, -1 },
	};
	struct got g = { 0 };
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		run1("/v1/chat/completions", cases[i].msg, NULL, &g);
		T_INTEQ(g.status, 429);
		T_INTEQ(g.transport, 0);
		if (g.retry_after_ms < cases[i].lo ||
		    g.retry_after_ms > cases[i].hi)
			T_FAIL("%s: retry_after_ms %lld, expected %lld..%lld",
			    cases[i].msg, (long long)g.retry_after_ms,
			    (long long)cases[i].lo, (long long)cases[i].hi);
		got_release(&g);
	}

	/* The same in Gemini's dialect, with its RetryInfo in the body. */
	run1("/v1beta/models/gemini-2.5-flash:generateContent",
	    "fault:429 retry-after=3", NULL, &g);
	T_INTEQ(g.status, 429);
	T_INTEQ(g.retry_after_ms, 3000);
	T_CONTAINS(g.body, "\"retryDelay\": \"3s\"");
	got_release(&g);

	/* Anthropic's overloaded_error, and its request-id. */
	run1("/v1/messages", "fault:529 retry-after=2", NULL, &g);
	T_INTEQ(g.status, 529);
	T_INTEQ(g.retry_after_ms, 2000);
	T_CONTAINS(g.body, "overloaded_error");
	T_ASSERT(strncmp(g.request_id, "req_fake", 8) == 0);
	got_release(&g);
}

static void
test_should_retry(void)
{
	struct got g = { 0 };

	run1("/v1/chat/completions", "fault:x-should-retry=false", NULL, &g);
	T_INTEQ(g.status, 503);
	T_INTEQ(g.should_retry, 0);
	got_release(&g);
	run1("/v1/chat/completions", "fault:500 x-should-retry=true", NULL, &g);
	T_INTEQ(g.status, 500);
	T_INTEQ(g.should_retry, 1);
	got_release(&g);
	run1("/v1/chat/completions", "fault:insufficient_quota", NULL, &g);
	T_INTEQ(g.status, 429);
	T_INTEQ(g.should_retry, -1);
	T_CONTAINS(g.body, "\"code\": \"insufficient_quota\"");
	got_release(&g);
}

/*
 * A loopback port nothing listens on: bound by a socket that does not
 * listen, so that no other process can take it until *fd is closed, and a
 * connection is refused.
 */
static int
dead_port(int *fd)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int s, port;

	s = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s == -1 || bind(s, (struct sockaddr *)&sa, sizeof(sa)) == -1 ||
	    getsockname(s, (struct sockaddr *)&sa, &len) == -1) {
		perror("socket");
		exit(2);
	}
	port = ntohs(sa.sin_port);
	*fd = s;
	return port;
}

static void
test_connect_refused(void)
{
	struct got g = { 0 };
	char url[256];
	int fd;

	/* The key in the user info and the query must not leak either. */
	snprintf(url, sizeof(url), "http://user:%s@127.0.0.1:%d/v1/chat/"
	    "completions?key=%s", KEY, dead_port(&fd), KEY);
	run1(url, "hello", NULL, &g);
	close(fd);
	T_INTEQ(g.status, 0);
	T_INTEQ(g.transport, MORPH_HTTP_E_CONNECT);
	T_CONTAINS(g.errmsg, "cannot connect to '127.0.0.1:");
	T_CONTAINS(g.errmsg, "refused");
	T_ASSERT(strstr(g.errmsg, "user") == NULL);
	T_ASSERT(strstr(g.errmsg, "SECRET") == NULL);
	T_INTEQ(g.len, 0);
	got_release(&g);
}

static void
test_timeout(void)
{
	struct morph_http_opts opts = MORPH_HTTP_OPTS_INIT;
	struct got g = { 0 };

	/*
	 * The reply would come after 5 s with a 200: only the timeout can
	 * make it an error, however slow the machine.
	 */
	opts.timeout_ms = 300;
	run1("/v1/chat/completions", "fault:timeout delay=5000", &opts, &g);
	T_INTEQ(g.status, 0);
	T_INTEQ(g.transport, MORPH_HTTP_E_TIMEOUT);
	T_CONTAINS(g.errmsg, "no reply in time from '127.0.0.1:");
	T_ASSERT(g.total_us >= 250000);
	got_release(&g);
}

static void
test_reset(void)
{
	static const char *const msgs[] = { "fault:reset", "fault:hangup" };
	struct got g = { 0 };
	size_t i;

	for (i = 0; i < 2; i++) {
		run1("/v1/chat/completions", msgs[i], NULL, &g);
		T_INTEQ(g.status, 0);
		T_INTEQ(g.transport, MORPH_HTTP_E_RESET);
		T_CONTAINS(g.errmsg, "connection to '127.0.0.1:");
		T_INTEQ(g.len, 0);
		got_release(&g);
	}
	/* A whole HTTP answer whose JSON is cut is not a transport error. */
	run1("/v1/chat/completions", "fault:truncate", NULL, &g);
	T_INTEQ(g.status, 200);
	T_INTEQ(g.transport, 0);
	T_ASSERT(g.len > 0 && g.body[g.len - 1] != '}');
	got_release(&g);
	run1("/v1/chat/completions", "fault:html", NULL, &g);
	T_INTEQ(g.status, 502);
	T_CONTAINS(g.body, "<html>");
	got_release(&g);
}

static void
test_toobig(void)
{
	static const char *const msgs[] = {
		/* Content-Length; chunked; gzip: 1 kB that inflates. */
		"fault:big size=1000000 identity",
		"fault:big size=1000000 identity chunked",
		"fault:big size=1000000",
	};
	struct morph_http_opts opts = MORPH_HTTP_OPTS_INIT;
	struct got g = { 0 };
	size_t i;

	opts.max_body = 65536;
	for (i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++) {
		run1("/v1/chat/completions", msgs[i], &opts, &g);
		T_INTEQ(g.status, 0);
		T_INTEQ(g.transport, MORPH_HTTP_E_TOOBIG);
		T_CONTAINS(g.errmsg, "is larger than 65536 bytes");
		T_INTEQ(g.len, 0);
		got_release(&g);
	}
	run1("/v1/chat/completions", "fault:big size=60000 chunked", &opts, &g);
	T_INTEQ(g.status, 200);
	T_INTEQ(g.transport, 0);
	T_ASSERT(g.len > 60000 && g.len <= 65536);
	got_release(&g);
}

/*
 * A reply whose header is over MORPH_HTTP_MAX_HEADER, in one line longer
 * than libcurl takes or in many lines, says so (not "out of memory", not
 * a dropped connection); one just under the limit is read.
 */
static void
test_bighead(void)
{
	static const char *const msgs[] = {
		"fault:bighead",			/* one 1 MiB line */
		"fault:bighead size=150000",		/* over libcurl's line */
		"fault:bighead size=80000",		/* under it, over ours */
		"fault:bighead lines=100",		/* over libcurl's total */
		"fault:bighead size=70000 lines=70",
	};
	struct got g = { 0 };
	char want[64];
	size_t i;

	snprintf(want, sizeof(want), "' is over %d bytes",
	    MORPH_HTTP_MAX_HEADER);
	for (i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++) {
		test_current = msgs[i];
		run1("/v1/chat/completions", msgs[i], NULL, &g);
		T_INTEQ(g.status, 0);
		T_INTEQ(g.transport, MORPH_HTTP_E_TOOBIG);
		T_CONTAINS(g.errmsg, "reply header from '127.0.0.1:");
		T_CONTAINS(g.errmsg, want);
		got_release(&g);
	}
	test_current = "under the limit";
	run1("/v1/chat/completions", "fault:bighead size=60000 lines=2", NULL,
	    &g);
	T_INTEQ(g.status, 200);
	T_INTEQ(g.transport, 0);
	T_CONTAINS(g.body, "unreachable");
	got_release(&g);
}

/*
 * The fake's gate (tests/tools/README.md): gate(path) posts to one of its
 * routes and waits for the answer.
 */
static void
gate(const char *path)
{
	struct got g = { 0 };

	run1(path, "", NULL, &g);
	T_INTEQ(g.status, 200);
	got_release(&g);
}

/* A wait on the gate that opens it when it ends (test_concurrent). */
struct gate_wait {
	struct morph_http	*http;
	struct got		 wait, release;
};

static void
gate_wait_done(void *arg, struct morph_http_result *r)
{
	struct gate_wait *w = arg;
	struct morph_request req;

	on_done(&w->wait, r);
	/* Whatever the wait saw, the held calls must end. */
	make_req(&req, "/__release", "");
	T_OK(morph_http_start(w->http, &req, NULL, on_done, &w->release));
	req_release(&req);
}

static void
test_concurrent(void)
{
	enum { N = 50 };
	static struct got g[N];
	struct gate_wait w;
	struct morph_request req;
	char msg[64], want[80];
	int i;

	/*
	 * With the fake holding every call, all N are in flight at once when
	 * it counts N held: proof of concurrency that no clock can spoil.
	 */
	memset(&w, 0, sizeof(w));
	gate("/__hold");
	T_OK(morph_http_new(&w.http));
	for (i = 0; i < N; i++) {
		snprintf(msg, sizeof(msg), "call %d", i);
		start(w.http, i % 2 ? "/v1/messages" : "/v1/chat/completions",
		    msg, NULL, &g[i]);
	}
	make_req(&req, "/__wait?held=50&timeout=60", "");
	T_OK(morph_http_start(w.http, &req, NULL, gate_wait_done, &w));
	req_release(&req);
	wait_all(w.http);
	T_INTEQ(w.wait.status, 200);
	T_CONTAINS(w.wait.body, "\"held\": 50");
	T_INTEQ(w.release.status, 200);
	got_release(&w.wait);
	got_release(&w.release);
	for (i = 0; i < N; i++) {
		T_INTEQ(g[i].done, 1);
		T_INTEQ(g[i].status, 200);
		snprintf(want, sizeof(want), "\"m1: call %d\"", i);
		T_CONTAINS(g[i].body, want);
		got_release(&g[i]);
	}
	morph_http_free(w.http);
}

/* The scheduler starts the next call from a done callback. */
struct chain {
	struct morph_http	*http;
	int			 left;
	struct got		 g;
};

static void
chain_done(void *arg, struct morph_http_result *r)
{
	struct chain *c = arg;
	struct morph_request req;

	on_done(&c->g, r);
	T_INTEQ(r->status, 200);
	if (--c->left > 0) {
		make_req(&req, "/api/chat", "again");
		T_OK(morph_http_start(c->http, &req, NULL, chain_done, c));
		req_release(&req);
	}
}

static void
test_start_from_callback(void)
{
	struct chain c = { NULL, 5, { 0 } };
	struct morph_request req;

	T_OK(morph_http_new(&c.http));
	make_req(&req, "/api/chat", "first");
	T_OK(morph_http_start(c.http, &req, NULL, chain_done, &c));
	req_release(&req);
	wait_all(c.http);
	T_INTEQ(c.left, 0);
	T_INTEQ(c.g.done, 5);
	T_CONTAINS(c.g.body, "\"content\": \"m1: again\"");
	got_release(&c.g);
	morph_http_free(c.http);
}

static void
test_once(void)
{
	struct got g = { 0 };

	run1("/v1/chat/completions", "unit once fault:once:500", NULL, &g);
	T_INTEQ(g.status, 500);
	got_release(&g);
	run1("/v1/chat/completions", "unit once fault:once:500", NULL, &g);
	T_INTEQ(g.status, 200);
	got_release(&g);
}

static void
test_free_running(void)
{
	struct morph_http *http;
	struct got g[5];
	int i;

	/* Held by the fake, they cannot end before the free. */
	memset(g, 0, sizeof(g));
	gate("/__hold");
	T_OK(morph_http_new(&http));
	for (i = 0; i < 5; i++)
		start(http, "/v1/chat/completions", "held", NULL, &g[i]);
	T_INTEQ(morph_http_wait(http, 100), 5);
	morph_http_free(http);
	gate("/__release");
	for (i = 0; i < 5; i++)
		T_INTEQ(g[i].done, 0);
	morph_http_free(NULL);
}

static void
test_idle_and_bad(void)
{
	struct morph_http *http;
	struct morph_request req;
	struct got g = { 0 };
	int64_t t0 = now_ms();

	/* Idle, it sleeps out the timeout: a scheduler waiting to retry
	 * must not spin. */
	T_OK(morph_http_new(&http));
	T_INTEQ(morph_http_wait(http, 300), 0);
	T_ASSERT(now_ms() - t0 >= 280);

	memset(&req, 0, sizeof(req));
	T_ERR(morph_http_start(http, &req, NULL, on_done, &g),
	    MORPH_ERR_INVALID);

	/* Only http and https, whatever a base URL says. */
	make_req(&req, "file:///etc/passwd", "x");
	T_OK(morph_http_start(http, &req, NULL, on_done, &g));
	req_release(&req);
	wait_all(http);
	T_INTEQ(g.done, 1);
	T_INTEQ(g.transport, MORPH_HTTP_E_OTHER);
	T_CONTAINS(g.errmsg, "request to 'file' failed: ");
	T_INTEQ(g.len, 0);
	got_release(&g);
	morph_http_free(http);
}

static void
test_wrong_key(void)
{
	static char *bad[] = { "Authorization: Bearer nope", NULL };
	struct morph_http *http;
	struct morph_request req;
	struct got g = { 0 };

	T_OK(morph_http_new(&http));
	make_req(&req, "/v1/chat/completions", "hi");
	req.headers = bad;
	req.nheaders = 1;
	T_OK(morph_http_start(http, &req, NULL, on_done, &g));
	req_release(&req);
	wait_all(http);
	T_INTEQ(g.status, 401);
	T_CONTAINS(g.body, "invalid_api_key");
	got_release(&g);
	morph_http_free(http);
}

static const struct test tests[] = {
	TEST(test_success),
	TEST(test_retry_after),
	TEST(test_should_retry),
	TEST(test_connect_refused),
	TEST(test_timeout),
	TEST(test_reset),
	TEST(test_toobig),
	TEST(test_bighead),
	TEST(test_concurrent),
	TEST(test_start_from_callback),
	TEST(test_once),
	TEST(test_free_running),
	TEST(test_idle_and_bad),
	TEST(test_wrong_key),
};

int
main(void)
{
	/* As the morph program must: libcurl runs with CURLOPT_NOSIGNAL. */
	signal(SIGPIPE, SIG_IGN);
	fake_start();
	return test_main(tests, sizeof(tests) / sizeof(tests[0]));
}
