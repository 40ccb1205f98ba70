/*
 * Prices and costs (see prices_int.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_int.h"
#include "path_int.h"
#include "morph/run.h"
#include "prices_int.h"
#include "provider_int.h"
#include "repo_int.h"

/* lib/data/prices.json, embedded by the build (prices_data.c). */
extern const unsigned char morph_prices_builtin[];
extern const size_t morph_prices_builtin_len;

const struct morph_error *
morph_prices_load(struct morph_prices *out, struct morph_repo *repo)
{
	struct morph_buf data = MORPH_BUF_INIT;
	const struct morph_error *err;
	const cJSON *file;
	const char *name = "built-in price table";

	memset(out, 0, sizeof(*out));
	file = morph_config_lookup(repo, "prices.file");
	if (file != NULL && !cJSON_IsString(file))
		return morph_error_fmt(MORPH_ERR_INVALID,
		    "config prices.file must be a file name");
	if (file != NULL) {
		name = file->valuestring;
		err = morph_file_read(&data, name, 64 << 20);
		if (err != NULL)
			return morph_error_wrap(err, "prices.file");
	} else
		morph_buf_put(&data, morph_prices_builtin,
		    morph_prices_builtin_len);
	if ((err = morph_buf_status(&data)) != NULL)
		goto done;
	if ((err = morph_json_parse(&out->table, data.ptr, data.len,
	    name)) != NULL)
		goto done;
	if (!cJSON_IsObject(out->table)) {
		err = morph_error_fmt(MORPH_ERR_INVALID, "%s: a price table "
		    "is a JSON object keyed by model", name);
		goto done;
	}
	if ((out->source = strdup(name)) == NULL) {
		err = morph_error(MORPH_ERR_NOMEM);
		goto done;
	}
	err = morph_object_write(&out->blob, repo, MORPH_OBJ_BLOB, data.ptr,
	    data.len);
done:
	morph_buf_release(&data);
	if (err != NULL)
		morph_prices_release(out);
	return err;
}

void
morph_prices_release(struct morph_prices *p)
{
	cJSON_Delete(p->table);
	free(p->source);
	memset(p, 0, sizeof(*p));
}

/* A rate in USD per token as nano-USD per token, or -1. */
static double
rate(const cJSON *row, const char *field)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(row, field);

	if (!cJSON_IsNumber(v) || v->valuedouble < 0 ||
	    !isfinite(v->valuedouble))
		return -1;
	return v->valuedouble * 1e9;
}

int
morph_prices_find(struct morph_price *out, const struct morph_prices *prices,
    const struct morph_provider *p, const char *model)
{
	const cJSON *row = NULL;
	char key[512];

	if (p->local) {
		out->in = out->out = out->cache_read = 0;
		out->in_above_200k = out->out_above_200k = -1;
		return 0;
	}
	if (p->price_prefix != NULL && p->price_prefix[0] != '\0') {
		snprintf(key, sizeof(key), "%s%s", p->price_prefix, model);
		row = cJSON_GetObjectItemCaseSensitive(prices->table, key);
	}
	if (row == NULL)
		row = cJSON_GetObjectItemCaseSensitive(prices->table, model);
	if (!cJSON_IsObject(row))
		return -1;
	out->in = rate(row, "input_cost_per_token");
	out->out = rate(row, "output_cost_per_token");
	if (out->in < 0 || out->out < 0)
		return -1;
	out->cache_read = rate(row, "cache_read_input_token_cost");
	out->in_above_200k = rate(row, "input_cost_per_token_above_200k_tokens");
	out->out_above_200k = rate(row,
	    "output_cost_per_token_above_200k_tokens");
	return 0;
}

int64_t
morph_price_cost(const struct morph_price *pr, int64_t in, int64_t out,
    int64_t cached)
{
	double rin = pr->in, rout = pr->out, rc, cost;

	/* What is free costs nothing, whatever the tokens. */
	if (pr->in == 0 && pr->out == 0 &&
	    (pr->cache_read <= 0) && pr->in_above_200k <= 0 &&
	    pr->out_above_200k <= 0)
		return 0;
	if (in < 0 || out < 0)
		return -1;
	if (cached < 0 || cached > in)
		cached = 0;
	/* Long prompts are billed at the higher tier where there is one. */
	if (in > 200000 && pr->in_above_200k >= 0)
		rin = pr->in_above_200k;
	if (in > 200000 && pr->out_above_200k >= 0)
		rout = pr->out_above_200k;
	rc = pr->cache_read >= 0 ? pr->cache_read : rin;
	cost = (double)(in - cached) * rin + (double)cached * rc +
	    (double)out * rout;
	return (int64_t)llround(cost);
}

const char *
morph_usd(int64_t nusd, char *buf, size_t size)
{
	if (nusd < 0)
		snprintf(buf, size, "unpriced");
	else if (nusd >= 10 * 1000000000LL)
		snprintf(buf, size, "$%.2f", (double)nusd / 1e9);
	else
		snprintf(buf, size, "$%.6f", (double)nusd / 1e9);
	return buf;
}
