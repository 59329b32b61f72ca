/* cmd_measure.c — `tanhui measure`: forest carbon from two inventories. */
#include "cli/cli.h"
#include "cli/opts.h"

#include "base/date.h"
#include "base/mem.h"
#include "base/num.h"
#include "inventory/measure_opts.h"
#include "inventory/measure_report.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const th_optspec th_measure_optspec[] = {
    {"before", true, false},          {"after", true, false},
    {"params", true, false},          {"before-date", true, false},
    {"after-date", true, false},      {"area-unit", true, false},
    {"encoding", true, false},        {"baseline-tco2e", true, false},
    {"leakage-pct", true, false},     {"uncertainty-pct", true, false},
    {"buffer-pct", true, false},      {"skip-invalid", false, false},
    {"json", false, false},           {"by", true, false},
    {"parcels-out", true, false},     {"request-id", true, false},
};
const int th_measure_noptspec = (int)(sizeof th_measure_optspec / sizeof *th_measure_optspec);

int th_cli_measure_options(const th_opts *op, th_measure_opts *o, th_err *e)
{
    o->before_path = th_opt(op, "before");
    o->after_path = th_opt(op, "after");
    if (!o->before_path || !o->after_path)
        return th_fail(e, TH_EUSAGE, "--before FILE and --after FILE are both needed (see tanhui "
                                     "help measure)");
    for (int i = 0; i < th_measure_noptspec; i++) {
        const char *name = th_measure_optspec[i].name, *v;
        char shown[40];
        snprintf(shown, sizeof shown, "--%s", name);
        if (th_measure_opt_known(name) && (v = th_opt(op, name)) &&
            th_measure_opt_set(o, name, shown, v, e))
            return -1;
    }
    o->skip_invalid = th_opt_flag(op, "skip-invalid");
    return 0;
}

int th_cli_measure_after(const th_opts *op, const th_measure_opts *o, th_measure_run *run,
                         int rc, th_err *e)
{
    if (rc != 0) {
        if (run->errs.total > 0 && !o->skip_invalid) {
            th_buf out;
            th_buf_init(&out);
            th_rowerrs_text(&run->errs, TH_ROWERR_LIMIT, &out);
            /* each finding on its own line, prefixed as every message is */
            for (char *line = out.p; line && *line;) {
                char *nl = strchr(line, '\n');
                fprintf(stderr, "tanhui: %.*s\n", (int)(nl ? nl - line : (long)strlen(line)), line);
                line = nl ? nl + 1 : NULL;
            }
            th_buf_free(&out);
        }
        return -1;
    }
    const char *parcels_out = th_opt(op, "parcels-out");
    if (parcels_out) {
        th_buf csv;
        th_buf_init(&csv);
        th_measure_parcels_csv(run, o, &csv);
        int wrc = th_cli_write_file(parcels_out, &csv, e);
        th_buf_free(&csv);
        if (wrc)
            return -1;
    }
    if (run->skipped > 0)
        fprintf(stderr, "tanhui: skipped %lld bad rows (--skip-invalid); %lld parcels left out\n",
                (long long)run->skipped, (long long)run->m.excluded);
    return 0;
}

int th_cli_measure_run(const th_opts *op, const th_measure_opts *o, th_measure_run *run,
                       th_err *e)
{
    return th_cli_measure_after(op, o, run, th_measure_files(o, run, e), e);
}

int th_cmd_measure(const th_global *g, int argc, char **argv)
{
    (void)g;
    th_err e;
    th_err_clear(&e);
    th_opts op;
    if (th_opts_parse(&op, th_measure_optspec, th_measure_noptspec, argc, argv, "measure", &e))
        return th_cli_fail(&e);
    if (th_opt(&op, "request-id")) {
        th_fail(&e, TH_EUSAGE, "--request-id is for commands that change the registry");
        return th_cli_fail(&e);
    }
    if (op.npos > 0) {
        th_fail(&e, TH_EUSAGE, "measure: unexpected argument '%s' (see tanhui help measure)",
                op.pos[0]);
        return th_cli_fail(&e);
    }
    th_measure_opts o;
    th_measure_opts_default(&o);
    if (th_cli_measure_options(&op, &o, &e))
        return th_cli_fail(&e);
    th_params *params = NULL;
    th_params_info pi;
    if (th_params_load(th_opt(&op, "params"), &params, &pi, &e)) {
        th_params_info_free(&pi);
        return th_cli_fail(&e);
    }
    o.params = params;

    th_measure_run run;
    int status = 0;
    th_buf out;
    th_buf_init(&out);
    if (th_cli_measure_run(&op, &o, &run, &e) != 0) {
        status = th_cli_fail(&e);
        goto out;
    }
    if (th_opt_flag(&op, "json")) {
        th_measure_json(&run, &o, &pi, &out);
        th_buf_putc(&out, '\n');
    } else {
        th_measure_text(&run, &o, &pi, &out);
    }
    if (th_cli_write(stdout, &out, &e))
        status = th_cli_fail(&e);
out:
    th_buf_free(&out);
    th_measure_run_free(&run);
    th_params_free(params);
    th_params_info_free(&pi);
    return status;
}
