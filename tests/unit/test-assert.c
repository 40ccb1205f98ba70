#include "test.h"
static void t(void){}
static const struct test tests[] = { TEST(t) };
TEST_MAIN(tests)
