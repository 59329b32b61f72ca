/* buf.h — a growable byte buffer, always NUL-terminated. */
#ifndef TH_BUF_H
#define TH_BUF_H

#include <stddef.h>
#include <string.h>

typedef struct {
    char *p;
    size_t len, cap;
} th_buf;

void th_buf_init(th_buf *b);
void th_buf_free(th_buf *b);
void th_buf_reset(th_buf *b);
void th_buf_reserve(th_buf *b, size_t extra);
void th_buf_puts(th_buf *b, const char *s);

/* Inline: the canonical JSON of every log entry is a few hundred of these. */
static inline void th_buf_put(th_buf *b, const void *s, size_t n)
{
    if (b->len + n + 1 > b->cap)
        th_buf_reserve(b, n);
    if (n)
        memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static inline void th_buf_putc(th_buf *b, char c)
{
    if (b->len + 2 > b->cap)
        th_buf_reserve(b, 1);
    b->p[b->len++] = c;
    b->p[b->len] = '\0';
}
void th_buf_printf(th_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
