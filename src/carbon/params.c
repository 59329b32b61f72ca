/* params.c — parsing and looking up the parameter table. */
#include "carbon/params.h"

#include "base/csv.h"
#include "base/mem.h"
#include "base/num.h"
#include "base/text.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { NAME_MAX_LEN = 128 };

typedef struct {
    char *name; /* lowered */
    size_t len;
    int type;
} name_slot;

struct th_params {
    th_forest_type *types;
    int ntypes;
    name_slot *slots; /* open addressing, power of two */
    size_t nslots;
};

const char *th_method_name(th_method m)
{
    switch (m) {
    case TH_METHOD_FANG: return "fang";
    case TH_METHOD_BEF: return "bef";
    case TH_METHOD_STEM: return "stem";
    }
    return "?";
}

int th_params_count(const th_params *p) { return p->ntypes; }

const th_forest_type *th_params_type(const th_params *p, int idx) { return &p->types[idx]; }

int th_params_lookup(const th_params *p, const char *s, size_t n)
{
    th_trim(&s, &n);
    if (n == 0 || n > NAME_MAX_LEN)
        return -1;
    char low[NAME_MAX_LEN];
    th_lower_ascii(low, s, n);
    size_t mask = p->nslots - 1;
    for (size_t i = th_hash64(low, n) & mask;; i = (i + 1) & mask) {
        const name_slot *sl = &p->slots[i];
        if (!sl->name)
            return -1;
        if (sl->len == n && memcmp(sl->name, low, n) == 0)
            return sl->type;
    }
}

/* Insert a name; -1 with the other type's index in *clash if taken by another type. */
static int add_name(th_params *p, const char *s, size_t n, int type, int *clash)
{
    th_trim(&s, &n);
    if (n == 0)
        return 0;
    char low[NAME_MAX_LEN];
    th_lower_ascii(low, s, n);
    size_t mask = p->nslots - 1;
    for (size_t i = th_hash64(low, n) & mask;; i = (i + 1) & mask) {
        name_slot *sl = &p->slots[i];
        if (!sl->name) {
            sl->name = th_xstrndup(low, n);
            sl->len = n;
            sl->type = type;
            return 0;
        }
        if (sl->len == n && memcmp(sl->name, low, n) == 0) {
            if (sl->type == type)
                return 0; /* the same type naming itself twice is harmless */
            *clash = sl->type;
            return -1;
        }
    }
}

enum col { C_ID, C_NAME, C_ALIASES, C_METHOD, C_A, C_B, C_WD, C_BEF, C_RS, C_KG, C_CF, C_SRC, C_N };
static const char *const col_names[C_N] = {
    "forest_type", "name_zh", "aliases", "method", "a", "b", "wood_density", "bef",
    "root_shoot", "kg_per_stem", "carbon_fraction", "source"};

void th_params_free(th_params *p)
{
    if (!p)
        return;
    for (int i = 0; i < p->ntypes; i++) {
        free(p->types[i].id);
        free(p->types[i].name_zh);
        free(p->types[i].source);
    }
    for (size_t i = 0; i < p->nslots; i++)
        free(p->slots[i].name);
    free(p->types);
    free(p->slots);
    free(p);
}

static int num_field(const th_csv_field *f, const char *name, long line,
                     double lo, double hi, int lo_open, double *out, th_err *e)
{
    const char *s = f ? f->p : "";
    size_t n = f ? f->len : 0;
    th_trim(&s, &n);
    double v;
    if (n == 0)
        return th_fail_at(e, TH_EINPUT, NULL, line, name, s, n, "a number is required here");
    if (th_parse_double(s, n, &v) != 0 || !isfinite(v))
        return th_fail_at(e, TH_EINPUT, NULL, line, name, s, n, "not a number");
    if (v < lo || v > hi || (lo_open && v == lo))
        return th_fail_at(e, TH_EINPUT, NULL, line, name, s, n,
                          "out of range: must be %s %g and <= %g", lo_open ? ">" : ">=", lo, hi);
    *out = v;
    return 0;
}

int th_params_parse(const char *text, size_t n, const char *name, th_params **out, th_err *e)
{
    th_params *p = th_xcalloc(1, sizeof *p);
    size_t cap = 0;
    th_csv csv;
    th_csv_init(&csv, text, n);
    if (n >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        th_csv_init(&csv, text + 3, n - 3);
    th_csv_field f[32];
    int nf, col[C_N];
    const char *msg = NULL;
    int r = th_csv_next(&csv, f, 32, &nf, &msg);
    if (r <= 0) {
        if (r == 0)
            th_fail(e, TH_EINPUT, "the parameter table is empty");
        else
            th_fail_at(e, TH_EINPUT, NULL, csv.rec_line, NULL, NULL, 0, "%s", msg);
        goto fail;
    }
    for (int c = 0; c < C_N; c++) {
        col[c] = -1;
        for (int i = 0; i < nf && i < 32; i++) {
            const char *s = f[i].p;
            size_t len = f[i].len;
            th_trim(&s, &len);
            if (th_eq_nocase(s, len, col_names[c], strlen(col_names[c])))
                col[c] = i;
        }
    }
    static const int required[] = {C_ID, C_METHOD, C_CF};
    for (size_t k = 0; k < sizeof required / sizeof *required; k++)
        if (col[required[k]] < 0) {
            th_fail_at(e, TH_EINPUT, NULL, 1, col_names[required[k]], NULL, 0,
                       "the parameter table has no column '%s'", col_names[required[k]]);
            goto fail;
        }
    while ((r = th_csv_next(&csv, f, 32, &nf, &msg)) == 1) {
        long line = csv.rec_line;
        th_grow((void **)&p->types, &cap, (size_t)p->ntypes + 1, sizeof *p->types);
        th_forest_type *t = &p->types[p->ntypes];
        memset(t, 0, sizeof *t);
#define HAS(c) (col[c] >= 0 && col[c] < nf)
#define FLD(c) (HAS(c) ? &f[col[c]] : NULL)
#define TXT(c, dst)                                               \
    do {                                                          \
        const char *s_ = HAS(c) ? f[col[c]].p : "";              \
        size_t n_ = HAS(c) ? f[col[c]].len : 0;                   \
        th_trim(&s_, &n_);                                        \
        dst = th_xstrndup(s_, n_);                                \
    } while (0)
        TXT(C_ID, t->id);
        TXT(C_NAME, t->name_zh);
        TXT(C_SRC, t->source);
        p->ntypes++; /* owned from here on, freed with p */
        if (!t->id[0]) {
            th_fail_at(e, TH_EINPUT, NULL, line, "forest_type", "", 0, "the forest type id is empty");
            goto fail;
        }
        if (strlen(t->id) > NAME_MAX_LEN || strlen(t->name_zh) > NAME_MAX_LEN) {
            th_fail_at(e, TH_EINPUT, NULL, line, "forest_type", t->id, strlen(t->id),
                       "a forest type name is longer than %d bytes", NAME_MAX_LEN);
            goto fail;
        }
        const char *ms = HAS(C_METHOD) ? f[col[C_METHOD]].p : "";
        size_t mn = HAS(C_METHOD) ? f[col[C_METHOD]].len : 0;
        th_trim(&ms, &mn);
        if (th_eq_nocase(ms, mn, "fang", 4)) {
            t->method = TH_METHOD_FANG;
            if (num_field(FLD(C_A), "a", line, 0, 100, 1, &t->a, e) ||
                num_field(FLD(C_B), "b", line, -1000, 1000, 0, &t->b, e))
                goto fail;
        } else if (th_eq_nocase(ms, mn, "bef", 3)) {
            t->method = TH_METHOD_BEF;
            if (num_field(FLD(C_WD), "wood_density", line, 0, 2, 1, &t->wood_density, e) ||
                num_field(FLD(C_BEF), "bef", line, 0, 20, 1, &t->bef, e) ||
                num_field(FLD(C_RS), "root_shoot", line, 0, 10, 0, &t->root_shoot, e))
                goto fail;
        } else if (th_eq_nocase(ms, mn, "stem", 4)) {
            t->method = TH_METHOD_STEM;
            if (num_field(FLD(C_KG), "kg_per_stem", line, 0, 100000, 1,
                          &t->kg_per_stem, e))
                goto fail;
        } else {
            th_fail_at(e, TH_EINPUT, NULL, line, "method", ms, mn,
                       "unknown method: use fang, bef or stem");
            goto fail;
        }
        if (num_field(FLD(C_CF), "carbon_fraction", line, 0, 1, 1,
                      &t->carbon_fraction, e))
            goto fail;
    }
    if (r < 0) {
        th_fail_at(e, TH_EINPUT, NULL, csv.rec_line, NULL, NULL, 0, "%s", msg);
        goto fail;
    }
    if (p->ntypes == 0) {
        th_fail(e, TH_EINPUT, "the parameter table has no forest types");
        goto fail;
    }
    /* the name index: ids, Chinese names and aliases */
    p->nslots = 16;
    while (p->nslots < (size_t)p->ntypes * 16)
        p->nslots *= 2;
    p->slots = th_xcalloc(p->nslots, sizeof *p->slots);
    th_csv_free(&csv);
    th_csv_init(&csv, text, n);
    if (n >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        th_csv_init(&csv, text + 3, n - 3);
    (void)th_csv_next(&csv, f, 32, &nf, &msg); /* header */
    for (int i = 0; i < p->ntypes; i++) {
        (void)th_csv_next(&csv, f, 32, &nf, &msg);
        long line = csv.rec_line;
        const char *names[64];
        size_t lens[64];
        int nn = 0;
        names[nn] = p->types[i].id, lens[nn++] = strlen(p->types[i].id);
        names[nn] = p->types[i].name_zh, lens[nn++] = strlen(p->types[i].name_zh);
        if (HAS(C_ALIASES)) {
            const char *s = f[col[C_ALIASES]].p, *end = s + f[col[C_ALIASES]].len;
            while (s < end && nn < 64) {
                const char *bar = memchr(s, '|', (size_t)(end - s));
                const char *stop = bar ? bar : end;
                names[nn] = s, lens[nn++] = (size_t)(stop - s);
                s = bar ? bar + 1 : end;
            }
        }
        for (int k = 0; k < nn; k++) {
            int clash;
            const char *s = names[k];
            size_t len = lens[k];
            th_trim(&s, &len);
            if (len > NAME_MAX_LEN) {
                th_fail_at(e, TH_EINPUT, NULL, line, "aliases", s, len,
                           "an alias is longer than %d bytes", NAME_MAX_LEN);
                goto fail;
            }
            if (add_name(p, s, len, i, &clash) != 0) {
                th_fail_at(e, TH_EINPUT, NULL, line, k == 0 ? "forest_type" : k == 1 ? "name_zh" : "aliases",
                           s, len, "this name already names forest type '%s'", p->types[clash].id);
                goto fail;
            }
        }
#undef HAS
#undef FLD
#undef TXT
    }
    th_csv_free(&csv);
    *out = p;
    return 0;
fail:
    th_csv_free(&csv);
    if (name)
        th_copy_utf8(e->file, sizeof e->file, name, strlen(name));
    th_params_free(p);
    return -1;
}
