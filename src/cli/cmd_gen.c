/* cmd_gen.c — `tanhui gen-inventory`: a synthetic Shaoguan-like pair of surveys. */
#include "cli/cli.h"
#include "cli/opts.h"

#include "base/json.h"
#include "base/num.h"
#include "inventory/gen_write.h"

#include <stdio.h>
#include <string.h>

static const th_optspec spec[] = {
    {"parcels", true, false}, {"seed", true, false},   {"before", true, false},
    {"after", true, false},   {"format", true, false}, {"json", false, false},
};

int th_cmd_gen_inventory(const th_global *g, int argc, char **argv)
{
    (void)g;
    th_err e;
    th_err_clear(&e);
    th_opts op;
    if (th_opts_parse(&op, spec, (int)(sizeof spec / sizeof *spec), argc, argv, "gen-inventory",
                      &e))
        return th_cli_fail(&e);
    const char *before = th_opt(&op, "before"), *after = th_opt(&op, "after");
    const char *ps = th_opt(&op, "parcels"), *ss = th_opt(&op, "seed");
    if (op.npos > 0) {
        th_fail(&e, TH_EUSAGE, "gen-inventory: unexpected argument '%s'", op.pos[0]);
        return th_cli_fail(&e);
    }
    if (!before || !after || !ps) {
        th_fail(&e, TH_EUSAGE, "gen-inventory: --parcels N, --before FILE and --after FILE are "
                               "needed (see tanhui help gen-inventory)");
        return th_cli_fail(&e);
    }
    int64_t parcels, seed = 1;
    if (th_parse_int64(ps, strlen(ps), 1, 100000000, &parcels) != 0) {
        th_fail(&e, TH_EUSAGE, "gen-inventory: --parcels '%s' must be a whole number from 1 to "
                               "100000000", ps);
        return th_cli_fail(&e);
    }
    if (ss && th_parse_int64(ss, strlen(ss), 0, INT64_MAX, &seed) != 0) {
        th_fail(&e, TH_EUSAGE, "gen-inventory: --seed '%s' must be a whole number >= 0", ss);
        return th_cli_fail(&e);
    }
    th_gen_format fmt = TH_GEN_CSV;
    const char *fs = th_opt(&op, "format");
    if (fs) {
        if (strcmp(fs, "csv") == 0)
            fmt = TH_GEN_CSV;
        else if (strcmp(fs, "csv-gbk") == 0)
            fmt = TH_GEN_CSV_GBK;
        else if (strcmp(fs, "gpkg") == 0)
            fmt = TH_GEN_GPKG;
        else if (strcmp(fs, "shp") == 0)
            fmt = TH_GEN_SHP;
        else {
            th_fail(&e, TH_EUSAGE, "gen-inventory: --format '%s': use csv, csv-gbk, gpkg or shp",
                    fs);
            return th_cli_fail(&e);
        }
    }
    th_gen_counts n;
    if (th_gen_write((uint64_t)seed, parcels, fmt, before, after, &n, &e) != 0)
        return th_cli_fail(&e);
    th_buf out;
    th_buf_init(&out);
    if (th_opt_flag(&op, "json")) {
        th_json j;
        th_json_init(&j, &out);
        th_json_obj_begin(&j);
        th_json_key(&j, "parcels");
        th_json_int(&j, parcels);
        th_json_key(&j, "seed");
        th_json_int(&j, seed);
        th_json_key(&j, "before");
        th_json_obj_begin(&j);
        th_json_key(&j, "path");
        th_json_str(&j, before);
        th_json_key(&j, "rows");
        th_json_int(&j, n.before);
        th_json_obj_end(&j);
        th_json_key(&j, "after");
        th_json_obj_begin(&j);
        th_json_key(&j, "path");
        th_json_str(&j, after);
        th_json_key(&j, "rows");
        th_json_int(&j, n.after);
        th_json_obj_end(&j);
        th_json_key(&j, "in_both");
        th_json_int(&j, n.both);
        th_json_obj_end(&j);
        th_buf_putc(&out, '\n');
    } else {
        th_buf_printf(&out, "wrote %s (%lld parcels) and %s (%lld parcels); %lld in both\n",
                      before, (long long)n.before, after, (long long)n.after, (long long)n.both);
    }
    int status = th_cli_write(stdout, &out, &e) ? th_cli_fail(&e) : 0;
    th_buf_free(&out);
    return status;
}
