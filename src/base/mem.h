/* mem.h — the one allocation policy of tanhui, and an arena.
 *
 * Out of memory is not a condition the program can recover from meaningfully, so th_xmalloc and
 * friends print a message and abort; callers never check for NULL. An arena hands out memory that
 * lives until the arena is freed, in one call: parcels' strings live in their survey's arena. */
#ifndef TH_MEM_H
#define TH_MEM_H

#include <stddef.h>

void *th_xmalloc(size_t n);
void *th_xcalloc(size_t count, size_t size);
void *th_xrealloc(void *p, size_t n);
char *th_xstrndup(const char *s, size_t n);
char *th_xstrdup(const char *s);
/* Grow *p (holding *cap elements of size elem) to at least need elements. */
void th_grow(void **p, size_t *cap, size_t need, size_t elem);

typedef struct th_arena_chunk th_arena_chunk;
typedef struct {
    th_arena_chunk *head;
    char *cur;
    size_t left;
} th_arena;

void th_arena_init(th_arena *a);
void th_arena_free(th_arena *a);
void *th_arena_alloc(th_arena *a, size_t n); /* 8-byte aligned */
char *th_arena_strndup(th_arena *a, const char *s, size_t n);

#endif
