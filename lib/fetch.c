/*
 * Fetching one file over HTTPS (see fetch_int.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "curl_int.h"
#include "fetch_int.h"

struct sink {
	struct morph_buf	*out;
	size_t			 max;
	size_t			 got;
	int			 toobig;
};

static size_t
write_cb(char *buf, size_t size, size_t n, void *arg)
{
	struct sink *s = arg;

	n *= size;
	if (s->got + n > s->max) {
		s->toobig = 1;
		return 0;		/* stops the transfer */
	}
	morph_buf_put(s->out, buf, n);
	if (morph_buf_status(s->out) != NULL)
		return 0;
	s->got += n;
	return n;
}

static const char *
env(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && v[0] != '\0' ? v : NULL;
}

const struct morph_error *
morph_fetch(struct morph_buf *out, const char *url, size_t max)
{
	const struct morph_error *err = NULL;
	char errbuf[CURL_ERROR_SIZE];
	struct sink sink = { out, max, 0, 0 };
	const char *ca;
	long status = 0;
	CURLcode rc;
	CURL *e;

	if (strncasecmp(url, "https://", 8) != 0)
		return morph_error_fmt(MORPH_ERR_INVALID, "'%s' is not an "
		    "https:// URL", url);
	if ((err = morph_curl_load()) != NULL)
		return err;
	if ((e = curl_easy_init()) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	errbuf[0] = '\0';
#define SET(opt, val) do {						\
	if ((rc = curl_easy_setopt(e, opt, val)) != CURLE_OK) {		\
		err = morph_curl_error(rc, "cannot set " #opt);		\
		goto done;						\
	}								\
} while (0)
	SET(CURLOPT_URL, url);
	SET(CURLOPT_ERRORBUFFER, errbuf);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_USERAGENT, "morph/" MORPH_VERSION_STRING);
	SET(CURLOPT_ACCEPT_ENCODING, "");
	SET(CURLOPT_FOLLOWLOCATION, 1L);
	SET(CURLOPT_MAXREDIRS, 5L);
	SET(CURLOPT_CONNECTTIMEOUT_MS, 30000L);
	SET(CURLOPT_TIMEOUT_MS, 300000L);
	SET(CURLOPT_WRITEFUNCTION, write_cb);
	SET(CURLOPT_WRITEDATA, (void *)&sink);
	SET(CURLOPT_SSL_VERIFYPEER, 1L);
	SET(CURLOPT_SSL_VERIFYHOST, 2L);
	if ((uint64_t)max < (uint64_t)INT64_MAX)
		SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)max);
	/* As the curl tool: CURL_CA_BUNDLE, then OpenSSL's variables. */
	if ((ca = env("CURL_CA_BUNDLE")) != NULL ||
	    (ca = env("SSL_CERT_FILE")) != NULL)
		SET(CURLOPT_CAINFO, ca);
	if ((ca = env("SSL_CERT_DIR")) != NULL)
		SET(CURLOPT_CAPATH, ca);
#if LIBCURL_VERSION_NUM >= 0x075500
	/* Nothing but HTTPS, redirects included. */
	SET(CURLOPT_PROTOCOLS_STR, "https");
	SET(CURLOPT_REDIR_PROTOCOLS_STR, "https");
#endif
#undef SET
	rc = curl_easy_perform(e);
	if (rc == CURLE_FILESIZE_EXCEEDED || sink.toobig) {
		err = morph_error_fmt(MORPH_ERR_HTTP, "cannot fetch '%s': it "
		    "is larger than %zu bytes", url, max);
		goto done;
	}
	if (rc == CURLE_WRITE_ERROR && morph_buf_status(out) != NULL) {
		err = morph_error(MORPH_ERR_NOMEM);
		goto done;
	}
	if (rc != CURLE_OK) {
		err = morph_error_fmt(MORPH_ERR_HTTP, "cannot fetch '%s': %s",
		    url, errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc));
		goto done;
	}
	if (curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status) !=
	    CURLE_OK || status < 200 || status > 299)
		err = morph_error_fmt(MORPH_ERR_HTTP, "cannot fetch '%s': "
		    "the server answered HTTP %ld", url, status);
done:
	curl_easy_cleanup(e);
	return err;
}
