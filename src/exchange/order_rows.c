/* order_rows.c — the orders' rows, kept through the batch. See order_rows.h.
 *
 * The rows are versions by order id (base/versions.h): every change pushes the order's new
 * version, which a rewind pops again. */
#include "exchange/order_rows.h"

#include "base/versions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    th_order_row row;
    bool stored;                        /* the store has the id's row: an UPDATE writes it */
    int64_t id_before, priority_before; /* the counters before this version */
} kept;

typedef struct {
    th_versions vs;
    bool loaded; /* next_id and next_priority are read for this batch */
    int64_t next_id, next_priority, stored_priority;
    bool defer;
    uint64_t rollbacks;
} rows;

static void release(void *block) { th_versions_free(&((rows *)block)->vs); }

/* Every kept row forgotten; the counters are read again. */
static void forget(rows *r)
{
    th_versions_clear(&r->vs);
    r->loaded = false;
}

static rows *rows_of(th_db *db)
{
    rows *r = th_db_cache(db, TH_DB_CACHE_ORDERS, sizeof(rows), true);
    if (!r->vs.size) {
        th_db_cache_release(db, TH_DB_CACHE_ORDERS, release);
        th_versions_init(&r->vs, sizeof(kept));
        r->rollbacks = th_db_rollbacks(db);
    }
    if (r->rollbacks != th_db_rollbacks(db)) { /* what was kept was rolled back */
        forget(r);
        r->rollbacks = th_db_rollbacks(db);
    }
    return r;
}

static int load_counters(th_db *db, rows *r, th_err *e)
{
    if (r->loaded)
        return 0;
    sqlite3_stmt *st;
    if (th_db_stmt(db, "SELECT (SELECT coalesce(max(id), 0) FROM orders), (SELECT value FROM"
                       " meta WHERE key = 'order_priority')", &st, e))
        return -1;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        r->next_id = sqlite3_column_int64(st, 0) + 1;
        r->stored_priority = sqlite3_column_int64(st, 1);
        r->next_priority = r->stored_priority + 1;
    }
    th_db_done(db, st);
    if (rc != SQLITE_ROW)
        return th_db_fail(db, "cannot read the next order's id", e);
    r->loaded = true;
    return 0;
}

enum { COLS = 15, MANY = 32 }; /* an INSERT's columns; the rows of a multi-row INSERT */

static void bind_new(sqlite3_stmt *st, int at, const th_order_row *o)
{
    sqlite3_bind_int64(st, at + 0, o->id);
    sqlite3_bind_int64(st, at + 1, o->instrument);
    sqlite3_bind_int64(st, at + 2, o->account);
    sqlite3_bind_text(st, at + 3, o->buy ? "buy" : "sell", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, at + 4, o->type, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, at + 5, o->tif, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, at + 6, o->price);
    sqlite3_bind_int64(st, at + 7, o->qty);
    sqlite3_bind_int64(st, at + 8, o->filled);
    sqlite3_bind_text(st, at + 9, o->status, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, at + 10, o->reserved);
    sqlite3_bind_int64(st, at + 11, o->priority);
    sqlite3_bind_text(st, at + 12, o->created_at, -1, SQLITE_STATIC);
    if (o->closed_at[0])
        sqlite3_bind_text(st, at + 13, o->closed_at, -1, SQLITE_STATIC);
    if (o->auction)
        sqlite3_bind_int64(st, at + 14, o->auction);
}

/* The INSERT of n new rows (1 or MANY): its text is built once, at a fixed address. */
static const char *insert_sql(int n)
{
    static char one[400], many[400 + MANY * 4 * COLS];
    char *q = n == 1 ? one : many;
    if (!q[0]) {
        size_t len = (size_t)snprintf(q, 400, "INSERT INTO orders (id, instrument_id, account_id,"
                                              " side, type, tif, price_fen, qty, filled, status,"
                                              " reserved_fen, priority, created_at, closed_at,"
                                              " auction_id) VALUES ");
        for (int r = 0; r < n; r++) {
            q[len++] = r ? ',' : '(';
            if (r)
                q[len++] = '(';
            for (int c = 0; c < COLS; c++) {
                if (c)
                    q[len++] = ',';
                q[len++] = '?';
            }
            q[len++] = ')';
        }
        q[len] = '\0';
    }
    return q;
}

static int insert_rows(th_db *db, const kept *const *v, int n, th_err *e)
{
    sqlite3_stmt *st;
    if (th_db_stmt(db, insert_sql(n), &st, e))
        return -1;
    for (int r = 0; r < n; r++)
        bind_new(st, 1 + r * COLS, &v[r]->row);
    int rc = sqlite3_step(st);
    th_db_done(db, st);
    return rc == SQLITE_DONE ? 0 : th_db_fail(db, "cannot record the orders", e);
}

static int update_row(th_db *db, const th_order_row *o, th_err *e)
{
    sqlite3_stmt *st;
    if (th_db_stmt(db, "UPDATE orders SET price_fen = ?2, qty = ?3, filled = ?4, status = ?5,"
                       " reserved_fen = ?6, priority = ?7, closed_at = ?8 WHERE id = ?1",
                   &st, e))
        return -1;
    sqlite3_bind_int64(st, 1, o->id);
    sqlite3_bind_int64(st, 2, o->price);
    sqlite3_bind_int64(st, 3, o->qty);
    sqlite3_bind_int64(st, 4, o->filled);
    sqlite3_bind_text(st, 5, o->status, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, o->reserved);
    sqlite3_bind_int64(st, 7, o->priority);
    if (o->closed_at[0])
        sqlite3_bind_text(st, 8, o->closed_at, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    th_db_done(db, st);
    return rc == SQLITE_DONE ? 0 : th_db_fail(db, "cannot record the order", e);
}

int th_order_rows_flush(th_db *db, th_err *e)
{
    rows *r = rows_of(db);
    /* each order's latest version: the new ones MANY to a statement (a row then costs half of
     * what it does alone), the others one UPDATE each */
    const kept *fresh[MANY];
    int nfresh = 0;
    for (size_t i = 0; i < th_versions_count(&r->vs); i++) {
        bool latest;
        const kept *v = th_versions_at(&r->vs, i, NULL, &latest);
        if (!latest)
            continue;
        if (v->stored) {
            if (update_row(db, &v->row, e))
                return -1;
            continue;
        }
        fresh[nfresh++] = v;
        if (nfresh == MANY) {
            if (insert_rows(db, fresh, MANY, e))
                return -1;
            nfresh = 0;
        }
    }
    for (int k = 0; k < nfresh; k++)
        if (insert_rows(db, &fresh[k], 1, e))
            return -1;
    if (r->loaded && r->next_priority - 1 != r->stored_priority) {
        sqlite3_stmt *st;
        if (th_db_stmt(db, "INSERT INTO meta (key, value) VALUES ('order_priority', ?)"
                           " ON CONFLICT (key) DO UPDATE SET value = excluded.value", &st, e))
            return -1;
        sqlite3_bind_int64(st, 1, r->next_priority - 1);
        int rc = sqlite3_step(st);
        th_db_done(db, st);
        if (rc != SQLITE_DONE)
            return th_db_fail(db, "cannot record the orders' priority", e);
    }
    forget(r);
    return 0;
}

/* Keep o as its id's latest version (stored: the store has a row of that id already). */
static int keep(th_db *db, rows *r, const th_order_row *o, bool stored, int64_t id_before,
                int64_t priority_before, th_err *e)
{
    const kept *last = th_versions_latest(&r->vs, o->id);
    kept k = {.row = *o, .stored = last ? last->stored : stored, .id_before = id_before,
              .priority_before = priority_before};
    th_versions_push(&r->vs, o->id, &k);
    if (!r->defer) /* written at once: the next statement may read it */
        return th_order_rows_flush(db, e);
    return 0;
}

void th_order_row_from(sqlite3_stmt *st, th_order_row *o)
{
    o->id = sqlite3_column_int64(st, 0);
    o->instrument = sqlite3_column_int64(st, 1);
    o->account = sqlite3_column_int64(st, 2);
    o->buy = sqlite3_column_int(st, 3) != 0;
    th_db_column_text(st, 4, o->type, sizeof o->type);
    th_db_column_text(st, 5, o->tif, sizeof o->tif);
    o->price = sqlite3_column_int64(st, 6);
    o->qty = sqlite3_column_int64(st, 7);
    o->filled = sqlite3_column_int64(st, 8);
    th_db_column_text(st, 9, o->status, sizeof o->status);
    o->reserved = sqlite3_column_int64(st, 10);
    th_db_column_text(st, 11, o->created_at, sizeof o->created_at);
    th_db_column_text(st, 12, o->closed_at, sizeof o->closed_at);
    o->auction = sqlite3_column_int64(st, 13);
    o->priority = sqlite3_column_int64(st, 14);
}

int th_order_rows_get(th_db *db, int64_t id, th_order_row *o, th_err *e)
{
    rows *r = rows_of(db);
    const kept *k = th_versions_latest(&r->vs, id);
    if (k) {
        *o = k->row;
        return 0;
    }
    sqlite3_stmt *st;
    if (th_db_stmt(db, "SELECT " TH_ORDER_ROW_COLS " FROM orders WHERE id = ?", &st, e))
        return -1;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        th_order_row_from(st, o);
    th_db_done(db, st);
    if (rc == SQLITE_ROW)
        return 0;
    return rc == SQLITE_DONE ? th_fail(e, TH_EINPUT, "no order has the id %lld", (long long)id)
                             : th_db_fail(db, "cannot read the order", e);
}

int th_order_rows_add(th_db *db, th_order_row *o, th_err *e)
{
    rows *r = rows_of(db);
    if (load_counters(db, r, e))
        return -1;
    int64_t id_before = r->next_id, priority_before = r->next_priority;
    o->id = r->next_id++;
    o->priority = r->next_priority++;
    return keep(db, r, o, false, id_before, priority_before, e);
}

int th_order_rows_put(th_db *db, th_order_row *o, bool to_back, th_err *e)
{
    rows *r = rows_of(db);
    if (load_counters(db, r, e))
        return -1;
    int64_t id_before = r->next_id, priority_before = r->next_priority;
    if (to_back)
        o->priority = r->next_priority++;
    return keep(db, r, o, true, id_before, priority_before, e);
}

void th_order_rows_defer(th_db *db, bool on) { rows_of(db)->defer = on; }

size_t th_order_rows_mark(th_db *db) { return th_versions_count(&rows_of(db)->vs); }

void th_order_rows_rewind(th_db *db, size_t mark)
{
    rows *r = rows_of(db);
    if (mark >= th_versions_count(&r->vs))
        return;
    const kept *k = th_versions_at(&r->vs, mark, NULL, NULL);
    r->next_id = k->id_before;
    r->next_priority = k->priority_before;
    th_versions_rewind(&r->vs, mark, NULL, NULL);
}

void th_order_rows_drop(th_db *db) { forget(rows_of(db)); }
