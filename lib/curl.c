/*
 * The table of libcurl functions, filled when libcurl is first needed
 * (see curl_int.h and dl_int.h), and the libcurl error bridges.
 */
#define MORPH_CURL_LOADER
#include "curl_int.h"
#include "dl_int.h"

struct morph_curl morph_curl;

const struct morph_error *
morph_curl_load(void)
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
	static int inited;
	const struct morph_error *err;
	CURLcode rc;

	if (inited)
		return NULL;
	if ((err = morph_dl_load(&handle, names, syms,
	    sizeof(syms) / sizeof(syms[0]))) != NULL)
		return err;
	if ((rc = morph_curl.curl_global_init(CURL_GLOBAL_DEFAULT)) != CURLE_OK)
		return morph_curl_error(rc, "cannot initialise libcurl");
	inited = 1;
	return NULL;
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
