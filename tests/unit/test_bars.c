/* test_bars.c — bars in pages (exchange/bars.h): over trades in seven minutes, every page of
 * minute bars, followed back by next_to, gives the bars of the whole tape, each equal to what an
 * ascending pass over its trades makes (open, high, low, close, volume, VWAP without block
 * trades, count); ?from and ?to keep the trades inside; a day's next_to is a full time. */
#include "test.h"

#include "base/date.h"
#include "exchange/bars.h"
#include "exchange/calendar.h"
#include "store_fixture.h"

#include <jansson.h>
#include <string.h>

enum { MINUTES = 7 };

/* Minute m (0..6) of 2026-12-07, 02:00 UTC (10:00 in the market's time) holds m + 1 trades; the
 * price goes up and down so that open, high, low and close all differ; each minute's second
 * trade is a block trade. */
static int64_t price_of(int m, int i)
{
    static const int64_t wave[] = {5850, 5870, 5830, 5860, 5845, 5880, 5820};
    return wave[(m + 3 * i) % 7] + m;
}

static void tape(th_db *db)
{
    th_err e;
    CHECK_INT(th_db_exec(db,
                         "PRAGMA foreign_keys = OFF;"
                         "INSERT INTO instruments (id, code, vintage, ref_price_fen, band_bps,"
                         " maker_fee_bps, taker_fee_bps, pick_depth, t_plus_one, created_at)"
                         " VALUES (1, 'SG24', 2024, 5850, 1000, 0, 0, 5, 0,"
                         " '2026-12-07T00:00:00Z')",
                         &e),
              0);
    for (int m = 0; m < MINUTES; m++)
        for (int i = 0; i <= m; i++) {
            char sql[400];
            snprintf(sql, sizeof sql,
                     "INSERT INTO trades (instrument_id, buyer_id, seller_id, price_fen, qty,"
                     " aggressor, buyer_fee_fen, seller_fee_fen, created_at) VALUES (1, 1, 2,"
                     " %lld, %d, '%s', 0, 0, '2026-12-07T02:%02d:%02dZ')",
                     (long long)price_of(m, i), 1 + i, i == 1 ? "block" : "buy", m, 5 * i);
            CHECK_INT(th_db_exec(db, sql, &e), 0);
        }
}

/* The bar minute m makes, from its trades in order (as `tanhui bars` always has). */
static void expect_bar(json_t *b, int m)
{
    int64_t open = price_of(m, 0), close = price_of(m, m), hi = open, lo = open, vol = 0,
            value = 0, qty = 0;
    for (int i = 0; i <= m; i++) {
        int64_t p = price_of(m, i);
        hi = p > hi ? p : hi;
        lo = p < lo ? p : lo;
        vol += 1 + i;
        if (i != 1) {
            value += p * (1 + i);
            qty += 1 + i;
        }
    }
    char start[40];
    snprintf(start, sizeof start, "2026-12-07T10:%02d:00+08:00", m);
    CHECK_STR(json_string_value(json_object_get(b, "start")), start);
    CHECK_INT(json_integer_value(json_object_get(b, "open_fen")), open);
    CHECK_INT(json_integer_value(json_object_get(b, "high_fen")), hi);
    CHECK_INT(json_integer_value(json_object_get(b, "low_fen")), lo);
    CHECK_INT(json_integer_value(json_object_get(b, "close_fen")), close);
    CHECK_INT(json_integer_value(json_object_get(b, "volume")), vol);
    CHECK_INT(json_integer_value(json_object_get(b, "vwap_fen")), (value + qty / 2) / qty);
    CHECK_INT(json_integer_value(json_object_get(b, "trades")), m + 1);
}

static json_t *bars(th_db *db, const char *interval, const th_bars_range *rg)
{
    th_buf out;
    th_buf_init(&out);
    th_err e;
    CHECK_INT(th_bars_json(db, "SG24", interval, rg, &out, &e), 0);
    json_t *j = json_loads(out.p ? out.p : "", 0, NULL);
    CHECK(j != NULL);
    th_buf_free(&out);
    return j;
}

TEST(bars_in_pages_followed_back_make_the_whole_tape)
{
    th_db *db = th_test_db_new("bars.db");
    if (!db)
        return;
    tape(db);
    json_t *all = bars(db, "1m", NULL);
    json_t *list = json_object_get(all, "bars");
    CHECK_INT((int)json_array_size(list), MINUTES);
    for (int m = 0; m < MINUTES && m < (int)json_array_size(list); m++)
        expect_bar(json_array_get(list, (size_t)m), m);
    CHECK(json_is_null(json_object_get(all, "next_to")));
    json_decref(all);

    /* pages of 3, newest first: minutes 4-6, 1-3, then 0 */
    char to[48] = "", utc[32];
    static const int firsts[] = {4, 1, 0}, counts[] = {3, 3, 1};
    for (int page = 0; page < 3; page++) {
        th_bars_range rg = {.limit = 3};
        if (to[0]) {
            int64_t t;
            CHECK_INT(th_time_parse(to, &t), 0);
            th_utc_format(t, utc);
            rg.to = utc;
        }
        json_t *j = bars(db, "1m", &rg);
        list = json_object_get(j, "bars");
        CHECK_INT((int)json_array_size(list), counts[page]);
        for (int k = 0; k < counts[page] && k < (int)json_array_size(list); k++)
            expect_bar(json_array_get(list, (size_t)k), firsts[page] + k);
        const char *next = json_string_value(json_object_get(j, "next_to"));
        if (page < 2) {
            char want[48];
            snprintf(want, sizeof want, "2026-12-07T10:%02d:00+08:00", firsts[page]);
            CHECK(next != NULL);
            CHECK_STR(next ? next : "", want);
            snprintf(to, sizeof to, "%s", next ? next : "");
        } else {
            CHECK(next == NULL);
        }
        json_decref(j);
    }

    /* from and to keep the trades inside: minute 5's last two and minute 6's first */
    th_bars_range rg = {.from = "2026-12-07T02:05:20Z", .to = "2026-12-07T02:06:05Z"};
    json_t *j = bars(db, "1m", &rg);
    list = json_object_get(j, "bars");
    CHECK_INT((int)json_array_size(list), 2);
    CHECK_INT(json_integer_value(json_object_get(json_array_get(list, 0), "trades")), 2);
    CHECK_INT(json_integer_value(json_object_get(json_array_get(list, 0), "open_fen")),
              price_of(5, 4));
    CHECK_INT(json_integer_value(json_object_get(json_array_get(list, 1), "trades")), 1);
    json_decref(j);

    /* a day: one bar; a page of it of one has nothing older, and a day's next_to is a time */
    th_err e;
    th_bars_range one = {.limit = 1};
    j = bars(db, "1d", &one);
    CHECK_INT((int)json_array_size(json_object_get(j, "bars")), 1);
    CHECK(json_is_null(json_object_get(j, "next_to")));
    json_decref(j);
    CHECK_INT(th_db_exec(db,
                         "INSERT INTO trades (instrument_id, buyer_id, seller_id, price_fen, qty,"
                         " aggressor, buyer_fee_fen, seller_fee_fen, created_at) VALUES (1, 1, 2,"
                         " 5900, 1, 'buy', 0, 0, '2026-12-08T02:00:00Z')",
                         &e),
              0);
    j = bars(db, "1d", &one);
    CHECK_STR(json_string_value(json_object_get(j, "next_to")), "2026-12-08T00:00:00+08:00");
    json_decref(j);
    th_db_close(db);
}
