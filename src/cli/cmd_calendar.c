/* cmd_calendar.c — `tanhui calendar show|set`: the exchange's trading calendar. A zone named by
 * the operator is looked up here, in the system's zone database, for its UTC offset: the engine
 * keeps the offset (a calendar in a zone that changes its offset in the year is refused). */
#include "cli/cli.h"
#include "cli/opts.h"

#include "base/mem.h"
#include "exchange/calendar.h"
#include "exchange/schedule.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The fixed UTC offset of the zone `name` ("+08:00"), from the system's zone database. */
static int zone_offset(const char *name, char out[8], th_err *e)
{
    char path[256];
    if (strstr(name, "..") || name[0] == '/' ||
        snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", name) >= (int)sizeof path ||
        access(path, R_OK) != 0)
        return th_fail_at(e, TH_EUSAGE, NULL, 0, "tz", name, strlen(name),
                          "calendar set: no such time zone in /usr/share/zoneinfo; give a zone "
                          "name (like Asia/Shanghai) or a UTC offset (like +08:00)");
    char *was = getenv("TZ") ? th_xstrdup(getenv("TZ")) : NULL;
    setenv("TZ", name, 1);
    tzset();
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    long off[2];
    for (int k = 0; k < 2; k++) { /* mid-January and mid-July of this year */
        struct tm probe = {.tm_year = tm.tm_year, .tm_mon = k ? 6 : 0, .tm_mday = 15,
                           .tm_hour = 12, .tm_isdst = -1};
        time_t t = mktime(&probe);
        struct tm at;
        localtime_r(&t, &at);
        off[k] = at.tm_gmtoff;
    }
    if (was)
        setenv("TZ", was, 1);
    else
        unsetenv("TZ");
    tzset();
    free(was);
    if (off[0] != off[1])
        return th_fail_at(e, TH_EUSAGE, NULL, 0, "tz", name, strlen(name),
                          "calendar set: this zone changes its UTC offset during the year; the "
                          "calendar keeps one offset all year (give it as +HH:MM)");
    long m = off[0] / 60, a = m < 0 ? -m : m;
    snprintf(out, 8, "%c%02ld:%02ld", m < 0 ? '-' : '+', (a / 60) % 100, a % 60);
    return 0;
}

static void calendar_lines(json_t *o, th_buf *out)
{
    const char *brk = json_string_value(json_object_get(o, "break"));
    th_buf_printf(out, "trading calendar: %s\n",
                  json_is_true(json_object_get(o, "enabled")) ? "on (it drives the sessions)"
                                                              : "off (sessions by hand only)");
    th_buf_printf(out, "  zone %s (UTC%s), days %s\n",
                  json_string_value(json_object_get(o, "tz")),
                  json_string_value(json_object_get(o, "utc_offset")),
                  json_string_value(json_object_get(o, "days")));
    th_buf_printf(out, "  pre-open %s, open %s, close %s, midday break %s\n",
                  json_string_value(json_object_get(o, "pre_open")),
                  json_string_value(json_object_get(o, "open")),
                  json_string_value(json_object_get(o, "close")), brk);
    json_t *h = json_object_get(o, "holidays");
    th_buf_printf(out, "  holidays: %s", json_array_size(h) ? "" : "none");
    for (size_t i = 0; i < json_array_size(h); i++)
        th_buf_printf(out, "%s%s", i ? ", " : "", json_string_value(json_array_get(h, i)));
    th_buf_putc(out, '\n');
}

static void calendar_text(const th_buf *json, th_buf *out)
{
    th_cli_json_lines(json, out, calendar_lines);
}

static int show_json(th_db *db, const char *arg, th_buf *out, th_err *e)
{
    (void)arg;
    th_calendar c;
    if (th_calendar_load(db, &c, e))
        return -1;
    th_calendar_json(&c, out);
    return 0;
}

static int show_text(th_db *db, const char *arg, th_buf *out, th_err *e)
{
    return th_cli_as_text(show_json, db, arg, out, e, calendar_lines);
}

static int set(const th_global *g, int argc, char **argv)
{
    th_err e;
    static const th_optspec spec[] = {
        {"on", false, false},       {"off", false, false},      {"tz", true, false},
        {"days", true, false},      {"pre-open", true, false},  {"open", true, false},
        {"break", true, false},     {"close", true, false},     {"holiday", true, true},
        {"not-holiday", true, true}, {"json", false, false},    {"request-id", true, false}};
    th_opts op;
    if (th_opts_parse(&op, spec, 12, argc, argv, "calendar set", &e))
        return th_cli_fail(&e);
    if (op.npos != 0 || (th_opt_flag(&op, "on") && th_opt_flag(&op, "off"))) {
        th_fail(&e, TH_EUSAGE, "calendar set: give options only, and not both --on and --off "
                               "(see tanhui help calendar)");
        return th_cli_fail(&e);
    }
    char offset[8];
    const char *tz = th_opt(&op, "tz");
    int min;
    bool named = tz && th_calendar_parse_offset(tz, &min) != 0 && strcmp(tz, "Asia/Shanghai");
    if (named && zone_offset(tz, offset, &e))
        return th_cli_fail(&e);
    const char **add = th_xcalloc((size_t)argc + 1, sizeof *add);
    const char **rem = th_xcalloc((size_t)argc + 1, sizeof *rem);
    int nadd = th_opt_values(argc, argv, "holiday", add);
    int nrem = th_opt_values(argc, argv, "not-holiday", rem);
    th_cmd c = {.type = TH_CMD_CALENDAR_SET,
                .request_id = th_opt(&op, "request-id"),
                .calendar = {.enabled = th_opt_flag(&op, "on")    ? 1
                                        : th_opt_flag(&op, "off") ? 0
                                                                  : -1,
                             .tz = tz,
                             .offset = named ? offset : NULL,
                             .days = th_opt(&op, "days"),
                             .pre_open = th_opt(&op, "pre-open"),
                             .open = th_opt(&op, "open"),
                             .brk = th_opt(&op, "break"),
                             .close = th_opt(&op, "close"),
                             .add = add,
                             .nadd = (size_t)nadd,
                             .remove = rem,
                             .nremove = (size_t)nrem}};
    int status = th_cli_apply_one(g, TH_DB_WRITE, &c, th_opt_flag(&op, "json"), calendar_text);
    free(add);
    free(rem);
    return status;
}

int th_cmd_calendar(const th_global *g, int argc, char **argv)
{
    if (argc >= 1 && strcmp(argv[0], "show") == 0)
        return th_cli_read(g, argc - 1, argv + 1, "calendar show", NULL, show_json, show_text);
    if (argc >= 1 && strcmp(argv[0], "set") == 0)
        return set(g, argc - 1, argv + 1);
    th_err e;
    th_fail(&e, TH_EUSAGE, "calendar: say show or set (see tanhui help calendar)");
    return th_cli_fail(&e);
}
