/* test_order_rows.c — the orders' rows kept through a batch (exchange/order_rows.h): written once
 * at the flush, each in its last version; undone to a mark; forgotten when the batch rolls back;
 * priorities never shared; and through the engine, a book dropped by a failed command loaded
 * again with the orders the batch placed before it; an account's orders listed, newest first
 * and a page at a time, across the runs of ids they are indexed by. */
#include "test.h"

#include "carbon/params_default.h"
#include "engine/engine.h"
#include "exchange/order_rows.h"
#include "exchange/orders.h"
#include "ledger/check.h"
#include "store_fixture.h"

#include <stdlib.h>
#include <string.h>

static th_order_row sell(int64_t account, int64_t price, int64_t qty)
{
    th_order_row o = {.instrument = 1, .account = account, .price = price, .qty = qty};
    snprintf(o.type, sizeof o.type, "limit");
    snprintf(o.tif, sizeof o.tif, "gtc");
    snprintf(o.status, sizeof o.status, "open");
    snprintf(o.created_at, sizeof o.created_at, "2026-11-28T10:00:00Z");
    return o;
}

/* Apply commands that must all succeed; r holds their results (n at most 8). */
static void must(th_engine *en, th_cmd *c, size_t n, th_cmd_result *r)
{
    th_err e;
    CHECK_INT(th_engine_apply(en, c, n, r, &e), 0);
    for (size_t i = 0; i < n; i++)
        if (r[i].status != 0)
            th_test_fail(__FILE__, __LINE__, "command %zu: %s", i, r[i].err.msg);
}

/* A registry: owner O with 1,000 credits of vintage 2024, traders A and B, a verifier, and
 * instrument SG24 (id 1) without fees. */
static th_db *registry(const char *name, th_engine **en)
{
    th_db *db = th_test_db_new(name);
    *en = th_engine_new(db);
    th_cmd_result r[8];
    for (int i = 0; i < 8; i++)
        th_cmd_result_init(&r[i]);
    th_cmd setup[7] = {
        {.type = TH_CMD_INIT_REGISTRY},
        {.type = TH_CMD_ACCOUNT_ADD, .name = "O", .kind = "state"},
        {.type = TH_CMD_ACCOUNT_ADD, .name = "A", .kind = "company"},
        {.type = TH_CMD_ACCOUNT_ADD, .name = "B", .kind = "company"},
        {.type = TH_CMD_ACCOUNT_ADD, .name = "V", .kind = "verifier"},
        {.type = TH_CMD_PROJECT_ADD},
        {.type = TH_CMD_REPORT_ADD},
    };
    setup[5].project = (th_project_new){.name = "P", .owner = "O", .params_name = "default",
                                        .params_sha256 = "-",
                                        .params_csv = th_params_default_csv};
    setup[6].report = (th_report_new){.project = "P0001", .result_json = "{}",
                                      .period_start = "2019-01-01", .period_end = "2024-01-01",
                                      .vintage = 2024, .net_tco2e = 1000, .credits_total = 1000,
                                      .owner_credits = 1000};
    must(*en, setup, 7, r);
    th_cmd issue[3] = {{.type = TH_CMD_REPORT_VERIFY, .report_id = "1", .verifier = "V"},
                       {.type = TH_CMD_ISSUE, .report_id = "1"},
                       {.type = TH_CMD_INSTRUMENT_ADD}};
    issue[2].instrument = (th_instrument_new){.code = "SG24", .vintage = 2024,
                                              .ref_price = 5850};
    must(*en, issue, 3, r);
    for (int i = 0; i < 8; i++)
        th_cmd_result_free(&r[i]);
    return db;
}

static int64_t account_id(th_db *db, const char *name)
{
    char sql[80];
    snprintf(sql, sizeof sql, "SELECT id FROM accounts WHERE name = '%s'", name);
    return th_test_scalar(db, sql);
}

/* A registry, in a transaction whose orders' rows are kept. */
static th_db *deferred(const char *name, th_engine **en)
{
    th_db *db = registry(name, en);
    th_err e;
    CHECK_INT(th_db_exec1(db, "BEGIN IMMEDIATE", &e), 0);
    th_db_keep_rows(db, true);
    return db;
}

TEST(order_rows_kept_until_the_flush_each_written_once)
{
    th_engine *en;
    th_db *db = deferred("rows-kept.db", &en);
    th_err e;
    th_order_row a = sell(account_id(db, "A"), 5900, 10), b = sell(account_id(db, "B"), 6000, 4);
    CHECK_INT(th_order_rows_add(db, &a, &e), 0);
    CHECK_INT(th_order_rows_add(db, &b, &e), 0);
    CHECK_INT(a.id, 1);
    CHECK_INT(b.id, 2);
    CHECK(b.priority > a.priority);
    CHECK_INT(th_test_scalar(db, "SELECT count(*) FROM orders"), 0); /* kept, not written */
    a.filled = 10;
    snprintf(a.status, sizeof a.status, "filled");
    snprintf(a.closed_at, sizeof a.closed_at, "2026-11-28T10:00:01Z");
    CHECK_INT(th_order_rows_put(db, &a, false, &e), 0);
    th_order_row got;
    CHECK_INT(th_order_rows_get(db, 1, &got, &e), 0);
    CHECK_STR(got.status, "filled");
    CHECK_INT(th_order_rows_flush(db, &e), 0);
    CHECK_INT(th_db_exec1(db, "COMMIT", &e), 0);
    /* the last version of each, closed_at as set, the counter of priorities stored */
    CHECK_INT(th_test_scalar(db, "SELECT count(*) FROM orders"), 2);
    CHECK_INT(th_test_scalar(db, "SELECT filled FROM orders WHERE id = 1 AND status = 'filled'"
                                 " AND closed_at = '2026-11-28T10:00:01Z'"), 10);
    CHECK_INT(th_test_scalar(db, "SELECT count(*) FROM orders WHERE id = 2 AND status = 'open'"
                                 " AND closed_at IS NULL AND auction_id IS NULL"), 1);
    CHECK_INT(th_test_scalar(db, "SELECT value FROM meta WHERE key = 'order_priority'"),
              b.priority);
    /* the next batch reads the store: a stored order changed is an UPDATE, sent to the back
     * of its queue it takes a priority after every other */
    CHECK_INT(th_db_exec1(db, "BEGIN IMMEDIATE", &e), 0);
    CHECK_INT(th_order_rows_get(db, 2, &got, &e), 0);
    CHECK_INT(got.priority, b.priority);
    got.price = 6100;
    CHECK_INT(th_order_rows_put(db, &got, true, &e), 0);
    CHECK(got.priority > b.priority);
    th_order_row c = sell(account_id(db, "A"), 5800, 1);
    CHECK_INT(th_order_rows_add(db, &c, &e), 0);
    CHECK_INT(c.id, 3);
    CHECK(c.priority > got.priority);
    CHECK_INT(th_order_rows_flush(db, &e), 0);
    CHECK_INT(th_db_exec1(db, "COMMIT", &e), 0);
    CHECK_INT(th_test_scalar(db, "SELECT price_fen FROM orders WHERE id = 2"), 6100);
    CHECK_INT(th_test_scalar(db, "SELECT count(DISTINCT priority) FROM orders"), 3);
    CHECK_INT(th_order_rows_get(db, 9, &got, &e), -1);
    CHECK_INT(e.code, TH_EINPUT);
    th_db_keep_rows(db, false);
    th_engine_free(en);
    th_db_close(db);
}

TEST(order_rows_rewind_and_rollback)
{
    th_engine *en;
    th_db *db = deferred("rows-rewind.db", &en);
    th_err e;
    /* more orders than the table's first size, so that it grows with versions in it */
    enum { N = 3000 };
    int64_t ta = account_id(db, "A"), tb = account_id(db, "B");
    for (int i = 0; i < N; i++) {
        th_order_row o = sell(i % 2 ? tb : ta, 5000 + i, 1 + i % 7);
        CHECK_INT(th_order_rows_add(db, &o, &e), 0);
        if (i % 3 == 0) {
            o.filled = 1;
            CHECK_INT(th_order_rows_put(db, &o, false, &e), 0);
        }
    }
    size_t mark = th_order_rows_mark(db);
    th_order_row first;
    CHECK_INT(th_order_rows_get(db, 1, &first, &e), 0);
    first.filled = 0;
    first.qty = 99;
    CHECK_INT(th_order_rows_put(db, &first, true, &e), 0);
    th_order_row extra = sell(tb, 7000, 5);
    CHECK_INT(th_order_rows_add(db, &extra, &e), 0);
    CHECK_INT(extra.id, N + 1);
    th_order_rows_rewind(db, mark);
    /* the command undone: order 1 as before it, the extra order gone and its id free */
    th_order_row got;
    CHECK_INT(th_order_rows_get(db, 1, &got, &e), 0);
    CHECK_INT(got.qty, 1);
    CHECK_INT(got.filled, 1);
    CHECK_INT(th_order_rows_get(db, N + 1, &got, &e), -1);
    th_order_row again = sell(tb, 7000, 5);
    CHECK_INT(th_order_rows_add(db, &again, &e), 0);
    CHECK_INT(again.id, N + 1);
    CHECK_INT(again.priority, extra.priority - 1); /* the undone replace's priority is free too */
    for (int64_t id = 2; id <= N; id += 997) {
        CHECK_INT(th_order_rows_get(db, id, &got, &e), 0);
        CHECK_INT(got.price, 5000 + id - 1);
    }
    /* a rollback forgets them all: the next batch starts from the store */
    CHECK_INT(th_db_exec1(db, "ROLLBACK", &e), 0);
    CHECK_INT(th_order_rows_get(db, 1, &got, &e), -1);
    CHECK_INT(th_db_exec1(db, "BEGIN IMMEDIATE", &e), 0);
    th_order_row o = sell(ta, 5000, 1);
    CHECK_INT(th_order_rows_add(db, &o, &e), 0);
    CHECK_INT(o.id, 1);
    CHECK_INT(th_order_rows_flush(db, &e), 0);
    CHECK_INT(th_db_exec1(db, "COMMIT", &e), 0);
    CHECK_INT(th_test_scalar(db, "SELECT count(*) FROM orders"), 1);
    /* written at once when not deferred */
    th_db_keep_rows(db, false);
    th_order_row p = sell(tb, 5100, 2);
    CHECK_INT(th_order_rows_add(db, &p, &e), 0);
    CHECK_INT(th_test_scalar(db, "SELECT count(*) FROM orders"), 2);
    th_engine_free(en);
    th_db_close(db);
}

/* A sell of `qty` at `price` fen by account, or a buy. */
static th_cmd order(const char *account, const char *side, int64_t price, int64_t qty)
{
    th_cmd c = {.type = TH_CMD_ORDER_ADD};
    c.order = (th_order_new){.account = account, .instrument = "SG24", .side = side,
                             .price = price, .qty = qty};
    return c;
}

TEST(order_rows_a_failed_command_reloads_its_book_with_the_batch_before_it)
{
    th_engine *en;
    th_db *db = registry("rows-reload.db", &en);
    th_cmd_result r[8];
    for (int i = 0; i < 8; i++)
        th_cmd_result_init(&r[i]);
    th_cmd setup[2] = {{.type = TH_CMD_TRANSFER}, {.type = TH_CMD_CASH_DEPOSIT}};
    setup[0].move = (th_move){.from = "O", .to = "A", .qty = 100};
    setup[1].cash = (th_cash_cmd){.account = "B", .amount = 1000000};
    must(en, setup, 2, r);
    th_err e;
    /* a trade of 3 fails after its book has matched: the store refuses its row */
    CHECK_INT(th_db_exec(db, "CREATE TRIGGER refuse BEFORE INSERT ON trades WHEN NEW.qty = 3"
                             " BEGIN SELECT RAISE(ABORT, 'refused by the test'); END", &e), 0);
    th_cmd b[4] = {order("A", "sell", 5900, 5), order("A", "sell", 5950, 4),
                   order("B", "buy", 6000, 3), order("B", "buy", 6000, 2)};
    CHECK_INT(th_engine_apply(en, b, 4, r, &e), 0);
    CHECK_INT(r[0].status, 0);
    CHECK_INT(r[1].status, 0);
    CHECK(r[2].status != 0);
    CHECK_CONTAINS(r[2].err.msg, "refused by the test");
    /* the last buy found both sells in the book loaded again, and took 2 of the first */
    CHECK_INT(r[3].status, 0);
    CHECK_CONTAINS(r[3].result.p, "\"status\":\"filled\"");
    CHECK_INT(th_test_scalar(db, "SELECT count(*) FROM trades WHERE sell_order_id = 1"
                                 " AND qty = 2 AND price_fen = 5900"), 1);
    CHECK_INT(th_test_scalar(db, "SELECT filled FROM orders WHERE id = 1"), 2);
    CHECK_INT(th_test_scalar(db, "SELECT count(*) FROM orders WHERE status = 'open'"), 2);
    /* the failed order's id was taken again */
    CHECK_INT(th_test_scalar(db, "SELECT count(*) FROM orders"), 3);
    th_buf out;
    th_buf_init(&out);
    CHECK_INT(th_registry_check(db, &out, &e), 0);
    th_buf_free(&out);
    for (int i = 0; i < 8; i++)
        th_cmd_result_free(&r[i]);
    th_engine_free(en);
    th_db_close(db);
}

TEST(order_rows_migration_drops_only_the_foreign_keys_to_orders)
{
    th_engine *en;
    th_db *db = registry("rows-fk.db", &en);
    CHECK_INT(th_test_scalar(db, "SELECT count(*) FROM pragma_foreign_key_list('trades')"
                                 " WHERE \"table\" = 'orders'"), 0);
    CHECK_INT(th_test_scalar(db, "SELECT count(*) FROM pragma_foreign_key_list('blocks')"
                                 " WHERE \"table\" = 'orders'"), 0);
    CHECK_INT(th_test_scalar(db, "SELECT count(*) FROM pragma_foreign_key_list('trades')"), 3);
    CHECK_INT(th_test_scalar(db, "SELECT count(*) FROM pragma_foreign_key_list('blocks')"), 5);
    CHECK_INT(th_test_scalar(db, "SELECT count(*) FROM pragma_foreign_key_list('auctions')"
                                 " WHERE \"table\" = 'orders'"), 1);
    th_engine_free(en);
    th_db_close(db);
}

/* The ids of a listing, as "id,id,...;next_cursor". */
static void listing(th_db *db, const char *account, const th_page *pg, char *out, size_t size)
{
    th_buf b;
    th_buf_init(&b);
    th_err e;
    CHECK_INT(th_orders_page_json(db, account, pg, &b, &e), 0);
    size_t at = 0;
    out[0] = '\0';
    for (const char *p = b.p; (p = strstr(p, "{\"id\":")) != NULL; p += 6)
        at += (size_t)snprintf(out + at, size - at, "%s%lld", at ? "," : "", atoll(p + 6));
    const char *c = strstr(b.p, "\"next_cursor\":");
    snprintf(out + at, size - at, ";%s", c ? c + 14 : "-");
    char *end = strchr(out, '}');
    if (end)
        *end = '\0';
    th_buf_free(&b);
}

TEST(order_rows_listed_by_account_across_runs_of_ids)
{
    th_engine *en;
    th_db *db = registry("rows-runs.db", &en);
    /* the index by runs of 4,096 ids, not the one by account (migration 26) */
    CHECK_INT(th_test_scalar(db, "SELECT count(*) FROM pragma_index_list('orders') WHERE name ="
                                 " 'orders_account_run'"), 1);
    CHECK_INT(th_test_scalar(db, "SELECT count(*) FROM pragma_index_list('orders') WHERE name ="
                                 " 'orders_account'"), 0);
    /* A's orders in runs 0, 1, 2 and 4 (none in 3), B's between them */
    int64_t a = account_id(db, "A"), b = account_id(db, "B");
    static const int64_t ids[] = {5, 6, 4095, 4096, 4100, 9000, 12288, 20000, 20001};
    static const char owner[] = "ABAABABAB";
    th_err e;
    for (size_t i = 0; i < sizeof ids / sizeof *ids; i++) {
        char sql[400];
        snprintf(sql, sizeof sql, "INSERT INTO orders (id, instrument_id, account_id, side, type,"
                                  " tif, price_fen, qty, status, priority, created_at) VALUES"
                                  " (%lld, 1, %lld, 'buy', 'limit', 'gtc', 100, 1, '%s', %zu,"
                                  " '2026-12-07T00:00:00Z')",
                 (long long)ids[i], (long long)(owner[i] == 'A' ? a : b),
                 i % 3 == 0 ? "cancelled" : "open", i + 1);
        CHECK_INT(th_db_exec(db, sql, &e), 0);
    }
    char got[200];
    listing(db, "A", NULL, got, sizeof got);
    CHECK_STR(got, "20000,9000,4096,4095,5;-");
    listing(db, "B", NULL, got, sizeof got);
    CHECK_STR(got, "20001,12288,4100,6;-");
    /* pages of two, each taking up where the last stopped, across runs */
    th_page pg = {.limit = 2};
    listing(db, "A", &pg, got, sizeof got);
    CHECK_STR(got, "20000,9000;9000");
    pg.before = 9000;
    listing(db, "A", &pg, got, sizeof got);
    CHECK_STR(got, "4096,4095;4095");
    pg.before = 4095;
    listing(db, "A", &pg, got, sizeof got);
    CHECK_STR(got, "5;null");
    /* a cursor past the newest order, and a filter */
    pg = (th_page){.before = 1000000, .status = "cancelled"};
    listing(db, "A", &pg, got, sizeof got);
    CHECK_STR(got, "4096,5;null");
    pg = (th_page){.before = 1};
    listing(db, "A", &pg, got, sizeof got);
    CHECK_STR(got, ";null");
    th_engine_free(en);
    th_db_close(db);
}
