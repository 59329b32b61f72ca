/* csv_reader.c — the CSV fast path: one pass of the tokenizer, cells handed to row.c. */
#include "inventory/csv_reader.h"

#include "base/csv.h"
#include "base/mem.h"

#include <stdlib.h>
#include <string.h>

enum { MAX_COLS = 512 };

/* check_utf8: note invalid UTF-8 in *bad_line (0 while valid). Strings of the rows point into
 * text (stable) except for quoted fields with escapes, which the row code copies. */
static int read_text(const char *text, size_t n, const char *file, th_row_ctx *ctx,
                     bool check_utf8, long *bad_line, th_err *e)
{
    th_csv csv;
    th_csv_init(&csv, text, n);
    if (check_utf8)
        th_csv_check_utf8(&csv, NULL, 0); /* the whole header */
    th_csv_field *f = th_xmalloc(MAX_COLS * sizeof *f);
    char **hdr = NULL;
    size_t *lens = NULL;
    uint8_t *check_cols = NULL;
    int nf = 0, ncols = 0, rc = -1;
    const char *msg = NULL;
    int r = th_csv_next(&csv, f, MAX_COLS, &nf, &msg);
    if (check_utf8 && csv.bad_utf8 != SIZE_MAX) {
        /* the header is not UTF-8: the caller will try another encoding */
        *bad_line = csv.bad_utf8_line;
        rc = 0;
        goto out;
    }
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
        if (col[k] >= 0 && th_row_reads(ctx, (th_col)k))
            used[nused++] = k;
    th_cell cells[TH_COL_COUNT];
    memset(cells, 0, sizeof cells);
    for (int u = 0; u < nused; u++)
        cells[used[u]].present = true;
    /* Every column of the first rows is checked, which is what tells GBK from UTF-8 (names of
     * owners and villages show it at once); after them only the columns read are, since the
     * others are never decoded and cannot change a result. */
    check_cols = th_xcalloc((size_t)ncols, 1);
    for (int u = 0; u < nused; u++)
        check_cols[col[used[u]]] = 1;
    long full_check_rows = check_utf8 ? 1000 : 0;

    /* size the parcel array from the first lines, to grow it (and copy it) rarely */
    {
        const char *q = csv.cur;
        int lines = 0;
        while (q < text + n && lines < 200) {
            const char *nl = memchr(q, '\n', (size_t)(text + n - q));
            if (!nl)
                break;
            q = nl + 1;
            lines++;
        }
        if (lines > 0 && q > csv.cur) {
            size_t avg = (size_t)(q - csv.cur) / (size_t)lines;
            size_t est = (size_t)(text + n - csv.cur) / (avg ? avg : 1);
            est += est / 16 + 16;
            th_grow((void **)&ctx->set->v, &ctx->set->cap, ctx->set->n + est, sizeof *ctx->set->v);
        }
    }

    while ((r = th_csv_next(&csv, f, MAX_COLS, &nf, &msg)) == 1) {
        long line = csv.rec_line;
        if (full_check_rows > 0 && --full_check_rows == 0)
            th_csv_check_utf8(&csv, check_cols, ncols);
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
                x->stable = x->s >= text && x->s < text + n;
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
    if (check_utf8 && csv.bad_utf8 != SIZE_MAX)
        *bad_line = csv.bad_utf8_line;
    rc = 0;
out:
    free(check_cols);
    for (int i = 0; i < ncols; i++)
        free(hdr[i]);
    free(hdr);
    free(lens);
    free(f);
    th_csv_free(&csv);
    return rc;
}

int th_csv_read(const char *text, size_t n, const char *file, th_row_ctx *ctx, th_err *e)
{
    return read_text(text, n, file, ctx, false, NULL, e);
}

int th_csv_read_bytes(const char *data, size_t n, th_encoding want, const char *file,
                      th_row_ctx *ctx, th_encoding *used, char **owned, th_err *e)
{
    *owned = NULL;
    if (want != TH_ENC_GBK) {
        const char *text = data;
        size_t tn = n;
        if (tn >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
            text += 3;
            tn -= 3;
        }
        long bad_line = 0;
        if (read_text(text, tn, file, ctx, true, &bad_line, e) != 0)
            return -1;
        if (bad_line == 0) {
            *used = TH_ENC_UTF8;
            return 0;
        }
        if (want == TH_ENC_UTF8) {
            th_row_ctx_reset(ctx);
            return th_fail_at(e, TH_EINPUT, file, bad_line, NULL, NULL, 0,
                              "the text is not valid UTF-8 (try --encoding gbk)");
        }
        th_row_ctx_reset(ctx); /* not UTF-8: start again as GBK */
    }
    size_t tn;
    if (th_gbk_to_utf8(data, n, file, owned, &tn, e) != 0)
        return -1;
    *used = TH_ENC_GBK;
    return read_text(*owned, tn, file, ctx, false, NULL, e);
}
