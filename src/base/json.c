/* json.c — streaming JSON writer. */
#include "base/json.h"

#include "base/num.h"
#include "base/text.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void th_json_init(th_json *j, th_buf *out)
{
    memset(j, 0, sizeof *j);
    j->out = out;
}

static void value_prefix(th_json *j)
{
    if (j->after_key) {
        j->after_key = false;
        return;
    }
    if (j->depth > 0) {
        if (j->need_comma[j->depth - 1])
            th_buf_putc(j->out, ',');
        j->need_comma[j->depth - 1] = true;
    }
}

static void open_(th_json *j, char c)
{
    value_prefix(j);
    th_buf_putc(j->out, c);
    assert(j->depth < TH_JSON_DEPTH);
    j->need_comma[j->depth++] = false;
}

static void close_(th_json *j, char c)
{
    assert(j->depth > 0);
    j->depth--;
    th_buf_putc(j->out, c);
}

void th_json_obj_begin(th_json *j) { open_(j, '{'); }
void th_json_obj_end(th_json *j) { close_(j, '}'); }
void th_json_arr_begin(th_json *j) { open_(j, '['); }
void th_json_arr_end(th_json *j) { close_(j, ']'); }

static void put_escaped(th_buf *b, const char *s, size_t n);

void th_json_raw(th_json *j, const char *s, size_t n)
{
    value_prefix(j);
    th_buf_put(j->out, s, n);
}

void th_json_key(th_json *j, const char *key)
{
    value_prefix(j);
    put_escaped(j->out, key, strlen(key));
    th_buf_putc(j->out, ':');
    j->after_key = true;
}

static void put_escaped(th_buf *b, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    /* the common case, printable ASCII throughout (every key, most values): quoted and copied
     * in one pass into room made once */
    if (b->len + n + 3 > b->cap)
        th_buf_reserve(b, n + 2);
    char *d = b->p + b->len;
    size_t i = 0;
    d[0] = '"';
    while (i < n && u[i] >= 0x20 && u[i] < 0x80 && u[i] != '"' && u[i] != '\\') {
        d[i + 1] = (char)u[i];
        i++;
    }
    if (i == n) {
        d[n + 1] = '"';
        b->len += n + 2;
        b->p[b->len] = '\0';
        return;
    }
    b->len += i + 1; /* the quote and the plain run so far; the rest the long way */
    while (i < n) {
        /* the common case, printable ASCII, is copied a run at a time */
        size_t run = i;
        while (run < n && u[run] >= 0x20 && u[run] < 0x80 && u[run] != '"' && u[run] != '\\')
            run++;
        if (run > i) {
            th_buf_put(b, u + i, run - i);
            i = run;
            continue;
        }
        unsigned c = u[i];
        if (c == '"' || c == '\\') {
            th_buf_putc(b, '\\');
            th_buf_putc(b, (char)c);
            i++;
        } else if (c < 0x20) {
            switch (c) {
            case '\n': th_buf_puts(b, "\\n"); break;
            case '\r': th_buf_puts(b, "\\r"); break;
            case '\t': th_buf_puts(b, "\\t"); break;
            case '\b': th_buf_puts(b, "\\b"); break;
            case '\f': th_buf_puts(b, "\\f"); break;
            default: th_buf_printf(b, "\\u%04x", c); break;
            }
            i++;
        } else {
            size_t len = th_utf8_seq(u + i, n - i);
            if (len == 0) {
                th_buf_puts(b, "\xEF\xBF\xBD");
                i++;
            } else {
                th_buf_put(b, u + i, len);
                i += len;
            }
        }
    }
    th_buf_putc(b, '"');
}

void th_json_strn(th_json *j, const char *s, size_t n)
{
    value_prefix(j);
    put_escaped(j->out, s ? s : "", s ? n : 0);
}

void th_json_str(th_json *j, const char *s)
{
    th_json_strn(j, s, s ? strlen(s) : 0);
}

void th_json_int(th_json *j, int64_t v)
{
    value_prefix(j);
    char tmp[24];
    th_buf_put(j->out, tmp, th_format_int64(v, tmp));
}

void th_fmt_double(char *out, size_t cap, double v)
{
    if (!isfinite(v)) {
        snprintf(out, cap, "null");
        return;
    }
    if (v == 0) {
        snprintf(out, cap, "0"); /* -0 too: JSON readers differ on it */
        return;
    }
    /* %.15g already gives the shortest text when it has 15 significant digits or fewer (a
     * double carries 15.95 digits, so no other 15-digit decimal is nearer); computed values
     * that need more get 16 or 17. */
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(out, cap, "%.*g", prec, v);
        if (strtod(out, NULL) == v)
            return;
    }
}

void th_json_double(th_json *j, double v)
{
    char tmp[40];
    th_fmt_double(tmp, sizeof tmp, v);
    value_prefix(j);
    th_buf_puts(j->out, tmp);
}

void th_json_bool(th_json *j, bool v)
{
    value_prefix(j);
    th_buf_puts(j->out, v ? "true" : "false");
}

void th_json_null(th_json *j)
{
    value_prefix(j);
    th_buf_puts(j->out, "null");
}
