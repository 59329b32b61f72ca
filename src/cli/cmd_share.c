/* cmd_share.c — `tanhui project share PROJECT ...` and `tanhui project beneficiaries PROJECT`
 * (benefit sharing, 联农带农), `tanhui payouts ACCOUNT`. */
#include "cli/cli.h"
#include "cli/opts.h"

#include "base/mem.h"
#include "base/num.h"
#include "exchange/cash.h"
#include "exchange/sharing.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void beneficiaries_lines(json_t *o, th_buf *out)
{
    json_t *list = json_object_get(o, "beneficiaries");
    int64_t total = 0;
    size_t i;
    json_t *b;
    json_array_foreach(list, i, b) total += json_integer_value(json_object_get(b, "weight"));
    th_buf_printf(out, "project %lld: %zu beneficiaries\n",
                  (long long)json_integer_value(json_object_get(o, "project")),
                  json_array_size(list));
    json_array_foreach(list, i, b)
    {
        int64_t w = json_integer_value(json_object_get(b, "weight"));
        th_buf_printf(out, "  %8.4f %%  %s (account %lld)\n",
                      total ? 100.0 * (double)w / (double)total : 0.0,
                      json_string_value(json_object_get(b, "name")),
                      (long long)json_integer_value(json_object_get(b, "account")));
    }
}

static void share_text(const th_buf *json, th_buf *out)
{
    th_cli_json_lines(json, out, beneficiaries_lines);
}

static int beneficiaries_text(th_db *db, const char *arg, th_buf *out, th_err *e)
{
    return th_cli_as_text(th_beneficiaries_json, db, arg, out, e, beneficiaries_lines);
}

int th_cli_project_beneficiaries(const th_global *g, int argc, char **argv)
{
    return th_cli_read(g, argc, argv, "project beneficiaries", "PROJECT", th_beneficiaries_json,
                       beneficiaries_text);
}

int th_cli_project_share(const th_global *g, int argc, char **argv)
{
    static const th_optspec spec[] = {{"from-report", true, false},
                                      {"beneficiary", true, true},
                                      {"add-accounts", true, false},
                                      {"json", false, false},
                                      {"request-id", true, false}};
    th_err e;
    th_opts op;
    if (th_opts_parse(&op, spec, 5, argc, argv, "project share", &e))
        return th_cli_fail(&e);
    const char *report = th_opt(&op, "from-report");
    bool hand = th_opt(&op, "beneficiary") != NULL;
    if (op.npos != 1 || (report != NULL) == hand || (th_opt(&op, "add-accounts") && !report)) {
        th_fail(&e, TH_EUSAGE, "project share: give PROJECT and either --from-report REPORT "
                               "[--add-accounts KIND] or --beneficiary ACCOUNT:WEIGHT, once per "
                               "beneficiary (see tanhui help project)");
        return th_cli_fail(&e);
    }
    /* every --beneficiary, in order (the options table keeps only the last) */
    const char **accounts = th_xcalloc((size_t)argc + 1, sizeof *accounts);
    int64_t *weights = th_xcalloc((size_t)argc + 1, sizeof *weights);
    char **owned = th_xcalloc((size_t)argc + 1, sizeof *owned);
    size_t n = 0;
    int status = 0;
    for (int i = 0; i < argc && status == 0; i++) {
        const char *v = NULL;
        if (strcmp(argv[i], "--") == 0)
            break;
        if (strcmp(argv[i], "--beneficiary") == 0 && i + 1 < argc)
            v = argv[++i];
        else if (strncmp(argv[i], "--beneficiary=", 14) == 0)
            v = argv[i] + 14;
        if (!v)
            continue;
        const char *colon = strrchr(v, ':');
        int64_t w;
        if (!colon || colon == v ||
            th_parse_fixed(colon + 1, strlen(colon + 1), 6, &w) != 0 || w <= 0) {
            th_fail_at(&e, TH_EUSAGE, NULL, 0, "beneficiary", v, strlen(v),
                       "project share: a beneficiary is ACCOUNT:WEIGHT, the weight more than 0 "
                       "with at most 6 decimals (like 韶关某村:2.5)");
            status = th_cli_fail(&e);
            break;
        }
        owned[n] = th_xstrndup(v, (size_t)(colon - v));
        accounts[n] = owned[n];
        weights[n++] = w;
    }
    if (status == 0) {
        th_cmd c = {.type = TH_CMD_PROJECT_SHARE, .request_id = th_opt(&op, "request-id")};
        c.share = (th_share_new){.project = op.pos[0], .report = report,
                                 .add_accounts = th_opt(&op, "add-accounts"),
                                 .accounts = accounts, .weights = weights, .n = n};
        status = th_cli_apply_one(g, TH_DB_WRITE, &c, th_opt_flag(&op, "json"), share_text);
    }
    for (size_t i = 0; i < n; i++)
        free(owned[i]);
    free(owned);
    free(accounts);
    free(weights);
    return status;
}

static void payouts_lines(json_t *o, th_buf *out)
{
    th_buf_printf(out, "%s (account %lld) received %s CNY in benefit shares\n",
                  json_string_value(json_object_get(o, "name")),
                  (long long)json_integer_value(json_object_get(o, "account")),
                  json_string_value(json_object_get(o, "total")));
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(o, "payouts"), i, p)
        th_buf_printf(out, "  %s  %12s CNY  trade %lld, project %lld\n",
                      json_string_value(json_object_get(p, "time")),
                      json_string_value(json_object_get(p, "amount")),
                      (long long)json_integer_value(json_object_get(p, "trade")),
                      (long long)json_integer_value(json_object_get(p, "project")));
}

static int payouts_text(th_db *db, const char *arg, th_buf *out, th_err *e)
{
    return th_cli_as_text(th_payouts_json, db, arg, out, e, payouts_lines);
}

int th_cmd_payouts(const th_global *g, int argc, char **argv)
{
    return th_cli_read(g, argc, argv, "payouts", "ACCOUNT", th_payouts_json, payouts_text);
}
