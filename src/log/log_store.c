/* log_store.c — the transparency log's rows. See log_store.h. */
#include "log/log_store.h"

#include "base/json.h"
#include "base/mem.h"
#include "base/sha256.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int th_log_tile(th_db *db, int level, int64_t tile, uint8_t (*out)[TH_HASH], int *n, th_err *e)
{
    *n = 0;
    sqlite3_stmt *st;
    if (th_db_stmt(db, "SELECT hashes FROM log_tiles WHERE id = ?", &st, e))
        return -1;
    sqlite3_bind_int64(st, 1, TH_TILE_ID(level, tile));
    int r = sqlite3_step(st), rc = 0;
    if (r == SQLITE_ROW) {
        int bytes = sqlite3_column_bytes(st, 0);
        if (bytes % TH_HASH == 0 && bytes <= TH_TILE * TH_HASH) {
            memcpy(out, sqlite3_column_blob(st, 0), (size_t)bytes);
            *n = bytes / TH_HASH;
        } else {
            rc = th_fail(e, TH_EINPUT, "the log's tile %d/%lld holds %d bytes, not whole hashes",
                         level, (long long)tile, bytes);
        }
    } else if (r != SQLITE_DONE) {
        rc = th_db_fail(db, "cannot read the log's tree", e);
    }
    th_db_done(db, st);
    return rc;
}

int th_log_get_hash(void *arg, int level, int64_t index, uint8_t out[TH_HASH])
{
    th_db *db = arg;
    sqlite3_stmt *st;
    th_err e;
    if (th_db_stmt(db, "SELECT substr(hashes, ?, 32) FROM log_tiles WHERE id = ?", &st, &e))
        return -1;
    sqlite3_bind_int(st, 1, (int)(index % TH_TILE) * TH_HASH + 1);
    sqlite3_bind_int64(st, 2, TH_TILE_ID(level, index / TH_TILE));
    int rc = -1;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 0) == TH_HASH) {
        memcpy(out, sqlite3_column_blob(st, 0), TH_HASH);
        rc = 0;
    }
    th_db_done(db, st);
    return rc;
}

/* The tree's right edge, kept with the writing connection (th_db_cache) so that appending a
 * batch and signing its checkpoint read no stored hash: for each level, the tile that holds the
 * level's last complete subtree, which is the tile the level's next node joins (unless it is
 * full), and which holds every hash a root of the current size needs. It is valid while `size` is
 * the log's size and no transaction has rolled back on the connection since it was made (a
 * rolled-back batch takes its hashes with it); otherwise it is read again from the tiles, one
 * read a level. The hashes of complete subtrees never change, so reading through it (edge_get)
 * gives what the store gives, as long as nobody changes the store under the log: a checkpoint's
 * consistency with the last one is checked against the stored hashes alone
 * (th_log_root_stored), and a stored tile of the edge that was changed is written over with the
 * right hashes by the next append. */
enum { EDGE_LEVELS = 64 };
typedef struct {
    bool valid;
    uint64_t rollbacks;
    int64_t size;
    int64_t tile[EDGE_LEVELS];
    int n[EDGE_LEVELS]; /* 0: the level has no subtree yet */
    uint8_t h[EDGE_LEVELS][TH_TILE][TH_HASH];
} edge;

typedef struct {
    th_db *db;
    edge *g; /* NULL: read the store alone */
} source;

static int edge_get(void *arg, int level, int64_t index, uint8_t out[TH_HASH])
{
    const source *src = arg;
    const edge *g = src->g;
    if (g && level < EDGE_LEVELS && g->n[level] > 0 && index / TH_TILE == g->tile[level] &&
        index % TH_TILE < g->n[level]) {
        memcpy(out, g->h[level][index % TH_TILE], TH_HASH);
        return 0;
    }
    return th_log_get_hash(src->db, level, index, out);
}

/* The edge if it describes the log as it is (size entries), else NULL. */
static edge *edge_current(th_db *db, int64_t size)
{
    edge *g = th_db_cache(db, TH_DB_CACHE_LOG, sizeof(edge), false);
    return g && g->valid && g->rollbacks == th_db_rollbacks(db) && g->size == size ? g : NULL;
}

/* The edge of a log of size entries whose hashes are all stored, read from the tiles when it is
 * not current. NULL (not an error) when the connection keeps none. */
static int edge_ready(th_db *db, int64_t size, edge **out, th_err *e)
{
    *out = edge_current(db, size);
    edge *g = th_db_cache(db, TH_DB_CACHE_LOG, sizeof(edge), true);
    if (*out || !g)
        return 0;
    g->valid = false;
    for (int l = 0; l < EDGE_LEVELS; l++) {
        int64_t count = l < 63 ? size >> l : 0;
        g->n[l] = 0;
        if (count == 0)
            continue;
        g->tile[l] = (count - 1) / TH_TILE;
        if (th_log_tile(db, l, g->tile[l], g->h[l], &g->n[l], e))
            return -1;
        if (g->n[l] != (int)((count - 1) % TH_TILE) + 1)
            return th_fail(e, TH_EINTERNAL, "the log's tile %d/%lld holds %d hashes, not %d", l,
                           (long long)g->tile[l], g->n[l], (int)((count - 1) % TH_TILE) + 1);
    }
    g->size = size;
    g->rollbacks = th_db_rollbacks(db);
    g->valid = true;
    *out = g;
    return 0;
}

int th_log_stored_hashes(th_db *db, int64_t *n, th_err *e)
{
    sqlite3_stmt *st;
    if (th_db_stmt(db, "SELECT coalesce(sum(length(hashes)), 0) / 32 FROM log_tiles", &st, e))
        return -1;
    int r = sqlite3_step(st);
    if (r == SQLITE_ROW)
        *n = sqlite3_column_int64(st, 0);
    th_db_done(db, st);
    return r == SQLITE_ROW ? 0 : th_db_fail(db, "cannot read the log's tree", e);
}

/* The size is memoized per connection while a transaction appends (a rollback clears it). */
static const char size_memo[] = "log size";

int th_log_size(th_db *db, int64_t *size, th_err *e)
{
    size_t len;
    const void *m = th_db_memo_get(db, size_memo, &len);
    if (m && len == sizeof *size) {
        memcpy(size, m, sizeof *size);
        return 0;
    }
    sqlite3_stmt *st;
    if (th_db_stmt(db, "SELECT coalesce(max(idx) + 1, 0) FROM log_entries", &st, e))
        return -1;
    int r = sqlite3_step(st);
    if (r == SQLITE_ROW)
        *size = sqlite3_column_int64(st, 0);
    th_db_done(db, st);
    return r == SQLITE_ROW ? 0 : th_db_fail(db, "cannot read the log's size", e);
}

/* Insert entries first.. (rows of ROWS at a time: SQLite runs one statement for them all). */
enum { ROWS = 32 };

static int insert_entries(th_db *db, int64_t first, const uint8_t *const *msg, const size_t *len,
                          size_t k, th_err *e)
{
    static char many[64 + ROWS * 8];
    static const char one[] = "INSERT INTO log_entries (idx, entry) VALUES (?,?)";
    if (!many[0]) { /* the same text each time: the statement cache keeps it prepared */
        size_t w = (size_t)snprintf(many, sizeof many, "%s", one);
        for (size_t r = 1; r < ROWS; r++)
            w += (size_t)snprintf(many + w, sizeof many - w, ",(?,?)");
    }
    for (size_t i = 0; i < k;) {
        size_t n = k - i >= ROWS ? ROWS : 1;
        const char *sql = n == ROWS ? many : one;
        sqlite3_stmt *st;
        if (th_db_stmt(db, sql, &st, e))
            return -1;
        for (size_t r = 0; r < n; r++) {
            sqlite3_bind_int64(st, (int)(2 * r + 1), first + (int64_t)(i + r));
            sqlite3_bind_text(st, (int)(2 * r + 2), (const char *)msg[i + r], (int)len[i + r],
                              SQLITE_STATIC);
        }
        int rc = sqlite3_step(st);
        th_db_done(db, st);
        if (rc != SQLITE_DONE)
            return th_db_fail(db, "cannot append to the log", e);
        i += n;
    }
    return 0;
}

/* How many leaves have their hashes stored. */
static int sealed_size(th_db *db, int64_t *n, th_err *e)
{
    /* level 0's last tile: its number and how full it is */
    sqlite3_stmt *st;
    if (th_db_stmt(db, "SELECT id, length(hashes) / 32 FROM log_tiles WHERE id < ?"
                       " ORDER BY id DESC LIMIT 1", &st, e))
        return -1;
    sqlite3_bind_int64(st, 1, TH_TILE_ID(1, 0));
    int r = sqlite3_step(st);
    *n = r == SQLITE_ROW ? sqlite3_column_int64(st, 0) * TH_TILE + sqlite3_column_int64(st, 1)
                         : 0;
    th_db_done(db, st);
    return r == SQLITE_ROW || r == SQLITE_DONE ? 0
                                               : th_db_fail(db, "cannot read the log's tree", e);
}

/* Put run nodes (one level, one tile, consecutive) into their tile, after what it holds (known
 * from the edge g when there is one, which then takes the tile). */
static int store_tile(th_db *db, edge *g, const th_merkle_node *nd, size_t run, th_err *e)
{
    int level = nd->level;
    int64_t tile = nd->index / TH_TILE;
    int have = (int)(nd->index % TH_TILE), n;
    uint8_t own[TH_TILE][TH_HASH];
    bool edged = g && level < EDGE_LEVELS;
    uint8_t(*hashes)[TH_HASH] = edged ? g->h[level] : own;
    if (edged && have > 0 && (g->n[level] != have || g->tile[level] != tile))
        return th_fail(e, TH_EINTERNAL, "the log's edge at level %d holds %d hashes of tile "
                                        "%lld, not %d of tile %lld",
                       level, g->n[level], (long long)g->tile[level], have, (long long)tile);
    if (have > 0 && !edged) {
        if (th_log_tile(db, level, tile, hashes, &n, e))
            return -1;
        if (n != have)
            return th_fail(e, TH_EINTERNAL, "the log's tile %d/%lld holds %d hashes, not %d",
                           level, (long long)tile, n, have);
    }
    for (size_t k = 0; k < run; k++)
        memcpy(hashes[have + (int)k], nd[k].hash, TH_HASH);
    sqlite3_stmt *st;
    if (th_db_stmt(db, "INSERT OR REPLACE INTO log_tiles (id, hashes) VALUES (?, ?)", &st, e))
        return -1;
    sqlite3_bind_int64(st, 1, TH_TILE_ID(level, tile));
    sqlite3_bind_blob(st, 2, hashes, (have + (int)run) * TH_HASH, SQLITE_STATIC);
    int r = sqlite3_step(st);
    th_db_done(db, st);
    if (edged) {
        g->tile[level] = tile;
        g->n[level] = have + (int)run;
    }
    return r == SQLITE_DONE ? 0 : th_db_fail(db, "cannot store the log's tree", e);
}

/* Store the hashes of entries from..from+k (their bytes given); g, the edge at from (or NULL),
 * follows. A failure leaves g invalid (the caller's transaction is rolled back). */
static int seal(th_db *db, edge *g, int64_t from, const uint8_t *const *msg, const size_t *len,
                size_t k, th_err *e)
{
    th_merkle_node *nodes = th_xmalloc((2 * k + 64) * sizeof *nodes);
    size_t nn = 0;
    int rc = 0;
    source src = {db, g};
    if (g)
        g->valid = false; /* until it is whole again */
    if (th_merkle_append_entries(from, msg, len, k, edge_get, &src, nodes, &nn))
        rc = th_fail(e, TH_EINTERNAL, "the log's tree is missing a stored hash below %lld",
                     (long long)from);
    /* the nodes come level by level in index order: one tile write per run of a tile */
    for (size_t j = 0; j < nn && rc == 0;) {
        int level = nodes[j].level;
        int64_t tile = nodes[j].index / TH_TILE;
        size_t run = 1;
        while (j + run < nn && nodes[j + run].level == level &&
               nodes[j + run].index / TH_TILE == tile)
            run++;
        rc = store_tile(db, g, &nodes[j], run, e);
        j += run;
    }
    free(nodes);
    if (rc == 0 && g) {
        g->size = from + (int64_t)k;
        g->valid = true;
    }
    return rc;
}

/* Store the hashes of entries that have none, read back from the store (a database whose
 * hashes migration 9 dropped). */
static int seal_stored(th_db *db, th_err *e)
{
    int64_t from = 0, to = 0;
    if (sealed_size(db, &from, e) || th_log_size(db, &to, e))
        return -1;
    if (from >= to)
        return 0;
    size_t k = (size_t)(to - from);
    sqlite3_stmt *st;
    if (th_db_stmt(db, "SELECT idx, entry FROM log_entries WHERE idx >= ? ORDER BY idx", &st, e))
        return -1;
    sqlite3_bind_int64(st, 1, from);
    uint8_t **msg = th_xcalloc(k, sizeof *msg);
    size_t *len = th_xcalloc(k, sizeof *len), got = 0;
    while (got < k && sqlite3_step(st) == SQLITE_ROW &&
           sqlite3_column_int64(st, 0) == from + (int64_t)got) {
        len[got] = (size_t)sqlite3_column_bytes(st, 1);
        msg[got] = th_xmalloc(len[got] + 1);
        memcpy(msg[got], sqlite3_column_blob(st, 1), len[got]);
        got++;
    }
    th_db_done(db, st);
    int rc = got < k ? th_fail(e, TH_EINTERNAL, "the log's entry %lld cannot be read",
                               (long long)(from + (int64_t)got))
                     : seal(db, NULL, from, (const uint8_t *const *)msg, len, k, e);
    for (size_t j = 0; j < got; j++)
        free(msg[j]);
    free(msg);
    free(len);
    return rc;
}

int th_log_append_many(th_db *db, const uint8_t *const *msg, const size_t *len, size_t k,
                       int64_t *first, th_err *e)
{
    int64_t size = 0, sealed = 0;
    /* the hashes stored must reach as far as the entries (the edge is not trusted beyond them):
     * one indexed look-up a batch */
    if (th_log_size(db, &size, e) || sealed_size(db, &sealed, e))
        return -1;
    edge *g = sealed == size ? edge_current(db, size) : NULL;
    /* entries stored without their hashes (a database migrated to tiles): hash those first */
    if (sealed < size && seal_stored(db, e))
        return -1;
    *first = size;
    if (k == 0)
        return 0;
    if ((!g && edge_ready(db, size, &g, e)) || insert_entries(db, size, msg, len, k, e) ||
        seal(db, g, size, msg, len, k, e))
        return -1;
    int64_t next = size + (int64_t)k;
    th_db_memo_put(db, size_memo, &next, sizeof next);
    return 0;
}

int th_log_append(th_db *db, const char *entry, size_t n, int64_t *index, th_err *e)
{
    const uint8_t *msg = (const uint8_t *)entry;
    return th_log_append_many(db, &msg, &n, 1, index, e);
}

int th_log_entry(th_db *db, int64_t i, th_buf *out, th_err *e)
{
    sqlite3_stmt *st;
    if (th_db_stmt(db, "SELECT entry FROM log_entries WHERE idx = ?", &st, e))
        return -1;
    sqlite3_bind_int64(st, 1, i);
    int r = sqlite3_step(st);
    if (r == SQLITE_ROW)
        th_buf_put(out, sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0));
    th_db_done(db, st);
    if (r != SQLITE_ROW)
        return th_fail(e, TH_EINPUT, "the log has no entry %lld", (long long)i);
    return 0;
}

/* That the log holds at least size entries; *have (when not NULL) gets how many it holds. */
static int check_size(th_db *db, int64_t size, int64_t *have, th_err *e)
{
    int64_t n;
    if (th_log_size(db, &n, e))
        return -1;
    if (have)
        *have = n;
    if (size < 0 || size > n)
        return th_fail(e, TH_EINPUT, "the log has %lld entries, not %lld", (long long)n,
                       (long long)size);
    return 0;
}

static int root(th_db *db, int64_t size, bool stored_only, uint8_t out[TH_HASH], th_err *e)
{
    int64_t have;
    if (check_size(db, size, &have, e))
        return -1;
    source src = {db, stored_only ? NULL : edge_current(db, have)};
    if (th_merkle_root(size, edge_get, &src, out))
        return th_fail(e, TH_EINTERNAL, "the log's tree is missing a stored hash");
    return 0;
}

int th_log_root(th_db *db, int64_t size, uint8_t out[TH_HASH], th_err *e)
{
    return root(db, size, false, out, e);
}

int th_log_root_stored(th_db *db, int64_t size, uint8_t out[TH_HASH], th_err *e)
{
    return root(db, size, true, out, e);
}

static void json_hash(th_json *j, const uint8_t h[TH_HASH])
{
    char hex[2 * TH_HASH + 1];
    th_hex(h, TH_HASH, hex);
    th_json_str(j, hex);
}

static void json_proof(th_json *j, uint8_t (*p)[TH_HASH], int n)
{
    th_json_key(j, "proof");
    th_json_arr_begin(j);
    for (int i = 0; i < n; i++)
        json_hash(j, p[i]);
    th_json_arr_end(j);
}

int th_log_prove_json(th_db *db, int64_t index, int64_t size, th_buf *out, th_err *e)
{
    if (check_size(db, size, NULL, e))
        return -1;
    if (index < 0 || index >= size)
        return th_fail(e, TH_EINPUT, "entry %lld is not in a log of %lld entries",
                       (long long)index, (long long)size);
    uint8_t proof[TH_PROOF_MAX][TH_HASH], root[TH_HASH], leaf[TH_HASH];
    int np;
    if (th_log_get_hash(db, 0, index, leaf) || th_merkle_root(size, th_log_get_hash, db, root) ||
        th_merkle_prove_inclusion(index, size, th_log_get_hash, db, proof, &np))
        return th_fail(e, TH_EINTERNAL, "the log's tree is missing a stored hash");
    th_json j;
    th_json_init(&j, out);
    th_json_obj_begin(&j);
    th_json_key(&j, "index");
    th_json_int(&j, index);
    th_json_key(&j, "size");
    th_json_int(&j, size);
    th_json_key(&j, "leaf_hash");
    json_hash(&j, leaf);
    json_proof(&j, proof, np);
    th_json_key(&j, "root");
    json_hash(&j, root);
    th_json_obj_end(&j);
    return 0;
}

int th_log_consistency_json(th_db *db, int64_t old_size, int64_t new_size, th_buf *out,
                            th_err *e)
{
    if (check_size(db, new_size, NULL, e))
        return -1;
    if (old_size < 1 || old_size > new_size)
        return th_fail(e, TH_EINPUT, "a consistency proof runs from a size of at least 1 to a "
                                     "size not smaller: not %lld to %lld",
                       (long long)old_size, (long long)new_size);
    uint8_t proof[TH_PROOF_MAX][TH_HASH], r1[TH_HASH], r2[TH_HASH];
    int np;
    if (th_merkle_root(old_size, th_log_get_hash, db, r1) ||
        th_merkle_root(new_size, th_log_get_hash, db, r2) ||
        th_merkle_prove_consistency(old_size, new_size, th_log_get_hash, db, proof, &np))
        return th_fail(e, TH_EINTERNAL, "the log's tree is missing a stored hash");
    th_json j;
    th_json_init(&j, out);
    th_json_obj_begin(&j);
    th_json_key(&j, "old_size");
    th_json_int(&j, old_size);
    th_json_key(&j, "new_size");
    th_json_int(&j, new_size);
    th_json_key(&j, "old_root");
    json_hash(&j, r1);
    th_json_key(&j, "new_root");
    json_hash(&j, r2);
    json_proof(&j, proof, np);
    th_json_obj_end(&j);
    return 0;
}
