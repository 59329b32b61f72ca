/* cjson.c — canonical JSON (RFC 8785). See cjson.h. */
#include "base/cjson.h"

#include "base/mem.h"
#include "base/num.h"
#include "base/text.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { V_OBJECT, V_ARRAY, V_INT, V_STRING, V_BOOL, V_NULL } kind;

/* A member's value is a container (value), or a scalar already written out in canonical form
 * into its container's vals (off, len): every log event is built and freed once per command,
 * and allocating a node per field, then formatting it, cost more than the rest of the entry. */
typedef struct {
    const char *key;
    th_cjson *value; /* NULL: the scalar at vals[off, off + len) */
    size_t off, len;
    uint64_t pfx;    /* an ASCII key's first 8 bytes, big-endian, zero-padded: most keys of an
                        event differ there, so sorting compares integers, not strings */
    uint32_t klen;   /* the key's length */
    bool ascii;      /* the key is ASCII: compared by pfx, then byte by byte */
    bool plain;      /* ... and needs no escaping: written as it is */
    bool bad;        /* the scalar was a string of invalid UTF-8 */
} member;

enum { INLINE_MEMBERS = 12 };

/* A string value lives in the same allocation as its node (s points into text). A container's
 * first members live in the node (an event has about ten). */
struct th_cjson {
    kind k;
    bool b;
    int64_t i;
    char *s;
    member *m; /* object members, or array items (key NULL): m_in until it overflows */
    size_t n, cap;
    th_buf vals;
    th_cjson *spare; /* emptied containers kept by th_cjson_reset, for th_cjson_set_array */
    member m_in[INLINE_MEMBERS];
    char text[];
};

static th_cjson *make(kind k)
{
    th_cjson *v = th_xmalloc(sizeof *v);
    v->k = k;
    v->b = false;
    v->i = 0;
    v->s = NULL;
    v->m = v->m_in;
    v->n = 0;
    v->cap = INLINE_MEMBERS;
    v->spare = NULL;
    th_buf_init(&v->vals);
    if (k == V_OBJECT || k == V_ARRAY)
        th_buf_reserve(&v->vals, 240);
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
    if (!s)
        s = "";
    size_t n = strlen(s);
    th_cjson *j = th_xmalloc(sizeof *j + n + 1);
    memset(j, 0, offsetof(th_cjson, m_in));
    j->k = V_STRING;
    j->m = j->m_in;
    j->s = j->text;
    memcpy(j->text, s, n);
    j->text[n] = '\0';
    return j;
}

static int put_string(th_buf *out, const char *s, size_t n);

static member *add(th_cjson *c, const char *key)
{
    if (c->n == c->cap) {
        c->cap *= 2;
        if (c->m == c->m_in) {
            c->m = th_xmalloc(c->cap * sizeof *c->m);
            memcpy(c->m, c->m_in, sizeof c->m_in);
        } else {
            c->m = th_xrealloc(c->m, c->cap * sizeof *c->m);
        }
    }
    bool plain = true, ascii = true;
    uint64_t pfx = 0;
    size_t kl = 0;
    for (; key && key[kl]; kl++) {
        unsigned char u = (unsigned char)key[kl];
        ascii &= u < 0x80;
        plain &= u >= 0x20 && u != '"' && u != '\\';
        if (kl < 8)
            pfx |= (uint64_t)u << (56 - 8 * kl);
    }
    member *m = &c->m[c->n++];
    *m = (member){.key = key, .ascii = ascii, .plain = plain && ascii, .off = c->vals.len,
                  .pfx = pfx, .klen = (uint32_t)kl};
    return m;
}

static void add_int(th_cjson *c, const char *key, int64_t v)
{
    member *m = add(c, key);
    char d[24];
    th_buf_put(&c->vals, d, th_format_int64(v, d));
    m->len = c->vals.len - m->off;
}

static void add_str(th_cjson *c, const char *key, const char *s)
{
    member *m = add(c, key);
    m->bad = put_string(&c->vals, s, strlen(s)) != 0;
    m->len = c->vals.len - m->off;
}

static void add_value(th_cjson *c, const char *key, th_cjson *value)
{
    switch (value->k) {
    case V_OBJECT:
    case V_ARRAY:
        add(c, key)->value = value;
        return;
    case V_INT:
        add_int(c, key, value->i);
        break;
    case V_STRING:
        add_str(c, key, value->s);
        break;
    case V_BOOL:
    case V_NULL: {
        member *m = add(c, key);
        th_buf_puts(&c->vals, value->k == V_NULL ? "null" : value->b ? "true" : "false");
        m->len = c->vals.len - m->off;
        break;
    }
    }
    th_cjson_free(value);
}

void th_cjson_set(th_cjson *obj, const char *key, th_cjson *value)
{
    if (obj && value)
        add_value(obj, key, value);
    else
        th_cjson_free(value);
}

void th_cjson_push(th_cjson *arr, th_cjson *value)
{
    if (arr && value)
        add_value(arr, NULL, value);
    else
        th_cjson_free(value);
}

void th_cjson_push_str(th_cjson *arr, const char *s, size_t n)
{
    member *m = add(arr, NULL);
    m->bad = put_string(&arr->vals, s, n) != 0;
    m->len = arr->vals.len - m->off;
}

void th_cjson_push_null(th_cjson *arr)
{
    member *m = add(arr, NULL);
    th_buf_puts(&arr->vals, "null");
    m->len = arr->vals.len - m->off;
}

void th_cjson_push_ints(th_cjson *arr, const char *const *keys, const int64_t *v, size_t n)
{
    if (!arr)
        return;
    /* keys plain and in order: the object's canonical bytes written at once (their lengths
     * found on the way) */
    bool sorted = n <= 8;
    size_t klen[8];
    for (size_t i = 0; i < n && sorted; i++) {
        size_t kl = 0;
        for (const char *k = keys[i]; *k && sorted; k++, kl++)
            sorted = (unsigned char)*k >= 0x20 && (unsigned char)*k < 0x80 && *k != '"' &&
                     *k != '\\';
        klen[i] = kl;
        sorted = sorted && (i == 0 || strcmp(keys[i - 1], keys[i]) < 0);
    }
    if (!sorted) {
        th_cjson *o = th_cjson_object();
        for (size_t i = 0; i < n; i++)
            add_int(o, keys[i], v[i]);
        add_value(arr, NULL, o);
        return;
    }
    member *m = add(arr, NULL);
    th_buf *b = &arr->vals;
    size_t need = 2;
    for (size_t i = 0; i < n; i++)
        need += klen[i] + 4 + 21;
    th_buf_reserve(b, need);
    char *p = b->p + b->len, *start = p;
    *p++ = '{';
    for (size_t i = 0; i < n; i++) {
        if (i)
            *p++ = ',';
        *p++ = '"';
        size_t kl = klen[i];
        memcpy(p, keys[i], kl);
        p += kl;
        *p++ = '"';
        *p++ = ':';
        p += th_format_int64(v[i], p);
    }
    *p++ = '}';
    b->len += (size_t)(p - start);
    b->p[b->len] = '\0';
    m->len = b->len - m->off;
}

void th_cjson_set_int(th_cjson *obj, const char *key, int64_t v)
{
    if (obj)
        add_int(obj, key, v);
}

void th_cjson_set_str(th_cjson *obj, const char *key, const char *s)
{
    if (!obj)
        return;
    if (s) {
        add_str(obj, key, s);
    } else {
        member *m = add(obj, key);
        th_buf_puts(&obj->vals, "null");
        m->len = obj->vals.len - m->off;
    }
}

/* What a reset keeps, so that one huge event (a report's thousands of parcels) does not hold
 * its memory for the engine's lifetime: this many spare containers, each with at most this
 * much of its buffers. */
enum { SPARE_MAX = 32, KEEP_BYTES = 16384, KEEP_MEMBERS = 64 };

/* Empty container v (its buffers cut back to what a reset keeps). */
static void empty(th_cjson *v)
{
    v->n = 0;
    if (v->vals.cap > KEEP_BYTES)
        th_buf_free(&v->vals);
    v->vals.len = 0;
    if (v->vals.p)
        v->vals.p[0] = '\0';
    if (v->m != v->m_in && v->cap > KEEP_MEMBERS) {
        free(v->m);
        v->m = v->m_in;
        v->cap = INLINE_MEMBERS;
    }
}

/* Put emptied container c (its own spares already taken) on *spare, or free it when SPARE_MAX
 * are kept (*kept counts them). */
static void keep(th_cjson *c, th_cjson **spare, size_t *kept)
{
    c->spare = NULL;
    if (*kept == SPARE_MAX) {
        th_cjson_free(c);
        return;
    }
    c->spare = *spare;
    *spare = c;
    ++*kept;
}

/* Empty container v, moving its nested containers (emptied) and their spares onto *spare, up
 * to SPARE_MAX of them; the others are freed. */
static void empty_into(th_cjson *v, th_cjson **spare, size_t *kept)
{
    for (size_t i = 0; i < v->n; i++) {
        th_cjson *c = v->m[i].value;
        if (c) {
            empty_into(c, spare, kept);
            keep(c, spare, kept);
        }
    }
    while (v->spare) {
        th_cjson *c = v->spare;
        v->spare = c->spare;
        keep(c, spare, kept);
    }
    empty(v);
}

void th_cjson_reset(th_cjson *obj)
{
    if (!obj)
        return;
    th_cjson *spare = NULL;
    size_t kept = 0;
    empty_into(obj, &spare, &kept);
    obj->spare = spare;
}

th_cjson *th_cjson_set_array(th_cjson *obj, const char *key)
{
    if (!obj)
        return NULL;
    th_cjson *a = obj->spare;
    if (a) {
        obj->spare = a->spare;
        a->spare = NULL;
        a->k = V_ARRAY;
    } else {
        a = make(V_ARRAY);
    }
    add(obj, key)->value = a;
    return a;
}

void th_cjson_free(th_cjson *v)
{
    if (!v)
        return;
    while (v->spare) {
        th_cjson *c = v->spare;
        v->spare = c->spare;
        c->spare = NULL;
        th_cjson_free(c);
    }
    for (size_t i = 0; i < v->n; i++)
        th_cjson_free(v->m[i].value);
    if (v->m != v->m_in)
        free(v->m);
    th_buf_free(&v->vals);
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

/* The string escaped, or -1 if it is not valid UTF-8. Runs of plain bytes are copied at once. */
/* The n bytes of s as a JSON string, or -1 if they are not valid UTF-8. Runs of plain bytes are
 * copied at once. */
static int put_string(th_buf *out, const char *s, size_t n)
{
    size_t plain = 0;
    while (plain < n && (unsigned char)s[plain] >= 0x20 && (unsigned char)s[plain] < 0x80 &&
           s[plain] != '"' && s[plain] != '\\')
        plain++;
    if (plain == n) { /* the usual case: printable ASCII, copied as it is */
        th_buf_reserve(out, n + 2);
        char *p = out->p + out->len;
        p[0] = '"';
        memcpy(p + 1, s, n);
        p[n + 1] = '"';
        out->len += n + 2;
        out->p[out->len] = '\0';
        return 0;
    }
    th_buf_putc(out, '"');
    const unsigned char *p = (const unsigned char *)s, *end = p + n, *run = p;
    bool ascii = true;
    for (; p < end; p++) {
        unsigned char c = *p;
        if (c >= 0x20 && c != '"' && c != '\\') {
            ascii &= c < 0x80;
            continue;
        }
        th_buf_put(out, run, (size_t)(p - run));
        run = p + 1;
        switch (c) {
        case '"': th_buf_puts(out, "\\\""); break;
        case '\\': th_buf_puts(out, "\\\\"); break;
        case '\b': th_buf_puts(out, "\\b"); break;
        case '\t': th_buf_puts(out, "\\t"); break;
        case '\n': th_buf_puts(out, "\\n"); break;
        case '\f': th_buf_puts(out, "\\f"); break;
        case '\r': th_buf_puts(out, "\\r"); break;
        default: {
            static const char hex[] = "0123456789abcdef";
            char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            th_buf_put(out, u, 6);
        }
        }
    }
    th_buf_put(out, run, (size_t)(p - run));
    th_buf_putc(out, '"');
    return ascii || th_utf8_valid(s, n) ? 0 : -1;
}

static int key_cmp(const member *a, const member *b)
{
    if (a->ascii && b->ascii) { /* UTF-16 order is byte order below U+0080 */
        if (a->pfx != b->pfx)
            return a->pfx < b->pfx ? -1 : 1;
        /* the same first 8 bytes: the same key if either is that short (no key holds a NUL) */
        return a->klen <= 8 || b->klen <= 8 ? (int)(a->klen > b->klen) - (int)(a->klen < b->klen)
                                            : strcmp(a->key + 8, b->key + 8);
    }
    return by_key(a, b);
}

/* A member's value: its container written out, or its scalar copied. */
static int write_value(const th_cjson *v, th_buf *out);

static int write_member(const th_cjson *c, const member *m, th_buf *out)
{
    if (m->value)
        return write_value(m->value, out);
    th_buf_put(out, c->vals.p + m->off, m->len);
    return m->bad ? -1 : 0;
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
        return put_string(out, v->s, strlen(v->s));
    case V_ARRAY:
        th_buf_putc(out, '[');
        for (size_t i = 0; i < v->n; i++) {
            if (i)
                th_buf_putc(out, ',');
            if (write_member(v, &v->m[i], out))
                return -1;
        }
        th_buf_putc(out, ']');
        return 0;
    case V_OBJECT: {
        /* sort the members' positions, not the members: insertion sort, objects are small */
        size_t small[16];
        size_t *order = v->n <= 16 ? small : th_xmalloc(v->n * sizeof *order);
        int rc = 0;
        for (size_t i = 0; i < v->n && rc == 0; i++)
            if (!v->m[i].ascii && !th_utf8_valid(v->m[i].key, v->m[i].klen))
                rc = -1;
        for (size_t i = 0; i < v->n && rc == 0; i++) {
            size_t j = i;
            while (j > 0 && key_cmp(&v->m[order[j - 1]], &v->m[i]) > 0) {
                order[j] = order[j - 1];
                j--;
            }
            order[j] = i;
        }
        th_buf_putc(out, '{');
        for (size_t i = 0; i < v->n && rc == 0; i++) {
            const member *m = &v->m[order[i]];
            if (i && key_cmp(&v->m[order[i - 1]], m) == 0) {
                rc = -1; /* a key twice */
                break;
            }
            if (m->plain) { /* ,"key": and a scalar value, with one reservation */
                size_t kl = m->klen, vl = m->value ? 0 : m->len;
                th_buf_reserve(out, kl + 4 + vl);
                char *p = out->p + out->len;
                if (i)
                    *p++ = ',';
                *p++ = '"';
                memcpy(p, m->key, kl);
                p += kl;
                *p++ = '"';
                *p++ = ':';
                if (!m->value) {
                    memcpy(p, v->vals.p + m->off, vl);
                    p += vl;
                }
                out->len = (size_t)(p - out->p);
                out->p[out->len] = '\0';
                if (m->value)
                    rc = write_value(m->value, out);
                else if (m->bad)
                    rc = -1;
                continue;
            }
            if (i)
                th_buf_putc(out, ',');
            rc = put_string(out, m->key, m->klen);
            th_buf_putc(out, ':');
            if (rc == 0)
                rc = write_member(v, m, out);
        }
        th_buf_putc(out, '}');
        if (order != small)
            free(order);
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
