/*
 * libcurl, opened at first use (see dl_int.h).
 *
 * Include this instead of <curl/curl.h>.  Each libcurl function morph
 * calls has a slot in morph_curl and a macro of the same name, so call
 * sites read as plain libcurl.  A function not listed here fails to link,
 * which is how a new call is noticed: add it to the X-macro list below.
 * Nothing may be called before morph_curl_load() succeeds.
 *
 * curl.h wraps curl_easy_setopt and its kin in macros (type-checking ones
 * under GCC) whose inner call would bypass the table, so this header turns
 * the type checks off and replaces those macros: pass options the type
 * libcurl documents (1L, not 1; curl_off_t where it says so).
 */
#ifndef MORPH_CURL_INT_H
#define MORPH_CURL_INT_H

#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>

#include "morph/error.h"

#define MORPH_CURL_FUNCS(X)			\
	X(curl_easy_cleanup)			\
	X(curl_easy_getinfo)			\
	X(curl_easy_init)			\
	X(curl_easy_perform)			\
	X(curl_easy_setopt)			\
	X(curl_easy_strerror)			\
	X(curl_getdate)				\
	X(curl_global_init)			\
	X(curl_multi_add_handle)		\
	X(curl_multi_cleanup)			\
	X(curl_multi_info_read)			\
	X(curl_multi_init)			\
	X(curl_multi_remove_handle)		\
	X(curl_multi_setopt)			\
	X(curl_multi_socket_action)		\
	X(curl_multi_strerror)			\
	X(curl_slist_append)			\
	X(curl_slist_free_all)

#define MORPH_CURL_SLOT(f)	__typeof__(f) *f;
struct morph_curl {
	MORPH_CURL_FUNCS(MORPH_CURL_SLOT)
};
#undef MORPH_CURL_SLOT

extern struct morph_curl morph_curl;

/*
 * Opens libcurl (libcurl.so.4), fills morph_curl and runs curl_global_init
 * once; safe to call many times, from any thread.  Errors: UNSUPPORTED.
 */
const struct morph_error *morph_curl_load(void);

/*
 * Starts morph_curl_load in a thread, for a caller that will need libcurl
 * soon and has other work first; its own morph_curl_load then waits for
 * the thread and returns its error, if any.  A caller that may end
 * without loading libcurl (an error found meanwhile) must call
 * morph_curl_preload_wait before the process exits: exit(3) running the
 * libraries' destructors while the thread is inside dlopen or
 * curl_global_init crashes the process.
 */
void	morph_curl_preload(void);
/* Waits for the thread morph_curl_preload started, if any.  Idempotent. */
void	morph_curl_preload_wait(void);

/*
 * The libcurl error bridges: what was being done and libcurl's words for
 * rc, as MORPH_ERR_HTTP (MORPH_ERR_NOMEM when libcurl ran out of memory).
 */
const struct morph_error *morph_curl_error(CURLcode rc, const char *what);
const struct morph_error *morph_curlm_error(CURLMcode rc, const char *what);

/*
 * From here on, curl_x(...) calls through the table.  The file that fills
 * the table defines MORPH_CURL_LOADER to name the slots themselves.
 */
#ifndef MORPH_CURL_LOADER
#undef curl_easy_setopt
#undef curl_easy_getinfo
#undef curl_multi_setopt
#define curl_easy_cleanup		(*morph_curl.curl_easy_cleanup)
#define curl_easy_getinfo		(*morph_curl.curl_easy_getinfo)
#define curl_easy_init			(*morph_curl.curl_easy_init)
#define curl_easy_perform		(*morph_curl.curl_easy_perform)
#define curl_easy_setopt		(*morph_curl.curl_easy_setopt)
#define curl_easy_strerror		(*morph_curl.curl_easy_strerror)
#define curl_getdate			(*morph_curl.curl_getdate)
#define curl_global_init		(*morph_curl.curl_global_init)
#define curl_multi_add_handle		(*morph_curl.curl_multi_add_handle)
#define curl_multi_cleanup		(*morph_curl.curl_multi_cleanup)
#define curl_multi_info_read		(*morph_curl.curl_multi_info_read)
#define curl_multi_init			(*morph_curl.curl_multi_init)
#define curl_multi_remove_handle	(*morph_curl.curl_multi_remove_handle)
#define curl_multi_setopt		(*morph_curl.curl_multi_setopt)
#define curl_multi_socket_action	(*morph_curl.curl_multi_socket_action)
#define curl_multi_strerror		(*morph_curl.curl_multi_strerror)
#define curl_slist_append		(*morph_curl.curl_slist_append)
#define curl_slist_free_all		(*morph_curl.curl_slist_free_all)
#endif

#endif
