/* store_fixture.c — new test databases, and taking one back to an older schema. The undo list
 * is the one to extend when a migration is added (its test fails until it is). */
#include "store_fixture.h"

#include "test.h"

#include <stdio.h>
#include <unistd.h>

/* undo[v] takes a database from version v + 1 back to v */
static const char *const undo[] = {
    [1] = "DROP TABLE report_parcels; DROP TABLE reports; DROP TABLE projects;",
    [2] = "DROP TABLE blocks; DROP TABLE cancellations; DROP TABLE issuances;"
          "DELETE FROM meta WHERE key IN ('registry_code', 'next_serial');",
    [3] = "DROP TABLE move_parts; DROP TABLE moves; DROP INDEX blocks_taking;",
    [4] = "", /* 5 rebuilt blocks with the same columns and rows */
    [5] = "CREATE INDEX blocks_holder ON blocks (account_id, state, project_id, vintage, first);",
    [6] = "DROP TABLE log_entries; DROP TABLE log_hashes; DROP TABLE log_checkpoints;",
    [7] = "DROP INDEX blocks_retirement; DROP INDEX blocks_cancellation;",
    [8] = "DROP TABLE log_tiles; CREATE TABLE log_hashes (level INTEGER NOT NULL, idx INTEGER NOT"
          " NULL, hash BLOB NOT NULL, PRIMARY KEY (level, idx)) WITHOUT ROWID;",
    [9] = "DROP TABLE cash_moves; DROP TABLE cash;",
    [10] = "DROP TABLE instruments;",
    [11] = "DROP INDEX blocks_order; ALTER TABLE blocks DROP COLUMN order_id;"
           "DROP TABLE trade_parts; DROP TABLE trades; DROP TABLE orders;",
    [12] = "DROP TABLE payouts; DROP TABLE beneficiaries;",
    [13] = "DROP TABLE session_closes; ALTER TABLE instruments DROP COLUMN session;"
           "ALTER TABLE instruments DROP COLUMN session_from;",
    [14] = "DROP TABLE block_trades;",
    [15] = "DROP TABLE holidays; DROP TABLE calendar;"
           "ALTER TABLE instruments DROP COLUMN session_at;"
           "ALTER TABLE instruments DROP COLUMN calendar_after;"
           "ALTER TABLE instruments DROP COLUMN block_min;",
    [16] = "DROP INDEX orders_auction; ALTER TABLE orders DROP COLUMN auction_id;"
           "DROP TABLE auctions;",
    [17] = "DROP TABLE tokens; DROP TABLE users;",
    [18] = "ALTER TABLE tokens DROP COLUMN expires_at; ALTER TABLE tokens DROP COLUMN kind;",
    [19] = "DROP INDEX log_entries_move;",
    [20] = "DROP INDEX trade_parts_first; DROP INDEX move_parts_first;",
    [21] = "CREATE INDEX log_entries_move ON log_entries (json_extract(entry, '$.move'))"
           "  WHERE iif(json_valid(entry), json_extract(entry, '$.type'), NULL) IN"
           "  ('transfer', 'retire');"
           "ALTER TABLE moves DROP COLUMN log_index;",
    [22] = TH_DB_RETILE_SQL(63, 64),
    [23] = "DROP INDEX blocks_taking; CREATE INDEX blocks_taking ON blocks (account_id, state,"
           " first); CREATE INDEX blocks_order ON blocks (order_id, first)"
           " WHERE order_id IS NOT NULL;",
    [24] = "PRAGMA writable_schema = ON;"
           "UPDATE sqlite_schema SET sql = replace(sql, 'order_id INTEGER,',"
           "  'order_id INTEGER REFERENCES orders (id),')"
           "  WHERE type = 'table' AND name IN ('blocks', 'trades');"
           "PRAGMA writable_schema = RESET;"
           "DELETE FROM meta WHERE key = 'order_priority';",
    [25] = "DROP INDEX orders_account_run; CREATE INDEX orders_account ON orders (account_id, id);",
    [26] = "DROP INDEX trades_buy_order; DROP INDEX trades_sell_order;",
    [27] = "DROP INDEX tokens_user;",
};

int th_test_downgrade(th_db *db, int version, th_err *e)
{
    int latest = th_db_schema_latest();
    if (latest > (int)(sizeof undo / sizeof *undo))
        return th_fail(e, TH_EINTERNAL, "store_fixture.c: no undo for migration %d", latest);
    for (int v = latest - 1; v >= version; v--)
        if (th_db_exec(db, undo[v], e))
            return -1;
    char sql[100];
    snprintf(sql, sizeof sql, "UPDATE meta SET value = %d WHERE key = 'schema_version'", version);
    return th_db_exec(db, sql, e);
}

th_db *th_test_db_new(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", th_test_tmpdir(), name);
    unlink(path);
    th_db *db = NULL;
    th_err e;
    if (th_db_open(path, TH_DB_CREATE, &db, &e) != 0)
        th_test_fail(__FILE__, __LINE__, "%s: %s", path, e.msg);
    return db;
}

int64_t th_test_scalar(th_db *db, const char *sql)
{
    sqlite3_stmt *st;
    th_err e;
    int64_t v = -1;
    if (th_db_prepare(db, sql, &st, &e) == 0) {
        if (sqlite3_step(st) == SQLITE_ROW)
            v = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    return v;
}
