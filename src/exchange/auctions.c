/* auctions.c — one-way auctions: opened, bid, settled. See auctions.h. */
#include "exchange/auctions.h"

#include "base/json.h"
#include "base/mem.h"
#include "base/num.h"
#include "exchange/calendar.h"
#include "exchange/cash.h"
#include "exchange/instruments.h"
#include "exchange/orders.h"
#include "ledger/accounts.h"
#include "market/one_way.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_DAYS = 31 }; /* the longest an auction runs */

typedef struct {
    int64_t id, instrument, seller, offer, qty, reserve, ends, sold, clearing;
    char pricing[12], ends_at[32], status[10], created_at[32], settled_at[32];
} auction_row;

static const char cols[] = "a.id, a.instrument_id, a.seller_id, coalesce(a.offer_order_id, 0),"
                           " a.qty, a.reserve_fen, a.ends, a.sold, coalesce(a.clearing_fen, 0),"
                           " a.pricing, a.ends_at, a.status, a.created_at,"
                           " coalesce(a.settled_at, ''), i.code";

static void row_from(sqlite3_stmt *st, auction_row *a)
{
    int64_t *v[] = {&a->id, &a->instrument, &a->seller, &a->offer, &a->qty,
                    &a->reserve, &a->ends, &a->sold, &a->clearing};
    for (int k = 0; k < 9; k++)
        *v[k] = sqlite3_column_int64(st, k);
    th_db_column_text(st, 9, a->pricing, sizeof a->pricing);
    th_db_column_text(st, 10, a->ends_at, sizeof a->ends_at);
    th_db_column_text(st, 11, a->status, sizeof a->status);
    th_db_column_text(st, 12, a->created_at, sizeof a->created_at);
    th_db_column_text(st, 13, a->settled_at, sizeof a->settled_at);
}

static int find(th_db *db, const char *ref, auction_row *a, th_err *e)
{
    int64_t id;
    if (th_parse_int64(ref, strlen(ref), 1, INT64_MAX, &id) != 0)
        return th_fail_at(e, TH_EINPUT, NULL, 0, "auction", ref, strlen(ref),
                          "an auction is named by its id, a whole number");
    char sql[400];
    snprintf(sql, sizeof sql, "SELECT %s FROM auctions a JOIN instruments i"
                              " ON i.id = a.instrument_id WHERE a.id = ?", cols);
    sqlite3_stmt *st;
    int r = th_db_find_row(db, sql, true, id, NULL, &st, e);
    if (r <= 0)
        return r < 0 ? -1
                     : th_fail_at(e, TH_EINPUT, NULL, 0, "auction", ref, strlen(ref),
                                  "no auction has this id");
    row_from(st, a);
    th_db_done(db, st);
    return 0;
}

static int trader(th_db *db, const char *ref, const char *role, th_account *a, th_err *e)
{
    if (th_account_find(db, ref ? ref : "", a, e))
        return -1;
    if (strcmp(a->kind, "buffer") == 0 || strcmp(a->kind, "fees") == 0)
        return th_fail_at(e, TH_EINPUT, NULL, 0, role, ref, strlen(ref),
                          "the registry's %s account does not trade", a->kind);
    return 0;
}

int th_auction_open(th_db *db, const th_auction_new *a, const char *now, th_buf *out,
                    th_cjson *ev, th_err *e)
{
    th_account seller;
    th_instrument in;
    if (trader(db, a->seller, "seller", &seller, e) ||
        th_instrument_find(db, a->instrument ? a->instrument : "", &in, e))
        return -1;
    if (a->qty < 1 || a->qty > INT64_C(999999999999999))
        return th_fail(e, TH_EINPUT, "an auction offers a whole number of credits, at least 1");
    const char *pricing = a->pricing ? a->pricing : "uniform";
    bool uniform = strcmp(pricing, "uniform") == 0;
    if (!uniform && strcmp(pricing, "pay-as-bid") != 0)
        return th_fail_at(e, TH_EINPUT, NULL, 0, "pricing", pricing, strlen(pricing),
                          "an auction's pricing is uniform or pay-as-bid");
    if (a->reserve <= 0 || a->reserve > TH_FEN_MAX)
        return th_fail(e, TH_EINPUT, "the reserve price must be more than 0");
    const char *until = a->until ? a->until : "";
    int64_t t, ends;
    if (th_clock_parse(now, &t, e))
        return -1;
    if (th_time_parse(until, &ends) != 0)
        return th_fail_at(e, TH_EINPUT, NULL, 0, "until", until, strlen(until),
                          "an auction's end is a time with its zone, like "
                          "2026-12-01T15:00+08:00 or 2026-12-01T07:00:00Z");
    if (ends <= t || ends > t + MAX_DAYS * 86400)
        return th_fail_at(e, TH_EINPUT, NULL, 0, "until", until, strlen(until),
                          "an auction ends after it opens (now %s), within %d days", now,
                          MAX_DAYS);
    char ends_at[32];
    th_utc_format(ends, ends_at);
    sqlite3_stmt *st;
    if (th_db_stmt(db, "INSERT INTO auctions (instrument_id, seller_id, qty, reserve_fen, pricing,"
                       " ends_at, ends, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'open',"
                       " ?) RETURNING id", &st, e))
        return -1;
    sqlite3_bind_int64(st, 1, in.id);
    sqlite3_bind_int64(st, 2, seller.id);
    sqlite3_bind_int64(st, 3, a->qty);
    sqlite3_bind_int64(st, 4, a->reserve);
    sqlite3_bind_text(st, 5, uniform ? "uniform" : "pay_as_bid", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, ends_at, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 7, ends);
    sqlite3_bind_text(st, 8, now, -1, SQLITE_STATIC);
    int r = sqlite3_step(st);
    int64_t id = r == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    th_db_done(db, st);
    if (r != SQLITE_ROW)
        return th_db_fail(db, "cannot record the auction", e);
    th_cjson_set_int(ev, "auction", id);
    th_cjson_set_int(ev, "seller", seller.id);
    th_cjson_set_int(ev, "instrument", in.id);
    th_cjson_set_int(ev, "qty", a->qty);
    th_cjson_set_int(ev, "reserve_fen", a->reserve);
    th_cjson_set_str(ev, "pricing", pricing);
    th_cjson_set_str(ev, "ends_at", ends_at);
    th_cjson *offer = ev ? th_cjson_object() : NULL;
    th_cjson_set(ev, "offer", offer);
    int64_t order;
    /* the offer: the seller's credits reserved now (refused, naming what it holds, if short) */
    if (th_order_aside(db, &seller, &in, false, a->reserve, a->qty, id, now, offer, &order, e))
        return -1;
    if (th_db_stmt(db, "UPDATE auctions SET offer_order_id = ? WHERE id = ?", &st, e))
        return -1;
    sqlite3_bind_int64(st, 1, order);
    sqlite3_bind_int64(st, 2, id);
    r = sqlite3_step(st);
    th_db_done(db, st);
    if (r != SQLITE_DONE)
        return th_db_fail(db, "cannot record the auction's offer", e);
    char ref[24];
    snprintf(ref, sizeof ref, "%lld", (long long)id);
    return th_auction_json(db, ref, out, e);
}

int th_auction_bid(th_db *db, const th_auction_new *a, const char *now, th_buf *out,
                   th_cjson *ev, th_err *e)
{
    auction_row au;
    th_account bidder;
    int64_t t;
    if (find(db, a->auction ? a->auction : "", &au, e) ||
        trader(db, a->account, "account", &bidder, e) || th_clock_parse(now, &t, e))
        return -1;
    if (strcmp(au.status, "open") != 0 || t >= au.ends)
        return th_fail_at(e, TH_EINPUT, NULL, 0, "auction", a->auction, strlen(a->auction),
                          "auction %lld ended at %s: it takes no more bids", (long long)au.id,
                          au.ends_at);
    if (bidder.id == au.seller)
        return th_fail_at(e, TH_EINPUT, NULL, 0, "account", a->account, strlen(a->account),
                          "the seller does not bid in its own auction");
    if (a->price < au.reserve) {
        char p[32], r[32];
        th_money_format(a->price > 0 ? a->price : 0, p);
        th_money_format(au.reserve, r);
        return th_fail_at(e, TH_EINPUT, NULL, 0, "price", p, strlen(p),
                          "a bid is at or above the reserve price, %s CNY", r);
    }
    if (a->qty < 1 || a->qty > au.qty)
        return th_fail(e, TH_EINPUT, "a bid is for 1 to %lld credits (the offer)",
                       (long long)au.qty);
    th_instrument in;
    if (th_instrument_get(db, au.instrument, &in, e))
        return -1;
    th_cjson_set_int(ev, "auction", au.id);
    int64_t order;
    if (th_order_aside(db, &bidder, &in, true, a->price, a->qty, au.id, now, ev, &order, e))
        return -1;
    char ref[24];
    snprintf(ref, sizeof ref, "%lld", (long long)order);
    return th_order_json(db, ref, out, e);
}

int th_auction_settle(th_db *db, const char *ref, bool by_clock, const char *now, th_buf *out,
                      th_cjson *ev, th_err *e)
{
    auction_row au;
    int64_t t;
    if (find(db, ref ? ref : "", &au, e) || th_clock_parse(now, &t, e))
        return -1;
    if (strcmp(au.status, "open") != 0)
        return th_fail_at(e, TH_EINPUT, NULL, 0, "auction", ref, strlen(ref),
                          "auction %lld is settled already", (long long)au.id);
    if (t < au.ends)
        return th_fail_at(e, TH_EINPUT, NULL, 0, "auction", ref, strlen(ref),
                          "auction %lld runs until %s: it is settled at its end",
                          (long long)au.id, au.ends_at);
    th_instrument in;
    if (th_instrument_get(db, au.instrument, &in, e))
        return -1;
    /* the bids in the order they came */
    sqlite3_stmt *st;
    if (th_db_stmt(db, "SELECT id, account_id, price_fen, qty FROM orders WHERE auction_id = ?"
                       " AND side = 'buy' AND status = 'open' ORDER BY id", &st, e))
        return -1;
    sqlite3_bind_int64(st, 1, au.id);
    th_bid *bids = NULL;
    size_t n = 0, cap = 0;
    int r;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? 2 * cap : 16;
            bids = th_xrealloc(bids, cap * sizeof *bids);
        }
        bids[n++] = (th_bid){sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
                             sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 3)};
    }
    th_db_done(db, st);
    if (r != SQLITE_DONE) {
        free(bids);
        return th_db_fail(db, "cannot read the auction's bids", e);
    }
    th_award *awards = th_xmalloc((n ? n : 1) * sizeof *awards);
    size_t nawards = 0;
    int64_t clearing = 0, sold = 0;
    int rc = th_one_way_auction(au.qty, au.reserve, bids, n,
                                strcmp(au.pricing, "uniform") == 0 ? TH_PRICE_UNIFORM
                                                                   : TH_PRICE_PAY_AS_BID,
                                awards, &nawards, &clearing, e);
    th_cjson *trades = th_cjson_set_array(ev, "trades"),
             *released = th_cjson_set_array(ev, "released");
    th_cjson_set_int(ev, "auction", au.id);
    th_cjson_set_str(ev, "by", by_clock ? "clock" : "hand");
    for (size_t i = 0; rc == 0 && i < nawards; i++) {
        rc = th_orders_cross(db, &in, awards[i].bid_id, au.offer, awards[i].price, awards[i].qty,
                             now, trades, e);
        sold += awards[i].qty;
    }
    /* what is left of the offer and of each bid goes back */
    if (rc == 0)
        rc = th_order_end(db, au.offer, "expired", now, released, e);
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = th_order_end(db, bids[i].id, "expired", now, released, e);
    free(bids);
    free(awards);
    if (rc)
        return -1;
    th_cjson_set_int(ev, "sold", sold);
    th_cjson_set_int(ev, "clearing_fen", clearing);
    if (th_db_stmt(db, "UPDATE auctions SET status = 'settled', sold = ?, clearing_fen = ?,"
                       " settled_at = ? WHERE id = ?", &st, e))
        return -1;
    sqlite3_bind_int64(st, 1, sold);
    if (sold)
        sqlite3_bind_int64(st, 2, clearing);
    else
        sqlite3_bind_null(st, 2);
    sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, au.id);
    r = sqlite3_step(st);
    th_db_done(db, st);
    if (r != SQLITE_DONE)
        return th_db_fail(db, "cannot record the settlement", e);
    return th_auction_json(db, ref, out, e);
}

int th_auctions_due(th_db *db, const char *now, int64_t **ids, size_t *n, th_err *e)
{
    *ids = NULL;
    *n = 0;
    int64_t t;
    if (th_clock_parse(now, &t, e))
        return -1;
    sqlite3_stmt *st;
    if (th_db_stmt(db, "SELECT id FROM auctions WHERE status = 'open' AND ends <= ?"
                       " ORDER BY ends, id", &st, e))
        return -1;
    sqlite3_bind_int64(st, 1, t);
    size_t cap = 0;
    int r;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? 2 * cap : 4;
            *ids = th_xrealloc(*ids, cap * sizeof **ids);
        }
        (*ids)[(*n)++] = sqlite3_column_int64(st, 0);
    }
    th_db_done(db, st);
    if (r == SQLITE_DONE)
        return 0;
    free(*ids);
    *ids = NULL;
    *n = 0;
    return th_db_fail(db, "cannot read the auctions", e);
}

/* The auction as JSON; its bids only once settled (sealed while it runs: their count and
 * quantity then). */
static void auction_item(th_db *db, sqlite3_stmt *st, th_buf *out)
{
    auction_row a;
    row_from(st, &a);
    bool open = strcmp(a.status, "open") == 0;
    th_json j;
    th_json_init(&j, out);
    th_json_obj_begin(&j);
    th_json_key(&j, "id");
    th_json_int(&j, a.id);
    th_json_key(&j, "instrument");
    th_json_str(&j, (const char *)sqlite3_column_text(st, 14));
    th_json_key(&j, "seller");
    th_json_int(&j, a.seller);
    th_json_key(&j, "offer_order");
    th_json_int(&j, a.offer);
    th_json_key(&j, "qty");
    th_json_int(&j, a.qty);
    th_json_key(&j, "reserve_fen");
    th_json_int(&j, a.reserve);
    th_money_field(&j, "reserve", a.reserve);
    th_json_key(&j, "pricing");
    th_json_str(&j, strcmp(a.pricing, "uniform") == 0 ? "uniform" : "pay-as-bid");
    th_json_key(&j, "ends_at");
    th_json_str(&j, a.ends_at);
    th_json_key(&j, "status");
    th_json_str(&j, a.status);
    th_json_key(&j, "sold");
    th_json_int(&j, a.sold);
    th_json_key(&j, "clearing_fen");
    if (a.sold)
        th_json_int(&j, a.clearing);
    else
        th_json_null(&j);
    th_json_key(&j, "created_at");
    th_json_str(&j, a.created_at);
    th_json_key(&j, "settled_at");
    if (open)
        th_json_null(&j);
    else
        th_json_str(&j, a.settled_at);
    sqlite3_stmt *b;
    th_err e;
    if (th_db_prepare(db, "SELECT id, account_id, price_fen, qty, filled, status FROM orders"
                          " WHERE auction_id = ? AND side = 'buy' ORDER BY id", &b, &e) != 0) {
        th_json_obj_end(&j);
        return;
    }
    sqlite3_bind_int64(b, 1, a.id);
    int64_t count = 0, qty = 0;
    if (!open) {
        th_json_key(&j, "bids");
        th_json_arr_begin(&j);
    }
    while (sqlite3_step(b) == SQLITE_ROW) {
        count++;
        qty += sqlite3_column_int64(b, 3);
        if (open)
            continue;
        th_json_obj_begin(&j);
        th_json_key(&j, "order");
        th_json_int(&j, sqlite3_column_int64(b, 0));
        th_json_key(&j, "account");
        th_json_int(&j, sqlite3_column_int64(b, 1));
        th_json_key(&j, "price_fen");
        th_json_int(&j, sqlite3_column_int64(b, 2));
        th_money_field(&j, "price", sqlite3_column_int64(b, 2));
        th_json_key(&j, "qty");
        th_json_int(&j, sqlite3_column_int64(b, 3));
        th_json_key(&j, "awarded");
        th_json_int(&j, sqlite3_column_int64(b, 4));
        th_json_key(&j, "status");
        th_json_str(&j, (const char *)sqlite3_column_text(b, 5));
        th_json_obj_end(&j);
    }
    sqlite3_finalize(b);
    if (!open)
        th_json_arr_end(&j);
    th_json_key(&j, "bid_count");
    th_json_int(&j, count);
    th_json_key(&j, "bid_qty");
    th_json_int(&j, qty);
    th_json_obj_end(&j);
}

int th_auction_json(th_db *db, const char *ref, th_buf *out, th_err *e)
{
    auction_row a;
    if (find(db, ref ? ref : "", &a, e))
        return -1;
    char sql[400];
    snprintf(sql, sizeof sql, "SELECT %s FROM auctions a JOIN instruments i"
                              " ON i.id = a.instrument_id WHERE a.id = ?", cols);
    sqlite3_stmt *st;
    if (th_db_prepare(db, sql, &st, e))
        return -1;
    sqlite3_bind_int64(st, 1, a.id);
    int r = sqlite3_step(st);
    if (r == SQLITE_ROW)
        auction_item(db, st, out);
    sqlite3_finalize(st);
    return r == SQLITE_ROW ? 0 : th_db_fail(db, "cannot read the auction", e);
}

int th_auctions_json(th_db *db, const char *arg, th_buf *out, th_err *e)
{
    (void)arg;
    char sql[400];
    snprintf(sql, sizeof sql, "SELECT %s FROM auctions a JOIN instruments i"
                              " ON i.id = a.instrument_id ORDER BY a.id DESC", cols);
    return th_db_json_list(db, sql, NULL, "auctions", "auctions", auction_item, out, e);
}
