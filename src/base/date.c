/* date.c — civil dates <-> day numbers (the algorithms of H. Hinnant's "chrono-compatible
 * low-level date algorithms", written out afresh), and the engine's UTC clock readings. */
#include "base/date.h"

#include "base/num.h"

#include <stdio.h>
#include <string.h>

int32_t th_days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const int yoe = y - era * 400;
    const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void th_civil_from_days(int32_t z, int *y, int *m, int *d)
{
    z += 719468;
    const int era = (z >= 0 ? z : z - 146096) / 146097;
    const int doe = z - era * 146097;
    const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yoe + era * 400 + (*m <= 2);
}

static int days_in_month(int y, int m)
{
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return dm[m - 1];
}

int th_date_parse(const char *s, size_t n, int32_t *days)
{
    if (n != 10 || s[4] != '-' || s[7] != '-')
        return -1;
    int v[3] = {0, 0, 0};
    const int start[3] = {0, 5, 8}, len[3] = {4, 2, 2};
    for (int k = 0; k < 3; k++)
        for (int i = 0; i < len[k]; i++) {
            char c = s[start[k] + i];
            if (c < '0' || c > '9')
                return -1;
            v[k] = v[k] * 10 + (c - '0');
        }
    if (v[0] < 1000 || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > days_in_month(v[0], v[1]))
        return -1;
    *days = th_days_from_civil(v[0], v[1], v[2]);
    return 0;
}

void th_date_format(int32_t days, char out[11])
{
    int y, m, d;
    th_civil_from_days(days, &y, &m, &d);
    unsigned uy = (unsigned)y % 10000u, um = (unsigned)m % 100u, ud = (unsigned)d % 100u;
    out[0] = (char)('0' + uy / 1000), out[1] = (char)('0' + uy / 100 % 10);
    out[2] = (char)('0' + uy / 10 % 10), out[3] = (char)('0' + uy % 10);
    out[4] = '-', out[5] = (char)('0' + um / 10), out[6] = (char)('0' + um % 10);
    out[7] = '-', out[8] = (char)('0' + ud / 10), out[9] = (char)('0' + ud % 10);
    out[10] = '\0';
}

int th_utc_parse(const char *s, int64_t *t)
{
    int32_t day;
    if (strlen(s) != 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z' ||
        th_date_parse(s, 10, &day) != 0 || !th_all_digits(s + 11, 2) || !th_all_digits(s + 14, 2) ||
        !th_all_digits(s + 17, 2))
        return -1;
    int h = (s[11] - '0') * 10 + (s[12] - '0'), m = (s[14] - '0') * 10 + (s[15] - '0'),
        sec = (s[17] - '0') * 10 + (s[18] - '0');
    if (h > 23 || m > 59 || sec > 60)
        return -1;
    *t = (int64_t)day * 86400 + h * 3600 + m * 60 + sec;
    return 0;
}

void th_utc_format(int64_t t, char out[32])
{
    int32_t day = (int32_t)(t / 86400 - (t % 86400 < 0));
    int64_t s = t - (int64_t)day * 86400;
    char d[11];
    th_date_format(day, d);
    unsigned u = (unsigned)s; /* 0..86399 */
    snprintf(out, 32, "%sT%02u:%02u:%02uZ", d, u / 3600 % 24, u / 60 % 60, u % 60);
}

int th_clock_parse(const char *now, int64_t *t, th_err *e)
{
    if (th_utc_parse(now, t) != 0)
        return th_fail(e, TH_EINTERNAL, "the clock reads %s, not a UTC time", now);
    return 0;
}
