/* text.h — small text helpers: trimming, ASCII case folding, UTF-8 validity, hashing. */
#ifndef TH_TEXT_H
#define TH_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Narrow [*s, *s+*n) past ASCII white space and U+3000 (ideographic space) at both ends. */
void th_trim(const char **s, size_t *n);
/* Equal ignoring ASCII case. */
bool th_eq_nocase(const char *a, size_t an, const char *b, size_t bn);
/* Copy with ASCII letters lowered; out must have n bytes. */
void th_lower_ascii(char *out, const char *s, size_t n);
/* Length of the valid UTF-8 sequence starting at s (n bytes available), 0 if invalid. */
size_t th_utf8_seq(const unsigned char *s, size_t n);
/* The whole buffer is valid UTF-8 (no overlongs, no surrogates). */
bool th_utf8_valid(const char *s, size_t n);
/* A fast 64-bit hash for hash tables (not keyed: not for keys an attacker chooses en masse). */
uint64_t th_hash64(const void *p, size_t n);

#endif
