/* order_rows.h — the orders' rows, read and written through the batch.
 *
 * An order's row changes several times in a batch: placed, reserved, filled by a trade, filled
 * again, cancelled. Each change written as it happens costs SQLite a statement (an order's
 * INSERT 24,600 instructions, an UPDATE 16,400). When the connection keeps rows
 * (th_db_keep_rows, set by the engine for the order commands: add, cancel, replace, pick) they
 * are kept with the writing connection and written once each, when the batch ends (th_order_rows_flush, before
 * the batch's log entries and commit): an order placed and filled in one batch is one INSERT.
 * Otherwise (every other command, and every caller outside the engine) each change is written at
 * once, as those commands read the orders table with SQL of their own.
 *
 * Invariants:
 * - th_order_rows_get gives an order as the batch last wrote it, kept or stored.
 * - Ids and priorities are handed out here, from the store's highest id and the priority counter
 *   kept in meta ('order_priority'), read again in every batch: a new order, and an order a
 *   replace sends to the back of its queue, take the next priority, so no two orders share one.
 * - A command that fails is undone by th_order_rows_rewind to the mark taken before it (the
 *   engine rolls its savepoint back at the same time); a rolled-back transaction empties the kept
 *   rows (th_db_kept), and the counters are read again.
 * - The rows are flushed before any statement reads the orders table: the engine flushes before
 *   every command that is not deferred, and before the first command after one that failed (its
 *   book was dropped, and loading it again reads the table). The trades and blocks that name an
 *   order kept here have no foreign key to orders (migration 25); `tanhui check` verifies them.
 */
#ifndef TH_ORDER_ROWS_H
#define TH_ORDER_ROWS_H

#include "base/err.h"
#include "store/db.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    int64_t id, instrument, account;
    bool buy;
    char type[8], tif[8], status[12];
    int64_t price, qty, filled, reserved;
    char created_at[32], closed_at[32]; /* closed_at: "" while open */
    int64_t auction; /* a one-way auction's offer or bid (kept out of the book); 0: none */
    int64_t priority;
} th_order_row;

/* The columns of an order's row, as th_order_row_from reads them from a statement's row. */
#define TH_ORDER_ROW_COLS                                                                          \
    "id, instrument_id, account_id, side = 'buy', type, tif, price_fen, qty, filled, status,"      \
    " reserved_fen, created_at, coalesce(closed_at, ''), coalesce(auction_id, 0), priority"
void th_order_row_from(sqlite3_stmt *st, th_order_row *o);
/* The order of this id: 0, or -1 with e set (TH_EINPUT when there is none). */
int th_order_rows_get(th_db *db, int64_t id, th_order_row *o, th_err *e)
    __attribute__((warn_unused_result));
/* A new order: o->id and o->priority are set to the next ones. */
int th_order_rows_add(th_db *db, th_order_row *o, th_err *e) __attribute__((warn_unused_result));
/* An order changed; to_back: it takes the next priority (o->priority is set). */
int th_order_rows_put(th_db *db, th_order_row *o, bool to_back, th_err *e)
    __attribute__((warn_unused_result));
/* Write every kept row and the priority counter; the next batch reads the store again. */
int th_order_rows_flush(th_db *db, th_err *e) __attribute__((warn_unused_result));
/* What is kept now, and forgetting what was kept since. */
size_t th_order_rows_mark(th_db *db);
void th_order_rows_rewind(th_db *db, size_t mark);

#endif
