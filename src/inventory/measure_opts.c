/* measure_opts.c — a measurement's options from text. See measure_opts.h. */
#include "inventory/measure_opts.h"

#include "base/date.h"
#include "base/num.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *const names[] = {
    "before-date",    "after-date",  "area-unit",       "encoding",  "by",
    "baseline-tco2e", "leakage-pct", "uncertainty-pct", "buffer-pct"};

bool th_measure_opt_known(const char *name)
{
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(name, names[i]) == 0)
            return true;
    return false;
}

static int bad(th_err *e, const char *shown, const char *value, const char *why)
{
    return th_fail_at(e, TH_EUSAGE, NULL, 0, shown, value, strlen(value), "%s", why);
}

static int number(const char *shown, const char *s, double lo, double hi, double *out, th_err *e)
{
    if (th_parse_double(s, strlen(s), out) != 0 || !isfinite(*out) || *out < lo || *out > hi) {
        char why[80];
        snprintf(why, sizeof why, "must be a number from %g to %g", lo, hi);
        return bad(e, shown, s, why);
    }
    return 0;
}

int th_measure_opt_set(th_measure_opts *o, const char *name, const char *shown, const char *s,
                       th_err *e)
{
    th_deductions *d = &o->deductions;
    if (strcmp(name, "before-date") == 0 || strcmp(name, "after-date") == 0) {
        bool before = name[0] == 'b';
        if (th_date_parse(s, strlen(s), before ? &o->before_date : &o->after_date) != 0)
            return bad(e, shown, s, "is not a date YYYY-MM-DD");
        *(before ? &o->has_before_date : &o->has_after_date) = true;
        return 0;
    }
    if (strcmp(name, "area-unit") == 0) {
        if (strcmp(s, "mu") != 0 && strcmp(s, "ha") != 0)
            return bad(e, shown, s, "use ha or mu");
        o->area_in_mu = strcmp(s, "mu") == 0;
        return 0;
    }
    if (strcmp(name, "encoding") == 0)
        return th_encoding_parse(s, &o->encoding) == 0 ? 0 : bad(e, shown, s, "use utf-8 or gbk");
    if (strcmp(name, "by") == 0)
        return th_by_parse(s, &o->by) == 0
                   ? 0
                   : bad(e, shown, s, "use forest_type, owner, village, township or county");
    if (strcmp(name, "baseline-tco2e") == 0)
        return number(shown, s, -1e15, 1e15, &d->baseline_tco2e, e);
    if (strcmp(name, "leakage-pct") == 0)
        return number(shown, s, 0, 100, &d->leakage_pct, e);
    if (strcmp(name, "uncertainty-pct") == 0)
        return number(shown, s, 0, 1000, &d->uncertainty_pct, e);
    if (strcmp(name, "buffer-pct") == 0) {
        int64_t v;
        if (th_parse_fixed(s, strlen(s), 6, &v) != 0 || v < 0 || v > 100 * TH_PCT_SCALE)
            return bad(e, shown, s, "must be from 0 to 100, with at most 6 decimals");
        d->buffer_pct_scaled = v;
        return 0;
    }
    return th_fail_at(e, TH_EUSAGE, NULL, 0, shown, s, strlen(s), "no such option");
}
