/* report_draft.c — a report from two inventory files. See report_draft.h. */
#include "engine/report_draft.h"

#include "base/date.h"
#include "base/mem.h"
#include "inventory/measure_report.h"
#include "ledger/projects.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void th_report_draft_init(th_report_draft *d)
{
    memset(d, 0, sizeof *d);
    th_buf_init(&d->pi.text);
    th_buf_init(&d->json);
}

int th_report_draft_make(th_db *db, const char *project, th_measure_opts *o, th_report_draft *d,
                         th_report_new *r, th_err *e)
{
    th_project p;
    if (th_project_find(db, project, &p, e) || th_project_params(db, p.id, &d->pi.text, e))
        return -1;
    snprintf(d->pi.name, sizeof d->pi.name, "%s", p.params_name);
    snprintf(d->pi.sha256, sizeof d->pi.sha256, "%s", p.params_sha256);
    if (th_params_parse(d->pi.text.p, d->pi.text.len, d->pi.name, &d->params, e))
        return -1;
    o->params = d->params;
    o->deductions.buffer_pct_scaled = p.buffer_pct_scaled;
    d->measured = true; /* run is to be freed from here on, whatever happens */
    if (th_measure_files(o, &d->run, e) != 0)
        return -1;
    th_measure_json(&d->run, o, &d->pi, &d->json);
    const th_measure *m = &d->run.m;
    d->parcels = th_xcalloc(m->norder ? m->norder : 1, sizeof *d->parcels);
    for (size_t i = 0; i < m->norder; i++) {
        const th_parcel *b =
            m->order_before[i] >= 0 ? &d->run.before.v[m->order_before[i]] : NULL;
        const th_parcel *a = m->order_after[i] >= 0 ? &d->run.after.v[m->order_after[i]] : NULL;
        const th_parcel *k = a ? a : b;
        d->parcels[i] = (th_report_parcel){.key = k->key, .key_len = k->key_len,
                                           .has_before = b != NULL, .has_after = a != NULL,
                                           .before_date = b ? b->date : 0,
                                           .after_date = a ? a->date : 0};
    }
    th_date_format(m->period_start, d->period_start);
    th_date_format(m->period_end, d->period_end);
    int y, mo, dd;
    th_civil_from_days(m->period_end, &y, &mo, &dd);
    *r = (th_report_new){.project = project,
                         .result_json = d->json.p,
                         .period_start = d->period_start,
                         .period_end = d->period_end,
                         .vintage = y,
                         .net_tco2e = m->credits.net_tco2e,
                         .reversal_tco2e = m->credits.reversal_tco2e,
                         .credits_total = m->credits.credits_total,
                         .buffer_credits = m->credits.buffer_credits,
                         .owner_credits = m->credits.owner_credits,
                         .parcels = d->parcels,
                         .nparcels = m->norder};
    return 0;
}

void th_report_draft_free(th_report_draft *d)
{
    free(d->parcels);
    th_buf_free(&d->json);
    if (d->measured)
        th_measure_run_free(&d->run);
    th_params_free(d->params);
    th_buf_free(&d->pi.text);
    memset(d, 0, sizeof *d);
}
