/* log_verify.c — the log checked from its entries up. See log_verify.h.
 *
 * One pass over the entries in order keeps the frontier of the tree (the complete subtrees of
 * the leaves so far, at most one per level): each new leaf merges with equal-level subtrees to
 * its left, and every subtree completed is compared with the stored hash of that (level, index).
 * At a checkpoint's size the root is the frontier folded right to left, compared with the root
 * the checkpoint signed. A stored hash that differs is remembered, not reported at once: if the
 * signed roots still hold, the entries are intact and the hash row was changed; if a signed root
 * breaks, an entry was, and the first mismatching leaf says which. */
#include "log/log_verify.h"

#include "base/mem.h"
#include "log/log_store.h"
#include "log/merkle.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int64_t size;
    uint8_t root[TH_HASH];
    char *note;
    size_t len;
} checkpoint;

typedef struct {
    int level;
    int64_t index;
    uint8_t hash[TH_HASH];
} subtree;

/* The stored tile last read at a level (hashes are read tile by tile, in order). */
typedef struct {
    int64_t tile; /* -1: none */
    int n;
    uint8_t hashes[TH_TILE][TH_HASH];
} tile_cache;

typedef struct {
    th_db *db;
    tile_cache tiles[TH_PROOF_MAX];
    subtree frontier[TH_PROOF_MAX];
    int top;
    bool mismatch; /* the first stored hash that differs: */
    int bad_level;
    int64_t bad_index;
    int64_t hashes;
} walk;

static int check_stored(walk *w, const subtree *s, th_err *e)
{
    w->hashes++;
    tile_cache *c = &w->tiles[s->level];
    int64_t tile = s->index / TH_TILE;
    int at = (int)(s->index % TH_TILE);
    if (c->tile != tile || at >= c->n) {
        if (th_log_tile(w->db, s->level, tile, c->hashes, &c->n, e))
            return -1;
        c->tile = tile;
    }
    if (at < c->n && memcmp(c->hashes[at], s->hash, TH_HASH) == 0)
        return 0;
    if (!w->mismatch) {
        w->mismatch = true;
        w->bad_level = s->level;
        w->bad_index = s->index;
    }
    return 0;
}

static int add_leaf(walk *w, int64_t i, const uint8_t leaf[TH_HASH], th_err *e)
{
    subtree *f = w->frontier;
    f[w->top] = (subtree){.level = 0, .index = i};
    memcpy(f[w->top].hash, leaf, TH_HASH);
    w->top++;
    if (check_stored(w, &f[w->top - 1], e))
        return -1;
    while (w->top >= 2 && f[w->top - 1].level == f[w->top - 2].level) {
        subtree *l = &f[w->top - 2], *r = &f[w->top - 1];
        subtree up = {.level = l->level + 1, .index = l->index / 2};
        th_merkle_node_hash(l->hash, r->hash, up.hash);
        w->top--;
        *l = up;
        if (check_stored(w, l, e))
            return -1;
    }
    return 0;
}

static void root_of(const walk *w, uint8_t out[TH_HASH])
{
    memcpy(out, w->frontier[w->top - 1].hash, TH_HASH);
    for (int k = w->top - 2; k >= 0; k--)
        th_merkle_node_hash(w->frontier[k].hash, out, out);
}

/* The checkpoint signed at c->size, against the root the entries give. */
static int check_checkpoint(const checkpoint *c, const uint8_t root[TH_HASH],
                            const th_note_verifier *v, const walk *w, th_err *e)
{
    long long s = (long long)c->size;
    if (!v)
        return th_fail(e, TH_EINPUT, "checkpoint %lld: the database has no log key to check "
                                     "its signature with", s);
    size_t text_len;
    th_err why;
    if (th_note_open(c->note, c->len, v, &text_len, &why))
        return th_fail(e, TH_EINPUT, "checkpoint %lld: its signature does not verify: %s", s,
                       why.msg);
    char origin[TH_NOTE_NAME_MAX * 2];
    int64_t size;
    uint8_t signed_root[TH_HASH];
    if (th_checkpoint_parse(c->note, text_len, origin, &size, signed_root, &why))
        return th_fail(e, TH_EINPUT, "checkpoint %lld: %s", s, why.msg);
    if (strcmp(origin, v->name) != 0 || size != c->size)
        return th_fail(e, TH_EINPUT, "checkpoint %lld: its note names log '%s' at size %lld",
                       s, origin, (long long)size);
    if (memcmp(signed_root, c->root, TH_HASH) != 0)
        return th_fail(e, TH_EINPUT, "checkpoint %lld: the root stored beside it is not the "
                                     "root it signed", s);
    if (memcmp(signed_root, root, TH_HASH) == 0)
        return 0;
    if (w->mismatch && w->bad_level == 0)
        return th_fail(e, TH_EINPUT, "entry %lld was changed after it was logged: the entries "
                                     "no longer give the root checkpoint %lld signed",
                       (long long)w->bad_index, s);
    return th_fail(e, TH_EINPUT, "the first %lld entries no longer give the root checkpoint "
                                 "%lld signed: an entry was changed", s, s);
}

static int load_checkpoints(th_db *db, checkpoint **out, size_t *n, th_err *e)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st;
    if (th_db_prepare(db, "SELECT size, root, note FROM log_checkpoints ORDER BY size", &st, e))
        return -1;
    size_t cap = 0;
    int r;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            *out = th_xrealloc(*out, cap * sizeof **out);
        }
        checkpoint *c = &(*out)[(*n)++];
        memset(c, 0, sizeof *c);
        c->size = sqlite3_column_int64(st, 0);
        if (sqlite3_column_bytes(st, 1) == TH_HASH)
            memcpy(c->root, sqlite3_column_blob(st, 1), TH_HASH);
        c->len = (size_t)sqlite3_column_bytes(st, 2);
        c->note = th_xmalloc(c->len + 1);
        if (c->len)
            memcpy(c->note, sqlite3_column_blob(st, 2), c->len);
        c->note[c->len] = '\0';
    }
    sqlite3_finalize(st);
    return r == SQLITE_DONE ? 0 : th_db_fail(db, "cannot read the checkpoints", e);
}

/* Each checkpoint consistent with the next, by a proof from the stored tree. */
static int check_consistency(th_db *db, const checkpoint *c, size_t n, th_err *e)
{
    for (size_t k = 1; k < n; k++) {
        uint8_t proof[TH_PROOF_MAX][TH_HASH];
        int np;
        if (c[k - 1].size == 0)
            continue;
        if (th_merkle_prove_consistency(c[k - 1].size, c[k].size, th_log_get_hash, db, proof,
                                        &np) != 0 ||
            !th_merkle_verify_consistency(c[k - 1].size, c[k].size, c[k - 1].root, c[k].root,
                                          (const uint8_t(*)[TH_HASH])proof, np))
            return th_fail(e, TH_EINPUT, "checkpoint %lld is not consistent with checkpoint "
                                         "%lld", (long long)c[k].size, (long long)c[k - 1].size);
    }
    return 0;
}

int th_log_verify(th_db *db, const th_note_verifier *v, th_log_verified *out, th_err *e)
{
    memset(out, 0, sizeof *out);
    checkpoint *cps;
    size_t ncp;
    if (load_checkpoints(db, &cps, &ncp, e))
        return -1;
    walk *w = th_xcalloc(1, sizeof *w);
    w->db = db;
    for (int l = 0; l < TH_PROOF_MAX; l++)
        w->tiles[l].tile = -1;
    sqlite3_stmt *st = NULL;
    int rc = th_db_prepare(db, "SELECT idx, entry FROM log_entries ORDER BY idx", &st, e);
    int64_t i = 0;
    size_t k = 0;
    int r = SQLITE_DONE;
    while (rc == 0 && (r = sqlite3_step(st)) == SQLITE_ROW) {
        if (sqlite3_column_int64(st, 0) != i) {
            rc = th_fail(e, TH_EINPUT, "entry %lld is missing from the log", (long long)i);
            break;
        }
        uint8_t leaf[TH_HASH];
        th_merkle_leaf_hash(sqlite3_column_blob(st, 1), (size_t)sqlite3_column_bytes(st, 1),
                            leaf);
        if (add_leaf(w, i, leaf, e)) {
            rc = -1;
            break;
        }
        i++;
        while (rc == 0 && k < ncp && cps[k].size <= i) {
            uint8_t root[TH_HASH];
            root_of(w, root);
            if (cps[k].size < i) /* a size no entry ends at: only 0 can be */
                rc = th_fail(e, TH_EINPUT, "checkpoint %lld: not a size of this log",
                             (long long)cps[k].size);
            else
                rc = check_checkpoint(&cps[k], root, v, w, e);
            k++;
        }
    }
    if (st)
        sqlite3_finalize(st);
    if (rc == 0 && r != SQLITE_DONE)
        rc = th_db_fail(db, "cannot read the log", e);
    if (rc == 0 && k < ncp)
        rc = th_fail(e, TH_EINPUT, "checkpoint %lld covers more entries than the log has (%lld)",
                     (long long)cps[k].size, (long long)i);
    if (rc == 0 && w->mismatch)
        rc = th_fail(e, TH_EINPUT, "the stored hash at level %d, index %lld is not the one the "
                                   "entries give: it was changed", w->bad_level,
                     (long long)w->bad_index);
    int64_t stored = 0;
    if (rc == 0 && th_log_stored_hashes(db, &stored, e) != 0)
        rc = -1;
    if (rc == 0 && stored != w->hashes)
        rc = th_fail(e, TH_EINPUT, "the log stores %lld subtree hashes where its %lld entries "
                                   "have %lld", (long long)stored, (long long)i,
                     (long long)w->hashes);
    if (rc == 0)
        rc = check_consistency(db, cps, ncp, e);
    if (rc == 0)
        *out = (th_log_verified){.entries = i, .hashes = w->hashes, .checkpoints = (int64_t)ncp};
    for (size_t c = 0; c < ncp; c++)
        free(cps[c].note);
    free(cps);
    free(w);
    return rc;
}
