/* cmd_issue.c — `tanhui issue REPORT`, `tanhui holdings ACCOUNT`, `tanhui supply`. */
#include "cli/cli.h"
#include "cli/opts.h"

#include "ledger/issuance.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void issue_text(const th_buf *json, th_buf *out)
{
    const char *iss = strstr(json->p, "\"issued\":"), *can = strstr(json->p, "\"cancelled\":");
    const char *outst = strstr(json->p, "\"outstanding_reversal\":");
    if (can)
        th_buf_printf(out, "reversal: cancelled %lld buffer credits; outstanding reversal %lld\n",
                      strtoll(can + 12, NULL, 10), outst ? strtoll(outst + 23, NULL, 10) : 0LL);
    else
        th_buf_printf(out, "issued %lld credits\n", iss ? strtoll(iss + 9, NULL, 10) : 0LL);
    /* each block on its line */
    for (const char *p = json->p; (p = strstr(p, "\"serial\":\"")) != NULL; p += 10)
        th_buf_printf(out, "  %.*s\n", (int)strcspn(p + 10, "\""), p + 10);
}

int th_cmd_issue(const th_global *g, int argc, char **argv)
{
    static const th_optspec spec[] = {{"json", false, false}, {"request-id", true, false}};
    th_err e;
    th_opts op;
    if (th_opts_parse(&op, spec, 2, argc, argv, "issue", &e))
        return th_cli_fail(&e);
    if (op.npos != 1) {
        th_fail(&e, TH_EUSAGE, "issue: give one REPORT (see tanhui help issue)");
        return th_cli_fail(&e);
    }
    th_cmd c = {.type = TH_CMD_ISSUE, .request_id = th_opt(&op, "request-id"),
                .report_id = op.pos[0]};
    return th_cli_apply_one(g, TH_DB_WRITE, &c, th_opt_flag(&op, "json"), issue_text);
}

static int holdings_text(th_db *db, const char *account, th_buf *out, th_err *e)
{
    th_buf json;
    th_buf_init(&json);
    int rc = th_holdings_json(db, account, &json, e);
    if (rc == 0) {
        const char *t = strstr(json.p, "\"total\":"), *a = strstr(json.p, "\"available\":"),
                   *r = strstr(json.p, "\"reserved\":");
        th_buf_printf(out, "%lld credits: %lld available, %lld reserved\n",
                      t ? strtoll(t + 8, NULL, 10) : 0LL, a ? strtoll(a + 12, NULL, 10) : 0LL,
                      r ? strtoll(r + 11, NULL, 10) : 0LL);
        for (const char *p = json.p; (p = strstr(p, "\"serial\":\"")) != NULL; p += 10) {
            const char *q = strstr(p, "\"quantity\":"), *s = strstr(p, "\"state\":\"");
            th_buf_printf(out, "  %.*s  %lld  %.*s\n", (int)strcspn(p + 10, "\""), p + 10,
                          q ? strtoll(q + 11, NULL, 10) : 0LL, s ? (int)strcspn(s + 9, "\"") : 0,
                          s ? s + 9 : "");
        }
    }
    th_buf_free(&json);
    return rc;
}

int th_cmd_holdings(const th_global *g, int argc, char **argv)
{
    return th_cli_read(g, argc, argv, "holdings", "ACCOUNT", th_holdings_json, holdings_text);
}

static int supply_json(th_db *db, const char *arg, th_buf *out, th_err *e)
{
    (void)arg;
    return th_supply_json(db, out, e);
}

static int supply_text(th_db *db, const char *arg, th_buf *out, th_err *e)
{
    (void)arg;
    th_buf json;
    th_buf_init(&json);
    int rc = th_supply_json(db, &json, e);
    if (rc == 0) {
        static const char *const keys[] = {"issued", "held", "retired", "cancelled", "buffer"};
        for (int k = 0; k < 5; k++) {
            char pat[32];
            snprintf(pat, sizeof pat, "\"%s\":", keys[k]);
            const char *p = strstr(json.p, pat);
            th_buf_printf(out, "%-10s %lld\n", keys[k], p ? strtoll(p + strlen(pat), NULL, 10) : 0LL);
        }
    }
    th_buf_free(&json);
    return rc;
}

int th_cmd_supply(const th_global *g, int argc, char **argv)
{
    return th_cli_read(g, argc, argv, "supply", NULL, supply_json, supply_text);
}
