/* projects.c — adding, finding and listing projects. */
#include "ledger/projects.h"

#include "base/json.h"
#include "base/num.h"
#include "carbon/credits.h"
#include "carbon/params.h"
#include "ledger/accounts.h"
#include "ledger/serial.h"

#include <stdio.h>
#include <string.h>

static const char *const cols =
    "id, name, owner_id, buffer_pct_scaled, params_name, params_sha256, status, "
    "outstanding_reversal, created_at";

static void row_to_project(sqlite3_stmt *st, th_project *p)
{
    memset(p, 0, sizeof *p);
    p->id = sqlite3_column_int64(st, 0);
    th_project_code(p->id, p->code);
    th_db_column_text(st, 1, p->name, sizeof p->name);
    p->owner_id = sqlite3_column_int64(st, 2);
    p->buffer_pct_scaled = sqlite3_column_int64(st, 3);
    th_db_column_text(st, 4, p->params_name, sizeof p->params_name);
    th_db_column_text(st, 5, p->params_sha256, sizeof p->params_sha256);
    th_db_column_text(st, 6, p->status, sizeof p->status);
    p->outstanding_reversal = sqlite3_column_int64(st, 7);
    th_db_column_text(st, 8, p->created_at, sizeof p->created_at);
}

void th_project_json(th_db *db, const th_project *p, th_buf *out)
{
    th_account owner;
    th_err e;
    char ref[32];
    snprintf(ref, sizeof ref, "%lld", (long long)p->owner_id);
    if (th_account_find(db, ref, &owner, &e) != 0)
        memset(&owner, 0, sizeof owner);
    th_json j;
    th_json_init(&j, out);
    th_json_obj_begin(&j);
    th_json_key(&j, "id");
    th_json_int(&j, p->id);
    th_json_key(&j, "code");
    th_json_str(&j, p->code);
    th_json_key(&j, "name");
    th_json_str(&j, p->name);
    th_json_key(&j, "owner");
    th_json_obj_begin(&j);
    th_json_key(&j, "id");
    th_json_int(&j, p->owner_id);
    th_json_key(&j, "name");
    th_json_str(&j, owner.name);
    th_json_obj_end(&j);
    th_json_key(&j, "buffer_pct");
    th_json_double(&j, (double)p->buffer_pct_scaled / (double)TH_PCT_SCALE);
    th_json_key(&j, "params");
    th_json_obj_begin(&j);
    th_json_key(&j, "name");
    th_json_str(&j, p->params_name);
    th_json_key(&j, "sha256");
    th_json_str(&j, p->params_sha256);
    th_json_obj_end(&j);
    th_json_key(&j, "status");
    th_json_str(&j, p->status);
    th_json_key(&j, "outstanding_reversal");
    th_json_int(&j, p->outstanding_reversal);
    th_json_key(&j, "created_at");
    th_json_str(&j, p->created_at);
    th_json_obj_end(&j);
}

int th_project_add(th_db *db, const th_project_new *n, const char *now, th_buf *out, th_cjson *ev,
                   th_err *e)
{
    if (th_account_check_name(n->name, e))
        return -1;
    th_account owner;
    if (th_account_find(db, n->owner, &owner, e))
        return -1;
    if (strcmp(owner.kind, "state") && strcmp(owner.kind, "collective") &&
        strcmp(owner.kind, "household") && strcmp(owner.kind, "company"))
        return th_fail_at(e, TH_EINPUT, NULL, 0, "owner", n->owner, strlen(n->owner),
                          "a %s account cannot own a forest project (owners are state, "
                          "collective, household or company accounts)", owner.kind);
    if (n->buffer_pct_scaled < 0 || n->buffer_pct_scaled > 100 * TH_PCT_SCALE)
        return th_fail(e, TH_EINPUT, "the buffer percentage must be from 0 to 100");
    th_params *params;
    if (th_params_parse(n->params_csv, strlen(n->params_csv), n->params_name, &params, e))
        return -1;
    th_params_free(params);
    sqlite3_stmt *st;
    if (th_db_stmt(db, "SELECT 1 FROM projects WHERE name = ?", &st, e))
        return -1;
    sqlite3_bind_text(st, 1, n->name, -1, SQLITE_STATIC);
    int r = sqlite3_step(st);
    th_db_done(db, st);
    if (r == SQLITE_ROW)
        return th_fail_at(e, TH_EINPUT, NULL, 0, "name", n->name, strlen(n->name),
                          "a project of this name exists already");
    char sql[512];
    snprintf(sql, sizeof sql,
             "INSERT INTO projects (name, owner_id, buffer_pct_scaled, params_name, params_sha256,"
             " params_csv, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING %s", cols);
    if (th_db_stmt(db, sql, &st, e))
        return -1;
    sqlite3_bind_text(st, 1, n->name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, owner.id);
    sqlite3_bind_int64(st, 3, n->buffer_pct_scaled);
    sqlite3_bind_text(st, 4, n->params_name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, n->params_sha256, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, n->params_csv, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, now, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_ROW) {
        th_db_done(db, st);
        return th_db_fail(db, "cannot add the project", e);
    }
    th_project p;
    row_to_project(st, &p);
    th_db_done(db, st);
    th_project_json(db, &p, out);
    th_cjson_set_int(ev, "project", p.id);
    th_cjson_set_str(ev, "name", n->name);
    th_cjson_set_int(ev, "owner", owner.id);
    th_cjson_set_int(ev, "buffer_pct_scaled", n->buffer_pct_scaled);
    th_cjson_set_str(ev, "params_name", n->params_name);
    th_cjson_set_str(ev, "params_sha256", n->params_sha256);
    th_cjson_set_str(ev, "params_csv", n->params_csv);
    return 0;
}

int th_project_find(th_db *db, const char *ref, th_project *p, th_err *e)
{
    int64_t id = 0;
    bool by_id = th_parse_int64(ref, strlen(ref), 1, INT64_MAX, &id) == 0;
    if (!by_id && (ref[0] == 'P' || ref[0] == 'p') && ref[1] &&
        th_parse_int64(ref + 1, strlen(ref + 1), 1, INT64_MAX, &id) == 0)
        by_id = true; /* a project code */
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT %s FROM projects WHERE %s = ?", cols, by_id ? "id" : "name");
    sqlite3_stmt *st;
    int r = th_db_find_row(db, sql, by_id, id, ref, &st, e);
    if (r < 0)
        return -1;
    if (r == 0)
        return th_fail_at(e, TH_EINPUT, NULL, 0, "project", ref, strlen(ref),
                          "no project has this id, code or name");
    row_to_project(st, p);
    th_db_done(db, st);
    return 0;
}

int th_project_params(th_db *db, int64_t id, th_buf *out, th_err *e)
{
    sqlite3_stmt *st;
    if (th_db_stmt(db, "SELECT params_csv FROM projects WHERE id = ?", &st, e))
        return -1;
    sqlite3_bind_int64(st, 1, id);
    int r = sqlite3_step(st);
    if (r == SQLITE_ROW)
        th_buf_put(out, sqlite3_column_text(st, 0), (size_t)sqlite3_column_bytes(st, 0));
    th_db_done(db, st);
    return r == SQLITE_ROW ? 0 : th_fail(e, TH_EINPUT, "no project %lld", (long long)id);
}

static void project_item(th_db *db, sqlite3_stmt *st, th_buf *out)
{
    th_project p;
    row_to_project(st, &p);
    th_project_json(db, &p, out);
}

int th_project_list_json(th_db *db, th_buf *out, th_err *e)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT %s FROM projects ORDER BY id", cols);
    return th_db_json_list(db, sql, NULL, "projects", "projects", project_item, out, e);
}
