/* calendar.h — the trading calendar (domain: market.md): which days trade, and when in the day
 * the pre-open call auction, continuous trading, the midday break and the close fall, in one
 * time zone. Pure: times in and phases out.
 *
 * The zone is a fixed offset from UTC (China keeps one all year; a zone name is resolved to its
 * offset where the calendar is set). Times of day are minutes after local midnight; days are
 * local day numbers (days since 1970-01-01). Invariants of a valid calendar: pre_open <= open <
 * close <= 24:00; a break, when there is one (break_from < break_to), lies inside (open, close);
 * holidays sorted, no repeats. A day trades when its weekday is in `days` and it is no holiday. */
#ifndef TH_CALENDAR_H
#define TH_CALENDAR_H

#include "base/date.h"
#include "base/err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { TH_CALENDAR_MAX_HOLIDAYS = 512 };

typedef struct {
    bool enabled;         /* off: every session is driven by hand */
    char tz[48];          /* the zone's name as the operator gave it */
    int offset_min;       /* local = UTC + offset_min */
    unsigned days;        /* bit 0 Monday ... bit 6 Sunday */
    int pre_open, open, break_from, break_to, close; /* minutes; no break: from == to */
    size_t nholidays;
    int32_t holidays[TH_CALENDAR_MAX_HOLIDAYS]; /* local day numbers, ascending */
} th_calendar;

typedef enum { TH_PHASE_CLOSED, TH_PHASE_PRE_OPEN, TH_PHASE_OPEN, TH_PHASE_BREAK } th_phase;

/* The national market's: Monday to Friday, pre-open 09:15, 09:30-11:30 and 13:00-15:00,
 * Asia/Shanghai (+08:00), no holidays, not enabled. */
void th_calendar_default(th_calendar *c);
/* Check the invariants above; the error names the field. */
int th_calendar_valid(const th_calendar *c, th_err *e) __attribute__((warn_unused_result));

/* The local day of UTC time t (seconds since the epoch) and the minute in it. */
int32_t th_calendar_day(const th_calendar *c, int64_t t);
bool th_calendar_trades_on(const th_calendar *c, int32_t day);
th_phase th_calendar_phase(const th_calendar *c, int64_t t);
const char *th_phase_name(th_phase p); /* "closed", "pre_open", "open", "break" */
/* Whether t falls in the afternoon session (after the break, before the close; with no break,
 * any time of continuous trading): when block trades are made. */
bool th_calendar_afternoon(const th_calendar *c, int64_t t);
/* The first instant after t at which a trading day's pre-open begins; INT64_MAX if no day in the
 * next 800 trades. */
int64_t th_calendar_next_start(const th_calendar *c, int64_t t);

/* "HH:MM" (00:00..24:00) into minutes. */
int th_calendar_parse_minutes(const char *s, int *min);
void th_calendar_format_minutes(int min, char out[6]);
/* "mon-fri", "mon,wed,fri", "mon-sun"... into the day bits. */
int th_calendar_parse_days(const char *s, unsigned *days);
void th_calendar_format_days(unsigned days, char out[32]);
/* "+08:00", "-05:30", "UTC+8", "Z"... into minutes east of UTC. */
int th_calendar_parse_offset(const char *s, int *min);
/* Add or remove a holiday, keeping the list sorted; adding one there already, or removing one
 * absent, changes nothing. Fails when the list is full. */
int th_calendar_add_holiday(th_calendar *c, int32_t day, th_err *e)
    __attribute__((warn_unused_result));
void th_calendar_remove_holiday(th_calendar *c, int32_t day);

/* An ISO 8601 time with its zone: "YYYY-MM-DDTHH:MM[:SS]" then "Z" or "+HH:MM"/"-HH:MM", into
 * seconds since the epoch. */
int th_time_parse(const char *s, int64_t *t);

#endif
