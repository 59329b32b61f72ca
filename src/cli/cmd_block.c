/* cmd_block.c — `tanhui block propose|accept|list`: block trades (大宗协议). */
#include "cli/cli.h"
#include "cli/opts.h"

#include "base/num.h"
#include "exchange/block_trades.h"
#include "exchange/cash.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

static void block_line(json_t *o, th_buf *out)
{
    json_t *t = json_object_get(o, "trade");
    th_buf_printf(out, "block trade %lld: %s %lld at %s, seller %lld, buyer %lld, %s",
                  (long long)json_integer_value(json_object_get(o, "id")),
                  json_string_value(json_object_get(o, "instrument")),
                  (long long)json_integer_value(json_object_get(o, "qty")),
                  json_string_value(json_object_get(o, "price")),
                  (long long)json_integer_value(json_object_get(o, "seller")),
                  (long long)json_integer_value(json_object_get(o, "buyer")),
                  json_string_value(json_object_get(o, "status")));
    if (json_is_integer(t))
        th_buf_printf(out, " (trade %lld)", (long long)json_integer_value(t));
    th_buf_putc(out, '\n');
}

static void block_text(const th_buf *json, th_buf *out)
{
    th_cli_json_lines(json, out, block_line);
}

static int list_json(th_db *db, const char *arg, th_buf *out, th_err *e)
{
    (void)arg;
    return th_block_list_json(db, out, e);
}

static void list_lines(json_t *o, th_buf *out)
{
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(o, "block_trades"), i, v) block_line(v, out);
    if (json_array_size(json_object_get(o, "block_trades")) == 0)
        th_buf_puts(out, "no block trades\n");
}

static int list_text(th_db *db, const char *arg, th_buf *out, th_err *e)
{
    return th_cli_as_text(list_json, db, arg, out, e, list_lines);
}

int th_cmd_block(const th_global *g, int argc, char **argv)
{
    th_err e;
    if (argc >= 1 && strcmp(argv[0], "list") == 0)
        return th_cli_read(g, argc - 1, argv + 1, "block list", NULL, list_json, list_text);
    bool propose = argc >= 1 && strcmp(argv[0], "propose") == 0;
    if (argc < 1 || (!propose && strcmp(argv[0], "accept") != 0)) {
        th_fail(&e, TH_EUSAGE, "block: say propose, accept or list (see tanhui help block)");
        return th_cli_fail(&e);
    }
    static const th_optspec spec[] = {
        {"seller", true, false}, {"buyer", true, false}, {"instrument", true, false},
        {"price", true, false},  {"qty", true, false},   {"json", false, false},
        {"request-id", true, false}};
    th_opts op;
    const char *cmd = propose ? "block propose" : "block accept";
    if (th_opts_parse(&op, spec, 7, argc - 1, argv + 1, cmd, &e))
        return th_cli_fail(&e);
    th_cmd c = {.request_id = th_opt(&op, "request-id")};
    if (!propose) {
        if (op.npos != 1 || !th_opt(&op, "buyer") || th_opt(&op, "seller") ||
            th_opt(&op, "price") || th_opt(&op, "qty") || th_opt(&op, "instrument")) {
            th_fail(&e, TH_EUSAGE, "block accept: give the block trade's ID and --buyer B");
            return th_cli_fail(&e);
        }
        c.type = TH_CMD_BLOCK_ACCEPT;
        c.order_id = op.pos[0];
        c.block.buyer = th_opt(&op, "buyer");
        return th_cli_apply_one(g, TH_DB_WRITE, &c, th_opt_flag(&op, "json"), block_text);
    }
    if (op.npos || !th_opt(&op, "seller") || !th_opt(&op, "buyer") ||
        !th_opt(&op, "instrument") || !th_opt(&op, "price") || !th_opt(&op, "qty")) {
        th_fail(&e, TH_EUSAGE, "block propose: give --seller A --buyer B --instrument I --price P "
                               "--qty N");
        return th_cli_fail(&e);
    }
    c.type = TH_CMD_BLOCK_PROPOSE;
    c.block = (th_block_new){.seller = th_opt(&op, "seller"), .buyer = th_opt(&op, "buyer"),
                             .instrument = th_opt(&op, "instrument")};
    const char *s = th_opt(&op, "price");
    if (th_money_parse(s, &c.block.price)) {
        th_fail_at(&e, TH_EUSAGE, NULL, 0, "price", s, strlen(s),
                   "block propose: --price is yuan per tonne with at most two decimals");
        return th_cli_fail(&e);
    }
    s = th_opt(&op, "qty");
    if (th_parse_int64(s, strlen(s), 1, INT64_MAX / 2, &c.block.qty)) {
        th_fail_at(&e, TH_EUSAGE, NULL, 0, "qty", s, strlen(s),
                   "block propose: --qty must be a whole number of credits, at least 1");
        return th_cli_fail(&e);
    }
    return th_cli_apply_one(g, TH_DB_WRITE, &c, th_opt_flag(&op, "json"), block_text);
}
