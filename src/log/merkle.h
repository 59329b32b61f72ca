/* merkle.h — the transparency log's Merkle tree, exactly RFC 9162 §2.1 with SHA-256 (domain:
 * transparency-log.md). Pure: the hashes of complete subtrees are read through a callback, so the
 * store decides where they live.
 *
 *   leaf hash   = SHA-256(0x00 || entry)         node hash = SHA-256(0x01 || left || right)
 *   MTH({})     = SHA-256("")                    MTH(D[0:n]) = node(MTH(D[0:k]), MTH(D[k:n])),
 *                                                k the largest power of 2 below n
 *
 * Storage: the hash of every complete subtree is kept once, append-only, named (level, index):
 * the subtree of leaves [index * 2^level, (index + 1) * 2^level). Appending leaf n adds the
 * hashes of the subtrees it completes, 1 + (trailing ones of n) of them: O(log n). A root, an
 * inclusion proof and a consistency proof read O(log n) such hashes (at most O(log² n) for the
 * ragged right edge of a tree whose size is not a power of two). */
#ifndef TH_MERKLE_H
#define TH_MERKLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { TH_HASH = 32, TH_PROOF_MAX = 64 };

void th_merkle_leaf_hash(const void *entry, size_t n, uint8_t out[TH_HASH]);
void th_merkle_node_hash(const uint8_t left[TH_HASH], const uint8_t right[TH_HASH],
                         uint8_t out[TH_HASH]);

/* Reads the stored hash of complete subtree (level, index); 0, or -1 when it cannot. */
typedef int (*th_merkle_get)(void *arg, int level, int64_t index, uint8_t out[TH_HASH]);

typedef struct {
    int level;
    int64_t index;
    uint8_t hash[TH_HASH];
} th_merkle_node;

/* Append k entries at once as leaves n..n+k-1 (their leaf hashes computed here, many at a time):
 * out (room for 2k + 64) gets every subtree hash to store, the leaves first, then each level's
 * new nodes; the stored hashes left of them are read through get. -1 if a read failed. */
int th_merkle_append_entries(int64_t n, const uint8_t *const *entries, const size_t *lens,
                             size_t k, th_merkle_get get, void *arg, th_merkle_node *out,
                             size_t *nout);
/* The root of the first `size` leaves. */
int th_merkle_root(int64_t size, th_merkle_get get, void *arg, uint8_t out[TH_HASH]);
/* The inclusion proof of leaf `index` in the tree of `size` leaves (RFC 9162 §2.1.3.1). */
int th_merkle_prove_inclusion(int64_t index, int64_t size, th_merkle_get get, void *arg,
                              uint8_t proof[TH_PROOF_MAX][TH_HASH], int *nproof);
/* The consistency proof from size1 to size2, 0 < size1 <= size2 (RFC 9162 §2.1.4.1). */
int th_merkle_prove_consistency(int64_t size1, int64_t size2, th_merkle_get get, void *arg,
                                uint8_t proof[TH_PROOF_MAX][TH_HASH], int *nproof);

/* Verification, as a third party does it (RFC 9162 §2.1.3.2 and §2.1.4.2). A consistency proof
 * from size 0 is refused (it proves nothing); equal sizes need an empty proof and equal roots. */
bool th_merkle_verify_inclusion(int64_t index, int64_t size, const uint8_t leaf[TH_HASH],
                                const uint8_t (*proof)[TH_HASH], int nproof,
                                const uint8_t root[TH_HASH]);
bool th_merkle_verify_consistency(int64_t size1, int64_t size2, const uint8_t root1[TH_HASH],
                                  const uint8_t root2[TH_HASH], const uint8_t (*proof)[TH_HASH],
                                  int nproof);

#endif
