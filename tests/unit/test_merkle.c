/* test_merkle.c — the Merkle tree against RFC 9162's published vectors (tests/data/rfc9162, from
 * transparency-dev/merkle, Apache-2.0), and proofs from stored subtrees checked against a naive
 * tree for every size and index up to 70. */
#include "test.h"

#include "merkle_fixture.h"
#include "log/merkle.h"

#include <stdlib.h>

static int unhex(const char *s, uint8_t *out, size_t cap)
{
    size_t n = strlen(s);
    if (strcmp(s, "-") == 0)
        return 0;
    if (n % 2 || n / 2 > cap)
        return -1;
    for (size_t i = 0; i < n / 2; i++) {
        unsigned v;
        if (sscanf(s + 2 * i, "%2x", &v) != 1)
            return -1;
        out[i] = (uint8_t)v;
    }
    return (int)(n / 2);
}

/* "a,b,c" of hex hashes; -1 on a malformed one */
static int proof_of(char *s, uint8_t proof[TH_PROOF_MAX][TH_HASH])
{
    if (strcmp(s, "-") == 0)
        return 0;
    int n = 0;
    for (char *tok = strtok(s, ","); tok; tok = strtok(NULL, ",")) {
        if (n == TH_PROOF_MAX || unhex(tok, proof[n], TH_HASH) != TH_HASH)
            return -1;
        n++;
    }
    return n;
}

TEST(merkle_rfc9162_vectors)
{
    char path[600];
    snprintf(path, sizeof path, "%s/rfc9162/vectors.txt", th_test_datadir());
    FILE *f = fopen(path, "r");
    if (!f) {
        th_test_fail(__FILE__, __LINE__, "cannot open %s", path);
        return;
    }
    uint8_t leaves[8][TH_HASH];
    int nleaves = 0, cases = 0, rejected = 0;
    char line[8192];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        char kind[4], name[300], a[32], b[32], h1[80], h2[80], want[4];
        static char proofs[8000];
        if (line[0] == 'L') {
            char data[200];
            uint8_t raw[100];
            int i;
            if (sscanf(line, "L %d %199s", &i, data) == 2 && i == nleaves) {
                int n = unhex(data, raw, sizeof raw);
                th_merkle_leaf_hash(raw, (size_t)(n < 0 ? 0 : n), leaves[nleaves++]);
            }
            continue;
        }
        if (line[0] == 'R') {
            int size;
            char root[80];
            uint8_t want_root[TH_HASH], got[TH_HASH];
            if (sscanf(line, "R %d %79s", &size, root) != 2 ||
                unhex(root, want_root, TH_HASH) != TH_HASH || size > nleaves)
                continue;
            cases++;
            th_test_merkle_root(leaves, size, got);
            if (memcmp(got, want_root, TH_HASH) != 0)
                th_test_fail(__FILE__, __LINE__, "the root of the first %d leaves differs", size);
            continue;
        }
        if (sscanf(line, "%3s %299s %31s %31s %79s %79s %3s %7999s", kind, name, a, b, h1, h2, want,
                   proofs) != 8)
            continue;
        uint8_t x[TH_HASH] = {0}, y[TH_HASH] = {0}, proof[TH_PROOF_MAX][TH_HASH];
        /* The API takes 32-byte hashes: a caller refuses a hash of another length before it
         * gets there. As in the source, equal sizes only compare their roots (zero-padded). */
        int nx = unhex(h1, x, TH_HASH), ny = unhex(h2, y, TH_HASH), np = proof_of(proofs, proof);
        bool same_size = kind[0] == 'C' && atoll(a) == atoll(b);
        bool ok;
        if (nx < 0 || ny < 0 || np < 0 || (!same_size && (nx != TH_HASH || ny != TH_HASH)))
            ok = false;
        else if (kind[0] == 'I')
            ok = th_merkle_verify_inclusion(atoll(a), atoll(b), y, (const uint8_t(*)[TH_HASH])proof,
                                            np, x);
        else
            ok = th_merkle_verify_consistency(atoll(a), atoll(b), x, y,
                                              (const uint8_t(*)[TH_HASH])proof, np);
        cases++;
        rejected += !ok;
        if (ok == (want[0] == '1'))
            th_test_fail(__FILE__, __LINE__, "%s: verified %s, the vector wants %s", name,
                         ok ? "yes" : "no", want[0] == '1' ? "an error" : "success");
    }
    fclose(f);
    CHECK_INT(nleaves, 8);
    CHECK(cases >= 196);
    CHECK(rejected > 100); /* most vectors are corruptions */
}

/* ---- stored subtrees in memory, against a naive tree ---- */

enum { N = 70 };
static uint8_t stored[8][N][TH_HASH];
static bool have[8][N];

static int get(void *arg, int level, int64_t index, uint8_t out[TH_HASH])
{
    (void)arg;
    if (level < 0 || level >= 8 || index < 0 || index >= N || !have[level][index])
        return -1;
    memcpy(out, stored[level][index], TH_HASH);
    return 0;
}

TEST(merkle_stored_subtrees_and_proofs)
{
    static uint8_t leaf[N][TH_HASH];
    memset(have, 0, sizeof have);
    uint8_t roots[N + 1][TH_HASH];
    th_merkle_root(0, get, NULL, roots[0]);
    for (int64_t n = 0; n < N; n++) {
        char entry[32];
        snprintf(entry, sizeof entry, "entry %lld", (long long)n);
        th_merkle_leaf_hash(entry, strlen(entry), leaf[n]);
        th_merkle_node nodes[2 + 64];
        const uint8_t *msg = (const uint8_t *)entry;
        size_t len = strlen(entry), k;
        CHECK_INT(th_merkle_append_entries(n, &msg, &len, 1, get, NULL, nodes, &k), 0);
        for (size_t i = 0; i < k; i++) {
            memcpy(stored[nodes[i].level][nodes[i].index], nodes[i].hash, TH_HASH);
            have[nodes[i].level][nodes[i].index] = true;
        }
        uint8_t want[TH_HASH];
        th_test_merkle_root(leaf, n + 1, want);
        CHECK_INT(th_merkle_root(n + 1, get, NULL, roots[n + 1]), 0);
        if (memcmp(want, roots[n + 1], TH_HASH) != 0)
            th_test_fail(__FILE__, __LINE__, "root of %lld differs", (long long)n + 1);
    }
    int bad = 0;
    for (int64_t size = 1; size <= N && bad < 3; size++)
        for (int64_t i = 0; i < size; i++) {
            uint8_t proof[TH_PROOF_MAX][TH_HASH];
            int np;
            CHECK_INT(th_merkle_prove_inclusion(i, size, get, NULL, proof, &np), 0);
            const uint8_t(*p)[TH_HASH] = (const uint8_t(*)[TH_HASH])proof;
            if (!th_merkle_verify_inclusion(i, size, leaf[i], p, np, roots[size]))
                bad++, th_test_fail(__FILE__, __LINE__, "inclusion %lld in %lld", (long long)i,
                                    (long long)size);
            if (np > 0) {
                proof[np - 1][5] ^= 1; /* any changed byte must fail it */
                if (th_merkle_verify_inclusion(i, size, leaf[i], p, np, roots[size]))
                    bad++, th_test_fail(__FILE__, __LINE__, "a corrupt proof verified");
            }
            if (size > 1 && th_merkle_verify_inclusion(i, size, leaf[(i + 1) % size], p, np,
                                                       roots[size]))
                bad++, th_test_fail(__FILE__, __LINE__, "another leaf verified");
        }
    for (int64_t m = 1; m <= N && bad < 3; m++)
        for (int64_t n = m; n <= N; n++) {
            uint8_t proof[TH_PROOF_MAX][TH_HASH];
            int np;
            CHECK_INT(th_merkle_prove_consistency(m, n, get, NULL, proof, &np), 0);
            const uint8_t(*p)[TH_HASH] = (const uint8_t(*)[TH_HASH])proof;
            if (!th_merkle_verify_consistency(m, n, roots[m], roots[n], p, np))
                bad++, th_test_fail(__FILE__, __LINE__, "consistency %lld -> %lld",
                                    (long long)m, (long long)n);
            /* another tree's root as the new one must fail */
            if (m < n && th_merkle_verify_consistency(m, n, roots[m], roots[n - 1], p, np))
                bad++, th_test_fail(__FILE__, __LINE__, "a wrong new root verified");
        }
    CHECK_INT(bad, 0);
}

/* ---- the property test: random logs of 1..5,000 entries appended in random batches ---- */

typedef struct {
    uint8_t (*h[16])[TH_HASH];
    bool *have[16];
    int64_t cap;
} big_tree;

static int big_get(void *arg, int level, int64_t index, uint8_t out[TH_HASH])
{
    big_tree *t = arg;
    if (level < 0 || level >= 16 || index < 0 || index >= t->cap || !t->have[level][index])
        return -1;
    memcpy(out, t->h[level][index], TH_HASH);
    return 0;
}

static uint64_t next_random(uint64_t *x)
{
    *x ^= *x << 13, *x ^= *x >> 7, *x ^= *x << 17;
    return *x;
}

/* One log of n entries: the batch appends store exactly the subtrees the one-by-one append does,
 * the roots are the naive tree's, every inclusion proof of every entry verifies, consistency
 * proofs between random sizes verify, and a proof with any one hash changed, a proof of another
 * entry, or one against another root fails. Returns the number of failures. */
static int check_log(int64_t n, uint64_t *x)
{
    big_tree *t = calloc(1, sizeof *t);
    t->cap = n;
    for (int l = 0; l < 16; l++) {
        t->h[l] = calloc((size_t)n, TH_HASH);
        t->have[l] = calloc((size_t)n, sizeof(bool));
    }
    uint8_t(*leaf)[TH_HASH] = calloc((size_t)n, TH_HASH);
    char(*text)[40] = calloc((size_t)n, 40);
    const uint8_t **msg = calloc((size_t)n, sizeof *msg);
    size_t *len = calloc((size_t)n, sizeof *len);
    th_merkle_node *nodes = calloc(2 * (size_t)n + 64, sizeof *nodes);
    int bad = 0;
    for (int64_t i = 0; i < n; i++) {
        len[i] = (size_t)snprintf(text[i], 40, "{\"n\":%lld,\"r\":%llu}", (long long)i,
                                  (unsigned long long)(next_random(x) % 1000003));
        msg[i] = (const uint8_t *)text[i];
        th_merkle_leaf_hash(text[i], len[i], leaf[i]);
    }
    for (int64_t i = 0; i < n && !bad;) {
        size_t k = (size_t)(next_random(x) % 300) + 1, nn;
        if (k > (size_t)(n - i))
            k = (size_t)(n - i);
        if (th_merkle_append_entries(i, msg + i, len + i, k, big_get, t, nodes, &nn) != 0) {
            bad++;
            break;
        }
        for (size_t j = 0; j < nn; j++) {
            memcpy(t->h[nodes[j].level][nodes[j].index], nodes[j].hash, TH_HASH);
            t->have[nodes[j].level][nodes[j].index] = true;
        }
        i += (int64_t)k;
    }
    /* exactly the complete subtrees, each once */
    for (int l = 0; l < 16 && !bad; l++)
        for (int64_t j = 0; j < n; j++)
            if (t->have[l][j] != ((j + 1) << l <= n))
                bad++;
    uint8_t root[TH_HASH], want[TH_HASH];
    th_test_merkle_root(leaf, n, want);
    if (!bad && (th_merkle_root(n, big_get, t, root) != 0 || memcmp(root, want, TH_HASH) != 0))
        bad++;
    for (int64_t i = 0; i < n && bad < 3; i++) {
        uint8_t proof[TH_PROOF_MAX][TH_HASH];
        int np;
        if (th_merkle_prove_inclusion(i, n, big_get, t, proof, &np) != 0) {
            bad++;
            continue;
        }
        const uint8_t(*p)[TH_HASH] = (const uint8_t(*)[TH_HASH])proof;
        bad += !th_merkle_verify_inclusion(i, n, leaf[i], p, np, root);
        if (np > 0) {
            int at = (int)(next_random(x) % (uint64_t)np);
            proof[at][next_random(x) % TH_HASH] ^= (uint8_t)(1u << (next_random(x) % 8));
            bad += th_merkle_verify_inclusion(i, n, leaf[i], p, np, root);
        }
    }
    for (int k = 0; k < 20 && bad < 3; k++) {
        int64_t m = (int64_t)(next_random(x) % (uint64_t)n) + 1;
        uint8_t old_root[TH_HASH], proof[TH_PROOF_MAX][TH_HASH];
        int np;
        if (th_merkle_root(m, big_get, t, old_root) != 0 ||
            th_merkle_prove_consistency(m, n, big_get, t, proof, &np) != 0) {
            bad++;
            continue;
        }
        const uint8_t(*p)[TH_HASH] = (const uint8_t(*)[TH_HASH])proof;
        bad += !th_merkle_verify_consistency(m, n, old_root, root, p, np);
        if (np > 0) {
            proof[next_random(x) % (uint64_t)np][0] ^= 0x80;
            bad += th_merkle_verify_consistency(m, n, old_root, root, p, np);
        }
    }
    for (int l = 0; l < 16; l++) {
        free(t->h[l]);
        free(t->have[l]);
    }
    free(t);
    free(leaf);
    free(text);
    free(msg);
    free(len);
    free(nodes);
    return bad;
}

TEST(merkle_property_random_logs)
{
    uint64_t x = 0x2545F4914F6CDD1Du;
    int logs = th_test_long() ? 60 : 12;
    /* the edges (1, 2, a power of two and one past it, the largest) and random sizes */
    int64_t sizes[] = {1, 2, 3, 64, 65, 5000};
    for (int k = 0; k < logs; k++) {
        int64_t n = k < 6 ? sizes[k] : (int64_t)(next_random(&x) % 5000) + 1;
        int bad = check_log(n, &x);
        if (bad)
            th_test_fail(__FILE__, __LINE__, "a log of %lld entries: %d failures", (long long)n,
                         bad);
    }
}
