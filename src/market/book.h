/* book.h — the matching engine: one order book of one instrument (domain: market.md). Pure: no
 * I/O, no clock, single-threaded (the sequencer owns it).
 *
 * Prices are integer ticks and quantities integer lots, both > 0. Price-time priority; a trade
 * executes at the resting order's price. Every outcome is an event handed to the caller's
 * callback, in the order it happens, complete before the call returns:
 *   ACCEPTED  an order passed validation (before any trade it makes)
 *   TRADE     buy id, sell id, price, qty, aggressor ('B', 'S', or 'X' in an uncross)
 *   CANCELLED an order left the book or expired, with the quantity that was left
 *   REJECTED  a command failed validation (with the reason); nothing changed
 *   REPLACED  an order's price or quantity changed
 *
 * Invariants: each side's price levels are sorted, the best last and never empty (an emptied
 * level elsewhere may stay, empty, for reuse); each level's orders are in arrival order; the book
 * is never crossed in continuous trading; every live order is in the id index and in exactly one
 * level. Orders and levels come from pools that grow by doubling, so the steady state allocates
 * nothing. */
#ifndef TH_BOOK_H
#define TH_BOOK_H

#include <stdbool.h>
#include <stdint.h>

typedef enum { TH_BUY, TH_SELL } th_side;
typedef enum { TH_GTC, TH_IOC, TH_FOK, TH_POST } th_tif;
typedef enum { TH_STP_CANCEL_NEWEST, TH_STP_CANCEL_OLDEST, TH_STP_CANCEL_BOTH, TH_STP_OFF } th_stp;

typedef enum {
    TH_EV_ACCEPTED,
    TH_EV_TRADE,
    TH_EV_CANCELLED,
    TH_EV_REJECTED,
    TH_EV_REPLACED,
} th_event_type;

typedef enum {
    TH_REJ_BAD_QTY,
    TH_REJ_BAD_PRICE,
    TH_REJ_BAND,
    TH_REJ_DUPLICATE_ID,
    TH_REJ_UNKNOWN_ORDER,
    TH_REJ_POST_WOULD_CROSS,
    TH_REJ_PICK_DEPTH,
    TH_REJ_SELF_TRADE,
    TH_REJ_AUCTION,
} th_reject;

/* Why an order was cancelled (CANCELLED events). */
typedef enum {
    TH_WHY_USER,        /* a cancel command */
    TH_WHY_UNFILLED,    /* IOC, market or pick remainder; an unfillable FOK */
    TH_WHY_SELF_TRADE,  /* self-trade prevention */
} th_cancel_why;

typedef struct {
    th_event_type type;
    int64_t id;        /* the order (TRADE: the buy order) */
    int64_t sell_id;   /* TRADE */
    int64_t price;     /* TRADE */
    int64_t qty;       /* TRADE: traded; CANCELLED: left */
    char aggressor;    /* TRADE */
    th_reject reject;  /* REJECTED */
    th_cancel_why why; /* CANCELLED */
} th_book_event;

typedef void (*th_book_cb)(const th_book_event *ev, void *arg);

typedef struct {
    bool has_band;
    int64_t band_lo, band_hi; /* inclusive */
    th_stp stp;
    int pick_depth;           /* best N levels a pick may reach (default 5) */
    bool auction;             /* start in call-auction mode */
    int64_t ref_price;        /* reference for the uncross tie-break */
} th_book_config;

typedef struct th_book th_book;

/* The commands return 0 when accepted, -1 when rejected (the REJECTED event says why). The
 * callback must not call back into the book. */

th_book *th_book_new(const th_book_config *cfg, th_book_cb cb, void *arg);
void th_book_free(th_book *b);

int th_book_limit(th_book *b, int64_t id, int64_t account, th_side side, int64_t price,
                   int64_t qty, th_tif tif);
int th_book_market(th_book *b, int64_t id, int64_t account, th_side side, int64_t qty);
int th_book_cancel(th_book *b, int64_t id);
int th_book_replace(th_book *b, int64_t id, int64_t price, int64_t qty);
int th_book_pick(th_book *b, int64_t id, int64_t account, th_side side, int64_t qty,
                  int64_t resting_id);
/* Uncross the call auction at the price that maximises executed volume (ties: smallest
 * imbalance, then nearest the reference price, then the lower), then trade continuously. */
void th_book_uncross(th_book *b);

/* Inspection (tests, the exchange's book view). */
int64_t th_book_live_orders(const th_book *b);
bool th_book_has(const th_book *b, int64_t id);
/* Make room for n live orders up front, so that the order pool does not grow later (the id
 * index of sequential ids grows by pages as they come; other ids rehash as they need). */
void th_book_reserve(th_book *b, int64_t n);
bool th_book_in_auction(const th_book *b);
int th_book_levels(const th_book *b, th_side side);
/* The level `depth` from the best (0 = best) of a side: its price and total; false if none. */
bool th_book_level(const th_book *b, th_side side, int depth, int64_t *price, int64_t *total);

#endif
