/*
 * Object ids: XXH3-128 of "<type> <size>\0<payload>" in canonical order,
 * and their hex forms.
 */
#include "test.h"
#include "morph/hash.h"

/* Expected ids were printed by `xxhsum -H2` for the same bytes. */
static void
test_known_ids(void)
{
	static const struct {
		const char	*type;
		const char	*payload;
		const char	*id;
	} cases[] = {
		{ "blob", "hello", "f2c1ca92a323ca0a676704d0c3dad006" },
		{ "blob", "Hi {{name}}\n", "b3cfed284ea58264d5c95dc555827278" },
	};
	struct morph_oid oid;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		morph_hash_object(&oid, cases[i].type, cases[i].payload,
		    strlen(cases[i].payload));
		T_STREQ(morph_oid_tostr(&oid), cases[i].id);
	}
}

static void
test_type_and_size_matter(void)
{
	struct morph_oid a, b, c;

	morph_hash_object(&a, "blob", "x", 1);
	morph_hash_object(&b, "tree", "x", 1);
	morph_hash_object(&c, "blob", "x\0", 2);
	T_ASSERT(morph_oid_cmp(&a, &b) != 0);
	T_ASSERT(morph_oid_cmp(&a, &c) != 0);
}

static void
test_hex_roundtrip(void)
{
	struct morph_oid oid, back;
	char hex[MORPH_OID_HEXSZ + 1];

	morph_hash_object(&oid, "blob", "", 0);
	morph_oid_fmt(hex, &oid);
	T_INTEQ(strlen(hex), 32);
	T_INTEQ(morph_oid_fromhex(&back, hex), 0);
	T_ASSERT(morph_oid_cmp(&oid, &back) == 0);
	/* Upper case reads the same. */
	T_INTEQ(morph_oid_fromhex(&back, "F2C1CA92A323CA0A676704D0C3DAD006"),
	    0);
	T_STREQ(morph_oid_tostr(&back), "f2c1ca92a323ca0a676704d0c3dad006");
}

static void
test_bad_hex(void)
{
	static const char *bad[] = {
		"", "f2c1", "f2c1ca92a323ca0a676704d0c3dad00",
		"f2c1ca92a323ca0a676704d0c3dad0066",
		"g2c1ca92a323ca0a676704d0c3dad006",
	};
	struct morph_oid oid;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		T_INTEQ(morph_oid_fromhex(&oid, bad[i]), -1);
}

static void
test_prefixes(void)
{
	T_ASSERT(morph_oid_is_hexprefix("abcd"));
	T_ASSERT(morph_oid_is_hexprefix("ABCDEF0123"));
	T_ASSERT(!morph_oid_is_hexprefix("abc"));
	T_ASSERT(!morph_oid_is_hexprefix("abcz"));
	T_ASSERT(!morph_oid_is_hexprefix("main"));
	T_ASSERT(!morph_oid_is_hexprefix(
	    "f2c1ca92a323ca0a676704d0c3dad0060"));
}

static const struct test tests[] = {
	TEST(test_known_ids),
	TEST(test_type_and_size_matter),
	TEST(test_hex_roundtrip),
	TEST(test_bad_hex),
	TEST(test_prefixes),
};

TEST_MAIN(tests)
