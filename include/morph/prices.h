/*
 * Prices: the table that prices morph's calls, what it says about a
 * model, and its updates.
 *
 * The table is genai-prices' data.json (an array of providers whose models
 * are matched by rules and whose prices may change on given dates), built
 * into morph and fetched anew by morph_prices_update, or a file named by
 * the configuration key prices.file in that format or in litellm's
 * (an object keyed by model, USD per token).  Which one a command uses:
 * prices.file when it is set, else the newest update stored in the
 * repository, else the built-in table.  Costs are integer nano-USD; a
 * model the table does not price is unpriced, never free.
 */
#ifndef MORPH_PRICES_H
#define MORPH_PRICES_H

#include <stddef.h>
#include <stdint.h>

#include "morph/error.h"
#include "morph/hash.h"

struct morph_repo;
struct morph_prices;

/* Where genai-prices publishes its current table. */
#define MORPH_PRICES_URL \
	"https://raw.githubusercontent.com/pydantic/genai-prices/main/" \
	"prices/data.json"

enum morph_prices_kind {
	MORPH_PRICES_BUILTIN,		/* built into morph */
	MORPH_PRICES_UPDATE,		/* fetched by morph prices update */
	MORPH_PRICES_FILE,		/* config prices.file */
};

enum morph_prices_format {
	MORPH_PRICES_GENAI,		/* genai-prices' data.json */
	MORPH_PRICES_LITELLM,		/* model_prices_and_context_window */
};

/* What a table is; the strings are borrowed from the table or history. */
struct morph_prices_info {
	enum morph_prices_kind	 kind;
	enum morph_prices_format format;
	struct morph_oid	 id;		/* its bytes as a blob */
	const char		*source;	/* "built-in", the URL, the
						   file */
	int64_t			 update;	/* number of the update, 0 */
	int64_t			 time_ms;	/* when it was fetched, 0 */
	int64_t			 providers;	/* genai-prices only, else 0 */
	int64_t			 models;	/* rows */
};

/*
 * Opens the table the repository's commands use now (see above).  The
 * caller closes it.  Errors: a prices.file that cannot be read or is no
 * price table, naming the file and what is wrong; a stored update that
 * cannot be read.
 */
const struct morph_error *morph_prices_open(struct morph_prices **out,
    struct morph_repo *);
void	morph_prices_close(struct morph_prices *);
void	morph_prices_about(struct morph_prices_info *out,
	    const struct morph_prices *);

/* Prices of one kind of token in USD per million tokens; -1: none. */
struct morph_price_rates {
	double	in;			/* uncached input */
	double	out;			/* output, reasoning included */
	double	cache_read;		/* input read from the cache */
	double	cache_write;		/* input written to the cache */
};

/* Rates that apply instead when a prompt has more than above tokens. */
struct morph_price_tier {
	int64_t			 above;
	struct morph_price_rates rates;
};

/*
 * What the table says about one model at one time.  Strings are borrowed
 * from the table; morph_price_view_release frees tiers.
 */
struct morph_price_view {
	int			 priced;	/* a row, or a local provider */
	int			 free;		/* a local provider */
	const char		*provider;	/* the table's provider id, or
						   NULL (litellm, local) */
	const char		*row;		/* the model's id in the table,
						   or its litellm key */
	const char		*name;		/* the model's name, or NULL */
	const char		*start_date;	/* the price in force has been
						   since this date, or NULL */
	const char		*next_date;	/* and changes on this one, or
						   NULL */
	const char		*start_time;	/* a time-of-day price: from */
	const char		*end_time;	/* until, UTC; else NULL */
	const char		*other_start;	/* another price applies each */
	const char		*other_end;	/* day from, until; or NULL */
	struct morph_price_rates base;
	double			 per_request;	/* USD a request; -1: none */
	struct morph_price_tier	*tiers;		/* ascending by above */
	size_t			 ntiers;
};

/*
 * What the table says about spec ("provider:model", as morph run -m takes
 * it) at at_ms (milliseconds since the epoch).  The provider is resolved
 * as morph run resolves it; repo may be NULL (user configuration only).
 * Errors: INVALID for a spec that is not provider:model; NOT_FOUND for an
 * unknown provider.  A model without a price is not an error: priced is 0.
 */
const struct morph_error *morph_prices_view(struct morph_price_view *out,
    struct morph_prices *, struct morph_repo *, const char *spec,
    int64_t at_ms);
void	morph_price_view_release(struct morph_price_view *);

/*
 * Calls cb for every update of the repository's table, newest first; info
 * is borrowed for the call.
 */
typedef const struct morph_error *(*morph_prices_update_cb)(
    const struct morph_prices_info *, void *arg);
const struct morph_error *morph_prices_updates(struct morph_repo *,
    morph_prices_update_cb cb, void *arg);

/*
 * Fetches the genai-prices table at url (https:// only; NULL for
 * MORPH_PRICES_URL), checks it, and stores it as the repository's new
 * table, recording the URL and the time.  The CA certificates that verify
 * the server are libcurl's, or the file named by CURL_CA_BUNDLE or
 * SSL_CERT_FILE (the directory SSL_CERT_DIR).  *changed is 0 when the
 * table fetched is the current update already (nothing is recorded).
 * *out describes the new table (its source is borrowed from url).
 * Errors: INVALID for a URL that is not HTTPS, and for a body that is no
 * genai-prices table (with fewer than 5 providers or 50 models, or fewer
 * than half the models of the current table), saying what is wrong; HTTP
 * for a transfer that failed or a status that is not 2xx.  On any error
 * nothing changes.
 */
const struct morph_error *morph_prices_update(struct morph_prices_info *out,
    int *changed, struct morph_repo *, const char *url);

/*
 * Parses a time as morph prices --at takes it: "YYYY-MM-DD" (midnight
 * UTC) or "YYYY-MM-DDTHH:MM[:SS]Z", into milliseconds since the epoch.
 * Returns 0, or -1 when s is neither.
 */
int	morph_prices_parse_time(int64_t *out_ms, const char *s);

#endif
