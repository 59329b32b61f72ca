/* test_log_engine.c — the registry's transparency log through the sequencer: one canonical entry
 * per change and none for a refused one, checkpoints signed per batch (or per interval), a tree
 * that no longer extends the last checkpoint refused, and the replay of the entries giving the
 * same registry, row for row. */
#include "test.h"

#include "carbon/params_default.h"
#include "engine/engine.h"
#include "engine/log_replay.h"
#include "ledger/moves.h"
#include "log/checkpoints.h"
#include "log/log_store.h"
#include "log/log_verify.h"
#include "store_fixture.h"

#include <stdlib.h>
#include <unistd.h>

static void fixed_clock(char out[32], void *arg)
{
    snprintf(out, 32, "%s", arg ? (const char *)arg : "2026-03-04T05:06:07Z");
}

/* Apply cmds as one batch; the number that succeeded. */
static int batch(th_engine *en, const th_cmd *cmds, size_t n)
{
    th_cmd_result r[16];
    for (size_t i = 0; i < n; i++)
        th_cmd_result_init(&r[i]);
    th_err e;
    int ok = 0;
    if (th_engine_apply(en, cmds, n, r, &e) != 0)
        ok = -1;
    for (size_t i = 0; i < n; i++) {
        ok += ok >= 0 && r[i].status == 0;
        th_cmd_result_free(&r[i]);
    }
    return ok;
}

static int64_t log_size(th_db *db)
{
    int64_t n = -1;
    th_err e;
    if (th_log_size(db, &n, &e))
        th_test_fail(__FILE__, __LINE__, "%s", e.msg);
    return n;
}

static void entry(th_db *db, int64_t i, th_buf *out)
{
    th_err e;
    th_buf_reset(out);
    if (th_log_entry(db, i, out, &e))
        th_test_fail(__FILE__, __LINE__, "%s", e.msg);
}

/* A small registry's whole life: accounts, a project, reports (one with parcels, one rejected),
 * an issuance, a transfer of named serials, a retirement with a request id, a reversal. */
static void registry_life(th_engine *en)
{
    th_cmd setup[] = {
        {.type = TH_CMD_INIT_REGISTRY},
        {.type = TH_CMD_ACCOUNT_ADD, .name = "乐昌林场", .kind = "state"},
        {.type = TH_CMD_ACCOUNT_ADD, .name = "A", .kind = "company"},
        {.type = TH_CMD_ACCOUNT_ADD, .name = "V", .kind = "verifier"},
        {.type = TH_CMD_PROJECT_ADD},
    };
    setup[4].project = (th_project_new){.name = "P", .owner = "乐昌林场",
                                        .buffer_pct_scaled = 10000000, .params_name = "default",
                                        .params_sha256 = "ab", .params_csv = th_params_default_csv};
    CHECK_INT(batch(en, setup, 5), 5);
    static const th_report_parcel parcels[] = {
        {.key = "XB-001", .key_len = 6, .has_before = true, .has_after = true,
         .before_date = 17897, .after_date = 19723},
        {.key = "XB-002", .key_len = 6, .has_after = true, .after_date = 19723},
    };
    th_cmd rep = {.type = TH_CMD_REPORT_ADD};
    rep.report = (th_report_new){.project = "P", .result_json = "{\"net\":1200.25}",
                                 .period_start = "2019-01-01", .period_end = "2024-01-01",
                                 .vintage = 2024, .net_tco2e = 1200.2500004,
                                 .credits_total = 1000, .buffer_credits = 100,
                                 .owner_credits = 900, .parcels = parcels, .nparcels = 2};
    th_cmd second = rep;
    second.report.parcels = NULL;
    second.report.nparcels = 0;
    CHECK_INT(batch(en, (th_cmd[]){rep, second}, 2), 2);
    th_cmd decide[] = {
        {.type = TH_CMD_REPORT_VERIFY, .report_id = "1", .verifier = "V"},
        {.type = TH_CMD_REPORT_REJECT, .report_id = "2", .verifier = "V", .reason = "重复"},
        {.type = TH_CMD_ISSUE, .report_id = "1"},
    };
    CHECK_INT(batch(en, decide, 3), 3);
    th_cmd moves[] = {
        {.type = TH_CMD_TRANSFER},
        {.type = TH_CMD_TRANSFER}, /* refused: more than held */
        {.type = TH_CMD_RETIRE, .request_id = "r-1"},
    };
    moves[0].move = (th_move){.from = "乐昌林场", .to = "A",
                              .serials = "SGFC-P0001-2024-000000101-000000200"};
    moves[1].move = (th_move){.from = "A", .to = "乐昌林场", .qty = 5000};
    moves[2].move = (th_move){.from = "A", .qty = 30, .beneficiary = "某公司",
                              .reason = "自愿抵消", .jurisdiction = "CN-GD"};
    CHECK_INT(batch(en, moves, 3), 2);
    /* the same request again: its stored result, no new entry */
    CHECK_INT(batch(en, &moves[2], 1), 1);
    th_cmd loss = rep;
    loss.report = (th_report_new){.project = "P", .result_json = "{}",
                                  .period_start = "2024-01-01", .period_end = "2025-01-01",
                                  .vintage = 2025, .net_tco2e = -20.5, .reversal_tco2e = 20.5};
    CHECK_INT(batch(en, &loss, 1), 1);
    th_cmd end[] = {
        {.type = TH_CMD_REPORT_VERIFY, .report_id = "3", .verifier = "V"},
        {.type = TH_CMD_ISSUE, .report_id = "3"},
    };
    CHECK_INT(batch(en, end, 2), 2);
    th_cmd cash[] = {
        {.type = TH_CMD_CASH_DEPOSIT, .cash = {.account = "A", .amount = 125050,
                                               .reference = "BANK-1"}},
        {.type = TH_CMD_CASH_WITHDRAW, .cash = {.account = "A", .amount = 125051}}, /* refused */
        {.type = TH_CMD_CASH_WITHDRAW, .request_id = "w-1",
         .cash = {.account = "3", .amount = 50}},
    };
    CHECK_INT(batch(en, cash, 3), 2);
}

TEST(log_entries_one_per_change)
{
    th_db *db = th_test_db_new("log-life.db");
    if (!db)
        return;
    th_engine *en = th_engine_new(db);
    th_engine_set_clock(en, fixed_clock, NULL);
    registry_life(en);
    /* 5 + 2 + 3 + 2 (the refused transfer and the repeated request add none) + 1 + 2 + 2 (the
     * refused withdrawal adds none) */
    CHECK_INT(log_size(db), 17);
    th_buf b;
    th_buf_init(&b);
    entry(db, 1, &b);
    CHECK_STR(b.p, "{\"account\":2,\"kind\":\"state\",\"name\":\"乐昌林场\","
                   "\"time\":\"2026-03-04T05:06:07Z\",\"type\":\"account.add\"}");
    entry(db, 5, &b);
    CHECK_CONTAINS(b.p, "\"net_gco2e\":1200250000,\"owner_credits\":900,\"parcels\":"
                        "[[\"XB-001\",\"2019-01-01\",\"2024-01-01\"],[\"XB-002\",null,"
                        "\"2024-01-01\"]],\"period_end\":\"2024-01-01\"");
    CHECK_CONTAINS(b.p, "\"result\":\"{\\\"net\\\":1200.25}\"");
    entry(db, 9, &b);
    CHECK_STR(b.p, "{\"blocks\":[{\"account\":2,\"first\":1,\"last\":900,\"project\":1,"
                   "\"vintage\":2024},{\"account\":1,\"first\":901,\"last\":1000,\"project\":1,"
                   "\"vintage\":2024}],\"issuance\":1,\"project\":1,\"report\":1,"
                   "\"time\":\"2026-03-04T05:06:07Z\",\"type\":\"issue\",\"vintage\":2024}");
    entry(db, 10, &b);
    CHECK_STR(b.p, "{\"blocks\":[{\"first\":101,\"last\":200,\"project\":1,\"vintage\":2024}],"
                   "\"from\":2,\"move\":1,\"qty\":100,\"serials\":"
                   "\"SGFC-P0001-2024-000000101-000000200\",\"time\":\"2026-03-04T05:06:07Z\","
                   "\"to\":3,\"type\":\"transfer\"}");
    entry(db, 11, &b);
    CHECK_CONTAINS(b.p, "\"reason\":\"自愿抵消\",\"request\":\"{");
    CHECK_CONTAINS(b.p, "\"request_id\":\"r-1\"");
    entry(db, 14, &b);
    CHECK_CONTAINS(b.p, "\"cancelled_blocks\":[{\"first\":901,\"last\":921,");
    entry(db, 15, &b);
    CHECK_STR(b.p, "{\"account\":3,\"amount_fen\":125050,\"cash_move\":1,\"reference\":"
                   "\"BANK-1\",\"time\":\"2026-03-04T05:06:07Z\",\"type\":\"cash.deposit\"}");
    entry(db, 16, &b);
    CHECK_CONTAINS(b.p, "\"amount_fen\":50,\"cash_move\":2,\"reference\":null,\"request\":");
    CHECK_CONTAINS(b.p, "\"type\":\"cash.withdraw\"}");
    /* a certificate names its move's entry: the transfer's 10 and, past the refused transfer
     * of the same batch (whose entry went with it), the retirement's 11 */
    th_buf_reset(&b);
    th_err ce;
    CHECK_INT(th_certificate_json(db, "1", &b, &ce), 0);
    CHECK_CONTAINS(b.p, "\"log_index\":10}");
    th_buf_reset(&b);
    CHECK_INT(th_certificate_json(db, "2", &b, &ce), 0);
    CHECK_CONTAINS(b.p, "\"log_index\":11}");
    th_buf_free(&b);

    /* the replay gives the same registry, and a changed row is named */
    th_db *mem;
    th_err e;
    CHECK_INT(th_db_open(":memory:", TH_DB_CREATE, &mem, &e), 0);
    th_engine *men = th_engine_new(mem);
    int64_t done;
    CHECK_INT(th_log_replay(db, mem, men, NULL, NULL, &done, &e), 0);
    CHECK_INT(done, 17);
    CHECK_INT(th_state_compare(db, mem, &e), 0);
    CHECK_INT(th_db_exec(mem, "UPDATE moves SET quantity = 99 WHERE id = 1", &e), 0);
    CHECK_INT(th_state_compare(db, mem, &e), -1);
    CHECK_CONTAINS(e.msg, "table moves, row with id 1: quantity is 100 in the database but 99");
    th_engine_free(men);
    th_db_close(mem);
    th_engine_free(en);
    th_db_close(db);
}

/* The list of checkpoints in pages, and kept to those signed in a time range (?from, ?to). */
TEST(log_checkpoints_listed_by_time)
{
    th_db *db = th_test_db_new("log-list.db");
    if (!db)
        return;
    th_err e;
    th_note_signer key;
    CHECK_INT(th_note_generate("test.example/log", &key, &e), 0);
    th_engine *en = th_engine_new(db); /* no signer: the test signs, at the times it says */
    th_cmd init = {.type = TH_CMD_INIT_REGISTRY, .key_path = "/nonexistent/key", .key = &key.v};
    CHECK_INT(batch(en, &init, 1), 1);
    static const char *const at[] = {"2026-03-01T00:00:00Z", "2026-03-02T00:00:00Z",
                                     "2026-03-03T00:00:00Z"};
    for (int i = 0; i < 3; i++) {
        char name[16];
        snprintf(name, sizeof name, "A%d", i);
        th_cmd add = {.type = TH_CMD_ACCOUNT_ADD, .name = name, .kind = "company"};
        CHECK_INT(batch(en, &add, 1), 1);
        int64_t size;
        CHECK_INT(th_log_sign(db, &key, at[i], -1, &size, &e), 0);
        CHECK_INT(size, i + 2);
    }
    th_buf out;
    th_buf_init(&out);
    CHECK_INT(th_log_checkpoints_json(db, NULL, &out, &e), 0);
    CHECK_CONTAINS(out.p, "\"size\":4,");
    CHECK_CONTAINS(out.p, "\"size\":2,");
    /* from is inclusive, to exclusive */
    th_page pg = {.from = at[1], .to = at[2]};
    th_buf_reset(&out);
    CHECK_INT(th_log_checkpoints_json(db, &pg, &out, &e), 0);
    CHECK_CONTAINS(out.p, "\"size\":3,");
    CHECK(!strstr(out.p, "\"size\":4,") && !strstr(out.p, "\"size\":2,"));
    /* a page of one from the 2nd on, then the page its cursor gives */
    pg = (th_page){.from = at[1], .limit = 1};
    th_buf_reset(&out);
    CHECK_INT(th_log_checkpoints_json(db, &pg, &out, &e), 0);
    CHECK_CONTAINS(out.p, "\"size\":4,");
    CHECK_CONTAINS(out.p, "\"next_cursor\":4");
    pg.before = 4;
    th_buf_reset(&out);
    CHECK_INT(th_log_checkpoints_json(db, &pg, &out, &e), 0);
    CHECK_CONTAINS(out.p, "\"size\":3,");
    CHECK(!strstr(out.p, "\"size\":2,"));
    /* none in the range */
    pg = (th_page){.to = at[0]};
    th_buf_reset(&out);
    CHECK_INT(th_log_checkpoints_json(db, &pg, &out, &e), 0);
    CHECK_CONTAINS(out.p, "\"checkpoints\":[]");
    th_buf_free(&out);
    th_engine_free(en);
    th_db_close(db);
}

TEST(log_checkpoints_signed_and_never_inconsistent)
{
    th_db *db = th_test_db_new("log-sign.db");
    if (!db)
        return;
    th_err e;
    th_note_signer key;
    CHECK_INT(th_note_generate("test.example/log", &key, &e), 0);
    th_engine *en = th_engine_new(db);
    th_engine_set_signer(en, &key, 0);
    th_cmd init = {.type = TH_CMD_INIT_REGISTRY, .key_path = "/nonexistent/key", .key = &key.v};
    CHECK_INT(batch(en, &init, 1), 1);
    th_cmd add[] = {{.type = TH_CMD_ACCOUNT_ADD, .name = "A", .kind = "company"},
                    {.type = TH_CMD_ACCOUNT_ADD, .name = "A", .kind = "company"},
                    {.type = TH_CMD_ACCOUNT_ADD, .name = "B", .kind = "company"}};
    CHECK_INT(batch(en, add, 3), 2);
    th_buf note;
    th_buf_init(&note);
    CHECK_INT(th_log_checkpoint(db, -1, &note, &e), 0);
    CHECK_CONTAINS(note.p, "test.example/log\n3\n");
    th_buf_reset(&note);
    CHECK_INT(th_log_checkpoint(db, 1, &note, &e), 0);
    th_buf_reset(&note);
    CHECK_INT(th_log_checkpoint(db, 2, &note, &e), -1); /* no batch ended at 2 */
    th_log_verified v;
    CHECK_INT(th_log_verify(db, &key.v, &v, &e), 0);
    CHECK_INT(v.entries, 3);
    CHECK_INT(v.checkpoints, 2);

    /* with an interval, a batch within it is not signed; th_engine_checkpoint signs the rest */
    th_engine_set_signer(en, &key, 3600 * 1000);
    th_cmd c = {.type = TH_CMD_ACCOUNT_ADD, .name = "C", .kind = "company"};
    CHECK_INT(batch(en, &c, 1), 1); /* the first since the interval was set: signed */
    int64_t wait = th_engine_sign_wait_ms(en); /* the next may sign an hour on */
    CHECK(wait > 3599 * 1000 && wait <= 3600 * 1000);
    th_cmd d = {.type = TH_CMD_ACCOUNT_ADD, .name = "D", .kind = "company"};
    CHECK_INT(batch(en, &d, 1), 1);
    th_buf_reset(&note);
    CHECK_INT(th_log_checkpoint(db, -1, &note, &e), 0);
    CHECK_CONTAINS(note.p, "\n4\n");
    CHECK_INT(th_engine_checkpoint(en, &e), 0);
    th_buf_reset(&note);
    CHECK_INT(th_log_checkpoint(db, -1, &note, &e), 0);
    CHECK_CONTAINS(note.p, "\n5\n");

    /* a stored hash the last checkpoint's root rests on (the subtree of entries 0..3) changed
     * under the log: the next batch is refused, and nothing of it stays */
    CHECK_INT(th_db_exec(db, "UPDATE log_tiles SET hashes = CAST(zeroblob(32) || substr(hashes, "
                             "33) AS BLOB) WHERE id = 2 * 1099511627776", &e), 0);
    th_engine_set_signer(en, &key, 0);
    CHECK_INT(th_engine_sign_wait_ms(en), 0); /* no interval: every batch signs */
    th_cmd f = {.type = TH_CMD_ACCOUNT_ADD, .name = "F", .kind = "company"};
    th_cmd_result r;
    th_cmd_result_init(&r);
    CHECK_INT(th_engine_apply(en, &f, 1, &r, &e), -1);
    CHECK_CONTAINS(e.msg, "refusing to sign one inconsistent with it");
    th_cmd_result_free(&r);
    CHECK_INT(log_size(db), 5);
    CHECK_INT(th_log_verify(db, &key.v, &v, &e), -1);
    CHECK_CONTAINS(e.msg, "the stored hash at level 2, index 0");
    th_buf_free(&note);
    th_engine_free(en);
    th_db_close(db);
}
