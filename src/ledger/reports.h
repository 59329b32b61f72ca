/* reports.h — monitoring reports (domain: registry.md, "Objects" and "Consecutive monitoring
 * reports").
 *
 * States: submitted -> verified (by a verifier account, never the project's owner) -> issued;
 * or submitted -> rejected (with a reason). A report stores the whole measurement (its JSON,
 * with the SHA-256 of the inputs and of the parameter table) and the survey dates of each of its
 * parcels, so that the rule "no parcel's growth is counted twice" can be checked: no parcel's
 * before date may be earlier than its after date in the project's latest verified (or issued)
 * report. A report that breaks it is refused when it is added, and again when it is verified
 * (another report may have been verified in between), naming the parcels. */
#ifndef TH_REPORTS_H
#define TH_REPORTS_H

#include "base/buf.h"
#include "base/cjson.h"
#include "base/err.h"
#include "store/db.h"
#include "store/page.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct {
    const char *key;
    uint32_t key_len;
    bool has_before, has_after;
    int32_t before_date, after_date; /* day numbers */
} th_report_parcel;

typedef struct {
    const char *project;      /* id, code or name */
    const char *result_json;  /* the measurement, as `tanhui measure --json` prints it */
    const char *period_start, *period_end;
    int vintage;              /* the year the period ends */
    double net_tco2e, reversal_tco2e;
    int64_t credits_total, buffer_credits, owner_credits;
    const th_report_parcel *parcels;
    size_t nparcels;
} th_report_new;

/* A report's row, with what deciding and issuing it need of its project. */
typedef struct {
    int64_t id, project, owner, outstanding_reversal;
    char status[16];
    int vintage;
    int64_t credits_total, owner_credits, buffer_credits;
    double reversal_tco2e;
} th_report_row;

/* The report named by `ref` (its id). */
int th_report_find(th_db *db, const char *ref, th_report_row *r, th_err *e)
    __attribute__((warn_unused_result));

int th_report_add(th_db *db, const th_report_new *r, const char *now, th_buf *out, th_cjson *ev,
                  th_err *e)
    __attribute__((warn_unused_result));
/* verify (true) or reject (false, with a reason) a submitted report. */
int th_report_decide(th_db *db, const char *report, const char *verifier, bool verify,
                     const char *reason, const char *now, th_buf *out, th_cjson *ev,
                     th_err *e)
    __attribute__((warn_unused_result));
/* The report as JSON (without the measurement unless full). */
int th_report_json(th_db *db, int64_t id, bool full, th_buf *out, th_err *e)
    __attribute__((warn_unused_result));
/* {"reports": [...], "next_cursor"}, newest first, without their measurements: a project's
 * (0: every project's), of one status (NULL: any), a page (pg NULL: all). */
int th_report_list_json(th_db *db, int64_t project, const char *status, const th_page *pg,
                        th_buf *out, th_err *e) __attribute__((warn_unused_result));

#endif
