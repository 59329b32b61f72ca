/* csv_reader.c — the CSV fast path: one pass of the tokenizer, cells handed to row.c. */
#include "inventory/csv_reader.h"

#include "base/csv.h"
#include "base/mem.h"

#include <stdlib.h>
#include <string.h>

enum { MAX_COLS = 512 };

int th_csv_read(const char *text, size_t n, const char *file, th_row_ctx *ctx, th_err *e)
{
    th_csv csv;
    th_csv_init(&csv, text, n);
    th_csv_field *f = th_xmalloc(MAX_COLS * sizeof *f);
    char **hdr = NULL;
    size_t *lens = NULL;
    int nf = 0, ncols = 0, rc = -1;
    const char *msg = NULL;
    int r = th_csv_next(&csv, f, MAX_COLS, &nf, &msg);
    if (r == 0) {
        th_fail_at(e, TH_EINPUT, file, 1, NULL, NULL, 0, "the file is empty: no header row");
        goto out;
    }
    if (r < 0) {
        th_fail_at(e, TH_EINPUT, file, csv.rec_line, NULL, NULL, 0, "%s", msg);
        goto out;
    }
    if (nf > MAX_COLS) {
        th_fail_at(e, TH_EINPUT, file, 1, NULL, NULL, 0, "the header has %d columns; at most %d",
                   nf, MAX_COLS);
        goto out;
    }
    ncols = nf;
    hdr = th_xcalloc((size_t)ncols, sizeof *hdr);
    lens = th_xcalloc((size_t)ncols, sizeof *lens);
    for (int i = 0; i < ncols; i++) {
        hdr[i] = th_xstrndup(f[i].p, f[i].len);
        lens[i] = f[i].len;
    }
    int col[TH_COL_COUNT];
    th_col_map((const char *const *)hdr, lens, ncols, col);
    if (th_row_setup(ctx, col, (const char *const *)hdr, file, e) != 0)
        goto out;

    /* the roles actually present, so the row loop touches only those */
    int used[TH_COL_COUNT], nused = 0;
    for (int k = 0; k < TH_COL_COUNT; k++)
        if (col[k] >= 0)
            used[nused++] = k;
    th_cell cells[TH_COL_COUNT];
    memset(cells, 0, sizeof cells);
    for (int u = 0; u < nused; u++)
        cells[used[u]].present = true;

    while ((r = th_csv_next(&csv, f, MAX_COLS, &nf, &msg)) == 1) {
        long line = csv.rec_line;
        bool wrong_width = nf != ncols;
        if (wrong_width)
            th_rowerrs_add(ctx->errs, file, line, "", NULL, 0,
                           "the row has %d fields but the header has %d", nf, ncols);
        for (int u = 0; u < nused; u++) {
            int k = used[u], i = col[k];
            th_cell *x = &cells[k];
            if (i < nf && i < MAX_COLS) {
                x->s = f[i].p;
                x->n = f[i].len;
            } else {
                x->s = NULL;
                x->n = 0;
            }
        }
        th_row_accept(ctx, cells, line, wrong_width);
    }
    if (r < 0) {
        th_fail_at(e, TH_EINPUT, file, csv.rec_line, NULL, NULL, 0, "%s", msg);
        goto out;
    }
    rc = 0;
out:
    for (int i = 0; i < ncols; i++)
        free(hdr[i]);
    free(hdr);
    free(lens);
    free(f);
    th_csv_free(&csv);
    return rc;
}
