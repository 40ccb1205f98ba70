/*
 * Dates as users type them on the command line (morph log --since): a
 * small, exact grammar rather than git's approxidate, which takes any
 * text for a date and reads what it does not understand as "now".
 *
 *   @SECONDS                    seconds since the epoch
 *   YYYY-MM-DD                  the start of that day, local time
 *   YYYY-MM-DD HH:MM[:SS]       local time ('T' may stand for the blank)
 *   ... ZONE                    the second form followed by 'Z', +hhmm,
 *                               -hhmm, +hh:mm or -hh:mm (a blank before
 *                               it is allowed): in that zone
 *   N UNIT [ago]                N seconds, minutes, hours, days or weeks
 *                               before now, or N months or years before
 *                               now on the calendar (local time); UNIT
 *                               singular or plural, words separated by
 *                               blanks or dots ("2.weeks.ago")
 *   yesterday                   24 hours before now, as git reads it
 *   now
 *
 * Local time is the TZ environment variable's, as localtime(3) reads it.
 * Words are matched without regard to case.
 */
#ifndef MORPH_DATE_H
#define MORPH_DATE_H

#include <stdint.h>

#include "morph/error.h"

/*
 * Parses s, relative to now (seconds since the epoch), into *out.
 * Errors: INVALID, quoting s and naming the forms above.
 */
const struct morph_error *morph_date_parse(int64_t *out, const char *s,
    int64_t now);

#endif
