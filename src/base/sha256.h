/* sha256.h — SHA-256 over OpenSSL's libcrypto (the fastest one packaged), and hex. */
#ifndef TH_SHA256_H
#define TH_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct th_sha256_ctx th_sha256_ctx;

th_sha256_ctx *th_sha256_new(void);
void th_sha256_update(th_sha256_ctx *h, const void *p, size_t n);
void th_sha256_final(th_sha256_ctx *h, uint8_t out[32]);
void th_sha256_free(th_sha256_ctx *h);
void th_sha256(const void *p, size_t n, uint8_t out[32]);
/* The SHA-256 of each prefix || msg[i] (len[i] bytes), i < count, into out[i]: many short
 * messages at once (sixteen per AVX-512 register, or eight per AVX2 register, where the CPU has
 * them). */
/* For tests and benchmarks: use at most `lanes` lanes (16, 8, or 1: libcrypto one at a time);
 * returns the width now used, which is also bounded by the CPU. */
int th_sha256_many_limit(int lanes);
void th_sha256_prefixed_many(uint8_t prefix, const uint8_t *const *msg, const size_t *len,
                             size_t count, uint8_t (*out)[32]);
/* out gets 2n hex digits and a NUL. */
void th_hex(const uint8_t *p, size_t n, char *out);

#endif
