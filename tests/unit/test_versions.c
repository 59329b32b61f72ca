/* test_versions.c — base/versions: latest versions by key, rewinds last first, and a table that
 * grows and empties with keys going in and out, checked against a plain array. */
#include "test.h"

#include "base/versions.h"

typedef struct {
    int64_t value;
    int64_t pad[3]; /* a record of more than a word, not a multiple of the header */
    char tag;
} rec;

static void count_undo(void *r, void *arg)
{
    int64_t *last = arg;
    CHECK(((rec *)r)->value < *last); /* last pushed first */
    *last = ((rec *)r)->value;
}

TEST(versions_latest_rewind_and_growth)
{
    th_versions vs;
    th_versions_init(&vs, sizeof(rec));
    enum { KEYS = 5000 };
    static int64_t model[KEYS]; /* the latest value of each key; 0: none */
    int64_t value = 0;
    uint64_t x = 0x2545F4914F6CDD1Dull;
    size_t marks[4] = {0};
    static int64_t saved[4][KEYS];
    for (int round = 0; round < 4; round++) {
        marks[round] = th_versions_count(&vs);
        memcpy(saved[round], model, sizeof model);
        for (int i = 0; i < 3000; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            int64_t key = (int64_t)(x % KEYS) * 7919 - 1000; /* negative keys too */
            rec r = {.value = ++value, .tag = 'v'};
            rec *kept = th_versions_push(&vs, key, &r);
            CHECK_INT(kept->value, value);
            model[(key + 1000) / 7919] = value;
        }
    }
    for (int round = 3; round >= 0; round--) {
        for (int k = 0; k < KEYS; k++) {
            rec *r = th_versions_latest(&vs, (int64_t)k * 7919 - 1000);
            CHECK_INT(r ? r->value : 0, model[k]);
        }
        /* exactly the latest versions are marked so */
        size_t latest = 0;
        for (size_t i = 0; i < th_versions_count(&vs); i++) {
            int64_t key;
            bool is;
            rec *r = th_versions_at(&vs, i, &key, &is);
            latest += is;
            if (is)
                CHECK_INT(r->value, model[(key + 1000) / 7919]);
        }
        size_t keys = 0;
        for (int k = 0; k < KEYS; k++)
            keys += model[k] != 0;
        CHECK_INT((int64_t)latest, (int64_t)keys);
        int64_t last = INT64_MAX;
        th_versions_rewind(&vs, marks[round], count_undo, &last);
        memcpy(model, saved[round], sizeof model);
    }
    CHECK_INT((int64_t)th_versions_count(&vs), 0);
    CHECK(th_versions_latest(&vs, -1000) == NULL);
    rec r = {.value = 1};
    th_versions_push(&vs, 42, &r);
    th_versions_clear(&vs);
    CHECK(th_versions_latest(&vs, 42) == NULL);
    th_versions_free(&vs);
}

/* th_versions_write: each key's latest version once, in the order pushed; the odd values alone,
 * the even ones in groups of three and then one at a time; a nonzero return stops the walk. */
static bool odd(const void *r) { return ((const rec *)r)->value % 2 != 0; }

typedef struct {
    char seen[256];
    size_t len;
    int stop_at; /* the call that returns 7 (0: none) */
    int calls;
} writes;

static int write_one(const void *r, void *arg)
{
    writes *w = arg;
    w->len += (size_t)snprintf(w->seen + w->len, sizeof w->seen - w->len, "%lld ",
                               (long long)((const rec *)r)->value);
    return ++w->calls == w->stop_at ? 7 : 0;
}

static int write_group(const void *const *rs, int n, void *arg)
{
    writes *w = arg;
    w->len += (size_t)snprintf(w->seen + w->len, sizeof w->seen - w->len, "[");
    for (int i = 0; i < n; i++)
        w->len += (size_t)snprintf(w->seen + w->len, sizeof w->seen - w->len, "%s%lld",
                                   i ? " " : "", (long long)((const rec *)rs[i])->value);
    w->len += (size_t)snprintf(w->seen + w->len, sizeof w->seen - w->len, "] ");
    return ++w->calls == w->stop_at ? 7 : 0;
}

TEST(versions_write_latest_alone_and_in_groups)
{
    th_versions vs;
    th_versions_init(&vs, sizeof(rec));
    /* keys 1..8 with value 10 * key, then keys 2 and 5 again (their values 21 and 50 supersede) */
    for (int64_t k = 1; k <= 8; k++)
        th_versions_push(&vs, k, &(rec){.value = 10 * k});
    th_versions_push(&vs, 2, &(rec){.value = 21});
    th_versions_push(&vs, 5, &(rec){.value = 52});
    writes w = {0};
    CHECK_INT(th_versions_write(&vs, odd, write_one, write_group, 3, &w), 0);
    CHECK_STR(w.seen, "[10 30 40] [60 70 80] 21 [52] ");
    writes stop = {.stop_at = 2};
    CHECK_INT(th_versions_write(&vs, odd, write_one, write_group, 3, &stop), 7);
    CHECK_STR(stop.seen, "[10 30 40] [60 70 80] ");
    th_versions_free(&vs);
}
