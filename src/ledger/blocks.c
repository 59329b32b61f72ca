/* blocks.c — credits handed between holders and states. See blocks.h. */
#include "ledger/blocks.h"

#include "ledger/block_rows.h"

#include <stdio.h>

/* The statements, one text per kind of source (built once, so that each has a fixed address
 * for the statement cache): an order's reserved blocks, or an account's available ones narrowed
 * by project and vintage, and under T+1 without those it bought in the session (a block handed by
 * a trade is a row of its own, inside the range the trade delivered); a page begins after ?6. */
enum { SELECT, COUNT };

/* T+1's rule, one text for both of its questions: the serials first..last were bought by the
 * account ?1 in a trade after ?5 (a trade of the session) */
#define BOUGHT_IN_SESSION(first, last)                                                           \
    "EXISTS (SELECT 1 FROM trades t JOIN trade_parts tp ON tp.trade_id = t.id"                   \
    " WHERE t.buyer_id = ?1 AND t.id > ?5 AND tp.first <= " first " AND tp.last >= " last ")"

static const char *sql_for(int what, const th_block_source *s)
{
    static char texts[2][16][600];
    int r = s->reserved, p = !r && s->project, v = !r && s->vintage, t = !r && s->t_plus_one;
    char *q = texts[what][r * 8 + p * 4 + v * 2 + t];
    if (!q[0])
        snprintf(q, sizeof texts[0][0], "%s FROM blocks WHERE %s%s%s%s%s",
                 what == SELECT ? "SELECT id, issuance_id, project_id, vintage, first, last,"
                                  " account_id"
                                : "SELECT coalesce(sum(last - first + 1), 0)",
                 r ? "account_id = ?1 AND state = 'reserved' AND order_id = ?4"
                   : "account_id = ?1 AND state = 'available' AND order_id IS NULL",
                 p ? " AND project_id = ?2" : "", v ? " AND vintage = ?3" : "",
                 t ? " AND NOT " BOUGHT_IN_SESSION("blocks.first", "blocks.last") : "",
                 what == SELECT ? " AND first > ?6 ORDER BY first LIMIT 64" : "");
    return q;
}

static int prepare(th_db *db, int what, const th_block_source *s, sqlite3_stmt **st, th_err *e)
{
    int r = s->reserved, p = !r && s->project, v = !r && s->vintage, t = !r && s->t_plus_one;
    if (th_db_stmt(db, sql_for(what, s), st, e))
        return -1;
    sqlite3_bind_int64(*st, 1, s->account);
    if (p)
        sqlite3_bind_int64(*st, 2, s->project);
    if (v)
        sqlite3_bind_int(*st, 3, s->vintage);
    if (r)
        sqlite3_bind_int64(*st, 4, s->order);
    if (t)
        sqlite3_bind_int64(*st, 5, s->bought_after);
    return 0;
}

int th_blocks_page(th_db *db, const th_block_source *src, int64_t after, sqlite3_stmt **st,
                   th_err *e)
{
    if (prepare(db, SELECT, src, st, e))
        return -1;
    sqlite3_bind_int64(*st, 6, after);
    return 0;
}

void th_block_row_from(sqlite3_stmt *st, const th_block_source *src, th_block_row *b)
{
    b->id = sqlite3_column_int64(st, 0);
    b->issuance = sqlite3_column_int64(st, 1);
    b->project = sqlite3_column_int64(st, 2);
    b->vintage = sqlite3_column_int(st, 3);
    b->first = sqlite3_column_int64(st, 4);
    b->last = sqlite3_column_int64(st, 5);
    b->account = sqlite3_column_int64(st, 6);
    b->reserved = src->reserved;
    b->order = src->reserved ? src->order : 0;
}

int th_blocks_bought(th_db *db, const th_block_source *src, int64_t first, int64_t last,
                     th_err *e)
{
    sqlite3_stmt *st;
    if (th_db_stmt(db, "SELECT " BOUGHT_IN_SESSION("?2", "?3"), &st, e))
        return -1;
    sqlite3_bind_int64(st, 1, src->account);
    sqlite3_bind_int64(st, 2, first);
    sqlite3_bind_int64(st, 3, last);
    sqlite3_bind_int64(st, 5, src->bought_after);
    int rc = sqlite3_step(st);
    int bought = rc == SQLITE_ROW && sqlite3_column_int(st, 0);
    th_db_done(db, st);
    return rc == SQLITE_ROW ? bought : th_db_fail(db, "cannot read the session's trades", e);
}

int th_blocks_count(th_db *db, const th_block_source *src, int64_t *n, th_err *e)
{
    if (th_db_keeps_rows(db))
        return th_block_rows_count(db, src, n, e);
    if (th_block_rows_kept(db) && th_block_rows_flush(db, e)) /* the SQL below must see them */
        return -1;
    sqlite3_stmt *st;
    if (prepare(db, COUNT, src, &st, e))
        return -1;
    int r = sqlite3_step(st);
    *n = r == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    th_db_done(db, st);
    return r == SQLITE_ROW ? 0 : th_db_fail(db, "cannot count credits", e);
}

static void bind_dest(sqlite3_stmt *st, int at, const th_block_dest *d)
{
    sqlite3_bind_int64(st, at, d->account);
    sqlite3_bind_text(st, at + 1, d->reserved ? "reserved" : "available", -1, SQLITE_STATIC);
    if (d->reserved)
        sqlite3_bind_int64(st, at + 2, d->order);
    else
        sqlite3_bind_null(st, at + 2);
}

/* [first, b.first + take) of b goes to dst; the rest of b stays the source's, as a row of its
 * own (the row is narrowed first, so no two rows ever start at the same serial). */
static int carve(th_db *db, const th_block_row *b, int64_t take, const th_block_source *src,
                 const th_block_dest *dst, th_err *e)
{
    sqlite3_stmt *st;
    /* the holder is set only when it changes: a reservation or its release keeps it, and an
     * unchanged column costs neither its foreign key's lookup nor the index's churn */
    if (th_db_stmt(db, b->account == dst->account
                           ? "UPDATE blocks SET last = ?1, state = ?3, order_id = ?4 WHERE id = ?5"
                           : "UPDATE blocks SET last = ?1, account_id = ?2, state = ?3,"
                             " order_id = ?4 WHERE id = ?5",
                   &st, e))
        return -1;
    sqlite3_bind_int64(st, 1, b->first + take - 1);
    bind_dest(st, 2, dst);
    sqlite3_bind_int64(st, 5, b->id);
    int r = sqlite3_step(st);
    th_db_done(db, st);
    if (r != SQLITE_DONE)
        return th_db_fail(db, "cannot hand over a block", e);
    if (b->first + take - 1 == b->last)
        return 0;
    if (th_db_stmt(db, "INSERT INTO blocks (issuance_id, project_id, vintage, first, last,"
                       " account_id, state, order_id) VALUES (?5, ?6, ?7, ?8, ?9, ?1, ?2, ?3)",
                   &st, e))
        return -1;
    th_block_dest rest = {.account = src->account, .reserved = src->reserved,
                          .order = src->order};
    bind_dest(st, 1, &rest);
    sqlite3_bind_int64(st, 5, b->issuance);
    sqlite3_bind_int64(st, 6, b->project);
    sqlite3_bind_int(st, 7, b->vintage);
    sqlite3_bind_int64(st, 8, b->first + take);
    sqlite3_bind_int64(st, 9, b->last);
    r = sqlite3_step(st);
    th_db_done(db, st);
    return r == SQLITE_DONE ? 0 : th_db_fail(db, "cannot split a block", e);
}

int th_blocks_hand(th_db *db, const th_block_source *src, int64_t qty, const th_block_dest *dst,
                   void (*cb)(const th_range *r, void *arg), void *arg, th_err *e)
{
    if (th_db_keeps_rows(db))
        return th_block_rows_hand(db, src, qty, dst, cb, arg, e);
    if (th_block_rows_kept(db) && th_block_rows_flush(db, e)) /* the SQL below must see them */
        return -1;
    /* no count first: a shortfall is found on the way, and the caller's savepoint undoes what
     * was handed until then */
    int64_t left = qty;
    while (left > 0) {
        /* read a page of rows, then change them (the changes move rows out of the query) */
        sqlite3_stmt *st;
        if (th_blocks_page(db, src, 0, &st, e))
            return -1;
        th_block_row rows[TH_BLOCKS_PAGE];
        int n = 0;
        int64_t sum = 0;
        while (n < TH_BLOCKS_PAGE && sum < left && sqlite3_step(st) == SQLITE_ROW) {
            th_block_row_from(st, src, &rows[n]);
            sum += rows[n].last - rows[n].first + 1;
            n++;
        }
        th_db_done(db, st);
        if (n == 0) {
            th_fail(e, TH_EINPUT, "%lld credits are there to hand over, not %lld",
                    (long long)(qty - left), (long long)qty);
            return 1;
        }
        for (int i = 0; i < n && left > 0; i++) {
            int64_t q = rows[i].last - rows[i].first + 1, take = left < q ? left : q;
            if (carve(db, &rows[i], take, src, dst, e))
                return -1;
            if (cb)
                cb(&(th_range){rows[i].project, rows[i].vintage, rows[i].first,
                               rows[i].first + take - 1},
                   arg);
            left -= take;
        }
    }
    return 0;
}
