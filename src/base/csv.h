/* csv.h — an RFC 4180 record tokenizer over a buffer in memory (pure: no I/O).
 *
 * Fields are separated by commas, records by LF or CRLF (a lone CR too). A field may be quoted
 * with '"'; inside quotes, commas and line breaks are data and '""' is one quote. Empty lines are
 * skipped. A field points into the source buffer when it can, or into the tokenizer's scratch
 * space when it held '""' escapes; either way it is valid until the next call.
 *
 * Errors (returned as -1 with the line in *err_line): a quoted field not closed before the end of
 * the input, or text between a closing quote and the next separator. */
#ifndef TH_CSV_H
#define TH_CSV_H

#include "base/buf.h"

#include <stddef.h>

typedef struct {
    const char *p;
    size_t len;
    int quoted;
} th_csv_field;

typedef struct {
    const char *cur, *end;
    long line;       /* line number of the next character (1-based) */
    long rec_line;   /* line on which the last record started */
    th_buf scratch;
} th_csv;

void th_csv_init(th_csv *c, const char *p, size_t n);
void th_csv_free(th_csv *c);
/* Read the next record into fields (at most max are stored; *nfields gets the true count).
 * Returns 1 for a record, 0 at the end, -1 on a syntax error (msg says which). */
int th_csv_next(th_csv *c, th_csv_field *fields, int max, int *nfields, const char **msg);

#endif
