/* cmd_bars.c — `tanhui bars INSTRUMENT --interval 1m|1h|1d`: the market's bars. */
#include "cli/cli.h"
#include "cli/opts.h"

#include "exchange/bars.h"
#include "exchange/cash.h"

#include <jansson.h>
#include <stdio.h>

static void bars_lines(json_t *o, th_buf *out)
{
    th_buf_printf(out, "%s, %s bars (%s):\n", json_string_value(json_object_get(o, "instrument")),
                  json_string_value(json_object_get(o, "interval")),
                  json_string_value(json_object_get(o, "time_zone")));
    th_buf_printf(out, "  %-25s %9s %9s %9s %9s %10s %9s %7s\n", "start", "open", "high", "low",
                  "close", "volume", "vwap", "trades");
    size_t i;
    json_t *b;
    json_array_foreach(json_object_get(o, "bars"), i, b)
    {
        static const char *const keys[] = {"open_fen", "high_fen", "low_fen", "close_fen",
                                           "vwap_fen"};
        char m[5][32];
        for (int k = 0; k < 5; k++) {
            json_t *v = json_object_get(b, keys[k]);
            if (json_is_integer(v))
                th_money_format((int64_t)json_integer_value(v), m[k]);
            else
                snprintf(m[k], sizeof m[k], "-");
        }
        th_buf_printf(out, "  %-25s %9s %9s %9s %9s %10lld %9s %7lld\n",
                      json_string_value(json_object_get(b, "start")), m[0], m[1], m[2], m[3],
                      (long long)json_integer_value(json_object_get(b, "volume")), m[4],
                      (long long)json_integer_value(json_object_get(b, "trades")));
    }
    if (json_array_size(json_object_get(o, "bars")) == 0)
        th_buf_puts(out, "  (no trades)\n");
}

int th_cmd_bars(const th_global *g, int argc, char **argv)
{
    static const th_optspec spec[] = {{"interval", true, false}, {"json", false, false}};
    th_err e;
    th_opts op;
    if (th_opts_parse(&op, spec, 2, argc, argv, "bars", &e))
        return th_cli_fail(&e);
    if (op.npos != 1) {
        th_fail(&e, TH_EUSAGE, "bars: give one INSTRUMENT and --interval 1m|1h|1d");
        return th_cli_fail(&e);
    }
    const char *interval = th_opt(&op, "interval") ? th_opt(&op, "interval") : "1d";
    th_db *db;
    if (th_db_open(g->db, TH_DB_READ, &db, &e))
        return th_cli_fail(&e);
    th_buf json, out;
    th_buf_init(&json);
    th_buf_init(&out);
    int status = th_bars_json(db, op.pos[0], interval, &json, &e) ? th_cli_fail(&e) : 0;
    if (status == 0) {
        if (th_opt_flag(&op, "json")) {
            th_buf_put(&out, json.p, json.len);
            th_buf_putc(&out, '\n');
        } else {
            th_cli_json_lines(&json, &out, bars_lines);
        }
        status = th_cli_write(stdout, &out, &e) ? th_cli_fail(&e) : 0;
    }
    th_buf_free(&json);
    th_buf_free(&out);
    th_db_close(db);
    return status;
}
