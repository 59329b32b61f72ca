/* num.h — exact, locale-independent number parsing.
 *
 * th_parse_double reads a plain decimal ("12", "-0.5", "1.5e3") and returns the double strtod
 * would return, correctly rounded: the common case (at most 19 significant digits, a small
 * exponent, a mantissa below 2^53) takes Clinger's exact fast path; anything else goes to strtod.
 * No hex, no inf/nan, no white space: a field is trimmed before it is parsed. */
#ifndef TH_NUM_H
#define TH_NUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

int th_parse_double(const char *s, size_t n, double *out);
/* A decimal with at most `decimals` fraction digits, scaled by 10^decimals: "12.5" with 6 gives
 * 12500000. No exponent. Fails on overflow. */
int th_parse_fixed(const char *s, size_t n, int decimals, int64_t *out);
/* A whole number in [lo, hi]. */
/* Whether s[0..n) are all ASCII digits (true for n 0). */
bool th_all_digits(const char *s, size_t n);
int th_parse_int64(const char *s, size_t n, int64_t lo, int64_t hi, int64_t *out);
/* v in decimal into out (no NUL); returns the length (at most 20). No printf: this is on the hot
 * paths of the ledger's answers and the book's events. */
size_t th_format_int64(int64_t v, char out[24]);

#endif
