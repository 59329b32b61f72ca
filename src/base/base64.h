/* base64.h — standard base64 (RFC 4648 §4, with padding), strict on the way in: only the
 * alphabet, exact padding, and zero bits where the last character has bits to spare, so that
 * every value has one text. Pure. */
#ifndef TH_BASE64_H
#define TH_BASE64_H

#include "base/buf.h"

#include <stddef.h>
#include <stdint.h>

void th_base64_encode(const uint8_t *p, size_t n, th_buf *out);
/* Decode s[0..n) into out (room for cap bytes); returns the length, or -1 if the text is not
 * canonical base64 or does not fit. */
long th_base64_decode(const char *s, size_t n, uint8_t *out, size_t cap);

#endif
