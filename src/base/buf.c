/* buf.c — growable byte buffer. */
#include "base/buf.h"

#include "base/mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void th_buf_init(th_buf *b)
{
    b->p = NULL;
    b->len = b->cap = 0;
}

void th_buf_free(th_buf *b)
{
    free(b->p);
    th_buf_init(b);
}

void th_buf_reset(th_buf *b)
{
    b->len = 0;
    if (b->p)
        b->p[0] = '\0';
}

void th_buf_reserve(th_buf *b, size_t extra)
{
    size_t need = b->len + extra + 1;
    if (need > b->cap) {
        size_t c = b->cap ? b->cap : 64;
        while (c < need)
            c *= 2;
        b->p = th_xrealloc(b->p, c);
        b->cap = c;
    }
}

void th_buf_puts(th_buf *b, const char *s)
{
    th_buf_put(b, s, strlen(s));
}


void th_buf_printf(th_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char tmp[256];
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof tmp) {
        th_buf_put(b, tmp, (size_t)n);
        return;
    }
    th_buf_reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}
