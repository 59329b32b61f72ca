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
