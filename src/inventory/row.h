/* row.h — turning one inventory row into a parcel, the same way for every file format.
 *
 * A reader maps its header to roles (columns.h), then hands each row's cells to th_row_accept,
 * which checks every rule of docs/measurement.md ("Plausibility limits"), records each problem
 * with file, line, column and value, and appends the parcel (with its stock computed) to the set.
 * A bad row whose key could be read is appended marked bad (see parcel.h). */
#ifndef TH_ROW_H
#define TH_ROW_H

#include "base/err.h"
#include "base/rowerr.h"
#include "carbon/measure.h"
#include "carbon/params.h"
#include "carbon/parcel.h"
#include "inventory/columns.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct {
    const th_params *params;
    th_by by;
    bool area_in_mu;
    bool has_default_date;
    int32_t default_date;
    bool rings; /* keep each parcel's outline (GIS files only): the project map's */
} th_row_opts;

/* One cell: text, or (from typed GIS fields) a number or a date. */
typedef struct {
    const char *s;
    size_t n;
    bool present;   /* the column exists */
    bool stable;    /* s lives as long as the parcel set (it points into kept input text) */
    bool is_num;
    bool is_date;
    bool is_null;
    double num;
    int32_t date;
} th_cell;

typedef struct {
    char *name;
    int64_t count;
} th_unknown_type;

typedef struct {
    const th_row_opts *opts;
    th_parcel_set *set;
    th_rowerrs *errs;
    const char *colname[TH_COL_COUNT]; /* header names as found, for messages */
    bool key_from_parts;
    int64_t rows, bad_rows;
    th_unknown_type *unknown;
    size_t nunknown, unknown_cap;
    /* a few raw forest-type texts already looked up: inventories repeat a dozen names */
    struct {
        char raw[48];
        size_t len;
        int type;
    } tcache[16];
    int ntcache;
    /* the months of the last dates read: "YYYY-MM-", its first day's number, its length */
    struct {
        char ym[8];
        int32_t start;
        int days;
    } months[4];
    int next_month;
} th_row_ctx;

void th_row_ctx_init(th_row_ctx *c, const th_row_opts *o, th_parcel_set *set, th_rowerrs *errs);
void th_row_ctx_free(th_row_ctx *c);
/* Forget the rows read so far (the reader starts again, say in another encoding). */
void th_row_ctx_reset(th_row_ctx *c);

/* Check that the columns needed are there; col[] from th_col_map, names[] the header. */
int th_row_setup(th_row_ctx *c, const int col[TH_COL_COUNT], const char *const *names,
                 const char *file, th_err *e) __attribute__((warn_unused_result));

/* already_bad: the reader found the row wrong as a whole (its field count, say) and has
 * reported it; the row is still read for its key, so that its parcel can be left out. */
/* Whether th_row_accept reads role k (readers need not fill the others). */
bool th_row_reads(const th_row_ctx *c, th_col k);

void th_row_accept(th_row_ctx *c, th_cell cells[TH_COL_COUNT], long line, bool already_bad);

#endif
