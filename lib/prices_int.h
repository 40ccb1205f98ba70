/*
 * Prices inside the library (see morph/prices.h): the table a run loads,
 * the price of one model matched in it, and what a call costs.
 *
 * lib/prices.c holds tables: which one applies, reading and checking
 * them, storing them and their updates.  lib/pricecalc.c matches models
 * to rows and computes costs.
 *
 * Invariants:
 *  1. A cost is integer nano-USD.  A call whose model has no row, or
 *     whose tokens the table needs but the provider did not report, is
 *     unpriced (-1), never zero; only local providers are free whatever
 *     the tokens.
 *  2. A genai-prices row may list prices that take effect on given dates:
 *     a call is priced at the one in force when its answer arrived, so a
 *     run replayed from the cache costs what it cost then.
 *  3. Loading a table writes nothing: morph_prices_store writes its blob
 *     in the transaction that records the run naming it.
 */
#ifndef MORPH_PRICES_INT_H
#define MORPH_PRICES_INT_H

#include <stdint.h>
#include <cjson/cJSON.h>

#include "morph/buf.h"
#include "morph/error.h"
#include "morph/hash.h"
#include "morph/prices.h"

struct morph_repo;
struct morph_provider;

/* How deep or/and match rules may nest; a table's are one or two deep. */
#define MORPH_PRICES_MAX_DEPTH	32

struct morph_prices {
	cJSON			*table;
	enum morph_prices_kind	 kind;
	enum morph_prices_format format;
	struct morph_oid	 blob;		/* the table as a blob */
	char			*source;	/* "built-in", URL or file */
	int64_t			 update;	/* kind UPDATE: its number */
	int64_t			 time_ms;	/* kind UPDATE: when fetched */
	int64_t			 nproviders;
	int64_t			 nmodels;
	const void		*data;		/* the bytes, for storing */
	size_t			 len;
	struct morph_buf	 own;		/* a file's bytes */
	int			 stored;	/* the blob is in the store */
};

/*
 * Loads the table the repository uses now: prices.file, else the newest
 * stored update, else the built-in table.  Nothing is written (invariant
 * 3).  repo may be NULL (the user's configuration, no updates).  Errors:
 * a missing or broken file, naming it and what is wrong.
 */
const struct morph_error *morph_prices_load(struct morph_prices *out,
    struct morph_repo *);
/*
 * Parses the table if it is not yet: morph_prices_load leaves the built-in
 * one (and its counts) for its first use, which morph_prices_find makes.
 */
const struct morph_error *morph_prices_parse(struct morph_prices *);
void	morph_prices_release(struct morph_prices *);

/*
 * Writes the table's blob, unless the store has it.  Call inside the
 * write transaction that records what names it.
 */
const struct morph_error *morph_prices_store(struct morph_prices *,
    struct morph_repo *);

/*
 * Checks that t is a genai-prices table: an array of providers with ids
 * and models, every match rule well formed (regexes compile), every price
 * a non-negative number or {base, tiers}, every constraint a date or a
 * pair of times.  Counts its providers and models.  Returns 0, or -1 with
 * why saying where and what is wrong ("providers[3].models[17].match:
 * ...").
 */
int	morph_prices_check(const cJSON *t, int64_t *nproviders,
	    int64_t *nmodels, char *why, size_t whysize);

/*
 * The row of one model: matched when a run is planned, and valid as long
 * as the table it points into.
 */
struct morph_price {
	int		 free;		/* a local provider */
	int		 litellm;	/* row is a litellm row */
	const cJSON	*row;		/* genai-prices: the model's object;
					   litellm: its row */
	const char	*provider;	/* genai-prices: the provider's id */
	const char	*id;		/* the model's id, or litellm key */
};

/*
 * The row for model at provider p.  genai-prices: the table's provider is
 * the one morph's provider id names (gemini is google, xai x-ai, moonshot
 * moonshotai; otherwise the same id, or one whose provider_match takes
 * it); for a provider of the configuration whose id names none, the one
 * whose api_pattern matches its base URL, else whose model_match takes
 * the model.  The model is then the first of that provider's (and its
 * fallback_model_providers') whose match rule takes the model name,
 * lowercased.  otari's models are provider:model themselves, and are
 * matched so.  litellm: the row "<price_prefix>model", else "model".
 * Returns 0 and fills *out, or -1 when nothing matches (unpriced).
 * Providers that run locally are free.
 */
int	morph_prices_find(struct morph_price *out, struct morph_prices *,
	    const struct morph_provider *p, const char *model);

/* Rates in nano-USD a token (a request); -1 where the table has none. */
struct morph_rates {
	double	in;
	double	out;
	double	cache_read;
	double	cache_write;
	double	per_request;
};

/*
 * The rates of pr in force at when_ms for a prompt of in tokens (which
 * picks the tier: a tier applies to all the tokens of a prompt over its
 * start, as providers bill).
 */
void	morph_price_rates(struct morph_rates *out, const struct morph_price *pr,
	    int64_t when_ms, int64_t in);

/*
 * The cost in nano-USD of a call answered at when_ms that used these
 * tokens (-1: not reported).  in is the whole prompt, cached and
 * cache-written tokens included; uncached input is priced at the input
 * rate, cache reads and writes at their own rates (the input rate where
 * the table has none), output at the output rate.  -1 (unpriced) when in
 * or out is unknown, or when tokens of a kind the table has no rate for
 * were used.
 */
int64_t	morph_price_cost(const struct morph_price *, int64_t in, int64_t out,
	    int64_t cache_read, int64_t cache_write, int64_t when_ms);

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
int64_t	morph_days_from_civil(int64_t y, int m, int d);
/* A start_date, "YYYY-MM-DD", as days since the epoch: 0, or -1. */
int	morph_prices_date(const char *s, int64_t *days);
/*
 * A start_time or end_time, "HH:MM[:SS[.frac]]" with "Z", "+HH:MM",
 * "-HH:MM" or no zone (UTC), as seconds into the UTC day: 0, or -1.
 */
int	morph_prices_tod(const char *s, int *secs);

#endif
