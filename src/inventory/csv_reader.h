/* csv_reader.h — inventory rows from CSV text (UTF-8, after encoding.h). Pure: no I/O. */
#ifndef TH_CSV_READER_H
#define TH_CSV_READER_H

#include "inventory/encoding.h"
#include "inventory/row.h"

/* Read every row of text into ctx's parcel set. Bad rows are findings in ctx->errs, not
 * failures; a failure (-1) is a file that cannot be read as a table at all: no header, a missing
 * column, a quote never closed. */
int th_csv_read(const char *text, size_t n, const char *file, th_row_ctx *ctx, th_err *e)
    __attribute__((warn_unused_result));

/* The whole CSV path from the bytes of a file: a BOM is skipped; UTF-8 is checked while the
 * tokenizer scans (no separate pass); in auto mode, text that turns out not to be UTF-8 is read
 * again as GBK. The parcels' strings point into `data` or into *owned (the GBK text, or NULL):
 * both must outlive ctx's parcel set. *used tells which encoding was read. */
int th_csv_read_bytes(const char *data, size_t n, th_encoding want, const char *file,
                      th_row_ctx *ctx, th_encoding *used, char **owned, th_err *e)
    __attribute__((warn_unused_result));

#endif
