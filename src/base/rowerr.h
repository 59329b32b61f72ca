/* rowerr.h — a list of bad-input findings, each naming file, line, column and value.
 *
 * Inventory files can be wholly wrong (a million bad rows), so a list keeps the first `limit`
 * findings in full and only counts the rest: `total` is always exact. */
#ifndef TH_ROWERR_H
#define TH_ROWERR_H

#include <stddef.h>

typedef struct {
    char *file;
    long line;     /* line, or feature id for GIS files; 0 when not about one row */
    char *column;  /* "" when not about one column */
    char *value;
    char *message;
} th_rowerr;

typedef struct {
    th_rowerr *v;
    size_t n, cap;
    size_t total;
    size_t limit;
} th_rowerrs;

enum { TH_ROWERR_LIMIT = 1000 };

void th_rowerrs_init(th_rowerrs *l, size_t limit);
void th_rowerrs_free(th_rowerrs *l);
void th_rowerrs_add(th_rowerrs *l, const char *file, long line, const char *column,
                    const char *value, size_t value_len, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));
/* Move every entry of src to the end of dst (counts add up); src is left empty. */
void th_rowerrs_take(th_rowerrs *dst, th_rowerrs *src);
/* Order by file, then line (stable), so reports read top to bottom. */
void th_rowerrs_sort(th_rowerrs *l);

#endif
