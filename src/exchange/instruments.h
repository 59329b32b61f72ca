/* instruments.h — what the exchange trades (domain: market.md "Limits and reference price").
 *
 * An instrument trades credits of one vintage, and of one project when it names one: a seller
 * delivers its lowest serials that qualify. It carries the reference price (the previous close,
 * which must survive a restart: it is a column, never only in memory), the price band around it
 * (±band, in basis points: 1000 = 10 %), the maker and taker fees (basis points of the notional,
 * rounded up to the fen), how deep a pick may reach, and whether T+1 holds. Codes are ASCII
 * letters, digits, '-' and '_', 1 to 32 of them, unique.
 *
 * A new instrument follows the trading calendar when the calendar is on (closed until the calendar
 * opens it), and is open, held by hand, when it is off (exchange/sessions.h).
 *
 * Adding the first instrument also makes the registry's `fees` account (kind fees), where every
 * fee is paid. Runs inside the engine's transaction; a failure changes nothing. */
#ifndef TH_INSTRUMENTS_H
#define TH_INSTRUMENTS_H

#include "base/buf.h"
#include "base/cjson.h"
#include "base/err.h"
#include "store/db.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct {
    int64_t id;
    char code[40];
    int vintage;
    int64_t project;   /* 0: any project */
    int64_t ref_price; /* fen */
    int band_bps;
    int maker_fee_bps, taker_fee_bps;
    int pick_depth;
    bool t_plus_one;
    char session[12];     /* closed, pre_open, open */
    int64_t session_from; /* the last trade id before the session opened */
    int64_t session_at;   /* when its session last changed (seconds since the epoch) */
    bool by_calendar;     /* false: held by hand (calendar_after is then 0) */
    int64_t calendar_after; /* the calendar drives its session from this time on */
    int64_t block_min;    /* a block trade's least quantity */
} th_instrument;

typedef struct {
    const char *code;
    int vintage;
    const char *project; /* NULL: any */
    int64_t ref_price;   /* fen */
    int band_bps;        /* 0: the default, 1000 (±10 %) */
    int maker_fee_bps, taker_fee_bps;
    int pick_depth;      /* 0: the default, 5 */
    bool t_plus_one;
    int64_t block_min;   /* 0: the default, 100,000 (the national market's) */
} th_instrument_new;

int th_instrument_add(th_db *db, const th_instrument_new *in, const char *now, th_buf *out,
                      th_cjson *ev, th_err *e) __attribute__((warn_unused_result));
/* By id (all digits) or code. Memoized per connection (th_db_memo_get): a command that changes
 * an instrument's row must clear the memo. */
int th_instrument_find(th_db *db, const char *ref, th_instrument *in, th_err *e)
    __attribute__((warn_unused_result));
/* By id (what orders and trades name it by). */
int th_instrument_get(th_db *db, int64_t id, th_instrument *in, th_err *e)
    __attribute__((warn_unused_result));
/* The band around the reference price, inclusive, in fen: within ±band_bps of it, rounded
 * inward (never past the band), and at least 1 fen. */
void th_instrument_band(const th_instrument *in, int64_t *lo, int64_t *hi);
/* The fees account's id, made when there is none (now NULL: found only, an error when none). */
int th_fees_account(th_db *db, const char *now, int64_t *id, th_cjson *ev, th_err *e)
    __attribute__((warn_unused_result));
void th_instrument_json(const th_instrument *in, th_buf *out);
/* {"instruments":[...]} */
int th_instrument_list_json(th_db *db, th_buf *out, th_err *e) __attribute__((warn_unused_result));

#endif
