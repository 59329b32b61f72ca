/* bench_market.c — durable orders a second through the sequencer (issue 6): every order checked,
 * reserved, matched and settled (credits, cash, fees) in its batch's one transaction, logged with
 * a signed checkpoint per batch, and acknowledged only once the batch has committed.
 *
 * The load (TANHUI_BENCH_ORDERS, default 100,000, in batches of 1,000, or TANHUI_BENCH_BATCH): 200 accounts holding
 * credits and cash trade one instrument. Most orders rest (priced away from the touch: 70 %),
 * some cross and trade (15 %), some cancel an order resting from before (15 %), so the book
 * keeps a few thousand orders over some hundred price levels.
 *
 * One JSON line: durable_orders_per_sec, trades, p99_ack_us (an order is acknowledged when its
 * batch commits: its latency is the batch's time from its start), the open orders left. */
#include "bench_registry.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { ACCOUNTS = 200, BATCH_MAX = 1000 };

static uint64_t next(uint64_t *x)
{
    *x ^= *x << 13, *x ^= *x >> 7, *x ^= *x << 17;
    return *x;
}

static int by_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(void)
{
    long orders = getenv("TANHUI_BENCH_ORDERS") ? atol(getenv("TANHUI_BENCH_ORDERS")) : 100000;
    /* TANHUI_BENCH_BATCH: orders a batch (default and most 1,000; the server's batches hold
     * as many as there are writes in flight, a few dozen) */
    int batch = getenv("TANHUI_BENCH_BATCH") ? atoi(getenv("TANHUI_BENCH_BATCH")) : BATCH_MAX;
    if (batch < 1 || batch > BATCH_MAX)
        batch = BATCH_MAX;
    if (orders < batch)
        orders = batch;
    char dir[] = "/tmp/tanhui-bench-market.XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    char path[300];
    snprintf(path, sizeof path, "%s/market.db", dir);
    th_db *db;
    th_err e;
    th_engine *en = bench_engine(path, &db);
    if (!en)
        return 1;
    th_cmd_result *r = malloc(batch * sizeof *r);
    for (int i = 0; i < batch; i++)
        th_cmd_result_init(&r[i]);
    if (bench_registry(en, 10000000, r))
        return 1;
    /* the accounts: credits from O, cash deposited */
    static char names[ACCOUNTS][16];
    th_cmd *c = calloc(batch, sizeof *c);
    for (int a = 0; a < ACCOUNTS; a++) {
        snprintf(names[a], sizeof names[a], "T%03d", a);
        th_cmd s[3] = {{.type = TH_CMD_ACCOUNT_ADD, .name = names[a], .kind = "company"},
                       {.type = TH_CMD_TRANSFER},
                       {.type = TH_CMD_CASH_DEPOSIT}};
        s[1].move = (th_move){.from = "O", .to = names[a], .qty = 40000};
        s[2].cash = (th_cash_cmd){.account = names[a], .amount = 1000000000000};
        if (bench_apply(en, s, 3, r))
            return 1;
    }
    th_cmd in = {.type = TH_CMD_INSTRUMENT_ADD};
    in.instrument = (th_instrument_new){.code = "SG24", .vintage = 2024, .ref_price = 5850,
                                        .maker_fee_bps = 5, .taker_fee_bps = 10};
    if (bench_apply(en, &in, 1, r))
        return 1;

    uint64_t x = 0x9E3779B97F4A7C15ull;
    int64_t next_id = 1;
    long batches = orders / batch;
    double *lat = malloc((size_t)batches * sizeof *lat);
    static char ids[BATCH_MAX][24];
    double t0 = bench_now();
    long failed = 0;
    for (long b = 0; b < batches; b++) {
        for (int i = 0; i < batch; i++) {
            uint64_t k = next(&x) % 100;
            memset(&c[i], 0, sizeof c[i]);
            if (k < 15 && next_id > 100) { /* cancel an order placed a while ago */
                c[i].type = TH_CMD_ORDER_CANCEL;
                snprintf(ids[i], sizeof ids[i], "%lld",
                         (long long)(next_id - 1 - (int64_t)(next(&x) % 2000)));
                c[i].order_id = ids[i];
                continue;
            }
            bool buy = next(&x) & 1;
            /* resting: 1 to 60 ticks behind the mid; crossing: up to 30 ticks through it */
            int64_t off = k < 30 ? -(int64_t)(next(&x) % 30) : (int64_t)(next(&x) % 60) + 1;
            c[i].type = TH_CMD_ORDER_ADD;
            c[i].order = (th_order_new){.account = names[next(&x) % ACCOUNTS],
                                        .instrument = "SG24",
                                        .side = buy ? "buy" : "sell",
                                        .price = buy ? 5850 - off : 5850 + off,
                                        .qty = (int64_t)(next(&x) % 20) + 1};
            next_id++;
        }
        double s = bench_now();
        if (th_engine_apply(en, c, batch, r, &e) != 0) {
            fprintf(stderr, "bench: %s\n", e.msg);
            return 1;
        }
        lat[b] = bench_now() - s;
        for (int i = 0; i < batch; i++)
            failed += r[i].status != 0 && c[i].type == TH_CMD_ORDER_ADD;
    }
    double elapsed = bench_now() - t0;
    sqlite3_stmt *st;
    int64_t trades = 0, open = 0;
    if (th_db_prepare(db, "SELECT (SELECT count(*) FROM trades), (SELECT count(*) FROM orders"
                          " WHERE status = 'open')", &st, &e) == 0) {
        if (sqlite3_step(st) == SQLITE_ROW) {
            trades = sqlite3_column_int64(st, 0);
            open = sqlite3_column_int64(st, 1);
        }
        sqlite3_finalize(st);
    }
    qsort(lat, (size_t)batches, sizeof *lat, by_double);
    double p99 = lat[(size_t)((double)batches * 0.99 > 0 ? (double)(batches - 1) * 0.99 : 0)];
    printf("{\"bench\":\"market\",\"orders\":%ld,\"batch\":%d,\"durable_orders_per_sec\":%.0f,"
           "\"trades\":%lld,\"orders_refused\":%ld,\"open_orders\":%lld,\"p99_ack_us\":%.0f,"
           "\"median_batch_ms\":%.1f}\n",
           batches * batch, batch, (double)(batches * batch) / elapsed, (long long)trades,
           failed, (long long)open, p99 * 1e6, lat[batches / 2] * 1e3);
    for (int i = 0; i < batch; i++)
        th_cmd_result_free(&r[i]);
    free(r);
    free(c);
    free(lat);
    th_engine_free(en);
    th_db_close(db);
    th_db_unlink(path);
    rmdir(dir);
    return 0;
}
