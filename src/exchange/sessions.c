/* sessions.c — an instrument's trading session. See sessions.h. */
#include "exchange/sessions.h"

#include "base/json.h"
#include "exchange/cash.h"
#include "exchange/instruments.h"
#include "exchange/orders.h"
#include "exchange/schedule.h"

#include <stdio.h>
#include <string.h>

/* by: keep calendar_after (the calendar's change), NULL it (held by hand), or set it to after. */
enum hold { KEEP, HAND, AFTER };

static int set_state(th_db *db, int64_t id, const char *state, int64_t from, int64_t ref,
                     int64_t at, enum hold hold, int64_t after, th_err *e)
{
    sqlite3_stmt *st;
    if (th_db_stmt(db, "UPDATE instruments SET session = ?1, session_from = ?2,"
                       " ref_price_fen = ?3, session_at = ?5, calendar_after = CASE ?6"
                       " WHEN 0 THEN calendar_after WHEN 1 THEN NULL ELSE ?7 END WHERE id = ?4",
                   &st, e))
        return -1;
    sqlite3_bind_text(st, 1, state, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, from);
    sqlite3_bind_int64(st, 3, ref);
    sqlite3_bind_int64(st, 4, id);
    sqlite3_bind_int64(st, 5, at);
    sqlite3_bind_int(st, 6, hold);
    sqlite3_bind_int64(st, 7, after);
    int r = sqlite3_step(st);
    th_db_done(db, st);
    th_db_memo_clear(db); /* the instrument's memoized row is stale */
    return r == SQLITE_DONE ? 0 : th_db_fail(db, "cannot change the session", e);
}

/* The last trade's id (0: none yet): a session's trades are those after it. */
static int last_trade(th_db *db, int64_t *id, th_err *e)
{
    sqlite3_stmt *st;
    if (th_db_stmt(db, "SELECT coalesce(max(id), 0) FROM trades", &st, e))
        return -1;
    int r = sqlite3_step(st);
    *id = r == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    th_db_done(db, st);
    return r == SQLITE_ROW ? 0 : th_db_fail(db, "cannot read the trades", e);
}

/* The session's continuous trades: their quantity and VWAP (rounded half up; 0 when none). */
static int vwap(th_db *db, const th_instrument *in, int64_t *qty, int64_t *price, th_err *e)
{
    sqlite3_stmt *st;
    if (th_db_stmt(db, "SELECT coalesce(sum(price_fen * qty), 0), coalesce(sum(qty), 0)"
                       " FROM trades WHERE instrument_id = ? AND id > ?"
                       " AND (aggressor = 'buy' OR aggressor = 'sell')", &st, e))
        return -1;
    sqlite3_bind_int64(st, 1, in->id);
    sqlite3_bind_int64(st, 2, in->session_from);
    int r = sqlite3_step(st);
    int64_t value = r == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    *qty = r == SQLITE_ROW ? sqlite3_column_int64(st, 1) : 0;
    th_db_done(db, st);
    if (r != SQLITE_ROW)
        return th_db_fail(db, "cannot read the session's trades", e);
    *price = *qty ? (value + *qty / 2) / *qty : 0;
    return 0;
}

/* Expire the instrument's open DAY orders through its book. */
static int expire_day(th_db *db, th_books *bk, th_book *b, const th_instrument *in,
                      const char *now, th_cjson *released, int64_t *n, th_err *e)
{
    sqlite3_stmt *st;
    if (th_db_prepare(db, "SELECT id FROM orders WHERE instrument_id = ? AND status = 'open'"
                          " AND auction_id IS NULL"
                          " AND tif = 'day' ORDER BY id", &st, e))
        return -1;
    sqlite3_bind_int64(st, 1, in->id);
    th_books_clear_events(bk);
    int rc = 0;
    *n = 0;
    while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        if (th_book_cancel(b, id) != 0)
            rc = th_fail(e, TH_EINTERNAL, "order %lld is open but not in its book",
                         (long long)id);
        (*n)++;
    }
    sqlite3_finalize(st);
    int64_t ntrades;
    if (rc == 0)
        rc = th_orders_settle(db, bk, in, now, "expired", NULL, released, &ntrades, e);
    return rc;
}

int th_session_change(th_db *db, th_books *bk, const char *ref, const char *to, bool by_calendar,
                      const char *now, th_buf *out, th_cjson *ev, int64_t *touched, th_err *e)
{
    *touched = 0;
    th_instrument in;
    if (th_instrument_find(db, ref ? ref : "", &in, e))
        return -1;
    bool preopen = strcmp(to, "preopen") == 0, open = strcmp(to, "open") == 0,
         close = strcmp(to, "close") == 0;
    const char *was = in.session;
    if (!preopen && !open && !close)
        return th_fail_at(e, TH_EUSAGE, NULL, 0, "session", to, strlen(to),
                          "a session is changed by preopen, open or close");
    if ((preopen && strcmp(was, "closed") != 0) || (open && strcmp(was, "open") == 0) ||
        (close && strcmp(was, "closed") == 0))
        return th_fail_at(e, TH_EINPUT, NULL, 0, "instrument", in.code, strlen(in.code),
                          "%s is %s: it cannot %s now", in.code,
                          strcmp(was, "pre_open") == 0 ? "in its pre-open" : was, to);
    int64_t at, after = 0;
    if (th_clock_parse(now, &at, e))
        return -1;
    enum hold hold = by_calendar ? KEEP : close ? AFTER : HAND;
    if (hold == AFTER && th_schedule_resume_at(db, now, &after, e))
        return -1;
    th_cjson_set_int(ev, "instrument", in.id);
    th_cjson_set_str(ev, "session", to);
    th_cjson_set_str(ev, "by", by_calendar ? "calendar" : "hand");
    int64_t ntrades = 0, expired = 0, qty = 0, price = 0, new_ref = in.ref_price;
    const char *state = preopen ? "pre_open" : open ? "open" : "closed";
    /* the book in the mode it was in; a change of mode drops it (it loads again in the new) */
    *touched = in.id;
    th_book *b;
    if (th_books_get(bk, db, &in, &b, e))
        return -1;
    int rc = 0;
    th_cjson *trades = th_cjson_set_array(ev, "trades"),
             *released = th_cjson_set_array(ev, "released");
    if (preopen) {
        rc = last_trade(db, &in.session_from, e); /* a new day: T+1 frees what was bought */
    } else if (open) {
        if (strcmp(was, "closed") == 0)
            rc = last_trade(db, &in.session_from, e);
        if (rc == 0 && strcmp(was, "pre_open") == 0) {
            th_books_clear_events(bk);
            th_book_uncross(b);
            rc = th_orders_settle(db, bk, &in, now, "cancelled", trades, released, &ntrades, e);
        }
    } else if (close) {
        rc = vwap(db, &in, &qty, &price, e);
        if (rc == 0 && qty)
            new_ref = price;
        if (rc == 0)
            rc = expire_day(db, bk, b, &in, now, released, &expired, e);
    }
    if (rc == 0)
        rc = set_state(db, in.id, state, in.session_from, new_ref, at, hold, after, e);
    if (rc == 0 && close) {
        sqlite3_stmt *st;
        rc = th_db_stmt(db, "INSERT INTO session_closes (instrument_id, ref_before_fen,"
                            " ref_after_fen, vwap_fen, continuous_qty, expired_orders,"
                            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", &st, e);
        if (rc == 0) {
            sqlite3_bind_int64(st, 1, in.id);
            sqlite3_bind_int64(st, 2, in.ref_price);
            sqlite3_bind_int64(st, 3, new_ref);
            if (qty)
                sqlite3_bind_int64(st, 4, price);
            else
                sqlite3_bind_null(st, 4);
            sqlite3_bind_int64(st, 5, qty);
            sqlite3_bind_int64(st, 6, expired);
            sqlite3_bind_text(st, 7, now, -1, SQLITE_STATIC);
            if (sqlite3_step(st) != SQLITE_DONE)
                rc = th_db_fail(db, "cannot record the close", e);
            th_db_done(db, st);
        }
    }
    if (strcmp(was, "pre_open") == 0 || preopen)
        th_books_drop(bk, in.id); /* its mode changes: it loads again from the store */
    if (close) {
        th_cjson_set_int(ev, "ref_price_fen", new_ref);
        th_cjson_set_int(ev, "continuous_qty", qty);
    }
    if (rc)
        return -1;
    th_instrument now_in;
    if (th_instrument_get(db, in.id, &now_in, e))
        return -1;
    int64_t lo, hi;
    th_instrument_band(&now_in, &lo, &hi);
    th_json j;
    th_json_init(&j, out);
    th_json_obj_begin(&j);
    th_json_key(&j, "instrument");
    th_json_str(&j, now_in.code);
    th_json_key(&j, "session");
    th_json_str(&j, now_in.session);
    th_json_key(&j, "was");
    th_json_str(&j, was);
    th_json_key(&j, "by");
    th_json_str(&j, by_calendar ? "calendar" : "hand");
    th_json_key(&j, "ref_price_fen");
    th_json_int(&j, now_in.ref_price);
    th_money_field(&j, "ref_price", now_in.ref_price);
    th_json_key(&j, "band_lo_fen");
    th_json_int(&j, lo);
    th_json_key(&j, "band_hi_fen");
    th_json_int(&j, hi);
    th_json_key(&j, "auction_trades");
    th_json_int(&j, ntrades);
    th_json_key(&j, "vwap_fen");
    if (close && qty)
        th_json_int(&j, price);
    else
        th_json_null(&j);
    th_json_key(&j, "continuous_qty");
    th_json_int(&j, qty);
    th_json_key(&j, "expired_orders");
    th_json_int(&j, expired);
    th_json_obj_end(&j);
    return 0;
}
