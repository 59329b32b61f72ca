/* text.h — small text helpers: trimming, ASCII case folding, UTF-8 validity, hashing. */
#ifndef TH_TEXT_H
#define TH_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Narrow [*s, *s+*n) past ASCII white space and U+3000 (ideographic space) at both ends. */
void th_trim_slow(const char **s, size_t *n);
static inline void th_trim(const char **s, size_t *n)
{
    /* most fields have nothing to trim: a printable ASCII or non-space first and last byte */
    if (*n && (unsigned char)(*s)[0] > ' ' && (unsigned char)(*s)[0] != 0xE3 &&
        (unsigned char)(*s)[*n - 1] > ' ' && (unsigned char)(*s)[*n - 1] != 0x80)
        return;
    th_trim_slow(s, n);
}
/* Equal ignoring ASCII case. */
bool th_eq_nocase(const char *a, size_t an, const char *b, size_t bn);
/* Copy with ASCII letters lowered; out must have n bytes. */
void th_lower_ascii(char *out, const char *s, size_t n);
/* prefix then s into dst (cap bytes, at least 1), NUL-terminated, cut at a character boundary
 * when it does not fit; returns the length. No printf: a few of these run for every order. */
size_t th_text_copy(char *dst, size_t cap, const char *prefix, const char *s);
/* Length of the valid UTF-8 sequence starting at s (n bytes available), 0 if invalid. */
size_t th_utf8_seq(const unsigned char *s, size_t n);
/* The whole buffer is valid UTF-8 (no overlongs, no surrogates). */
bool th_utf8_valid(const char *s, size_t n);
/* a[0..n) == b[0..n), eight bytes at a time: for the short strings (keys, names) of hot loops,
 * where a call to memcmp costs more than the compare. */
static inline bool th_bytes_eq(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t u, v;
        __builtin_memcpy(&u, x + i, 8);
        __builtin_memcpy(&v, y + i, 8);
        if (u != v)
            return false;
    }
    for (; i < n; i++)
        if (x[i] != y[i])
            return false;
    return true;
}

/* A fast 64-bit hash for hash tables (not keyed: not for keys an attacker chooses en masse). */
uint64_t th_hash64(const void *p, size_t n);

#endif
