/*
 * Object ids: XXH3-128 of "<type> <size>\0<payload>".
 *
 * An id is 16 bytes in XXH128's canonical (big-endian) byte order and is
 * written as 32 lowercase hex digits, the form `xxhsum -H2` prints for the
 * same bytes.  Ids guard against accidents, not adversaries.
 */
#ifndef MORPH_HASH_H
#define MORPH_HASH_H

#include <stddef.h>

#define MORPH_OID_RAWSZ		16
#define MORPH_OID_HEXSZ		32
#define MORPH_OID_MINPREFIX	4	/* shortest abbreviation accepted */

struct morph_oid {
	unsigned char	id[MORPH_OID_RAWSZ];
};

/* Hashes one object of the given type name ("blob", "tree", ...). */
void	morph_hash_object(struct morph_oid *out, const char *type,
	    const void *data, size_t len);

/* Plain XXH3-128 of bytes, for cache keys that are not objects. */
void	morph_hash_bytes(struct morph_oid *out, const void *data, size_t len);

/* Writes 32 hex digits and a NUL into out. */
void	morph_oid_fmt(char out[MORPH_OID_HEXSZ + 1], const struct morph_oid *);

/*
 * The hex form in one of a few rotating static buffers: handy for printing,
 * valid until four more calls.
 */
const char *morph_oid_tostr(const struct morph_oid *);

/* The value of hex digit c (either case), or -1. */
int	morph_hex_digit(int c);

/* Parses exactly 32 hex digits (either case).  Returns 0, or -1 if bad. */
int	morph_oid_fromhex(struct morph_oid *, const char *hex);

/* Whether s is 4 to 32 hex digits: a possible abbreviated id. */
int	morph_oid_is_hexprefix(const char *s);

int	morph_oid_cmp(const struct morph_oid *, const struct morph_oid *);
int	morph_oid_is_zero(const struct morph_oid *);

#endif
