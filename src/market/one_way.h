/* one_way.h — the one-way auction (单向竞价) of the national carbon market (domain: market.md):
 * one seller offers a quantity with a reserve price; buyers bid within a window; the bids rank by
 * price, then time (their order in the array); either every winner pays the lowest accepted bid
 * (uniform price) or each pays its own bid (pay as bid). Pure.
 *
 * Awards go down the ranking, each the smaller of the bid and what is left; bids below the
 * reserve win nothing; the last winner may be filled in part. The sum of the awards is the
 * smaller of the offer and the quantity bid at or above the reserve. */
#ifndef TH_ONE_WAY_H
#define TH_ONE_WAY_H

#include "base/err.h"

#include <stddef.h>
#include <stdint.h>

typedef struct {
    int64_t id, account;
    int64_t price, qty; /* both > 0 */
} th_bid;

typedef enum { TH_PRICE_UNIFORM, TH_PRICE_PAY_AS_BID } th_auction_pricing;

typedef struct {
    int64_t bid_id, account;
    int64_t price, qty; /* what the winner pays per lot, and gets */
} th_award;

/* Decide the auction. `awards` has room for n; *nawards gets how many won, *clearing the uniform
 * price (the lowest accepted bid; 0 when nothing is sold). Fails on a bad offer or bid (quantity
 * or price not > 0, the same bid id twice), naming it. */
int th_one_way_auction(int64_t offer_qty, int64_t reserve, const th_bid *bids, size_t n,
                       th_auction_pricing pricing, th_award *awards, size_t *nawards,
                       int64_t *clearing, th_err *e) __attribute__((warn_unused_result));

#endif
