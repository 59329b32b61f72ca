/* registry_views.c — a project's issuances, and a serial number's block and history. Reads
 * only; see registry_views.h. */
#include "ledger/registry_views.h"

#include "base/json.h"
#include "base/num.h"
#include "ledger/issuance.h"
#include "ledger/projects.h"
#include "ledger/serial.h"

#include <string.h>

static void range(th_json *j, th_db *db, int64_t project, int vintage, int64_t first, int64_t last,
                  const char *role)
{
    char s[TH_SERIAL_TEXT_MAX];
    th_block_serial(db, project, vintage, first, last, s);
    th_json_obj_begin(j);
    th_json_key(j, "serial");
    th_json_str(j, s);
    th_json_key(j, "first");
    th_json_int(j, first);
    th_json_key(j, "last");
    th_json_int(j, last);
    th_json_key(j, "quantity");
    th_json_int(j, last - first + 1);
    th_json_key(j, "role");
    th_json_str(j, role);
    th_json_obj_end(j);
}

int th_issuances_json(th_db *db, const char *ref, th_buf *out, th_err *e)
{
    th_project p;
    if (th_project_find(db, ref, &p, e))
        return -1;
    sqlite3_stmt *st;
    if (th_db_stmt(db,
                   "SELECT i.id, i.report_id, i.vintage, i.first, i.last, i.quantity,"
                   " i.created_at, r.owner_credits FROM issuances i"
                   " JOIN reports r ON r.id = i.report_id WHERE i.project_id = ?"
                   " ORDER BY i.id",
                   &st, e))
        return -1;
    sqlite3_bind_int64(st, 1, p.id);
    th_json j;
    th_json_init(&j, out);
    th_json_obj_begin(&j);
    th_json_key(&j, "project");
    th_json_int(&j, p.id);
    th_json_key(&j, "issuances");
    th_json_arr_begin(&j);
    int r;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        int vintage = sqlite3_column_int(st, 2);
        int64_t first = sqlite3_column_int64(st, 3), last = sqlite3_column_int64(st, 4);
        int64_t owner = sqlite3_column_int64(st, 7);
        th_json_obj_begin(&j);
        th_json_key(&j, "id");
        th_json_int(&j, sqlite3_column_int64(st, 0));
        th_json_key(&j, "report");
        th_json_int(&j, sqlite3_column_int64(st, 1));
        th_json_key(&j, "vintage");
        th_json_int(&j, vintage);
        th_json_key(&j, "quantity");
        th_json_int(&j, sqlite3_column_int64(st, 5));
        th_json_key(&j, "created_at");
        th_json_str(&j, (const char *)sqlite3_column_text(st, 6));
        th_json_key(&j, "blocks");
        th_json_arr_begin(&j);
        /* the owner's credits first, then the pooled buffer's (issuance.c) */
        if (sqlite3_column_type(st, 3) != SQLITE_NULL) {
            if (owner > 0)
                range(&j, db, p.id, vintage, first, first + owner - 1, "owner");
            if (first + owner <= last)
                range(&j, db, p.id, vintage, first + owner, last, "buffer");
        }
        th_json_arr_end(&j);
        th_json_obj_end(&j);
    }
    th_db_done(db, st);
    if (r != SQLITE_DONE)
        return th_db_fail(db, "cannot read the issuances", e);
    th_json_arr_end(&j);
    th_json_obj_end(&j);
    return 0;
}

static void account_obj(th_json *j, const char *key, sqlite3_stmt *st, int col)
{
    th_json_key(j, key);
    th_json_obj_begin(j);
    th_json_key(j, "id");
    th_json_int(j, sqlite3_column_int64(st, col));
    th_json_key(j, "name");
    th_json_str(j, (const char *)sqlite3_column_text(st, col + 1));
    th_json_obj_end(j);
}

/* The serial ?1's history, in time order: the issuance ?2 that made it (to the owner or the
 * buffer, by where it falls in the range), then every trade and move whose range holds it; ?3
 * is the issuance's first serial, which bounds the parts' search (indexed on first). */
static const char history_sql[] =
    "SELECT 'issuance', i.created_at, i.id, i.report_id, 0, NULL, 0, 0,"
    "  a.id, a.name, NULL, NULL, NULL, NULL, NULL, NULL"
    " FROM issuances i JOIN reports r ON r.id = i.report_id"
    " JOIN projects pr ON pr.id = i.project_id"
    " JOIN accounts a ON a.id = CASE WHEN ?1 < i.first + r.owner_credits THEN pr.owner_id"
    "  ELSE (SELECT id FROM accounts WHERE name = 'buffer') END"
    " WHERE i.id = ?2"
    " UNION ALL"
    " SELECT 'trade', t.created_at, t.id, 0, t.price_fen, n.code, 0, 0, s.id, s.name, b.id,"
    "  b.name, NULL, NULL, NULL, NULL"
    " FROM trade_parts p JOIN trades t ON t.id = p.trade_id"
    " JOIN instruments n ON n.id = t.instrument_id"
    " JOIN accounts s ON s.id = t.seller_id JOIN accounts b ON b.id = t.buyer_id"
    " WHERE p.first BETWEEN ?3 AND ?1 AND p.last >= ?1"
    " UNION ALL"
    " SELECT m.kind, m.created_at, m.id, 0, 0, NULL, 0, 0, f.id, f.name, o.id, o.name,"
    "  m.beneficiary, m.reason, NULL, NULL"
    " FROM move_parts p JOIN moves m ON m.id = p.move_id JOIN accounts f ON f.id = m.from_id"
    " LEFT JOIN accounts o ON o.id = m.to_id"
    " WHERE p.first BETWEEN ?3 AND ?1 AND p.last >= ?1"
    " ORDER BY 2, 3";

static int history(th_db *db, int64_t n, int64_t issuance, int64_t from, th_json *j, th_err *e)
{
    sqlite3_stmt *st;
    if (th_db_stmt(db, history_sql, &st, e))
        return -1;
    sqlite3_bind_int64(st, 1, n);
    sqlite3_bind_int64(st, 2, issuance);
    sqlite3_bind_int64(st, 3, from);
    th_json_key(j, "history");
    th_json_arr_begin(j);
    int r;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        const char *kind = (const char *)sqlite3_column_text(st, 0);
        th_json_obj_begin(j);
        th_json_key(j, "kind");
        th_json_str(j, kind);
        th_json_key(j, "time");
        th_json_str(j, (const char *)sqlite3_column_text(st, 1));
        if (strcmp(kind, "issuance") == 0) {
            th_json_key(j, "issuance");
            th_json_int(j, sqlite3_column_int64(st, 2));
            th_json_key(j, "report");
            th_json_int(j, sqlite3_column_int64(st, 3));
            account_obj(j, "to", st, 8);
        } else if (strcmp(kind, "trade") == 0) {
            th_json_key(j, "trade");
            th_json_int(j, sqlite3_column_int64(st, 2));
            th_json_key(j, "instrument");
            th_json_str(j, (const char *)sqlite3_column_text(st, 5));
            th_json_key(j, "price_fen");
            th_json_int(j, sqlite3_column_int64(st, 4));
            account_obj(j, "from", st, 8);
            account_obj(j, "to", st, 10);
        } else {
            th_json_key(j, "move");
            th_json_int(j, sqlite3_column_int64(st, 2));
            account_obj(j, "from", st, 8);
            if (strcmp(kind, "transfer") == 0) {
                account_obj(j, "to", st, 10);
            } else {
                th_json_key(j, "beneficiary");
                th_json_str(j, (const char *)sqlite3_column_text(st, 12));
                th_json_key(j, "reason");
                th_json_str(j, (const char *)sqlite3_column_text(st, 13));
            }
        }
        th_json_obj_end(j);
    }
    th_db_done(db, st);
    if (r != SQLITE_DONE)
        return th_db_fail(db, "cannot read the serial's history", e);
    th_json_arr_end(j);
    return 0;
}

int th_serial_json(th_db *db, const char *ref, th_buf *out, th_err *e)
{
    /* a number, or a block's text (its first number) */
    size_t len = strlen(ref);
    int64_t n;
    if (th_parse_int64(ref, len, 1, TH_SERIAL_MAX, &n) != 0) {
        th_block blk;
        th_err pe;
        if (th_block_parse(ref, len, &blk, &pe) != 0)
            return th_fail_at(e, TH_EINPUT, NULL, 0, "serial", ref, len,
                              "a serial number is a whole number from 1, or a block's text like "
                              "SGFC-P0001-2024-000000001-000000100 (%s)",
                              pe.msg);
        n = blk.first;
    }
    sqlite3_stmt *st;
    if (th_db_stmt(db,
                   "SELECT b.project_id, b.vintage, b.first, b.last, b.state, a.id, a.name,"
                   " p.name, b.issuance_id, i.first FROM blocks b"
                   " JOIN accounts a ON a.id = b.account_id"
                   " JOIN projects p ON p.id = b.project_id"
                   " JOIN issuances i ON i.id = b.issuance_id"
                   " WHERE b.first <= ? ORDER BY b.first DESC LIMIT 1",
                   &st, e))
        return -1;
    sqlite3_bind_int64(st, 1, n);
    if (sqlite3_step(st) != SQLITE_ROW || sqlite3_column_int64(st, 3) < n) {
        th_db_done(db, st);
        return th_fail_at(e, TH_EINPUT, NULL, 0, "serial", ref, len,
                          "no credit of the registry has this serial number");
    }
    char s[TH_SERIAL_TEXT_MAX];
    int64_t project = sqlite3_column_int64(st, 0), first = sqlite3_column_int64(st, 2),
            last = sqlite3_column_int64(st, 3), issuance = sqlite3_column_int64(st, 8),
            from = sqlite3_column_int64(st, 9);
    int vintage = sqlite3_column_int(st, 1);
    th_block_serial(db, project, vintage, first, last, s);
    char code[24];
    th_project_code(project, code);
    th_json j;
    th_json_init(&j, out);
    th_json_obj_begin(&j);
    th_json_key(&j, "serial");
    th_json_int(&j, n);
    th_json_key(&j, "project_name");
    th_json_str(&j, (const char *)sqlite3_column_text(st, 7));
    th_json_key(&j, "block");
    th_json_obj_begin(&j);
    th_json_key(&j, "serial");
    th_json_str(&j, s);
    th_json_key(&j, "project");
    th_json_str(&j, code);
    th_json_key(&j, "project_id");
    th_json_int(&j, project);
    th_json_key(&j, "vintage");
    th_json_int(&j, vintage);
    th_json_key(&j, "first");
    th_json_int(&j, first);
    th_json_key(&j, "last");
    th_json_int(&j, last);
    th_json_key(&j, "quantity");
    th_json_int(&j, last - first + 1);
    th_json_key(&j, "state");
    th_json_str(&j, (const char *)sqlite3_column_text(st, 4));
    account_obj(&j, "account", st, 5);
    th_json_obj_end(&j);
    th_db_done(db, st);
    if (history(db, n, issuance, from, &j, e))
        return -1;
    th_json_obj_end(&j);
    return 0;
}
