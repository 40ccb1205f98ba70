/*
 * Loading a shared library at first use.
 *
 * libgit2 and libcurl (with the TLS, Kerberos and LDAP libraries they
 * bring) cost more to load than most morph commands cost to run, and most
 * commands need neither.  So libmorph compiles against their headers but
 * opens them with dlopen(3) when a caller first needs them, binding each
 * function through a table: the pattern systemd uses for optional
 * libraries.  See git2_int.h for how call sites stay unchanged.
 */
#ifndef MORPH_DL_INT_H
#define MORPH_DL_INT_H

#include <stddef.h>

#include "morph/error.h"

struct morph_dl_sym {
	const char	*name;
	void		*slot;	/* address of the function pointer to fill */
};

/*
 * Opens the first loadable of the NULL-terminated sonames and fills every
 * slot; *handle (static storage) makes later calls free.  Errors name the
 * library and what dlopen or dlsym said.
 */
const struct morph_error *morph_dl_load(void **handle,
    const char *const *sonames, const struct morph_dl_sym *syms, size_t n);

#endif
