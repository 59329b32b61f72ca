/* sqlite_mem.c — SQLite's memory from per-thread free lists. See sqlite_mem.h. */
#include "store/sqlite_mem.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { GRAIN = 16, CLASSES = 64, HEADER = 16 }; /* classes of 16 to 1,024 bytes */

typedef struct {
    uint32_t cls;  /* 1..CLASSES; 0: a large block, malloc's own */
    uint32_t pad;
    uint64_t size; /* what the caller may use */
} header;
_Static_assert(sizeof(header) == HEADER, "the header keeps blocks 16-byte aligned");

typedef struct freed {
    struct freed *next;
} freed;

typedef struct {
    freed *head[CLASSES];
    unsigned n[CLASSES];
} lists;

static pthread_key_t key;
static _Thread_local lists *mine;

static void drop_lists(void *arg)
{
    lists *l = arg;
    mine = NULL; /* a block freed after this, by a later destructor, makes new lists */
    for (int c = 0; c < CLASSES; c++)
        while (l->head[c]) {
            freed *f = l->head[c];
            l->head[c] = f->next;
            free((unsigned char *)f - HEADER);
        }
    free(l);
}

static int key_made;
static void make_key(void) { key_made = pthread_key_create(&key, drop_lists) == 0; }

static int mem_init(void *ignored)
{
    (void)ignored;
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, make_key);
    return key_made ? SQLITE_OK : SQLITE_NOMEM;
}

static void mem_shutdown(void *ignored) { (void)ignored; }

static void *block(header *h, uint32_t cls, uint64_t size)
{
    if (!h)
        return NULL;
    h->cls = cls;
    h->size = size;
    return (unsigned char *)h + HEADER;
}

static void *mem_malloc(int n)
{
    if (n <= 0)
        return NULL;
    uint32_t c = (uint32_t)(n + GRAIN - 1) / GRAIN;
    if (c > CLASSES)
        return block(malloc((size_t)n + HEADER), 0, (uint64_t)n);
    lists *l = mine;
    if (l && l->head[c - 1]) {
        freed *f = l->head[c - 1];
        l->head[c - 1] = f->next;
        l->n[c - 1]--;
        return f;
    }
    return block(malloc((size_t)c * GRAIN + HEADER), c, (uint64_t)c * GRAIN);
}

static header *header_of(void *p) { return (header *)(void *)((unsigned char *)p - HEADER); }

static void mem_free(void *p)
{
    if (!p)
        return;
    header *h = header_of(p);
    uint32_t c = h->cls;
    if (c == 0) {
        free(h);
        return;
    }
    lists *l = mine;
    if (!l) { /* the thread's first: its lists, freed when it exits */
        l = calloc(1, sizeof *l);
        if (!l || pthread_setspecific(key, l) != 0) {
            free(l);
            free(h);
            return;
        }
        mine = l;
    }
    if (l->n[c - 1] >= TH_SQLITE_MEM_KEEP) {
        free(h);
        return;
    }
    freed *f = p;
    f->next = l->head[c - 1];
    l->head[c - 1] = f;
    l->n[c - 1]++;
}

static int mem_size(void *p) { return p ? (int)header_of(p)->size : 0; }

static void *mem_realloc(void *p, int n)
{
    if (!p)
        return mem_malloc(n);
    int had = mem_size(p);
    uint32_t cls = header_of(p)->cls;
    if (n > 0 && cls != 0 && (uint32_t)(n + GRAIN - 1) / GRAIN == cls)
        return p; /* the same class */
    void *q = mem_malloc(n);
    if (!q)
        return NULL; /* p stays the caller's, as SQLite expects */
    memcpy(q, p, (size_t)(had < n ? had : n));
    mem_free(p);
    return q;
}

static int mem_roundup(int n)
{
    return n > 0 && n <= CLASSES * GRAIN ? (n + GRAIN - 1) / GRAIN * GRAIN : (n + 7) & ~7;
}

static const sqlite3_mem_methods methods = {
    mem_malloc, mem_free, mem_realloc, mem_size, mem_roundup, mem_init, mem_shutdown, NULL,
};

const sqlite3_mem_methods *th_sqlite_mem_methods(void) { return &methods; }
