/* cmd_project.c — `tanhui project add|list` (share and beneficiaries: cmd_share.c). */
#include "cli/cli.h"
#include "cli/opts.h"

#include "base/num.h"
#include "carbon/credits.h"
#include "engine/engine.h"
#include "inventory/params_file.h"
#include "ledger/projects.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void project_text(const th_buf *json, th_buf *out)
{
    const char *id = strstr(json->p, "\"id\":"), *code = strstr(json->p, "\"code\":\"");
    th_buf_printf(out, "added project %lld (%.*s)\n", id ? strtoll(id + 5, NULL, 10) : 0LL,
                  code ? (int)strcspn(code + 8, "\"") : 0, code ? code + 8 : "");
}

static int project_list_json(th_db *db, const char *arg, th_buf *out, th_err *e)
{
    (void)arg;
    return th_project_list_json(db, out, e);
}

static int project_list_text(th_db *db, const char *arg, th_buf *out, th_err *e)
{
    (void)arg;
    sqlite3_stmt *st;
    if (th_db_prepare(db, "SELECT p.id, p.status, p.buffer_pct_scaled, p.name, a.name FROM "
                          "projects p JOIN accounts a ON a.id = p.owner_id ORDER BY p.id",
                      &st, e))
        return -1;
    th_buf_printf(out, "%6s  %-7s  %-10s  %8s  %s\n", "id", "code", "status", "buffer%",
                  "name (owner)");
    while (sqlite3_step(st) == SQLITE_ROW)
        th_buf_printf(out, "%6lld  P%04lld    %-10s  %8g  %s (%s)\n",
                      (long long)sqlite3_column_int64(st, 0),
                      (long long)sqlite3_column_int64(st, 0),
                      (const char *)sqlite3_column_text(st, 1),
                      (double)sqlite3_column_int64(st, 2) / (double)TH_PCT_SCALE,
                      (const char *)sqlite3_column_text(st, 3),
                      (const char *)sqlite3_column_text(st, 4));
    sqlite3_finalize(st);
    return 0;
}

int th_cmd_project(const th_global *g, int argc, char **argv)
{
    th_err e;
    if (argc < 1) {
        th_fail(&e, TH_EUSAGE, "project: say add, list, share or beneficiaries (see tanhui help "
                               "project)");
        return th_cli_fail(&e);
    }
    if (strcmp(argv[0], "list") == 0)
        return th_cli_read(g, argc - 1, argv + 1, "project list", NULL, project_list_json,
                           project_list_text);
    if (strcmp(argv[0], "share") == 0)
        return th_cli_project_share(g, argc - 1, argv + 1);
    if (strcmp(argv[0], "beneficiaries") == 0)
        return th_cli_project_beneficiaries(g, argc - 1, argv + 1);
    if (strcmp(argv[0], "add") != 0) {
        th_fail(&e, TH_EUSAGE, "project: unknown subcommand '%s': use add, list, share or "
                               "beneficiaries", argv[0]);
        return th_cli_fail(&e);
    }
    static const th_optspec spec[] = {{"name", true, false},       {"owner", true, false},
                                      {"buffer-pct", true, false}, {"params", true, false},
                                      {"json", false, false},      {"request-id", true, false}};
    th_opts op;
    if (th_opts_parse(&op, spec, 6, argc - 1, argv + 1, "project add", &e))
        return th_cli_fail(&e);
    if (op.npos || !th_opt(&op, "name") || !th_opt(&op, "owner")) {
        th_fail(&e, TH_EUSAGE, "project add: give --name NAME and --owner ACCOUNT (see tanhui "
                               "help project)");
        return th_cli_fail(&e);
    }
    int64_t pct = 20 * TH_PCT_SCALE;
    const char *s = th_opt(&op, "buffer-pct");
    if (s && (th_parse_fixed(s, strlen(s), 6, &pct) != 0 || pct < 0 || pct > 100 * TH_PCT_SCALE)) {
        th_fail(&e, TH_EUSAGE, "project add: --buffer-pct '%s' must be from 0 to 100, with at "
                               "most 6 decimals", s);
        return th_cli_fail(&e);
    }
    th_params *params;
    th_params_info pi;
    if (th_params_load(th_opt(&op, "params"), &params, &pi, &e)) {
        th_params_info_free(&pi);
        return th_cli_fail(&e);
    }
    th_params_free(params);
    th_cmd c = {.type = TH_CMD_PROJECT_ADD, .request_id = th_opt(&op, "request-id")};
    c.project = (th_project_new){.name = th_opt(&op, "name"),
                                 .owner = th_opt(&op, "owner"),
                                 .buffer_pct_scaled = pct,
                                 .params_name = pi.name,
                                 .params_sha256 = pi.sha256,
                                 .params_csv = pi.text.p ? pi.text.p : ""};
    int status = th_cli_apply_one(g, TH_DB_WRITE, &c, th_opt_flag(&op, "json"), project_text);
    th_params_info_free(&pi);
    return status;
}
