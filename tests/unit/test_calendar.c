/* test_calendar.c — the trading calendar's arithmetic: fields read and written, the phase of the
 * day at the national market's times, holidays and weekends, the next trading day's start
 * (against a minute-by-minute scan), and bad calendars refused. */
#include "test.h"

#include "base/date.h"
#include "exchange/calendar.h"

#include <string.h>

static int64_t at(const char *utc)
{
    int64_t t = -1;
    if (th_utc_parse(utc, &t) != 0)
        th_test_fail(__FILE__, __LINE__, "cannot read %s", utc);
    return t;
}

TEST(calendar_fields_read_and_written)
{
    int m;
    CHECK_INT(th_calendar_parse_minutes("09:15", &m), 0);
    CHECK_INT(m, 555);
    CHECK_INT(th_calendar_parse_minutes("24:00", &m), 0);
    CHECK_INT(m, 1440);
    static const char *const bad_times[] = {"24:01", "9:15", "09:60", "0915", "", "ab:cd"};
    for (size_t i = 0; i < sizeof bad_times / sizeof *bad_times; i++)
        CHECK(th_calendar_parse_minutes(bad_times[i], &m) != 0);
    char t[6];
    th_calendar_format_minutes(780, t);
    CHECK_STR(t, "13:00");
    unsigned d;
    char days[32];
    CHECK_INT(th_calendar_parse_days("mon-fri", &d), 0);
    CHECK_INT((int)d, 0x1f);
    CHECK_INT(th_calendar_parse_days("mon,wed-thu,sun", &d), 0);
    th_calendar_format_days(d, days);
    CHECK_STR(days, "mon,wed-thu,sun");
    th_calendar_format_days(0x7f, days);
    CHECK_STR(days, "mon-sun");
    static const char *const bad_days[] = {"", "fri-mon", "mon,", "monday", "mon,,tue", "xyz"};
    for (size_t i = 0; i < sizeof bad_days / sizeof *bad_days; i++)
        CHECK(th_calendar_parse_days(bad_days[i], &d) != 0);
    CHECK_INT(th_calendar_parse_offset("+08:00", &m), 0);
    CHECK_INT(m, 480);
    CHECK_INT(th_calendar_parse_offset("UTC-5", &m), 0);
    CHECK_INT(m, -300);
    CHECK_INT(th_calendar_parse_offset("-03:30", &m), 0);
    CHECK_INT(m, -210);
    CHECK_INT(th_calendar_parse_offset("Z", &m), 0);
    CHECK_INT(m, 0);
    CHECK(th_calendar_parse_offset("+15:00", &m) != 0);
    CHECK(th_calendar_parse_offset("08:00", &m) != 0);
    CHECK(th_calendar_parse_offset("Asia/Shanghai", &m) != 0);
    char s[32];
    th_utc_format(at("2026-11-30T01:30:00Z"), s);
    CHECK_STR(s, "2026-11-30T01:30:00Z");
    th_utc_format(at("1969-12-31T23:59:59Z"), s);
    CHECK_STR(s, "1969-12-31T23:59:59Z");
    int64_t x;
    CHECK(th_utc_parse("2026-11-30 01:30:00Z", &x) != 0);
    CHECK(th_utc_parse("2026-02-30T01:30:00Z", &x) != 0);
    CHECK(th_utc_parse("2026-11-30T24:00:00Z", &x) != 0);
}

TEST(calendar_phases_of_the_national_market)
{
    th_calendar c;
    th_calendar_default(&c);
    th_err e;
    CHECK_INT(th_calendar_valid(&c, &e), 0);
    /* Monday 2026-11-30, in Shanghai (UTC+8) */
    static const struct {
        const char *utc;
        th_phase p;
        bool afternoon;
    } cases[] = {
        {"2026-11-30T01:14:59Z", TH_PHASE_CLOSED, false}, /* 09:14:59 */
        {"2026-11-30T01:15:00Z", TH_PHASE_PRE_OPEN, false},
        {"2026-11-30T01:29:59Z", TH_PHASE_PRE_OPEN, false},
        {"2026-11-30T01:30:00Z", TH_PHASE_OPEN, false},
        {"2026-11-30T03:29:59Z", TH_PHASE_OPEN, false},
        {"2026-11-30T03:30:00Z", TH_PHASE_BREAK, false}, /* 11:30 */
        {"2026-11-30T04:59:59Z", TH_PHASE_BREAK, false},
        {"2026-11-30T05:00:00Z", TH_PHASE_OPEN, true}, /* 13:00 */
        {"2026-11-30T06:59:59Z", TH_PHASE_OPEN, true},
        {"2026-11-30T07:00:00Z", TH_PHASE_CLOSED, false}, /* 15:00 */
        {"2026-11-29T16:00:00Z", TH_PHASE_CLOSED, false}, /* Monday 00:00 */
        {"2026-11-28T02:00:00Z", TH_PHASE_CLOSED, false}, /* Saturday 10:00 */
        {"2026-11-29T02:00:00Z", TH_PHASE_CLOSED, false}, /* Sunday 10:00 */
        {"2026-11-27T02:00:00Z", TH_PHASE_OPEN, false},   /* Friday 10:00 */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        int64_t t = at(cases[i].utc);
        if (th_calendar_phase(&c, t) != cases[i].p ||
            th_calendar_afternoon(&c, t) != cases[i].afternoon)
            th_test_fail(__FILE__, __LINE__, "%s: %s, afternoon %d", cases[i].utc,
                         th_phase_name(th_calendar_phase(&c, t)),
                         th_calendar_afternoon(&c, t));
    }
    /* the local day is Shanghai's: 2026-11-29T16:00Z is Monday there */
    int32_t monday;
    CHECK_INT(th_date_parse("2026-11-30", 10, &monday), 0);
    CHECK_INT(th_calendar_day(&c, at("2026-11-29T16:00:00Z")), monday);
    CHECK_INT(th_calendar_day(&c, at("2026-11-29T15:59:59Z")), monday - 1);
    /* a holiday on Monday: closed all day; the next start is Tuesday's pre-open */
    CHECK_INT(th_calendar_add_holiday(&c, monday, &e), 0);
    CHECK_INT(th_calendar_add_holiday(&c, monday, &e), 0); /* twice: once */
    CHECK_INT((int)c.nholidays, 1);
    CHECK_INT(th_calendar_phase(&c, at("2026-11-30T02:00:00Z")), TH_PHASE_CLOSED);
    CHECK(th_calendar_next_start(&c, at("2026-11-27T08:00:00Z")) == at("2026-12-01T01:15:00Z"));
    th_calendar_remove_holiday(&c, monday);
    CHECK_INT((int)c.nholidays, 0);
    CHECK(th_calendar_next_start(&c, at("2026-11-27T08:00:00Z")) == at("2026-11-30T01:15:00Z"));
    /* at the very start, the next start is the next day's */
    CHECK(th_calendar_next_start(&c, at("2026-11-30T01:15:00Z")) == at("2026-12-01T01:15:00Z"));
    /* no break: the afternoon is all of the open */
    c.break_from = c.break_to = 0;
    CHECK_INT(th_calendar_valid(&c, &e), 0);
    CHECK(th_calendar_afternoon(&c, at("2026-11-30T03:45:00Z")));
}

TEST(calendar_bad_ones_refused)
{
    th_calendar c;
    th_err e;
    th_calendar_default(&c);
    c.open = c.pre_open - 1;
    CHECK(th_calendar_valid(&c, &e) != 0);
    th_calendar_default(&c);
    c.close = c.open;
    CHECK(th_calendar_valid(&c, &e) != 0);
    th_calendar_default(&c);
    c.break_to = c.close + 10;
    CHECK(th_calendar_valid(&c, &e) != 0);
    CHECK_CONTAINS(e.msg, "midday break");
    th_calendar_default(&c);
    c.days = 0;
    CHECK(th_calendar_valid(&c, &e) != 0);
    th_calendar_default(&c);
    c.offset_min = 15 * 60;
    CHECK(th_calendar_valid(&c, &e) != 0);
    th_calendar_default(&c);
    for (int i = 0; i < TH_CALENDAR_MAX_HOLIDAYS; i++)
        CHECK_INT(th_calendar_add_holiday(&c, 20000 + 2 * i, &e), 0);
    CHECK(th_calendar_add_holiday(&c, 1, &e) != 0);
    CHECK_CONTAINS(e.msg, "at most");
}

/* The next start against a scan, minute by minute, for the first minute whose phase leaves
 * closed; over random calendars, zones, holidays and times. */
TEST(calendar_next_start_against_a_scan)
{
    uint64_t x = 0x5eed;
    int rounds = th_test_long() ? 3000 : 300;
    for (int r = 0; r < rounds; r++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        th_calendar c;
        th_calendar_default(&c);
        c.days = 1u + (unsigned)(x % 127);
        c.offset_min = (int)((x >> 8) % 1681) - 840;
        c.pre_open = 1 + (int)((x >> 20) % 600);
        c.open = c.pre_open + (int)((x >> 30) % 30);
        c.close = c.open + 1 + (int)((x >> 36) % 600);
        c.break_from = c.break_to = 0;
        if ((x >> 46) % 2 && c.close - c.open > 4) {
            c.break_from = c.open + 1;
            c.break_to = c.close - 1;
        }
        th_err e;
        int64_t t0 = at("2026-11-20T00:00:00Z") + (int64_t)((x >> 48) % (20 * 86400));
        int32_t d0 = th_calendar_day(&c, t0);
        for (int h = 0; h < (int)((x >> 50) % 4); h++)
            CHECK_INT(th_calendar_add_holiday(&c, d0 + (int32_t)((x >> (52 + h)) % 8), &e), 0);
        CHECK_INT(th_calendar_valid(&c, &e), 0);
        int64_t got = th_calendar_next_start(&c, t0);
        /* scan from the next whole minute: a start falls on one */
        int64_t want = -1;
        for (int64_t t = (t0 / 60 + 1) * 60; t < t0 + 20 * 86400; t += 60)
            if (th_calendar_phase(&c, t) != TH_PHASE_CLOSED &&
                th_calendar_phase(&c, t - 60) == TH_PHASE_CLOSED) {
                want = t;
                break;
            }
        if (got != want)
            th_test_fail(__FILE__, __LINE__, "round %d: next start %lld, the scan finds %lld", r,
                         (long long)got, (long long)want);
    }
}
