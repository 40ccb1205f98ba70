/*
 * Fetching from and pushing to a git repository on this machine (a path
 * or a file:// URL), with libgit2 but without its local transport, which
 * hands its pack to the indexer one object at a time: each append maps
 * and unmaps the pack file, and a push or a clone of a few tens of
 * thousands of objects spends seconds there.  Here a push builds one pack
 * and indexes it in the remote in one append; a fetch links (or copies)
 * the remote's pack files and loose objects that this repository lacks,
 * as git clone does for a local repository.
 *
 * Invariants:
 *  1. Objects are written before any reference moves, and a reference of
 *     the remote moves only from the value read before the objects were
 *     written (compare and swap, under git's lock file): a push never
 *     overwrites what another made meanwhile.
 *  2. A file of the remote's is never modified: pack files and loose
 *     objects are immutable in git, so a hard link to them is a copy.
 *  3. When the remote's objects are not all its own (alternates), or a
 *     tip is still missing once they are linked, the caller falls back
 *     to libgit2's transport (*fallback set).
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "morph/hash.h"
#include "gitbridge_int.h"
#include "localremote_int.h"

/*
 * References to set, one after the other in a buffer: each its name, a
 * NUL and the 20 bytes of the object it names.
 */
static const struct morph_error *
refs_add(struct morph_buf *refs, const char *name, const git_oid *id)
{
	morph_buf_put(refs, name, strlen(name) + 1);
	morph_buf_put(refs, id->id, GIT_OID_RAWSZ);
	return morph_buf_status(refs);
}

/* The next reference of refs after p (NULL: the first); NULL at the end. */
static const char *
refs_next(const struct morph_buf *refs, const char *p, git_oid *id)
{
	p = p == NULL ? refs->ptr : p + strlen(p) + 1 + GIT_OID_RAWSZ;
	if (p == NULL || p >= refs->ptr + refs->len)
		return NULL;
	git_oid_fromraw(id, (const unsigned char *)p + strlen(p) + 1);
	return p;
}

int
morph_localremote_path(struct morph_buf *out, const char *url)
{
	struct stat st;
	const char *p;
	int hi, lo;

	morph_buf_clear(out);
	if (strncmp(url, "file://", 7) == 0) {
		/* file:///path, or file://localhost/path */
		p = url + 7;
		if (strncmp(p, "localhost/", 10) == 0)
			p += 9;
		if (*p != '/')
			return 0;
		for (; *p != '\0'; p++) {
			if (*p == '%' && (hi = morph_hex_digit(p[1])) >= 0 &&
			    (lo = morph_hex_digit(p[2])) >= 0) {
				morph_buf_putc(out, (char)(hi * 16 + lo));
				p += 2;
			} else
				morph_buf_putc(out, *p);
		}
	} else if (strstr(url, "://") != NULL)
		return 0;
	else {
		/* scp-like host:path is remote: a colon before any slash. */
		p = strchr(url, ':');
		if (p != NULL && (strchr(url, '/') == NULL ||
		    strchr(url, '/') > p))
			return 0;
		morph_buf_puts(out, url);
	}
	if (morph_buf_status(out) != NULL)
		return 0;
	return stat(out->ptr, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Opens the repository at path, naming the remote when it cannot. */
static const struct morph_error *
open_remote(git_repository **out, const char *remote, const char *path,
    const char *what)
{
	int rc;

	if ((rc = git_repository_open_ext(out, path,
	    GIT_REPOSITORY_OPEN_NO_SEARCH, NULL)) < 0) {
		*out = NULL;
		return morph_error_wrap(morph_git_error(rc, "not a git "
		    "repository"), "%s '%s' (%s)", what, remote, path);
	}
	return NULL;
}

/* The objects directory of repository git, in out. */
static const struct morph_error *
objects_dir(struct morph_buf *out, git_repository *git)
{
	const char *common = git_repository_commondir(git);
	size_t n = strlen(common);

	morph_buf_clear(out);
	morph_buf_printf(out, "%s%sobjects", common, n > 0 &&
	    common[n - 1] == '/' ? "" : "/");
	return morph_buf_status(out);
}

/* Copies file from to to (which does not exist), through a temporary. */
static const struct morph_error *
copy_file(const char *from, const char *to)
{
	struct morph_buf tmp = MORPH_BUF_INIT;
	const struct morph_error *err = NULL;
	char buf[65536];
	ssize_t r, w, off;
	int in = -1, out = -1;

	morph_buf_printf(&tmp, "%s.tmp%ld", to, (long)getpid());
	if ((err = morph_buf_status(&tmp)) != NULL)
		return err;
	if ((in = open(from, O_RDONLY | O_CLOEXEC)) == -1) {
		err = morph_error_errno("cannot read '%s'", from);
		goto done;
	}
	if ((out = open(tmp.ptr, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0444)) == -1) {
		err = morph_error_errno("cannot write '%s'", tmp.ptr);
		goto done;
	}
	while (err == NULL && (r = read(in, buf, sizeof(buf))) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			err = morph_error_errno("cannot read '%s'", from);
			break;
		}
		for (off = 0; off < r && err == NULL; off += w)
			if ((w = write(out, buf + off, (size_t)(r - off))) < 0) {
				if (errno == EINTR)
					w = 0;
				else
					err = morph_error_errno("cannot write "
					    "'%s'", tmp.ptr);
			}
	}
	if (err == NULL && close(out) == -1)
		err = morph_error_errno("cannot write '%s'", tmp.ptr);
	out = -1;
	if (err == NULL && rename(tmp.ptr, to) == -1)
		err = morph_error_errno("cannot write '%s'", to);
done:
	if (in != -1)
		close(in);
	if (out != -1)
		close(out);
	if (err != NULL)
		unlink(tmp.ptr);
	morph_buf_release(&tmp);
	return err;
}

/* Links from to to, or copies it where a link cannot be made. */
static const struct morph_error *
link_file(const char *from, const char *to)
{
	if (link(from, to) == 0 || errno == EEXIST)
		return NULL;
	return copy_file(from, to);
}

/* from/name to to/name, unless to has it. */
static const struct morph_error *
link_in(const char *from, const char *to, const char *name)
{
	struct morph_buf a = MORPH_BUF_INIT, b = MORPH_BUF_INIT;
	const struct morph_error *err;
	struct stat st;

	morph_buf_printf(&a, "%s/%s", from, name);
	morph_buf_printf(&b, "%s/%s", to, name);
	if ((err = morph_buf_status(&a)) == NULL &&
	    (err = morph_buf_status(&b)) == NULL && lstat(b.ptr, &st) == -1)
		err = link_file(a.ptr, b.ptr);
	morph_buf_release(&a);
	morph_buf_release(&b);
	return err;
}

/* The pack files of from that to lacks: the pack first, then its index. */
static const struct morph_error *
link_packs(const char *from, const char *to)
{
	const struct morph_error *err = NULL;
	struct morph_buf src = MORPH_BUF_INIT, dst = MORPH_BUF_INIT,
	    name = MORPH_BUF_INIT;
	struct dirent *d;
	DIR *dp;
	size_t n;

	morph_buf_printf(&src, "%s/pack", from);
	morph_buf_printf(&dst, "%s/pack", to);
	if ((err = morph_buf_status(&src)) != NULL ||
	    (err = morph_buf_status(&dst)) != NULL)
		goto done;
	if ((dp = opendir(src.ptr)) == NULL) {
		if (errno != ENOENT)
			err = morph_error_errno("cannot read '%s'", src.ptr);
		goto done;
	}
	if (mkdir(dst.ptr, 0777) == -1 && errno != EEXIST)
		err = morph_error_errno("cannot make '%s'", dst.ptr);
	while (err == NULL && (d = readdir(dp)) != NULL) {
		n = strlen(d->d_name);
		if (n < 10 || strncmp(d->d_name, "pack-", 5) != 0 ||
		    strcmp(d->d_name + n - 4, ".idx") != 0)
			continue;
		morph_buf_clear(&name);
		morph_buf_printf(&name, "%.*s.pack", (int)(n - 4), d->d_name);
		if ((err = morph_buf_status(&name)) == NULL &&
		    (err = link_in(src.ptr, dst.ptr, name.ptr)) == NULL)
			err = link_in(src.ptr, dst.ptr, d->d_name);
	}
	closedir(dp);
done:
	morph_buf_release(&src);
	morph_buf_release(&dst);
	morph_buf_release(&name);
	return err;
}

static int
is_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (morph_hex_digit((unsigned char)s[i]) < 0 || (s[i] >= 'A' &&
		    s[i] <= 'F'))
			return 0;
	return s[n] == '\0';
}

/* The loose objects of from that odb lacks. */
static const struct morph_error *
link_loose(const char *from, const char *to, git_odb *odb)
{
	const struct morph_error *err = NULL;
	struct morph_buf src = MORPH_BUF_INIT, dst = MORPH_BUF_INIT;
	struct dirent *d, *e;
	char hex[GIT_OID_HEXSZ + 1];
	git_oid id;
	DIR *dp, *sub;

	if ((dp = opendir(from)) == NULL)
		return morph_error_errno("cannot read '%s'", from);
	while (err == NULL && (d = readdir(dp)) != NULL) {
		if (!is_hex(d->d_name, 2))
			continue;
		morph_buf_clear(&src);
		morph_buf_printf(&src, "%s/%s", from, d->d_name);
		if ((err = morph_buf_status(&src)) != NULL)
			break;
		if ((sub = opendir(src.ptr)) == NULL)
			continue;
		while (err == NULL && (e = readdir(sub)) != NULL) {
			if (!is_hex(e->d_name, GIT_OID_HEXSZ - 2))
				continue;
			memcpy(hex, d->d_name, 2);
			memcpy(hex + 2, e->d_name, GIT_OID_HEXSZ - 2);
			hex[GIT_OID_HEXSZ] = '\0';
			if (git_oid_fromstr(&id, hex) < 0 ||
			    git_odb_exists(odb, &id))
				continue;
			morph_buf_clear(&dst);
			morph_buf_printf(&dst, "%s/%s", to, d->d_name);
			if ((err = morph_buf_status(&dst)) != NULL)
				break;
			if (mkdir(dst.ptr, 0777) == -1 && errno != EEXIST)
				err = morph_error_errno("cannot make '%s'",
				    dst.ptr);
			else
				err = link_in(src.ptr, dst.ptr, e->d_name);
		}
		closedir(sub);
	}
	closedir(dp);
	morph_buf_release(&src);
	morph_buf_release(&dst);
	return err;
}

/* Whether the remote's objects live partly in another repository. */
static int
has_alternates(const char *objects)
{
	struct morph_buf p = MORPH_BUF_INIT;
	struct stat st;
	int yes;

	morph_buf_printf(&p, "%s/info/alternates", objects);
	yes = morph_buf_status(&p) != NULL || stat(p.ptr, &st) == 0;
	morph_buf_release(&p);
	return yes;
}

/* The remote's references that refspecs fetch, by their names here. */
static const struct morph_error *
wanted(struct morph_buf *out, git_refspec **specs, size_t n,
    git_repository *src)
{
	const struct morph_error *err = NULL;
	git_reference_iterator *it = NULL;
	git_buf dst = { NULL, 0, 0 };
	const char *name;
	git_oid id;
	size_t i;
	int rc;

	if ((rc = git_reference_iterator_glob_new(&it, src, "refs/*")) < 0)
		return morph_git_error(rc, "cannot list the remote's "
		    "references");
	while (err == NULL && (rc = git_reference_next_name(&name, it)) == 0) {
		for (i = 0; i < n; i++)
			if (git_refspec_src_matches(specs[i], name))
				break;
		if (i == n || git_reference_name_to_id(&id, src, name) < 0)
			continue;
		if ((rc = git_refspec_transform(&dst, specs[i], name)) < 0)
			err = morph_git_error(rc, "cannot map a reference");
		else
			err = refs_add(out, dst.ptr, &id);
		git_buf_dispose(&dst);
	}
	if (err == NULL && rc != GIT_ITEROVER)
		err = morph_git_error(rc, "cannot list the remote's "
		    "references");
	git_reference_iterator_free(it);
	return err;
}

/*
 * Sets the fetched references and deletes those under the refspecs'
 * destinations that the remote no longer has (a fetch that prunes).
 */
static const struct morph_error *
set_fetched(git_repository *git, git_refspec **specs, size_t n,
    const struct morph_buf *refs)
{
	const struct morph_error *err = NULL;
	struct morph_buf gone = MORPH_BUF_INIT;
	git_reference_iterator *it = NULL;
	git_reference *ref = NULL;
	const char *name, *p;
	git_oid id;
	size_t k;
	int rc;

	for (p = NULL; err == NULL && (p = refs_next(refs, p, &id)) != NULL;) {
		if ((rc = git_reference_create(&ref, git, p, &id, 1,
		    "morph fetch")) < 0)
			err = morph_git_error(rc, "cannot set a git reference");
		git_reference_free(ref);
		ref = NULL;
	}
	if (err == NULL && (rc = git_reference_iterator_glob_new(&it, git,
	    "refs/*")) < 0)
		err = morph_git_error(rc, "cannot list git references");
	while (err == NULL && (rc = git_reference_next_name(&name, it)) == 0) {
		for (k = 0; k < n; k++)
			if (git_refspec_dst_matches(specs[k], name))
				break;
		if (k == n)
			continue;
		for (p = NULL; (p = refs_next(refs, p, &id)) != NULL;)
			if (strcmp(p, name) == 0)
				break;
		if (p == NULL)
			morph_buf_put(&gone, name, strlen(name) + 1);
	}
	if (err == NULL && rc != GIT_ITEROVER)
		err = morph_git_error(rc, "cannot list git references");
	git_reference_iterator_free(it);
	if (err == NULL && (err = morph_buf_status(&gone)) == NULL)
		err = morph_remote_git_delete(git, &gone);
	morph_buf_release(&gone);
	return err;
}

static void
specs_free(git_refspec **specs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		git_refspec_free(specs[i]);
	free(specs);
}

static const struct morph_error *
specs_parse(git_refspec ***out, const char *const *refspecs, size_t n,
    int fetch)
{
	git_refspec **v;
	size_t i;
	int rc;

	if ((v = calloc(n + 1, sizeof(*v))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	for (i = 0; i < n; i++)
		if ((rc = git_refspec_parse(&v[i], refspecs[i], fetch)) < 0) {
			specs_free(v, i);
			return morph_git_error(rc, "bad refspec");
		}
	*out = v;
	return NULL;
}

const struct morph_error *
morph_localremote_fetch(int *fallback, git_repository *git, const char *remote,
    const char *path, const char *const *refspecs, size_t n)
{
	struct morph_buf theirs = MORPH_BUF_INIT, ours = MORPH_BUF_INIT,
	    refs = MORPH_BUF_INIT;
	const struct morph_error *err;
	git_repository *src = NULL;
	git_refspec **specs = NULL;
	git_odb *odb = NULL;
	const char *p;
	git_oid id;
	int missing = 0, rc;

	*fallback = 0;
	if ((err = open_remote(&src, remote, path, "cannot fetch from")) !=
	    NULL || (err = specs_parse(&specs, refspecs, n, 1)) != NULL ||
	    (err = wanted(&refs, specs, n, src)) != NULL ||
	    (err = objects_dir(&theirs, src)) != NULL ||
	    (err = objects_dir(&ours, git)) != NULL)
		goto done;
	if ((rc = git_repository_odb(&odb, git)) < 0) {
		err = morph_git_error(rc, "cannot open the git objects of "
		    ".morph");
		goto done;
	}
	for (p = NULL; !missing && (p = refs_next(&refs, p, &id)) != NULL;)
		missing = !git_odb_exists(odb, &id);
	if (missing) {
		if (has_alternates(theirs.ptr)) {
			*fallback = 1;
			goto done;
		}
		if ((err = link_packs(theirs.ptr, ours.ptr)) != NULL ||
		    (err = link_loose(theirs.ptr, ours.ptr, odb)) != NULL)
			goto done;
		git_odb_refresh(odb);
		for (p = NULL; (p = refs_next(&refs, p, &id)) != NULL;)
			if (!git_odb_exists(odb, &id)) {
				/* Repacked meanwhile: let libgit2 do it. */
				*fallback = 1;
				goto done;
			}
	}
	err = set_fetched(git, specs, n, &refs);
done:
	if (err != NULL)
		err = morph_error_wrap(err, "cannot fetch from '%s' (%s)",
		    remote, path);
	git_odb_free(odb);
	if (specs != NULL)
		specs_free(specs, n);
	morph_buf_release(&refs);
	git_repository_free(src);
	morph_buf_release(&theirs);
	morph_buf_release(&ours);
	return err;
}

/* What one refspec of a push does to the remote. */
struct update {
	char		*name;		/* the remote's reference */
	git_oid		 new;
	git_oid		 old;
	int		 has_old;
};

/*
 * Links the pack just written to dst into git as well: what a push sent
 * is then in this repository's files too, which spares the caller from
 * packing it again (gitstage_int.h).  The pack is named by its trailer,
 * as libgit2 and git name it; if it cannot be linked, nothing is lost.
 */
static void
keep_copy(git_repository *git, git_repository *dst, const git_buf *pack)
{
	struct morph_buf theirs = MORPH_BUF_INIT, ours = MORPH_BUF_INIT,
	    name = MORPH_BUF_INIT;
	char hex[GIT_OID_HEXSZ + 1];
	git_oid trailer;

	if (pack->size < GIT_OID_RAWSZ)
		return;
	git_oid_fromraw(&trailer, (const unsigned char *)pack->ptr +
	    pack->size - GIT_OID_RAWSZ);
	git_oid_tostr(hex, sizeof(hex), &trailer);
	if (objects_dir(&theirs, dst) == NULL &&
	    objects_dir(&ours, git) == NULL) {
		morph_buf_puts(&theirs, "/pack");
		morph_buf_puts(&ours, "/pack");
		morph_buf_printf(&name, "pack-%s.pack", hex);
		if (morph_buf_status(&theirs) == NULL &&
		    morph_buf_status(&ours) == NULL &&
		    morph_buf_status(&name) == NULL &&
		    (mkdir(ours.ptr, 0777) == 0 || errno == EEXIST) &&
		    link_in(theirs.ptr, ours.ptr, name.ptr) == NULL) {
			morph_buf_clear(&name);
			morph_buf_printf(&name, "pack-%s.idx", hex);
			if (morph_buf_status(&name) == NULL)
				(void)link_in(theirs.ptr, ours.ptr, name.ptr);
		}
	}
	morph_buf_release(&theirs);
	morph_buf_release(&ours);
	morph_buf_release(&name);
}

/* Builds the pack of what new tips hold and the remote lacks; sends it. */
static const struct morph_error *
send_pack(git_repository *git, git_repository *dst,
    const struct update *u, size_t n)
{
	const struct morph_error *err = NULL;
	git_reference_iterator *it = NULL;
	git_odb_writepack *wp = NULL;
	git_indexer_progress st;
	git_packbuilder *pb = NULL;
	git_revwalk *walk = NULL;
	git_buf pack = { NULL, 0, 0 };
	git_odb *odb = NULL, *theirs = NULL;
	const char *name;
	git_oid id;
	size_t i;
	int rc;

	if ((rc = git_repository_odb(&odb, git)) < 0 ||
	    (rc = git_revwalk_new(&walk, git)) < 0) {
		err = morph_git_error(rc, "cannot walk the git history");
		goto done;
	}
	for (i = 0; i < n; i++)
		if ((rc = git_revwalk_push(walk, &u[i].new)) < 0) {
			err = morph_git_error(rc, "cannot walk the git "
			    "history");
			goto done;
		}
	/* What the remote has already, as far as this side knows it. */
	if ((rc = git_reference_iterator_glob_new(&it, dst, "refs/*")) < 0) {
		err = morph_git_error(rc, "cannot list the remote's "
		    "references");
		goto done;
	}
	while (git_reference_next_name(&name, it) == 0)
		if (git_reference_name_to_id(&id, dst, name) == 0 &&
		    git_odb_exists(odb, &id))
			(void)git_revwalk_hide(walk, &id);
	if ((rc = git_packbuilder_new(&pb, git)) < 0) {
		err = morph_git_error(rc, "cannot make a pack");
		goto done;
	}
	git_packbuilder_set_threads(pb, 0);
	if ((rc = git_packbuilder_insert_walk(pb, walk)) < 0) {
		err = morph_git_error(rc, "cannot make a pack");
		goto done;
	}
	if (git_packbuilder_object_count(pb) == 0)
		goto done;
	if ((rc = git_packbuilder_write_buf(&pack, pb)) < 0 ||
	    (rc = git_repository_odb(&theirs, dst)) < 0 ||
	    (rc = git_odb_write_pack(&wp, theirs, NULL, NULL)) < 0) {
		err = morph_git_error(rc, "cannot write a pack");
		goto done;
	}
	/* One append: the indexer maps the file once, not per object. */
	memset(&st, 0, sizeof(st));
	if ((rc = wp->append(wp, pack.ptr, pack.size, &st)) < 0 ||
	    (rc = wp->commit(wp, &st)) < 0)
		err = morph_git_error(rc, "cannot write a pack");
	else
		keep_copy(git, dst, &pack);
done:
	if (wp != NULL)
		wp->free(wp);
	git_buf_dispose(&pack);
	git_packbuilder_free(pb);
	git_reference_iterator_free(it);
	git_revwalk_free(walk);
	git_odb_free(theirs);
	git_odb_free(odb);
	return err;
}

const struct morph_error *
morph_localremote_push(int *moved, git_repository *git, const char *remote,
    const char *path, const char *const *refspecs, size_t n,
    morph_remote_push_cb cb, void *arg)
{
	const struct morph_error *err = NULL;
	git_repository *dst = NULL;
	git_reference *ref = NULL;
	git_refspec **specs = NULL;
	struct update *u = NULL;
	size_t i, k;
	int rc;

	*moved = 0;
	if ((err = open_remote(&dst, remote, path, "cannot push to")) !=
	    NULL || (err = specs_parse(&specs, refspecs, n, 0)) != NULL)
		goto done;
	if ((u = calloc(n + 1, sizeof(*u))) == NULL) {
		err = morph_error(MORPH_ERR_NOMEM);
		goto done;
	}
	for (k = 0; k < n && err == NULL; k++) {
		if ((rc = git_reference_name_to_id(&u[k].new, git,
		    git_refspec_src(specs[k]))) < 0) {
			err = morph_git_error(rc, "cannot read a git "
			    "reference");
			break;
		}
		if ((u[k].name = strdup(git_refspec_dst(specs[k]))) == NULL) {
			err = morph_error(MORPH_ERR_NOMEM);
			break;
		}
		rc = git_reference_name_to_id(&u[k].old, dst, u[k].name);
		if (rc < 0 && rc != GIT_ENOTFOUND) {
			err = morph_git_error(rc, "cannot read the remote's "
			    "references");
			break;
		}
		u[k].has_old = rc == 0;
		/*
		 * Never forced: a remote reference that is not an ancestor
		 * of ours moved since the last fetch, as libgit2's push says
		 * with GIT_ENONFASTFORWARD before it sends anything.
		 */
		if (u[k].has_old && !git_oid_equal(&u[k].old, &u[k].new) &&
		    git_graph_descendant_of(git, &u[k].new, &u[k].old) != 1) {
			*moved = 1;
			goto done;
		}
	}
	if (err != NULL || (err = send_pack(git, dst, u, n)) != NULL)
		goto done;
	for (i = 0; i < n; i++) {
		if (u[i].has_old && git_oid_equal(&u[i].old, &u[i].new)) {
			cb(u[i].name, NULL, arg);
			continue;
		}
		if (u[i].has_old)
			rc = git_reference_create_matching(&ref, dst, u[i].name,
			    &u[i].new, 1, &u[i].old, "morph push");
		else
			rc = git_reference_create(&ref, dst, u[i].name,
			    &u[i].new, 0, "morph push");
		git_reference_free(ref);
		ref = NULL;
		if (rc == GIT_EMODIFIED || rc == GIT_EEXISTS ||
		    rc == GIT_ELOCKED)
			cb(u[i].name, "fetch first: the remote's reference "
			    "moved", arg);
		else if (rc < 0) {
			err = morph_git_error(rc, "cannot set the remote's "
			    "reference");
			break;
		} else
			cb(u[i].name, NULL, arg);
	}
done:
	if (err != NULL)
		err = morph_error_wrap(err, "cannot push to '%s' (%s)", remote,
		    path);
	for (i = 0; u != NULL && i < n; i++)
		free(u[i].name);
	free(u);
	if (specs != NULL)
		specs_free(specs, n);
	git_repository_free(dst);
	return err;
}
