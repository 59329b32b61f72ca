/* bench_book.c — the matching engine driven directly, with the loads the engines people compare
 * with publish (domain: market.md):
 *   --mix exchange-core  1,000 accounts; about 1,000 resting orders over about 750 price levels;
 *                        9 % GTC, 3 % IOC, 6 % cancel, 82 % move (replace); ~6 % trading;
 *   --mix liquibook      inserts only, buy and sell alternating, prices uniform over two 10-tick
 *                        bands overlapping by 6 ticks, quantity 100-1000.
 * The command stream is made first (by a generator that runs its own book to know which orders
 * are live), so the timed runs replay a fixed array. Two timed runs on fresh books: one without
 * any per-command timing (throughput), one reading the TSC around each command into a log-linear
 * histogram (percentiles; the cost of a timer read, measured alone, is subtracted). The baseline,
 * in the same run: the loop over the commands into a function that does nothing. Prints one JSON
 * line: commands_per_sec, p50_ns, p99_ns, p999_ns, trades, the shape of the book, and
 * harness_floor_commands_per_sec. */
#include "market/book.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <x86intrin.h>

typedef struct {
    uint8_t op; /* 'O' limit, 'C' cancel, 'R' replace */
    uint8_t side, tif;
    int64_t id, account, price, qty;
} command;

static uint64_t rng = 0x2545F4914F6CDD1Du;
static uint64_t rnd(void)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return rng;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- the generator's view of the book: live orders, from the events ---- */

typedef struct {
    int64_t *ids; /* live order ids, unordered */
    int32_t *pos; /* id -> index in ids, or -1 */
    int64_t *price;
    uint8_t *side;
    int64_t n, cap;
} live_set;

static void live_add(live_set *l, int64_t id, int64_t price, int side)
{
    l->pos[id] = (int32_t)l->n;
    l->ids[l->n++] = id;
    l->price[id] = price;
    l->side[id] = (uint8_t)side;
}

static void live_del(live_set *l, int64_t id)
{
    int32_t p = l->pos[id];
    if (p < 0)
        return;
    int64_t last = l->ids[--l->n];
    l->ids[p] = last;
    l->pos[last] = p;
    l->pos[id] = -1;
}

/* Cancelled orders leave the set at once; traded ones are checked after the command (a
 * callback may not look into the book). */
static int64_t touched[4096];
static int ntouched;
static void gen_event(const th_book_event *ev, void *arg)
{
    live_set *l = arg;
    if (ev->type == TH_EV_CANCELLED) {
        live_del(l, ev->id);
    } else if (ev->type == TH_EV_TRADE) {
        if (ntouched + 2 <= 4096) {
            touched[ntouched++] = ev->id;
            touched[ntouched++] = ev->sell_id;
        }
    }
}

static th_book *gen_book;

static void settle(live_set *l)
{
    for (int i = 0; i < ntouched; i++)
        if (!th_book_has(gen_book, touched[i]))
            live_del(l, touched[i]);
    ntouched = 0;
}

static command *make_exchange_core(long n)
{
    command *c = malloc((size_t)n * sizeof *c);
    live_set l = {0};
    l.cap = n + 2;
    l.ids = malloc((size_t)l.cap * sizeof *l.ids);
    l.pos = malloc((size_t)l.cap * sizeof *l.pos);
    l.price = malloc((size_t)l.cap * sizeof *l.price);
    l.side = malloc((size_t)l.cap);
    for (long i = 0; i < l.cap; i++)
        l.pos[i] = -1;
    th_book_config cfg = {.stp = TH_STP_OFF, .pick_depth = 5};
    gen_book = th_book_new(&cfg, gen_event, &l);
    const int64_t mid = 100000;
    int64_t next = 1;
    for (long i = 0; i < n; i++) {
        command *k = &c[i];
        unsigned r = (unsigned)(rnd() % 100);
        if ((r < 9 && l.n < 1100) || l.n < 900) {
            /* GTC: mostly inside its side's range, now and then across the spread */
            th_side side = rnd() & 1 ? TH_BUY : TH_SELL;
            int64_t off = 1 + (int64_t)(rnd() % 375);
            if (rnd() % 100 < 8)
                off = -(int64_t)(rnd() % 3);
            int64_t price = side == TH_BUY ? mid - off : mid + off;
            *k = (command){'O', (uint8_t)side, TH_GTC, next++, 1 + (int64_t)(rnd() % 1000),
                           price, 1 + (int64_t)(rnd() % 100)};
        } else if (r < 12 || (r < 9 && l.n >= 1100)) {
            th_side side = rnd() & 1 ? TH_BUY : TH_SELL;
            int64_t price = side == TH_BUY ? mid + 2 : mid - 2;
            *k = (command){'O', (uint8_t)side, TH_IOC, next++, 1 + (int64_t)(rnd() % 1000),
                           price, 1 + (int64_t)(rnd() % 50)};
        } else if (r < 18) {
            int64_t id = l.ids[rnd() % (uint64_t)l.n];
            *k = (command){.op = 'C', .id = id};
        } else {
            /* move: a few ticks, staying on its side, rarely across */
            int64_t id = l.ids[rnd() % (uint64_t)l.n];
            int64_t p = l.price[id] + (int64_t)(rnd() % 11) - 5;
            bool buy = l.side[id] == TH_BUY;
            if (rnd() % 1000 < 35) {
                p = buy ? mid + (int64_t)(rnd() % 3) : mid - (int64_t)(rnd() % 3); /* across */
            } else {
                if (buy && p >= mid)
                    p = mid - 1 - (int64_t)(rnd() % 5);
                if (!buy && p <= mid)
                    p = mid + 1 + (int64_t)(rnd() % 5);
            }
            if (p < 1)
                p = 1;
            *k = (command){.op = 'R', .id = id, .price = p, .qty = 1 + (int64_t)(rnd() % 100)};
        }
        /* run it on the generator's book, and keep its live set */
        if (k->op == 'O') {
            th_book_limit(gen_book, k->id, k->account, (th_side)k->side, k->price, k->qty,
                          (th_tif)k->tif);
            settle(&l);
            if (th_book_has(gen_book, k->id))
                live_add(&l, k->id, k->price, k->side);
        } else if (k->op == 'C') {
            th_book_cancel(gen_book, k->id);
            settle(&l);
        } else {
            int side = l.side[k->id];
            th_book_replace(gen_book, k->id, k->price, k->qty);
            settle(&l);
            live_del(&l, k->id);
            if (th_book_has(gen_book, k->id))
                live_add(&l, k->id, k->price, side);
        }
    }
    th_book_free(gen_book);
    free(l.ids);
    free(l.pos);
    free(l.price);
    free(l.side);
    return c;
}

static command *make_liquibook(long n)
{
    command *c = malloc((size_t)n * sizeof *c);
    for (long i = 0; i < n; i++) {
        th_side side = i % 2 ? TH_SELL : TH_BUY;
        /* buys over [1000, 1009], sells over [1004, 1013]: 6 ticks in common */
        int64_t price = (side == TH_BUY ? 1000 : 1004) + (int64_t)(rnd() % 10);
        c[i] = (command){'O', (uint8_t)side, TH_GTC, i + 1, 1 + (int64_t)(rnd() % 1000), price,
                         100 + (int64_t)(rnd() % 901)};
    }
    return c;
}

/* ---- the timed runs ---- */

/* The baseline in the same run: the same loop over the same commands into a function that does
 * nothing, the floor under any engine driven this way. */
static volatile int64_t sink;
__attribute__((noinline)) static void nothing(const command *k) { sink += k->qty; }

static long trades;
static void count_event(const th_book_event *ev, void *arg)
{
    (void)arg;
    trades += ev->type == TH_EV_TRADE;
}

static inline void apply(th_book *b, const command *k)
{
    if (k->op == 'O')
        th_book_limit(b, k->id, k->account, (th_side)k->side, k->price, k->qty, (th_tif)k->tif);
    else if (k->op == 'C')
        th_book_cancel(b, k->id);
    else
        th_book_replace(b, k->id, k->price, k->qty);
}

/* Log-linear buckets: exact below 1024 ticks, then 512 per power of two (0.2 %). */
enum { SUB = 512, NBUCKET = 1024 + 40 * SUB };
static size_t bucket(uint64_t v)
{
    if (v < 1024)
        return v;
    int e = 63 - __builtin_clzll(v); /* >= 10 */
    return 1024 + (size_t)(e - 10) * SUB + (size_t)((v >> (e - 9)) - SUB);
}
static uint64_t bucket_value(size_t i)
{
    if (i < 1024)
        return i;
    size_t e = (i - 1024) / SUB + 10, sub = (i - 1024) % SUB + SUB;
    return (uint64_t)sub << (e - 9);
}

static uint64_t percentile(const uint64_t *h, uint64_t total, double q)
{
    uint64_t want = (uint64_t)(q * (double)total), seen = 0;
    for (size_t i = 0; i < NBUCKET; i++) {
        seen += h[i];
        if (seen > want)
            return bucket_value(i);
    }
    return bucket_value(NBUCKET - 1);
}

int main(int argc, char **argv)
{
    const char *mix = "exchange-core";
    long n = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--mix") == 0 && i + 1 < argc)
            mix = argv[++i];
        else if (strcmp(argv[i], "--commands") == 0 && i + 1 < argc)
            n = atol(argv[++i]);
        else {
            fprintf(stderr, "usage: bench-book [--mix exchange-core|liquibook] [--commands N]\n");
            return 2;
        }
    }
    bool ec = strcmp(mix, "exchange-core") == 0;
    if (!ec && strcmp(mix, "liquibook") != 0) {
        fprintf(stderr, "bench-book: --mix is exchange-core or liquibook\n");
        return 2;
    }
    if (n <= 0)
        n = ec ? 20000000 : 10000000;
    command *c = ec ? make_exchange_core(n) : make_liquibook(n);
    th_book_config cfg = {.stp = TH_STP_OFF, .pick_depth = 5};

    /* throughput: no timing inside the loop */
    trades = 0;
    th_book *b = th_book_new(&cfg, count_event, NULL);
    th_book_reserve(b, ec ? 4096 : n);
    double t0 = now();
    for (long i = 0; i < n; i++)
        apply(b, &c[i]);
    double secs = now() - t0;
    long run_trades = trades;
    int64_t resting = th_book_live_orders(b);
    int levels = th_book_levels(b, TH_BUY) + th_book_levels(b, TH_SELL);
    th_book_free(b);

    double f0 = now();
    for (long i = 0; i < n; i++)
        nothing(&c[i]);
    double floor_secs = now() - f0;

    /* latency: the TSC around each command, into the histogram */
    uint64_t *h = calloc(NBUCKET, sizeof *h);
    uint64_t overhead = UINT64_MAX;
    for (int i = 0; i < 1000; i++) {
        uint64_t a = __rdtsc(), z = __rdtsc();
        overhead = z - a < overhead ? z - a : overhead;
    }
    b = th_book_new(&cfg, count_event, NULL);
    th_book_reserve(b, ec ? 4096 : n);
    double w0 = now();
    uint64_t c0 = __rdtsc();
    for (long i = 0; i < n; i++) {
        uint64_t a = __rdtsc();
        apply(b, &c[i]);
        uint64_t z = __rdtsc() - a;
        h[bucket(z > overhead ? z - overhead : 0)]++;
    }
    double ns_per_tick = (now() - w0) * 1e9 / (double)(__rdtsc() - c0);
    th_book_free(b);
    printf("{\"bench\":\"book\",\"mix\":\"%s\",\"commands\":%ld,\"seconds\":%.3f,"
           "\"commands_per_sec\":%.0f,\"p50_ns\":%.0f,\"p99_ns\":%.0f,\"p999_ns\":%.0f,"
           "\"trades\":%ld,\"trading_pct\":%.1f,\"resting_at_end\":%lld,\"levels_at_end\":%d,"
           "\"harness_floor_commands_per_sec\":%.0f}\n",
           mix, n, secs, (double)n / secs, (double)percentile(h, (uint64_t)n, 0.50) * ns_per_tick,
           (double)percentile(h, (uint64_t)n, 0.99) * ns_per_tick,
           (double)percentile(h, (uint64_t)n, 0.999) * ns_per_tick, run_trades,
           100.0 * (double)run_trades / (double)n, (long long)resting, levels,
           (double)n / floor_secs);
    free(h);
    free(c);
    return 0;
}
