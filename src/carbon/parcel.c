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

void th_parcel_set_free(th_parcel_set *s)
{
    free(s->v);
    free(s->file);
    th_arena_free(&s->arena);
    memset(s, 0, sizeof *s);
}

th_parcel *th_parcel_set_push(th_parcel_set *s)
{
    th_grow((void **)&s->v, &s->cap, s->n + 1, sizeof *s->v);
    th_parcel *p = &s->v[s->n++];
    memset(p, 0, sizeof *p);
    p->match = -1;
    p->type = -1;
    return p;
}
