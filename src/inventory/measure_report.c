/* measure_report.c — rendering a measurement. */
#include "inventory/measure_report.h"

#include "base/date.h"
#include "base/json.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static void json_inputs(th_json *j, const char *role, const th_input_info *in)
{
    for (size_t i = 0; i < in->n; i++) {
        th_json_obj_begin(j);
        th_json_key(j, "role");
        th_json_str(j, role);
        th_json_key(j, "path");
        th_json_str(j, in->files[i].path);
        th_json_key(j, "sha256");
        th_json_str(j, in->files[i].sha256);
        th_json_key(j, "format");
        th_json_str(j, in->format ? in->format : "");
        if (in->format && strcmp(in->format, "csv") == 0) {
            th_json_key(j, "encoding");
            th_json_str(j, th_encoding_name(in->encoding));
        }
        th_json_obj_end(j);
    }
}

static double pct(int64_t scaled) { return (double)scaled / (double)TH_PCT_SCALE; }

static const char *group_label(const th_measure_opts *o, const char *key)
{
    if (o->by != TH_BY_FOREST_TYPE)
        return NULL;
    int t = th_params_lookup(o->params, key, strlen(key));
    return t >= 0 ? th_params_type(o->params, t)->name_zh : NULL;
}

void th_measure_json(const th_measure_run *run, const th_measure_opts *o,
                     const th_params_info *pi, th_buf *out)
{
    const th_measure *m = &run->m;
    const th_credits *c = &m->credits;
    th_json j;
    th_json_init(&j, out);
    char d1[11], d2[11];
    th_date_format(m->period_start, d1);
    th_date_format(m->period_end, d2);
    th_json_obj_begin(&j);
#define KI(k, v) (th_json_key(&j, k), th_json_int(&j, (int64_t)(v)))
#define KD(k, v) (th_json_key(&j, k), th_json_double(&j, v))
#define KS(k, v) (th_json_key(&j, k), th_json_str(&j, v))
    KI("parcels", m->parcels);
    KI("matched", m->matched);
    KI("before_only", m->before_only);
    KI("after_only", m->after_only);
    KI("rows_before", run->rows_before);
    KI("rows_after", run->rows_after);
    KS("period_start", d1);
    KS("period_end", d2);
    KD("years", m->years);
    KS("area_unit", o->area_in_mu ? "mu" : "ha");
    KD("area_ha", m->area_ha);
    KD("stock_before_tco2e", m->stock_before_tco2e);
    KD("stock_after_tco2e", m->stock_after_tco2e);
    KD("change_tco2e", m->change_tco2e);
    KD("annual_tco2e", m->annual_tco2e);
    KD("baseline_tco2e", m->deductions.baseline_tco2e);
    KD("leakage_pct", m->deductions.leakage_pct);
    KD("leakage_tco2e", c->leakage_tco2e);
    KD("uncertainty_pct", m->deductions.uncertainty_pct);
    KD("uncertainty_share", c->uncertainty_share);
    KD("uncertainty_deduction_tco2e", c->uncertainty_deduction_tco2e);
    KD("net_tco2e", c->net_tco2e);
    KD("buffer_pct", pct(m->deductions.buffer_pct_scaled));
    KI("credits_total", c->credits_total);
    KI("buffer_credits", c->buffer_credits);
    KI("owner_credits", c->owner_credits);
    KD("reversal_tco2e", c->reversal_tco2e);
    KS("group_by", th_by_name(m->by));
    th_json_key(&j, "by");
    th_json_arr_begin(&j);
    for (size_t i = 0; i < m->ngroups; i++) {
        const th_measure_group *g = &m->groups[i];
        th_json_obj_begin(&j);
        KS("key", g->key);
        const char *zh = group_label(o, g->key);
        if (zh)
            KS("name_zh", zh);
        KD("area_ha", g->area_ha);
        KD("stock_before_tco2e", g->stock_before_tco2e);
        KD("stock_after_tco2e", g->stock_after_tco2e);
        KD("change_tco2e", g->change_tco2e);
        KI("parcels", g->parcels);
        th_json_obj_end(&j);
    }
    th_json_arr_end(&j);
    KI("skipped", run->skipped);
    KI("excluded", m->excluded);
    KI("errors_total", run->errs.total);
    th_json_key(&j, "errors");
    th_json_arr_begin(&j);
    for (size_t i = 0; i < run->errs.n; i++) {
        const th_rowerr *r = &run->errs.v[i];
        th_json_obj_begin(&j);
        KS("file", r->file);
        KI("line", r->line);
        KS("column", r->column);
        KS("value", r->value);
        KS("message", r->message);
        th_json_obj_end(&j);
    }
    th_json_arr_end(&j);
    th_json_key(&j, "params");
    th_json_obj_begin(&j);
    KS("path", pi->name);
    KS("sha256", pi->sha256);
    th_json_obj_end(&j);
    th_json_key(&j, "inputs");
    th_json_arr_begin(&j);
    json_inputs(&j, "before", &run->in_before);
    json_inputs(&j, "after", &run->in_after);
    th_json_arr_end(&j);
    th_json_obj_end(&j);
#undef KI
#undef KD
#undef KS
}

/* A number with thousands separators and a fixed number of decimals: 1,234,567.890 */
static void fmt_num(char *out, size_t cap, double v, int decimals)
{
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%.*f", decimals, fabs(v));
    char *dot = strchr(tmp, '.');
    size_t intlen = dot ? (size_t)(dot - tmp) : strlen(tmp);
    size_t n = 0;
    if (v < 0 && n + 1 < cap)
        out[n++] = '-';
    for (size_t i = 0; i < intlen && n + 2 < cap; i++) {
        if (i && (intlen - i) % 3 == 0)
            out[n++] = ',';
        out[n++] = tmp[i];
    }
    for (const char *p = dot; p && *p && n + 1 < cap; p++)
        out[n++] = *p;
    out[n] = '\0';
}

/* Display width of UTF-8 text: CJK wide characters count two columns. */
static int width(const char *s)
{
    int w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p & 0xC0) == 0x80)
            continue;
        w += *p >= 0xE0 ? 2 : 1;
    }
    return w;
}

static void pad(th_buf *out, const char *s, int cols)
{
    th_buf_puts(out, s);
    for (int w = width(s); w < cols; w++)
        th_buf_putc(out, ' ');
}

/* "  Label (标签)" padded to one column for the values */
static void lab(th_buf *out, const char *label)
{
    th_buf_puts(out, "  ");
    pad(out, label, 28);
}

void th_measure_text(const th_measure_run *run, const th_measure_opts *o,
                     const th_params_info *pi, th_buf *out)
{
    const th_measure *m = &run->m;
    const th_credits *c = &m->credits;
    char a[48], b[48], d[48], d1[11], d2[11];
    th_date_format(m->period_start, d1);
    th_date_format(m->period_end, d2);
    th_buf_printf(out, "Forest carbon measurement  森林碳汇计量\n\n");
    lab(out, "Period (监测期)");
    th_buf_printf(out, "%s to %s (%.2f years)\n", d1, d2, m->years);
    lab(out, "Parcels (小班)");
    th_buf_printf(out, "%lld: %lld in both surveys, %lld before only, "
                       "%lld after only\n",
                  (long long)m->parcels, (long long)m->matched, (long long)m->before_only,
                  (long long)m->after_only);
    fmt_num(a, sizeof a, m->area_ha, 2);
    lab(out, "Area (面积)");
    th_buf_printf(out, "%s ha\n", a);
    fmt_num(a, sizeof a, m->stock_before_tco2e, 3);
    fmt_num(b, sizeof b, m->stock_after_tco2e, 3);
    lab(out, "Stock before (基期碳储量)");
    th_buf_printf(out, "%s tCO2e\n", a);
    lab(out, "Stock after (末期碳储量)");
    th_buf_printf(out, "%s tCO2e\n", b);
    fmt_num(a, sizeof a, m->change_tco2e, 3);
    fmt_num(b, sizeof b, m->annual_tco2e, 3);
    lab(out, "Change (碳储量变化)");
    th_buf_printf(out, "%s tCO2e (%s tCO2e a year)\n\n", a, b);

    th_buf_printf(out, "By %s:\n", th_by_name(m->by));
    int kw = 12;
    for (size_t i = 0; i < m->ngroups; i++) {
        const char *zh = group_label(o, m->groups[i].key);
        int w = width(m->groups[i].key) + (zh && *zh ? width(zh) + 3 : 0);
        if (w > kw)
            kw = w;
    }
    th_buf_puts(out, "  ");
    pad(out, th_by_name(m->by), kw);
    th_buf_printf(out, " %9s %14s %18s %18s %16s\n", "parcels", "area_ha", "before_tco2e",
                  "after_tco2e", "change_tco2e");
    for (size_t i = 0; i < m->ngroups; i++) {
        const th_measure_group *g = &m->groups[i];
        char key[300];
        const char *zh = group_label(o, g->key);
        if (zh && *zh)
            snprintf(key, sizeof key, "%s (%s)", g->key, zh);
        else
            snprintf(key, sizeof key, "%s", g->key[0] ? g->key : "-");
        th_buf_puts(out, "  ");
        pad(out, key, kw);
        fmt_num(a, sizeof a, g->area_ha, 2);
        fmt_num(b, sizeof b, g->stock_before_tco2e, 3);
        fmt_num(d, sizeof d, g->stock_after_tco2e, 3);
        char ch[48];
        fmt_num(ch, sizeof ch, g->change_tco2e, 3);
        th_buf_printf(out, " %9lld %14s %18s %18s %16s\n", (long long)g->parcels, a, b, d, ch);
    }
    th_buf_printf(out, "\nDeductions (扣减):\n");
    fmt_num(a, sizeof a, m->deductions.baseline_tco2e, 3);
    lab(out, "Baseline (基线)");
    th_buf_printf(out, "%s tCO2e\n", a);
    fmt_num(a, sizeof a, c->leakage_tco2e, 3);
    lab(out, "Leakage (泄漏)");
    th_buf_printf(out, "%s tCO2e (%g%%)\n", a, m->deductions.leakage_pct);
    fmt_num(a, sizeof a, c->uncertainty_deduction_tco2e, 3);
    lab(out, "Uncertainty (不确定性)");
    th_buf_printf(out, "%s tCO2e (U = %g%%, share %g)\n", a,
                  m->deductions.uncertainty_pct, c->uncertainty_share);
    fmt_num(a, sizeof a, c->net_tco2e, 3);
    lab(out, "Net removals (净碳汇量)");
    th_buf_printf(out, "%s tCO2e\n\n", a);
    th_buf_printf(out, "Credits (1 credit = 1 tCO2e):\n");
    lab(out, "Total (签发总量)");
    th_buf_printf(out, "%lld\n", (long long)c->credits_total);
    char blab[64];
    snprintf(blab, sizeof blab, "Buffer (缓冲池, %g%%)", pct(m->deductions.buffer_pct_scaled));
    lab(out, blab);
    th_buf_printf(out, "%lld\n", (long long)c->buffer_credits);
    lab(out, "Owner (业主)");
    th_buf_printf(out, "%lld\n", (long long)c->owner_credits);
    if (c->reversal_tco2e > 0) {
        fmt_num(a, sizeof a, c->reversal_tco2e, 3);
        lab(out, "Reversal (逆转)");
        th_buf_printf(out, "%s tCO2e: nothing is issued\n", a);
    }
    if (run->skipped || m->excluded)
        th_buf_printf(out, "\nSkipped %lld bad rows; %lld parcels left out of both surveys.\n",
                      (long long)run->skipped, (long long)m->excluded);
    th_buf_printf(out, "\nParameters: %s (sha256 %s)\n", pi->name, pi->sha256);
    for (int k = 0; k < 2; k++) {
        const th_input_info *in = k ? &run->in_after : &run->in_before;
        for (size_t i = 0; i < in->n; i++)
            th_buf_printf(out, "%s: %s (sha256 %s)\n", k ? "After" : "Before", in->files[i].path,
                          in->files[i].sha256);
    }
}

static void csv_field(th_buf *out, const char *s, size_t n)
{
    bool quote = false;
    for (size_t i = 0; i < n; i++)
        quote |= s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
    if (!quote) {
        th_buf_put(out, s, n);
        return;
    }
    th_buf_putc(out, '"');
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            th_buf_putc(out, '"');
        th_buf_putc(out, s[i]);
    }
    th_buf_putc(out, '"');
}

void th_measure_parcels_csv(const th_measure_run *run, const th_measure_opts *o, th_buf *out)
{
    const th_measure *m = &run->m;
    th_buf_printf(out, "parcel_id,forest_type_before,forest_type_after,%s,"
                       "stock_before_tco2e,stock_after_tco2e,change_tco2e\n",
                  o->by == TH_BY_FOREST_TYPE ? "group" : th_by_name(o->by));
    char n1[40], n2[40], n3[40];
    for (size_t i = 0; i < m->norder; i++) {
        const th_parcel *b = m->order_before[i] >= 0 ? &run->before.v[m->order_before[i]] : NULL;
        const th_parcel *a = m->order_after[i] >= 0 ? &run->after.v[m->order_after[i]] : NULL;
        const th_parcel *latest = a ? a : b;
        double sb = b ? b->stock_tco2e : 0, sa = a ? a->stock_tco2e : 0;
        const char *tb = b ? th_params_type(o->params, b->type)->id : "";
        const char *ta = a ? th_params_type(o->params, a->type)->id : "";
        csv_field(out, latest->key, latest->key_len);
        th_buf_putc(out, ',');
        csv_field(out, tb, strlen(tb));
        th_buf_putc(out, ',');
        csv_field(out, ta, strlen(ta));
        th_buf_putc(out, ',');
        csv_field(out, latest->group, latest->group_len);
        th_fmt_double(n1, sizeof n1, sb);
        th_fmt_double(n2, sizeof n2, sa);
        th_fmt_double(n3, sizeof n3, sa - sb);
        th_buf_printf(out, ",%s,%s,%s\n", n1, n2, n3);
    }
}

void th_rowerrs_text(const th_rowerrs *errs, size_t max, th_buf *out)
{
    size_t shown = errs->n < max ? errs->n : max;
    for (size_t i = 0; i < shown; i++) {
        const th_rowerr *r = &errs->v[i];
        th_buf_printf(out, "%s", r->file);
        if (r->line > 0)
            th_buf_printf(out, ":%ld", r->line);
        th_buf_puts(out, ": ");
        if (r->column[0])
            th_buf_printf(out, "column %s, value '%s': ", r->column, r->value);
        th_buf_printf(out, "%s\n", r->message);
    }
    if (errs->total > shown)
        th_buf_printf(out, "... and %zu more\n", errs->total - shown);
}
