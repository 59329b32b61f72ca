/* orders.h — orders, their reservations, and delivery versus payment (domain: market.md
 * "Settlement").
 *
 * An order is one command: checked (account, instrument, band, quantity), its reservation made
 * (冻结), put to the instrument's book, and every trade it makes settled, all in the command's
 * savepoint: a refused order changes nothing, and a trade never exists without its credits and
 * cash having moved.
 *
 * Reservations. A sell reserves its credits: the seller's lowest available serials of the
 * instrument's vintage (and project), marked `reserved` for the order. A buy reserves cash, per
 * credit its limit price plus the largest fee on one credit at that price (the higher of the
 * maker and taker fee, rounded up to the fen): per credit, since what a fill at any price up to
 * the limit costs, fee included, never exceeds it, so each fill takes exactly
 * qty x (price + per-credit fee) out of the reservation, pays what the trade costs, and returns
 * the rest (the price improvement and the unused fee) to available cash. A market order is
 * priced at the band's edge (the highest price a buy may pay, the lowest a sell may take) and
 * never rests (IOC, or FOK). When an order leaves the book (filled, cancelled, unfilled
 * remainder) what it still reserves is released, to the fen and to the serial.
 *
 * Settlement of a trade of q credits at price p (the resting order's): the seller's reserved
 * credits of the sell order go to the buyer, lowest serials first; the buyer pays p x q plus its
 * fee, the seller receives p x q less its fee; both fees (basis points of p x q, rounded up to the
 * fen: the taker's rate for the aggressor, the maker's for the resting side) go to the fees
 * account. Cash only moves between accounts: invariant 5 holds through every trade.
 *
 * Functions run inside the engine's transaction. *touched says whether the instrument's book in
 * memory was changed: if the command then fails, the caller must drop that book (books.h). */
#ifndef TH_ORDERS_H
#define TH_ORDERS_H

#include "base/buf.h"
#include "base/cjson.h"
#include "base/err.h"
#include "exchange/books.h"
#include "exchange/instruments.h"
#include "ledger/accounts.h"
#include "store/db.h"
#include "store/page.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct {
    const char *account, *instrument; /* id or name; id or code */
    const char *side;                 /* "buy" or "sell" */
    const char *type;                 /* "limit" (NULL) or "market" */
    const char *tif;                  /* gtc (NULL), day, ioc, fok, post */
    int64_t price;                    /* fen; a market order has none (0) */
    int64_t qty;
} th_order_new;

int th_order_add(th_db *db, th_books *bk, const th_order_new *o, const char *now, th_buf *out,
                 th_cjson *ev, int64_t *touched, th_err *e) __attribute__((warn_unused_result));
/* Replace an open order's price (0: keep it) and the quantity it has left (qty): the same price
 * and no more keeps its place in the queue, anything else goes to the back (and may trade). Its
 * reservation follows: a buy's to what is left at the new price (more only if the cash is
 * available), a sell's credits handed to or from it. */
int th_order_replace(th_db *db, th_books *bk, const char *id, int64_t price, int64_t qty,
                     const char *now, th_buf *out, th_cjson *ev, int64_t *touched, th_err *e)
    __attribute__((warn_unused_result));
/* Pick (挂牌点选) qty credits of an open listing at its price, within the instrument's pick
 * depth from the best: the taker's order is an IOC for that listing alone. */
int th_order_pick(th_db *db, th_books *bk, const char *account, const char *listing, int64_t qty,
                  const char *now, th_buf *out, th_cjson *ev, int64_t *touched, th_err *e)
    __attribute__((warn_unused_result));
int th_order_cancel(th_db *db, th_books *bk, const char *id, const char *now, th_buf *out,
                    th_cjson *ev, int64_t *touched, th_err *e)
    __attribute__((warn_unused_result));

/* Settle what the instrument's book did since its events were cleared (a session's uncross, or
 * its expiries): trades as the orders' trades are, orders that left the book marked
 * cancel_status ("cancelled", "expired"); trades and released (event arrays, or NULL) get them,
 * *ntrades how many trades there were. */
int th_orders_settle(th_db *db, th_books *bk, const th_instrument *in, const char *now,
                     const char *cancel_status, th_cjson *trades, th_cjson *released,
                     int64_t *ntrades, th_err *e) __attribute__((warn_unused_result));

/* A trade outside the book (a block trade): qty credits of the seller's lowest qualifying
 * available serials to the buyer at price, paid from the buyer's available cash; the buyer pays
 * the taker's fee, the seller the maker's; the seller's benefit shares paid. */
int th_trade_direct(th_db *db, const th_instrument *in, int64_t buyer, int64_t seller,
                    int64_t price, int64_t qty, const char *now, th_cjson *trades,
                    int64_t *trade_id, th_err *e) __attribute__((warn_unused_result));

/* Orders kept out of the book (a one-way auction's offer and bids). th_order_aside records one
 * open, with its reservation like any order's (a buy: price and the largest fee per credit,
 * from available cash; a sell: the lowest qualifying serials), in auction. th_orders_cross
 * trades a buy and a sell of them at price (both pay the maker's fee, as in a call auction;
 * the buy's reservation gives back what the price improved). th_order_end releases what an
 * open order has left and closes it with status (expired, cancelled); a closed one is left. */
int th_order_aside(th_db *db, const th_account *a, const th_instrument *in, bool buy,
                   int64_t price, int64_t qty, int64_t auction, const char *now, th_cjson *ev,
                   int64_t *id, th_err *e) __attribute__((warn_unused_result));
int th_orders_cross(th_db *db, const th_instrument *in, int64_t buy, int64_t sell,
                    int64_t price, int64_t qty, const char *now, th_cjson *trades, th_err *e)
    __attribute__((warn_unused_result));
int th_order_end(th_db *db, int64_t id, const char *status, const char *now, th_cjson *released,
                 th_err *e) __attribute__((warn_unused_result));

int th_trades_page_json(th_db *db, const char *instrument, const th_page *pg, th_buf *out,
                        th_err *e) __attribute__((warn_unused_result));
int th_orders_page_json(th_db *db, const char *account, const th_page *pg, th_buf *out,
                        th_err *e) __attribute__((warn_unused_result));

/* Reads. One order with its trades; an account's orders (newest first); an instrument's book
 * (open orders by price level, from the store); trades (newest first, all or one instrument's). */
int th_order_json(th_db *db, const char *id, th_buf *out, th_err *e)
    __attribute__((warn_unused_result));
int th_orders_json(th_db *db, const char *account, th_buf *out, th_err *e)
    __attribute__((warn_unused_result));
int th_book_view_json(th_db *db, const char *instrument, th_buf *out, th_err *e)
    __attribute__((warn_unused_result));
int th_trades_json(th_db *db, const char *instrument, th_buf *out, th_err *e)
    __attribute__((warn_unused_result));
/* Each trade after id `after`, oldest first: each(arg, id, instrument id, its JSON as one item
 * of the tape). */
typedef void (*th_trade_fn)(void *arg, int64_t id, int64_t instrument, const char *json);
int th_trades_since(th_db *db, int64_t after, th_trade_fn each, void *arg, th_err *e)
    __attribute__((warn_unused_result));

#endif
