/* calendar.c — the trading calendar's arithmetic. See calendar.h. */
#include "exchange/calendar.h"

#include "base/date.h"
#include "base/num.h"

#include <stdio.h>
#include <string.h>

static const char *const day_names[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

void th_calendar_default(th_calendar *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->tz, sizeof c->tz, "Asia/Shanghai");
    c->offset_min = 8 * 60;
    c->days = 0x1f;
    c->pre_open = 9 * 60 + 15;
    c->open = 9 * 60 + 30;
    c->break_from = 11 * 60 + 30;
    c->break_to = 13 * 60;
    c->close = 15 * 60;
}

int th_calendar_valid(const th_calendar *c, th_err *e)
{
    if (c->offset_min < -14 * 60 || c->offset_min > 14 * 60)
        return th_fail_at(e, TH_EINPUT, NULL, 0, "tz", c->tz, strlen(c->tz),
                          "a time zone is within 14 hours of UTC");
    if (c->days == 0 || c->days > 0x7f)
        return th_fail(e, TH_EINPUT, "the calendar must trade on at least one weekday");
    if (c->pre_open < 0 || c->pre_open > c->open)
        return th_fail(e, TH_EINPUT, "the pre-open must begin at or before the open");
    if (c->open >= c->close || c->close > 24 * 60)
        return th_fail(e, TH_EINPUT, "the open must come before the close, within the day");
    if (c->break_from != c->break_to &&
        (c->break_from <= c->open || c->break_from > c->break_to || c->break_to >= c->close))
        return th_fail(e, TH_EINPUT, "the midday break must lie between the open and the close");
    for (size_t i = 1; i < c->nholidays; i++)
        if (c->holidays[i] <= c->holidays[i - 1])
            return th_fail(e, TH_EINTERNAL, "the holidays are not in order");
    return 0;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

int32_t th_calendar_day(const th_calendar *c, int64_t t)
{
    return (int32_t)floor_div(t + (int64_t)c->offset_min * 60, 86400);
}

static int minute_of(const th_calendar *c, int64_t t)
{
    int64_t local = t + (int64_t)c->offset_min * 60;
    return (int)((local - floor_div(local, 86400) * 86400) / 60);
}

static bool holiday(const th_calendar *c, int32_t day)
{
    size_t lo = 0, hi = c->nholidays;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->holidays[mid] < day)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < c->nholidays && c->holidays[lo] == day;
}

bool th_calendar_trades_on(const th_calendar *c, int32_t day)
{
    int weekday = (int)((day % 7 + 7 + 3) % 7); /* 1970-01-01 was a Thursday (3) */
    return (c->days >> weekday & 1u) && !holiday(c, day);
}

th_phase th_calendar_phase(const th_calendar *c, int64_t t)
{
    if (!th_calendar_trades_on(c, th_calendar_day(c, t)))
        return TH_PHASE_CLOSED;
    int m = minute_of(c, t);
    if (m < c->pre_open || m >= c->close)
        return TH_PHASE_CLOSED;
    if (m < c->open)
        return TH_PHASE_PRE_OPEN;
    if (c->break_from < c->break_to && m >= c->break_from && m < c->break_to)
        return TH_PHASE_BREAK;
    return TH_PHASE_OPEN;
}

const char *th_phase_name(th_phase p)
{
    static const char *const names[] = {"closed", "pre_open", "open", "break"};
    return names[p];
}

bool th_calendar_afternoon(const th_calendar *c, int64_t t)
{
    return th_calendar_phase(c, t) == TH_PHASE_OPEN &&
           (c->break_from == c->break_to || minute_of(c, t) >= c->break_to);
}

int64_t th_calendar_next_start(const th_calendar *c, int64_t t)
{
    int32_t day = th_calendar_day(c, t);
    for (int32_t d = day; d < day + 800; d++) {
        if (!th_calendar_trades_on(c, d))
            continue;
        int64_t s = (int64_t)d * 86400 + (int64_t)c->pre_open * 60 - (int64_t)c->offset_min * 60;
        if (s > t)
            return s;
    }
    return INT64_MAX;
}

int th_calendar_parse_minutes(const char *s, int *min)
{
    if (strlen(s) != 5 || s[2] != ':' || !th_all_digits(s, 2) || !th_all_digits(s + 3, 2))
        return -1;
    int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
    if (m > 59 || h > 24 || (h == 24 && m != 0))
        return -1;
    *min = h * 60 + m;
    return 0;
}

void th_calendar_format_minutes(int min, char out[6])
{
    unsigned m = min < 0 ? 0u : (unsigned)min % 6000u;
    snprintf(out, 6, "%02u:%02u", m / 60, m % 60);
}

static int day_index(const char *s, size_t n)
{
    for (int i = 0; i < 7; i++)
        if (n == 3 && strncmp(s, day_names[i], 3) == 0)
            return i;
    return -1;
}

int th_calendar_parse_days(const char *s, unsigned *days)
{
    unsigned bits = 0;
    while (*s) {
        size_t n = strcspn(s, ",");
        const char *dash = memchr(s, '-', n);
        int a, b;
        if (dash) {
            a = day_index(s, (size_t)(dash - s));
            b = day_index(dash + 1, n - (size_t)(dash - s) - 1);
        } else {
            a = b = day_index(s, n);
        }
        if (a < 0 || b < 0 || b < a)
            return -1;
        for (int i = a; i <= b; i++)
            bits |= 1u << i;
        s += n;
        if (*s == ',' && *++s == '\0')
            return -1;
    }
    if (!bits)
        return -1;
    *days = bits;
    return 0;
}

void th_calendar_format_days(unsigned days, char out[32])
{
    size_t len = 0;
    out[0] = '\0';
    for (int i = 0; i < 7;) {
        if (!(days >> i & 1u)) {
            i++;
            continue;
        }
        int j = i;
        while (j + 1 < 7 && (days >> (j + 1) & 1u))
            j++;
        len += (size_t)snprintf(out + len, 32 - len, "%s%s", len ? "," : "", day_names[i]);
        if (j > i)
            len += (size_t)snprintf(out + len, 32 - len, "-%s", day_names[j]);
        i = j + 1;
    }
}

int th_calendar_parse_offset(const char *s, int *min)
{
    if (strcmp(s, "Z") == 0 || strcmp(s, "UTC") == 0) {
        *min = 0;
        return 0;
    }
    if (strncmp(s, "UTC", 3) == 0)
        s += 3;
    if (*s != '+' && *s != '-')
        return -1;
    int sign = *s++ == '-' ? -1 : 1;
    size_t n = strlen(s);
    int h, m = 0;
    if ((n == 1 || n == 2) && th_all_digits(s, n)) {
        h = n == 1 ? s[0] - '0' : (s[0] - '0') * 10 + (s[1] - '0');
    } else if (n == 5 && s[2] == ':' && th_all_digits(s, 2) && th_all_digits(s + 3, 2)) {
        h = (s[0] - '0') * 10 + (s[1] - '0');
        m = (s[3] - '0') * 10 + (s[4] - '0');
    } else {
        return -1;
    }
    if (h > 14 || m > 59 || (h == 14 && m))
        return -1;
    *min = sign * (h * 60 + m);
    return 0;
}

int th_calendar_add_holiday(th_calendar *c, int32_t day, th_err *e)
{
    size_t i = 0;
    while (i < c->nholidays && c->holidays[i] < day)
        i++;
    if (i < c->nholidays && c->holidays[i] == day)
        return 0;
    if (c->nholidays == TH_CALENDAR_MAX_HOLIDAYS)
        return th_fail(e, TH_EINPUT, "the calendar holds at most %d holidays: remove past ones",
                       TH_CALENDAR_MAX_HOLIDAYS);
    memmove(&c->holidays[i + 1], &c->holidays[i], (c->nholidays - i) * sizeof c->holidays[0]);
    c->holidays[i] = day;
    c->nholidays++;
    return 0;
}

void th_calendar_remove_holiday(th_calendar *c, int32_t day)
{
    for (size_t i = 0; i < c->nholidays; i++)
        if (c->holidays[i] == day) {
            memmove(&c->holidays[i], &c->holidays[i + 1],
                    (c->nholidays - i - 1) * sizeof c->holidays[0]);
            c->nholidays--;
            return;
        }
}

int th_time_parse(const char *s, int64_t *t)
{
    size_t n = strlen(s);
    if (n < 17 || s[16] == '\0')
        return -1;
    char utc[21];
    memcpy(utc, s, 16); /* YYYY-MM-DDTHH:MM */
    size_t k = 16;
    if (s[16] == ':') {
        if (n < 20)
            return -1;
        memcpy(utc + 16, s + 16, 3);
        k = 19;
    } else {
        memcpy(utc + 16, ":00", 3);
    }
    utc[19] = 'Z';
    utc[20] = '\0';
    int off;
    if (th_utc_parse(utc, t) != 0 || strcmp(s + k, "UTC") == 0 ||
        strncmp(s + k, "UTC", 3) == 0 || th_calendar_parse_offset(s + k, &off) != 0)
        return -1;
    if (s[k] != 'Z' && strlen(s + k) != 6)
        return -1; /* an offset is written in full: +08:00 */
    *t -= (int64_t)off * 60;
    return 0;
}
