/* book_auction.c — the call auction's uncross: one price for the most volume. See book.h. */
#include "market/book_impl.h"

#include "base/mem.h"

#include <stdlib.h>

typedef __int128 wide;

wide book_level_sum(const th_book *b, const level *L)
{
    wide t = 0;
    for (int32_t oi = L->head; oi >= 0; oi = b->o[oi].next)
        t += b->o[oi].qty;
    return t;
}

static wide wabs(wide x) { return x < 0 ? -x : x; }

void th_book_uncross(th_book *b)
{
    b->auction = false;
    const side_levels *bid = &b->s[TH_BUY], *ask = &b->s[TH_SELL];
    if (!bid->n || !ask->n || b->l[bid->lv[bid->n - 1]].price < b->l[ask->lv[ask->n - 1]].price)
        return; /* not crossed: nothing trades */
    /* volume at or better than each level, from each side's best */
    wide *bidcum = th_xmalloc((size_t)bid->n * sizeof *bidcum);
    wide *askcum = th_xmalloc((size_t)ask->n * sizeof *askcum);
    wide run = 0;
    for (int k = bid->n - 1; k >= 0; k--)
        bidcum[k] = run += book_level_sum(b, &b->l[bid->lv[k]]);
    run = 0;
    for (int k = ask->n - 1; k >= 0; k--)
        askcum[k] = run += book_level_sum(b, &b->l[ask->lv[k]]);
    /* every limit price in the book is a candidate */
    bool have = false;
    int64_t best = 0;
    wide best_exec = 0, best_imb = 0, best_dist = 0;
    for (int sidx = 0; sidx < 2; sidx++) {
        const side_levels *s = &b->s[sidx];
        for (int k = 0; k < s->n; k++) {
            if (b->l[s->lv[k]].head < 0)
                continue; /* an empty level is no limit price in the book */
            int64_t p = b->l[s->lv[k]].price;
            bool found;
            /* bids at p or above: from the first bid level not worse than p to the best */
            int bp = book_level_pos(b, TH_BUY, p, &found);
            wide buy = bp < bid->n ? bidcum[bp] : 0;
            int ap = book_level_pos(b, TH_SELL, p, &found);
            wide sell = ap < ask->n ? askcum[ap] : 0;
            wide exec = buy < sell ? buy : sell, imb = wabs(buy - sell);
            wide dist = wabs((wide)p - b->cfg.ref_price);
            if (!have || exec > best_exec ||
                (exec == best_exec &&
                 (imb < best_imb ||
                  (imb == best_imb && (dist < best_dist || (dist == best_dist && p < best)))))) {
                have = true;
                best = p;
                best_exec = exec;
                best_imb = imb;
                best_dist = dist;
            }
        }
    }
    free(bidcum);
    free(askcum);
    if (best_exec == 0)
        return;
    /* pair the buys and the sells in priority order, all at the one price */
    for (;;) {
        level *B = book_best_level(b, TH_BUY), *S = book_best_level(b, TH_SELL);
        if (!B || !S || B->price < best || S->price > best)
            break;
        int32_t bi = B->head, si = S->head;
        order *bo = &b->o[bi], *so = &b->o[si];
        int64_t take = bo->qty < so->qty ? bo->qty : so->qty;
        book_emit(b, (th_book_event){.type = TH_EV_TRADE, .id = bo->id, .sell_id = so->id,
                                .price = best, .qty = take, .aggressor = 'X'});
        bo->qty -= take;
        so->qty -= take;
        if (b->o[bi].qty == 0)
            book_remove_order(b, bi);
        if (b->o[si].qty == 0)
            book_remove_order(b, si);
    }
}
