/* book_index.c — growing the order book's id index. See book_index.h. */
#include "market/book_index.h"

#include "base/mem.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* Asked of the kernel in huge pages when it is big enough: with millions of orders, random
 * accesses otherwise miss the TLB each time. */
void *book_table_alloc(size_t n)
{
    enum { HUGE = 2 << 20 };
    if (n < HUGE)
        return th_xmalloc(n);
    size_t rounded = (n + HUGE - 1) / HUGE * HUGE;
    void *p = aligned_alloc(HUGE, rounded);
    if (!p)
        return th_xmalloc(n);
#ifdef MADV_HUGEPAGE
    madvise(p, rounded, MADV_HUGEPAGE); /* a hint: without it, plain pages */
#endif
    return p;
}

void book_idx_rehash(th_book *b, uint32_t room)
{
    uint32_t oldcap = b->capidx;
    slot *old = b->idx;
    uint32_t cap = 64;
    while (cap < room * 2 + 2)
        cap *= 2;
    if (cap < b->hlive * 4)
        cap *= 2; /* growing: leave room for as many again */
    b->capidx = cap;
    b->idx = book_table_alloc(cap * sizeof *b->idx);
    for (uint32_t i = 0; i < cap; i++)
        b->idx[i].order = SLOT_EMPTY;
    b->usedidx = b->hlive = 0;
    for (uint32_t i = 0; i < oldcap; i++)
        if (old[i].order >= 0)
            idx_hash_put(b, old[i].id, old[i].order);
    free(old);
}

void book_page_make(th_book *b, uint32_t p)
{
    if (p >= b->npage) {
        uint32_t n = b->npage ? b->npage : 16;
        while (n <= p)
            n *= 2;
        b->page = th_xrealloc(b->page, n * sizeof *b->page);
        b->page_live = th_xrealloc(b->page_live, n * sizeof *b->page_live);
        for (uint32_t i = b->npage; i < n; i++) {
            b->page[i] = NULL;
            b->page_live[i] = 0;
        }
        b->npage = n;
    }
    int32_t *pg = b->spare_page;
    b->spare_page = NULL;
    if (!pg) {
        pg = th_xmalloc(((size_t)1 << PAGE_BITS) * sizeof *pg);
        memset(pg, 0xFF, ((size_t)1 << PAGE_BITS) * sizeof *pg); /* every entry -1 */
    }
    b->page[p] = pg;
}

/* A book that empties and fills again (a quiet market) would otherwise free and remake, and
 * clear, the same page over and over: one emptied page is kept for the next. */
void book_page_free(th_book *b, uint32_t p)
{
    if (b->spare_page)
        free(b->page[p]);
    else
        b->spare_page = b->page[p];
    b->page[p] = NULL;
}

void book_pages_free(th_book *b)
{
    for (uint32_t i = 0; i < b->npage; i++)
        free(b->page[i]);
    free(b->page);
    free(b->page_live);
    free(b->spare_page);
}

