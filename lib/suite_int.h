/*
 * The suite a commit holds: morph.json, the prompt files it names, the
 * JSON Lines case files, and {{var}} templates (morph-suite(5)).
 *
 * A suite is loaded from a tree, never from the work tree: what runs is
 * what was committed.  Every error names the file, the line (for JSON
 * Lines) and the field, and all of them are found before any request is
 * sent.
 */
#ifndef MORPH_SUITE_INT_H
#define MORPH_SUITE_INT_H

#include <stddef.h>
#include <cjson/cJSON.h>

#include "morph/buf.h"
#include "morph/error.h"
#include "morph/hash.h"
#include "morph/select.h"
#include "morph/suite.h"

struct morph_repo;

struct morph_suite_model {
	char	*id;		/* label in reports: "id" or the spec */
	char	*spec;		/* "provider:model" as written */
	char	*provider;	/* before the first ':' */
	char	*model;		/* after it */
	cJSON	*params;	/* defaults, then the model's own settings;
				   never NULL */
};

struct morph_suite_prompt {
	char	*path;		/* repository path of the prompt file */
	cJSON	*messages;	/* [{"role", "content"}], content templates */
	cJSON	*params;	/* settings from a .json prompt, or NULL;
				   a null value unsets a setting */
};

struct morph_suite_case {
	char	*id;		/* "default" for the implicit case */
	char	*file;		/* case file it came from; "" for "default" */
	int	 line;		/* 1-based line in that file; 0 for "default" */
	cJSON	*vars;		/* object; never NULL */
	cJSON	*asserts;	/* array: the defaults then the case's own;
				   with n the size of morph.json's
				   defaults.assert, [i] is that array's [i]
				   for i < n, else the line's assert[i - n] */
	char	**prompts;	/* prompt paths it applies to; NULL: all */
	size_t	 nprompts;
};

struct morph_suite {
	struct morph_suite_prompt	*prompts;	/* sorted by path */
	size_t				 nprompts;
	struct morph_suite_model	*models;	/* as listed */
	size_t				 nmodels;
	struct morph_suite_case		*cases;		/* file order */
	size_t				 ncases;
	char				*judge;		/* spec or NULL */
	cJSON				*doc;		/* morph.json */
	/* "select": the rule of morph select; defaults when absent.  Its
	   strings point into doc; each key of its baselines is the first
	   to match some prompt. */
	struct morph_select_rule	 rule;
};

/*
 * Loads the suite of tree (a commit's root tree).  Errors (MORPH_ERR_SUITE)
 * read "FILE:LINE: FIELD: why" or "FILE: FIELD: why": a missing or broken
 * morph.json, a glob that matches nothing, a bad model spec, a prompt
 * file of an unknown kind, a case without an id, a duplicate case id, a
 * case naming a prompt that does not exist, a template that uses a
 * variable no case gives.  A suite without cases gets one, "default",
 * with empty vars, so ncases >= 1.  nmodels may be 0.  The caller frees
 * *out.
 */
const struct morph_error *morph_suite_load(struct morph_suite **out,
    struct morph_repo *, const struct morph_oid *tree);
void	morph_suite_free(struct morph_suite *);

/*
 * As morph_suite_load, but keeping only the cases whose id keep accepts:
 * a reader of a few cases of a large suite (lib/report_html.c) holds only
 * those.  Every case is parsed and its fields checked; duplicate ids and
 * the variables prompts use are checked among the kept cases only.  The
 * implicit "default" case is there only when the files have no case.
 */
typedef int (*morph_suite_keep_cb)(const char *id, void *arg);
const struct morph_error *morph_suite_load_some(struct morph_suite **out,
    struct morph_repo *, const struct morph_oid *tree,
    morph_suite_keep_cb keep, void *arg);

/*
 * Adds to into the cases (by id) and the models (by id) of from that it
 * lacks, as from has them, after its own: the suite the merge gate runs
 * (lib/gate.c).  The implicit "default" case is not added.  A case keeps
 * its file and line, which name the file of from.
 */
const struct morph_error *morph_suite_union(struct morph_suite *into,
    const struct morph_suite *from);

/*
 * Calls cb with the path of every file the suite reads: morph.json, its
 * prompt files and its case files, each once.  Stops at cb's first error.
 */
const struct morph_error *morph_suite_files(const struct morph_suite *,
    const struct morph_error *(*cb)(const char *path, void *), void *arg);

/*
 * Whether pattern matches path as the globs of morph.json do: fnmatch(3)
 * with FNM_PATHNAME, and a component "**" for any number of directories.
 */
int	morph_suite_glob_match(const char *pattern, const char *path);

/* Whether case c applies to prompt p. */
int	morph_suite_case_applies(const struct morph_suite_case *c,
	    const struct morph_suite_prompt *p);

/*
 * morph_suite_settings_diff (morph/suite.h) of two suites already loaded
 * (either may be NULL: no suite, no models), so that a caller that holds
 * them loads neither again (lib/suitediff.c).
 */
const struct morph_error *morph_suite_settings_compare(
    const struct morph_suite *old, const struct morph_suite *new,
    morph_settings_cb cb, void *arg);

/*
 * Renders prompt p for case c: a new array of {"role", "content"} with
 * every {{name}} and {{a.b}} replaced from c's vars.  Errors
 * (MORPH_ERR_SUITE): a missing variable, naming the prompt, the case and
 * the variable.  The caller frees *out with cJSON_Delete().
 */
const struct morph_error *morph_suite_render(cJSON **out,
    const struct morph_suite_prompt *p, const struct morph_suite_case *c);

/*
 * The settings of one call of prompt p on model m: m's params (the
 * defaults, then the model's own settings), then p's params.  A null
 * value removes the setting.  The caller frees *out with cJSON_Delete().
 */
const struct morph_error *morph_suite_params(cJSON **out,
    const struct morph_suite_model *m, const struct morph_suite_prompt *p);

/*
 * Renders one template, appending to out.  {{ name }} (spaces allowed) is
 * replaced by vars.name: a string as it is, anything else as compact
 * JSON; the exact rules are at the top of lib/template.c and in
 * morph-suite(5).  what names the template in errors ("prompts/a.txt,
 * case 'paris'").
 */
const struct morph_error *morph_template_render(struct morph_buf *out,
    const char *tmpl, const cJSON *vars, const char *what);

/*
 * Calls cb with the name of every variable tmpl uses, in order, repeats
 * included; name is not NUL-terminated.  cb's error stops the scan.
 */
typedef const struct morph_error *(*morph_template_var_cb)(const char *name,
    size_t len, void *arg);
const struct morph_error *morph_template_vars(const char *tmpl,
    morph_template_var_cb cb, void *arg);

/* The value of the dotted name (len bytes) in vars, or NULL.  Borrowed. */
const cJSON *morph_template_lookup(const cJSON *vars, const char *name,
    size_t len);

/*
 * Parses morph.json, a prompt file or a case file from bytes: for the fuzz
 * targets and the unit tests, which have no repository.  kind is
 * "morph.json", "prompt" or "cases"; name is the file name for messages
 * and, for a prompt, says its kind by its extension.  What needs the
 * other files is not checked: globs, the prompts a case names, variables.
 * Errors: SUITE as morph_suite_load's; INVALID for an unknown kind.
 */
const struct morph_error *morph_suite_parse_file(const char *kind,
    const char *name, const char *data, size_t len);

#endif
