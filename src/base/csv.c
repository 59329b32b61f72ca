/* csv.c — RFC 4180 tokenizer. The unquoted path is a tight table-driven scan, because inventory
 * files of a million parcels go through it. */
#include "base/csv.h"

#include <stdint.h>
#include <string.h>

/* 1 for bytes that end an unquoted field */
static const uint8_t stop[256] = {[','] = 1, ['\n'] = 1, ['\r'] = 1};

void th_csv_init(th_csv *c, const char *p, size_t n)
{
    c->cur = p;
    c->end = p + n;
    c->line = 1;
    c->rec_line = 1;
    th_buf_init(&c->scratch);
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
            if (p < end && !stop[(unsigned char)*p]) {
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
            while (p < end && !stop[(unsigned char)*p])
                p++;
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
