/* cmd_cash.c — `tanhui cash deposit|withdraw ACCOUNT AMOUNT`, `tanhui cash balance ACCOUNT`. */
#include "cli/cli.h"
#include "cli/opts.h"

#include "exchange/cash.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

static const char *field(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

/* "available 1250.50 (balance 1300.00, reserved 49.50)" of a balance object */
static void balance_line(json_t *o, th_buf *out)
{
    th_buf_printf(out, "%s (account %lld): balance %s CNY, available %s, reserved %s\n",
                  field(o, "name"), (long long)json_integer_value(json_object_get(o, "account")),
                  field(o, "balance"), field(o, "available"), field(o, "reserved"));
}

static void move_lines(json_t *o, th_buf *out)
{
    th_buf_printf(out, "%s %lld: %s CNY\n", field(o, "type"),
                  (long long)json_integer_value(json_object_get(o, "id")), field(o, "amount"));
    balance_line(o, out);
}

static void move_text(const th_buf *json, th_buf *out)
{
    th_cli_json_lines(json, out, move_lines);
}

static int balance_json(th_db *db, const char *account, th_buf *out, th_err *e)
{
    return th_cash_balance_json(db, account, out, e);
}

static int balance_text(th_db *db, const char *account, th_buf *out, th_err *e)
{
    return th_cli_as_text(balance_json, db, account, out, e, balance_line);
}

int th_cmd_cash(const th_global *g, int argc, char **argv)
{
    th_err e;
    if (argc < 1) {
        th_fail(&e, TH_EUSAGE, "cash: say deposit, withdraw or balance (see tanhui help cash)");
        return th_cli_fail(&e);
    }
    if (strcmp(argv[0], "balance") == 0)
        return th_cli_read(g, argc - 1, argv + 1, "cash balance", "ACCOUNT", balance_json,
                           balance_text);
    bool deposit = strcmp(argv[0], "deposit") == 0;
    if (!deposit && strcmp(argv[0], "withdraw") != 0) {
        th_fail(&e, TH_EUSAGE, "cash: unknown subcommand '%s': use deposit, withdraw or balance",
                argv[0]);
        return th_cli_fail(&e);
    }
    const char *cmd = deposit ? "cash deposit" : "cash withdraw";
    static const th_optspec spec[] = {
        {"reference", true, false}, {"json", false, false}, {"request-id", true, false}};
    th_opts op;
    if (th_opts_parse(&op, spec, 3, argc - 1, argv + 1, cmd, &e))
        return th_cli_fail(&e);
    if (op.npos != 2) {
        th_fail(&e, TH_EUSAGE, "%s: give ACCOUNT and AMOUNT, like 1250.50 (see tanhui help cash)",
                cmd);
        return th_cli_fail(&e);
    }
    int64_t fen;
    if (th_money_parse(op.pos[1], &fen)) {
        th_fail_at(&e, TH_EUSAGE, NULL, 0, "AMOUNT", op.pos[1], strlen(op.pos[1]),
                   "%s: the amount must be yuan with at most two decimals, more than 0 and at "
                   "most 10000000000000.00, like 1250.50", cmd);
        return th_cli_fail(&e);
    }
    th_cmd c = {.type = deposit ? TH_CMD_CASH_DEPOSIT : TH_CMD_CASH_WITHDRAW,
                .request_id = th_opt(&op, "request-id"),
                .cash = {.account = op.pos[0], .amount = fen,
                         .reference = th_opt(&op, "reference")}};
    return th_cli_apply_one(g, TH_DB_WRITE, &c, th_opt_flag(&op, "json"), move_text);
}
