/* measure.c — joining two surveys and summing the change. See measure.h for the rules. */
#include "carbon/measure.h"

#include "base/date.h"
#include "base/mem.h"
#include "base/text.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static const char *const by_names[] = {"forest_type", "owner", "village", "township", "county"};

const char *th_by_name(th_by by) { return by_names[by]; }

int th_by_parse(const char *s, th_by *out)
{
    for (int i = 0; i < 5; i++)
        if (strcmp(s, by_names[i]) == 0) {
            *out = (th_by)i;
            return 0;
        }
    return -1;
}

/* Each set's index by key: open addressing, at most half full. A slot holds the parcel's index
 * + 1 in its low half (0: empty) and the high half of the key's hash in its high half, so that a
 * probe touches a parcel only when the hashes agree. Keys then compare by length and bytes. The
 * loops prefetch the slots of parcels a few places ahead: a million random slots would
 * otherwise be a million cache misses one after another. */
enum { PREFETCH_AHEAD = 12 };

static uint64_t slot_of(uint32_t i, uint64_t hash) { return (hash >> 32) << 32 | (i + 1u); }
static uint32_t slot_tag(uint64_t slot) { return (uint32_t)(slot >> 32); }
static int64_t slot_index(uint64_t slot) { return (int64_t)(uint32_t)slot - 1; }

static bool same_key(const th_parcel *p, const th_parcel *q)
{
    return q->key_hash == p->key_hash && q->key_len == p->key_len &&
           th_bytes_eq(p->key, q->key, p->key_len);
}

void th_measure_index(th_parcel_set *s, th_rowerrs *errs)
{
    if (s->index)
        return;
    size_t size = 16;
    while (size < s->n * 2)
        size *= 2;
    s->index = th_xcalloc(size, sizeof *s->index);
    s->index_mask = size - 1;
    for (size_t i = 0; i < s->n; i++) {
        if (i + PREFETCH_AHEAD < s->n)
            __builtin_prefetch(&s->index[s->v[i + PREFETCH_AHEAD].key_hash & s->index_mask], 1);
        th_parcel *p = &s->v[i];
        uint32_t tag = (uint32_t)(p->key_hash >> 32);
        for (size_t k = p->key_hash & s->index_mask;; k = (k + 1) & s->index_mask) {
            uint64_t slot = s->index[k];
            if (slot == 0) {
                s->index[k] = slot_of((uint32_t)i, p->key_hash);
                break;
            }
            if (slot_tag(slot) != tag)
                continue;
            th_parcel *q = &s->v[slot_index(slot)];
            if (same_key(p, q)) {
                th_rowerrs_add(errs, s->file, p->line, "parcel_id", p->key, p->key_len,
                               "parcel key appears more than once in this survey (first on "
                               "line %ld)", q->line);
                p->bad = q->bad = 1;
                break;
            }
        }
    }
}

static int64_t index_get(const th_parcel_set *s, const th_parcel *p)
{
    uint32_t tag = (uint32_t)(p->key_hash >> 32);
    for (size_t k = p->key_hash & s->index_mask;; k = (k + 1) & s->index_mask) {
        uint64_t slot = s->index[k];
        if (slot == 0)
            return -1;
        if (slot_tag(slot) == tag && same_key(p, &s->v[slot_index(slot)]))
            return slot_index(slot);
    }
}

void th_measure_probe(const th_parcel_set *before, th_parcel_set *after, size_t lo, size_t hi)
{
    if (hi > after->n)
        hi = after->n;
    for (size_t i = lo; i < hi; i++) {
        if (i + PREFETCH_AHEAD < hi)
            __builtin_prefetch(&before->index[after->v[i + PREFETCH_AHEAD].key_hash &
                                              before->index_mask]);
        if (i + PREFETCH_AHEAD / 2 < hi) {
            /* the slot of a nearer parcel is in cache by now: fetch the parcel it names */
            const th_parcel *n = &after->v[i + PREFETCH_AHEAD / 2];
            uint64_t slot = before->index[n->key_hash & before->index_mask];
            if (slot)
                __builtin_prefetch(&before->v[slot_index(slot)]);
        }
        int64_t j = index_get(before, &after->v[i]);
        after->v[i].match = (int32_t)j;
    }
}

void th_measure_link(th_parcel_set *before, th_parcel_set *after, th_rowerrs *errs)
{
    for (size_t i = 0; i < after->n; i++) {
        th_parcel *a = &after->v[i];
        if (a->match < 0)
            continue;
        th_parcel *b = &before->v[a->match];
        b->match = (int32_t)i;
        if (!a->bad && !b->bad && a->date <= b->date) {
            char da[11], db[11];
            th_date_format(a->date, da);
            th_date_format(b->date, db);
            th_rowerrs_add(errs, after->file, a->line, "survey_date", da, strlen(da),
                           "parcel %.*s: the after survey date is not later than its before "
                           "survey date %s (%s:%ld)", (int)a->key_len, a->key, db, before->file,
                           b->line);
            a->bad = b->bad = 1;
        }
    }
}

void th_measure_join(th_parcel_set *before, th_parcel_set *after, th_rowerrs *errs)
{
    th_measure_index(before, errs);
    th_measure_index(after, errs);
    th_measure_probe(before, after, 0, after->n);
    th_measure_link(before, after, errs);
}

/* Groups, found by key through a small open-addressing table. */
typedef struct {
    const char *key;
    size_t len;
    uint64_t hash;
    th_ksum before, after, change, area;
    int64_t parcels;
} group_acc;

typedef struct {
    group_acc *g;
    size_t n, cap;
    int32_t *slot; /* index + 1 */
    size_t mask;
} group_map;

static group_acc *group_for(group_map *m, const char *key, size_t len)
{
    uint64_t h = th_hash64(key, len);
    if ((m->n + 1) * 2 > m->mask + 1) {
        size_t size = (m->mask + 1) * 2;
        int32_t *slot = th_xcalloc(size, sizeof *slot);
        for (size_t i = 0; i < m->n; i++) {
            size_t s = m->g[i].hash & (size - 1);
            while (slot[s])
                s = (s + 1) & (size - 1);
            slot[s] = (int32_t)i + 1;
        }
        free(m->slot);
        m->slot = slot;
        m->mask = size - 1;
    }
    size_t s = h & m->mask;
    for (;; s = (s + 1) & m->mask) {
        int32_t k = m->slot[s];
        if (!k)
            break;
        if (m->g[k - 1].hash == h && m->g[k - 1].len == len &&
            memcmp(m->g[k - 1].key, key, len) == 0)
            return &m->g[k - 1];
    }
    th_grow((void **)&m->g, &m->cap, m->n + 1, sizeof *m->g);
    group_acc *g = &m->g[m->n];
    memset(g, 0, sizeof *g);
    g->key = key;
    g->len = len;
    g->hash = h;
    m->slot[s] = (int32_t)++m->n;
    return g;
}

static int group_cmp(const void *x, const void *y)
{
    return strcmp(((const th_measure_group *)x)->key, ((const th_measure_group *)y)->key);
}

int th_measure_compute(const th_parcel_set *before, const th_parcel_set *after, th_by by,
                       const th_deductions *d, th_measure *m, th_err *e)
{
    memset(m, 0, sizeof *m);
    m->by = by;
    m->deductions = *d;
    group_map gm = {0};
    gm.mask = 15;
    gm.slot = th_xcalloc(16, sizeof *gm.slot);
    th_ksum sb = {0, 0}, sa = {0, 0}, sc = {0, 0}, area = {0, 0};
    int32_t start = INT32_MAX, end = INT32_MIN;
    group_acc *last = NULL;
    const char *last_key = NULL;
    size_t cap = before->n + after->n;
    m->order_before = th_xmalloc(cap * sizeof *m->order_before);
    m->order_after = th_xmalloc(cap * sizeof *m->order_after);

    for (size_t pass = 0; pass < 2; pass++) {
        const th_parcel_set *s = pass == 0 ? before : after;
        for (size_t i = 0; i < s->n; i++) {
            const th_parcel *p = &s->v[i];
            const th_parcel *b = NULL, *a = NULL;
            if (pass == 0) {
                b = p;
                a = p->match >= 0 ? &after->v[p->match] : NULL;
            } else {
                if (p->match >= 0)
                    continue; /* counted with its before record */
                a = p;
            }
            if ((b && b->bad) || (a && a->bad)) {
                m->excluded++;
                continue;
            }
            const th_parcel *latest = a ? a : b;
            double s_b = b ? b->stock_tco2e : 0.0, s_a = a ? a->stock_tco2e : 0.0;
            double diff = s_a - s_b;
            th_ksum_add(&sb, s_b);
            th_ksum_add(&sa, s_a);
            th_ksum_add(&sc, diff);
            th_ksum_add(&area, latest->area_ha);
            /* consecutive parcels often share a group (and its string, for forest types) */
            if (!last || latest->group != last_key || latest->group_len != last->len) {
                last = group_for(&gm, latest->group, latest->group_len);
                last_key = latest->group;
            }
            group_acc *g = last;
            th_ksum_add(&g->before, s_b);
            th_ksum_add(&g->after, s_a);
            th_ksum_add(&g->change, diff);
            th_ksum_add(&g->area, latest->area_ha);
            g->parcels++;
            if (b && b->date < start)
                start = b->date;
            if (a && a->date > end)
                end = a->date;
            m->order_before[m->norder] = b ? (int32_t)(b - before->v) : -1;
            m->order_after[m->norder] = a ? (int32_t)(a - after->v) : -1;
            m->norder++;
            m->parcels++;
            if (a && b)
                m->matched++;
            else if (b)
                m->before_only++;
            else
                m->after_only++;
        }
    }
    free(gm.slot);
    m->ngroups = gm.n;
    m->groups = th_xcalloc(gm.n ? gm.n : 1, sizeof *m->groups);
    for (size_t i = 0; i < gm.n; i++) {
        th_measure_group *g = &m->groups[i];
        g->key = th_xstrndup(gm.g[i].key, gm.g[i].len);
        g->area_ha = th_ksum_value(&gm.g[i].area);
        g->stock_before_tco2e = th_ksum_value(&gm.g[i].before);
        g->stock_after_tco2e = th_ksum_value(&gm.g[i].after);
        g->change_tco2e = th_ksum_value(&gm.g[i].change);
        g->parcels = gm.g[i].parcels;
    }
    free(gm.g);
    qsort(m->groups, m->ngroups, sizeof *m->groups, group_cmp);

    if (m->parcels == 0)
        return th_fail(e, TH_EINPUT, "no parcels to measure: both surveys are empty (or every "
                                     "parcel was left out as bad)");
    if (start == INT32_MAX || end == INT32_MIN)
        return th_fail(e, TH_EINPUT,
                       "the monitoring period has no %s: that survey has no parcels left",
                       start == INT32_MAX ? "start" : "end");
    if (end <= start) {
        char ds[11], de[11];
        th_date_format(start, ds);
        th_date_format(end, de);
        return th_fail(e, TH_EINPUT,
                       "the monitoring period is empty: the latest after-survey date %s is not "
                       "later than the earliest before-survey date %s", de, ds);
    }
    m->period_start = start;
    m->period_end = end;
    m->years = (double)(end - start) / 365.25;
    m->area_ha = th_ksum_value(&area);
    m->stock_before_tco2e = th_ksum_value(&sb);
    m->stock_after_tco2e = th_ksum_value(&sa);
    m->change_tco2e = th_ksum_value(&sc);
    m->annual_tco2e = m->change_tco2e / m->years;
    if (th_credits_compute(m->change_tco2e, d, &m->credits) != 0)
        return th_fail(e, TH_EINPUT, "the net removals are too large to count in credits");
    return 0;
}

void th_measure_free(th_measure *m)
{
    for (size_t i = 0; i < m->ngroups; i++)
        free(m->groups[i].key);
    free(m->groups);
    free(m->order_before);
    free(m->order_after);
    memset(m, 0, sizeof *m);
}
