/* num.c — number parsing; see num.h for the rounding argument. */
#include "base/num.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static const double pow10_exact[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                       1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

static int slow_path(const char *s, size_t n, double *out)
{
    char stack[64];
    char *tmp = n < sizeof stack ? stack : malloc(n + 1);
    if (!tmp)
        return -1;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    char *end;
    double v = strtod(tmp, &end);
    int ok = end == tmp + n;
    if (tmp != stack)
        free(tmp);
    if (!ok)
        return -1;
    *out = v;
    return 0;
}

int th_parse_double(const char *s, size_t n, double *out)
{
    /* the common case, "123.45" with at most 15 digits: one pass, exact by the argument above */
    {
        size_t i = s[0] == '-' && n > 1 ? 1 : 0;
        uint64_t m = 0;
        int nd = 0, frac = 0;
        bool dot = false;
        for (; i < n; i++) {
            unsigned d = (unsigned)(unsigned char)s[i] - '0';
            if (d < 10) {
                m = m * 10 + d;
                nd++;
                frac += dot;
            } else if (s[i] == '.' && !dot) {
                dot = true;
            } else {
                break;
            }
        }
        if (i == n && nd > 0 && nd <= 15) {
            double v = (double)m / pow10_exact[frac];
            *out = s[0] == '-' ? -v : v;
            return 0;
        }
    }
    size_t i = 0;
    bool neg = false;
    if (i < n && (s[i] == '-' || s[i] == '+'))
        neg = s[i++] == '-';
    uint64_t mant = 0;
    int sig = 0, exp10 = 0, digits = 0;
    bool exact = true;
    while (i < n && s[i] >= '0' && s[i] <= '9') {
        if (sig < 19) {
            mant = mant * 10 + (uint64_t)(s[i] - '0');
            if (mant)
                sig++;
        } else {
            exp10++;
            if (s[i] != '0')
                exact = false;
        }
        i++;
        digits++;
    }
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && s[i] >= '0' && s[i] <= '9') {
            if (sig < 19) {
                mant = mant * 10 + (uint64_t)(s[i] - '0');
                if (mant)
                    sig++;
                exp10--;
            } else if (s[i] != '0') {
                exact = false;
            }
            i++;
            digits++;
        }
    }
    if (digits == 0)
        return -1;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        size_t j = i + 1;
        bool eneg = false;
        if (j < n && (s[j] == '-' || s[j] == '+'))
            eneg = s[j++] == '-';
        if (j >= n)
            return -1;
        int e = 0;
        while (j < n && s[j] >= '0' && s[j] <= '9') {
            if (e < 100000)
                e = e * 10 + (s[j] - '0');
            j++;
        }
        if (j != n)
            return -1;
        exp10 += eneg ? -e : e;
        i = n;
    }
    if (i != n)
        return -1;
    if (exact && mant <= (UINT64_C(1) << 53) && exp10 >= -22 && exp10 <= 22) {
        double v = (double)mant;
        v = exp10 < 0 ? v / pow10_exact[-exp10] : v * pow10_exact[exp10];
        *out = neg ? -v : v;
        return 0;
    }
    return slow_path(s, n, out);
}

int th_parse_fixed(const char *s, size_t n, int decimals, int64_t *out)
{
    size_t i = 0;
    bool neg = false;
    if (i < n && (s[i] == '-' || s[i] == '+'))
        neg = s[i++] == '-';
    int64_t v = 0;
    int digits = 0, frac = -1;
    for (; i < n; i++) {
        char c = s[i];
        if (c == '.' && frac < 0) {
            frac = 0;
            continue;
        }
        if (c < '0' || c > '9')
            return -1;
        if (frac >= 0 && ++frac > decimals)
            return -1;
        if (v > (INT64_MAX - 9) / 10)
            return -1;
        v = v * 10 + (c - '0');
        digits++;
    }
    if (digits == 0)
        return -1;
    for (int k = frac < 0 ? 0 : frac; k < decimals; k++) {
        if (v > INT64_MAX / 10)
            return -1;
        v *= 10;
    }
    *out = neg ? -v : v;
    return 0;
}

int th_parse_int64(const char *s, size_t n, int64_t lo, int64_t hi, int64_t *out)
{
    int64_t v;
    if (th_parse_fixed(s, n, 0, &v) != 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '.')
            return -1;
    if (v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

size_t th_format_int64(int64_t v, char out[24])
{
    char tmp[24];
    char *p = tmp + sizeof tmp;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    size_t n = (size_t)(tmp + sizeof tmp - p);
    memcpy(out, p, n);
    return n;
}

bool th_all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}
