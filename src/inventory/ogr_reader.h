/* ogr_reader.h — inventory rows from any vector dataset GDAL/OGR reads: GeoPackage, shapefile,
 * GeoJSON, FileGDB... The first layer is read; only its attributes matter for the measurement.
 *
 * Typed fields keep their type (a Real is read as the double it is, a Date as a date), so no
 * precision is lost through text. Shapefile text honours the .cpg file, else the dBase language
 * driver id; with neither (and no --encoding), the whole .dbf is UTF-8 if valid, else GBK. */
#ifndef TH_OGR_READER_H
#define TH_OGR_READER_H

#include "inventory/encoding.h"
#include "inventory/row.h"

/* *driver gets GDAL's short name of the format (a static string). */
int th_ogr_read(const char *path, th_encoding enc, th_row_ctx *ctx, const char **driver,
                th_err *e)
    __attribute__((warn_unused_result));

#endif
