/* book_levels.h — each side's price -> level map (inside the book; see book_impl.h): every level
 * in the side's sorted array, empty ones too, so that an order at a price that has a level finds
 * it without a search. Open addressing with tombstones; rebuilt from the array (the truth) when
 * they pile up or the array is compacted. The look-up is on every order's path, so it is inline. */
#ifndef TH_BOOK_LEVELS_H
#define TH_BOOK_LEVELS_H

#include "market/book_impl.h"

void book_map_insert(side_levels *s, int64_t price, int32_t li);
/* Make the map hold exactly the array's levels, with room for as many again. */
void book_map_rebuild(side_levels *s);
void book_map_remove(side_levels *s, int64_t price);

static inline uint32_t price_hash(int64_t price)
{
    return (uint32_t)(((uint64_t)price * UINT64_C(0x9E3779B97F4A7C15)) >> 32);
}

static inline int32_t map_get(const side_levels *s, int64_t price)
{
    if (!s->mcap)
        return -1;
    uint32_t mask = s->mcap - 1;
    for (uint32_t i = price_hash(price) & mask; s->mv[i] != SLOT_EMPTY; i = (i + 1) & mask)
        if (s->mv[i] >= 0 && s->mk[i] == price)
            return s->mv[i];
    return -1;
}

#endif
