/*
 * The table of libgit2 functions, filled when libgit2 is first needed
 * (see git2_int.h and dl_int.h).
 */
#include <stdio.h>

#define MORPH_GIT2_LOADER
#include "git2_int.h"
#include "dl_int.h"

struct morph_git2 morph_git2;

const struct morph_error *
morph_git2_load(void)
{
#define MORPH_GIT2_SYM(f)	{ #f, &morph_git2.f },
	static const struct morph_dl_sym syms[] = {
		MORPH_GIT2_FUNCS(MORPH_GIT2_SYM)
	};
#undef MORPH_GIT2_SYM
	static void *handle;
	static char exact[32];
	/* libgit2 1.x names its library after MAJOR.MINOR. */
	const char *names[] = { exact, "libgit2.so", NULL };

	snprintf(exact, sizeof(exact), "libgit2.so.%d.%d", LIBGIT2_VER_MAJOR,
	    LIBGIT2_VER_MINOR);
	return morph_dl_load(&handle, names, syms,
	    sizeof(syms) / sizeof(syms[0]));
}
