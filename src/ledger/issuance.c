/* issuance.c — issuing credits and cancelling reversals; holdings and supply. */
#include "ledger/issuance.h"

#include "base/json.h"
#include "base/num.h"
#include "ledger/accounts.h"
#include "ledger/reports.h"
#include "ledger/serial.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static int meta_int(th_db *db, const char *key, int64_t *v, th_err *e)
{
    sqlite3_stmt *st;
    if (th_db_stmt(db, "SELECT value FROM meta WHERE key = ?", &st, e))
        return -1;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    int r = sqlite3_step(st);
    if (r == SQLITE_ROW)
        *v = sqlite3_column_int64(st, 0);
    th_db_done(db, st);
    return r == SQLITE_ROW ? 0 : th_fail(e, TH_EINTERNAL, "the database has no %s", key);
}

void th_registry_code(th_db *db, char out[16])
{
    size_t len;
    const void *m = th_db_memo_get(db, "registry code", &len);
    if (m && len == 16) {
        memcpy(out, m, 16);
        return;
    }
    sqlite3_stmt *st;
    th_err e;
    memset(out, 0, 16);
    snprintf(out, 16, "SGFC");
    if (th_db_stmt(db, "SELECT value FROM meta WHERE key = 'registry_code'", &st, &e) == 0) {
        if (sqlite3_step(st) == SQLITE_ROW) {
            th_db_column_text(st, 0, out, 16);
            th_db_memo_put(db, "registry code", out, 16); /* set by migration 3, never changed */
        }
        th_db_done(db, st);
    }
}

void th_block_serial(th_db *db, int64_t project, int vintage, int64_t first, int64_t last,
                     char out[TH_SERIAL_TEXT_MAX])
{
    th_block b;
    memset(&b, 0, sizeof b);
    th_registry_code(db, b.registry);
    th_project_code(project, b.project);
    b.vintage = vintage;
    b.first = first;
    b.last = last;
    th_block_format(&b, out);
}

static int insert_block(th_db *db, int64_t issuance, int64_t project, int vintage, int64_t first,
                        int64_t last, const char *state, int64_t account, int64_t cancellation,
                        th_err *e)
{
    sqlite3_stmt *st;
    if (th_db_stmt(db, "INSERT INTO blocks (issuance_id, project_id, vintage, first, last, "
                          "state, account_id, cancellation_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                      &st, e))
        return -1;
    sqlite3_bind_int64(st, 1, issuance);
    sqlite3_bind_int64(st, 2, project);
    sqlite3_bind_int(st, 3, vintage);
    sqlite3_bind_int64(st, 4, first);
    sqlite3_bind_int64(st, 5, last);
    sqlite3_bind_text(st, 6, state, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, account);
    if (cancellation)
        sqlite3_bind_int64(st, 8, cancellation);
    else
        sqlite3_bind_null(st, 8);
    int r = sqlite3_step(st);
    th_db_done(db, st);
    return r == SQLITE_DONE ? 0 : th_db_fail(db, "cannot record a block", e);
}

static void json_block(th_json *j, th_db *db, int64_t project, int vintage, int64_t first,
                       int64_t last, const char *state, int64_t account)
{
    char serial[TH_SERIAL_TEXT_MAX];
    th_block_serial(db, project, vintage, first, last, serial);
    th_json_obj_begin(j);
    th_json_key(j, "serial");
    th_json_str(j, serial);
    char code[24];
    th_project_code(project, code);
    th_json_key(j, "project");
    th_json_str(j, code);
    th_json_key(j, "vintage");
    th_json_int(j, vintage);
    th_json_key(j, "first");
    th_json_int(j, first);
    th_json_key(j, "last");
    th_json_int(j, last);
    th_json_key(j, "quantity");
    th_json_int(j, last - first + 1);
    th_json_key(j, "state");
    th_json_str(j, state);
    if (account) {
        th_json_key(j, "account");
        th_json_int(j, account);
    }
    th_json_obj_end(j);
}

void th_event_range(th_cjson *arr, int64_t project, int vintage, int64_t first, int64_t last,
                        int64_t account)
{
    if (!arr)
        return;
    static const char *const keys[] = {"account", "first", "last", "project", "vintage"};
    int64_t v[] = {account, first, last, project, vintage};
    /* without an account: the keys from "first" on */
    th_cjson_push_ints(arr, account ? keys : keys + 1, account ? v : v + 1, account ? 5 : 4);
}

/* Cancel up to qty credits from the buffer account, lowest serials first; *done gets how many.
 * Each range cancelled goes into j and (when not NULL) the event array ev. */
static int cancel_from_buffer(th_db *db, int64_t buffer, int64_t qty, int64_t cancellation,
                              th_json *j, th_cjson *ev, int64_t *done, th_err *e)
{
    *done = 0;
    while (*done < qty) {
        sqlite3_stmt *st;
        if (th_db_stmt(db, "SELECT id, issuance_id, project_id, vintage, first, last FROM blocks"
                              " WHERE account_id = ? AND state = 'available' ORDER BY first LIMIT 1",
                          &st, e))
            return -1;
        sqlite3_bind_int64(st, 1, buffer);
        if (sqlite3_step(st) != SQLITE_ROW) {
            th_db_done(db, st);
            return 0; /* the buffer is empty */
        }
        int64_t id = sqlite3_column_int64(st, 0), iss = sqlite3_column_int64(st, 1),
                project = sqlite3_column_int64(st, 2);
        int vintage = sqlite3_column_int(st, 3);
        int64_t first = sqlite3_column_int64(st, 4), last = sqlite3_column_int64(st, 5);
        th_db_done(db, st);
        int64_t take = qty - *done < last - first + 1 ? qty - *done : last - first + 1;
        int64_t cut = first + take - 1;
        if (cut == last) {
            if (th_db_stmt(db, "UPDATE blocks SET state = 'cancelled', cancellation_id = ? "
                                  "WHERE id = ?", &st, e))
                return -1;
            sqlite3_bind_int64(st, 1, cancellation);
            sqlite3_bind_int64(st, 2, id);
        } else {
            /* split: the head is cancelled, the rest stays available */
            if (th_db_stmt(db, "UPDATE blocks SET first = ? WHERE id = ?", &st, e))
                return -1;
            sqlite3_bind_int64(st, 1, cut + 1);
            sqlite3_bind_int64(st, 2, id);
        }
        int r = sqlite3_step(st);
        th_db_done(db, st);
        if (r != SQLITE_DONE)
            return th_db_fail(db, "cannot cancel buffer credits", e);
        if (cut != last && insert_block(db, iss, project, vintage, first, cut, "cancelled", buffer,
                                        cancellation, e))
            return -1;
        json_block(j, db, project, vintage, first, cut, "cancelled", 0);
        th_event_range(ev, project, vintage, first, cut, 0);
        *done += take;
    }
    return 0;
}

int th_issue_report(th_db *db, const char *report, const char *now, th_buf *out, th_cjson *ev,
                    th_err *e)
{
    th_report_row rr;
    if (th_report_find(db, report, &rr, e))
        return -1;
    int64_t rid = rr.id, project = rr.project, total = rr.credits_total,
            owner_q = rr.owner_credits, buffer_q = rr.buffer_credits, owner = rr.owner,
            outstanding = rr.outstanding_reversal;
    int vintage = rr.vintage;
    double reversal = rr.reversal_tco2e;
    const char *status = rr.status;
    sqlite3_stmt *st;
    if (strcmp(status, "verified") != 0)
        return th_fail_at(e, TH_EINPUT, NULL, 0, "report", report, strlen(report),
                          "the report is %s: only a verified report is issued", status);
    th_account buf;
    if (th_account_find(db, "buffer", &buf, e))
        return -1;
    th_json j;
    th_json_init(&j, out);
    th_json_obj_begin(&j);
    th_json_key(&j, "report");
    th_json_int(&j, rid);
    th_json_key(&j, "project");
    th_json_int(&j, project);
    th_json_key(&j, "vintage");
    th_json_int(&j, vintage);
    th_cjson_set_int(ev, "report", rid);
    th_cjson_set_int(ev, "project", project);
    th_cjson_set_int(ev, "vintage", vintage);
    th_cjson *ranges = th_cjson_set_array(ev, reversal > 0 ? "cancelled_blocks" : "blocks");

    if (reversal > 0) {
        /* a reversal: cancel the loss from the pooled buffer */
        int64_t qty = (int64_t)ceil(reversal), done = 0;
        if (th_db_stmt(db, "INSERT INTO cancellations (report_id, project_id, quantity, "
                              "outstanding, created_at) VALUES (?, ?, 0, 0, ?)", &st, e))
            return -1;
        sqlite3_bind_int64(st, 1, rid);
        sqlite3_bind_int64(st, 2, project);
        sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
        int r = sqlite3_step(st);
        th_db_done(db, st);
        if (r != SQLITE_DONE)
            return th_db_fail(db, "cannot record the cancellation", e);
        int64_t cid = sqlite3_last_insert_rowid(th_db_handle(db));
        th_json_key(&j, "cancelled_blocks");
        th_json_arr_begin(&j);
        if (cancel_from_buffer(db, buf.id, qty, cid, &j, ranges, &done, e))
            return -1;
        th_json_arr_end(&j);
        int64_t left = qty - done;
        char sql[200];
        snprintf(sql, sizeof sql,
                 "UPDATE cancellations SET quantity = %lld, outstanding = %lld WHERE id = %lld;"
                 "UPDATE projects SET outstanding_reversal = outstanding_reversal + %lld "
                 "WHERE id = %lld", (long long)done, (long long)left, (long long)cid,
                 (long long)left, (long long)project);
        if (th_db_exec(db, sql, e))
            return -1;
        th_json_key(&j, "reversal");
        th_json_int(&j, qty);
        th_json_key(&j, "cancelled");
        th_json_int(&j, done);
        th_json_key(&j, "outstanding_reversal");
        th_json_int(&j, outstanding + left);
        th_json_key(&j, "issued");
        th_json_int(&j, 0);
        th_cjson_set_int(ev, "cancellation", cid);
        th_cjson_set_int(ev, "reversal", qty);
        th_cjson_set_int(ev, "outstanding", left);
    } else {
        if (total > 0 && outstanding > 0)
            return th_fail(e, TH_EINPUT, "the project has an outstanding reversal of %lld "
                                         "credits that the buffer could not cover: nothing more "
                                         "is issued to it", (long long)outstanding);
        int64_t next = 0;
        if (meta_int(db, "next_serial", &next, e))
            return -1;
        if (total > TH_SERIAL_MAX - next)
            return th_fail(e, TH_EINPUT, "the registry's serial numbers would run out");
        if (th_db_stmt(db, "INSERT INTO issuances (report_id, project_id, vintage, first, last,"
                              " quantity, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", &st, e))
            return -1;
        sqlite3_bind_int64(st, 1, rid);
        sqlite3_bind_int64(st, 2, project);
        sqlite3_bind_int(st, 3, vintage);
        if (total > 0) {
            sqlite3_bind_int64(st, 4, next);
            sqlite3_bind_int64(st, 5, next + total - 1);
        } else {
            sqlite3_bind_null(st, 4);
            sqlite3_bind_null(st, 5);
        }
        sqlite3_bind_int64(st, 6, total);
        sqlite3_bind_text(st, 7, now, -1, SQLITE_STATIC);
        int r = sqlite3_step(st);
        th_db_done(db, st);
        if (r != SQLITE_DONE)
            return th_db_fail(db, "cannot record the issuance", e);
        int64_t iid = sqlite3_last_insert_rowid(th_db_handle(db));
        th_json_key(&j, "issuance");
        th_json_int(&j, iid);
        th_cjson_set_int(ev, "issuance", iid);
        th_json_key(&j, "issued");
        th_json_int(&j, total);
        th_json_key(&j, "blocks");
        th_json_arr_begin(&j);
        if (owner_q > 0) {
            if (insert_block(db, iid, project, vintage, next, next + owner_q - 1, "available",
                             owner, 0, e))
                return -1;
            json_block(&j, db, project, vintage, next, next + owner_q - 1, "available", owner);
            th_event_range(ranges, project, vintage, next, next + owner_q - 1, owner);
        }
        if (buffer_q > 0) {
            if (insert_block(db, iid, project, vintage, next + owner_q, next + total - 1,
                             "available", buf.id, 0, e))
                return -1;
            json_block(&j, db, project, vintage, next + owner_q, next + total - 1, "available",
                       buf.id);
            th_event_range(ranges, project, vintage, next + owner_q, next + total - 1, buf.id);
        }
        th_json_arr_end(&j);
        char sql[120];
        snprintf(sql, sizeof sql, "UPDATE meta SET value = %lld WHERE key = 'next_serial'",
                 (long long)(next + total));
        if (th_db_exec(db, sql, e))
            return -1;
    }
    th_json_obj_end(&j);
    char sql[120];
    snprintf(sql, sizeof sql, "UPDATE reports SET status = 'issued' WHERE id = %lld",
             (long long)rid);
    return th_db_exec(db, sql, e);
}

int th_holdings_json(th_db *db, const char *account, th_buf *out, th_err *e)
{
    th_account a;
    if (th_account_find(db, account, &a, e))
        return -1;
    sqlite3_stmt *st;
    if (th_db_stmt(db, "SELECT project_id, vintage, first, last, state FROM blocks WHERE "
                          "account_id = ? AND state IN ('available', 'reserved') ORDER BY first",
                      &st, e))
        return -1;
    sqlite3_bind_int64(st, 1, a.id);
    th_buf blocks;
    th_buf_init(&blocks);
    th_json bj;
    th_json_init(&bj, &blocks);
    th_json_arr_begin(&bj);
    int64_t avail = 0, reserved = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        int64_t first = sqlite3_column_int64(st, 2), last = sqlite3_column_int64(st, 3);
        const char *state = (const char *)sqlite3_column_text(st, 4);
        if (strcmp(state, "reserved") == 0)
            reserved += last - first + 1;
        else
            avail += last - first + 1;
        json_block(&bj, db, sqlite3_column_int64(st, 0), sqlite3_column_int(st, 1), first, last,
                   state, 0);
    }
    th_db_done(db, st);
    th_json_arr_end(&bj);
    th_json j;
    th_json_init(&j, out);
    th_json_obj_begin(&j);
    th_json_key(&j, "account");
    th_json_obj_begin(&j);
    th_json_key(&j, "id");
    th_json_int(&j, a.id);
    th_json_key(&j, "name");
    th_json_str(&j, a.name);
    th_json_key(&j, "kind");
    th_json_str(&j, a.kind);
    th_json_obj_end(&j);
    th_json_key(&j, "total");
    th_json_int(&j, avail + reserved);
    th_json_key(&j, "available");
    th_json_int(&j, avail);
    th_json_key(&j, "reserved");
    th_json_int(&j, reserved);
    th_json_key(&j, "blocks");
    th_buf_put(out, blocks.p, blocks.len);
    th_json_obj_end(&j);
    th_buf_free(&blocks);
    return 0;
}

int th_supply_json(th_db *db, th_buf *out, th_err *e)
{
    static const char *const sql =
        "SELECT b.project_id, b.vintage,"
        " sum(b.last - b.first + 1),"
        " sum(CASE WHEN b.state IN ('available', 'reserved') THEN b.last - b.first + 1 END),"
        " sum(CASE WHEN b.state = 'retired' THEN b.last - b.first + 1 END),"
        " sum(CASE WHEN b.state = 'cancelled' THEN b.last - b.first + 1 END),"
        " sum(CASE WHEN b.state IN ('available', 'reserved') AND a.kind = 'buffer'"
        "     THEN b.last - b.first + 1 END)"
        " FROM blocks b JOIN accounts a ON a.id = b.account_id"
        " GROUP BY b.project_id, b.vintage ORDER BY b.project_id, b.vintage";
    sqlite3_stmt *st;
    if (th_db_stmt(db, sql, &st, e))
        return -1;
    int64_t tot[5] = {0, 0, 0, 0, 0};
    static const char *const keys[5] = {"issued", "held", "retired", "cancelled", "buffer"};
    th_buf by;
    th_buf_init(&by);
    th_json bj;
    th_json_init(&bj, &by);
    th_json_arr_begin(&bj);
    while (sqlite3_step(st) == SQLITE_ROW) {
        char code[24];
        th_project_code(sqlite3_column_int64(st, 0), code);
        th_json_obj_begin(&bj);
        th_json_key(&bj, "project");
        th_json_str(&bj, code);
        th_json_key(&bj, "vintage");
        th_json_int(&bj, sqlite3_column_int64(st, 1));
        for (int k = 0; k < 5; k++) {
            int64_t v = sqlite3_column_int64(st, 2 + k); /* NULL reads as 0 */
            tot[k] += v;
            th_json_key(&bj, keys[k]);
            th_json_int(&bj, v);
        }
        th_json_obj_end(&bj);
    }
    th_db_done(db, st);
    th_json_arr_end(&bj);
    th_json j;
    th_json_init(&j, out);
    th_json_obj_begin(&j);
    for (int k = 0; k < 5; k++) {
        th_json_key(&j, keys[k]);
        th_json_int(&j, tot[k]);
    }
    th_json_key(&j, "by");
    th_buf_put(out, by.p, by.len);
    th_json_obj_end(&j);
    th_buf_free(&by);
    return 0;
}
