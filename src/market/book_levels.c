/* book_levels.c — changing a side's price -> level map. See book_levels.h. */
#include "market/book_levels.h"

#include "base/mem.h"

#include <stdlib.h>

void book_map_insert(side_levels *s, int64_t price, int32_t li)
{
    uint32_t mask = s->mcap - 1, i = price_hash(price) & mask;
    while (s->mv[i] >= 0)
        i = (i + 1) & mask;
    s->mfill += s->mv[i] == SLOT_EMPTY;
    s->mk[i] = price;
    s->mv[i] = li;
}

void book_map_rebuild(side_levels *s)
{
    uint32_t cap = 64;
    while (cap < (uint32_t)s->n * 4 + 4)
        cap *= 2;
    if (cap != s->mcap) {
        free(s->mk);
        free(s->mv);
        s->mk = th_xmalloc(cap * sizeof *s->mk);
        s->mv = th_xmalloc(cap * sizeof *s->mv);
        s->mcap = cap;
    }
    for (uint32_t i = 0; i < cap; i++)
        s->mv[i] = SLOT_EMPTY;
    s->mfill = 0;
    for (int k = 0; k < s->n; k++)
        book_map_insert(s, s->px[k], s->lv[k]);
}

void book_map_remove(side_levels *s, int64_t price)
{
    uint32_t mask = s->mcap - 1;
    for (uint32_t i = price_hash(price) & mask; s->mv[i] != SLOT_EMPTY; i = (i + 1) & mask)
        if (s->mv[i] >= 0 && s->mk[i] == price) {
            s->mv[i] = SLOT_GONE;
            return;
        }
}
