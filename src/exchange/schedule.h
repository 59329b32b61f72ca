/* schedule.h — the trading calendar in the store, and what it asks of the sessions.
 *
 * The calendar (exchange/calendar.h) is one row and its holidays, off until the operator sets
 * it. When it is on, an instrument that follows it (calendar_after not NULL and passed) has its
 * session driven by the clock: the engine asks th_schedule_due, before each batch, which session
 * changes the clock has made due, and applies them as session commands of their own, logged
 * ("by":"calendar") like the operator's. So a replay of the log does exactly what was done, and
 * a late clock (no command for a night) catches up in order: the day's close, then the next
 * pre-open and open. The midday break changes no state: orders are refused while the calendar
 * says it is on, a pure function of the command's time. */
#ifndef TH_SCHEDULE_H
#define TH_SCHEDULE_H

#include "base/buf.h"
#include "base/cjson.h"
#include "base/err.h"
#include "exchange/calendar.h"
#include "exchange/instruments.h"
#include "store/db.h"

#include <stdbool.h>
#include <stddef.h>

/* The calendar; memoized (th_calendar_set clears the memo). */
int th_calendar_load(th_db *db, th_calendar *c, th_err *e) __attribute__((warn_unused_result));

/* A change of the calendar: NULL (or -1) keeps a field. Times are "HH:MM"; brk is
 * "HH:MM-HH:MM" or "none"; days like "mon-fri"; tz a name or an offset ("+08:00"), with offset
 * its UTC offset when tz is a name (where the zone database is, the CLI looks it up); holidays
 * "YYYY-MM-DD", added and removed, or (replace) the whole list. */
typedef struct {
    int enabled;
    const char *tz, *offset, *days, *pre_open, *open, *brk, *close;
    const char *const *add;
    size_t nadd;
    const char *const *remove;
    size_t nremove;
    bool replace; /* add is the whole list of holidays */
} th_calendar_change;

int th_calendar_set(th_db *db, const th_calendar_change *c, const char *now, th_buf *out,
                    th_cjson *ev, th_err *e) __attribute__((warn_unused_result));
/* The calendar as JSON (what calendar.set logs, and `tanhui calendar show` prints). */
void th_calendar_json(const th_calendar *c, th_buf *out);

/* Whether the calendar drives in's session at time t. */
bool th_schedule_follows(const th_calendar *c, const th_instrument *in, int64_t t);
/* Fail (naming the instrument) when the calendar drives in's session and its midday break is on
 * at now: no order is taken then. */
int th_schedule_may_order(th_db *db, const th_instrument *in, const char *now, th_err *e)
    __attribute__((warn_unused_result));
/* Fail unless a block trade may be made now: at least block_min, and when the calendar drives
 * the session, in its afternoon. */
int th_schedule_may_block(th_db *db, const th_instrument *in, int64_t qty, const char *now,
                          th_err *e) __attribute__((warn_unused_result));

typedef struct {
    int64_t instrument;
    const char *to; /* "close", "preopen" or "open", in the order to apply */
} th_session_step;

/* The session changes the calendar has made due at now, in order; *steps is malloc'd (free it),
 * NULL with *n 0 when none. */
int th_schedule_due(th_db *db, const char *now, th_session_step **steps, size_t *n, th_err *e)
    __attribute__((warn_unused_result));
/* When a session closed by hand at now goes back to the calendar: the next trading day's
 * pre-open. */
int th_schedule_resume_at(th_db *db, const char *now, int64_t *t, th_err *e)
    __attribute__((warn_unused_result));
/* {"now":..., "calendar_phase":..., "sessions":[{"instrument","session","by","phase"}...]} */
int th_sessions_json(th_db *db, const char *now, th_buf *out, th_err *e)
    __attribute__((warn_unused_result));

#endif
