/* sha256.c — SHA-256 through the EVP interface. The algorithm is fetched once: fetching it per
 * digest (what EVP_sha256() in an init does) cost more than hashing a log entry. */
#include "base/sha256.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static EVP_MD *sha256_md;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;

static void fetch_md(void)
{
    sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
}

static const EVP_MD *md(void)
{
    pthread_once(&sha256_once, fetch_md);
    return sha256_md ? sha256_md : EVP_sha256();
}

struct th_sha256_ctx {
    EVP_MD_CTX *ctx;
};

static void crypto_fail(void)
{
    fprintf(stderr, "tanhui: libcrypto failed to compute SHA-256\n");
    abort();
}

th_sha256_ctx *th_sha256_new(void)
{
    th_sha256_ctx *h = malloc(sizeof *h);
    if (!h)
        crypto_fail();
    h->ctx = EVP_MD_CTX_new();
    if (!h->ctx || EVP_DigestInit_ex(h->ctx, md(), NULL) != 1)
        crypto_fail();
    return h;
}

void th_sha256_update(th_sha256_ctx *h, const void *p, size_t n)
{
    if (n && EVP_DigestUpdate(h->ctx, p, n) != 1)
        crypto_fail();
}

void th_sha256_final(th_sha256_ctx *h, uint8_t out[32])
{
    unsigned len = 0;
    if (EVP_DigestFinal_ex(h->ctx, out, &len) != 1 || len != 32)
        crypto_fail();
}

void th_sha256_free(th_sha256_ctx *h)
{
    if (!h)
        return;
    EVP_MD_CTX_free(h->ctx);
    free(h);
}

void th_sha256(const void *p, size_t n, uint8_t out[32])
{
    unsigned len = 0;
    if (EVP_Digest(p, n, out, &len, md(), NULL) != 1 || len != 32)
        crypto_fail();
}

void th_hex(const uint8_t *p, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[2 * n] = '\0';
}
