/* bars.h — market data: an instrument's trades in bars of a minute, an hour or a day (Asia/
 * Shanghai time, the market's): open, high, low, close, volume (every trade, block trades too),
 * the VWAP of its trades on the book (block trades left out, as at the close), and the number
 * of trades. A read. */
#ifndef TH_BARS_H
#define TH_BARS_H

#include "base/buf.h"
#include "base/err.h"
#include "store/db.h"

/* interval: "1m", "1h" or "1d". {"instrument", "interval", "time_zone", "bars": [{"start",
 * "open_fen", "high_fen", "low_fen", "close_fen", "volume", "vwap_fen", "trades"}]}, oldest first. */
int th_bars_json(th_db *db, const char *instrument, const char *interval, th_buf *out, th_err *e)
    __attribute__((warn_unused_result));

#endif
