/* book_index.h — the order book's id index: order id -> order (inside the book; see
 * book_impl.h). Its look-ups are on every command's path, so they are inline here.
 *
 * An exchange gives ids in sequence, so ids from the page of the first id the book sees (its
 * base) up to 2^36 beyond it are looked up directly: a table of pages of 2^16 order indexes, one
 * page per 2^16 consecutive ids, made when the first of them rests and freed when the last leaves
 * (one emptied page is kept for the next, so a book that empties and fills again does not clear
 * a page each time). A new order writes the entry after the last one's, in memory the last order
 * warmed: no hashing, no probing, no cache miss. (Measured on liquibook's load, 10 M sequential
 * ids with half of them resting: see BENCHMARKS.md.)
 *
 * Other ids (below the base, or beyond its range) go to a hash table: open addressing with
 * linear probing over {id, order} slots. The hash keeps runs of 16
 * consecutive ids in 16 consecutive slots (ids are mostly given in sequence, so the slots a new
 * order needs are the ones the last orders warmed) and scatters the runs, so that no pattern of
 * ids crowds more than 16 of them into one place. Each order keeps its slot, so leaving needs no
 * search. The table grows (book_index.c) when live ids and tombstones reach half of it. */
#ifndef TH_BOOK_INDEX_H
#define TH_BOOK_INDEX_H

#include "market/book_impl.h"

/* Rehash into a table with room for `room` ids at most half full (tombstones dropped). */
void book_idx_rehash(th_book *b, uint32_t room);
/* Make page p of the direct index (growing the page table to hold it). */
void book_page_make(th_book *b, uint32_t p);
/* Free the direct index's page p (its last order left). */
void book_page_free(th_book *b, uint32_t p);
void book_pages_free(th_book *b);

enum { PAGE_BITS = 16, DIRECT_BITS = 36 };
#define PAGE_MASK ((UINT64_C(1) << PAGE_BITS) - 1)

/* The id's offset from the base (unsigned: any int64 base and id), and whether it is direct. */
static inline uint64_t id_off(const th_book *b, int64_t id)
{
    return (uint64_t)id - b->base;
}

static inline bool is_direct(const th_book *b, int64_t id)
{
    return b->has_base && id_off(b, id) < (UINT64_C(1) << DIRECT_BITS);
}
/* Memory for a large table, in huge pages when the kernel grants them. */
void *book_table_alloc(size_t n);

static inline uint32_t id_hash(int64_t id)
{
    uint64_t x = (uint64_t)(id >> 4) * UINT64_C(0x9E3779B97F4A7C15); /* Fibonacci hashing */
    return (uint32_t)(x >> 32) << 4 | (uint32_t)(id & 15);
}

static inline int32_t idx_find(const th_book *b, int64_t id)
{
    if (is_direct(b, id)) {
        uint64_t off = id_off(b, id);
        uint32_t p = (uint32_t)(off >> PAGE_BITS);
        return p < b->npage && b->page[p] ? b->page[p][off & PAGE_MASK] : -1;
    }
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

/* Into the hash table (its own count: hlive). */
static inline void idx_hash_put(th_book *b, int64_t id, int32_t val)
{
    if ((b->usedidx + 1) * 2 > b->capidx)
        book_idx_rehash(b, b->hlive + 1);
    uint32_t mask = b->capidx - 1;
    uint32_t i = id_hash(id) & mask;
    while (b->idx[i].order >= 0)
        i = (i + 1) & mask;
    if (b->idx[i].order == SLOT_EMPTY)
        b->usedidx++;
    b->idx[i] = (slot){id, val};
    b->o[val].slot = i;
    b->hlive++;
}

static inline void idx_put(th_book *b, int64_t id, int32_t val)
{
    if (id > b->max_id)
        b->max_id = id;
    b->live++;
    if (!b->has_base) { /* the first id: its page starts the direct range */
        b->has_base = true;
        b->base = (uint64_t)id & ~PAGE_MASK;
    }
    if (!is_direct(b, id)) {
        idx_hash_put(b, id, val);
        return;
    }
    uint64_t off = id_off(b, id);
    uint32_t p = (uint32_t)(off >> PAGE_BITS);
    if (p >= b->npage || !b->page[p])
        book_page_make(b, p);
    b->page[p][off & PAGE_MASK] = val;
    b->page_live[p]++;
}

static inline void idx_del(th_book *b, const order *o)
{
    b->live--;
    if (is_direct(b, o->id)) {
        uint64_t off = id_off(b, o->id);
        uint32_t p = (uint32_t)(off >> PAGE_BITS);
        b->page[p][off & PAGE_MASK] = -1;
        if (--b->page_live[p] == 0)
            book_page_free(b, p);
        return;
    }
    b->idx[o->slot].order = SLOT_GONE;
    b->hlive--;
}

#endif
