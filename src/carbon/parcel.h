/* parcel.h — a parcel (sub-compartment, 小班) as one survey saw it, and a survey's parcel set.
 *
 * Readers (src/inventory) fill a set; the measurement (carbon/measure.h) joins two sets. Strings
 * are (pointer, length) pairs, not NUL-terminated: they point either into the set's arena or
 * into the input text itself, which the set then keeps alive (`keep`, released by keep_free
 * with the set) so that a million keys need not be copied. A row that was bad but whose key
 * could be read stays in the set with `bad` set, so that skipping it can exclude the same parcel
 * from the other survey too. */
#ifndef TH_PARCEL_H
#define TH_PARCEL_H

#include "base/mem.h"

#include <stddef.h>
#include <stdint.h>

typedef struct {
    const char *key;
    const char *group;  /* the value of the grouping column ("" when none) */
    uint64_t key_hash;
    double area_ha;
    double stock_tco2e;
    long line;          /* line in the file, or feature id */
    int32_t date;       /* day number */
    int32_t type;       /* index into the parameter table; -1 when unknown */
    int32_t match;      /* index of the same parcel in the other survey, or -1 (set by the join) */
    uint32_t key_len;
    uint32_t group_len;
    uint8_t bad;
} th_parcel;

typedef struct {
    th_parcel *v;
    size_t n, cap;
    th_arena arena;
    char *file;         /* the name used in messages */
    void *keep;         /* what strings may point into, released with the set */
    void (*keep_free)(void *keep);
    /* outlines, only when the reader was asked to keep them (the map's), beside the parcels
     * rather than in them, which the measurement's loops walk: parcel i's points are
     * ring_xy[2 * ring_of[i].at ...] (ring_of[i].len of them; 0: none) */
    struct th_ring_ref {
        uint32_t at, len;
    } *ring_of;
    size_t ring_of_cap;
    double *ring_xy;
    size_t ring_n, ring_cap; /* points used; doubles allocated */
    uint64_t *index;    /* by key (carbon/measure.c), built once */
    size_t index_mask;
} th_parcel_set;

void th_parcel_set_init(th_parcel_set *s, const char *file);
void th_parcel_set_free(th_parcel_set *s);
th_parcel *th_parcel_set_push(th_parcel_set *s);
/* Give the last parcel pushed an outline of n points (x, y pairs). */
void th_parcel_set_ring(th_parcel_set *s, const double *xy, size_t n);
/* Parcel i's outline: its points (x, y pairs), *n of them; NULL when it has none. */
const double *th_parcel_ring(const th_parcel_set *s, size_t i, size_t *n);
/* Empty the set of parcels (and their arena); what it keeps alive stays. */
void th_parcel_set_clear(th_parcel_set *s);

#endif
