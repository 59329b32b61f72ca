/* schedule.c — the trading calendar in the store. See schedule.h. */
#include "exchange/schedule.h"

#include "base/date.h"
#include "base/json.h"
#include "base/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char memo_key[] = "calendar";

int th_calendar_load(th_db *db, th_calendar *c, th_err *e)
{
    size_t len;
    const void *m = th_db_memo_get(db, memo_key, &len);
    if (m && len == sizeof *c) {
        memcpy(c, m, sizeof *c);
        return 0;
    }
    memset(c, 0, sizeof *c);
    sqlite3_stmt *st;
    if (th_db_stmt(db, "SELECT enabled, tz, offset_min, days, pre_open, open, break_from,"
                       " break_to, close FROM calendar WHERE id = 1", &st, e))
        return -1;
    int r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        c->enabled = sqlite3_column_int(st, 0) != 0;
        th_db_column_text(st, 1, c->tz, sizeof c->tz);
        c->offset_min = sqlite3_column_int(st, 2);
        c->days = (unsigned)sqlite3_column_int(st, 3);
        c->pre_open = sqlite3_column_int(st, 4);
        c->open = sqlite3_column_int(st, 5);
        c->break_from = sqlite3_column_int(st, 6);
        c->break_to = sqlite3_column_int(st, 7);
        c->close = sqlite3_column_int(st, 8);
    }
    th_db_done(db, st);
    if (r != SQLITE_ROW)
        return th_db_fail(db, "cannot read the trading calendar", e);
    if (th_db_stmt(db, "SELECT day FROM holidays ORDER BY day", &st, e))
        return -1;
    int rc = 0;
    while (rc == 0 && (r = sqlite3_step(st)) == SQLITE_ROW) {
        const char *d = (const char *)sqlite3_column_text(st, 0);
        int32_t day;
        if (!d || th_date_parse(d, strlen(d), &day) != 0)
            rc = th_fail(e, TH_EINPUT, "the holidays table holds %s, not a date", d ? d : "NULL");
        else
            rc = th_calendar_add_holiday(c, day, e);
    }
    th_db_done(db, st);
    if (rc)
        return -1;
    if (r != SQLITE_DONE)
        return th_db_fail(db, "cannot read the holidays", e);
    if (th_calendar_valid(c, e))
        return -1;
    th_db_memo_put(db, memo_key, c, sizeof *c);
    return 0;
}

static int bad(th_err *e, const char *field, const char *v, const char *why)
{
    return th_fail_at(e, TH_EINPUT, NULL, 0, field, v, strlen(v), "%s", why);
}

static int minutes(const char *field, const char *v, int *out, th_err *e)
{
    if (v && th_calendar_parse_minutes(v, out) != 0)
        return bad(e, field, v, "a time of day is written HH:MM, 00:00 to 24:00");
    return 0;
}

static int date_arg(const char *field, const char *v, int32_t *day, th_err *e)
{
    if (th_date_parse(v, strlen(v), day) != 0)
        return bad(e, field, v, "a holiday is a date written YYYY-MM-DD");
    return 0;
}

/* Apply the change to c, checking every field. */
static int change(th_calendar *c, const th_calendar_change *ch, th_err *e)
{
    if (ch->enabled == 0 || ch->enabled == 1)
        c->enabled = ch->enabled;
    if (ch->tz) {
        int off;
        if (ch->offset) {
            if (th_calendar_parse_offset(ch->offset, &off) != 0)
                return bad(e, "offset", ch->offset, "a UTC offset is written like +08:00");
        } else if (th_calendar_parse_offset(ch->tz, &off) != 0) {
            if (strcmp(ch->tz, "Asia/Shanghai") != 0)
                return bad(e, "tz", ch->tz,
                           "give the zone as a UTC offset like +08:00, or with its offset");
            off = 8 * 60;
        }
        if (strlen(ch->tz) >= sizeof c->tz || ch->tz[0] == '\0')
            return bad(e, "tz", ch->tz, "a time zone's name is 1 to 47 bytes");
        snprintf(c->tz, sizeof c->tz, "%s", ch->tz);
        c->offset_min = off;
    }
    if (ch->days && th_calendar_parse_days(ch->days, &c->days) != 0)
        return bad(e, "days", ch->days,
                   "the trading days are written like mon-fri or mon,wed,fri");
    if (minutes("pre_open", ch->pre_open, &c->pre_open, e) ||
        minutes("open", ch->open, &c->open, e) || minutes("close", ch->close, &c->close, e))
        return -1;
    if (ch->brk) {
        if (strcmp(ch->brk, "none") == 0) {
            c->break_from = c->break_to = 0;
        } else {
            char a[6], b[6];
            if (strlen(ch->brk) != 11 || ch->brk[5] != '-')
                return bad(e, "break", ch->brk, "the break is written HH:MM-HH:MM, or none");
            memcpy(a, ch->brk, 5);
            a[5] = '\0';
            memcpy(b, ch->brk + 6, 5);
            b[5] = '\0';
            if (minutes("break", a, &c->break_from, e) || minutes("break", b, &c->break_to, e))
                return -1;
            if (c->break_from >= c->break_to)
                return bad(e, "break", ch->brk, "the break must end after it begins");
        }
    }
    if (ch->replace)
        c->nholidays = 0;
    for (size_t i = 0; i < ch->nadd; i++) {
        int32_t day;
        if (date_arg("holiday", ch->add[i], &day, e) || th_calendar_add_holiday(c, day, e))
            return -1;
    }
    for (size_t i = 0; i < ch->nremove; i++) {
        int32_t day;
        if (date_arg("not_holiday", ch->remove[i], &day, e))
            return -1;
        th_calendar_remove_holiday(c, day);
    }
    return th_calendar_valid(c, e);
}

static void break_text(const th_calendar *c, char out[12])
{
    if (c->break_from == c->break_to) {
        snprintf(out, 12, "none");
        return;
    }
    char a[6], b[6];
    th_calendar_format_minutes(c->break_from, a);
    th_calendar_format_minutes(c->break_to, b);
    snprintf(out, 12, "%s-%s", a, b);
}

static void offset_text(int off, char out[8])
{
    int a = off < 0 ? -off : off;
    snprintf(out, 8, "%c%02d:%02d", off < 0 ? '-' : '+', (a / 60) % 100, a % 60);
}

void th_calendar_json(const th_calendar *c, th_buf *out)
{
    char days[32], t[6], brk[12], off[8];
    th_json j;
    th_json_init(&j, out);
    th_json_obj_begin(&j);
    th_json_key(&j, "enabled");
    th_json_bool(&j, c->enabled);
    th_json_key(&j, "tz");
    th_json_str(&j, c->tz);
    offset_text(c->offset_min, off);
    th_json_key(&j, "utc_offset");
    th_json_str(&j, off);
    th_calendar_format_days(c->days, days);
    th_json_key(&j, "days");
    th_json_str(&j, days);
    static const char *const names[] = {"pre_open", "open", "close"};
    const int v[] = {c->pre_open, c->open, c->close};
    for (int k = 0; k < 3; k++) {
        th_calendar_format_minutes(v[k], t);
        th_json_key(&j, names[k]);
        th_json_str(&j, t);
    }
    break_text(c, brk);
    th_json_key(&j, "break");
    th_json_str(&j, brk);
    th_json_key(&j, "holidays");
    th_json_arr_begin(&j);
    for (size_t i = 0; i < c->nholidays; i++) {
        char d[11];
        th_date_format(c->holidays[i], d);
        th_json_str(&j, d);
    }
    th_json_arr_end(&j);
    th_json_obj_end(&j);
}

static int save(th_db *db, const th_calendar *c, th_err *e)
{
    sqlite3_stmt *st;
    if (th_db_stmt(db, "UPDATE calendar SET enabled = ?, tz = ?, offset_min = ?, days = ?,"
                       " pre_open = ?, open = ?, break_from = ?, break_to = ?, close = ?"
                       " WHERE id = 1", &st, e))
        return -1;
    sqlite3_bind_int(st, 1, c->enabled);
    sqlite3_bind_text(st, 2, c->tz, -1, SQLITE_STATIC);
    const int v[] = {c->offset_min, (int)c->days, c->pre_open, c->open, c->break_from,
                     c->break_to, c->close};
    for (int k = 0; k < 7; k++)
        sqlite3_bind_int(st, 3 + k, v[k]);
    int r = sqlite3_step(st);
    th_db_done(db, st);
    if (r != SQLITE_DONE || th_db_exec1(db, "DELETE FROM holidays", e))
        return r != SQLITE_DONE ? th_db_fail(db, "cannot set the calendar", e) : -1;
    for (size_t i = 0; i < c->nholidays; i++) {
        char d[11];
        th_date_format(c->holidays[i], d);
        if (th_db_stmt(db, "INSERT INTO holidays (day) VALUES (?)", &st, e))
            return -1;
        sqlite3_bind_text(st, 1, d, -1, SQLITE_TRANSIENT);
        r = sqlite3_step(st);
        th_db_done(db, st);
        if (r != SQLITE_DONE)
            return th_db_fail(db, "cannot record a holiday", e);
    }
    return 0;
}

int th_calendar_set(th_db *db, const th_calendar_change *ch, const char *now, th_buf *out,
                    th_cjson *ev, th_err *e)
{
    (void)now;
    th_calendar c;
    if (th_calendar_load(db, &c, e) || change(&c, ch, e) || save(db, &c, e))
        return -1;
    th_db_memo_clear(db);
    th_calendar_json(&c, out);
    if (ev) {
        char days[32], t[6], brk[12];
        th_cjson_set(ev, "enabled", th_cjson_bool(c.enabled));
        th_cjson_set_str(ev, "tz", c.tz);
        th_cjson_set_int(ev, "offset_min", c.offset_min);
        th_calendar_format_days(c.days, days);
        th_cjson_set_str(ev, "days", days);
        th_calendar_format_minutes(c.pre_open, t);
        th_cjson_set_str(ev, "pre_open", t);
        th_calendar_format_minutes(c.open, t);
        th_cjson_set_str(ev, "open", t);
        th_calendar_format_minutes(c.close, t);
        th_cjson_set_str(ev, "close", t);
        break_text(&c, brk);
        th_cjson_set_str(ev, "break", brk);
        th_cjson *h = th_cjson_array();
        for (size_t i = 0; i < c.nholidays; i++) {
            char d[11];
            th_date_format(c.holidays[i], d);
            th_cjson_push_str(h, d, 10);
        }
        th_cjson_set(ev, "holidays", h);
    }
    return 0;
}

bool th_schedule_follows(const th_calendar *c, const th_instrument *in, int64_t t)
{
    return c->enabled && in->by_calendar && in->calendar_after <= t;
}

/* 1 when the calendar drives in's session at now (c and *t then set), 0 not, -1 an error. */
static int driven(th_db *db, const th_instrument *in, const char *now, th_calendar *c,
                  int64_t *t, th_err *e)
{
    if (!in->by_calendar)
        return 0;
    if (th_calendar_load(db, c, e) || th_clock_parse(now, t, e))
        return -1;
    return th_schedule_follows(c, in, *t);
}

int th_schedule_may_order(th_db *db, const th_instrument *in, const char *now, th_err *e)
{
    th_calendar c;
    int64_t t;
    int k = driven(db, in, now, &c, &t, e);
    if (k <= 0 || th_calendar_phase(&c, t) != TH_PHASE_BREAK)
        return k < 0 ? -1 : 0;
    char to[6];
    th_calendar_format_minutes(c.break_to, to);
    return th_fail_at(e, TH_EINPUT, NULL, 0, "instrument", in->code, strlen(in->code),
                      "%s is in its midday break: orders are taken again from %s (%s)", in->code,
                      to, c.tz);
}

int th_schedule_may_block(th_db *db, const th_instrument *in, int64_t qty, const char *now,
                          th_err *e)
{
    if (qty < in->block_min) {
        char v[24];
        snprintf(v, sizeof v, "%lld", (long long)qty);
        return th_fail_at(e, TH_EINPUT, NULL, 0, "qty", v, strlen(v),
                          "a block trade of %s is at least %lld t", in->code,
                          (long long)in->block_min);
    }
    th_calendar c;
    int64_t t;
    int k = driven(db, in, now, &c, &t, e);
    if (k <= 0 || th_calendar_afternoon(&c, t))
        return k < 0 ? -1 : 0;
    char from[6], to[6];
    th_calendar_format_minutes(c.break_from == c.break_to ? c.open : c.break_to, from);
    th_calendar_format_minutes(c.close, to);
    return th_fail_at(e, TH_EINPUT, NULL, 0, "instrument", in->code, strlen(in->code),
                      "block trades of %s are made in the afternoon session, %s to %s (%s)",
                      in->code, from, to, c.tz);
}

/* What in's session must go through to be where the calendar says at t. */
static size_t steps_for(const th_calendar *c, const th_instrument *in, int64_t t,
                        const char *to[3])
{
    th_phase p = th_calendar_phase(c, t);
    const char *cur = in->session;
    bool closed = strcmp(cur, "closed") == 0, pre = strcmp(cur, "pre_open") == 0;
    bool same_day = th_calendar_day(c, in->session_at) == th_calendar_day(c, t);
    size_t n = 0;
    if (!closed && (!same_day || p == TH_PHASE_CLOSED)) {
        to[n++] = "close";
        closed = true;
        pre = false;
    }
    if (p == TH_PHASE_CLOSED)
        return n;
    if (closed) {
        to[n++] = "preopen";
        pre = true;
    }
    if (pre && (p == TH_PHASE_OPEN || p == TH_PHASE_BREAK))
        to[n++] = "open";
    return n;
}

int th_schedule_due(th_db *db, const char *now, th_session_step **steps, size_t *n, th_err *e)
{
    *steps = NULL;
    *n = 0;
    th_calendar c;
    int64_t t;
    if (th_calendar_load(db, &c, e) || th_clock_parse(now, &t, e))
        return -1;
    if (!c.enabled)
        return 0;
    sqlite3_stmt *st;
    if (th_db_stmt(db, "SELECT id FROM instruments WHERE calendar_after <= ? ORDER BY id", &st,
                   e))
        return -1;
    sqlite3_bind_int64(st, 1, t);
    int64_t *ids = NULL;
    size_t nids = 0, cap = 0;
    int r;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        if (nids == cap) {
            cap = cap ? 2 * cap : 16;
            ids = th_xrealloc(ids, cap * sizeof *ids);
        }
        ids[nids++] = sqlite3_column_int64(st, 0);
    }
    th_db_done(db, st);
    if (r != SQLITE_DONE) {
        free(ids);
        return th_db_fail(db, "cannot read the instruments", e);
    }
    size_t cap2 = 0;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < nids; i++) {
        th_instrument in;
        if ((rc = th_instrument_get(db, ids[i], &in, e)) != 0)
            break;
        const char *to[3];
        size_t k = steps_for(&c, &in, t, to);
        for (size_t s = 0; s < k; s++) {
            if (*n == cap2) {
                cap2 = cap2 ? 2 * cap2 : 8;
                *steps = th_xrealloc(*steps, cap2 * sizeof **steps);
            }
            (*steps)[(*n)++] = (th_session_step){in.id, to[s]};
        }
    }
    free(ids);
    if (rc) {
        free(*steps);
        *steps = NULL;
        *n = 0;
    }
    return rc;
}

int th_schedule_resume_at(th_db *db, const char *now, int64_t *t, th_err *e)
{
    th_calendar c;
    int64_t at;
    if (th_calendar_load(db, &c, e) || th_clock_parse(now, &at, e))
        return -1;
    *t = th_calendar_next_start(&c, at);
    return 0;
}

int th_sessions_json(th_db *db, const char *now, th_buf *out, th_err *e)
{
    th_calendar c;
    int64_t t;
    if (th_calendar_load(db, &c, e) || th_clock_parse(now, &t, e))
        return -1;
    sqlite3_stmt *st;
    if (th_db_prepare(db, "SELECT id FROM instruments ORDER BY id", &st, e))
        return -1;
    th_json j;
    th_json_init(&j, out);
    th_json_obj_begin(&j);
    th_json_key(&j, "now");
    th_json_str(&j, now);
    th_json_key(&j, "calendar");
    th_json_str(&j, c.enabled ? "on" : "off");
    th_json_key(&j, "calendar_phase");
    th_json_str(&j, th_phase_name(th_calendar_phase(&c, t)));
    th_json_key(&j, "sessions");
    th_json_arr_begin(&j);
    int r, rc = 0;
    while (rc == 0 && (r = sqlite3_step(st)) == SQLITE_ROW) {
        th_instrument in;
        if ((rc = th_instrument_get(db, sqlite3_column_int64(st, 0), &in, e)) != 0)
            break;
        th_json_obj_begin(&j);
        th_json_key(&j, "instrument");
        th_json_str(&j, in.code);
        th_json_key(&j, "session");
        th_json_str(&j, in.session);
        th_json_key(&j, "by");
        th_json_str(&j, th_schedule_follows(&c, &in, t) ? "calendar" : "hand");
        th_json_key(&j, "calendar_from");
        if (in.by_calendar && c.enabled && in.calendar_after < INT64_C(253402300800)) {
            char at[32];
            th_utc_format(in.calendar_after, at);
            th_json_str(&j, at);
        } else {
            th_json_null(&j);
        }
        th_json_obj_end(&j);
    }
    sqlite3_finalize(st);
    if (rc)
        return -1;
    if (r != SQLITE_DONE)
        return th_db_fail(db, "cannot read the instruments", e);
    th_json_arr_end(&j);
    th_json_obj_end(&j);
    return 0;
}
