/* bench_check.c — `tanhui check` as a registry grows: a registry with N retirements (default
 * 8,000; TANHUI_BENCH_RETIREMENTS) and one with 4N, each checked in full; the baseline is the
 * smaller one, measured in the same run, so the ratio shows how check scales (4 is linear, 16 is
 * quadratic). Databases in build/bench-data (or TANHUI_BENCH_DIR). Prints one JSON line. */
#include "bench_registry.h"
#include "ledger/check.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* A registry of n retirements of 3 credits each; the seconds a full check takes, or -1. */
static double registry_check(const char *dir, long n)
{
    char path[600];
    snprintf(path, sizeof path, "%s/check-%ld.db", dir, n);
    th_db_unlink(path);
    th_db *db;
    th_err e;
    if (th_db_open(path, TH_DB_CREATE, &db, &e)) {
        fprintf(stderr, "bench: %s\n", e.msg);
        return -1;
    }
    th_engine *en = th_engine_new(db);
    enum { B = 1000 };
    static th_cmd_result r[B];
    static th_cmd c[B];
    for (int i = 0; i < B; i++)
        th_cmd_result_init(&r[i]);
    double secs = -1;
    if (bench_registry(en, 10000000, r))
        goto finish;
    for (int i = 0; i < B; i++) {
        c[i] = (th_cmd){.type = TH_CMD_RETIRE};
        c[i].move = (th_move){.from = "O", .qty = 3, .beneficiary = "b", .reason = "r"};
    }
    for (long done = 0; done < n; done += B)
        if (bench_apply(en, c, (size_t)(n - done < B ? n - done : B), r))
            goto finish;
    th_buf out;
    th_buf_init(&out);
    double t0 = bench_now();
    int rc = th_registry_check(db, &out, &e);
    secs = bench_now() - t0;
    th_buf_free(&out);
    if (rc != 0) {
        fprintf(stderr, "bench: check failed: %s\n", e.msg);
        secs = -1;
    }
finish:
    for (int i = 0; i < B; i++)
        th_cmd_result_free(&r[i]);
    th_engine_free(en);
    th_db_close(db);
    return secs;
}

int main(void)
{
    const char *dir = getenv("TANHUI_BENCH_DIR") ? getenv("TANHUI_BENCH_DIR") : "build/bench-data";
    long n = getenv("TANHUI_BENCH_RETIREMENTS") ? atol(getenv("TANHUI_BENCH_RETIREMENTS")) : 8000;
    if (n < 1)
        return 2;
    mkdir("build", 0755);
    mkdir(dir, 0755);
    double small = registry_check(dir, n), big = registry_check(dir, 4 * n);
    if (small < 0 || big < 0)
        return 1;
    printf("{\"bench\":\"check\",\"retirements\":%ld,\"check_s\":%.3f,\"retirements_4x\":%ld,"
           "\"check_4x_s\":%.3f,\"ratio\":%.2f}\n", n, small, 4 * n, big, big / small);
    return 0;
}
