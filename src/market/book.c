/* book.c — the order book: pools, price levels, price-time matching. See book.h.
 *
 * (The id index is in book_index.h, the price -> level maps in book_levels.h, the call auction
 * in book_auction.c, inspection in book_view.c; the types they share in book_impl.h.)
 *
 * Layout: orders and levels live in pools (arrays with free lists, addressed by 32-bit index, so
 * a pool may move when it grows: no pointer into one is held across a call that may add). Each
 * side keeps its level indices in an array sorted by price with the best level LAST, so the
 * common cases — trading at the best, adding near it — touch the end of the array only. An
 * open-addressing index maps order ids to orders. Level totals are not kept: quantities are any
 * positive int64, and sums are taken (in 128 bits) only where they are needed. */
#include "market/book_index.h"
#include "market/book_levels.h"

#include "base/mem.h"

#include <stdlib.h>
#include <string.h>

/* ---- events ---- */

static void ev_accepted(th_book *b, int64_t id)
{
    book_emit(b, (th_book_event){.type = TH_EV_ACCEPTED, .id = id});
}

static int ev_rejected(th_book *b, int64_t id, th_reject why)
{
    book_emit(b, (th_book_event){.type = TH_EV_REJECTED, .id = id, .reject = why});
    return -1;
}

static void ev_cancelled(th_book *b, int64_t id, int64_t left, th_cancel_why why)
{
    book_emit(b, (th_book_event){.type = TH_EV_CANCELLED, .id = id, .qty = left, .why = why});
}

static void ev_trade(th_book *b, th_side taker, int64_t taker_id, int64_t maker_id, int64_t price,
                     int64_t qty, char aggressor)
{
    book_emit(b, (th_book_event){.type = TH_EV_TRADE,
                            .id = taker == TH_BUY ? taker_id : maker_id,
                            .sell_id = taker == TH_BUY ? maker_id : taker_id,
                            .price = price, .qty = qty, .aggressor = aggressor});
}

/* ---- pools ---- */

/* The order pool, grown (it stays in ordinary pages: measured, huge pages did not help it). */
static void grow_orders(th_book *b, int32_t cap)
{
    b->o = th_xrealloc(b->o, (size_t)cap * sizeof *b->o);
    b->capo = cap;
}

static int32_t order_alloc(th_book *b)
{
    if (b->free_o >= 0) {
        int32_t i = b->free_o;
        b->free_o = b->o[i].next;
        return i;
    }
    if (b->no == b->capo)
        grow_orders(b, b->capo ? b->capo * 2 : 1024);
    return b->no++;
}

static int32_t level_alloc(th_book *b)
{
    if (b->free_l >= 0) {
        int32_t i = b->free_l;
        b->free_l = b->l[i].head;
        return i;
    }
    if (b->nl == b->capl) {
        b->capl = b->capl ? b->capl * 2 : 256;
        b->l = th_xrealloc(b->l, (size_t)b->capl * sizeof *b->l);
    }
    return b->nl++;
}

/* ---- price levels ---- */

int book_level_pos(const th_book *b, th_side side, int64_t price, bool *found)
{
    const side_levels *s = &b->s[side];
    const int64_t *px = s->px;
    /* the array is worst first: find the first price not worse than `price`, without branches
     * on the data (a mispredicted branch per step would cost more than the search) */
    const int64_t *base = px;
    int len = s->n, lo = 0;
    if (len > 0) {
        if (side == TH_BUY) {
            while (len > 1) {
                int half = len / 2;
                base = base[half] < price ? base + half : base;
                len -= half;
            }
            lo = (int)(base - px) + (*base < price);
        } else {
            while (len > 1) {
                int half = len / 2;
                base = base[half] > price ? base + half : base;
                len -= half;
            }
            lo = (int)(base - px) + (*base > price);
        }
    }
    *found = lo < s->n && px[lo] == price;
    return lo;
}

level *book_best_level(th_book *b, th_side side)
{
    side_levels *s = &b->s[side];
    return s->n ? &b->l[s->lv[s->n - 1]] : NULL;
}

/* The level of `price` on `side`: the one there (perhaps empty), or a new one in its place. */
static int32_t level_for(th_book *b, th_side side, int64_t price)
{
    side_levels *s = &b->s[side];
    int32_t known = map_get(s, price);
    if (known >= 0)
        return known;
    bool found;
    int pos = book_level_pos(b, side, price, &found);
    int32_t li = level_alloc(b);
    b->l[li] = (level){.price = price, .head = -1, .tail = -1};
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->lv = th_xrealloc(s->lv, (size_t)s->cap * sizeof *s->lv);
        s->px = th_xrealloc(s->px, (size_t)s->cap * sizeof *s->px);
    }
    memmove(s->lv + pos + 1, s->lv + pos, (size_t)(s->n - pos) * sizeof *s->lv);
    memmove(s->px + pos + 1, s->px + pos, (size_t)(s->n - pos) * sizeof *s->px);
    s->lv[pos] = li;
    s->px[pos] = price;
    s->n++;
    if ((s->mfill + 1) * 2 > s->mcap)
        book_map_rebuild(s); /* it holds the new level too: the array has it */
    else
        book_map_insert(s, price, li);
    return li;
}

/* Put order oi (its side set) at the back of the level of `price`. */
static void attach(th_book *b, int32_t oi, int64_t price)
{
    order *o = &b->o[oi];
    int32_t li = level_for(b, (th_side)o->side, price);
    level *L = &b->l[li];
    b->s[o->side].nonempty += L->head < 0;
    o->level = li;
    o->prev = L->tail;
    o->next = -1;
    if (L->tail >= 0)
        b->o[L->tail].next = oi;
    else
        L->head = oi;
    L->tail = oi;
}

static void rest(th_book *b, int64_t id, int64_t account, th_side side, int64_t price,
                 int64_t qty, bool post)
{
    int32_t oi = order_alloc(b);
    b->o[oi] = (order){.id = id, .account = account, .qty = qty,
                       .side = (uint8_t)side, .post = post};
    attach(b, oi, price);
    idx_put(b, id, oi);
}

static void free_level(th_book *b, int32_t li)
{
    b->l[li].head = b->free_l;
    b->free_l = li;
}

/* Drop the empty levels at the best end. */
static void trim(th_book *b, side_levels *s)
{
    while (s->n > 0 && b->l[s->lv[s->n - 1]].head < 0) {
        s->n--;
        book_map_remove(s, s->px[s->n]);
        free_level(b, s->lv[s->n]);
    }
}

/* Drop every empty level (amortized: called when they are more than half). */
static void compact(th_book *b, side_levels *s)
{
    int k = 0;
    for (int i = 0; i < s->n; i++) {
        if (b->l[s->lv[i]].head < 0) {
            free_level(b, s->lv[i]);
            continue;
        }
        s->lv[k] = s->lv[i];
        s->px[k++] = s->px[i];
    }
    s->n = k;
    book_map_rebuild(s);
}

/* Take order oi out of its level (it stays in the index and the pool). */
static void detach(th_book *b, int32_t oi)
{
    order *o = &b->o[oi];
    level *L = &b->l[o->level];
    if (o->prev >= 0)
        b->o[o->prev].next = o->next;
    else
        L->head = o->next;
    if (o->next >= 0)
        b->o[o->next].prev = o->prev;
    else
        L->tail = o->prev;
    if (L->head < 0) {
        side_levels *s = &b->s[o->side];
        s->nonempty--;
        if (s->lv[s->n - 1] == o->level)
            trim(b, s); /* the best emptied: the next non-empty level becomes the best */
        else if (s->n - s->nonempty > s->nonempty + 64)
            compact(b, s);
    }
}

static void drop_order(th_book *b, int32_t oi)
{
    idx_del(b, &b->o[oi]);
    b->o[oi].next = b->free_o;
    b->free_o = oi;
}

void book_remove_order(th_book *b, int32_t oi)
{
    detach(b, oi);
    drop_order(b, oi);
}

/* ---- matching ---- */

static bool crosses(th_side taker, int64_t limit, int64_t resting_price)
{
    return taker == TH_BUY ? resting_price <= limit : resting_price >= limit;
}

/* What matching would fill now, walking the book as match() does (self-trade prevention too),
 * up to `want`. */
static int64_t fillable(const th_book *b, int64_t account, th_side side, int64_t limit,
                        int64_t want)
{
    const side_levels *s = &b->s[!side];
    int64_t got = 0;
    for (int k = s->n - 1; k >= 0; k--) {
        const level *L = &b->l[s->lv[k]];
        if (!crosses(side, limit, L->price))
            break;
        for (int32_t oi = L->head; oi >= 0; oi = b->o[oi].next) {
            const order *r = &b->o[oi];
            if (r->account == account && b->cfg.stp != TH_STP_OFF) {
                if (b->cfg.stp == TH_STP_CANCEL_OLDEST)
                    continue; /* it would be cancelled, and matching go on */
                return got;
            }
            if (r->qty >= want - got)
                return want;
            got += r->qty;
        }
    }
    return got;
}

/* Trade an incoming order against the other side while it crosses `limit`. Returns what is left;
 * *killed when self-trade prevention cancelled the incoming order (its event is out). */
static int64_t match(th_book *b, int64_t id, int64_t account, th_side side, int64_t limit,
                     int64_t qty, bool *killed)
{
    *killed = false;
    char aggr = side == TH_BUY ? 'B' : 'S';
    while (qty > 0) {
        level *L = book_best_level(b, !side);
        if (!L || !crosses(side, limit, L->price))
            break;
        int32_t ri = L->head;
        order *r = &b->o[ri];
        if (r->next >= 0)
            __builtin_prefetch(&b->o[r->next]); /* the next maker, likely needed soon */
        if (r->account == account && b->cfg.stp != TH_STP_OFF) {
            if (b->cfg.stp != TH_STP_CANCEL_NEWEST) {
                ev_cancelled(b, r->id, r->qty, TH_WHY_SELF_TRADE);
                book_remove_order(b, ri);
            }
            if (b->cfg.stp == TH_STP_CANCEL_OLDEST)
                continue;
            ev_cancelled(b, id, qty, TH_WHY_SELF_TRADE);
            *killed = true;
            return 0;
        }
        int64_t take = qty < r->qty ? qty : r->qty;
        ev_trade(b, side, id, r->id, L->price, take, aggr);
        qty -= take;
        r->qty -= take;
        if (r->qty == 0)
            book_remove_order(b, ri);
    }
    return qty;
}

static bool out_of_band(const th_book *b, int64_t price)
{
    return b->cfg.has_band && (price < b->cfg.band_lo || price > b->cfg.band_hi);
}

static bool would_cross(th_book *b, th_side side, int64_t price)
{
    level *L = book_best_level(b, !side);
    return L && crosses(side, price, L->price);
}

/* The checks of quantity, price and band, in that order: true when one rejected the order. */
static bool fields_bad(th_book *b, int64_t id, int64_t price, int64_t qty)
{
    if (qty <= 0)
        return ev_rejected(b, id, TH_REJ_BAD_QTY);
    if (price <= 0)
        return ev_rejected(b, id, TH_REJ_BAD_PRICE);
    if (out_of_band(b, price))
        return ev_rejected(b, id, TH_REJ_BAND);
    return false;
}

/* Warm the orders the next command will most likely trade with: the first of each best level. */
static void prefetch_makers(const th_book *b)
{
    for (int side = 0; side < 2; side++) {
        const side_levels *s = &b->s[side];
        if (s->n)
            __builtin_prefetch(&b->o[b->l[s->lv[s->n - 1]].head]);
    }
}

/* Match an accepted order, then rest, expire or drop what is left. */
static void enter(th_book *b, int64_t id, int64_t account, th_side side, int64_t limit,
                  int64_t qty, bool may_rest, bool post)
{
    bool killed;
    int64_t left = match(b, id, account, side, limit, qty, &killed);
    if (killed || left == 0) {
        prefetch_makers(b);
        return;
    }
    if (may_rest)
        rest(b, id, account, side, limit, left, post);
    else
        ev_cancelled(b, id, left, TH_WHY_UNFILLED);
    prefetch_makers(b);
}

/* ---- commands ---- */

th_book *th_book_new(const th_book_config *cfg, th_book_cb cb, void *arg)
{
    th_book *b = th_xcalloc(1, sizeof *b);
    b->cfg = *cfg;
    if (b->cfg.pick_depth <= 0)
        b->cfg.pick_depth = 5;
    b->cb = cb;
    b->arg = arg;
    b->auction = cfg->auction;
    b->free_o = b->free_l = -1;
    b->max_id = INT64_MIN;
    book_idx_rehash(b, 1);
    return b;
}

void th_book_free(th_book *b)
{
    if (!b)
        return;
    free(b->o);
    free(b->l);
    for (int k = 0; k < 2; k++) {
        free(b->s[k].lv);
        free(b->s[k].px);
        free(b->s[k].mk);
        free(b->s[k].mv);
    }
    free(b->idx);
    book_pages_free(b);
    free(b);
}

int th_book_limit(th_book *b, int64_t id, int64_t account, th_side side, int64_t price,
                   int64_t qty, th_tif tif)
{
    if (is_live(b, id))
        return ev_rejected(b, id, TH_REJ_DUPLICATE_ID);
    if (fields_bad(b, id, price, qty))
        return -1;
    if (b->auction && (tif == TH_IOC || tif == TH_FOK))
        return ev_rejected(b, id, TH_REJ_AUCTION);
    if (!b->auction && tif == TH_POST && would_cross(b, side, price))
        return ev_rejected(b, id, TH_REJ_POST_WOULD_CROSS);
    ev_accepted(b, id);
    if (b->auction)
        rest(b, id, account, side, price, qty, tif == TH_POST);
    else if (tif == TH_FOK && fillable(b, account, side, price, qty) < qty)
        ev_cancelled(b, id, qty, TH_WHY_UNFILLED);
    else
        enter(b, id, account, side, price, qty, tif == TH_GTC || tif == TH_POST, tif == TH_POST);
    return 0;
}

int th_book_market(th_book *b, int64_t id, int64_t account, th_side side, int64_t qty)
{
    if (is_live(b, id))
        return ev_rejected(b, id, TH_REJ_DUPLICATE_ID);
    if (qty <= 0)
        return ev_rejected(b, id, TH_REJ_BAD_QTY);
    if (b->auction)
        return ev_rejected(b, id, TH_REJ_AUCTION);
    ev_accepted(b, id);
    /* within the band, or anywhere */
    int64_t limit = side == TH_BUY ? (b->cfg.has_band ? b->cfg.band_hi : INT64_MAX)
                                   : (b->cfg.has_band ? b->cfg.band_lo : INT64_MIN);
    enter(b, id, account, side, limit, qty, false, false);
    return 0;
}

int th_book_cancel(th_book *b, int64_t id)
{
    int32_t oi = idx_find(b, id);
    if (oi < 0)
        return ev_rejected(b, id, TH_REJ_UNKNOWN_ORDER);
    ev_cancelled(b, id, b->o[oi].qty, TH_WHY_USER);
    book_remove_order(b, oi);
    return 0;
}

int th_book_replace(th_book *b, int64_t id, int64_t price, int64_t qty)
{
    int32_t oi = idx_find(b, id);
    if (oi < 0)
        return ev_rejected(b, id, TH_REJ_UNKNOWN_ORDER);
    if (fields_bad(b, id, price, qty))
        return -1;
    order o = b->o[oi];
    if (!b->auction && o.post && would_cross(b, (th_side)o.side, price))
        return ev_rejected(b, id, TH_REJ_POST_WOULD_CROSS);
    int64_t old_price = b->l[o.level].price;
    if (price == old_price && qty <= o.qty) {
        b->o[oi].qty = qty; /* keeps its place */
        book_emit(b, (th_book_event){.type = TH_EV_REPLACED, .id = id});
        return 0;
    }
    /* to the back, perhaps trading first: the order keeps its pool and index slots */
    detach(b, oi);
    book_emit(b, (th_book_event){.type = TH_EV_REPLACED, .id = id});
    int64_t left = qty;
    if (!b->auction) {
        bool killed;
        left = match(b, id, o.account, (th_side)o.side, price, qty, &killed);
        if (killed)
            left = 0;
    }
    if (left == 0) {
        drop_order(b, oi);
    } else {
        b->o[oi].qty = left;
        attach(b, oi, price);
    }
    return 0;
}

int th_book_pick(th_book *b, int64_t id, int64_t account, th_side side, int64_t qty,
                  int64_t resting_id)
{
    if (qty <= 0)
        return ev_rejected(b, id, TH_REJ_BAD_QTY);
    if (is_live(b, id))
        return ev_rejected(b, id, TH_REJ_DUPLICATE_ID);
    if (b->auction)
        return ev_rejected(b, id, TH_REJ_AUCTION);
    int32_t ri = idx_find(b, resting_id);
    if (ri < 0 || b->o[ri].side == side)
        return ev_rejected(b, id, TH_REJ_UNKNOWN_ORDER);
    if (b->o[ri].account == account)
        return ev_rejected(b, id, TH_REJ_SELF_TRADE);
    bool found;
    const side_levels *s = &b->s[!side];
    int64_t price = b->l[b->o[ri].level].price;
    int pos = book_level_pos(b, (th_side)!side, price, &found);
    int better = 0; /* non-empty levels better than the named order's */
    for (int k = s->n - 1; k > pos && better < b->cfg.pick_depth; k--)
        better += b->l[s->lv[k]].head >= 0;
    if (better >= b->cfg.pick_depth)
        return ev_rejected(b, id, TH_REJ_PICK_DEPTH);
    ev_accepted(b, id);
    order *r = &b->o[ri];
    int64_t take = qty < r->qty ? qty : r->qty;
    ev_trade(b, side, id, r->id, price, take, side == TH_BUY ? 'B' : 'S');
    r->qty -= take;
    if (r->qty == 0)
        book_remove_order(b, ri);
    if (qty > take)
        ev_cancelled(b, id, qty - take, TH_WHY_UNFILLED);
    return 0;
}

/* ---- room ---- */

void th_book_reserve(th_book *b, int64_t n)
{
    if (n > INT32_MAX / 4)
        n = INT32_MAX / 4;
    if (n > b->capo)
        grow_orders(b, (int32_t)n);
    /* (the id index needs no room: an exchange's sequential ids go to pages made as they come) */
    /* touch the memory now, not in the middle of trading */
    memset(b->o + b->no, 0, (size_t)(b->capo - b->no) * sizeof *b->o);
}
