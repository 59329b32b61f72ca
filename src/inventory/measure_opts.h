/* measure_opts.h — a measurement's options from text, by name: what `tanhui measure` and
 * `report add` take as --options and the API as a report's members. One place checks them, so
 * that the command line and the API refuse the same values with the same words.
 *
 * Names: before-date, after-date (YYYY-MM-DD), area-unit (ha or mu), encoding (utf-8 or gbk),
 * by (forest_type, owner, village, township or county), baseline-tco2e, leakage-pct,
 * uncertainty-pct, buffer-pct. The error names the option as `shown` (e.g. "--leakage-pct" or
 * "leakage_pct") and sets the error's field to it. */
#ifndef TH_MEASURE_OPTS_H
#define TH_MEASURE_OPTS_H

#include "base/err.h"
#include "inventory/measure_files.h"

/* Whether name is one of the options above. */
bool th_measure_opt_known(const char *name);
/* Set option `name` of o from value. */
int th_measure_opt_set(th_measure_opts *o, const char *name, const char *shown, const char *value,
                       th_err *e) __attribute__((warn_unused_result));

#endif
