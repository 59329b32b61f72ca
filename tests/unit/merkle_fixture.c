/* merkle_fixture.c — see merkle_fixture.h. */
#include "merkle_fixture.h"

#include "base/sha256.h"

#include <string.h>

void th_test_merkle_root(uint8_t (*leaf)[TH_HASH], int64_t n, uint8_t out[TH_HASH])
{
    if (n == 0) {
        th_sha256("", 0, out);
        return;
    }
    if (n == 1) {
        memcpy(out, leaf[0], TH_HASH);
        return;
    }
    int64_t k = 1;
    while (k * 2 < n)
        k *= 2;
    uint8_t l[TH_HASH], r[TH_HASH];
    th_test_merkle_root(leaf, k, l);
    th_test_merkle_root(leaf + k, n - k, r);
    th_merkle_node_hash(l, r, out);
}
