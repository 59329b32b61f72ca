/* buf.h — a growable byte buffer, always NUL-terminated. */
#ifndef TH_BUF_H
#define TH_BUF_H

#include <stddef.h>

typedef struct {
    char *p;
    size_t len, cap;
} th_buf;

void th_buf_init(th_buf *b);
void th_buf_free(th_buf *b);
void th_buf_reset(th_buf *b);
void th_buf_reserve(th_buf *b, size_t extra);
void th_buf_put(th_buf *b, const void *s, size_t n);
void th_buf_puts(th_buf *b, const char *s);
void th_buf_putc(th_buf *b, char c);
void th_buf_printf(th_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
