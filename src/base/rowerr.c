/* rowerr.c — bad-input findings. */
#include "base/rowerr.h"

#include "base/err.h"
#include "base/mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void th_rowerrs_init(th_rowerrs *l, size_t limit)
{
    memset(l, 0, sizeof *l);
    l->limit = limit;
}

static void entry_free(th_rowerr *r)
{
    free(r->file);
    free(r->column);
    free(r->value);
    free(r->message);
}

void th_rowerrs_free(th_rowerrs *l)
{
    for (size_t i = 0; i < l->n; i++)
        entry_free(&l->v[i]);
    free(l->v);
    th_rowerrs_init(l, l->limit);
}

void th_rowerrs_add(th_rowerrs *l, const char *file, long line, const char *column,
                    const char *value, size_t value_len, const char *fmt, ...)
{
    l->total++;
    if (l->n >= l->limit)
        return;
    th_grow((void **)&l->v, &l->cap, l->n + 1, sizeof *l->v);
    th_rowerr *r = &l->v[l->n++];
    r->file = th_xstrdup(file ? file : "");
    r->line = line;
    r->column = th_xstrdup(column ? column : "");
    char vbuf[256];
    th_copy_utf8(vbuf, sizeof vbuf, value, value ? value_len : 0);
    r->value = th_xstrdup(vbuf);
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    r->message = th_xstrdup(msg);
}

void th_rowerrs_take(th_rowerrs *dst, th_rowerrs *src)
{
    for (size_t i = 0; i < src->n; i++) {
        if (dst->n < dst->limit) {
            th_grow((void **)&dst->v, &dst->cap, dst->n + 1, sizeof *dst->v);
            dst->v[dst->n++] = src->v[i];
        } else {
            entry_free(&src->v[i]);
        }
    }
    dst->total += src->total;
    free(src->v);
    th_rowerrs_init(src, src->limit);
}

void th_rowerrs_sort(th_rowerrs *l)
{
    /* a stable merge sort on indices: entries of one line keep their order */
    size_t n = l->n;
    if (n < 2)
        return;
    th_rowerr *copy = th_xmalloc(n * sizeof *copy);
    size_t *idx = th_xmalloc(n * sizeof *idx);
    for (size_t i = 0; i < n; i++)
        idx[i] = i;
    size_t *tmp = th_xmalloc(n * sizeof *tmp);
    for (size_t w = 1; w < n; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi) {
                const th_rowerr *a = &l->v[idx[i]], *b = &l->v[idx[j]];
                int c = strcmp(a->file, b->file);
                if (c == 0)
                    c = (a->line > b->line) - (a->line < b->line);
                tmp[k++] = c <= 0 ? idx[i++] : idx[j++];
            }
            while (i < mid)
                tmp[k++] = idx[i++];
            while (j < hi)
                tmp[k++] = idx[j++];
        }
        memcpy(idx, tmp, n * sizeof *idx);
    }
    for (size_t i = 0; i < n; i++)
        copy[i] = l->v[idx[i]];
    memcpy(l->v, copy, n * sizeof *copy);
    free(copy);
    free(idx);
    free(tmp);
}
