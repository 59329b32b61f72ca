/* bench_tlog.c — the transparency log's costs, in one run:
 *
 *   appends_per_sec         leaves appended to a tree whose subtree hashes are kept in memory
 *                           (th_merkle_append_entries: the hashing and the bookkeeping, no
 *                           I/O), entries of ~300 bytes, TANHUI_BENCH_APPENDS of them
 *                           (default 1,000,000)
 *   stored_appends_per_sec  the same through the store (th_log_append_many: SQLite rows, in
 *                           transactions of 1,000), building the log the proofs are read from
 *   proofs_per_sec          inclusion proofs of random entries of that stored log, as
 *                           `tanhui log prove --json` makes them
 *   ledger_slowdown_pct     durable transfers in batches of 1,000 (bench-ledger's grouped half)
 *                           with the log (an entry per transfer, a checkpoint signed per batch)
 *                           against without it: 15 pairs of runs (TANHUI_BENCH_PAIRS) on fresh
 *                           databases, each pair back to back, in alternating order; the
 *                           median of the pairs' ratios (the throughputs printed are each
 *                           side's median)
 *
 * Prints one JSON line. The stored log lives in build/bench-data (or TANHUI_BENCH_DIR).
 * TANHUI_BENCH_LANES=16|8|1 caps SHA-256's lanes (to compare the widths on one machine).
 * The ledger's database checkpoints its WAL on a thread of its own, as `tanhui serve` does;
 * TANHUI_BENCH_CHECKPOINTS=writer leaves them in the commits (SQLite's default).
 * TANHUI_BENCH_ONLY=memory measures the first figure alone, TANHUI_BENCH_LEDGER=off|on runs one
 * side of the last (both to profile them). */
#include "bench_registry.h"

#include "base/mem.h"
#include "base/sha256.h"
#include "log/log_store.h"
#include "log/merkle.h"
#include "log/note.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Subtree hashes in memory: level l holds the complete subtrees of 2^l leaves, in order. */
typedef struct {
    uint8_t (*h[64])[TH_HASH];
    int64_t n[64], cap[64];
} mem_tree;

static int mem_get(void *arg, int level, int64_t index, uint8_t out[TH_HASH])
{
    mem_tree *t = arg;
    if (level >= 64 || index >= t->n[level])
        return -1;
    memcpy(out, t->h[level][index], TH_HASH);
    return 0;
}

static void mem_put(mem_tree *t, const th_merkle_node *nd)
{
    int l = nd->level;
    if (t->n[l] == t->cap[l]) {
        t->cap[l] = t->cap[l] ? t->cap[l] * 2 : 1024;
        t->h[l] = th_xrealloc(t->h[l], (size_t)t->cap[l] * TH_HASH);
    }
    memcpy(t->h[l][t->n[l]++], nd->hash, TH_HASH);
}

/* An entry like a transfer's: ~300 bytes of canonical JSON. */
static size_t entry(char *buf, size_t cap, int64_t i)
{
    return (size_t)snprintf(buf, cap,
                            "{\"blocks\":[{\"first\":%lld,\"last\":%lld,\"project\":1,\"vintage\":"
                            "2024}],\"from\":2,\"move\":%lld,\"qty\":1,\"request\":\"{}\","
                            "\"request_id\":\"bench-%lld\",\"time\":\"2026-11-27T12:00:00Z\","
                            "\"to\":3,\"type\":\"transfer\",\"beneficiary_note\":\"%s\"}",
                            (long long)i + 1, (long long)i + 1, (long long)i, (long long)i,
                            "padding to a typical entry's length, as a retirement's reason "
                            "and beneficiary would be");
}

/* Entries appended in batches of 1,000, as the engine seals them: the entries are made before
 * the clock starts (the ledger makes them, not the log). */
static double appends_in_memory(int64_t n)
{
    enum { BATCH = 1000 };
    mem_tree *t = th_xcalloc(1, sizeof *t);
    char *text = th_xmalloc((size_t)BATCH * 512);
    const uint8_t *msg[BATCH];
    size_t len[BATCH];
    th_merkle_node *nodes = th_xmalloc((2 * BATCH + 64) * sizeof *nodes);
    for (int j = 0; j < BATCH; j++) {
        msg[j] = (const uint8_t *)text + (size_t)j * 512;
        len[j] = entry(text + (size_t)j * 512, 512, j);
    }
    double t0 = bench_now();
    for (int64_t i = 0; i < n; i += BATCH) {
        size_t k = n - i < BATCH ? (size_t)(n - i) : BATCH, nn;
        if (th_merkle_append_entries(i, msg, len, k, mem_get, t, nodes, &nn))
            abort();
        for (size_t j = 0; j < nn; j++)
            mem_put(t, &nodes[j]);
    }
    double dt = bench_now() - t0;
    free(nodes);
    free(text);
    for (int l = 0; l < 64; l++)
        free(t->h[l]);
    free(t);
    return (double)n / dt;
}

static int stored_log(const char *path, int64_t n, double *per_sec, double *proofs_per_sec)
{
    th_db_unlink(path);
    th_db *db;
    th_err e;
    if (th_db_open(path, TH_DB_CREATE, &db, &e))
        return fprintf(stderr, "bench: %s\n", e.msg), -1;
    /* batches of 1,000 entries, each in a transaction of its own, as the engine appends them */
    enum { BATCH = 1000 };
    char *text = th_xmalloc((size_t)BATCH * 512);
    const uint8_t *msg[BATCH];
    size_t len[BATCH];
    double t0 = bench_now();
    for (int64_t i = 0; i < n; i += BATCH) {
        size_t k = n - i < BATCH ? (size_t)(n - i) : BATCH;
        for (size_t j = 0; j < k; j++) {
            msg[j] = (const uint8_t *)text + j * 512;
            len[j] = entry(text + j * 512, 512, i + (int64_t)j);
        }
        int64_t first;
        if (th_db_exec1(db, "BEGIN", &e) || th_log_append_many(db, msg, len, k, &first, &e) ||
            th_db_exec1(db, "COMMIT", &e))
            return fprintf(stderr, "bench: %s\n", e.msg), -1;
    }
    free(text);
    *per_sec = (double)n / (bench_now() - t0);
    uint64_t x = 88172645463325252u;
    th_buf out;
    th_buf_init(&out);
    int64_t proofs = 0;
    t0 = bench_now();
    double dt;
    do {
        for (int k = 0; k < 1000; k++, proofs++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            th_buf_reset(&out);
            if (th_log_prove_json(db, (int64_t)(x % (uint64_t)n), n, &out, &e))
                return fprintf(stderr, "bench: %s\n", e.msg), -1;
        }
        dt = bench_now() - t0;
    } while (dt < 2.0);
    *proofs_per_sec = (double)proofs / dt;
    th_buf_free(&out);
    th_db_close(db);
    return 0;
}

/* Seconds for `transfers` durable transfers in batches of 1,000 on a fresh database. */
static double ledger_run(const char *path, bool logged, const th_note_signer *key, long transfers)
{
    th_db_unlink(path);
    th_db *db;
    th_err e;
    if (th_db_open(path, TH_DB_CREATE, &db, &e))
        return fprintf(stderr, "bench: %s\n", e.msg), -1;
    /* checkpoints on their own thread, as the server runs them, unless told otherwise */
    const char *ck = getenv("TANHUI_BENCH_CHECKPOINTS");
    if (!(ck && strcmp(ck, "writer") == 0) && th_db_checkpoint_in_background(db, &e))
        return fprintf(stderr, "bench: %s\n", e.msg), -1;
    th_engine *en = th_engine_new(db);
    th_engine_set_logging(en, logged);
    if (logged)
        th_engine_set_signer(en, key, 0);
    enum { BATCH = 1000 };
    th_cmd_result *r = calloc(BATCH, sizeof *r);
    th_cmd *c = calloc(BATCH, sizeof *c);
    for (long i = 0; i < BATCH; i++)
        th_cmd_result_init(&r[i]);
    if (bench_registry(en, 1000000, r))
        return -1;
    for (long i = 0; i < BATCH; i++) {
        c[i].type = TH_CMD_TRANSFER;
        c[i].move = (th_move){.from = i % 2 ? "A" : "O", .to = i % 2 ? "O" : "A", .qty = 1};
    }
    double t0 = bench_now();
    for (long done = 0; done < transfers; done += BATCH)
        if (bench_apply(en, c, BATCH, r))
            return -1;
    double dt = bench_now() - t0;
    for (long i = 0; i < BATCH; i++)
        th_cmd_result_free(&r[i]);
    free(r);
    free(c);
    th_engine_free(en);
    th_db_close(db);
    return dt;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(void)
{
    const char *dir = getenv("TANHUI_BENCH_DIR") ? getenv("TANHUI_BENCH_DIR") : "build/bench-data";
    int64_t n = getenv("TANHUI_BENCH_APPENDS") ? atoll(getenv("TANHUI_BENCH_APPENDS")) : 1000000;
    long transfers = getenv("TANHUI_BENCH_TRANSFERS") ? atol(getenv("TANHUI_BENCH_TRANSFERS"))
                                                      : 20000;
    if (n < 2 || transfers < 1000)
        return 2;
    if (getenv("TANHUI_BENCH_LANES"))
        th_sha256_many_limit(atoi(getenv("TANHUI_BENCH_LANES")));
    mkdir("build", 0755);
    mkdir(dir, 0755);
    char path[600];

    double appends = appends_in_memory(n);
    if (getenv("TANHUI_BENCH_ONLY") && strcmp(getenv("TANHUI_BENCH_ONLY"), "memory") == 0) {
        printf("{\"bench\":\"tlog\",\"entries\":%lld,\"appends_per_sec\":%.0f}\n", (long long)n,
               appends);
        return 0;
    }

    double stored, proofs;
    snprintf(path, sizeof path, "%s/tlog.db", dir);
    if (stored_log(path, n, &stored, &proofs))
        return 1;
    th_db_unlink(path);

    th_note_signer key;
    th_err e;
    if (th_note_generate("bench.tanhui/log", &key, &e))
        return 1;
    enum { PAIRS_MAX = 99 };
    int PAIRS = getenv("TANHUI_BENCH_PAIRS") ? atoi(getenv("TANHUI_BENCH_PAIRS")) : 15;
    if (PAIRS < 1 || PAIRS > PAIRS_MAX)
        return 2;
    double off[PAIRS_MAX], on[PAIRS_MAX], ratio[PAIRS_MAX];
    snprintf(path, sizeof path, "%s/tlog-ledger.db", dir);
    /* TANHUI_BENCH_LEDGER=off|on runs one side only (to profile it): the other reads 1 s */
    const char *side = getenv("TANHUI_BENCH_LEDGER");
    for (int k = 0; k < PAIRS; k++) {
        bool run_off = !side || strcmp(side, "on") != 0, run_on = !side || strcmp(side, "off");
        /* every other pair runs the logged side first, so that neither side always follows
         * the other (what the first run leaves in the OS's caches, the clock's drift) */
        if (k % 2) {
            on[k] = run_on ? ledger_run(path, true, &key, transfers) : 1;
            off[k] = run_off ? ledger_run(path, false, &key, transfers) : 1;
        } else {
            off[k] = run_off ? ledger_run(path, false, &key, transfers) : 1;
            on[k] = run_on ? ledger_run(path, true, &key, transfers) : 1;
        }
        if (off[k] < 0 || on[k] < 0)
            return 1;
        ratio[k] = on[k] / off[k]; /* a pair runs back to back: the noise of the hour cancels */
    }
    th_db_unlink(path);
    qsort(off, (size_t)PAIRS, sizeof *off, by_value);
    qsort(on, (size_t)PAIRS, sizeof *on, by_value);
    qsort(ratio, (size_t)PAIRS, sizeof *ratio, by_value);
    double t_off = off[PAIRS / 2], t_on = on[PAIRS / 2];
    printf("{\"bench\":\"tlog\",\"entries\":%lld,\"appends_per_sec\":%.0f,"
           "\"stored_appends_per_sec\":%.0f,\"proofs_per_sec\":%.0f,\"transfers\":%ld,"
           "\"ledger_transfers_per_sec_without_log\":%.0f,"
           "\"ledger_transfers_per_sec_with_log\":%.0f,\"ledger_slowdown_pct\":%.1f}\n",
           (long long)n, appends, stored, proofs, transfers, (double)transfers / t_off,
           (double)transfers / t_on, (ratio[PAIRS / 2] - 1) * 100);
    return 0;
}
