/* book_view.c — looking at an order book: what it holds, level by level. See book.h. */
#include "market/book_index.h"

int64_t th_book_live_orders(const th_book *b) { return b->live; }

bool th_book_in_auction(const th_book *b) { return b->auction; }

bool th_book_has(const th_book *b, int64_t id) { return idx_find(b, id) >= 0; }

int th_book_levels(const th_book *b, th_side side) { return b->s[side].nonempty; }

bool th_book_level(const th_book *b, th_side side, int depth, int64_t *price, int64_t *total)
{
    const side_levels *s = &b->s[side];
    if (depth < 0 || depth >= s->nonempty)
        return false;
    int k = s->n - 1;
    for (int seen = 0;; k--)
        if (b->l[s->lv[k]].head >= 0 && seen++ == depth)
            break;
    const level *L = &b->l[s->lv[k]];
    __int128 t = book_level_sum(b, L);
    *price = L->price;
    *total = t > INT64_MAX ? INT64_MAX : (int64_t)t;
    return true;
}
