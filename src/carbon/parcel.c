/* parcel.c — parcel sets. */
#include "carbon/parcel.h"

#include <stdlib.h>
#include <string.h>

void th_parcel_set_init(th_parcel_set *s, const char *file)
{
    memset(s, 0, sizeof *s);
    th_arena_init(&s->arena);
    s->file = th_xstrdup(file ? file : "");
}

void th_parcel_set_clear(th_parcel_set *s)
{
    free(s->v);
    s->v = NULL;
    s->n = s->cap = 0;
    free(s->index);
    s->index = NULL;
    free(s->ring_xy);
    s->ring_xy = NULL;
    s->ring_n = s->ring_cap = 0;
    free(s->ring_of);
    s->ring_of = NULL;
    s->ring_of_cap = 0;
    s->index_mask = 0;
    th_arena_free(&s->arena);
}

void th_parcel_set_free(th_parcel_set *s)
{
    th_parcel_set_clear(s);
    if (s->keep_free)
        s->keep_free(s->keep);
    free(s->file);
    memset(s, 0, sizeof *s);
}

th_parcel *th_parcel_set_push(th_parcel_set *s)
{
    if (s->n == s->cap)
        th_grow((void **)&s->v, &s->cap, s->n + 1, sizeof *s->v);
    th_parcel *p = &s->v[s->n++];
    memset(p, 0, sizeof *p);
    p->group = "";
    p->match = -1;
    p->type = -1;
    return p;
}

void th_parcel_set_ring(th_parcel_set *s, const double *xy, size_t n)
{
    if (s->n == 0 || n == 0)
        return;
    if (2 * (s->ring_n + n) > s->ring_cap) /* ring_cap counts doubles */
        th_grow((void **)&s->ring_xy, &s->ring_cap, 2 * (s->ring_n + n), sizeof *s->ring_xy);
    memcpy(s->ring_xy + 2 * s->ring_n, xy, 2 * n * sizeof *xy);
    size_t had = s->ring_of_cap;
    if (s->n > s->ring_of_cap) {
        th_grow((void **)&s->ring_of, &s->ring_of_cap, s->n, sizeof *s->ring_of);
        memset(s->ring_of + had, 0, (s->ring_of_cap - had) * sizeof *s->ring_of);
    }
    s->ring_of[s->n - 1] = (struct th_ring_ref){(uint32_t)s->ring_n, (uint32_t)n};
    s->ring_n += n;
}

const double *th_parcel_ring(const th_parcel_set *s, size_t i, size_t *n)
{
    *n = i < s->ring_of_cap ? s->ring_of[i].len : 0;
    return *n ? s->ring_xy + 2 * (size_t)s->ring_of[i].at : NULL;
}
