/*
 * SHA-256: the examples of FIPS 180-2 (appendix B), lengths around the
 * padding's block boundary (digests from Python's hashlib), updates in
 * pieces, and the base64 form CSP hashes use.
 */
#include "test.h"
#include "sha256_int.h"

static void
hex(char out[2 * MORPH_SHA256_SIZE + 1], const unsigned char *d)
{
	size_t i;

	for (i = 0; i < MORPH_SHA256_SIZE; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void
test_fips(void)
{
	unsigned char d[MORPH_SHA256_SIZE];
	char h[2 * MORPH_SHA256_SIZE + 1];
	struct morph_sha256 s;
	char *million;
	int i;

	morph_sha256(d, "abc", 3);
	hex(h, d);
	T_STREQ(h, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad");
	morph_sha256(d, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	    56);
	hex(h, d);
	T_STREQ(h, "248d6a61d20638b8e5c026930c3e6039"
	    "a33ce45964ff2167f6ecedd419db06c1");
	/* One million 'a', in one call and in pieces of 1000. */
	if ((million = malloc(1000000)) == NULL) {
		T_FAIL("out of memory");
		return;
	}
	memset(million, 'a', 1000000);
	morph_sha256(d, million, 1000000);
	hex(h, d);
	T_STREQ(h, "cdc76e5c9914fb9281a1c7e284d73e67"
	    "f1809a48a497200e046d39ccc7112cd0");
	morph_sha256_init(&s);
	for (i = 0; i < 1000; i++)
		morph_sha256_update(&s, million, 1000);
	morph_sha256_final(&s, d);
	hex(h, d);
	T_STREQ(h, "cdc76e5c9914fb9281a1c7e284d73e67"
	    "f1809a48a497200e046d39ccc7112cd0");
	free(million);
	morph_sha256(d, "", 0);
	hex(h, d);
	T_STREQ(h, "e3b0c44298fc1c149afbf4c8996fb924"
	    "27ae41e4649b934ca495991b7852b855");
}

/* Where the length no longer fits the last block, and just after. */
static void
test_boundaries(void)
{
	static const struct {
		size_t		 n;
		const char	*want;
	} cases[] = {
		{ 55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318" },
		{ 56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a" },
		{ 63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34" },
		{ 64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb" },
		{ 65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0" },
		{ 119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb" },
	};
	unsigned char d[MORPH_SHA256_SIZE], one[MORPH_SHA256_SIZE];
	char h[2 * MORPH_SHA256_SIZE + 1], a[128];
	struct morph_sha256 s;
	size_t i, k;

	memset(a, 'a', sizeof(a));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		morph_sha256(d, a, cases[i].n);
		hex(h, d);
		T_STREQ(h, cases[i].want);
	}
	/* A byte at a time gives what one call gives, at every length. */
	for (i = 0; i <= sizeof(a); i++) {
		morph_sha256(one, a, i);
		morph_sha256_init(&s);
		for (k = 0; k < i; k++)
			morph_sha256_update(&s, a + k, 1);
		morph_sha256_final(&s, d);
		if (memcmp(one, d, sizeof(d)) != 0)
			T_FAIL("length %zu: bytewise updates differ", i);
	}
}

static void
test_base64(void)
{
	char b[MORPH_SHA256_B64SIZE];

	morph_sha256_base64(b, "", 0);
	T_STREQ(b, "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
	morph_sha256_base64(b, "abc", 3);
	T_STREQ(b, "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
}

static const struct test tests[] = {
	TEST(test_fips),
	TEST(test_boundaries),
	TEST(test_base64),
};

TEST_MAIN(tests)
