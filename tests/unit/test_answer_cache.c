/* test_answer_cache.c — shared answers (server/answer_cache.h): served again until a commit;
 * a cheap one never after it, a slow one for up to TH_ANSWER_STALE_MS and to everyone while one
 * caller makes the next; dropped, too big and evicted answers; the counts. */
#include "test.h"

#include "server/answer_cache.h"

#include <string.h>

static th_buf text(const char *s)
{
    th_buf b;
    th_buf_init(&b);
    th_buf_puts(&b, s);
    return b;
}

/* get, and what it gave: 1 served (its body in got), 0 not; *mine as th_answer_cache_get. */
static int get(th_answer_cache *c, const char *url, uint64_t gen, double now, bool *mine,
               char *got, size_t cap)
{
    th_buf b;
    th_buf_init(&b);
    const char *ct = NULL;
    int k = th_answer_cache_get(c, url, gen, now, &b, &ct, mine);
    snprintf(got, cap, "%s", k ? b.p : "");
    if (k && strcmp(ct, "application/json") != 0)
        th_test_fail(__FILE__, __LINE__, "content type %s", ct);
    th_buf_free(&b);
    return k;
}

TEST(answer_cache_served_until_a_commit_and_slow_ones_a_while_longer)
{
    th_answer_cache *c = th_answer_cache_new();
    bool mine;
    char got[64];
    const double cheap = 0.001, slow = TH_ANSWER_SLOW_MS / 1000.0;
    th_buf a = text("{\"a\":1}"), b = text("{\"a\":2}");
    /* a cheap answer: made once, served while no commit comes, made again after one */
    CHECK_INT(get(c, "/s", 5, 10.0, &mine, got, sizeof got), 0);
    CHECK(mine);
    th_answer_cache_put(c, "/s", 5, 10.0, cheap, "application/json", &a);
    CHECK_INT(get(c, "/s", 5, 99.0, &mine, got, sizeof got), 1);
    CHECK_STR(got, "{\"a\":1}");
    CHECK(!mine);
    CHECK_INT(get(c, "/s?x", 5, 10.1, &mine, got, sizeof got), 0); /* another URL */
    th_answer_cache_drop(c, "/s?x");
    CHECK_INT(get(c, "/s", 6, 10.1, &mine, got, sizeof got), 0);
    CHECK(mine);
    /* while it is made, a second asker of a cheap answer makes its own, never the old one */
    CHECK_INT(get(c, "/s", 6, 10.1, &mine, got, sizeof got), 0);
    CHECK(!mine);
    th_answer_cache_put(c, "/s", 6, 10.1, cheap, "application/json", &b);
    CHECK_INT(get(c, "/s", 6, 10.2, &mine, got, sizeof got), 1);
    CHECK_STR(got, "{\"a\":2}");

    /* a slow answer: served across commits for up to TH_ANSWER_STALE_MS */
    CHECK_INT(get(c, "/book", 1, 20.0, &mine, got, sizeof got), 0);
    th_answer_cache_put(c, "/book", 1, 20.0, slow, "application/json", &a);
    double fresh = 20.0 + TH_ANSWER_STALE_MS / 1000.0 - 0.01;
    CHECK_INT(get(c, "/book", 9, fresh, &mine, got, sizeof got), 1);
    CHECK_STR(got, "{\"a\":1}");
    double late = 20.0 + TH_ANSWER_STALE_MS / 1000.0 + 0.01;
    CHECK_INT(get(c, "/book", 9, late, &mine, got, sizeof got), 0);
    CHECK(mine);
    /* ... and to everyone else while this caller makes the next */
    CHECK_INT(get(c, "/book", 9, late, &mine, got, sizeof got), 1);
    CHECK_STR(got, "{\"a\":1}");
    CHECK(!mine);
    th_answer_cache_put(c, "/book", 9, late, slow, "application/json", &b);
    CHECK_INT(get(c, "/book", 9, late, &mine, got, sizeof got), 1);
    CHECK_STR(got, "{\"a\":2}");

    /* dropped (no 200 to keep): the next asker makes it */
    CHECK_INT(get(c, "/bars", 1, 30.0, &mine, got, sizeof got), 0);
    th_answer_cache_drop(c, "/bars");
    CHECK_INT(get(c, "/bars", 1, 30.0, &mine, got, sizeof got), 0);
    CHECK(mine);
    /* too big to keep: not served, and the next asker makes it */
    th_buf big;
    th_buf_init(&big);
    for (int i = 0; i <= TH_ANSWER_MAX_BYTES / 1024; i++)
        th_buf_printf(&big, "%1024d", i);
    th_answer_cache_put(c, "/bars", 1, 30.0, slow, "application/json", &big);
    CHECK_INT(get(c, "/bars", 1, 30.1, &mine, got, sizeof got), 0);
    CHECK(mine);
    th_answer_cache_drop(c, "/bars");
    th_buf_free(&big);

    uint64_t served, made;
    th_answer_cache_counts(c, &served, &made);
    CHECK_INT((int)served, 5);
    CHECK_INT((int)made, 4);
    th_buf_free(&a);
    th_buf_free(&b);
    th_answer_cache_free(c);
}

TEST(answer_cache_keeps_the_most_recently_served)
{
    th_answer_cache *c = th_answer_cache_new();
    bool mine;
    char got[64], url[32];
    th_buf a = text("{}");
    for (int i = 0; i < TH_ANSWER_ENTRIES; i++) {
        snprintf(url, sizeof url, "/u%d", i);
        CHECK_INT(get(c, url, 1, (double)i, &mine, got, sizeof got), 0);
        th_answer_cache_put(c, url, 1, (double)i, 0.001, "application/json", &a);
    }
    CHECK_INT(get(c, "/u0", 1, 100.0, &mine, got, sizeof got), 1); /* /u1 is now the oldest */
    CHECK_INT(get(c, "/new", 1, 101.0, &mine, got, sizeof got), 0);
    CHECK(mine);
    th_answer_cache_put(c, "/new", 1, 101.0, 0.001, "application/json", &a);
    CHECK_INT(get(c, "/u0", 1, 102.0, &mine, got, sizeof got), 1);
    CHECK_INT(get(c, "/new", 1, 102.0, &mine, got, sizeof got), 1);
    CHECK_INT(get(c, "/u1", 1, 102.0, &mine, got, sizeof got), 0); /* evicted */
    CHECK(mine);
    th_answer_cache_drop(c, "/u1");
    /* an entry being made is never evicted: with every one making, nothing is kept */
    for (int i = 0; i < TH_ANSWER_ENTRIES; i++) {
        snprintf(url, sizeof url, "/m%d", i);
        get(c, url, 2, 200.0, &mine, got, sizeof got);
        CHECK(mine);
    }
    CHECK_INT(get(c, "/more", 2, 201.0, &mine, got, sizeof got), 0);
    CHECK(!mine);
    th_buf_free(&a);
    th_answer_cache_free(c);
}
