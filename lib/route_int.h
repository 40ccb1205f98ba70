/*
 * Routing plans inside the library (see morph/route.h): the table of
 * writers, one file each (lib/route_otari.c, lib/route_litellm.c,
 * lib/route_openrouter.c), and what they share: the header every export
 * starts with, YAML scalars, and prices written as decimals.
 */
#ifndef MORPH_ROUTE_INT_H
#define MORPH_ROUTE_INT_H

#include <stdint.h>

#include "morph/buf.h"
#include "morph/error.h"
#include "morph/route.h"

/* One writer: appends plan in its format; names are morph_route_names'. */
typedef const struct morph_error *(*morph_route_writer)(struct morph_buf *,
    const struct morph_route_plan *, char **names,
    const struct morph_route_write_opts *);

const struct morph_error *morph_route_write_otari(struct morph_buf *,
    const struct morph_route_plan *, char **names,
    const struct morph_route_write_opts *);
const struct morph_error *morph_route_write_otari_rank(struct morph_buf *,
    const struct morph_route_plan *, char **names,
    const struct morph_route_write_opts *);
const struct morph_error *morph_route_write_litellm(struct morph_buf *,
    const struct morph_route_plan *, char **names,
    const struct morph_route_write_opts *);
const struct morph_error *morph_route_write_openrouter(struct morph_buf *,
    const struct morph_route_plan *, char **names,
    const struct morph_route_write_opts *);

/*
 * The header as comment lines, each starting with "# ": the format, the
 * commit, the runs, the rule, the source, and which prompt each name
 * stands for.  Control characters in paths are written as '?', so that
 * a path cannot end the comment.
 */
void	morph_route_comment_header(struct morph_buf *,
	    const struct morph_route_plan *, char **names, const char *format);

/* s as comment text: control characters as '?'. */
void	morph_route_comment_text(struct morph_buf *, const char *s);

/*
 * s as a YAML scalar that PyYAML and every YAML 1.1 or 1.2 reader take
 * as that very string: plain when it is unambiguous (letters, digits
 * and "._/:@+-", starting with a letter, '_' or '/', and no word
 * YAML 1.1 reads as a boolean or null), else double-quoted with escapes.
 */
void	morph_route_yaml_scalar(struct morph_buf *, const char *s);

/*
 * A price of mtok USD per million tokens as a decimal with a point and
 * no exponent, the shortest that reads back as mtok ("0.15", "3.0");
 * with per_token, the same number of USD per token, the point moved six
 * places exactly ("0.00000015"): YAML 1.1 reads "1.5e-07" as a number
 * but "1e-07" as a string, so no exponent is ever written.
 */
void	morph_route_put_price(struct morph_buf *, double mtok, int per_token);

/* Frees what m holds (not m). */
void	morph_route_model_release(struct morph_route_model *m);

/* Sets tmp to "provider:model" of m and returns its text. */
const char *morph_route_selector(struct morph_buf *tmp,
    const struct morph_route_model *m);

/*
 * For a source of plans (lib/routeselect.c): sets the
 * provider, model, key variable and prices of m, whose id is set, from
 * the suite s of the run and the price table in force at at_ms.
 * Errors: CORRUPT when s lists no model m->id; the price table's.
 */
struct morph_prices;
struct morph_repo;
struct morph_suite;
const struct morph_error *morph_route_model_facts(struct morph_route_model *m,
    struct morph_repo *, struct morph_prices *, const struct morph_suite *s,
    int64_t at_ms);

/*
 * The text of the last user message of prompt path rendered for case
 * case_id, what Otari's learned router embeds; "" when it has none, NULL
 * when s lacks the prompt or the case.  The caller frees *out.  Errors:
 * the suite's rendering errors; NOMEM.
 */
const struct morph_error *morph_route_case_text(char **out,
    const struct morph_suite *s, const char *path, const char *case_id);

#endif
