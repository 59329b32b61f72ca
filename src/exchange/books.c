/* books.c — order books loaded from the store's open orders. See books.h. */
#include "exchange/books.h"

#include "base/mem.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    int64_t instrument;
    th_book *book;
} held;

struct th_books {
    held *h;
    size_t n, cap;
    th_book_event *ev;
    size_t nev, capev;
};

static void collect(const th_book_event *ev, void *arg)
{
    th_books *m = arg;
    if (m->nev == m->capev) {
        m->capev = m->capev ? 2 * m->capev : 16;
        m->ev = th_xrealloc(m->ev, m->capev * sizeof *m->ev);
    }
    m->ev[m->nev++] = *ev;
}

th_books *th_books_new(void) { return th_xcalloc(1, sizeof(th_books)); }

void th_books_free(th_books *m)
{
    if (!m)
        return;
    th_books_drop_all(m);
    free(m->h);
    free(m->ev);
    free(m);
}

void th_books_drop(th_books *m, int64_t instrument)
{
    for (size_t i = 0; i < m->n; i++)
        if (m->h[i].instrument == instrument) {
            th_book_free(m->h[i].book);
            m->h[i] = m->h[--m->n];
            return;
        }
}

void th_books_drop_all(th_books *m)
{
    for (size_t i = 0; i < m->n; i++)
        th_book_free(m->h[i].book);
    m->n = 0;
}

const th_book_event *th_books_events(const th_books *m, size_t *n)
{
    *n = m->nev;
    return m->ev;
}

void th_books_clear_events(th_books *m) { m->nev = 0; }

/* Put the instrument's open orders back, in priority order; each must rest untouched. */
static int load(th_books *m, th_db *db, int64_t instrument, th_book *b, th_err *e)
{
    sqlite3_stmt *st;
    if (th_db_stmt(db, "SELECT id, account_id, side, price_fen, qty - filled, tif = 'post'"
                       " FROM orders WHERE instrument_id = ? AND status = 'open'"
                       " AND auction_id IS NULL ORDER BY priority",
                   &st, e))
        return -1;
    sqlite3_bind_int64(st, 1, instrument);
    int r, rc = 0;
    while (rc == 0 && (r = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        th_side side = strcmp((const char *)sqlite3_column_text(st, 2), "buy") == 0 ? TH_BUY
                                                                                   : TH_SELL;
        th_books_clear_events(m);
        /* a post-only order stays one: a replace that would cross is refused as before */
        th_book_limit(b, id, sqlite3_column_int64(st, 1), side, sqlite3_column_int64(st, 3),
                      sqlite3_column_int64(st, 4), sqlite3_column_int(st, 5) ? TH_POST : TH_GTC);
        if (m->nev != 1 || m->ev[0].type != TH_EV_ACCEPTED)
            rc = th_fail(e, TH_EINTERNAL, "the open orders of instrument %lld do not rest "
                                          "side by side: order %lld would not go back into "
                                          "its book untouched", (long long)instrument,
                         (long long)id);
    }
    th_db_done(db, st);
    th_books_clear_events(m);
    if (rc == 0 && r != SQLITE_DONE)
        rc = th_db_fail(db, "cannot read the open orders", e);
    return rc;
}

int th_books_get(th_books *m, th_db *db, const th_instrument *in, th_book **out, th_err *e)
{
    int64_t instrument = in->id;
    for (size_t i = 0; i < m->n; i++)
        if (m->h[i].instrument == instrument) {
            *out = m->h[i].book;
            return 0;
        }
    /* the band and the session rules are the exchange's to check (orders.c): a book checks
     * prices, quantities, time in force, self-trades and the pick depth */
    th_book_config cfg = {.stp = TH_STP_CANCEL_NEWEST,
                          .pick_depth = in->pick_depth,
                          .auction = strcmp(in->session, "pre_open") == 0,
                          .ref_price = in->ref_price};
    th_book *b = th_book_new(&cfg, collect, m);
    if (load(m, db, instrument, b, e)) {
        th_book_free(b);
        return -1;
    }
    if (m->n == m->cap) {
        m->cap = m->cap ? 2 * m->cap : 8;
        m->h = th_xrealloc(m->h, m->cap * sizeof *m->h);
    }
    m->h[m->n++] = (held){instrument, b};
    *out = b;
    return 0;
}
