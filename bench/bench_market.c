/* bench_market.c — durable orders a second through the sequencer (issue 6): every order checked,
 * reserved, matched and settled (credits, cash, fees) in its batch's one transaction, logged with
 * a signed checkpoint per batch, and acknowledged only once the batch has committed.
 *
 * The load (TANHUI_BENCH_ORDERS, default 100,000, in batches of 1,000, or TANHUI_BENCH_BATCH): 200 accounts holding
 * credits and cash trade one instrument. Most orders rest (priced away from the touch: 70 %),
 * some cross and trade (15 %), some cancel an order resting from before (15 %), so the book
 * keeps a few thousand orders over some hundred price levels.
 *
 * The orders go through the server's sequencer (server/sequencer.h), submitted without waiting
 * by this thread, with two batches' worth in flight: the writer applies a batch while the one
 * before it syncs, and an order is acknowledged once the sync covering its batch is done.
 *
 * One JSON line: durable_orders_per_sec, trades, p99_ack_us and p50_ack_us (from an order's
 * submission to its acknowledgement), mean_batch (orders a batch as the writer took them), the
 * open orders left. */
#include "bench_registry.h"
#include "server/sequencer.h"

#include <pthread.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { ACCOUNTS = 200, BATCH_MAX = 1000 };

static uint64_t next(uint64_t *x)
{
    *x ^= *x << 13, *x ^= *x >> 7, *x ^= *x << 17;
    return *x;
}

/* An order in flight, and the slots free for the next (the acknowledgements come on the
 * sequencer's threads). */
typedef struct ring ring;
typedef struct {
    th_cmd cmd;
    th_cmd_result res;
    char id[24];
    long n;     /* the order's number: its latency goes to lat[n] */
    double at;  /* when it was submitted */
    size_t index;
    ring *ring;
} slot;
struct ring {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    size_t *slot, nfree;
    double *lat;
    long failed; /* orders refused */
};

static void acked(void *arg)
{
    slot *sl = arg;
    ring *r = sl->ring;
    double t = bench_now();
    pthread_mutex_lock(&r->mu);
    r->lat[sl->n] = t - sl->at;
    r->failed += sl->res.status != 0 && sl->cmd.type == TH_CMD_ORDER_ADD;
    r->slot[r->nfree++] = sl->index;
    pthread_cond_signal(&r->cv);
    pthread_mutex_unlock(&r->mu);
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

    /* the timed part goes through the server's sequencer (server/sequencer.h): this thread
     * is the clients, submitting without waiting and keeping two batches in flight, so that one
     * is applied while the one before it syncs; an order is acknowledged once the sync that
     * covers its batch is done */
    th_engine_free(en);
    th_sequencer *seq = th_sequencer_start(db, &bench_key, 0, (size_t)batch, &e);
    if (!seq) {
        fprintf(stderr, "bench: %s\n", e.msg);
        return 1;
    }
    size_t window = 2 * (size_t)batch;
    slot *slots = calloc(window, sizeof *slots);
    ring free_slots = {.slot = malloc(window * sizeof(size_t)), .lat = malloc((size_t)orders * sizeof(double))};
    pthread_mutex_init(&free_slots.mu, NULL);
    pthread_cond_init(&free_slots.cv, NULL);
    for (size_t i = 0; i < window; i++) {
        slots[i].ring = &free_slots;
        th_cmd_result_init(&slots[i].res);
        free_slots.slot[free_slots.nfree++] = i;
        slots[i].index = i;
    }
    uint64_t x = 0x9E3779B97F4A7C15ull;
    int64_t next_id = 1;
    double t0 = bench_now();
    for (long o = 0; o < orders; o++) {
        pthread_mutex_lock(&free_slots.mu);
        while (free_slots.nfree == 0)
            pthread_cond_wait(&free_slots.cv, &free_slots.mu);
        slot *sl = &slots[free_slots.slot[--free_slots.nfree]];
        pthread_mutex_unlock(&free_slots.mu);
        th_cmd *c = &sl->cmd;
        uint64_t k = next(&x) % 100;
        memset(c, 0, sizeof *c);
        sl->n = o;
        if (k < 15 && next_id > 100) { /* cancel an order placed a while ago */
            c->type = TH_CMD_ORDER_CANCEL;
            snprintf(sl->id, sizeof sl->id, "%lld",
                     (long long)(next_id - 1 - (int64_t)(next(&x) % 2000)));
            c->order_id = sl->id;
        } else {
            bool buy = next(&x) & 1;
            /* resting: 1 to 60 ticks behind the mid; crossing: up to 30 ticks through it */
            int64_t off = k < 30 ? -(int64_t)(next(&x) % 30) : (int64_t)(next(&x) % 60) + 1;
            c->type = TH_CMD_ORDER_ADD;
            c->order = (th_order_new){.account = names[next(&x) % ACCOUNTS],
                                      .instrument = "SG24",
                                      .side = buy ? "buy" : "sell",
                                      .price = buy ? 5850 - off : 5850 + off,
                                      .qty = (int64_t)(next(&x) % 20) + 1};
            next_id++;
        }
        sl->at = bench_now();
        if (th_sequencer_submit_async(seq, c, &sl->res, acked, sl) != 0) {
            fprintf(stderr, "bench: %s\n", sl->res.err.msg);
            return 1;
        }
    }
    pthread_mutex_lock(&free_slots.mu);
    while (free_slots.nfree < window)
        pthread_cond_wait(&free_slots.cv, &free_slots.mu);
    pthread_mutex_unlock(&free_slots.mu);
    double elapsed = bench_now() - t0;
    th_sequencer_stats stats;
    th_sequencer_stats_get(seq, &stats);
    th_sequencer_stop(seq); /* closes db */
    long failed = free_slots.failed;
    double *lat = free_slots.lat;
    if (th_db_open(path, TH_DB_READ, &db, &e)) {
        fprintf(stderr, "bench: %s\n", e.msg);
        return 1;
    }
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
    qsort(lat, (size_t)orders, sizeof *lat, by_double);
    printf("{\"bench\":\"market\",\"orders\":%ld,\"batch\":%d,\"durable_orders_per_sec\":%.0f,"
           "\"trades\":%lld,\"orders_refused\":%ld,\"open_orders\":%lld,\"p99_ack_us\":%.0f,"
           "\"p50_ack_us\":%.0f,\"mean_batch\":%.1f}\n",
           orders, batch, (double)orders / elapsed, (long long)trades, failed, (long long)open,
           lat[(size_t)((double)(orders - 1) * 0.99)] * 1e6, lat[orders / 2] * 1e6,
           stats.batches ? (double)stats.commands / (double)stats.batches : 0.0);
    for (int i = 0; i < batch; i++)
        th_cmd_result_free(&r[i]);
    for (size_t i = 0; i < window; i++)
        th_cmd_result_free(&slots[i].res);
    free(slots);
    free(free_slots.slot);
    free(r);
    free(lat);
    th_db_close(db);
    th_db_unlink(path);
    rmdir(dir);
    return 0;
}
