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
