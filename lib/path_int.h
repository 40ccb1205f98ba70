/*
 * Paths inside the work tree, and the file operations morph makes there.
 *
 * A repository path is relative to the work-tree root, uses '/', has no
 * empty, "." or ".." component, no control character, is valid UTF-8 and
 * never enters .morph or .git.  The empty string names the root.
 */
#ifndef MORPH_PATH_INT_H
#define MORPH_PATH_INT_H

#include <stddef.h>
#include <sys/types.h>

#include "morph/buf.h"
#include "morph/error.h"

/*
 * Normalises in (removes "." components, repeated and trailing slashes)
 * into out.  Errors (MORPH_ERR_PATH): absolute paths, "..", control
 * characters, invalid UTF-8, anything under .morph or .git.
 */
const struct morph_error *morph_path_normalize(struct morph_buf *out,
    const char *in);

/* Whether a single name (no '/') may appear in a tree. */
int	morph_path_name_ok(const char *name, size_t len);

/*
 * Whether one of the directories on the way to relpath under root is a
 * symbolic link, so that following the path would leave the work tree;
 * *len is then the length of the linked prefix of relpath.
 */
int	morph_path_beyond_link(const char *root, const char *relpath,
	    size_t *len);

/*
 * Appends path as a message may show it: bytes that are not printable
 * UTF-8 (control characters, invalid sequences) as \xNN, and a backslash
 * as \\, so that no two paths look alike.
 */
void	morph_path_printable(struct morph_buf *out, const char *path);

/* Whether path is under dir ("" is the root, so everything is). */
int	morph_path_under(const char *path, const char *dir);

/* dst = a + "/" + b, or the non-empty one of them. */
void	morph_path_join(struct morph_buf *dst, const char *a, const char *b);

/*
 * Reads a whole file.  A file larger than max is an error naming the file.
 */
const struct morph_error *morph_file_read(struct morph_buf *out,
    const char *path, size_t max);

/* morph_file_read of path relative to the directory dirfd. */
const struct morph_error *morph_file_read_at(struct morph_buf *out,
    int dirfd, const char *path, size_t max);

/*
 * Writes data to path through a temporary file in the same directory and
 * rename(2), so readers never see half a file.  mode is 0644 or 0755.
 */
const struct morph_error *morph_file_write(const char *path,
    const void *data, size_t len, mode_t mode);

/*
 * Creates the directories of relpath's parent under root, refusing to go
 * through a symbolic link or a file (MORPH_ERR_CONFLICT).
 */
const struct morph_error *morph_mkdirs_for(const char *root,
    const char *relpath);

/*
 * mkdir -p of the directory holding the absolute path file, following
 * symbolic links: for files outside the work tree such as the user config.
 */
const struct morph_error *morph_mkdir_parents(const char *file);

/* Removes the now-empty parent directories of relpath, up to root. */
void	morph_prune_dirs(const char *root, const char *relpath);

/* Size limit for any one file morph reads into memory. */
#define MORPH_FILE_MAX	((size_t)512 * 1024 * 1024)

#endif
