/*
 * The morph program's command table and the helpers commands share.
 * Everything here is private to cmd/; the library is reached only through
 * include/morph.
 */
#ifndef MORPH_CMD_H
#define MORPH_CMD_H

#include <getopt.h>
#include <stdio.h>

#include "morph/morph.h"
#include "morph/sgr.h"

#define MORPH_CMD_NEEDS_REPO	0x01	/* the dispatcher opens the repository */
#define MORPH_CMD_READS		0x02	/* only reads: runs in one snapshot */

struct morph_cmd;

struct morph_cmd_ctx {
	struct morph_repo	*repo;		/* open when NEEDS_REPO */
	const struct morph_cmd	*cmd;
	int			 status;	/* 1 for a negative answer */
	int			 usage_error;	/* print the usage line too */
};

struct morph_cmd {
	const char	*name;
	const char	*usage;		/* the man page's SYNOPSIS, flattened */
	const char	*summary;	/* one line for morph help */
	int		 flags;
	const struct morph_error *(*exec)(struct morph_cmd_ctx *, int argc,
			    char *argv[]);
};

extern const struct morph_cmd morph_cmd_add;
extern const struct morph_cmd morph_cmd_bisect;
extern const struct morph_cmd morph_cmd_blame;
extern const struct morph_cmd morph_cmd_branch;
extern const struct morph_cmd morph_cmd_cat_object;
extern const struct morph_cmd morph_cmd_checkout;
extern const struct morph_cmd morph_cmd_clone;
extern const struct morph_cmd morph_cmd_commit;
extern const struct morph_cmd morph_cmd_compare;
extern const struct morph_cmd morph_cmd_config;
extern const struct morph_cmd morph_cmd_diff;
extern const struct morph_cmd morph_cmd_eval;
extern const struct morph_cmd morph_cmd_fetch;
extern const struct morph_cmd morph_cmd_fsck;
extern const struct morph_cmd morph_cmd_help;
extern const struct morph_cmd morph_cmd_init;
extern const struct morph_cmd morph_cmd_log;
extern const struct morph_cmd morph_cmd_merge;
extern const struct morph_cmd morph_cmd_models;
extern const struct morph_cmd morph_cmd_mv;
extern const struct morph_cmd morph_cmd_prices;
extern const struct morph_cmd morph_cmd_pull;
extern const struct morph_cmd morph_cmd_push;
extern const struct morph_cmd morph_cmd_reflog;
extern const struct morph_cmd morph_cmd_remote;
extern const struct morph_cmd morph_cmd_report;
extern const struct morph_cmd morph_cmd_reset;
extern const struct morph_cmd morph_cmd_restore;
extern const struct morph_cmd morph_cmd_rev_parse;
extern const struct morph_cmd morph_cmd_revert;
extern const struct morph_cmd morph_cmd_rm;
extern const struct morph_cmd morph_cmd_route;
extern const struct morph_cmd morph_cmd_run;
extern const struct morph_cmd morph_cmd_runs;
extern const struct morph_cmd morph_cmd_select;
extern const struct morph_cmd morph_cmd_show;
extern const struct morph_cmd morph_cmd_stash;
extern const struct morph_cmd morph_cmd_status;
extern const struct morph_cmd morph_cmd_switch;
extern const struct morph_cmd morph_cmd_tag;

/*
 * cmd-checkout.c: moving HEAD as checkout and switch do: to a new branch
 * made at rev (or HEAD), to a branch, or detached at a commit; rev "-" is
 * the previous branch (@{-1}).  The move is logged (reflog.h).
 */
struct morph_cmd_move {
	const char	*newbranch;	/* -b, -c: create it at rev */
	const char	*rev;		/* NULL: HEAD */
	int		 detach;	/* never onto a branch */
	int		 branch_only;	/* refuse to detach unless detach */
	int		 force;
	int		 quiet;
};
const struct morph_error *morph_cmd_move_head(struct morph_cmd_ctx *,
    const struct morph_cmd_move *);
/*
 * Their options into sw, with morph_cmd_getopt: 'b' or 'c' (a new branch),
 * 'd' (--detach), 'f' and 'q'.  -1 after setting *err to a usage error.
 */
int	morph_cmd_move_options(struct morph_cmd_ctx *, int argc, char *argv[],
	    const char *shortopts, const struct option *longopts,
	    struct morph_cmd_move *sw, const struct morph_error **err);

/* morph.c: the command called name, or NULL. */
const struct morph_cmd *morph_cmd_find(const char *name);

/* morph.c: the usage line of morph and the list of its commands. */
void	morph_cmd_list(FILE *);

/*
 * The SYNOPSIS and OPTIONS of each command's man page as mandoc renders
 * them, a string a line: made at build time by cmd/mkhelp.c, for morph
 * help.  The array ends with a NULL name.
 */
struct morph_cmd_manual {
	const char		*name;
	const char *const	*lines;
};
extern const struct morph_cmd_manual morph_cmd_manuals[];

/*
 * A usage error: the dispatcher prints "morph: NAME: why" and then the
 * command's usage line, and exits with 2.
 */
const struct morph_error *morph_cmd_bad_usage(struct morph_cmd_ctx *,
    const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * getopt_long for a command, with its own messages: returns the option
 * character, -1 at the end of the options, or '?' after setting *err to a
 * usage error.  Reset optind to 0 before the first call (the dispatcher
 * does).
 */
int	morph_cmd_getopt(struct morph_cmd_ctx *, int argc, char *argv[],
	    const char *shortopts, const struct option *longopts,
	    const struct morph_error **err);

/*
 * Splits argv at the first "--": *argc becomes the count before it, and
 * *paths and *npaths the arguments after it (npaths -1 when there is no "--").
 */
void	morph_cmd_split_paths(int *argc, char *argv[], char ***paths,
	    int *npaths);

/*
 * The paths given on the command line as repository paths (morph_repo_path:
 * relative to the current directory, normalised, refused outside the work
 * tree): v[i] for i < n, until morph_cmd_pathspec_release.  nargs may be
 * -1 (no "--": no paths).
 */
struct morph_cmd_pathspec {
	struct morph_buf	*norm;
	const char		**v;
	size_t			 n;
};
const struct morph_error *morph_cmd_pathspec_parse(
    struct morph_cmd_pathspec *, struct morph_repo *, char **args,
    int nargs);
void	morph_cmd_pathspec_release(struct morph_cmd_pathspec *);

/*
 * A revision range as git writes it: "A..B" (what B reaches and A does
 * not) or "A...B" (diff: from their merge base to B; log: what one of
 * them reaches and not both), an empty side meaning HEAD.  morph_cmd_range
 * returns 0 when arg is no range (a REV:PATH never is, whatever its path
 * holds), else the number of dots, with r->a and r->b set until
 * morph_cmd_range_release.  Errors: NOMEM (returned as -1).
 */
struct morph_cmd_range {
	char		*buf;
	const char	*a;
	const char	*b;
};
int	morph_cmd_range(struct morph_cmd_range *r, const char *arg);
void	morph_cmd_range_release(struct morph_cmd_range *r);

/*
 * message.c: a commit or tag message cleaned as git's default "strip"
 * mode does: trailing white space and (with strip_comments, for a message
 * from the editor) '#' lines go, runs of blank lines become one, blank
 * lines at either end are dropped; the result, in out, ends in "\n" or
 * is empty.
 */
const struct morph_error *morph_cmd_clean_message(struct morph_buf *out,
    const char *in, int strip_comments);

/*
 * An option's value as a whole number from lo to hi, or as a number
 * (morph/num.h: decimal only, no nan, nothing after it); anything else is
 * a usage error naming opt and quoting s.
 */
const struct morph_error *morph_cmd_parse_int(struct morph_cmd_ctx *,
    const char *opt, const char *s, int64_t lo, int64_t hi, int64_t *out);
const struct morph_error *morph_cmd_parse_real(struct morph_cmd_ctx *,
    const char *opt, const char *s, double lo, double hi, int flags,
    double *out);

/* Whether stdout gets colour: a terminal, NO_COLOR unset, TERM not dumb. */
int	morph_cmd_color(void);

/*
 * Sends stdout through $MORPH_PAGER, $PAGER or less when it is a
 * terminal; morph_cmd_pager_end() waits for the pager.
 */
void	morph_cmd_pager_begin(void);
void	morph_cmd_pager_end(void);

/*
 * runsig.c: Ctrl-C and SIGTERM for a command that sends calls.  From
 * begin, a signal ends morph at once (nothing is sent yet); from sending,
 * which sets opts->stop and opts->drain, the first Ctrl-C drains the
 * calls in flight and a second one, or SIGTERM, stops; SIGPIPE is ignored
 * until end.
 */
struct morph_run_opts;
void	morph_cmd_signals_begin(void);
void	morph_cmd_signals_sending(struct morph_run_opts *);
void	morph_cmd_signals_end(void);

/* The abbreviated form of an id that commands print (12 digits). */
#define MORPH_SHORT_ID	12
const char *morph_cmd_short(const struct morph_oid *);

/*
 * Whether exec assertions may run commands: given --allow-exec (flag), or
 * exec.allow true in the repository's own .morph/config (never the user
 * file: a cloned suite must not run commands on a user-wide say-so).
 * Errors: INVALID for an exec.allow that is not true or false.
 */
const struct morph_error *morph_cmd_exec_allowed(int *allowed,
    struct morph_repo *, int flag);

/*
 * "[main 0123456789ab] summary": what commit and merge print about the
 * commit id they made.
 */
const struct morph_error *morph_cmd_print_committed(struct morph_repo *,
    const struct morph_oid *id);

/*
 * Commits what the index holds (morph_commit_create) in one transaction
 * and, unless quiet, prints what morph_cmd_print_committed prints.
 */
struct morph_commit_opts;
const struct morph_error *morph_cmd_commit_index(struct morph_repo *,
    const struct morph_commit_opts *, int quiet);

/*
 * cmd-merge.c: each conflict of m as git says it ("CONFLICT (content):
 * Merge conflict in PATH"), label naming the other side.
 */
void	morph_cmd_print_conflicts(const struct morph_merge *m,
	    const char *label);

/* The first line of a message, without its newline, in a static buffer. */
const char *morph_cmd_summary(const char *message);

/*
 * runfmt.c: the progress bar on stderr (done/total, errors, tokens, cost,
 * ETA), a morph_run_opts progress callback whose arg is a bar.  It draws
 * only when on; drawn says whether a line is to be cleared at the end.
 */
struct morph_run_progress;
struct morph_cmd_bar {
	int	 on;		/* stderr is a terminal */
	int64_t	 last_ms;
	int	 drawn;
};
void	morph_cmd_progress(const struct morph_run_progress *, void *arg);

/*
 * runfmt.c: the per-model summary of run num, as a table on stdout, or
 * with w as a JSON array of objects.
 */
struct morph_jsonw;
const struct morph_error *morph_cmd_print_models(struct morph_repo *,
    int64_t num, struct morph_jsonw *w);

/* "Tue Nov 25 10:00:00 2026 +0100" for a time and zone, static buffer. */
const char *morph_cmd_date(int64_t when, int tz);

/*
 * Commits as log and show print them (cmd/pretty.c).  Decorations are the
 * branches and tags that name each commit: load them once, then print.
 */
struct morph_cmd_decos;
const struct morph_error *morph_cmd_decos_load(struct morph_cmd_decos **out,
    struct morph_repo *);
void	morph_cmd_decos_free(struct morph_cmd_decos *);
/* The header and indented message, or with oneline "id (refs) summary". */
void	morph_cmd_print_commit(const struct morph_commit *,
	    const struct morph_cmd_decos *, int oneline, int color);
/* "BEFORE0123456789ab summary" and a newline, for commit id. */
const struct morph_error *morph_cmd_print_summary(struct morph_repo *,
    const struct morph_oid *id, const char *before);
/* A signature as member key of an open object: name, email, time, tz. */
void	morph_cmd_json_signature(struct morph_jsonw *, const char *key,
	    const struct morph_signature *);
/* The members of a commit's --json object, inside an open object. */
void	morph_cmd_json_commit(struct morph_jsonw *,
	    const struct morph_commit *, const struct morph_cmd_decos *);
/*
 * An annotated tag as git show prints it: "tag NAME", the tagger, the date,
 * a blank line and the message (which ends with a newline), then a blank
 * line; and the members of its --json object (id, name, object, tagger,
 * message), inside an open object.
 */
void	morph_cmd_print_tag(const struct morph_tag *, int color);
void	morph_cmd_json_tag(struct morph_jsonw *, const struct morph_tag *);

/*
 * The files that differ between two snapshots, and how diff and show print
 * them (cmd/changes.c).  The old side is always in the store (a tree or
 * the index); the new side is in the store or, for diffs against the work
 * tree, in the files themselves.
 */
struct morph_cmd_change {
	char			*path;
	struct morph_oid	 old_id;
	struct morph_oid	 new_id;
	unsigned int		 old_mode;	/* 0: no old file */
	unsigned int		 new_mode;	/* 0: no new file */
};

struct morph_cmd_changes {
	struct morph_repo	*repo;
	int			 new_in_worktree;
	struct morph_cmd_change	*v;
	size_t			 n;
	size_t			 cap;
};

void	morph_cmd_changes_init(struct morph_cmd_changes *,
	    struct morph_repo *, int new_in_worktree);
void	morph_cmd_changes_release(struct morph_cmd_changes *);
/* Adds every path that differs between the sorted lists old and new. */
const struct morph_error *morph_cmd_changes_collect(
    struct morph_cmd_changes *, const struct morph_entrylist *old,
    const struct morph_entrylist *new);

/*
 * The files of the snapshot of commit or tree id that are at or under one
 * of paths (npaths 0: all), into out.
 */
const struct morph_error *morph_cmd_snapshot(struct morph_entrylist *out,
    struct morph_repo *, const struct morph_oid *id,
    const char *const *paths, size_t npaths);

/*
 * What commit c changed against its first parent (a root commit adds every
 * file), at or under paths (npaths 0: all), into changes.
 */
const struct morph_error *morph_cmd_commit_changes(
    struct morph_cmd_changes *, const struct morph_commit *c,
    const char *const *paths, size_t npaths);

enum morph_cmd_diff_format {
	MORPH_CMD_DIFF_PATCH,
	MORPH_CMD_DIFF_STAT,
	MORPH_CMD_DIFF_NAME_ONLY,
	MORPH_CMD_DIFF_NAME_STATUS,	/* "M\tpath" */
	MORPH_CMD_DIFF_NONE,		/* --quiet */
};

struct morph_cmd_diff_opts {
	enum morph_cmd_diff_format format;
	unsigned int	 context;	/* lines around each change */
	int		 words;		/* --word-diff */
	int		 color;
};

/* Prints the changes in the chosen format on stdout. */
const struct morph_error *morph_cmd_changes_print(
    const struct morph_cmd_changes *, const struct morph_cmd_diff_opts *);

/*
 * Writes the changes as a JSON array of {path, status, old_id, new_id,
 * old_mode, new_mode}, with stats also binary, insertions and deletions.
 */
const struct morph_error *morph_cmd_changes_json(struct morph_jsonw *,
    const struct morph_cmd_changes *, int stats);

/* gate.c: the behaviour gate of morph merge (morph/gate.h). */
struct morph_cmd_gate_opts {
	int	 repeat;	/* samples of each call */
	double	 significance;	/* with repeat > 1 */
	int	 allow_exec;
	int	 jobs;		/* 0: morph run's default */
};

/*
 * Runs the gate of merging theirs (called label) into ours as the
 * snapshot tree, printing the bar before the merged suite runs and the
 * verdict after; *passed says whether the merge may be committed.
 */
const struct morph_error *morph_cmd_gate(struct morph_cmd_ctx *,
    const struct morph_oid *ours, const struct morph_oid *theirs,
    const struct morph_oid *tree, const char *label,
    const struct morph_cmd_gate_opts *, int *passed);

/*
 * The same for the merge in progress ms, of its staged snapshot, with the
 * samples and significance the merge recorded (o gives the rest).
 */
struct morph_merge_state;
const struct morph_error *morph_cmd_gate_in_progress(struct morph_cmd_ctx *,
    const struct morph_merge_state *ms, const struct morph_cmd_gate_opts *o,
    int *passed);

/*
 * Before the commit that ends a merge in progress (*merging): when the
 * merge is gated and its conflicts resolved, runs the gate; *passed says
 * whether it passed.  A refusal sets ctx->status to 1 and says so.
 */
const struct morph_error *morph_cmd_gate_before_commit(
    struct morph_cmd_ctx *, const struct morph_cmd_gate_opts *o,
    int *merging, int *passed);

/*
 * util.c: the configured model of cmp as the member key of a --json
 * object: the select rule's baseline (or the first model), or, when the
 * rule names a model per prompt, an object of its prompt globs to model
 * ids in the order morph.json gives them.
 */
struct morph_compare;
void	morph_cmd_json_baseline(struct morph_jsonw *, const char *key,
	    const struct morph_compare *);

/*
 * syncfmt.c: a reference push, fetch, pull or clone moved (or could not
 * move), as one line; a morph_sync_ref_cb.  Then the summary line, for a
 * fetch (fetched) or a push.
 */
void	morph_cmd_sync_ref(const struct morph_sync_ref *, void *arg);
void	morph_cmd_sync_summary(const struct morph_sync_result *, int fetched);
/* "To URL" or "From URL", the URL without a password it may hold. */
void	morph_cmd_print_url(const char *prefix, const char *url);

#endif
