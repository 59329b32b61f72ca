/* book_index.h — the order book's id index: order id -> order (inside the book; see
 * book_impl.h). Its look-ups are on every command's path, so they are inline here.
 *
 * Open addressing with linear probing over {id, order} slots. The hash keeps runs of 16
 * consecutive ids in 16 consecutive slots (ids are mostly given in sequence, so the slots a new
 * order needs are the ones the last orders warmed) and scatters the runs, so that no pattern of
 * ids crowds more than 16 of them into one place. Each order keeps its slot, so leaving needs no
 * search. The table grows (book_index.c) when live ids and tombstones reach half of it. */
#ifndef TH_BOOK_INDEX_H
#define TH_BOOK_INDEX_H

#include "market/book_impl.h"

/* Rehash into a table with room for `room` ids at most half full (tombstones dropped). */
void book_idx_rehash(th_book *b, uint32_t room);
/* Memory for a large table, in huge pages when the kernel grants them. */
void *book_table_alloc(size_t n);

static inline uint32_t id_hash(int64_t id)
{
    uint64_t x = (uint64_t)(id >> 4) * UINT64_C(0x9E3779B97F4A7C15); /* Fibonacci hashing */
    return (uint32_t)(x >> 32) << 4 | (uint32_t)(id & 15);
}

static inline int32_t idx_find(const th_book *b, int64_t id)
{
    uint32_t mask = b->capidx - 1;
    for (uint32_t i = id_hash(id) & mask;; i = (i + 1) & mask) {
        const slot *t = &b->idx[i];
        if (t->order == SLOT_EMPTY)
            return -1;
        if (t->order >= 0 && t->id == id)
            return t->order;
    }
}


/* Is an order of this id live? Ids above every id ever rested cannot be (the exchange gives
 * them in sequence), which spares the index a look-up for nearly every new order. */
static inline bool is_live(const th_book *b, int64_t id)
{
    return b->live && id <= b->max_id && idx_find(b, id) >= 0;
}

static inline void idx_put(th_book *b, int64_t id, int32_t val)
{
    if ((b->usedidx + 1) * 2 > b->capidx)
        book_idx_rehash(b, b->live + 1);
    uint32_t mask = b->capidx - 1;
    uint32_t i = id_hash(id) & mask;
    while (b->idx[i].order >= 0)
        i = (i + 1) & mask;
    if (b->idx[i].order == SLOT_EMPTY)
        b->usedidx++;
    b->idx[i] = (slot){id, val};
    b->o[val].slot = i;
    if (id > b->max_id)
        b->max_id = id;
    b->live++;
}

static inline void idx_del(th_book *b, const order *o)
{
    b->idx[o->slot].order = SLOT_GONE;
    b->live--;
}

#endif
