/* credits.h — from a stock change to credits (docs/measurement.md, "From change to credits").
 *
 * Percentages that decide whole credits (the buffer) are exact decimals scaled by 10^6, so that
 * ceil(credits * pct / 100) is computed in integers and never lands one credit off through binary
 * rounding. The other deductions are doubles, as the methodology's arithmetic is. */
#ifndef TH_CREDITS_H
#define TH_CREDITS_H

#include <stdint.h>

#define TH_PCT_SCALE INT64_C(1000000) /* a percentage p is held as p * TH_PCT_SCALE */

typedef struct {
    double baseline_tco2e;    /* default 0 */
    double leakage_pct;       /* default 0 */
    double uncertainty_pct;   /* U, default 0 */
    int64_t buffer_pct_scaled; /* default 20 * TH_PCT_SCALE */
} th_deductions;

typedef struct {
    double e0;                     /* change - baseline */
    double leakage_tco2e;
    double e1;                     /* e0 - leakage */
    double uncertainty_share;      /* d(U) */
    double uncertainty_deduction_tco2e;
    double net_tco2e;
    double reversal_tco2e;         /* -net when net < 0, else 0 */
    int64_t credits_total, buffer_credits, owner_credits;
} th_credits;

void th_deductions_default(th_deductions *d);
/* d(U) of AR-TOOL14: 0, 0.25, 0.5, 0.75 or 1. */
double th_uncertainty_share(double u_pct);
/* Fails (returns -1) only when net is too large to count in int64 credits. */
int th_credits_compute(double change_tco2e, const th_deductions *d, th_credits *out);

#endif
