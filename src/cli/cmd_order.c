/* cmd_order.c — `tanhui order add|cancel|replace|pick|show`, `tanhui orders ACCOUNT`,
 * `tanhui book INSTRUMENT` (the view; `book replay` is cmd_book.c's), `tanhui trades`. */
#include "cli/cli.h"
#include "cli/opts.h"

#include "base/num.h"
#include "exchange/cash.h"
#include "exchange/orders.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

static long long num(json_t *o, const char *key)
{
    return (long long)json_integer_value(json_object_get(o, key));
}

static const char *str(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static void order_line(json_t *o, th_buf *out)
{
    th_buf_printf(out, "order %lld: %s %s %lld at %s (%s %s), filled %lld, %s", num(o, "id"),
                  str(o, "instrument"), str(o, "side"), num(o, "qty"), str(o, "price"),
                  str(o, "type"), str(o, "tif"), num(o, "filled"), str(o, "status"));
    if (num(o, "reserved_fen")) {
        char m[32];
        th_money_format(num(o, "reserved_fen"), m);
        th_buf_printf(out, ", reserves %s CNY", m);
    }
    th_buf_putc(out, '\n');
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(o, "fills"), i, f)
    {
        char bf[32], sf[32];
        th_money_format(num(f, "buyer_fee_fen"), bf);
        th_money_format(num(f, "seller_fee_fen"), sf);
        th_buf_printf(out, "  trade %lld: %lld at %s (buy order %lld, sell order %lld; fees buyer "
                           "%s, seller %s)\n",
                      num(f, "trade"), num(f, "qty"), str(f, "price"), num(f, "buy_order"),
                      num(f, "sell_order"), bf, sf);
    }
}

void th_cli_order_text(const th_buf *json, th_buf *out)
{
    th_cli_json_lines(json, out, order_line);
}

static int show_text(th_db *db, const char *arg, th_buf *out, th_err *e)
{
    return th_cli_as_text(th_order_json, db, arg, out, e, order_line);
}

static void orders_lines(json_t *o, th_buf *out)
{
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(o, "orders"), i, v) order_line(v, out);
    if (json_array_size(json_object_get(o, "orders")) == 0)
        th_buf_puts(out, "no orders\n");
}

static int orders_text(th_db *db, const char *arg, th_buf *out, th_err *e)
{
    return th_cli_as_text(th_orders_json, db, arg, out, e, orders_lines);
}

static void book_lines(json_t *o, th_buf *out)
{
    char lo[32], hi[32], ref[32];
    th_money_format(num(o, "band_lo_fen"), lo);
    th_money_format(num(o, "band_hi_fen"), hi);
    th_money_format(num(o, "ref_price_fen"), ref);
    th_buf_printf(out, "%s: reference %s CNY, band %s..%s\n", str(o, "instrument"), ref, lo, hi);
    json_t *asks = json_object_get(o, "asks"), *bids = json_object_get(o, "bids");
    /* asks from the highest down to the best, then bids from the best down */
    for (size_t i = json_array_size(asks); i-- > 0;) {
        json_t *l = json_array_get(asks, i);
        th_buf_printf(out, "  ask %12s %10lld  (%lld orders)\n", str(l, "price"), num(l, "qty"),
                      num(l, "orders"));
    }
    size_t i;
    json_t *l;
    json_array_foreach(bids, i, l) th_buf_printf(out, "  bid %12s %10lld  (%lld orders)\n",
                                                 str(l, "price"), num(l, "qty"),
                                                 num(l, "orders"));
    if (!json_array_size(asks) && !json_array_size(bids))
        th_buf_puts(out, "  (no open orders)\n");
}

static int book_text(th_db *db, const char *arg, th_buf *out, th_err *e)
{
    return th_cli_as_text(th_book_view_json, db, arg, out, e, book_lines);
}

static void trades_lines(json_t *o, th_buf *out)
{
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(o, "trades"), i, t)
        th_buf_printf(out, "trade %lld  %s  %s %lld at %s  buyer %lld seller %lld  (%s)\n",
                      num(t, "id"), str(t, "time"), str(t, "instrument"), num(t, "qty"),
                      str(t, "price"), num(t, "buyer"), num(t, "seller"), str(t, "aggressor"));
    if (json_array_size(json_object_get(o, "trades")) == 0)
        th_buf_puts(out, "no trades\n");
}

static int trades_text(th_db *db, const char *arg, th_buf *out, th_err *e)
{
    return th_cli_as_text(th_trades_json, db, arg, out, e, trades_lines);
}

int th_cli_book_view(const th_global *g, int argc, char **argv)
{
    return th_cli_read(g, argc, argv, "book", "INSTRUMENT", th_book_view_json, book_text);
}

int th_cmd_orders(const th_global *g, int argc, char **argv)
{
    return th_cli_read(g, argc, argv, "orders", "ACCOUNT", th_orders_json, orders_text);
}

static int trades_all_json(th_db *db, const char *arg, th_buf *out, th_err *e)
{
    return th_trades_json(db, arg, out, e);
}

int th_cmd_trades(const th_global *g, int argc, char **argv)
{
    /* INSTRUMENT is optional: without it, every instrument's trades */
    int npos = 0;
    for (int i = 0; i < argc; i++)
        npos += argv[i][0] != '-';
    if (npos == 0)
        return th_cli_read(g, argc, argv, "trades", NULL, trades_all_json, trades_text);
    return th_cli_read(g, argc, argv, "trades", "INSTRUMENT", trades_all_json, trades_text);
}

int th_cmd_order(const th_global *g, int argc, char **argv)
{
    th_err e;
    if (argc < 1) {
        th_fail(&e, TH_EUSAGE, "order: say add, cancel, replace, pick or show (see tanhui help "
                               "order)");
        return th_cli_fail(&e);
    }
    if (strcmp(argv[0], "show") == 0)
        return th_cli_read(g, argc - 1, argv + 1, "order show", "ID", th_order_json, show_text);
    bool add = strcmp(argv[0], "add") == 0, replace = strcmp(argv[0], "replace") == 0,
         pick = strcmp(argv[0], "pick") == 0;
    if (!add && !replace && !pick && strcmp(argv[0], "cancel") != 0) {
        th_fail(&e, TH_EUSAGE, "order: unknown subcommand '%s': use add, cancel, replace, pick "
                               "or show", argv[0]);
        return th_cli_fail(&e);
    }
    static const th_optspec spec[] = {
        {"account", true, false}, {"instrument", true, false}, {"side", true, false},
        {"price", true, false},   {"qty", true, false},        {"tif", true, false},
        {"type", true, false},    {"json", false, false},      {"request-id", true, false},
        {"listing", true, false}};
    th_opts op;
    char cmd[32];
    snprintf(cmd, sizeof cmd, "order %s", argv[0]);
    if (th_opts_parse(&op, spec, 10, argc - 1, argv + 1, cmd, &e))
        return th_cli_fail(&e);
    th_cmd c = {.request_id = th_opt(&op, "request-id")};
    if (replace || pick) {
        const char *s = th_opt(&op, "qty");
        bool ok = replace ? op.npos == 1 && s && !th_opt(&op, "account") && !th_opt(&op, "listing")
                          : op.npos == 0 && s && th_opt(&op, "account") && th_opt(&op, "listing") &&
                                !th_opt(&op, "price");
        if (!ok || th_opt(&op, "side") || th_opt(&op, "instrument") || th_opt(&op, "tif") ||
            th_opt(&op, "type")) {
            th_fail(&e, TH_EUSAGE, replace ? "order replace: give ID, --qty N (what is left) and "
                                             "perhaps --price P"
                                           : "order pick: give --account A, --listing ID and "
                                             "--qty N");
            return th_cli_fail(&e);
        }
        if (th_parse_int64(s, strlen(s), 1, INT64_MAX / 2, &c.order.qty)) {
            th_fail_at(&e, TH_EUSAGE, NULL, 0, "qty", s, strlen(s),
                       "%s: --qty must be a whole number of credits, at least 1", cmd);
            return th_cli_fail(&e);
        }
        s = th_opt(&op, "price");
        if (s && th_money_parse(s, &c.order.price)) {
            th_fail_at(&e, TH_EUSAGE, NULL, 0, "price", s, strlen(s),
                       "%s: --price is yuan per tonne with at most two decimals, more than 0",
                       cmd);
            return th_cli_fail(&e);
        }
        c.type = replace ? TH_CMD_ORDER_REPLACE : TH_CMD_ORDER_PICK;
        c.order_id = replace ? op.pos[0] : th_opt(&op, "listing");
        c.order.account = th_opt(&op, "account");
        return th_cli_apply_one(g, TH_DB_WRITE, &c, th_opt_flag(&op, "json"),
                                th_cli_order_text);
    }
    if (!add) {
        if (op.npos != 1 || th_opt(&op, "account") || th_opt(&op, "qty")) {
            th_fail(&e, TH_EUSAGE, "order cancel: give the order's ID alone");
            return th_cli_fail(&e);
        }
        c.type = TH_CMD_ORDER_CANCEL;
        c.order_id = op.pos[0];
        return th_cli_apply_one(g, TH_DB_WRITE, &c, th_opt_flag(&op, "json"),
                                th_cli_order_text);
    }
    if (op.npos || !th_opt(&op, "account") || !th_opt(&op, "instrument") ||
        !th_opt(&op, "side") || !th_opt(&op, "qty")) {
        th_fail(&e, TH_EUSAGE, "order add: give --account, --instrument, --side buy|sell, --qty "
                               "N and (for a limit order) --price P (see tanhui help order)");
        return th_cli_fail(&e);
    }
    c.type = TH_CMD_ORDER_ADD;
    c.order = (th_order_new){.account = th_opt(&op, "account"),
                             .instrument = th_opt(&op, "instrument"),
                             .side = th_opt(&op, "side"), .type = th_opt(&op, "type"),
                             .tif = th_opt(&op, "tif")};
    const char *s = th_opt(&op, "qty");
    if (th_parse_int64(s, strlen(s), 1, INT64_MAX / 2, &c.order.qty)) {
        th_fail_at(&e, TH_EUSAGE, NULL, 0, "qty", s, strlen(s),
                   "order add: --qty must be a whole number of credits, at least 1");
        return th_cli_fail(&e);
    }
    bool market = c.order.type && strcmp(c.order.type, "market") == 0;
    s = th_opt(&op, "price");
    if (!market && !s) {
        th_fail(&e, TH_EUSAGE, "order add: a limit order needs --price (yuan per tonne)");
        return th_cli_fail(&e);
    }
    if (market && s) {
        th_fail(&e, TH_EUSAGE, "order add: a market order has no --price (it trades within the "
                               "band)");
        return th_cli_fail(&e);
    }
    if (s && th_money_parse(s, &c.order.price)) {
        th_fail_at(&e, TH_EUSAGE, NULL, 0, "price", s, strlen(s),
                   "order add: --price is yuan per tonne with at most two decimals, more than "
                   "0, like 58.50");
        return th_cli_fail(&e);
    }
    return th_cli_apply_one(g, TH_DB_WRITE, &c, th_opt_flag(&op, "json"),
                                th_cli_order_text);
}
