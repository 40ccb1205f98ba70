/*
 * .morphignore patterns (see ignore_int.h for the rules).
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "ignore_int.h"
#include "path_int.h"

struct pattern {
	char	*pat;
	int	 negate;
	int	 dir_only;
	int	 anchored;	/* match the whole path, not the last name */
	int	 any_depth;	/* "**" + "/" then a path: match any suffix */
};

struct morph_ignore {
	struct pattern	*v;
	size_t		 n;
};

void
morph_ignore_free(struct morph_ignore *ig)
{
	size_t i;

	if (ig == NULL)
		return;
	for (i = 0; i < ig->n; i++)
		free(ig->v[i].pat);
	free(ig->v);
	free(ig);
}

static const struct morph_error *
add_line(struct morph_ignore *ig, char *line, size_t len)
{
	struct pattern p = { 0 };
	struct pattern *nv;

	while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\r' ||
	    line[len - 1] == '\t'))
		len--;
	if (len == 0 || line[0] == '#')
		return NULL;
	if (line[0] == '!') {
		p.negate = 1;
		line++;
		len--;
	}
	if (len > 0 && line[len - 1] == '/') {
		p.dir_only = 1;
		len--;
	}
	if (len >= 3 && memcmp(line, "**/", 3) == 0) {
		line += 3;
		len -= 3;
		p.any_depth = memchr(line, '/', len) != NULL;
	} else if (memchr(line, '/', len) != NULL)
		p.anchored = 1;
	while (len > 0 && line[0] == '/') {
		line++;
		len--;
	}
	if (len == 0)
		return NULL;
	if ((p.pat = strndup(line, len)) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	nv = realloc(ig->v, (ig->n + 1) * sizeof(*nv));
	if (nv == NULL) {
		free(p.pat);
		return morph_error(MORPH_ERR_NOMEM);
	}
	ig->v = nv;
	ig->v[ig->n++] = p;
	return NULL;
}

const struct morph_error *
morph_ignore_load(struct morph_ignore **out, const char *workdir)
{
	struct morph_buf path = MORPH_BUF_INIT, text = MORPH_BUF_INIT;
	const struct morph_error *err;
	struct morph_ignore *ig;
	char *p, *nl;

	*out = NULL;
	if ((ig = calloc(1, sizeof(*ig))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	morph_buf_printf(&path, "%s/.morphignore", workdir);
	if ((err = morph_buf_status(&path)) != NULL)
		goto done;
	err = morph_file_read(&text, path.ptr, 1 << 20);
	if (err != NULL) {
		if (err->code == MORPH_ERR_ERRNO && errno == ENOENT)
			err = NULL;
		goto done;
	}
	for (p = text.ptr; p != NULL && *p != '\0' && err == NULL; p = nl) {
		nl = strchr(p, '\n');
		err = add_line(ig, p, nl ? (size_t)(nl - p) : strlen(p));
		if (nl != NULL)
			nl++;
	}
done:
	morph_buf_release(&path);
	morph_buf_release(&text);
	if (err != NULL) {
		morph_ignore_free(ig);
		return err;
	}
	*out = ig;
	return NULL;
}

int
morph_ignore_match(const struct morph_ignore *ig, const char *path,
    int is_dir)
{
	const char *base = strrchr(path, '/');
	size_t i;
	int ignored = 0;

	base = base ? base + 1 : path;
	for (i = 0; ig != NULL && i < ig->n; i++) {
		const struct pattern *p = &ig->v[i];
		int hit;

		if (p->dir_only && !is_dir)
			continue;
		if (p->anchored)
			hit = fnmatch(p->pat, path, FNM_PATHNAME) == 0;
		else if (p->any_depth) {
			const char *s = path;

			hit = 0;
			while (s != NULL && !hit) {
				hit = fnmatch(p->pat, s, FNM_PATHNAME) == 0;
				if ((s = strchr(s, '/')) != NULL)
					s++;
			}
		} else
			hit = fnmatch(p->pat, base, 0) == 0;
		if (hit)
			ignored = !p->negate;
	}
	return ignored;
}

int
morph_ignore_match_path(const struct morph_ignore *ig, const char *path,
    int is_dir)
{
	char dir[4096];
	const char *slash;
	size_t n;

	for (slash = strchr(path, '/'); slash != NULL;
	    slash = strchr(slash + 1, '/')) {
		n = (size_t)(slash - path);
		if (n >= sizeof(dir))
			break;
		memcpy(dir, path, n);
		dir[n] = '\0';
		if (morph_ignore_match(ig, dir, 1))
			return 1;
	}
	return morph_ignore_match(ig, path, is_dir);
}
