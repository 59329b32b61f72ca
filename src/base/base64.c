/* base64.c — standard base64, strict decoding. See base64.h. */
#include "base/base64.h"

#include <stdbool.h>

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void th_base64_encode(const uint8_t *p, size_t n, th_buf *out)
{
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)p[i + 1] << 8;
        if (i + 2 < n)
            v |= p[i + 2];
        th_buf_putc(out, alphabet[v >> 18 & 63]);
        th_buf_putc(out, alphabet[v >> 12 & 63]);
        th_buf_putc(out, i + 1 < n ? alphabet[v >> 6 & 63] : '=');
        th_buf_putc(out, i + 2 < n ? alphabet[v & 63] : '=');
    }
}

static int value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

long th_base64_decode(const char *s, size_t n, uint8_t *out, size_t cap)
{
    if (n % 4)
        return -1;
    size_t k = 0;
    for (size_t i = 0; i < n; i += 4) {
        bool last = i + 4 == n;
        int pad = last ? (s[i + 3] == '=') + (s[i + 2] == '=' && s[i + 3] == '=') : 0;
        int v[4];
        for (int j = 0; j < 4 - pad; j++)
            if ((v[j] = value(s[i + j])) < 0)
                return -1;
        for (int j = 4 - pad; j < 4; j++)
            v[j] = 0;
        uint32_t w = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 |
                     (uint32_t)v[3];
        int bytes = 3 - pad;
        /* the bits a padded group does not use must be zero: one text per value */
        if ((pad == 1 && (w & 0xFF)) || (pad == 2 && (w & 0xFFFF)))
            return -1;
        if (k + (size_t)bytes > cap)
            return -1;
        out[k++] = (uint8_t)(w >> 16);
        if (bytes > 1)
            out[k++] = (uint8_t)(w >> 8);
        if (bytes > 2)
            out[k++] = (uint8_t)w;
    }
    return (long)k;
}
