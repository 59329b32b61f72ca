/* credits.c — deductions, whole credits and the buffer. */
#include "carbon/credits.h"

#include <math.h>

void th_deductions_default(th_deductions *d)
{
    d->baseline_tco2e = 0;
    d->leakage_pct = 0;
    d->uncertainty_pct = 0;
    d->buffer_pct_scaled = 20 * TH_PCT_SCALE;
}

double th_uncertainty_share(double u)
{
    if (u <= 10)
        return 0.0;
    if (u <= 15)
        return 0.25;
    if (u <= 20)
        return 0.5;
    if (u <= 30)
        return 0.75;
    return 1.0;
}

int th_credits_compute(double change, const th_deductions *d, th_credits *c)
{
    c->e0 = change - d->baseline_tco2e;
    c->leakage_tco2e = c->e0 > 0 ? c->e0 * d->leakage_pct / 100.0 : 0.0;
    c->e1 = c->e0 - c->leakage_tco2e;
    c->uncertainty_share = th_uncertainty_share(d->uncertainty_pct);
    c->uncertainty_deduction_tco2e =
        c->e1 > 0 ? c->uncertainty_share * (d->uncertainty_pct / 100.0) * c->e1 : 0.0;
    c->net_tco2e = c->e1 - c->uncertainty_deduction_tco2e;
    c->reversal_tco2e = c->net_tco2e < 0 ? -c->net_tco2e : 0.0;
    c->credits_total = c->buffer_credits = c->owner_credits = 0;
    if (!(c->net_tco2e < 9.0e15))
        return -1; /* includes NaN */
    if (c->net_tco2e >= 1) {
        c->credits_total = (int64_t)floor(c->net_tco2e);
        /* ceil(total * pct / 100) in integers: total * pct_scaled / (100 * SCALE) */
        const int64_t den = 100 * TH_PCT_SCALE;
        /* total < 9e15 and pct_scaled <= 100e6 would overflow int64; split the product */
        int64_t q = c->credits_total / den, r = c->credits_total % den;
        int64_t whole = q * d->buffer_pct_scaled;
        /* r * pct_scaled < 1e8 * 1e8 = 1e16: fits */
        int64_t part = r * d->buffer_pct_scaled;
        c->buffer_credits = whole + part / den + (part % den != 0);
        c->owner_credits = c->credits_total - c->buffer_credits;
    }
    return 0;
}
