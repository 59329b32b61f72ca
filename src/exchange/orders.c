/* orders.c — orders, reservations, matching and settlement. See orders.h. */
#include "exchange/orders.h"

#include "base/json.h"
#include "base/mem.h"
#include "base/num.h"
#include "base/text.h"
#include "exchange/cash.h"
#include "exchange/instruments.h"
#include "exchange/order_rows.h"
#include "exchange/schedule.h"
#include "exchange/sharing.h"
#include "ledger/accounts.h"
#include "ledger/blocks.h"
#include "ledger/issuance.h"
#include "ledger/serial.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The most an order may be worth, reservation included: far past any market, far below where
 * int64 sums of fen could overflow. */
#define ORDER_FEN_MAX ((int64_t)1000000000000000000)

/* An order's row, read and written through the batch (order_rows.h). */
typedef th_order_row order_row;

static int order_find(th_db *db, const char *ref, order_row *o, th_err *e)
{
    int64_t id;
    if (th_parse_int64(ref, strlen(ref), 1, INT64_MAX, &id))
        return th_fail_at(e, TH_EINPUT, NULL, 0, "order", ref, strlen(ref),
                          "an order is named by its id, a whole number");
    return th_order_rows_get(db, id, o, e);
}

/* bps of notional, rounded up to the fen (no overflow for notional <= ORDER_FEN_MAX) */
static int64_t fee_of(int64_t notional, int bps)
{
    return notional / 10000 * bps + ((notional % 10000) * bps + 9999) / 10000;
}

/* What a buy reserves per credit at its limit price: the price and the largest fee on it. */
static int64_t per_credit(const th_instrument *in, int64_t price)
{
    int bps = in->maker_fee_bps > in->taker_fee_bps ? in->maker_fee_bps : in->taker_fee_bps;
    return price + fee_of(price, bps);
}

/* What a command's settlement writes as it goes: the fills (the answer's JSON) and the event. */
typedef struct {
    th_db *db;
    th_buf fills;    /* JSON values, comma separated */
    int nfills;
    th_cjson *trades; /* event array (NULL: no event) */
    th_cjson *released;
    int64_t trade;    /* settling this trade: its parts */
    th_cjson *parts;
    th_range *ranges; /* ... as delivered, a project's neighbours merged */
    size_t nranges, capranges;
    th_err *e;
    int rc;
} settling;

static void part_delivered(const th_range *r, void *arg)
{
    settling *s = arg;
    /* ranges of one project next to each other merge: the split needs only credits per project */
    if (s->nranges && s->ranges[s->nranges - 1].project == r->project) {
        s->ranges[s->nranges - 1].last += r->last - r->first + 1;
    } else {
        if (s->nranges == s->capranges) {
            s->capranges = s->capranges ? 2 * s->capranges : 8;
            s->ranges = th_xrealloc(s->ranges, s->capranges * sizeof *s->ranges);
        }
        s->ranges[s->nranges++] = *r;
    }
    th_event_range(s->parts, r->project, r->vintage, r->first, r->last, 0);
    if (s->rc)
        return;
    sqlite3_stmt *st;
    if (th_db_stmt(s->db, "INSERT INTO trade_parts (trade_id, project_id, vintage, first, last)"
                          " VALUES (?, ?, ?, ?, ?)", &st, s->e)) {
        s->rc = -1;
        return;
    }
    sqlite3_bind_int64(st, 1, s->trade);
    sqlite3_bind_int64(st, 2, r->project);
    sqlite3_bind_int(st, 3, r->vintage);
    sqlite3_bind_int64(st, 4, r->first);
    sqlite3_bind_int64(st, 5, r->last);
    int rc = sqlite3_step(st);
    th_db_done(s->db, st);
    if (rc != SQLITE_DONE)
        s->rc = th_db_fail(s->db, "cannot record the trade's serials", s->e);
}

/* An order's row after a fill or its end: filled, status, what it still reserves, and when it
 * closed. */
static int order_update(th_db *db, order_row *o, const char *now, th_err *e)
{
    th_text_copy(o->closed_at, sizeof o->closed_at, "", strcmp(o->status, "open") ? now : "");
    return th_order_rows_put(db, o, false, e);
}

/* An order leaves the book with `left` credits unfilled: it gives back what it reserves. */
static int release(settling *s, order_row *o, const char *status, const char *now, th_err *e)
{
    th_db *db = s->db;
    if (o->buy) {
        if (o->reserved && th_cash_change(db, o->account, 0, -o->reserved, e))
            return -1;
    } else if (o->qty > o->filled) {
        th_block_source src = {.account = o->account, .reserved = true, .order = o->id};
        th_block_dest dst = {.account = o->account};
        if (th_blocks_hand(db, &src, o->qty - o->filled, &dst, NULL, NULL, e))
            return -1;
    }
    if (s->released) {
        th_cjson *r = th_cjson_object();
        th_cjson_set_int(r, "order", o->id);
        th_cjson_set_int(r, "qty", o->qty - o->filled);
        if (o->buy)
            th_cjson_set_int(r, "reserved_fen", o->reserved);
        th_cjson_set_str(r, "status", status);
        th_cjson_push(s->released, r);
    }
    o->reserved = 0;
    th_text_copy(o->status, sizeof o->status, "", status);
    return order_update(db, o, now, e);
}

/* A trade between two accounts (its orders, 0 for none): its row, the serials from src to the
 * buyer (lowest first), the seller's benefit shares, and the cash: the buyer's balance less the
 * price and its fee (its reservation less buyer_reserved), the seller's plus the price less its
 * fee and the shares, the fees account's plus both fees. */
typedef struct {
    int64_t buyer, seller, buy_order, sell_order, price, qty;
    const char *aggressor; /* buy, sell, auction, block */
    int64_t buyer_fee, seller_fee;
    const th_block_source *src;
    int64_t buyer_reserved; /* taken from the buyer's reservation (0: paid from available) */
} trade_new;

/* 0, 1 when the source holds too few credits (e set), -1 on a store error. */
static int record_trade(settling *s, const th_instrument *in, const trade_new *tn,
                        const char *now, th_err *e)
{
    th_db *db = s->db;
    int64_t fees_account, notional = tn->price * tn->qty;
    if (th_fees_account(db, NULL, &fees_account, NULL, e))
        return -1;
    sqlite3_stmt *st;
    if (th_db_stmt(db, "INSERT INTO trades (instrument_id, buy_order_id, sell_order_id, buyer_id,"
                       " seller_id, price_fen, qty, aggressor, buyer_fee_fen, seller_fee_fen,"
                       " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   &st, e))
        return -1;
    sqlite3_bind_int64(st, 1, in->id);
    if (tn->buy_order)
        sqlite3_bind_int64(st, 2, tn->buy_order);
    if (tn->sell_order)
        sqlite3_bind_int64(st, 3, tn->sell_order);
    sqlite3_bind_int64(st, 4, tn->buyer);
    sqlite3_bind_int64(st, 5, tn->seller);
    sqlite3_bind_int64(st, 6, tn->price);
    sqlite3_bind_int64(st, 7, tn->qty);
    sqlite3_bind_text(st, 8, tn->aggressor, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 9, tn->buyer_fee);
    sqlite3_bind_int64(st, 10, tn->seller_fee);
    sqlite3_bind_text(st, 11, now, -1, SQLITE_STATIC);
    int r = sqlite3_step(st);
    s->trade = r == SQLITE_DONE ? sqlite3_last_insert_rowid(th_db_handle(db)) : 0;
    th_db_done(db, st);
    if (r != SQLITE_DONE)
        return th_db_fail(db, "cannot record the trade", e);
    th_cjson *t = NULL;
    if (s->trades) {
        t = th_cjson_object();
        th_cjson_set_int(t, "trade", s->trade);
        if (tn->buy_order)
            th_cjson_set_int(t, "buy_order", tn->buy_order);
        if (tn->sell_order)
            th_cjson_set_int(t, "sell_order", tn->sell_order);
        th_cjson_set_int(t, "buyer", tn->buyer);
        th_cjson_set_int(t, "seller", tn->seller);
        th_cjson_set_int(t, "price_fen", tn->price);
        th_cjson_set_int(t, "qty", tn->qty);
        th_cjson_set_int(t, "buyer_fee_fen", tn->buyer_fee);
        th_cjson_set_int(t, "seller_fee_fen", tn->seller_fee);
        s->parts = th_cjson_array();
        th_cjson_set(t, "blocks", s->parts);
        th_cjson_push(s->trades, t);
    }
    th_block_dest dst = {.account = tn->buyer};
    s->rc = 0;
    s->e = e;
    s->nranges = 0;
    int handed = th_blocks_hand(db, tn->src, tn->qty, &dst, part_delivered, s, e);
    if (handed || s->rc)
        return handed > 0 ? 1 : -1;
    /* benefit sharing: the owner's net proceeds of its projects' credits to their beneficiaries */
    th_cjson *payouts = t ? th_cjson_array() : NULL;
    int64_t paid;
    if (th_share_proceeds(db, s->trade, tn->seller, notional - tn->seller_fee, s->ranges,
                          s->nranges, now, payouts, &paid, e))
        return -1;
    if (t)
        th_cjson_set(t, "payouts", payouts);
    if (th_cash_change(db, tn->buyer, -(notional + tn->buyer_fee), -tn->buyer_reserved, e) ||
        th_cash_change(db, tn->seller, notional - tn->seller_fee - paid, 0, e) ||
        (tn->buyer_fee + tn->seller_fee > 0 &&
         th_cash_change(db, fees_account, tn->buyer_fee + tn->seller_fee, 0, e)))
        return -1;
    return 0;
}

/* One trade of the book: credits and cash move, fees are paid, both orders are brought up to
 * date. */
static int settle(settling *s, const th_instrument *in, const th_book_event *ev, const char *now,
                  th_err *e)
{
    th_db *db = s->db;
    order_row buy, sell;
    if (th_order_rows_get(s->db, ev->id, &buy, e) ||
        th_order_rows_get(s->db, ev->sell_id, &sell, e))
        return -1;
    int64_t p = ev->price, q = ev->qty, notional = p * q;
    /* the aggressor pays the taker's rate; in the call auction's uncross nobody takes */
    bool buyer_takes = ev->aggressor == 'B', seller_takes = ev->aggressor == 'S';
    int64_t buyer_fee = fee_of(notional, buyer_takes ? in->taker_fee_bps : in->maker_fee_bps);
    int64_t seller_fee = fee_of(notional, seller_takes ? in->taker_fee_bps : in->maker_fee_bps);
    /* the credits: the sell order's reserved serials; the cash: from the buyer's reservation */
    th_block_source src = {.account = sell.account, .reserved = true, .order = sell.id};
    int64_t taken = q * per_credit(in, buy.price);
    trade_new tn = {.buyer = buy.account, .seller = sell.account, .buy_order = buy.id,
                    .sell_order = sell.id, .price = p, .qty = q,
                    .aggressor = buyer_takes ? "buy" : seller_takes ? "sell" : "auction",
                    .buyer_fee = buyer_fee, .seller_fee = seller_fee, .src = &src,
                    .buyer_reserved = taken};
    if (record_trade(s, in, &tn, now, e)) /* too few reserved: the store is inconsistent */
        return -1;
    buy.filled += q;
    buy.reserved -= taken;
    sell.filled += q;
    for (order_row *o = &buy; o; o = o == &buy ? &sell : NULL) {
        if (o->filled == o->qty) {
            /* a filled buy gives back what its reservation kept beyond what it paid */
            if (o->buy && o->reserved && th_cash_change(db, o->account, 0, -o->reserved, e))
                return -1;
            o->reserved = 0;
            th_text_copy(o->status, sizeof o->status, "", "filled");
        }
        if (order_update(db, o, now, e))
            return -1;
    }
    /* the fill as the answer shows it: from the point of view of the command's order */
    th_json j;
    th_json_init(&j, &s->fills);
    if (s->nfills++)
        th_buf_putc(&s->fills, ',');
    th_json_obj_begin(&j);
    th_json_key(&j, "trade");
    th_json_int(&j, s->trade);
    th_json_key(&j, "buy_order");
    th_json_int(&j, buy.id);
    th_json_key(&j, "sell_order");
    th_json_int(&j, sell.id);
    th_json_key(&j, "price_fen");
    th_json_int(&j, p);
    th_money_field(&j, "price", p);
    th_json_key(&j, "qty");
    th_json_int(&j, q);
    th_json_key(&j, "buyer_fee_fen");
    th_json_int(&j, buyer_fee);
    th_json_key(&j, "seller_fee_fen");
    th_json_int(&j, seller_fee);
    th_json_obj_end(&j);
    return 0;
}

/* Settle the book's events of the command in hand, in order. */
static int apply_events(settling *s, th_books *bk, const th_instrument *in, const char *now,
                        const char *cancel_status, th_err *e)
{
    size_t n;
    const th_book_event *evs = th_books_events(bk, &n);
    /* settle() may not add events, but copy them: the array is the books' */
    th_book_event *copy = malloc((n ? n : 1) * sizeof *copy);
    if (!copy)
        return th_fail(e, TH_EINTERNAL, "out of memory");
    if (n)
        memcpy(copy, evs, n * sizeof *copy);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        const th_book_event *ev = &copy[i];
        if (ev->type == TH_EV_TRADE) {
            rc = settle(s, in, ev, now, e);
        } else if (ev->type == TH_EV_CANCELLED) {
            order_row o;
            rc = th_order_rows_get(s->db, ev->id, &o, e);
            if (rc == 0)
                rc = release(s, &o, cancel_status, now, e);
        }
    }
    free(copy);
    return rc;
}

static const char *reject_reason(th_reject r)
{
    switch (r) {
    case TH_REJ_BAD_QTY: return "the quantity is not a whole number of credits above 0";
    case TH_REJ_BAD_PRICE: return "the price is not above 0";
    case TH_REJ_BAND: return "the price is outside the band";
    case TH_REJ_DUPLICATE_ID: return "an order of this id is in the book already";
    case TH_REJ_UNKNOWN_ORDER: return "the order is not in the book";
    case TH_REJ_POST_WOULD_CROSS: return "a post-only order would trade on arrival";
    case TH_REJ_PICK_DEPTH: return "the listing is beyond the pick depth";
    case TH_REJ_SELF_TRADE: return "the order would trade with the same account";
    case TH_REJ_AUCTION: return "not allowed during the call auction";
    }
    return "refused by the book";
}

/* The order as answered: its row, what it reserves, and the fills of this command. */
static void order_answer(const order_row *o, const th_instrument *in, const char *fills,
                         th_buf *out)
{
    th_json j;
    th_json_init(&j, out);
    th_json_obj_begin(&j);
    th_json_key(&j, "id");
    th_json_int(&j, o->id);
    th_json_key(&j, "instrument");
    th_json_str(&j, in ? in->code : "");
    th_json_key(&j, "account");
    th_json_int(&j, o->account);
    th_json_key(&j, "side");
    th_json_str(&j, o->buy ? "buy" : "sell");
    th_json_key(&j, "type");
    th_json_str(&j, o->type);
    th_json_key(&j, "tif");
    th_json_str(&j, o->tif);
    th_json_key(&j, "price_fen");
    th_json_int(&j, o->price);
    th_money_field(&j, "price", o->price);
    th_json_key(&j, "qty");
    th_json_int(&j, o->qty);
    th_json_key(&j, "filled");
    th_json_int(&j, o->filled);
    th_json_key(&j, "remaining");
    th_json_int(&j, o->status[0] == 'o' ? o->qty - o->filled : 0);
    th_json_key(&j, "status");
    th_json_str(&j, o->status);
    th_json_key(&j, "reserved_fen");
    th_json_int(&j, o->reserved);
    th_json_key(&j, "auction");
    if (o->auction)
        th_json_int(&j, o->auction);
    else
        th_json_null(&j);
    th_json_key(&j, "created_at");
    th_json_str(&j, o->created_at);
    th_json_key(&j, "closed_at");
    if (o->closed_at[0])
        th_json_str(&j, o->closed_at);
    else
        th_json_null(&j);
    th_json_key(&j, "fills");
    th_json_arr_begin(&j);
    if (fills && *fills)
        th_json_raw(&j, fills, strlen(fills));
    th_json_arr_end(&j);
    th_json_obj_end(&j);
}

/* -1 with e set when price is outside the instrument's band. */
static int band_refuses(const th_instrument *in, int64_t price, th_err *e)
{
    int64_t lo, hi;
    th_instrument_band(in, &lo, &hi);
    if (price >= lo && price <= hi)
        return 0;
    char p[32], l[32], h[32];
    th_money_format(price, p);
    th_money_format(lo, l);
    th_money_format(hi, h);
    return th_fail_at(e, TH_EINPUT, NULL, 0, "price", p, strlen(p),
                      "the price is outside %s's band today: %s to %s CNY (reference price ± "
                      "%d.%02d %%)", in->code, l, h, in->band_bps / 100, in->band_bps % 100);
}

/* An order's instrument (by its id), open for orders: not closed. */
static int trading_instrument(th_db *db, int64_t id, th_instrument *in, th_err *e)
{
    if (th_instrument_get(db, id, in, e))
        return -1;
    if (strcmp(in->session, "closed") == 0)
        return th_fail_at(e, TH_EINPUT, NULL, 0, "instrument", in->code, strlen(in->code),
                          "%s's session is closed: orders are taken in the pre-open and while "
                          "it is open", in->code);
    return 0;
}

static void reserved_range(const th_range *r, void *arg)
{
    th_event_range(arg, r->project, r->vintage, r->first, r->last, 0);
}

/* After the book has acted on an order: settle what it did, then answer with the order and this
 * command's fills; the event gets the trades, what was released, the status and the fills. */
static int conclude(th_db *db, th_books *bk, const th_instrument *in, int64_t id,
                    const char *now, th_buf *out, th_cjson *ev, th_err *e)
{
    settling s = {.db = db};
    th_buf_init(&s.fills);
    s.trades = th_cjson_set_array(ev, "trades"); /* NULL without an event */
    s.released = th_cjson_set_array(ev, "released");
    int rc = apply_events(&s, bk, in, now, "cancelled", e);
    order_row done;
    if (rc == 0)
        rc = th_order_rows_get(db, id, &done, e);
    if (rc == 0) {
        th_cjson_set_str(ev, "status", done.status);
        th_cjson_set_int(ev, "filled", done.filled);
        order_answer(&done, in, s.fills.p, out);
    }
    th_buf_free(&s.fills);
    free(s.ranges);
    return rc;
}

/* Refuse an order of a one-way auction: it is settled at the auction's end, never in the book. */
static int aside(const order_row *o, const char *ref, const char *verb, th_err *e)
{
    if (!o->auction)
        return 0;
    return th_fail_at(e, TH_EINPUT, NULL, 0, "order", ref, strlen(ref),
                      "order %lld is the %s of one-way auction %lld: it cannot be %s, it is "
                      "settled at the auction's end", (long long)o->id,
                      o->buy ? "bid" : "offer", (long long)o->auction, verb);
}

/* An order the command names, open, and its instrument open for orders. */
static int open_order(th_db *db, const char *ref, const char *what, const char *verb,
                      order_row *o, th_instrument *in, th_err *e)
{
    if (order_find(db, ref ? ref : "", o, e))
        return -1;
    if (strcmp(o->status, "open") != 0)
        return th_fail_at(e, TH_EINPUT, NULL, 0, what, ref, strlen(ref),
                          "order %lld is %s: only an open %s can be %s", (long long)o->id,
                          o->status, strcmp(what, "listing") == 0 ? "listing" : "order", verb);
    if (aside(o, ref, verb, e))
        return -1;
    return trading_instrument(db, o->instrument, in, e);
}

/* Record an open order and its reservation: a buy's `need` of cash, a sell's lowest qualifying
 * serials (refused, naming what the account holds, when it has too few). auction: the one-way
 * auction the order belongs to (0: none). */
static int place(th_db *db, const th_account *a, const th_instrument *in, bool buy,
                 const char *type, const char *tif, int64_t price, int64_t qty, int64_t need,
                 int64_t auction, const char *now, th_cjson *ev, int64_t *out_id, th_err *e)
{
    order_row o = {.instrument = in->id, .account = a->id, .buy = buy, .price = price, .qty = qty,
                   .reserved = need, .auction = auction};
    th_text_copy(o.type, sizeof o.type, "", type);
    th_text_copy(o.tif, sizeof o.tif, "", tif);
    th_text_copy(o.status, sizeof o.status, "", "open");
    th_text_copy(o.created_at, sizeof o.created_at, "", now);
    if (th_order_rows_add(db, &o, e))
        return -1;
    int64_t id = o.id;
    *out_id = id;

    /* the event: the input as resolved, then what the order did */
    th_cjson_set_int(ev, "order", id);
    th_cjson_set_int(ev, "account", a->id);
    th_cjson_set_int(ev, "instrument", in->id);
    th_cjson_set_str(ev, "side", buy ? "buy" : "sell");
    th_cjson_set_str(ev, "order_type", type);
    th_cjson_set_str(ev, "tif", tif);
    if (strcmp(type, "market") != 0)
        th_cjson_set_int(ev, "price_fen", price);
    th_cjson_set_int(ev, "qty", qty);
    if (buy) {
        if (th_cash_change(db, a->id, 0, need, e))
            return -1;
        th_cjson_set_int(ev, "reserved_fen", need);
    } else {
        th_cjson *ranges = th_cjson_set_array(ev, "reserved_blocks");
        th_block_source src = {.account = a->id, .project = in->project, .vintage = in->vintage,
                               .t_plus_one = in->t_plus_one, .bought_after = in->session_from};
        th_block_dest dst = {.account = a->id, .reserved = true, .order = id};
        int handed =
            th_blocks_hand(db, &src, qty, &dst, ranges ? reserved_range : NULL, ranges, e);
        if (handed < 0)
            return -1;
        if (handed > 0) {
            /* short: say what the account holds (the savepoint undoes what was reserved) */
            int64_t have = 0, mine = 0, sellable = 0;
            th_err ignored;
            th_block_source held = {.account = a->id, .project = in->project,
                                    .vintage = in->vintage};
            th_block_source taken = {.account = a->id, .reserved = true, .order = id};
            if (th_blocks_count(db, &held, &have, &ignored) != 0 ||
                th_blocks_count(db, &taken, &mine, &ignored) != 0 ||
                th_blocks_count(db, &src, &sellable, &ignored) != 0)
                return -1;
            if (in->t_plus_one && have + mine >= qty)
                return th_fail(e, TH_EINPUT, "insufficient credits: %s holds %lld available "
                                             "credits of vintage %d, but %lld of them were "
                                             "bought in this session and %s is T+1: they can "
                                             "be sold from the next session", a->name,
                               (long long)(have + mine), in->vintage,
                               (long long)(have - sellable), in->code);
            return th_fail(e, TH_EINPUT, "insufficient credits: %s holds %lld available "
                                         "credits of vintage %d%s, not %lld", a->name,
                           (long long)(have + mine), in->vintage,
                           in->project ? " of the instrument's project" : "", (long long)qty);
        }
    }

    return 0;
}

/* An order, or (listing > 0) a pick of that listing. */
static int add_order(th_db *db, th_books *bk, const th_order_new *o, int64_t listing,
                     const char *now, th_buf *out, th_cjson *ev, int64_t *touched, th_err *e)
{
    *touched = 0;
    th_account a;
    if (th_account_find(db, o->account ? o->account : "", &a, e))
        return -1;
    if (strcmp(a.kind, "buffer") == 0 || strcmp(a.kind, "fees") == 0)
        return th_fail_at(e, TH_EINPUT, NULL, 0, "account", o->account, strlen(o->account),
                          "the registry's %s account does not trade", a.kind);
    th_instrument in;
    if (th_instrument_find(db, o->instrument ? o->instrument : "", &in, e))
        return -1;
    if (trading_instrument(db, in.id, &in, e) || th_schedule_may_order(db, &in, now, e))
        return -1;
    const char *side = o->side ? o->side : "";
    bool buy = strcmp(side, "buy") == 0;
    if (!buy && strcmp(side, "sell") != 0)
        return th_fail_at(e, TH_EINPUT, NULL, 0, "side", side, strlen(side),
                          "an order's side is buy or sell");
    const char *type = o->type ? o->type : "limit";
    bool market = strcmp(type, "market") == 0;
    if (!market && strcmp(type, "limit") != 0)
        return th_fail_at(e, TH_EINPUT, NULL, 0, "type", type, strlen(type),
                          "an order's type is limit or market");
    const char *tif = o->tif ? o->tif : market ? "ioc" : "gtc";
    static const char *const tifs[] = {"gtc", "day", "ioc", "fok", "post"};
    static const th_tif book_tif[] = {TH_GTC, TH_GTC, TH_IOC, TH_FOK, TH_POST};
    int t = 0;
    while (t < 5 && strcmp(tif, tifs[t]) != 0)
        t++;
    if (t == 5)
        return th_fail_at(e, TH_EINPUT, NULL, 0, "tif", tif, strlen(tif),
                          "the time in force is gtc, day, ioc, fok or post");
    if (market && t != 2 && t != 3)
        return th_fail_at(e, TH_EINPUT, NULL, 0, "tif", tif, strlen(tif),
                          "a market order never rests: its time in force is ioc or fok");
    if (o->qty <= 0 || o->qty > TH_SERIAL_MAX)
        return th_fail(e, TH_EINPUT, "the quantity must be a whole number of credits, at least 1");
    int64_t lo, hi;
    th_instrument_band(&in, &lo, &hi);
    int64_t price = market ? (buy ? hi : lo) : o->price;
    if (market && o->price)
        return th_fail(e, TH_EINPUT, "a market order has no price (it trades within the band)");
    if (!market && band_refuses(&in, price, e))
        return -1;
    int64_t unit = per_credit(&in, price);
    if (o->qty > ORDER_FEN_MAX / unit)
        return th_fail(e, TH_EINPUT, "the order is worth more than tanhui counts");
    int64_t need = buy ? o->qty * unit : 0;
    /* the reservation: price times quantity and the largest fee */
    if (buy && th_cash_require(db, a.id, need, "the order reserves", e))
        return -1;
    /* the book as the store holds it before this order (loading it after would find the
     * order among the open ones) */
    th_book *b;
    if (th_books_get(bk, db, &in, &b, e))
        return -1;
    int64_t id;
    if (place(db, &a, &in, buy, type, tif, price, o->qty, need, 0, now, ev, &id, e))
        return -1;

    th_books_clear_events(bk);
    *touched = in.id;
    int refused = listing ? th_book_pick(b, id, a.id, buy ? TH_BUY : TH_SELL, o->qty, listing)
                          : th_book_limit(b, id, a.id, buy ? TH_BUY : TH_SELL, price, o->qty,
                                          book_tif[t]);
    if (refused != 0) {
        /* a refusal changes nothing in the book: the savepoint undoes the rest */
        size_t n;
        const th_book_event *evs = th_books_events(bk, &n);
        *touched = 0;
        return th_fail(e, TH_EINPUT, "order refused: %s",
                       n ? reject_reason(evs[n - 1].reject) : "refused by the book");
    }
    return conclude(db, bk, &in, id, now, out, ev, e);
}

int th_order_add(th_db *db, th_books *bk, const th_order_new *o, const char *now, th_buf *out,
                 th_cjson *ev, int64_t *touched, th_err *e)
{
    return add_order(db, bk, o, 0, now, out, ev, touched, e);
}

int th_order_cancel(th_db *db, th_books *bk, const char *ref, const char *now, th_buf *out,
                    th_cjson *ev, int64_t *touched, th_err *e)
{
    *touched = 0;
    order_row o;
    if (order_find(db, ref ? ref : "", &o, e))
        return -1;
    if (strcmp(o.status, "open") != 0)
        return th_fail_at(e, TH_EINPUT, NULL, 0, "order", ref, strlen(ref),
                          "order %lld is %s: only an open order can be cancelled",
                          (long long)o.id, o.status);
    if (aside(&o, ref, "cancelled", e))
        return -1;
    th_instrument in;
    if (th_instrument_get(db, o.instrument, &in, e))
        return -1;
    th_book *b;
    if (th_books_get(bk, db, &in, &b, e))
        return -1;
    th_books_clear_events(bk);
    *touched = in.id;
    if (th_book_cancel(b, o.id) != 0) {
        *touched = 0;
        return th_fail(e, TH_EINTERNAL, "order %lld is open but not in its book",
                       (long long)o.id);
    }
    th_cjson_set_int(ev, "order", o.id);
    return conclude(db, bk, &in, o.id, now, out, ev, e);
}

int th_order_replace(th_db *db, th_books *bk, const char *ref, int64_t price, int64_t qty,
                     const char *now, th_buf *out, th_cjson *ev, int64_t *touched, th_err *e)
{
    *touched = 0;
    order_row o;
    th_instrument in;
    if (open_order(db, ref, "order", "replaced", &o, &in, e) ||
        th_schedule_may_order(db, &in, now, e))
        return -1;
    if (price == 0)
        price = o.price;
    if (qty <= 0 || qty > TH_SERIAL_MAX)
        return th_fail(e, TH_EINPUT, "the quantity left must be a whole number of credits, at "
                                     "least 1");
    if (band_refuses(&in, price, e))
        return -1;
    int64_t left = o.qty - o.filled, unit = per_credit(&in, price);
    if (o.buy && qty > ORDER_FEN_MAX / unit)
        return th_fail(e, TH_EINPUT, "the order is worth more than tanhui counts");
    th_book *b;
    if (th_books_get(bk, db, &in, &b, e))
        return -1;
    th_cjson_set_int(ev, "order", o.id);
    th_cjson_set_int(ev, "price_fen", price);
    th_cjson_set_int(ev, "qty", qty);
    /* the reservation for what is left at the new price, before the book may trade it */
    if (o.buy) {
        int64_t need = qty * unit, delta = need - o.reserved;
        if (th_cash_require(db, o.account, delta, "the replaced order reserves more by", e) ||
            (delta && th_cash_change(db, o.account, 0, delta, e)))
            return -1;
        o.reserved = need;
        th_cjson_set_int(ev, "reserved_fen", need);
    } else if (qty != left) {
        th_block_source more = {.account = o.account, .project = in.project,
                                .vintage = in.vintage, .t_plus_one = in.t_plus_one,
                                .bought_after = in.session_from};
        th_block_source fewer = {.account = o.account, .reserved = true, .order = o.id};
        th_block_dest to_order = {.account = o.account, .reserved = true, .order = o.id};
        th_block_dest back = {.account = o.account};
        th_cjson *ranges = th_cjson_set_array(ev, qty > left ? "reserved_blocks"
                                                             : "released_blocks");
        int handed = th_blocks_hand(db, qty > left ? &more : &fewer,
                                    qty > left ? qty - left : left - qty,
                                    qty > left ? &to_order : &back,
                                    ranges ? reserved_range : NULL, ranges, e);
        if (handed > 0)
            return th_fail(e, TH_EINPUT, "insufficient credits for %lld more on order %lld",
                           (long long)(qty - left), (long long)o.id);
        if (handed < 0)
            return -1;
    }
    /* the book's rule: the same price and no more keeps the place; else to the back */
    bool keeps = price == o.price && qty <= left;
    o.qty = o.filled + qty;
    o.price = price;
    if (th_order_rows_put(db, &o, !keeps, e))
        return -1;
    th_books_clear_events(bk);
    *touched = in.id;
    if (th_book_replace(b, o.id, price, qty) != 0) {
        size_t n;
        const th_book_event *evs = th_books_events(bk, &n);
        *touched = 0;
        return th_fail(e, TH_EINPUT, "replace refused: %s",
                       n ? reject_reason(evs[n - 1].reject) : "refused by the book");
    }
    return conclude(db, bk, &in, o.id, now, out, ev, e);
}

int th_order_pick(th_db *db, th_books *bk, const char *account, const char *listing, int64_t qty,
                  const char *now, th_buf *out, th_cjson *ev, int64_t *touched, th_err *e)
{
    *touched = 0;
    order_row l;
    th_instrument in;
    if (open_order(db, listing, "listing", "picked", &l, &in, e))
        return -1;
    if (qty <= 0 || qty > l.qty - l.filled)
        return th_fail(e, TH_EINPUT, "a pick takes 1 to %lld credits of listing %lld",
                       (long long)(l.qty - l.filled), (long long)l.id);
    /* the taker's order: an IOC at the listing's price, for that listing alone */
    th_order_new o = {.account = account, .instrument = in.code,
                      .side = l.buy ? "sell" : "buy", .tif = "ioc", .price = l.price,
                      .qty = qty};
    th_cjson_set_int(ev, "listing", l.id);
    return add_order(db, bk, &o, l.id, now, out, ev, touched, e);
}

int th_trade_direct(th_db *db, const th_instrument *in, int64_t buyer, int64_t seller,
                    int64_t price, int64_t qty, const char *now, th_cjson *trades,
                    int64_t *trade_id, th_err *e)
{
    int64_t notional = price * qty;
    if (qty > ORDER_FEN_MAX / price)
        return th_fail(e, TH_EINPUT, "the trade is worth more than tanhui counts");
    trade_new tn = {.buyer = buyer, .seller = seller, .price = price, .qty = qty,
                    .aggressor = "block", .buyer_fee = fee_of(notional, in->taker_fee_bps),
                    .seller_fee = fee_of(notional, in->maker_fee_bps)};
    if (th_cash_require(db, buyer, notional + tn.buyer_fee, "with its fee the trade costs", e))
        return -1;
    th_block_source src = {.account = seller, .project = in->project, .vintage = in->vintage,
                           .t_plus_one = in->t_plus_one, .bought_after = in->session_from};
    tn.src = &src;
    settling s = {.db = db, .trades = trades};
    th_buf_init(&s.fills);
    int rc = record_trade(&s, in, &tn, now, e);
    if (rc > 0)
        rc = th_fail(e, TH_EINPUT, "insufficient credits: the seller holds fewer than %lld "
                                   "available credits of vintage %d%s", (long long)qty,
                     in->vintage, in->t_plus_one ? " that T+1 lets it sell now" : "");
    *trade_id = s.trade;
    th_buf_free(&s.fills);
    free(s.ranges);
    return rc;
}

int th_order_aside(th_db *db, const th_account *a, const th_instrument *in, bool buy,
                   int64_t price, int64_t qty, int64_t auction, const char *now, th_cjson *ev,
                   int64_t *id, th_err *e)
{
    if (qty <= 0 || qty > TH_SERIAL_MAX)
        return th_fail(e, TH_EINPUT, "the quantity must be a whole number of credits, at least 1");
    if (price <= 0 || price > TH_FEN_MAX)
        return th_fail(e, TH_EINPUT, "the price must be more than 0");
    int64_t unit = per_credit(in, price);
    if (qty > ORDER_FEN_MAX / unit)
        return th_fail(e, TH_EINPUT, "the order is worth more than tanhui counts");
    int64_t need = buy ? qty * unit : 0;
    if (buy && th_cash_require(db, a->id, need, "the bid reserves", e))
        return -1;
    return place(db, a, in, buy, "limit", "gtc", price, qty, need, auction, now, ev, id, e);
}

int th_orders_cross(th_db *db, const th_instrument *in, int64_t buy, int64_t sell,
                    int64_t price, int64_t qty, const char *now, th_cjson *trades, th_err *e)
{
    settling s = {.db = db, .trades = trades};
    th_buf_init(&s.fills);
    th_book_event ev = {.type = TH_EV_TRADE, .id = buy, .sell_id = sell, .price = price,
                        .qty = qty, .aggressor = 'A'};
    int rc = settle(&s, in, &ev, now, e);
    th_buf_free(&s.fills);
    free(s.ranges);
    return rc;
}

int th_order_end(th_db *db, int64_t id, const char *status, const char *now, th_cjson *released,
                 th_err *e)
{
    order_row o;
    if (th_order_rows_get(db, id, &o, e))
        return -1;
    if (strcmp(o.status, "open") != 0)
        return 0;
    settling s = {.db = db, .released = released};
    return release(&s, &o, status, now, e);
}

int th_orders_settle(th_db *db, th_books *bk, const th_instrument *in, const char *now,
                     const char *cancel_status, th_cjson *trades, th_cjson *released,
                     int64_t *ntrades, th_err *e)
{
    settling s = {.db = db, .trades = trades, .released = released};
    th_buf_init(&s.fills);
    int rc = apply_events(&s, bk, in, now, cancel_status, e);
    *ntrades = s.nfills;
    th_buf_free(&s.fills);
    free(s.ranges);
    return rc;
}

/* ---- reads ---- */

/* The bounds of a page: ids below before, at most limit (-1: all). */


static void fills_of(th_db *db, int64_t order, th_buf *out)
{
    sqlite3_stmt *st;
    th_err e;
    if (th_db_stmt(db, "SELECT id, buy_order_id, sell_order_id, price_fen, qty, buyer_fee_fen,"
                       " seller_fee_fen FROM trades WHERE buy_order_id = ?1 OR sell_order_id = ?1"
                       " ORDER BY id", &st, &e))
        return;
    sqlite3_bind_int64(st, 1, order);
    th_json j;
    th_json_init(&j, out);
    int n = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (n++)
            th_buf_putc(out, ',');
        th_json_obj_begin(&j);
        static const char *const keys[] = {"trade", "buy_order", "sell_order", "price_fen",
                                           "qty", "buyer_fee_fen", "seller_fee_fen"};
        for (int k = 0; k < 7; k++) {
            th_json_key(&j, keys[k]);
            th_json_int(&j, sqlite3_column_int64(st, k));
            if (k == 3)
                th_money_field(&j, "price", sqlite3_column_int64(st, 3));
        }
        th_json_obj_end(&j);
    }
    th_db_done(db, st);
}

static void order_item(th_db *db, sqlite3_stmt *st, th_buf *out)
{
    order_row o;
    th_order_row_from(st, &o);
    th_instrument in;
    th_err e;
    bool have = th_instrument_get(db, o.instrument, &in, &e) == 0;
    th_buf fills;
    th_buf_init(&fills);
    fills_of(db, o.id, &fills);
    order_answer(&o, have ? &in : NULL, fills.p, out);
    th_buf_free(&fills);
}

int th_order_json(th_db *db, const char *ref, th_buf *out, th_err *e)
{
    order_row o;
    th_instrument in;
    if (order_find(db, ref, &o, e) || th_instrument_get(db, o.instrument, &in, e))
        return -1;
    th_buf fills;
    th_buf_init(&fills);
    fills_of(db, o.id, &fills);
    order_answer(&o, &in, fills.p, out);
    th_buf_free(&fills);
    return 0;
}

int th_orders_json(th_db *db, const char *ref, th_buf *out, th_err *e)
{
    return th_orders_page_json(db, ref, NULL, out, e);
}

/* An account's orders are indexed by runs of 4,096 ids, then account: (id >> 12, account_id),
 * store/db.c's migration 26, whose expression the listing's SQL must repeat to use it. */
#define ORDER_RUN_BITS 12
#define ORDER_TEXT(x) #x
#define ORDER_TEXT_OF(x) ORDER_TEXT(x)

int th_orders_page_json(th_db *db, const char *ref, const th_page *pg, th_buf *out, th_err *e)
{
    th_account a;
    if (th_account_find(db, ref, &a, e))
        return -1;
    /* each order's own reads use other statements: a statement of its own; one run of ids at
     * a time, the newest first (the index is by run, then account) */
    static const char sql[] =
        "SELECT " TH_ORDER_ROW_COLS " FROM orders WHERE id >> " ORDER_TEXT_OF(ORDER_RUN_BITS)
        " = ?8 AND account_id = ?1"
        " AND id < ?2 AND (?4 IS NULL OR status = ?4) AND (?5 = 0 OR instrument_id = ?5)"
        " AND (?6 IS NULL OR created_at >= ?6) AND (?7 IS NULL OR created_at < ?7)"
        " ORDER BY id DESC LIMIT ?3";
    sqlite3_stmt *st, *top;
    if (th_db_stmt(db, "SELECT coalesce(max(id), 0) FROM orders", &top, e))
        return -1;
    int r = sqlite3_step(top);
    int64_t newest = r == SQLITE_ROW ? sqlite3_column_int64(top, 0) : 0;
    th_db_done(db, top);
    if (r != SQLITE_ROW)
        return th_db_fail(db, "cannot list the orders", e);
    if (th_db_prepare(db, sql, &st, e))
        return -1;
    int64_t before, limit, last = 0;
    th_page_bounds(pg, &before, &limit);
    sqlite3_bind_int64(st, 1, a.id);
    sqlite3_bind_int64(st, 2, before);
    if (pg && pg->status)
        sqlite3_bind_text(st, 4, pg->status, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, pg ? pg->instrument : 0);
    th_page_bind_times(st, pg, 6);
    th_buf_printf(out, "{\"account\":%lld,\"orders\":[", (long long)a.id);
    int n = 0;
    r = SQLITE_DONE;
    int64_t highest = before - 1 < newest ? before - 1 : newest; /* 0: no order to list */
    for (int64_t run = highest > 0 ? highest >> ORDER_RUN_BITS : -1;
         run >= 0 && r == SQLITE_DONE && (limit < 0 || n < limit); run--) {
        sqlite3_bind_int64(st, 3, limit < 0 ? -1 : limit - n);
        sqlite3_bind_int64(st, 8, run);
        while ((r = sqlite3_step(st)) == SQLITE_ROW) {
            if (n++)
                th_buf_putc(out, ',');
            last = sqlite3_column_int64(st, 0);
            order_item(db, st, out);
        }
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    if (r != SQLITE_DONE)
        return th_db_fail(db, "cannot list the orders", e);
    th_buf_putc(out, ']');
    if (pg) {
        if (pg->limit > 0 && n == pg->limit)
            th_buf_printf(out, ",\"next_cursor\":%lld", (long long)last);
        else
            th_buf_puts(out, ",\"next_cursor\":null");
    }
    th_buf_putc(out, '}');
    return 0;
}

static void level_side(th_db *db, int64_t instrument, bool buy, th_buf *out)
{
    sqlite3_stmt *st;
    th_err e;
    if (th_db_stmt(db, buy ? "SELECT price_fen, sum(qty - filled), count(*) FROM orders"
                             " WHERE instrument_id = ? AND status = 'open' AND side = 'buy'"
                             " AND auction_id IS NULL"
                             " GROUP BY price_fen ORDER BY price_fen DESC"
                           : "SELECT price_fen, sum(qty - filled), count(*) FROM orders"
                             " WHERE instrument_id = ? AND status = 'open' AND side = 'sell'"
                             " AND auction_id IS NULL"
                             " GROUP BY price_fen ORDER BY price_fen",
                   &st, &e))
        return;
    sqlite3_bind_int64(st, 1, instrument);
    th_json j;
    th_json_init(&j, out);
    th_json_arr_begin(&j);
    while (sqlite3_step(st) == SQLITE_ROW) {
        th_json_obj_begin(&j);
        th_json_key(&j, "price_fen");
        th_json_int(&j, sqlite3_column_int64(st, 0));
        th_money_field(&j, "price", sqlite3_column_int64(st, 0));
        th_json_key(&j, "qty");
        th_json_int(&j, sqlite3_column_int64(st, 1));
        th_json_key(&j, "orders");
        th_json_int(&j, sqlite3_column_int64(st, 2));
        th_json_obj_end(&j);
    }
    th_json_arr_end(&j);
    th_db_done(db, st);
}

int th_book_view_json(th_db *db, const char *ref, th_buf *out, th_err *e)
{
    th_instrument in;
    if (th_instrument_find(db, ref, &in, e))
        return -1;
    int64_t lo, hi;
    th_instrument_band(&in, &lo, &hi);
    th_buf_puts(out, "{\"instrument\":");
    th_json j;
    th_json_init(&j, out);
    th_json_str(&j, in.code);
    th_buf_printf(out, ",\"ref_price_fen\":%lld,\"band_lo_fen\":%lld,\"band_hi_fen\":%lld,"
                       "\"bids\":",
                  (long long)in.ref_price, (long long)lo, (long long)hi);
    level_side(db, in.id, true, out);
    th_buf_puts(out, ",\"asks\":");
    level_side(db, in.id, false, out);
    /* the listings a buyer may pick (挂牌点选): the best pick_depth sells, in priority */
    th_buf_puts(out, ",\"listings\":");
    sqlite3_stmt *st;
    if (th_db_stmt(db, "SELECT id, price_fen, qty - filled, account_id FROM orders"
                       " WHERE instrument_id = ? AND status = 'open' AND side = 'sell'"
                       " AND auction_id IS NULL ORDER BY price_fen, priority LIMIT ?",
                   &st, e))
        return -1;
    sqlite3_bind_int64(st, 1, in.id);
    sqlite3_bind_int(st, 2, in.pick_depth);
    th_json_arr_begin(&j);
    while (sqlite3_step(st) == SQLITE_ROW) {
        th_json_obj_begin(&j);
        th_json_key(&j, "id");
        th_json_int(&j, sqlite3_column_int64(st, 0));
        th_json_key(&j, "price_fen");
        th_json_int(&j, sqlite3_column_int64(st, 1));
        th_money_field(&j, "price", sqlite3_column_int64(st, 1));
        th_json_key(&j, "qty");
        th_json_int(&j, sqlite3_column_int64(st, 2));
        th_json_key(&j, "seller");
        th_json_int(&j, sqlite3_column_int64(st, 3));
        th_json_obj_end(&j);
    }
    th_json_arr_end(&j);
    th_db_done(db, st);
    th_buf_puts(out, "}");
    return 0;
}

int th_trades_json(th_db *db, const char *ref, th_buf *out, th_err *e)
{
    return th_trades_page_json(db, ref, NULL, out, e);
}

/* One trade of the tape, from a row of TRADE_COLS. */
#define TRADE_COLS                                                                                 \
    "t.id, i.code, t.buy_order_id, t.sell_order_id, t.buyer_id, t.seller_id, t.price_fen, t.qty," \
    " t.aggressor, t.buyer_fee_fen, t.seller_fee_fen, t.created_at, t.instrument_id"
static void trade_item(th_json *j, sqlite3_stmt *st)
{
    th_json_obj_begin(j);
    th_json_key(j, "id");
    th_json_int(j, sqlite3_column_int64(st, 0));
    th_json_key(j, "instrument");
    th_json_str(j, (const char *)sqlite3_column_text(st, 1));
    static const char *const keys[] = {"buy_order", "sell_order", "buyer", "seller",
                                       "price_fen"};
    for (int k = 0; k < 5; k++) {
        th_json_key(j, keys[k]);
        th_json_int(j, sqlite3_column_int64(st, 2 + k));
    }
    th_money_field(j, "price", sqlite3_column_int64(st, 6));
    th_json_key(j, "qty");
    th_json_int(j, sqlite3_column_int64(st, 7));
    th_json_key(j, "aggressor");
    th_json_str(j, (const char *)sqlite3_column_text(st, 8));
    th_json_key(j, "buyer_fee_fen");
    th_json_int(j, sqlite3_column_int64(st, 9));
    th_json_key(j, "seller_fee_fen");
    th_json_int(j, sqlite3_column_int64(st, 10));
    th_json_key(j, "time");
    th_json_str(j, (const char *)sqlite3_column_text(st, 11));
    th_json_obj_end(j);
}

int th_trades_page_json(th_db *db, const char *ref, const th_page *pg, th_buf *out, th_err *e)
{
    th_instrument in = {0};
    if (ref && th_instrument_find(db, ref, &in, e))
        return -1;
    sqlite3_stmt *st;
    if (th_db_stmt(db, "SELECT " TRADE_COLS " FROM trades t JOIN instruments i"
                       " ON i.id = t.instrument_id WHERE (?1 = 0 OR t.instrument_id = ?1)"
                       " AND t.id < ?2 AND (?4 = 0 OR t.buyer_id = ?4 OR t.seller_id = ?4)"
                       " AND (?5 IS NULL OR t.created_at >= ?5)"
                       " AND (?6 IS NULL OR t.created_at < ?6) ORDER BY t.id DESC LIMIT ?3",
                   &st, e))
        return -1;
    int64_t before, limit;
    th_page_bounds(pg, &before, &limit);
    sqlite3_bind_int64(st, 1, ref ? in.id : 0);
    sqlite3_bind_int64(st, 2, before);
    sqlite3_bind_int64(st, 3, limit);
    sqlite3_bind_int64(st, 4, pg ? pg->account : 0);
    th_page_bind_times(st, pg, 5);
    th_json j;
    th_json_init(&j, out);
    th_json_obj_begin(&j);
    th_json_key(&j, "trades");
    th_json_arr_begin(&j);
    int r, n = 0;
    int64_t last = 0;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        n++;
        last = sqlite3_column_int64(st, 0);
        trade_item(&j, st);
    }
    th_db_done(db, st);
    th_json_arr_end(&j);
    th_page_cursor_json(&j, pg, n, last);
    th_json_obj_end(&j);
    return r == SQLITE_DONE ? 0 : th_db_fail(db, "cannot list the trades", e);
}

int th_trades_since(th_db *db, int64_t after, th_trade_fn each, void *arg, th_err *e)
{
    sqlite3_stmt *st;
    if (th_db_stmt(db, "SELECT " TRADE_COLS " FROM trades t JOIN instruments i"
                       " ON i.id = t.instrument_id WHERE t.id > ?1 ORDER BY t.id",
                   &st, e))
        return -1;
    sqlite3_bind_int64(st, 1, after);
    th_buf b;
    th_buf_init(&b);
    int r;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        b.len = 0;
        th_json j;
        th_json_init(&j, &b);
        trade_item(&j, st);
        th_buf_putc(&b, '\0');
        each(arg, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 12), b.p);
    }
    th_buf_free(&b);
    th_db_done(db, st);
    return r == SQLITE_DONE ? 0 : th_db_fail(db, "cannot read the new trades", e);
}
