/* parcel.h — a parcel (sub-compartment, 小班) as one survey saw it, and a survey's parcel set.
 *
 * Readers (src/inventory) fill a set; the measurement (carbon/measure.h) joins two sets. Strings
 * live in the set's arena. A row that was bad but whose key could be read stays in the set with
 * `bad` set, so that skipping it can exclude the same parcel from the other survey too. */
#ifndef TH_PARCEL_H
#define TH_PARCEL_H

#include "base/mem.h"

#include <stddef.h>
#include <stdint.h>

typedef struct {
    const char *key;    /* NUL-terminated */
    const char *group;  /* the value of the grouping column, "" when none; NUL-terminated */
    uint64_t key_hash;
    double area_ha;
    double volume_m3_ha;
    double stems_ha;    /* NaN when absent */
    double stock_tco2e;
    long line;          /* line in the file, or feature id */
    int32_t date;       /* day number */
    int32_t type;       /* index into the parameter table; -1 when unknown */
    int32_t match;      /* index of the same parcel in the other survey, or -1 (set by the join) */
    uint32_t key_len;
    uint8_t bad;
} th_parcel;

typedef struct {
    th_parcel *v;
    size_t n, cap;
    th_arena arena;
    char *file;         /* the name used in messages */
} th_parcel_set;

void th_parcel_set_init(th_parcel_set *s, const char *file);
void th_parcel_set_free(th_parcel_set *s);
th_parcel *th_parcel_set_push(th_parcel_set *s);

#endif
