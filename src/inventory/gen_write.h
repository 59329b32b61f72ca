/* gen_write.h — writing a generated inventory pair as CSV (our column names) or, through
 * GDAL/OGR, as a GeoPackage or shapefile (the inventory's own column names, polygons in
 * EPSG:4490, CGCS2000). */
#ifndef TH_GEN_WRITE_H
#define TH_GEN_WRITE_H

#include "base/err.h"

#include <stdint.h>

typedef enum { TH_GEN_CSV, TH_GEN_GPKG, TH_GEN_SHP, TH_GEN_CSV_GBK } th_gen_format;

typedef struct {
    int64_t before, after, both;
} th_gen_counts;

int th_gen_write(uint64_t seed, int64_t parcels, th_gen_format fmt, const char *before_path,
                 const char *after_path, th_gen_counts *counts, th_err *e)
    __attribute__((warn_unused_result));
/* The same, keeping only the parcels of one county (its Chinese name; NULL: all). */
int th_gen_write_county(uint64_t seed, int64_t parcels, th_gen_format fmt, const char *county,
                        const char *before_path, const char *after_path, th_gen_counts *counts,
                        th_err *e) __attribute__((warn_unused_result));

#endif
