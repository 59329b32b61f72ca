/* test_crash.c — the engine (the registry, then the exchange) under injected fsync failures and
 * power cuts (crash_vfs.h), with an injected clock. Each round arms a failure at a random sync,
 * runs batches of random transfers with request ids until the power goes, undoes what a crash
 * loses (keeping none, a random part or all of what was in flight), reopens, and checks: every
 * acknowledged request is there with its first result; the batch in flight is there whole or not
 * at all; holdings match a model of the acknowledged commands; `check` passes; the transparency
 * log holds exactly the changes that are there (its tree, its checkpoints, and its replay equal
 * to the registry: every round of `make test`'s 40, every fiftieth of `make check-long`'s 300).
 * The exchange's test does the same with orders (see it). */
#include "test.h"

#include "carbon/params_default.h"
#include "crash_vfs.h"
#include "engine/engine.h"
#include "engine/log_replay.h"
#include "ledger/check.h"
#include "ledger/issuance.h"
#include "registry_fixture.h"
#include "store_fixture.h"

#include <stdlib.h>
#include <unistd.h>

enum { NACCT = 4, BATCH = 6, MAXBATCHES = 12 };
static const char *const accounts[NACCT] = {"O", "A", "B", "C"};

/* The injected clock: one tick a batch, so a replayed result shows which batch made it. */
static void tick(char out[32], void *arg)
{
    int *t = arg;
    (*t)++;
    snprintf(out, 32, "2026-01-01T00:%02d:%02dZ", (*t / 60) % 60, *t % 60);
}

static uint64_t rnd(uint64_t *x)
{
    *x ^= *x << 13, *x ^= *x >> 7, *x ^= *x << 17;
    return *x;
}

/* The stored result of request `id`, or NULL (the caller frees it). */
static char *stored(th_db *db, const char *id)
{
    sqlite3_stmt *st;
    th_err e;
    char *out = NULL;
    if (th_db_prepare(db, "SELECT result FROM requests WHERE id = ?", &st, &e) != 0)
        return NULL;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        out = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return out;
}

static int apply_one(th_engine *en, th_cmd c)
{
    th_cmd_result r;
    th_cmd_result_init(&r);
    th_err e;
    int rc = th_engine_apply(en, &c, 1, &r, &e);
    rc = rc ? rc : r.status;
    th_cmd_result_free(&r);
    return rc;
}

static th_note_signer log_key;

static bool make_registry(const char *path)
{
    th_db *db;
    th_err e;
    if (th_note_generate("crash.test/log", &log_key, &e) != 0 ||
        th_db_open(path, TH_DB_CREATE, &db, &e) != 0)
        return false;
    th_engine *en = th_engine_new(db);
    th_engine_set_signer(en, &log_key, 0);
    bool ok = apply_one(en, (th_cmd){.type = TH_CMD_INIT_REGISTRY}) == 0;
    static const char *const kinds[NACCT] = {"state", "company", "household", "collective"};
    for (int i = 0; i < NACCT; i++)
        ok = ok && apply_one(en, (th_cmd){.type = TH_CMD_ACCOUNT_ADD, .name = accounts[i],
                                          .kind = kinds[i]}) == 0;
    ok = ok && apply_one(en, (th_cmd){.type = TH_CMD_ACCOUNT_ADD, .name = "V",
                                      .kind = "verifier"}) == 0;
    th_cmd p = {.type = TH_CMD_PROJECT_ADD};
    p.project = (th_project_new){.name = "P", .owner = "O", .params_name = "default",
                                 .params_sha256 = "-", .params_csv = th_params_default_csv};
    th_cmd r = {.type = TH_CMD_REPORT_ADD};
    r.report = (th_report_new){.project = "P0001", .result_json = "{}",
                               .period_start = "2019-01-01", .period_end = "2024-01-01",
                               .vintage = 2024, .net_tco2e = 100000, .credits_total = 100000,
                               .owner_credits = 100000};
    ok = ok && apply_one(en, p) == 0 && apply_one(en, r) == 0 &&
         apply_one(en, (th_cmd){.type = TH_CMD_REPORT_VERIFY, .report_id = "1",
                                .verifier = "V"}) == 0 &&
         apply_one(en, (th_cmd){.type = TH_CMD_ISSUE, .report_id = "1"}) == 0;
    th_engine_free(en);
    th_db_close(db);
    return ok;
}

typedef struct {
    char id[BATCH][48];
    int from[BATCH], to[BATCH];
    int64_t qty[BATCH];
    bool ok[BATCH];          /* acknowledged as applied */
    char *result[BATCH];     /* its acknowledged result */
} batch;

/* The crash VFS installed and a registry made at path (in the test directory): false, the test
 * failed and the VFS gone, when either cannot be. */
static bool crash_start(const char *name, char path[512])
{
    if (th_crashvfs_install() != 0) {
        th_test_fail(__FILE__, __LINE__, "cannot install the crash VFS");
        return false;
    }
    snprintf(path, 512, "%s/%s", th_test_tmpdir(), name);
    unlink(path);
    if (make_registry(path))
        return true;
    th_test_fail(__FILE__, __LINE__, "cannot make the registry");
    th_crashvfs_uninstall();
    return false;
}

TEST(engine_survives_fsync_failures_and_power_cuts)
{
    char path[512];
    if (!crash_start("crash.db", path))
        return;
    int64_t model[NACCT] = {100000, 0, 0, 0};
    uint64_t x = 20261127;
    int clock = 0, rounds = th_test_long() ? 300 : 40;
    int crashes = 0, failures = 0, present_in_flight = 0, kept_writes = 0;
    static batch b[MAXBATCHES];
    for (int round = 0; round < rounds; round++) {
        th_db *db;
        th_err e;
        if (th_db_open(path, TH_DB_WRITE, &db, &e) != 0) {
            th_test_fail(__FILE__, __LINE__, "round %d: reopen: %s", round, e.msg);
            break;
        }
        th_engine *en = th_engine_new(db);
        th_engine_set_clock(en, tick, &clock);
        th_engine_set_signer(en, &log_key, 0);
        bool crash = rnd(&x) % 4 != 0;
        th_crashvfs_arm(crash ? TH_CRASH_CRASH : TH_CRASH_FAIL, 1 + (int)(rnd(&x) % 8));
        int nb = 0, in_flight = -1;
        for (; nb < MAXBATCHES && !th_crashvfs_crashed(); nb++) {
            batch *k = &b[nb];
            th_cmd cmds[BATCH];
            th_cmd_result res[BATCH];
            for (int i = 0; i < BATCH; i++) {
                uint64_t v = rnd(&x);
                k->from[i] = (int)(v % NACCT);
                k->to[i] = (int)((v >> 8) % NACCT);
                k->qty[i] = (int64_t)((v >> 16) % 400) - 20; /* some impossible */
                snprintf(k->id[i], sizeof k->id[i], "r%d-b%d-c%d", round, nb, i);
                k->ok[i] = false;
                k->result[i] = NULL;
                memset(&cmds[i], 0, sizeof cmds[i]);
                cmds[i].type = TH_CMD_TRANSFER;
                cmds[i].request_id = k->id[i];
                cmds[i].move = (th_move){.from = accounts[k->from[i]], .to = accounts[k->to[i]],
                                         .qty = k->qty[i]};
                th_cmd_result_init(&res[i]);
            }
            if (th_engine_apply(en, cmds, BATCH, res, &e) == 0) {
                for (int i = 0; i < BATCH; i++)
                    if (res[i].status == 0) {
                        k->ok[i] = true;
                        k->result[i] = strdup(res[i].result.p);
                        model[k->from[i]] -= k->qty[i];
                        model[k->to[i]] += k->qty[i];
                    }
            } else {
                in_flight = nb; /* not acknowledged: there whole or not at all */
                for (int i = 0; i < BATCH; i++)
                    CHECK_INT(res[i].status, -1);
                failures += !th_crashvfs_crashed();
            }
            for (int i = 0; i < BATCH; i++)
                th_cmd_result_free(&res[i]);
            if (in_flight >= 0 && th_crashvfs_crashed())
                break;
            if (in_flight >= 0) {
                nb++;
                break; /* an fsync failed: the round ends here, cleanly */
            }
        }
        th_engine_free(en);
        th_db_close(db);
        if (th_crashvfs_crashed()) {
            crashes++;
            /* the disk kept none, some, or all of what was written since the last sync */
            uint64_t v = rnd(&x);
            size_t keep = v % 3 == 0 ? SIZE_MAX : (size_t)(v >> 8) % 12;
            size_t unsynced = th_crashvfs_recover(keep);
            kept_writes += (int)(keep < unsynced ? keep : unsynced);
        } else {
            th_crashvfs_recover(0);
        }
        if (th_db_open(path, TH_DB_WRITE, &db, &e) != 0) {
            th_test_fail(__FILE__, __LINE__, "round %d: after the crash: %s", round, e.msg);
            break;
        }
        /* the acknowledged are all there, with their first results */
        for (int n = 0; n < nb; n++)
            for (int i = 0; i < BATCH; i++) {
                if (!b[n].ok[i])
                    continue;
                char *s = stored(db, b[n].id[i]);
                if (!s || strcmp(s, b[n].result[i]) != 0)
                    th_test_fail(__FILE__, __LINE__, "round %d: acknowledged %s %s", round,
                                 b[n].id[i], s ? "has another result" : "is lost");
                free(s);
                free(b[n].result[i]);
            }
        /* the batch in flight: replay the model over it and see it whole or absent */
        if (in_flight >= 0) {
            batch *k = &b[in_flight];
            int64_t m[NACCT];
            memcpy(m, model, sizeof m);
            int want = 0, there = 0;
            for (int i = 0; i < BATCH; i++) {
                bool possible = k->qty[i] > 0 && k->qty[i] <= m[k->from[i]] &&
                                k->from[i] != k->to[i];
                char *s = stored(db, k->id[i]);
                there += s != NULL;
                if (s && !possible)
                    th_test_fail(__FILE__, __LINE__, "round %d: %s applied, impossible", round,
                                 k->id[i]);
                free(s);
                if (possible) {
                    want++;
                    m[k->from[i]] -= k->qty[i];
                    m[k->to[i]] += k->qty[i];
                }
            }
            if (there != 0 && there != want)
                th_test_fail(__FILE__, __LINE__, "round %d: batch in flight half there: %d of %d",
                             round, there, want);
            if (there) {
                present_in_flight++;
                memcpy(model, m, sizeof m);
            }
        }
        for (int a = 0; a < NACCT; a++)
            if (th_test_held(db, accounts[a]) != model[a])
                th_test_fail(__FILE__, __LINE__, "round %d: %s holds %lld, model %lld", round,
                             accounts[a], (long long)th_test_held(db, accounts[a]), (long long)model[a]);
        th_buf out;
        th_buf_init(&out);
        if (th_registry_check(db, &out, &e) != 0)
            th_test_fail(__FILE__, __LINE__, "round %d: check: %s", round, e.msg);
        th_buf_free(&out);
        /* the audit replays the whole log: every round in make test, every fiftieth (and the last)
         * in check-long's 300, so that the test stays linear in its rounds */
        bool audit_now = rounds <= 40 || round % 50 == 0 || round == rounds - 1;
        th_log_verified verified;
        if (audit_now && th_log_audit(db, &log_key.v, &verified, &e) != 0)
            th_test_fail(__FILE__, __LINE__, "round %d: the log: %s", round, e.msg);
        /* a retry of an acknowledged request after the crash gets its first result */
        if (nb > 0 && b[0].ok[0]) {
            th_engine *en2 = th_engine_new(db);
            th_engine_set_clock(en2, tick, &clock);
            th_cmd c = {.type = TH_CMD_TRANSFER, .request_id = b[0].id[0]};
            c.move = (th_move){.from = accounts[b[0].from[0]], .to = accounts[b[0].to[0]],
                               .qty = b[0].qty[0]};
            th_cmd_result r;
            th_cmd_result_init(&r);
            CHECK_INT(th_engine_apply(en2, &c, 1, &r, &e), 0);
            CHECK(r.replayed);
            th_cmd_result_free(&r);
            th_engine_free(en2);
        }
        th_db_close(db);
    }
    th_crashvfs_uninstall();
    if (getenv("TANHUI_TEST_VERBOSE"))
        fprintf(stderr, "crash test: %d rounds, %d power cuts, %d fsync failures, %d writes kept,"
                        " %d batches in flight found whole\n", rounds, crashes, failures,
                kept_writes, present_in_flight);
    /* the test must have exercised what it claims to */
    CHECK(crashes > rounds / 2);
    CHECK(failures > 0);
    CHECK(kept_writes > 0);
    CHECK(present_in_flight > 0);
}

/* The exchange under the same power cuts and fsync failures: rounds of random orders, cancels and
 * replaces with request ids between accounts holding credits and cash. After every crash: each
 * acknowledged order is there with its first result; `check` passes (reservations, fills, cash
 * to the fen); the log replays to exactly the registry that is there (so the batch in flight is
 * whole or absent: a part of it without its entries, or entries without their change, would not
 * replay to it); and the next round's engine loads the books again from the open orders and
 * trades on them. */
TEST(exchange_survives_fsync_failures_and_power_cuts)
{
    char path[512];
    if (!crash_start("crash-ex.db", path))
        return;
    bool ok = true;
    th_db *db;
    th_err e;
    if (ok && th_db_open(path, TH_DB_WRITE, &db, &e) == 0) {
        th_engine *en = th_engine_new(db);
        th_engine_set_signer(en, &log_key, 0);
        for (int a = 1; a < NACCT && ok; a++) {
            th_cmd t = {.type = TH_CMD_TRANSFER}, d = {.type = TH_CMD_CASH_DEPOSIT};
            t.move = (th_move){.from = "O", .to = accounts[a], .qty = 20000};
            d.cash = (th_cash_cmd){.account = accounts[a], .amount = 100000000};
            ok = apply_one(en, t) == 0 && apply_one(en, d) == 0;
        }
        th_cmd in = {.type = TH_CMD_INSTRUMENT_ADD};
        in.instrument = (th_instrument_new){.code = "SG", .vintage = 2024, .ref_price = 5000,
                                            .maker_fee_bps = 3, .taker_fee_bps = 9};
        ok = ok && apply_one(en, in) == 0;
        th_engine_free(en);
        th_db_close(db);
    }
    if (!ok) {
        th_test_fail(__FILE__, __LINE__, "cannot make the exchange");
        th_crashvfs_uninstall();
        return;
    }
    uint64_t x = 4242;
    int clock = 0, rounds = th_test_long() ? 120 : 25, crashes = 0, whole = 0;
    int64_t orders = 0;
    static char ids[MAXBATCHES][BATCH][48], refs[MAXBATCHES][BATCH][24];
    static char *results[MAXBATCHES][BATCH];
    for (int round = 0; round < rounds; round++) {
        if (th_db_open(path, TH_DB_WRITE, &db, &e) != 0) {
            th_test_fail(__FILE__, __LINE__, "round %d: reopen: %s", round, e.msg);
            break;
        }
        th_engine *en = th_engine_new(db);
        th_engine_set_clock(en, tick, &clock);
        th_engine_set_signer(en, &log_key, 0);
        th_crashvfs_arm(rnd(&x) % 4 ? TH_CRASH_CRASH : TH_CRASH_FAIL, 1 + (int)(rnd(&x) % 8));
        int nb = 0, in_flight = -1;
        for (; nb < MAXBATCHES && !th_crashvfs_crashed(); nb++) {
            th_cmd cmds[BATCH];
            th_cmd_result res[BATCH];
            for (int i = 0; i < BATCH; i++) {
                memset(&cmds[i], 0, sizeof cmds[i]);
                snprintf(ids[nb][i], sizeof ids[nb][i], "x%d-b%d-c%d", round, nb, i);
                results[nb][i] = NULL;
                cmds[i].request_id = ids[nb][i];
                uint64_t v = rnd(&x);
                if (v % 10 < 2 && orders > 0) {
                    cmds[i].type = v % 10 ? TH_CMD_ORDER_CANCEL : TH_CMD_ORDER_REPLACE;
                    snprintf(refs[nb][i], sizeof refs[nb][i], "%lld",
                             (long long)(rnd(&x) % (uint64_t)orders) + 1);
                    cmds[i].order_id = refs[nb][i];
                    cmds[i].order = (th_order_new){.price = 4900 + (int64_t)(rnd(&x) % 200),
                                                   .qty = (int64_t)(rnd(&x) % 30) + 1};
                } else {
                    bool buy = (v >> 8) & 1;
                    cmds[i].type = TH_CMD_ORDER_ADD;
                    cmds[i].order = (th_order_new){.account = accounts[1 + (v >> 9) % 3],
                                                   .instrument = "SG",
                                                   .side = buy ? "buy" : "sell",
                                                   .price = 4900 + (int64_t)((v >> 12) % 200),
                                                   .qty = (int64_t)((v >> 20) % 40) + 1};
                }
                th_cmd_result_init(&res[i]);
            }
            if (th_engine_apply(en, cmds, BATCH, res, &e) == 0) {
                for (int i = 0; i < BATCH; i++)
                    if (res[i].status == 0)
                        results[nb][i] = strdup(res[i].result.p);
            } else {
                in_flight = nb;
            }
            for (int i = 0; i < BATCH; i++)
                th_cmd_result_free(&res[i]);
            if (in_flight >= 0) {
                nb++;
                break;
            }
        }
        th_engine_free(en);
        th_db_close(db);
        if (th_crashvfs_crashed()) {
            crashes++;
            uint64_t v = rnd(&x);
            th_crashvfs_recover(v % 3 == 0 ? SIZE_MAX : (size_t)(v >> 8) % 12);
        } else {
            th_crashvfs_recover(0);
        }
        if (th_db_open(path, TH_DB_WRITE, &db, &e) != 0) {
            th_test_fail(__FILE__, __LINE__, "round %d: after the crash: %s", round, e.msg);
            break;
        }
        for (int n = 0; n < nb; n++) {
            int there = 0;
            for (int i = 0; i < BATCH; i++) {
                char *s = stored(db, ids[n][i]);
                there += s != NULL;
                if (results[n][i] && (!s || strcmp(s, results[n][i]) != 0))
                    th_test_fail(__FILE__, __LINE__, "round %d: acknowledged %s %s", round,
                                 ids[n][i], s ? "has another result" : "is lost");
                free(s);
                free(results[n][i]);
                results[n][i] = NULL;
            }
            if (n == in_flight && there) /* it committed before the power went */
                whole++;
        }
        th_buf out;
        th_buf_init(&out);
        if (th_registry_check(db, &out, &e) != 0)
            th_test_fail(__FILE__, __LINE__, "round %d: check: %s", round, e.msg);
        th_buf_free(&out);
        th_log_verified verified;
        bool audit_now = rounds <= 25 || round % 20 == 0 || round == rounds - 1;
        if (audit_now && th_log_audit(db, &log_key.v, &verified, &e) != 0)
            th_test_fail(__FILE__, __LINE__, "round %d: the log: %s", round, e.msg);
        orders = th_test_scalar(db, "SELECT count(*) FROM orders");
        th_db_close(db);
    }
    th_crashvfs_uninstall();
    CHECK(crashes > rounds / 2);
    CHECK(orders > 50);
    if (getenv("TANHUI_TEST_VERBOSE"))
        fprintf(stderr, "exchange crash test: %d rounds, %d power cuts, %lld orders, %d batches "
                        "in flight found whole\n", rounds, crashes, (long long)orders, whole);
}
