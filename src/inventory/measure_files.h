/* measure_files.h — a whole measurement from two inventory files on disk.
 *
 * The two files are read (mapped, hashed, decoded, parsed, their stocks computed) on two threads
 * at once, then joined and summed (carbon/measure.h). Every bad row of both files is collected.
 * Without skip_invalid any bad row fails the measurement (TH_EINPUT) with all findings in
 * run->errs; with it, bad rows are counted in run->skipped and their parcels left out. */
#ifndef TH_MEASURE_FILES_H
#define TH_MEASURE_FILES_H

#include "carbon/measure.h"
#include "inventory/inventory.h"

typedef struct {
    const char *before_path, *after_path;
    const th_params *params;
    th_encoding encoding;
    th_by by;
    bool area_in_mu;
    bool skip_invalid;
    bool has_before_date, has_after_date;
    bool rings; /* keep the parcels' outlines (carbon/parcel.h) */
    int32_t before_date, after_date;
    th_deductions deductions;
} th_measure_opts;

typedef struct {
    char *name;
    int64_t count;
} th_type_count;

typedef struct {
    th_parcel_set before, after;
    th_input_info in_before, in_after;
    th_rowerrs errs;
    int64_t rows_before, rows_after;
    int64_t skipped;        /* bad rows left out */
    th_type_count *unknown; /* unknown forest types over both files, most frequent first */
    size_t nunknown;
    th_measure m;
} th_measure_run;

void th_measure_opts_default(th_measure_opts *o);
int th_measure_files(const th_measure_opts *o, th_measure_run *run, th_err *e)
    __attribute__((warn_unused_result));
void th_measure_run_free(th_measure_run *run);

#endif
