/*
 * Sets of object ids.
 */
#include "test.h"
#include "oidset_int.h"

static void
test_add_and_has(void)
{
	struct morph_oidset s;
	struct morph_oid id;
	char text[32];
	int i, added;

	morph_oidset_init(&s);
	for (i = 0; i < 10000; i++) {
		snprintf(text, sizeof(text), "%d", i);
		morph_hash_bytes(&id, text, strlen(text));
		T_OK(morph_oidset_add(&s, &id, &added));
		if (!added)
			T_FAIL("%d reported as present", i);
	}
	T_INTEQ(s.n, 10000);
	for (i = 0; i < 10000; i += 7) {
		snprintf(text, sizeof(text), "%d", i);
		morph_hash_bytes(&id, text, strlen(text));
		T_ASSERT(morph_oidset_has(&s, &id));
		T_OK(morph_oidset_add(&s, &id, &added));
		T_INTEQ(added, 0);
	}
	morph_hash_bytes(&id, "absent", 6);
	T_ASSERT(!morph_oidset_has(&s, &id));
	T_INTEQ(s.n, 10000);
	morph_oidset_release(&s);
	T_ASSERT(!morph_oidset_has(&s, &id));
}

static const struct test tests[] = {
	TEST(test_add_and_has),
};

TEST_MAIN(tests)
