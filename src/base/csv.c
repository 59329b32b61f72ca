/* csv.c — RFC 4180 tokenizer. Inventory files of a million parcels go through it, so the
 * unquoted path scans sixteen bytes at a time (SSE2) and checks UTF-8 only where asked, with
 * CJK's three-byte sequences inline; quoted fields are found with memchr. */
#include "base/csv.h"

#include "base/text.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* Byte classes of the unquoted scan: 1 ends a field; 2 starts a multi-byte UTF-8 sequence to
 * check (only in the checking table). */
#define STOPS [','] = 1, ['\n'] = 1, ['\r'] = 1
#define HIGH8(x) [x] = 2, [x + 1] = 2, [x + 2] = 2, [x + 3] = 2, [x + 4] = 2, [x + 5] = 2, \
                 [x + 6] = 2, [x + 7] = 2
#define HIGH32(x) HIGH8(x), HIGH8(x + 8), HIGH8(x + 16), HIGH8(x + 24)
static const unsigned char stop_plain[256] = {STOPS};
static const unsigned char stop_utf8[256] = {STOPS, HIGH32(0x80), HIGH32(0xA0), HIGH32(0xC0),
                                             HIGH32(0xE0)};

void th_csv_init(th_csv *c, const char *p, size_t n)
{
    c->start = c->cur = p;
    c->end = p + n;
    c->line = 1;
    c->rec_line = 1;
    c->check = false;
    c->check_cols = NULL;
    c->ncheck_cols = 0;
    c->bad_utf8 = SIZE_MAX;
    c->bad_utf8_line = 0;
    th_buf_init(&c->scratch);
}

void th_csv_check_utf8(th_csv *c, const uint8_t *cols, int ncols)
{
    c->check = true;
    c->check_cols = cols;
    c->ncheck_cols = ncols;
}

static void note_bad_utf8(th_csv *c, const char *at)
{
    if (c->bad_utf8 == SIZE_MAX) {
        c->bad_utf8 = (size_t)(at - c->start);
        c->bad_utf8_line = c->line;
    }
}

/* Past the multi-byte UTF-8 sequences starting at p (checking each), to the next ASCII byte. */
static const char *skip_utf8(th_csv *c, const char *p, const char *end)
{
    const unsigned char *u = (const unsigned char *)p, *e = (const unsigned char *)end;
    while (u < e && *u >= 0x80) {
        /* three-byte sequences (CJK) inline; the rest through th_utf8_seq */
        if (u + 3 <= e && (u[0] & 0xF0) == 0xE0 && (u[1] & 0xC0) == 0x80 &&
            (u[2] & 0xC0) == 0x80 && (u[0] != 0xE0 || u[1] >= 0xA0) &&
            (u[0] != 0xED || u[1] < 0xA0)) {
            u += 3;
            continue;
        }
        size_t len = th_utf8_seq(u, (size_t)(e - u));
        if (len == 0) {
            note_bad_utf8(c, (const char *)u);
            len = 1;
        }
        u += len;
    }
    return (const char *)u;
}

/* The end of an unquoted field: the next ',', CR or LF. Sixteen bytes at a time where SSE2 is
 * there (every x86-64), checking UTF-8 on the way when asked. */
static const char *scan_unquoted(th_csv *c, const char *p, const char *end, bool check)
{
    const unsigned char *stop = check ? stop_utf8 : stop_plain;
#ifdef __SSE2__
    const __m128i comma = _mm_set1_epi8(','), lf = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r');
    while (p + 16 <= end) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, comma), _mm_cmpeq_epi8(v, lf)),
                                 _mm_cmpeq_epi8(v, cr));
        unsigned stops = (unsigned)_mm_movemask_epi8(m);
        unsigned high = check ? (unsigned)_mm_movemask_epi8(v) : 0;
        unsigned before = stops ? (stops & (0u - stops)) - 1 : 0xFFFFu; /* bytes before a stop */
        if (!(high & before)) {
            if (stops)
                return p + __builtin_ctz(stops);
            p += 16;
            continue;
        }
        /* non-ASCII before the stop: check it byte-wise, then go on */
        const char *q = p + __builtin_ctz(high & before);
        q = skip_utf8(c, q, end);
        while (q < end && (unsigned char)*q < 0x80 && !stop[(unsigned char)*q])
            q++;
        if (q < end && stop[(unsigned char)*q] == 1)
            return q;
        p = q;
    }
#endif
    for (;;) {
        while (p < end && !stop[(unsigned char)*p])
            p++;
        if (p >= end || stop[(unsigned char)*p] == 1)
            return p;
        p = skip_utf8(c, p, end);
    }
}

void th_csv_free(th_csv *c)
{
    th_buf_free(&c->scratch);
}

/* Fields that point into scratch are stored as offsets (quoted == 2) until the record is
 * complete, because scratch may move as it grows. */
int th_csv_next(th_csv *c, th_csv_field *fields, int max, int *nfields, const char **msg)
{
    const char *p = c->cur, *end = c->end;
    /* skip empty lines */
    while (p < end && (*p == '\n' || *p == '\r')) {
        if (*p == '\n' || (*p == '\r' && (p + 1 >= end || p[1] != '\n')))
            c->line++;
        p++;
    }
    if (p >= end) {
        c->cur = p;
        *nfields = 0;
        return 0;
    }
    c->rec_line = c->line;
    th_buf_reset(&c->scratch);
    int nf = 0, in_scratch = 0;
    for (;;) {
        const bool check = c->check && (!c->check_cols || (nf < c->ncheck_cols && c->check_cols[nf]));
        th_csv_field f = {p, 0, 0};
        size_t scratch_off = 0;
        if (p < end && *p == '"') {
            f.quoted = 1;
            const char *s = ++p;
            int escaped = 0;
            for (;;) {
                const char *q = memchr(p, '"', (size_t)(end - p));
                if (!q) {
                    *msg = "a quoted field is not closed before the end of the file";
                    c->cur = end;
                    return -1;
                }
                for (const char *k = p; k < q; k++)
                    if (*k == '\n')
                        c->line++;
                if (check && !th_utf8_valid(p, (size_t)(q - p)))
                    note_bad_utf8(c, p);
                if (q + 1 < end && q[1] == '"') {
                    if (!escaped) {
                        escaped = 1;
                        scratch_off = c->scratch.len;
                    }
                    th_buf_put(&c->scratch, p, (size_t)(q - p) + 1);
                    p = q + 2;
                    continue;
                }
                if (escaped)
                    th_buf_put(&c->scratch, p, (size_t)(q - p));
                f.len = escaped ? c->scratch.len - scratch_off : (size_t)(q - s);
                p = q + 1;
                break;
            }
            if (p < end && stop_plain[(unsigned char)*p] != 1) {
                *msg = "text after the closing quote of a field";
                c->rec_line = c->line;
                /* resynchronise at the next line so a caller could continue */
                while (p < end && *p != '\n')
                    p++;
                c->cur = p;
                return -1;
            }
            if (escaped) {
                /* store the scratch offset for now; fixed up once the record is complete */
                f.p = (const char *)(uintptr_t)scratch_off;
                f.quoted = 2;
                in_scratch = 1;
                if (nf < max)
                    fields[nf] = f;
                nf++;
                goto separator;
            }
            f.p = s;
        } else {
            const char *s = p;
            p = scan_unquoted(c, p, end, check);
            f.p = s;
            f.len = (size_t)(p - s);
        }
        if (nf < max)
            fields[nf] = f;
        nf++;
    separator:
        if (p < end && *p == ',') {
            p++;
            continue;
        }
        /* end of record */
        if (p < end && *p == '\r')
            p++;
        if (p < end && *p == '\n')
            p++;
        c->line++;
        break;
    }
    if (in_scratch) {
        int lim = nf < max ? nf : max;
        for (int i = 0; i < lim; i++)
            if (fields[i].quoted == 2) {
                fields[i].p = c->scratch.p + (uintptr_t)fields[i].p;
                fields[i].quoted = 1;
            }
    }
    c->cur = p;
    *nfields = nf;
    return 1;
}
