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

/* The next order's id and priority, read from the store by the batch's first order: while any
 * row is kept (kept_rows > 0) they are the batch's, else the store's are read again. */
typedef struct {
    int64_t next_id, next_priority, stored_priority;
} counters;

static th_versions *kept_rows(th_db *db) { return th_db_kept(db, TH_DB_KEPT_ORDERS, sizeof(kept)); }

static counters *counters_of(th_db *db)
{
    return th_db_cache(db, TH_DB_CACHE_ORDERS, sizeof(counters), true);
}

/* The counters, read from the store unless rows are kept already (their batch's). */
static counters *load_counters(th_db *db, th_err *e)
{
    counters *c = counters_of(db);
    if (th_versions_count(kept_rows(db)) > 0)
        return c;
    sqlite3_stmt *st;
    if (th_db_stmt(db, "SELECT (SELECT coalesce(max(id), 0) FROM orders), (SELECT value FROM"
                       " meta WHERE key = 'order_priority')", &st, e))
        return NULL;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        c->next_id = sqlite3_column_int64(st, 0) + 1;
        c->stored_priority = sqlite3_column_int64(st, 1);
        c->next_priority = c->stored_priority + 1;
    }
    th_db_done(db, st);
    if (rc != SQLITE_ROW) {
        th_db_fail(db, "cannot read the next order's id", e);
        return NULL;
    }
    return c;
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
    if (!q[0])
        th_db_values_sql(q, n == 1 ? sizeof one : sizeof many,
                         "INSERT INTO orders (id, instrument_id, account_id, side, type, tif,"
                         " price_fen, qty, filled, status, reserved_fen, priority, created_at,"
                         " closed_at, auction_id) VALUES ", n, COLS);
    return q;
}

static int insert_rows(th_db *db, const void *const *recs, int n, th_err *e)
{
    const kept *const *v = (const kept *const *)recs;
    sqlite3_stmt *st;
    if (th_db_stmt(db, insert_sql(n), &st, e))
        return -1;
    for (int r = 0; r < n; r++)
        bind_new(st, 1 + r * COLS, &v[r]->row);
    int rc = sqlite3_step(st);
    th_db_done(db, st);
    return rc == SQLITE_DONE ? 0 : th_db_fail(db, "cannot record the orders", e);
}

static int update_row(th_db *db, const void *rec, th_err *e)
{
    const th_order_row *o = &((const kept *)rec)->row;
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

static bool is_stored(const void *rec) { return ((const kept *)rec)->stored; }

int th_order_rows_flush(th_db *db, th_err *e)
{
    th_versions *vs = kept_rows(db);
    if (th_versions_count(vs) == 0)
        return 0;
    /* each order's latest version: the new ones MANY to a statement (a row then costs half of
     * what it does alone), the others one UPDATE each */
    static const th_db_kept_writer w = {is_stored, update_row, insert_rows, MANY};
    if (th_db_write_kept(db, vs, &w, e))
        return -1;
    const counters *c = counters_of(db);
    if (c->next_priority - 1 != c->stored_priority) {
        sqlite3_stmt *st;
        if (th_db_stmt(db, "INSERT INTO meta (key, value) VALUES ('order_priority', ?)"
                           " ON CONFLICT (key) DO UPDATE SET value = excluded.value", &st, e))
            return -1;
        sqlite3_bind_int64(st, 1, c->next_priority - 1);
        int rc = sqlite3_step(st);
        th_db_done(db, st);
        if (rc != SQLITE_DONE)
            return th_db_fail(db, "cannot record the orders' priority", e);
    }
    th_versions_clear(vs);
    return 0;
}

/* Keep o as its id's latest version (stored: the store has a row of that id already). */
static int keep(th_db *db, const th_order_row *o, bool stored, const counters *before, th_err *e)
{
    th_versions *vs = kept_rows(db);
    const kept *last = th_versions_latest(vs, o->id);
    kept k = {.row = *o, .stored = last ? last->stored : stored, .id_before = before->next_id,
              .priority_before = before->next_priority};
    th_versions_push(vs, o->id, &k);
    if (!th_db_keeps_rows(db)) /* written at once: the next statement may read it */
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
    const kept *k = th_versions_latest(kept_rows(db), id);
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
    counters *c = load_counters(db, e);
    if (!c)
        return -1;
    counters before = *c;
    o->id = c->next_id++;
    o->priority = c->next_priority++;
    return keep(db, o, false, &before, e);
}

int th_order_rows_put(th_db *db, th_order_row *o, bool to_back, th_err *e)
{
    counters *c = load_counters(db, e);
    if (!c)
        return -1;
    counters before = *c;
    if (to_back)
        o->priority = c->next_priority++;
    return keep(db, o, true, &before, e);
}

size_t th_order_rows_mark(th_db *db) { return th_versions_count(kept_rows(db)); }

/* A version popped: the counters go back to what they were before it. */
static void restore(void *rec, void *arg)
{
    const kept *k = rec;
    counters *c = arg;
    c->next_id = k->id_before;
    c->next_priority = k->priority_before;
}

void th_order_rows_rewind(th_db *db, size_t mark)
{
    th_versions_rewind(kept_rows(db), mark, restore, counters_of(db));
}
