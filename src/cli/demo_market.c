/* demo_market.c — the exchange half of `tanhui demo`: two instruments, days of trading history
 * and today's open book.
 *
 * Each trading day (weekdays, by Shanghai's calendar) the operator opens the sessions at 09:30
 * and closes them at 15:00, so each close sets the next day's reference price from the day's
 * VWAP, as the market's rules say. In between, the forest farms post DAY sells near a price
 * that wanders from the reference, and the buyers take them with IOC buys: every trade settles
 * delivery-versus-payment, and the beneficiaries of each project sold get their shares. On the
 * way: a block trade, a one-way auction settled by the clock at its end, a transfer and
 * retirements. Today's sessions are left open with a book on both sides, for a buyer to take.
 * Sells are sized from what the seller has available, so no order of the demo is refused. */
#include "cli/demo.h"

#include "base/date.h"
#include "exchange/instruments.h"

#include <stdio.h>
#include <string.h>

enum { SHANGHAI = 8 * 3600, DAY = 86400, ROUNDS = 18 };

static const char *const codes[2] = {"SGFC-2024", "NX-2024"};

/* Credits of vintage 2024 the account has available (of one project, or any when 0). */
static int64_t available(th_demo *d, const char *account, int64_t project)
{
    sqlite3_stmt *st;
    th_err e;
    if (th_db_prepare(d->db,
                      "SELECT COALESCE(SUM(b.last - b.first + 1), 0) FROM blocks b JOIN accounts a"
                      " ON a.id = b.account_id WHERE a.name = ? AND b.state = 'available' AND "
                      "b.vintage = 2024 AND (? = 0 OR b.project_id = ?)",
                      &st, &e))
        return 0;
    sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, project);
    sqlite3_bind_int64(st, 3, project);
    int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return n;
}

static int ref_price(th_demo *d, int k, int64_t *ref, th_err *e)
{
    th_instrument in;
    if (th_instrument_find(d->db, codes[k], &in, e))
        return -1;
    *ref = in.ref_price;
    return 0;
}

/* Open or close both sessions (an instrument starts open: the first open is already done). */
static int sessions(th_demo *d, th_cmd_type type, th_err *e)
{
    th_cmd c[2];
    size_t n = 0;
    for (int k = 0; k < 2; k++) {
        th_instrument in;
        if (th_instrument_find(d->db, codes[k], &in, e))
            return -1;
        if ((strcmp(in.session, "open") == 0) != (type == TH_CMD_SESSION_OPEN))
            c[n++] = (th_cmd){.type = type, .instrument_ref = codes[k]};
    }
    return n == 0 ? 0
                  : th_demo_apply(d, c, n,
                                  type == TH_CMD_SESSION_OPEN ? "session open" : "session close",
                                  NULL, e);
}

/* A seller of instrument k with at least want credits available (NULL: none has). */
static const char *seller(th_demo *d, int k, int64_t want)
{
    for (int tries = 0; tries < 10; tries++) {
        int i = k == 1 ? 1 : (int)th_demo_rand(d, 10);
        if (available(d, d->owners[i], k == 1 ? d->projects[1] : 0) >= want)
            return d->owners[i];
    }
    return NULL;
}

/* One round: a DAY sell near mid, taken (in part or whole) by an IOC buy. */
static int round_trade(th_demo *d, int k, int64_t ref, int64_t mid, th_err *e)
{
    int64_t q = 100 * (1 + (int64_t)th_demo_rand(d, 12));
    const char *s = seller(d, k, q);
    if (!s)
        return 0;
    int64_t lo = ref - ref * 9 / 100, hi = ref + ref * 9 / 100;
    int64_t p = mid + (int64_t)th_demo_rand(d, 41) - 20;
    p = p < lo ? lo : p > hi ? hi : p;
    int64_t bp = p + (int64_t)th_demo_rand(d, 6);
    bp = bp > hi ? hi : bp;
    th_cmd c[2] = {{.type = TH_CMD_ORDER_ADD}, {.type = TH_CMD_ORDER_ADD}};
    c[0].order = (th_order_new){
        .account = s, .instrument = codes[k], .side = "sell", .tif = "day", .price = p, .qty = q};
    c[1].order = (th_order_new){.account = d->companies[th_demo_rand(d, TH_DEMO_COMPANIES)],
                                .instrument = codes[k],
                                .side = "buy",
                                .tif = "ioc",
                                .price = bp,
                                .qty = q / 100 * (50 + (int64_t)th_demo_rand(d, 51))};
    return th_demo_apply(d, c, 2, "order add", NULL, e);
}

static int block_trade(th_demo *d, int64_t ref, th_err *e)
{
    const char *s = seller(d, 0, 20000);
    if (!s)
        return 0;
    th_cmd p = {.type = TH_CMD_BLOCK_PROPOSE};
    p.block = (th_block_new){.seller = s,
                             .buyer = d->companies[1],
                             .instrument = codes[0],
                             .price = ref - 50,
                             .qty = 10000};
    th_buf res;
    th_buf_init(&res);
    char id[24];
    int rc = th_demo_apply(d, &p, 1, "block propose", &res, e) || th_demo_result_id(&res, id, e);
    th_buf_free(&res);
    if (rc)
        return -1;
    th_cmd a = {.type = TH_CMD_BLOCK_ACCEPT, .order_id = id};
    a.block.buyer = d->companies[1];
    return th_demo_apply(d, &a, 1, "block accept", NULL, e);
}

/* A one-way auction ending in two hours (the clock settles it with a later batch). */
static int auction(th_demo *d, int64_t ref, th_err *e)
{
    const char *s = seller(d, 0, 6000);
    if (!s)
        return 0;
    char until[32];
    th_utc_format(d->t + 2 * 3600, until);
    th_cmd o = {.type = TH_CMD_AUCTION_OPEN};
    o.auction = (th_auction_new){
        .seller = s, .instrument = codes[0], .qty = 5000, .reserve = ref - 100, .until = until};
    th_buf res;
    th_buf_init(&res);
    char id[24];
    int rc = th_demo_apply(d, &o, 1, "auction open", &res, e) || th_demo_result_id(&res, id, e);
    th_buf_free(&res);
    if (rc)
        return -1;
    th_cmd b[2] = {{.type = TH_CMD_AUCTION_BID}, {.type = TH_CMD_AUCTION_BID}};
    b[0].auction =
        (th_auction_new){.auction = id, .account = d->companies[0], .price = ref + 60, .qty = 3000};
    b[1].auction =
        (th_auction_new){.auction = id, .account = d->companies[2], .price = ref + 20, .qty = 4000};
    return th_demo_apply(d, b, 2, "auction bid", NULL, e);
}

static int moves(th_demo *d, th_err *e)
{
    static const char *const why[TH_DEMO_COMPANIES] = {
        "2025 年度生产经营排放", "年度员工差旅碳中和", "2025 年度办公用电排放"};
    th_cmd t = {.type = TH_CMD_TRANSFER};
    t.move = (th_move){.from = d->companies[0], .to = d->companies[2], .qty = 500};
    if (th_demo_apply(d, &t, 1, "transfer", NULL, e))
        return -1;
    for (int i = 0; i < TH_DEMO_COMPANIES; i++) {
        int64_t q = available(d, d->companies[i], 0) / 4;
        if (q < 1)
            continue;
        char who[200];
        snprintf(who, sizeof who, "%s %s", d->companies[i], why[i]);
        th_cmd r = {.type = TH_CMD_RETIRE};
        r.move =
            (th_move){.from = d->companies[i], .qty = q, .beneficiary = who, .reason = "自愿抵消"};
        if (th_demo_apply(d, &r, 1, "retire", NULL, e))
            return -1;
    }
    return 0;
}

/* Today: the sessions open, a few trades, and a book of GTC orders on both sides. */
static int today(th_demo *d, th_err *e)
{
    if (sessions(d, TH_CMD_SESSION_OPEN, e))
        return -1;
    for (int k = 0; k < 2; k++) {
        int64_t ref;
        if (ref_price(d, k, &ref, e))
            return -1;
        for (int r = 0; r < 3; r++)
            if (round_trade(d, k, ref, ref, e))
                return -1;
        for (int lv = 1; lv <= 5; lv++) {
            const char *s = seller(d, k, 2000);
            th_cmd c[2] = {{.type = TH_CMD_ORDER_ADD}, {.type = TH_CMD_ORDER_ADD}};
            c[0].order = (th_order_new){.account = d->companies[lv % TH_DEMO_COMPANIES],
                                        .instrument = codes[k],
                                        .side = "buy",
                                        .price = ref - 10 * lv,
                                        .qty = 100 * (2 + (int64_t)th_demo_rand(d, 10))};
            c[1].order = (th_order_new){.account = s,
                                        .instrument = codes[k],
                                        .side = "sell",
                                        .price = ref + 10 * lv,
                                        .qty = 100 * (2 + (int64_t)th_demo_rand(d, 10))};
            if (th_demo_apply(d, c, s ? 2 : 1, "order add", NULL, e))
                return -1;
        }
    }
    return 0;
}

int th_demo_market(th_demo *d, int64_t now, th_err *e)
{
    th_cmd ins[2] = {{.type = TH_CMD_INSTRUMENT_ADD}, {.type = TH_CMD_INSTRUMENT_ADD}};
    char nx[24];
    snprintf(nx, sizeof nx, "%lld", (long long)d->projects[1]);
    ins[0].instrument = (th_instrument_new){.code = codes[0],
                                            .vintage = 2024,
                                            .ref_price = 5850,
                                            .maker_fee_bps = 5,
                                            .taker_fee_bps = 10,
                                            .block_min = 10000};
    ins[1].instrument = (th_instrument_new){.code = codes[1],
                                            .vintage = 2024,
                                            .project = nx,
                                            .ref_price = 6120,
                                            .maker_fee_bps = 5,
                                            .taker_fee_bps = 10,
                                            .block_min = 10000};
    if (th_demo_apply(d, ins, 2, "instrument add", NULL, e))
        return -1;
    int64_t day = d->first_day - DAY;
    for (int n = 0; n < d->days;) {
        day += DAY;
        int dow = (int)(((day + SHANGHAI) / DAY + 4) % 7);
        if (dow == 0 || dow == 6)
            continue;
        d->t = day + 9 * 3600 + 1800; /* 09:30 */
        if (sessions(d, TH_CMD_SESSION_OPEN, e))
            return -1;
        int64_t ref[2], mid[2];
        for (int k = 0; k < 2; k++) {
            if (ref_price(d, k, &ref[k], e))
                return -1;
            mid[k] = ref[k];
        }
        for (int r = 0; r < ROUNDS; r++) {
            d->t = day + 9 * 3600 + 1800 + (int64_t)r * (5 * 3600) / ROUNDS;
            for (int k = 0; k < 2; k++) {
                /* the price wanders, pulled back toward the reference */
                mid[k] += (int64_t)th_demo_rand(d, 31) - 15 + (ref[k] - mid[k]) / 8 +
                          (k == 0 ? ref[k] / 600 : -ref[k] / 900);
                if (round_trade(d, k, ref[k], mid[k], e))
                    return -1;
            }
            if ((n == 1 && r == 10 && block_trade(d, ref[0], e)) ||
                (n == 2 && r == 2 && auction(d, ref[0], e)))
                return -1;
        }
        if (n == d->days - 1 && moves(d, e))
            return -1;
        d->t = day + 15 * 3600;
        if (sessions(d, TH_CMD_SESSION_CLOSE, e))
            return -1;
        n++;
    }
    d->t = now - 600 > d->t ? now - 600 : d->t;
    if (today(d, e))
        return -1;
    sqlite3_stmt *st;
    if (th_db_prepare(d->db, "SELECT count(*) FROM trades", &st, e))
        return -1;
    d->trades = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return 0;
}
