/* merkle.c — RFC 9162 Merkle trees over stored complete subtrees. See merkle.h. */
#include "log/merkle.h"

#include "base/mem.h"
#include "base/sha256.h"

#include <stdlib.h>
#include <string.h>

void th_merkle_leaf_hash(const void *entry, size_t n, uint8_t out[TH_HASH])
{
    const uint8_t *p = entry;
    th_sha256_prefixed_many(0x00, &p, &n, 1, (uint8_t(*)[TH_HASH])out);
}

void th_merkle_node_hash(const uint8_t left[TH_HASH], const uint8_t right[TH_HASH],
                         uint8_t out[TH_HASH])
{
    uint8_t buf[1 + 2 * TH_HASH];
    buf[0] = 0x01;
    memcpy(buf + 1, left, TH_HASH);
    memcpy(buf + 1 + TH_HASH, right, TH_HASH);
    th_sha256(buf, sizeof buf, out);
}

/* The largest power of 2 below n (n > 1). */
static int64_t split_point(int64_t n)
{
    int64_t k = 1;
    while (k * 2 < n)
        k *= 2;
    return k;
}

static int level_of(int64_t n) /* n a power of 2 */
{
    int l = 0;
    while ((INT64_C(1) << l) < n)
        l++;
    return l;
}

/* MTH(D[lo:hi]), lo < hi. In the recursion from the whole tree every left part is a complete,
 * aligned subtree, so it is one stored hash; the right edge is split again. */
static int range_hash(int64_t lo, int64_t hi, th_merkle_get get, void *arg, uint8_t out[TH_HASH])
{
    int64_t n = hi - lo;
    if ((n & (n - 1)) == 0 && lo % n == 0)
        return get(arg, level_of(n), lo / n, out);
    int64_t k = split_point(n);
    uint8_t l[TH_HASH], r[TH_HASH];
    if (range_hash(lo, lo + k, get, arg, l) || range_hash(lo + k, hi, get, arg, r))
        return -1;
    th_merkle_node_hash(l, r, out);
    return 0;
}

int th_merkle_append_entries(int64_t n, const uint8_t *const *entries, const size_t *lens,
                             size_t k, th_merkle_get get, void *arg, th_merkle_node *out,
                             size_t *nout)
{
    *nout = 0;
    if (k == 0)
        return 0;
    uint8_t(*h)[TH_HASH] = th_xmalloc(k * sizeof *h);
    th_sha256_prefixed_many(0x00, entries, lens, k, h);
    for (size_t i = 0; i < k; i++) {
        out[i].level = 0;
        out[i].index = n + (int64_t)i;
        memcpy(out[i].hash, h[i], TH_HASH);
    }
    free(h);
    /* level by level: the nodes this level's new subtrees complete, all hashed at once */
    size_t start = 0, count = k, total = k;
    int64_t first = n;
    uint8_t *pairs = th_xmalloc((k / 2 + 1) * 2 * TH_HASH);
    const uint8_t **msg = th_xmalloc((k / 2 + 1) * sizeof *msg);
    size_t *len = th_xmalloc((k / 2 + 1) * sizeof *len);
    int rc = 0;
    for (int level = 0; level < 62 && count > 0; level++) {
        int64_t last = first + (int64_t)count - 1;
        /* parent p is complete when its right child 2p + 1 is here */
        int64_t p_first = first / 2, p_last = last >= 1 ? (last - 1) / 2 : -1;
        if (p_last < p_first)
            break;
        size_t np = (size_t)(p_last - p_first + 1);
        for (size_t j = 0; j < np; j++) {
            int64_t p = p_first + (int64_t)j, l = 2 * p;
            uint8_t *pair = pairs + j * 2 * TH_HASH;
            if (l >= first)
                memcpy(pair, out[start + (size_t)(l - first)].hash, TH_HASH);
            else if (get(arg, level, l, pair)) {
                rc = -1;
                goto done;
            }
            memcpy(pair + TH_HASH, out[start + (size_t)(l + 1 - first)].hash, TH_HASH);
            msg[j] = pair;
            len[j] = 2 * TH_HASH;
        }
        th_sha256_prefixed_many(0x01, msg, len, np, h = th_xmalloc(np * sizeof *h));
        for (size_t j = 0; j < np; j++) {
            out[total + j].level = level + 1;
            out[total + j].index = p_first + (int64_t)j;
            memcpy(out[total + j].hash, h[j], TH_HASH);
        }
        free(h);
        start = total;
        total += np;
        count = np;
        first = p_first;
    }
done:
    free(pairs);
    free(msg);
    free(len);
    if (rc == 0)
        *nout = total;
    return rc;
}

int th_merkle_root(int64_t size, th_merkle_get get, void *arg, uint8_t out[TH_HASH])
{
    if (size <= 0) {
        th_sha256("", 0, out);
        return 0;
    }
    return range_hash(0, size, get, arg, out);
}

typedef struct {
    uint8_t (*p)[TH_HASH];
    int n;
    th_merkle_get get;
    void *arg;
} proof_out;

static int add(proof_out *o, int64_t lo, int64_t hi)
{
    if (o->n == TH_PROOF_MAX)
        return -1;
    return range_hash(lo, hi, o->get, o->arg, o->p[o->n++]);
}

/* PATH(m, D[lo:hi]): the deeper siblings first, this level's last. */
static int path(int64_t m, int64_t lo, int64_t hi, proof_out *o)
{
    if (hi - lo <= 1)
        return 0;
    int64_t k = split_point(hi - lo);
    if (m < lo + k)
        return path(m, lo, lo + k, o) || add(o, lo + k, hi) ? -1 : 0;
    return path(m, lo + k, hi, o) || add(o, lo, lo + k) ? -1 : 0;
}

int th_merkle_prove_inclusion(int64_t index, int64_t size, th_merkle_get get, void *arg,
                              uint8_t proof[TH_PROOF_MAX][TH_HASH], int *nproof)
{
    *nproof = 0;
    if (index < 0 || index >= size)
        return -1;
    proof_out o = {proof, 0, get, arg};
    if (path(index, 0, size, &o))
        return -1;
    *nproof = o.n;
    return 0;
}

/* SUBPROOF(m, D[lo:hi], whole): m the old size within the range. */
static int subproof(int64_t m, int64_t lo, int64_t hi, bool whole, proof_out *o)
{
    int64_t n = hi - lo;
    if (m == n)
        return whole ? 0 : add(o, lo, hi);
    int64_t k = split_point(n);
    if (m <= k)
        return subproof(m, lo, lo + k, whole, o) || add(o, lo + k, hi) ? -1 : 0;
    return subproof(m - k, lo + k, hi, false, o) || add(o, lo, lo + k) ? -1 : 0;
}

int th_merkle_prove_consistency(int64_t size1, int64_t size2, th_merkle_get get, void *arg,
                                uint8_t proof[TH_PROOF_MAX][TH_HASH], int *nproof)
{
    *nproof = 0;
    if (size1 <= 0 || size1 > size2)
        return -1;
    proof_out o = {proof, 0, get, arg};
    if (subproof(size1, 0, size2, true, &o))
        return -1;
    *nproof = o.n;
    return 0;
}

bool th_merkle_verify_inclusion(int64_t index, int64_t size, const uint8_t leaf[TH_HASH],
                                const uint8_t (*proof)[TH_HASH], int nproof,
                                const uint8_t root[TH_HASH])
{
    if (index < 0 || index >= size || nproof < 0)
        return false;
    uint64_t fn = (uint64_t)index, sn = (uint64_t)size - 1;
    uint8_t r[TH_HASH];
    memcpy(r, leaf, TH_HASH);
    for (int i = 0; i < nproof; i++) {
        if (sn == 0)
            return false;
        if ((fn & 1) || fn == sn) {
            th_merkle_node_hash(proof[i], r, r);
            if (!(fn & 1))
                while (!(fn & 1) && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
        } else {
            th_merkle_node_hash(r, proof[i], r);
        }
        fn >>= 1;
        sn >>= 1;
    }
    return sn == 0 && memcmp(r, root, TH_HASH) == 0;
}

bool th_merkle_verify_consistency(int64_t size1, int64_t size2, const uint8_t root1[TH_HASH],
                                  const uint8_t root2[TH_HASH], const uint8_t (*proof)[TH_HASH],
                                  int nproof)
{
    if (size1 <= 0 || size2 < size1 || nproof < 0)
        return false;
    if (size1 == size2)
        return nproof == 0 && memcmp(root1, root2, TH_HASH) == 0;
    if (nproof == 0)
        return false;
    /* when size1 is a power of 2 its root is the proof's implied first element */
    bool pow2 = (size1 & (size1 - 1)) == 0;
    int i = 0;
    uint8_t fr[TH_HASH], sr[TH_HASH];
    if (pow2) {
        memcpy(fr, root1, TH_HASH);
    } else {
        memcpy(fr, proof[0], TH_HASH);
        i = 1;
    }
    memcpy(sr, fr, TH_HASH);
    uint64_t fn = (uint64_t)size1 - 1, sn = (uint64_t)size2 - 1;
    while (fn & 1) {
        fn >>= 1;
        sn >>= 1;
    }
    for (; i < nproof; i++) {
        if (sn == 0)
            return false;
        if ((fn & 1) || fn == sn) {
            th_merkle_node_hash(proof[i], fr, fr);
            th_merkle_node_hash(proof[i], sr, sr);
            while (!(fn & 1) && fn != 0) {
                fn >>= 1;
                sn >>= 1;
            }
        } else {
            th_merkle_node_hash(sr, proof[i], sr);
        }
        fn >>= 1;
        sn >>= 1;
    }
    return sn == 0 && memcmp(fr, root1, TH_HASH) == 0 && memcmp(sr, root2, TH_HASH) == 0;
}
