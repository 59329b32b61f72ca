/* measure_files.c — two readers on two threads, then the join. */
#include "inventory/measure_files.h"

#include "base/mem.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void th_measure_opts_default(th_measure_opts *o)
{
    memset(o, 0, sizeof *o);
    o->encoding = TH_ENC_AUTO;
    o->by = TH_BY_FOREST_TYPE;
    th_deductions_default(&o->deductions);
}

typedef struct {
    const char *path;
    th_encoding enc;
    th_row_opts ropts;
    th_row_ctx ctx;
    th_input_info *info;
    th_rowerrs errs;
    th_err err;
    int rc;
    size_t row_errs; /* findings about single rows, before the index looked across rows */
    bool profile;
} reader_job;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* TANHUI_PROFILE=1 prints the time of each phase on stderr, for the benchmarks. */
static bool profiling(void)
{
    const char *s = getenv("TANHUI_PROFILE");
    return s && *s && strcmp(s, "0") != 0;
}

static void phase(bool on, const char *what, double since)
{
    if (on)
        fprintf(stderr, "tanhui: profile: %-28s %.3f s\n", what, now() - since);
}

static void *reader_main(void *arg)
{
    reader_job *j = arg;
    double t = now();
    th_err_clear(&j->err);
    j->rc = th_inventory_read(j->path, j->enc, &j->ctx, j->info, &j->err);
    phase(j->profile, j->path, t);
    j->row_errs = j->errs.total;
    if (j->rc == 0) {
        t = now();
        th_measure_index(j->ctx.set, &j->errs); /* on this thread, while the other reads */
        phase(j->profile, "index", t);
    }
    return NULL;
}

typedef struct {
    const th_parcel_set *before;
    th_parcel_set *after;
    size_t lo, hi;
} probe_job;

static void *probe_main(void *arg)
{
    probe_job *p = arg;
    th_measure_probe(p->before, p->after, p->lo, p->hi);
    return NULL;
}

static int count_cmp(const void *x, const void *y)
{
    const th_type_count *a = x, *b = y;
    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    return strcmp(a->name, b->name);
}

static void merge_unknown(th_measure_run *run, const th_row_ctx *c)
{
    for (size_t i = 0; i < c->nunknown; i++) {
        size_t k;
        for (k = 0; k < run->nunknown; k++)
            if (strcmp(run->unknown[k].name, c->unknown[i].name) == 0)
                break;
        if (k == run->nunknown) {
            run->unknown = th_xrealloc(run->unknown, (run->nunknown + 1) * sizeof *run->unknown);
            run->unknown[k].name = th_xstrdup(c->unknown[i].name);
            run->unknown[k].count = 0;
            run->nunknown++;
        }
        run->unknown[k].count += c->unknown[i].count;
    }
}

int th_measure_files(const th_measure_opts *o, th_measure_run *run, th_err *e)
{
    memset(run, 0, sizeof *run);
    th_parcel_set_init(&run->before, o->before_path);
    th_parcel_set_init(&run->after, o->after_path);
    th_rowerrs_init(&run->errs, TH_ROWERR_LIMIT);

    const bool prof = profiling();
    reader_job job[2];
    memset(job, 0, sizeof job);
    for (int k = 0; k < 2; k++) {
        reader_job *j = &job[k];
        j->path = k ? o->after_path : o->before_path;
        j->profile = prof;
        j->enc = o->encoding;
        j->info = k ? &run->in_after : &run->in_before;
        j->ropts.params = o->params;
        j->ropts.by = o->by;
        j->ropts.area_in_mu = o->area_in_mu;
        j->ropts.rings = o->rings;
        j->ropts.has_default_date = k ? o->has_after_date : o->has_before_date;
        j->ropts.default_date = k ? o->after_date : o->before_date;
        th_rowerrs_init(&j->errs, TH_ROWERR_LIMIT);
        th_row_ctx_init(&j->ctx, &j->ropts, k ? &run->after : &run->before, &j->errs);
    }
    double t0 = now();
    pthread_t tid;
    bool threaded = pthread_create(&tid, NULL, reader_main, &job[1]) == 0;
    reader_main(&job[0]);
    if (threaded)
        pthread_join(tid, NULL);
    else
        reader_main(&job[1]);

    int rc = -1;
    for (int k = 0; k < 2; k++)
        if (job[k].rc != 0) {
            *e = job[k].err;
            goto out;
        }
    run->rows_before = job[0].ctx.rows;
    run->rows_after = job[1].ctx.rows;
    /* a row is skipped once for being bad on its own, once for each finding across rows */
    run->skipped = job[0].ctx.bad_rows + job[1].ctx.bad_rows +
                   (int64_t)(job[0].errs.total - job[0].row_errs) +
                   (int64_t)(job[1].errs.total - job[1].row_errs);
    th_rowerrs_take(&run->errs, &job[0].errs);
    th_rowerrs_take(&run->errs, &job[1].errs);
    merge_unknown(run, &job[0].ctx);
    merge_unknown(run, &job[1].ctx);
    if (run->nunknown > 1)
        qsort(run->unknown, run->nunknown, sizeof *run->unknown, count_cmp);

    phase(prof, "both files read", t0);
    double t1 = now();
    size_t before_link = run->errs.total;
    probe_job pj = {&run->before, &run->after, run->after.n / 2, run->after.n};
    threaded = pthread_create(&tid, NULL, probe_main, &pj) == 0;
    th_measure_probe(&run->before, &run->after, 0, run->after.n / 2);
    if (threaded)
        pthread_join(tid, NULL);
    else
        probe_main(&pj);
    th_measure_link(&run->before, &run->after, &run->errs);
    phase(prof, "join", t1);
    run->skipped += (int64_t)(run->errs.total - before_link);
    th_rowerrs_sort(&run->errs);

    if (run->errs.total > 0 && !o->skip_invalid) {
        if (run->nunknown > 0) {
            char list[1200];
            size_t n = 0;
            for (size_t i = 0; i < run->nunknown && n < sizeof list - 40; i++) {
                int w = snprintf(list + n, sizeof list - n, "%s'%s' (%lld rows)", i ? ", " : "",
                                 run->unknown[i].name, (long long)run->unknown[i].count);
                if (w > 0)
                    n += (size_t)w;
            }
            /* GBK text of a few Chinese characters can also be valid UTF-8, and then reads as
             * Latin letters (杉木 as ɼľ): say so when an unknown name looks like that */
            bool latin = false;
            for (size_t i = 0; i < run->nunknown; i++)
                for (const unsigned char *u = (const unsigned char *)run->unknown[i].name; *u; u++)
                    latin |= *u >= 0xC2 && *u <= 0xDF;
            th_fail(e, TH_EINPUT,
                    "%zu bad rows; unknown forest types: %s%s. Add them to a parameter table "
                    "(--params) or correct the inventory%s", run->errs.total, list,
                    n >= sizeof list - 40 ? ", ..." : "",
                    latin ? " (if the file is in GBK, say so with --encoding gbk)" : "");
        } else {
            th_fail(e, TH_EINPUT, "%zu bad rows: nothing was measured (use --skip-invalid to "
                                  "leave them out)", run->errs.total);
        }
        goto out;
    }
    t1 = now();
    rc = th_measure_compute(&run->before, &run->after, o->by, &o->deductions, &run->m, e);
    phase(prof, "sums", t1);
out:
    for (int k = 0; k < 2; k++) {
        th_row_ctx_free(&job[k].ctx);
        th_rowerrs_free(&job[k].errs);
    }
    return rc;
}

void th_measure_run_free(th_measure_run *run)
{
    th_parcel_set_free(&run->before);
    th_parcel_set_free(&run->after);
    th_input_info_free(&run->in_before);
    th_input_info_free(&run->in_after);
    th_rowerrs_free(&run->errs);
    for (size_t i = 0; i < run->nunknown; i++)
        free(run->unknown[i].name);
    free(run->unknown);
    th_measure_free(&run->m);
    memset(run, 0, sizeof *run);
}
