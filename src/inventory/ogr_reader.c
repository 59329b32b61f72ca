/* ogr_reader.c — reading inventory attributes through the OGR C API. */
#include "inventory/ogr_reader.h"

#include "base/buf.h"
#include "base/date.h"
#include "base/mem.h"
#include "base/text.h"

#include "inventory/gdal_api.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static bool ends_with_ci(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && th_eq_nocase(s + n - m, m, suffix, m);
}

/* The dBase file of a shapefile path (.shp or .dbf), or NULL; malloc'd. */
static char *dbf_of(const char *path)
{
    if (!ends_with_ci(path, ".shp") && !ends_with_ci(path, ".dbf"))
        return NULL;
    char *p = th_xstrdup(path);
    memcpy(p + strlen(p) - 4, ".dbf", 4);
    return p;
}

static bool sidecar_exists(const char *path, const char *ext_lower, const char *ext_upper)
{
    size_t n = strlen(path);
    char *p = th_xstrdup(path);
    struct stat st;
    memcpy(p + n - 4, ext_lower, 4);
    bool found = stat(p, &st) == 0;
    if (!found) {
        memcpy(p + n - 4, ext_upper, 4);
        found = stat(p, &st) == 0;
    }
    free(p);
    return found;
}

/* The encoding to open a shapefile with when nothing names one (no .cpg, no language driver id
 * in the dBase header): UTF-8 when all its text is valid UTF-8, else GBK. The whole file is
 * looked at, because a few Chinese characters in GBK can be valid UTF-8 by chance (杉木 is).
 * NULL: leave it to GDAL (it has a .cpg or a language driver id, or is not a shapefile). */
static const char *shapefile_encoding(const char *path)
{
    char *dbf = dbf_of(path);
    if (!dbf)
        return NULL;
    const char *enc = NULL;
    if (!sidecar_exists(path, ".cpg", ".CPG")) {
        FILE *f = fopen(dbf, "rb");
        th_buf b;
        th_buf_init(&b);
        char chunk[65536];
        size_t n;
        while (f && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
            th_buf_put(&b, chunk, n);
        if (f)
            fclose(f);
        if (b.len >= 32 && b.p[29] == 0) { /* no language driver id */
            size_t header = (size_t)(unsigned char)b.p[8] | (size_t)(unsigned char)b.p[9] << 8;
            if (header < b.len)
                enc = th_utf8_valid(b.p + header, b.len - header) ? "ENCODING=UTF-8"
                                                                   : "ENCODING=CP936";
        }
        th_buf_free(&b);
    }
    free(dbf);
    return enc;
}

enum { RING_MAX = 64 };

/* The parcel's outline for the map: the exterior ring of its polygon (the first polygon of a
 * multipolygon), at most RING_MAX points, evenly taken. */
static void keep_ring(th_parcel_set *set, OGRGeometryH g)
{
    if (!g)
        return;
    OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
    if (t == wkbMultiPolygon && OGR_G_GetGeometryCount(g) > 0) {
        g = OGR_G_GetGeometryRef(g, 0);
        t = wkbFlatten(OGR_G_GetGeometryType(g));
    }
    if (t != wkbPolygon || OGR_G_GetGeometryCount(g) < 1)
        return;
    OGRGeometryH ring = OGR_G_GetGeometryRef(g, 0);
    int n = OGR_G_GetPointCount(ring);
    if (n < 3)
        return;
    double xy[2 * RING_MAX];
    int k = n < RING_MAX ? n : RING_MAX;
    for (int i = 0; i < k; i++) {
        int at = (int)((int64_t)i * (n - 1) / (k - 1)); /* the first and the last kept */
        xy[2 * i] = OGR_G_GetX(ring, at);
        xy[2 * i + 1] = OGR_G_GetY(ring, at);
    }
    th_parcel_set_ring(set, xy, (size_t)k);
}

int th_ogr_read(const char *path, th_encoding enc, th_row_ctx *ctx, const char **driver,
                th_err *e)
{
    if (th_gdal_load(e) != 0)
        return -1;
    const char *file = ctx->set->file;
    const char *opts[2] = {NULL, NULL};
    if (enc == TH_ENC_GBK)
        opts[0] = "ENCODING=CP936";
    else if (enc == TH_ENC_UTF8)
        opts[0] = "ENCODING=UTF-8";
    else
        opts[0] = shapefile_encoding(path);
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL,
                                 opts[0] ? opts : NULL, NULL);
    if (!ds) {
        const char *why = CPLGetLastErrorMsg();
        return th_fail_at(e, TH_EINPUT, file, 0, NULL, NULL, 0,
                          "cannot read this file as CSV or as a GIS dataset%s%s",
                          why && *why ? ": " : "", why ? why : "");
    }
    GDALDriverH drv = GDALGetDatasetDriver(ds);
    *driver = drv ? GDALGetDriverShortName(drv) : "gdal";
    int rc = -1;
    char **hdr = NULL;
    size_t *lens = NULL;
    int nfields = 0;
    th_buf strs[TH_COL_COUNT];
    for (int k = 0; k < TH_COL_COUNT; k++)
        th_buf_init(&strs[k]);
    if (GDALDatasetGetLayerCount(ds) < 1) {
        th_fail_at(e, TH_EINPUT, file, 0, NULL, NULL, 0, "the dataset has no layer");
        goto out;
    }
    OGRLayerH layer = GDALDatasetGetLayer(ds, 0);
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    nfields = OGR_FD_GetFieldCount(defn);
    hdr = th_xcalloc((size_t)(nfields ? nfields : 1), sizeof *hdr);
    lens = th_xcalloc((size_t)(nfields ? nfields : 1), sizeof *lens);
    for (int i = 0; i < nfields; i++) {
        hdr[i] = th_xstrdup(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i)));
        lens[i] = strlen(hdr[i]);
    }
    int col[TH_COL_COUNT];
    th_col_map((const char *const *)hdr, lens, nfields, col);
    if (th_row_setup(ctx, col, (const char *const *)hdr, file, e) != 0)
        goto out;
    /* skip what we do not need: geometry and unused attributes */
    {
        const char **ignored = th_xcalloc((size_t)nfields + 3, sizeof *ignored);
        int ni = 0;
        for (int i = 0; i < nfields; i++) {
            bool needed = false;
            for (int k = 0; k < TH_COL_COUNT; k++)
                needed |= col[k] == i && th_row_reads(ctx, (th_col)k);
            if (!needed)
                ignored[ni++] = hdr[i];
        }
        if (!ctx->opts->rings)
            ignored[ni++] = "OGR_GEOMETRY";
        ignored[ni++] = "OGR_STYLE";
        OGR_L_SetIgnoredFields(layer, ignored);
        free(ignored);
    }
    OGRFieldType ftype[TH_COL_COUNT];
    th_cell cells[TH_COL_COUNT];
    memset(cells, 0, sizeof cells);
    for (int k = 0; k < TH_COL_COUNT; k++)
        if (col[k] >= 0) {
            cells[k].present = true;
            ftype[k] = OGR_Fld_GetType(OGR_FD_GetFieldDefn(defn, col[k]));
        }
    /* shapefile records are numbered from 1 (dBase), other formats keep their feature ids */
    long fid_base = strcmp(*driver, "ESRI Shapefile") == 0 ? 1 : 0;
    OGR_L_ResetReading(layer);
    OGRFeatureH feat;
    while ((feat = OGR_L_GetNextFeature(layer)) != NULL) {
        long line = (long)OGR_F_GetFID(feat) + fid_base;
        bool bad = false;
        for (int k = 0; k < TH_COL_COUNT; k++) {
            if (col[k] < 0 || !th_row_reads(ctx, (th_col)k))
                continue;
            th_cell *x = &cells[k];
            int i = col[k];
            x->is_num = x->is_date = x->is_null = false;
            x->s = NULL;
            x->n = 0;
            if (!OGR_F_IsFieldSetAndNotNull(feat, i)) {
                x->is_null = true;
                continue;
            }
            switch (ftype[k]) {
            case OFTInteger:
            case OFTInteger64:
            case OFTReal:
                x->is_num = true;
                x->num = OGR_F_GetFieldAsDouble(feat, i);
                break;
            case OFTDate:
            case OFTDateTime: {
                int y, m, d, hh, mm, tz;
                float ss;
                if (OGR_F_GetFieldAsDateTimeEx(feat, i, &y, &m, &d, &hh, &mm, &ss, &tz)) {
                    x->is_date = true;
                    x->date = th_days_from_civil(y, m, d);
                }
                break;
            }
            default: {
                const char *s = OGR_F_GetFieldAsString(feat, i);
                size_t n = strlen(s);
                th_buf_reset(&strs[k]);
                if (!th_utf8_valid(s, n)) {
                    /* GDAL passes bytes through when it cannot recode them */
                    th_rowerrs_add(ctx->errs, file, line, hdr[i], NULL, 0,
                                   "the text is not valid in the file's encoding (try "
                                   "--encoding gbk or utf-8)");
                    bad = true;
                } else {
                    th_buf_put(&strs[k], s, n);
                }
                x->s = strs[k].p ? strs[k].p : "";
                x->n = strs[k].len;
                break;
            }
            }
        }
        size_t had = ctx->set->n;
        th_row_accept(ctx, cells, line, bad);
        if (ctx->opts->rings && ctx->set->n > had)
            keep_ring(ctx->set, OGR_F_GetGeometryRef(feat));
        OGR_F_Destroy(feat);
    }
    rc = 0;
out:
    for (int k = 0; k < TH_COL_COUNT; k++)
        th_buf_free(&strs[k]);
    for (int i = 0; i < nfields; i++)
        free(hdr[i]);
    free(hdr);
    free(lens);
    GDALClose(ds);
    return rc;
}
