/* cmd_bars.c — `tanhui bars INSTRUMENT --interval 1m|1h|1d [--from T] [--to T] [--limit N]`:
 * the market's bars, a page of them. */
#include "cli/cli.h"
#include "cli/opts.h"

#include "base/date.h"
#include "base/num.h"
#include "exchange/bars.h"
#include "exchange/calendar.h"
#include "exchange/cash.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

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
    const char *older = json_string_value(json_object_get(o, "next_to"));
    if (older)
        th_buf_printf(out, "  (older bars: --to %s)\n", older);
}

/* --from or --to: an ISO 8601 time with its zone, as UTC into utc; -1 with e when it is not. */
static int time_opt(const th_opts *op, const char *name, char utc[32], const char **v,
                    th_err *e)
{
    const char *s = th_opt(op, name);
    *v = NULL;
    if (!s)
        return 0;
    int64_t t;
    if (th_time_parse(s, &t) != 0)
        return th_fail_at(e, TH_EUSAGE, NULL, 0, name, s, strlen(s),
                          "bars: --%s is an ISO 8601 time with its zone, like "
                          "2026-11-30T09:30:00+08:00", name);
    th_utc_format(t, utc);
    *v = utc;
    return 0;
}

int th_cmd_bars(const th_global *g, int argc, char **argv)
{
    static const th_optspec spec[] = {{"interval", true, false}, {"from", true, false},
                                      {"to", true, false},       {"limit", true, false},
                                      {"json", false, false}};
    th_err e;
    th_opts op;
    if (th_opts_parse(&op, spec, 5, argc, argv, "bars", &e))
        return th_cli_fail(&e);
    if (op.npos != 1) {
        th_fail(&e, TH_EUSAGE, "bars: give one INSTRUMENT and --interval 1m|1h|1d");
        return th_cli_fail(&e);
    }
    const char *interval = th_opt(&op, "interval") ? th_opt(&op, "interval") : "1d";
    char from[32], to[32];
    th_bars_range rg = {0};
    int64_t limit = 0;
    const char *lim = th_opt(&op, "limit");
    if (time_opt(&op, "from", from, &rg.from, &e) || time_opt(&op, "to", to, &rg.to, &e))
        return th_cli_fail(&e);
    if (lim && th_parse_int64(lim, strlen(lim), 1, TH_BARS_MAX, &limit) != 0) {
        th_fail_at(&e, TH_EUSAGE, NULL, 0, "limit", lim, strlen(lim),
                   "bars: --limit is a whole number from 1 to %d", TH_BARS_MAX);
        return th_cli_fail(&e);
    }
    rg.limit = (int)limit;
    th_db *db;
    if (th_db_open(g->db, TH_DB_READ, &db, &e))
        return th_cli_fail(&e);
    th_buf json, out;
    th_buf_init(&json);
    th_buf_init(&out);
    int status = th_bars_json(db, op.pos[0], interval, &rg, &json, &e) ? th_cli_fail(&e) : 0;
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
