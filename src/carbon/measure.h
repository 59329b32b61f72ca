/* measure.h — the carbon change between two surveys of the same land (pure: no I/O).
 *
 * th_measure_join pairs the parcels of the two surveys by key and finds what is wrong across
 * rows: a key twice in one survey, an after date not later than its before date. Each finding is
 * added to errs and marks the parcels involved bad. th_measure_compute then sums, over every
 * parcel not marked bad in either survey (a parcel bad on one side is left out of both, so that
 * skipping bad rows can never inflate the change):
 *   stock_before, stock_after, change = sum(S_after - S_before), per group and in total,
 * the monitoring period (earliest before date to latest after date), and the credits.
 *
 * Sums are compensated (Neumaier) and taken in a fixed order (the before file's order, then the
 * after-only parcels in the after file's order), so that results are reproducible to the last
 * digit whatever the threads did before. A parcel belongs to the group of its latest record: the
 * after survey's when it has one, else the before survey's. */
#ifndef TH_MEASURE_H
#define TH_MEASURE_H

#include "base/err.h"
#include "base/rowerr.h"
#include "carbon/credits.h"
#include "carbon/params.h"
#include "carbon/parcel.h"

#include <stdint.h>

typedef enum { TH_BY_FOREST_TYPE, TH_BY_OWNER, TH_BY_VILLAGE, TH_BY_TOWNSHIP, TH_BY_COUNTY } th_by;

const char *th_by_name(th_by by);
int th_by_parse(const char *s, th_by *out);

typedef struct {
    char *key;
    double area_ha; /* area of the latest record of each parcel */
    double stock_before_tco2e, stock_after_tco2e, change_tco2e;
    int64_t parcels;
} th_measure_group;

typedef struct {
    int64_t parcels, matched, before_only, after_only, excluded;
    int32_t period_start, period_end;
    double years;
    double area_ha;
    double stock_before_tco2e, stock_after_tco2e, change_tco2e, annual_tco2e;
    th_deductions deductions;
    th_credits credits;
    th_by by;
    th_measure_group *groups; /* sorted by key (bytewise) */
    size_t ngroups;
    /* the parcels counted, in report order: indices into before and after, -1 where absent */
    int32_t *order_before, *order_after;
    size_t norder;
} th_measure;

/* Index one survey by key, finding keys that appear twice (findings added to errs). The join
 * does this itself when it was not done before; a reader may do it on its own thread. */
void th_measure_index(th_parcel_set *s, th_rowerrs *errs);
void th_measure_join(th_parcel_set *before, th_parcel_set *after, th_rowerrs *errs);
/* The join in two steps, so that the first can run on several threads: probe finds the before
 * parcel of after parcels [lo, hi) (indexes built, it writes only those parcels' `match`);
 * link then records the match on the before side and checks the dates. */
void th_measure_probe(const th_parcel_set *before, th_parcel_set *after, size_t lo, size_t hi);
void th_measure_link(th_parcel_set *before, th_parcel_set *after, th_rowerrs *errs);
int th_measure_compute(const th_parcel_set *before, const th_parcel_set *after, th_by by,
                       const th_deductions *d, th_measure *out, th_err *e)
    __attribute__((warn_unused_result));
void th_measure_free(th_measure *m);

/* Compensated summation (Neumaier): the exact rounding error of each addition, found by
 * Knuth's branch-free TwoSum, is summed apart and added back at the end. */
typedef struct {
    double s, c;
} th_ksum;
static inline void th_ksum_add(th_ksum *k, double x)
{
    double t = k->s + x;
    double bp = t - k->s;
    k->c += (k->s - (t - bp)) + (x - bp);
    k->s = t;
}
static inline double th_ksum_value(const th_ksum *k) { return k->s + k->c; }

#endif
