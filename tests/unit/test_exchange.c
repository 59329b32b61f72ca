/* test_exchange.c — the exchange through the sequencer, as a property: random orders, cancels
 * and refused orders across many accounts (the project's owner among them, sharing its proceeds
 * with four beneficiaries), replaces and picks, the session pre-opened (orders resting crossed),
 * opened (the auction uncrossed) and closed (the reference moved, DAY orders expired) by hand or
 * by the trading calendar (turned on and off), and one-way auctions opened, bid and settled (by
 * hand, or by the clock at their end), in random batches a minute apart; after every batch every
 * invariant of `tanhui check` holds (credits, cash to the fen with fees and payouts,
 * reservations, fills, auctions). The same commands run by an engine that keeps its books and by
 * one made afresh for every batch (its books loaded from the store's open orders, as after a
 * restart) give the same registry row for row; and replaying the log gives it again. */
#include "test.h"

#include "carbon/params_default.h"
#include "engine/engine.h"
#include "engine/log_replay.h"
#include "exchange/calendar.h"
#include "ledger/check.h"
#include "store_fixture.h"

#include <stdlib.h>

static void fixed_clock(char out[32], void *arg)
{
    if (arg)
        memcpy(out, arg, 32);
    else
        snprintf(out, 32, "2026-11-27T10:00:00Z");
}

static uint64_t next(uint64_t *x)
{
    *x ^= *x << 13, *x ^= *x >> 7, *x ^= *x << 17;
    return *x;
}

/* Apply a batch; how many commands succeeded (-1: the batch failed). */
static int apply(th_engine *en, const th_cmd *c, size_t n)
{
    th_cmd_result r[32];
    for (size_t i = 0; i < n; i++)
        th_cmd_result_init(&r[i]);
    th_err e;
    int ok = th_engine_apply(en, c, n, r, &e) == 0 ? 0 : -1;
    for (size_t i = 0; i < n; i++) {
        ok += ok >= 0 && r[i].status == 0;
        th_cmd_result_free(&r[i]);
    }
    return ok;
}

enum { ACCOUNTS = 8 };
static const char *const names[ACCOUNTS] = {"A0", "A1", "A2", "A3", "A4", "A5", "A6", "A7"};

/* A registry with credits spread over the accounts, cash for each, and one instrument. */
static void setup(th_engine *en)
{
    th_cmd c[4] = {
        {.type = TH_CMD_INIT_REGISTRY},
        {.type = TH_CMD_ACCOUNT_ADD, .name = "林场", .kind = "state"},
        {.type = TH_CMD_ACCOUNT_ADD, .name = "V", .kind = "verifier"},
        {.type = TH_CMD_PROJECT_ADD},
    };
    c[3].project = (th_project_new){.name = "P", .owner = "林场", .buffer_pct_scaled = 10000000,
                                    .params_name = "default", .params_sha256 = "ab",
                                    .params_csv = th_params_default_csv};
    CHECK_INT(apply(en, c, 4), 4);
    th_cmd rep = {.type = TH_CMD_REPORT_ADD};
    rep.report = (th_report_new){.project = "P", .result_json = "{}",
                                 .period_start = "2019-01-01", .period_end = "2024-01-01",
                                 .vintage = 2024, .net_tco2e = 100000, .credits_total = 100000,
                                 .buffer_credits = 10000, .owner_credits = 90000};
    th_cmd d[3] = {rep, {.type = TH_CMD_REPORT_VERIFY, .report_id = "1", .verifier = "V"},
                   {.type = TH_CMD_ISSUE, .report_id = "1"}};
    CHECK_INT(apply(en, d, 3), 3);
    for (int a = 0; a < ACCOUNTS; a++) {
        th_cmd s[3] = {{.type = TH_CMD_ACCOUNT_ADD, .name = names[a], .kind = "company"},
                       {.type = TH_CMD_TRANSFER},
                       {.type = TH_CMD_CASH_DEPOSIT}};
        s[1].move = (th_move){.from = "林场", .to = names[a], .qty = 2000 + 500 * a};
        s[2].cash = (th_cash_cmd){.account = names[a], .amount = 50000000 + 777 * a};
        CHECK_INT(apply(en, s, 3), 3);
    }
    /* the owner sells too, and shares its proceeds with four of them, weights that never divide
     * evenly */
    static const char *const shares[] = {"A0", "A1", "A2", "A3"};
    static const int64_t weights[] = {1000000, 2500000, 3333333, 7000001};
    th_cmd sh[2] = {{.type = TH_CMD_PROJECT_SHARE}, {.type = TH_CMD_CASH_DEPOSIT}};
    sh[0].share = (th_share_new){.project = "P", .accounts = shares, .weights = weights, .n = 4};
    sh[1].cash = (th_cash_cmd){.account = "林场", .amount = 1000000};
    CHECK_INT(apply(en, sh, 2), 2);
    th_cmd in = {.type = TH_CMD_INSTRUMENT_ADD};
    in.instrument = (th_instrument_new){.code = "SG24", .vintage = 2024, .ref_price = 5850,
                                        .maker_fee_bps = 7, .taker_fee_bps = 13};
    CHECK_INT(apply(en, &in, 1), 1);
}

/* A random command (text kept in bufs, which must outlive the batch); t the batch's time. */
static void random_cmd(uint64_t *x, th_cmd *c, char ids[32], int64_t orders, int64_t auctions,
                       int64_t t)
{
    static const char *const tifs[] = {"gtc", "gtc", "gtc", "day", "ioc", "fok", "post"};
    uint64_t r = next(x);
    memset(c, 0, sizeof *c);
    if (r % 50 == 8) { /* the calendar on or off */
        c->type = TH_CMD_CALENDAR_SET;
        c->calendar.enabled = (int)(next(x) & 1);
        return;
    }
    uint64_t a = r % 100;
    if (a >= 12 && a < 15) { /* a one-way auction, ending within 20 minutes */
        c->type = TH_CMD_AUCTION_OPEN;
        uint64_t who = next(x) % (ACCOUNTS + 1);
        th_utc_format(t + 60 * (int64_t)(1 + next(x) % 20), ids);
        c->auction = (th_auction_new){.seller = who == ACCOUNTS ? "林场" : names[who],
                                      .instrument = "SG24",
                                      .qty = (int64_t)(next(x) % 40) + 1,
                                      .reserve = 5600 + (int64_t)(next(x) % 300),
                                      .until = ids,
                                      .pricing = next(x) & 1 ? "uniform" : "pay-as-bid"};
        return;
    }
    if (a >= 15 && a < 20 && auctions > 0) { /* a bid (perhaps refused: late, low, too big) */
        c->type = a == 19 ? TH_CMD_AUCTION_SETTLE : TH_CMD_AUCTION_BID;
        snprintf(ids, 24, "%lld", (long long)(next(x) % (uint64_t)auctions) + 1);
        c->auction = (th_auction_new){.auction = ids,
                                      .account = names[next(x) % ACCOUNTS],
                                      .price = 5550 + (int64_t)(next(x) % 400),
                                      .qty = (int64_t)(next(x) % 30) + 1};
        return;
    }
    if (r % 50 == 7) { /* the session moves on (or is refused: from a state it cannot leave so) */
        static const th_cmd_type ses[] = {TH_CMD_SESSION_PREOPEN, TH_CMD_SESSION_OPEN,
                                          TH_CMD_SESSION_OPEN, TH_CMD_SESSION_CLOSE};
        c->type = ses[next(x) % 4];
        c->instrument_ref = "SG24";
        return;
    }
    if (r % 100 < 8 && orders > 0) { /* replace some order: a new price, or fewer */
        c->type = TH_CMD_ORDER_REPLACE;
        snprintf(ids, 24, "%lld", (long long)(next(x) % (uint64_t)orders) + 1);
        c->order_id = ids;
        c->order.price = next(x) & 1 ? 0 : 5700 + (int64_t)(next(x) % 300);
        c->order.qty = (int64_t)(next(x) % 40) + 1;
        return;
    }
    if (r % 100 >= 95 && orders > 0) { /* pick a listing (perhaps too deep, or closed) */
        c->type = TH_CMD_ORDER_PICK;
        snprintf(ids, 24, "%lld", (long long)(next(x) % (uint64_t)orders) + 1);
        c->order_id = ids;
        c->order.account = names[next(x) % ACCOUNTS];
        c->order.qty = (int64_t)(next(x) % 10) + 1;
        return;
    }
    if (r % 10 < 2 && orders > 0) { /* cancel some order, open or not */
        c->type = TH_CMD_ORDER_CANCEL;
        snprintf(ids, 24, "%lld", (long long)(next(x) % (uint64_t)orders) + 1);
        c->order_id = ids;
        return;
    }
    c->type = TH_CMD_ORDER_ADD;
    bool buy = next(x) & 1;
    uint64_t who = next(x) % (ACCOUNTS + 1);
    c->order = (th_order_new){.account = who == ACCOUNTS ? "林场" : names[who],
                              .instrument = "SG24",
                              .side = buy ? "buy" : "sell",
                              .tif = tifs[next(x) % 7],
                              .qty = (int64_t)(next(x) % 60) + 1};
    /* prices near the reference, a few ticks apart so that levels fill and cross; now and
     * then out of the band (refused) or a market order */
    int64_t price = 5700 + (int64_t)(next(x) % 300);
    uint64_t k = next(x) % 40;
    if (k == 0)
        price = 6436; /* above the band */
    if (k == 1) {
        c->order.type = "market";
        c->order.tif = next(x) & 1 ? "ioc" : "fok";
        price = 0;
    }
    c->order.price = price;
}

TEST(exchange_property_random_orders)
{
    th_db *a = th_test_db_new("ex-a.db"), *b = th_test_db_new("ex-b.db");
    if (!a || !b)
        return;
    /* a minute a batch, from Monday 09:00 in Shanghai: the calendar's pre-open, open, break
     * and (in the long run) close, and the auctions' ends, all come */
    char now[32];
    int64_t t0;
    CHECK_INT(th_utc_parse("2026-11-30T01:00:00Z", &t0), 0);
    th_utc_format(t0, now);
    th_engine *ea = th_engine_new(a);
    th_engine_set_clock(ea, fixed_clock, now);
    setup(ea);
    th_engine *eb = th_engine_new(b);
    th_engine_set_clock(eb, fixed_clock, now);
    setup(eb);
    th_engine_free(eb);
    uint64_t x = 0xC0FFEE1234568ull;
    int batches = th_test_long() ? 1500 : 150, failures = 0, applied = 0;
    int64_t orders = 0, auctions = 0;
    th_buf out;
    th_buf_init(&out);
    for (int k = 0; k < batches && failures < 3; k++) {
        th_cmd c[20];
        char ids[20][32];
        size_t n = (size_t)(next(&x) % 20) + 1;
        int64_t t = t0 + 60 * (int64_t)(k + 1);
        th_utc_format(t, now);
        for (size_t i = 0; i < n; i++)
            random_cmd(&x, &c[i], ids[i], orders, auctions, t);
        int ra = apply(ea, c, n);
        /* b: a new engine for every batch, its books loaded from the store */
        eb = th_engine_new(b);
        th_engine_set_clock(eb, fixed_clock, now);
        int rb = apply(eb, c, n);
        th_engine_free(eb);
        if (ra < 0 || ra != rb) {
            th_test_fail(__FILE__, __LINE__, "batch %d: %d and %d commands applied", k, ra, rb);
            failures++;
        }
        applied += ra;
        th_err e;
        orders = th_test_scalar(a, "SELECT count(*) FROM orders");
        auctions = th_test_scalar(a, "SELECT count(*) FROM auctions");
        th_buf_reset(&out);
        if (th_registry_check(a, &out, &e) != 0) {
            th_test_fail(__FILE__, __LINE__, "batch %d: %s", k, e.msg);
            failures++;
        }
    }
    th_err e;
    if (th_state_compare(a, b, &e) != 0)
        th_test_fail(__FILE__, __LINE__, "books kept and books reloaded differ: %s", e.msg);
    th_log_verified v;
    if (th_log_audit(a, NULL, &v, &e) != 0)
        th_test_fail(__FILE__, __LINE__, "the log: %s", e.msg);
    /* the run must have traded, rested, and refused */
    th_buf_reset(&out);
    CHECK_INT(th_registry_check(a, &out, &e), 0);
    int64_t trades = th_test_scalar(a, "SELECT count(*) FROM trades"),
            open = th_test_scalar(a, "SELECT count(*) FROM orders WHERE status = 'open'"),
            payouts = th_test_scalar(a, "SELECT count(*) FROM payouts"),
            closes = th_test_scalar(a, "SELECT count(*) FROM session_closes"),
            uncrossed = th_test_scalar(a, "SELECT count(*) FROM trades WHERE aggressor = 'auction'"),
            expired = th_test_scalar(a, "SELECT count(*) FROM orders WHERE status = 'expired'"),
            settled = th_test_scalar(a, "SELECT count(*) FROM auctions WHERE status = 'settled'"
                                        " AND sold > 0"),
            by_clock = th_test_scalar(a, "SELECT count(*) FROM log_entries WHERE CAST(entry AS"
                                         " TEXT) LIKE '%\"by\":\"clock\"%'"),
            by_calendar = th_test_scalar(a, "SELECT count(*) FROM log_entries WHERE CAST(entry"
                                            " AS TEXT) LIKE '%\"by\":\"calendar\"%'");
    if (trades < 50 || open < 5 || payouts < 8 || closes < 2 || uncrossed < 1 || expired < 1 ||
        settled < 2 || by_clock < 1 || by_calendar < 1 || applied >= batches * 10)
        th_test_fail(__FILE__, __LINE__, "a dull run: %lld trades (%lld in an uncross), %lld "
                                         "open, %lld payouts, %lld closes, %lld expired, %lld "
                                         "auctions sold (%lld by the clock), %lld sessions by "
                                         "the calendar, %d applied",
                     (long long)trades, (long long)uncrossed, (long long)open,
                     (long long)payouts, (long long)closes, (long long)expired,
                     (long long)settled, (long long)by_clock, (long long)by_calendar,
                     applied);
    th_buf_free(&out);
    th_engine_free(ea);
    th_db_close(a);
    th_db_close(b);
}

static int count_step(void *arg)
{
    ++*(long *)arg;
    return 0;
}

/* An order's fills are found by its id, not by reading every trade: each order shown, with
 * the fills a scan of the whole table finds, and the work of showing one smaller than the
 * number of trades (a scan takes several virtual machine steps a row). */
TEST(exchange_order_fills_read_by_the_order_not_by_every_trade)
{
    th_db *db = th_test_db_new("ex-fills.db");
    CHECK(db != NULL);
    if (!db)
        return;
    th_engine *en = th_engine_new(db);
    setup(en);
    enum { PAIRS = 400 };
    for (int i = 0; i < PAIRS; i += 8) { /* sells resting, then buys taking them */
        th_cmd c[16];
        for (int k = 0; k < 16; k++)
            c[k] = (th_cmd){.type = TH_CMD_ORDER_ADD,
                            .order = {.account = names[(i + k) % ACCOUNTS], .instrument = "SG24",
                                      .side = k < 8 ? "sell" : "buy", .tif = "gtc",
                                      .qty = 1 + k % 3, .price = 5850}};
        CHECK_INT(apply(en, c, 16), 16);
    }
    int64_t trades = th_test_scalar(db, "SELECT count(*) FROM trades");
    int64_t orders = th_test_scalar(db, "SELECT max(id) FROM orders");
    CHECK(trades > PAIRS / 2);
    sqlite3 *h = th_db_handle(db);
    sqlite3_stmt *st;
    CHECK_INT(sqlite3_prepare_v2(h, "SELECT id FROM trades NOT INDEXED WHERE buy_order_id = ?1"
                                    " OR sell_order_id = ?1 ORDER BY id", -1, &st, NULL),
              SQLITE_OK);
    long most = 0;
    for (int64_t o = 1; o <= orders; o++) {
        char id[24], want[4096] = "";
        snprintf(id, sizeof id, "%lld", (long long)o);
        sqlite3_bind_int64(st, 1, o);
        while (sqlite3_step(st) == SQLITE_ROW)
            snprintf(want + strlen(want), sizeof want - strlen(want), "%lld,",
                     (long long)sqlite3_column_int64(st, 0));
        sqlite3_reset(st);
        th_buf out;
        th_buf_init(&out);
        th_err e;
        long steps = 0;
        sqlite3_progress_handler(h, 1, count_step, &steps);
        CHECK_INT(th_order_json(db, id, &out, &e), 0);
        sqlite3_progress_handler(h, 0, NULL, NULL);
        if (steps > most)
            most = steps;
        char got[4096] = "";
        const char *fills = out.p ? strstr(out.p, "\"fills\":") : NULL;
        for (const char *q = fills; q && (q = strstr(q, "{\"trade\":")); q += 9)
            snprintf(got + strlen(got), sizeof got - strlen(got), "%lld,", atoll(q + 9));
        CHECK_STR(got, want);
        th_buf_free(&out);
    }
    sqlite3_finalize(st);
    CHECK(most < trades);
    th_engine_free(en);
    th_db_close(db);
}
