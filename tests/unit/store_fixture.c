/* store_fixture.c — taking a database back to an older schema. The one list to extend when a
 * migration is added (its test fails until it is). */
#include "store_fixture.h"

#include <stdio.h>

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
