/*
 * Colour that is on or off (see morph/sgr.h): one test for every place
 * that colours, rather than an if around each sequence.
 */
#include "morph/sgr.h"

const char *
morph_sgr(int color, const char *seq)
{
	return color ? seq : "";
}
