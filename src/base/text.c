/* text.c — text helpers. */
#include "base/text.h"

#include <string.h>

static bool is_space_at(const unsigned char *s, size_t n, size_t *len)
{
    if (n >= 1 && (s[0] == ' ' || s[0] == '\t' || s[0] == '\r' || s[0] == '\n' ||
                   s[0] == '\v' || s[0] == '\f')) {
        *len = 1;
        return true;
    }
    if (n >= 3 && s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80) { /* U+3000 */
        *len = 3;
        return true;
    }
    return false;
}

void th_trim_slow(const char **s, size_t *n)
{
    const unsigned char *p = (const unsigned char *)*s;
    size_t len = *n, k;
    while (len && is_space_at(p, len, &k)) {
        p += k;
        len -= k;
    }
    for (;;) {
        if (len && (p[len - 1] == ' ' || p[len - 1] == '\t' || p[len - 1] == '\r' ||
                    p[len - 1] == '\n' || p[len - 1] == '\v' || p[len - 1] == '\f')) {
            len--;
        } else if (len >= 3 && p[len - 3] == 0xE3 && p[len - 2] == 0x80 && p[len - 1] == 0x80) {
            len -= 3;
        } else {
            break;
        }
    }
    *s = (const char *)p;
    *n = len;
}

static unsigned char lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

bool th_eq_nocase(const char *a, size_t an, const char *b, size_t bn)
{
    if (an != bn)
        return false;
    for (size_t i = 0; i < an; i++)
        if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
            return false;
    return true;
}

void th_lower_ascii(char *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = (char)lower((unsigned char)s[i]);
}

size_t th_utf8_seq(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    if (c >= 0xE0 && c < 0xF0) { /* the common case here: CJK is three bytes */
        if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
            return 0;
        unsigned cp = ((c & 0x0Fu) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3Fu);
        return cp >= 0x800 && (cp < 0xD800 || cp > 0xDFFF) ? 3 : 0;
    }
    if (c >= 0xC2 && c < 0xE0)
        return n >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
    if (c >= 0xF0 && c < 0xF5) {
        if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
            return 0;
        unsigned cp = ((c & 0x07u) << 18) | ((s[1] & 0x3Fu) << 12) | ((s[2] & 0x3Fu) << 6) |
                      (s[3] & 0x3Fu);
        return cp >= 0x10000 && cp <= 0x10FFFF ? 4 : 0;
    }
    return 0; /* continuation byte, overlong lead C0/C1, or F5..FF */
}

bool th_utf8_valid(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        /* skip ASCII quickly, 8 bytes at a time */
        while (i + 8 <= n) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (w & UINT64_C(0x8080808080808080))
                break;
            i += 8;
        }
        if (i >= n)
            break;
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        size_t len = th_utf8_seq(s + i, n - i);
        if (len == 0)
            return false;
        i += len;
    }
    return true;
}

uint64_t th_hash64(const void *p, size_t n)
{
    /* eight bytes a step, each mixed by a multiply and a shift; a final avalanche */
    const unsigned char *s = p;
    const size_t len = n;
    uint64_t h = UINT64_C(0x9E3779B97F4A7C15) ^ ((uint64_t)n * UINT64_C(0xFF51AFD7ED558CCD));
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = (h ^ w) * UINT64_C(0xBF58476D1CE4E5B9);
        h ^= h >> 29;
        s += 8;
        n -= 8;
    }
    if (n) {
        uint64_t w = 0;
        if (len >= 8) {
            memcpy(&w, s + n - 8, 8); /* the last eight bytes, overlapping the ones done */
        } else {
            for (size_t i = 0; i < n; i++)
                w |= (uint64_t)s[i] << (8 * i);
        }
        h = (h ^ w) * UINT64_C(0xBF58476D1CE4E5B9);
        h ^= h >> 29;
    }
    h ^= h >> 32;
    h *= UINT64_C(0x94D049BB133111EB);
    h ^= h >> 29;
    return h;
}

size_t th_text_copy(char *dst, size_t cap, const char *prefix, const char *s)
{
    const char *parts[2] = {prefix, s};
    size_t n = 0;
    for (int k = 0; k < 2; k++) {
        size_t len = strlen(parts[k]);
        if (n + len >= cap) {
            len = cap - 1 - n;
            while (len > 0 && ((unsigned char)parts[k][len] & 0xC0) == 0x80) /* no half char */
                len--;
            memcpy(dst + n, parts[k], len);
            n += len;
            break;
        }
        memcpy(dst + n, parts[k], len);
        n += len;
    }
    dst[n] = '\0';
    return n;
}
