/* row.c — validating a row and computing its parcel's stock. */
#include "inventory/row.h"

#include "base/date.h"
#include "base/json.h"
#include "base/mem.h"
#include "base/num.h"
#include "base/text.h"
#include "carbon/stock.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { UNKNOWN_TYPES_MAX = 1000 };

void th_row_ctx_init(th_row_ctx *c, const th_row_opts *o, th_parcel_set *set, th_rowerrs *errs)
{
    memset(c, 0, sizeof *c);
    c->opts = o;
    c->set = set;
    c->errs = errs;
}

void th_row_ctx_free(th_row_ctx *c)
{
    for (size_t i = 0; i < c->nunknown; i++)
        free(c->unknown[i].name);
    free(c->unknown);
    c->unknown = NULL;
    c->nunknown = c->unknown_cap = 0;
}

void th_row_ctx_reset(th_row_ctx *c)
{
    th_row_ctx_free(c);
    th_parcel_set_clear(c->set);
    size_t limit = c->errs->limit;
    th_rowerrs_free(c->errs);
    th_rowerrs_init(c->errs, limit);
    c->rows = c->bad_rows = 0;
    c->ntcache = 0;
    memset(c->months, 0, sizeof c->months);
}

/* The forest type of a raw cell text, through the small cache. */
static int lookup_type(th_row_ctx *c, const char *s, size_t n)
{
    for (int i = 0; i < c->ntcache; i++)
        if (c->tcache[i].len == n && th_bytes_eq(c->tcache[i].raw, s, n))
            return c->tcache[i].type;
    int t = th_params_lookup(c->opts->params, s, n);
    if (t >= 0 && c->ntcache < 16 && n <= sizeof c->tcache[0].raw) {
        memcpy(c->tcache[c->ntcache].raw, s, n);
        c->tcache[c->ntcache].len = n;
        c->tcache[c->ntcache].type = t;
        c->ntcache++;
    }
    return t;
}

static th_col group_col(th_by by)
{
    switch (by) {
    case TH_BY_OWNER: return TH_COL_OWNER;
    case TH_BY_VILLAGE: return TH_COL_VILLAGE;
    case TH_BY_TOWNSHIP: return TH_COL_TOWNSHIP;
    case TH_BY_COUNTY: return TH_COL_COUNTY;
    case TH_BY_FOREST_TYPE: break;
    }
    return TH_COL_TYPE;
}

static int missing(const char *file, th_col c, const char *why, th_err *e)
{
    char list[160];
    th_col_names_list(c, list, sizeof list);
    return th_fail_at(e, TH_EINPUT, file, 1, th_col_names(c)[0], NULL, 0,
                      "missing column%s: name it one of: %s", why, list);
}

int th_row_setup(th_row_ctx *c, const int col[TH_COL_COUNT], const char *const *names,
                 const char *file, th_err *e)
{
    for (int k = 0; k < TH_COL_COUNT; k++)
        c->colname[k] = col[k] >= 0 ? names[col[k]] : th_col_names((th_col)k)[0];
    if (col[TH_COL_KEY] < 0) {
        for (int k = TH_COL_K_XIAN; k < TH_COL_K_XIAN + TH_COL_KEY_PARTS; k++)
            if (col[k] < 0)
                return th_fail_at(e, TH_EINPUT, file, 1, "parcel_id", NULL, 0,
                                  "missing column: the parcel key needs a parcel_id column, or "
                                  "all of XIAN, XIANG, CUN, LIN_BAN, XIAO_BAN (%s is missing)",
                                  th_col_names((th_col)k)[0]);
        c->key_from_parts = true;
        c->colname[TH_COL_KEY] = "XIAN-XIANG-CUN-LIN_BAN-XIAO_BAN";
    }
    if (col[TH_COL_AREA] < 0)
        return missing(file, TH_COL_AREA, "", e);
    if (col[TH_COL_TYPE] < 0)
        return missing(file, TH_COL_TYPE, "", e);
    if (col[TH_COL_VOLUME] < 0)
        return missing(file, TH_COL_VOLUME, "", e);
    if (col[TH_COL_DATE] < 0 && !c->opts->has_default_date)
        return missing(file, TH_COL_DATE, " (or give the survey date with --before-date / "
                                          "--after-date)", e);
    th_col g = group_col(c->opts->by);
    if (col[g] < 0) {
        char why[80];
        snprintf(why, sizeof why, " for --by %s", th_by_name(c->opts->by));
        return missing(file, g, why, e);
    }
    return 0;
}

bool th_row_reads(const th_row_ctx *c, th_col k)
{
    switch (k) {
    case TH_COL_KEY:
        return !c->key_from_parts;
    case TH_COL_K_XIAN:
    case TH_COL_K_XIANG:
    case TH_COL_K_CUN:
    case TH_COL_K_LIN_BAN:
    case TH_COL_K_XIAO_BAN:
        return c->key_from_parts;
    case TH_COL_DATE:
    case TH_COL_AREA:
    case TH_COL_TYPE:
    case TH_COL_VOLUME:
    case TH_COL_STEMS:
        return true;
    case TH_COL_OWNER:
    case TH_COL_VILLAGE:
    case TH_COL_TOWNSHIP:
    case TH_COL_COUNTY:
        return c->opts->by != TH_BY_FOREST_TYPE && k == group_col(c->opts->by);
    case TH_COL_COUNT:
        break;
    }
    return false;
}

static void note_unknown(th_row_ctx *c, const char *s, size_t n)
{
    th_trim(&s, &n);
    for (size_t i = 0; i < c->nunknown; i++)
        if (strlen(c->unknown[i].name) == n && memcmp(c->unknown[i].name, s, n) == 0) {
            c->unknown[i].count++;
            return;
        }
    if (c->nunknown >= UNKNOWN_TYPES_MAX)
        return;
    th_grow((void **)&c->unknown, &c->unknown_cap, c->nunknown + 1, sizeof *c->unknown);
    c->unknown[c->nunknown].name = th_xstrndup(s, n);
    c->unknown[c->nunknown].count = 1;
    c->nunknown++;
}

/* The text of a cell for messages. */
static const char *cell_text(const th_cell *x, char *tmp, size_t cap, size_t *n)
{
    if (x->is_num) {
        th_fmt_double(tmp, cap, x->num);
        *n = strlen(tmp);
        return tmp;
    }
    if (x->is_date) {
        th_date_format(x->date, tmp);
        *n = 10;
        return tmp;
    }
    *n = x->s ? x->n : 0;
    return x->s ? x->s : "";
}

#define BAD(col, fmt, ...)                                                                    \
    do {                                                                                      \
        char tmp_[40];                                                                        \
        size_t vn_;                                                                           \
        const char *v_ = cell_text(&cells[col], tmp_, sizeof tmp_, &vn_);                     \
        th_rowerrs_add(c->errs, c->set->file, line, c->colname[col], v_, vn_, fmt,          \
                       ##__VA_ARGS__);                                                        \
        bad = true;                                                                           \
    } while (0)

/* A number from a cell; 1 if empty, 0 if parsed, -1 if not a number. */
static int cell_num(const th_cell *x, double *out)
{
    if (x->is_num) {
        *out = x->num;
        return isfinite(x->num) ? 0 : -1;
    }
    if (x->is_null || !x->s)
        return 1;
    const char *s = x->s;
    size_t n = x->n;
    th_trim(&s, &n);
    if (n == 0)
        return 1;
    if (th_parse_double(s, n, out) != 0 || !isfinite(*out))
        return -1;
    return 0;
}

/* A YYYY-MM-DD date. Inventories list many days of few months (a survey campaign), so the
 * start and length of the last four months seen are kept and a date costs a compare and an
 * add; a new month goes through th_date_parse. */
static int parse_date(th_row_ctx *c, const char *s, size_t n, int32_t *out)
{
    if (n == 10 && s[8] >= '0' && s[8] <= '9' && s[9] >= '0' && s[9] <= '9') {
        int d = (s[8] - '0') * 10 + (s[9] - '0');
        for (int i = 0; i < 4; i++)
            if (th_bytes_eq(c->months[i].ym, s, 8) && d >= 1 && d <= c->months[i].days) {
                *out = c->months[i].start + d - 1;
                return 0;
            }
    }
    if (th_date_parse(s, n, out) != 0)
        return -1;
    int y, m, d;
    th_civil_from_days(*out, &y, &m, &d);
    int k = c->next_month;
    c->next_month = (k + 1) % 4;
    memcpy(c->months[k].ym, s, 8);
    c->months[k].start = *out - d + 1;
    c->months[k].days = th_days_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1) -
                        c->months[k].start;
    return 0;
}

void th_row_accept(th_row_ctx *c, th_cell cells[TH_COL_COUNT], long line, bool already_bad)
{
    const th_row_opts *o = c->opts;
    bool bad = already_bad;
    c->rows++;

    /* the key */
    char keybuf[512];
    const char *key = NULL;
    size_t key_len = 0;
    bool key_stable = false;
    if (!c->key_from_parts) {
        const char *s = cells[TH_COL_KEY].s;
        size_t n = cells[TH_COL_KEY].n;
        char tmp[40];
        if (cells[TH_COL_KEY].is_num)
            s = cell_text(&cells[TH_COL_KEY], tmp, sizeof tmp, &n);
        if (s)
            th_trim(&s, &n);
        if (!s || n == 0)
            BAD(TH_COL_KEY, "the parcel key is empty");
        else if (n >= sizeof keybuf)
            BAD(TH_COL_KEY, "the parcel key is longer than %zu bytes", sizeof keybuf - 1);
        else if (cells[TH_COL_KEY].stable && !cells[TH_COL_KEY].is_num) {
            key = s;
            key_len = n;
            key_stable = true;
        } else {
            memcpy(keybuf, s, n);
            key = keybuf;
            key_len = n;
        }
    } else {
        size_t n = 0;
        for (int k = 0; k < TH_COL_KEY_PARTS; k++) {
            th_col col = (th_col)(TH_COL_K_XIAN + k);
            char tmp[40];
            size_t pn;
            const char *p = cell_text(&cells[col], tmp, sizeof tmp, &pn);
            th_trim(&p, &pn);
            if (pn == 0) {
                BAD(col, "this part of the parcel key is empty");
                n = 0;
                break;
            }
            if (n + pn + 1 >= sizeof keybuf) {
                BAD(col, "the parcel key is longer than %zu bytes", sizeof keybuf - 1);
                n = 0;
                break;
            }
            if (k)
                keybuf[n++] = '-';
            memcpy(keybuf + n, p, pn);
            n += pn;
        }
        if (n) {
            key = keybuf;
            key_len = n;
        }
    }

    /* the date */
    int32_t date = 0;
    const th_cell *dc = &cells[TH_COL_DATE];
    if (dc->is_date) {
        date = dc->date;
    } else {
        const char *s = dc->s;
        size_t n = dc->n;
        if (s)
            th_trim(&s, &n);
        if (!dc->present || !s || n == 0 || dc->is_null) {
            if (o->has_default_date)
                date = o->default_date;
            else
                BAD(TH_COL_DATE, "the survey date is empty (give one, or --before-date / "
                                 "--after-date)");
        } else if (parse_date(c, s, n, &date) != 0) {
            BAD(TH_COL_DATE, "not a valid date: write it YYYY-MM-DD");
        }
    }

    /* area */
    double area = 0;
    int r = cell_num(&cells[TH_COL_AREA], &area);
    if (r != 0) {
        BAD(TH_COL_AREA, r > 0 ? "the area is empty" : "the area is not a number");
    } else {
        if (o->area_in_mu)
            area = area / 15.0;
        if (!(area > 0) || area > 10000)
            BAD(TH_COL_AREA, "the area must be > 0 and <= 10000 ha%s",
                o->area_in_mu ? " (150000 mu)" : "");
    }

    /* volume */
    double vol = 0;
    r = cell_num(&cells[TH_COL_VOLUME], &vol);
    if (r != 0)
        BAD(TH_COL_VOLUME, r > 0 ? "the stock volume is empty" : "the stock volume is not a number");
    else if (vol < 0 || vol > 3000)
        BAD(TH_COL_VOLUME, "the stock volume must be >= 0 and <= 3000 m3/ha");

    /* stems (optional) */
    double stems = NAN;
    if (cells[TH_COL_STEMS].present) {
        r = cell_num(&cells[TH_COL_STEMS], &stems);
        if (r > 0)
            stems = NAN;
        else if (r < 0)
            BAD(TH_COL_STEMS, "the stem count is not a number");
        else if (stems < 0 || stems > 1e6)
            BAD(TH_COL_STEMS, "the stem count must be >= 0 and <= 1000000 per ha");
    }

    /* forest type */
    int type = -1;
    {
        char tmp[40];
        size_t tn;
        const char *ts = cell_text(&cells[TH_COL_TYPE], tmp, sizeof tmp, &tn);
        type = lookup_type(c, ts, tn);
        if (type < 0) {
            note_unknown(c, ts, tn);
            BAD(TH_COL_TYPE, "unknown forest type: not in the parameter table");
        } else if (th_params_type(o->params, type)->method == TH_METHOD_STEM && isnan(stems) &&
                   !bad) {
            BAD(TH_COL_STEMS, "forest type '%s' is measured per stem and needs stems_ha",
                th_params_type(o->params, type)->id);
        }
    }

    if (bad)
        c->bad_rows++;
    if (!key)
        return; /* nothing to exclude by: the error above is all */

    th_parcel *p = th_parcel_set_push(c->set);
    p->key = key_stable ? key : th_arena_strndup(&c->set->arena, key, key_len);
    p->key_len = (uint32_t)key_len;
    p->key_hash = th_hash64(key, key_len);
    p->line = line;
    p->bad = bad;
    if (bad)
        return;
    p->date = date;
    p->type = type;
    p->area_ha = area;
    const th_forest_type *t = th_params_type(o->params, type);
    p->stock_tco2e = th_parcel_stock(t, area, vol, stems);
    if (o->by == TH_BY_FOREST_TYPE) {
        p->group = t->id;
        p->group_len = (uint32_t)strlen(t->id);
    } else {
        const th_cell *g = &cells[group_col(o->by)];
        char tmp[40];
        size_t gn;
        const char *gs = cell_text(g, tmp, sizeof tmp, &gn);
        th_trim(&gs, &gn);
        if (gn > UINT32_MAX)
            gn = UINT32_MAX;
        p->group = g->stable && !g->is_num ? gs : th_arena_strndup(&c->set->arena, gs, gn);
        p->group_len = (uint32_t)gn;
    }
}
