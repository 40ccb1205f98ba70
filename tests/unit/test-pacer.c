/*
 * The pacer (lib/pacer.c): the limit headers of each dialect, and how a
 * lane paces, learns, stops and recovers.  Time is injected: no test
 * reads a clock or sleeps.
 */
#include <stdint.h>

#include "test.h"
#include "pacer_int.h"

#define MS	1000		/* microseconds */
#define SEC	1000000

/* The wall clock of the Anthropic cases: 2026-12-04T10:00:00Z. */
#define WALL	1796378400000LL

static const struct {
	const char	*headers;
	int		 res;
	int64_t		 limit, remaining, reset_ms;
} header_cases[] = {
	/* OpenAI: a minute's limits, Go durations. */
	{ "x-ratelimit-limit-requests: 60\nx-ratelimit-remaining-requests: "
	  "59\nx-ratelimit-reset-requests: 1s\n", MORPH_PACER_REQ, 60, 59,
	  1000 },
	{ "x-ratelimit-limit-tokens: 150000\r\nx-ratelimit-remaining-tokens: "
	  "149984\r\nx-ratelimit-reset-tokens: 6m0s\r\n", MORPH_PACER_TOK,
	  150000, 149984, 360000 },
	{ "X-RateLimit-Limit-Requests:  2400 \nX-RateLimit-Reset-Requests: "
	  "12ms", MORPH_PACER_REQ, 2400, -1, 12 },
	{ "x-ratelimit-reset-requests: 1h2m3.5s\n", MORPH_PACER_REQ, -1, -1,
	  3723500 },
	{ "x-ratelimit-reset-requests: 0.5s\n", MORPH_PACER_REQ, -1, -1, 500 },
	{ "x-ratelimit-reset-requests: 20us\n", MORPH_PACER_REQ, -1, -1, 1 },
	{ "x-ratelimit-reset-requests: 5x\n", MORPH_PACER_REQ, -1, -1, -1 },
	{ "x-ratelimit-reset-requests: \n", MORPH_PACER_REQ, -1, -1, -1 },
	{ "x-ratelimit-limit-requests: many\n", MORPH_PACER_REQ, -1, -1, -1 },
	{ "x-ratelimit-limit-requests: 59.9\n", MORPH_PACER_REQ, 59, -1, -1 },
	/* Anthropic: RFC 3339 resets against the wall clock. */
	{ "anthropic-ratelimit-requests-limit: 50\n"
	  "anthropic-ratelimit-requests-remaining: 0\n"
	  "anthropic-ratelimit-requests-reset: 2026-12-04T10:00:05Z\n",
	  MORPH_PACER_REQ, 50, 0, 5000 },
	{ "anthropic-ratelimit-input-tokens-limit: 40000\n"
	  "anthropic-ratelimit-input-tokens-remaining: 39000\n"
	  "anthropic-ratelimit-input-tokens-reset: 2026-12-04T10:00:01.5Z\n",
	  MORPH_PACER_IN, 40000, 39000, 1500 },
	{ "anthropic-ratelimit-output-tokens-limit: 8000\n"
	  "anthropic-ratelimit-output-tokens-reset: "
	  "2026-12-04T11:00:02+01:00\n", MORPH_PACER_OUT, 8000, -1, 2000 },
	{ "anthropic-ratelimit-tokens-limit: 48000\n"
	  "anthropic-ratelimit-tokens-reset: 2026-12-04T09:59:00Z\n",
	  MORPH_PACER_TOK, 48000, -1, 0 },
	{ "anthropic-ratelimit-requests-reset: 2026-13-04T10:00:05Z\n",
	  MORPH_PACER_REQ, -1, -1, -1 },
	{ "anthropic-ratelimit-requests-reset: yesterday\n", MORPH_PACER_REQ,
	  -1, -1, -1 },
	/* Other headers, and lines that are no header, are ignored. */
	{ "retry-after: 3\nx-ratelimit-limit-requests\n: 5\n",
	  MORPH_PACER_REQ, -1, -1, -1 },
	{ "", MORPH_PACER_REQ, -1, -1, -1 },
};

static void
test_headers(void)
{
	struct morph_pacer_seen seen;
	size_t i;

	for (i = 0; i < sizeof(header_cases) / sizeof(header_cases[0]); i++) {
		morph_pacer_parse(&seen, header_cases[i].headers, WALL);
		if (seen.limit[header_cases[i].res] != header_cases[i].limit ||
		    seen.remaining[header_cases[i].res] !=
		    header_cases[i].remaining ||
		    seen.reset_ms[header_cases[i].res] !=
		    header_cases[i].reset_ms)
			T_FAIL("case %zu: limit %lld remaining %lld reset "
			    "%lld, expected %lld %lld %lld", i,
			    (long long)seen.limit[header_cases[i].res],
			    (long long)seen.remaining[header_cases[i].res],
			    (long long)seen.reset_ms[header_cases[i].res],
			    (long long)header_cases[i].limit,
			    (long long)header_cases[i].remaining,
			    (long long)header_cases[i].reset_ms);
	}
	morph_pacer_parse(&seen, NULL, WALL);
	T_INTEQ(seen.limit[MORPH_PACER_OUT], -1);
}

/* A reply of status with headers h (and no usage) for the lane. */
static struct morph_pacer_reply
reply(long status, const char *h, int64_t retry_after_ms)
{
	struct morph_pacer_reply r;

	memset(&r, 0, sizeof(r));
	r.status = status;
	r.refused = status == 429;
	r.headers = h;
	r.retry_after_ms = retry_after_ms;
	r.tokens_in = r.tokens_out = -1;
	r.wall_ms = WALL;
	return r;
}

/*
 * Sends as fast as lane allows from t0 until t1, each answered at once
 * (when answer); returns how many went, and the shortest gap in *gap.
 */
static int
greedy(struct morph_pacer_lane *lane, int64_t t0, int64_t t1, int answer,
    int64_t *gap)
{
	struct morph_pacer_ticket t;
	struct morph_pacer_reply r = reply(200, NULL, -1);
	int64_t now = t0, last = -1, w;
	int n = 0;

	*gap = INT64_MAX;
	while (now < t1) {
		if ((w = morph_pacer_when(lane, now, 10, 10)) > now) {
			now = w;
			continue;
		}
		morph_pacer_sent(lane, now, 10, 10, &t);
		if (answer)
			morph_pacer_settle(lane, now, &t, &r);
		if (last >= 0 && now - last < *gap)
			*gap = now - last;
		last = now;
		n++;
	}
	return n;
}

/* A declared rpm spaces requests 60/rpm s apart, from the first. */
static void
test_declared(void)
{
	struct morph_pacer_limits lim = { 600, 0 };
	struct morph_pacer_lane *lane;
	struct morph_pacer *p;
	int64_t gap;

	T_OK(morph_pacer_new(&p));
	T_OK(morph_pacer_lane(&lane, p, "e", NULL, &lim));
	T_INTEQ(greedy(lane, 0, SEC, 1, &gap), 10);
	T_INTEQ(gap, 100 * MS);
	/* After a long idle time, still no burst. */
	T_INTEQ(greedy(lane, 60 * SEC, 61 * SEC, 1, &gap), 10);
	T_INTEQ(gap, 100 * MS);
	T_ASSERT(morph_pacer_rate(p, 0) > 9.99 && morph_pacer_rate(p, 0) <
	    10.01);
	/* The same key is the same lane; the stricter limit holds. */
	lim.rpm = 1200;
	T_OK(morph_pacer_lane(&lane, p, "e", NULL, &lim));
	T_INTEQ(greedy(lane, 120 * SEC, 121 * SEC, 1, &gap), 10);
	lim.rpm = 300;
	T_OK(morph_pacer_lane(&lane, p, "e", NULL, &lim));
	T_INTEQ(greedy(lane, 180 * SEC, 181 * SEC, 1, &gap), 5);
	morph_pacer_free(p);
}

/* A provider's limit holds for its models together. */
static void
test_parent(void)
{
	struct morph_pacer_limits lim = { 600, 0 };
	struct morph_pacer_lane *endpoint, *a, *b;
	struct morph_pacer_ticket t;
	struct morph_pacer *p;
	int64_t now = 0;
	int n = 0;

	T_OK(morph_pacer_new(&p));
	T_OK(morph_pacer_lane(&endpoint, p, "e", NULL, &lim));
	T_OK(morph_pacer_lane(&a, p, "e\na", endpoint, NULL));
	T_OK(morph_pacer_lane(&b, p, "e\nb", endpoint, NULL));
	while (now < SEC) {
		if (morph_pacer_when(a, now, 1, 1) <= now) {
			morph_pacer_sent(a, now, 1, 1, &t);
			n++;
		}
		if (morph_pacer_when(b, now, 1, 1) <= now) {
			morph_pacer_sent(b, now, 1, 1, &t);
			n++;
		}
		now += MS;
	}
	T_INTEQ(n, 10);
	morph_pacer_free(p);
}

/*
 * Limits stated by an answer's headers pace the lane: 2400 a minute is
 * 40 a second, spread out, the first one without a burst.
 */
static void
test_learned(void)
{
	struct morph_pacer_reply r;
	struct morph_pacer_ticket t;
	struct morph_pacer_lane *lane;
	struct morph_pacer *p;
	int64_t gap;

	T_OK(morph_pacer_new(&p));
	T_OK(morph_pacer_lane(&lane, p, "e\nm", NULL, NULL));
	T_INTEQ(morph_pacer_when(lane, 0, 10, 10), 0);
	T_INTEQ(morph_pacer_rate(p, 0), 0);
	morph_pacer_sent(lane, 0, 10, 10, &t);
	r = reply(200, "x-ratelimit-limit-requests: 2400\n"
	    "x-ratelimit-remaining-requests: 2399\n", -1);
	morph_pacer_settle(lane, 50 * MS, &t, &r);
	T_INTEQ(morph_pacer_when(lane, 50 * MS, 10, 10), 50 * MS);
	T_INTEQ(greedy(lane, 50 * MS, 50 * MS + SEC, 1, &gap), 40);
	T_ASSERT(gap >= 25 * MS - 1);
	T_ASSERT(morph_pacer_rate(p, 0) > 39.9 && morph_pacer_rate(p, 0) <
	    40.1);
	/* None left: not before a request's interval. */
	morph_pacer_sent(lane, 2 * SEC, 10, 10, &t);
	r = reply(200, "x-ratelimit-limit-requests: 2400\n"
	    "x-ratelimit-remaining-requests: 0\n", -1);
	morph_pacer_settle(lane, 2 * SEC, &t, &r);
	T_INTEQ(morph_pacer_when(lane, 2 * SEC, 10, 10), 2 * SEC + 25 * MS);
	morph_pacer_free(p);
}

/*
 * A refusal stops the whole lane for as long as the server asks, then
 * a margin of two intervals; the rate drops, and answers raise it again
 * up to the limit the headers state.
 */
static void
test_refusal(void)
{
	static const char h[] = "x-ratelimit-limit-requests: 6000\n";
	struct morph_pacer_reply ok = reply(200, h, -1), no;
	struct morph_pacer_ticket t, t2;
	struct morph_pacer_lane *lane;
	struct morph_pacer *p;
	int64_t now, gap, w;
	int n;

	T_OK(morph_pacer_new(&p));
	T_OK(morph_pacer_lane(&lane, p, "e\nm", NULL, NULL));
	morph_pacer_sent(lane, 0, 10, 10, &t);
	morph_pacer_settle(lane, 0, &t, &ok);		/* 100 a second */
	T_INTEQ(greedy(lane, 0, SEC, 1, &gap), 100);
	/* Two in flight when the server refuses: one decrease only. */
	morph_pacer_sent(lane, SEC, 10, 10, &t);
	morph_pacer_sent(lane, SEC + 10 * MS, 10, 10, &t2);
	no = reply(429, h, 300);
	morph_pacer_settle(lane, SEC + 20 * MS, &t, &no);
	T_ASSERT(morph_pacer_stopped(lane, SEC + 20 * MS));
	T_ASSERT(!morph_pacer_stopped(lane, SEC + 320 * MS));
	w = morph_pacer_when(lane, SEC + 20 * MS, 10, 10);
	/* 300 ms, then two intervals of the lowered rate (70 a second). */
	T_ASSERT(w >= SEC + 320 * MS + 2 * SEC / 100);
	T_ASSERT(w <= SEC + 320 * MS + 2 * SEC / 70 + MS);
	T_ASSERT(morph_pacer_rate(p, 0) > 69 && morph_pacer_rate(p, 0) < 71);
	no = reply(429, h, 0);
	morph_pacer_settle(lane, SEC + 21 * MS, &t2, &no);
	T_ASSERT(morph_pacer_rate(p, 0) > 69 && morph_pacer_rate(p, 0) < 71);
	/* Answers raise the rate by a tenth a second, to the limit. */
	now = w;
	n = greedy(lane, now, now + SEC, 1, &gap);
	T_ASSERT(n > 70 && n < 85);
	/* 70 x e^(0.1 x 1.33 s) since the decrease: 80. */
	T_ASSERT(morph_pacer_rate(p, 0) > 78 && morph_pacer_rate(p, 0) < 82);
	(void)greedy(lane, now + SEC, now + 10 * SEC, 1, &gap);
	T_INTEQ(morph_pacer_rate(p, 0), 100);
	n = greedy(lane, now + 10 * SEC, now + 11 * SEC, 1, &gap);
	T_ASSERT(n >= 99 && n <= 101);
	morph_pacer_free(p);
}

/*
 * Without a hint, a refusal stops the lane until the limit that ran out
 * resets, else for a backoff that doubles with refusals in a row.
 */
static void
test_pause(void)
{
	struct morph_pacer_reply r;
	struct morph_pacer_ticket t;
	struct morph_pacer_lane *lane;
	struct morph_pacer *p;

	T_OK(morph_pacer_new(&p));
	T_OK(morph_pacer_lane(&lane, p, "e\nm", NULL, NULL));
	morph_pacer_sent(lane, 0, 10, 10, &t);
	r = reply(429, "x-ratelimit-remaining-tokens: 0\n"
	    "x-ratelimit-reset-tokens: 2s\n"
	    "x-ratelimit-remaining-requests: 5\n"
	    "x-ratelimit-reset-requests: 1s\n", -1);
	morph_pacer_settle(lane, 0, &t, &r);
	T_ASSERT(morph_pacer_stopped(lane, 2 * SEC - 1));
	T_ASSERT(!morph_pacer_stopped(lane, 2 * SEC));
	morph_pacer_sent(lane, 10 * SEC, 10, 10, &t);
	r = reply(429, NULL, -1);
	morph_pacer_settle(lane, 10 * SEC, &t, &r);
	T_ASSERT(!morph_pacer_stopped(lane, 11 * SEC));
	T_ASSERT(morph_pacer_stopped(lane, 11 * SEC - 1));
	morph_pacer_sent(lane, 11 * SEC, 10, 10, &t);
	morph_pacer_settle(lane, 11 * SEC, &t, &r);
	T_ASSERT(morph_pacer_stopped(lane, 13 * SEC - 1));
	T_ASSERT(!morph_pacer_stopped(lane, 13 * SEC));
	morph_pacer_free(p);
}

/*
 * Requests sent before any reply came back were sent blind: refusing
 * them lowers no rate, and a lane with no rate then probes, one request
 * at a time, until an answer comes back.
 */
static void
test_blind(void)
{
	struct morph_pacer_reply no = reply(429, NULL, 10), ok;
	struct morph_pacer_ticket t[4], probe;
	struct morph_pacer_lane *lane;
	struct morph_pacer *p;
	int i;

	T_OK(morph_pacer_new(&p));
	T_OK(morph_pacer_lane(&lane, p, "e\nm", NULL, NULL));
	for (i = 0; i < 4; i++)
		morph_pacer_sent(lane, 0, 10, 10, &t[i]);
	for (i = 0; i < 4; i++)
		morph_pacer_settle(lane, MS, &t[i], &no);
	T_INTEQ(morph_pacer_rate(p, 0), 0);	/* no rate lowered */
	T_INTEQ(morph_pacer_when(lane, MS, 10, 10), 11 * MS);
	morph_pacer_sent(lane, 11 * MS, 10, 10, &probe);
	T_ASSERT(morph_pacer_when(lane, 12 * MS, 10, 10) > 12 * MS);
	T_ASSERT(morph_pacer_stopped(lane, 12 * MS));
	ok = reply(200, NULL, -1);
	morph_pacer_settle(lane, 20 * MS, &probe, &ok);
	T_INTEQ(morph_pacer_when(lane, 20 * MS, 10, 10), 20 * MS);
	T_ASSERT(!morph_pacer_stopped(lane, 20 * MS));
	/* A refusal that came back holds the lane until it is read. */
	morph_pacer_sent(lane, 30 * MS, 10, 10, &probe);
	morph_pacer_refusing(lane);
	T_ASSERT(morph_pacer_when(lane, 31 * MS, 10, 10) > 31 * MS);
	T_ASSERT(morph_pacer_stopped(lane, 31 * MS));
	no = reply(429, NULL, 0);
	morph_pacer_settle(lane, 32 * MS, &probe, &no);
	T_ASSERT(!morph_pacer_stopped(lane, 32 * MS));
	morph_pacer_free(p);
}

/*
 * Without any stated limit, a refusal after the first reply lowers the
 * rate to 0.7 of what the lane was sending.
 */
static void
test_open(void)
{
	struct morph_pacer_reply ok = reply(200, NULL, -1), no;
	struct morph_pacer_ticket t;
	struct morph_pacer_lane *lane;
	struct morph_pacer *p;
	int64_t now;

	T_OK(morph_pacer_new(&p));
	T_OK(morph_pacer_lane(&lane, p, "e\nm", NULL, NULL));
	/* 50 a second for a second, each answered. */
	for (now = 0; now < SEC; now += 20 * MS) {
		T_INTEQ(morph_pacer_when(lane, now, 10, 10), now);
		morph_pacer_sent(lane, now, 10, 10, &t);
		morph_pacer_settle(lane, now, &t, &ok);
	}
	morph_pacer_sent(lane, now, 10, 10, &t);
	no = reply(429, NULL, 0);
	morph_pacer_settle(lane, now, &t, &no);
	T_ASSERT(morph_pacer_rate(p, 0) > 34.9 && morph_pacer_rate(p, 0) <
	    35.1);
	morph_pacer_free(p);
}

/*
 * Tokens: the estimates a request is charged are corrected from the
 * usage it reports, and the next estimates learn from it.
 */
static void
test_tokens(void)
{
	struct morph_pacer_limits lim = { 0, 6000 };	/* 100 a second */
	struct morph_pacer_reply r = reply(200, NULL, -1);
	struct morph_pacer_ticket t;
	struct morph_pacer_lane *lane;
	struct morph_pacer *p;

	T_OK(morph_pacer_new(&p));
	T_OK(morph_pacer_lane(&lane, p, "e\nm", NULL, &lim));
	morph_pacer_sent(lane, 0, 40, 60, &t);
	T_INTEQ(t.tokens_in, 40);
	T_INTEQ(t.tokens_out, 60);
	T_INTEQ(morph_pacer_when(lane, 0, 40, 60), SEC);	/* 100 tokens */
	/* It took 20 and 10: the 70 not taken come back. */
	r.tokens_in = 20;
	r.tokens_out = 10;
	morph_pacer_settle(lane, 0, &t, &r);
	T_INTEQ(morph_pacer_when(lane, 0, 40, 60), 300 * MS);
	/* Now a request like it is expected to take 20 + 10. */
	morph_pacer_sent(lane, 300 * MS, 40, 60, &t);
	T_INTEQ(t.tokens_in, 20);
	T_INTEQ(t.tokens_out, 10);
	T_INTEQ(morph_pacer_when(lane, 300 * MS, 40, 60), 600 * MS);
	/* A failure without usage refunds what it was charged. */
	r = reply(500, NULL, -1);
	morph_pacer_settle(lane, 300 * MS, &t, &r);
	T_INTEQ(morph_pacer_when(lane, 300 * MS, 40, 60), 300 * MS);
	morph_pacer_free(p);
}

/*
 * Anthropic's input and output limits each pace the lane, from the
 * estimates, the output one from max_tokens until usage comes back.
 */
static void
test_input_output(void)
{
	struct morph_pacer_reply r;
	struct morph_pacer_ticket t;
	struct morph_pacer_lane *lane;
	struct morph_pacer *p;

	T_OK(morph_pacer_new(&p));
	T_OK(morph_pacer_lane(&lane, p, "e\nm", NULL, NULL));
	morph_pacer_sent(lane, 0, 100, 100, &t);
	r = reply(200, "anthropic-ratelimit-input-tokens-limit: 60000\n"
	    "anthropic-ratelimit-output-tokens-limit: 6000\n", -1);
	r.tokens_in = 100;
	r.tokens_out = 100;
	morph_pacer_settle(lane, 0, &t, &r);
	/* 1000 input and 100 output tokens a second: output decides. */
	T_INTEQ(morph_pacer_when(lane, 0, 100, 100), 0);
	morph_pacer_sent(lane, 0, 100, 100, &t);
	T_INTEQ(morph_pacer_when(lane, 0, 100, 100), SEC);
	T_ASSERT(morph_pacer_rate(p, 0) > 0.99 && morph_pacer_rate(p, 0) <
	    1.01);
	morph_pacer_free(p);
}

static const struct test tests[] = {
	TEST(test_headers),
	TEST(test_declared),
	TEST(test_parent),
	TEST(test_learned),
	TEST(test_refusal),
	TEST(test_pause),
	TEST(test_blind),
	TEST(test_open),
	TEST(test_tokens),
	TEST(test_input_output),
};

TEST_MAIN(tests)
