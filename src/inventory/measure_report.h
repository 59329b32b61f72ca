/* measure_report.h — a measurement as JSON (the machine's form, also what a monitoring report
 * stores), as text for a person, and per parcel as CSV. */
#ifndef TH_MEASURE_REPORT_H
#define TH_MEASURE_REPORT_H

#include "base/buf.h"
#include "inventory/measure_files.h"
#include "inventory/params_file.h"

void th_measure_json(const th_measure_run *run, const th_measure_opts *o,
                     const th_params_info *pi, th_buf *out);
void th_measure_text(const th_measure_run *run, const th_measure_opts *o,
                     const th_params_info *pi, th_buf *out);
/* One row per parcel counted: key, forest type, both stocks, change (and the group). */
void th_measure_parcels_csv(const th_measure_run *run, const th_measure_opts *o, th_buf *out);
/* The findings as lines "file:line: column C, value 'V': message", then a count of the rest. */
void th_rowerrs_text(const th_rowerrs *errs, size_t max, th_buf *out);

#endif
