/* log_store.h — the transparency log in the store: entries appended in the caller's
 * transaction (so the log and the state it records commit or vanish together), the Merkle tree's
 * complete subtrees kept once each, and roots and proofs read back in O(log n) (merkle.h).
 *
 * Tables: log_entries(idx, entry) — entry i is the i-th state change, verbatim;
 * log_tiles(id, hashes) — the hashes of the complete subtrees of one level (merkle.h's (level,
 * index)) in tiles of TH_TILE consecutive ones: tile t of level l has id l * 2^40 + t and holds
 * the hashes of indexes 63t, 63t + 1, ... (fewer while the level's last tile fills). 63, not a
 * power of two: two such rows (2,016 bytes of hashes and their cells' headers) fill a 4 KiB page,
 * where one of 64 took a page alone (migration 23);
 * log_checkpoints(size, root, note, created_at). */
#ifndef TH_LOG_STORE_H
#define TH_LOG_STORE_H

#include "base/buf.h"
#include "base/err.h"
#include "log/merkle.h"
#include "store/db.h"

#include <stdint.h>

enum { TH_TILE = 63 };
#define TH_TILE_ID(level, tile) ((int64_t)(level) * ((int64_t)1 << 40) + (tile))

/* Tile `tile` of `level`: its hashes into out (room for TH_TILE), *n how many (0: none yet). */
int th_log_tile(th_db *db, int level, int64_t tile, uint8_t (*out)[TH_HASH], int *n, th_err *e)
    __attribute__((warn_unused_result));
/* How many subtree hashes are stored, over all levels. */
int th_log_stored_hashes(th_db *db, int64_t *n, th_err *e) __attribute__((warn_unused_result));
/* The th_merkle_get of the store (arg: the th_db): one stored subtree hash. */
int th_log_get_hash(void *arg, int level, int64_t index, uint8_t out[TH_HASH]);
/* The number of entries. */
int th_log_size(th_db *db, int64_t *size, th_err *e) __attribute__((warn_unused_result));
/* Append msg[0..k) (their bytes exactly) as the next entries, and store the tree's hashes of
 * them (all at once: the engine appends a batch's entries just before it commits). *first gets
 * the index of the first (0-based). */
int th_log_append_many(th_db *db, const uint8_t *const *msg, const size_t *len, size_t k,
                       int64_t *first, th_err *e) __attribute__((warn_unused_result));
/* One entry. */
int th_log_append(th_db *db, const char *entry, size_t n, int64_t *index, th_err *e)
    __attribute__((warn_unused_result));
/* Entry i, its bytes exactly, appended to out. */
int th_log_entry(th_db *db, int64_t i, th_buf *out, th_err *e) __attribute__((warn_unused_result));
/* The root of the first `size` entries (size <= the log's size). The writing connection keeps
 * the tree's right edge in memory (log_store.c); th_log_root_stored reads every hash from the
 * store, so that a hash changed under the log shows (a checkpoint is never signed over one). */
int th_log_root(th_db *db, int64_t size, uint8_t root[TH_HASH], th_err *e)
    __attribute__((warn_unused_result));
int th_log_root_stored(th_db *db, int64_t size, uint8_t root[TH_HASH], th_err *e)
    __attribute__((warn_unused_result));
/* {"index":N,"size":S,"leaf_hash":hex,"proof":[hex,…],"root":hex} */
int th_log_prove_json(th_db *db, int64_t index, int64_t size, th_buf *out, th_err *e)
    __attribute__((warn_unused_result));
/* {"old_size":M,"new_size":N,"old_root":hex,"new_root":hex,"proof":[hex,…]} */
int th_log_consistency_json(th_db *db, int64_t old_size, int64_t new_size, th_buf *out,
                            th_err *e) __attribute__((warn_unused_result));

#endif
