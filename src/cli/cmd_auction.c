/* cmd_auction.c — `tanhui auction open|bid|settle|show|list`: one-way auctions (单向竞价). */
#include "cli/cli.h"
#include "cli/opts.h"

#include "base/num.h"
#include "exchange/auctions.h"
#include "exchange/cash.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

static void auction_line(json_t *o, th_buf *out)
{
    const char *status = json_string_value(json_object_get(o, "status"));
    th_buf_printf(out, "auction %lld: %s, %lld credits from seller %lld, reserve %s CNY, %s, "
                       "until %s, %s",
                  (long long)json_integer_value(json_object_get(o, "id")),
                  json_string_value(json_object_get(o, "instrument")),
                  (long long)json_integer_value(json_object_get(o, "qty")),
                  (long long)json_integer_value(json_object_get(o, "seller")),
                  json_string_value(json_object_get(o, "reserve")),
                  json_string_value(json_object_get(o, "pricing")),
                  json_string_value(json_object_get(o, "ends_at")), status);
    long long bids = (long long)json_integer_value(json_object_get(o, "bid_count"));
    long long bid_qty = (long long)json_integer_value(json_object_get(o, "bid_qty"));
    if (strcmp(status, "open") == 0) {
        th_buf_printf(out, " (%lld bids for %lld credits, sealed until the end)\n", bids,
                      bid_qty);
        return;
    }
    json_t *clearing = json_object_get(o, "clearing_fen");
    char c[32] = "-";
    if (json_is_integer(clearing))
        th_money_format((int64_t)json_integer_value(clearing), c);
    th_buf_printf(out, ": %lld sold, lowest accepted bid %s\n",
                  (long long)json_integer_value(json_object_get(o, "sold")), c);
    size_t i;
    json_t *b;
    json_array_foreach(json_object_get(o, "bids"), i, b)
    {
        th_buf_printf(out, "  bid (order %lld) of account %lld: %lld at %s, awarded %lld\n",
                      (long long)json_integer_value(json_object_get(b, "order")),
                      (long long)json_integer_value(json_object_get(b, "account")),
                      (long long)json_integer_value(json_object_get(b, "qty")),
                      json_string_value(json_object_get(b, "price")),
                      (long long)json_integer_value(json_object_get(b, "awarded")));
    }
}

static void auction_text(const th_buf *json, th_buf *out)
{
    th_cli_json_lines(json, out, auction_line);
}

static int show_json(th_db *db, const char *arg, th_buf *out, th_err *e)
{
    return th_auction_json(db, arg, out, e);
}

static int show_text(th_db *db, const char *arg, th_buf *out, th_err *e)
{
    return th_cli_as_text(show_json, db, arg, out, e, auction_line);
}

static void list_lines(json_t *o, th_buf *out)
{
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(o, "auctions"), i, v) auction_line(v, out);
    if (json_array_size(json_object_get(o, "auctions")) == 0)
        th_buf_puts(out, "no auctions\n");
}

static int list_text(th_db *db, const char *arg, th_buf *out, th_err *e)
{
    return th_cli_as_text(th_auctions_json, db, arg, out, e, list_lines);
}

static int usage(th_err *e, const char *msg)
{
    th_fail(e, TH_EUSAGE, "%s (see tanhui help auction)", msg);
    return th_cli_fail(e);
}

static int money_opt(const th_opts *op, const char *name, const char *cmd, int64_t *fen,
                     th_err *e)
{
    const char *s = th_opt(op, name);
    if (th_money_parse(s, fen) == 0)
        return 0;
    return th_fail_at(e, TH_EUSAGE, NULL, 0, name, s, strlen(s),
                      "%s: --%s is yuan per tonne with at most two decimals, more than 0", cmd,
                      name);
}

static int qty_opt(const th_opts *op, const char *cmd, int64_t *qty, th_err *e)
{
    const char *s = th_opt(op, "qty");
    if (th_parse_int64(s, strlen(s), 1, INT64_C(999999999999999), qty) == 0)
        return 0;
    return th_fail_at(e, TH_EUSAGE, NULL, 0, "qty", s, strlen(s),
                      "%s: --qty must be a whole number of credits, at least 1", cmd);
}

int th_cmd_auction(const th_global *g, int argc, char **argv)
{
    th_err e;
    if (argc >= 1 && strcmp(argv[0], "list") == 0)
        return th_cli_read(g, argc - 1, argv + 1, "auction list", NULL, th_auctions_json,
                           list_text);
    if (argc >= 1 && strcmp(argv[0], "show") == 0)
        return th_cli_read(g, argc - 1, argv + 1, "auction show", "ID", show_json, show_text);
    static const char *const verbs[] = {"open", "bid", "settle"};
    int k = 0;
    while (argc >= 1 && k < 3 && strcmp(argv[0], verbs[k]) != 0)
        k++;
    if (argc < 1 || k == 3)
        return usage(&e, "auction: say open, bid, settle, show or list");
    static const th_optspec spec[] = {
        {"seller", true, false}, {"instrument", true, false}, {"qty", true, false},
        {"reserve", true, false}, {"until", true, false},     {"pricing", true, false},
        {"account", true, false}, {"price", true, false},     {"json", false, false},
        {"request-id", true, false}};
    th_opts op;
    char cmd[32];
    snprintf(cmd, sizeof cmd, "auction %s", verbs[k]);
    if (th_opts_parse(&op, spec, 10, argc - 1, argv + 1, cmd, &e))
        return th_cli_fail(&e);
    th_cmd c = {.request_id = th_opt(&op, "request-id")};
    bool json = th_opt_flag(&op, "json");
    if (k == 0) {
        if (op.npos || !th_opt(&op, "seller") || !th_opt(&op, "instrument") ||
            !th_opt(&op, "qty") || !th_opt(&op, "reserve") || !th_opt(&op, "until") ||
            th_opt(&op, "account") || th_opt(&op, "price"))
            return usage(&e, "auction open: give --seller A --instrument I --qty N --reserve P "
                             "--until TIME [--pricing uniform|pay-as-bid]");
        c.type = TH_CMD_AUCTION_OPEN;
        c.auction = (th_auction_new){.seller = th_opt(&op, "seller"),
                                     .instrument = th_opt(&op, "instrument"),
                                     .until = th_opt(&op, "until"),
                                     .pricing = th_opt(&op, "pricing")};
        if (qty_opt(&op, cmd, &c.auction.qty, &e) ||
            money_opt(&op, "reserve", cmd, &c.auction.reserve, &e))
            return th_cli_fail(&e);
        return th_cli_apply_one(g, TH_DB_WRITE, &c, json, auction_text);
    }
    if (k == 1) {
        if (op.npos != 1 || !th_opt(&op, "account") || !th_opt(&op, "price") ||
            !th_opt(&op, "qty") || th_opt(&op, "seller") || th_opt(&op, "reserve") ||
            th_opt(&op, "until") || th_opt(&op, "instrument") || th_opt(&op, "pricing"))
            return usage(&e, "auction bid: give the auction's ID, --account B --price P --qty N");
        c.type = TH_CMD_AUCTION_BID;
        c.auction = (th_auction_new){.auction = op.pos[0], .account = th_opt(&op, "account")};
        if (qty_opt(&op, cmd, &c.auction.qty, &e) ||
            money_opt(&op, "price", cmd, &c.auction.price, &e))
            return th_cli_fail(&e);
        return th_cli_apply_one(g, TH_DB_WRITE, &c, json, th_cli_order_text);
    }
    if (op.npos != 1 || th_opt(&op, "seller") || th_opt(&op, "account") || th_opt(&op, "qty") ||
        th_opt(&op, "price") || th_opt(&op, "reserve") || th_opt(&op, "until") ||
        th_opt(&op, "instrument") || th_opt(&op, "pricing"))
        return usage(&e, "auction settle: give the auction's ID");
    c.type = TH_CMD_AUCTION_SETTLE;
    c.auction = (th_auction_new){.auction = op.pos[0]};
    return th_cli_apply_one(g, TH_DB_WRITE, &c, json, auction_text);
}
