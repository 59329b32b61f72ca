/* bars.h — market data: an instrument's trades in bars of a minute, an hour or a day (Asia/
 * Shanghai time, the market's): open, high, low, close, volume (every trade, block trades too),
 * the VWAP of its trades on the book (block trades left out, as at the close), and the number
 * of trades. A read, in pages of bars, so that what a request costs is bounded however long the
 * market has traded. */
#ifndef TH_BARS_H
#define TH_BARS_H

#include "base/buf.h"
#include "base/err.h"
#include "store/db.h"

/* Which bars: of the trades made at or after from and before to (UTC "YYYY-MM-DDTHH:MM:SSZ";
 * NULL: no bound), the newest `limit` (1 to TH_BARS_MAX; 0: all of TH_BARS_MAX). A bar at an
 * edge of the range holds only the trades inside it. */
typedef struct {
    const char *from, *to;
    int limit;
} th_bars_range;
enum { TH_BARS_MAX = 1000 };

/* interval: "1m", "1h" or "1d". {"instrument", "interval", "time_zone", "bars": [{"start",
 * "open_fen", "high_fen", "low_fen", "close_fen", "volume", "vwap_fen", "trades"}], "next_to"},
 * oldest first; next_to, when older bars are in the range, is the first bar's start as ISO 8601
 * with its +08:00 zone (the `to` of the bars before them), else null. rg NULL: the newest
 * TH_BARS_MAX. Reads the trades newest first, and only as far back as the bars given. */
int th_bars_json(th_db *db, const char *instrument, const char *interval,
                 const th_bars_range *rg, th_buf *out, th_err *e)
    __attribute__((warn_unused_result));

#endif
