/* date.h — calendar dates as day numbers (days since 1970-01-01, proleptic Gregorian). */
#ifndef TH_DATE_H
#define TH_DATE_H

#include "base/err.h"

#include <stddef.h>
#include <stdint.h>

/* Parse exactly "YYYY-MM-DD" (year 1000..9999, a real day of that month). 0 on success. */
int th_date_parse(const char *s, size_t n, int32_t *days);
/* Write "YYYY-MM-DD" (11 bytes with the NUL). */
void th_date_format(int32_t days, char out[11]);
int32_t th_days_from_civil(int y, int m, int d);
void th_civil_from_days(int32_t days, int *y, int *m, int *d);

/* The engine's clock, "YYYY-MM-DDTHH:MM:SSZ", to and from seconds since the epoch. */
int th_utc_parse(const char *s, int64_t *t);
void th_utc_format(int64_t t, char out[32]);
/* th_utc_parse of the engine's clock reading, failing (an internal error) when it is not one. */
int th_clock_parse(const char *now, int64_t *t, th_err *e) __attribute__((warn_unused_result));

#endif
