/*
 * Fetching one file over HTTPS: what morph prices update downloads.  One
 * blocking transfer through libcurl's easy interface (libcurl is opened
 * at first use, curl_int.h); morph run's calls go through http_int.h.
 */
#ifndef MORPH_FETCH_INT_H
#define MORPH_FETCH_INT_H

#include <stddef.h>

#include "morph/buf.h"
#include "morph/error.h"

/*
 * GETs url, which must be https:// (redirects too), into out (appended),
 * refusing a body over max bytes.  The server is verified against
 * libcurl's CA certificates, or the file named by CURL_CA_BUNDLE, else
 * SSL_CERT_FILE, and the directory SSL_CERT_DIR.  Errors: INVALID for a
 * URL that is not https://; HTTP naming the URL for a transfer that
 * failed (with libcurl's reason) or a status that is not 2xx;
 * UNSUPPORTED when libcurl cannot be loaded.
 */
const struct morph_error *morph_fetch(struct morph_buf *out, const char *url,
    size_t max);

#endif
