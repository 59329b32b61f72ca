/* cmd_check.c — `tanhui check`: exit 0 when every invariant holds, 1 naming the first one
 * violated. */
#include "cli/cli.h"
#include "cli/opts.h"

#include "ledger/check.h"

#include <stdio.h>

int th_cmd_check(const th_global *g, int argc, char **argv)
{
    static const th_optspec spec[] = {{"json", false, false}};
    th_err e;
    th_opts op;
    if (th_opts_parse(&op, spec, 1, argc, argv, "check", &e))
        return th_cli_fail(&e);
    th_db *db;
    if (th_db_open(g->db, TH_DB_READ, &db, &e))
        return th_cli_fail(&e);
    th_buf out;
    th_buf_init(&out);
    /* the registry's checks and the log's on one snapshot */
    int r = th_db_exec(db, "BEGIN", &e);
    if (r == 0)
        r = th_registry_check(db, &out, &e);
    th_log_verified v;
    if (r == 0)
        r = th_cli_log_audit(db, &v, &e);
    th_err ignored;
    if (th_db_exec(db, "COMMIT", &ignored) != 0)
        th_err_clear(&ignored);
    int status;
    if (r == 0) {
        if (th_opt_flag(&op, "json")) {
            /* the registry's object, with the log's figures added */
            if (out.len && out.p[out.len - 1] == '}') {
                out.len--;
                th_buf_printf(&out, ",\"log\":{\"entries\":%lld,\"hashes\":%lld,"
                                    "\"checkpoints\":%lld}}", (long long)v.entries,
                              (long long)v.hashes, (long long)v.checkpoints);
            }
            th_buf_putc(&out, '\n');
        } else {
            th_buf_reset(&out);
            th_buf_puts(&out, "ok: every invariant holds\n");
        }
        status = th_cli_write(stdout, &out, &e) ? th_cli_fail(&e) : 0;
    } else {
        char msg[1200];
        th_err_format(&e, msg, sizeof msg);
        fprintf(stderr, "tanhui: check: %s\n", msg);
        status = 1;
    }
    th_buf_free(&out);
    th_db_close(db);
    return status;
}
