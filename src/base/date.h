/* date.h — calendar dates as day numbers (days since 1970-01-01, proleptic Gregorian). */
#ifndef TH_DATE_H
#define TH_DATE_H

#include <stddef.h>
#include <stdint.h>

/* Parse exactly "YYYY-MM-DD" (year 1000..9999, a real day of that month). 0 on success. */
int th_date_parse(const char *s, size_t n, int32_t *days);
/* Write "YYYY-MM-DD" (11 bytes with the NUL). */
void th_date_format(int32_t days, char out[11]);
int32_t th_days_from_civil(int y, int m, int d);
void th_civil_from_days(int32_t days, int *y, int *m, int *d);

#endif
