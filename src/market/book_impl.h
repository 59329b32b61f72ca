/* book_impl.h — the order book's inside, shared by its files (book.c: pools, levels, matching,
 * commands; book_index.h/.c: the id index; book_levels.h/.c: the price -> level maps;
 * book_auction.c: the call auction; book_view.c: inspection). Not for use outside src/market/book*. The invariants are in book.h. */
#ifndef TH_BOOK_IMPL_H
#define TH_BOOK_IMPL_H

#include "market/book.h"

#include <stddef.h>

/* 48 bytes: the price is its level's (an order never needs it without its level at hand) */
typedef struct {
    int64_t id, account, qty;
    int32_t prev, next; /* within the level; -1 at the ends; next links the free list */
    int32_t level;
    uint32_t slot; /* its entry in the id index, so leaving needs no search */
    uint8_t side, post;
} order;

typedef struct {
    int64_t price;
    int32_t head, tail; /* head: the earliest order */
} level;

/* A side's levels, sorted by price, best last. A level that empties stays in place (empty) so
 * that the next order at its price needs no insertion; the best (last) level is never empty, and
 * empty levels are compacted away when they outnumber the others. */
typedef struct {
    int32_t *lv; /* level indices */
    int64_t *px; /* their prices, side by side: the search reads one small array */
    int n, cap;
    int nonempty;
    /* price -> level for every level in the array, so that an order at a price that has a level
     * finds it without a search; rebuilt from the array when its tombstones pile up */
    int64_t *mk;
    int32_t *mv; /* SLOT_EMPTY, SLOT_GONE or a level index */
    uint32_t mcap, mfill;
} side_levels;

enum { SLOT_EMPTY = -1, SLOT_GONE = -2 };

typedef struct {
    int64_t id;
    int32_t order; /* SLOT_EMPTY, SLOT_GONE, or an order index */
} slot;

struct th_book {
    th_book_config cfg;
    th_book_cb cb;
    void *arg;
    bool auction;
    order *o;
    int32_t no, capo, free_o;
    level *l;
    int32_t nl, capl, free_l;
    side_levels s[2];
    slot *idx; /* the id index for ids outside the pages below */
    int64_t max_id; /* the highest id ever put in the index (INT64_MIN: none) */
    uint32_t capidx, usedidx, hlive; /* the hash table's slots, used slots, live ids */
    uint32_t live;                   /* live orders, in either index */
    /* ids in [base, base + 2^36), base the page of the first id the book saw: pages of 2^16
     * entries, id -> order index or -1, a page made when its first order comes and freed when
     * its last leaves (book_index.h) */
    bool has_base;
    uint64_t base;
    int32_t **page;
    uint32_t *page_live;
    uint32_t npage;
    int32_t *spare_page; /* the last page freed, every entry -1 already: reused as it is */
};

static inline void book_emit(th_book *b, th_book_event ev) { b->cb(&ev, b->arg); }

/* book.c */
/* The position of `price` in side's sorted array: *found says whether a level has it. */
int book_level_pos(const th_book *b, th_side side, int64_t price, bool *found);
level *book_best_level(th_book *b, th_side side);
void book_remove_order(th_book *b, int32_t oi);

/* book_auction.c: the quantity a level holds, in 128 bits (quantities are any positive int64) */
__int128 book_level_sum(const th_book *b, const level *L);

#endif
