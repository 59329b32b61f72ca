/* bench_registry.h — what the registry benchmarks share: a clock, applying a batch that must
 * succeed, a fresh database file, and a registry with credits to move. Header-only (each
 * benchmark is one program). */
#ifndef TH_BENCH_REGISTRY_H
#define TH_BENCH_REGISTRY_H

#include "carbon/params_default.h"
#include "engine/engine.h"
#include "log/note.h"

#include <stdio.h>
#include <time.h>

static inline double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The key of bench_engine's engine (a sequencer of the same database signs with it too). */
static th_note_signer bench_key;

/* A new database at path (one there before is removed) and an engine on it that signs a
 * checkpoint per batch with a fresh key, as in use; NULL (said on stderr) if either fails. */
static inline th_engine *bench_engine(const char *path, th_db **db)
{
    th_err e;
    th_note_signer key;
    th_db_unlink(path);
    if (th_db_open(path, TH_DB_CREATE, db, &e) || th_note_generate("bench.tanhui/log", &key, &e)) {
        fprintf(stderr, "bench: %s\n", e.msg);
        return NULL;
    }
    /* the WAL checkpointed on a thread of its own, as by `tanhui serve` */
    if (th_db_checkpoint_in_background(*db, &e)) {
        fprintf(stderr, "bench: %s\n", e.msg);
        return NULL;
    }
    th_engine *en = th_engine_new(*db);
    th_engine_set_signer(en, &key, 0);
    bench_key = key;
    return en;
}

/* Apply a batch; -1 (said on stderr) if it or any command of it failed. */
static inline int bench_apply(th_engine *en, th_cmd *c, size_t n, th_cmd_result *r)
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

/* Accounts O (state), A (company), V (verifier); project P of O; `credits` issued to O. */
static inline int bench_registry(th_engine *en, int64_t credits, th_cmd_result *r)
{
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
                                      .vintage = 2024, .net_tco2e = (double)credits,
                                      .credits_total = credits, .owner_credits = credits};
    th_cmd verify = {.type = TH_CMD_REPORT_VERIFY, .report_id = "1", .verifier = "V"};
    th_cmd issue = {.type = TH_CMD_ISSUE, .report_id = "1"};
    return bench_apply(en, setup, 6, r) || bench_apply(en, &verify, 1, r) ||
                   bench_apply(en, &issue, 1, r)
               ? -1
               : 0;
}

#endif
