/* instruments.c — the exchange's instruments. See instruments.h. */
#include "exchange/instruments.h"

#include "base/json.h"
#include "base/num.h"
#include "base/text.h"
#include "exchange/calendar.h"
#include "exchange/cash.h"
#include "ledger/serial.h"
#include "ledger/accounts.h"
#include "ledger/projects.h"

#include <stdio.h>
#include <string.h>

static const char columns[] = "id, code, vintage, coalesce(project_id, 0), ref_price_fen, band_bps,"
                              " maker_fee_bps, taker_fee_bps, pick_depth, t_plus_one, session,"
                              " session_from, session_at, calendar_after, block_min";

int th_instrument_get(th_db *db, int64_t id, th_instrument *in, th_err *e)
{
    char ref[24];
    ref[th_format_int64(id, ref)] = '\0';
    return th_instrument_find(db, ref, in, e);
}

static void row(sqlite3_stmt *st, th_instrument *in)
{
    in->id = sqlite3_column_int64(st, 0);
    th_db_column_text(st, 1, in->code, sizeof in->code);
    in->vintage = sqlite3_column_int(st, 2);
    in->project = sqlite3_column_int64(st, 3);
    in->ref_price = sqlite3_column_int64(st, 4);
    in->band_bps = sqlite3_column_int(st, 5);
    in->maker_fee_bps = sqlite3_column_int(st, 6);
    in->taker_fee_bps = sqlite3_column_int(st, 7);
    in->pick_depth = sqlite3_column_int(st, 8);
    in->t_plus_one = sqlite3_column_int(st, 9) != 0;
    th_db_column_text(st, 10, in->session, sizeof in->session);
    in->session_from = sqlite3_column_int64(st, 11);
    in->session_at = sqlite3_column_int64(st, 12);
    in->by_calendar = sqlite3_column_type(st, 13) != SQLITE_NULL;
    in->calendar_after = in->by_calendar ? sqlite3_column_int64(st, 13) : 0;
    in->block_min = sqlite3_column_int64(st, 14);
}

static bool code_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 32 || strspn(s, "0123456789") == n)
        return false; /* all digits would read as an id */
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_'))
            return false;
    }
    return true;
}

void th_instrument_band(const th_instrument *in, int64_t *lo, int64_t *hi)
{
    /* ref * (10000 - bps) / 10000 rounded up, ref * (10000 + bps) / 10000 rounded down; the
     * reference is at most TH_FEN_MAX (10^15) and bps at most 10000: no overflow in int64? 10^15 *
     * 2 * 10^4 is past it, so the division goes first */
    int64_t ref = in->ref_price, q = ref / 10000, r = ref % 10000;
    int64_t down = q * (10000 - in->band_bps) + (r * (10000 - in->band_bps) + 9999) / 10000;
    int64_t up = q * (10000 + in->band_bps) + r * (10000 + in->band_bps) / 10000;
    *lo = down < 1 ? 1 : down;
    *hi = up;
}

int th_fees_account(th_db *db, const char *now, int64_t *id, th_cjson *ev, th_err *e)
{
    size_t len;
    const void *m = th_db_memo_get(db, "fees account", &len);
    if (m && len == sizeof *id) {
        memcpy(id, m, sizeof *id);
        return 0;
    }
    sqlite3_stmt *st;
    /* by its name (indexed, unique): the registry makes it as `fees` */
    if (th_db_stmt(db, "SELECT id FROM accounts WHERE name = 'fees' AND kind = 'fees'", &st, e))
        return -1;
    int r = sqlite3_step(st);
    *id = r == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    th_db_done(db, st);
    if (r == SQLITE_ROW) {
        th_db_memo_put(db, "fees account", id, sizeof *id);
        return 0;
    }
    if (r != SQLITE_DONE)
        return th_db_fail(db, "cannot find the fees account", e);
    if (!now) /* find only: a trade never makes the account its instrument made */
        return th_fail(e, TH_EINTERNAL, "the registry has no fees account");
    th_buf out;
    th_buf_init(&out);
    th_cjson *made = ev ? th_cjson_object() : NULL;
    int rc = th_account_add(db, "fees", "fees", true, now, &out, made, e);
    th_buf_free(&out);
    if (ev)
        th_cjson_set(ev, "fees_account", made);
    if (rc)
        return -1;
    *id = sqlite3_last_insert_rowid(th_db_handle(db));
    return 0;
}

int th_instrument_add(th_db *db, const th_instrument_new *in, const char *now, th_buf *out,
                      th_cjson *ev, th_err *e)
{
    const char *code = in->code ? in->code : "";
    if (!code_ok(code))
        return th_fail_at(e, TH_EINPUT, NULL, 0, "code", code, strlen(code),
                          "an instrument code is 1 to 32 ASCII letters, digits, '-' or '_', not "
                          "all digits (like SGFC-2024)");
    if (in->vintage < 1900 || in->vintage > 9999)
        return th_fail(e, TH_EINPUT, "the vintage must be a year (got %d)", in->vintage);
    if (in->ref_price <= 0 || in->ref_price > TH_FEN_MAX)
        return th_fail(e, TH_EINPUT, "the reference price must be more than 0");
    int band = in->band_bps ? in->band_bps : 1000, depth = in->pick_depth ? in->pick_depth : 5;
    if (band < 1 || band > 10000)
        return th_fail(e, TH_EINPUT, "the price band must be more than 0 %% and at most 100 %%");
    if (in->maker_fee_bps < 0 || in->maker_fee_bps > 1000 || in->taker_fee_bps < 0 ||
        in->taker_fee_bps > 1000)
        return th_fail(e, TH_EINPUT, "a fee is 0 to 1000 basis points (10 %%)");
    if (depth < 1 || depth > 100)
        return th_fail(e, TH_EINPUT, "the pick depth is 1 to 100 price levels");
    int64_t block_min = in->block_min ? in->block_min : 100000, t;
    if (block_min < 1 || block_min > TH_SERIAL_MAX)
        return th_fail(e, TH_EINPUT, "a block trade's least quantity must be at least 1");
    if (th_clock_parse(now, &t, e))
        return -1;
    int64_t project = 0;
    if (in->project) {
        th_project p;
        if (th_project_find(db, in->project, &p, e))
            return -1;
        project = p.id;
    }
    th_instrument have;
    th_err ignored;
    if (th_instrument_find(db, code, &have, &ignored) == 0)
        return th_fail_at(e, TH_EINPUT, NULL, 0, "code", code, strlen(code),
                          "an instrument of this code exists already");
    int64_t fees;
    if (th_fees_account(db, now, &fees, ev, e))
        return -1;
    sqlite3_stmt *st;
    if (th_db_stmt(db, "INSERT INTO instruments (code, vintage, project_id, ref_price_fen,"
                       " band_bps, maker_fee_bps, taker_fee_bps, pick_depth, t_plus_one,"
                       " created_at, block_min, session_at, session, calendar_after)"
                       " SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                       " CASE WHEN enabled THEN 'closed' ELSE 'open' END,"
                       " CASE WHEN enabled THEN ?12 END FROM calendar", &st, e))
        return -1;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, in->vintage);
    if (project)
        sqlite3_bind_int64(st, 3, project);
    else
        sqlite3_bind_null(st, 3);
    sqlite3_bind_int64(st, 4, in->ref_price);
    sqlite3_bind_int(st, 5, band);
    sqlite3_bind_int(st, 6, in->maker_fee_bps);
    sqlite3_bind_int(st, 7, in->taker_fee_bps);
    sqlite3_bind_int(st, 8, depth);
    sqlite3_bind_int(st, 9, in->t_plus_one);
    sqlite3_bind_text(st, 10, now, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 11, block_min);
    sqlite3_bind_int64(st, 12, t);
    int r = sqlite3_step(st);
    th_db_done(db, st);
    if (r != SQLITE_DONE)
        return th_db_fail(db, "cannot add the instrument", e);
    th_instrument made;
    if (th_instrument_find(db, code, &made, e))
        return -1;
    th_instrument_json(&made, out);
    th_cjson_set_str(ev, "code", code);
    th_cjson_set_int(ev, "instrument", made.id);
    th_cjson_set_int(ev, "vintage", made.vintage);
    if (project)
        th_cjson_set_int(ev, "project", project);
    th_cjson_set_int(ev, "ref_price_fen", made.ref_price);
    th_cjson_set_int(ev, "band_bps", made.band_bps);
    th_cjson_set_int(ev, "maker_fee_bps", made.maker_fee_bps);
    th_cjson_set_int(ev, "taker_fee_bps", made.taker_fee_bps);
    th_cjson_set_int(ev, "pick_depth", made.pick_depth);
    th_cjson_set_int(ev, "t_plus_one", made.t_plus_one);
    th_cjson_set_int(ev, "block_min", made.block_min);
    th_cjson_set_str(ev, "session", made.session);
    return 0;
}

int th_instrument_find(th_db *db, const char *ref, th_instrument *in, th_err *e)
{
    size_t n = strlen(ref);
    char key[64];
    size_t len;
    th_text_copy(key, sizeof key, "instrument ", ref);
    const void *m = n <= 40 ? th_db_memo_get(db, key, &len) : NULL;
    if (m && len == sizeof *in) {
        memcpy(in, m, sizeof *in);
        return 0;
    }
    int64_t id = 0;
    bool by_id = n > 0 && strspn(ref, "0123456789") == n;
    if (by_id && th_parse_int64(ref, n, 1, INT64_MAX, &id) != 0)
        return th_fail_at(e, TH_EINPUT, NULL, 0, "instrument", ref, n,
                          "no instrument has this id");
    char sql[300];
    snprintf(sql, sizeof sql, "SELECT %s FROM instruments WHERE %s = ?", columns,
             by_id ? "id" : "code");
    sqlite3_stmt *st;
    int r = th_db_find_row(db, sql, by_id, id, ref, &st, e);
    if (r < 0)
        return -1;
    if (r) {
        row(st, in);
        th_db_done(db, st);
        if (n <= 40)
            th_db_memo_put(db, key, in, sizeof *in);
        return 0;
    }
    return th_fail_at(e, TH_EINPUT, NULL, 0, "instrument", ref, n, "no instrument has this %s",
                      by_id ? "id" : "code");
}

void th_instrument_json(const th_instrument *in, th_buf *out)
{
    int64_t lo, hi;
    th_instrument_band(in, &lo, &hi);
    th_json j;
    th_json_init(&j, out);
    th_json_obj_begin(&j);
    th_json_key(&j, "id");
    th_json_int(&j, in->id);
    th_json_key(&j, "code");
    th_json_str(&j, in->code);
    th_json_key(&j, "vintage");
    th_json_int(&j, in->vintage);
    th_json_key(&j, "project");
    if (in->project)
        th_json_int(&j, in->project);
    else
        th_json_null(&j);
    th_json_key(&j, "ref_price_fen");
    th_json_int(&j, in->ref_price);
    th_money_field(&j, "ref_price", in->ref_price);
    th_json_key(&j, "band_bps");
    th_json_int(&j, in->band_bps);
    th_json_key(&j, "band_lo_fen");
    th_json_int(&j, lo);
    th_json_key(&j, "band_hi_fen");
    th_json_int(&j, hi);
    th_json_key(&j, "maker_fee_bps");
    th_json_int(&j, in->maker_fee_bps);
    th_json_key(&j, "taker_fee_bps");
    th_json_int(&j, in->taker_fee_bps);
    th_json_key(&j, "pick_depth");
    th_json_int(&j, in->pick_depth);
    th_json_key(&j, "t_plus_one");
    th_json_bool(&j, in->t_plus_one);
    th_json_key(&j, "session");
    th_json_str(&j, in->session);
    th_json_key(&j, "block_min");
    th_json_int(&j, in->block_min);
    th_json_obj_end(&j);
}

static void instrument_item(th_db *db, sqlite3_stmt *st, th_buf *out)
{
    (void)db;
    th_instrument in;
    row(st, &in);
    th_instrument_json(&in, out);
}

int th_instrument_list_json(th_db *db, th_buf *out, th_err *e)
{
    char sql[300];
    snprintf(sql, sizeof sql, "SELECT %s FROM instruments ORDER BY id", columns);
    return th_db_json_list(db, sql, NULL, "instruments", "instruments", instrument_item, out, e);
}
