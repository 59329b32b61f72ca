/* encoding.h — inventory text arrives as UTF-8 (with or without a BOM) or as GBK; everything
 * inside tanhui is UTF-8.
 *
 * Detection (csv_reader.c does it while it tokenizes): a UTF-8 BOM means UTF-8; text that is
 * valid UTF-8 is UTF-8; anything else is read as GBK (through iconv's GB18030, its superset).
 * Text that is neither is an error naming the line of the first byte that fits no encoding. */
#ifndef TH_ENCODING_H
#define TH_ENCODING_H

#include "base/err.h"

#include <stddef.h>

typedef enum { TH_ENC_AUTO, TH_ENC_UTF8, TH_ENC_GBK } th_encoding;

const char *th_encoding_name(th_encoding e);
int th_encoding_parse(const char *s, th_encoding *out);

/* Convert GBK (GB18030) text to a malloc'd UTF-8 buffer in *owned. */
int th_gbk_to_utf8(const char *data, size_t n, const char *file, char **owned, size_t *out_n,
                   th_err *e) __attribute__((warn_unused_result));

#endif
