/* encoding.c — UTF-8 detection and GBK conversion through iconv. */
#include "inventory/encoding.h"

#include "base/mem.h"
#include "base/text.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

const char *th_encoding_name(th_encoding e)
{
    switch (e) {
    case TH_ENC_UTF8: return "utf-8";
    case TH_ENC_GBK: return "gbk";
    case TH_ENC_AUTO: break;
    }
    return "auto";
}

int th_encoding_parse(const char *s, th_encoding *out)
{
    if (th_eq_nocase(s, strlen(s), "utf-8", 5) || th_eq_nocase(s, strlen(s), "utf8", 4))
        *out = TH_ENC_UTF8;
    else if (th_eq_nocase(s, strlen(s), "gbk", 3) || th_eq_nocase(s, strlen(s), "gb18030", 7) ||
             th_eq_nocase(s, strlen(s), "cp936", 5) || th_eq_nocase(s, strlen(s), "gb2312", 6))
        *out = TH_ENC_GBK;
    else if (th_eq_nocase(s, strlen(s), "auto", 4))
        *out = TH_ENC_AUTO;
    else
        return -1;
    return 0;
}

static long line_of(const char *data, size_t off)
{
    long line = 1;
    for (size_t i = 0; i < off; i++)
        if (data[i] == '\n')
            line++;
    return line;
}

static size_t first_bad_utf8(const char *s, size_t n)
{
    /* binary search would not work (validity is not monotone at byte level); scan lines */
    size_t start = 0;
    while (start < n) {
        const char *nl = memchr(s + start, '\n', n - start);
        size_t end = nl ? (size_t)(nl - s) + 1 : n;
        if (!th_utf8_valid(s + start, end - start))
            return start;
        start = end;
    }
    return n;
}

int th_gbk_to_utf8(const char *data, size_t n, const char *file, char **owned, size_t *out_n,
                   th_err *e)
{
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    if (cd == (iconv_t)-1)
        return th_fail(e, TH_EIO, "this system's iconv cannot convert GBK (GB18030) text");
    size_t cap = n * 3 / 2 + 16;
    char *out = th_xmalloc(cap);
    char *in = (char *)data;
    size_t inleft = n, outpos = 0;
    while (inleft > 0) {
        char *op = out + outpos;
        size_t outleft = cap - outpos;
        size_t r = iconv(cd, &in, &inleft, &op, &outleft);
        outpos = (size_t)(op - out);
        if (r != (size_t)-1)
            break;
        if (errno == E2BIG) {
            cap *= 2;
            out = th_xrealloc(out, cap);
            continue;
        }
        size_t off = (size_t)(in - data);
        iconv_close(cd);
        free(out);
        return th_fail_at(e, TH_EINPUT, file, line_of(data, off), NULL, NULL, 0,
                          "the text is neither UTF-8 nor GBK (byte 0x%02x at offset %zu)",
                          (unsigned char)data[off], off);
    }
    iconv_close(cd);
    *owned = out;
    *out_n = outpos;
    return 0;
}

int th_to_utf8(const char *data, size_t n, th_encoding want, const char *file, const char **out,
               size_t *out_n, char **owned, th_encoding *used, th_err *e)
{
    *owned = NULL;
    bool bom = n >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0;
    if (want == TH_ENC_UTF8 || (want == TH_ENC_AUTO && (bom || th_utf8_valid(data, n)))) {
        if (bom) {
            data += 3;
            n -= 3;
        }
        if (want == TH_ENC_UTF8 && !th_utf8_valid(data, n)) {
            size_t off = first_bad_utf8(data, n);
            return th_fail_at(e, TH_EINPUT, file, line_of(data, off) , NULL, NULL, 0,
                              "the text is not valid UTF-8 (try --encoding gbk)");
        }
        *out = data;
        *out_n = n;
        *used = TH_ENC_UTF8;
        return 0;
    }
    if (th_gbk_to_utf8(data, n, file, owned, out_n, e) != 0)
        return -1;
    *out = *owned;
    *used = TH_ENC_GBK;
    return 0;
}
