/* ogr_reader.c — reading inventory attributes through the OGR C API. */
#include "inventory/ogr_reader.h"

#include "base/buf.h"
#include "base/date.h"
#include "base/mem.h"
#include "base/text.h"

#include "inventory/gdal_api.h"

#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static bool ends_with_ci(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && th_eq_nocase(s + n - m, m, suffix, m);
}

/* A shapefile with no .cpg beside it: GDAL would guess the encoding; we read raw bytes. */
static bool shapefile_without_cpg(const char *path)
{
    if (!ends_with_ci(path, ".shp") && !ends_with_ci(path, ".dbf"))
        return false;
    size_t n = strlen(path);
    char *cpg = th_xmalloc(n + 1);
    memcpy(cpg, path, n - 4);
    memcpy(cpg + n - 4, ".cpg", 5);
    struct stat st;
    bool missing = stat(cpg, &st) != 0;
    if (missing) {
        memcpy(cpg + n - 4, ".CPG", 5);
        missing = stat(cpg, &st) != 0;
    }
    free(cpg);
    return missing;
}

/* Convert one raw string to UTF-8 into buf: as is when valid UTF-8, else from GBK. */
static int raw_to_utf8(iconv_t cd, const char *s, size_t n, th_buf *buf)
{
    th_buf_reset(buf);
    if (th_utf8_valid(s, n)) {
        th_buf_put(buf, s, n);
        return 0;
    }
    th_buf_reserve(buf, n * 2 + 4);
    char *in = (char *)s, *out = buf->p;
    size_t inleft = n, outleft = buf->cap - 1;
    iconv(cd, NULL, NULL, NULL, NULL);
    if (iconv(cd, &in, &inleft, &out, &outleft) == (size_t)-1)
        return -1;
    buf->len = (size_t)(out - buf->p);
    buf->p[buf->len] = '\0';
    return 0;
}

int th_ogr_read(const char *path, th_encoding enc, th_row_ctx *ctx, const char **driver,
                th_err *e)
{
    if (th_gdal_load(e) != 0)
        return -1;
    const char *file = ctx->set->file;
    bool raw = false;
    const char *opts[2] = {NULL, NULL};
    if (enc == TH_ENC_GBK)
        opts[0] = "ENCODING=CP936";
    else if (enc == TH_ENC_UTF8)
        opts[0] = "ENCODING=UTF-8";
    else if (shapefile_without_cpg(path)) {
        opts[0] = "ENCODING=";
        raw = true;
    }
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
    iconv_t cd = (iconv_t)-1;
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
    if (raw && (cd = iconv_open("UTF-8", "GB18030")) == (iconv_t)-1) {
        th_fail(e, TH_EIO, "this system's iconv cannot convert GBK (GB18030) text");
        goto out;
    }
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
                if (raw) {
                    if (raw_to_utf8(cd, s, n, &strs[k]) != 0) {
                        th_rowerrs_add(ctx->errs, file, line, hdr[i], NULL, 0,
                                       "the text is neither UTF-8 nor GBK");
                        bad = true;
                        th_buf_reset(&strs[k]);
                    }
                } else {
                    th_buf_reset(&strs[k]);
                    th_buf_put(&strs[k], s, n);
                }
                x->s = strs[k].p ? strs[k].p : "";
                x->n = strs[k].len;
                break;
            }
            }
        }
        th_row_accept(ctx, cells, line, bad);
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
    if (cd != (iconv_t)-1)
        iconv_close(cd);
    GDALClose(ds);
    return rc;
}
