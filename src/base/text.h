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
/* The whole buffer is valid UTF-8 (no overlongs, no surrogates). */
bool th_utf8_valid(const char *s, size_t n);
/* 64-bit FNV-1a, for hash tables (not for anything an attacker chooses the keys of). */
uint64_t th_hash64(const void *p, size_t n);

#endif
