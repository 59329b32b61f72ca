/* bars.c — trades into bars, in one pass, newest first (so that a page stops reading where its
 * oldest bar begins). See bars.h. */
#include "exchange/bars.h"

#include "base/json.h"
#include "base/mem.h"
#include "exchange/instruments.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
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

/* One trade into the bar it falls in; trades come newest first, so the last one a bar sees
 * is its open. */
static void add_trade(bar *b, int64_t p, int64_t q, bool block)
{
    b->high = p > b->high ? p : b->high;
    b->low = p < b->low ? p : b->low;
    b->open = p;
    b->volume += q;
    b->trades++;
    if (!block) {
        b->book_value += p * q;
        b->book_qty += q;
    }
}

int th_bars_json(th_db *db, const char *ref, const char *interval, const th_bars_range *rg,
                 th_buf *out, th_err *e)
{
    /* the bucket (the market's time), and the suffixes that make its start ISO 8601: as
     * written in a bar, and in full (a day's is a date alone in the bar) */
    static const struct {
        const char *name, *bucket, *suffix, *full;
    } kinds[] = {
        {"1m", "'%Y-%m-%dT%H:%M'", ":00+08:00", ":00+08:00"},
        {"1h", "'%Y-%m-%dT%H'", ":00:00+08:00", ":00:00+08:00"},
        {"1d", "'%Y-%m-%d'", "", "T00:00:00+08:00"},
    };
    int k = 0;
    while (k < 3 && strcmp(interval ? interval : "", kinds[k].name) != 0)
        k++;
    if (k == 3)
        return th_fail_at(e, TH_EUSAGE, NULL, 0, "interval", interval ? interval : "",
                          interval ? strlen(interval) : 0, "the interval is 1m, 1h or 1d");
    int limit = rg && rg->limit > 0 && rg->limit < TH_BARS_MAX ? rg->limit : TH_BARS_MAX;
    th_instrument in;
    if (th_instrument_find(db, ref, &in, e))
        return -1;
    /* only the bounds given: a test of each row for an absent one costs a tenth of the read */
    char sql[400];
    snprintf(sql, sizeof sql,
             "SELECT strftime(%s, created_at, '+8 hours'), price_fen, qty, aggressor FROM trades"
             " WHERE instrument_id = ?1%s%s ORDER BY id DESC",
             kinds[k].bucket, rg && rg->from ? " AND created_at >= ?2" : "",
             rg && rg->to ? " AND created_at < ?3" : "");
    sqlite3_stmt *st;
    if (th_db_stmt(db, sql, &st, e))
        return -1;
    sqlite3_bind_int64(st, 1, in.id);
    if (rg && rg->from)
        sqlite3_bind_text(st, 2, rg->from, -1, SQLITE_STATIC);
    if (rg && rg->to)
        sqlite3_bind_text(st, 3, rg->to, -1, SQLITE_STATIC);
    bar *bars = th_xcalloc((size_t)limit, sizeof *bars);
    int n = 0, r;
    bool older = false;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        const char *start = (const char *)sqlite3_column_text(st, 0);
        int64_t p = sqlite3_column_int64(st, 1), q = sqlite3_column_int64(st, 2);
        bool block = strcmp((const char *)sqlite3_column_text(st, 3), "block") == 0;
        if (n == 0 || strcmp(start, bars[n - 1].start) != 0) {
            if (n == limit) {
                older = true; /* a bar before the page: no more to read */
                break;
            }
            bar *b = &bars[n++];
            snprintf(b->start, sizeof b->start, "%s", start);
            b->high = b->low = b->close = p; /* the newest trade closes the bar */
        }
        add_trade(&bars[n - 1], p, q, block);
    }
    th_db_done(db, st);
    if (r != SQLITE_ROW && r != SQLITE_DONE) {
        free(bars);
        return th_db_fail(db, "cannot read the trades", e);
    }
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
    for (int i = n - 1; i >= 0; i--)
        emit(&j, &bars[i], kinds[k].suffix);
    th_json_arr_end(&j);
    th_json_key(&j, "next_to");
    if (older) {
        char to[48];
        snprintf(to, sizeof to, "%s%s", bars[n - 1].start, kinds[k].full);
        th_json_str(&j, to);
    } else {
        th_json_null(&j);
    }
    th_json_obj_end(&j);
    free(bars);
    return 0;
}
