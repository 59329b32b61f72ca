/* moves.c — taking credits from an account's blocks: transfers and retirements. */
#include "ledger/moves.h"

#include "base/json.h"
#include "base/mem.h"
#include "base/num.h"
#include "base/text.h"
#include "ledger/issuance.h"
#include "ledger/accounts.h"
#include "ledger/blocks.h"
#include "ledger/projects.h"
#include "ledger/serial.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A serial range a move took: what move_parts stores and a certificate lists. */
typedef struct {
    int64_t project;
    int vintage;
    int64_t first, last;
} part;

/* Everything a certificate shows; filled by the move itself, or read back from its rows. */
typedef struct {
    int64_t id, qty;
    bool retirement;
    const char *date;
    int64_t from_id, to_id;
    const char *from_name, *to_name;
    const char *beneficiary, *reason, *jurisdiction; /* jurisdiction NULL: none */
    char registry[16];
    int64_t log_index; /* its entry in the transparency log; -1: none (a move made unlogged) */
    part *parts;
    size_t nparts, capparts;
} certificate;

static void add_to_certificate(certificate *c, const part *p)
{
    if (c->nparts == c->capparts) {
        c->capparts = c->capparts ? c->capparts * 2 : 8;
        c->parts = th_xrealloc(c->parts, c->capparts * sizeof *c->parts);
    }
    c->parts[c->nparts++] = *p;
}

static void certificate_json(const certificate *c, th_buf *out)
{
    th_json j;
    th_json_init(&j, out);
    th_json_obj_begin(&j);
    th_json_key(&j, "id");
    th_json_int(&j, c->id);
    th_json_key(&j, "type");
    th_json_str(&j, c->retirement ? "retirement" : "transfer");
    th_json_key(&j, "date");
    th_json_str(&j, c->date);
    th_json_key(&j, c->retirement ? "account" : "from");
    th_json_obj_begin(&j);
    th_json_key(&j, "id");
    th_json_int(&j, c->from_id);
    th_json_key(&j, "name");
    th_json_str(&j, c->from_name);
    th_json_obj_end(&j);
    if (!c->retirement) {
        th_json_key(&j, "to");
        th_json_obj_begin(&j);
        th_json_key(&j, "id");
        th_json_int(&j, c->to_id);
        th_json_key(&j, "name");
        th_json_str(&j, c->to_name);
        th_json_obj_end(&j);
    } else {
        th_json_key(&j, "beneficiary");
        th_json_str(&j, c->beneficiary);
        th_json_key(&j, "reason");
        th_json_str(&j, c->reason);
        th_json_key(&j, "jurisdiction");
        if (c->jurisdiction)
            th_json_str(&j, c->jurisdiction);
        else
            th_json_null(&j);
    }
    th_json_key(&j, "quantity");
    th_json_int(&j, c->qty);
    th_json_key(&j, "blocks");
    th_json_arr_begin(&j);
    for (size_t i = 0; i < c->nparts; i++) {
        const part *p = &c->parts[i];
        th_block b;
        memcpy(b.registry, c->registry, sizeof b.registry);
        th_project_code(p->project, b.project);
        b.vintage = p->vintage;
        b.first = p->first;
        b.last = p->last;
        char serial[TH_SERIAL_TEXT_MAX];
        th_block_format(&b, serial);
        th_json_obj_begin(&j);
        th_json_key(&j, "serial");
        th_json_str(&j, serial);
        th_json_key(&j, "first");
        th_json_int(&j, b.first);
        th_json_key(&j, "last");
        th_json_int(&j, b.last);
        th_json_key(&j, "quantity");
        th_json_int(&j, b.last - b.first + 1);
        th_json_obj_end(&j);
    }
    th_json_arr_end(&j);
    if (c->log_index >= 0) {
        th_json_key(&j, "log_index");
        th_json_int(&j, c->log_index);
    }
    th_json_obj_end(&j);
}

/* Serials [first, last] of row b (inside it) go to `account` in `state`; the parts of b before
 * and after them stay the holder's, available, as rows of their own. The row is narrowed first,
 * so that no two rows ever start at the same serial. */
static int carve(th_db *db, const th_block_row *b, int64_t first, int64_t last, int64_t account,
                 const char *state, int64_t retirement, th_err *e)
{
    /* Only the columns that change are set, so SQLite leaves the indexes of the others be. The
     * block is available (the taking query asks for that); a transfer changes its account, a
     * retirement its state, so something is always set. */
    const char *sets[5];
    int n = 0;
    if (first != b->first)
        sets[n++] = "first = ?1";
    if (last != b->last)
        sets[n++] = "last = ?2";
    if (account != b->account)
        sets[n++] = "account_id = ?3";
    if (strcmp(state, "available") != 0)
        sets[n++] = "state = ?4";
    if (retirement)
        sets[n++] = "retirement_id = ?5";
    if (n == 0)
        return 0;
    char sql[200];
    size_t len = (size_t)snprintf(sql, sizeof sql, "UPDATE blocks SET %s", sets[0]);
    for (int i = 1; i < n; i++)
        len += (size_t)snprintf(sql + len, sizeof sql - len, ", %s", sets[i]);
    snprintf(sql + len, sizeof sql - len, " WHERE id = ?6");
    sqlite3_stmt *st;
    if (th_db_stmt(db, sql, &st, e))
        return -1;
    sqlite3_bind_int64(st, 1, first);
    sqlite3_bind_int64(st, 2, last);
    sqlite3_bind_int64(st, 3, account);
    sqlite3_bind_text(st, 4, state, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, retirement);
    sqlite3_bind_int64(st, 6, b->id);
    int r = sqlite3_step(st);
    th_db_done(db, st);
    if (r != SQLITE_DONE)
        return th_db_fail(db, "cannot move a block", e);
    int64_t parts[2][2] = {{b->first, first - 1}, {last + 1, b->last}};
    for (int k = 0; k < 2; k++) {
        if (parts[k][0] > parts[k][1])
            continue;
        if (th_db_stmt(db, "INSERT INTO blocks (issuance_id, project_id, vintage, first, last,"
                              " state, account_id) VALUES (?, ?, ?, ?, ?, 'available', ?)",
                          &st, e))
            return -1;
        sqlite3_bind_int64(st, 1, b->issuance);
        sqlite3_bind_int64(st, 2, b->project);
        sqlite3_bind_int(st, 3, b->vintage);
        sqlite3_bind_int64(st, 4, parts[k][0]);
        sqlite3_bind_int64(st, 5, parts[k][1]);
        sqlite3_bind_int64(st, 6, b->account);
        r = sqlite3_step(st);
        th_db_done(db, st);
        if (r != SQLITE_DONE)
            return th_db_fail(db, "cannot split a block", e);
    }
    return 0;
}

static int add_part(th_db *db, int64_t move, const part *p, th_err *e)
{
    sqlite3_stmt *st;
    if (th_db_stmt(db, "INSERT INTO move_parts (move_id, project_id, vintage, first, last) "
                          "VALUES (?, ?, ?, ?, ?)", &st, e))
        return -1;
    sqlite3_bind_int64(st, 1, move);
    sqlite3_bind_int64(st, 2, p->project);
    sqlite3_bind_int(st, 3, p->vintage);
    sqlite3_bind_int64(st, 4, p->first);
    sqlite3_bind_int64(st, 5, p->last);
    int r = sqlite3_step(st);
    th_db_done(db, st);
    return r == SQLITE_DONE ? 0 : th_db_fail(db, "cannot record the move", e);
}

static int user_account(th_db *db, const char *ref, const char *role, th_account *a, th_err *e)
{
    if (!ref || !*ref)
        return th_fail(e, TH_EUSAGE, "the %s account is missing", role);
    if (th_account_find(db, ref, a, e))
        return -1;
    if (strcmp(a->kind, "buffer") == 0 || strcmp(a->kind, "fees") == 0)
        return th_fail_at(e, TH_EINPUT, NULL, 0, role, ref, strlen(ref),
                          "the registry's %s account takes part in no transfer or retirement",
                          a->kind);
    return 0;
}

/* Move m->qty credits (or the named serials) out of `from`: to `to` (transfer) or retired. */
static int move(th_db *db, const th_move *m, bool retire, const char *now, th_buf *out,
                th_cjson *ev, th_err *e)
{
    th_account from, to;
    memset(&to, 0, sizeof to);
    if (user_account(db, m->from, "from", &from, e))
        return -1;
    if (!retire) {
        if (user_account(db, m->to, "to", &to, e))
            return -1;
        if (to.id == from.id)
            return th_fail(e, TH_EINPUT, "a transfer needs two different accounts");
    } else {
        if (!m->beneficiary || !*m->beneficiary || !m->reason || !*m->reason)
            return th_fail(e, TH_EUSAGE, "a retirement needs a --beneficiary and a --reason");
        if (!th_utf8_valid(m->beneficiary, strlen(m->beneficiary)) ||
            !th_utf8_valid(m->reason, strlen(m->reason)) ||
            (m->jurisdiction && !th_utf8_valid(m->jurisdiction, strlen(m->jurisdiction))))
            return th_fail(e, TH_EINPUT, "the beneficiary, reason and jurisdiction must be "
                                         "valid UTF-8");
    }
    int64_t project = 0;
    if (m->project) {
        th_project p;
        if (th_project_find(db, m->project, &p, e))
            return -1;
        project = p.id;
    }
    th_block named;
    int64_t qty = m->qty;
    if (m->serials) {
        if (th_block_parse(m->serials, strlen(m->serials), &named, e))
            return -1;
        int64_t pid;
        if (th_parse_int64(named.project + 1, strlen(named.project + 1), 1, INT64_MAX, &pid) ||
            (project && pid != project) || (m->vintage && named.vintage != m->vintage))
            return th_fail_at(e, TH_EINPUT, NULL, 0, "serials", m->serials, strlen(m->serials),
                              "these serials are not of the project and vintage asked for");
        project = pid;
        if (qty && qty != named.last - named.first + 1)
            return th_fail_at(e, TH_EINPUT, NULL, 0, "serials", m->serials, strlen(m->serials),
                              "--qty %lld does not match the %lld serials named", (long long)qty,
                              (long long)(named.last - named.first + 1));
        qty = named.last - named.first + 1;
    }
    if (qty <= 0)
        return th_fail(e, TH_EINPUT, "the quantity must be a whole number of credits, at least 1");

    sqlite3_stmt *st;
    if (th_db_stmt(db, "INSERT INTO moves (kind, from_id, to_id, quantity, beneficiary, reason,"
                          " jurisdiction, created_at, log_index) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   &st, e))
        return -1;
    if (m->has_log_index)
        sqlite3_bind_int64(st, 9, m->log_index);
    else
        sqlite3_bind_null(st, 9);
    sqlite3_bind_text(st, 1, retire ? "retirement" : "transfer", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, from.id);
    if (retire)
        sqlite3_bind_null(st, 3);
    else
        sqlite3_bind_int64(st, 3, to.id);
    sqlite3_bind_int64(st, 4, qty);
    sqlite3_bind_text(st, 5, retire ? m->beneficiary : NULL, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, retire ? m->reason : NULL, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, retire ? m->jurisdiction : NULL, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, now, -1, SQLITE_STATIC);
    int r = sqlite3_step(st);
    th_db_done(db, st);
    if (r != SQLITE_DONE)
        return th_db_fail(db, "cannot record the move", e);
    int64_t mid = sqlite3_last_insert_rowid(th_db_handle(db));
    th_cjson *ranges = NULL;
    if (ev) {
        /* the input as resolved (what a replay asks again), then what was taken */
        th_cjson_set_int(ev, "move", mid);
        th_cjson_set_int(ev, "from", from.id);
        if (!retire)
            th_cjson_set_int(ev, "to", to.id);
        th_cjson_set_int(ev, "qty", qty);
        if (m->project)
            th_cjson_set_int(ev, "project", project);
        if (m->vintage)
            th_cjson_set_int(ev, "vintage", m->vintage);
        if (m->serials)
            th_cjson_set_str(ev, "serials", m->serials);
        if (retire) {
            th_cjson_set_str(ev, "beneficiary", m->beneficiary);
            th_cjson_set_str(ev, "reason", m->reason);
            if (m->jurisdiction)
                th_cjson_set_str(ev, "jurisdiction", m->jurisdiction);
        }
        ranges = th_cjson_set_array(ev, "blocks");
    }

    /* the blocks to take from: the one holding the named serials, or the lowest first */
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT id, issuance_id, project_id, vintage, first, last, account_id FROM blocks"
             " WHERE account_id = ? AND state = 'available'%s%s%s ORDER BY first",
             project ? " AND project_id = ?" : "", m->vintage ? " AND vintage = ?" : "",
             m->serials ? " AND first <= ? AND last >= ?" : "");
    if (th_db_stmt(db, sql, &st, e))
        return -1;
    int k = 1;
    sqlite3_bind_int64(st, k++, from.id);
    if (project)
        sqlite3_bind_int64(st, k++, project);
    if (m->vintage)
        sqlite3_bind_int(st, k++, m->vintage);
    if (m->serials) {
        sqlite3_bind_int64(st, k++, named.first);
        sqlite3_bind_int64(st, k++, named.last);
    }
    /* read the candidate rows first: the moves below change the table */
    th_block_row rows[64];
    const th_block_source available = {.account = from.id};
    int64_t left = qty;
    int64_t done = 0;
    certificate cert = {.id = mid, .log_index = m->has_log_index ? m->log_index : -1,
                        .qty = qty, .retirement = retire, .date = now, .from_id = from.id,
                        .to_id = to.id, .from_name = from.name, .to_name = to.name,
                        .beneficiary = m->beneficiary, .reason = m->reason,
                        .jurisdiction = m->jurisdiction};
    int rc = -1;
    for (;;) {
        int n = 0;
        int64_t sum = 0;
        while (n < 64 && sum < left && sqlite3_step(st) == SQLITE_ROW) {
            th_block_row *b = &rows[n++];
            th_block_row_from(st, &available, b);
            sum += b->last - b->first + 1;
        }
        if (n == 0)
            break;
        sqlite3_reset(st); /* the rows read are moved before reading on */
        for (int i = 0; i < n && left > 0; i++) {
            const th_block_row *b = &rows[i];
            int64_t first = m->serials ? named.first : b->first;
            int64_t avail = b->last - first + 1;
            int64_t take = left < avail ? left : avail;
            part p = {.project = b->project, .vintage = b->vintage, .first = first,
                      .last = first + take - 1};
            if (carve(db, b, p.first, p.last, retire ? from.id : to.id,
                      retire ? "retired" : "available", retire ? mid : 0, e) ||
                add_part(db, mid, &p, e)) {
                th_db_done(db, st);
                goto out;
            }
            add_to_certificate(&cert, &p);
            th_event_range(ranges, p.project, p.vintage, p.first, p.last, 0);
            left -= take;
            done += take;
        }
        if (left == 0 || m->serials)
            break;
    }
    th_db_done(db, st);
    if (left > 0) {
        if (m->serials)
            th_fail_at(e, TH_EINPUT, NULL, 0, "serials", m->serials, strlen(m->serials),
                       "these serials are not all available in account %s", from.name);
        else
            th_fail(e, TH_EINPUT, "account %s holds %lld available credits%s, not %lld",
                    from.name, (long long)done, project || m->vintage ? " of that kind" : "",
                    (long long)qty);
        goto out;
    }
    /* the parts were taken lowest first, as the stored certificate lists them */
    th_registry_code(db, cert.registry);
    certificate_json(&cert, out);
    rc = 0;
out:
    free(cert.parts);
    return rc;
}

int th_transfer(th_db *db, const th_move *m, const char *now, th_buf *out, th_cjson *ev,
                th_err *e)
{
    return move(db, m, false, now, out, ev, e);
}

int th_retire(th_db *db, const th_move *m, const char *now, th_buf *out, th_cjson *ev,
              th_err *e)
{
    return move(db, m, true, now, out, ev, e);
}

int th_certificate_json(th_db *db, const char *ref, th_buf *out, th_err *e)
{
    int64_t id;
    if (th_parse_int64(ref, strlen(ref), 1, INT64_MAX, &id))
        return th_fail_at(e, TH_EINPUT, NULL, 0, "id", ref, strlen(ref), "not an id");
    sqlite3_stmt *st;
    if (th_db_stmt(db, "SELECT m.kind, m.created_at, a.id, a.name, t.id, t.name, m.beneficiary,"
                          " m.reason, m.jurisdiction, m.quantity, m.log_index FROM moves m"
                          " JOIN accounts a ON a.id = m.from_id"
                          " LEFT JOIN accounts t ON t.id = m.to_id WHERE m.id = ?", &st, e))
        return -1;
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) != SQLITE_ROW) {
        th_db_done(db, st);
        return th_fail_at(e, TH_EINPUT, NULL, 0, "id", ref, strlen(ref),
                          "no transfer or retirement has this id");
    }
    /* the texts stay valid until the statement is reset, after the JSON is written */
    certificate c = {
        .id = id,
        .retirement = strcmp((const char *)sqlite3_column_text(st, 0), "retirement") == 0,
        .date = (const char *)sqlite3_column_text(st, 1),
        .from_id = sqlite3_column_int64(st, 2),
        .from_name = (const char *)sqlite3_column_text(st, 3),
        .to_id = sqlite3_column_int64(st, 4),
        .to_name = (const char *)sqlite3_column_text(st, 5),
        .beneficiary = (const char *)sqlite3_column_text(st, 6),
        .reason = (const char *)sqlite3_column_text(st, 7),
        .jurisdiction = (const char *)sqlite3_column_text(st, 8),
        .qty = sqlite3_column_int64(st, 9),
        .log_index = sqlite3_column_type(st, 10) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 10),
    };
    th_registry_code(db, c.registry);
    sqlite3_stmt *ps;
    if (th_db_stmt(db, "SELECT project_id, vintage, first, last FROM move_parts WHERE"
                          " move_id = ? ORDER BY first", &ps, e)) {
        th_db_done(db, st);
        return -1;
    }
    sqlite3_bind_int64(ps, 1, id);
    int r;
    while ((r = sqlite3_step(ps)) == SQLITE_ROW)
        add_to_certificate(&c, &(part){.project = sqlite3_column_int64(ps, 0),
                                       .vintage = sqlite3_column_int(ps, 1),
                                       .first = sqlite3_column_int64(ps, 2),
                                       .last = sqlite3_column_int64(ps, 3)});
    th_db_done(db, ps);
    int rc = 0;
    if (r != SQLITE_DONE)
        rc = th_db_fail(db, "cannot read the certificate", e);
    else
        certificate_json(&c, out);
    th_db_done(db, st);
    free(c.parts);
    return rc;
}

int th_retirements_page_json(th_db *db, const th_page *pg, th_buf *out, th_err *e)
{
    sqlite3_stmt *st;
    /* a statement of its own: each certificate's reads use the cached ones */
    if (th_db_prepare(db, "SELECT m.id FROM moves m WHERE m.kind = 'retirement' AND m.id < ?1"
                          " AND (?3 = 0 OR m.from_id = ?3)"
                          " AND (?4 IS NULL OR m.created_at >= ?4)"
                          " AND (?5 IS NULL OR m.created_at < ?5)"
                          " AND (?6 = 0 AND ?7 = 0 OR EXISTS (SELECT 1 FROM move_parts p"
                          " WHERE p.move_id = m.id AND (?6 = 0 OR p.project_id = ?6)"
                          " AND (?7 = 0 OR p.vintage = ?7)))"
                          " ORDER BY m.id DESC LIMIT ?2",
                      &st, e))
        return -1;
    int64_t before, limit;
    th_page_bounds(pg, &before, &limit);
    sqlite3_bind_int64(st, 1, before);
    sqlite3_bind_int64(st, 2, limit);
    sqlite3_bind_int64(st, 3, pg ? pg->account : 0);
    th_page_bind_times(st, pg, 4);
    sqlite3_bind_int64(st, 6, pg ? pg->project : 0);
    sqlite3_bind_int64(st, 7, pg ? pg->vintage : 0);
    th_buf_puts(out, "{\"retirements\":[");
    int r, n = 0, rc = 0;
    int64_t last = 0;
    while (rc == 0 && (r = sqlite3_step(st)) == SQLITE_ROW) {
        if (n++)
            th_buf_putc(out, ',');
        last = sqlite3_column_int64(st, 0);
        char id[24];
        snprintf(id, sizeof id, "%lld", (long long)last);
        rc = th_certificate_json(db, id, out, e);
    }
    sqlite3_finalize(st);
    if (rc)
        return -1;
    if (r != SQLITE_DONE)
        return th_db_fail(db, "cannot list the retirements", e);
    th_buf_puts(out, "],");
    th_page_cursor(pg, n, last, out);
    th_buf_putc(out, '}');
    return 0;
}
