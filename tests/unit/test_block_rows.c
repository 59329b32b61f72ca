/* test_block_rows.c — the blocks of a batch kept to its end (ledger/block_rows.h) against the
 * blocks written at once (blocks.c's SQL): the same random reservations, deliveries, releases,
 * counts, undone commands and batch ends on two copies of one registry hand the same serials,
 * fail the same way, and leave the same rows; a shortfall changes nothing; a rolled-back batch
 * forgets what was kept; T+1 asks of a kept block what the SQL asks of a stored one; the rows a
 * batch read of the store serve its next hands, and not once the store may have changed. */
#include "test.h"

#include "carbon/params_default.h"
#include "engine/engine.h"
#include "ledger/block_rows.h"
#include "ledger/check.h"
#include "store_fixture.h"

#include <stdlib.h>

enum { ACCOUNTS = 5 };

static void must(th_engine *en, th_cmd *c, size_t n)
{
    th_cmd_result r[8];
    th_err e;
    for (size_t i = 0; i < n; i++)
        th_cmd_result_init(&r[i]);
    CHECK_INT(th_engine_apply(en, c, n, r, &e), 0);
    for (size_t i = 0; i < n; i++) {
        if (r[i].status != 0)
            th_test_fail(__FILE__, __LINE__, "command %zu: %s", i, r[i].err.msg);
        th_cmd_result_free(&r[i]);
    }
}

static const char *const names[ACCOUNTS] = {"T0", "T1", "T2", "T3", "T4"};

/* Owner O with 5,000 credits of vintage 2024 in project P, and five traders holding credits in
 * many small blocks, interleaved (so that a query walks several rows and pages). */
static th_db *registry(const char *name)
{
    th_db *db = th_test_db_new(name);
    th_engine *en = th_engine_new(db);
    th_cmd setup[7] = {
        {.type = TH_CMD_INIT_REGISTRY},
        {.type = TH_CMD_ACCOUNT_ADD, .name = "O", .kind = "state"},
        {.type = TH_CMD_ACCOUNT_ADD, .name = "V", .kind = "verifier"},
        {.type = TH_CMD_PROJECT_ADD},
        {.type = TH_CMD_REPORT_ADD},
        {.type = TH_CMD_REPORT_VERIFY, .report_id = "1", .verifier = "V"},
        {.type = TH_CMD_ISSUE, .report_id = "1"},
    };
    setup[3].project = (th_project_new){.name = "P", .owner = "O", .params_name = "default",
                                        .params_sha256 = "-",
                                        .params_csv = th_params_default_csv};
    setup[4].report = (th_report_new){.project = "P0001", .result_json = "{}",
                                      .period_start = "2019-01-01", .period_end = "2024-01-01",
                                      .vintage = 2024, .net_tco2e = 5000, .credits_total = 5000,
                                      .owner_credits = 5000};
    must(en, setup, 7);
    for (int a = 0; a < ACCOUNTS; a++) {
        th_cmd add = {.type = TH_CMD_ACCOUNT_ADD, .name = names[a], .kind = "company"};
        must(en, &add, 1);
    }
    for (int k = 0; k < 150; k++) {
        th_cmd t = {.type = TH_CMD_TRANSFER};
        t.move = (th_move){.from = "O", .to = names[k % ACCOUNTS], .qty = 1 + k % 9};
        must(en, &t, 1);
    }
    th_engine_free(en);
    return db;
}

static int64_t id_of(th_db *db, const char *name)
{
    char sql[80];
    snprintf(sql, sizeof sql, "SELECT id FROM accounts WHERE name = '%s'", name);
    return th_test_scalar(db, sql);
}

/* What a hand gave its callback, as text. */
static void note_range(const th_range *r, void *arg)
{
    th_buf *b = arg;
    th_buf_printf(b, "%lld-%lld,", (long long)r->first, (long long)r->last);
}

typedef struct {
    int64_t order, account, left;
} reservation;

/* The rows a user sees, as text: serial ranges, holder, state and order, lowest first. */
static void rows_of(th_db *db, th_buf *out)
{
    sqlite3_stmt *st;
    th_err e;
    CHECK_INT(th_db_prepare(db, "SELECT first, last, account_id, state, coalesce(order_id, 0),"
                                " issuance_id, project_id, vintage FROM blocks ORDER BY first",
                            &st, &e),
              0);
    while (sqlite3_step(st) == SQLITE_ROW)
        th_buf_printf(out, "%lld-%lld:%lld:%s:%lld:%lld:%lld:%d\n",
                      (long long)sqlite3_column_int64(st, 0),
                      (long long)sqlite3_column_int64(st, 1),
                      (long long)sqlite3_column_int64(st, 2), sqlite3_column_text(st, 3),
                      (long long)sqlite3_column_int64(st, 4),
                      (long long)sqlite3_column_int64(st, 5),
                      (long long)sqlite3_column_int64(st, 6), sqlite3_column_int(st, 7));
    sqlite3_finalize(st);
}

static void same_rows(th_db *k, th_db *w)
{
    th_buf rk, rw;
    th_buf_init(&rk);
    th_buf_init(&rw);
    rows_of(k, &rk);
    rows_of(w, &rw);
    CHECK_STR(rk.p, rw.p);
    th_buf_free(&rk);
    th_buf_free(&rw);
}

static uint64_t next(uint64_t *x)
{
    *x ^= *x << 13, *x ^= *x >> 7, *x ^= *x << 17;
    return *x;
}

/* One step on both: the kept copy (k) in a batch that keeps rows, the written one (w) with a
 * savepoint per command as the engine makes it. Returns what both returned (they must agree). */
static int both(th_db *k, th_db *w, const th_block_source *src, int64_t qty,
                const th_block_dest *dst)
{
    th_buf a, b;
    th_buf_init(&a);
    th_buf_init(&b);
    th_err e;
    int rk = th_blocks_hand(k, src, qty, dst, note_range, &a, &e);
    CHECK_INT(th_db_exec1(w, "SAVEPOINT cmd", &e), 0);
    int rw = th_blocks_hand(w, src, qty, dst, note_range, &b, &e);
    CHECK_INT(th_db_exec1(w, rw ? "ROLLBACK TO cmd" : "RELEASE cmd", &e), 0);
    if (rw)
        CHECK_INT(th_db_exec1(w, "RELEASE cmd", &e), 0);
    CHECK_INT(rk, rw);
    if (rk == 0)
        CHECK_STR(a.p ? a.p : "", b.p ? b.p : "");
    else
        CHECK_STR(a.p ? a.p : "", ""); /* a shortfall hands nothing */
    th_buf_free(&a);
    th_buf_free(&b);
    return rk;
}

static void compare_counts(th_db *k, th_db *w, const th_block_source *src)
{
    int64_t nk = -1, nw = -2;
    th_err e;
    CHECK_INT(th_blocks_count(k, src, &nk, &e), 0);
    CHECK_INT(th_blocks_count(w, src, &nw, &e), 0);
    CHECK_INT(nk, nw);
}

TEST(block_rows_hand_what_the_store_hands)
{
    th_db *k = registry("blocks-kept.db"), *w = registry("blocks-written.db");
    int64_t acct[ACCOUNTS], project = th_test_scalar(k, "SELECT id FROM projects");
    for (int a = 0; a < ACCOUNTS; a++) {
        acct[a] = id_of(k, names[a]);
        CHECK_INT(id_of(w, names[a]), acct[a]);
    }
    th_err e;
    CHECK_INT(th_db_exec1(k, "BEGIN IMMEDIATE", &e), 0);
    CHECK_INT(th_db_exec1(w, "BEGIN IMMEDIATE", &e), 0);
    th_db_keep_rows(k, true);
    enum { STEPS = 3000, MOST = 400 };
    static reservation res[MOST];
    int nres = 0, fails = 0, batches = 0, undone = 0;
    int64_t order = 1;
    uint64_t x = 0x2545F4914F6CDD1Dull;
    size_t mark = 0;
    bool marked = false;
    for (int step = 0; step < STEPS; step++) {
        uint64_t r = next(&x) % 100;
        if (r < 40 || nres == 0) { /* a sell reserves, narrowed or not */
            int a = (int)(next(&x) % ACCOUNTS);
            int v = (int)(next(&x) % 4);
            th_block_source src = {.account = acct[a],
                                   .project = v == 1 ? project : 0,
                                   .vintage = v == 2 ? 2024 : v == 3 ? 2023 : 0};
            th_block_dest dst = {.account = acct[a], .reserved = true, .order = order};
            int64_t qty = 1 + (int64_t)(next(&x) % 30);
            if (both(k, w, &src, qty, &dst) == 0 && nres < MOST)
                res[nres++] = (reservation){order, acct[a], qty};
            else
                fails++;
            order++;
        } else if (r < 75) { /* a trade delivers part of a reservation to another account */
            reservation *o = &res[next(&x) % (uint64_t)nres];
            int b = (int)(next(&x) % ACCOUNTS);
            int64_t qty = 1 + (int64_t)(next(&x) % (uint64_t)(o->left + 3)); /* may be short */
            th_block_source src = {.account = o->account, .reserved = true, .order = o->order};
            th_block_dest dst = {.account = acct[b]};
            if (both(k, w, &src, qty, &dst) == 0)
                o->left -= qty;
            else
                fails++;
        } else if (r < 85) { /* a cancel releases what a reservation has left */
            int i = (int)(next(&x) % (uint64_t)nres);
            th_block_source src = {.account = res[i].account, .reserved = true,
                                   .order = res[i].order};
            th_block_dest dst = {.account = res[i].account};
            if (res[i].left > 0)
                CHECK_INT(both(k, w, &src, res[i].left, &dst), 0);
            res[i] = res[--nres];
        } else if (r < 92) { /* counts, available and reserved */
            int a = (int)(next(&x) % ACCOUNTS);
            compare_counts(k, w, &(th_block_source){.account = acct[a]});
            compare_counts(k, w, &(th_block_source){.account = acct[a], .vintage = 2024});
            if (nres)
                compare_counts(k, w, &(th_block_source){.account = res[0].account,
                                                        .reserved = true,
                                                        .order = res[0].order});
        } else if (r < 96) { /* a command's mark, or its undoing (what it reserved forgotten) */
            if (!marked) {
                mark = th_block_rows_mark(k);
                CHECK_INT(th_db_exec1(w, "SAVEPOINT undo", &e), 0);
                marked = true;
            } else {
                th_block_rows_rewind(k, mark);
                CHECK_INT(th_db_exec1(w, "ROLLBACK TO undo", &e), 0);
                CHECK_INT(th_db_exec1(w, "RELEASE undo", &e), 0);
                marked = false;
                undone++;
                nres = 0; /* which reservations survived is for the rows to say */
            }
        } else if (!marked) { /* the batch ends: kept rows written, both committed */
            CHECK_INT(th_block_rows_flush(k, &e), 0);
            CHECK(!th_block_rows_kept(k));
            CHECK_INT(th_db_exec1(k, "COMMIT", &e), 0);
            CHECK_INT(th_db_exec1(w, "COMMIT", &e), 0);
            same_rows(k, w);
            CHECK_INT(th_db_exec1(k, "BEGIN IMMEDIATE", &e), 0);
            CHECK_INT(th_db_exec1(w, "BEGIN IMMEDIATE", &e), 0);
            batches++;
        }
        if (nres == 0) { /* after an undo: the open reservations, from the written copy */
            sqlite3_stmt *st;
            CHECK_INT(th_db_prepare(w, "SELECT order_id, account_id, sum(last - first + 1)"
                                       " FROM blocks WHERE state = 'reserved'"
                                       " GROUP BY order_id LIMIT 400", &st, &e),
                      0);
            while (nres < MOST && sqlite3_step(st) == SQLITE_ROW)
                res[nres++] = (reservation){sqlite3_column_int64(st, 0),
                                            sqlite3_column_int64(st, 1),
                                            sqlite3_column_int64(st, 2)};
            sqlite3_finalize(st);
        }
    }
    if (marked) {
        CHECK_INT(th_db_exec1(w, "RELEASE undo", &e), 0);
    }
    CHECK_INT(th_block_rows_flush(k, &e), 0);
    CHECK_INT(th_db_exec1(k, "COMMIT", &e), 0);
    CHECK_INT(th_db_exec1(w, "COMMIT", &e), 0);
    th_db_keep_rows(k, false);
    same_rows(k, w);
    /* the walk went everywhere it can: shortfalls, batch ends, undone commands */
    CHECK(fails > 50);
    CHECK(batches > 20);
    CHECK(undone > 10);
    CHECK(th_test_scalar(k, "SELECT count(*) FROM blocks WHERE state = 'reserved'") > 0);
    CHECK(th_test_scalar(k, "SELECT count(*) FROM blocks") > 400);
    /* the blocks still partition the serials issued (the orders here are not real ones: the
     * exchange's own invariants are the engine tests' to check) */
    CHECK_INT(th_test_scalar(k, "SELECT count(*) FROM blocks a JOIN blocks b ON a.id < b.id"
                                " AND a.first <= b.last AND b.first <= a.last"), 0);
    CHECK_INT(th_test_scalar(k, "SELECT sum(last - first + 1) FROM blocks"), 5000);
    th_db_close(k);
    th_db_close(w);
}

typedef struct {
    th_range r[16];
    int n;
} ranges;

static void keep_range(const th_range *r, void *arg)
{
    ranges *g = arg;
    if (g->n < 16)
        g->r[g->n++] = *r;
}

TEST(block_rows_shortfall_rollback_and_t_plus_one)
{
    th_db *db = registry("blocks-kept-edge.db");
    int64_t a = id_of(db, "T0"), b = id_of(db, "T1");
    th_err e;
    th_engine *en = th_engine_new(db);
    th_cmd in = {.type = TH_CMD_INSTRUMENT_ADD};
    in.instrument = (th_instrument_new){.code = "SG24", .vintage = 2024, .ref_price = 5850};
    must(en, &in, 1);
    th_engine_free(en);
    int64_t blocks = th_test_scalar(db, "SELECT count(*) FROM blocks");
    int64_t held = th_test_scalar(db, "SELECT sum(last - first + 1) FROM blocks WHERE"
                                      " account_id = (SELECT id FROM accounts WHERE name = 'T0')");
    CHECK_INT(th_db_exec1(db, "BEGIN IMMEDIATE", &e), 0);
    th_db_keep_rows(db, true);
    /* a shortfall: nothing kept, the message says how many there are */
    th_block_source avail = {.account = a};
    th_block_dest res = {.account = a, .reserved = true, .order = 7};
    CHECK_INT(th_blocks_hand(db, &avail, held + 1, &res, NULL, NULL, &e), 1);
    CHECK(strstr(e.msg, "credits are there to hand over") != NULL);
    CHECK(!th_block_rows_kept(db));
    /* kept, not written; the store's rows as they were */
    CHECK_INT(th_blocks_hand(db, &avail, held - 1, &res, NULL, NULL, &e), 0);
    CHECK(th_block_rows_kept(db));
    CHECK_INT(th_test_scalar(db, "SELECT count(*) FROM blocks"), blocks);
    int64_t n;
    CHECK_INT(th_blocks_count(db, &avail, &n, &e), 0);
    CHECK_INT(n, 1);
    /* delivered to T1 in a trade of this session: under T+1 T1 cannot sell them yet */
    th_block_source reserved = {.account = a, .reserved = true, .order = 7};
    ranges got = {0};
    CHECK_INT(th_blocks_hand(db, &reserved, 10, &(th_block_dest){.account = b}, keep_range, &got,
                             &e),
              0);
    CHECK(got.n > 1); /* T0's blocks are small: the trade took several */
    char sql[400];
    snprintf(sql, sizeof sql, "INSERT INTO trades (id, instrument_id, buyer_id, seller_id,"
                              " price_fen, qty, aggressor, buyer_fee_fen, seller_fee_fen,"
                              " created_at) VALUES (5, (SELECT min(id) FROM instruments), %lld,"
                              " %lld, 100, 10, 'buy', 0, 0, 'now')",
             (long long)b, (long long)a);
    CHECK_INT(th_db_exec(db, sql, &e), 0);
    for (int i = 0; i < got.n; i++) {
        snprintf(sql, sizeof sql, "INSERT INTO trade_parts (trade_id, project_id, vintage, first,"
                                  " last) VALUES (5, (SELECT id FROM projects), 2024, %lld, %lld)",
                 (long long)got.r[i].first, (long long)got.r[i].last);
        CHECK_INT(th_db_exec(db, sql, &e), 0);
    }
    th_block_source t1 = {.account = b}, t1_t_plus_one = {.account = b, .t_plus_one = true,
                                                           .bought_after = 4};
    int64_t all, sellable;
    CHECK_INT(th_blocks_count(db, &t1, &all, &e), 0);
    CHECK_INT(th_blocks_count(db, &t1_t_plus_one, &sellable, &e), 0);
    CHECK_INT(all - sellable, 10);
    t1_t_plus_one.bought_after = 5; /* a trade before the session: sellable */
    CHECK_INT(th_blocks_count(db, &t1_t_plus_one, &sellable, &e), 0);
    CHECK_INT(sellable, all);
    /* a rollback forgets every kept block; the next batch starts from the store */
    CHECK_INT(th_db_exec1(db, "ROLLBACK", &e), 0);
    CHECK(!th_block_rows_kept(db));
    CHECK_INT(th_db_exec1(db, "BEGIN IMMEDIATE", &e), 0);
    CHECK_INT(th_blocks_count(db, &avail, &n, &e), 0);
    CHECK_INT(n, held);
    CHECK_INT(th_blocks_hand(db, &avail, 3, &res, NULL, NULL, &e), 0);
    CHECK_INT(th_block_rows_flush(db, &e), 0);
    CHECK_INT(th_db_exec1(db, "COMMIT", &e), 0);
    th_db_keep_rows(db, false);
    CHECK_INT(th_test_scalar(db, "SELECT sum(last - first + 1) FROM blocks WHERE order_id = 7"),
              3);
    CHECK_INT(th_test_scalar(db, "SELECT count(*) FROM blocks"), blocks + 1);
    th_db_close(db);
}

/* How many times the page of a source's rows was asked of the store (the cached statement's
 * runs). */
static int page_runs(th_db *db, const th_block_source *src)
{
    sqlite3_stmt *st;
    th_err e;
    CHECK_INT(th_blocks_page(db, src, 0, &st, &e), 0);
    int n = sqlite3_stmt_status(st, SQLITE_STMTSTATUS_RUN, 0);
    th_db_done(db, st);
    return n;
}

TEST(block_rows_read_the_store_once_a_batch)
{
    th_db *db = registry("blocks-read.db");
    int64_t a = id_of(db, "T0"), b = id_of(db, "T1");
    th_err e;
    th_block_source avail = {.account = a};
    th_block_dest res = {.account = a, .reserved = true, .order = 7};
    CHECK_INT(th_db_exec1(db, "BEGIN IMMEDIATE", &e), 0);
    th_db_keep_rows(db, true);
    /* six sells of 2 from T0's small blocks (1, 6, 2, 7, ... credits): without the rows read
     * kept, each asked the store for its page; with them, a page is asked only when the rows
     * read run out (3 times) */
    int runs = page_runs(db, &avail);
    for (int i = 0; i < 6; i++)
        CHECK_INT(th_blocks_hand(db, &avail, 2, &res, NULL, NULL, &e), 0);
    CHECK_INT(page_runs(db, &avail) - runs, 3);
    /* kept rows written: what was read is read again */
    CHECK_INT(th_block_rows_flush(db, &e), 0);
    runs = page_runs(db, &avail);
    CHECK_INT(th_blocks_hand(db, &avail, 1, &res, NULL, NULL, &e), 0);
    CHECK_INT(page_runs(db, &avail) - runs, 1);
    /* a command that writes at once (here T0's lowest block, given to T1 by SQL) after rows
     * were read (by a count) and nothing kept: the next hand does not take the block from what
     * was read before */
    CHECK_INT(th_block_rows_flush(db, &e), 0);
    int64_t n;
    CHECK_INT(th_blocks_count(db, &avail, &n, &e), 0);
    CHECK(!th_block_rows_kept(db));
    th_db_keep_rows(db, false);
    const char *lowest = "SELECT min(first) FROM blocks WHERE state = 'available' AND"
                         " account_id = (SELECT id FROM accounts WHERE name = 'T0')";
    int64_t gone = th_test_scalar(db, lowest);
    char sql[200];
    snprintf(sql, sizeof sql, "UPDATE blocks SET account_id = %lld WHERE first = %lld",
             (long long)b, (long long)gone);
    CHECK_INT(th_db_exec(db, sql, &e), 0);
    int64_t now_lowest = th_test_scalar(db, lowest);
    th_db_keep_rows(db, true);
    ranges got = {0};
    CHECK_INT(th_blocks_hand(db, &avail, 1, &res, keep_range, &got, &e), 0);
    CHECK_INT(got.n, 1);
    CHECK_INT(got.r[0].first, now_lowest);
    /* a rollback: nothing read in the transaction is taken for the store's */
    CHECK_INT(th_db_exec1(db, "ROLLBACK", &e), 0);
    CHECK_INT(th_db_exec1(db, "BEGIN IMMEDIATE", &e), 0);
    got.n = 0;
    CHECK_INT(th_blocks_hand(db, &avail, 1, &res, keep_range, &got, &e), 0);
    CHECK_INT(got.n, 1);
    CHECK_INT(got.r[0].first, th_test_scalar(db, lowest));
    CHECK_INT(th_db_exec1(db, "ROLLBACK", &e), 0);
    th_db_keep_rows(db, false);
    th_db_close(db);
}
