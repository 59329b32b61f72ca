/* gen_write.c — writers for generated inventories. CSV files are written to a temporary name
 * and renamed into place; GIS files are written in one transaction per file where the format
 * has them (GeoPackage), and removed again if anything fails. */
#include "inventory/gen_write.h"

#include "base/buf.h"
#include "base/date.h"
#include "base/json.h"
#include "base/mem.h"
#include "inventory/gen.h"

#include <errno.h>
#include "inventory/gdal_api.h"

#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- CSV ---- */

typedef struct {
    FILE *f;
    char *path, *tmp;
    th_buf row;
    iconv_t gbk; /* (iconv_t)-1 for UTF-8 */
} csv_out;

static int csv_open(csv_out *o, const char *path, bool gbk, th_err *e)
{
    memset(o, 0, sizeof *o);
    o->gbk = (iconv_t)-1;
    o->path = th_xstrdup(path);
    size_t n = strlen(path) + 32;
    o->tmp = th_xmalloc(n);
    snprintf(o->tmp, n, "%s.tmp%ld", path, (long)getpid());
    o->f = fopen(o->tmp, "wb");
    if (!o->f)
        return th_fail_at(e, TH_EIO, path, 0, NULL, NULL, 0, "cannot create: %s", strerror(errno));
    if (gbk && (o->gbk = iconv_open("GB18030", "UTF-8")) == (iconv_t)-1)
        return th_fail(e, TH_EIO, "this system's iconv cannot write GBK");
    th_buf_init(&o->row);
    static const char header[] = "parcel_id,survey_date,county,township,village,owner,"
                                 "forest_type,area_ha,volume_m3_ha,age\r\n";
    fputs(header, o->f);
    return 0;
}

static void csv_text(th_buf *b, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        th_buf_puts(b, s);
        return;
    }
    th_buf_putc(b, '"');
    for (; *s; s++) {
        if (*s == '"')
            th_buf_putc(b, '"');
        th_buf_putc(b, *s);
    }
    th_buf_putc(b, '"');
}

static void csv_row(csv_out *o, const th_gen_record *r)
{
    th_buf *b = &o->row;
    char d[11], n1[32], n2[32];
    th_buf_reset(b);
    th_date_format(r->date, d);
    th_fmt_double(n1, sizeof n1, r->area_ha);
    th_fmt_double(n2, sizeof n2, r->volume_m3_ha);
    th_buf_printf(b, "%s,%s,", r->parcel_id, d);
    csv_text(b, r->county);
    th_buf_putc(b, ',');
    csv_text(b, r->township);
    th_buf_putc(b, ',');
    csv_text(b, r->village);
    th_buf_putc(b, ',');
    csv_text(b, r->owner);
    th_buf_putc(b, ',');
    csv_text(b, r->forest_type);
    th_buf_printf(b, ",%s,%s,%d\r\n", n1, n2, r->age);
    if (o->gbk == (iconv_t)-1) {
        fwrite(b->p, 1, b->len, o->f);
        return;
    }
    char out[2048], *in = b->p, *op = out;
    size_t inleft = b->len, outleft = sizeof out;
    iconv(o->gbk, &in, &inleft, &op, &outleft);
    fwrite(out, 1, sizeof out - outleft, o->f);
}

static int csv_close(csv_out *o, bool ok, th_err *e)
{
    int rc = 0;
    if (o->f) {
        if (ok && (fflush(o->f) != 0 || ferror(o->f) || fsync(fileno(o->f)) != 0))
            rc = th_fail_at(e, TH_EIO, o->path, 0, NULL, NULL, 0, "cannot write: %s",
                            strerror(errno));
        if (fclose(o->f) != 0 && ok && rc == 0)
            rc = th_fail_at(e, TH_EIO, o->path, 0, NULL, NULL, 0, "cannot write: %s",
                            strerror(errno));
        if (ok && rc == 0 && rename(o->tmp, o->path) != 0)
            rc = th_fail_at(e, TH_EIO, o->path, 0, NULL, NULL, 0, "cannot rename: %s",
                            strerror(errno));
        if (!ok || rc != 0)
            unlink(o->tmp);
    }
    if (o->gbk != (iconv_t)-1)
        iconv_close(o->gbk);
    th_buf_free(&o->row);
    free(o->path);
    free(o->tmp);
    return ok ? rc : -1;
}

/* ---- GeoPackage / shapefile ---- */

typedef struct {
    GDALDatasetH ds;
    OGRLayerH layer;
    char *path;
    int fld[20];
    bool in_tx;
} gis_out;

enum { F_XIAN, F_XIANG, F_CUN, F_LIN_BAN, F_XIAO_BAN, F_COUNTY, F_TOWNSHIP, F_VILLAGE,
       F_LIN_ZHU, F_DI_LEI, F_QI_YUAN, F_LD_QS, F_YOU_SHI_SZ, F_MIAN_JI, F_HUO_LMGQXJ,
       F_PINGJUN_NL, F_DIAOCHA_RQ, F_COUNT };

static const struct {
    const char *name;
    OGRFieldType type;
    int width;
} gis_fields[F_COUNT] = {
    {"XIAN", OFTString, 6},       {"XIANG", OFTString, 3},     {"CUN", OFTString, 3},
    {"LIN_BAN", OFTString, 3},    {"XIAO_BAN", OFTString, 4},  {"county", OFTString, 40},
    {"township", OFTString, 40},  {"village", OFTString, 40},  {"LIN_ZHU", OFTString, 80},
    {"DI_LEI", OFTString, 6},     {"QI_YUAN", OFTString, 2},   {"LD_QS", OFTString, 2},
    {"YOU_SHI_SZ", OFTString, 24}, {"MIAN_JI", OFTReal, 0},    {"HUO_LMGQXJ", OFTReal, 0},
    {"PINGJUN_NL", OFTInteger, 0}, {"DIAOCHA_RQ", OFTDate, 0},
};

static int gis_fail(gis_out *o, th_err *e, const char *what)
{
    const char *why = CPLGetLastErrorMsg();
    return th_fail_at(e, TH_EIO, o->path, 0, NULL, NULL, 0, "cannot %s%s%s", what,
                      why && *why ? ": " : "", why ? why : "");
}

/* The date GIS files record as their last change: fixed, so that a seed gives the same bytes
 * (GeoPackage and dBase headers would otherwise carry today's date). */
#define GEN_DATE "2024-12-31"

static int gis_open(gis_out *o, const char *path, th_gen_format fmt, th_err *e)
{
    memset(o, 0, sizeof *o);
    o->path = th_xstrdup(path);
    if (th_gdal_load(e) != 0)
        return -1;
    const char *drvname = fmt == TH_GEN_GPKG ? "GPKG" : "ESRI Shapefile";
    GDALDriverH drv = GDALGetDriverByName(drvname);
    if (!drv)
        return th_fail(e, TH_EIO, "this GDAL has no %s driver", drvname);
    if (access(path, F_OK) == 0)
        GDALDeleteDataset(drv, path); /* replace, as a CSV output would be replaced */
    CPLSetConfigOption("OGR_CURRENT_DATE", GEN_DATE "T00:00:00Z");
    o->ds = GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, NULL);
    if (!o->ds)
        return gis_fail(o, e, "create");
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(srs, 4490);
    OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
    const char *lco_shp[] = {"ENCODING=UTF-8", "DBF_DATE_LAST_UPDATE=" GEN_DATE, NULL};
    const char *lco_gpkg[] = {"SPATIAL_INDEX=YES", NULL};
    /* a shapefile's layer is named after its file */
    char lname[256] = "xiaoban";
    if (fmt == TH_GEN_SHP) {
        const char *base = strrchr(path, '/');
        base = base ? base + 1 : path;
        snprintf(lname, sizeof lname, "%.*s", (int)(strlen(base) > 4 ? strlen(base) - 4 : strlen(base)), base);
    }
    o->layer = GDALDatasetCreateLayer(o->ds, lname, srs,
                                      wkbPolygon, (char **)(fmt == TH_GEN_GPKG ? lco_gpkg : lco_shp));
    OSRDestroySpatialReference(srs);
    if (!o->layer)
        return gis_fail(o, e, "create the layer");
    for (int k = 0; k < F_COUNT; k++) {
        OGRFieldDefnH fd = OGR_Fld_Create(gis_fields[k].name, gis_fields[k].type);
        if (gis_fields[k].width)
            OGR_Fld_SetWidth(fd, fmt == TH_GEN_SHP ? gis_fields[k].width * 3 : gis_fields[k].width);
        if (gis_fields[k].type == OFTReal && fmt == TH_GEN_SHP) {
            /* dBase numbers are text: write the decimals the survey has (area 0.01 ha, volume
             * 0.1 m3/ha), so they read back as the very same doubles */
            OGR_Fld_SetWidth(fd, 12);
            OGR_Fld_SetPrecision(fd, k == F_MIAN_JI ? 2 : 1);
        }
        OGRErr err = OGR_L_CreateField(o->layer, fd, TRUE);
        OGR_Fld_Destroy(fd);
        if (err != OGRERR_NONE)
            return gis_fail(o, e, "create a field");
        o->fld[k] = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(o->layer), gis_fields[k].name);
    }
    if (GDALDatasetStartTransaction(o->ds, FALSE) == OGRERR_NONE)
        o->in_tx = true;
    return 0;
}

static int gis_row(gis_out *o, const th_gen_record *r, th_err *e)
{
    OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(o->layer));
    const char *s[F_COUNT] = {r->xian, r->xiang, r->cun, r->lin_ban, r->xiao_ban, r->county,
                              r->township, r->village, r->owner, r->land_class, r->origin,
                              r->land_owner, r->forest_type};
    for (int k = 0; k <= F_YOU_SHI_SZ; k++)
        OGR_F_SetFieldString(f, o->fld[k], s[k]);
    OGR_F_SetFieldDouble(f, o->fld[F_MIAN_JI], r->area_ha);
    OGR_F_SetFieldDouble(f, o->fld[F_HUO_LMGQXJ], r->volume_m3_ha);
    OGR_F_SetFieldInteger(f, o->fld[F_PINGJUN_NL], r->age);
    int y, m, d;
    th_civil_from_days(r->date, &y, &m, &d);
    OGR_F_SetFieldDateTime(f, o->fld[F_DIAOCHA_RQ], y, m, d, 0, 0, 0, 0);
    OGRGeometryH ring = OGR_G_CreateGeometry(wkbLinearRing);
    for (int k = 0; k < 6; k++)
        OGR_G_AddPoint_2D(ring, r->ring[k][0], r->ring[k][1]);
    OGRGeometryH poly = OGR_G_CreateGeometry(wkbPolygon);
    OGR_G_AddGeometryDirectly(poly, ring);
    OGR_F_SetGeometryDirectly(f, poly);
    OGRErr err = OGR_L_CreateFeature(o->layer, f);
    OGR_F_Destroy(f);
    if (err != OGRERR_NONE)
        return gis_fail(o, e, "write a feature");
    return 0;
}

static int gis_close(gis_out *o, bool ok, th_err *e)
{
    int rc = ok ? 0 : -1;
    if (o->ds) {
        if (o->in_tx && ok && GDALDatasetCommitTransaction(o->ds) != OGRERR_NONE)
            rc = gis_fail(o, e, "commit");
        GDALClose(o->ds);
        CPLSetConfigOption("OGR_CURRENT_DATE", NULL);
        if (rc != 0) {
            GDALDriverH drv = GDALIdentifyDriver(o->path, NULL);
            if (drv)
                GDALDeleteDataset(drv, o->path);
            else
                unlink(o->path);
        }
    }
    free(o->path);
    return rc;
}

int th_gen_write(uint64_t seed, int64_t parcels, th_gen_format fmt, const char *before_path,
                 const char *after_path, th_gen_counts *counts, th_err *e)
{
    return th_gen_write_county(seed, parcels, fmt, NULL, before_path, after_path, counts, e);
}

int th_gen_write_county(uint64_t seed, int64_t parcels, th_gen_format fmt, const char *county,
                        const char *before_path, const char *after_path, th_gen_counts *counts,
                        th_err *e)
{
    memset(counts, 0, sizeof *counts);
    if (strcmp(before_path, after_path) == 0)
        return th_fail(e, TH_EUSAGE, "gen-inventory: --before and --after name the same file");
    bool csv = fmt == TH_GEN_CSV || fmt == TH_GEN_CSV_GBK;
    csv_out c[2];
    gis_out gis[2];
    memset(c, 0, sizeof c);
    memset(gis, 0, sizeof gis);
    int rc = 0;
    for (int k = 0; k < 2 && rc == 0; k++)
        rc = csv ? csv_open(&c[k], k ? after_path : before_path, fmt == TH_GEN_CSV_GBK, e)
                 : gis_open(&gis[k], k ? after_path : before_path, fmt, e);
    th_gen *g = th_gen_new(seed, parcels);
    th_gen_record rb, ra;
    bool hb, ha;
    while (rc == 0 && th_gen_next(g, &rb, &hb, &ra, &ha)) {
        if (county && strcmp(hb ? rb.county : ra.county, county) != 0)
            continue;
        if (hb) {
            counts->before++;
            if (csv)
                csv_row(&c[0], &rb);
            else
                rc = gis_row(&gis[0], &rb, e);
        }
        if (ha && rc == 0) {
            counts->after++;
            if (csv)
                csv_row(&c[1], &ra);
            else
                rc = gis_row(&gis[1], &ra, e);
        }
        counts->both += hb && ha;
    }
    th_gen_free(g);
    for (int k = 0; k < 2; k++) {
        th_err e2;
        int r2 = csv ? csv_close(&c[k], rc == 0, rc == 0 ? e : &e2)
                     : gis_close(&gis[k], rc == 0, rc == 0 ? e : &e2);
        if (rc == 0)
            rc = r2;
    }
    return rc;
}
