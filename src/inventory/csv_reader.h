/* csv_reader.h — inventory rows from CSV text (UTF-8, after encoding.h). Pure: no I/O. */
#ifndef TH_CSV_READER_H
#define TH_CSV_READER_H

#include "inventory/row.h"

/* Read every row of text into ctx's parcel set. Bad rows are findings in ctx->errs, not
 * failures; a failure (-1) is a file that cannot be read as a table at all: no header, a missing
 * column, a quote never closed. */
int th_csv_read(const char *text, size_t n, const char *file, th_row_ctx *ctx, th_err *e)
    __attribute__((warn_unused_result));

#endif
