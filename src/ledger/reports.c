/* reports.c — adding, verifying and rejecting monitoring reports. */
#include "ledger/reports.h"

#include "base/date.h"
#include "base/json.h"
#include "base/num.h"
#include "base/text.h"
#include "ledger/accounts.h"
#include "ledger/projects.h"
#include "ledger/serial.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

enum { NAMED_PARCELS = 10 }; /* how many offending parcels a refusal names */

int th_report_json(th_db *db, int64_t id, bool full, th_buf *out, th_err *e)
{
    sqlite3_stmt *st;
    if (th_db_stmt(db,
                      "SELECT r.id, r.project_id, p.name, r.status, r.period_start, r.period_end,"
                      " r.vintage, r.net_tco2e, r.credits_total, r.buffer_credits,"
                      " r.owner_credits, r.reversal_tco2e, r.verifier_id, a.name, r.decided_at,"
                      " r.reject_reason, r.created_at, r.result,"
                      " (SELECT count(*) FROM report_parcels rp WHERE rp.report_id = r.id)"
                      " FROM reports r JOIN projects p ON p.id = r.project_id"
                      " LEFT JOIN accounts a ON a.id = r.verifier_id WHERE r.id = ?",
                      &st, e))
        return -1;
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) != SQLITE_ROW) {
        th_db_done(db, st);
        char v[24];
        snprintf(v, sizeof v, "%lld", (long long)id);
        return th_fail_at(e, TH_EINPUT, NULL, 0, "report", v, strlen(v), "no report has this id");
    }
    th_json j;
    th_json_init(&j, out);
    th_json_obj_begin(&j);
    th_json_key(&j, "id");
    th_json_int(&j, sqlite3_column_int64(st, 0));
    th_json_key(&j, "project");
    th_json_obj_begin(&j);
    th_json_key(&j, "id");
    th_json_int(&j, sqlite3_column_int64(st, 1));
    char code[32];
    th_project_code(sqlite3_column_int64(st, 1), code);
    th_json_key(&j, "code");
    th_json_str(&j, code);
    th_json_key(&j, "name");
    th_json_str(&j, (const char *)sqlite3_column_text(st, 2));
    th_json_obj_end(&j);
    static const char *const text_keys[] = {"status", "period_start", "period_end"};
    for (int k = 0; k < 3; k++) {
        th_json_key(&j, text_keys[k]);
        th_json_str(&j, (const char *)sqlite3_column_text(st, 3 + k));
    }
    th_json_key(&j, "vintage");
    th_json_int(&j, sqlite3_column_int64(st, 6));
    th_json_key(&j, "net_tco2e");
    th_json_double(&j, sqlite3_column_double(st, 7));
    th_json_key(&j, "credits_total");
    th_json_int(&j, sqlite3_column_int64(st, 8));
    th_json_key(&j, "buffer_credits");
    th_json_int(&j, sqlite3_column_int64(st, 9));
    th_json_key(&j, "owner_credits");
    th_json_int(&j, sqlite3_column_int64(st, 10));
    th_json_key(&j, "reversal_tco2e");
    th_json_double(&j, sqlite3_column_double(st, 11));
    th_json_key(&j, "parcels");
    th_json_int(&j, sqlite3_column_int64(st, 18));
    th_json_key(&j, "verifier");
    if (sqlite3_column_type(st, 12) == SQLITE_NULL) {
        th_json_null(&j);
    } else {
        th_json_obj_begin(&j);
        th_json_key(&j, "id");
        th_json_int(&j, sqlite3_column_int64(st, 12));
        th_json_key(&j, "name");
        th_json_str(&j, (const char *)sqlite3_column_text(st, 13));
        th_json_obj_end(&j);
    }
    th_json_key(&j, "decided_at");
    if (sqlite3_column_type(st, 14) == SQLITE_NULL)
        th_json_null(&j);
    else
        th_json_str(&j, (const char *)sqlite3_column_text(st, 14));
    th_json_key(&j, "reject_reason");
    if (sqlite3_column_type(st, 15) == SQLITE_NULL)
        th_json_null(&j);
    else
        th_json_str(&j, (const char *)sqlite3_column_text(st, 15));
    th_json_key(&j, "created_at");
    th_json_str(&j, (const char *)sqlite3_column_text(st, 16));
    if (full) {
        /* the stored measurement, verbatim */
        th_json_key(&j, "measurement");
        th_buf_put(out, sqlite3_column_text(st, 17), (size_t)sqlite3_column_bytes(st, 17));
    }
    th_json_obj_end(&j);
    th_db_done(db, st);
    return 0;
}

/* The rule that no parcel's growth is counted twice, for report `id` of `project`. */
static int check_chain(th_db *db, int64_t project, int64_t id, th_err *e)
{
    sqlite3_stmt *st;
    if (th_db_stmt(db, "SELECT max(id) FROM reports WHERE project_id = ? AND id <> ? AND "
                          "status IN ('verified', 'issued')", &st, e))
        return -1;
    sqlite3_bind_int64(st, 1, project);
    sqlite3_bind_int64(st, 2, id);
    int64_t prev = 0;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        prev = sqlite3_column_int64(st, 0);
    th_db_done(db, st);
    if (!prev)
        return 0;
    if (th_db_stmt(db,
                      "SELECT n.parcel_id, n.before_date, o.after_date FROM report_parcels n"
                      " JOIN report_parcels o ON o.report_id = ? AND o.parcel_id = n.parcel_id"
                      " WHERE n.report_id = ? AND n.before_date < o.after_date ORDER BY n.parcel_id",
                      &st, e))
        return -1;
    sqlite3_bind_int64(st, 1, prev);
    sqlite3_bind_int64(st, 2, id);
    char list[700] = "";
    size_t len = 0;
    int64_t count = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (count++ < NAMED_PARCELS && len < sizeof list - 120) {
            char d1[11], d2[11];
            th_date_format((int32_t)sqlite3_column_int64(st, 1), d1);
            th_date_format((int32_t)sqlite3_column_int64(st, 2), d2);
            int w = snprintf(list + len, sizeof list - len, "%s%.60s (surveyed %s, counted to %s)",
                             len ? ", " : "", (const char *)sqlite3_column_text(st, 0), d1, d2);
            if (w > 0)
                len += (size_t)w;
        }
    }
    th_db_done(db, st);
    if (count == 0)
        return 0;
    return th_fail(e, TH_EINPUT,
                   "%lld parcels would have their growth counted twice: their before survey is "
                   "earlier than the after survey of report %lld, already verified: %s%s",
                   (long long)count, (long long)prev, list, count > NAMED_PARCELS ? ", ..." : "");
}

/* Tonnes are kept to the gram: the log carries them as whole grams (integers only), and a replay
 * must store the very double the live write did. */
static int64_t grams(double t)
{
    return llround(t * 1e6);
}

static void event_parcels(th_cjson *ev, const th_report_new *r)
{
    if (!ev)
        return;
    th_cjson *arr = th_cjson_array();
    for (size_t i = 0; i < r->nparcels; i++) {
        const th_report_parcel *rp = &r->parcels[i];
        /* [key, before survey or null, after survey or null] */
        th_cjson *one = th_cjson_array();
        th_cjson_push_str(one, rp->key, rp->key_len);
        char d[11];
        if (rp->has_before) {
            th_date_format(rp->before_date, d);
            th_cjson_push_str(one, d, 10);
        } else {
            th_cjson_push_null(one);
        }
        if (rp->has_after) {
            th_date_format(rp->after_date, d);
            th_cjson_push_str(one, d, 10);
        } else {
            th_cjson_push_null(one);
        }
        th_cjson_push(arr, one);
    }
    th_cjson_set(ev, "parcels", arr);
}

int th_report_add(th_db *db, const th_report_new *r, const char *now, th_buf *out, th_cjson *ev,
                  th_err *e)
{
    th_project p;
    if (th_project_find(db, r->project, &p, e))
        return -1;
    if (strcmp(p.status, "registered") != 0)
        return th_fail_at(e, TH_EINPUT, NULL, 0, "project", r->project, strlen(r->project),
                          "the project is %s: it takes no reports", p.status);
    sqlite3_stmt *st;
    if (th_db_stmt(db,
                      "INSERT INTO reports (project_id, status, period_start, period_end, vintage,"
                      " net_tco2e, credits_total, buffer_credits, owner_credits, reversal_tco2e,"
                      " result, created_at) VALUES (?, 'submitted', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                      &st, e))
        return -1;
    sqlite3_bind_int64(st, 1, p.id);
    sqlite3_bind_text(st, 2, r->period_start, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, r->period_end, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, r->vintage);
    sqlite3_bind_double(st, 5, (double)grams(r->net_tco2e) / 1e6);
    sqlite3_bind_int64(st, 6, r->credits_total);
    sqlite3_bind_int64(st, 7, r->buffer_credits);
    sqlite3_bind_int64(st, 8, r->owner_credits);
    sqlite3_bind_double(st, 9, (double)grams(r->reversal_tco2e) / 1e6);
    sqlite3_bind_text(st, 10, r->result_json, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 11, now, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    th_db_done(db, st);
    if (rc != SQLITE_DONE)
        return th_db_fail(db, "cannot add the report", e);
    int64_t id = sqlite3_last_insert_rowid(th_db_handle(db));
    if (th_db_stmt(db, "INSERT INTO report_parcels (report_id, parcel_id, before_date, "
                          "after_date) VALUES (?, ?, ?, ?)", &st, e))
        return -1;
    for (size_t i = 0; i < r->nparcels; i++) {
        const th_report_parcel *rp = &r->parcels[i];
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_text(st, 2, rp->key, (int)rp->key_len, SQLITE_STATIC);
        if (rp->has_before)
            sqlite3_bind_int(st, 3, rp->before_date);
        else
            sqlite3_bind_null(st, 3);
        if (rp->has_after)
            sqlite3_bind_int(st, 4, rp->after_date);
        else
            sqlite3_bind_null(st, 4);
        if (sqlite3_step(st) != SQLITE_DONE) {
            th_db_done(db, st);
            return th_db_fail(db, "cannot record the report's parcels", e);
        }
    }
    th_db_done(db, st);
    if (check_chain(db, p.id, id, e))
        return -1;
    th_cjson_set_int(ev, "report", id);
    th_cjson_set_int(ev, "project", p.id);
    th_cjson_set_str(ev, "period_start", r->period_start);
    th_cjson_set_str(ev, "period_end", r->period_end);
    th_cjson_set_int(ev, "vintage", r->vintage);
    th_cjson_set_int(ev, "net_gco2e", grams(r->net_tco2e));
    th_cjson_set_int(ev, "reversal_gco2e", grams(r->reversal_tco2e));
    th_cjson_set_int(ev, "credits_total", r->credits_total);
    th_cjson_set_int(ev, "buffer_credits", r->buffer_credits);
    th_cjson_set_int(ev, "owner_credits", r->owner_credits);
    th_cjson_set_str(ev, "result", r->result_json);
    event_parcels(ev, r);
    return th_report_json(db, id, false, out, e);
}

int th_report_find(th_db *db, const char *ref, th_report_row *r, th_err *e)
{
    memset(r, 0, sizeof *r);
    if (th_parse_int64(ref, strlen(ref), 1, INT64_MAX, &r->id) != 0)
        return th_fail_at(e, TH_EINPUT, NULL, 0, "report", ref, strlen(ref),
                          "a report is named by its id");
    sqlite3_stmt *st;
    if (th_db_stmt(db, "SELECT r.status, r.project_id, r.vintage, r.credits_total,"
                       " r.owner_credits, r.buffer_credits, r.reversal_tco2e, p.owner_id,"
                       " p.outstanding_reversal FROM reports r JOIN projects p"
                       " ON p.id = r.project_id WHERE r.id = ?", &st, e))
        return -1;
    sqlite3_bind_int64(st, 1, r->id);
    if (sqlite3_step(st) != SQLITE_ROW) {
        th_db_done(db, st);
        return th_fail_at(e, TH_EINPUT, NULL, 0, "report", ref, strlen(ref),
                          "no report has this id");
    }
    th_db_column_text(st, 0, r->status, sizeof r->status);
    r->project = sqlite3_column_int64(st, 1);
    r->vintage = sqlite3_column_int(st, 2);
    r->credits_total = sqlite3_column_int64(st, 3);
    r->owner_credits = sqlite3_column_int64(st, 4);
    r->buffer_credits = sqlite3_column_int64(st, 5);
    r->reversal_tco2e = sqlite3_column_double(st, 6);
    r->owner = sqlite3_column_int64(st, 7);
    r->outstanding_reversal = sqlite3_column_int64(st, 8);
    th_db_done(db, st);
    return 0;
}

int th_report_decide(th_db *db, const char *report, const char *verifier, bool verify,
                     const char *reason, const char *now, th_buf *out, th_cjson *ev,
                     th_err *e)
{
    th_report_row rr;
    if (th_report_find(db, report, &rr, e))
        return -1;
    int64_t id = rr.id, project = rr.project, owner = rr.owner;
    const char *status = rr.status;
    th_account v;
    if (th_account_find(db, verifier, &v, e))
        return -1;
    if (strcmp(v.kind, "verifier") != 0)
        return th_fail_at(e, TH_EINPUT, NULL, 0, "verifier", verifier, strlen(verifier),
                          "only a verifier account may %s a report (this one is %s)",
                          verify ? "verify" : "reject", v.kind);
    if (!verify && (!reason || !*reason))
        return th_fail(e, TH_EUSAGE, "a rejection needs a --reason");
    if (!verify && !th_utf8_valid(reason, strlen(reason)))
        return th_fail_at(e, TH_EINPUT, NULL, 0, "reason", reason, strlen(reason),
                          "the reason is not valid UTF-8");
    sqlite3_stmt *st;
    if (owner == v.id)
        return th_fail_at(e, TH_EINPUT, NULL, 0, "verifier", verifier, strlen(verifier),
                          "the project's owner cannot verify its own report");
    if (strcmp(status, "submitted") != 0)
        return th_fail_at(e, TH_EINPUT, NULL, 0, "report", report, strlen(report),
                          "the report is %s already: only a submitted report can be %s", status,
                          verify ? "verified" : "rejected");
    if (verify && check_chain(db, project, id, e))
        return -1;
    if (th_db_stmt(db, "UPDATE reports SET status = ?, verifier_id = ?, decided_at = ?,"
                          " reject_reason = ? WHERE id = ?", &st, e))
        return -1;
    sqlite3_bind_text(st, 1, verify ? "verified" : "rejected", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, v.id);
    sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
    if (verify)
        sqlite3_bind_null(st, 4);
    else
        sqlite3_bind_text(st, 4, reason, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, id);
    int rc = sqlite3_step(st);
    th_db_done(db, st);
    if (rc != SQLITE_DONE)
        return th_db_fail(db, "cannot record the decision", e);
    th_cjson_set_int(ev, "report", id);
    th_cjson_set_int(ev, "verifier", v.id);
    if (!verify)
        th_cjson_set_str(ev, "reason", reason);
    return th_report_json(db, id, false, out, e);
}

int th_report_list_json(th_db *db, int64_t project, const char *status, const th_page *pg,
                        th_buf *out, th_err *e)
{
    sqlite3_stmt *st;
    if (th_db_prepare(db, "SELECT id FROM reports WHERE (?1 = 0 OR project_id = ?1)"
                          " AND (?2 IS NULL OR status = ?2) AND id < ?3"
                          " AND (?5 IS NULL OR created_at >= ?5)"
                          " AND (?6 IS NULL OR created_at < ?6) ORDER BY id DESC LIMIT ?4",
                      &st, e))
        return -1;
    int64_t before, limit, last = 0;
    th_page_bounds(pg, &before, &limit);
    sqlite3_bind_int64(st, 1, project);
    if (status)
        sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, before);
    sqlite3_bind_int64(st, 4, limit);
    if (pg && pg->from)
        sqlite3_bind_text(st, 5, pg->from, -1, SQLITE_STATIC);
    if (pg && pg->to)
        sqlite3_bind_text(st, 6, pg->to, -1, SQLITE_STATIC);
    th_buf_puts(out, "{\"reports\":[");
    int r = SQLITE_DONE, n = 0, rc = 0;
    while (rc == 0 && (r = sqlite3_step(st)) == SQLITE_ROW) {
        if (n++)
            th_buf_putc(out, ',');
        last = sqlite3_column_int64(st, 0);
        rc = th_report_json(db, last, false, out, e);
    }
    sqlite3_finalize(st);
    if (rc)
        return -1;
    if (r != SQLITE_DONE)
        return th_db_fail(db, "cannot list the reports", e);
    th_buf_puts(out, "],");
    th_page_cursor(pg, n, last, out);
    th_buf_putc(out, '}');
    return 0;
}
