/* sessions.h — trading sessions (domain: market.md "Limits and reference price").
 *
 * An instrument is closed (orders refused), in its pre-open call auction (orders rest without
 * trading, crossed or not; IOC and FOK are refused), or open (continuous trading). It changes by
 * preopen (from closed), open (from the pre-open, uncrossing its auction at the price that
 * executes the most, or from closed), close (from open or the pre-open): by the trading calendar
 * (exchange/schedule.h) or by the operator's hand. A session opened (or pre-opened) by hand is
 * held by hand: it trades until it is closed by hand, whatever the calendar says; a close by hand
 * gives it back to the calendar from the next trading day's pre-open.
 *
 * At the close: the reference price becomes the volume-weighted average price of the session's
 * continuous trades (the uncross and block trades are not in it), rounded half up to the fen,
 * unchanged when there were none; the band moves with it; DAY orders expire, giving back what
 * they reserve. The reference price and the state are columns: they survive a restart. Every
 * change is a command, logged; a close is also a row of session_closes. */
#ifndef TH_SESSIONS_H
#define TH_SESSIONS_H

#include "base/buf.h"
#include "base/cjson.h"
#include "base/err.h"
#include "exchange/books.h"
#include "store/db.h"

#include <stdbool.h>
#include <stdint.h>

/* to: "preopen", "open" or "close"; by_calendar: the calendar's change (else the operator's).
 * *touched: the instrument whose book changed (0: none). */
int th_session_change(th_db *db, th_books *bk, const char *instrument, const char *to,
                      bool by_calendar, const char *now, th_buf *out, th_cjson *ev,
                      int64_t *touched, th_err *e)
    __attribute__((warn_unused_result));

#endif
