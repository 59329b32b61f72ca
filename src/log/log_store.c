/* log_store.c — the transparency log's rows. See log_store.h. */
#include "log/log_store.h"

#include "base/json.h"
#include "base/sha256.h"

#include <string.h>

int th_log_get_hash(void *arg, int level, int64_t index, uint8_t out[TH_HASH])
{
    th_db *db = arg;
    sqlite3_stmt *st;
    th_err e;
    if (th_db_stmt(db, "SELECT hash FROM log_hashes WHERE level = ? AND idx = ?", &st, &e))
        return -1;
    sqlite3_bind_int(st, 1, level);
    sqlite3_bind_int64(st, 2, index);
    int rc = -1;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 0) == TH_HASH) {
        memcpy(out, sqlite3_column_blob(st, 0), TH_HASH);
        rc = 0;
    }
    th_db_done(db, st);
    return rc;
}

int th_log_size(th_db *db, int64_t *size, th_err *e)
{
    sqlite3_stmt *st;
    if (th_db_stmt(db, "SELECT coalesce(max(idx) + 1, 0) FROM log_entries", &st, e))
        return -1;
    int r = sqlite3_step(st);
    if (r == SQLITE_ROW)
        *size = sqlite3_column_int64(st, 0);
    th_db_done(db, st);
    return r == SQLITE_ROW ? 0 : th_db_fail(db, "cannot read the log's size", e);
}

int th_log_append(th_db *db, const char *entry, size_t n, int64_t *index, th_err *e)
{
    int64_t i;
    if (th_log_size(db, &i, e))
        return -1;
    sqlite3_stmt *st;
    if (th_db_stmt(db, "INSERT INTO log_entries (idx, entry) VALUES (?, ?)", &st, e))
        return -1;
    sqlite3_bind_int64(st, 1, i);
    sqlite3_bind_text(st, 2, entry, (int)n, SQLITE_STATIC);
    int r = sqlite3_step(st);
    th_db_done(db, st);
    if (r != SQLITE_DONE)
        return th_db_fail(db, "cannot append to the log", e);
    uint8_t leaf[TH_HASH];
    th_merkle_leaf_hash(entry, n, leaf);
    th_merkle_node nodes[TH_PROOF_MAX];
    int k;
    if (th_merkle_append(i, leaf, th_log_get_hash, db, nodes, &k))
        return th_fail(e, TH_EINTERNAL, "the log's tree is missing a stored hash below %lld",
                       (long long)i);
    for (int j = 0; j < k; j++) {
        if (th_db_stmt(db, "INSERT INTO log_hashes (level, idx, hash) VALUES (?, ?, ?)", &st, e))
            return -1;
        sqlite3_bind_int(st, 1, nodes[j].level);
        sqlite3_bind_int64(st, 2, nodes[j].index);
        sqlite3_bind_blob(st, 3, nodes[j].hash, TH_HASH, SQLITE_STATIC);
        r = sqlite3_step(st);
        th_db_done(db, st);
        if (r != SQLITE_DONE)
            return th_db_fail(db, "cannot store the log's tree", e);
    }
    *index = i;
    return 0;
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

static int check_size(th_db *db, int64_t size, th_err *e)
{
    int64_t have;
    if (th_log_size(db, &have, e))
        return -1;
    if (size < 0 || size > have)
        return th_fail(e, TH_EINPUT, "the log has %lld entries, not %lld", (long long)have,
                       (long long)size);
    return 0;
}

int th_log_root(th_db *db, int64_t size, uint8_t root[TH_HASH], th_err *e)
{
    if (check_size(db, size, e))
        return -1;
    if (th_merkle_root(size, th_log_get_hash, db, root))
        return th_fail(e, TH_EINTERNAL, "the log's tree is missing a stored hash");
    return 0;
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
    if (check_size(db, size, e))
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
    if (check_size(db, new_size, e))
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
