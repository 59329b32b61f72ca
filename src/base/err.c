/* err.c — filling and formatting th_err. */
#include "base/err.h"

#include "base/text.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

void th_err_clear(th_err *e)
{
    memset(e, 0, sizeof *e);
}

void th_copy_utf8(char *dst, size_t cap, const char *s, size_t n)
{
    if (cap == 0)
        return;
    if (!s)
        n = 0;
    const unsigned char *u = (const unsigned char *)s;
    size_t o = 0, i = 0;
    while (i < n) {
        size_t len = u[i] < 0x80 ? 1 : th_utf8_seq(u + i, n - i);
        bool raw = len > 0 && u[i] >= 0x20 && u[i] != 0x7F;
        size_t need = raw ? len : 4;
        if (o + need > cap - 1)
            break; /* never a sequence cut in half */
        if (raw) {
            memcpy(dst + o, u + i, len);
            i += len;
        } else {
            /* a byte that is not text (invalid UTF-8, a control character) is shown, not sent
             * to the terminal */
            snprintf(dst + o, 5, "\\x%02X", u[i]);
            i++;
        }
        o += need;
    }
    dst[o] = '\0';
}

int th_fail(th_err *e, th_code code, const char *fmt, ...)
{
    th_err_clear(e);
    e->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    return -1;
}

int th_fail_at(th_err *e, th_code code, const char *file, long line, const char *field,
               const char *value, size_t value_len, const char *fmt, ...)
{
    th_err_clear(e);
    e->code = code;
    e->line = line;
    th_copy_utf8(e->file, sizeof e->file, file, file ? strlen(file) : 0);
    th_copy_utf8(e->field, sizeof e->field, field, field ? strlen(field) : 0);
    th_copy_utf8(e->value, sizeof e->value, value, value ? value_len : 0);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    return -1;
}

void th_err_format(const th_err *e, char *out, size_t cap)
{
    size_t n = 0;
    int w;
#define PUT(...)                                                   \
    do {                                                           \
        w = snprintf(out + n, n < cap ? cap - n : 0, __VA_ARGS__); \
        if (w > 0)                                                 \
            n += (size_t)w;                                        \
    } while (0)
    if (cap)
        out[0] = '\0';
    if (e->file[0]) {
        PUT("%s", e->file);
        if (e->line > 0)
            PUT(":%ld", e->line);
        PUT(": ");
    } else if (e->line > 0) {
        PUT("line %ld: ", e->line);
    }
    if (e->field[0] && e->file[0])
        PUT("column %s, value '%s': ", e->field, e->value); /* about a row of a file */
    else if (e->field[0])
        PUT("%s '%s': ", e->field, e->value);
    PUT("%s", e->msg);
#undef PUT
}

int th_err_exit_status(const th_err *e)
{
    switch (e->code) {
    case TH_OK:
        return 0;
    case TH_EUSAGE:
    case TH_EINPUT:
        return 2;
    default:
        return 1;
    }
}
