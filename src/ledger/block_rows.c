/* block_rows.c — the blocks of a batch's order commands, kept to its end. See block_rows.h. */
#include "ledger/block_rows.h"

#include "base/mem.h"
#include "base/versions.h"

#include <stdio.h>
#include <stdlib.h>

typedef struct {
    th_block_row row;
    bool stored;            /* the store has this id's row: an UPDATE writes it */
    int64_t stored_account; /* stored: its holder there (the UPDATE sets it only if it moved) */
    int32_t prev;           /* 1 + index of the holder's version before this one (0: none) */
    int64_t next_before;    /* the next id before this version */
} kept;

typedef struct {
    int32_t head; /* 1 + index of the account's newest block version */
} holder;

static th_versions *kept_blocks(th_db *db)
{
    return th_db_kept(db, TH_DB_KEPT_BLOCKS, sizeof(kept));
}

static th_versions *holders(th_db *db)
{
    return th_db_kept(db, TH_DB_KEPT_HOLDERS, sizeof(holder));
}

/* The next block's id: the batch's while any version is kept, else read from the store. */
static int64_t *next_id(th_db *db, th_err *e)
{
    int64_t *next = th_db_cache(db, TH_DB_CACHE_BLOCKS, sizeof(int64_t), true);
    if (th_versions_count(kept_blocks(db)) > 0)
        return next;
    sqlite3_stmt *st;
    if (th_db_stmt(db, "SELECT coalesce(max(id), 0) + 1 FROM blocks", &st, e))
        return NULL;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *next = sqlite3_column_int64(st, 0);
    th_db_done(db, st);
    if (rc != SQLITE_ROW) {
        th_db_fail(db, "cannot read the next block's id", e);
        return NULL;
    }
    return next;
}

/* A new version of a block (stored and stored_account: as the block's first version says). */
static void push(th_db *db, const th_block_row *r, bool stored, int64_t stored_account,
                 int64_t next_before)
{
    th_versions *vs = kept_blocks(db), *hs = holders(db);
    const kept *last = th_versions_latest(vs, r->id);
    const holder *h = th_versions_latest(hs, r->account);
    kept k = {.row = *r,
              .stored = last ? last->stored : stored,
              .stored_account = last ? last->stored_account : stored_account,
              .prev = h ? h->head : 0,
              .next_before = next_before};
    th_versions_push(vs, r->id, &k);
    th_versions_push(hs, r->account, &(holder){.head = (int32_t)th_versions_count(vs)});
}

/* Whether a row of src's holder is one of src's (T+1 aside). */
static bool qualifies(const th_block_row *b, const th_block_source *src)
{
    if (src->reserved)
        return b->reserved && b->order == src->order;
    return !b->reserved && (!src->project || b->project == src->project) &&
           (!src->vintage || b->vintage == src->vintage);
}

/* Rows a hand found, as kept versions (a stored row's: stored, with its holder there). */
typedef struct {
    kept *v;
    size_t n, cap;
} founds;

static void add(founds *f, const kept *k)
{
    if (f->n == f->cap) {
        f->cap = f->cap ? 2 * f->cap : 16;
        f->v = th_xrealloc(f->v, f->cap * sizeof *f->v);
    }
    f->v[f->n++] = *k;
}

static int by_first(const void *a, const void *b)
{
    int64_t x = ((const kept *)a)->row.first, y = ((const kept *)b)->row.first;
    return (x > y) - (x < y);
}

/* The source's kept versions, lowest serial first. */
static int kept_of(th_db *db, const th_block_source *src, founds *out, th_err *e)
{
    th_versions *vs = kept_blocks(db);
    const holder *h = th_versions_latest(holders(db), src->account);
    for (int32_t i = h ? h->head : 0; i;) {
        bool latest;
        const kept *k = th_versions_at(vs, (size_t)i - 1, NULL, &latest);
        i = k->prev;
        if (!latest || !qualifies(&k->row, src))
            continue;
        if (!src->reserved && src->t_plus_one) {
            int b = th_blocks_bought(db, src, k->row.first, k->row.last, e);
            if (b < 0)
                return -1;
            if (b)
                continue;
        }
        add(out, k);
    }
    if (out->n > 1)
        qsort(out->v, out->n, sizeof *out->v, by_first);
    return 0;
}

/* The store's rows of a holder's available credits (a project and vintage narrowing them) as
 * the batch has read them: the first n in serial order, and whether the store may have more
 * after them. A sell reads its holder's lowest rows, and the next sell of that holder in the
 * batch wants the same rows again (passing over those it now has kept versions of) and the one
 * after: read once, they are found here, not by another query. Kept by holder with the
 * connection (one source a holder, the last one asked) while it writes no block row but kept
 * versions: emptied by a flush, by a command that writes at once (th_db_keep_rows) and by a
 * rollback (th_db_kept). Rows past READ_ROWS are read from the store as before. An order's
 * reserved rows are read once or twice in a batch and T+1's depend on the trades: they are not
 * kept. */
enum { READ_ROWS = 4 };
typedef struct {
    int64_t project;
    int vintage;
    int n;
    bool more;
    th_block_row row[READ_ROWS];
} read_rows;

static th_versions *read_by_holder(th_db *db)
{
    return th_db_kept(db, TH_DB_KEPT_READ_BLOCKS, sizeof(read_rows));
}

/* The source's rows read (made empty if it has none: its holder's are another source's), or
 * NULL: not one to keep. */
static read_rows *read_rows_of(th_db *db, const th_block_source *src)
{
    if (src->reserved || src->t_plus_one)
        return NULL;
    read_rows *r = th_versions_latest(read_by_holder(db), src->account);
    if (r && r->project == src->project && r->vintage == src->vintage)
        return r;
    read_rows none = {.project = src->project, .vintage = src->vintage, .more = true};
    if (!r)
        return th_versions_push(read_by_holder(db), src->account, &none);
    *r = none;
    return r;
}

/* The store's rows of a source that have no kept version, lowest serial first: those the batch
 * read before (rr), then read one at a time (a sell takes one or two rows; the page behind them
 * may hold 64), each added to rr with one more after it while rr follows the store. */
typedef struct {
    th_db *db;
    const th_block_source *src;
    sqlite3_stmt *st; /* NULL: the next page is still to be asked for */
    int raw;          /* rows the page gave so far */
    int64_t after;    /* the serial the last row began at */
    bool done;
    read_rows *rr;    /* NULL: none kept, or the store read past them */
    int at;           /* rr's rows passed so far */
    th_block_row row; /* valid while has */
    bool has;
} stored_rows;

/* The store's next row after s->after, added to s->rr while it follows: 1, 0 at the end, -1 if
 * the store fails. */
static int step_stored(stored_rows *s, th_block_row *row, th_err *e)
{
    for (;;) {
        if (!s->st) {
            if (th_blocks_page(s->db, s->src, s->after, &s->st, e))
                return -1;
            s->raw = 0;
        }
        int rc = sqlite3_step(s->st);
        if (rc == SQLITE_ROW) {
            th_block_row_from(s->st, s->src, row);
            s->after = row->first;
            s->raw++;
            if (s->rr && s->rr->n < READ_ROWS)
                s->rr->row[s->rr->n++] = *row;
            else
                s->rr = NULL; /* full: what is past it is read again when wanted */
            return 1;
        }
        th_db_done(s->db, s->st);
        s->st = NULL;
        if (rc != SQLITE_DONE)
            return th_db_fail(s->db, "cannot read the blocks", e);
        if (s->raw < TH_BLOCKS_PAGE) { /* a full page may have more behind it */
            if (s->rr)
                s->rr->more = false;
            return 0;
        }
    }
}

/* Move to the next stored row: 0 (s->has false at the end), -1 if the store fails. */
static int next_stored(stored_rows *s, th_err *e)
{
    th_versions *vs = kept_blocks(s->db);
    s->has = false;
    while (!s->done) {
        if (s->rr && s->at < s->rr->n) {
            s->row = s->rr->row[s->at++];
            s->after = s->row.first;
        } else if (s->rr && !s->rr->more) {
            s->done = true;
            break;
        } else {
            int rc = step_stored(s, &s->row, e);
            if (rc <= 0) {
                s->done = rc == 0;
                return rc;
            }
            if (s->rr) {
                s->at++;
                /* one row more for the next reader, while there is room for it (past it, a row
                 * read would be passed over): it is wanted whenever this one is taken */
                th_block_row ahead;
                if (s->rr->n < READ_ROWS && step_stored(s, &ahead, e) < 0)
                    return -1;
            }
        }
        if (th_versions_latest(vs, s->row.id)) /* its version is among the kept */
            continue;
        s->has = true;
        return 0;
    }
    return 0;
}

/* The source's rows, lowest serial first, until they hold qty credits or there are no more:
 * the kept versions merged with the store's rows that have none. *sum: the credits taken. */
static int collect(th_db *db, const th_block_source *src, int64_t qty, founds *take,
                   int64_t *sum, th_err *e)
{
    founds mine = {0};
    stored_rows s = {.db = db, .src = src, .rr = read_rows_of(db, src)};
    size_t k = 0;
    bool read = false; /* s holds the store's next row not yet taken (or its end) */
    *sum = 0;
    int rc = kept_of(db, src, &mine, e);
    while (rc == 0 && *sum < qty) {
        /* the store's next row is read only when it is wanted: most hands end on a row */
        if (!read && (rc = next_stored(&s, e)) != 0)
            break;
        read = true;
        if (!s.has && k == mine.n)
            break;
        if (s.has && (k == mine.n || s.row.first < mine.v[k].row.first)) {
            add(take, &(kept){.row = s.row, .stored = true, .stored_account = s.row.account});
            read = false;
        } else {
            add(take, &mine.v[k++]);
        }
        *sum += take->v[take->n - 1].row.last - take->v[take->n - 1].row.first + 1;
    }
    if (s.st)
        th_db_done(db, s.st);
    free(mine.v);
    return rc;
}

int th_block_rows_count(th_db *db, const th_block_source *src, int64_t *n, th_err *e)
{
    founds all = {0};
    int rc = collect(db, src, INT64_MAX, &all, n, e);
    free(all.v);
    return rc;
}

int th_block_rows_hand(th_db *db, const th_block_source *src, int64_t qty,
                       const th_block_dest *dst, void (*cb)(const th_range *r, void *arg),
                       void *arg, th_err *e)
{
    int64_t *next = next_id(db, e);
    if (!next)
        return -1;
    founds take = {0};
    int64_t sum;
    if (collect(db, src, qty, &take, &sum, e)) {
        free(take.v);
        return -1;
    }
    if (sum < qty) { /* nothing was handed */
        free(take.v);
        th_fail(e, TH_EINPUT, "%lld credits are there to hand over, not %lld", (long long)sum,
                (long long)qty);
        return 1;
    }
    /* as blocks.c's carve: the id keeps the part handed over, the rest is a row of its own */
    int64_t left = qty;
    for (size_t i = 0; i < take.n && left > 0; i++) {
        const kept *f = &take.v[i];
        int64_t q = f->row.last - f->row.first + 1, t = left < q ? left : q, before = *next;
        th_block_row got = f->row;
        got.last = f->row.first + t - 1;
        got.account = dst->account;
        got.reserved = dst->reserved;
        got.order = dst->reserved ? dst->order : 0;
        push(db, &got, f->stored, f->stored_account, before);
        if (t < q) {
            th_block_row rest = f->row;
            rest.id = (*next)++;
            rest.first = f->row.first + t;
            push(db, &rest, false, 0, before);
        }
        if (cb)
            cb(&(th_range){f->row.project, f->row.vintage, f->row.first, got.last}, arg);
        left -= t;
    }
    free(take.v);
    return 0;
}

bool th_block_rows_kept(th_db *db) { return th_versions_count(kept_blocks(db)) > 0; }

enum { COLS = 9, MANY = 32 }; /* an INSERT's columns; the rows of a multi-row INSERT */

/* The INSERT of n new rows (1 or MANY): its text is built once, at a fixed address. */
static const char *insert_sql(int n)
{
    static char one[200], many[200 + MANY * 4 * COLS];
    char *q = n == 1 ? one : many;
    if (!q[0])
        th_db_values_sql(q, n == 1 ? sizeof one : sizeof many,
                         "INSERT INTO blocks (id, issuance_id, project_id, vintage, first, last,"
                         " account_id, state, order_id) VALUES ", n, COLS);
    return q;
}

static void bind_state(sqlite3_stmt *st, int at, const th_block_row *b)
{
    sqlite3_bind_text(st, at, b->reserved ? "reserved" : "available", -1, SQLITE_STATIC);
    if (b->reserved)
        sqlite3_bind_int64(st, at + 1, b->order);
    else
        sqlite3_bind_null(st, at + 1);
}

static int insert_rows(th_db *db, const void *const *recs, int n, th_err *e)
{
    const kept *const *v = (const kept *const *)recs;
    sqlite3_stmt *st;
    if (th_db_stmt(db, insert_sql(n), &st, e))
        return -1;
    for (int r = 0; r < n; r++) {
        const th_block_row *b = &v[r]->row;
        int at = 1 + r * COLS;
        sqlite3_bind_int64(st, at, b->id);
        sqlite3_bind_int64(st, at + 1, b->issuance);
        sqlite3_bind_int64(st, at + 2, b->project);
        sqlite3_bind_int(st, at + 3, b->vintage);
        sqlite3_bind_int64(st, at + 4, b->first);
        sqlite3_bind_int64(st, at + 5, b->last);
        sqlite3_bind_int64(st, at + 6, b->account);
        bind_state(st, at + 7, b);
    }
    int rc = sqlite3_step(st);
    th_db_done(db, st);
    return rc == SQLITE_DONE ? 0 : th_db_fail(db, "cannot split a block", e);
}

static int update_row(th_db *db, const void *rec, th_err *e)
{
    const kept *k = rec;
    sqlite3_stmt *st;
    /* the holder is set only when it changed: an unchanged column costs neither its foreign
     * key's lookup nor the index's churn */
    if (th_db_stmt(db, k->row.account == k->stored_account
                           ? "UPDATE blocks SET last = ?1, state = ?3, order_id = ?4 WHERE id = ?5"
                           : "UPDATE blocks SET last = ?1, account_id = ?2, state = ?3,"
                             " order_id = ?4 WHERE id = ?5",
                   &st, e))
        return -1;
    sqlite3_bind_int64(st, 1, k->row.last);
    if (k->row.account != k->stored_account)
        sqlite3_bind_int64(st, 2, k->row.account);
    bind_state(st, 3, &k->row);
    sqlite3_bind_int64(st, 5, k->row.id);
    int rc = sqlite3_step(st);
    th_db_done(db, st);
    return rc == SQLITE_DONE ? 0 : th_db_fail(db, "cannot hand over a block", e);
}

static bool is_stored(const void *rec) { return ((const kept *)rec)->stored; }

int th_block_rows_flush(th_db *db, th_err *e)
{
    th_versions_clear(read_by_holder(db)); /* the store's rows change: what was read goes */
    th_versions *vs = kept_blocks(db);
    if (th_versions_count(vs) == 0)
        return 0;
    /* each block's latest version: a stored row by an UPDATE (it only ever narrowed, so the rows
     * split off it never meet it on a serial), the new ones MANY to an INSERT */
    static const th_db_kept_writer w = {is_stored, update_row, insert_rows, MANY};
    if (th_db_write_kept(db, vs, &w, e))
        return -1;
    th_versions_clear(vs);
    th_versions_clear(holders(db));
    return 0;
}

size_t th_block_rows_mark(th_db *db) { return th_versions_count(kept_blocks(db)); }

/* A version popped: the next id goes back to what it was before it. */
static void restore(void *rec, void *arg)
{
    *(int64_t *)arg = ((const kept *)rec)->next_before;
}

void th_block_rows_rewind(th_db *db, size_t mark)
{
    th_versions_rewind(kept_blocks(db), mark, restore,
                       th_db_cache(db, TH_DB_CACHE_BLOCKS, sizeof(int64_t), true));
    th_versions_rewind(holders(db), mark, NULL, NULL);
}
