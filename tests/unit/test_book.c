/* test_book.c — the matching engine: each rule of issue 5 as a replay script with its expected
 * events, and a differential test against the reference book (ref_book.h) on random commands. */
#include "test.h"

#include "market/replay.h"
#include "ref_book.h"

#include <stdlib.h>

static th_book_config config(void)
{
    return (th_book_config){.stp = TH_STP_CANCEL_NEWEST, .pick_depth = 5};
}

/* Run a script (lines separated by \n) and compare the events with `want`. */
static void script(const char *name, th_book_config cfg, const char *lines, const char *want)
{
    th_buf out;
    th_buf_init(&out);
    th_replay r;
    th_replay_init(&r, &cfg, &out);
    for (const char *p = lines; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        th_replay_line(&r, p, n);
        p += n + (nl != NULL);
    }
    const char *got = out.p ? out.p : "";
    if (strcmp(got, want) != 0)
        th_test_fail(__FILE__, __LINE__, "%s:\n--- got\n%s--- want\n%s", name, got, want);
    th_replay_free(&r);
    th_buf_free(&out);
}

TEST(book_price_time_priority)
{
    script("trades at the resting price, best price first, then earliest", config(),
           "O 1 1 S 101 5\nO 2 2 S 100 5\nO 3 3 S 100 5\nO 4 4 B 102 12\n",
           "A 1\nA 2\nA 3\nA 4\nT 4 2 100 5 B\nT 4 3 100 5 B\nT 4 1 101 2 B\n");
    script("a sell takes the highest bid", config(),
           "O 1 1 B 99 5\nO 2 2 B 100 5\nO 3 3 S 98 7\n",
           "A 1\nA 2\nA 3\nT 2 3 100 5 S\nT 1 3 99 2 S\n");
    script("what is left rests (GTC)", config(), "O 1 1 S 100 5\nO 2 2 B 100 8\nO 3 3 S 100 1\n",
           "A 1\nA 2\nT 2 1 100 5 B\nA 3\nT 2 3 100 1 S\n");
}

TEST(book_time_in_force)
{
    script("IOC: the rest expires", config(), "O 1 1 S 100 5\nO 2 2 B 100 8 IOC\nC 2\n",
           "A 1\nA 2\nT 2 1 100 5 B\nK 2 3\nJ 2 unknown-order\n");
    script("IOC filled whole: no K", config(), "O 1 1 S 100 5\nO 2 2 B 100 5 IOC\n",
           "A 1\nA 2\nT 2 1 100 5 B\n");
    script("FOK unfillable: A, K whole, the book untouched", config(),
           "O 1 1 S 100 5\nO 2 1 S 101 5\nO 3 2 B 101 11 FOK\nO 4 3 B 101 10\n",
           "A 1\nA 2\nA 3\nK 3 11\nA 4\nT 4 1 100 5 B\nT 4 2 101 5 B\n");
    script("FOK fillable trades", config(), "O 1 1 S 100 5\nO 2 1 S 101 5\nO 3 2 B 101 10 FOK\n",
           "A 1\nA 2\nA 3\nT 3 1 100 5 B\nT 3 2 101 5 B\n");
    script("FOK counts what self-trade prevention would stop", config(),
           "O 1 1 S 100 5\nO 2 2 S 100 5\nO 3 1 B 100 6 FOK\n", "A 1\nA 2\nA 3\nK 3 6\n");
    th_book_config oldest = config();
    oldest.stp = TH_STP_CANCEL_OLDEST;
    script("FOK under cancel-oldest skips its own resting orders", oldest,
           "O 1 1 S 100 5\nO 2 2 S 100 5\nO 3 1 B 100 5 FOK\n",
           "A 1\nA 2\nA 3\nK 1 5\nT 3 2 100 5 B\n");
    script("market: fills what it can, the rest cancelled", config(),
           "O 1 1 S 100 5\nM 2 2 B 9\nM 3 2 B 0\n", "A 1\nA 2\nT 2 1 100 5 B\nK 2 4\nJ 3 bad-qty\n");
    script("POST rests, or is rejected if it would cross", config(),
           "O 1 1 S 100 5\nO 2 2 B 100 5 POST\nO 3 2 B 99 5 POST\nO 4 3 S 99 1\n",
           "A 1\nJ 2 post-would-cross\nA 3\nA 4\nT 3 4 99 1 S\n");
}

TEST(book_self_trade_prevention)
{
    th_book_config c = config();
    const char *s = "O 1 7 S 100 5\nO 2 8 S 100 5\nO 3 7 B 100 8\n";
    script("cancel-newest", c, s, "A 1\nA 2\nA 3\nK 3 8\n");
    c.stp = TH_STP_CANCEL_OLDEST;
    script("cancel-oldest", c, s, "A 1\nA 2\nA 3\nK 1 5\nT 3 2 100 5 B\n");
    c.stp = TH_STP_CANCEL_BOTH;
    script("cancel-both", c, s, "A 1\nA 2\nA 3\nK 1 5\nK 3 8\n");
    c.stp = TH_STP_OFF;
    script("off", c, s, "A 1\nA 2\nA 3\nT 3 1 100 5 B\nT 3 2 100 3 B\n");
    script("cancel-newest after some trades", config(), "O 1 8 S 100 2\nO 2 7 S 100 5\nO 3 7 B 100 8\n",
           "A 1\nA 2\nA 3\nT 3 1 100 2 B\nK 3 6\n");
}

TEST(book_band_and_validation)
{
    th_book_config c = config();
    c.has_band = true;
    c.band_lo = 90;
    c.band_hi = 110;
    script("band, checks in order", c,
           "O 1 1 S 111 5\nO 1 1 S 0 5\nO 1 1 S 100 -1\nO 2 1 S 100 5\nO 2 1 S 100 5\n"
           "O 3 1 S 89 5\n",
           "J 1 band\nJ 1 bad-price\nJ 1 bad-qty\nA 2\nJ 2 duplicate-id\nJ 3 band\n");
    script("a market order never trades outside the band", c,
           "O 1 1 S 105 5\nM 2 2 B 10\n", "A 1\nA 2\nT 2 1 105 5 B\nK 2 5\n");
    script("replace checks: unknown, qty, price, band", c,
           "R 9 100 5\nO 1 1 B 100 5\nR 1 100 0\nR 1 -5 5\nR 1 200 5\n",
           "J 9 unknown-order\nA 1\nJ 1 bad-qty\nJ 1 bad-price\nJ 1 band\n");
}

TEST(book_replace)
{
    script("lower quantity, same price: keeps its place", config(),
           "O 1 1 B 100 5\nO 2 2 B 100 5\nR 1 100 3\nO 3 3 S 100 4\n",
           "A 1\nA 2\nU 1\nA 3\nT 1 3 100 3 S\nT 2 3 100 1 S\n");
    script("higher quantity: to the back", config(),
           "O 1 1 B 100 5\nO 2 2 B 100 5\nR 1 100 6\nO 3 3 S 100 4\n",
           "A 1\nA 2\nU 1\nA 3\nT 2 3 100 4 S\n");
    script("a new price may trade at once", config(), "O 1 1 S 101 5\nO 2 2 B 100 5\nR 2 101 5\n",
           "A 1\nA 2\nU 2\nT 2 1 101 5 B\n");
    script("post-only stays post-only; a rejected replace changes nothing", config(),
           "O 1 1 S 101 5\nO 2 2 B 100 5 POST\nR 2 101 5\nO 3 3 S 100 5\n",
           "A 1\nA 2\nJ 2 post-would-cross\nA 3\nT 2 3 100 5 S\n");
}

TEST(book_pick)
{
    const char *book = "O 1 1 S 100 5\nO 2 2 S 101 5\nO 3 3 S 102 5\nO 4 4 B 99 5\n";
    th_book_config c = config();
    c.pick_depth = 2;
    char s[400];
    snprintf(s, sizeof s, "%sP 10 5 B 3 2\nP 12 5 B 1 3\nP 11 5 B 9 1\nP 13 5 B 1 3\n", book);
    script("pick within depth, remainder cancelled, beyond depth rejected", c, s,
           "A 1\nA 2\nA 3\nA 4\nA 10\nT 10 2 101 3 B\nJ 12 pick-depth\nA 11\n"
           "T 11 1 100 5 B\nK 11 4\nA 13\nT 13 3 102 1 B\n");
    snprintf(s, sizeof s, "%sP 10 1 B 1 1\nP 11 5 B 1 4\nP 12 5 B 1 99\nP 13 5 B 0 1\nP 1 5 B 1 2\n",
             book);
    script("pick checks", c, s,
           "A 1\nA 2\nA 3\nA 4\nJ 10 self-trade\nJ 11 unknown-order\nJ 12 unknown-order\n"
           "J 13 bad-qty\nJ 1 duplicate-id\n");
    th_book_config off = config();
    off.stp = TH_STP_OFF;
    script("a pick of one's own order is self-trade whatever --stp says", off,
           "O 1 1 S 100 5\nP 2 1 B 1 1\n", "A 1\nJ 2 self-trade\n");
}

TEST(book_auction)
{
    th_book_config c = config();
    c.auction = true;
    script("orders rest; M, IOC, FOK and P are refused; POST is not checked", c,
           "O 1 1 S 100 5\nO 2 2 B 101 5 POST\nM 3 2 B 1\nO 4 2 B 101 1 IOC\nO 5 2 B 101 1 FOK\n"
           "P 6 2 B 1 1\nR 2 102 5\nC 9\n",
           "A 1\nA 2\nJ 3 auction\nJ 4 auction\nJ 5 auction\nJ 6 auction\nU 2\nJ 9 unknown-order\n");
    /* bids 102x5 101x5, asks 100x4 101x8: at 101 buys 10 sells 12 -> 10 trade; at 100 buys 10,
     * sells 4 -> 4; at 102 buys 5 -> 5 */
    script("uncross at the price of most volume, pairs in priority order", c,
           "O 1 1 B 101 5\nO 2 2 B 102 5\nO 3 3 S 100 4\nO 4 4 S 101 8\nX\nO 5 5 B 101 1\n",
           "A 1\nA 2\nA 3\nA 4\nT 2 3 101 4 X\nT 2 4 101 1 X\nT 1 4 101 5 X\nA 5\n"
           "T 5 4 101 1 B\n");
    /* equal volume 5 at 100 and 101 (bid 101x5, ask 100x5): imbalance 0 both; nearest ref */
    c.ref_price = 101;
    script("ties: nearest the reference price", c, "O 1 1 B 101 5\nO 2 2 S 100 5\nX\n",
           "A 1\nA 2\nT 1 2 101 5 X\n");
    script("ties: then the lower price (100 and 102 both 1 from the reference)", c,
           "O 1 1 B 102 5\nO 2 2 S 100 5\nX\n", "A 1\nA 2\nT 1 2 100 5 X\n");
    c.ref_price = 0;
    /* at 100: buys 8 sells 5 (exec 5, imbalance 3); at 101: buys 3 sells 5 (exec 3) */
    script("ties: smallest imbalance", c,
           "O 1 1 B 101 3\nO 2 2 B 100 5\nO 3 3 S 100 5\nO 4 4 S 99 0\nX\n",
           "A 1\nA 2\nA 3\nJ 4 bad-qty\nT 1 3 100 3 X\nT 2 3 100 2 X\n");
    script("self-trade prevention does not apply to the uncross", c,
           "O 1 1 B 100 5\nO 2 1 S 100 5\nX\n", "A 1\nA 2\nT 1 2 100 5 X\n");
    script("an uncrossed book trades continuously", c, "X\nO 1 1 B 100 5\nO 2 2 S 100 5 IOC\n",
           "A 1\nA 2\nT 1 2 100 5 S\n");
}

TEST(book_bad_lines)
{
    script("malformed lines", config(),
           "# a comment\n\nO 1 1 B 100\nO x 1 B 100 5\nZ 3\nO 4 1 Q 100 5\nO 5 1 B 100 5 DAY\n"
           "C 99999999999999999999\nX 1\n  C   6  \n",
           "J 1 bad-line\nJ - bad-line\nJ 3 bad-line\nJ 4 bad-line\nJ 5 bad-line\nJ - bad-line\n"
           "J 1 bad-line\nJ 6 unknown-order\n");
}

/* ---- the differential test ---- */

static uint64_t rnd(uint64_t *x)
{
    *x ^= *x << 13, *x ^= *x >> 7, *x ^= *x << 17;
    return *x;
}

/* How a book's ids are spread (the id index looks sequential ids up directly, others in a hash
 * table): 0 in sequence; 1 every id 2^37 apart (all but the first in the hash table); 2 every
 * third id far away (both, interleaved). */
static int id_spread;

static int64_t spread(int64_t id)
{
    if (id_spread == 1)
        return id * ((INT64_C(1) << 37) + 1);
    if (id_spread == 2 && id % 3 == 0)
        return id + (INT64_C(1) << 45);
    return id;
}

/* One random command, applied to both books; the line is also the engine's input. */
static void random_command(uint64_t *x, th_replay *eng, ref_book *ref, int64_t *next_id,
                           bool *auction, int64_t width)
{
    uint64_t v = rnd(x);
    int64_t id = spread(rnd(x) % 8 == 0 ? *next_id - 1 - (int64_t)(rnd(x) % 20) : (*next_id)++);
    int64_t acct = 1 + (int64_t)(rnd(x) % 4);
    th_side side = rnd(x) % 2 ? TH_BUY : TH_SELL;
    int64_t price = 100 - width / 2 + (int64_t)(rnd(x) % (uint64_t)width);
    if (rnd(x) % 50 == 0)
        price = (int64_t)(rnd(x) % 3) - 1; /* 0 and below: bad-price */
    int64_t qty = 1 + (int64_t)(rnd(x) % 20);
    if (rnd(x) % 50 == 0)
        qty = -(int64_t)(rnd(x) % 2);
    int64_t target = spread(*next_id - 1 - (int64_t)(rnd(x) % 30));
    char line[200];
    const char sc = side == TH_BUY ? 'B' : 'S';
    static const char *const tifs[] = {"GTC", "IOC", "FOK", "POST"};
    int kind = (int)(v % 20);
    if (kind < 8) {
        th_tif tif = (th_tif)(rnd(x) % 4);
        snprintf(line, sizeof line, "O %lld %lld %c %lld %lld %s", (long long)id,
                 (long long)acct, sc, (long long)price, (long long)qty, tifs[tif]);
        ref_limit(ref, id, acct, side, price, qty, tif);
    } else if (kind < 10) {
        snprintf(line, sizeof line, "M %lld %lld %c %lld", (long long)id, (long long)acct, sc,
                 (long long)qty);
        ref_market(ref, id, acct, side, qty);
    } else if (kind < 13) {
        snprintf(line, sizeof line, "C %lld", (long long)target);
        ref_cancel(ref, target);
    } else if (kind < 18) {
        snprintf(line, sizeof line, "R %lld %lld %lld", (long long)target, (long long)price,
                 (long long)qty);
        ref_replace(ref, target, price, qty);
    } else if (kind < 19) {
        snprintf(line, sizeof line, "P %lld %lld %c %lld %lld", (long long)id, (long long)acct,
                 sc, (long long)qty, (long long)target);
        ref_pick(ref, id, acct, side, qty, target);
    } else if (!*auction || rnd(x) % 4 != 0) {
        snprintf(line, sizeof line, "O %lld %lld %c %lld %lld", (long long)id, (long long)acct,
                 sc, (long long)price, (long long)qty);
        ref_limit(ref, id, acct, side, price, qty, TH_GTC);
    } else {
        snprintf(line, sizeof line, "X");
        ref_uncross(ref);
        *auction = false;
    }
    th_replay_line(eng, line, strlen(line));
}

TEST(book_differential_against_reference)
{
    uint64_t x = 88172645463325252u;
    long books = th_test_long() ? 2000 : 150, per_book = th_test_long() ? 2500 : 1000;
    long commands = 0, trades = 0;
    for (long k = 0; k < books; k++) {
        th_book_config c = {.stp = (th_stp)(rnd(&x) % 4), .pick_depth = 1 + (int)(rnd(&x) % 5),
                            .auction = rnd(&x) % 4 == 0, .ref_price = 95 + (int64_t)(rnd(&x) % 11)};
        if (rnd(&x) % 3 == 0) {
            c.has_band = true;
            c.band_lo = 96 + (int64_t)(rnd(&x) % 3);
            c.band_hi = 102 + (int64_t)(rnd(&x) % 3);
        }
        th_buf a, b;
        th_buf_init(&a);
        th_buf_init(&b);
        th_replay eng;
        th_replay_init(&eng, &c, &a);
        ref_book *ref = ref_new(&c, &b);
        /* ids from 1, from below 0 across it, from high up, from just under a page boundary, and
         * spread so that some or all go to the hash table */
        static const int64_t first_ids[] = {1, -600, (INT64_C(1) << 40) - 300, INT64_C(1) << 55,
                                            (INT64_C(1) << 16) - 100, 1, 1};
        int64_t next_id = first_ids[k % 7];
        id_spread = k % 7 == 5 ? 1 : k % 7 == 6 ? 2 : 0;
        bool auction = c.auction;
        /* a narrow book trades a lot; a wide one empties and reuses many levels */
        int64_t width = k % 4 == 3 ? 180 : 11;
        for (long i = 0; i < per_book; i++) {
            size_t la = a.len, lb = b.len;
            random_command(&x, &eng, ref, &next_id, &auction, width);
            commands++;
            if (a.len - la != b.len - lb ||
                memcmp(a.p ? a.p + la : "", b.p ? b.p + lb : "", a.len - la) != 0) {
                th_buf_putc(&a, 0);
                th_buf_putc(&b, 0);
                th_test_fail(__FILE__, __LINE__,
                             "book %ld command %ld differs\n--- engine\n%s--- reference\n%s", k,
                             i, a.p + la, b.p + lb);
                k = books;
                break;
            }
        }
        for (size_t i = 0; a.p && i < a.len; i++)
            trades += a.p[i] == 'T' && (i == 0 || a.p[i - 1] == '\n');
        th_replay_free(&eng);
        ref_free(ref);
        th_buf_free(&a);
        th_buf_free(&b);
    }
    CHECK(trades > commands / 20); /* the test trades, it does not only reject */
}
