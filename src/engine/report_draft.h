/* report_draft.h — a monitoring report made ready for the engine, from two inventory files: the
 * project's own parameter table and buffer percentage (a report cannot choose its own), the
 * files measured, and the REPORT_ADD command's fields filled in. `tanhui report add` and
 * POST /api/v1/projects/{id}/reports both make their report here.
 *
 * The measurement is the slow part: it runs outside any transaction (db is only read, before
 * it), and the command then goes to the engine (or the server's sequencer) like any other. */
#ifndef TH_REPORT_DRAFT_H
#define TH_REPORT_DRAFT_H

#include "base/buf.h"
#include "base/err.h"
#include "inventory/measure_files.h"
#include "inventory/params_file.h"
#include "ledger/reports.h"
#include "store/db.h"

typedef struct {
    th_measure_run run; /* run.errs holds the bad rows when the measurement failed on them */
    th_params *params;
    th_params_info pi;
    th_buf json;
    th_report_parcel *parcels;
    char period_start[11], period_end[11];
    bool measured;
} th_report_draft;

void th_report_draft_init(th_report_draft *d);
/* Measure o's two files for project (id, code or name) into d and fill r (which points into
 * d: keep d until the command is applied). o's parameter table and buffer are set here, from the
 * project. */
int th_report_draft_make(th_db *db, const char *project, th_measure_opts *o, th_report_draft *d,
                         th_report_new *r, th_err *e) __attribute__((warn_unused_result));
void th_report_draft_free(th_report_draft *d);

#endif
