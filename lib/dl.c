/*
 * Shared libraries opened at first use (see dl_int.h).
 */
#include <dlfcn.h>
#include <string.h>

#include "dl_int.h"

const struct morph_error *
morph_dl_load(void **handle, const char *const *sonames,
    const struct morph_dl_sym *syms, size_t n)
{
	const char *why = "no name to load";
	void *h = NULL, *fn;
	size_t i;

	if (*handle != NULL)
		return NULL;
	for (i = 0; sonames[i] != NULL && h == NULL; i++) {
		h = dlopen(sonames[i], RTLD_NOW | RTLD_LOCAL);
		if (h == NULL)
			why = dlerror();
	}
	if (h == NULL)
		return morph_error_fmt(MORPH_ERR_UNSUPPORTED, "cannot load "
		    "%s: %s", sonames[0], why ? why : "unknown error");
	for (i = 0; i < n; i++) {
		fn = dlsym(h, syms[i].name);
		if (fn == NULL) {
			dlclose(h);
			return morph_error_fmt(MORPH_ERR_UNSUPPORTED,
			    "cannot load %s: no symbol %s", sonames[0],
			    syms[i].name);
		}
		/* POSIX allows this copy from object to function pointer. */
		memcpy(syms[i].slot, &fn, sizeof(fn));
	}
	*handle = h;
	return NULL;
}
