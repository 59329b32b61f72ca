/* csv.h — an RFC 4180 record tokenizer over a buffer in memory (pure: no I/O).
 *
 * Fields are separated by commas, records by LF or CRLF (a lone CR too). A field may be quoted
 * with '"'; inside quotes, commas and line breaks are data and '""' is one quote. Empty lines are
 * skipped. A field points into the source buffer when it can, or into the tokenizer's scratch
 * space when it held '""' escapes; either way it is valid until the next call.
 *
 * Errors (-1, with rec_line set): a quoted field not closed before the end of the input, or text
 * between a closing quote and the next separator.
 *
 * With th_csv_check_utf8, the tokenizer also checks that the text is valid UTF-8 as it scans it
 * (cheap: the bytes are being looked at anyway) and records the offset of the first invalid byte
 * in bad_utf8 (SIZE_MAX while none); the records are still returned. The check can be limited
 * to some columns: those a reader uses (the others are never decoded, so their bytes cannot
 * matter). */
#ifndef TH_CSV_H
#define TH_CSV_H

#include "base/buf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    const char *p;
    size_t len;
    int quoted;
} th_csv_field;

typedef struct {
    const char *start, *cur, *end;
    long line;       /* line number of the next character (1-based) */
    long rec_line;   /* line on which the last record started */
    th_buf scratch;
    bool check;                /* check UTF-8 */
    const uint8_t *check_cols; /* only in these fields (1 = check), NULL: in all */
    int ncheck_cols;
    size_t bad_utf8; /* offset of the first invalid UTF-8 byte, or SIZE_MAX */
    long bad_utf8_line;
} th_csv;

void th_csv_init(th_csv *c, const char *p, size_t n);
/* Check UTF-8 in fields i with cols[i] != 0 (i < ncols), or in every field when cols is NULL. */
void th_csv_check_utf8(th_csv *c, const uint8_t *cols, int ncols);
void th_csv_free(th_csv *c);
/* Read the next record into fields (at most max are stored; *nfields gets the true count).
 * Returns 1 for a record, 0 at the end, -1 on a syntax error (msg says which). */
int th_csv_next(th_csv *c, th_csv_field *fields, int max, int *nfields, const char **msg);

#endif
