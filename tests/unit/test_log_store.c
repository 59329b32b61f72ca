/* test_log_store.c — the transparency log in SQLite: entries verbatim, roots equal to a tree
 * built in memory, proofs (as the CLI prints them) that verify, and a rolled-back append that
 * leaves nothing behind. */
#include "test.h"

#include "merkle_fixture.h"
#include "store_fixture.h"
#include "log/log_store.h"

#include <stdlib.h>
#include <unistd.h>

/* The hashes after "key":[ (or the one after "key":) in a JSON text, decoded. */
static int hashes_after(const char *json, const char *key, uint8_t (*out)[TH_HASH], int max)
{
    const char *p = strstr(json, key);
    if (!p)
        return -1;
    p += strlen(key);
    int n = 0;
    while (n < max && (p = strchr(p, '"')) && p[1] != ']') {
        if (strlen(p) < 66 || p[65] != '"')
            break;
        for (int i = 0; i < TH_HASH; i++) {
            unsigned v;
            if (sscanf(p + 1 + 2 * i, "%2x", &v) != 1)
                return -1;
            out[n][i] = (uint8_t)v;
        }
        n++;
        p += 66;
        if (*p != ',')
            break;
    }
    return n;
}

TEST(log_store_append_read_prove)
{
    th_db *db = th_test_db_new("log.db");
    if (!db)
        return;
    th_err e;
    enum { N = 100 };
    static uint8_t leaf[N + 1][TH_HASH];
    char entry[N + 1][80];
    CHECK_INT(th_db_exec(db, "BEGIN", &e), 0);
    for (int i = 0; i < N; i++) {
        snprintf(entry[i], sizeof entry[i], "{\"n\":%d,\"note\":\"碳汇 %d\"}", i, i * 7);
        int64_t idx;
        CHECK_INT(th_log_append(db, entry[i], strlen(entry[i]), &idx, &e), 0);
        CHECK_INT(idx, i);
        th_merkle_leaf_hash(entry[i], strlen(entry[i]), leaf[i]);
    }
    CHECK_INT(th_db_exec(db, "COMMIT", &e), 0);
    /* a rolled-back append leaves no entry and no hash behind */
    CHECK_INT(th_db_exec(db, "BEGIN", &e), 0);
    int64_t idx;
    CHECK_INT(th_log_append(db, "gone", 4, &idx, &e), 0);
    CHECK_INT(th_db_exec(db, "ROLLBACK", &e), 0);
    snprintf(entry[N], sizeof entry[N], "{\"n\":%d}", N);
    CHECK_INT(th_log_append(db, entry[N], strlen(entry[N]), &idx, &e), 0);
    CHECK_INT(idx, N);
    th_merkle_leaf_hash(entry[N], strlen(entry[N]), leaf[N]);
    int64_t size;
    CHECK_INT(th_log_size(db, &size, &e), 0);
    CHECK_INT(size, N + 1);
    th_buf b;
    th_buf_init(&b);
    for (int i = 0; i <= N; i += 9) {
        th_buf_reset(&b);
        CHECK_INT(th_log_entry(db, i, &b, &e), 0);
        CHECK_STR(b.p, entry[i]);
    }
    CHECK_INT(th_log_entry(db, N + 1, &b, &e), -1);
    for (int64_t n = 0; n <= N + 1; n++) {
        uint8_t want[TH_HASH], got[TH_HASH];
        th_test_merkle_root(leaf, n, want);
        CHECK_INT(th_log_root(db, n, got, &e), 0);
        if (memcmp(want, got, TH_HASH) != 0)
            th_test_fail(__FILE__, __LINE__, "root of %lld differs", (long long)n);
    }
    /* proofs as printed, checked as a third party would */
    uint8_t proof[TH_PROOF_MAX][TH_HASH], root[1][TH_HASH], r2[1][TH_HASH];
    for (int64_t sz = 1; sz <= N + 1; sz += 7)
        for (int64_t i = 0; i < sz; i += 5) {
            th_buf_reset(&b);
            CHECK_INT(th_log_prove_json(db, i, sz, &b, &e), 0);
            int np = hashes_after(b.p, "\"proof\":[", proof, TH_PROOF_MAX);
            CHECK_INT(hashes_after(b.p, "\"root\":", root, 1), 1);
            if (!th_merkle_verify_inclusion(i, sz, leaf[i], (const uint8_t(*)[TH_HASH])proof,
                                            np, root[0]))
                th_test_fail(__FILE__, __LINE__, "proof of %lld in %lld: %s", (long long)i,
                             (long long)sz, b.p);
        }
    for (int64_t m = 1; m <= N + 1; m += 6) {
        th_buf_reset(&b);
        CHECK_INT(th_log_consistency_json(db, m, N + 1, &b, &e), 0);
        int np = hashes_after(b.p, "\"proof\":[", proof, TH_PROOF_MAX);
        CHECK_INT(hashes_after(b.p, "\"old_root\":", root, 1), 1);
        CHECK_INT(hashes_after(b.p, "\"new_root\":", r2, 1), 1);
        if (!th_merkle_verify_consistency(m, N + 1, root[0], r2[0],
                                          (const uint8_t(*)[TH_HASH])proof, np))
            th_test_fail(__FILE__, __LINE__, "consistency %lld: %s", (long long)m, b.p);
    }
    CHECK_INT(th_log_prove_json(db, 5, N + 2, &b, &e), -1);
    CHECK_CONTAINS(e.msg, "the log has 101 entries, not 102");
    CHECK_INT(th_log_prove_json(db, 5, 5, &b, &e), -1);
    CHECK_INT(th_log_consistency_json(db, 0, 5, &b, &e), -1);
    CHECK_INT(th_log_consistency_json(db, 6, 5, &b, &e), -1);
    /* hashes lost (migration 9 drops the old table): the next append rebuilds them all */
    CHECK_INT(th_db_exec(db, "DELETE FROM log_tiles", &e), 0);
    CHECK_INT(th_db_exec(db, "BEGIN", &e), 0);
    CHECK_INT(th_log_append(db, "{\"n\":\"last\"}", 12, &idx, &e), 0);
    CHECK_INT(th_db_exec(db, "COMMIT", &e), 0);
    CHECK_INT(idx, N + 1);
    static uint8_t all[N + 2][TH_HASH];
    memcpy(all, leaf, sizeof leaf);
    th_merkle_leaf_hash("{\"n\":\"last\"}", 12, all[N + 1]);
    for (int64_t n = 1; n <= N + 2; n += 5) {
        uint8_t want[TH_HASH], got[TH_HASH];
        th_test_merkle_root(all, n, want);
        CHECK_INT(th_log_root(db, n, got, &e), 0);
        if (memcmp(want, got, TH_HASH) != 0)
            th_test_fail(__FILE__, __LINE__, "rebuilt root of %lld differs", (long long)n);
    }
    int64_t stored;
    CHECK_INT(th_log_stored_hashes(db, &stored, &e), 0);
    CHECK_INT(stored, 2 * (N + 2) - 4); /* 102 leaves: 2n - popcount(102) complete subtrees */
    th_buf_free(&b);
    th_db_close(db);
}

/* Migration 23 cuts the stored tree's tiles of 64 hashes into tiles of 63 (two to a page): a log
 * written in tiles of 64 (the fixture's undo of 23) gives the same roots after it, its tiles hold
 * 63 hashes each but the last of a level, and it takes further entries. The log's size ends
 * mid-tile in both layouts, and on a tile of 64's end at level 0 too. */
TEST(log_store_retiles_to_63)
{
    static const int64_t sizes[] = {4096, 4095, 4097, 2017};
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
        int64_t n = sizes[s];
        char name[32];
        snprintf(name, sizeof name, "retile-%lld.db", (long long)n);
        th_db *db = th_test_db_new(name);
        if (!db)
            return;
        th_err e;
        uint8_t(*leaf)[TH_HASH] = calloc((size_t)n + 1, TH_HASH);
        char entry[48];
        CHECK_INT(th_db_exec(db, "BEGIN", &e), 0);
        for (int64_t i = 0; i < n; i++) {
            int len = snprintf(entry, sizeof entry, "{\"i\":%lld}", (long long)i);
            int64_t idx;
            CHECK_INT(th_log_append(db, entry, (size_t)len, &idx, &e), 0);
            th_merkle_leaf_hash(entry, (size_t)len, leaf[i]);
        }
        CHECK_INT(th_db_exec(db, "COMMIT", &e), 0);
        CHECK_INT(th_test_downgrade(db, 22, &e), 0);
        CHECK_INT(th_test_scalar(db, "SELECT length(hashes) FROM log_tiles WHERE id = 0"), 2048);
        th_db_close(db);
        char path[512];
        snprintf(path, sizeof path, "%s/%s", th_test_tmpdir(), name);
        CHECK_INT(th_db_open(path, TH_DB_WRITE, &db, &e), 0);
        if (!db) {
            free(leaf);
            return;
        }
        CHECK_INT(th_test_scalar(db, "SELECT count(*) FROM log_tiles t WHERE length(hashes) <> 2016"
                                     " AND EXISTS (SELECT 1 FROM log_tiles u WHERE u.id = t.id + 1)"),
                  0);
        CHECK_INT(th_test_scalar(db, "SELECT length(hashes) / 32 FROM log_tiles WHERE id < 1 << 40"
                                     " ORDER BY id DESC LIMIT 1"),
                  n % 63 ? n % 63 : 63);
        int64_t stored;
        CHECK_INT(th_log_stored_hashes(db, &stored, &e), 0);
        CHECK_INT(stored, 2 * n - __builtin_popcountll((unsigned long long)n));
        for (int64_t m = 1; m <= n; m += m < 70 ? 1 : 61) {
            uint8_t want[TH_HASH], got[TH_HASH];
            th_test_merkle_root(leaf, m, want);
            CHECK_INT(th_log_root(db, m, got, &e), 0);
            if (memcmp(want, got, TH_HASH) != 0) {
                th_test_fail(__FILE__, __LINE__, "log of %lld: the root of %lld differs",
                             (long long)n, (long long)m);
                break;
            }
        }
        CHECK_INT(th_db_exec(db, "BEGIN", &e), 0);
        int64_t idx;
        CHECK_INT(th_log_append(db, "{\"i\":\"next\"}", 12, &idx, &e), 0);
        CHECK_INT(th_db_exec(db, "COMMIT", &e), 0);
        CHECK_INT(idx, n);
        th_merkle_leaf_hash("{\"i\":\"next\"}", 12, leaf[n]);
        uint8_t want[TH_HASH], got[TH_HASH];
        th_test_merkle_root(leaf, n + 1, want);
        CHECK_INT(th_log_root(db, n + 1, got, &e), 0);
        CHECK(memcmp(want, got, TH_HASH) == 0);
        free(leaf);
        th_db_close(db);
    }
}
