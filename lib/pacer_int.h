/*
 * The pacer: how fast morph run may send to each provider, so that a run
 * against a rate limit finishes at the rate the provider allows instead
 * of failing its calls.
 *
 * A lane paces one stream of requests.  morph run keeps one lane per
 * endpoint (base URL and key variable) with the limits the user declared
 * for the provider, and under it one lane per model, since OpenAI,
 * Anthropic and Gemini set their limits per model.  A lane learns:
 *   - the limits an answer's headers state (OpenAI x-ratelimit-*,
 *     Anthropic anthropic-ratelimit-*: requests and tokens a minute);
 *   - from a refusal (a 429), to stop the whole lane for as long as the
 *     server asks (retry-after-ms, retry-after, Gemini's RetryInfo), else
 *     until the exhausted limit resets, else for a backoff; and to lower
 *     its rate (multiplicative decrease), which answers then raise again
 *     (by a tenth a second) up to what the headers allow;
 *   - how many tokens a request really takes, from the usage answers
 *     report: the estimates it charges are corrected afterwards.
 * Requests are spread at the rate allowed (GCRA, a virtual schedule per
 * limit), never sent in bursts.  A declared limit is strict: requests are
 * at least 60/rpm seconds apart, so no minute holds more than rpm.
 *
 * The pacer has no clock of its own: every call takes the time (now, in
 * microseconds of a monotonic clock), so that its tests inject time.  It
 * allocates only when a lane is made.
 */
#ifndef MORPH_PACER_INT_H
#define MORPH_PACER_INT_H

#include <stdint.h>

#include "morph/error.h"

struct morph_pacer;
struct morph_pacer_lane;

/* Limits a user declared; 0: none. */
struct morph_pacer_limits {
	double	rpm;		/* requests a minute */
	double	tpm;		/* input and output tokens a minute */
};

/* What a request was charged when it went, for morph_pacer_settle. */
struct morph_pacer_ticket {
	int64_t	sent;		/* us */
	int64_t	est_in;		/* the caller's input estimate */
	int64_t	tokens_in;	/* charged: est_in as the lane
				   corrects it */
	int64_t	tokens_out;	/* charged */
};

/* What came back for one request. */
struct morph_pacer_reply {
	long		 status;	/* HTTP status; 0: no answer */
	int		 refused;	/* refused for rate: a 429 to send
					   again */
	const char	*headers;	/* "name: value\n" lines of the rate
					   limit headers, or NULL */
	int64_t		 retry_after_ms; /* the server's hint (a header or
					   the body), or -1 */
	int64_t		 tokens_in;	/* usage reported; -1: unknown */
	int64_t		 tokens_out;
	int64_t		 wall_ms;	/* the wall clock now, for the
					   Anthropic resets (RFC 3339) */
};

/* The limit headers of one answer, in one shape for every dialect. */
enum {
	MORPH_PACER_REQ,	/* requests */
	MORPH_PACER_TOK,	/* input and output tokens */
	MORPH_PACER_IN,		/* input tokens */
	MORPH_PACER_OUT,	/* output tokens */
	MORPH_PACER_NRES
};
struct morph_pacer_seen {
	int64_t	limit[MORPH_PACER_NRES];	/* a minute; -1: not sent */
	int64_t	remaining[MORPH_PACER_NRES];	/* -1: not sent */
	int64_t	reset_ms[MORPH_PACER_NRES];	/* from now; -1: not sent */
};

/* Errors: NOMEM. */
const struct morph_error *morph_pacer_new(struct morph_pacer **out);
void	morph_pacer_free(struct morph_pacer *);

/*
 * The lane named key, made on first use under parent (NULL for none),
 * with the declared limits lim (NULL: none); when it exists already the
 * stricter of its limits and lim hold.  The pacer owns the lane.
 * Errors: NOMEM.
 */
const struct morph_error *morph_pacer_lane(struct morph_pacer_lane **out,
    struct morph_pacer *, const char *key, struct morph_pacer_lane *parent,
    const struct morph_pacer_limits *lim);

/*
 * When a request of about est_in input tokens and at most max_out output
 * tokens may go on lane (and its parent): now when it may go now, else a
 * later time.
 */
int64_t	morph_pacer_when(const struct morph_pacer_lane *, int64_t now,
	    int64_t est_in, int64_t max_out);

/* Whether the lane is stopped by a refusal at now (not merely paced). */
int	morph_pacer_stopped(const struct morph_pacer_lane *, int64_t now);

/*
 * A 429 has come back that morph_pacer_settle will read later: the lane
 * sends nothing until then (slots that free up meanwhile are not refilled
 * on a lane that was just refused).
 */
void	morph_pacer_refusing(struct morph_pacer_lane *);

/* A request goes now: charges lane and parent; fills *t. */
void	morph_pacer_sent(struct morph_pacer_lane *, int64_t now,
	    int64_t est_in, int64_t max_out, struct morph_pacer_ticket *t);

/* The request of ticket t ended with r: the lane learns from it. */
void	morph_pacer_settle(struct morph_pacer_lane *, int64_t now,
	    const struct morph_pacer_ticket *t,
	    const struct morph_pacer_reply *r);

/*
 * The requests a second the pacer holds its lanes to, summed over the
 * lanes that have a limit; 0 when none has.
 */
double	morph_pacer_rate(const struct morph_pacer *, int64_t now);

/* Reads the limit headers of one answer (lines "name: value\n"). */
void	morph_pacer_parse(struct morph_pacer_seen *, const char *headers,
	    int64_t wall_ms);

/* Microseconds of the monotonic clock: the now of the calls above. */
int64_t	morph_pacer_now(void);

#endif
