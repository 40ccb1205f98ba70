/*
 * SHA-256 (FIPS 180-4), for the hashes a Content-Security-Policy names
 * the inline style and script of an HTML report by (lib/report_html.c).
 * Not for object ids, which are XXH3-128 (morph/hash.h).
 */
#ifndef MORPH_SHA256_INT_H
#define MORPH_SHA256_INT_H

#include <stddef.h>
#include <stdint.h>

#define MORPH_SHA256_SIZE	32
/* The base64 form of a digest: 44 characters and a NUL. */
#define MORPH_SHA256_B64SIZE	45

struct morph_sha256 {
	uint32_t	 h[8];
	uint64_t	 bytes;		/* hashed so far */
	unsigned char	 block[64];
	size_t		 used;		/* bytes in block */
};

void	morph_sha256_init(struct morph_sha256 *);
void	morph_sha256_update(struct morph_sha256 *, const void *, size_t);
void	morph_sha256_final(struct morph_sha256 *,
	    unsigned char out[MORPH_SHA256_SIZE]);

/* The digest of len bytes in one call. */
void	morph_sha256(unsigned char out[MORPH_SHA256_SIZE],
	    const void *data, size_t len);

/*
 * The digest of len bytes in base64 (RFC 4648, with padding), as CSP
 * source expressions 'sha256-...' write it.
 */
void	morph_sha256_base64(char out[MORPH_SHA256_B64SIZE],
	    const void *data, size_t len);

#endif
