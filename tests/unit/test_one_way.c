/* test_one_way.c — the one-way auction: the rules by example, bad input, and a property test
 * against a brute-force allocation. */
#include "test.h"

#include "market/one_way.h"

#include <stdlib.h>

TEST(one_way_uniform_and_pay_as_bid)
{
    /* 1000 t offered, reserve 50.00 (5000 fen); bids in arrival order */
    th_bid bids[] = {
        {1, 11, 5200, 400}, {2, 12, 5500, 300}, {3, 13, 4900, 900}, /* below the reserve */
        {4, 14, 5200, 500}, {5, 15, 5000, 100},
    };
    th_award a[5];
    size_t n;
    int64_t clearing;
    th_err e;
    CHECK_INT(th_one_way_auction(1000, 5000, bids, 5, TH_PRICE_UNIFORM, a, &n, &clearing, &e), 0);
    /* 5500x300, then 5200: bid 1 (earlier) 400, bid 4 gets the last 300 of its 500 */
    CHECK_INT(n, 3);
    CHECK_INT(a[0].bid_id, 2);
    CHECK_INT(a[0].qty, 300);
    CHECK_INT(a[1].bid_id, 1);
    CHECK_INT(a[1].qty, 400);
    CHECK_INT(a[2].bid_id, 4);
    CHECK_INT(a[2].qty, 300);
    CHECK_INT(clearing, 5200);
    for (size_t i = 0; i < n; i++)
        CHECK_INT(a[i].price, 5200);
    CHECK_INT(th_one_way_auction(1000, 5000, bids, 5, TH_PRICE_PAY_AS_BID, a, &n, &clearing, &e),
              0);
    CHECK_INT(a[0].price, 5500);
    CHECK_INT(a[1].price, 5200);
    CHECK_INT(a[2].price, 5200);
    CHECK_INT(a[2].account, 14);
    /* undersubscribed: everything at or above the reserve wins, down to the reserve */
    CHECK_INT(th_one_way_auction(5000, 5000, bids, 5, TH_PRICE_UNIFORM, a, &n, &clearing, &e), 0);
    CHECK_INT(n, 4);
    CHECK_INT(clearing, 5000);
    /* nothing at the reserve: nothing sold */
    CHECK_INT(th_one_way_auction(10, 6000, bids, 5, TH_PRICE_UNIFORM, a, &n, &clearing, &e), 0);
    CHECK_INT(n, 0);
    CHECK_INT(clearing, 0);
}

TEST(one_way_bad_input)
{
    th_bid bids[] = {{1, 1, 100, 5}, {1, 2, 100, 5}};
    th_award a[2];
    size_t n;
    int64_t c;
    th_err e;
    CHECK_INT(th_one_way_auction(0, 100, bids, 1, TH_PRICE_UNIFORM, a, &n, &c, &e), -1);
    CHECK_CONTAINS(e.msg, "quantity");
    CHECK_INT(th_one_way_auction(10, 0, bids, 1, TH_PRICE_UNIFORM, a, &n, &c, &e), -1);
    CHECK_INT(th_one_way_auction(10, 100, bids, 2, TH_PRICE_UNIFORM, a, &n, &c, &e), -1);
    CHECK_CONTAINS(e.msg, "bid id 1 is given twice");
    th_bid zero[] = {{7, 1, 100, 0}};
    CHECK_INT(th_one_way_auction(10, 100, zero, 1, TH_PRICE_UNIFORM, a, &n, &c, &e), -1);
    CHECK_CONTAINS(e.msg, "bid 7");
}

/* Brute force: repeatedly take the best remaining bid (highest price, lowest index). */
static int64_t brute_filled(const th_bid *b, size_t n, int64_t offer, int64_t reserve,
                            int64_t *got)
{
    bool used[16] = {false};
    int64_t left = offer;
    for (size_t i = 0; i < n; i++)
        got[i] = 0;
    for (;;) {
        long k = -1;
        for (size_t i = 0; i < n; i++)
            if (!used[i] && b[i].price >= reserve && (k < 0 || b[i].price > b[k].price))
                k = (long)i;
        if (k < 0 || left == 0)
            break;
        used[k] = true;
        got[k] = b[k].qty < left ? b[k].qty : left;
        left -= got[k];
    }
    return offer - left;
}

TEST(one_way_property_against_brute_force)
{
    uint64_t x = 99;
    int rounds = th_test_long() ? 100000 : 5000;
    for (int r = 0; r < rounds; r++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        size_t n = x % 12;
        th_bid b[16];
        for (size_t i = 0; i < n; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            b[i] = (th_bid){(int64_t)i + 1, (int64_t)(x % 5), 95 + (int64_t)(x >> 8) % 10,
                            1 + (int64_t)(x >> 16) % 50};
        }
        int64_t offer = 1 + (int64_t)(x >> 24) % 200, reserve = 95 + (int64_t)(x >> 32) % 8;
        th_award a[16];
        size_t na;
        int64_t clearing, got[16], sold = 0;
        th_err e;
        if (th_one_way_auction(offer, reserve, b, n, TH_PRICE_UNIFORM, a, &na, &clearing, &e)) {
            th_test_fail(__FILE__, __LINE__, "round %d: %s", r, e.msg);
            return;
        }
        int64_t want = brute_filled(b, n, offer, reserve, got);
        for (size_t i = 0; i < na; i++) {
            sold += a[i].qty;
            if (a[i].qty != got[a[i].bid_id - 1] || a[i].price != clearing ||
                clearing < reserve) {
                th_test_fail(__FILE__, __LINE__, "round %d: award %zu differs", r, i);
                return;
            }
        }
        if (sold != want) {
            th_test_fail(__FILE__, __LINE__, "round %d: sold %lld, brute force %lld", r,
                         (long long)sold, (long long)want);
            return;
        }
    }
}
