/* bench_ledger.c — durable transfers per second through the sequencer, with group commit (a
 * batch of commands, one transaction, one fsync) against one transaction per command, in the
 * same run on the same database file (build/bench-data/ledger.db, or TANHUI_BENCH_DIR).
 * TANHUI_BENCH_TRANSFERS (default 20000) and TANHUI_BENCH_BATCH (default 1000) set the size;
 * TANHUI_BENCH_ONLY=grouped skips the one-commit half (for profiling the batch path alone).
 * Prints one JSON line: durable_transfers_per_sec, single_commit_transfers_per_sec, ratio. */
#include "carbon/params_default.h"
#include "engine/engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int apply(th_engine *en, th_cmd *c, size_t n, th_cmd_result *r)
{
    th_err e;
    if (th_engine_apply(en, c, n, r, &e) != 0) {
        fprintf(stderr, "bench: %s\n", e.msg);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        if (r[i].status != 0) {
            fprintf(stderr, "bench: command %zu: %s\n", i, r[i].err.msg);
            return -1;
        }
    return 0;
}

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
    unlink(path);
    char side[700];
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    th_db *db;
    th_err e;
    if (th_db_open(path, TH_DB_CREATE, &db, &e)) {
        fprintf(stderr, "bench: %s\n", e.msg);
        return 1;
    }
    th_engine *en = th_engine_new(db);
    th_cmd_result *r = calloc((size_t)batch, sizeof *r);
    th_cmd *c = calloc((size_t)batch, sizeof *c);
    for (long i = 0; i < batch; i++)
        th_cmd_result_init(&r[i]);
    /* a registry with credits to move: one project, one report of a million credits */
    th_cmd setup[6] = {
        {.type = TH_CMD_INIT_REGISTRY},
        {.type = TH_CMD_ACCOUNT_ADD, .name = "O", .kind = "state"},
        {.type = TH_CMD_ACCOUNT_ADD, .name = "A", .kind = "company"},
        {.type = TH_CMD_ACCOUNT_ADD, .name = "V", .kind = "verifier"},
        {.type = TH_CMD_PROJECT_ADD},
        {.type = TH_CMD_REPORT_ADD},
    };
    setup[4].project = (th_project_new){.name = "P", .owner = "O", .buffer_pct_scaled = 0,
                                        .params_name = "default", .params_sha256 = "-",
                                        .params_csv = th_params_default_csv};
    setup[5].report = (th_report_new){.project = "P0001", .result_json = "{}",
                                      .period_start = "2019-01-01", .period_end = "2024-01-01",
                                      .vintage = 2024, .net_tco2e = 1e6,
                                      .credits_total = 1000000, .owner_credits = 1000000};
    th_cmd verify = {.type = TH_CMD_REPORT_VERIFY, .report_id = "1", .verifier = "V"};
    th_cmd issue = {.type = TH_CMD_ISSUE, .report_id = "1"};
    if (apply(en, setup, 6, r) || apply(en, &verify, 1, r) || apply(en, &issue, 1, r))
        return 1;
    /* transfers of one credit back and forth: the block splits and the rows grow, as in use */
    for (long i = 0; i < batch; i++) {
        c[i].type = TH_CMD_TRANSFER;
        c[i].move = (th_move){.from = i % 2 ? "A" : "O", .to = i % 2 ? "O" : "A", .qty = 1};
    }
    long half = total / 2;
    double t0 = now();
    for (long done = 0; done < half; done += batch)
        if (apply(en, c, (size_t)(half - done < batch ? half - done : batch), r))
            return 1;
    double grouped = now() - t0;
    const char *only = getenv("TANHUI_BENCH_ONLY");
    long singles = only && strcmp(only, "grouped") == 0 ? 0 : half;
    t0 = now();
    for (long done = 0; done < singles; done++)
        if (apply(en, &c[done % 2], 1, r))
            return 1;
    double single = singles ? now() - t0 : 0;
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
