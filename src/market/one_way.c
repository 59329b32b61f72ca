/* one_way.c — the one-way auction. See one_way.h. */
#include "market/one_way.h"

#include "base/mem.h"

#include <stdlib.h>

typedef struct {
    const th_bid *bid;
    size_t arrival;
} ranked;

/* Higher price first, then earlier. */
static int by_rank(const void *pa, const void *pb)
{
    const ranked *a = pa, *b = pb;
    if (a->bid->price != b->bid->price)
        return a->bid->price > b->bid->price ? -1 : 1;
    return a->arrival < b->arrival ? -1 : a->arrival > b->arrival;
}

static int by_id(const void *pa, const void *pb)
{
    int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;
    return (a > b) - (a < b);
}

int th_one_way_auction(int64_t offer_qty, int64_t reserve, const th_bid *bids, size_t n,
                       th_auction_pricing pricing, th_award *awards, size_t *nawards,
                       int64_t *clearing, th_err *e)
{
    *nawards = 0;
    *clearing = 0;
    if (offer_qty <= 0)
        return th_fail(e, TH_EINPUT, "the offer's quantity must be at least 1, not %lld",
                       (long long)offer_qty);
    if (reserve <= 0)
        return th_fail(e, TH_EINPUT, "the reserve price must be above 0, not %lld",
                       (long long)reserve);
    int64_t *ids = th_xmalloc((n ? n : 1) * sizeof *ids);
    for (size_t i = 0; i < n; i++) {
        if (bids[i].qty <= 0 || bids[i].price <= 0) {
            free(ids);
            return th_fail(e, TH_EINPUT, "bid %lld: its price and quantity must be above 0",
                           (long long)bids[i].id);
        }
        ids[i] = bids[i].id;
    }
    qsort(ids, n, sizeof *ids, by_id);
    for (size_t i = 1; i < n; i++)
        if (ids[i] == ids[i - 1]) {
            int64_t dup = ids[i];
            free(ids);
            return th_fail(e, TH_EINPUT, "bid id %lld is given twice", (long long)dup);
        }
    free(ids);
    ranked *r = th_xmalloc((n ? n : 1) * sizeof *r);
    for (size_t i = 0; i < n; i++)
        r[i] = (ranked){&bids[i], i};
    qsort(r, n, sizeof *r, by_rank);
    int64_t left = offer_qty;
    size_t k = 0;
    for (size_t i = 0; i < n && left > 0 && r[i].bid->price >= reserve; i++) {
        const th_bid *b = r[i].bid;
        int64_t q = b->qty < left ? b->qty : left;
        awards[k++] = (th_award){b->id, b->account, b->price, q};
        left -= q;
    }
    free(r);
    if (k > 0)
        *clearing = awards[k - 1].price; /* the lowest accepted bid */
    if (pricing == TH_PRICE_UNIFORM)
        for (size_t i = 0; i < k; i++)
            awards[i].price = *clearing;
    *nawards = k;
    return 0;
}
