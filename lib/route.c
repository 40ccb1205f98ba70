/*
 * Routing plans (morph/route.h): freeing them, the names routers know
 * prompts by, the table of writers, and what the writers share (the
 * header, YAML scalars, prices as decimals).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "morph/route.h"
#include "json_int.h"
#include "route_int.h"

void
morph_route_model_release(struct morph_route_model *m)
{
	free(m->id);
	free(m->provider);
	free(m->model);
	free(m->key_env);
	free(m->reason);
	free(m->scores);
}

void
morph_route_plan_free(struct morph_route_plan *plan)
{
	struct morph_route_prompt *p;
	size_t i, j;

	if (plan == NULL)
		return;
	for (i = 0; i < plan->nruns; i++)
		free(plan->runs[i]);
	free(plan->runs);
	free(plan->rule.baseline);
	free(plan->source);
	for (i = 0; i < plan->nprompts; i++) {
		p = &plan->prompts[i];
		free(p->path);
		free(p->baseline);
		for (j = 0; j < p->ncases; j++) {
			free(p->cases[j].id);
			free(p->cases[j].text);
		}
		free(p->cases);
		for (j = 0; j < p->ncandidates; j++)
			morph_route_model_release(&p->candidates[j]);
		free(p->candidates);
		for (j = 0; j < p->nleft_out; j++)
			morph_route_model_release(&p->left_out[j]);
		free(p->left_out);
	}
	free(plan->prompts);
	free(plan);
}

void
morph_route_names_free(char **names, size_t n)
{
	size_t i;

	if (names == NULL)
		return;
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* A name from a path: no extension, '/' as '-', odd bytes as '_'. */
static char *
name_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *dot = strrchr(slash != NULL ? slash + 1 : path, '.');
	size_t len = strlen(path), i;
	char *s;

	/* "a/.hidden" keeps its name: a leading dot is no extension. */
	if (dot != NULL && dot != (slash != NULL ? slash + 1 : path))
		len = (size_t)(dot - path);
	if ((s = malloc(len + 8)) == NULL)
		return NULL;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)path[i];

		if (c == '/')
			s[i] = '-';
		else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-')
			s[i] = (char)c;
		else
			s[i] = '_';
	}
	s[len] = '\0';
	if (len == 0)
		memcpy(s, "prompt", sizeof("prompt"));
	return s;
}

const struct morph_error *
morph_route_names(char ***out, const struct morph_route_plan *plan)
{
	char **names;
	size_t i, j;
	int n;

	*out = NULL;
	if ((names = calloc(plan->nprompts + 1, sizeof(*names))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	for (i = 0; i < plan->nprompts; i++) {
		char *base = name_of(plan->prompts[i].path);

		if (base == NULL) {
			morph_route_names_free(names, i);
			return morph_error(MORPH_ERR_NOMEM);
		}
		/* Taken by an earlier prompt: the first free "-N". */
		for (n = 1;; n++) {
			char *cand;

			if (n == 1)
				cand = strdup(base);
			else {
				size_t len = strlen(base) + 24;

				if ((cand = malloc(len)) != NULL)
					snprintf(cand, len, "%s-%d", base, n);
			}
			if (cand == NULL) {
				free(base);
				morph_route_names_free(names, i);
				return morph_error(MORPH_ERR_NOMEM);
			}
			for (j = 0; j < i; j++)
				if (strcmp(names[j], cand) == 0)
					break;
			if (j == i) {
				names[i] = cand;
				break;
			}
			free(cand);
		}
		free(base);
	}
	*out = names;
	return NULL;
}

static const struct {
	const char		*name;
	morph_route_writer	 write;
} writers[] = {
	[MORPH_ROUTE_OTARI] = { "otari", morph_route_write_otari },
	[MORPH_ROUTE_OTARI_RANK] = { "otari-rank",
	    morph_route_write_otari_rank },
	[MORPH_ROUTE_LITELLM] = { "litellm", morph_route_write_litellm },
	[MORPH_ROUTE_OPENROUTER] = { "openrouter",
	    morph_route_write_openrouter },
};
#define NWRITERS	(sizeof(writers) / sizeof(writers[0]))

int
morph_route_format_from_name(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < NWRITERS; i++)
		if (strcmp(writers[i].name, name) == 0)
			return (int)i;
	return -1;
}

const char *
morph_route_format_name(enum morph_route_format f)
{
	return (size_t)f < NWRITERS ? writers[f].name : "?";
}

const char *
morph_route_verdict_name(enum morph_route_verdict v)
{
	switch (v) {
	case MORPH_ROUTE_RECOMMEND:
		return "RECOMMEND";
	case MORPH_ROUTE_KEEP:
		return "KEEP";
	case MORPH_ROUTE_QUALIFIES:
		return "QUALIFIES";
	case MORPH_ROUTE_INCONCLUSIVE:
		return "INCONCLUSIVE";
	case MORPH_ROUTE_EXCLUDED:
		return "EXCLUDED";
	}
	return "?";
}

size_t
morph_route_canary_other(const struct morph_route_plan *plan,
    const struct morph_route_prompt *p)
{
	size_t i;

	(void)plan;
	for (i = 1; p->baseline != NULL && i < p->ncandidates &&
	    i < MORPH_ROUTE_OTARI_MAX; i++)
		if (strcmp(p->candidates[i].id, p->baseline) == 0)
			return i;
	return 1;
}

int
morph_route_plan_routes(const struct morph_route_plan *plan)
{
	size_t i;

	for (i = 0; i < plan->nprompts; i++)
		if (plan->prompts[i].ncandidates > 0)
			return 1;
	return 0;
}

const struct morph_error *
morph_route_write(struct morph_buf *out, const struct morph_route_plan *plan,
    enum morph_route_format format, const struct morph_route_write_opts *opts)
{
	const struct morph_route_write_opts defaults =
	    MORPH_ROUTE_WRITE_OPTS_INIT;
	const struct morph_error *err;
	char **names;

	if (opts == NULL)
		opts = &defaults;
	if ((size_t)format >= NWRITERS)
		return morph_error_fmt(MORPH_ERR_INVALID, "route export: "
		    "unknown format %d", (int)format);
	if (opts->canary_pct < 0 || opts->canary_pct > 99)
		return morph_error_fmt(MORPH_ERR_INVALID, "route export: "
		    "--canary needs a share from 1 to 99 percent, not %d",
		    opts->canary_pct);
	if (!morph_route_plan_routes(plan))
		return morph_error_fmt(MORPH_ERR_INVALID, "route export: no "
		    "prompt has a model that qualifies: nothing to route");
	if ((err = morph_route_names(&names, plan)) != NULL)
		return err;
	err = writers[format].write(out, plan, names, opts);
	morph_route_names_free(names, plan->nprompts);
	if (err == NULL)
		err = morph_buf_status(out);
	return err;
}

void
morph_route_comment_text(struct morph_buf *b, const char *s)
{
	for (; *s != '\0'; s++)
		morph_buf_putc(b, (unsigned char)*s < 0x20 || *s == 0x7f ?
		    '?' : *s);
}

/* A number of the rule, or "-" when the rule does not use it. */
static void
rule_number(struct morph_buf *b, const char *label, double v)
{
	if (v < 0)
		morph_buf_printf(b, "%s -", label);
	else
		morph_buf_printf(b, "%s %g", label, v);
}

void
morph_route_comment_header(struct morph_buf *b,
    const struct morph_route_plan *plan, char **names, const char *format)
{
	size_t i;

	morph_buf_printf(b, "# morph route export --format %s\n", format);
	morph_buf_printf(b, "# commit %s\n", morph_oid_tostr(&plan->commit));
	morph_buf_puts(b, plan->nruns == 1 ? "# run" : "# runs");
	for (i = 0; i < plan->nruns; i++) {
		morph_buf_puts(b, i == 0 ? " " : ", ");
		morph_route_comment_text(b, plan->runs[i]);
	}
	morph_buf_puts(b, "\n# rule: ");
	rule_number(b, "floor", plan->rule.floor);
	rule_number(b, ", margin", plan->rule.margin);
	rule_number(b, ", alpha", plan->rule.alpha);
	morph_buf_puts(b, ", baseline ");
	morph_route_comment_text(b, plan->rule.baseline != NULL ?
	    plan->rule.baseline : "-");
	morph_buf_puts(b, "\n# source: ");
	morph_route_comment_text(b, plan->source != NULL ? plan->source :
	    "-");
	morph_buf_puts(b, "\n# names (prompt):\n");
	for (i = 0; i < plan->nprompts; i++) {
		morph_buf_puts(b, "#   ");
		morph_buf_puts(b, names[i]);
		morph_buf_puts(b, " (");
		morph_route_comment_text(b, plan->prompts[i].path);
		morph_buf_puts(b, ")\n");
	}
}

/* Whether s is a word YAML 1.1 reads as a boolean or null. */
static int
yaml_special(const char *s)
{
	static const char *const words[] = {
		"y", "n", "yes", "no", "on", "off", "true", "false", "null",
		"~",
	};
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcasecmp(s, words[i]) == 0)
			return 1;
	return 0;
}

void
morph_route_yaml_scalar(struct morph_buf *b, const char *s)
{
	const unsigned char *p;
	int plain = ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
	    *s == '_' || *s == '/') && !yaml_special(s) &&
	    s[strlen(s) - 1] != ':';
	int utf8 = morph_utf8_check(s, strlen(s)) == 0;

	for (p = (const unsigned char *)s; plain && *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("._/:@+-", *p) != NULL))
			plain = 0;
	if (plain) {
		morph_buf_puts(b, s);
		return;
	}
	morph_buf_putc(b, '"');
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			morph_buf_printf(b, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f || (*p >= 0x80 && !utf8))
			morph_buf_printf(b, "\\x%02x", *p);
		else
			morph_buf_putc(b, *p);
	}
	morph_buf_putc(b, '"');
}

void
morph_route_put_price(struct morph_buf *b, double mtok, int per_token)
{
	char tmp[64], digits[96], *dot;
	size_t ilen, flen, k;
	int prec, point;

	if (!isfinite(mtok) || mtok < 0)
		mtok = 0;
	/* The shortest fixed-point text that reads back as mtok. */
	for (prec = 1; prec <= 24; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*f", prec, mtok);
		if (strtod(tmp, NULL) == mtok)
			break;
	}
	/* Trailing zeros go, but one digit stays after the point. */
	k = strlen(tmp);
	while (k > 0 && tmp[k - 1] == '0' && tmp[k - 2] != '.')
		tmp[--k] = '\0';
	if (!per_token) {
		morph_buf_puts(b, tmp);
		return;
	}
	/* Move the point six places left, on the digits themselves. */
	dot = strchr(tmp, '.');
	ilen = (size_t)(dot - tmp);
	flen = strlen(dot + 1);
	memcpy(digits, tmp, ilen);
	memcpy(digits + ilen, dot + 1, flen);
	digits[ilen + flen] = '\0';
	point = (int)ilen - 6;
	if (point <= 0) {
		morph_buf_puts(b, "0.");
		for (; point < 0; point++)
			morph_buf_putc(b, '0');
		morph_buf_puts(b, digits);
	} else {
		morph_buf_put(b, digits, (size_t)point);
		morph_buf_putc(b, '.');
		morph_buf_puts(b, digits + point);
	}
	/* Strip what the shift made redundant: "0.0000030" is "0.000003". */
	while (b->len > 2 && b->ptr[b->len - 1] == '0' &&
	    b->ptr[b->len - 2] != '.')
		morph_buf_truncate(b, b->len - 1);
}

const char *
morph_route_selector(struct morph_buf *tmp, const struct morph_route_model *m)
{
	morph_buf_clear(tmp);
	morph_buf_printf(tmp, "%s:%s", m->provider, m->model);
	return morph_buf_cstr(tmp);
}
