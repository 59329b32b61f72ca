/* serial.c — serial blocks: checks, text, splitting. See serial.h for the invariants. */
#include "ledger/serial.h"

#include "base/num.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

int64_t th_block_quantity(const th_block *b)
{
    return b->last >= b->first ? b->last - b->first + 1 : 0;
}

static bool code_ok(const char *s, size_t max)
{
    size_t n = strnlen(s, max);
    if (n == 0 || n >= max)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
            return false;
    }
    return true;
}

int th_block_check(const th_block *b, th_err *e)
{
    if (!code_ok(b->registry, sizeof b->registry))
        return th_fail_at(e, TH_EINPUT, NULL, 0, "registry", b->registry,
                          strnlen(b->registry, sizeof b->registry),
                          "a registry code is 1 to %zu letters or digits", sizeof b->registry - 1);
    if (!code_ok(b->project, sizeof b->project))
        return th_fail_at(e, TH_EINPUT, NULL, 0, "project", b->project,
                          strnlen(b->project, sizeof b->project),
                          "a project code is 1 to %zu letters or digits", sizeof b->project - 1);
    if (b->vintage < 1900 || b->vintage > 9999) {
        char v[16];
        snprintf(v, sizeof v, "%d", b->vintage);
        return th_fail_at(e, TH_EINPUT, NULL, 0, "vintage", v, strlen(v),
                          "a vintage is a year from 1900 to 9999");
    }
    if (b->first < 1 || b->last > TH_SERIAL_MAX || b->first > b->last) {
        char v[48];
        snprintf(v, sizeof v, "%lld-%lld", (long long)b->first, (long long)b->last);
        return th_fail_at(e, TH_EINPUT, NULL, 0, "serials", v, strlen(v),
                          "serials run from 1 to %lld, and the first is not after the last",
                          (long long)TH_SERIAL_MAX);
    }
    return 0;
}

/* v (>= 0) in decimal with at least `width` digits (zero-padded) at p; returns the end. */
static char *put_digits(char *p, int64_t v, int width)
{
    char tmp[24];
    int n = (int)th_format_int64(v, tmp);
    for (; width > n; width--)
        *p++ = '0';
    memcpy(p, tmp, (size_t)n);
    return p + n;
}

static char *put_code(char *p, const char *code, size_t max)
{
    size_t n = strnlen(code, max);
    memcpy(p, code, n);
    return p + n;
}

/* No printf: this runs for every block of every transfer's answer. Negative numbers cannot be
 * valid, so they are written as 0 (th_block_check refuses them before they are stored). */
void th_block_format(const th_block *b, char out[TH_SERIAL_TEXT_MAX])
{
    char *p = out;
    p = put_code(p, b->registry, 15);
    *p++ = '-';
    p = put_code(p, b->project, 23);
    *p++ = '-';
    p = put_digits(p, b->vintage > 0 ? (int64_t)b->vintage : 0, 4);
    *p++ = '-';
    p = put_digits(p, b->first > 0 ? b->first : 0, 9);
    *p++ = '-';
    p = put_digits(p, b->last > 0 ? b->last : 0, 9);
    *p = 0;
}

void th_project_code(int64_t id, char out[24])
{
    out[0] = 'P';
    *put_digits(out + 1, id > 0 ? id : 0, 4) = 0;
}

int th_block_parse(const char *s, size_t n, th_block *out, th_err *e)
{
    /* five parts separated by '-': codes are letters and digits, so no part holds a '-' */
    const char *part[5];
    size_t len[5];
    int k = 0;
    const char *p = s, *end = s + n;
    while (k < 5) {
        const char *dash = memchr(p, '-', (size_t)(end - p));
        part[k] = p;
        len[k] = dash ? (size_t)(dash - p) : (size_t)(end - p);
        k++;
        if (!dash)
            break;
        p = dash + 1;
    }
    if (k != 5 || part[4] + len[4] != end)
        return th_fail_at(e, TH_EINPUT, NULL, 0, "serial", s, n,
                          "a serial block is REGISTRY-PROJECT-VINTAGE-FIRST-LAST, e.g. "
                          "SGFC-P0007-2024-000120001-000121500");
    memset(out, 0, sizeof *out);
    if (len[0] == 0 || len[0] >= sizeof out->registry || len[1] == 0 ||
        len[1] >= sizeof out->project)
        return th_fail_at(e, TH_EINPUT, NULL, 0, "serial", s, n,
                          "the registry or project code is empty or too long");
    memcpy(out->registry, part[0], len[0]);
    memcpy(out->project, part[1], len[1]);
    int64_t v, first, last;
    if (len[2] != 4 || th_parse_int64(part[2], len[2], 1900, 9999, &v) != 0)
        return th_fail_at(e, TH_EINPUT, NULL, 0, "vintage", part[2], len[2],
                          "the vintage is a four-digit year");
    out->vintage = (int)v;
    for (int i = 3; i < 5; i++)
        for (size_t j = 0; j < len[i]; j++)
            if (part[i][j] < '0' || part[i][j] > '9' || len[i] > 15)
                return th_fail_at(e, TH_EINPUT, NULL, 0, i == 3 ? "first" : "last", part[i],
                                  len[i], "a serial number is 1 to 15 digits");
    if (len[3] == 0 || len[4] == 0 || th_parse_int64(part[3], len[3], 0, TH_SERIAL_MAX, &first) ||
        th_parse_int64(part[4], len[4], 0, TH_SERIAL_MAX, &last))
        return th_fail_at(e, TH_EINPUT, NULL, 0, "serial", s, n, "a serial number is missing");
    out->first = first;
    out->last = last;
    if (th_block_check(out, e) != 0) {
        th_copy_utf8(e->value, sizeof e->value, s, n);
        return -1;
    }
    return 0;
}

int th_block_split(const th_block *b, int64_t qty, th_block *head, th_block *tail, th_err *e)
{
    int64_t q = th_block_quantity(b);
    if (qty <= 0 || qty > q)
        return th_fail(e, TH_EINPUT, "cannot take %lld credits from a block of %lld",
                       (long long)qty, (long long)q);
    *head = *b;
    *tail = *b;
    head->last = b->first + qty - 1;
    tail->first = head->last + 1; /* empty (first > last) when the whole block was taken */
    return 0;
}

int th_block_cut(const th_block *b, int64_t first, int64_t last, th_block *before,
                 th_block *range, th_block *after, th_err *e)
{
    if (first > last || first < b->first || last > b->last)
        return th_fail(e, TH_EINPUT, "serials %lld-%lld are not inside the block %lld-%lld",
                       (long long)first, (long long)last, (long long)b->first,
                       (long long)b->last);
    *before = *range = *after = *b;
    before->last = first - 1; /* empty when first == b->first */
    range->first = first;
    range->last = last;
    after->first = last + 1; /* empty when last == b->last */
    return 0;
}

int th_blocks_take(const th_block *blocks, size_t n, int64_t qty, th_block *out, size_t *nout,
                   size_t *rest_index, th_block *rest, th_err *e)
{
    *nout = 0;
    if (qty <= 0)
        return th_fail(e, TH_EINPUT, "the quantity must be at least 1 (got %lld)",
                       (long long)qty);
    int64_t left = qty;
    for (size_t i = 0; i < n; i++) {
        int64_t q = th_block_quantity(&blocks[i]);
        if (q == 0)
            continue;
        th_block head, tail;
        int64_t take = left < q ? left : q;
        if (th_block_split(&blocks[i], take, &head, &tail, e) != 0)
            return -1;
        out[(*nout)++] = head;
        left -= take;
        if (left == 0) {
            *rest_index = i;
            *rest = tail;
            return 0;
        }
    }
    *nout = 0;
    return th_fail(e, TH_EINPUT, "only %lld credits are there, %lld were asked for",
                   (long long)(qty - left), (long long)qty);
}
