/* checkpoints.c — signing and reading the log's checkpoints. See checkpoints.h. */
#include "log/checkpoints.h"

#include "log/log_store.h"
#include "base/json.h"
#include "base/sha256.h"

#include <stdio.h>
#include <string.h>

static int meta_put(th_db *db, const char *key, const char *value, th_err *e)
{
    sqlite3_stmt *st;
    if (th_db_stmt(db, "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", &st, e))
        return -1;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
    int r = sqlite3_step(st);
    th_db_done(db, st);
    return r == SQLITE_DONE ? 0 : th_db_fail(db, "cannot record the log's key", e);
}

int th_log_key_set(th_db *db, const char *path, const th_note_verifier *v, th_err *e)
{
    th_buf vk;
    th_buf_init(&vk);
    th_note_verifier_format(v, &vk);
    int rc = meta_put(db, "log_key_path", path, e) || meta_put(db, "log_verifier", vk.p, e);
    th_buf_free(&vk);
    return rc ? -1 : 0;
}

int th_log_key_get(th_db *db, char path[TH_KEY_PATH_MAX], th_note_verifier *v, th_err *e)
{
    sqlite3_stmt *st;
    if (th_db_stmt(db, "SELECT (SELECT value FROM meta WHERE key = 'log_key_path'),"
                       " (SELECT value FROM meta WHERE key = 'log_verifier')", &st, e))
        return -1;
    int rc = 0;
    if (sqlite3_step(st) != SQLITE_ROW) {
        rc = th_db_fail(db, "cannot read the log's key", e);
    } else if (sqlite3_column_type(st, 0) != SQLITE_NULL &&
               sqlite3_column_type(st, 1) != SQLITE_NULL) {
        th_db_column_text(st, 0, path, TH_KEY_PATH_MAX);
        const char *vk = (const char *)sqlite3_column_text(st, 1);
        rc = th_note_verifier_parse(vk, strlen(vk), v, e) ? -1 : 1;
    }
    th_db_done(db, st);
    return rc;
}

int th_log_sign(th_db *db, const th_note_signer *s, const char *now, int64_t upto,
                int64_t *signed_size, th_err *e)
{
    *signed_size = -1;
    int64_t all;
    if (th_log_size(db, &all, e))
        return -1;
    int64_t size = upto >= 0 && upto < all ? upto : all;
    sqlite3_stmt *st;
    if (th_db_stmt(db, "SELECT size, root FROM log_checkpoints ORDER BY size DESC LIMIT 1", &st,
                   e))
        return -1;
    int64_t last = -1;
    uint8_t last_root[TH_HASH];
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 1) == TH_HASH) {
        last = sqlite3_column_int64(st, 0);
        memcpy(last_root, sqlite3_column_blob(st, 1), TH_HASH);
    }
    th_db_done(db, st);
    if (last > all)
        return th_fail(e, TH_EINTERNAL, "the log has %lld entries but a checkpoint of %lld was "
                                        "signed: refusing to sign", (long long)all,
                       (long long)last);
    if (last >= size || size == 0)
        return 0; /* signed already (or, bounded, beyond the bound) */
    uint8_t root[TH_HASH];
    if (last > 0) { /* from the stored hashes alone: they are what later proofs are read from */
        if (th_log_root_stored(db, last, root, e))
            return -1;
        if (memcmp(root, last_root, TH_HASH) != 0)
            return th_fail(e, TH_EINTERNAL, "the stored tree no longer has the root of the "
                                            "checkpoint at size %lld: refusing to sign one "
                                            "inconsistent with it", (long long)last);
    }
    if (th_log_root(db, size, root, e))
        return -1;
    th_buf text, note;
    th_buf_init(&text);
    th_buf_init(&note);
    th_checkpoint_text(s->v.name, size, root, &text);
    int rc = th_note_sign(text.p, text.len, s, &note, e);
    if (rc == 0)
        rc = th_db_stmt(db, "INSERT INTO log_checkpoints (size, root, note, created_at)"
                            " VALUES (?, ?, ?, ?)", &st, e);
    if (rc == 0) {
        sqlite3_bind_int64(st, 1, size);
        sqlite3_bind_blob(st, 2, root, TH_HASH, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, note.p, (int)note.len, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
        int r = sqlite3_step(st);
        th_db_done(db, st);
        if (r != SQLITE_DONE)
            rc = th_db_fail(db, "cannot store the checkpoint", e);
    }
    th_buf_free(&text);
    th_buf_free(&note);
    if (rc == 0)
        *signed_size = size;
    return rc;
}

int th_log_checkpoint(th_db *db, int64_t size, th_buf *out, th_err *e)
{
    sqlite3_stmt *st;
    if (th_db_stmt(db, size < 0 ? "SELECT note FROM log_checkpoints ORDER BY size DESC LIMIT 1"
                                : "SELECT note FROM log_checkpoints WHERE size = ?",
                   &st, e))
        return -1;
    if (size >= 0)
        sqlite3_bind_int64(st, 1, size);
    int r = sqlite3_step(st);
    if (r == SQLITE_ROW)
        th_buf_put(out, sqlite3_column_text(st, 0), (size_t)sqlite3_column_bytes(st, 0));
    th_db_done(db, st);
    if (r == SQLITE_ROW)
        return 0;
    if (size < 0)
        return th_fail(e, TH_EINPUT, "the log has no signed checkpoint yet");
    return th_fail(e, TH_EINPUT, "no checkpoint was signed at size %lld", (long long)size);
}

int th_log_checkpoints_json(th_db *db, const th_page *pg, th_buf *out, th_err *e)
{
    sqlite3_stmt *st;
    if (th_db_stmt(db, "SELECT size, root, created_at FROM log_checkpoints WHERE size < ?1"
                       " AND (?3 IS NULL OR created_at >= ?3) AND (?4 IS NULL OR created_at < ?4)"
                       " ORDER BY size DESC LIMIT ?2",
                   &st, e))
        return -1;
    int64_t before, limit;
    th_page_bounds(pg, &before, &limit);
    sqlite3_bind_int64(st, 1, before);
    sqlite3_bind_int64(st, 2, limit);
    th_page_bind_times(st, pg, 3);
    th_json j;
    th_json_init(&j, out);
    th_json_obj_begin(&j);
    th_json_key(&j, "checkpoints");
    th_json_arr_begin(&j);
    int r, n = 0;
    int64_t last = 0;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        char hex[2 * TH_HASH + 1];
        th_hex(sqlite3_column_blob(st, 1), TH_HASH, hex);
        last = sqlite3_column_int64(st, 0);
        th_json_obj_begin(&j);
        th_json_key(&j, "size");
        th_json_int(&j, last);
        th_json_key(&j, "root");
        th_json_str(&j, hex);
        th_json_key(&j, "created_at");
        th_json_str(&j, (const char *)sqlite3_column_text(st, 2));
        th_json_obj_end(&j);
        n++;
    }
    th_db_done(db, st);
    if (r != SQLITE_DONE)
        return th_db_fail(db, "cannot list the checkpoints", e);
    th_json_arr_end(&j);
    th_buf_putc(out, ',');
    /* a checkpoint of size 0 ends the list: nothing is below it */
    th_page_cursor(last > 0 ? pg : NULL, n, last, out);
    th_buf_putc(out, '}');
    return 0;
}
