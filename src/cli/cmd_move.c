/* cmd_move.c — `tanhui transfer`, `tanhui retire`, `tanhui certificate ID`. */
#include "cli/cli.h"
#include "cli/opts.h"

#include "base/num.h"
#include "ledger/moves.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void move_text(const th_buf *json, th_buf *out)
{
    const char *id = strstr(json->p, "\"id\":"), *type = strstr(json->p, "\"type\":\"");
    const char *q = strstr(json->p, "\"quantity\":");
    bool ret = type && strncmp(type + 8, "retirement", 10) == 0;
    th_buf_printf(out, "%s %lld: %lld credits\n", ret ? "retirement (certificate)" : "transfer",
                  id ? strtoll(id + 5, NULL, 10) : 0LL, q ? strtoll(q + 11, NULL, 10) : 0LL);
    for (const char *p = json->p; (p = strstr(p, "\"serial\":\"")) != NULL; p += 10)
        th_buf_printf(out, "  %.*s\n", (int)strcspn(p + 10, "\""), p + 10);
}

static int move_cmd(const th_global *g, int argc, char **argv, bool retire)
{
    static const th_optspec spec[] = {
        {"from", true, false},        {"to", true, false},          {"qty", true, false},
        {"project", true, false},     {"vintage", true, false},     {"serials", true, false},
        {"beneficiary", true, false}, {"reason", true, false},      {"jurisdiction", true, false},
        {"json", false, false},       {"request-id", true, false}};
    const char *cmd = retire ? "retire" : "transfer";
    th_err e;
    th_opts op;
    if (th_opts_parse(&op, spec, 11, argc, argv, cmd, &e))
        return th_cli_fail(&e);
    if (op.npos) {
        th_fail(&e, TH_EUSAGE, "%s: unexpected argument '%s'", cmd, op.pos[0]);
        return th_cli_fail(&e);
    }
    if (!th_opt(&op, "from") || (!retire && !th_opt(&op, "to")) ||
        (!th_opt(&op, "qty") && !th_opt(&op, "serials")) ||
        (retire && (!th_opt(&op, "beneficiary") || !th_opt(&op, "reason")))) {
        th_fail(&e, TH_EUSAGE, "%s: give --from%s, --qty N or --serials BLOCK%s (see tanhui help "
                               "%s)", cmd, retire ? "" : " and --to",
                retire ? ", --beneficiary and --reason" : "", cmd);
        return th_cli_fail(&e);
    }
    if (!retire && (th_opt(&op, "beneficiary") || th_opt(&op, "reason") ||
                    th_opt(&op, "jurisdiction"))) {
        th_fail(&e, TH_EUSAGE, "transfer: --beneficiary, --reason and --jurisdiction are for "
                               "retire");
        return th_cli_fail(&e);
    }
    if (retire && th_opt(&op, "to")) {
        th_fail(&e, TH_EUSAGE, "retire: credits are retired where they are held (no --to)");
        return th_cli_fail(&e);
    }
    th_move m = {.from = th_opt(&op, "from"), .to = th_opt(&op, "to"),
                 .project = th_opt(&op, "project"), .serials = th_opt(&op, "serials"),
                 .beneficiary = th_opt(&op, "beneficiary"), .reason = th_opt(&op, "reason"),
                 .jurisdiction = th_opt(&op, "jurisdiction")};
    const char *s = th_opt(&op, "qty");
    if (s && th_parse_int64(s, strlen(s), 1, INT64_MAX / 2, &m.qty)) {
        th_fail(&e, TH_EUSAGE, "%s: --qty '%s' must be a whole number of credits, at least 1",
                cmd, s);
        return th_cli_fail(&e);
    }
    int64_t v = 0;
    s = th_opt(&op, "vintage");
    if (s && th_parse_int64(s, strlen(s), 1900, 9999, &v)) {
        th_fail(&e, TH_EUSAGE, "%s: --vintage '%s' must be a year", cmd, s);
        return th_cli_fail(&e);
    }
    m.vintage = (int)v;
    th_cmd c = {.type = retire ? TH_CMD_RETIRE : TH_CMD_TRANSFER,
                .request_id = th_opt(&op, "request-id"), .move = m};
    return th_cli_apply_one(g, TH_DB_WRITE, &c, th_opt_flag(&op, "json"), move_text);
}

int th_cmd_transfer(const th_global *g, int argc, char **argv)
{
    return move_cmd(g, argc, argv, false);
}

int th_cmd_retire(const th_global *g, int argc, char **argv)
{
    return move_cmd(g, argc, argv, true);
}

static int cert_text(th_db *db, const char *id, th_buf *out, th_err *e)
{
    th_buf json;
    th_buf_init(&json);
    int rc = th_certificate_json(db, id, &json, e);
    if (rc == 0) {
        /* the certificate as a person reads it */
        static const char *const keys[] = {"type", "date", "beneficiary", "reason", "jurisdiction"};
        for (int k = 0; k < 5; k++) {
            char pat[32];
            snprintf(pat, sizeof pat, "\"%s\":\"", keys[k]);
            const char *p = strstr(json.p, pat);
            if (p)
                th_buf_printf(out, "%-13s %.*s\n", keys[k], (int)strcspn(p + strlen(pat), "\""),
                              p + strlen(pat));
        }
        move_text(&json, out);
    }
    th_buf_free(&json);
    return rc;
}

int th_cmd_certificate(const th_global *g, int argc, char **argv)
{
    return th_cli_read(g, argc, argv, "certificate", "ID", th_certificate_json, cert_text);
}
