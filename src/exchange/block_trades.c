/* block_trades.c — proposed, accepted, settled outside the book. See block_trades.h. */
#include "exchange/block_trades.h"

#include "base/json.h"
#include "base/num.h"
#include "exchange/cash.h"
#include "exchange/instruments.h"
#include "exchange/orders.h"
#include "exchange/schedule.h"
#include "ledger/accounts.h"

#include <stdio.h>
#include <string.h>

enum { BLOCK_BAND_BPS = 3000 };

static int party(th_db *db, const char *ref, const char *role, th_account *a, th_err *e)
{
    if (th_account_find(db, ref ? ref : "", a, e))
        return -1;
    if (strcmp(a->kind, "buffer") == 0 || strcmp(a->kind, "fees") == 0)
        return th_fail_at(e, TH_EINPUT, NULL, 0, role, ref, strlen(ref),
                          "the registry's %s account does not trade", a->kind);
    return 0;
}

/* The instrument open, the price within ±30 % of its reference, the quantity at least the
 * instrument's least, and (when the calendar drives it) the afternoon session. */
static int terms(th_db *db, const th_instrument *in, int64_t price, int64_t qty,
                 const char *now, th_err *e)
{
    if (strcmp(in->session, "open") != 0)
        return th_fail_at(e, TH_EINPUT, NULL, 0, "instrument", in->code, strlen(in->code),
                          "block trades are made while %s's session is open", in->code);
    th_instrument wide = *in;
    wide.band_bps = BLOCK_BAND_BPS;
    int64_t lo, hi;
    th_instrument_band(&wide, &lo, &hi);
    if (price < lo || price > hi) {
        char p[32], l[32], h[32];
        th_money_format(price, p);
        th_money_format(lo, l);
        th_money_format(hi, h);
        return th_fail_at(e, TH_EINPUT, NULL, 0, "price", p, strlen(p),
                          "a block trade's price is within ±30 %% of the reference: %s to %s "
                          "CNY", l, h);
    }
    if (qty <= 0)
        return th_fail(e, TH_EINPUT, "a block trade's quantity must be at least 1");
    return th_schedule_may_block(db, in, qty, now, e);
}

static const char cols[] = "b.id, i.code, b.seller_id, b.buyer_id, b.price_fen, b.qty, b.status,"
                           " b.trade_id, b.created_at, b.accepted_at";

static void block_item(th_db *db, sqlite3_stmt *st, th_buf *out)
{
    (void)db;
    th_json j;
    th_json_init(&j, out);
    th_json_obj_begin(&j);
    th_json_key(&j, "id");
    th_json_int(&j, sqlite3_column_int64(st, 0));
    th_json_key(&j, "instrument");
    th_json_str(&j, (const char *)sqlite3_column_text(st, 1));
    th_json_key(&j, "seller");
    th_json_int(&j, sqlite3_column_int64(st, 2));
    th_json_key(&j, "buyer");
    th_json_int(&j, sqlite3_column_int64(st, 3));
    th_json_key(&j, "price_fen");
    th_json_int(&j, sqlite3_column_int64(st, 4));
    th_money_field(&j, "price", sqlite3_column_int64(st, 4));
    th_json_key(&j, "qty");
    th_json_int(&j, sqlite3_column_int64(st, 5));
    th_json_key(&j, "status");
    th_json_str(&j, (const char *)sqlite3_column_text(st, 6));
    th_json_key(&j, "trade");
    if (sqlite3_column_type(st, 7) == SQLITE_NULL)
        th_json_null(&j);
    else
        th_json_int(&j, sqlite3_column_int64(st, 7));
    th_json_key(&j, "created_at");
    th_json_str(&j, (const char *)sqlite3_column_text(st, 8));
    th_json_obj_end(&j);
}

static int one_json(th_db *db, int64_t id, th_buf *out, th_err *e)
{
    char sql[300];
    snprintf(sql, sizeof sql, "SELECT %s FROM block_trades b JOIN instruments i"
                              " ON i.id = b.instrument_id WHERE b.id = ?1", cols);
    th_buf list;
    th_buf_init(&list);
    int rc = th_db_json_list(db, sql, &id, "b", "block trades", block_item, &list, e);
    if (rc == 0) /* {"b":[{...}]} -> {...} */
        th_buf_put(out, list.p + 6, list.len - 8);
    th_buf_free(&list);
    return rc;
}

int th_block_propose(th_db *db, const th_block_new *b, const char *now, th_buf *out,
                     th_cjson *ev, th_err *e)
{
    th_account seller, buyer;
    th_instrument in;
    if (party(db, b->seller, "seller", &seller, e) || party(db, b->buyer, "buyer", &buyer, e) ||
        th_instrument_find(db, b->instrument ? b->instrument : "", &in, e) ||
        terms(db, &in, b->price, b->qty, now, e))
        return -1;
    if (seller.id == buyer.id)
        return th_fail(e, TH_EINPUT, "a block trade needs two different accounts");
    sqlite3_stmt *st;
    if (th_db_stmt(db, "INSERT INTO block_trades (instrument_id, seller_id, buyer_id, price_fen,"
                       " qty, status, created_at) VALUES (?, ?, ?, ?, ?, 'proposed', ?)"
                       " RETURNING id", &st, e))
        return -1;
    sqlite3_bind_int64(st, 1, in.id);
    sqlite3_bind_int64(st, 2, seller.id);
    sqlite3_bind_int64(st, 3, buyer.id);
    sqlite3_bind_int64(st, 4, b->price);
    sqlite3_bind_int64(st, 5, b->qty);
    sqlite3_bind_text(st, 6, now, -1, SQLITE_STATIC);
    int r = sqlite3_step(st);
    int64_t id = r == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    th_db_done(db, st);
    if (r != SQLITE_ROW)
        return th_db_fail(db, "cannot record the block trade", e);
    th_cjson_set_int(ev, "block", id);
    th_cjson_set_int(ev, "instrument", in.id);
    th_cjson_set_int(ev, "seller", seller.id);
    th_cjson_set_int(ev, "buyer", buyer.id);
    th_cjson_set_int(ev, "price_fen", b->price);
    th_cjson_set_int(ev, "qty", b->qty);
    return one_json(db, id, out, e);
}

int th_block_accept(th_db *db, const char *ref, const char *buyer_ref, const char *now,
                    th_buf *out, th_cjson *ev, th_err *e)
{
    int64_t id;
    if (!ref || th_parse_int64(ref, strlen(ref), 1, INT64_MAX, &id))
        return th_fail_at(e, TH_EINPUT, NULL, 0, "block", ref ? ref : "", ref ? strlen(ref) : 0,
                          "a block trade is named by its id, a whole number");
    th_account buyer;
    if (party(db, buyer_ref, "buyer", &buyer, e))
        return -1;
    sqlite3_stmt *st;
    if (th_db_stmt(db, "SELECT instrument_id, seller_id, buyer_id, price_fen, qty, status"
                       " FROM block_trades WHERE id = ?", &st, e))
        return -1;
    sqlite3_bind_int64(st, 1, id);
    int r = sqlite3_step(st);
    int64_t iid = 0, seller = 0, want = 0, price = 0, qty = 0;
    char status[16] = "";
    if (r == SQLITE_ROW) {
        iid = sqlite3_column_int64(st, 0);
        seller = sqlite3_column_int64(st, 1);
        want = sqlite3_column_int64(st, 2);
        price = sqlite3_column_int64(st, 3);
        qty = sqlite3_column_int64(st, 4);
        th_db_column_text(st, 5, status, sizeof status);
    }
    th_db_done(db, st);
    if (r != SQLITE_ROW)
        return th_fail_at(e, TH_EINPUT, NULL, 0, "block", ref, strlen(ref),
                          "no block trade has this id");
    if (strcmp(status, "proposed") != 0)
        return th_fail_at(e, TH_EINPUT, NULL, 0, "block", ref, strlen(ref),
                          "block trade %lld is %s already", (long long)id, status);
    if (want != buyer.id)
        return th_fail_at(e, TH_EINPUT, NULL, 0, "buyer", buyer_ref, strlen(buyer_ref),
                          "block trade %lld was proposed to account %lld, not to %s",
                          (long long)id, (long long)want, buyer.name);
    th_instrument in;
    if (th_instrument_get(db, iid, &in, e) || terms(db, &in, price, qty, now, e))
        return -1;
    th_cjson_set_int(ev, "block", id);
    th_cjson_set_int(ev, "buyer", buyer.id);
    th_cjson *trades = th_cjson_set_array(ev, "trades");
    int64_t trade;
    if (th_trade_direct(db, &in, buyer.id, seller, price, qty, now, trades, &trade, e))
        return -1;
    if (th_db_stmt(db, "UPDATE block_trades SET status = 'accepted', trade_id = ?,"
                       " accepted_at = ? WHERE id = ?", &st, e))
        return -1;
    sqlite3_bind_int64(st, 1, trade);
    sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, id);
    r = sqlite3_step(st);
    th_db_done(db, st);
    if (r != SQLITE_DONE)
        return th_db_fail(db, "cannot record the block trade", e);
    return one_json(db, id, out, e);
}

int th_block_list_json(th_db *db, th_buf *out, th_err *e)
{
    char sql[300];
    snprintf(sql, sizeof sql, "SELECT %s FROM block_trades b JOIN instruments i"
                              " ON i.id = b.instrument_id ORDER BY b.id DESC", cols);
    return th_db_json_list(db, sql, NULL, "block_trades", "block trades", block_item, out, e);
}
