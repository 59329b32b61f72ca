/* block_trades.h — block trades (大宗协议, domain: market.md "Trading modes").
 *
 * Negotiated between two parties: the seller proposes (buyer, price, quantity) and the buyer
 * accepts. The price must lie within ±30 % of the instrument's reference price (rounded inward to
 * the fen), checked at both steps; the session must be open. Accepting settles it at once,
 * outside the book, delivery versus payment: the seller's lowest qualifying available serials to
 * the buyer, the price from the buyer's available cash, the buyer paying the taker's fee and the
 * seller the maker's, the seller's benefit shares paid. The trade is marked `block`: in the
 * volume, not in the day's VWAP. Nothing is reserved while a proposal waits: the accept fails if
 * either side no longer has what it takes. */
#ifndef TH_BLOCK_TRADES_H
#define TH_BLOCK_TRADES_H

#include "base/buf.h"
#include "base/cjson.h"
#include "base/err.h"
#include "store/db.h"

#include <stdint.h>

typedef struct {
    const char *seller, *buyer, *instrument;
    int64_t price, qty;
} th_block_new;

int th_block_propose(th_db *db, const th_block_new *b, const char *now, th_buf *out,
                     th_cjson *ev, th_err *e) __attribute__((warn_unused_result));
int th_block_accept(th_db *db, const char *id, const char *buyer, const char *now, th_buf *out,
                    th_cjson *ev, th_err *e) __attribute__((warn_unused_result));
/* {"block_trades": [...]}, newest first. */
int th_block_list_json(th_db *db, th_buf *out, th_err *e) __attribute__((warn_unused_result));

#endif
