/*
 * Exporting history to git (morph-repository(5), "Sharing over git"): a
 * morph commit becomes a git commit, its blobs the git blobs of the same
 * bytes, and a sealed run a folder of git objects, all written to the
 * bare git repository .morph/git, from which they are pushed.
 *
 * Invariants:
 *  1. The export is deterministic: the same morph commit gives the same
 *     git commit on every machine (author, committer and dates come from
 *     the morph commit; nothing else goes in).
 *  2. A commit is exported after its parents, and recorded in the git map
 *     (gitmap_int.h) only once its git objects are written.
 *  3. Exporting writes the git map, so it runs inside the caller's
 *     transaction; it never moves a morph reference.
 */
#ifndef MORPH_EXPORT_INT_H
#define MORPH_EXPORT_INT_H

#include <stddef.h>

#include "git2_int.h"
#include "morph/error.h"
#include "morph/hash.h"

struct morph_repo;
struct morph_gitstage;

/* The format version written in every exported tree. */
#define MORPH_GIT_FORMAT	1
#define MORPH_GIT_FORMAT_TEXT	"1\n"

/* Where the morph objects of an exported commit live in its git tree. */
#define MORPH_GIT_DIR		".morph"

/* Runs are kept in this many shards, refs/morph/runs/0 to f. */
#define MORPH_RUN_SHARDS	16

/*
 * The sizes import accepts (a host takes objects of about 100 MB): a
 * blob, and a JSON document (a commit or a run object).
 */
#define MORPH_IMPORT_MAX_BLOB	((size_t)100 * 1000 * 1000)
#define MORPH_IMPORT_MAX_DOC	((size_t)16 * 1024 * 1024)

/* Results and calls per file of a run's folder. */
#define MORPH_EXPORT_CALLS_PER_FILE	2000

/*
 * Opens the bare git repository .morph/git of repo, creating it the first
 * time.  The caller frees *out with git_repository_free.  Errors: GIT,
 * UNSUPPORTED when libgit2 cannot be loaded.
 */
const struct morph_error *morph_gitdir_open(git_repository **out,
    struct morph_repo *);

/*
 * The folders of outputs (and files of calls) exported in a session, by
 * the hash of the ids they hold: runs of commits that differ in a few
 * prompts share most of them, and each is made once.
 */
struct morph_export_folders {
	struct morph_oid	*keys;
	git_oid			*ids;		/* the git tree or blob */
	size_t			 cap;		/* a power of two, or 0 */
	size_t			 n;
};

struct morph_export {
	struct morph_repo	*repo;
	git_repository		*git;
	git_odb			*odb;
	git_odb_backend		*loose;		/* .morph/git's loose objects */
	struct morph_gitstage	*stage;		/* NULL, or where objects go
						   (gitstage_int.h) */
	size_t			 commits;	/* exported by this session */
	size_t			 runs;
	struct morph_export_folders folders;	/* git trees */
	struct morph_export_folders calls;	/* git blobs */
};

const struct morph_error *morph_export_init(struct morph_export *,
    struct morph_repo *, git_repository *);
void	morph_export_release(struct morph_export *);

/*
 * The git commit of morph commit id, exporting it and every ancestor not
 * exported yet.  Errors: NOT_FOUND, CORRUPT (a missing or damaged morph
 * object), GIT.
 */
const struct morph_error *morph_export_commit(git_oid *out,
    struct morph_export *, const struct morph_oid *id);

/*
 * The git tree of the folder of sealed run id (see morph-repository(5)),
 * exporting what it holds.  Errors: NOT_FOUND (the run is not sealed
 * here), CORRUPT, GIT.
 */
const struct morph_error *morph_export_run(git_oid *out,
    struct morph_export *, const struct morph_oid *run);

/* The git blob of morph blob id.  Errors: NOT_FOUND, GIT. */
const struct morph_error *morph_export_blob(git_oid *out,
    struct morph_export *, const struct morph_oid *id);

/* The shard of a run: its id's first hex digit, 0 to 15. */
int	morph_export_shard(const struct morph_oid *run);

/*
 * The path of run id in its shard's tree: "ab/<id>", the id's second and
 * third hex digits then the id, so that no folder holds more than a few
 * thousand entries (a host's limit).  out has room for 36 bytes.
 */
void	morph_export_run_path(char out[40], const struct morph_oid *run);

#endif
