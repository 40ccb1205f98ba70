/*
 * Prices: a table in the format of litellm's
 * model_prices_and_context_window.json (USD per token, keyed by model or
 * "prefix/model"), shipped in the program (lib/data/prices.json) and
 * replaceable with the config key prices.file.  Costs are integer
 * nano-USD; a call whose model has no row, or whose tokens are not known,
 * is unpriced (-1), never zero.
 */
#ifndef MORPH_PRICES_INT_H
#define MORPH_PRICES_INT_H

#include <stdint.h>
#include <cjson/cJSON.h>

#include "morph/error.h"
#include "morph/hash.h"

struct morph_repo;
struct morph_provider;

struct morph_prices {
	cJSON			*table;
	struct morph_oid	 blob;		/* the table as stored */
	char			*source;	/* "built-in" or the file */
};

/* A model's rates in nano-USD per token; -1 where the table has none. */
struct morph_price {
	double	in;
	double	out;
	double	cache_read;
	double	in_above_200k;
	double	out_above_200k;
};

/*
 * Loads the table named by prices.file, else the built-in one, and stores
 * its bytes as a blob so that a run can name the table it used.
 * Errors: a missing or broken file, naming it.
 */
const struct morph_error *morph_prices_load(struct morph_prices *out,
    struct morph_repo *);
void	morph_prices_release(struct morph_prices *);

/*
 * The rates for model at provider p: the row "<prefix>model", else the
 * row "model".  Returns 0 and fills *out, or -1 when the table has
 * neither (unpriced).  Providers that run locally cost nothing.
 */
int	morph_prices_find(struct morph_price *out, const struct morph_prices *,
	    const struct morph_provider *p, const char *model);

/*
 * Cost in nano-USD of a call that used these tokens (in includes cached;
 * -1 is unknown): uncached input at the input rate, cached input at the
 * cache-read rate (or the input rate), output at the output rate.  -1
 * when in or out is unknown.
 */
int64_t	morph_price_cost(const struct morph_price *, int64_t in, int64_t out,
	    int64_t cached);


#endif
