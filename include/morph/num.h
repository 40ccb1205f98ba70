/*
 * Numbers written as text: command-line values, configuration strings,
 * and the few numbers that arrive as strings from servers; and, the
 * other way, counts shown short in tables ("1.2k").  One strict
 * grammar for all of them, so that "-j 0x10", "--budget nan" or
 * "--timeout 5s" is an error that names the option rather than a value
 * that strtol(3) or strtod(3) made up.
 *
 * A whole number is an optional '-' and decimal digits ("010" is ten).
 * A number may also have a fraction and an exponent ("0.05", ".5", "2.",
 * "1e-3").  Refused: the empty string, blanks, a '+', hexadecimal, "nan",
 * "inf", anything after the number, and values out of range, overflow
 * included.
 */
#ifndef MORPH_NUM_H
#define MORPH_NUM_H

#include <stddef.h>
#include <stdint.h>

#include "morph/error.h"

/*
 * Parses s as a whole number from lo to hi into *out (untouched on
 * error).  Errors: INVALID, "WHAT needs a whole number from LO to HI,
 * not 'S'", with s quoted printably and cut short.
 */
const struct morph_error *morph_num_int(int64_t *out, const char *what,
    const char *s, int64_t lo, int64_t hi);

#define MORPH_NUM_OPEN_LO	0x01	/* lo itself is out of range */
#define MORPH_NUM_OPEN_HI	0x02	/* hi itself is out of range */

/*
 * Parses s as a number from lo to hi (flags: which bounds are excluded)
 * into *out (untouched on error), whatever the locale's decimal point.
 * A value too small to represent (1e-400) is refused too.  Errors: as
 * morph_num_int.
 */
const struct morph_error *morph_num_real(double *out, const char *what,
    const char *s, double lo, double hi, int flags);

/*
 * A count as tables show it: 1234 as "1.2k", 2500000 as "2.5M", below a
 * thousand (either sign) as it is, -1500 as "-1.5k".
 */
void	morph_num_human(char *buf, size_t size, int64_t n);

#endif
