/*
 * Choosing models on evidence (morph-select(1)): per prompt, the cheapest
 * model that meets a quality floor and is not worse than the baseline by
 * more than a margin, decided by the rule that morph.json holds
 * (morph-suite(5)) on the rows of a comparison (compare.h).  The
 * selection is public so that a router's configuration can be written
 * from it (morph route export).
 */
#ifndef MORPH_SELECT_H
#define MORPH_SELECT_H

#include <stddef.h>
#include <stdint.h>

#include "morph/compare.h"
#include "morph/error.h"

/*
 * A key of a per-prompt baseline: the prompts whose path the glob
 * matches (as the globs of morph-suite(5) match) are served by model,
 * unless an earlier key matched them first.
 */
struct morph_select_baseline {
	const char	*prompts;	/* the glob */
	const char	*model;		/* a model id */
};

/* The decision rule, the "select" object of morph.json. */
struct morph_select_rule {
	double		 floor;		/* the least pass rate, 0 to 1 */
	double		 margin;	/* delta: how much worse is not worse */
	double		 alpha;		/* level of each test, one-sided */
	/* The model of a prompt no key of baselines matches (every
	   prompt without them); NULL: the suite's first model. */
	const char	*baseline;
	/* The configured model per prompt, in the order written, the
	   first match winning; NULL (and 0) when baseline is one id. */
	const struct morph_select_baseline *baselines;
	size_t		 nbaselines;
};
#define MORPH_SELECT_RULE_INIT	{ 0, 0.05, 0.05, NULL, NULL, 0 }

/*
 * The baseline of the prompt at path prompt (NULL: no prompt, as for
 * the whole suite): the model of the first of rule's baselines whose
 * glob matches it, else rule->baseline, which may be NULL for the
 * suite's first model (the rule does not know the suite's models).
 * Borrowed from rule.
 */
const char *morph_select_rule_baseline(const struct morph_select_rule *rule,
    const char *prompt);

/* What the floor test said of a model. */
enum morph_select_floor {
	MORPH_SELECT_FLOOR_MEETS,	/* one-sided lower bound >= floor */
	MORPH_SELECT_FLOOR_FAILS,	/* one-sided upper bound < floor */
	MORPH_SELECT_FLOOR_UNSURE,	/* neither */
};

enum morph_select_verdict {
	MORPH_SELECT_RECOMMEND,	/* a cheaper model qualifies */
	MORPH_SELECT_KEEP,	/* none does, on the evidence */
	MORPH_SELECT_INCONCLUSIVE,	/* more cases would settle it */
};

/* A cheaper model, as tested (from the most expensive down). */
struct morph_select_candidate {
	const struct morph_compare_row	*row;
	enum morph_select_floor		 floor;
	double				 floor_lo, floor_hi; /* one-sided */
	int				 paired;	/* cases in both */
	int				 repeated;	/* the t test was
							   used */
	double				 diff;		/* its rate minus the
							   baseline's, paired */
	double				 stat;		/* Tango's Z or t */
	double				 p_value;	/* non-inferiority */
	int				 noninferior;	/* p < alpha */
	int				 inferior;	/* shown worse than
							   the margin */
	int				 qualifies;	/* floor met and
							   non-inferior */
};

/* The selection for one prompt (or the suite). */
struct morph_select_prompt {
	const char			*prompt;	/* NULL with total */
	const struct morph_compare_row	*baseline;	/* NULL: not run */
	enum morph_select_floor		 baseline_floor;
	double				 floor_lo, floor_hi;
	enum morph_select_verdict	 verdict;
	/* The model to use: the cheapest that qualifies, else baseline. */
	const struct morph_compare_row	*chosen;
	/* Candidates tested, the last the one that stopped the descent. */
	const struct morph_select_candidate *tested;
	size_t				 ntested;
	/* INCONCLUSIVE: the cases that would settle the first open test
	   if the rates held; -1 when no number would. */
	int64_t				 cases_needed;
};

struct morph_select;

/*
 * Selects a model for every group of cmp by rule (NULL: the rule of
 * the suite cmp read); each group's baseline is the configured model of
 * its prompt, its row current (compare.h).  cmp must outlive the
 * selection.  Errors: NOMEM; INVALID for a comparison of the whole suite
 * (morph_compare_opts.total) when cmp's rule names a model per prompt,
 * since the suite then has no one baseline to judge against.
 */
const struct morph_error *morph_select_new(struct morph_select **out,
    const struct morph_compare *cmp, const struct morph_select_rule *rule);
void	morph_select_free(struct morph_select *);

/*
 * The decision for one group, into *out, with out->tested pointing into
 * tested (room for g->nrows candidates), both the caller's; what
 * morph_select_new does for every group, public so that the statistics
 * can be simulated on groups made in memory.  Errors: NOMEM.
 */
const struct morph_error *morph_select_decide(struct morph_select_prompt *out,
    struct morph_select_candidate *tested,
    const struct morph_compare_group *g, const struct morph_select_rule *);

const struct morph_select_rule *morph_select_get_rule(
    const struct morph_select *);
size_t	morph_select_nprompts(const struct morph_select *);
const struct morph_select_prompt *morph_select_prompt(
    const struct morph_select *, size_t i);

/*
 * What morph select --check fails on: the configured model fails the
 * floor (its one-sided upper bound is below it), or a cheaper model
 * qualifies.  Returns how many prompts do.
 */
size_t	morph_select_check(const struct morph_select *);

#endif
