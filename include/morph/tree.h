/*
 * Trees: directories of a commit's snapshot.
 *
 * A tree object is canonical JSON, an array of entries sorted bytewise by
 * name, each {"id", "mode", "name", "type"}: mode "100644" or "100755" for
 * a blob (plain or executable file), "040000" for a tree.
 *
 * Most callers want the flat view: every file of a snapshot with its full
 * path, in a struct morph_entrylist sorted bytewise by path.
 */
#ifndef MORPH_TREE_H
#define MORPH_TREE_H

#include <stddef.h>

#include "morph/error.h"
#include "morph/hash.h"
#include "morph/object.h"

struct morph_repo;
struct morph_tree;

#define MORPH_MODE_FILE	0100644
#define MORPH_MODE_EXEC	0100755
#define MORPH_MODE_TREE	0040000

/* One file of a snapshot (or of the index). */
struct morph_entry {
	char			*path;
	struct morph_oid	 id;
	unsigned int		 mode;
};

/* A list of files sorted by path; the caller embeds it: init/release. */
struct morph_entrylist {
	struct morph_entry	*v;
	size_t			 n;
	size_t			 cap;
};

void	morph_entrylist_init(struct morph_entrylist *);
void	morph_entrylist_release(struct morph_entrylist *);
/* Appends a copy of path; call morph_entrylist_sort() after appending. */
const struct morph_error *morph_entrylist_add(struct morph_entrylist *,
    const char *path, const struct morph_oid *, unsigned int mode);
void	morph_entrylist_sort(struct morph_entrylist *);
/* Whether two entries (either may be NULL: no file) hold the same file. */
int	morph_entry_same(const struct morph_entry *, const struct morph_entry *);

/* Binary search in a sorted list; NULL when absent.  Borrowed. */
const struct morph_entry *morph_entrylist_find(const struct morph_entrylist *,
    const char *path);

/*
 * Calls cb for every path that differs between the sorted lists a (old)
 * and b (new): old NULL for a path only in b, new NULL for one only in a,
 * both set when the id or mode differs.  cb's error stops the walk.
 */
typedef const struct morph_error *(*morph_entrylist_diff_cb)(
    const struct morph_entry *old, const struct morph_entry *new, void *arg);
const struct morph_error *morph_entrylist_diff(const struct morph_entrylist *a,
    const struct morph_entrylist *b, morph_entrylist_diff_cb cb, void *arg);

/*
 * Parses a tree payload, checking that it is canonical: valid names,
 * types, modes and ids, sorted and unique.  Errors: CORRUPT.
 */
const struct morph_error *morph_tree_parse(struct morph_tree **out,
    const char *data, size_t len);
/* Reads and parses tree id.  Errors: NOT_FOUND, CORRUPT. */
const struct morph_error *morph_tree_read(struct morph_tree **out,
    struct morph_repo *, const struct morph_oid *id);
void	morph_tree_free(struct morph_tree *);

size_t	morph_tree_count(const struct morph_tree *);
const char *morph_tree_entry_name(const struct morph_tree *, size_t i);
const struct morph_oid *morph_tree_entry_id(const struct morph_tree *,
    size_t i);
unsigned int morph_tree_entry_mode(const struct morph_tree *, size_t i);
/* MORPH_OBJ_BLOB or MORPH_OBJ_TREE. */
enum morph_object_type morph_tree_entry_type(const struct morph_tree *,
    size_t i);

/*
 * Every file under tree id, or only those at or under the repository path
 * under (NULL or "": all), with full paths, into out (sorted).
 */
const struct morph_error *morph_tree_flatten(struct morph_entrylist *out,
    struct morph_repo *, const struct morph_oid *id, const char *under);

/*
 * Writes the trees for a sorted list of files and sets *out to the root
 * tree.  A path used both as a file and as a directory is an error.
 */
const struct morph_error *morph_tree_write(struct morph_oid *out,
    struct morph_repo *, const struct morph_entry *v, size_t n);

/*
 * The entry at path inside tree id ("" is the tree itself, mode TREE).
 * Errors: NOT_FOUND naming the path.
 */
const struct morph_error *morph_tree_lookup(struct morph_oid *out,
    unsigned int *mode, struct morph_repo *, const struct morph_oid *id,
    const char *path);

/* "100644", "100755" or "040000". */
const char *morph_mode_str(unsigned int mode);

#endif
