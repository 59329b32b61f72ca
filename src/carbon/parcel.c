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
