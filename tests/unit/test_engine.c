/* test_engine.c — the store, the sequencer's batches and requests, and accounts. */
#include "test.h"

#include "store_fixture.h"

#include "engine/engine.h"
#include "ledger/accounts.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void fixed_clock(char out[32], void *arg)
{
    (void)arg;
    snprintf(out, 32, "2026-01-02T03:04:05Z");
}

static const char *db_path(const char *name)
{
    static char p[512];
    snprintf(p, sizeof p, "%s/%s", th_test_tmpdir(), name);
    return p;
}

TEST(db_modes_and_schema)
{
    th_db *db = th_test_db_new("modes.db");
    if (!db)
        return;
    CHECK_INT(th_db_schema_version(db), th_db_schema_latest());
    th_db_close(db);
    th_err e;
    CHECK_INT(th_db_open(db_path("modes.db"), TH_DB_CREATE, &db, &e), -1);
    CHECK_CONTAINS(e.msg, "already there");
    CHECK_INT(th_db_open(db_path("none.db"), TH_DB_WRITE, &db, &e), -1);
    CHECK_CONTAINS(e.msg, "tanhui init");
    CHECK_INT(access(db_path("none.db"), F_OK), -1); /* nothing made */
    CHECK_INT(th_db_open(db_path("modes.db"), TH_DB_READ, &db, &e), 0);
    CHECK_INT(th_db_schema_version(db), th_db_schema_latest());
    th_db_close(db);
}

TEST(db_migrates_an_older_schema)
{
    /* make a version-1 database by taking away what the later migrations added */
    th_db *db = th_test_db_new("old.db");
    if (!db)
        return;
    th_err e;
    CHECK_INT(th_test_downgrade(db, 1, &e), 0);
    th_db_close(db);
    CHECK_INT(th_db_open(db_path("old.db"), TH_DB_READ, &db, &e), -1);
    CHECK_CONTAINS(e.msg, "open it once for writing");
    if (th_db_open(db_path("old.db"), TH_DB_WRITE, &db, &e) != 0) {
        th_test_fail(__FILE__, __LINE__, "migration failed: %s", e.msg);
        return;
    }
    CHECK_INT(th_db_schema_version(db), th_db_schema_latest());
    CHECK_INT(th_db_exec(db, "SELECT count(*) FROM projects; SELECT count(*) FROM blocks", &e), 0);
    th_db_close(db);
    /* a newer database than this tanhui knows is refused, not damaged */
    CHECK_INT(th_db_open(db_path("old.db"), TH_DB_WRITE, &db, &e), 0);
    CHECK_INT(th_db_exec(db, "UPDATE meta SET value = 99 WHERE key = 'schema_version'", &e), 0);
    th_db_close(db);
    CHECK_INT(th_db_open(db_path("old.db"), TH_DB_WRITE, &db, &e), -1);
    CHECK_CONTAINS(e.msg, "schema version 99");
}

TEST(engine_batch_isolates_failures)
{
    th_db *db = th_test_db_new("batch.db");
    if (!db)
        return;
    th_engine *en = th_engine_new(db);
    th_engine_set_clock(en, fixed_clock, NULL);
    th_cmd cmds[5] = {
        {.type = TH_CMD_INIT_REGISTRY},
        {.type = TH_CMD_ACCOUNT_ADD, .name = "乐昌市第1国有林场", .kind = "state"},
        {.type = TH_CMD_ACCOUNT_ADD, .name = "乐昌市第1国有林场", .kind = "state"}, /* duplicate */
        {.type = TH_CMD_ACCOUNT_ADD, .name = "某村", .kind = "collective"},
        {.type = TH_CMD_ACCOUNT_ADD, .name = "x", .kind = "buffer"}, /* not a user kind */
    };
    th_cmd_result r[5];
    for (int i = 0; i < 5; i++)
        th_cmd_result_init(&r[i]);
    th_err e;
    CHECK_INT(th_engine_apply(en, cmds, 5, r, &e), 0);
    CHECK_INT(r[0].status, 0);
    CHECK_INT(r[1].status, 0);
    CHECK_INT(r[2].status, -1);
    CHECK_CONTAINS(r[2].err.msg, "exists already");
    CHECK_INT(r[3].status, 0);
    CHECK_INT(r[4].status, -1);
    CHECK_STR(r[4].err.field, "kind");
    CHECK_STR(r[3].result.p, "{\"id\":3,\"name\":\"某村\",\"kind\":\"collective\","
                             "\"created_at\":\"2026-01-02T03:04:05Z\"}");
    CHECK_INT((int)th_test_scalar(db, "SELECT count(*) FROM accounts"), 3);
    for (int i = 0; i < 5; i++)
        th_cmd_result_free(&r[i]);
    th_engine_free(en);
    th_db_close(db);
}

TEST(engine_requests_are_idempotent)
{
    th_db *db = th_test_db_new("req.db");
    if (!db)
        return;
    th_engine *en = th_engine_new(db);
    th_cmd add = {.type = TH_CMD_ACCOUNT_ADD, .request_id = "r-1", .name = "李某某", .kind = "household"};
    th_cmd_result r1, r2;
    th_cmd_result_init(&r1);
    th_cmd_result_init(&r2);
    th_err e;
    CHECK_INT(th_engine_apply(en, &add, 1, &r1, &e), 0);
    CHECK_INT(r1.status, 0);
    CHECK(!r1.replayed);
    CHECK_INT(th_engine_apply(en, &add, 1, &r2, &e), 0);
    CHECK_INT(r2.status, 0);
    CHECK(r2.replayed);
    CHECK_STR(r2.result.p, r1.result.p);
    CHECK_INT((int)th_test_scalar(db, "SELECT count(*) FROM accounts"), 1);
    th_cmd other = add;
    other.name = "王某某";
    CHECK_INT(th_engine_apply(en, &other, 1, &r2, &e), 0);
    CHECK_INT(r2.status, -1);
    CHECK_CONTAINS(r2.err.msg, "different command");
    CHECK_INT((int)th_test_scalar(db, "SELECT count(*) FROM accounts"), 1);
    /* a failed command stores no request: the same id may be retried once the input is fixed */
    th_cmd bad = {.type = TH_CMD_ACCOUNT_ADD, .request_id = "r-2", .name = " x", .kind = "state"};
    CHECK_INT(th_engine_apply(en, &bad, 1, &r2, &e), 0);
    CHECK_INT(r2.status, -1);
    bad.name = "x";
    CHECK_INT(th_engine_apply(en, &bad, 1, &r2, &e), 0);
    CHECK_INT(r2.status, 0);
    th_cmd_result_free(&r1);
    th_cmd_result_free(&r2);
    th_engine_free(en);
    th_db_close(db);
}

TEST(account_names_are_checked)
{
    static const char *const bad[] = {"", " lead", "trail ", "a\tb", "a\nb", "\xff\xfe", "12345",
                                      "\xE3\x80\x80杉"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        th_err e;
        if (th_account_check_name(bad[i], &e) == 0)
            th_test_fail(__FILE__, __LINE__, "name '%s' was accepted", bad[i]);
    }
    char long_name[400] = "";
    for (int i = 0; i < 101; i++)
        strcat(long_name, "林");
    th_err e;
    CHECK_INT(th_account_check_name(long_name, &e), -1);
    long_name[strlen(long_name) - 3] = '\0'; /* 100 characters */
    CHECK_INT(th_account_check_name(long_name, &e), 0);
    CHECK_INT(th_account_check_name("P7", &e), 0);
    CHECK(th_account_kind_user("verifier"));
    CHECK(!th_account_kind_user("buffer"));
}

TEST(account_find_by_id_or_name)
{
    th_db *db = th_test_db_new("find.db");
    if (!db)
        return;
    th_engine *en = th_engine_new(db);
    th_cmd c = {.type = TH_CMD_ACCOUNT_ADD, .name = "韶关验证机构", .kind = "verifier"};
    th_cmd_result r;
    th_cmd_result_init(&r);
    th_err e;
    CHECK_INT(th_engine_apply(en, &c, 1, &r, &e), 0);
    th_account a;
    CHECK_INT(th_account_find(db, "1", &a, &e), 0);
    CHECK_STR(a.name, "韶关验证机构");
    CHECK_INT(th_account_find(db, "韶关验证机构", &a, &e), 0);
    CHECK_INT(a.id, 1);
    CHECK_STR(a.kind, "verifier");
    CHECK_INT(th_account_find(db, "2", &a, &e), -1);
    CHECK_INT(th_account_find(db, "nobody", &a, &e), -1);
    CHECK_STR(e.field, "account");
    th_cmd_result_free(&r);
    th_engine_free(en);
    th_db_close(db);
}

/* The memo after a command rolls back: what it memoized is forgotten, what was known before it
 * stays (every key found again after many fills and forgets: probing chains stay whole); a
 * rewritten fact, or a clear, makes the rewind forget everything. */
TEST(db_memo_rewinds_to_a_mark)
{
    th_db *db = th_test_db_new("memo.db");
    if (!db)
        return;
    char key[64];
    int64_t v;
    size_t len;
    for (int64_t i = 0; i < 300; i++) {
        snprintf(key, sizeof key, "before %lld", (long long)i);
        th_db_memo_put(db, key, &i, sizeof i);
    }
    for (int round = 0; round < 20; round++) {
        size_t mark = th_db_memo_mark(db);
        for (int64_t i = 0; i < 200; i++) {
            snprintf(key, sizeof key, "during %d %lld", round, (long long)i);
            th_db_memo_put(db, key, &i, sizeof i);
        }
        th_db_memo_rewind(db, mark);
    }
    int kept = 0, forgotten = 0;
    for (int64_t i = 0; i < 300; i++) {
        snprintf(key, sizeof key, "before %lld", (long long)i);
        const void *m = th_db_memo_get(db, key, &len);
        if (m && len == sizeof v && (memcpy(&v, m, sizeof v), v == i))
            kept++;
    }
    for (int64_t i = 0; i < 200; i += 7) {
        snprintf(key, sizeof key, "during 19 %lld", (long long)i);
        forgotten += th_db_memo_get(db, key, &len) == NULL;
    }
    CHECK_INT(kept, 300);
    CHECK_INT(forgotten, 29);
    /* a fact rewritten after the mark: the rewind cannot restore it, so all is forgotten */
    size_t mark = th_db_memo_mark(db);
    v = -1;
    th_db_memo_put(db, "before 5", &v, sizeof v);
    th_db_memo_rewind(db, mark);
    CHECK(th_db_memo_get(db, "before 5", &len) == NULL);
    CHECK(th_db_memo_get(db, "before 6", &len) == NULL);
    th_db_close(db);
}

/* A result handed on: the outcome moves, the buffers swap, and a failure's error does not
 * outlive it when the same result is used again. */
TEST(cmd_result_move)
{
    th_cmd_result to, from;
    th_cmd_result_init(&to);
    th_cmd_result_init(&from);
    from.status = -1;
    th_fail(&from.err, TH_EINPUT, "no such account");
    th_buf_puts(&from.result, "first");
    th_buf_puts(&to.result, "old");
    th_cmd_result_move(&to, &from);
    CHECK_INT(to.status, -1);
    CHECK_STR(to.err.msg, "no such account");
    CHECK(to.result.len == 5 && memcmp(to.result.p, "first", 5) == 0);
    CHECK(from.result.len == 3 && memcmp(from.result.p, "old", 3) == 0);
    th_cmd_result next;
    th_cmd_result_init(&next);
    next.replayed = true;
    th_buf_puts(&next.result, "{}");
    th_cmd_result_move(&to, &next);
    CHECK_INT(to.status, 0);
    CHECK(to.replayed);
    CHECK_STR(to.err.msg, "");
    CHECK_INT((int)to.err.code, 0);
    CHECK(to.result.len == 2 && memcmp(to.result.p, "{}", 2) == 0);
    th_cmd_result_free(&to);
    th_cmd_result_free(&from);
    th_cmd_result_free(&next);
}
