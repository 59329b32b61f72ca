/* gen.c — the synthetic inventory generator. Everything random comes from one xoshiro256**
 * stream seeded by splitmix64, consumed in a fixed order, so a seed fixes every byte. */
#include "inventory/gen.h"

#include "base/date.h"
#include "base/mem.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    uint64_t s[4];
} rng;

static uint64_t splitmix(uint64_t *x)
{
    uint64_t z = (*x += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t next(rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

static double unif(rng *r) { return (double)(next(r) >> 11) * 0x1.0p-53; }
static int range(rng *r, int lo, int hi) { return lo + (int)(unif(r) * (hi - lo + 1)); }
static double normal(rng *r)
{
    /* Box-Muller; one of the pair is enough here */
    double u = unif(r), v = unif(r);
    return sqrt(-2.0 * log(u > 0 ? u : 1e-300)) * cos(6.283185307179586 * v);
}

typedef struct {
    const char *name, *code;
    double share, lon, lat; /* share of parcels; centre of the county's forest */
} county_def;

static const county_def counties[10] = {
    {"乐昌市", "440281", 0.15, 113.35, 25.13}, {"南雄市", "440282", 0.12, 114.31, 25.12},
    {"仁化县", "440224", 0.12, 113.75, 25.09}, {"始兴县", "440222", 0.12, 114.07, 24.95},
    {"乳源瑶族自治县", "440232", 0.13, 113.27, 24.78}, {"翁源县", "440229", 0.10, 114.13, 24.35},
    {"新丰县", "440233", 0.09, 114.21, 24.06}, {"曲江区", "440205", 0.10, 113.60, 24.68},
    {"武江区", "440203", 0.04, 113.55, 24.79}, {"浈江区", "440204", 0.03, 113.62, 24.87},
};

const char *th_gen_county(int i)
{
    return i >= 0 && i < TH_GEN_COUNTIES ? counties[i].name : NULL;
}

typedef struct {
    const char *id, *zh;
    double share;
    double vmax, k, c;  /* growth V(age) = vmax * (1 - exp(-k age))^c */
    int age_lo, age_hi;
    bool planted;       /* mostly plantations */
} type_def;

static const type_def types[12] = {
    {"chinese_fir", "杉木", 0.28, 330, 0.075, 2.4, 2, 40, true},
    {"masson_pine", "马尾松", 0.18, 280, 0.055, 2.1, 3, 55, true},
    {"mixed_broadleaf", "阔叶混", 0.14, 240, 0.045, 1.8, 5, 70, false},
    {"mixed_conifer_broadleaf", "针阔混", 0.12, 260, 0.05, 1.9, 5, 60, false},
    {"soft_broadleaf", "软阔", 0.06, 200, 0.06, 1.7, 3, 45, false},
    {"hard_broadleaf", "硬阔", 0.05, 230, 0.04, 1.8, 5, 80, false},
    {"schima_camphor", "木荷樟", 0.05, 220, 0.05, 1.8, 4, 60, false},
    {"oaks", "栎类", 0.04, 210, 0.04, 1.8, 5, 80, false},
    {"other_pines", "其他松类", 0.03, 260, 0.05, 2.0, 3, 50, true},
    {"mixed_conifer", "针叶混", 0.03, 290, 0.05, 2.1, 4, 50, true},
    {"cypress", "柏木", 0.01, 200, 0.04, 2.0, 4, 60, true},
    {"cryptomeria_metasequoia", "柳杉水杉", 0.01, 320, 0.05, 2.2, 4, 50, true},
};

static const char *const syl1[] = {"龙", "石", "松", "竹", "枫", "桂", "云", "岭", "溪", "坪",
                                   "塘", "源", "江", "峰", "林", "梅", "樟", "杉", "白", "青",
                                   "黄", "红", "金", "凤", "马", "牛", "鹿", "山", "田", "水"};
static const char *const syl2[] = {"口", "坑", "头", "背", "坝", "洞", "岗", "湾", "陂", "径",
                                   "寨", "坳", "岭", "塘", "下", "洋", "埔", "冲", "源", "田"};
static const char *const surnames[] = {"李", "陈", "张", "黄", "刘", "邓", "曾", "罗", "谢", "朱",
                                       "何", "钟", "叶", "廖", "赖", "吴", "林", "温", "邱", "华"};

enum { TOWNS_MAX = 12, VILLAGES_MAX = 16 };

typedef struct {
    char name[40];
    int nvillages;
    char village[VILLAGES_MAX][40];
    int farm;          /* index of this township's state forest farm */
} town_def;

typedef struct {
    int ntowns;
    town_def town[TOWNS_MAX];
    int64_t parcels, done; /* parcels planned for the county, generated so far */
    int grid;              /* cells per row of the county's parcel grid */
    double cell;           /* cell size, degrees */
} county_state;

struct th_gen {
    rng r;
    int64_t parcels, index;
    county_state cs[10];
    int county;            /* county being generated */
    int32_t survey1;       /* day number of 2019-04-01 */
};

static void name2(rng *r, char *out, size_t cap, const char *suffix)
{
    snprintf(out, cap, "%s%s%s", syl1[range(r, 0, 29)], syl2[range(r, 0, 19)], suffix);
}

th_gen *th_gen_new(uint64_t seed, int64_t parcels)
{
    th_gen *g = th_xcalloc(1, sizeof *g);
    uint64_t x = seed;
    for (int i = 0; i < 4; i++)
        g->r.s[i] = splitmix(&x);
    g->parcels = parcels;
    g->survey1 = th_days_from_civil(2019, 4, 1);
    int64_t given = 0;
    for (int c = 0; c < 10; c++) {
        county_state *cs = &g->cs[c];
        cs->parcels = c == 9 ? parcels - given : (int64_t)floor((double)parcels * counties[c].share);
        given += cs->parcels;
        cs->ntowns = range(&g->r, 7, TOWNS_MAX);
        for (int t = 0; t < cs->ntowns; t++) {
            town_def *td = &cs->town[t];
            for (int tries = 0;; tries++) {
                name2(&g->r, td->name, sizeof td->name, "镇");
                bool dup = false;
                for (int u = 0; u < t; u++)
                    dup |= strcmp(cs->town[u].name, td->name) == 0;
                if (!dup || tries > 50)
                    break;
            }
            td->nvillages = range(&g->r, 6, VILLAGES_MAX);
            for (int v = 0; v < td->nvillages; v++)
                for (int tries = 0;; tries++) {
                    name2(&g->r, td->village[v], sizeof td->village[v], "村");
                    bool dup = false;
                    for (int u = 0; u < v; u++)
                        dup |= strcmp(td->village[u], td->village[v]) == 0;
                    if (!dup || tries > 50)
                        break;
                }
            td->farm = range(&g->r, 1, 3);
        }
        double n = (double)(cs->parcels > 0 ? cs->parcels : 1);
        cs->grid = (int)ceil(sqrt(n));
        cs->cell = fmin(0.004, 0.45 / cs->grid);
    }
    return g;
}

void th_gen_free(th_gen *g)
{
    free(g);
}

static const type_def *pick_type(rng *r)
{
    double u = unif(r), acc = 0;
    for (int i = 0; i < 12; i++) {
        acc += types[i].share;
        if (u < acc)
            return &types[i];
    }
    return &types[0];
}

static double growth(const type_def *t, double age)
{
    return t->vmax * pow(1.0 - exp(-t->k * age), t->c);
}

/* Round to `decimals` places, giving the double nearest that decimal (as a parser would). */
static double round_dec(double v, int decimals)
{
    double p = decimals == 1 ? 10.0 : 100.0;
    return floor(v * p + 0.5) / p;
}

bool th_gen_next(th_gen *g, th_gen_record *b, bool *has_b, th_gen_record *a, bool *has_a)
{
    if (g->index >= g->parcels)
        return false;
    while (g->cs[g->county].done >= g->cs[g->county].parcels)
        g->county++;
    rng *r = &g->r;
    int c = g->county;
    county_state *cs = &g->cs[c];
    int64_t i = cs->done++;
    g->index++;

    /* where: township, village, forest compartment (林班) and sub-compartment (小班) numbers
     * follow the parcel's order within its county, as they do in a real inventory */
    int t = (int)(i * cs->ntowns / (cs->parcels ? cs->parcels : 1));
    town_def *td = &cs->town[t];
    int64_t per_town = cs->parcels / cs->ntowns + 1;
    int64_t in_town = i - (int64_t)t * cs->parcels / cs->ntowns;
    int v = (int)(in_town * td->nvillages / per_town);
    if (v >= td->nvillages)
        v = td->nvillages - 1;
    int64_t in_village = in_town - (int64_t)v * per_town / td->nvillages;
    if (in_village < 0)
        in_village = 0;
    int lin_ban = (int)(in_village / 60) % 1000 + 1;
    int xiao_ban = (int)(in_village % 60) + 1 + (int)(in_village / 60000) * 60;

    memset(b, 0, sizeof *b);
    snprintf(b->county, sizeof b->county, "%s", counties[c].name);
    snprintf(b->township, sizeof b->township, "%s", td->name);
    snprintf(b->village, sizeof b->village, "%s", td->village[v]);
    snprintf(b->xian, sizeof b->xian, "%s", counties[c].code);
    snprintf(b->xiang, sizeof b->xiang, "%03u", 100u + (unsigned)t % 900u);
    snprintf(b->cun, sizeof b->cun, "%03u", (unsigned)v % 999u + 1u);
    snprintf(b->lin_ban, sizeof b->lin_ban, "%03u", (unsigned)lin_ban % 1000u);
    snprintf(b->xiao_ban, sizeof b->xiao_ban, "%04u", (unsigned)xiao_ban % 10000u);
    snprintf(b->parcel_id, sizeof b->parcel_id, "%s-%s-%s-%s-%s", b->xian, b->xiang, b->cun,
             b->lin_ban, b->xiao_ban);

    /* who owns it */
    double u = unif(r);
    if (u < 0.15) {
        b->owner_kind = TH_OWNER_STATE;
        snprintf(b->owner, sizeof b->owner, "%.9s第%d国有林场", counties[c].name,
                 td->farm + t * 3);
        b->land_owner = "10";
    } else if (u < 0.50) {
        b->owner_kind = TH_OWNER_COLLECTIVE;
        snprintf(b->owner, sizeof b->owner, "%s%s股份经济合作社", td->name, td->village[v]);
        b->land_owner = "20";
    } else {
        b->owner_kind = TH_OWNER_HOUSEHOLD;
        snprintf(b->owner, sizeof b->owner, "%s某某(%s%03d户)", surnames[range(r, 0, 19)],
                 td->village[v], range(r, 1, 400));
        b->land_owner = "20";
    }

    /* what grows there */
    const type_def *ty = pick_type(r);
    b->forest_type = ty->zh;
    b->forest_type_id = ty->id;
    b->land_class = "030100";
    b->origin = ty->planted && unif(r) < 0.85 ? "21" : "11";
    b->age = range(r, ty->age_lo, ty->age_hi);
    double site = exp(0.22 * normal(r)); /* site quality: persistent for the parcel */
    double area = exp(log(6.0) + 0.8 * normal(r));
    b->area_ha = round_dec(fmin(fmax(area, 0.2), 150.0), 2);
    b->volume_m3_ha = round_dec(fmin(growth(ty, b->age) * site, 2900.0), 1);
    b->date = g->survey1 + t * 7 + range(r, 0, 90); /* a campaign of some months */

    /* the polygon: a jittered pentagon inside the parcel's grid cell */
    double side_deg = sqrt(b->area_ha * 10000.0) / 105000.0;
    double half = fmin(side_deg, cs->cell * 0.9) / 2;
    double cx = counties[c].lon - cs->grid * cs->cell / 2 + (double)(i % cs->grid) * cs->cell +
                cs->cell / 2;
    double cy = counties[c].lat - cs->grid * cs->cell / 2 + (double)(i / cs->grid) * cs->cell +
                cs->cell / 2;
    for (int k = 0; k < 5; k++) {
        double ang = 6.283185307179586 * k / 5 + 0.3 * (unif(r) - 0.5);
        double rad = half * (0.8 + 0.2 * unif(r));
        b->ring[k][0] = cx + rad * cos(ang);
        b->ring[k][1] = cy + rad * sin(ang);
    }
    b->ring[5][0] = b->ring[0][0];
    b->ring[5][1] = b->ring[0][1];

    /* five years on */
    *a = *b;
    a->date = b->date + 5 * 365 + 1 + range(r, -20, 20);
    a->age = b->age + 5;
    double fate = unif(r);
    *has_b = true;
    *has_a = true;
    if (fate < 0.03) {
        /* newly planted on land the first survey did not count as forest */
        *has_b = false;
        a->age = range(r, 1, 4);
        a->origin = "21";
        a->volume_m3_ha = round_dec(growth(ty, a->age) * site, 1);
    } else if (fate < 0.035) {
        /* left the forest land (converted to other use): gone from the second survey */
        *has_a = false;
    } else if (fate < 0.06 && b->age >= 15) {
        /* clear-felled: the stand is gone, the land stays forest land awaiting replanting */
        a->age = 0;
        a->volume_m3_ha = 0;
        a->land_class = "030300";
    } else {
        double grown = growth(ty, a->age) * site * exp(0.03 * normal(r));
        a->volume_m3_ha = round_dec(fmin(fmax(grown, b->volume_m3_ha * 0.9), 2900.0), 1);
        if (unif(r) < 0.01) /* re-surveyed boundary */
            a->area_ha = round_dec(fmax(b->area_ha * (0.95 + 0.1 * unif(r)), 0.2), 2);
    }
    return true;
}
