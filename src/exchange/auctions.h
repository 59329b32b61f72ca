/* auctions.h — one-way auctions (单向竞价, domain: market.md "Trading modes").
 *
 * A seller offers a quantity of an instrument's credits with a reserve price, until a time;
 * buyers bid (a price at or above the reserve, a quantity up to the offer) while it runs; at its
 * end the bids rank by price, then time, and win down the ranking (market/one_way.h): each
 * winner pays the lowest accepted bid (uniform) or its own (pay as bid).
 *
 * The offer and the bids are orders kept out of the book (orders.auction_id): the offer reserves
 * the seller's lowest qualifying serials when the auction opens, a bid its price and the largest
 * fee per credit; so every reservation is an order's, and `tanhui check` sees them as it sees
 * any. Neither can be cancelled or replaced. The settlement trades each award delivery versus
 * payment (both sides pay the maker's fee, as in a call auction; benefit shares paid), then
 * expires what is left of the offer and of every bid, giving it back. The engine settles an
 * auction by itself at the first batch after its end (a command of its own, "by":"clock"), or
 * the operator does (`auction settle`, after the end only). Its trades are marked `auction`:
 * in the volume, not in the day's VWAP. */
#ifndef TH_AUCTIONS_H
#define TH_AUCTIONS_H

#include "base/buf.h"
#include "base/cjson.h"
#include "base/err.h"
#include "store/db.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    const char *seller, *instrument;
    int64_t qty, reserve;  /* reserve in fen */
    const char *until;     /* ISO 8601 with its zone */
    const char *pricing;   /* "uniform" (NULL) or "pay-as-bid" */
    const char *auction;   /* bid, settle: the auction */
    const char *account;   /* bid: the bidder */
    int64_t price;         /* bid: fen */
} th_auction_new;

int th_auction_open(th_db *db, const th_auction_new *a, const char *now, th_buf *out,
                    th_cjson *ev, th_err *e) __attribute__((warn_unused_result));
int th_auction_bid(th_db *db, const th_auction_new *a, const char *now, th_buf *out,
                   th_cjson *ev, th_err *e) __attribute__((warn_unused_result));
/* by_clock: the engine's settlement at the end (else the operator's, refused before it). */
int th_auction_settle(th_db *db, const char *auction, bool by_clock, const char *now,
                      th_buf *out, th_cjson *ev, th_err *e) __attribute__((warn_unused_result));
/* The open auctions whose end has come at now, oldest end first; *ids malloc'd (free it). */
int th_auctions_due(th_db *db, const char *now, int64_t **ids, size_t *n, th_err *e)
    __attribute__((warn_unused_result));
/* One auction with its bids; {"auctions": [...]} newest first. */
int th_auction_json(th_db *db, const char *auction, th_buf *out, th_err *e)
    __attribute__((warn_unused_result));
int th_auctions_json(th_db *db, const char *arg, th_buf *out, th_err *e)
    __attribute__((warn_unused_result));

#endif
