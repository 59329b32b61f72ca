/* inventory.h — one inventory file from disk: its hash, its format, its rows.
 *
 * CSV (by extension .csv or .txt) takes the fast path: the file is mapped, hashed, decoded to
 * UTF-8 and tokenized. Anything else goes to GDAL/OGR. The SHA-256 recorded is of the bytes on
 * disk; for a shapefile, of each of its files (.shp, .shx, .dbf, .cpg, .prj), since the attributes
 * live in the .dbf. */
#ifndef TH_INVENTORY_H
#define TH_INVENTORY_H

#include "inventory/encoding.h"
#include "inventory/row.h"

#include <stdint.h>

typedef struct {
    char *path;
    char sha256[65];
} th_input_file;

typedef struct {
    th_input_file *files;
    size_t n;
    const char *format;   /* "csv" or GDAL's driver name */
    th_encoding encoding; /* what CSV text was read as (AUTO for GIS formats) */
} th_input_info;

void th_input_info_free(th_input_info *in);
bool th_inventory_is_csv(const char *path);
int th_inventory_read(const char *path, th_encoding enc, th_row_ctx *ctx, th_input_info *info,
                      th_err *e) __attribute__((warn_unused_result));
/* SHA-256 of a whole file, as hex. */
int th_file_sha256(const char *path, char hex[65], th_err *e) __attribute__((warn_unused_result));

#endif
