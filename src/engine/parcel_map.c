/* parcel_map.c — a project's parcels with their outlines and changes (see parcel_map.h). */
#include "engine/parcel_map.h"

#include "base/json.h"
#include "carbon/params.h"
#include "inventory/inventory.h"
#include "inventory/measure_files.h"
#include "ledger/projects.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

/* The report's inputs (paths) checked against their recorded SHA-256, and the options that
 * decide each parcel's stock (area unit, encodings) read back from its measurement. */
static int inputs(json_t *m, th_measure_opts *o, th_err *e)
{
    json_t *in = json_object_get(m, "inputs"), *x;
    size_t i;
    const char *unit = json_string_value(json_object_get(m, "area_unit"));
    o->area_in_mu = unit && strcmp(unit, "mu") == 0;
    json_array_foreach(in, i, x)
    {
        const char *role = json_string_value(json_object_get(x, "role"));
        const char *path = json_string_value(json_object_get(x, "path"));
        const char *want = json_string_value(json_object_get(x, "sha256"));
        const char *enc = json_string_value(json_object_get(x, "encoding"));
        if (!path || !want)
            continue;
        char got[65];
        if (th_file_sha256(path, got, e))
            return th_fail_at(e, TH_EINPUT, path, 0, NULL, NULL, 0,
                              "the report's inventory file cannot be read again: %s", e->msg);
        if (strcmp(got, want) != 0)
            return th_fail_at(e, TH_EINPUT, path, 0, "sha256", got, strlen(got),
                              "the file is not the one the report measured (%s)", want);
        if (role && strcmp(role, "before") == 0 && !o->before_path)
            o->before_path = path;
        else if (role && strcmp(role, "after") == 0 && !o->after_path)
            o->after_path = path;
        if (enc && role && (strcmp(role, "before") == 0 || strcmp(role, "after") == 0))
            (void)th_encoding_parse(enc, &o->encoding);
    }
    if (!o->before_path || !o->after_path)
        return th_fail(e, TH_EINPUT, "the report does not name its two inventory files");
    return 0;
}

static void parcel(th_json *j, const th_params *params, const th_parcel_set *s, size_t i,
                   double change)
{
    const th_parcel *p = &s->v[i];
    th_json_obj_begin(j);
    th_json_key(j, "key");
    th_json_strn(j, p->key, p->key_len);
    const th_forest_type *t = p->type >= 0 ? th_params_type(params, p->type) : NULL;
    th_json_key(j, "forest_type");
    if (t)
        th_json_str(j, t->id);
    else
        th_json_null(j);
    th_json_key(j, "forest_type_zh");
    if (t && t->name_zh[0])
        th_json_str(j, t->name_zh);
    else
        th_json_null(j);
    th_json_key(j, "change_tco2e");
    th_json_double(j, change);
    th_json_key(j, "area_ha");
    th_json_double(j, p->area_ha);
    size_t n;
    const double *xy = th_parcel_ring(s, i, &n);
    if (xy) {
        th_json_key(j, "ring");
        th_json_arr_begin(j);
        for (size_t k = 0; k < n; k++) {
            th_json_arr_begin(j);
            th_json_double(j, xy[2 * k]);
            th_json_double(j, xy[2 * k + 1]);
            th_json_arr_end(j);
        }
        th_json_arr_end(j);
    }
    th_json_obj_end(j);
}

int th_parcel_map_json(th_db *db, const char *ref, th_buf *out, th_err *e)
{
    th_project p;
    if (th_project_find(db, ref, &p, e))
        return -1;
    sqlite3_stmt *st;
    if (th_db_stmt(db,
                   "SELECT id, result FROM reports WHERE project_id = ? ORDER BY id DESC"
                   " LIMIT 1",
                   &st, e))
        return -1;
    sqlite3_bind_int64(st, 1, p.id);
    int64_t report = 0;
    json_t *m = NULL;
    if (sqlite3_step(st) == SQLITE_ROW) {
        report = sqlite3_column_int64(st, 0);
        m = json_loads((const char *)sqlite3_column_text(st, 1), 0, NULL);
    }
    th_db_done(db, st);
    th_json j;
    th_json_init(&j, out);
    th_json_obj_begin(&j);
    th_json_key(&j, "project");
    th_json_int(&j, p.id);
    th_json_key(&j, "report");
    if (!report) {
        th_json_null(&j);
        th_json_key(&j, "parcels");
        th_json_arr_begin(&j);
        th_json_arr_end(&j);
        th_json_obj_end(&j);
        return 0;
    }
    th_json_int(&j, report);
    th_measure_opts o;
    th_measure_opts_default(&o);
    o.rings = true;
    o.skip_invalid = true; /* the report was measured: bad rows were skipped then, or none */
    th_buf ptext;
    th_buf_init(&ptext);
    th_params *params = NULL;
    th_measure_run run;
    memset(&run, 0, sizeof run);
    int rc = inputs(m, &o, e) || th_project_params(db, p.id, &ptext, e) ||
                     th_params_parse(ptext.p, ptext.len, p.params_name, &params, e)
                 ? -1
                 : 0;
    o.params = params; /* o's paths point into m: kept until the measurement is done */
    bool measured = false;
    if (rc == 0) {
        measured = true;
        rc = th_measure_files(&o, &run, e);
    }
    if (rc == 0) {
        th_json_key(&j, "parcels");
        th_json_arr_begin(&j);
        const th_measure *ms = &run.m;
        for (size_t i = 0; i < ms->norder; i++) {
            int32_t bi = ms->order_before[i], ai = ms->order_after[i];
            double change = (ai >= 0 ? run.after.v[ai].stock_tco2e : 0) -
                            (bi >= 0 ? run.before.v[bi].stock_tco2e : 0);
            /* the latest survey's record, unless only the earlier one has an outline */
            size_t n = 0;
            if (ai >= 0 && (th_parcel_ring(&run.after, (size_t)ai, &n) || bi < 0 ||
                            !th_parcel_ring(&run.before, (size_t)bi, &n)))
                parcel(&j, params, &run.after, (size_t)ai, change);
            else
                parcel(&j, params, &run.before, (size_t)bi, change);
        }
        th_json_arr_end(&j);
        th_json_obj_end(&j);
    }
    if (measured)
        th_measure_run_free(&run);
    json_decref(m);
    th_params_free(params);
    th_buf_free(&ptext);
    return rc;
}
