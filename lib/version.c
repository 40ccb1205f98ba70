/*
 * The library's version, set by the build (CMakeLists.txt).
 */
#include "morph/morph.h"

const char *
morph_version(void)
{
	return MORPH_VERSION_STRING;
}
