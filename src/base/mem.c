/* mem.c — aborting allocators and a chunked bump arena. */
#include "base/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom(size_t n)
{
    fprintf(stderr, "tanhui: out of memory (asked for %zu bytes)\n", n);
    abort();
}

void *th_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom(n);
    return p;
}

void *th_xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        oom(count * size);
    return p;
}

void *th_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        oom(n);
    return q;
}

char *th_xstrndup(const char *s, size_t n)
{
    char *d = th_xmalloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *th_xstrdup(const char *s)
{
    return th_xstrndup(s, strlen(s));
}

void th_grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return;
    size_t c = *cap ? *cap : 16;
    while (c < need)
        c *= 2;
    *p = th_xrealloc(*p, c * elem);
    *cap = c;
}

struct th_arena_chunk {
    th_arena_chunk *next;
    _Alignas(8) char data[];
};

enum { ARENA_CHUNK = 1 << 20 };

void th_arena_init(th_arena *a)
{
    a->head = NULL;
    a->cur = NULL;
    a->left = 0;
}

void th_arena_free(th_arena *a)
{
    th_arena_chunk *c = a->head;
    while (c) {
        th_arena_chunk *n = c->next;
        free(c);
        c = n;
    }
    th_arena_init(a);
}

void *th_arena_alloc(th_arena *a, size_t n)
{
    n = (n + 7) & ~(size_t)7;
    if (n > a->left) {
        size_t size = n > ARENA_CHUNK / 4 ? n : ARENA_CHUNK;
        th_arena_chunk *c = th_xmalloc(sizeof *c + size);
        c->next = a->head;
        a->head = c;
        a->cur = c->data;
        a->left = size;
    }
    void *p = a->cur;
    a->cur += n;
    a->left -= n;
    return p;
}

char *th_arena_strndup(th_arena *a, const char *s, size_t n)
{
    char *d = th_arena_alloc(a, n + 1);
    if (n)
        memcpy(d, s, n);
    d[n] = '\0';
    return d;
}
