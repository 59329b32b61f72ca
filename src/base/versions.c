/* versions.c — records kept by key, versioned, undone to a mark. See versions.h. */
#include "base/versions.h"

#include "base/mem.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    int64_t key;
    int32_t prev;    /* the key's version before this one (-1: this is its first) */
    bool superseded; /* a later version of the key follows */
} header;

static size_t stride(const th_versions *vs)
{
    return (sizeof(header) + vs->size + 7) & ~(size_t)7;
}

static header *at(const th_versions *vs, size_t i)
{
    return (header *)(void *)(vs->v + i * stride(vs));
}

static void *record(header *h) { return (unsigned char *)h + sizeof(header); }

void th_versions_init(th_versions *vs, size_t record_size)
{
    memset(vs, 0, sizeof *vs);
    vs->size = record_size;
    vs->nslots = 1024;
    vs->slot = th_xcalloc(vs->nslots, sizeof *vs->slot);
}

void th_versions_free(th_versions *vs)
{
    free(vs->v);
    free(vs->slot);
    memset(vs, 0, sizeof *vs);
}

static size_t home(const th_versions *vs, int64_t key)
{
    return (size_t)(((uint64_t)key * UINT64_C(0x9E3779B97F4A7C15)) >> 32) & (vs->nslots - 1);
}

/* The slot of key, or the empty one where it would go. */
static size_t find(const th_versions *vs, int64_t key)
{
    size_t k = home(vs, key);
    while (vs->slot[k] && at(vs, (size_t)vs->slot[k] - 1)->key != key)
        k = (k + 1) & (vs->nslots - 1);
    return k;
}

/* Twice the slots; the keys go back in the order they came (see versions.h). */
static void grow(th_versions *vs)
{
    free(vs->slot);
    vs->nslots *= 2;
    vs->slot = th_xcalloc(vs->nslots, sizeof *vs->slot);
    for (size_t i = 0; i < vs->n; i++)
        vs->slot[find(vs, at(vs, i)->key)] = (int32_t)i + 1;
}

void *th_versions_latest(const th_versions *vs, int64_t key)
{
    size_t k = find(vs, key);
    return vs->slot[k] ? record(at(vs, (size_t)vs->slot[k] - 1)) : NULL;
}

void *th_versions_push(th_versions *vs, int64_t key, const void *rec)
{
    if (vs->n == vs->cap) {
        vs->cap = vs->cap ? 2 * vs->cap : 256;
        vs->v = th_xrealloc(vs->v, vs->cap * stride(vs));
    }
    size_t k = find(vs, key);
    header *h = at(vs, vs->n);
    *h = (header){.key = key, .prev = -1};
    memcpy(record(h), rec, vs->size);
    if (vs->slot[k]) {
        h->prev = vs->slot[k] - 1;
        at(vs, (size_t)h->prev)->superseded = true;
    } else {
        vs->nkeys++;
    }
    vs->slot[k] = (int32_t)++vs->n;
    if (2 * vs->nkeys > vs->nslots)
        grow(vs);
    return record(h);
}

void *th_versions_at(const th_versions *vs, size_t i, int64_t *key, bool *latest)
{
    header *h = at(vs, i);
    if (key)
        *key = h->key;
    if (latest)
        *latest = !h->superseded;
    return record(h);
}

size_t th_versions_count(const th_versions *vs) { return vs->n; }

void th_versions_rewind(th_versions *vs, size_t mark, void (*undo)(void *rec, void *arg),
                        void *arg)
{
    while (vs->n > mark) {
        header *h = at(vs, vs->n - 1);
        if (undo)
            undo(record(h), arg);
        size_t k = find(vs, h->key);
        if (h->prev < 0) {
            vs->slot[k] = 0;
            vs->nkeys--;
        } else {
            vs->slot[k] = h->prev + 1;
            at(vs, (size_t)h->prev)->superseded = false;
        }
        vs->n--;
    }
}

int th_versions_write(const th_versions *vs, bool (*alone)(const void *rec),
                      int (*one)(const void *rec, void *arg),
                      int (*group)(const void *const *recs, int n, void *arg), int many,
                      void *arg)
{
    enum { MOST = 64 };
    const void *some[MOST];
    int n = 0, rc = 0;
    if (many > MOST)
        many = MOST;
    for (size_t i = 0; i < vs->n && rc == 0; i++) {
        header *h = at(vs, i);
        if (h->superseded)
            continue;
        if (alone(record(h))) {
            rc = one(record(h), arg);
            continue;
        }
        some[n++] = record(h);
        if (n == many) {
            rc = group(some, n, arg);
            n = 0;
        }
    }
    for (int k = 0; k < n && rc == 0; k++)
        rc = group(&some[k], 1, arg);
    return rc;
}

void th_versions_clear(th_versions *vs) { th_versions_rewind(vs, 0, NULL, NULL); }
