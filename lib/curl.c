/*
 * The table of libcurl functions, filled when libcurl is first needed
 * (see curl_int.h and dl_int.h), and the libcurl error bridges.
 *
 * Loading libcurl and what it links (TLS, Kerberos, LDAP, ...) takes
 * milliseconds; morph_curl_preload lets a thread do it while the caller
 * works.  pthread_once makes whoever calls morph_curl_load wait for it.
 */
#include <pthread.h>

#define MORPH_CURL_LOADER
#include "curl_int.h"
#include "dl_int.h"

struct morph_curl morph_curl;

static pthread_once_t		 load_once = PTHREAD_ONCE_INIT;
static const struct morph_error	*load_err;

static const struct morph_error *
load(void)
{
#define MORPH_CURL_SYM(f)	{ #f, &morph_curl.f },
	static const struct morph_dl_sym syms[] = {
		MORPH_CURL_FUNCS(MORPH_CURL_SYM)
	};
#undef MORPH_CURL_SYM
	/* Debian's libcurl3-gnutls has the same ABI under another name. */
	static const char *const names[] = { "libcurl.so.4",
	    "libcurl-gnutls.so.4", "libcurl.so", NULL };
	static void *handle;
	const struct morph_error *err;
	CURLcode rc;

	if ((err = morph_dl_load(&handle, names, syms,
	    sizeof(syms) / sizeof(syms[0]))) != NULL)
		return err;
	if ((rc = morph_curl.curl_global_init(CURL_GLOBAL_DEFAULT)) != CURLE_OK)
		return morph_curl_error(rc, "cannot initialise libcurl");
	return NULL;
}

static void
load_once_fn(void)
{
	load_err = load();
}

const struct morph_error *
morph_curl_load(void)
{
	pthread_once(&load_once, load_once_fn);
	return load_err;
}

static void *
preload_main(void *arg)
{
	(void)arg;
	(void)morph_curl_load();
	return NULL;
}

/* The preloading thread, joined by morph_curl_preload_wait. */
static pthread_t	preload_thread;
static int		preload_running;

void
morph_curl_preload(void)
{
	/* Without a thread, the first morph_curl_load does the work. */
	if (preload_running)
		return;
	if (pthread_create(&preload_thread, NULL, preload_main, NULL) == 0)
		preload_running = 1;
}

void
morph_curl_preload_wait(void)
{
	if (!preload_running)
		return;
	(void)pthread_join(preload_thread, NULL);
	preload_running = 0;
}

const struct morph_error *
morph_curl_error(CURLcode rc, const char *what)
{
	if (rc == CURLE_OUT_OF_MEMORY)
		return morph_error(MORPH_ERR_NOMEM);
	return morph_error_fmt(MORPH_ERR_HTTP, "%s: %s", what,
	    morph_curl.curl_easy_strerror != NULL ?
	    morph_curl.curl_easy_strerror(rc) : "libcurl error");
}

const struct morph_error *
morph_curlm_error(CURLMcode rc, const char *what)
{
	if (rc == CURLM_OUT_OF_MEMORY)
		return morph_error(MORPH_ERR_NOMEM);
	return morph_error_fmt(MORPH_ERR_HTTP, "%s: %s", what,
	    morph_curl.curl_multi_strerror != NULL ?
	    morph_curl.curl_multi_strerror(rc) : "libcurl error");
}
