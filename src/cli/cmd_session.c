/* cmd_session.c — `tanhui session preopen|open|close INSTRUMENT`, `session tick`,
 * `session list`. */
#include "cli/cli.h"
#include "cli/opts.h"

#include "exchange/cash.h"
#include "exchange/schedule.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

static void session_lines(json_t *o, th_buf *out)
{
    const char *state = json_string_value(json_object_get(o, "session"));
    char lo[32], hi[32];
    th_money_format((int64_t)json_integer_value(json_object_get(o, "band_lo_fen")), lo);
    th_money_format((int64_t)json_integer_value(json_object_get(o, "band_hi_fen")), hi);
    th_buf_printf(out, "%s: %s (was %s); reference %s CNY, band %s..%s\n",
                  json_string_value(json_object_get(o, "instrument")),
                  strcmp(state, "pre_open") == 0 ? "pre-open call auction" : state,
                  json_string_value(json_object_get(o, "was")),
                  json_string_value(json_object_get(o, "ref_price")), lo, hi);
    long long n = (long long)json_integer_value(json_object_get(o, "auction_trades"));
    if (strcmp(state, "open") == 0)
        th_buf_printf(out, "  the call auction uncrossed in %lld trades\n", n);
    if (strcmp(state, "closed") == 0) {
        json_t *v = json_object_get(o, "vwap_fen");
        char m[32] = "none";
        if (json_is_integer(v))
            th_money_format((int64_t)json_integer_value(v), m);
        th_buf_printf(out, "  continuous volume %lld, VWAP %s; %lld DAY orders expired\n",
                      (long long)json_integer_value(json_object_get(o, "continuous_qty")), m,
                      (long long)json_integer_value(json_object_get(o, "expired_orders")));
    }
}

static void session_text(const th_buf *json, th_buf *out)
{
    th_cli_json_lines(json, out, session_lines);
}

static void sessions_lines(json_t *o, th_buf *out)
{
    th_buf_printf(out, "%s, calendar %s (it says %s)\n",
                  json_string_value(json_object_get(o, "now")),
                  json_string_value(json_object_get(o, "calendar")),
                  json_string_value(json_object_get(o, "calendar_phase")));
    json_t *list = json_object_get(o, "sessions");
    for (size_t i = 0; i < json_array_size(list); i++) {
        json_t *s = json_array_get(list, i);
        const char *from = json_string_value(json_object_get(s, "calendar_from"));
        const char *by = json_string_value(json_object_get(s, "by"));
        th_buf_printf(out, "  %-16s %-9s by %s",
                      json_string_value(json_object_get(s, "instrument")),
                      json_string_value(json_object_get(s, "session")), by);
        if (from && strcmp(by, "hand") == 0)
            th_buf_printf(out, " (the calendar from %s)", from);
        th_buf_putc(out, '\n');
    }
}

static void sessions_text(const th_buf *json, th_buf *out)
{
    th_cli_json_lines(json, out, sessions_lines);
}

static int sessions_json(th_db *db, const char *arg, th_buf *out, th_err *e)
{
    char now[32];
    if (arg)
        return th_sessions_json(db, arg, out, e);
    return th_cli_now(now, e) ? -1 : th_sessions_json(db, now, out, e);
}

static int sessions_read_text(th_db *db, const char *arg, th_buf *out, th_err *e)
{
    return th_cli_as_text(sessions_json, db, arg, out, e, sessions_lines);
}

int th_cmd_session(const th_global *g, int argc, char **argv)
{
    th_err e;
    if (argc >= 1 && strcmp(argv[0], "list") == 0)
        return th_cli_read(g, argc - 1, argv + 1, "session list", NULL, sessions_json,
                           sessions_read_text);
    if (argc >= 1 && strcmp(argv[0], "tick") == 0) {
        static const th_optspec tick_spec[] = {{"json", false, false}};
        th_opts op;
        if (th_opts_parse(&op, tick_spec, 1, argc - 1, argv + 1, "session tick", &e))
            return th_cli_fail(&e);
        if (op.npos != 0) {
            th_fail(&e, TH_EUSAGE, "session tick takes no argument");
            return th_cli_fail(&e);
        }
        return th_cli_apply_then(g, TH_DB_WRITE, NULL, NULL, th_opt_flag(&op, "json"),
                                 sessions_text, sessions_json);
    }
    static const char *const verbs[] = {"preopen", "open", "close"};
    static const th_cmd_type types[] = {TH_CMD_SESSION_PREOPEN, TH_CMD_SESSION_OPEN,
                                        TH_CMD_SESSION_CLOSE};
    int k = 0;
    while (argc >= 1 && k < 3 && strcmp(argv[0], verbs[k]) != 0)
        k++;
    if (argc < 1 || k == 3) {
        th_fail(&e, TH_EUSAGE, "session: say preopen, open or close and the INSTRUMENT, or tick, "
                               "or list (see tanhui help session)");
        return th_cli_fail(&e);
    }
    static const th_optspec spec[] = {{"json", false, false}, {"request-id", true, false}};
    th_opts op;
    char cmd[32];
    snprintf(cmd, sizeof cmd, "session %s", verbs[k]);
    if (th_opts_parse(&op, spec, 2, argc - 1, argv + 1, cmd, &e))
        return th_cli_fail(&e);
    if (op.npos != 1) {
        th_fail(&e, TH_EUSAGE, "%s: give one INSTRUMENT", cmd);
        return th_cli_fail(&e);
    }
    th_cmd c = {.type = types[k], .request_id = th_opt(&op, "request-id"),
                .instrument_ref = op.pos[0]};
    return th_cli_apply_one(g, TH_DB_WRITE, &c, th_opt_flag(&op, "json"), session_text);
}
