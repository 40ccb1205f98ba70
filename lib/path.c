/*
 * Repository paths and safe file operations in the work tree.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json_int.h"
#include "path_int.h"
#include "utf8_int.h"

int
morph_path_name_ok(const char *name, size_t len)
{
	size_t i;

	if (len == 0 || (len == 1 && name[0] == '.') ||
	    (len == 2 && name[0] == '.' && name[1] == '.'))
		return 0;
	if ((len == 6 && memcmp(name, ".morph", 6) == 0) ||
	    (len == 4 && memcmp(name, ".git", 4) == 0))
		return 0;
	for (i = 0; i < len; i++)
		if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f ||
		    name[i] == '/')
			return 0;
	return morph_utf8_check(name, len) == 0;
}

const struct morph_error *
morph_path_normalize(struct morph_buf *out, const char *in)
{
	const char *p = in, *e;
	size_t len;

	morph_buf_clear(out);
	morph_buf_put(out, "", 0);
	if (in[0] == '/')
		return morph_error_fmt(MORPH_ERR_PATH, "path '%s' is "
		    "absolute; give it relative to the work tree", in);
	while (*p != '\0') {
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		e = strchr(p, '/');
		len = e != NULL ? (size_t)(e - p) : strlen(p);
		if (len == 1 && p[0] == '.') {
			p += len;
			continue;
		}
		if (len == 2 && p[0] == '.' && p[1] == '.')
			return morph_error_fmt(MORPH_ERR_PATH,
			    "path '%s' contains '..'", in);
		if ((len == 6 && memcmp(p, ".morph", 6) == 0) ||
		    (len == 4 && memcmp(p, ".git", 4) == 0))
			return morph_error_fmt(MORPH_ERR_PATH,
			    "path '%s' is inside '%.*s', which morph never "
			    "tracks", in, (int)len, p);
		if (!morph_path_name_ok(p, len))
			return morph_error_fmt(MORPH_ERR_PATH, "path '%s' has "
			    "a control character or is not valid UTF-8", in);
		if (out->len > 0)
			morph_buf_putc(out, '/');
		morph_buf_put(out, p, len);
		p += len;
	}
	return morph_buf_status(out);
}

int
morph_path_beyond_link(const char *root, const char *relpath, size_t *len)
{
	struct morph_buf dir = MORPH_BUF_INIT;
	const char *slash;
	struct stat st;
	int link = 0;

	for (slash = strchr(relpath, '/'); slash != NULL && !link;
	    slash = strchr(slash + 1, '/')) {
		morph_buf_clear(&dir);
		morph_buf_printf(&dir, "%s/%.*s", root, (int)(slash - relpath),
		    relpath);
		if (morph_buf_status(&dir) != NULL ||
		    lstat(dir.ptr, &st) == -1)
			break;
		if (S_ISLNK(st.st_mode)) {
			*len = (size_t)(slash - relpath);
			link = 1;
		}
	}
	morph_buf_release(&dir);
	return link;
}

void
morph_path_printable(struct morph_buf *out, const char *path)
{
	size_t i = 0, len = strlen(path), n;
	long c;

	while (i < len) {
		c = morph_utf8_decode(path + i, len - i, &n);
		if (c == '\\')
			morph_buf_puts(out, "\\\\");
		else if (c >= 0x20 && c != 0x7f && !(c >= 0x80 && c < 0xa0))
			morph_buf_put(out, path + i, n);
		else {
			morph_buf_printf(out, "\\x%02x",
			    (unsigned char)path[i]);
			n = 1;
		}
		i += n;
	}
}

int
morph_path_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (n == 0)
		return 1;
	return strncmp(path, dir, n) == 0 && (path[n] == '\0' ||
	    path[n] == '/');
}

void
morph_path_join(struct morph_buf *dst, const char *a, const char *b)
{
	morph_buf_clear(dst);
	morph_buf_puts(dst, a);
	if (a[0] != '\0' && b[0] != '\0')
		morph_buf_putc(dst, '/');
	morph_buf_puts(dst, b);
}

const struct morph_error *
morph_file_read(struct morph_buf *out, const char *path, size_t max)
{
	return morph_file_read_at(out, AT_FDCWD, path, max);
}

const struct morph_error *
morph_file_read_at(struct morph_buf *out, int dirfd, const char *path,
    size_t max)
{
	const struct morph_error *err = NULL;
	struct stat st;
	ssize_t n;
	int fd;

	morph_buf_clear(out);
	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd == -1)
		return morph_error_errno("cannot open '%s'", path);
	if (fstat(fd, &st) == -1) {
		err = morph_error_errno("cannot stat '%s'", path);
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		err = morph_error_fmt(MORPH_ERR_INVALID,
		    "'%s' is not a regular file", path);
		goto done;
	}
	if ((size_t)st.st_size > max) {
		err = morph_error_fmt(MORPH_ERR_INVALID, "'%s' is too large "
		    "(%lld bytes; the limit is %zu)", path,
		    (long long)st.st_size, max);
		goto done;
	}
	morph_buf_grow(out, (size_t)st.st_size);
	for (;;) {
		morph_buf_grow(out, 8192);
		if ((err = morph_buf_status(out)) != NULL)
			goto done;
		n = read(fd, out->ptr + out->len, out->cap - out->len - 1);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			err = morph_error_errno("cannot read '%s'", path);
			goto done;
		}
		if (n == 0)
			break;
		out->len += (size_t)n;
		out->ptr[out->len] = '\0';
		if (out->len > max) {
			err = morph_error_fmt(MORPH_ERR_INVALID,
			    "'%s' is too large", path);
			goto done;
		}
	}
done:
	close(fd);
	return err;
}

/* umask(2) can only be read by setting it; morph is single-threaded. */
static mode_t
current_umask(void)
{
	static int known;
	static mode_t mask;

	if (!known) {
		mask = umask(022);
		umask(mask);
		known = 1;
	}
	return mask;
}

const struct morph_error *
morph_file_write(const char *path, const void *data, size_t len, mode_t mode)
{
	struct morph_buf tmp = MORPH_BUF_INIT;
	const struct morph_error *err = NULL;
	const char *p = data;
	ssize_t n;
	int fd;

	morph_buf_printf(&tmp, "%s.morph-XXXXXX", path);
	if ((err = morph_buf_status(&tmp)) != NULL)
		return err;
	fd = mkstemp(tmp.ptr);
	if (fd == -1) {
		err = morph_error_errno("cannot create '%s'", path);
		goto done;
	}
	while (len > 0) {
		n = write(fd, p, len);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			err = morph_error_errno("cannot write '%s'", path);
			break;
		}
		p += n;
		len -= (size_t)n;
	}
	if (err == NULL && fchmod(fd, mode & ~current_umask()) == -1)
		err = morph_error_errno("cannot chmod '%s'", path);
	if (close(fd) == -1 && err == NULL)
		err = morph_error_errno("cannot write '%s'", path);
	if (err == NULL && rename(tmp.ptr, path) == -1)
		err = morph_error_errno("cannot rename to '%s'", path);
	if (err != NULL)
		unlink(tmp.ptr);
done:
	morph_buf_release(&tmp);
	return err;
}

const struct morph_error *
morph_mkdirs_for(const char *root, const char *relpath)
{
	struct morph_buf dir = MORPH_BUF_INIT;
	const struct morph_error *err = NULL;
	const char *p = relpath, *slash;
	struct stat st;

	morph_buf_puts(&dir, root);
	while ((slash = strchr(p, '/')) != NULL) {
		morph_buf_putc(&dir, '/');
		morph_buf_put(&dir, p, (size_t)(slash - p));
		if ((err = morph_buf_status(&dir)) != NULL)
			break;
		if (lstat(dir.ptr, &st) == 0) {
			if (!S_ISDIR(st.st_mode)) {
				err = morph_error_fmt(MORPH_ERR_CONFLICT,
				    "cannot create directory '%.*s': a file "
				    "or link is in the way",
				    (int)(slash - relpath), relpath);
				break;
			}
		} else if (errno != ENOENT || mkdir(dir.ptr, 0777) == -1) {
			err = morph_error_errno("cannot create directory "
			    "'%.*s'", (int)(slash - relpath), relpath);
			break;
		}
		p = slash + 1;
	}
	morph_buf_release(&dir);
	return err;
}

const struct morph_error *
morph_mkdir_parents(const char *file)
{
	const struct morph_error *err = NULL;
	char *copy, *p;

	if ((copy = strdup(file)) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	for (p = copy + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(copy, 0777) == -1 && errno != EEXIST) {
			err = morph_error_errno("cannot create directory '%s'",
			    copy);
			break;
		}
		*p = '/';
	}
	free(copy);
	return err;
}

void
morph_prune_dirs(const char *root, const char *relpath)
{
	struct morph_buf dir = MORPH_BUF_INIT;
	char *slash;

	morph_buf_printf(&dir, "%s/%s", root, relpath);
	if (morph_buf_status(&dir) != NULL)
		return;
	while ((slash = strrchr(dir.ptr, '/')) != NULL &&
	    (size_t)(slash - dir.ptr) > strlen(root)) {
		*slash = '\0';
		if (rmdir(dir.ptr) == -1)
			break;
	}
	morph_buf_release(&dir);
}
