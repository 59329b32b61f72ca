/* bench_ledger.c — durable transfers per second through the sequencer, with group commit (a
 * batch of commands, one transaction, one fsync) against one transaction per command, in the
 * same run on the same database file (build/bench-data/ledger.db, or TANHUI_BENCH_DIR).
 * TANHUI_BENCH_TRANSFERS (default 20000) and TANHUI_BENCH_BATCH (default 1000) set the size;
 * TANHUI_BENCH_ONLY=grouped skips the one-commit half (for profiling the batch path alone).
 * Every transfer is logged and every batch signs a checkpoint, as in use (bench-tlog measures
 * what that costs).
 * Prints one JSON line: durable_transfers_per_sec, single_commit_transfers_per_sec, ratio. */
#include "bench_registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
    const char *dir = getenv("TANHUI_BENCH_DIR") ? getenv("TANHUI_BENCH_DIR") : "build/bench-data";
    long total = getenv("TANHUI_BENCH_TRANSFERS") ? atol(getenv("TANHUI_BENCH_TRANSFERS")) : 20000;
    long batch = getenv("TANHUI_BENCH_BATCH") ? atol(getenv("TANHUI_BENCH_BATCH")) : 1000;
    if (total < 2 || batch < 1 || batch > total)
        return 2;
    mkdir("build", 0755);
    mkdir(dir, 0755);
    char path[600];
    snprintf(path, sizeof path, "%s/ledger.db", dir);
    th_db *db;
    th_engine *en = bench_engine(path, &db);
    if (!en)
        return 1;
    th_cmd_result *r = calloc((size_t)batch, sizeof *r);
    th_cmd *c = calloc((size_t)batch, sizeof *c);
    for (long i = 0; i < batch; i++)
        th_cmd_result_init(&r[i]);
    /* a registry with credits to move: one project, one report of a million credits */
    if (bench_registry(en, 1000000, r))
        return 1;
    /* transfers of one credit back and forth: the block splits and the rows grow, as in use */
    for (long i = 0; i < batch; i++) {
        c[i].type = TH_CMD_TRANSFER;
        c[i].move = (th_move){.from = i % 2 ? "A" : "O", .to = i % 2 ? "O" : "A", .qty = 1};
    }
    long half = total / 2;
    double t0 = bench_now();
    for (long done = 0; done < half; done += batch)
        if (bench_apply(en, c, (size_t)(half - done < batch ? half - done : batch), r))
            return 1;
    double grouped = bench_now() - t0;
    const char *only = getenv("TANHUI_BENCH_ONLY");
    long singles = only && strcmp(only, "grouped") == 0 ? 0 : half;
    t0 = bench_now();
    for (long done = 0; done < singles; done++)
        if (bench_apply(en, &c[done % 2], 1, r))
            return 1;
    double single = singles ? bench_now() - t0 : 0;
    printf("{\"bench\":\"ledger\",\"transfers\":%ld,\"batch\":%ld,\"grouped_s\":%.3f,"
           "\"single_s\":%.3f,\"durable_transfers_per_sec\":%.0f,"
           "\"single_commit_transfers_per_sec\":%.0f,\"ratio\":%.2f}\n",
           half * 2, batch, grouped, single, (double)half / grouped, singles ? (double)half / single : 0,
           single / grouped);
    for (long i = 0; i < batch; i++)
        th_cmd_result_free(&r[i]);
    free(r);
    free(c);
    th_engine_free(en);
    th_db_close(db);
    return 0;
}
