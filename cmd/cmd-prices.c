/*
 * morph prices: what the price table says a model costs, which table that
 * is, and its updates; morph prices update fetches the current table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "morph/prices.h"

/* "2026-08-21 10:00 UTC" for milliseconds since the epoch. */
static const char *
utc(int64_t ms, char *buf, size_t size)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL)
		snprintf(buf, size, "?");
	else
		strftime(buf, size, "%Y-%m-%d %H:%M UTC", &tm);
	return buf;
}

/* 1442 as "1,442". */
static const char *
thousands(int64_t n, char *buf, size_t size)
{
	char d[32];
	size_t i, k = 0, len;

	snprintf(d, sizeof(d), "%lld", (long long)n);
	len = strlen(d);
	for (i = 0; i < len && k + 2 < size; i++) {
		if (i > 0 && d[i - 1] != '-' && (len - i) % 3 == 0)
			buf[k++] = ',';
		buf[k++] = d[i];
	}
	buf[k] = '\0';
	return buf;
}

static const char *
kind_name(enum morph_prices_kind k)
{
	switch (k) {
	case MORPH_PRICES_BUILTIN:
		return "built-in";
	case MORPH_PRICES_UPDATE:
		return "update";
	case MORPH_PRICES_FILE:
		return "file";
	}
	return "?";
}

static const char *
format_name(enum morph_prices_format f)
{
	return f == MORPH_PRICES_LITELLM ? "litellm" : "genai-prices";
}

/* One line saying which table this is. */
static void
print_table(const struct morph_prices_info *t)
{
	char when[40], np[32], nm[32];

	thousands(t->providers, np, sizeof(np));
	thousands(t->models, nm, sizeof(nm));
	switch (t->kind) {
	case MORPH_PRICES_BUILTIN:
		printf("table: built-in, genai-prices (%s providers, %s "
		    "models), %s\n", np, nm, morph_cmd_short(&t->id));
		break;
	case MORPH_PRICES_UPDATE:
		printf("table: update #%lld, fetched %s from %s (%s providers, "
		    "%s models), %s\n", (long long)t->update,
		    utc(t->time_ms, when, sizeof(when)), t->source, np, nm,
		    morph_cmd_short(&t->id));
		break;
	case MORPH_PRICES_FILE:
		printf("table: config prices.file %s, %s (%s models), %s\n",
		    t->source, format_name(t->format), nm,
		    morph_cmd_short(&t->id));
		break;
	}
}

static void
json_table(struct morph_jsonw *w, const struct morph_prices_info *t)
{
	morph_jsonw_object_begin(w);
	morph_jsonw_kv_string(w, "kind", kind_name(t->kind));
	morph_jsonw_kv_string(w, "format", format_name(t->format));
	morph_jsonw_kv_string(w, "id", morph_oid_tostr(&t->id));
	morph_jsonw_kv_string(w, "source", t->source);
	morph_jsonw_key(w, "update");
	if (t->kind == MORPH_PRICES_UPDATE)
		morph_jsonw_int(w, t->update);
	else
		morph_jsonw_null(w);
	morph_jsonw_key(w, "time_ms");
	if (t->kind == MORPH_PRICES_UPDATE)
		morph_jsonw_int(w, t->time_ms);
	else
		morph_jsonw_null(w);
	morph_jsonw_key(w, "providers");
	if (t->format == MORPH_PRICES_GENAI)
		morph_jsonw_int(w, t->providers);
	else
		morph_jsonw_null(w);
	morph_jsonw_kv_int(w, "models", t->models);
	morph_jsonw_object_end(w);
}

/* A price in USD per million tokens, or "-" for none. */
static const char *
usd(double v, char *buf, size_t size)
{
	if (v < 0)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%.6g", v);
	return buf;
}

static void
print_rates(const char *label, const char *row,
    const struct morph_price_rates *r)
{
	char a[24], b[24], c[24], d[24];

	printf("%-30s %-34s %8s %8s %10s %11s\n", label, row,
	    usd(r->in, a, sizeof(a)), usd(r->out, b, sizeof(b)),
	    usd(r->cache_read, c, sizeof(c)),
	    usd(r->cache_write, d, sizeof(d)));
}

static void
print_view(const char *spec, const struct morph_price_view *v)
{
	char row[256], label[64], n[32];
	size_t i;

	if (!v->priced) {
		printf("%-30s unpriced: no row in the table\n", spec);
		return;
	}
	if (v->free) {
		printf("%-30s free: a local provider\n", spec);
		return;
	}
	if (v->provider != NULL)
		snprintf(row, sizeof(row), "%s/%s", v->provider, v->row);
	else
		snprintf(row, sizeof(row), "%s", v->row);
	print_rates(spec, row, &v->base);
	for (i = 0; i < v->ntiers; i++) {
		snprintf(label, sizeof(label), "  over %s tokens in",
		    thousands(v->tiers[i].above, n, sizeof(n)));
		print_rates(label, "", &v->tiers[i].rates);
	}
	if (v->per_request >= 0)
		printf("  plus $%.6g a request\n", v->per_request);
	if (v->start_time != NULL)
		printf("  from %s to %s each day; another price at other "
		    "times\n", v->start_time, v->end_time);
	else if (v->other_start != NULL)
		printf("  at this time of day; another price from %s to %s\n",
		    v->other_start, v->other_end);
	if (v->start_date != NULL)
		printf("  since %s\n", v->start_date);
	if (v->next_date != NULL)
		printf("  until %s, when another price takes over\n",
		    v->next_date);
}

static void
json_rates(struct morph_jsonw *w, const struct morph_price_rates *r)
{
	morph_jsonw_kv_double_or_null(w, "input_mtok", r->in);
	morph_jsonw_kv_double_or_null(w, "output_mtok", r->out);
	morph_jsonw_kv_double_or_null(w, "cache_read_mtok", r->cache_read);
	morph_jsonw_kv_double_or_null(w, "cache_write_mtok", r->cache_write);
}

static void
json_view(struct morph_jsonw *w, const char *spec,
    const struct morph_price_view *v)
{
	size_t i;

	morph_jsonw_object_begin(w);
	morph_jsonw_kv_string(w, "model", spec);
	morph_jsonw_kv_bool(w, "priced", v->priced);
	morph_jsonw_kv_bool(w, "free", v->free);
	morph_jsonw_kv_string(w, "provider", v->provider);
	morph_jsonw_kv_string(w, "row", v->row);
	morph_jsonw_kv_string(w, "name", v->name);
	morph_jsonw_kv_string(w, "start_date", v->start_date);
	morph_jsonw_kv_string(w, "next_date", v->next_date);
	morph_jsonw_kv_string(w, "start_time", v->start_time);
	morph_jsonw_kv_string(w, "end_time", v->end_time);
	morph_jsonw_kv_string(w, "other_start_time", v->other_start);
	morph_jsonw_kv_string(w, "other_end_time", v->other_end);
	if (v->priced)
		json_rates(w, &v->base);
	else {
		struct morph_price_rates none = { -1, -1, -1, -1 };

		json_rates(w, &none);
	}
	morph_jsonw_kv_double_or_null(w, "request_usd", v->priced ? v->per_request : -1);
	morph_jsonw_key(w, "tiers");
	morph_jsonw_array_begin(w);
	for (i = 0; i < v->ntiers; i++) {
		morph_jsonw_object_begin(w);
		morph_jsonw_kv_int(w, "above", v->tiers[i].above);
		json_rates(w, &v->tiers[i].rates);
		morph_jsonw_object_end(w);
	}
	morph_jsonw_array_end(w);
	morph_jsonw_object_end(w);
}

struct history {
	struct morph_jsonw	*w;
	size_t			 n;
};

static const struct morph_error *
one_update(const struct morph_prices_info *t, void *arg)
{
	struct history *h = arg;
	char when[40], nm[32];

	if (h->w != NULL) {
		json_table(h->w, t);
		return NULL;
	}
	if (h->n++ == 0)
		printf("\n%-7s %-20s %-12s %9s %6s  %s\n", "update", "fetched",
		    "id", "providers", "models", "from");
	printf("#%-6lld %-20s %-12s %9lld %6s  %s\n", (long long)t->update,
	    utc(t->time_ms, when, sizeof(when)), morph_cmd_short(&t->id),
	    (long long)t->providers, thousands(t->models, nm, sizeof(nm)),
	    t->source);
	return NULL;
}

static const struct morph_error *
show(struct morph_cmd_ctx *ctx, int argc, char *argv[], int json,
    int64_t at_ms)
{
	const struct morph_error *err = NULL;
	struct morph_prices *prices = NULL;
	struct morph_prices_info info;
	struct morph_price_view v;
	struct history h = { NULL, 0 };
	struct morph_jsonw w;
	char when[40];
	int i, unpriced = 0;

	if ((err = morph_prices_open(&prices, ctx->repo)) != NULL)
		return err;
	morph_prices_about(&info, prices);
	if (json) {
		morph_jsonw_init(&w, stdout);
		morph_jsonw_object_begin(&w);
		morph_jsonw_key(&w, "table");
		json_table(&w, &info);
		morph_jsonw_kv_int(&w, "at_ms", at_ms);
		morph_jsonw_key(&w, "models");
		morph_jsonw_array_begin(&w);
	} else if (argc > 0)
		printf("%-30s %-34s %8s %8s %10s %11s\n", "model", "row",
		    "input", "output", "cache read", "cache write");
	for (i = 0; i < argc && err == NULL; i++) {
		if ((err = morph_prices_view(&v, prices, ctx->repo,
		    argv[i], at_ms)) != NULL)
			break;
		unpriced += !v.priced;
		if (json)
			json_view(&w, argv[i], &v);
		else
			print_view(argv[i], &v);
		morph_price_view_release(&v);
	}
	if (json) {
		morph_jsonw_array_end(&w);
		morph_jsonw_key(&w, "updates");
		morph_jsonw_array_begin(&w);
		h.w = &w;
	} else if (argc > 0)
		printf("\nUSD per million tokens, at %s; ",
		    utc(at_ms, when, sizeof(when)));
	if (!json)
		print_table(&info);
	if (err == NULL && ctx->repo != NULL && (json || argc == 0))
		err = morph_prices_updates(ctx->repo, one_update, &h);
	if (!json && argc == 0 && err == NULL && h.n == 0)
		printf("no updates: morph prices update fetches the current "
		    "table\n");
	if (json) {
		morph_jsonw_array_end(&w);
		morph_jsonw_object_end(&w);
		if (err == NULL)
			morph_jsonw_finish(&w);
	}
	morph_prices_close(prices);
	if (err == NULL && unpriced > 0)
		ctx->status = 1;
	return err;
}

static const struct morph_error *
update(struct morph_cmd_ctx *ctx, const char *url)
{
	const struct morph_error *err;
	struct morph_prices_info t;
	char np[32], nm[32], *file = NULL;
	int changed;

	if (ctx->repo == NULL)
		return morph_error_fmt(MORPH_ERR_NOT_REPO, "prices update: "
		    "not in a morph repository: the table is kept in one");
	if ((err = morph_prices_update(&t, &changed, ctx->repo, url)) != NULL)
		return err;
	thousands(t.providers, np, sizeof(np));
	thousands(t.models, nm, sizeof(nm));
	if (changed)
		printf("update #%lld: %s providers, %s models from %s, %s\n",
		    (long long)t.update, np, nm, t.source,
		    morph_cmd_short(&t.id));
	else
		printf("unchanged: the table at %s is update #%lld already, "
		    "%s\n", t.source, (long long)t.update,
		    morph_cmd_short(&t.id));
	if (morph_config_get(&file, ctx->repo, MORPH_CONFIG_ANY,
	    "prices.file") == NULL && file != NULL)
		printf("note: config prices.file is set, and calls are priced "
		    "with %s instead\n", file);
	free(file);
	return NULL;
}

static const struct morph_error *
cmd_prices(struct morph_cmd_ctx *ctx, int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "at", required_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'J' },
		{ NULL, 0, NULL, 0 }
	};
	const struct morph_error *err = NULL;
	struct timespec ts;
	int64_t at_ms;
	int c, json = 0;

	clock_gettime(CLOCK_REALTIME, &ts);
	at_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	/* morph prices update [url]: no options. */
	if (argc > 1 && strcmp(argv[1], "update") == 0) {
		if (argc > 3)
			return morph_cmd_bad_usage(ctx, "update takes one URL "
			    "at most");
		if (argc == 3 && argv[2][0] == '-')
			return morph_cmd_bad_usage(ctx, "update takes no "
			    "options");
		err = morph_repo_open(&ctx->repo, NULL);
		if (err != NULL && err->code != MORPH_ERR_NOT_REPO)
			return err;
		return update(ctx, argc == 3 ? argv[2] : NULL);
	}
	while ((c = morph_cmd_getopt(ctx, argc, argv, "", longopts,
	    &err)) != -1) {
		switch (c) {
		case 'a':
			if (morph_prices_parse_time(&at_ms, optarg) != 0)
				return morph_cmd_bad_usage(ctx, "--at needs a "
				    "date, YYYY-MM-DD, or a time, "
				    "YYYY-MM-DDTHH:MM:SSZ (UTC), not '%s'",
				    optarg);
			break;
		case 'J':
			json = 1;
			break;
		default:
			return err;
		}
	}
	argc -= optind;
	argv += optind;
	/* A repository has its updates and configuration; else the user's. */
	err = morph_repo_open(&ctx->repo, NULL);
	if (err != NULL && err->code != MORPH_ERR_NOT_REPO)
		return err;
	return show(ctx, argc, argv, json, at_ms);
}

const struct morph_cmd morph_cmd_prices = {
	"prices",
	"prices [--json] [--at date] [model ...]\n"
	"       morph prices update [url]",
	"show what models cost, and update the price table",
	0,
	cmd_prices,
};
