/* cjson.c — canonical JSON (RFC 8785). See cjson.h. */
#include "base/cjson.h"

#include "base/mem.h"
#include "base/num.h"
#include "base/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { V_OBJECT, V_ARRAY, V_INT, V_STRING, V_BOOL, V_NULL } kind;

typedef struct {
    char *key;
    th_cjson *value;
} member;

struct th_cjson {
    kind k;
    int64_t i;
    bool b;
    char *s;
    member *m; /* object members, or array items (key NULL) */
    size_t n, cap;
};

static th_cjson *make(kind k)
{
    th_cjson *v = th_xcalloc(1, sizeof *v);
    v->k = k;
    return v;
}

th_cjson *th_cjson_object(void) { return make(V_OBJECT); }
th_cjson *th_cjson_array(void) { return make(V_ARRAY); }
th_cjson *th_cjson_null(void) { return make(V_NULL); }

th_cjson *th_cjson_int(int64_t v)
{
    th_cjson *j = make(V_INT);
    j->i = v;
    return j;
}

th_cjson *th_cjson_bool(bool v)
{
    th_cjson *j = make(V_BOOL);
    j->b = v;
    return j;
}

th_cjson *th_cjson_string(const char *s)
{
    th_cjson *j = make(V_STRING);
    j->s = th_xstrdup(s ? s : "");
    return j;
}

th_cjson *th_cjson_string_n(const char *s, size_t n)
{
    th_cjson *j = make(V_STRING);
    j->s = th_xmalloc(n + 1);
    memcpy(j->s, s, n);
    j->s[n] = '\0';
    return j;
}

static void add(th_cjson *c, const char *key, th_cjson *value)
{
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 4;
        c->m = th_xrealloc(c->m, c->cap * sizeof *c->m);
    }
    c->m[c->n++] = (member){key ? th_xstrdup(key) : NULL, value};
}

void th_cjson_set(th_cjson *obj, const char *key, th_cjson *value) { add(obj, key, value); }
void th_cjson_push(th_cjson *arr, th_cjson *value) { add(arr, NULL, value); }

void th_cjson_set_int(th_cjson *obj, const char *key, int64_t v)
{
    if (obj)
        add(obj, key, th_cjson_int(v));
}

void th_cjson_set_str(th_cjson *obj, const char *key, const char *s)
{
    if (obj)
        add(obj, key, s ? th_cjson_string(s) : th_cjson_null());
}

void th_cjson_set_strn(th_cjson *obj, const char *key, const char *s, size_t n)
{
    if (obj)
        add(obj, key, th_cjson_string_n(s, n));
}

void th_cjson_free(th_cjson *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->n; i++) {
        free(v->m[i].key);
        th_cjson_free(v->m[i].value);
    }
    free(v->m);
    free(v->s);
    free(v);
}

/* The next UTF-16 code unit of a valid UTF-8 string; *pending holds a low surrogate. */
static unsigned next_unit(const unsigned char **p, unsigned *pending)
{
    if (*pending) {
        unsigned u = *pending;
        *pending = 0;
        return u;
    }
    const unsigned char *s = *p;
    unsigned cp;
    if (s[0] < 0x80) {
        cp = s[0];
        *p += 1;
    } else if (s[0] < 0xE0) {
        cp = (s[0] & 0x1Fu) << 6 | (s[1] & 0x3Fu);
        *p += 2;
    } else if (s[0] < 0xF0) {
        cp = (s[0] & 0x0Fu) << 12 | (s[1] & 0x3Fu) << 6 | (s[2] & 0x3Fu);
        *p += 3;
    } else {
        cp = (s[0] & 0x07u) << 18 | (s[1] & 0x3Fu) << 12 | (s[2] & 0x3Fu) << 6 | (s[3] & 0x3Fu);
        *p += 4;
        cp -= 0x10000;
        *pending = 0xDC00 | (cp & 0x3FF);
        return 0xD800 | (cp >> 10);
    }
    return cp;
}

/* Keys compared as UTF-16 code units (RFC 8785 §3.2.3). */
static int by_key(const void *pa, const void *pb)
{
    const unsigned char *a = (const unsigned char *)((const member *)pa)->key;
    const unsigned char *b = (const unsigned char *)((const member *)pb)->key;
    unsigned pa_ = 0, pb_ = 0;
    for (;;) {
        bool ea = !*a && !pa_, eb = !*b && !pb_;
        if (ea || eb)
            return eb - ea;
        unsigned ua = next_unit(&a, &pa_), ub = next_unit(&b, &pb_);
        if (ua != ub)
            return ua < ub ? -1 : 1;
    }
}

static void put_string(th_buf *out, const char *s)
{
    th_buf_putc(out, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': th_buf_puts(out, "\\\""); break;
        case '\\': th_buf_puts(out, "\\\\"); break;
        case '\b': th_buf_puts(out, "\\b"); break;
        case '\t': th_buf_puts(out, "\\t"); break;
        case '\n': th_buf_puts(out, "\\n"); break;
        case '\f': th_buf_puts(out, "\\f"); break;
        case '\r': th_buf_puts(out, "\\r"); break;
        default:
            if (*p < 0x20) {
                char u[8];
                snprintf(u, sizeof u, "\\u%04x", *p);
                th_buf_puts(out, u);
            } else {
                th_buf_putc(out, (char)*p);
            }
        }
    }
    th_buf_putc(out, '"');
}

static int write_value(const th_cjson *v, th_buf *out)
{
    switch (v->k) {
    case V_NULL:
        th_buf_puts(out, "null");
        return 0;
    case V_BOOL:
        th_buf_puts(out, v->b ? "true" : "false");
        return 0;
    case V_INT: {
        char d[24];
        th_buf_put(out, d, th_format_int64(v->i, d));
        return 0;
    }
    case V_STRING:
        if (!th_utf8_valid(v->s, strlen(v->s)))
            return -1;
        put_string(out, v->s);
        return 0;
    case V_ARRAY:
        th_buf_putc(out, '[');
        for (size_t i = 0; i < v->n; i++) {
            if (i)
                th_buf_putc(out, ',');
            if (write_value(v->m[i].value, out))
                return -1;
        }
        th_buf_putc(out, ']');
        return 0;
    case V_OBJECT: {
        member *sorted = th_xmalloc((v->n ? v->n : 1) * sizeof *sorted);
        if (v->n)
            memcpy(sorted, v->m, v->n * sizeof *sorted);
        int rc = 0;
        for (size_t i = 0; i < v->n && rc == 0; i++)
            if (!th_utf8_valid(sorted[i].key, strlen(sorted[i].key)))
                rc = -1;
        if (rc == 0)
            qsort(sorted, v->n, sizeof *sorted, by_key);
        th_buf_putc(out, '{');
        for (size_t i = 0; i < v->n && rc == 0; i++) {
            if (i && strcmp(sorted[i - 1].key, sorted[i].key) == 0) {
                rc = -1; /* a key twice */
                break;
            }
            if (i)
                th_buf_putc(out, ',');
            put_string(out, sorted[i].key);
            th_buf_putc(out, ':');
            rc = write_value(sorted[i].value, out);
        }
        th_buf_putc(out, '}');
        free(sorted);
        return rc;
    }
    }
    return -1;
}

int th_cjson_write(const th_cjson *v, th_buf *out)
{
    size_t mark = out->len;
    if (write_value(v, out) == 0)
        return 0;
    out->len = mark; /* nothing written */
    if (out->p)
        out->p[mark] = 0;
    return -1;
}
