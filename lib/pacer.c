/*
 * The pacer (pacer_int.h): lanes of virtual schedules, one per limit,
 * learned from the limit headers of answers and from refusals.
 *
 * Invariants:
 *  1. A limit is a bucket: a rate (units a second) and the virtual time
 *     next at which the next request is due (GCRA).  A request may go
 *     once now reaches next, less that request's own interval for a
 *     learned limit (so that a loop waking a little late keeps the pace
 *     and does not drift below it) and less nothing for a declared limit
 *     (which is never passed).  Sending moves next one interval on from
 *     max(next, now): requests are spread out, not sent in bursts.
 *  2. What a lane learns never raises a declared limit: every bucket
 *     that has a rate holds, and the strictest decides.
 *  3. A refusal lowers the rate at most once for the requests in flight
 *     together: a refusal of a request sent before the last decrease
 *     (the epoch) was sent at the old rate and says nothing new.  The
 *     same holds when a limit is learned or changes.
 *  4. Refusals of requests sent before the lane's first reply were sent
 *     blind, all at once: they stop the lane for a while but lower no
 *     rate, and until an answer comes back a lane without any rate sends
 *     one request at a time (it probes).
 *  5. Tokens are charged as estimates when a request goes and corrected
 *     when its answer reports its usage; a refusal refunds them.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "pacer_int.h"

/* A refusal multiplies the rate by BETA; answers add GROWTH a second. */
#define BETA		0.7
#define GROWTH		0.1
/* No lane goes slower than a request a minute. */
#define FLOOR		(1.0 / 60)
/* Send times kept per lane, to measure its rate. */
#define RING		64
/* A lower rate nobody has needed for this long is forgotten. */
#define QUIET_US	10000000
/* Requests' intervals a lane waits beyond a refusal's pause: margin(). */
#define MARGIN		2
/* A probing lane looks again this soon for its reply. */
#define PROBE_POLL_US	20000
/* Without a hint, a refusal stops the lane 0.5 s, doubling to 8 s. */
#define BACKOFF_MS	500
#define BACKOFF_MAX_MS	8000

enum {
	B_DREQ,		/* declared: requests */
	B_DTOK,		/* declared: tokens */
	B_LREQ,		/* learned from headers */
	B_LTOK,
	B_LIN,
	B_LOUT,
	B_AIMD,		/* lowered by refusals, raised by answers */
	NB
};

/* What each bucket counts, and whether it is strict (declared). */
static const int unit_of[NB] = {
	MORPH_PACER_REQ, MORPH_PACER_TOK, MORPH_PACER_REQ, MORPH_PACER_TOK,
	MORPH_PACER_IN, MORPH_PACER_OUT, MORPH_PACER_REQ,
};
static const int strict_of[NB] = { 1, 1, 0, 0, 0, 0, 0 };
static const int learned_of[MORPH_PACER_NRES] = {
	B_LREQ, B_LTOK, B_LIN, B_LOUT,
};

struct bucket {
	double	 rate;		/* units a second; 0: no limit */
	double	 next;		/* us: when the next request is due */
	int64_t	 since;		/* us: when it got its rate */
};

struct morph_pacer_lane {
	struct morph_pacer_lane	*next_lane;	/* every lane of the pacer */
	struct morph_pacer_lane	*parent;
	char			*key;
	int			 is_parent;
	struct bucket		 b[NB];
	int64_t			 hold;		/* stopped until: a refusal */
	int64_t			 epoch;		/* invariant 3 */
	int64_t			 grown;		/* the last increase */
	int64_t			 first_reply;	/* invariant 4 */
	int			 replied;
	int			 probing;
	int			 inflight;
	int			 refusing;	/* refusals not settled yet */
	int			 refusals;	/* in a row, for the backoff */
	int64_t			 last_refusal;
	double			 in_ratio;	/* reported input / estimate */
	int			 in_samples;
	double			 out_avg;	/* reported output; -1: none */
	double			 avg_in;	/* averages of the estimates */
	double			 avg_out;	/* asked for */
	int			 estimated;
	int64_t			 sends[RING];
	unsigned		 nsends;
};

struct morph_pacer {
	struct morph_pacer_lane	*lanes;
};

int64_t
morph_pacer_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

const struct morph_error *
morph_pacer_new(struct morph_pacer **out)
{
	if ((*out = calloc(1, sizeof(**out))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	return NULL;
}

void
morph_pacer_free(struct morph_pacer *p)
{
	struct morph_pacer_lane *l;

	if (p == NULL)
		return;
	while ((l = p->lanes) != NULL) {
		p->lanes = l->next_lane;
		free(l->key);
		free(l);
	}
	free(p);
}

/* Sets a declared limit of per_minute, keeping the stricter. */
static void
declare(struct bucket *b, double per_minute)
{
	double r = per_minute / 60;

	if (per_minute > 0 && (b->rate <= 0 || r < b->rate))
		b->rate = r;
}

const struct morph_error *
morph_pacer_lane(struct morph_pacer_lane **out, struct morph_pacer *p,
    const char *key, struct morph_pacer_lane *parent,
    const struct morph_pacer_limits *lim)
{
	struct morph_pacer_lane *l;

	for (l = p->lanes; l != NULL; l = l->next_lane)
		if (strcmp(l->key, key) == 0)
			break;
	if (l == NULL) {
		if ((l = calloc(1, sizeof(*l))) == NULL ||
		    (l->key = strdup(key)) == NULL) {
			free(l);
			return morph_error(MORPH_ERR_NOMEM);
		}
		l->parent = parent;
		l->in_ratio = 1;
		l->out_avg = -1;
		l->next_lane = p->lanes;
		p->lanes = l;
		if (parent != NULL)
			parent->is_parent = 1;
	}
	if (lim != NULL) {
		declare(&l->b[B_DREQ], lim->rpm);
		declare(&l->b[B_DTOK], lim->tpm);
	}
	*out = l;
	return NULL;
}

/* The tokens l expects a request to take: its estimates, corrected. */
static void
estimate(const struct morph_pacer_lane *l, int64_t est_in, int64_t max_out,
    double *in, double *out)
{
	*in = est_in > 0 ? ceil((double)est_in * l->in_ratio) : 0;
	*out = max_out > 0 ? (double)max_out : 0;
	if (l->out_avg >= 0 && (max_out <= 0 || l->out_avg < *out))
		*out = ceil(l->out_avg);
}

/* The tokens of l's typical request, as estimate() corrects them. */
static void
typical(const struct morph_pacer_lane *l, double *in, double *out)
{
	estimate(l, (int64_t)l->avg_in, (int64_t)l->avg_out, in, out);
}

static double
units(int unit, double in, double out)
{
	switch (unit) {
	case MORPH_PACER_REQ:
		return 1;
	case MORPH_PACER_TOK:
		return in + out;
	case MORPH_PACER_IN:
		return in;
	default:
		return out;
	}
}

/* When l's own limits let a request of in and out tokens go. */
static double
lane_when(const struct morph_pacer_lane *l, double in, double out)
{
	const struct bucket *b;
	double t = (double)l->hold, u, due;
	int i;

	for (i = 0; i < NB; i++) {
		b = &l->b[i];
		if (b->rate <= 0)
			continue;
		u = units(unit_of[i], in, out);
		due = b->next - (strict_of[i] ? 0 : u / b->rate * 1e6);
		if (due > t)
			t = due;
	}
	return t;
}

int64_t
morph_pacer_when(const struct morph_pacer_lane *l, int64_t now,
    int64_t est_in, int64_t max_out)
{
	double in, out, t;

	estimate(l, est_in, max_out, &in, &out);
	t = lane_when(l, in, out);
	if (l->parent != NULL && lane_when(l->parent, in, out) > t)
		t = lane_when(l->parent, in, out);
	/*
	 * A probe is out (invariant 4), or a refusal waits to be read: look
	 * again soon.
	 */
	if (((l->probing && l->inflight > 0) || l->refusing > 0) &&
	    t < (double)(now + PROBE_POLL_US))
		t = (double)(now + PROBE_POLL_US);
	if (t <= (double)now)
		return now;
	return t > 9e18 ? INT64_MAX : (int64_t)ceil(t);
}

int
morph_pacer_stopped(const struct morph_pacer_lane *l, int64_t now)
{
	return l->hold > now || (l->probing && l->inflight > 0) ||
	    l->refusing > 0;
}

void
morph_pacer_refusing(struct morph_pacer_lane *l)
{
	l->refusing++;
}

/* Moves l's schedules on by a request of in and out tokens sent now. */
static void
charge(struct morph_pacer_lane *l, int64_t now, double in, double out)
{
	struct bucket *b;
	int i;

	for (i = 0; i < NB; i++) {
		b = &l->b[i];
		if (b->rate <= 0)
			continue;
		if (b->next < (double)now)
			b->next = (double)now;
		b->next += units(unit_of[i], in, out) / b->rate * 1e6;
	}
}

static double
ewma(double avg, double v, int first)
{
	return first ? v : 0.8 * avg + 0.2 * v;
}

void
morph_pacer_sent(struct morph_pacer_lane *l, int64_t now, int64_t est_in,
    int64_t max_out, struct morph_pacer_ticket *t)
{
	double in, out;

	estimate(l, est_in, max_out, &in, &out);
	charge(l, now, in, out);
	if (l->parent != NULL)
		charge(l->parent, now, in, out);
	l->avg_in = ewma(l->avg_in, (double)est_in, !l->estimated);
	l->avg_out = ewma(l->avg_out, (double)max_out, !l->estimated);
	l->estimated = 1;
	l->inflight++;
	l->sends[l->nsends++ % RING] = now;
	t->sent = now;
	t->est_in = est_in;
	t->tokens_in = (int64_t)in;
	t->tokens_out = (int64_t)out;
}

/*
 * Corrects the token schedules of l for a request charged t that took in
 * and out tokens (invariant 5).
 */
static void
correct(struct morph_pacer_lane *l, const struct morph_pacer_ticket *t,
    double in, double out)
{
	struct bucket *b;
	double d;
	int i;

	for (i = 0; i < NB; i++) {
		b = &l->b[i];
		/* Only what charged t: a limit learned since did not. */
		if (b->rate <= 0 || unit_of[i] == MORPH_PACER_REQ ||
		    t->sent < b->since)
			continue;
		d = units(unit_of[i], in, out) - units(unit_of[i],
		    (double)t->tokens_in, (double)t->tokens_out);
		b->next += d / b->rate * 1e6;
	}
}

static void
correct_all(struct morph_pacer_lane *l, const struct morph_pacer_ticket *t,
    double in, double out)
{
	correct(l, t, in, out);
	if (l->parent != NULL)
		correct(l->parent, t, in, out);
}

/*
 * The requests a second l has sent in the last second: over the span
 * they cover, so that the first second of a run is not taken for a slow
 * one; at least one.
 */
static double
measured(const struct morph_pacer_lane *l, int64_t now)
{
	int64_t oldest = now, newest = 0, t;
	unsigned i, n = l->nsends < RING ? l->nsends : RING, in = 0;

	for (i = 0; i < n; i++) {
		t = l->sends[i];
		if (t <= now - 1000000)
			continue;
		in++;
		if (t < oldest)
			oldest = t;
		if (t > newest)
			newest = t;
	}
	if (in >= 2 && newest > oldest)
		return (in - 1) * 1e6 / (double)(newest - oldest);
	return in > 0 ? (double)in : 1;
}

/*
 * The requests a second l's limits allow, the lowered rate among them
 * when with_aimd; 0 when none limits it.
 */
static double
req_rate(const struct morph_pacer_lane *l, int with_aimd)
{
	double r = 0, u, v, in, out;
	int i;

	typical(l, &in, &out);
	for (i = 0; i < NB; i++) {
		if (l->b[i].rate <= 0 || (i == B_AIMD && !with_aimd))
			continue;
		u = units(unit_of[i], in, out);
		if (u <= 0)
			continue;
		v = l->b[i].rate / u;
		if (r == 0 || v < r)
			r = v;
	}
	if (l->parent != NULL && (v = req_rate(l->parent, 0)) > 0 &&
	    (r == 0 || v < r))
		r = v;
	return r;
}

/*
 * Gives b a rate; a new one starts a request's interval from now, so that
 * a limit just learned does not open with a burst.
 */
static void
set_rate(struct bucket *b, double rate, double unit, int64_t now)
{
	if (b->rate <= 0) {
		b->since = now;
		if (b->next < (double)now + unit / rate * 1e6)
			b->next = (double)now + unit / rate * 1e6;
	}
	b->rate = rate;
}

/*
 * After a refusal, l's schedules let the first request go MARGIN
 * intervals after the pause (next is one interval later where a learned
 * limit allows one early, invariant 1): a server's bucket that a refusal
 * found empty fills that much before pacing at its rate goes on, which
 * keeps it from emptying again.
 */
static void
margin(struct morph_pacer_lane *l)
{
	struct bucket *b;
	double t, in, out;
	int i;

	typical(l, &in, &out);
	for (i = 0; i < NB; i++) {
		b = &l->b[i];
		if (b->rate <= 0)
			continue;
		t = (double)l->hold + (MARGIN + !strict_of[i]) *
		    units(unit_of[i], in, out) / b->rate * 1e6;
		if (b->next < t)
			b->next = t;
	}
}

/* A refusal lowers l's rate (invariant 3). */
static void
decrease(struct morph_pacer_lane *l, int64_t now)
{
	double base = measured(l, now), cap = req_rate(l, 1);

	if (cap > 0 && cap < base)
		base = cap;
	base *= BETA;
	base = base > FLOOR ? base : FLOOR;
	set_rate(&l->b[B_AIMD], base, 1, now);
	l->epoch = now;
	l->grown = now;
}

/* How long a refusal stops l: the server's word, else a reset, else... */
static int64_t
pause_ms(const struct morph_pacer_lane *l, const struct morph_pacer_reply *r,
    const struct morph_pacer_seen *seen)
{
	int64_t ms = -1, d;
	int i;

	if (r->retry_after_ms >= 0)
		return r->retry_after_ms;
	/* ... until the limit that ran out resets ... */
	for (i = 0; i < MORPH_PACER_NRES; i++)
		if (seen->remaining[i] == 0 && seen->reset_ms[i] >= 0 &&
		    (ms < 0 || seen->reset_ms[i] < ms))
			ms = seen->reset_ms[i];
	if (ms >= 0)
		return ms;
	/* ... else a backoff that doubles with refusals in a row. */
	for (d = BACKOFF_MS, i = 0; i < l->refusals && d < BACKOFF_MAX_MS; i++)
		d *= 2;
	return d < BACKOFF_MAX_MS ? d : BACKOFF_MAX_MS;
}

static void
refused(struct morph_pacer_lane *l, int64_t now,
    const struct morph_pacer_ticket *t, const struct morph_pacer_reply *r,
    const struct morph_pacer_seen *seen)
{
	int64_t until;
	int i, blind = t->sent < l->first_reply || l->probing;

	correct_all(l, t, 0, 0);
	until = now + pause_ms(l, r, seen) * 1000;
	if (until > l->hold)
		l->hold = until;
	if (t->sent >= l->last_refusal)
		l->refusals++;
	l->last_refusal = now;
	if (blind) {
		/* Invariant 4: without any rate, probe. */
		for (i = 0; i < NB && l->b[i].rate <= 0; i++)
			;
		l->probing = i == NB && (l->parent == NULL ||
		    req_rate(l->parent, 0) == 0);
	} else if (t->sent >= l->epoch)
		decrease(l, now);
	margin(l);
}

/* A limit stated by an answer's headers (invariant 3 when it changes). */
static void
learn(struct morph_pacer_lane *l, int64_t now,
    const struct morph_pacer_seen *seen)
{
	struct bucket *b;
	double r, in, out, gap;
	int i;

	typical(l, &in, &out);
	for (i = 0; i < MORPH_PACER_NRES; i++) {
		if (seen->limit[i] <= 0)
			continue;
		b = &l->b[learned_of[i]];
		r = (double)seen->limit[i] / 60;
		gap = units(i, in, out) / r * 1e6;
		if (b->rate != r) {
			set_rate(b, r, units(i, in, out), now);
			l->epoch = now;
		}
		/*
		 * None left: not before one request's worth comes back
		 * (next one interval later: it is a learned limit).
		 */
		if (seen->remaining[i] == 0 && b->next < (double)now + 2 * gap)
			b->next = (double)now + 2 * gap;
	}
}

static void
answered(struct morph_pacer_lane *l, int64_t now,
    const struct morph_pacer_ticket *t, const struct morph_pacer_reply *r,
    const struct morph_pacer_seen *seen)
{
	struct bucket *a = &l->b[B_AIMD];
	double in = (double)t->tokens_in, out = (double)t->tokens_out, dt, cap;

	l->probing = 0;
	l->refusals = 0;
	learn(l, now, seen);
	if (r->tokens_in >= 0) {
		in = (double)r->tokens_in;
		if (t->est_in > 0) {
			dt = in / (double)t->est_in;
			dt = dt < 0.05 ? 0.05 : dt > 20 ? 20 : dt;
			l->in_ratio = ewma(l->in_ratio, dt,
			    l->in_samples++ == 0);
		}
	}
	if (r->tokens_out >= 0) {
		out = (double)r->tokens_out;
		l->out_avg = ewma(l->out_avg, out, l->out_avg < 0);
	}
	correct_all(l, t, in, out);
	if (a->rate <= 0)
		return;
	/* Additive increase, by a tenth a second of answers. */
	dt = (double)(now - l->grown) / 1e6;
	if (dt > 1)
		dt = 1;
	if (dt > 0) {
		a->rate *= 1 + GROWTH * dt;
		l->grown = now;
	}
	cap = req_rate(l, 0);
	if ((cap > 0 && a->rate >= cap) || a->rate > 1e6 ||
	    (cap == 0 && now - l->epoch > QUIET_US &&
	    a->rate > 4 * measured(l, now)))
		a->rate = 0;
}

void
morph_pacer_settle(struct morph_pacer_lane *l, int64_t now,
    const struct morph_pacer_ticket *t, const struct morph_pacer_reply *r)
{
	struct morph_pacer_seen seen;

	if (l->inflight > 0)
		l->inflight--;
	if (r->status == 429 && l->refusing > 0)
		l->refusing--;
	if (r->status <= 0)
		return;			/* no answer: nothing to learn */
	morph_pacer_parse(&seen, r->headers, r->wall_ms);
	if (!l->replied) {
		l->replied = 1;
		l->first_reply = now;
	}
	if (r->refused)
		refused(l, now, t, r, &seen);
	else if (r->status >= 200 && r->status <= 299)
		answered(l, now, t, r, &seen);
	else
		correct_all(l, t, 0, 0);	/* no usage: likely none */
}

double
morph_pacer_rate(const struct morph_pacer *p, int64_t now)
{
	const struct morph_pacer_lane *l;
	double sum = 0;

	(void)now;
	for (l = p->lanes; l != NULL; l = l->next_lane)
		if (!l->is_parent)
			sum += req_rate(l, 1);
	return sum;
}

/* Headers */

/* A decimal number ("60", "59.5"), rounded down, or -1. */
static int64_t
number(const char *s)
{
	double v = 0, unit = 1;
	int digits = 0;

	for (; *s >= '0' && *s <= '9'; s++, digits++)
		v = v * 10 + (*s - '0');
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++, digits++)
			v += (*s - '0') * (unit /= 10);
	if (digits == 0 || *s != '\0' || v > 9e15)
		return -1;
	return (int64_t)v;
}

/*
 * A Go duration as OpenAI writes its resets ("1s", "6m0s", "12ms",
 * "1h2m3.5s"), in milliseconds rounded up, or -1.
 */
static int64_t
go_duration(const char *s)
{
	static const struct {
		const char	*unit;
		double		 ms;
	} units_tab[] = {
		{ "ns", 1e-6 }, { "us", 1e-3 }, { "\xc2\xb5s", 1e-3 },
		{ "ms", 1 }, { "h", 3600000 }, { "m", 60000 }, { "s", 1000 },
	};
	double total = 0, v, frac;
	size_t i, n;
	int digits;

	if (*s == '\0')
		return -1;
	while (*s != '\0') {
		v = 0;
		digits = 0;
		for (; *s >= '0' && *s <= '9'; s++, digits++)
			v = v * 10 + (*s - '0');
		if (*s == '.')
			for (frac = 1, s++; *s >= '0' && *s <= '9'; s++,
			    digits++)
				v += (*s - '0') * (frac /= 10);
		if (digits == 0)
			return -1;
		/* The longest unit first: "ms" before "m". */
		for (i = 0; i < sizeof(units_tab) / sizeof(units_tab[0]); i++) {
			n = strlen(units_tab[i].unit);
			if (strncmp(s, units_tab[i].unit, n) == 0)
				break;
		}
		if (i == sizeof(units_tab) / sizeof(units_tab[0]))
			return -1;
		total += v * units_tab[i].ms;
		s += strlen(units_tab[i].unit);
	}
	return total > 31536000000.0 ? 31536000000 : (int64_t)ceil(total);
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Hinnant). */
static int64_t
days_from_civil(int64_t y, int64_t m, int64_t d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* n digits at s as a number, or -1. */
static int64_t
digits_at(const char *s, int n)
{
	int64_t v = 0;
	int i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/*
 * An RFC 3339 time as Anthropic writes its resets
 * ("2026-12-04T10:00:05Z", fractions and offsets allowed), in
 * milliseconds since the epoch, or -1.
 */
static int64_t
rfc3339_ms(const char *s)
{
	int64_t y, mo, d, h, mi, sec, ms = 0, off = 0, oh, om;
	double frac = 0, unit = 1;

	if (strlen(s) < 20 || s[4] != '-' || s[7] != '-' ||
	    (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':' ||
	    s[16] != ':')
		return -1;
	y = digits_at(s, 4);
	mo = digits_at(s + 5, 2);
	d = digits_at(s + 8, 2);
	h = digits_at(s + 11, 2);
	mi = digits_at(s + 14, 2);
	sec = digits_at(s + 17, 2);
	if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 ||
	    h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 60)
		return -1;
	s += 19;
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++)
			frac += (*s - '0') * (unit /= 10);
		ms = (int64_t)(frac * 1000);
	}
	if (*s == 'Z' || *s == 'z')
		s++;
	else if (*s == '+' || *s == '-') {
		if ((oh = digits_at(s + 1, 2)) < 0 || s[3] != ':' ||
		    (om = digits_at(s + 4, 2)) < 0)
			return -1;
		off = (oh * 60 + om) * 60000 * (*s == '-' ? -1 : 1);
		s += 6;
	} else
		return -1;
	if (*s != '\0')
		return -1;
	return ((days_from_civil(y, mo, d) * 24 + h) * 60 + mi) * 60000 +
	    sec * 1000 + ms - off;
}

enum { F_LIMIT, F_REMAINING, F_RESET_GO, F_RESET_RFC3339 };

/* The headers each dialect states its limits in. */
static const struct {
	const char	*name;
	int		 res;
	int		 field;
} limit_headers[] = {
	/* OpenAI and the servers that copy it: a minute's limits. */
	{ "x-ratelimit-limit-requests", MORPH_PACER_REQ, F_LIMIT },
	{ "x-ratelimit-remaining-requests", MORPH_PACER_REQ, F_REMAINING },
	{ "x-ratelimit-reset-requests", MORPH_PACER_REQ, F_RESET_GO },
	{ "x-ratelimit-limit-tokens", MORPH_PACER_TOK, F_LIMIT },
	{ "x-ratelimit-remaining-tokens", MORPH_PACER_TOK, F_REMAINING },
	{ "x-ratelimit-reset-tokens", MORPH_PACER_TOK, F_RESET_GO },
	/* Anthropic. */
	{ "anthropic-ratelimit-requests-limit", MORPH_PACER_REQ, F_LIMIT },
	{ "anthropic-ratelimit-requests-remaining", MORPH_PACER_REQ,
	  F_REMAINING },
	{ "anthropic-ratelimit-requests-reset", MORPH_PACER_REQ,
	  F_RESET_RFC3339 },
	{ "anthropic-ratelimit-tokens-limit", MORPH_PACER_TOK, F_LIMIT },
	{ "anthropic-ratelimit-tokens-remaining", MORPH_PACER_TOK,
	  F_REMAINING },
	{ "anthropic-ratelimit-tokens-reset", MORPH_PACER_TOK,
	  F_RESET_RFC3339 },
	{ "anthropic-ratelimit-input-tokens-limit", MORPH_PACER_IN, F_LIMIT },
	{ "anthropic-ratelimit-input-tokens-remaining", MORPH_PACER_IN,
	  F_REMAINING },
	{ "anthropic-ratelimit-input-tokens-reset", MORPH_PACER_IN,
	  F_RESET_RFC3339 },
	{ "anthropic-ratelimit-output-tokens-limit", MORPH_PACER_OUT,
	  F_LIMIT },
	{ "anthropic-ratelimit-output-tokens-remaining", MORPH_PACER_OUT,
	  F_REMAINING },
	{ "anthropic-ratelimit-output-tokens-reset", MORPH_PACER_OUT,
	  F_RESET_RFC3339 },
};

/* Reads one header, name and value cut out of their line. */
static void
parse_one(struct morph_pacer_seen *seen, const char *name, size_t namelen,
    const char *value, int64_t wall_ms)
{
	size_t i;
	int64_t v;

	for (i = 0; i < sizeof(limit_headers) / sizeof(limit_headers[0]);
	    i++) {
		if (strlen(limit_headers[i].name) != namelen ||
		    strncasecmp(limit_headers[i].name, name, namelen) != 0)
			continue;
		switch (limit_headers[i].field) {
		case F_LIMIT:
			seen->limit[limit_headers[i].res] = number(value);
			break;
		case F_REMAINING:
			seen->remaining[limit_headers[i].res] = number(value);
			break;
		case F_RESET_GO:
			seen->reset_ms[limit_headers[i].res] =
			    go_duration(value);
			break;
		default:
			if ((v = rfc3339_ms(value)) >= 0)
				seen->reset_ms[limit_headers[i].res] =
				    v > wall_ms ? v - wall_ms : 0;
			break;
		}
		return;
	}
}

void
morph_pacer_parse(struct morph_pacer_seen *seen, const char *headers,
    int64_t wall_ms)
{
	const char *p = headers, *colon, *eol, *v;
	char value[128];
	size_t n;
	int i;

	for (i = 0; i < MORPH_PACER_NRES; i++)
		seen->limit[i] = seen->remaining[i] = seen->reset_ms[i] = -1;
	while (p != NULL && *p != '\0') {
		eol = p + strcspn(p, "\n");
		colon = memchr(p, ':', (size_t)(eol - p));
		if (colon != NULL) {
			for (v = colon + 1; v < eol && (*v == ' ' ||
			    *v == '\t'); v++)
				;
			n = (size_t)(eol - v);
			while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t' ||
			    v[n - 1] == '\r'))
				n--;
			if (n < sizeof(value)) {
				memcpy(value, v, n);
				value[n] = '\0';
				parse_one(seen, p, (size_t)(colon - p), value,
				    wall_ms);
			}
		}
		p = *eol != '\0' ? eol + 1 : eol;
	}
}
