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

void th_trim(const char **s, size_t *n)
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
        unsigned c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t len;
        unsigned cp, min;
        if ((c & 0xE0) == 0xC0) {
            len = 2, cp = c & 0x1F, min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3, cp = c & 0x0F, min = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4, cp = c & 0x07, min = 0x10000;
        } else {
            return false;
        }
        if (i + len > n)
            return false;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += len;
    }
    return true;
}

uint64_t th_hash64(const void *p, size_t n)
{
    const unsigned char *s = p;
    uint64_t h = UINT64_C(1469598103934665603);
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= UINT64_C(1099511628211);
    }
    return h;
}
