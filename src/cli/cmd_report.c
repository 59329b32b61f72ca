/* cmd_report.c — `tanhui report add|verify|reject|show`. `report add` measures the project's
 * two inventories with the project's own parameter table and buffer percentage (outside the
 * transaction: it is the slow part; engine/report_draft.h), then hands the result to the
 * engine. */
#include "cli/cli.h"
#include "cli/opts.h"

#include "base/num.h"
#include "engine/report_draft.h"
#include "ledger/reports.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void report_text(const th_buf *json, th_buf *out)
{
    const char *id = strstr(json->p, "\"id\":"), *st = strstr(json->p, "\"status\":\"");
    const char *cr = strstr(json->p, "\"credits_total\":");
    th_buf_printf(out, "report %lld: %.*s", id ? strtoll(id + 5, NULL, 10) : 0LL,
                  st ? (int)strcspn(st + 10, "\"") : 0, st ? st + 10 : "");
    if (cr)
        th_buf_printf(out, " (%lld credits)", strtoll(cr + 16, NULL, 10));
    th_buf_putc(out, '\n');
}

static int report_add(const th_global *g, int argc, char **argv)
{
    th_err e;
    th_err_clear(&e);
    th_opts op;
    if (th_opts_parse(&op, th_measure_optspec, th_measure_noptspec, argc, argv, "report add", &e))
        return th_cli_fail(&e);
    if (op.npos != 1) {
        th_fail(&e, TH_EUSAGE, "report add: give one PROJECT, --before FILE and --after FILE "
                               "(see tanhui help report)");
        return th_cli_fail(&e);
    }
    if (th_opt(&op, "params") || th_opt(&op, "buffer-pct")) {
        th_fail(&e, TH_EUSAGE, "report add: the parameter table and the buffer percentage are "
                               "the project's (set with project add), not the report's");
        return th_cli_fail(&e);
    }
    th_measure_opts o;
    th_measure_opts_default(&o);
    if (th_cli_measure_options(&op, &o, &e))
        return th_cli_fail(&e);

    /* the project's table and buffer, then the slow measurement (no transaction open) */
    th_db *db;
    if (th_db_open(g->db, TH_DB_READ, &db, &e))
        return th_cli_fail(&e);
    th_report_draft d;
    th_report_draft_init(&d);
    th_cmd c = {.type = TH_CMD_REPORT_ADD, .request_id = th_opt(&op, "request-id")};
    int rc = th_report_draft_make(db, op.pos[0], &o, &d, &c.report, &e);
    th_db_close(db);
    /* the bad rows told, --parcels-out written, skipped rows said */
    if (d.measured && th_cli_measure_after(&op, &o, &d.run, rc, &e))
        rc = -1;
    int status = rc ? th_cli_fail(&e)
                    : th_cli_apply_one(g, TH_DB_WRITE, &c, th_opt_flag(&op, "json"), report_text);
    th_report_draft_free(&d);
    return status;
}

static int report_decide(const th_global *g, int argc, char **argv, bool verify)
{
    static const th_optspec spec[] = {{"verifier", true, false}, {"reason", true, false},
                                      {"json", false, false}, {"request-id", true, false}};
    const char *cmd = verify ? "report verify" : "report reject";
    th_err e;
    th_opts op;
    if (th_opts_parse(&op, spec, 4, argc, argv, cmd, &e))
        return th_cli_fail(&e);
    if (op.npos != 1 || !th_opt(&op, "verifier") || (!verify && !th_opt(&op, "reason")) ||
        (verify && th_opt(&op, "reason"))) {
        th_fail(&e, TH_EUSAGE, "%s: give REPORT and --verifier ACCOUNT%s (see tanhui help report)",
                cmd, verify ? "" : " and --reason TEXT");
        return th_cli_fail(&e);
    }
    th_cmd c = {.type = verify ? TH_CMD_REPORT_VERIFY : TH_CMD_REPORT_REJECT,
                .request_id = th_opt(&op, "request-id"),
                .report_id = op.pos[0],
                .verifier = th_opt(&op, "verifier"),
                .reason = th_opt(&op, "reason")};
    return th_cli_apply_one(g, TH_DB_WRITE, &c, th_opt_flag(&op, "json"), report_text);
}

static int report_show_json(th_db *db, const char *ref, th_buf *out, th_err *e)
{
    int64_t id;
    if (th_parse_int64(ref, strlen(ref), 1, INT64_MAX, &id))
        return th_fail_at(e, TH_EUSAGE, NULL, 0, "report", ref, strlen(ref),
                          "a report is named by its id");
    return th_report_json(db, id, true, out, e);
}

/* Without --json too the report is shown as JSON (it holds the whole measurement), a line. */
static int report_show_text(th_db *db, const char *ref, th_buf *out, th_err *e)
{
    if (report_show_json(db, ref, out, e))
        return -1;
    th_buf_putc(out, '\n');
    return 0;
}

int th_cmd_report(const th_global *g, int argc, char **argv)
{
    th_err e;
    if (argc >= 1 && strcmp(argv[0], "add") == 0)
        return report_add(g, argc - 1, argv + 1);
    if (argc >= 1 && strcmp(argv[0], "verify") == 0)
        return report_decide(g, argc - 1, argv + 1, true);
    if (argc >= 1 && strcmp(argv[0], "reject") == 0)
        return report_decide(g, argc - 1, argv + 1, false);
    if (argc >= 1 && strcmp(argv[0], "show") == 0)
        return th_cli_read(g, argc - 1, argv + 1, "report show", "REPORT", report_show_json,
                           report_show_text);
    th_fail(&e, TH_EUSAGE, "report: say add, verify, reject or show (see tanhui help report)");
    return th_cli_fail(&e);
}
