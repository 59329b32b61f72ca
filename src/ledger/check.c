/* check.c — the registry's invariants, recomputed from the rows. */
#include "ledger/check.h"

#include "base/json.h"

#include <stdio.h>
#include <string.h>

/* Run a query whose rows are violations; the first row's columns describe it. */
static int none(th_db *db, const char *sql, const char *what, th_err *e)
{
    sqlite3_stmt *st;
    if (th_db_prepare(db, sql, &st, e))
        return -1;
    int r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        char detail[300] = "";
        size_t n = 0;
        for (int i = 0; i < sqlite3_column_count(st) && n < sizeof detail - 40; i++) {
            int w = snprintf(detail + n, sizeof detail - n, "%s%s=%s", i ? ", " : "",
                             sqlite3_column_name(st, i),
                             sqlite3_column_text(st, i) ? (const char *)sqlite3_column_text(st, i)
                                                        : "null");
            if (w > 0)
                n += (size_t)w;
        }
        sqlite3_finalize(st);
        th_fail(e, TH_EINPUT, "%s (%s)", what, detail);
        return 1;
    }
    sqlite3_finalize(st);
    return r == SQLITE_DONE ? 0 : th_db_fail(db, "cannot check", e);
}

static int64_t scalar(th_db *db, const char *sql)
{
    sqlite3_stmt *st;
    th_err e;
    int64_t v = 0;
    if (th_db_prepare(db, sql, &st, &e) == 0) {
        if (sqlite3_step(st) == SQLITE_ROW)
            v = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    return v;
}

int th_registry_check(th_db *db, th_buf *out, th_err *e)
{
    static const struct {
        const char *what, *sql;
    } checks[] = {
        {"invariant 4: a block holds no credit", "SELECT id, first, last FROM blocks WHERE first > last OR first < 1"},
        {"invariant 1: an issuance's blocks do not add up to it",
         "SELECT i.id AS issuance, i.quantity, coalesce(sum(b.last - b.first + 1), 0) AS in_blocks"
         " FROM issuances i LEFT JOIN blocks b ON b.issuance_id = i.id GROUP BY i.id"
         " HAVING i.quantity <> coalesce(sum(b.last - b.first + 1), 0)"},
        {"invariant 1: a block lies outside its issuance's serial range",
         "SELECT b.id AS block, b.first, b.last, i.first AS issued_first, i.last AS issued_last"
         " FROM blocks b JOIN issuances i ON i.id = b.issuance_id"
         " WHERE b.first < i.first OR b.last > i.last OR i.first IS NULL"},
        {"invariant 2: two blocks overlap",
         "SELECT id AS block, first, last, next_first FROM (SELECT id, first, last,"
         " lead(first) OVER (ORDER BY first) AS next_first FROM blocks) WHERE next_first <= last"},
        {"invariant 2: issuances share serials",
         "SELECT id AS issuance, first, last, next_first FROM (SELECT id, first, last,"
         " lead(first) OVER (ORDER BY first) AS next_first FROM issuances WHERE first IS NOT NULL)"
         " WHERE next_first <= last"},
        {"invariant 2: the next serial number is not past every issued one",
         "SELECT m.value AS next_serial, (SELECT max(last) FROM blocks) AS last_issued FROM meta m"
         " WHERE m.key = 'next_serial' AND m.value <= (SELECT coalesce(max(last), 0) FROM blocks)"},
        {"invariant 3: a block's state and its retirement or cancellation disagree",
         "SELECT id AS block, state, retirement_id, cancellation_id FROM blocks WHERE"
         " (state = 'retired') <> (retirement_id IS NOT NULL) OR"
         " (state = 'cancelled') <> (cancellation_id IS NOT NULL)"},
        {"invariant 3: a block is retired by something that is not a retirement",
         "SELECT b.id AS block, m.id AS move, m.kind FROM blocks b JOIN moves m"
         " ON m.id = b.retirement_id WHERE m.kind <> 'retirement'"},
        {"invariant 3: a retirement's ranges and its retired blocks differ",
         "SELECT m.id AS retirement, m.quantity,"
         " (SELECT coalesce(sum(last - first + 1), 0) FROM move_parts p WHERE p.move_id = m.id) AS ranges,"
         " (SELECT coalesce(sum(last - first + 1), 0) FROM blocks b WHERE b.retirement_id = m.id) AS retired"
         " FROM moves m WHERE m.kind = 'retirement' AND NOT (m.quantity ="
         " (SELECT coalesce(sum(last - first + 1), 0) FROM move_parts p WHERE p.move_id = m.id) AND"
         " m.quantity = (SELECT coalesce(sum(last - first + 1), 0) FROM blocks b"
         " WHERE b.retirement_id = m.id))"},
        {"invariant 3: a retired range is not retired",
         "SELECT p.move_id AS retirement, p.first, p.last FROM move_parts p JOIN moves m"
         " ON m.id = p.move_id AND m.kind = 'retirement' WHERE NOT EXISTS (SELECT 1 FROM blocks b"
         " WHERE b.retirement_id = p.move_id AND b.first <= p.first AND b.last >= p.last)"},
        {"a move's ranges do not add up to its quantity",
         "SELECT m.id AS move, m.quantity, sum(p.last - p.first + 1) AS ranges FROM moves m"
         " LEFT JOIN move_parts p ON p.move_id = m.id GROUP BY m.id"
         " HAVING m.quantity <> coalesce(sum(p.last - p.first + 1), 0)"},
        {"a cancellation's blocks do not add up to it",
         "SELECT c.id AS cancellation, c.quantity, coalesce(sum(b.last - b.first + 1), 0) AS cancelled"
         " FROM cancellations c LEFT JOIN blocks b ON b.cancellation_id = c.id GROUP BY c.id"
         " HAVING c.quantity <> coalesce(sum(b.last - b.first + 1), 0)"},
        {"a project's outstanding reversal is not what its cancellations left",
         "SELECT p.id AS project, p.outstanding_reversal, coalesce(sum(c.outstanding), 0) AS left"
         " FROM projects p LEFT JOIN cancellations c ON c.project_id = p.id GROUP BY p.id"
         " HAVING p.outstanding_reversal <> coalesce(sum(c.outstanding), 0)"},
        {"invariant 4: a cash balance is negative or less than what it reserves",
         "SELECT account_id AS account, balance_fen, reserved_fen FROM cash"
         " WHERE balance_fen < 0 OR reserved_fen < 0 OR reserved_fen > balance_fen"},
        {"invariant 5: the cash balances do not add up to deposits less withdrawals",
         "SELECT balances, deposits_less_withdrawals FROM (SELECT"
         " (SELECT coalesce(sum(balance_fen), 0) FROM cash) AS balances,"
         " (SELECT coalesce(sum(CASE kind WHEN 'deposit' THEN amount_fen ELSE -amount_fen END), 0)"
         " FROM cash_moves) AS deposits_less_withdrawals)"
         " WHERE balances <> deposits_less_withdrawals"},
        {"an account's cash is not its deposits, withdrawals, trades, fees and payouts",
         "SELECT account, sum(amount) AS unexplained_fen FROM ("
         " SELECT account_id AS account, CASE kind WHEN 'deposit' THEN amount_fen"
         "  ELSE -amount_fen END AS amount FROM cash_moves"
         " UNION ALL SELECT seller_id, price_fen * qty - seller_fee_fen FROM trades"
         " UNION ALL SELECT buyer_id, -(price_fen * qty + buyer_fee_fen) FROM trades"
         " UNION ALL SELECT (SELECT id FROM accounts WHERE kind = 'fees' ORDER BY id LIMIT 1),"
         "  buyer_fee_fen + seller_fee_fen FROM trades"
         " UNION ALL SELECT account_id, amount_fen FROM payouts"
         " UNION ALL SELECT t.seller_id, -p.amount_fen FROM payouts p JOIN trades t"
         "  ON t.id = p.trade_id"
         " UNION ALL SELECT account_id, -balance_fen FROM cash)"
         " GROUP BY account HAVING sum(amount) <> 0"},
        {"a block's reservation and its order disagree",
         "SELECT b.id AS block, b.state, b.order_id, o.status, o.side FROM blocks b"
         " LEFT JOIN orders o ON o.id = b.order_id"
         " WHERE (b.state = 'reserved') <> (b.order_id IS NOT NULL) OR (b.order_id IS NOT NULL"
         " AND (o.id IS NULL OR o.status <> 'open' OR o.side <> 'sell'"
         " OR o.account_id <> b.account_id))"},
        {"an open sell order's reserved credits are not what it has left",
         "SELECT o.id AS sell_order, o.qty - o.filled AS left,"
         " coalesce(sum(b.last - b.first + 1), 0) AS reserved FROM orders o"
         " LEFT JOIN blocks b ON b.account_id = o.account_id AND b.state = 'reserved'"
         " AND b.order_id = o.id WHERE o.side = 'sell' AND o.status = 'open'"
         " GROUP BY o.id HAVING o.qty - o.filled <> coalesce(sum(b.last - b.first + 1), 0)"},
        {"a buy order's reservation is not its price and largest fee per credit left",
         /* per credit: the price and the higher fee on it, rounded up (orders.c, per_credit) */
         "SELECT buy_order, status, reserved_fen, expected FROM (SELECT o.id AS buy_order,"
         " o.status, o.reserved_fen, CASE WHEN o.status = 'open' AND o.side = 'buy' THEN"
         " (o.qty - o.filled) * (o.price_fen + o.price_fen / 10000 * max(i.maker_fee_bps,"
         " i.taker_fee_bps) + (o.price_fen % 10000 * max(i.maker_fee_bps, i.taker_fee_bps)"
         " + 9999) / 10000) ELSE 0 END AS expected FROM orders o JOIN instruments i"
         " ON i.id = o.instrument_id) WHERE reserved_fen <> expected"},
        {"an account's reserved cash is not what its open buy orders reserve",
         "SELECT account, sum(amount) AS unexplained_fen FROM ("
         " SELECT account_id AS account, reserved_fen AS amount FROM cash"
         " UNION ALL SELECT account_id, -reserved_fen FROM orders WHERE status = 'open')"
         " GROUP BY account HAVING sum(amount) <> 0"},
        {"an order's filled quantity is not what it traded",
         /* one pass over each table (a join on buy or sell order would be orders x trades) */
         "SELECT order_id, sum(q) AS unexplained FROM (SELECT id AS order_id, -filled AS q"
         " FROM orders UNION ALL SELECT buy_order_id, qty FROM trades"
         " WHERE buy_order_id IS NOT NULL UNION ALL SELECT sell_order_id, qty FROM trades"
         " WHERE sell_order_id IS NOT NULL) GROUP BY order_id HAVING sum(q) <> 0"},
        {"an order's status and what it has left disagree",
         "SELECT id AS order_id, status, qty, filled FROM orders"
         " WHERE (status = 'filled') <> (filled = qty)"},
        {"a one-way auction's offer is not the order it reserves its credits with",
         "SELECT a.id AS auction, a.status, o.id AS offer, o.status AS offer_status, o.filled,"
         " a.sold FROM auctions a LEFT JOIN orders o ON o.id = a.offer_order_id"
         " WHERE o.id IS NULL OR o.auction_id IS NOT a.id OR o.side <> 'sell'"
         " OR o.account_id <> a.seller_id OR o.qty <> a.qty OR o.price_fen <> a.reserve_fen"
         " OR o.instrument_id <> a.instrument_id"
         " OR (a.status = 'open') <> (o.status = 'open') OR o.filled <> a.sold"},
        {"a one-way auction's bids are not what it sold, or are still open after it",
         "SELECT a.id AS auction, a.status, a.sold, coalesce(sum(o.filled), 0) AS awarded,"
         " coalesce(sum(o.status = 'open'), 0) AS open_bids FROM auctions a"
         " LEFT JOIN orders o ON o.auction_id = a.id AND o.id <> a.offer_order_id"
         " GROUP BY a.id HAVING a.sold <> coalesce(sum(o.filled), 0)"
         " OR (a.status = 'settled' AND coalesce(sum(o.status = 'open'), 0) > 0)"
         " OR coalesce(sum(o.side <> 'buy'), 0) > 0"},
        {"a trade's serials do not add up to its quantity",
         "SELECT t.id AS trade, t.qty, coalesce(sum(p.last - p.first + 1), 0) AS delivered"
         " FROM trades t LEFT JOIN trade_parts p ON p.trade_id = t.id GROUP BY t.id"
         " HAVING t.qty <> coalesce(sum(p.last - p.first + 1), 0)"},
    };
    for (size_t i = 0; i < sizeof checks / sizeof *checks; i++) {
        int r = none(db, checks[i].sql, checks[i].what, e);
        if (r)
            return r;
    }
    int64_t issued = scalar(db, "SELECT coalesce(sum(quantity), 0) FROM issuances");
    int64_t in_blocks = scalar(db, "SELECT coalesce(sum(last - first + 1), 0) FROM blocks");
    if (issued != in_blocks) {
        th_fail(e, TH_EINPUT, "invariant 2: %lld credits were issued but the blocks hold %lld",
                (long long)issued, (long long)in_blocks);
        return 1;
    }
    th_json j;
    th_json_init(&j, out);
    th_json_obj_begin(&j);
    th_json_key(&j, "ok");
    th_json_bool(&j, true);
    th_json_key(&j, "accounts");
    th_json_int(&j, scalar(db, "SELECT count(*) FROM accounts"));
    th_json_key(&j, "projects");
    th_json_int(&j, scalar(db, "SELECT count(*) FROM projects"));
    th_json_key(&j, "issuances");
    th_json_int(&j, scalar(db, "SELECT count(*) FROM issuances"));
    th_json_key(&j, "blocks");
    th_json_int(&j, scalar(db, "SELECT count(*) FROM blocks"));
    th_json_key(&j, "issued");
    th_json_int(&j, issued);
    th_json_key(&j, "orders_open");
    th_json_int(&j, scalar(db, "SELECT count(*) FROM orders WHERE status = 'open'"));
    th_json_key(&j, "trades");
    th_json_int(&j, scalar(db, "SELECT count(*) FROM trades"));
    th_json_key(&j, "cash_fen");
    th_json_int(&j, scalar(db, "SELECT coalesce(sum(balance_fen), 0) FROM cash"));
    th_json_obj_end(&j);
    return 0;
}
