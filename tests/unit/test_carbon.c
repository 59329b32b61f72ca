/* test_carbon.c — the parameter table, the formulas of docs/measurement.md against hand-worked
 * values, the credits arithmetic, and the join. */
#include "test.h"

#include "base/date.h"
#include "base/text.h"
#include "carbon/credits.h"
#include "carbon/measure.h"
#include "carbon/params.h"
#include "carbon/params_default.h"
#include "carbon/stock.h"

#include <stdlib.h>

TEST(params_default_table)
{
    th_params *p = th_test_default_params();
    if (!p)
        return;
    CHECK_INT(th_params_count(p), 12);
    int fir = th_params_lookup(p, "chinese_fir", 11);
    CHECK(fir >= 0);
    CHECK_INT(th_params_lookup(p, "杉木", strlen("杉木")), fir);
    CHECK_INT(th_params_lookup(p, "  CHINESE FIR ", 14), fir);
    CHECK_INT(th_params_lookup(p, "Cunninghamia lanceolata", 23), fir);
    const th_forest_type *t = th_params_type(p, fir);
    CHECK_DBL(t->a, 0.4652);
    CHECK_DBL(t->b, 19.141);
    CHECK_DBL(t->carbon_fraction, 0.47);
    CHECK_INT(t->method, TH_METHOD_FANG);
    CHECK_INT(th_params_lookup(p, "樟树", strlen("樟树")), th_params_lookup(p, "schima_camphor", 14));
    CHECK_INT(th_params_lookup(p, "桉树", strlen("桉树")), -1);
    CHECK_INT(th_params_lookup(p, "", 0), -1);
    th_params_free(p);
}

static void bad_table(const char *text, const char *field, const char *msg_part, int line)
{
    th_params *p = NULL;
    th_err e;
    th_err_clear(&e);
    if (th_params_parse(text, strlen(text), "t.csv", &p, &e) == 0) {
        th_test_fail(__FILE__, line, "table accepted: %s", text);
        th_params_free(p);
        return;
    }
    if (strcmp(e.field, field) != 0 || !strstr(e.msg, msg_part))
        th_test_fail(__FILE__, line, "error field '%s' msg '%s'; expected field '%s' and '%s'",
                     e.field, e.msg, field, msg_part);
    if (strcmp(e.file, "t.csv") != 0)
        th_test_fail(__FILE__, line, "error names file '%s'", e.file);
}

TEST(params_user_tables)
{
    const char *good = "forest_type,name_zh,aliases,method,a,b,wood_density,bef,root_shoot,"
                       "kg_per_stem,carbon_fraction\n"
                       "eucalyptus,桉树,Eucalyptus|eucalypt,bef,,,0.578,1.263,0.221,,0.5\n"
                       "moso_bamboo,毛竹,Phyllostachys edulis,stem,,,,,,10.44,0.5\n"
                       "fir,杉木,,fang,0.4652,19.141,,,,,0.5\n";
    th_params *p = NULL;
    th_err e;
    CHECK_INT(th_params_parse(good, strlen(good), "user.csv", &p, &e), 0);
    if (!p)
        return;
    CHECK_INT(th_params_count(p), 3);
    const th_forest_type *eu = th_params_type(p, th_params_lookup(p, "EUCALYPT", 8));
    CHECK_INT(eu->method, TH_METHOD_BEF);
    CHECK_DBL(eu->wood_density, 0.578);
    th_params_free(p);

    bad_table("forest_type,method\nx,fang\n", "carbon_fraction", "no column", __LINE__);
    bad_table("forest_type,method,carbon_fraction\nx,magic,0.5\n", "method", "unknown method",
              __LINE__);
    bad_table("forest_type,method,a,b,carbon_fraction\nx,fang,0.5,,0.5\n", "b", "required",
              __LINE__);
    bad_table("forest_type,method,a,b,carbon_fraction\nx,fang,abc,1,0.5\n", "a", "not a number",
              __LINE__);
    bad_table("forest_type,method,a,b,carbon_fraction\nx,fang,1,1,1.5\n", "carbon_fraction",
              "out of range", __LINE__);
    bad_table("forest_type,name_zh,method,a,b,carbon_fraction\nx,松,fang,1,1,0.5\ny,松,fang,1,1,0.5\n",
              "name_zh", "already names forest type 'x'", __LINE__);
    bad_table("forest_type,method,kg_per_stem,carbon_fraction\nbamboo,stem,,0.5\n",
              "kg_per_stem", "required", __LINE__);
    bad_table("", "", "empty", __LINE__);
}

/* The worked example of docs/measurement.md: Chinese fir, 10 ha, 80 -> 120 m3/ha. */
TEST(worked_example_chinese_fir)
{
    th_forest_type t = {.method = TH_METHOD_FANG, .a = 0.4652, .b = 19.141, .carbon_fraction = 0.5};
    double b1 = th_biomass_density(&t, 80, NAN), b2 = th_biomass_density(&t, 120, NAN);
    CHECK_NEAR(b1, 56.357, 1e-9);
    CHECK_NEAR(b2, 74.965, 1e-9);
    double s1 = th_stock_tco2e(10, b1, 0.5), s2 = th_stock_tco2e(10, b2, 0.5);
    CHECK_NEAR((s2 - s1) * 12.0 / 44.0, 93.04, 1e-9); /* t C */
    CHECK_NEAR(s2 - s1, 341.147, 0.0005);
    t.carbon_fraction = 0.47;
    double d47 = th_parcel_stock(&t, 10, 120, NAN) - th_parcel_stock(&t, 10, 80, NAN);
    CHECK_NEAR(d47, 320.678, 0.0005);
    /* bare land has no biomass, whatever the intercept */
    CHECK_DBL(th_biomass_density(&t, 0, NAN), 0.0);
}

TEST(bef_and_stem_methods)
{
    th_forest_type bef = {.method = TH_METHOD_BEF, .wood_density = 0.5, .bef = 1.4,
                          .root_shoot = 0.2, .carbon_fraction = 0.5};
    /* 100 m3/ha * 0.5 t/m3 * 1.4 * 1.2 = 84 t/ha */
    CHECK_NEAR(th_biomass_density(&bef, 100, NAN), 84.0, 1e-12);
    /* 2 ha * 84 * 0.5 * 44/12 = 308 tCO2e */
    CHECK_NEAR(th_parcel_stock(&bef, 2, 100, NAN), 308.0, 1e-9);
    th_forest_type stem = {.method = TH_METHOD_STEM, .kg_per_stem = 10.44, .carbon_fraction = 0.5};
    /* 3000 culms/ha * 10.44 kg = 31.32 t/ha */
    CHECK_NEAR(th_biomass_density(&stem, 0, 3000), 31.32, 1e-12);
}

TEST(uncertainty_share_table)
{
    CHECK_DBL(th_uncertainty_share(0), 0);
    CHECK_DBL(th_uncertainty_share(10), 0);
    CHECK_DBL(th_uncertainty_share(10.0001), 0.25);
    CHECK_DBL(th_uncertainty_share(15), 0.25);
    CHECK_DBL(th_uncertainty_share(15.5), 0.5);
    CHECK_DBL(th_uncertainty_share(20), 0.5);
    CHECK_DBL(th_uncertainty_share(30), 0.75);
    CHECK_DBL(th_uncertainty_share(30.01), 1);
}

TEST(credits_ar_tool14_example)
{
    /* 60 +- 9 (U = 15 %) counts as 60 - 0.25 * 9 = 57.75 */
    th_deductions d;
    th_deductions_default(&d);
    d.uncertainty_pct = 15;
    th_credits c;
    CHECK_INT(th_credits_compute(60, &d, &c), 0);
    CHECK_NEAR(c.net_tco2e, 57.75, 1e-12);
    CHECK_INT(c.credits_total, 57);
    CHECK_INT(c.buffer_credits, 12); /* ceil(57 * 0.2) = ceil(11.4) */
    CHECK_INT(c.owner_credits, 45);
    CHECK_DBL(c.reversal_tco2e, 0);
}

TEST(credits_deduction_chain)
{
    th_deductions d;
    th_deductions_default(&d);
    d.baseline_tco2e = 100;
    d.leakage_pct = 10;
    d.uncertainty_pct = 25; /* share 0.75 */
    th_credits c;
    CHECK_INT(th_credits_compute(1100, &d, &c), 0);
    CHECK_DBL(c.e0, 1000);
    CHECK_DBL(c.leakage_tco2e, 100);
    CHECK_DBL(c.e1, 900);
    CHECK_NEAR(c.uncertainty_deduction_tco2e, 0.75 * 0.25 * 900, 1e-9);
    CHECK_NEAR(c.net_tco2e, 731.25, 1e-9);
    CHECK_INT(c.credits_total, 731);
    CHECK_INT(c.buffer_credits, 147); /* ceil(146.2) */
    CHECK_INT(c.owner_credits, 584);
    /* below one tonne: nothing */
    CHECK_INT(th_credits_compute(0.99, &d, &c) == 0 && c.credits_total == 0, 1);
    th_deductions_default(&d);
    CHECK_INT(th_credits_compute(0.999, &d, &c), 0);
    CHECK_INT(c.credits_total, 0);
    CHECK_INT(th_credits_compute(1.0, &d, &c), 0);
    CHECK_INT(c.credits_total, 1);
    CHECK_INT(c.buffer_credits, 1);
    CHECK_INT(c.owner_credits, 0);
    /* a loss: a reversal, no leakage or uncertainty deduction, nothing issued */
    d.leakage_pct = 10;
    d.uncertainty_pct = 25;
    CHECK_INT(th_credits_compute(-250.5, &d, &c), 0);
    CHECK_DBL(c.leakage_tco2e, 0);
    CHECK_DBL(c.uncertainty_deduction_tco2e, 0);
    CHECK_DBL(c.reversal_tco2e, 250.5);
    CHECK_INT(c.credits_total, 0);
    CHECK_INT(th_credits_compute(NAN, &d, &c), -1);
}

TEST(buffer_is_exact_in_integers)
{
    th_deductions d;
    th_deductions_default(&d);
    d.buffer_pct_scaled = 14300000; /* 14.3 %: 1000 * 14.3 / 100 is 143 exactly, not 143.0000001 */
    th_credits c;
    CHECK_INT(th_credits_compute(1000.5, &d, &c), 0);
    CHECK_INT(c.buffer_credits, 143);
    /* property: buffer = ceil(total * pct / 100) computed in 128-bit integers */
    uint64_t x = 7;
    int n = th_test_long() ? 1000000 : 50000, wrong = 0;
    for (int i = 0; i < n; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        int64_t total = (int64_t)(x % 4000000000000000u) + 1;
        d.buffer_pct_scaled = (int64_t)((x >> 20) % (100 * TH_PCT_SCALE + 1));
        CHECK_INT(th_credits_compute((double)total + 0.25, &d, &c), 0);
        __int128 num = (__int128)c.credits_total * d.buffer_pct_scaled, den = 100 * TH_PCT_SCALE;
        int64_t want = (int64_t)((num + den - 1) / den);
        if (c.buffer_credits != want || c.owner_credits + c.buffer_credits != c.credits_total)
            wrong++;
    }
    CHECK_INT(wrong, 0);
}

/* ---- the join ---- */

static th_parcel *add(th_parcel_set *s, const char *key, const char *date, double stock,
                      const char *group, long line)
{
    th_parcel *p = th_parcel_set_push(s);
    p->key = key;
    p->key_len = (uint32_t)strlen(key);
    p->key_hash = th_hash64(key, strlen(key));
    CHECK_INT(th_date_parse(date, 10, &p->date), 0);
    p->stock_tco2e = stock;
    p->area_ha = 1;
    p->group = group;
    p->group_len = (uint32_t)strlen(group);
    p->line = line;
    p->type = 0;
    return p;
}

TEST(join_and_sum)
{
    th_parcel_set b, a;
    th_parcel_set_init(&b, "b.csv");
    th_parcel_set_init(&a, "a.csv");
    add(&b, "P1", "2019-01-01", 100, "fir", 2);
    add(&b, "P2", "2019-03-01", 50, "pine", 3);   /* felled later */
    add(&b, "P3", "2019-02-01", 10, "pine", 4);   /* before only */
    add(&a, "P2", "2024-03-01", 0, "pine", 2);
    add(&a, "P1", "2024-01-01", 130, "fir", 3);
    add(&a, "P4", "2024-06-30", 7, "fir", 4);     /* after only */
    th_rowerrs errs;
    th_rowerrs_init(&errs, 100);
    th_measure_join(&b, &a, &errs);
    CHECK_INT(errs.total, 0);
    th_deductions d;
    th_deductions_default(&d);
    th_measure m;
    th_err e;
    CHECK_INT(th_measure_compute(&b, &a, TH_BY_FOREST_TYPE, &d, &m, &e), 0);
    CHECK_INT(m.parcels, 4);
    CHECK_INT(m.matched, 2);
    CHECK_INT(m.before_only, 1);
    CHECK_INT(m.after_only, 1);
    CHECK_DBL(m.stock_before_tco2e, 160);
    CHECK_DBL(m.stock_after_tco2e, 137);
    CHECK_DBL(m.change_tco2e, -23);
    char s1[11], s2[11];
    th_date_format(m.period_start, s1);
    th_date_format(m.period_end, s2);
    CHECK_STR(s1, "2019-01-01");
    CHECK_STR(s2, "2024-06-30");
    CHECK_DBL(m.years, (double)(th_days_from_civil(2024, 6, 30) - th_days_from_civil(2019, 1, 1)) / 365.25);
    CHECK_DBL(m.credits.reversal_tco2e, 23);
    CHECK_INT(m.ngroups, 2);
    CHECK_STR(m.groups[0].key, "fir");
    CHECK_DBL(m.groups[0].change_tco2e, 37);
    CHECK_INT(m.groups[0].parcels, 2);
    CHECK_STR(m.groups[1].key, "pine");
    CHECK_DBL(m.groups[1].change_tco2e, -60);
    /* report order: the before file's order, then after-only parcels */
    CHECK_INT(m.norder, 4);
    CHECK_INT(m.order_before[0], 0);
    CHECK_INT(m.order_after[0], 1);
    CHECK_INT(m.order_before[3], -1);
    CHECK_INT(m.order_after[3], 2);
    th_measure_free(&m);
    th_rowerrs_free(&errs);
    th_parcel_set_free(&b);
    th_parcel_set_free(&a);
}

TEST(join_finds_duplicates_and_date_order)
{
    th_parcel_set b, a;
    th_parcel_set_init(&b, "b.csv");
    th_parcel_set_init(&a, "a.csv");
    add(&b, "P1", "2019-01-01", 100, "g", 2);
    add(&b, "P1", "2019-01-02", 100, "g", 7);
    add(&b, "P2", "2019-01-01", 5, "g", 8);
    add(&b, "P3", "2019-01-01", 5, "g", 9);
    add(&a, "P1", "2024-01-01", 300, "g", 2);
    add(&a, "P2", "2019-01-01", 90, "g", 3); /* not later than before */
    add(&a, "P3", "2024-01-01", 6, "g", 4);
    th_rowerrs errs;
    th_rowerrs_init(&errs, 100);
    th_measure_join(&b, &a, &errs);
    CHECK_INT(errs.total, 2);
    th_rowerrs_sort(&errs);
    CHECK_STR(errs.v[0].file, "a.csv");
    CHECK_INT(errs.v[0].line, 3);
    CHECK_STR(errs.v[0].column, "survey_date");
    CHECK_CONTAINS(errs.v[0].message, "not later");
    CHECK_STR(errs.v[1].file, "b.csv");
    CHECK_INT(errs.v[1].line, 7);
    CHECK_CONTAINS(errs.v[1].message, "first on line 2");
    /* skipping: P1 and P2 leave both surveys; only P3 counts */
    th_deductions d;
    th_deductions_default(&d);
    th_measure m;
    th_err e;
    CHECK_INT(th_measure_compute(&b, &a, TH_BY_FOREST_TYPE, &d, &m, &e), 0);
    CHECK_INT(m.parcels, 1);
    CHECK_INT(m.excluded, 3); /* two P1 records and P2, counted from the before side */
    CHECK_DBL(m.change_tco2e, 1);
    th_measure_free(&m);
    th_rowerrs_free(&errs);
    th_parcel_set_free(&b);
    th_parcel_set_free(&a);
}

TEST(measure_empty_is_an_error)
{
    th_parcel_set b, a;
    th_parcel_set_init(&b, "b.csv");
    th_parcel_set_init(&a, "a.csv");
    th_rowerrs errs;
    th_rowerrs_init(&errs, 10);
    th_measure_join(&b, &a, &errs);
    th_deductions d;
    th_deductions_default(&d);
    th_measure m;
    th_err e;
    CHECK_INT(th_measure_compute(&b, &a, TH_BY_OWNER, &d, &m, &e), -1);
    CHECK_CONTAINS(e.msg, "no parcels");
    th_measure_free(&m);
    th_rowerrs_free(&errs);
    th_parcel_set_free(&b);
    th_parcel_set_free(&a);
}
