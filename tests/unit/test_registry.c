/* test_registry.c — the registry end to end through the engine: issuance, transfers,
 * retirements and reversals, with a property test of random commands (valid and not) checked
 * against a model and against every invariant after every batch. */
#include "test.h"

#include "carbon/params_default.h"
#include "engine/engine.h"
#include "ledger/check.h"
#include "ledger/issuance.h"
#include "registry_fixture.h"
#include "store_fixture.h"

#include <stdlib.h>
#include <unistd.h>

static th_db *setup(const char *name, th_engine **en)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", th_test_tmpdir(), name);
    unlink(path);
    th_db *db = NULL;
    th_err e;
    if (th_db_open(path, TH_DB_CREATE, &db, &e) != 0) {
        th_test_fail(__FILE__, __LINE__, "%s", e.msg);
        return NULL;
    }
    *en = th_engine_new(db);
    return db;
}

/* Apply one command; returns its status. */
static int one(th_engine *en, th_cmd c, th_buf *result)
{
    th_cmd_result r;
    th_cmd_result_init(&r);
    th_err e;
    int rc = th_engine_apply(en, &c, 1, &r, &e);
    if (rc != 0)
        th_test_fail(__FILE__, __LINE__, "batch failed: %s", e.msg);
    rc = rc ? rc : r.status;
    if (result) {
        th_buf_reset(result);
        th_buf_put(result, r.result.p, r.result.len);
    }
    th_cmd_result_free(&r);
    return rc;
}

/* A report of `credits` (or of a loss) for project 1, verified. Returns its id. */
static int64_t verified_report(th_engine *en, int64_t credits, int64_t buffer, double loss,
                               const char *start, const char *end)
{
    th_cmd c = {.type = TH_CMD_REPORT_ADD};
    c.report = (th_report_new){.project = "P0001", .result_json = "{}", .period_start = start,
                               .period_end = end, .vintage = atoi(end),
                               .net_tco2e = loss > 0 ? -loss : (double)credits,
                               .reversal_tco2e = loss, .credits_total = credits,
                               .buffer_credits = buffer, .owner_credits = credits - buffer};
    th_buf out;
    th_buf_init(&out);
    CHECK_INT(one(en, c, &out), 0);
    const char *p = strstr(out.p ? out.p : "", "\"id\":");
    int64_t id = p ? strtoll(p + 5, NULL, 10) : 0;
    th_buf_free(&out);
    char ref[24];
    snprintf(ref, sizeof ref, "%lld", (long long)id);
    th_cmd v = {.type = TH_CMD_REPORT_VERIFY, .report_id = ref, .verifier = "V"};
    CHECK_INT(one(en, v, NULL), 0);
    return id;
}

static void base_accounts(th_engine *en)
{
    th_cmd init = {.type = TH_CMD_INIT_REGISTRY};
    CHECK_INT(one(en, init, NULL), 0);
    static const char *const names[] = {"O", "A", "B", "C", "V"};
    static const char *const kinds[] = {"state", "company", "household", "collective", "verifier"};
    for (int i = 0; i < 5; i++) {
        th_cmd c = {.type = TH_CMD_ACCOUNT_ADD, .name = names[i], .kind = kinds[i]};
        CHECK_INT(one(en, c, NULL), 0);
    }
    th_cmd p = {.type = TH_CMD_PROJECT_ADD};
    p.project = (th_project_new){.name = "Proj", .owner = "O", .buffer_pct_scaled = 20000000,
                                 .params_name = "default", .params_sha256 = "x",
                                 .params_csv = th_params_default_csv};
    CHECK_INT(one(en, p, NULL), 0);
}

TEST(registry_issue_split_and_reverse)
{
    th_engine *en;
    th_db *db = setup("flow.db", &en);
    if (!db)
        return;
    base_accounts(en);
    int64_t r1 = verified_report(en, 1000, 200, 0, "2019-01-01", "2024-01-01");
    char ref[24];
    snprintf(ref, sizeof ref, "%lld", (long long)r1);
    th_cmd iss = {.type = TH_CMD_ISSUE, .report_id = ref};
    CHECK_INT(one(en, iss, NULL), 0);
    CHECK_INT(th_test_held(db, "O"), 800);
    CHECK_INT(th_test_held(db, "buffer"), 200);
    /* named serials from the middle of a block: the block splits in three */
    th_cmd t = {.type = TH_CMD_TRANSFER};
    t.move = (th_move){.from = "O", .to = "A", .serials = "SGFC-P0001-2024-000000100-000000199"};
    CHECK_INT(one(en, t, NULL), 0);
    CHECK_INT(th_test_held(db, "A"), 100);
    CHECK_INT(th_test_held(db, "O"), 700);
    /* the same serials again are not O's any more */
    CHECK_INT(one(en, t, NULL), -1);
    /* a loss of 250.4 t: 251 cancelled from the buffer's 200, 51 outstanding */
    int64_t r2 = verified_report(en, 0, 0, 250.4, "2024-01-01", "2029-01-01");
    snprintf(ref, sizeof ref, "%lld", (long long)r2);
    th_buf out;
    th_buf_init(&out);
    CHECK_INT(one(en, iss, &out), 0);
    CHECK_CONTAINS(out.p, "\"reversal\":251,\"cancelled\":200,\"outstanding_reversal\":51");
    CHECK_INT(th_test_held(db, "buffer"), 0);
    /* the project gets nothing more */
    int64_t r3 = verified_report(en, 10, 2, 0, "2029-01-01", "2030-01-01");
    snprintf(ref, sizeof ref, "%lld", (long long)r3);
    CHECK_INT(one(en, iss, NULL), -1);
    CHECK_INT(th_registry_check(db, &out, &(th_err){0}), 0);
    th_buf_free(&out);
    th_engine_free(en);
    th_db_close(db);
}

static void blocks_digest(th_db *db, th_buf *out)
{
    sqlite3_stmt *st;
    th_err e;
    th_buf_reset(out);
    if (th_db_prepare(db, "SELECT group_concat(id || ',' || issuance_id || ',' || project_id"
                          " || ',' || vintage || ',' || first || ',' || last || ',' || state"
                          " || ',' || account_id || ',' || ifnull(cancellation_id, '-') || ','"
                          " || ifnull(retirement_id, '-'), ';') FROM (SELECT * FROM blocks"
                          " ORDER BY id)", &st, &e) != 0)
        return;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        th_buf_puts(out, (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
}

TEST(registry_migration_keeps_blocks)
{
    /* migration 5 rebuilds the blocks table: every row must come through it unchanged */
    th_engine *en;
    th_db *db = setup("migrate5.db", &en);
    if (!db)
        return;
    base_accounts(en);
    int64_t r1 = verified_report(en, 1000, 200, 0, "2019-01-01", "2024-01-01");
    char ref[24];
    snprintf(ref, sizeof ref, "%lld", (long long)r1);
    CHECK_INT(one(en, (th_cmd){.type = TH_CMD_ISSUE, .report_id = ref}, NULL), 0);
    th_cmd t = {.type = TH_CMD_TRANSFER};
    t.move = (th_move){.from = "O", .to = "A", .serials = "SGFC-P0001-2024-000000100-000000199"};
    CHECK_INT(one(en, t, NULL), 0);
    th_cmd r = {.type = TH_CMD_RETIRE};
    r.move = (th_move){.from = "A", .qty = 30, .beneficiary = "b", .reason = "r"};
    CHECK_INT(one(en, r, NULL), 0);
    th_buf before, after;
    th_buf_init(&before);
    th_buf_init(&after);
    blocks_digest(db, &before);
    th_err e;
    CHECK_INT(th_test_downgrade(db, 4, &e), 0);
    th_engine_free(en);
    th_db_close(db);
    char path[512];
    snprintf(path, sizeof path, "%s/migrate5.db", th_test_tmpdir());
    CHECK_INT(th_db_open(path, TH_DB_WRITE, &db, &e), 0);
    if (!db)
        return;
    CHECK_INT(th_db_schema_version(db), th_db_schema_latest());
    blocks_digest(db, &after);
    CHECK(before.len > 0);
    CHECK_STR(after.p ? after.p : "", before.p ? before.p : "");
    CHECK_INT(th_registry_check(db, &after, &e), 0);
    /* the rebuilt table keeps its constraints */
    CHECK_INT(th_db_exec(db, "UPDATE blocks SET state = 'lost' WHERE id = 1", &e), -1);
    th_buf_free(&before);
    th_buf_free(&after);
    th_db_close(db);
}

TEST(registry_check_finds_blocks_by_index)
{
    /* check looks up each retirement's and cancellation's blocks: by an index, not a scan of
     * every block per retirement (quadratic: 8,000 retirements took 10.7 s before migration 8) */
    th_engine *en;
    th_db *db = setup("plan.db", &en);
    if (!db)
        return;
    static const char *const q[] = {
        "EXPLAIN QUERY PLAN SELECT sum(last - first + 1) FROM blocks WHERE retirement_id = 7",
        "EXPLAIN QUERY PLAN SELECT sum(last - first + 1) FROM blocks WHERE cancellation_id = 7",
    };
    static const char *const want[] = {"blocks_retirement", "blocks_cancellation"};
    for (int i = 0; i < 2; i++) {
        sqlite3_stmt *st;
        th_err e;
        th_buf plan;
        th_buf_init(&plan);
        CHECK_INT(th_db_prepare(db, q[i], &st, &e), 0);
        while (sqlite3_step(st) == SQLITE_ROW)
            th_buf_puts(&plan, (const char *)sqlite3_column_text(st, 3));
        sqlite3_finalize(st);
        CHECK_CONTAINS(plan.p ? plan.p : "", want[i]);
        th_buf_free(&plan);
    }
    th_engine_free(en);
    th_db_close(db);
}

TEST(registry_property_random_commands)
{
    th_engine *en;
    th_db *db = setup("prop.db", &en);
    if (!db)
        return;
    base_accounts(en);
    static const char *const acct[] = {"O", "A", "B", "C"};
    int64_t model[4] = {0, 0, 0, 0}, retired = 0;
    uint64_t x = 12345;
    int rounds = th_test_long() ? 300 : 30, cmds_per_batch = 8, bad_checks = 0;
    int year = 2020;
    for (int round = 0; round < rounds; round++) {
        /* now and then a new issuance to the owner */
        if (round % 10 == 0) {
            char s[24], e2[24];
            snprintf(s, sizeof s, "%04d-01-01", year);
            snprintf(e2, sizeof e2, "%04d-01-01", year + 1);
            year++;
            int64_t r = verified_report(en, 500, 100, 0, s, e2);
            char ref[24];
            snprintf(ref, sizeof ref, "%lld", (long long)r);
            th_cmd iss = {.type = TH_CMD_ISSUE, .report_id = ref};
            CHECK_INT(one(en, iss, NULL), 0);
            model[0] += 400;
        }
        /* a batch of random transfers and retirements, some impossible */
        th_cmd cmds[8];
        th_cmd_result res[8];
        int from[8], to[8];
        int64_t qty[8];
        for (int i = 0; i < cmds_per_batch; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            from[i] = (int)(x % 4);
            to[i] = (int)((x >> 8) % 4);
            qty[i] = (int64_t)((x >> 16) % 300) - 10; /* sometimes <= 0 or more than held */
            bool retire = (x >> 40) % 4 == 0;
            memset(&cmds[i], 0, sizeof cmds[i]);
            cmds[i].type = retire ? TH_CMD_RETIRE : TH_CMD_TRANSFER;
            cmds[i].move = (th_move){.from = acct[from[i]], .to = retire ? NULL : acct[to[i]],
                                     .qty = qty[i], .beneficiary = "某公司", .reason = "抵消"};
            th_cmd_result_init(&res[i]);
        }
        th_err e;
        CHECK_INT(th_engine_apply(en, cmds, (size_t)cmds_per_batch, res, &e), 0);
        for (int i = 0; i < cmds_per_batch; i++) {
            bool retire = cmds[i].type == TH_CMD_RETIRE;
            bool possible = qty[i] > 0 && qty[i] <= model[from[i]] && (retire || from[i] != to[i]);
            if ((res[i].status == 0) != possible)
                th_test_fail(__FILE__, __LINE__, "round %d cmd %d: status %d, model says %s: %s",
                             round, i, res[i].status, possible ? "possible" : "impossible",
                             res[i].err.msg);
            if (res[i].status == 0) {
                model[from[i]] -= qty[i];
                if (retire)
                    retired += qty[i];
                else
                    model[to[i]] += qty[i];
            }
            th_cmd_result_free(&res[i]);
        }
        th_buf out;
        th_buf_init(&out);
        if (th_registry_check(db, &out, &e) != 0) {
            bad_checks++;
            th_test_fail(__FILE__, __LINE__, "round %d: %s", round, e.msg);
        }
        th_buf_free(&out);
        for (int k = 0; k < 4; k++)
            if (th_test_held(db, acct[k]) != model[k])
                th_test_fail(__FILE__, __LINE__, "round %d: %s holds %lld, model %lld", round,
                             acct[k], (long long)th_test_held(db, acct[k]), (long long)model[k]);
        if (bad_checks > 2)
            break;
    }
    th_buf s;
    th_buf_init(&s);
    th_err e;
    CHECK_INT(th_supply_json(db, &s, &e), 0);
    char want[64];
    snprintf(want, sizeof want, "\"retired\":%lld", (long long)retired);
    CHECK_CONTAINS(s.p, want);
    th_buf_free(&s);
    th_engine_free(en);
    th_db_close(db);
}
