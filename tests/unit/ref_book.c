/* ref_book.c — the reference order book. See ref_book.h. */
#include "ref_book.h"

#include "market/replay.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int64_t id, acct, price, qty;
    th_side side;
    bool post;
    uint64_t seq; /* arrival: lower is earlier */
} rorder;

struct ref_book {
    th_book_config cfg;
    bool auction;
    rorder *o; /* the live orders, in no particular order */
    size_t n, cap;
    uint64_t seq;
    th_buf *out; /* NULL: silent (a trial run) */
    int64_t filled; /* what the current order traded (for the FOK trial) */
};

static void say(ref_book *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(ref_book *r, const char *fmt, ...)
{
    if (!r->out)
        return;
    va_list ap;
    va_start(ap, fmt);
    char tmp[200];
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    th_buf_puts(r->out, tmp);
    th_buf_putc(r->out, '\n');
}

static void say_trade(ref_book *r, th_side taker, int64_t taker_id, int64_t maker_id,
                      int64_t price, int64_t qty)
{
    say(r, "T %lld %lld %lld %lld %c", (long long)(taker == TH_BUY ? taker_id : maker_id),
        (long long)(taker == TH_BUY ? maker_id : taker_id), (long long)price, (long long)qty,
        taker == TH_BUY ? 'B' : 'S');
}

static void reject(ref_book *r, int64_t id, th_reject why)
{
    say(r, "J %lld %s", (long long)id, th_reject_name(why));
}

ref_book *ref_new(const th_book_config *cfg, th_buf *out)
{
    ref_book *r = calloc(1, sizeof *r);
    r->cfg = *cfg;
    r->auction = cfg->auction;
    r->out = out;
    return r;
}

void ref_free(ref_book *r)
{
    free(r->o);
    free(r);
}

static long find(const ref_book *r, int64_t id)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->o[i].id == id)
            return (long)i;
    return -1;
}

static void drop(ref_book *r, long i) { r->o[i] = r->o[--r->n]; }

static void add(ref_book *r, int64_t id, int64_t acct, th_side side, int64_t price, int64_t qty,
                bool post)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 64;
        r->o = realloc(r->o, r->cap * sizeof *r->o);
    }
    r->o[r->n++] = (rorder){id, acct, price, qty, side, post, r->seq++};
}

/* Does a come before b in side's priority (better price, then earlier)? */
static bool before(const rorder *a, const rorder *b)
{
    if (a->price != b->price)
        return a->side == TH_BUY ? a->price > b->price : a->price < b->price;
    return a->seq < b->seq;
}

static long best(const ref_book *r, th_side side)
{
    long k = -1;
    for (size_t i = 0; i < r->n; i++)
        if (r->o[i].side == side && (k < 0 || before(&r->o[i], &r->o[k])))
            k = (long)i;
    return k;
}

static bool crosses(th_side taker, int64_t limit, int64_t price)
{
    return taker == TH_BUY ? price <= limit : price >= limit;
}

/* The matching rules, read straight from the issue. Returns what is left, or -1 when self-trade
 * prevention cancelled the incoming order. */
static int64_t match(ref_book *r, int64_t id, int64_t acct, th_side side, int64_t limit,
                     int64_t qty)
{
    th_side other = side == TH_BUY ? TH_SELL : TH_BUY;
    while (qty > 0) {
        long k = best(r, other);
        if (k < 0 || !crosses(side, limit, r->o[k].price))
            break;
        rorder *m = &r->o[k];
        if (m->acct == acct && r->cfg.stp != TH_STP_OFF) {
            if (r->cfg.stp == TH_STP_CANCEL_NEWEST) {
                say(r, "K %lld %lld", (long long)id, (long long)qty);
                return -1;
            }
            say(r, "K %lld %lld", (long long)m->id, (long long)m->qty);
            drop(r, k);
            if (r->cfg.stp == TH_STP_CANCEL_BOTH) {
                say(r, "K %lld %lld", (long long)id, (long long)qty);
                return -1;
            }
            continue;
        }
        int64_t t = qty < m->qty ? qty : m->qty;
        say_trade(r, side, id, m->id, m->price, t);
        r->filled += t;
        qty -= t;
        m->qty -= t;
        if (m->qty == 0)
            drop(r, k);
    }
    return qty;
}

static bool would_cross(const ref_book *r, th_side side, int64_t price)
{
    long k = best(r, side == TH_BUY ? TH_SELL : TH_BUY);
    return k >= 0 && crosses(side, price, r->o[k].price);
}

static bool band_bad(const ref_book *r, int64_t price)
{
    return r->cfg.has_band && (price < r->cfg.band_lo || price > r->cfg.band_hi);
}

/* Would matching fill all of qty now? Run it on a silent copy and see. */
static bool fok_fills(const ref_book *r, int64_t id, int64_t acct, th_side side, int64_t limit,
                      int64_t qty)
{
    ref_book copy = *r;
    copy.o = malloc((r->n ? r->n : 1) * sizeof *r->o);
    if (r->n)
        memcpy(copy.o, r->o, r->n * sizeof *r->o);
    copy.out = NULL;
    copy.filled = 0;
    match(&copy, id, acct, side, limit, qty);
    free(copy.o);
    return copy.filled == qty;
}

/* The checks of quantity, price and band, in that order; false when one rejected the order. */
static bool fields_ok(ref_book *r, int64_t id, int64_t price, int64_t qty)
{
    if (qty <= 0)
        reject(r, id, TH_REJ_BAD_QTY);
    else if (price <= 0)
        reject(r, id, TH_REJ_BAD_PRICE);
    else if (band_bad(r, price))
        reject(r, id, TH_REJ_BAND);
    else
        return true;
    return false;
}

void ref_limit(ref_book *r, int64_t id, int64_t acct, th_side side, int64_t price, int64_t qty,
               th_tif tif)
{
    if (find(r, id) >= 0) {
        reject(r, id, TH_REJ_DUPLICATE_ID);
        return;
    }
    if (!fields_ok(r, id, price, qty))
        return;
    if (r->auction && (tif == TH_IOC || tif == TH_FOK)) {
        reject(r, id, TH_REJ_AUCTION);
        return;
    }
    if (!r->auction && tif == TH_POST && would_cross(r, side, price)) {
        reject(r, id, TH_REJ_POST_WOULD_CROSS);
        return;
    }
    say(r, "A %lld", (long long)id);
    if (r->auction) {
        add(r, id, acct, side, price, qty, tif == TH_POST);
        return;
    }
    if (tif == TH_FOK && !fok_fills(r, id, acct, side, price, qty)) {
        say(r, "K %lld %lld", (long long)id, (long long)qty);
        return;
    }
    int64_t left = match(r, id, acct, side, price, qty);
    if (left <= 0)
        return;
    if (tif == TH_GTC || tif == TH_POST)
        add(r, id, acct, side, price, left, tif == TH_POST);
    else
        say(r, "K %lld %lld", (long long)id, (long long)left);
}

void ref_market(ref_book *r, int64_t id, int64_t acct, th_side side, int64_t qty)
{
    if (find(r, id) >= 0) {
        reject(r, id, TH_REJ_DUPLICATE_ID);
        return;
    }
    if (qty <= 0) {
        reject(r, id, TH_REJ_BAD_QTY);
        return;
    }
    if (r->auction) {
        reject(r, id, TH_REJ_AUCTION);
        return;
    }
    say(r, "A %lld", (long long)id);
    int64_t limit = side == TH_BUY ? (r->cfg.has_band ? r->cfg.band_hi : INT64_MAX)
                                   : (r->cfg.has_band ? r->cfg.band_lo : INT64_MIN);
    int64_t left = match(r, id, acct, side, limit, qty);
    if (left > 0)
        say(r, "K %lld %lld", (long long)id, (long long)left);
}

void ref_cancel(ref_book *r, int64_t id)
{
    long k = find(r, id);
    if (k < 0) {
        reject(r, id, TH_REJ_UNKNOWN_ORDER);
        return;
    }
    say(r, "K %lld %lld", (long long)id, (long long)r->o[k].qty);
    drop(r, k);
}

void ref_replace(ref_book *r, int64_t id, int64_t price, int64_t qty)
{
    long k = find(r, id);
    if (k < 0) {
        reject(r, id, TH_REJ_UNKNOWN_ORDER);
        return;
    }
    if (!fields_ok(r, id, price, qty))
        return;
    rorder o = r->o[k];
    if (!r->auction && o.post && would_cross(r, o.side, price)) {
        reject(r, id, TH_REJ_POST_WOULD_CROSS);
        return;
    }
    say(r, "U %lld", (long long)id);
    if (price == o.price && qty <= o.qty) {
        r->o[k].qty = qty;
        return;
    }
    drop(r, k);
    if (r->auction) {
        add(r, id, o.acct, o.side, price, qty, o.post);
        return;
    }
    int64_t left = match(r, id, o.acct, o.side, price, qty);
    if (left > 0)
        add(r, id, o.acct, o.side, price, left, o.post);
}

void ref_pick(ref_book *r, int64_t id, int64_t acct, th_side side, int64_t qty, int64_t resting)
{
    if (qty <= 0) {
        reject(r, id, TH_REJ_BAD_QTY);
        return;
    }
    if (find(r, id) >= 0) {
        reject(r, id, TH_REJ_DUPLICATE_ID);
        return;
    }
    if (r->auction) {
        reject(r, id, TH_REJ_AUCTION);
        return;
    }
    long k = find(r, resting);
    if (k < 0 || r->o[k].side == side) {
        reject(r, id, TH_REJ_UNKNOWN_ORDER);
        return;
    }
    if (r->o[k].acct == acct) {
        reject(r, id, TH_REJ_SELF_TRADE);
        return;
    }
    /* its level is among the N best: fewer than N distinct better prices on its side */
    int64_t better[64];
    int nb = 0;
    for (size_t i = 0; i < r->n && nb < 64; i++) {
        const rorder *x = &r->o[i];
        if (x->side != r->o[k].side || x->price == r->o[k].price ||
            !(x->side == TH_BUY ? x->price > r->o[k].price : x->price < r->o[k].price))
            continue;
        bool seen = false;
        for (int j = 0; j < nb; j++)
            seen = seen || better[j] == x->price;
        if (!seen)
            better[nb++] = x->price;
    }
    if (nb >= r->cfg.pick_depth) {
        reject(r, id, TH_REJ_PICK_DEPTH);
        return;
    }
    say(r, "A %lld", (long long)id);
    rorder *m = &r->o[k];
    int64_t t = qty < m->qty ? qty : m->qty;
    say_trade(r, side, id, m->id, m->price, t);
    m->qty -= t;
    if (m->qty == 0)
        drop(r, k);
    if (qty > t)
        say(r, "K %lld %lld", (long long)id, (long long)(qty - t));
}

void ref_uncross(ref_book *r)
{
    r->auction = false;
    typedef __int128 wide;
    bool have = false;
    int64_t p_best = 0;
    wide e_best = 0, i_best = 0, d_best = 0;
    for (size_t c = 0; c < r->n; c++) {
        int64_t p = r->o[c].price;
        wide buy = 0, sell = 0;
        for (size_t i = 0; i < r->n; i++) {
            if (r->o[i].side == TH_BUY && r->o[i].price >= p)
                buy += r->o[i].qty;
            if (r->o[i].side == TH_SELL && r->o[i].price <= p)
                sell += r->o[i].qty;
        }
        wide e = buy < sell ? buy : sell;
        wide imb = buy > sell ? buy - sell : sell - buy;
        wide d = (wide)p - r->cfg.ref_price;
        d = d < 0 ? -d : d;
        bool take = !have || e > e_best ||
                    (e == e_best && (imb < i_best ||
                                     (imb == i_best && (d < d_best || (d == d_best && p < p_best)))));
        if (take) {
            have = true;
            p_best = p;
            e_best = e;
            i_best = imb;
            d_best = d;
        }
    }
    if (!have || e_best == 0)
        return;
    for (;;) {
        long b = best(r, TH_BUY), s = best(r, TH_SELL);
        if (b < 0 || s < 0 || r->o[b].price < p_best || r->o[s].price > p_best)
            break;
        int64_t t = r->o[b].qty < r->o[s].qty ? r->o[b].qty : r->o[s].qty;
        say(r, "T %lld %lld %lld %lld X", (long long)r->o[b].id, (long long)r->o[s].id,
            (long long)p_best, (long long)t);
        r->o[b].qty -= t;
        r->o[s].qty -= t;
        /* drop the higher index first, so the other stays where it is */
        long hi = b > s ? b : s, lo = b > s ? s : b;
        if (r->o[hi].qty == 0)
            drop(r, hi);
        if (r->o[lo].qty == 0)
            drop(r, lo);
    }
}
