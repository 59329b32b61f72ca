/* bars.c — trades into bars, in one pass in trade order. See bars.h. */
#include "exchange/bars.h"

#include "base/json.h"
#include "exchange/instruments.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    char start[32];
    int64_t open, high, low, close, volume, book_value, book_qty, trades;
} bar;

static void emit(th_json *j, const bar *b, const char *suffix)
{
    char start[48];
    snprintf(start, sizeof start, "%s%s", b->start, suffix);
    th_json_obj_begin(j);
    th_json_key(j, "start");
    th_json_str(j, start);
    static const char *const keys[] = {"open_fen", "high_fen", "low_fen", "close_fen", "volume"};
    const int64_t v[] = {b->open, b->high, b->low, b->close, b->volume};
    for (int k = 0; k < 5; k++) {
        th_json_key(j, keys[k]);
        th_json_int(j, v[k]);
    }
    th_json_key(j, "vwap_fen");
    if (b->book_qty)
        th_json_int(j, (b->book_value + b->book_qty / 2) / b->book_qty);
    else
        th_json_null(j);
    th_json_key(j, "trades");
    th_json_int(j, b->trades);
    th_json_obj_end(j);
}

int th_bars_json(th_db *db, const char *ref, const char *interval, th_buf *out, th_err *e)
{
    static const struct {
        const char *name, *sql, *suffix;
    } kinds[] = {
        {"1m", "SELECT strftime('%Y-%m-%dT%H:%M', created_at, '+8 hours'), price_fen, qty,"
               " aggressor FROM trades WHERE instrument_id = ? ORDER BY id", ":00+08:00"},
        {"1h", "SELECT strftime('%Y-%m-%dT%H', created_at, '+8 hours'), price_fen, qty,"
               " aggressor FROM trades WHERE instrument_id = ? ORDER BY id", ":00:00+08:00"},
        {"1d", "SELECT strftime('%Y-%m-%d', created_at, '+8 hours'), price_fen, qty,"
               " aggressor FROM trades WHERE instrument_id = ? ORDER BY id", ""},
    };
    int k = 0;
    while (k < 3 && strcmp(interval ? interval : "", kinds[k].name) != 0)
        k++;
    if (k == 3)
        return th_fail_at(e, TH_EUSAGE, NULL, 0, "interval", interval ? interval : "",
                          interval ? strlen(interval) : 0, "the interval is 1m, 1h or 1d");
    th_instrument in;
    if (th_instrument_find(db, ref, &in, e))
        return -1;
    sqlite3_stmt *st;
    if (th_db_stmt(db, kinds[k].sql, &st, e))
        return -1;
    sqlite3_bind_int64(st, 1, in.id);
    th_json j;
    th_json_init(&j, out);
    th_json_obj_begin(&j);
    th_json_key(&j, "instrument");
    th_json_str(&j, in.code);
    th_json_key(&j, "interval");
    th_json_str(&j, kinds[k].name);
    th_json_key(&j, "time_zone");
    th_json_str(&j, "Asia/Shanghai");
    th_json_key(&j, "bars");
    th_json_arr_begin(&j);
    bar b = {0};
    bool have = false;
    int r;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        const char *start = (const char *)sqlite3_column_text(st, 0);
        int64_t p = sqlite3_column_int64(st, 1), q = sqlite3_column_int64(st, 2);
        bool block = strcmp((const char *)sqlite3_column_text(st, 3), "block") == 0;
        if (!have || strcmp(start, b.start) != 0) {
            if (have)
                emit(&j, &b, kinds[k].suffix);
            memset(&b, 0, sizeof b);
            snprintf(b.start, sizeof b.start, "%s", start);
            b.open = b.high = b.low = p;
            have = true;
        }
        b.high = p > b.high ? p : b.high;
        b.low = p < b.low ? p : b.low;
        b.close = p;
        b.volume += q;
        b.trades++;
        if (!block) {
            b.book_value += p * q;
            b.book_qty += q;
        }
    }
    th_db_done(db, st);
    if (have)
        emit(&j, &b, kinds[k].suffix);
    th_json_arr_end(&j);
    th_json_obj_end(&j);
    return r == SQLITE_DONE ? 0 : th_db_fail(db, "cannot read the trades", e);
}
