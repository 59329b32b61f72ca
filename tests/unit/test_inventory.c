/* test_inventory.c — the readers (CSV with its encodings and quirks, GDAL/OGR), the generator
 * and whole measurements from files. */
#include "test.h"

#include "base/sha256.h"
#include "carbon/params_default.h"
#include "inventory/gen_write.h"
#include "inventory/measure_files.h"
#include "inventory/measure_report.h"

#include <iconv.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char *path_of(const char *name)
{
    static char buf[8][512];
    static int k;
    char *p = buf[k++ % 8];
    snprintf(p, 512, "%s/%s", th_test_tmpdir(), name);
    return p;
}

static const char *write_file(const char *name, const void *data, size_t n)
{
    const char *p = path_of(name);
    FILE *f = fopen(p, "wb");
    if (!f || fwrite(data, 1, n, f) != n) {
        th_test_fail(__FILE__, __LINE__, "cannot write %s", p);
        if (f)
            fclose(f);
        return p;
    }
    fclose(f);
    return p;
}

static const char *write_text(const char *name, const char *text)
{
    return write_file(name, text, strlen(text));
}

static const char *to_gbk(const char *utf8, size_t *n)
{
    static char out[4096];
    iconv_t cd = iconv_open("GB18030", "UTF-8");
    char *in = (char *)utf8, *op = out;
    size_t inleft = strlen(utf8), outleft = sizeof out;
    iconv(cd, &in, &inleft, &op, &outleft);
    iconv_close(cd);
    *n = sizeof out - outleft;
    return out;
}

/* Run a measurement; returns its status, fills run (caller frees). */
static int measure(th_measure_run *run, const char *before, const char *after, th_params *p,
                   bool skip, th_by by, th_err *e)
{
    th_measure_opts o;
    th_measure_opts_default(&o);
    o.before_path = before;
    o.after_path = after;
    o.params = p;
    o.skip_invalid = skip;
    o.by = by;
    return th_measure_files(&o, run, e);
}

static const char *AFTER_OK =
    "parcel_id,survey_date,area_ha,forest_type,volume_m3_ha,owner\n"
    "A,2024-06-01,10,chinese_fir,120,甲村\n"
    "B,2024-06-01,5,马尾松,60,乙户\n";

TEST(csv_worked_example_through_files)
{
    th_params *p = th_test_default_params();
    const char *b = write_text("w_b.csv", "parcel_id,survey_date,area_ha,forest_type,volume_m3_ha\n"
                                          "A,2019-06-01,10,杉木,80\n");
    const char *a = write_text("w_a.csv", "parcel_id,survey_date,area_ha,forest_type,volume_m3_ha\n"
                                          "A,2024-06-01,10,Chinese fir,120\n");
    th_measure_run run;
    th_err e;
    CHECK_INT(measure(&run, b, a, p, false, TH_BY_FOREST_TYPE, &e), 0);
    CHECK_NEAR(run.m.change_tco2e, 320.678, 0.0005); /* CF 0.47 */
    CHECK_INT(run.m.credits.credits_total, 320);
    CHECK_INT(run.m.credits.buffer_credits, 64);
    CHECK_INT(run.m.credits.owner_credits, 256);
    CHECK_INT(run.in_before.n, 1);
    uint8_t d[32];
    char hex[65];
    const char *text = "parcel_id,survey_date,area_ha,forest_type,volume_m3_ha\nA,2019-06-01,10,杉木,80\n";
    th_sha256(text, strlen(text), d);
    th_hex(d, 32, hex);
    CHECK_STR(run.in_before.files[0].sha256, hex);
    th_measure_run_free(&run);
    th_params_free(p);
}

TEST(csv_bom_crlf_quotes_and_inventory_names)
{
    th_params *p = th_test_default_params();
    /* BOM, CRLF, quoted fields, empty lines, extra columns, the inventory's own names, a key
     * from its five location codes, case and white space in names */
    const char *b = write_text("q_b.csv",
        "\xEF\xBB\xBFxian,XIANG,CUN,LIN_BAN,XIAO_BAN,DIAOCHA_RQ,MIAN_JI,YOU_SHI_SZ,HUO_LMGQXJ,"
        "LIN_ZHU,EXTRA\r\n"
        "440281,101,001,002,0003,2019-05-01,10,\" 杉木 \",80,\"某村, 集体\",x\r\n"
        "\r\n"
        "440281,101,001,002,0004,2019-05-01,\"2.5\",马尾松,0,\"He said \"\"mine\"\"\",y\r\n");
    const char *a = write_text("q_a.csv",
        "parcel_id,survey_date,area_ha,forest_type,volume_m3_ha,owner\n"
        "440281-101-001-002-0003,2024-05-01,10,chinese_fir,120,某村\n"
        "440281-101-001-002-0004,2024-05-01,2.5,masson_pine,40,x\n");
    th_measure_run run;
    th_err e;
    CHECK_INT(measure(&run, b, a, p, false, TH_BY_OWNER, &e), 0);
    CHECK_INT(run.m.matched, 2);
    CHECK_INT(run.m.before_only, 0);
    CHECK_INT(run.in_before.encoding, TH_ENC_UTF8);
    /* masson pine, 2.5 ha, 0 -> 40 m3/ha: 2.5 * (0.5034*40 + 20.547) * 0.47 * 44/12 */
    double want = 320.678 + 2.5 * (0.5034 * 40 + 20.547) * 0.47 * 44.0 / 12.0;
    CHECK_NEAR(run.m.change_tco2e, want, 0.0005);
    th_measure_run_free(&run);
    th_params_free(p);
}

TEST(csv_gbk_is_detected_and_converted)
{
    th_params *p = th_test_default_params();
    size_t n;
    const char *g = to_gbk("parcel_id,survey_date,area_ha,forest_type,volume_m3_ha,owner\n"
                           "A,2019-06-01,10,杉木,80,韶关市某某林场\n"
                           "B,2019-06-01,5,马尾松,50,乳源瑶族自治县农户\n", &n);
    const char *b = write_file("g_b.csv", g, n);
    const char *a = write_text("g_a.csv", AFTER_OK);
    th_measure_run run;
    th_err e;
    CHECK_INT(measure(&run, b, a, p, false, TH_BY_OWNER, &e), 0);
    CHECK_INT(run.in_before.encoding, TH_ENC_GBK);
    CHECK_INT(run.m.matched, 2);
    th_measure_run_free(&run);
    /* the same file read as UTF-8 on request is an error naming the line */
    th_measure_opts o;
    th_measure_opts_default(&o);
    o.before_path = b;
    o.after_path = a;
    o.params = p;
    o.encoding = TH_ENC_UTF8;
    CHECK_INT(th_measure_files(&o, &run, &e), -1);
    CHECK_INT(e.line, 2);
    CHECK_CONTAINS(e.msg, "not valid UTF-8");
    th_measure_run_free(&run);
    th_params_free(p);
}

TEST(csv_utf8_is_checked_in_the_columns_read)
{
    /* past the first 1000 rows, stray bytes in a column tanhui does not read cannot change a
     * result and are not looked at */
    th_params *p = th_test_default_params();
    th_buf t;
    th_buf_init(&t);
    th_buf_puts(&t, "parcel_id,survey_date,area_ha,forest_type,volume_m3_ha,note\n"
                    "A,2019-06-01,10,杉木,80,\n");
    for (int i = 0; i < 1000; i++)
        th_buf_printf(&t, "X%d,2019-06-01,1,杉木,1,%s\n", i, i == 999 ? "\xff\xfe junk" : "");
    const char *b = write_file("u_b.csv", t.p, t.len);
    th_buf_free(&t);
    const char *a = write_text("u_a.csv", AFTER_OK);
    th_measure_run run;
    th_err e;
    CHECK_INT(measure(&run, b, a, p, false, TH_BY_FOREST_TYPE, &e), 0);
    CHECK_INT(run.in_before.encoding, TH_ENC_UTF8);
    CHECK_INT(run.m.before_only, 1000);
    th_measure_run_free(&run);
    /* the first rows are checked in every column: an owner's name shows GBK */
    size_t n;
    const char *g = to_gbk("parcel_id,survey_date,area_ha,forest_type,volume_m3_ha,owner\n"
                           "A,2019-06-01,10,杉木,80,曲江区国有林场\n", &n);
    b = write_file("u_b2.csv", g, n);
    CHECK_INT(measure(&run, b, a, p, false, TH_BY_FOREST_TYPE, &e), 0);
    CHECK_INT(run.in_before.encoding, TH_ENC_GBK);
    th_measure_run_free(&run);
    /* 杉木 alone in GBK is also valid UTF-8 (ɼľ): the error says what to do */
    g = to_gbk("parcel_id,survey_date,area_ha,forest_type,volume_m3_ha\n"
               "A,2019-06-01,10,杉木,80\n", &n);
    b = write_file("u_b3.csv", g, n);
    CHECK_INT(measure(&run, b, a, p, false, TH_BY_FOREST_TYPE, &e), -1);
    CHECK_CONTAINS(e.msg, "--encoding gbk");
    th_measure_run_free(&run);
    th_params_free(p);
}

TEST(csv_bad_rows_are_all_reported)
{
    th_params *p = th_test_default_params();
    const char *b = write_text("bad_b.csv",
        "parcel_id,survey_date,area_ha,forest_type,volume_m3_ha\n"
        "A,2019-06-01,10,杉木,80\n"
        "B,2019-06-01,-1,杉木,80\n"          /* area */
        "C,2019-02-30,1,杉木,80\n"           /* date */
        "D,2019-06-01,1,桉树,80\n"           /* unknown type */
        "E,2019-06-01,1,杉木,3001\n"         /* volume */
        "F,2019-06-01,1,杉木,8o\n"           /* not a number */
        "A,2019-06-01,1,杉木,80\n"           /* duplicate key */
        ",2019-06-01,1,杉木,80\n"            /* empty key */
        "G,2019-06-01,1,杉木\n"              /* too few fields */
        "H,2019-06-01,1,桉树,1\n"
        "I,2019-06-01,10001,bamboo,1\n"
        "K,2019-06-01,1,杉木,80\n");
    const char *a = write_text("bad_a.csv", "parcel_id,survey_date,area_ha,forest_type,volume_m3_ha\n"
                                            "A,2024-06-01,10,杉木,120\n"
                                            "B,2024-06-01,10,杉木,120\n"
                                            "K,2024-06-01,1,杉木,90\n");
    th_measure_run run;
    th_err e;
    CHECK_INT(measure(&run, b, a, p, false, TH_BY_FOREST_TYPE, &e), -1);
    CHECK_INT(e.code, TH_EINPUT);
    CHECK_CONTAINS(e.msg, "'桉树' (2 rows)");
    CHECK_CONTAINS(e.msg, "'bamboo' (1 rows)");
    CHECK_INT(run.errs.total, 12);
    bool saw_area = false, saw_dup = false, saw_width = false;
    for (size_t i = 0; i < run.errs.n; i++) {
        const th_rowerr *r = &run.errs.v[i];
        CHECK_STR(r->file, b);
        if (r->line == 3) {
            CHECK_STR(r->column, "area_ha");
            CHECK_STR(r->value, "-1");
            saw_area = true;
        }
        if (r->line == 8) {
            CHECK_CONTAINS(r->message, "more than once");
            saw_dup = true;
        }
        if (r->line == 10 && strstr(r->message, "the row has 4 fields but the header has 5"))
            saw_width = true;
    }
    CHECK(saw_area && saw_dup && saw_width);
    th_measure_run_free(&run);

    /* --skip-invalid: every parcel with a bad row is left out of both surveys, so A
     * (duplicated) and B (bad area) are not counted as new stands in the after survey */
    CHECK_INT(measure(&run, b, a, p, true, TH_BY_FOREST_TYPE, &e), 0);
    CHECK_INT(run.skipped, 10); /* nine bad rows and one duplicate */
    CHECK_INT(run.m.parcels, 1);
    CHECK_INT(run.m.excluded, 10);
    CHECK_INT(run.m.after_only, 0);
    th_measure_run_free(&run);
    th_params_free(p);
}

TEST(csv_dates_of_remembered_months_are_still_checked)
{
    th_params *p = th_test_default_params();
    const char *b = write_text("dm_b.csv", "parcel_id,survey_date,area_ha,forest_type,volume_m3_ha\n"
                                           "A,2019-04-10,1,杉木,1\n"
                                           "B,2019-04-31,1,杉木,1\n"   /* April has 30 days */
                                           "C,2019-02-01,1,杉木,1\n"
                                           "D,2019-02-29,1,杉木,1\n"   /* not a leap year */
                                           "E,2019-02-28,1,杉木,1\n"
                                           "F,2019-04-00,1,杉木,1\n");
    const char *a = write_text("dm_a.csv", AFTER_OK);
    th_measure_run run;
    th_err e;
    CHECK_INT(measure(&run, b, a, p, true, TH_BY_FOREST_TYPE, &e), 0);
    CHECK_INT(run.errs.total, 3);
    CHECK_INT(run.errs.v[0].line, 3);
    CHECK_INT(run.errs.v[1].line, 5);
    CHECK_INT(run.errs.v[2].line, 7);
    CHECK_STR(run.errs.v[2].column, "survey_date");
    th_measure_run_free(&run);
    th_params_free(p);
}

TEST(csv_missing_columns_are_named)
{
    th_params *p = th_test_default_params();
    const char *a = write_text("mc_a.csv", AFTER_OK);
    struct {
        const char *text, *field, *names;
    } cases[] = {
        {"parcel_id,survey_date,forest_type,volume_m3_ha\nA,2019-01-01,杉木,1\n", "area_ha",
         "area_ha, MIAN_JI, XBMJ"},
        {"parcel_id,survey_date,area_ha,volume_m3_ha\nA,2019-01-01,1,1\n", "forest_type",
         "forest_type, YOU_SHI_SZ"},
        {"parcel_id,survey_date,area_ha,forest_type\nA,2019-01-01,1,杉木\n", "volume_m3_ha",
         "volume_m3_ha, HUO_LMGQXJ"},
        {"parcel_id,area_ha,forest_type,volume_m3_ha\nA,1,杉木,1\n", "survey_date",
         "--before-date"},
        {"XIAN,XIANG,CUN,LIN_BAN,survey_date,area_ha,forest_type,volume_m3_ha\n1,2,3,4,2019-01-01,1,杉木,1\n",
         "parcel_id", "XIAO_BAN is missing"},
        {"", "", "empty"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const char *b = write_text("mc_b.csv", cases[i].text);
        th_measure_run run;
        th_err e;
        th_err_clear(&e);
        CHECK_INT(measure(&run, b, a, p, false, TH_BY_FOREST_TYPE, &e), -1);
        CHECK_STR(e.field, cases[i].field);
        CHECK_CONTAINS(e.msg, cases[i].names);
        CHECK_STR(e.file, b);
        th_measure_run_free(&run);
    }
    /* --by owner needs an owner column */
    const char *b = write_text("mc_b.csv", "parcel_id,survey_date,area_ha,forest_type,volume_m3_ha\n"
                                           "A,2019-01-01,1,杉木,1\n");
    th_measure_run run;
    th_err e;
    CHECK_INT(measure(&run, b, a, p, false, TH_BY_OWNER, &e), -1);
    CHECK_CONTAINS(e.msg, "for --by owner");
    th_measure_run_free(&run);
    th_params_free(p);
}

TEST(area_in_mu_and_default_dates)
{
    th_params *p = th_test_default_params();
    const char *b = write_text("mu_b.csv", "parcel_id,MIAN_JI,forest_type,volume_m3_ha\nA,150,杉木,80\n");
    const char *a = write_text("mu_a.csv", "parcel_id,MIAN_JI,forest_type,volume_m3_ha\nA,150,杉木,120\n");
    th_measure_opts o;
    th_measure_opts_default(&o);
    o.before_path = b;
    o.after_path = a;
    o.params = p;
    o.area_in_mu = true;
    o.has_before_date = o.has_after_date = true;
    o.before_date = 18000;
    o.after_date = 18000 + 1826;
    th_measure_run run;
    th_err e;
    CHECK_INT(th_measure_files(&o, &run, &e), 0);
    CHECK_NEAR(run.m.change_tco2e, 320.678, 0.0005); /* 150 mu = 10 ha */
    CHECK_NEAR(run.m.years, 1826 / 365.25, 1e-12);
    th_measure_run_free(&run);
    th_params_free(p);
}

static void file_sha(const char *path, char hex[65])
{
    th_err e;
    if (th_file_sha256(path, hex, &e) != 0)
        th_test_fail(__FILE__, __LINE__, "%s", e.msg);
}

TEST(gen_is_deterministic)
{
    th_gen_counts n1, n2;
    th_err e;
    CHECK_INT(th_gen_write(42, 3000, TH_GEN_CSV, path_of("d1b.csv"), path_of("d1a.csv"), &n1, &e), 0);
    CHECK_INT(th_gen_write(42, 3000, TH_GEN_CSV, path_of("d2b.csv"), path_of("d2a.csv"), &n2, &e), 0);
    char h1[65], h2[65];
    file_sha(path_of("d1b.csv"), h1);
    file_sha(path_of("d2b.csv"), h2);
    CHECK_STR(h1, h2);
    file_sha(path_of("d1a.csv"), h1);
    file_sha(path_of("d2a.csv"), h2);
    CHECK_STR(h1, h2);
    CHECK_INT(n1.before, n2.before);
    CHECK(n1.before < 3000 && n1.after < 3000 && n1.both < n1.before);
    /* GIS files too, whatever the time: GeoPackages record a time of change, to the second */
    CHECK_INT(th_gen_write(42, 300, TH_GEN_GPKG, path_of("d1b.gpkg"), path_of("d1a.gpkg"), &n1, &e), 0);
    sleep(1);
    CHECK_INT(th_gen_write(42, 300, TH_GEN_GPKG, path_of("d2b.gpkg"), path_of("d2a.gpkg"), &n2, &e), 0);
    file_sha(path_of("d1b.gpkg"), h1);
    file_sha(path_of("d2b.gpkg"), h2);
    CHECK_STR(h1, h2);
    CHECK_INT(th_gen_write(42, 300, TH_GEN_SHP, path_of("d1b.shp"), path_of("d1a.shp"), &n1, &e), 0);
    CHECK_INT(th_gen_write(42, 300, TH_GEN_SHP, path_of("d2b.shp"), path_of("d2a.shp"), &n2, &e), 0);
    file_sha(path_of("d1b.dbf"), h1);
    file_sha(path_of("d2b.dbf"), h2);
    CHECK_STR(h1, h2);
    CHECK_INT(th_gen_write(43, 3000, TH_GEN_CSV, path_of("d2b.csv"), path_of("d2a.csv"), &n2, &e), 0);
    file_sha(path_of("d2b.csv"), h2);
    file_sha(path_of("d1b.csv"), h1);
    CHECK(strcmp(h1, h2) != 0);
}

/* The same generated survey as CSV, GBK CSV, GeoPackage and shapefile measures the same, to the
 * last bit of every parcel. */
TEST(gis_round_trip_matches_csv)
{
    th_params *p = th_test_default_params();
    static const th_gen_format fmts[] = {TH_GEN_CSV, TH_GEN_CSV_GBK, TH_GEN_GPKG, TH_GEN_SHP};
    static const char *const ext[] = {"csv", "g.csv", "gpkg", "shp"};
    char want[65] = "";
    th_measure_run ref;
    memset(&ref, 0, sizeof ref);
    for (int k = 0; k < 4; k++) {
        char bn[64], an[64];
        snprintf(bn, sizeof bn, "rt_b.%s", ext[k]);
        snprintf(an, sizeof an, "rt_a.%s", ext[k]);
        const char *b = path_of(bn), *a = path_of(an);
        th_gen_counts n;
        th_err e;
        if (th_gen_write(5, 1500, fmts[k], b, a, &n, &e) != 0) {
            th_test_fail(__FILE__, __LINE__, "gen %s: %s", ext[k], e.msg);
            continue;
        }
        th_measure_run run;
        if (measure(&run, b, a, p, false, TH_BY_COUNTY, &e) != 0) {
            th_test_fail(__FILE__, __LINE__, "measure %s: %s", ext[k], e.msg);
            th_measure_run_free(&run);
            continue;
        }
        th_measure_opts o;
        th_measure_opts_default(&o);
        o.params = p;
        o.by = TH_BY_COUNTY;
        th_buf csv;
        th_buf_init(&csv);
        th_measure_parcels_csv(&run, &o, &csv);
        uint8_t d[32];
        char hex[65];
        th_sha256(csv.p, csv.len, d);
        th_hex(d, 32, hex);
        if (k == 0) {
            memcpy(want, hex, 65);
            CHECK_INT(run.m.ngroups, 10); /* the ten counties and districts */
            CHECK_INT(run.m.parcels, 1500);
        } else {
            if (strcmp(hex, want) != 0)
                th_test_fail(__FILE__, __LINE__, "%s measures differently from CSV", ext[k]);
        }
        if (k == 3)
            CHECK_INT(run.in_before.n, 5); /* .shp .shx .dbf .cpg .prj */
        th_buf_free(&csv);
        th_measure_run_free(&run);
    }
    th_params_free(p);
}

TEST(shapefile_without_cpg)
{
    /* a UTF-8 shapefile with no .cpg: the whole .dbf is valid UTF-8, so it is read as such (the
     * GBK case is in tests/cli, made with ogr2ogr) */
    th_params *p = th_test_default_params();
    const char *b = path_of("nocpg_b.shp"), *a = path_of("nocpg_a.shp");
    th_gen_counts n;
    th_err e;
    CHECK_INT(th_gen_write(3, 200, TH_GEN_SHP, b, a, &n, &e), 0);
    th_measure_run run;
    CHECK_INT(measure(&run, b, a, p, false, TH_BY_TOWNSHIP, &e), 0);
    double want = run.m.change_tco2e;
    size_t groups = run.m.ngroups;
    th_measure_run_free(&run);
    unlink(path_of("nocpg_b.cpg"));
    unlink(path_of("nocpg_a.cpg"));
    CHECK_INT(measure(&run, b, a, p, false, TH_BY_TOWNSHIP, &e), 0);
    CHECK_DBL(run.m.change_tco2e, want);
    CHECK_INT(run.m.ngroups, groups);
    th_measure_run_free(&run);
    th_params_free(p);
}

TEST(unreadable_inputs)
{
    th_params *p = th_test_default_params();
    th_measure_run run;
    th_err e;
    const char *a = write_text("ur_a.csv", AFTER_OK);
    CHECK_INT(measure(&run, path_of("does-not-exist.csv"), a, p, false, TH_BY_FOREST_TYPE, &e), -1);
    CHECK_CONTAINS(e.msg, "cannot open");
    th_measure_run_free(&run);
    const char *junk = write_text("junk.gpkg", "this is not a geopackage");
    CHECK_INT(measure(&run, junk, a, p, false, TH_BY_FOREST_TYPE, &e), -1);
    CHECK_CONTAINS(e.msg, "cannot read this file");
    CHECK_STR(e.file, junk);
    th_measure_run_free(&run);
    th_params_free(p);
}
