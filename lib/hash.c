/*
 * XXH3-128 object ids and their hex form.
 */
#include <stdio.h>
#include <string.h>
/* For XXH3_state_t on the stack: no allocation per object. */
#define XXH_STATIC_LINKING_ONLY
#include <xxhash.h>

#include "morph/hash.h"

static void
canonical(struct morph_oid *out, XXH128_hash_t h)
{
	XXH128_canonical_t c;

	XXH128_canonicalFromHash(&c, h);
	memcpy(out->id, c.digest, MORPH_OID_RAWSZ);
}

void
morph_hash_object(struct morph_oid *out, const char *type, const void *data,
    size_t len)
{
	XXH3_state_t st;
	char hdr[64];
	int n;

	n = snprintf(hdr, sizeof(hdr), "%s %zu", type, len);
	XXH3_128bits_reset(&st);
	XXH3_128bits_update(&st, hdr, (size_t)n + 1);	/* with the NUL */
	XXH3_128bits_update(&st, data, len);
	canonical(out, XXH3_128bits_digest(&st));
}

void
morph_hash_bytes(struct morph_oid *out, const void *data, size_t len)
{
	canonical(out, XXH3_128bits(data, len));
}

void
morph_oid_fmt(char out[MORPH_OID_HEXSZ + 1], const struct morph_oid *oid)
{
	static const char hex[] = "0123456789abcdef";
	int i;

	for (i = 0; i < MORPH_OID_RAWSZ; i++) {
		out[2 * i] = hex[oid->id[i] >> 4];
		out[2 * i + 1] = hex[oid->id[i] & 0xf];
	}
	out[MORPH_OID_HEXSZ] = '\0';
}

const char *
morph_oid_tostr(const struct morph_oid *oid)
{
	static char bufs[4][MORPH_OID_HEXSZ + 1];
	static unsigned int next;
	char *b = bufs[next++ % 4];

	morph_oid_fmt(b, oid);
	return b;
}

int
morph_hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
morph_oid_fromhex(struct morph_oid *oid, const char *s)
{
	int i, hi, lo;

	if (strlen(s) != MORPH_OID_HEXSZ)
		return -1;
	for (i = 0; i < MORPH_OID_RAWSZ; i++) {
		hi = morph_hex_digit((unsigned char)s[2 * i]);
		lo = morph_hex_digit((unsigned char)s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		oid->id[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

int
morph_oid_is_hexprefix(const char *s)
{
	size_t n = strlen(s), i;

	if (n < MORPH_OID_MINPREFIX || n > MORPH_OID_HEXSZ)
		return 0;
	for (i = 0; i < n; i++)
		if (morph_hex_digit((unsigned char)s[i]) < 0)
			return 0;
	return 1;
}

int
morph_oid_cmp(const struct morph_oid *a, const struct morph_oid *b)
{
	return memcmp(a->id, b->id, MORPH_OID_RAWSZ);
}

int
morph_oid_is_zero(const struct morph_oid *oid)
{
	static const struct morph_oid zero;

	return memcmp(oid->id, zero.id, MORPH_OID_RAWSZ) == 0;
}
